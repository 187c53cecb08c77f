"""An entity's custom field definitions, as the rest of the server sees them.

Each process keeps the definitions it last read, with the version they were read at. Every
call that uses them reads the version first (a write call locks it shared, so no definition
changes under it) and reloads only when the version moved: processes stay stateless, and a
definition added through one process is seen by the next call on any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, Table, and_, bindparam, exists, not_, select

from leadcrm.catalogue import Catalogue, Field
from leadcrm.crm.currencies.service import base_currency
from leadcrm.crm.userfields.codec import UserFieldKind
from leadcrm.crm.userfields.storage import (
    INDEXED_PREFIX,
    element_value,
    elements_of,
    full_text_of,
    has_value,
    value_of,
)
from leadcrm.crm.userfields.tables import enum_items, schema_versions, user_fields
from leadcrm.crm.userfields.types import UserType, user_type_of
from leadcrm.listing import compare

# Bitrix24 refuses the field after this many on one entity.
MAX_DEFINITIONS = 1016
LABEL_LANGUAGE = "en"


@dataclass(frozen=True, slots=True)
class EnumItem:
    id: int
    value: str
    is_default: bool
    sort: int
    xml_id: str


@dataclass(frozen=True, slots=True)
class Definition:
    id: int
    entity_id: str
    field_name: str
    user_type: UserType
    xml_id: str | None
    sort: int
    multiple: bool
    mandatory: bool
    show_filter: str
    show_in_list: bool
    edit_in_list: bool
    is_searchable: bool
    settings: dict[str, Any]
    labels: dict[str, dict[str, str]]
    items: tuple[EnumItem, ...] = ()

    @property
    def key(self) -> str:
        """The key of this field's values in a row's JSON."""
        return str(self.id)

    def label(self, name: str) -> str:
        return self.labels.get(name, {}).get(LABEL_LANGUAGE, "") or self.field_name


@dataclass(frozen=True, slots=True)
class UserFields:
    entity_id: str
    version: int
    definitions: tuple[Definition, ...]
    catalogue: Catalogue

    by_name: dict[str, Definition] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_name.update((d.field_name, d) for d in self.definitions)

    def named(self, name: str) -> Definition | None:
        return self.by_name.get(name.upper())


_VERSION = select(schema_versions.c.version).where(
    schema_versions.c.entity_id == bindparam("entity_id")
)
# Per engine (one database), then per entity and base catalogue.
_VERSION_SHARED = _VERSION.with_for_update(read=True)
_cache: WeakKeyDictionary[Engine, dict[tuple[str, int], UserFields]] = WeakKeyDictionary()


def version_of(entity_id: str) -> Any:
    """The version as a scalar subquery, to ride along in another statement."""
    return (
        select(schema_versions.c.version)
        .where(schema_versions.c.entity_id == entity_id)
        .scalar_subquery()
    )


def current(
    conn: Connection,
    *,
    entity_id: str,
    catalogue: Catalogue,
    table: Table,
    lock: bool = False,
    version: int | None = None,
) -> UserFields:
    """The definitions now; ``lock`` holds them unchanged until the transaction ends."""
    if version is None:
        statement = _VERSION_SHARED if lock else _VERSION
        version = conn.execute(statement, {"entity_id": entity_id}).scalar_one()
    known = _cache.setdefault(conn.engine, {})
    key = (entity_id, id(catalogue))
    cached = known.get(key)
    if cached is not None and cached.version == version:
        return cached
    definitions = load(conn, entity_id=entity_id)
    money = any(d.user_type.id == "money" for d in definitions)
    base = base_currency(conn) if money else ""
    fields = [as_field(d, table, conn.dialect.name, base) for d in definitions]
    loaded = UserFields(entity_id, version, tuple(definitions), catalogue.extended(fields))
    known[key] = loaded
    return loaded


def load(conn: Connection, *, entity_id: str, field_id: int | None = None) -> list[Definition]:
    """The entity's definitions in SORT order (or the one with ``field_id``)."""
    statement = select(user_fields).where(user_fields.c.entity_id == entity_id)
    if field_id is not None:
        statement = statement.where(user_fields.c.id == field_id)
    found = list(conn.execute(statement.order_by(user_fields.c.sort, user_fields.c.id)).mappings())
    items: dict[int, list[EnumItem]] = {}
    if any(row["user_type_id"] == "enumeration" for row in found):
        for item in conn.execute(
            select(enum_items)
            .join(user_fields, user_fields.c.id == enum_items.c.field_id)
            .where(user_fields.c.id.in_([row["id"] for row in found]))
            .order_by(enum_items.c.sort, enum_items.c.id)
        ).mappings():
            items.setdefault(item["field_id"], []).append(
                EnumItem(
                    item["id"], item["value"], item["is_default"], item["sort"], item["xml_id"]
                )
            )
    return [
        Definition(
            id=row["id"],
            entity_id=row["entity_id"],
            field_name=row["field_name"],
            user_type=user_type_of(row["user_type_id"]),
            xml_id=row["xml_id"],
            sort=row["sort"],
            multiple=row["multiple"],
            mandatory=row["mandatory"],
            show_filter=row["show_filter"],
            show_in_list=row["show_in_list"],
            edit_in_list=row["edit_in_list"],
            is_searchable=row["is_searchable"],
            settings=dict(row["settings"]),
            labels=dict(row["labels"]),
            items=tuple(items.get(row["id"], ())),
        )
        for row in found
    ]


def as_field(definition: Definition, table: Table, dialect: str, base_currency: str) -> Field:
    """The definition as one more field of the entity's catalogue."""
    storage = definition.user_type.storage
    field_id = definition.id
    kind = UserFieldKind(definition, base_currency)
    items = None
    if definition.user_type.id == "enumeration":
        items = [{"ID": str(i.id), "VALUE": i.value} for i in definition.items]
    return Field(
        name=definition.field_name,
        type=definition.user_type.id,
        kind=kind,
        title=definition.field_name,
        required=definition.mandatory,
        multiple=definition.multiple,
        dynamic=True,
        labels={
            "listLabel": definition.label("LIST_COLUMN_LABEL"),
            "formLabel": definition.label("EDIT_FORM_LABEL"),
            "filterLabel": definition.label("LIST_FILTER_LABEL"),
        },
        settings=definition.settings,
        items=items,
        in_star=False,
        sortable=not definition.multiple,
        sparse=not definition.multiple,
        expression=None
        if definition.multiple
        else lambda t: value_of(t.c.uf, field_id, storage, dialect),
        condition=_condition(definition, dialect),
    )


def _condition(definition: Definition, dialect: str) -> Any:
    if definition.multiple:
        return _any_of(definition, dialect)
    if dialect == "postgresql" and definition.user_type.id in LONG_TEXT_TYPES:
        return _whole_text(definition)
    return None


# Text that can outgrow a PostgreSQL index entry, which then holds only its beginning.
LONG_TEXT_TYPES = ("string", "url", "address")


def _whole_text(definition: Definition) -> Any:
    """Equality reads the index by the value's beginning, then compares the whole value."""
    field_id, storage = definition.id, definition.user_type.storage

    def condition(table: Table, operation: str, values: Sequence[Any]) -> Any:
        parsed = list(values)
        whole = compare(full_text_of(table.c.uf, field_id), operation, parsed)
        if operation not in ("eq", "in") or None in parsed:
            return whole
        prefix = value_of(table.c.uf, field_id, storage, "postgresql")
        beginnings = [str(v)[:INDEXED_PREFIX] for v in parsed]
        return and_(compare(prefix, operation, beginnings), whole)

    return condition


_POSITIVE = {"ne": "eq", "not_in": "in", "not_like": "like", "not_contains": "contains"}


_LIKE_AS_EQUALITY = {"like": "eq", "contains": "eq"}


def _any_of(definition: Definition, dialect: str) -> Any:
    """A multiple field matches when any of its values does; a negation when none does."""
    field_id, storage = definition.id, definition.user_type.storage

    def condition(table: Table, operation: str, values: Sequence[Any]) -> Any:
        if operation in ("empty", "not_empty"):
            filled = has_value(table, field_id, dialect)
            return filled if operation == "not_empty" else not_(filled)
        elements = elements_of(table, field_id, storage, dialect)
        value = element_value(elements, storage, dialect)
        present = [v for v in values if v is not None]
        positive = _POSITIVE.get(operation, operation)
        if storage != "text":
            positive = _LIKE_AS_EQUALITY.get(positive, positive)
        matched = exists().select_from(elements).where(compare(value, positive, present))
        return not_(matched) if operation in _POSITIVE else matched

    return condition
