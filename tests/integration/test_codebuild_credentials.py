"""`hdoc aws codebuild-credentials`: list and delete CodeBuild's source credentials. moto does not
implement these CodeBuild operations, so botocore's Stubber plays CodeBuild, checking every request
and answer against the service's own model."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from hdoc.cli import main

ARN = "arn:aws:codebuild:us-east-1:123456789012:token/github"
LISTED = {
    "sourceCredentialsInfos": [{"arn": ARN, "serverType": "GITHUB", "authType": "PERSONAL_ACCESS_TOKEN"}]
}


@pytest.fixture
def codebuild(monkeypatch: pytest.MonkeyPatch) -> Stubber:
    client = boto3.client(
        "codebuild", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    stubber = Stubber(client)
    monkeypatch.setattr("hdoc.cli.aws._codebuild_client", lambda _args: client)
    with stubber:
        yield stubber
    stubber.assert_no_pending_responses()


def test_list_shows_each_credential(codebuild, capsys):
    codebuild.add_response("list_source_credentials", LISTED, {})
    assert main(["aws", "codebuild-credentials", "list"]) == 0
    assert f"{ARN}  GITHUB  PERSONAL_ACCESS_TOKEN" in capsys.readouterr().out


def test_list_says_when_there_are_none(codebuild, capsys):
    codebuild.add_response("list_source_credentials", {"sourceCredentialsInfos": []}, {})
    assert main(["aws", "codebuild-credentials", "list"]) == 0
    assert "no source credentials" in capsys.readouterr().out


def test_delete_with_yes_deletes_that_credential(codebuild, capsys):
    codebuild.add_response("list_source_credentials", LISTED, {})
    codebuild.add_response("delete_source_credentials", {"arn": ARN}, {"arn": ARN})
    assert main(["aws", "codebuild-credentials", "delete", "--arn", ARN, "--yes"]) == 0
    assert f"deleted {ARN}" in capsys.readouterr().out


def test_delete_asks_first_and_a_no_deletes_nothing(codebuild, capsys, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda _prompt: "n")
    assert main(["aws", "codebuild-credentials", "delete", "--arn", ARN]) == 1
    assert "Nothing deleted" in capsys.readouterr().out  # no CodeBuild call was made (none stubbed)


def test_delete_asks_first_and_a_yes_deletes(codebuild, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda _prompt: "y")
    codebuild.add_response("list_source_credentials", LISTED, {})
    codebuild.add_response("delete_source_credentials", {"arn": ARN}, {"arn": ARN})
    assert main(["aws", "codebuild-credentials", "delete", "--arn", ARN]) == 0


def test_deleting_an_unknown_arn_says_so(codebuild, capsys):
    codebuild.add_response("list_source_credentials", LISTED, {})
    other = "arn:aws:codebuild:us-east-1:123456789012:token/bitbucket"
    assert main(["aws", "codebuild-credentials", "delete", "--arn", other, "--yes"]) == 1
    assert "no source credential has the ARN" in capsys.readouterr().err


def test_a_refusal_from_codebuild_is_a_clear_message(codebuild, capsys):
    codebuild.add_client_error("list_source_credentials", "AccessDeniedException", "not allowed")
    assert main(["aws", "codebuild-credentials", "list"]) == 1
    assert "CodeBuild said AccessDeniedException: not allowed" in capsys.readouterr().err
