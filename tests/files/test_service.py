"""Uploads read from a field's value, rows kept and read back, links signed and checked."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete

from leadcrm.catalogue.kinds import FieldValueError
from leadcrm.db.engine import create_engine_for
from leadcrm.db.transactions import transaction
from leadcrm.files.service import (
    Upload,
    clean_name,
    content_type_of,
    delete_files,
    existing_files,
    file_links,
    parse_upload,
    read_file,
    signing_secret,
    store_files,
    verify_link,
)
from leadcrm.files.tables import secrets
from leadcrm.runtime import Runtime

PDF = b"%PDF-1.4 not really"
PDF64 = base64.b64encode(PDF).decode()
MAX = 1024
NOW = datetime(2026, 3, 1, 12, 30)
SECRET = b"k" * 32


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# --- uploads ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ({"fileData": ["report.pdf", PDF64]}, "report.pdf"),
        ({"fileData": [PDF64]}, "file"),
        ({"fileData": PDF64}, "file"),
        (["report.pdf", PDF64], "report.pdf"),
        # A field that keeps a file ID may also carry one; the new file wins.
        ({"id": "7", "fileData": ["report.pdf", PDF64]}, "report.pdf"),
    ],
)
def test_the_documented_forms_are_uploads(value: object, name: str) -> None:
    assert parse_upload(value, max_bytes=MAX) == Upload(name=name, content=PDF)


WRAPPED = b64(PDF * 20)


@pytest.mark.parametrize(
    ("encoded", "content"),
    [
        ("data:application/pdf;base64," + PDF64, PDF),
        (base64.urlsafe_b64encode(b"\xfb\xff\xfe?").decode(), b"\xfb\xff\xfe?"),
        (base64.urlsafe_b64encode(b"\xfb\xff").decode().rstrip("="), b"\xfb\xff"),
        (WRAPPED[:76] + "\r\n" + WRAPPED[76:], PDF * 20),
    ],
    ids=["data-url", "url-safe", "url-safe-unpadded", "wrapped-lines"],
)
def test_lenient_base64_spellings_decode(encoded: str, content: bytes) -> None:
    assert parse_upload({"fileData": ["a.bin", encoded]}, max_bytes=MAX) == Upload("a.bin", content)


@pytest.mark.parametrize(
    "value",
    [None, 5, "5", "report.pdf", {"id": 5}, {"id": "5", "remove": "Y"}, ["5", "6"], [1, 2], []],
)
def test_values_that_are_no_upload(value: object) -> None:
    assert parse_upload(value, max_bytes=MAX) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"fileData": ["a.pdf", "not base64!"]}, "not valid base64"),
        ({"fileData": ["a.pdf", "QUJDQ"]}, "not valid base64"),
        ({"fileData": ["a.pdf", PDF64 + "QQ=="]}, "not valid base64"),
        # A "+" that form encoding turned into a space must not become a corrupted file.
        ({"fileData": ["a.pdf", "ab c"]}, "not valid base64"),
        ({"fileData": ["a.pdf", "ab+-"]}, "not valid base64"),
        ({"fileData": ["a.pdf", "файл"]}, "not valid base64"),
        ({"fileData": ["a.pdf", ""]}, "empty"),
        ({"fileData": ""}, "empty"),
        ({"fileData": ["a.pdf", b64(b"x" * (MAX + 1))]}, f"larger than {MAX} bytes"),
        ({"fileData": ["a.pdf", "A" * 10 * MAX]}, f"larger than {MAX} bytes"),
        (["a.pdf", "not base64!"], "not valid base64"),
        ({"fileData": []}, "fileData must be"),
        ({"fileData": ["a", "b", "c"]}, "fileData must be"),
        ({"fileData": [1, PDF64]}, "fileData must be"),
        ({"fileData": 5}, "fileData must be"),
    ],
)
def test_bad_uploads_are_refused(value: object, message: str) -> None:
    with pytest.raises(FieldValueError, match=message):
        parse_upload(value, max_bytes=MAX)


def test_a_file_of_exactly_the_cap_is_taken() -> None:
    upload = parse_upload({"fileData": ["a.bin", b64(b"x" * MAX)]}, max_bytes=MAX)
    assert upload is not None and len(upload.content) == MAX


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\Отчёт за март.docx", "Отчёт за март.docx"),
        ("a\x00b\r\n.pdf", "ab.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("  spaced.txt  ", "spaced.txt"),
        ("", "file"),
        ("..", "file"),
        ("dir/", "file"),
        (None, "file"),
    ],
)
def test_file_names_are_cleaned(given: str | None, kept: str) -> None:
    assert clean_name(given) == kept


def test_a_long_name_is_cut_to_255_keeping_its_extension() -> None:
    name = clean_name("x" * 300 + ".pdf")
    assert len(name) == 255 and name.endswith("x.pdf")
    assert clean_name("y" * 300) == "y" * 255


def test_content_types_come_from_the_name() -> None:
    assert content_type_of("a.pdf") == "application/pdf"
    assert content_type_of("a.PNG") == "image/png"
    assert content_type_of("file") == "application/octet-stream"


# --- links -----------------------------------------------------------------------------------


def _query(url: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in url.split("?", 1)[1].split("&"))


def test_links_are_absolute_signed_and_live_at_least_a_day() -> None:
    links = file_links(file_id=12, base_url="https://crm.example.com/", secret=SECRET, now=NOW)
    assert links["id"] == 12
    download, show = str(links["downloadUrl"]), str(links["showUrl"])
    assert download.startswith("https://crm.example.com/files/12?expires=")
    assert show.startswith(download) and show != download
    query = _query(download)
    expires = int(query["expires"])
    lifetime = datetime.fromtimestamp(expires, UTC).replace(tzinfo=None) - NOW
    assert timedelta(hours=24) <= lifetime < timedelta(hours=25)
    assert "=" not in query["token"] and "+" not in query["token"] and "/" not in query["token"]
    assert verify_link(file_id=12, expires=expires, token=query["token"], secret=SECRET, now=NOW)


def test_the_same_file_keeps_its_links_within_the_hour() -> None:
    first = file_links(file_id=3, base_url="http://h", secret=SECRET, now=NOW)
    later = file_links(
        file_id=3, base_url="http://h", secret=SECRET, now=NOW + timedelta(minutes=20)
    )
    assert first == later


def test_a_link_fails_when_anything_in_it_changes() -> None:
    query = _query(str(file_links(file_id=5, base_url="", secret=SECRET, now=NOW)["downloadUrl"]))
    expires, token = int(query["expires"]), query["token"]
    assert verify_link(file_id=5, expires=expires, token=token, secret=SECRET, now=NOW)
    tampered = ("A" if token[0] != "A" else "B") + token[1:]
    for file_id, exp, tok, secret in [
        (6, expires, token, SECRET),
        (5, expires + 3600, token, SECRET),
        (5, expires, tampered, SECRET),
        (5, expires, token[:-1], SECRET),
        (5, expires, "", SECRET),
        (5, expires, "ключ", SECRET),
        (5, expires, token, b"another key"),
    ]:
        assert not verify_link(file_id=file_id, expires=exp, token=tok, secret=secret, now=NOW)
    after = NOW + timedelta(hours=26)
    assert not verify_link(file_id=5, expires=expires, token=token, secret=SECRET, now=after)


# --- the database ----------------------------------------------------------------------------


def test_files_round_trip(runtime: Runtime) -> None:
    uploads = [
        Upload(name="a.pdf", content=PDF),
        Upload(name="Отчёт.txt", content="привет".encode()),
        Upload(name="file", content=bytes(range(256))),
    ]
    with runtime.engine.begin() as conn:
        ids = store_files(conn, uploads=uploads, user_id=1)
        single = store_files(conn, uploads=uploads[:1], user_id=1)
        assert store_files(conn, uploads=[], user_id=1) == []
    assert ids == sorted(ids) and len(set(ids)) == 3 and single[0] > ids[-1]
    with runtime.engine.begin() as conn:
        for file_id, upload in zip(ids, uploads, strict=True):
            row = read_file(conn, file_id=file_id)
            assert row is not None
            assert (row["name"], bytes(row["content"]), row["size"]) == (
                upload.name,
                upload.content,
                len(upload.content),
            )
            assert row["created_by_id"] == 1 and row["created_at"].microsecond == 0
        types = [read_file(conn, file_id=i)["content_type"] for i in ids]  # type: ignore[index]
        assert types == ["application/pdf", "text/plain", "application/octet-stream"]
        assert existing_files(conn, file_ids=[*ids, 999_999]) == set(ids)
        assert existing_files(conn, file_ids=[]) == set()
        delete_files(conn, file_ids=ids[:2])
        delete_files(conn, file_ids=[])
    with runtime.engine.begin() as conn:
        assert existing_files(conn, file_ids=ids) == {ids[2]}
        assert read_file(conn, file_id=ids[0]) is None


@pytest.fixture
def no_secret(runtime: Runtime) -> Runtime:
    """A database whose link key is still to be made (were it made by a migration)."""
    with runtime.engine.begin() as conn:
        conn.execute(delete(secrets))
    return runtime


@pytest.fixture
def second_process(no_secret: Runtime) -> Iterator[Runtime]:
    """Another process on the same database: an engine of its own, so nothing cached."""
    other = Runtime(
        settings=no_secret.settings, engine=create_engine_for(str(no_secret.engine.url))
    )
    yield other
    other.engine.dispose()


def test_the_link_key_is_made_once_and_shared(no_secret: Runtime, second_process: Runtime) -> None:
    with transaction(no_secret.engine, writes=True) as conn:
        made = signing_secret(conn)
    with transaction(no_secret.engine, writes=False) as conn:
        assert signing_secret(conn) == made
        assert signing_secret(conn) == made
    with transaction(second_process.engine, writes=False) as conn:
        assert signing_secret(conn) == made
    assert len(made) == 32


def test_a_key_rolled_back_is_not_kept(no_secret: Runtime, second_process: Runtime) -> None:
    with no_secret.engine.connect() as conn, conn.begin() as outer:
        lost = signing_secret(conn)
        assert signing_secret(conn) == lost  # the same transaction sees its own key
        outer.rollback()
    with transaction(no_secret.engine, writes=True) as conn:
        kept = signing_secret(conn)
    assert kept != lost
    with transaction(second_process.engine, writes=False) as conn:
        assert signing_secret(conn) == kept
    with transaction(no_secret.engine, writes=False) as conn:
        assert signing_secret(conn) == kept


def test_two_processes_making_the_key_at_once_agree(
    no_secret: Runtime, second_process: Runtime
) -> None:
    """The first holds its new key uncommitted while the second tries to make one."""
    seen: list[bytes] = []

    def second() -> None:
        with transaction(second_process.engine, writes=True) as conn:
            seen.append(signing_secret(conn))

    with transaction(no_secret.engine, writes=True) as conn:
        first = signing_secret(conn)
        racer = threading.Thread(target=second)
        racer.start()
        racer.join(timeout=0.5)
        assert racer.is_alive()  # waiting for the first to commit
    racer.join(timeout=10)
    assert seen == [first]
