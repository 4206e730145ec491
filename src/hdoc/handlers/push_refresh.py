"""The push refresher: reads the push queue (filled by POST /webhooks/github) and refreshes each
pushed journey at once, through the same refresh as the statistics parser's.

The queue is FIFO with one message group per participant, so a participant's pushes are read one
after another, in order; a message that fails is retried by the queue (after its visibility
timeout), the ones behind it in its group wait for it, and after the queue's receive count it goes
to the dead-letter queue, which raises an alarm. GitHub's rate limit fails nothing: it is noted, and
the hourly poll reads the journey once the limit resets.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from hdoc.handlers.journey_reading import github, journey_target
from hdoc.handlers.tables import statistics_table, users_table
from hdoc.logic.refresh import refresh_journey
from hdoc.models.usernames import is_valid_username, username_key
from hdoc.observability import logger
from hdoc.settings import requires
from hdoc.sources.github import RateLimitedError

# A failed message holds back the rest of its participant's group, not other participants'.
processor = SqsFifoPartialProcessor(skip_group_on_error=True)


def refresh_pushed(record: SQSRecord) -> str:
    """Refresh the journey one message names; its outcome (a message for no journey is dropped)."""
    try:
        message = json.loads(record.body)
    except ValueError:
        logger.error("push queue message is not JSON", extra={"messageId": record.message_id})
        return "malformed"
    username = message.get("username") if isinstance(message, dict) else None
    if not isinstance(username, str) or not is_valid_username(username):
        logger.error("push queue message names no participant", extra={"messageId": record.message_id})
        return "malformed"
    profiles = users_table().get_profiles([username_key(username)])
    if not profiles or not profiles[0].profile.verified:
        return "gone"  # deleted (or unverified) since the push was queued
    statistics = statistics_table()
    now = datetime.now(UTC)
    if statistics.rate_limited_until(now) is not None:
        return "skipped"
    try:
        outcome = refresh_journey(github(), statistics, journey_target(profiles[0]), now)
    except RateLimitedError as limited:
        statistics.note_rate_limit(limited.reset_at)
        outcome = "skipped"
    logger.info(
        "journey refreshed after a push",
        extra={"username": username, "outcome": outcome, "delivery": message.get("deliveryId")},
    )
    return outcome


@requires("USERS_TABLE_NAME", "STATISTICS_TABLE_NAME", "GITHUB_TOKEN_SECRET", "GITHUB_API_URL")
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=refresh_pushed, processor=processor, context=context
    )
    return dict(response)
