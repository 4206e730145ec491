"""The USERS table: the only code that reads or writes participants and accounts in DynamoDB. This
module holds the participants (one, pages of the three listings, scores from statistics);
accounts.py the accounts, profiles and quotas; github_links.py the GitHub links; user_items.py the
keys and item shapes they all share, and how the table is laid out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from hdoc.dal.accounts import AccountRecords
from hdoc.dal.dynamo import Update, condition_failed, key_equals, timestamp
from hdoc.dal.github_app import GitHubAppRecords
from hdoc.dal.github_links import GitHubLinkRecords
from hdoc.dal.user_items import (
    BY_USERNAME_INDEX,
    LEADERBOARD_INDEX,
    LEADERBOARD_KEY_PATTERN,
    PARTICIPANT_LIST,
    RECENT_INDEX,
    ParticipantRecord,
    ProfileRecord,
    _to_profile,
    _to_record,
    leaderboard_key,
    to_item,
)
from hdoc.models.participant import Participant
from hdoc.models.standing import Standing


def _standing_fields(standing: Standing) -> dict[str, Any]:
    """The participant's attributes a standing sets: always the journey status; the scores, once
    there are some, with the participant's place in the ranking."""
    fields: dict[str, Any] = {"journeyStatus": standing.status}
    scores, reached_at = standing.scores, standing.reached_at
    if scores is None or reached_at is None:
        return fields
    fields.update(
        daysCompleted=scores.days_completed,
        score=scores.score,
        longestStreak=scores.longest_streak,
        githubScore=scores.github_score,
        githubStreak=scores.github_streak,
        twitterScore=scores.twitter_score,
        twitterStreak=scores.twitter_streak,
        scoreReachedAt=timestamp(reached_at),
        rankKey=leaderboard_key(scores.score, scores.longest_streak, reached_at, standing.username_key),
    )
    return fields


class UsersTable(AccountRecords, GitHubLinkRecords, GitHubAppRecords):
    """Reads and writes participants in the USERS table."""

    def get(self, pk: str) -> ParticipantRecord | None:
        """One participant by lower-cased username: a single GetItem."""
        item = self._table.get_item(Key={"pk": pk}).get("Item")
        if item is None or item.get("participantList") != PARTICIPANT_LIST:
            return None
        return _to_record(item)

    def _page(
        self, index: str, limit: int, *, newest_first: bool = False, after: dict[str, str] | None = None
    ) -> tuple[list[ParticipantRecord], bool]:
        """Up to `limit` participants in `index` order, after an index key; and whether more follow.

        One Query reading at most limit + 1 items: the extra item only tells that a next page exists.
        """
        request: dict[str, Any] = {
            "IndexName": index,
            **key_equals("participantList", PARTICIPANT_LIST),
            "Limit": limit + 1,
            "ScanIndexForward": not newest_first,
        }
        if after is not None:
            request["ExclusiveStartKey"] = {"participantList": PARTICIPANT_LIST, **after}
        items = self._table.query(**request)["Items"]
        return [_to_record(item) for item in items[:limit]], len(items) > limit

    def directory_page(self, limit: int, after: str | None = None) -> tuple[list[ParticipantRecord], bool]:
        """Participants in username order after the username key `after`; and whether more follow."""
        return self._page(BY_USERNAME_INDEX, limit, after={"pk": after} if after else None)

    def newest(self, limit: int) -> list[ParticipantRecord]:
        """The participants who joined last, newest first."""
        return self._page(RECENT_INDEX, limit, newest_first=True)[0]

    def leaderboard_page(self, limit: int, after: str | None = None) -> tuple[list[ParticipantRecord], bool]:
        """Verified participants by score (then longest streak, then who got there first) after the
        place `after` (a record's `leaderboard_key`); and whether more follow. ValueError when `after`
        is not such a place."""
        if after is not None and not re.fullmatch(LEADERBOARD_KEY_PATTERN, after):
            raise ValueError("not a place on the leaderboard")
        start = {"pk": after.rsplit("#", 1)[1], "leaderboardKey": after} if after else None
        return self._page(LEADERBOARD_INDEX, limit, after=start)

    def put_many(self, participants: Iterable[tuple[Participant, datetime]]) -> int:
        """Write participants (with when they reached their score) in batches; how many were written."""
        items = [to_item(participant, score_reached_at) for participant, score_reached_at in participants]
        self._table.batch_put(items)
        return len(items)

    def usernames_page(self, limit: int, after: str | None = None) -> tuple[list[str], str | None]:
        """Up to `limit` usernames in key order after the key `after`, and the key to resume after
        (None at the end). Reads only keys and usernames, so a page of 1,000 stays far below a Query's
        1 MB, and follows DynamoDB's own pages when it stops early anyway."""
        usernames: list[str] = []
        start = {"participantList": PARTICIPANT_LIST, "pk": after} if after else None
        while len(usernames) < limit:
            request: dict[str, Any] = {
                "IndexName": BY_USERNAME_INDEX,
                **key_equals("participantList", PARTICIPANT_LIST),
                "ProjectionExpression": "pk, username",
                "Limit": limit - len(usernames),
            }
            if start is not None:
                request["ExclusiveStartKey"] = start
            answer = self._table.query(**request)
            usernames += [str(item["username"]) for item in answer["Items"]]
            start = answer.get("LastEvaluatedKey")
            if start is None:
                return usernames, None
        return usernames, str(start["pk"]) if start else None

    def get_profiles(self, pks: list[str]) -> list[ProfileRecord]:
        """Participants by key, in one BatchGetItem per 100 (keys that are not participants are left out)."""
        found: dict[str, ProfileRecord] = {}
        unique = list(dict.fromkeys(pks))
        for start in range(0, len(unique), 100):
            for item in self._table.batch_get([{"pk": pk} for pk in unique[start : start + 100]]):
                if item.get("participantList") == PARTICIPANT_LIST:
                    found[item["pk"]] = _to_profile(item)
        return [found[pk] for pk in pks if pk in found]

    def apply_standing(self, standing: Standing) -> bool:
        """Set a participant's score fields from statistics at `stats_version`, unless newer ones were.

        False when the participant is gone or already has statistics of this version or later: a
        repeated or older stream record changes nothing.
        """
        pk, stats_version, fields = standing.username_key, standing.version, _standing_fields(standing)
        names = {"#statsVersion": "statsVersion", "#list": "participantList", "#verified": "verified"}
        values: dict[str, Any] = {":v": stats_version, ":list": PARTICIPANT_LIST, ":yes": True}
        assigned = Update(sets=["#statsVersion = :v"], names=names, values=values).assign(fields)
        sets = assigned.sets
        current = "#list = :list AND (attribute_not_exists(#statsVersion) OR #statsVersion < :v)"
        ranked = "rankKey" in fields
        if ranked:
            names["#leaderboardKey"] = "leaderboardKey"
        # A verified participant is ranked on the leaderboard; one who is not stays off it. Whether
        # they are is read by the conditions, so that a record costs one write for the verified.
        attempts = [
            (sets + (["#leaderboardKey = :f_rank"] if ranked else []), f"{current} AND #verified = :yes"),
            (sets, f"{current} AND (attribute_not_exists(#verified) OR #verified <> :yes)"),
        ]
        if ranked:
            values[":f_rank"] = fields["rankKey"]
        for assignments, condition in attempts:
            expression = "SET " + ", ".join(assignments)
            if ranked and assignments is sets:
                expression += " REMOVE #leaderboardKey"
            used = {name: value for name, value in values.items() if name in expression or name in condition}
            try:
                self._table.update_item(
                    Key={"pk": pk},
                    UpdateExpression=expression,
                    ConditionExpression=condition,
                    ExpressionAttributeNames={n: v for n, v in names.items() if n in expression + condition},
                    ExpressionAttributeValues=used,
                )
            except ClientError as error:
                if condition_failed(error):
                    continue
                raise
            return True
        return False
