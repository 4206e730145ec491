"""The demo `hdoc serve --seed demo` shows (and the browser tests use): participants whose journeys a
fake GitHub on loopback serves, read and scored by the real statistics pipeline, and articles."""

from __future__ import annotations

from typing import Any

DEMO_PARTICIPANTS = 120
DEMO_ARTICLES = 24


def seed_demo(runtime: Any) -> str:
    """Demo participants with zero scores and demo articles; then the statistics parser reads the
    participants' journeys (served by the fake GitHub) and the score calculator scores them.
    Says how the read went."""
    from hdoc.dal.articles import ArticlesTable
    from hdoc.dal.users import UsersTable
    from hdoc.local.seed import demo_articles, demo_participants, unscored
    from hdoc.logic.refresh import execution_input

    # Demo participants claimed their names through GitHub (verified), but for every tenth, who
    # joined before linking existed and has not linked yet.
    participants = [
        (unscored(participant).model_copy(update={"verified": n % 10 != 9}), joined)
        for n, (participant, joined) in enumerate(demo_participants(DEMO_PARTICIPANTS, seed=100))
    ]
    UsersTable(runtime.table_name("UsersTable")).put_many(participants)
    articles = ArticlesTable(runtime.table_name("ArticlesTable"))
    authors = [participant for participant, _ in participants[:30]]
    for stored in demo_articles(authors, DEMO_ARTICLES, seed=100):
        articles.create(stored)
    ended = runtime.run_state_machine(execution_input())
    runtime.deliver_streams()  # tags counted and scores calculated before the first request
    outcomes = (ended["output"] or {}).get("outcomes", {})
    read = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
    return f"Demo journeys read by the statistics parser: {ended['status'].lower()} ({read})"


def demo_github(token: str) -> Any:
    """The fake GitHub on loopback, serving the demo participants' journeys."""
    from hdoc.local.demo_journeys import serve_demo_journeys
    from hdoc.local.fake_github import FakeGitHub
    from hdoc.local.seed import demo_participants

    github = FakeGitHub(token=token).start()
    people = (participant for participant, _ in demo_participants(DEMO_PARTICIPANTS, seed=100))
    serve_demo_journeys(github, people, seed=100)
    return github


LOCAL_OAUTH_CLIENT_ID = "hdoc-local-oauth-app"


def github_oauth_app(github: Any) -> tuple[dict[str, str], dict[str, str]]:
    """Register hdoc's OAuth App with a fake GitHub: the template parameters and the secret values
    that make the local runtime link accounts through it."""
    import secrets

    app = github.oauth.register_app(LOCAL_OAUTH_CLIENT_ID, secrets.token_urlsafe(30))
    parameters = {
        "GitHubApiUrl": github.url,
        "GitHubWebUrl": github.url,
        "GitHubOAuthClientId": app.client_id,
    }
    return parameters, {"GitHubOAuthSecret": app.client_secret}
