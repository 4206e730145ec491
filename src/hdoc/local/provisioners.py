"""How the local runtime gives each resource type of the templates a life on the embedded AWS: one
provisioner per type; what has no local life (alarms, log groups, policies) is recorded, inert."""

from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING, Any

from hdoc.local.cfn import ACCOUNT_ID, REGION, TemplateError
from hdoc.local.cognito import AppClient, Authorizer, LocalCognito, LocalUserPool
from hdoc.local.functions import LocalFunction, Route
from hdoc.local.stacks import LocalStack, Provisioned, Provisioner, _random_suffix, physical_name

if TYPE_CHECKING:
    from hdoc.local.runtime import LocalRuntime


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


def _execution_role(stack: LocalStack, logical_id: str, properties: dict[str, Any]) -> str:
    """The ARN of the role a function or state machine runs under: its `Role`, or the one SAM makes."""
    if "Role" in properties:
        return str(stack.evaluator.evaluate(properties["Role"]))
    return str(stack.provision(f"{logical_id}Role").attributes["Arn"])


def _provision_role(stack: LocalStack, logical_id: str, properties: dict[str, Any]) -> Provisioned:
    declared = stack.evaluator.evaluate(properties)
    name = str(declared.get("RoleName") or physical_name(stack.name, logical_id)[:64])
    role = stack.runtime.iam_roles().create_role(logical_id, name, declared)
    return Provisioned(ref=name, attributes={"Arn": role.arn, "RoleId": f"AROA{_random_suffix(17)}"})


def _provision_secret_policy(stack: LocalStack, logical_id: str, properties: dict[str, Any]) -> Provisioned:
    declared = stack.evaluator.evaluate(properties)
    stack.runtime.client("secretsmanager").put_resource_policy(
        SecretId=declared["SecretId"], ResourcePolicy=json.dumps(declared["ResourcePolicy"])
    )
    return Provisioned(ref=declared["SecretId"])


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
        role_arn=_execution_role(stack, logical_id, properties),
    )
    stack.runtime.functions.append(function)
    for event in function.events.values():
        if event.get("Type") == "DynamoDB":
            stack.runtime.stream_events.append((function, stack.evaluator.evaluate(event["Properties"])))
        if event.get("Type") == "SQS":
            stack.runtime.queue_events.append((function, stack.evaluator.evaluate(event["Properties"])))
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
    if declared.get("RedrivePolicy"):
        attributes["RedrivePolicy"] = json.dumps(declared["RedrivePolicy"])
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
    "UserPoolTags",
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
    # The emulation keeps no tags on a user pool; the boundary's conditions read them from here.
    stack.runtime.resource_tags[pool["Arn"]] = dict(declared.get("UserPoolTags", {}))
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
        roleArn=_execution_role(stack, logical_id, properties),
        type=str(stack.evaluator.evaluate(properties.get("Type", "STANDARD"))),
    )
    arn = created["stateMachineArn"]
    stack.runtime.state_machines[logical_id] = arn
    for event_name, event in properties.get("Events", {}).items():
        if event.get("Type") in ("Schedule", "ScheduleV2"):
            # SAM gives the event a role of its own to start executions with; it names the state
            # machine, so it is made after it (the runtime finds it by this path once all is made)
            schedule = stack.evaluator.evaluate(event["Properties"])
            stack.runtime.schedules.append((arn, schedule, f"{stack.name}.{logical_id}{event_name}Role"))
    return Provisioned(ref=arn, attributes={"Arn": arn, "Name": arn.rsplit(":", 1)[-1]})


def _provision_inert(stack: LocalStack, logical_id: str, properties: dict[str, Any]) -> Provisioned:
    # Resources with no local behaviour (log groups, alarms…) still get a name and an ARN, so that
    # whatever refers to them evaluates.
    name = physical_name(stack.name, logical_id)
    service = stack.template["Resources"][logical_id]["Type"].split("::")[1].lower()
    return Provisioned(ref=name, attributes={"Arn": f"arn:aws:{service}:{REGION}:{ACCOUNT_ID}:{name}"})


PROVISIONERS: dict[str, Provisioner] = {
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
    "AWS::SecretsManager::ResourcePolicy": _provision_secret_policy,
    "AWS::IAM::Role": _provision_role,
    "AWS::Serverless::StateMachine": _provision_state_machine,
}


def provisioner(resource_type: str) -> Provisioner:
    """The provisioner of `resource_type` (inert for a type with no local life)."""
    return PROVISIONERS.get(resource_type, _provision_inert)
