"""Quotas count in fixed windows, say how long until the window ends, and count only the writes
that went through."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hdoc.errors import PreconditionFailedError, TooManyRequestsError
from hdoc.logic import quotas


class CountingTable:
    """The USERS table as far as quotas use it: a counter per key, refused at the limit."""

    def __init__(self) -> None:
        self.used: dict[str, int] = {}

    def take_quota(self, key: str, limit: int, expires_at: datetime) -> bool:
        if self.used.get(key, 0) >= limit:
            return False
        self.used[key] = self.used.get(key, 0) + 1
        return True

    def return_quota(self, key: str) -> None:
        self.used[key] = max(0, self.used.get(key, 0) - 1)


QUOTA = quotas.Quota("things", 2, timedelta(hours=1), "2 things an hour")
START = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def spend(table: CountingTable, sub: str, at: datetime) -> None:
    with quotas.spending(table, sub, QUOTA, at):  # type: ignore[arg-type]
        pass


def test_the_limit_holds_within_a_window_and_the_next_window_starts_afresh():
    table = CountingTable()
    spend(table, "sub-1", START)
    spend(table, "sub-1", START + timedelta(minutes=10))
    with pytest.raises(TooManyRequestsError) as refused:
        spend(table, "sub-1", START + timedelta(minutes=45))
    assert refused.value.retry_after == 15 * 60
    spend(table, "sub-2", START + timedelta(minutes=45))
    spend(table, "sub-1", START + timedelta(hours=1))


def test_a_write_refused_or_failed_gives_its_use_back():
    table = CountingTable()
    for minute in range(10):  # ten stale copies in a row lock nobody out
        with (
            pytest.raises(PreconditionFailedError),
            quotas.spending(table, "sub-1", QUOTA, START + timedelta(minutes=minute)),  # type: ignore[arg-type]
        ):
            raise PreconditionFailedError("stale")
    spend(table, "sub-1", START + timedelta(minutes=20))
    spend(table, "sub-1", START + timedelta(minutes=21))
    with pytest.raises(TooManyRequestsError):
        spend(table, "sub-1", START + timedelta(minutes=22))
