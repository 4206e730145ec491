"""Each function declares the environment it needs, its template gives it, and a function started
without one of them fails before handling anything, naming the variable."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from bench.cold_start import function_handlers

from hdoc.local.cfn import load_template
from hdoc.settings import MissingConfigurationError
from tests.conftest import ROOT


class Context:
    function_name = "hdoc-test"
    memory_limit_in_mb = 128
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:hdoc-test"
    aws_request_id = "request"


def template_environment(function: str) -> set[str]:
    """The variables the templates give `function`: its stack's Globals and its own."""
    for stack in sorted((ROOT / "stacks").glob("*.yaml")):
        template = load_template(Path(stack))
        if function in template["Resources"]:
            given = dict(template["Globals"]["Function"].get("Environment", {}).get("Variables", {}))
            own = template["Resources"][function]["Properties"].get("Environment", {}).get("Variables", {})
            return set(given) | set(own)
    raise AssertionError(function)


def entry_point(handler: str):
    module, _, name = handler.rpartition(".")
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("function", sorted(function_handlers()))
def test_a_function_declares_what_it_needs_and_its_template_gives_it(function: str):
    needed = entry_point(function_handlers()[function]).required_environment
    assert set(needed) <= template_environment(function), function


@pytest.mark.parametrize("function", sorted(function_handlers()))
def test_a_function_without_a_variable_it_needs_fails_as_it_starts_naming_it(function: str, monkeypatch):
    handler = entry_point(function_handlers()[function])
    needed = handler.required_environment
    for name in needed:
        monkeypatch.setenv(name, "configured")
    for name in needed:
        monkeypatch.setenv(name, "")
        with pytest.raises(MissingConfigurationError, match=f"{name} is not set"):
            handler({}, Context())
        monkeypatch.delenv(name)
        with pytest.raises(MissingConfigurationError) as raised:
            handler({}, Context())
        assert raised.value.missing == [name]
        monkeypatch.setenv(name, "configured")


def test_the_table_functions_need_their_tables():
    needs = {
        function: set(entry_point(handler).required_environment)
        for function, handler in function_handlers().items()
    }
    assert "CURSOR_KEY_SECRET" in needs["ParticipantsFunction"]
    assert "USERS_TABLE_NAME" in needs["PostConfirmationFunction"]
    assert "ARTICLES_TABLE_NAME" in needs["TagCounterFunction"]
    assert {"GITHUB_TOKEN_SECRET", "STATISTICS_TABLE_NAME"} <= needs["RefreshBatchFunction"]
