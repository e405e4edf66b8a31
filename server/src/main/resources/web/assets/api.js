// The /v1 API with the session cookie: the browser sends the HttpOnly cookie itself; every change
// carries the session's CSRF token, which the page learns from GET /web/session.

let session = null;

export function currentSession() {
  return session;
}

/** Who is signed in; null when nobody is (the page then shows the sign-in). */
export async function loadSession() {
  const answer = await fetch('/web/session', { credentials: 'same-origin' });
  const body = answer.ok ? await answer.json() : null;
  session = body && body.signed_in ? body : null;
  return session;
}

export async function signIn(apiKey) {
  const answer = await request('POST', '/web/session', { api_key: apiKey });
  if (answer.ok) session = answer.body;
  return answer;
}

export async function signOut() {
  await request('DELETE', '/web/session');
  session = null;
}

/** One call: { ok, status, body } (body parsed when JSON). */
export async function request(method, path, body, extraHeaders = {}) {
  const headers = { ...extraHeaders };
  if (session && method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = session.csrf_token;
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const answer = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  const type = answer.headers.get('Content-Type') || '';
  let parsed = null;
  if (type.includes('application/json')) parsed = await answer.json();
  else if (answer.status !== 204) parsed = await answer.text();
  return { ok: answer.ok, status: answer.status, body: parsed };
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body);

/** The error's human message, from the seed error body. */
export function messageOf(answer) {
  const body = answer.body;
  if (body && typeof body === 'object') {
    return body.error_message || body.message || (body.error && body.error.message) || JSON.stringify(body);
  }
  return String(body || ('HTTP ' + answer.status));
}
