// Draws a hotspot task's right regions on its picture: a click sets a circle (the slider sizes
// the last one), or, in polygon mode, a corner; "close" ends the polygon. The regions are
// written into the form's JSON field (which also works by hand without JavaScript) and an
// `input` event tells the form. One implementation for the classic task form (set up on load),
// the studio and the pupils' workshop (`window.HotspotEditor.setup(box)` once the picture is
// known; the workshop's box has no polygon buttons: circles only).
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";

  function setup(box) {
    if (!box.dataset.image || box.dataset.ready) return;
    box.dataset.ready = "1";
    const scope = box.closest("form") || document;
    const field = scope.querySelector(`#${box.dataset.regionsField}`);
    const aspectField = scope.querySelector(`#${box.dataset.aspectField}`);
    const count = box.querySelector("[data-count]");
    let regions = [];
    try { regions = JSON.parse(field.value || "[]"); } catch (e) { regions = []; }
    let mode = "circle";
    let corners = [];
    const frame = document.createElement("div");
    frame.className = "hotspot-canvas";
    const img = document.createElement("img");
    img.src = box.dataset.image;
    img.alt = "";
    const svg = document.createElementNS(SVG, "svg");
    const size = document.createElement("input");
    size.type = "range"; size.min = "1"; size.max = "40"; size.value = box.dataset.size || "6";
    size.setAttribute("aria-label", box.dataset.sizeLabel || "r");
    frame.append(img, svg);
    box.append(frame, size);
    let aspect = Number(aspectField.value) || 1;

    function save(changed = true) {
      field.value = JSON.stringify(regions);
      aspectField.value = String(Math.round(aspect * 10000) / 10000);
      count.textContent = `${regions.length} × ✓`;
      draw();
      if (changed) field.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function draw() {
      svg.setAttribute("viewBox", `0 0 1 ${aspect}`);
      svg.replaceChildren();
      const shape = (name, attrs) => {
        const node = document.createElementNS(SVG, name);
        Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
        svg.append(node);
      };
      regions.forEach((region) => {
        if (region.circle) {
          shape("circle", { cx: region.circle.x, cy: region.circle.y * aspect, r: region.circle.r, class: "region" });
        } else if (region.polygon) {
          shape("polygon", { points: region.polygon.map(([x, y]) => `${x},${y * aspect}`).join(" "), class: "region" });
        }
      });
      if (corners.length) {
        shape("polyline", { points: corners.map(([x, y]) => `${x},${y * aspect}`).join(" "), class: "draft" });
      }
    }

    img.addEventListener("load", () => {
      if (img.naturalWidth) aspect = img.naturalHeight / img.naturalWidth;
      save(false);
    });
    frame.addEventListener("click", (event) => {
      const rect = img.getBoundingClientRect();
      const x = Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width));
      const y = Math.min(1, Math.max(0, (event.clientY - rect.top) / rect.height));
      const round = (v) => Math.round(v * 10000) / 10000;
      if (mode === "circle") {
        regions.push({ circle: { x: round(x), y: round(y), r: Number(size.value) / 100 } });
      } else {
        corners.push([round(x), round(y)]);
      }
      save(mode === "circle");
    });
    size.addEventListener("input", (event) => {
      event.stopPropagation();  // the field's own input event follows when it changes
      const last = regions[regions.length - 1];
      if (last && last.circle) { last.circle.r = Number(size.value) / 100; save(); }
    });
    box.querySelectorAll("[data-mode]").forEach((button) => button.addEventListener("click", () => {
      mode = button.dataset.mode;
      corners = [];
      box.querySelectorAll("[data-mode]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      draw();
    }));
    const finish = box.querySelector("[data-action=finish]");
    if (finish) finish.addEventListener("click", () => {
      if (corners.length >= 3) regions.push({ polygon: corners });
      corners = [];
      save();
    });
    box.querySelector("[data-action=undo]").addEventListener("click", () => {
      if (corners.length) corners = []; else regions.pop();
      save();
    });
    field.addEventListener("change", () => {
      try { regions = JSON.parse(field.value || "[]"); draw(); } catch (e) { /* the server names the error */ }
    });
    draw();
  }

  window.HotspotEditor = { setup };
  document.querySelectorAll(".hotspot-editor").forEach(setup);
})();
