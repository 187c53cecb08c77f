"""What every ``leadcrm`` command starts with, and how one fails."""

from __future__ import annotations

from typing import NoReturn

import typer

from leadcrm.bootstrap import prepare
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
