"""The entities that have custom fields, each registered by its own package."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Table

from leadcrm.catalogue import Catalogue
from leadcrm.crm.userfields import definitions
from leadcrm.crm.userfields.definitions import UserFields


@dataclass(frozen=True, slots=True)
class Owner:
    entity_id: str  # CRM_LEAD
    table: Table  # whose rows keep the values
    base: Catalogue  # the system fields the custom ones extend
    event_prefix: str  # ONCRMLEAD, as in ONCRMLEADUSERFIELDADD

    def fields(
        self, conn: Connection, *, lock: bool = False, version: int | None = None
    ) -> UserFields:
        return definitions.current(
            conn,
            entity_id=self.entity_id,
            catalogue=self.base,
            table=self.table,
            lock=lock,
            version=version,
        )


_owners: dict[str, Owner] = {}


def register_owner(owner: Owner) -> Owner:
    _owners[owner.entity_id] = owner
    return owner


def owner(entity_id: str) -> Owner:
    return _owners[entity_id]


# Called in the transaction that deletes a definition, with its owner and field name, so
# that what refers to the field by name (card layouts) lets go of it.
FieldRemoved = Callable[[Connection, Owner, str], None]
_on_field_removed: list[FieldRemoved] = []


def when_field_removed(hook: FieldRemoved) -> FieldRemoved:
    _on_field_removed.append(hook)
    return hook


def field_removed(conn: Connection, owner: Owner, field_name: str) -> None:
    for hook in _on_field_removed:
        hook(conn, owner, field_name)
