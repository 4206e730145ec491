"""Proving who one is on GitHub: a signed-in person starts a link (a short-lived `state` bound to
them, and a PKCE verifier), GitHub sends them back to the website with a code, and the code is
exchanged for GitHub's numeric id and login, stored on their account. A state is good once, for its
own account, for ten minutes; a failed exchange changes nothing (the person starts again)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from hdoc.dal.articles import ArticlesTable, StoredArticle
from hdoc.dal.github_links import Rename
from hdoc.dal.statistics import StatisticsTable
from hdoc.dal.user_items import LinkState, ProfileRecord
from hdoc.dal.users import UsersTable
from hdoc.errors import ConflictError, InvalidParameterError, PreconditionFailedError, UpstreamError
from hdoc.logic import quotas
from hdoc.models.account import GitHubLink
from hdoc.models.account_api import GitHubCallback, GitHubLinkStart
from hdoc.models.caller import Caller
from hdoc.sources.github_oauth import CodeRefusedError, GitHubOAuthApp, GitHubUnavailableError

LINK_LIFETIME = timedelta(minutes=10)
CALLBACK_PATH = "/auth/github"
REDIRECT_RULE = f"the website's GitHub callback page: an allowed origin followed by {CALLBACK_PATH}"


def code_challenge(verifier: str) -> str:
    """PKCE's S256 challenge of a verifier."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _checked_redirect(redirect_uri: str, allowed_origins: list[str]) -> str:
    """The one page GitHub may send a person back to: the website's callback, on an allowed origin,
    with nothing else (no query, fragment, other path, or character a header could be split on)."""
    allowed = {f"{origin.rstrip('/')}{CALLBACK_PATH}" for origin in allowed_origins}
    if redirect_uri not in allowed or not redirect_uri.isprintable():
        raise InvalidParameterError("redirectUri", f"must be {REDIRECT_RULE}")
    return redirect_uri


def start_link(
    users: UsersTable,
    app: Callable[[], GitHubOAuthApp],
    caller: Caller,
    *,
    redirect_uri: str,
    allowed_origins: list[str],
    now: datetime,
) -> GitHubLinkStart:
    """A new link in progress for the caller, and GitHub's page to send them to. (`app` is asked for
    only once the request is known to be good.)"""
    checked = _checked_redirect(redirect_uri, allowed_origins)
    github = app()
    with quotas.spending(users, caller.sub, quotas.LINK_STARTS_PER_HOUR, now):
        link = LinkState(
            state=secrets.token_urlsafe(24),
            account_sub=caller.sub,
            code_verifier=secrets.token_urlsafe(48),
            redirect_uri=checked,
            expires_at=now + LINK_LIFETIME,
        )
        users.put_link_state(link)
    url = github.authorize_url(
        state=link.state, code_challenge=code_challenge(link.code_verifier), redirect_uri=link.redirect_uri
    )
    return GitHubLinkStart(authorize_url=url, expires_at=link.expires_at)


def finish_link(
    users: UsersTable,
    articles: ArticlesTable,
    statistics: StatisticsTable,
    app: Callable[[], GitHubOAuthApp],
    caller: Caller,
    *,
    callback: GitHubCallback,
    now: datetime,
) -> GitHubLink:
    """Exchange GitHub's code for who the caller is on GitHub, and link their account to it; a
    participant whose GitHub account was renamed moves to the new name."""
    link = users.take_link_state(callback.state, caller.sub, now)
    if link is None:
        raise InvalidParameterError(
            "state",
            "is not a link you started in the last 10 minutes, or was used already: link again",
        )
    try:
        identity = app().identify(
            code=callback.code, code_verifier=link.code_verifier, redirect_uri=link.redirect_uri
        )
    except CodeRefusedError as error:
        raise InvalidParameterError(
            "code", f"was not accepted by GitHub ({error.error}): link again"
        ) from error
    except GitHubUnavailableError as error:
        raise UpstreamError(
            f"GitHub could not confirm who you are ({error}); nothing was changed: link again in a moment.",
            timed_out=error.timed_out,
        ) from error
    pending = users.pending_rename(caller.sub)
    if pending is not None:  # a move that stopped half way is finished first
        complete_rename(users, articles, statistics, pending)
    account = users.get_account(caller.sub)
    participant_pk = account.participant_pk if account else None
    record = users.get_profile(participant_pk) if participant_pk else None
    if record is not None and record.github_id == identity.id and record.profile.id != identity.login:
        return _renamed(
            users, articles, statistics, caller, record, github_id=identity.id, login=identity.login, now=now
        )
    return users.link_github(caller.sub, identity.id, identity.login, now)


def _renamed(
    users: UsersTable,
    articles: ArticlesTable,
    statistics: StatisticsTable,
    caller: Caller,
    record: ProfileRecord,
    *,
    github_id: int,
    login: str,
    now: datetime,
) -> GitHubLink:
    """The participant's GitHub account was renamed (same numeric id): the participant moves to the
    new name in one transaction that also records the move; its articles then follow, and its
    statistics are read afresh under it. A move stopped half way (say, by a failure among the
    articles) is finished by the next link (a retry of this one included); until then its owner
    still owns the articles left under the old key, and nobody else does."""
    old_pk = record.profile.id.lower()
    if old_pk == login.lower():  # only the case changed: the key stays
        return users.link_github(caller.sub, github_id, login, now)
    move_participant(
        users, articles, statistics, caller.sub, old_pk=old_pk, github_id=github_id, login=login, now=now
    )
    return GitHubLink(id=github_id, login=login, linked_at=now)


def move_participant(
    users: UsersTable,
    articles: ArticlesTable,
    statistics: StatisticsTable,
    sub: str,
    *,
    old_pk: str,
    github_id: int,
    login: str,
    now: datetime,
) -> None:
    """Move `sub`'s participant from `old_pk` to `login` (its GitHub account's login now), then its
    articles and statistics with it; a failure among those leaves the move for the next link."""
    complete_rename(users, articles, statistics, users.rename_participant(sub, old_pk, github_id, login, now))


MOVE_ATTEMPTS = 5


def complete_rename(
    users: UsersTable, articles: ArticlesTable, statistics: StatisticsTable, pending: Rename
) -> None:
    """Finish a participant's move: every article of it under its new author key and login, its old
    statistics gone, then the record forgotten. Safe to repeat, and to run beside an edit (an article
    changed meanwhile is read again)."""
    for key in dict.fromkeys([pending.from_author_key, pending.to_author_key]):
        for stored in articles.all_by_author(key):
            _move_article(articles, stored, pending)
    statistics.delete(pending.from_pk)
    users.finish_rename(pending)


def _move_article(articles: ArticlesTable, stored: StoredArticle, pending: Rename) -> None:
    current: StoredArticle | None = stored
    for _ in range(MOVE_ATTEMPTS):
        if current is None:  # deleted meanwhile
            return
        if current.author_key == pending.to_author_key and current.article.author == pending.login:
            return
        renamed = current.article.model_copy(update={"author": pending.login})
        try:
            articles.replace(current, StoredArticle(renamed, pending.to_author_key, current.feed_key))
        except PreconditionFailedError:
            current = articles.get(current.article.id)
            continue
        return
    raise ConflictError(
        f"Article {stored.article.id} kept changing while your participant moved to {pending.login}; "
        "link again to finish the move."
    )
