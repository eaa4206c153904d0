// The outbox: every answer, scan, check-in, upload and finish a team makes, kept in
// IndexedDB until the server has answered for it. Items carry the client UUID the server
// uses to recognise replays, so sending one twice is harmless and losing one is not possible:
// an item is deleted only after the server said accepted, duplicate or rejected for it.

const DB_NAME = "rallye-player";
const STORE = "outbox";
const MAX_BATCH = 100;
const MIN_DELAY_MS = 2000;
const MAX_DELAY_MS = 60000;
const PERIODIC_MS = 15000;

function promisify(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

let dbPromise = null;

function openDb() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const open = indexedDB.open(DB_NAME, 1);
      open.onupgradeneeded = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains(STORE)) {
          db.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
        }
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
  }
  return dbPromise;
}

async function withStore(mode, fn) {
  const db = await openDb();
  const tx = db.transaction(STORE, mode);
  const result = await fn(tx.objectStore(STORE));
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
  return result;
}

/** Every queued item, oldest first. */
export function allItems() {
  return withStore("readonly", (store) => promisify(store.getAll()));
}

export function countItems() {
  return withStore("readonly", (store) => promisify(store.count()));
}

/** Queue an item `{kind, id, body, blob?}`; returns it with its sequence number. */
export async function enqueue(item) {
  const record = { ...item, created: new Date().toISOString() };
  record.seq = await withStore("readwrite", (store) => promisify(store.add(record)));
  return record;
}

function removeItems(seqs) {
  return withStore("readwrite", (store) => Promise.all(seqs.map((seq) => promisify(store.delete(seq)))));
}

/** Forget everything (leaving the team). */
export function clearOutbox() {
  return withStore("readwrite", (store) => promisify(store.clear()));
}

/**
 * Sends the queue in order. `deliver(items)` posts a batch and resolves to the list of
 * items the server answered for (those leave the queue); it throws an ApiError when the
 * request failed. Transient failures are retried with exponential backoff, on the
 * browser's `online` event and by a periodic timer.
 */
export class Sender {
  constructor({ deliver, onChange = () => {}, onBlocked = () => {} }) {
    this.deliver = deliver;
    this.onChange = onChange;
    this.onBlocked = onBlocked;
    this.failures = 0;
    this.timer = null;
    this.running = null;
    this.blocked = false;
    this.lastError = null;
    window.addEventListener("online", () => this.flush());
    setInterval(() => this.flush({ periodic: true }), PERIODIC_MS);
  }

  /** Send what is queued; concurrent calls share one run. */
  flush({ periodic = false } = {}) {
    if (this.running) return this.running;
    if (periodic && (this.timer || !navigator.onLine)) return Promise.resolve();
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const run = () => this.#run();
    const task = navigator.locks ? navigator.locks.request("rallye-outbox", run) : run();
    this.running = task.finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async #run() {
    if (this.blocked) return;
    for (;;) {
      const items = await allItems();
      if (!items.length) {
        this.failures = 0;
        this.lastError = null;
        break;
      }
      const batch = [items[0]];
      if (items[0].kind === "answer") {
        for (const item of items.slice(1)) {
          if (item.kind !== "answer" || batch.length >= MAX_BATCH) break;
          batch.push(item);
        }
      }
      let answered;
      try {
        answered = await this.deliver(batch);
      } catch (error) {
        this.lastError = error;
        if (error.status === 401) {
          this.blocked = true;
          this.onBlocked(error);
        } else {
          this.failures += 1;
          const backoff = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** (this.failures - 1));
          const delay = error.retryAfter ? Math.max(backoff, error.retryAfter * 1000) : backoff;
          this.timer = setTimeout(() => {
            this.timer = null;
            this.flush();
          }, delay * (0.8 + Math.random() * 0.4));
        }
        this.onChange();
        return;
      }
      this.failures = 0;
      this.lastError = null;
      if (!answered.length) break; // nothing could be settled: wait for the next trigger
      await removeItems(answered.map((item) => item.seq));
      this.onChange();
    }
    this.onChange();
  }
}
