"""A journey snapshot in, what hdoc counts and why out: entries, streaks, score and its breakdown."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, tzinfo
from pathlib import PurePosixPath

from hdoc.journeys import scoring, streaks, text
from hdoc.journeys.checklist import read_checklist
from hdoc.journeys.history import first_written, instant
from hdoc.journeys.places import day_of, unread_day_of
from hdoc.journeys.snapshot import Snapshot
from hdoc.models.journey import (
    ChecklistReport,
    DayEntry,
    JourneyReport,
    ParticipantScore,
    ScoreRule,
    StreakReport,
    Streaks,
)

NO_OWN_TEXT = (
    "no text of the participant's own and no social proof post (template, headings, images or links only)"
)
COPIED = "written before the repository was created (copied history)"
TABLE_ROW = (
    "only a row of the README's table, linking to {host}: a day counts when its entry is written in "
    "the repository (Journey/NNN/Readme.md), not linked from the README"
)
NOT_READ = (
    "only {kinds} ({names}): hdoc reads a day's written text, not PDFs or images; "
    "add a Markdown file with a line about the day beside them"
)
_IMAGES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".heic", ".tif", ".tiff"})


def entry_date(moment: datetime, timezone: tzinfo) -> date:
    """The date an entry counts on: in its own recorded offset; if the source lost it (a naive UTC
    time), in the participant's time zone."""
    if moment.tzinfo is not None:
        return moment.date()
    return moment.replace(tzinfo=UTC).astimezone(timezone).date()


def _streak(streak: streaks.Streak | None) -> StreakReport | None:
    return None if streak is None else StreakReport(start=streak.start, end=streak.end, length=streak.length)


class _Parsed:
    """Each distinct text parsed once per report: history and entries read the same files."""

    def __init__(self) -> None:
        self._own: dict[str, tuple[str, ...]] = {}
        self._social: dict[str, tuple[str, ...]] = {}

    def own(self, markdown: str) -> tuple[str, ...]:
        if markdown not in self._own:
            self._own[markdown] = text.own_lines(markdown)
        return self._own[markdown]

    def social(self, markdown: str) -> tuple[str, ...]:
        if markdown not in self._social:
            self._social[markdown] = text.social_posts(markdown)
        return self._social[markdown]

    def units(self, markdown: str) -> frozenset[str]:
        return frozenset(self.own(markdown)) | frozenset(self.social(markdown))


def _shown(snapshot: Snapshot, path: str) -> list[str]:
    """Where the source shows a file, if it knows (GitHub's page of it)."""
    return [f"{snapshot.web_url}/blob/{snapshot.default_branch}/{path}"] if snapshot.web_url else []


def _entry(
    day: int, paths: list[str], snapshot: Snapshot, *, first: datetime | None, tz: tzinfo, parsed: _Parsed
) -> DayEntry:
    own = [line for path in paths for line in parsed.own(snapshot.files[path])]
    social = list(dict.fromkeys(url for path in paths for url in parsed.social(snapshot.files[path])))
    reason = None
    if not own and not social:
        reason = NO_OWN_TEXT
    elif first is None:
        reason = "not in the default branch's history"
    elif snapshot.created_at is not None and instant(first) < instant(snapshot.created_at):
        reason = COPIED
    urls = [url for path in paths for url in _shown(snapshot, path)]
    return DayEntry(
        day=day,
        paths=paths,
        title=next((found for path in paths if (found := text.title(snapshot.files[path]))), None),
        first_written_at=first,
        date=entry_date(first, tz) if first is not None and reason is None else None,
        words=text.word_count(own),
        social_links=social,
        counts=reason is None,
        reason=reason,
        urls=urls,
    )


def _kinds(paths: list[str]) -> str:
    """What files are, in words: "a PDF", "images", "a PDF and images", "files hdoc does not read"."""
    suffixes = [PurePosixPath(path).suffix.lower() for path in paths]
    pdfs = suffixes.count(".pdf")
    kinds = ["a PDF" if pdfs == 1 else "PDFs"] if pdfs else []
    if any(suffix in _IMAGES for suffix in suffixes):
        kinds.append("images")
    if any(suffix != ".pdf" and suffix not in _IMAGES for suffix in suffixes):
        kinds.append("files hdoc does not read")
    return " and ".join(kinds)


def _names(paths: list[str], shown: int = 3) -> str:
    names = [PurePosixPath(path).name for path in paths]
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def _unread_entries(snapshot: Snapshot, entered: set[int], table: dict[int, str]) -> list[DayEntry]:
    """The days with no entry to read, and why: only a PDF or images, or only a row of the README's
    table (docs/journey-rules.md, 1)."""
    unread: dict[int, list[str]] = defaultdict(list)
    for path in snapshot.unread:
        day = unread_day_of(path)
        if day is not None and day not in entered:
            unread[day].append(path)
    entries = [
        DayEntry(
            day=day,
            paths=paths,
            counts=False,
            reason=NOT_READ.format(kinds=_kinds(paths), names=_names(paths)),
            urls=[url for path in paths for url in _shown(snapshot, path)],
        )
        for day, paths in unread.items()
    ]
    for day, link in table.items():
        if day not in entered and day not in unread:
            host = link.split("//", 1)[-1].split("/", 1)[0].removeprefix("www.")
            entries.append(
                DayEntry(
                    day=day,
                    paths=[snapshot.readme_path],
                    counts=False,
                    reason=TABLE_ROW.format(host=host),
                    urls=_shown(snapshot, snapshot.readme_path),
                )
            )
    return entries


def read_journey(
    snapshot: Snapshot, *, today: date, timezone: tzinfo, zone_name: str = "UTC"
) -> JourneyReport:
    """Everything hdoc counts in a journey, and why."""
    places: dict[int, list[str]] = defaultdict(list)
    for path in sorted(snapshot.files):
        day = day_of(path)
        if day is not None:
            places[day].append(path)
    parsed = _Parsed()
    firsts = first_written(snapshot, parsed.units)
    entries = [
        _entry(
            day, paths, snapshot, first=firsts[day].at if day in firsts else None, tz=timezone, parsed=parsed
        )
        for day, paths in sorted(places.items())
    ]
    checklist = read_checklist(snapshot.readme)
    entries = sorted(
        [*entries, *_unread_entries(snapshot, set(places), checklist.table)], key=lambda entry: entry.day
    )
    titles = {entry.day: entry.title or checklist.titles.get(entry.day) for entry in entries}
    entries = [entry.model_copy(update={"title": titles[entry.day]}) for entry in entries]
    counted_days = {entry.day for entry in entries if entry.counts and entry.date is not None}
    return summarize(
        entries,
        ChecklistReport(
            ticked_but_not_counted=sorted(checklist.ticked - counted_days),
            counted_but_not_ticked=sorted(counted_days - checklist.ticked),
            titled_only=sorted(set(checklist.titles) - counted_days),
        ),
        today=today,
        zone_name=zone_name,
    )


def rescore(report: JourneyReport, today: date) -> JourneyReport:
    """The same journey counted as of another day: current streaks end or go on, nothing is re-read."""
    return summarize(report.entries, report.checklist, today=today, zone_name=report.timezone)


def summarize(
    entries: list[DayEntry], checklist: ChecklistReport, *, today: date, zone_name: str
) -> JourneyReport:
    """Streaks, score and breakdown of day entries, as of `today`."""
    counted = [entry for entry in entries if entry.counts and entry.date is not None]
    active = {entry.date for entry in counted if entry.date}
    social_active = {entry.date for entry in counted if entry.date and entry.social_links}
    longest, social_longest = streaks.longest(active), streaks.longest(social_active)
    rules = scoring.breakdown(
        len(counted),
        longest.length if longest else 0,
        sum(1 for entry in counted if entry.social_links),
        social_longest.length if social_longest else 0,
    )
    score = scoring.score(*(rule.count for rule in rules))
    current, social_current = streaks.current(active, today), streaks.current(social_active, today)
    return JourneyReport(
        entries=entries,
        streaks=Streaks(
            current=_streak(current),
            longest=_streak(longest),
            social_current=_streak(social_current),
            social_longest=_streak(social_longest),
        ),
        breakdown=[
            ScoreRule(rule=rule.rule, count=rule.count, points_each=rule.points_each, points=rule.points)
            for rule in rules
        ],
        totals=ParticipantScore(
            days_completed=len(counted),
            score=score.total,
            longest_streak=longest.length if longest else 0,
            github_score=score.github,
            github_streak=current.length if current else 0,
            twitter_score=score.twitter,
            twitter_streak=social_current.length if social_current else 0,
        ),
        checklist=checklist,
        today=today,
        timezone=zone_name,
    )
