"""The product's field catalogue, as crm.product.fields lists it.

The pages give types and titles only; which fields are read-only is ours (docs/compatibility.md).
Pictures and PROPERTY_* are not built.
"""

from __future__ import annotations

from leadcrm.catalogue import Catalogue
from leadcrm.catalogue.kinds import (
    DATETIME,
    FLAG,
    INTEGER,
    PRICE,
    STRING,
    TEXT,
    ChoiceKind,
    CodeKind,
)
from leadcrm.crm.entities.fieldsets import read_only, stored

ENTITY_ID = "PRODUCT"
USER_FIELD_ENTITY = "CRM_PRODUCT"
DESCRIPTION_TYPES = ChoiceKind("text", "html")

PRODUCT_FIELDS = Catalogue(
    ENTITY_ID,
    [
        read_only("ID", "integer", INTEGER, "Product identifier", always_set=True),
        stored("CATALOG_ID", "integer", INTEGER, "Catalog identifier", always_set=True),
        stored("PRICE", "double", PRICE, "Price", always_set=True),
        stored(
            "CURRENCY_ID",
            "string",
            CodeKind(),
            "Currency identifier",
            reference="crm_currency",
            always_set=True,
        ),
        stored("NAME", "string", STRING, "Name", required=True, indexed=True),
        stored("DESCRIPTION", "string", TEXT, "Description"),
        stored(
            "DESCRIPTION_TYPE", "string", DESCRIPTION_TYPES, "Description type", always_set=True
        ),
        stored("ACTIVE", "char", FLAG, "Active", always_set=True),
        stored("SECTION_ID", "integer", INTEGER, "Section identifier"),
        stored("SORT", "integer", INTEGER, "Sort order", always_set=True),
        stored("VAT_ID", "integer", INTEGER, "VAT rate identifier"),
        stored("VAT_INCLUDED", "char", FLAG, "VAT included in price", always_set=True),
        stored("MEASURE", "integer", INTEGER, "Unit of measure"),
        stored("XML_ID", "string", STRING, "External code"),
        read_only("DATE_CREATE", "datetime", DATETIME, "Product creation date", always_set=True),
        read_only(
            "TIMESTAMP_X", "datetime", DATETIME, "Product modification date", always_set=True
        ),
        read_only("MODIFIED_BY", "integer", INTEGER, "Modified by", always_set=True),
        read_only("CREATED_BY", "integer", INTEGER, "Created by", always_set=True),
    ],
)
