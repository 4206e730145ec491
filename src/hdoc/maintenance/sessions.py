"""The AWS session the maintainers' chores run with: a profile and a region, or the environment's."""

from __future__ import annotations

from typing import Any


def aws_session(profile: str | None, region: str | None) -> Any:
    import boto3

    return boto3.Session(profile_name=profile, region_name=region)


def aws_errors() -> tuple[type[Exception], ...]:
    """What a call to AWS may raise that a chore reports as a message (no credentials, no network)."""
    from botocore.exceptions import BotoCoreError

    return (BotoCoreError,)
