"""IAM's policy evaluation, for the requests the local runtime's functions make to the embedded AWS.

moto can check a request against IAM policies, but only its action: every resource is `*` to it, and
it knows neither permissions boundaries nor most conditions. hdoc's roles name their tables, indexes,
secrets and state machine, so this evaluates as IAM does within one account:

- a request is allowed when an identity policy allows its action on its resource, the permissions
  boundary (if the role has one) allows it too, and no statement of either, nor of the resource's
  own policy (a secret's), denies it;
- Action/NotAction and Resource/NotResource with IAM's wildcards (`*`, `?`; actions ignore case);
- the condition operators below, with `...IfExists` and `ForAnyValue:`/`ForAllValues:`; a key the
  request does not carry matches no positive operator and every negated one, as in IAM.

A policy with an operator not listed here is refused when the role is created (`check_document`), so
a condition is never silently ignored. docs/architecture.md says what is not emulated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

ContextValue = str | list[str]

_POSITIVE = {
    "StringEquals": ("equals", False),
    "StringEqualsIgnoreCase": ("equals-ignore-case", False),
    "StringLike": ("like", False),
    "ArnEquals": ("like", False),  # ARN operators take wildcards, as StringLike does
    "ArnLike": ("like", False),
    "Bool": ("equals-ignore-case", False),
}
_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}
OPERATORS = frozenset({*_POSITIVE, *_NEGATED, "Null"})


class UnenforceablePolicyError(Exception):
    """A policy uses what this evaluation cannot decide (an unknown condition operator)."""


@cache
def _pattern(wildcard: str, ignore_case: bool) -> re.Pattern[str]:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in wildcard)
    return re.compile(f"^{regex}$", re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def matches(wildcard: str, value: str, *, ignore_case: bool = False) -> bool:
    """Whether `value` matches an IAM pattern with `*` and `?`."""
    return _pattern(wildcard, ignore_case).match(value) is not None


def listed(value: Any) -> list[Any]:
    """A policy element as a list (IAM allows one value or a list of them)."""
    return value if isinstance(value, list) else [value]


def _operator_name(operator: str) -> tuple[str | None, str, bool]:
    """(ForAnyValue/ForAllValues or None, the base operator, whether ...IfExists)."""
    qualifier, _, base = operator.rpartition(":")
    if_exists = base.endswith("IfExists")
    return qualifier or None, base.removesuffix("IfExists"), if_exists


def check_document(document: Mapping[str, Any], where: str) -> None:
    """UnenforceablePolicyError if a statement's condition uses an operator not evaluated here."""
    for statement in listed(document.get("Statement", [])):
        for operator in statement.get("Condition", {}):
            _, base, _ = _operator_name(operator)
            if base not in OPERATORS:
                raise UnenforceablePolicyError(
                    f"{where}: the local runtime cannot enforce the condition operator {operator}"
                )


def _value_matches(base: str, expected: str, actual: str) -> bool:
    kind, _ = _POSITIVE[base]
    if kind == "equals":
        return expected == actual
    if kind == "equals-ignore-case":
        return expected.lower() == actual.lower()
    return matches(expected, actual)


def _condition_holds(operator: str, key: str, expected: Any, context: Mapping[str, ContextValue]) -> bool:
    qualifier, base, if_exists = _operator_name(operator)
    wanted = [str(value).lower() if isinstance(value, bool) else str(value) for value in listed(expected)]
    present = key in context
    if base == "Null":  # "true": the key must be absent; "false": present
        return (not present) == (wanted[0].lower() == "true")
    if not present:
        return if_exists or base in _NEGATED or qualifier == "ForAllValues"
    actual = listed(context[key])
    positive = _NEGATED.get(base, base)

    def one(value: str) -> bool:
        return any(_value_matches(positive, expected_value, value) for expected_value in wanted)

    hit = all(one(value) for value in actual) if qualifier == "ForAllValues" else any(map(one, actual))
    return not hit if base in _NEGATED else hit


def _conditions_hold(statement: Mapping[str, Any], context: Mapping[str, ContextValue]) -> bool:
    return all(
        _condition_holds(operator, key, expected, context)
        for operator, keys in statement.get("Condition", {}).items()
        for key, expected in keys.items()
    )


def _element(
    statement: Mapping[str, Any], name: str, value: str, *, ignore_case: bool = False
) -> bool | None:
    """Whether the statement's `name` (or its Not form) covers `value`; None when it has neither."""
    if name in statement:
        return any(matches(pattern, value, ignore_case=ignore_case) for pattern in listed(statement[name]))
    if f"Not{name}" in statement:
        return not any(
            matches(pattern, value, ignore_case=ignore_case) for pattern in listed(statement[f"Not{name}"])
        )
    return None


def _principal_covers(statement: Mapping[str, Any], principal: str) -> bool:
    declared = statement.get("Principal")
    if declared is None:
        return True  # an identity policy: its principal is whoever holds it
    if declared == "*":
        return True
    arns = listed(declared.get("AWS", [])) if isinstance(declared, Mapping) else []
    return any(arn == "*" or matches(arn, principal) for arn in arns)


@dataclass(frozen=True)
class Request:
    """One action on one resource, by a principal, with the request's condition keys."""

    action: str
    resource: str
    principal: str  # the role's ARN (IAM matches aws:PrincipalArn against it)
    context: Mapping[str, ContextValue] = field(default_factory=dict)


def _effects(document: Mapping[str, Any], request: Request) -> set[str]:
    effects = set()
    for statement in listed(document.get("Statement", [])):
        if not _element(statement, "Action", request.action, ignore_case=True):
            continue
        if _element(statement, "Resource", request.resource) is False:
            continue
        if not _principal_covers(statement, request.principal):
            continue
        if _conditions_hold(statement, request.context):
            effects.add(str(statement.get("Effect", "Allow")))
    return effects


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # why not, in IAM's terms (empty when allowed)


def decide(
    identity: Iterable[Mapping[str, Any]],
    request: Request,
    *,
    boundary: Mapping[str, Any] | None = None,
    resource_policy: Mapping[str, Any] | None = None,
) -> Decision:
    """IAM's decision for `request` made with a role holding `identity` policies."""
    identity_effects = set().union(*(_effects(document, request) for document in identity))
    boundary_effects = _effects(boundary, request) if boundary is not None else {"Allow"}
    resource_effects = _effects(resource_policy, request) if resource_policy is not None else set()
    if "Deny" in identity_effects:
        return Decision(False, "an explicit deny in an identity-based policy")
    if "Deny" in resource_effects:
        return Decision(False, "an explicit deny in the resource's policy")
    if "Deny" in boundary_effects:
        return Decision(False, "an explicit deny in the permissions boundary")
    if "Allow" not in identity_effects:
        return Decision(False, "no identity-based policy allows the action")
    if "Allow" not in boundary_effects:
        return Decision(False, "the permissions boundary does not allow the action")
    return Decision(True, "")
