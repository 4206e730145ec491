// "/articles/{id}[/{slug}]": one article; its author may edit or delete it, an admin may delete it.
import { h, append, time, formatTime } from "../dom.js";
import { get, request, enc } from "../api.js";
import { profilePath, tagList, articlePath, confirmedAction } from "../components.js";
import { user } from "../auth.js";
import { myUsername } from "../me.js";
import { openGraph } from "../app.js";

/** The article's body: HTML the API rendered from Markdown and sanitized when it was written. */
function body(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  for (const link of template.content.querySelectorAll("a[href]")) link.setAttribute("rel", "nofollow noopener noreferrer");
  return h("div", { class: "article-body" }, template.content);
}

function actions(article, { isAuthor, isAdmin, navigate, announce }) {
  if (!isAuthor && !isAdmin) return null;
  return h(
    "div",
    { class: "actions" },
    isAuthor ? h("a", { class: "button secondary", href: `/articles/${article.id}/edit` }, "Edit") : null,
    confirmedAction({
      id: "confirm-delete",
      label: "Delete",
      question: isAuthor ? "Delete this article? This cannot be undone." : `Delete ${article.author}'s article as an admin? This cannot be undone.`,
      confirmLabel: "Yes, delete it",
      failure: "The article was not deleted",
      act: async () => {
        await request(`/articles/${enc(article.id)}`, { method: "DELETE", signedIn: true });
        announce("The article is deleted.");
        navigate(isAuthor ? profilePath(article.author) : "/articles");
      },
    }),
  );
}

export default async function article(view, { params: [id], title, signal, navigate, announce }) {
  const [found, mine] = await Promise.all([get(`/articles/${enc(id)}`, { signal }), myUsername()]);
  const isAuthor = Boolean(mine) && mine.toLowerCase() === found.author.toLowerCase();
  const isAdmin = Boolean(user()?.isAdmin);
  title(found.title, found.description || `An article by ${found.author}.`);
  if (location.pathname !== articlePath(found)) history.replaceState(null, "", articlePath(found));
  openGraph({
    "og:type": "article",
    "og:url": location.href,
    "og:description": found.description,
    "og:image": found.coverImage,
    "article:published_time": found.createdAt,
    "article:author": found.author,
  });
  append(view, 
    h(
      "article",
      { class: "article" },
      found.coverImage ? h("img", { class: "cover", src: found.coverImage, alt: "", referrerpolicy: "no-referrer" }) : null,
      h("h1", {}, found.title),
      found.description ? h("p", { class: "lead" }, found.description) : null,
      h(
        "p",
        { class: "meta" },
        "by ",
        h("a", { href: profilePath(found.author) }, found.author),
        " · ",
        time(found.createdAt, formatTime(found.createdAt)),
        found.updatedAt !== found.createdAt ? [" · edited ", time(found.updatedAt, formatTime(found.updatedAt))] : null,
        " · ",
        `${found.readingTimeMinutes} min read`,
      ),
      tagList(found.tags),
      actions(found, { isAuthor, isAdmin, navigate, announce }),
      body(found.bodyHtml),
      found.canonicalUrl ? h("p", { class: "meta" }, "First published at ", h("a", { href: found.canonicalUrl, rel: "canonical noopener" }, found.canonicalUrl)) : null,
    ),
  );
}
