"""`hdoc deploy`, `hdoc site deploy` and `hdoc pipeline deploy`: a stage's stacks and the website's files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from hdoc.cli.aws import aws_options

ROOT = Path(__file__).resolve().parents[3]


def _site_deploy(args: argparse.Namespace) -> int:
    import tempfile

    from hdoc.maintenance.sessions import aws_errors, aws_session
    from hdoc.maintenance.site import SiteError, assemble_site, deploy_site, site_target, stage_site_config
    from hdoc.site_files import RULES_DOCUMENT

    reported: tuple[type[Exception], ...] = (SiteError, *aws_errors())
    try:
        session = aws_session(args.profile, args.region)
        cloudformation = session.client("cloudformation")
        target = site_target(cloudformation, args.stage)
        config = stage_site_config(cloudformation, args.stage)
        rules = (ROOT / RULES_DOCUMENT).read_text(encoding="utf-8")
        with tempfile.TemporaryDirectory(prefix="hdoc-site-") as staging:
            site = assemble_site(args.folder, Path(staging), config, rules)
            deployed = deploy_site(session.client("s3"), session.client("cloudfront"), target, site)
    except reported as error:
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


def _stage_deploy_parser(commands: Any, group: str, group_help: str, *, help: str, description: str) -> Any:
    """`hdoc GROUP deploy --stage S`: the parser of one of the deploy commands."""
    actions = commands.add_parser(group, help=group_help).add_subparsers(
        dest=f"{group}_action", required=True, metavar="ACTION"
    )
    deploy = actions.add_parser("deploy", help=help, description=description)
    deploy.add_argument("--stage", required=True, choices=["dev", "staging", "prod"])
    return deploy


def add_commands(commands: Any) -> None:
    """hdoc site deploy, hdoc pipeline deploy, hdoc deploy."""
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
        default=ROOT / "web",
        metavar="DIR",
        help="the site's files, with index.html (default: web/)",
    )
    aws_options(site_deploy)
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
