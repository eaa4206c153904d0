// The pupils' creative workshop: a small editor on /api/v1/workshop… (no accounts; a team token
// kept on this phone). A team sees and changes only its own draft; the teacher publishes.
// Its words come from the player's catalogues (player/i18n/<lang>.json) through the player's
// own i18n module: the same five languages, the same remembered choice, Arabic right to left.
import {
  LANGUAGES, acceptLanguage, initI18n, language, setLanguage, t,
} from '../player/i18n.js';

const app = document.getElementById('app');
const TOKEN_KEY = 'workshop-token';
const CODE_KEY = 'workshop-code';
let token = localStorage.getItem(TOKEN_KEY);
let current = null; // the view on screen, drawn again when the language changes
let teamName = '';

const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== false && value != null) node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) if (child != null) node.append(child.nodeType ? child : String(child));
  return node;
};

/** The catalogue's text for `key`, or null when the catalogues do not know it. */
function known(key) {
  const text = t(key);
  return text === key ? null : text;
}

/** A problem's words: the pupil's own language for every code we know, else the server's (de/en). */
function problemText(status, data) {
  const code = data.code || (status === 404 ? 'not_found' : '');
  const ours = known(`workshop.error_${code}`) || known(`error.${code}`);
  const details = data.errors ? Object.values(data.errors).flat().join(' ') : '';
  if (ours && code !== 'invalid_request') return ours;
  return `${ours || data.detail || data.title || t('error.internal_error')} ${details}`.trim();
}

async function api(path, { method = 'GET', json, form } = {}) {
  const headers = { 'Accept-Language': acceptLanguage() };
  if (token) headers.Authorization = `Bearer ${token}`;
  let body;
  if (json) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
  if (form) body = form;
  let response;
  try {
    response = await fetch(`/api/v1/workshop${path}`, { method, headers, body });
  } catch {
    throw new Error(t('error.network'));
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    if (response.status === 401 && data.code === 'unauthorized') { localStorage.removeItem(TOKEN_KEY); token = null; }
    throw new Error(problemText(response.status, data));
  }
  return data;
}

function notice(text, kind = 'error') {
  const box = el('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
  app.prepend(box);
  setTimeout(() => box.remove(), 6000);
}

/** The header: the workshop's name, the team, and the player's language menu. */
function renderHeader() {
  const bar = document.getElementById('workshop-header');
  const select = el('select', { id: 'workshop-lang', onchange: () => changeLanguage(select.value) },
    LANGUAGES.map((l) => el('option', { value: l.code, lang: l.code, selected: l.code === language() }, l.name)));
  bar.replaceChildren(
    el('strong', { class: 'brand' }, t('workshop.title')),
    el('span', { id: 'team-name', class: 'muted' }, teamName ? t('workshop.team', { name: teamName }) : ''),
    el('div', { class: 'lang-menu' }, el('label', { for: 'workshop-lang' }, t('lang.label')), select));
  document.title = t('workshop.title');
}

/** A `?lang=` link has done its job once the choice is remembered: a reload keeps the pupil's latest choice. */
function forgetLangParameter() {
  const url = new URL(location.href);
  if (!url.searchParams.has('lang')) return;
  url.searchParams.delete('lang');
  history.replaceState(null, '', url);
}

async function changeLanguage(code) {
  await setLanguage(code);
  forgetLangParameter();
  renderHeader();
  if (current) await current();
  document.getElementById('workshop-lang').focus();
}

function joinView() {
  current = joinView;
  const code = el('input', { id: 'code', name: 'code', value: app.dataset.code || '', autocomplete: 'off',
    autocapitalize: 'characters', required: true });
  const name = el('input', { id: 'team', name: 'team', maxlength: 40, required: true, autocomplete: 'off' });
  app.replaceChildren(el('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    try {
      const joined = await api('/join', { method: 'POST', json: { code: code.value, team_name: name.value } });
      token = joined.token; localStorage.setItem(TOKEN_KEY, token);
      localStorage.setItem(CODE_KEY, code.value.toUpperCase().replace(/[\s-]/g, ''));
      await draftView();
    } catch (error) { notice(error.message); }
  } },
  el('h1', {}, t('workshop.join_title')),
  el('p', { class: 'muted' }, t('workshop.join_help')),
  el('label', { for: 'code' }, t('workshop.code')), code,
  el('label', { for: 'team' }, t('workshop.team_name')), name,
  el('button', { type: 'submit', class: 'primary' }, t('workshop.start'))));
}

const photoUrls = new Map(); // media id → object URL of the team's own photo (read with the token)

async function mediaUrl(item) {
  if (!photoUrls.has(item.id)) {
    const response = await fetch(item.url, { headers: { Authorization: `Bearer ${token}` } });
    photoUrls.set(item.id, URL.createObjectURL(await response.blob()));
  }
  return photoUrls.get(item.id);
}

async function mediaPreview(item) {
  const url = await mediaUrl(item);
  return item.kind === 'image' ? el('img', { src: url, alt: item.alt, class: 'draft-photo' })
    : el('audio', { controls: true, src: url });
}

const TASK_TYPES = {
  single_choice: () => t('workshop.type_single_choice'),
  text: () => t('workshop.type_text'),
  photo: () => t('workshop.type_photo'),
  hotspot: () => t('workshop.type_hotspot'),
};

/**
 * The hotspot part of the task form: pick one of the station's photos, tap the right spot on it
 * (the studio's drawing tool, js/hotspot-editor.js, in circle mode), size the circle with the slider.
 */
function hotspotPart(station) {
  const photos = station.media.filter((m) => m.kind === 'image');
  const part = el('div', { class: 'hotspot-part', hidden: true });
  if (!photos.length) {
    part.append(el('p', { class: 'notice' }, t('workshop.hotspot_needs_photo')));
    return { part, value: () => null };
  }
  const regions = el('input', { type: 'hidden', id: `hs-regions-${station.id}`, value: '[]' });
  const aspect = el('input', { type: 'hidden', id: `hs-aspect-${station.id}`, value: '1' });
  const stage = el('div', { class: 'hotspot-stage' });
  let chosen = photos[0].id;
  async function draw() {
    regions.value = '[]';
    const box = el('div', {
      class: 'hotspot-editor', 'data-image': await mediaUrl(photos.find((p) => p.id === chosen)),
      'data-regions-field': regions.id, 'data-aspect-field': aspect.id, 'data-size': '10',
      'data-size-label': t('workshop.hotspot_size'),
    },
    el('p', { class: 'muted' }, t('workshop.hotspot_help')),
    el('button', { type: 'button', class: 'small', 'data-action': 'undo' }, t('workshop.hotspot_undo')),
    el('p', { class: 'muted', 'data-count': true }));
    stage.replaceChildren(box);
    window.HotspotEditor.setup(box); // appends the picture and the size slider
    box.append(box.querySelector('[data-action=undo]'), box.querySelector('[data-count]'));
  }
  function pickerOf() {
    const picker = el('fieldset', { class: 'photo-picker' }, el('legend', {}, t('workshop.hotspot_pick_photo')),
      photos.map((photo, index) => el('label', { class: 'photo-choice' },
        el('input', { type: 'radio', name: `hs-photo-${station.id}`, value: photo.id, checked: index === 0,
          onchange: () => { chosen = photo.id; draw(); } }),
        el('span', { class: 'visually-hidden' }, t('workshop.hotspot_photo_n', { number: index + 1 })),
        el('img', { alt: photo.alt, class: 'photo-thumb', 'data-media': photo.id }))));
    picker.querySelectorAll('img[data-media]').forEach(async (img) => {
      img.src = await mediaUrl(photos.find((p) => p.id === img.dataset.media));
    });
    return picker;
  }
  part.append(regions, aspect);
  return {
    part,
    // Built when the team chooses a hotspot task: the station card stays light until then.
    show: () => {
      if (part.contains(stage)) return;
      part.prepend(pickerOf(), stage);
      draw();
    },
    value: () => {
      const drawn = JSON.parse(regions.value || '[]');
      return drawn.length ? { image_id: chosen, config: { regions: drawn, aspect: Number(aspect.value) || 1 } } : null;
    },
  };
}

function taskForm(station) {
  const type = el('select', { name: 'type', 'aria-label': t('workshop.task_type') },
    Object.entries(TASK_TYPES).map(([value, label]) => el('option', { value }, label())));
  const prompt = el('input', { name: 'prompt', placeholder: t('workshop.question'), 'aria-label': t('workshop.question'),
    required: true, dir: 'auto' });
  const right = el('input', { name: 'right', placeholder: t('workshop.right_answer'), 'aria-label': t('workshop.right_answer') });
  const wrong = el('input', { name: 'wrong', placeholder: t('workshop.wrong_answer'), 'aria-label': t('workshop.wrong_answer') });
  const hotspot = hotspotPart(station);
  const answers = el('div', { class: 'answers' }, right, wrong);
  type.addEventListener('change', () => {
    const isHotspot = type.value === 'hotspot';
    hotspot.part.hidden = !isHotspot;
    answers.hidden = isHotspot || type.value === 'photo';
    wrong.hidden = type.value !== 'single_choice';
    if (isHotspot && hotspot.show) hotspot.show();
  });
  return el('form', { class: 'task-form', onsubmit: async (event) => {
    event.preventDefault();
    let body = { type: type.value, prompt: prompt.value, config: {} };
    if (type.value === 'single_choice') {
      body.config = { options: [{ id: 'a', text: right.value, correct: true }, { id: 'b', text: wrong.value }] };
    } else if (type.value === 'text') {
      body.config = { accepted_answers: [right.value] };
    } else if (type.value === 'hotspot') {
      const picked = hotspot.value();
      if (!picked) { notice(t('workshop.hotspot_tap_first')); return; }
      body = { ...body, ...picked };
    }
    try { await api(`/stations/${station.id}/tasks`, { method: 'POST', json: body }); await draftView(); }
    catch (error) { notice(error.message); }
  } }, type, prompt, answers, hotspot.part, el('button', { type: 'submit' }, t('workshop.add_task')));
}

function photoForm(station) {
  const file = el('input', { type: 'file', accept: 'image/*', capture: 'environment', name: 'file',
    'aria-label': t('workshop.photo') });
  const alt = el('input', { name: 'alt', placeholder: t('workshop.photo_alt'), 'aria-label': t('workshop.photo_alt') });
  return el('form', { class: 'photo-form', onsubmit: async (event) => {
    event.preventDefault();
    const form = new FormData(); form.append('file', file.files[0]); form.append('alt', alt.value);
    try { await api(`/stations/${station.id}/media`, { method: 'POST', form }); await draftView(); }
    catch (error) { notice(error.message); }
  } }, file, alt, el('button', { type: 'submit' }, t('workshop.upload_photo')));
}

function recorder(station) {
  if (!window.MediaRecorder || !navigator.mediaDevices) return null;
  let rec; let chunks = [];
  const button = el('button', { type: 'button', onclick: async () => {
    if (rec && rec.state === 'recording') { rec.stop(); return; }
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      rec = new MediaRecorder(stream); chunks = [];
      rec.ondataavailable = (e) => chunks.push(e.data);
      rec.onstop = async () => {
        stream.getTracks().forEach((track) => track.stop());
        const form = new FormData(); form.append('file', new Blob(chunks, { type: rec.mimeType }), 'recording');
        try { await api(`/stations/${station.id}/media`, { method: 'POST', form }); await draftView(); }
        catch (error) { notice(error.message); }
      };
      rec.start(); button.textContent = t('workshop.stop_recording');
    } catch { notice(t('workshop.no_microphone')); }
  } }, t('workshop.record'));
  return button;
}

async function stationCard(station) {
  // The team's own words keep their own direction (dir=auto), whatever the page's language.
  const title = el('input', { value: station.title, 'aria-label': t('workshop.station_title'), maxlength: 200,
    dir: 'auto' });
  const body = el('textarea', { rows: 3, 'aria-label': t('workshop.station_text'), dir: 'auto' }, station.body);
  const media = await Promise.all(station.media.map(mediaPreview));
  return el('article', { class: 'card station-draft', 'data-station': station.id },
    el('form', { onsubmit: async (event) => {
      event.preventDefault();
      try {
        await api(`/stations/${station.id}`, { method: 'PATCH', json: { title: title.value, body: body.value } });
        notice(t('workshop.saved'), 'ok');
      } catch (error) { notice(error.message); }
    } }, title, body, el('button', { type: 'submit' }, t('workshop.save'))),
    station.teacher_comment ? el('p', { class: 'teacher-comment' },
      el('strong', {}, t('workshop.teacher_comment')), ' ', station.teacher_comment) : null,
    el('div', { class: 'media' }, media),
    el('ul', { class: 'task-list' }, station.tasks.map((task) => el('li', { 'data-type': task.type },
      el('span', { class: 'task-type' }, (TASK_TYPES[task.type] || (() => task.type))()), ': ', el('bdi', {}, task.prompt), ' ',
      el('button', { type: 'button', class: 'small', onclick: async () => {
        try { await api(`/tasks/${task.id}`, { method: 'DELETE' }); await draftView(); }
        catch (error) { notice(error.message); }
      } }, t('workshop.remove'))))),
    photoForm(station), recorder(station), taskForm(station),
    el('button', { type: 'button', class: 'small danger', onclick: async () => {
      if (!confirm(t('workshop.delete_station_confirm'))) return;
      try { await api(`/stations/${station.id}`, { method: 'DELETE' }); await draftView(); }
      catch (error) { notice(error.message); }
    } }, t('workshop.delete_station')));
}

async function draftView() {
  current = draftView;
  let draft;
  try { draft = await api('/draft'); } catch (error) { notice(error.message); joinView(); return; }
  teamName = draft.team.name;
  renderHeader();
  const title = el('input', { id: 'new-title', placeholder: t('workshop.new_station_title'), required: true,
    'aria-label': t('workshop.new_station_title') });
  const cards = await Promise.all(draft.stations.map(stationCard));
  app.replaceChildren(
    el('h1', { dir: 'auto' }, draft.workshop.topic || t('workshop.default_topic', { class: draft.workshop.class_label })),
    ...cards,
    el('form', { class: 'card', onsubmit: async (event) => {
      event.preventDefault();
      try { await api('/stations', { method: 'POST', json: { title: title.value } }); await draftView(); }
      catch (error) { notice(error.message); }
    } }, title, el('button', { type: 'submit', class: 'primary' }, t('workshop.add_station'))));
}

// A phone that joined this workshop before goes straight back to its draft.
await initI18n();
forgetLangParameter();
renderHeader();
const sameWorkshop = !app.dataset.code || localStorage.getItem(CODE_KEY) === app.dataset.code.toUpperCase();
if (token && sameWorkshop) draftView(); else joinView();
