// The way to a place: distance, an arrow pointing to it, and the fix's accuracy, updated as
// the position changes. With a compass (DeviceOrientation) the arrow turns with the phone;
// without one it points relative to north, and a north mark shows where north is. The arrow
// is geographic, so it is never mirrored in right-to-left languages.

import { bearingDeg, distanceM, formatDistance, isInside, watchPosition } from "./geo.js";
import { t } from "./i18n.js";
import { h, onCleanup } from "./views.js";

const SVG = "http://www.w3.org/2000/svg";
const DIRECTIONS = ["n", "ne", "e", "se", "s", "sw", "w", "nw"];

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  children.forEach((child) => el.append(child));
  return el;
}

/** "Nordost" for 45°: the nearest of eight compass directions. */
export function directionWord(bearing) {
  return t(`dir.${DIRECTIONS[Math.round(((bearing % 360) + 360) % 360 / 45) % 8]}`);
}

/** The phone's heading in degrees from north, from a DeviceOrientation event, or null. */
function headingOf(event) {
  if (typeof event.webkitCompassHeading === "number") return event.webkitCompassHeading; // iOS
  if (event.absolute && typeof event.alpha === "number") return (360 - event.alpha) % 360;
  return null;
}

/** Listen to the compass; calls `onHeading(deg|null)`; returns a stop function. */
function watchCompass(onHeading) {
  const handler = (event) => onHeading(headingOf(event));
  const name = "ondeviceorientationabsolute" in window ? "deviceorientationabsolute" : "deviceorientation";
  window.addEventListener(name, handler);
  return () => window.removeEventListener(name, handler);
}

/**
 * A live wayfinding panel to `target` ({lat, lon, radius_m}). `onFix(fix, {distance, inside})`
 * is told of every position. The panel's data attributes (`data-bearing`, `data-rotation`,
 * `data-distance`) say what the arrow shows, for tests and for the map view.
 */
export function wayfinder(target, { onFix = () => {} } = {}) {
  const arrow = svg("g", { class: "arrow", transform: "rotate(0 60 60)" },
    svg("polygon", { points: "60,12 80,72 60,60 40,72", class: "arrow-head" }));
  const north = svg("g", { class: "north", transform: "rotate(0 60 60)" },
    svg("text", { x: "60", y: "24", "text-anchor": "middle", class: "north-label" }, t("dir.n_short")));
  const dial = svg("svg", { viewBox: "0 0 120 120", class: "dial", role: "img", "aria-hidden": "true" },
    svg("circle", { cx: "60", cy: "60", r: "56", class: "dial-ring" }), north, arrow);
  const distance = h("p", { class: "distance", "aria-live": "polite" }, t("way.measuring"));
  const detail = h("p", { class: "way-detail muted" });
  const compassNote = h("p", { class: "compass-note muted" }, t("way.no_compass"));
  const panel = h("div", { class: "wayfinder", "data-state": "waiting" }, h("div", { class: "dial-wrap" }, dial),
    h("div", { class: "way-text" }, distance, detail, compassNote));
  let heading = null;
  let last = null;

  const draw = () => {
    if (!last) return;
    const rotation = ((last.bearing - (heading ?? 0)) % 360 + 360) % 360;
    arrow.setAttribute("transform", `rotate(${rotation.toFixed(1)} 60 60)`);
    north.setAttribute("transform", `rotate(${(-(heading ?? 0)).toFixed(1)} 60 60)`);
    panel.dataset.bearing = last.bearing.toFixed(1);
    panel.dataset.rotation = rotation.toFixed(1);
    panel.dataset.distance = String(Math.round(last.distance));
    panel.dataset.heading = heading === null ? "" : heading.toFixed(1);
    dial.setAttribute("aria-label", t("way.arrow_label", { direction: directionWord(last.bearing) }));
  };
  const stopWatch = watchPosition((fix) => {
    const d = distanceM(fix.lat, fix.lon, target.lat, target.lon);
    const inside = target.radius_m ? isInside(d, fix.accuracy_m, target.radius_m) : false;
    last = { distance: d, bearing: bearingDeg(fix.lat, fix.lon, target.lat, target.lon) };
    panel.dataset.state = inside ? "inside" : "outside";
    distance.textContent = inside ? t("way.arrived") : t("way.distance", { distance: formatDistance(d) });
    detail.textContent = `${t("way.direction", { direction: directionWord(last.bearing), degrees: Math.round(last.bearing) })} · `
      + t("way.accuracy", { accuracy: formatDistance(fix.accuracy_m) });
    draw();
    onFix(fix, { distance: d, inside });
  }, (error) => {
    distance.textContent = error.message;
  });
  const stopCompass = watchCompass((value) => {
    if (value === null) return;
    heading = value;
    compassNote.textContent = t("way.compass_on"); // also drops the "turn on the compass" button
    draw();
  });
  onCleanup(() => {
    stopWatch();
    stopCompass();
  });
  // iOS asks for permission to read the compass, and only after a tap.
  if (window.DeviceOrientationEvent && typeof window.DeviceOrientationEvent.requestPermission === "function") {
    compassNote.append(" ", h("button", { type: "button", class: "link-button", onclick: async (event) => {
      event.target.remove();
      await window.DeviceOrientationEvent.requestPermission().catch(() => null);
    } }, t("way.compass_enable")));
  }
  return panel;
}
