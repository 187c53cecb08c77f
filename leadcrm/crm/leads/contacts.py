"""A lead's contacts through crm.lead.contact.*: bind, unbind, list, replace, clear.

Each change locks the lead's row first, so two calls on one lead take turns, and records
ONCRMLEADUPDATE. The lead itself is not saved: IS_RETURN_CUSTOMER stays as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace as replace_binding
from typing import Any

from sqlalchemy import Connection, select

from leadcrm.crm.bindings import service as bindings
from leadcrm.crm.bindings.service import Binding
from leadcrm.crm.existence import existing
from leadcrm.crm.ids import MAX_ID
from leadcrm.crm.leads.fields import ENTITY_ID
from leadcrm.crm.leads.tables import LEAD_CONTACTS, leads
from leadcrm.events.record import Change, record
from leadcrm.rest.errors import RestError

NOT_FOUND = RestError("NOT_FOUND", "Not found.", 400)


def _lock_lead(conn: Connection, lead_id: int, *, lock: bool = True) -> None:
    """NOT_FOUND for a lead that does not exist; the lead's row locked for a change."""
    statement = select(leads.c.id).where(leads.c.id == lead_id)
    if lock:
        statement = statement.with_for_update()
    if lead_id > MAX_ID or conn.execute(statement).first() is None:
        raise NOT_FOUND


def _require_contacts(conn: Connection, contact_ids: Sequence[int]) -> None:
    if set(contact_ids) - existing(conn, "CONTACT", contact_ids):
        raise NOT_FOUND


def _changed(conn: Connection, lead_id: int, user_id: int) -> None:
    record(conn, changes=[Change("ONCRMLEADUPDATE", ENTITY_ID, lead_id)], user_id=user_id)


def bind(
    conn: Connection,
    *,
    lead_id: int,
    contact_id: int,
    sort: int | None,
    is_primary: bool,
    user_id: int,
) -> bool:
    """False when the contact was bound already (nothing changes)."""
    _lock_lead(conn, lead_id)
    _require_contacts(conn, [contact_id])
    held = bindings.bound(conn, LEAD_CONTACTS, owner_ids=[lead_id]).get(lead_id, [])
    if any(b.target_id == contact_id for b in held):
        return False
    if sort is None:
        sort = max((b.sort for b in held), default=0) + 10
    binding = Binding(contact_id, sort=sort, is_primary=is_primary)
    bindings.add(conn, LEAD_CONTACTS, owner_id=lead_id, binding=binding, locked=True)
    _changed(conn, lead_id, user_id)
    return True


def unbind(conn: Connection, *, lead_id: int, contact_id: int, user_id: int) -> bool:
    """False when the contact was not bound."""
    _lock_lead(conn, lead_id)
    if not bindings.remove(
        conn, LEAD_CONTACTS, owner_id=lead_id, target_id=contact_id, locked=True
    ):
        return False
    _changed(conn, lead_id, user_id)
    return True


def items(conn: Connection, *, lead_id: int) -> list[dict[str, Any]]:
    _lock_lead(conn, lead_id, lock=False)
    held = bindings.bound(conn, LEAD_CONTACTS, owner_ids=[lead_id]).get(lead_id, [])
    return [
        {
            "CONTACT_ID": b.target_id,
            "SORT": b.sort,
            "ROLE_ID": b.role_id,
            "IS_PRIMARY": "Y" if b.is_primary else "N",
        }
        for b in held
    ]


def replace(conn: Connection, *, lead_id: int, wanted: Sequence[Binding], user_id: int) -> None:
    """Bind exactly ``wanted``, as the items.set page reads: an item without SORT (0) gets
    its position's, (n + 1) * 10; the first item marked primary is primary, else the first."""
    _lock_lead(conn, lead_id)
    _require_contacts(conn, [b.target_id for b in wanted])
    primary = next((b for b in wanted if b.is_primary), wanted[0] if wanted else None)
    placed = [
        replace_binding(b, sort=b.sort or (n + 1) * 10, is_primary=b is primary)
        for n, b in enumerate(wanted)
    ]
    if bindings.set_all(conn, LEAD_CONTACTS, owner_id=lead_id, bindings=placed, locked=True):
        _changed(conn, lead_id, user_id)


def clear(conn: Connection, *, lead_id: int, user_id: int) -> None:
    replace(conn, lead_id=lead_id, wanted=[], user_id=user_id)
