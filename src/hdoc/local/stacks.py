"""A stack of the local runtime: its template, parameters, conditions and the resources created
for it, each by the provisioner of its type (provisioners.py), in the order references need."""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hdoc.local.cfn import NO_VALUE, Evaluator, TemplateError, load_template, parameter_values
from hdoc.local.iam import implied_roles

if TYPE_CHECKING:
    from hdoc.local.runtime import LocalRuntime


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
        # The roles SAM adds for the template's functions and state machines (ParticipantsFunctionRole…),
        # which the template may refer to, as CloudFormation lets it after the transform.
        self.implied = implied_roles(self.template)

    @property
    def function_globals(self) -> dict[str, Any]:
        return dict(self.template.get("Globals", {}).get("Function", {}))

    def provision_all(self) -> None:
        for logical_id in [*self.template["Resources"], *self.implied]:
            self.provision(logical_id)

    def provision(self, logical_id: str) -> Provisioned:
        """Create a resource (and, first, whatever it refers to)."""
        if logical_id in self.resources:
            return self.resources[logical_id]
        declaration = self.template["Resources"].get(logical_id) or self.implied.get(logical_id)
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
