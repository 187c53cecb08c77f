"""What a write sends, parsed and checked: the values, the required fields, and the
entities the values name, which must exist."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, RowMapping

from leadcrm.crm.entities.kind import EntityKind, NewRecord
from leadcrm.crm.entities.links import link_ids
from leadcrm.crm.existence import existing
from leadcrm.crm.multifields import service as multifields
from leadcrm.crm.userfields.values import custom_names
from leadcrm.rest.errors import RestError


def invalid(problems: list[str]) -> RestError:
    return RestError("ERROR_CORE", " ".join(problems), 400)


def parse(
    kind: EntityKind, values: Mapping[str, Any], zone: ZoneInfo, *, creating: bool
) -> dict[str, Any]:
    """The writable values that were sent; empty ones of always-set fields are left out."""
    accepted, errors = kind.catalogue.parse_input(values, zone, creating=creating)
    if creating and not errors:
        errors += _missing(kind, accepted)
    if errors:
        raise invalid(errors)
    # Sent empty: a flag's "" parses as N, yet means "no value" like null does.
    sent_empty = {str(key).upper() for key, value in values.items() if value is None or value == ""}
    kept: dict[str, Any] = {}
    for name, value in accepted.items():
        if value == 0 and name in kind.zero_is_none:
            value = None
        # An empty value of a field with a default means the default on add and "unchanged"
        # on update.
        if name in kind.defaulted and (value is None or value == "" or name in sent_empty):
            continue
        kept[name] = value
    return kept


def _missing(kind: EntityKind, values: Mapping[str, Any]) -> list[str]:
    """A sentence per group of ``kind.required`` of which ``values`` hold nothing."""
    problems = []
    for group in kind.required:
        if all(_empty(values.get(name)) for name in group):
            named = " or ".join(f'"{_title(kind, name)}" ({name})' for name in group)
            problems.append(f"The field {named} is required.")
    return problems


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _title(kind: EntityKind, name: str) -> str:
    field = kind.catalogue.get(name)
    assert field is not None
    return field.title


def prepare(kind: EntityKind, values: Mapping[str, Any], zone: ZoneInfo) -> NewRecord:
    accepted = parse(kind, values, zone, creating=True)
    items = split_items(kind, accepted)
    multifields.check_new(items)
    sent_as: dict[str, str] = {}
    linked = link_ids(kind, accepted, sent_as)
    return NewRecord(accepted, items, linked, custom_names(values), sent_as)


def prepare_many(
    kind: EntityKind, *, values: Sequence[Mapping[str, Any]], zone: ZoneInfo
) -> list[NewRecord | RestError]:
    """What needs no database: each entity's values parsed and checked, or its error."""
    prepared: list[NewRecord | RestError] = []
    for one in values:
        try:
            prepared.append(prepare(kind, one, zone))
        except RestError as error:
            prepared.append(error)
    return prepared


def split_items(kind: EntityKind, accepted: dict[str, Any]) -> dict[str, list[multifields.Item]]:
    return {
        name: multifields.parse_items(name, accepted.pop(name))
        for name in kind.multifield_names
        if name in accepted
    }


def existing_bound(
    conn: Connection, kind: EntityKind, records: Sequence[NewRecord]
) -> dict[str, set[int]]:
    """Of the entities the values point at (a COMPANY_ID, bound contacts), those that exist."""
    wanted: dict[str, set[int]] = {}
    for one in records:
        for _, entity, number in _pointed_at(kind, one):
            wanted.setdefault(entity, set()).add(number)
    return {entity: existing(conn, entity, ids) for entity, ids in wanted.items()}


def _pointed_at(kind: EntityKind, one: NewRecord) -> list[tuple[str, str, int]]:
    """(field name, entity, id) for each entity the values name; a link's primary field is
    checked as part of its list."""
    found = [
        (name, kind.references[name], value)
        for name, value in one.accepted.items()
        if name in kind.references and isinstance(value, int)
    ]
    for link in kind.links:
        name = one.sent_as.get(link.many, link.many)
        found += [(name, link.other_entity, i) for i in one.linked.get(link.many, [])]
    return found


def unbound(kind: EntityKind, one: NewRecord, found: Mapping[str, set[int]]) -> list[str]:
    """A sentence per value naming an entity that does not exist."""
    problems = []
    for name, entity, number in _pointed_at(kind, one):
        if number not in found.get(entity, set()):
            field = kind.catalogue.get(name)
            assert field is not None
            problems.append(f"The field {field.title} ({name}) has an unknown value '{number}'.")
    return problems


def check_still_held(kind: EntityKind, current: RowMapping, sent: Mapping[str, Any]) -> None:
    """An update may empty a required field only where its group keeps another value."""
    touched = [g for g in kind.required if any(name in sent for name in g)]
    if not touched:
        return
    merged = {name: current[kind.column_of[name]] for group in touched for name in group}
    merged.update({name: value for name, value in sent.items() if name in merged})
    problems = _missing(kind, merged)
    if problems:
        raise invalid(problems)
