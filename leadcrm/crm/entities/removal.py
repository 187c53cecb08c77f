"""Deleting an entity, and letting go of it everywhere else in the same transaction."""

from __future__ import annotations

from sqlalchemy import Connection, delete, update

from leadcrm.crm.bindings import service as bindings
from leadcrm.crm.entities.custom import drop_unheld_files
from leadcrm.crm.entities.kind import REFERENCE_TYPES, EntityKind
from leadcrm.crm.entities.registry import all_kinds, deleting, relations_with
from leadcrm.crm.entities.service import row_of
from leadcrm.crm.multifields import service as multifields
from leadcrm.crm.userfields.storage import VALUES_COLUMN
from leadcrm.events.record import Change, record


def delete_one(conn: Connection, kind: EntityKind, *, entity_id: int, user_id: int) -> None:
    # The definitions first, then the row, in the order every write takes them: a definition
    # deleted meanwhile (which locks the definitions, then the rows) cannot deadlock with it.
    fields = kind.owner.fields(conn, lock=True)
    row = row_of(conn, kind, entity_id, for_update=True, missing=kind.missing_on_delete)
    if row[VALUES_COLUMN]:
        drop_unheld_files(conn, fields, row[VALUES_COLUMN], {})
    multifields.delete_all(conn, entity_id=kind.name, element_id=entity_id)
    deleting(conn, kind.name, entity_id)
    touched = _let_go(conn, kind, entity_id)
    conn.execute(delete(kind.table).where(kind.table.c.id == entity_id))
    change = Change(kind.event("DELETE"), kind.name, entity_id)
    record(conn, changes=[change, *touched], user_id=user_id)


def _let_go(conn: Connection, kind: EntityKind, entity_id: int) -> list[Change]:
    """Unbind the entity being deleted from everything that names it (a contact from its
    leads, which pick a new primary) and clear other entities' references to it (a lead's
    COMPANY_ID); the changes this makes to those entities."""
    touched: list[Change] = []
    for owner, relation in relations_with(kind.name, as_target=True):
        for owner_id in bindings.forget(conn, relation, target_id=entity_id):
            touched.append(Change(owner.event("UPDATE"), owner.name, owner_id))
    for _, relation in relations_with(kind.name, as_target=False):
        conn.execute(delete(relation.table).where(relation.table.c[relation.owner] == entity_id))
    for other, column in _columns_pointing_at(kind):
        table = other.table
        statement = (
            update(table)
            .where(table.c[column] == entity_id)
            .values({column: None})
            .returning(table.c.id)
        )
        touched += [
            Change(other.event("UPDATE"), other.name, i) for i in conn.execute(statement).scalars()
        ]
    return list({(c.entity, c.entity_id): c for c in touched}.values())


def _columns_pointing_at(kind: EntityKind) -> list[tuple[EntityKind, str]]:
    """Other entities' single reference columns to ``kind`` that no binding mirrors."""
    mirrored = {(k.name, link.primary) for k in all_kinds() for link in k.links if link.primary}
    return [
        (other, f.column)
        for other in all_kinds()
        for f in other.catalogue
        if f.column
        and not f.read_only
        and REFERENCE_TYPES.get(f.type) == kind.name
        and (other.name, f.name) not in mirrored
    ]
