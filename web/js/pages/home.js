// "/": what the challenge is, how to join, and the community at a glance.
import { h, append, formatNumber, time } from "../dom.js";
import { get } from "../api.js";
import { avatar, participantLink, articleCard, emptyNote, tagPath } from "../components.js";
import { leaderboardTable } from "./leaderboard.js";

export default async function home(view, { title, signal }) {
  title("", "Learn cloud computing one day at a time, in public, for 100 days.");
  const [leaders, recent, articles, tags] = await Promise.all([
    get("/leaderboard?limit=5", { signal }),
    get("/users/recent?limit=10", { signal }),
    get("/articles?limit=5", { signal }),
    get("/tags?limit=20", { signal }),
  ]);
  append(view, 
    h(
      "section",
      { class: "hero", "aria-labelledby": "intro" },
      h("h1", { id: "intro" }, "#100DaysOfCloud"),
      h("p", { class: "lead" }, "Learn cloud computing one day at a time, in public. Write what you learned each day in your journey repository for 100 days, share it, and see how far the community has come."),
      h(
        "ol",
        { class: "steps" },
        h("li", {}, h("strong", {}, "Copy the journey template"), " into a repository of your own on GitHub, named 100DaysOfCloud."),
        h("li", {}, h("strong", {}, "Sign in"), " here with your email address."),
        h("li", {}, h("strong", {}, "Claim your GitHub username"), " in ", h("a", { href: "/settings" }, "your profile"), ", and your days appear on the leaderboard as you write them."),
      ),
    ),
    h(
      "div",
      { class: "columns" },
      h(
        "section",
        { "aria-labelledby": "top" },
        h("h2", { id: "top" }, "Top of the leaderboard"),
        leaders.items.length ? h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": "Top five" }, leaderboardTable(leaders.items, { caption: "The five highest scores", compact: true }).table) : emptyNote("Nobody has a score yet."),
        h("p", {}, h("a", { href: "/leaderboard" }, "The whole leaderboard")),
      ),
      h(
        "section",
        { "aria-labelledby": "newest" },
        h("h2", { id: "newest" }, "Newest participants"),
        recent.items.length
          ? h("ul", { class: "people" }, recent.items.map((person) => h("li", {}, avatar(person, 32), participantLink(person), h("span", { class: "meta" }, " joined ", time(person.dateJoined)))))
          : emptyNote("Nobody has joined yet."),
        h("p", {}, h("a", { href: "/participants" }, "Every participant")),
      ),
    ),
    h(
      "div",
      { class: "columns" },
      h(
        "section",
        { "aria-labelledby": "latest" },
        h("h2", { id: "latest" }, "Latest articles"),
        articles.items.length ? articles.items.map((article) => articleCard(article)) : emptyNote("No article yet."),
        h("p", {}, h("a", { href: "/articles" }, "Every article")),
      ),
      h(
        "section",
        { "aria-labelledby": "tags" },
        h("h2", { id: "tags" }, "Popular tags"),
        tags.items.length
          ? h("ul", { class: "tag-cloud" }, tags.items.map((tag) => h("li", {}, h("a", { href: tagPath(tag.tag) }, `#${tag.tag}`), h("span", { class: "count" }, ` ${formatNumber(tag.count)}`))))
          : emptyNote("No tag yet."),
      ),
    ),
  );
}
