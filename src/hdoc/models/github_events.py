"""The parts of GitHub's webhook events hdoc reads (snake_case, as GitHub sends them). Anything else
in a payload is ignored; a payload without these parts is malformed."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

# The events the GitHub App is subscribed to, besides the installation events every App receives.
PUSH, PING, INSTALLATION, INSTALLATION_REPOSITORIES = (
    "push",
    "ping",
    "installation",
    "installation_repositories",
)


class _Event(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Account(_Event):
    id: int
    login: str = Field(min_length=1, max_length=100)


class Repository(_Event):
    """A repository as the installation events list it."""

    id: int
    full_name: str = Field(min_length=3, max_length=200)


class PushedRepository(Repository):
    owner: Account
    default_branch: str = Field("main", min_length=1, max_length=255)


class InstallationRef(_Event):
    id: int


class Installation(InstallationRef):
    account: Account
    repository_selection: str = "selected"  # or "all"


class PushEvent(_Event):
    """A push: `ref` moved from `before` to `after` in `repository`."""

    ref: str = Field(min_length=1, max_length=300)
    after: str = Field("", max_length=64)
    deleted: bool = False
    repository: PushedRepository
    installation: InstallationRef | None = None

    @property
    def to_default_branch(self) -> bool:
        return self.ref == f"refs/heads/{self.repository.default_branch}"


class InstallationEvent(_Event):
    """The App was installed (created), uninstalled (deleted), suspended, unsuspended..."""

    action: str
    installation: Installation
    repositories: list[Repository] | None = None


class InstallationRepositoriesEvent(_Event):
    """Repositories added to or removed from an installation (added, removed)."""

    action: str
    installation: Installation
    repository_selection: str = "selected"
    repositories_added: list[Repository] = Field(default_factory=list)
    repositories_removed: list[Repository] = Field(default_factory=list)
