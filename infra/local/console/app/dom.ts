/**
 * The only way the console puts anything on the page: elements made with DOM calls, text as
 * text nodes. Values come from users (names, reasons, e-mails), so no HTML string is ever
 * parsed; there is no innerHTML anywhere in the console.
 */
export type Child = Node | string | number | null | undefined | false;

export interface Props {
  readonly class?: string;
  /** Attributes set with setAttribute (never event handlers: use `on`). */
  readonly attrs?: Readonly<Record<string, string | undefined>>;
  readonly on?: { readonly [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

function setAttrs(el: Element, attrs: Readonly<Record<string, string | undefined>> | undefined): void {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (/^on/i.test(name)) throw new Error(`event handler attribute ${name}: use props.on`);
    if (value !== undefined) el.setAttribute(name, value);
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  setAttrs(el, props.attrs);
  for (const [type, listener] of Object.entries(props.on ?? {})) el.addEventListener(type, listener as EventListener);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Readonly<Record<string, string | number | undefined>> = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, v === undefined ? undefined : String(v)])));
  append(el, children);
  return el;
}

/** Replaces what a container shows. */
export function show(container: Element, ...children: Child[]): void {
  container.replaceChildren();
  append(container, children);
}
