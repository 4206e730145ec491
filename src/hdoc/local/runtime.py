"""The local runtime: hdoc's whole backend on one machine, built from the same templates as AWS.

It starts an embedded AWS (moto, in-process, on loopback), walks the root template and every nested
stack, creates what they declare (tables with their keys, indexes and streams), and collects each
function with its handler, environment and API routes. Nothing here names a table, a route or a
function: adding one to a template adds it here.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import boto3

from hdoc import aws
from hdoc.local.cfn import NO_VALUE, REGION, TemplateError, load_template
from hdoc.local.cognito import LocalCognito
from hdoc.local.enforcement import Enforcer, record_usage
from hdoc.local.functions import LocalFunction, Route, stamp_function_context
from hdoc.local.iam import Credentials, LocalIam, lambda_variables, pipeline_boundary
from hdoc.local.metering import RequestStats, count_dynamodb_reads, measuring
from hdoc.local.provisioners import provisioner
from hdoc.local.queues import QueueSubscription
from hdoc.local.stacks import LocalStack, Provisioned, Provisioner, default_template, physical_name
from hdoc.local.streams import StreamPoller, StreamSubscription, Subscription
from hdoc.settings import ExecutionEnvironment
from hdoc.settings import reset as reset_settings

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
        permissions_boundary: bool = True,
    ) -> None:
        self.template = (template or default_template()).resolve()
        self.stage = stage
        self.stack_name = stack_name or f"hdoc-backend-{stage}"
        self.parameters = {"Stage": stage, "Architecture": "x86_64", **(parameters or {})}
        self.aws_endpoint: str | None = None  # the embedded AWS, once started
        self.distribution_id = ""  # the website's CloudFront distribution, once started (none: "")
        # DynamoDB (and its streams) can live elsewhere: any DynamoDB-compatible endpoint.
        self.dynamodb_endpoint = dynamodb_endpoint
        # Streams reach their consumers in the background; tests turn this off and call
        # deliver_streams() to deliver exactly when they choose.
        self.poll_streams = poll_streams
        # What the local runtime puts in the secrets the templates create, by logical id (the GitHub
        # token, the OAuth App's secret); any other gets a random value, as GenerateSecretString would.
        self.github_token = github_token
        self.secret_values = {"GitHubTokenSecret": github_token, **(secret_values or {})}
        # Every role carries the pipeline's permissions boundary, as in every stage the pipeline deploys
        # (unless the parameters name another, or this is False).
        self.permissions_boundary = permissions_boundary
        self.resource_tags: dict[str, dict[str, str]] = {}  # by ARN, where the emulation keeps none
        self._iam: LocalIam | None = None
        self.enforcer: Enforcer | None = None
        self.state_machines: dict[str, str] = {}  # logical id -> ARN
        # (state machine ARN, schedule properties, where the schedule's role is in `created`)
        self.schedules: list[tuple[str, dict[str, Any], str]] = []
        self._running_schedules: list[Any] = []
        self.stream_events: list[tuple[LocalFunction, dict[str, Any]]] = []
        self.queue_events: list[tuple[LocalFunction, dict[str, Any]]] = []
        self.subscriptions: list[Subscription] = []  # the streams' event sources, then the queues'
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
        self._iam = LocalIam(self.client("iam"), self.client("sts"))
        declared = load_template(self.template).get("Parameters", {})
        if (
            self.permissions_boundary
            and "PermissionsBoundaryArn" in declared
            and not self.parameters.get("PermissionsBoundaryArn")
        ):
            self.parameters["PermissionsBoundaryArn"] = self._iam.create_managed_policy(
                physical_name(f"hdoc-backend-{self.stage}-pipeline", "FunctionBoundary"),
                pipeline_boundary(self.stage),
            )
        if "DistributionId" in declared:
            self.parameters.setdefault(
                "DistributionId", moto_services.website_distribution(self.client("cloudfront"), self.stage)
            )
        self.distribution_id = str(self.parameters.get("DistributionId") or "")
        self.cognito = LocalCognito(self.client("cognito-idp"), self.aws_endpoint, self.invoke_function)
        self.root = LocalStack(self, self.stack_name, self.template, self.parameters)
        self.root.provision_all()
        self._set_environment(self._functions_environment())
        reset_settings()
        aws.add_session_hook(count_dynamodb_reads)
        from hdoc.observability import logger

        stamp_function_context(logging.getLogger(logger.name))
        self._run_under_roles()
        for function in self.functions:
            moto_services.register(function.arn, function.name, function.invoke)
        self._subscribe_to_streams()
        return self

    def iam_roles(self) -> LocalIam:
        """The templates' roles in the embedded IAM (once the runtime has started)."""
        assert self._iam is not None, "start the runtime first"
        return self._iam

    def _run_under_roles(self) -> None:
        """From now on, each function calls AWS with its role's credentials and sees only its own
        variables; Step Functions calls the functions with the state machine's role; and the
        embedded AWS refuses whatever a role does not allow."""
        from hdoc.local import enforcement, moto_services

        iam = self.iam_roles()
        self.enforcer = Enforcer(iam, self.resource_tags)
        for function in self.functions:
            function.execution = ExecutionEnvironment(
                function.name,
                {**function.environment, **lambda_variables(function)},
                iam.assume(function.role_arn, function.name),
            )
            function.refusals = self.enforcer.denials_of
        for role in list(iam.roles.values()):
            if "states.amazonaws.com" in role.services:
                moto_services.use_role(role.arn, iam.assume(role.arn, "StepFunctions"))
        enforcement.start(self.enforcer)

    def _event_source_credentials(self, function: LocalFunction) -> Credentials:
        # Lambda's event source mapping reads the stream, and sends failed batches on, with the role
        return self.iam_roles().assume(function.role_arn, "EventSourceMapping")

    def _subscribe_to_streams(self) -> None:
        for function, properties in self.stream_events:
            credentials = self._event_source_credentials(function)

            def send(queue_arn: str, message: dict[str, Any], credentials: Credentials = credentials) -> None:
                self.send_to_queue(queue_arn, message, credentials=credentials)

            self.subscriptions.append(
                StreamSubscription.from_event(
                    function.logical_id,
                    function.invoke,
                    properties,
                    self.client("dynamodbstreams", credentials=credentials),
                    send,
                )
            )
        for function, properties in self.queue_events:
            sqs = self.client("sqs", credentials=self._event_source_credentials(function))
            mapping = QueueSubscription.from_event(function, properties, sqs, self.queue_url)
            self.subscriptions.append(mapping)
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
        """Deliver every pending stream record and queue message now, and what they lead to."""
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
        for arn, properties, role in self.schedules:
            scheduler = self.client("stepfunctions", credentials=self.schedule_credentials(role))
            schedule = LocalSchedule.from_event(arn, properties, scheduler)
            if schedule.start():
                self._running_schedules.append(schedule)
                started.append(schedule.expression)
        return started

    def schedule_credentials(self, role: str) -> Credentials:
        """Credentials of the role a schedule starts its executions with (EventBridge Scheduler's)."""
        return self.iam_roles().assume(str(self.created[role].attributes["Arn"]), "Scheduler")

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

    def send_to_queue(
        self, queue_arn: str, message: dict[str, Any], *, credentials: Credentials | None = None
    ) -> None:
        """Send a JSON message to the queue with this ARN (an on-failure destination), with
        `credentials` (Lambda sends with the function's role, which needs only sqs:SendMessage)."""
        sqs = self.client("sqs", credentials=credentials)
        sqs.send_message(QueueUrl=self.queue_url(queue_arn), MessageBody=json.dumps(message))

    def queue_url(self, queue_arn: str) -> str:
        """The URL of the queue with this ARN."""
        return str(self.client("sqs").get_queue_url(QueueName=queue_arn.rsplit(":", 1)[-1])["QueueUrl"])

    def stop(self) -> None:
        """Stop the embedded AWS and restore the environment as it was."""
        for schedule in self._running_schedules:
            schedule.stop()
        self._running_schedules.clear()
        if self._poller is not None:
            self._poller.stop()
            self._poller = None
        from hdoc.local import enforcement, moto_services

        for function in self.functions:
            moto_services.unregister(function.arn, function.name)
        if self.enforcer is not None:
            enforcement.stop(self.enforcer)
            record_usage(self.enforcer)
        if self._iam is not None:
            for role in self._iam.roles.values():
                moto_services.forget_role(role.arn)
        if self.distribution_id:
            moto_services.forget_invalidations(self.distribution_id)
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
        reset_settings()

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
        return provisioner(resource_type)

    # -- AWS clients -------------------------------------------------------------------------------

    def client(self, service: str, *, credentials: Credentials | None = None) -> Any:
        """A boto3 client for the embedded AWS (or the DynamoDB endpoint, for DynamoDB): with the
        runtime's own credentials, which no policy limits, or a role session's."""
        endpoint = self.dynamodb_endpoint if service in ("dynamodb", "dynamodbstreams") else self.aws_endpoint
        keys = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")
        signed = {} if credentials is None else dict(zip(keys, credentials, strict=True))
        return boto3.client(service, endpoint_url=endpoint, region_name=REGION, **signed)

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

    def measuring(self) -> AbstractContextManager[RequestStats]:
        """Count the DynamoDB items read and written by whatever runs inside (in this thread)."""
        return measuring()
