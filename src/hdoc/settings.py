"""The Lambda functions' configuration, read from their environment once, through a typed model."""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    """Environment variables the templates give hdoc's functions."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)

    stage: str = Field("dev", alias="STAGE")
    users_table_name: str = Field("", alias="USERS_TABLE_NAME")
    allowed_origins: str = Field("", alias="ALLOWED_ORIGINS")

    @property
    def origins(self) -> list[str]:
        """The allowed CORS origins, from the comma-separated template parameter."""
        return [origin.strip() for origin in self.allowed_origins.split(",") if origin.strip()]


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The settings of this process, read on first use (never at import time)."""
    return Settings.model_validate(dict(os.environ))
