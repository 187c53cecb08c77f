"""Reading query plans: which indexes a statement reads, what it scans whole, what it sorts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection


@dataclass(frozen=True)
class Plan:
    indexes: set[str]  # every index the plan reads
    full_scans: set[str]  # tables read whole, without an index
    sorts_everything: bool  # a sort that no index order helps
    text: str


def sqlite_plan(conn: Connection, sql: str) -> Plan:
    rows = list(conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    details = [row[3] for row in rows]
    indexes = {
        word
        for detail in details
        for word in detail.replace("(", " ").split()
        if word.startswith("ix_") or word == "PRIMARY"
    }
    indexes |= {"PRIMARY" for detail in details if "INTEGER PRIMARY KEY" in detail}
    # A bare SCAN reads the table's own b-tree, which is keyed by its integer primary key.
    full = {
        detail.split()[1]
        for detail in details
        if detail.startswith("SCAN ") and " USING " not in detail and detail != "SCAN page"
    }
    indexes |= {"PRIMARY"} if full else set()
    # The page's keys come from a subquery (MATERIALIZE page): a sort inside it orders every
    # match; the one outside orders the page's 51 rows only.
    subqueries = {row[0] for row in rows if row[3].startswith(("MATERIALIZE", "CO-ROUTINE"))}
    sorts = any(
        "USE TEMP B-TREE FOR ORDER BY" in row[3] and (row[1] in subqueries or not subqueries)
        for row in rows
    )
    return Plan(indexes, full, sorts, "\n".join(details))


def postgres_plan(conn: Connection, sql: str) -> Plan:
    (document,) = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}").one()
    if isinstance(document, str):
        document = json.loads(document)
    indexes: set[str] = set()
    full: set[str] = set()
    sorts = False

    def walk(node: dict[str, Any]) -> None:
        nonlocal sorts
        if "Index Name" in node:
            indexes.add(node["Index Name"])
        if node["Node Type"] == "Seq Scan":
            full.add(node["Relation Name"])
        # A sort above the page's LIMIT orders its 51 rows only; any other orders every match.
        if node["Node Type"] == "Sort" and not _limited(node):
            sorts = True
        for child in node.get("Plans", []):
            walk(child)

    walk(document[0]["Plan"])
    return Plan(indexes, full, sorts, json.dumps(document, indent=1))


def _limited(node: dict[str, Any]) -> bool:
    return any(child["Node Type"] == "Limit" or _limited(child) for child in node.get("Plans", []))
