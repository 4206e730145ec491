"""A person's account: signing up as a participant, their own profile, export and deletion."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hdoc.dal.accounts import NameTakenError
from hdoc.dal.articles import ArticlesTable
from hdoc.dal.statistics import StatisticsTable
from hdoc.dal.user_items import ProfileRecord, author_key_of
from hdoc.dal.users import UsersTable
from hdoc.errors import (
    ConflictError,
    ForbiddenError,
    InvalidParameterError,
    NotFoundError,
    UpstreamError,
)
from hdoc.logic import quotas
from hdoc.logic.github_link import move_participant
from hdoc.models.account import Profile
from hdoc.models.account_api import Me, ProfilePatch, SignupRequest
from hdoc.models.caller import COMPLETE_SIGNUP, Caller
from hdoc.models.export import Export
from hdoc.observability import logger
from hdoc.sources.github_oauth import GitHubOAuthApp, GitHubUnavailableError

# Fields a participant may clear with null; the others always have a value.
CLEARABLE = {"twitter_profile", "linkedin_profile", "avatar_image"}


@dataclass(frozen=True)
class Stores:
    """What taking a name from a stale holder touches: its articles and statistics move with it, and
    GitHub says who holds which login now."""

    articles: ArticlesTable
    statistics: StatisticsTable
    github: Callable[[], GitHubOAuthApp]


def signup(
    users: UsersTable, caller: Caller, request: SignupRequest, stores: Stores, now: datetime | None = None
) -> ProfileRecord:
    """Make the caller a participant under their GitHub username. A participant that holds the name
    as a GitHub account that no longer has that login (renamed on GitHub, never relinked) gives it
    up: it moves to the login its account has now, as its own link would have moved it."""
    now = now or datetime.now(UTC)
    username = request.github_username
    account = users.get_account(caller.sub)
    github = account.account.github if account else None
    if github is None:
        raise ForbiddenError(
            "Link your GitHub account first (POST /me/github/link): only the owner of a GitHub "
            "account can claim its username."
        )
    if github.login.lower() != username.lower():
        raise ForbiddenError(
            f"You can claim only the GitHub username you linked ({github.login}), not {username}."
        )
    username = github.login  # as GitHub spells it
    if request.journey_repo is not None:
        _own_repository(request.journey_repo, github.login)
    profile = Profile(
        id=username,
        name=request.name,
        github_profile=f"https://github.com/{username}",
        twitter_profile=request.twitter_profile,
        linkedin_profile=request.linkedin_profile,
        avatar_image=request.avatar_image,
        date_joined=now,
        timezone=request.timezone,
        journey_repo=request.journey_repo or f"{username}/100DaysOfCloud",
        verified=True,
    )
    try:
        return users.create_participant(caller.sub, caller.email, profile, now, github_id=github.id)
    except NameTakenError:
        holder = users.get_profile(username.lower())
        if holder is None or holder.account_sub == caller.sub or holder.github_id in (None, github.id):
            raise
    _take_from_stale_holder(users, holder, stores, now)
    return users.create_participant(caller.sub, caller.email, profile, now, github_id=github.id)


def _current_login(stores: Stores, github_id: int) -> str | None:
    try:
        return stores.github().login_of(github_id)
    except GitHubUnavailableError as error:
        raise UpstreamError(
            f"GitHub could not say who holds the name now ({error}); nothing was changed: try again.",
            timed_out=error.timed_out,
        ) from error


def _stale(stores: Stores, record: ProfileRecord) -> bool:
    """Whether GitHub says the GitHub account that verified `record` has another login now, or is
    gone; False when it still has the name, or GitHub cannot say."""
    if record.github_id is None:
        return False
    try:
        current = _current_login(stores, record.github_id)
    except UpstreamError:
        return False
    return current is None or current.lower() != record.profile.id.lower()


def _take_from_stale_holder(users: UsersTable, holder: ProfileRecord, stores: Stores, now: datetime) -> None:
    """Move `holder` (verified as a GitHub account that has another login now) to that login, as
    its own next link would."""
    assert holder.github_id is not None
    assert holder.account_sub is not None
    name = holder.profile.id
    current = _current_login(stores, holder.github_id)
    if current is not None and current.lower() == name.lower():
        raise ConflictError(f"The GitHub username '{name}' already belongs to a participant.")
    if current is None:
        raise ConflictError(
            f"{name} is held by a participant whose GitHub account no longer exists: an admin can "
            f"release it (DELETE /admin/participants/{name}), then sign up again."
        )
    move_participant(
        users,
        stores.articles,
        stores.statistics,
        holder.account_sub,
        old_pk=name.lower(),
        github_id=holder.github_id,
        login=current,
        now=now,
    )
    logger.info("a stale name moved to its account's login", extra={"from": name, "to": current})


def _own_repository(journey_repo: str, login: str) -> None:
    """A journey repository must be in the participant's own GitHub account."""
    owner = journey_repo.split("/", 1)[0]
    if owner.lower() != login.lower():
        raise InvalidParameterError(
            "journeyRepo", f"must be a repository of your own GitHub account: {login}/NAME"
        )


def me(users: UsersTable, caller: Caller) -> tuple[Me, int]:
    """The caller's account and participant, and the participant's version."""
    account = users.get_account(caller.sub)
    record = users.get_profile(account.participant_pk) if account and account.participant_pk else None
    if account is None or record is None:
        raise NotFoundError(COMPLETE_SIGNUP)
    return Me(account=account.account, participant=record.profile), record.version


def update_profile(
    users: UsersTable, caller: Caller, patch: ProfilePatch, expected_version: int | None
) -> ProfileRecord:
    """Apply the fields `patch` sets; with `expected_version`, only if the profile is still at it."""
    changes: dict[str, Any] = {}
    for name in sorted(patch.model_fields_set):
        value = getattr(patch, name)
        if value is None and name not in CLEARABLE:
            alias = ProfilePatch.model_fields[name].alias or name
            raise InvalidParameterError(alias, "cannot be cleared; leave it out to keep it as it is")
        changes[name] = value
    account = users.get_account(caller.sub)
    if account is None or account.participant_pk is None:
        raise NotFoundError(COMPLETE_SIGNUP)
    if changes.get("journey_repo") is not None:
        owner = account.account.github.login if account.account.github else account.participant_pk
        _own_repository(changes["journey_repo"], owner)
    with quotas.spending(users, caller.sub, quotas.PROFILE_EDITS_PER_HOUR):
        return users.update_profile(account.participant_pk, caller.sub, changes, expected_version)


def export(
    users: UsersTable,
    articles: ArticlesTable,
    statistics: StatisticsTable,
    caller: Caller,
    now: datetime | None = None,
) -> Export:
    """Everything hdoc holds about the caller."""
    exported_at = now or datetime.now(UTC)
    account = users.get_account(caller.sub)
    pk = account.participant_pk if account else None
    if account is None or pk is None:
        return Export(exported_at=exported_at, account=account.account if account else None, participant=None)
    record = users.get_profile(pk)
    journey = statistics.get(pk)
    return Export(
        exported_at=exported_at,
        account=account.account,
        participant=record.profile if record else None,
        articles=[stored.article for stored in articles.all_by_author(record.author_key)] if record else [],
        journey=journey.report if journey else None,
    )


def delete(
    users: UsersTable,
    articles: ArticlesTable,
    statistics: StatisticsTable,
    caller: Caller,
    delete_sign_in: Callable[[Caller], None],
    *,
    now: datetime | None = None,
) -> None:
    """Remove everything hdoc holds about the caller, then their sign-in. The account is marked as
    closing first, so that no write of it (an article posted meanwhile, a relink, a signup with a
    still-valid token) lands after the deletion read what to delete; its record stays as that mark
    (a tombstone with no personal data). Safe to repeat."""
    closed = users.close_account(caller.sub, now or datetime.now(UTC))
    if closed is not None and closed.participant_pk is not None:
        record = users.get_profile(closed.participant_pk)
        keys = {closed.participant_pk, author_key_of(caller.sub), *([record.author_key] if record else [])}
        pending = users.pending_rename(caller.sub)
        keys |= {pending.from_author_key} if pending else set()
        for key in sorted(keys):
            for stored in articles.all_by_author(key):
                articles.delete(stored)  # its tag entries go with it, and the counter uncounts them
        statistics.delete(closed.participant_pk)
        if pending:
            statistics.delete(pending.from_pk)
            users.finish_rename(pending)
    users.delete_account(caller.sub, closed)
    if closed is not None and closed.participant_pk is not None:
        # Once the participant is gone no refresh can write first statistics; one that wrote in the
        # moment between the two deletions is removed here.
        statistics.delete(closed.participant_pk)
    delete_sign_in(caller)


def release(users: UsersTable, stores: Stores, caller: Caller, username: str) -> None:
    """An admin frees a username held by a participant that is not verified (its account's GitHub
    link is gone, or it predates linking), or verified as a GitHub account that GitHub no longer
    gives this login: the participant, its articles and statistics go; the account stays. Logged
    with who did it."""
    articles, statistics = stores.articles, stores.statistics
    if not caller.is_admin:
        raise ForbiddenError("Only admins can release a username.")
    pk = username.lower()
    record = users.get_profile(pk)
    if record is None:
        raise NotFoundError(f"No participant has the username {username}.")
    if record.profile.verified and not _stale(stores, record):
        raise ConflictError(
            f"{record.profile.id} is verified: its owner proved the GitHub account is theirs, so the "
            "username cannot be released."
        )
    for stored in articles.all_by_author(record.author_key):
        articles.delete(stored)
    if not users.release_participant(pk, record.github_id if record.profile.verified else None):
        raise NotFoundError(f"No participant has the username {username}.")
    statistics.delete(pk)
    logger.info(
        "username released by an admin",
        extra={"username": record.profile.id, "releasedBy": caller.sub, "releasedByEmail": caller.email},
    )
