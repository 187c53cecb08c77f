"""The directory items table, derived from the directory item catalogue."""

from sqlalchemy import UniqueConstraint

from leadcrm.crm.statuses.fields import STATUS_FIELDS

statuses = STATUS_FIELDS.table(
    "b_crm_status",
    # A code is unique within its directory; the index also serves lookups by directory.
    UniqueConstraint("entity_id", "status_id"),
)
