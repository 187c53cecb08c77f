"""An application's custom field types, and the full type codes fields are made with."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from leadcrm.apps.service import when_uninstalled
from leadcrm.userfieldtypes.tables import field_types
from leadcrm.users.service import utcnow

# The parameter tables say a-z0-9, but every example (test_type, my_custom_type_2, the
# overview's phone_data) has an underscore; a client copying them must not be refused.
CODE_PATTERN = re.compile(r"[a-z0-9_]+")
MAX_FULL_CODE = 50
_FULL_CODE = re.compile(r"rest_(\d+)_([a-z0-9_]+)")


@dataclass(frozen=True, slots=True)
class FieldType:
    app_id: int
    code: str
    handler: str
    title: str
    description: str
    height: int

    @property
    def full_code(self) -> str:
        return full_code(self.app_id, self.code)


class Taken(Exception):
    """The code or the handler is already one of the app's types."""


def full_code(app_id: int, code: str) -> str:
    return f"rest_{app_id}_{code}"


def fits(app_id: int, code: str) -> bool:
    return bool(CODE_PATTERN.fullmatch(code)) and len(full_code(app_id, code)) <= MAX_FULL_CODE


def _row(row: object) -> FieldType:
    mapping = row._mapping  # type: ignore[attr-defined]
    return FieldType(
        mapping["app_id"],
        mapping["code"],
        mapping["handler"],
        mapping["title"],
        mapping["description"],
        mapping["height"],
    )


def find(conn: Connection, *, app_id: int, code: str) -> FieldType | None:
    row = conn.execute(
        select(field_types).where(field_types.c.app_id == app_id, field_types.c.code == code)
    ).first()
    return None if row is None else _row(row)


def find_full(conn: Connection, type_id: str) -> FieldType | None:
    """The registered type behind ``rest_{appId}_{code}``, or None."""
    match = _FULL_CODE.fullmatch(type_id)
    if match is None:
        return None
    return find(conn, app_id=int(match.group(1)), code=match.group(2))


def all_types(conn: Connection) -> list[FieldType]:
    return [_row(r) for r in conn.execute(select(field_types).order_by(field_types.c.id))]


def _handler_taken(conn: Connection, *, app_id: int, handler: str, other_than: str) -> bool:
    return (
        conn.execute(
            select(field_types.c.id).where(
                field_types.c.app_id == app_id,
                field_types.c.handler == handler,
                field_types.c.code != other_than,
            )
        ).first()
        is not None
    )


def add(
    conn: Connection,
    *,
    app_id: int,
    code: str,
    handler: str,
    title: str,
    description: str,
    height: int,
) -> None:
    if _handler_taken(conn, app_id=app_id, handler=handler, other_than=code):
        raise Taken
    try:
        with conn.begin_nested():
            conn.execute(
                insert(field_types).values(
                    app_id=app_id,
                    code=code,
                    handler=handler,
                    title=title,
                    description=description,
                    height=height,
                    created_at=utcnow(),
                )
            )
    except IntegrityError as exc:
        raise Taken from exc


def change(conn: Connection, *, app_id: int, code: str, values: dict[str, object]) -> bool:
    """Apply ``values`` (handler, title, description, height); False if there is no such type."""
    handler = values.get("handler")
    if isinstance(handler, str) and _handler_taken(
        conn, app_id=app_id, handler=handler, other_than=code
    ):
        raise Taken
    where = (field_types.c.app_id == app_id, field_types.c.code == code)
    if not values:
        return find(conn, app_id=app_id, code=code) is not None
    return bool(conn.execute(update(field_types).where(*where).values(**values)).rowcount)


def remove(conn: Connection, *, app_id: int, code: str) -> bool:
    where = (field_types.c.app_id == app_id, field_types.c.code == code)
    return bool(conn.execute(delete(field_types).where(*where)).rowcount)


def page(conn: Connection, *, app_id: int, start: int, size: int) -> tuple[list[FieldType], int]:
    """The app's types, the newest first (as the list example shows), and how many there are."""
    total = conn.execute(
        select(func.count()).select_from(field_types).where(field_types.c.app_id == app_id)
    ).scalar_one()
    rows = conn.execute(
        select(field_types)
        .where(field_types.c.app_id == app_id)
        .order_by(field_types.c.id.desc())
        .offset(start)
        .limit(size)
    )
    return [_row(r) for r in rows], total


def _remove_app(conn: Connection, app_id: int) -> None:
    conn.execute(delete(field_types).where(field_types.c.app_id == app_id))


when_uninstalled(_remove_app)
