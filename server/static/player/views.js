// Small DOM helpers and the pieces every screen is built from. Text goes in as text;
// only the server's sanitised rich text (body_html, prompt_html) goes in as HTML.

import { contentAttrs, formatNumber, t } from "./i18n.js";

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
    const caption = m.alt ? h("figcaption", contentAttrs(), m.alt) : null;
    let el;
    if (type.startsWith("image/")) {
      el = h("img", { src: m.url, alt: m.alt || "", loading: "lazy", width: m.width || null, height: m.height || null });
    } else if (type.startsWith("audio/")) {
      el = h("audio", { controls: true, preload: "metadata", src: m.url, "aria-label": m.alt || t("media.audio") });
    } else if (type.startsWith("video/")) {
      el = h("video", { controls: true, preload: "metadata", src: m.url, playsinline: true, "aria-label": m.alt || t("media.video") });
    } else {
      el = h("a", { href: m.url }, m.alt || m.name);
    }
    return h("figure", {}, el, caption);
  }));
}

/** The rally's own rich text, marked with the rally's language (it is never translated). */
export function richText(html, cls = "rich") {
  return html ? h("div", { class: cls, html, ...contentAttrs() }) : null;
}

/** A piece of the rally's own plain text (a title, an option) in the rally's language. */
export function content(text, tag = "span", attrs = {}) {
  return h(tag, { ...contentAttrs(), ...attrs }, text);
}

export function formatPoints(value) {
  if (value === null || value === undefined) return "–";
  return formatNumber(Number(value));
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

/** The word for a station's state (`locked`, `unlocked`, `done`). */
export function stateLabel(state) {
  return t(`state.${state}`);
}

/** The word for how a station unlocks; empty for open stations. */
export function unlockLabel(mode) {
  return mode === "open" ? "" : t(`unlock.${mode}`);
}

/** The pupil's words for the server's error codes; the server's own text only for unknown ones. */
export function errorText(code, fallback) {
  const key = `error.${code}`;
  const text = t(key);
  if (text !== key) return text;
  return fallback || t("error.other", { code: code || "?" });
}

const scripts = new Map();

/** A vendored classic script (Sortable, Leaflet), loaded once on first use; resolves to `window[name]`. */
export function loadScript(url, name) {
  if (window[name]) return Promise.resolve(window[name]);
  if (!scripts.has(url)) {
    scripts.set(url, new Promise((resolve, reject) => {
      const script = h("script", { src: url });
      script.onload = () => (window[name] ? resolve(window[name]) : reject(new Error(`${name} missing`)));
      script.onerror = () => {
        scripts.delete(url);
        reject(new Error(`${url} not available`));
      };
      document.head.append(script);
    }));
  }
  return scripts.get(url);
}

const cleanupFns = [];

/** Something to stop (a position watch, a compass, a timer) when the screen changes. */
export function onCleanup(fn) {
  cleanupFns.push(fn);
}

export function runCleanups() {
  cleanupFns.splice(0).forEach((fn) => {
    try {
      fn();
    } catch {
      // a cleanup never stops the next screen
    }
  });
}
