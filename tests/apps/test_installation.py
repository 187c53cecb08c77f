"""Installing a local application: the install call a real receiver records, key by key
(settings/app-installation/local-apps/installation-callback.md, settings/oauth/simple-way.md,
api-reference/common/events/on-app-install.md), and what a failed install leaves behind."""

from __future__ import annotations

import json
import re
import time

import pytest
from sqlalchemy import select

from leadcrm.apps import installation, service
from leadcrm.apps.tables import tokens
from tests.apps.receiver import Received, receiver
from tests.support import Api

HEX = re.compile(r"[0-9a-f]{32,}")


def register(api: Api, *, install_url: str, scopes: str = "crm,placement") -> service.NewApp:
    with api.runtime.engine.begin() as conn:
        return service.create_app(
            conn,
            name="Installer",
            handler_url="http://127.0.0.1/app/",
            install_url=install_url,
            scopes=scopes,
        )


def test_the_install_url_receives_every_documented_key(api: Api) -> None:
    with receiver() as target:
        made = register(api, install_url=target.url)
        installation.install_app(api.runtime, app_id=made.id, user_id=1)
    assert len(target.calls) == 1
    call = target.calls[0]
    assert call.path == "/install"
    assert call.headers["Content-Type"] == "application/x-www-form-urlencoded"
    # The query string: as an application page is opened (simple-way.md).
    assert set(call.query) == {"DOMAIN", "PROTOCOL", "LANG", "APP_SID"}
    assert call.query["DOMAIN"] == "127.0.0.1:8000"
    assert call.query["PROTOCOL"] == "0"
    assert call.query["LANG"] == "en"
    assert HEX.fullmatch(call.query["APP_SID"])
    form = call.form
    base = "http://127.0.0.1:8000/rest/"
    # The body: the page keys...
    assert HEX.fullmatch(form["AUTH_ID"])
    assert form["AUTH_EXPIRES"] == "3600"
    assert HEX.fullmatch(form["REFRESH_ID"])
    assert form["SERVER_ENDPOINT"] == base
    assert HEX.fullmatch(form["APPLICATION_TOKEN"])
    assert form["APPLICATION_SCOPE"] == "crm,placement"
    assert re.fullmatch(r"[0-9a-f]{32}", form["member_id"])
    assert form["status"] == "L"
    assert form["PLACEMENT"] == "DEFAULT"
    assert json.loads(form["PLACEMENT_OPTIONS"]) == {}
    # ...and the ONAPPINSTALL event (on-app-install.md), with the same tokens.
    assert form["event"] == "ONAPPINSTALL"
    assert form["data[VERSION]"] == "1"
    assert form["data[ACTIVE]"] == "Y"
    assert form["data[INSTALLED]"] == "Y"
    assert form["data[LANGUAGE_ID]"] == "en"
    assert abs(int(form["ts"]) - time.time()) < 60
    auth = {key[5:-1]: value for key, value in form.items() if key.startswith("auth[")}
    assert auth == {
        "domain": "127.0.0.1:8000",
        "scope": "crm,placement",
        "access_token": form["AUTH_ID"],
        "refresh_token": form["REFRESH_ID"],
        "expires_in": "3600",
        "server_endpoint": base,
        "status": "L",
        "client_endpoint": base,
        "member_id": form["member_id"],
        "application_token": form["APPLICATION_TOKEN"],
    }
    page_keys = {
        "AUTH_ID", "AUTH_EXPIRES", "REFRESH_ID", "SERVER_ENDPOINT", "APPLICATION_TOKEN",
        "APPLICATION_SCOPE", "member_id", "status", "PLACEMENT", "PLACEMENT_OPTIONS",
    }  # fmt: skip
    event_keys = {"event", "ts"} | {k for k in form if k.startswith(("data[", "auth["))}
    assert set(form) == page_keys | event_keys

    # The tokens work: the app calls as the installing administrator, and can renew them.
    app_api = api.with_token(form["AUTH_ID"])
    assert app_api.call("app.info")["INSTALLED"] is True
    assert app_api.call("app.info")["ID"] == made.id
    renewed = api.client.get(
        "/oauth/token/",
        params={
            "grant_type": "refresh_token",
            "client_id": made.client_id,
            "client_secret": made.client_secret,
            "refresh_token": form["REFRESH_ID"],
        },
    )
    assert renewed.status_code == 200


def test_an_install_handler_may_call_back_with_its_tokens_at_once(api: Api) -> None:
    """The usual install script binds its widgets before answering."""
    bound: list[object] = []

    def bind_then_answer(received: Received) -> int:
        app_api = api.with_token(received.form["AUTH_ID"])
        bound.append(
            app_api.call(
                "placement.bind",
                {"PLACEMENT": "CRM_LEAD_DETAIL_TAB", "HANDLER": "http://127.0.0.1/app/tab"},
            )
        )
        return 200

    with receiver() as target:
        target.answer = bind_then_answer
        made = register(api, install_url=target.url)
        installation.install_app(api.runtime, app_id=made.id, user_id=1)
    assert bound == [True]


@pytest.mark.parametrize("status", [301, 404, 500])
def test_an_install_url_that_does_not_answer_2xx_undoes_the_install(api: Api, status: int) -> None:
    with receiver() as target:
        target.answer = lambda received: status
        made = register(api, install_url=target.url)
        with pytest.raises(installation.InstallFailed, match=f"HTTP {status}"):
            installation.install_app(api.runtime, app_id=made.id, user_id=1)
        token = target.calls[0].form["AUTH_ID"]
    response = api.with_token(token).post("app.info")
    assert response.status_code == 401
    with api.runtime.engine.connect() as conn:
        assert service.get_app(conn, app_id=made.id)["installed"] is False  # type: ignore[index]
        assert conn.execute(select(tokens).where(tokens.c.app_id == made.id)).all() == []


def test_an_unreachable_install_url_undoes_the_install(api: Api) -> None:
    with receiver() as target:
        url = target.url
    made = register(api, install_url=url)  # nobody listens there any more
    with pytest.raises(installation.InstallFailed, match="could not be called"):
        installation.install_app(api.runtime, app_id=made.id, user_id=1)
    with api.runtime.engine.connect() as conn:
        assert conn.execute(select(tokens).where(tokens.c.app_id == made.id)).all() == []


def test_only_an_active_administrator_installs(api: Api) -> None:
    from leadcrm.users.service import create_user

    made = register(api, install_url="")
    with api.runtime.engine.begin() as conn:
        user_id = create_user(conn, name="Plain", zone=api.runtime.zone)
    with pytest.raises(installation.InstallFailed, match="not an administrator"):
        installation.install_app(api.runtime, app_id=made.id, user_id=user_id)
    with pytest.raises(installation.InstallFailed, match="no active user"):
        installation.install_app(api.runtime, app_id=made.id, user_id=999)
    with pytest.raises(installation.InstallFailed, match="no application"):
        installation.install_app(api.runtime, app_id=999, user_id=1)


def test_installing_again_replaces_the_tokens(api: Api) -> None:
    made = register(api, install_url="")
    first = installation.install_app(api.runtime, app_id=made.id, user_id=1)
    second = installation.install_app(api.runtime, app_id=made.id, user_id=1)
    old = api.with_token(first.installation.tokens.access_token).post("app.info")
    assert old.status_code == 401
    assert api.with_token(second.installation.tokens.access_token).call("app.info")["ID"]
    assert first.installation.application_token != second.installation.application_token


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": " "}, "needs a name"),
        ({"handler_url": "ftp://example.com/"}, "handler must be an http"),
        ({"install_url": "javascript:alert(1)"}, "install URL must be an http"),
        ({"scopes": "crm,telepathy"}, "unknown scope"),
    ],
)
def test_a_bad_registration_is_refused(api: Api, fields: dict[str, str], message: str) -> None:
    values = {"name": "App", "handler_url": "", "install_url": "", "scopes": "crm", **fields}
    with api.runtime.engine.begin() as conn, pytest.raises(ValueError, match=message):
        service.create_app(conn, **values)
    with api.runtime.engine.connect() as conn:
        assert service.list_apps(conn) == []
