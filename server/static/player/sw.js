// Service worker of the web player: keeps the app shell and the rally's media on the phone
// so that the player starts and plays without a network. The client API itself is never
// cached here; the app keeps its own copy of the bundle and queues writes in IndexedDB.

const VERSION = "v2";
const SHELL_CACHE = `rallye-shell-${VERSION}`;
const MEDIA_CACHE = "rallye-media"; // shared with the page (store.js)
const SHELL = [
  "/play",
  "/play/manifest.webmanifest",
  "/static/css/site.css",
  "/static/player/player.css",
  "/static/player/app.js",
  "/static/player/api.js",
  "/static/player/game.js",
  "/static/player/geo.js",
  "/static/player/i18n.js",
  "/static/player/i18n/de.json",
  "/static/player/i18n/en.json",
  "/static/player/i18n/tr.json",
  "/static/player/i18n/uk.json",
  "/static/player/i18n/ar.json",
  "/static/player/map.js",
  "/static/player/outbox.js",
  "/static/player/scanner.js",
  "/static/player/store.js",
  "/static/player/sync.js",
  "/static/player/tasks.js",
  "/static/player/tasks-cloze.js",
  "/static/player/tasks-hotspot.js",
  "/static/player/siteplan.js",
  "/static/player/views.js",
  "/static/player/visit.js",
  "/static/player/wayfinder.js",
  "/static/player/icon-192.png",
  "/static/vendor/jsqr/jsQR.js",
  "/static/vendor/sortable/Sortable.min.js",
  "/static/vendor/leaflet/leaflet.js",
  "/static/vendor/leaflet/leaflet.css",
];
const NAVIGATION_TIMEOUT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    // One missing file (jsQR is optional) must not stop the rest from being cached.
    await Promise.all(SHELL.map((url) => cache.add(new Request(url, { cache: "reload" })).catch(() => {})));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith("rallye-shell-") && n !== SHELL_CACHE).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

function isPlayerPage(url) {
  return url.pathname === "/play" || url.pathname.startsWith("/join/") || url.pathname.startsWith("/q/");
}

/** Network first with a timeout, then the cached shell: /join/<code> and /q/<token> share it. */
async function playerPage(request) {
  const cache = await caches.open(SHELL_CACHE);
  try {
    const response = await Promise.race([
      fetch(request),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), NAVIGATION_TIMEOUT_MS)),
    ]);
    if (response.ok && new URL(request.url).pathname === "/play") cache.put("/play", response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match("/play");
    if (cached) return cached;
    throw error;
  }
}

/** Cached copy at once, refreshed in the background for next time. */
async function staleWhileRevalidate(request) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  const network = fetch(request).then((response) => {
    if (response.ok) cache.put(request, response.clone());
    return response;
  });
  if (cached) {
    network.catch(() => {});
    return cached;
  }
  return network;
}

/** Media names are content hashes: a cached file never changes. */
async function mediaFile(request) {
  const cache = await caches.open(MEDIA_CACHE);
  const cached = await cache.match(request.url);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.status === 200) cache.put(request.url, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && isPlayerPage(url)) {
    event.respondWith(playerPage(request));
  } else if (url.pathname.startsWith("/media/")) {
    event.respondWith(mediaFile(request));
  } else if (url.pathname.startsWith("/static/player/") || url.pathname.startsWith("/static/vendor/jsqr/") ||
             url.pathname.startsWith("/static/vendor/sortable/") || url.pathname.startsWith("/static/vendor/leaflet/") ||
             url.pathname === "/static/css/site.css" || url.pathname === "/play/manifest.webmanifest") {
    event.respondWith(staleWhileRevalidate(request));
  }
});
