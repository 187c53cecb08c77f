"""Signed download links, followed through the real application."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from leadcrm.files.service import Upload, delete_files, file_links, signing_secret, store_files
from leadcrm.files.views import content_disposition
from leadcrm.runtime import Runtime
from leadcrm.users.service import utcnow

PUBLIC_URL = "https://crm.example.com/base/"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"public_url": PUBLIC_URL}


def _stored(runtime: Runtime, upload: Upload) -> int:
    with runtime.engine.begin() as conn:
        return store_files(conn, uploads=[upload], user_id=1)[0]


def _links(runtime: Runtime, file_id: int, *, hours_ago: int = 0) -> dict[str, str]:
    with runtime.engine.begin() as conn:
        secret = signing_secret(conn)
    links = file_links(
        file_id=file_id,
        base_url=runtime.settings.public_url,
        secret=secret,
        now=utcnow() - timedelta(hours=hours_ago),
    )
    return {key: str(value) for key, value in links.items()}


def _path(url: str) -> str:
    """What a client requests for a link; the app is mounted at the root in tests."""
    assert url.startswith("https://crm.example.com/base/files/")
    parts = urlsplit(url)
    return parts.path.removeprefix("/base") + "?" + parts.query


def test_a_link_downloads_the_file(runtime: Runtime, client: TestClient) -> None:
    content = b"%PDF-1.4\x00\xff binary"
    file_id = _stored(runtime, Upload(name="Отчёт за март.pdf", content=content))
    response = client.get(_path(_links(runtime, file_id)["downloadUrl"]))
    assert response.status_code == 200
    assert response.content == content
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-length"] == str(len(content))
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; ")
    assert "filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82%20%D0%B7%D0%B0%20" in disposition
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


def test_the_show_link_opens_inline_in_a_sandbox(runtime: Runtime, client: TestClient) -> None:
    file_id = _stored(runtime, Upload(name="page.html", content=b"<script>alert(1)</script>"))
    response = client.get(_path(_links(runtime, file_id)["showUrl"]))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html"
    assert response.headers["content-disposition"].startswith("inline; ")
    assert response.headers["content-security-policy"] == "sandbox"
    assert response.headers["referrer-policy"] == "no-referrer"


def _swap_last(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def test_bad_links_are_forbidden(runtime: Runtime, client: TestClient) -> None:
    file_id = _stored(runtime, Upload(name="a.txt", content=b"secret"))
    other_id = _stored(runtime, Upload(name="b.txt", content=b"other"))
    good = _path(_links(runtime, file_id)["downloadUrl"])
    path, query = good.split("?")
    expires, token = (part.split("=", 1)[1] for part in query.split("&"))
    expired = _path(_links(runtime, file_id, hours_ago=48)["downloadUrl"])
    for bad in [
        expired,
        f"{path}?expires={expires}&token={_swap_last(token)}",
        f"{path}?expires={int(expires) + 3600}&token={token}",
        f"/files/{other_id}?expires={expires}&token={token}",
        f"{path}?expires={expires}",
        f"{path}?token={token}",
        f"{path}?expires=soon&token={token}",
        f"{path}?expires=-1&token={token}",
        f"{path}?expires=\uff11\uff12&token={token}",  # fullwidth digits
        path,
    ]:
        response = client.get(bad)
        assert response.status_code == 403, bad
        assert response.headers["content-type"].startswith("text/plain")
        assert token not in response.text and "secret" not in response.text
    assert client.get(good).content == b"secret"


def test_a_deleted_file_is_gone(runtime: Runtime, client: TestClient) -> None:
    file_id = _stored(runtime, Upload(name="a.txt", content=b"short-lived"))
    link = _path(_links(runtime, file_id)["downloadUrl"])
    with runtime.engine.begin() as conn:
        delete_files(conn, file_ids=[file_id])
    response = client.get(link)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/plain")


def test_only_numeric_file_ids_are_routed(client: TestClient) -> None:
    assert client.get("/files/abc?expires=1&token=x").status_code == 404


@pytest.mark.parametrize(
    ("name", "inline", "header"),
    [
        ("a.pdf", False, "attachment; filename=\"a.pdf\"; filename*=UTF-8''a.pdf"),
        ("a b.pdf", True, "inline; filename=\"a b.pdf\"; filename*=UTF-8''a%20b.pdf"),
        (
            'q"\\é.txt',
            False,
            "attachment; filename=\"q___.txt\"; filename*=UTF-8''q%22%5C%C3%A9.txt",
        ),
    ],
)
def test_content_disposition(name: str, inline: bool, header: str) -> None:
    assert content_disposition(name, inline=inline) == header
