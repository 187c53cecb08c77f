"""The contact's field catalogue, in the order of crm.contact.fields' documented answer.

PHOTO is left out until files on system fields exist (docs/compatibility.md).
"""

from __future__ import annotations

from leadcrm.catalogue import Catalogue
from leadcrm.catalogue.kinds import CODE, DATE, DATETIME, FLAG, INTEGER, STRING, TEXT
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

ENTITY_ID = "CONTACT"
USER_FIELD_ENTITY = "CRM_CONTACT"

CONTACT_FIELDS = Catalogue(
    ENTITY_ID,
    [
        read_only("ID", "integer", INTEGER, "ID", always_set=True),
        stored(
            "HONORIFIC",
            "crm_status",
            CODE,
            "Salutation",
            status_type="HONORIFIC",
            default_first=True,
        ),
        stored("NAME", "string", STRING, "First Name", required=True),
        stored("SECOND_NAME", "string", STRING, "Middle Name", required=True),
        stored("LAST_NAME", "string", STRING, "Last Name", required=True),
        stored("BIRTHDATE", "date", DATE, "Birthdate"),
        stored(
            "TYPE_ID",
            "crm_status",
            CODE,
            "Contact Type",
            status_type="CONTACT_TYPE",
            indexed=True,
            default_first=True,
        ),
        stored(
            "SOURCE_ID",
            "crm_status",
            CODE,
            "Source",
            status_type="SOURCE",
            default_first=True,
        ),
        stored("SOURCE_DESCRIPTION", "string", TEXT, "Additional Source Information"),
        stored("POST", "string", STRING, "Position"),
        *address(),
        stored("COMMENTS", "string", TEXT, "Comment"),
        stored("OPENED", "char", FLAG, "Available to All", always_set=True),
        stored("EXPORT", "char", FLAG, "Participates in Contact Export", always_set=True),
        *presence(),
        *authorship(),
        stored("COMPANY_ID", "crm_company", INTEGER, "Company", deprecated=True, indexed=True),
        bound_ids("COMPANY_IDS", "crm_company", "COMPANY_IDS"),
        read_only(
            "LEAD_ID", "crm_lead", INTEGER, "Lead", settings={"parentEntityTypeId": 1}, indexed=True
        ),
        *origin(with_version=True),
        *utm(term_title="Campaign Search Condition"),
        read_only("LAST_ACTIVITY_TIME", "datetime", DATETIME, "Last Activity", always_set=True),
        read_only("LAST_ACTIVITY_BY", "user", INTEGER, "Last Activity By", always_set=True),
        *multifields(ENTITY_ID),
    ],
)
