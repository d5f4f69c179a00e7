/*
 * Transcribed regions on the deep-zoom viewer (static/js/deepzoom.js).
 *
 * The record page lists each photo's regions as text (templates/artifacts/detail/_regions.html),
 * every item carrying its box as fractions of the image (data-region="left top width height")
 * and its photo (data-region-photo). When the viewer opens a photo, each of its regions becomes
 * an outlined button laid on the image with OpenSeadragon's addOverlay, so it follows zoom,
 * pan and rotation. Hovering or focusing one shows its text; Tab reaches them in reading
 * order. A region's link in the list opens the viewer on its photo, zoomed to that region,
 * which is outlined more strongly and given focus.
 *
 * Our own few lines rather than a plugin such as Annotorious: the regions are only shown
 * here, never drawn or edited, and the text they show is already on the page. The overlays'
 * text is copied from the list with textContent (and its lang attributes), and positioned by
 * OpenSeadragon through element.style (CSSOM), which the Content-Security-Policy permits.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  function text(name, fallback) {
    return (script && script.getAttribute("data-text-" + name)) || fallback;
  }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    node.className = className;
    if (content) {
      node.textContent = content;
    }
    return node;
  }

  // A copy of one text of the listed region (a <dd>), with its language.
  function copied(item, selector, className) {
    var source = item.querySelector(selector);
    if (!source) {
      return null;
    }
    var node = element("span", className, source.textContent.trim());
    if (source.hasAttribute("lang")) {
      node.setAttribute("lang", source.getAttribute("lang"));
    }
    return node;
  }

  function overlayFor(item, number) {
    var label = item.querySelector(".region-label");
    var name = label ? label.textContent.trim() : text("region", "Region {number}").replace("{number}", number);
    var button = element("button", "deepzoom-region");
    button.type = "button";
    button.setAttribute("aria-pressed", "false");
    var badge = element("span", "deepzoom-region-number", String(number));
    badge.setAttribute("aria-hidden", "true");
    button.appendChild(badge);
    // The text is in the button (read by screen readers), shown on hover, focus or selection.
    var card = element("span", "deepzoom-region-text");
    card.appendChild(element("strong", "deepzoom-region-label", name));
    [
      [".region-transcription", "deepzoom-region-original"],
      [".region-transliteration", "deepzoom-region-transliteration"],
      [".region-translation", "deepzoom-region-translation"],
    ].forEach(function (part) {
      var node = copied(item, part[0], part[1]);
      if (node) {
        card.appendChild(node);
      }
    });
    button.appendChild(card);
    return button;
  }

  function select(overlays, chosen) {
    overlays.forEach(function (overlay) {
      var on = overlay === chosen;
      overlay.classList.toggle("is-current", on);
      overlay.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  document.addEventListener("deepzoom:open", function (event) {
    var viewer = event.detail.viewer;
    var link = event.detail.link;
    var OpenSeadragon = event.detail.OpenSeadragon;
    var image = viewer.world.getItemAt(0);
    var photo = link && link.getAttribute("data-zoom-photo");
    viewer.clearOverlays();
    if (!image || !photo || !/^[0-9]+$/.test(photo)) {
      return;
    }
    var size = image.getContentSize();
    var wanted = link.getAttribute("data-zoom-region");
    var items = document.querySelectorAll('li[data-region-photo="' + photo + '"]');
    var overlays = [];
    var chosen = null;
    var chosenRect = null;
    Array.prototype.forEach.call(items, function (item, index) {
      var box = (item.getAttribute("data-region") || "").split(" ").map(Number);
      if (box.length !== 4 || box.some(isNaN)) {
        return;
      }
      var rect = image.imageToViewportRectangle(box[0] * size.x, box[1] * size.y, box[2] * size.x, box[3] * size.y);
      var overlay = overlayFor(item, index + 1);
      // A region on the right half shows its text leftwards, so that it stays on screen.
      overlay.classList.toggle("is-right", box[0] + box[2] / 2 > 0.5);
      overlays.push(overlay);
      viewer.addOverlay({ element: overlay, location: rect });
      // OpenSeadragon takes pointer events on its image for dragging; a tracker of the
      // overlay's own lets a click select it. A key press on the button arrives as "click".
      new OpenSeadragon.MouseTracker({
        element: overlay,
        clickHandler: function () {
          select(overlays, overlay);
          overlay.focus();
        },
      });
      overlay.addEventListener("click", function () {
        select(overlays, overlay);
      });
      if (item.id && item.id === wanted) {
        chosen = overlay;
        chosenRect = rect;
      }
    });
    if (chosen) {
      select(overlays, chosen);
      // Zoom to the region with some of the page around it, then give it focus so that
      // its text shows and a screen reader reads it.
      var margin = Math.max(chosenRect.width, chosenRect.height) * 0.4;
      viewer.viewport.fitBoundsWithConstraints(
        new OpenSeadragon.Rect(
          chosenRect.x - margin,
          chosenRect.y - margin,
          chosenRect.width + 2 * margin,
          chosenRect.height + 2 * margin
        )
      );
      chosen.focus({ preventScroll: true });
    }
  });
})();
