"""What hdoc does with each GitHub App webhook delivery, once its signature has been checked.

A push to the default branch of a verified participant's journey repository queues a refresh of
that journey; the installation events keep which repositories the App may read for whom. Anything
else is acknowledged and left alone. A delivery is taken once: a redelivery of the same
X-GitHub-Delivery id does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from hdoc.dal.dynamo import timestamp
from hdoc.dal.github_app import InstallationRecord
from hdoc.dal.users import UsersTable
from hdoc.errors import InvalidParameterError
from hdoc.models.github_events import (
    INSTALLATION,
    INSTALLATION_REPOSITORIES,
    PING,
    PUSH,
    Installation,
    InstallationEvent,
    InstallationRepositoriesEvent,
    PushEvent,
)

# Installation actions after which the App may read the account's repositories, and those after which
# it may not.
_INSTALLED = {"created", "unsuspend", "new_permissions_accepted"}
_UNINSTALLED = {"deleted", "suspend"}


@dataclass(frozen=True)
class Delivery:
    """One webhook delivery: its event type, its id, and its parsed JSON body."""

    event: str
    delivery_id: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class PushRefresh:
    """A journey to refresh because its repository was pushed to (the push queue's message)."""

    username: str
    delivery_id: str
    received_at: datetime
    head: str

    def message(self) -> dict[str, str]:
        return {
            "username": self.username,
            "deliveryId": self.delivery_id,
            "receivedAt": timestamp(self.received_at),
            "head": self.head,
        }


@dataclass(frozen=True)
class Outcome:
    """What hdoc did with a delivery, for GitHub's delivery log: done (queued, kept) or not."""

    action: str  # queued, installed, uninstalled, repositories-changed, ignored, duplicate, pong
    detail: str


_EVENTS: dict[str, type[BaseModel]] = {
    PUSH: PushEvent,
    INSTALLATION: InstallationEvent,
    INSTALLATION_REPOSITORIES: InstallationRepositoriesEvent,
}


def _parsed(model: type[BaseModel], delivery: Delivery) -> Any:
    try:
        return model.model_validate(delivery.payload)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise InvalidParameterError(
            where, f"is not what a '{delivery.event}' event holds: {first['msg']}"
        ) from None


def take(
    users: UsersTable, delivery: Delivery, queue_refresh: Callable[[PushRefresh], None], now: datetime
) -> Outcome:
    """Do what `delivery` asks, once. InvalidParameterError when its body is not the event it names
    (nothing is written). When the refresh cannot be queued, the delivery is forgotten again and the
    error raised, so that GitHub's redelivery finds it new."""
    if delivery.event == PING:
        return Outcome("pong", "hdoc takes this App's webhooks.")
    model = _EVENTS.get(delivery.event)
    if model is None:
        return Outcome("ignored", f"hdoc does not take '{delivery.event}' events.")
    event = _parsed(model, delivery)
    if isinstance(event, PushEvent):
        refusal, username = _pushed_journey(users, event)
        if username is None:
            return Outcome("ignored", refusal)
    if not users.remember_delivery(delivery.delivery_id, delivery.event, now):
        return Outcome("duplicate", f"Delivery {delivery.delivery_id} was taken already.")
    try:
        if isinstance(event, PushEvent):
            assert username is not None
            queue_refresh(PushRefresh(username, delivery.delivery_id, now, event.after))
            return Outcome("queued", f"{username}'s journey will be read again now.")
        if isinstance(event, InstallationEvent):
            return _installation(users, event, now)
        return _repositories(users, event, now)
    except Exception:
        users.forget_delivery(delivery.delivery_id)
        raise


def _pushed_journey(users: UsersTable, event: PushEvent) -> tuple[str, str | None]:
    """The participant whose journey this push changed, or why it changed none."""
    repository = event.repository
    if event.deleted or not event.to_default_branch:
        return f"{event.ref} is not {repository.full_name}'s default branch.", None
    record = users.participant_of_github_account(repository.owner.id)
    if record is None:
        return f"No participant is linked to the GitHub account {repository.owner.login}.", None
    profile = record.profile
    if not profile.verified or record.github_id != repository.owner.id:
        return f"{profile.id} is not verified as the GitHub account {repository.owner.login}.", None
    if profile.journey_repo.lower() != repository.full_name.lower():
        return (
            f"{repository.full_name} is not {profile.id}'s journey repository ({profile.journey_repo}).",
            None,
        )
    return "", profile.id


def _record(installation: Installation, repositories: frozenset[str], now: datetime) -> InstallationRecord:
    return InstallationRecord(
        account_id=installation.account.id,
        account_login=installation.account.login,
        installation_id=installation.id,
        repository_selection=installation.repository_selection,
        repositories=repositories,
        updated_at=timestamp(now),
    )


def _names(repositories: list[Any]) -> frozenset[str]:
    return frozenset(repository.full_name.lower() for repository in repositories)


def _installation(users: UsersTable, event: InstallationEvent, now: datetime) -> Outcome:
    account = event.installation.account
    if event.action in _UNINSTALLED:
        users.delete_installation(account.id, event.installation.id)
        return Outcome("uninstalled", f"The App no longer reads {account.login}'s repositories.")
    if event.action not in _INSTALLED:
        return Outcome("ignored", f"Nothing to do when an installation is '{event.action}'.")
    if event.repositories is None:  # this action lists none: keep the ones known
        users.change_installation(_record(event.installation, frozenset(), now), frozenset(), frozenset())
    else:
        users.save_installation(_record(event.installation, _names(event.repositories), now))
    return Outcome("installed", f"The App reads {account.login}'s selected repositories.")


def _repositories(users: UsersTable, event: InstallationRepositoriesEvent, now: datetime) -> Outcome:
    installation = event.installation.model_copy(update={"repository_selection": event.repository_selection})
    added, removed = _names(event.repositories_added), _names(event.repositories_removed)
    users.change_installation(_record(installation, frozenset(), now), added - removed, removed)
    return Outcome("repositories-changed", f"{len(added)} added, {len(removed)} removed.")
