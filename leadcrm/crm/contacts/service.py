"""The contact as an ``EntityKind``: nothing of its own beyond its fields and bindings.

Its COMPANY_IDS bind it to companies (COMPANY_ID is the primary one); deleting a contact
unbinds it from its leads and companies (crm/entities/service.py).
"""

from __future__ import annotations

from leadcrm.crm.contacts.fields import CONTACT_FIELDS, ENTITY_ID
from leadcrm.crm.contacts.tables import CONTACT_COMPANIES, contacts
from leadcrm.crm.contacts.userfields import CONTACT_OWNER
from leadcrm.crm.entities.kind import EntityKind, Link
from leadcrm.crm.entities.registry import register_kind

# The get example's order (its PHOTO, FACE_ID and PARENT_ID_* are not built).
GET_ORDER = (
    "ID", "POST", "COMMENTS", "HONORIFIC", "NAME", "SECOND_NAME", "LAST_NAME", "LEAD_ID",
    "TYPE_ID", "SOURCE_ID", "SOURCE_DESCRIPTION", "COMPANY_ID", "BIRTHDATE", "EXPORT",
    "HAS_PHONE", "HAS_EMAIL", "HAS_IMOL", "DATE_CREATE", "DATE_MODIFY", "ASSIGNED_BY_ID",
    "CREATED_BY_ID", "MODIFY_BY_ID", "OPENED", "ORIGINATOR_ID", "ORIGIN_ID", "ORIGIN_VERSION",
    "LAST_ACTIVITY_TIME", "ADDRESS", "ADDRESS_2", "ADDRESS_CITY", "ADDRESS_POSTAL_CODE",
    "ADDRESS_REGION", "ADDRESS_PROVINCE", "ADDRESS_COUNTRY", "ADDRESS_COUNTRY_CODE",
    "ADDRESS_LOC_ADDR_ID", "UTM_SOURCE", "UTM_MEDIUM", "UTM_CAMPAIGN", "UTM_CONTENT",
    "UTM_TERM", "LAST_ACTIVITY_BY",
)  # fmt: skip

CONTACT = register_kind(
    EntityKind(
        name=ENTITY_ID,
        catalogue=CONTACT_FIELDS,
        table=contacts,
        owner=CONTACT_OWNER,
        missing_on_update=("", "Contact is not found"),
        missing_on_delete=("ERROR_CORE", "Element not found"),
        required=(("NAME", "LAST_NAME"),),
        get_order=GET_ORDER,
        links=(Link(CONTACT_COMPANIES, many="COMPANY_IDS", primary="COMPANY_ID"),),
    )
)
