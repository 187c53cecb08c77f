"""placement.bind / unbind / get / list: an application's widgets in the lead card and list.

Pages: api-reference/widgets/placement-bind.md, placement-unbind.md, placement-get.md,
placement-list.md, widgets/crm/index.md and widgets/crm/detail-tab.md. Every call goes through
the whole HTTP path with an application's OAuth token (the methods need an application
context); every refusal is checked to have written nothing.

The statuses follow the pages, odd as they are: placement.bind answers its argument errors
(and ERROR_PLACEMENT_USER_MODE) with HTTP 200, placement.unbind its own with HTTP 400.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from leadcrm.apps.service import uninstall
from leadcrm.placements.tables import placements
from tests.support import (
    ACCESS_DENIED,
    OUT_OF_SCOPE,
    UNSUPPORTED_PROTOCOL,
    WRONG_AUTH,
    Api,
    InstalledApp,
    token_for,
)

METHODS = ["placement.bind", "placement.unbind", "placement.get", "placement.list"]
# The lead's placements, in the order leadcrm/placements/codes.py declares them.
LEAD_CODES = [
    "CRM_LEAD_DETAIL_TAB",
    "CRM_LEAD_LIST_MENU",
    "CRM_LEAD_LIST_TOOLBAR",
    "CRM_LEAD_DETAIL_TOOLBAR",
    "CRM_LEAD_DETAIL_ACTIVITY",
    "CRM_LEAD_ACTIVITY_TIMELINE_MENU",
    "CRM_LEAD_DOCUMENTGENERATOR_BUTTON",
    "CRM_LEAD_ROBOT_DESIGNER_TOOLBAR",
]
HANDLER = "https://app.example.com/placement/"
OTHER_HANDLER = "https://app.example.com/other/"
GET_KEYS = {"placement", "userId", "handler", "options", "title", "description", "langAll"}

NOT_FOUND = {"error": "ERROR_PLACEMENT_NOT_FOUND", "error_description": "Placement not found"}
USER_MODE = {
    "error": "ERROR_PLACEMENT_USER_MODE",
    "error_description": "User mode is not available",
}
WRONG_URL = {"error": "ERROR_WRONG_HANDLER_URL", "error_description": "Wrong handler URL"}
ALREADY_BOUND = {
    "error": "ERROR_CORE",
    "error_description": "Unable to set placement handler: Handler already binded",
}
NO_AUTH = {"error": "NO_AUTH_FOUND", "error_description": "Wrong authorization data"}

# The LANG_ALL of placement.bind's example.
DOC_LANG_ALL = {
    "en": {"TITLE": "title", "DESCRIPTION": "description", "GROUP_NAME": "group"},
    "de": {"TITLE": "Titel", "DESCRIPTION": "Beschreibung", "GROUP_NAME": "Gruppe"},
}
# The keys crm/index.md lists for CRM_XXX_DETAIL_ACTIVITY.
ACTIVITY_OPTIONS = {
    "useBuiltInInterface": "Y",
    "newUserNotificationTitle": "Hello",
    "newUserNotificationText": "Welcome to the app",
}


def null_argument(name: str) -> dict[str, str]:
    return {
        "error": "ERROR_ARGUMENT",
        "error_description": f"Argument '{name}' is null or empty",
        "argument": name,
    }


def not_a_string(name: str) -> dict[str, str]:
    return {
        "error": "ERROR_ARGUMENT",
        "error_description": f"The value of an argument '{name}' must be of type string",
        "argument": name,
    }


# -- helpers --------------------------------------------------------------------------------------


def app_on(api: Api, *, scopes: str = "crm,placement", name: str = "App") -> InstalledApp:
    return api.install_app(scopes=scopes, name=name)


def without_time(body: dict[str, Any]) -> dict[str, Any]:
    assert "time" in body, body
    return {k: v for k, v in body.items() if k != "time"}


def answer(caller: Api, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """The body (without ``time``) of a successful call, which must answer HTTP 200."""
    response = caller.post(method, params)
    body = response.json()
    assert response.status_code == 200, body
    assert "error" not in body, body
    return without_time(body)


def bind(app: InstalledApp, placement: str, handler: str = HANDLER, **more: Any) -> None:
    params = {"PLACEMENT": placement, "HANDLER": handler, **more}
    assert answer(app.api, "placement.bind", params) == {"result": True}


def unbind(app: InstalledApp, placement: str, handler: str | None = None) -> dict[str, Any]:
    params = {"PLACEMENT": placement}
    if handler is not None:
        params["HANDLER"] = handler
    return answer(app.api, "placement.unbind", params)


def handlers(app: InstalledApp) -> list[dict[str, Any]]:
    body = answer(app.api, "placement.get")
    assert set(body) == {"result"}, body
    result: list[dict[str, Any]] = body["result"]
    return result


def listing(app: InstalledApp, params: dict[str, Any] | None = None) -> list[str]:
    body = answer(app.api, "placement.list", params)
    assert set(body) == {"result"}, body
    result: list[str] = body["result"]
    return result


def entry(
    placement: str,
    handler: str = HANDLER,
    *,
    title: str = "",
    description: str = "",
    group_name: str = "",
    lang_all: dict[str, dict[str, str]] | None = None,
    options: Any = None,
) -> dict[str, Any]:
    """One handler as placement.get shows it."""
    return {
        "placement": placement,
        "userId": 0,
        "handler": handler,
        "options": [] if options is None else options,
        "title": title,
        "description": description,
        "langAll": lang_all
        if lang_all is not None
        else {"en": {"TITLE": title, "DESCRIPTION": description, "GROUP_NAME": group_name}},
    }


def stored(api: Api) -> list[tuple[Any, ...]]:
    """Every row of the placement table."""
    with api.runtime.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(placements).order_by(placements.c.id))]


def stored_for(api: Api, app_id: int) -> list[tuple[Any, ...]]:
    with api.runtime.engine.connect() as conn:
        found = conn.execute(select(placements).where(placements.c.app_id == app_id))
        return [tuple(r) for r in found]


def assert_refused(
    api: Api,
    caller: Api,
    method: str,
    params: dict[str, Any] | None,
    status: int,
    body: dict[str, Any],
    *apps: InstalledApp,
) -> None:
    """``caller`` gets exactly this error; the table (and each app's placement.get) unchanged."""
    rows = stored(api)
    seen = [handlers(app) for app in apps]
    assert caller.error(method, params) == (status, body)
    assert stored(api) == rows
    assert [handlers(app) for app in apps] == seen


# -- placement.bind and placement.get -------------------------------------------------------------


def test_each_lead_placement_binds_and_get_shows_them_in_bind_order(api: Api) -> None:
    app = app_on(api)
    assert handlers(app) == []
    order = list(reversed(LEAD_CODES))
    for n, code in enumerate(order):
        bind(app, code, f"{HANDLER}{n}/", TITLE=f"Widget {n}")
    got = handlers(app)
    assert [set(item) for item in got] == [GET_KEYS] * len(order)
    assert got == [
        entry(code, f"{HANDLER}{n}/", title=f"Widget {n}") for n, code in enumerate(order)
    ]


def test_bind_answers_true_with_http_200(api: Api) -> None:
    app = app_on(api)
    response = app.api.post("placement.bind", {"PLACEMENT": LEAD_CODES[0], "HANDLER": HANDLER})
    assert response.status_code == 200
    assert without_time(response.json()) == {"result": True}


def test_a_lower_case_code_is_upper_cased(api: Api) -> None:
    app = app_on(api)
    bind(app, "crm_lead_detail_tab", TITLE="Tab")
    bind(app, "Crm_Lead_List_Menu", TITLE="Menu")
    assert handlers(app) == [
        entry("CRM_LEAD_DETAIL_TAB", title="Tab"),
        entry("CRM_LEAD_LIST_MENU", title="Menu"),
    ]


def test_the_lang_all_of_the_example_round_trips(api: Api) -> None:
    app = app_on(api)
    bind(
        app,
        "CRM_LEAD_DETAIL_TOOLBAR",
        "http://myapp.com/handler/?type=1",
        TITLE="title",
        DESCRIPTION="description",
        GROUP_NAME="group",
        LANG_ALL=DOC_LANG_ALL,
    )
    assert handlers(app) == [
        entry(
            "CRM_LEAD_DETAIL_TOOLBAR",
            "http://myapp.com/handler/?type=1",
            title="title",
            description="description",
            lang_all=DOC_LANG_ALL,
        )
    ]


def test_lang_all_fills_missing_labels_with_empty_strings(api: Api) -> None:
    """detail-tab.md's example: each language sends its TITLE only."""
    app = app_on(api)
    bind(
        app,
        "CRM_LEAD_DETAIL_TAB",
        TITLE="My lead tab",
        LANG_ALL={"en": {"TITLE": "My lead tab"}, "de": {"TITLE": "Mein Lead-Tab"}},
    )
    assert handlers(app) == [
        entry(
            "CRM_LEAD_DETAIL_TAB",
            title="My lead tab",
            lang_all={
                "en": {"TITLE": "My lead tab", "DESCRIPTION": "", "GROUP_NAME": ""},
                "de": {"TITLE": "Mein Lead-Tab", "DESCRIPTION": "", "GROUP_NAME": ""},
            },
        )
    ]


def test_without_lang_all_the_labels_are_the_portal_language(api: Api) -> None:
    app = app_on(api)
    bind(app, "CRM_LEAD_LIST_MENU", TITLE="Send", DESCRIPTION="Sends it", GROUP_NAME="Tools")
    assert handlers(app) == [
        entry(
            "CRM_LEAD_LIST_MENU",
            title="Send",
            description="Sends it",
            lang_all={"en": {"TITLE": "Send", "DESCRIPTION": "Sends it", "GROUP_NAME": "Tools"}},
        )
    ]


def test_without_any_label_the_portal_language_has_empty_ones(api: Api) -> None:
    app = app_on(api)
    bind(app, "CRM_LEAD_LIST_TOOLBAR")
    assert handlers(app) == [
        entry(
            "CRM_LEAD_LIST_TOOLBAR",
            lang_all={"en": {"TITLE": "", "DESCRIPTION": "", "GROUP_NAME": ""}},
        )
    ]


def test_an_empty_title_takes_the_english_title_of_lang_all(api: Api) -> None:
    app = app_on(api)
    bind(app, "CRM_LEAD_DETAIL_TOOLBAR", LANG_ALL=DOC_LANG_ALL)
    bind(app, "CRM_LEAD_LIST_MENU", TITLE="", LANG_ALL=DOC_LANG_ALL)
    assert handlers(app) == [
        entry("CRM_LEAD_DETAIL_TOOLBAR", title="title", lang_all=DOC_LANG_ALL),
        entry("CRM_LEAD_LIST_MENU", title="title", lang_all=DOC_LANG_ALL),
    ]


def test_options_are_dropped_for_the_detail_tab(api: Api) -> None:
    """detail-tab.md: "The values passed are not retained: placement.get returns an empty
    array for such a registration"."""
    app = app_on(api)
    bind(app, "CRM_LEAD_DETAIL_TAB", TITLE="Tab", OPTIONS={"errorHandlerUrl": OTHER_HANDLER})
    got = handlers(app)
    assert got == [entry("CRM_LEAD_DETAIL_TAB", title="Tab")]
    assert got[0]["options"] == []


def test_options_are_kept_for_the_detail_activity(api: Api) -> None:
    app = app_on(api)
    bind(app, "CRM_LEAD_DETAIL_ACTIVITY", TITLE="Activity", OPTIONS=ACTIVITY_OPTIONS)
    bind(app, "CRM_LEAD_DETAIL_ACTIVITY", OTHER_HANDLER, TITLE="Bare")
    assert handlers(app) == [
        entry("CRM_LEAD_DETAIL_ACTIVITY", title="Activity", options=ACTIVITY_OPTIONS),
        entry("CRM_LEAD_DETAIL_ACTIVITY", OTHER_HANDLER, title="Bare"),
    ]


def test_get_shows_only_the_calling_apps_handlers(api: Api) -> None:
    first = app_on(api, name="First")
    second = app_on(api, name="Second")
    bind(first, "CRM_LEAD_DETAIL_TAB", TITLE="First tab")
    bind(second, "CRM_LEAD_LIST_MENU", TITLE="Second menu")
    bind(first, "CRM_LEAD_LIST_TOOLBAR", TITLE="First toolbar")
    assert handlers(first) == [
        entry("CRM_LEAD_DETAIL_TAB", title="First tab"),
        entry("CRM_LEAD_LIST_TOOLBAR", title="First toolbar"),
    ]
    assert handlers(second) == [entry("CRM_LEAD_LIST_MENU", title="Second menu")]
    assert handlers(app_on(api, name="Third")) == []


def test_one_handler_may_serve_several_placements_and_several_apps(api: Api) -> None:
    first = app_on(api, name="First")
    second = app_on(api, name="Second")
    bind(first, "CRM_LEAD_DETAIL_TAB")
    bind(first, "CRM_LEAD_LIST_MENU")
    bind(first, "CRM_LEAD_DETAIL_TAB", OTHER_HANDLER)
    bind(second, "CRM_LEAD_DETAIL_TAB")
    assert handlers(first) == [
        entry("CRM_LEAD_DETAIL_TAB"),
        entry("CRM_LEAD_LIST_MENU"),
        entry("CRM_LEAD_DETAIL_TAB", OTHER_HANDLER),
    ]
    assert handlers(second) == [entry("CRM_LEAD_DETAIL_TAB")]


def test_a_form_encoded_bind_works(api: Api) -> None:
    app = app_on(api)
    response = api.client.post(
        "/rest/placement.bind",
        data={
            "auth": app.access_token,
            "PLACEMENT": "CRM_LEAD_DETAIL_ACTIVITY",
            "HANDLER": HANDLER,
            "TITLE": "Tab",
            "LANG_ALL[de][TITLE]": "Titel",
            "OPTIONS[useBuiltInInterface]": "Y",
        },
    )
    assert response.status_code == 200, response.text
    assert without_time(response.json()) == {"result": True}
    assert handlers(app) == [
        entry(
            "CRM_LEAD_DETAIL_ACTIVITY",
            title="Tab",
            lang_all={"de": {"TITLE": "Titel", "DESCRIPTION": "", "GROUP_NAME": ""}},
            options={"useBuiltInInterface": "Y"},
        )
    ]


# -- placement.bind's refusals ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "body"),
    [
        ({"HANDLER": HANDLER}, null_argument("PLACEMENT")),
        ({"PLACEMENT": "", "HANDLER": HANDLER}, null_argument("PLACEMENT")),
        ({"PLACEMENT": "CRM_LEAD_DETAIL_TAB"}, null_argument("HANDLER")),
        ({"PLACEMENT": "CRM_LEAD_DETAIL_TAB", "HANDLER": ""}, null_argument("HANDLER")),
        ({}, null_argument("PLACEMENT")),
        (
            {"PLACEMENT": ["CRM_LEAD_DETAIL_TAB"], "HANDLER": HANDLER},
            not_a_string("PLACEMENT"),
        ),
        ({"PLACEMENT": "CRM_LEAD_DETAIL_TAB", "HANDLER": HANDLER, "USER_ID": 5}, USER_MODE),
        ({"PLACEMENT": "CRM_LEAD_DETAIL_TAB", "HANDLER": HANDLER, "USER_ID": "5"}, USER_MODE),
    ],
    ids=[
        "no-placement",
        "empty-placement",
        "no-handler",
        "empty-handler",
        "nothing",
        "placement-array",
        "user-id",
        "user-id-text",
    ],
)
def test_bind_answers_these_errors_with_http_200(
    api: Api, params: dict[str, Any], body: dict[str, str]
) -> None:
    app = app_on(api)
    bind(app, "CRM_LEAD_LIST_MENU")
    assert_refused(api, app.api, "placement.bind", params, 200, body, app)


@pytest.mark.parametrize("code", ["CRM_DEAL_DETAIL_TAB", "FOO", "PAGE_BACKGROUND_WORKER"])
def test_an_unknown_placement_is_not_found(api: Api, code: str) -> None:
    app = app_on(api)
    params = {"PLACEMENT": code, "HANDLER": HANDLER}
    assert_refused(api, app.api, "placement.bind", params, 400, NOT_FOUND, app)


def test_a_crm_placement_is_not_found_without_the_crm_scope(api: Api) -> None:
    """crm/index.md: ERROR_PLACEMENT_NOT_FOUND when "the application has not been granted the
    crm scope"."""
    app = app_on(api, scopes="placement")
    for code in LEAD_CODES:
        params = {"PLACEMENT": code, "HANDLER": HANDLER}
        assert_refused(api, app.api, "placement.bind", params, 400, NOT_FOUND, app)


@pytest.mark.parametrize(
    ("handler", "body"),
    [
        ("ftp://x.example.com/", UNSUPPORTED_PROTOCOL),
        ("not a url", WRONG_URL),
        ("https://", WRONG_URL),
    ],
    ids=["ftp", "not-a-url", "no-host"],
)
def test_a_bad_handler_url_is_refused(api: Api, handler: str, body: dict[str, str]) -> None:
    app = app_on(api)
    params = {"PLACEMENT": "CRM_LEAD_DETAIL_TAB", "HANDLER": handler}
    assert_refused(api, app.api, "placement.bind", params, 400, body, app)


def test_the_same_handler_twice_on_one_placement_is_refused(api: Api) -> None:
    app = app_on(api)
    bind(app, "CRM_LEAD_DETAIL_TAB", TITLE="Tab")
    again = {"PLACEMENT": "CRM_LEAD_DETAIL_TAB", "HANDLER": HANDLER, "TITLE": "Again"}
    assert_refused(api, app.api, "placement.bind", again, 400, ALREADY_BOUND, app)
    lower = {"PLACEMENT": "crm_lead_detail_tab", "HANDLER": HANDLER}
    assert_refused(api, app.api, "placement.bind", lower, 400, ALREADY_BOUND, app)
    assert handlers(app) == [entry("CRM_LEAD_DETAIL_TAB", title="Tab")]


def test_a_label_in_lang_all_past_255_characters_is_an_argument_error(api: Api) -> None:
    """TITLE, DESCRIPTION and GROUP_NAME are limited to 255 characters, and so are the same
    labels in LANG_ALL (an empty TITLE takes the English one): bind's argument error, with
    HTTP 200, and nothing written, on both databases."""
    app = app_on(api)
    long_title = "x" * 300
    lang_all = {"en": {"TITLE": long_title, "DESCRIPTION": "", "GROUP_NAME": ""}}
    params = {"PLACEMENT": "CRM_LEAD_DETAIL_TAB", "HANDLER": HANDLER, "LANG_ALL": lang_all}
    rows = stored(api)
    response = app.api.post("placement.bind", params)
    body = response.json()
    assert response.status_code == 200, body
    assert body == {
        "error": "ERROR_ARGUMENT",
        "error_description": "The value of an argument 'LANG_ALL' is too long",
        "argument": "LANG_ALL",
    }
    assert stored(api) == rows
    assert handlers(app) == []


# -- placement.unbind -----------------------------------------------------------------------------


def test_unbind_with_a_handler_removes_only_that_one(api: Api) -> None:
    app = app_on(api)
    bind(app, "CRM_LEAD_DETAIL_TAB")
    bind(app, "CRM_LEAD_DETAIL_TAB", OTHER_HANDLER)
    bind(app, "CRM_LEAD_LIST_MENU")
    assert unbind(app, "CRM_LEAD_DETAIL_TAB", HANDLER) == {"result": {"count": 2}}
    assert handlers(app) == [
        entry("CRM_LEAD_DETAIL_TAB", OTHER_HANDLER),
        entry("CRM_LEAD_LIST_MENU"),
    ]


def test_unbind_without_a_handler_removes_all_of_the_placement(api: Api) -> None:
    app = app_on(api)
    bind(app, "CRM_LEAD_DETAIL_TAB")
    bind(app, "CRM_LEAD_LIST_MENU")
    bind(app, "CRM_LEAD_DETAIL_TAB", OTHER_HANDLER)
    bind(app, "CRM_LEAD_DETAIL_TAB", "https://app.example.com/third/")
    assert unbind(app, "CRM_LEAD_DETAIL_TAB") == {"result": {"count": 6}}
    assert handlers(app) == [entry("CRM_LEAD_LIST_MENU")]
    # An empty HANDLER is no handler (placement-unbind.md: "not provided or is empty").
    bind(app, "CRM_LEAD_DETAIL_TAB")
    assert unbind(app, "CRM_LEAD_DETAIL_TAB", "") == {"result": {"count": 2}}
    assert handlers(app) == [entry("CRM_LEAD_LIST_MENU")]


def test_unbind_upper_cases_the_code(api: Api) -> None:
    app = app_on(api)
    bind(app, "CRM_LEAD_DETAIL_TAB")
    assert unbind(app, "crm_lead_detail_tab", HANDLER) == {"result": {"count": 2}}
    assert handlers(app) == []


def test_unbind_of_nothing_counts_zero(api: Api) -> None:
    app = app_on(api)
    assert unbind(app, "CRM_LEAD_DETAIL_TAB") == {"result": {"count": 0}}
    bind(app, "CRM_LEAD_DETAIL_TAB")
    rows = stored(api)
    assert unbind(app, "CRM_LEAD_DETAIL_TAB", OTHER_HANDLER) == {"result": {"count": 0}}
    assert unbind(app, "CRM_LEAD_LIST_MENU", HANDLER) == {"result": {"count": 0}}
    assert stored(api) == rows
    assert handlers(app) == [entry("CRM_LEAD_DETAIL_TAB")]


def test_unbind_never_touches_another_apps_bindings(api: Api) -> None:
    first = app_on(api, name="First")
    second = app_on(api, name="Second")
    bind(first, "CRM_LEAD_DETAIL_TAB")
    bind(second, "CRM_LEAD_DETAIL_TAB")
    bind(second, "CRM_LEAD_DETAIL_TAB", OTHER_HANDLER)
    seen = handlers(second)
    assert unbind(first, "CRM_LEAD_DETAIL_TAB", OTHER_HANDLER) == {"result": {"count": 0}}
    assert unbind(first, "CRM_LEAD_DETAIL_TAB") == {"result": {"count": 2}}
    assert handlers(first) == []
    assert handlers(second) == seen
    assert unbind(first, "CRM_LEAD_DETAIL_TAB") == {"result": {"count": 0}}
    assert handlers(second) == seen


@pytest.mark.parametrize(
    ("params", "body"),
    [
        ({}, null_argument("PLACEMENT")),
        ({"PLACEMENT": ""}, null_argument("PLACEMENT")),
        ({"HANDLER": HANDLER}, null_argument("PLACEMENT")),
        ({"PLACEMENT": ["CRM_LEAD_DETAIL_TAB"]}, not_a_string("PLACEMENT")),
    ],
    ids=["nothing", "empty", "handler-only", "array"],
)
def test_unbind_answers_its_argument_errors_with_http_400(
    api: Api, params: dict[str, Any], body: dict[str, str]
) -> None:
    app = app_on(api)
    bind(app, "CRM_LEAD_DETAIL_TAB")
    assert_refused(api, app.api, "placement.unbind", params, 400, body, app)


# -- placement.list -------------------------------------------------------------------------------


def test_list_defaults_to_the_apps_scopes(api: Api) -> None:
    assert listing(app_on(api, name="Crm")) == LEAD_CODES
    assert listing(app_on(api, scopes="placement", name="Bare")) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"SCOPE": "crm"}, LEAD_CODES),
        ({"SCOPE": "task"}, []),
        ({"SCOPE": ""}, LEAD_CODES),
        ({"FULL": True}, LEAD_CODES),
        ({"FULL": "true"}, LEAD_CODES),
        ({"FULL": False}, LEAD_CODES),
        ({"SCOPE": "task", "FULL": True}, []),
    ],
    ids=["crm", "task", "empty-scope", "full", "full-text", "not-full", "scope-over-full"],
)
def test_list_of_a_crm_app(api: Api, params: dict[str, Any], expected: list[str]) -> None:
    assert listing(app_on(api), params) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"SCOPE": "crm"}, LEAD_CODES),
        ({"SCOPE": "task"}, []),
        ({"FULL": True}, LEAD_CODES),
        ({"FULL": "true"}, LEAD_CODES),
        ({"FULL": "false"}, []),
        ({"SCOPE": "task", "FULL": True}, []),
    ],
    ids=["crm", "task", "full", "full-text", "not-full", "scope-over-full"],
)
def test_list_of_a_placement_only_app(
    api: Api, params: dict[str, Any], expected: list[str]
) -> None:
    assert listing(app_on(api, scopes="placement"), params) == expected


def test_list_writes_nothing(api: Api) -> None:
    app = app_on(api)
    bind(app, "CRM_LEAD_DETAIL_TAB")
    rows = stored(api)
    assert listing(app, {"FULL": True}) == LEAD_CODES
    assert stored(api) == rows


# -- who may call ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", METHODS)
def test_a_webhook_gets_wrong_auth_type(api: Api, name: str) -> None:
    app = app_on(api)
    bind(app, "CRM_LEAD_DETAIL_TAB")
    params = {"PLACEMENT": "CRM_LEAD_DETAIL_TAB", "HANDLER": OTHER_HANDLER}
    assert_refused(api, api, name, params, 403, WRONG_AUTH, app)
    if name == "placement.unbind":
        assert_refused(api, api, name, {"PLACEMENT": "CRM_LEAD_DETAIL_TAB"}, 403, WRONG_AUTH, app)


@pytest.mark.parametrize("name", ["placement.bind", "placement.unbind", "placement.get"])
def test_a_user_who_is_not_an_administrator_is_denied(api: Api, name: str) -> None:
    app = app_on(api)
    bind(app, "CRM_LEAD_DETAIL_TAB")
    worker = token_for(api, app.id, admin=False)
    params = {"PLACEMENT": "CRM_LEAD_DETAIL_TAB", "HANDLER": OTHER_HANDLER}
    assert_refused(api, worker, name, params, 403, ACCESS_DENIED, app)
    if name == "placement.unbind":
        unbind_all = {"PLACEMENT": "CRM_LEAD_DETAIL_TAB"}
        assert_refused(api, worker, name, unbind_all, 403, ACCESS_DENIED, app)
    assert handlers(app) == [entry("CRM_LEAD_DETAIL_TAB")]


def test_a_user_who_is_not_an_administrator_may_list(api: Api) -> None:
    app = app_on(api)
    worker = token_for(api, app.id, admin=False)
    assert answer(worker, "placement.list") == {"result": LEAD_CODES}
    assert answer(worker, "placement.list", {"SCOPE": "task"}) == {"result": []}


@pytest.mark.parametrize("name", METHODS)
def test_an_app_without_the_placement_scope_is_refused(api: Api, name: str) -> None:
    app = app_on(api, scopes="crm")
    params = {"PLACEMENT": "CRM_LEAD_DETAIL_TAB", "HANDLER": HANDLER}
    assert_refused(api, app.api, name, params, 403, OUT_OF_SCOPE)
    assert stored(api) == []


# -- batch ----------------------------------------------------------------------------------------


def command(method: str, **params: str) -> str:
    return f"{method}?{urlencode(params)}"


def test_bind_inside_a_batch(api: Api) -> None:
    app = app_on(api)
    result = app.api.call(
        "batch",
        {
            "cmd": {
                "tab": command(
                    "placement.bind",
                    PLACEMENT="CRM_LEAD_DETAIL_TAB",
                    HANDLER=HANDLER,
                    TITLE="Tab",
                ),
                "again": command(
                    "placement.bind", PLACEMENT="CRM_LEAD_DETAIL_TAB", HANDLER=HANDLER
                ),
                "deal": command("placement.bind", PLACEMENT="CRM_DEAL_DETAIL_TAB", HANDLER=HANDLER),
                "user": command(
                    "placement.bind",
                    PLACEMENT="CRM_LEAD_LIST_MENU",
                    HANDLER=HANDLER,
                    USER_ID="5",
                ),
                "empty": command("placement.bind", HANDLER=HANDLER),
                "menu": command("placement.bind", PLACEMENT="crm_lead_list_menu", HANDLER=HANDLER),
                "got": "placement.get",
            }
        },
    )
    assert result["result"] == {
        "tab": True,
        "menu": True,
        "got": [entry("CRM_LEAD_DETAIL_TAB", title="Tab"), entry("CRM_LEAD_LIST_MENU")],
    }
    assert result["result_error"] == {
        "again": ALREADY_BOUND,
        "deal": NOT_FOUND,
        "user": USER_MODE,
        "empty": null_argument("PLACEMENT"),
    }
    assert handlers(app) == [entry("CRM_LEAD_DETAIL_TAB", title="Tab"), entry("CRM_LEAD_LIST_MENU")]


def test_unbind_inside_a_batch(api: Api) -> None:
    app = app_on(api)
    bind(app, "CRM_LEAD_DETAIL_TAB")
    bind(app, "CRM_LEAD_LIST_MENU")
    result = app.api.call(
        "batch",
        {
            "cmd": {
                "tab": command("placement.unbind", PLACEMENT="CRM_LEAD_DETAIL_TAB"),
                "none": command("placement.unbind", HANDLER=HANDLER),
            }
        },
    )
    assert result["result"] == {"tab": {"count": 2}}
    assert result["result_error"] == {"none": null_argument("PLACEMENT")}
    assert handlers(app) == [entry("CRM_LEAD_LIST_MENU")]


def test_a_webhooks_batch_gets_wrong_auth_type(api: Api) -> None:
    result = api.call(
        "batch",
        {
            "cmd": {
                "bind": command("placement.bind", PLACEMENT="CRM_LEAD_DETAIL_TAB", HANDLER=HANDLER),
                "list": "placement.list",
            }
        },
    )
    assert result["result"] == []
    assert result["result_error"] == {"bind": WRONG_AUTH, "list": WRONG_AUTH}
    assert stored(api) == []


# -- uninstalling ---------------------------------------------------------------------------------


def test_uninstalling_removes_the_apps_placements(api: Api) -> None:
    gone = app_on(api, name="Gone")
    kept = app_on(api, name="Kept")
    bind(gone, "CRM_LEAD_DETAIL_TAB")
    bind(gone, "CRM_LEAD_DETAIL_ACTIVITY", OPTIONS=ACTIVITY_OPTIONS)
    bind(kept, "CRM_LEAD_DETAIL_TAB")
    assert len(stored_for(api, gone.id)) == 2
    kept_rows = stored_for(api, kept.id)
    with api.runtime.engine.begin() as conn:
        uninstall(conn, app_id=gone.id)
    assert stored_for(api, gone.id) == []
    assert stored_for(api, kept.id) == kept_rows
    assert handlers(kept) == [entry("CRM_LEAD_DETAIL_TAB")]
    for name in METHODS:
        assert gone.api.error(name, {"PLACEMENT": "CRM_LEAD_DETAIL_TAB"}) == (401, NO_AUTH)


def test_a_lang_all_without_usable_labels_is_as_if_none_was_sent(api: Api) -> None:
    app = app_on(api)
    params = {"PLACEMENT": "CRM_LEAD_DETAIL_TAB", "HANDLER": HANDLER, "TITLE": "Tab"}
    assert app.api.call("placement.bind", {**params, "LANG_ALL": {"en": "x"}}) is True
    assert handlers(app) == [entry("CRM_LEAD_DETAIL_TAB", title="Tab")]


def test_unbind_compares_the_handler_without_judging_it(api: Api) -> None:
    app = app_on(api)
    bind(app, "CRM_LEAD_DETAIL_TAB")
    for handler in ("ftp://x.example.com/", "not a url"):
        assert unbind(app, "CRM_LEAD_DETAIL_TAB", handler) == {"result": {"count": 0}}
    assert len(handlers(app)) == 1
