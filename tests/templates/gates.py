"""hdoc's own checks on templates, for what the linters do not cover. Each returns its findings."""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any

from hdoc.local.cfn import load_template

# Properties that give a resource a fixed physical name. CloudFormation names resources itself in
# hdoc (stack-Logical-RANDOM), so that stages and stacks never collide.
NAMING_PROPERTIES = {
    "TableName",
    "BucketName",
    "FunctionName",
    "RoleName",
    "UserName",
    "QueueName",
    "TopicName",
    "StateMachineName",
    "LogGroupName",
    "UserPoolName",
    "AlarmName",
    "ManagedPolicyName",
    "InstanceProfileName",
    "RepositoryName",
    "ClusterName",
    "DomainName",
    "LayerName",
    "SecretName",
    "KeyAlias",
    "ScheduleGroupName",
    "PipelineName",
    "ProjectName",
    "WebACLName",
}
NAMED_BY_NAME = {
    "AWS::Serverless::Api",
    "AWS::ApiGateway::RestApi",
    "AWS::Events::Rule",
    "AWS::Events::EventBus",
    "AWS::Scheduler::Schedule",
    "AWS::SecretsManager::Secret",
    "AWS::CodeBuild::Project",
    "AWS::CodePipeline::Pipeline",
    "AWS::SSM::Parameter",
    "AWS::Serverless::StateMachine",
    "AWS::SQS::Queue",
    "AWS::SNS::Topic",
    "AWS::CloudFront::ResponseHeadersPolicy",
    "AWS::CloudFront::OriginAccessControl",
    "AWS::CloudFront::CachePolicy",
    "AWS::IAM::Group",
    "AWS::Scheduler::ScheduleGroup",
    "AWS::Serverless::LayerVersion",
}
# Names that are not physical names of account-wide resources, or that name another resource.
NOT_PHYSICAL = {
    ("AWS::Lambda::Permission", "FunctionName"),
    ("AWS::Lambda::EventSourceMapping", "FunctionName"),
    ("AWS::Cognito::UserPoolGroup", "GroupName"),
    ("AWS::Cognito::UserPoolDomain", "Domain"),
    ("AWS::Route53::RecordSet", "Name"),
}


def _named_after_the_stack(value: Any) -> bool:
    """A name that starts with the stack's own name is unique per stack and stage, not hard-coded."""
    return isinstance(value, dict) and str(value.get("Fn::Sub", "")).startswith("${AWS::StackName}-")


def hard_coded_names(path: Path) -> list[str]:
    """Resources in the template at `path` that set a physical name."""
    findings = []
    for logical_id, resource in load_template(path)["Resources"].items():
        resource_type = resource["Type"]
        properties: dict[str, Any] = resource.get("Properties") or {}
        for name, value in properties.items():
            if (resource_type, name) in NOT_PHYSICAL or _named_after_the_stack(value):
                continue
            if name in NAMING_PROPERTIES or (name == "Name" and resource_type in NAMED_BY_NAME):
                findings.append(f"{path.name}: {logical_id} ({resource_type}) sets {name}")
    return findings


def _statements(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict):
        return []
    statements = document.get("Statement", [])
    return [statements] if isinstance(statements, dict) else [s for s in statements if isinstance(s, dict)]


def _policy_documents(resource: dict[str, Any]) -> list[Any]:
    """Every policy document a resource declares: inline policies, managed policies, resource policies."""
    properties = resource.get("Properties") or {}
    documents = [properties.get("PolicyDocument"), properties.get("AssumeRolePolicyDocument")]
    for policy in properties.get("Policies") or []:
        if isinstance(policy, dict):
            documents += [policy.get("PolicyDocument"), policy if "Statement" in policy else None]
    return [document for document in documents if document]


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def wildcard_grants(path: Path) -> list[str]:
    """Allow statements that grant every action, every action of a service's IAM, or `*:*`."""
    findings = []
    for logical_id, resource in load_template(path)["Resources"].items():
        for document in _policy_documents(resource):
            for statement in _statements(document):
                if statement.get("Effect") != "Allow":
                    continue
                actions = [str(action).lower() for action in _listed(statement.get("Action", []))]
                if any(action in ("*", "*:*", "iam:*") for action in actions):
                    findings.append(f"{path.name}: {logical_id} allows {actions}")
    return findings


def iam_users_and_keys(path: Path) -> list[str]:
    """IAM users and access keys: long-lived credentials that hdoc never creates."""
    return [
        f"{path.name}: {logical_id} is an {resource['Type']}"
        for logical_id, resource in load_template(path)["Resources"].items()
        if resource["Type"] in ("AWS::IAM::User", "AWS::IAM::AccessKey")
    ]


def buckets_without_tls_only_policy(path: Path) -> list[str]:
    """Buckets whose policy does not deny every request made without TLS."""
    declared = load_template(path)["Resources"]
    denied = set()
    for resource in declared.values():
        if resource["Type"] != "AWS::S3::BucketPolicy":
            continue
        bucket = (resource.get("Properties") or {}).get("Bucket")
        for statement in _statements((resource.get("Properties") or {}).get("PolicyDocument")):
            condition = statement.get("Condition", {}).get("Bool", {})
            if (
                statement.get("Effect") == "Deny"
                and str(condition.get("aws:SecureTransport")).lower() == "false"
                and {"s3:*", "*"} & {str(action) for action in _listed(statement.get("Action"))}
                and statement.get("Principal") in ("*", {"AWS": "*"})
            ):
                denied.add(bucket.get("Ref") if isinstance(bucket, dict) else bucket)
    return [
        f"{path.name}: {logical_id} lets requests in without TLS"
        for logical_id, resource in declared.items()
        if resource["Type"] == "AWS::S3::Bucket" and logical_id not in denied
    ]


def distributions_without_oac(path: Path) -> list[str]:
    """CloudFront S3 origins reached without Origin Access Control (or with a legacy identity)."""
    findings = []
    for logical_id, resource in load_template(path)["Resources"].items():
        if resource["Type"] != "AWS::CloudFront::Distribution":
            continue
        config = (resource.get("Properties") or {}).get("DistributionConfig", {})
        for origin in config.get("Origins", []):
            if "S3OriginConfig" not in origin:
                continue
            legacy = (origin["S3OriginConfig"] or {}).get("OriginAccessIdentity")
            if not origin.get("OriginAccessControlId") or legacy:
                findings.append(f"{path.name}: {logical_id} origin {origin.get('Id')} does not use OAC")
    return findings


# IAM actions that make or widen a role: whoever may call them unconditioned can make an administrator.
ROLE_CHANGES = (
    "iam:CreateRole",
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:PutRolePermissionsBoundary",
)


def _grants(statement: dict[str, Any], action: str) -> bool:
    patterns = [str(pattern).lower() for pattern in _listed(statement.get("Action", []))]
    return any(fnmatch.fnmatchcase(action.lower(), pattern) for pattern in patterns)


def _condition(statement: dict[str, Any], key: str) -> Any:
    """The value a statement's condition gives `key`, under any operator (None when it has none)."""
    for operator in (statement.get("Condition") or {}).values():
        if isinstance(operator, dict) and key in operator:
            return operator[key]
    return None


def role_escalations(path: Path) -> list[str]:
    """Ways a role or policy in the template could make a role more powerful than the boundary.

    Every grant of a role-changing action must require the permissions boundary
    (`iam:PermissionsBoundary`); attaching must name the managed policies it allows
    (`iam:PolicyARN`); passing a role must name the services (`iam:PassedToService`); and a
    template that lets roles be made must deny removing their boundary.
    """
    findings = []
    for logical_id, resource in load_template(path)["Resources"].items():
        statements = [s for document in _policy_documents(resource) for s in _statements(document)]
        allowed = [s for s in statements if s.get("Effect") == "Allow"]
        for statement in allowed:
            where = f"{path.name}: {logical_id} {statement.get('Sid', '')}".rstrip()
            for action in ROLE_CHANGES:
                if _grants(statement, action) and _condition(statement, "iam:PermissionsBoundary") is None:
                    findings.append(f"{where} allows {action} without the permissions boundary")
            if _grants(statement, "iam:AttachRolePolicy") and _condition(statement, "iam:PolicyARN") is None:
                findings.append(f"{where} allows attaching any managed policy")
            if _grants(statement, "iam:PassRole") and _condition(statement, "iam:PassedToService") is None:
                findings.append(f"{where} allows passing roles to any service")
        makes_roles = any(_grants(s, "iam:CreateRole") for s in allowed)
        keeps_boundary = any(
            s.get("Effect") == "Deny" and _grants(s, "iam:DeleteRolePermissionsBoundary") for s in statements
        )
        if makes_roles and not keeps_boundary:
            findings.append(f"{path.name}: {logical_id} may make roles but not deny removing their boundary")
    return findings


def _boundary(value: Any) -> bool:
    """Whether a PermissionsBoundary value is the boundary parameter (directly or when one is set)."""
    if value == {"Ref": "PermissionsBoundaryArn"}:
        return True
    if isinstance(value, dict) and "Fn::If" in value:
        return any(_boundary(branch) for branch in value["Fn::If"][1:])
    return False


def roles_without_the_boundary(path: Path) -> list[str]:
    """Roles a backend template makes (itself or through SAM) that would not carry the boundary."""
    template = load_template(path)
    function_globals = (template.get("Globals") or {}).get("Function") or {}
    findings = []
    for logical_id, resource in template["Resources"].items():
        properties = resource.get("Properties") or {}
        resource_type = resource["Type"]
        if resource_type == "AWS::Serverless::Function" and "Role" not in properties:
            boundary = properties.get("PermissionsBoundary", function_globals.get("PermissionsBoundary"))
            if not _boundary(boundary):
                findings.append(f"{path.name}: {logical_id}'s role has no permissions boundary")
        bounded_itself = resource_type in ("AWS::Serverless::StateMachine", "AWS::IAM::Role")
        if (
            bounded_itself
            and "Role" not in properties
            and not _boundary(properties.get("PermissionsBoundary"))
        ):
            findings.append(f"{path.name}: {logical_id}'s role has no permissions boundary")
        for name, event in (properties.get("Events") or {}).items():
            event_properties = event.get("Properties") or {}
            own_role = event.get("Type") == "ScheduleV2" and "RoleArn" not in event_properties
            if own_role and not _boundary(event_properties.get("PermissionsBoundary")):
                findings.append(f"{path.name}: {logical_id}'s {name} schedule role has no boundary")
    return findings
