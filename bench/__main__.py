"""`make bench`: DynamoDB items read and latency per request, through the local runtime over HTTP.

It seeds the embedded store with 1,000 and then 10,000 demo participants, measures each public
participants request at both sizes, and compares the old backend's way to a leaderboard: one Scan of
the whole table, sorted in memory. Then, at the largest size, the signed-in account requests, and
10,000 articles over 200 tags: every listing, the tag cloud, the feed, and writing an article.
First of all, each function's cold start (its handler's import in fresh interpreters, bench/cold_start.py),
and how long parsing and scoring a 100-day journey and reading a 300-commit clone take,
then the statistics parser against the fake GitHub for 500 participants (bench/statistics.py).
Prints a table and writes bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from bench.cold_start import SAMPLES as IMPORT_SAMPLES
from bench.cold_start import cold_start_table, cold_starts_met, measure_cold_starts
from bench.cost import cost_per_million_views, cost_table, old_figures
from bench.http import measure
from bench.journeys import fetches_met, fetches_table, journeys_met, journeys_table, measure_journeys
from bench.statistics import PARTICIPANTS, measure_statistics, statistics_met, statistics_table
from bench.website import measure_website, website_met, website_table
from hdoc.dal.articles import ArticlesTable, StoredArticle
from hdoc.dal.user_items import to_item
from hdoc.dal.users import UsersTable
from hdoc.local.gateway import (
    CALLS_HEADER,
    ITEMS_READ_HEADER,
    ITEMS_WRITTEN_HEADER,
    READ_UNITS_HEADER,
    LocalServer,
    link_local_github,
)
from hdoc.local.metering import READ_UNIT_BYTES, item_size
from hdoc.local.runtime import LocalRuntime
from hdoc.local.seed import demo_articles, demo_participants
from hdoc.models.participant import Participant
from hdoc.observability import logger

RESULTS = Path(__file__).resolve().parent / "results.json"
SIZES = (1_000, 10_000)
ARTICLES = 10_000
WEBSITE_SAMPLES = 20
TAGS = tuple(f"topic-{n:03d}" for n in range(200))


def middle_cursor(session: requests.Session, url: str, limit: int, size: int) -> str:
    """The cursor of the page in the middle of a listing, reached by paging as a client would."""
    cursor = None
    for _ in range(size // limit // 2):
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        cursor = session.get(url, params=params, timeout=30).json()["nextCursor"]
    assert cursor is not None
    return cursor


def old_leaderboard(runtime: LocalRuntime, table: str, samples: int, true_top: list[str]) -> dict[str, Any]:
    """The old backend's leaderboard: one Scan call of the whole table, sorted in memory."""
    client = runtime.client("dynamodb")
    latencies, scanned, truncated, correct, units = [], 0, False, True, 0.0
    for _ in range(samples):
        started = time.perf_counter()
        response = client.scan(TableName=table)
        # What DynamoDB bills the Scan: the size of what it read, in 4 KB units, half for an
        # eventually consistent read (this client is boto3's, outside the functions' meter).
        units = math.ceil(sum(item_size(item) for item in response["Items"]) / READ_UNIT_BYTES) * 0.5
        ranked = sorted(response["Items"], key=lambda item: -int(item.get("score", {"N": "0"})["N"]))
        latencies.append((time.perf_counter() - started) * 1000)
        scanned = response["ScannedCount"]
        truncated = "LastEvaluatedKey" in response
        correct = [item["username"]["S"] for item in ranked[:10]] == true_top
    return {
        "requests": samples,
        "medianMs": round(statistics.median(latencies), 2),
        "maxItemsRead": scanned,
        "readUnits": units,
        "partial": truncated,
        "top10Correct": correct,
    }


def measure_size(
    runtime: LocalRuntime,
    base: str,
    session: requests.Session,
    seeded: list[tuple[Participant, datetime]],
    samples: int,
) -> dict[str, Any]:
    """Every request of the benchmark, on a store holding `seeded`."""
    size = len(seeded)
    usernames = [participant.id for participant, _ in seeded]
    picker = random.Random(size)
    middle = middle_cursor(session, f"{base}/users", 20, size)
    true_top = [
        participant.id
        for participant, reached in sorted(seeded, key=lambda entry: to_item(*entry)["leaderboardKey"])[:10]
    ]
    return {
        "GET /leaderboard?limit=10": measure(session, lambda _: f"{base}/leaderboard?limit=10", samples),
        "GET /users/recent?limit=10": measure(session, lambda _: f"{base}/users/recent?limit=10", samples),
        "GET /users?limit=20 (first page)": measure(session, lambda _: f"{base}/users?limit=20", samples),
        "GET /users?limit=20 (middle page)": measure(
            session, lambda _: f"{base}/users?limit=20&cursor={middle}", samples
        ),
        "GET /users/{username}": measure(
            session, lambda _: f"{base}/users/{picker.choice(usernames)}", samples
        ),
        "old: one Scan + sort in memory": old_leaderboard(
            runtime, runtime.table_name("UsersTable"), max(10, samples // 10), true_top
        ),
    }


def signed_in(
    session: requests.Session, base: str, method: str, path: str, bearer: str, **kwargs: Any
) -> tuple[requests.Response, float]:
    """A request with a bearer token, and how long it took in milliseconds."""
    headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {bearer}"}
    started = time.perf_counter()
    answer = session.request(method, f"{base}{path}", headers=headers, timeout=30, **kwargs)
    return answer, (time.perf_counter() - started) * 1000


def measure_accounts(
    runtime: LocalRuntime, base: str, session: requests.Session, samples: int
) -> dict[str, Any]:
    """Signup, GET /me and PATCH /me: DynamoDB items read and written, and latency."""
    assert runtime.cognito is not None
    people = max(10, samples // 10)
    tokens = [runtime.cognito.id_token(f"bench-{n}@example.com") for n in range(people)]
    trigger = runtime.cognito.only_pool().triggers["PostConfirmation"]
    trigger_ms = []
    for n in range(people):  # the trigger alone, as Cognito calls it after a confirmation
        event = {
            "triggerSource": "PostConfirmation_ConfirmSignUp",
            "userPoolId": runtime.cognito.only_pool().pool_id,
            "userName": f"bench-trigger-{n}",
            "request": {"userAttributes": {"sub": f"bench-trigger-{n}", "email": f"trigger-{n}@example.com"}},
            "response": {},
        }
        started = time.perf_counter()
        runtime.invoke_function(trigger, event)
        trigger_ms.append((time.perf_counter() - started) * 1000)

    def timed(method: str, path: str, bearer: str, **kwargs: Any) -> tuple[requests.Response, float]:
        return signed_in(session, base, method, path, bearer, **kwargs)

    rows: dict[str, Any] = {}
    for n, bearer in enumerate(tokens):  # each proves bench-user-N is theirs, as GitHub's OAuth flow does
        link_local_github(runtime, bearer, f"bench-user-{n}")
    signups = [
        timed("POST", "/signup", bearer, json={"githubUsername": f"bench-user-{n}", "name": "Bench User"})
        for n, bearer in enumerate(tokens)
    ]
    rows["POST /signup"] = _row(signups, 201)
    reads = [timed("GET", "/me", tokens[n % people]) for n in range(samples)]
    rows["GET /me"] = _row(reads, 200)
    patches = [timed("PATCH", "/me", tokens[n % people], json={"name": f"Bench {n}"}) for n in range(samples)]
    rows["PATCH /me"] = _row(patches, 200)
    rows["PostConfirmation trigger (Cognito: 5 s)"] = {
        "requests": people,
        "medianMs": round(statistics.median(trigger_ms), 2),
        "p95Ms": round(sorted(trigger_ms)[int(people * 0.95) - 1], 2),
        "maxItemsRead": 0,
        "maxItemsWritten": 1,
        "calls": "PutItem",
    }
    return rows


def seed_articles(
    runtime: LocalRuntime, authors: list[Participant], count: int
) -> tuple[list[StoredArticle], float]:
    """`count` articles over the TAGS, written as the API writes them and counted by the tag counter."""
    articles = ArticlesTable(runtime.table_name("ArticlesTable"))
    started = time.perf_counter()
    seeded = list(demo_articles(authors, count, seed=2026, tags=TAGS))
    for stored in seeded:
        articles.create(stored)
    runtime.deliver_streams()
    return seeded, time.perf_counter() - started


def measure_articles(
    runtime: LocalRuntime,
    base: str,
    session: requests.Session,
    authors: list[Participant],
    *,
    count: int,
    samples: int,
) -> dict[str, Any]:
    """Every articles request on `count` articles over the TAGS, and writing one."""
    seeded, seconds = seed_articles(runtime, authors, count)
    picker = random.Random(count)
    ids = [stored.article.id for stored in seeded]
    by_author = Counter(stored.article.author for stored in seeded)
    writers = sorted(by_author)
    used = Counter(tag for stored in seeded for tag in stored.article.tags)
    cloud = session.get(f"{base}/tags", params={"limit": 20}, timeout=30).json()["items"]
    recount = sorted(used.items(), key=lambda entry: (-entry[1], entry[0]))[:20]
    middle = middle_cursor(session, f"{base}/articles", 20, count)
    rows = {
        "GET /articles?limit=20 (first page)": measure(
            session, lambda _: f"{base}/articles?limit=20", samples
        ),
        "GET /articles?limit=20 (middle page)": measure(
            session, lambda _: f"{base}/articles?limit=20&cursor={middle}", samples
        ),
        "GET /articles?tag=&limit=20": measure(
            session, lambda _: f"{base}/articles?tag={picker.choice(TAGS)}&limit=20", samples
        ),
        "GET /articles?author=&limit=20": measure(
            session, lambda _: f"{base}/articles?author={picker.choice(writers)}&limit=20", samples
        ),
        "GET /tags?limit=20": measure(session, lambda _: f"{base}/tags?limit=20", samples),
        "GET /articles/{id}": measure(session, lambda _: f"{base}/articles/{picker.choice(ids)}", samples),
        "GET /feeds/articles.atom (20 latest)": measure(
            session, lambda _: f"{base}/feeds/articles.atom", samples
        ),
    }
    rows.update(measure_article_writes(runtime, base, session, max(10, samples // 10)))
    long_listing = measure_long_listing(runtime, base, session, max(5, samples // 10))
    return {
        "longListing": long_listing,
        "articles": count,
        "tags": len(used),
        "authors": len(by_author),
        "seedSeconds": round(seconds, 1),
        "tagCountsExact": [(entry["tag"], entry["count"]) for entry in cloud] == recount,
        "rows": rows,
    }


def measure_article_writes(
    runtime: LocalRuntime, base: str, session: requests.Session, people: int
) -> dict[str, Any]:
    """POST, PUT and DELETE of an article by signed-in authors: items read and written, and latency."""
    assert runtime.cognito is not None

    def timed(method: str, path: str, bearer: str, **kwargs: Any) -> tuple[requests.Response, float]:
        return signed_in(session, base, method, path, bearer, **kwargs)

    writers = []
    for n in range(people):
        bearer = runtime.cognito.id_token(f"bench-writer-{n}@example.com")
        link_local_github(runtime, bearer, f"bench-writer-{n}")
        timed("POST", "/signup", bearer, json={"githubUsername": f"bench-writer-{n}", "name": "Bench Writer"})
        writers.append((f"bench-writer-{n}", bearer))

    def article(n: int) -> dict[str, Any]:
        return {
            "title": f"Day {n}: what I learned",
            "description": "A benchmark article.",
            "body": "Today I deployed a function. " * 40,
            "tags": list(TAGS[n % 7 : n % 7 + 3]),
        }

    posts = [
        timed("POST", f"/users/{name}/articles", bearer, json=article(n))
        for n, (name, bearer) in enumerate(writers)
    ]
    ids = [(answer.json()["id"], answer.headers["ETag"]) for answer, _ in posts if answer.status_code == 201]
    edits = [
        timed(
            "PUT",
            f"/articles/{article_id}",
            bearer,
            json={**article(n + 1), "title": "Edited"},
            headers={"If-Match": version},
        )
        for n, ((_, bearer), (article_id, version)) in enumerate(zip(writers, ids, strict=False))
    ]
    deletes = [
        timed("DELETE", f"/articles/{article_id}", bearer)
        for (_, bearer), (article_id, _) in zip(writers, ids, strict=False)
    ]
    return {
        "POST /users/{username}/articles": _row(posts, 201),
        "PUT /articles/{id} (retag)": _row(edits, 200),
        "DELETE /articles/{id}": _row(deletes, 204),
    }


def _row(answers: list[tuple[requests.Response, float]], status: int) -> dict[str, Any]:
    if any(answer.status_code != status for answer, _ in answers):
        bad = next(answer for answer, _ in answers if answer.status_code != status)
        raise SystemExit(f"bench: expected {status}, got {bad.status_code}: {bad.text}")
    latencies = sorted(ms for _, ms in answers)
    return {
        "requests": len(answers),
        "medianMs": round(statistics.median(latencies), 2),
        "p95Ms": round(latencies[int(len(latencies) * 0.95) - 1], 2),
        "maxItemsRead": max(int(answer.headers[ITEMS_READ_HEADER]) for answer, _ in answers),
        "maxItemsWritten": max(int(answer.headers[ITEMS_WRITTEN_HEADER]) for answer, _ in answers),
        "calls": sorted({answer.headers[CALLS_HEADER] for answer, _ in answers}),
    }


def run(
    samples: int,
    sizes: tuple[int, ...] = SIZES,
    *,
    articles: int = ARTICLES,
    journey_participants: int = PARTICIPANTS,
    website_samples: int = WEBSITE_SAMPLES,
    import_samples: int = IMPORT_SAMPLES,
) -> dict[str, Any]:
    results: dict[str, Any] = {"samples": samples, "sizes": {}}
    results["coldStarts"] = measure_cold_starts(
        import_samples
    )  # fresh interpreters, before anything shares the cores
    results["journeys"] = measure_journeys(samples)  # before the runtime's threads share the cores
    if website_samples:
        level = logger.log_level
        logger.setLevel("WARNING")
        try:
            results["website"] = measure_website(website_samples)
            results["cost"] = results["website"].pop("cost")
        finally:
            logger.setLevel(level)
    everyone = list(demo_participants(max(sizes), seed=2026))
    level = logger.log_level
    logger.setLevel("WARNING")  # the functions' request logs would bury the table
    if journey_participants:
        try:
            results["statistics"] = measure_statistics(journey_participants)
        finally:
            logger.setLevel(level)
    with LocalRuntime() as runtime:
        logger.setLevel("WARNING")
        server = LocalServer(runtime, "127.0.0.1", 0).start()
        users = UsersTable(runtime.table_name("UsersTable"))
        session = requests.Session()
        written = 0
        try:
            for size in sizes:
                users.put_many(everyone[written:size])
                written = size
                results["sizes"][str(size)] = measure_size(
                    runtime, server.url, session, everyone[:size], samples
                )
            results["accounts"] = measure_accounts(runtime, server.url, session, samples)
            if articles:
                # authored by a tenth of the participants, so that an author has several
                authors = [participant for participant, _ in everyone[: max(1, len(everyone) // 10)]]
                results["articles"] = measure_articles(
                    runtime, server.url, session, authors, count=articles, samples=samples
                )
        finally:
            server.stop()
            logger.setLevel(level)
    if "cost" in results:
        results["costModel"] = cost_per_million_views(results["cost"], old_figures(results))
    return results


def bound(name: str) -> int | None:
    """The most items a request may read: its limit + 1, or 1 for a single item (2 for an article:
    its summary and its body). The feed carries each article's body: its listing (21) and then the
    20 articles' two items (one BatchGetItem)."""
    if "(20 latest)" in name:
        return 61
    if "limit=10" in name:
        return 11
    if "limit=20" in name:
        return 21
    if name.startswith("GET") and "{id}" in name:
        return 2
    if name.startswith("GET") and "{username}" in name:
        return 1
    return None


LONG_ARTICLES = 25


def measure_long_listing(
    runtime: LocalRuntime, base: str, session: requests.Session, samples: int
) -> dict[str, Any]:
    """A page of the longest articles hdoc takes (100 KB bodies): the read units it costs now that
    bodies live outside the listing indexes, beside what the same page read when they did (the 21
    whole articles' size, in 4 KB units, half for an eventually consistent Query, and one Query per
    1 MB)."""
    from ulid import ULID

    from hdoc.dal.articles import article_item, body_item, feed_key
    from hdoc.dal.dynamo import to_attributes
    from hdoc.logic.article_writes import reading_time_minutes, slug_for
    from hdoc.logic.markdown import render_markdown
    from hdoc.models.article import Article

    body = ("Today I deployed a VPC with two subnets. " * 3000)[: 100 * 1024]
    html = render_markdown(body)
    # Their author, a participant whose articles are keyed by its username (one made before
    # authorship was keyed by account: the listing reads the same either way)
    ((someone, reached),) = demo_participants(1, seed=7)
    UsersTable(runtime.table_name("UsersTable")).put_many(
        [(someone.model_copy(update={"id": "bench-long"}), reached)]
    )
    articles = ArticlesTable(runtime.table_name("ArticlesTable"))
    whole_sizes = []
    for n in range(LONG_ARTICLES):
        now = datetime.now(UTC)
        article = Article(
            id=str(ULID()),
            slug=slug_for(f"Day {n}"),
            title=f"Day {n}",
            description="",
            body=body,
            body_html=html,
            tags=["long"],
            author="bench-long",
            created_at=now,
            updated_at=now,
            reading_time_minutes=reading_time_minutes(body),
        )
        stored = StoredArticle(article, "bench-long", feed_key(article))
        articles.create(stored)
        whole = {**article_item(stored), **body_item(article)}
        whole_sizes.append(item_size(to_attributes(whole)))
    page = sum(sorted(whole_sizes)[-21:])
    before_units = math.ceil(page / READ_UNIT_BYTES) * 0.5
    url = f"{base}/articles?author=bench-long&limit=20"
    units, latencies = [], []
    for _ in range(samples):
        started = time.perf_counter()
        answer = session.get(url, timeout=30)
        latencies.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200 or len(answer.json()["items"]) != 20:
            raise SystemExit(f"bench: {url} answered {answer.status_code}: {answer.text[:300]}")
        units.append(float(answer.headers[READ_UNITS_HEADER]))
    return {
        "articles": LONG_ARTICLES,
        "articleKilobytes": round(max(whole_sizes) / 1024),
        "readUnits": max(units),
        "medianMs": round(statistics.median(latencies), 2),
        "before": {"readUnits": before_units, "queries": math.ceil(page / (1024 * 1024))},
    }


def table(results: dict[str, Any]) -> str:
    lines = [
        f"{'request':<38} {'participants':>12} {'items read':>10} {'limit+1':>7} "
        f"{'median ms':>9} {'p95 ms':>7}",
        "-" * 88,
    ]
    for size, rows in results["sizes"].items():
        for name, row in rows.items():
            limit = bound(name)
            extra = ""
            if "partial" in row:
                extra = f"  partial={row['partial']} top10Correct={row['top10Correct']}"
            lines.append(
                f"{name:<38} {int(size):>12,} {row['maxItemsRead']:>10,} {limit or '-':>7} "
                f"{row['medianMs']:>9.2f} {row.get('p95Ms', '-'):>7}{extra}"
            )
    articles = results.get("articles")
    if articles:
        lines += [
            "",
            f"{articles['articles']:,} articles over {articles['tags']} tags by {articles['authors']:,} "
            f"authors (written and counted in {articles['seedSeconds']} s); "
            f"/tags counts equal a recount: {articles['tagCountsExact']}",
            f"{'request':<38} {'items read':>10} {'limit+1':>7} {'written':>7} "
            f"{'median ms':>9} {'p95 ms':>7}",
            "-" * 88,
        ]
        for name, row in articles["rows"].items():
            limit = bound(name)
            lines.append(
                f"{name:<38} {row['maxItemsRead']:>10,} {limit or '-':>7} {row.get('maxItemsWritten', 0):>7} "
                f"{row['medianMs']:>9.2f} {row['p95Ms']:>7.2f}"
            )
        long = articles["longListing"]
        lines += [
            "",
            f"20 of the longest articles ({long['articles']} of {long['articleKilobytes']} KB each) a page: "
            f"{long['readUnits']:g} read units, {long['medianMs']:.1f} ms median;",
            f"  with bodies in the listing indexes it read {long['before']['readUnits']:g} read units "
            f"in {long['before']['queries']} Queries (1 MB each)",
        ]
    if results.get("journeys"):
        lines += journeys_table(results["journeys"]) + fetches_table(results["journeys"])
    accounts = results.get("accounts", {})
    if accounts:
        largest = max(int(size) for size in results["sizes"])
        lines += [
            "",
            f"{f'signed-in request ({largest:,} participants)':<42} {'read':>5} {'written':>7} "
            f"{'median ms':>9} {'p95 ms':>7}  calls",
            "-" * 88,
        ]
        for name, row in accounts.items():
            calls = row["calls"] if isinstance(row["calls"], str) else " | ".join(row["calls"])
            lines.append(
                f"{name:<42} {row['maxItemsRead']:>5} {row['maxItemsWritten']:>7} {row['medianMs']:>9.2f} "
                f"{row['p95Ms']:>7.2f}  {calls}"
            )
    if results.get("statistics"):
        lines += statistics_table(results["statistics"])
    if results.get("website"):
        lines += ["", website_table(results["website"])]
    if results.get("costModel"):
        lines += cost_table(results["cost"], results["costModel"], old_figures(results))
    lines += cold_start_table(results["coldStarts"])
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--samples", type=int, default=200, help="requests per measurement (default 200)")
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=list(SIZES),
        help="participants to measure at (default 1000 10000)",
    )
    parser.add_argument(
        "--articles",
        type=int,
        default=ARTICLES,
        help=f"articles to measure at (default {ARTICLES}; 0 skips them)",
    )
    parser.add_argument(
        "--journey-participants",
        type=int,
        default=PARTICIPANTS,
        help=f"participants whose journeys the statistics parser refreshes (default {PARTICIPANTS}; 0 skips)",
    )
    parser.add_argument(
        "--website-samples",
        type=int,
        default=WEBSITE_SAMPLES,
        help=f"cold page loads per website measurement (default {WEBSITE_SAMPLES}; 0 skips the browser)",
    )
    parser.add_argument(
        "--import-samples",
        type=int,
        default=IMPORT_SAMPLES,
        help=f"fresh interpreters per function's cold start (default {IMPORT_SAMPLES})",
    )
    args = parser.parse_args()
    results = run(
        args.samples,
        tuple(sorted(args.sizes)),
        articles=args.articles,
        journey_participants=args.journey_participants,
        website_samples=args.website_samples,
        import_samples=args.import_samples,
    )
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(
        f"\nwritten to {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}"
    )
    reads = [(name, row) for rows in results["sizes"].values() for name, row in rows.items()]
    articles = results.get("articles")
    if articles:
        reads += list(articles["rows"].items())
    within = all(row["maxItemsRead"] <= limit for name, row in reads if (limit := bound(name)) is not None)
    summaries_only = articles is None or articles["longListing"]["readUnits"] <= 4
    accounts = results["accounts"]
    me_within = (
        accounts["GET /me"]["maxItemsRead"] + accounts["GET /me"]["maxItemsWritten"] <= 2
        # PATCH /me: the account, the profile, and the edit counted against the hourly quota
        and accounts["PATCH /me"]["maxItemsRead"] + accounts["PATCH /me"]["maxItemsWritten"] <= 3
        and accounts["POST /signup"]["calls"] == ["GetItem,TransactWriteItems"]
    )
    print("target (at most limit + 1 items read per request):", "met" if within else "NOT MET")
    print(
        "target (GET /me touches at most 2 items, PATCH /me 3 with its quota; signup reads the link, "
        "then one transaction):",
        "met" if me_within else "NOT MET",
    )
    journeys_fast = journeys_met(results["journeys"])
    print(
        "target (a 100-day journey parsed in < 50 ms; a 300-commit clone read in < 2 s):",
        "met" if journeys_fast else "NOT MET",
    )
    fetched = fetches_met(results["journeys"])
    print(
        "target (from GitHub: an unchanged journey 0 points, a changed one <= 3, no image fetched):",
        "met" if fetched else "NOT MET",
    )
    exact = articles is None or articles["tagCountsExact"]
    if articles:
        print("target (tag counts equal a recount of the articles):", "met" if exact else "NOT MET")
        print(
            "target (a page of the longest articles reads summaries only: <= 4 read units):",
            "met" if summaries_only else "NOT MET",
        )
    refreshed = "statistics" not in results or statistics_met(results["statistics"])
    if "statistics" in results:
        print(
            "target (unchanged journeys: <= 0.05 rate-limited requests each; changed: <= 3 each; "
            "a card reads <= 2 items):",
            "met" if refreshed else "NOT MET",
        )
    site_fast = "website" not in results or website_met(results["website"])
    # Reported, not yet a gate: the public read functions' imports are over the target (see the table).
    print(
        "target (the public read functions import in < 250 ms):",
        "met" if cold_starts_met(results["coldStarts"]) else "NOT MET",
    )
    return (
        0
        if within
        and me_within
        and exact
        and summaries_only
        and journeys_fast
        and fetched
        and refreshed
        and site_fast
        else 1
    )


if __name__ == "__main__":
    sys.exit(main())
