"""crm.lead.productrows.get/set: a lead's rows by their upper-case names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import RowMapping

from leadcrm.crm.ids import whole_number
from leadcrm.crm.productrows import rows, service
from leadcrm.crm.productrows.fields import ROW_FIELDS
from leadcrm.rest.call import Call
from leadcrm.rest.errors import RestError, crm_error
from leadcrm.rest.registry import method

MAX_ROWS = 1000
_SHOWN = [f for f in ROW_FIELDS]


def _lead_id(call: Call) -> int:
    number = whole_number(call.params.get("id"))
    if not number:
        raise crm_error("The parameter id is invalid or not defined.")
    return number


def render(row: RowMapping, zone: ZoneInfo) -> dict[str, Any]:
    """A row as the get example shows it: PRICE_ACCOUNT a string with 8 places."""
    shown = ROW_FIELDS.render_row(row, _SHOWN, zone)
    shown["PRICE_ACCOUNT"] = f"{row['price_account']:.8f}"
    return shown


def sent_rows(raw: object, parameter: str, *, code: str = "") -> list[object]:
    """The rows parameter as a list: a JSON array, or a form body's map keyed by position."""
    if isinstance(raw, Mapping):
        raw = list(raw.values())
    if not isinstance(raw, list) or any(not isinstance(r, Mapping) for r in raw):
        raise RestError(code, f"The parameter {parameter} must be array.", 400)
    if len(raw) > MAX_ROWS:
        raise RestError(
            code, f"The parameter {parameter} must contain at most {MAX_ROWS} rows.", 400
        )
    return raw


@method("crm.lead.productrows.get", scope="crm")
def lead_productrows_get(call: Call) -> list[dict[str, Any]]:
    lead_id = _lead_id(call)
    if not service.lead_exists(call.conn, lead_id):
        raise crm_error("Not found")
    return [render(row, call.zone) for row in service.rows_of(call.conn, lead_id=lead_id)]


@method("crm.lead.productrows.set", scope="crm", writes=True)
def lead_productrows_set(call: Call) -> bool:
    lead_id = _lead_id(call)
    sent = sent_rows(call.params.get("rows"), "rows")
    try:
        manual = service.lock_lead(call.conn, lead_id)
    except service.LeadMissing:
        raise crm_error("Not found") from None
    try:
        completed = complete_all(call, sent, ROW_FIELDS)
        service.replace_all(
            call.conn, lead_id=lead_id, rows=completed, manual=manual, user_id=call.user_id
        )
    except rows.RowError as error:
        # Bitrix24 joins a set's row errors with <br>, and ends the text with one.
        raise RestError("ERROR_CORE", f"{error}<br>", 400) from None
    return True


def complete_all(call: Call, sent: list[object], catalogue: Any) -> list[dict[str, Any]]:
    """Each sent row parsed and completed; a row with the ``id`` of one of the lead's rows
    keeps it (the caller knows which ids are the lead's)."""
    parsed = [rows.parse(raw, catalogue, call.zone) for raw in sent]
    known = rows.products_named(call.conn, parsed)
    completed = []
    claimed: set[int] = set()
    for raw, values in zip(sent, parsed, strict=True):
        assert isinstance(raw, Mapping)
        row = rows.complete(values, catalogue=catalogue, known=known)
        row_id = whole_number(next((v for k, v in raw.items() if str(k).lower() == "id"), None))
        if row_id and row_id not in claimed:
            row["id"] = row_id
            claimed.add(row_id)
        completed.append(row)
    return completed
