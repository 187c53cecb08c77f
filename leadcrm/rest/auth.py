"""Credentials to a Principal: the webhook in the path, or an OAuth token in ``auth``."""

from __future__ import annotations

from sqlalchemy import Connection

from leadcrm.apps.tokens import access_holder
from leadcrm.rest.errors import expired_token, invalid_credentials, no_auth_found
from leadcrm.rest.principal import Principal
from leadcrm.webhooks.service import verify


def webhook_principal(conn: Connection, *, user_id: str, code: str) -> Principal:
    # isascii: str.isdigit() also accepts digits such as "²" that int() refuses.
    if not (user_id.isascii() and user_id.isdigit()) or not code:
        raise no_auth_found()
    record = verify(conn, user_id=int(user_id), code=code)
    if record is None:
        raise no_auth_found()
    if not record.user_active:
        raise invalid_credentials()
    return Principal(
        user_id=record.user_id,
        is_admin=record.user_is_admin,
        scopes=record.scopes,
        credential=f"webhook:{record.id}",
    )


def token_principal(conn: Connection, *, token: object) -> Principal:
    """The application's user behind an OAuth access token passed as ``auth``."""
    if not isinstance(token, str) or not token:
        raise no_auth_found()
    holder = access_holder(conn, token=token)
    if holder is None:
        raise no_auth_found()
    if holder.expired:
        raise expired_token()
    if not holder.user_active:
        raise invalid_credentials()
    return Principal(
        user_id=holder.user_id,
        is_admin=holder.user_is_admin,
        scopes=holder.scopes,
        credential=f"app:{holder.app_id}:{holder.user_id}",
        app_id=holder.app_id,
    )
