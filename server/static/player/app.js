// The web player: join, download the rally, play it on- or offline, and sync through the
// outbox. It speaks only the client API /api/v1 (see api.js).

import * as api from "./api.js";
import { allTasks, findStation, judgeLocally, noteQueuedAnswer, stationStates, taskStatus, waitingCountsDone } from "./game.js";
import { distanceM, formatDistance, isInside, currentPosition } from "./geo.js";
import {
  LANGUAGES, contentAttrs, initI18n, language, onLanguageChange, setContentLanguage, setLanguage, t,
} from "./i18n.js";
import { mapPanel, placedStations } from "./map.js";
import { hasSitePlan, sitePlanPanel } from "./siteplan.js";
import { Sender, enqueue, countItems, clearOutbox } from "./outbox.js";
import { cameraAvailable, startScanner } from "./scanner.js";
import {
  cacheMedia, clearAll, emptyState, loadBundle, mediaUrls, pendingQr, playState, saveBundle, session,
} from "./store.js";
import { Events, makeDeliver, refreshProgress } from "./sync.js";
import { taskInput } from "./tasks.js";
import "./tasks-cloze.js";
import "./tasks-hotspot.js";
import { gradeAtTask, isGraded, joinCountdown, updateVisit, visitHome } from "./visit.js";
import {
  announce, content, errorText, field, formatPoints, h, mediaBlock, onCleanup, richText, runCleanups, stateLabel, unlockLabel,
} from "./views.js";
import { wayfinder } from "./wayfinder.js";

const root = document.getElementById("player");
const events = new Events();
const app = {
  bundle: null,
  pending: 0,
  blocked: null,
  mediaStatus: "",
  firstRender: true,
};

const sender = new Sender({
  deliver: makeDeliver(events),
  onChange: () => updateSyncStatus(),
  onBlocked: (error) => {
    app.blocked = error;
    render();
  },
});

// --- helpers -----------------------------------------------------------------------------

function nowIso() {
  return new Date().toISOString();
}

function settings() {
  return app.bundle ? app.bundle.rally.settings : {};
}

function navigate(hash, { replace = false } = {}) {
  if (replace) {
    history.replaceState(null, "", `${location.pathname}${hash}`);
    render();
  } else if (location.hash === hash) {
    render();
  } else {
    location.hash = hash;
  }
}

function cleanup() {
  runCleanups();
}

async function updateSyncStatus() {
  app.pending = await countItems().catch(() => 0);
  const el = document.getElementById("sync-status");
  if (el) el.replaceChildren(...syncStatusChildren());
}

function syncStatusChildren() {
  const online = navigator.onLine;
  const parts = [h("span", { class: `dot ${online ? "on" : "off"}`, "aria-hidden": "true" }),
    online ? t("sync.online") : t("sync.offline")];
  parts.push(" · ", app.pending ? t("sync.waiting", { count: app.pending }) : t("sync.all_synced"));
  if (app.mediaStatus) parts.push(` · ${app.mediaStatus}`);
  return parts;
}

function syncStatus() {
  return h("p", { id: "sync-status", class: "sync-status", role: "status" }, syncStatusChildren());
}

function heading(text, level = "h1", attrs = {}) {
  return h(level, { tabindex: "-1", class: "view-title", ...attrs }, text);
}

/** A heading holding the rally's own words (rally or station title). */
function contentHeading(text) {
  return heading(text, "h1", contentAttrs());
}

function backLink() {
  return h("p", { class: "back" }, h("a", { href: "#/" }, h("span", { class: "dir-arrow", "aria-hidden": "true" }, "←"), " ",
    t("nav.all_stations")));
}

// --- bundle ------------------------------------------------------------------------------

async function loadRally({ quiet = false } = {}) {
  const current = session.get();
  const url = current.rally.bundle_url;
  let bundle = await loadBundle(url).catch(() => null);
  const state = playState.get();
  if (navigator.onLine || !bundle) {
    try {
      const fresh = await api.bundle(url, current.token, bundle ? state.etag : null);
      if (fresh) {
        await saveBundle(url, fresh.body, fresh.etag);
        bundle = JSON.parse(fresh.body);
        playState.update((s) => {
          s.etag = fresh.etag;
        });
      }
    } catch (error) {
      if (error.status === 401) {
        app.blocked = error;
      } else if (!bundle) {
        throw error;
      }
    }
  }
  app.bundle = bundle;
  if (bundle) {
    setContentLanguage(bundle.rally.language);
    cacheAllMedia(bundle);
  }
  if (!quiet) render();
}

async function cacheAllMedia(bundle) {
  if (!("caches" in window) || !navigator.onLine) return;
  const urls = mediaUrls(bundle);
  if (!urls.length) return;
  const result = await cacheMedia(urls, (done, total) => {
    app.mediaStatus = done < total ? t("sync.media_progress", { done, total }) : "";
    updateSyncStatus();
  });
  app.mediaStatus = result.failed ? t("sync.media_missing", { count: result.failed }) : "";
  updateSyncStatus();
}

async function refreshFromServer() {
  if (!session.get() || !navigator.onLine) return;
  try {
    await sender.flush();
    await refreshProgress();
  } catch (error) {
    if (error.status === 401) app.blocked = error;
  }
  rerenderSoft();
}

// --- actions ------------------------------------------------------------------------------

async function queueAndSend(item) {
  const record = await enqueue(item);
  await updateSyncStatus();
  if (navigator.onLine) await sender.flush();
  await updateSyncStatus();
  return record;
}

async function scanCode(text) {
  const payload = String(text || "").trim();
  if (!payload) return { error: "empty" };
  const joinMatch = payload.match(/\/join\/([^/?#]+)/);
  if (joinMatch && !session.get()) {
    navigate(`#/join/${encodeURIComponent(joinMatch[1])}`);
    return { join: true };
  }
  const id = crypto.randomUUID();
  await queueAndSend({ kind: "scan", id, body: { id, payload, scanned_at: nowIso() } });
  const outcome = playState.get().scans[id];
  if (!outcome) return { queued: true };
  if (outcome.status === "rejected") return { error: outcome.error };
  return { station: outcome.station, unlocked: outcome.unlocked };
}

async function checkIn(station, fix) {
  const id = crypto.randomUUID();
  const unlock = station.unlock;
  const distance = distanceM(fix.lat, fix.lon, unlock.lat, unlock.lon);
  const inside = isInside(distance, fix.accuracy_m, unlock.radius_m);
  playState.update((state) => {
    state.checkins[station.id] = { distance_m: Math.round(distance), inside, synced: false };
    if (inside) state.unlocked[station.id] = "location";
  });
  await queueAndSend({ kind: "checkin", id, body: { id, station_id: station.id, lat: fix.lat, lon: fix.lon,
    accuracy_m: fix.accuracy_m, at: nowIso() } });
  return playState.get().checkins[station.id];
}

async function submitAnswer(task, value, { file } = {}) {
  const id = crypto.randomUUID();
  const state = playState.get();
  const body = { id, task_id: task.id, value, answered_at: nowIso() };
  if (state.hints[task.id]) body.hint_used = true;
  if (file) {
    const uploadId = crypto.randomUUID();
    await enqueue({ kind: "upload", id: uploadId, body: { task_id: task.id, filename: file.name || "upload" }, blob: file });
    body.value = { $upload: uploadId };
  }
  if (task.type === "location" && value) body.location = value;
  const localCorrect = file ? null : judgeLocally(task, value);
  playState.update((s) => noteQueuedAnswer(s, task, body, localCorrect));
  await queueAndSend({ kind: "answer", id, body });
}

async function finishRally() {
  const id = crypto.randomUUID();
  playState.update((s) => {
    s.finishQueued = true;
  });
  await queueAndSend({ kind: "finish", id, body: { id } });
}

async function leaveTeam() {
  cleanup();
  await clearOutbox().catch(() => {});
  await clearAll();
  app.bundle = null;
  app.blocked = null;
  sender.blocked = false;
  history.replaceState(null, "", "/play");
  render();
}

// --- views ---------------------------------------------------------------------------------

/** The five languages as large buttons (join screen): each names itself in its own language. */
function languageButtons() {
  return h("div", { class: "lang-buttons", role: "group", "aria-label": t("lang.choose") },
    LANGUAGES.map((l) => h("button", { type: "button", lang: l.code, dir: l.dir || "ltr",
      class: l.code === language() ? "lang-button current" : "lang-button",
      "aria-pressed": l.code === language() ? "true" : "false",
      onclick: () => changeLanguage(l.code) }, l.name)));
}

/** The language menu of the header, on every screen. */
function renderHeader() {
  const bar = document.getElementById("player-header");
  if (!bar) return;
  const select = h("select", { id: "player-lang", onchange: () => changeLanguage(select.value) },
    LANGUAGES.map((l) => h("option", { value: l.code, lang: l.code, selected: l.code === language() }, l.name)));
  bar.replaceChildren(
    h("a", { class: "brand", href: "/play#/" }, t("app.brand")),
    h("div", { class: "lang-menu" }, h("label", { for: "player-lang" }, t("lang.label")), select));
}

async function changeLanguage(code) {
  await setLanguage(code);
  const active = document.activeElement && document.activeElement.id;
  renderHeader();
  render({ keepFocus: true });
  if (active === "player-lang") document.getElementById("player-lang").focus();
  else {
    const again = root.querySelector(`.lang-button[lang="${code}"]`);
    if (again) again.focus();
  }
  announce(t("lang.changed"));
}

function joinView(prefill) {
  const pending = pendingQr.get();
  const code = h("input", { name: "code", autocomplete: "off", autocapitalize: "characters", spellcheck: "false",
    required: true, maxlength: "12", value: prefill || "", inputmode: "text", dir: "ltr" });
  const name = h("input", { name: "team_name", autocomplete: "off", required: true, maxlength: "40" });
  const error = h("p", { class: "error", role: "alert" });
  const submit = h("button", { class: "primary big", type: "submit" }, t("join.submit"));
  const form = h("form", { class: "card narrow", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!code.value.trim() || !name.value.trim()) {
      error.textContent = t("join.need_both");
      (code.value.trim() ? name : code).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t("join.wait");
    try {
      const joined = await api.join(code.value.trim(), name.value.trim());
      session.set({ token: joined.token, team: joined.team, run: joined.run, rally: joined.rally });
      playState.set(emptyState());
      sender.blocked = false;
      app.blocked = null;
      submit.textContent = t("join.downloading");
      await loadRally({ quiet: true });
      history.replaceState(null, "", "/play#/");
      const token = pendingQr.get();
      if (token) {
        pendingQr.set(null);
        await openScanned(token);
        return;
      }
      announce(t("join.welcome", { team: joined.team.name }));
      render();
      refreshFromServer();
    } catch (failure) {
      const problem = failure.problem || {};
      const fieldErrors = problem.errors ? Object.values(problem.errors).flat().join(" ") : "";
      error.textContent = errorText(failure.code, problem.detail) + (fieldErrors && failure.code === "invalid_request" ? ` ${fieldErrors}` : "");
      if (failure.code === "run_not_open") {
        const countdown = joinCountdown(problem);
        if (countdown) error.replaceChildren(countdown);
      }
      submit.disabled = false;
      submit.textContent = t("join.submit");
      (failure.code === "team_name_taken" || failure.code === "team_name_refused" ? name : code).focus();
    }
  } },
  field(t("join.code"), code, t("join.code_hint")),
  field(t("join.team_name"), name, t("join.team_name_hint")),
  error, submit);
  return [
    heading(t("join.title")),
    h("section", { class: "lang-choice", "aria-labelledby": "lang-choice-title" },
      h("h2", { id: "lang-choice-title", class: "small-heading" }, t("lang.choose")), languageButtons()),
    pending ? h("p", { class: "flash" }, t("join.pending_scan")) : null,
    h("p", {}, t("join.intro")),
    form,
  ];
}

function scoreLine(state) {
  const s = settings();
  const progress = state.progress;
  const parts = [];
  if (s.show_points && progress) {
    parts.push(h("span", { class: "score" }, t("score.line", { score: formatPoints(progress.score), max: formatPoints(progress.max_score) })));
  }
  if (progress && progress.time_left_s !== null && progress.time_left_s !== undefined) {
    if (parts.length) parts.push(" · ");
    parts.push(h("span", { class: "time" }, t("score.time_left", { count: Math.max(0, Math.round(progress.time_left_s / 60)) })));
  }
  return parts.length ? h("p", { class: "score-line" }, parts) : null;
}

/** Stations done out of all, as a bar that fills from the reading direction's start. */
function progressBar(rows) {
  const done = rows.filter((r) => r.state === "done").length;
  const share = rows.length ? Math.round((done / rows.length) * 100) : 0;
  const label = t("progress.stations", { done, count: rows.length });
  return h("div", { class: "progress", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": String(rows.length),
    "aria-valuenow": String(done), "aria-valuetext": label, "aria-label": t("progress.label") },
  h("div", { class: "progress-fill", style: `inline-size: ${share}%` }),
  h("span", { class: "progress-text" }, label));
}

function confirmButton(label, confirmLabel, question, action, cls = "") {
  const wrap = h("div", { class: "confirm" });
  const first = h("button", { type: "button", class: cls, onclick: () => {
    const yes = h("button", { type: "button", class: `${cls} primary`, onclick: async () => {
      yes.disabled = true;
      await action();
    } }, confirmLabel);
    const no = h("button", { type: "button", onclick: () => {
      wrap.replaceChildren(first);
      first.focus();
    } }, t("common.cancel"));
    wrap.replaceChildren(h("p", { role: "alert" }, question), h("div", { class: "button-row" }, yes, no));
    yes.focus();
  } }, label);
  wrap.append(first);
  return wrap;
}

/** Where the server judged differently from what the phone showed offline: name the tasks. */
function changedNotice() {
  const changed = playState.get().changed || [];
  if (!changed.length || !app.bundle) return null;
  const tasks = allTasks(app.bundle);
  const items = changed.map((c) => {
    const found = tasks.find((x) => String(x.task.id) === String(c.task_id));
    if (!found) return null;
    const number = found.station.tasks.indexOf(found.task) + 1;
    const verdict = c.correct ? t("changed.now_right") : t("changed.now_wrong");
    return h("li", {}, h("a", { href: `#/station/${found.station.id}` },
      t("changed.task", { station: found.station.title, number })), " – ", verdict);
  }).filter(Boolean);
  if (!items.length) return null;
  return h("section", { class: "flash notice changed-notice", role: "status" },
    h("p", {}, h("strong", {}, t("changed.title", { count: items.length }))),
    h("ul", {}, items),
    h("button", { type: "button", onclick: () => {
      playState.update((s) => {
        s.changed = [];
      });
      render({ keepFocus: true });
    } }, t("common.ok")));
}

function homeView() {
  const state = playState.get();
  const current = session.get();
  const rows = stationStates(app.bundle, state);
  const finished = state.finishedAt || state.finishQueued;
  const list = h("ol", { class: "stations" }, rows.map((row) => {
    const { station } = row;
    const mode = unlockLabel(station.unlock.mode);
    return h("li", { class: `station state-${row.state}` },
      h("a", { href: `#/station/${station.id}`, class: "station-link" },
        h("span", { class: "station-title", ...contentAttrs() }, station.title),
        h("span", { class: "station-meta" },
          h("span", { class: `badge state ${row.state}` }, stateLabel(row.state)),
          mode ? h("span", { class: "badge" }, mode) : null,
          station.tasks.length ? h("span", { class: "muted" }, t("station.tasks_done", { done: row.tasksDone, count: row.tasksTotal })) : null)));
  }));
  const hasPlaces = placedStations(app.bundle).length > 0;
  return [
    h("section", { class: "card rally-head" },
      contentHeading(app.bundle.rally.title),
      h("p", { class: "team" }, t("home.team", { team: current.team.name }), current.run ? ` · ${t("home.class", { label: current.run.class_label })}` : ""),
      scoreLine(state),
      visitHome(),
      progressBar(rows),
      syncStatus()),
    app.notice ? h("p", { class: "flash" }, app.notice) : null,
    changedNotice(),
    finished ? h("p", { class: "flash success", role: "status" }, state.finishedAt ? t("home.finished") : t("home.finish_queued")) : null,
    h("div", { class: "button-row wide" },
      !finished ? h("a", { class: "button primary big", href: "#/scan" }, t("scan.button")) : null,
      hasPlaces ? h("a", { class: "button big", href: "#/map" }, t("map.button")) : null,
      hasSitePlan(app.bundle) ? h("a", { class: "button big", href: "#/plan" }, t("plan.button")) : null),
    h("h2", {}, t("home.stations")),
    list,
    app.bundle.rally.description_html ? h("section", { class: "about" }, h("h2", {}, t("home.about")),
      richText(app.bundle.rally.description_html, "rich muted")) : null,
    h("section", { class: "card actions", "aria-labelledby": "actions-title" },
      h("h2", { id: "actions-title", class: "small-heading" }, t("home.actions")),
      !finished ? confirmButton(t("finish.button"), t("finish.yes"), t("finish.question"), async () => {
        await finishRally();
        render();
      }) : null,
      confirmButton(t("leave.button"), t("leave.yes"),
        app.pending ? t("leave.unsynced", { count: app.pending }) : t("leave.question"), leaveTeam, "danger-outline")),
  ];
}

function lockedPanel(station, row) {
  const panel = h("section", { class: "card locked-panel", "aria-labelledby": "locked-title" },
    h("h2", { id: "locked-title" }, stateLabel("locked")));
  for (const reason of row.why) {
    if (reason.kind === "qr") {
      panel.append(h("p", {}, t("locked.qr")),
        h("p", {}, h("a", { class: "button primary", href: "#/scan" }, t("scan.button"))), manualCodeForm());
    } else if (reason.kind === "location") {
      panel.append(locationUnlock(station));
    } else if (reason.kind === "after" || reason.kind === "previous") {
      panel.append(h("p", {}, t("locked.after", { station: reason.station ? reason.station.title : "?" })));
    } else if (reason.kind === "score") {
      panel.append(h("p", {}, t("locked.score", { points: formatPoints(reason.min) })));
    }
  }
  return panel;
}

/** The way to a location station and "Ich bin da": enabled once the fix is inside its radius. */
function locationUnlock(station) {
  const unlock = station.unlock;
  const message = h("p", { role: "status", class: "checkin-message" });
  let inside = null;
  const button = h("button", { type: "button", class: "primary big checkin", onclick: async () => {
    button.disabled = true;
    message.textContent = t("geo.locating");
    try {
      const fix = await currentPosition(); // the arrow's own fix when it is fresh

      const result = await checkIn(station, fix);
      if (result.inside) {
        announce(t("checkin.unlocked"));
        render();
        return;
      }
      message.textContent = t("checkin.not_yet", { distance: formatDistance(result.distance_m) });
    } catch (error) {
      message.textContent = error.message;
    }
    button.disabled = inside === false;
  } }, t("way.here"));
  const why = h("p", { id: "checkin-why", class: "muted", hidden: true }, t("checkin.come_closer", { radius: formatDistance(unlock.radius_m) }));
  const panel = wayfinder(unlock, { onFix: (fix, where) => {
    inside = where.inside;
    button.disabled = !inside;
    if (inside) button.removeAttribute("aria-describedby");
    else button.setAttribute("aria-describedby", "checkin-why");
    why.hidden = inside;
  } });
  return h("div", { class: "location-unlock" }, h("p", {}, t("locked.location")), panel, why, button, message,
    h("p", {}, h("a", { href: "#/map" }, t("map.button"))));
}

function manualCodeForm() {
  const input = h("input", { name: "station_code", autocomplete: "off", autocapitalize: "characters", spellcheck: "false", dir: "ltr" });
  const message = h("p", { role: "status", class: "scan-message" });
  const form = h("form", { class: "manual-code", onsubmit: async (event) => {
    event.preventDefault();
    message.textContent = t("scan.checking");
    const outcome = await scanCode(input.value);
    showScanOutcome(outcome, message);
  } }, field(t("scan.type_code"), input, t("scan.type_code_hint")),
  h("button", { type: "submit" }, t("scan.send_code")), message);
  return form;
}

function showScanOutcome(outcome, message) {
  if (outcome.join) return;
  if (outcome.error) {
    message.textContent = outcome.error === "empty" ? t("scan.need_code") : errorText(outcome.error);
    return;
  }
  if (outcome.queued) {
    message.textContent = t("scan.queued");
    return;
  }
  announce(t(outcome.unlocked ? "scan.opened" : "scan.scanned", { station: outcome.station.title }));
  navigate(`#/station/${outcome.station.id}`);
}

function resultText(task, record) {
  const s = settings();
  if (!record) return null;
  const lines = [];
  let cls = "result";
  const last = record.last;
  if (record.pending > 0) {
    if (record.localCorrect === true) {
      lines.push(t("result.right"));
      cls += " ok";
    } else if (record.localCorrect === false) {
      lines.push(t("result.wrong_retry"));
      cls += " bad";
    } else if (!waitingCountsDone(task, record)) {
      // Without offline feedback only the server knows: never "done" before it has judged.
      lines.push(t("result.saved_checking"));
      cls += " checking";
    }
    if (s.show_solutions && task.feedback && record.localCorrect !== undefined && record.localCorrect !== null) {
      lines.push(content(record.localCorrect ? task.feedback.correct : task.feedback.wrong));
    }
    lines.push(navigator.onLine ? t("result.sending") : t("result.sends_when_online"));
  } else if (last) {
    if (last.status === "rejected") {
      lines.push(t("result.not_counted", { reason: errorText(last.error && last.error.code, last.error && last.error.message) }));
      cls += record.done ? "" : " bad";
    } else if (last.pending_review && !isGraded(task.id)) {
      lines.push(t("result.review"));
    } else if (last.correct === true) {
      lines.push(t("result.right"));
      cls += " ok";
    } else if (last.correct === false) {
      lines.push(record.done ? t("result.wrong") : t("result.wrong_retry"));
      cls += " bad";
    } else {
      lines.push(t("result.thanks"));
      cls += " ok";
    }
    if (s.show_points && last.points !== null && last.points !== undefined) lines.push(t("result.points", { points: formatPoints(last.points) }));
    if (last.feedback) lines.push(content(last.feedback)); // the editor's words, in the rally's language
  }
  if (!lines.length) return null;
  return h("div", { class: cls, role: "status" }, lines.map((line) => h("p", {}, line)));
}

function hintBlock(task) {
  if (!task.hint) return null;
  const state = playState.get();
  const text = h("p", { class: "hint-text" }, task.hint.text);
  if (state.hints[task.id]) return h("div", { class: "hint" }, h("strong", {}, t("hint.label")), " ", text);
  const label = settings().show_points && task.hint.cost ? t("hint.show_cost", { points: formatPoints(task.hint.cost) }) : t("hint.show");
  const button = h("button", { type: "button", class: "link-button", onclick: () => {
    playState.update((s) => {
      s.hints[task.id] = true;
    });
    const block = hintBlock(task);
    button.closest(".hint").replaceWith(block);
    block.querySelector(".hint-text").setAttribute("tabindex", "-1");
    block.querySelector(".hint-text").focus();
  } }, label);
  return h("div", { class: "hint" }, button);
}

function taskCard(task, index, station) {
  const state = playState.get();
  const record = state.tasks[task.id];
  const status = taskStatus(task, state, settings());
  const finished = Boolean(state.finishedAt || state.finishQueued);
  const input = taskInput(task, record ? record.value : undefined);
  const error = h("p", { class: "error", role: "alert" });
  const locked = status === "done" || status === "waiting" || finished;
  const submit = h("button", { type: "submit", class: "primary", hidden: locked }, input.submitLabel || t("task.submit"));
  const ask = h("div", { class: "confirm-send" });
  const fieldset = h("fieldset", { class: "task-fields", disabled: locked }, input.body, submit, ask);
  const timer = timeLimit(task, fieldset);
  const send = async (value) => {
    fieldset.disabled = true;
    const file = value && value.file instanceof Blob ? value.file : null;
    await submitAnswer(task, file ? null : value, { file });
    refreshStationSummary();
    const card = document.getElementById(`task-${task.id}`);
    if (card) {
      const fresh = taskCard(task, index, station);
      card.replaceWith(fresh);
      const result = fresh.querySelector(".result");
      if (result) {
        result.setAttribute("tabindex", "-1");
        result.focus();
      }
    }
  };
  const form = h("form", { class: "task-form", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    error.textContent = "";
    let value;
    try {
      value = await input.read(form);
    } catch (failure) {
      error.textContent = failure.message;
      return;
    }
    const question = input.confirmBefore ? input.confirmBefore() : null;
    if (question && !ask.childElementCount) {
      const yes = h("button", { type: "button", class: "primary", onclick: () => send(value) }, t("task.send_anyway"));
      const no = h("button", { type: "button", onclick: () => {
        ask.replaceChildren();
        submit.hidden = false;
        submit.focus();
      } }, t("common.back"));
      submit.hidden = true;
      ask.replaceChildren(h("p", { role: "alert" }, question), h("div", { class: "button-row" }, yes, no));
      no.focus();
      return;
    }
    await send(value);
  } }, fieldset, error);
  const points = settings().show_points && task.points ? h("span", { class: "badge" }, t("task.points", { count: task.points, points: formatPoints(task.points) })) : null;
  const badge = status === "done" ? h("span", { class: "badge ok" }, t("task.done"))
    : status === "waiting" && !waitingCountsDone(task, record) ? h("span", { class: "badge checking" }, t("task.checking")) : null;
  return h("article", { class: `card task status-${status}`, id: `task-${task.id}`, "data-type": task.type,
    "aria-labelledby": `task-title-${task.id}` },
  h("h2", { class: "task-title", id: `task-title-${task.id}` }, t("task.title", { number: index + 1 }), " ", points, badge),
  input.hidesPrompt ? null : richText(task.prompt_html),
  mediaBlock(input.hidesMedia ? task.media.filter((m) => !input.hidesMedia.includes(m.name)) : task.media),
  hintBlock(task),
  timer,
  form,
  isGraded(task.id) ? null : resultText(task, record),
  gradeAtTask(task, { showPoints: settings().show_points }));
}

function timeLimit(task, fieldset) {
  if (!task.time_limit_s) return null;
  const state = playState.update((s) => {
    if (!s.shownAt[task.id]) s.shownAt[task.id] = Date.now();
  });
  const end = state.shownAt[task.id] + task.time_limit_s * 1000;
  const out = h("p", { class: "timer", "aria-live": "off" });
  const tick = () => {
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    out.textContent = left > 0 ? t("timer.left", { count: left }) : t("timer.up");
    if (!left) {
      fieldset.disabled = true;
      clearInterval(timer);
    }
  };
  const timer = setInterval(tick, 1000);
  onCleanup(() => clearInterval(timer));
  tick();
  return out;
}

function stationView(id) {
  const station = findStation(app.bundle, id);
  if (!station) return [backLink(), heading(t("station.not_found"))];
  const state = playState.get();
  const row = stationStates(app.bundle, state).find((r) => r.station.id === station.id);
  const parts = [backLink(), contentHeading(station.title), stationSummary(row)];
  if (row.state === "locked") {
    parts.push(lockedPanel(station, row));
    return parts;
  }
  if (station.unlock.mode === "location" && state.checkins[station.id]) {
    const c = state.checkins[station.id];
    if (c.distance_m !== undefined) parts.push(h("p", { class: "muted" }, t("checkin.done", { distance: formatDistance(c.distance_m) })));
  }
  // No empty white card for a station without text or pictures.
  if (station.body_html || (station.media && station.media.length)) {
    parts.push(h("section", { class: "card station-body" }, richText(station.body_html), mediaBlock(station.media)));
  }
  station.tasks.forEach((task, index) => parts.push(taskCard(task, index, station)));
  const next = nextStation(station);
  parts.push(h("p", { class: "button-row" }, h("a", { class: "button", href: "#/" }, t("nav.overview")),
    next ? h("a", { class: "button", href: `#/station/${next.id}` }, t("nav.next", { station: next.title }), " ",
      h("span", { class: "dir-arrow", "aria-hidden": "true" }, "→")) : null));
  return parts;
}

function stationSummary(row) {
  return h("p", { id: "station-summary" }, h("span", { class: `badge state ${row.state}` }, stateLabel(row.state)),
    row.tasksTotal ? h("span", { class: "muted" }, " ", t("station.tasks_done", { done: row.tasksDone, count: row.tasksTotal })) : null,
    row.tasksChecking ? h("span", { class: "muted" }, " · ", t("station.tasks_checking", { count: row.tasksChecking })) : null);
}

function refreshStationSummary() {
  const el = document.getElementById("station-summary");
  const match = (location.hash || "").match(/^#\/station\/(\d+)/);
  if (!el || !match || !app.bundle) return;
  const row = stationStates(app.bundle, playState.get()).find((r) => String(r.station.id) === match[1]);
  if (row) el.replaceWith(stationSummary(row));
}

function nextStation(station) {
  const stations = app.bundle.stations;
  const index = stations.findIndex((s) => s.id === station.id);
  return index >= 0 && index < stations.length - 1 ? stations[index + 1] : null;
}

function mapView() {
  const rows = stationStates(app.bundle, playState.get());
  const preferPlan = sessionStorage.getItem("rallye.mapPlan") === "1";
  return [backLink(), heading(t("map.title")),
    mapPanel(app.bundle, rows, { preferPlan, onSwitch: (plan) => sessionStorage.setItem("rallye.mapPlan", plan ? "1" : "0") })];
}

function planView() {
  const rows = stationStates(app.bundle, playState.get());
  return [backLink(), heading(t("plan.title")), sitePlanPanel(app.bundle, rows)];
}

function scanView() {
  const video = h("video", { class: "scanner-video", muted: true, playsinline: true, "aria-label": t("scan.camera_image") });
  const message = h("p", { role: "status", class: "scan-message" });
  const parts = [backLink(), heading(t("scan.title"))];
  if (cameraAvailable()) {
    const start = h("button", { type: "button", class: "primary", onclick: () => startCamera() }, t("scan.start_camera"));
    const startCamera = async () => {
      start.hidden = true;
      message.textContent = t("scan.point_camera");
      try {
        const stop = await startScanner(video, async (text) => {
          message.textContent = t("scan.found");
          showScanOutcome(await scanCode(text), message);
        }, { jsqrUrl: root.dataset.jsqrUrl });
        onCleanup(stop);
      } catch {
        start.hidden = false;
        message.textContent = t("scan.camera_unavailable");
      }
    };
    parts.push(h("div", { class: "scanner" }, video), start, message);
  } else {
    parts.push(h("p", {}, t("scan.no_camera")));
  }
  parts.push(h("section", { class: "card", "aria-labelledby": "manual-title" }, h("h2", { id: "manual-title" }, t("scan.without_camera")), manualCodeForm()));
  return parts;
}

function blockedView() {
  return [heading(t("blocked.title")),
    h("p", { class: "flash error" }, errorText(app.blocked.code)),
    app.pending ? h("p", {}, t("blocked.lost", { count: app.pending })) : null,
    h("button", { type: "button", class: "primary", onclick: leaveTeam }, t("blocked.join_again"))];
}

async function openScanned(token) {
  const outcome = await scanCode(`${location.origin}/q/${token}`);
  if (outcome.station) {
    navigate(`#/station/${outcome.station.id}`, { replace: true });
    return;
  }
  navigate("#/scan", { replace: true });
  const message = root.querySelector(".scan-message");
  if (message) showScanOutcome(outcome, message);
}

// --- routing -----------------------------------------------------------------------------

function render({ keepFocus = false } = {}) {
  cleanup();
  if (app.noticeShown && !keepFocus) app.notice = null;
  app.noticeShown = Boolean(app.notice);
  const current = session.get();
  const hash = location.hash || "#/";
  let parts;
  if (!current) {
    const joinMatch = hash.match(/^#\/join\/(.+)$/);
    parts = joinView(joinMatch ? decodeURIComponent(joinMatch[1]) : app.joinCode);
  } else if (app.blocked) {
    parts = blockedView();
  } else if (!app.bundle) {
    parts = [heading(t("app.rally")), h("p", {}, navigator.onLine ? t("app.loading") : t("app.offline_not_downloaded")),
      h("button", { type: "button", onclick: () => loadRally().catch(() => {}) }, t("common.retry"))];
  } else {
    const stationMatch = hash.match(/^#\/station\/(\d+)/);
    if (stationMatch) parts = stationView(stationMatch[1]);
    else if (hash.startsWith("#/scan")) parts = scanView();
    else if (hash.startsWith("#/map")) parts = mapView();
    else if (hash.startsWith("#/plan")) parts = planView();
    else parts = homeView();
  }
  root.replaceChildren(...parts.flat().filter(Boolean));
  if (!app.firstRender && !keepFocus) {
    const title = root.querySelector(".view-title");
    if (title) title.focus();
  }
  if (!keepFocus) window.scrollTo(0, 0);
  app.firstRender = false;
  updateSyncStatus();
  showVisit();
}

function showVisit() {
  updateVisit({ onShowTask: (item) => navigate(`#/station/${item.station_id}`) });
}

/** Re-render without losing the pupil's place or what they typed: the overview is redrawn, a
 * station only when it was locked and is open now; otherwise only the status lines change. */
function rerenderSoft() {
  updateSyncStatus();
  showVisit();
  if (!app.bundle || !session.get()) return;
  const hash = location.hash || "#/";
  if (hash === "#/") {
    if (root.querySelector(".confirm [role=alert]")) return; // a question is open: do not wipe it
    const active = document.activeElement;
    const activeHref = active && active.getAttribute ? active.getAttribute("href") : null;
    render({ keepFocus: true });
    if (activeHref) {
      const again = root.querySelector(`a[href="${activeHref}"]`);
      if (again) again.focus();
    }
    return;
  }
  const match = hash.match(/^#\/station\/(\d+)/);
  if (match && root.querySelector(".locked-panel")) {
    const row = stationStates(app.bundle, playState.get()).find((r) => String(r.station.id) === match[1]);
    if (row && row.state !== "locked") {
      render();
      return;
    }
  }
  refreshStationSummary();
}

// After answers are synced, refresh the cards of the station on screen.
events.on("answers", (outcomes) => {
  refreshStationSummary();
  for (const { item } of outcomes) {
    const card = document.getElementById(`task-${item.body.task_id}`);
    if (!card || !app.bundle) continue;
    const found = allTasks(app.bundle).find((t) => String(t.task.id) === String(item.body.task_id));
    if (!found) continue;
    const index = found.station.tasks.indexOf(found.task);
    const hadFocus = card.contains(document.activeElement);
    const fresh = taskCard(found.task, index, found.station);
    card.replaceWith(fresh);
    if (hadFocus) {
      const result = fresh.querySelector(".result");
      if (result) {
        result.setAttribute("tabindex", "-1");
        result.focus();
      }
    }
  }
});
events.on("scan", () => rerenderSoft());
events.on("checkin", () => rerenderSoft());
events.on("finish", () => {
  if ((location.hash || "#/") === "#/") render({ keepFocus: true });
});

// --- start -------------------------------------------------------------------------------

async function start() {
  await initI18n();
  renderHeader();
  onLanguageChange(() => renderHeader());
  const path = location.pathname;
  const joinMatch = path.match(/^\/join\/([^/]+)/);
  const qrMatch = path.match(/^\/q\/([^/]+)/);
  app.joinCode = root.dataset.joinCode || (joinMatch ? decodeURIComponent(joinMatch[1]) : "");
  const qrToken = root.dataset.qrToken || (qrMatch ? decodeURIComponent(qrMatch[1]) : "");

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  }
  window.addEventListener("hashchange", () => render());
  window.addEventListener("online", () => {
    updateSyncStatus();
    refreshFromServer();
  });
  window.addEventListener("offline", () => updateSyncStatus());
  setInterval(() => refreshFromServer(), 60000);

  const current = session.get();
  if (!current) {
    if (qrToken) pendingQr.set(qrToken);
    if (path !== "/play") history.replaceState(null, "", app.joinCode ? `/play#/join/${encodeURIComponent(app.joinCode)}` : "/play");
    render();
    return;
  }
  if (joinMatch) {
    // Already in a team: a join poster does not throw the team away.
    app.notice = t("join.already_in_team", { team: current.team.name });
    history.replaceState(null, "", "/play#/");
  }
  try {
    await loadRally({ quiet: true });
  } catch {
    app.bundle = null;
  }
  if (qrToken) {
    history.replaceState(null, "", "/play#/scan");
    if (app.bundle) {
      await openScanned(qrToken);
      refreshFromServer();
      return;
    }
  }
  render();
  refreshFromServer();
}

start();
