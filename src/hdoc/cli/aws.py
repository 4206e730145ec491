"""`hdoc aws`: the maintainers' AWS chores (MFA session credentials, CodeBuild's GitHub credentials)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


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


def aws_options(parser: argparse.ArgumentParser) -> None:
    """--profile and --region, for the commands that call AWS."""
    parser.add_argument("--profile", default=None, help="AWS profile (default: the environment's)")
    parser.add_argument("--region", default=None, help="AWS region (default: the profile's)")


def _codebuild_client(args: argparse.Namespace) -> Any:
    from hdoc.maintenance.sessions import aws_session

    return aws_session(args.profile, args.region).client("codebuild")


def _codebuild_credentials(args: argparse.Namespace) -> int:
    from hdoc.maintenance.codebuild import CodeBuildCredentialsError, delete_credential, list_credentials
    from hdoc.maintenance.sessions import aws_errors

    command = f"hdoc aws codebuild-credentials {args.action}"
    reported: tuple[type[Exception], ...] = (CodeBuildCredentialsError, *aws_errors())
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
    except reported as error:
        print(f"{command}: {error}", file=sys.stderr)
        return 1
    print(f"deleted {args.arn}")
    return 0


def add_commands(commands: Any) -> None:
    """hdoc aws mfa, hdoc aws codebuild-credentials."""
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
    aws_options(credentials)
    actions = credentials.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="every source credential").set_defaults(run=_codebuild_credentials)
    delete = actions.add_parser("delete", help="delete one source credential")
    delete.add_argument("--arn", required=True, help="the credential's ARN, as `list` shows it")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(run=_codebuild_credentials)
