"""Where custom field values live: one JSON column of the entity's row, keyed by field ID.

A single-valued field gets an expression index on its value (and the row id), so filters and
orders on it are index reads on both databases; the SQL that reads a value is built here once,
so that the index and every query spell the same expression. Keys are field IDs, never names:
a field deleted and made again under the same name can never see the old field's values.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ColumnElement,
    Connection,
    Float,
    Table,
    Text,
    bindparam,
    cast,
    false,
    func,
    literal_column,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy import (
    column as column_clause,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeEngine

from leadcrm.crm.userfields.types import Storage

VALUES_COLUMN = "uf"
_SQL_TYPES: dict[Storage, TypeEngine[Any]] = {
    "text": Text(),
    "integer": BigInteger(),
    "number": Float(),
}


def sql_type(storage: Storage) -> TypeEngine[Any]:
    return _SQL_TYPES[storage]


def values_type() -> TypeEngine[Any]:
    """The column's type: JSON text on SQLite, JSONB on PostgreSQL; SQL NULL when empty."""
    return JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


def _key(field_id: int) -> str:
    return str(int(field_id))


# PostgreSQL refuses a b-tree entry over about 2.7 kB, so its index on a text field holds
# the first characters only; see ``value_of`` and ``full_text_of``.
INDEXED_PREFIX = 400


def full_text_of(column: Any, field_id: int) -> ColumnElement[Any]:
    """A text field's whole value on PostgreSQL."""
    full: ColumnElement[Any] = column.op("->>", return_type=Text())(
        literal_column(f"'{_key(field_id)}'")
    )
    return full


def value_of(column: Any, field_id: int, storage: Storage, dialect: str) -> ColumnElement[Any]:
    """A single-valued field's value as the index holds it; the key is a literal so the index
    and the queries spell one expression. On PostgreSQL a text value is its first
    ``INDEXED_PREFIX`` characters: equal prefixes are told apart by ``full_text_of``."""
    if dialect == "postgresql":
        as_text = full_text_of(column, field_id)
        if storage == "text":
            prefix: ColumnElement[Any] = func.left(as_text, INDEXED_PREFIX, type_=Text())
            return prefix
        return cast(as_text, _SQL_TYPES[storage])
    key = _key(field_id)
    extracted = func.json_extract(column, literal_column(f"'$.\"{key}\"'"))
    return type_coerce(extracted, _SQL_TYPES[storage])


def elements_of(table: Table, field_id: int, storage: Storage, dialect: str) -> Any:
    """A multiple field's values as a one-column table (``value``), for EXISTS conditions."""
    column = table.c[VALUES_COLUMN]
    key = _key(field_id)
    if dialect == "postgresql":
        array = column.op("->", return_type=JSONB())(literal_column(f"'{key}'"))
        return func.jsonb_array_elements_text(array).table_valued("value").alias(f"uf_{key}")
    items = func.json_each(column, literal_column(f"'$.\"{key}\"'"))
    return items.table_valued("value").alias(f"uf_{key}")


def element_value(elements: Any, storage: Storage, dialect: str) -> ColumnElement[Any]:
    value = elements.c.value
    if dialect == "postgresql" and storage != "text":
        return cast(value, _SQL_TYPES[storage])
    return type_coerce(value, _SQL_TYPES[storage])


def has_value(table: Table, field_id: int, dialect: str) -> ColumnElement[bool]:
    column = table.c[VALUES_COLUMN]
    key = _key(field_id)
    if dialect == "postgresql":
        # A row without custom values holds SQL NULL, where jsonb_exists answers NULL.
        found: ColumnElement[bool] = func.coalesce(func.jsonb_exists(column, key), false())
        return found
    extracted = func.json_type(column, literal_column(f"'$.\"{key}\"'"))
    return extracted.is_not(None)


def index_name(table: Table, field_id: int) -> str:
    return f"ix_{table.name}_uf_{_key(field_id)}"


def create_index(conn: Connection, table: Table, field_id: int, storage: Storage) -> None:
    """An index serving filters and both orders (the id breaking ties) on one field.

    Partial: only the rows that have a value are in it, so a row pays only for the fields it
    fills (a thousand full indexes made SQLite write a thousand pages per added lead). Any
    comparison on the value implies that it is not NULL, so both planners use it for filters;
    the list engine orders the rows without a value apart (``Field.sparse``).

    Written as DDL text: an Index object would join the table's metadata, which must hold
    only what migrations make.
    """
    dialect = conn.dialect
    value = value_of(column_clause(VALUES_COLUMN), field_id, storage, dialect.name)

    def sql(expression: Any) -> str:
        return str(expression.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))

    name = index_name(table, field_id)
    conn.execute(
        text(
            f"CREATE INDEX {name} ON {table.name} ({sql(value)}, id)"
            f" WHERE {sql(value.is_not(None))}"
        )
    )
    if dialect.name == "postgresql":
        # PostgreSQL keeps no statistics of a partial index's expression for the whole table;
        # without these it guesses how many rows a range matches and may walk the id instead.
        conn.execute(text(f"CREATE STATISTICS {name} ON ({sql(value)}) FROM {table.name}"))


def drop_index(conn: Connection, table: Table, field_id: int) -> None:
    name = index_name(table, field_id)
    conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"DROP STATISTICS IF EXISTS {name}"))


def remove_values(conn: Connection, table: Table, field_id: int) -> None:
    """Every row loses the field's values, in one statement."""
    column = table.c[VALUES_COLUMN]
    key = _key(field_id)
    dialect = conn.dialect.name
    if dialect == "postgresql":
        stripped: Any = column.op("-", return_type=JSONB())(literal_column(f"'{key}'"))
    else:
        stripped = func.json_remove(column, literal_column(f"'$.\"{key}\"'"))
    conn.execute(
        update(table).where(has_value(table, field_id, dialect)).values({VALUES_COLUMN: stripped})
    )


def _holding(conn: Connection, table: Table, field_id: int) -> list[tuple[int, dict[str, Any]]]:
    found = conn.execute(
        select(table.c.id, table.c[VALUES_COLUMN]).where(
            has_value(table, field_id, conn.dialect.name)
        )
    )
    return [(row_id, dict(values)) for row_id, values in found if values]


def held_ids(conn: Connection, table: Table, field_id: int) -> list[int]:
    """Every ID a field holds across the rows (the files of a file field)."""
    key = _key(field_id)
    held: list[int] = []
    for _, values in _holding(conn, table, field_id):
        value = values.get(key)
        held.extend(int(v) for v in (value if isinstance(value, list) else [value]) if v)
    return held


def remove_items(conn: Connection, table: Table, field_id: int, item_ids: list[int]) -> None:
    """Take deleted enumeration items out of every row that holds them."""
    key = _key(field_id)
    gone = set(item_ids)
    changed = []
    for row_id, values in _holding(conn, table, field_id):
        value = values.get(key)
        kept = [v for v in (value if isinstance(value, list) else [value]) if v not in gone]
        if len(kept) == (len(value) if isinstance(value, list) else 1):
            continue
        if kept:
            values[key] = kept if isinstance(value, list) else kept[0]
        else:
            del values[key]
        changed.append({"row_id": row_id, "new_values": values or None})
    if changed:
        conn.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({VALUES_COLUMN: bindparam("new_values")}),
            changed,
        )
