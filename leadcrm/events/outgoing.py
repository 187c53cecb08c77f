"""Outgoing webhooks: handlers the operator makes for an integration without an application."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, RowMapping, update

from leadcrm.apps.urls import check_handler_url
from leadcrm.events import catalog, handlers
from leadcrm.events.safety import Network, literal_refused
from leadcrm.events.tables import event_handlers
from leadcrm.users.service import utcnow


@dataclass(frozen=True, slots=True)
class Made:
    ids: list[int]
    application_token: str


def create(
    conn: Connection,
    *,
    events: list[str],
    url: str,
    user_id: int,
    title: str,
    allowed: list[Network],
) -> Made:
    """One handler per event, sharing one application_token. ValueError says what is wrong."""
    names = [e.strip().upper() for e in events if e.strip()]
    unknown = [e for e in names if e not in catalog.EVENTS or e in catalog.APP_EVENTS]
    if not names or unknown:
        raise ValueError(f"unknown event(s): {', '.join(unknown) or '(none given)'}")
    if check_handler_url(url) is not None:
        raise ValueError(f"the URL must be http(s) with a host: {url}")
    if literal_refused(url, allowed):
        raise ValueError(
            "the URL points at a private, loopback or link-local address "
            "(allow its network with LEADCRM_EVENTS_ALLOW_NETWORKS)"
        )
    token = secrets.token_hex(16)
    ids = [
        handlers.bind(
            conn,
            handlers.Binding(
                app_id=None,
                event=name,
                handler=url,
                auth_type=0,
                user_id=user_id,
                application_token=token,
                title=title,
            ),
        )
        for name in names
    ]
    return Made(ids, token)


def listed(conn: Connection) -> list[RowMapping]:
    return handlers.bound(conn, app_id=None)


def revoke(conn: Connection, *, handler_id: int) -> bool:
    return bool(
        conn.execute(
            update(event_handlers)
            .where(
                event_handlers.c.id == handler_id,
                event_handlers.c.app_id.is_(None),
                event_handlers.c.disabled_at.is_(None),
                event_handlers.c.unbound_at.is_(None),
            )
            .values(disabled_at=utcnow())
        ).rowcount
    )
