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
from leadcrm.crm.existence import register_existence_check, rows_of

CONTACT = register_kind(
    EntityKind(
        name=ENTITY_ID,
        catalogue=CONTACT_FIELDS,
        table=contacts,
        owner=CONTACT_OWNER,
        missing="Contact is not found",
        links=(Link(CONTACT_COMPANIES, many="COMPANY_IDS", primary="COMPANY_ID"),),
    )
)
register_existence_check(ENTITY_ID, rows_of(contacts))
