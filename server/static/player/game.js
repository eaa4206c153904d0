// The rules the phone applies on its own while offline: which stations are open or done,
// and, with the rally's offline feedback, whether an answer is right. The server's word
// (progress, answer results) always wins once it arrives.

const NO_CORRECTNESS = new Set(["info", "survey", "photo", "audio", "video"]);
const DONE_ERRORS = new Set(["already_solved", "already_submitted", "attempts_exhausted"]);

export function allTasks(bundle) {
  return bundle.stations.flatMap((station) => station.tasks.map((task) => ({ task, station })));
}

export function findStation(bundle, id) {
  return bundle.stations.find((station) => String(station.id) === String(id)) || null;
}

function normaliseText(text) {
  return String(text ?? "").trim().replace(/\s+/g, " ").toLocaleLowerCase("de-DE");
}

/** `true`/`false` when the bundle's solution decides it, `null` when only the server can. */
export function judgeLocally(task, value) {
  if (!("solution" in task) || NO_CORRECTNESS.has(task.type)) return null;
  const solution = task.solution;
  switch (task.type) {
    case "single_choice":
      return value === solution;
    case "multiple_choice": {
      const chosen = [...(value || [])].sort();
      const right = [...solution].sort();
      return chosen.length === right.length && chosen.every((id, i) => id === right[i]);
    }
    case "order":
      return Array.isArray(value) && value.length === solution.length && value.every((id, i) => id === solution[i]);
    case "match":
      return Object.keys(solution).every((left) => value && value[left] === solution[left]);
    case "number": {
      const allowed = solution.relative ? Math.abs(solution.value) * solution.tolerance : solution.tolerance;
      return Math.abs(Number(value) - solution.value) <= allowed + 1e-9;
    }
    case "cloze":
      // Exact matches per gap only (typos are the server's to forgive): all right is right, else wait.
      return Array.isArray(value) && value.length === solution.length
        && value.every((item, i) => solution[i].map(normaliseText).includes(normaliseText(item))) ? true : null;
    case "hotspot": {
      const image = task.image || {};
      const aspect = image.width && image.height ? image.height / image.width : null;
      const results = solution.map((region) => insideRegion(value, region, aspect));
      if (results.includes(true)) return true;
      return results.includes(null) ? null : false;
    }
    case "text":
      // Typo tolerance is the server's to judge: an exact match is right, anything else waits.
      return solution.map(normaliseText).includes(normaliseText(value)) ? true : null;
    default:
      return null;
  }
}

/** Whether a tap {x, y} lies in a hotspot region; null when it cannot tell (a circle on a picture of unknown size). */
function insideRegion(point, region, aspect) {
  if (!point) return false;
  if (region.circle) {
    if (!aspect) return null;
    const c = region.circle;
    return Math.hypot(point.x - c.x, (point.y - c.y) * aspect) <= c.r;
  }
  let inside = false;
  const corners = region.polygon;
  for (let i = 0, j = corners.length - 1; i < corners.length; j = i++) {
    const [x1, y1] = corners[i];
    const [x2, y2] = corners[j];
    if ((y1 > point.y) !== (y2 > point.y) && point.x < x1 + ((point.y - y1) * (x2 - x1)) / (y2 - y1)) inside = !inside;
  }
  return inside;
}

/** Where a task stands on this phone: `open`, `waiting` (queued), `wrong` (may retry) or `done`. */
export function taskStatus(task, state, settings) {
  const record = state.tasks[task.id];
  if (!record) return "open";
  if (record.done) return "done";
  if (record.pending > 0) return record.localCorrect === false ? "wrong" : "waiting";
  const limit = settings.attempts_per_task;
  if (limit && (record.attempts || 0) >= limit) return "done";
  if (record.last && record.last.status !== "rejected" && record.last.correct === false) return "wrong";
  return "open";
}

/**
 * Whether a queued answer may already count as done on this phone: only when the bundle's
 * solution said it is right, or the type has no right answer (info, survey, uploads for the
 * teacher). Otherwise it is "saved – being checked" until the server has judged.
 */
export function waitingCountsDone(task, record) {
  return record.localCorrect === true || NO_CORRECTNESS.has(task.type);
}

function taskCountsDone(task, state, settings) {
  const status = taskStatus(task, state, settings);
  return status === "done" || (status === "waiting" && waitingCountsDone(task, state.tasks[task.id]));
}

function taskChecking(task, state, settings) {
  return taskStatus(task, state, settings) === "waiting" && !waitingCountsDone(task, state.tasks[task.id]);
}

/**
 * Each station with `state` (`locked`/`unlocked`/`done`), `tasksDone`, `tasksTotal` and
 * `why` (what still locks it): the server's progress united with what happened offline.
 */
export function stationStates(bundle, state) {
  const settings = bundle.rally.settings;
  const server = new Map(((state.progress && state.progress.stations) || []).map((s) => [String(s.id), s]));
  const score = (state.progress && state.progress.score) || 0;
  const rows = bundle.stations.map((station) => {
    const known = server.get(String(station.id));
    // What this phone did offline, or what the server knows when it knows more (answers given
    // before this phone's data was wiped, or on another phone of the team): never "done" beside "0/2".
    const tasksDone = Math.max(station.tasks.filter((task) => taskCountsDone(task, state, settings)).length,
      (known && known.tasks_done) || 0);
    const tasksChecking = station.tasks.filter((task) => taskChecking(task, state, settings)).length;
    return { station, tasksDone, tasksChecking, tasksTotal: station.tasks.length, server: known };
  });
  const localDone = new Map(rows.map((row) => [String(row.station.id), row.tasksDone === row.tasksTotal]));
  const doneById = new Map();
  rows.forEach((row, index) => {
    const { station } = row;
    const why = [];
    const stepDone = station.unlock.mode === "open" || Boolean(state.unlocked[station.id]) ||
      (row.server && row.server.state !== "locked");
    if (!stepDone) why.push({ kind: station.unlock.mode });
    for (const condition of station.conditions || []) {
      if ("after_station" in condition) {
        const key = String(condition.after_station);
        const other = rows.find((r) => String(r.station.id) === key);
        const otherDone = doneById.has(key) ? doneById.get(key)
          : (other && other.server && other.server.state === "done") || localDone.get(key);
        if (!otherDone) why.push({ kind: "after", station: other ? other.station : null });
      } else if ("min_score" in condition && score < condition.min_score) {
        why.push({ kind: "score", min: condition.min_score });
      }
    }
    if (settings.station_order === "fixed" && index > 0) {
      const previous = rows[index - 1].station;
      if (!doneById.get(String(previous.id))) why.push({ kind: "previous", station: previous });
    }
    const serverOpen = row.server && row.server.state !== "locked";
    const locked = why.length > 0 && !serverOpen;
    const done = (row.server && row.server.state === "done") || (!locked && row.tasksDone === row.tasksTotal);
    doneById.set(String(station.id), done);
    const checking = !done && !locked && row.tasksChecking > 0 && row.tasksDone + row.tasksChecking === row.tasksTotal;
    row.state = done ? "done" : locked ? "locked" : checking ? "checking" : "unlocked";
    row.why = locked ? why : [];
  });
  return rows;
}

/** Record that an answer was queued (and judged locally when the bundle allows). */
export function noteQueuedAnswer(state, task, item, localCorrect) {
  const record = state.tasks[task.id] || { attempts: 0, pending: 0 };
  record.pending = (record.pending || 0) + 1;
  record.value = item.value;
  record.localCorrect = localCorrect;
  record.lastId = item.id;
  state.tasks[task.id] = record;
}

/** Take the server's result for one queued answer into the local state. */
export function noteAnswerResult(state, taskId, result) {
  const record = state.tasks[taskId] || { attempts: 0, pending: 0 };
  record.pending = Math.max(0, (record.pending || 0) - 1);
  const shown = record.localCorrect;
  const differs = result.status === "accepted" ? typeof result.correct === "boolean" && result.correct !== shown
    : result.status === "rejected" && shown === true;
  if (typeof shown === "boolean" && differs) {
    // With offline feedback the phone showed a verdict; the server judged otherwise: say so.
    state.changed = [...(state.changed || []).filter((c) => String(c.task_id) !== String(taskId)),
      { task_id: taskId, shown, correct: result.status === "accepted" ? result.correct : false }];
  }
  record.last = result;
  if (result.status === "accepted") record.attempts = (record.attempts || 0) + 1;
  if (result.status !== "rejected") {
    if (result.correct === true || result.correct === null) record.done = true;
    record.localCorrect = result.correct;
  } else if (result.error && DONE_ERRORS.has(result.error.code)) {
    record.done = true;
  } else {
    record.localCorrect = undefined;
  }
  state.tasks[taskId] = record;
}
