"""The tables (and cursor keys) a handler works on, built once per process from the settings.

Each builder imports its table's module when first called, so a function loads the storage code
of the tables it uses and no other (the participants function never loads the articles table's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hdoc.settings import from_settings, settings

if TYPE_CHECKING:
    from hdoc.dal.articles import ArticlesTable
    from hdoc.dal.cursor_keys import SecretCursorKeys
    from hdoc.dal.statistics import StatisticsTable
    from hdoc.dal.user_items import UsersTableBase
    from hdoc.dal.users import UsersTable


@from_settings
def authors() -> UsersTableBase:
    """The USERS table for finding a participant's author key only (a reader loads no more of it)."""
    from hdoc.dal.user_items import UsersTableBase

    return UsersTableBase(settings().users_table_name)


@from_settings
def users_table() -> UsersTable:
    """The USERS table named in this function's environment."""
    from hdoc.dal.users import UsersTable

    return UsersTable(settings().users_table_name)


@from_settings
def articles_table() -> ArticlesTable:
    """The ARTICLES table named in this function's environment."""
    from hdoc.dal.articles import ArticlesTable

    return ArticlesTable(settings().articles_table_name)


@from_settings
def statistics_table() -> StatisticsTable:
    """The STATISTICS table named in this function's environment."""
    from hdoc.dal.statistics import StatisticsTable

    return StatisticsTable(settings().statistics_table_name, settings().users_table_name or None)


@from_settings
def cursor_keys() -> SecretCursorKeys:
    """The keys this function signs and checks pagination cursors with."""
    from hdoc.dal.cursor_keys import SecretCursorKeys

    return SecretCursorKeys(settings().cursor_key_secret)
