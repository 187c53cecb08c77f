"""Files of `file` custom fields: uploads read from a call, rows kept, download links signed."""

from __future__ import annotations

import binascii
import hashlib
import hmac
import mimetypes
import os
import re
import threading
import unicodedata
import weakref
from base64 import urlsafe_b64encode
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath
from typing import TypeGuard

from sqlalchemy import Connection, Engine, Insert, RowMapping, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RootTransaction

from leadcrm.catalogue.kinds import FieldValueError
from leadcrm.db.bulk import insert_returning_ids
from leadcrm.files.tables import files, secrets
from leadcrm.users.service import utcnow

DEFAULT_NAME = "file"
DEFAULT_CONTENT_TYPE = "application/octet-stream"
MAX_NAME_LENGTH = 255
LINK_LIFETIME = timedelta(hours=24)
LINK_SECRET = "file_links"


@dataclass(frozen=True, slots=True)
class Upload:
    name: str
    content: bytes


# --- uploads ---------------------------------------------------------------------------------


def parse_upload(value: object, *, max_bytes: int) -> Upload | None:
    """The file in a field's value, or None when the value is no upload (a file ID, ``{"id": 5}``).

    The files pages document ``{"fileData": ["name.pdf", "<base64>"]}`` for crm.lead.add; a
    ``fileData`` of the content alone, or a bare ``["name.pdf", "<base64>"]`` pair, also work.
    For a multiple field, ask about the whole value before its items: a pair is one file.
    """
    if isinstance(value, dict):
        if "fileData" not in value:
            return None
        data = value["fileData"]
        if isinstance(data, str):
            return _upload(None, data, max_bytes)
        if _strings(data, lengths=(1, 2)):
            return _upload(data[0] if len(data) == 2 else None, data[-1], max_bytes)
        raise FieldValueError('fileData must be ["file name", "base64 content"]')
    # Two digit strings are two file IDs of a multiple field, not a name and a content.
    if _strings(value, lengths=(2,)) and not value[0].isdigit():
        return _upload(value[0], value[1], max_bytes)
    return None


def _strings(value: object, *, lengths: tuple[int, ...]) -> TypeGuard[list[str]]:
    return (
        isinstance(value, list)
        and len(value) in lengths
        and all(isinstance(item, str) for item in value)
    )


def _upload(name: str | None, encoded: str, max_bytes: int) -> Upload:
    return Upload(name=clean_name(name), content=decode_content(encoded, max_bytes=max_bytes))


_URL_SAFE = str.maketrans("-_", "+/")
_DATA_URL = re.compile(r"data:[^,]*;base64,", re.IGNORECASE)


def decode_content(encoded: str, *, max_bytes: int) -> bytes:
    """Strict base64 (either alphabet, padding optional, a ``data:...;base64,`` prefix allowed)."""
    text = encoded.strip()
    if prefix := _DATA_URL.match(text):
        text = text[prefix.end() :]
    # Encoders that wrap lines put newlines in; a space, though, is most likely a "+" that
    # form encoding turned into one, and reading past it would store a corrupted file.
    text = text.replace("\r", "").replace("\n", "")
    # Refused before decoding: a too long string is not worth the memory.
    if len(text) > 4 * -(-max_bytes // 3):
        raise FieldValueError(f"the file is larger than {max_bytes} bytes")
    if "-" in text or "_" in text:
        if "+" in text or "/" in text:
            raise FieldValueError("the file content is not valid base64")
        text = text.translate(_URL_SAFE)
    # The URL-safe alphabet usually goes without padding.
    text += "=" * (-len(text) % 4)
    try:
        content = binascii.a2b_base64(text.encode("ascii"), strict_mode=True)
    except (UnicodeEncodeError, binascii.Error):
        raise FieldValueError("the file content is not valid base64") from None
    if not content:
        raise FieldValueError("the file is empty")
    if len(content) > max_bytes:
        raise FieldValueError(f"the file is larger than {max_bytes} bytes")
    return content


# Control and format characters go: a right-to-left override makes "fdp.exe" look like a PDF,
# and NUL or a lone surrogate cannot even be stored.
_UNWANTED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


def clean_name(name: str | None) -> str:
    """A file name safe to store and to offer a browser: its last path part only, at most 255."""
    base = re.split(r"[/\\]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch) not in _UNWANTED_CATEGORIES)
    base = base.strip()
    if base in ("", ".", ".."):
        return DEFAULT_NAME
    if len(base) <= MAX_NAME_LENGTH:
        return base
    suffix = PurePosixPath(base).suffix
    if len(suffix) > 16:  # not an extension worth keeping
        suffix = ""
    return base[: MAX_NAME_LENGTH - len(suffix)] + suffix


def content_type_of(name: str) -> str:
    return mimetypes.guess_type(name, strict=False)[0] or DEFAULT_CONTENT_TYPE


# --- rows ------------------------------------------------------------------------------------


def store_files(conn: Connection, *, uploads: Sequence[Upload], user_id: int) -> list[int]:
    """Keep the uploads; their new ids, in the order given."""
    now = utcnow()
    rows = [
        {
            "name": upload.name,
            "content_type": content_type_of(upload.name),
            "size": len(upload.content),
            "content": upload.content,
            "created_by_id": user_id,
            "created_at": now,
        }
        for upload in uploads
    ]
    return insert_returning_ids(conn, files, rows)


def existing_files(conn: Connection, *, file_ids: Iterable[int]) -> set[int]:
    """Those of the ids that name a stored file."""
    wanted = set(file_ids)
    if not wanted:
        return set()
    return set(conn.execute(select(files.c.id).where(files.c.id.in_(wanted))).scalars())


def delete_files(conn: Connection, *, file_ids: Iterable[int]) -> None:
    doomed = set(file_ids)
    if doomed:
        conn.execute(delete(files).where(files.c.id.in_(doomed)))


def read_file(conn: Connection, *, file_id: int) -> RowMapping | None:
    """The file's row with its content (``name``, ``content_type``, ``size``, ``content``...)."""
    return conn.execute(select(files).where(files.c.id == file_id)).mappings().first()


# --- the signing key -------------------------------------------------------------------------

_secrets: weakref.WeakKeyDictionary[Engine, bytes] = weakref.WeakKeyDictionary()
_secrets_lock = threading.Lock()
# Transactions that inserted the key: it is theirs alone until they commit and gone if they roll
# back, so no process may keep it before it has been read back from a later transaction.
_uncommitted: weakref.WeakSet[RootTransaction] = weakref.WeakSet()


def signing_secret(conn: Connection) -> bytes:
    """The key that signs download links, the same for every process of the database.

    Made on first use. Two processes may make it at once: the second insert yields to the first
    (waiting for it to commit on PostgreSQL; SQLite has one writer at a time), and both answer
    the stored key.
    """
    with _secrets_lock:
        cached = _secrets.get(conn.engine)
    if cached is not None:
        return cached
    stored = _stored_secret(conn)
    transaction = conn.get_transaction()
    if stored is None:
        made: bytes | None = conn.execute(_insert_secret(conn, os.urandom(32))).scalar()
        if made is not None:
            if transaction is not None:
                _uncommitted.add(transaction)
            return made
        stored = _stored_secret(conn)
        if stored is None:
            raise RuntimeError("the link signing key was neither stored nor found")
    if transaction not in _uncommitted:
        with _secrets_lock:
            _secrets[conn.engine] = stored
    return stored


def _stored_secret(conn: Connection) -> bytes | None:
    value: bytes | None = conn.execute(
        select(secrets.c.value).where(secrets.c.name == LINK_SECRET)
    ).scalar()
    return value


def _insert_secret(conn: Connection, value: bytes) -> Insert:
    """An INSERT that yields, returning no row, to a key stored or being stored meanwhile."""
    if conn.dialect.name == "postgresql":
        statement: Insert = (
            postgresql.insert(secrets)
            .values(name=LINK_SECRET, value=value)
            .on_conflict_do_nothing(index_elements=[secrets.c.name])
        )
    else:
        statement = (
            sqlite.insert(secrets)
            .values(name=LINK_SECRET, value=value)
            .on_conflict_do_nothing(index_elements=[secrets.c.name])
        )
    return statement.returning(secrets.c.value)


# --- links -----------------------------------------------------------------------------------


def file_links(*, file_id: int, base_url: str, secret: bytes, now: datetime) -> dict[str, object]:
    """The ``id``, ``showUrl`` (shown in the browser) and ``downloadUrl`` of a file field value.

    The links carry their own proof (an expiry and an HMAC of it), valid for at least 24 hours,
    so that any process can serve them without a session. The expiry is rounded up to the hour:
    the same file gets the same links for an hour, which browsers and clients can cache.
    """
    expires = -(-(_unix(now) + int(LINK_LIFETIME.total_seconds())) // 3600) * 3600
    token = _token(secret, file_id, expires)
    url = f"{base_url.rstrip('/')}/files/{file_id}?expires={expires}&token={token}"
    return {"id": file_id, "showUrl": url + "&inline=Y", "downloadUrl": url}


def verify_link(*, file_id: int, expires: int, token: str, secret: bytes, now: datetime) -> bool:
    if expires < _unix(now):
        return False
    expected = _token(secret, file_id, expires).encode("ascii")
    return hmac.compare_digest(expected, token.encode("utf-8", "replace"))


def _token(secret: bytes, file_id: int, expires: int) -> str:
    digest = hmac.new(secret, f"{file_id}:{expires}".encode("ascii"), hashlib.sha256).digest()
    return urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _unix(moment: datetime) -> int:
    """Seconds since the epoch; a naive moment is UTC, as everywhere in leadcrm."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())
