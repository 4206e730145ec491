"""The statistics parser's steps, each a Lambda function its state machine calls.

`list_page` turns a page of participants into batches, `refresh_batch` refreshes one batch from
GitHub into STATISTICS, and `tally` adds a page's results to the run's summary. What passes between
states stays small (usernames and counts), whatever the number of participants.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from aws_lambda_powertools.metrics import Metrics, MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from hdoc.handlers.journey_reading import github, journey_target
from hdoc.handlers.tables import statistics_table, users_table
from hdoc.logic.refresh import refresh_journeys
from hdoc.models.usernames import is_valid_username, username_key
from hdoc.observability import logger
from hdoc.settings import requires, settings

# Journeys refreshed, by outcome: the only function that publishes metrics.
metrics = Metrics()


def batches(usernames: list[str], size: int) -> list[list[str]]:
    return [usernames[start : start + size] for start in range(0, len(usernames), size)]


@requires("USERS_TABLE_NAME")
@logger.inject_lambda_context
def list_page(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """A page of participants as batches, and the cursor of the next page (null at the end).

    With `usernames` in the input (a participant's own refresh), those participants are the only page.
    """
    config = settings()
    named = event.get("usernames")
    if named:
        usernames = [name for name in named if isinstance(name, str) and is_valid_username(name)]
        return {"batches": batches(usernames, config.refresh_batch_size), "cursor": None}
    cursor = event.get("cursor")
    after = cursor if isinstance(cursor, str) and cursor else None
    usernames, next_cursor = users_table().usernames_page(config.refresh_page_size, after)
    return {"batches": batches(usernames, config.refresh_batch_size), "cursor": next_cursor}


@requires("USERS_TABLE_NAME", "STATISTICS_TABLE_NAME", "GITHUB_TOKEN_SECRET", "GITHUB_API_URL")
@metrics.log_metrics
@logger.inject_lambda_context
def refresh_batch(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Refresh the journeys of a batch of participants; counts of what happened."""
    pks = [username_key(name) for name in event.get("usernames", []) if isinstance(name, str)]
    profiles = users_table().get_profiles(pks)
    targets = [journey_target(record) for record in profiles]
    # Stop a minute before Lambda's timeout: what is left waits for the next run.
    tally = refresh_journeys(
        github(),
        statistics_table(),
        targets,
        time_left=lambda: context.get_remaining_time_in_millis() / 1000,
    )
    for outcome, count in tally.outcomes.items():
        metrics.add_metric(name=f"Journeys.{outcome}", unit=MetricUnit.Count, value=count)
    gone = len(pks) - len(profiles)
    if gone:
        tally.outcomes["gone"] += gone  # deleted since the page was listed
    return tally.as_dict()


@requires()  # only its input: the batches' summaries
@logger.inject_lambda_context
def tally(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """The run's summary so far plus one page's batch results."""
    summary = event.get("summary") or {}
    outcomes: Counter[str] = Counter(summary.get("outcomes") or {})
    # The latest reset seen in this pass over the list; the state machine clears it when it resumes.
    reset = summary.get("rateLimitedUntil")
    failed = int(summary.get("failedBatches") or 0)
    pages = int(summary.get("pages") or 0) + 1
    for result in event.get("results") or []:
        if not isinstance(result, dict) or "outcomes" not in result:
            failed += 1  # a batch that failed after its retries
            continue
        outcomes.update(result["outcomes"])
        if result.get("rateLimitedUntil"):
            reset = max(filter(None, [reset, result["rateLimitedUntil"]]))
    return {"outcomes": dict(outcomes), "rateLimitedUntil": reset, "failedBatches": failed, "pages": pages}
