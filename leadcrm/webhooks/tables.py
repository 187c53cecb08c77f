"""Webhook credentials. Only a hash of each code is kept."""

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table, Text

from leadcrm.db.metadata import metadata

webhooks = Table(
    "rest_webhook",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("b_user.id"), nullable=False),
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("title", String(255), nullable=False, server_default=""),
    Column("scopes", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=True),
    Column("revoked_at", DateTime, nullable=True),
    sqlite_autoincrement=True,
)
