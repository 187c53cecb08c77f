"""Handler URLs an application gives (placements, field types, events): http(s), with a host."""

from __future__ import annotations

from urllib.parse import urlsplit


def check_handler_url(url: str) -> str | None:
    """None for a usable handler URL, else why not: ``scheme`` or ``url``."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return "url"
    if parts.scheme.lower() not in ("http", "https"):
        return "scheme" if parts.scheme and host else "url"
    if not host or any(c.isspace() for c in url.strip()):
        return "url"
    return None


def host_of(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""
