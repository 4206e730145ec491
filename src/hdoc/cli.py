"""The `hdoc` command: run the backend locally, fill it with demo data, print the API document."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import date, datetime
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
        _stop(website, runtime, fake_github)
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


def _post(command: str, server: str, path: str, document: dict[str, Any], timeout: float) -> Any:
    """POST `document` to a local-only path of a running `hdoc serve`; None (and a message) if none
    answers."""
    import requests

    try:
        return requests.post(f"{server.rstrip('/')}{path}", json=document, timeout=timeout)
    except requests.RequestException:
        print(
            f"hdoc {command}: no local runtime answers at {server}; start one with `hdoc serve`.",
            file=sys.stderr,
        )
        return None


def _token(args: argparse.Namespace) -> int:
    from hdoc.local.gateway import TOKEN_PATH

    asked = {"email": args.email, "admin": args.admin, **({"github": args.github} if args.github else {})}
    answer = _post("token", args.server, TOKEN_PATH, asked, timeout=10)
    if answer is None:
        return 1
    if answer.status_code != 200:
        print(f"hdoc token: {answer.json().get('detail', answer.text)}", file=sys.stderr)
        return 2
    print(answer.json()["idToken"])
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
    answer = _post("refresh", args.server, REFRESH_PATH, asked, timeout=args.timeout)
    if answer is None:
        return 1
    if answer.status_code != 200:
        print(f"hdoc refresh: {answer.json().get('detail', answer.text)}", file=sys.stderr)
        return 1
    ended = answer.json()
    summary = ended.get("output") or {}
    print(f"statistics parser {ended['status'].lower()}: {json.dumps(summary.get('outcomes', {}))}")
    if summary.get("rateLimitedUntil"):
        print(f"GitHub's rate limit is spent until {summary['rateLimitedUntil']}; the rest waits for it.")
    if ended["status"] != "SUCCEEDED":
        print(f"hdoc refresh: {ended.get('error')}: {ended.get('cause')}", file=sys.stderr)
        return 1
    return 0


def _aws_mfa(args: argparse.Namespace) -> int:
    from hdoc.maintenance.credentials_file import CredentialsFileError, credentials_path
    from hdoc.maintenance.mfa import MfaError, session_credentials

    path = credentials_path()
    try:
        made = session_credentials(
            source_profile=args.source_profile,
            serial=args.serial,
            code=args.code,
            target_profile=args.target_profile,
            duration_seconds=args.duration,
            credentials_file=path,
        )
    except (MfaError, CredentialsFileError) as error:
        print(f"hdoc aws mfa: {error}", file=sys.stderr)
        return 1
    print(f"wrote profile [{made.profile}] to {path}; it expires at {made.expires_at.isoformat()}")
    print(f"use it with: export AWS_PROFILE={made.profile}")
    return 0


def _aws_options(parser: argparse.ArgumentParser) -> None:
    """--profile and --region, for the commands that call AWS."""
    parser.add_argument("--profile", default=None, help="AWS profile (default: the environment's)")
    parser.add_argument("--region", default=None, help="AWS region (default: the profile's)")


def _aws_session(args: argparse.Namespace) -> Any:
    import boto3

    return boto3.Session(profile_name=args.profile, region_name=args.region)


def _codebuild_client(args: argparse.Namespace) -> Any:
    return _aws_session(args).client("codebuild")


def _codebuild_credentials(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError

    from hdoc.maintenance.codebuild import CodeBuildCredentialsError, delete_credential, list_credentials

    command = f"hdoc aws codebuild-credentials {args.action}"
    try:
        codebuild = _codebuild_client(args)
        if args.action == "list":
            found = list_credentials(codebuild)
            for credential in found:
                print(f"{credential.arn}  {credential.server_type}  {credential.auth_type}")
            if not found:
                print("CodeBuild holds no source credentials in this account and region.")
            return 0
        if not args.yes:
            answer = input(f"Delete the CodeBuild source credential {args.arn}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing deleted.")
                return 1
        delete_credential(codebuild, args.arn)
    except (CodeBuildCredentialsError, BotoCoreError) as error:
        print(f"{command}: {error}", file=sys.stderr)
        return 1
    print(f"deleted {args.arn}")
    return 0


def _site_deploy(args: argparse.Namespace) -> int:
    import tempfile

    from botocore.exceptions import BotoCoreError

    from hdoc.maintenance.site import SiteError, assemble_site, deploy_site, site_target, stage_site_config
    from hdoc.site_files import RULES_DOCUMENT

    try:
        session = _aws_session(args)
        cloudformation = session.client("cloudformation")
        target = site_target(cloudformation, args.stage)
        config = stage_site_config(cloudformation, args.stage)
        rules = (Path(__file__).resolve().parents[2] / RULES_DOCUMENT).read_text(encoding="utf-8")
        with tempfile.TemporaryDirectory(prefix="hdoc-site-") as staging:
            site = assemble_site(args.folder, Path(staging), config, rules)
            deployed = deploy_site(session.client("s3"), session.client("cloudfront"), target, site)
    except (SiteError, BotoCoreError) as error:
        print(f"hdoc site deploy: {error}", file=sys.stderr)
        return 1
    print(
        f"{len(deployed.uploaded)} uploaded, {len(deployed.deleted)} deleted, {deployed.unchanged} unchanged "
        f"in s3://{target.bucket}"
    )
    if deployed.invalidation_id:
        print(f"invalidation {deployed.invalidation_id}: {' '.join(deployed.invalidated)}")
    else:
        print("nothing cached changed: no invalidation")
    return 0


def _run_sam(command: str, *steps: list[str]) -> int:
    """Run `sam` with each list of arguments in turn, stopping at the first that fails."""
    import os
    import shutil
    import subprocess

    sam = os.environ.get("HDOC_SAM") or shutil.which("sam") or str(Path(".venv-sam/bin/sam").resolve())
    if not Path(sam).exists() and shutil.which(sam) is None:
        print(f"hdoc {command}: the AWS SAM CLI is not installed (make tools installs it)", file=sys.stderr)
        return 1
    for step in steps:
        print(f"$ sam {' '.join(step)}", flush=True)
        if subprocess.run([sam, *step], check=False).returncode != 0:
            print(f"hdoc {command}: sam {step[0]} failed (its output is above)", file=sys.stderr)
            return 1
    return 0


def _deploy(args: argparse.Namespace) -> int:
    return _run_sam("deploy", ["build"], ["deploy", "--config-env", args.stage])


def _pipeline_deploy(args: argparse.Namespace) -> int:
    import re

    if not re.fullmatch(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+", args.repository):
        print("hdoc pipeline deploy: --repository must be owner/name, as on GitHub", file=sys.stderr)
        return 2
    overrides = [
        f"Stage={args.stage}",
        f"ConnectionArn={args.connection_arn}",
        f"FullRepositoryId={args.repository}",
        f"LogRetentionDays={args.log_retention_days}",
        f"NotificationTopicArn={args.notification_topic or ''}",
    ]
    return _run_sam(
        "pipeline deploy",
        [
            "deploy",
            "--template-file",
            "cicd/pipeline.yaml",
            "--config-file",
            "cicd/samconfig.toml",
            "--config-env",
            args.stage,
            "--parameter-overrides",
            *overrides,
        ],
    )


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


def _stage_deploy_parser(commands: Any, group: str, group_help: str, *, help: str, description: str) -> Any:
    """`hdoc GROUP deploy --stage S`: the parser of one of the deploy commands."""
    actions = commands.add_parser(group, help=group_help).add_subparsers(
        dest=f"{group}_action", required=True, metavar="ACTION"
    )
    deploy = actions.add_parser("deploy", help=help, description=description)
    deploy.add_argument("--stage", required=True, choices=["dev", "staging", "prod"])
    return deploy


def _add_maintenance_commands(commands: Any) -> None:
    """hdoc aws mfa, hdoc aws codebuild-credentials, hdoc deploy."""
    aws = commands.add_parser("aws", help="maintainers' AWS chores")
    chores = aws.add_subparsers(dest="chore", required=True, metavar="CHORE")
    mfa = chores.add_parser(
        "mfa",
        help="get MFA session credentials and save them as a profile",
        description="Calls STS GetSessionToken with the source profile's credentials and an MFA code, "
        "and writes the session into the AWS shared credentials file as the target profile, "
        "leaving every other profile and comment as it was.",
    )
    mfa.add_argument("--source-profile", required=True, metavar="P", help="profile with your long-lived keys")
    mfa.add_argument("--serial", required=True, metavar="ARN", help="your MFA device's ARN")
    mfa.add_argument("--code", required=True, help="the 6-digit code your MFA device shows")
    mfa.add_argument("--target-profile", default="mfa", help="profile to write (default mfa)")
    mfa.add_argument("--duration", type=int, default=43200, help="seconds the session lasts (default 43200)")
    mfa.set_defaults(run=_aws_mfa)
    credentials = chores.add_parser(
        "codebuild-credentials", help="list or delete CodeBuild's stored source (GitHub) credentials"
    )
    _aws_options(credentials)
    actions = credentials.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="every source credential").set_defaults(run=_codebuild_credentials)
    delete = actions.add_parser("delete", help="delete one source credential")
    delete.add_argument("--arn", required=True, help="the credential's ARN, as `list` shows it")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(run=_codebuild_credentials)

    site_deploy = _stage_deploy_parser(
        commands,
        "site",
        "the website's files",
        help="upload a built site to its stage's bucket and invalidate what changed",
        description="Uploads the website (web/, or DIR) to the bucket of the stack hdoc-frontend-STAGE, "
        "with its config.json written from the hdoc-backend-STAGE and hdoc-frontend-STAGE outputs and "
        "the journey rules as rules.html; sets content types and cache-control (a year for hashed "
        "assets, no-cache for HTML, JavaScript and CSS), deletes the files that are gone, and "
        "invalidates only the changed paths in CloudFront.",
    )
    site_deploy.add_argument(
        "folder",
        type=Path,
        nargs="?",
        default=Path(__file__).resolve().parents[2] / "web",
        metavar="DIR",
        help="the site's files, with index.html (default: web/)",
    )
    _aws_options(site_deploy)
    site_deploy.set_defaults(run=_site_deploy)

    pipeline_deploy = _stage_deploy_parser(
        commands,
        "pipeline",
        "the stage's delivery pipeline",
        help="deploy cicd/pipeline.yaml as hdoc-backend-STAGE-pipeline",
        description="Deploys the stage's pipeline: the stage's branch from GitHub through the "
        "CodeConnections connection, then make test, sam build + package, and a change set of "
        "hdoc-backend-STAGE (approved by hand for prod).",
    )
    pipeline_deploy.add_argument(
        "--connection-arn", required=True, metavar="ARN", help="the CodeConnections connection to GitHub"
    )
    pipeline_deploy.add_argument(
        "--repository", required=True, metavar="OWNER/NAME", help="the backend's repository"
    )
    pipeline_deploy.add_argument(
        "--notification-topic", default=None, metavar="ARN", help="SNS topic for failures"
    )
    pipeline_deploy.add_argument(
        "--log-retention-days", type=int, default=30, help="build logs kept (default 30)"
    )
    pipeline_deploy.set_defaults(run=_pipeline_deploy)

    deploy = commands.add_parser("deploy", help="sam build, then sam deploy --config-env STAGE")
    deploy.add_argument("--stage", required=True, choices=["dev", "staging", "prod"])
    deploy.set_defaults(run=_deploy)


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

    refresh = commands.add_parser(
        "refresh", help="run the statistics parser on a running `hdoc serve` and wait for it"
    )
    refresh.add_argument("username", nargs="?", default=None, help="the participant whose journey to read")
    refresh.add_argument("--all", action="store_true", help="read every participant's journey")
    refresh.add_argument("--server", default="http://127.0.0.1:3000", help="the local runtime's URL")
    refresh.add_argument("--timeout", type=_positive, default=900, help="seconds to wait (default 900)")
    refresh.set_defaults(run=_refresh)

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
    token.add_argument(
        "--github",
        metavar="LOGIN",
        default=None,
        help="also link the user's account to this GitHub login, as GitHub's OAuth flow would",
    )
    token.add_argument("--server", default="http://127.0.0.1:3000", help="the local runtime's URL")
    token.set_defaults(run=_token)

    _add_maintenance_commands(commands)

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
