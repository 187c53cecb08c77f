"""The lead's field catalogue: every system field of crm.lead.fields, described once.

The order is the order of crm.lead.get's documented answer; titles are the documented ones,
raw codes included where the docs show raw codes.
"""

from __future__ import annotations

from typing import Any

from leadcrm.catalogue import Catalogue, Field
from leadcrm.catalogue.kinds import (
    CODE,
    DATE,
    DATETIME,
    FLAG,
    INTEGER,
    MONEY,
    STRING,
    STRUCTURED,
    TEXT,
    Kind,
)
from leadcrm.crm.multifields.service import filter_condition
from leadcrm.crm.multifields.types import TYPES

ENTITY_ID = "LEAD"
USER_FIELD_ENTITY = "CRM_LEAD"


def _f(name: str, type_: str, kind: Kind, title: str, **options: Any) -> Field:
    return Field(name=name, type=type_, kind=kind, title=title, column=name.lower(), **options)


def _ro(name: str, type_: str, kind: Kind, title: str, **options: Any) -> Field:
    return _f(name, type_, kind, title, read_only=True, **options)


def _multifield(type_id: str) -> Field:
    return Field(
        name=type_id,
        type="crm_multifield",
        kind=STRUCTURED,
        title=TYPES[type_id].title,
        multiple=True,
        in_star=False,
        sortable=False,
        condition=filter_condition(ENTITY_ID, type_id),
    )


SYSTEM_FIELDS = [
    _ro("ID", "integer", INTEGER, "ID", always_set=True),
    _f("TITLE", "string", STRING, "Lead Title"),
    _f("HONORIFIC", "crm_status", CODE, "Salutation", status_type="HONORIFIC"),
    _f("NAME", "string", STRING, "First Name"),
    _f("SECOND_NAME", "string", STRING, "Middle Name"),
    _f("LAST_NAME", "string", STRING, "Last Name"),
    _f("COMPANY_TITLE", "string", STRING, "Company Name"),
    _f("COMPANY_ID", "crm_company", INTEGER, "Company", settings={"parentEntityTypeId": 4}),
    _f("CONTACT_ID", "crm_contact", INTEGER, "Contact", deprecated=True),
    Field(
        name="CONTACT_IDS",
        type="crm_contact",
        kind=STRUCTURED,
        title="CONTACT_IDS",
        multiple=True,
        in_star=False,
        filterable=False,
        sortable=False,
    ),
    _ro("IS_RETURN_CUSTOMER", "char", FLAG, "Returning Lead", always_set=True),
    _f("BIRTHDATE", "date", DATE, "Birthdate"),
    _f("SOURCE_ID", "crm_status", CODE, "Source", status_type="SOURCE", indexed=True),
    _f("SOURCE_DESCRIPTION", "string", TEXT, "Source Description"),
    _f(
        "STATUS_ID",
        "crm_status",
        CODE,
        "Stage",
        status_type="STATUS",
        indexed=True,
        always_set=True,
    ),
    _f("STATUS_DESCRIPTION", "string", TEXT, "Stage Description"),
    _f("POST", "string", STRING, "Position"),
    _f("COMMENTS", "string", TEXT, "Comments"),
    _f("CURRENCY_ID", "crm_currency", CODE, "Currency", always_set=True),
    _f("OPPORTUNITY", "double", MONEY, "Amount", indexed=True, always_set=True),
    _f("IS_MANUAL_OPPORTUNITY", "char", FLAG, "IS_MANUAL_OPPORTUNITY", always_set=True),
    _ro("HAS_PHONE", "char", FLAG, "Phone Provided", always_set=True),
    _ro("HAS_EMAIL", "char", FLAG, "Email Provided", always_set=True),
    _ro("HAS_IMOL", "char", FLAG, "Open Line Assigned", always_set=True),
    _f("ASSIGNED_BY_ID", "user", INTEGER, "Responsible User", indexed=True, always_set=True),
    _ro("CREATED_BY_ID", "user", INTEGER, "Created By", always_set=True),
    _ro("MODIFY_BY_ID", "user", INTEGER, "Modified By", always_set=True),
    _ro("DATE_CREATE", "datetime", DATETIME, "Creation Date", indexed=True, always_set=True),
    _ro("DATE_MODIFY", "datetime", DATETIME, "Modification Date", indexed=True, always_set=True),
    _ro("DATE_CLOSED", "datetime", DATETIME, "Closing Date"),
    _ro("STATUS_SEMANTIC_ID", "string", CODE, "Status Semantic", always_set=True),
    _f("OPENED", "char", FLAG, "Available to All", always_set=True),
    _f("ORIGINATOR_ID", "string", STRING, "External Source"),
    _f("ORIGIN_ID", "string", STRING, "Identifier in External Source"),
    _ro("MOVED_BY_ID", "user", INTEGER, "MOVED_BY_ID", always_set=True),
    _ro("MOVED_TIME", "datetime", DATETIME, "MOVED_TIME", always_set=True),
    _f("ADDRESS", "string", TEXT, "Address"),
    _f("ADDRESS_2", "string", STRING, "Address (Line 2)"),
    _f("ADDRESS_CITY", "string", STRING, "City"),
    _f("ADDRESS_POSTAL_CODE", "string", STRING, "Postal Code"),
    _f("ADDRESS_REGION", "string", STRING, "Region"),
    _f("ADDRESS_PROVINCE", "string", STRING, "Province"),
    _f("ADDRESS_COUNTRY", "string", STRING, "Country"),
    _f("ADDRESS_COUNTRY_CODE", "string", STRING, "Country Code"),
    _f("ADDRESS_LOC_ADDR_ID", "integer", INTEGER, "Location Address ID"),
    _f("UTM_SOURCE", "string", STRING, "Advertising System"),
    _f("UTM_MEDIUM", "string", STRING, "Traffic Type"),
    _f("UTM_CAMPAIGN", "string", STRING, "Campaign Identifier"),
    _f("UTM_CONTENT", "string", STRING, "Campaign Content"),
    _f("UTM_TERM", "string", STRING, "Campaign Search Term"),
    _ro("LAST_ACTIVITY_BY", "user", INTEGER, "LAST_ACTIVITY_BY", always_set=True),
    _ro("LAST_ACTIVITY_TIME", "datetime", DATETIME, "LAST_ACTIVITY_TIME", always_set=True),
    *(_multifield(type_id) for type_id in TYPES),
]

LEAD_FIELDS = Catalogue(ENTITY_ID, SYSTEM_FIELDS)
MULTIFIELD_NAMES = tuple(TYPES)
