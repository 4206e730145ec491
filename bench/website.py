"""The website's speed, in the real browser against the local runtime (the demo behind the site).

For the first view of the home page and of a profile: the bytes of HTML, CSS and JavaScript
transferred (uncompressed; target under 60 KB together), the origins asked (only the site's own,
whose /api is the API, and GitHub's avatars), and the time until the leaderboard's rows or the day
grid are on screen, median and p95 over cold page loads. For every page: the API requests it
makes (target: one per thing shown, all asked for before any answer is awaited, none repeated).
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Request, Route, sync_playwright
from tests.browser.conftest import CHROMIUM_ARGS, open_context, running_website, system_chromium

from bench.cost import measure_cost_figures

BUDGET_BYTES = 60 * 1024
AVATAR_HOSTS = {"github.com", "avatars.githubusercontent.com"}
CODE_TYPES = {"document", "stylesheet", "script"}
DATA_TYPES = ("fetch", "xhr")
# How long a page may take to ask for all of its data while every answer is held back. Only a page
# whose code waits for one answer before asking the next runs into it: it decides nothing when the
# page asks for everything at once, however slow the machine.
HOLD_BOUND_SECONDS = 30


def _first_view(browser: Browser, url: str, ready: str) -> dict[str, Any]:
    """One cold load of `url` in a fresh context: what it fetched, and when `ready` showed."""
    context = open_context(browser)
    page = context.new_page()
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))  # noqa: PLW0108 (Playwright tags the handler)
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(ready, state="visible")
    visible_ms = (time.perf_counter() - started) * 1000
    page.wait_for_load_state("networkidle")
    code_bytes = 0
    for request in requests:
        response = request.response()
        if request.resource_type in CODE_TYPES and response is not None and response.ok:
            code_bytes += len(response.body())
    context.close()
    return {"visibleMs": visible_ms, "codeBytes": code_bytes, "requests": requests}


def _api_calls(requests: list[Request], site: str) -> dict[str, Any]:
    """The page's data requests to the API (its images, such as a profile's progress card, are not)."""
    calls = [r for r in requests if r.url.startswith(f"{site}/api/") and r.resource_type in DATA_TYPES]
    repeated = [url for url, count in Counter(r.url for r in calls).items() if count > 1]
    return {
        "apiRequests": len(calls),
        "repeated": repeated,
        "paths": sorted(urlsplit(r.url).path.removeprefix("/api") for r in calls),
    }


def _asks_all_at_once(browser: Browser, url: str, site: str, ready: str, expected: int) -> bool:
    """Whether the page asks for all `expected` API data requests before it awaits any answer.

    Every data answer is held back until `expected` requests are waiting: a page that fetches in
    parallel gets there, whatever the machine's load; one that awaits an answer before asking for
    the next cannot, and is released after HOLD_BOUND_SECONDS. Decided by what the page's code does,
    not by which request happened to finish first."""
    if expected <= 1:
        return True
    context = open_context(browser)
    page = context.new_page()
    held: list[Route] = []
    releasing = False

    def hold(route: Route) -> None:
        if releasing or route.request.resource_type not in DATA_TYPES:
            route.continue_()
        else:
            held.append(route)

    page.route(f"{site}/api/**", hold)
    page.goto(url)
    deadline = time.monotonic() + HOLD_BOUND_SECONDS
    while len(held) < expected and time.monotonic() < deadline:
        page.wait_for_timeout(20)  # lets Playwright deliver the requests the page makes meanwhile
    all_at_once = len(held) >= expected
    releasing = True
    for route in held:
        route.continue_()
    page.wait_for_selector(ready, state="visible")
    context.close()
    return all_at_once


def measure_website(samples: int) -> dict[str, Any]:
    """First views and each page's API requests in Chromium, and (`cost`) what each public request of
    the pages costs the API, measured on the same demo."""
    with running_website() as website, sync_playwright() as playwright:
        executable = system_chromium()
        browser = playwright.chromium.launch(
            args=CHROMIUM_ARGS, **({"executable_path": executable} if executable else {})
        )
        leader = website.api("/leaderboard", limit=1)["items"][0]["id"]
        article = website.api("/articles", limit=1)["items"][0]
        first_views = {
            "/ (leaderboard rows visible)": ("/", "table.leaderboard tbody tr"),
            "/u/{username} (day grid visible)": (f"/u/{leader}", 'ol.day-grid li[data-day="100"]'),
        }
        pages = {
            "/": ("/", "table.leaderboard tbody tr"),
            "/leaderboard": ("/leaderboard", "table.leaderboard tbody tr"),
            "/participants": ("/participants", "ul.directory li"),
            "/u/{username}": (f"/u/{leader}", "ol.day-grid li"),
            "/articles": ("/articles", "article.article-card"),
            "/articles/{id}": (f"/articles/{article['id']}/{article['slug']}", ".article-body"),
            "/settings (signed out)": ("/settings", "main .page h1"),
        }
        results: dict[str, Any] = {"firstViews": {}, "pages": {}}
        for name, (path, ready) in first_views.items():
            views = [_first_view(browser, f"{website.url}{path}", ready) for _ in range(samples)]
            times = sorted(view["visibleMs"] for view in views)
            origins = {
                urlsplit(r.url).netloc for view in views for r in view["requests"] if r.url.startswith("http")
            }
            site_origin = urlsplit(website.url).netloc
            results["firstViews"][name] = {
                "codeBytes": views[0]["codeBytes"],
                "medianMs": round(statistics.median(times), 1),
                "p95Ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
                "otherOrigins": sorted(origins - {site_origin} - AVATAR_HOSTS),
            }
        for name, (path, ready) in pages.items():
            view = _first_view(browser, f"{website.url}{path}", ready)
            calls = _api_calls(view["requests"], website.url)
            calls["parallel"] = _asks_all_at_once(
                browser, f"{website.url}{path}", website.url, ready, calls["apiRequests"]
            )
            results["pages"][name] = calls
        browser.close()
        results["cost"] = measure_cost_figures(website)
    return results


def website_met(results: dict[str, Any]) -> bool:
    views = results["firstViews"].values()
    pages = results["pages"].values()
    return all(view["codeBytes"] < BUDGET_BYTES and not view["otherOrigins"] for view in views) and all(
        page["parallel"] and not page["repeated"] for page in pages
    )


def website_table(results: dict[str, Any]) -> str:
    lines = [
        f"{'website, first view (Chromium)':<38} {'HTML+CSS+JS':>11} {'median ms':>9} {'p95 ms':>7}"
        "  other origins",
        "-" * 90,
    ]
    for name, view in results["firstViews"].items():
        others = ", ".join(view["otherOrigins"]) or "none"
        lines.append(
            f"{name:<38} {view['codeBytes'] / 1024:>9.1f}KB {view['medianMs']:>9.1f} "
            f"{view['p95Ms']:>7.1f}  {others}"
        )
    lines += [
        "",
        f"{'website page':<26} {'API requests':>12} {'parallel':>8} {'repeated':>8}  what",
        "-" * 100,
    ]
    for name, page in results["pages"].items():
        lines.append(
            f"{name:<26} {page['apiRequests']:>12} {'yes' if page['parallel'] else 'NO':>8} "
            f"{len(page['repeated']):>8}  {' '.join(page['paths'])}"
        )
    lines.append(
        "target (first view under 60 KB of HTML, CSS and JS; no other origin; API requests in parallel, "
        f"none repeated): {'met' if website_met(results) else 'NOT MET'}"
    )
    lines.append("(times are to the rows or the grid on screen, with the emulator's API latency inside)")
    return "\n".join(lines)


if __name__ == "__main__":
    found = measure_website(5)
    print(website_table(found))
