"""Event handlers: bound by applications (event.bind), or made by the operator (outgoing
webhooks)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from leadcrm.apps.service import when_uninstalled
from leadcrm.events.tables import event_handlers
from leadcrm.users.service import utcnow


class AlreadyBound(Exception):
    """The same handler is already bound to the same event."""


@dataclass(frozen=True, slots=True)
class Binding:
    app_id: int | None
    event: str
    handler: str
    auth_type: int
    user_id: int
    offline: bool = False
    auth_connector: str = ""
    options: Mapping[str, Any] | None = None
    application_token: str | None = None
    title: str = ""


def _live() -> tuple[Any, ...]:
    return (event_handlers.c.unbound_at.is_(None), event_handlers.c.disabled_at.is_(None))


def bind(conn: Connection, binding: Binding) -> int:
    same = conn.execute(
        select(event_handlers.c.id).where(
            event_handlers.c.app_id.is_(None)
            if binding.app_id is None
            else event_handlers.c.app_id == binding.app_id,
            event_handlers.c.event == binding.event,
            event_handlers.c.handler == binding.handler,
            event_handlers.c.auth_type == binding.auth_type,
            event_handlers.c.offline.is_(binding.offline),
            event_handlers.c.auth_connector == binding.auth_connector,
            *_live(),
        )
    ).first()
    if same is not None:
        raise AlreadyBound
    handler_id: int = conn.execute(
        insert(event_handlers)
        .values(
            app_id=binding.app_id,
            event=binding.event,
            handler=binding.handler,
            auth_type=binding.auth_type,
            user_id=binding.user_id,
            offline=binding.offline,
            auth_connector=binding.auth_connector,
            options=dict(binding.options) if binding.options else None,
            secret=secrets.token_hex(32),
            application_token=binding.application_token,
            title=binding.title,
            created_at=utcnow(),
        )
        .returning(event_handlers.c.id)
    ).scalar_one()
    return handler_id


def unbind(
    conn: Connection,
    *,
    app_id: int,
    event: str | None,
    handler: str | None,
    auth_type: int | None,
    offline: bool,
    only_user: int | None,
) -> int:
    condition = [event_handlers.c.app_id == app_id, event_handlers.c.offline.is_(offline), *_live()]
    if event:
        condition.append(event_handlers.c.event == event)
    if handler:
        condition.append(event_handlers.c.handler == handler)
    if auth_type is not None:
        condition.append(event_handlers.c.auth_type == auth_type)
    if only_user is not None:
        condition.append(event_handlers.c.user_id == only_user)
    return conn.execute(
        update(event_handlers).where(*condition).values(unbound_at=utcnow())
    ).rowcount


def bound(
    conn: Connection, *, app_id: int | None, only_user: int | None = None
) -> list[RowMapping]:
    condition = [
        event_handlers.c.app_id.is_(None) if app_id is None else event_handlers.c.app_id == app_id,
        *_live(),
    ]
    if only_user is not None:
        condition.append(event_handlers.c.user_id == only_user)
    return list(
        conn.execute(
            select(event_handlers).where(*condition).order_by(event_handlers.c.id)
        ).mappings()
    )


def app_handlers_of(conn: Connection, *, app_id: int, event: str) -> list[int]:
    return list(
        conn.execute(
            select(event_handlers.c.id).where(
                event_handlers.c.app_id == app_id,
                event_handlers.c.event == event,
                event_handlers.c.offline.is_(False),
                *_live(),
            )
        ).scalars()
    )


def disable(conn: Connection, *, handler_id: int) -> bool:
    return bool(
        conn.execute(
            update(event_handlers)
            .where(event_handlers.c.id == handler_id, event_handlers.c.disabled_at.is_(None))
            .values(disabled_at=utcnow())
        ).rowcount
    )


def _remove_app(conn: Connection, app_id: int) -> None:
    # ONAPPUNINSTALL goes out first (its delivery is made before the handlers are disabled;
    # the worker sends that one event to a disabled handler).
    from leadcrm.events import fanout

    now = utcnow()
    fanout.deliver(
        conn,
        handler_ids=app_handlers_of(conn, app_id=app_id, event="ONAPPUNINSTALL"),
        event="ONAPPUNINSTALL",
        data={"LANGUAGE_ID": "en", "CLEAN": 0},
        user_id=0,
        now=now,
    )
    conn.execute(
        update(event_handlers)
        .where(event_handlers.c.app_id == app_id, event_handlers.c.disabled_at.is_(None))
        .values(disabled_at=now)
    )


when_uninstalled(_remove_app)
