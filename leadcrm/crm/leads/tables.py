"""The lead table, derived from the lead catalogue, and the lead's contact bindings."""

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, Table, false

from leadcrm.crm.leads.fields import LEAD_FIELDS
from leadcrm.db.metadata import metadata

leads = LEAD_FIELDS.table(
    "crm_lead",
    # A stage's leads newest first, the id breaking ties: read in index order, never sorted.
    Index("ix_crm_lead_status_date_create_id", "status_id", "date_create", "id"),
    # A stage's leads above an amount, counted from the index alone.
    Index("ix_crm_lead_status_opportunity", "status_id", "opportunity"),
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
