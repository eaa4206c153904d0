// The client API /api/v1, and nothing else: every call the player makes to the server.

import { acceptLanguage } from "./i18n.js";

export class ApiError extends Error {
  /** A problem+json answer (status >= 400), or a network failure (status 0). */
  constructor(status, problem = {}, retryAfter = null) {
    super(problem.detail || problem.title || (status ? `HTTP ${status}` : "network"));
    this.status = status;
    this.problem = problem;
    this.code = problem.code || (status ? `http_${status}` : "network");
    this.retryAfter = retryAfter;
  }

  /** Worth trying again later: the network, the server's own trouble, or a rate limit. */
  get transient() {
    return this.status === 0 || this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

async function parseProblem(response) {
  try {
    return await response.json();
  } catch {
    return {};
  }
}

/** fetch that turns network failures and error statuses into ApiError. */
export async function request(path, { method = "GET", token = null, json, body, headers = {} } = {}) {
  const allHeaders = { Accept: "application/json", "Accept-Language": acceptLanguage(), ...headers };
  if (token) allHeaders.Authorization = `Bearer ${token}`;
  let payload = body;
  if (json !== undefined) {
    allHeaders["Content-Type"] = "application/json";
    payload = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(path, { method, headers: allHeaders, body: payload, cache: "no-store", credentials: "omit" });
  } catch (error) {
    throw new ApiError(0, { detail: String(error) });
  }
  if (response.status >= 400) {
    const retry = Number(response.headers.get("Retry-After")) || null;
    throw new ApiError(response.status, await parseProblem(response), retry);
  }
  return response;
}

async function jsonOf(response) {
  return response.status === 204 ? null : response.json();
}

export async function join(code, teamName) {
  return jsonOf(await request("/api/v1/join", { method: "POST", json: { code, team_name: teamName } }));
}

/** The bundle; `null` when the server says 304 (our copy with `etag` is current). */
export async function bundle(url, token, etag) {
  const headers = etag ? { "If-None-Match": etag } : {};
  const response = await request(url, { token, headers });
  if (response.status === 304) return null;
  return { etag: response.headers.get("ETag"), body: await response.text() };
}

export async function progress(token) {
  return jsonOf(await request("/api/v1/team/progress", { token }));
}

export async function answers(token, items) {
  return jsonOf(await request("/api/v1/team/answers", { method: "POST", token, json: { answers: items } }));
}

export async function scan(token, body) {
  return jsonOf(await request("/api/v1/team/scans", { method: "POST", token, json: body }));
}

export async function checkin(token, body) {
  return jsonOf(await request("/api/v1/team/checkins", { method: "POST", token, json: body }));
}

export async function finish(token, body) {
  return jsonOf(await request("/api/v1/team/finish", { method: "POST", token, json: body }));
}

export async function upload(token, { id, task_id, file, filename }) {
  const form = new FormData();
  form.append("id", id);
  form.append("task_id", String(task_id));
  form.append("file", file, filename || "upload");
  return jsonOf(await request("/api/v1/team/uploads", { method: "POST", token, body: form }));
}
