"""The delivery pipeline (cicd/), its build instructions, and the GitHub Actions workflow."""

from __future__ import annotations

import copy
import re
import tomllib

import pytest
import yaml

from hdoc.local.cfn import load_template
from tests.conftest import ROOT
from tests.templates.conftest import resources

PIPELINE = ROOT / "cicd" / "pipeline.yaml"


def stages() -> list[dict]:
    return resources(PIPELINE, "AWS::CodePipeline::Pipeline")["Pipeline"]["Properties"]["Stages"]


def test_the_pipeline_goes_source_test_build_deploy():
    assert [stage["Name"] for stage in stages()] == ["Source", "Test", "Build", "Deploy"]
    source = stages()[0]["Actions"][0]
    assert source["ActionTypeId"]["Provider"] == "CodeStarSourceConnection"
    assert source["Configuration"]["ConnectionArn"] == {"Ref": "ConnectionArn"}


def test_each_stage_deploys_from_its_branch():
    mapping = load_template(PIPELINE)["Mappings"]["StageBranch"]
    assert {stage: value["Branch"] for stage, value in mapping.items()} == {
        "dev": "dev",
        "staging": "staging",
        "prod": "main",
    }


def test_deploy_creates_a_change_set_waits_for_approval_in_prod_then_executes_it():
    actions = stages()[3]["Actions"]
    create, approval, execute = actions
    assert create["Configuration"]["ActionMode"] == "CHANGE_SET_REPLACE"
    assert execute["Configuration"]["ActionMode"] == "CHANGE_SET_EXECUTE"
    assert create["Configuration"]["ChangeSetName"] == execute["Configuration"]["ChangeSetName"]
    assert approval["Fn::If"][0] == "IsProd"
    assert approval["Fn::If"][1]["ActionTypeId"]["Provider"] == "Manual"
    assert create["RunOrder"] < approval["Fn::If"][1]["RunOrder"] < execute["RunOrder"]
    assert create["Configuration"]["RoleArn"] == {"Fn::GetAtt": ["DeployRole", "Arn"]}


def test_no_role_has_administrator_access_or_a_managed_policy():
    for logical_id, role in resources(PIPELINE, "AWS::IAM::Role").items():
        assert "ManagedPolicyArns" not in role["Properties"], logical_id


def test_the_deploy_roles_iam_rights_reach_only_the_stages_own_roles():
    role = resources(PIPELINE, "AWS::IAM::Role")["DeployRole"]
    statements = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    iam = [
        statement
        for statement in statements
        if statement["Effect"] == "Allow"
        and any(str(a).startswith("iam:") for a in _listed(statement["Action"]))
    ]
    assert len(iam) >= 3
    for statement in iam:
        assert statement["Resource"] == {
            "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/hdoc-backend-${Stage}-*"
        }


def _listed(value):
    return value if isinstance(value, list) else [value]


def test_build_logs_are_kept_for_the_parameters_days_and_failures_notify_an_optional_topic():
    logs = resources(PIPELINE, "AWS::Logs::LogGroup")["BuildLogs"]
    assert logs["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    rule = resources(PIPELINE)["PipelineFailures"]
    assert rule["Condition"] == "Notifies"
    assert rule["Properties"]["EventTypeIds"] == ["codepipeline-pipeline-pipeline-execution-failed"]


def test_the_buildspecs_run_make_test_and_sam_build_and_package_without_pip_install_t():
    test = yaml.safe_load((ROOT / "cicd" / "buildspec-test.yml").read_text())
    build = yaml.safe_load((ROOT / "cicd" / "buildspec-build.yml").read_text())
    assert test["phases"]["build"]["commands"] == ["make test"]
    commands = " ; ".join(build["phases"]["build"]["commands"])
    assert "sam build" in commands
    assert "sam package" in commands
    assert "$ARTIFACTS_BUCKET" in commands
    assert build["artifacts"]["files"] == ["packaged.yaml", "stage-parameters.json"]
    for text in (ROOT / "cicd").glob("buildspec-*.yml"):
        assert "pip install -t" not in text.read_text()
        assert "--target" not in text.read_text()


def test_the_pipelines_samconfig_deploys_each_stage_to_its_own_stack():
    config = tomllib.loads((ROOT / "cicd" / "samconfig.toml").read_text())
    for stage in ("dev", "staging", "prod"):
        assert config[stage]["deploy"]["parameters"]["stack_name"] == f"hdoc-backend-{stage}-pipeline"


def test_the_websites_samconfig_deploys_each_stage_to_its_own_stack():
    config = tomllib.loads((ROOT / "frontend" / "samconfig.toml").read_text())
    for stage in ("dev", "staging", "prod"):
        assert config[stage]["deploy"]["parameters"]["stack_name"] == f"hdoc-frontend-{stage}"


def test_github_actions_run_make_test_on_python_3_11_with_caching_for_pull_requests():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "backend-ci.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["pull_request"]["branches"] == ["dev", "staging", "main"]
    steps = workflow["jobs"]["test"]["steps"]
    python = next(step for step in steps if step.get("uses", "").startswith("actions/setup-python"))
    assert python["with"]["python-version"] == "3.11"
    assert python["with"]["cache"] == "pip"
    assert any(step.get("uses", "").startswith("actions/cache") for step in steps)
    assert steps[-1]["run"] == "make test"


def test_the_pipeline_deploys_a_stage_with_its_own_parameters_not_the_defaults():
    create = stages()[3]["Actions"][0]
    assert create["Configuration"]["TemplateConfiguration"] == "Packaged::stage-parameters.json"
    build = yaml.safe_load((ROOT / "cicd" / "buildspec-build.yml").read_text())
    assert "stage-parameters.json" in build["artifacts"]["files"]
    assert any(
        "cicd/stage_parameters.py > stage-parameters.json" in command
        for command in build["phases"]["build"]["commands"]
    )


def test_stage_parameters_become_a_template_configuration(tmp_path):
    import json
    import subprocess
    import sys

    described = [
        {"ParameterKey": "Stage", "ParameterValue": "prod"},
        {"ParameterKey": "AllowedOrigins", "ParameterValue": "https://100daysofcloud.example"},
    ]
    made = subprocess.run(
        [sys.executable, str(ROOT / "cicd" / "stage_parameters.py")],
        input=json.dumps(described),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert json.loads(made.stdout) == {
        "Parameters": {"Stage": "prod", "AllowedOrigins": "https://100daysofcloud.example"}
    }
    empty = subprocess.run(
        [sys.executable, str(ROOT / "cicd" / "stage_parameters.py")],
        input="[]",
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert empty.returncode != 0
    assert "deploy the stage by hand once first" in empty.stderr


def test_staging_and_prod_refuse_the_local_defaults():
    template = load_template(ROOT / "template.yaml")
    (rule,) = template["Rules"].values()
    assert rule["RuleCondition"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "Stage"}, "dev"]}]}
    asserted = str(rule["Assertions"])
    assert "http://localhost:5173" in template["Parameters"]["AllowedOrigins"]["Default"]
    assert "{'Fn::Contains': [{'Ref': 'AllowedOrigins'}, 'http://localhost:5173']}" in asserted
    assert "http://localhost:5173/auth/callback" in asserted


@pytest.mark.parametrize(
    ("parameter", "value", "allowed"),
    [
        ("AllowedOrigins", "https://100daysofcloud.example", True),
        ("AllowedOrigins", "https://www.100daysofcloud.example:8443", True),
        ("AllowedOrigins", "http://localhost:5173", True),
        ("AllowedOrigins", "*", False),
        ("AllowedOrigins", "https://*.example.com", False),
        ("AllowedOrigins", "http://100daysofcloud.example", False),
        ("AllowedOrigins", "https://100daysofcloud.example/", False),
        ("AllowedOrigins", "null", False),
        ("CallbackUrls", "https://100daysofcloud.example/auth/callback", True),
        ("CallbackUrls", "http://127.0.0.1:5173/auth/callback", True),
        ("CallbackUrls", "http://100daysofcloud.example/auth/callback", False),
        ("CallbackUrls", "https://*.example.com/auth/callback", False),
        ("LogoutUrls", "https://100daysofcloud.example/", True),
        ("LogoutUrls", "http://attacker.example/", False),
    ],
)
def test_origins_and_sign_in_pages_are_https_with_no_wildcard(parameter, value, allowed):
    """CloudFormation matches a CommaDelimitedList's AllowedPattern against each of its values."""
    declared = load_template(ROOT / "template.yaml")["Parameters"][parameter]
    assert declared["Type"] == "CommaDelimitedList"
    assert bool(re.fullmatch(declared["AllowedPattern"], value)) is allowed
    assert all(
        re.fullmatch(declared["AllowedPattern"], default) for default in declared["Default"].split(",")
    )


def test_the_deploy_roles_api_gateway_rights_reach_only_the_stages_own_api():
    """API Gateway picks an API's id, so the stage's API is the one tagged with the stage: a new one
    only with the tag, an existing one only when it carries it (its parts inherit its tags)."""
    role = resources(PIPELINE, "AWS::IAM::Role")["DeployRole"]
    statements = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    gateway = [
        statement
        for statement in statements
        if any(str(a).startswith("apigateway:") for a in _listed(statement["Action"]))
    ]
    assert gateway
    for statement in gateway:
        (tag_condition,) = statement["Condition"]["StringEquals"].items()
        resources_named = [r["Fn::Sub"] for r in _listed(statement["Resource"])]
        if tag_condition[0] == "aws:RequestTag/hdoc:stage":  # creating one: POST /restapis alone
            assert _listed(statement["Action"]) == ["apigateway:POST"]
            assert resources_named == ["arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis"]
        else:
            assert tag_condition[0] == "aws:ResourceTag/hdoc:stage"
            assert all("::/restapis/" in r or "::/tags/" in r for r in resources_named)
        assert tag_condition[1] == {"Ref": "Stage"}


def test_the_stages_api_carries_the_stage_tag_the_deploy_role_knows_it_by(monkeypatch):
    from samtranslator.translator.transform import transform

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")

    api = copy.deepcopy(resources(ROOT / "stacks" / "api.yaml", "AWS::Serverless::Api")["RestApi"])
    assert api["Properties"]["Tags"] == {"hdoc:stage": {"Ref": "Stage"}}
    api["Properties"] = {
        "StageName": "dev",
        "Tags": {"hdoc:stage": "dev"},
        "PropagateTags": api["Properties"].get("PropagateTags", False),
        "DefinitionBody": {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {}},
    }
    translated = transform(
        {"Transform": "AWS::Serverless-2016-10-31", "Resources": {"RestApi": api}},
        {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012"},
        _NoManagedPolicies(),
    )["Resources"]
    (rest_api,) = [r for r in translated.values() if r["Type"] == "AWS::ApiGateway::RestApi"]
    assert {"Key": "hdoc:stage", "Value": "dev"} in rest_api["Properties"]["Tags"]


class _NoManagedPolicies:
    @staticmethod
    def load() -> dict[str, str]:
        return {}
