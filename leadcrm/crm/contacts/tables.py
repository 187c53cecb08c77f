"""The contact table, derived from its catalogue, and the contacts' company bindings."""

from sqlalchemy import Column

from leadcrm.crm.bindings.relation import relation
from leadcrm.crm.contacts.fields import CONTACT_FIELDS
from leadcrm.crm.userfields.storage import VALUES_COLUMN, values_type

contacts = CONTACT_FIELDS.table(
    "crm_contact",
    # Custom field values, keyed by field ID (see crm/userfields/storage.py).
    Column(VALUES_COLUMN, values_type(), nullable=True),
)

CONTACT_COMPANIES = relation(
    "crm_contact_company",
    owner_table=contacts,
    owner="contact_id",
    target="company_id",
    entities=("CONTACT", "COMPANY"),
)
