"""The lead as an owner of custom fields (CRM_LEAD): its table and catalogue."""

from __future__ import annotations

from leadcrm.crm.leads.fields import LEAD_FIELDS, USER_FIELD_ENTITY
from leadcrm.crm.leads.tables import leads
from leadcrm.crm.userfields.owners import Owner, register_owner

LEAD_OWNER = register_owner(
    Owner(entity_id=USER_FIELD_ENTITY, table=leads, base=LEAD_FIELDS, event_prefix="ONCRMLEAD")
)
