// Any path the site does not know, and anything the API says is not there.
import { h, append } from "../dom.js";

export default function notFound(view, { title, detail }) {
  title("Page not found");
  append(view, 
    h("h1", {}, "Page not found"),
    h("p", {}, detail || "There is no page at this address. It may have moved, or the link may be mistyped."),
    h("ul", {}, h("li", {}, h("a", { href: "/" }, "Go to the home page")), h("li", {}, h("a", { href: "/participants" }, "Find a participant")), h("li", {}, h("a", { href: "/articles" }, "Read the articles"))),
  );
}
