"""`hdoc journey` (what hdoc counts in a clone, and why) and `hdoc openapi` (the API's document)."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any


def _openapi(_: argparse.Namespace) -> int:
    from hdoc.handlers.api_docs import openapi_json

    print(openapi_json())
    return 0


def _journey(args: argparse.Namespace) -> int:
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
        snapshot = read_checkout(args.path)
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
    journey.set_defaults(run=_journey)
