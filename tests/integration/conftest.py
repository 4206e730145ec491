"""Handlers called with API Gateway events, against moto tables built from the templates."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from hdoc.dal.users import UsersTable
from hdoc.local.gateway import proxy_event
from hdoc.local.runtime import LocalRuntime
from tests.conftest import TEMPLATE, emptied


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


class Handlers:
    """Invokes the function a template routes a request to, as API Gateway would."""

    def __init__(self, runtime: LocalRuntime) -> None:
        self.runtime = runtime

    def call(
        self,
        method: str,
        path: str,
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        matched = self.runtime.route(method, path)
        assert matched is not None, f"no route for {method} {path}"
        route, parameters = matched
        request = Request(
            EnvironBuilder(method=method, path=path, query_string=query, headers=headers).get_environ()
        )
        result = route.function.invoke(proxy_event(request, route, parameters))
        headers = {name: values[-1] for name, values in (result.get("multiValueHeaders") or {}).items()}
        headers.update(result.get("headers") or {})
        body = json.loads(result["body"]) if result.get("body") else None
        return Answer(result["statusCode"], headers, body)


@pytest.fixture(scope="module")
def runtime() -> Iterator[LocalRuntime]:
    with LocalRuntime(TEMPLATE) as started:
        yield started


@pytest.fixture
def users(runtime: LocalRuntime) -> UsersTable:
    """The USERS table, emptied for this test."""
    return UsersTable(emptied(runtime, "UsersTable"))


@pytest.fixture
def handlers(runtime: LocalRuntime) -> Handlers:
    return Handlers(runtime)
