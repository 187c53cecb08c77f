"""The lead table, derived from the lead catalogue, and the lead's contact bindings."""

from sqlalchemy import Column, Index

from leadcrm.crm.bindings.relation import relation
from leadcrm.crm.leads.fields import LEAD_FIELDS
from leadcrm.crm.userfields.storage import VALUES_COLUMN, values_type

leads = LEAD_FIELDS.table(
    "crm_lead",
    # Custom field values, keyed by field ID (see crm/userfields/storage.py).
    Column(VALUES_COLUMN, values_type(), nullable=True),
    # A stage's leads newest first, the id breaking ties: read in index order, never sorted.
    # The amount rides along so that a filter on it, its count and a deep page's skipped rows
    # are read from the index alone. It is the only index leading with the stage, so SQLite
    # picks it without statistics (a second one, on stage and amount, made SQLite sort).
    Index(
        "ix_crm_lead_status_date_create_id_opportunity",
        "status_id",
        "date_create",
        "id",
        "opportunity",
    ),
)

LEAD_CONTACTS = relation(
    "crm_lead_contact",
    owner_table=leads,
    owner="lead_id",
    target="contact_id",
    entities=("LEAD", "CONTACT"),
)
lead_contacts = LEAD_CONTACTS.table
