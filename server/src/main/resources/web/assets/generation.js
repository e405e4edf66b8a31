// One generation: the input as applied, the player, metadata, the event log; run again, edit and
// run, cancel, delete the outputs.
import { el, page, clear, money, when } from './dom.js';
import { get, post, request, messageOf } from './api.js';
import { player, followRequest } from './progress.js';

// The open event stream of the generation on screen, closed when the page is drawn again.
let stream = null;

export async function showGeneration(id, notice = '') {
  if (stream) stream.close();
  const [status, result] = await Promise.all([get('/v1/requests/' + id + '/status'), get('/v1/requests/' + id + '/result')]);
  if (!status.ok) {
    page('Generation', el('p', { class: 'error', role: 'alert', text: messageOf(status) }));
    return;
  }
  const s = status.body;
  const r = result.body;
  const input = (r.metadata && r.metadata.input) || {};
  const message = el('p', { role: 'status', id: 'action-status', text: notice });
  const run = el('section', { class: 'run', id: 'run' });
  const actions = el('div', { class: 'actions' },
    el('button', {
      type: 'button', id: 'run-again', text: 'Run again',
      on: {
        click: async () => {
          const again = await post('/v1/models/' + s.model_id, input);
          if (again.ok) location.assign('/library/' + again.body.request_id);
          else message.textContent = messageOf(again);
        },
      },
    }),
    el('a', { class: 'button secondary', id: 'edit-and-run', href: '/playground/' + s.model_id + '?from=' + encodeURIComponent(id), text: 'Edit and run' }),
    s.status === 'in_queue' || s.status === 'in_progress'
      ? el('button', {
        type: 'button', class: 'secondary', id: 'cancel', text: 'Cancel',
        on: {
          click: async () => {
            const c = await post('/v1/requests/' + id + '/cancel');
            if (c.ok) showGeneration(id, 'Cancel: ' + c.body.outcome);
            else message.textContent = messageOf(c);
          },
        },
      })
      : null,
    ['completed', 'failed', 'cancelled'].includes(s.status) && !r.outputs_deleted_at && r.output
      ? el('button', {
        type: 'button', class: 'danger', id: 'delete-outputs', text: 'Delete outputs',
        on: {
          click: async () => {
            const d = await request('DELETE', '/v1/requests/' + id);
            // Drawn again in place rather than reloaded, so the answer stays on screen with the page
            // that now says the outputs are gone.
            if (d.ok) showGeneration(id, 'Deleted ' + d.body.deleted_files + ' file(s)');
            else message.textContent = messageOf(d);
          },
        },
      })
      : null);
  const usage = r.metadata && r.metadata.usage;
  const facts = el('dl', { class: 'facts', id: 'facts' },
    el('dt', { text: 'Model' }), el('dd', {}, el('a', { href: '/playground/' + s.model_id, text: s.model_id })),
    el('dt', { text: 'Status' }), el('dd', {}, el('span', { class: 'badge ' + s.status, id: 'status', text: s.status })),
    el('dt', { text: 'Created' }), el('dd', { text: when(s.created_at) }),
    el('dt', { text: 'Finished' }), el('dd', { text: when(s.finished_at) }),
    el('dt', { text: 'Cost' }), el('dd', { text: money(usage && usage.cost_usd) }),
    el('dt', { text: 'Video' }), el('dd', { text: usage && usage.video_seconds !== undefined ? usage.video_seconds + ' s' : '—' }));
  const log = el('ol', { class: 'logs', id: 'event-log' });
  page('Generation',
    el('p', { class: 'muted mono', text: id }),
    actions, message,
    el('div', { class: 'playground' },
      el('div', { class: 'card' },
        r.output && !r.outputs_deleted_at ? player(r) : null,
        r.error ? el('p', { class: 'error', text: r.error.code + ': ' + r.error.message }) : null,
        r.outputs_deleted_at ? el('p', { class: 'muted', text: 'Outputs deleted ' + when(r.outputs_deleted_at) }) : null,
        facts),
      el('div', { class: 'side' },
        el('section', { class: 'card' }, el('h2', { text: 'Input' }), el('pre', { id: 'input', text: JSON.stringify(input, null, 2) })),
        el('section', { class: 'card' }, el('h2', { text: 'Events' }), log),
        el('section', { class: 'card' }, el('h2', { text: 'Metadata' }), el('pre', { text: JSON.stringify(r.metadata || {}, null, 2) })))),
    run);
  stream = readLog(id, s, log, run);
}

/** The whole event log from the stream (it replays from the start); live while the job runs. */
function readLog(id, status, log, run) {
  const events = new EventSource(status.events_url);
  const line = (kind, data, text) => log.append(el('li', {}, el('time', { datetime: data.timestamp, text: new Date(data.timestamp).toLocaleTimeString() }), ' ', el('strong', { text: kind }), ' ', text));
  events.addEventListener('status', (e) => {
    const data = JSON.parse(e.data);
    line('status', data, data.status + (data.error ? ' (' + data.error.code + ')' : ''));
    if (['completed', 'failed', 'cancelled'].includes(data.status)) {
      events.close();
      // Drawn again with the outcome: the player, the cost, what can be done now.
      if (status.status !== data.status) setTimeout(() => showGeneration(id), 200);
    }
  });
  events.addEventListener('progress', (e) => { const d = JSON.parse(e.data); line('progress', d, Math.round(d.progress * 100) + '%'); });
  events.addEventListener('log', (e) => { const d = JSON.parse(e.data); line('log', d, d.message); });
  clear(run);
  return events;
}

export { followRequest };
