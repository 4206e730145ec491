// "/leaderboard": everyone with a score, highest first, with the API's ranks (1, 2, 2, 4).
import { h, append, formatNumber, formatTime, time } from "../dom.js";
import { get, query } from "../api.js";
import { avatar, participantLink, loadMore, emptyNote, verifiedMark } from "../components.js";
import { myUsername } from "../me.js";

const PAGE = 20;

function row(participant, mine) {
  const isMine = mine && participant.id.toLowerCase() === mine.toLowerCase();
  return h(
    "tr",
    { class: isMine ? "mine" : null, "aria-current": isMine ? "true" : null, dataset: { username: participant.id } },
    h("td", { class: "num" }, formatNumber(participant.rank)),
    h("th", { scope: "row" }, h("span", { class: "who" }, avatar(participant, 32), participantLink(participant), verifiedMark(participant), isMine ? h("span", { class: "badge" }, "you") : null)),
    h("td", { class: "num" }, formatNumber(participant.score)),
    h("td", { class: "num" }, `${participant.daysCompleted}/100`),
    h("td", { class: "num streak" }, formatNumber(participant.githubStreak)),
    h("td", { class: "num streak" }, formatNumber(participant.longestStreak)),
    h("td", { class: "num optional" }, formatNumber(participant.githubScore)),
    h("td", { class: "num optional" }, formatNumber(participant.twitterScore)),
  );
}

/** The leaderboard as a table; `compact` leaves out the per-source scores. */
export function leaderboardTable(items, { caption, compact = false, mine = null } = {}) {
  const headings = ["Rank", "Participant", "Score", "Days done", "Current streak", "Longest streak", "GitHub score", "Twitter score"];
  const body = h("tbody", {}, items.map((participant) => row(participant, mine)));
  const table = h(
    "table",
    { class: compact ? "leaderboard compact" : "leaderboard" },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, headings.map((text, index) => h("th", { scope: "col", class: index > 5 ? "num optional" : index > 3 ? "num streak" : index === 1 ? null : "num" }, text)))),
    body,
  );
  return { table, body, row: (participant) => row(participant, mine) };
}

export default async function leaderboard(view, { title, signal, announce }) {
  title("Leaderboard", "The #100DaysOfCloud leaderboard: CloudCoins, days done and streaks.");
  const [page, mine] = await Promise.all([get(`/leaderboard${query({ limit: PAGE })}`, { signal }), myUsername()]);
  append(view, h("h1", {}, "Leaderboard"));
  if (!page.items.length) {
    append(view, emptyNote("Nobody has a score yet: write your first day!"));
    return;
  }
  const { table, body, row: renderRow } = leaderboardTable(page.items, {
    caption: "Participants by score (CloudCoins), highest first; equal scores share a rank",
    mine,
  });
  append(view, 
    h("p", { class: "meta" }, "Updated ", time(page.generatedAt, formatTime(page.generatedAt)), ". Scores follow each journey as it is read from GitHub."),
    h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": "Leaderboard table" }, table),
    loadMore({ path: "/leaderboard", parameters: { limit: PAGE }, cursor: page.nextCursor, list: body, renderItem: renderRow, announce, noun: "more participant" }),
  );
}
