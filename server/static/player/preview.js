// The studio's phone preview: the real player (app.js) playing the rally's working copy.
// Runs before app.js. It gives the player a pretend team in keys of its own (store.js reads
// RALLY_STORAGE_PREFIX), serves the working copy as the team's bundle, keeps every other
// client API call on this phone (answers wait in the outbox as if offline) and opens the
// stations the studio asks for (`?state=open&stations=1,2`) or leaves the rules to lock them.
(function () {
  "use strict";
  var script = document.getElementById("player-preview");
  var config = JSON.parse(script.dataset.preview);
  var prefix = "rallye.preview." + config.user + "." + config.rally_id + ".";
  globalThis.RALLY_STORAGE_PREFIX = prefix;
  globalThis.RALLY_PREVIEW = config;

  var params = new URLSearchParams(location.search);
  var open = params.get("state") === "open";
  var stations = (params.get("stations") || "").split(",").filter(Boolean).map(Number);
  var state = {
    etag: null, tasks: {}, unlocked: {}, checkins: {}, scans: {}, uploads: {}, hints: {}, shownAt: {},
    finishedAt: null, finishQueued: false,
    progress: open ? { score: 0, stations: stations.map(function (id) { return { id: id, state: "unlocked" }; }) } : null,
  };
  localStorage.setItem(prefix + "session", JSON.stringify({
    token: "preview", team: { name: config.team }, run: null,
    rally: { id: config.rally_id, title: config.title, bundle_url: config.bundle_url },
  }));
  localStorage.setItem(prefix + "state", JSON.stringify(state));
  localStorage.removeItem(prefix + "pendingQr");

  var realFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    var url = typeof input === "string" ? input : input.url;
    var path = new URL(url, location.href).pathname;
    if (path === config.bundle_url) {
      return realFetch(config.bundle_url, { credentials: "same-origin", cache: "no-store" });
    }
    if (path.indexOf("/api/v1/") === 0) {
      // Nothing leaves the preview: the player treats this like a phone without a network.
      return Promise.reject(new TypeError("preview: offline"));
    }
    return realFetch(input, init);
  };
  // No service worker for the preview: it would cache the studio's pretend team.
  if (navigator.serviceWorker) {
    try {
      Object.defineProperty(navigator, "serviceWorker", { configurable: true, value: {
        register: function () { return Promise.resolve(null); },
        addEventListener: function () {}, controller: null, ready: new Promise(function () {}),
      } });
    } catch (error) { /* keep the real one */ }
  }
  document.documentElement.classList.add("player-preview");
})();
