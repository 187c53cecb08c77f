"""Writing event records and their deliveries: the caller's transaction holds them, so they
stand or fall with the change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert

from leadcrm.db.bulk import insert_returning_ids
from leadcrm.events import fanout, offline
from leadcrm.events.tables import event_records
from leadcrm.rest.dispatch import AUTH_CONNECTOR
from leadcrm.users.service import utcnow


@dataclass(frozen=True, slots=True)
class Change:
    event: str
    entity: str
    entity_id: int
    fields: Mapping[str, Any] | None = field(default=None)


def record(conn: Connection, *, changes: Iterable[Change], user_id: int) -> None:
    now = utcnow()
    made = list(changes)
    if not made:
        return
    rows: list[dict[str, Any]] = [
        {
            "event": change.event.upper(),
            "entity": change.entity,
            "entity_id": change.entity_id,
            "user_id": user_id,
            "created_at": now,
            "fields": dict(change.fields) if change.fields else None,
        }
        for change in made
    ]
    listening = fanout.handlers_for(conn, {change.event.upper() for change in made})
    if not listening:
        conn.execute(insert(event_records), rows)
    else:
        ids = insert_returning_ids(conn, event_records, rows)
        for record_id, change in zip(ids, made, strict=True):
            event = change.event.upper()
            fanout.deliver(
                conn,
                handler_ids=listening.get(event, []),
                event=event,
                data={"FIELDS": {"ID": str(change.entity_id), **(change.fields or {})}},
                user_id=user_id,
                now=now,
                record_id=record_id,
            )
    offline.queue(conn, rows, user_id=user_id, now=now, auth_connector=AUTH_CONNECTOR.get())
