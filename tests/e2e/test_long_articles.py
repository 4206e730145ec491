"""Articles of the largest size hdoc takes: every listing stays whole and reads summaries only, a body
that cannot be stored is refused plainly and costs no quota, and the feed stays within its budget."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import feedparser
import pytest

from hdoc.local.gateway import READ_UNITS_HEADER
from hdoc.logic.feeds import ENTRY_CONTENT_MAX_BYTES
from hdoc.models.article_rules import BODY_MAX_BYTES
from tests.e2e.test_articles import call, participant

# The longest body the API takes: 100 KB of prose, which renders to about as much HTML.
LONGEST_BODY = ("Today I deployed a VPC with two subnets. " * 3000)[:BODY_MAX_BYTES]


@pytest.fixture(scope="module")
def long_articles():
    """25 articles of the longest body, by three authors (the daily quota is 10), under one tag."""
    from tests.conftest import serving

    tag = f"long-{uuid.uuid4().hex[:8]}"
    with serving([]) as api:
        published: list[str] = []
        authors = [participant(api) for _ in range(3)]
        for n in range(25):
            bearer, name = authors[n % 3]
            answer = call(
                api,
                "POST",
                f"/users/{name}/articles",
                bearer,
                json={"title": f"Day {n + 1}: a long day", "body": LONGEST_BODY, "tags": [tag]},
            )
            assert answer.status_code == 201, answer.text
            published.append(answer.json()["id"])
        yield api, tag, authors, published[::-1]  # newest first


def whole_listing(api, params: dict[str, str]) -> tuple[list[list[str]], list[float]]:
    """Every page of a listing (ids), and each page's read units."""
    pages, units, cursor = [], [], None
    for _ in range(20):
        answer = call(api, "GET", "/articles", params={**params, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.text
        pages.append([item["id"] for item in answer.json()["items"]])
        units.append(float(answer.headers[READ_UNITS_HEADER]))
        cursor = answer.json()["nextCursor"]
        if cursor is None:
            return pages, units
    raise AssertionError("the listing did not end in 20 pages")


def test_every_listing_of_the_longest_articles_is_whole_and_reads_summaries_only(long_articles):
    api, tag, authors, newest_first = long_articles
    for params, expected in [
        ({"limit": "20"}, newest_first),
        ({"tag": tag, "limit": "20"}, newest_first),
        ({"author": authors[0][1], "limit": "4"}, newest_first[::-1][0::3][::-1]),
    ]:
        pages, units = whole_listing(api, params)
        limit = int(params["limit"])
        assert [id_ for page in pages for id_ in page] == expected, params
        assert all(len(page) == limit for page in pages[:-1]), params
        # A page of summaries: 21 of them are a few KB. With bodies in the index, the same page
        # would read 21 x 200 KB, over a thousand read units.
        assert max(units) <= 4, (params, units)


def test_reading_one_long_article_gives_its_whole_body(long_articles):
    api, _, _, newest_first = long_articles
    article = call(api, "GET", f"/articles/{newest_first[0]}").json()
    assert article["body"] == LONGEST_BODY
    assert article["bodyHtml"].startswith("<p>Today I deployed")


def test_a_feed_of_the_longest_articles_stays_within_its_budget(long_articles):
    api, tag, _, newest_first = long_articles
    answer = call(api, "GET", "/feeds/articles.atom", params={"tag": tag})
    assert answer.status_code == 200
    assert len(answer.content) <= 20 * ENTRY_CONTENT_MAX_BYTES + 64 * 1024
    feed = feedparser.parse(answer.text)
    assert not feed.bozo
    assert [entry.id.rsplit("/", 1)[1] for entry in feed.entries] == newest_first[:20]
    content = feed.entries[0].content[0].value
    assert "Today I deployed a VPC" in content
    assert f"/articles/{newest_first[0]}" in content  # the rest of it, one link away


def test_a_short_article_keeps_its_whole_body_in_the_feed(long_articles):
    api, *_ = long_articles
    bearer, name = participant(api)
    tag = f"short-{uuid.uuid4().hex[:8]}"
    body = "A short day: *one* Lambda function."
    assert (
        call(
            api,
            "POST",
            f"/users/{name}/articles",
            bearer,
            json={"title": "Short", "body": body, "tags": [tag]},
        ).status_code
        == 201
    )
    feed = feedparser.parse(call(api, "GET", "/feeds/articles.atom", params={"tag": tag}).text)
    assert feed.entries[0].content[0].value.strip() == "<p>A short day: <em>one</em> Lambda function.</p>"


def test_a_body_too_large_to_store_is_a_413_naming_it_and_spends_no_quota(long_articles):
    api, *_ = long_articles
    bearer, name = participant(api)
    escaped = {"title": "Angles", "body": "<" * BODY_MAX_BYTES, "tags": ["html"]}  # 400 KB of &lt;
    for _ in range(12):  # more than the day's quota of 10
        refused = call(api, "POST", f"/users/{name}/articles", bearer, json=escaped)
        assert refused.status_code == 413, refused.text
        assert refused.headers["Content-Type"] == "application/problem+json"
        assert [param["name"] for param in refused.json()["invalidParams"]] == ["body"]
    assert call(api, "GET", "/articles", params={"author": name}).json()["items"] == []

    posted = [
        call(api, "POST", f"/users/{name}/articles", bearer, json={**escaped, "body": f"Day {n}"})
        for n in range(10)
    ]
    assert [answer.status_code for answer in posted] == [201] * 10
    assert (
        call(api, "POST", f"/users/{name}/articles", bearer, json={**escaped, "body": "x"}).status_code == 429
    )

    article_id = posted[0].json()["id"]
    current = {"If-Match": posted[0].headers["ETag"]}
    edit = call(api, "PUT", f"/articles/{article_id}", bearer, json=escaped, headers=current)
    assert edit.status_code == 413
    assert call(api, "GET", f"/articles/{article_id}").json()["body"] == "Day 0"


def test_profile_edits_refused_as_stale_spend_no_quota(long_articles):
    api, *_ = long_articles
    bearer, _ = participant(api)
    me = call(api, "GET", "/me", bearer)
    stale = '"999"'  # a version the profile never had
    for _ in range(35):  # more than the hour's quota of 30
        answer = call(api, "PATCH", "/me", bearer, json={"name": "Stale"}, headers={"If-Match": stale})
        assert answer.status_code == 412, answer.text
    fresh = call(
        api, "PATCH", "/me", bearer, json={"name": "Fresh"}, headers={"If-Match": me.headers["ETag"]}
    )
    assert fresh.status_code == 200, fresh.text


def test_an_article_written_before_bodies_had_their_own_item_reads_the_same(long_articles):
    from ulid import ULID

    from hdoc.dal.articles import ArticlesTable, StoredArticle, article_item, feed_key
    from hdoc.models.article import Article

    api, *_ = long_articles
    table = ArticlesTable(api.runtime.table_name("ArticlesTable"))
    now = datetime.now(UTC)
    article = Article(
        id=str(ULID()),
        slug="old",
        title="Old",
        description="",
        body="An *old* one",
        body_html="<p>An <em>old</em> one</p>",
        tags=["old-layout"],
        author="someone",
        created_at=now,
        updated_at=now,
        reading_time_minutes=1,
    )
    stored = StoredArticle(article, "someone", feed_key(article))
    table._table.put_item(Item={**article_item(stored), "body": article.body, "bodyHtml": article.body_html})

    read = call(api, "GET", f"/articles/{article.id}").json()
    assert (read["body"], read["bodyHtml"]) == (article.body, article.body_html)
    feed = feedparser.parse(call(api, "GET", "/feeds/articles.atom").text)  # the newest article
    assert feed.entries[0].content[0].value == article.body_html
