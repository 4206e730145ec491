"""Each function loads its own code: importing a handler (every `Handler:` of the templates) in a
fresh interpreter loads nothing the function does not use."""

from __future__ import annotations

import pytest
from bench.cold_start import function_handlers, import_handler

# Never in any function: the local runtime, the command line, the maintainers' tools, test tools.
NEVER = (
    "hdoc.local",
    "hdoc.cli",
    "hdoc.maintenance",
    "moto",
    "pytest",
    "werkzeug",
    "graphql",
    "requests",
    "boto3",
)
GITHUB = ("hdoc.sources.github", "hdoc.sources.github_oauth", "hdoc.sources.git", "dulwich")
MARKDOWN = ("markdown_it", "nh3", "hdoc.logic.markdown")
# What only a write runs (the Markdown parser and sanitizer, slugs, ids): the articles function loads
# them when it first writes an article, not to answer a read.
RENDERER = ("markdown_it", "nh3", "slugify", "ulid")
# Writing articles (ArticleWritesFunction's): who the author is, the quotas, the USERS table.
WRITER = ("hdoc.logic.article_writes", "hdoc.logic.quotas", "hdoc.dal.users", "hdoc.handlers.article_writes")
# The X-Ray SDK (tracing only where several AWS calls make a request; Lambda traces every invocation).
# (Powertools loads its metrics module with the package, whichever utility a function imports.)
TRACING = ("aws_xray_sdk",)
# The models only the signed-in routes receive and answer.
SIGNED_IN = ("hdoc.models.account_api", "hdoc.models.export")

# What each function must not load, beyond NEVER: the code of the jobs it does not do.
NOT_ITS_JOB = {
    "ParticipantsFunction": GITHUB
    + MARKDOWN
    + TRACING
    + ("hdoc.dal.articles", "hdoc.models.export", "hdoc.models.account_api"),
    "ArticlesFunction": GITHUB
    + RENDERER
    + TRACING
    + WRITER
    + ("hdoc.dal.statistics", "hdoc.journeys.report"),
    "ArticleWritesFunction": GITHUB + TRACING + ("hdoc.dal.statistics", "hdoc.journeys.report"),
    "AccountsFunction": MARKDOWN,
    "ApiDocsFunction": (),
    "PostConfirmationFunction": GITHUB + MARKDOWN + TRACING + ("hdoc.dal.articles",),
    "TagCounterFunction": GITHUB + MARKDOWN + TRACING + ("hdoc.dal.users",),
    "EdgeInvalidatorFunction": GITHUB + MARKDOWN + TRACING + ("hdoc.dal.users", "hdoc.dal.articles"),
    "ScoreCalculatorFunction": GITHUB + MARKDOWN + TRACING + ("hdoc.dal.articles",),
    "ListPageFunction": MARKDOWN + TRACING + ("hdoc.dal.articles",),
    "RefreshBatchFunction": MARKDOWN + TRACING + ("hdoc.dal.articles",),
    "TallyFunction": MARKDOWN + TRACING + ("hdoc.dal.articles",),
    "WebhooksFunction": GITHUB + MARKDOWN + TRACING + ("hdoc.dal.articles", "hdoc.dal.statistics"),
    "PushRefreshFunction": MARKDOWN + TRACING + ("hdoc.dal.articles",),
}


def _loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return sorted(
        {name for name in names for module in modules if module == name or module.startswith(name + ".")}
    )


def test_every_function_of_the_templates_is_listed():
    assert set(function_handlers()) == set(NOT_ITS_JOB)


@pytest.mark.parametrize("function", sorted(NOT_ITS_JOB))
def test_a_function_loads_only_its_own_code(function: str):
    _, modules = import_handler(function_handlers()[function])
    assert any(module.startswith("hdoc.handlers.") for module in modules)
    assert _loaded(modules, NEVER + NOT_ITS_JOB[function]) == []


def test_the_check_sees_what_a_handler_loads():
    """The same check on a module that loads the GitHub client and the local runtime finds both."""
    _, modules = import_handler("hdoc.local.gateway.anything")
    assert _loaded(modules, NEVER + GITHUB) != []
    assert "hdoc.local" in _loaded(modules, NEVER)
