"""RFC 9457 problem details, the body of every error."""

from __future__ import annotations

from pydantic import BaseModel, Field

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:hdoc:problem:"


class InvalidParam(BaseModel):
    """One request parameter that was not acceptable, and why."""

    name: str
    reason: str


class Problem(BaseModel):
    """An error a person can act on: what happened (title) and what to do (detail)."""

    type: str = Field("about:blank", description="A URI naming the kind of problem")
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    instance: str | None = None
    invalid_params: list[InvalidParam] | None = Field(None, serialization_alias="invalidParams")


def problem_of(
    status: int, title: str, kind: str, detail: str, invalid_params: list[InvalidParam] | None = None
) -> Problem:
    """The one way a problem document is made: its type names its kind (`urn:hdoc:problem:KIND`)."""
    return Problem(
        type=f"{PROBLEM_TYPE_PREFIX}{kind}",
        title=title,
        status=status,
        detail=detail,
        invalid_params=invalid_params,
    )
