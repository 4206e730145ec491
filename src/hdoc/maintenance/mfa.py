"""MFA session credentials: STS GetSessionToken with a long-lived profile and a one-time code, saved
as another profile that the AWS CLI, SAM and hdoc's commands can use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, ProfileNotFound

from hdoc.maintenance.credentials_file import read, write_profile

SERIAL = re.compile(r"^(arn:aws[a-z-]*:iam::\d{12}:mfa/[\w+=,.@/-]{1,256}|GAHT[0-9A-Z]{8,})$")
CODE = re.compile(r"^\d{6}$")
MIN_DURATION, MAX_DURATION = 900, 129_600


class MfaError(Exception):
    """The session could not be made; the message says what to fix."""


@dataclass(frozen=True)
class Session:
    profile: str
    expires_at: datetime


def session_credentials(
    *,
    source_profile: str,
    serial: str,
    code: str,
    target_profile: str,
    duration_seconds: int,
    credentials_file: Path,
) -> Session:
    """Get MFA session credentials with `source_profile` and save them as `target_profile`."""
    if not CODE.match(code):
        raise MfaError("the MFA code must be the 6 digits your device shows")
    if not SERIAL.match(serial):
        raise MfaError(
            f"{serial!r} is not an MFA device serial: "
            "use its ARN, arn:aws:iam::<account id>:mfa/<device name>"
        )
    if not MIN_DURATION <= duration_seconds <= MAX_DURATION:
        raise MfaError(f"--duration must be from {MIN_DURATION} to {MAX_DURATION} seconds")
    if source_profile == target_profile:
        raise MfaError("the target profile must differ from the source profile, which it would overwrite")
    read(credentials_file)  # an unreadable file is said before any call to AWS
    try:
        sts = boto3.Session(profile_name=source_profile).client("sts")
        answer = sts.get_session_token(DurationSeconds=duration_seconds, SerialNumber=serial, TokenCode=code)
    except ProfileNotFound as error:
        raise MfaError(f"no profile named {source_profile!r} in your AWS configuration") from error
    except NoCredentialsError as error:
        raise MfaError(f"the profile {source_profile!r} has no credentials") from error
    except ClientError as error:
        raise MfaError(_explain(error, source_profile)) from error
    except BotoCoreError as error:
        raise MfaError(f"cannot reach AWS STS: {error}") from error
    credentials = answer["Credentials"]
    write_profile(
        credentials_file,
        target_profile,
        {
            "aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"],
        },
    )
    return Session(profile=target_profile, expires_at=credentials["Expiration"])


def _explain(error: ClientError, source_profile: str) -> str:
    code = error.response.get("Error", {}).get("Code", "")
    message = error.response.get("Error", {}).get("Message", "")
    if code in ("ExpiredToken", "ExpiredTokenException", "RequestExpired"):
        return f"the credentials of {source_profile!r} have expired: renew them, then try again"
    if code in ("InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException"):
        return f"AWS does not recognise the credentials of {source_profile!r}: check its access key"
    if code == "AccessDenied":
        return f"AWS refused the MFA serial or code ({message}): check --serial and use a fresh code"
    return f"AWS STS said {code}: {message}"
