"""Tag counts stay exact: whatever creates, tag edits and deletes happen, in any order."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ulid import ULID

from hdoc.dal.articles import ArticlesTable, StoredArticle, feed_key
from hdoc.models.article import Article

TAG_SLOTS = 4
operations = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.sets(st.integers(0, TAG_SLOTS - 1), min_size=1, max_size=3)),
        st.tuples(
            st.just("retag"),
            st.integers(0, 50),
            st.sets(st.integers(0, TAG_SLOTS - 1), min_size=1, max_size=3),
        ),
        st.tuples(st.just("delete"), st.integers(0, 50)),
    ),
    max_size=12,
)


def make(tags: list[str]) -> StoredArticle:
    now = datetime.now(UTC)
    article = Article(
        id=str(ULID()),
        slug="a",
        title="A",
        description="",
        body="b",
        tags=tags,
        author="tester",
        created_at=now,
        updated_at=now,
        reading_time_minutes=1,
    )
    return StoredArticle(article, "tester", feed_key(article))


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(operations)
def test_counts_equal_a_recount_after_any_sequence(runtime, operations):
    table = ArticlesTable(runtime.table_name("ArticlesTable"))
    prefix = uuid.uuid4().hex[:8]
    names = [f"p{prefix}-{slot}" for slot in range(TAG_SLOTS)]
    live: list[StoredArticle] = []
    for operation in operations:
        if operation[0] == "create":
            stored = make(sorted(names[slot] for slot in operation[1]))
            table.create(stored)
            live.append(stored)
        elif live and operation[0] == "retag":
            old = live[operation[1] % len(live)]
            article = old.article.model_copy(
                update={"tags": sorted(names[slot] for slot in operation[2]), "updated_at": datetime.now(UTC)}
            )
            new = StoredArticle(article, old.author_key, old.feed_key)
            table.replace(old, new)
            live[live.index(old)] = new
        elif live and operation[0] == "delete":
            table.delete(live.pop(operation[1] % len(live)))

    runtime.deliver_streams()

    recount = Counter(tag for stored in live for tag in stored.article.tags)
    assert {name: table.tag_count(name) for name in names} == {name: recount.get(name, 0) for name in names}
