/* Editor and office pages: small enhancements on top of forms that work without JavaScript.
   - maps (Leaflet, when loaded) that set latitude/longitude fields on click;
   - show only the fields that matter (location fields, survey options or scale);
   - confirmation before destructive actions, and a pending state for slow actions. */
(function () {
  "use strict";

  var DEFAULT_CENTER = [51.1657, 10.4515]; // Germany, when nothing better is known

  function num(value) {
    var n = parseFloat(String(value || "").replace(",", "."));
    return isFinite(n) ? n : null;
  }

  function setupMap(el) {
    if (!window.L || el.dataset.ready) return;
    var latInput = document.getElementById(el.dataset.lat);
    var lonInput = document.getElementById(el.dataset.lon);
    var radiusInput = el.dataset.radius ? document.getElementById(el.dataset.radius) : null;
    if (!latInput || !lonInput) return;
    el.dataset.ready = "1";
    var lat = num(latInput.value), lon = num(lonInput.value);
    var centreLat = num(el.dataset.centerLat), centreLon = num(el.dataset.centerLon);
    var start = lat !== null && lon !== null ? [lat, lon]
      : (centreLat !== null && centreLon !== null ? [centreLat, centreLon] : DEFAULT_CENTER);
    var zoom = lat !== null ? 17 : (centreLat !== null ? 15 : 6);
    var map = L.map(el).setView(start, zoom);
    L.tileLayer("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19,
      attribution: "&copy; OpenStreetMap contributors"
    }).addTo(map);
    var marker = null, circle = null;

    function radius() {
      var r = radiusInput ? num(radiusInput.value) : null;
      return r !== null && r > 0 ? r : 50;
    }

    function show() {
      var la = num(latInput.value), lo = num(lonInput.value);
      if (la === null || lo === null || Math.abs(la) > 90 || Math.abs(lo) > 180) return;
      if (!marker) {
        marker = L.marker([la, lo]).addTo(map);
        circle = L.circle([la, lo], { radius: radius() }).addTo(map);
      } else {
        marker.setLatLng([la, lo]);
        circle.setLatLng([la, lo]);
        circle.setRadius(radius());
      }
    }

    map.on("click", function (event) {
      latInput.value = event.latlng.lat.toFixed(6);
      lonInput.value = event.latlng.lng.toFixed(6);
      if (radiusInput && !radiusInput.value) radiusInput.value = "50";
      show();
    });
    [latInput, lonInput, radiusInput].forEach(function (input) {
      if (input) input.addEventListener("input", show);
    });
    show();
    el._leafletMap = map;
    el._recentre = function () {
      map.invalidateSize();
      if (marker) map.setView(marker.getLatLng(), map.getZoom());
    };
    window.setTimeout(el._recentre, 0);
  }

  function refreshMaps(root) {
    (root || document).querySelectorAll("[data-map]").forEach(function (el) {
      if (el.offsetParent === null) return; // hidden: set up when shown
      setupMap(el);
      if (el._recentre) el._recentre();
    });
  }

  function setupUnlockToggle() {
    document.querySelectorAll("select[name='unlock_mode']").forEach(function (select) {
      var form = select.form;
      var fields = form && form.querySelector("[data-unlock-location]");
      if (!fields) return;
      function update() {
        var hasErrors = fields.querySelector(".has-error");
        fields.hidden = select.value !== "location" && !hasErrors;
        refreshMaps(form);
      }
      select.addEventListener("change", update);
      update();
    });
  }

  function setupSurveyToggle() {
    var radios = document.querySelectorAll("input[name='survey_mode']");
    if (!radios.length) return;
    function update() {
      var mode = document.querySelector("input[name='survey_mode']:checked");
      document.querySelectorAll("[data-survey]").forEach(function (fs) {
        fs.hidden = !mode || fs.dataset.survey !== mode.value;
      });
    }
    radios.forEach(function (r) { r.addEventListener("change", update); });
    update();
  }

  function setupConfirm() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
  }

  function setupPending() {
    document.querySelectorAll("form[data-pending]").forEach(function (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("button[type='submit']");
        form.setAttribute("aria-busy", "true");
        if (button) {
          button.disabled = true;
          button.textContent = form.dataset.pending;
        }
      });
    });
    document.querySelectorAll("a[data-pending]").forEach(function (link) {
      link.addEventListener("click", function () {
        var label = link.textContent;
        link.classList.add("pending");
        link.setAttribute("aria-busy", "true");
        link.textContent = link.dataset.pending;
        // Downloads keep the page open: give the label back after a while.
        window.setTimeout(function () {
          link.textContent = label;
          link.classList.remove("pending");
          link.removeAttribute("aria-busy");
        }, 4000);
      });
    });
  }

  function init() {
    setupUnlockToggle();
    setupSurveyToggle();
    setupConfirm();
    setupPending();
    refreshMaps();
    document.querySelectorAll("details").forEach(function (d) {
      d.addEventListener("toggle", function () { if (d.open) refreshMaps(d); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
