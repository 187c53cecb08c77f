"""Stored card layouts: one row per entity type, card variant, scope and user."""

from sqlalchemy import JSON, Column, DateTime, Integer, String, Table, UniqueConstraint

from leadcrm.db.metadata import metadata

card_layouts = Table(
    "crm_card_layout",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entity_type_id", Integer, nullable=False),  # 1: lead
    # Cards of one entity type that are laid out apart (a lead's: 1 simple, 2 repeat).
    Column("variant", Integer, nullable=False),
    Column("scope", String(1), nullable=False),  # P personal, C common
    Column("user_id", Integer, nullable=False),  # 0 for the common layout
    # The sections exactly as `*.details.configuration.get` answers them. JSON rather than
    # JSONB on PostgreSQL: it keeps the keys of each element's `options` in the order sent.
    Column("sections", JSON(none_as_null=True), nullable=False),
    Column("updated_by_id", Integer, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint(
        "entity_type_id", "variant", "scope", "user_id", name="uq_crm_card_layout_key"
    ),
    sqlite_autoincrement=True,
)
