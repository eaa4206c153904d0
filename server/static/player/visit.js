// The class visit on the phone: the teacher's messages (a banner on the next sync and a
// list), the run's end as it stands now, points and comments of graded answers at their
// task with a notice when new grades arrive, and the countdown of a planned run on the
// join screen. It reads only `progress.run`, `progress.messages` and `progress.tasks`
// (CLIENT_API.md, December additions) from the stored play state; app.js calls in here.

import { language, t } from "./i18n.js";
import { playState } from "./store.js";
import { formatPoints, h } from "./views.js";


function clock(iso) {
  return new Date(iso).toLocaleTimeString(language(), { hour: "2-digit", minute: "2-digit" });
}

function countdownText(ms) {
  const total = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds} h` : `${minutes}:${seconds} min`;
}

function seen(state) {
  return state.visitSeen || { message: 0, grades: {}, endsAt: null };
}

function markSeen(fn) {
  playState.update((s) => {
    s.visitSeen = seen(s);
    fn(s.visitSeen, s);
  });
}

/** Graded tasks whose grade the team has not looked at yet. */
function unseenGrades(state) {
  const marks = seen(state).grades;
  const tasks = (state.progress && state.progress.tasks) || [];
  return tasks.filter((t) => t.state === "graded" && marks[t.id] !== t.graded_at);
}

function banner() {
  let el = document.getElementById("visit-banner");
  if (!el) {
    el = h("div", { id: "visit-banner", class: "visit-banner", role: "status", "aria-live": "polite" });
    const player = document.getElementById("player");
    if (player) player.before(el);
  }
  return el;
}

/** Called after every render and sync: the banner with what is new since the team last looked. */
export function updateVisit({ onShowTask } = {}) {
  const state = playState.get();
  const progress = state.progress;
  const el = banner();
  if (!progress) {
    el.replaceChildren();
    return;
  }
  const marks = seen(state);
  const parts = [];
  const messages = progress.messages || [];
  const fresh = messages.filter((m) => m.id > (marks.message || 0));
  if (fresh.length) {
    const newest = fresh[fresh.length - 1];
    parts.push(h("div", { class: "visit-note message", "data-message-id": newest.id },
      h("strong", {}, t("visit.message")), h("span", { class: "time" }, ` · ${clock(newest.sent_at)}`),
      fresh.map((m) => h("p", { class: "message-text" }, m.text)),
      h("button", { type: "button", onclick: () => {
        markSeen((s) => { s.message = newest.id; });
        updateVisit({ onShowTask });
      } }, t("visit.read"))));
  }
  const run = progress.run;
  if (run && marks.endsAt && marks.endsAt !== run.ends_at) {
    parts.push(h("div", { class: "visit-note end" }, h("strong", {}, t("visit.new_end", { time: clock(run.ends_at) })),
      h("button", { type: "button", onclick: () => {
        markSeen((s) => { s.endsAt = run.ends_at; });
        updateVisit({ onShowTask });
      } }, t("visit.read"))));
  } else if (run && !marks.endsAt) {
    markSeen((s) => { s.endsAt = run.ends_at; });
  }
  const grades = unseenGrades(state);
  if (grades.length) {
    parts.push(h("div", { class: "visit-note grades" }, h("strong", {}, t("visit.new_grades", { count: grades.length })),
      h("button", { type: "button", onclick: () => {
        markSeen((s) => { grades.forEach((t) => { s.grades[t.id] = t.graded_at; }); });
        updateVisit({ onShowTask });
        if (onShowTask) onShowTask(grades[0]);
      } }, t("visit.show"))));
  }
  el.replaceChildren(...parts);
}

/** For the overview: the run's end as it stands now and the list of all messages. */
export function visitHome() {
  const progress = playState.get().progress;
  if (!progress) return [];
  const out = [];
  if (progress.run) out.push(h("p", { class: "run-end" }, t("visit.ends", { time: clock(progress.run.ends_at) })));
  const messages = progress.messages || [];
  if (messages.length) {
    out.push(h("details", { class: "card messages" }, h("summary", {}, t("visit.messages", { count: messages.length })),
      h("ol", { class: "message-list", reversed: true }, messages.slice().reverse().map((m) => h("li", {},
        h("time", { datetime: m.sent_at }, clock(m.sent_at)), " ", m.text)))));
  }
  return out;
}

/** At a task: the teacher's points and comment once the answer is graded. */
export function gradeAtTask(task, { showPoints = true } = {}) {
  const state = playState.get();
  const item = ((state.progress && state.progress.tasks) || []).find((t) => String(t.id) === String(task.id));
  if (!item || item.state !== "graded") return null;
  markSeen((s) => { s.grades[item.id] = item.graded_at; });
  return h("div", { class: "result ok graded", role: "status", "data-graded": item.id },
    h("p", {}, h("strong", {}, t("visit.graded")), showPoints && item.points !== null ? ` · ${t("visit.points", { points: formatPoints(item.points), max: formatPoints(task.points) })}` : ""),
    item.feedback ? h("p", { class: "teacher-comment" }, h("span", { class: "label" }, `${t("visit.comment")}: `), item.feedback) : null);
}

/** On the join screen of a planned run: when it opens, counting down; `onOpen` once it has. */
export function joinCountdown(problem, onOpen) {
  if (!problem || !problem.starts_at) return null;
  const startsAt = new Date(problem.starts_at).getTime();
  if (!(startsAt > Date.now())) return null;
  const left = h("strong", { class: "countdown" });
  const el = h("p", { class: "flash countdown-box", role: "status" }, t("visit.starts_at", { time: clock(problem.starts_at) }), " ", left);
  let shown = false;
  const tick = () => {
    const ms = startsAt - Date.now();
    if (el.isConnected) shown = true;
    else if (shown) { clearInterval(timer); return; } // the join screen is gone
    if (ms <= 0) {
      clearInterval(timer);
      el.replaceChildren(t("visit.starts_now"));
      if (onOpen) onOpen();
      return;
    }
    left.textContent = t("visit.starts_in", { left: countdownText(ms) });
  };
  const timer = setInterval(tick, 1000);
  tick();
  return el;
}

/** Whether the teacher has graded the team's answer to this task (the result line then shows the grade). */
export function isGraded(taskId) {
  const tasks = (playState.get().progress || {}).tasks || [];
  return tasks.some((t) => String(t.id) === String(taskId) && t.state === "graded");
}
