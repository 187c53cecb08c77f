"""Custom values on the wire, file fields with their signed links."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from leadcrm.crm.userfields.codec import render_value
from leadcrm.crm.userfields.definitions import Definition
from leadcrm.files.service import file_links, signing_secret
from leadcrm.users.service import utcnow

Render = Callable[[Definition, Mapping[str, Any] | None], object]


def renderer(conn: Connection, *, zone: ZoneInfo, public_url: str) -> Render:
    """Renders one field of a row's values; reads the link secret only if a file needs it."""
    now = utcnow()
    secret: list[bytes] = []

    def links(file_id: int) -> dict[str, object]:
        if not secret:
            secret.append(signing_secret(conn))
        return file_links(file_id=file_id, base_url=public_url, secret=secret[0], now=now)

    def render(definition: Definition, values: Mapping[str, Any] | None) -> object:
        stored = values.get(definition.key) if values else None
        return render_value(definition, stored, zone, links)

    return render
