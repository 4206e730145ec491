"""The USERS table: the only code that reads or writes participants and accounts in DynamoDB.

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
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from hdoc import aws
from hdoc.dal.dynamo import CONDITION_FAILED, Update, condition_failed, plain, timestamp, transact
from hdoc.errors import ConflictError, NotFoundError, PreconditionFailedError
from hdoc.models.account import Account, GitHubLink, Profile
from hdoc.models.participant import Participant

PARTICIPANT_LIST = "participants"
ACCOUNT_PREFIX = "account#"
GITHUB_PREFIX = "github#"
LINK_STATE_PREFIX = "githublink#"
QUOTA_PREFIX = "quota#"
BY_USERNAME_INDEX = "ByUsername"
LEADERBOARD_INDEX = "Leaderboard"
RECENT_INDEX = "Recent"

# Scores and streaks are inverted into fixed-width numbers so that one ascending sort key orders the
# leaderboard: highest score, then longest streak, then who reached the score first, then username.
SCORE_CEILING = 10**12 - 1
STREAK_CEILING = 10**6 - 1
LEADERBOARD_KEY_PATTERN = r"^\d{12}#\d{6}#\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z#[a-z0-9-]{1,39}$"
JOINED_KEY_PATTERN = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z#[a-z0-9-]{1,39}$"


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


@dataclass(frozen=True)
class ProfileRecord:
    """A participant as its owner sees it, with its version (the ETag) and owner."""

    profile: Profile
    version: int
    account_sub: str | None
    github_id: int | None = None  # the GitHub account that proved the name, for a verified one


def account_key(sub: str) -> str:
    """The key of a Cognito user's account record."""
    return f"{ACCOUNT_PREFIX}{sub}"


def _to_record(item: dict[str, Any]) -> ParticipantRecord:
    fields = {name: plain(value) for name, value in item.items()}
    fields["id"] = fields.pop("username")
    return ParticipantRecord(
        pk=fields["pk"],
        participant=Participant.model_validate(fields),
        leaderboard_key=fields.get("rankKey") or fields["leaderboardKey"],
        joined_key=fields["joinedKey"],
    )


def _to_profile(item: dict[str, Any]) -> ProfileRecord:
    fields = {name: plain(value) for name, value in item.items()}
    fields["id"] = fields.pop("username")
    fields.setdefault("journeyRepo", f"{fields['id']}/100DaysOfCloud")  # the challenge's default
    return ProfileRecord(
        profile=Profile.model_validate(fields),
        version=int(fields.get("version", 1)),
        account_sub=fields.get("accountSub"),
        github_id=fields.get("githubId"),
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
    item = participant.model_dump(by_alias=True, mode="json", exclude_none=True)
    item.pop("id")
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


class UsersTable:
    """Reads and writes participants in the USERS table."""

    def __init__(self, table_name: str) -> None:
        self._table = aws.dynamodb().Table(table_name)

    def _transact(self, items: list[dict[str, Any]]) -> list[str | None] | None:
        """Write `items` in one transaction (dynamo.transact)."""
        return transact(self._table.meta.client, items)

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

    def usernames_page(self, limit: int, after: str | None = None) -> tuple[list[str], str | None]:
        """Up to `limit` usernames in key order after the key `after`, and the key to resume after
        (None at the end). Reads only keys and usernames, so a page of 1,000 stays far below a Query's
        1 MB, and follows DynamoDB's own pages when it stops early anyway."""
        usernames: list[str] = []
        start = {"participantList": PARTICIPANT_LIST, "pk": after} if after else None
        while len(usernames) < limit:
            request: dict[str, Any] = {
                "IndexName": BY_USERNAME_INDEX,
                "KeyConditionExpression": Key("participantList").eq(PARTICIPANT_LIST),
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
        client = self._table.meta.client
        for start in range(0, len(pks), 100):
            keys: list[dict[str, Any]] = [{"pk": pk} for pk in dict.fromkeys(pks[start : start + 100])]
            for _ in range(10):  # unprocessed keys are retried a bounded number of times
                if not keys:
                    break
                answer = client.batch_get_item(RequestItems={self._table.name: {"Keys": keys}})
                for item in answer.get("Responses", {}).get(self._table.name, []):
                    if item.get("participantList") == PARTICIPANT_LIST:
                        found[item["pk"]] = _to_profile(item)
                keys = answer.get("UnprocessedKeys", {}).get(self._table.name, {}).get("Keys", [])
        return [found[pk] for pk in pks if pk in found]

    def apply_standing(self, pk: str, fields: dict[str, Any], stats_version: int) -> bool:
        """Set a participant's score fields from statistics at `stats_version`, unless newer ones were.

        False when the participant is gone or already has statistics of this version or later: a
        repeated or older stream record changes nothing.
        """
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

    # -- accounts and the signed-in participant's own profile ----------------------------------------

    def put_account(self, sub: str, email: str, created_at: datetime) -> bool:
        """Create an account record unless it exists; whether it was created (so retries change nothing)."""
        try:
            self._table.put_item(
                Item={"pk": account_key(sub), "email": email, "createdAt": timestamp(created_at)},
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            if condition_failed(error):
                return False
            raise
        return True

    # -- GitHub links ------------------------------------------------------------------------------

    def put_link_state(self, link: LinkState) -> None:
        expires = int(link.expires_at.timestamp())
        self._table.put_item(
            Item={
                "pk": f"{LINK_STATE_PREFIX}{link.state}",
                "accountSub": link.account_sub,
                "codeVerifier": link.code_verifier,
                "redirectUri": link.redirect_uri,
                "expiresAt": expires,
                "ttl": expires,
            },
            ConditionExpression="attribute_not_exists(pk)",
        )

    def take_link_state(self, state: str, sub: str, now: datetime) -> LinkState | None:
        """The link in progress for `state`, deleted as it is read: None when there is none, when it
        is another account's (left as it is) or when it has expired."""
        try:
            old = self._table.delete_item(
                Key={"pk": f"{LINK_STATE_PREFIX}{state}"},
                ConditionExpression="accountSub = :sub AND expiresAt > :now",
                ExpressionAttributeValues={":sub": sub, ":now": int(now.timestamp())},
                ReturnValues="ALL_OLD",
            ).get("Attributes")
        except ClientError as error:
            if condition_failed(error):
                return None
            raise
        if not old:
            return None
        return LinkState(
            state=state,
            account_sub=str(old["accountSub"]),
            code_verifier=str(old["codeVerifier"]),
            redirect_uri=str(old["redirectUri"]),
            expires_at=datetime.fromtimestamp(int(old["expiresAt"]), UTC),
        )

    def link_github(self, sub: str, github_id: int, login: str, now: datetime) -> GitHubLink:
        """Link the account to a GitHub account, which no other account may hold (ConflictError).
        Relinking (a new login for the same id, or another GitHub account) replaces the link."""
        current = self.get_account(sub)
        previous = current.account.github if current else None
        link = GitHubLink(id=github_id, login=login, linked_at=now)
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": {"pk": f"{GITHUB_PREFIX}{github_id}", "accountSub": sub, "login": login},
                    "ConditionExpression": "attribute_not_exists(pk) OR accountSub = :sub",
                    "ExpressionAttributeValues": {":sub": sub},
                }
            },
            {
                "Update": {
                    "TableName": self._table.name,
                    "Key": {"pk": account_key(sub)},
                    "UpdateExpression": (
                        "SET githubId = :id, githubLogin = :login, githubLinkedAt = :now, "
                        "createdAt = if_not_exists(createdAt, :now)"
                    ),
                    # Linked as read above: a concurrent relink makes this one try again
                    "ConditionExpression": (
                        "githubId = :previous" if previous else "attribute_not_exists(githubId)"
                    ),
                    "ExpressionAttributeValues": {
                        ":id": github_id,
                        ":login": login,
                        ":now": timestamp(now),
                        **({":previous": previous.id} if previous else {}),
                    },
                }
            },
        ]
        participant_pk = current.participant_pk if current else None
        if participant_pk is not None:
            # The participant is verified when its username is the linked login (an owner who linked
            # after claiming); a link to another GitHub account proves nothing about its name.
            proven = participant_pk == login.lower()
            # Verified, it joins the leaderboard at its place; not, it leaves it.
            expression = (
                "SET verified = :proven, githubId = :id, "
                "leaderboardKey = if_not_exists(rankKey, leaderboardKey)"
                if proven
                else "SET verified = :proven, rankKey = if_not_exists(rankKey, leaderboardKey) "
                "REMOVE githubId, leaderboardKey"
            )
            items.append(
                {
                    "Update": {
                        "TableName": self._table.name,
                        "Key": {"pk": participant_pk},
                        "UpdateExpression": expression,
                        "ConditionExpression": "accountSub = :sub",
                        "ExpressionAttributeValues": {
                            ":proven": proven,
                            ":sub": sub,
                            **({":id": github_id} if proven else {}),
                        },
                    }
                }
            )
        if previous and previous.id != github_id:
            items.append(
                {
                    "Delete": {
                        "TableName": self._table.name,
                        "Key": {"pk": f"{GITHUB_PREFIX}{previous.id}"},
                        "ConditionExpression": "attribute_not_exists(pk) OR accountSub = :sub",
                        "ExpressionAttributeValues": {":sub": sub},
                    }
                }
            )
        reasons = self._transact(items)
        if reasons is not None:
            if reasons and reasons[0] == CONDITION_FAILED:
                raise ConflictError(
                    f"The GitHub account {login} is linked to another hdoc account. Sign in with that "
                    "account, or unlink it there first."
                )
            raise ConflictError("Your account changed at the same time; please link again.")
        return link

    def rename_participant(
        self, sub: str, old_pk: str, github_id: int, login: str, now: datetime
    ) -> GitHubLink:
        """Move the account's participant to the login its GitHub account was renamed to (the same
        numeric id): the same participant under the new name, the old name free. One transaction;
        ConflictError when another participant holds the new name."""
        item = self._table.get_item(Key={"pk": old_pk}, ConsistentRead=True).get("Item")
        if item is None or item.get("accountSub") != sub or plain(item.get("githubId")) != github_id:
            raise ConflictError("Your participant changed at the same time; please link again.")
        old_name, new_pk = str(item["username"]), login.lower()
        moved = {**item, "pk": new_pk, "username": login, "githubProfile": f"https://github.com/{login}"}
        moved["version"] = int(plain(item.get("version", 1))) + 1
        owner, _, repository = str(item.get("journeyRepo", f"{old_name}/100DaysOfCloud")).partition("/")
        if owner.lower() == old_name.lower():  # GitHub renamed the repository's owner too
            moved["journeyRepo"] = f"{login}/{repository}"
        if item.get("avatarImage") == f"https://github.com/{old_name}.png":
            moved["avatarImage"] = f"https://github.com/{login}.png"
        for key in ("rankKey", "leaderboardKey", "joinedKey"):
            if key in item:
                moved[key] = str(item[key]).removesuffix(f"#{old_pk}") + f"#{new_pk}"
        table = self._table.name
        reasons = self._transact(
            [
                {
                    "Put": {
                        "TableName": table,
                        "Item": moved,
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Delete": {
                        "TableName": table,
                        "Key": {"pk": old_pk},
                        "ConditionExpression": "accountSub = :sub AND githubId = :id",
                        "ExpressionAttributeValues": {":sub": sub, ":id": github_id},
                    }
                },
                {
                    "Update": {
                        "TableName": table,
                        "Key": {"pk": account_key(sub)},
                        "UpdateExpression": (
                            "SET participant = :new, githubLogin = :login, githubLinkedAt = :now"
                        ),
                        "ConditionExpression": "participant = :old AND githubId = :id",
                        "ExpressionAttributeValues": {
                            ":new": new_pk,
                            ":old": old_pk,
                            ":login": login,
                            ":now": timestamp(now),
                            ":id": github_id,
                        },
                    }
                },
                {
                    "Put": {
                        "TableName": table,
                        "Item": {"pk": f"{GITHUB_PREFIX}{github_id}", "accountSub": sub, "login": login},
                        "ConditionExpression": "accountSub = :sub",
                        "ExpressionAttributeValues": {":sub": sub},
                    }
                },
            ]
        )
        if reasons is not None:
            if reasons and reasons[0] == CONDITION_FAILED:
                raise ConflictError(
                    f"You renamed your GitHub account to {login}, but another participant holds that name; "
                    f"an admin can release it (DELETE /admin/participants/{login}), then link again."
                )
            raise ConflictError("Your participant changed at the same time; please link again.")
        return GitHubLink(id=github_id, login=login, linked_at=now)

    def take_quota(self, key: str, limit: int, expires_at: datetime) -> bool:
        """Count one use against `key` (a person's window of some kind of write), unless `limit`
        uses were counted already; whether it was counted. The counter goes with DynamoDB's TTL."""
        try:
            self._table.update_item(
                Key={"pk": f"{QUOTA_PREFIX}{key}"},
                UpdateExpression="ADD used :one SET #ttl = :ttl",
                ConditionExpression="attribute_not_exists(used) OR used < :limit",
                ExpressionAttributeNames={"#ttl": "ttl"},
                ExpressionAttributeValues={":one": 1, ":limit": limit, ":ttl": int(expires_at.timestamp())},
            )
        except ClientError as error:
            if condition_failed(error):
                return False
            raise
        return True

    def release_participant(self, pk: str) -> bool:
        """Delete a participant that is not verified and free its username; its account stays, with
        no participant. False when there is no such participant; ConflictError when it is verified."""
        record = self.get_profile(pk)
        if record is None:
            return False
        items: list[dict[str, Any]] = [
            {
                "Delete": {
                    "TableName": self._table.name,
                    "Key": {"pk": pk},
                    "ConditionExpression": (
                        "attribute_exists(pk) AND (attribute_not_exists(verified) OR verified <> :yes)"
                    ),
                    "ExpressionAttributeValues": {":yes": True},
                }
            }
        ]
        if record.account_sub:
            items.append(
                {
                    "Update": {
                        "TableName": self._table.name,
                        "Key": {"pk": account_key(record.account_sub)},
                        "UpdateExpression": "REMOVE participant",
                        "ConditionExpression": "attribute_not_exists(participant) OR participant = :pk",
                        "ExpressionAttributeValues": {":pk": pk},
                    }
                }
            )
        if self._transact(items) is not None:
            raise ConflictError(
                f"{record.profile.id} is verified: its owner proved the GitHub account is theirs, so the "
                "username cannot be released."
            )
        return True

    def get_account(self, sub: str) -> AccountRecord | None:
        item = self._table.get_item(Key={"pk": account_key(sub)}).get("Item")
        return None if item is None else _to_account(item)

    def get_profile(self, pk: str) -> ProfileRecord | None:
        item = self._table.get_item(Key={"pk": pk}).get("Item")
        if item is None or item.get("participantList") != PARTICIPANT_LIST:
            return None
        return _to_profile(item)

    def create_participant(
        self, sub: str, email: str, profile: Profile, now: datetime, github_id: int | None = None
    ) -> ProfileRecord:
        """Store a new participant owned by `sub`, in one transaction that also links the account.

        ConflictError when the username already belongs to a participant, or the account already
        owns one. Creates the account record too, if the PostConfirmation trigger never did.
        """
        item = to_item(profile, now)
        item.update(accountSub=sub, version=1)
        if github_id is not None:
            item["githubId"] = github_id
        reasons = self._transact(
            [
                {
                    "Put": {
                        "TableName": self._table.name,
                        "Item": item,
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Update": {
                        "TableName": self._table.name,
                        "Key": {"pk": account_key(sub)},
                        "UpdateExpression": (
                            "SET participant = :participant, email = if_not_exists(email, :email), "
                            "createdAt = if_not_exists(createdAt, :now)"
                        ),
                        "ConditionExpression": "attribute_not_exists(participant)",
                        "ExpressionAttributeValues": {
                            ":participant": item["pk"],
                            ":email": email,
                            ":now": timestamp(now),
                        },
                    }
                },
            ]
        )
        if reasons is not None:
            if len(reasons) > 1 and reasons[1] == CONDITION_FAILED:
                raise ConflictError(
                    "Your account already has a participant. Delete it (DELETE /me) to sign up with another "
                    "GitHub username."
                )
            if reasons and reasons[0] == CONDITION_FAILED:
                raise ConflictError(f"The GitHub username '{profile.id}' already belongs to a participant.")
            raise ConflictError("Someone else changed this account at the same time; please try again.")
        return ProfileRecord(profile=profile, version=1, account_sub=sub)

    def update_profile(
        self, pk: str, sub: str, changes: dict[str, Any], expected_version: int | None
    ) -> ProfileRecord:
        """Apply `changes` (stored names; None removes) to the participant `sub` owns.

        PreconditionFailedError when `expected_version` is given and no longer current.
        """
        update = Update(sets=["#version = #version + :one"], names={"#version": "version"})
        update.value(":sub", sub).value(":one", 1).assign(changes, prefix="a")
        names, values = update.names, update.values
        condition = "attribute_exists(pk) AND accountSub = :sub"
        if expected_version is not None:
            condition += " AND #version = :expected"
            values[":expected"] = expected_version
        expression = update.expression()
        try:
            item = self._table.update_item(
                Key={"pk": pk},
                UpdateExpression=expression,
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )["Attributes"]
        except ClientError as error:
            if not condition_failed(error):
                raise
            old = error.response.get("Item")
            if not old or plain(old.get("accountSub", {}).get("S")) != sub:
                raise NotFoundError(
                    "You have no participant yet: complete signup with POST /signup."
                ) from error
            current = old.get("version", {}).get("N")
            raise PreconditionFailedError(
                f"Your copy is out of date: the profile is now at version {current}. "
                "GET /me for the current one and its ETag, then apply your change again."
            ) from error
        return _to_profile(item)

    def delete_account(self, sub: str) -> str | None:
        """Delete the account record, the participant it owns and its GitHub link; the participant's
        key, if any."""
        account = self.get_account(sub)
        participant_pk = account.participant_pk if account else None
        github = account.account.github if account else None
        owned = [{"pk": participant_pk}] if participant_pk is not None else []
        owned += [{"pk": f"{GITHUB_PREFIX}{github.id}"}] if github is not None else []
        for key in owned:
            try:
                self._table.delete_item(
                    Key=key,
                    ConditionExpression="attribute_not_exists(pk) OR accountSub = :sub",
                    ExpressionAttributeValues={":sub": sub},
                )
            except ClientError as error:
                if not condition_failed(error):
                    raise
        self._table.delete_item(Key={"pk": account_key(sub)})
        return participant_pk
