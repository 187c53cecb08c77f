"""Offline events: changes queued for applications that read them (event.offline.*) instead
of being called.

An application binds a handler with ``event_type=offline`` (no URL, maybe an
``auth_connector``). Each change recorded for that event then lands in the application's
queue for that connector, one row per event and object holding the object's latest change:
"If the same deal is modified 1000 times, only one record with the timestamp of the last
change will remain". A change made by a call that carries the same ``auth_connector`` is not
queued there (the application's own echo); other queues still get it.

A row is queued, then maybe reserved under a process id (``event.offline.get`` with clear=0)
until ``event.offline.clear`` deletes it, or marked as an error (``event.offline.error``),
which releases it for a reader that asks for erroneous rows. A new change of a queued object
updates its row in place, whatever its state: a new time and data, no reservation, no error
mark. The reserving reader's clear then leaves it, and the next reader gets the new change.
Reserved rows are deleted after 30 days.

An application's online ONOFFLINEEVENT handler hears that its queue grew, at most once per
``options.minTimeout`` seconds (default 1; 0: once per transaction, that is per call or
batch). The throttle is the ``event_offline_notice`` table, so every process honours it.
"""

from __future__ import annotations

import secrets
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Insert,
    RowMapping,
    delete,
    exists,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RootTransaction

from leadcrm.apps.service import when_uninstalled
from leadcrm.apps.tables import apps
from leadcrm.events import fanout
from leadcrm.events.tables import (
    event_handlers,
    event_offline,
    event_offline_notices,
    event_offline_processes,
)

NOTIFY_EVENT = "ONOFFLINEEVENT"
DEFAULT_MIN_TIMEOUT = 1.0
RESERVATION_DAYS = 30

_h = event_handlers.c
_q = event_offline.c


def _live() -> tuple[ColumnElement[bool], ...]:
    return (_h.unbound_at.is_(None), _h.disabled_at.is_(None))


# --- Queueing (from record(), in the change's transaction) ----------------------------------


def queue(
    conn: Connection,
    rows: Sequence[Mapping[str, Any]],
    *,
    user_id: int,
    now: datetime,
    auth_connector: str,
) -> None:
    """Queue the recorded ``rows`` (event_record rows) for the offline handlers of their events.

    With no offline handler for them, one indexed query is all this costs.
    """
    queues = _queues_of(conn, {row["event"] for row in rows})
    if not queues:
        return
    latest: dict[tuple[int, str, str, str], dict[str, Any]] = {}
    for row in rows:
        message_id = str(row["entity_id"])
        for app_id, connector in queues.get(row["event"], ()):
            if auth_connector and connector == auth_connector:
                continue  # the application's own change, made through this connector
            latest[(app_id, connector, row["event"], message_id)] = {
                "app_id": app_id,
                "connector": connector,
                "event_name": row["event"],
                "message_id": message_id,
                "event_data": {"FIELDS": {"ID": message_id, **(row["fields"] or {})}},
                "event_additional": {"user_id": str(user_id)},
                "timestamp_x": now,
                "error": False,
            }
    if not latest:
        return
    # One row per key (a statement may not upsert a row twice), in key order: two
    # transactions queueing the same objects lock their rows in the same order.
    conn.execute(_upsert(conn), [latest[key] for key in sorted(latest)])
    _notify(conn, app_ids={key[0] for key in latest}, user_id=user_id, now=now)


def _queues_of(conn: Connection, events: set[str]) -> dict[str, set[tuple[int, str]]]:
    """Per event, the (application, connector) queues of its live offline handlers."""
    found: dict[str, set[tuple[int, str]]] = {}
    rows = conn.execute(
        select(_h.event, _h.app_id, _h.auth_connector)
        .join(apps, apps.c.id == _h.app_id)
        .where(
            _h.event.in_(sorted(events)),
            _h.offline.is_(True),
            *_live(),
            apps.c.installed.is_(True),
        )
    )
    for event, app_id, connector in rows:
        found.setdefault(event, set()).add((app_id, connector))
    return found


def _dialect_insert(conn: Connection, table: Any) -> Any:
    dialect: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def _upsert(conn: Connection) -> Insert:
    statement = _dialect_insert(conn, event_offline)
    upsert: Insert = statement.on_conflict_do_update(
        index_elements=["app_id", "connector", "event_name", "message_id"],
        set_={
            "timestamp_x": statement.excluded.timestamp_x,
            "event_data": statement.excluded.event_data,
            "event_additional": statement.excluded.event_additional,
            "process_id": None,
            "reserved_at": None,
            "error": False,
        },
    )
    return upsert


# --- ONOFFLINEEVENT -------------------------------------------------------------------------


def _notify(conn: Connection, *, app_ids: set[int], user_id: int, now: datetime) -> None:
    listening = conn.execute(
        select(_h.id, _h.options).where(
            _h.event == NOTIFY_EVENT,
            _h.app_id.in_(sorted(app_ids)),
            _h.offline.is_(False),
            *_live(),
        )
    ).all()
    due = [
        handler_id
        for handler_id, options in listening
        if _due(conn, handler_id, min_timeout(options), now)
    ]
    # The data "arrives empty": the handler reads the queue itself.
    fanout.deliver(conn, handler_ids=due, event=NOTIFY_EVENT, data={}, user_id=user_id, now=now)


def min_timeout(options: object) -> float:
    """``options.minTimeout`` in seconds; the documented 1 when absent or not a number >= 0."""
    if not isinstance(options, Mapping):
        return DEFAULT_MIN_TIMEOUT
    raw = next((v for k, v in options.items() if str(k).lower() == "mintimeout"), None)
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        return DEFAULT_MIN_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_MIN_TIMEOUT
    return value if 0 <= value < 10**9 else DEFAULT_MIN_TIMEOUT


def _due(conn: Connection, handler_id: int, timeout: float, now: datetime) -> bool:
    if timeout <= 0:
        return _first_in_transaction(conn, handler_id)
    threshold = now - timedelta(seconds=timeout)
    notices = event_offline_notices.c
    last = conn.execute(
        select(notices.notified_at).where(notices.handler_id == handler_id)
    ).scalar_one_or_none()
    if last is not None and last > threshold:
        return False  # the usual answer while changes come quickly: no lock taken
    # Taking the turn is one conditional upsert: of two transactions at once, the second
    # waits for the first's row and then finds it notified.
    statement = _dialect_insert(conn, event_offline_notices).values(
        handler_id=handler_id, notified_at=now
    )
    taken = statement.on_conflict_do_update(
        index_elements=["handler_id"],
        set_={"notified_at": statement.excluded.notified_at},
        where=notices.notified_at <= threshold,
    ).returning(notices.handler_id)
    return conn.execute(taken).first() is not None


# minTimeout=0: "within a single call ... only one notification is sent". A call (or a whole
# batch) is one transaction; which handlers it has notified is kept beside the transaction
# and goes with it.
_notified: weakref.WeakKeyDictionary[RootTransaction, set[int]] = weakref.WeakKeyDictionary()


def _first_in_transaction(conn: Connection, handler_id: int) -> bool:
    transaction = conn.get_transaction()
    if transaction is None:
        return True
    done = _notified.setdefault(transaction, set())
    if handler_id in done:
        return False
    done.add(handler_id)
    return True


# --- Reading the queue (event.offline.*) ----------------------------------------------------


class UnknownProcess(Exception):
    """The process id was never issued to this application, or its batch is gone: cleared
    whole, or kept past 30 days."""


@dataclass(frozen=True, slots=True)
class Taken:
    process_id: str | None
    rows: list[RowMapping]


def take(
    conn: Connection,
    *,
    app_id: int,
    connector: str,
    where: ColumnElement[bool],
    order: Sequence[ColumnElement[Any]],
    limit: int,
    clear: bool,
    process_id: str | None,
    errors: bool,
    now: datetime,
) -> Taken:
    """event.offline.get: the first ``limit`` rows of a queue, deleted (``clear``) or reserved
    under a new process id; with ``process_id``, the rows that process still holds (of
    whichever connector's queue it took them from).

    Rows are picked FOR UPDATE SKIP LOCKED (PostgreSQL; SQLite has one writer at a time), so
    parallel readers never get the same row.
    """
    _purge_expired(conn, app_id=app_id, now=now)
    if process_id:
        _require_known(conn, app_id=app_id, process_id=process_id)
        scope = [_q.app_id == app_id, _q.process_id == process_id, where]
    else:
        scope = [_q.app_id == app_id, _q.connector == connector, _q.process_id.is_(None), where]
        if not errors:
            scope.append(_q.error.is_(False))
    picked = (
        select(event_offline)
        .where(*scope)
        .order_by(*order)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = list(conn.execute(picked).mappings())
    ids = [row["id"] for row in rows]
    if clear:
        if ids:
            conn.execute(delete(event_offline).where(_q.id.in_(ids)))
        if process_id:
            _forget_if_empty(conn, process_id)
        return Taken(None, rows)
    if process_id is None and ids:
        process_id = secrets.token_hex(16)
        conn.execute(
            insert(event_offline_processes).values(
                process_id=process_id, app_id=app_id, created_at=now
            )
        )
        conn.execute(
            update(event_offline)
            .where(_q.id.in_(ids))
            .values(process_id=process_id, reserved_at=now)
        )
    return Taken(process_id, rows)


def _purge_expired(conn: Connection, *, app_id: int, now: datetime) -> None:
    """Reserved batches are kept for 30 days, then deleted. Rows another transaction holds
    are left for the next time, so a reader never waits here."""
    oldest = now - timedelta(days=RESERVATION_DAYS)
    expired = (
        select(_q.id)
        .where(_q.app_id == app_id, _q.process_id.is_not(None), _q.reserved_at < oldest)
        .with_for_update(skip_locked=True)
    )
    ids = list(conn.execute(expired).scalars())
    if ids:
        conn.execute(delete(event_offline).where(_q.id.in_(ids)))
    processes = event_offline_processes.c
    conn.execute(
        delete(event_offline_processes).where(
            processes.app_id == app_id, processes.created_at < oldest
        )
    )


def _require_known(conn: Connection, *, app_id: int, process_id: str) -> None:
    processes = event_offline_processes.c
    known = conn.execute(
        select(processes.process_id).where(
            processes.process_id == process_id, processes.app_id == app_id
        )
    ).first()
    if known is None:
        raise UnknownProcess(process_id)


def _forget_if_empty(conn: Connection, process_id: str) -> None:
    """A process whose batch is cleared whole is over: its id is unknown from then on."""
    holds = exists().where(_q.process_id == process_id)
    conn.execute(
        delete(event_offline_processes).where(
            event_offline_processes.c.process_id == process_id, ~holds
        )
    )


def clear(
    conn: Connection,
    *,
    app_id: int,
    process_id: str,
    ids: Sequence[int] | None = None,
    message_ids: Sequence[str] | None = None,
) -> None:
    """event.offline.clear: delete the process's rows (those of ``ids``, else of
    ``message_ids``, else all). A row that changed again since it was reserved has left the
    process (it is queued anew) and stays."""
    _require_known(conn, app_id=app_id, process_id=process_id)
    condition = [_q.app_id == app_id, _q.process_id == process_id]
    if ids:
        condition.append(_q.id.in_(sorted(set(ids))))
    elif message_ids:
        condition.append(_q.message_id.in_(sorted(set(message_ids))))
    conn.execute(delete(event_offline).where(*condition))
    _forget_if_empty(conn, process_id)


def mark_errors(
    conn: Connection,
    *,
    app_id: int,
    process_id: str,
    message_ids: Sequence[str] | None = None,
) -> None:
    """event.offline.error: mark the process's rows of ``message_ids`` (else all) as errors
    and release them from the process: its clear no longer deletes them, and a reader asking
    for erroneous rows (error=1) gets them again."""
    _require_known(conn, app_id=app_id, process_id=process_id)
    condition = [_q.app_id == app_id, _q.process_id == process_id]
    if message_ids:
        condition.append(_q.message_id.in_(sorted(set(message_ids))))
    conn.execute(
        update(event_offline)
        .where(*condition)
        .values(error=True, process_id=None, reserved_at=None)
    )


# --- An uninstalled application's queue goes with it ---------------------------------------


def _remove_app(conn: Connection, app_id: int) -> None:
    conn.execute(delete(event_offline).where(_q.app_id == app_id))
    conn.execute(delete(event_offline_processes).where(event_offline_processes.c.app_id == app_id))
    notices = event_offline_notices.c
    conn.execute(
        delete(event_offline_notices).where(
            notices.handler_id.in_(select(_h.id).where(_h.app_id == app_id))
        )
    )


when_uninstalled(_remove_app)
