// This key's generations, newest first, with filters and pages.
import { el, page, money, when } from './dom.js';
import { get } from './api.js';

const STATES = ['in_queue', 'in_progress', 'completed', 'failed', 'cancelled'];

export async function showLibrary() {
  const params = new URLSearchParams(location.search);
  const models = (await get('/v1/models?limit=100')).body.models;
  const filters = el('form', { class: 'filters', method: 'get', action: '/library', role: 'search' },
    el('label', { for: 'filter-model', text: 'Model' }),
    el('select', { id: 'filter-model', name: 'model' }, el('option', { value: '', text: 'all' }),
      models.map((m) => el('option', { value: m.id, text: m.title, selected: params.get('model') === m.id }))),
    el('label', { for: 'filter-status', text: 'Status' }),
    el('select', { id: 'filter-status', name: 'status' }, el('option', { value: '', text: 'all' }),
      STATES.map((s) => el('option', { value: s, text: s, selected: params.get('status') === s }))),
    el('button', { type: 'submit', class: 'secondary', text: 'Filter' }));
  const query = new URLSearchParams({ limit: '12' });
  for (const name of ['model', 'status', 'cursor']) if (params.get(name)) query.set(name, params.get(name));
  const answer = await get('/v1/requests?' + query);
  const list = el('ul', { class: 'library', id: 'library' });
  const results = await Promise.all(answer.body.requests.map((r) => get('/v1/requests/' + r.request_id + '/result')));
  answer.body.requests.forEach((summary, i) => list.append(item(summary, results[i].body || {})));
  if (answer.body.requests.length === 0) list.append(el('li', { class: 'muted', text: 'No generations yet: open a model and make one.' }));
  const more = answer.body.next_cursor
    ? el('a', { class: 'button secondary', id: 'next-page', href: '/library?' + new URLSearchParams({ ...Object.fromEntries(params), cursor: answer.body.next_cursor }), text: 'Older' })
    : null;
  page('Library', filters, list, more);
}

function item(summary, result) {
  const input = (result.metadata && result.metadata.input) || {};
  const output = result.output || {};
  const usage = result.metadata && result.metadata.usage;
  const poster = output.image || (output.images || [])[0];
  const media = output.video && !poster
    ? el('video', { src: output.video, muted: true, preload: 'metadata' })
    : poster ? el('img', { src: poster, alt: '' }) : el('div', { class: 'placeholder', text: summary.status });
  return el('li', { class: 'card generation', dataset: { requestId: summary.request_id, status: summary.status } },
    el('a', { href: '/library/' + summary.request_id, class: 'thumb', 'aria-label': 'Open ' + summary.request_id }, media),
    el('div', {},
      el('p', { class: 'prompt', text: input.prompt || '(no prompt)' }),
      el('p', { class: 'muted mono', text: summary.model_id }),
      el('p', {}, el('span', { class: 'badge ' + summary.status, text: summary.status }),
        input.duration ? ' · ' + input.duration + ' s' : '',
        ' · ' + money(usage && usage.cost_usd),
        ' · ', el('time', { datetime: summary.created_at, text: when(summary.created_at) }))));
}
