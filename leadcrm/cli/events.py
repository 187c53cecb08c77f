"""``leadcrm events ...`` and ``leadcrm worker``: event delivery."""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated

import typer

from leadcrm.cli.common import ready
from leadcrm.events import log
from leadcrm.events.worker import Worker

events_app = typer.Typer(help="Event delivery.", no_args_is_help=True)


@events_app.command("log")
def events_log(
    limit: Annotated[int, typer.Option(help="How many attempts, newest first.")] = 50,
    handler: Annotated[int | None, typer.Option(help="Only this handler's.")] = None,
) -> None:
    """Delivery attempts: time, event, handler, attempt, HTTP status or error, duration."""
    runtime = ready()
    with runtime.engine.connect() as conn:
        for row in log.recent(conn, limit=limit, handler_id=handler):
            outcome = row["STATUS_CODE"] if row["STATUS_CODE"] is not None else row["ERROR"]
            typer.echo(
                f"{row['TIME']}\t{row['EVENT']}\t{row['EVENT_ID']}\thandler {row['HANDLER_ID']}"
                f"\tattempt {row['ATTEMPT']}\t{outcome}\t{row['DURATION_MS']} ms"
                f"\t{row['DELIVERY_STATUS']}\t{row['HANDLER']}"
            )


def worker() -> None:
    """Deliver events until stopped (SIGTERM/SIGINT). Run any number on PostgreSQL."""
    runtime = ready()
    typer.echo("leadcrm event worker started")

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(number, stop.set)
        await Worker(runtime).run(stop)

    asyncio.run(main())
    typer.echo("leadcrm event worker stopped")
