// Keys (admin): the list, a new key (its secret shown once, with a copy button), limits, revoke.
import { el, page, when, copyButton } from './dom.js';
import { get, post, request, messageOf } from './api.js';

export async function showKeys() {
  const answer = await get('/v1/keys');
  if (!answer.ok) {
    page('Keys', el('p', { class: 'error', role: 'alert', text: messageOf(answer) }));
    return;
  }
  const created = el('div', { id: 'created-key', 'aria-live': 'polite' });
  const error = el('p', { class: 'error', role: 'alert', id: 'key-error' });
  const number = (id, label) => [el('label', { for: id, text: label }), el('input', { id, name: id, type: 'number', min: 0, step: 1 })];
  const form = el('form', { class: 'card', id: 'new-key' },
    el('h2', { text: 'New key' }),
    el('label', { for: 'key-name', text: 'Name' }), el('input', { id: 'key-name', name: 'name', required: true }),
    el('div', { class: 'field check' }, el('input', { id: 'key-admin', name: 'admin', type: 'checkbox' }), el('label', { for: 'key-admin', text: 'Admin (may manage keys and see everyone\u2019s usage)' })),
    el('div', { class: 'grid' },
      el('div', {}, ...number('max_running', 'Max running')),
      el('div', {}, ...number('max_queued', 'Max queued')),
      el('div', {}, ...number('submits_per_minute', 'Submits per minute')),
      el('div', {}, el('label', { for: 'budget_usd', text: 'Budget (USD per month)' }), el('input', { id: 'budget_usd', name: 'budget_usd', type: 'number', min: 0, step: 'any' }))),
    el('label', { for: 'key-models', text: 'Models (patterns, one per line; empty: all)' }), el('textarea', { id: 'key-models', name: 'models', rows: 2 }),
    error,
    el('button', { type: 'submit', text: 'Create key' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const limits = {};
    for (const name of ['max_running', 'max_queued', 'submits_per_minute']) {
      const v = form.querySelector('#' + name).value;
      if (v !== '') limits[name] = Number(v);
    }
    const budget = form.querySelector('#budget_usd').value;
    if (budget !== '') { limits.budget_usd = Number(budget); limits.budget_period = 'month'; }
    const patterns = form.querySelector('#key-models').value.split('\n').map((s) => s.trim()).filter(Boolean);
    const body = { name: form.querySelector('#key-name').value, admin: form.querySelector('#key-admin').checked, limits };
    if (patterns.length) body.models = patterns;
    const made = await post('/v1/keys', body);
    if (!made.ok) { error.textContent = messageOf(made); return; }
    created.replaceChildren(el('div', { class: 'card notice' },
      el('p', {}, 'Key ', el('strong', { text: made.body.name }), ' created. Its secret is shown this once:'),
      el('p', {}, el('code', { id: 'new-secret', class: 'secret', text: made.body.secret })),
      copyButton(() => made.body.secret)));
    table.prepend(row(made.body));
    form.reset();
  });
  const table = el('tbody', {}, answer.body.keys.map(row));
  page('Keys', created, form,
    el('div', { class: 'table-wrap' }, el('table', { class: 'keys', id: 'keys' },
      el('thead', {}, el('tr', {}, ['Name', 'Id', 'State', 'Limits', 'Models', 'Created', ''].map((h) => el('th', { scope: 'col', text: h })))),
      table)));
}

function row(key) {
  const limits = Object.entries(key.limits || {}).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => k + ' ' + v).join(', ');
  const state = el('td', { class: 'state', text: key.state });
  const revoke = key.state === 'active'
    ? el('button', {
      type: 'button', class: 'danger', text: 'Revoke', 'aria-label': 'Revoke ' + key.name,
      on: {
        click: async (event) => {
          const answer = await request('DELETE', '/v1/keys/' + key.id);
          if (answer.ok) { state.textContent = 'revoked'; event.target.remove(); }
        },
      },
    })
    : null;
  return el('tr', { dataset: { keyId: key.id } },
    el('td', { text: key.name }), el('td', { class: 'mono', text: key.id }), state,
    el('td', { text: limits || 'none' }), el('td', { text: key.models ? key.models.join(', ') : 'all' }),
    el('td', { text: when(key.created_at) }), el('td', {}, revoke));
}
