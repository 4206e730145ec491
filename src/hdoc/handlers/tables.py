"""The tables (and cursor keys) a handler works on, built once per process from the settings."""

from __future__ import annotations

from hdoc.dal.articles import ArticlesTable
from hdoc.dal.cursor_keys import SecretCursorKeys
from hdoc.dal.statistics import StatisticsTable
from hdoc.dal.users import UsersTable
from hdoc.settings import from_settings, settings


@from_settings
def users_table() -> UsersTable:
    """The USERS table named in this function's environment."""
    return UsersTable(settings().users_table_name)


@from_settings
def articles_table() -> ArticlesTable:
    """The ARTICLES table named in this function's environment."""
    return ArticlesTable(settings().articles_table_name)


@from_settings
def statistics_table() -> StatisticsTable:
    """The STATISTICS table named in this function's environment."""
    return StatisticsTable(settings().statistics_table_name, settings().users_table_name or None)


@from_settings
def cursor_keys() -> SecretCursorKeys:
    """The keys this function signs and checks pagination cursors with."""
    return SecretCursorKeys(settings().cursor_key_secret)
