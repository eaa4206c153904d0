// The player's own texts, one language at a time. Every text lives in a catalogue file
// (i18n/<lang>.json); code only names keys: `t("state.locked")`, `t("sync.waiting", {count: 3})`.
// A catalogue value is a string with `{name}` placeholders, or for plurals an object of
// Intl.PluralRules categories (`{"one": "…", "other": "…"}`, Arabic and Ukrainian need more).
// The rally's own content is never translated: it stays in the rally's language.

export const LANGUAGES = [
  { code: "de", name: "Deutsch" },
  { code: "en", name: "English" },
  { code: "tr", name: "Türkçe" },
  { code: "uk", name: "Українська" },
  { code: "ar", name: "العربية", dir: "rtl" },
];
export const DEFAULT_LANGUAGE = "de";
const STORAGE_KEY = "rallye.lang";
const COOKIE = "player_lang";
/** Languages the client API speaks (CLIENT_API.md, December additions). */
const API_LANGUAGES = ["de", "en"];

const CODES = LANGUAGES.map((l) => l.code);
const catalogues = {};
let current = DEFAULT_LANGUAGE;
let plurals = new Intl.PluralRules(DEFAULT_LANGUAGE);
let contentLanguage = DEFAULT_LANGUAGE;
const listeners = new Set();

export function catalogueUrl(code) {
  return `/static/player/i18n/${code}.json`;
}

/** The stored choice, else the browser's first language we have, else German. */
export function preferredLanguage() {
  let stored = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    stored = null;
  }
  if (CODES.includes(stored)) return stored;
  const fromPage = document.documentElement.dataset.playerLang;
  if (CODES.includes(fromPage) && document.documentElement.dataset.langChosen === "1") return fromPage;
  for (const tag of navigator.languages || [navigator.language || ""]) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (CODES.includes(base)) return base;
  }
  return DEFAULT_LANGUAGE;
}

async function fetchCatalogue(code) {
  if (catalogues[code]) return catalogues[code];
  const response = await fetch(catalogueUrl(code), { credentials: "omit" });
  if (!response.ok) throw new Error(`catalogue ${code}: ${response.status}`);
  catalogues[code] = await response.json();
  return catalogues[code];
}

function applyToDocument() {
  const html = document.documentElement;
  html.lang = current;
  html.dir = direction();
  html.dataset.playerLang = current;
}

/** Load the catalogue of `code` (and German, the fallback) and make it the current language. */
export async function setLanguage(code, { remember = true } = {}) {
  const wanted = CODES.includes(code) ? code : DEFAULT_LANGUAGE;
  await fetchCatalogue(DEFAULT_LANGUAGE).catch(() => {});
  try {
    await fetchCatalogue(wanted);
    current = wanted;
  } catch {
    current = catalogues[DEFAULT_LANGUAGE] ? DEFAULT_LANGUAGE : wanted;
  }
  plurals = new Intl.PluralRules(current);
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, current);
    } catch {
      // private mode: the choice lasts for this visit
    }
    // The server-rendered player pages (/play, /join, /q) read this cookie.
    document.cookie = `${COOKIE}=${current}; path=/; max-age=31536000; SameSite=Lax`;
  }
  applyToDocument();
  listeners.forEach((fn) => fn(current));
  return current;
}

/** Start in `?lang=` (a link from the site's header), else the remembered or the browser's language. */
export function initI18n() {
  const fromUrl = new URLSearchParams(location.search).get("lang");
  if (CODES.includes(fromUrl)) return setLanguage(fromUrl);
  return setLanguage(preferredLanguage(), { remember: false });
}

export function onLanguageChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function language() {
  return current;
}

export function direction() {
  return (LANGUAGES.find((l) => l.code === current) || {}).dir || "ltr";
}

export function isRtl() {
  return direction() === "rtl";
}

/** The rally's language (de/en/…): the API's second choice for languages it does not speak. */
export function setContentLanguage(code) {
  contentLanguage = String(code || DEFAULT_LANGUAGE).toLowerCase().split("-")[0];
}

/** Attributes for the rally's own words (titles, texts, options): their language, their direction. */
export function contentAttrs() {
  return { lang: contentLanguage, dir: "auto" };
}

/**
 * `Accept-Language` for the client API, which answers in German or English only. A pupil who
 * chose Turkish, Ukrainian or Arabic gets the server's rare messages (the player words every
 * known error code itself) in the language of the rally they are playing – the language they
 * already read in the stations – or German, the programme's language; never in an English
 * they may not read yet.
 */
export function acceptLanguage() {
  if (API_LANGUAGES.includes(current)) return current;
  const second = API_LANGUAGES.includes(contentLanguage) ? contentLanguage : DEFAULT_LANGUAGE;
  return `${current}, ${second};q=0.8`;
}

function lookup(code, key) {
  const catalogue = catalogues[code];
  return catalogue ? catalogue[key] : undefined;
}

function interpolate(text, params) {
  return String(text).replace(/\{(\w+)\}/g, (match, name) => {
    if (!(name in params)) return match;
    const value = params[name];
    return typeof value === "number" ? formatNumber(value) : String(value);
  });
}

/** The text of `key` in the current language (German when missing), placeholders filled in. */
export function t(key, params = {}) {
  let entry = lookup(current, key);
  if (entry === undefined) entry = lookup(DEFAULT_LANGUAGE, key);
  if (entry === undefined) return key;
  if (typeof entry === "object") {
    const count = Number(params.count ?? 0);
    entry = entry[plurals.select(count)] ?? entry.other;
  }
  return interpolate(entry, params);
}

export function formatNumber(value, options = { maximumFractionDigits: 2 }) {
  return new Intl.NumberFormat(current, options).format(value);
}
