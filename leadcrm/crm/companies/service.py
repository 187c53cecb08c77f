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
from leadcrm.crm.existence import register_existence_check, rows_of

COMPANY = register_kind(
    EntityKind(
        name=ENTITY_ID,
        catalogue=COMPANY_FIELDS,
        table=companies,
        owner=COMPANY_OWNER,
        missing="Company is not found",
        required=("TITLE",),
        links=(Link(CONTACT_COMPANIES, many="CONTACT_ID", reverse=True),),
    )
)
register_existence_check(ENTITY_ID, rows_of(companies))
