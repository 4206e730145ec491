"""Who is calling the signed-in API, as the ID token's claims (checked against the pool) say."""

from __future__ import annotations

from dataclasses import dataclass, field

COMPLETE_SIGNUP = "You have no participant yet: complete signup with POST /signup."


@dataclass(frozen=True)
class Caller:
    """The signed-in person, from the ID token's claims."""

    sub: str
    email: str
    username: str  # Cognito's username for the user (with email sign-in, the sub)
    groups: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return "admins" in self.groups
