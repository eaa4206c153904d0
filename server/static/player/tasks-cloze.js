// Gap texts (`cloze`): the prompt holds `<span class="gap" data-gap="N">`; each becomes a field
// to type in or a drop-down. The answer is one string per gap, in order.

import { contentAttrs, t } from "./i18n.js";
import { h } from "./views.js";
import { registerTaskType } from "./tasks.js";

/** Fill the prompt's gap spans of a rendered task card with inputs; called after the card is drawn. */
function gapControl(gap, index, previous, name) {
  const label = t("cloze.gap", { number: index + 1 });
  if (Array.isArray(gap.options)) {
    const select = h("select", { name: `${name}-${index}`, "aria-label": label, class: "gap-input" },
      h("option", { value: "" }, t("cloze.choose")),
      gap.options.map((option) => h("option", { value: option, selected: previous === option }, option)));
    return select;
  }
  return h("input", { name: `${name}-${index}`, type: "text", autocomplete: "off", autocapitalize: "off",
    spellcheck: "false", "aria-label": label, class: "gap-input", size: "12", value: previous ?? "" });
}

registerTaskType("cloze", (task, previous, name) => {
  const gaps = task.gaps || [];
  const before = Array.isArray(previous) ? previous : [];
  const controls = gaps.map((gap, index) => gapControl(gap, index, before[index], name));
  // The text with its gaps is the body; the card's own prompt is hidden for this type (see player.css).
  const text = h("div", { class: "rich cloze-text", ...contentAttrs() });
  text.innerHTML = task.prompt_html || "";
  text.querySelectorAll("span.gap").forEach((span) => {
    const control = controls[Number(span.dataset.gap)];
    if (control) span.replaceWith(control);
  });
  return {
    body: h("div", { class: "cloze" }, text, h("p", { class: "muted small" }, t("cloze.help"))),
    read: () => {
      const value = controls.map((control) => control.value.trim());
      if (value.some((item) => item === "")) throw new Error(t("cloze.need_all"));
      return value;
    },
    hidesPrompt: true,
  };
});
