/*
 * Deep zoom for a record's images, so that researchers can read handwriting and stamps.
 *
 * Progressive enhancement: every image link (a thumbnail, or a "Full size" link marked
 * with data-zoom-src) opens the plain display image without JavaScript. With it, a click
 * opens the same image in an OpenSeadragon viewer inside a modal dialog. OpenSeadragon
 * is loaded from this site on first use (the script tag's data-osd-src), never from a CDN.
 *
 * The site's Content-Security-Policy allows no inline script or style. Everything here
 * sets text with textContent and styles only through element.style properties (CSSOM),
 * which the policy permits; the viewer's own CSS is static/css/deepzoom.css.
 * Graphic images the viewer has not chosen to see have no link on the page, so they
 * cannot be opened here either.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var osdSrc = script && script.getAttribute("data-osd-src");
  var osdImages = script && script.getAttribute("data-osd-images");
  // Every word the viewer shows comes from the page, translated there (data-text-*), so
  // that the viewer speaks the reader's language; English stands in if one is missing.
  function text(name, fallback) {
    return (script && script.getAttribute("data-text-" + name)) || fallback;
  }
  if (!osdSrc || typeof window.HTMLDialogElement !== "function" || !window.Promise) {
    return; // the plain links keep working
  }

  var loading = null;
  var dialog = null;
  var viewer = null;
  var opener = null;
  var current = null; // the link whose image the viewer shows
  var parts = {};

  function loadOpenSeadragon() {
    if (window.OpenSeadragon) {
      return Promise.resolve(window.OpenSeadragon);
    }
    if (!loading) {
      // OpenSeadragon inserts a small inline <style> element of its own unless the page
      // has an element matching style[data-openseadragon-mobile-css]. The CSP refuses
      // every inline <style> (whatever its type or media), and reports it as a violation,
      // so a stand-in takes its place: an element named "style" in a private XML
      // namespace matches that selector but is no style sheet, so the policy never
      // checks it. The one rule OpenSeadragon wanted lives in deepzoom.css.
      if (!document.querySelector("style[data-openseadragon-mobile-css]")) {
        var standIn = document.createElementNS("urn:x-archive:inert", "style");
        standIn.setAttribute("data-openseadragon-mobile-css", "provided by deepzoom.css");
        document.head.appendChild(standIn);
      }
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = osdSrc;
        tag.onload = function () {
          if (window.OpenSeadragon) {
            resolve(window.OpenSeadragon);
          } else {
            reject(new Error("OpenSeadragon did not load"));
          }
        };
        tag.onerror = function () {
          loading = null;
          reject(new Error("OpenSeadragon could not be loaded"));
        };
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function button(className, label, icon) {
    // The site's own buttons, with a visible name, instead of OpenSeadragon's image
    // buttons: they look like the rest of the archive and a screen reader names them.
    var node = element("button", "deepzoom-button " + className);
    node.type = "button";
    var glyph = element("span", "deepzoom-glyph", icon);
    glyph.setAttribute("aria-hidden", "true");
    node.appendChild(glyph);
    node.appendChild(element("span", "deepzoom-label", label));
    return node;
  }

  function buildDialog() {
    dialog = element("dialog", "deepzoom");
    dialog.setAttribute("aria-labelledby", "deepzoom-title");
    var bar = element("div", "deepzoom-bar");
    var heading = element("div", "deepzoom-heading");
    parts.title = element("h2", "deepzoom-title");
    parts.title.id = "deepzoom-title";
    parts.notice = element("p", "deepzoom-notice");
    heading.appendChild(parts.title);
    heading.appendChild(parts.notice);
    parts.close = button("deepzoom-close", text("close", "Close"), "\u00d7");
    bar.appendChild(heading);
    bar.appendChild(parts.close);
    parts.stage = element("div", "deepzoom-stage");
    parts.stage.id = "deepzoom-stage";
    parts.status = element("p", "deepzoom-status");
    parts.status.setAttribute("role", "status");
    // OpenSeadragon binds its handlers to these buttons by id (zoomInButton and friends).
    var tools = element("div", "deepzoom-tools");
    tools.setAttribute("role", "toolbar");
    tools.setAttribute("aria-label", text("tools", "Image controls"));
    var controls = [
      ["zoomInButton", "deepzoom-zoom-in", text("zoom-in", "Zoom in"), "+"],
      ["zoomOutButton", "deepzoom-zoom-out", text("zoom-out", "Zoom out"), "\u2212"],
      ["homeButton", "deepzoom-home", text("home", "Whole image"), "\u2922"],
      ["rotateRightButton", "deepzoom-rotate", text("rotate", "Rotate"), "\u21bb"],
    ];
    parts.buttons = {};
    controls.forEach(function (control) {
      var node = button(control[1], control[2], control[3]);
      node.id = control[1];
      parts.buttons[control[0]] = node.id;
      tools.appendChild(node);
    });
    parts.plain = element("a", "deepzoom-plain");
    var arrow = element("span", "deepzoom-glyph", "\u2197");
    arrow.setAttribute("aria-hidden", "true");
    parts.plain.appendChild(arrow);
    parts.plain.appendChild(element("span", "deepzoom-label", text("plain", "Open the image on its own")));
    tools.appendChild(parts.plain);
    var help = element(
      "p",
      "deepzoom-help",
      text(
        "help",
        "Scroll, pinch or use the buttons to zoom; drag to move. With the image focused: + and − zoom, " +
          "arrow keys move, 0 shows the whole image. Escape closes."
      )
    );
    dialog.appendChild(bar);
    dialog.appendChild(parts.stage);
    dialog.appendChild(parts.status);
    dialog.appendChild(tools);
    dialog.appendChild(help);
    parts.close.addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("close", function () {
      if (viewer) {
        viewer.close(); // frees the image; the viewer is reused next time
      }
      if (opener) {
        opener.focus();
        opener = null;
      }
    });
    document.body.appendChild(dialog);
  }

  function tileSource(link) {
    return { type: "image", url: link.getAttribute("data-zoom-src"), buildPyramid: true };
  }

  function open(link, clicked) {
    if (!dialog) {
      buildDialog();
    }
    opener = clicked; // focus goes back here when the viewer closes
    current = link;
    parts.title.textContent = link.getAttribute("data-zoom-caption") || text("image", "Image");
    var notice = link.getAttribute("data-zoom-notice") || "";
    parts.notice.textContent = notice;
    parts.notice.hidden = !notice;
    parts.plain.href = link.getAttribute("data-zoom-src");
    parts.status.textContent = text("loading", "Loading the image…");
    dialog.showModal();
    parts.close.focus();

    loadOpenSeadragon().then(
      function (OpenSeadragon) {
        if (!dialog.open) {
          return;
        }
        if (viewer) {
          viewer.open(tileSource(link));
          return;
        }
        // On a phone the overview map would cover a quarter of the image; the whole
        // image is one button away instead.
        var wide = window.matchMedia("(min-width: 40rem)").matches;
        viewer = OpenSeadragon({
          element: parts.stage,
          prefixUrl: osdImages,
          tileSources: tileSource(link),
          showNavigator: wide,
          navigatorPosition: "BOTTOM_RIGHT",
          showRotationControl: true,
          showFullPageControl: false,
          zoomInButton: parts.buttons.zoomInButton,
          zoomOutButton: parts.buttons.zoomOutButton,
          homeButton: parts.buttons.homeButton,
          rotateRightButton: parts.buttons.rotateRightButton,
          visibilityRatio: 0.5,
          minZoomImageRatio: 0.5,
          maxZoomPixelRatio: 4,
          gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true },
          crossOriginPolicy: false,
        });
        viewer.addHandler("open", function () {
          parts.status.textContent = "";
          // Other scripts draw on the opened image (deepzoom-regions.js: transcribed regions).
          document.dispatchEvent(
            new CustomEvent("deepzoom:open", {
              detail: { viewer: viewer, link: current, OpenSeadragon: OpenSeadragon },
            })
          );
        });
        viewer.addHandler("open-failed", function () {
          parts.status.textContent = text(
            "failed",
            "The image could not be opened in the viewer. Use “Open the image on its own”."
          );
        });
      },
      function () {
        // No viewer: fall back to what the link does without JavaScript.
        dialog.close();
        window.location.assign(link.getAttribute("data-zoom-src"));
      }
    );
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return; // let "open in new tab" and friends do what the reader asked
    }
    var clicked = event.target.closest && event.target.closest("a[href]");
    if (!clicked) {
      return;
    }
    // The "Full size" link carries the image's details; the thumbnail's link beside it,
    // in the same figure and to the same image, opens the viewer too.
    var link = clicked.hasAttribute("data-zoom-src") ? clicked : null;
    var figure = link ? null : clicked.closest("figure");
    if (figure) {
      var candidate = figure.querySelector("a[data-zoom-src]");
      if (candidate && candidate.getAttribute("data-zoom-src") === clicked.getAttribute("href")) {
        link = candidate;
      }
    }
    if (!link) {
      return;
    }
    event.preventDefault();
    open(link, clicked);
  });
})();
