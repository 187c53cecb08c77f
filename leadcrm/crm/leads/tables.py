"""The lead table, derived from the lead catalogue, and the lead's contact bindings."""

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, Table, false

from leadcrm.crm.leads.fields import LEAD_FIELDS
from leadcrm.crm.userfields.storage import VALUES_COLUMN, values_type
from leadcrm.db.metadata import metadata

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

lead_contacts = Table(
    "crm_lead_contact",
    metadata,
    Column("lead_id", Integer, ForeignKey("crm_lead.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", Integer, primary_key=True),
    Column("sort", Integer, nullable=False),
    Column("is_primary", Boolean, nullable=False, server_default=false()),
    Index("ix_crm_lead_contact_contact", "contact_id"),
)
