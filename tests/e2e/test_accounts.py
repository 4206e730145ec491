"""Signing up and managing one's own participant, over HTTP, with tokens from the local user pool."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import requests

from hdoc.dal.users import UsersTable
from hdoc.local.gateway import ITEMS_READ_HEADER, link_local_github
from tests.conftest import make_participant

NOW = datetime(2026, 3, 1, tzinfo=UTC)

PROBLEM = "application/problem+json"


def token(api, email: str | None = None, admin: bool = False) -> str:
    return api.runtime.cognito.id_token(email or f"{uuid.uuid4().hex[:10]}@example.com", admin=admin)


def call(api, method: str, path: str, bearer: str | None = None, **kwargs) -> requests.Response:
    headers = kwargs.pop("headers", {})
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    return requests.request(method, f"{api.url}{path}", headers=headers, timeout=30, **kwargs)


def username() -> str:
    return f"Dev-{uuid.uuid4().hex[:8]}"


def claim(api, bearer: str, name: str, **fields) -> requests.Response:
    return call(
        api, "POST", "/signup", bearer, json={"githubUsername": name, "name": "A Participant", **fields}
    )


def signup(api, bearer: str, name: str, **fields) -> requests.Response:
    """Link the GitHub account `name` (as the OAuth flow would), then claim it."""
    link_local_github(api.runtime, bearer, name)
    return claim(api, bearer, name, **fields)


def test_the_readme_walk_through(accounts_api):
    api, me, name = accounts_api, token(accounts_api), username()

    created = signup(api, me, name, twitterProfile="@dev_one", timezone="Europe/Paris")
    assert created.status_code == 201
    assert created.json()["journeyRepo"] == f"{name}/100DaysOfCloud"
    assert created.json()["twitterProfile"] == "dev_one"
    assert created.headers["Location"] == f"/users/{name}"

    mine = call(api, "GET", "/me", me)
    assert mine.status_code == 200
    assert mine.json()["participant"]["id"] == name
    version = mine.headers["ETag"]

    patched = call(api, "PATCH", "/me", me, json={"name": "New Name"}, headers={"If-Match": version})
    assert patched.status_code == 200
    assert patched.headers["ETag"] != version
    assert call(api, "GET", f"/users/{name.upper()}").json()["name"] == "New Name"

    exported = call(api, "GET", "/me/export", me).json()
    assert exported["participant"]["name"] == "New Name"
    assert exported["account"]["id"]

    assert call(api, "DELETE", "/me", me).status_code == 204
    assert call(api, "GET", f"/users/{name}").status_code == 404


def test_me_without_a_participant_says_to_complete_signup(accounts_api):
    answer = call(accounts_api, "GET", "/me", token(accounts_api))

    assert answer.status_code == 404
    assert answer.headers["Content-Type"] == PROBLEM
    assert "POST /signup" in answer.json()["detail"]


def test_a_stale_if_match_is_a_412_and_changes_nothing(accounts_api):
    api, me = accounts_api, token(accounts_api)
    signup(api, me, username())
    first = call(api, "GET", "/me", me).headers["ETag"]
    assert call(api, "PATCH", "/me", me, json={"name": "One"}, headers={"If-Match": first}).status_code == 200

    stale = call(api, "PATCH", "/me", me, json={"name": "Two"}, headers={"If-Match": first})

    assert stale.status_code == 412
    assert stale.headers["Content-Type"] == PROBLEM
    assert call(api, "GET", "/me", me).json()["participant"]["name"] == "One"


def test_github_username_is_not_editable(accounts_api):
    api, me = accounts_api, token(accounts_api)
    signup(api, me, username())

    answer = call(api, "PATCH", "/me", me, json={"githubUsername": "someone-else"})

    assert answer.status_code == 400
    assert answer.json()["invalidParams"][0]["name"] == "githubUsername"


def test_a_username_taken_or_a_second_participant_is_a_409(accounts_api):
    api, first, second, name = accounts_api, token(accounts_api), token(accounts_api), username()
    assert signup(api, first, name).status_code == 201
    # A participant from before linking holds a name; its GitHub owner links it and claims it
    squatted = username()
    UsersTable(api.runtime.table_name("UsersTable")).put_many([(make_participant(squatted), NOW)])

    taken = signup(api, second, squatted.lower())
    link_local_github(api.runtime, first, username())
    again = claim(api, first, call(api, "GET", "/me/github", first).json()["login"])

    assert taken.status_code == again.status_code == 409
    assert "already belongs" in taken.json()["detail"]
    assert "already has a participant" in again.json()["detail"]


def test_claiming_needs_the_linked_github_account_and_changes_nothing_without_it(accounts_api):
    api, me, name = accounts_api, token(accounts_api), username()

    unlinked = claim(api, me, name)
    link_local_github(api.runtime, me, name)
    someone_else = claim(api, me, username())
    foreign_repo = claim(api, me, name, journeyRepo="someone-else/100DaysOfCloud")

    assert unlinked.status_code == someone_else.status_code == 403
    assert "Link your GitHub account first" in unlinked.json()["detail"]
    assert f"only the GitHub username you linked ({name})" in someone_else.json()["detail"]
    assert foreign_repo.status_code == 400
    assert foreign_repo.json()["invalidParams"][0]["name"] == "journeyRepo"
    assert call(api, "GET", "/me", me).status_code == 404
    # Claimed in any case, stored as GitHub spells it, verified
    created = claim(api, me, name.upper())
    assert created.status_code == 201
    assert (created.json()["id"], created.json()["verified"]) == (name, True)
    elsewhere = call(
        api, "PATCH", "/me", me, json={"journeyRepo": "another-owner/journey"}, headers={"If-Match": '"1"'}
    )
    assert elsewhere.status_code == 400
    assert elsewhere.json()["invalidParams"][0]["name"] == "journeyRepo"


def test_twenty_concurrent_signups_for_one_username_give_exactly_one_201(accounts_api):
    api, me, name = accounts_api, token(accounts_api), username()
    link_local_github(api.runtime, me, name)

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda _: claim(api, me, name).status_code, range(20)))

    assert sorted(statuses) == [201] + [409] * 19


def test_twenty_concurrent_signups_by_one_account_give_exactly_one_participant(accounts_api):
    api, me = accounts_api, token(accounts_api)
    names = [username() for _ in range(20)]
    link_local_github(api.runtime, me, names[7])

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda name: claim(api, me, name).status_code, names))

    assert sorted(statuses) == [201] + [403] * 19
    assert call(api, "GET", "/me", me).json()["participant"]["id"] == names[7]
    others = [name for name in names if name != names[7]]
    assert all(call(api, "GET", f"/users/{name}").status_code == 404 for name in others)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"githubUsername": "-bad-", "name": "x"}, "githubUsername"),
        ({"githubUsername": "ok-name", "name": ""}, "name"),
        ({"githubUsername": "ok-name", "name": "x" * 101}, "name"),
        (
            {"githubUsername": "ok-name", "name": "x", "twitterProfile": "way_too_long_handle"},
            "twitterProfile",
        ),
        ({"githubUsername": "ok-name", "name": "x", "linkedinProfile": "ab"}, "linkedinProfile"),
        ({"githubUsername": "ok-name", "name": "x", "timezone": "Mars/Olympus"}, "timezone"),
        ({"githubUsername": "ok-name", "name": "x", "journeyRepo": "no-slash"}, "journeyRepo"),
        (
            {"githubUsername": "ok-name", "name": "x", "avatarImage": "http://insecure.example/a.png"},
            "avatarImage",
        ),
        ({"githubUsername": "ok-name", "name": "x", "isAdmin": True}, "isAdmin"),
        ({"name": "x"}, "githubUsername"),
    ],
)
def test_bad_signups_are_400s_that_name_the_field_and_change_nothing(accounts_api, body, field):
    api, me = accounts_api, token(accounts_api)

    answer = call(api, "POST", "/signup", me, json=body)

    assert answer.status_code == 400
    assert answer.headers["Content-Type"] == PROBLEM
    assert field in [param["name"] for param in answer.json()["invalidParams"]]
    assert call(api, "GET", "/me", me).status_code == 404


def test_malformed_json_oversize_bodies_and_forms_get_clear_4xx(accounts_api):
    api, me = accounts_api, token(accounts_api)
    json_header = {"Content-Type": "application/json"}

    malformed = call(api, "POST", "/signup", me, data="{not json", headers=json_header)
    oversize = call(api, "POST", "/signup", me, data='{"name": "' + "x" * 17_000 + '"}', headers=json_header)
    form = call(api, "POST", "/signup", me, data={"githubUsername": "x"})

    assert (malformed.status_code, oversize.status_code, form.status_code) == (400, 413, 415)
    assert "JSON" in malformed.json()["detail"]
    assert all(answer.headers["Content-Type"] == PROBLEM for answer in (malformed, oversize, form))


def test_me_reads_and_patch_writes_at_most_two_items(accounts_api):
    api, me = accounts_api, token(accounts_api)
    signup(api, me, username())

    read = call(api, "GET", "/me", me)
    patched = call(
        api, "PATCH", "/me", me, json={"name": "Cheap"}, headers={"If-Match": read.headers["ETag"]}
    )

    assert int(read.headers[ITEMS_READ_HEADER]) <= 2
    assert int(patched.headers[ITEMS_READ_HEADER]) <= 2


def test_delete_me_leaves_nothing_of_the_participant_in_any_table_and_is_idempotent(accounts_api):
    api, me, name = accounts_api, token(accounts_api), username()
    signup(api, me, name)
    sub = call(api, "GET", "/me", me).json()["account"]["id"]

    assert call(api, "DELETE", "/me", me).status_code == 204
    assert call(api, "DELETE", "/me", me).status_code == 204

    client = api.runtime.client("dynamodb")
    tombstones = []
    for table in api.runtime.tables.values():
        for page in client.get_paginator("scan").paginate(TableName=table):
            for item in page["Items"]:
                if item["pk"]["S"] == f"account#{sub}":
                    tombstones.append(item)
                    continue
                assert sub not in str(item)
                assert name.lower() not in str(item).lower()
    # Only the account's tombstone stays (so a still-valid token of it writes nothing), holding no
    # personal data, and only for the day an ID token can live
    (tombstone,) = tombstones
    assert set(tombstone) == {"pk", "closedAt", "ttl"}
    assert int(tombstone["ttl"]["N"]) <= time.time() + 86400 + 60
    pool = api.runtime.cognito.only_pool()
    users = api.runtime.client("cognito-idp").list_users(UserPoolId=pool.pool_id, Filter=f'sub = "{sub}"')
    assert users["Users"] == []


def test_concurrent_callers_each_see_their_own_account(accounts_api):
    api = accounts_api
    people = []
    for _ in range(12):
        bearer, name = token(api), username()
        signup(api, bearer, name)
        people.append((bearer, name))

    def whose(person: tuple[str, str]) -> tuple[str, str]:
        return call(api, "GET", "/me", person[0]).json()["participant"]["id"], person[1]

    with ThreadPoolExecutor(max_workers=12) as pool:
        for _ in range(3):
            assert all(seen == expected for seen, expected in pool.map(whose, people))


def test_a_participant_from_before_linking_is_verified_once_its_owner_links(accounts_api):
    api, me, name = accounts_api, token(accounts_api), username()
    link_local_github(api.runtime, me, name)
    assert claim(api, me, name).status_code == 201
    users = UsersTable(api.runtime.table_name("UsersTable"))
    sub = call(api, "GET", "/me", me).json()["account"]["id"]
    # As it was before linking existed: no link, not verified
    users._table.update_item(
        Key={"pk": name.lower()},
        UpdateExpression="SET verified = :no REMOVE githubId",
        ExpressionAttributeValues={":no": False},
    )
    users._table.update_item(
        Key={"pk": f"account#{sub}"}, UpdateExpression="REMOVE githubId, githubLogin, githubLinkedAt"
    )
    assert call(api, "GET", f"/users/{name}").json()["verified"] is False

    link_local_github(api.runtime, me, name)
    assert call(api, "GET", f"/users/{name}").json()["verified"] is True

    link_local_github(api.runtime, me, username())  # another GitHub account proves nothing about the name
    assert call(api, "GET", f"/users/{name}").json()["verified"] is False


def test_only_verified_participants_are_ranked(accounts_api):
    api, me, name = accounts_api, token(accounts_api), username()
    link_local_github(api.runtime, me, name)
    assert claim(api, me, name).status_code == 201

    def ranked() -> list[str]:
        everyone, cursor = [], None
        for _ in range(50):
            page = call(
                api, "GET", "/leaderboard", params={"limit": 100, **({"cursor": cursor} if cursor else {})}
            )
            everyone += [person["id"] for person in page.json()["items"]]
            cursor = page.json()["nextCursor"]
            if not cursor:
                return everyone
        raise AssertionError("too many pages")

    assert name in ranked()
    link_local_github(api.runtime, me, username())  # the account now proves another GitHub account
    assert name not in ranked()
    assert call(api, "GET", f"/users/{name}").json()["verified"] is False  # still a participant
    link_local_github(api.runtime, me, name)
    assert name in ranked()


def test_an_admin_releases_a_username_held_by_a_participant_that_is_not_verified(accounts_api, caplog):
    api, squatter, owner, admin = (
        accounts_api,
        token(accounts_api),
        token(accounts_api),
        token(accounts_api, admin=True),
    )
    name = username()
    link_local_github(api.runtime, squatter, name)
    assert claim(api, squatter, name).status_code == 201
    link_local_github(api.runtime, squatter, username())  # the squatter's link to the name is gone
    path = f"/admin/participants/{name.upper()}"

    assert call(api, "DELETE", path, squatter).status_code == 403  # admins only
    link_local_github(api.runtime, owner, name)
    assert claim(api, owner, name).status_code == 409  # held

    with caplog.at_level("INFO"):
        released = call(api, "DELETE", path, admin)
    assert released.status_code == 204
    assert call(api, "GET", f"/users/{name}").status_code == 404
    assert call(api, "GET", "/me", squatter).status_code == 404  # the account stays, without participant
    assert claim(api, owner, name).status_code == 201  # the GitHub account's owner claims it
    assert any("released" in record.getMessage() for record in caplog.records)

    verified = call(api, "DELETE", path, admin)
    assert verified.status_code == 409
    assert "verified" in verified.json()["detail"]
    assert call(api, "DELETE", "/admin/participants/nobody-at-all", admin).status_code == 404


def test_a_person_changes_their_profile_at_most_thirty_times_an_hour(accounts_api):
    api, me = accounts_api, token(accounts_api)
    signup(api, me, username())
    edits = [call(api, "PATCH", "/me", me, json={"name": f"Name {n}"}).status_code for n in range(30)]
    refused = call(api, "PATCH", "/me", me, json={"name": "One Too Many"})

    assert edits == [200] * 30
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert call(api, "GET", "/me", me).json()["participant"]["name"] == "Name 29"
