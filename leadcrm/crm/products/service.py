"""The product as an ``EntityKind``: catalogue defaults, its own audit columns, and a price
that only changes together with its currency, as crm.product.update documents."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping

from leadcrm.crm.entities.kind import EntityKind, NewRecord, Writing, named_after_id
from leadcrm.crm.entities.registry import register_kind
from leadcrm.crm.products.fields import ENTITY_ID, PRODUCT_FIELDS
from leadcrm.crm.products.tables import products
from leadcrm.crm.products.userfields import PRODUCT_OWNER
from leadcrm.crm.references import References

# Bitrix24's own catalogue and sort defaults (an info block's).
DEFAULTS = {"catalog_id": 1, "sort": 500, "description_type": "text"}

GET_ORDER = (
    "ID", "CATALOG_ID", "PRICE", "CURRENCY_ID", "NAME", "DESCRIPTION", "DESCRIPTION_TYPE",
    "ACTIVE", "SECTION_ID", "SORT", "VAT_ID", "VAT_INCLUDED", "MEASURE", "XML_ID",
    "DATE_CREATE", "TIMESTAMP_X", "MODIFIED_BY", "CREATED_BY",
)  # fmt: skip


def _fill_new(
    row: dict[str, Any], new: NewRecord, references: References, writing: Writing, now: datetime
) -> None:
    for column, value in DEFAULTS.items():
        if row.get(column) is None:
            row[column] = value
    if "ACTIVE" not in new.accepted:
        row["active"] = True
    if row.get("section_id") == 0:  # the catalogue's root: no section
        row["section_id"] = None
    row.update(created_by=writing.user_id, modified_by=writing.user_id, timestamp_x=now)


def _fill_update(
    changes: dict[str, Any],
    current: RowMapping,
    sent: Mapping[str, Any],
    references: References,
    writing: Writing,
    now: datetime,
) -> None:
    # "It is mandatory to specify CURRENCY_ID to set the price."
    if "CURRENCY_ID" not in sent:
        changes.pop("price", None)
    if changes.get("section_id") == 0:
        changes["section_id"] = None
    changes.update(modified_by=writing.user_id, timestamp_x=now)


PRODUCT = register_kind(
    EntityKind(
        name=ENTITY_ID,
        catalogue=PRODUCT_FIELDS,
        table=products,
        owner=PRODUCT_OWNER,
        missing_on_update=("", "Product is not found"),
        missing_on_delete=("", "Product is not found"),
        required=(("NAME",),),
        get_order=GET_ORDER,
        admin_writes=True,
        fill_new=_fill_new,
        fill_update=_fill_update,
        # An info block element without an external code takes its id as one.
        after_add=named_after_id(products, "xml_id", "{}"),
    )
)
