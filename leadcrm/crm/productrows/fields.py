"""A product row's fields, described once: crm.lead.productrows.* reads them by these
upper-case names, crm.item.productrow.* by their camelCase forms (``item_catalogue``).

Titles are the ones crm.item.productrow.fields documents; the order is the order of
crm.lead.productrows.get's example.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from leadcrm.catalogue import Catalogue
from leadcrm.catalogue.kinds import (
    COUNT,
    FLAG,
    INTEGER,
    STRING,
    TEXT,
    DateTimeKind,
    DecimalKind,
    Scaled,
)
from leadcrm.crm.entities.fieldsets import read_only, stored


class ReserveEndKind(DateTimeKind):
    """Reservations are not built: the end of one is always null, as the example shows."""

    def render(self, value: Any, zone: ZoneInfo) -> object:
        return None if value is None else super().render(value, zone)


PRICE = DecimalKind(Scaled.LIMIT)
QUANTITY = DecimalKind(Decimal(10) ** 9, negative=False)
RATE = DecimalKind(Decimal(100), negative=False)


_f = stored
_ro = read_only


ROW_FIELDS = Catalogue(
    "PRODUCT_ROW",
    [
        _ro("ID", "integer", INTEGER, "ID", always_set=True),
        _f("OWNER_ID", "integer", INTEGER, "Owner ID", required=True, immutable=True),
        _f("OWNER_TYPE", "string", STRING, "Owner Type", required=True, immutable=True),
        _f("PRODUCT_ID", "integer", COUNT, "Product", required=True, always_set=True),
        _f("PRODUCT_NAME", "string", STRING, "Product Name", always_set=True),
        _ro("ORIGINAL_PRODUCT_NAME", "string", STRING, "Original Product Name"),
        _ro("PRODUCT_DESCRIPTION", "string", TEXT, "Product Description"),
        _f("PRICE", "double", PRICE, "Price", always_set=True),
        _ro("PRICE_EXCLUSIVE", "double", PRICE, "Discounted price excluding tax", always_set=True),
        _ro("PRICE_NETTO", "double", PRICE, "PRICE_NETTO", always_set=True),
        _ro("PRICE_BRUTTO", "double", PRICE, "PRICE_BRUTTO", always_set=True),
        _ro("PRICE_ACCOUNT", "double", PRICE, "Price in the account currency", always_set=True),
        _f("QUANTITY", "double", QUANTITY, "Quantity", always_set=True),
        _f("DISCOUNT_TYPE_ID", "integer", COUNT, "Discount Type", always_set=True),
        _f("DISCOUNT_RATE", "double", RATE, "Discount Amount", always_set=True),
        _f("DISCOUNT_SUM", "double", PRICE, "Discount Total", always_set=True),
        _f("TAX_RATE", "double", RATE, "Tax"),
        _f("TAX_INCLUDED", "char", FLAG, "Tax included in price", always_set=True),
        _f("CUSTOMIZED", "char", FLAG, "Modified", always_set=True),
        _f("MEASURE_CODE", "integer", COUNT, "Unit of Measure Code", always_set=True),
        _f("MEASURE_NAME", "string", STRING, "Unit of Measure", always_set=True),
        _f("SORT", "integer", COUNT, "Sorting", always_set=True),
        _ro("XML_ID", "string", STRING, "External code", always_set=True),
        _ro("TYPE", "integer", COUNT, "TYPE", always_set=True),
        _ro("STORE_ID", "integer", COUNT, "STORE_ID"),
        _ro("RESERVE_ID", "integer", COUNT, "RESERVE_ID"),
        _ro("DATE_RESERVE_END", "datetime", ReserveEndKind(), "DATE_RESERVE_END"),
        _ro("RESERVE_QUANTITY", "double", QUANTITY, "RESERVE_QUANTITY"),
    ],
)

# crm.item.productrow.fields lists these, in this order; rows answer them and priceAccount,
# xmlId besides (the get example's order).
ITEM_FIELDS = (
    "ID", "OWNER_ID", "OWNER_TYPE", "PRODUCT_ID", "PRODUCT_NAME", "PRICE", "PRICE_EXCLUSIVE",
    "PRICE_NETTO", "PRICE_BRUTTO", "QUANTITY", "DISCOUNT_TYPE_ID", "DISCOUNT_RATE",
    "DISCOUNT_SUM", "TAX_RATE", "TAX_INCLUDED", "CUSTOMIZED", "MEASURE_CODE", "MEASURE_NAME",
    "SORT", "TYPE", "STORE_ID",
)  # fmt: skip
ITEM_ROW = (
    "ID", "OWNER_ID", "OWNER_TYPE", "PRODUCT_ID", "PRODUCT_NAME", "PRICE", "PRICE_ACCOUNT",
    "PRICE_EXCLUSIVE", "PRICE_NETTO", "PRICE_BRUTTO", "QUANTITY", "DISCOUNT_TYPE_ID",
    "DISCOUNT_RATE", "DISCOUNT_SUM", "TAX_RATE", "TAX_INCLUDED", "CUSTOMIZED", "MEASURE_CODE",
    "MEASURE_NAME", "SORT", "XML_ID", "TYPE", "STORE_ID",
)  # fmt: skip


def camel(name: str) -> str:
    """PRODUCT_ID -> productId."""
    first, *rest = name.lower().split("_")
    return first + "".join(part.capitalize() for part in rest)


def item_catalogue(names: tuple[str, ...]) -> Catalogue:
    """The fields ``names`` under their camelCase names, same columns and kinds."""
    upper = {f.name: f for f in ROW_FIELDS}
    return Catalogue("PRODUCT_ROW", [replace(upper[n], name=camel(n)) for n in names])


ITEM_DESCRIBED = item_catalogue(ITEM_FIELDS)
ITEM_FIELDS_CATALOGUE = item_catalogue(ITEM_ROW)
