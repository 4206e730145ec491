"""Articles and tags over HTTP: publishing, listings, exact tag counts and the Atom feed."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import feedparser
import pytest
import requests

from hdoc.local.gateway import ITEMS_READ_HEADER, link_local_github

PROBLEM = "application/problem+json"


def call(api, method: str, path: str, bearer: str | None = None, **kwargs) -> requests.Response:
    headers = kwargs.pop("headers", {})
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    return requests.request(method, f"{api.url}{path}", headers=headers, timeout=30, **kwargs)


def participant(api, admin: bool = False) -> tuple[str, str]:
    """A signed-up participant: (token, username)."""
    bearer = api.runtime.cognito.id_token(f"{uuid.uuid4().hex[:10]}@example.com", admin=admin)
    name = f"Author-{uuid.uuid4().hex[:6]}"
    link_local_github(api.runtime, bearer, name)
    assert (
        call(api, "POST", "/signup", bearer, json={"githubUsername": name, "name": "An Author"}).status_code
        == 201
    )
    return bearer, name


def article(tags: list[str], **fields) -> dict:
    return {"title": "Day 1: my first VPC", "body": "Today I built a VPC. " * 30, "tags": tags, **fields}


def publish(api, bearer: str, name: str, tags: list[str], **fields) -> requests.Response:
    return call(api, "POST", f"/users/{name}/articles", bearer, json=article(tags, **fields))


def counts(api) -> dict[str, int]:
    api.runtime.deliver_streams()
    page = call(api, "GET", "/tags", params={"limit": 100}).json()
    return {entry["tag"]: entry["count"] for entry in page["items"]}


def unique_tags(n: int) -> list[str]:
    prefix = uuid.uuid4().hex[:8]
    return [f"t{prefix}-{i}" for i in range(n)]


@pytest.fixture(scope="module")
def articles_api():
    from tests.conftest import serving

    with serving([]) as api:
        yield api


def test_publish_read_edit_and_delete_an_article(articles_api):
    api = articles_api
    bearer, name = participant(api)
    first, second, third = unique_tags(3)

    created = publish(api, bearer, name.lower(), [first, second], coverImage="https://img.example/c.png")
    assert created.status_code == 201
    body = created.json()
    assert len(body["id"]) == 26
    assert body["slug"] == "day-1-my-first-vpc"
    assert body["readingTimeMinutes"] == 1
    assert body["author"] == name
    assert created.headers["Location"] == f"/articles/{body['id']}"

    assert call(api, "GET", f"/articles/{body['id']}").json()["body"].startswith("Today")
    assert [item["id"] for item in call(api, "GET", "/articles", params={"tag": second}).json()["items"]] == [
        body["id"]
    ]
    assert counts(api)[first] == 1

    edited = call(
        api,
        "PUT",
        f"/articles/{body['id']}",
        bearer,
        json=article([second, third], title="Edited"),
        headers={"If-Match": created.headers["ETag"]},
    )
    assert edited.status_code == 200
    assert edited.json()["slug"] == "edited"
    assert call(api, "GET", "/articles", params={"tag": first}).json()["items"] == []
    assert call(api, "GET", "/articles", params={"tag": third}).json()["items"][0]["title"] == "Edited"
    after_edit = counts(api)
    assert (after_edit.get(first), after_edit[second], after_edit[third]) == (None, 1, 1)

    assert call(api, "DELETE", f"/articles/{body['id']}", bearer).status_code == 204
    assert call(api, "GET", f"/articles/{body['id']}").status_code == 404
    assert call(api, "GET", "/articles", params={"author": name}).json()["items"] == []
    assert second not in counts(api)


def edit(api, bearer: str, article_id: str, title: str, version: str) -> requests.Response:
    """PUT the article with a new title, from the copy whose ETag is `version`."""
    return call(
        api,
        "PUT",
        f"/articles/{article_id}",
        bearer,
        json=article(["aws"], title=title),
        headers={"If-Match": version},
    )


def test_two_tabs_editing_one_article_never_lose_an_edit(articles_api):
    api = articles_api
    bearer, name = participant(api)
    created = publish(api, bearer, name, unique_tags(1))
    article_id, first_copy = created.json()["id"], created.headers["ETag"]
    # signed in or not, an article's ETag is its version
    assert call(api, "GET", f"/articles/{article_id}").headers["ETag"] == first_copy
    assert call(api, "GET", f"/articles/{article_id}", bearer).headers["ETag"] == first_copy

    without = call(api, "PUT", f"/articles/{article_id}", bearer, json=article(["aws"], title="No If-Match"))
    assert without.status_code == 428
    assert without.headers["Content-Type"] == PROBLEM

    tab_one = edit(api, bearer, article_id, "Tab one", first_copy)
    assert tab_one.status_code == 200
    assert tab_one.headers["ETag"] not in (first_copy, None)
    tab_two = edit(api, bearer, article_id, "Tab two", first_copy)
    assert tab_two.status_code == 412
    assert "changed since your copy" in tab_two.json()["detail"]
    current = call(api, "GET", f"/articles/{article_id}")
    assert current.json()["title"] == "Tab one"
    assert current.headers["ETag"] == tab_one.headers["ETag"]
    again = edit(api, bearer, article_id, "Tab two", current.headers["ETag"])
    assert again.status_code == 200


def test_listings_are_newest_first_page_by_page_and_read_at_most_limit_plus_one(articles_api):
    api = articles_api
    bearer, name = participant(api)
    (tag,) = unique_tags(1)
    ids = [publish(api, bearer, name, [tag]).json()["id"] for _ in range(7)]

    seen, cursor = [], None
    for _ in range(10):
        answer = call(
            api, "GET", "/articles", params={"tag": tag, "limit": 3, **({"cursor": cursor} if cursor else {})}
        )
        assert int(answer.headers[ITEMS_READ_HEADER]) <= 4
        seen += [item["id"] for item in answer.json()["items"]]
        cursor = answer.json()["nextCursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))
    by_author = call(api, "GET", "/articles", params={"author": name.upper(), "limit": 10}).json()["items"]
    assert [item["id"] for item in by_author] == list(reversed(ids))


def test_only_the_author_edits_and_the_author_or_an_admin_deletes(articles_api):
    api = articles_api
    author, name = participant(api)
    stranger, stranger_name = participant(api)
    admin, _ = participant(api, admin=True)
    article_id = publish(api, author, name, unique_tags(1)).json()["id"]

    assert publish(api, stranger, name, unique_tags(1)).status_code == 403  # posting as someone else
    assert publish(api, admin, stranger_name, unique_tags(1)).status_code == 403  # admins too
    current = {"If-Match": call(api, "GET", f"/articles/{article_id}").headers["ETag"]}
    for someone in (stranger, admin):
        edit = call(api, "PUT", f"/articles/{article_id}", someone, json=article(["aws"]), headers=current)
        assert edit.status_code == 403
    assert call(api, "DELETE", f"/articles/{article_id}", stranger).status_code == 403
    assert call(api, "GET", f"/articles/{article_id}").status_code == 200
    assert call(api, "DELETE", f"/articles/{article_id}", admin).status_code == 204


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"body": "x" * (100 * 1024 + 1)}, "body"),
        ({"tags": ["a1", "b2", "c3", "d4", "e5"]}, "tags"),
        ({"tags": ["Not_A_Tag"]}, "tags.0"),
        ({"tags": ["aws", "aws"]}, "tags"),
        ({"tags": []}, "tags"),
        ({"coverImage": "http://insecure.example/c.png"}, "coverImage"),
        ({"canonicalUrl": "ftp://example.com/a"}, "canonicalUrl"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"description": "d" * 301}, "description"),
        ({"views": 1000}, "views"),
    ],
)
def test_bad_articles_are_400s_that_name_the_field(articles_api, change, field):
    api = articles_api
    bearer, name = participant(api) if not hasattr(articles_api, "writer") else articles_api.writer
    articles_api.writer = (bearer, name)

    answer = call(api, "POST", f"/users/{name}/articles", bearer, json={**article(["aws"]), **change})

    assert answer.status_code == 400, answer.text
    assert answer.headers["Content-Type"] == PROBLEM
    assert field in [param["name"] for param in answer.json()["invalidParams"]]


def test_bad_ids_cursors_filters_and_oversize_requests_are_4xx(articles_api):
    api = articles_api
    bearer, name = participant(api)
    json_header = {"Content-Type": "application/json"}

    assert call(api, "GET", "/articles/not-an-id").status_code == 400
    assert call(api, "GET", "/articles/01ARZ3NDEKTSV4RRFFQ69G5FAV").status_code == 404
    assert call(api, "GET", "/articles", params={"cursor": "garbage"}).status_code == 400
    assert call(api, "GET", "/articles", params={"tag": "aws", "author": name}).status_code == 400
    assert call(api, "GET", "/tags", params={"cursor": "garbage"}).status_code == 400
    oversize = call(
        api, "POST", f"/users/{name}/articles", bearer, data="x" * (129 * 1024), headers=json_header
    )
    assert oversize.status_code == 413


def test_thirty_parallel_creates_and_ten_deletes_leave_exact_counts(articles_api):
    api = articles_api
    writers = [participant(api) for _ in range(5)]
    tags = unique_tags(3)

    def create(n: int) -> tuple[str, list[str], tuple[str, str]]:
        bearer, name = writers[n % 5]
        chosen = [tags[n % 3]] + ([tags[(n + 1) % 3]] if n % 2 else [])
        answer = publish(api, bearer, name, chosen)
        assert answer.status_code == 201, answer.text
        return answer.json()["id"], chosen, (bearer, name)

    with ThreadPoolExecutor(max_workers=15) as pool:
        created = list(pool.map(create, range(30)))
        deleted = list(
            pool.map(
                lambda entry: call(api, "DELETE", f"/articles/{entry[0]}", entry[2][0]).status_code,
                created[:10],
            )
        )

    assert deleted == [204] * 10
    expected = Counter(tag for _, chosen, _ in created[10:] for tag in chosen)
    found = counts(api)
    assert {tag: found.get(tag, 0) for tag in tags} == dict(expected)


def test_a_duplicated_stream_batch_does_not_count_twice(articles_api):
    api = articles_api
    bearer, name = participant(api)
    (tag,) = unique_tags(1)
    publish(api, bearer, name, [tag])
    counter = next(
        subscription
        for subscription in api.runtime.subscriptions
        if "TagCounter" in subscription.function_name
    )
    shard = counter._shards()[0]
    every_record = counter._records_after(shard, None)
    api.runtime.deliver_streams()
    assert counts(api)[tag] == 1

    counter.invoke(counter._event(every_record))  # the whole stream again, as a retry would send it

    assert counts(api)[tag] == 1


def test_the_feed_is_valid_atom_and_escapes_user_text(articles_api):
    api = articles_api
    bearer, name = participant(api)
    (tag,) = unique_tags(1)
    publish(api, bearer, name, [tag], title="<script>alert('x')</script> & friends", description="a < b")

    answer = call(api, "GET", "/feeds/articles.atom", params={"tag": tag})

    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/atom+xml")
    assert "<script>" not in answer.text
    feed = feedparser.parse(answer.text)
    assert not feed.bozo
    assert feed.version == "atom10"
    assert feed.entries[0].title == "<script>alert('x')</script> & friends"
    assert feed.entries[0].author == name
    (self_link,) = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_link == f"{api.url}/feeds/articles.atom?tag={tag}"  # where the reader fetched it


def test_deleting_an_account_deletes_its_articles_and_corrects_the_counts(articles_api):
    api = articles_api
    bearer, name = participant(api)
    (tag,) = unique_tags(1)
    publish(api, bearer, name, [tag])
    publish(api, bearer, name, [tag])
    assert counts(api)[tag] == 2
    assert len(call(api, "GET", "/me/export", bearer).json()["articles"]) == 2

    assert call(api, "DELETE", "/me", bearer).status_code == 204

    assert tag not in counts(api)
    assert call(api, "GET", "/articles", params={"author": name}).json()["items"] == []


def test_field_problems_say_the_rule_in_words_not_a_pattern(articles_api):
    bearer, name = participant(articles_api)
    bad = {**article(["aws"]), "tags": ["aws", "Not_A_Tag"], "body": ""}

    answer = call(articles_api, "POST", f"/users/{name}/articles", bearer, json=bad)

    reasons = {param["name"]: param["reason"] for param in answer.json()["invalidParams"]}
    assert reasons["tags.1"] == "must be 2 to 30 lower-case letters, digits or hyphens"
    assert reasons["body"] == "must be Markdown of 1 byte to 100 KB"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "Day 1\x07 beep"}, "title"),
        ({"title": "Two\nlines"}, "title"),
        ({"description": "nul \x00 here"}, "description"),
        ({"body": "escape \x1b[31m red"}, "body"),
        ({"body": "lone \ud800 surrogate"}, "body"),
        ({"coverImage": "https://example.com/a\x01.png"}, "coverImage"),
    ],
)
def test_control_characters_are_refused_in_every_text_field(articles_api, change, field):
    bearer, name = participant(articles_api)
    sent = json.dumps(
        {**article(["aws"]), **change}
    )  # lone surrogates as JSON escapes, as a client sends them
    answer = call(
        articles_api,
        "POST",
        f"/users/{name}/articles",
        bearer,
        data=sent,
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 400, answer.text
    assert field in [param["name"] for param in answer.json()["invalidParams"]]
    assert call(articles_api, "GET", "/articles", params={"author": name}).json()["items"] == []


def test_tabs_and_line_breaks_stay_welcome_in_bodies_and_descriptions(articles_api):
    bearer, name = participant(articles_api)
    answer = publish(
        articles_api, bearer, name, ["aws"], body="line one\n\tindented\r\nline three", description="a\nb"
    )
    assert answer.status_code == 201, answer.text


def test_the_feed_stays_valid_xml_whatever_was_stored():
    from datetime import UTC, datetime

    from hdoc.logic.feeds import atom_feed
    from hdoc.models.article import Article

    moment = datetime(2026, 3, 1, tzinfo=UTC)
    stored = Article.model_construct(  # as if written before the rule, straight into the table
        id="01J00000000000000000000000",
        slug="s",
        title="Bad\x00title\x1b",
        description="\x07described",
        tags=["aws"],
        author="someone",
        created_at=moment,
        updated_at=moment,
        reading_time_minutes=1,
        body="b",
        body_html="<p>\x0bbody</p>",
        cover_image=None,
        canonical_url=None,
    )
    feed = feedparser.parse(atom_feed([stored], "https://site.example", "https://site.example/feed", None))
    assert not feed.bozo
    assert feed.entries[0].title == "Badtitle"


def test_an_admins_deletion_is_logged_with_who_what_and_when(articles_api, caplog):
    author, name = participant(articles_api)
    admin, _ = participant(articles_api, admin=True)
    article_id = publish(articles_api, author, name, ["aws"]).json()["id"]
    with caplog.at_level("INFO"):
        assert call(articles_api, "DELETE", f"/articles/{article_id}", admin).status_code == 204
    (record,) = [record for record in caplog.records if record.getMessage() == "article deleted by an admin"]
    assert (record.articleId, record.author) == (article_id, name)
    admin_sub = call(articles_api, "GET", "/me/export", admin).json()["account"]["id"]
    assert record.deletedBy == admin_sub  # who
    assert record.created > 0  # when


def test_a_person_publishes_at_most_ten_articles_a_day(articles_api):
    bearer, name = participant(articles_api)
    published = [publish(articles_api, bearer, name, ["aws"]).status_code for _ in range(10)]
    refused = publish(articles_api, bearer, name, ["aws"])

    assert published == [201] * 10
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 24 * 3600
    assert "10 articles a day" in refused.json()["detail"]
    listed = call(articles_api, "GET", "/articles", params={"author": name, "limit": 20}).json()["items"]
    assert len(listed) == 10  # the refused one was not written
    other, other_name = participant(articles_api)
    assert publish(articles_api, other, other_name, ["aws"]).status_code == 201  # a quota per person


def test_an_admin_removed_from_the_group_loses_the_power_at_once(articles_api):
    author, name = participant(articles_api)
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    admin = articles_api.runtime.cognito.id_token(email, admin=True)
    article_id = publish(articles_api, author, name, ["aws"]).json()["id"]
    pool = articles_api.runtime.cognito.only_pool()
    articles_api.runtime.client("cognito-idp").admin_remove_user_from_group(
        UserPoolId=pool.pool_id, Username=email, GroupName="admins"
    )

    answer = call(articles_api, "DELETE", f"/articles/{article_id}", admin)  # the token still says admin

    assert answer.status_code == 403
    assert call(articles_api, "GET", f"/articles/{article_id}").status_code == 200
