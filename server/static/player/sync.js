// Turning outbox items into client API requests, and the server's answers into local state.

import * as api from "./api.js";
import { ApiError } from "./api.js";
import { noteAnswerResult } from "./game.js";
import { playState, session } from "./store.js";

/** An item the server (or this phone, for an answer whose upload failed) refused. */
function rejection(item, code, message) {
  return { id: item.id, status: "rejected", error: { code, message }, correct: null, points: null,
    feedback: null, pending_review: false };
}

function tokenOrFail() {
  const current = session.get();
  if (!current || !current.token) throw new ApiError(401, { code: "unauthorized" });
  return current.token;
}

/** The answer as sent: a photo/audio/video answer names the media id its upload got. */
function wireAnswer(item, uploads) {
  const body = { ...item.body };
  if (body.value && typeof body.value === "object" && body.value.$upload) {
    const mediaId = uploads[body.value.$upload];
    if (!mediaId) return null;
    body.value = mediaId;
  }
  return body;
}

async function deliverAnswers(token, batch, events) {
  const uploads = playState.get().uploads;
  const ready = [];
  const orphaned = [];
  for (const item of batch) {
    const body = wireAnswer(item, uploads);
    if (body) ready.push({ item, body });
    else orphaned.push(item);
  }
  if (orphaned.length) {
    playState.update((state) => {
      for (const item of orphaned) {
        noteAnswerResult(state, item.body.task_id, rejection(item, "upload_failed", null));
      }
    });
    events.emit("answers", orphaned.map((item) => ({ item, result: null })));
  }
  if (!ready.length) return orphaned;
  let response;
  try {
    response = await api.answers(token, ready.map((r) => r.body));
  } catch (error) {
    if (error.transient || error.status === 401) throw error;
    if (ready.length > 1) return [...orphaned, ...(await deliverAnswers(token, [ready[0].item], events))];
    // A single item the server refuses as a whole (malformed): it was not stored; drop it.
    const result = rejection(ready[0].item, error.code, error.message);
    playState.update((state) => noteAnswerResult(state, ready[0].item.body.task_id, result));
    events.emit("answers", [{ item: ready[0].item, result }]);
    return [...orphaned, ready[0].item];
  }
  const outcomes = ready.map((r, index) => ({ item: r.item, result: response.results[index] }));
  playState.update((state) => {
    for (const { item, result } of outcomes) {
      if (result) noteAnswerResult(state, item.body.task_id, result);
    }
    if (response.progress) state.progress = response.progress;
  });
  events.emit("answers", outcomes);
  return [...orphaned, ...outcomes.filter((o) => o.result).map((o) => o.item)];
}

async function deliverOne(token, item, events) {
  let result = null;
  let error = null;
  try {
    if (item.kind === "scan") result = await api.scan(token, item.body);
    else if (item.kind === "checkin") result = await api.checkin(token, item.body);
    else if (item.kind === "finish") result = await api.finish(token, item.body);
    else if (item.kind === "upload") {
      result = await api.upload(token, { id: item.id, task_id: item.body.task_id, file: item.blob, filename: item.body.filename });
    } else throw new ApiError(400, { code: "unknown_kind" });
  } catch (caught) {
    if (caught.transient || caught.status === 401) throw caught;
    error = caught;
  }
  playState.update((state) => {
    if (item.kind === "scan") {
      state.scans[item.id] = result ? { status: result.status, station: result.station, unlocked: result.unlocked }
        : { status: "rejected", error: error.code };
      if (result && result.station) state.unlocked[result.station.id] = "qr";
    } else if (item.kind === "checkin") {
      const station = item.body.station_id;
      state.checkins[station] = result ? { ...result, synced: true } : { status: "rejected", error: error.code };
      if (result && result.inside) state.unlocked[station] = "location";
      else if (result && !result.unlocked && state.unlocked[station] === "location") delete state.unlocked[station];
    } else if (item.kind === "finish") {
      if (result) {
        state.finishedAt = result.finished_at;
        state.progress = result.progress;
      }
      state.finishQueued = false;
    } else if (item.kind === "upload") {
      if (result) state.uploads[item.id] = result.media_id;
      else state.uploadErrors = { ...(state.uploadErrors || {}), [item.id]: error.code };
    }
  });
  events.emit(item.kind, { item, result, error });
  return [item];
}

/** The outbox's deliver function: settles a batch, throws ApiError for transient failures. */
export function makeDeliver(events) {
  return async (batch) => {
    const token = tokenOrFail();
    if (batch[0].kind === "answer") return deliverAnswers(token, batch, events);
    return deliverOne(token, batch[0], events);
  };
}

/** Ask for the team's progress when the network is there; keeps the last one otherwise. */
export async function refreshProgress() {
  const token = tokenOrFail();
  const progress = await api.progress(token);
  playState.update((state) => {
    state.progress = progress;
    if (progress.finished_at) state.finishedAt = progress.finished_at;
  });
  return progress;
}

/** A tiny event hub the views listen to. */
export class Events {
  constructor() {
    this.handlers = new Map();
  }

  on(name, handler) {
    if (!this.handlers.has(name)) this.handlers.set(name, new Set());
    this.handlers.get(name).add(handler);
    return () => this.handlers.get(name).delete(handler);
  }

  emit(name, payload) {
    for (const handler of this.handlers.get(name) || []) handler(payload);
  }
}
