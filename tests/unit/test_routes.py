"""Routing as API Gateway does: literal segments beat parameters, which beat greedy paths."""

from hdoc.local.functions import LocalFunction, Route
from hdoc.local.runtime import LocalRuntime


def route(path: str, method: str = "GET") -> Route:
    function = LocalFunction(path, path, "module.handler", {}, 3, 128, {})
    return Route(method=method, path=path, function=function, stage="dev", properties={})


def runtime_with(*routes: Route) -> LocalRuntime:
    runtime = LocalRuntime()
    runtime.routes = list(routes)
    return runtime


def test_a_literal_segment_beats_a_parameter():
    runtime = runtime_with(route("/users/{username}"), route("/users/recent"), route("/{proxy+}"))

    recent, _ = runtime.route("GET", "/users/recent")
    one, parameters = runtime.route("GET", "/users/octocat")
    anything, greedy = runtime.route("GET", "/a/b/c")

    assert recent.path == "/users/recent"
    assert (one.path, parameters) == ("/users/{username}", {"username": "octocat"})
    assert (anything.path, greedy) == ("/{proxy+}", {"proxy": "a/b/c"})


def test_no_route_and_the_methods_a_path_answers():
    runtime = runtime_with(route("/leaderboard"), route("/leaderboard", "OPTIONS"))

    assert runtime.route("GET", "/leaderboards") is None
    assert runtime.route("POST", "/leaderboard") is None
    assert runtime.methods_for("/leaderboard") == ["GET", "OPTIONS"]
    assert runtime.route("GET", "/leaderboard/extra") is None
