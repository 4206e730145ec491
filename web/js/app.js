// Start-up: read config.json, then route every same-origin link through the History API.
import { loadConfig, config } from "./config.js";
import { start as startAuth, onChange, user, signIn, signOut } from "./auth.js";
import { h, replaceChildren } from "./dom.js";
import { problemBox } from "./components.js";

const ID = "([0-9A-HJKMNP-TV-Z]{26})";
const routes = [
  [/^\/$/, () => import("./pages/home.js")],
  [/^\/leaderboard\/?$/, () => import("./pages/leaderboard.js")],
  [/^\/participants\/?$/, () => import("./pages/participants.js")],
  [/^\/u\/([^/]+)\/?$/, () => import("./pages/profile.js")],
  [/^\/articles\/?$/, () => import("./pages/articles.js")],
  [/^\/t\/([^/]+)\/?$/, () => import("./pages/articles.js")],
  [new RegExp(`^/articles/${ID}/edit/?$`), () => import("./pages/write.js")],
  [new RegExp(`^/articles/${ID}(?:/[^/]*)?/?$`), () => import("./pages/article.js")],
  [/^\/write\/?$/, () => import("./pages/write.js")],
  [/^\/settings\/?$/, () => import("./pages/settings.js")],
  [/^\/auth\/callback\/?$/, () => import("./pages/callback.js")],
  [/^\/auth\/github\/?$/, () => import("./pages/github-callback.js")],
];
// Paths the server answers itself (files, the API, the feed): never routed in the page.
const SERVER_PATHS = /^\/(api|feeds)\/|\.(html|json|svg|png|xml|atom|css|js)$/;

const main = document.getElementById("main");
const status = document.getElementById("status");
let current = null; // the AbortController of the page being shown
let firstView = true; // focus moves to a page's heading only after a navigation

/** Say something to screen readers (loading done, items added, errors). */
export function announce(text) {
  status.textContent = "";
  setTimeout(() => {
    status.textContent = text;
  }, 50);
}

function setMeta(title, description) {
  document.title = title ? `${title} · #100DaysOfCloud` : "#100DaysOfCloud";
  document.querySelector('meta[property="og:title"]').setAttribute("content", title || "#100DaysOfCloud");
  const meta = document.querySelector('meta[name="description"]');
  if (description) meta.setAttribute("content", description);
}

/** Open Graph tags for pages worth sharing (a profile, an article); a plain website otherwise. */
export function openGraph(properties) {
  document.querySelectorAll("meta[data-page]").forEach((meta) => meta.remove());
  for (const [property, content] of Object.entries({ "og:type": "website", ...properties })) {
    if (content) document.head.append(h("meta", { property, content, "data-page": "" }));
  }
}

export function navigate(path, { replace = false } = {}) {
  history[replace ? "replaceState" : "pushState"](null, "", path);
  return show();
}

async function show() {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const path = location.pathname;
  const found = routes.find(([pattern]) => pattern.test(path));
  const params = found ? path.match(found[0]).slice(1).map(decodeURIComponent) : [];
  const load = found ? found[1] : () => import("./pages/not-found.js");
  main.setAttribute("aria-busy", "true");
  openGraph({});
  markCurrentLink(path);
  try {
    const page = await load();
    const view = h("div", { class: "page" });
    const context = {
      params,
      search: new URLSearchParams(location.search),
      signal: controller.signal,
      title: setMeta,
      announce,
      navigate,
    };
    await page.default(view, context);
    if (controller.signal.aborted) return;
    replaceChildren(main, view);
    const heading = main.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      if (!firstView) heading.focus({ preventScroll: true });
    }
    firstView = false;
    window.scrollTo(0, 0);
    announce(document.title);
  } catch (error) {
    if (controller.signal.aborted || error.name === "AbortError") return;
    if (error.status === 404) {
      const notFound = await import("./pages/not-found.js");
      const view = h("div", { class: "page" });
      notFound.default(view, { title: setMeta, detail: error.message });
      replaceChildren(main, view);
    } else {
      setMeta("Something went wrong");
      replaceChildren(main, h("div", { class: "page" }, h("h1", {}, "This page could not be shown"), problemBox(error, "What went wrong")));
    }
    announce(document.title);
  } finally {
    if (current === controller) main.removeAttribute("aria-busy");
  }
}

function markCurrentLink(path) {
  for (const link of document.querySelectorAll(".site-header nav a")) {
    const href = link.getAttribute("href");
    if (path === href || path.startsWith(`${href}/`)) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function renderAccount() {
  const signedIn = user();
  const box = document.getElementById("account");
  if (signedIn) {
    replaceChildren(
      box,
      h("a", { href: "/settings", class: "account-link" }, "Your profile"),
      h("button", { type: "button", class: "secondary", on: { click: () => signOut() } }, "Sign out"),
    );
  } else {
    replaceChildren(box, h("button", { type: "button", on: { click: () => signIn() } }, "Sign in"));
  }
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[href]");
  if (!link || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  if (link.target || link.hasAttribute("download")) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || SERVER_PATHS.test(url.pathname)) return;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return; // in-page anchor
  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
});
window.addEventListener("popstate", () => show());

async function boot() {
  try {
    await loadConfig();
  } catch (error) {
    replaceChildren(main, h("h1", {}, "The site is not configured"), h("p", {}, error.message));
    return;
  }
  document.getElementById("feed-link").href = `${config().apiBaseUrl}/feeds/articles.atom`;
  startAuth();
  onChange(renderAccount);
  renderAccount();
  await show();
}

boot();
