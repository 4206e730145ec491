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
