// Building DOM from data: text always goes in as text, never as HTML.

/** An element: h("a", {href: "/"}, "Home"). Attributes set with setAttribute; children may be
 * strings, nodes, arrays, or null (skipped). `on: {click: fn}` adds listeners. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "on") {
      for (const [event, listener] of Object.entries(value)) element.addEventListener(event, listener);
    } else if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent, ...children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });
const timeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });
const numberFormat = new Intl.NumberFormat("en");

/** 2026-03-10 or an ISO timestamp as "Mar 10, 2026"; a plain date stays that calendar day. */
export function formatDate(value) {
  if (!value) return "";
  const plain = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = new Date(plain ? `${value}T12:00:00Z` : value);
  return plain
    ? new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" }).format(date)
    : dateFormat.format(date);
}

export const formatTime = (value) => (value ? timeFormat.format(new Date(value)) : "");
export const formatNumber = (value) => numberFormat.format(value ?? 0);

/** A <time> element for a date or timestamp. */
export const time = (value, text = formatDate(value)) => h("time", { datetime: value }, text);

export function plural(count, one, many = `${one}s`) {
  return `${formatNumber(count)} ${count === 1 ? one : many}`;
}
