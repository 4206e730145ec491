"""The USERS table's GitHub App records: the webhook deliveries already taken (so that a redelivery
does its work once), and which repositories each installation of the App covers. Mixed into
UsersTable (users.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from botocore.exceptions import ClientError

from hdoc.dal.dynamo import condition_failed, plain, timestamp
from hdoc.dal.user_items import (
    CLOSED,
    GITHUB_PREFIX,
    PARTICIPANT_LIST,
    ProfileRecord,
    UsersTableBase,
    _to_profile,
    account_key,
)

DELIVERY_PREFIX = "delivery#"
INSTALLATION_PREFIX = "githubapp#"
# GitHub redelivers a delivery for up to three days: a day more, and no redelivery is taken twice.
DELIVERY_MEMORY = timedelta(days=4)


@dataclass(frozen=True)
class InstallationRecord:
    """The App installed on a GitHub account, and the repositories it may read there."""

    account_id: int
    account_login: str
    installation_id: int
    repository_selection: str  # "selected" or "all"
    repositories: frozenset[str]  # lower-cased owner/name, when selected
    updated_at: str

    def covers(self, repository: str) -> bool:
        return self.repository_selection == "all" or repository.lower() in self.repositories


class GitHubAppRecords(UsersTableBase):
    """The GitHub App methods of UsersTable, on the same table."""

    def remember_delivery(self, delivery_id: str, event: str, now: datetime) -> bool:
        """Note a webhook delivery as taken; False when it was taken already (a redelivery)."""
        try:
            self._table.put_item(
                Item={
                    "pk": f"{DELIVERY_PREFIX}{delivery_id}",
                    "event": event,
                    "receivedAt": timestamp(now),
                    "ttl": int((now + DELIVERY_MEMORY).timestamp()),
                },
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            if condition_failed(error):
                return False
            raise
        return True

    def forget_delivery(self, delivery_id: str) -> None:
        """Forget a delivery whose work could not be queued, so that GitHub's redelivery does it."""
        self._table.delete_item(Key={"pk": f"{DELIVERY_PREFIX}{delivery_id}"})

    def save_installation(self, record: InstallationRecord) -> None:
        """Keep an installation as the App's latest event describes it (the whole record)."""
        item: dict[str, object] = {
            "pk": f"{INSTALLATION_PREFIX}{record.account_id}",
            "accountLogin": record.account_login,
            "installationId": record.installation_id,
            "repositorySelection": record.repository_selection,
            "updatedAt": record.updated_at,
        }
        if record.repositories:
            item["repositories"] = set(record.repositories)
        self._table.put_item(Item=item)

    def change_installation(
        self, record: InstallationRecord, added: frozenset[str], removed: frozenset[str]
    ) -> None:
        """Add and remove repositories of an installation: each change applied as a set operation, so
        two changes applied in either order end the same."""
        key = {"pk": f"{INSTALLATION_PREFIX}{record.account_id}"}
        fields = (
            "SET accountLogin = :login, installationId = :installation, "
            "repositorySelection = :selection, updatedAt = :updated"
        )
        values: dict[str, object] = {
            ":login": record.account_login,
            ":installation": record.installation_id,
            ":selection": record.repository_selection,
            ":updated": record.updated_at,
        }
        expression = fields
        if added:
            expression += " ADD repositories :added"
            values[":added"] = set(added)
        self._table.update_item(Key=key, UpdateExpression=expression, ExpressionAttributeValues=values)
        if removed:
            self._table.update_item(
                Key=key,
                UpdateExpression="DELETE repositories :removed",
                ExpressionAttributeValues={":removed": set(removed)},
            )

    def delete_installation(self, account_id: int, installation_id: int) -> None:
        """Forget an installation that was uninstalled (not a newer one of the same account)."""
        try:
            self._table.delete_item(
                Key={"pk": f"{INSTALLATION_PREFIX}{account_id}"},
                ConditionExpression="attribute_not_exists(pk) OR installationId = :installation",
                ExpressionAttributeValues={":installation": installation_id},
            )
        except ClientError as error:
            if not condition_failed(error):
                raise

    def installation(self, account_id: int) -> InstallationRecord | None:
        """The App's installation on a GitHub account, if it is installed there."""
        item = self._table.get_item(Key={"pk": f"{INSTALLATION_PREFIX}{account_id}"}).get("Item")
        if item is None:
            return None
        return InstallationRecord(
            account_id=account_id,
            account_login=str(item["accountLogin"]),
            installation_id=int(plain(item["installationId"])),
            repository_selection=str(item["repositorySelection"]),
            repositories=frozenset(str(name) for name in item.get("repositories") or ()),
            updated_at=str(item["updatedAt"]),
        )

    def participant_of_github_account(self, github_id: int) -> ProfileRecord | None:
        """The participant of the account linked to this GitHub account, if there is one."""
        link = self._table.get_item(Key={"pk": f"{GITHUB_PREFIX}{github_id}"}).get("Item")
        if link is None:
            return None
        account = self._table.get_item(Key={"pk": account_key(str(link["accountSub"]))}).get("Item")
        if account is None or CLOSED in account or not account.get("participant"):
            return None
        item = self._table.get_item(Key={"pk": str(account["participant"])}).get("Item")
        if item is None or item.get("participantList") != PARTICIPANT_LIST:
            return None
        return _to_profile(item)
