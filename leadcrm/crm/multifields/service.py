"""Multifield rows: parse a client's changes, apply them, load them back, filter on them.

Bitrix24 never replaces an entity's rows wholesale: an item without ID is appended, an item
with ID changes that row, and ``DELETE: "Y"``, an empty VALUE or a bare ID removes it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    and_,
    bindparam,
    delete,
    exists,
    false,
    insert,
    or_,
    select,
)
from sqlalchemy import update as sql_update

from leadcrm.crm.multifields.tables import multifields
from leadcrm.crm.multifields.types import OPEN_LINE_VALUE_TYPES, TYPES, MultifieldType
from leadcrm.rest.errors import RestError

MAX_VALUE_LENGTH = 250
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class Item:
    id: int | None
    value: str | None
    value_type: str | None
    remove: bool


def field_error(text: str) -> RestError:
    return RestError("ERROR_CORE", text, 400)


def parse_items(type_id: str, raw: Any) -> list[Item]:
    kind = TYPES[type_id]
    if isinstance(raw, dict):
        raw = list(raw.values())
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        raise field_error(f"The field {type_id} must be an array of items.")
    return [_parse_item(kind, entry) for entry in raw]


def _parse_item(kind: MultifieldType, entry: Any) -> Item:
    if not isinstance(entry, dict):
        raise field_error(f"Each {kind.type_id} item must be an object with VALUE.")
    upper = {str(k).upper(): v for k, v in entry.items()}
    item_id = _item_id(kind, upper.get("ID"))
    value = upper.get("VALUE")
    remove = str(upper.get("DELETE", "")).upper() == "Y"
    if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
        raise field_error(f"The VALUE of each {kind.type_id} item must be a string.")
    text = None if value is None else str(value).strip()
    if item_id is None and not text and not remove:
        raise field_error(f"A new {kind.type_id} item needs a VALUE.")
    # An empty VALUE_TYPE is no VALUE_TYPE: the default on a new item, unchanged on a change.
    value_type = upper.get("VALUE_TYPE")
    value_type = None if value_type in (None, "") else str(value_type).upper()
    if value_type is not None and value_type not in kind.value_types:
        raise field_error(f"VALUE_TYPE '{value_type}' is not allowed for {kind.type_id}.")
    if text:
        _check_value(kind, text)
    return Item(item_id, text, value_type, remove or (item_id is not None and not text))


def _item_id(kind: MultifieldType, raw: Any) -> int | None:
    if raw in (None, "", 0, "0"):
        return None
    if isinstance(raw, int) and not isinstance(raw, bool) and raw > 0:
        return raw
    # isascii: str.isdigit() also accepts digits such as "²" that int() refuses.
    if isinstance(raw, str) and raw.isascii() and raw.isdigit():
        return int(raw)
    raise field_error(f"The ID of each {kind.type_id} item must be a positive integer.")


def _check_value(kind: MultifieldType, value: str) -> None:
    if "\x00" in value:
        raise field_error(f"The {kind.type_id} value must not contain a NUL character.")
    if len(value) > MAX_VALUE_LENGTH:
        raise field_error(f"The {kind.type_id} value is longer than {MAX_VALUE_LENGTH} characters.")
    if kind.type_id == "EMAIL" and not _EMAIL.match(value):
        raise field_error(f"The field {kind.title} contains an invalid address")


def default_value_type(kind: MultifieldType) -> str:
    return "WORK" if "WORK" in kind.value_types else "OTHER"


def _new_row(entity_id: str, element_id: int, kind: MultifieldType, item: Item) -> dict[str, Any]:
    assert item.value is not None
    return {
        "entity_id": entity_id,
        "element_id": element_id,
        "type_id": kind.type_id,
        "value_type": item.value_type or default_value_type(kind),
        "value": item.value,
        "value_normalized": kind.normalise(item.value)[:255],
    }


def check_new(items: Mapping[str, list[Item]]) -> None:
    """An entity being created owns no rows yet, so no item may name one."""
    for type_id, found in items.items():
        for item in found:
            if item.id is not None:
                raise field_error(f"{type_id} item {item.id} does not belong to this entity.")


def insert_new(
    conn: Connection,
    *,
    entity_id: str,
    items: Iterable[tuple[int, Mapping[str, list[Item]]]],
) -> None:
    """The rows of entities being created, checked by ``check_new``, in one statement."""
    rows = [
        _new_row(entity_id, element_id, TYPES[type_id], item)
        for element_id, owned in items
        for type_id, found in owned.items()
        for item in found
        if not item.remove
    ]
    if rows:
        conn.execute(insert(multifields), rows)


def apply(
    conn: Connection, *, entity_id: str, element_id: int, type_id: str, items: Iterable[Item]
) -> None:
    kind = TYPES[type_id]
    owned = {
        row.id: row
        for row in conn.execute(
            select(multifields.c.id, multifields.c.value_type).where(
                multifields.c.entity_id == entity_id,
                multifields.c.element_id == element_id,
                multifields.c.type_id == type_id,
            )
        )
    }
    for item in items:
        if item.id is not None and item.id not in owned:
            raise field_error(f"{type_id} item {item.id} does not belong to this entity.")
        if item.remove:
            if item.id is not None:
                conn.execute(delete(multifields).where(multifields.c.id == item.id))
            continue
        assert item.value is not None
        values = {"value": item.value, "value_normalized": kind.normalise(item.value)[:255]}
        if item.id is None:
            conn.execute(insert(multifields).values(_new_row(entity_id, element_id, kind, item)))
        else:
            if item.value_type:
                values["value_type"] = item.value_type
            conn.execute(sql_update(multifields).where(multifields.c.id == item.id).values(values))


# Built once: a lead's get and every list page run it.
_OF_ELEMENTS = (
    select(multifields)
    .where(
        multifields.c.entity_id == bindparam("entity_id"),
        multifields.c.element_id.in_(bindparam("element_ids", expanding=True)),
        multifields.c.type_id.in_(bindparam("type_ids", expanding=True)),
    )
    .order_by(multifields.c.id)
)


def load(
    conn: Connection, *, entity_id: str, element_ids: list[int], type_ids: Iterable[str]
) -> dict[int, dict[str, list[dict[str, str]]]]:
    """Rows per element and type, rendered as Bitrix24 does (all strings, this key order)."""
    wanted = list(type_ids)
    found: dict[int, dict[str, list[dict[str, str]]]] = defaultdict(lambda: defaultdict(list))
    if not element_ids or not wanted:
        return found
    rows = conn.execute(
        _OF_ELEMENTS, {"entity_id": entity_id, "element_ids": element_ids, "type_ids": wanted}
    )
    for row in rows:
        found[row.element_id][row.type_id].append(
            {
                "ID": str(row.id),
                "VALUE_TYPE": row.value_type,
                "VALUE": row.value,
                "TYPE_ID": row.type_id,
            }
        )
    return found


@dataclass(frozen=True, slots=True)
class Presence:
    phone: bool
    email: bool
    open_line: bool


def presence(conn: Connection, *, entity_id: str, element_id: int) -> Presence:
    rows = conn.execute(
        select(multifields.c.type_id, multifields.c.value_type).where(
            multifields.c.entity_id == entity_id, multifields.c.element_id == element_id
        )
    ).all()
    return Presence(
        phone=any(r.type_id == "PHONE" for r in rows),
        email=any(r.type_id == "EMAIL" for r in rows),
        open_line=any(r.type_id == "IM" and r.value_type in OPEN_LINE_VALUE_TYPES for r in rows),
    )


def delete_all(conn: Connection, *, entity_id: str, element_id: int) -> None:
    conn.execute(
        delete(multifields).where(
            multifields.c.entity_id == entity_id, multifields.c.element_id == element_id
        )
    )


def filter_condition(entity_id: str, type_id: str) -> Any:
    """A list-engine condition: any of the element's rows of this type matches the value.

    Equality compares normalised values (a phone's digits, an e-mail in any case), as filters
    on these fields "only work on exact matches"; ``%`` and ``=%`` search the normalised values
    the same way. An empty value among a list's values stands for "has no value of this type".
    """
    kind = TYPES[type_id]

    def like_pattern(pattern: str) -> str:
        """A client's ``=%`` pattern in normalised form: ``%`` and ``_`` stay wildcards."""
        kept = re.sub(r"[^\d%_]", "", pattern) if type_id == "PHONE" else pattern.strip().lower()
        return kept.replace("\\", "\\\\")

    def condition(table: Table, operation: str, values: list[Any]) -> ColumnElement[bool]:
        of_this_type = and_(multifields.c.entity_id == entity_id, multifields.c.type_id == type_id)
        owned = and_(of_this_type, multifields.c.element_id == table.c.id)
        has_none = ~exists().where(owned)
        if operation in ("empty", "not_empty"):
            return has_none if operation == "empty" else ~has_none
        present = [str(v) for v in values if v is not None and v != ""]
        wants_empty = len(present) != len(values)
        column = multifields.c.value_normalized
        if operation in ("contains", "not_contains"):
            needles = [kind.normalise(v) for v in present]
            match = or_(false(), *(column.contains(n, autoescape=True) for n in needles))
        elif operation in ("like", "not_like"):
            patterns = [like_pattern(v) for v in present]
            match = or_(false(), *(column.like(p, escape="\\") for p in patterns))
        else:
            match = column.in_([kind.normalise(v) for v in present])
        if operation in ("ne", "not_in", "not_contains", "not_like"):
            matched_none = ~exists().where(owned, match)
            return and_(matched_none, ~has_none) if wants_empty else matched_none
        # Looked up by value (the search index), then joined to the entity by its id.
        found = table.c.id.in_(select(multifields.c.element_id).where(of_this_type, match))
        return or_(found, has_none) if wants_empty else found

    return condition
