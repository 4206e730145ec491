"""Transactions on the local runtime's DynamoDB are all or nothing, stream records included."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from hdoc.local.runtime import LocalRuntime
from tests.conftest import ROOT

TEMPLATE = ROOT / "tests" / "fixtures" / "streams" / "template.yaml"


@pytest.fixture
def runtime() -> Iterator[LocalRuntime]:
    with LocalRuntime(TEMPLATE, poll_streams=False) as started:
        yield started


def stream_events(runtime: LocalRuntime, logical_id: str) -> list[tuple[str, dict[str, Any]]]:
    streams = runtime.client("dynamodbstreams")
    arn = runtime.client("dynamodb").describe_table(TableName=runtime.table_name(logical_id))["Table"][
        "LatestStreamArn"
    ]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    return [(record["eventName"], record["dynamodb"]["Keys"]) for record in records]


def scan(runtime: LocalRuntime, logical_id: str) -> list[dict[str, Any]]:
    items = runtime.client("dynamodb").scan(TableName=runtime.table_name(logical_id))["Items"]
    return sorted(items, key=lambda item: (item["pk"]["S"], item.get("sk", {}).get("S", "")))


def test_a_cancelled_transaction_leaves_no_item_and_no_stream_record_behind(runtime):
    client = runtime.client("dynamodb")
    things, pairs = runtime.table_name("Things"), runtime.table_name("Pairs")
    client.put_item(TableName=things, Item={"pk": {"S": "kept"}, "n": {"N": "1"}})
    client.put_item(TableName=pairs, Item={"pk": {"S": "p"}, "sk": {"S": "1"}, "n": {"N": "1"}})
    before = (scan(runtime, "Things"), scan(runtime, "Pairs"))
    streams_before = (stream_events(runtime, "Things"), stream_events(runtime, "Pairs"))

    with pytest.raises(ClientError) as refused:
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": things, "Item": {"pk": {"S": "new"}}}},
                {"Delete": {"TableName": pairs, "Key": {"pk": {"S": "p"}, "sk": {"S": "1"}}}},
                {"Put": {"TableName": pairs, "Item": {"pk": {"S": "p"}, "sk": {"S": "2"}}}},
                {
                    "Update": {
                        "TableName": things,
                        "Key": {"pk": {"S": "kept"}},
                        "UpdateExpression": "SET n = n + :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
                {
                    "ConditionCheck": {
                        "TableName": things,
                        "Key": {"pk": {"S": "missing"}},
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
            ]
        )

    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert (scan(runtime, "Things"), scan(runtime, "Pairs")) == before
    assert (stream_events(runtime, "Things"), stream_events(runtime, "Pairs")) == streams_before


def test_a_transaction_that_passes_writes_every_item_and_its_stream_records(runtime):
    client = runtime.client("dynamodb")
    things, pairs = runtime.table_name("Things"), runtime.table_name("Pairs")
    client.put_item(TableName=pairs, Item={"pk": {"S": "p"}, "sk": {"S": "1"}})

    client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": things, "Item": {"pk": {"S": "new"}}}},
            {"Delete": {"TableName": pairs, "Key": {"pk": {"S": "p"}, "sk": {"S": "1"}}}},
            {"Put": {"TableName": pairs, "Item": {"pk": {"S": "p"}, "sk": {"S": "2"}}}},
        ]
    )

    assert scan(runtime, "Things") == [{"pk": {"S": "new"}}]
    assert scan(runtime, "Pairs") == [{"pk": {"S": "p"}, "sk": {"S": "2"}}]
    assert stream_events(runtime, "Pairs") == [
        ("INSERT", {"pk": {"S": "p"}, "sk": {"S": "1"}}),
        ("REMOVE", {"pk": {"S": "p"}, "sk": {"S": "1"}}),
        ("INSERT", {"pk": {"S": "p"}, "sk": {"S": "2"}}),
    ]
