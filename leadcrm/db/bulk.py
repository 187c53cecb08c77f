"""Many rows in one INSERT, with the ids they were given, in the order the rows came."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Connection, Insert, Table, insert


def insert_returning_ids(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` (a column missing from a row is NULL) and answer their ids, in order.

    PostgreSQL: SQLAlchemy orders RETURNING by the parameters in one statement. SQLite: asked
    for that order, SQLAlchemy falls back to a statement per row, so the rows go in one
    multi-row INSERT and its ids are sorted instead: SQLite inserts VALUES rows in order, a
    writer holds the database alone (BEGIN IMMEDIATE), and AUTOINCREMENT ids only grow, so the
    n-th row has the n-th smallest id; only the order RETURNING lists them in is unspecified.
    """
    if not rows:
        return []
    # Only the columns some row sets: fewer parameters to send, and to parse on PostgreSQL.
    columns = list(dict.fromkeys(key for row in rows for key in row))
    rows = [{key: row.get(key) for key in columns} for row in rows]
    if len(rows) == 1:
        return [conn.execute(_returning_id(table, False), rows[0]).scalar_one()]
    if conn.dialect.name == "sqlite":
        return sorted(conn.execute(_returning_id(table, False), rows).scalars())
    return list(conn.execute(_returning_id(table, True), rows).scalars())


@cache
def _returning_id(table: Table, ordered: bool) -> Insert:
    # One statement object per shape: SQLAlchemy then finds it compiled without rebuilding it.
    return insert(table).returning(table.c.id, sort_by_parameter_order=ordered)
