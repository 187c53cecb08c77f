"""Deliveries made in the transaction of a change: every handler bound at that moment gets one.

One indexed query finds the handlers of the events being recorded; with none (the usual case)
that is all it costs.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from leadcrm.events.tables import event_deliveries, event_handlers


def handlers_for(conn: Connection, events: set[str]) -> dict[str, list[int]]:
    """The live online handlers of each of ``events``."""
    found: dict[str, list[int]] = {}
    rows = conn.execute(
        select(event_handlers.c.id, event_handlers.c.event).where(
            event_handlers.c.event.in_(sorted(events)),
            event_handlers.c.offline.is_(False),
            event_handlers.c.unbound_at.is_(None),
            event_handlers.c.disabled_at.is_(None),
        )
    )
    for handler_id, event in rows:
        found.setdefault(event, []).append(handler_id)
    return found


def deliver(
    conn: Connection,
    *,
    handler_ids: Sequence[int],
    event: str,
    data: Mapping[str, Any],
    user_id: int,
    now: datetime,
    record_id: int | None = None,
) -> None:
    if not handler_ids:
        return
    conn.execute(
        insert(event_deliveries),
        [
            {
                "record_id": record_id,
                "handler_id": handler_id,
                "event": event,
                "data": dict(data),
                "user_id": user_id,
                "uid": str(uuid.uuid4()),
                "status": "pending",
                "attempts": 0,
                "due_at": now,
                "created_at": now,
            }
            for handler_id in handler_ids
        ],
    )
