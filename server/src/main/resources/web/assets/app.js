// The web app's entry: who is signed in, then the page the path names. Every page is a plain link
// (the server answers each with this same shell), so the browser's history, reload and new tabs
// work as they do on any site.
import { el, clear } from './dom.js';
import { loadSession, signOut, currentSession } from './api.js';
import { showSignIn } from './signin.js';
import { showCatalogue } from './catalogue.js';
import { showPlayground } from './playground.js';
import { showLibrary } from './library.js';
import { showGeneration } from './generation.js';
import { showKeys } from './keys.js';
import { showUsage } from './usage.js';

const routes = [
  [/^\/$/, () => showCatalogue()],
  [/^\/playground\/(.+)$/, (m) => showPlayground(decodeURIComponent(m[1]))],
  [/^\/library\/?$/, () => showLibrary()],
  [/^\/library\/([^/]+)$/, (m) => showGeneration(decodeURIComponent(m[1]))],
  [/^\/keys\/?$/, () => showKeys()],
  [/^\/usage\/?$/, () => showUsage()],
];

function nav(path) {
  const links = [['/', 'Models'], ['/library', 'Library'], ['/usage', 'Usage']];
  if (currentSession().admin) links.push(['/keys', 'Keys']);
  const items = links.map(([href, label]) => {
    const current = href === '/' ? path === '/' || path.startsWith('/playground/') : path.startsWith(href);
    return el('a', { href, text: label, 'aria-current': current ? 'page' : null });
  });
  const out = el('button', {
    type: 'button', class: 'link', text: 'Sign out', id: 'sign-out',
    on: { click: async () => { await signOut(); location.assign('/sign-in'); } },
  });
  return [...items, el('span', { class: 'who', text: currentSession().key_id }), out];
}

async function start() {
  const path = location.pathname;
  const session = await loadSession();
  const navNode = clear(document.getElementById('nav'));
  if (!session) {
    showSignIn(path === '/sign-in' ? '/' : path + location.search);
    return;
  }
  if (path === '/sign-in') {
    location.replace('/');
    return;
  }
  navNode.append(...nav(path));
  for (const [pattern, show] of routes) {
    const match = path.match(pattern);
    if (match) {
      await show(match);
      return;
    }
  }
}

start().catch((e) => {
  const main = clear(document.getElementById('main'));
  main.append(el('p', { class: 'error', role: 'alert', text: 'Something went wrong: ' + e.message }));
});
