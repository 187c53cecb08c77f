"""OAuth 2 tokens: made at random, stored as SHA-256 hashes, each of one kind and one grant.

An access token lives an hour, a refresh token 180 days, an authorization code 30 seconds,
as on Bitrix24. A refresh token is spent by its first use; presenting a spent one again
revokes every token of its grant, since one of the two presenters must have stolen it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from leadcrm.apps.tables import apps, tokens
from leadcrm.users.service import utcnow
from leadcrm.users.tables import users

ACCESS = "access"
REFRESH = "refresh"
CODE = "code"

ACCESS_LIFETIME = timedelta(hours=1)
REFRESH_LIFETIME = timedelta(days=180)
CODE_LIFETIME = timedelta(seconds=30)
_LIFETIMES = {ACCESS: ACCESS_LIFETIME, REFRESH: REFRESH_LIFETIME, CODE: CODE_LIFETIME}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_at: datetime  # naive UTC, when the access token stops working
    user_id: int

    @property
    def expires_in(self) -> int:
        return int(ACCESS_LIFETIME.total_seconds())


@dataclass(frozen=True, slots=True)
class AccessHolder:
    """Who an access token speaks for, and whether it still may."""

    app_id: int
    user_id: int
    scopes: frozenset[str]
    expired: bool
    user_active: bool
    user_is_admin: bool


def _store(conn: Connection, *, kind: str, app_id: int, user_id: int, grant_id: str) -> str:
    token = secrets.token_hex(32)
    now = utcnow()
    conn.execute(
        insert(tokens).values(
            app_id=app_id,
            user_id=user_id,
            kind=kind,
            token_hash=hash_token(token),
            grant_id=grant_id,
            expires_at=now + _LIFETIMES[kind],
            created_at=now,
        )
    )
    return token


def issue_pair(
    conn: Connection, *, app_id: int, user_id: int, grant_id: str | None = None
) -> TokenPair:
    """A new access and refresh token for ``user_id``, in ``grant_id`` or a new grant."""
    grant = grant_id or secrets.token_hex(16)
    access = _store(conn, kind=ACCESS, app_id=app_id, user_id=user_id, grant_id=grant)
    refresh = _store(conn, kind=REFRESH, app_id=app_id, user_id=user_id, grant_id=grant)
    return TokenPair(access, refresh, utcnow() + ACCESS_LIFETIME, user_id)


def issue_access(conn: Connection, *, app_id: int, user_id: int) -> tuple[str, datetime]:
    """An access token alone (for an event's payload), in a grant of its own."""
    token = _store(
        conn, kind=ACCESS, app_id=app_id, user_id=user_id, grant_id=secrets.token_hex(16)
    )
    return token, utcnow() + ACCESS_LIFETIME


def issue_code(conn: Connection, *, app_id: int, user_id: int) -> str:
    """A one-time authorization code that starts a grant of its own."""
    return _store(conn, kind=CODE, app_id=app_id, user_id=user_id, grant_id=secrets.token_hex(16))


class GrantRefused(Exception):
    """The code or refresh token does not (or no longer) lead to tokens: ``invalid_grant``."""


def redeem(conn: Connection, *, app_id: int, kind: str, token: str) -> TokenPair:
    """Spend a code or refresh token of ``app_id`` for a new pair in the same grant."""
    row = (
        conn.execute(
            select(tokens).where(tokens.c.token_hash == hash_token(token), tokens.c.kind == kind)
        )
        .mappings()
        .first()
    )
    if row is None or row["app_id"] != app_id:
        raise GrantRefused
    now = utcnow()
    # One UPDATE decides between two racing presenters: only one of them finds it unspent.
    spent = conn.execute(
        update(tokens)
        .where(tokens.c.id == row["id"], tokens.c.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if not spent:
        revoke_grant(conn, grant_id=row["grant_id"])
        raise GrantRefused
    if row["expires_at"] <= now:
        raise GrantRefused
    conn.execute(
        delete(tokens).where(
            tokens.c.grant_id == row["grant_id"],
            tokens.c.kind == ACCESS,
            tokens.c.expires_at <= now,
        )
    )
    return issue_pair(conn, app_id=app_id, user_id=row["user_id"], grant_id=row["grant_id"])


def revoke_grant(conn: Connection, *, grant_id: str) -> None:
    conn.execute(delete(tokens).where(tokens.c.grant_id == grant_id))


def revoke_app(conn: Connection, *, app_id: int) -> int:
    return conn.execute(delete(tokens).where(tokens.c.app_id == app_id)).rowcount


# Built once: every call with an access token runs it.
_ACCESS_BY_HASH = (
    select(
        tokens.c.app_id,
        tokens.c.user_id,
        tokens.c.expires_at,
        apps.c.scopes,
        apps.c.installed,
        users.c.active,
        users.c.is_admin,
    )
    .join(apps, apps.c.id == tokens.c.app_id)
    .join(users, users.c.id == tokens.c.user_id)
    .where(tokens.c.token_hash == bindparam("digest"), tokens.c.kind == ACCESS)
)


def access_holder(conn: Connection, *, token: str) -> AccessHolder | None:
    """The app and user behind a live access token; None for an unknown or revoked one."""
    row = conn.execute(_ACCESS_BY_HASH, {"digest": hash_token(token)}).mappings().first()
    if row is None or not row["installed"]:
        return None
    return AccessHolder(
        app_id=row["app_id"],
        user_id=row["user_id"],
        scopes=frozenset(s for s in row["scopes"].split(",") if s),
        expired=row["expires_at"] <= utcnow(),
        user_active=bool(row["active"]),
        user_is_admin=bool(row["is_admin"]),
    )
