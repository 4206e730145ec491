// "/write" and "/articles/{id}/edit": write or edit an article, in Markdown.
import { h, append } from "../dom.js";
import { request, enc } from "../api.js";
import { articlePath, problemBox, notice, replaceNotice } from "../components.js";
import { user, signIn } from "../auth.js";
import { me } from "../me.js";
import { field, showProblems, clearProblems, values } from "../forms.js";

const API_FIELDS = { coverImage: "coverImage", canonicalUrl: "canonicalUrl" };

export function signInFirst(view, what) {
  append(view, 
    h("h1", {}, "Sign in first"),
    h("p", {}, `Sign in to ${what}.`),
    h("button", { type: "button", on: { click: () => signIn() } }, "Sign in"),
  );
}

export default async function write(view, { params: [id], title, signal, navigate }) {
  const editing = Boolean(id);
  title(editing ? "Edit article" : "Write an article");
  if (!user()) return signInFirst(view, editing ? "edit your article" : "write an article");
  const [mine, loaded] = await Promise.all([me(), editing ? request(`/articles/${enc(id)}`, { signal }) : null]);
  const existing = loaded?.body;
  // The version being edited: saving sends it as If-Match, so an edit made elsewhere meanwhile is
  // never overwritten unseen.
  let version = loaded?.etag;
  if (!mine?.participant) {
    append(view, h("h1", {}, "Claim your GitHub username first"), h("p", {}, "Articles are written by participants. ", h("a", { href: "/settings" }, "Claim your GitHub username"), " first."));
    return;
  }
  const form = h(
    "form",
    { class: "stacked", novalidate: true },
    field({ name: "title", label: "Title", value: existing?.title, attributes: { required: true, maxlength: 150 } }),
    field({ name: "description", label: "Description (optional)", hint: "One or two sentences shown in lists, up to 300 characters.", multiline: true, value: existing?.description, attributes: { maxlength: 300, rows: 2 } }),
    field({ name: "body", label: "Body", hint: "Markdown: # headings, **bold**, [links](https://…), ``` code ```, lists.", multiline: true, value: existing?.body, attributes: { required: true, rows: 16 } }),
    field({ name: "tags", label: "Tags", hint: "1 to 4 tags separated by spaces or commas: lower-case letters, digits or hyphens, e.g. aws networking.", value: existing?.tags.join(" "), attributes: { required: true, autocomplete: "off", spellcheck: "false" } }),
    field({ name: "coverImage", label: "Cover image URL (optional)", hint: "An https:// address of an image.", type: "url", value: existing?.coverImage, attributes: { inputmode: "url" } }),
    field({ name: "canonicalUrl", label: "Canonical URL (optional)", hint: "Where the article was first published, if elsewhere (https://).", type: "url", value: existing?.canonicalUrl, attributes: { inputmode: "url" } }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, editing ? "Save changes" : "Publish"), editing ? h("a", { class: "button secondary", href: articlePath(existing) }, "Cancel") : null),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearProblems(form);
    const entered = values(form, ["coverImage", "canonicalUrl"]);
    const article = { ...entered, tags: entered.tags.split(/[\s,]+/).filter(Boolean) };
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const { body } = editing
        ? await request(`/articles/${enc(id)}`, { method: "PUT", body: article, signedIn: true, headers: { "If-Match": version } })
        : await request(`/users/${enc(mine.participant.id)}/articles`, { method: "POST", body: article, signedIn: true });
      navigate(articlePath(body));
    } catch (error) {
      if (error.status === 400 || error.status === 413) showProblems(form, error, (name) => API_FIELDS[name] || name.split(".")[0]);
      else if (error.status === 412) {
        const current = await request(`/articles/${enc(id)}`).catch(() => null);
        version = current?.etag ?? version;
        replaceNotice(form, notice(h("p", {},
          "This article was changed elsewhere (another tab or device) since you opened it. Your text is still here: ",
          h("a", { href: articlePath(existing), target: "_blank", rel: "noopener" }, "open the current version"),
          " to compare, then save again to replace it with yours.",
        ), "error"));
      } else {
        form.querySelector(".problem")?.remove();
        form.prepend(problemBox(error, editing ? "The article was not saved" : "The article was not published"));
      }
    } finally {
      button.disabled = false;
    }
  });
  append(view, h("h1", {}, editing ? "Edit article" : "Write an article"), form);
}
