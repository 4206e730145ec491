"""Reading CloudFormation/SAM templates as CloudFormation would: YAML short forms, parameters,
conditions and the intrinsic functions hdoc's templates use.

The local runtime builds the system from what these templates declare, so a table or route added
to a template exists locally too, with no change here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
NO_VALUE = object()


class TemplateError(Exception):
    """A template uses something the local runtime cannot evaluate, or is inconsistent."""


class _TemplateLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short forms (!Ref, !GetAtt, !Sub …) read as their long forms."""


def _short_form(loader: _TemplateLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    if tag_suffix == "Condition":
        return {"Condition": value}
    return {f"Fn::{tag_suffix}": value}


_TemplateLoader.add_multi_constructor("!", _short_form)  # type: ignore[no-untyped-call]


def load_template(path: Path) -> dict[str, Any]:
    """A template file as a dictionary, intrinsics in their long form."""
    with path.open(encoding="utf-8") as stream:
        document = yaml.load(stream, Loader=_TemplateLoader)
    if not isinstance(document, dict) or "Resources" not in document:
        raise TemplateError(f"{path} is not a CloudFormation template (no Resources)")
    return document


# Resolves Ref/GetAtt of a resource: (logical id, attribute or None for Ref) -> value.
ResourceLookup = Callable[[str, str | None], Any]

_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class Evaluator:
    """Evaluates intrinsic functions within one stack."""

    def __init__(
        self,
        stack_name: str,
        parameters: Mapping[str, Any],
        conditions: Mapping[str, Any],
        resource: ResourceLookup,
    ) -> None:
        self.stack_name = stack_name
        self.parameters = dict(parameters)
        self._condition_definitions = dict(conditions)
        self._conditions: dict[str, bool] = {}
        self._resource = resource

    def pseudo(self, name: str) -> Any:
        pseudo = {
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::StackName": self.stack_name,
            "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT_ID}:stack/{self.stack_name}/local",
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": NO_VALUE,
        }
        if name not in pseudo:
            raise TemplateError(f"unknown pseudo parameter {name}")
        return pseudo[name]

    def condition(self, name: str) -> bool:
        """The value of a named condition."""
        if name not in self._conditions:
            if name not in self._condition_definitions:
                raise TemplateError(f"{self.stack_name}: unknown condition {name}")
            self._conditions[name] = bool(self.evaluate(self._condition_definitions[name]))
        return self._conditions[name]

    def ref(self, name: str) -> Any:
        if name.startswith("AWS::"):
            return self.pseudo(name)
        if name in self.parameters:
            return self.parameters[name]
        return self._resource(name, None)

    def evaluate(self, value: Any) -> Any:
        """`value` with every intrinsic function evaluated (AWS::NoValue entries dropped)."""
        if isinstance(value, list):
            items = [self.evaluate(item) for item in value]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref":
                return self.ref(argument)
            if key == "Condition" and isinstance(argument, str):
                return self.condition(argument)
            if key.startswith("Fn::"):
                return self._function(key[4:], argument)
        evaluated = {key: self.evaluate(item) for key, item in value.items()}
        return {key: item for key, item in evaluated.items() if item is not NO_VALUE}

    def _function(self, name: str, argument: Any) -> Any:
        if name == "GetAtt":
            logical_id, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
            return self._resource(self.evaluate(logical_id), self.evaluate(attribute))
        if name == "Sub":
            return self._sub(argument)
        if name == "Join":
            separator, items = argument
            return str(separator).join(str(item) for item in self.evaluate(items))
        if name == "Select":
            index, items = self.evaluate(argument)
            return items[int(index)]
        if name == "Split":
            separator, text = self.evaluate(argument)
            return str(text).split(separator)
        if name == "If":
            condition, when_true, when_false = argument
            return self.evaluate(when_true if self.condition(condition) else when_false)
        if name == "Equals":
            left, right = self.evaluate(argument)
            return str(left) == str(right)
        if name == "Not":
            return not self.evaluate(argument[0])
        if name == "And":
            return all(self.evaluate(item) for item in argument)
        if name == "Or":
            return any(self.evaluate(item) for item in argument)
        if name == "ToJsonString":
            import json

            return json.dumps(self.evaluate(argument), separators=(",", ":"))
        raise TemplateError(f"{self.stack_name}: Fn::{name} is not supported by the local runtime")

    def _sub(self, argument: Any) -> str:
        if isinstance(argument, list):
            text, variables = argument[0], {k: self.evaluate(v) for k, v in argument[1].items()}
        else:
            text, variables = argument, {}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                return str(self._resource(logical_id, attribute))
            return str(self.ref(name))

        return _SUB_VARIABLE.sub(replace, text).replace("${!", "${")


def parameter_values(template: Mapping[str, Any], given: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Parameters as CloudFormation would resolve them: given values, else defaults, else an error."""
    values: dict[str, Any] = {}
    for name, declaration in template.get("Parameters", {}).items():
        if name in given:
            value = given[name]
        elif "Default" in declaration:
            value = declaration["Default"]
        else:
            raise TemplateError(f"{where}: parameter {name} has no value and no default")
        if declaration.get("Type") == "CommaDelimitedList" and isinstance(value, str):
            value = [item.strip() for item in value.split(",")]
        pattern = declaration.get("AllowedPattern")
        items = value if isinstance(value, list) else [value]
        if pattern is not None and not all(re.fullmatch(pattern, str(item)) for item in items):
            raise TemplateError(f"{where}: parameter {name}={value!r} does not match {pattern}")
        allowed = declaration.get("AllowedValues")
        if allowed is not None and str(value) not in [str(option) for option in allowed]:
            raise TemplateError(f"{where}: parameter {name}={value!r} is not one of {allowed}")
        values[name] = value
    unknown = set(given) - set(values)
    if unknown:
        raise TemplateError(f"{where}: no such parameters {sorted(unknown)}")
    return values
