"""GET /files/{file_id}: a file's bytes, to whoever holds a signed link to it."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import Engine, RowMapping
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from leadcrm.db.transactions import transaction
from leadcrm.files.service import read_file, signing_secret, verify_link
from leadcrm.runtime import Runtime
from leadcrm.users.service import utcnow

FORBIDDEN = "The link is invalid or has expired.\n"
GONE = "The file no longer exists.\n"

# The link is the credential, and the file is whatever a client uploaded.
_SAFETY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # An HTML or SVG file opened inline must not run scripts as this server's origin.
    "Content-Security-Policy": "sandbox",
    # Keeps the link, token included, out of the Referer of anything the file links to.
    "Referrer-Policy": "no-referrer",
    # Deleting a file must take effect, and a shared cache must never hold one.
    "Cache-Control": "no-store",
}


async def download_file(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    file_id: int = request.path_params["file_id"]
    expires = request.query_params.get("expires", "")
    token = request.query_params.get("token", "")
    if not (expires.isascii() and expires.isdigit()) or not token:
        return PlainTextResponse(FORBIDDEN, status_code=403)
    allowed, row = await run_in_threadpool(
        _authorised_file, runtime.engine, file_id=file_id, expires=int(expires), token=token
    )
    if not allowed:
        return PlainTextResponse(FORBIDDEN, status_code=403)
    if row is None:
        return PlainTextResponse(GONE, status_code=404)
    inline = request.query_params.get("inline", "").upper() == "Y"
    headers = {
        "Content-Type": row["content_type"],
        "Content-Disposition": content_disposition(row["name"], inline=inline),
        **_SAFETY_HEADERS,
    }
    return Response(row["content"], headers=headers)


def _authorised_file(
    engine: Engine, *, file_id: int, expires: int, token: str
) -> tuple[bool, RowMapping | None]:
    """Whether the link is good and, only then, the file's row (None once it is deleted)."""
    with transaction(engine, writes=False) as conn:
        good = verify_link(
            file_id=file_id,
            expires=expires,
            token=token,
            secret=signing_secret(conn),
            now=utcnow(),
        )
        return good, read_file(conn, file_id=file_id) if good else None


def content_disposition(name: str, *, inline: bool) -> str:
    """RFC 6266: the UTF-8 name for every current client, an ASCII stand-in for old ones."""
    fallback = "".join(
        ch if ch.isascii() and ch.isprintable() and ch not in '"\\' else "_" for ch in name
    )
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
