// @ts-check
/** Small DOM helpers. Server data goes into the page through textContent only, never as HTML. */

/**
 * The element with this id, checked to be of the expected kind (a missing or wrong element is a
 * bug in index.html, so it throws at once rather than failing later).
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{ new (): T, prototype: T }} [kind]
 * @returns {T}
 */
export function byId(id, kind) {
  const node = document.getElementById(id);
  const expected = kind ?? HTMLElement;
  if (!(node instanceof expected)) throw new Error(`console: #${id} is missing or not a ${expected.name}`);
  return /** @type {T} */ (node);
}

/**
 * A new element with optional text (set as textContent) and class.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string | number | null} [text]
 * @param {string} [className]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

/**
 * A `<button type="button">` that runs `onClick`.
 * @param {string} text
 * @param {() => void} onClick
 * @param {string} [className]
 */
export function button(text, onClick, className) {
  const node = el('button', text, className);
  node.type = 'button';
  node.addEventListener('click', onClick);
  return node;
}

/** @param {Node} node */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/**
 * The status line every view writes to (a polite live region).
 * @param {string} text
 */
export function say(text) {
  byId('status').textContent = text;
}

/**
 * Adds a name and value to a `<dl>`; empty values are left out, objects shown as JSON.
 * @param {HTMLElement} list
 * @param {string} name
 * @param {unknown} value
 */
export function fact(list, name, value) {
  if (value === undefined || value === null || value === '') return;
  list.appendChild(el('dt', name));
  list.appendChild(el('dd', typeof value === 'object' ? JSON.stringify(value) : String(value)));
}
