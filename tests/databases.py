"""Throwaway databases for the suite: a migrated template per backend, a copy per test."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

POSTGRES_ADMIN_DSN = os.environ.get(
    "LEADCRM_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def postgres_available() -> bool:
    try:
        with psycopg.connect(POSTGRES_ADMIN_DSN, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def require_postgres() -> None:
    if postgres_available():
        return
    message = f"PostgreSQL is not reachable at {POSTGRES_ADMIN_DSN}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: PostgreSQL tests must run)")
    print(f"\n!!! SKIPPING POSTGRESQL TESTS: {message} !!!\n")
    pytest.skip(message)


def _admin(sql: str) -> None:
    with psycopg.connect(POSTGRES_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def postgres_url(name: str) -> str:
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0]
    return f"{base}/{name}"


def create_postgres(template: str | None = None) -> str:
    name = f"leadcrm_test_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return name


def drop_postgres(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def copy_of(backend: str, template: str, workdir: Path) -> Iterator[str]:
    """A fresh database holding the template's contents; its URL."""
    if backend == "sqlite":
        target = workdir / f"{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    name = create_postgres(template)
    try:
        yield postgres_url(name)
    finally:
        drop_postgres(name)
