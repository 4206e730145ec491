"""The OpenAPI document validates, and documents every operation fully: a summary, a description,
a declared tag, the security of the signed-in routes, and its error responses as problems."""

from __future__ import annotations

import copy

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from referencing.exceptions import Unresolvable

from hdoc.handlers.api_docs import openapi_document

PROBLEM = {"$ref": "#/components/schemas/Problem"}


def operations() -> list[tuple[str, str, dict]]:
    return [
        (path, method, operation)
        for path, methods in openapi_document()["paths"].items()
        for method, operation in methods.items()
    ]


def test_the_document_validates():
    validate(openapi_document())


def test_the_validation_catches_a_dangling_reference():
    broken = copy.deepcopy(openapi_document())
    del broken["components"]["schemas"]["Problem"]
    with pytest.raises((OpenAPIValidationError, Unresolvable)):
        validate(broken)


def test_every_tag_used_is_declared_with_a_description():
    declared = {tag["name"]: tag for tag in openapi_document()["tags"]}
    for path, method, operation in operations():
        assert operation["tags"], f"{method} {path}"
        assert set(operation["tags"]) <= set(declared), f"{method} {path}"
    assert all(tag.get("description") for tag in declared.values())


@pytest.mark.parametrize(("path", "method", "operation"), operations(), ids=lambda value: str(value)[:40])
def test_every_operation_is_documented_with_its_errors(path: str, method: str, operation: dict):
    assert operation.get("summary"), "summary"
    assert len(operation.get("description", "")) > 20, "description"
    responses = operation["responses"]
    errors = {status: response for status, response in responses.items() if status >= "400"}
    assert "400" in errors
    for status, response in errors.items():
        if path.endswith(".svg"):  # an embedded image cannot show a problem document: errors are images
            assert response["content"]["image/svg+xml"]["schema"] == {"type": "string"}, status
            continue
        assert response["content"]["application/problem+json"]["schema"] == PROBLEM, status
    signed_in = "security" in operation
    signed_by_github = path == "/webhooks/github"  # its 401 is a bad signature, not a missing sign-in
    assert signed_in == ("401" in errors) or (signed_by_github and not signed_in)
    if signed_in:
        assert operation["security"] == [{"cognitoIdToken": []}]
    if "{" in path:
        assert "404" in errors, "a path naming something that may not exist"
    if "requestBody" in operation:
        assert {"413", "415"} <= set(errors), "a request body"


def test_the_signed_in_scheme_is_declared():
    scheme = openapi_document()["components"]["securitySchemes"]["cognitoIdToken"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
