"""The contact as an owner of custom fields (CRM_CONTACT)."""

from __future__ import annotations

from leadcrm.crm.contacts.fields import CONTACT_FIELDS, USER_FIELD_ENTITY
from leadcrm.crm.contacts.tables import contacts
from leadcrm.crm.userfields.owners import Owner, register_owner

CONTACT_OWNER = register_owner(
    Owner(
        entity_id=USER_FIELD_ENTITY,
        table=contacts,
        base=CONTACT_FIELDS,
        event_prefix="ONCRMCONTACT",
    )
)
