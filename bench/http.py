"""Timing requests to the local runtime over HTTP, with the DynamoDB items each one read."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import requests

from hdoc.local.gateway import ITEMS_READ_HEADER


def measure(session: requests.Session, url_for: Callable[[int], str], samples: int) -> dict[str, Any]:
    """Median and p95 latency and the most items read over `samples` requests."""
    latencies, items = [], []
    for attempt in range(samples + 5):
        started = time.perf_counter()
        response = session.get(url_for(attempt), timeout=30)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"bench: {url_for(attempt)} answered {response.status_code}: {response.text}")
        if attempt >= 5:  # the first few warm the function up, as a warm Lambda would be
            latencies.append(elapsed)
            items.append(int(response.headers[ITEMS_READ_HEADER]))
    latencies.sort()
    return {
        "requests": samples,
        "medianMs": round(statistics.median(latencies), 2),
        "p95Ms": round(latencies[int(len(latencies) * 0.95) - 1], 2),
        "maxItemsRead": max(items),
    }
