// "/u/{username}": a participant, their numbers, every day of their journey, and their articles.
import { h, append, formatNumber, formatTime, formatDate, time, plural } from "../dom.js";
import { get, enc, query } from "../api.js";
import { config } from "../config.js";
import { avatar, articleCard, emptyNote, rulesLink, streakText, verifiedMark } from "../components.js";
import { openGraph } from "../app.js";

const DAYS = 100;
const STATES = {
  counted: { label: "counted", mark: "✓" },
  "not-counted": { label: "does not count", mark: "!" },
  missing: { label: "not written", mark: "" },
};

function links(participant) {
  const items = [["GitHub", participant.githubProfile]];
  if (participant.twitterProfile) items.push(["Twitter", `https://twitter.com/${participant.twitterProfile}`]);
  if (participant.linkedinProfile) items.push(["LinkedIn", `https://www.linkedin.com/in/${participant.linkedinProfile}`]);
  return h("ul", { class: "links" }, items.map(([name, url]) => h("li", {}, h("a", { href: url, rel: "me noopener", target: "_blank" }, `${name}: ${url.replace(/^https:\/\/(www\.)?/, "")}`))));
}

function stat(label, value, detail) {
  return h("div", { class: "stat" }, h("dt", {}, label), h("dd", {}, h("span", { class: "value" }, value), detail ? h("span", { class: "detail" }, detail) : null));
}

function dayCell(day, entry) {
  const state = !entry ? "missing" : entry.counts ? "counted" : "not-counted";
  const label = `Day ${day}: ${STATES[state].label}`;
  const number = h("span", { class: "day-number", "aria-hidden": "true" }, String(day));
  const mark = h("span", { class: "day-mark", "aria-hidden": "true" }, STATES[state].mark);
  const spoken = h("span", { class: "visually-hidden" }, entry?.date ? `${label}, ${formatDate(entry.date)}` : label);
  const title = entry?.title ? `${label} — ${entry.title}` : label;
  const content = entry?.urls?.length
    ? h("a", { href: entry.urls[0], title, rel: "noopener", target: "_blank" }, number, mark, spoken)
    : h("span", { class: "day-box", title }, number, mark, spoken);
  const cell = h("li", { class: `day ${state}`, dataset: { day, state } }, content);
  if (state === "not-counted") {
    cell.append(h("span", { class: "visually-hidden" }, ` (${entry.reason}; see the list of days that do not count)`));
  }
  return cell;
}

function dayGrid(report) {
  const byDay = new Map((report?.entries || []).map((entry) => [entry.day, entry]));
  const cells = [];
  for (let day = 1; day <= DAYS; day += 1) cells.push(dayCell(day, byDay.get(day)));
  const notCounted = (report?.entries || []).filter((entry) => !entry.counts);
  return [
    h(
      "ul",
      { class: "legend", "aria-label": "Legend" },
      Object.entries(STATES).map(([state, { label, mark }]) => h("li", {}, h("span", { class: `swatch day ${state}`, "aria-hidden": "true" }, mark), label)),
    ),
    h("ol", { class: "day-grid", "aria-label": "100 days, one cell per day" }, cells),
    notCounted.length
      ? h(
          "section",
          { "aria-labelledby": "not-counted" },
          h("h3", { id: "not-counted" }, "Days that do not count"),
          h(
            "ul",
            { class: "reasons" },
            notCounted.map((entry) =>
              h("li", { id: `day-${entry.day}`, dataset: { day: entry.day } }, h("strong", {}, `Day ${entry.day}`), entry.title ? ` (${entry.title})` : "", `: ${entry.reason}. `, "See ", rulesLink("#2-when-a-day-is-completed"), "."),
            ),
          ),
        )
      : null,
  ];
}

function breakdownTable(report) {
  return h(
    "table",
    { class: "breakdown" },
    h("caption", {}, "How the score adds up"),
    h("thead", {}, h("tr", {}, ["Rule", "Count", "Points each", "Points"].map((text, index) => h("th", { scope: "col", class: index ? "num" : null }, text)))),
    h(
      "tbody",
      {},
      report.breakdown.map((rule) => h("tr", {}, h("th", { scope: "row" }, rule.rule), h("td", { class: "num" }, formatNumber(rule.count)), h("td", { class: "num" }, formatNumber(rule.pointsEach)), h("td", { class: "num" }, formatNumber(rule.points)))),
    ),
    h("tfoot", {}, h("tr", {}, h("th", { scope: "row", colspan: "3" }, "Score"), h("td", { class: "num" }, formatNumber(report.totals.score)))),
  );
}

function journeyStatus(journey) {
  if (journey.status === "ok") return null;
  const pending = journey.status === "pending";
  const detail = journey.statusDetail || (pending ? "not read yet: hdoc reads every journey every hour" : `status: ${journey.status}`);
  const sentence = `${detail.charAt(0).toUpperCase()}${detail.slice(1)}${/[.!?]$/.test(detail) ? "" : "."}`;
  return h(
    "div",
    { class: pending ? "notice" : "notice warning", role: "note" },
    h("p", {}, pending ? null : h("strong", {}, "The journey could not be read. "), sentence),
  );
}

function copyLine(id, label, text) {
  const field = h("input", { id, value: text, readonly: true, spellcheck: "false", on: { focus: (event) => event.target.select() } });
  const button = h("button", { type: "button", class: "secondary" }, "Copy");
  button.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = "Copied";
    } catch {
      button.textContent = "Press Ctrl+C";
    }
  });
  return h("div", { class: "field copy-line" }, h("label", { for: id }, label), h("div", { class: "row" }, field, button));
}

/** The images a participant embeds in their README, and the Markdown lines to paste. */
function progressImages(participant) {
  const images = new URL(`${config().apiBaseUrl}/users/${enc(participant.id)}`, location.href).href;
  const page = new URL(`/u/${enc(participant.id)}`, location.href).href;
  return h(
    "section",
    { "aria-labelledby": "share" },
    h("h2", { id: "share" }, "Progress card for a README"),
    h("p", {}, "Paste a line into your journey's README or your GitHub profile: the image stays current by itself. Add ", h("code", {}, "?theme=dark"), " to the card's address for the dark theme."),
    h("img", { class: "progress-card", src: `${images}/card.svg`, alt: `${participant.name}'s #100DaysOfCloud progress card`, width: 495, height: 195, loading: "lazy" }),
    copyLine("card-markdown", "Card (Markdown)", `[![My #100DaysOfCloud](${images}/card.svg)](${page})`),
    h("img", { class: "progress-badge", src: `${images}/badge.svg`, alt: `${participant.name}'s #100DaysOfCloud badge`, height: 20, loading: "lazy" }),
    copyLine("badge-markdown", "Badge (Markdown)", `[![#100DaysOfCloud](${images}/badge.svg)](${page})`),
  );
}

export default async function profile(view, { params: [username], title, signal }) {
  const [participant, journey, articles] = await Promise.all([
    get(`/users/${enc(username)}`, { signal }),
    get(`/users/${enc(username)}/journey`, { signal }),
    get(`/articles${query({ author: username, limit: 5 })}`, { signal }),
  ]);
  const report = journey.report;
  const streaks = report?.streaks || {};
  title(`${participant.name} (@${participant.id})`, `${participant.name} on #100DaysOfCloud: ${participant.daysCompleted} of 100 days, ${participant.score} CloudCoins.`);
  openGraph({
    "og:type": "profile",
    "og:url": location.href,
    "og:description": `${participant.daysCompleted} of 100 days done, ${participant.score} CloudCoins.`,
    "og:image": participant.avatarImage,
    "profile:username": participant.id,
  });
  append(view, 
    h(
      "header",
      { class: "profile-head" },
      avatar(participant, 96),
      h(
        "div",
        {},
        h("h1", {}, participant.name),
        h("p", { class: "meta" }, `@${participant.id} · joined `, time(participant.dateJoined)),
        participant.verified
          ? h("p", {}, verifiedMark(participant, { long: true }))
          : h("p", { class: "meta unverified" }, "Not verified: this participant has not linked their GitHub account yet."),
        links(participant),
      ),
    ),
    journeyStatus(journey),
    h(
      "dl",
      { class: "stats" },
      stat("Score", `${formatNumber(participant.score)} CloudCoins`),
      stat("Days done", `${participant.daysCompleted} of 100`),
      stat("Current streak", plural(participant.githubStreak, "day"), streaks.current ? streakText(streaks.current) : null),
      stat("Longest streak", plural(participant.longestStreak, "day"), streaks.longest ? streakText(streaks.longest) : null),
    ),
    h(
      "section",
      { "aria-labelledby": "journey" },
      h("h2", { id: "journey" }, "The journey, day by day"),
      h("p", { class: "meta" }, `From ${journey.repository}. `, journey.lastRefreshedAt ? ["Last read ", time(journey.lastRefreshedAt, formatTime(journey.lastRefreshedAt)), "."] : "Not read yet.", " ", rulesLink()),
      dayGrid(report),
    ),
    report
      ? h("section", { "aria-labelledby": "score" }, h("h2", { id: "score" }, "Score breakdown"), breakdownTable(report))
      : null,
    progressImages(participant),
    h(
      "section",
      { "aria-labelledby": "articles" },
      h("h2", { id: "articles" }, "Articles"),
      articles.items.length ? articles.items.map((article) => articleCard(article)) : emptyNote(`${participant.name} has not written an article yet.`),
      articles.nextCursor ? h("p", {}, h("a", { href: `/articles?author=${enc(participant.id)}` }, "Every article by ", participant.name)) : null,
    ),
  );
}
