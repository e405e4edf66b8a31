// A model's playground: the form from its schema, a cost estimate that follows it, the submit with
// live progress from the events stream, the video, and the same request as code.
import { el, page, clear, money, copyButton } from './dom.js';
import { get, post, messageOf } from './api.js';
import { buildForm } from './form.js';
import { snippets } from './snippets.js';
import { followRequest, player } from './progress.js';

export async function showPlayground(modelId) {
  const answer = await get('/v1/models/' + modelId);
  if (!answer.ok) {
    page('Playground', el('p', { class: 'error', role: 'alert', text: messageOf(answer) }));
    return;
  }
  const model = answer.body;
  const initial = await startingValues();
  const estimate = el('p', { class: 'estimate', id: 'estimate', role: 'status', 'aria-live': 'polite' });
  const code = el('div', { class: 'snippets', id: 'snippets' });
  let timer;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(() => { updateEstimate(model.id, form.values(), estimate); updateCode(code, model.id, form.values()); }, 250);
  };
  const form = buildForm(model.input_schema, initial, changed);
  const formError = el('p', { class: 'error', role: 'alert', id: 'form-error' });
  const submit = el('button', { type: 'submit', text: 'Generate' });
  const run = el('section', { class: 'run', id: 'run', 'aria-live': 'polite' });
  const formNode = el('form', { id: 'playground', novalidate: true }, form.node, estimate, formError, submit);
  formNode.addEventListener('submit', async (event) => {
    event.preventDefault();
    formError.textContent = '';
    form.showErrors([]);
    submit.disabled = true;
    try {
      const submitted = await post('/v1/models/' + model.id, form.values());
      if (!submitted.ok) {
        const errors = (submitted.body && submitted.body.detail && submitted.body.detail.errors) || [];
        const rest = form.showErrors(errors);
        formError.textContent = errors.length && rest.length === 0 ? 'Some fields need a change (see below each).' : messageOf(submitted);
        return;
      }
      await followRequest(run, submitted.body);
    } finally {
      submit.disabled = false;
    }
  });
  page(model.title,
    el('p', { class: 'muted mono', text: model.id }),
    el('p', { text: model.description }),
    el('div', { class: 'playground' },
      el('div', { class: 'card' }, formNode),
      el('div', { class: 'side' }, run, el('details', { class: 'card', open: true },
        el('summary', { text: 'Code' }), code))));
  form.refresh();
  updateEstimate(model.id, form.values(), estimate);
  updateCode(code, model.id, form.values());
}

/** ?from=<request id>: the playground filled in with that request's input (edit and run). */
async function startingValues() {
  const from = new URLSearchParams(location.search).get('from');
  if (!from) return {};
  const result = await get('/v1/requests/' + encodeURIComponent(from) + '/result');
  return (result.ok && result.body.metadata && result.body.metadata.input) || {};
}

async function updateEstimate(modelId, body, node) {
  const answer = await post('/v1/models/' + modelId + '/estimate', body);
  if (answer.ok && answer.body.priced) {
    const u = answer.body.units;
    node.textContent = `Estimated cost: ${money(answer.body.cost_usd)} (${u.video_seconds} s × ${money(u.per_second_usd)}/s` +
      (u.per_job_usd ? ` + ${money(u.per_job_usd)}` : '') + ')';
  } else if (answer.ok) {
    node.textContent = 'This model has no price.';
  } else {
    node.textContent = 'Estimate: fix the fields first.';
  }
}

/**
 * The code panel: made once, then its snippets' text follows the form (the chosen language stays
 * chosen while the form changes).
 */
function updateCode(node, modelId, body) {
  const all = snippets(location.origin, modelId, body);
  if (node.childElementCount > 0) {
    for (const snippet of all) node.querySelector('#code-' + snippet.lang + ' code').textContent = snippet.code;
    return;
  }
  const tabs = el('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Languages' });
  const panels = [];
  all.forEach((snippet, i) => {
    const tab = el('button', {
      type: 'button', role: 'tab', id: 'tab-' + snippet.lang, 'aria-controls': 'code-' + snippet.lang,
      'aria-selected': i === 0 ? 'true' : 'false', text: snippet.label,
    });
    const code = el('code', { class: 'snippet', dataset: { lang: snippet.lang }, text: snippet.code });
    const panel = el('div', { role: 'tabpanel', id: 'code-' + snippet.lang, 'aria-labelledby': 'tab-' + snippet.lang, hidden: i !== 0 },
      el('pre', {}, code),
      copyButton(() => code.textContent));
    tab.addEventListener('click', () => {
      tabs.querySelectorAll('[role=tab]').forEach((t) => t.setAttribute('aria-selected', String(t === tab)));
      panels.forEach((p) => { p.hidden = p !== panel; });
    });
    tabs.append(tab);
    panels.push(panel);
  });
  clear(node).append(tabs, ...panels);
}

export { player };
