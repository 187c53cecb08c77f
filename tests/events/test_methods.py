"""event.bind / event.unbind / event.get / events / event.test, and leadcrm.event.log.

Pages: api-reference/events/index.md, event-bind.md, event-unbind.md, event-get.md, events.md
and test-handler.md; spec-checklist section 16.3. Every call goes through the whole HTTP path
with an application's OAuth token (the methods need an application context); every refusal is
checked to have written nothing (the event_handler table, and event.get, are unchanged).

leadcrm's own rules beside the pages: handler URLs must be http(s) with a host, and may not
name a private, loopback or link-local address unless the operator allows its network
(``events_allow_networks``; this module allows loopback, so the real receiver can listen on
127.0.0.1, and ``TestWithoutAllowedNetworks`` allows nothing).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from leadcrm.apps import tokens
from leadcrm.events.tables import event_deliveries, event_handlers
from leadcrm.events.worker import deliver_due
from leadcrm.users.service import create_user
from tests.apps.receiver import receiver
from tests.support import UNSUPPORTED_PROTOCOL, WRONG_AUTH, Api, InstalledApp

HANDLER = "https://www.my-domain.com/handler/"
OTHER = "https://www.my-domain.com/other/"

EVENT_NOT_FOUND = {"error": "ERROR_EVENT_NOT_FOUND", "error_description": "Event not found"}
ALREADY_EXISTS = {
    "error": "ERROR_HANDLER_ALREADY_EXIST",
    "error_description": "Handler already exists!",
}
WRONG_HANDLER_URL = {
    "error": "ERROR_WRONG_HANDLER_URL",
    "error_description": "Handler URL must not point at a private, loopback or link-local address",
}
NO_HANDLER = {
    "error": "ERROR_ARGUMENT",
    "error_description": "Argument 'HANDLER' is null or empty",
    "argument": "HANDLER",
}
LOG_DENIED = {"error": "ACCESS_DENIED", "error_description": "Access denied!"}

BASIC_EVENTS = ["ONAPPUNINSTALL", "ONAPPTEST", "ONOFFLINEEVENT"]
# The crm events leadcrm sends, in the order of the `events` example (events.md): leads,
# companies, contacts, products.
CRM_EVENTS = [
    f"ONCRM{entity}{action}"
    for entity in ("LEAD", "COMPANY", "CONTACT")
    for action in (
        "ADD",
        "UPDATE",
        "DELETE",
        "USERFIELDADD",
        "USERFIELDUPDATE",
        "USERFIELDDELETE",
        "USERFIELDSETENUMVALUES",
    )
] + ["ONCRMPRODUCTADD", "ONCRMPRODUCTUPDATE", "ONCRMPRODUCTDELETE"]


def denied(what: str) -> dict[str, str]:
    return {
        "error": "ACCESS_DENIED",
        "error_description": f"Access denied! {what} requires administrator access rights",
    }


def listed(event: str, handler: str, auth_type: int = 0) -> dict[str, Any]:
    """One item of event.get, as the page's example shows it."""
    return {"event": event, "handler": handler, "auth_type": str(auth_type), "offline": 0}


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"events_allow_networks": ["127.0.0.0/8"]}


@pytest.fixture
def app(api: Api) -> InstalledApp:
    return api.install_app(scopes="crm")


def new_user(api: Api, *, admin: bool = False, name: str = "Worker") -> int:
    with api.runtime.engine.begin() as conn:
        return create_user(conn, name=name, zone=api.runtime.zone, is_admin=admin)


def token_for(api: Api, app_id: int, *, admin: bool) -> tuple[int, Api]:
    """A new user of the app (an administrator or not) and a client calling with their token."""
    user_id = new_user(api, admin=admin)
    with api.runtime.engine.begin() as conn:
        pair = tokens.issue_pair(conn, app_id=app_id, user_id=user_id)
    return user_id, api.with_token(pair.access_token)


def handler_rows(api: Api) -> list[dict[str, Any]]:
    """Every event_handler row, unbound and disabled ones too, oldest first."""
    with api.runtime.engine.connect() as conn:
        rows = conn.execute(select(event_handlers).order_by(event_handlers.c.id)).mappings()
        return [dict(row) for row in rows]


def bind(client: Api, **params: Any) -> None:
    response = client.post("event.bind", params)
    assert (response.status_code, response.json()["result"]) == (200, True), response.json()


def refused(
    api: Api, client: Api, method: str, params: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    """The error answer of a call that must change nothing."""
    before = handler_rows(api)
    status, body = client.error(method, params)
    assert handler_rows(api) == before
    return status, body


# --- event.bind and event.get ---------------------------------------------------------------


def test_bind_answers_true_and_get_lists_the_handler(api: Api, app: InstalledApp) -> None:
    assert app.api.call("event.get") == []
    response = app.api.post("event.bind", {"event": "ONCRMLEADADD", "handler": HANDLER})
    assert response.status_code == 200
    body = response.json()
    assert body["result"] is True
    assert set(body) == {"result", "time"}
    assert app.api.call("event.get") == [listed("ONCRMLEADADD", HANDLER)]


def test_event_names_are_read_in_any_case_and_stored_upper(api: Api, app: InstalledApp) -> None:
    bind(app.api, event="onCrmLeadAdd", handler=HANDLER)
    bind(app.api, event="oncrmleadupdate", handler=HANDLER)
    bind(app.api, event="OnAppTest", handler=HANDLER)
    assert app.api.call("event.get") == [
        listed("ONCRMLEADADD", HANDLER),
        listed("ONCRMLEADUPDATE", HANDLER),
        listed("ONAPPTEST", HANDLER),
    ]
    assert [row["event"] for row in handler_rows(api)] == [
        "ONCRMLEADADD",
        "ONCRMLEADUPDATE",
        "ONAPPTEST",
    ]


def test_get_answers_the_shape_of_the_page_example(api: Api, app: InstalledApp) -> None:
    """event-get.md: the same handler bound without and with auth_type, auth_type as text."""
    user_id = new_user(api)
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER)
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER, auth_type=user_id)
    response = app.api.post("event.get")
    assert response.status_code == 200
    assert response.json()["result"] == [
        {"event": "ONCRMLEADADD", "handler": HANDLER, "auth_type": "0", "offline": 0},
        {"event": "ONCRMLEADADD", "handler": HANDLER, "auth_type": str(user_id), "offline": 0},
    ]


def test_a_user_binds_on_their_own_behalf_and_sees_only_their_own(
    api: Api, app: InstalledApp
) -> None:
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER)
    worker_id, worker = token_for(api, app.id, admin=False)
    # Without auth_type, with their own id, or with 0: the handler is theirs either way.
    bind(worker, event="ONCRMLEADADD", handler=OTHER)
    bind(worker, event="ONCRMLEADUPDATE", handler=OTHER, auth_type=worker_id)
    bind(worker, event="ONCRMLEADDELETE", handler=OTHER, auth_type=0)
    own = [
        listed("ONCRMLEADADD", OTHER, worker_id),
        listed("ONCRMLEADUPDATE", OTHER, worker_id),
        listed("ONCRMLEADDELETE", OTHER, worker_id),
    ]
    assert worker.call("event.get") == own
    # An administrator sees every handler of the app, whoever bound it.
    assert app.api.call("event.get") == [listed("ONCRMLEADADD", HANDLER), *own]
    _, other_admin = token_for(api, app.id, admin=True)
    assert other_admin.call("event.get") == [listed("ONCRMLEADADD", HANDLER), *own]


def test_another_apps_handlers_are_not_listed(api: Api, app: InstalledApp) -> None:
    other = api.install_app(scopes="crm", name="Other app")
    bind(other.api, event="ONCRMLEADADD", handler=OTHER)
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER)
    assert app.api.call("event.get") == [listed("ONCRMLEADADD", HANDLER)]
    assert other.api.call("event.get") == [listed("ONCRMLEADADD", OTHER)]


def test_the_same_handler_may_serve_several_events(api: Api, app: InstalledApp) -> None:
    for event in ("ONCRMLEADADD", "ONCRMLEADUPDATE", "ONCRMLEADDELETE"):
        bind(app.api, event=event, handler=HANDLER)
    bind(app.api, event="ONCRMLEADADD", handler=OTHER)
    assert app.api.call("event.get") == [
        listed("ONCRMLEADADD", HANDLER),
        listed("ONCRMLEADUPDATE", HANDLER),
        listed("ONCRMLEADDELETE", HANDLER),
        listed("ONCRMLEADADD", OTHER),
    ]


@pytest.mark.parametrize(
    "event", ["ONNOSUCHEVENT", "ONCRMDEALADD", "ONCRMLEADADD_X", "", None, "   "]
)
def test_an_unknown_or_missing_event_is_not_found(
    api: Api, app: InstalledApp, event: str | None
) -> None:
    params: dict[str, Any] = {"handler": HANDLER}
    if event is not None:
        params["event"] = event
    assert refused(api, app.api, "event.bind", params) == (400, EVENT_NOT_FOUND)
    assert app.api.call("event.get") == []


def test_a_crm_event_needs_the_crm_scope(api: Api) -> None:
    app = api.install_app(scopes="user")
    params = {"event": "ONCRMLEADADD", "handler": HANDLER}
    assert refused(api, app.api, "event.bind", params) == (400, EVENT_NOT_FOUND)
    assert app.api.call("event.get") == []
    # Basic events are every app's.
    bind(app.api, event="ONAPPTEST", handler=HANDLER)
    assert app.api.call("event.get") == [listed("ONAPPTEST", HANDLER)]


@pytest.mark.parametrize("handler", [None, "", "   "])
def test_a_missing_handler_is_an_argument_error(
    api: Api, app: InstalledApp, handler: str | None
) -> None:
    params: dict[str, Any] = {"event": "ONCRMLEADADD"}
    if handler is not None:
        params["handler"] = handler
    assert refused(api, app.api, "event.bind", params) == (400, NO_HANDLER)


@pytest.mark.parametrize(
    "handler", ["ftp://www.my-domain.com/handler/", "javascript://www.my-domain.com/x"]
)
def test_a_handler_that_is_not_http_is_an_unsupported_protocol(
    api: Api, app: InstalledApp, handler: str
) -> None:
    params = {"event": "ONCRMLEADADD", "handler": handler}
    assert refused(api, app.api, "event.bind", params) == (400, UNSUPPORTED_PROTOCOL)


@pytest.mark.parametrize(
    "handler",
    [
        "http://10.0.0.1/handler/",
        "http://192.168.1.10:8080/handler/",
        "http://172.16.0.5/handler/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/handler/",
        "http://0.0.0.0/handler/",
    ],
)
def test_a_private_or_link_local_address_is_refused(
    api: Api, app: InstalledApp, handler: str
) -> None:
    """Only loopback is allowed here: every other private address is still refused."""
    params = {"event": "ONCRMLEADADD", "handler": handler}
    assert refused(api, app.api, "event.bind", params) == (400, WRONG_HANDLER_URL)


def test_an_allowed_network_may_be_bound(api: Api, app: InstalledApp) -> None:
    bind(app.api, event="ONCRMLEADADD", handler="http://127.0.0.1:9/handler/")
    bind(app.api, event="ONCRMLEADADD", handler="http://localhost:9/handler/")
    assert [item["handler"] for item in app.api.call("event.get")] == [
        "http://127.0.0.1:9/handler/",
        "http://localhost:9/handler/",
    ]


class TestWithoutAllowedNetworks:
    """The default settings: no private, loopback or link-local handler at all."""

    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {}

    @pytest.mark.parametrize(
        "handler",
        [
            "http://127.0.0.1/handler/",
            "http://127.0.0.1:8000/rest/",
            "http://localhost/handler/",
            "http://LOCALHOST:8080/handler/",
            "http://app.localhost/handler/",
            "http://[::1]/handler/",
            "http://10.0.0.1/handler/",
            "http://169.254.169.254/latest/meta-data/",
        ],
    )
    def test_a_loopback_private_or_link_local_handler_is_refused(
        self, api: Api, app: InstalledApp, handler: str
    ) -> None:
        params = {"event": "ONCRMLEADADD", "handler": handler}
        assert refused(api, app.api, "event.bind", params) == (400, WRONG_HANDLER_URL)
        assert app.api.call("event.get") == []

    def test_a_public_handler_is_bound(self, api: Api, app: InstalledApp) -> None:
        bind(app.api, event="ONCRMLEADADD", handler=HANDLER)
        assert app.api.call("event.get") == [listed("ONCRMLEADADD", HANDLER)]


def test_binding_the_same_handler_twice_is_refused(api: Api, app: InstalledApp) -> None:
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER)
    params = {"event": "ONCRMLEADADD", "handler": HANDLER}
    assert refused(api, app.api, "event.bind", params) == (400, ALREADY_EXISTS)
    # In another case, it is the same event.
    params = {"event": "onCrmLeadAdd", "handler": HANDLER}
    assert refused(api, app.api, "event.bind", params) == (400, ALREADY_EXISTS)
    assert app.api.call("event.get") == [listed("ONCRMLEADADD", HANDLER)]


def test_a_handler_may_be_bound_again_after_its_unbinding(api: Api, app: InstalledApp) -> None:
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER)
    params = {"event": "ONCRMLEADADD", "handler": HANDLER}
    assert app.api.call("event.unbind", params) == {"count": 1}
    bind(app.api, **params)
    assert app.api.call("event.get") == [listed("ONCRMLEADADD", HANDLER)]


def test_a_user_may_not_bind_offline_events(api: Api, app: InstalledApp) -> None:
    _, worker = token_for(api, app.id, admin=False)
    params = {"event": "ONCRMLEADADD", "event_type": "offline"}
    assert refused(api, worker, "event.bind", params) == (403, denied("Offline events binding"))
    assert app.api.call("event.get") == []


def test_an_administrator_binds_offline_events(api: Api, app: InstalledApp) -> None:
    bind(app.api, event="ONCRMLEADADD", event_type="offline")
    (row,) = handler_rows(api)
    assert (row["event"], row["offline"], row["handler"]) == ("ONCRMLEADADD", True, "")
    assert [item["offline"] for item in app.api.call("event.get")] == [1]


def test_a_user_may_not_bind_with_another_users_auth_type(api: Api, app: InstalledApp) -> None:
    _, worker = token_for(api, app.id, admin=False)
    params = {"event": "ONCRMLEADADD", "handler": HANDLER, "auth_type": 1}
    assert refused(api, worker, "event.bind", params) == (
        403,
        denied("Event binding with AUTH_TYPE"),
    )
    assert app.api.call("event.get") == []


def test_an_administrator_binds_with_any_users_auth_type(api: Api, app: InstalledApp) -> None:
    user_id = new_user(api)
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER, auth_type=user_id)
    assert app.api.call("event.get") == [listed("ONCRMLEADADD", HANDLER, user_id)]


# --- event.unbind ---------------------------------------------------------------------------


def test_unbind_answers_the_number_removed(api: Api, app: InstalledApp) -> None:
    user_id = new_user(api)
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER)
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER, auth_type=user_id)
    bind(app.api, event="ONCRMLEADUPDATE", handler=HANDLER)
    bind(app.api, event="ONCRMLEADADD", handler=OTHER)
    response = app.api.post("event.unbind", {"event": "ONCRMLEADADD", "handler": HANDLER})
    assert response.status_code == 200
    assert response.json()["result"] == {"count": 2}
    assert app.api.call("event.get") == [
        listed("ONCRMLEADUPDATE", HANDLER),
        listed("ONCRMLEADADD", OTHER),
    ]


def test_unbind_reads_the_event_in_any_case(api: Api, app: InstalledApp) -> None:
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER)
    assert app.api.call("event.unbind", {"event": "onCrmLeadAdd", "handler": HANDLER}) == {
        "count": 1
    }
    assert app.api.call("event.get") == []


def test_unbind_with_auth_type_0_removes_only_handlers_without_one(
    api: Api, app: InstalledApp
) -> None:
    user_id = new_user(api)
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER)
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER, auth_type=user_id)
    params = {"event": "ONCRMLEADADD", "handler": HANDLER, "auth_type": 0}
    assert app.api.call("event.unbind", params) == {"count": 1}
    assert app.api.call("event.get") == [listed("ONCRMLEADADD", HANDLER, user_id)]
    # And with the user's id, that user's.
    params["auth_type"] = user_id
    assert app.api.call("event.unbind", params) == {"count": 1}
    assert app.api.call("event.get") == []


def test_unbind_with_an_empty_auth_type_removes_only_handlers_without_one(
    api: Api, app: InstalledApp
) -> None:
    user_id = new_user(api)
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER)
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER, auth_type=user_id)
    params = {"event": "ONCRMLEADADD", "handler": HANDLER, "auth_type": ""}
    assert app.api.call("event.unbind", params) == {"count": 1}
    assert app.api.call("event.get") == [listed("ONCRMLEADADD", HANDLER, user_id)]


def test_a_user_unbinds_only_their_own_handlers(api: Api, app: InstalledApp) -> None:
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER)
    worker_id, worker = token_for(api, app.id, admin=False)
    bind(worker, event="ONCRMLEADADD", handler=HANDLER)
    params = {"event": "ONCRMLEADADD", "handler": HANDLER}
    assert worker.call("event.unbind", params) == {"count": 1}
    assert worker.call("event.get") == []
    assert app.api.call("event.get") == [listed("ONCRMLEADADD", HANDLER)]
    # Nothing of theirs is left: the administrator's stays.
    assert worker.call("event.unbind", params) == {"count": 0}
    assert worker.call("event.unbind") == {"count": 0}
    assert app.api.call("event.get") == [listed("ONCRMLEADADD", HANDLER)]
    # With their own id as auth_type, it is still their own.
    bind(worker, event="ONCRMLEADADD", handler=HANDLER)
    assert worker.call("event.unbind", {**params, "auth_type": worker_id}) == {"count": 1}


def test_an_administrator_unbinds_any_users_handlers(api: Api, app: InstalledApp) -> None:
    _, worker = token_for(api, app.id, admin=False)
    bind(worker, event="ONCRMLEADADD", handler=HANDLER)
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER)
    assert app.api.call("event.unbind", {"event": "ONCRMLEADADD", "handler": HANDLER}) == {
        "count": 2
    }
    assert worker.call("event.get") == []


def test_unbind_without_a_match_removes_nothing(api: Api, app: InstalledApp) -> None:
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER)
    before = handler_rows(api)
    for params in (
        {"event": "ONCRMLEADADD", "handler": OTHER},
        {"event": "ONCRMLEADUPDATE", "handler": HANDLER},
        {"event": "ONCRMLEADADD", "handler": HANDLER, "auth_type": 1},
        {"event": "ONCRMLEADADD", "handler": HANDLER, "event_type": "offline"},
    ):
        assert app.api.call("event.unbind", params) == {"count": 0}, params
    assert handler_rows(api) == before
    assert app.api.call("event.get") == [listed("ONCRMLEADADD", HANDLER)]


def test_unbind_without_parameters_removes_all_the_apps_online_handlers(
    api: Api, app: InstalledApp
) -> None:
    """event-unbind.md: 'If no parameters are specified, all event handlers that meet the other
    requirements will be deleted'."""
    other = api.install_app(scopes="crm", name="Other app")
    bind(other.api, event="ONCRMLEADADD", handler=HANDLER)
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER)
    bind(app.api, event="ONCRMLEADUPDATE", handler=OTHER)
    assert app.api.call("event.unbind") == {"count": 2}
    assert app.api.call("event.get") == []
    assert other.api.call("event.get") == [listed("ONCRMLEADADD", HANDLER)]


def test_a_user_may_not_unbind_offline_events(api: Api, app: InstalledApp) -> None:
    bind(app.api, event="ONCRMLEADADD", event_type="offline")
    _, worker = token_for(api, app.id, admin=False)
    params = {"event": "ONCRMLEADADD", "event_type": "offline"}
    assert refused(api, worker, "event.unbind", params) == (
        403,
        denied("Offline events unbinding"),
    )
    assert len(app.api.call("event.get")) == 1


def test_a_user_may_not_unbind_with_another_users_auth_type(api: Api, app: InstalledApp) -> None:
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER, auth_type=1)
    _, worker = token_for(api, app.id, admin=False)
    params = {"event": "ONCRMLEADADD", "handler": HANDLER, "auth_type": 1}
    assert refused(api, worker, "event.unbind", params) == (
        403,
        denied("Event unbinding with AUTH_TYPE"),
    )
    assert app.api.call("event.get") == [listed("ONCRMLEADADD", HANDLER, 1)]


def test_an_administrator_unbinds_offline_events(api: Api, app: InstalledApp) -> None:
    bind(app.api, event="ONCRMLEADADD", event_type="offline")
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER)
    assert app.api.call("event.unbind", {"event": "ONCRMLEADADD", "event_type": "offline"}) == {
        "count": 1
    }
    assert app.api.call("event.get") == [listed("ONCRMLEADADD", HANDLER)]


# --- events ---------------------------------------------------------------------------------


def test_events_lists_the_basic_events_and_those_of_the_apps_scopes(
    api: Api, app: InstalledApp
) -> None:
    response = app.api.post("events")
    assert response.status_code == 200
    assert response.json()["result"] == BASIC_EVENTS + CRM_EVENTS
    assert app.api.call("events", {"FULL": False}) == BASIC_EVENTS + CRM_EVENTS


def test_events_of_one_scope(api: Api, app: InstalledApp) -> None:
    assert app.api.call("events", {"SCOPE": "crm"}) == CRM_EVENTS
    assert app.api.call("events", {"SCOPE": "basic"}) == BASIC_EVENTS
    # leadcrm sends no event of the user scope (the page's example asks for it).
    assert app.api.call("events", {"SCOPE": "user"}) == []
    # FULL is ignored when SCOPE is given.
    assert app.api.call("events", {"SCOPE": "crm", "FULL": True}) == CRM_EVENTS


def test_an_app_without_crm_sees_no_crm_events_unless_it_asks_for_all(api: Api) -> None:
    app = api.install_app(scopes="user")
    assert app.api.call("events") == BASIC_EVENTS
    for full in (True, "true", "Y", 1):
        assert app.api.call("events", {"FULL": full}) == BASIC_EVENTS + CRM_EVENTS, full


# --- Application context only ---------------------------------------------------------------


@pytest.mark.parametrize("method", ["event.bind", "event.unbind", "event.get", "events"])
def test_a_webhook_may_not_call_the_event_methods(api: Api, app: InstalledApp, method: str) -> None:
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER)
    params = {"event": "ONCRMLEADADD", "handler": OTHER}
    assert refused(api, api, method, params) == (403, WRONG_AUTH)
    assert app.api.call("event.get") == [listed("ONCRMLEADADD", HANDLER)]


def test_a_webhook_may_not_call_event_test(api: Api, app: InstalledApp) -> None:
    bind(app.api, event="ONAPPTEST", handler=HANDLER)
    assert refused(api, api, "event.test", {"any": "data"}) == (403, WRONG_AUTH)
    with api.runtime.engine.connect() as conn:
        assert conn.execute(select(event_deliveries.c.id)).first() is None


# --- event.test -----------------------------------------------------------------------------


def test_event_test_sends_onapptest_with_the_query(api: Api, app: InstalledApp) -> None:
    """test-handler.md: the handler gets event ONAPPTEST, data[QUERY][any]=data and
    data[LANGUAGE_ID]=en."""
    other = api.install_app(scopes="crm", name="Other app")
    with receiver() as target:
        bind(app.api, event="ONAPPTEST", handler=target.url)
        bind(other.api, event="ONAPPTEST", handler=target.url + "/other")
        response = app.api.post("event.test", {"any": "data"})
        assert response.status_code == 200
        assert response.json()["result"] == 1
        assert deliver_due(api.runtime) == 1
    (call,) = target.calls  # not the other app's handler
    assert (call.method, call.path) == ("POST", "/install")
    form = call.form
    (row,) = [r for r in handler_rows(api) if r["app_id"] == app.id]
    assert form["event"] == "ONAPPTEST"
    assert form["event_handler_id"] == str(row["id"])
    assert form["data[QUERY][any]"] == "data"
    assert form["data[LANGUAGE_ID]"] == "en"
    assert form["auth[application_token]"] == app.application_token
    assert form["ts"].isdigit()


def test_the_test_query_carries_only_what_was_sent(api: Api, app: InstalledApp) -> None:
    """The page's example shows QUERY = {any: data}: the caller's `auth` is not echoed in it."""
    with receiver() as target:
        bind(app.api, event="ONAPPTEST", handler=target.url)
        assert app.api.call("event.test", {"any": "data"}) == 1
        deliver_due(api.runtime)
    (call,) = target.calls
    assert [key for key in call.form if key.startswith("data[")] == [
        "data[QUERY][any]",
        "data[LANGUAGE_ID]",
    ]


def test_event_test_without_a_handler_sends_nothing(api: Api, app: InstalledApp) -> None:
    bind(app.api, event="ONCRMLEADADD", handler=HANDLER)
    assert app.api.call("event.test", {"any": "data"}) == 1
    with api.runtime.engine.connect() as conn:
        assert conn.execute(select(event_deliveries.c.id)).first() is None


# --- leadcrm.event.log ----------------------------------------------------------------------


def test_the_log_lists_attempts_newest_first(api: Api, app: InstalledApp) -> None:
    with receiver() as target:
        bind(app.api, event="ONAPPTEST", handler=target.url)
        (row,) = handler_rows(api)
        app.api.call("event.test", {"n": "1"})
        deliver_due(api.runtime)
        target.answer = lambda received: 500
        app.api.call("event.test", {"n": "2"})
        deliver_due(api.runtime)
    assert [call.form["data[QUERY][n]"] for call in target.calls] == ["1", "2"]
    ids = [call.headers["X-Leadcrm-Event-Id"] for call in target.calls]
    log = api.call("leadcrm.event.log")
    assert [entry["EVENT_ID"] for entry in log] == ids[::-1]
    assert log[0]["ID"] > log[1]["ID"]
    assert set(log[0]) == {
        "ID",
        "TIME",
        "EVENT",
        "EVENT_ID",
        "HANDLER_ID",
        "HANDLER",
        "ATTEMPT",
        "STATUS_CODE",
        "ERROR",
        "DURATION_MS",
        "DELIVERY_STATUS",
    }
    newest, oldest = log
    assert {k: newest[k] for k in ("EVENT", "HANDLER_ID", "HANDLER", "ATTEMPT")} == {
        "EVENT": "ONAPPTEST",
        "HANDLER_ID": row["id"],
        "HANDLER": target.url,
        "ATTEMPT": 1,
    }
    assert (newest["STATUS_CODE"], newest["ERROR"], newest["DELIVERY_STATUS"]) == (
        500,
        "HTTP 500",
        "pending",
    )
    assert (oldest["STATUS_CODE"], oldest["ERROR"], oldest["DELIVERY_STATUS"]) == (
        200,
        "",
        "delivered",
    )
    assert newest["TIME"].endswith("+00:00")
    assert api.call("leadcrm.event.log", {"limit": 1}) == [newest]
    assert api.call("leadcrm.event.log", {"handler_id": row["id"] + 1}) == []
    # An administrator's application token reads it too.
    assert app.api.call("leadcrm.event.log") == log


def test_the_log_is_for_administrators(api: Api, app: InstalledApp) -> None:
    _, worker = token_for(api, app.id, admin=False)
    assert worker.error("leadcrm.event.log") == (403, LOG_DENIED)
    _, prefix = api.new_webhook(scopes=["crm"])
    assert api.as_user(prefix).error("leadcrm.event.log") == (403, LOG_DENIED)
