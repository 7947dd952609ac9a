/**
 * A tiny DOM builder: `h("button", { class: "x", onclick }, "Label")`. No framework; views
 * rebuild their own subtree and `keepFocus` puts keyboard focus back where it was.
 */

type Child = Node | string | number | null | undefined | false | readonly Child[];

/** Attributes: strings and numbers become attributes, booleans toggle them, functions on* are listeners. */
export type Attrs = Readonly<
  Record<string, string | number | boolean | null | undefined | ((ev: Event) => void)>
>;

function append(el: Element | DocumentFragment, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (typeof child === "string" || typeof child === "number") el.appendChild(document.createTextNode(String(child)));
  else if (child instanceof Node) el.appendChild(child);
  else for (const c of child) append(el, c);
}

/** Creates an element with attributes, listeners and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (typeof value === "function") {
        el.addEventListener(key.replace(/^on/, ""), value);
      } else if (value === true) {
        el.setAttribute(key, "");
      } else if (key === "value" && (el instanceof HTMLInputElement || el instanceof HTMLSelectElement)) {
        el.value = String(value);
      } else {
        el.setAttribute(key, String(value));
      }
    }
  }
  for (const c of children) append(el, c);
  return el;
}

/** Replaces every child of `el` with `children`. */
export function mount(el: Element, ...children: Child[]): void {
  const frag = document.createDocumentFragment();
  for (const c of children) append(frag, c);
  el.replaceChildren(frag);
}

/**
 * Runs `render`, then puts focus back on the element with the same `data-key` as the one that
 * had focus before (or on `fallback` when it is gone), so a live re-render never throws a
 * keyboard player out of the hand.
 */
export function keepFocus(root: Element, render: () => void, fallback?: string): void {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && root.contains(active) ? active.dataset["key"] : undefined;
  render();
  if (key === undefined) return;
  const again = root.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
  const target = again ?? (fallback !== undefined ? root.querySelector<HTMLElement>(fallback) : null);
  target?.focus();
}
