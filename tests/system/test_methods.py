"""scope, methods, method.get, server.time, profile, app.info, crm.settings.mode.get: the docs'
requests replayed, the documented shapes asserted."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from leadcrm.rest import registry
from leadcrm.webhooks.service import KNOWN_SCOPES
from tests.support import Api

ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
BASIC_METHODS = ["app.info", "batch", "method.get", "methods", "profile", "scope", "server.time"]
USER_METHODS = ["user.current", "user.fields", "user.get"]
INSUFFICIENT_SCOPE = {
    "error": "insufficient_scope",
    "error_description": (
        "The request requires higher privileges than provided by the webhook token"
    ),
}


# -- scope ---------------------------------------------------------------------------------


def test_scope_lists_the_webhooks_scopes_and_basic(api: Api) -> None:
    assert api.call("scope") == ["basic", "crm", "placement", "user"]
    _, prefix = api.new_webhook(scopes=["user_brief", "crm"])
    assert api.as_user(prefix).call("scope") == ["basic", "crm", "user_brief"]


def test_scope_full_lists_every_scope_of_the_server(api: Api) -> None:
    """The documented request: {"full": true}."""
    everything = sorted({"basic", *KNOWN_SCOPES, *(m.scope for m in registry.all_methods())})
    assert {"basic", "crm", "user", "user_basic", "user_brief", "placement"} <= set(everything)
    _, prefix = api.new_webhook(scopes=[])
    for caller in (api, api.as_user(prefix)):
        for full in (True, "true", "Y", 1):
            assert caller.call("scope", {"full": full}) == everything, full
    for full in (False, "false", "N", 0, ""):
        assert api.call("scope", {"full": full}) == ["basic", "crm", "placement", "user"], full


# -- methods -------------------------------------------------------------------------------


def test_methods_in_a_scope_is_the_documented_request(api: Api) -> None:
    """{"scope": "user"}: the user methods this server has, lower-case."""
    assert api.call("methods", {"scope": "user"}) == USER_METHODS


def test_methods_in_a_limited_user_scope_are_the_user_methods(api: Api) -> None:
    for scope in ("user_basic", "user_brief", "USER"):
        assert api.call("methods", {"scope": scope}) == USER_METHODS, scope


def registered(scope: str) -> list[str]:
    return [m.name.lower() for m in registry.all_methods() if m.scope == scope]


def open_to_webhooks(scope: str) -> list[str]:
    """A scope's methods less those that need an application's token (event.*, ...)."""
    return [m.name.lower() for m in registry.all_methods() if m.scope == scope and not m.app_only]


def test_methods_with_an_empty_scope_are_the_common_methods(api: Api) -> None:
    assert set(BASIC_METHODS) <= set(registered("basic"))
    assert api.call("methods", {"scope": ""}) == registered("basic")
    assert api.get("methods", "scope=").json()["result"] == registered("basic")


def test_methods_without_parameters_are_those_the_caller_may_use(api: Api) -> None:
    _, prefix = api.new_webhook(scopes=[])
    assert api.as_user(prefix).call("methods") == open_to_webhooks("basic")
    _, prefix = api.new_webhook(scopes=["user_brief"])
    expected = sorted(open_to_webhooks("basic") + open_to_webhooks("user"))
    assert api.as_user(prefix).call("methods") == expected
    mine = api.call("methods")
    assert set(BASIC_METHODS + USER_METHODS + ["crm.settings.mode.get"]) <= set(mine)
    assert mine == sorted(mine)


def test_methods_full_lists_every_method(api: Api) -> None:
    _, prefix = api.new_webhook(scopes=[])
    every = [m.name.lower() for m in registry.all_methods()]
    assert api.as_user(prefix).call("methods", {"full": True}) == every
    assert "crm.settings.mode.get" in every


# -- method.get ----------------------------------------------------------------------------


def test_method_get_is_the_documented_request(api: Api) -> None:
    assert api.call("method.get", {"name": "user.get"}) == {
        "isExisting": True,
        "isAvailable": True,
    }


def test_method_get_reports_a_method_outside_the_scopes_as_unavailable(api: Api) -> None:
    _, prefix = api.new_webhook(scopes=[])
    bare = api.as_user(prefix)
    assert bare.call("method.get", {"name": "user.get"}) == {
        "isExisting": True,
        "isAvailable": False,
    }
    assert bare.call("method.get", {"name": "batch"}) == {"isExisting": True, "isAvailable": True}


def test_method_get_without_a_known_name_is_all_false(api: Api) -> None:
    for params in ({}, {"name": ""}, {"name": "no.such.method"}, {"name": ["x"]}):
        assert api.call("method.get", params) == {
            "isExisting": False,
            "isAvailable": False,
        }, params


# -- server.time ---------------------------------------------------------------------------


def test_server_time_is_iso_with_an_offset(api: Api) -> None:
    result = api.call("server.time")
    assert ISO_WITH_OFFSET.match(result), result
    assert result.endswith("+00:00")
    moment = datetime.fromisoformat(result)
    assert abs(moment - datetime.now(UTC)) < timedelta(seconds=5)


@pytest.mark.parametrize("settings_overrides", [{"timezone": "America/New_York"}])
def test_server_time_uses_the_portal_zone(api: Api) -> None:
    result = api.call("server.time")
    expected = datetime.now(ZoneInfo("America/New_York")).isoformat(timespec="seconds")
    assert result[-6:] == expected[-6:] and result[-6:] in ("-05:00", "-04:00")
    assert abs(datetime.fromisoformat(result) - datetime.now(UTC)) < timedelta(seconds=5)


# -- profile, app.info, crm.settings.mode.get ----------------------------------------------


def test_profile_of_the_administrator(api: Api) -> None:
    assert api.call("profile") == {
        "ID": "1",
        "ADMIN": True,
        "NAME": "Administrator",
        "LAST_NAME": "",
        "PERSONAL_GENDER": "",
        "TIME_ZONE": "",
        "TIME_ZONE_OFFSET": 0,
    }


@pytest.mark.parametrize("settings_overrides", [{"timezone": "Asia/Kolkata"}])
def test_profile_of_a_plain_user_through_a_basic_webhook(api: Api) -> None:
    user_id, prefix = api.new_webhook(scopes=[], name="Gleb")
    profile = api.as_user(prefix).call("profile.json")
    assert (profile["ID"], profile["ADMIN"], profile["NAME"]) == (str(user_id), False, "Gleb")
    assert profile["TIME_ZONE_OFFSET"] == 19800


def test_app_info_outside_an_application_is_access_denied(api: Api) -> None:
    assert api.error("app.info") == (
        400,
        {
            "error": "ACCESS_DENIED",
            "error_description": "Access denied! Application context required",
        },
    )


def test_crm_settings_mode_is_classic(api: Api) -> None:
    assert api.call("crm.settings.mode.get") == 1
    response = api.get("crm.settings.mode.get")
    assert response.json()["result"] == 1
    _, prefix = api.new_webhook(scopes=["user"])
    assert api.as_user(prefix).error("crm.settings.mode.get") == (403, INSUFFICIENT_SCOPE)
