// A request followed live: queue position, a progress bar and log lines from its events stream
// (EventSource with the stream's own token), then the video.
import { el, clear, copyButton } from './dom.js';
import { get } from './api.js';

const FINAL = new Set(['completed', 'failed', 'cancelled']);

export function followRequest(node, submitted) {
  const id = submitted.request_id;
  const state = el('p', { class: 'state', id: 'run-status' }, 'Status: ', el('strong', { text: 'in_queue' }));
  const queue = el('p', { class: 'muted', id: 'queue-position' });
  const bar = el('progress', { id: 'progress', max: 1, value: 0, 'aria-label': 'Progress' });
  const logs = el('ol', { class: 'logs', id: 'logs' });
  const out = el('div', { class: 'output', id: 'output' });
  clear(node).append(el('h2', {}, 'Request ', el('a', { href: '/library/' + id, class: 'mono', text: id })),
    state, queue, bar, el('details', { open: true }, el('summary', { text: 'Log' }), logs), out);
  const setState = (s) => { state.querySelector('strong').textContent = s; };
  return new Promise((resolve) => {
    const poll = setInterval(async () => {
      const status = await get('/v1/requests/' + id + '/status');
      if (!status.ok) return;
      if (status.body.queue_position !== undefined && status.body.status === 'in_queue') {
        queue.textContent = 'Queue position: ' + status.body.queue_position;
      } else {
        queue.textContent = '';
      }
    }, 1000);
    const stream = new EventSource(submitted.events_url);
    const finish = async (final) => {
      stream.close();
      clearInterval(poll);
      setState(final);
      queue.textContent = '';
      const result = await get('/v1/requests/' + id + '/result');
      if (final === 'completed') {
        bar.value = 1;
        clear(out).append(player(result.body));
      } else if (result.body.error) {
        clear(out).append(el('p', { class: 'error', role: 'alert', text: result.body.error.code + ': ' + result.body.error.message }));
      }
      resolve(result.body);
    };
    stream.addEventListener('status', (e) => {
      const data = JSON.parse(e.data);
      setState(data.status);
      if (FINAL.has(data.status)) finish(data.status);
    });
    stream.addEventListener('progress', (e) => { bar.value = JSON.parse(e.data).progress; });
    stream.addEventListener('log', (e) => {
      const data = JSON.parse(e.data);
      logs.append(el('li', {}, el('time', { datetime: data.timestamp, text: new Date(data.timestamp).toLocaleTimeString() }), ' ', data.message));
    });
  });
}

/** The output's video with its poster, a download and a copyable link. */
export function player(result) {
  const output = result.output || {};
  const video = output.video || (output.videos || [])[0];
  if (!video) return el('pre', { text: JSON.stringify(output, null, 2) });
  const poster = output.image || (output.images || [])[0];
  return el('figure', { class: 'player' },
    el('video', { id: 'video', src: video, poster, controls: true, playsinline: true, preload: 'metadata' }),
    el('figcaption', {},
      el('a', { href: video, download: 'kino-' + result.request_id + '.mp4', class: 'button', text: 'Download' }), ' ',
      copyButton(() => video, 'Copy link')));
}
