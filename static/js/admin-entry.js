/*
 * The artifact form, enhanced where scripts run; everything here also works without it.
 * - Changing the type on the add form reloads the form for that type (without scripts:
 *   the first step's links, or the "Choose another type" link).
 * - "Add photos" shows each chosen file's thumbnail, in the order the photos will take,
 *   and a notice when its metadata locates or identifies someone, before anything is sent.
 * - Each photo row gets "Move up" / "Move down" buttons that swap the position numbers
 *   (the numbers themselves stay editable), so photos can be reordered with the keyboard.
 * Loaded from a file: the Content-Security-Policy allows no inline script. Every word it
 * shows comes from the page, in the curator's language: data- attributes written by the
 * server (admin/entry.py, admin/photos.py), with {placeholders} filled in here.
 */
(function () {
    "use strict";

    // A text from the page with its {placeholders} replaced, in one pass.
    function fill(template, values) {
        return (template || "").replace(/\{(\w+)\}/g, function (whole, key) {
            return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
        });
    }

    // --- the type decides the form ---------------------------------------------------

    function setUpTypeSelect(form) {
        const select = form.querySelector("#id_artifact_type");
        const rendered = form.querySelector("input[name='entry_type']");
        if (!select || !rendered) return;
        const adding = rendered.dataset.adding === "1";
        const says = rendered.dataset;
        let touched = false;
        form.addEventListener("input", function (event) {
            if (event.target !== select) touched = true;
        });
        const note = document.createElement("p");
        note.className = "entry-type-note";
        note.setAttribute("role", "status");
        select.insertAdjacentElement("afterend", note);
        select.addEventListener("change", function () {
            if (select.value === rendered.value || !select.value) {
                note.textContent = "";
                return;
            }
            if (!adding) {
                note.textContent = says.savedNote || "";
                return;
            }
            if (touched && !window.confirm(says.reloadQuestion || "")) {
                note.textContent = says.keptNote || "";
                return;
            }
            const params = new URLSearchParams(window.location.search);
            params.set("artifact_type", select.value);
            window.location.search = params.toString();
        });
    }

    // --- EXIF, read in the browser: GPS, camera serials, names ----------------------

    const TAGS = {0x013b: "Artist", 0xa430: "CameraOwnerName", 0xa431: "BodySerialNumber", 0xa435: "LensSerialNumber"};
    const EXIF_IFD = 0x8769;
    const GPS_IFD = 0x8825;

    function readIfd(view, tiff, offset, little) {
        const entries = {};
        if (offset + 2 > view.byteLength - tiff) return entries;
        const count = view.getUint16(tiff + offset, little);
        for (let i = 0; i < count; i++) {
            const at = tiff + offset + 2 + i * 12;
            if (at + 12 > view.byteLength) break;
            const tag = view.getUint16(at, little);
            const type = view.getUint16(at + 2, little);
            const length = view.getUint32(at + 4, little);
            entries[tag] = {type: type, length: length, at: at + 8};
        }
        return entries;
    }

    function valueOffset(view, tiff, entry, size, little) {
        return entry.length * size <= 4 ? entry.at : tiff + view.getUint32(entry.at, little);
    }

    function ascii(view, tiff, entry, little) {
        const start = valueOffset(view, tiff, entry, 1, little);
        let text = "";
        for (let i = 0; i < entry.length && start + i < view.byteLength; i++) {
            const code = view.getUint8(start + i);
            if (code === 0) break;
            text += String.fromCharCode(code);
        }
        return text.trim();
    }

    function degrees(view, tiff, entry, little) {
        if (!entry || entry.type !== 5 || entry.length !== 3) return null;
        const start = valueOffset(view, tiff, entry, 8, little);
        if (start + 24 > view.byteLength) return null;
        let result = 0;
        for (let i = 0; i < 3; i++) {
            const num = view.getUint32(start + i * 8, little);
            const den = view.getUint32(start + i * 8 + 4, little);
            if (!den) return null;
            result += num / den / Math.pow(60, i);
        }
        return result;
    }

    function tiffOf(view) {
        // A JPEG's APP1 "Exif\0\0" segment, or a TIFF file itself.
        if (view.byteLength > 4 && (view.getUint16(0) === 0x4949 || view.getUint16(0) === 0x4d4d)) return 0;
        if (view.byteLength < 4 || view.getUint16(0) !== 0xffd8) return -1;
        let at = 2;
        while (at + 4 <= view.byteLength && view.getUint8(at) === 0xff) {
            const marker = view.getUint8(at + 1);
            const size = view.getUint16(at + 2);
            if (marker === 0xe1 && at + 10 <= view.byteLength && view.getUint32(at + 4) === 0x45786966) return at + 10;
            if (marker === 0xda) break; // image data: no metadata segment follows
            at += 2 + size;
        }
        return -1;
    }

    // What the metadata holds, phrased as the server's warning phrases it (exif_privacy).
    function findings(buffer, texts) {
        const view = new DataView(buffer);
        const tiff = tiffOf(view);
        if (tiff < 0 || tiff + 8 > view.byteLength) return [];
        const little = view.getUint16(tiff) === 0x4949;
        const found = [];
        const ifd0 = readIfd(view, tiff, view.getUint32(tiff + 4, little), little);
        const exif = ifd0[EXIF_IFD] ? readIfd(view, tiff, view.getUint32(ifd0[EXIF_IFD].at, little), little) : {};
        if (ifd0[GPS_IFD]) {
            const gps = readIfd(view, tiff, view.getUint32(ifd0[GPS_IFD].at, little), little);
            let lat = degrees(view, tiff, gps[2], little);
            let lon = degrees(view, tiff, gps[4], little);
            if (lat !== null && lon !== null) {
                if (gps[1] && ascii(view, tiff, gps[1], little) === "S") lat = -lat;
                if (gps[3] && ascii(view, tiff, gps[3], little) === "W") lon = -lon;
                found.push(fill(texts.gps, {latitude: lat.toFixed(5), longitude: lon.toFixed(5)}));
            } else if (Object.keys(gps).length) {
                found.push(texts.gpsData);
            }
        }
        const merged = Object.assign({}, ifd0, exif);
        Object.keys(TAGS).forEach(function (tag) {
            const entry = merged[tag];
            if (!entry || entry.type !== 2) return;
            const value = ascii(view, tiff, entry, little);
            if (value) found.push(fill(texts.tag, {label: texts.labels[TAGS[tag]], value: value.slice(0, 80)}));
        });
        return found;
    }

    // --- "Add photos": previews and notices before the upload ----------------------

    function setUpAddPhotos(input) {
        const texts = {
            labels: JSON.parse(input.dataset.exifLabels || "{}"),
            gps: input.dataset.exifGps || "",
            gpsData: input.dataset.exifGpsData || "",
            tag: input.dataset.exifTag || "",
        };
        const notice = input.dataset.exifNotice || "";
        const list = document.createElement("ol");
        list.className = "entry-previews";
        list.setAttribute("aria-label", input.dataset.previewsLabel || "");
        input.insertAdjacentElement("afterend", list);
        input.addEventListener("change", function () {
            list.replaceChildren();
            Array.from(input.files).forEach(function (file) {
                const item = document.createElement("li");
                const image = document.createElement("img");
                image.alt = fill(input.dataset.previewAlt, {name: file.name});
                image.width = 120;
                const name = document.createElement("span");
                name.textContent = file.name;
                item.append(image, name);
                list.append(item);
                // A data: URL, as the policy allows images from data: (not blob:).
                const reader = new FileReader();
                reader.addEventListener("load", function () {
                    image.src = reader.result;
                });
                reader.readAsDataURL(file);
                // The metadata sits at the start of the file.
                file.slice(0, 256 * 1024).arrayBuffer().then(function (buffer) {
                    let found = [];
                    try {
                        found = findings(buffer, texts);
                    } catch (error) {
                        found = [];
                    }
                    if (!found.length) return;
                    const warning = document.createElement("p");
                    warning.className = "entry-metadata-notice";
                    warning.textContent = fill(notice, {name: file.name, found: found.join(", ")});
                    item.append(warning);
                });
            });
        });
    }

    // --- photo order with the keyboard ----------------------------------------------

    function photoRows(group) {
        return Array.from(group.querySelectorAll(".inline-related")).filter(function (row) {
            return !row.classList.contains("empty-form") && row.querySelector("input[name$='-position']");
        });
    }

    function move(group, row, step) {
        const rows = photoRows(group);
        const index = rows.indexOf(row);
        const other = rows[index + step];
        if (!other) return;
        const mine = row.querySelector("input[name$='-position']");
        const theirs = other.querySelector("input[name$='-position']");
        const value = mine.value;
        mine.value = theirs.value;
        theirs.value = value;
        if (step < 0) other.before(row);
        else other.after(row);
        mine.dispatchEvent(new Event("input", {bubbles: true}));
    }

    function addMoveButtons(group, row) {
        if (row.querySelector(".entry-move") || row.classList.contains("empty-form")) return;
        const position = row.querySelector("input[name$='-position']");
        if (!position) return;
        const says = position.dataset;
        const buttons = document.createElement("span");
        buttons.className = "entry-move";
        [[says.moveUp, says.moveUpLabel, -1], [says.moveDown, says.moveDownLabel, 1]].forEach(function (spec) {
            const button = document.createElement("button");
            button.type = "button";
            button.className = "button";
            button.textContent = spec[0] || "";
            // Each button says which photo it moves: a list of bare "Move up" buttons reads as one.
            const caption = row.querySelector("[name$='-caption']");
            button.setAttribute("aria-label", fill(spec[1], {photo: (caption && caption.value) || says.newPhoto || ""}));
            button.addEventListener("click", function () {
                move(group, row, spec[2]);
                button.focus();
            });
            buttons.append(button);
        });
        position.insertAdjacentElement("afterend", buttons);
    }

    function setUpPhotoOrder(group) {
        photoRows(group).forEach(function (row) {
            addMoveButtons(group, row);
        });
        document.addEventListener("formset:added", function (event) {
            if (group.contains(event.target)) addMoveButtons(group, event.target);
        });
    }

    document.addEventListener("DOMContentLoaded", function () {
        const form = document.getElementById("artifact_form");
        if (!form) return;
        setUpTypeSelect(form);
        form.querySelectorAll("input[type=file][multiple][name='add_photos']").forEach(setUpAddPhotos);
        const photos = document.getElementById("photos-group");
        if (photos) setUpPhotoOrder(photos);
    });
})();
