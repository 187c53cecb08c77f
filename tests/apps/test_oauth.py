"""OAuth 2 on leadcrm: /oauth/token/ and the life of a token, from issue to revocation.

The pages: settings/oauth/index.md (authorization code), auto-renewal.md (refresh),
error-codes.md, and the system errors expired_token / NO_AUTH_FOUND.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from leadcrm.apps import service, tokens
from leadcrm.apps.tables import apps
from leadcrm.apps.tables import tokens as token_table
from leadcrm.db.transactions import transaction
from leadcrm.users.service import utcnow
from tests.support import Api, InstalledApp

NO_AUTH = {"error": "NO_AUTH_FOUND", "error_description": "Wrong authorization data"}
EXPIRED = {"error": "expired_token", "error_description": "The access token provided has expired"}
INVALID_GRANT = {"error": "invalid_grant", "error_description": "Invalid grant"}
INVALID_CLIENT = {"error": "invalid_client", "error_description": "Invalid client"}
TOKEN_KEYS = {
    "access_token",
    "client_endpoint",
    "domain",
    "expires",
    "expires_in",
    "member_id",
    "refresh_token",
    "scope",
    "server_endpoint",
    "status",
    "user_id",
}


def grant(api: Api, app: InstalledApp, **params: str) -> httpx.Response:
    """A GET to the token endpoint, as the docs' examples send it."""
    return api.client.get(
        "/oauth/token/",
        params={"client_id": app.client_id, "client_secret": app.client_secret, **params},
    )


def refresh(api: Api, app: InstalledApp, token: str) -> httpx.Response:
    return grant(api, app, grant_type="refresh_token", refresh_token=token)


def expire_access_tokens(api: Api, app: InstalledApp) -> None:
    with api.runtime.engine.begin() as conn:
        conn.execute(
            update(token_table)
            .where(token_table.c.app_id == app.id, token_table.c.kind == tokens.ACCESS)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )


def user_id_of(api: Api) -> Any:
    return api.call("user.current")["ID"]


def test_a_token_works_expires_refreshes_and_the_spent_refresh_token_is_refused(
    api: Api,
) -> None:
    app = api.install_app(scopes="crm,user")
    assert user_id_of(app.api) == "1"

    expire_access_tokens(api, app)
    response = app.api.post("user.current")
    assert (response.status_code, response.json()) == (401, EXPIRED)

    renewed = refresh(api, app, app.refresh_token)
    assert renewed.status_code == 200
    body = renewed.json()
    assert set(body) == TOKEN_KEYS
    assert body["access_token"] != app.access_token
    assert body["refresh_token"] != app.refresh_token
    assert user_id_of(api.with_token(body["access_token"])) == "1"

    # The first refresh token is spent: presenting it again is refused, and revokes the chain.
    again = refresh(api, app, app.refresh_token)
    assert (again.status_code, again.json()) == (400, INVALID_GRANT)
    response = api.with_token(body["access_token"]).post("user.current")
    assert (response.status_code, response.json()) == (401, NO_AUTH)
    stolen = refresh(api, app, body["refresh_token"])
    assert (stolen.status_code, stolen.json()) == (400, INVALID_GRANT)


def test_refresh_tokens_rotate_along_a_chain(api: Api) -> None:
    app = api.install_app(scopes="crm")
    current = app.refresh_token
    seen = {current}
    for _ in range(3):
        body = refresh(api, app, current).json()
        current = body["refresh_token"]
        assert current not in seen
        seen.add(current)
        assert api.with_token(body["access_token"]).call("crm.lead.fields")["ID"]


def test_the_token_answer_points_at_this_server(api: Api) -> None:
    app = api.install_app(scopes="crm,placement")
    body = refresh(api, app, app.refresh_token).json()
    base = api.runtime.settings.public_url.rstrip("/") + "/rest/"
    assert body["client_endpoint"] == base
    assert body["server_endpoint"] == base
    assert body["domain"] == "127.0.0.1:8000"
    assert body["scope"] == "crm,placement"
    assert body["status"] == "L"
    assert body["user_id"] == 1
    assert body["expires_in"] == 3600
    assert isinstance(body["expires"], int)
    assert len(body["member_id"]) == 32
    # member_id is the portal's: the same for every app and every token.
    other = api.install_app(scopes="crm", name="Other")
    assert refresh(api, other, other.refresh_token).json()["member_id"] == body["member_id"]


def test_the_token_endpoint_takes_a_form_post_too(api: Api) -> None:
    app = api.install_app(scopes="crm")
    response = api.client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "refresh_token": app.refresh_token,
        },
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert set(response.json()) == TOKEN_KEYS


def test_an_authorization_code_is_exchanged_once(api: Api) -> None:
    app = api.install_app(scopes="crm,user")
    user_id = api.call("user.get", {"filter": {"ID": 1}})[0]["ID"]
    with api.runtime.engine.begin() as conn:
        code = tokens.issue_code(conn, app_id=app.id, user_id=int(user_id))
    response = grant(api, app, grant_type="authorization_code", code=code)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == TOKEN_KEYS
    assert user_id_of(api.with_token(body["access_token"])) == user_id
    again = grant(api, app, grant_type="authorization_code", code=code)
    assert (again.status_code, again.json()) == (400, INVALID_GRANT)
    # The code's grant is revoked with it: the tokens it gave stop working.
    response = api.with_token(body["access_token"]).post("user.current")
    assert (response.status_code, response.json()) == (401, NO_AUTH)


def test_an_expired_code_is_refused(api: Api) -> None:
    app = api.install_app(scopes="crm")
    with api.runtime.engine.begin() as conn:
        code = tokens.issue_code(conn, app_id=app.id, user_id=1)
        conn.execute(
            update(token_table)
            .where(token_table.c.kind == tokens.CODE)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    response = grant(api, app, grant_type="authorization_code", code=code)
    assert (response.status_code, response.json()) == (400, INVALID_GRANT)


def test_a_code_or_token_of_another_app_is_refused(api: Api) -> None:
    one = api.install_app(scopes="crm")
    two = api.install_app(scopes="crm", name="Two")
    response = refresh(api, two, one.refresh_token)
    assert (response.status_code, response.json()) == (400, INVALID_GRANT)
    # ...and the owner's token was not spent by the attempt.
    assert refresh(api, one, one.refresh_token).status_code == 200


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"grant_type": "password"}, ("invalid_request", "Unsupported grant_type")),
        ({}, ("invalid_request", "Unsupported grant_type")),
        ({"grant_type": "refresh_token"}, ("invalid_request", "Invalid request")),
        ({"grant_type": "refresh_token", "refresh_token": "x", "client_secret": ""}, None),
    ],
)
def test_malformed_requests_are_invalid_request(
    api: Api, params: dict[str, str], expected: tuple[str, str] | None
) -> None:
    app = api.install_app(scopes="crm")
    response = grant(api, app, **params)
    code, description = expected or ("invalid_request", "Invalid request")
    assert response.status_code == 400
    assert response.json() == {"error": code, "error_description": description}


def test_a_wrong_secret_unknown_client_or_uninstalled_app_is_invalid_client(api: Api) -> None:
    app = api.install_app(scopes="crm")
    wrong = api.client.get(
        "/oauth/token/",
        params={
            "grant_type": "refresh_token",
            "client_id": app.client_id,
            "client_secret": app.client_secret + "x",
            "refresh_token": app.refresh_token,
        },
    )
    assert (wrong.status_code, wrong.json()) == (400, INVALID_CLIENT)
    unknown = api.client.get(
        "/oauth/token/",
        params={
            "grant_type": "refresh_token",
            "client_id": "local.nobody",
            "client_secret": app.client_secret,
            "refresh_token": app.refresh_token,
        },
    )
    assert (unknown.status_code, unknown.json()) == (400, INVALID_CLIENT)
    # The refresh token was not spent by the refused attempts.
    assert refresh(api, app, app.refresh_token).status_code == 200


def test_asking_for_more_scope_than_the_app_has_is_invalid_scope(api: Api) -> None:
    app = api.install_app(scopes="crm")
    response = grant(
        api, app, grant_type="refresh_token", refresh_token=app.refresh_token, scope="crm,user"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert refresh(api, app, app.refresh_token).status_code == 200


def test_uninstalling_revokes_every_token(api: Api) -> None:
    app = api.install_app(scopes="crm,user")
    second = refresh(api, app, app.refresh_token).json()
    with api.runtime.engine.begin() as conn:
        service.uninstall(conn, app_id=app.id)
    for token in (app.access_token, second["access_token"]):
        response = api.with_token(token).post("user.current")
        assert (response.status_code, response.json()) == (401, NO_AUTH)
    response = refresh(api, app, second["refresh_token"])
    assert (response.status_code, response.json()) == (400, INVALID_CLIENT)
    with api.runtime.engine.connect() as conn:
        assert conn.execute(select(token_table).where(token_table.c.app_id == app.id)).all() == []


def test_tokens_and_client_secrets_are_stored_only_hashed(api: Api) -> None:
    app = api.install_app(scopes="crm")
    body = refresh(api, app, app.refresh_token).json()
    secrets = {app.access_token, app.refresh_token, app.client_secret}
    secrets |= {body["access_token"], body["refresh_token"]}
    with api.runtime.engine.connect() as conn:
        stored = [str(v) for row in conn.execute(select(token_table)) for v in row]
        stored += [str(v) for row in conn.execute(select(apps)) for v in row]
    assert not any(secret in value for secret in secrets for value in stored)
    assert len(set(secrets)) == 5


@pytest.mark.parametrize("token", ["", "x" * 64, "0" * 64])
def test_forged_tokens_are_no_auth_found(api: Api, token: str) -> None:
    api.install_app(scopes="crm")
    response = api.client.post("/rest/crm.lead.fields", json={"auth": token})
    assert (response.status_code, response.json()) == (401, NO_AUTH)


def test_a_token_of_a_deactivated_user_is_invalid_credentials(api: Api) -> None:
    from leadcrm.users.service import create_user, set_active

    app = api.install_app(scopes="crm")
    with api.runtime.engine.begin() as conn:
        user_id = create_user(conn, name="Leaving", zone=api.runtime.zone)
        pair = tokens.issue_pair(conn, app_id=app.id, user_id=user_id)
        set_active(conn, user_id=user_id, active=False)
    response = api.with_token(pair.access_token).post("crm.lead.fields")
    assert response.status_code == 403
    assert response.json() == {
        "error": "INVALID_CREDENTIALS",
        "error_description": "Invalid request credentials",
    }


def test_two_presenters_of_one_refresh_token_at_once_get_one_pair(api: Api) -> None:
    """The spend is one conditional UPDATE: racing presenters (on any number of processes)
    cannot both win, and the loser's refusal revokes the chain."""
    app = api.install_app(scopes="crm")
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def present() -> None:
        barrier.wait()
        try:
            with transaction(api.runtime.engine, writes=True) as conn:
                pair = tokens.redeem(
                    conn, app_id=app.id, kind=tokens.REFRESH, token=app.refresh_token
                )
            outcomes.append(pair)
        except tokens.GrantRefused:
            outcomes.append("refused")

    threads = [threading.Thread(target=present) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(map(type, outcomes), key=str) == sorted([tokens.TokenPair, str], key=str), (
        outcomes
    )
