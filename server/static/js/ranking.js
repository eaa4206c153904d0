// The closing ranking: reveal the next place (from the last to the first) without a page load.
// Without script, the "next" link loads ?shown=N+1, which the server renders the same way.
(function () {
  "use strict";
  var main = document.getElementById("ranking");
  if (!main) { return; }
  var total = parseInt(main.dataset.total, 10) || 0;
  var shown = parseInt(main.dataset.shown, 10) || 0;
  var next = main.querySelector("[data-next]");
  var full = main.querySelector("[data-fullscreen]");

  function update() {
    main.querySelectorAll("[data-reveal]").forEach(function (li) {
      li.hidden = parseInt(li.dataset.reveal, 10) > shown;
    });
    main.dataset.shown = String(shown);
    if (next) { next.hidden = shown >= total; }
    history.replaceState(null, "", "?shown=" + shown);
  }

  function reveal(event) {
    if (event) { event.preventDefault(); }
    if (shown < total) { shown += 1; update(); }
  }

  if (next) { next.addEventListener("click", reveal); }
  document.addEventListener("keydown", function (event) {
    if (event.key === " " || event.key === "ArrowRight" || event.key === "PageDown") { reveal(event); }
  });
  if (full && document.documentElement.requestFullscreen) {
    full.hidden = false;
    full.addEventListener("click", function () { document.documentElement.requestFullscreen().catch(function () {}); });
  }
}());
