// The teacher's live page, pushed: a short long-poll with a version counter.
// GET <updates-url>?v=<version> answers at once when something changed since that version;
// otherwise the server waits briefly for a change (when one of its few waiting slots is
// free) or answers {changed:false, retry_ms} and this script asks again after retry_ms.
// Network errors fall back to asking every 10 s. Without script the page refreshes itself
// every 30 s (<noscript> meta refresh).
(function () {
  "use strict";

  function text(el, value) { el.textContent = value == null ? "" : String(value); }

  function cell(tag, value, label, className) {
    var el = document.createElement(tag);
    if (label) { el.setAttribute("data-label", label); }
    if (className) { el.className = className; }
    text(el, value);
    return el;
  }

  function renderTeams(section, teams) {
    var tbody = section.querySelector("[data-live-rows]");
    var d = section.dataset;
    var rows = document.createDocumentFragment();
    teams.forEach(function (team, index) {
      var tr = document.createElement("tr");
      if (team.finished) { tr.className = "finished"; }
      tr.appendChild(cell("td", index + 1, null, "rank"));
      var name = cell("th", team.name, null, "team-name");
      name.scope = "row";
      if (team.finished) {
        var badge = document.createElement("span");
        badge.className = "badge ok";
        text(badge, d.textFinished);
        name.appendChild(document.createTextNode(" "));
        name.appendChild(badge);
      }
      tr.appendChild(name);
      tr.appendChild(cell("td", team.score + " / " + team.max_score, d.labelScore));
      tr.appendChild(cell("td", team.stations, d.labelStations));
      tr.appendChild(cell("td", team.tasks, d.labelTasks));
      tr.appendChild(cell("td", team.pending_review ? team.pending_review : "–", d.labelPending));
      tr.appendChild(cell("td", team.last_activity, d.labelActivity));
      rows.appendChild(tr);
    });
    if (!teams.length) {
      var empty = document.createElement("tr");
      empty.className = "empty";
      var td = cell("td", d.textEmpty);
      td.colSpan = 7;
      empty.appendChild(td);
      rows.appendChild(empty);
    }
    tbody.replaceChildren(rows);
  }

  function renderStations(section, stations) {
    var tbody = section.querySelector("[data-live-stations]");
    if (!tbody) { return; }
    var rows = document.createDocumentFragment();
    stations.forEach(function (s) {
      var tr = document.createElement("tr");
      var th = cell("th", s.position + ". " + s.title);
      th.scope = "row";
      tr.appendChild(th);
      tr.appendChild(cell("td", s.unlocked));
      tr.appendChild(cell("td", s.done));
      rows.appendChild(tr);
    });
    tbody.replaceChildren(rows);
  }

  function apply(section, data) {
    document.querySelectorAll("[data-live]").forEach(function (el) {
      var key = el.getAttribute("data-live");
      if (key in data) { text(el, data[key]); }
    });
    renderTeams(section, data.teams || []);
    renderStations(section, data.stations || []);
    section.dataset.version = data.version;
  }

  function start(section) {
    var url = section.dataset.updatesUrl;
    var status = section.querySelector("[data-live-status]");
    var timer = null;

    function later(ms) { timer = window.setTimeout(ask, ms); }

    function ask() {
      timer = null;
      if (document.hidden) { return; }  // resumed by visibilitychange
      var query = url + "?v=" + encodeURIComponent(section.dataset.version || "");
      fetch(query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          if (status) { text(status, ""); status.classList.remove("stale"); }
          if (data.changed) { apply(section, data); }
          later(data.retry_ms || 4000);
        })
        .catch(function () {
          if (status) { text(status, "– " + section.dataset.textOffline); status.classList.add("stale"); }
          later(10000);
        });
    }

    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && timer === null) { ask(); }
    });
    later(1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.getElementById("live");
    if (section && section.dataset.updatesUrl && typeof window.fetch === "function") { start(section); }
  });
}());
