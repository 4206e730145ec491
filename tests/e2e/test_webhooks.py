"""The GitHub App's webhooks end to end, over HTTP: GitHub's signed deliveries to POST
/webhooks/github, the push queue, the push refresher and the score calculator, all from the
templates, against the fake GitHub."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from hdoc.dal.users import UsersTable
from hdoc.local.fake_github import FakeGitHub
from hdoc.local.fake_github_oauth import stable_id
from hdoc.local.gateway import LocalServer
from hdoc.local.runtime import LocalRuntime
from hdoc.logic.webhook_signature import signature
from tests.conftest import TEMPLATE, LocalApi
from tests.e2e.test_accounts import call, signup, token
from tests.fixtures.journeys import add_day, recent_journey

SECRET = "webhook-secret-for-the-tests"


@pytest.fixture(scope="module")
def hooks() -> Iterator[tuple[LocalApi, FakeGitHub]]:
    with FakeGitHub() as github:
        runtime = LocalRuntime(
            TEMPLATE,
            parameters={"GitHubApiUrl": github.url},
            github_token=github.token,
            secret_values={"WebhookSecret": SECRET},
            poll_streams=False,  # each test delivers the queue and the streams when it chooses
        ).start()
        server = LocalServer(runtime, "127.0.0.1", 0).start()
        try:
            yield LocalApi(server.url, runtime, []), github
        finally:
            server.stop()
            runtime.stop()


def deliver(
    api: LocalApi,
    event: str,
    payload: Any,
    *,
    secret: str | None = SECRET,
    delivery: str | None = None,
    body: bytes | None = None,
    signed_body: bytes | None = None,
) -> requests.Response:
    """POST a delivery as GitHub sends it: signed with `secret` (over `signed_body` when given)."""
    raw = body if body is not None else json.dumps(payload).encode()
    headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "User-Agent": "GitHub-Hookshot/test",
    }
    if secret is not None:
        headers["X-Hub-Signature-256"] = signature(secret, signed_body if signed_body is not None else raw)
    return requests.post(f"{api.url}/webhooks/github", data=raw, headers=headers, timeout=60)


def push(owner: str, repository: str = "100DaysOfCloud", *, ref: str = "refs/heads/main") -> dict[str, Any]:
    return {
        "ref": ref,
        "before": "0" * 40,
        "after": uuid.uuid4().hex + "00000000",
        "repository": {
            "id": stable_id(f"{owner}/{repository}"),
            "full_name": f"{owner}/{repository}",
            "default_branch": "main",
            "owner": {"id": stable_id(owner), "login": owner},
        },
        "installation": {"id": 77},
    }


def participant(api: LocalApi, github: FakeGitHub, days: int = 3) -> tuple[str, Any]:
    name = f"Hook-{uuid.uuid4().hex[:8]}"
    repository = recent_journey(github, name, days)
    assert signup(api, token(api), name).status_code == 201
    return name, repository


def queued(api: LocalApi) -> int:
    """Messages waiting in the push queue, or in flight."""
    sqs = api.runtime.client("sqs")
    attributes = sqs.get_queue_attributes(
        QueueUrl=api.runtime.physical_id("PushQueue"),
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def days_of(api: LocalApi, name: str) -> int:
    return int(call(api, "GET", f"/users/{name}").json()["daysCompleted"])


def users(api: LocalApi) -> UsersTable:
    return UsersTable(api.runtime.table_name("UsersTable"))


def test_a_push_to_the_journey_counts_the_new_day_on_the_profile(hooks):
    api, github = hooks
    name, repository = participant(api, github)
    api.runtime.deliver_streams()
    add_day(repository, 4)

    answer = deliver(api, "push", push(name))
    assert answer.status_code == 202
    assert answer.json()["action"] == "queued"
    assert queued(api) == 1
    api.runtime.deliver_streams()

    assert queued(api) == 0
    assert days_of(api, name) == 4
    journey = call(api, "GET", f"/users/{name}/journey").json()
    assert [entry["day"] for entry in journey["report"]["entries"]] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("secret", "signed_body", "header"),
    [
        (None, None, None),  # unsigned
        ("another secret", None, None),
        (SECRET, b'{"ref": "refs/heads/main"}', None),  # the body changed after signing
        (None, None, "sha256=" + "0" * 64),  # wrong
    ],
)
def test_a_delivery_not_signed_with_the_secret_is_refused_and_changes_nothing(
    hooks, secret, signed_body, header
):
    api, github = hooks
    name, _ = participant(api, github)
    payload = push(name)
    delivery = str(uuid.uuid4())
    raw = json.dumps(payload).encode()
    if header is not None:
        answer = requests.post(
            f"{api.url}/webhooks/github",
            data=raw,
            headers={
                "Content-Type": "application/json",
                "X-GitHub-Event": "push",
                "X-GitHub-Delivery": delivery,
                "X-Hub-Signature-256": header,
            },
            timeout=30,
        )
    else:
        answer = deliver(api, "push", payload, secret=secret, delivery=delivery, signed_body=signed_body)

    assert answer.status_code == 401
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert queued(api) == 0
    remembered = api.runtime.client("dynamodb").get_item(
        TableName=api.runtime.table_name("UsersTable"), Key={"pk": {"S": f"delivery#{delivery}"}}
    )
    assert "Item" not in remembered


def test_a_redelivered_push_is_done_once(hooks):
    api, github = hooks
    name, _ = participant(api, github)
    delivery = str(uuid.uuid4())
    payload = push(name)

    first = deliver(api, "push", payload, delivery=delivery)
    again = deliver(api, "push", payload, delivery=delivery)

    assert (first.json()["action"], again.json()["action"]) == ("queued", "duplicate")
    assert again.status_code == 202
    assert queued(api) == 1
    api.runtime.deliver_streams()


def test_one_delivery_sent_several_times_at_once_queues_one_refresh(hooks):
    api, github = hooks
    name, _ = participant(api, github)
    delivery, payload = str(uuid.uuid4()), push(name)
    answers: list[requests.Response] = []
    start = threading.Barrier(4)

    def send() -> None:
        start.wait(timeout=30)
        answers.append(deliver(api, "push", payload, delivery=delivery))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(answer.json()["action"] for answer in answers) == ["duplicate"] * 3 + ["queued"]
    assert queued(api) == 1
    api.runtime.deliver_streams()


def test_two_pushes_a_second_apart_end_as_the_later_left_the_journey_whichever_arrives_first(hooks):
    api, github = hooks
    name, repository = participant(api, github)
    api.runtime.deliver_streams()
    add_day(repository, 4)
    earlier = push(name)
    add_day(repository, 5)
    later = push(name)

    # GitHub delivers the later push first
    assert deliver(api, "push", later).json()["action"] == "queued"
    assert deliver(api, "push", earlier).json()["action"] == "queued"
    api.runtime.deliver_streams()

    assert days_of(api, name) == 5


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda name: push(name, ref="refs/heads/draft"), "default branch"),
        (lambda name: {**push(name), "deleted": True}, "default branch"),
        (lambda name: push(name, "notes"), "journey repository"),
        (lambda name: push("Someone-Unknown-" + name[-8:]), "No participant"),
    ],
    ids=["another branch", "a deleted branch", "another repository", "an account of no participant"],
)
def test_a_push_that_is_not_to_a_journey_is_acknowledged_and_ignored(hooks, change, reason):
    api, github = hooks
    name, _ = participant(api, github)

    answer = deliver(api, "push", change(name))

    assert answer.status_code == 202
    assert answer.json()["action"] == "ignored"
    assert reason in answer.json()["detail"]
    assert queued(api) == 0


def test_a_push_to_another_participants_repository_in_ones_name_is_ignored(hooks):
    """A payload naming participant A as the owner of B's repository (owner id of B) refreshes nothing."""
    api, github = hooks
    ana, _ = participant(api, github)
    bob, _ = participant(api, github)
    payload = push(ana)
    payload["repository"]["owner"] = {"id": stable_id(bob), "login": bob}

    answer = deliver(api, "push", payload)

    assert answer.json()["action"] == "ignored"
    assert "journey repository" in answer.json()["detail"]
    assert queued(api) == 0


def test_a_push_to_an_unverified_participants_journey_is_ignored(hooks):
    api, github = hooks
    name, _ = participant(api, github)
    api.runtime.client("dynamodb").update_item(
        TableName=api.runtime.table_name("UsersTable"),
        Key={"pk": {"S": name.lower()}},
        UpdateExpression="SET verified = :no",
        ExpressionAttributeValues={":no": {"BOOL": False}},
    )

    answer = deliver(api, "push", push(name))

    assert answer.json()["action"] == "ignored"
    assert "not verified" in answer.json()["detail"]
    assert queued(api) == 0


def test_ping_and_events_hdoc_does_not_take_are_acknowledged(hooks):
    api, _ = hooks
    assert (
        deliver(api, "ping", {"zen": "Keep it logically awesome.", "hook_id": 1}).json()["action"] == "pong"
    )
    other = deliver(api, "star", {"action": "created"})
    assert (other.status_code, other.json()["action"]) == (202, "ignored")
    assert queued(api) == 0


@pytest.mark.parametrize(
    ("event", "body"),
    [
        ("push", b"{not json"),
        ("push", b"[1, 2]"),
        ("push", json.dumps({"ref": "refs/heads/main"}).encode()),  # no repository
        ("installation", json.dumps({"action": "created"}).encode()),
    ],
)
def test_a_signed_delivery_that_is_not_its_event_is_a_400(hooks, event, body):
    api, _ = hooks
    answer = deliver(api, event, None, body=body)
    assert answer.status_code == 400
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert queued(api) == 0


def test_a_delivery_over_25_mb_is_a_413(hooks):
    api, _ = hooks
    body = b'{"zen": "' + b"x" * (25 * 1024 * 1024) + b'"}'
    answer = deliver(api, "ping", None, body=body)
    assert answer.status_code == 413


def test_installation_events_keep_which_repositories_the_app_reads_and_uninstalling_forgets_them(hooks):
    api, github = hooks
    name, _ = participant(api, github)
    account = {"id": stable_id(name), "login": name}
    installation = {"id": 901, "account": account, "repository_selection": "selected"}
    journey = {"id": 1, "full_name": f"{name}/100DaysOfCloud"}
    notes = {"id": 2, "full_name": f"{name}/notes"}

    installed = deliver(
        api, "installation", {"action": "created", "installation": installation, "repositories": [notes]}
    )
    assert installed.json()["action"] == "installed"
    record = users(api).installation(stable_id(name))
    assert record is not None
    assert (record.installation_id, record.covers(f"{name}/100DaysOfCloud")) == (901, False)

    changes = {"installation": installation, "repository_selection": "selected"}
    deliver(api, "installation_repositories", {"action": "added", **changes, "repositories_added": [journey]})
    deliver(
        api, "installation_repositories", {"action": "removed", **changes, "repositories_removed": [notes]}
    )
    record = users(api).installation(stable_id(name))
    assert record is not None
    assert record.repositories == {f"{name}/100daysofcloud".lower()}

    uninstalled = deliver(api, "installation", {"action": "deleted", "installation": installation})
    assert uninstalled.json()["action"] == "uninstalled"
    assert users(api).installation(stable_id(name)) is None
