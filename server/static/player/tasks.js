// One form per task type. Each builder returns `{body, read}` where `read()` gives the
// answer value (or throws an Error with a message for the pupil).

import { distanceM, formatDistance, currentPosition } from "./geo.js";
import { h, field, newId, mediaBlock, announce } from "./views.js";

function choiceList(task, kind, name, previous) {
  const legend = kind === "radio" ? "Eine Antwort wählen / Choose one" : "Alle passenden wählen / Choose all that apply";
  return h("fieldset", { class: "choices" }, h("legend", {}, legend),
    task.options.map((option) => {
      const id = newId("opt");
      const checked = kind === "radio" ? previous === option.id : Array.isArray(previous) && previous.includes(option.id);
      return h("div", { class: "choice" },
        h("input", { type: kind, id, name, value: option.id, checked }),
        h("label", { for: id }, option.text, mediaBlock(option.media)));
    }));
}

function checkedValues(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((input) => input.value);
}

function orderList(task, previous) {
  const byId = new Map(task.options.map((o) => [o.id, o]));
  let ids = Array.isArray(previous) && previous.length === task.options.length ? [...previous] : task.options.map((o) => o.id);
  const list = h("ol", { class: "order-list" });
  const draw = (focusId, focusDir) => {
    list.replaceChildren(...ids.map((id, index) => {
      const text = byId.get(id).text;
      const up = h("button", { type: "button", class: "icon", "aria-label": `„${text}“ nach oben / move up`, disabled: index === 0,
        "data-id": id, "data-dir": "up", onclick: () => move(index, -1) }, "▲");
      const down = h("button", { type: "button", class: "icon", "aria-label": `„${text}“ nach unten / move down`,
        disabled: index === ids.length - 1, "data-id": id, "data-dir": "down", onclick: () => move(index, 1) }, "▼");
      return h("li", { "data-id": id }, h("span", { class: "order-text" }, text), h("span", { class: "order-buttons" }, up, down));
    }));
    if (focusId) {
      let target = list.querySelector(`button[data-id="${focusId}"][data-dir="${focusDir}"]`);
      if (target && target.disabled) target = list.querySelector(`button[data-id="${focusId}"]:not([disabled])`);
      if (target) target.focus();
    }
  };
  const move = (index, delta) => {
    const to = index + delta;
    if (to < 0 || to >= ids.length) return;
    const id = ids[index];
    [ids[index], ids[to]] = [ids[to], ids[index]];
    draw(id, delta < 0 ? "up" : "down");
    announce(`„${byId.get(id).text}“ ist jetzt an Stelle ${to + 1} von ${ids.length}.`);
  };
  draw();
  return { body: h("div", {}, h("p", { class: "muted", id: newId("ord") }, "In die richtige Reihenfolge bringen (erstes oben). / Put in order, first at the top."), list),
    read: () => [...ids] };
}

function matchSelects(task, previous) {
  const selects = task.pairs.left.map((left) => {
    const select = h("select", { "data-left": left.id },
      h("option", { value: "" }, "– wählen / choose –"),
      task.pairs.right.map((right) => h("option", { value: right.id, selected: previous && previous[left.id] === right.id }, right.text)));
    return { left, select };
  });
  return {
    body: h("div", { class: "match" }, selects.map(({ left, select }) => field(left.text, select))),
    read: () => {
      const value = {};
      for (const { left, select } of selects) {
        if (!select.value) throw new Error("Bitte jedem Begriff etwas zuordnen. / Match every item.");
        value[left.id] = select.value;
      }
      return value;
    },
  };
}

const MEDIA_ACCEPT = { photo: "image/*", audio: "audio/*", video: "video/*" };
const MEDIA_LABEL = {
  photo: "Foto aufnehmen oder auswählen / Take or choose a photo",
  audio: "Ton aufnehmen oder auswählen / Record or choose audio",
  video: "Video aufnehmen oder auswählen / Record or choose a video",
};

function mediaInput(task) {
  const input = h("input", { type: "file", accept: MEDIA_ACCEPT[task.type], capture: task.type === "audio" ? "user" : "environment" });
  const preview = h("div", { class: "preview" });
  input.addEventListener("change", () => {
    preview.replaceChildren();
    const file = input.files[0];
    if (!file) return;
    const url = URL.createObjectURL(file);
    if (task.type === "photo") preview.append(h("img", { src: url, alt: "Vorschau eures Fotos / Preview of your photo" }));
    else if (task.type === "audio") preview.append(h("audio", { controls: true, src: url, "aria-label": "Vorschau / Preview" }));
    else preview.append(h("video", { controls: true, src: url, playsinline: true, "aria-label": "Vorschau / Preview" }));
  });
  return {
    body: h("div", {}, field(MEDIA_LABEL[task.type], input), preview),
    read: () => {
      const file = input.files[0];
      if (!file) throw new Error("Bitte erst eine Datei aufnehmen oder wählen. / Please choose a file first.");
      return { file };
    },
  };
}

function locationTask(task) {
  const out = h("p", { class: "distance", "aria-live": "polite" }, "Entfernung wird beim Antworten gemessen. / Distance is measured when you answer.");
  let fix = null;
  const measure = h("button", { type: "button", onclick: async () => {
    out.textContent = "Standort wird bestimmt … / Locating …";
    try {
      fix = await currentPosition();
      const d = distanceM(fix.lat, fix.lon, task.target.lat, task.target.lon);
      out.textContent = `Noch ${formatDistance(d)} bis zum Ziel (±${Math.round(fix.accuracy_m)} m). / ${formatDistance(d)} to go.`;
    } catch (error) {
      out.textContent = error.message;
    }
  } }, "Entfernung messen / Measure distance");
  return {
    body: h("div", {}, out, measure),
    submitLabel: "Ich bin da! / I'm here",
    read: async () => {
      const position = await currentPosition();
      return { lat: position.lat, lon: position.lon, accuracy_m: Math.round(position.accuracy_m * 10) / 10 };
    },
  };
}

function surveyInput(task, name, previous) {
  if (task.options) return { body: choiceList(task, "radio", name, previous), read: (form) => {
    const [value] = checkedValues(form, name);
    if (!value) throw new Error("Bitte eine Antwort wählen. / Please choose.");
    return value;
  } };
  const scale = task.scale;
  const start = typeof previous === "number" ? previous : Math.round((scale.min + scale.max) / 2 / scale.step) * scale.step;
  const range = h("input", { type: "range", min: String(scale.min), max: String(scale.max), step: String(scale.step || 1), value: String(start) });
  const output = h("output", { class: "range-value" }, String(start));
  range.addEventListener("input", () => {
    output.textContent = range.value;
    range.setAttribute("aria-valuetext", `${range.value} von ${scale.max}`);
  });
  range.id = newId("rng");
  output.setAttribute("for", range.id);
  return {
    body: h("div", { class: "field" },
      h("label", { for: range.id }, "Deine Bewertung / Your rating"),
      h("div", { class: "range-row" }, h("span", { class: "muted" }, scale.min_label || String(scale.min)), range,
        h("span", { class: "muted" }, scale.max_label || String(scale.max))),
      h("p", {}, "Gewählt / Chosen: ", output)),
    read: () => Number(range.value),
  };
}

/** Renderers of task types that live in their own module (player/tasktypes/<type>.js). */
const RENDERERS = new Map();

/** A task type module registers `render(task, previous, name) → {body, read}` here. */
export function registerRenderer(type, render) {
  RENDERERS.set(type, render);
}

/** The answer form's inner part for any task type. */
export function taskInput(task, previous) {
  const name = `task-${task.id}`;
  const own = RENDERERS.get(task.type);
  if (own) return own(task, previous, name);
  switch (task.type) {
    case "info":
      return { body: null, submitLabel: "Gelesen / Read ✓", read: () => null };
    case "single_choice":
      return { body: choiceList(task, "radio", name, previous), read: (form) => {
        const [value] = checkedValues(form, name);
        if (!value) throw new Error("Bitte eine Antwort wählen. / Please choose an answer.");
        return value;
      } };
    case "multiple_choice":
      return { body: choiceList(task, "checkbox", name, previous), read: (form) => {
        const value = checkedValues(form, name);
        if (!value.length) throw new Error("Bitte mindestens eine Antwort wählen. / Choose at least one.");
        return value;
      } };
    case "text": {
      const input = h("textarea", { name, maxlength: "2000", rows: "3", autocomplete: "off" });
      if (typeof previous === "string") input.value = previous;
      return { body: field("Deine Antwort / Your answer", input), read: () => {
        if (!input.value.trim()) throw new Error("Bitte eine Antwort eintippen. / Please type an answer.");
        return input.value.trim();
      } };
    }
    case "number": {
      const input = h("input", { name, type: "text", inputmode: "decimal", autocomplete: "off", value: previous ?? "" });
      const label = task.unit ? `Zahl in ${task.unit} / Number (${task.unit})` : "Zahl / Number";
      return { body: field(label, input), read: () => {
        const value = Number(String(input.value).replace(",", ".").trim());
        if (input.value.trim() === "" || !Number.isFinite(value)) throw new Error("Bitte eine Zahl eingeben. / Please enter a number.");
        return value;
      } };
    }
    case "order":
      return orderList(task, previous);
    case "match":
      return matchSelects(task, previous);
    case "photo":
    case "audio":
    case "video":
      return mediaInput(task);
    case "location":
      return locationTask(task);
    case "survey":
      return surveyInput(task, name, previous);
    default:
      return { body: h("p", { class: "muted" }, "Diese Aufgabe kann diese App noch nicht anzeigen."), read: () => {
        throw new Error("Nicht unterstützt / Not supported");
      } };
  }
}
