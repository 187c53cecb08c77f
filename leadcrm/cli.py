"""The ``leadcrm`` command: serve, and the operator's user, webhook and application commands."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from leadcrm.apps import installation
from leadcrm.apps import service as apps
from leadcrm.apps import tokens as app_tokens
from leadcrm.bootstrap import prepare
from leadcrm.catalogue.kinds import parse_datetime
from leadcrm.db.migrate import startup_lock, upgrade
from leadcrm.runtime import Runtime
from leadcrm.settings import Settings
from leadcrm.users import service as users
from leadcrm.webhooks import service as webhooks

app = typer.Typer(
    help="leadcrm: a lead CRM that speaks the Bitrix24 REST API.", no_args_is_help=True
)
user_app = typer.Typer(help="Portal users.", no_args_is_help=True)
webhook_app = typer.Typer(help="Incoming webhooks.", no_args_is_help=True)
app_app = typer.Typer(help="Local applications (OAuth 2).", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(webhook_app, name="webhook")
outgoing_app = typer.Typer(help="Outgoing webhooks: events posted to a URL.", no_args_is_help=True)
events_app = typer.Typer(help="Event delivery.", no_args_is_help=True)
app.add_typer(app_app, name="app")
webhook_app.add_typer(outgoing_app, name="outgoing")
app.add_typer(events_app, name="events")


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


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Option(help="First name.")],
    last_name: Annotated[str, typer.Option(help="Last name.")] = "",
    email: Annotated[str, typer.Option(help="E-mail.")] = "",
    position: Annotated[str, typer.Option(help="Job title.")] = "",
    admin: Annotated[bool, typer.Option(help="Make an administrator.")] = False,
) -> None:
    """Add a user; prints its id."""
    runtime = _runtime()
    prepare(runtime)
    with runtime.engine.begin() as conn:
        user_id = users.create_user(
            conn,
            name=name,
            last_name=last_name,
            email=email,
            work_position=position,
            is_admin=admin,
            zone=runtime.zone,
        )
    typer.echo(user_id)


@user_app.command("list")
def user_list() -> None:
    """List users: id, active, admin, name."""
    runtime = _runtime()
    prepare(runtime)
    with runtime.engine.connect() as conn:
        for row in users.all_users(conn):
            active = "active" if row["active"] else "inactive"
            admin = "admin" if row["is_admin"] else "user"
            full_name = f"{row['name'] or ''} {row['last_name'] or ''}".strip()
            typer.echo(f"{row['id']}\t{active}\t{admin}\t{full_name}\t{row['email'] or ''}")


@user_app.command("deactivate")
def user_deactivate(user_id: Annotated[int, typer.Argument(help="User id.")]) -> None:
    """Deactivate a user; their webhooks then answer INVALID_CREDENTIALS."""
    runtime = _runtime()
    prepare(runtime)
    with runtime.engine.begin() as conn:
        if not users.set_active(conn, user_id=user_id, active=False):
            typer.echo(f"no user {user_id}", err=True)
            raise typer.Exit(1)
    typer.echo(f"user {user_id} deactivated")


@webhook_app.command("create")
def webhook_create(
    user: Annotated[int, typer.Option(help="The user the webhook acts as.")],
    scope: Annotated[str, typer.Option(help="Comma-separated scopes, e.g. crm,user.")] = "crm",
    title: Annotated[str, typer.Option(help="A name to recognise it by.")] = "",
    expires: Annotated[str | None, typer.Option(help="Expiry, ISO 8601.")] = None,
) -> None:
    """Create a webhook; its URL is the last line printed."""
    runtime = _runtime()
    prepare(runtime)
    try:
        scopes = webhooks.parse_scopes(scope)
        expires_at: datetime | None = parse_datetime(expires, runtime.zone) if expires else None
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    with runtime.engine.begin() as conn:
        if not users.user_exists(conn, user_id=user):
            typer.echo(f"no user {user}", err=True)
            raise typer.Exit(1)
        webhook_id, code = webhooks.create_webhook(
            conn, user_id=user, scopes=scopes, title=title, expires_at=expires_at
        )
    typer.echo(f"webhook {webhook_id} for user {user}, scopes: basic,{','.join(scopes)}")
    typer.echo(webhooks.webhook_url(runtime.settings.public_url, user_id=user, code=code))


@webhook_app.command("list")
def webhook_list() -> None:
    """List webhooks (codes are never shown again)."""
    runtime = _runtime()
    prepare(runtime)
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
    runtime = _runtime()
    prepare(runtime)
    with runtime.engine.begin() as conn:
        if not webhooks.revoke(conn, webhook_id=webhook_id):
            typer.echo(f"no active webhook {webhook_id}", err=True)
            raise typer.Exit(1)
    typer.echo(f"webhook {webhook_id} revoked")


@app_app.command("create")
def app_create(
    name: Annotated[str, typer.Option(help="The application's name.")],
    handler: Annotated[str, typer.Option(help="The application's main address.")] = "",
    install_url: Annotated[
        str, typer.Option(help="Called with the first tokens when the app is installed.")
    ] = "",
    scope: Annotated[str, typer.Option(help="Comma-separated scopes, e.g. crm,placement.")] = "crm",
) -> None:
    """Register a local application; prints its id, client_id and client_secret (shown once)."""
    runtime = _runtime()
    prepare(runtime)
    try:
        with runtime.engine.begin() as conn:
            made = apps.create_app(
                conn, name=name, handler_url=handler, install_url=install_url, scopes=scope
            )
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"app {made.id}")
    typer.echo(f"client_id: {made.client_id}")
    typer.echo(f"client_secret: {made.client_secret}")


@app_app.command("list")
def app_list() -> None:
    """List applications: id, client_id, installed, scopes, name."""
    runtime = _runtime()
    prepare(runtime)
    with runtime.engine.connect() as conn:
        for row in apps.list_apps(conn):
            state = "installed" if row["installed"] else "not installed"
            typer.echo(
                f"{row['id']}\t{row['client_id']}\t{state}\tbasic,{row['scopes']}\t{row['name']}"
            )


@app_app.command("install")
def app_install(
    app_id: Annotated[int, typer.Argument(help="Application id.")],
    user: Annotated[int, typer.Option(help="The administrator who installs it.")] = 1,
) -> None:
    """Install an application: call its install URL with its first tokens."""
    runtime = _runtime()
    prepare(runtime)
    try:
        done = installation.install_app(runtime, app_id=app_id, user_id=user)
    except installation.InstallFailed as exc:
        typer.echo(f"not installed: {exc}", err=True)
        raise typer.Exit(1) from exc
    if done.called:
        typer.echo(f"app {app_id} installed; its install URL received the tokens")
        return
    # Without an install URL, the operator hands the tokens to the application.
    pair = done.installation.tokens
    typer.echo(f"app {app_id} installed")
    typer.echo(f"access_token: {pair.access_token}")
    typer.echo(f"refresh_token: {pair.refresh_token}")
    typer.echo(f"application_token: {done.installation.application_token}")


@app_app.command("uninstall")
def app_uninstall(app_id: Annotated[int, typer.Argument(help="Application id.")]) -> None:
    """Uninstall: revoke every token, remove the app's placements, field types and handlers."""
    runtime = _runtime()
    prepare(runtime)
    with runtime.engine.begin() as conn:
        row = apps.get_app(conn, app_id=app_id)
        if row is None or not row["installed"]:
            typer.echo(f"no installed application {app_id}", err=True)
            raise typer.Exit(1)
        apps.uninstall(conn, app_id=app_id)
    typer.echo(f"app {app_id} uninstalled")


@app_app.command("code")
def app_code(
    app_id: Annotated[int, typer.Argument(help="Application id.")],
    user: Annotated[int, typer.Option(help="The user the tokens will act as.")] = 1,
) -> None:
    """Print a one-time authorization code (30 seconds) for the authorization_code grant."""
    runtime = _runtime()
    prepare(runtime)
    with runtime.engine.begin() as conn:
        row = apps.get_app(conn, app_id=app_id)
        if row is None or not row["installed"]:
            typer.echo(f"no installed application {app_id}", err=True)
            raise typer.Exit(1)
        if not users.user_exists(conn, user_id=user):
            typer.echo(f"no user {user}", err=True)
            raise typer.Exit(1)
        code = app_tokens.issue_code(conn, app_id=app_id, user_id=user)
    typer.echo(code)


@outgoing_app.command("create")
def outgoing_create(
    event: Annotated[str, typer.Option(help="Event(s), comma-separated: ONCRMLEADADD,...")],
    url: Annotated[str, typer.Option(help="The handler URL the events are posted to.")],
    user: Annotated[int, typer.Option(help="The user it belongs to.")] = 1,
    title: Annotated[str, typer.Option(help="A name to recognise it by.")] = "",
) -> None:
    """Create an outgoing webhook; prints its handler ids, application_token and secrets."""
    from leadcrm.events import outgoing
    from leadcrm.events.delivery import allowed_networks

    runtime = _runtime()
    prepare(runtime)
    try:
        with runtime.engine.begin() as conn:
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
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    for handler_id in made.ids:
        row = rows[handler_id]
        typer.echo(
            f"handler {handler_id}: {row['event']} -> {url}  signing secret: {row['secret']}"
        )
    typer.echo(f"application_token: {made.application_token}")


@outgoing_app.command("list")
def outgoing_list() -> None:
    """List live outgoing webhooks: id, event, URL, title."""
    from leadcrm.events import outgoing

    runtime = _runtime()
    prepare(runtime)
    with runtime.engine.connect() as conn:
        for row in outgoing.listed(conn):
            typer.echo(f"{row['id']}\t{row['event']}\t{row['handler']}\t{row['title']}")


@outgoing_app.command("revoke")
def outgoing_revoke(handler_id: Annotated[int, typer.Argument(help="Handler id.")]) -> None:
    """Revoke an outgoing webhook: nothing more is posted to it."""
    from leadcrm.events import outgoing

    runtime = _runtime()
    prepare(runtime)
    with runtime.engine.begin() as conn:
        if not outgoing.revoke(conn, handler_id=handler_id):
            typer.echo(f"no live outgoing webhook {handler_id}", err=True)
            raise typer.Exit(1)
    typer.echo(f"outgoing webhook {handler_id} revoked")


@events_app.command("log")
def events_log(
    limit: Annotated[int, typer.Option(help="How many attempts, newest first.")] = 50,
    handler: Annotated[int | None, typer.Option(help="Only this handler's.")] = None,
) -> None:
    """Delivery attempts: time, event, handler, attempt, HTTP status or error, duration."""
    from leadcrm.events import log

    runtime = _runtime()
    prepare(runtime)
    with runtime.engine.connect() as conn:
        for row in log.recent(conn, limit=limit, handler_id=handler):
            outcome = row["STATUS_CODE"] if row["STATUS_CODE"] is not None else row["ERROR"]
            typer.echo(
                f"{row['TIME']}\t{row['EVENT']}\t{row['EVENT_ID']}\thandler {row['HANDLER_ID']}"
                f"\tattempt {row['ATTEMPT']}\t{outcome}\t{row['DURATION_MS']} ms"
                f"\t{row['DELIVERY_STATUS']}\t{row['HANDLER']}"
            )


@app.command()
def worker() -> None:
    """Deliver events until stopped (SIGTERM/SIGINT). Run any number on PostgreSQL."""
    import asyncio
    import signal

    from leadcrm.events.worker import Worker

    runtime = _runtime()
    prepare(runtime)
    typer.echo("leadcrm event worker started")

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(number, stop.set)
        await Worker(runtime).run(stop)

    asyncio.run(main())
    typer.echo("leadcrm event worker stopped")
