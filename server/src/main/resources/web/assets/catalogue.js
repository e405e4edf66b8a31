import { el, page, money } from './dom.js';
import { get } from './api.js';

/** The models this key may use. */
export async function showCatalogue() {
  const answer = await get('/v1/models?limit=100');
  const list = el('ul', { class: 'cards', id: 'models' });
  for (const model of answer.body.models) {
    list.append(el('li', { class: 'card model', dataset: { modelId: model.id } },
      el('h2', {}, el('a', { href: '/playground/' + model.id, text: model.title })),
      el('p', { class: 'muted mono', text: model.id }),
      el('p', { text: model.description }),
      el('dl', { class: 'facts' },
        el('dt', { text: 'Kind' }), el('dd', { text: model.kind }),
        el('dt', { text: 'Engine' }), el('dd', { text: model.engine }),
        el('dt', { text: 'Price' }), el('dd', { text: priceOf(model) }))));
  }
  page('Models', list);
}

function priceOf(model) {
  const p = model.pricing;
  if (!p) return 'not priced';
  const rates = (p.rates || []).map((r) => r.per_second_usd);
  const all = [p.per_second_usd, ...rates].filter((v) => v > 0);
  if (all.length === 0) return p.per_job_usd ? money(p.per_job_usd) + ' per job' : 'free';
  const low = Math.min(...all);
  const high = Math.max(...all);
  const range = low === high ? money(low) : money(low) + '–' + money(high);
  return range + ' per second' + (p.per_job_usd ? ' + ' + money(p.per_job_usd) + ' per job' : '');
}
