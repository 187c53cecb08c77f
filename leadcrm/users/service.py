"""Users: plain functions over a connection, knowing nothing of HTTP."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, RowMapping, bindparam, insert, select, update

from leadcrm.catalogue import Field
from leadcrm.listing import ListQuery, ListResult, run
from leadcrm.users.tables import users

ADMIN_USER_ID = 1


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def create_user(
    conn: Connection,
    *,
    name: str,
    last_name: str = "",
    email: str = "",
    work_position: str = "",
    is_admin: bool = False,
    zone: ZoneInfo,
) -> int:
    values: dict[str, Any] = {
        "active": True,
        "name": name,
        "last_name": last_name,
        "email": email,
        "work_position": work_position,
        "date_register": utcnow(),
        "uf_department": ",1,",
        "user_type": "employee",
        "is_admin": is_admin,
    }
    user_id: int = conn.execute(insert(users).values(values).returning(users.c.id)).scalar_one()
    return user_id


def ensure_administrator(conn: Connection, *, zone: ZoneInfo) -> bool:
    """Make user 1, the administrator, on first start. True if it was made now."""
    if conn.execute(select(users.c.id).limit(1)).first():
        return False
    # No explicit id: the first row of a fresh table is 1 on both databases, and PostgreSQL's
    # sequence stays in step with it.
    conn.execute(
        insert(users).values(
            active=True,
            name="Administrator",
            last_name="",
            email="",
            date_register=utcnow(),
            uf_department=",1,",
            user_type="employee",
            is_admin=True,
        )
    )
    return True


def get_user_row(conn: Connection, *, user_id: int) -> RowMapping | None:
    return conn.execute(select(users).where(users.c.id == user_id)).mappings().first()


def user_exists(conn: Connection, *, user_id: int) -> bool:
    return conn.execute(select(users.c.id).where(users.c.id == user_id)).first() is not None


# Built once: lead adds and updates run it.
_EXISTING = select(users.c.id).where(users.c.id.in_(bindparam("user_ids", expanding=True)))


def existing_users(conn: Connection, *, user_ids: Iterable[int]) -> set[int]:
    wanted = sorted(set(user_ids))
    if not wanted:
        return set()
    return set(conn.execute(_EXISTING, {"user_ids": wanted}).scalars())


def set_active(conn: Connection, *, user_id: int, active: bool) -> bool:
    changed = conn.execute(update(users).where(users.c.id == user_id).values(active=active))
    return changed.rowcount > 0


def list_users(conn: Connection, *, query: ListQuery) -> ListResult:
    return run(conn, users, query)


def all_users(conn: Connection) -> list[RowMapping]:
    return list(conn.execute(select(users).order_by(users.c.id)).mappings())


def render_user(row: RowMapping, fields: list[Field], zone: ZoneInfo) -> dict[str, object]:
    return {f.name: f.kind.render(row[f.column], zone) for f in fields if f.column}
