"""Custom field definitions, enumeration items, and each entity's definitions version."""

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from leadcrm.crm.userfields.fields import ENUM_ITEM_FIELDS, USERFIELD_FIELDS
from leadcrm.db.metadata import metadata

user_fields = USERFIELD_FIELDS.table(
    "crm_userfield",
    # The five labels, each a map of language to text.
    Column("labels", JSON(none_as_null=True), nullable=False),
    UniqueConstraint("entity_id", "field_name", name="uq_crm_userfield_entity_name"),
)

enum_items = ENUM_ITEM_FIELDS.table(
    "crm_userfield_enum",
    Column("field_id", Integer, ForeignKey("crm_userfield.id", ondelete="CASCADE"), nullable=False),
    Column("xml_id", String(255), nullable=False),
    UniqueConstraint("field_id", "xml_id", name="uq_crm_userfield_enum_field_xml"),
    Index("ix_crm_userfield_enum_field_id", "field_id"),
)

# One row per entity: its definitions' version. A definition change bumps it (and so holds
# the row's lock until it commits); a process notices a changed version and reloads.
schema_versions = Table(
    "crm_userfield_schema",
    metadata,
    Column("entity_id", String(50), primary_key=True),
    Column("version", Integer, nullable=False),
)
