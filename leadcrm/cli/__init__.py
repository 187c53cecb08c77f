"""The ``leadcrm`` command: serve and migrate, and the operator's commands for users,
webhooks, applications and event delivery (one module each)."""

from __future__ import annotations

from typing import Annotated

import typer

from leadcrm.bootstrap import prepare
from leadcrm.cli.apps import app_app
from leadcrm.cli.events import events_app, worker
from leadcrm.cli.users import user_app
from leadcrm.cli.webhooks import webhook_app
from leadcrm.db.migrate import startup_lock, upgrade
from leadcrm.runtime import Runtime
from leadcrm.settings import Settings

app = typer.Typer(
    help="leadcrm: a lead CRM that speaks the Bitrix24 REST API.",
    no_args_is_help=True,
    # A crash shows where, never the values it had in hand (tokens, secrets).
    pretty_exceptions_show_locals=False,
)
app.add_typer(user_app, name="user")
app.add_typer(webhook_app, name="webhook")
app.add_typer(app_app, name="app")
app.add_typer(events_app, name="events")
app.command()(worker)


def _runtime() -> Runtime:
    return Runtime.from_settings(Settings())


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    ssl_certfile: Annotated[str | None, typer.Option(help="TLS certificate (PEM).")] = None,
    ssl_keyfile: Annotated[str | None, typer.Option(help="TLS private key (PEM).")] = None,
) -> None:
    """Migrate, make the administrator on first start, print its webhook URL and serve."""
    from leadcrm.server import run

    runtime = _runtime()
    url = prepare(runtime)
    runtime.engine.dispose()
    typer.echo(f"leadcrm is serving on {'https' if ssl_certfile else 'http'}://{host}:{port}")
    typer.echo(f"Administrator webhook: {url}")
    run(
        host=host,
        port=port,
        workers=workers,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        log_level=runtime.settings.log_level,
    )


@app.command()
def migrate() -> None:
    """Apply database migrations."""
    runtime = _runtime()
    with startup_lock(runtime.engine):
        upgrade(runtime.engine)
    typer.echo("database is up to date")
