"""A call with an application's token: whose it is, what it reaches, and what stays webhook-only
(settings/how-to-call-rest-api/authorization.md; spec-checklist sections 1.3 and 20)."""

from __future__ import annotations

import pytest

from tests.support import OUT_OF_SCOPE, WRONG_AUTH, Api, token_for

APP_ONLY = [
    "placement.bind",
    "placement.unbind",
    "placement.get",
    "placement.list",
    "userfieldtype.add",
    "userfieldtype.update",
    "userfieldtype.list",
    "userfieldtype.delete",
]


def test_a_call_runs_as_the_token_user(api: Api) -> None:
    app = api.install_app(scopes="crm,user")
    lead_id = app.api.call("crm.lead.add", {"fields": {"TITLE": "By the app"}})
    assert app.api.call("crm.lead.get", {"id": lead_id})["CREATED_BY_ID"] == "1"
    worker = token_for(api, app.id, admin=False)
    worker_id = worker.call("user.current")["ID"]
    second = worker.call("crm.lead.add", {"fields": {"TITLE": "By the worker"}})
    assert worker.call("crm.lead.get", {"id": second})["CREATED_BY_ID"] == worker_id
    # ...with that user's rights: settings methods are the administrator's.
    status, body = worker.error(
        "crm.lead.userfield.add", {"fields": {"FIELD_NAME": "X", "USER_TYPE_ID": "string"}}
    )
    assert status == 400
    assert body["error_description"].startswith("Access denied")


def test_a_method_outside_the_apps_scopes_is_insufficient_scope(api: Api) -> None:
    app = api.install_app(scopes="crm")
    for name in ("user.current", "placement.list"):
        response = app.api.post(name)
        assert (response.status_code, response.json()) == (403, OUT_OF_SCOPE), name
    assert sorted(app.api.call("scope")) == ["basic", "crm"]
    methods = app.api.call("methods")
    assert "crm.lead.add" in methods
    assert "user.current" not in methods
    assert "placement.bind" not in methods


@pytest.mark.parametrize("name", APP_ONLY)
def test_app_only_methods_answer_wrong_auth_type_to_webhooks(api: Api, name: str) -> None:
    """Even a webhook that holds the placement scope (the administrator's does)."""
    assert "placement" in api.call("scope")
    assert api.error(name, {"PLACEMENT": "CRM_LEAD_DETAIL_TAB"}) == (403, WRONG_AUTH)


def test_method_get_and_methods_tell_apps_from_webhooks(api: Api) -> None:
    app = api.install_app(scopes="crm,placement")
    for name in ("placement.bind", "userfieldtype.add"):
        assert api.call("method.get", {"name": name}) == {
            "isExisting": True,
            "isAvailable": False,
        }
        assert app.api.call("method.get", {"name": name}) == {
            "isExisting": True,
            "isAvailable": True,
        }
        assert name not in api.call("methods")
        assert name in app.api.call("methods")
        assert name in api.call("methods", {"scope": "placement"})


def test_webhook_behaviour_is_unchanged(api: Api) -> None:
    api.install_app(scopes="crm")
    assert api.error("app.info") == (
        400,
        {
            "error": "ACCESS_DENIED",
            "error_description": "Access denied! Application context required",
        },
    )
    assert api.call("crm.lead.add", {"fields": {"TITLE": "Webhook"}}) == 1
    # A webhook ignores `auth`, even a live token of an app.
    app = api.install_app(scopes="crm", name="Second")
    status, _ = api.error("app.info", {"auth": app.access_token})
    assert status == 400


def test_a_batch_with_a_token_runs_its_commands_as_the_app(api: Api) -> None:
    app = api.install_app(scopes="crm,placement")
    result = app.api.call(
        "batch",
        {
            "halt": 0,
            "cmd": {
                "bind": "placement.bind?PLACEMENT=CRM_LEAD_LIST_MENU&HANDLER=https://app.example.com/m",
                "info": "app.info",
                "user": "user.current",
                "lead": "crm.lead.add?fields[TITLE]=Batched",
            },
        },
    )
    assert result["result"]["bind"] is True
    assert result["result"]["info"]["ID"] == app.id
    assert result["result"]["lead"] == 1
    assert result["result_error"]["user"] == OUT_OF_SCOPE
    # A webhook's batch cannot reach app-only methods either.
    through_webhook = api.call("batch", {"cmd": {"get": "placement.get"}})
    assert through_webhook["result_error"]["get"] == WRONG_AUTH


def test_app_info_answers_for_the_calling_app(api: Api) -> None:
    one = api.install_app(scopes="crm", name="One")
    two = api.install_app(scopes="crm", name="Two")
    first, second = one.api.call("app.info"), two.api.call("app.info")
    assert (first["ID"], second["ID"]) == (one.id, two.id)
    assert first == {
        "ID": one.id,
        "CODE": one.client_id,
        "VERSION": 1,
        "STATUS": "L",
        "INSTALLED": True,
        "PAYMENT_EXPIRED": "N",
        "DAYS": None,
        "LANGUAGE_ID": "en",
        "LICENSE": "en_selfhosted",
        "LICENSE_TYPE": "selfhosted",
        "LICENSE_FAMILY": "selfhosted",
    }
