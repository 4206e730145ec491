"""axe-core finds no violation on any page, signed out and signed in, on a phone and a desktop."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from tests.browser.conftest import Website, link_github, open_context, shown, sign_in

WIDTHS = (390, 1280)


def public_paths(website: Website) -> list[str]:
    leader = website.api("/leaderboard", limit=1)["items"][0]["id"]
    article = website.api("/articles", limit=1)["items"][0]
    return [
        "/",
        "/leaderboard",
        "/participants",
        f"/u/{leader}",
        "/articles",
        f"/t/{article['tags'][0]}",
        f"/articles/{article['id']}/{article['slug']}",
        "/write",
        "/settings",
        "/no/such/page",
    ]


def violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes, e.g. "
        f"{violation['nodes'][0]['target']})"
        for violation in results.response["violations"]
    ]


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def sized(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    context = open_context(browser, width=request.param)
    yield context.new_page()
    context.close()


def test_no_violations_signed_out(sized: Page, website: Website):
    found = {}
    for path in public_paths(website):
        shown(sized, path, website)
        found[path] = violations(sized)
    sized.goto(f"{website.url}/rules.html")
    found["/rules.html"] = violations(sized)
    assert {path: problems for path, problems in found.items() if problems} == {}


def test_no_violations_signed_in(sized: Page, website: Website):
    width = sized.viewport_size["width"] if sized.viewport_size else 0
    sign_in(sized, website, f"axe-{width}@example.com")
    found = {"/settings (link)": violations(sized)}
    link_github(sized, website, f"Axe-{width}")
    found["/settings (claim)"] = violations(sized)
    sized.get_by_label("Your name").fill("Axe Checker")
    sized.get_by_role("button", name="Claim this username").click()
    sized.get_by_role("heading", name="Your profile", level=1).wait_for()
    found["/settings"] = violations(sized)
    sized.get_by_role("button", name="Read my journey now").click()
    sized.locator(".result .notice").wait_for()
    found["/settings (refreshed)"] = violations(sized)
    for path in public_paths(website):
        shown(sized, path, website)
        found[path] = violations(sized)
    shown(sized, "/write", website)
    sized.get_by_role("button", name="Publish").click()
    sized.locator(".error-summary").wait_for()
    found["/write (errors)"] = violations(sized)
    assert {path: problems for path, problems in found.items() if problems} == {}


def test_the_check_itself_catches_a_field_without_a_label(page: Page, website: Website):
    shown(page, "/participants", website)
    page.evaluate("document.querySelector('main').append(document.createElement('input'))")
    assert any(problem.startswith("label:") for problem in violations(page))
