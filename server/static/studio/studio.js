// The studio: stations and the selected station's tasks edited in place, saved through the
// management API (session + CSRF token, If-Match with the rally's ETag), the real player beside.
// Without this script the page is a list of links to the classic forms.

import { setupMap } from "./map.js";

const root = document.getElementById("studio");
const config = JSON.parse(root.dataset.config);
const T = JSON.parse(document.getElementById("studio-texts").dataset.texts);
const csrf = document.querySelector("input[name=csrf_token]").value;
const API = config.api;

const studio = {
  rally: null,        // the working copy as the API last sent it
  etag: null,
  selected: config.selected,   // station id
  openTask: null,              // task id whose editor is open
  drafts: new Map(),           // unsaved new tasks: key -> {type, station_id}
  timers: new Map(),
  chains: new Map(),
  pending: 0,
};

// --- text helpers ----------------------------------------------------------------------

function fmt(text, params) {
  return text.replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? ""));
}

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "html") el.innerHTML = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) el.append(child);
  }
  return el;
}

function status(text, kind = "") {
  const el = document.getElementById("save-state");
  el.textContent = text;
  el.className = `save-state ${kind}`;
}

// --- the API ----------------------------------------------------------------------------

class Stale extends Error {}

async function call(method, path, body, { ifMatch = true } = {}) {
  const headers = { Accept: "application/json", "X-CSRFToken": csrf };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (ifMatch && method !== "GET" && studio.etag) headers["If-Match"] = studio.etag;
  let response;
  try {
    response = await fetch(`${API}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin", cache: "no-store" });
  } catch {
    status(T.offline, "error");
    throw new Error("offline");
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.headers.get("ETag")) studio.etag = response.headers.get("ETag");
  if (response.status === 412) {
    await showConflict();
    throw new Stale();
  }
  if (!response.ok) {
    const error = new Error((data && (data.detail || data.title)) || `HTTP ${response.status}`);
    error.status = response.status;
    error.errors = (data && data.errors) || {};
    throw error;
  }
  return data;
}

async function save(label, action) {
  studio.pending += 1;
  status(T.saving, "busy");
  try {
    const result = await action();
    studio.pending -= 1;
    if (!studio.pending) status(T.saved, "ok");
    return result;
  } catch (error) {
    studio.pending -= 1;
    if (!(error instanceof Stale) && error.message !== "offline") status(`${T.notSaved} ${label}`, "error");
    throw error;
  }
}

/** Upload a file to the owner's media (the management API), answering the stored asset. */
async function uploadMedia(file) {
  const body = new FormData();
  if (studio.rally.institution) body.append("institution_id", String(studio.rally.institution.id));
  else if (studio.rally.school) body.append("school_id", String(studio.rally.school.id));
  body.append("file", file);
  const response = await fetch(`${API}/media`, { method: "POST", body, credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRFToken": csrf } });
  const asset = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(asset.detail || asset.title || `HTTP ${response.status}`), { errors: asset.errors || {} });
  return asset;
}

/** A button that opens the file chooser of a hidden input and hands the chosen file on. */
function fileButton(label, accept, onFile, attrs = {}) {
  const input = h("input", { type: "file", accept, hidden: true, tabindex: "-1" });
  input.addEventListener("change", () => {
    const [file] = input.files;
    input.value = "";
    if (file) onFile(file);
  });
  const button = h("button", { type: "button", ...attrs, onclick: () => input.click() }, label);
  return [button, input];
}

async function loadRally() {
  studio.rally = await call("GET", `/rallies/${config.rallyId}`);
  if (!studio.rally.stations.some((s) => s.id === studio.selected)) {
    studio.selected = studio.rally.stations.length ? studio.rally.stations[0].id : null;
  }
}

/** After any saved change: fresh copy, redraw what is not being typed in, checklist and phone. */
async function refresh({ redrawStation = true } = {}) {
  await loadRally();
  drawStations();
  if (redrawStation) drawStation();
  else drawTaskHeaders();
  drawChecklist();
  drawSitePlan();
  reloadPhone();
}

// --- two authors -------------------------------------------------------------------------

function summary(rally) {
  const items = new Map();
  rally.stations.forEach((s, i) => {
    items.set(`s${s.id}`, `${fmt(T.stationN, { n: i + 1 })} „${s.title}“`);
    s.tasks.forEach((t, j) => items.set(`t${t.id}`, `${s.title}, ${j + 1}: ${(t.prompt_md || T.noPrompt).slice(0, 40)}`));
  });
  return items;
}

async function showConflict() {
  const before = studio.rally ? summary(studio.rally) : new Map();
  let fresh = null;
  try {
    const response = await fetch(`${API}/rallies/${config.rallyId}`, { headers: { Accept: "application/json", "X-CSRFToken": csrf },
      credentials: "same-origin", cache: "no-store" });
    fresh = await response.json();
  } catch { /* show the notice without the list */ }
  const after = fresh ? summary(fresh) : new Map();
  const lines = [];
  for (const [key, text] of after) {
    if (!before.has(key)) lines.push(`${T.added}: ${text}`);
    else if (before.get(key) !== text) lines.push(`${T.renamed}: ${before.get(key)} → ${text}`);
  }
  for (const [key, text] of before) if (!after.has(key)) lines.push(`${T.removed}: ${text}`);
  const banner = document.getElementById("studio-banner");
  banner.replaceChildren(
    h("p", { role: "alert" }, h("strong", {}, T.conflict)),
    lines.length ? h("ul", { class: "changes" }, lines.slice(0, 12).map((line) => h("li", {}, line))) : null,
    h("button", { type: "button", class: "primary", onclick: async () => {
      banner.hidden = true;
      studio.drafts.clear();
      await refresh();
    } }, T.reload));
  banner.hidden = false;
  banner.querySelector("button").focus();
  status(T.conflict, "error");
}

// --- undo --------------------------------------------------------------------------------

function offerUndo(text, undo) {
  const banner = document.getElementById("studio-banner");
  const button = h("button", { type: "button", onclick: async () => {
    banner.hidden = true;
    await save(text, undo);
    await refresh();
  } }, T.undo);
  banner.replaceChildren(h("p", { role: "status" }, `${T.deleted} ${text} `, button));
  banner.hidden = false;
  clearTimeout(studio.undoTimer);
  studio.undoTimer = setTimeout(() => { banner.hidden = true; }, 15000);
}

function taskBody(task) {
  const body = { type: task.type, prompt_md: task.prompt_md, points: task.points, config: task.config,
    hint_text: task.hint_text, hint_cost: task.hint_cost, time_limit_s: task.time_limit_s,
    feedback_correct: task.feedback_correct, feedback_wrong: task.feedback_wrong };
  return body;
}

function stationBody(station) {
  const body = { title: station.title, body_md: station.body_md, unlock_mode: station.unlock_mode,
    conditions: station.conditions };
  if (station.unlock_mode === "location") Object.assign(body, { lat: station.lat, lon: station.lon, radius_m: station.radius_m });
  return body;
}

async function recreateStation(station, position) {
  const created = await call("POST", `/rallies/${config.rallyId}/stations`, stationBody(station), { ifMatch: false });
  for (const task of station.tasks) await call("POST", `/stations/${created.id}/tasks`, taskBody(task), { ifMatch: false });
  const ids = studio.rally.stations.map((s) => s.id);
  ids.splice(Math.min(position, ids.length), 0, created.id);
  await call("PUT", `/rallies/${config.rallyId}/station-order`, { station_ids: ids }, { ifMatch: false });
  studio.selected = created.id;
}

async function recreateTask(task, stationId, position) {
  const created = await call("POST", `/stations/${stationId}/tasks`, taskBody(task), { ifMatch: false });
  const station = studio.rally.stations.find((s) => s.id === stationId);
  const ids = station.tasks.map((t) => t.id);
  ids.splice(Math.min(position, ids.length), 0, created.id);
  await call("PUT", `/stations/${stationId}/task-order`, { task_ids: ids }, { ifMatch: false });
  return created;
}

// --- stations list -------------------------------------------------------------------------

function unlockLabel(mode) {
  return { open: T.free, qr: "QR", location: T.place }[mode] || mode;
}

function moveButtons(label, index, count, move) {
  return h("span", { class: "move" },
    h("button", { type: "button", class: "icon", "aria-label": `${label}: ${T.up}`, disabled: index === 0,
      onclick: () => move(index, index - 1) }, "▲"),
    h("button", { type: "button", class: "icon", "aria-label": `${label}: ${T.down}`, disabled: index === count - 1,
      onclick: () => move(index, index + 1) }, "▼"));
}

function announce(text) {
  status(text, "ok");
}

async function moveStation(from, to) {
  const ids = studio.rally.stations.map((s) => s.id);
  const [id] = ids.splice(from, 1);
  ids.splice(to, 0, id);
  await save(T.stationN, () => call("PUT", `/rallies/${config.rallyId}/station-order`, { station_ids: ids }));
  await refresh({ redrawStation: false });
  const station = studio.rally.stations.find((s) => s.id === id);
  announce(fmt(T.moved, { item: station.title, n: to + 1 }));
  const again = document.querySelector(`#station-${id} .move button:not([disabled])`);
  if (again) again.focus();
}

function drawStations() {
  const list = document.getElementById("station-list");
  const stations = studio.rally.stations;
  list.replaceChildren(...stations.map((station, index) => h("li", {
    id: `station-${station.id}`, "data-id": station.id, "aria-current": station.id === studio.selected ? "true" : null },
  h("span", { class: "drag", title: T.drag, "aria-hidden": "true" }, "⠿"),
  h("a", { href: `?station=${station.id}`, onclick: (event) => {
    event.preventDefault();
    select(station.id);
  } }, `${index + 1}. ${station.title}`),
  h("span", { class: "muted" }, `${unlockLabel(station.unlock_mode)} · ${fmt(T.count, { n: station.tasks.length })}`),
  moveButtons(station.title, index, stations.length, moveStation))));
  if (window.Sortable && !list._sortable) {
    list._sortable = window.Sortable.create(list, { handle: ".drag", animation: 150, onEnd: (event) => {
      if (event.oldIndex !== event.newIndex) moveStation(event.oldIndex, event.newIndex);
    } });
  }
  const phoneSelect = document.getElementById("phone-station");
  phoneSelect.replaceChildren(...stations.map((s, i) => h("option", { value: s.id, selected: s.id === studio.selected },
    `${i + 1}. ${s.title}`)));
}

function select(stationId, { focus = true } = {}) {
  studio.selected = stationId;
  studio.openTask = null;
  studio.phoneView = null;
  history.replaceState(null, "", `?station=${stationId}`);
  drawStations();
  drawStation();
  drawSitePlan();
  reloadPhone();
  if (focus) document.getElementById("station-heading").focus();
}

async function addStation(event) {
  event.preventDefault();
  const form = event.target;
  const input = form.querySelector("input[name=title]");
  const mode = event.submitter ? event.submitter.value : "open";
  const title = input.value.trim();
  if (!title) {
    input.focus();
    input.setAttribute("aria-invalid", "true");
    return;
  }
  await createStation(title, mode);
}

/** A new station of the kind asked for (`plan`: an open one at that place on the site plan). */
async function createStation(title, mode, plan = null) {
  const input = document.getElementById("new-station-title");
  input.removeAttribute("aria-invalid");
  // A place-bound station starts at the rally's centre (its start, the owner's address or a placed
  // station), to be moved with a click in the map; without any it stays open until its place is set.
  const centre = mode === "location" ? config.center : null;
  const body = { title, unlock_mode: mode === "location" && !centre ? "open" : mode };
  if (centre) Object.assign(body, { lat: centre[0], lon: centre[1], radius_m: 30 });
  if (plan) Object.assign(body, { plan_x: plan.x, plan_y: plan.y });
  const created = await save(title, () => call("POST", `/rallies/${config.rallyId}/stations`, body));
  input.value = "";
  studio.phoneView = plan ? "plan" : null;
  studio.pendingLocation = mode === "location" && !centre ? created.id : null;
  studio.placedAtCentre = centre ? created.id : null;
  studio.selected = created.id;
  await refresh();
  document.getElementById("station-heading").focus();
}

// --- the selected station ------------------------------------------------------------------

function currentStation() {
  return studio.rally.stations.find((s) => s.id === studio.selected) || null;
}

function field(label, input, hint) {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 8)}`;
  input.id = id;
  return h("div", { class: "field" }, h("label", { for: id }, label), input, hint ? h("p", { class: "hint muted" }, hint) : null);
}

/** Run `fn` once typing pauses; saves of one editor run one after another, never side by side. */
function debounce(key, fn, delay = 600) {
  clearTimeout(studio.timers.get(key));
  studio.timers.set(key, setTimeout(() => {
    const previous = studio.chains.get(key) || Promise.resolve();
    studio.chains.set(key, previous.then(fn).catch(() => {}));
  }, delay));
}

/** Resolves when no save is waiting or running (tests and the undo button wait for it). */
window.studioIdle = async () => {
  for (;;) {
    const chains = [...studio.chains.values()];
    await Promise.all(chains);
    await new Promise((resolve) => setTimeout(resolve, 700));
    if (![...studio.chains.values()].some((c, i) => c !== chains[i]) && !studio.pending) return;
  }
};

function showErrors(container, error) {
  container.querySelectorAll(".error.live").forEach((el) => el.remove());
  if (!error) return;
  const messages = Object.entries(error.errors || {}).map(([path, list]) => `${path}: ${[].concat(list).join(" ")}`);
  container.prepend(h("div", { class: "error live", role: "alert" }, h("strong", {}, T.notYetSaved), " ",
    messages.length ? messages.join(" · ") : error.message));
}

function drawStation() {
  const panel = document.getElementById("station-panel");
  const station = currentStation();
  if (!station) {
    panel.replaceChildren(h("h2", { id: "station-heading", tabindex: "-1" }, T.stationN.replace("%(n)s", "–")));
    return;
  }
  const index = studio.rally.stations.indexOf(station);
  const others = studio.rally.stations.filter((s) => s.id !== station.id);
  const after = new Set((station.conditions || []).filter((c) => "after_station" in c).map((c) => c.after_station));
  const minScore = (station.conditions || []).find((c) => "min_score" in c);
  const wantsLocation = station.unlock_mode === "location" || studio.pendingLocation === station.id;

  const title = h("input", { type: "text", name: "title", maxlength: "200", value: station.title, id: "station-title" });
  const body = h("textarea", { name: "body_md", rows: "3", id: "station-body" });
  body.value = station.body_md || "";
  const unlock = h("select", { name: "unlock_mode", id: "station-unlock" },
    ["open", "qr", "location"].map((mode) => h("option", { value: mode, selected: (wantsLocation ? "location" : station.unlock_mode) === mode },
      T[mode])));
  const lat = h("input", { type: "text", inputmode: "decimal", name: "lat", id: "station-lat", value: station.lat ?? "" });
  const lon = h("input", { type: "text", inputmode: "decimal", name: "lon", id: "station-lon", value: station.lon ?? "" });
  const radius = h("input", { type: "number", name: "radius_m", id: "station-radius", min: "10", max: "5000",
    value: station.radius_m ?? 30 });
  const place = h("fieldset", { class: "place", hidden: !wantsLocation },
    h("legend", {}, T.location),
    station.lat === null && wantsLocation ? h("p", { class: "hint" }, T.setPlace) : null,
    studio.placedAtCentre === station.id ? h("p", { class: "hint", id: "place-at-centre" }, T.placeAtCentre) : null,
    h("div", { class: "map-box", id: "station-map" }),
    h("div", { class: "row" }, field(T.lat, lat), field(T.lon, lon), field(T.radius, radius)));
  const conditions = h("fieldset", { class: "conditions" }, h("legend", {}, T.after),
    others.map((other) => h("label", { class: "check" },
      h("input", { type: "checkbox", name: "after_station", value: other.id, checked: after.has(other.id) }),
      ` ${studio.rally.stations.indexOf(other) + 1}. ${other.title}`)),
    field(T.minScore, h("input", { type: "text", inputmode: "decimal", name: "min_score", id: "station-min-score",
      value: minScore ? minScore.min_score : "" })));

  const form = h("form", { class: "station-form", novalidate: true, onsubmit: (e) => e.preventDefault() },
    field(T.title, title), field(T.body, body), field(T.unlock, unlock), place, conditions);

  const collect = () => {
    const mode = unlock.value;
    const data = { title: title.value.trim(), body_md: body.value, conditions: [] };
    form.querySelectorAll("input[name=after_station]:checked").forEach((box) => data.conditions.push({ after_station: Number(box.value) }));
    const min = parseFloat(form.querySelector("input[name=min_score]").value.replace(",", "."));
    if (Number.isFinite(min)) data.conditions.push({ min_score: min });
    const la = parseFloat(String(lat.value).replace(",", ".")), lo = parseFloat(String(lon.value).replace(",", "."));
    if (mode === "location") {
      if (!Number.isFinite(la) || !Number.isFinite(lo)) {
        studio.pendingLocation = station.id;   // keep what it was until the place is known
        return data;
      }
      Object.assign(data, { unlock_mode: "location", lat: la, lon: lo, radius_m: Number(radius.value) || 30 });
    } else {
      data.unlock_mode = mode;
    }
    return data;
  };
  const persist = () => debounce(`station-${station.id}`, async () => {
    const data = collect();
    if (!data.title) return;
    try {
      await save(data.title, () => call("PATCH", `/stations/${station.id}`, data));
      showErrors(form, null);
      if (data.unlock_mode === "location") studio.pendingLocation = null;
      await refresh({ redrawStation: false });
    } catch (error) {
      if (error.errors) showErrors(form, error);
    }
  });
  form.addEventListener("input", persist);
  form.addEventListener("change", (event) => {
    if (event.target === unlock) {
      place.hidden = unlock.value !== "location";
      if (!place.hidden) map.show();
    }
    persist();
  });

  const tools = h("p", { class: "station-tools" },
    h("a", { href: `/editor/stations/${station.id}` }, T.classic),
    station.unlock_mode === "qr" ? h("a", { href: `/editor/rallies/${config.rallyId}/qr-kit.pdf` }, T.qrKit) : null,
    h("button", { type: "button", onclick: () => duplicateStation(station) }, T.duplicate),
    h("button", { type: "button", class: "danger", onclick: () => deleteStation(station, index) }, T.delete));

  const tasks = h("ol", { class: "task-list", id: "task-list" });
  const adders = h("div", { class: "add-task-buttons", role: "group", "aria-label": T.addTask },
    h("span", {}, T.addTask), Object.entries(config.labels).map(([type, label]) =>
      config.pictureTypes.includes(type)
        // A picture task starts with its picture: the button opens the file chooser at once.
        ? fileButton(label, "image/*", async (file) => {
          try {
            const asset = await save(label, () => uploadMedia(file));
            addTask(type, { id: asset.id, url: asset.url });
          } catch (error) { status(`${T.notSaved} ${error.message}`, "error"); }
        }, { class: "small", "data-type": type })
        : h("button", { type: "button", class: "small", "data-type": type, onclick: () => addTask(type) }, label)));

  panel.replaceChildren(
    h("h2", { id: "station-heading", tabindex: "-1" }, `${fmt(T.stationN, { n: index + 1 })}: ${station.title}`),
    form, tools, h("h3", {}, T.tasks), tasks, adders);

  const map = setupMap(document.getElementById("station-map"), {
    lat, lon, radius, texts: T, geocodeUrl: config.geocodeUrl,
    center: config.center, stations: studio.rally.stations,
    onPick: () => { persist(); },
  });
  if (!place.hidden) map.show();
  drawTasks();
}

// --- tasks -------------------------------------------------------------------------------

function drawTaskHeaders() {
  const station = currentStation();
  if (!station) return;
  const heading = document.getElementById("station-heading");
  if (heading) heading.textContent = `${fmt(T.stationN, { n: studio.rally.stations.indexOf(station) + 1 })}: ${station.title}`;
  for (const task of station.tasks) {
    const summaryEl = document.querySelector(`#task-${task.id} .task-summary`);
    if (summaryEl) summaryEl.textContent = (task.prompt_md || T.noPrompt).split("\n")[0].slice(0, 80);
  }
}

function drawTasks() {
  const station = currentStation();
  const list = document.getElementById("task-list");
  if (!station || !list) return;
  const items = station.tasks.map((task, index) => taskItem(task, index, station));
  for (const [key, draft] of studio.drafts) {
    if (draft.station_id === station.id) items.push(taskItem(draft.task, station.tasks.length, station, key));
  }
  list.replaceChildren(...items);
  if (window.Sortable && !list._sortable) {
    list._sortable = window.Sortable.create(list, { handle: ".drag", animation: 150, filter: ".draft", onEnd: (event) => {
      if (event.oldIndex !== event.newIndex) moveTask(event.oldIndex, event.newIndex);
    } });
  }
}

async function moveTask(from, to) {
  const station = currentStation();
  const ids = station.tasks.map((t) => t.id);
  if (to >= ids.length) to = ids.length - 1;
  const [id] = ids.splice(from, 1);
  ids.splice(to, 0, id);
  await save(T.tasks, () => call("PUT", `/stations/${station.id}/task-order`, { task_ids: ids }));
  await refresh();
  announce(fmt(T.moved, { item: `${T.tasks} ${from + 1}`, n: to + 1 }));
  const again = document.querySelector(`#task-${id} .move button:not([disabled])`);
  if (again) again.focus();
}

function taskItem(task, index, station, draftKey = null) {
  const id = draftKey || `task-${task.id}`;
  const open = draftKey ? true : studio.openTask === task.id;
  const label = config.labels[task.type] || task.type;
  const head = h("div", { class: "task-head" },
    draftKey ? null : h("span", { class: "drag", title: T.drag, "aria-hidden": "true" }, "⠿"),
    h("button", { type: "button", class: "task-toggle", "aria-expanded": open ? "true" : "false", onclick: () => {
      studio.openTask = studio.openTask === task.id ? null : task.id;
      drawTasks();
      reloadPhone();
    } }, h("span", { class: "badge" }, label), " ",
    h("span", { class: "task-summary" }, (task.prompt_md || T.noPrompt).split("\n")[0].slice(0, 80))),
    draftKey ? null : moveButtons(`${T.tasks} ${index + 1}`, index, station.tasks.length, moveTask),
    draftKey ? null : h("button", { type: "button", class: "small", onclick: () => duplicateTask(task, station) }, T.duplicate),
    h("button", { type: "button", class: "small danger", onclick: () => deleteTask(task, station, index, draftKey) }, T.delete));
  const item = h("li", { id, class: draftKey ? "task draft" : "task", "data-id": task.id || "" }, head);
  if (open) item.append(taskEditor(task, station, draftKey));
  return item;
}

function taskEditor(task, station, draftKey) {
  const prompt = h("textarea", { name: "prompt_md", rows: "3", id: `prompt-${draftKey || task.id}` });
  prompt.value = task.prompt_md || "";
  const points = h("input", { type: "text", inputmode: "decimal", name: "points", id: `points-${draftKey || task.id}`,
    value: task.points ?? 10 });
  const typeBox = h("div", { class: "type-config" });
  const form = h("form", { class: "task-form", novalidate: true, onsubmit: (e) => e.preventDefault() },
    field(T.prompt, prompt), field(T.points, points), typeBox);
  const url = config.editorUrl.replace("__type__", task.type)
    + `?rally=${config.rallyId}&config=${encodeURIComponent(JSON.stringify(task.config || {}))}`
    + (draftKey ? "" : `&task=${task.id}`);
  const draft = draftKey ? studio.drafts.get(draftKey) : null;
  let altInput = null;
  fetch(url, { credentials: "same-origin" }).then((r) => r.text()).then((html) => {
    typeBox.innerHTML = html;
    // A new single choice: the first option is the right one until the author picks another.
    const radios = typeBox.querySelectorAll("input[type=radio][name=correct]");
    if (radios.length && ![...radios].some((r) => r.checked)) radios[0].checked = true;
    typeBox.querySelectorAll("[data-survey]").forEach((fs) => { fs.hidden = false; });
    // A new task's checkbox that holds while another field is empty (a free text without accepted
    // answers is graded by the teacher) follows that field until the author sets it.
    if (draftKey) {
      typeBox.querySelectorAll("input[type=checkbox][data-while-empty]").forEach((box) => {
        const other = typeBox.querySelector(`[name=${box.dataset.whileEmpty}]`);
        if (!other) return;
        let touched = false;
        box.checked = !other.value.trim();
        box.addEventListener("change", () => { touched = true; });
        other.addEventListener("input", () => { if (!touched) box.checked = !other.value.trim(); });
      });
    }
    // The hotspot editor draws on the task's picture: a saved task's first image, or the one
    // chosen when the task was added (attached with its alternative text once the task is saved).
    typeBox.querySelectorAll(".hotspot-editor").forEach((box) => {
      if (draft && draft.image) {
        box.dataset.image = draft.image.url;
        altInput = h("input", { type: "text", name: "image_alt", maxlength: "300", id: `image-alt-${draftKey}`, value: draft.alt || "" });
        box.before(field(T.pictureAlt, altInput, T.pictureAltHint));
        typeBox.querySelectorAll("[data-no-picture]").forEach((note) => note.remove());
      }
      if (box.dataset.image) {
        box.hidden = false;
        window.HotspotEditor.setup(box);
      }
    });
    // A type that asks for a place (data-map, as on the classic form) gets the studio's picker.
    typeBox.querySelectorAll("[data-map]").forEach((box) => {
      const input = (id) => document.getElementById(box.dataset[id]);
      if (!input("lat") || !input("lon") || !input("radius")) return;
      box.classList.add("map-box");
      setupMap(box, { lat: input("lat"), lon: input("lon"), radius: input("radius"), texts: T, geocodeUrl: null,
        center: config.center, stations: studio.rally.stations, onPick: () => persist() }).show();
    });
  });
  const persist = () => debounce(draftKey || `task-${task.id}`, async () => {
    const parsed = await fetch(config.editorUrl.replace("__type__", task.type), { method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrf }, body: new FormData(form) }).then((r) => r.json()).catch(() => ({}));
    if (!parsed.config) {
      showErrors(form, { message: "", errors: parsed.errors || {} });
      return;
    }
    const body = { prompt_md: prompt.value, points: parseFloat(String(points.value).replace(",", ".")) || 0, config: parsed.config };
    if (draft && draft.image) {
      draft.alt = altInput ? altInput.value.trim() : "";
      if (!draft.alt) {
        showErrors(form, { message: "", errors: { [T.pictureAlt]: [T.pictureAltHint] } });
        return;
      }
    }
    try {
      if (draftKey) {
        const created = await save(T.tasks, async () => {
          const made = await call("POST", `/stations/${station.id}/tasks`, { type: task.type, ...body });
          if (draft && draft.image) await call("POST", `/tasks/${made.id}/media`, { media_id: draft.image.id, alt: draft.alt });
          return made;
        });
        if (altInput) altInput.readOnly = true;  // now one of the task's media (changed below the task)
        studio.drafts.delete(draftKey);
        studio.openTask = created.id;
        await loadRally();
        // Keep the author's place: the draft's form becomes the saved task's form without redrawing.
        const item = document.getElementById(draftKey);
        if (item) {
          item.id = `task-${created.id}`;
          item.classList.remove("draft");
          item.dataset.id = created.id;
        }
        draftKey = null;
        task = created;
        drawStations();
        drawChecklist();
        reloadPhone();
      } else {
        await save(T.tasks, () => call("PATCH", `/tasks/${task.id}`, body));
        await refresh({ redrawStation: false });
      }
      showErrors(form, null);
    } catch (error) {
      if (error.errors) showErrors(form, error);
    }
  });
  form.addEventListener("input", (event) => { if (!event.target.closest(".task-media")) persist(); });
  form.addEventListener("change", (event) => { if (!event.target.closest(".task-media")) persist(); });
  if (!draftKey) {
    form.append(mediaBlock(task),
      h("p", {}, h("a", { href: `/editor/tasks/${task.id}` }, `${T.classic}: ${T.moreFields}`)));
  }
  return form;
}

/** The task's pictures and sounds: alternative text required for images (the checklist asks too). */
function mediaBlock(task) {
  const file = h("input", { type: "file", id: `media-file-${task.id}`, accept: "image/*,audio/*,video/*" });
  const alt = h("input", { type: "text", id: `media-alt-${task.id}`, maxlength: "300" });
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const add = async () => {
    error.hidden = true;
    if (!file.files.length) return file.focus();
    try {
      await save(T.media, async () => {
        const asset = await uploadMedia(file.files[0]);
        return call("POST", `/tasks/${task.id}/media`, { media_id: asset.id, alt: alt.value.trim() });
      });
      await refresh();
    } catch (failure) {
      error.textContent = failure.message;
      error.hidden = false;
    }
  };
  return h("fieldset", { class: "task-media" }, h("legend", {}, T.media),
    h("ul", { class: "media-list" }, (task.media || []).map((link) => h("li", {},
      link.media && link.media.content_type.startsWith("image/") ? h("img", { src: link.media.url, alt: link.alt, width: "80" }) : null,
      h("span", {}, link.alt || T.noAlt), " ",
      h("button", { type: "button", class: "small", onclick: async () => {
        await save(T.media, () => call("DELETE", `/tasks/${task.id}/media/${link.id}`));
        await refresh();
      } }, T.remove)))),
    field(T.file, file), field(T.alt, alt), error,
    h("button", { type: "button", class: "small", onclick: add }, T.addMedia));
}

let draftCount = 0;

function addTask(type, image = null) {
  const station = currentStation();
  const key = `draft-${++draftCount}`;
  studio.drafts.set(key, { station_id: station.id, image, alt: "", task: { type, prompt_md: "", points: 10, config: {} } });
  studio.openTask = null;
  studio.phoneView = null;
  drawTasks();
  const prompt = document.getElementById(`prompt-${key}`);
  if (prompt) prompt.focus();
}

async function duplicateTask(task, station) {
  const position = station.tasks.indexOf(task) + 1;
  const created = await save(T.duplicate, () => recreateTask(task, station.id, position));
  studio.openTask = created.id;
  await refresh();
}

async function deleteTask(task, station, index, draftKey) {
  if (draftKey) {
    studio.drafts.delete(draftKey);
    drawTasks();
    return;
  }
  const copy = JSON.parse(JSON.stringify(task));
  await save(T.delete, () => call("DELETE", `/tasks/${task.id}`));
  await refresh();
  offerUndo(`${config.labels[task.type] || task.type} „${(task.prompt_md || T.noPrompt).slice(0, 40)}“`,
    () => recreateTask(copy, station.id, index));
}

async function duplicateStation(station) {
  const copy = JSON.parse(JSON.stringify(station));
  copy.title = `${station.title} (2)`;
  await save(T.duplicate, () => recreateStation(copy, studio.rally.stations.indexOf(station) + 1));
  await refresh();
}

async function deleteStation(station, index) {
  const copy = JSON.parse(JSON.stringify(station));
  await save(T.delete, () => call("DELETE", `/stations/${station.id}`));
  studio.selected = null;
  await refresh();
  offerUndo(`„${station.title}“`, () => recreateStation(copy, index));
}

// --- checklist ---------------------------------------------------------------------------

async function drawChecklist() {
  const data = await fetch(config.checklistUrl, { credentials: "same-origin", cache: "no-store" }).then((r) => r.json()).catch(() => null);
  if (!data) return;
  const list = document.getElementById("checklist");
  list.replaceChildren(...(data.items.length ? data.items.map((item) => h("li", { class: item.blocking ? "blocker" : "warning" },
    h("a", { href: item.url, onclick: (event) => { event.preventDefault(); goTo(item); } }, item.text)))
    : [h("li", { class: "ok" }, T.ready)]));
}

function goTo(item) {
  if (item.station_id) select(item.station_id, { focus: false });
  if (item.task_id) {
    studio.openTask = item.task_id;
    drawTasks();
    const target = document.querySelector(`#task-${item.task_id} [name=${item.field === "config" ? "points" : item.field}]`)
      || document.querySelector(`#task-${item.task_id} textarea`);
    if (target) target.focus();
  } else if (item.field) {
    const target = document.querySelector(`#station-panel [name=${item.field}]`) || document.getElementById("station-title");
    if (target) target.focus();
  }
}

// --- the site plan ---------------------------------------------------------------------------

/** What a click in the plan will do: create the station whose title is typed, or place the selected one. */
function planHint() {
  const typed = document.getElementById("new-station-title").value.trim();
  const station = currentStation();
  if (typed) return fmt(T.planCreate, { title: typed });
  if (station) return fmt(T.planPlace, { title: station.title });
  return T.planFirst;
}

function drawSitePlan() {
  const panel = document.getElementById("site-plan-panel");
  const plan = studio.rally.site_plan;
  const upload = async (file) => {
    try {
      await save(T.sitePlan, async () => {
        const asset = await uploadMedia(file);
        const alt = plan ? plan.alt : fmt(T.planAlt, { title: studio.rally.title });
        return call("POST", `/rallies/${config.rallyId}/site-plan`, { media_id: asset.id, alt });
      });
      await refresh({ redrawStation: false });
      document.getElementById("new-station-title").focus();
    } catch (error) {
      status(`${T.notSaved} ${error.message}`, "error");
    }
  };
  const heading = h("h2", { id: "plan-heading" }, T.sitePlan);
  if (!plan) {
    panel.replaceChildren(heading, h("p", { class: "hint muted" }, T.planHelp),
      ...fileButton(T.planUpload, "image/*", upload, { class: "small", id: "site-plan-upload" }));
    return;
  }
  const img = h("img", { src: plan.url, alt: plan.alt });
  const pins = studio.rally.stations.filter((s) => s.plan_x !== null && s.plan_x !== undefined).map((s) =>
    h("span", { class: `plan-pin${s.id === studio.selected ? " selected" : ""}`, title: s.title, "aria-hidden": "true",
      style: `left:${s.plan_x * 100}%;top:${s.plan_y * 100}%` }, String(studio.rally.stations.indexOf(s) + 1)));
  const frame = h("div", { class: "plan-frame", id: "site-plan-frame" }, img, pins);
  const hint = h("p", { class: "hint", id: "plan-hint", "aria-live": "polite" }, planHint());
  window.SitePlan.attach(frame, img, async (x, y) => {
    const typed = document.getElementById("new-station-title").value.trim();
    const station = currentStation();
    try {
      if (typed) {
        await createStation(typed, "open", { x, y });
        return;
      }
      if (!station) return;
      await save(station.title, () => call("PATCH", `/stations/${station.id}`, { plan_x: x, plan_y: y }));
      studio.phoneView = "plan";
      await refresh({ redrawStation: false });
      announce(fmt(T.planPlaced, { title: station.title }));
    } catch (error) {
      if (!(error instanceof Stale)) status(`${T.notSaved} ${error.message}`, "error");
    }
  });
  const alt = h("input", { type: "text", id: "site-plan-alt", maxlength: "300", value: plan.alt });
  alt.addEventListener("input", () => debounce("site-plan-alt", async () => {
    if (!alt.value.trim()) return;
    await save(T.sitePlan, () => call("POST", `/rallies/${config.rallyId}/site-plan`,
      { media_id: studio.rally.site_plan_id, alt: alt.value.trim() }));
    await loadRally();  // not redrawn: the author is typing here
    reloadPhone();
  }));
  panel.replaceChildren(heading, hint, h("div", { class: "studio-plan" }, frame),
    field(T.planAltLabel, alt),
    h("p", { class: "plan-tools" }, fileButton(T.planReplace, "image/*", upload, { class: "small" }), " ",
      h("a", { href: config.sitePlanUrl }, T.planPage)));
}

// --- the phone ---------------------------------------------------------------------------

function reloadPhone() {
  const frame = document.getElementById("phone");
  const state = document.querySelector("input[name=phone-state]:checked").value;
  const station = document.getElementById("phone-station").value || studio.selected;
  const ids = studio.rally.stations.map((s) => s.id).join(",");
  // The phone speaks the author's language here (a pupil chooses their own on the real phone).
  const placed = studio.rally.site_plan && studio.rally.stations.some((s) => s.plan_x !== null && s.plan_x !== undefined);
  const view = studio.phoneView === "plan" && placed ? "#/plan" : `#/station/${station || ""}`;
  const url = `${config.phoneUrl}?lang=${config.phoneLang}&state=${state}&stations=${ids}&t=${Date.now()}${view}`;
  frame.onload = () => {
    const doc = frame.contentDocument;
    if (!doc || !studio.openTask) return;
    const tryScroll = (attempt) => {
      const card = doc.getElementById(`task-${studio.openTask}`);
      // Scroll the phone only: scrollIntoView would scroll the studio page as well.
      if (card) frame.contentWindow.scrollTo(0, card.getBoundingClientRect().top + frame.contentWindow.scrollY - 8);
      else if (attempt < 20) setTimeout(() => tryScroll(attempt + 1), 100);
    };
    tryScroll(0);
  };
  frame.src = url;
}

// --- start -------------------------------------------------------------------------------

async function start() {
  await loadRally();
  document.getElementById("add-station").addEventListener("submit", addStation);
  document.getElementById("new-station-title").addEventListener("input", () => {
    const hint = document.getElementById("plan-hint");
    if (hint) hint.textContent = planHint();
  });
  document.getElementById("phone-controls").hidden = false;
  document.getElementById("phone-station").addEventListener("change", reloadPhone);
  document.querySelectorAll("input[name=phone-state]").forEach((radio) => radio.addEventListener("change", reloadPhone));
  const target = location.hash.match(/^#(station|task)-(\d+)$/);
  if (target && target[1] === "task") {
    const owner = studio.rally.stations.find((s) => s.tasks.some((t) => t.id === Number(target[2])));
    if (owner) studio.selected = owner.id;
    studio.openTask = Number(target[2]);
  } else if (target) {
    studio.selected = Number(target[2]);
  }
  drawStations();
  drawStation();
  drawChecklist();
  drawSitePlan();
  root.classList.add("live");
}

start().catch((error) => status(`${T.notSaved} ${error.message}`, "error"));
