"""Refreshing journeys: read each participant's journey from GitHub into STATISTICS, safely.

A failed read never touches what was stored: it only records the journey's status. GitHub's rate
limit stops the whole batch, and is noted so that every other refresh stops too until it resets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hdoc.dal.statistics import RULES_VERSION, StatisticsTable, StoredJourney
from hdoc.journeys.report import read_journey, rescore
from hdoc.models.journey_source import Known
from hdoc.models.usernames import username_key
from hdoc.observability import logger
from hdoc.sources.github import GitHubClient, JourneyUnavailableError, RateLimitedError

# Seconds a refresh may take at worst (three requests, each retried with timeouts): a batch stops
# starting new ones when less than this is left before Lambda's timeout.
TIME_RESERVE = 60.0


@dataclass(frozen=True)
class JourneyTarget:
    """A participant whose journey to refresh, with the settings that shape it."""

    username: str
    repository: str  # owner/name
    timezone: str = "UTC"
    github_id: int | None = None  # a verified participant's GitHub account: the repository must be its

    @property
    def pk(self) -> str:
        return username_key(self.username)


@dataclass
class RefreshTally:
    """What a batch of refreshes did."""

    outcomes: Counter[str] = field(default_factory=Counter)
    rate_limited_until: datetime | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "outcomes": dict(self.outcomes),
            # RFC 3339 in UTC with a Z, what a Wait state's TimestampPath takes: a whole second at
            # least one second after the reset, so that no clock skew wakes the run before it.
            "rateLimitedUntil": _whole_second_after(self.rate_limited_until),
        }


def _whole_second_after(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    moment = moment.astimezone(UTC).replace(microsecond=0) + timedelta(seconds=2 if moment.microsecond else 1)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def execution_input(usernames: list[str] | None = None) -> dict[str, object]:
    """The statistics parser's input: every participant (the schedule's), or only `usernames`."""
    return {"cursor": None, "usernames": usernames, "summary": {}, "resumes": 0}


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _known_for(stored: StoredJourney | None, target: JourneyTarget) -> Known | None:
    """What lets the source skip unchanged parts, if it still describes this journey as we read it."""
    if stored is None or stored.report is None or stored.rules_version != RULES_VERSION:
        return None
    if stored.repository.lower() != target.repository.lower() or stored.timezone != target.timezone:
        return None
    return stored.known


# Times a refresh reads again after another refresh of the same journey wrote first.
RACE_RETRIES = 2


def refresh_journey(
    github: GitHubClient, statistics: StatisticsTable, target: JourneyTarget, now: datetime | None = None
) -> str:
    """Refresh one journey; the outcome: changed, re-dated, unchanged, superseded, or a failure status.

    Each write is conditional on the version read before fetching. When another refresh of the same
    journey wrote first (two pushes a second apart), this one reads the journey again, so the last
    write always comes from the later read: GitHub's head only moves forward. "superseded" is left
    for a write refused otherwise (the participant was deleted meanwhile), or a race lost every time.

    Raises RateLimitedError (nothing stored) when GitHub says to stop.
    """
    now = now or datetime.now(UTC)
    outcome, expected = _refresh_once(github, statistics, target, now)
    for _ in range(RACE_RETRIES):
        if outcome != "superseded":
            break
        current = statistics.get(target.pk)
        if (current.version if current else None) == expected:
            break  # nobody else wrote: the write was refused for another reason
        outcome, expected = _refresh_once(github, statistics, target, now)
    return outcome


def _refresh_once(
    github: GitHubClient, statistics: StatisticsTable, target: JourneyTarget, now: datetime
) -> tuple[str, int | None]:
    """One read and conditional write: its outcome, and the version it expected to replace."""
    zone = _zone(target.timezone)
    today = now.astimezone(zone).date()
    stored = statistics.get(target.pk)
    expected = stored.version if stored else None
    try:
        fetched = github.fetch_journey(
            target.repository, _known_for(stored, target), owner_id=target.github_id
        )
    except JourneyUnavailableError as error:
        logger.info("journey unavailable", extra={"username": target.username, "status": error.status})
        written = statistics.save_status(
            pk=target.pk,
            username=target.username,
            repository=target.repository,
            status=error.status,
            detail=error.detail,
            now=now,
            expected_version=expected,
        )
        return (error.status if written else "superseded"), expected
    if fetched.snapshot is None:
        # Nothing the rules read changed. A new day can still end a current streak: re-date the report.
        # A source skips only with what we stored.
        assert stored is not None
        assert stored.report is not None
        if stored.report.today == today and stored.status == "ok" and fetched.known == stored.known:
            return "unchanged", expected
        report = rescore(stored.report, today)
        outcome = "re-dated"
    else:
        report = read_journey(fetched.snapshot, today=today, timezone=zone, zone_name=str(zone.key))
        outcome = "changed"
    previous_score = stored.report.totals.score if stored and stored.report else None
    reached = stored.score_reached_at if stored and previous_score == report.totals.score else None
    written = statistics.save_report(
        pk=target.pk,
        username=target.username,
        repository=target.repository,
        timezone=target.timezone,
        report=report,
        known=fetched.known,
        score_reached_at=reached or now,
        now=now,
        expected_version=expected,
    )
    return (outcome if written else "superseded"), expected


def refresh_journeys(
    github: GitHubClient,
    statistics: StatisticsTable,
    targets: Iterable[JourneyTarget],
    now: datetime | None = None,
    time_left: Callable[[], float] = lambda: float("inf"),
) -> RefreshTally:
    """Refresh journeys one after another until done, GitHub's rate limit is spent, or less than
    TIME_RESERVE seconds are left (the rest are "deferred" to the next run).

    A journey that fails unexpectedly is counted as "failed" and logged; the others go on.
    """
    tally = RefreshTally()
    targets = list(targets)
    now = now or datetime.now(UTC)
    resets = statistics.rate_limited_until(now)
    if resets is not None:
        tally.outcomes["skipped"] += len(targets)
        tally.rate_limited_until = resets
        return tally
    for position, target in enumerate(targets):
        if time_left() < TIME_RESERVE:
            tally.outcomes["deferred"] += len(targets) - position
            break
        try:
            tally.outcomes[refresh_journey(github, statistics, target, now)] += 1
        except RateLimitedError as limited:
            statistics.note_rate_limit(limited.reset_at)
            tally.rate_limited_until = limited.reset_at
            tally.outcomes["skipped"] += len(targets) - position
            logger.warning("GitHub rate limit spent", extra={"resetAt": limited.reset_at.isoformat()})
            break
        except Exception:  # one journey's bug must not cost the others their refresh
            logger.exception("journey refresh failed", extra={"username": target.username})
            tally.outcomes["failed"] += 1
    return tally
