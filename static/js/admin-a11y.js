'use strict';
// Accessible names for the admin's autocomplete widgets (Select2, which Django's admin
// ships): Select2 hides the labelled <select> and shows its own combobox, labelled only by
// the current choice, so an empty one has no name, nor has the box showing that choice, nor
// the search box of a multiple choice. Each gets the <select>'s label. Select2 also puts its "remove all" cross,
// a <span>, straight into a <ul>; it is wrapped in an <li>.
{
    function labelOf(select) {
        const label = select.labels && select.labels[0];
        if (label) {
            if (!label.id) {
                label.id = select.id + '-label';
            }
            return {id: label.id, text: label.textContent.replace(/[\s:]+$/, '').trim()};
        }
        const text = select.getAttribute('aria-label') || select.title || select.name;
        return {id: null, text: text};
    }

    function setName(element, label) {
        if (label.id) {
            if (element.getAttribute('aria-labelledby') !== label.id) {
                element.setAttribute('aria-labelledby', label.id);
            }
        } else if (element.getAttribute('aria-label') !== label.text) {
            element.setAttribute('aria-label', label.text);
        }
    }

    function nameWidgets(root) {
        for (const container of root.querySelectorAll('select + .select2-container')) {
            const select = container.previousElementSibling;
            if (!select.classList.contains('select2-hidden-accessible')) {
                continue;
            }
            const label = labelOf(select);
            const combobox = container.querySelector('.select2-selection[role="combobox"]');
            if (combobox) {
                const rendered = combobox.getAttribute('aria-labelledby') || '';
                const current = rendered.split(' ').filter((id) => id && id !== label.id);
                if (label.id) {
                    const wanted = [label.id, ...current].join(' ');
                    if (rendered !== wanted) {
                        combobox.setAttribute('aria-labelledby', wanted);
                    }
                } else if (combobox.getAttribute('aria-label') !== label.text) {
                    combobox.setAttribute('aria-label', label.text);
                }
            }
            // The current choice, a read-only textbox that is empty while nothing is chosen.
            const choice = container.querySelector('.select2-selection__rendered[role="textbox"]');
            if (choice) {
                setName(choice, label);
            }
            const search = container.querySelector('.select2-selection .select2-search__field');
            if (search && search.getAttribute('aria-label') !== label.text) {
                search.setAttribute('aria-label', label.text);
            }
            for (const cross of container.querySelectorAll('ul.select2-selection__rendered > .select2-selection__clear')) {
                const item = document.createElement('li');
                item.className = 'select2-selection__clear-item';
                cross.replaceWith(item);
                item.append(cross);
            }
        }
    }

    function start() {
        nameWidgets(document);
        new MutationObserver(() => nameWidgets(document)).observe(document.body, {childList: true, subtree: true});
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
}
