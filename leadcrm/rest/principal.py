"""Who is calling: the acting user and what their credential may reach."""

from __future__ import annotations

from dataclasses import dataclass

BASIC_SCOPE = "basic"
# Scopes whose methods a `user` grant also reaches, as user_basic/user_brief are subsets of it.
SCOPE_ALIASES = {"user_basic": "user", "user_brief": "user"}


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int
    is_admin: bool
    scopes: frozenset[str]
    credential: str
    # The application whose token made the call; None for a webhook.
    app_id: int | None = None

    def may_use(self, scope: str) -> bool:
        if scope == BASIC_SCOPE or scope in self.scopes:
            return True
        return any(SCOPE_ALIASES.get(granted) == scope for granted in self.scopes)

    def may_call(self, *, scope: str, app_only: bool) -> bool:
        """Whether a method of ``scope`` (maybe for applications only) is open to this caller."""
        return (self.app_id is not None or not app_only) and self.may_use(scope)
