"""What this server tells applications about itself: its address, member_id and endpoints."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import Connection, select

from leadcrm.files.tables import secrets
from leadcrm.settings import Settings

MEMBER_ID = "member_id"


@dataclass(frozen=True, slots=True)
class Portal:
    member_id: str
    domain: str  # host[:port] of the public URL, as Bitrix24 sends its portal's address
    https: bool
    rest_endpoint: str  # client_endpoint and server_endpoint: this server is both

    @property
    def protocol(self) -> str:
        """``PROTOCOL`` in a frame or install call: 1 for HTTPS, 0 for HTTP."""
        return "1" if self.https else "0"


def portal(conn: Connection, settings: Settings) -> Portal:
    stored = conn.execute(select(secrets.c.value).where(secrets.c.name == MEMBER_ID)).scalar()
    if stored is None:
        raise RuntimeError("the database has no member_id; run the migrations")
    url = urlsplit(settings.public_url)
    return Portal(
        member_id=bytes(stored).decode(),
        domain=url.netloc,
        https=url.scheme == "https",
        rest_endpoint=settings.rest_base_url,
    )
