"""Personal data stays where DELETE /me reaches it, or goes soon: no response in X-Ray, and every
function's logs kept a set number of days."""

from __future__ import annotations

import json

import pytest

from hdoc.local.cfn import Evaluator, TemplateError, load_template, parameter_values
from tests.conftest import ROOT
from tests.templates.conftest import resources

STACKS = [ROOT / "stacks" / name for name in ("api.yaml", "auth.yaml", "stats.yaml")]
# Secrets only CloudFormation resolves ({{resolve:secretsmanager}}): no function is given them, and a
# resource policy would have to name the deploy role, which the stack does not know.
UNREAD_BY_FUNCTIONS = {"OriginVerifySecret"}


def test_every_function_logs_to_a_log_group_kept_for_the_parameters_days():
    functions = 0
    for stack in STACKS:
        groups = resources(stack, "AWS::Logs::LogGroup")
        for name, function in resources(stack, "AWS::Serverless::Function").items():
            functions += 1
            group = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
            assert groups[group]["Properties"]["RetentionInDays"] == {"Ref": "FunctionLogRetentionDays"}, name
        assert load_template(stack)["Parameters"]["FunctionLogRetentionDays"]["Default"] == 30
    assert functions == 14


def test_no_function_sends_its_responses_to_x_ray():
    for stack in [ROOT / "template.yaml", *STACKS]:
        variables = load_template(stack)["Globals"]["Function"]["Environment"]["Variables"]
        assert variables["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false", stack
    # Where the X-Ray SDK wraps a handler (the traced functions), it never records the response.
    sources = "\n".join(path.read_text() for path in (ROOT / "src" / "hdoc").rglob("*.py"))
    captures = sources.count("capture_lambda_handler(")
    assert captures >= 1
    assert sources.count("capture_lambda_handler(capture_response=False)") == captures
    assert "capture_method(" not in sources


def test_each_secret_is_readable_by_its_own_functions_alone():
    """Every secret has a resource policy denying its value to all but the roles of the functions
    named here, and each of those functions is given the secret's ARN and the right to read it."""
    readers = {
        "GitHubTokenSecret": ["RefreshBatchFunction", "PushRefreshFunction"],
        "WebhookSecret": ["WebhooksFunction"],
        "GitHubOAuthSecret": ["AccountsFunction"],
        "CursorKeySecret": ["ParticipantsFunction", "ArticlesFunction"],
    }
    for stack in STACKS:
        policies = resources(stack, "AWS::SecretsManager::ResourcePolicy").values()
        by_secret = {policy["Properties"]["SecretId"]["Ref"]: policy["Properties"] for policy in policies}
        for secret in resources(stack, "AWS::SecretsManager::Secret"):
            if secret in UNREAD_BY_FUNCTIONS:
                functions = json.dumps(resources(stack, "AWS::Serverless::Function"))
                assert secret not in functions, f"{secret} is for CloudFormation alone"
                continue
            properties = by_secret[secret]
            (statement,) = properties["ResourcePolicy"]["Statement"]
            assert (statement["Effect"], statement["Principal"], statement["Action"]) == (
                "Deny",
                "*",
                "secretsmanager:GetSecretValue",
            )
            allowed = statement["Condition"]["ArnNotEquals"]["aws:PrincipalArn"]
            allowed = allowed if isinstance(allowed, list) else [allowed]
            assert allowed == [{"Fn::GetAtt": [f"{name}Role", "Arn"]} for name in readers[secret]], secret
            for name in readers[secret]:
                function = resources(stack, "AWS::Serverless::Function")[name]["Properties"]
                assert {"Ref": secret} in function["Environment"]["Variables"].values(), name
                grants = [
                    statement
                    for policy in function["Policies"]
                    for statement in policy.get("Statement", [])
                    if statement["Action"]
                    in ("secretsmanager:GetSecretValue", ["secretsmanager:GetSecretValue"])
                ]
                assert [grant["Resource"] for grant in grants] == [{"Ref": secret}], name


def test_the_github_token_is_sent_over_https_only():
    import re

    accepted = ["https://api.github.com", "https://ghe.example.org/api/v3", "http://127.0.0.1:34567"]
    refused = ["http://api.github.com", "http://localhost.evil.example", "ftp://ghe.example", "https://"]
    for stack, names in (
        (ROOT / "template.yaml", ["GitHubApiUrl", "GitHubWebUrl"]),
        (ROOT / "stacks" / "stats.yaml", ["GitHubApiUrl"]),
        (ROOT / "stacks" / "api.yaml", ["GitHubApiUrl", "GitHubWebUrl"]),
    ):
        for name in names:
            pattern = re.compile(load_template(stack)["Parameters"][name]["AllowedPattern"])
            assert all(pattern.fullmatch(url) for url in accepted), (stack, name)
            assert not any(pattern.fullmatch(url) for url in refused), (stack, name)


def test_the_api_access_log_names_the_signed_in_caller():
    api = resources(ROOT / "stacks" / "api.yaml", "AWS::Serverless::Api")["RestApi"]["Properties"]
    assert '"caller":"$context.authorizer.claims.sub"' in api["AccessLogSetting"]["Format"]


def test_the_api_firewall_takes_only_the_sites_requests_counts_cloudfronts_viewer_and_applies_managed_rules():
    stack = ROOT / "stacks" / "api.yaml"
    (firewall,) = resources(stack, "AWS::WAFv2::WebACL").values()
    rules = {}
    for listed in firewall["Properties"]["Rules"]:
        rule = listed
        if "Fn::If" in listed:  # a rule only with SiteOnly
            condition, rule, otherwise = listed["Fn::If"]
            assert (condition, otherwise) == ("IsSiteOnly", {"Ref": "AWS::NoValue"})
        rules[rule["Name"]] = rule
    # Without the header the site's CloudFront adds (the secret's value, exactly), a request is refused
    gate = rules["NotThroughTheSite"]
    assert gate["Priority"] == 0
    assert "Block" in gate["Action"]
    match = gate["Statement"]["NotStatement"]["Statement"]["ByteMatchStatement"]
    assert match["FieldToMatch"] == {"SingleHeader": {"Name": "x-hdoc-origin-verify"}}
    assert match["PositionalConstraint"] == "EXACTLY"
    assert match["SearchString"] == {
        "Fn::Sub": "{{resolve:secretsmanager:${OriginVerifySecret}:SecretString}}"
    }
    # Each viewer is counted by the address CloudFront saw (written by its function), never by the
    # first X-Forwarded-For address, which the client writes; without SiteOnly, by connecting address
    viewer = rules["RequestsPerViewer"]["Statement"]["RateBasedStatement"]
    assert viewer["Limit"] == {"Ref": "RequestsPerIpPer5Minutes"}
    assert viewer["AggregateKeyType"] == {"Fn::If": ["IsSiteOnly", "FORWARDED_IP", "IP"]}
    forwarded = viewer["ForwardedIPConfig"]["Fn::If"][1]
    assert forwarded["HeaderName"] == "x-hdoc-viewer-address"
    assert "x-forwarded-for" not in json.dumps(firewall).lower()
    # No rule counts CloudFront's own edge addresses (which would block everyone behind one edge)
    assert [r for r in rules.values() if r["Statement"].get("RateBasedStatement")] == [
        rules["RequestsPerViewer"]
    ]
    assert "Block" in rules["RequestsPerViewer"]["Action"]
    managed = {
        rule["Statement"]["ManagedRuleGroupStatement"]["Name"]
        for rule in rules.values()
        if "OverrideAction" in rule
    }
    assert managed == {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"}
    assert sorted(rule["Priority"] for rule in rules.values()) == list(range(len(rules)))
    (association,) = resources(stack, "AWS::WAFv2::WebACLAssociation").values()
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": ["ApiFirewall", "Arn"]}
    assert "${RestApi.Stage}" in association["Properties"]["ResourceArn"]["Fn::Sub"]


def test_cognito_keeps_the_old_email_until_the_new_one_is_verified_and_offers_totp_mfa():
    (pool,) = resources(ROOT / "stacks" / "auth.yaml", "AWS::Cognito::UserPool").values()
    properties = pool["Properties"]
    assert properties["UserAttributeUpdateSettings"] == {
        "AttributesRequireVerificationBeforeUpdate": ["email"]
    }
    assert properties["MfaConfiguration"] == {"Ref": "Mfa"}
    assert load_template(ROOT / "template.yaml")["Parameters"]["Mfa"]["Default"] == "OPTIONAL"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({}, {"EmailSendingAccount": "COGNITO_DEFAULT"}),
        (
            {"EmailSenderArn": "arn:aws:ses:eu-west-1:123456789012:identity/example.com"},
            {
                "EmailSendingAccount": "DEVELOPER",
                "SourceArn": "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
            },
        ),
        (
            {
                "EmailSenderArn": "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
                "EmailFrom": "hdoc <no-reply@example.com>",
            },
            {
                "EmailSendingAccount": "DEVELOPER",
                "SourceArn": "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
                "From": "hdoc <no-reply@example.com>",
            },
        ),
    ],
)
def test_cognito_sends_its_email_through_ses_when_a_sender_is_given(given, expected):
    template = load_template(ROOT / "stacks" / "auth.yaml")
    required = {
        "AppName": "hdoc",
        "Stage": "prod",
        "Architecture": "arm64",
        "CallbackUrls": "https://a.example/",
        "LogoutUrls": "https://a.example/",
        "UsersTableName": "t",
        "UsersTableArn": "arn",
    }
    parameters = parameter_values(template, {**required, **given}, "auth.yaml")
    evaluator = Evaluator(
        "hdoc-backend-prod-Auth", parameters, template["Conditions"], resource=lambda *_: None
    )
    (pool,) = resources(ROOT / "stacks" / "auth.yaml", "AWS::Cognito::UserPool").values()
    assert evaluator.evaluate(pool["Properties"]["EmailConfiguration"]) == expected


def test_a_sender_that_is_not_an_ses_identity_is_refused():
    template = load_template(ROOT / "template.yaml")
    with pytest.raises(TemplateError, match="EmailSenderArn"):
        parameter_values(template, {"EmailSenderArn": "no-reply@example.com"}, "template.yaml")
