import { el, page } from './dom.js';
import { signIn, messageOf } from './api.js';

/** The sign-in form; after it, the page the visitor asked for. */
export function showSignIn(next) {
  const error = el('p', { class: 'error', role: 'alert', id: 'sign-in-error' });
  const input = el('input', {
    id: 'api_key', name: 'api_key', type: 'password', required: true,
    autocomplete: 'current-password', spellcheck: 'false', 'aria-describedby': 'api_key-help',
  });
  const form = el('form', { class: 'card narrow', method: 'post', action: '/web/session' },
    el('label', { for: 'api_key', text: 'API key' }),
    input,
    el('p', { class: 'help', id: 'api_key-help', text: 'The key is checked once, then kept only by the server for this session (12 hours). Sign out ends it.' }),
    error,
    el('button', { type: 'submit', text: 'Sign in' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const answer = await signIn(input.value);
    if (answer.ok) {
      location.assign(next.startsWith('/') && !next.startsWith('//') ? next : '/');
    } else {
      error.textContent = messageOf(answer);
      input.focus();
    }
  });
  page('Sign in', form);
  input.focus();
}
