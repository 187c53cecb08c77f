"""Writing event records: the caller's transaction holds them, so they stand or fall with it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert

from leadcrm.events.tables import event_records
from leadcrm.users.service import utcnow


@dataclass(frozen=True, slots=True)
class Change:
    event: str
    entity: str
    entity_id: int
    fields: Mapping[str, Any] | None = field(default=None)


def record(conn: Connection, *, changes: Iterable[Change], user_id: int) -> None:
    now = utcnow()
    rows = [
        {
            "event": change.event.upper(),
            "entity": change.entity,
            "entity_id": change.entity_id,
            "user_id": user_id,
            "created_at": now,
            "fields": dict(change.fields) if change.fields else None,
        }
        for change in changes
    ]
    if rows:
        conn.execute(insert(event_records), rows)
