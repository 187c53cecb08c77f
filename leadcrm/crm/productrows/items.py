"""crm.item.productrow.*: the same rows by camelCase names, for owners of type "L" (leads).

The universal pages document their own codes: ENTITY_TYPE_NOT_SUPPORTED, OWNER_NOT_FOUND,
NOT_FOUND, INVALID_ARG_VALUE, and "100" for a missing required parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import RowMapping

from leadcrm.crm.ids import whole_number
from leadcrm.crm.productrows import rows, service
from leadcrm.crm.productrows.fields import (
    ITEM_DESCRIBED,
    ITEM_FIELDS_CATALOGUE,
    ITEM_ROW,
    camel,
)
from leadcrm.crm.productrows.methods import complete_all, sent_rows
from leadcrm.crm.productrows.tables import product_rows
from leadcrm.listing import parse_list, run
from leadcrm.rest.call import Call, Page
from leadcrm.rest.errors import RestError
from leadcrm.rest.registry import method

INVALID = "INVALID_ARG_VALUE"
UPDATABLE = {
    f.name
    for f in ITEM_DESCRIBED
    if not f.read_only and not f.immutable and f.name not in ("id", "type", "storeId")
}
_COLUMNS = [(camel(name), name.lower()) for name in ITEM_ROW]
_UTC = ZoneInfo("UTC")  # rows hold no dates the item API shows


def _missing(name: str) -> RestError:
    return RestError("100", f"Could not find value for parameter {{{name}}}", 400)


def _required(call: Call, name: str) -> Any:
    value = call.params.get(name)
    if value is None:
        raise _missing(name)
    return value


def _unsupported() -> RestError:
    return RestError(
        "ENTITY_TYPE_NOT_SUPPORTED", "Working with this type of objects is not supported", 400
    )


def _not_found() -> RestError:
    return RestError("NOT_FOUND", "Item not found", 400)


def _owner(call: Call, owner_type: object, owner_id: object) -> tuple[int, bool]:
    """The lead a call names, locked; and whether its amount is manual."""
    if owner_type != service.LEAD:
        raise _unsupported()
    lead_id = whole_number(owner_id) or 0
    try:
        return lead_id, service.lock_lead(call.conn, lead_id)
    except service.LeadMissing:
        raise RestError("OWNER_NOT_FOUND", "Owner was not found", 400) from None


def render(row: RowMapping) -> dict[str, Any]:
    """A row as the get example shows it: every number a JSON number."""
    shown: dict[str, Any] = {}
    for name, column in _COLUMNS:
        field = ITEM_FIELDS_CATALOGUE.get(name)
        assert field is not None
        shown[name] = field.kind.render(row[column], _UTC)
    shown["id"], shown["ownerId"] = row["id"], row["owner_id"]
    return shown


def _row(call: Call, *, lock: bool = False) -> RowMapping:
    row_id = whole_number(_required(call, "id")) or 0
    found = service.row_by_id(call.conn, row_id=row_id, lock=lock)
    if found is None or found["owner_type"] != service.LEAD:
        raise _not_found()
    return found


def _invalid(error: rows.RowError) -> RestError:
    return RestError(INVALID, str(error), 400)


@method("crm.item.productrow.fields", scope="crm", transactional=False)
def item_productrow_fields(call: Call) -> dict[str, Any]:
    return {"fields": ITEM_DESCRIBED.describe()}


@method("crm.item.productrow.add", scope="crm", writes=True)
def item_productrow_add(call: Call) -> dict[str, Any]:
    fields = _required(call, "fields")
    if not isinstance(fields, Mapping):
        raise RestError(INVALID, "The parameter fields must be array.", 400)
    lead_id, manual = _owner(call, fields.get("ownerType"), fields.get("ownerId"))
    try:
        (row,) = complete_all(call, [{k: v for k, v in fields.items() if k != "id"}],
                              ITEM_FIELDS_CATALOGUE)  # fmt: skip
        row_id = service.add_one(
            call.conn, lead_id=lead_id, row=row, manual=manual, user_id=call.user_id
        )
    except rows.RowError as error:
        raise _invalid(error) from None
    found = service.row_by_id(call.conn, row_id=row_id)
    assert found is not None
    return {"productRow": render(found)}


@method("crm.item.productrow.update", scope="crm", writes=True)
def item_productrow_update(call: Call) -> dict[str, Any]:
    current = _row(call)
    fields = _required(call, "fields")
    if not isinstance(fields, Mapping):
        raise RestError(INVALID, "The parameter fields must be array.", 400)
    manual = service.lock_lead(call.conn, current["owner_id"])
    current = _row(call, lock=True)
    try:
        values = rows.parse(fields, ITEM_FIELDS_CATALOGUE, call.zone, updatable=UPDATABLE)
        known = rows.products_named(call.conn, [values])
        stored = {k: v for k, v in current.items() if k != "id"}
        row = rows.complete(values, catalogue=ITEM_FIELDS_CATALOGUE, known=known, current=stored)
        service.update_one(
            call.conn,
            lead_id=current["owner_id"],
            row_id=current["id"],
            row=row,
            manual=manual,
            user_id=call.user_id,
        )
    except rows.RowError as error:
        raise _invalid(error) from None
    found = service.row_by_id(call.conn, row_id=current["id"])
    assert found is not None
    return {"productRow": render(found)}


@method("crm.item.productrow.get", scope="crm")
def item_productrow_get(call: Call) -> dict[str, Any]:
    return {"productRow": render(_row(call))}


@method("crm.item.productrow.delete", scope="crm", writes=True)
def item_productrow_delete(call: Call) -> None:
    current = _row(call)
    manual = service.lock_lead(call.conn, current["owner_id"])
    service.delete_one(
        call.conn,
        lead_id=current["owner_id"],
        row_id=current["id"],
        manual=manual,
        user_id=call.user_id,
    )


@method("crm.item.productrow.set", scope="crm", writes=True)
def item_productrow_set(call: Call) -> dict[str, Any]:
    owner_id, owner_type = _required(call, "ownerId"), _required(call, "ownerType")
    raw = _required(call, "productRows")
    lead_id, manual = _owner(call, owner_type, owner_id)
    sent = sent_rows(raw, "productRows", code=INVALID)
    try:
        completed = complete_all(call, sent, ITEM_FIELDS_CATALOGUE)
        service.replace_all(
            call.conn, lead_id=lead_id, rows=completed, manual=manual, user_id=call.user_id
        )
    except rows.RowError as error:
        raise _invalid(error) from None
    return {"productRows": [render(r) for r in service.rows_of(call.conn, lead_id=lead_id)]}


@method("crm.item.productrow.getAvailableForPayment", scope="crm")
def item_productrow_available_for_payment(call: Call) -> dict[str, Any]:
    owner_id, owner_type = _required(call, "ownerId"), _required(call, "ownerType")
    if owner_type != service.LEAD:
        raise _unsupported()
    lead_id = whole_number(owner_id) or 0
    if not service.lead_exists(call.conn, lead_id):
        raise RestError("OWNER_NOT_FOUND", "Owner was not found", 400)
    # leadcrm takes no payments: every row is available for one.
    return {"productRows": [render(r) for r in service.rows_of(call.conn, lead_id=lead_id)]}


@method("crm.item.productrow.list", scope="crm")
def item_productrow_list(call: Call) -> Page:
    raw_filter = _required(call, "filter")
    if not isinstance(raw_filter, Mapping):
        raise RestError(INVALID, "The filter must contain =ownerType and =ownerId.", 400)
    keys = {str(k) for k in raw_filter}
    if "=ownerType" not in keys or "=ownerId" not in keys:
        raise RestError(INVALID, "The filter must contain =ownerType and =ownerId.", 400)
    if raw_filter["=ownerType"] != service.LEAD:
        raise _unsupported()
    order = call.params.get("order") or {"sort": "ASC", "id": "ASC"}
    query = parse_list(
        ITEM_FIELDS_CATALOGUE,
        select_raw=None,
        filter_raw=raw_filter,
        order_raw=order,
        start_raw=call.params.get("start"),
        zone=call.zone,
    )
    result = run(call.conn, product_rows, query)
    return Page([render(r) for r in result.rows], result.total, result.next, key="productRows")
