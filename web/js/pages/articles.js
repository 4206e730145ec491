// "/articles" and "/t/{tag}" (and "/articles?author="): newest first, with "Load more".
import { h, append } from "../dom.js";
import { get, query } from "../api.js";
import { articleCard, loadMore, emptyNote } from "../components.js";
import { config } from "../config.js";

const PAGE = 10;

function feedLink(tag) {
  document.querySelectorAll('link[rel="alternate"][data-page]').forEach((link) => link.remove());
  const href = `${config().apiBaseUrl}/feeds/articles.atom${query({ tag })}`;
  document.head.append(h("link", { rel: "alternate", type: "application/atom+xml", title: tag ? `Articles tagged ${tag}` : "Articles", href, "data-page": "" }));
  return href;
}

export default async function articles(view, { params: [tag], search, title, signal, announce }) {
  const author = tag ? null : search.get("author");
  const parameters = { limit: PAGE, tag, author };
  const page = await get(`/articles${query(parameters)}`, { signal });
  const heading = tag ? `Articles tagged #${tag}` : author ? `Articles by ${author}` : "Articles";
  title(heading, tag ? `#100DaysOfCloud articles tagged ${tag}.` : "What #100DaysOfCloud participants write.");
  const feed = feedLink(tag);
  const list = h("div", { class: "article-list" }, page.items.map((article) => articleCard(article, "h2")));
  append(view, 
    h("h1", {}, heading),
    h("p", { class: "meta" }, "Newest first. ", h("a", { href: feed }, tag ? `Feed of #${tag} (Atom)` : "Feed (Atom)"), tag ? [" · ", h("a", { href: "/articles" }, "All articles")] : null),
    page.items.length ? list : emptyNote(tag ? `No article is tagged #${tag} yet.` : "No article yet."),
    loadMore({ path: "/articles", parameters, cursor: page.nextCursor, list, renderItem: (article) => articleCard(article, "h2"), announce, noun: "more article" }),
    h("p", {}, h("a", { href: "/write" }, "Write an article")),
  );
}
