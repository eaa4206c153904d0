// The answer forms, one renderer per task type in a registry keyed by the bundle's `type`.
// A renderer `(task, previous, name)` returns `{body, read, submitLabel?, confirmBefore?}`:
// `read(form)` gives the answer value (or throws an Error with a message for the pupil),
// `confirmBefore()` may return a question to ask before sending (e.g. an untouched order).
// A new type (cloze, hotspot, …) is one `registerTaskType("cloze", renderer)` call.

import { currentPosition } from "./geo.js";
import { contentAttrs, t } from "./i18n.js";
import { h, field, newId, mediaBlock, announce, loadScript } from "./views.js";
import { wayfinder } from "./wayfinder.js";

const renderers = new Map();
const SORTABLE_URL = "/static/vendor/sortable/Sortable.min.js";

/** Register the player's form for a task type; a later registration replaces an earlier one. */
export function registerTaskType(type, renderer) {
  renderers.set(type, renderer);
}

export function hasTaskType(type) {
  return renderers.has(type);
}

/** The answer form's inner part for any task type. */
export function taskInput(task, previous) {
  const renderer = renderers.get(task.type);
  const name = `task-${task.id}`;
  if (!renderer) {
    return { body: h("p", { class: "muted" }, t("task.unsupported")), read: () => {
      throw new Error(t("task.unsupported"));
    } };
  }
  return renderer(task, previous, name);
}

function choiceList(task, kind, name, previous) {
  const legend = kind === "radio" ? t("task.choose_one") : t("task.choose_all");
  return h("fieldset", { class: "choices" }, h("legend", {}, legend),
    task.options.map((option) => {
      const id = newId("opt");
      const checked = kind === "radio" ? previous === option.id : Array.isArray(previous) && previous.includes(option.id);
      // The whole card is the label, so a tap anywhere on it chooses the option.
      return h("label", { class: "choice", for: id },
        h("input", { type: kind, id, name, value: option.id, checked }),
        h("span", { class: "choice-text", ...contentAttrs() }, option.text, mediaBlock(option.media)));
    }));
}

function checkedValues(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((input) => input.value);
}

function chosenOne(message) {
  return (task, previous, name) => ({ body: choiceList(task, "radio", name, previous), read: (form) => {
    const [value] = checkedValues(form, name);
    if (!value) throw new Error(t(message));
    return value;
  } });
}

registerTaskType("info", () => ({ body: null, submitLabel: t("task.read"), read: () => null }));

registerTaskType("single_choice", chosenOne("task.need_choice"));

registerTaskType("multiple_choice", (task, previous, name) => ({
  body: choiceList(task, "checkbox", name, previous),
  read: (form) => {
    const value = checkedValues(form, name);
    if (!value.length) throw new Error(t("task.need_one_or_more"));
    return value;
  },
}));

registerTaskType("text", (task, previous, name) => {
  const input = h("textarea", { name, maxlength: "2000", rows: "3", autocomplete: "off" });
  if (typeof previous === "string") input.value = previous;
  return { body: field(t("task.your_answer"), input), read: () => {
    if (!input.value.trim()) throw new Error(t("task.need_text"));
    return input.value.trim();
  } };
});

registerTaskType("number", (task, previous, name) => {
  const input = h("input", { name, type: "text", inputmode: "decimal", autocomplete: "off", value: previous ?? "" });
  const label = task.unit ? t("task.number_in", { unit: task.unit }) : t("task.number");
  return { body: field(label, input), read: () => {
    const value = Number(String(input.value).replace(",", ".").trim());
    if (input.value.trim() === "" || !Number.isFinite(value)) throw new Error(t("task.need_number"));
    return value;
  } };
});

registerTaskType("order", (task, previous) => {
  const byId = new Map(task.options.map((o) => [o.id, o]));
  const shown = task.options.map((o) => o.id);
  let ids = Array.isArray(previous) && previous.length === task.options.length ? [...previous] : [...shown];
  let touched = Array.isArray(previous);
  const hintId = newId("ord");
  const list = h("ol", { class: "order-list", "aria-describedby": hintId });
  const draw = (focusId, focusDir) => {
    list.replaceChildren(...ids.map((id, index) => {
      const text = byId.get(id).text;
      const up = h("button", { type: "button", class: "icon", "aria-label": t("order.up", { item: text }),
        disabled: index === 0, "data-id": id, "data-dir": "up", onclick: () => move(index, -1) }, "▲");
      const down = h("button", { type: "button", class: "icon", "aria-label": t("order.down", { item: text }),
        disabled: index === ids.length - 1, "data-id": id, "data-dir": "down", onclick: () => move(index, 1) }, "▼");
      return h("li", { "data-id": id, class: "order-item" },
        h("span", { class: "drag-handle", "aria-hidden": "true" }, "⠿"),
        h("span", { class: "order-text", ...contentAttrs() }, text), h("span", { class: "order-buttons" }, up, down));
    }));
    if (focusId) {
      let target = list.querySelector(`button[data-id="${focusId}"][data-dir="${focusDir}"]`);
      if (target && target.disabled) target = list.querySelector(`button[data-id="${focusId}"]:not([disabled])`);
      if (target) target.focus();
    }
  };
  const moved = (id, to) => {
    touched = true;
    announce(t("order.now_at", { item: byId.get(id).text, position: to + 1, count: ids.length }));
  };
  const move = (index, delta) => {
    const to = index + delta;
    if (to < 0 || to >= ids.length) return;
    const id = ids[index];
    [ids[index], ids[to]] = [ids[to], ids[index]];
    draw(id, delta < 0 ? "up" : "down");
    moved(id, to);
  };
  draw();
  // Drag and drop with finger or mouse (SortableJS); ▲/▼ stay for the keyboard and screen readers.
  loadScript(SORTABLE_URL, "Sortable").then((Sortable) => {
    if (!list.isConnected && !list.parentNode) return;
    Sortable.create(list, {
      animation: 150, handle: ".order-item", filter: "button", preventOnFilter: false, delay: 120,
      delayOnTouchOnly: true, ghostClass: "dragging",
      onEnd: (event) => {
        if (event.oldIndex === event.newIndex) return;
        const [id] = ids.splice(event.oldIndex, 1);
        ids.splice(event.newIndex, 0, id);
        draw();
        moved(id, event.newIndex);
      },
    });
  }).catch(() => {});
  return {
    body: h("div", {}, h("p", { class: "muted", id: hintId }, t("order.hint")), list),
    read: () => [...ids],
    confirmBefore: () => (!touched && ids.every((id, i) => id === shown[i]) ? t("order.untouched") : null),
  };
});

registerTaskType("match", (task, previous) => {
  const selects = task.pairs.left.map((left) => {
    const select = h("select", { "data-left": left.id },
      h("option", { value: "" }, t("match.choose")),
      task.pairs.right.map((right) => h("option", { value: right.id, selected: previous && previous[left.id] === right.id, ...contentAttrs() }, right.text)));
    return { left, select };
  });
  return {
    body: h("div", { class: "match" }, selects.map(({ left, select }) => field(left.text, select))),
    read: () => {
      const value = {};
      for (const { left, select } of selects) {
        if (!select.value) throw new Error(t("match.need_all"));
        value[left.id] = select.value;
      }
      return value;
    },
  };
});

const MEDIA_ACCEPT = { photo: "image/*", audio: "audio/*", video: "video/*" };

function mediaInput(task) {
  const input = h("input", { type: "file", accept: MEDIA_ACCEPT[task.type], capture: task.type === "audio" ? "user" : "environment" });
  const preview = h("div", { class: "preview" });
  input.addEventListener("change", () => {
    preview.replaceChildren();
    const file = input.files[0];
    if (!file) return;
    const url = URL.createObjectURL(file);
    if (task.type === "photo") preview.append(h("img", { src: url, alt: t("media.photo_preview") }));
    else if (task.type === "audio") preview.append(h("audio", { controls: true, src: url, "aria-label": t("media.preview") }));
    else preview.append(h("video", { controls: true, src: url, playsinline: true, "aria-label": t("media.preview") }));
  });
  return {
    body: h("div", {}, field(t(`media.take_${task.type}`), input), preview),
    read: () => {
      const file = input.files[0];
      if (!file) throw new Error(t("media.need_file"));
      return { file };
    },
  };
}

["photo", "audio", "video"].forEach((type) => registerTaskType(type, mediaInput));

registerTaskType("location", (task) => ({
  body: wayfinder(task.target),
  submitLabel: t("way.here"),
  read: async () => {
    const position = await currentPosition();
    return { lat: position.lat, lon: position.lon, accuracy_m: Math.round(position.accuracy_m * 10) / 10 };
  },
}));

registerTaskType("survey", (task, previous, name) => {
  if (task.options) return chosenOne("task.need_choice")(task, previous, name);
  const scale = task.scale;
  const start = typeof previous === "number" ? previous : Math.round((scale.min + scale.max) / 2 / scale.step) * scale.step;
  const range = h("input", { type: "range", min: String(scale.min), max: String(scale.max), step: String(scale.step || 1), value: String(start) });
  const output = h("output", { class: "range-value" }, String(start));
  range.addEventListener("input", () => {
    output.textContent = range.value;
    range.setAttribute("aria-valuetext", t("survey.value_of", { value: range.value, max: scale.max }));
  });
  range.id = newId("rng");
  output.setAttribute("for", range.id);
  return {
    body: h("div", { class: "field" },
      h("label", { for: range.id }, t("survey.rating")),
      h("div", { class: "range-row" }, h("span", { class: "muted" }, scale.min_label || String(scale.min)), range,
        h("span", { class: "muted" }, scale.max_label || String(scale.max))),
      h("p", {}, t("survey.chosen"), " ", output)),
    read: () => Number(range.value),
  };
});
