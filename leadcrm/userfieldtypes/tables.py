"""An application's custom field types."""

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from leadcrm.db.metadata import metadata

field_types = Table(
    "rest_userfield_type",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("app_id", Integer, ForeignKey("rest_app.id"), nullable=False),
    # The short code the app registered; the field type is rest_{app_id}_{code}.
    Column("code", String(50), nullable=False),
    Column("handler", Text, nullable=False),
    Column("title", String(255), nullable=False, server_default=""),
    Column("description", Text, nullable=False, server_default=""),
    Column("height", Integer, nullable=False, server_default="0"),
    Column("created_at", DateTime, nullable=False),
    # Unique across applications, as userfieldtype.add documents it.
    UniqueConstraint("code", name="uq_rest_userfield_type_code"),
    sqlite_autoincrement=True,
)
