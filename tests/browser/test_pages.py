"""Every page shows the demo's data as the API gives it, pages and grids included."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import Watched, Website, load_all, shown


def test_the_home_page_shows_how_to_join_and_the_community_at_a_glance(page: Page, website: Website):
    shown(page, "/", website)
    expect(page).to_have_title("#100DaysOfCloud")
    expect(page.get_by_role("heading", level=1)).to_have_text("#100DaysOfCloud")
    expect(page.get_by_text("Copy the journey template")).to_be_visible()
    leaders = website.api("/leaderboard", limit=5)["items"]
    rows = page.locator("table.leaderboard tbody tr")
    expect(rows).to_have_count(5)
    for row, leader in zip(rows.all(), leaders, strict=True):
        expect(row).to_contain_text(leader["name"])
        expect(row.locator("td").first).to_have_text(str(leader["rank"]))
    recent = website.api("/users/recent", limit=10)["items"]
    expect(page.locator("ul.people li")).to_have_count(10)
    expect(page.locator("ul.people li").first).to_contain_text(recent[0]["name"])
    newest = website.api("/articles", limit=5)["items"]
    expect(page.locator("article.article-card")).to_have_count(len(newest))
    expect(page.locator("article.article-card h3").first).to_have_text(newest[0]["title"])
    tags = website.api("/tags", limit=20)["items"]
    expect(page.locator("ul.tag-cloud li")).to_have_count(len(tags))
    expect(page.locator("ul.tag-cloud li").first).to_have_text(f"#{tags[0]['tag']} {tags[0]['count']}")


def test_the_leaderboard_is_a_table_with_the_apis_ranks_and_load_more_neither_repeats_nor_skips(
    page: Page, website: Website
):
    shown(page, "/leaderboard", website)
    expect(page).to_have_title(re.compile("^Leaderboard"))
    expect(page.locator("table.leaderboard caption")).to_contain_text("highest first")
    expect(page.get_by_text(re.compile(r"^Updated "))).to_be_visible()
    load_all(page, "table.leaderboard tbody tr")
    shown_rows = page.locator("table.leaderboard tbody tr").evaluate_all(
        "rows => rows.map(row => [row.dataset.username, row.cells[0].textContent])"
    )
    everyone = website.everything("/leaderboard", limit=100)
    assert shown_rows == [[person["id"], str(person["rank"])] for person in everyone]
    # Every row is of a participant who proved their GitHub account, and carries the mark
    marked = page.locator("table.leaderboard tbody tr:has(.verified)").evaluate_all(
        "rows => rows.map(row => row.dataset.username)"
    )
    assert marked == [person["id"] for person in everyone]  # only verified participants are ranked
    unverified = {
        person["id"] for person in website.everything("/users", limit=100) if not person["verified"]
    }
    assert unverified
    assert not unverified & {person["id"] for person in everyone}


def test_participants_load_more_and_the_box_opens_a_profile_in_any_case(page: Page, website: Website):
    shown(page, "/participants", website)
    load_all(page, "ul.directory li")
    usernames = page.locator("ul.directory li").evaluate_all(
        "items => items.map(item => item.dataset.username)"
    )
    assert usernames == [person["id"] for person in website.everything("/users", limit=100)]
    someone = usernames[3]
    page.get_by_label("Open a profile by GitHub username").fill(someone.upper())
    page.get_by_role("button", name="Open profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(website.api(f"/users/{someone}")["name"])


def test_a_profile_has_100_day_cells_that_match_the_journey(page: Page, website: Website, watched: Watched):
    people = website.everything("/users", limit=100)
    journeys = {
        p["id"]: website.api(f"/users/{p['id']}/journey") for p in people if p["journeyStatus"] == "ok"
    }
    # The participant with the most days that do not count shows every kind of cell
    username = max(
        journeys, key=lambda name: sum(not e["counts"] for e in journeys[name]["report"]["entries"])
    )
    journey = journeys[username]
    participant = website.api(f"/users/{username}")
    shown(page, f"/u/{username}", website)
    expect(page).to_have_title(re.compile(re.escape(participant["name"])))
    cells = page.locator("ol.day-grid li")
    expect(cells).to_have_count(100)
    states = cells.evaluate_all("cells => cells.map(cell => [Number(cell.dataset.day), cell.dataset.state])")
    entries = {entry["day"]: entry for entry in journey["report"]["entries"]}
    expected = [
        [day, "missing" if day not in entries else "counted" if entries[day]["counts"] else "not-counted"]
        for day in range(1, 101)
    ]
    assert states == expected
    assert "not-counted" in {state for _, state in states}
    not_counted = next(entry for entry in entries.values() if not entry["counts"])
    cell = page.locator(f'ol.day-grid li[data-day="{not_counted["day"]}"]')
    expect(cell).to_contain_text("does not count")
    expect(cell.get_by_role("link")).to_have_attribute("href", not_counted["urls"][0])
    reason = page.locator(f'ul.reasons li[data-day="{not_counted["day"]}"]')
    expect(reason).to_contain_text(not_counted["reason"])
    expect(reason.get_by_role("link", name="how days count")).to_have_attribute(
        "href", "/rules.html#2-when-a-day-is-completed"
    )
    # The numbers, the breakdown, the links and the Open Graph tags
    expect(page.locator(".stats")).to_contain_text(f"{participant['daysCompleted']} of 100")
    expect(page.locator("table.breakdown tfoot")).to_contain_text(f"{participant['score']:,}")
    expect(page.get_by_role("link", name=re.compile("^GitHub:"))).to_have_attribute(
        "href", participant["githubProfile"]
    )
    expect(page.locator('meta[property="og:type"]')).to_have_attribute("content", "profile")
    verified = page.locator(".profile-head").get_by_text("Verified on GitHub")
    expect(verified).to_have_count(1 if participant["verified"] else 0)
    # The avatar could not load (off the machine): the initials show, never a broken image
    expect(page.locator(".profile-head .avatar-initials")).to_be_visible()
    expect(page.locator(".profile-head img")).to_have_count(0)
    # The rules page the reasons link to has that heading
    reason.get_by_role("link", name="how days count").click()
    expect(page).to_have_url(re.compile(r"/rules.html#2-when-a-day-is-completed$"))
    expect(page.locator('[id="2-when-a-day-is-completed"]')).to_have_text("2. When a day is completed")
    assert watched.errors == []


def test_a_participant_whose_journey_cannot_be_read_says_why(page: Page, website: Website):
    unread = next(p for p in website.everything("/users", limit=100) if p["journeyStatus"] == "not-found")
    shown(page, f"/u/{unread['id']}", website)
    expect(page.get_by_role("note")).to_contain_text("could not be read")
    expect(page.get_by_role("note")).to_contain_text("does not exist or is private")
    expect(page.locator('ol.day-grid li[data-state="missing"]')).to_have_count(100)


def test_articles_tag_pages_and_an_article(page: Page, website: Website):
    shown(page, "/articles", website)
    newest = website.everything("/articles", limit=100)
    expect(page.locator("article.article-card")).to_have_count(10)
    load_all(page, "article.article-card")
    titles = page.locator("article.article-card h2").all_text_contents()
    assert titles == [article["title"] for article in newest]
    expect(page.locator('link[rel="alternate"][type="application/atom+xml"]')).to_have_attribute(
        "href", "/api/feeds/articles.atom"
    )
    tag = newest[0]["tags"][0]
    page.locator("article.article-card").first.get_by_role("link", name=f"#{tag}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Articles tagged #{tag}")
    expect(page.locator('link[rel="alternate"][type="application/atom+xml"]')).to_have_attribute(
        "href", f"/api/feeds/articles.atom?tag={tag}"
    )
    tagged = website.everything("/articles", tag=tag, limit=100)
    expect(page.locator("article.article-card")).to_have_count(min(10, len(tagged)))
    page.locator("article.article-card h2 a").first.click()
    article = website.api(f"/articles/{tagged[0]['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(article["title"])
    expect(page).to_have_url(re.compile(f"/articles/{article['id']}/{article['slug']}$"))
    expect(page.locator(".article-body")).not_to_be_empty()
    expect(page.locator('meta[property="og:type"]')).to_have_attribute("content", "article")


def test_an_unknown_path_and_an_unknown_participant_say_not_found(page: Page, website: Website):
    shown(page, "/no/such/page", website)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("link", name="Go to the home page")).to_be_visible()
    shown(page, "/u/nobody-has-this-name", website)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("main")).to_contain_text("nobody-has-this-name")  # the API's words


def test_an_api_error_is_shown_in_the_words_of_its_problem_document(
    page: Page, website: Website, watched: Watched
):
    problem = {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "The leaderboard is being rebuilt; try again in a minute.",
    }
    page.route(
        re.compile(r".*/api/leaderboard\?.*"),
        lambda route: route.fulfill(status=503, content_type="application/problem+json", json=problem),
    )
    shown(page, "/leaderboard", website)
    expect(page.get_by_role("heading", level=1)).to_have_text("This page could not be shown")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Service Unavailable")
    expect(alert).to_contain_text("The leaderboard is being rebuilt; try again in a minute.")
    # An API that cannot be reached at all is said in words too
    page.unroute(re.compile(r".*/api/leaderboard\?.*"))
    page.route(re.compile(r".*/api/users\?.*"), lambda route: route.abort())
    shown(page, "/participants", website)
    expect(page.get_by_role("alert")).to_contain_text("could not reach the API")
    # and "Load more" that fails says so under the list, keeping what was shown
    page.unroute(re.compile(r".*/api/users\?.*"))
    shown(page, "/participants", website)
    page.route(
        re.compile(r".*/api/users\?.*cursor=.*"), lambda route: route.fulfill(status=503, json=problem)
    )
    page.get_by_role("button", name="Load more").click()
    expect(page.get_by_role("alert")).to_contain_text("Could not load more")
    expect(page.locator("ul.directory li")).to_have_count(20)
    watched.errors.clear()  # the failed requests are logged by the browser, as they should be


def test_after_sign_in_a_person_returns_only_to_a_page_of_this_site(page: Page, website: Website):
    shown(page, "/", website)
    asked = [
        "/u/jane?tab=1#top",
        "//evil.example/x",
        "/\\evil.example/x",
        "https://evil.example/",
        "/%0d%0ax",
        "/\nx",
        "javascript:alert(1)",
        "",
    ]
    returned = page.evaluate(
        "async (asked) => { const { sameOriginPath } = await import('/js/auth.js'); "
        "return asked.map(sameOriginPath); }",
        asked,
    )
    assert returned == ["/u/jane?tab=1#top", "/", "/", "/", "/%0d%0ax", "/", "/", "/"]
