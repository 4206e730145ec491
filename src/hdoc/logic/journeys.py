"""A participant's journey statistics as the API shows them, and asking for a refresh."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from hdoc.dal.statistics import StatisticsTable, StoredJourney
from hdoc.dal.users import UsersTable
from hdoc.errors import NotFoundError
from hdoc.logic.participants import ParticipantNotFoundError
from hdoc.models.caller import COMPLETE_SIGNUP, Caller
from hdoc.models.statistics import STATUS_MEANINGS, JourneyStatistics, RefreshQueued
from hdoc.models.usernames import username_key

REFRESH_EVERY = timedelta(minutes=5)


def as_statistics(username: str, repository: str, stored: StoredJourney | None) -> JourneyStatistics:
    """What the API says about a journey, from what is stored (pending when nothing is)."""
    if stored is None or stored.version is None:
        return JourneyStatistics(
            username=username,
            repository=repository,
            status="pending",
            status_detail=STATUS_MEANINGS["pending"],
        )
    return JourneyStatistics(
        username=username,
        repository=stored.repository or repository,
        status=stored.status,
        status_detail=stored.status_detail or None,
        last_refreshed_at=stored.last_refreshed_at,
        last_checked_at=stored.last_checked_at,
        report=stored.report,
    )


def journey_statistics(users: UsersTable, statistics: StatisticsTable, username: str) -> JourneyStatistics:
    """A participant's journey: entries, streaks, score breakdown, status and when it was read."""
    record = users.get_profile(username_key(username))
    if record is None:
        raise ParticipantNotFoundError(username)
    profile = record.profile
    return as_statistics(profile.id, profile.journey_repo, statistics.get(username_key(username)))


def request_refresh(
    users: UsersTable,
    statistics: StatisticsTable,
    caller: Caller,
    start_refresh: Callable[[str], None],
    now: datetime | None = None,
) -> RefreshQueued:
    """Queue a refresh of the caller's journey; at most one per REFRESH_EVERY (TooManyRequestsError)."""
    now = now or datetime.now(UTC)
    account = users.get_account(caller.sub)
    if account is None or account.participant_pk is None:
        raise NotFoundError(COMPLETE_SIGNUP)
    next_allowed = statistics.claim_refresh_request(account.participant_pk, now, REFRESH_EVERY)
    start_refresh(account.participant_pk)  # usernames are case-insensitive: the key names the participant
    return RefreshQueued(queued_at=now, next_allowed_at=next_allowed)
