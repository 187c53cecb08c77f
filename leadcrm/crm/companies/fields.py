"""The company's field catalogue, in the order of crm.company.fields' documented answer.

LOGO is left out until files on system fields exist, PARENT_ID_* until smart processes do
(docs/compatibility.md).
"""

from __future__ import annotations

from leadcrm.catalogue import Catalogue
from leadcrm.catalogue.kinds import CODE, DATETIME, FLAG, INTEGER, NUMBER, STRING, TEXT
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

ENTITY_ID = "COMPANY"
USER_FIELD_ENTITY = "CRM_COMPANY"

_LEGAL = {
    suffix: f"Legal Address{text}"
    for suffix, text in (
        ("_2", " (line 2)"),
        ("_CITY", " City"),
        ("_POSTAL_CODE", " Postal Code"),
        ("_REGION", " Region"),
        ("_PROVINCE", " Province"),
        ("_COUNTRY", " Country"),
        ("_COUNTRY_CODE", " Country Code"),
    )
}

COMPANY_FIELDS = Catalogue(
    ENTITY_ID,
    [
        read_only("ID", "integer", INTEGER, "ID", always_set=True),
        stored("TITLE", "string", STRING, "Company Name", required=True, indexed=True),
        stored(
            "COMPANY_TYPE",
            "crm_status",
            CODE,
            "Company Type",
            status_type="COMPANY_TYPE",
            default_first=True,
        ),
        *address(title="Physical Address", titles={"_2": "Address (line 2)"}),
        stored("ADDRESS_LEGAL", "string", TEXT, "Legal Address"),
        *address(
            "REG_ADDRESS",
            title="Legal Address",
            titles=_LEGAL,
            location_title="Legal Address Location ID",
        ),
        stored("BANKING_DETAILS", "string", TEXT, "Banking Details"),
        stored(
            "INDUSTRY", "crm_status", CODE, "Industry", status_type="INDUSTRY", default_first=True
        ),
        stored(
            "EMPLOYEES",
            "crm_status",
            CODE,
            "Number of Employees",
            status_type="EMPLOYEES",
            default_first=True,
        ),
        stored("CURRENCY_ID", "crm_currency", CODE, "Currency", always_set=True),
        stored("REVENUE", "double", NUMBER, "Annual Revenue", always_set=True),
        stored("OPENED", "char", FLAG, "Available to Everyone", always_set=True),
        stored("COMMENTS", "string", TEXT, "Comment"),
        *presence(),
        stored("IS_MY_COMPANY", "char", FLAG, "My Company", always_set=True),
        *authorship(),
        bound_ids("CONTACT_ID", "crm_contact", "Contact"),
        read_only(
            "LEAD_ID", "crm_lead", INTEGER, "Lead", settings={"parentEntityTypeId": 1}, indexed=True
        ),
        *origin(with_version=True),
        *utm(),
        # Writable, as the fields page has it: imports carry their own activity history.
        stored("LAST_ACTIVITY_TIME", "datetime", DATETIME, "Last Activity Time", always_set=True),
        stored("LAST_ACTIVITY_BY", "user", INTEGER, "Last Activity Author", always_set=True),
        read_only("LAST_COMMUNICATION_TIME", "string", STRING, "Last Communication Date"),
        *multifields(ENTITY_ID),
    ],
)
