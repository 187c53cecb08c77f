"""Binding an application's handlers to placements, and reading them back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.exc import IntegrityError

from leadcrm.apps.service import when_uninstalled
from leadcrm.placements.tables import placements
from leadcrm.users.service import utcnow

LABELS = ("TITLE", "DESCRIPTION", "GROUP_NAME")


class AlreadyBound(Exception):
    """The application has this handler on this placement already."""


def lang_all(
    sent: object, *, title: str, description: str, group_name: str
) -> dict[str, dict[str, str]]:
    """Each language's TITLE, DESCRIPTION and GROUP_NAME; the portal's language if none was sent."""
    default = {"en": {"TITLE": title, "DESCRIPTION": description, "GROUP_NAME": group_name}}
    kept: dict[str, dict[str, str]] = {}
    for language, labels in sent.items() if isinstance(sent, Mapping) else ():
        if isinstance(labels, Mapping):
            upper = {str(k).upper(): v for k, v in labels.items()}
            kept[str(language).lower()] = {key: str(upper.get(key) or "") for key in LABELS}
    # Nothing usable sent (no map, or no language with labels) is as if nothing was sent.
    return kept or default


def bind(
    conn: Connection,
    *,
    app_id: int,
    placement: str,
    handler: str,
    title: str,
    description: str,
    group_name: str,
    languages: dict[str, dict[str, str]],
    options: dict[str, Any],
) -> None:
    try:
        # A savepoint: two binds of one handler at once meet at the unique constraint, and
        # the loser's transaction must still answer its error.
        with conn.begin_nested():
            conn.execute(
                insert(placements).values(
                    app_id=app_id,
                    placement=placement,
                    handler=handler,
                    user_id=0,
                    title=title,
                    description=description,
                    group_name=group_name,
                    lang_all=languages,
                    options=options,
                    created_at=utcnow(),
                )
            )
    except IntegrityError as exc:
        raise AlreadyBound from exc


def unbind(
    conn: Connection, *, app_id: int, placement: str, handler: str, user_id: int | None
) -> int:
    """Remove the app's handlers on ``placement`` (one handler's, or all); how many went."""
    condition = [placements.c.app_id == app_id, placements.c.placement == placement]
    if handler:
        condition.append(placements.c.handler == handler)
    if user_id is not None:
        condition.append(placements.c.user_id == user_id)
    return conn.execute(delete(placements).where(*condition)).rowcount


def handlers_of(conn: Connection, *, app_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(placements).where(placements.c.app_id == app_id).order_by(placements.c.id)
    ).mappings()
    return [
        {
            "placement": row["placement"],
            "userId": row["user_id"],
            "handler": row["handler"],
            # PHP's empty array: a placement without options answers [] rather than {}.
            "options": row["options"] or [],
            "title": row["title"],
            "description": row["description"],
            "langAll": row["lang_all"],
        }
        for row in rows
    ]


def _remove_app(conn: Connection, app_id: int) -> None:
    conn.execute(delete(placements).where(placements.c.app_id == app_id))


when_uninstalled(_remove_app)
