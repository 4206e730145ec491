"""Domain errors. The API turns each into a problem document in one place (handlers/api.py)."""

from __future__ import annotations


class HdocError(Exception):
    """Base of the errors a caller can act on."""


class NotFoundError(HdocError):
    """The thing asked for does not exist."""


class InvalidParameterError(HdocError):
    """A request parameter was well-formed for its type but not acceptable."""

    def __init__(self, parameter: str, reason: str) -> None:
        super().__init__(f"'{parameter}' {reason}")
        self.parameter = parameter
        self.reason = reason


class TooLargeError(InvalidParameterError):
    """A request parameter is too large to store, once hdoc has made of it what it stores."""


class UnauthorizedError(HdocError):
    """The request carries no usable identity."""


class ForbiddenError(HdocError):
    """The caller may not do this."""


class ConflictError(HdocError):
    """The request conflicts with what is stored (a username already taken, for example)."""


class PreconditionFailedError(HdocError):
    """The caller's copy is stale (If-Match no longer matches)."""


class PreconditionRequiredError(HdocError):
    """A change that needs If-Match came without one."""


class TooManyRequestsError(HdocError):
    """The caller asked too often; they may ask again after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UpstreamError(HdocError):
    """A service hdoc depends on (GitHub) failed or did not answer in time; nothing was changed."""

    def __init__(self, detail: str, *, timed_out: bool = False) -> None:
        super().__init__(detail)
        self.timed_out = timed_out
