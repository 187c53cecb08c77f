"""Custom fields refused: every documented error, with its code, text and HTTP status.

Each refusal is also checked to have written nothing: every table of the database (lead rows,
definitions, list items, files, the event record) is the same before and after. Texts come
from the userfield pages' error tables and JSON examples; where the pages give none, from the
"Custom fields" section of docs/compatibility.md; where neither does, only the code, the
status and the field's name in the description are checked.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.crm.leads.test_add import database_rows
from tests.crm.userfields.test_doc_examples import (
    add_field,
    fetch,
    get_field,
    get_lead,
    list_fields,
)
from tests.support import Api, add_clients

INVALID_CHARACTERS = (
    "Field name contains invalid characters. Allowed characters are: A-Z, 0-9 and _."
)


def assert_refused(
    api: Api,
    method: str,
    params: dict[str, Any],
    error: str,
    description: str,
    status: int = 400,
) -> None:
    """The call answers exactly this error and leaves every table as it was."""
    before = database_rows(api)
    assert api.error(method, params) == (
        status,
        {"error": error, "error_description": description},
    )
    assert database_rows(api) == before


# -- crm.lead.userfield.add -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "error", "description"),
    [
        pytest.param(
            {"USER_TYPE_ID": "string"},
            "",
            "The 'FIELD_NAME' field is not found.",
            id="no-field-name",
        ),
        pytest.param(
            {"USER_TYPE_ID": "string", "FIELD_NAME": ""},
            "",
            "The 'FIELD_NAME' field is not found.",
            id="empty-field-name",
        ),
        pytest.param(
            {"FIELD_NAME": "NOTE"},
            "",
            "The 'USER_TYPE_ID' field is not found.",
            id="no-type",
        ),
        pytest.param(
            {"FIELD_NAME": "NOTE", "USER_TYPE_ID": ""},
            "",
            "The 'USER_TYPE_ID' field is not found.",
            id="empty-type",
        ),
        pytest.param(
            {"FIELD_NAME": "A" * 44, "USER_TYPE_ID": "string"},
            "ERROR_CORE",
            "Field name is too long (more than 50 characters).",
            id="code-of-44",
        ),
        pytest.param(
            {"FIELD_NAME": "UF_CRM_" + "A" * 44, "USER_TYPE_ID": "string"},
            "ERROR_CORE",
            "Field name is too long (more than 50 characters).",
            id="name-of-51",
        ),
        pytest.param(
            {"FIELD_NAME": "uf_" + "b" * 44, "USER_TYPE_ID": "string"},
            "ERROR_CORE",
            "Field name is too long (more than 50 characters).",
            id="prefix-replaced-still-51",
        ),
        *(
            pytest.param(
                {"FIELD_NAME": name, "USER_TYPE_ID": "string"},
                "ERROR_CORE",
                INVALID_CHARACTERS,
                id=f"characters-{n}",
            )
            for n, name in enumerate(
                [
                    "MANAGER-NOTE",
                    "MANAGER NOTE",
                    "NOTE!",
                    "\u0417\u0410\u041c\u0415\u0422\u041a\u0410",
                    "NOTE.1",
                    "ÉTÉ",
                    "A\u00a0B",
                ]
            )
        ),
        *(
            pytest.param(
                {"FIELD_NAME": "NOTE", "USER_TYPE_ID": type_id},
                "ERROR_CORE",
                "Invalid custom type specified.",
                id=f"type-{type_id}",
            )
            for type_id in ["text", "STRING", "list", "rest_1_mytype", "disk_file"]
        ),
        pytest.param(
            {
                "FIELD_NAME": "E",
                "USER_TYPE_ID": "enumeration",
                "LIST": [
                    {"VALUE": "One", "XML_ID": "SAME"},
                    {"VALUE": "Two", "XML_ID": "OTHER"},
                    {"VALUE": "Three", "XML_ID": "SAME"},
                ],
            },
            "ERROR_CORE",
            "List item with XML_ID=SAME already exists.",
            id="duplicate-xml-id",
        ),
    ],
)
def test_add_refuses_a_bad_definition_and_writes_nothing(
    api: Api, fields: dict[str, Any], error: str, description: str
) -> None:
    assert_refused(api, "crm.lead.userfield.add", {"fields": fields}, error, description)
    assert list_fields(api) == []


@pytest.mark.parametrize("sent", ["NOTE", "UF_NOTE", "uf_crm_note", "Note"])
def test_a_name_already_used_is_refused(api: Api, sent: str) -> None:
    add_field(api, FIELD_NAME="NOTE", USER_TYPE_ID="string")
    assert_refused(
        api,
        "crm.lead.userfield.add",
        {"fields": {"FIELD_NAME": sent, "USER_TYPE_ID": "integer"}},
        "ERROR_CORE",
        "A field with the name 'UF_CRM_NOTE' already exists.",
    )
    assert len(list_fields(api)) == 1


@pytest.mark.parametrize("fields", ["NOTE", 5])
def test_fields_that_are_not_a_map_are_refused(api: Api, fields: Any) -> None:
    assert_refused(
        api, "crm.lead.userfield.add", {"fields": fields}, "", "Parameter 'fields' must be array."
    )
    field_id = add_field(api, FIELD_NAME="NOTE", USER_TYPE_ID="string")
    assert_refused(
        api,
        "crm.lead.userfield.update",
        {"id": field_id, "fields": fields},
        "",
        "Parameter 'fields' must be array.",
    )


def test_the_1017th_field_is_an_internal_server_error(api: Api) -> None:
    for batch in range(0, 1016, 50):
        commands = {
            f"f{n}": f"crm.lead.userfield.add?fields[FIELD_NAME]=F{n}&fields[USER_TYPE_ID]=string"
            for n in range(batch, min(batch + 50, 1016))
        }
        result = api.call("batch", {"cmd": commands})
        assert result["result_error"] == [], result["result_error"]
    before = database_rows(api)
    status, body = api.error(
        "crm.lead.userfield.add",
        {"fields": {"FIELD_NAME": "ONE_TOO_MANY", "USER_TYPE_ID": "string"}},
    )
    assert (status, body["error"]) == (500, "INTERNAL_SERVER_ERROR")
    assert database_rows(api) == before
    assert api.post("crm.lead.userfield.list").json()["total"] == 1016


# -- crm.lead.userfield.update --------------------------------------------------------------------


def _enumeration(api: Api) -> int:
    return add_field(
        api,
        FIELD_NAME="E",
        USER_TYPE_ID="enumeration",
        LIST=[{"VALUE": "One", "XML_ID": "ONE"}, {"VALUE": "Two", "XML_ID": "TWO"}],
    )


@pytest.mark.parametrize(
    ("items", "xml_id"),
    [
        pytest.param([{"VALUE": "New", "XML_ID": "ONE"}], "ONE", id="new-item-takes-a-kept-code"),
        pytest.param(
            [{"VALUE": "A", "XML_ID": "NEW"}, {"VALUE": "B", "XML_ID": "NEW"}],
            "NEW",
            id="two-new-items-share-a-code",
        ),
        pytest.param(None, "TWO", id="changed-item-takes-a-kept-code"),
    ],
)
def test_update_refuses_a_duplicate_xml_id_and_changes_nothing(
    api: Api, items: list[dict[str, Any]] | None, xml_id: str
) -> None:
    field_id = _enumeration(api)
    before = get_field(api, field_id)
    if items is None:
        items = [{"ID": before["LIST"][0]["ID"], "VALUE": "One", "XML_ID": "TWO"}]
    assert_refused(
        api,
        "crm.lead.userfield.update",
        {"id": field_id, "fields": {"LIST": items, "SORT": 999}},
        "ERROR_CORE",
        f"List item with value XML_ID='{xml_id}' already exists",
    )
    assert get_field(api, field_id) == before


def test_a_code_freed_by_a_deletion_in_the_same_update_may_be_reused(api: Api) -> None:
    field_id = _enumeration(api)
    one, _ = (item["ID"] for item in get_field(api, field_id)["LIST"])
    items = [{"ID": one, "DEL": "Y"}, {"VALUE": "Again", "XML_ID": "ONE"}]
    assert api.call("crm.lead.userfield.update", {"id": field_id, "fields": {"LIST": items}})
    assert [i["XML_ID"] for i in get_field(api, field_id)["LIST"]] == ["TWO", "ONE"]


# -- ids: get, update, delete ---------------------------------------------------------------------

ID_METHODS = ["crm.lead.userfield.get", "crm.lead.userfield.update", "crm.lead.userfield.delete"]


def _params(method: str, field_id: Any) -> dict[str, Any]:
    params = {} if field_id is ... else {"id": field_id}
    if method.endswith(".update"):
        params["fields"] = {"SORT": 5}
    return params


@pytest.mark.parametrize("method", ID_METHODS)
@pytest.mark.parametrize("field_id", [..., None, "", 0, -1, "abc"])
def test_a_missing_or_invalid_id_is_refused(api: Api, method: str, field_id: Any) -> None:
    add_field(api, FIELD_NAME="NOTE", USER_TYPE_ID="string")
    assert_refused(api, method, _params(method, field_id), "", "ID is not defined or invalid.")
    assert len(list_fields(api)) == 1


@pytest.mark.parametrize("method", ID_METHODS)
def test_an_unknown_id_is_not_found(api: Api, method: str) -> None:
    field_id = add_field(api, FIELD_NAME="NOTE", USER_TYPE_ID="string")
    for unknown in (field_id + 1, str(field_id + 7)):
        assert_refused(
            api,
            method,
            _params(method, unknown),
            "ERROR_NOT_FOUND",
            f"The entity with ID '{unknown}' is not found.",
        )
    assert [f["ID"] for f in list_fields(api)] == [str(field_id)]


@pytest.mark.parametrize("method", ID_METHODS)
def test_an_id_beyond_32_bits_is_not_found_rather_than_invalid(api: Api, method: str) -> None:
    # The pages call an id invalid only when it is "less than or equal to zero, or not
    # provided at all"; a larger positive id is simply not found (as for crm.lead.*).
    add_field(api, FIELD_NAME="NOTE", USER_TYPE_ID="string")
    for unknown in (2**31, 2**63):
        assert_refused(
            api,
            method,
            _params(method, unknown),
            "ERROR_NOT_FOUND",
            f"The entity with ID '{unknown}' is not found.",
        )


def test_a_deleted_field_cannot_be_deleted_or_updated_again(api: Api) -> None:
    field_id = add_field(api, FIELD_NAME="NOTE", USER_TYPE_ID="string")
    assert api.call("crm.lead.userfield.delete", {"id": field_id}) is True
    for method in ("crm.lead.userfield.delete", "crm.lead.userfield.update"):
        assert_refused(
            api,
            method,
            _params(method, field_id),
            "ERROR_NOT_FOUND",
            f"The entity with ID '{field_id}' is not found.",
        )


# -- who ------------------------------------------------------------------------------------------


def test_only_an_administrator_changes_definitions(api: Api) -> None:
    field_id = _enumeration(api)
    _, prefix = api.new_webhook(scopes=["crm"])
    user = api.as_user(prefix)
    calls = [
        ("crm.lead.userfield.add", {"fields": {"FIELD_NAME": "MINE", "USER_TYPE_ID": "string"}}),
        ("crm.lead.userfield.update", {"id": field_id, "fields": {"SORT": 1}}),
        (
            "crm.lead.userfield.update",
            {"id": field_id, "fields": {"LIST": [{"VALUE": "Three"}]}},
        ),
        ("crm.lead.userfield.delete", {"id": field_id}),
    ]
    before = database_rows(api)
    for method, params in calls:
        assert user.error(method, params) == (
            400,
            {"error": "", "error_description": "Access denied."},
        ), method
    assert database_rows(api) == before
    # Reading needs only the crm scope.
    assert user.call("crm.lead.userfield.get", {"id": field_id}) == get_field(api, field_id)
    assert [f["ID"] for f in user.call("crm.lead.userfield.list")] == [str(field_id)]


# -- list and helper parameters -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["filter", "order"])
@pytest.mark.parametrize("value", ["ID", 5])
def test_list_parameters_that_are_not_maps_are_refused(api: Api, name: str, value: Any) -> None:
    add_field(api, FIELD_NAME="NOTE", USER_TYPE_ID="string")
    assert api.error("crm.lead.userfield.list", {name: value}) == (
        400,
        {"error": "", "error_description": f"Parameter '{name}' must be array."},
    )


@pytest.mark.parametrize("params", [{}, {"type": ""}, {"type": None}])
def test_settings_fields_needs_a_type(api: Api, params: dict[str, Any]) -> None:
    assert api.error("crm.userfield.settings.fields", params) == (
        400,
        {"error": "", "error_description": "Parameter 'type' is not specified or empty."},
    )


# -- values on leads ------------------------------------------------------------------------------
#
# Each case: the definition, a value it must refuse, and a value it must take with the form
# get shows it in (so that the refusal is known to be about the value). "{lead}" stands for
# an existing lead, "{item}" for an item of the enumeration.

ENUM_LIST = [{"VALUE": "Hot", "SORT": 1}, {"VALUE": "Cold", "SORT": 2}]
WRONG_TYPE = "type"  # the documented "The field X (X) is invalid: ..." text
UNKNOWN = "reference"  # only the code, the status and the name are documented

VALUE_CASES = [
    # integer
    ("integer", {}, "abc", WRONG_TYPE, "12", "12"),
    ("integer", {}, "12abc", WRONG_TYPE, 12, "12"),
    ("integer", {}, "1.5", WRONG_TYPE, "-3", "-3"),
    ("integer", {}, {"a": 1}, WRONG_TYPE, "0", "0"),
    # double
    ("double", {}, "abc", WRONG_TYPE, "12.5", "12.5"),
    ("double", {}, "1.5.5", WRONG_TYPE, 12.5, "12.5"),
    # date
    ("date", {}, "yesterday", WRONG_TYPE, "2024-05-23", "2024-05-23T00:00:00+00:00"),
    ("date", {}, "2024-02-30", WRONG_TYPE, "23.05.2024", "2024-05-23T00:00:00+00:00"),
    # datetime
    (
        "datetime",
        {},
        "yesterday",
        WRONG_TYPE,
        "2024-05-23T16:18:25+02:00",
        "2024-05-23T14:18:25+00:00",
    ),
    (
        "datetime",
        {},
        "2024-05-23T25:00:00",
        WRONG_TYPE,
        "2024-05-23T16:18:25",
        "2024-05-23T16:18:25+00:00",
    ),
    # money
    ("money", {}, "abc|USD", WRONG_TYPE, "100|USD", "100|USD"),
    ("money", {}, "100|XYZ", WRONG_TYPE, "100|EUR", "100|EUR"),
    ("money", {}, "lots", WRONG_TYPE, "100", "100|USD"),  # bare: the base currency
    # url
    ("url", {}, {"a": "b"}, WRONG_TYPE, "example.com/a", "http://example.com/a"),
    # boolean
    ("boolean", {}, "maybe", WRONG_TYPE, "Y", True),
    ("boolean", {}, "2", WRONG_TYPE, "0", False),
    ("boolean", {}, {"a": 1}, WRONG_TYPE, "true", True),
    # string
    ("string", {}, {"a": "b"}, WRONG_TYPE, "text", "text"),
    # enumeration
    ("enumeration", {}, 999999, UNKNOWN, "{item}", "{item}"),
    ("enumeration", {}, "Hot", UNKNOWN, "{item}", "{item}"),
    # employee
    ("employee", {}, 999999, UNKNOWN, 1, "1"),
    ("employee", {}, "abc", UNKNOWN, "1", "1"),
    # crm_status
    ("crm_status", {"ENTITY_TYPE": "SOURCE"}, "NOPE", UNKNOWN, "WEB", "WEB"),
    ("crm_status", {"ENTITY_TYPE": "SOURCE"}, "NEW", UNKNOWN, "CALL", "CALL"),
    # crm: leads only (the default)
    ("crm", {}, "L_999999", UNKNOWN, "{lead}", "{lead}"),
    ("crm", {}, "C_3", UNKNOWN, "{lead}", "{lead}"),
    ("crm", {}, "X_1", UNKNOWN, "{lead}", "{lead}"),
    # crm: leads and contacts
    ("crm", {"LEAD": "Y", "CONTACT": "Y"}, "12", UNKNOWN, "L_{lead}", "L_{lead}"),
    ("crm", {"LEAD": "Y", "CONTACT": "Y"}, "Q_1", UNKNOWN, "C_3", "C_3"),
    ("crm", {"LEAD": "Y", "CONTACT": "Y"}, "C_abc", UNKNOWN, "C_3", "C_3"),
    ("crm", {"LEAD": "Y", "CONTACT": "Y"}, "CO_4", UNKNOWN, "C_3", "C_3"),
    ("crm", {"LEAD": "Y", "CONTACT": "Y"}, "C_4", UNKNOWN, "C_3", "C_3"),
    # info block bindings: positive integers
    ("iblock_element", {}, "abc", WRONG_TYPE, "5", "5"),
    ("iblock_section", {}, -1, WRONG_TYPE, 5, "5"),
]


def _case_id(case: tuple[Any, ...]) -> str:
    type_id, settings, bad = case[:3]
    return f"{type_id}{'+' if settings else ''}-{bad!r}"


def _resolve(value: Any, context: dict[str, str]) -> Any:
    return value.format(**context) if isinstance(value, str) else value


def _define(api: Api, type_id: str, settings: dict[str, Any], **extra: Any) -> dict[str, str]:
    """Define UF_CRM_V; answer the context: an existing lead and an enumeration item."""
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "anchor"}})
    add_clients(api, contacts=3)
    field_id = add_field(
        api,
        FIELD_NAME="V",
        USER_TYPE_ID=type_id,
        LABEL="Value",
        SETTINGS=settings,
        **({"LIST": ENUM_LIST} if type_id == "enumeration" else {}),
        **extra,
    )
    items = get_field(api, field_id).get("LIST") or [{"ID": "0"}]
    return {"lead": str(lead_id), "item": items[0]["ID"]}


def _assert_invalid(status: int, body: dict[str, Any], kind: str, name: str = "UF_CRM_V") -> None:
    assert (status, body["error"]) == (400, "ERROR_CORE"), body
    assert name in body["error_description"], body
    if kind == WRONG_TYPE:
        assert body["error_description"].startswith(f"The field {name} ({name}) is invalid: "), body


@pytest.mark.parametrize(
    ("type_id", "settings", "bad", "kind", "good", "shown"),
    VALUE_CASES,
    ids=[_case_id(c) for c in VALUE_CASES],
)
def test_a_wrong_value_on_add_is_refused_and_nothing_is_written(
    api: Api, type_id: str, settings: dict[str, Any], bad: Any, kind: str, good: Any, shown: Any
) -> None:
    context = _define(api, type_id, settings)
    before = database_rows(api)
    status, body = api.error("crm.lead.add", {"fields": {"TITLE": "Refused", "UF_CRM_V": bad}})
    _assert_invalid(status, body, kind)
    assert database_rows(api) == before
    lead_id = api.call("crm.lead.add", {"fields": {"UF_CRM_V": _resolve(good, context)}})
    assert get_lead(api, lead_id)["UF_CRM_V"] == _resolve(shown, context)


@pytest.mark.parametrize(
    ("type_id", "settings", "bad", "kind", "good", "shown"),
    VALUE_CASES,
    ids=[_case_id(c) for c in VALUE_CASES],
)
def test_a_wrong_value_on_update_is_refused_and_nothing_changes(
    api: Api, type_id: str, settings: dict[str, Any], bad: Any, kind: str, good: Any, shown: Any
) -> None:
    context = _define(api, type_id, settings)
    lead_id = api.call("crm.lead.add", {"fields": {"UF_CRM_V": _resolve(good, context)}})
    before = database_rows(api)
    status, body = api.error(
        "crm.lead.update", {"id": lead_id, "fields": {"TITLE": "Changed", "UF_CRM_V": bad}}
    )
    _assert_invalid(status, body, kind)
    assert database_rows(api) == before
    assert get_lead(api, lead_id)["UF_CRM_V"] == _resolve(shown, context)


@pytest.mark.parametrize(
    ("type_id", "bad", "good", "shown"),
    [
        ("integer", ["1", "x"], ["1", 2], ["1", "2"]),
        ("date", ["2024-05-23", "soon"], ["2024-05-23"], ["2024-05-23T00:00:00+00:00"]),
        ("employee", [1, 999999], [1], ["1"]),
        ("money", ["1|USD", "1|ZZZ"], "1|USD", ["1|USD"]),
    ],
)
def test_one_bad_item_of_a_multiple_value_refuses_the_whole_value(
    api: Api, type_id: str, bad: list[Any], good: Any, shown: list[Any]
) -> None:
    _define(api, type_id, {}, MULTIPLE="Y")
    before = database_rows(api)
    status, body = api.error("crm.lead.add", {"fields": {"UF_CRM_V": bad}})
    assert (status, body["error"]) == (400, "ERROR_CORE")
    assert "UF_CRM_V" in body["error_description"]
    assert database_rows(api) == before
    lead_id = api.call("crm.lead.add", {"fields": {"UF_CRM_V": good}})
    assert get_lead(api, lead_id)["UF_CRM_V"] == shown


def test_an_item_of_another_enumeration_is_unknown(api: Api) -> None:
    _define(api, "enumeration", {})
    other = add_field(
        api, FIELD_NAME="OTHER", USER_TYPE_ID="enumeration", LIST=[{"VALUE": "Elsewhere"}]
    )
    foreign = get_field(api, other)["LIST"][0]["ID"]
    before = database_rows(api)
    status, body = api.error("crm.lead.add", {"fields": {"UF_CRM_V": foreign}})
    _assert_invalid(status, body, UNKNOWN)
    assert database_rows(api) == before


def test_a_deleted_item_is_unknown(api: Api) -> None:
    context = _define(api, "enumeration", {})
    field_id = int(list_fields(api)[0]["ID"])
    update = {"id": field_id, "fields": {"LIST": [{"ID": context["item"], "DEL": "Y"}]}}
    assert api.call("crm.lead.userfield.update", update)
    before = database_rows(api)
    status, body = api.error("crm.lead.add", {"fields": {"UF_CRM_V": context["item"]}})
    _assert_invalid(status, body, UNKNOWN)
    assert database_rows(api) == before


def test_every_invalid_custom_field_is_named(api: Api) -> None:
    add_field(api, FIELD_NAME="NUM", USER_TYPE_ID="integer")
    add_field(api, FIELD_NAME="DAY", USER_TYPE_ID="date")
    before = database_rows(api)
    status, body = api.error("crm.lead.add", {"fields": {"UF_CRM_NUM": "x", "UF_CRM_DAY": "y"}})
    assert (status, body["error"]) == (400, "ERROR_CORE")
    assert "UF_CRM_NUM" in body["error_description"]
    assert "UF_CRM_DAY" in body["error_description"]
    assert database_rows(api) == before


# -- MANDATORY ------------------------------------------------------------------------------------

REQUIRED = 'The field "Value" (UF_CRM_V) is required.'


@pytest.mark.parametrize(
    ("type_id", "multiple", "fields"),
    [
        ("string", "N", {}),
        ("string", "N", {"UF_CRM_V": ""}),
        ("string", "N", {"UF_CRM_V": None}),
        ("integer", "N", {"TITLE": "no value"}),
        ("integer", "Y", {"UF_CRM_V": []}),
        ("enumeration", "N", {"UF_CRM_V": ""}),
        ("file", "Y", {"UF_CRM_V": []}),
    ],
)
def test_a_mandatory_field_must_have_a_value_on_add(
    api: Api, type_id: str, multiple: str, fields: dict[str, Any]
) -> None:
    _define(api, type_id, {}, MANDATORY="Y", MULTIPLE=multiple)
    assert_refused(api, "crm.lead.add", {"fields": fields}, "ERROR_CORE", REQUIRED)


@pytest.mark.parametrize("empty", ["", None, []])
def test_a_mandatory_value_cannot_be_cleared_on_update(api: Api, empty: Any) -> None:
    _define(api, "string", {}, MANDATORY="Y")
    lead_id = api.call("crm.lead.add", {"fields": {"UF_CRM_V": "set"}})
    assert_refused(
        api,
        "crm.lead.update",
        {"id": lead_id, "fields": {"UF_CRM_V": empty}},
        "ERROR_CORE",
        REQUIRED,
    )
    assert get_lead(api, lead_id)["UF_CRM_V"] == "set"
    # An update that leaves the field alone is fine.
    assert api.call("crm.lead.update", {"id": lead_id, "fields": {"TITLE": "other"}})


def test_a_mandatory_field_with_a_default_takes_the_default(api: Api) -> None:
    _define(api, "string", {"DEFAULT_VALUE": "fallback"}, MANDATORY="Y")
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "x"}})
    assert get_lead(api, lead_id)["UF_CRM_V"] == "fallback"


# -- files ----------------------------------------------------------------------------------------


def _b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param({"fileData": ["a.txt", "%%% not base64 %%%"]}, id="not-base64"),
        pytest.param({"fileData": ["a.txt", "QUJD*"]}, id="stray-character"),
        pytest.param({"fileData": ["a.txt", ""]}, id="empty-content"),
        pytest.param(["a.txt", "!!!"], id="bare-pair"),
    ],
)
def test_file_content_that_is_not_base64_is_refused(api: Api, bad: Any) -> None:
    _define(api, "file", {})
    before = database_rows(api)
    status, body = api.error("crm.lead.add", {"fields": {"UF_CRM_V": bad}})
    _assert_invalid(status, body, WRONG_TYPE)
    assert database_rows(api) == before


@pytest.mark.parametrize("settings_overrides", [{"max_file_bytes": 1000}])
def test_a_file_over_the_size_cap_is_refused(api: Api) -> None:
    _define(api, "file", {}, MULTIPLE="Y")
    at_cap = {"fileData": ["ok.bin", _b64(b"a" * 1000)]}
    over = {"fileData": ["big.bin", _b64(b"b" * 1001)]}
    before = database_rows(api)
    # The file under the cap in the same value is not stored either.
    status, body = api.error("crm.lead.add", {"fields": {"UF_CRM_V": [at_cap, over]}})
    _assert_invalid(status, body, WRONG_TYPE)
    assert database_rows(api) == before

    lead_id = api.call("crm.lead.add", {"fields": {"UF_CRM_V": [at_cap]}})
    [stored] = get_lead(api, lead_id)["UF_CRM_V"]
    assert fetch(api, stored["downloadUrl"]).content == b"a" * 1000
    before = database_rows(api)
    status, body = api.error(
        "crm.lead.update", {"id": lead_id, "fields": {"UF_CRM_V": [stored["id"], over]}}
    )
    _assert_invalid(status, body, WRONG_TYPE)
    assert database_rows(api) == before


def test_a_download_link_with_a_changed_token_serves_nothing(api: Api) -> None:
    _define(api, "file", {})
    content = b"secret content"
    lead_id = api.call(
        "crm.lead.add", {"fields": {"UF_CRM_V": {"fileData": ["s.txt", _b64(content)]}}}
    )
    url = get_lead(api, lead_id)["UF_CRM_V"]["downloadUrl"]
    assert fetch(api, url).content == content
    assert "token=" in url
    head, token = url.split("token=", 1)
    flipped = ("A" if token[0] != "A" else "B") + token[1:]
    for forged in (head + "token=" + flipped, head + "token=", url.split("?", 1)[0]):
        response = fetch(api, forged)
        assert response.status_code != 200
        assert content not in response.content
