"""The ARTICLES table: the only code that reads or writes articles, tag entries and tag counts.

- an article: pk `article#{id}`, sk `article`: what a listing shows, in the Newest index (feed,
  feedKey) and the ByAuthor index (authorKey, feedKey);
- its body: pk `article#{id}`, sk `body`: the Markdown and its HTML, outside every index, so that a
  listing's page reads summaries only (twenty of them are a few KB, never DynamoDB's 1 MB page);
- a tag entry per tag it carries: pk `tag#{tag}`, sk `{feedKey}` (a summary copy), so an article
  with several tags appears under each, and a tag's listing is a Query on the table;
- an author entry: pk `author#{authorKey}`, sk `{id}`: which articles an author has, read with a
  strongly consistent Query (the ByAuthor index may lag a write by a moment; deleting an account
  must not miss an article published just before);
- a tag count: pk `tagcount#{tag}`, sk `count`; in the TagCloud index (cloud, cloudKey) while above
  zero. Counts follow tag entries through the table's stream (`apply_tag_change`), with one marker
  item per counted entry so that a record delivered twice is counted once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from hdoc.dal.dynamo import (
    CONDITION_FAILED,
    Table,
    error_code,
    key_equals,
    plain,
    timestamp,
    transact,
    transact_write,
)
from hdoc.errors import PreconditionFailedError
from hdoc.models.article import Article, ArticleSummary, TagCount

NEWEST_INDEX = "Newest"
BY_AUTHOR_INDEX = "ByAuthor"
TAG_CLOUD_INDEX = "TagCloud"
FEED = "articles"
CLOUD = "tags"
ARTICLE_SK = "article"
BODY_SK = "body"
BODY_FIELDS = ("body", "bodyHtml")
COUNT_SK = "count"
COUNT_CEILING = 10**9 - 1
ITEM_MAX_BYTES = 400 * 1024  # DynamoDB's largest item, names and values
FEED_KEY_PATTERN = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z#[0-9A-HJKMNP-TV-Z]{26}$"
CLOUD_KEY_PATTERN = r"^\d{9}#[a-z0-9-]{2,30}$"


def article_key(article_id: str) -> dict[str, str]:
    return {"pk": f"article#{article_id}", "sk": ARTICLE_SK}


def body_key(article_id: str) -> dict[str, str]:
    return {"pk": f"article#{article_id}", "sk": BODY_SK}


def author_entry_key(author_key: str, article_id: str) -> dict[str, str]:
    return {"pk": f"author#{author_key}", "sk": article_id}


def feed_key(summary: ArticleSummary) -> str:
    """Newest-first order: creation time, then id (a ULID, itself time-ordered)."""
    return f"{timestamp(summary.created_at)}#{summary.id}"


def cloud_key(count: int, tag: str) -> str:
    """Most used first, ties by name, as one ascending key."""
    return f"{COUNT_CEILING - count:09d}#{tag}"


@dataclass(frozen=True)
class StoredArticle:
    article: Article
    author_key: str
    feed_key: str


def _fields(item: dict[str, Any]) -> dict[str, Any]:
    return {name: plain(value) for name, value in item.items()}


def _summary_item(summary: ArticleSummary) -> dict[str, Any]:
    fields = ArticleSummary.model_validate(summary.model_dump()).model_dump(by_alias=True, mode="json")
    return {name: value for name, value in fields.items() if value is not None}


def article_item(stored: StoredArticle) -> dict[str, Any]:
    item = stored.article.model_dump(
        by_alias=True, mode="json", exclude_none=True, exclude={"body", "body_html"}
    )
    item.update(
        article_key(stored.article.id), feed=FEED, feedKey=stored.feed_key, authorKey=stored.author_key
    )
    return item


def body_item(article: Article) -> dict[str, Any]:
    """The item that holds an article's body (the one that can grow near DynamoDB's 400 KB)."""
    return {**body_key(article.id), "body": article.body, "bodyHtml": article.body_html}


def body_size(article: Article) -> int:
    """The size DynamoDB gives the article's body item: each attribute's name and UTF-8 value."""
    return sum(
        len(name.encode("utf-8")) + len(value.encode("utf-8", errors="surrogatepass"))
        for name, value in body_item(article).items()
    )


def _whole(article_item: dict[str, Any], body: dict[str, Any] | None) -> StoredArticle:
    """An article from its two items. An article written before bodies had their own item holds
    its body itself, and reads the same."""
    fields = _fields(article_item)
    if body is not None:
        fields.update({name: body[name] for name in BODY_FIELDS if name in body})
    return StoredArticle(Article.model_validate(fields), fields["authorKey"], fields["feedKey"])


def _author_entry(stored: StoredArticle) -> dict[str, Any]:
    return author_entry_key(stored.author_key, stored.article.id)


def _entry_item(stored: StoredArticle, tag: str) -> dict[str, Any]:
    return {**_summary_item(stored.article), "pk": f"tag#{tag}", "sk": stored.feed_key, "articleTag": tag}


class ArticlesTable:
    """Reads and writes the ARTICLES table."""

    def __init__(self, table_name: str) -> None:
        self._table = Table(table_name)

    @property
    def _client(self) -> Any:
        return self._table.client

    def _put(self, item: dict[str, Any], condition: str | None = None) -> dict[str, Any]:
        request: dict[str, Any] = {"TableName": self._table.name, "Item": item}
        if condition:
            request["ConditionExpression"] = condition
        return {"Put": request}

    def _delete(self, key: dict[str, str]) -> dict[str, Any]:
        return {"Delete": {"TableName": self._table.name, "Key": key}}

    # -- articles ------------------------------------------------------------------------------------

    def create(self, stored: StoredArticle, guard: dict[str, Any] | None = None) -> bool:
        """The article, its tag entries and its author entry, in one transaction; with `guard` (a
        ConditionCheck, say on the author's account), only while it holds: False when it did not."""
        reasons = transact(
            self._client,
            [
                self._put(article_item(stored), "attribute_not_exists(pk)"),
                self._put(body_item(stored.article)),
                *(self._put(_entry_item(stored, tag)) for tag in stored.article.tags),
                self._put(_author_entry(stored)),
                *([guard] if guard else []),
            ],
        )
        if reasons is None:
            return True
        if guard and reasons[-1] == CONDITION_FAILED:
            return False
        raise RuntimeError(f"article {stored.article.id} could not be written: {reasons}")

    def get(self, article_id: str) -> StoredArticle | None:
        """The whole article: its two items, in one Query of its partition."""
        items = self._table.query(**key_equals("pk", f"article#{article_id}"))["Items"]
        by_sk = {item["sk"]: item for item in items}
        if ARTICLE_SK not in by_sk:
            return None
        return _whole(by_sk[ARTICLE_SK], by_sk.get(BODY_SK))

    def get_many(self, article_ids: list[str]) -> dict[str, Article]:
        """Whole articles by id (at most 50), in one BatchGetItem and its retries of unprocessed keys."""
        ids = list(dict.fromkeys(article_ids))
        keys = [key for article_id in ids for key in (article_key(article_id), body_key(article_id))]
        read = {(item["pk"], item["sk"]): item for item in (self._table.batch_get(keys) if keys else [])}
        found: dict[str, Article] = {}
        for article_id in ids:
            pk = f"article#{article_id}"
            if (pk, ARTICLE_SK) in read:
                found[article_id] = _whole(read[pk, ARTICLE_SK], read.get((pk, BODY_SK))).article
        return found

    def replace(self, old: StoredArticle, new: StoredArticle) -> None:
        """The edited article, its entries refreshed, its dropped tags' entries removed: one transaction.

        PreconditionFailedError if the article was changed, deleted or changed hands meanwhile.
        """
        dropped = set(old.article.tags) - set(new.article.tags)
        try:
            transact_write(
                self._client,
                [
                    {
                        "Put": {
                            "TableName": self._table.name,
                            "Item": article_item(new),
                            "ConditionExpression": "authorKey = :author AND updatedAt = :seen",
                            "ExpressionAttributeValues": {
                                ":author": old.author_key,
                                ":seen": article_item(old)["updatedAt"],
                            },
                        }
                    },
                    self._put(body_item(new.article)),
                    *(self._delete({"pk": f"tag#{tag}", "sk": old.feed_key}) for tag in sorted(dropped)),
                    *(self._put(_entry_item(new, tag)) for tag in new.article.tags),
                    *(
                        [self._delete(author_entry_key(old.author_key, old.article.id))]
                        if old.author_key != new.author_key
                        else []
                    ),
                    self._put(_author_entry(new)),
                ],
            )
        except ClientError as error:
            if error_code(error) == "TransactionCanceledException":
                raise PreconditionFailedError(
                    f"Article {old.article.id} changed or was deleted meanwhile; GET it and try again."
                ) from error
            raise

    def delete(self, stored: StoredArticle) -> None:
        """The article and its tag entries, in one transaction (deleting nothing twice is fine)."""
        transact_write(
            self._client,
            [
                self._delete(article_key(stored.article.id)),
                self._delete(body_key(stored.article.id)),
                *(self._delete({"pk": f"tag#{tag}", "sk": stored.feed_key}) for tag in stored.article.tags),
                self._delete(author_entry_key(stored.author_key, stored.article.id)),
            ],
        )

    # -- listings: at most limit + 1 items read, in as few Queries as 1 MB pages allow --------------

    def _page(
        self, request: dict[str, Any], limit: int, after: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], bool]:
        request = {**request, "ScanIndexForward": request.get("ScanIndexForward", False)}
        if after is not None:
            request["ExclusiveStartKey"] = after
        # A Query stops at 1 MB read with a LastEvaluatedKey, whatever its Limit: follow it until
        # limit + 1 items (so "more" is known) or the end, never taking a short page for the last.
        items: list[dict[str, Any]] = []
        while True:
            answer = self._table.query(**request, Limit=limit + 1 - len(items))
            items.extend(answer["Items"])
            if len(items) > limit or "LastEvaluatedKey" not in answer:
                return [_fields(item) for item in items[:limit]], len(items) > limit
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def newest(self, limit: int, after: str | None) -> tuple[list[ArticleSummary], bool]:
        start = None
        if after:
            start = {"feed": FEED, "feedKey": after, **article_key(after.rsplit("#", 1)[1])}
        items, more = self._page({"IndexName": NEWEST_INDEX, **key_equals("feed", FEED)}, limit, start)
        return [ArticleSummary.model_validate(item) for item in items], more

    def by_author(self, author_key: str, limit: int, after: str | None) -> tuple[list[ArticleSummary], bool]:
        start = None
        if after:
            start = {"authorKey": author_key, "feedKey": after, **article_key(after.rsplit("#", 1)[1])}
        items, more = self._page(
            {"IndexName": BY_AUTHOR_INDEX, **key_equals("authorKey", author_key)},
            limit,
            start,
        )
        return [ArticleSummary.model_validate(item) for item in items], more

    def by_tag(self, tag: str, limit: int, after: str | None) -> tuple[list[ArticleSummary], bool]:
        start = {"pk": f"tag#{tag}", "sk": after} if after else None
        items, more = self._page({**key_equals("pk", f"tag#{tag}")}, limit, start)
        return [ArticleSummary.model_validate(item) for item in items], more

    def tags(self, limit: int, after: str | None) -> tuple[list[TagCount], bool]:
        start = None
        if after:
            tag = after.split("#", 1)[1]
            start = {"cloud": CLOUD, "cloudKey": after, "pk": f"tagcount#{tag}", "sk": COUNT_SK}
        items, more = self._page(
            {
                "IndexName": TAG_CLOUD_INDEX,
                **key_equals("cloud", CLOUD),
                "ScanIndexForward": True,
            },
            limit,
            start,
        )
        return [TagCount(tag=item["tag"], count=item["count"]) for item in items], more

    def all_by_author(self, author_key: str) -> list[StoredArticle]:
        """Every article of an author (for deleting an account or moving a renamed one's), page by
        page: its author entries, read strongly consistent, and the ByAuthor index (where articles
        written before author entries existed are found)."""
        ids: dict[str, None] = {}
        for request in (
            {**key_equals("pk", f"author#{author_key}"), "ConsistentRead": True},
            {"IndexName": BY_AUTHOR_INDEX, **key_equals("authorKey", author_key)},
        ):
            while True:
                answer = self._table.query(**request)
                ids.update((str(item.get("id") or item["sk"]), None) for item in answer["Items"])
                if "LastEvaluatedKey" not in answer:
                    break
                request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
        found = (self.get(article_id) for article_id in ids)
        return [stored for stored in found if stored is not None and stored.author_key == author_key]

    # -- tag counts ------------------------------------------------------------------------------------

    def tag_count(self, tag: str) -> int:
        item = self._table.get_item(Key={"pk": f"tagcount#{tag}", "sk": COUNT_SK}, ConsistentRead=True).get(
            "Item"
        )
        return int(item["count"]) if item else 0

    def apply_tag_change(self, tag: str, article_id: str, delta: int, attempts: int = 20) -> bool:
        """Count (delta +1) or uncount (-1) one article under a tag; False if it already was.

        A marker item per counted (tag, article) makes a repeated stream record change nothing; the
        count is written on condition that it is still what was read, and read again if not.
        """
        marker = {"pk": f"tagcount#{tag}", "sk": f"member#{article_id}"}
        for _ in range(attempts):
            current = self._table.get_item(
                Key={"pk": f"tagcount#{tag}", "sk": COUNT_SK}, ConsistentRead=True
            ).get("Item")
            old = int(current["count"]) if current else 0
            new = max(0, old + delta)
            count_item: dict[str, Any] = {"pk": f"tagcount#{tag}", "sk": COUNT_SK, "tag": tag, "count": new}
            if new > 0:
                count_item.update(cloud=CLOUD, cloudKey=cloud_key(new, tag))
            count_put: dict[str, Any] = {"TableName": self._table.name, "Item": count_item}
            if current is None:
                count_put["ConditionExpression"] = "attribute_not_exists(pk)"
            else:
                count_put["ConditionExpression"] = "#count = :old"
                count_put["ExpressionAttributeNames"] = {"#count": "count"}
                count_put["ExpressionAttributeValues"] = {":old": old}
            if delta > 0:
                marker_op = self._put(dict(marker), "attribute_not_exists(pk)")
            else:
                marker_op = {
                    "Delete": {
                        "TableName": self._table.name,
                        "Key": marker,
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                }
            reasons = transact(self._client, [marker_op, {"Put": count_put}])
            if reasons is None:
                return True
            if reasons and reasons[0] == CONDITION_FAILED:
                return False  # this (tag, article) was already counted, or already uncounted
        raise RuntimeError(f"the count of tag {tag!r} kept changing; the stream record will be retried")


def tag_change(record: dict[str, Any]) -> tuple[str, str, int] | None:
    """(tag, article id, +1 or -1) for a stream record of a tag entry inserted or removed; None for
    any other record of the ARTICLES table."""
    keys = record.get("dynamodb", {}).get("Keys", {})
    pk = keys.get("pk", {}).get("S", "")
    if not pk.startswith("tag#"):
        return None
    article_id = keys.get("sk", {}).get("S", "").rsplit("#", 1)[-1]
    event = record.get("eventName")
    if event == "INSERT":
        return pk.removeprefix("tag#"), article_id, +1
    if event == "REMOVE":
        return pk.removeprefix("tag#"), article_id, -1
    return None
