"""Placement handlers, one row per application, placement, handler URL and user."""

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from leadcrm.db.metadata import metadata

placements = Table(
    "rest_placement",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("app_id", Integer, ForeignKey("rest_app.id"), nullable=False),
    Column("placement", String(100), nullable=False),
    Column("handler", Text, nullable=False),
    # 0: every user; the CRM placements take no user of their own.
    Column("user_id", Integer, nullable=False, server_default="0"),
    Column("title", String(255), nullable=False, server_default=""),
    Column("description", Text, nullable=False, server_default=""),
    Column("group_name", String(255), nullable=False, server_default=""),
    Column("lang_all", JSON(none_as_null=True), nullable=False),
    Column("options", JSON(none_as_null=True), nullable=False),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("app_id", "placement", "handler", "user_id", name="uq_rest_placement_handler"),
    sqlite_autoincrement=True,
)
