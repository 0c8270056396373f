/** Attributes and properties `h` may set. Text only: there is no way to pass HTML. */
export interface Props {
  readonly [key: string]: string | number | boolean | undefined | ((e: Event) => void);
}

/** A child: an element or text (always inserted as a Text node, so markup stays inert). */
export type Child = Node | string | number | null | undefined | false;

/**
 * Create an element. `on…` props add listeners; other props become attributes; children
 * are appended, strings as text nodes. Security: the renderer never uses innerHTML with
 * data; this helper is how every view is built.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

/** Append children as nodes; strings become text nodes. */
export function append(parent: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replace all children of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** The element with `id`, or a clear error naming the page bug. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`element #${id} missing from the page; rebuild the renderer`);
  return el as T;
}
