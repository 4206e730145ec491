"""The Lambda functions' configuration, read from their environment once, through a typed model."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from functools import lru_cache
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
    refresh_page_size: int = Field(1000, alias="REFRESH_PAGE_SIZE", ge=1, le=1000)
    refresh_batch_size: int = Field(50, alias="REFRESH_BATCH_SIZE", ge=1, le=100)

    @property
    def origins(self) -> list[str]:
        """The allowed CORS origins, from the comma-separated template parameter."""
        return [origin.strip() for origin in self.allowed_origins.split(",") if origin.strip()]


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The settings of this process, read on first use (never at import time)."""
    return Settings.model_validate(dict(os.environ))


Built = TypeVar("Built")
_resets: list[Callable[[], None]] = []


def from_settings(build: Callable[[], Built]) -> Callable[[], Built]:
    """Cache what `build` makes from the settings until `reset()` (e.g. a table client)."""
    cached = lru_cache(maxsize=1)(build)
    _resets.append(cached.cache_clear)
    return cached


def reset() -> None:
    """Forget the settings and everything built from them (the local runtime changed the environment)."""
    settings.cache_clear()
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
    missing = [name for name in variables if not os.environ.get(name, "").strip()]
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
