"""The one list engine: Bitrix24's ``select``/``filter``/``order``/``start`` over a catalogue.

Every list method parses its parameters here and runs the resulting query here, so the
grammar (operator prefixes, select masks, stable ordering, 50-row pages) is written once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Connection,
    RowMapping,
    Select,
    Table,
    and_,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
    tuple_,
)

from leadcrm.catalogue import Catalogue, Field, FieldValueError
from leadcrm.rest.errors import RestError, crm_error

PAGE_SIZE = 50
MAX_START = 2**31 - 1

# Longest prefixes first, so that `!=%NAME` is NOT-LIKE on NAME and not `!=` on `%NAME`.
OPERATORS: tuple[tuple[str, str], ...] = (
    ("!=%", "not_like"),
    ("!%=", "not_like"),
    ("=%", "like"),
    ("%=", "like"),
    ("!%", "not_contains"),
    ("!@", "not_in"),
    (">=", "ge"),
    ("<=", "le"),
    ("!=", "ne"),
    ("@", "in"),
    (">", "gt"),
    ("<", "lt"),
    ("=", "eq"),
    ("!", "ne"),
    ("%", "contains"),
)
_LIKE_OPERATIONS = {"like", "not_like", "contains", "not_contains"}
# On values that are not text (codes, numbers), LIKE degrades to equality: a policy of ours.
_LIKE_AS_EQUALITY = {"like": "eq", "contains": "eq", "not_like": "ne", "not_contains": "ne"}
_NEGATED = frozenset({"ne", "not_in", "not_like", "not_contains"})
_COMPARISONS = frozenset({"gt", "ge", "lt", "le"})
_START = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True, slots=True)
class Condition:
    field: Field
    operation: str
    values: list[Any]


@dataclass(frozen=True, slots=True)
class ListQuery:
    fields: list[Field]
    conditions: list[Condition]
    order: list[tuple[Field, bool]]
    start: int
    count: bool


def split_filter_key(key: str) -> tuple[str, str]:
    for prefix, operation in OPERATORS:
        if key.startswith(prefix):
            return operation, key[len(prefix) :]
    return "eq", key


def parse_select(catalogue: Catalogue, raw: object, default: Sequence[str]) -> list[Field]:
    names = _as_name_list(raw, "select") or list(default)
    chosen: dict[str, Field] = {}
    id_field = catalogue.get("ID")
    if id_field is not None:
        chosen["ID"] = id_field
    for name in names:
        if name == "*":
            chosen.update({f.name: f for f in catalogue if f.in_star and not f.dynamic})
        elif name.upper() == "UF_*":
            chosen.update({f.name: f for f in catalogue if f.dynamic and not f.multiple})
        else:
            # Unknown names are skipped without an error, as user.get documents.
            f = catalogue.get(name)
            if f is not None:
                chosen[f.name] = f
    return [f for f in catalogue if f.name in chosen]


def _as_name_list(raw: object, parameter: str) -> list[str]:
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, dict):
        raw = list(raw.values())
    if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        return list(raw)
    raise crm_error(f"Parameter '{parameter}' must be array.")


def parse_filter(catalogue: Catalogue, raw: object, zone: ZoneInfo) -> list[Condition]:
    if raw is None or raw == "" or raw == []:
        return []
    if not isinstance(raw, dict):
        raise crm_error("Parameter 'filter' must be array.")
    conditions = []
    for key, value in raw.items():
        operation, name = split_filter_key(str(key))
        field = catalogue.get(name)
        if field is None or not field.filterable:
            raise crm_error(f"Filter field '{name}' is not supported.")
        conditions.append(_condition(field, operation, value, zone))
    return conditions


def _condition(field: Field, operation: str, value: Any, zone: ZoneInfo) -> Condition:
    if isinstance(value, dict):
        values = list(value.values())
    else:
        values = value if isinstance(value, list) else [value]
    typed = field.condition is None or field.dynamic
    if operation in _LIKE_OPERATIONS and not field.kind.likeable and typed:
        operation = _LIKE_AS_EQUALITY[operation]
    negated = operation in _NEGATED
    # An empty value ("" or null) means "is empty", and with a negation "is not empty".
    if values and all(_is_empty(item) for item in values):
        return Condition(field, "not_empty" if negated else "empty", [])
    if operation in _COMPARISONS and len(values) != 1:
        raise crm_error(f"Invalid filter value for field '{field.name}': one value is expected.")
    if operation in ("eq", "ne") and len(values) != 1:
        operation = "not_in" if negated else "in"
    return Condition(field, operation, [_filter_value(field, v, zone) for v in values])


def _is_empty(value: object) -> bool:
    return value is None or value == ""


def _filter_value(field: Field, item: Any, zone: ZoneInfo) -> Any:
    """One value in stored form; ``None`` stands for the empty value among a list's items.

    A system field with its own condition (a multifield) gets the client's value as it came;
    a custom field's condition gets it parsed, as any other field.
    """
    if isinstance(item, (dict, list)):
        raise crm_error(f"Invalid filter value for field '{field.name}'.")
    if field.condition is not None and not field.dynamic:
        return item
    if _is_empty(item):
        return None
    try:
        return field.kind.parse(item, zone)
    except FieldValueError as exc:
        raise crm_error(f"Invalid filter value for field '{field.name}': {exc}.") from exc


def parse_order(catalogue: Catalogue, raw: object) -> list[tuple[Field, bool]]:
    if raw is None or raw == "" or raw == []:
        raw = {}
    if not isinstance(raw, dict):
        raise crm_error("Parameter 'order' must be array.")
    order: list[tuple[Field, bool]] = []
    for name, direction in raw.items():
        field = catalogue.get(str(name))
        if field is None or not field.sortable or (field.column is None and not field.expression):
            raise crm_error(f"Sort field '{name}' is not supported.")
        text = str(direction).upper()
        if text not in ("ASC", "DESC"):
            raise crm_error(f"Sort direction for '{name}' must be ASC or DESC.")
        order.append((field, text == "DESC"))
    id_field = catalogue.get("ID")
    if id_field is not None and all(f.name != "ID" for f, _ in order):
        # The tie-breaker runs the way the last key runs, so one index read backwards (the
        # key, then the id) serves a descending order without a sort.
        order.append((id_field, order[-1][1] if order else False))
    return order


def parse_start(raw: object) -> int:
    """The offset; ``-1`` asks for no count. Anything else absurd is refused."""
    if raw is None or raw == "":
        return 0
    if isinstance(raw, int) and not isinstance(raw, bool):
        start = raw
    elif isinstance(raw, str) and _START.fullmatch(raw.strip()):
        # ASCII digits only: Python's int() would also take "1_000" and other scripts' digits.
        text = raw.strip()
        significant = text.lstrip("+-").lstrip("0")
        start = int(text) if len(significant) <= 12 else MAX_START + 1
    else:
        raise crm_error("Parameter 'start' must be an integer.")
    if start < -1 or start > MAX_START:
        raise crm_error("Parameter 'start' is out of range.")
    return start


def parse_list(
    catalogue: Catalogue,
    *,
    select_raw: object,
    filter_raw: object,
    order_raw: object,
    start_raw: object,
    zone: ZoneInfo,
    default_select: Sequence[str] = ("*", "UF_*"),
) -> ListQuery:
    start = parse_start(start_raw)
    return ListQuery(
        fields=parse_select(catalogue, select_raw, default_select),
        conditions=parse_filter(catalogue, filter_raw, zone),
        order=parse_order(catalogue, order_raw),
        start=max(start, 0),
        count=start != -1,
    )


def compile_condition(table: Table, condition: Condition) -> ColumnElement[bool]:
    field, operation, values = condition.field, condition.operation, condition.values
    if field.condition is not None:
        return field.condition(table, operation, values)
    return compare(_value_of(table, field), operation, values)


def _value_of(table: Table, field: Field) -> Any:
    if field.expression is not None:
        return field.expression(table)
    if field.column is None:
        raise RestError("", f"Filter field '{field.name}' is not supported.")
    return table.c[field.column]


def compare(column: Any, operation: str, values: list[Any]) -> ColumnElement[bool]:
    """One operation on a value; ``None`` among a list's items stands for the empty value."""
    present = [v for v in values if v is not None]
    if len(present) == len(values):
        return _COMPILERS[operation](column, values)
    # Some items of a list are the empty value: they stand for "is empty" ("is not empty").
    if operation in _NEGATED:
        filled = not_(_empty(column))
        return and_(_COMPILERS[operation](column, present), filled) if present else filled
    empty = _empty(column)
    return or_(_COMPILERS[operation](column, present), empty) if present else empty


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    """``%``: the text anywhere, its own ``%`` and ``_`` taken literally."""
    matched: ColumnElement[bool] = column.ilike(f"%{_escape_like(text)}%", escape="\\")
    return matched


def _like(column: Any, pattern: str) -> ColumnElement[bool]:
    """``=%``: the client's pattern, ``%`` and ``_`` its only wildcards on both databases."""
    matched: ColumnElement[bool] = column.ilike(pattern.replace("\\", "\\\\"), escape="\\")
    return matched


def _empty(column: Any) -> ColumnElement[bool]:
    if column.type.python_type is str:
        return or_(column.is_(None), column == "")
    is_null: ColumnElement[bool] = column.is_(None)
    return is_null


_COMPILERS: Mapping[str, Callable[[Any, list[Any]], ColumnElement[bool]]] = {
    "eq": lambda c, v: c == v[0],
    "ne": lambda c, v: or_(c != v[0], c.is_(None)),
    # Typed binds: a flag compares too (N before Y), which a bare True/False cannot.
    "gt": lambda c, v: c > literal(v[0], c.type),
    "ge": lambda c, v: c >= literal(v[0], c.type),
    "lt": lambda c, v: c < literal(v[0], c.type),
    "le": lambda c, v: c <= literal(v[0], c.type),
    "in": lambda c, v: c.in_(v),
    "not_in": lambda c, v: or_(c.not_in(v), c.is_(None)),
    "empty": lambda c, v: _empty(c),
    "not_empty": lambda c, v: not_(_empty(c)),
    "like": lambda c, v: or_(false(), *(_like(c, p) for p in v)),
    "not_like": lambda c, v: or_(not_(or_(false(), *(_like(c, p) for p in v))), c.is_(None)),
    "contains": lambda c, v: or_(false(), *(_contains(c, p) for p in v)),
    "not_contains": lambda c, v: or_(
        not_(or_(false(), *(_contains(c, p) for p in v))), c.is_(None)
    ),
}


def where_clause(table: Table, conditions: Sequence[Condition]) -> ColumnElement[bool]:
    return and_(true(), *(compile_condition(table, c) for c in conditions))


@dataclass(frozen=True, slots=True)
class ListResult:
    rows: list[RowMapping]
    total: int | None
    next: int | None


def page_statement(
    conn: Connection, table: Table, query: ListQuery, where: ColumnElement[bool]
) -> Select[Any]:
    """The keys of one page, ordered: 51 of them, to learn whether more follow.

    Only the keys: an index holding the filtered and ordered columns answers this alone, so
    skipping 10,000 matches costs index entries rather than table rows, and the planner need
    not weigh reading every match against walking an index in order. ``page_rows`` then reads
    the page's rows whole.
    """
    return keys_statement(conn, table, query.order, where).limit(PAGE_SIZE + 1).offset(query.start)


def keys_statement(
    conn: Connection,
    table: Table,
    order: Sequence[tuple[Field, bool]],
    where: ColumnElement[bool],
) -> Select[Any]:
    orders = [
        _ordered(conn, table, field, descending, where)
        for field, descending in order
        if field.column is not None or field.expression is not None
    ]
    return select(*table.primary_key.columns).where(where).order_by(*orders)


@dataclass(frozen=True, slots=True)
class Arm:
    """One part of a list read on its own: the rows it covers, and their order."""

    where: ColumnElement[bool]
    order: list[tuple[Field, bool]]


def arms(table: Table, query: ListQuery, where: ColumnElement[bool]) -> list[Arm]:
    """The parts a page is read from, in list order.

    A field whose index holds only the rows that have a value (``Field.sparse``) cannot order
    every row from that index. Ordered by such a field, the list is two runs: the rows without
    a value (first ascending, last descending, as MySQL-backed Bitrix24 sorts NULLs), ordered
    by the remaining keys, and the rows with one, read from the field's index.
    """
    if not query.order or not query.order[0][0].sparse:
        return [Arm(where, list(query.order))]
    field, descending = query.order[0]
    value = _value_of(table, field)
    empty = Arm(and_(where, value.is_(None)), list(query.order[1:]))
    filled = Arm(and_(where, value.is_not(None)), list(query.order))
    return [filled, empty] if descending else [empty, filled]


def page_keys(
    conn: Connection, table: Table, query: ListQuery, where: ColumnElement[bool]
) -> list[tuple[Any, ...]]:
    """The keys of one page in list order (51, to learn whether more follow)."""
    wanted = PAGE_SIZE + 1
    found: list[tuple[Any, ...]] = []
    skip = query.start
    parts = arms(table, query, where)
    for index, arm in enumerate(parts):
        statement = keys_statement(conn, table, arm.order, arm.where)
        read = [tuple(k) for k in conn.execute(statement.limit(wanted - len(found)).offset(skip))]
        found += read
        if len(found) >= wanted or index == len(parts) - 1:
            break
        # The next part starts where this one ended: at once, unless the offset went past it.
        if read:
            skip = 0
        else:
            held = conn.execute(select(func.count()).select_from(table).where(arm.where))
            skip = max(skip - held.scalar_one(), 0)
    return found


def page_rows(
    conn: Connection, table: Table, query: ListQuery, where: ColumnElement[bool]
) -> list[RowMapping]:
    """One page of rows, every stored column, in the list's order (51 to learn if more follow)."""
    found = page_keys(conn, table, query, where)
    if not found:
        return []
    keys = list(table.primary_key.columns)
    wanted = keys[0].in_([k[0] for k in found]) if len(keys) == 1 else tuple_(*keys).in_(found)
    by_key = {
        tuple(row[key.key] for key in keys): row
        for row in conn.execute(select(table).where(wanted)).mappings()
    }
    # A row deleted by another transaction between the two reads is left out.
    return [by_key[key] for key in found if key in by_key]


def _ordered(
    conn: Connection, table: Table, field: Field, descending: bool, where: ColumnElement[bool]
) -> ColumnElement[Any]:
    """NULLs sort first ascending and last descending, as MySQL-backed Bitrix24 sorts them.

    That is SQLite's own order. PostgreSQL's is the opposite, and a NULLS clause there keeps
    its (plain ascending) indexes from serving the order, so the clause is written only when
    NULLs can be among the rows listed: never for a NOT NULL column such as the id. A custom
    field's expression is not a column: its clause is always written.
    """
    column = _value_of(table, field)
    plain: ColumnElement[Any] = column.desc() if descending else column.asc()
    # A sparse field is ordered only over rows that have a value (see ``arms``).
    if conn.dialect.name == "sqlite" or field.sparse:
        return plain
    if field.expression is None:
        if not column.nullable:
            return plain
        probe = select(literal(1)).select_from(table).where(where, column.is_(None)).limit(1)
        if conn.execute(probe).first() is None:
            return plain
    placed: ColumnElement[Any] = (
        column.desc().nulls_last() if descending else column.asc().nulls_first()
    )
    return placed


def all_rows(
    conn: Connection,
    table: Table,
    query: ListQuery,
    *,
    scope: ColumnElement[bool] | None = None,
) -> list[RowMapping]:
    """Every matching row in the list's order, for the few lists Bitrix24 does not page."""
    where = where_clause(table, query.conditions)
    if scope is not None:
        where = and_(scope, where)
    orders = [_ordered(conn, table, field, descending, where) for field, descending in query.order]
    return list(conn.execute(select(table).where(where).order_by(*orders)).mappings())


def run(
    conn: Connection,
    table: Table,
    query: ListQuery,
    *,
    scope: ColumnElement[bool] | None = None,
) -> ListResult:
    """One page of rows (every stored column), the total unless skipped, and the next offset."""
    where = where_clause(table, query.conditions)
    if scope is not None:
        where = and_(scope, where)
    rows = page_rows(conn, table, query, where)
    has_more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if not query.count:
        return ListResult(rows, None, None)
    if query.start == 0 and not has_more:
        total = len(rows)
    else:
        total = conn.execute(select(func.count()).select_from(table).where(where)).scalar_one()
    return ListResult(rows, total, query.start + PAGE_SIZE if has_more else None)
