"""One round of delivery: claim due deliveries, send them at once, record how each went.

A claim is an UPDATE of rows picked ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite has one
writer at a time anyway): any number of workers on one database never take the same row. The
claim leases the row; a worker that dies mid-send leaves a lease that lapses, and the row is
sent again: at least once, never lost.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Connection, insert, select, update

from leadcrm.apps.portal import Portal, portal
from leadcrm.apps.tables import apps
from leadcrm.apps.tokens import issue_access, issue_pair
from leadcrm.events import handlers, payload
from leadcrm.events.catalog import APP_EVENTS
from leadcrm.events.safety import Network, parse_networks, resolved_refused
from leadcrm.events.tables import event_attempts, event_deliveries, event_handlers
from leadcrm.runtime import Runtime
from leadcrm.users.service import utcnow
from leadcrm.users.tables import users

BODY_CAP = 4096  # bytes of an answer read; never kept whole
ERROR_CAP = 200


@dataclass(slots=True)
class Claimed:
    id: int
    uid: str
    event: str
    data: dict[str, Any]
    user_id: int
    attempt: int
    created_at: datetime
    handler_id: int
    url: str
    secret: str
    disabled: bool
    body: str = ""
    ts: int = 0


@dataclass(frozen=True, slots=True)
class Outcome:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class TokenCache:
    """Access tokens for payloads, one per app and user, reused until near their expiry; and
    the portal's description, which never changes.

    Held in this worker's memory only: a lost cache costs a new token, nothing else.
    """

    def __init__(self) -> None:
        self._tokens: dict[tuple[int, int], tuple[str, datetime]] = {}
        self._portal: Portal | None = None

    def portal(self, conn: Connection, runtime: Runtime) -> Portal:
        if self._portal is None:
            self._portal = portal(conn, runtime.settings)
        return self._portal

    def token(self, conn: Connection, *, app_id: int, user_id: int) -> str:
        kept = self._tokens.get((app_id, user_id))
        if kept is not None and kept[1] - utcnow() > timedelta(minutes=10):
            return kept[0]
        token, expires = issue_access(conn, app_id=app_id, user_id=user_id)
        self._tokens[(app_id, user_id)] = (token, expires)
        return token


def anything_due(conn: Connection) -> bool:
    """Whether a claim would find something: a read, so that idle polling never takes the
    writer's lock (SQLite) or writes (PostgreSQL)."""
    now = utcnow()
    found = conn.execute(
        select(event_deliveries.c.id)
        .where(
            event_deliveries.c.status == "pending",
            event_deliveries.c.due_at <= now,
            (event_deliveries.c.leased_until.is_(None)) | (event_deliveries.c.leased_until < now),
        )
        .limit(1)
    ).first()
    return found is not None


def claim(conn: Connection, runtime: Runtime, tokens: TokenCache, *, limit: int) -> list[Claimed]:
    now = utcnow()
    due = (
        select(event_deliveries.c.id)
        .where(
            event_deliveries.c.status == "pending",
            event_deliveries.c.due_at <= now,
            (event_deliveries.c.leased_until.is_(None)) | (event_deliveries.c.leased_until < now),
        )
        .order_by(event_deliveries.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(
        conn.execute(
            update(event_deliveries)
            .where(event_deliveries.c.id.in_(due.scalar_subquery()))
            .values(
                leased_until=now + timedelta(seconds=runtime.settings.events_lease_seconds),
                attempts=event_deliveries.c.attempts + 1,
            )
            .returning(event_deliveries.c.id)
        ).scalars()
    )
    if not ids:
        return []
    rows = conn.execute(
        select(
            event_deliveries,
            event_handlers.c.handler,
            event_handlers.c.secret,
            event_handlers.c.app_id,
            event_handlers.c.auth_type,
            event_handlers.c.application_token.label("webhook_token"),
            event_handlers.c.disabled_at,
            apps.c.application_token.label("app_token"),
            apps.c.scopes,
            apps.c.installed,
            apps.c.installed_by,
        )
        .join(event_handlers, event_handlers.c.id == event_deliveries.c.handler_id)
        .outerjoin(apps, apps.c.id == event_handlers.c.app_id)
        .where(event_deliveries.c.id.in_(ids))
        .order_by(event_deliveries.c.id)
    ).mappings()
    here = tokens.portal(conn, runtime)
    claimed = []
    for row in rows:
        item = Claimed(
            id=row["id"],
            uid=row["uid"],
            event=row["event"],
            data=row["data"] or {},
            user_id=row["user_id"],
            attempt=row["attempts"],
            created_at=row["created_at"],
            handler_id=row["handler_id"],
            url=row["handler"],
            secret=row["secret"],
            disabled=row["disabled_at"] is not None and row["event"] != "ONAPPUNINSTALL",
        )
        if not item.disabled:
            _prepare(conn, item, row, here, tokens)
        claimed.append(item)
    return claimed


def _prepare(conn: Connection, item: Claimed, row: Any, here: Portal, tokens: TokenCache) -> None:
    app: payload.AppAuth | None = None
    if row["app_id"] is not None:
        acting = row["auth_type"] or item.user_id or row["installed_by"] or 0
        access, refresh = None, None
        live = bool(row["installed"] and acting and _active(conn, acting))
        if live and item.event == "ONOFFLINEEVENT":
            # The one event (with ONAPPINSTALL) that carries a refresh token: the app reads
            # its queue later, without a user.
            pair = issue_pair(conn, app_id=row["app_id"], user_id=acting)
            access, refresh = pair.access_token, pair.refresh_token
        elif live and (item.event not in APP_EVENTS or item.event == "ONAPPTEST"):
            access = tokens.token(conn, app_id=row["app_id"], user_id=acting)
        scope = ",".join(s for s in str(row["scopes"] or "").split(",") if s)
        app = payload.AppAuth(
            row["app_token"] or "",
            scope,
            access,
            refresh_token=refresh,
            bare=item.event == "ONAPPUNINSTALL",
        )
    auth = payload.auth_keys(portal=here, app=app, webhook_token=row["webhook_token"] or "")
    item.ts = int(item.created_at.replace(tzinfo=UTC).timestamp())
    item.body = payload.form_body(
        event=item.event, handler_id=item.handler_id, data=item.data, ts=item.ts, auth=auth
    )


def _active(conn: Connection, user_id: int) -> bool:
    return bool(conn.execute(select(users.c.active).where(users.c.id == user_id)).scalar())


async def send_one(
    clients: asyncio.Queue[httpx.AsyncClient], item: Claimed, *, allowed: Sequence[Network]
) -> Outcome:
    """Send ``item`` on a client borrowed from ``clients``: as many at once as there are."""
    if item.disabled:
        return Outcome(None, "the handler is disabled", 0)
    client = await clients.get()
    try:
        return await send(client, item, allowed=allowed)
    finally:
        clients.put_nowait(client)


async def send(client: httpx.AsyncClient, item: Claimed, *, allowed: Sequence[Network]) -> Outcome:
    started = time.perf_counter()
    refused = await _refused(item.url, allowed)
    if refused is not None:
        return Outcome(None, refused, 0)
    # Signed with the moment of sending (the body's ts is that of the change): a receiver
    # that refuses old timestamps refuses replays, and still takes a late retry.
    headers = payload.headers(uid=item.uid, ts=int(time.time()), secret=item.secret, body=item.body)
    try:
        async with client.stream("POST", item.url, content=item.body, headers=headers) as answer:
            read = 0
            async for chunk in answer.aiter_raw():
                read += len(chunk)
                if read >= BODY_CAP:
                    break
            status = answer.status_code
    except httpx.HTTPError as exc:
        return Outcome(None, type(exc).__name__, _ms(started))
    return Outcome(status, "" if 200 <= status < 300 else f"HTTP {status}", _ms(started))


_resolved: dict[tuple[str, tuple[Network, ...]], tuple[float, str | None]] = {}


async def _refused(url: str, allowed: Sequence[Network]) -> str | None:
    # Resolved again at most every 30 s per URL, in a thread (getaddrinfo blocks).
    key = (url, tuple(allowed))
    kept = _resolved.get(key)
    if kept is not None and kept[0] > time.monotonic():
        return kept[1]
    verdict = await asyncio.to_thread(resolved_refused, url, allowed)
    _resolved[key] = (time.monotonic() + 30.0, verdict)
    return verdict


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def settle(
    conn: Connection,
    runtime: Runtime,
    claimed: Sequence[Claimed],
    outcomes: Sequence[Outcome],
) -> None:
    settings = runtime.settings
    now = utcnow()
    conn.execute(
        insert(event_attempts),
        [
            {
                "delivery_id": item.id,
                "attempt": item.attempt,
                "at": now,
                "status_code": outcome.status_code,
                "error": outcome.error[:ERROR_CAP],
                "duration_ms": outcome.duration_ms,
            }
            for item, outcome in zip(claimed, outcomes, strict=True)
        ],
    )
    done = [item.id for item, outcome in zip(claimed, outcomes, strict=True) if outcome.delivered]
    if done:
        _finish(conn, done, "delivered", now)
    for item, outcome in zip(claimed, outcomes, strict=True):
        if outcome.delivered:
            continue
        if item.disabled:
            _finish(conn, [item.id], "disabled", now)
        elif outcome.status_code == 410:
            handlers.disable(conn, handler_id=item.handler_id)
            _finish(conn, [item.id], "disabled", now)
        else:
            delay = backoff(
                item.attempt,
                first=settings.events_retry_first_seconds,
                cap=settings.events_retry_max_delay_seconds,
            )
            due = now + timedelta(seconds=delay)
            if (due - item.created_at).total_seconds() > settings.events_retry_for_seconds:
                _finish(conn, [item.id], "failed", now)
            else:
                conn.execute(
                    update(event_deliveries)
                    .where(event_deliveries.c.id == item.id)
                    .values(due_at=due, leased_until=None)
                )


def backoff(attempt: int, *, first: float, cap: float) -> float:
    """Exponential from ``first``, capped, with full jitter over its upper half."""
    ceiling = float(min(cap, first * 2 ** max(attempt - 1, 0)))
    return ceiling / 2 + random.random() * ceiling / 2


def _finish(conn: Connection, ids: list[int], status: str, now: datetime) -> None:
    conn.execute(
        update(event_deliveries)
        .where(event_deliveries.c.id.in_(ids))
        .values(status=status, finished_at=now, leased_until=None)
    )


def allowed_networks(runtime: Runtime) -> list[Network]:
    return parse_networks(runtime.settings.events_allow_networks)
