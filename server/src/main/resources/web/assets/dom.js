// Builds DOM nodes. Every value is set as text or as an attribute, never parsed as markup, so a
// prompt holding <script> or onerror= stays text wherever the app shows it.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else if (name === 'on') for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name === 'value') node.value = value;
    else if (name === 'checked') node.checked = Boolean(value);
    else if (name.startsWith('on')) throw new Error('no inline handlers: use on: {...}');
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

/** The page's main area, emptied, with a heading. */
export function page(title, ...children) {
  const main = clear(document.getElementById('main'));
  document.title = title + ' · Kino';
  main.append(el('h1', { text: title }));
  append(main, children);
  return main;
}

export function money(usd) {
  if (usd === undefined || usd === null) return '—';
  return '$' + Number(usd).toFixed(usd < 1 ? 3 : 2);
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString();
}

/** A button that copies text, saying so for screen readers too. */
export function copyButton(getText, label = 'Copy') {
  const status = el('span', { class: 'copied', role: 'status', 'aria-live': 'polite' });
  const button = el('button', {
    type: 'button', class: 'secondary', text: label,
    on: {
      click: async () => {
        try {
          await navigator.clipboard.writeText(getText());
          status.textContent = 'Copied';
        } catch (e) {
          status.textContent = 'Select the text and copy it';
        }
      },
    },
  });
  return el('span', {}, button, status);
}
