"""`hdoc journey` (what hdoc counts in a clone, and why) and `hdoc openapi` (the API's document)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hdoc.journeys.snapshot import Snapshot


def _openapi(_: argparse.Namespace) -> int:
    from hdoc.handlers.api_docs import openapi_json

    print(openapi_json())
    return 0


def through_github(checkout: Path, created_at: datetime | None = None) -> Snapshot:
    """The journey in a clone as the statistics pipeline reads it: the clone served as it is by the
    fake GitHub on loopback, fetched and read by the pipeline's own GitHub source."""
    from hdoc.local.fake_github import FakeGitHub
    from hdoc.local.fake_repository import FakeRepository
    from hdoc.sources.git import NotAJourney, github_page, open_checkout
    from hdoc.sources.github import GitHubClient, JourneyUnavailableError

    with open_checkout(checkout) as repo:
        page = github_page(repo)
    full_name = page.removeprefix("https://github.com/") if page else f"local/{checkout.resolve().name}"
    repository = FakeRepository.load(checkout, full_name, created_at=created_at, html_url=page)
    with FakeGitHub() as github:
        github.add(repository)
        try:
            fetched = GitHubClient(lambda: github.token, github.url, attempts=1).fetch_journey(full_name)
        except JourneyUnavailableError as error:
            raise NotAJourney(f"read through the fake GitHub: {error.detail}") from error
    if fetched.snapshot is None:  # a first fetch always reads the journey
        raise NotAJourney("the fake GitHub gave no journey")
    return fetched.snapshot


def _journey(args: argparse.Namespace) -> int:
    import dataclasses
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from hdoc.journeys.presentation import as_text
    from hdoc.journeys.report import read_journey
    from hdoc.sources.git import NotAJourney, read_checkout

    try:
        zone = ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        print(f"hdoc journey: unknown time zone {args.timezone!r} (try Europe/Paris or UTC)", file=sys.stderr)
        return 2
    try:
        if args.through_github:
            snapshot = through_github(args.path, args.created_at)
        else:
            snapshot = dataclasses.replace(read_checkout(args.path), created_at=args.created_at)
    except NotAJourney as error:
        print(f"hdoc journey: {error}", file=sys.stderr)
        return 1
    if not snapshot.files:
        print(
            f"hdoc journey: no journey in {args.path}: no Journey/<number>/ folders and no day files "
            "(such as day-7.md) on its current branch",
            file=sys.stderr,
        )
        return 1
    today = args.today or datetime.now(zone).date()
    report = read_journey(snapshot, today=today, timezone=zone, zone_name=args.timezone)
    print(report.model_dump_json(by_alias=True, indent=2) if args.json else as_text(report))
    return 0


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            "must be a date or a time, e.g. 2026-03-01 or 2026-03-01T09:30:00Z"
        ) from error
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError("must be a date, YYYY-MM-DD") from error


def add_commands(commands: Any) -> None:
    openapi = commands.add_parser("openapi", help="print the API's OpenAPI document")
    openapi.set_defaults(run=_openapi)

    journey = commands.add_parser(
        "journey",
        help="show what hdoc counts in a journey repository (a local git clone), and why",
        description="Reads a local clone of a #100DaysOfCloud journey and shows every day found, "
        "whether it counts and why not, the README ticks that disagree with the files, the streaks "
        "and the score with its breakdown.",
    )
    journey.add_argument("path", type=Path, help="the clone's folder")
    journey.add_argument("--json", action="store_true", help="print the report as the API gives it")
    journey.add_argument(
        "--today", type=_day, default=None, help="count streaks as of this date (YYYY-MM-DD)"
    )
    journey.add_argument("--timezone", default="UTC", help="your time zone, e.g. Europe/Paris (default UTC)")
    journey.add_argument(
        "--created-at",
        type=_moment,
        default=None,
        help="when the repository was created on GitHub (its created_at): days written before it do not "
        "count, as on the website (copied history)",
    )
    journey.add_argument(
        "--through-github",
        action="store_true",
        help="read the clone as the statistics pipeline reads GitHub: served by a fake GitHub on "
        "loopback and fetched over git's HTTP protocol (for when the website and the clone disagree)",
    )
    journey.set_defaults(run=_journey)
