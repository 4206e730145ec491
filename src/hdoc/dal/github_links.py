"""The USERS table's GitHub links: a link in progress (its state, bound to one account, taken once),
the link of an account to one GitHub account, and a participant's move when its GitHub login was
renamed. Mixed into UsersTable (users.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from hdoc.dal.dynamo import CONDITION_FAILED, condition_failed, plain, timestamp
from hdoc.dal.user_items import (
    ACCOUNT_CLOSED,
    CLOSED,
    GITHUB_PREFIX,
    LINK_STATE_PREFIX,
    RENAMING,
    LinkState,
    UsersTableBase,
    account_key,
    author_key_of,
)
from hdoc.errors import ConflictError, UnauthorizedError
from hdoc.models.account import GitHubLink


class GitHubLinkRecords(UsersTableBase):
    """The GitHub link methods of UsersTable, on the same table."""

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
                    # Linked as read above: a concurrent relink makes this one try again; never
                    # an account being deleted, or deleted
                    "ConditionExpression": (
                        "githubId = :previous" if previous else "attribute_not_exists(githubId)"
                    )
                    + " AND attribute_not_exists(#closed)",
                    "ExpressionAttributeNames": {"#closed": CLOSED},
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
            if len(reasons) > 1 and reasons[1] == CONDITION_FAILED and self.account_closed(sub):
                raise UnauthorizedError(ACCOUNT_CLOSED)
            if reasons and reasons[0] == CONDITION_FAILED:
                raise ConflictError(
                    f"The GitHub account {login} is linked to another hdoc account. Sign in with that "
                    "account, or unlink it there first."
                )
            raise ConflictError("Your account changed at the same time; please link again.")
        return link

    def rename_participant(self, sub: str, old_pk: str, github_id: int, login: str, now: datetime) -> Rename:
        """Move the account's participant to the login its GitHub account was renamed to (the same
        numeric id): the same participant under the new name, the old name free, and the move recorded
        on the account until its articles follow (the Rename returned). One transaction;
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
        # Its articles are keyed by its account from here on; the rename record lists what is left to
        # move (a participant keyed by name has articles under that name), until it is all moved.
        moved["authorKey"] = author_key_of(sub)
        pending = Rename(
            account_sub=sub,
            from_pk=old_pk,
            login=login,
            from_author_key=str(item.get("authorKey") or old_pk),
            to_author_key=author_key_of(sub),
        )
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
                        # The move is recorded on the account until its articles follow (one
                        # move at a time: a pending one is finished first, finish_link)
                        "UpdateExpression": (
                            "SET participant = :new, githubLogin = :login, githubLinkedAt = :now, "
                            "#renaming = :renaming"
                        ),
                        "ConditionExpression": (
                            "participant = :old AND githubId = :id AND attribute_not_exists(#closed) "
                            "AND attribute_not_exists(#renaming)"
                        ),
                        "ExpressionAttributeNames": {"#closed": CLOSED, "#renaming": RENAMING},
                        "ExpressionAttributeValues": {
                            ":new": new_pk,
                            ":old": old_pk,
                            ":login": login,
                            ":now": timestamp(now),
                            ":id": github_id,
                            ":renaming": {**_rename_fields(pending), "startedAt": timestamp(now)},
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
        return pending

    def pending_rename(self, sub: str) -> Rename | None:
        """The move of `sub`'s participant that is not finished yet, if any."""
        item = self._table.get_item(Key={"pk": account_key(sub)}, ConsistentRead=True).get("Item")
        return rename_of(sub, item)

    def finish_rename(self, pending: Rename) -> None:
        """The move is done (its articles follow the new name): forget it. Already forgotten is fine."""
        try:
            self._table.update_item(
                Key={"pk": account_key(pending.account_sub)},
                UpdateExpression="REMOVE #renaming",
                ConditionExpression="#renaming.fromPk = :from",
                ExpressionAttributeNames={"#renaming": RENAMING},
                ExpressionAttributeValues={":from": pending.from_pk},
            )
        except ClientError as error:
            if not condition_failed(error):
                raise


@dataclass(frozen=True)
class Rename:
    """A participant's move to its GitHub account's new login, with what its articles still need:
    those under `from_author_key` (or named by the old login) move to `to_author_key` and the login."""

    account_sub: str
    from_pk: str
    login: str
    from_author_key: str
    to_author_key: str


def _rename_fields(pending: Rename) -> dict[str, Any]:
    return {
        "fromPk": pending.from_pk,
        "login": pending.login,
        "fromAuthorKey": pending.from_author_key,
        "toAuthorKey": pending.to_author_key,
    }


def rename_of(sub: str, account_item: dict[str, Any] | None) -> Rename | None:
    """The move an account record says is pending, if any."""
    fields = (account_item or {}).get(RENAMING)
    if not fields:
        return None
    return Rename(
        account_sub=sub,
        from_pk=str(fields["fromPk"]),
        login=str(fields["login"]),
        from_author_key=str(fields["fromAuthorKey"]),
        to_author_key=str(fields["toAuthorKey"]),
    )
