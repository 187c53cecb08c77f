"""Uploaded files, and the server's own secrets (the key that signs download links)."""

from sqlalchemy import Column, Integer, LargeBinary, String, Table

from leadcrm.catalogue.kinds import Seconds
from leadcrm.db.metadata import metadata

# The bytes live in the database, not on a disk, so that any server process can serve them.
files = Table(
    "crm_file",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("content_type", String(127), nullable=False),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("created_by_id", Integer, nullable=False),
    Column("created_at", Seconds(), nullable=False),  # naive UTC
    sqlite_autoincrement=True,
)

secrets = Table(
    "app_secret",
    metadata,
    Column("name", String(50), primary_key=True),
    Column("value", LargeBinary, nullable=False),
)
