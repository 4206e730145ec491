"""Per-person quotas on writes, so that one signed-in person cannot flood the site or the bill:
so many articles a day, so many profile edits an hour, counted in fixed windows."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hdoc.dal.users import UsersTable
from hdoc.errors import TooManyRequestsError


@dataclass(frozen=True)
class Quota:
    kind: str
    limit: int
    window: timedelta
    says: str  # "10 articles a day"


ARTICLES_PER_DAY = Quota("articles", 10, timedelta(days=1), "10 articles a day")
PROFILE_EDITS_PER_HOUR = Quota("profile-edits", 30, timedelta(hours=1), "30 profile changes an hour")
LINK_STARTS_PER_HOUR = Quota("link-starts", 20, timedelta(hours=1), "20 starts of a GitHub link an hour")


@contextmanager
def spending(users: UsersTable, sub: str, quota: Quota, now: datetime | None = None) -> Iterator[None]:
    """Count one write of `quota`'s kind for the person around the write it wraps, and give it back
    if that write is refused or fails (a stale If-Match, an error), so that only writes that went
    through use the quota. TooManyRequestsError (with how long until the window ends) when they
    used it all."""
    now = now or datetime.now(UTC)
    seconds = quota.window.total_seconds()
    window = math.floor(now.timestamp() / seconds)
    ends = datetime.fromtimestamp((window + 1) * seconds, UTC)
    key = f"{quota.kind}#{sub}#{window}"
    if not users.take_quota(key, quota.limit, ends):
        retry_after = max(1, math.ceil((ends - now).total_seconds()))
        raise TooManyRequestsError(f"You can make {quota.says}, and you have.", retry_after)
    try:
        yield
    except BaseException:
        users.return_quota(key)
        raise
