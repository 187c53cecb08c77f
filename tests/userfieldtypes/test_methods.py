"""userfieldtype.add / update / list / delete, and fields made with an application's type.

Pages: api-reference/widgets/user-field/ (index.md and the four method pages). Every call goes
through the whole HTTP path with the application's OAuth token (the methods need an
application context); every refusal is checked to have written nothing.

Where the pages disagree with themselves, the tests follow the examples: they send
``USER_TYPE_ID: "test_type"`` (and the overview assembles ``rest_123_phone_data``), while the
parameter tables allow only ``a-z0-9``; leadcrm accepts the underscore too, so that a client
copying the examples works (docs/compatibility.md).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from leadcrm.apps.service import uninstall
from leadcrm.userfieldtypes import service as field_type_service
from leadcrm.userfieldtypes.tables import field_types
from tests.crm.leads.test_add import database_rows
from tests.crm.userfields.test_doc_examples import TYPES_EXAMPLE
from tests.support import (
    ACCESS_DENIED,
    OUT_OF_SCOPE,
    UNSUPPORTED_PROTOCOL,
    WRONG_AUTH,
    Api,
    InstalledApp,
    token_for,
)

METHODS = [
    "userfieldtype.add",
    "userfieldtype.update",
    "userfieldtype.list",
    "userfieldtype.delete",
]
DOC_HOME = "https://www.myapplication.com/"
DOC_HANDLER = "https://www.myapplication.com/handler/"
HOME = "https://app.example.com/"

TAKEN = {
    "error": "ERROR_CORE",
    "error_description": "Unable to set placement handler: Handler already binded",
}
NOT_FOUND = {"error": "ERROR_NOT_FOUND", "error_description": "User Field Type not found"}
WRONG_HOST = {
    "error": "ERROR_WRONG_HANDLER_URL",
    "error_description": "Handler URL host doesn't match application url",
}
INVALID_TYPE = {"error": "ERROR_CORE", "error_description": "Invalid custom type specified."}


def null_argument(name: str) -> dict[str, str]:
    return {
        "error": "ERROR_ARGUMENT",
        "error_description": f"Argument '{name}' is null or empty",
        "argument": name,
    }


# -- helpers --------------------------------------------------------------------------------------


def app_on(
    api: Api, home: str = HOME, *, scopes: str = "crm,placement", name: str = "App"
) -> InstalledApp:
    return api.install_app(scopes=scopes, handler_url=home, name=name)


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


def listing(app: InstalledApp, params: dict[str, Any] | None = None) -> dict[str, Any]:
    return answer(app.api, "userfieldtype.list", params)


def item(code: str, handler: str, title: str = "", description: str = "") -> dict[str, str]:
    return {"USER_TYPE_ID": code, "HANDLER": handler, "TITLE": title, "DESCRIPTION": description}


def register(app: InstalledApp, code: str, handler: str | None = None, **more: Any) -> None:
    params = {"USER_TYPE_ID": code, "HANDLER": handler or f"{HOME}{code}/", **more}
    assert app.api.call("userfieldtype.add", params) is True


def stored(api: Api) -> list[tuple[Any, ...]]:
    """Every row of the field type table."""
    with api.runtime.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(field_types).order_by(field_types.c.id))]


def height_of(api: Api, app_id: int, code: str) -> int:
    with api.runtime.engine.connect() as conn:
        found = field_type_service.find(conn, app_id=app_id, code=code)
    assert found is not None
    return found.height


def assert_refused(
    api: Api,
    caller: Api,
    method: str,
    params: dict[str, Any],
    status: int,
    body: dict[str, Any],
    lister: InstalledApp | None = None,
) -> None:
    """``caller`` gets exactly this error; the type table (and ``lister``'s list) is unchanged."""
    rows = stored(api)
    listed = listing(lister) if lister is not None else None
    assert caller.error(method, params) == (status, body)
    assert stored(api) == rows
    if lister is not None:
        assert listing(lister) == listed


def full(app: InstalledApp, code: str) -> str:
    return f"rest_{app.id}_{code}"


def add_field(caller: Api, name: str, type_id: str) -> int:
    field_id = caller.call(
        "crm.lead.userfield.add", {"fields": {"FIELD_NAME": name, "USER_TYPE_ID": type_id}}
    )
    assert isinstance(field_id, int) and not isinstance(field_id, bool) and field_id > 0
    return field_id


# -- the documented examples ----------------------------------------------------------------------

DOC_ADD = {
    "USER_TYPE_ID": "test_type",
    "HANDLER": DOC_HANDLER,
    "TITLE": "Updated test type",
    "DESCRIPTION": "Test userfield type for documentation with updated description",
    "OPTIONS": {"height": 60},
}


def test_the_add_example_registers_a_type_that_list_shows(api: Api) -> None:
    app = app_on(api, DOC_HOME)
    assert listing(app) == {"result": [], "total": 0}
    assert answer(app.api, "userfieldtype.add", DOC_ADD) == {"result": True}
    assert listing(app) == {
        "result": [
            item(
                "test_type",
                DOC_HANDLER,
                "Updated test type",
                "Test userfield type for documentation with updated description",
            )
        ],
        "total": 1,
    }
    assert height_of(api, app.id, "test_type") == 60


def test_the_list_example_shows_the_newest_first(api: Api) -> None:
    """The list page's three types, registered oldest first."""
    app = app_on(api, "http://test.com/")
    register(
        app,
        "test_user_type",
        "http://test.com/test.php",
        TITLE="test title",
        DESCRIPTION="test desc",
    )
    register(
        app,
        "my_custom_type_1",
        "http://test.com/test1.php",
        TITLE="test title 1",
        DESCRIPTION="test desc 1",
    )
    register(
        app,
        "my_custom_type_2",
        "http://test.com/test2.php",
        TITLE="test title 2",
        DESCRIPTION="test desc 2",
    )
    response = app.api.post("userfieldtype.list")
    assert response.status_code == 200
    assert without_time(response.json()) == {
        "result": [
            item("my_custom_type_2", "http://test.com/test2.php", "test title 2", "test desc 2"),
            item("my_custom_type_1", "http://test.com/test1.php", "test title 1", "test desc 1"),
            item("test_user_type", "http://test.com/test.php", "test title", "test desc"),
        ],
        "total": 3,
    }
    for entry in response.json()["result"]:
        assert list(entry) == ["USER_TYPE_ID", "HANDLER", "TITLE", "DESCRIPTION"]


def test_the_update_example_changes_the_type(api: Api) -> None:
    app = app_on(api, DOC_HOME)
    register(app, "test_type", "https://www.myapplication.com/old/", TITLE="Test type")
    assert answer(app.api, "userfieldtype.update", DOC_ADD) == {"result": True}
    assert listing(app)["result"] == [
        item(
            "test_type",
            DOC_HANDLER,
            "Updated test type",
            "Test userfield type for documentation with updated description",
        )
    ]
    assert height_of(api, app.id, "test_type") == 60


def test_an_update_of_the_title_alone_keeps_the_rest(api: Api) -> None:
    app = app_on(api)
    register(
        app, "phone", f"{HOME}phone/", TITLE="Phone", DESCRIPTION="A phone", OPTIONS={"height": 40}
    )
    assert app.api.call("userfieldtype.update", {"USER_TYPE_ID": "phone", "TITLE": "Tel"}) is True
    assert listing(app)["result"] == [item("phone", f"{HOME}phone/", "Tel", "A phone")]
    assert height_of(api, app.id, "phone") == 40
    # Only the height.
    assert (
        app.api.call("userfieldtype.update", {"USER_TYPE_ID": "phone", "OPTIONS": {"height": 90}})
        is True
    )
    assert listing(app)["result"] == [item("phone", f"{HOME}phone/", "Tel", "A phone")]
    assert height_of(api, app.id, "phone") == 90
    # Keeping its own handler is no clash with itself.
    assert (
        app.api.call("userfieldtype.update", {"USER_TYPE_ID": "phone", "HANDLER": f"{HOME}phone/"})
        is True
    )


def test_the_delete_example_removes_the_type(api: Api) -> None:
    app = app_on(api)
    register(app, "test", TITLE="Test")
    assert answer(app.api, "userfieldtype.delete", {"USER_TYPE_ID": "test"}) == {"result": True}
    assert listing(app) == {"result": [], "total": 0}
    assert stored(api) == []
    # The code is free again.
    register(app, "test")
    assert [e["USER_TYPE_ID"] for e in listing(app)["result"]] == ["test"]


def test_each_app_lists_only_its_own_types(api: Api) -> None:
    one = app_on(api, name="One")
    two = app_on(api, name="Two")
    register(one, "alpha")
    register(two, "beta")
    assert listing(one) == {"result": [item("alpha", f"{HOME}alpha/")], "total": 1}
    assert listing(two) == {"result": [item("beta", f"{HOME}beta/")], "total": 1}


def test_the_list_pages_by_fifty(api: Api) -> None:
    app = app_on(api)
    for n in range(51):
        register(app, f"t{n}")
    first = listing(app)
    assert [e["USER_TYPE_ID"] for e in first["result"]] == [f"t{n}" for n in range(50, 0, -1)]
    assert (first["next"], first["total"]) == (50, 51)
    assert listing(app, {"start": 50}) == {"result": [item("t0", f"{HOME}t0/")], "total": 51}


# -- refusals of userfieldtype.add ----------------------------------------------------------------


def test_add_without_user_type_id_is_an_argument_error(api: Api) -> None:
    app = app_on(api)
    for params in ({"HANDLER": f"{HOME}h/"}, {"USER_TYPE_ID": "", "HANDLER": f"{HOME}h/"}):
        assert_refused(
            api, app.api, "userfieldtype.add", params, 400, null_argument("USER_TYPE_ID"), app
        )


def test_add_without_handler_is_an_argument_error(api: Api) -> None:
    app = app_on(api)
    for params in ({"USER_TYPE_ID": "phone"}, {"USER_TYPE_ID": "phone", "HANDLER": ""}):
        assert_refused(
            api, app.api, "userfieldtype.add", params, 400, null_argument("HANDLER"), app
        )


@pytest.mark.parametrize(
    "code",
    [
        "Phone",
        "PHONE",
        "phone-data",
        "phone data",
        "телефон",
        "phone.1",
    ],
)
def test_add_refuses_a_code_outside_a_z_0_9_and_underscore(api: Api, code: str) -> None:
    app = app_on(api)
    rows = stored(api)
    status, body = app.api.error(
        "userfieldtype.add", {"USER_TYPE_ID": code, "HANDLER": f"{HOME}h/"}
    )
    # The text is leadcrm's own (no page gives one); the code and the argument are checked.
    assert (status, body["error"], body["argument"]) == (400, "ERROR_ARGUMENT", "USER_TYPE_ID")
    assert set(body) == {"error", "error_description", "argument"}
    assert "USER_TYPE_ID" in body["error_description"]
    assert stored(api) == rows
    assert listing(app) == {"result": [], "total": 0}


def test_add_takes_a_code_up_to_a_full_code_of_fifty_characters(api: Api) -> None:
    app = app_on(api)
    room = 50 - len(f"rest_{app.id}_")
    longest, too_long = "a" * room, "b" * (room + 1)
    assert len(full(app, longest)) == 50
    status, body = app.api.error(
        "userfieldtype.add", {"USER_TYPE_ID": too_long, "HANDLER": f"{HOME}b/"}
    )
    assert (status, body["error"], body["argument"]) == (400, "ERROR_ARGUMENT", "USER_TYPE_ID")
    assert stored(api) == []
    register(app, longest)
    assert listing(app)["result"] == [item(longest, f"{HOME}{longest}/")]
    # ...and a field can be made with it.
    field_id = add_field(app.api, "LONGEST", full(app, longest))
    assert app.api.call("crm.lead.userfield.get", {"id": field_id})["USER_TYPE_ID"] == full(
        app, longest
    )


def test_add_refuses_a_code_already_registered(api: Api) -> None:
    app = app_on(api)
    register(app, "phone", f"{HOME}phone/", TITLE="Phone")
    assert_refused(
        api,
        app.api,
        "userfieldtype.add",
        {"USER_TYPE_ID": "phone", "HANDLER": f"{HOME}other/", "TITLE": "Other"},
        400,
        TAKEN,
        app,
    )
    # The same code and handler again is refused as well.
    assert_refused(
        api,
        app.api,
        "userfieldtype.add",
        {"USER_TYPE_ID": "phone", "HANDLER": f"{HOME}phone/"},
        400,
        TAKEN,
        app,
    )
    assert listing(app)["result"] == [item("phone", f"{HOME}phone/", "Phone")]


def test_add_refuses_a_handler_of_another_of_the_apps_types(api: Api) -> None:
    app = app_on(api)
    register(app, "phone", f"{HOME}shared/")
    assert_refused(
        api,
        app.api,
        "userfieldtype.add",
        {"USER_TYPE_ID": "fax", "HANDLER": f"{HOME}shared/"},
        400,
        TAKEN,
        app,
    )


def test_another_app_may_use_the_same_handler_but_not_the_same_code(api: Api) -> None:
    one = app_on(api, name="One")
    two = app_on(api, name="Two")
    register(one, "phone", f"{HOME}phone/")
    assert_refused(
        api,
        two.api,
        "userfieldtype.add",
        {"USER_TYPE_ID": "phone", "HANDLER": f"{HOME}two/"},
        400,
        TAKEN,
        two,
    )
    register(two, "fax", f"{HOME}phone/")
    assert listing(two)["result"] == [item("fax", f"{HOME}phone/")]
    assert listing(one)["result"] == [item("phone", f"{HOME}phone/")]


def test_add_refuses_a_handler_on_another_host(api: Api) -> None:
    app = app_on(api)
    for handler in ("https://elsewhere.example.com/phone/", "https://example.com/phone/"):
        assert_refused(
            api,
            app.api,
            "userfieldtype.add",
            {"USER_TYPE_ID": "phone", "HANDLER": handler},
            400,
            WRONG_HOST,
            app,
        )
    # Another port or scheme of the application's host is the same host.
    register(app, "phone", "http://app.example.com:8080/phone/")


def test_add_refuses_a_handler_of_another_protocol(api: Api) -> None:
    app = app_on(api)
    assert_refused(
        api,
        app.api,
        "userfieldtype.add",
        {"USER_TYPE_ID": "phone", "HANDLER": "ftp://app.example.com/phone/"},
        400,
        UNSUPPORTED_PROTOCOL,
        app,
    )


def test_add_refuses_a_handler_that_is_no_url(api: Api) -> None:
    app = app_on(api)
    for handler in ("not a url", "app.example.com/phone/", "https://", "https://" + "a" * 2000):
        assert_refused(
            api,
            app.api,
            "userfieldtype.add",
            {"USER_TYPE_ID": "phone", "HANDLER": handler},
            400,
            {"error": "ERROR_WRONG_HANDLER_URL", "error_description": "Wrong handler URL"},
            app,
        )


@pytest.mark.parametrize(("sent", "kept"), [(60, 60), ("75", 75), (0, 0), (-5, 0), ("tall", 0)])
def test_only_a_positive_height_applies(api: Api, sent: object, kept: int) -> None:
    """OPTIONS[height]: "Any positive value will be applied"; 0 means the standard height."""
    app = app_on(api)
    register(app, "phone", OPTIONS={"height": sent})
    assert height_of(api, app.id, "phone") == kept
    register(app, "fax", OPTIONS={"height": 30})
    assert app.api.call(
        "userfieldtype.update", {"USER_TYPE_ID": "fax", "OPTIONS": {"height": sent}}
    )
    assert height_of(api, app.id, "fax") == kept


def test_a_long_title_is_kept_to_255_characters(api: Api) -> None:
    """No page limits TITLE; leadcrm keeps 255 characters (on both databases) and the whole
    DESCRIPTION."""
    app = app_on(api)
    register(app, "phone", TITLE="T" * 300, DESCRIPTION="D" * 3000)
    assert listing(app)["result"] == [item("phone", f"{HOME}phone/", "T" * 255, "D" * 3000)]
    assert app.api.call("userfieldtype.update", {"USER_TYPE_ID": "phone", "TITLE": "U" * 300})
    assert listing(app)["result"][0]["TITLE"] == "U" * 255


# -- refusals of update and delete ----------------------------------------------------------------


@pytest.mark.parametrize("method", ["userfieldtype.update", "userfieldtype.delete"])
def test_an_unknown_type_is_not_found(api: Api, method: str) -> None:
    one = app_on(api, name="One")
    two = app_on(api, name="Two")
    register(one, "phone", TITLE="Phone")
    for caller, code in ((one, "fax"), (two, "phone"), (one, "Phone")):
        assert_refused(
            api,
            caller.api,
            method,
            {"USER_TYPE_ID": code, "TITLE": "Changed"},
            400,
            NOT_FOUND,
            one,
        )
    assert listing(two) == {"result": [], "total": 0}


@pytest.mark.parametrize("method", ["userfieldtype.update", "userfieldtype.delete"])
def test_update_and_delete_need_the_user_type_id(api: Api, method: str) -> None:
    app = app_on(api)
    register(app, "phone", TITLE="Phone")
    for params in ({"TITLE": "Changed"}, {"USER_TYPE_ID": "", "TITLE": "Changed"}):
        assert_refused(api, app.api, method, params, 400, null_argument("USER_TYPE_ID"), app)


def test_update_refuses_a_handler_taken_by_another_type(api: Api) -> None:
    app = app_on(api)
    register(app, "phone", f"{HOME}phone/")
    register(app, "fax", f"{HOME}fax/")
    assert_refused(
        api,
        app.api,
        "userfieldtype.update",
        {"USER_TYPE_ID": "fax", "HANDLER": f"{HOME}phone/", "TITLE": "Fax"},
        400,
        TAKEN,
        app,
    )


def test_update_refuses_a_bad_handler(api: Api) -> None:
    app = app_on(api)
    register(app, "phone", f"{HOME}phone/")
    for handler, body in (
        ("https://elsewhere.example.com/phone/", WRONG_HOST),
        ("ftp://app.example.com/phone/", UNSUPPORTED_PROTOCOL),
    ):
        assert_refused(
            api,
            app.api,
            "userfieldtype.update",
            {"USER_TYPE_ID": "phone", "HANDLER": handler, "TITLE": "Changed"},
            400,
            body,
            app,
        )


# -- who may call ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_a_webhook_is_wrong_auth_type(api: Api, method: str) -> None:
    """The administrator's webhook holds the placement scope, yet a type needs an application."""
    app = app_on(api)
    register(app, "phone")
    assert "placement" in api.call("scope")
    params = {"USER_TYPE_ID": "fax", "HANDLER": f"{HOME}fax/", "TITLE": "Fax"}
    if method != "userfieldtype.add":
        params["USER_TYPE_ID"] = "phone"
    response = api.post(method, params)
    assert (response.status_code, response.json()) == (403, WRONG_AUTH)
    assert listing(app)["result"] == [item("phone", f"{HOME}phone/")]


@pytest.mark.parametrize("method", METHODS)
def test_a_user_who_is_not_an_administrator_is_denied(api: Api, method: str) -> None:
    app = app_on(api)
    register(app, "phone")
    worker = token_for(api, app.id, admin=False)
    params = {"USER_TYPE_ID": "fax", "HANDLER": f"{HOME}fax/", "TITLE": "Fax"}
    if method != "userfieldtype.add":
        params["USER_TYPE_ID"] = "phone"
    assert_refused(api, worker, method, params, 403, ACCESS_DENIED, app)
    # Another administrator, through the same application, may.
    boss = token_for(api, app.id, admin=True)
    expected: object = True
    if method == "userfieldtype.list":
        expected = [item("phone", f"{HOME}phone/")]
    assert boss.call(method, params) == expected


@pytest.mark.parametrize("method", METHODS)
def test_an_app_without_the_placement_scope_is_insufficient_scope(api: Api, method: str) -> None:
    app = app_on(api, scopes="crm")
    params = {"USER_TYPE_ID": "phone", "HANDLER": f"{HOME}phone/"}
    response = app.api.post(method, params)
    assert (response.status_code, response.json()) == (403, OUT_OF_SCOPE)
    assert stored(api) == []


# -- fields of an application's type --------------------------------------------------------------


def test_a_field_of_the_apps_type_round_trips_a_value(api: Api) -> None:
    """The overview's path: register, assemble rest_<APP_ID>_<code>, make a field, use it."""
    app = app_on(api)
    register(app, "phone", TITLE="Phone number", DESCRIPTION="Rendered by the app")
    type_id = full(app, "phone")
    assert app.api.call("app.info")["ID"] == app.id
    by_app = add_field(app.api, "APP_PHONE", type_id)
    by_admin = add_field(api, "ADMIN_PHONE", type_id)
    assert by_admin != by_app
    for field_id, name in ((by_app, "UF_CRM_APP_PHONE"), (by_admin, "UF_CRM_ADMIN_PHONE")):
        definition = api.call("crm.lead.userfield.get", {"id": field_id})
        assert (definition["FIELD_NAME"], definition["USER_TYPE_ID"]) == (name, type_id)
    fields = api.call("crm.lead.fields")
    for name in ("UF_CRM_APP_PHONE", "UF_CRM_ADMIN_PHONE"):
        assert fields[name]["type"] == type_id
        assert (fields[name]["isDynamic"], fields[name]["isMultiple"]) == (True, False)

    lead_id = app.api.call(
        "crm.lead.add", {"fields": {"TITLE": "Caller", "UF_CRM_APP_PHONE": "+1 555 0100"}}
    )
    other = api.call(
        "crm.lead.add", {"fields": {"TITLE": "Other", "UF_CRM_APP_PHONE": "+1 555 0199"}}
    )
    lead = api.call("crm.lead.get", {"id": lead_id})
    assert (lead["UF_CRM_APP_PHONE"], lead["UF_CRM_ADMIN_PHONE"]) == ("+1 555 0100", None)
    assert (
        app.api.call(
            "crm.lead.update", {"id": lead_id, "fields": {"UF_CRM_ADMIN_PHONE": '{"n": 7}'}}
        )
        is True
    )
    lead = app.api.call("crm.lead.get", {"id": lead_id})
    assert (lead["UF_CRM_APP_PHONE"], lead["UF_CRM_ADMIN_PHONE"]) == ("+1 555 0100", '{"n": 7}')

    found = api.call(
        "crm.lead.list",
        {"filter": {"UF_CRM_APP_PHONE": "+1 555 0199"}, "select": ["ID", "UF_CRM_APP_PHONE"]},
    )
    assert found == [{"ID": str(other), "UF_CRM_APP_PHONE": "+1 555 0199"}]
    found = api.call("crm.lead.list", {"filter": {"!UF_CRM_ADMIN_PHONE": ""}, "select": ["ID"]})
    assert found == [{"ID": str(lead_id)}]


def test_the_helper_methods_know_the_apps_types(api: Api) -> None:
    app = app_on(api)
    register(app, "phone", TITLE="Phone number")
    register(app, "untitled")
    assert api.call("crm.userfield.types") == [
        *TYPES_EXAMPLE,
        {"ID": full(app, "phone"), "title": "Phone number"},
        {"ID": full(app, "untitled"), "title": full(app, "untitled")},
    ]
    assert app.api.call("crm.userfield.types") == api.call("crm.userfield.types")
    # An application's type has no settings of leadcrm's: an empty map, which the wire writes
    # as [] (as it does for the built-in "address").
    for caller in (api, app.api):
        response = caller.post("crm.userfield.settings.fields", {"type": full(app, "phone")})
        assert (response.status_code, without_time(response.json())) == (200, {"result": []})
    assert api.call("crm.userfield.settings.fields", {"type": "address"}) == []
    status, body = api.error("crm.userfield.settings.fields", {"type": full(app, "unknown")})
    assert (status, body) == (
        400,
        {"error": "", "error_description": f"Unknown type '{full(app, 'unknown')}'."},
    )


def test_an_unregistered_app_type_is_an_invalid_custom_type(api: Api) -> None:
    """The same answer as the unknown built-in types get (tests/crm/userfields)."""
    app = app_on(api)
    register(app, "phone")
    for type_id in (full(app, "unknown"), f"rest_{app.id + 1}_phone", f"rest_{app.id}_Phone"):
        for caller in (app.api, api):
            before = database_rows(api)
            assert caller.error(
                "crm.lead.userfield.add",
                {"fields": {"FIELD_NAME": "NOTE", "USER_TYPE_ID": type_id}},
            ) == (400, INVALID_TYPE)
            assert database_rows(api) == before
    assert api.call("crm.lead.userfield.list") == []


def test_an_app_may_not_use_another_apps_type_but_the_administrator_may(api: Api) -> None:
    one = app_on(api, name="One")
    two = app_on(api, name="Two")
    register(one, "phone")
    before = database_rows(api)
    assert two.api.error(
        "crm.lead.userfield.add",
        {"fields": {"FIELD_NAME": "NOTE", "USER_TYPE_ID": full(one, "phone")}},
    ) == (400, INVALID_TYPE)
    assert database_rows(api) == before
    add_field(api, "NOTE", full(one, "phone"))
    assert [f["USER_TYPE_ID"] for f in api.call("crm.lead.userfield.list")] == [full(one, "phone")]


def _assert_field_outlives_its_type(api: Api, app: InstalledApp, lead_id: int) -> None:
    type_id = full(app, "phone")
    lead = api.call("crm.lead.get", {"id": lead_id})
    assert lead["UF_CRM_PHONE"] == "+1 555 0100"
    assert (
        api.call("crm.lead.update", {"id": lead_id, "fields": {"UF_CRM_PHONE": "+1 555 0111"}})
        is True
    )
    assert api.call("crm.lead.get", {"id": lead_id})["UF_CRM_PHONE"] == "+1 555 0111"
    second = api.call("crm.lead.add", {"fields": {"TITLE": "Later", "UF_CRM_PHONE": "x"}})
    assert api.call("crm.lead.get", {"id": second})["UF_CRM_PHONE"] == "x"
    assert [f["USER_TYPE_ID"] for f in api.call("crm.lead.userfield.list")] == [type_id]
    assert api.call("crm.lead.fields")["UF_CRM_PHONE"]["type"] == type_id
    assert type_id not in [t["ID"] for t in api.call("crm.userfield.types")]
    before = database_rows(api)
    assert api.error(
        "crm.lead.userfield.add", {"fields": {"FIELD_NAME": "AGAIN", "USER_TYPE_ID": type_id}}
    ) == (400, INVALID_TYPE)
    assert database_rows(api) == before


def test_a_field_outlives_the_deleted_type(api: Api) -> None:
    app = app_on(api)
    register(app, "phone")
    add_field(app.api, "PHONE", full(app, "phone"))
    lead_id = api.call(
        "crm.lead.add", {"fields": {"TITLE": "Caller", "UF_CRM_PHONE": "+1 555 0100"}}
    )
    assert app.api.call("userfieldtype.delete", {"USER_TYPE_ID": "phone"}) is True
    _assert_field_outlives_its_type(api, app, lead_id)
    # The application is refused too.
    assert app.api.error(
        "crm.lead.userfield.add",
        {"fields": {"FIELD_NAME": "AGAIN", "USER_TYPE_ID": full(app, "phone")}},
    ) == (400, INVALID_TYPE)


def test_a_field_outlives_the_uninstalled_app(api: Api) -> None:
    app = app_on(api)
    register(app, "phone")
    add_field(app.api, "PHONE", full(app, "phone"))
    lead_id = api.call(
        "crm.lead.add", {"fields": {"TITLE": "Caller", "UF_CRM_PHONE": "+1 555 0100"}}
    )
    with api.runtime.engine.begin() as conn:
        uninstall(conn, app_id=app.id)
    assert stored(api) == []
    _assert_field_outlives_its_type(api, app, lead_id)


def test_the_overviews_phone_data_type_makes_a_field(api: Api) -> None:
    """index.md: USER_TYPE_ID phone_data, used as rest_<APP_ID>_phone_data."""
    app = app_on(api)
    register(app, "phone_data", TITLE="Phone data")
    add_field(app.api, "PHONE_DATA", full(app, "phone_data"))
    lead_id = app.api.call("crm.lead.add", {"fields": {"TITLE": "L", "UF_CRM_PHONE_DATA": "+1"}})
    assert app.api.call("crm.lead.get", {"id": lead_id})["UF_CRM_PHONE_DATA"] == "+1"
    assert app.api.call("crm.lead.fields")["UF_CRM_PHONE_DATA"]["type"] == full(app, "phone_data")
