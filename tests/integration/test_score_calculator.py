"""The score calculator: STATISTICS stream records in, participants' scores and leaderboard out.
Records may repeat or come out of order; a malformed one fails alone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from boto3.dynamodb.types import TypeSerializer

from hdoc.dal.user_items import leaderboard_key
from hdoc.dal.users import UsersTable
from hdoc.local.functions import LocalFunction
from hdoc.local.runtime import LocalRuntime
from tests.conftest import TEMPLATE, make_participant

REACHED = datetime(2026, 3, 5, 10, tzinfo=UTC)
_serialize = TypeSerializer().serialize


@pytest.fixture(scope="module")
def runtime() -> Iterator[LocalRuntime]:
    with LocalRuntime(TEMPLATE, poll_streams=False) as started:
        yield started


@pytest.fixture
def users(runtime: LocalRuntime) -> UsersTable:
    table = UsersTable(runtime.table_name("UsersTable"))
    table.put_many([(make_participant(name), REACHED) for name in ("Ana", "Bo")])
    return table


@pytest.fixture
def calculator(runtime: LocalRuntime) -> LocalFunction:
    return next(
        function for function in runtime.functions if function.logical_id == "ScoreCalculatorFunction"
    )


def statistics_image(pk: str, version: int, score: int, **extra: Any) -> dict[str, Any]:
    return {
        "pk": pk,
        "sk": "github",
        "kind": "journey",
        "status": "ok",
        "version": version,
        "daysCompleted": score // 12,
        "score": score,
        "longestStreak": score // 12,
        "githubScore": score,
        "githubStreak": 1,
        "twitterScore": 0,
        "twitterStreak": 0,
        "scoreReachedAt": "2026-03-05T10:00:00.000000Z",
        **extra,
    }


def record(sequence: int, image: dict[str, Any], event_name: str = "MODIFY") -> dict[str, Any]:
    return {
        "eventID": str(sequence),
        "eventName": event_name,
        "eventSource": "aws:dynamodb",
        "dynamodb": {
            "Keys": {"pk": {"S": image.get("pk", "x")}, "sk": {"S": "github"}},
            "NewImage": {name: _serialize(value) for name, value in image.items()},
            "SequenceNumber": f"{sequence:021d}",
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }


def deliver(calculator: LocalFunction, *records: dict[str, Any]) -> list[str]:
    """The sequence numbers the calculator reports as failed."""
    answer = calculator.invoke({"Records": list(records)})
    return [failure["itemIdentifier"] for failure in answer["batchItemFailures"]]


def test_a_statistics_change_sets_the_score_and_the_leaderboard_place(calculator, users):
    assert deliver(calculator, record(1, statistics_image("ana", 1, 120))) == []
    ana = users.get("ana")
    assert ana is not None
    assert (ana.participant.score, ana.participant.days_completed, ana.participant.journey_status) == (
        120,
        10,
        "ok",
    )
    assert ana.leaderboard_key == leaderboard_key(120, 10, REACHED, "ana")
    leaders, _ = users.leaderboard_page(1)
    assert leaders[0].pk == "ana"


def test_a_repeated_record_changes_nothing(calculator, users):
    change = record(1, statistics_image("ana", 1, 120))
    assert deliver(calculator, change, change) == []
    ana = users.get("ana")
    assert ana is not None
    assert ana.participant.score == 120


def test_an_older_version_never_overwrites_a_newer_score(calculator, users):
    newer, older = statistics_image("ana", 3, 200), statistics_image("ana", 2, 150)
    assert deliver(calculator, record(1, newer), record(2, older)) == []
    ana = users.get("ana")
    assert ana is not None
    assert ana.participant.score == 200
    assert deliver(calculator, record(3, older)) == []  # later, alone: still older
    ana = users.get("ana")
    assert ana is not None
    assert ana.participant.score == 200


def test_a_poison_record_fails_alone_and_the_others_are_applied(calculator, users):
    poison = {**statistics_image("bo", 1, 50), "version": "not a number"}
    failures = deliver(
        calculator,
        record(1, statistics_image("ana", 1, 120)),
        record(2, poison),
        record(3, statistics_image("bo", 2, 80)),
    )
    assert failures == [f"{2:021d}"]
    ana, bo = users.get("ana"), users.get("bo")
    assert ana is not None
    assert bo is not None
    assert (ana.participant.score, bo.participant.score) == (120, 80)


def test_a_failed_read_sets_the_status_and_keeps_the_scores(calculator, users):
    deliver(calculator, record(1, statistics_image("ana", 1, 120)))
    failed = {**statistics_image("ana", 2, 120), "status": "not-found"}  # totals as they were
    deliver(calculator, record(2, failed))
    ana = users.get("ana")
    assert ana is not None
    assert (ana.participant.score, ana.participant.journey_status) == (120, "not-found")


def test_records_of_deleted_participants_other_items_and_removals_are_ignored(calculator, users):
    assert (
        deliver(
            calculator,
            record(1, statistics_image("gone", 1, 99)),
            record(2, {"pk": "source#github", "sk": "rate-limit", "resetAt": "2026-03-05T10:00:00+00:00"}),
            record(3, statistics_image("ana", 1, 120), event_name="REMOVE"),
        )
        == []
    )
    assert users.get("gone") is None
    ana = users.get("ana")
    assert ana is not None
    assert ana.participant.score == 0


def test_the_statistics_stream_reaches_the_calculator_as_the_templates_event_source_declares(runtime, users):
    # Given the event source mapping the template declares
    subscription = next(s for s in runtime.subscriptions if s.function_name == "ScoreCalculatorFunction")
    assert (subscription.batch_size, subscription.report_batch_item_failures) == (100, True)
    assert (subscription.bisect_on_error, subscription.maximum_retry_attempts) == (True, 5)
    assert subscription.on_failure is not None
    runtime.deliver_streams()  # whatever earlier tests wrote
    # When statistics items are written, one of them malformed
    table = runtime.client("dynamodb")
    name = runtime.table_name("StatisticsTable")
    for image in (statistics_image("ana", 1, 120), {**statistics_image("bo", 1, 60), "version": "x"}):
        table.put_item(TableName=name, Item={key: _serialize(value) for key, value in image.items()})
    runtime.deliver_streams()
    # Then the good one is applied, and the poison one, after its retries, waits in the on-failure queue
    ana, bo = users.get("ana"), users.get("bo")
    assert ana is not None
    assert bo is not None
    assert (ana.participant.score, bo.participant.score) == (120, 0)
    sqs = runtime.client("sqs")
    queue = sqs.get_queue_url(QueueName=subscription.on_failure.rsplit(":", 1)[-1])["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    assert len(messages) == 1
    assert '"batchSize": 1' in messages[0]["Body"]


def test_an_unverified_participant_is_scored_but_kept_off_the_leaderboard(calculator, users):
    users.put_many([(make_participant("ursula", score=0, verified=False), REACHED)])
    assert deliver(calculator, record(1, statistics_image("ursula", 1, 500))) == []
    ursula = users.get("ursula")
    assert ursula is not None
    assert ursula.participant.score == 500  # the profile shows the score
    assert ursula.leaderboard_key.startswith(f"{10**12 - 1 - 500:012d}#")  # its place, were it verified
    leaders, _ = users.leaderboard_page(100)
    assert "ursula" not in [leader.pk for leader in leaders]
    assert "ana" in [leader.pk for leader in leaders]  # the verified one next to it is ranked
