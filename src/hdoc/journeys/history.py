"""When each day was done: the first commit in which its entry had counted content.

Counted content is the entry's own lines and its social proof links. The history is every commit the
head descends from, branches and merges included, so a day written on a branch is dated by the commit
that wrote it, not by the merge that brought it in. A commit inherits each counted line's date from
its parents (the earliest, when several have it); a line that is new in a commit was first written
there, unless it left another entry in that same commit: moved text keeps the date it was written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
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


# For one commit: each entry's counted units, and when each was first written.
_Written = dict[str, Mapping[str, FirstWritten]]


def _earliest(candidates: list[FirstWritten]) -> FirstWritten:
    return min(candidates, key=lambda first: (instant(first.at), first.sha))


def _moved_out(parents: list[_Written], units: Mapping[str, frozenset[str]]) -> dict[str, FirstWritten]:
    """Units that a parent had in an entry which, in this commit, no longer holds them."""
    moved: dict[str, FirstWritten] = {}
    for parent in parents:
        for path, written in parent.items():
            kept = units.get(path, frozenset())
            if written.keys() == kept:
                continue
            for unit, first in written.items():
                if unit not in kept and (unit not in moved or _earliest([first, moved[unit]]) is first):
                    moved[unit] = first
    return moved


def _written_in(commit: Commit, parents: list[_Written], units: Mapping[str, frozenset[str]]) -> _Written:
    when = FirstWritten(commit.authored_at, commit.sha)
    moved: dict[str, FirstWritten] | None = None
    written: _Written = {}
    for path, path_units in units.items():
        inherited = [parent[path] for parent in parents if path in parent]
        if len(inherited) == 1 and inherited[0].keys() == path_units:
            written[path] = inherited[0]  # unchanged since its only parent: shared, not copied
            continue
        dates: dict[str, FirstWritten] = {}
        for unit in path_units:
            found = [earlier[unit] for earlier in inherited if unit in earlier]
            if not found:
                moved = _moved_out(parents, units) if moved is None else moved
                found = [moved[unit]] if unit in moved else []
            dates[unit] = _earliest(found) if found else when
        written[path] = dates
    return written


def first_written(
    snapshot: Snapshot, units_of: Callable[[str], frozenset[str]] = counted_units
) -> dict[int, FirstWritten]:
    """For every day whose entry counts at the head, when it first had counted content."""
    if not snapshot.commits:
        return {}
    parsed: dict[str, frozenset[str]] = {}

    def units_in(blob: str) -> frozenset[str]:
        if blob not in parsed:
            parsed[blob] = units_of(snapshot.texts[blob])
        return parsed[blob]

    children_left = Counter(parent for commit in snapshot.commits for parent in commit.parents)
    history: dict[str, _Written] = {}
    day_first: dict[int, FirstWritten] = {}
    for commit in snapshot.commits:
        units = {
            path: found
            for path, blob in commit.files.items()
            if day_of(path) is not None and (found := units_in(blob))
        }
        parents = [history[sha] for sha in commit.parents if sha in history]
        history[commit.sha] = _written_in(commit, parents, units)
        counted_before = {day_of(path) for parent in parents for path in parent}
        for day in {day_of(path) for path in units} - counted_before:
            if day is not None:  # a day first counts in a commit where none of its parents had it count
                day_first[day] = _earliest(
                    [
                        FirstWritten(commit.authored_at, commit.sha),
                        *([day_first[day]] if day in day_first else []),
                    ]
                )
        for sha in commit.parents:  # a parent whose children are all read is needed no more
            children_left[sha] -= 1
            if children_left[sha] == 0 and sha != snapshot.commits[-1].sha:
                history.pop(sha, None)
    result: dict[int, FirstWritten] = {}
    for path, written in history[snapshot.commits[-1].sha].items():  # the head comes last
        day = day_of(path)
        if day is None or not written:
            continue
        candidates = [*written.values(), *([result[day]] if day in result else []), day_first[day]]
        result[day] = _earliest(candidates)
    return result


def instant(moment: datetime) -> datetime:
    """Comparable whether or not the source kept offsets (a naive time is taken as UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
