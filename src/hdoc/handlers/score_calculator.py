"""The score calculator: keeps each participant's scores, streaks and leaderboard place from the
STATISTICS table's stream. Records may come twice or out of order: each carries the statistics'
version, and USERS only takes a version newer than the one it has."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)

from hdoc.dal.statistics import standing_from_stream
from hdoc.handlers.streams import stream_consumer
from hdoc.handlers.tables import users_table
from hdoc.observability import logger


def apply_record(record: DynamoDBRecord) -> None:
    """Copy one statistics change to the participant (nothing for removals and other items)."""
    if record.event_name == DynamoDBRecordEventName.REMOVE:
        return
    image: dict[str, Any] = record.dynamodb.new_image if record.dynamodb else {}
    standing = standing_from_stream(image)  # a malformed record fails alone
    if standing is None:
        return  # the rate-limit note, or a refresh request before any refresh
    applied = users_table().apply_standing(standing)
    logger.debug(
        "standing",
        extra={"participant": standing.username_key, "version": standing.version, "applied": applied},
    )


lambda_handler = stream_consumer(apply_record, "USERS_TABLE_NAME")
