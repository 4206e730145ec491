// Forms in the GOV.UK way: a visible label on every field, an error summary that links to each
// field in error, and each field saying what is wrong next to it.
import { h } from "./dom.js";

/** A labelled field: {name, label, hint?, type?, multiline?, value?, attributes?}. */
export function field({ name, label, hint, type = "text", multiline = false, value = "", attributes = {} }) {
  const id = `field-${name}`;
  const described = [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(" ");
  const control = multiline
    ? h("textarea", { id, name, "aria-describedby": described, ...attributes })
    : h("input", { id, name, type, "aria-describedby": described, ...attributes });
  control.value = value ?? "";
  return h(
    "div",
    { class: "field", dataset: { field: name } },
    h("label", { for: id }, label),
    hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null,
    h("p", { class: "field-error", id: `${id}-error`, hidden: true }),
    control,
  );
}

export function clearProblems(form) {
  form.querySelector(".error-summary")?.remove();
  for (const wrapper of form.querySelectorAll(".field.has-error")) {
    wrapper.classList.remove("has-error");
    wrapper.querySelector("[aria-invalid]")?.removeAttribute("aria-invalid");
    const message = wrapper.querySelector(".field-error");
    message.hidden = true;
    message.textContent = "";
  }
}

/** Show an API error on the form: each invalid parameter next to its field (`fieldFor` maps the
 * API's parameter name, e.g. "tags.0", to a field name), the rest in the summary. */
export function showProblems(form, error, fieldFor = (name) => name.split(".")[0]) {
  clearProblems(form);
  const others = [];
  const reasons = new Map(); // field name -> its distinct reasons (tags.0 and tags.2 are one field)
  for (const problem of error.invalidParams || []) {
    const name = fieldFor(problem.name);
    if (!form.querySelector(`.field[data-field="${CSS.escape(name)}"]`)) {
      others.push(h("li", {}, `${problem.name} ${problem.reason}`));
      continue;
    }
    if (!reasons.has(name)) reasons.set(name, new Set());
    reasons.get(name).add(problem.reason);
  }
  const items = [];
  for (const [name, found] of reasons) {
    const wrapper = form.querySelector(`.field[data-field="${CSS.escape(name)}"]`);
    const text = `${wrapper.querySelector("label").textContent} ${[...found].join("; ")}`;
    wrapper.classList.add("has-error");
    wrapper.querySelector("input, textarea").setAttribute("aria-invalid", "true");
    const message = wrapper.querySelector(".field-error");
    message.hidden = false;
    message.textContent = text;
    items.push(h("li", {}, h("a", { href: `#field-${name}` }, text)));
  }
  items.push(...others);
  if (!items.length) items.push(h("li", {}, error.message));
  const summary = h(
    "div",
    { class: "error-summary", role: "alert", tabindex: "-1", "aria-labelledby": "error-summary-title" },
    h("h2", { id: "error-summary-title" }, error.invalidParams?.length ? "There is a problem" : error.title || "There is a problem"),
    h("ul", {}, items),
  );
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#field-']");
    if (!link) return;
    event.preventDefault();
    form.querySelector(link.getAttribute("href"))?.focus();
  });
  form.prepend(summary);
  summary.focus();
}

/** Text fields' values by name; empty optional ones as null. */
export function values(form, optional = []) {
  const found = {};
  for (const [name, value] of new FormData(form).entries()) {
    const text = String(value).trim();
    found[name] = optional.includes(name) && !text ? null : text;
  }
  return found;
}
