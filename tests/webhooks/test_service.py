"""Webhook codes: random, stored hashed, checked against their user, revocable, expiring."""

from __future__ import annotations

import hashlib
import string
from datetime import timedelta

import pytest
from sqlalchemy import select

from leadcrm.runtime import Runtime
from leadcrm.users.service import create_user, utcnow
from leadcrm.webhooks.service import (
    CODE_LENGTH,
    create_webhook,
    parse_scopes,
    revoke,
    verify,
    webhook_url,
)
from leadcrm.webhooks.tables import webhooks

URL_SAFE = set(string.ascii_letters + string.digits + "-_")


def test_codes_are_random_url_safe_and_only_their_hash_is_kept(runtime: Runtime) -> None:
    with runtime.engine.begin() as conn:
        user_id = create_user(conn, name="Hooked", zone=runtime.zone)
        made = [create_webhook(conn, user_id=user_id, scopes=["crm"]) for _ in range(20)]
        rows = {r["id"]: r for r in conn.execute(select(webhooks)).mappings()}
    codes = [code for _, code in made]
    assert len(set(codes)) == 20
    for webhook_id, code in made:
        assert len(code) == CODE_LENGTH == 24
        assert set(code) <= URL_SAFE
        row = rows[webhook_id]
        assert row["code_hash"] == hashlib.sha256(code.encode()).hexdigest()
        assert code not in repr(dict(row))
        assert (row["user_id"], row["scopes"]) == (user_id, "crm")


def test_verify_needs_the_right_user_and_a_live_code(runtime: Runtime) -> None:
    with runtime.engine.begin() as conn:
        user_id = create_user(conn, name="Hooked", zone=runtime.zone)
        webhook_id, code = create_webhook(conn, user_id=user_id, scopes=["user", "crm"])
        _, expired = create_webhook(
            conn, user_id=user_id, scopes=[], expires_at=utcnow() - timedelta(minutes=1)
        )
        record = verify(conn, user_id=user_id, code=code)
        assert record is not None
        assert (record.id, record.user_id, record.scopes) == (
            webhook_id,
            user_id,
            frozenset({"user", "crm"}),
        )
        assert verify(conn, user_id=1, code=code) is None
        assert verify(conn, user_id=user_id, code=code + "x") is None
        assert verify(conn, user_id=user_id, code="") is None
        assert verify(conn, user_id=user_id, code=expired) is None
        assert revoke(conn, webhook_id=webhook_id) is True
        assert verify(conn, user_id=user_id, code=code) is None
        assert revoke(conn, webhook_id=webhook_id) is False
        assert revoke(conn, webhook_id=999_999) is False


@pytest.mark.parametrize(
    ("text", "scopes"),
    [
        ("crm, user", ["crm", "user"]),
        ("basic,CRM,crm", ["crm"]),
        ("", []),
        ("user_brief,user_basic", ["user_basic", "user_brief"]),
    ],
)
def test_parse_scopes(text: str, scopes: list[str]) -> None:
    assert parse_scopes(text) == scopes


def test_parse_scopes_refuses_unknown_scopes() -> None:
    with pytest.raises(ValueError, match="unknown scope"):
        parse_scopes("crm,telephony")


def test_webhook_url_is_the_documented_form() -> None:
    assert webhook_url("https://crm.example.com/", user_id=7, code="abc") == (
        "https://crm.example.com/rest/7/abc/"
    )
