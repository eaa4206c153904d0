// Click in a site plan to place a station. `window.SitePlan.attach(frame, img, onPick)` calls
// onPick(x, y) with fractions 0…1 of the picture; the classic page (pages/editor/site_plan.html)
// writes them as percent into the chosen station's form and saves it, the studio saves them
// through the management API.
(function () {
  "use strict";

  function point(event, img) {
    const rect = img.getBoundingClientRect();
    const clamp = (v) => Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000;
    return { x: clamp((event.clientX - rect.left) / rect.width), y: clamp((event.clientY - rect.top) / rect.height) };
  }

  function attach(frame, img, onPick) {
    frame.style.cursor = "crosshair";
    frame.addEventListener("click", (event) => {
      const { x, y } = point(event, img);
      onPick(x, y, event);
    });
  }

  window.SitePlan = { attach, point };

  const editor = document.querySelector(".site-plan-editor");
  if (!editor) return;
  const frame = editor.querySelector(".plan-frame");
  attach(frame, frame.querySelector("img"), (x, y) => {
    const chosen = document.querySelector('input[name="chosen"]:checked');  // one group (form="plan-chooser")
    if (!chosen) return;
    const form = document.querySelector(`form.plan-place[data-station="${chosen.value}"]`);
    const comma = document.documentElement.lang === "de";
    const percent = (v) => {
      const text = String(Math.round(v * 1000) / 10);
      return comma ? text.replace(".", ",") : text;
    };
    form.querySelector('[name="x"]').value = percent(x);
    form.querySelector('[name="y"]').value = percent(y);
    form.submit();
  });
})();
