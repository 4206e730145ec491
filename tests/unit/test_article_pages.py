"""An articles listing is never cut short by DynamoDB's 1 MB page: it follows LastEvaluatedKey until
it has a page and one more (or the end), and never skips an article."""

from __future__ import annotations

from typing import Any

from hdoc.dal.articles import ArticlesTable


class PagedQueries:
    """A table whose Query answers at most `per_page` items (as 1 MB of long articles would), with
    a LastEvaluatedKey while there are more, whatever the Limit asked."""

    def __init__(self, ids: list[str], per_page: int) -> None:
        self.ids = ids
        self.per_page = per_page
        self.queries: list[dict[str, Any]] = []

    def query(self, **request: Any) -> dict[str, Any]:
        self.queries.append(request)
        start = request.get("ExclusiveStartKey", {}).get("at", 0)
        end = min(start + min(request["Limit"], self.per_page), len(self.ids))
        answer: dict[str, Any] = {
            "Items": [{"id": article_id, "tag": article_id} for article_id in self.ids[start:end]]
        }
        if end < len(self.ids):
            answer["LastEvaluatedKey"] = {"at": end}
        return answer


def listing(ids: list[str], per_page: int) -> tuple[ArticlesTable, PagedQueries]:
    table = ArticlesTable("articles")
    fake = PagedQueries(ids, per_page)
    table._table = fake  # type: ignore[assignment]
    return table, fake


def test_a_page_of_long_articles_is_filled_from_the_next_pages_and_knows_there_is_more():
    table, fake = listing([f"a{index:02}" for index in range(25)], per_page=4)
    items, more = table._page({"IndexName": "Newest"}, 20, None)
    assert [item["id"] for item in items] == [f"a{index:02}" for index in range(20)]
    assert more is True
    # each Query asks only for what is still missing: 21 items read in all, not one more
    assert [query["Limit"] for query in fake.queries] == [21, 17, 13, 9, 5, 1]


def test_the_last_page_ends_the_listing_without_skipping():
    table, _ = listing([f"a{index}" for index in range(5)], per_page=4)
    items, more = table._page({"IndexName": "Newest"}, 20, None)
    assert [item["id"] for item in items] == [f"a{index}" for index in range(5)]
    assert more is False
