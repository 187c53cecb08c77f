"""The record of every delivery attempt, newest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from leadcrm.events.tables import event_attempts, event_deliveries, event_handlers


def recent(conn: Connection, *, limit: int, handler_id: int | None = None) -> list[dict[str, Any]]:
    query = (
        select(
            event_attempts.c.id,
            event_attempts.c.at,
            event_attempts.c.attempt,
            event_attempts.c.status_code,
            event_attempts.c.error,
            event_attempts.c.duration_ms,
            event_deliveries.c.uid,
            event_deliveries.c.event,
            event_deliveries.c.status,
            event_handlers.c.id.label("handler_id"),
            event_handlers.c.handler,
        )
        .join(event_deliveries, event_deliveries.c.id == event_attempts.c.delivery_id)
        .join(event_handlers, event_handlers.c.id == event_deliveries.c.handler_id)
        .order_by(event_attempts.c.id.desc())
        .limit(limit)
    )
    if handler_id is not None:
        query = query.where(event_handlers.c.id == handler_id)
    return [
        {
            "ID": row.id,
            "TIME": row.at.isoformat(timespec="seconds") + "+00:00",
            "EVENT": row.event,
            "EVENT_ID": row.uid,
            "HANDLER_ID": row.handler_id,
            "HANDLER": row.handler,
            "ATTEMPT": row.attempt,
            "STATUS_CODE": row.status_code,
            "ERROR": row.error,
            "DURATION_MS": row.duration_ms,
            "DELIVERY_STATUS": row.status,
        }
        for row in conn.execute(query)
    ]
