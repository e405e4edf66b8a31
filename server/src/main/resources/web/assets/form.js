// A form made from a model's input schema, so a model an operator adds needs no page code. Every
// field is an input named as the schema names it (rows of a list: name[0].field, as the server's
// error paths say), filled with its default, described by its description, and shows the server's
// refusal of it beside it.
import { el, clear } from './dom.js';
import { request } from './api.js';

const LONG_TEXT = 200;

export function buildForm(schema, initial = {}, onChange = () => {}) {
  const properties = schema.properties || {};
  const required = new Set(schema.required || []);
  const fields = new Map();
  const root = el('div', { class: 'fields' });
  for (const [name, spec] of Object.entries(properties)) {
    const field = makeField(name, spec, required.has(name), onChange);
    fields.set(name, field);
    root.append(field.node);
    const value = name in initial ? initial[name] : spec.default;
    if (value !== undefined) field.set(value);
  }
  const sum = durationSum(fields, onChange);
  if (sum) root.append(sum.node);
  return {
    node: root,
    /** The body to submit: every field with a value. */
    values() {
      const body = {};
      for (const [name, field] of fields) {
        const value = field.get();
        if (value !== undefined) body[name] = value;
      }
      return body;
    },
    /** Shows the server's field errors at their fields; what matched no field comes back. */
    showErrors(errors) {
      for (const field of fields.values()) field.error('');
      const unplaced = [];
      for (const problem of errors) {
        const top = String(problem.path).split(/[.[]/)[0];
        const field = fields.get(top);
        if (field) field.error(problem.message, problem.path);
        else unplaced.push(problem);
      }
      const first = root.querySelector('[aria-invalid="true"]');
      if (first) first.focus();
      return unplaced;
    },
    refresh() { if (sum) sum.update(); },
  };
}

function makeField(name, spec, isRequired, onChange, path = name) {
  const id = 'field-' + path.replace(/[^A-Za-z0-9_-]/g, '-');
  const label = el('label', { for: id }, spec.title || name, isRequired ? el('span', { class: 'req', text: ' (required)' }) : null);
  const help = spec.description ? el('p', { class: 'help', id: id + '-help', text: helpText(spec) }) : null;
  const error = el('p', { class: 'field-error', id: id + '-error', role: 'alert' });
  const describedBy = [help ? id + '-help' : null, id + '-error'].filter(Boolean).join(' ');
  const type = spec.type;
  let control;
  let get;
  let set;
  if (type === 'array' && spec.items && spec.items.type === 'object') {
    return rowsField(name, spec, label, help, error, onChange, path);
  }
  if (Array.isArray(spec.enum)) {
    control = el('select', { id, name: path, 'aria-describedby': describedBy },
      isRequired ? null : el('option', { value: '', text: '—' }),
      spec.enum.map((v) => el('option', { value: String(v), text: String(v) })));
    get = () => (control.value === '' ? undefined : typed(spec, control.value));
    set = (v) => { control.value = String(v); };
  } else if (type === 'boolean') {
    control = el('input', { id, name: path, type: 'checkbox', 'aria-describedby': describedBy });
    get = () => control.checked;
    set = (v) => { control.checked = Boolean(v); };
  } else if (type === 'integer' || type === 'number') {
    control = el('input', {
      id, name: path, type: 'number', inputmode: type === 'integer' ? 'numeric' : 'decimal',
      min: spec.minimum, max: spec.maximum, step: type === 'integer' ? 1 : 'any', 'aria-describedby': describedBy,
    });
    get = () => (control.value === '' ? undefined : Number(control.value));
    set = (v) => { control.value = String(v); };
  } else if (type === 'array') {
    control = el('textarea', { id, name: path, rows: 2, 'aria-describedby': describedBy, placeholder: 'one per line' });
    get = () => {
      const lines = control.value.split('\n').map((s) => s.trim()).filter(Boolean);
      return lines.length ? lines.map((s) => typed(spec.items || {}, s)) : undefined;
    };
    set = (v) => { control.value = (v || []).join('\n'); };
  } else if (isFile(name, spec)) {
    return fileField(name, spec, label, help, error, describedBy, id, onChange, path);
  } else {
    const long = (spec.maxLength || 0) > LONG_TEXT || /prompt/.test(name);
    control = long
      ? el('textarea', { id, name: path, rows: 4, maxlength: spec.maxLength, 'aria-describedby': describedBy })
      : el('input', { id, name: path, type: 'text', maxlength: spec.maxLength, 'aria-describedby': describedBy });
    get = () => (control.value === '' ? undefined : control.value);
    set = (v) => { control.value = String(v); };
  }
  control.addEventListener('input', onChange);
  control.addEventListener('change', onChange);
  const node = el('div', { class: 'field' + (type === 'boolean' ? ' check' : ''), dataset: { field: path } },
    type === 'boolean' ? [control, label] : [label, control], help, error);
  return { node, get, set, error: errorSetter(error, control), control };
}

function errorSetter(errorNode, control) {
  return (message, path) => {
    errorNode.textContent = message ? (path && path.includes('[') ? path + ': ' : '') + message : '';
    if (control) control.setAttribute('aria-invalid', message ? 'true' : 'false');
  };
}

function helpText(spec) {
  const limits = [];
  if (spec.minimum !== undefined) limits.push('min ' + spec.minimum);
  if (spec.maximum !== undefined) limits.push('max ' + spec.maximum);
  if (spec.maxLength !== undefined) limits.push('up to ' + spec.maxLength + ' characters');
  return (spec.description || '') + (limits.length ? ' (' + limits.join(', ') + ')' : '');
}

function typed(spec, text) {
  if (spec.type === 'integer' || spec.type === 'number') return Number(text);
  if (spec.type === 'boolean') return text === 'true';
  return text;
}

function isFile(name, spec) {
  return /_url$/.test(name) || /uri$/.test(spec.format || '');
}

/** A file field: a URL typed in, or a file uploaded through /v1/files; with a preview. */
function fileField(name, spec, label, help, error, describedBy, id, onChange, path) {
  const url = el('input', { id, name: path, type: 'url', 'aria-describedby': describedBy, placeholder: 'https://… or upload a file' });
  const upload = el('input', { type: 'file', id: id + '-upload', accept: acceptOf(name, spec), 'aria-label': (spec.title || name) + ': upload a file' });
  const preview = el('div', { class: 'preview' });
  const status = el('span', { class: 'muted', role: 'status' });
  const showPreview = () => {
    clear(preview);
    const value = url.value;
    if (!value) return;
    const video = /video/.test(name + (spec.format || ''));
    preview.append(video ? el('video', { src: value, muted: true, controls: true }) : el('img', { src: value, alt: 'preview of ' + (spec.title || name) }));
  };
  upload.addEventListener('change', async () => {
    const file = upload.files[0];
    if (!file) return;
    status.textContent = 'Uploading…';
    const form = new FormData();
    form.append('file', file, file.name);
    const answer = await request('POST', '/v1/files', form);
    if (answer.ok) {
      url.value = answer.body.url || answer.body.file_url || answer.body.download_url;
      status.textContent = 'Uploaded ' + file.name;
      showPreview();
      onChange();
    } else {
      status.textContent = '';
      error.textContent = (answer.body && answer.body.error_message) || 'the upload failed';
    }
  });
  url.addEventListener('change', () => { showPreview(); onChange(); });
  url.addEventListener('input', onChange);
  const node = el('div', { class: 'field', dataset: { field: path } }, label, url,
    el('div', { class: 'upload' }, upload, status), help, preview, error);
  return {
    node,
    get: () => (url.value === '' ? undefined : url.value),
    set: (v) => { url.value = String(v); showPreview(); },
    error: errorSetter(error, url),
    control: url,
  };
}

function acceptOf(name, spec) {
  const what = name + ' ' + (spec.format || '');
  if (/video/.test(what)) return 'video/*';
  if (/audio/.test(what)) return 'audio/*';
  return 'image/*';
}

/** A list of objects (multi_prompt, elements) as rows to add and remove. */
function rowsField(name, spec, label, help, error, onChange, path) {
  const rows = [];
  const list = el('ol', { class: 'rows' });
  const itemSpec = spec.items;
  const add = el('button', { type: 'button', class: 'secondary', text: 'Add ' + (spec.title || name).toLowerCase().replace(/s$/, '') });
  const limit = () => { add.disabled = spec.maxItems !== undefined && rows.length >= spec.maxItems; };
  const addRow = (value = {}) => {
    const index = rows.length;
    const subfields = new Map();
    const item = el('li', { class: 'row' });
    for (const [sub, subSpec] of Object.entries(itemSpec.properties || {})) {
      const f = makeField(sub, subSpec, (itemSpec.required || []).includes(sub), onChange, `${path}[${index}].${sub}`);
      subfields.set(sub, f);
      item.append(f.node);
      const v = sub in value ? value[sub] : subSpec.default;
      if (v !== undefined) f.set(v);
    }
    const row = { item, subfields };
    item.append(el('button', {
      type: 'button', class: 'secondary remove', text: 'Remove',
      on: { click: () => { rows.splice(rows.indexOf(row), 1); item.remove(); renumber(); limit(); onChange(); } },
    }));
    rows.push(row);
    list.append(item);
    limit();
  };
  const renumber = () => {
    rows.forEach((row, i) => {
      for (const [sub, f] of row.subfields) {
        const p = `${path}[${i}].${sub}`;
        f.control.name = p;
        f.node.dataset.field = p;
      }
    });
  };
  add.addEventListener('click', () => { addRow(); onChange(); list.lastElementChild.querySelector('input, textarea, select').focus(); });
  const node = el('fieldset', { class: 'field rows-field', dataset: { field: path } },
    el('legend', { text: spec.title || name }), help, list, add, error);
  return {
    node,
    rows,
    get: () => {
      if (rows.length === 0) return undefined;
      return rows.map((row) => {
        const out = {};
        for (const [sub, f] of row.subfields) {
          const v = f.get();
          if (v !== undefined) out[sub] = v;
        }
        return out;
      });
    },
    set: (values) => { rows.splice(0).forEach((r) => r.item.remove()); (values || []).forEach((v) => addRow(v)); },
    error: (message, p) => {
      rows.forEach((row) => row.subfields.forEach((f) => f.error('')));
      error.textContent = '';
      const match = p && p.match(/^[^[]+\[(\d+)\]\.([^.[]+)/);
      if (message && match && rows[Number(match[1])] && rows[Number(match[1])].subfields.get(match[2])) {
        rows[Number(match[1])].subfields.get(match[2]).error(message);
      } else {
        error.textContent = message ? (p && p !== path ? p + ': ' : '') + message : '';
      }
    },
    control: add,
  };
}

/** multi_prompt's durations added up, shown against duration (they must be equal). */
function durationSum(fields, onChange) {
  const segments = fields.get('multi_prompt');
  const duration = fields.get('duration');
  if (!segments || !duration || !segments.rows) return null;
  const out = el('p', { class: 'sum', id: 'multi-prompt-sum', role: 'status', 'aria-live': 'polite' });
  const update = () => {
    const rows = segments.get() || [];
    if (rows.length === 0) { out.textContent = ''; return; }
    const total = rows.reduce((s, r) => s + (Number(r.duration) || 0), 0);
    const want = duration.get();
    out.textContent = `Segments: ${total} s of ${want ?? '?'} s` + (total === want ? ' ✓' : ' (they must add up to the duration)');
    out.classList.toggle('warn', total !== want);
  };
  segments.node.addEventListener('input', update);
  segments.node.addEventListener('click', () => setTimeout(update));
  duration.node.addEventListener('input', update);
  return { node: out, update };
}
