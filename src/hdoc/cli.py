"""The `hdoc` command: run the backend locally, fill it with demo data, print the API document."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

DEMO_PARTICIPANTS = 120
DEMO_ARTICLES = 24


def _log_requests() -> None:
    # The request log has a handler of its own: Powertools filters records of loggers named like
    # its service ("hdoc") out of the root logger's handlers.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    requests_log = logging.getLogger("hdoc-local")
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%H:%M:%S"))
    requests_log.addHandler(handler)
    requests_log.setLevel(logging.INFO)
    requests_log.propagate = False
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def _serve(args: argparse.Namespace) -> int:
    from hdoc.local.gateway import LocalServer
    from hdoc.local.runtime import LocalRuntime
    from hdoc.local.seed import demo_participants

    _log_requests()
    runtime = LocalRuntime(args.template, stage=args.stage, dynamodb_endpoint=args.aws_endpoint)
    try:
        runtime.start()
        server = LocalServer(runtime, args.host, args.port)
    except OSError as error:
        runtime.stop()
        print(f"hdoc serve: cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        return 1
    if args.seed == "demo":
        from hdoc.dal.articles import ArticlesTable
        from hdoc.dal.users import UsersTable
        from hdoc.local.seed import demo_articles

        participants = [participant for participant, _ in demo_participants(DEMO_PARTICIPANTS, seed=100)]
        UsersTable(runtime.table_name("UsersTable")).put_many(demo_participants(DEMO_PARTICIPANTS, seed=100))
        articles = ArticlesTable(runtime.table_name("ArticlesTable"))
        for stored in demo_articles(participants[:30], DEMO_ARTICLES, seed=100):
            articles.create(stored)
        runtime.deliver_streams()  # the tag counter has counted them before the first request
    url = server.url
    print(f"hdoc is serving the {args.stage} stack's API at {url}  (embedded AWS: {runtime.aws_endpoint})")
    print(f"  {len(runtime.routes)} routes, {len(runtime.tables)} tables, from {runtime.template}")
    print("Try:")
    print(f"  curl '{url}/leaderboard?limit=5'")
    print(f"  curl '{url}/users/recent?limit=3'")
    print(f"  curl '{url}/users?limit=2'")
    print(f"  curl '{url}/tags?limit=5'")
    print(f"  curl '{url}/feeds/articles.atom'")
    print(f"  curl '{url}/openapi.json'")
    print(f"  TOKEN=$(hdoc token --email you@example.com --server {url})")
    print(f'  curl {url}/me -H "Authorization: Bearer $TOKEN"')
    print("Ctrl-C stops it.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        runtime.stop()
        print("\nhdoc stopped.")
    return 0


def _seed(args: argparse.Namespace) -> int:
    import boto3
    import requests

    from hdoc.dal.users import to_item
    from hdoc.local.gateway import RESOURCES_PATH
    from hdoc.local.seed import demo_participants

    try:
        resources = requests.get(f"{args.server.rstrip('/')}{RESOURCES_PATH}", timeout=5).json()
    except (requests.RequestException, ValueError):
        print(
            f"hdoc seed: no local runtime answers at {args.server}; start one with `hdoc serve`.",
            file=sys.stderr,
        )
        return 1
    tables = [name for path, name in resources["tables"].items() if path.endswith(".UsersTable")]
    if len(tables) != 1:
        print("hdoc seed: the local runtime has no USERS table.", file=sys.stderr)
        return 1
    table = boto3.resource(
        "dynamodb",
        endpoint_url=resources["dynamodbEndpoint"],
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    ).Table(tables[0])
    written = 0
    with table.batch_writer(overwrite_by_pkeys=["pk"]) as batch:
        for participant, reached_at in demo_participants(args.participants, seed=args.random_seed):
            batch.put_item(Item=to_item(participant, reached_at))
            written += 1
    print(f"hdoc seed: wrote {written} demo participants to {args.server}")
    return 0


def _token(args: argparse.Namespace) -> int:
    import requests

    from hdoc.local.gateway import TOKEN_PATH

    try:
        answer = requests.post(
            f"{args.server.rstrip('/')}{TOKEN_PATH}",
            json={"email": args.email, "admin": args.admin},
            timeout=10,
        )
    except requests.RequestException:
        print(
            f"hdoc token: no local runtime answers at {args.server}; start one with `hdoc serve`.",
            file=sys.stderr,
        )
        return 1
    if answer.status_code != 200:
        print(f"hdoc token: {answer.json().get('detail', answer.text)}", file=sys.stderr)
        return 2
    print(answer.json()["idToken"])
    return 0


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


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="hdoc", description="The #100DaysOfCloud backend's command line.")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the whole backend locally on an embedded AWS")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=3000, help="port to listen on (default 3000)")
    serve.add_argument(
        "--seed", choices=["demo", "none"], default="none", help="fill the store with demo data"
    )
    serve.add_argument("--stage", choices=["dev", "staging", "prod"], default="dev", help="template Stage")
    serve.add_argument("--template", type=Path, default=None, help="root template (default ./template.yaml)")
    serve.add_argument(
        "--aws-endpoint",
        metavar="URL",
        default=None,
        help="keep the tables at this DynamoDB-compatible endpoint instead of the embedded AWS",
    )
    serve.set_defaults(run=_serve)

    seed = commands.add_parser("seed", help="add demo participants to a running `hdoc serve`")
    seed.add_argument("--participants", type=_positive, required=True, metavar="N")
    seed.add_argument("--random-seed", type=int, default=None, metavar="S", help="same S, same participants")
    seed.add_argument("--server", default="http://127.0.0.1:3000", help="the local runtime's URL")
    seed.set_defaults(run=_seed)

    token = commands.add_parser(
        "token", help="sign a user in to a running `hdoc serve` (creating it if needed) and print an ID token"
    )
    token.add_argument("--email", required=True, help="the user's email address")
    token.add_argument("--admin", action="store_true", help="also put the user in the admins group")
    token.add_argument("--server", default="http://127.0.0.1:3000", help="the local runtime's URL")
    token.set_defaults(run=_token)

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
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
