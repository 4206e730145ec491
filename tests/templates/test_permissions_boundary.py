"""The pipeline's deploy role cannot make an administrator: every role of the backend carries a
permissions boundary the deploy role cannot remove, and the boundary allows what the functions need."""

from __future__ import annotations

import fnmatch
import json
import subprocess
from pathlib import Path

import pytest

from hdoc.local.cfn import load_template
from tests.conftest import ROOT
from tests.templates.conftest import TEMPLATES, resources
from tests.templates.gates import role_escalations, roles_without_the_boundary
from tests.templates.test_tools import sam

PIPELINE = ROOT / "cicd" / "pipeline.yaml"
BACKEND = [ROOT / "template.yaml", *sorted((ROOT / "stacks").glob("*.yaml"))]

# What the AWS managed policies the templates attach allow (AWS publishes them; they change rarely).
MANAGED_POLICY_ACTIONS = {
    "AWSLambdaBasicExecutionRole": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
    "AWSXrayWriteOnlyAccess": [
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "xray:GetSamplingStatisticSummaries",
    ],
    "AWSLambdaSQSQueueExecutionRole": [
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    ],
    "AWSLambdaDynamoDBExecutionRole": [
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    ],
}

DEPLOY_ROLE_MAKES_AN_ADMIN = """
Resources:
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: cloudformation.amazonaws.com}, Action: sts:AssumeRole}
      Policies:
        - PolicyName: deploy
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [iam:CreateRole, iam:AttachRolePolicy, iam:PassRole]
                Resource: arn:aws:iam::123456789012:role/hdoc-backend-dev-*
"""

FUNCTION_WITHOUT_BOUNDARY = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  PermissionsBoundaryArn: {Type: String, Default: ""}
Globals:
  Function:
    Runtime: python3.11
Resources:
  Bounded:
    Type: AWS::Serverless::Function
    Properties: {Handler: a.b, CodeUri: ., PermissionsBoundary: !Ref PermissionsBoundaryArn}
  Unbounded:
    Type: AWS::Serverless::Function
    Properties: {Handler: a.b, CodeUri: .}
  Parser:
    Type: AWS::Serverless::StateMachine
    Properties:
      PermissionsBoundary: !Ref PermissionsBoundaryArn
      Definition: {StartAt: Done, States: {Done: {Type: Succeed}}}
      Events:
        Hourly: {Type: ScheduleV2, Properties: {ScheduleExpression: rate(1 hour)}}
"""


def test_no_template_lets_a_role_be_made_or_widened_without_the_boundary():
    assert [finding for path in TEMPLATES for finding in role_escalations(path)] == []


def test_the_escalation_gate_fails_a_deploy_role_without_conditions(tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(DEPLOY_ROLE_MAKES_AN_ADMIN)
    findings = role_escalations(broken)
    assert any("iam:CreateRole without the permissions boundary" in finding for finding in findings)
    assert any("attaching any managed policy" in finding for finding in findings)
    assert any("passing roles to any service" in finding for finding in findings)
    assert any("not deny removing their boundary" in finding for finding in findings)


def test_every_role_the_backend_makes_carries_the_boundary():
    assert [finding for path in BACKEND for finding in roles_without_the_boundary(path)] == []


def test_the_boundary_gate_fails_a_function_and_a_schedule_without_it(tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(FUNCTION_WITHOUT_BOUNDARY)
    assert sorted(roles_without_the_boundary(broken)) == [
        "broken.yaml: Parser's Hourly schedule role has no boundary",
        "broken.yaml: Unbounded's role has no permissions boundary",
    ]


def test_the_pipeline_deploys_with_its_boundary_and_the_deploy_role_requires_it():
    pipeline = load_template(PIPELINE)
    deploy = next(
        stage
        for stage in pipeline["Resources"]["Pipeline"]["Properties"]["Stages"]
        if stage["Name"] == "Deploy"
    )
    overrides = deploy["Actions"][0]["Configuration"]["ParameterOverrides"]["Fn::Sub"]
    assert (
        json.loads(overrides.replace("${Stage}", "dev").replace("${FunctionBoundary}", "arn"))[
            "PermissionsBoundaryArn"
        ]
        == "arn"
    )
    statements = resources(PIPELINE)["DeployRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    creating = next(statement for statement in statements if "iam:CreateRole" in statement["Action"])
    assert creating["Condition"]["StringEquals"]["iam:PermissionsBoundary"] == {"Ref": "FunctionBoundary"}
    never_iam = next(s for s in _boundary_statements() if s["Effect"] == "Deny")
    assert {"iam:*", "sts:*"} <= set(never_iam["Action"])


def test_the_stages_pool_state_machine_and_secrets_are_what_the_deploy_role_can_name():
    pool = resources(ROOT / "stacks" / "auth.yaml")["UserPool"]["Properties"]
    assert pool["UserPoolTags"] == {"hdoc:stage": {"Ref": "Stage"}}
    named = [
        resources(ROOT / "stacks" / "stats.yaml")["StatisticsParser"],
        resources(ROOT / "stacks" / "stats.yaml")["GitHubTokenSecret"],
        resources(ROOT / "stacks" / "api.yaml")["GitHubOAuthSecret"],
    ]
    for resource in named:
        assert resource["Properties"]["Name"]["Fn::Sub"].startswith("${AWS::StackName}-")


def _boundary_statements() -> list[dict]:
    return resources(PIPELINE)["FunctionBoundary"]["Properties"]["PolicyDocument"]["Statement"]


def _allowed_by_the_boundary(action: str) -> bool:
    def grants(statement: dict) -> bool:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        return any(fnmatch.fnmatchcase(action.lower(), str(pattern).lower()) for pattern in actions)

    statements = _boundary_statements()
    allowed = any(s["Effect"] == "Allow" and grants(s) for s in statements)
    return allowed and not any(s["Effect"] == "Deny" and grants(s) for s in statements)


TRANSLATE = """
import json, sys
from pathlib import Path
import yaml
from samtranslator.translator.transform import transform

class NoManagedPolicies:
    def load(self):
        return {}

def loader():
    class Loader(yaml.SafeLoader):
        pass
    def tag(loader, suffix, node):
        name = "Ref" if suffix == "Ref" else "Fn::" + suffix
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            return {name: value.split(".", 1) if suffix == "GetAtt" else value}
        if isinstance(node, yaml.SequenceNode):
            return {name: loader.construct_sequence(node, deep=True)}
        return {name: loader.construct_mapping(node, deep=True)}
    Loader.add_multi_constructor("!", tag)
    return Loader

def local_uris(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("CodeUri", "DefinitionUri") and isinstance(value, str):
                node[key] = "s3://bucket/key"
            else:
                local_uris(value)
    elif isinstance(node, list):
        for value in node:
            local_uris(value)

roles = {}
for path in sys.argv[1:]:
    template = yaml.load(Path(path).read_text(), Loader=loader())
    local_uris(template)
    pseudo = {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws"}
    output = transform(template, pseudo, NoManagedPolicies())
    for logical_id, resource in output["Resources"].items():
        if resource["Type"] == "AWS::IAM::Role":
            properties = resource["Properties"]
            actions = []
            for policy in properties.get("Policies", []):
                for statement in policy["PolicyDocument"]["Statement"]:
                    action = statement["Action"]
                    actions += action if isinstance(action, list) else [action]
            roles[Path(path).name + ":" + logical_id] = {
                "actions": actions,
                "managed": properties.get("ManagedPolicyArns", []),
                "boundary": properties.get("PermissionsBoundary"),
            }
print(json.dumps(roles))
"""


@pytest.mark.slow
def test_the_boundary_allows_every_action_the_backends_roles_are_given():
    """SAM makes the roles: translate the templates with SAM's own translator, then check each action."""
    python = Path(sam()).parent / "python"
    result = subprocess.run(
        [str(python), "-c", TRANSLATE, *map(str, BACKEND[1:])],
        capture_output=True,
        text=True,
        check=False,
        env={"AWS_DEFAULT_REGION": "us-east-1", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    roles = json.loads(result.stdout)
    assert len(roles) >= 12
    for name, role in roles.items():
        assert role["boundary"] is not None, name
        actions = list(role["actions"])
        for arn in role["managed"]:
            policy = arn["Fn::Sub"].rsplit("/", 1)[-1] if isinstance(arn, dict) else arn.rsplit("/", 1)[-1]
            assert policy in MANAGED_POLICY_ACTIONS, f"{name} attaches {policy}"
            actions += MANAGED_POLICY_ACTIONS[policy]
        refused = [action for action in actions if not _allowed_by_the_boundary(action)]
        assert refused == [], f"{name} needs {refused}, which the boundary does not allow"
