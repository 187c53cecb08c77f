"""One method call as a handler sees it."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from leadcrm.rest.errors import access_denied
from leadcrm.rest.params import Params
from leadcrm.rest.principal import Principal
from leadcrm.rest.registry import Method
from leadcrm.runtime import Runtime


@dataclass(frozen=True, slots=True)
class Call:
    method: Method
    params: Params
    principal: Principal
    runtime: Runtime
    connection: Connection | None

    @property
    def conn(self) -> Connection:
        """The call's transaction; every transactional handler has one."""
        if self.connection is None:
            raise RuntimeError(f"{self.method.name} runs outside a transaction")
        return self.connection

    @property
    def zone(self) -> ZoneInfo:
        return self.runtime.zone

    @property
    def user_id(self) -> int:
        return self.principal.user_id

    def require_admin(self) -> None:
        """Settings methods (directories, custom fields) are for administrators only."""
        if not self.principal.is_admin:
            raise access_denied()


@dataclass(frozen=True, slots=True)
class Page:
    """A list method's answer: one page of items, the total, and where the next page starts."""

    items: list[object]
    total: int | None
    next: int | None
    # Set when the items are answered under a key ({"productRows": [...]}), not bare.
    key: str | None = None
