"""Multifield rows: parse a client's changes, apply them, load them back, filter on them.

Bitrix24 never replaces an entity's rows wholesale: an item without ID is appended, an item
with ID changes that row, and ``DELETE: "Y"``, an empty VALUE or a bare ID removes it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, and_, delete, exists, insert, select
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
    if value is not None and not isinstance(value, (str, int, float)):
        raise field_error(f"The VALUE of a {kind.type_id} item must be a string.")
    text = None if value is None else str(value).strip()
    if item_id is None and not text and not remove:
        raise field_error(f"A new {kind.type_id} item needs a VALUE.")
    value_type = upper.get("VALUE_TYPE")
    if value_type is not None:
        value_type = str(value_type).upper()
        if value_type not in kind.value_types:
            raise field_error(f"VALUE_TYPE '{value_type}' is not allowed for {kind.type_id}.")
    if text:
        _check_value(kind, text)
    return Item(item_id, text, value_type, remove or (item_id is not None and not text))


def _item_id(kind: MultifieldType, raw: Any) -> int | None:
    if raw in (None, "", 0, "0"):
        return None
    if isinstance(raw, int) and not isinstance(raw, bool) and raw > 0:
        return raw
    if isinstance(raw, str) and raw.isdigit():
        return int(raw)
    raise field_error(f"The ID of a {kind.type_id} item must be a positive integer.")


def _check_value(kind: MultifieldType, value: str) -> None:
    if len(value) > MAX_VALUE_LENGTH:
        raise field_error(f"A {kind.type_id} value is longer than {MAX_VALUE_LENGTH} characters.")
    if kind.type_id == "EMAIL" and not _EMAIL.match(value):
        raise field_error(f"The field {kind.title} contains an invalid address")


def default_value_type(kind: MultifieldType) -> str:
    return "WORK" if "WORK" in kind.value_types else "OTHER"


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
            conn.execute(
                insert(multifields).values(
                    entity_id=entity_id,
                    element_id=element_id,
                    type_id=type_id,
                    value_type=item.value_type or default_value_type(kind),
                    **values,
                )
            )
        else:
            if item.value_type:
                values["value_type"] = item.value_type
            conn.execute(sql_update(multifields).where(multifields.c.id == item.id).values(values))


def load(
    conn: Connection, *, entity_id: str, element_ids: list[int], type_ids: Iterable[str]
) -> dict[int, dict[str, list[dict[str, str]]]]:
    """Rows per element and type, rendered as Bitrix24 does (all strings, this key order)."""
    wanted = list(type_ids)
    found: dict[int, dict[str, list[dict[str, str]]]] = defaultdict(lambda: defaultdict(list))
    if not element_ids or not wanted:
        return found
    rows = conn.execute(
        select(multifields)
        .where(
            multifields.c.entity_id == entity_id,
            multifields.c.element_id.in_(element_ids),
            multifields.c.type_id.in_(wanted),
        )
        .order_by(multifields.c.id)
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
    on these fields "only work on exact matches".
    """
    kind = TYPES[type_id]

    def condition(table: Table, operation: str, values: list[Any]) -> ColumnElement[bool]:
        base = and_(
            multifields.c.entity_id == entity_id,
            multifields.c.element_id == table.c.id,
            multifields.c.type_id == type_id,
        )
        normalised = [kind.normalise(str(v)) for v in values]
        if operation in ("empty", "not_empty"):
            found = exists().where(base)
            return ~found if operation == "empty" else found
        if operation in ("contains", "not_contains"):
            match: ColumnElement[bool] = multifields.c.value_normalized.contains(
                normalised[0], autoescape=True
            )
        elif operation in ("like", "not_like"):
            match = multifields.c.value_normalized.like(str(values[0]).strip().lower())
        else:
            match = multifields.c.value_normalized.in_(normalised)
        found = exists().where(base, match)
        negated = operation in ("ne", "not_in", "not_contains", "not_like")
        return ~found if negated else found

    return condition
