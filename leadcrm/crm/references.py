"""Checks that values pointing into directories (stages, sources, currencies, users) exist.

Driven by the field's Bitrix24 type, so every catalogue gets the same checks for free. The
directories are read once for a whole set of items (a batch's adds), in one statement each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from leadcrm.catalogue import Catalogue, Field
from leadcrm.crm.currencies.service import known_currencies
from leadcrm.crm.statuses.service import semantics_of
from leadcrm.users.service import existing_users


@dataclass(slots=True)
class Wanted:
    """Directory items, users and currencies some values point at, to read all at once."""

    statuses: set[tuple[str, str]] = field(default_factory=set)
    users: set[int] = field(default_factory=set)
    currencies: set[str] = field(default_factory=set)


@dataclass(slots=True)
class References:
    """What the directories hold of the values some items point at."""

    catalogue: Catalogue
    acting_user_id: int | None
    semantics: dict[tuple[str, str], str] = field(default_factory=dict)
    first_statuses: dict[str, str] = field(default_factory=dict)
    currencies: set[str] = field(default_factory=set)
    base_currency: str = ""
    users: set[int] = field(default_factory=set)

    def has_status(self, entity_id: str, status_id: str) -> bool:
        return (entity_id, status_id) in self.semantics

    def has_user(self, user_id: int) -> bool:
        return user_id == self.acting_user_id or user_id in self.users

    def status_semantics(self, entity_id: str, status_id: str) -> str | None:
        """'P', 'S' or 'F' for an existing item (non-stage items count as 'P'); None if absent."""
        return self.semantics.get((entity_id, status_id))

    def problems(self, values: Mapping[str, Any]) -> list[str]:
        """A sentence per value that points at nothing, in the order the values came."""
        found = []
        for name, value in values.items():
            target = self.catalogue.get(name)
            if target is not None and _points(target, value) and not self._known(target, value):
                found.append(unknown_value(target, value))
        return found

    def _known(self, target: Field, value: Any) -> bool:
        if _points_at(target) == "crm_status":
            assert target.status_type is not None
            return (target.status_type, str(value)) in self.semantics
        if _points_at(target) == "crm_currency":
            return str(value) in self.currencies
        return value == self.acting_user_id or value in self.users


def read_references(
    conn: Connection,
    catalogue: Catalogue,
    items: Sequence[Mapping[str, Any]],
    *,
    acting_user_id: int | None = None,
    first_of: Iterable[str] = (),
    base_currency: bool = False,
    also: Wanted | None = None,
) -> References:
    """Read what ``items`` point at; also the first stage of each directory in ``first_of``
    and, when asked, the base currency. ``acting_user_id`` is known to exist: it was just
    authenticated. ``also``: more to read in the same statements (custom field values)."""
    statuses: set[tuple[str, str]] = set(also.statuses) if also else set()
    currencies: set[str] = set(also.currencies) if also else set()
    users: set[int] = set(also.users) if also else set()
    for values in items:
        for name, value in values.items():
            target = catalogue.get(name)
            if target is None or not _points(target, value):
                continue
            if _points_at(target) == "crm_status":
                assert target.status_type is not None
                statuses.add((target.status_type, str(value)))
            elif _points_at(target) == "crm_currency":
                currencies.add(str(value))
            elif isinstance(value, int) and value != acting_user_id:
                users.add(value)
    found = References(catalogue, acting_user_id)
    base_currency = base_currency or bool(currencies)
    found.semantics, found.first_statuses = semantics_of(conn, wanted=statuses, first_of=first_of)
    if base_currency:
        found.currencies, found.base_currency = known_currencies(conn, codes=currencies)
    found.users = existing_users(conn, user_ids=users)
    return found


def _points_at(target: Field) -> str:
    return target.reference or target.type


def _points(target: Field, value: Any) -> bool:
    if value is None or value == "":
        return False
    if _points_at(target) == "crm_status":
        return target.status_type is not None
    return _points_at(target) in ("crm_currency", "user")


def unknown_value(target: Field, value: object) -> str:
    return f"The field {target.title} ({target.name}) has an unknown value '{value}'."
