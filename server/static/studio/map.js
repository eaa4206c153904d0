// The studio's place picker: Leaflet with OpenStreetMap tiles when they load; when they do not
// (no network, tiles blocked), a notice and a plain coordinate grid around the rally's stations,
// where a click still sets latitude and longitude. Address search through the server (geopy).

const SVG = "http://www.w3.org/2000/svg";
const TILE_TIMEOUT_MS = 4000;
const DEFAULT_CENTER = [51.1657, 10.4515];

function num(value) {
  const n = parseFloat(String(value ?? "").replace(",", "."));
  return Number.isFinite(n) ? n : null;
}

function el(tag, attrs = {}, ...children) {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** Latitude/longitude bounds around the known points, at least ~300 m across. */
export function gridBounds(points, center) {
  const known = points.filter(([la, lo]) => la !== null && lo !== null);
  if (!known.length) known.push(center || DEFAULT_CENTER);
  let south = Math.min(...known.map((p) => p[0])), north = Math.max(...known.map((p) => p[0]));
  let west = Math.min(...known.map((p) => p[1])), east = Math.max(...known.map((p) => p[1]));
  const padLat = Math.max((north - south) * 0.25, 0.0015), padLon = Math.max((east - west) * 0.25, 0.0025);
  south -= padLat; north += padLat; west -= padLon; east += padLon;
  return { south, north, west, east };
}

export function setupMap(container, { lat, lon, radius, texts, geocodeUrl, center, stations, onPick }) {
  const box = el("div", { class: "map-area" });
  const notice = el("p", { class: "map-notice", role: "status", hidden: true }, texts.mapOffline);
  const search = geocodeUrl ? addressSearch(geocodeUrl, texts, (la, lo) => pick(la, lo, true)) : null;
  container.replaceChildren(...[search, notice, box].filter(Boolean));
  let map = null, marker = null, circle = null, grid = null, shown = false;

  function points() {
    return stations.map((s, i) => ({ lat: s.lat, lon: s.lon, label: String(i + 1), title: s.title }));
  }

  function pick(la, lo, recentre = false) {
    lat.value = la.toFixed(6);
    lon.value = lo.toFixed(6);
    if (!radius.value) radius.value = "30";
    draw(recentre);
    onPick(la, lo);
  }

  function draw(recentre) {
    const la = num(lat.value), lo = num(lon.value);
    if (grid) {
      drawGrid();
      return;
    }
    if (!map || la === null || lo === null) return;
    if (!marker) {
      marker = window.L.marker([la, lo]).addTo(map);
      circle = window.L.circle([la, lo], { radius: num(radius.value) || 30 }).addTo(map);
    } else {
      marker.setLatLng([la, lo]);
      circle.setLatLng([la, lo]);
      circle.setRadius(num(radius.value) || 30);
    }
    if (recentre) map.setView([la, lo], 17);
  }

  function fallBack() {
    if (grid) return;
    if (map) {
      map.remove();
      map = null;
    }
    notice.hidden = false;
    grid = true;
    box.classList.add("grid");
    drawGrid();
  }

  function drawGrid() {
    const own = [num(lat.value), num(lon.value)];
    const all = points().map((p) => [p.lat, p.lon]).concat([own]);
    const b = gridBounds(all, center);
    const width = 600, height = 360;
    const x = (lo) => ((lo - b.west) / (b.east - b.west)) * width;
    const y = (la) => ((b.north - la) / (b.north - b.south)) * height;
    const svg = el("svg:svg", { viewBox: `0 0 ${width} ${height}`, class: "coord-grid", role: "img",
      "aria-label": texts.mapOffline, tabindex: "0" });
    svg.append(el("svg:rect", { x: 0, y: 0, width, height, class: "grid-bg" }));
    for (let i = 1; i < 6; i += 1) {
      const gx = (width / 6) * i, gy = (height / 6) * i;
      const lonAt = b.west + ((b.east - b.west) / 6) * i, latAt = b.north - ((b.north - b.south) / 6) * i;
      svg.append(el("svg:line", { x1: gx, y1: 0, x2: gx, y2: height, class: "grid-line" }),
        el("svg:line", { x1: 0, y1: gy, x2: width, y2: gy, class: "grid-line" }),
        el("svg:text", { x: gx + 2, y: height - 4, class: "grid-label" }, lonAt.toFixed(4)),
        el("svg:text", { x: 2, y: gy - 2, class: "grid-label" }, latAt.toFixed(4)));
    }
    for (const p of points()) {
      if (p.lat === null || p.lon === null) continue;
      svg.append(el("svg:g", { class: "grid-station" }, el("svg:title", {}, p.title),
        el("svg:circle", { cx: x(p.lon), cy: y(p.lat), r: 9 }),
        el("svg:text", { x: x(p.lon), y: y(p.lat) + 4, "text-anchor": "middle" }, p.label)));
    }
    if (own[0] !== null && own[1] !== null) {
      svg.append(el("svg:circle", { cx: x(own[1]), cy: y(own[0]), r: 7, class: "grid-own" }));
    }
    svg.addEventListener("click", (event) => {
      const rect = svg.getBoundingClientRect();
      const px = ((event.clientX - rect.left) / rect.width) * width, py = ((event.clientY - rect.top) / rect.height) * height;
      pick(b.north - (py / height) * (b.north - b.south), b.west + (px / width) * (b.east - b.west));
    });
    box.replaceChildren(svg);
  }

  function show() {
    if (shown) {
      if (map) map.invalidateSize();
      return;
    }
    shown = true;
    if (!window.L) {
      fallBack();
      return;
    }
    const la = num(lat.value), lo = num(lon.value);
    const known = stations.find((s) => s.lat !== null && s.lon !== null);
    const start = la !== null && lo !== null ? [la, lo] : (center || (known ? [known.lat, known.lon] : DEFAULT_CENTER));
    map = window.L.map(box).setView(start, la !== null || center || known ? 16 : 6);
    let loaded = false;
    const tiles = window.L.tileLayer("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19, attribution: "&copy; OpenStreetMap contributors" }).addTo(map);
    tiles.on("tileload", () => { loaded = true; });
    tiles.on("tileerror", () => { if (!loaded) fallBack(); });
    setTimeout(() => { if (!loaded) fallBack(); }, TILE_TIMEOUT_MS);
    map.on("click", (event) => pick(event.latlng.lat, event.latlng.lng));
    draw(false);
  }

  [lat, lon, radius].forEach((input) => input.addEventListener("input", () => draw(true)));
  return { show };
}

function addressSearch(url, texts, onChoose) {
  const input = el("input", { type: "search", id: "address-search", autocomplete: "off" });
  const results = el("ul", { class: "address-results", "aria-live": "polite" });
  async function run() {
    const query = input.value.trim();
    if (query.length < 3) return;
    results.replaceChildren(el("li", { class: "muted" }, "…"));
    const response = await fetch(`${url}?q=${encodeURIComponent(query)}`, { credentials: "same-origin" }).catch(() => null);
    const data = response ? await response.json().catch(() => ({})) : {};
    if (data.error) {
      results.replaceChildren(el("li", { class: "error" }, data.error));
      return;
    }
    const found = data.results || [];
    results.replaceChildren(...(found.length ? found.map((place) => el("li", {},
      el("button", { type: "button", class: "link", onclick: () => {
        onChoose(place.lat, place.lon);
        results.replaceChildren();
      } }, place.label))) : [el("li", { class: "muted" }, texts.noResults)]));
  }
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      run();
    }
  });
  return el("div", { class: "address-search" },
    el("label", { for: "address-search" }, texts.search),
    el("div", { class: "search-row" }, input, el("button", { type: "button", onclick: run }, texts.searchButton)),
    results);
}
