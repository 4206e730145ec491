"""The local runtime: hdoc's whole backend on one machine, built from the same templates as AWS.

It starts an embedded AWS (moto, in-process, on loopback), walks the root template and every nested
stack, creates what they declare (tables with their keys, indexes and streams), and collects each
function with its handler, environment and API routes. Nothing here names a table, a route or a
function: adding one to a template adds it here.
"""

from __future__ import annotations

import contextvars
import importlib
import json
import logging
import os
import re
import secrets
import string
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from hdoc import aws
from hdoc.local.cfn import (
    ACCOUNT_ID,
    NO_VALUE,
    REGION,
    Evaluator,
    TemplateError,
    load_template,
    parameter_values,
)
from hdoc.local.cognito import AppClient, Authorizer, LocalCognito, LocalUserPool
from hdoc.local.streams import StreamPoller, StreamSubscription

# What the local runtime changes in the environment of the functions it runs, whatever the template.
LOCAL_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
}


def default_template() -> Path:
    """The project's root template: ./template.yaml, else the one beside the source tree."""
    here = Path.cwd() / "template.yaml"
    if here.exists():
        return here
    return Path(__file__).resolve().parents[3] / "template.yaml"


def _random_suffix(length: int = 12) -> str:
    return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(length))


def physical_name(stack_name: str, logical_id: str) -> str:
    """A name like CloudFormation's own: stack-LogicalId-RANDOMSUFFIX."""
    return f"{stack_name}-{logical_id}-{_random_suffix()}"


@dataclass
class Provisioned:
    """A created resource: what Ref gives, and what GetAtt can ask for."""

    ref: Any
    attributes: dict[str, Any] = field(default_factory=dict)


class LocalContext:
    """The parts of Lambda's context object that handlers use."""

    def __init__(self, function: LocalFunction) -> None:
        self.function_name = function.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = function.arn
        self.memory_limit_in_mb = function.memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function.name}"
        self.log_stream_name = f"local/{self.aws_request_id}"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + function.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass
class LocalFunction:
    """A Lambda function declared in a template."""

    logical_id: str
    name: str
    handler: str
    environment: dict[str, str]
    timeout_seconds: int
    memory_mb: int
    events: dict[str, Any]
    # One warm container per function: Lambda never runs two events at once in one container, and
    # handlers (Powertools routers among them) keep per-request state in module objects.
    _container: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.name}"

    def entry_point(self) -> Callable[[dict[str, Any], Any], Any]:
        module_name, _, attribute = self.handler.rpartition(".")
        return getattr(importlib.import_module(module_name), attribute)

    def invoke(self, event: dict[str, Any]) -> Any:
        """Call the handler as Lambda would, with a fresh context, one event at a time."""
        with self._container:
            return self.entry_point()(event, LocalContext(self))


_PATH_PARAMETER = re.compile(r"^\{([A-Za-z0-9_]+)(\+?)\}$")


@dataclass
class Route:
    """An API event: a method and path template served by a function."""

    method: str
    path: str
    function: LocalFunction
    stage: str
    properties: dict[str, Any]
    authorizer: Authorizer | None = None

    def match(self, path: str) -> tuple[dict[str, str], tuple[int, ...]] | None:
        """Path parameters and a specificity (literal beats parameter beats greedy), or None."""
        wanted = [segment for segment in self.path.strip("/").split("/") if segment]
        given = [segment for segment in path.strip("/").split("/") if segment]
        parameters: dict[str, str] = {}
        rank: list[int] = []
        for index, segment in enumerate(wanted):
            parameter = _PATH_PARAMETER.match(segment)
            if parameter and parameter.group(2):  # {proxy+}: the rest of the path, at least one segment
                if len(given) <= index:
                    return None
                parameters[parameter.group(1)] = "/".join(given[index:])
                rank.append(0)
                return parameters, tuple(rank)
            if index >= len(given):
                return None
            if parameter:
                parameters[parameter.group(1)] = given[index]
                rank.append(1)
            elif segment == given[index]:
                rank.append(2)
            else:
                return None
        if len(given) != len(wanted):
            return None
        return parameters, tuple(rank)


class LocalStack:
    """One stack (the root, or a nested one): its parameters, conditions and created resources."""

    def __init__(self, runtime: LocalRuntime, name: str, template_path: Path, parameters: dict[str, Any]):
        self.runtime = runtime
        self.name = name
        self.template_path = template_path
        self.template = load_template(template_path)
        self.evaluator = Evaluator(
            name,
            parameter_values(self.template, parameters, str(template_path)),
            self.template.get("Conditions", {}),
            self._lookup,
        )
        self.resources: dict[str, Provisioned] = {}
        self._in_progress: set[str] = set()

    @property
    def function_globals(self) -> dict[str, Any]:
        return dict(self.template.get("Globals", {}).get("Function", {}))

    def provision_all(self) -> None:
        for logical_id in self.template["Resources"]:
            self.provision(logical_id)

    def provision(self, logical_id: str) -> Provisioned:
        """Create a resource (and, first, whatever it refers to)."""
        if logical_id in self.resources:
            return self.resources[logical_id]
        declaration = self.template["Resources"].get(logical_id)
        if declaration is None:
            raise TemplateError(f"{self.template_path}: no resource or parameter named {logical_id}")
        if logical_id in self._in_progress:
            raise TemplateError(f"{self.template_path}: circular reference through {logical_id}")
        self._in_progress.add(logical_id)
        try:
            condition = declaration.get("Condition")
            if condition is not None and not self.evaluator.condition(condition):
                created = Provisioned(ref=NO_VALUE)
            else:
                provisioner = self.runtime.provisioner(declaration["Type"])
                created = provisioner(self, logical_id, declaration.get("Properties", {}))
        finally:
            self._in_progress.discard(logical_id)
        self.resources[logical_id] = created
        self.runtime.created[f"{self.name}.{logical_id}"] = created
        return created

    def _lookup(self, logical_id: str, attribute: str | None) -> Any:
        created = self.provision(logical_id)
        if attribute is None:
            return created.ref
        if attribute not in created.attributes:
            raise TemplateError(f"{self.template_path}: {logical_id} has no attribute {attribute} locally")
        return created.attributes[attribute]

    def outputs(self) -> dict[str, Any]:
        return {
            name: self.evaluator.evaluate(output["Value"])
            for name, output in self.template.get("Outputs", {}).items()
        }


Provisioner = Callable[[LocalStack, str, dict[str, Any]], Provisioned]


@dataclass
class RequestStats:
    """What one request cost in DynamoDB."""

    items_read: int = 0
    items_written: int = 0
    calls: list[str] = field(default_factory=list)


_request_stats: contextvars.ContextVar[RequestStats | None] = contextvars.ContextVar(
    "hdoc_request_stats", default=None
)


class LocalRuntime:
    """The whole backend, built from the templates, on an embedded AWS."""

    def __init__(
        self,
        template: Path | None = None,
        *,
        stage: str = "dev",
        stack_name: str | None = None,
        parameters: dict[str, Any] | None = None,
        dynamodb_endpoint: str | None = None,
        poll_streams: bool = True,
        github_token: str = "local-github-token",
        secret_values: dict[str, str] | None = None,
    ) -> None:
        self.template = (template or default_template()).resolve()
        self.stage = stage
        self.stack_name = stack_name or f"hdoc-backend-{stage}"
        self.parameters = {"Stage": stage, "Architecture": "x86_64", **(parameters or {})}
        self.aws_endpoint: str | None = None  # the embedded AWS, once started
        # DynamoDB (and its streams) can live elsewhere: any DynamoDB-compatible endpoint.
        self.dynamodb_endpoint = dynamodb_endpoint
        # Streams reach their consumers in the background; tests turn this off and call
        # deliver_streams() to deliver exactly when they choose.
        self.poll_streams = poll_streams
        # What the local runtime puts in the secrets the templates create, by logical id (the GitHub
        # token, the OAuth App's secret); any other gets a random value, as GenerateSecretString would.
        self.github_token = github_token
        self.secret_values = {"GitHubTokenSecret": github_token, **(secret_values or {})}
        self.state_machines: dict[str, str] = {}  # logical id -> ARN
        self.schedules: list[tuple[str, dict[str, Any]]] = []  # (state machine ARN, schedule properties)
        self._running_schedules: list[Any] = []
        self.stream_events: list[tuple[LocalFunction, dict[str, Any]]] = []
        self.subscriptions: list[StreamSubscription] = []
        self._poller: StreamPoller | None = None
        self.functions: list[LocalFunction] = []
        self.routes: list[Route] = []
        self.tables: dict[str, str] = {}  # "stack-name.LogicalId" -> physical table name
        self.created: dict[str, Provisioned] = {}  # "stack-name.LogicalId" -> every created resource
        self.root: LocalStack | None = None
        self.apis: dict[str, dict[str, Any]] = {}  # REST API id -> its evaluated Auth settings
        self.cognito: LocalCognito | None = None
        self._moto: Any = None
        self._saved_environment: dict[str, str | None] = {}
        self._provisioners: dict[str, Provisioner] = {
            "AWS::Serverless::Application": _provision_application,
            "AWS::CloudFormation::Stack": _provision_application,
            "AWS::DynamoDB::Table": _provision_table,
            "AWS::Serverless::Function": _provision_function,
            "AWS::Serverless::Api": _provision_api,
            "AWS::SQS::Queue": _provision_queue,
            "AWS::Cognito::UserPool": _provision_user_pool,
            "AWS::Cognito::UserPoolClient": _provision_user_pool_client,
            "AWS::Cognito::UserPoolGroup": _provision_user_pool_group,
            "AWS::SecretsManager::Secret": _provision_secret,
            "AWS::Serverless::StateMachine": _provision_state_machine,
        }

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> LocalRuntime:
        """Start the embedded AWS and create everything the templates declare."""
        from moto.server import ThreadedMotoServer

        from hdoc.local import moto_patches, moto_services

        moto_patches.install()
        moto_services.install()
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's own request log
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        self.aws_endpoint = f"http://{host}:{port}"
        self.dynamodb_endpoint = self.dynamodb_endpoint or self.aws_endpoint
        self._set_environment(
            {
                **LOCAL_ENVIRONMENT,
                "AWS_ENDPOINT_URL": self.aws_endpoint,
                "AWS_ENDPOINT_URL_DYNAMODB": self.dynamodb_endpoint,
                "AWS_ENDPOINT_URL_DYNAMODB_STREAMS": self.dynamodb_endpoint,
                # Where moto's Step Functions sends the Lambda invocations of a state machine.
                "MOTO_PORT": str(port),
            }
        )
        aws.reset()
        self.cognito = LocalCognito(self.client("cognito-idp"), self.aws_endpoint, self.invoke_function)
        self.root = LocalStack(self, self.stack_name, self.template, self.parameters)
        self.root.provision_all()
        self._set_environment(self._functions_environment())
        self._forget_cached_settings()
        aws.add_session_hook(_count_dynamodb_reads)
        for function in self.functions:
            moto_services.register(function.arn, function.name, function.invoke)
        self._subscribe_to_streams()
        return self

    def _subscribe_to_streams(self) -> None:
        streams = self.client("dynamodbstreams")
        for function, properties in self.stream_events:
            self.subscriptions.append(
                StreamSubscription.from_event(
                    function.logical_id, function.invoke, properties, streams, self.send_to_queue
                )
            )
        if self.poll_streams:
            self._poller = StreamPoller(self.subscriptions)
            self._poller.start()

    def invoke_function(self, arn: str, event: dict[str, Any]) -> Any:
        """Invoke the function with this ARN, as another AWS service would."""
        for function in self.functions:
            if function.arn == arn:
                return function.invoke(event)
        raise KeyError(f"no function has the ARN {arn}")

    def deliver_streams(self, rounds: int = 10) -> int:
        """Deliver every pending stream record now, including records written while delivering."""
        delivered = 0
        for _ in range(rounds):
            handled = sum(subscription.deliver_pending() for subscription in self.subscriptions)
            delivered += handled
            if handled == 0:
                break
        return delivered

    def start_schedules(self) -> list[str]:
        """Run the templates' rate schedules from now on (until stop()); the expressions started."""
        from hdoc.local.schedules import LocalSchedule

        started = []
        for arn, properties in self.schedules:
            schedule = LocalSchedule.from_event(arn, properties, self.client("stepfunctions"))
            if schedule.start():
                self._running_schedules.append(schedule)
                started.append(schedule.expression)
        return started

    def state_machine_arn(self, logical_id: str | None = None) -> str:
        """The ARN of the state machine declared as `logical_id` (or of the only one)."""
        if logical_id is None:
            if len(self.state_machines) != 1:
                raise KeyError(f"{len(self.state_machines)} state machines are declared; name one")
            return next(iter(self.state_machines.values()))
        return self.state_machines[logical_id]

    def run_state_machine(
        self, input_document: dict[str, Any], *, logical_id: str | None = None, timeout_seconds: float = 600
    ) -> dict[str, Any]:
        """Start an execution, wait for it to end (at most `timeout_seconds`), and describe how it ended."""
        client = self.client("stepfunctions")
        execution = client.start_execution(
            stateMachineArn=self.state_machine_arn(logical_id),
            name=f"local-{uuid.uuid4()}",
            input=json.dumps(input_document),
        )["executionArn"]
        deadline = time.monotonic() + timeout_seconds
        while True:
            described = client.describe_execution(executionArn=execution)
            if described["status"] != "RUNNING" or time.monotonic() > deadline:
                break
            time.sleep(0.05)  # polling an execution the interpreter runs in its own thread
        output = json.loads(described["output"]) if described.get("output") else None
        return {
            "executionArn": execution,
            "status": described["status"],
            "output": output,
            "error": described.get("error"),
            "cause": described.get("cause"),
        }

    def send_to_queue(self, queue_arn: str, message: dict[str, Any]) -> None:
        """Send a JSON message to the queue with this ARN (an on-failure destination)."""
        sqs = self.client("sqs")
        queue_name = queue_arn.rsplit(":", 1)[-1]
        queue_url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
        sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(message))

    def stop(self) -> None:
        """Stop the embedded AWS and restore the environment as it was."""
        for schedule in self._running_schedules:
            schedule.stop()
        self._running_schedules.clear()
        if self._poller is not None:
            self._poller.stop()
            self._poller = None
        from hdoc.local import moto_services

        for function in self.functions:
            moto_services.unregister(function.arn, function.name)
        if self._moto is not None:
            self._moto.stop()
            self._moto = None
        for name, value in self._saved_environment.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_environment.clear()
        aws.reset()
        self._forget_cached_settings()

    def __enter__(self) -> LocalRuntime:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _set_environment(self, values: dict[str, str | None]) -> None:
        for name, value in values.items():
            self._saved_environment.setdefault(name, os.environ.get(name))
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    @staticmethod
    def _forget_cached_settings() -> None:
        from hdoc import settings

        settings.reset()

    def _functions_environment(self) -> dict[str, str | None]:
        # Functions run in this one process, so they share one environment. Two functions that give
        # the same variable different values cannot both be right here; say so rather than guess.
        merged: dict[str, str | None] = {}
        for function in self.functions:
            for name, value in function.environment.items():
                if name in merged and merged[name] != value:
                    raise TemplateError(
                        f"functions disagree on {name} ({merged[name]!r} vs {value!r}); the local "
                        "runtime runs every function in one process and needs one value"
                    )
                merged[name] = value
        return merged

    def provisioner(self, resource_type: str) -> Provisioner:
        return self._provisioners.get(resource_type, _provision_inert)

    # -- AWS clients -------------------------------------------------------------------------------

    def client(self, service: str) -> Any:
        """A boto3 client for the embedded AWS (or the DynamoDB endpoint, for DynamoDB)."""
        endpoint = self.dynamodb_endpoint if service in ("dynamodb", "dynamodbstreams") else self.aws_endpoint
        return boto3.client(service, endpoint_url=endpoint, region_name=REGION)

    def table_name(self, logical_id: str) -> str:
        """The physical name of the one table declared as `logical_id` in any stack."""
        return str(self.physical_id(logical_id))

    def physical_id(self, logical_id: str) -> Any:
        """What Ref gives for the one resource declared as `logical_id` in any stack."""
        matches = [
            created.ref
            for path, created in self.created.items()
            if path.rsplit(".", 1)[-1] == logical_id and created.ref is not NO_VALUE
        ]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} resources are declared as {logical_id}")
        return matches[0]

    # -- routing -----------------------------------------------------------------------------------

    def route(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        """The route API Gateway would pick for a request (most specific path first), or None."""
        best: tuple[tuple[int, ...], Route, dict[str, str]] | None = None
        for route in self.routes:
            if route.method not in (method, "ANY"):
                continue
            matched = route.match(path)
            if matched is not None and (best is None or matched[1] > best[0]):
                best = (matched[1], route, matched[0])
        return None if best is None else (best[1], best[2])

    def methods_for(self, path: str) -> list[str]:
        """The methods some route serves at `path`."""
        return sorted({route.method for route in self.routes if route.match(path) is not None})

    @contextmanager
    def measuring(self) -> Iterator[RequestStats]:
        """Count the DynamoDB items read by whatever runs inside (in this thread)."""
        stats = RequestStats()
        token = _request_stats.set(stats)
        try:
            yield stats
        finally:
            _request_stats.reset(token)


def _count_dynamodb_reads(session: boto3.session.Session) -> None:
    session.events.register("after-call.dynamodb", _count_items_read, unique_id="hdoc-count-items-read")
    session.events.register(
        "before-parameter-build.dynamodb", _count_items_written, unique_id="hdoc-count-items-written"
    )


_SINGLE_WRITES = ("PutItem", "UpdateItem", "DeleteItem")


def _count_items_written(params: dict[str, Any], model: Any, **_: Any) -> None:
    stats = _request_stats.get()
    if stats is None:
        return
    if model.name in _SINGLE_WRITES:
        stats.items_written += 1
    elif model.name == "TransactWriteItems":
        stats.items_written += len(params.get("TransactItems", []))
    elif model.name == "BatchWriteItem":
        stats.items_written += sum(len(requests) for requests in params.get("RequestItems", {}).values())


def _count_items_read(parsed: dict[str, Any], model: Any, **_: Any) -> None:
    stats = _request_stats.get()
    if stats is None:
        return
    operation = model.name
    stats.calls.append(operation)
    if operation in ("Query", "Scan"):
        stats.items_read += int(parsed.get("ScannedCount", parsed.get("Count", 0)))
    elif operation == "GetItem":
        stats.items_read += 1 if "Item" in parsed else 0
    elif operation == "BatchGetItem":
        stats.items_read += sum(len(items) for items in parsed.get("Responses", {}).values())


# -- provisioners: one per resource type the runtime gives a local life ------------------------------


def _provision_application(stack: LocalStack, logical_id: str, properties: dict[str, Any]) -> Provisioned:
    location = stack.evaluator.evaluate(
        properties["Location"] if "Location" in properties else properties["TemplateURL"]
    )
    parameters = stack.evaluator.evaluate(properties.get("Parameters", {}))
    nested = LocalStack(
        stack.runtime,
        physical_name(stack.name, logical_id),
        (stack.template_path.parent / location).resolve(),
        dict(parameters.items()),
    )
    nested.provision_all()
    outputs = nested.outputs()
    stack_id = f"arn:aws:cloudformation:{REGION}:{ACCOUNT_ID}:stack/{nested.name}/local"
    return Provisioned(ref=stack_id, attributes={f"Outputs.{name}": value for name, value in outputs.items()})


_TABLE_PROPERTIES = (
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "BillingMode",
    "ProvisionedThroughput",
    "StreamSpecification",
)


def _provision_table(stack: LocalStack, logical_id: str, properties: dict[str, Any]) -> Provisioned:
    declared = stack.evaluator.evaluate(
        {key: properties[key] for key in _TABLE_PROPERTIES if key in properties}
    )
    if "StreamSpecification" in declared:
        declared["StreamSpecification"] = {"StreamEnabled": True, **declared["StreamSpecification"]}
    name = physical_name(stack.name, logical_id)
    client = stack.runtime.client("dynamodb")
    ttl = stack.evaluator.evaluate(properties.get("TimeToLiveSpecification"))
    description = client.create_table(TableName=name, **declared)["TableDescription"]
    if ttl:
        client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
    stack.runtime.tables[f"{stack.name}.{logical_id}"] = name
    attributes = {"Arn": description["TableArn"]}
    if "LatestStreamArn" in description:
        attributes["StreamArn"] = description["LatestStreamArn"]
    return Provisioned(ref=name, attributes=attributes)


def _provision_function(stack: LocalStack, logical_id: str, properties: dict[str, Any]) -> Provisioned:
    merged = {**stack.function_globals, **properties}
    global_variables = stack.function_globals.get("Environment", {}).get("Variables", {})
    own_variables = properties.get("Environment", {}).get("Variables", {})
    environment = stack.evaluator.evaluate({**global_variables, **own_variables})
    function = LocalFunction(
        logical_id=logical_id,
        name=physical_name(stack.name, logical_id)[:64],
        handler=stack.evaluator.evaluate(merged["Handler"]),
        environment={name: str(value) for name, value in environment.items()},
        timeout_seconds=int(stack.evaluator.evaluate(merged.get("Timeout", 3))),
        memory_mb=int(stack.evaluator.evaluate(merged.get("MemorySize", 128))),
        events=merged.get("Events", {}),
    )
    stack.runtime.functions.append(function)
    for event in function.events.values():
        if event.get("Type") == "DynamoDB":
            stack.runtime.stream_events.append((function, stack.evaluator.evaluate(event["Properties"])))
        if event.get("Type") == "Api":
            event_properties = stack.evaluator.evaluate(event["Properties"])
            stage = stack.evaluator.parameters.get("Stage", stack.runtime.stage)
            method = str(event_properties["Method"]).upper()
            stack.runtime.routes.append(
                Route(
                    method=method,
                    path=event_properties["Path"],
                    function=function,
                    stage=str(stage),
                    properties=event_properties,
                    authorizer=_route_authorizer(stack.runtime, method, event_properties),
                )
            )
    return Provisioned(ref=function.name, attributes={"Arn": function.arn})


def _provision_api(stack: LocalStack, logical_id: str, properties: dict[str, Any]) -> Provisioned:
    api_id = _random_suffix(10).lower()
    stack.runtime.apis[api_id] = stack.evaluator.evaluate(properties.get("Auth", {}))
    return Provisioned(ref=api_id, attributes={"RootResourceId": _random_suffix(10).lower()})


def _route_authorizer(
    runtime: LocalRuntime, method: str, event_properties: dict[str, Any]
) -> Authorizer | None:
    """The Cognito authorizer API Gateway runs before this route, as SAM wires it."""
    auth = runtime.apis.get(str(event_properties.get("RestApiId")), {})
    name = event_properties.get("Auth", {}).get("Authorizer")
    if name is None and method == "OPTIONS" and not auth.get("AddDefaultAuthorizerToCorsPreflight", True):
        return None
    name = name or auth.get("DefaultAuthorizer")
    if name in (None, "NONE"):
        return None
    declared = auth.get("Authorizers", {}).get(name)
    if declared is None or "UserPoolArn" not in declared:
        raise TemplateError(
            f"route {method} {event_properties.get('Path')}: no Cognito authorizer named {name}"
        )
    arns = declared["UserPoolArn"]
    header = declared.get("Identity", {}).get("Header", "Authorization")
    return Authorizer(pool_arns=tuple(arns if isinstance(arns, list) else [arns]), header=header)


def _provision_queue(stack: LocalStack, logical_id: str, properties: dict[str, Any]) -> Provisioned:
    declared = stack.evaluator.evaluate(properties)
    name = physical_name(stack.name, logical_id)[:75]
    attributes = {
        key: str(value)
        for key, value in declared.items()
        if key in ("MessageRetentionPeriod", "VisibilityTimeout", "DelaySeconds")
    }
    if declared.get("FifoQueue"):
        name, attributes["FifoQueue"] = f"{name}.fifo", "true"
    url = stack.runtime.client("sqs").create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}"
    return Provisioned(ref=url, attributes={"Arn": arn, "QueueName": name, "QueueUrl": url})


_USER_POOL_PROPERTIES = (
    "Policies",
    "UsernameAttributes",
    "AutoVerifiedAttributes",
    "UsernameConfiguration",
    "AccountRecoverySetting",
    "Schema",
    "DeletionProtection",
    "AdminCreateUserConfig",
    "MfaConfiguration",
)


def _cognito(stack: LocalStack) -> LocalCognito:
    assert stack.runtime.cognito is not None, "the runtime creates Cognito before the stacks"
    return stack.runtime.cognito


def _provision_user_pool(stack: LocalStack, logical_id: str, properties: dict[str, Any]) -> Provisioned:
    declared = stack.evaluator.evaluate(
        {key: properties[key] for key in _USER_POOL_PROPERTIES if key in properties}
    )
    triggers = stack.evaluator.evaluate(properties.get("LambdaConfig", {}))
    client = stack.runtime.client("cognito-idp")
    pool = client.create_user_pool(PoolName=physical_name(stack.name, logical_id)[:128], **declared)[
        "UserPool"
    ]
    _cognito(stack).pools[pool["Arn"]] = LocalUserPool(pool_id=pool["Id"], arn=pool["Arn"], triggers=triggers)
    provider = f"cognito-idp.{REGION}.amazonaws.com/{pool['Id']}"
    return Provisioned(
        ref=pool["Id"],
        attributes={"Arn": pool["Arn"], "ProviderName": provider, "ProviderURL": f"https://{provider}"},
    )


def _pool_by_id(stack: LocalStack, pool_id: str) -> LocalUserPool:
    for pool in _cognito(stack).pools.values():
        if pool.pool_id == pool_id:
            return pool
    raise TemplateError(f"no user pool {pool_id}")


def _provision_user_pool_client(
    stack: LocalStack, logical_id: str, properties: dict[str, Any]
) -> Provisioned:
    declared = stack.evaluator.evaluate(properties)
    pool = _pool_by_id(stack, declared["UserPoolId"])
    # hdoc token signs users in with a password, which the website's client does not allow.
    flows = [*declared.get("ExplicitAuthFlows", []), "ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    created = stack.runtime.client("cognito-idp").create_user_pool_client(
        UserPoolId=pool.pool_id,
        ClientName=physical_name(stack.name, logical_id)[:128],
        GenerateSecret=bool(declared.get("GenerateSecret", False)),
        ExplicitAuthFlows=flows,
    )["UserPoolClient"]
    pool.client_ids.append(created["ClientId"])
    pool.clients[created["ClientId"]] = AppClient(
        client_id=created["ClientId"],
        callback_urls=tuple(declared.get("CallbackURLs") or ()),
        logout_urls=tuple(declared.get("LogoutURLs") or ()),
    )
    return Provisioned(ref=created["ClientId"], attributes={"Name": created["ClientName"]})


def _provision_user_pool_group(stack: LocalStack, logical_id: str, properties: dict[str, Any]) -> Provisioned:
    declared = stack.evaluator.evaluate(properties)
    pool = _pool_by_id(stack, declared["UserPoolId"])
    stack.runtime.client("cognito-idp").create_group(UserPoolId=pool.pool_id, GroupName=declared["GroupName"])
    pool.groups.append(declared["GroupName"])
    return Provisioned(ref=declared["GroupName"])


def _declared_name(stack: LocalStack, logical_id: str, properties: dict[str, Any]) -> str:
    """The name the template gives the resource, or one CloudFormation-style."""
    if "Name" in properties:
        return str(stack.evaluator.evaluate(properties["Name"]))
    return physical_name(stack.name, logical_id)


def _provision_secret(stack: LocalStack, logical_id: str, properties: dict[str, Any]) -> Provisioned:
    name = _declared_name(stack, logical_id, properties)
    value = stack.runtime.secret_values.get(logical_id) or secrets.token_urlsafe(30)
    created = stack.runtime.client("secretsmanager").create_secret(Name=name, SecretString=value)
    return Provisioned(ref=created["ARN"], attributes={"Id": created["ARN"]})


def _provision_state_machine(stack: LocalStack, logical_id: str, properties: dict[str, Any]) -> Provisioned:
    location = stack.template_path.parent / str(stack.evaluator.evaluate(properties["DefinitionUri"]))
    definition = location.read_text(encoding="utf-8")
    substitutions = stack.evaluator.evaluate(properties.get("DefinitionSubstitutions", {}))
    for name, value in substitutions.items():
        definition = definition.replace("${" + name + "}", str(value))
    json.loads(definition)  # a definition that is not JSON after substitution fails here, as in AWS
    created = stack.runtime.client("stepfunctions").create_state_machine(
        name=_declared_name(stack, logical_id, properties)[:80],
        definition=definition,
        roleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/{logical_id}Role",
        type=str(stack.evaluator.evaluate(properties.get("Type", "STANDARD"))),
    )
    arn = created["stateMachineArn"]
    stack.runtime.state_machines[logical_id] = arn
    for event in properties.get("Events", {}).values():
        if event.get("Type") in ("Schedule", "ScheduleV2"):
            stack.runtime.schedules.append((arn, stack.evaluator.evaluate(event["Properties"])))
    return Provisioned(ref=arn, attributes={"Arn": arn, "Name": arn.rsplit(":", 1)[-1]})


def _provision_inert(stack: LocalStack, logical_id: str, properties: dict[str, Any]) -> Provisioned:
    # Resources with no local behaviour (log groups, alarms…) still get a name and an ARN, so that
    # whatever refers to them evaluates.
    name = physical_name(stack.name, logical_id)
    service = stack.template["Resources"][logical_id]["Type"].split("::")[1].lower()
    return Provisioned(ref=name, attributes={"Arn": f"arn:aws:{service}:{REGION}:{ACCOUNT_ID}:{name}"})
