"""The Lambda functions' configuration, read from their environment once, through a typed model."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    """Environment variables the templates give hdoc's functions."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)

    stage: str = Field("dev", alias="STAGE")
    users_table_name: str = Field("", alias="USERS_TABLE_NAME")
    articles_table_name: str = Field("", alias="ARTICLES_TABLE_NAME")
    allowed_origins: str = Field("", alias="ALLOWED_ORIGINS")
    user_pool_id: str = Field("", alias="USER_POOL_ID")
    statistics_table_name: str = Field("", alias="STATISTICS_TABLE_NAME")
    state_machine_arn: str = Field("", alias="STATE_MACHINE_ARN")
    github_api_url: str = Field("https://api.github.com", alias="GITHUB_API_URL")
    github_token_secret: str = Field("", alias="GITHUB_TOKEN_SECRET")
    github_web_url: str = Field("https://github.com", alias="GITHUB_WEB_URL")
    github_oauth_client_id: str = Field("", alias="GITHUB_OAUTH_CLIENT_ID")
    github_oauth_secret: str = Field("", alias="GITHUB_OAUTH_SECRET")
    cursor_key_secret: str = Field("", alias="CURSOR_KEY_SECRET")
    distribution_id: str = Field("", alias="DISTRIBUTION_ID")
    github_webhook_secret: str = Field("", alias="GITHUB_WEBHOOK_SECRET")
    push_queue_url: str = Field("", alias="PUSH_QUEUE_URL")
    refresh_page_size: int = Field(1000, alias="REFRESH_PAGE_SIZE", ge=1, le=1000)
    refresh_batch_size: int = Field(50, alias="REFRESH_BATCH_SIZE", ge=1, le=100)

    @property
    def origins(self) -> list[str]:
        """The allowed CORS origins, from the comma-separated template parameter."""
        return [origin.strip() for origin in self.allowed_origins.split(",") if origin.strip()]


@dataclass(frozen=True)
class ExecutionEnvironment:
    """One function's execution environment, where one process runs several functions.

    In AWS a process is one function's execution environment: its variables are the process's, its
    credentials are its role's, and what it caches is its own. The local runtime runs every function
    in one process, and enters each one's environment for the length of an invocation, so that each
    function sees only its own variables and calls AWS with its own role, as deployed."""

    function_name: str
    variables: Mapping[str, str]
    credentials: tuple[str, str, str] | None = None  # access key id, secret key, session token


_entered: ContextVar[ExecutionEnvironment | None] = ContextVar("hdoc_execution_environment", default=None)


def enter(environment: ExecutionEnvironment) -> Token[ExecutionEnvironment | None]:
    """Run what follows in this thread in `environment` (until `leave`)."""
    return _entered.set(environment)


def leave(token: Token[ExecutionEnvironment | None]) -> None:
    _entered.reset(token)


def execution_environment() -> ExecutionEnvironment | None:
    """The environment entered in this thread, or None: the process is the function's (as in AWS)."""
    return _entered.get()


def _variables() -> Mapping[str, str]:
    entered = _entered.get()
    return os.environ if entered is None else entered.variables


def _scope() -> str:
    entered = _entered.get()
    return "" if entered is None else entered.function_name


Built = TypeVar("Built")
_resets: list[Callable[[], None]] = []


def from_settings(build: Callable[[], Built]) -> Callable[[], Built]:
    """Cache what `build` makes from the settings until `reset()` (e.g. a table client): once per
    execution environment."""
    built: dict[str, Built] = {}

    @functools.wraps(build)
    def cached() -> Built:
        scope = _scope()
        if scope not in built:
            built[scope] = build()
        return built[scope]

    _resets.append(built.clear)
    return cached


@from_settings
def settings() -> Settings:
    """The settings of this function, read on first use (never at import time)."""
    return Settings.model_validate(dict(_variables()))


def reset() -> None:
    """Forget the settings and everything built from them (the local runtime changed the environment)."""
    for forget in _resets:
        forget()


class MissingConfigurationError(RuntimeError):
    """A function started without the environment its template gives it."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(
            "This function is not configured: "
            + ", ".join(f"{name} is not set" for name in missing)
            + " (the templates give it; a function deployed without it would fail or skip a check later)"
        )


def check_environment(variables: tuple[str, ...]) -> None:
    """MissingConfigurationError naming each of `variables` that is unset or empty."""
    given = _variables()
    missing = [name for name in variables if not given.get(name, "").strip()]
    if missing:
        raise MissingConfigurationError(missing)


Handler = TypeVar("Handler", bound=Callable[..., Any])


def requires(*variables: str) -> Callable[[Handler], Handler]:
    """Declare what a Lambda entry point needs from its environment: each variable must be set and
    non-empty, or the function fails as it starts (before its first event does anything), naming them."""

    def declare(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def checked(*args: Any, **kwargs: Any) -> Any:
            check_environment(variables)
            return handler(*args, **kwargs)

        checked.required_environment = variables  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return declare
