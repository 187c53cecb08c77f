"""The bare endpoint beside the product row scenario (issue 8): the writes of
``crm.lead.productrows.set`` in one transaction, without the REST layer.

Built as the other bare endpoints are (the same engine, Starlette's thread pool, a write
transaction taken as a REST write takes it, orjson), and mounted with them.

``POST /bench/lead-productrows-set``: the lead's row locked (``SELECT ... FOR UPDATE`` on
PostgreSQL; on SQLite the transaction's ``BEGIN IMMEDIATE`` holds the write lock already),
its product rows deleted, the new ones inserted in one executemany with the columns leadcrm
writes, and ``crm_lead.opportunity`` set to their amount unless the lead's amount is manual.

What the caller precomputes, and what is computed here:

- precomputed by the caller (bench/scenarios.py, from what bench/seed.py seeded): what leadcrm
  takes from the product a row names (``product_name``, ``product_description``,
  ``measure_code``) and the measure's name. leadcrm reads these from ``crm_product`` under a
  shared lock; the bare side does not read the products at all.
- computed here: the derived prices (``price_exclusive``, ``price_netto``, ``price_brutto``,
  ``discount_sum``, ``price_account``) with the arithmetic leadcrm uses
  (``prices.work_out``: a few decimal operations a row), since one price in each request
  changes per request; and the lead's amount from the rows (``prices.amount``) rather than
  read back from the table.

Left to the REST side: the parameter grammar and the rows' checks (catalogue parsing,
discount rules, limits), the read of the products, the reads of the lead's rows before (which
ids it holds) and after the insert (the amount from what is stored), the naming of unnamed
rows (none here: every row names a product), and the event record. The run's validation
(bench/run.py) checks that both sides leave the same rows and the same amount.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import orjson
from sqlalchemy import Engine, delete, insert, select, update
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from leadcrm.crm.leads.tables import leads
from leadcrm.crm.productrows.prices import amount, work_out
from leadcrm.crm.productrows.tables import product_rows
from leadcrm.db.transactions import transaction

JSON_TYPE = "application/json; charset=utf-8"
MAX_ROWS = 1000  # as crm.lead.productrows.set
LEAD = "L"
SIMPLE_PRODUCT = 1  # the row TYPE leadcrm stores for a row of a catalogue product


def routes(engine: Engine) -> list[BaseRoute]:
    endpoints = ProductRowEndpoints(engine)
    return [Route("/bench/lead-productrows-set", endpoints.set_rows, methods=["POST"])]


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=JSON_TYPE)


def _decimal(value: object, default: Decimal | None) -> Decimal | None:
    if value is None or value == "":
        return default
    return Decimal(str(value)).quantize(Decimal("0.0001"))


def _row(raw: dict[str, Any], sort: int) -> dict[str, Any]:
    """One row as leadcrm stores it (the columns of rows.complete), prices worked out."""
    price = _decimal(raw.get("price"), Decimal(0))
    quantity = _decimal(raw.get("quantity"), Decimal(1))
    rate = _decimal(raw.get("discount_rate"), Decimal(0))
    discount = _decimal(raw.get("discount_sum"), Decimal(0))
    tax = _decimal(raw.get("tax_rate"), None)
    assert price is not None and quantity is not None and rate is not None
    assert discount is not None
    discount_type = int(raw.get("discount_type_id") or 2)
    prices = work_out(
        price=price,
        tax_rate=tax,
        discount_type=discount_type,
        discount_rate=rate,
        discount_sum=discount,
    )
    name = str(raw.get("product_name") or "")
    return {
        "product_id": int(raw.get("product_id") or 0),
        "product_name": name,
        "original_product_name": name,
        "product_description": raw.get("product_description"),
        "price": price,
        "price_exclusive": prices.exclusive,
        "price_netto": prices.netto,
        "price_brutto": prices.brutto,
        "price_account": price,
        "quantity": quantity,
        "discount_type_id": discount_type,
        "discount_rate": prices.discount_rate,
        "discount_sum": prices.discount_sum,
        "tax_rate": tax,
        "tax_included": False,
        "customized": True,
        "measure_code": int(raw.get("measure_code") or 0),
        "measure_name": str(raw.get("measure_name") or ""),
        "sort": sort,
        "xml_id": "",
        "type": SIMPLE_PRODUCT,
    }


class ProductRowEndpoints:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def set_rows(self, request: Request) -> Response:
        """``POST /bench/lead-productrows-set``: ``{"id": lead, "rows": [{"product_id": ...,
        "product_name": ..., "product_description": ..., "measure_code": ...,
        "measure_name": ..., "price": ..., "quantity": ..., "discount_type_id": ...,
        "discount_rate": ..., "discount_sum": ..., "tax_rate": ..., "sort": ...}, ...]}``
        makes exactly these the lead's rows; 404 when the lead does not exist. Nothing is
        checked against the products: the caller's names are stored as they came."""
        raw = await request.body()
        parsed = orjson.loads(raw) if raw.strip() else {}
        if not isinstance(parsed, dict):
            return _json({"error": "INVALID"}, 400)
        sent = parsed.get("rows") or []
        try:
            lead_id = int(parsed.get("id") or 0)
            if not isinstance(sent, list) or len(sent) > MAX_ROWS:
                raise ValueError("rows")
            rows = [_row(r, int(r.get("sort") or 0)) for r in sent]
        except (TypeError, ValueError, AttributeError, InvalidOperation):
            return _json({"error": "INVALID"}, 400)
        if lead_id <= 0:
            return _json({"error": "INVALID"}, 400)
        found = await run_in_threadpool(self._set_rows, lead_id, rows)
        if not found:
            return _json({"error": "NOT_FOUND"}, 404)
        return _json({"result": True})

    def _set_rows(self, lead_id: int, rows: list[dict[str, Any]]) -> bool:
        owner = {"owner_type": LEAD, "owner_id": lead_id}
        total = amount([(r["price"], r["quantity"]) for r in rows])
        with transaction(self.engine, writes=True) as conn:
            locking = (
                select(leads.c.id, leads.c.is_manual_opportunity)
                .where(leads.c.id == lead_id)
                .with_for_update()
            )
            lead = conn.execute(locking).first()
            if lead is None:
                return False
            conn.execute(
                delete(product_rows).where(
                    product_rows.c.owner_type == LEAD, product_rows.c.owner_id == lead_id
                )
            )
            if rows:
                conn.execute(insert(product_rows), [{**r, **owner} for r in rows])
            # As leadcrm: the amount follows the rows unless it is manual (the seeded leads'
            # is not). Sent no rows, leadcrm zeroes the amount of a lead that had some; this
            # leaves it (the scenario always sends rows).
            if not lead.is_manual_opportunity and rows:
                conn.execute(update(leads).where(leads.c.id == lead_id).values(opportunity=total))
        return True
