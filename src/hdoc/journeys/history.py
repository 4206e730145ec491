"""When each day was done: the first commit in which its entry had counted content.

Counted content is the entry's own lines and its social proof links. Text that moves to another
file or folder keeps the date it was first written: a line that leaves one entry and arrives in
another within the same commit carries its origin with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from hdoc.journeys import text
from hdoc.journeys.places import day_of
from hdoc.journeys.snapshot import Commit, Snapshot


def counted_units(markdown: str) -> frozenset[str]:
    """What makes an entry count: its own lines and its social proof links."""
    return frozenset(text.own_lines(markdown)) | frozenset(text.social_posts(markdown))


@dataclass(frozen=True)
class FirstWritten:
    at: datetime
    sha: str


def _replay(
    commit: Commit,
    state: dict[str, frozenset[str]],
    origin: dict[tuple[str, str], FirstWritten],
    units_of: Callable[[str], frozenset[str]],
) -> None:
    """Apply one commit to the counted units of each file, carrying moved units' origins."""
    when = FirstWritten(commit.authored_at, commit.sha)
    before = {path: state.get(path, frozenset()) for path in commit.changes}
    after = {
        path: units_of(markdown) if markdown is not None and day_of(path) is not None else frozenset()
        for path, markdown in commit.changes.items()
    }
    moved: dict[str, FirstWritten] = {}
    for path, units in before.items():
        for unit in units - after[path]:
            written = origin.pop((path, unit))
            if unit not in moved or instant(written.at) < instant(moved[unit].at):
                moved[unit] = written
    for path, units in after.items():
        for unit in units - before[path]:
            origin[(path, unit)] = moved.get(unit, when)
        if units:
            state[path] = units
        else:
            state.pop(path, None)


def first_written(
    snapshot: Snapshot, units_of: Callable[[str], frozenset[str]] = counted_units
) -> dict[int, FirstWritten]:
    """For every day whose entry counts at the head, when it first had counted content."""
    state: dict[str, frozenset[str]] = {}
    origin: dict[tuple[str, str], FirstWritten] = {}  # (path, unit) -> when the unit was written
    day_first: dict[int, FirstWritten] = {}
    for commit in snapshot.commits:
        _replay(commit, state, origin, units_of)
        for path in commit.changes:
            day = day_of(path)
            if path in state and day is not None:  # a day first counts when one of its files first does
                day_first.setdefault(day, FirstWritten(commit.authored_at, commit.sha))
    result: dict[int, FirstWritten] = {}
    for path, units in state.items():
        day = day_of(path)
        if day is None or not units:
            continue
        earliest = min((origin[(path, unit)] for unit in units), key=lambda first: instant(first.at))
        candidates = [earliest, result.get(day), day_first.get(day)]
        result[day] = min((c for c in candidates if c is not None), key=lambda first: instant(first.at))
    return result


def instant(moment: datetime) -> datetime:
    """Comparable whether or not the source kept offsets (a naive time is taken as UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
