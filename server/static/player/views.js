// Small DOM helpers and the pieces every screen is built from. Text goes in as text;
// only the server's sanitised rich text (body_html, prompt_html) goes in as HTML.

let uid = 0;

/** `h("button", {class: "primary", onclick}, "Text", child)`; `false`/`null` children are skipped. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else if (name === "html") el.innerHTML = value;
    else if (name in el && typeof value !== "string") el[name] = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === false || child === null || child === undefined) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function newId(prefix = "f") {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A label and its input, tied together by id. */
export function field(labelText, input, hint = null) {
  if (!input.id) input.id = newId();
  const hintEl = hint ? h("small", { class: "muted", id: `${input.id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: "field" }, h("label", { for: input.id }, labelText), input, hintEl);
}

/** Rally media with its alt text shown: images, audio and video with controls. */
export function mediaBlock(list) {
  if (!list || !list.length) return null;
  return h("div", { class: "media" }, list.map((m) => {
    const type = m.content_type || "";
    const caption = m.alt ? h("figcaption", {}, m.alt) : null;
    let el;
    if (type.startsWith("image/")) {
      el = h("img", { src: m.url, alt: m.alt || "", loading: "lazy", width: m.width || null, height: m.height || null });
    } else if (type.startsWith("audio/")) {
      el = h("audio", { controls: true, preload: "metadata", src: m.url, "aria-label": m.alt || "Audio" });
    } else if (type.startsWith("video/")) {
      el = h("video", { controls: true, preload: "metadata", src: m.url, playsinline: true, "aria-label": m.alt || "Video" });
    } else {
      el = h("a", { href: m.url }, m.alt || m.name);
    }
    return h("figure", {}, el, caption);
  }));
}

export function richText(html, cls = "rich") {
  return html ? h("div", { class: cls, html }) : null;
}

export function formatPoints(value) {
  if (value === null || value === undefined) return "–";
  return Number(value).toLocaleString("de-DE", { maximumFractionDigits: 2 });
}

/** Announce a short message to screen readers. */
export function announce(text) {
  const status = document.getElementById("player-status");
  if (!status) return;
  status.textContent = "";
  setTimeout(() => {
    status.textContent = text;
  }, 50);
}

export const STATE_LABELS = {
  locked: "Gesperrt",
  unlocked: "Offen",
  done: "Erledigt",
};

export const UNLOCK_LABELS = {
  open: "",
  qr: "QR-Code",
  location: "Ort",
};

/** German (and English) words for the server's error codes. */
export const ERROR_TEXTS = {
  network: "Keine Verbindung. / No connection.",
  unknown_code: "Diesen Code gibt es nicht. / Unknown code.",
  team_name_taken: "Diesen Teamnamen gibt es schon – bitte einen anderen wählen. / Name taken.",
  team_name_refused: "Bitte einen anderen Teamnamen wählen. / Please choose another name.",
  run_not_open: "Die Rallye ist gerade nicht geöffnet. / The rally is not open now.",
  invalid_request: "Bitte die Eingaben prüfen. / Please check your input.",
  rate_limited: "Zu viele Versuche – bitte kurz warten. / Too many tries, please wait.",
  unauthorized: "Euer Team-Zugang gilt nicht mehr. / Your team access is no longer valid.",
  token_expired: "Euer Team-Zugang ist abgelaufen. / Your team access has expired.",
  station_locked: "Die Station ist noch gesperrt. / The station is still locked.",
  already_solved: "Schon gelöst. / Already solved.",
  already_submitted: "Schon abgegeben. / Already submitted.",
  attempts_exhausted: "Keine Versuche mehr. / No attempts left.",
  finished: "Ihr habt die Rallye schon beendet. / You have finished.",
  window_closed: "Die Spielzeit ist vorbei. / Play time is over.",
  time_limit: "Die Zeit ist abgelaufen. / Time is up.",
  invalid_value: "Diese Antwort passt nicht zur Aufgabe. / Invalid answer.",
  invalid_item: "Die Antwort war unvollständig. / Incomplete answer.",
  id_reused: "Schon mit anderem Inhalt gesendet. / Sent before with other content.",
  unknown_task: "Diese Aufgabe gibt es nicht mehr. / Unknown task.",
  too_large: "Die Datei ist zu groß. / The file is too large.",
  unsupported_media: "Dieses Dateiformat geht nicht. / Unsupported file type.",
  wrong_task_type: "Diese Aufgabe nimmt keine Datei. / This task takes no file.",
  upload_failed: "Die Datei wurde nicht angenommen. / The file was not accepted.",
  not_a_location_station: "Diese Station wird nicht über den Ort geöffnet.",
};

export function errorText(code, fallback) {
  return ERROR_TEXTS[code] || fallback || `Fehler / Error (${code})`;
}
