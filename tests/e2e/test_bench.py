"""`make bench` runs end to end (here at a small size) and its targets hold."""

from __future__ import annotations

import pytest
from bench.__main__ import bound, run, table
from bench.website import website_met

pytestmark = pytest.mark.xdist_group("bench")


def test_a_small_bench_meets_its_targets():
    results = run(
        samples=3, sizes=(60,), articles=60, journey_participants=20, website_samples=1, import_samples=1
    )

    articles = results["articles"]
    assert articles["articles"] == 60
    assert articles["tagCountsExact"] is True
    long = articles["longListing"]  # bodies outside the listing indexes: summaries only
    assert long["readUnits"] <= 4 < long["before"]["readUnits"]
    assert "with bodies in the listing indexes" in table(results)
    listings = {**results["sizes"]["60"], **articles["rows"]}
    bounded = {name: row for name, row in listings.items() if bound(name) is not None}
    assert {
        "GET /articles?tag=&limit=20",
        "GET /tags?limit=20",
        "GET /feeds/articles.atom (20 latest)",
    } <= set(bounded)
    assert all(row["maxItemsRead"] <= bound(name) for name, row in bounded.items())
    assert results["accounts"]["POST /signup"]["calls"] == ["GetItem,TransactWriteItems"]
    assert "GET /articles?author=&limit=20" in table(results)
    assert len(results["journeys"]["rows"]) == 2  # parsing a 100-day journey, reading a 300-commit clone
    assert "read a local clone: 300 commits" in table(results)
    fetches = results["journeys"]["fetches"]
    assert fetches["unchanged (a conditional request, 304)"]["points"] == 0
    assert fetches["changed: one new day"]["points"] <= 3
    assert fetches["changed: one new day"]["kilobytes"] < results["journeys"]["clone"]["imageKilobytes"]
    assert "KiB of images" in table(results)
    refreshes = results["statistics"]["rows"]
    assert refreshes["all unchanged"]["rateLimitedPerParticipant"] <= 0.05
    assert refreshes["each with one new day"]["rateLimitedPerParticipant"] <= 3
    assert refreshes["each with one new day"]["outcomes"].get("changed", 0) >= 1
    assert results["statistics"]["topScore"] > 0  # the leaderboard holds scores read from journeys
    images = results["statistics"]["images"]
    assert images["GET /users/{username}/card.svg"]["maxItemsRead"] <= 2
    assert images["GET /users/{username}/badge.svg"]["maxItemsRead"] <= 1
    website = results["website"]
    assert website_met(website)
    assert website["pages"]["/"]["apiRequests"] == 4  # leaderboard, newest people, articles, tags
    assert website["pages"]["/u/{username}"]["apiRequests"] == 3  # participant, journey, articles
    assert all(0 < view["codeBytes"] < 60 * 1024 for view in website["firstViews"].values())
    assert "HTML+CSS+JS" in table(results)
    # What a page view costs, from the measured requests, at each hit ratio, beside the old backend
    for page in ("home page", "a profile", "the leaderboard"):
        costs = results["costModel"]["pages"][page]
        assert 0 < costs["99%"] < costs["90%"] < costs["0%"]
        assert costs["old"] > 0  # (at this small a table the old Scan is cheap; make bench measures 10,000)
    assert all(row["readUnits"] > 0 and row["gzipBytes"] > 0 for row in results["cost"]["requests"].values())
    assert "$ per 1 million page views" in table(results)
    assert set(results["coldStarts"]) >= {"ParticipantsFunction", "ArticlesFunction"}
    assert all(row["medianMs"] > 0 and row["modules"] > 100 for row in results["coldStarts"].values())
