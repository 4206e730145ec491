"""hdoc's own checks on templates, for what the linters do not cover. Each returns its findings."""

from __future__ import annotations

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


def hard_coded_names(path: Path) -> list[str]:
    """Resources in the template at `path` that set a physical name."""
    findings = []
    for logical_id, resource in load_template(path)["Resources"].items():
        resource_type = resource["Type"]
        properties: dict[str, Any] = resource.get("Properties") or {}
        for name in properties:
            if (resource_type, name) in NOT_PHYSICAL:
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
