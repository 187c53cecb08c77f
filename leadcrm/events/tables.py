"""The event record: one row per change, the table event delivery reads from."""

from sqlalchemy import JSON, Column, Index, Integer, String, Table

from leadcrm.catalogue.kinds import Seconds
from leadcrm.db.metadata import metadata

event_records = Table(
    "event_record",
    metadata,
    Column("id", Integer, primary_key=True),
    # Upper case, as Bitrix24 sends it in a payload's `event`: ONCRMLEADADD.
    Column("event", String(100), nullable=False),
    Column("entity", String(50), nullable=False),
    Column("entity_id", Integer, nullable=False),
    Column("user_id", Integer, nullable=False),
    Column("created_at", Seconds(), nullable=False),
    # What the payload's data[FIELDS] carries beyond the ID (a custom field's name).
    Column("fields", JSON(none_as_null=True), nullable=True),
    Index("ix_event_record_event_id", "event", "id"),
    sqlite_autoincrement=True,
)
