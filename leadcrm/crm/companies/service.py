"""The company as an ``EntityKind``.

Its CONTACT_ID lists the contacts bound to it: the contacts' company bindings seen from the
other end, so writing it binds and unbinds contacts (each keeps or gets its own primary).
"""

from __future__ import annotations

from leadcrm.crm.companies.fields import COMPANY_FIELDS, ENTITY_ID
from leadcrm.crm.companies.tables import companies
from leadcrm.crm.companies.userfields import COMPANY_OWNER
from leadcrm.crm.contacts.tables import CONTACT_COMPANIES
from leadcrm.crm.entities.kind import EntityKind, Link
from leadcrm.crm.entities.registry import register_kind

# The get example's order (its LOGO and PARENT_ID_* are not built).
GET_ORDER = (
    "ID", "COMPANY_TYPE", "TITLE", "LEAD_ID", "HAS_PHONE", "HAS_EMAIL", "HAS_IMOL",
    "ASSIGNED_BY_ID", "CREATED_BY_ID", "MODIFY_BY_ID", "BANKING_DETAILS", "INDUSTRY", "REVENUE",
    "CURRENCY_ID", "EMPLOYEES", "COMMENTS", "DATE_CREATE", "DATE_MODIFY", "OPENED",
    "IS_MY_COMPANY", "ORIGINATOR_ID", "ORIGIN_ID", "ORIGIN_VERSION", "ADDRESS", "ADDRESS_2",
    "ADDRESS_CITY", "ADDRESS_POSTAL_CODE", "ADDRESS_REGION", "ADDRESS_PROVINCE",
    "ADDRESS_COUNTRY", "ADDRESS_COUNTRY_CODE", "ADDRESS_LOC_ADDR_ID", "ADDRESS_LEGAL",
    "REG_ADDRESS", "REG_ADDRESS_2", "REG_ADDRESS_CITY", "REG_ADDRESS_POSTAL_CODE",
    "REG_ADDRESS_REGION", "REG_ADDRESS_PROVINCE", "REG_ADDRESS_COUNTRY",
    "REG_ADDRESS_COUNTRY_CODE", "REG_ADDRESS_LOC_ADDR_ID", "UTM_SOURCE", "UTM_MEDIUM",
    "UTM_CAMPAIGN", "UTM_CONTENT", "UTM_TERM", "LAST_ACTIVITY_BY", "LAST_ACTIVITY_TIME",
    "LAST_COMMUNICATION_TIME",
)  # fmt: skip

COMPANY = register_kind(
    EntityKind(
        name=ENTITY_ID,
        catalogue=COMPANY_FIELDS,
        table=companies,
        owner=COMPANY_OWNER,
        missing_on_update=("", "Company is not found"),
        missing_on_delete=("", "Company is not found"),
        required=(("TITLE",),),
        get_order=GET_ORDER,
        links=(Link(CONTACT_COMPANIES, many="CONTACT_ID", reverse=True),),
    )
)
