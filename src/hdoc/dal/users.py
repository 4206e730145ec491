"""The USERS table: the only code that reads or writes participants in DynamoDB.

Participants are keyed by their lower-cased GitHub username (`pk`). Every participant also carries
`participantList`, the partition of three sparse indexes, each answering one listing with one Query:
ByUsername (sort: pk), Leaderboard (sort: leaderboardKey) and Recent (sort: joinedKey).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Key

from hdoc import aws
from hdoc.models.participant import Participant

PARTICIPANT_LIST = "participants"
BY_USERNAME_INDEX = "ByUsername"
LEADERBOARD_INDEX = "Leaderboard"
RECENT_INDEX = "Recent"

# Scores and streaks are inverted into fixed-width numbers so that one ascending sort key orders the
# leaderboard: highest score, then longest streak, then who reached the score first, then username.
SCORE_CEILING = 10**12 - 1
STREAK_CEILING = 10**6 - 1
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
LEADERBOARD_KEY_PATTERN = r"^\d{12}#\d{6}#\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z#[a-z0-9-]{1,39}$"
JOINED_KEY_PATTERN = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z#[a-z0-9-]{1,39}$"


def timestamp(moment: datetime) -> str:
    """A fixed-width UTC timestamp that sorts as text in time order."""
    return moment.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def leaderboard_key(score: int, longest_streak: int, score_reached_at: datetime, pk: str) -> str:
    """The Leaderboard index's sort key for a participant."""
    return (
        f"{SCORE_CEILING - score:012d}#{STREAK_CEILING - longest_streak:06d}"
        f"#{timestamp(score_reached_at)}#{pk}"
    )


def joined_key(date_joined: datetime, pk: str) -> str:
    """The Recent index's sort key for a participant."""
    return f"{timestamp(date_joined)}#{pk}"


@dataclass(frozen=True)
class ParticipantRecord:
    """A participant as stored, with the index keys a cursor resumes from."""

    pk: str
    participant: Participant
    leaderboard_key: str
    joined_key: str


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value)
    return value


def _to_record(item: dict[str, Any]) -> ParticipantRecord:
    fields = {name: _plain(value) for name, value in item.items()}
    fields["id"] = fields.pop("username")
    return ParticipantRecord(
        pk=fields["pk"],
        participant=Participant.model_validate(fields),
        leaderboard_key=fields["leaderboardKey"],
        joined_key=fields["joinedKey"],
    )


def to_item(participant: Participant, score_reached_at: datetime) -> dict[str, Any]:
    """The stored item for a participant."""
    pk = participant.id.lower()
    item = participant.model_dump(by_alias=True, mode="json", exclude_none=True)
    item.pop("id")
    item.update(
        pk=pk,
        username=participant.id,
        participantList=PARTICIPANT_LIST,
        scoreReachedAt=timestamp(score_reached_at),
        leaderboardKey=leaderboard_key(participant.score, participant.longest_streak, score_reached_at, pk),
        joinedKey=joined_key(participant.date_joined, pk),
    )
    return item


class UsersTable:
    """Reads and writes participants in the USERS table."""

    def __init__(self, table_name: str) -> None:
        self._table = aws.dynamodb().Table(table_name)

    def get(self, pk: str) -> ParticipantRecord | None:
        """One participant by lower-cased username: a single GetItem."""
        item = self._table.get_item(Key={"pk": pk}).get("Item")
        if item is None or item.get("participantList") != PARTICIPANT_LIST:
            return None
        return _to_record(item)

    def page(
        self,
        index: str,
        limit: int,
        *,
        newest_first: bool = False,
        after: dict[str, str] | None = None,
    ) -> tuple[list[ParticipantRecord], bool]:
        """Up to `limit` participants in `index` order, after an index key; and whether more follow.

        One Query reading at most limit + 1 items: the extra item only tells that a next page exists.
        """
        request: dict[str, Any] = {
            "IndexName": index,
            "KeyConditionExpression": Key("participantList").eq(PARTICIPANT_LIST),
            "Limit": limit + 1,
            "ScanIndexForward": not newest_first,
        }
        if after is not None:
            request["ExclusiveStartKey"] = {"participantList": PARTICIPANT_LIST, **after}
        items = self._table.query(**request)["Items"]
        return [_to_record(item) for item in items[:limit]], len(items) > limit

    def put_many(self, participants: Iterable[tuple[Participant, datetime]]) -> int:
        """Write participants (with when they reached their score) in batches; how many were written."""
        written = 0
        with self._table.batch_writer(overwrite_by_pkeys=["pk"]) as batch:
            for participant, score_reached_at in participants:
                batch.put_item(Item=to_item(participant, score_reached_at))
                written += 1
        return written
