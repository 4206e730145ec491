"""The local runtime delivers table streams to the functions a template subscribes to them."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest

from hdoc.local.runtime import LocalRuntime
from hdoc.local.streams import matches_pattern
from tests.conftest import ROOT
from tests.fixtures import stream_consumer

TEMPLATE = ROOT / "tests" / "fixtures" / "streams" / "template.yaml"


@pytest.fixture
def runtime() -> Iterator[LocalRuntime]:
    stream_consumer.received.clear()
    stream_consumer.removed.clear()
    with LocalRuntime(TEMPLATE, poll_streams=False) as started:
        yield started


def put(runtime: LocalRuntime, *keys: str) -> None:
    client = runtime.client("dynamodb")
    for key in keys:
        client.put_item(TableName=runtime.table_name("Things"), Item={"pk": {"S": key}})


def delivered_keys() -> list[str]:
    return [record["dynamodb"]["Keys"]["pk"]["S"] for batch in stream_consumer.received for record in batch]


def test_records_arrive_in_order_in_batches_of_the_declared_size(runtime):
    put(runtime, *[f"thing-{n}" for n in range(7)])

    runtime.deliver_streams()

    assert [len(batch) for batch in stream_consumer.received] == [3, 3, 1]
    assert delivered_keys() == [f"thing-{n}" for n in range(7)]
    first = stream_consumer.received[0][0]
    assert first["eventName"] == "INSERT"
    assert first["eventSourceARN"] == runtime.subscriptions[0].stream_arn
    assert first["dynamodb"]["NewImage"] == {"pk": {"S": "thing-0"}}
    assert isinstance(first["dynamodb"]["ApproximateCreationDateTime"], float)


def test_an_event_filter_lets_only_the_records_it_matches_reach_the_function(runtime):
    client, pairs = runtime.client("dynamodb"), runtime.table_name("Pairs")
    for n, kind in enumerate(["kept", "other", "also", "kept"]):
        client.put_item(TableName=pairs, Item={"pk": {"S": f"p{n}"}, "sk": {"S": "x"}, "kind": {"S": kind}})
    for n in range(4):
        client.delete_item(TableName=pairs, Key={"pk": {"S": f"p{n}"}, "sk": {"S": "x"}})

    runtime.deliver_streams()
    runtime.deliver_streams()

    (batch,) = stream_consumer.removed  # the inserts and the "other" removal never reached it, once
    assert [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in batch] == [
        ("REMOVE", "p0"),
        ("REMOVE", "p2"),
        ("REMOVE", "p3"),
    ]


@pytest.mark.parametrize(
    ("pattern", "event", "matched"),
    [
        ({"a": ["x"]}, {"a": "x", "b": 1}, True),
        ({"a": ["x"]}, {"a": "y"}, False),
        ({"a": ["x"]}, {"b": "x"}, False),
        ({"a": {"b": ["x", "y"]}}, {"a": {"b": "y"}}, True),
        ({"a": {"b": ["x"]}}, {"a": "b"}, False),
    ],
)
def test_filter_patterns_match_as_lambdas_do_for_exact_values(pattern, event, matched):
    assert matches_pattern(pattern, event) is matched


def test_a_filter_operator_the_emulation_lacks_is_refused_not_ignored():
    with pytest.raises(ValueError, match="not emulated"):
        matches_pattern({"a": [{"prefix": "x"}]}, {"a": "xy"})


def test_records_are_delivered_once(runtime):
    put(runtime, "a", "b")
    runtime.deliver_streams()
    put(runtime, "c")
    runtime.deliver_streams()
    runtime.deliver_streams()

    assert delivered_keys() == ["a", "b", "c"]


def test_a_reported_failure_is_retried_from_that_record_then_sent_to_the_failure_queue(runtime):
    put(runtime, "ok-1", "poison-2", "ok-3", "ok-4")

    runtime.deliver_streams()

    batches = [
        [record["dynamodb"]["Keys"]["pk"]["S"] for record in batch] for batch in stream_consumer.received
    ]
    # first try, then two retries from the poison record on; then the next batch goes on.
    assert batches == [["ok-1", "poison-2", "ok-3"], ["poison-2", "ok-3"], ["poison-2", "ok-3"], ["ok-4"]]
    sqs = runtime.client("sqs")
    url = runtime.physical_id("FailedBatches")
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    info = json.loads(messages[0]["Body"])["DDBStreamBatchInfo"]
    assert info["batchSize"] == 2


def test_a_crashing_batch_is_bisected_so_the_good_records_get_through(runtime):
    put(runtime, "ok-1", "ok-2", "crash-3")

    runtime.deliver_streams()

    succeeded = [
        batch
        for batch in stream_consumer.received
        if not any(record["dynamodb"]["Keys"]["pk"]["S"].startswith("crash") for record in batch)
    ]
    assert sorted(record["dynamodb"]["Keys"]["pk"]["S"] for batch in succeeded for record in batch) == [
        "ok-1",
        "ok-2",
    ]
    assert runtime.subscriptions[0].failed_batches == 1


def test_the_function_gets_its_environment_from_the_template(runtime):
    import os

    assert os.environ["THINGS_TABLE"] == runtime.table_name("Things")


def test_an_external_dynamodb_endpoint_holds_the_tables():
    from moto.server import ThreadedMotoServer

    external = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    external.start()
    try:
        host, port = external.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        with LocalRuntime(TEMPLATE, dynamodb_endpoint=endpoint, poll_streams=False) as runtime:
            import boto3

            # Asked by name: the endpoint may hold other tests' tables too, past list_tables' first 100.
            external_client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1")
            described = external_client.describe_table(TableName=runtime.table_name("Things"))["Table"]
            assert described["TableStatus"] == "ACTIVE"
            assert runtime.aws_endpoint != endpoint
            assert os.environ["AWS_ENDPOINT_URL_DYNAMODB"] == endpoint
    finally:
        external.stop()
