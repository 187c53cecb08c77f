"""crm.currency.list, get, fields and base.get: the currencies amounts are kept in."""

from __future__ import annotations

from typing import Any

from leadcrm.crm.currencies import service
from leadcrm.crm.currencies.fields import CURRENCY_FIELDS
from leadcrm.listing import parse_list
from leadcrm.rest.call import Call, Page
from leadcrm.rest.errors import crm_error
from leadcrm.rest.registry import method


@method("crm.currency.fields", scope="crm")
def currency_fields(call: Call) -> dict[str, Any]:
    return CURRENCY_FIELDS.describe()


@method("crm.currency.list", scope="crm")
def currency_list(call: Call) -> Page:
    query = parse_list(
        CURRENCY_FIELDS,
        select_raw=None,
        filter_raw=None,
        order_raw=_stable_order(call.params.get("order")),
        start_raw=call.params.get("start"),
        zone=call.zone,
    )
    result = service.list_currencies(call.conn, query=query)
    langs = service.localisations_of(call.conn, [row["currency"] for row in result.rows])
    items: list[object] = [
        service.render_currency(row, langs[row["currency"]], call.zone, with_lang=False)
        for row in result.rows
    ]
    # The docs: `total` "currently always has a value of 0".
    return Page(items, 0, result.next)


@method("crm.currency.get", scope="crm")
def currency_get(call: Call) -> dict[str, object]:
    code = call.params.get("id")
    row = service.get_currency_row(call.conn, currency_id=code) if isinstance(code, str) else None
    if row is None:
        raise crm_error("Not found")
    langs = service.localisations_of(call.conn, [row["currency"]])
    return service.render_currency(row, langs[row["currency"]], call.zone, with_lang=True)


@method("crm.currency.base.get", scope="crm")
def currency_base_get(call: Call) -> str:
    return service.base_currency(call.conn)


def _stable_order(raw: object) -> object:
    """The client's order, then the code: currencies have no ID for the engine to break ties."""
    if not raw:
        return {"SORT": "ASC", "CURRENCY": "ASC"}
    if isinstance(raw, dict) and all(str(key).upper() != "CURRENCY" for key in raw):
        return {**raw, "CURRENCY": "ASC"}
    return raw
