"""Every function runs locally under its own role from the templates, and the embedded AWS enforces it:
take one action a function needs out of its template, and the flow that needs it fails with
AccessDenied, naming the function and what it was refused, as the first deployment would."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from botocore.exceptions import ClientError

from hdoc import aws
from hdoc.dal.articles import ArticlesTable
from hdoc.dal.users import UsersTable
from hdoc.local.cfn import load_template
from hdoc.local.fake_github import FakeGitHub
from hdoc.local.gateway import LocalServer
from hdoc.local.runtime import LocalRuntime
from hdoc.settings import enter, leave
from tests.conftest import ROOT, make_participant
from tests.fixtures.journeys import recent_journey
from tests.integration.test_score_calculator import _serialize, statistics_image
from tests.integration.test_tag_counts import make

pytestmark = pytest.mark.xdist_group("permissions")


def _without(template: dict[str, Any], resource: str, action: str) -> None:
    """Take `action` out of every statement of `resource`'s Policies (a statement left with no
    action goes); `action` may also name a policy template, e.g. LambdaInvokePolicy:ListPageFunction."""
    policies = template["Resources"][resource]["Properties"]["Policies"]
    kept = []
    for policy in policies:
        if isinstance(policy, dict) and "Statement" in policy:
            for statement in policy["Statement"]:
                listed = (
                    statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                )
                statement["Action"] = [name for name in listed if name != action]
            policy["Statement"] = [statement for statement in policy["Statement"] if statement["Action"]]
            if policy["Statement"]:
                kept.append(policy)
        elif isinstance(policy, dict) and ":" in action:
            name, _, function = action.partition(":")
            if not (name in policy and policy[name].get("FunctionName") == {"Ref": function}):
                kept.append(policy)
        else:
            kept.append(policy)
    removed = json.dumps(policies) != json.dumps(kept) or action not in json.dumps(kept)
    assert removed, f"{resource} has no {action} to take away"
    template["Resources"][resource]["Properties"]["Policies"] = kept


@contextmanager
def runtime_without(
    tmp_path: Path, stack: str, resource: str, action: str, **options: Any
) -> Iterator[LocalRuntime]:
    """The backend from a copy of the templates in which `resource` lacks `action`."""
    for part in ("template.yaml", "stacks", "statemachines"):
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / part)
    path = tmp_path / "stacks" / stack
    template = load_template(path)
    _without(template, resource, action)
    path.write_text(yaml.safe_dump(template, sort_keys=False), encoding="utf-8")
    with LocalRuntime(tmp_path / "template.yaml", poll_streams=False, **options) as runtime:
        yield runtime


def refusals(runtime: LocalRuntime, logical_id: str) -> list[str]:
    [function] = [function for function in runtime.functions if function.logical_id == logical_id]
    return [denial.action for denial in function.refused]


def served(
    runtime: LocalRuntime, method: str, path: str, token: str | None = None, **kwargs: Any
) -> requests.Response:
    server = LocalServer(runtime, "127.0.0.1", 0).start()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        return requests.request(method, f"{server.url}{path}", headers=headers, timeout=30, **kwargs)
    finally:
        server.stop()


def assert_refused(answer: requests.Response, function: str, action: str) -> None:
    assert answer.status_code >= 500, answer.text
    problem = answer.json()
    assert problem["type"] == "urn:hdoc:problem:access-denied"
    assert f"{function} was refused {action} on arn:aws:" in problem["detail"]


# -- API functions: the local gateway's problem names the function and what it was refused ------------


@pytest.mark.parametrize(
    ("function", "action", "path"),
    [
        ("ParticipantsFunction", "dynamodb:Query", "/leaderboard"),
        # a page with a next one signs its cursor with the key in Secrets Manager
        ("ParticipantsFunction", "secretsmanager:GetSecretValue", "/users?limit=1"),
        ("ArticlesFunction", "dynamodb:Query", "/articles"),
    ],
)
def test_a_public_read_without_its_permission_is_refused_by_name(tmp_path, function, action, path):
    with runtime_without(tmp_path, "api.yaml", function, action) as runtime:
        participants = [(make_participant(name, score=5), datetime.now(UTC)) for name in ("Ava", "Ben")]
        UsersTable(runtime.table_name("UsersTable")).put_many(participants)
        assert_refused(served(runtime, "GET", path), function, action)


def test_the_accounts_function_without_reading_accounts_cannot_answer_me(tmp_path):
    with runtime_without(tmp_path, "api.yaml", "AccountsFunction", "dynamodb:GetItem") as runtime:
        assert runtime.cognito is not None
        token = runtime.cognito.id_token("reader@example.com")
        assert_refused(served(runtime, "GET", "/me", token), "AccountsFunction", "dynamodb:GetItem")


def test_writing_an_article_without_put_item_is_refused_by_name(tmp_path):
    with runtime_without(tmp_path, "api.yaml", "ArticleWritesFunction", "dynamodb:PutItem") as runtime:
        from hdoc.local.gateway import link_local_github

        assert runtime.cognito is not None
        token = runtime.cognito.id_token("writer@example.com")
        link_local_github(runtime, token, "Writer")
        claimed = served(
            runtime, "POST", "/signup", token, json={"githubUsername": "Writer", "name": "A Writer"}
        )
        assert claimed.status_code == 201, claimed.text
        article = {"title": "Day one", "body": "What I learned today.", "tags": ["aws"]}
        answer = served(runtime, "POST", "/users/Writer/articles", token, json=article)
        assert_refused(answer, "ArticleWritesFunction", "dynamodb:PutItem")


# -- Triggers and stream consumers: the function fails, and says what it was refused ------------------


def test_the_sign_up_trigger_without_put_item_fails_the_confirmation(tmp_path):
    with runtime_without(tmp_path, "auth.yaml", "PostConfirmationFunction", "dynamodb:PutItem") as runtime:
        assert runtime.cognito is not None
        runtime.cognito.id_token("newcomer@example.com")  # confirming runs the trigger, which fails
        assert refusals(runtime, "PostConfirmationFunction") == ["dynamodb:PutItem"]
        users = runtime.client("dynamodb").scan(TableName=runtime.table_name("UsersTable"))
        assert users["Count"] == 0  # no account record


@pytest.mark.parametrize(
    ("stack", "function", "action", "change"),
    [
        ("api.yaml", "TagCounterFunction", "dynamodb:PutItem", "article"),
        ("stats.yaml", "ScoreCalculatorFunction", "dynamodb:UpdateItem", "statistics"),
        ("api.yaml", "EdgeInvalidatorFunction", "cloudfront:CreateInvalidation", "participant gone"),
    ],
)
def test_a_stream_consumer_without_its_write_is_refused_by_name(tmp_path, stack, function, action, change):
    with runtime_without(tmp_path, stack, function, action) as runtime:
        if change == "article":
            ArticlesTable(runtime.table_name("ArticlesTable")).create(make(["aws"]))
        elif change == "participant gone":
            users = runtime.table_name("UsersTable")
            UsersTable(users).put_many([(make_participant("ana"), datetime.now(UTC))])
            runtime.client("dynamodb").delete_item(TableName=users, Key={"pk": {"S": "ana"}})
        else:
            UsersTable(runtime.table_name("UsersTable")).put_many(
                [(make_participant("ana"), datetime.now(UTC))]
            )
            image = {key: _serialize(value) for key, value in statistics_image("ana", 1, 120).items()}
            runtime.client("dynamodb").put_item(TableName=runtime.table_name("StatisticsTable"), Item=image)
        runtime.deliver_streams()
        assert action in refusals(runtime, function)


# -- The statistics parser: its functions and the state machine's own role ----------------------------


@pytest.mark.parametrize(
    ("function", "action"),
    [
        ("ListPageFunction", "dynamodb:Query"),
        ("RefreshBatchFunction", "secretsmanager:GetSecretValue"),
        ("StatisticsParser", "LambdaInvokePolicy:RefreshBatchFunction"),
    ],
)
def test_a_statistics_run_without_a_permission_fails_and_says_so(tmp_path, function, action):
    with FakeGitHub() as github:
        recent_journey(github, "Ava", 3)
        options = {"parameters": {"GitHubApiUrl": github.url}, "github_token": github.token}
        with runtime_without(tmp_path, "stats.yaml", function, action, **options) as runtime:
            UsersTable(runtime.table_name("UsersTable")).put_many(
                [(make_participant("Ava"), datetime.now(UTC))]
            )
            ended = runtime.run_state_machine(
                {"cursor": None, "usernames": None, "summary": {}, "resumes": 0}
            )
            refused = ended["status"] != "SUCCEEDED" or ended["output"]["outcomes"].get("changed", 0) == 0
            assert refused, ended
            assert runtime.enforcer is not None
            refused = {(denial.role, denial.action) for denial in runtime.enforcer.refused}
            if function == "StatisticsParser":  # the state machine's own role may not invoke the batch
                assert ("StatisticsParserRole", "lambda:InvokeFunction") in refused
            else:
                assert (f"{function}Role", action) in refused


# -- A role reaches its own stage's resources only -------------------------------------------------------


def _as(runtime: LocalRuntime, logical_id: str, call: Callable[[], Any]) -> Any:
    [function] = [function for function in runtime.functions if function.logical_id == logical_id]
    assert function.execution is not None
    token = enter(function.execution)
    try:
        return call()
    finally:
        leave(token)


@pytest.fixture(scope="module")
def two_stages() -> Iterator[tuple[LocalRuntime, dict[str, str]]]:
    """The dev stage running, and the names of a staging stage's tables and secrets beside it."""
    with LocalRuntime(poll_streams=False) as dev:
        staging = {}
        dynamodb = dev.client("dynamodb")
        for name in ("UsersTable", "StatisticsTable"):
            description = dynamodb.describe_table(TableName=dev.table_name(name))["Table"]
            other = dev.table_name(name).replace("hdoc-backend-dev-", "hdoc-backend-staging-")
            keys = {key["AttributeName"] for key in description["KeySchema"]}
            dynamodb.create_table(
                TableName=other,
                KeySchema=description["KeySchema"],
                AttributeDefinitions=[
                    a for a in description["AttributeDefinitions"] if a["AttributeName"] in keys
                ],
                BillingMode="PAY_PER_REQUEST",
            )
            staging[name] = other
        yield dev, staging


def test_a_function_cannot_read_another_stages_table(two_stages):
    dev, staging = two_stages
    key = {"pk": {"S": "ava"}}
    # Its own stage's table: allowed
    _as(
        dev,
        "ParticipantsFunction",
        lambda: aws.dynamodb().get_item(TableName=dev.table_name("UsersTable"), Key=key),
    )
    with pytest.raises(ClientError) as refused:
        _as(
            dev,
            "ParticipantsFunction",
            lambda: aws.dynamodb().get_item(TableName=staging["UsersTable"], Key=key),
        )
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
    assert staging["UsersTable"] in str(refused.value)


def test_a_function_cannot_read_a_secret_not_its_own(two_stages):
    dev, _ = two_stages
    github_token = dev.physical_id("GitHubTokenSecret")
    oauth_secret = dev.physical_id("GitHubOAuthSecret")
    # The refresh batch reads the GitHub token; the participants function may not, nor the OAuth secret
    assert _as(
        dev, "RefreshBatchFunction", lambda: aws.secretsmanager().get_secret_value(SecretId=github_token)
    )
    for secret in (github_token, oauth_secret):
        with pytest.raises(ClientError) as refused:
            _as(
                dev,
                "ParticipantsFunction",
                lambda secret=secret: aws.secretsmanager().get_secret_value(SecretId=secret),
            )
        assert refused.value.response["Error"]["Code"] == "AccessDeniedException"


def test_a_secrets_own_policy_refuses_a_role_its_identity_policy_would_allow(two_stages):
    dev, _ = two_stages
    cursor_key = dev.physical_id("CursorKeySecret")
    # The cursor key's resource policy denies every principal but the two listing functions
    [accounts] = [function for function in dev.functions if function.logical_id == "AccountsFunction"]
    role = dev.iam_roles().roles[accounts.role_arn]
    role.inline.append(
        {"Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}
    )
    try:
        with pytest.raises(ClientError) as refused:
            _as(dev, "AccountsFunction", lambda: aws.secretsmanager().get_secret_value(SecretId=cursor_key))
        assert "explicit deny in the resource's policy" in str(refused.value)
    finally:
        role.inline.pop()
    assert _as(dev, "ArticlesFunction", lambda: aws.secretsmanager().get_secret_value(SecretId=cursor_key))


def test_the_edge_invalidator_may_invalidate_its_stages_website_only(two_stages):
    dev, _ = two_stages
    batch = {"Paths": {"Quantity": 1, "Items": ["/api/users*"]}, "CallerReference": "a-test"}

    def invalidate(distribution: str) -> Any:
        return aws.cloudfront().create_invalidation(DistributionId=distribution, InvalidationBatch=batch)

    assert _as(dev, "EdgeInvalidatorFunction", lambda: invalidate(dev.distribution_id))["Invalidation"]["Id"]
    with pytest.raises(ClientError) as refused:
        _as(dev, "EdgeInvalidatorFunction", lambda: invalidate("E2ANOTHERSITE"))
    assert refused.value.response["Error"]["Code"] == "AccessDenied"  # CloudFront's own name for it
    assert "distribution/E2ANOTHERSITE" in str(refused.value)
    with pytest.raises(ClientError):  # nor may any other function touch the website's cache
        _as(dev, "ParticipantsFunction", lambda: invalidate(dev.distribution_id))
