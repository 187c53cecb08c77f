"""``leadcrm app ...``: local applications."""

from __future__ import annotations

from typing import Annotated

import typer

from leadcrm.apps import installation
from leadcrm.apps import service as apps
from leadcrm.apps import tokens as app_tokens
from leadcrm.cli.common import fail, ready, writing
from leadcrm.users import service as users

app_app = typer.Typer(help="Local applications (OAuth 2).", no_args_is_help=True)


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
    runtime = ready()
    try:
        with writing(runtime) as conn:
            made = apps.create_app(
                conn, name=name, handler_url=handler, install_url=install_url, scopes=scope
            )
    except ValueError as exc:
        fail(str(exc), 2)
    typer.echo(f"app {made.id}")
    typer.echo(f"client_id: {made.client_id}")
    typer.echo(f"client_secret: {made.client_secret}")


@app_app.command("list")
def app_list() -> None:
    """List applications: id, client_id, installed, scopes, name."""
    runtime = ready()
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
    runtime = ready()
    try:
        done = installation.install_app(runtime, app_id=app_id, user_id=user)
    except installation.InstallFailed as exc:
        fail(f"not installed: {exc}", 1)
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
    runtime = ready()
    with writing(runtime) as conn:
        row = apps.get_app(conn, app_id=app_id)
        if row is None or not row["installed"]:
            fail(f"no installed application {app_id}", 1)
        apps.uninstall(conn, app_id=app_id)
    typer.echo(f"app {app_id} uninstalled")


@app_app.command("code")
def app_code(
    app_id: Annotated[int, typer.Argument(help="Application id.")],
    user: Annotated[int, typer.Option(help="The user the tokens will act as.")] = 1,
) -> None:
    """Print a one-time authorization code (30 seconds) for the authorization_code grant."""
    runtime = ready()
    with writing(runtime) as conn:
        row = apps.get_app(conn, app_id=app_id)
        if row is None or not row["installed"]:
            fail(f"no installed application {app_id}", 1)
        if not users.user_exists(conn, user_id=user):
            fail(f"no user {user}", 1)
        code = app_tokens.issue_code(conn, app_id=app_id, user_id=user)
    typer.echo(code)
