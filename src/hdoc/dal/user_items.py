"""The USERS table's keys and item shapes (users.py and accounts.py read and write them).

Participants are keyed by their lower-cased GitHub username (`pk`). Every participant also carries
`participantList`, the partition of three sparse indexes, each answering one listing with one Query:
ByUsername (sort: pk), Leaderboard (sort: leaderboardKey) and Recent (sort: joinedKey). Every
participant has its place in the ranking (`rankKey`); only verified participants also carry it as
`leaderboardKey`, so the Leaderboard index ranks them alone.

Accounts (Cognito users) are keyed `account#{sub}` (no username contains '#'), and name the
participant they own; the participant names its account in `accountSub`. Both links are written in
one transaction, each conditional, so neither side can be claimed twice.

A GitHub account linked to an account is held by `github#{numeric id}` (naming the account), written
in one transaction with the account's `githubId` and `githubLogin`, so one GitHub account is linked
to one account at most. A link in progress is `githublink#{state}` (the account it is bound to, the
PKCE verifier, when it expires; DynamoDB's TTL removes it): taken once, by its own account, in time.
A deleted account's record stays as a tombstone (`closedAt`, nothing else), which every write of
the account refuses. A participant moving to a renamed login leaves `renaming` on its account until
its articles follow (github_links.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hdoc.dal.dynamo import Table, plain, timestamp, transact
from hdoc.errors import UnauthorizedError
from hdoc.models.account import Account, GitHubLink, Profile
from hdoc.models.participant import Participant

PARTICIPANT_LIST = "participants"
ACCOUNT_PREFIX = "account#"
GITHUB_PREFIX = "github#"
LINK_STATE_PREFIX = "githublink#"
QUOTA_PREFIX = "quota#"
RENAMING = "renaming"  # on an account: its participant's move to a new login, until its articles follow
# An account being deleted, or deleted, keeps its record as a tombstone with only this attribute (and
# its key, the Cognito sub): every write of the account checks it is absent, so that a still-valid
# token of a deleted account cannot link, sign up or publish again.
CLOSED = "closedAt"
ACCOUNT_CLOSED = "This sign-in belongs to an account that was deleted: sign up again to take part."
BY_USERNAME_INDEX = "ByUsername"
LEADERBOARD_INDEX = "Leaderboard"
RECENT_INDEX = "Recent"

# Scores and streaks are inverted into fixed-width numbers so that one ascending sort key orders the
# leaderboard: highest score, then longest streak, then who reached the score first, then username.
SCORE_CEILING = 10**12 - 1
STREAK_CEILING = 10**6 - 1
LEADERBOARD_KEY_PATTERN = r"^\d{12}#\d{6}#\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z#[a-z0-9-]{1,39}$"
JOINED_KEY_PATTERN = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z#[a-z0-9-]{1,39}$"


# The records a USERS stream consumer needs: a participant item removed (a deletion or a rename's old
# name). The event source mapping's filter (stacks/api.yaml) is the same pattern.
PARTICIPANT_REMOVED: dict[str, Any] = {
    "eventName": ["REMOVE"],
    "dynamodb": {"OldImage": {"participantList": {"S": [PARTICIPANT_LIST]}}},
}


def removed_participant(record: Mapping[str, Any]) -> str | None:
    """The username of the participant a USERS stream record removes (None for any other record)."""
    if record.get("eventName") != "REMOVE":
        return None
    old = record.get("dynamodb", {}).get("OldImage", {})
    if old.get("participantList", {}).get("S") != PARTICIPANT_LIST:
        return None
    name = old.get("username", old.get("pk", {}))
    return str(name.get("S", "")) or None


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


@dataclass(frozen=True)
class AccountRecord:
    """An account, and the key of the participant it owns (if any)."""

    account: Account
    participant_pk: str | None
    # While its participant's move to a renamed login is finishing: the author key its articles had
    renaming_from_author_key: str | None = None


@dataclass(frozen=True)
class ProfileRecord:
    """A participant as its owner sees it, with its version (the ETag) and owner."""

    profile: Profile
    version: int
    account_sub: str | None
    github_id: int | None = None  # the GitHub account that proved the name, for a verified one
    # Who wrote the participant's articles, as the ARTICLES table knows them: its account, which no
    # rename changes and no later holder of the name shares (`account#{sub}`). A participant made
    # before articles were keyed by account has its username's key until it moves.
    author_key: str = ""


# Each field of a participant's profile (the API's Profile model, of which Participant is the public
# part) and the USERS attribute that holds it. The stored names are the table's own: renaming an API
# field renames nothing in DynamoDB (a test keeps every field of the models mapped).
PROFILE_ATTRIBUTES: dict[str, str] = {
    "name": "name",
    "days_completed": "daysCompleted",
    "github_profile": "githubProfile",
    "github_score": "githubScore",
    "github_streak": "githubStreak",
    "twitter_profile": "twitterProfile",
    "twitter_score": "twitterScore",
    "twitter_streak": "twitterStreak",
    "linkedin_profile": "linkedinProfile",
    "status": "status",
    "avatar_image": "avatarImage",
    "date_joined": "dateJoined",
    "score": "score",
    "longest_streak": "longestStreak",
    "journey_status": "journeyStatus",
    "verified": "verified",
    "timezone": "timezone",
    "journey_repo": "journeyRepo",
}
_PROFILE_FIELDS = {attribute: name for name, attribute in PROFILE_ATTRIBUTES.items()}


def stored_attributes(fields: dict[str, Any]) -> dict[str, Any]:
    """Profile fields (by the models' field names) as the USERS attributes that hold them."""
    return {PROFILE_ATTRIBUTES[name]: value for name, value in fields.items()}


def _profile_fields(item: dict[str, Any]) -> dict[str, Any]:
    """The profile fields a USERS item holds, by the models' field names (its username as `id`)."""
    fields = {_PROFILE_FIELDS[name]: plain(value) for name, value in item.items() if name in _PROFILE_FIELDS}
    return {"id": item["username"], **fields}


def account_key(sub: str) -> str:
    """The key of a Cognito user's account record."""
    return f"{ACCOUNT_PREFIX}{sub}"


def author_key_of(sub: str) -> str:
    """The author key of the articles an account's participant writes (its account's key)."""
    return account_key(sub)


def _to_record(item: dict[str, Any]) -> ParticipantRecord:
    return ParticipantRecord(
        pk=item["pk"],
        participant=Participant.model_validate(_profile_fields(item)),
        leaderboard_key=item.get("rankKey") or item["leaderboardKey"],
        joined_key=item["joinedKey"],
    )


def _to_profile(item: dict[str, Any]) -> ProfileRecord:
    fields = _profile_fields(item)
    fields.setdefault("journey_repo", f"{fields['id']}/100DaysOfCloud")  # the challenge's default
    github_id = item.get("githubId")
    return ProfileRecord(
        profile=Profile.model_validate(fields),
        version=int(plain(item.get("version", 1))),
        account_sub=item.get("accountSub"),
        github_id=None if github_id is None else int(plain(github_id)),
        author_key=str(item.get("authorKey") or item["pk"]),
    )


def _to_account(item: dict[str, Any]) -> AccountRecord:
    github = (
        GitHubLink(id=int(item["githubId"]), login=item["githubLogin"], linked_at=item["githubLinkedAt"])
        if "githubId" in item
        else None
    )
    return AccountRecord(
        account=Account(
            id=item["pk"].removeprefix(ACCOUNT_PREFIX),
            email=item.get("email", ""),
            created_at=item["createdAt"],
            github=github,
        ),
        participant_pk=item.get("participant"),
        renaming_from_author_key=str(item[RENAMING]["fromAuthorKey"]) if item.get(RENAMING) else None,
    )


@dataclass(frozen=True)
class LinkState:
    """A GitHub link in progress: whose it is, its PKCE verifier, where GitHub sends them back."""

    state: str
    account_sub: str
    code_verifier: str
    redirect_uri: str
    expires_at: datetime


def to_item(participant: Participant, score_reached_at: datetime) -> dict[str, Any]:
    """The stored item for a participant."""
    pk = participant.id.lower()
    dumped = participant.model_dump(mode="json", exclude_none=True)
    dumped.pop("id")
    item = stored_attributes(dumped)
    rank_key = leaderboard_key(participant.score, participant.longest_streak, score_reached_at, pk)
    item.update(
        pk=pk,
        username=participant.id,
        participantList=PARTICIPANT_LIST,
        scoreReachedAt=timestamp(score_reached_at),
        rankKey=rank_key,
        joinedKey=joined_key(participant.date_joined, pk),
    )
    if participant.verified:  # only verified participants are in the Leaderboard index
        item["leaderboardKey"] = rank_key
    return item


class UsersTableBase:
    """What the USERS table's parts (users.py, accounts.py, github_links.py) share."""

    def __init__(self, table_name: str) -> None:
        self._table = Table(table_name)

    def _transact(self, items: list[dict[str, Any]]) -> list[str | None] | None:
        """Write `items` in one transaction (dynamo.transact)."""
        return transact(self._table.client, items)

    def get_account(self, sub: str) -> AccountRecord | None:
        """A person's account, by their Cognito sub; UnauthorizedError for a deleted one."""
        item = self._table.get_item(Key={"pk": account_key(sub)}).get("Item")
        if item is not None and CLOSED in item:  # deleted, or being deleted: its tokens write nothing
            raise UnauthorizedError(ACCOUNT_CLOSED)
        return None if item is None else _to_account(item)

    def author_key(self, pk: str) -> str | None:
        """The author key of the participant `pk` (its articles' key), if there is one."""
        projection = "pk, authorKey, participantList"
        item = self._table.get_item(Key={"pk": pk}, ProjectionExpression=projection).get("Item")
        if item is None or item.get("participantList") != PARTICIPANT_LIST:
            return None
        return str(item.get("authorKey") or item["pk"])

    def account_closed(self, sub: str) -> bool:
        """Whether the account was deleted (or is being deleted): its record is a tombstone."""
        item = self._table.get_item(Key={"pk": account_key(sub)}, ConsistentRead=True).get("Item")
        return item is not None and CLOSED in item
