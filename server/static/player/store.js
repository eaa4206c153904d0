// What the phone remembers: the team's session (token) and its play state in localStorage,
// the bundle and every media file in Cache Storage so the rally plays without a network.

// The studio's phone preview (preview.js) keeps its own keys, so an author's own team stays.
const PREFIX = globalThis.RALLY_STORAGE_PREFIX || "rallye.";
const SESSION_KEY = `${PREFIX}session`;
const STATE_KEY = `${PREFIX}state`;
const PENDING_QR_KEY = `${PREFIX}pendingQr`;
export const BUNDLE_CACHE = "rallye-bundle";
export const MEDIA_CACHE = "rallye-media";

function read(key, fallback) {
  try {
    const raw = localStorage.getItem(key);
    return raw ? JSON.parse(raw) : fallback;
  } catch {
    return fallback;
  }
}

function write(key, value) {
  if (value === null || value === undefined) localStorage.removeItem(key);
  else localStorage.setItem(key, JSON.stringify(value));
}

export function emptyState() {
  return {
    etag: null, progress: null, tasks: {}, unlocked: {}, checkins: {}, scans: {},
    uploads: {}, hints: {}, shownAt: {}, finishedAt: null, finishQueued: false, changed: [],
  };
}

export const session = {
  get: () => read(SESSION_KEY, null),
  set: (value) => write(SESSION_KEY, value),
};

export const playState = {
  get: () => ({ ...emptyState(), ...read(STATE_KEY, {}) }),
  set: (value) => write(STATE_KEY, value),
  /** Change the stored state with `fn(state)` and save it. */
  update(fn) {
    const state = this.get();
    fn(state);
    this.set(state);
    return state;
  },
};

export const pendingQr = {
  get: () => read(PENDING_QR_KEY, null),
  set: (token) => write(PENDING_QR_KEY, token),
};

export async function saveBundle(url, text, etag) {
  const cache = await caches.open(BUNDLE_CACHE);
  await cache.put(url, new Response(text, { headers: { "Content-Type": "application/json", ETag: etag || "" } }));
}

export async function loadBundle(url) {
  if (!url || !("caches" in window)) return null;
  const cache = await caches.open(BUNDLE_CACHE);
  const response = await cache.match(url);
  return response ? response.json() : null;
}

/** Every media URL in a bundle: cover, station media, task media, option media. */
export function mediaUrls(bundle) {
  const urls = new Set();
  const add = (list) => (list || []).forEach((m) => m && m.url && urls.add(m.url));
  if (bundle.rally.cover) add([bundle.rally.cover]);
  for (const station of bundle.stations) {
    add(station.media);
    for (const task of station.tasks) {
      add(task.media);
      for (const option of task.options || []) add(option.media);
    }
  }
  return [...urls];
}

/** Put every media file not yet cached into Cache Storage; reports `(done, total)`. */
export async function cacheMedia(urls, onProgress = () => {}) {
  const cache = await caches.open(MEDIA_CACHE);
  let done = 0;
  let failed = 0;
  onProgress(done, urls.length);
  const queue = [...urls];
  const worker = async () => {
    while (queue.length) {
      const url = queue.shift();
      try {
        if (!(await cache.match(url))) {
          const response = await fetch(url, { credentials: "omit" });
          if (!response.ok) throw new Error(String(response.status));
          await cache.put(url, response);
        }
      } catch {
        failed += 1;
      }
      done += 1;
      onProgress(done, urls.length);
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return { total: urls.length, failed };
}

/** Forget the team on this phone: session, state, bundle and media caches. */
export async function clearAll() {
  write(SESSION_KEY, null);
  write(STATE_KEY, null);
  write(PENDING_QR_KEY, null);
  if ("caches" in window) {
    await caches.delete(BUNDLE_CACHE);
    await caches.delete(MEDIA_CACHE);
  }
}
