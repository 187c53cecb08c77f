"""Applications and their OAuth tokens. Secrets a client presents are kept only as hashes."""

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from leadcrm.db.metadata import metadata

apps = Table(
    "rest_app",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", String(64), nullable=False, unique=True),
    Column("client_secret_hash", String(64), nullable=False),
    Column("name", String(255), nullable=False),
    Column("handler_url", Text, nullable=False, server_default=""),
    Column("install_url", Text, nullable=False, server_default=""),
    Column("scopes", Text, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("installed", Boolean, nullable=False, server_default="0"),
    Column("installed_by", Integer, ForeignKey("b_user.id"), nullable=True),
    # Sent to the app with every event and install call, so it is kept readable: leadcrm
    # presents it, it never checks one presented to it.
    Column("application_token", String(64), nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("installed_at", DateTime, nullable=True),
    sqlite_autoincrement=True,
)

# Access tokens, refresh tokens and authorization codes. A grant is the chain of tokens that
# one authorization started; reusing a spent refresh token revokes the whole chain.
tokens = Table(
    "rest_app_token",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("app_id", Integer, ForeignKey("rest_app.id"), nullable=False),
    Column("user_id", Integer, ForeignKey("b_user.id"), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("grant_id", String(32), nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("used_at", DateTime, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Index("ix_rest_app_token_grant_id", "grant_id"),
    Index("ix_rest_app_token_app_id", "app_id"),
    sqlite_autoincrement=True,
)
