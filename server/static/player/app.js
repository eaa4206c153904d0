// The web player: join, download the rally, play it on- or offline, and sync through the
// outbox. It speaks only the client API /api/v1 (see api.js).

import * as api from "./api.js";
import { allTasks, findStation, judgeLocally, noteQueuedAnswer, stationStates, taskStatus } from "./game.js";
import { distanceM, formatDistance, isInside, currentPosition, watchPosition } from "./geo.js";
import { Sender, enqueue, countItems, clearOutbox } from "./outbox.js";
import { cameraAvailable, startScanner } from "./scanner.js";
import {
  cacheMedia, clearAll, emptyState, loadBundle, mediaUrls, pendingQr, playState, saveBundle, session,
} from "./store.js";
import { Events, makeDeliver, refreshProgress } from "./sync.js";
import { taskInput } from "./tasks.js";
import { gradeAtTask, isGraded, joinCountdown, updateVisit, visitHome } from "./visit.js";
import {
  announce, errorText, field, formatPoints, h, mediaBlock, richText, STATE_LABELS, UNLOCK_LABELS,
} from "./views.js";

const root = document.getElementById("player");
const events = new Events();
const app = {
  bundle: null,
  cleanups: [],
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
  app.cleanups.splice(0).forEach((fn) => fn());
}

async function updateSyncStatus() {
  app.pending = await countItems().catch(() => 0);
  const el = document.getElementById("sync-status");
  if (el) el.replaceChildren(...syncStatusChildren());
}

function syncStatusChildren() {
  const online = navigator.onLine;
  const parts = [h("span", { class: `dot ${online ? "on" : "off"}`, "aria-hidden": "true" }),
    online ? "Online" : "Offline"];
  if (app.pending) {
    parts.push(` · ${app.pending} ${app.pending === 1 ? "Eintrag wartet" : "Einträge warten"} auf Übertragung / waiting to sync`);
  } else {
    parts.push(" · Alles übertragen / all synced");
  }
  if (app.mediaStatus) parts.push(` · ${app.mediaStatus}`);
  return parts;
}

function syncStatus() {
  return h("p", { id: "sync-status", class: "sync-status", role: "status" }, syncStatusChildren());
}

function heading(text, level = "h1") {
  return h(level, { tabindex: "-1", class: "view-title" }, text);
}

function backLink(label = "← Alle Stationen / All stations") {
  return h("p", { class: "back" }, h("a", { href: "#/" }, label));
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
  if (bundle) cacheAllMedia(bundle);
  if (!quiet) render();
}

async function cacheAllMedia(bundle) {
  if (!("caches" in window) || !navigator.onLine) return;
  const urls = mediaUrls(bundle);
  if (!urls.length) return;
  const result = await cacheMedia(urls, (done, total) => {
    app.mediaStatus = done < total ? `Medien ${done}/${total} / media` : "";
    updateSyncStatus();
  });
  app.mediaStatus = result.failed ? `${result.failed} Medien fehlen offline / media missing offline` : "";
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

function joinView(prefill) {
  const pending = pendingQr.get();
  const code = h("input", { name: "code", autocomplete: "off", autocapitalize: "characters", spellcheck: "false",
    required: true, maxlength: "12", value: prefill || "", inputmode: "text" });
  const name = h("input", { name: "team_name", autocomplete: "off", required: true, maxlength: "40" });
  const error = h("p", { class: "error", role: "alert" });
  const submit = h("button", { class: "primary big", type: "submit" }, "Beitreten / Join");
  const form = h("form", { class: "card narrow", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!code.value.trim() || !name.value.trim()) {
      error.textContent = "Bitte Code und Teamnamen eingeben. / Please enter code and team name.";
      (code.value.trim() ? name : code).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = "Einen Moment … / One moment …";
    try {
      const joined = await api.join(code.value.trim(), name.value.trim());
      session.set({ token: joined.token, team: joined.team, run: joined.run, rally: joined.rally });
      playState.set(emptyState());
      sender.blocked = false;
      app.blocked = null;
      submit.textContent = "Rallye wird geladen … / Downloading …";
      await loadRally({ quiet: true });
      history.replaceState(null, "", "/play#/");
      const token = pendingQr.get();
      if (token) {
        pendingQr.set(null);
        await openScanned(token);
        return;
      }
      announce(`Willkommen, ${joined.team.name}!`);
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
      submit.textContent = "Beitreten / Join";
      (failure.code === "team_name_taken" || failure.code === "team_name_refused" ? name : code).focus();
    }
  } },
  field("Code", code, "Steht an der Tafel oder auf dem Plakat. / From the board or poster."),
  field("Teamname / Team name", name, "1 bis 40 Zeichen, keine echten Namen. / No real names please."),
  error, submit);
  return [
    heading("Mitmachen / Join"),
    pending ? h("p", { class: "flash" }, "Ihr habt einen Stations-Code gescannt. Tretet zuerst einem Team bei – danach wird der Code gezählt. / Join a team first; the scanned code is kept.") : null,
    h("p", {}, "Gebt den Code eurer Rallye und einen Namen für euer Team ein."),
    form,
  ];
}

function scoreLine(state) {
  const s = settings();
  const progress = state.progress;
  const parts = [];
  if (s.show_points && progress) parts.push(h("span", { class: "score" }, `Punkte / Points: ${formatPoints(progress.score)} von ${formatPoints(progress.max_score)}`));
  if (progress && progress.time_left_s !== null && progress.time_left_s !== undefined) {
    parts.push(h("span", { class: "time" }, ` · Zeit / Time left: ${Math.max(0, Math.round(progress.time_left_s / 60))} min`));
  }
  return parts.length ? h("p", { class: "score-line" }, parts) : null;
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
    } }, "Abbrechen / Cancel");
    wrap.replaceChildren(h("p", { role: "alert" }, question), h("div", { class: "button-row" }, yes, no));
    yes.focus();
  } }, label);
  wrap.append(first);
  return wrap;
}

function homeView() {
  const state = playState.get();
  const current = session.get();
  const rows = stationStates(app.bundle, state);
  const finished = state.finishedAt || state.finishQueued;
  const list = h("ol", { class: "stations" }, rows.map((row) => {
    const { station } = row;
    const unlockLabel = UNLOCK_LABELS[station.unlock.mode];
    return h("li", { class: `station state-${row.state}` },
      h("a", { href: `#/station/${station.id}`, class: "station-link" },
        h("span", { class: "station-title" }, station.title),
        h("span", { class: "station-meta" },
          h("span", { class: `badge state ${row.state}` }, STATE_LABELS[row.state]),
          unlockLabel ? h("span", { class: "badge" }, unlockLabel) : null,
          station.tasks.length ? h("span", { class: "muted" }, `${row.tasksDone}/${row.tasksTotal} Aufgaben`) : null)));
  }));
  return [
    h("section", { class: "card rally-head" },
      heading(app.bundle.rally.title),
      h("p", { class: "team" }, `Team: ${current.team.name}`, current.run ? ` · Klasse ${current.run.class_label}` : ""),
      scoreLine(state),
      visitHome(),
      syncStatus()),
    app.notice ? h("p", { class: "flash" }, app.notice) : null,
    finished ? h("p", { class: "flash success", role: "status" },
      state.finishedAt ? "Ihr habt die Rallye beendet. Danke fürs Mitspielen! / You have finished." : "Beendet – wird übertragen, sobald Netz da ist. / Finished, will sync.") : null,
    !finished ? h("p", {}, h("a", { class: "button primary big", href: "#/scan" }, "QR-Code scannen / Scan")) : null,
    h("h2", {}, "Stationen / Stations"),
    list,
    richText(app.bundle.rally.description_html, "rich muted"),
    h("section", { class: "card actions" },
      !finished ? confirmButton("Rallye beenden / Finish", "Ja, beenden / Yes, finish",
        "Wirklich beenden? Danach zählen keine Antworten mehr. / Really finish?", async () => {
          await finishRally();
          render();
        }) : null,
      confirmButton("Team verlassen / Leave team", "Ja, verlassen / Yes, leave",
        app.pending ? `Achtung: ${app.pending} Einträge sind noch nicht übertragen und gehen verloren. / Unsynced items will be lost.`
          : "Dieses Handy vergisst das Team. / This phone forgets the team.", leaveTeam, "danger-outline")),
  ];
}

function lockedPanel(station, row) {
  const panel = h("section", { class: "card locked-panel" }, h("h2", {}, "Gesperrt / Locked"));
  for (const reason of row.why) {
    if (reason.kind === "qr") {
      panel.append(h("p", {}, "Sucht den QR-Code dieser Station und scannt ihn. / Find and scan this station's QR code."),
        h("p", {}, h("a", { class: "button primary", href: "#/scan" }, "QR-Code scannen / Scan")), manualCodeForm());
    } else if (reason.kind === "location") {
      panel.append(locationUnlock(station));
    } else if (reason.kind === "after" || reason.kind === "previous") {
      panel.append(h("p", {}, `Erst die Station „${reason.station ? reason.station.title : "?"}“ abschließen. / Finish that station first.`));
    } else if (reason.kind === "score") {
      panel.append(h("p", {}, `Öffnet sich ab ${formatPoints(reason.min)} Punkten. / Opens at ${formatPoints(reason.min)} points.`));
    }
  }
  return panel;
}

function locationUnlock(station) {
  const unlock = station.unlock;
  const state = playState.get();
  const last = state.checkins[station.id];
  const distance = h("p", { class: "distance", "aria-live": "polite" },
    last && last.distance_m !== undefined ? `Entfernung / Distance: ${formatDistance(last.distance_m)} (Radius ${unlock.radius_m} m)`
      : "Entfernung wird gemessen … / Measuring distance …");
  const stop = watchPosition((fix) => {
    const d = distanceM(fix.lat, fix.lon, unlock.lat, unlock.lon);
    distance.textContent = `Entfernung / Distance: ${formatDistance(d)} (Radius ${unlock.radius_m} m, ±${Math.round(fix.accuracy_m)} m)`;
  });
  app.cleanups.push(stop);
  const message = h("p", { role: "status" });
  const button = h("button", { type: "button", class: "primary big", onclick: async () => {
    button.disabled = true;
    message.textContent = "Standort wird bestimmt … / Locating …";
    try {
      const fix = await currentPosition();
      const result = await checkIn(station, fix);
      if (result.inside) {
        announce("Station geöffnet! / Station unlocked!");
        render();
        return;
      }
      message.textContent = `Noch nicht da: ${formatDistance(result.distance_m)} entfernt. / Not there yet.`;
    } catch (error) {
      message.textContent = error.message;
    }
    button.disabled = false;
  } }, "Ich bin da! / I'm here");
  return h("div", {}, h("p", {}, "Geht zu diesem Ort. Wenn ihr da seid, tippt auf „Ich bin da“. / Walk to the place, then tap “I'm here”."),
    distance, button, message);
}

function manualCodeForm() {
  const input = h("input", { name: "station_code", autocomplete: "off", autocapitalize: "off", spellcheck: "false" });
  const message = h("p", { role: "status", class: "scan-message" });
  const form = h("form", { class: "manual-code", onsubmit: async (event) => {
    event.preventDefault();
    message.textContent = "Wird geprüft … / Checking …";
    const outcome = await scanCode(input.value);
    showScanOutcome(outcome, message);
  } }, field("Code eintippen (steht unter dem QR-Code) / Type the code", input),
  h("button", { type: "submit" }, "Code senden / Send code"), message);
  return form;
}

function showScanOutcome(outcome, message) {
  if (outcome.join) return;
  if (outcome.error) {
    message.textContent = outcome.error === "empty" ? "Bitte einen Code eingeben. / Please enter a code." : errorText(outcome.error);
    return;
  }
  if (outcome.queued) {
    message.textContent = "Gespeichert – wird übertragen, sobald Netz da ist. Die Station öffnet sich dann. / Saved, will sync when online.";
    return;
  }
  announce(`Station „${outcome.station.title}“ ${outcome.unlocked ? "geöffnet" : "gescannt"}.`);
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
      lines.push("Richtig! / Correct!");
      cls += " ok";
    } else if (record.localCorrect === false) {
      lines.push("Leider falsch. Versucht es noch einmal. / Not right, try again.");
      cls += " bad";
    }
    if (s.show_solutions && task.feedback && record.localCorrect !== undefined && record.localCorrect !== null) {
      lines.push(record.localCorrect ? task.feedback.correct : task.feedback.wrong);
    }
    lines.push(navigator.onLine ? "Wird gesendet … / Sending …" : "Gespeichert – wird gesendet, sobald Netz da ist. / Saved, sends when online.");
  } else if (last) {
    if (last.status === "rejected") {
      lines.push(`Nicht gezählt: ${errorText(last.error && last.error.code, last.error && last.error.message)}`);
      cls += record.done ? "" : " bad";
    } else if (last.pending_review && !isGraded(task.id)) {
      lines.push("Abgegeben – die Lehrkraft bewertet das. / Submitted for review.");
    } else if (last.correct === true) {
      lines.push("Richtig! / Correct!");
      cls += " ok";
    } else if (last.correct === false) {
      lines.push(record.done ? "Leider falsch. / Not right." : "Leider falsch. Versucht es noch einmal. / Not right, try again.");
      cls += " bad";
    } else {
      lines.push("Danke, gespeichert. / Thanks, saved.");
      cls += " ok";
    }
    if (s.show_points && last.points !== null && last.points !== undefined) lines.push(`Punkte / Points: ${formatPoints(last.points)}`);
    if (last.feedback) lines.push(last.feedback);
  }
  if (!lines.length) return null;
  return h("div", { class: cls, role: "status" }, lines.map((line) => h("p", {}, line)));
}

function hintBlock(task) {
  if (!task.hint) return null;
  const state = playState.get();
  const text = h("p", { class: "hint-text" }, task.hint.text);
  if (state.hints[task.id]) return h("div", { class: "hint" }, h("strong", {}, "Tipp / Hint: "), text);
  const cost = settings().show_points && task.hint.cost ? ` (kostet ${formatPoints(task.hint.cost)} Punkte / costs points)` : "";
  const button = h("button", { type: "button", class: "link-button", onclick: () => {
    playState.update((s) => {
      s.hints[task.id] = true;
    });
    const block = hintBlock(task);
    button.closest(".hint").replaceWith(block);
    block.querySelector(".hint-text").setAttribute("tabindex", "-1");
    block.querySelector(".hint-text").focus();
  } }, `Tipp anzeigen / Show hint${cost}`);
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
  const submit = h("button", { type: "submit", class: "primary", hidden: locked }, input.submitLabel || "Antwort senden / Submit");
  const fieldset = h("fieldset", { class: "task-fields", disabled: locked }, input.body, submit);
  const timer = timeLimit(task, fieldset);
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
  } }, fieldset, error);
  const points = settings().show_points && task.points ? h("span", { class: "badge" }, `${formatPoints(task.points)} Punkte`) : null;
  return h("article", { class: `card task status-${status}`, id: `task-${task.id}`, "data-type": task.type },
    h("h3", {}, `Aufgabe ${index + 1} `, points, status === "done" ? h("span", { class: "badge ok" }, "✓ erledigt") : null),
    richText(task.prompt_html),
    mediaBlock(task.media),
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
    out.textContent = left > 0 ? `Noch ${left} s Zeit / ${left} s left` : "Zeit abgelaufen / Time is up";
    if (!left) {
      fieldset.disabled = true;
      clearInterval(timer);
    }
  };
  const timer = setInterval(tick, 1000);
  app.cleanups.push(() => clearInterval(timer));
  tick();
  return out;
}

function stationView(id) {
  const station = findStation(app.bundle, id);
  if (!station) return [backLink(), heading("Station nicht gefunden / Not found")];
  const state = playState.get();
  const row = stationStates(app.bundle, state).find((r) => r.station.id === station.id);
  const parts = [backLink(), heading(station.title), stationSummary(row)];
  if (row.state === "locked") {
    parts.push(lockedPanel(station, row));
    return parts;
  }
  if (station.unlock.mode === "location" && state.checkins[station.id]) {
    const c = state.checkins[station.id];
    if (c.distance_m !== undefined) parts.push(h("p", { class: "muted" }, `Eingecheckt, ${formatDistance(c.distance_m)} vom Ziel. / Checked in.`));
  }
  parts.push(h("section", { class: "card station-body" }, richText(station.body_html), mediaBlock(station.media)));
  station.tasks.forEach((task, index) => parts.push(taskCard(task, index, station)));
  const next = nextStation(station);
  parts.push(h("p", { class: "button-row" }, h("a", { class: "button", href: "#/" }, "Zur Übersicht / Overview"),
    next ? h("a", { class: "button", href: `#/station/${next.id}` }, `Weiter: ${next.title}`) : null));
  return parts;
}

function stationSummary(row) {
  return h("p", { id: "station-summary" }, h("span", { class: `badge state ${row.state}` }, STATE_LABELS[row.state]),
    row.tasksTotal ? h("span", { class: "muted" }, ` ${row.tasksDone}/${row.tasksTotal} Aufgaben / tasks`) : null);
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

function scanView() {
  const video = h("video", { class: "scanner-video", muted: true, playsinline: true, "aria-label": "Kamerabild / Camera" });
  const message = h("p", { role: "status", class: "scan-message" });
  const parts = [backLink(), heading("QR-Code scannen / Scan")];
  if (cameraAvailable()) {
    const start = h("button", { type: "button", class: "primary", onclick: () => startCamera() }, "Kamera starten / Start camera");
    const startCamera = async () => {
      start.hidden = true;
      message.textContent = "Kamera auf den QR-Code richten. / Point the camera at the code.";
      try {
        const stop = await startScanner(video, async (text) => {
          message.textContent = "Code erkannt – wird geprüft … / Code found …";
          showScanOutcome(await scanCode(text), message);
        }, { jsqrUrl: root.dataset.jsqrUrl });
        app.cleanups.push(stop);
      } catch {
        start.hidden = false;
        message.textContent = "Die Kamera ist nicht verfügbar. Tippt den Code unten ein. / Camera unavailable, type the code below.";
      }
    };
    parts.push(h("div", { class: "scanner" }, video), start, message);
  } else {
    parts.push(h("p", {}, "Dieses Gerät hat keine nutzbare Kamera. Tippt den Code ein. / No camera; type the code."));
  }
  parts.push(h("section", { class: "card" }, h("h2", {}, "Ohne Kamera / Without camera"), manualCodeForm()));
  return parts;
}

function blockedView() {
  return [heading("Zugang abgelaufen / Access expired"),
    h("p", { class: "flash error" }, errorText(app.blocked.code)),
    app.pending ? h("p", {}, `${app.pending} Einträge konnten nicht mehr übertragen werden.`) : null,
    h("button", { type: "button", class: "primary", onclick: leaveTeam }, "Neu beitreten / Join again")];
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
    parts = [heading("Rallye"), h("p", {}, navigator.onLine ? "Rallye wird geladen … / Loading …"
      : "Offline und noch nicht heruntergeladen. Bitte mit dem Netz verbinden. / Offline, not downloaded yet."),
    h("button", { type: "button", onclick: () => loadRally().catch(() => {}) }, "Noch einmal / Retry")];
  } else {
    const stationMatch = hash.match(/^#\/station\/(\d+)/);
    if (stationMatch) parts = stationView(stationMatch[1]);
    else if (hash.startsWith("#/scan")) parts = scanView();
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
    app.notice = `Ihr spielt schon als Team „${current.team.name}“. Um mit einem anderen Code neu zu beginnen, `
      + "verlasst zuerst das Team (unten). / You are already in a team; leave it first to join another.";
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
