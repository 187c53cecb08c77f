"""A local application end to end: registered and installed with the ``leadcrm app`` CLI of a
running ``leadcrm serve``, its install call caught by a real receiver on loopback, then driven
by the official SDK (b24pysdk) with OAuth tokens, renewal included.

The SDK reaches Bitrix24's authorization server at an address it hard-wires
(``BitrixOAuthRequester._OAUTH_TOKEN_URL``); pointing it at leadcrm is the one change an
application needs, and is made here the way such a client would make it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from b24pysdk import BitrixAppLocal, BitrixTokenLocal, Client
from b24pysdk.api.requesters.bitrix_oauth_requester import BitrixOAuthRequester
from b24pysdk.errors import BitrixAPIError
from sqlalchemy import create_engine, update

from leadcrm.apps.tables import tokens
from leadcrm.settings import Settings
from leadcrm.users.service import utcnow
from tests.apps.receiver import receiver
from tests.e2e.serving import Server
from tests.e2e.test_b24pysdk import trust_test_ca  # noqa: F401  (a fixture)


@pytest.fixture
def oauth_here(server: Server, trust_test_ca: None) -> Iterator[None]:  # noqa: F811
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BitrixOAuthRequester, "_OAUTH_TOKEN_URL", f"{server.base_url}/oauth/token/")
        yield


def create_app(server: Server, **options: str) -> tuple[int, str, str]:
    args = ["app", "create", "--name", "SDK app", "--scope", "crm,placement,user"]
    for name, value in options.items():
        args += [f"--{name.replace('_', '-')}", value]
    out = server.cli(*args).stdout
    app_id = int(re.search(r"^app (\d+)$", out, re.M).group(1))  # type: ignore[union-attr]
    client_id = re.search(r"^client_id: (\S+)$", out, re.M).group(1)  # type: ignore[union-attr]
    secret = re.search(r"^client_secret: (\S+)$", out, re.M).group(1)  # type: ignore[union-attr]
    return app_id, client_id, secret


def expire_access_tokens(server: Server) -> None:
    settings = Settings(
        var_dir=server.var_dir, database_url=server.env.get("LEADCRM_DATABASE_URL", "")
    )
    engine = create_engine(settings.effective_database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                update(tokens)
                .where(tokens.c.kind == "access")
                .values(expires_at=utcnow() - timedelta(seconds=1))
            )
    finally:
        engine.dispose()


def test_install_then_work_renew_and_uninstall_with_the_sdk(
    server: Server, oauth_here: None
) -> None:
    with receiver() as target:
        app_id, client_id, secret = create_app(
            server, handler="http://127.0.0.1/app/", install_url=target.url
        )
        out = server.cli("app", "install", str(app_id), "--user", "1").stdout
        assert "installed" in out
        assert len(target.calls) == 1
    form = target.calls[0].form
    assert form["event"] == "ONAPPINSTALL"
    assert form["auth[client_endpoint]"] == f"{server.base_url}/rest/"
    assert form["auth[application_token]"] == form["APPLICATION_TOKEN"]

    app = BitrixAppLocal(domain=server.domain, client_id=client_id, client_secret=secret)
    token = BitrixTokenLocal(
        auth_token=form["AUTH_ID"], refresh_token=form["REFRESH_ID"], bitrix_app=app
    )
    client: Any = Client(token)
    lead_id = client.crm.lead.add(fields={"TITLE": "From an app"}).result
    lead = client.crm.lead.get(bitrix_id=lead_id).result
    assert lead["TITLE"] == "From an app"
    assert lead["CREATED_BY_ID"] == "1"  # the installing administrator
    bound = token.call_method(
        "placement.bind",
        {"PLACEMENT": "CRM_LEAD_DETAIL_TAB", "HANDLER": "http://127.0.0.1/app/tab", "TITLE": "Tab"},
    )
    assert bound["result"] is True
    info = token.call_method("app.info")["result"]
    assert (info["ID"], info["CODE"], info["STATUS"], info["INSTALLED"]) == (
        app_id,
        client_id,
        "L",
        True,
    )

    # The access token expires; the SDK meets expired_token, renews at /oauth/token/ and
    # repeats the call, as auto-renewal.md describes.
    expire_access_tokens(server)
    first_access, first_refresh = token.auth_token, token.refresh_token
    assert client.crm.lead.get(bitrix_id=lead_id).result["ID"] == str(lead_id)
    assert token.auth_token != first_access
    assert token.refresh_token != first_refresh

    # A one-time code from the CLI, exchanged by the SDK for a pair of its own.
    code = server.cli("app", "code", str(app_id), "--user", "1").stdout.strip()
    renewed = app.get_oauth_token(code)
    other = BitrixTokenLocal(
        auth_token=renewed.oauth_token.access_token,
        refresh_token=renewed.oauth_token.refresh_token,
        bitrix_app=app,
    )
    assert other.call_method("user.current")["result"]["ID"] == "1"

    # The token endpoint takes its secrets in the query string; the access log keeps none.
    log = server.wait_for_log("GET /oauth/token/?")
    for secret_value in (secret, first_refresh, token.refresh_token, code, form["AUTH_ID"]):
        assert secret_value not in log
    assert "client_secret=***" in log

    server.cli("app", "uninstall", str(app_id))
    for revoked in (token, other):
        with pytest.raises(BitrixAPIError) as refused:
            revoked.call_method("crm.lead.get", {"id": lead_id})
        assert refused.value.status_code == 401
        assert refused.value.error == "NO_AUTH_FOUND"


def test_app_only_methods_refuse_the_sdk_on_a_webhook(server: Server, trust_test_ca: None) -> None:  # noqa: F811
    from tests.e2e.test_b24pysdk import webhook_client

    client = webhook_client(server, server.admin_webhook)
    with pytest.raises(BitrixAPIError) as refused:
        client._bitrix_token.call_method(
            "placement.bind", {"PLACEMENT": "CRM_LEAD_DETAIL_TAB", "HANDLER": "https://a.example/"}
        )
    assert refused.value.status_code == 403
    assert refused.value.error == "WRONG_AUTH_TYPE"


def test_a_failed_install_call_leaves_the_app_uninstalled(server: Server) -> None:
    with receiver() as target:
        target.answer = lambda received: 500
        app_id, client_id, _ = create_app(server, install_url=target.url)
        failed = server.cli("app", "install", str(app_id), check=False)
    assert failed.returncode == 1
    assert "not installed: the install URL answered HTTP 500" in failed.stderr
    # Nothing secret reaches the operator's terminal on failure.
    assert target.calls[0].form["AUTH_ID"] not in failed.stdout + failed.stderr
    listed = [line for line in server.cli("app", "list").stdout.splitlines() if client_id in line]
    assert listed == [f"{app_id}\t{client_id}\tnot installed\tbasic,crm,placement,user\tSDK app"]
    refused = server.cli("app", "code", str(app_id), check=False)
    assert (refused.returncode, refused.stderr.strip()) == (
        1,
        f"no installed application {app_id}",
    )


def wait_for_calls(target: Any, count: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while len(target.calls) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"{len(target.calls)} of {count} events arrived")
        time.sleep(0.05)


def test_the_servers_own_worker_delivers_to_an_outgoing_webhook(server: Server) -> None:
    """`serve` runs a delivery worker in its process: no separate worker is needed."""
    with receiver() as target:
        made = server.cli(
            "webhook", "outgoing", "create", "--event", "ONCRMLEADADD", "--url", target.url
        ).stdout
        handler_id = re.search(r"^handler (\d+):", made, re.M).group(1)  # type: ignore[union-attr]
        token = re.search(r"^application_token: (\S+)$", made, re.M).group(1)  # type: ignore[union-attr]
        with server.http() as http:
            added = http.post(
                server.admin_webhook + "crm.lead.add", json={"fields": {"TITLE": "Heard"}}
            ).json()["result"]
            wait_for_calls(target, 1)
            form = target.calls[0].form
            assert (form["event"], form["data[FIELDS][ID]"]) == ("ONCRMLEADADD", str(added))
            assert form["event_handler_id"] == handler_id
            assert form["auth[application_token]"] == token
            assert "auth[access_token]" not in form
            log = server.cli("events", "log", "--handler", handler_id).stdout
            assert target.calls[0].headers["X-Leadcrm-Event-Id"] in log
            assert "\t200\t" in log
            server.cli("webhook", "outgoing", "revoke", handler_id)
            http.post(server.admin_webhook + "crm.lead.add", json={"fields": {"TITLE": "Unheard"}})
            time.sleep(1.0)
    assert len(target.calls) == 1
