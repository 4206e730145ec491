"""Streaks: runs of consecutive active dates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Streak:
    start: date
    end: date

    @property
    def length(self) -> int:
        return (self.end - self.start).days + 1


def runs(dates: Iterable[date]) -> list[Streak]:
    """Every run of consecutive dates, oldest first."""
    found: list[Streak] = []
    for day in sorted(set(dates)):
        if found and day - found[-1].end == timedelta(days=1):
            found[-1] = Streak(found[-1].start, day)
        else:
            found.append(Streak(day, day))
    return found


def longest(dates: Iterable[date]) -> Streak | None:
    """The longest run ever (the earliest of equals)."""
    return max(runs(dates), key=lambda streak: streak.length, default=None)


def current(dates: Iterable[date], today: date) -> Streak | None:
    """The run that ends today or yesterday: a day not over yet breaks nothing."""
    latest = runs(day for day in dates if day <= today)
    if latest and latest[-1].end >= today - timedelta(days=1):
        return latest[-1]
    return None
