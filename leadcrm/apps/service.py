"""Registering, installing and uninstalling local applications."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, RowMapping, insert, select, update

from leadcrm.apps import tokens
from leadcrm.apps.tables import apps
from leadcrm.apps.urls import check_handler_url
from leadcrm.users.service import utcnow
from leadcrm.webhooks.service import parse_scopes

# What else an application owns (placements, field types, event handlers): each owner
# registers how to remove its part when the application is uninstalled.
_on_uninstall: list[Callable[[Connection, int], None]] = []


def when_uninstalled(remove: Callable[[Connection, int], None]) -> None:
    _on_uninstall.append(remove)


@dataclass(frozen=True, slots=True)
class NewApp:
    id: int
    client_id: str
    client_secret: str  # shown once; only its hash is kept


@dataclass(frozen=True, slots=True)
class Installation:
    app: RowMapping
    tokens: tokens.TokenPair
    application_token: str


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _client_id() -> str:
    # The shape of a Bitrix24 local app's code: local.<14 hex>.<8 digits>.
    return f"local.{secrets.token_hex(7)}.{secrets.randbelow(10**8):08d}"


def _client_secret() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(50))


def create_app(
    conn: Connection, *, name: str, handler_url: str, install_url: str, scopes: str
) -> NewApp:
    """Register an application. Raises ValueError naming what is wrong with the input."""
    if not name.strip():
        raise ValueError("the application needs a name")
    for label, url in (("handler", handler_url), ("install URL", install_url)):
        if url and check_handler_url(url) is not None:
            raise ValueError(f"the {label} must be an http(s) URL with a host: {url}")
    client_id, client_secret = _client_id(), _client_secret()
    app_id: int = conn.execute(
        insert(apps)
        .values(
            client_id=client_id,
            client_secret_hash=_hash_secret(client_secret),
            name=name.strip(),
            handler_url=handler_url,
            install_url=install_url,
            scopes=",".join(parse_scopes(scopes)),
            installed=False,
            created_at=utcnow(),
        )
        .returning(apps.c.id)
    ).scalar_one()
    return NewApp(app_id, client_id, client_secret)


def get_app(conn: Connection, *, app_id: int) -> RowMapping | None:
    return conn.execute(select(apps).where(apps.c.id == app_id)).mappings().first()


def list_apps(conn: Connection) -> list[RowMapping]:
    return list(conn.execute(select(apps).order_by(apps.c.id)).mappings())


def authenticate_client(
    conn: Connection, *, client_id: str, client_secret: str
) -> RowMapping | None:
    """The installed application with these credentials, or None."""
    row = conn.execute(select(apps).where(apps.c.client_id == client_id)).mappings().first()
    if row is None:
        return None
    if not hmac.compare_digest(row["client_secret_hash"], _hash_secret(client_secret)):
        return None
    return row if row["installed"] else None


def install(conn: Connection, *, app_id: int, user_id: int) -> Installation:
    """Mark the app installed by ``user_id``, with a new application token and token pair."""
    application_token = secrets.token_hex(16)
    conn.execute(
        update(apps)
        .where(apps.c.id == app_id)
        .values(
            installed=True,
            installed_by=user_id,
            installed_at=utcnow(),
            application_token=application_token,
        )
    )
    row = get_app(conn, app_id=app_id)
    assert row is not None
    pair = tokens.issue_pair(conn, app_id=app_id, user_id=user_id)
    return Installation(row, pair, application_token)


def uninstall(conn: Connection, *, app_id: int) -> None:
    """Revoke every token and remove everything the app registered; it can be installed again."""
    tokens.revoke_app(conn, app_id=app_id)
    for remove in _on_uninstall:
        remove(conn, app_id)
    conn.execute(
        update(apps)
        .where(apps.c.id == app_id)
        # The application token stays: ONAPPUNINSTALL, sent after this, carries it.
        .values(installed=False, installed_at=None)
    )


def scopes_of(row: RowMapping) -> list[str]:
    return [s for s in str(row["scopes"]).split(",") if s]
