// "/participants": everyone, by username, and a box that opens a profile by GitHub username.
import { h, append, time } from "../dom.js";
import { get, query } from "../api.js";
import { avatar, participantLink, loadMore, emptyNote, profilePath } from "../components.js";

const PAGE = 20;

const person = (participant) =>
  h(
    "li",
    { dataset: { username: participant.id } },
    avatar(participant, 40),
    h("span", {}, participantLink(participant), h("span", { class: "meta" }, ` @${participant.id} · ${participant.daysCompleted}/100 days · joined `, time(participant.dateJoined))),
  );

export default async function participants(view, { title, signal, announce, navigate }) {
  title("Participants", "Everyone taking part in #100DaysOfCloud.");
  const page = await get(`/users${query({ limit: PAGE })}`, { signal });
  const input = h("input", { id: "find-username", name: "username", type: "text", autocomplete: "off", spellcheck: "false", required: true, pattern: "[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}", "aria-describedby": "find-hint" });
  const form = h(
    "form",
    { class: "inline-form", role: "search", "aria-label": "Open a profile" },
    h("label", { for: "find-username" }, "Open a profile by GitHub username"),
    h("p", { id: "find-hint", class: "hint" }, "Any case: octocat, OctoCat and OCTOCAT open the same profile."),
    h("div", { class: "row" }, input, h("button", { type: "submit" }, "Open profile")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    navigate(profilePath(input.value.trim()));
  });
  const list = h("ul", { class: "people directory" }, page.items.map(person));
  append(view, 
    h("h1", {}, "Participants"),
    form,
    h("h2", {}, "Everyone, by username"),
    page.items.length ? list : emptyNote("Nobody has joined yet."),
    loadMore({ path: "/users", parameters: { limit: PAGE }, cursor: page.nextCursor, list, renderItem: person, announce, noun: "more participant" }),
  );
}
