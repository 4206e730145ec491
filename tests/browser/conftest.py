"""The website in a real browser: headless Chromium (the system's), driven by Playwright, against the
local site (`web/` served with /api forwarded to the local runtime, which runs the demo).

Every request the page makes stays on loopback: anything else (GitHub avatars, cover images) is
aborted before it leaves, so avatars show their initials, as they do when an image cannot load.

`make test` runs these in a pytest process of their own (`pytest tests/browser`): the demo runtime
lives for the whole run, and local runtimes alive at once in one process share its environment.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from hdoc.local.demo import demo_github, github_oauth_app, seed_demo
from hdoc.local.edge_cache import EdgeCache
from hdoc.local.gateway import LocalServer
from hdoc.local.runtime import LocalRuntime
from hdoc.local.site import LocalWebsite

NOT_LOOPBACK = re.compile(r"^(?!(?:https?|wss?)://(?:localhost|127\.0\.0\.1)(?::\d+)?(?:/|$)).+")
CHROMIUM_NAMES = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome")
# Chromium's own background traffic would try to leave the machine; none of it is needed here.
# Every wait is for a condition, bounded generously: a loaded machine makes a page slower, never wrong.
PAGE_TIMEOUT_MS = 15_000
expect.set_options(timeout=PAGE_TIMEOUT_MS)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


def system_chromium() -> str | None:
    """The system's Chromium ($HDOC_CHROMIUM, or one on the PATH); `make browser` installs Debian's
    chromium-headless-shell when there is none. None: Playwright's own download, if any (when that
    is missing too, launching fails with Playwright's message saying how to install one)."""
    configured = os.environ.get("HDOC_CHROMIUM")
    return configured or next(filter(None, (shutil.which(name) for name in CHROMIUM_NAMES)), None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    executable = system_chromium()
    return {
        **browser_type_launch_args,
        **({"executable_path": executable} if executable else {}),
        "args": CHROMIUM_ARGS,
    }


@dataclass
class Website:
    url: str
    api_url: str
    runtime: LocalRuntime
    edge: EdgeCache | None = None  # the site server's CloudFront-like cache of /api/*

    def api(self, path: str, **params: Any) -> Any:
        answer = requests.get(f"{self.api_url}{path}", params=params, timeout=30)
        answer.raise_for_status()
        return answer.json()

    def everything(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of a paged listing, following nextCursor."""
        items: list[dict[str, Any]] = []
        cursor = None
        for _ in range(100):
            page = self.api(path, **params, **({"cursor": cursor} if cursor else {}))
            items += page["items"]
            cursor = page["nextCursor"]
            if not cursor:
                return items
        raise AssertionError(f"{path} has more than 100 pages")


@pytest.fixture(scope="session")
def website() -> Iterator[Website]:
    with running_website() as running:
        yield running


@pytest.fixture(autouse=True)
def cold_edge(request: pytest.FixtureRequest) -> None:
    """Each test starts with the site's /api cache empty, as if its reader came to a cold edge: the
    tests are about pages, and what one test changed must not stay hidden from the next for a minute
    behind an answer cached before it (tests/e2e/test_edge_cache.py is about the cache)."""
    if "website" in request.fixturenames:
        website = request.getfixturevalue("website")
        if website.edge is not None:
            website.edge.clear()


@contextmanager
def running_website() -> Iterator[Website]:
    """The demo (participants with journeys read by the statistics parser, articles) behind the site."""
    site = LocalWebsite("127.0.0.1", 0)
    github = demo_github("local-github-token")
    github_parameters, secret_values = github_oauth_app(github)
    runtime = LocalRuntime(parameters={**site.parameters, **github_parameters}, secret_values=secret_values)
    runtime.start()
    api = LocalServer(runtime, "127.0.0.1", 0).start()
    try:
        seed_demo(runtime)
        site.start(runtime, api.gateway, api.url)
        yield Website(url=site.url, api_url=api.url, runtime=runtime, edge=site.site.edge)
    finally:
        site.stop()
        api.stop()
        runtime.stop()
        github.stop()


@dataclass
class Watched:
    """What went wrong in the page: script errors, console errors, dialogs."""

    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def _console(watched: Watched, message: ConsoleMessage) -> None:
    # An aborted off-machine image (an avatar) is logged as a failed resource; that is expected here.
    if message.type == "error" and "Failed to load resource" not in message.text:
        watched.errors.append(message.text)


def open_context(browser: Browser, width: int = 1280, **options: Any) -> BrowserContext:
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    context.route(NOT_LOOPBACK, lambda route: route.abort())
    return context


@pytest.fixture
def watched() -> Watched:
    return Watched()


@pytest.fixture
def page(browser: Browser, watched: Watched) -> Iterator[Page]:
    context = open_context(browser)
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.on("console", lambda message: _console(watched, message))
    page.on("pageerror", lambda error: watched.errors.append(str(error)))

    def dialog(opened: Any) -> None:
        watched.dialogs.append(opened.message)
        opened.dismiss()

    page.on("dialog", dialog)
    yield page
    context.close()


def shown(page: Page, path: str, site: Website) -> Page:
    """Open `path` on the site and wait until its page is rendered."""
    page.goto(f"{site.url}{path}")
    page.wait_for_selector("main .page")
    return page


def sign_in(page: Page, site: Website, email: str, *, admin: bool = False, start: str = "/settings") -> None:
    """Sign in through the hosted-UI stand-in, as a person would, and land back on `start`."""
    shown(page, start, site)
    page.get_by_role("banner").get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/oauth2/authorize.*"))
    page.get_by_label("Email address").fill(email)
    if admin:
        page.get_by_label("Sign in as an admin").check()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site.url}{start}")  # through /auth/callback, which goes on to `start`
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Signed in")
    page.wait_for_selector("main:not([aria-busy]) .page h1")
    page.get_by_role("link", name="Your profile").wait_for()


def load_all(page: Page, items: str, most_pages: int = 30) -> None:
    """Press "Load more" until it is gone, each time waiting for more `items` to appear."""
    for _ in range(most_pages):
        more = page.get_by_role("button", name="Load more")
        if not more.is_visible():
            return
        count = page.locator(items).count()
        more.click()
        expect(page.locator(items)).not_to_have_count(count)
    raise AssertionError(f"still more than {most_pages} pages of {items}")


def link_github(page: Page, site: Website, login: str) -> None:
    """On the profile page: link the GitHub account `login` through the fake GitHub's page."""
    page.get_by_role("button", name=re.compile("^Link (your GitHub account|again)$")).click()
    page.wait_for_url(re.compile(r".*/login/oauth/authorize.*"))
    page.get_by_label("GitHub login").fill(login)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{site.url}/settings")  # through /auth/github, which goes on to /settings
    expect(page.get_by_role("heading", level=1)).not_to_have_text("GitHub account linked")
    page.wait_for_selector("main:not([aria-busy]) .page h1")


def claim(page: Page, site: Website, username: str, name: str) -> None:
    """Link `username` on GitHub, then claim it as a participant called `name`."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Link your GitHub account")
    link_github(page, site, username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Claim your GitHub username")
    expect(page.get_by_label("Your GitHub username")).to_have_value(username)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Claim this username").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
