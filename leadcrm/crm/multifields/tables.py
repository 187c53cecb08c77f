"""One table for every entity's multifield rows, with a normalised value indexed for search."""

from sqlalchemy import Column, Index, Integer, String, Table, Text

from leadcrm.db.metadata import metadata

multifields = Table(
    "crm_field_multi",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entity_id", String(20), nullable=False),
    Column("element_id", Integer, nullable=False),
    Column("type_id", String(10), nullable=False),
    Column("value_type", String(20), nullable=False),
    Column("value", Text, nullable=False),
    Column("value_normalized", String(255), nullable=False),
    Index("ix_crm_field_multi_element", "entity_id", "element_id"),
    Index("ix_crm_field_multi_search", "entity_id", "type_id", "value_normalized"),
    sqlite_autoincrement=True,
)
