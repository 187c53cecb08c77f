"""The CRM entities, each registered by its own package, and the bindings between them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Column, Connection, RowMapping, bindparam, exists, select

from leadcrm.crm.bindings.relation import Relation
from leadcrm.crm.entities.kind import EntityKind
from leadcrm.crm.existence import register_existence_check, rows_of
from leadcrm.crm.statuses.service import UsageCheck, register_usage_check

_kinds: dict[str, EntityKind] = {}


def register_kind(kind: EntityKind) -> EntityKind:
    """Also tells others which of its ids exist, and vetoes deleting a directory item (a
    stage, a source) that its rows still hold."""
    _kinds[kind.name] = kind
    register_existence_check(kind.name, rows_of(kind.table))
    for field in kind.catalogue:
        if field.type == "crm_status" and field.status_type and field.column:
            register_usage_check(field.status_type, _holds(kind.table.c[field.column]))
    return kind


def _holds(column: Column[Any]) -> UsageCheck:
    statement = select(exists().where(column == bindparam("status_id")))

    def in_use(conn: Connection, status_id: str) -> bool:
        return bool(conn.execute(statement, {"status_id": status_id}).scalar())

    return in_use


# Called in the transaction that deletes an entity, before its row goes, by packages that
# keep rows of their own for it (a lead's product rows).
Deleting = Callable[[Connection, int], None]
_when_deleted: dict[str, list[Deleting]] = {}


def when_deleted(name: str, hook: Deleting) -> None:
    _when_deleted.setdefault(name, []).append(hook)


def deleting(conn: Connection, name: str, entity_id: int) -> None:
    for hook in _when_deleted.get(name, []):
        hook(conn, entity_id)


# Called in an update's transaction with the changes about to be written and the current
# row, by packages whose rows decide some of the entity's values (a lead's amount).
Updating = Callable[[Connection, int, dict[str, Any], RowMapping], None]
_when_updated: dict[str, list[Updating]] = {}


def when_updated(name: str, hook: Updating) -> None:
    _when_updated.setdefault(name, []).append(hook)


def updating(
    conn: Connection, name: str, entity_id: int, changes: dict[str, Any], current: RowMapping
) -> None:
    for hook in _when_updated.get(name, []):
        hook(conn, entity_id, changes, current)


def kind_named(name: str) -> EntityKind:
    return _kinds[name]


def all_kinds() -> Iterator[EntityKind]:
    return iter(list(_kinds.values()))


def relations_with(name: str, *, as_target: bool) -> Iterator[tuple[EntityKind, Relation]]:
    """Each relation binding entities ``name`` (as its target, or as its owner), once, with the
    kind at its owning end."""
    seen: set[str] = set()
    for kind in all_kinds():
        for link in kind.links:
            relation = link.relation
            end = relation.target_entity if as_target else relation.owner_entity
            if end == name and relation.table.name not in seen:
                seen.add(relation.table.name)
                yield _kinds[relation.owner_entity], relation
