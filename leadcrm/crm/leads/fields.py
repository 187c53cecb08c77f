"""The lead's field catalogue: every system field of crm.lead.fields, described once.

The order is the order of crm.lead.get's documented answer; titles are the documented ones,
raw codes included where the docs show raw codes.
"""

from __future__ import annotations

from leadcrm.catalogue import Catalogue
from leadcrm.catalogue.kinds import CODE, DATE, DATETIME, FLAG, INTEGER, MONEY, STRING, TEXT
from leadcrm.crm.entities.fieldsets import (
    address,
    authorship,
    bound_ids,
    multifields,
    origin,
    presence,
    read_only,
    stored,
    utm,
)
from leadcrm.crm.multifields.types import TYPES

ENTITY_ID = "LEAD"
USER_FIELD_ENTITY = "CRM_LEAD"


_f = stored
_ro = read_only

SYSTEM_FIELDS = [
    _ro("ID", "integer", INTEGER, "ID", always_set=True),
    _f("TITLE", "string", STRING, "Lead Title"),
    _f("HONORIFIC", "crm_status", CODE, "Salutation", status_type="HONORIFIC"),
    _f("NAME", "string", STRING, "First Name"),
    _f("SECOND_NAME", "string", STRING, "Middle Name"),
    _f("LAST_NAME", "string", STRING, "Last Name"),
    _f("COMPANY_TITLE", "string", STRING, "Company Name"),
    _f(
        "COMPANY_ID",
        "crm_company",
        INTEGER,
        "Company",
        settings={"parentEntityTypeId": 4},
        indexed=True,
    ),
    _f("CONTACT_ID", "crm_contact", INTEGER, "Contact", deprecated=True),
    bound_ids("CONTACT_IDS", "crm_contact", "CONTACT_IDS"),
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
        default_first=True,
    ),
    _f("STATUS_DESCRIPTION", "string", TEXT, "Stage Description"),
    _f("POST", "string", STRING, "Position"),
    _f("COMMENTS", "string", TEXT, "Comments"),
    _f("CURRENCY_ID", "crm_currency", CODE, "Currency", always_set=True),
    _f("OPPORTUNITY", "double", MONEY, "Amount", indexed=True, always_set=True),
    _f("IS_MANUAL_OPPORTUNITY", "char", FLAG, "IS_MANUAL_OPPORTUNITY", always_set=True),
    *presence("Phone Provided", "Email Provided", "Open Line Assigned"),
    *authorship(responsible="Responsible User", lead=True),
    _ro("DATE_CLOSED", "datetime", DATETIME, "Closing Date"),
    _ro("STATUS_SEMANTIC_ID", "string", CODE, "Status Semantic", always_set=True),
    _f("OPENED", "char", FLAG, "Available to All", always_set=True),
    *origin(with_version=False),
    _ro("MOVED_BY_ID", "user", INTEGER, "MOVED_BY_ID", always_set=True),
    _ro("MOVED_TIME", "datetime", DATETIME, "MOVED_TIME", always_set=True),
    *address(),
    *utm(),
    _ro("LAST_ACTIVITY_BY", "user", INTEGER, "LAST_ACTIVITY_BY", always_set=True),
    _ro("LAST_ACTIVITY_TIME", "datetime", DATETIME, "LAST_ACTIVITY_TIME", always_set=True),
    *multifields(ENTITY_ID),
]

LEAD_FIELDS = Catalogue(ENTITY_ID, SYSTEM_FIELDS)
MULTIFIELD_NAMES = tuple(TYPES)
