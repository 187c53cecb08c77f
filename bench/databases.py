"""The database a run measures: a temp SQLite file, or a fresh PostgreSQL database it drops."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

POSTGRES_ADMIN_DSN = os.environ.get(
    "LEADCRM_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)


class DatabaseUnavailable(RuntimeError):
    pass


@dataclass
class Database:
    kind: str  # "sqlite" or "postgresql"
    url: str
    name: str  # the file or the PostgreSQL database name
    version: str

    def drop(self) -> None:
        if self.kind == "postgresql":
            with psycopg.connect(POSTGRES_ADMIN_DSN, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(self.name)
                    )
                )
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(self.name + suffix).unlink(missing_ok=True)

    def size_bytes(self) -> int:
        if self.kind == "postgresql":
            with psycopg.connect(POSTGRES_ADMIN_DSN, autocommit=True) as conn:
                row = conn.execute("SELECT pg_database_size(%s)", (self.name,)).fetchone()
                return int(row[0]) if row else 0
        return sum(
            Path(self.name + suffix).stat().st_size
            for suffix in ("", "-wal")
            if Path(self.name + suffix).exists()
        )


def create(kind: str, workdir: Path) -> Database:
    if kind == "sqlite":
        import sqlite3

        path = workdir / "leadcrm-bench.db"
        return Database("sqlite", f"sqlite:///{path}", str(path), sqlite3.sqlite_version)
    return _create_postgres()


def postgres_version() -> str:
    try:
        with psycopg.connect(POSTGRES_ADMIN_DSN, connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            return str(row[0]) if row else "unknown"
    except psycopg.Error as exc:
        raise DatabaseUnavailable(
            f"PostgreSQL is not reachable at {POSTGRES_ADMIN_DSN} ({exc}). Set "
            "LEADCRM_BENCH_POSTGRES to an administrator DSN, or run with --db sqlite."
        ) from exc


def _create_postgres() -> Database:
    version = postgres_version()
    name = f"leadcrm_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0]
    return Database("postgresql", f"{base}/{name}", name, version)
