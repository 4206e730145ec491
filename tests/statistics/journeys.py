"""Journey repositories for the fake GitHub, with fixed dates, for the statistics tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from hdoc.local.fake_repository import FakeRepository

START = datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=2)))
TODAY = date(2026, 3, 10)


def entry(day: int, *, social: str | None = None) -> str:
    text = f"# Day {day}\n\nToday I built part {day} of my serverless app and learned why it works.\n"
    if social:
        text += f"\n[Tweet]({social})\n"
    return text


def journey(
    full_name: str, days: int, *, start: datetime = START, gap_after: int | None = None
) -> FakeRepository:
    """A repository with `days` consecutive daily entries from `start` (a day off after `gap_after`)."""
    repository = FakeRepository(full_name, created_at=datetime(2026, 2, 1, tzinfo=UTC))
    repository.commit(start - timedelta(days=1), {"README.md": "# 100 Days Of Cloud\n"})
    when = start
    for day in range(1, days + 1):
        repository.commit(when, {f"Journey/{day:03d}/Readme.md": entry(day)})
        when += timedelta(days=2 if gap_after == day else 1)
    return repository


def add_day(repository: FakeRepository, day: int) -> None:
    """Write the next day's entry, a day after the last commit."""
    last = repository.commits[-1].authored_at
    repository.commit(last + timedelta(days=1), {f"Journey/{day:03d}/Readme.md": entry(day)})
