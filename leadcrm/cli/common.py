"""What every ``leadcrm`` command starts with, and how one fails."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from sqlalchemy import Connection

from leadcrm.bootstrap import prepare
from leadcrm.db.transactions import transaction
from leadcrm.runtime import Runtime
from leadcrm.settings import Settings


def ready() -> Runtime:
    """The runtime the environment describes, its database migrated and seeded."""
    runtime = Runtime.from_settings(Settings())
    prepare(runtime)
    return runtime


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


@contextmanager
def writing(runtime: Runtime) -> Iterator[Connection]:
    """A writing transaction that waits its turn behind a running server's writers (SQLite)
    rather than failing on a lock it cannot upgrade to."""
    with transaction(runtime.engine, writes=True) as conn:
        yield conn
