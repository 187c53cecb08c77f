"""Product rows, derived from their catalogue: every owner's rows in one table."""

from sqlalchemy import Index

from leadcrm.crm.productrows.fields import ROW_FIELDS

product_rows = ROW_FIELDS.table(
    "crm_product_row",
    # An owner's rows in the order they are answered in.
    Index("ix_crm_product_row_owner", "owner_type", "owner_id", "sort", "id"),
)
