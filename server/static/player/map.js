// A map of the stations that have a place, and the team's own position. With OpenStreetMap
// tiles reachable it is a Leaflet map (as in the editor); offline or without tiles a
// tile-free SVG drawn to scale, with a scale bar and a north arrow, so that a team in a park
// without mobile data still sees where to go. Maps are geographic: never mirrored in RTL.

import { distanceM, watchPosition } from "./geo.js";
import { contentAttrs, t, formatNumber } from "./i18n.js";
import { h, loadScript, onCleanup } from "./views.js";

const SVG = "http://www.w3.org/2000/svg";
const LEAFLET_JS = "/static/vendor/leaflet/leaflet.js";
const LEAFLET_CSS = "/static/vendor/leaflet/leaflet.css";
const TILES = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png";
const PROBE_TILE = "https://a.tile.openstreetmap.org/0/0/0.png";
const PROBE_TIMEOUT_MS = 3000;
const WIDTH = 360;
const HEIGHT = 360;
const PAD = 56; // room for the pins' radius circles, the north arrow and the scale bar

let tilesReachable = null; // remembered for the visit: probing on every screen would be slow

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  children.flat().forEach((child) => child && el.append(child));
  return el;
}

/** Whether an OpenStreetMap tile loads within a few seconds (never when offline). */
export function probeTiles() {
  if (!navigator.onLine) return Promise.resolve(false);
  if (tilesReachable !== null) return Promise.resolve(tilesReachable);
  return new Promise((resolve) => {
    const img = new Image();
    const done = (ok) => {
      clearTimeout(timer);
      tilesReachable = ok;
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), PROBE_TIMEOUT_MS);
    img.onload = () => done(true);
    img.onerror = () => done(false);
    img.src = `${PROBE_TILE}?probe=${Date.now()}`;
  });
}

/** The stations the map can show: those unlocked by a place. */
export function placedStations(bundle) {
  return bundle.stations.filter((s) => s.unlock && s.unlock.mode === "location");
}

/** A round length for the scale bar: 1, 2 or 5 × 10ⁿ metres, at most `maxM`. */
export function niceLength(maxM) {
  const power = 10 ** Math.floor(Math.log10(Math.max(maxM, 1)));
  for (const step of [5, 2, 1]) if (step * power <= maxM) return step * power;
  return power;
}

/** Local metres east/north of a centre (equirectangular: exact enough across a town). */
function projector(points) {
  const lat0 = points.reduce((a, p) => a + p.lat, 0) / points.length;
  const lon0 = points.reduce((a, p) => a + p.lon, 0) / points.length;
  const mPerDegLat = distanceM(lat0 - 0.5, lon0, lat0 + 0.5, lon0);
  const mPerDegLon = distanceM(lat0, lon0 - 0.5, lat0, lon0 + 0.5);
  const local = (p) => ({ x: (p.lon - lon0) * mPerDegLon, y: (p.lat - lat0) * mPerDegLat });
  const xs = points.map((p) => local(p).x);
  const ys = points.map((p) => local(p).y);
  const spanM = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys), 100);
  const scale = (Math.min(WIDTH, HEIGHT) - 2 * PAD) / spanM; // px per metre
  const cx = (Math.max(...xs) + Math.min(...xs)) / 2;
  const cy = (Math.max(...ys) + Math.min(...ys)) / 2;
  return {
    scale,
    at: (p) => {
      const m = local(p);
      return { x: WIDTH / 2 + (m.x - cx) * scale, y: HEIGHT / 2 - (m.y - cy) * scale };
    },
  };
}

/** The tile-free map: stations (numbered, linked), their radius, the team, scale bar, north. */
export function svgMap(stations, rows, me) {
  const points = stations.map((s) => ({ lat: s.unlock.lat, lon: s.unlock.lon }));
  if (me) points.push(me);
  const proj = projector(points);
  const stateOf = new Map(rows.map((r) => [r.station.id, r.state]));
  const marks = stations.map((station, index) => {
    const p = proj.at({ lat: station.unlock.lat, lon: station.unlock.lon });
    const number = String(index + 1); // the pin's own number, as in the legend below the map
    const label = t("map.station_link", { number, title: station.title });
    const link = svg("a", { href: `#/station/${station.id}`, class: `map-station state-${stateOf.get(station.id) || "locked"}`,
      "aria-label": label, "data-station": station.id },
    svg("circle", { cx: p.x, cy: p.y, r: Math.max(3, station.unlock.radius_m * proj.scale), class: "map-radius" }),
    svg("circle", { cx: p.x, cy: p.y, r: 14, class: "map-pin" }),
    svg("text", { x: p.x, y: p.y + 5, "text-anchor": "middle", class: "map-pin-label" }, number));
    link.append(svg("title", {}, label));
    return link;
  });
  let mine = null;
  if (me) {
    const p = proj.at(me);
    mine = svg("g", { class: "map-me", "data-x": p.x.toFixed(1), "data-y": p.y.toFixed(1) },
      svg("circle", { cx: p.x, cy: p.y, r: Math.max(6, (me.accuracy_m || 0) * proj.scale), class: "map-accuracy" }),
      svg("circle", { cx: p.x, cy: p.y, r: 7, class: "map-me-dot" }),
      svg("title", {}, t("map.you")));
  }
  const barM = niceLength((WIDTH / 3) / proj.scale);
  const barPx = barM * proj.scale;
  const scaleBar = svg("g", { class: "map-scale", "data-metres": barM },
    svg("rect", { x: 12, y: HEIGHT - 30, width: barPx + 16, height: 24, rx: 4, class: "map-label-bg" }),
    svg("line", { x1: 20, y1: HEIGHT - 12, x2: 20 + barPx, y2: HEIGHT - 12, class: "map-scale-line" }),
    svg("text", { x: 20 + barPx / 2, y: HEIGHT - 16, "text-anchor": "middle", class: "map-text" },
      barM >= 1000 ? t("unit.km", { value: formatNumber(barM / 1000) }) : t("unit.m", { value: formatNumber(barM) })));
  const northArrow = svg("g", { class: "map-north" },
    svg("circle", { cx: WIDTH - 28, cy: 30, r: 20, class: "map-label-bg" }),
    svg("polygon", { points: `${WIDTH - 28},14 ${WIDTH - 20},36 ${WIDTH - 28},31 ${WIDTH - 36},36`, class: "map-north-arrow" }),
    svg("text", { x: WIDTH - 28, y: 47, "text-anchor": "middle", class: "map-text small" }, t("dir.n_short")));
  return svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "svg-map", role: "group", "aria-label": t("map.plan_label") },
    svg("rect", { x: 0, y: 0, width: WIDTH, height: HEIGHT, class: "map-ground" }), marks, mine, scaleBar, northArrow);
}

async function leafletMap(el, stations, rows, onMe) {
  if (!document.querySelector(`link[href="${LEAFLET_CSS}"]`)) {
    document.head.append(h("link", { rel: "stylesheet", href: LEAFLET_CSS }));
  }
  const L = await loadScript(LEAFLET_JS, "L");
  const map = L.map(el, { attributionControl: true });
  L.tileLayer(TILES, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  const stateOf = new Map(rows.map((r) => [r.station.id, r.state]));
  const bounds = [];
  stations.forEach((station, index) => {
    const at = [station.unlock.lat, station.unlock.lon];
    bounds.push(at);
    L.circle(at, { radius: station.unlock.radius_m, weight: 1 }).addTo(map);
    const icon = L.divIcon({ className: `leaflet-pin state-${stateOf.get(station.id) || "locked"}`, html: String(index + 1),
      iconSize: [30, 30] });
    const marker = L.marker(at, { icon, title: station.title, alt: station.title, keyboard: true }).addTo(map);
    marker.on("click", () => {
      location.hash = `#/station/${station.id}`;
    });
  });
  if (bounds.length) map.fitBounds(bounds, { padding: [40, 40], maxZoom: 17 });
  let me = null;
  onMe((fix) => {
    const at = [fix.lat, fix.lon];
    if (!me) me = L.circleMarker(at, { radius: 8, color: "#fff", weight: 3, fillColor: "#0b5cad", fillOpacity: 1 }).addTo(map);
    else me.setLatLng(at);
  });
  onCleanup(() => map.remove());
  return map;
}

/** The map screen's body: Leaflet with tiles, else (or on request) the SVG plan. */
export function mapPanel(bundle, rows, { preferPlan = false, onSwitch = () => {} } = {}) {
  const stations = placedStations(bundle);
  if (!stations.length) return h("p", { class: "card" }, t("map.no_places"));
  const holder = h("div", { class: "map-holder", "data-mode": "loading" });
  const status = h("p", { class: "muted map-status", role: "status" }, t("map.loading"));
  let me = null;
  const meListeners = new Set();
  const drawPlan = () => {
    holder.dataset.mode = "plan";
    holder.replaceChildren(svgMap(stations, rows, me));
  };
  onCleanup(watchPosition((fix) => {
    me = fix;
    meListeners.forEach((fn) => fn(fix));
    if (holder.dataset.mode === "plan") drawPlan();
  }));
  const toggle = h("button", { type: "button", class: "link-button" });
  const usePlan = () => {
    drawPlan();
    status.textContent = navigator.onLine ? t("map.plan_chosen") : t("map.offline_plan");
    toggle.textContent = t("map.show_tiles");
    toggle.hidden = !navigator.onLine || tilesReachable === false;
  };
  const useTiles = async () => {
    holder.dataset.mode = "loading";
    const box = h("div", { class: "leaflet-box" });
    holder.replaceChildren(box);
    try {
      await leafletMap(box, stations, rows, (fn) => {
        meListeners.add(fn);
        if (me) fn(me);
      });
      holder.dataset.mode = "tiles";
      status.textContent = t("map.tiles_credit");
      toggle.textContent = t("map.show_plan");
      toggle.hidden = false;
    } catch {
      usePlan();
    }
  };
  toggle.addEventListener("click", () => {
    const plan = holder.dataset.mode !== "plan";
    onSwitch(plan);
    if (plan) usePlan();
    else useTiles();
  });
  if (preferPlan) usePlan();
  else {
    drawPlan();
    toggle.hidden = true;
    probeTiles().then((ok) => {
      if (!holder.isConnected) return;
      if (ok) useTiles();
      else usePlan();
    });
  }
  const list = h("ol", { class: "map-legend" }, stations.map((station) => h("li", {},
    h("a", { href: `#/station/${station.id}`, ...contentAttrs() }, station.title))));
  return h("div", { class: "map-view" }, holder, status, toggle, list);
}
