"""IAM's evaluation as the local runtime enforces it: allow, deny, boundary, resource policy, conditions."""

from __future__ import annotations

import pytest

from hdoc.local.policies import Request, UnenforceablePolicyError, check_document, decide

ROLE = "arn:aws:iam::123456789012:role/hdoc-backend-dev-Api-X-ParticipantsFunctionRole-Y"
USERS = "arn:aws:dynamodb:us-east-1:123456789012:table/hdoc-backend-dev-Data-A-UsersTable-B"


def allow(action, resource, **extra):
    return {"Statement": [{"Effect": "Allow", "Action": action, "Resource": resource, **extra}]}


def request(action="dynamodb:Query", resource=USERS, **context):
    return Request(action, resource, ROLE, {"aws:PrincipalArn": ROLE, **context})


def test_an_action_on_a_named_resource_is_allowed_and_nothing_else_is():
    policies = [allow(["dynamodb:GetItem", "dynamodb:Query"], [USERS, f"{USERS}/index/*"])]
    assert decide(policies, request()).allowed
    assert decide(policies, request(resource=f"{USERS}/index/Leaderboard")).allowed
    assert not decide(policies, request("dynamodb:PutItem")).allowed
    other_stage = USERS.replace("-dev-", "-staging-")
    refused = decide(policies, request(resource=other_stage))
    assert not refused.allowed
    assert refused.reason == "no identity-based policy allows the action"


def test_actions_ignore_case_and_wildcards_match():
    assert decide([allow("DynamoDB:get*", "*")], request("dynamodb:GetItem")).allowed
    assert not decide([allow("dynamodb:Get?", "*")], request("dynamodb:GetItem")).allowed


def test_an_explicit_deny_wins_over_any_allow():
    policies = [
        allow("dynamodb:*", "*"),
        {"Statement": [{"Effect": "Deny", "Action": "dynamodb:Query", "Resource": USERS}]},
    ]
    decision = decide(policies, request())
    assert not decision.allowed
    assert decision.reason == "an explicit deny in an identity-based policy"


def test_the_boundary_cuts_what_the_role_grants():
    boundary = allow("dynamodb:Query", "arn:aws:dynamodb:*:*:table/hdoc-backend-dev-*")
    everything = [allow("*", "*")]
    assert decide(everything, request(), boundary=boundary).allowed
    cut = decide(everything, request("dynamodb:DeleteTable"), boundary=boundary)
    assert (cut.allowed, cut.reason) == (False, "the permissions boundary does not allow the action")


def test_a_secrets_policy_denies_every_principal_but_the_named_ones():
    secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:hdoc-backend-dev-key-AbCdEf"
    resource_policy = {
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "*",
                "Condition": {"ArnNotEquals": {"aws:PrincipalArn": ["arn:aws:iam::123456789012:role/Other"]}},
            }
        ]
    }
    grants = [allow("secretsmanager:GetSecretValue", secret)]
    decision = decide(
        grants, request("secretsmanager:GetSecretValue", secret), resource_policy=resource_policy
    )
    assert (decision.allowed, decision.reason) == (False, "an explicit deny in the resource's policy")
    named = Request(
        "secretsmanager:GetSecretValue",
        secret,
        "arn:aws:iam::123456789012:role/Other",
        {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/Other"},
    )
    assert decide(grants, named, resource_policy=resource_policy).allowed


def test_conditions_on_tags_and_absent_keys_behave_as_in_iam():
    tagged = allow(
        "cognito-idp:AdminDeleteUser", "*", Condition={"StringEquals": {"aws:ResourceTag/hdoc:stage": "dev"}}
    )
    assert decide(
        [tagged], request("cognito-idp:AdminDeleteUser", **{"aws:ResourceTag/hdoc:stage": "dev"})
    ).allowed
    assert not decide(
        [tagged], request("cognito-idp:AdminDeleteUser", **{"aws:ResourceTag/hdoc:stage": "prod"})
    ).allowed
    assert not decide([tagged], request("cognito-idp:AdminDeleteUser")).allowed  # no tag: no match
    negated = allow("dynamodb:Query", "*", Condition={"StringNotEquals": {"aws:ResourceTag/x": "y"}})
    assert decide([negated], request()).allowed  # a negated operator matches an absent key
    if_exists = allow("dynamodb:Query", "*", Condition={"StringEqualsIfExists": {"aws:ResourceTag/x": "y"}})
    assert decide([if_exists], request()).allowed


def test_a_condition_the_evaluation_cannot_decide_is_refused_not_ignored():
    numeric = allow("dynamodb:Query", "*", Condition={"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})
    with pytest.raises(UnenforceablePolicyError, match="NumericLessThan"):
        check_document(numeric, "SomeRole")
