"""Webhook codes: made at random, stored hashed, checked in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, RowMapping, bindparam, insert, select, update

from leadcrm.users.service import utcnow
from leadcrm.users.tables import users
from leadcrm.webhooks.tables import webhooks

CODE_LENGTH = 24

# Scopes a webhook can be given; `basic` is always granted on top.
KNOWN_SCOPES = ("crm", "user", "user_basic", "user_brief", "placement", "entity", "department")


@dataclass(frozen=True, slots=True)
class WebhookRecord:
    id: int
    user_id: int
    scopes: frozenset[str]
    user_active: bool
    user_is_admin: bool


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def parse_scopes(text: str) -> list[str]:
    scopes = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [s for s in scopes if s not in KNOWN_SCOPES and s != "basic"]
    if unknown:
        raise ValueError(f"unknown scope(s): {', '.join(unknown)}")
    return sorted(set(scopes) - {"basic"})


def create_webhook(
    conn: Connection,
    *,
    user_id: int,
    scopes: list[str],
    title: str = "",
    expires_at: datetime | None = None,
) -> tuple[int, str]:
    """A new webhook; returns its id and the code, which is never stored or shown again."""
    code = secrets.token_urlsafe(CODE_LENGTH)[:CODE_LENGTH]
    webhook_id: int = conn.execute(
        insert(webhooks)
        .values(
            user_id=user_id,
            code_hash=hash_code(code),
            title=title,
            scopes=",".join(scopes),
            created_at=utcnow(),
            expires_at=expires_at,
        )
        .returning(webhooks.c.id)
    ).scalar_one()
    return webhook_id, code


# Built once: every REST call runs it, and a prepared statement skips SQLAlchemy's per-call
# construction and cache-key work.
_BY_CODE_HASH = (
    select(webhooks, users.c.active, users.c.is_admin)
    .join(users, users.c.id == webhooks.c.user_id)
    .where(webhooks.c.code_hash == bindparam("digest"))
)


def verify(conn: Connection, *, user_id: int, code: str) -> WebhookRecord | None:
    """The live webhook behind this code and user id, with its user's standing, or None."""
    digest = hash_code(code)
    row = conn.execute(_BY_CODE_HASH, {"digest": digest}).mappings().first()
    if row is None or not hmac.compare_digest(row["code_hash"], digest):
        return None
    if row["user_id"] != user_id or row["revoked_at"] is not None:
        return None
    if row["expires_at"] is not None and row["expires_at"] <= utcnow():
        return None
    scopes = frozenset(s for s in row["scopes"].split(",") if s)
    return WebhookRecord(
        id=row["id"],
        user_id=row["user_id"],
        scopes=scopes,
        user_active=bool(row["active"]),
        user_is_admin=bool(row["is_admin"]),
    )


def list_webhooks(conn: Connection) -> list[RowMapping]:
    return list(conn.execute(select(webhooks).order_by(webhooks.c.id)).mappings())


def revoke(conn: Connection, *, webhook_id: int) -> bool:
    result = conn.execute(
        update(webhooks)
        .where(webhooks.c.id == webhook_id, webhooks.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount > 0


def webhook_url(base_url: str, *, user_id: int, code: str) -> str:
    return f"{base_url.rstrip('/')}/rest/{user_id}/{code}/"
