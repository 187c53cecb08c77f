"""One product row as sent, completed: parsed by either API's names, the documented
defaults, what it takes from its product, the discount rules, and its derived prices.

Values are keyed by column, which both APIs' names map to; error texts use the names of the
API that was called (DISCOUNT_RATE or discountRate).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, select

from leadcrm.catalogue import Catalogue
from leadcrm.catalogue.kinds import Scaled
from leadcrm.crm.productrows.prices import ABSOLUTE, HUNDRED, PERCENTAGE, work_out
from leadcrm.crm.products.tables import products

# The common units (OKEI codes) a row's measure name is taken from; leadcrm keeps no
# measure directory (docs/compatibility.md).
MEASURES = {6: "m", 112: "l", 163: "g", 166: "kg", 796: "pcs"}
SIMPLE_PRODUCT = 1

DEFAULTS: dict[str, Any] = {
    "product_id": 0,
    "price": Decimal(0),
    "quantity": Decimal(1),
    "discount_type_id": PERCENTAGE,
    "discount_rate": Decimal(0),
    "discount_sum": Decimal(0),
    "tax_rate": None,
    "tax_included": False,
    "customized": True,
    "sort": 0,
}


class RowError(ValueError):
    """A row that cannot be saved; the text names fields by the called API's names."""


@dataclass(frozen=True, slots=True)
class Product:
    name: str
    description: str | None
    measure: int | None


def parse(
    raw: object, catalogue: Catalogue, zone: ZoneInfo, *, updatable: set[str] | None = None
) -> dict[str, Any]:
    """The writable values sent, by column. Unknown and read-only names are ignored, unless
    ``updatable`` is given: then a name outside it is refused (crm.item.productrow.update)."""
    if not isinstance(raw, Mapping):
        raise RowError("not a map")
    if updatable is not None:
        for key in raw:
            if str(key) not in updatable:
                raise RowError(f"The field '{key}' is unknown or not available for update.")
    accepted, errors = catalogue.parse_input(raw, zone, creating=True)
    if errors:
        raise RowError(errors[0])
    columns = {f.name: f.column for f in catalogue if f.column}
    return {columns[name]: value for name, value in accepted.items() if name in columns}


# Not locked: a product may be deleted while rows name it (they keep its id and the name
# they copied), and on PostgreSQL share locks taken by every set on the same popular
# products turn into contended multixacts.
_PRODUCTS = select(
    products.c.id, products.c.name, products.c.description, products.c.measure
).where(products.c.id.in_(bindparam("ids", expanding=True)))


def products_named(conn: Connection, rows: list[dict[str, Any]]) -> dict[int, Product]:
    """The products the rows name, as they are now."""
    ids = sorted({r["product_id"] for r in rows if r.get("product_id")})
    if not ids:
        return {}
    return {
        row.id: Product(row.name, row.description, row.measure)
        for row in conn.execute(_PRODUCTS, {"ids": ids})
    }


def complete(
    sent: Mapping[str, Any],
    *,
    catalogue: Catalogue,
    known: Mapping[int, Product],
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The row to store: ``current`` (an update's stored row) or the defaults, with what was
    sent, what the product gives and the derived prices."""
    name = {f.column: f.name for f in catalogue if f.column}
    title = {f.column: f.title for f in catalogue if f.column}
    row = {**DEFAULTS, **(current or {}), **sent}
    discount_type = row["discount_type_id"]
    if discount_type not in (ABSOLUTE, PERCENTAGE):
        raise RowError(
            f"The field {title['discount_type_id']} ({name['discount_type_id']}) "
            f"has an unknown value '{discount_type}'."
        )
    _check_discount(row, sent if current is None else row, name)
    product = known.get(row["product_id"]) if row["product_id"] else None
    if row["product_id"] and product is None:
        raise RowError(
            f"The field {title['product_id']} ({name['product_id']}) has an unknown value "
            f"'{row['product_id']}'."
        )
    named_anew = current is None or "product_id" in sent
    if product is not None and named_anew:
        # The product gives what the row does not say itself.
        if "product_name" not in sent:
            row["product_name"] = product.name
        row["original_product_name"] = product.name
        row["product_description"] = product.description
        if "measure_code" not in sent:
            row["measure_code"] = product.measure or 0
    elif product is None and (named_anew or "product_name" in sent):
        row["original_product_name"] = row.get("product_name")
        row["product_description"] = None
    # A row with neither a name nor a product is named after its id once it has one.
    row["product_name"] = row.get("product_name") or ""
    row["original_product_name"] = row.get("original_product_name") or row["product_name"]
    if row.get("measure_code") is None:
        row["measure_code"] = 0
    if "measure_name" not in sent and (named_anew or "measure_code" in sent):
        row["measure_name"] = MEASURES.get(row["measure_code"], "")
    prices = work_out(
        price=row["price"],
        tax_rate=row["tax_rate"],
        discount_type=discount_type,
        discount_rate=row["discount_rate"],
        discount_sum=row["discount_sum"],
    )
    if max(prices.netto.copy_abs(), prices.brutto.copy_abs()) > Scaled.LIMIT:
        raise RowError(
            f"The field {title['price']} ({name['price']}) is invalid: the price before the "
            "discount is too large."
        )
    row.update(
        price_exclusive=prices.exclusive,
        price_netto=prices.netto,
        price_brutto=prices.brutto,
        price_account=row["price"],
        discount_rate=prices.discount_rate,
        discount_sum=prices.discount_sum,
        xml_id=row.get("xml_id") or "",
        type=row.get("type") or SIMPLE_PRODUCT,
    )
    return row


def _check_discount(
    row: Mapping[str, Any], given: Mapping[str, Any], name: Mapping[str, str]
) -> None:
    """The set page's three rules, checked when the discount type was given."""
    if "discount_type_id" not in given:
        return
    kind, rate, amount = name["discount_type_id"], name["discount_rate"], name["discount_sum"]
    if row["discount_type_id"] == PERCENTAGE:
        if given.get("discount_rate") is None:
            raise RowError(
                f"Discount Rate ({rate}) is required if Percentage Discount Type ({kind}) "
                "is defined"
            )
        if given["discount_rate"] == HUNDRED and given.get("discount_sum") is None:
            raise RowError(
                f"Discount Sum ({amount}) is required if Percentage Discount Type ({kind}) "
                f"is defined and Discount Rate ({rate}) is 100%"
            )
    elif given.get("discount_sum") is None:
        raise RowError(
            f"Discount Sum ({amount}) is required if Monetary Discount Type ({kind}) is defined"
        )
