// Teacher pages, progressive enhancement only: every page works without this file.
// - #live[data-live-url]: refresh the live table every N seconds from its JSON endpoint.
// - a[data-pending], form[data-pending]: show "wird erstellt…" while a download is produced.
(function () {
  "use strict";

  var PENDING_TEXT = "wird erstellt… / preparing…";

  // --- Live progress ------------------------------------------------------------------
  function cell(text, className) {
    var td = document.createElement("td");
    if (className) { td.className = className; }
    td.textContent = text;
    return td;
  }

  function renderRows(tbody, teams) {
    var rows = document.createDocumentFragment();
    teams.forEach(function (team, index) {
      var tr = document.createElement("tr");
      if (team.finished) { tr.className = "finished"; }
      tr.appendChild(cell(String(index + 1)));
      var name = cell(team.name);
      if (team.finished) {
        var badge = document.createElement("span");
        badge.className = "badge ok";
        badge.textContent = "fertig / done";
        name.appendChild(document.createTextNode(" "));
        name.appendChild(badge);
      }
      tr.appendChild(name);
      tr.appendChild(cell(team.score + " / " + team.max_score));
      tr.appendChild(cell(team.stations));
      tr.appendChild(cell(team.tasks, "opt"));
      tr.appendChild(cell(team.pending_review ? String(team.pending_review) : "–"));
      tr.appendChild(cell(team.last_activity));
      rows.appendChild(tr);
    });
    if (!teams.length) {
      var empty = document.createElement("tr");
      empty.className = "empty";
      var td = cell("Noch kein Team beigetreten. / No team has joined yet.");
      td.colSpan = 7;
      empty.appendChild(td);
      rows.appendChild(empty);
    }
    tbody.replaceChildren ? tbody.replaceChildren(rows) : (tbody.innerHTML = "", tbody.appendChild(rows));
  }

  function startLive(section) {
    var url = section.getAttribute("data-live-url");
    var seconds = parseInt(section.getAttribute("data-interval"), 10) || 10;
    var tbody = section.querySelector("[data-live-rows]");
    var status = section.querySelector("[data-live-status]");
    var busy = false;

    function refresh() {
      if (busy || document.hidden) { return; }
      busy = true;
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          section.querySelectorAll("[data-live]").forEach(function (el) {
            var key = el.getAttribute("data-live");
            if (key in data) { el.textContent = String(data[key]); }
          });
          renderRows(tbody, data.teams || []);
          if (status) { status.textContent = ""; status.classList.remove("stale"); }
        })
        .catch(function () {
          if (status) {
            status.textContent = "– keine Verbindung, neuer Versuch in " + seconds + " s / offline, retrying";
            status.classList.add("stale");
          }
        })
        .then(function () { busy = false; });
    }

    window.setInterval(refresh, seconds * 1000);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { refresh(); } });
  }

  // --- Downloads with a pending state -------------------------------------------------
  function filenameFrom(response, fallback) {
    var header = response.headers.get("Content-Disposition") || "";
    var star = /filename\*=UTF-8''([^;]+)/i.exec(header);
    if (star) { try { return decodeURIComponent(star[1]); } catch (e) { /* fall through */ } }
    var plain = /filename="?([^";]+)"?/i.exec(header);
    return plain ? plain[1] : fallback;
  }

  function setBusy(el, label) {
    if (!el.hasAttribute("data-label")) { el.setAttribute("data-label", el.textContent); }
    el.textContent = label;
    el.setAttribute("aria-busy", "true");
  }

  function clearBusy(el, failed) {
    el.textContent = failed ? "Fehler – bitte erneut versuchen / Failed – try again" : el.getAttribute("data-label");
    el.removeAttribute("aria-busy");
    el.classList.toggle("failed", !!failed);
    if (failed) {
      window.setTimeout(function () { clearBusy(el, false); }, 5000);
    }
  }

  function fetchDownload(url, indicator) {
    if (indicator.getAttribute("aria-busy") === "true") { return; }
    setBusy(indicator, PENDING_TEXT);
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        // A redirect to a page (e.g. "no teams yet") means there is a message to read there.
        if (!response.ok || type.indexOf("text/html") === 0) {
          if (response.redirected || type.indexOf("text/html") === 0) { window.location.href = response.url; }
          throw new Error("HTTP " + response.status);
        }
        return response.blob().then(function (blob) {
          var link = document.createElement("a");
          link.href = URL.createObjectURL(blob);
          link.download = filenameFrom(response, "download");
          document.body.appendChild(link);
          link.click();
          window.setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
          clearBusy(indicator, false);
        });
      })
      .catch(function () { clearBusy(indicator, true); });
  }

  function enhanceDownloads() {
    var canFetch = typeof window.fetch === "function" && typeof URL.createObjectURL === "function";
    document.querySelectorAll("a[data-pending]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (event.ctrlKey || event.metaKey || event.shiftKey) { return; }
        if (link.getAttribute("data-pending") === "stream" || !canFetch) {
          // Large files stream straight to the browser's own download with its own progress.
          setBusy(link, PENDING_TEXT);
          window.setTimeout(function () { clearBusy(link, false); }, 8000);
          return;
        }
        event.preventDefault();
        fetchDownload(link.href, link);
      });
    });
    document.querySelectorAll("form[data-pending]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!canFetch) { return; }
        event.preventDefault();
        var params = new URLSearchParams(new FormData(form)).toString();
        fetchDownload(form.action + (form.action.indexOf("?") < 0 ? "?" : "&") + params,
                      form.querySelector("button[type=submit]"));
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var live = document.getElementById("live");
    if (live && live.hasAttribute("data-live-url") && typeof window.fetch === "function") { startLive(live); }
    enhanceDownloads();
  });
}());
