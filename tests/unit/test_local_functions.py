"""The local runtime invokes each function with a context of its own, and each log line names the
function that wrote it, although every function shares one process and one logger here."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from hdoc.local.functions import LocalFunction, stamp_function_context
from hdoc.observability import logger
from tests.fixtures import logging_functions


def function(logical_id: str, handler: str) -> LocalFunction:
    return LocalFunction(
        logical_id=logical_id,
        name=f"hdoc-backend-dev-{logical_id}-ABC",
        handler=handler,
        environment={},
        timeout_seconds=3,
        memory_mb=256,
        events={},
    )


@contextmanager
def written() -> Iterator[dict[str, dict]]:
    """The JSON lines the functions log meanwhile, by message, as Powertools formats them."""
    named = logging.getLogger(logger.name)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    named.addHandler(handler)
    found: dict[str, dict] = {}
    try:
        yield found
    finally:
        named.removeHandler(handler)
        found.update({line["message"]: line for line in map(json.loads, stream.getvalue().splitlines())})


def test_each_log_line_names_the_function_that_wrote_it():
    outer = function("OuterFunction", "tests.fixtures.logging_functions.outer")
    inner = function("InnerFunction", "tests.fixtures.logging_functions.inner")
    logging_functions.invoke_inner = lambda: inner.invoke({})
    stamp_function_context(logging.getLogger(logger.name))

    with written() as lines:
        outer.invoke({})

    assert lines["outer before"]["function_name"] == outer.name
    assert lines["inner"]["function_name"] == inner.name
    assert lines["outer after"]["function_name"] == outer.name
    assert lines["outer after"]["function_request_id"] == lines["outer before"]["function_request_id"]


def test_without_the_seam_the_shared_logger_names_the_last_function_invoked():
    """What the seam is for: Powertools' one logger holds one function's context at a time."""
    named = logging.getLogger(logger.name)
    seams = [existing for existing in named.filters if type(existing).__name__ == "FunctionLogContext"]
    for seam in seams:
        named.removeFilter(seam)
    try:
        outer = function("OuterFunction", "tests.fixtures.logging_functions.outer")
        inner = function("InnerFunction", "tests.fixtures.logging_functions.inner")
        logging_functions.invoke_inner = lambda: inner.invoke({})
        with written() as lines:
            outer.invoke({})
        assert lines["outer after"]["function_name"] == inner.name
    finally:
        for seam in seams:
            named.addFilter(seam)
