"""A person's whole life on the site, signed in through the hosted-UI stand-in: claiming a
username, editing the profile (and losing a race to another tab), writing, refreshing, exporting,
signing out, and deleting the account; an admin's power over articles; sessions that expire."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import Watched, Website, claim, link_github, shown, sign_in


def id_token(page: Page) -> str:
    return json.loads(page.evaluate("sessionStorage.getItem('hdoc.session')"))["idToken"]


def edit_the_profile_and_lose_a_race_with_another_tab(page: Page, website: Website) -> None:
    # Edit the profile
    page.get_by_label("Your name").fill("New Comer Renamed")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".notice.success")).to_have_text("Your profile is saved.")
    assert website.api("/users/newcomer-cloud")["name"] == "New Comer Renamed"

    # Another tab changes the profile: saving here gets 412, and the page says so and reloads it
    bearer = {"Authorization": f"Bearer {id_token(page)}"}
    current = requests.get(f"{website.api_url}/me", headers=bearer, timeout=10)
    elsewhere = requests.patch(
        f"{website.api_url}/me",
        headers={**bearer, "If-Match": current.headers["ETag"]},
        json={"name": "Changed Elsewhere"},
        timeout=10,
    )
    assert elsewhere.status_code == 200
    page.get_by_label("Your name").fill("Mine Wins?")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".notice.error")).to_contain_text("changed elsewhere")
    expect(page.get_by_label("Your name")).to_have_value("Changed Elsewhere")
    assert website.api("/users/newcomer-cloud")["name"] == "Changed Elsewhere"

    # Bad input is shown next to the field it names
    page.get_by_label("Avatar image URL (optional)").fill("http://not-https.example/me.png")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator('.field[data-field="avatarImage"] .field-error')).to_contain_text("https://")
    expect(page.locator(".error-summary a")).to_have_attribute("href", "#field-avatarImage")
    page.get_by_label("Avatar image URL (optional)").fill("")


def refresh_the_journey_and_export(page: Page, tmp_path: Path) -> None:
    # Read my journey now: 202, then 429 with when to try again
    page.get_by_role("button", name="Read my journey now").click()
    expect(page.locator(".result .notice.success")).to_contain_text("Your journey is being read")
    page.get_by_role("button", name="Read my journey now").click()
    expect(page.locator(".result .notice.error")).to_contain_text("You can ask again at")

    # Download my data
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    saved = tmp_path / "export.json"
    download.value.save_as(saved)
    exported = json.loads(saved.read_text())
    assert exported["participant"]["id"] == "Newcomer-Cloud"
    assert exported["account"]["email"] == "newcomer@example.com"


def write_edit_and_delete_an_article(page: Page, website: Website) -> None:
    # Write an article; a bad tag is shown next to the tags field
    page.get_by_role("link", name="Write", exact=True).click()
    page.get_by_label("Title").fill("Day 1: my first VPC")
    page.get_by_label("Body").fill("Today I built a **VPC** with two subnets.")
    page.get_by_label("Tags").fill("aws Networking")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator('.field[data-field="tags"] .field-error')).to_be_visible()
    page.get_by_label("Tags").fill("aws networking")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Day 1: my first VPC")
    expect(page.locator(".article-body strong")).to_have_text("VPC")
    article_url = page.url

    # It is under its tags
    page.get_by_role("link", name="#networking").first.click()
    expect(page.locator("article.article-card h2").first).to_have_text("Day 1: my first VPC")

    # Edit it, then delete it
    page.goto(article_url)
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Title")).to_have_value("Day 1: my first VPC")

    # Another tab saves first: saving here is refused, the text typed stays, and saving again wins
    article_id = article_url.split("/articles/", 1)[1].split("/")[0]
    bearer = {"Authorization": f"Bearer {id_token(page)}"}
    current = requests.get(f"{website.api_url}/articles/{article_id}", headers=bearer, timeout=10)
    elsewhere = requests.put(
        f"{website.api_url}/articles/{article_id}",
        headers={**bearer, "If-Match": current.headers["ETag"]},
        json={**{k: current.json()[k] for k in ("title", "body", "tags")}, "title": "Edited in another tab"},
        timeout=10,
    )
    assert elsewhere.status_code == 200
    page.get_by_label("Title").fill("Day 1: my first VPC, edited")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".notice.error")).to_contain_text("changed elsewhere")
    expect(page.get_by_label("Title")).to_have_value("Day 1: my first VPC, edited")
    expect(page.locator(".notice.error")).to_be_in_viewport()
    assert website.api(f"/articles/{article_id}")["title"] == "Edited in another tab"
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Day 1: my first VPC, edited")
    page.get_by_role("button", name="Delete").click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changed Elsewhere")
    assert website.api("/articles", author="newcomer-cloud")["items"] == []


def sign_out_and_find_the_refresh_token_revoked(page: Page, website: Website) -> None:
    # Sign out: the refresh token is revoked and the page is signed out
    refresh_token = json.loads(page.evaluate("sessionStorage.getItem('hdoc.session')"))["refreshToken"]
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{website.url}/")  # through the hosted UI's /logout, back home
    expect(page.get_by_role("banner").get_by_role("button", name="Sign in")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('hdoc.session')") is None
    config = website.api_url
    client_id = requests.get(f"{website.url}/config.json", timeout=10).json()["auth"]["clientId"]
    refused = requests.post(
        f"{config}/oauth2/token",
        data={"grant_type": "refresh_token", "client_id": client_id, "refresh_token": refresh_token},
        timeout=10,
    )
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"


def test_a_newcomer_signs_in_claims_writes_refreshes_exports_signs_out_and_leaves(
    page: Page, website: Website, watched: Watched, tmp_path: Path
):
    sign_in(page, website, "newcomer@example.com")
    # Tokens live in sessionStorage only
    assert page.evaluate("localStorage.length") == 0
    assert page.context.cookies(website.url) == []

    # Claiming needs a linked GitHub account; a username someone holds is refused, in words
    expect(page.get_by_role("heading", level=1)).to_have_text("Link your GitHub account")
    taken = website.api("/leaderboard", limit=1)["items"][0]["id"]
    link_github(page, website, taken.upper())
    expect(page.get_by_label("Your GitHub username")).to_have_value(taken.upper())
    page.get_by_label("Your name").fill("Impostor")
    page.get_by_role("button", name="Claim this username").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("That username is taken")
    expect(summary).to_contain_text("can belong to one participant only")
    expect(summary).to_be_focused()

    # Link the right account instead, and claim it
    link_github(page, website, "Newcomer-Cloud")
    expect(page.get_by_label("Your GitHub username")).to_have_value("Newcomer-Cloud")
    page.get_by_label("Your name").fill("New Comer")
    page.get_by_role("button", name="Claim this username").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    expect(page.locator(".linked")).to_contain_text("Newcomer-Cloud")

    edit_the_profile_and_lose_a_race_with_another_tab(page, website)
    refresh_the_journey_and_export(page, tmp_path)
    write_edit_and_delete_an_article(page, website)
    sign_out_and_find_the_refresh_token_revoked(page, website)

    # Back again, and leave for good: gone from the leaderboard and the profile
    sign_in(page, website, "newcomer@example.com")
    assert any(p["id"] == "Newcomer-Cloud" for p in website.everything("/leaderboard", limit=100))
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_role("button", name="Yes, delete my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("#100DaysOfCloud")
    expect(page.get_by_role("banner").get_by_role("button", name="Sign in")).to_be_visible()
    assert all(p["id"] != "Newcomer-Cloud" for p in website.everything("/leaderboard", limit=100))
    assert requests.get(f"{website.api_url}/users/newcomer-cloud", timeout=10).status_code == 404
    shown(page, "/leaderboard", website)
    expect(page.locator('tr[data-username="Newcomer-Cloud"]')).to_have_count(0)
    assert watched.errors == []
    assert watched.dialogs == []


def test_the_signed_in_participants_row_is_marked_on_the_leaderboard(page: Page, website: Website):
    sign_in(page, website, "marked@example.com")
    claim(page, website, "Marked-Row", "Marked Row")
    shown(page, "/leaderboard", website)
    for _ in range(20):
        if page.locator('tr[data-username="Marked-Row"]').count():
            break
        count = page.locator("table.leaderboard tbody tr").count()
        page.get_by_role("button", name="Load more").click()
        expect(page.locator("table.leaderboard tbody tr")).not_to_have_count(count)
    row = page.locator('tr[data-username="Marked-Row"]')
    expect(row).to_have_attribute("aria-current", "true")
    expect(row).to_contain_text("you")
    expect(page.locator('tr[aria-current="true"]')).to_have_count(1)


HOSTILE = """# Hello

<script>alert('script')</script>
<img src="https://example.invalid/x.png" onerror="alert('onerror')">
[click me](javascript:alert('link'))
<a href="javascript:alert('raw link')">raw</a>
<iframe src="https://example.invalid/"></iframe>
<p style="color:red" onclick="alert('click')">styled</p>
"""


def test_hostile_markdown_runs_no_script_and_an_admin_deletes_someones_article(
    page: Page, website: Website, watched: Watched, browser
):
    sign_in(page, website, "hostile@example.com")
    claim(page, website, "Hostile-Writer", "Hostile Writer")
    page.get_by_role("link", name="Write", exact=True).click()
    page.get_by_label("Title").fill("Totally harmless")
    page.get_by_label("Body").fill(HOSTILE)
    page.get_by_label("Tags").fill("security")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Totally harmless")
    article_path = re.sub(r"^https?://[^/]+", "", page.url)
    body = page.locator(".article-body")
    expect(body.get_by_role("heading", name="Hello")).to_be_visible()
    assert body.locator("script, iframe, [onerror], [onclick], [style]").count() == 0
    assert all(
        not (href or "").startswith("javascript:")
        for href in body.locator("a").evaluate_all("links => links.map(link => link.getAttribute('href'))")
    )
    body.get_by_text("styled").click()
    for link in body.locator("a").all():
        link.click(modifiers=["Control"])  # a new tab, if anything: never a script here
    page.wait_for_timeout(200)  # let any handler that slipped through run before looking
    assert watched.dialogs == []
    assert watched.errors == []

    # An admin, in another browser, deletes it
    from tests.browser.conftest import open_context

    admin_context = open_context(browser)
    admin = admin_context.new_page()
    sign_in(admin, website, "admin@example.com", admin=True, start=article_path)
    admin.get_by_role("button", name="Delete").click()
    expect(admin.get_by_role("group")).to_contain_text("as an admin")
    admin.get_by_role("button", name="Yes, delete it").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Articles")
    admin_context.close()
    assert website.api("/articles", author="hostile-writer")["items"] == []
    # The author's page now says it is gone, in words
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_an_expired_session_is_refreshed_and_a_dead_one_asks_to_sign_in_again(page: Page, website: Website):
    sign_in(page, website, "sleepy@example.com")
    claim(page, website, "Sleepy-Head", "Sleepy Head")
    before = json.loads(page.evaluate("sessionStorage.getItem('hdoc.session')"))
    # The ID token has expired (as after an hour away): the next page renews it before calling the API
    page.evaluate(
        "s => sessionStorage.setItem('hdoc.session', JSON.stringify(s))",
        {**before, "expiresAt": int(time.time() * 1000) - 1000},
    )
    shown(page, "/settings", website)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    after = json.loads(page.evaluate("sessionStorage.getItem('hdoc.session')"))
    assert after["expiresAt"] > time.time() * 1000
    assert after["refreshToken"] == before["refreshToken"]
    # The refresh token is no good any more either: the page asks to sign in again
    page.evaluate(
        "s => sessionStorage.setItem('hdoc.session', JSON.stringify(s))",
        {**after, "refreshToken": "revoked", "expiresAt": int(time.time() * 1000) - 1000},
    )
    shown(page, "/settings", website)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in first")
    expect(page.get_by_role("banner").get_by_role("button", name="Sign in")).to_be_visible()
