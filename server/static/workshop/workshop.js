// The pupils' creative workshop: a small editor on /api/v1/workshop… (no accounts; a team token
// kept on this phone). A team sees and changes only its own draft; the teacher publishes.
const app = document.getElementById('app');
const TOKEN_KEY = 'workshop-token';
const CODE_KEY = 'workshop-code';
let token = localStorage.getItem(TOKEN_KEY);

const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== false && value != null) node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) if (child != null) node.append(child.nodeType ? child : String(child));
  return node;
};

async function api(path, { method = 'GET', json, form } = {}) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  let body;
  if (json) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
  if (form) body = form;
  const response = await fetch(`/api/v1/workshop${path}`, { method, headers, body });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    if (response.status === 401 && data.code === 'unauthorized') { localStorage.removeItem(TOKEN_KEY); token = null; }
    const details = data.errors ? Object.values(data.errors).flat().join(' ') : '';
    throw new Error(`${data.detail || data.title || 'Fehler'} ${details}`.trim());
  }
  return data;
}

function notice(text, kind = 'error') {
  const box = el('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
  app.prepend(box);
  setTimeout(() => box.remove(), 6000);
}

function joinView() {
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
  el('h1', {}, 'Mitmachen'),
  el('p', { class: 'muted' }, 'Gebt den Code von eurer Lehrkraft und einen Teamnamen ein – keine echten Namen.'),
  el('label', { for: 'code' }, 'Code'), code,
  el('label', { for: 'team' }, 'Teamname'), name,
  el('button', { type: 'submit', class: 'primary' }, 'Los geht’s')));
}

async function mediaPreview(item) {
  const response = await fetch(item.url, { headers: { Authorization: `Bearer ${token}` } });
  const url = URL.createObjectURL(await response.blob());
  return item.kind === 'image' ? el('img', { src: url, alt: item.alt, class: 'draft-photo' })
    : el('audio', { controls: true, src: url });
}

function taskForm(station) {
  const type = el('select', { name: 'type', 'aria-label': 'Art der Aufgabe' },
    el('option', { value: 'single_choice' }, 'Auswahl (eine richtig)'), el('option', { value: 'text' }, 'Antwort als Text'),
    el('option', { value: 'photo' }, 'Foto machen'));
  const prompt = el('input', { name: 'prompt', placeholder: 'Frage', 'aria-label': 'Frage', required: true });
  const right = el('input', { name: 'right', placeholder: 'Richtige Antwort', 'aria-label': 'Richtige Antwort' });
  const wrong = el('input', { name: 'wrong', placeholder: 'Falsche Antwort', 'aria-label': 'Falsche Antwort' });
  return el('form', { class: 'task-form', onsubmit: async (event) => {
    event.preventDefault();
    const config = type.value === 'single_choice'
      ? { options: [{ id: 'a', text: right.value, correct: true }, { id: 'b', text: wrong.value }] }
      : type.value === 'text' ? { accepted_answers: [right.value] } : {};
    try { await api(`/stations/${station.id}/tasks`, { method: 'POST', json: { type: type.value, prompt: prompt.value, config } }); await draftView(); }
    catch (error) { notice(error.message); }
  } }, type, prompt, right, wrong, el('button', { type: 'submit' }, 'Aufgabe hinzufügen'));
}

function photoForm(station) {
  const file = el('input', { type: 'file', accept: 'image/*', capture: 'environment', name: 'file', 'aria-label': 'Foto' });
  const alt = el('input', { name: 'alt', placeholder: 'Was ist auf dem Foto?', 'aria-label': 'Was ist auf dem Foto?' });
  return el('form', { class: 'photo-form', onsubmit: async (event) => {
    event.preventDefault();
    const form = new FormData(); form.append('file', file.files[0]); form.append('alt', alt.value);
    try { await api(`/stations/${station.id}/media`, { method: 'POST', form }); await draftView(); }
    catch (error) { notice(error.message); }
  } }, file, alt, el('button', { type: 'submit' }, 'Foto hochladen'));
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
        stream.getTracks().forEach((t) => t.stop());
        const form = new FormData(); form.append('file', new Blob(chunks, { type: rec.mimeType }), 'aufnahme');
        try { await api(`/stations/${station.id}/media`, { method: 'POST', form }); await draftView(); }
        catch (error) { notice(error.message); }
      };
      rec.start(); button.textContent = 'Aufnahme beenden';
    } catch (error) { notice('Kein Mikrofon erlaubt.'); }
  } }, 'Ton aufnehmen');
  return button;
}

async function stationCard(station) {
  const title = el('input', { value: station.title, 'aria-label': 'Titel der Station', maxlength: 200 });
  const body = el('textarea', { rows: 3, 'aria-label': 'Text der Station' }, station.body);
  const media = await Promise.all(station.media.map(mediaPreview));
  return el('article', { class: 'card station-draft', 'data-station': station.id },
    el('form', { onsubmit: async (event) => {
      event.preventDefault();
      try { await api(`/stations/${station.id}`, { method: 'PATCH', json: { title: title.value, body: body.value } }); notice('Gespeichert.', 'ok'); }
      catch (error) { notice(error.message); }
    } }, title, body, el('button', { type: 'submit' }, 'Speichern')),
    station.teacher_comment ? el('p', { class: 'teacher-comment' }, el('strong', {}, 'Kommentar: '), station.teacher_comment) : null,
    el('div', { class: 'media' }, media),
    el('ul', {}, station.tasks.map((t) => el('li', {}, t.prompt, ' ',
      el('button', { type: 'button', class: 'small', onclick: async () => { await api(`/tasks/${t.id}`, { method: 'DELETE' }); await draftView(); } }, 'entfernen')))),
    photoForm(station), recorder(station), taskForm(station),
    el('button', { type: 'button', class: 'small danger', onclick: async () => {
      if (confirm('Station löschen?')) { await api(`/stations/${station.id}`, { method: 'DELETE' }); await draftView(); }
    } }, 'Station löschen'));
}

async function draftView() {
  let draft;
  try { draft = await api('/draft'); } catch (error) { notice(error.message); joinView(); return; }
  document.getElementById('team-name').textContent = `Team ${draft.team.name}`;
  const title = el('input', { id: 'new-title', placeholder: 'Titel der neuen Station', required: true, 'aria-label': 'Titel der neuen Station' });
  const cards = await Promise.all(draft.stations.map(stationCard));
  app.replaceChildren(
    el('h1', {}, draft.workshop.topic || `Kreativwerkstatt ${draft.workshop.class_label}`),
    ...cards,
    el('form', { class: 'card', onsubmit: async (event) => {
      event.preventDefault();
      try { await api('/stations', { method: 'POST', json: { title: title.value } }); await draftView(); }
      catch (error) { notice(error.message); }
    } }, title, el('button', { type: 'submit', class: 'primary' }, 'Station anlegen')));
}

// A phone that joined this workshop before goes straight back to its draft.
const sameWorkshop = !app.dataset.code || localStorage.getItem(CODE_KEY) === app.dataset.code.toUpperCase();
if (token && sameWorkshop) draftView(); else joinView();
