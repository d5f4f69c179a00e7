/*
 * Region editor: draw, move and resize rectangles over an image with the mouse, a finger
 * or the keyboard, kept in step with a Django formset of numeric fields.
 *
 * How to use it: render artifacts.regions.region_formset(...) with
 *   {% include "admin/artifacts/region_editor.html" with regions=formset image_url=…
 *      image_width=… image_height=… image_alt=… %}
 * inside a <form>, and load this file and css/region-editor.css
 * ({% include "admin/artifacts/region_editor_assets.html" %} in the page's extrahead).
 * Each box is a <fieldset data-region-form> holding inputs named <prefix>-<n>-left, -top,
 * -width and -height (percent of the image) and a <prefix>-<n>-DELETE tick box; the
 * formset's TOTAL_FORMS input counts them, and a <template> holds an empty box whose
 * "__prefix__" and "__number__" are replaced when a box is added. The words this script
 * adds come from the editor's data-label-* attributes, translated by the template.
 *
 * Without JavaScript the page is the same form: the numbers are typed, and the server
 * draws the boxes (an SVG over the image) when the form comes back. With it: drag across
 * the image to draw, drag a box to move it, drag its lower right corner to resize it; Tab
 * to a box, arrows move it, Shift + arrows resize it, Alt for small steps, Delete removes.
 * No inline script or style: the page's Content Security Policy allows neither.
 *
 * The same editor draws over other forms, told by data-* attributes on its root:
 *   data-fields="x y width height"  the names' endings of the left, top, width and height
 *                                   inputs (default "left top width height");
 *   data-rows="#annotations-group"  what holds the boxes (default ".region-editor-boxes");
 *   data-row=".inline-related:not(.empty-form)"  one box (default "[data-region-form]");
 *   data-inline                     the boxes are rows of a Django admin inline, which adds,
 *                                   removes and numbers them itself: a new box is a row
 *                                   added with the inline's "Add another" link (rows added
 *                                   by that link take part too), removing one ticks its
 *                                   "Delete" box or takes away a row not yet saved, and a
 *                                   row stays on the page with whatever else it holds.
 * The photo admin's transcribed regions use it so (templates/admin/artifacts/photo/
 * annotation_inline.html): a box per region, drawn on the photo, its text typed below.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var FIELDS = ["left", "top", "width", "height"];
  var MIN_SIZE = 0.5; // percent: a smaller drag is a click, not a box
  var STEP = 1;
  var SMALL_STEP = 0.1;
  var CORNER_PX = 14; // how close to the lower right corner a drag resizes

  function round(value) {
    return Math.round(value * 100) / 100;
  }

  function clamp(value, low, high) {
    return Math.min(high, Math.max(low, value));
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? String(values[key]) : whole;
    });
  }

  function Editor(root) {
    this.root = root;
    this.prefix = root.getAttribute("data-prefix");
    this.max = parseInt(root.getAttribute("data-max"), 10) || 50;
    this.inline = root.hasAttribute("data-inline");
    this.suffixes = (root.getAttribute("data-fields") || FIELDS.join(" ")).split(/\s+/);
    this.rowSelector = root.getAttribute("data-row") || "[data-region-form]";
    this.svg = root.querySelector(".region-editor-shapes");
    this.stage = root.querySelector(".region-editor-stage");
    this.list = root.querySelector(root.getAttribute("data-rows") || ".region-editor-boxes");
    this.template = root.querySelector("template.region-editor-template");
    this.total = root.querySelector('input[name="' + this.prefix + '-TOTAL_FORMS"]');
    this.status = root.querySelector(".region-editor-status");
    this.addButton = root.querySelector(".region-editor-add");
    this.drag = null;
    this.start();
  }

  Editor.prototype.label = function (name, values) {
    return fill(this.root.getAttribute("data-label-" + name) || "", values || {});
  };

  Editor.prototype.start = function () {
    var editor = this;
    this.root.classList.add("is-enhanced");
    this.root.querySelectorAll(".region-editor-help").forEach(function (help) {
      help.hidden = !help.hidden; // the drawing help replaces the numbers-only help
    });
    while (this.svg.firstChild) {
      this.svg.removeChild(this.svg.firstChild);
    }
    this.boxes().forEach(function (box) {
      editor.enhanceBox(box);
    });
    this.addButton.hidden = false;
    this.addButton.addEventListener("click", function () {
      var box = editor.freeBox();
      if (!box) {
        return;
      }
      editor.write(box, { left: 40, top: 40, width: 20, height: 20 });
      editor.shapeOf(box).focus();
    });
    this.svg.addEventListener("pointerdown", function (event) {
      editor.pointerDown(event);
    });
    this.svg.addEventListener("pointermove", function (event) {
      editor.pointerMove(event);
    });
    this.svg.addEventListener("pointerup", function (event) {
      editor.pointerUp(event);
    });
    this.svg.addEventListener("pointercancel", function (event) {
      editor.pointerUp(event);
    });
    if (this.inline) {
      // Rows the inline adds or takes away with its own links (Django's inlines.js).
      document.addEventListener("formset:added", function (event) {
        if (event.detail && event.detail.formsetName === editor.prefix) {
          editor.enhanceBox(event.target);
          editor.renumber();
        }
      });
      document.addEventListener("formset:removed", function (event) {
        if (event.detail && event.detail.formsetName === editor.prefix) {
          editor.forget();
        }
      });
    }
    this.renumber();
  };

  // Shapes whose row has left the page (an unsaved inline row taken away).
  Editor.prototype.forget = function () {
    Array.prototype.slice.call(this.svg.querySelectorAll(".region-shape")).forEach(function (shape) {
      if (shape.regionBox && !shape.regionBox.isConnected) {
        shape.remove();
      }
    });
    this.renumber();
  };

  Editor.prototype.boxes = function () {
    return Array.prototype.slice.call(this.list.querySelectorAll(this.rowSelector));
  };

  Editor.prototype.removed = function (box) {
    var tick = this.input(box, "DELETE");
    return box.hidden || Boolean(tick && tick.checked);
  };

  Editor.prototype.liveBoxes = function () {
    return this.boxes().filter(function (box) {
      return !this.removed(box);
    }, this);
  };

  // An input of a box by its part: "left", "top", "width" or "height" (named by data-fields),
  // or "DELETE".
  Editor.prototype.input = function (box, name) {
    var index = FIELDS.indexOf(name);
    var suffix = index < 0 ? name : this.suffixes[index];
    return box.querySelector('input[name$="-' + suffix + '"]');
  };

  Editor.prototype.read = function (box) {
    var values = {};
    for (var i = 0; i < FIELDS.length; i++) {
      var raw = this.input(box, FIELDS[i]).value.replace(",", ".");
      if (raw === "" || isNaN(Number(raw))) {
        return null;
      }
      values[FIELDS[i]] = Number(raw);
    }
    return values.width > 0 && values.height > 0 ? values : null;
  };

  Editor.prototype.write = function (box, values) {
    var width = clamp(values.width, 0, 100);
    var height = clamp(values.height, 0, 100);
    var fixed = {
      left: round(clamp(values.left, 0, 100 - width)),
      top: round(clamp(values.top, 0, 100 - height)),
      width: round(width),
      height: round(height)
    };
    for (var i = 0; i < FIELDS.length; i++) {
      this.input(box, FIELDS[i]).value = fixed[FIELDS[i]].toFixed(2);
    }
    this.draw(box);
  };

  // The <rect> for a box, made when the box first has numbers.
  Editor.prototype.shapeOf = function (box) {
    if (box.regionShape) {
      return box.regionShape;
    }
    var editor = this;
    var shape = document.createElementNS(SVG, "rect");
    shape.setAttribute("class", "region-shape");
    shape.setAttribute("vector-effect", "non-scaling-stroke");
    shape.setAttribute("tabindex", "0");
    shape.setAttribute("role", "button");
    shape.setAttribute("aria-describedby", this.prefix + "-help-drawing");
    shape.appendChild(document.createElementNS(SVG, "title"));
    shape.regionBox = box;
    box.regionShape = shape;
    shape.addEventListener("keydown", function (event) {
      editor.keyDown(event, box);
    });
    shape.addEventListener("focus", function () {
      box.classList.add("is-current");
    });
    shape.addEventListener("blur", function () {
      box.classList.remove("is-current");
    });
    this.svg.appendChild(shape);
    return shape;
  };

  Editor.prototype.draw = function (box) {
    var values = this.read(box);
    if (!values || this.removed(box)) {
      if (box.regionShape) {
        box.regionShape.remove();
        box.regionShape = null;
      }
      return;
    }
    var shape = this.shapeOf(box);
    shape.setAttribute("x", values.left);
    shape.setAttribute("y", values.top);
    shape.setAttribute("width", Math.min(values.width, 100 - values.left));
    shape.setAttribute("height", Math.min(values.height, 100 - values.top));
    var number = this.liveBoxes().indexOf(box) + 1;
    var words = this.label("shape", {
      n: number,
      left: values.left.toFixed(2),
      top: values.top.toFixed(2),
      width: values.width.toFixed(2),
      height: values.height.toFixed(2)
    });
    shape.setAttribute("aria-label", words);
    shape.firstChild.textContent = words;
  };

  Editor.prototype.enhanceBox = function (box) {
    var editor = this;
    if (box.regionEnhanced) {
      return;
    }
    box.regionEnhanced = true;
    var tick = this.input(box, "DELETE");
    if (this.inline) {
      // The inline's own "Delete" box stays: ticking it takes the region off the image,
      // unticking puts it back.
      if (tick) {
        tick.addEventListener("change", function () {
          editor.renumber();
        });
      }
    } else if (tick && tick.checked) {
      box.hidden = true;
      return;
    }
    FIELDS.forEach(function (name) {
      var input = editor.input(box, name);
      input.addEventListener("input", function () {
        editor.draw(box);
      });
      input.addEventListener("focus", function () {
        box.classList.add("is-current");
        if (box.regionShape) {
          box.regionShape.classList.add("is-current");
        }
      });
      input.addEventListener("blur", function () {
        box.classList.remove("is-current");
        if (box.regionShape) {
          box.regionShape.classList.remove("is-current");
        }
      });
    });
    if (this.inline) {
      this.draw(box);
      return; // the inline has its own "Delete" box or link
    }
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "button region-editor-remove";
    remove.textContent = this.label("remove");
    remove.addEventListener("click", function () {
      editor.remove(box);
    });
    box.appendChild(remove);
    box.regionRemove = remove;
    this.draw(box);
  };

  // A box without numbers to draw into, or a new one from the template (null at the limit).
  Editor.prototype.freeBox = function () {
    var free = this.liveBoxes().filter(function (box) {
      return FIELDS.every(function (name) {
        return this.input(box, name).value === "";
      }, this);
    }, this);
    if (free.length) {
      return free[0];
    }
    if (this.liveBoxes().length >= this.max) {
      return null;
    }
    if (this.inline) {
      return this.addRow();
    }
    var index = parseInt(this.total.value, 10);
    var html = this.template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var box = holder.firstElementChild;
    this.list.appendChild(box);
    this.total.value = String(index + 1);
    this.enhanceBox(box);
    this.renumber();
    return box;
  };

  // A new row of the inline, added by its own "Add another" link (inlines.js adds the link
  // once the page has loaded, and announces the row with "formset:added"; see start).
  Editor.prototype.addRow = function () {
    var group = this.list.closest(".inline-group") || this.list;
    var link = group.querySelector(".add-row a");
    if (!link || link.closest("[hidden]") || link.parentNode.style.display === "none") {
      return null;
    }
    var before = this.boxes().length;
    link.click();
    var boxes = this.boxes();
    if (boxes.length === before) {
      return null;
    }
    var box = boxes[boxes.length - 1];
    this.enhanceBox(box);
    this.renumber();
    return box;
  };

  Editor.prototype.remove = function (box) {
    var number = this.liveBoxes().indexOf(box) + 1;
    var tick = this.input(box, "DELETE");
    var unsaved = this.inline && !tick && box.querySelector(".inline-deletelink");
    if (unsaved) {
      unsaved.click(); // the row leaves the page; "formset:removed" forgets its shape
    } else if (tick) {
      tick.checked = true;
    }
    if (!this.inline) {
      box.hidden = true;
    } else if (!unsaved && !tick) {
      // A row without either (the blank one without JavaScript's links): its box is cleared.
      FIELDS.forEach(function (name) {
        this.input(box, name).value = "";
      }, this);
    }
    this.draw(box);
    this.forget();
    this.say(this.label("removed", { n: number }));
    var next = this.liveBoxes().map(function (other) {
      return other.regionShape;
    }).filter(Boolean)[0];
    (next || this.addButton).focus();
  };

  Editor.prototype.renumber = function () {
    var editor = this;
    var live = this.liveBoxes();
    live.forEach(function (box, i) {
      var legend = editor.inline ? null : box.querySelector("legend");
      if (legend) {
        legend.textContent = editor.label("box", { n: i + 1 });
      }
      if (box.regionRemove) {
        box.regionRemove.setAttribute("aria-label", editor.label("remove-box", { n: i + 1 }));
      }
      editor.draw(box);
    });
    this.boxes().forEach(function (box) {
      if (editor.removed(box)) {
        editor.draw(box);
      }
    });
    this.addButton.disabled = live.length >= this.max;
  };

  Editor.prototype.say = function (words) {
    this.status.textContent = words;
  };

  // Pointer position in percent of the image.
  Editor.prototype.point = function (event) {
    var rect = this.svg.getBoundingClientRect();
    return {
      x: clamp(((event.clientX - rect.left) / rect.width) * 100, 0, 100),
      y: clamp(((event.clientY - rect.top) / rect.height) * 100, 0, 100),
      nearCorner: function (values) {
        var cornerX = rect.left + ((values.left + values.width) / 100) * rect.width;
        var cornerY = rect.top + ((values.top + values.height) / 100) * rect.height;
        return Math.abs(event.clientX - cornerX) <= CORNER_PX && Math.abs(event.clientY - cornerY) <= CORNER_PX;
      }
    };
  };

  Editor.prototype.pointerDown = function (event) {
    if (event.button !== 0) {
      return;
    }
    var at = this.point(event);
    var box = event.target.regionBox;
    if (box) {
      var values = this.read(box);
      this.drag = { box: box, from: at, values: values, mode: at.nearCorner(values) ? "resize" : "move" };
      event.target.focus();
    } else {
      this.drag = { box: null, from: at, mode: "draw" };
    }
    this.svg.setPointerCapture(event.pointerId);
    event.preventDefault();
  };

  Editor.prototype.pointerMove = function (event) {
    var drag = this.drag;
    if (!drag) {
      return;
    }
    var at = this.point(event);
    var dx = at.x - drag.from.x;
    var dy = at.y - drag.from.y;
    if (drag.mode === "draw") {
      if (!drag.box) {
        if (Math.abs(dx) < MIN_SIZE && Math.abs(dy) < MIN_SIZE) {
          return;
        }
        drag.box = this.freeBox();
        if (!drag.box) {
          this.drag = null;
          return;
        }
      }
      this.write(drag.box, {
        left: Math.min(at.x, drag.from.x),
        top: Math.min(at.y, drag.from.y),
        width: Math.abs(dx),
        height: Math.abs(dy)
      });
    } else if (drag.mode === "move") {
      this.write(drag.box, {
        left: drag.values.left + dx,
        top: drag.values.top + dy,
        width: drag.values.width,
        height: drag.values.height
      });
    } else {
      this.write(drag.box, {
        left: drag.values.left,
        top: drag.values.top,
        width: clamp(drag.values.width + dx, MIN_SIZE, 100 - drag.values.left),
        height: clamp(drag.values.height + dy, MIN_SIZE, 100 - drag.values.top)
      });
    }
  };

  Editor.prototype.pointerUp = function (event) {
    var drag = this.drag;
    this.drag = null;
    if (this.svg.hasPointerCapture(event.pointerId)) {
      this.svg.releasePointerCapture(event.pointerId);
    }
    if (!drag || !drag.box) {
      return;
    }
    var values = this.read(drag.box);
    if (drag.mode === "draw" && (!values || values.width < MIN_SIZE || values.height < MIN_SIZE)) {
      this.remove(drag.box);
      return;
    }
    var shape = drag.box.regionShape;
    if (shape) {
      shape.focus();
      this.say(shape.getAttribute("aria-label"));
    }
  };

  Editor.prototype.keyDown = function (event, box) {
    var values = this.read(box);
    if (!values) {
      return;
    }
    if (event.key === "Delete" || event.key === "Backspace") {
      event.preventDefault();
      this.remove(box);
      return;
    }
    var moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    var move = moves[event.key];
    if (!move) {
      return;
    }
    event.preventDefault();
    var step = event.altKey ? SMALL_STEP : STEP;
    if (event.shiftKey) {
      values.width = clamp(values.width + move[0] * step, SMALL_STEP, 100 - values.left);
      values.height = clamp(values.height + move[1] * step, SMALL_STEP, 100 - values.top);
    } else {
      values.left += move[0] * step;
      values.top += move[1] * step;
    }
    this.write(box, values);
    this.say(box.regionShape.getAttribute("aria-label"));
  };

  function startAll() {
    document.querySelectorAll("[data-region-editor]").forEach(function (root) {
      if (!root.regionEditor) {
        root.regionEditor = new Editor(root);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
