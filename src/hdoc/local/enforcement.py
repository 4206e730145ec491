"""The embedded AWS refuses what a role does not allow: every request signed with a role's session
(local/iam.py) is checked, action by action and resource by resource, as IAM would (policies.py),
before moto carries it out. A refusal is AccessDeniedException, worded as AWS words it, and is
recorded against the session, so the local runtime can say which function was refused what.

What each request asks for, by service (the IAM action and the ARN it is checked against):
DynamoDB by table and index (a transaction's and a batch's every table), DynamoDB Streams by stream,
Secrets Manager by secret (with the secret's own resource policy), Step Functions by state machine or
execution, Cognito user pools by pool (with the pool's tags from the template), SQS by queue, Lambda
by function, CloudFront by distribution, STS and the rest against `*`. Requests signed with the
runtime's own credentials (the emulated AWS services: provisioning, the event source mappings'
bookkeeping, the tests' setup) and unsigned ones are not checked.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.exceptions import JsonRESTError, _RESTError

from hdoc.local.cfn import ACCOUNT_ID, REGION
from hdoc.local.iam import ExecutionRole, LocalIam
from hdoc.local.policies import Request, decide

_original_authorize = ActionAuthenticatorMixin._authenticate_and_authorize_normal_action

# The IAM action of an API operation, where the two are not spelled the same.
_ACTION_NAMES = {
    ("lambda", "Invoke"): "InvokeFunction",
    # SQS's batch operations are authorized as the one-message action
    ("sqs", "SendMessageBatch"): "SendMessage",
    ("sqs", "DeleteMessageBatch"): "DeleteMessage",
    ("sqs", "ChangeMessageVisibilityBatch"): "ChangeMessageVisibility",
}
_XML_SERVICES = frozenset({"cloudfront"})  # the services called here whose errors are XML
_SIGNING_TO_IAM = {"monitoring": "cloudwatch", "execute-api": "execute-api"}
_TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}


class AccessDeniedXml(_RESTError):
    """A refusal as an XML service words it (CloudFront's AccessDenied, HTTP 403)."""

    code = 403

    def __init__(self, message: str) -> None:
        super().__init__("AccessDenied", message)
        from xmltodict import unparse

        error = {"Type": "Sender", "Code": "AccessDenied", "Message": message}
        self.description = unparse({"ErrorResponse": {"Error": error}}, full_document=True)


@dataclass(frozen=True)
class Denial:
    """A request the embedded AWS refused: who, what, on what, and why."""

    role: str
    session: str
    action: str
    resource: str
    reason: str

    def __str__(self) -> str:
        return f"{self.action} on {self.resource} ({self.reason} of role {self.role})"


def _arn(service: str, resource: str) -> str:
    return f"arn:aws:{service}:{REGION}:{ACCOUNT_ID}:{resource}"


def _table_arn(name: str) -> str:
    return name if name.startswith("arn:") else _arn("dynamodb", f"table/{name}")


def _dynamodb(operation: str, body: dict[str, Any]) -> list[tuple[str, str]]:
    if operation in ("TransactWriteItems", "TransactGetItems"):
        return [
            (f"dynamodb:{_TRANSACT_ACTIONS[kind]}", _table_arn(request["TableName"]))
            for item in body.get("TransactItems", [])
            for kind, request in item.items()
        ]
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [(f"dynamodb:{operation}", _table_arn(table)) for table in body.get("RequestItems", {})]
    if "StreamArn" in body:
        return [(f"dynamodb:{operation}", body["StreamArn"])]
    if "ShardIterator" in body:  # moto's iterators begin with their stream's ARN
        return [(f"dynamodb:{operation}", str(body["ShardIterator"]).split("|", 1)[0])]
    if "TableName" in body:
        table = _table_arn(body["TableName"])
        index = body.get("IndexName")
        return [(f"dynamodb:{operation}", f"{table}/index/{index}" if index else table)]
    return [(f"dynamodb:{operation}", "*")]


def _secret_arn(secret_id: str) -> str:
    from moto.secretsmanager.models import secretsmanager_backends

    found = secretsmanager_backends[ACCOUNT_ID][REGION].secrets.get(secret_id)
    return found.arn if found is not None else _arn("secretsmanager", f"secret:{secret_id}")


def _secret_policy(arn: str) -> dict[str, Any] | None:
    from moto.secretsmanager.models import secretsmanager_backends

    found = secretsmanager_backends[ACCOUNT_ID][REGION].secrets.get(arn)
    policy = getattr(found, "policy", None)
    return json.loads(policy) if policy else None


def _function_arn(path: str) -> str:
    # /2015-03-31/functions/{name or ARN}/invocations
    name = unquote(path.split("/functions/", 1)[-1].split("/", 1)[0])
    return name if name.startswith("arn:") else _arn("lambda", f"function:{name}")


class Enforcer:
    """Checks the requests signed by the sessions of `iam`'s roles; counts what each role used."""

    def __init__(self, iam: LocalIam, resource_tags: dict[str, dict[str, str]]) -> None:
        self.iam = iam
        self.resource_tags = resource_tags  # by ARN: tags the emulation does not keep (user pools')
        self.used: dict[str, Counter[str]] = defaultdict(Counter)  # role logical id -> actions allowed
        self._denials: dict[str, list[Denial]] = defaultdict(list)  # by access key id, until read
        self.refused: deque[Denial] = deque(maxlen=10_000)  # every refusal, for whoever asks
        self._lock = threading.Lock()

    def requested(
        self, service: str, operation: str, body: dict[str, Any], path: str
    ) -> list[tuple[str, str]]:
        """The IAM actions and resources one request asks for."""
        if service == "dynamodb":
            return _dynamodb(operation, body)
        if service == "secretsmanager" and "SecretId" in body:
            return [(f"secretsmanager:{operation}", _secret_arn(body["SecretId"]))]
        if service == "states":
            arn = body.get("stateMachineArn") or body.get("executionArn") or "*"
            return [(f"states:{operation}", arn)]
        if service == "cognito-idp" and "UserPoolId" in body:
            return [(f"cognito-idp:{operation}", _arn("cognito-idp", f"userpool/{body['UserPoolId']}"))]
        if service == "sqs" and "QueueUrl" in body:
            queue = urlsplit(body["QueueUrl"]).path.rstrip("/").rsplit("/", 1)[-1]
            return [(f"sqs:{_ACTION_NAMES.get((service, operation), operation)}", _arn("sqs", queue))]
        if service == "cloudfront" and "/distribution/" in path:
            distribution = path.split("/distribution/", 1)[1].split("/", 1)[0]
            return [
                (f"cloudfront:{operation}", f"arn:aws:cloudfront::{ACCOUNT_ID}:distribution/{distribution}")
            ]
        if service == "lambda" and "/functions/" in path:
            return [(f"lambda:{_ACTION_NAMES.get((service, operation), operation)}", _function_arn(path))]
        return [(f"{_SIGNING_TO_IAM.get(service, service)}:{operation}", "*")]

    def check(
        self, access_key_id: str, service: str, operation: str, body: dict[str, Any], path: str
    ) -> None:
        """Raise AccessDeniedException unless the session's role allows every part of the request."""
        session = self.iam.session_of(access_key_id)
        if session is None or (service, operation) == ("sts", "GetCallerIdentity"):
            return
        role, session_name = session
        for action, resource in self.requested(service, operation, body, path):
            decision = decide(
                role.policies,
                self._request(role, action, resource),
                boundary=role.boundary,
                resource_policy=_secret_policy(resource) if action.startswith("secretsmanager:") else None,
            )
            if not decision.allowed:
                denial = Denial(role.logical_id, session_name, action, resource, decision.reason)
                with self._lock:
                    self._denials[access_key_id].append(denial)
                    self.refused.append(denial)
                principal = f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role.name}/{session_name}"
                message = (
                    f"User: {principal} is not authorized to perform: {action} on resource: {resource} "
                    f"because {decision.reason}"
                )
                if service in _XML_SERVICES:  # answered in XML, as CloudFront answers
                    raise AccessDeniedXml(message)
                error = JsonRESTError("AccessDeniedException", message)
                error.code = 403 if service == "lambda" else 400
                raise error
            with self._lock:
                self.used[role.logical_id][action] += 1

    def _request(self, role: ExecutionRole, action: str, resource: str) -> Request:
        context: dict[str, str | list[str]] = {
            "aws:PrincipalArn": role.arn,
            "aws:PrincipalAccount": ACCOUNT_ID,
            "aws:RequestedRegion": REGION,
            "aws:SecureTransport": "true",  # AWS's SDKs call over TLS; the emulation's loopback is not
        }
        for key, value in self.resource_tags.get(resource, {}).items():
            context[f"aws:ResourceTag/{key}"] = value
        return Request(action, resource, role.arn, context)

    def denials_of(self, access_key_id: str) -> list[Denial]:
        """The refusals of this session since the last call (and forget them)."""
        with self._lock:
            return self._denials.pop(access_key_id, [])


_enforcer: Enforcer | None = None

USAGE_LOG = "HDOC_IAM_USAGE_LOG"


def record_usage(enforcer: Enforcer) -> None:
    """Append what each role used (one JSON line a role) to the file named by $HDOC_IAM_USAGE_LOG,
    if set: `python -m hdoc.local.permissions_report` turns a whole suite's lines into the table of
    actions used and granted."""
    path = os.environ.get(USAGE_LOG)
    if not path:
        return
    with enforcer._lock, open(path, "a", encoding="utf-8") as log:
        for role, actions in enforcer.used.items():
            log.write(json.dumps({"role": role, "actions": dict(actions)}) + "\n")


def _request_parts(response: Any) -> tuple[str, str, str, dict[str, Any], str] | None:
    """(access key id, signing service, operation, JSON body, path) of a signed request, or None."""
    authorization = response.headers.get("Authorization") or ""
    if "Credential=" not in authorization:
        return None
    scope = authorization.split("Credential=", 1)[1].split(",", 1)[0].split("/")
    raw = getattr(response, "raw_body", None) or response.body  # moto's DynamoDB replaces `body`
    try:
        body = json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        body = {}
    if not isinstance(body, dict):
        body = {}
    if not body and getattr(response, "querystring", None):
        body = {key: values[0] for key, values in response.querystring.items() if values}
    return scope[0], scope[3], response._get_action(), body, urlsplit(response.uri).path


def _authorize(self: Any, resource: str = "*") -> None:
    enforcer = _enforcer
    if enforcer is None:
        _original_authorize(self, resource)
        return
    parts = _request_parts(self)
    if parts is not None:
        enforcer.check(*parts)


def start(enforcer: Enforcer) -> None:
    """Check every request the embedded AWS (in this process) answers, from now until `stop`."""
    global _enforcer  # noqa: PLW0603  (moto's hook is process-wide, as the embedded AWS is)
    _enforcer = enforcer
    ActionAuthenticatorMixin._authenticate_and_authorize_normal_action = _authorize  # type: ignore[method-assign]


def stop(enforcer: Enforcer) -> None:
    global _enforcer  # noqa: PLW0603
    if _enforcer is enforcer:
        _enforcer = None
