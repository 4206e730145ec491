"""Commands for a running `hdoc serve`: seed demo participants, sign a user in, run the parser."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from hdoc.cli.local_server import Refused, ask, positive, server_option


def _seed(args: argparse.Namespace) -> int:
    from hdoc.local.gateway import SEED_PATH

    asked = {"participants": args.participants, "seed": args.random_seed}
    try:
        answer = ask("seed", args.server, SEED_PATH, asked, timeout=600, refused_code=2)
    except Refused as refusal:
        return refusal.code
    print(f"hdoc seed: wrote {answer['written']} demo participants to {args.server}")
    return 0


def _token(args: argparse.Namespace) -> int:
    from hdoc.local.gateway import TOKEN_PATH

    asked = {"email": args.email, "admin": args.admin, **({"github": args.github} if args.github else {})}
    try:
        answer = ask("token", args.server, TOKEN_PATH, asked, timeout=10, refused_code=2)
    except Refused as refusal:
        return refusal.code
    print(answer["idToken"])
    return 0


def _refresh(args: argparse.Namespace) -> int:
    from hdoc.local.gateway import REFRESH_PATH
    from hdoc.models.usernames import USERNAME_RULE, is_valid_username

    if (args.username is None) == (not args.all):
        print("hdoc refresh: name one participant, or --all", file=sys.stderr)
        return 2
    if args.username is not None and not is_valid_username(args.username):
        print(f"hdoc refresh: {args.username!r} is not {USERNAME_RULE}", file=sys.stderr)
        return 2
    asked = {"usernames": None if args.all else [args.username]}
    try:
        ended = ask("refresh", args.server, REFRESH_PATH, asked, timeout=args.timeout, refused_code=1)
    except Refused as refusal:
        return refusal.code
    summary = ended.get("output") or {}
    print(f"statistics parser {ended['status'].lower()}: {json.dumps(summary.get('outcomes', {}))}")
    if summary.get("rateLimitedUntil"):
        print(f"GitHub's rate limit is spent until {summary['rateLimitedUntil']}; the rest waits for it.")
    if ended["status"] != "SUCCEEDED":
        print(f"hdoc refresh: {ended.get('error')}: {ended.get('cause')}", file=sys.stderr)
        return 1
    return 0


def add_commands(commands: Any) -> None:
    refresh = commands.add_parser(
        "refresh", help="run the statistics parser on a running `hdoc serve` and wait for it"
    )
    refresh.add_argument("username", nargs="?", default=None, help="the participant whose journey to read")
    refresh.add_argument("--all", action="store_true", help="read every participant's journey")
    server_option(refresh)
    refresh.add_argument("--timeout", type=positive, default=900, help="seconds to wait (default 900)")
    refresh.set_defaults(run=_refresh)

    seed = commands.add_parser("seed", help="add demo participants to a running `hdoc serve`")
    seed.add_argument("--participants", type=positive, required=True, metavar="N")
    seed.add_argument("--random-seed", type=int, default=None, metavar="S", help="same S, same participants")
    server_option(seed)
    seed.set_defaults(run=_seed)

    token = commands.add_parser(
        "token", help="sign a user in to a running `hdoc serve` (creating it if needed) and print an ID token"
    )
    token.add_argument("--email", required=True, help="the user's email address")
    token.add_argument("--admin", action="store_true", help="also put the user in the admins group")
    token.add_argument(
        "--github",
        metavar="LOGIN",
        default=None,
        help="also link the user's account to this GitHub login, as GitHub's OAuth flow would",
    )
    server_option(token)
    token.set_defaults(run=_token)
