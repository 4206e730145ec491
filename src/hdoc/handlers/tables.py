"""The tables a handler works on, built once per process from the settings."""

from __future__ import annotations

from functools import lru_cache

from hdoc.dal.users import UsersTable
from hdoc.settings import settings


@lru_cache(maxsize=1)
def users_table() -> UsersTable:
    """The USERS table named in this function's environment."""
    return UsersTable(settings().users_table_name)
