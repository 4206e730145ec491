"""`hdoc serve`: the whole backend on this machine, on an embedded AWS, with the website."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path
from typing import Any


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


def _banner(url: str, runtime: Any, github_url: str | None, website: Any) -> None:
    if website is not None:
        print(f"The website: {website.url}  (the API under /api, sign-in at {url})")
    print(f"hdoc is serving the {runtime.stage} stack's API at {url}  (embedded AWS: {runtime.aws_endpoint})")
    print(f"  {len(runtime.routes)} routes, {len(runtime.tables)} tables, from {runtime.template}")
    print(f"  journeys are read from {github_url or 'https://api.github.com'}")
    for expression in runtime.start_schedules():
        print(f"  the statistics parser runs on its schedule, {expression}")
    print("Try:")
    print(f"  curl '{url}/leaderboard?limit=5'")
    print(f"  curl '{url}/users/USERNAME/journey'   (a username from the leaderboard)")
    print(f"  hdoc refresh --all --server {url}")
    print(f"  curl '{url}/users/recent?limit=3'")
    print(f"  curl '{url}/users?limit=2'")
    print(f"  curl '{url}/tags?limit=5'")
    print(f"  curl '{url}/feeds/articles.atom'")
    print(f"  curl '{url}/openapi.json'")
    print(f"  TOKEN=$(hdoc token --email you@example.com --server {url})")
    print(f'  curl {url}/me -H "Authorization: Bearer $TOKEN"')
    print("Ctrl-C stops it.", flush=True)


def _stop(*servers: Any) -> None:
    for server in servers:
        if server is not None:
            server.stop()


def _serve(args: argparse.Namespace) -> int:
    import os

    from hdoc.local.demo import demo_github, github_oauth_app, seed_demo
    from hdoc.local.gateway import LocalServer
    from hdoc.local.runtime import LocalRuntime
    from hdoc.local.site import LocalWebsite

    # "Ctrl-C stops it", however it was started: a shell without job control starts a background
    # command with SIGINT ignored, and Python then leaves it ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    _log_requests()
    website = None
    if not args.no_site:
        try:
            website = LocalWebsite(args.host, args.site_port)
        except (OSError, FileNotFoundError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            print(f"hdoc serve: cannot serve the website on port {args.site_port}: {reason}", file=sys.stderr)
            return 1
    parameters = dict(website.parameters) if website is not None else {}
    token = os.environ.get("GITHUB_TOKEN") or "local-github-token"
    fake_github = demo_github(token) if args.github_url is None and args.seed == "demo" else None
    github_url = fake_github.url if fake_github is not None else args.github_url
    secret_values: dict[str, str] = {}
    if fake_github is not None:  # journeys and GitHub sign-in both from the fake
        oauth_parameters, secret_values = github_oauth_app(fake_github)
        parameters |= oauth_parameters
    elif github_url:
        parameters["GitHubApiUrl"] = github_url
    runtime = LocalRuntime(
        args.template,
        stage=args.stage,
        dynamodb_endpoint=args.aws_endpoint,
        parameters=parameters,
        github_token=token,
        secret_values=secret_values,
    )
    try:
        runtime.start()
        server = LocalServer(runtime, args.host, args.port)
    except OSError as error:
        _stop(runtime, fake_github, website)
        print(f"hdoc serve: cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        return 1
    if args.seed == "demo":
        print(seed_demo(runtime))
    if website is not None:
        website.start(runtime, server.gateway, server.url)
    _banner(server.url, runtime, github_url, website)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        import faulthandler

        # Stopping takes seconds; if it ever takes much longer, say where every thread is.
        faulthandler.dump_traceback_later(20)
        _stop(website, runtime, fake_github)
        faulthandler.cancel_dump_traceback_later()
        print("\nhdoc stopped.")
    return 0


def add_commands(commands: Any) -> None:
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
    serve.add_argument(
        "--site-port",
        type=int,
        default=5173,
        help="port the website is served on (default 5173; 0: any free)",
    )
    serve.add_argument("--no-site", action="store_true", help="serve the API alone, not the website")
    serve.set_defaults(run=_serve)

    serve.add_argument(
        "--github-url",
        metavar="URL",
        default=None,
        help="the GitHub API journeys are read from (default: the demo's fake GitHub with --seed demo, "
        "else https://api.github.com; the token comes from $GITHUB_TOKEN)",
    )
