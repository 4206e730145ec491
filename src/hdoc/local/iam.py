"""Execution roles as deployed: each function's (and the state machine's, and its schedule's) role,
made from the templates exactly as SAM makes it, created in the embedded IAM, and assumed through the
embedded STS, so that whatever runs under it calls AWS with that role's credentials.

SAM's own translator (the code `sam deploy` runs in CloudFormation's transform) turns each template
into the roles it implies: the inline statements, policy templates such as DynamoDBCrudPolicy, the
managed policies it adds (basic execution, X-Ray for `Tracing: Active`, stream reading for a DynamoDB
event), and the permissions boundary. The local runtime then provisions those roles like any
`AWS::IAM::Role` of a template, and enforcement.py checks every request made with them.
"""

from __future__ import annotations

import copy
import json
import logging
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from hdoc.local.cfn import ACCOUNT_ID, REGION, Evaluator, TemplateError, load_template
from hdoc.local.policies import UnenforceablePolicyError, check_document, listed

Credentials = tuple[str, str, str]  # access key id, secret access key, session token

_PLACEHOLDER_CODE = "s3://hdoc-local/code.zip"
_PLACEHOLDER_DEFINITION = {"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}


@cache
def _aws_managed_policies() -> dict[str, dict[str, Any]]:
    """AWS's managed policies (moto ships their documents), by ARN."""
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    return {
        f"arn:aws:iam::aws:policy{data.get('Path', '/')}{name}": data
        for name, data in json.loads(aws_managed_policies_data).items()
    }


class _ManagedPolicies:
    """What SAM's translator asks IAM for: the ARN of each managed policy named without one."""

    @staticmethod
    def load() -> dict[str, str]:
        return {arn.rsplit("/", 1)[-1]: arn for arn in _aws_managed_policies()}


def implied_roles(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The `AWS::IAM::Role` resources SAM adds to `template` (by logical id, intrinsics kept)."""
    from samtranslator.translator.transform import transform

    serverless = {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource.get("Type") in ("AWS::Serverless::Function", "AWS::Serverless::StateMachine")
    }
    if not serverless:
        return {}
    fragment = copy.deepcopy({key: value for key, value in template.items() if key != "Resources"})
    fragment["Resources"] = copy.deepcopy(serverless)
    fragment.setdefault("Transform", "AWS::Serverless-2016-10-31")
    fragment.get("Globals", {}).get("Function", {}).pop("CodeUri", None)
    for resource in fragment["Resources"].values():
        properties = resource.setdefault("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function":
            properties["CodeUri"] = _PLACEHOLDER_CODE
            # Only events that change the role matter here (a stream's, a queue's); an API's needs
            # its API, which is not in this fragment.
            properties["Events"] = {
                name: event
                for name, event in properties.get("Events", {}).items()
                if event.get("Type") not in ("Api", "HttpApi")
            }
        else:
            properties.pop("DefinitionUri", None)
            properties["Definition"] = _PLACEHOLDER_DEFINITION
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    translated = transform(
        fragment, {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT_ID}, _ManagedPolicies()
    )
    return {
        logical_id: resource
        for logical_id, resource in translated["Resources"].items()
        if resource["Type"] == "AWS::IAM::Role" and logical_id not in template["Resources"]
    }


@dataclass
class ExecutionRole:
    """A role of the templates as created in the embedded IAM, with what IAM evaluates for it."""

    logical_id: str
    name: str
    arn: str
    inline: list[dict[str, Any]]  # the template's statements and policy templates
    managed: list[dict[str, Any]]  # the managed policies' documents (SAM's, the template's)
    boundary: dict[str, Any] | None
    services: tuple[str, ...]  # who may assume it (its trust policy's service principals)
    sessions: dict[str, Credentials] = field(default_factory=dict)  # by session name

    @property
    def policies(self) -> list[dict[str, Any]]:
        """Its identity-based policies, as IAM evaluates them."""
        return [*self.inline, *self.managed]


class LocalIam:
    """The roles of the templates in the embedded IAM, and their sessions from its STS."""

    def __init__(self, iam: Any, sts: Any) -> None:
        self._iam = iam
        self._sts = sts
        self.roles: dict[str, ExecutionRole] = {}  # by ARN
        self._sessions: dict[str, tuple[ExecutionRole, str]] = {}  # access key id -> (role, session)
        self._managed_created: set[str] = set()

    def create_role(self, logical_id: str, name: str, declared: dict[str, Any]) -> ExecutionRole:
        """Create the role `declared` (evaluated Properties of an AWS::IAM::Role) as `name`."""
        trust = declared["AssumeRolePolicyDocument"]
        boundary_arn = declared.get("PermissionsBoundary")
        self._iam.create_role(
            RoleName=name,
            AssumeRolePolicyDocument=json.dumps(trust),
            **({"PermissionsBoundary": boundary_arn} if boundary_arn else {}),
        )
        documents: list[dict[str, Any]] = []
        managed: list[dict[str, Any]] = []
        for inline in declared.get("Policies", []):
            # IAM takes a document without a Version (SAM writes none); moto insists on one
            stored = {"Version": "2012-10-17", **inline["PolicyDocument"]}
            self._iam.put_role_policy(
                RoleName=name, PolicyName=inline["PolicyName"], PolicyDocument=json.dumps(stored)
            )
            documents.append(inline["PolicyDocument"])
        for arn in declared.get("ManagedPolicyArns", []):
            managed.append(self._managed_document(arn))
            self._iam.attach_role_policy(RoleName=name, PolicyArn=arn)
        boundary = self._managed_document(boundary_arn) if boundary_arn else None
        for index, document in enumerate([*documents, *managed, *([boundary] if boundary else [])]):
            try:
                check_document(document, f"{logical_id} (policy {index + 1})")
            except UnenforceablePolicyError as error:
                raise TemplateError(str(error)) from error
        services = tuple(
            service
            for statement in trust.get("Statement", [])
            for service in listed(statement.get("Principal", {}).get("Service", []))
        )
        arn = f"arn:aws:iam::{ACCOUNT_ID}:role/{name}"
        role = ExecutionRole(logical_id, name, arn, documents, managed, boundary, services)
        self.roles[role.arn] = role
        return role

    def create_managed_policy(self, name: str, document: dict[str, Any]) -> str:
        """A customer managed policy (a permissions boundary, say); its ARN."""
        created = self._iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(document))
        return str(created["Policy"]["Arn"])

    def _managed_document(self, arn: str) -> dict[str, Any]:
        aws_managed = _aws_managed_policies().get(arn)
        if aws_managed is not None:
            self._ensure_aws_managed(arn, aws_managed)
            return dict(aws_managed["Document"])
        if not arn.startswith(f"arn:aws:iam::{ACCOUNT_ID}:policy/"):
            raise TemplateError(f"no managed policy {arn} in the embedded IAM")
        version = self._iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        document = self._iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
        return json.loads(document) if isinstance(document, str) else dict(document)

    def _ensure_aws_managed(self, arn: str, data: dict[str, Any]) -> None:
        # moto loads AWS's ~1,300 managed policies only on request, all at once; these are the few used.
        if arn in self._managed_created:
            return
        from moto.iam.models import AWSManagedPolicy, iam_backends

        backend = iam_backends[ACCOUNT_ID]["aws"]
        if arn not in backend.managed_policies:
            backend.managed_policies[arn] = AWSManagedPolicy.from_data(
                arn.rsplit("/", 1)[-1], ACCOUNT_ID, REGION, data
            )
        self._managed_created.add(arn)

    def assume(self, role_arn: str, session_name: str) -> Credentials:
        """Credentials of a session of the role, from the embedded STS (one per session name)."""
        role = self.roles[role_arn]
        if session_name not in role.sessions:
            answer = self._sts.assume_role(RoleArn=role_arn, RoleSessionName=session_name[:64])["Credentials"]
            credentials = (answer["AccessKeyId"], answer["SecretAccessKey"], answer["SessionToken"])
            role.sessions[session_name] = credentials
            self._sessions[credentials[0]] = (role, session_name)
        return role.sessions[session_name]

    def session_of(self, access_key_id: str) -> tuple[ExecutionRole, str] | None:
        """The role and session that `access_key_id` belongs to, or None (the runtime's own key)."""
        return self._sessions.get(access_key_id)


def lambda_variables(function: Any) -> dict[str, str]:
    """The variables Lambda sets in every function's environment (beside the template's)."""
    return {
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_LAMBDA_FUNCTION_NAME": function.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
    }


PIPELINE_TEMPLATE = Path(__file__).resolve().parents[3] / "cicd" / "pipeline.yaml"


def pipeline_boundary(stage: str, pipeline_template: Path = PIPELINE_TEMPLATE) -> dict[str, Any]:
    """The permissions boundary the delivery pipeline gives every role of `stage` (its FunctionBoundary)."""
    template = load_template(pipeline_template)
    declared = template["Resources"]["FunctionBoundary"]["Properties"]["PolicyDocument"]

    def no_resources(logical_id: str, _attribute: str | None) -> Any:
        raise TemplateError(
            f"the pipeline's boundary refers to {logical_id}, which the local runtime has not"
        )

    evaluator = Evaluator(f"hdoc-backend-{stage}-pipeline", {"Stage": stage}, {}, no_resources)
    return dict(evaluator.evaluate(declared))
