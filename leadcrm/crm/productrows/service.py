"""A lead's product rows: replaced whole, or one at a time, and the lead's amount after each
change. Every change locks the lead's row first, so two calls on one lead take turns and a
set never leaves a mix of two sets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Connection,
    RowMapping,
    String,
    bindparam,
    cast,
    delete,
    insert,
    literal,
    select,
    update,
)

from leadcrm.crm.entities.registry import when_deleted, when_updated
from leadcrm.crm.ids import MAX_ID
from leadcrm.crm.leads.tables import leads
from leadcrm.crm.productrows.prices import amount
from leadcrm.crm.productrows.rows import RowError
from leadcrm.crm.productrows.tables import product_rows
from leadcrm.db.bulk import insert_returning_ids
from leadcrm.events.record import Change, record

LEAD = "L"
LEAD_ENTITY = "LEAD"
MAX_AMOUNT = Decimal(10) ** 15
TOO_MUCH = "The field Amount (OPPORTUNITY) is invalid: a finite number below 10^15 is expected."


class LeadMissing(LookupError):
    """The owner lead does not exist."""


_LEAD_FOR_UPDATE = (
    select(leads.c.id, leads.c.is_manual_opportunity)
    .where(leads.c.id == bindparam("lead_id"))
    .with_for_update()
)
_ORDER = (product_rows.c.sort, product_rows.c.id)


def lock_lead(conn: Connection, lead_id: int) -> bool:
    """Lock the lead's row for a change of its rows; answers whether its amount is manual."""
    found = None
    if 0 < lead_id <= MAX_ID:
        found = conn.execute(_LEAD_FOR_UPDATE, {"lead_id": lead_id}).first()
    if found is None:
        raise LeadMissing(lead_id)
    return bool(found.is_manual_opportunity)


def lead_exists(conn: Connection, lead_id: int) -> bool:
    if not 0 < lead_id <= MAX_ID:
        return False
    return conn.execute(select(leads.c.id).where(leads.c.id == lead_id)).first() is not None


def rows_of(conn: Connection, *, lead_id: int) -> list[RowMapping]:
    statement = (
        select(product_rows)
        .where(product_rows.c.owner_type == LEAD, product_rows.c.owner_id == lead_id)
        .order_by(*_ORDER)
    )
    return list(conn.execute(statement).mappings())


def row_by_id(conn: Connection, *, row_id: int, lock: bool = False) -> RowMapping | None:
    if not 0 < row_id <= MAX_ID:
        return None
    statement = select(product_rows).where(product_rows.c.id == row_id)
    if lock:
        statement = statement.with_for_update()
    return conn.execute(statement).mappings().first()


def replace_all(
    conn: Connection, *, lead_id: int, rows: Sequence[dict[str, Any]], manual: bool, user_id: int
) -> None:
    """Make ``rows`` (completed) the lead's rows, whose lead is locked; a row whose ``id`` is
    one of the lead's keeps it."""
    held = set(conn.execute(_IDS, {"lead_id": lead_id}).scalars())
    conn.execute(_DELETE_ALL, {"lead_id": lead_id})
    owner = {"owner_type": LEAD, "owner_id": lead_id}
    kept = [{**r, **owner} for r in rows if r.get("id") in held]
    fresh = [
        {**{k: v for k, v in r.items() if k != "id"}, **owner}
        for r in rows
        if r.get("id") not in held
    ]
    # No RETURNING: on PostgreSQL, ordered RETURNING costs more than the insert itself, and
    # unnamed rows are named by one UPDATE instead.
    for batch in (kept, fresh):
        if batch:
            conn.execute(insert(product_rows), batch)
    if any(not r.get("product_name") for r in rows):
        conn.execute(_NAME_UNNAMED, {"lead_id": lead_id})
    changed(conn, lead_id=lead_id, manual=manual, user_id=user_id, had_rows=bool(held))


def add_one(
    conn: Connection, *, lead_id: int, row: dict[str, Any], manual: bool, user_id: int
) -> int:
    (row_id,) = insert_returning_ids(
        conn, product_rows, [{**row, "owner_type": LEAD, "owner_id": lead_id}]
    )
    _name_unnamed(conn, [(row_id, row)])
    changed(conn, lead_id=lead_id, manual=manual, user_id=user_id, had_rows=True)
    return row_id


def update_one(
    conn: Connection, *, lead_id: int, row_id: int, row: dict[str, Any], manual: bool, user_id: int
) -> None:
    values = {k: v for k, v in row.items() if k not in ("id", "owner_type", "owner_id")}
    conn.execute(update(product_rows).where(product_rows.c.id == row_id).values(values))
    _name_unnamed(conn, [(row_id, row)])
    changed(conn, lead_id=lead_id, manual=manual, user_id=user_id, had_rows=True)


def delete_one(conn: Connection, *, lead_id: int, row_id: int, manual: bool, user_id: int) -> None:
    conn.execute(delete(product_rows).where(product_rows.c.id == row_id))
    changed(conn, lead_id=lead_id, manual=manual, user_id=user_id, had_rows=True)


def delete_of_lead(conn: Connection, lead_id: int) -> None:
    conn.execute(_DELETE_ALL, {"lead_id": lead_id})


def _name_unnamed(conn: Connection, written: Iterable[tuple[int, Mapping[str, Any]]]) -> None:
    """A row with neither a name nor a product is named after its id: "[17]"."""
    unnamed = [
        {"row_id": row_id, "new_name": f"[{row_id}]"}
        for row_id, row in written
        if not row.get("product_name")
    ]
    if unnamed:
        conn.execute(_RENAME, unnamed)


_RENAME = (
    update(product_rows)
    .where(product_rows.c.id == bindparam("row_id"))
    .values(product_name=bindparam("new_name"), original_product_name=bindparam("new_name"))
)
_OF_LEAD = (product_rows.c.owner_type == LEAD) & (product_rows.c.owner_id == bindparam("lead_id"))
_IDS = select(product_rows.c.id).where(_OF_LEAD)
_DELETE_ALL = delete(product_rows).where(_OF_LEAD)
_BRACKETED = literal("[") + cast(product_rows.c.id, String) + literal("]")
_NAME_UNNAMED = (
    update(product_rows)
    .where(_OF_LEAD, product_rows.c.product_name == "")
    .values(product_name=_BRACKETED, original_product_name=_BRACKETED)
)
_LINES = select(product_rows.c.price, product_rows.c.quantity).where(_OF_LEAD)


def changed(conn: Connection, *, lead_id: int, manual: bool, user_id: int, had_rows: bool) -> None:
    """After a change of the lead's rows: its amount, unless manual, and ONCRMLEADUPDATE."""
    current = conn.execute(_LINES, {"lead_id": lead_id}).all()
    total = amount([(price, quantity) for price, quantity in current])
    # Checked whatever the mode: the amount must fit the lead even once the mode changes.
    if total >= MAX_AMOUNT:
        raise RowError(TOO_MUCH)
    if not manual and (had_rows or current):
        conn.execute(update(leads).where(leads.c.id == lead_id).values(opportunity=total))
    record(conn, changes=[Change("ONCRMLEADUPDATE", LEAD_ENTITY, lead_id)], user_id=user_id)


def _follow_rows(
    conn: Connection, lead_id: int, changes: dict[str, Any], current: RowMapping
) -> None:
    """A lead saved with its amount or its amount mode: unless the amount is manual, a lead
    with rows keeps the amount its rows make, whatever OPPORTUNITY was sent."""
    if "opportunity" not in changes and "is_manual_opportunity" not in changes:
        return
    manual = changes.get("is_manual_opportunity", current["is_manual_opportunity"])
    lines = conn.execute(_LINES, {"lead_id": lead_id}).all()
    if not manual and lines:
        changes["opportunity"] = amount([(price, quantity) for price, quantity in lines])


when_deleted(LEAD_ENTITY, delete_of_lead)
when_updated(LEAD_ENTITY, _follow_rows)
