"""The USERS table's accounts: a person's account, the participant they own and its profile, and
their write quotas. Mixed into UsersTable (users.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from hdoc.dal.dynamo import CONDITION_FAILED, Update, condition_failed, plain, timestamp
from hdoc.dal.user_items import (
    ACCOUNT_CLOSED,
    CLOSED,
    GITHUB_PREFIX,
    PARTICIPANT_LIST,
    QUOTA_PREFIX,
    AccountRecord,
    ProfileRecord,
    UsersTableBase,
    _to_account,
    _to_profile,
    account_key,
    author_key_of,
    stored_attributes,
    to_item,
)
from hdoc.errors import ConflictError, NotFoundError, PreconditionFailedError, UnauthorizedError
from hdoc.models.account import Profile

# A tombstone lasts as long as any ID token issued before the deletion can (Cognito's longest is a
# day; the refresh tokens are revoked, so no new one is issued), then DynamoDB's TTL removes it.
TOMBSTONE_LIFETIME = timedelta(days=1)


class NameTakenError(ConflictError):
    """Another participant holds the username."""


class AccountRecords(UsersTableBase):
    """The account methods of UsersTable, on the same table."""

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

    def return_quota(self, key: str) -> None:
        """Give back one use counted against `key` (for a write that was refused or failed)."""
        try:
            self._table.update_item(
                Key={"pk": f"{QUOTA_PREFIX}{key}"},
                UpdateExpression="ADD used :minus",
                ConditionExpression="used > :zero",
                ExpressionAttributeValues={":minus": -1, ":zero": 0},
            )
        except ClientError as error:
            if not condition_failed(error):  # already given back, or gone with its window
                raise

    def release_participant(self, pk: str, stale_github_id: int | None = None) -> bool:
        """Delete a participant that is not verified (or verified as `stale_github_id`, a GitHub
        account that no longer has its login) and free its username; its account stays, with no
        participant. False when there is no such participant; ConflictError when it is verified."""
        record = self.get_profile(pk)
        if record is None:
            return False
        stale = " OR githubId = :stale" if stale_github_id is not None else ""
        items: list[dict[str, Any]] = [
            {
                "Delete": {
                    "TableName": self._table.name,
                    "Key": {"pk": pk},
                    "ConditionExpression": (
                        "attribute_exists(pk) AND "
                        f"(attribute_not_exists(verified) OR verified <> :yes{stale})"
                    ),
                    "ExpressionAttributeValues": {
                        ":yes": True,
                        **({":stale": stale_github_id} if stale_github_id is not None else {}),
                    },
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
        item.update(accountSub=sub, version=1, authorKey=author_key_of(sub))
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
                        "ConditionExpression": (
                            "attribute_not_exists(participant) AND attribute_not_exists(#closed)"
                        ),
                        "ExpressionAttributeNames": {"#closed": CLOSED},
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
                if self.account_closed(sub):
                    raise UnauthorizedError(ACCOUNT_CLOSED)
                raise ConflictError(
                    "Your account already has a participant. Delete it (DELETE /me) to sign up with another "
                    "GitHub username."
                )
            if reasons and reasons[0] == CONDITION_FAILED:
                raise NameTakenError(f"The GitHub username '{profile.id}' already belongs to a participant.")
            raise ConflictError("Someone else changed this account at the same time; please try again.")
        return ProfileRecord(profile=profile, version=1, account_sub=sub, author_key=author_key_of(sub))

    def update_profile(
        self, pk: str, sub: str, changes: dict[str, Any], expected_version: int | None
    ) -> ProfileRecord:
        """Apply `changes` (profile fields by name; None removes) to the participant `sub` owns.

        PreconditionFailedError when `expected_version` is given and no longer current.
        """
        update = Update(sets=["#version = #version + :one"], names={"#version": "version"})
        update.value(":sub", sub).value(":one", 1).assign(stored_attributes(changes), prefix="a")
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

    def author_guard(self, sub: str, participant_pk: str) -> dict[str, Any]:
        """A ConditionCheck for a write made as `sub`'s participant: it still owns it, and the
        account is not being deleted (for a transaction on another table, such as an article's)."""
        return {
            "ConditionCheck": {
                "TableName": self._table.name,
                "Key": {"pk": account_key(sub)},
                "ConditionExpression": "participant = :pk AND attribute_not_exists(#closed)",
                "ExpressionAttributeNames": {"#closed": CLOSED},
                "ExpressionAttributeValues": {":pk": participant_pk},
            }
        }

    def close_account(self, sub: str, now: datetime) -> AccountRecord | None:
        """Mark the account as being deleted, before anything of it is: from here on every write of
        it is refused. What it held as it was marked (None when it held nothing: never made, or
        already deleted). Marking again changes nothing."""
        item = self._table.update_item(
            Key={"pk": account_key(sub)},
            UpdateExpression=(
                "SET #closed = if_not_exists(#closed, :now), #ttl = if_not_exists(#ttl, :expires)"
            ),
            ExpressionAttributeNames={"#closed": CLOSED, "#ttl": "ttl"},
            ExpressionAttributeValues={
                ":now": timestamp(now),
                ":expires": int((now + TOMBSTONE_LIFETIME).timestamp()),
            },
            ReturnValues="ALL_NEW",
        )["Attributes"]
        return _to_account(item) if "createdAt" in item else None

    def delete_account(self, sub: str, closed: AccountRecord | None) -> None:
        """Delete what a closed account held (`closed`, as close_account gave it): the participant it
        owns and its GitHub link; the account record becomes its tombstone (the sub and when it was
        closed, no personal data), which goes a day later."""
        participant_pk = closed.participant_pk if closed else None
        github = closed.account.github if closed else None
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
        self._table.update_item(
            Key={"pk": account_key(sub)},
            UpdateExpression=(
                "REMOVE email, createdAt, participant, githubId, githubLogin, githubLinkedAt, renaming"
            ),
            ConditionExpression="attribute_exists(#closed)",
            ExpressionAttributeNames={"#closed": CLOSED},
        )
