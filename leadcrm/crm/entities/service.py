"""Add, update, get and list any CRM entity, as plain functions over one transaction
(``checks`` parses what a write sends, ``custom`` its custom values, ``removal`` deletes).

Everything here is driven by the entity's ``EntityKind``: its catalogue says what may be
written and how, its owner which custom fields it has, its links which bindings its fields
write. What only one entity does is in its own package, behind the kind's hooks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, RowMapping, Select, bindparam, select, update

from leadcrm.crm.bindings import service as bindings
from leadcrm.crm.entities.checks import (
    check_still_held,
    existing_bound,
    invalid,
    parse,
    prepare_many,
    split_items,
    unbound,
)
from leadcrm.crm.entities.custom import custom_values, drop_unheld_files, files_of, stored_values
from leadcrm.crm.entities.kind import EntityKind, Link, NewRecord, Writing
from leadcrm.crm.entities.links import bind_new, link_ids, write_links
from leadcrm.crm.entities.registry import updating
from leadcrm.crm.ids import MAX_ID
from leadcrm.crm.multifields import service as multifields
from leadcrm.crm.references import References, read_references
from leadcrm.crm.userfields.codec import UserFieldKind
from leadcrm.crm.userfields.definitions import version_of
from leadcrm.crm.userfields.output import renderer
from leadcrm.crm.userfields.storage import VALUES_COLUMN
from leadcrm.crm.userfields.values import (
    check_references,
    custom_names,
    needs_base_currency,
    parse_values,
    wanted_by,
)
from leadcrm.db.bulk import insert_returning_ids
from leadcrm.events.record import Change, record
from leadcrm.listing import ListQuery, run
from leadcrm.rest.errors import RestError
from leadcrm.users.service import utcnow

__all__ = ["NewRecord", "Page", "Writing"]


@dataclass(frozen=True, slots=True)
class Page:
    items: list[dict[str, Any]]
    total: int | None
    next: int | None


def add_one(
    conn: Connection, kind: EntityKind, *, values: Mapping[str, Any], writing: Writing
) -> int:
    (added,) = add_prepared(
        conn, kind, prepared=prepare_many(kind, values=[values], zone=writing.zone), writing=writing
    )
    if isinstance(added, RestError):
        raise added
    return added


def add_prepared(
    conn: Connection,
    kind: EntityKind,
    *,
    prepared: Sequence[NewRecord | RestError],
    writing: Writing,
) -> list[int | RestError]:
    """Write the prepared entities: each gets its id, or the error that kept it out.

    The directories are read once for all of them and the rows written in one statement per
    table, which is what makes a batch of adds cheap.
    """
    now = utcnow()
    fields = kind.owner.fields(conn, lock=True)
    customs = custom_values(fields, prepared, writing, now)
    filled = [c for c in customs if c is not None]
    valid = [p for p in prepared if isinstance(p, NewRecord)]
    first_of = {
        f.status_type
        for f in kind.first_defaults
        if f.status_type and any(f.name not in p.accepted for p in valid)
    }
    references = read_references(
        conn,
        kind.catalogue,
        [p.accepted for p in valid],
        acting_user_id=writing.user_id,
        first_of=sorted(first_of),
        base_currency=_needs_base_currency(kind, valid) or needs_base_currency(fields, filled),
        also=wanted_by(fields, filled),
    )
    if fields.definitions:
        check_references(conn, fields, filled, known=references)
    found = existing_bound(conn, kind, valid)
    outcomes: list[int | RestError] = []
    written: list[tuple[int, NewRecord, dict[str, Any]]] = []
    for index, (new, custom) in enumerate(zip(prepared, customs, strict=True)):
        if isinstance(new, RestError) or custom is None:
            assert isinstance(new, RestError)
            outcomes.append(new)
            continue
        problems = references.problems(new.accepted) + unbound(kind, new, found) + custom.errors
        if problems:
            outcomes.append(invalid(problems))
            continue
        outcomes.append(0)
        row = _new_row(kind, new, references, writing, now)
        row[VALUES_COLUMN] = stored_values(conn, custom, {}, writing.user_id)
        written.append((index, new, row))
    ids = insert_returning_ids(conn, kind.table, [row for _, _, row in written])
    for new_id, (index, _, _) in zip(ids, written, strict=True):
        outcomes[index] = new_id
    kind.after_add(conn, [(i, row) for i, (_, _, row) in zip(ids, written, strict=True)])
    news = [(i, new) for i, (_, new, _) in zip(ids, written, strict=True)]
    touched = bind_new(conn, kind, news)
    multifields.insert_new(conn, entity_id=kind.name, items=[(i, n.items) for i, n in news])
    changes = [Change(kind.event("ADD"), kind.name, i) for i in ids]
    record(conn, changes=[*changes, *touched], user_id=writing.user_id)
    return outcomes


def _needs_base_currency(kind: EntityKind, valid: Sequence[NewRecord]) -> bool:
    return "CURRENCY_ID" in kind.catalogue and any("CURRENCY_ID" not in p.accepted for p in valid)


# Columns every CRM entity that has them fills the same way on add.
_AUDIT_USER = ("created_by_id", "modify_by_id", "last_activity_by", "moved_by_id")
_AUDIT_TIME = ("date_create", "date_modify", "last_activity_time", "moved_time")
_ON_BY_DEFAULT = ("opened", "export")


def _new_row(
    kind: EntityKind, new: NewRecord, references: References, writing: Writing, now: datetime
) -> dict[str, Any]:
    accepted = new.accepted
    row = {kind.column_of[name]: value for name, value in accepted.items()}
    columns = kind.columns
    for f in kind.first_defaults:
        if f.name not in accepted:
            assert f.column is not None and f.status_type is not None
            row[f.column] = references.first_statuses.get(f.status_type)
    if "currency_id" in columns:
        row["currency_id"] = accepted.get("CURRENCY_ID") or references.base_currency
    if "assigned_by_id" in columns:
        row["assigned_by_id"] = accepted.get("ASSIGNED_BY_ID") or writing.user_id
    for name in _ON_BY_DEFAULT:
        if name in columns:
            row.setdefault(name, True)
    for name in _AUDIT_USER:
        if name in columns:
            row.setdefault(name, writing.user_id)
    for name in _AUDIT_TIME:
        if name in columns:
            row.setdefault(name, now)
    has = {name: [i for i in found if not i.remove] for name, found in new.items.items()}
    if "has_phone" in columns:
        row.update(
            has_phone=bool(has.get("PHONE")),
            has_email=bool(has.get("EMAIL")),
            has_imol=any(i.value_type in ("OPENLINE", "IMOL") for i in has.get("IM", [])),
        )
    for column, zero in kind.always_zero.items():
        if row.get(column) is None:
            row[column] = zero
    kind.fill_new(row, new, references, writing, now)
    return row


def update_one(
    conn: Connection,
    kind: EntityKind,
    *,
    entity_id: int,
    values: Mapping[str, Any],
    writing: Writing,
) -> None:
    fields = kind.owner.fields(conn, lock=True)
    current = row_of(conn, kind, entity_id, for_update=True, missing=kind.missing_on_update)
    accepted = parse(kind, values, writing.zone, creating=False)
    check_still_held(kind, current, accepted)
    items = split_items(kind, accepted)
    sent_as: dict[str, str] = {}
    linked = link_ids(kind, accepted, sent_as)
    sent = custom_names(values)
    custom = parse_values(
        fields,
        sent,
        writing.zone,
        creating=False,
        max_file_bytes=writing.max_file_bytes,
        now=utcnow(),
    )
    references = read_references(
        conn,
        kind.catalogue,
        [accepted],
        acting_user_id=writing.user_id,
        base_currency=needs_base_currency(fields, [custom]),
        also=wanted_by(fields, [custom]),
    )
    one = NewRecord(accepted, items, linked, sent, sent_as)
    problems = references.problems(accepted)
    problems += unbound(kind, one, existing_bound(conn, kind, [one]))
    held = current[VALUES_COLUMN] or {}
    if custom.values:
        check_references(
            conn, fields, [custom], known=references, kept_files=[files_of(fields, held)]
        )
    problems += custom.errors
    if problems:
        raise invalid(problems)
    now = utcnow()
    changes = {kind.column_of[name]: value for name, value in accepted.items()}
    kind.fill_update(changes, current, accepted, references, writing, now)
    updating(conn, kind.name, entity_id, changes, current)
    if "date_modify" in kind.columns:
        changes.update(date_modify=now, modify_by_id=writing.user_id)
    if custom.values:
        new_values = stored_values(conn, custom, held, writing.user_id)
        changes[VALUES_COLUMN] = new_values
        drop_unheld_files(conn, fields, held, new_values or {})
    for type_id, found in items.items():
        multifields.apply(
            conn, entity_id=kind.name, element_id=entity_id, type_id=type_id, items=found
        )
    if items and "has_phone" in kind.table.c:
        present = multifields.presence(conn, entity_id=kind.name, element_id=entity_id)
        changes.update(has_phone=present.phone, has_email=present.email, has_imol=present.open_line)
    touched = write_links(conn, kind, entity_id=entity_id, linked=linked)
    conn.execute(update(kind.table).where(kind.table.c.id == entity_id).values(changes))
    change = Change(kind.event("UPDATE"), kind.name, entity_id)
    record(conn, changes=[change, *touched], user_id=writing.user_id)


# Built once per entity: a get runs it on every call, and building it costs more than running it.
_BY_ID: dict[tuple[str, bool], Select[Any]] = {}


def _by_id(kind: EntityKind, *, for_update: bool) -> Select[Any]:
    # The custom fields' version rides along, so a get learns in one statement whether the
    # definitions it has are current.
    statement = select(kind.table, version_of(kind.owner.entity_id).label("uf_version")).where(
        kind.table.c.id == bindparam("entity_id")
    )
    return statement.with_for_update() if for_update else statement


def row_of(
    conn: Connection,
    kind: EntityKind,
    entity_id: int,
    *,
    for_update: bool = False,
    missing: tuple[str, str] = ("", "Not found"),
) -> RowMapping:
    if entity_id > MAX_ID:
        raise RestError(*missing, 400)
    statement = _BY_ID.get((kind.name, for_update))
    if statement is None:
        statement = _BY_ID[kind.name, for_update] = _by_id(kind, for_update=for_update)
    row = conn.execute(statement, {"entity_id": entity_id}).mappings().first()
    if row is None:
        raise RestError(*missing, 400)
    return row


def get_one(
    conn: Connection, kind: EntityKind, *, entity_id: int, zone: ZoneInfo, public_url: str
) -> dict[str, Any]:
    """All standard and custom fields, and each multifield when it has rows."""
    row = row_of(conn, kind, entity_id)
    rendered = kind.catalogue.render_row(row, kind.get_fields, zone)
    fields = kind.owner.fields(conn, version=row["uf_version"])
    if fields.definitions:
        render = renderer(conn, zone=zone, public_url=public_url)
        for definition in fields.definitions:
            rendered[definition.field_name] = render(definition, row[VALUES_COLUMN])
    found = multifields.load(
        conn, entity_id=kind.name, element_ids=[entity_id], type_ids=kind.multifield_names
    )
    rendered.update(found.get(entity_id, {}))
    return rendered


def list_page(
    conn: Connection, kind: EntityKind, *, query: ListQuery, zone: ZoneInfo, public_url: str
) -> Page:
    result = run(conn, kind.table, query)
    items = [kind.catalogue.render_row(row, query.fields, zone) for row in result.rows]
    custom = [f.kind.definition for f in query.fields if isinstance(f.kind, UserFieldKind)]
    if custom and result.rows:
        render = renderer(conn, zone=zone, public_url=public_url)
        for row, item in zip(result.rows, items, strict=True):
            for definition in custom:
                item[definition.field_name] = render(definition, row[VALUES_COLUMN])
    ids = [row["id"] for row in result.rows]
    wanted = [f.name for f in query.fields if f.name in kind.multifield_names]
    if wanted:
        found = multifields.load(conn, entity_id=kind.name, element_ids=ids, type_ids=wanted)
        for entity_id, item in zip(ids, items, strict=True):
            item.update(found.get(entity_id, {}))
    selected = {f.name for f in query.fields}
    for link in kind.links:
        if link.many in selected:
            bound = _bound_ids(conn, link, ids)
            for entity_id, item in zip(ids, items, strict=True):
                item[link.many] = bound.get(entity_id, [])
    return Page(items, result.total, result.next)


def _bound_ids(conn: Connection, link: Link, ids: list[int]) -> dict[int, list[int]]:
    if link.reverse:
        return bindings.owners_by_target(conn, link.relation, target_ids=ids)
    return bindings.targets_of(conn, link.relation, owner_ids=ids)
