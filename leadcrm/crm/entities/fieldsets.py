"""Groups of fields several CRM entities share, for their catalogues to include.

The docs title a few of them differently per entity ("Address (Line 2)" for contacts,
"Address (line 2)" for companies); the groups take those titles as arguments.
"""

from __future__ import annotations

from typing import Any

from leadcrm.catalogue import Field
from leadcrm.catalogue.kinds import DATETIME, FLAG, INTEGER, STRING, STRUCTURED, TEXT, Kind
from leadcrm.crm.multifields.service import filter_condition
from leadcrm.crm.multifields.types import TYPES


def stored(name: str, type_: str, kind: Kind, title: str, **options: Any) -> Field:
    """A field kept in a column of the same name."""
    return Field(name=name, type=type_, kind=kind, title=title, column=name.lower(), **options)


def read_only(name: str, type_: str, kind: Kind, title: str, **options: Any) -> Field:
    return stored(name, type_, kind, title, read_only=True, **options)


def multifields(entity_id: str) -> list[Field]:
    """PHONE, EMAIL, WEB, IM, LINK: rows of the multifield table, filterable by value."""
    return [
        Field(
            name=type_id,
            type="crm_multifield",
            kind=STRUCTURED,
            title=TYPES[type_id].title,
            multiple=True,
            in_star=False,
            sortable=False,
            condition=filter_condition(entity_id, type_id),
        )
        for type_id in TYPES
    ]


def bound_ids(name: str, type_: str, title: str) -> Field:
    """A list of bound entities' ids, kept as bindings rather than in a column."""
    return Field(
        name=name,
        type=type_,
        kind=STRUCTURED,
        title=title,
        multiple=True,
        in_star=False,
        filterable=False,
        sortable=False,
    )


_ADDRESS_PARTS = (
    ("_2", "Address (Line 2)"),
    ("_CITY", "City"),
    ("_POSTAL_CODE", "Postal Code"),
    ("_REGION", "Region"),
    ("_PROVINCE", "Province"),
    ("_COUNTRY", "Country"),
    ("_COUNTRY_CODE", "Country Code"),
)


def address(
    prefix: str = "ADDRESS",
    *,
    title: str = "Address",
    titles: dict[str, str] | None = None,
    location_title: str = "Location Address ID",
) -> list[Field]:
    """An address's lines, city, ... country code and location id; ``titles`` by suffix
    overrides the usual ones."""
    named = {suffix: text for suffix, text in _ADDRESS_PARTS} | (titles or {})
    return [
        stored(prefix, "string", TEXT, title),
        *(stored(prefix + suffix, "string", STRING, named[suffix]) for suffix, _ in _ADDRESS_PARTS),
        stored(f"{prefix}_LOC_ADDR_ID", "integer", INTEGER, location_title),
    ]


def utm(*, term_title: str = "Campaign Search Term") -> list[Field]:
    return [
        stored("UTM_SOURCE", "string", STRING, "Advertising System"),
        stored("UTM_MEDIUM", "string", STRING, "Traffic Type"),
        stored("UTM_CAMPAIGN", "string", STRING, "Campaign Identifier"),
        stored("UTM_CONTENT", "string", STRING, "Campaign Content"),
        stored("UTM_TERM", "string", STRING, term_title),
    ]


def origin(*, with_version: bool) -> list[Field]:
    fields = [
        stored("ORIGINATOR_ID", "string", STRING, "External Source"),
        stored("ORIGIN_ID", "string", STRING, "Identifier in External Source"),
    ]
    if with_version:
        fields.append(stored("ORIGIN_VERSION", "string", STRING, "Original Version"))
    return fields


def presence(
    phone: str = "Phone Set", email: str = "E-mail Set", open_line: str = "Open Line Set"
) -> list[Field]:
    """HAS_PHONE, HAS_EMAIL, HAS_IMOL: derived from the multifields on every save."""
    return [
        read_only("HAS_PHONE", "char", FLAG, phone, always_set=True),
        read_only("HAS_EMAIL", "char", FLAG, email, always_set=True),
        read_only("HAS_IMOL", "char", FLAG, open_line, always_set=True),
    ]


def authorship(*, responsible: str = "Responsible Person", lead: bool = False) -> list[Field]:
    """Who is responsible, who created and last changed it, and when. The lead's list
    orders by modification date too, so only the lead indexes it."""
    return [
        stored("ASSIGNED_BY_ID", "user", INTEGER, responsible, indexed=True, always_set=True),
        read_only("CREATED_BY_ID", "user", INTEGER, "Created By", always_set=True),
        read_only("MODIFY_BY_ID", "user", INTEGER, "Modified By", always_set=True),
        read_only(
            "DATE_CREATE", "datetime", DATETIME, "Creation Date", indexed=True, always_set=True
        ),
        read_only(
            "DATE_MODIFY", "datetime", DATETIME, "Modification Date", indexed=lead, always_set=True
        ),
    ]
