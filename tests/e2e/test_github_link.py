"""Linking a GitHub account through GitHub's OAuth web flow, against the fake GitHub's OAuth pages:
the link proves who a person is, a state is good once for its own person in time, and a failed or
refused exchange writes nothing."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from hdoc.dal.user_items import LinkState
from hdoc.dal.users import UsersTable
from hdoc.local.demo import github_oauth_app
from hdoc.local.fake_github import FakeGitHub
from hdoc.local.gateway import LocalServer
from hdoc.local.runtime import LocalRuntime
from tests.conftest import TEMPLATE, LocalApi

SITE = "http://localhost:5173"  # an allowed origin of the template's defaults
CALLBACK = f"{SITE}/auth/github"


@pytest.fixture(scope="module")
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        yield fake


@pytest.fixture(scope="module")
def api(github: FakeGitHub) -> Iterator[LocalApi]:
    parameters, secret_values = github_oauth_app(github)
    runtime = LocalRuntime(TEMPLATE, parameters=parameters, secret_values=secret_values).start()
    server = LocalServer(runtime, "127.0.0.1", 0).start()
    try:
        yield LocalApi(server.url, runtime, [])
    finally:
        server.stop()
        runtime.stop()


def person(api: LocalApi) -> dict[str, str]:
    token = api.runtime.cognito.id_token(f"{uuid.uuid4().hex[:10]}@example.com")
    return {"Authorization": f"Bearer {token}"}


def start(api: LocalApi, bearer: dict[str, str]) -> dict[str, str]:
    answer = requests.post(
        f"{api.url}/me/github/link", headers=bearer, json={"redirectUri": CALLBACK}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    query = parse_qs(urlsplit(answer.json()["authorizeUrl"]).query)
    return {name: values[0] for name, values in query.items()}


def authorize(github: FakeGitHub, asked: dict[str, str], login: str) -> dict[str, str]:
    """The person picks `login` on GitHub's page; GitHub sends them back with a code and the state."""
    answer = requests.post(
        f"{github.url}/login/oauth/authorize",
        data={**asked, "login": login},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    return {name: values[0] for name, values in parse_qs(location.query).items()}


def finish(api: LocalApi, bearer: dict[str, str], back: dict[str, str]) -> requests.Response:
    return requests.post(f"{api.url}/me/github/callback", headers=bearer, json=back, timeout=30)


def link(api: LocalApi, github: FakeGitHub, bearer: dict[str, str], login: str) -> requests.Response:
    return finish(api, bearer, authorize(github, start(api, bearer), login))


def test_a_linked_account_holds_githubs_numeric_id_and_login(api, github):
    bearer = person(api)
    asked = start(api, bearer)
    assert asked["code_challenge_method"] == "S256"
    assert asked["client_id"] == "hdoc-local-oauth-app"
    assert "scope" not in asked  # nothing beyond the public identity
    answer = finish(api, bearer, authorize(github, asked, "Octo-Linker"))
    assert answer.status_code == 200, answer.text
    linked = answer.json()
    assert linked["login"] == "Octo-Linker"
    assert linked["id"] == github.oauth.account("octo-linker").id
    assert requests.get(f"{api.url}/me/github", headers=bearer, timeout=30).json() == linked


def test_a_state_is_good_once_for_its_own_person_in_time(api, github):
    owner, stranger = person(api), person(api)
    back = authorize(github, start(api, owner), "state-keeper")
    # Someone else's state is refused, and stays good for its owner
    refused = finish(api, stranger, back)
    assert refused.status_code == 400
    assert refused.json()["invalidParams"][0]["name"] == "state"
    assert requests.get(f"{api.url}/me/github", headers=stranger, timeout=30).status_code == 404
    assert finish(api, owner, back).status_code == 200
    # Replayed: used already
    replayed = finish(api, owner, back)
    assert replayed.status_code == 400
    assert "used already" in replayed.json()["detail"]


def test_an_expired_state_is_refused(api, github):
    bearer = person(api)
    users = UsersTable(api.runtime.table_name("UsersTable"))
    sub = requests.get(f"{api.url}/me/export", headers=bearer, timeout=30).json()["account"]["id"]
    old = LinkState(
        "expired-state-0123456789", sub, "v" * 64, CALLBACK, datetime.now(UTC) - timedelta(seconds=1)
    )
    users.put_link_state(old)
    answer = finish(api, bearer, {"code": "whatever", "state": old.state})
    assert answer.status_code == 400
    assert answer.json()["invalidParams"][0]["name"] == "state"


def test_a_code_github_refuses_changes_nothing(api, github):
    bearer = person(api)
    back = authorize(github, start(api, bearer), "code-reuser")
    assert finish(api, bearer, back).status_code == 200
    # The same code with a new state: GitHub says bad_verification_code
    other = person(api)
    again = start(api, other)
    answer = finish(api, other, {"code": back["code"], "state": again["state"]})
    assert answer.status_code == 400
    assert "bad_verification_code" in answer.json()["detail"]
    assert requests.get(f"{api.url}/me/github", headers=other, timeout=30).status_code == 404


@pytest.mark.parametrize(("failure", "status"), [("500", 502), ("slow", 504)])
def test_github_failing_or_slow_is_a_clear_5xx_and_writes_nothing(api, github, failure, status):
    bearer = person(api)
    back = authorize(github, start(api, bearer), f"unlucky-{failure}")
    github.slow_seconds = 7  # past the client's 5-second read timeout
    github.fail(failure)
    answer = finish(api, bearer, back)
    assert answer.status_code == status, answer.text
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert "nothing was changed" in answer.json()["detail"]
    assert requests.get(f"{api.url}/me/github", headers=bearer, timeout=30).status_code == 404
    assert link(api, github, bearer, f"unlucky-{failure}").status_code == 200  # starting again works


def test_a_github_account_links_to_one_hdoc_account_only(api, github):
    first, second = person(api), person(api)
    assert link(api, github, first, "only-once").status_code == 200
    taken = link(api, github, second, "Only-Once")
    assert taken.status_code == 409
    assert "linked to another hdoc account" in taken.json()["detail"]


def test_twelve_accounts_racing_for_one_github_account_one_wins(api, github):
    people = [person(api) for _ in range(12)]
    backs = [authorize(github, start(api, bearer), "raced-for") for bearer in people]
    answers: list[int] = []
    gate = threading.Barrier(12)

    def attempt(bearer: dict[str, str], back: dict[str, str]) -> None:
        gate.wait(timeout=30)
        answers.append(finish(api, bearer, back).status_code)

    threads = [threading.Thread(target=attempt, args=pair) for pair in zip(people, backs, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers) == [200] + [409] * 11


def test_a_renamed_github_account_relinks_with_its_new_login(api, github):
    bearer = person(api)
    first = link(api, github, bearer, "before-rename").json()
    github.oauth.rename("before-rename", "after-rename")
    again = link(api, github, bearer, "after-rename")
    assert again.status_code == 200
    assert (again.json()["id"], again.json()["login"]) == (first["id"], "after-rename")


@pytest.mark.parametrize(
    "redirect",
    [
        "https://evil.example/auth/github",
        f"{SITE}/somewhere/else",
        f"{SITE}/",
        f"{SITE}/auth/github?next=https://evil.example",
        f"{SITE}/auth/github#x",
        f"{SITE}/auth/github\r\nSet-Cookie: a=b",
        f"{SITE}/auth/github/../../x",
        f"{SITE}//evil.example/auth/github",
    ],
)
def test_github_may_only_send_people_back_to_the_websites_callback_page(api, redirect):
    bearer = person(api)
    answer = requests.post(
        f"{api.url}/me/github/link", headers=bearer, json={"redirectUri": redirect}, timeout=30
    )
    assert answer.status_code == 400
    assert answer.json()["invalidParams"][0]["name"] == "redirectUri"
    assert "/auth/github" in answer.json()["invalidParams"][0]["reason"]


def test_starting_a_link_is_rate_limited_like_other_writes(api):
    bearer = person(api)
    answers = [
        requests.post(f"{api.url}/me/github/link", headers=bearer, json={"redirectUri": CALLBACK}, timeout=30)
        for _ in range(21)
    ]
    assert [answer.status_code for answer in answers] == [200] * 20 + [429]
    assert int(answers[-1].headers["Retry-After"]) > 0


def test_a_participant_follows_its_github_rename_and_the_old_name_is_freed(api, github):
    bearer = person(api)
    assert link(api, github, bearer, "Renamer-Old").status_code == 200
    assert (
        requests.post(
            f"{api.url}/signup",
            headers=bearer,
            json={"githubUsername": "renamer-old", "name": "Re Namer"},
            timeout=30,
        ).status_code
        == 201
    )
    article = {"title": "Day 1", "body": "Hello.", "tags": ["aws"]}
    written = requests.post(f"{api.url}/users/Renamer-Old/articles", headers=bearer, json=article, timeout=30)
    assert written.status_code == 201
    before = requests.get(f"{api.url}/users/renamer-old", timeout=30).json()

    github.oauth.rename("Renamer-Old", "Renamer-New")
    relinked = link(api, github, bearer, "Renamer-New")

    assert relinked.status_code == 200, relinked.text
    assert relinked.json()["login"] == "Renamer-New"
    after = requests.get(f"{api.url}/users/renamer-new", timeout=30).json()
    assert (after["id"], after["name"], after["dateJoined"], after["verified"]) == (
        "Renamer-New",
        "Re Namer",
        before["dateJoined"],
        True,
    )
    assert after["githubProfile"] == "https://github.com/Renamer-New"
    assert requests.get(f"{api.url}/users/renamer-old", timeout=30).status_code == 404
    me = requests.get(f"{api.url}/me", headers=bearer, timeout=30).json()
    assert me["participant"]["journeyRepo"] == "Renamer-New/100DaysOfCloud"
    articles = requests.get(f"{api.url}/articles", params={"author": "renamer-new"}, timeout=30).json()[
        "items"
    ]
    assert [(item["id"], item["author"]) for item in articles] == [(written.json()["id"], "Renamer-New")]
    assert (
        requests.get(f"{api.url}/articles", params={"author": "renamer-old"}, timeout=30).json()["items"]
        == []
    )
    # Someone who takes the old name on GitHub can claim it here
    newcomer = person(api)
    assert link(api, github, newcomer, "Renamer-Old").status_code == 200
    claimed = requests.post(
        f"{api.url}/signup",
        headers=newcomer,
        json={"githubUsername": "Renamer-Old", "name": "Second"},
        timeout=30,
    )
    assert claimed.status_code == 201


def test_the_fake_answers_a_bad_exchange_as_github_does(github):
    app = github.oauth.register_app("another-app", "right-secret")
    asked = {"client_id": app.client_id, "redirect_uri": CALLBACK, "state": "s" * 20}
    code = authorize(github, asked, "exchange-tester")["code"]
    exchange = f"{github.url}/login/oauth/access_token"
    headers = {"Accept": "application/json"}

    def answer(**form: str) -> dict[str, str]:
        sent = {"client_id": app.client_id, "client_secret": "right-secret", "code": code, **form}
        return requests.post(exchange, data=sent, headers=headers, timeout=30).json()

    assert answer(client_secret="wrong")["error"] == "incorrect_client_credentials"
    assert answer(redirect_uri="http://localhost:5173/elsewhere")["error"] == "redirect_uri_mismatch"
    assert answer(code="not-a-code")["error"] == "bad_verification_code"


def signed_up(api: LocalApi, github: FakeGitHub, login: str) -> dict[str, str]:
    bearer = person(api)
    assert link(api, github, bearer, login).status_code == 200
    answer = requests.post(
        f"{api.url}/signup", headers=bearer, json={"githubUsername": login, "name": login}, timeout=30
    )
    assert answer.status_code == 201, answer.text
    return bearer


def publish(api: LocalApi, bearer: dict[str, str], login: str, title: str) -> requests.Response:
    article = {"title": title, "body": f"{title}.", "tags": ["aws"]}
    return requests.post(f"{api.url}/users/{login}/articles", headers=bearer, json=article, timeout=30)


def edit(api: LocalApi, bearer: dict[str, str], article_id: str, title: str) -> requests.Response:
    current = requests.get(f"{api.url}/articles/{article_id}", timeout=30)
    return requests.put(
        f"{api.url}/articles/{article_id}",
        headers={**bearer, "If-Match": current.headers["ETag"]},
        json={"title": title, "body": "Edited.", "tags": ["aws"]},
        timeout=30,
    )


def as_before_authors_had_accounts(api: LocalApi, login: str) -> None:
    """Make `login`'s participant and articles as stored before articles were keyed by account:
    the participant has no authorKey, and its articles are keyed by its username."""
    from hdoc.dal.articles import ArticlesTable, StoredArticle

    pk = login.lower()
    client = api.runtime.client("dynamodb")
    client.update_item(
        TableName=api.runtime.table_name("UsersTable"),
        Key={"pk": {"S": pk}},
        UpdateExpression="REMOVE authorKey",
    )
    table = ArticlesTable(api.runtime.table_name("ArticlesTable"))
    record = UsersTable(api.runtime.table_name("UsersTable")).get_profile(pk)
    assert record is not None
    for stored in table.all_by_author(f"account#{record.account_sub}"):
        table.replace(stored, StoredArticle(stored.article, pk, stored.feed_key))
    assert UsersTable(api.runtime.table_name("UsersTable")).get_profile(pk).author_key == pk


def test_a_rename_that_fails_half_way_is_finished_by_the_next_link_and_no_one_else_gets_the_articles(
    api, github, monkeypatch
):
    from hdoc.dal.articles import ArticlesTable

    owner = signed_up(api, github, "Half-Old")
    ids = [publish(api, owner, "Half-Old", f"Day {day}").json()["id"] for day in (1, 2, 3)]
    as_before_authors_had_accounts(api, "Half-Old")
    # The second article's move fails: the participant has moved, two articles have not
    replace, calls = ArticlesTable.replace, []

    def failing_second(self, old, new):
        calls.append(old.article.id)
        if len(calls) == 2:
            raise RuntimeError("the table is unavailable")
        return replace(self, old, new)

    monkeypatch.setattr(ArticlesTable, "replace", failing_second)
    github.oauth.rename("Half-Old", "Half-New")
    assert link(api, github, owner, "Half-New").status_code == 500
    monkeypatch.setattr(ArticlesTable, "replace", replace)
    assert requests.get(f"{api.url}/users/half-new", timeout=30).status_code == 200

    # Its owner still owns every article, moved or not
    assert [edit(api, owner, article_id, "Mine").status_code for article_id in ids] == [200, 200, 200]
    # Whoever takes the freed login on GitHub gets the name, and none of the articles
    newcomer = signed_up(api, github, "Half-Old")
    assert [edit(api, newcomer, article_id, "Theirs").status_code for article_id in ids] == [403] * 3
    listed = requests.get(f"{api.url}/articles", params={"author": "half-old"}, timeout=30).json()
    assert listed["items"] == []

    # The owner's next link finishes the move: every article under the new name, nothing pending
    assert link(api, github, owner, "Half-New").status_code == 200
    listed = requests.get(f"{api.url}/articles", params={"author": "half-new"}, timeout=30).json()
    assert sorted((item["id"], item["author"]) for item in listed["items"]) == sorted(
        (article_id, "Half-New") for article_id in ids
    )
    users = UsersTable(api.runtime.table_name("UsersTable"))
    assert users.pending_rename(users.get_profile("half-new").account_sub) is None
    assert edit(api, newcomer, ids[0], "Theirs").status_code == 403


def test_an_article_posted_while_delete_me_runs_is_refused_and_nothing_of_the_account_remains(
    api, github, monkeypatch
):
    from hdoc.dal.articles import ArticlesTable

    writer = signed_up(api, github, "Racing-Writer")
    create = ArticlesTable.create

    def deleted_meanwhile(self, *args, **kwargs):
        # DELETE /me runs to its end between the article's checks and its write
        assert requests.delete(f"{api.url}/me", headers=writer, timeout=30).status_code == 204
        return create(self, *args, **kwargs)

    monkeypatch.setattr(ArticlesTable, "create", deleted_meanwhile)
    answer = publish(api, writer, "Racing-Writer", "Posted as I left")
    monkeypatch.setattr(ArticlesTable, "create", create)

    assert answer.status_code == 401, answer.text
    assert (
        requests.get(f"{api.url}/articles", params={"author": "racing-writer"}, timeout=30).json()["items"]
        == []
    )
    newest = requests.get(f"{api.url}/articles", params={"limit": 100}, timeout=30).json()["items"]
    assert "Posted as I left" not in [item["title"] for item in newest]
    # The name's next owner starts with nothing of the previous one
    successor = signed_up(api, github, "Racing-Writer")
    assert publish(api, successor, "Racing-Writer", "Mine").status_code == 201
    listed = requests.get(f"{api.url}/articles", params={"author": "racing-writer"}, timeout=30).json()
    assert [item["title"] for item in listed["items"]] == ["Mine"]


def test_a_deleted_accounts_still_valid_token_cannot_relink_sign_up_or_publish(api, github):
    gone = signed_up(api, github, "Tomb-Stone")
    assert requests.delete(f"{api.url}/me", headers=gone, timeout=30).status_code == 204

    # Its ID token still verifies (it lives its hour), but the account's tombstone refuses it
    assert link(api, github, gone, "Tomb-Stone").status_code == 401
    signup = requests.post(
        f"{api.url}/signup", headers=gone, json={"githubUsername": "Tomb-Stone", "name": "Back"}, timeout=30
    )
    assert signup.status_code == 401
    assert publish(api, gone, "Tomb-Stone", "Back again").status_code == 401
    assert requests.get(f"{api.url}/me", headers=gone, timeout=30).status_code == 401
    # The GitHub account's owner, signing in anew, links and claims the name
    assert signed_up(api, github, "Tomb-Stone")
    # and the deleted sign-in is gone from the pool
    pool = api.runtime.cognito.only_pool()
    emails = [
        attribute["Value"]
        for user in api.runtime.client("cognito-idp").list_users(UserPoolId=pool.pool_id)["Users"]
        for attribute in user["Attributes"]
        if attribute["Name"] == "email"
    ]
    assert len(emails) == len(set(emails))


def test_a_name_held_by_a_github_account_that_renamed_away_goes_to_the_login_new_owner(api, github):
    stale = signed_up(api, github, "Stale-Name")
    written = publish(api, stale, "Stale-Name", "Before I renamed")
    assert written.status_code == 201
    # Its owner renames on GitHub and never relinks here; someone else takes the login on GitHub
    github.oauth.rename("Stale-Name", "Fresh-Name")
    newcomer = signed_up(api, github, "Stale-Name")  # 201, not 409: GitHub says the login is theirs

    mine = requests.get(f"{api.url}/me", headers=newcomer, timeout=30).json()["participant"]
    assert (mine["id"], mine["verified"]) == ("Stale-Name", True)
    # The previous holder moved to the login its GitHub account has now, with its article
    moved = requests.get(f"{api.url}/users/fresh-name", timeout=30).json()
    assert (moved["id"], moved["verified"]) == ("Fresh-Name", True)
    theirs = requests.get(f"{api.url}/me", headers=stale, timeout=30).json()["participant"]
    assert theirs["id"] == "Fresh-Name"
    listed = requests.get(f"{api.url}/articles", params={"author": "fresh-name"}, timeout=30).json()
    assert [(item["id"], item["author"]) for item in listed["items"]] == [
        (written.json()["id"], "Fresh-Name")
    ]
    assert edit(api, stale, written.json()["id"], "Still mine").status_code == 200
    assert edit(api, newcomer, written.json()["id"], "Not mine").status_code == 403
