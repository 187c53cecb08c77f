"""The contact table, derived from its catalogue, and the contacts' company bindings."""

from sqlalchemy import Column

from leadcrm.crm.bindings.relation import Relation, binding_table
from leadcrm.crm.contacts.fields import CONTACT_FIELDS
from leadcrm.crm.userfields.storage import VALUES_COLUMN, values_type

contacts = CONTACT_FIELDS.table(
    "crm_contact",
    # Custom field values, keyed by field ID (see crm/userfields/storage.py).
    Column(VALUES_COLUMN, values_type(), nullable=True),
)

contact_companies = binding_table(
    "crm_contact_company", owner="contact_id", owner_table="crm_contact", target="company_id"
)
CONTACT_COMPANIES = Relation(
    table=contact_companies,
    owner="contact_id",
    target="company_id",
    owner_table=contacts,
    primary_column="company_id",
    owner_entity="CONTACT",
    target_entity="COMPANY",
)
