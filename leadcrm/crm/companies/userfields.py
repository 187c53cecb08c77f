"""The company as an owner of custom fields (CRM_COMPANY)."""

from __future__ import annotations

from leadcrm.crm.companies.fields import COMPANY_FIELDS, USER_FIELD_ENTITY
from leadcrm.crm.companies.tables import companies
from leadcrm.crm.userfields.owners import Owner, register_owner

COMPANY_OWNER = register_owner(
    Owner(
        entity_id=USER_FIELD_ENTITY,
        table=companies,
        base=COMPANY_FIELDS,
        event_prefix="ONCRMCOMPANY",
    )
)
