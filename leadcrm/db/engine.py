"""Engines for the two supported databases, tuned the same way wherever it matters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 15_000
SQLITE_POOL_SIZE = 8


def normalise_url(url: str) -> str:
    """Accept the usual ``postgresql://`` spelling and use the psycopg 3 driver for it."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _json_text(value: object) -> str:
    return orjson.dumps(value).decode()


# JSON columns (custom field values, settings) through orjson, on both databases.
JSON_CODEC: dict[str, Any] = {"json_serializer": _json_text, "json_deserializer": orjson.loads}
# A failed statement's message never carries its parameters: they may be tokens or secrets.
SAFE_ERRORS: dict[str, Any] = {"hide_parameters": True}


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def create_engine_for(url: str) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    # Up to 30 connections a process, as before, but 20 kept: a connection past the kept
    # ones is closed when returned, and a new PostgreSQL connection is a new backend process.
    return create_engine(
        url, pool_size=20, max_overflow=10, pool_pre_ping=True, **JSON_CODEC, **SAFE_ERRORS
    )


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        # SQLite works inside this process, one writer at a time: more connections than
        # this only add page caches (2 MiB each) and, past the pool, a reconnect per call.
        pool_size=SQLITE_POOL_SIZE,
        max_overflow=0,
        **JSON_CODEC,
        **SAFE_ERRORS,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the sqlite3 module so BEGIN is ours to issue.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()
        # SQLite's own lower() folds ASCII only; LIKE must ignore case in every script, as on
        # PostgreSQL.
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writer takes the lock at BEGIN, so two writers queue on busy_timeout instead of
        # failing when a read lock cannot be upgraded.
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine
