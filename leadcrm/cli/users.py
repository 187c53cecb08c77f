"""``leadcrm user ...``: portal users."""

from __future__ import annotations

from typing import Annotated

import typer

from leadcrm.cli.common import fail, ready, writing
from leadcrm.users import service as users

user_app = typer.Typer(help="Portal users.", no_args_is_help=True)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Option(help="First name.")],
    last_name: Annotated[str, typer.Option(help="Last name.")] = "",
    email: Annotated[str, typer.Option(help="E-mail.")] = "",
    position: Annotated[str, typer.Option(help="Job title.")] = "",
    admin: Annotated[bool, typer.Option(help="Make an administrator.")] = False,
) -> None:
    """Add a user; prints its id."""
    runtime = ready()
    with writing(runtime) as conn:
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
    runtime = ready()
    with runtime.engine.connect() as conn:
        for row in users.all_users(conn):
            active = "active" if row["active"] else "inactive"
            admin = "admin" if row["is_admin"] else "user"
            full_name = f"{row['name'] or ''} {row['last_name'] or ''}".strip()
            typer.echo(f"{row['id']}\t{active}\t{admin}\t{full_name}\t{row['email'] or ''}")


@user_app.command("deactivate")
def user_deactivate(user_id: Annotated[int, typer.Argument(help="User id.")]) -> None:
    """Deactivate a user; their webhooks then answer INVALID_CREDENTIALS."""
    runtime = ready()
    with writing(runtime) as conn:
        if not users.set_active(conn, user_id=user_id, active=False):
            fail(f"no user {user_id}", 1)
    typer.echo(f"user {user_id} deactivated")
