// Click in the site plan to place the chosen station: fills its percent fields and saves the form.
(function () {
  "use strict";
  const editor = document.querySelector(".site-plan-editor");
  if (!editor) return;
  const frame = editor.querySelector(".plan-frame");
  const img = frame.querySelector("img");
  frame.style.cursor = "crosshair";
  frame.addEventListener("click", (event) => {
    const chosen = document.querySelector('input[name="chosen"]:checked');  // one group (form="plan-chooser")
    if (!chosen) return;
    const form = document.querySelector(`form.plan-place[data-station="${chosen.value}"]`);
    const rect = img.getBoundingClientRect();
    const comma = document.documentElement.lang === "de";
    const round = (v) => {
      const text = String(Math.round(Math.min(1, Math.max(0, v)) * 1000) / 10);
      return comma ? text.replace(".", ",") : text;
    };
    form.querySelector('[name="x"]').value = String(round((event.clientX - rect.left) / rect.width));
    form.querySelector('[name="y"]').value = String(round((event.clientY - rect.top) / rect.height));
    form.submit();
  });
})();
