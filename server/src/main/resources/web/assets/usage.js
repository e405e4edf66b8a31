// Usage: totals, a chart over time by model (SVG drawn here, no library), a CSV download. A user key
// sees its own; an admin key everyone's.
import { el, page, money } from './dom.js';
import { get } from './api.js';

const SVG = 'http://www.w3.org/2000/svg';
const COLORS = ['#6d5dfc', '#e4572e', '#17bebb', '#ffc914', '#76b041', '#c45ab3', '#4c8dff'];

export async function showUsage() {
  const params = new URLSearchParams(location.search);
  const from = params.get('from') || monthStart();
  const to = params.get('to') || '';
  const range = new URLSearchParams({ from });
  if (to) range.set('to', to);
  const byModel = (await get('/v1/usage?group_by=model&' + range)).body;
  const series = await Promise.all(byModel.usage.map(async (m) => ({
    model: m.model,
    days: (await get('/v1/usage?group_by=day&model_id=' + encodeURIComponent(m.model) + '&' + range)).body.usage,
  })));
  const totals = byModel.usage.reduce((t, r) => ({
    jobs: t.jobs + r.jobs, video: t.video + r.video_seconds, run: t.run + r.run_seconds,
  }), { jobs: 0, video: 0, run: 0 });
  const filter = el('form', { class: 'filters', method: 'get', action: '/usage' },
    el('label', { for: 'usage-from', text: 'From' }), el('input', { id: 'usage-from', name: 'from', type: 'date', value: from.substring(0, 10) }),
    el('label', { for: 'usage-to', text: 'To' }), el('input', { id: 'usage-to', name: 'to', type: 'date', value: to.substring(0, 10) }),
    el('button', { type: 'submit', class: 'secondary', text: 'Show' }));
  page('Usage', filter,
    el('dl', { class: 'totals', id: 'usage-totals' },
      el('div', {}, el('dt', { text: 'Cost' }), el('dd', { id: 'total-cost', text: money(byModel.total_cost_usd) })),
      el('div', {}, el('dt', { text: 'Jobs' }), el('dd', { id: 'total-jobs', text: totals.jobs })),
      el('div', {}, el('dt', { text: 'Video' }), el('dd', { text: totals.video.toFixed(1) + ' s' })),
      el('div', {}, el('dt', { text: 'Run time' }), el('dd', { text: totals.run.toFixed(1) + ' s' }))),
    el('figure', { class: 'card' }, chart(series), el('figcaption', { text: 'Cost per day, by model' }), legend(series)),
    el('div', { class: 'table-wrap' }, el('table', { id: 'usage-by-model' },
      el('thead', {}, el('tr', {}, ['Model', 'Jobs', 'Completed', 'Video (s)', 'Run (s)', 'Cost'].map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, byModel.usage.map((r) => el('tr', { dataset: { model: r.model } },
        el('td', { class: 'mono', text: r.model }), el('td', { text: r.jobs }), el('td', { text: r.completed }),
        el('td', { text: r.video_seconds.toFixed(1) }), el('td', { text: r.run_seconds.toFixed(1) }),
        el('td', { class: 'cost', text: money(r.cost_usd) })))))),
    el('p', {}, el('a', { class: 'button secondary', id: 'usage-csv', href: '/v1/usage?group_by=day&format=csv&' + range, download: 'kino-usage.csv', text: 'Download CSV' })));
}

function monthStart() {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
}

/** Stacked bars: one per day, one colour per model. */
function chart(series) {
  const days = [...new Set(series.flatMap((s) => s.days.map((d) => d.day)))].sort();
  const width = 640;
  const height = 220;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Cost per day by model');
  svg.setAttribute('id', 'usage-chart');
  if (days.length === 0) {
    const t = document.createElementNS(SVG, 'text');
    t.setAttribute('x', 20); t.setAttribute('y', 40); t.textContent = 'No usage in this range.';
    svg.append(t);
    return svg;
  }
  const totals = days.map((d) => series.reduce((sum, s) => sum + (s.days.find((x) => x.day === d)?.cost_usd || 0), 0));
  const top = Math.max(...totals, 0.001);
  const slot = (width - 40) / days.length;
  days.forEach((day, i) => {
    let y = height - 20;
    series.forEach((s, k) => {
      const cost = s.days.find((x) => x.day === day)?.cost_usd || 0;
      const h = (cost / top) * (height - 40);
      if (h <= 0) return;
      const rect = document.createElementNS(SVG, 'rect');
      rect.setAttribute('x', 30 + i * slot + slot * 0.15);
      rect.setAttribute('width', slot * 0.7);
      rect.setAttribute('y', y - h);
      rect.setAttribute('height', h);
      rect.setAttribute('fill', COLORS[k % COLORS.length]);
      const title = document.createElementNS(SVG, 'title');
      title.textContent = `${day} ${s.model}: ${money(cost)}`;
      rect.append(title);
      svg.append(rect);
      y -= h;
    });
    const label = document.createElementNS(SVG, 'text');
    label.setAttribute('x', 30 + i * slot + slot / 2);
    label.setAttribute('y', height - 5);
    label.setAttribute('text-anchor', 'middle');
    label.setAttribute('class', 'axis');
    label.textContent = day.substring(5);
    svg.append(label);
  });
  return svg;
}

function legend(series) {
  return el('ul', { class: 'legend' }, series.map((s, k) => el('li', {},
    el('span', { class: 'swatch c' + (k % COLORS.length) }), ' ', s.model)));
}
