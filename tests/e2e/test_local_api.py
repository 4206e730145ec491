"""The local runtime used as the website uses the API: over real HTTP, on a loopback port."""

from __future__ import annotations

import requests

from hdoc.local.gateway import CALLS_HEADER, ITEMS_READ_HEADER

PROBLEM = "application/problem+json"


def get(local_api, path: str, **params) -> requests.Response:
    return requests.get(f"{local_api.url}{path}", params=params, timeout=10)


def expected_leaderboard(participants) -> list[tuple[str, int]]:
    """Recompute the leaderboard from the seeded participants, the slow obvious way."""
    ordered = sorted(
        participants,
        key=lambda entry: (-entry[0].score, -entry[0].longest_streak, entry[1], entry[0].id.lower()),
    )
    return [
        (participant.id, 1 + sum(1 for other, _ in participants if other.score > participant.score))
        for participant, _ in ordered
    ]


def test_the_leaderboard_returns_five_ranked_participants(local_api):
    response = get(local_api, "/leaderboard", limit=5)

    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 5
    assert [item["rank"] for item in items] == sorted(item["rank"] for item in items)
    assert all({"id", "score", "rank", "githubScore", "longestStreak"} <= set(item) for item in items)


def test_paging_the_leaderboard_never_repeats_or_skips_anyone_even_across_ties(local_api):
    for limit in (1, 4, 7, 100):
        seen, cursor = [], None
        for _ in range(100):
            params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
            page = get(local_api, "/leaderboard", **params).json()
            seen += [(item["id"], item["rank"]) for item in page["items"]]
            cursor = page["nextCursor"]
            if cursor is None:
                break
        assert seen == expected_leaderboard(local_api.participants), f"limit={limit}"


def test_every_request_reads_at_most_limit_plus_one_items_and_never_scans(local_api):
    ranked = get(local_api, "/leaderboard", limit=3).json()
    requests_to_check = [
        ("/leaderboard", {"limit": 10}, 11),
        ("/leaderboard", {"limit": 3, "cursor": ranked["nextCursor"]}, 4),
        ("/users/recent", {"limit": 10}, 11),
        ("/users", {"limit": 20}, 21),
        ("/users/player-03", {}, 1),
    ]
    for path, params, most in requests_to_check:
        response = get(local_api, path, **params)
        assert response.status_code == 200, path
        assert int(response.headers[ITEMS_READ_HEADER]) <= most, path
        assert "Scan" not in response.headers[CALLS_HEADER].split(","), path


def test_lookups_ignore_case(local_api):
    assert get(local_api, "/users/PLAYER-07").json()["id"] == "Player-07"


def test_an_unknown_participant_and_an_unknown_route_are_404_problems(local_api):
    for path in ("/users/no-such-player", "/no/such/route"):
        response = get(local_api, path)
        assert response.status_code == 404
        assert response.headers["Content-Type"] == PROBLEM
        assert response.json()["status"] == 404


def test_a_garbage_or_tampered_cursor_is_a_400_never_a_500(local_api):
    cursor = get(local_api, "/leaderboard", limit=2).json()["nextCursor"]
    flipped = cursor[:5] + ("A" if cursor[5] != "A" else "B") + cursor[6:]
    for bad in ("garbage", flipped, cursor[:-3], cursor + "x", "%00"):
        response = get(local_api, "/leaderboard", cursor=bad)
        assert response.status_code == 400, bad
        assert response.headers["Content-Type"] == PROBLEM
        assert response.json()["invalidParams"][0]["name"] == "cursor"


def test_the_openapi_document_lists_every_route_of_the_templates(local_api):
    document = get(local_api, "/openapi.json").json()

    assert document["openapi"].startswith("3.")
    declared = {
        (route.path, route.method.lower())
        for route in local_api.runtime.routes
        if route.method != "OPTIONS" and route.path != "/openapi.json"
    }
    documented = {
        (path.replace("<", "{").replace(">", "}"), method)
        for path, operations in document["paths"].items()
        for method in operations
    }
    assert declared == documented


def test_every_problem_names_its_kind_the_gateways_as_api_gateway_does(local_api):
    """The gateway's own problems carry the same types as stacks/api.yaml's GatewayResponses."""
    import json

    from hdoc.local.cfn import load_template
    from tests.conftest import ROOT

    responses = load_template(ROOT / "stacks" / "api.yaml")["Resources"]["RestApi"]["Properties"]
    templates = {
        name: json.loads(
            response["ResponseTemplates"]["application/json"].replace("$context.error.messageString", '""')
        )
        for name, response in responses["GatewayResponses"].items()
        if "$context.error.statusCode" not in response["ResponseTemplates"]["application/json"]
    }
    kinds = [template["type"] for template in templates.values()]
    assert all(kind.startswith("urn:hdoc:problem:") for kind in kinds)
    assert len(set(kinds)) == len(kinds)

    no_route = get(local_api, "/no/such/route").json()
    assert no_route["type"] == templates["MISSING_AUTHENTICATION_TOKEN"]["type"]
    unauthorized = requests.get(f"{local_api.url}/me", timeout=10).json()
    assert unauthorized["type"] == templates["UNAUTHORIZED"]["type"]
    wrong_method = requests.delete(f"{local_api.url}/leaderboard", timeout=10).json()
    assert wrong_method["type"] == "urn:hdoc:problem:method-not-allowed"
    unknown = get(local_api, "/users/no-such-player").json()
    assert unknown["type"] == "urn:hdoc:problem:not-found"


def test_a_method_a_path_does_not_serve_is_a_405_problem(local_api):
    response = requests.delete(f"{local_api.url}/leaderboard", timeout=10)

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, OPTIONS"
    assert response.headers["Content-Type"] == PROBLEM


def test_the_openapi_document_marks_exactly_the_routes_behind_the_authorizer(local_api):
    document = get(local_api, "/openapi.json").json()
    secured = {
        (path, method.upper())
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if operation.get("security")
    }
    protected = {(route.path, route.method) for route in local_api.runtime.routes if route.authorizer}
    assert secured == protected
    assert document["components"]["securitySchemes"]["cognitoIdToken"]["scheme"] == "bearer"
