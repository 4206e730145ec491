"""Quotas count in fixed windows and say how long until the window ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hdoc.errors import TooManyRequestsError
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


def test_the_limit_holds_within_a_window_and_the_next_window_starts_afresh():
    table = CountingTable()
    quota = quotas.Quota("things", 2, timedelta(hours=1), "2 things an hour")
    start = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    quotas.spend(table, "sub-1", quota, start)  # type: ignore[arg-type]
    quotas.spend(table, "sub-1", quota, start + timedelta(minutes=10))  # type: ignore[arg-type]
    with pytest.raises(TooManyRequestsError) as refused:
        quotas.spend(table, "sub-1", quota, start + timedelta(minutes=45))  # type: ignore[arg-type]
    assert refused.value.retry_after == 15 * 60
    quotas.spend(table, "sub-2", quota, start + timedelta(minutes=45))  # type: ignore[arg-type]
    quotas.spend(table, "sub-1", quota, start + timedelta(hours=1))  # type: ignore[arg-type]
