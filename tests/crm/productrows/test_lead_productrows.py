"""crm.lead.productrows.set/get: a lead's product rows, their prices and the lead's amount.

The pages leads/crm-lead-productrows-set.md and -get.md and spec-checklist §9 (the price
arithmetic of §9.3 with its three worked checks, the OPPORTUNITY rule), §22 (30-32) and §24
(12): the documented examples replayed, the JSON types of the get example, the defaults of the
set page, random rows against an independent decimal computation, the amount, the event
record, refusals that write nothing, and concurrent sets. Where the docs leave a choice open
the test says which reading it takes in a ``# POLICY:`` comment.

The helpers here (products, leads, the decimal arithmetic, JSON kinds) are shared with
test_item_productrows.py.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadcrm.rest.dispatch import execute
from leadcrm.rest.params import Params
from leadcrm.rest.principal import Principal
from tests.crm.leads.test_add import database_rows, php_pairs
from tests.events.test_record import events, lead_event
from tests.support import Api

UNKNOWN = 999999  # an id no lead, product or row has in these tests
ADMIN = Principal(user_id=1, is_admin=True, scopes=frozenset({"crm"}), credential="test")
CENT = Decimal("0.01")

# The keys of a crm.lead.productrows.get row in the example's order, with the JSON kinds the
# example shows: "number" is any JSON number (10 or 22175.328), "integer" a JSON integer, a
# trailing "?" allows null. ID and OWNER_ID are strings, PRICE_ACCOUNT a string of 8 decimals.
LEAD_ROW_KINDS: dict[str, str] = {
    "ID": "string",
    "OWNER_ID": "string",
    "OWNER_TYPE": "string",
    "PRODUCT_ID": "integer",
    "PRODUCT_NAME": "string",
    "ORIGINAL_PRODUCT_NAME": "string",
    "PRODUCT_DESCRIPTION": "string?",
    "PRICE": "number",
    "PRICE_EXCLUSIVE": "number",
    "PRICE_NETTO": "number",
    "PRICE_BRUTTO": "number",
    "PRICE_ACCOUNT": "string",
    "QUANTITY": "number",
    "DISCOUNT_TYPE_ID": "integer",
    "DISCOUNT_RATE": "number",
    "DISCOUNT_SUM": "number",
    "TAX_RATE": "number?",
    "TAX_INCLUDED": "string",
    "CUSTOMIZED": "string",
    "MEASURE_CODE": "integer",
    "MEASURE_NAME": "string",
    "SORT": "integer",
    "XML_ID": "string",
    "TYPE": "integer",
    "STORE_ID": "integer?",
    "RESERVE_ID": "integer?",
    "DATE_RESERVE_END": "string?",
    "RESERVE_QUANTITY": "number?",
}

# The discount texts of the set page, code ERROR_CORE. POLICY: every ERROR_CORE text of
# crm.lead.productrows.set ends with "<br>", as the page's JSON example does.
RATE_REQUIRED = (
    "Discount Rate (DISCOUNT_RATE) is required if Percentage Discount Type (DISCOUNT_TYPE_ID)"
    " is defined<br>"
)
SUM_REQUIRED_AT_100 = (
    "Discount Sum (DISCOUNT_SUM) is required if Percentage Discount Type (DISCOUNT_TYPE_ID)"
    " is defined and Discount Rate (DISCOUNT_RATE) is 100%<br>"
)
SUM_REQUIRED = (
    "Discount Sum (DISCOUNT_SUM) is required if Monetary Discount Type (DISCOUNT_TYPE_ID)"
    " is defined<br>"
)
# POLICY: the get page's JSON text (with its full stop) for both methods; the same full stop
# for the rows text; "Not found" as crm.lead.get answers it.
ID_INVALID = "The parameter id is invalid or not defined."
ROWS_NOT_ARRAY = "The parameter rows must be array."
NOT_FOUND = "Not found"
# POLICY: at most 1000 rows, QUANTITY from 0 to 10^9, an amount below 10^15 (what a lead's
# OPPORTUNITY holds); worded like leadcrm's other field errors.
MAX_ROWS = 1000
MAX_QUANTITY = 10**9
TOO_MANY_ROWS = "The parameter rows must contain at most 1000 rows."
QUANTITY_RANGE = (
    "The field Quantity (QUANTITY) is invalid: a number from 0 to 1000000000 is expected.<br>"
)
AMOUNT_RANGE = (
    "The field Amount (OPPORTUNITY) is invalid: a finite number below 10^15 is expected.<br>"
)
INSUFFICIENT_SCOPE = {
    "error": "insufficient_scope",
    "error_description": (
        "The request requires higher privileges than provided by the webhook token"
    ),
}


# -- helpers ------------------------------------------------------------------------------------


def r2(value: Decimal) -> Decimal:
    """Money rounding: two places, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def kind(value: Any) -> str:
    """The JSON kind of a decoded value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    return type(value).__name__


def kind_matches(value: Any, expected: str) -> bool:
    """Whether ``value`` has the JSON kind ``expected`` ("number", "integer?", ...)."""
    if expected.endswith("?"):
        if value is None:
            return True
        expected = expected[:-1]
    allowed = {"number": {"integer", "float"}}.get(expected, {expected})
    return kind(value) in allowed


def normal(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with every JSON number as a Decimal: 10, 10.0 and 10.00 compare equal."""
    return {
        key: Decimal(str(value)) if kind(value) in ("integer", "float") else value
        for key, value in row.items()
    }


def num(value: Any) -> Decimal:
    """A JSON number as a Decimal (fails on a string, a boolean or null)."""
    assert kind(value) in ("integer", "float"), value
    return Decimal(str(value))


def wire(value: Decimal) -> int | float:
    """A decimal the way a JSON client sends it: 10 or 10.5."""
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass(frozen=True)
class Prices:
    """The derived values of one row (checklist §9.3)."""

    exclusive: Decimal
    netto: Decimal
    brutto: Decimal
    discount_rate: Decimal
    discount_sum: Decimal


def derive(
    price: Decimal,
    tax_rate: Decimal | None,
    discount_type: int,
    discount_rate: Decimal,
    discount_sum: Decimal,
) -> Prices:
    """§9.3, independently: PRICE holds discount and tax; each step rounds to the cent."""
    tax = (tax_rate or Decimal(0)) / 100
    exclusive = r2(price / (1 + tax))
    if discount_type == 2 and discount_rate != 100:
        netto = r2(exclusive / (1 - discount_rate / 100))
        discount_sum = r2(netto - exclusive)
    elif discount_type == 2:
        netto = exclusive + discount_sum
    else:
        netto = exclusive + discount_sum
        # POLICY: a rate of 0 when there is nothing to discount.
        discount_rate = r2(discount_sum / netto * 100) if netto else Decimal(0)
    return Prices(exclusive, netto, r2(netto * (1 + tax)), discount_rate, discount_sum)


def amount(rows: list[dict[str, Any]], price: str = "PRICE", quantity: str = "QUANTITY") -> Decimal:
    """The lead amount the rows make: the sum of round(PRICE x QUANTITY, 2)."""
    return sum((r2(num(row[price]) * num(row[quantity])) for row in rows), Decimal("0.00"))


def new_product(
    api: Api,
    name: str = "Product",
    *,
    price: float = 100,
    measure: int | None = 796,
    **extra: Any,
) -> int:
    """A catalog product made with crm.product.add (outdated/products/crm-product-add.md)."""
    fields: dict[str, Any] = {"NAME": name, "PRICE": price, "CURRENCY_ID": "USD", **extra}
    if measure is not None:
        fields["MEASURE"] = measure
    product_id = api.call("crm.product.add", {"fields": fields})
    assert kind(product_id) == "integer", product_id
    return int(product_id)


def new_lead(api: Api, **fields: Any) -> int:
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "With products", **fields}})
    return int(lead_id)


def set_rows(api: Api, lead_id: int, rows: list[dict[str, Any]]) -> None:
    assert api.call("crm.lead.productrows.set", {"id": lead_id, "rows": rows}) is True


def get_rows(api: Api, lead_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = api.call("crm.lead.productrows.get", {"id": lead_id})
    assert isinstance(rows, list), rows
    for row in rows:
        check_lead_row(row, lead_id)
    return rows


def opportunity(api: Api, lead_id: int) -> str:
    """The lead's OPPORTUNITY as crm.lead.get writes it ("15000.00")."""
    value: str = api.call("crm.lead.get", {"id": lead_id})["OPPORTUNITY"]
    return value


def money(value: Decimal | int | str) -> str:
    return f"{Decimal(value):.2f}"


def check_lead_row(row: dict[str, Any], lead_id: int) -> None:
    """Every documented key, in the example's order, each of the example's JSON kind."""
    assert list(row) == list(LEAD_ROW_KINDS), row
    wrong = {k: row[k] for k, want in LEAD_ROW_KINDS.items() if not kind_matches(row[k], want)}
    assert wrong == {}, row
    assert row["ID"].isdigit() and not row["ID"].startswith("0"), row
    assert row["OWNER_ID"] == str(lead_id)
    assert row["OWNER_TYPE"] == "L"
    assert row["TAX_INCLUDED"] in ("Y", "N")
    assert row["DISCOUNT_TYPE_ID"] in (1, 2)
    # PRICE in the report (base) currency, 8 decimals as "10.00000000"; the leads are in USD.
    assert re.fullmatch(r"-?\d+\.\d{8}", row["PRICE_ACCOUNT"]), row
    assert Decimal(row["PRICE_ACCOUNT"]) == num(row["PRICE"]), row


def lead_row(row_id: str, lead_id: int, **values: Any) -> dict[str, Any]:
    """The expected get row: the set page's defaults overridden by ``values``, normalised."""
    row: dict[str, Any] = {
        "ID": row_id,
        "OWNER_ID": str(lead_id),
        "OWNER_TYPE": "L",
        "PRODUCT_ID": 0,
        "PRODUCT_NAME": f"[{row_id}]",
        "ORIGINAL_PRODUCT_NAME": None,  # filled in below
        "PRODUCT_DESCRIPTION": None,
        "PRICE": 0,
        "PRICE_EXCLUSIVE": 0,
        "PRICE_NETTO": 0,
        "PRICE_BRUTTO": 0,
        "PRICE_ACCOUNT": "0.00000000",
        "QUANTITY": 1,
        "DISCOUNT_TYPE_ID": 2,
        "DISCOUNT_RATE": 0,
        "DISCOUNT_SUM": 0,
        "TAX_RATE": None,
        "TAX_INCLUDED": "N",
        "CUSTOMIZED": "Y",  # POLICY: always Y, as every example
        "MEASURE_CODE": 0,
        "MEASURE_NAME": "",
        "SORT": 0,
        "XML_ID": "",  # POLICY
        "TYPE": 1,  # POLICY: products made by crm.product.add are simple ones; free rows too
        "STORE_ID": None,
        "RESERVE_ID": None,
        "DATE_RESERVE_END": None,
        "RESERVE_QUANTITY": None,
    }
    row.update(values)
    if "ORIGINAL_PRODUCT_NAME" not in values:
        # POLICY: a free-form row's original name is its name.
        row["ORIGINAL_PRODUCT_NAME"] = row["PRODUCT_NAME"]
    if "PRICE_ACCOUNT" not in values:
        row["PRICE_ACCOUNT"] = f"{Decimal(str(row['PRICE'])):.8f}"
    return {
        key: Decimal(str(value))
        if value is not None and LEAD_ROW_KINDS[key].rstrip("?") in ("number", "integer")
        else value
        for key, value in row.items()
    }


def refused(
    api: Api, method: str, params: dict[str, Any], code: str, text: str, status: int = 400
) -> None:
    """The call answers ``status`` with the code and text, and writes nothing at all."""
    before = database_rows(api)
    assert api.error(method, params) == (status, {"error": code, "error_description": text}), (
        method,
        params,
    )
    assert database_rows(api) == before, (method, params)


def update_events(api: Api, lead_id: int) -> list[tuple[Any, ...]]:
    return [row for row in events(api) if row[:3] == ("ONCRMLEADUPDATE", "LEAD", lead_id)]


def call_directly(api: Api, method: str, params: dict[str, Any]) -> tuple[Any, str | None]:
    """A call through the dispatcher, as another request would make it (for threads)."""
    outcome = execute(api.runtime, method, Params(params), ADMIN)
    if outcome.error is not None:
        return None, f"{outcome.error.code}: {outcome.error.description}"
    return outcome.result, None


# -- the arithmetic of the test itself ----------------------------------------------------------


def test_the_tests_arithmetic_gives_the_three_worked_checks() -> None:
    """Checklist §9.3: the add, get and update examples of the item pages."""
    d = Decimal
    assert derive(d(80000), d(20), 2, d(20), d(0)) == Prices(
        d("66666.67"), d("83333.34"), d("100000.01"), d(20), d("16666.67")
    )
    assert derive(d("22175.328"), d(12), 2, d(40), d(0)) == Prices(
        d("19799.40"), d("32999.00"), d("36958.88"), d(40), d("13199.60")
    )
    assert derive(d(90000), d(10), 2, d(10), d(0)) == Prices(
        d("81818.18"), d("90909.09"), d("100000.00"), d(10), d("9090.91")
    )


# -- the documented examples --------------------------------------------------------------------


def test_the_set_example_sets_both_rows(api: Api) -> None:
    # crm-lead-productrows-set.md, cURL: product 456 becomes a product of this catalog.
    product_id = new_product(api, "Office chair", price=1000, measure=796)
    lead_id = new_lead(api)
    params = {
        "id": lead_id,
        "rows": [
            {
                "PRODUCT_ID": product_id,
                "PRICE": 1000,
                "QUANTITY": 10,
                "DISCOUNT_TYPE_ID": 1,
                "DISCOUNT_SUM": 100,
                "TAX_RATE": 13,
                "MEASURE_CODE": 796,
                "MEASURE_NAME": "pcs",
                "SORT": 10,
            },
            {
                "PRODUCT_NAME": "Product #2",
                "PRICE": 500,
                "QUANTITY": 5,
                "DISCOUNT_TYPE_ID": 2,
                "DISCOUNT_RATE": 10,
                "TAX_RATE": 10,
                "MEASURE_CODE": 166,
                "MEASURE_NAME": "kg",
                "SORT": 20,
            },
        ],
    }
    response = api.post("crm.lead.productrows.set", params)
    assert response.status_code == 200
    body = response.json()
    assert body["result"] is True
    assert {"start", "finish", "duration", "date_start", "date_finish"} <= set(body["time"])

    first, second = get_rows(api, lead_id)
    assert normal(first) == lead_row(
        first["ID"],
        lead_id,
        PRODUCT_ID=product_id,
        PRODUCT_NAME="Office chair",  # "the name will be taken from the product"
        ORIGINAL_PRODUCT_NAME="Office chair",
        PRICE=1000,
        PRICE_EXCLUSIVE="884.96",  # 1000 / 1.13
        PRICE_NETTO="984.96",  # + the discount of 100
        PRICE_BRUTTO="1113.00",  # 984.96 x 1.13 = 1113.0048
        QUANTITY=10,
        DISCOUNT_TYPE_ID=1,
        DISCOUNT_RATE="10.15",  # 100 / 984.96
        DISCOUNT_SUM=100,
        TAX_RATE=13,
        MEASURE_CODE=796,
        MEASURE_NAME="pcs",
        SORT=10,
    )
    assert normal(second) == lead_row(
        second["ID"],
        lead_id,
        PRODUCT_NAME="Product #2",
        PRICE=500,
        PRICE_EXCLUSIVE="454.55",  # 500 / 1.1
        PRICE_NETTO="505.06",  # 454.55 / 0.9
        PRICE_BRUTTO="555.57",  # 505.06 x 1.1
        QUANTITY=5,
        DISCOUNT_RATE=10,
        DISCOUNT_SUM="50.51",
        TAX_RATE=10,
        MEASURE_CODE=166,
        MEASURE_NAME="kg",
        SORT=20,
    )
    assert int(second["ID"]) > int(first["ID"])
    assert opportunity(api, lead_id) == "12500.00"  # 1000 x 10 + 500 x 5


def test_the_python_example_keeps_the_given_name_of_a_catalog_product(api: Api) -> None:
    # The Python tab: PRODUCT_ID and PRODUCT_NAME both given, TAX_INCLUDED "N" sent.
    product_id = new_product(api, "CRM License", price=1200)
    lead_id = new_lead(api)
    set_rows(
        api,
        lead_id,
        [
            {
                "PRODUCT_ID": product_id,
                "PRODUCT_NAME": "Enterprise CRM License",
                "PRICE": 1200.0,
                "QUANTITY": 12,
                "DISCOUNT_TYPE_ID": 1,
                "DISCOUNT_SUM": 150.0,
                "TAX_RATE": 20.0,
                "TAX_INCLUDED": "N",
                "MEASURE_CODE": 796,
                "MEASURE_NAME": "pcs",
                "SORT": 10,
            },
            {
                "PRODUCT_NAME": "Implementation Package",
                "PRICE": 5000.0,
                "QUANTITY": 1,
                "DISCOUNT_TYPE_ID": 2,
                "DISCOUNT_RATE": 10.0,
                "TAX_RATE": 20.0,
                "TAX_INCLUDED": "N",
                "MEASURE_CODE": 796,
                "MEASURE_NAME": "pcs",
                "SORT": 20,
            },
        ],
    )
    first, second = get_rows(api, lead_id)
    # POLICY: a given PRODUCT_NAME wins over the product's; ORIGINAL_PRODUCT_NAME ("name of
    # the product row in the catalog") stays the product's.
    assert normal(first) == lead_row(
        first["ID"],
        lead_id,
        PRODUCT_ID=product_id,
        PRODUCT_NAME="Enterprise CRM License",
        ORIGINAL_PRODUCT_NAME="CRM License",
        PRICE=1200,
        PRICE_EXCLUSIVE=1000,
        PRICE_NETTO=1150,
        PRICE_BRUTTO=1380,
        QUANTITY=12,
        DISCOUNT_TYPE_ID=1,
        DISCOUNT_RATE="13.04",  # 150 / 1150
        DISCOUNT_SUM=150,
        TAX_RATE=20,
        MEASURE_CODE=796,
        MEASURE_NAME="pcs",
        SORT=10,
    )
    assert normal(second) == lead_row(
        second["ID"],
        lead_id,
        PRODUCT_NAME="Implementation Package",
        PRICE=5000,
        PRICE_EXCLUSIVE="4166.67",
        PRICE_NETTO="4629.63",
        PRICE_BRUTTO="5555.56",
        DISCOUNT_RATE=10,
        DISCOUNT_SUM="462.96",
        TAX_RATE=20,
        MEASURE_CODE=796,
        MEASURE_NAME="pcs",
        SORT=20,
    )
    assert opportunity(api, lead_id) == "19400.00"


def test_the_get_example_comes_back_with_its_json_types(api: Api) -> None:
    # crm-lead-productrows-get.md: two catalog rows, the second with a description, 40 % off
    # and 12 % tax on top of a price of 22175.328.
    variation = new_product(api, "Product Variation #1", price=10, measure=796)
    product = new_product(
        api, "Product #2", price=32999, measure=796, DESCRIPTION="Detailed description"
    )
    lead_id = new_lead(api)
    set_rows(
        api,
        lead_id,
        [
            {"PRODUCT_ID": product, "PRICE": 22175.328, "QUANTITY": 1, "DISCOUNT_TYPE_ID": 2,
             "DISCOUNT_RATE": 40, "TAX_RATE": 12, "TAX_INCLUDED": "N", "SORT": 30},
            {"PRODUCT_ID": variation, "PRICE": 10, "QUANTITY": 1, "SORT": 10},
        ],
    )  # fmt: skip
    response = api.post("crm.lead.productrows.get", {"id": lead_id})
    assert response.status_code == 200
    rows = response.json()["result"]
    for row in rows:
        check_lead_row(row, lead_id)
    first, second = rows  # POLICY: ordered by SORT, then ID, as the example
    assert first == {
        "ID": first["ID"],
        "OWNER_ID": str(lead_id),
        "OWNER_TYPE": "L",
        "PRODUCT_ID": variation,
        "PRODUCT_NAME": "Product Variation #1",
        "ORIGINAL_PRODUCT_NAME": "Product Variation #1",
        "PRODUCT_DESCRIPTION": None,
        "PRICE": first["PRICE"],
        "PRICE_EXCLUSIVE": first["PRICE_EXCLUSIVE"],
        "PRICE_NETTO": first["PRICE_NETTO"],
        "PRICE_BRUTTO": first["PRICE_BRUTTO"],
        "PRICE_ACCOUNT": "10.00000000",
        "QUANTITY": first["QUANTITY"],
        "DISCOUNT_TYPE_ID": 2,
        "DISCOUNT_RATE": first["DISCOUNT_RATE"],
        "DISCOUNT_SUM": first["DISCOUNT_SUM"],
        "TAX_RATE": None,
        "TAX_INCLUDED": "N",
        "CUSTOMIZED": "Y",
        "MEASURE_CODE": 796,
        "MEASURE_NAME": "pcs",
        "SORT": 10,
        "XML_ID": "",
        "TYPE": 1,
        "STORE_ID": None,
        "RESERVE_ID": None,
        "DATE_RESERVE_END": None,
        "RESERVE_QUANTITY": None,
    }
    numbers = ("PRICE", "PRICE_EXCLUSIVE", "PRICE_NETTO", "PRICE_BRUTTO", "QUANTITY")
    assert [num(first[k]) for k in numbers] == [10, 10, 10, 10, 1]
    assert num(first["DISCOUNT_RATE"]) == num(first["DISCOUNT_SUM"]) == 0
    assert normal(second) == lead_row(
        second["ID"],
        lead_id,
        PRODUCT_ID=product,
        PRODUCT_NAME="Product #2",
        PRODUCT_DESCRIPTION="Detailed description",  # POLICY: the product's DESCRIPTION
        PRICE="22175.328",
        PRICE_EXCLUSIVE="19799.4",
        PRICE_NETTO="32999",
        PRICE_BRUTTO="36958.88",
        PRICE_ACCOUNT="22175.32800000",
        DISCOUNT_RATE=40,
        DISCOUNT_SUM="13199.6",
        TAX_RATE=12,
        MEASURE_CODE=796,
        MEASURE_NAME="pcs",
        SORT=30,
    )
    assert int(second["ID"]) < int(first["ID"])  # SORT first: the row set first comes last
    assert opportunity(api, lead_id) == "22185.33"  # 22175.33 + 10


# -- defaults -----------------------------------------------------------------------------------


def test_rows_take_the_documented_defaults(api: Api) -> None:
    product_id = new_product(api, "Widget", price=250, measure=166)
    lead_id = new_lead(api)
    set_rows(api, lead_id, [{"PRODUCT_ID": product_id}, {"PRODUCT_NAME": "Free text"}, {}])
    by_product, free, bare = get_rows(api, lead_id)  # SORT 0 each: in ID order
    # PRICE 0 (not the product's price), QUANTITY 1, DISCOUNT_TYPE_ID 2, DISCOUNT_RATE 0,
    # TAX_INCLUDED N, SORT 0; the name and the measure from the product.
    assert normal(by_product) == lead_row(
        by_product["ID"],
        lead_id,
        PRODUCT_ID=product_id,
        PRODUCT_NAME="Widget",
        MEASURE_CODE=166,
        MEASURE_NAME="kg",
    )
    # A free-form row: PRODUCT_ID 0, MEASURE_CODE 0, MEASURE_NAME "".
    assert normal(free) == lead_row(free["ID"], lead_id, PRODUCT_NAME="Free text")
    # Neither PRODUCT_ID nor PRODUCT_NAME: "[{id}]", the id of the created row.
    assert normal(bare) == lead_row(bare["ID"], lead_id, PRODUCT_NAME=f"[{bare['ID']}]")
    assert opportunity(api, lead_id) == "0.00"


def test_a_given_measure_wins_over_the_products(api: Api) -> None:
    product_id = new_product(api, "Cable", measure=796)
    lead_id = new_lead(api)
    set_rows(
        api,
        lead_id,
        [
            {"PRODUCT_ID": product_id, "MEASURE_CODE": 6, "MEASURE_NAME": "metre", "SORT": 1},
            # POLICY: a code without a name takes the known measure's name.
            {"PRODUCT_ID": product_id, "MEASURE_CODE": 6, "SORT": 2},
            {"PRODUCT_NAME": "Water", "MEASURE_CODE": 112, "SORT": 3},
        ],
    )
    rows = get_rows(api, lead_id)
    assert [(r["MEASURE_CODE"], r["MEASURE_NAME"]) for r in rows] == [
        (6, "metre"),
        (6, "m"),
        (112, "l"),
    ]


def test_prices_and_discounts_that_are_derived_are_not_taken_from_the_input(api: Api) -> None:
    # POLICY: PRICE_EXCLUSIVE, PRICE_NETTO and PRICE_BRUTTO (listed as inputs on the set page
    # without a meaning) are always derived from PRICE; so is DISCOUNT_SUM of a percentage
    # row and DISCOUNT_RATE of an absolute one.
    lead_id = new_lead(api)
    set_rows(
        api,
        lead_id,
        [
            {"PRODUCT_NAME": "Percent", "PRICE": 100, "PRICE_EXCLUSIVE": 1, "PRICE_NETTO": 2,
             "PRICE_BRUTTO": 3, "DISCOUNT_TYPE_ID": 2, "DISCOUNT_RATE": 0, "DISCOUNT_SUM": 40,
             "SORT": 1},
            {"PRODUCT_NAME": "Absolute", "PRICE": 90, "DISCOUNT_TYPE_ID": 1, "DISCOUNT_SUM": 10,
             "DISCOUNT_RATE": 50, "SORT": 2},
        ],
    )  # fmt: skip
    percent, absolute = get_rows(api, lead_id)
    assert [num(percent[k]) for k in ("PRICE_EXCLUSIVE", "PRICE_NETTO", "PRICE_BRUTTO")] == [
        100,
        100,
        100,
    ]
    assert (num(percent["DISCOUNT_RATE"]), num(percent["DISCOUNT_SUM"])) == (0, 0)
    assert (num(absolute["PRICE_NETTO"]), num(absolute["DISCOUNT_RATE"])) == (100, 10)


def test_a_full_percentage_discount_takes_the_given_sum(api: Api) -> None:
    # The set page: a rate of 100 % needs DISCOUNT_SUM, which then is the whole discount.
    lead_id = new_lead(api)
    set_rows(
        api,
        lead_id,
        [{"PRODUCT_NAME": "Gift", "PRICE": 0, "DISCOUNT_TYPE_ID": 2, "DISCOUNT_RATE": 100,
          "DISCOUNT_SUM": 50, "TAX_RATE": 10}],
    )  # fmt: skip
    (row,) = get_rows(api, lead_id)
    assert normal(row) == lead_row(
        row["ID"],
        lead_id,
        PRODUCT_NAME="Gift",
        PRICE_NETTO=50,
        PRICE_BRUTTO=55,
        DISCOUNT_RATE=100,
        DISCOUNT_SUM=50,
        TAX_RATE=10,
    )


# -- the price arithmetic (§9.3) ----------------------------------------------------------------


def test_the_three_worked_checks_of_the_checklist(api: Api) -> None:
    lead_id = new_lead(api)
    set_rows(
        api,
        lead_id,
        [
            {"PRODUCT_NAME": "A", "PRICE": 80000, "QUANTITY": 2, "DISCOUNT_TYPE_ID": 2,
             "DISCOUNT_RATE": 20, "TAX_RATE": 20, "TAX_INCLUDED": "Y", "SORT": 1},
            {"PRODUCT_NAME": "B", "PRICE": 22175.328, "QUANTITY": 1, "DISCOUNT_TYPE_ID": 2,
             "DISCOUNT_RATE": 40, "TAX_RATE": 12, "TAX_INCLUDED": "N", "SORT": 2},
            {"PRODUCT_NAME": "C", "PRICE": 90000, "QUANTITY": 3, "DISCOUNT_TYPE_ID": 2,
             "DISCOUNT_RATE": 10, "TAX_RATE": 10, "TAX_INCLUDED": "Y", "SORT": 3},
        ],
    )  # fmt: skip
    derived = [
        [num(row[k]) for k in ("PRICE_EXCLUSIVE", "PRICE_NETTO", "PRICE_BRUTTO", "DISCOUNT_SUM")]
        for row in get_rows(api, lead_id)
    ]
    d = Decimal
    assert derived == [
        [d("66666.67"), d("83333.34"), d("100000.01"), d("16666.67")],
        [d("19799.4"), d("32999"), d("36958.88"), d("13199.6")],
        [d("81818.18"), d("90909.09"), d("100000"), d("9090.91")],
    ]
    # 80000 x 2 + 22175.328 (22175.33) + 90000 x 3
    assert opportunity(api, lead_id) == "452175.33"


@dataclass(frozen=True)
class Draw:
    """One random row: what is sent, and how."""

    price: Decimal
    quantity: Decimal
    tax_rate: Decimal | None
    tax_included: str
    discount_type: int
    discount: Decimal  # the rate (type 2) or the sum (type 1)
    as_text: bool  # numbers sent as strings, the way form-encoded clients send them

    def sent(self, sort: int) -> dict[str, Any]:
        def number(value: Decimal) -> Any:
            return str(value) if self.as_text else wire(value)

        row: dict[str, Any] = {
            "PRODUCT_NAME": f"Row {sort}",
            "PRICE": number(self.price),
            "QUANTITY": number(self.quantity),
            "TAX_INCLUDED": self.tax_included,
            "DISCOUNT_TYPE_ID": self.discount_type,
            "SORT": sort,
        }
        if self.tax_rate is not None:
            row["TAX_RATE"] = number(self.tax_rate)
        row["DISCOUNT_RATE" if self.discount_type == 2 else "DISCOUNT_SUM"] = number(self.discount)
        return row

    def expected(self) -> Prices:
        if self.discount_type == 2:
            return derive(self.price, self.tax_rate, 2, self.discount, Decimal(0))
        return derive(self.price, self.tax_rate, 1, Decimal(0), self.discount)


def _cents(top: int) -> st.SearchStrategy[Decimal]:
    return st.integers(0, top).map(lambda n: Decimal(n).scaleb(-2))


DRAWS = st.builds(
    Draw,
    price=_cents(10_000_000),  # 0 to 100 000.00
    quantity=_cents(100_000),  # 0 to 1 000.00
    tax_rate=st.sampled_from([None, "0", "5", "7.5", "10", "12", "13", "18", "20", "21"]).map(
        lambda t: None if t is None else Decimal(t)
    ),
    tax_included=st.sampled_from(["Y", "N"]),
    discount_type=st.sampled_from([1, 2]),
    discount=_cents(9_999),  # a rate below 100 %, or a sum up to 99.99
    as_text=st.booleans(),
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(draws=st.lists(DRAWS, min_size=1, max_size=4))
def test_random_rows_price_as_the_decimal_arithmetic_says(api: Api, draws: list[Draw]) -> None:
    lead_id = new_lead(api)  # a fresh lead per example: the database is shared by examples
    set_rows(api, lead_id, [draw.sent(sort) for sort, draw in enumerate(draws, start=1)])
    rows = get_rows(api, lead_id)
    assert len(rows) == len(draws)
    for row, draw in zip(rows, draws, strict=True):
        want = draw.expected()
        got = {
            "PRICE": num(row["PRICE"]),
            "QUANTITY": num(row["QUANTITY"]),
            "TAX_RATE": None if row["TAX_RATE"] is None else num(row["TAX_RATE"]),
            "TAX_INCLUDED": row["TAX_INCLUDED"],
            "DISCOUNT_TYPE_ID": row["DISCOUNT_TYPE_ID"],
            "PRICE_EXCLUSIVE": num(row["PRICE_EXCLUSIVE"]),
            "PRICE_NETTO": num(row["PRICE_NETTO"]),
            "PRICE_BRUTTO": num(row["PRICE_BRUTTO"]),
            "DISCOUNT_RATE": num(row["DISCOUNT_RATE"]),
            "DISCOUNT_SUM": num(row["DISCOUNT_SUM"]),
        }
        assert got == {
            "PRICE": draw.price,
            "QUANTITY": draw.quantity,
            "TAX_RATE": draw.tax_rate,
            "TAX_INCLUDED": draw.tax_included,
            "DISCOUNT_TYPE_ID": draw.discount_type,
            "PRICE_EXCLUSIVE": want.exclusive,
            "PRICE_NETTO": want.netto,
            "PRICE_BRUTTO": want.brutto,
            "DISCOUNT_RATE": want.discount_rate,
            "DISCOUNT_SUM": want.discount_sum,
        }, draw
    total = sum((r2(draw.price * draw.quantity) for draw in draws), Decimal("0.00"))
    assert opportunity(api, lead_id) == money(total)


# -- replacing rows, the amount and the event record --------------------------------------------


def test_set_replaces_every_row(api: Api) -> None:
    lead_id = new_lead(api)
    set_rows(api, lead_id, [{"PRODUCT_NAME": "Old 1"}, {"PRODUCT_NAME": "Old 2"}])
    old_ids = {row["ID"] for row in get_rows(api, lead_id)}
    set_rows(api, lead_id, [{"PRODUCT_NAME": "New", "PRICE": 7}])
    (row,) = get_rows(api, lead_id)
    assert row["PRODUCT_NAME"] == "New"
    assert row["ID"] not in old_ids
    set_rows(api, lead_id, [])  # [EXT] an empty set clears the rows
    assert get_rows(api, lead_id) == []


def test_rows_of_one_lead_do_not_touch_another(api: Api) -> None:
    first, second = new_lead(api), new_lead(api)
    set_rows(api, first, [{"PRODUCT_NAME": "First's", "PRICE": 5}])
    set_rows(api, second, [{"PRODUCT_NAME": "Second's", "PRICE": 7}])
    set_rows(api, first, [])
    assert [r["PRODUCT_NAME"] for r in get_rows(api, second)] == ["Second's"]
    assert opportunity(api, second) == "7.00"


def test_what_get_answers_can_be_set_back_unchanged(api: Api) -> None:
    # POLICY: "creates or updates": a row with the ID of one of the lead's rows updates it and
    # keeps the ID; the read-only keys of get (OWNER_ID, PRICE_ACCOUNT, ...) are ignored.
    product_id = new_product(api, "Lamp", price=40, DESCRIPTION="Bright")
    lead_id = new_lead(api)
    set_rows(
        api,
        lead_id,
        [
            {"PRODUCT_ID": product_id, "PRICE": 44.5, "QUANTITY": 2, "TAX_RATE": 7.5,
             "DISCOUNT_TYPE_ID": 1, "DISCOUNT_SUM": 3, "SORT": 5},
            {"PRODUCT_NAME": "Service", "PRICE": 120, "DISCOUNT_RATE": 15, "SORT": 6},
        ],
    )  # fmt: skip
    rows = get_rows(api, lead_id)
    before = opportunity(api, lead_id)
    set_rows(api, lead_id, rows)
    assert get_rows(api, lead_id) == rows
    assert opportunity(api, lead_id) == before

    # A changed row keeps its ID; a row without ID is new.
    changed = {**rows[0], "QUANTITY": 3}
    set_rows(api, lead_id, [changed, {"PRODUCT_NAME": "Extra"}])
    # Rows come back by SORT: the new one (SORT 0) first.
    extra, kept = get_rows(api, lead_id)
    assert kept["ID"] == rows[0]["ID"]
    assert num(kept["QUANTITY"]) == 3
    assert extra["ID"] not in {r["ID"] for r in rows}


def test_an_id_of_another_leads_row_makes_a_new_row(api: Api) -> None:
    # POLICY: the ID of a row of another lead (or of no row) is ignored: the row is new, and
    # the other lead's row stays where it is.
    other = new_lead(api)
    set_rows(api, other, [{"PRODUCT_NAME": "Theirs", "PRICE": 3}])
    (theirs,) = get_rows(api, other)
    lead_id = new_lead(api)
    set_rows(
        api,
        lead_id,
        [
            {"ID": theirs["ID"], "PRODUCT_NAME": "Mine", "PRICE": 4, "SORT": 1},
            {"ID": UNKNOWN, "PRODUCT_NAME": "Also mine", "SORT": 2},
        ],
    )
    mine, also = get_rows(api, lead_id)
    assert mine["ID"] != theirs["ID"]
    assert also["ID"] != str(UNKNOWN)
    assert (mine["PRODUCT_NAME"], also["PRODUCT_NAME"]) == ("Mine", "Also mine")
    assert get_rows(api, other) == [theirs]


def test_the_amount_follows_the_rows_when_it_is_not_manual(api: Api) -> None:
    # POLICY (§9.3 [EXT]): with IS_MANUAL_OPPORTUNITY N, OPPORTUNITY becomes the sum of
    # round(PRICE x QUANTITY, 2) after every rows change, 0.00 when the last row goes.
    lead_id = new_lead(api, OPPORTUNITY=500)
    assert api.call("crm.lead.get", {"id": lead_id})["IS_MANUAL_OPPORTUNITY"] == "N"
    set_rows(api, lead_id, [])  # no rows before or after: nothing to recompute
    assert opportunity(api, lead_id) == "500.00"
    set_rows(
        api,
        lead_id,
        [
            {"PRODUCT_NAME": "A", "PRICE": 19.99, "QUANTITY": 3},
            {"PRODUCT_NAME": "B", "PRICE": 0.125, "QUANTITY": 1},  # 0.125 → 0.13
            {"PRODUCT_NAME": "C", "PRICE": 10, "QUANTITY": 0.333},  # 3.33
        ],
    )
    assert opportunity(api, lead_id) == "63.43"  # 59.97 + 0.13 + 3.33
    assert opportunity(api, lead_id) == money(amount(get_rows(api, lead_id)))
    set_rows(api, lead_id, [{"PRODUCT_NAME": "D", "PRICE": 1000, "QUANTITY": 2}])
    assert opportunity(api, lead_id) == "2000.00"
    api.call("crm.lead.update", {"id": lead_id, "fields": {"TITLE": "Renamed"}})
    assert opportunity(api, lead_id) == "2000.00"
    set_rows(api, lead_id, [])
    assert opportunity(api, lead_id) == "0.00"


def test_a_manual_amount_stays_as_set(api: Api) -> None:
    lead_id = new_lead(api, OPPORTUNITY=5000, IS_MANUAL_OPPORTUNITY="Y")
    set_rows(api, lead_id, [{"PRODUCT_NAME": "A", "PRICE": 19.99, "QUANTITY": 3}])
    assert opportunity(api, lead_id) == "5000.00"
    set_rows(api, lead_id, [])
    assert opportunity(api, lead_id) == "5000.00"
    lead = api.call("crm.lead.get", {"id": lead_id})
    assert (lead["OPPORTUNITY"], lead["IS_MANUAL_OPPORTUNITY"]) == ("5000.00", "Y")


def test_the_amount_of_a_lead_in_another_currency_is_in_that_currency(api: Api) -> None:
    # Rows are priced in the lead's currency: no conversion of the amount.
    lead_id = new_lead(api, CURRENCY_ID="EUR")
    set_rows(api, lead_id, [{"PRODUCT_NAME": "Euro", "PRICE": 12.5, "QUANTITY": 4}])
    lead = api.call("crm.lead.get", {"id": lead_id})
    assert (lead["OPPORTUNITY"], lead["CURRENCY_ID"]) == ("50.00", "EUR")


def test_each_set_records_one_lead_update_by_the_caller(api: Api) -> None:
    # POLICY (§9.3 [EXT]): a set records exactly one ONCRMLEADUPDATE for the lead, by the
    # acting user; get records nothing, nor does a refused set.
    user_id, prefix = api.new_webhook(scopes=["crm"], name="Seller")
    seller = api.as_user(prefix)
    lead_id = new_lead(api)
    for rows in ([{"PRODUCT_NAME": "A", "PRICE": 1}], [{"PRODUCT_NAME": "B"}], []):
        before = events(api)
        assert seller.call("crm.lead.productrows.set", {"id": lead_id, "rows": rows}) is True
        assert events(api)[len(before) :] == [lead_event("ONCRMLEADUPDATE", lead_id, user_id)]
    before = events(api)
    seller.call("crm.lead.productrows.get", {"id": lead_id})
    seller.error("crm.lead.productrows.set", {"id": lead_id, "rows": "x"})
    seller.error("crm.lead.productrows.set", {"id": lead_id, "rows": [{"DISCOUNT_TYPE_ID": 1}]})
    assert events(api) == before


def test_deleting_the_lead_deletes_its_rows(api: Api) -> None:
    lead_id = new_lead(api)
    keeper = new_lead(api)
    set_rows(api, lead_id, [{"PRODUCT_NAME": "Gone 1"}, {"PRODUCT_NAME": "Gone 2"}])
    set_rows(api, keeper, [{"PRODUCT_NAME": "Kept"}])
    ids = [int(row["ID"]) for row in get_rows(api, lead_id)]
    assert api.call("crm.lead.delete", {"id": lead_id}) is True
    for row_id in ids:
        assert api.error("crm.item.productrow.get", {"id": row_id}) == (
            400,
            {"error": "NOT_FOUND", "error_description": "Item not found"},
        )
    assert api.error("crm.lead.productrows.get", {"id": lead_id}) == (
        400,
        {"error": "", "error_description": NOT_FOUND},
    )
    assert [r["PRODUCT_NAME"] for r in get_rows(api, keeper)] == ["Kept"]


# -- encodings ----------------------------------------------------------------------------------


def test_a_form_body_sets_the_same_rows_as_json(api: Api) -> None:
    product_id = new_product(api, "Form product", measure=166)
    rows = [
        {"PRODUCT_ID": product_id, "PRICE": 12.34, "QUANTITY": 2.5, "DISCOUNT_TYPE_ID": 1,
         "DISCOUNT_SUM": 1.5, "TAX_RATE": 20, "TAX_INCLUDED": "Y", "SORT": 10},
        {"PRODUCT_NAME": "Free", "PRICE": 3, "DISCOUNT_TYPE_ID": 2, "DISCOUNT_RATE": 12.5,
         "SORT": 20},
    ]  # fmt: skip
    by_json = new_lead(api)
    set_rows(api, by_json, rows)
    by_form = new_lead(api)
    response = api.client.post(
        api.prefix + "crm.lead.productrows.set",
        data=dict(php_pairs({"id": by_form, "rows": rows})),
    )
    assert (response.status_code, response.json()["result"]) == (200, True)
    ignored = ("ID", "OWNER_ID")
    assert [{k: v for k, v in r.items() if k not in ignored} for r in get_rows(api, by_form)] == [
        {k: v for k, v in r.items() if k not in ignored} for r in get_rows(api, by_json)
    ]
    assert opportunity(api, by_form) == opportunity(api, by_json) == "33.85"  # 30.85 + 3


def test_ids_may_come_as_strings_and_params_in_upper_case(api: Api) -> None:
    lead_id = new_lead(api)
    assert (
        api.call("crm.lead.productrows.set", {"ID": str(lead_id), "ROWS": [{"PRICE": "2"}]}) is True
    )
    (row,) = api.call("crm.lead.productrows.get", {"ID": str(lead_id)})
    assert num(row["PRICE"]) == 2


# -- limits -------------------------------------------------------------------------------------


def test_the_most_rows_and_the_largest_quantity_are_taken(api: Api) -> None:
    lead_id = new_lead(api)
    rows = [{"PRODUCT_NAME": f"Row {n}", "PRICE": 1, "SORT": n} for n in range(MAX_ROWS)]
    set_rows(api, lead_id, rows)
    assert len(get_rows(api, lead_id)) == MAX_ROWS
    assert opportunity(api, lead_id) == "1000.00"
    set_rows(api, lead_id, [{"PRODUCT_NAME": "Bulk", "PRICE": 1, "QUANTITY": MAX_QUANTITY}])
    assert opportunity(api, lead_id) == "1000000000.00"
    set_rows(api, lead_id, [{"PRODUCT_NAME": "None at all", "PRICE": 5, "QUANTITY": 0}])
    assert opportunity(api, lead_id) == "0.00"


# -- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["crm.lead.productrows.get", "crm.lead.productrows.set"])
def test_a_missing_or_invalid_id_is_refused(api: Api, method: str) -> None:
    lead_id = new_lead(api)
    set_rows(api, lead_id, [{"PRODUCT_NAME": "Existing"}])
    rows: dict[str, Any] = {"rows": [{"PRODUCT_NAME": "X"}]} if method.endswith("set") else {}
    refused(api, method, rows, "", ID_INVALID)
    for bad in ("", 0, -1, "abc", 1.5, [lead_id], None, "1e2"):
        refused(api, method, {"id": bad, **rows}, "", ID_INVALID)
    for absent in (UNKNOWN, 2**31, 2**63):
        refused(api, method, {"id": absent, **rows}, "", NOT_FOUND)
    assert [r["PRODUCT_NAME"] for r in get_rows(api, lead_id)] == ["Existing"]


def test_rows_that_are_not_an_array_are_refused(api: Api) -> None:
    lead_id = new_lead(api)
    set_rows(api, lead_id, [{"PRODUCT_NAME": "Existing"}])
    refused(api, "crm.lead.productrows.set", {"id": lead_id}, "", ROWS_NOT_ARRAY)
    for bad in ("x", 5, None, True):
        refused(api, "crm.lead.productrows.set", {"id": lead_id, "rows": bad}, "", ROWS_NOT_ARRAY)
    # POLICY: a row that is not an object gets the same text.
    for bad in ([1], ["x"], [{"PRODUCT_NAME": "Fine"}, [1, 2]], [None]):
        refused(api, "crm.lead.productrows.set", {"id": lead_id, "rows": bad}, "", ROWS_NOT_ARRAY)
    assert [r["PRODUCT_NAME"] for r in get_rows(api, lead_id)] == ["Existing"]


def test_more_rows_than_the_cap_are_refused(api: Api) -> None:
    # POLICY: at most 1000 rows per lead set.
    lead_id = new_lead(api)
    rows = [{"PRODUCT_NAME": f"Row {n}"} for n in range(MAX_ROWS + 1)]
    refused(api, "crm.lead.productrows.set", {"id": lead_id, "rows": rows}, "", TOO_MANY_ROWS)


def row_faults(product_id: int) -> list[tuple[dict[str, Any], str]]:
    """Rows with exactly one fault, and the ERROR_CORE text each answers."""
    return [
        # The three documented discount rules (the type sent explicitly).
        ({"PRODUCT_NAME": "P", "PRICE": 10, "DISCOUNT_TYPE_ID": 2}, RATE_REQUIRED),
        ({"PRODUCT_NAME": "P", "DISCOUNT_TYPE_ID": 2, "DISCOUNT_SUM": 5}, RATE_REQUIRED),
        ({"PRODUCT_NAME": "P", "DISCOUNT_TYPE_ID": 2, "DISCOUNT_RATE": 100}, SUM_REQUIRED_AT_100),
        (
            {"PRODUCT_NAME": "P", "DISCOUNT_TYPE_ID": "2", "DISCOUNT_RATE": "100"},
            SUM_REQUIRED_AT_100,
        ),
        ({"PRODUCT_NAME": "P", "PRICE": 10, "DISCOUNT_TYPE_ID": 1}, SUM_REQUIRED),
        ({"PRODUCT_NAME": "P", "DISCOUNT_TYPE_ID": 1, "DISCOUNT_RATE": 5}, SUM_REQUIRED),
        # POLICY texts below, worded as leadcrm's other field errors.
        (
            {"PRODUCT_NAME": "P", "DISCOUNT_TYPE_ID": 3, "DISCOUNT_RATE": 5},
            "The field Discount Type (DISCOUNT_TYPE_ID) has an unknown value '3'.<br>",
        ),
        (
            {"PRODUCT_NAME": "P", "DISCOUNT_TYPE_ID": 0},
            "The field Discount Type (DISCOUNT_TYPE_ID) has an unknown value '0'.<br>",
        ),
        (
            {"PRODUCT_ID": UNKNOWN, "PRICE": 10},
            f"The field Product (PRODUCT_ID) has an unknown value '{UNKNOWN}'.<br>",
        ),
        ({"PRODUCT_ID": product_id, "QUANTITY": -1}, QUANTITY_RANGE),
        ({"PRODUCT_NAME": "P", "QUANTITY": -0.01}, QUANTITY_RANGE),
        ({"PRODUCT_NAME": "P", "QUANTITY": MAX_QUANTITY + 1}, QUANTITY_RANGE),
        ({"PRODUCT_NAME": "P", "QUANTITY": 1e300}, QUANTITY_RANGE),
        (
            {"PRODUCT_NAME": "P", "QUANTITY": "lots"},
            "The field Quantity (QUANTITY) is invalid: a number is expected.<br>",
        ),
        (
            {"PRODUCT_NAME": "P", "PRICE": "abc"},
            "The field Price (PRICE) is invalid: a number is expected.<br>",
        ),
        (
            {"PRODUCT_NAME": "P", "PRICE": [1]},
            "The field Price (PRICE) is invalid: a number is expected.<br>",
        ),
        # POLICY: an amount the lead cannot hold (10^15 or more) is refused, never a 500.
        ({"PRODUCT_NAME": "P", "PRICE": 10**14, "QUANTITY": 10}, AMOUNT_RANGE),
    ]


def test_a_faulty_row_is_refused_with_its_text_and_nothing_is_written(api: Api) -> None:
    product_id = new_product(api, "Real")
    lead_id = new_lead(api)
    set_rows(api, lead_id, [{"PRODUCT_NAME": "Existing", "PRICE": 3}])
    for fault, text in row_faults(product_id):
        for rows in ([fault], [{"PRODUCT_NAME": "Fine", "PRICE": 1}, fault]):
            params = {"id": lead_id, "rows": rows}
            refused(api, "crm.lead.productrows.set", params, "ERROR_CORE", text)
    assert [r["PRODUCT_NAME"] for r in get_rows(api, lead_id)] == ["Existing"]
    assert opportunity(api, lead_id) == "3.00"


def test_the_amount_cap_holds_for_a_manual_amount_too(api: Api) -> None:
    lead_id = new_lead(api, OPPORTUNITY=1, IS_MANUAL_OPPORTUNITY="Y")
    rows = [{"PRODUCT_NAME": f"Big {n}", "PRICE": 4 * 10**14} for n in range(3)]
    refused(
        api, "crm.lead.productrows.set", {"id": lead_id, "rows": rows}, "ERROR_CORE", AMOUNT_RANGE
    )


def test_a_webhook_without_the_crm_scope_is_refused(api: Api) -> None:
    lead_id = new_lead(api)
    _, prefix = api.new_webhook(scopes=["user"], name="Outsider")
    outsider = api.as_user(prefix)
    before = database_rows(api)
    for method, params in (
        ("crm.lead.productrows.get", {"id": lead_id}),
        ("crm.lead.productrows.set", {"id": lead_id, "rows": [{"PRODUCT_NAME": "X"}]}),
    ):
        assert outsider.error(method, params) == (403, INSUFFICIENT_SCOPE)
    assert database_rows(api) == before


# -- concurrency --------------------------------------------------------------------------------

THREADS = 4
ROUNDS = 8


def race_rows(thread: int, round_: int) -> list[dict[str, Any]]:
    """The row set one call writes: its label in every name, 1 to 4 rows."""
    size = 1 + (thread + round_) % 4
    return [
        {"PRODUCT_NAME": f"T{thread}R{round_}#{n}", "PRICE": 10 * thread + round_ + n,
         "QUANTITY": n + 1, "SORT": n}
        for n in range(size)
    ]  # fmt: skip


def whole_set(rows: list[dict[str, Any]]) -> str | None:
    """The label of the one set ``rows`` is, or None when the rows mix sets (or none at all)."""
    labels = {str(row["PRODUCT_NAME"]).split("#")[0] for row in rows}
    if len(labels) != 1:
        return None
    (label,) = labels
    thread, round_ = (int(part) for part in label[1:].split("R"))
    sent = race_rows(thread, round_)
    # Read through the dispatcher, the values may not be JSON numbers yet.
    got = [(r["PRODUCT_NAME"], Decimal(str(r["PRICE"])), Decimal(str(r["QUANTITY"]))) for r in rows]
    want = [(r["PRODUCT_NAME"], Decimal(r["PRICE"]), Decimal(r["QUANTITY"])) for r in sent]
    return label if got == want else None


def test_concurrent_sets_leave_exactly_one_of_the_sets(api: Api) -> None:
    lead_id = new_lead(api)
    errors: list[str] = []
    seen: list[list[dict[str, Any]]] = []
    done = threading.Event()

    def writer(thread: int) -> None:
        order = list(range(ROUNDS))
        random.Random(thread).shuffle(order)
        for round_ in order:
            params = {"id": lead_id, "rows": race_rows(thread, round_)}
            result, error = call_directly(api, "crm.lead.productrows.set", params)
            if error is not None or result is not True:
                errors.append(f"set: {error or result}")

    def reader() -> None:
        while not done.is_set():
            result, error = call_directly(api, "crm.lead.productrows.get", {"id": lead_id})
            if error is not None:
                errors.append(f"get: {error}")
            elif result:
                seen.append(result)

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    watcher = threading.Thread(target=reader)
    watcher.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    watcher.join()
    assert errors == []
    mixed = [rows for rows in seen if whole_set(rows) is None]
    assert mixed == []
    final = get_rows(api, lead_id)
    assert whole_set(final) is not None, final
    assert opportunity(api, lead_id) == money(amount(final))
    assert len(update_events(api, lead_id)) == THREADS * ROUNDS


def test_saving_a_lead_with_rows_keeps_the_amount_its_rows_make(api: Api) -> None:
    # POLICY: with IS_MANUAL_OPPORTUNITY N the amount is the rows', also when crm.lead.update
    # sends another; switching the mode back to N brings the rows' amount back.
    lead_id = new_lead(api)
    set_rows(api, lead_id, [{"PRODUCT_NAME": "Desk", "PRICE": 120.5, "QUANTITY": 2}])
    assert opportunity(api, lead_id) == "241.00"
    api.call("crm.lead.update", {"id": lead_id, "fields": {"OPPORTUNITY": 5}})
    assert opportunity(api, lead_id) == "241.00"
    update = {"IS_MANUAL_OPPORTUNITY": "Y", "OPPORTUNITY": 5}
    api.call("crm.lead.update", {"id": lead_id, "fields": update})
    assert opportunity(api, lead_id) == "5.00"
    api.call("crm.lead.update", {"id": lead_id, "fields": {"IS_MANUAL_OPPORTUNITY": "N"}})
    assert opportunity(api, lead_id) == "241.00"
    # A lead without rows keeps whatever amount it is given.
    bare = new_lead(api, OPPORTUNITY=77)
    api.call("crm.lead.update", {"id": bare, "fields": {"OPPORTUNITY": 78}})
    assert opportunity(api, bare) == "78.00"
