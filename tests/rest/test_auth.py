"""Credentials: webhook codes in the path, tokens in `auth`, scopes, the acting user."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from leadcrm.users.service import create_user, set_active, utcnow
from leadcrm.webhooks.service import create_webhook, revoke
from leadcrm.webhooks.tables import webhooks
from tests.rest.conftest import TokenSpy
from tests.support import Api

NO_AUTH = {"error": "NO_AUTH_FOUND", "error_description": "Wrong authorization data"}
INVALID_CREDENTIALS = {
    "error": "INVALID_CREDENTIALS",
    "error_description": "Invalid request credentials",
}
INSUFFICIENT_SCOPE = {
    "error": "insufficient_scope",
    "error_description": (
        "The request requires higher privileges than provided by the webhook token"
    ),
}


def post(client: TestClient, path: str, params: dict[str, object] | None = None) -> httpx.Response:
    return client.post(path, json=params or {})


def expect(response: httpx.Response, status: int, body: dict[str, str]) -> None:
    assert (response.status_code, response.json()) == (status, body)


def code_of(prefix: str) -> str:
    return prefix.rstrip("/").rsplit("/", 1)[1]


def test_no_credentials_at_all_is_no_auth_found(client: TestClient) -> None:
    expect(post(client, "/rest/user.current"), 401, NO_AUTH)
    expect(client.get("/rest/server.time.json"), 401, NO_AUTH)
    expect(post(client, "/rest/user.current", {"auth": ""}), 401, NO_AUTH)


def test_unknown_codes_and_malformed_user_ids_are_no_auth_found(api: Api) -> None:
    code = code_of(api.prefix)
    for path in (
        "/rest/1/wrongcode/user.current",
        f"/rest/1/{code}x/user.current",
        f"/rest/1/{code.upper()}/user.current",
        f"/rest/abc/{code}/user.current",
        f"/rest/-1/{code}/user.current",
        f"/rest/%C2%B2/{code}/user.current",  # "²" passes str.isdigit() but not int()
        f"/rest/1.0/{code}/user.current",
        f"/rest/%201/{code}/user.current",
    ):
        response = post(api.client, path)
        assert (response.status_code, response.json()) == (401, NO_AUTH), path


def test_a_user_id_that_is_not_the_codes_user_is_no_auth_found(api: Api) -> None:
    user_id, prefix = api.new_webhook(scopes=["user"])
    code = code_of(prefix)
    expect(post(api.client, f"/rest/1/{code}/user.current"), 401, NO_AUTH)
    expect(post(api.client, f"/rest/{user_id + 1}/{code}/user.current"), 401, NO_AUTH)
    admin_code = code_of(api.prefix)
    expect(post(api.client, f"/rest/{user_id}/{admin_code}/user.current"), 401, NO_AUTH)
    assert api.as_user(prefix).call("user.current")["ID"] == str(user_id)


def test_leading_zeros_in_the_user_id_still_name_the_user(api: Api) -> None:
    """Policy: the user id is a number, so `/rest/01/...` is user 1 (PHP's intval)."""
    response = post(api.client, f"/rest/01/{code_of(api.prefix)}/user.current")
    assert response.json()["result"]["ID"] == "1"


def test_a_revoked_webhook_is_no_auth_found_and_others_keep_working(api: Api) -> None:
    with api.runtime.engine.begin() as conn:
        user_id = create_user(conn, name="Revoked", zone=api.runtime.zone)
        webhook_id, code = create_webhook(conn, user_id=user_id, scopes=["user"])
        _, other_code = create_webhook(conn, user_id=user_id, scopes=["user"])
    path = f"/rest/{user_id}/{code}/user.current"
    assert post(api.client, path).status_code == 200
    with api.runtime.engine.begin() as conn:
        assert revoke(conn, webhook_id=webhook_id) is True
        assert revoke(conn, webhook_id=webhook_id) is False
    expect(post(api.client, path), 401, NO_AUTH)
    expect(post(api.client, f"/rest/{user_id}/{code}/batch", {"cmd": ["scope"]}), 401, NO_AUTH)
    response = post(api.client, f"/rest/{user_id}/{other_code}/user.current")
    assert response.json()["result"]["ID"] == str(user_id)


def test_an_expired_webhook_is_no_auth_found(api: Api) -> None:
    with api.runtime.engine.begin() as conn:
        user_id = create_user(conn, name="Temp", zone=api.runtime.zone)
        _, expired = create_webhook(
            conn, user_id=user_id, scopes=[], expires_at=utcnow() - timedelta(seconds=1)
        )
        _, current = create_webhook(
            conn, user_id=user_id, scopes=[], expires_at=utcnow() + timedelta(days=1)
        )
    expect(post(api.client, f"/rest/{user_id}/{expired}/server.time"), 401, NO_AUTH)
    assert post(api.client, f"/rest/{user_id}/{current}/server.time").status_code == 200


def test_a_deactivated_user_is_invalid_credentials_until_reactivated(api: Api) -> None:
    user_id, prefix = api.new_webhook(scopes=["user"])
    with api.runtime.engine.begin() as conn:
        set_active(conn, user_id=user_id, active=False)
    for method in ("user.current", "server.time", "batch", "no.such.method"):
        expect(post(api.client, prefix + method, {"cmd": ["scope"]}), 403, INVALID_CREDENTIALS)
    with api.runtime.engine.begin() as conn:
        set_active(conn, user_id=user_id, active=True)
    assert api.as_user(prefix).call("user.current")["ID"] == str(user_id)


def test_a_call_runs_as_the_webhooks_user(api: Api) -> None:
    user_id, prefix = api.new_webhook(scopes=["user"], name="Gleb")
    as_gleb = api.as_user(prefix)
    current = as_gleb.call("user.current")
    assert (current["ID"], current["NAME"]) == (str(user_id), "Gleb")
    profile = as_gleb.call("profile")
    assert (profile["ID"], profile["ADMIN"], profile["NAME"]) == (str(user_id), False, "Gleb")
    batch = as_gleb.call("batch", {"cmd": {"me": "user.current"}})
    assert batch["result"]["me"]["ID"] == str(user_id)


BASIC_METHODS = ["batch", "scope", "methods", "method.get", "server.time", "profile"]


def test_every_webhook_has_the_basic_scope(api: Api) -> None:
    _, prefix = api.new_webhook(scopes=[])
    bare = api.as_user(prefix)
    for method in BASIC_METHODS:
        response = bare.post(method, {"cmd": ["server.time"]})
        assert response.status_code == 200, (method, response.json())
    assert bare.call("scope") == ["basic"]


def test_a_method_outside_the_webhooks_scopes_is_insufficient_scope(api: Api) -> None:
    for scopes, method in (
        ([], "user.current"),
        ([], "user.get"),
        ([], "crm.settings.mode.get"),
        (["crm"], "user.current"),
        (["user"], "crm.settings.mode.get"),
        (["user_brief"], "crm.settings.mode.get"),
        (["placement"], "user.fields"),
    ):
        _, prefix = api.new_webhook(scopes=scopes, user_id=1)
        assert api.as_user(prefix).error(method) == (403, INSUFFICIENT_SCOPE), (scopes, method)


def test_each_user_scope_reaches_the_user_methods(api: Api) -> None:
    for scope in ("user", "user_basic", "user_brief"):
        user_id, prefix = api.new_webhook(scopes=[scope])
        as_user = api.as_user(prefix)
        assert as_user.call("user.current")["ID"] == str(user_id), scope
        listed = as_user.call("user.get", {"filter": {"ID": user_id}})
        assert [u["ID"] for u in listed] == [str(user_id)], scope
        assert as_user.call("user.fields")["NAME"] == "First Name", scope
        assert as_user.call("method.get", {"name": "user.current"})["isAvailable"] is True
        assert as_user.call("scope") == ["basic", scope]


def test_the_crm_scope_reaches_crm_methods(api: Api) -> None:
    _, prefix = api.new_webhook(scopes=["crm"])
    assert api.as_user(prefix).call("crm.settings.mode.get") == 1


# -- `auth`: read from the query string, a form, a multipart body or a JSON body -----------


def test_the_auth_parameter_is_read_wherever_it_is_sent(
    client: TestClient, app_token: TokenSpy
) -> None:
    senders: dict[str, Callable[[str], httpx.Response]] = {
        "query": lambda token: client.get(f"/rest/user.current?auth={token}"),
        "form": lambda token: client.post("/rest/user.current", data={"auth": token}),
        "multipart": lambda token: client.post("/rest/user.current", files={"auth": (None, token)}),
        "json": lambda token: client.post("/rest/user.current", json={"auth": token}),
        "json+query": lambda token: client.post(
            f"/rest/user.current?auth={token}", json={"other": 1}
        ),
    }
    for where, send in senders.items():
        response = send(app_token.token)
        assert (response.status_code, response.json()["result"]["ID"]) == (200, "1"), where
        response = send("not-a-token")
        assert (response.status_code, response.json()) == (401, NO_AUTH), where
    assert app_token.seen == [app_token.token, "not-a-token"] * len(senders)


def test_auth_in_the_body_wins_over_the_query_string(
    client: TestClient, app_token: TokenSpy
) -> None:
    response = client.post("/rest/server.time?auth=stale", json={"auth": app_token.token})
    assert response.status_code == 200
    assert app_token.seen == [app_token.token]


def test_the_auth_parameter_is_case_insensitive_and_never_reaches_the_method(
    client: TestClient, app_token: TokenSpy, test_methods: None
) -> None:
    response = client.post("/rest/test.echo", json={"AUTH": app_token.token, "x": 1})
    assert response.json()["result"] == {"x": 1}
    batch = client.post(
        "/rest/batch", json={"auth": app_token.token, "cmd": {"e": "test.echo?auth=other&y=2"}}
    )
    assert batch.json()["result"]["result"] == {"e": {"y": "2"}}
    assert app_token.seen == [app_token.token, app_token.token]


def test_a_webhook_ignores_the_auth_parameter(
    api: Api, app_token: TokenSpy, test_methods: None
) -> None:
    assert api.call("test.echo", {"auth": "anything", "z": "1"}) == {"z": "1"}
    assert app_token.seen == []


def test_an_unknown_token_with_an_unknown_method_is_no_auth_found(
    client: TestClient, app_token: TokenSpy
) -> None:
    expect(post(client, "/rest/no.such.method", {"auth": "bad"}), 401, NO_AUTH)
    response = post(client, "/rest/no.such.method", {"auth": app_token.token})
    assert response.status_code == 404


# -- secrets -------------------------------------------------------------------------------


def test_webhook_codes_are_random_and_stored_only_hashed(api: Api) -> None:
    codes = [code_of(api.new_webhook(scopes=[], user_id=1)[1]) for _ in range(5)]
    assert len(set(codes)) == 5
    with api.runtime.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(webhooks)).mappings()]
        assert conn.execute(select(func.count()).select_from(webhooks)).scalar_one() == 6
    stored = repr(rows)
    for code in [*codes, code_of(api.prefix)]:
        assert len(code) == 24
        assert code not in stored


def test_webhook_codes_never_reach_the_logs(
    api: Api, caplog: pytest.LogCaptureFixture, test_methods: None
) -> None:
    code = code_of(api.prefix)
    with caplog.at_level(logging.DEBUG):
        api.post("user.current")
        api.post("test.write", {"fail": "crash"})
        api.post("batch", {"cmd": ["test.write?fail=crash", "no.such"]})
        api.get("user.get", "filter[ID]=1&select[]=ID")
        post(api.client, f"/rest/2/{code}/user.current")
    # httpx logs the URL it requested: that is the test's client, not the server.
    server = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    logged = "\n".join(logging.Formatter().format(r) for r in server)
    assert "boom" in logged  # the crash was logged, with its traceback ...
    assert code not in logged  # ... and without the code
