"""hdoc's template rules: no physical names, consistent functions, least-privilege reads, CORS."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from hdoc.dal import user_items as users
from hdoc.local.cfn import load_template
from tests.conftest import ROOT
from tests.templates.conftest import TEMPLATES, resources
from tests.templates.gates import hard_coded_names


def test_no_resource_has_a_hard_coded_physical_name():
    findings = [finding for path in TEMPLATES for finding in hard_coded_names(path)]
    assert findings == []


def test_the_physical_name_gate_catches_a_named_table(tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "Resources:\n"
        "  Users:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: users\n"
        "  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      Name: api\n      StageName: dev\n"
    )
    assert len(hard_coded_names(broken)) == 2


def test_every_function_runs_python_3_11_traced_on_the_templates_architecture():
    root_globals = load_template(ROOT / "template.yaml")["Globals"]["Function"]
    for path in TEMPLATES:
        functions = resources(path, "AWS::Serverless::Function")
        if not functions:
            continue
        function_globals = load_template(path)["Globals"]["Function"]
        for setting in ("Runtime", "Architectures", "Tracing"):
            assert function_globals[setting] == root_globals[setting], f"{path.name}: {setting}"
        assert function_globals["Runtime"] == "python3.11"
        assert function_globals["Architectures"] == [{"Ref": "Architecture"}]
        for logical_id, function in functions.items():
            overridden = {"Runtime", "Architectures", "Tracing"} & set(function["Properties"])
            assert not overridden, f"{logical_id} overrides {overridden}"


def test_the_users_table_declares_every_index_the_code_queries_with_its_keys():
    table = resources(ROOT / "stacks" / "data.yaml")["UsersTable"]["Properties"]
    indexes = {index["IndexName"]: index["KeySchema"] for index in table["GlobalSecondaryIndexes"]}
    expected_sort_keys = {
        users.BY_USERNAME_INDEX: "pk",
        users.LEADERBOARD_INDEX: "leaderboardKey",
        users.RECENT_INDEX: "joinedKey",
    }
    for name, sort_key in expected_sort_keys.items():
        assert indexes[name] == [
            {"AttributeName": "participantList", "KeyType": "HASH"},
            {"AttributeName": sort_key, "KeyType": "RANGE"},
        ]
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["SSESpecification"]["SSEEnabled"] is True


def test_every_table_is_kept_on_deletion_and_replacement():
    for path in TEMPLATES:
        for logical_id, table in resources(path, "AWS::DynamoDB::Table").items():
            assert table.get("DeletionPolicy") == "Retain", logical_id
            assert table.get("UpdateReplacePolicy") == "Retain", logical_id


def test_the_public_read_function_may_only_read_the_table_and_indexes_it_queries():
    """...and its cursor key (test_personal_data checks that grant)."""
    function = resources(ROOT / "stacks" / "api.yaml")["ParticipantsFunction"]["Properties"]
    statements = [
        statement
        for policy in function["Policies"]
        for statement in policy["Statement"]
        if statement.get("Sid") != "ReadTheCursorKey"
    ]
    actions = {action for statement in statements for action in statement["Action"]}
    assert actions == {"dynamodb:GetItem", "dynamodb:Query"}
    granted = [resource for statement in statements for resource in statement["Resource"]]
    index_arns = {
        re.fullmatch(r"\$\{UsersTableArn\}/index/(\w+)", grant["Fn::Sub"]).group(1)
        for grant in granted
        if isinstance(grant, dict) and "Fn::Sub" in grant
    }
    assert {"Ref": "UsersTableArn"} in granted
    assert index_arns == {users.BY_USERNAME_INDEX, users.LEADERBOARD_INDEX, users.RECENT_INDEX}


def test_every_api_path_answers_cors_preflight():
    for path in TEMPLATES:
        served: dict[str, set[str]] = {}
        for function in resources(path, "AWS::Serverless::Function").values():
            for event in function["Properties"].get("Events", {}).values():
                if event["Type"] == "Api":
                    served.setdefault(event["Properties"]["Path"], set()).add(event["Properties"]["Method"])
        for api_path, methods in served.items():
            assert "OPTIONS" in methods, f"{path.name}: {api_path} has no OPTIONS event"


def test_samconfig_deploys_each_stage_to_its_own_stack():
    config = tomllib.loads((ROOT / "samconfig.toml").read_text())
    for stage in ("dev", "staging", "prod"):
        deploy = config[stage]["deploy"]["parameters"]
        assert deploy["stack_name"] == f"hdoc-backend-{stage}"
        assert f"Stage={stage}" in deploy["parameter_overrides"]


def test_the_user_pool_is_configured_as_the_website_needs():
    declared = resources(ROOT / "stacks" / "auth.yaml")
    pool = declared["UserPool"]["Properties"]
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert pool["UsernameConfiguration"] == {"CaseSensitive": False}
    assert pool["Policies"]["PasswordPolicy"] == {
        "MinimumLength": 8,
        "RequireUppercase": True,
        "RequireLowercase": True,
        "RequireNumbers": True,
        "RequireSymbols": False,
    }
    assert pool["AccountRecoverySetting"] == {
        "RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]
    }
    assert pool["DeletionProtection"] == {"Fn::If": ["IsProd", "ACTIVE", "INACTIVE"]}
    assert pool["LambdaConfig"] == {"PostConfirmation": {"Fn::GetAtt": ["PostConfirmationFunction", "Arn"]}}

    client = declared["WebsiteClient"]["Properties"]
    assert client["GenerateSecret"] is False
    assert client["AllowedOAuthFlows"] == ["code"]
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert (client["IdTokenValidity"], client["AccessTokenValidity"], client["RefreshTokenValidity"]) == (
        1,
        1,
        30,
    )
    assert client["TokenValidityUnits"] == {
        "IdToken": "hours",
        "AccessToken": "hours",
        "RefreshToken": "days",
    }
    assert client["CallbackURLs"] == {"Ref": "CallbackUrls"}
    assert declared["AdminsGroup"]["Properties"]["GroupName"] == "admins"
    assert declared["HostedUiDomain"]["Type"] == "AWS::Cognito::UserPoolDomain"


def test_the_trigger_answers_well_inside_cognitos_five_seconds_and_may_only_put_items():
    declared = load_template(ROOT / "stacks" / "auth.yaml")
    trigger = declared["Resources"]["PostConfirmationFunction"]["Properties"]
    assert declared["Globals"]["Function"]["Timeout"] < 5
    assert "Timeout" not in trigger
    (statement,) = trigger["Policies"][0]["Statement"]
    assert statement["Action"] == ["dynamodb:PutItem"]


def test_signed_in_routes_use_the_cognito_authorizer_and_preflights_do_not():
    for function in resources(ROOT / "stacks" / "api.yaml", "AWS::Serverless::Function").values():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] != "Api":
                continue
            route = event["Properties"]
            signed_in = route["Method"] != "OPTIONS" and (
                route["Path"]
                in ("/signup", "/me", "/me/export", "/me/refresh", "/me/github", "/me/github/link")
                or route["Path"] in ("/me/github/callback", "/admin/participants/{username}")
                or (route["Path"], route["Method"])
                in (
                    ("/users/{username}/articles", "POST"),
                    ("/articles/{article_id}", "PUT"),
                    ("/articles/{article_id}", "DELETE"),
                )
            )
            assert (route.get("Auth") == {"Authorizer": "CognitoAuthorizer"}) == signed_in, route


def test_no_iam_statement_grants_everything():
    for path in TEMPLATES:
        for logical_id, function in resources(path, "AWS::Serverless::Function").items():
            for policy in function["Properties"].get("Policies", []):
                for statement in policy.get("Statement", []):
                    actions = (
                        statement["Action"]
                        if isinstance(statement["Action"], list)
                        else [statement["Action"]]
                    )
                    assert not any(action in ("*", "*:*") or action.endswith(":*") for action in actions), (
                        logical_id
                    )
                    assert statement.get("Resource") not in ("*", ["*"]), logical_id


def test_the_articles_table_declares_every_index_the_code_queries():
    from hdoc.dal import articles

    table = resources(ROOT / "stacks" / "data.yaml")["ArticlesTable"]["Properties"]
    indexes = {
        index["IndexName"]: [key["AttributeName"] for key in index["KeySchema"]]
        for index in table["GlobalSecondaryIndexes"]
    }
    assert indexes == {
        articles.NEWEST_INDEX: ["feed", "feedKey"],
        articles.BY_AUTHOR_INDEX: ["authorKey", "feedKey"],
        articles.TAG_CLOUD_INDEX: ["cloud", "cloudKey"],
    }
    assert [key["AttributeName"] for key in table["KeySchema"]] == ["pk", "sk"]
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}


def test_the_tag_counter_reports_partial_failures_bisects_and_keeps_what_fails():
    counter = resources(ROOT / "stacks" / "api.yaml")["TagCounterFunction"]["Properties"]
    (event,) = counter["Events"].values()
    source = event["Properties"]
    assert event["Type"] == "DynamoDB"
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert source["BisectBatchOnFunctionError"] is True
    assert 0 < source["MaximumRetryAttempts"] <= 10
    assert source["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["TagCounterFailures", "Arn"]
    }


def test_the_edge_invalidator_takes_only_participant_removals_and_invalidates_only_the_websites_cache():
    api = load_template(ROOT / "stacks" / "api.yaml")
    invalidator = api["Resources"]["EdgeInvalidatorFunction"]
    assert invalidator["Condition"] == "HasDistribution"  # no distribution named: no function, no cost
    (event,) = invalidator["Properties"]["Events"].values()
    source = event["Properties"]
    assert source["Stream"] == {"Ref": "UsersTableStreamArn"}
    ((pattern,),) = [[json.loads(f["Pattern"]) for f in source["FilterCriteria"]["Filters"]]]
    assert pattern == users.PARTICIPANT_REMOVED  # the filter and the code's own check agree
    assert source["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["EdgeInvalidatorFailures", "Arn"]
    }
    (policy,) = invalidator["Properties"]["Policies"]
    (invalidate,) = [s for s in policy["Statement"] if "cloudfront:CreateInvalidation" in str(s["Action"])]
    assert invalidate["Resource"]["Fn::Sub"].endswith(":distribution/${DistributionId}")
    assert invalidator["Properties"]["Environment"]["Variables"] == {
        "DISTRIBUTION_ID": {"Ref": "DistributionId"}
    }
    # the root stack passes the parameter through
    root = load_template(ROOT / "template.yaml")
    assert root["Resources"]["Api"]["Properties"]["Parameters"]["DistributionId"] == {"Ref": "DistributionId"}
    assert root["Parameters"]["DistributionId"]["Default"] == ""
