// Hotspots: tap the detail in the picture. The answer is `{x, y}`, fractions of the picture's
// width and height. A tap sets the marker; arrow keys move it (for keyboards and switch access).

import { t } from "./i18n.js";
import { h } from "./views.js";
import { registerTaskType } from "./tasks.js";

const STEP = 0.02;

registerTaskType("hotspot", (task, previous) => {
  let point = previous && typeof previous.x === "number" ? { x: previous.x, y: previous.y } : null;
  const image = task.image;
  const marker = h("span", { class: "hotspot-marker", hidden: !point, "aria-hidden": "true" });
  const status = h("p", { class: "muted small", "aria-live": "polite" });
  const picture = image ? h("img", { src: image.url, alt: image.alt || "", draggable: "false" }) : null;
  const place = () => {
    marker.hidden = !point;
    if (point) {
      marker.style.left = `${point.x * 100}%`;
      marker.style.top = `${point.y * 100}%`;
      status.textContent = t("hotspot.marked", { x: Math.round(point.x * 100), y: Math.round(point.y * 100) });
    } else {
      status.textContent = t("hotspot.help");
    }
  };
  const frame = h("div", {
    class: "hotspot-frame", tabindex: "0", role: "application",
    "aria-label": t("hotspot.frame", { alt: image ? image.alt : "" }),
    onclick: (event) => {
      const box = frame.getBoundingClientRect();
      if (!box.width || !box.height) return;
      point = { x: clamp((event.clientX - box.left) / box.width), y: clamp((event.clientY - box.top) / box.height) };
      place();
    },
    onkeydown: (event) => {
      const moves = { ArrowLeft: [-STEP, 0], ArrowRight: [STEP, 0], ArrowUp: [0, -STEP], ArrowDown: [0, STEP] };
      const move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      point = point || { x: 0.5, y: 0.5 };
      // In a right-to-left layout the picture is not mirrored: left stays left.
      point = { x: clamp(point.x + move[0]), y: clamp(point.y + move[1]) };
      place();
    },
  }, picture, marker);
  place();
  return {
    body: image ? h("div", { class: "hotspot" }, frame, status) : h("p", { class: "flash" }, t("hotspot.no_picture")),
    read: () => {
      if (!point) throw new Error(t("hotspot.need_tap"));
      return { x: round(point.x), y: round(point.y) };
    },
    hidesMedia: image ? [image.name] : [],
  };
});

function clamp(value) {
  return Math.min(1, Math.max(0, value));
}

function round(value) {
  return Math.round(value * 10000) / 10000;
}
