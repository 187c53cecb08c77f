"""``leadcrm webhook ...``: incoming webhooks, and outgoing ones (events posted to a URL)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from leadcrm.catalogue.kinds import parse_datetime
from leadcrm.cli.common import fail, ready, writing
from leadcrm.events import outgoing
from leadcrm.events.delivery import allowed_networks
from leadcrm.users import service as users
from leadcrm.webhooks import service as webhooks

webhook_app = typer.Typer(help="Incoming webhooks.", no_args_is_help=True)
outgoing_app = typer.Typer(help="Outgoing webhooks: events posted to a URL.", no_args_is_help=True)
webhook_app.add_typer(outgoing_app, name="outgoing")


@webhook_app.command("create")
def webhook_create(
    user: Annotated[int, typer.Option(help="The user the webhook acts as.")],
    scope: Annotated[str, typer.Option(help="Comma-separated scopes, e.g. crm,user.")] = "crm",
    title: Annotated[str, typer.Option(help="A name to recognise it by.")] = "",
    expires: Annotated[str | None, typer.Option(help="Expiry, ISO 8601.")] = None,
) -> None:
    """Create a webhook; its URL is the last line printed."""
    runtime = ready()
    try:
        scopes = webhooks.parse_scopes(scope)
        expires_at: datetime | None = parse_datetime(expires, runtime.zone) if expires else None
    except ValueError as exc:
        fail(str(exc), 2)
    with writing(runtime) as conn:
        if not users.user_exists(conn, user_id=user):
            fail(f"no user {user}", 1)
        webhook_id, code = webhooks.create_webhook(
            conn, user_id=user, scopes=scopes, title=title, expires_at=expires_at
        )
    typer.echo(f"webhook {webhook_id} for user {user}, scopes: basic,{','.join(scopes)}")
    typer.echo(webhooks.webhook_url(runtime.settings.public_url, user_id=user, code=code))


@webhook_app.command("list")
def webhook_list() -> None:
    """List webhooks (codes are never shown again)."""
    runtime = ready()
    with runtime.engine.connect() as conn:
        for row in webhooks.list_webhooks(conn):
            state = "revoked" if row["revoked_at"] else "active"
            expires = row["expires_at"].isoformat() if row["expires_at"] else "-"
            typer.echo(
                f"{row['id']}\tuser {row['user_id']}\t{state}\texpires {expires}\t"
                f"basic,{row['scopes']}\t{row['title']}"
            )


@webhook_app.command("revoke")
def webhook_revoke(webhook_id: Annotated[int, typer.Argument(help="Webhook id.")]) -> None:
    """Revoke a webhook; its code then answers NO_AUTH_FOUND."""
    runtime = ready()
    with writing(runtime) as conn:
        if not webhooks.revoke(conn, webhook_id=webhook_id):
            fail(f"no active webhook {webhook_id}", 1)
    typer.echo(f"webhook {webhook_id} revoked")


@outgoing_app.command("create")
def outgoing_create(
    event: Annotated[str, typer.Option(help="Event(s), comma-separated: ONCRMLEADADD,...")],
    url: Annotated[str, typer.Option(help="The handler URL the events are posted to.")],
    user: Annotated[int, typer.Option(help="The user it belongs to.")] = 1,
    title: Annotated[str, typer.Option(help="A name to recognise it by.")] = "",
) -> None:
    """Create an outgoing webhook; prints its handler ids, application_token and secrets."""

    runtime = ready()
    try:
        with writing(runtime) as conn:
            made = outgoing.create(
                conn,
                events=event.split(","),
                url=url,
                user_id=user,
                title=title,
                allowed=allowed_networks(runtime),
            )
            rows = {r["id"]: r for r in outgoing.listed(conn)}
    except ValueError as exc:
        fail(str(exc), 2)
    for handler_id in made.ids:
        row = rows[handler_id]
        typer.echo(
            f"handler {handler_id}: {row['event']} -> {url}  signing secret: {row['secret']}"
        )
    typer.echo(f"application_token: {made.application_token}")


@outgoing_app.command("list")
def outgoing_list() -> None:
    """List live outgoing webhooks: id, event, URL, title."""

    runtime = ready()
    with runtime.engine.connect() as conn:
        for row in outgoing.listed(conn):
            typer.echo(f"{row['id']}\t{row['event']}\t{row['handler']}\t{row['title']}")


@outgoing_app.command("revoke")
def outgoing_revoke(handler_id: Annotated[int, typer.Argument(help="Handler id.")]) -> None:
    """Revoke an outgoing webhook: nothing more is posted to it."""

    runtime = ready()
    with writing(runtime) as conn:
        if not outgoing.revoke(conn, handler_id=handler_id):
            fail(f"no live outgoing webhook {handler_id}", 1)
    typer.echo(f"outgoing webhook {handler_id} revoked")
