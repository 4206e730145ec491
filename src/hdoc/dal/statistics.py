"""The STATISTICS table: what the statistics parser found in each participant's journey.

One item per participant and source (pk: lower-cased username, sk: the source, "github"), holding the
journey report, the totals the score calculator copies to USERS, what the GitHub source needs to
fetch only changes (ETag, head SHA, blob SHAs), the status of the last attempt, and `version`, which
grows with every change so that the stream's consumer can tell newer from older. Writes are
conditional on the version read, so two refreshes of one journey can never interleave.

One more item, pk `source#github` / sk `rate-limit`, tells every refresh when GitHub's rate limit resets.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hdoc.dal.dynamo import Table, Update, condition_failed, error_code, plain, timestamp, transact_write
from hdoc.dal.user_items import PARTICIPANT_LIST
from hdoc.errors import TooManyRequestsError
from hdoc.models.journey import JourneyReport, ParticipantScore
from hdoc.models.journey_source import Known
from hdoc.models.standing import Standing
from hdoc.models.statistics import JourneyStatus

GITHUB = "github"
JOURNEY_KIND = "journey"
RATE_LIMIT_KEY = {"pk": "source#github", "sk": "rate-limit"}
# The rules' version: a journey stored under older rules is read afresh, not just re-dated. Bump it
# with any change to what counts. 2: day folders outside Journey/, plain-text day files, entries
# without an extension, and the reasons for PDF-only and README-table days (docs/journey-rules.md).
RULES_VERSION = 2


def _parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


@dataclass(frozen=True)
class StoredJourney:
    """A journey's statistics item as stored."""

    pk: str
    username: str
    repository: str
    timezone: str
    status: str
    status_detail: str | None
    version: int | None
    known: Known
    report: JourneyReport | None = None
    last_refreshed_at: datetime | None = None
    last_checked_at: datetime | None = None
    score_reached_at: datetime | None = None
    rules_version: int = 0


def _encode_report(report: JourneyReport) -> bytes:
    # Compressed: a 100-day report is tens of KB of JSON, and an item may hold 400 KB.
    return zlib.compress(report.model_dump_json(by_alias=True).encode("utf-8"), level=6)


def _decode_report(value: Any) -> JourneyReport | None:
    """The stored report; None if there is none, or if it was stored in a shape this code no longer
    reads (the next refresh reads the journey afresh, as the rules version says)."""
    if value is None:
        return None
    data = bytes(value.value if hasattr(value, "value") else value)
    try:
        return JourneyReport.model_validate_json(zlib.decompress(data))
    except (zlib.error, ValidationError):
        return None


def _to_stored(item: dict[str, Any]) -> StoredJourney:
    return StoredJourney(
        pk=item["pk"],
        username=item.get("username", item["pk"]),
        repository=item.get("repository", ""),
        timezone=item.get("timezone", "UTC"),
        status=item.get("status", "pending"),
        status_detail=item.get("statusDetail"),
        version=plain(item["version"]) if "version" in item else None,
        known=Known(etag=item.get("etag"), head=item.get("head"), blobs=dict(item.get("blobs") or {})),
        report=_decode_report(item.get("report")),
        last_refreshed_at=_parse_time(item.get("lastRefreshedAt")),
        last_checked_at=_parse_time(item.get("lastCheckedAt")),
        score_reached_at=_parse_time(item.get("scoreReachedAt")),
        rules_version=plain(item.get("rulesVersion", 0)),
    )


class StatisticsTable:
    """Reads and writes journey statistics."""

    def __init__(self, table_name: str, users_table_name: str | None = None) -> None:
        self._table = Table(table_name)
        # With the USERS table, a journey's first statistics are written only while its participant
        # exists: a refresh that overlaps DELETE /me cannot leave statistics behind.
        self._users_table_name = users_table_name

    def get(self, pk: str) -> StoredJourney | None:
        item = self._table.get_item(Key={"pk": pk, "sk": GITHUB}).get("Item")
        return None if item is None else _to_stored(item)

    def _update(self, pk: str, fields: dict[str, Any], expected_version: int | None) -> bool:
        """Set `fields` and bump the version, if the item is still at `expected_version`."""
        changes = Update(
            sets=["#version = if_not_exists(#version, :zero) + :one"], names={"#version": "version"}
        )
        changes.value(":one", 1).value(":zero", 0).assign(fields)
        names, values = changes.names, changes.values
        if expected_version is None:
            condition = "attribute_not_exists(#version)"
        else:
            condition = "#version = :expected"
            values[":expected"] = expected_version
        update = {
            "Key": {"pk": pk, "sk": GITHUB},
            "UpdateExpression": changes.expression(),
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        try:
            if expected_version is None and self._users_table_name:
                transact_write(
                    self._table.client,
                    [
                        {
                            "ConditionCheck": {
                                "TableName": self._users_table_name,
                                "Key": {"pk": pk},
                                "ConditionExpression": "participantList = :participants",
                                "ExpressionAttributeValues": {":participants": PARTICIPANT_LIST},
                            }
                        },
                        {"Update": {"TableName": self._table.name, **update}},
                    ],
                )
            else:
                self._table.update_item(**update)
        except ClientError as error:
            code = error_code(error)
            if code in ("ConditionalCheckFailedException", "TransactionCanceledException"):
                return False  # another refresh got there first, or the participant is gone
            raise
        return True

    def save_report(
        self,
        *,
        pk: str,
        username: str,
        repository: str,
        timezone: str,
        report: JourneyReport,
        known: Known,
        score_reached_at: datetime,
        now: datetime,
        expected_version: int | None,
    ) -> bool:
        """Store a journey read successfully; False if another refresh stored one meanwhile."""
        totals = report.totals
        fields: dict[str, Any] = {
            "kind": JOURNEY_KIND,
            "username": username,
            "repository": repository,
            "timezone": timezone,
            "status": "ok",
            "statusDetail": "",
            "report": _encode_report(report),
            "reportDate": report.today.isoformat(),
            "rulesVersion": RULES_VERSION,
            "etag": known.etag or "",
            "head": known.head or "",
            "blobs": dict(known.blobs),
            "daysCompleted": totals.days_completed,
            "score": totals.score,
            "longestStreak": totals.longest_streak,
            "githubScore": totals.github_score,
            "githubStreak": totals.github_streak,
            "twitterScore": totals.twitter_score,
            "twitterStreak": totals.twitter_streak,
            "scoreReachedAt": timestamp(score_reached_at),
            "lastRefreshedAt": timestamp(now),
            "lastCheckedAt": timestamp(now),
        }
        return self._update(pk, fields, expected_version)

    def save_status(
        self,
        *,
        pk: str,
        username: str,
        repository: str,
        status: str,
        detail: str,
        now: datetime,
        expected_version: int | None,
    ) -> bool:
        """Record why a journey could not be read; its statistics stay as they were."""
        fields = {
            "kind": JOURNEY_KIND,
            "username": username,
            "repository": repository,
            "status": status,
            "statusDetail": detail,
            "lastCheckedAt": timestamp(now),
        }
        return self._update(pk, fields, expected_version)

    def claim_refresh_request(self, pk: str, now: datetime, every: timedelta) -> datetime:
        """Note a participant's refresh request; TooManyRequestsError if the last was under `every` ago.

        Returns when the next request will be allowed. One conditional write: two requests at once
        cannot both pass.
        """
        try:
            self._table.update_item(
                Key={"pk": pk, "sk": GITHUB},
                UpdateExpression="SET refreshRequestedAt = :now",
                ConditionExpression=(
                    "attribute_not_exists(refreshRequestedAt) OR refreshRequestedAt <= :cutoff"
                ),
                ExpressionAttributeValues={":now": timestamp(now), ":cutoff": timestamp(now - every)},
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if not condition_failed(error):
                raise
            last = _parse_time(error.response.get("Item", {}).get("refreshRequestedAt", {}).get("S")) or now
            raise TooManyRequestsError(
                "You asked for a refresh less than 5 minutes ago; it is on its way.",
                retry_after=max(1, int((last + every - now).total_seconds()) + 1),
            ) from error
        return now + every

    def delete(self, pk: str) -> None:
        self._table.delete_item(Key={"pk": pk, "sk": GITHUB})

    def rate_limited_until(self, now: datetime) -> datetime | None:
        """When GitHub's rate limit resets, if a refresh found it spent and it has not reset yet."""
        item = self._table.get_item(Key=RATE_LIMIT_KEY, ConsistentRead=True).get("Item")
        reset = _parse_time(item.get("resetAt")) if item else None
        return reset if reset is not None and reset > now else None

    def note_rate_limit(self, reset_at: datetime) -> None:
        """Tell every refresh that GitHub's rate limit is spent until `reset_at`."""
        self._table.put_item(Item={**RATE_LIMIT_KEY, "resetAt": reset_at.astimezone(UTC).isoformat()})


class _JourneyImage(BaseModel):
    """The fields of a journey item the score calculator reads, as a stream record's new image has them."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    pk: str = Field(pattern=r"^[a-z0-9](?:-?[a-z0-9])*$", max_length=39)
    version: int = Field(ge=1)
    status: JourneyStatus
    days_completed: int | None = Field(None, alias="daysCompleted", ge=0)
    score: int | None = Field(None, ge=0)
    longest_streak: int | None = Field(None, alias="longestStreak", ge=0)
    github_score: int | None = Field(None, alias="githubScore", ge=0)
    github_streak: int | None = Field(None, alias="githubStreak", ge=0)
    twitter_score: int | None = Field(None, alias="twitterScore", ge=0)
    twitter_streak: int | None = Field(None, alias="twitterStreak", ge=0)
    score_reached_at: datetime | None = Field(None, alias="scoreReachedAt")


def standing_from_stream(new_image: dict[str, Any]) -> Standing | None:
    """The standing a stream record's new image carries; None for an item that is not a journey (the
    rate-limit note, a refresh request). A malformed journey image raises ValidationError."""
    if new_image.get("kind") != JOURNEY_KIND:
        return None
    image = _JourneyImage.model_validate(new_image)
    standing = Standing(username_key=image.pk, version=image.version, status=image.status)
    if image.score is None or image.score_reached_at is None:
        return standing
    scores = ParticipantScore(
        days_completed=image.days_completed or 0,
        score=image.score,
        longest_streak=image.longest_streak or 0,
        github_score=image.github_score or 0,
        github_streak=image.github_streak or 0,
        twitter_score=image.twitter_score or 0,
        twitter_streak=image.twitter_streak or 0,
    )
    return replace(standing, scores=scores, reached_at=image.score_reached_at)
