// Small functions that return markup for one thing each.
import { h, formatDate, plural, time, formatNumber } from "./dom.js";
import { get, query } from "./api.js";

export const profilePath = (username) => `/u/${encodeURIComponent(username)}`;
export const articlePath = (article) => `/articles/${article.id}/${article.slug}`;
export const tagPath = (tag) => `/t/${encodeURIComponent(tag)}`;
export const rulesLink = (anchor = "") => h("a", { href: `/rules.html${anchor}` }, "how days count");

function initials(name) {
  const words = String(name || "?").trim().split(/\s+/).filter(Boolean);
  return ((words[0]?.[0] || "?") + (words.length > 1 ? words[words.length - 1][0] : "")).toUpperCase();
}

/** The participant's GitHub avatar; their initials when it cannot load (never a broken image). */
export function avatar(participant, size = 40) {
  const fallback = h("span", { class: "avatar avatar-initials", "aria-hidden": "true", dataset: { size } }, initials(participant.name));
  if (!participant.avatarImage) return fallback;
  const image = h("img", {
    class: "avatar",
    src: participant.avatarImage,
    alt: "",
    width: size,
    height: size,
    loading: "lazy",
    decoding: "async",
    referrerpolicy: "no-referrer",
  });
  image.addEventListener("error", () => image.replaceWith(fallback), { once: true });
  return image;
}

export const participantLink = (participant) => h("a", { href: profilePath(participant.id) }, participant.name);

export function tagList(tags) {
  return h("ul", { class: "tags", "aria-label": "Tags" }, tags.map((tag) => h("li", {}, h("a", { href: tagPath(tag) }, `#${tag}`))));
}

export function articleCard(article, headingLevel = "h3") {
  return h(
    "article",
    { class: "card article-card" },
    h(headingLevel, {}, h("a", { href: articlePath(article) }, article.title)),
    article.description ? h("p", {}, article.description) : null,
    h(
      "p",
      { class: "meta" },
      "by ",
      h("a", { href: profilePath(article.author) }, article.author),
      " · ",
      time(article.createdAt),
      " · ",
      `${article.readingTimeMinutes} min read`,
    ),
    tagList(article.tags),
  );
}

/** An API error in words, from its problem document. */
/** A short message in a box: "success" (a status) or "error" (an alert). */
export function notice(text, kind = "success") {
  const paragraph = text instanceof Node ? text : h("p", {}, text);
  return h("div", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, paragraph);
}

/** Put `element` before `anchor`, in place of the notice or problem already there, and bring it
 * into view (a long form's button is far below it). */
export function replaceNotice(anchor, element) {
  anchor.parentElement.querySelector(":scope > .notice, :scope > .problem")?.remove();
  anchor.before(element);
  element.scrollIntoView({ block: "nearest" });
}

export function problemBox(error, heading = "Something went wrong") {
  return h(
    "div",
    { class: "problem", role: "alert" },
    h("h2", {}, heading),
    h("p", {}, error.message),
    error.status ? h("p", { class: "meta" }, `${error.title} (${error.status})`) : null,
  );
}

export function emptyNote(text) {
  return h("p", { class: "empty" }, text);
}

/** A "Load more" button under a list: fetches the page after `cursor` from `path` and appends its
 * items with `renderItem`; gone on the last page. `announce` reads out how many were added. */
export function loadMore({ path, parameters, cursor, list, renderItem, announce, noun = "more" }) {
  const button = h("button", { type: "button", class: "secondary load-more" }, "Load more");
  let next = cursor;
  const wrapper = h("div", { class: "load-more-row" }, button);
  if (!next) wrapper.hidden = true;
  button.addEventListener("click", async () => {
    button.disabled = true;
    button.textContent = "Loading…";
    if (wrapper.nextElementSibling?.classList.contains("problem")) wrapper.nextElementSibling.remove();
    try {
      const page = await get(`${path}${query({ ...parameters, cursor: next })}`);
      for (const item of page.items) list.append(renderItem(item));
      next = page.nextCursor;
      announce(`${plural(page.items.length, noun)} loaded.`);
      wrapper.hidden = !next;
    } catch (error) {
      wrapper.after(problemBox(error, "Could not load more"));
    } finally {
      button.disabled = false;
      button.textContent = "Load more";
    }
  });
  return wrapper;
}

/** The days-done progress of a participant: "42 of 100 days". */
export function daysDone(participant) {
  return `${formatNumber(participant.daysCompleted)} of 100`;
}

export function streakText(streak) {
  if (!streak) return "none";
  return `${plural(streak.length, "day")} (${formatDate(streak.start)} – ${formatDate(streak.end)})`;
}

/** A destructive action asked twice: `label` opens a question (`question`) with `confirmLabel` and
 * Cancel; confirming runs `act()`, and its error is shown under the question as `failure` says. */
export function confirmedAction({ id, label, question, confirmLabel, failure, act }) {
  const start = h("button", { type: "button", class: "danger" }, label);
  const yes = h("button", { type: "button", class: "danger" }, confirmLabel);
  const no = h("button", { type: "button", class: "secondary" }, "Cancel");
  const result = h("div", { class: "result" });
  const confirm = h("div", { class: "confirm", hidden: true, role: "group", "aria-labelledby": id }, h("p", { id }, question), yes, no);
  start.addEventListener("click", () => {
    confirm.hidden = false;
    no.focus();
  });
  no.addEventListener("click", () => {
    confirm.hidden = true;
    start.focus();
  });
  yes.addEventListener("click", async () => {
    yes.disabled = true;
    result.replaceChildren();
    try {
      await act();
    } catch (error) {
      result.replaceChildren(problemBox(error, failure));
      yes.disabled = false;
    }
  });
  return [start, confirm, result];
}

/** The mark of a participant who proved on GitHub that the username is theirs. */
export function verifiedMark(participant, { long = false } = {}) {
  if (!participant.verified) return null;
  return h(
    "span",
    { class: "verified", title: "Verified on GitHub" },
    h("span", { "aria-hidden": "true" }, "✓"),
    long ? " Verified on GitHub" : h("span", { class: "visually-hidden" }, " verified on GitHub"),
  );
}
