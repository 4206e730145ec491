"""CodeBuild's stored source credentials (the GitHub token CodeBuild clones with): list and delete.

The old README's fix for "CodeBuild cannot authenticate with GitHub" was deleting a stale one by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError


class CodeBuildCredentialsError(Exception):
    """The credentials could not be listed or deleted; the message says why."""


@dataclass(frozen=True)
class SourceCredential:
    arn: str
    server_type: str
    auth_type: str


def list_credentials(codebuild: Any) -> list[SourceCredential]:
    """Every source credential CodeBuild holds in this account and region."""
    try:
        found = codebuild.list_source_credentials()["sourceCredentialsInfos"]
    except ClientError as error:
        raise CodeBuildCredentialsError(_said(error)) from error
    return [
        SourceCredential(
            arn=item["arn"], server_type=item.get("serverType", ""), auth_type=item.get("authType", "")
        )
        for item in found
    ]


def delete_credential(codebuild: Any, arn: str) -> None:
    """Delete the source credential with this ARN."""
    if arn not in {credential.arn for credential in list_credentials(codebuild)}:
        raise CodeBuildCredentialsError(f"no source credential has the ARN {arn}; `list` shows them")
    try:
        codebuild.delete_source_credentials(arn=arn)
    except ClientError as error:
        raise CodeBuildCredentialsError(_said(error)) from error


def _said(error: ClientError) -> str:
    details = error.response.get("Error", {})
    return f"CodeBuild said {details.get('Code', 'an error')}: {details.get('Message', '')}"
