"""crm.status.*: the documented examples replayed, the seeded directories and every error."""

from __future__ import annotations

from typing import Any

import pytest

from leadcrm.crm.statuses import service
from tests.support import Api

NOT_FOUND = "Status is not found."
AFTER_FINAL = (
    "Cannot create more stages after the final stage because the final successful stage "
    "already exists. Try using sort order values less than that of the final stage."
)
SYSTEM_DELETE = (
    'CRM System Status can be deleted only if parameter FORCED is specified and equal to "Y".'
)
IN_USE_HONORIFIC = "HNR_IN_USE"


@pytest.fixture(autouse=True)
def usage_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a stand-in for the lead package vetoes deletes here: one honorific is "in use"."""
    monkeypatch.setattr(service, "_usage_checks", {})
    service.register_usage_check("HONORIFIC", lambda conn, code: code == IN_USE_HONORIFIC)


def _descriptor(type_: str, title: str, **flags: bool) -> dict[str, Any]:
    return {
        "type": type_,
        "isRequired": flags.get("required", False),
        "isReadOnly": flags.get("read_only", False),
        "isImmutable": flags.get("immutable", False),
        "isMultiple": False,
        "isDynamic": False,
        "title": title,
    }


DOC_FIELDS = {
    "ID": _descriptor("integer", "ID", read_only=True),
    "ENTITY_ID": _descriptor("string", "Entity ID", required=True, immutable=True),
    "STATUS_ID": _descriptor("string", "Status", required=True, immutable=True),
    "SORT": _descriptor("integer", "Sorting"),
    "NAME": _descriptor("string", "Name", required=True),
    "NAME_INIT": _descriptor("string", "Default Name", read_only=True),
    "SYSTEM": _descriptor("char", "System", read_only=True),
    "CATEGORY_ID": _descriptor("integer", "CATEGORY_ID", immutable=True),
    "COLOR": _descriptor("string", "COLOR"),
    "SEMANTICS": _descriptor("char", "SEMANTICS", immutable=True),
    "EXTRA": _descriptor("crm_status_extra", "Additional Fields"),
}

LEAD_STAGES = [
    ("NEW", "Unprocessed", "10", "#39A8EF", None, "process"),
    ("IN_PROCESS", "In process", "20", "#2FC6F6", None, "process"),
    ("PROCESSED", "Processed", "30", "#55D0E0", None, "process"),
    ("CONVERTED", "High-quality lead", "40", "#7BD500", "S", "success"),
    ("JUNK", "Low-quality lead", "50", "#FF5752", "F", "failure"),
]
SOURCES = [
    ("CALL", "Call"),
    ("EMAIL", "E-mail"),
    ("WEB", "Website"),
    ("ADVERTISING", "Advertising"),
    ("PARTNER", "Existing client"),
    ("RECOMMENDATION", "By recommendation"),
    ("TRADE_SHOW", "Trade show"),
    ("WEBFORM", "CRM form"),
    ("CALLBACK", "Callback"),
    ("RC_GENERATOR", "Sales generator"),
    ("STORE", "Online store"),
    ("OTHER", "Other"),
]
ITEM_KEYS = [
    "ID",
    "ENTITY_ID",
    "STATUS_ID",
    "NAME",
    "NAME_INIT",
    "SORT",
    "SYSTEM",
    "CATEGORY_ID",
    "COLOR",
    "SEMANTICS",
]


def _items(api: Api, entity_id: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = api.call(
        "crm.status.list", {"order": {"SORT": "ASC"}, "filter": {"ENTITY_ID": entity_id}}
    )
    return result


def _by_code(api: Api, entity_id: str, code: str) -> dict[str, Any]:
    return next(item for item in _items(api, entity_id) if item["STATUS_ID"] == code)


def _count(api: Api) -> int:
    response = api.post("crm.status.list", {"filter": {}})
    total: int = response.json()["total"]
    return total


def _assert_error(
    api: Api, method: str, params: dict[str, Any], description: str, code: str = ""
) -> None:
    status, body = api.error(method, params)
    assert status == 400, body
    assert body == {"error": code, "error_description": description}


def _stage(api: Api, **fields: Any) -> int:
    new_id: int = api.call("crm.status.add", {"fields": {"ENTITY_ID": "STATUS", **fields}})
    return new_id


def _non_admin(api: Api) -> Api:
    _, prefix = api.new_webhook(scopes=["crm"])
    return api.as_user(prefix)


# -- crm.status.fields ------------------------------------------------------------------------


def test_fields_are_the_documented_descriptors_in_order(api: Api) -> None:
    result = api.call("crm.status.fields", {})
    assert result == DOC_FIELDS
    assert list(result) == list(DOC_FIELDS)
    assert list(result["ID"]) == list(DOC_FIELDS["ID"])


# -- crm.status.list --------------------------------------------------------------------------


def test_the_documented_list_request_for_a_directory_not_held_is_empty(api: Api) -> None:
    response = api.post(
        "crm.status.list", {"order": {"SORT": "ASC"}, "filter": {"ENTITY_ID": "DEAL_STAGE"}}
    )
    body = response.json()
    assert response.status_code == 200
    assert body["result"] == []
    assert body["total"] == 0
    assert "next" not in body


def test_lead_stages_are_listed_with_string_values_and_extra(api: Api) -> None:
    response = api.post(
        "crm.status.list", {"order": {"SORT": "ASC"}, "filter": {"ENTITY_ID": "STATUS"}}
    )
    body = response.json()
    assert body["total"] == 5
    items = body["result"]
    for item, (code, name, sort, color, semantics, extra) in zip(items, LEAD_STAGES, strict=True):
        assert list(item) == [*ITEM_KEYS, "EXTRA"]
        assert item["ID"].isdigit()
        assert item == {
            "ID": item["ID"],
            "ENTITY_ID": "STATUS",
            "STATUS_ID": code,
            "NAME": name,
            "NAME_INIT": name,
            "SORT": sort,
            "SYSTEM": "Y",
            "CATEGORY_ID": None,
            "COLOR": color,
            "SEMANTICS": semantics,
            "EXTRA": {"SEMANTICS": extra, "COLOR": color},
        }


def test_sources_are_the_twelve_documented_codes_without_extra(api: Api) -> None:
    items = _items(api, "SOURCE")
    assert [(i["STATUS_ID"], i["NAME"]) for i in items] == SOURCES
    assert [i["SORT"] for i in items] == [str(10 * n) for n in range(1, 13)]
    for item in items:
        assert list(item) == ITEM_KEYS
        assert item["SYSTEM"] == "Y"
        assert item["NAME_INIT"] == item["NAME"]
        assert item["SEMANTICS"] is None
        assert item["COLOR"] is None


def test_honorifics_are_seeded(api: Api) -> None:
    items = _items(api, "HONORIFIC")
    assert [(i["STATUS_ID"], i["NAME"]) for i in items] == [
        ("HNR_EN_1", "Mr."),
        ("HNR_EN_2", "Mrs."),
        ("HNR_EN_3", "Ms."),
        ("HNR_EN_4", "Dr."),
    ]


def test_list_without_parameters_returns_every_item_by_sort(api: Api) -> None:
    response = api.post("crm.status.list")
    body = response.json()
    # Stages, sources, honorifics, then contact types, company types, employees, industries.
    assert body["total"] == 5 + 12 + 4 + 4 + 5 + 4 + 11
    sorts = [int(item["SORT"]) for item in body["result"]]
    assert sorts == sorted(sorts)
    assert "next" not in body


def test_list_pages_by_50(api: Api) -> None:
    for n in range(11):  # 45 seeded items + 11 = 56
        api.call(
            "crm.status.add",
            {"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": f"S{n}", "NAME": f"Source {n}"}},
        )
    first = api.post("crm.status.list", {"order": {"ID": "ASC"}}).json()
    assert (len(first["result"]), first["total"], first["next"]) == (50, 56, 50)
    rest = api.post("crm.status.list", {"order": {"ID": "ASC"}, "start": 50}).json()
    assert (len(rest["result"]), rest["total"]) == (6, 56)
    assert "next" not in rest
    ids = [int(i["ID"]) for i in first["result"] + rest["result"]]
    assert ids == sorted(set(ids))


def test_list_filters_and_orders_with_the_shared_grammar(api: Api) -> None:
    items = api.call(
        "crm.status.list",
        {"order": {"SORT": "DESC"}, "filter": {"ENTITY_ID": "STATUS", ">SORT": 20}},
    )
    assert [i["STATUS_ID"] for i in items] == ["JUNK", "CONVERTED", "PROCESSED"]
    failures = api.call("crm.status.list", {"filter": {"ENTITY_ID": "STATUS", "SEMANTICS": "F"}})
    assert [i["STATUS_ID"] for i in failures] == ["JUNK"]
    in_progress = api.call("crm.status.list", {"filter": {"ENTITY_ID": "STATUS", "SEMANTICS": ""}})
    assert [i["STATUS_ID"] for i in in_progress] == ["NEW", "IN_PROCESS", "PROCESSED"]


def test_list_refuses_unknown_filter_fields(api: Api) -> None:
    _assert_error(
        api,
        "crm.status.list",
        {"filter": {"COLOUR": "#fff"}},
        "Filter field 'COLOUR' is not supported.",
    )


def test_any_crm_user_may_read(api: Api) -> None:
    user = _non_admin(api)
    assert len(user.call("crm.status.list", {"filter": {"ENTITY_ID": "SOURCE"}})) == 12
    assert user.call("crm.status.entity.items", {"entityId": "STATUS"})[0]["STATUS_ID"] == "NEW"


def test_a_webhook_without_the_crm_scope_is_refused(api: Api) -> None:
    _, prefix = api.new_webhook(scopes=["user"])
    status, body = api.as_user(prefix).error("crm.status.list")
    assert status == 403
    assert body["error"] == "insufficient_scope"


# -- crm.status.get ---------------------------------------------------------------------------


def test_get_returns_the_item_without_extra(api: Api) -> None:
    stage = _by_code(api, "STATUS", "CONVERTED")
    result = api.call("crm.status.get", {"id": int(stage["ID"])})
    assert list(result) == ITEM_KEYS
    assert result == {key: stage[key] for key in ITEM_KEYS}
    assert result["SEMANTICS"] == "S"
    assert result["SORT"] == "40"


def test_get_accepts_a_string_id_in_any_case(api: Api) -> None:
    stage = _by_code(api, "SOURCE", "WEB")
    assert api.call("crm.status.get", {"ID": stage["ID"]})["STATUS_ID"] == "WEB"


def test_the_documented_get_of_a_missing_item_is_not_found(api: Api) -> None:
    _assert_error(api, "crm.status.get", {"id": 123}, NOT_FOUND)


@pytest.mark.parametrize(
    "params",
    # "²" is a digit to str.isdigit() but not to int().
    [{}, {"id": "abc"}, {"id": 0}, {"id": -5}, {"id": True}, {"id": "²"}],
)
def test_get_refuses_an_invalid_identifier(api: Api, params: dict[str, Any]) -> None:
    _assert_error(api, "crm.status.get", params, "Invalid identifier.")


# -- crm.status.add ---------------------------------------------------------------------------


def test_the_documented_add_to_a_deal_pipeline_is_not_supported(api: Api) -> None:
    before = _count(api)
    doc = {
        "fields": {
            "ENTITY_ID": "DEAL_STAGE_1",
            "STATUS_ID": "DECISION",
            "NAME": "Decision making",
            "SORT": 70,
            "COLOR": "#FFA900",
        }
    }
    _assert_error(api, "crm.status.add", doc, "Specified entity type is not supported.")
    assert _count(api) == before


def test_add_a_lead_stage_returns_an_int_and_stores_a_non_system_item(api: Api) -> None:
    new_id = _stage(api, STATUS_ID="DECISION", NAME="Decision making", SORT=25, COLOR="#FFA900")
    assert isinstance(new_id, int)
    item = api.call("crm.status.get", {"id": new_id})
    assert item == {
        "ID": str(new_id),
        "ENTITY_ID": "STATUS",
        "STATUS_ID": "DECISION",
        "NAME": "Decision making",
        "NAME_INIT": "",
        "SORT": "25",
        "SYSTEM": "N",
        "CATEGORY_ID": None,
        "COLOR": "#FFA900",
        "SEMANTICS": None,
    }
    codes = [i["STATUS_ID"] for i in _items(api, "STATUS")]
    assert codes == ["NEW", "IN_PROCESS", "DECISION", "PROCESSED", "CONVERTED", "JUNK"]
    assert _by_code(api, "STATUS", "DECISION")["EXTRA"] == {
        "SEMANTICS": "process",
        "COLOR": "#FFA900",
    }


def test_add_defaults_sort_to_10_and_gives_stages_a_colour(api: Api) -> None:
    new_id = _stage(api, STATUS_ID="FRESH", NAME="Fresh")
    item = api.call("crm.status.get", {"id": new_id})
    assert item["SORT"] == "10"
    assert item["COLOR"] == "#ACE9FB"
    source_id = api.call(
        "crm.status.add", {"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "FAIR", "NAME": "Fair"}}
    )
    source = api.call("crm.status.get", {"id": source_id})
    assert (source["SORT"], source["COLOR"], source["SEMANTICS"]) == ("10", None, None)


def test_a_system_value_cannot_be_created(api: Api) -> None:
    new_id = api.call(
        "crm.status.add",
        {
            "fields": {
                "ENTITY_ID": "HONORIFIC",
                "STATUS_ID": "HNR_X",
                "NAME": "Prof.",
                "SYSTEM": "Y",
            }
        },
    )
    assert api.call("crm.status.get", {"id": new_id})["SYSTEM"] == "N"


def test_a_failure_stage_after_the_final_one_is_an_apology(api: Api) -> None:
    new_id = _stage(api, STATUS_ID="NO_BUDGET", NAME="No budget", SEMANTICS="F", SORT=60)
    item = _by_code(api, "STATUS", "NO_BUDGET")
    assert item["ID"] == str(new_id)
    assert item["SEMANTICS"] == "F"
    assert item["EXTRA"] == {"SEMANTICS": "apology", "COLOR": "#FFBEBD"}
    assert _by_code(api, "STATUS", "JUNK")["EXTRA"]["SEMANTICS"] == "failure"


def test_a_failure_stage_without_sort_goes_after_the_others(api: Api) -> None:
    new_id = _stage(api, STATUS_ID="SPAM", NAME="Spam", SEMANTICS="F")
    assert api.call("crm.status.get", {"id": new_id})["SORT"] == "60"


def test_semantics_are_ignored_outside_stage_directories(api: Api) -> None:
    new_id = api.call(
        "crm.status.add",
        {"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "FAIR", "NAME": "Fair", "SEMANTICS": "S"}},
    )
    assert api.call("crm.status.get", {"id": new_id})["SEMANTICS"] is None


def test_a_process_stage_after_the_success_stage_is_refused(api: Api) -> None:
    before = _count(api)
    _assert_error(
        api,
        "crm.status.add",
        {"fields": {"ENTITY_ID": "STATUS", "STATUS_ID": "LATE", "NAME": "Late", "SORT": 45}},
        AFTER_FINAL,
    )
    assert _count(api) == before


@pytest.mark.parametrize(
    ("fields", "description"),
    [
        ({"SEMANTICS": "S", "SORT": 45}, "The final successful stage already exists."),
        (
            {"SEMANTICS": "F", "SORT": 35},
            "Failure stages must sort after the success and process stages.",
        ),
        ({"SEMANTICS": "X"}, "The field SEMANTICS must be S, F or empty."),
        ({"COLOR": "red"}, "The field COLOR must be a hex colour such as #39A8EF."),
        ({"SORT": "ten"}, "The field Sorting (SORT) is invalid: an integer is expected."),
        (
            {"SORT": 2**31},
            "The field Sorting (SORT) is invalid: "
            "an integer between -2147483648 and 2147483647 is expected.",
        ),
    ],
)
def test_invalid_stages_are_refused(api: Api, fields: dict[str, Any], description: str) -> None:
    before = _count(api)
    params = {"fields": {"ENTITY_ID": "STATUS", "STATUS_ID": "ODD", "NAME": "Odd", **fields}}
    _assert_error(api, "crm.status.add", params, description)
    assert _count(api) == before


def test_lead_stage_codes_are_at_most_21_latin_characters(api: Api) -> None:
    longest = "A-" + "b" * 18 + "_"
    assert len(longest) == 21
    assert _stage(api, STATUS_ID=longest, NAME="Long")
    before = _count(api)
    message = (
        "The field STATUS_ID must be at most 21 characters of Latin letters, digits, "
        "hyphens and underscores."
    )
    for code in ("X" * 22, "WITH SPACE", "ÜBER", "C1:NEW"):
        _assert_error(
            api,
            "crm.status.add",
            {"fields": {"ENTITY_ID": "STATUS", "STATUS_ID": code, "NAME": "Bad"}},
            message,
        )
    assert _count(api) == before


def test_other_codes_are_at_most_50_characters_of_any_kind(api: Api) -> None:
    code = "Ünïcödé & spaces: " + "x" * 32
    assert len(code) == 50
    new_id = api.call(
        "crm.status.add", {"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": code, "NAME": "Any"}}
    )
    assert api.call("crm.status.get", {"id": new_id})["STATUS_ID"] == code
    _assert_error(
        api,
        "crm.status.add",
        {"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": code + "y", "NAME": "Any"}},
        "The field Status (STATUS_ID) is invalid: at most 50 characters are expected.",
    )


@pytest.mark.parametrize(
    ("fields", "description"),
    [
        ({}, "The field ENTITY_ID is required.\nThe field STATUS_ID is required."),
        ({"STATUS_ID": "X", "NAME": "X"}, "The field ENTITY_ID is required."),
        ({"ENTITY_ID": "SOURCE", "NAME": "X"}, "The field STATUS_ID is required."),
        (
            {"ENTITY_ID": "SOURCE", "STATUS_ID": "  ", "NAME": "X"},
            "The field STATUS_ID is required.",
        ),
        ({"ENTITY_ID": "SOURCE", "STATUS_ID": "X"}, "The field Title is required."),
        ({"ENTITY_ID": "SOURCE", "STATUS_ID": "X", "NAME": ""}, "The field Title is required."),
        (
            {"ENTITY_ID": "DEAL_STAGE", "STATUS_ID": "X", "NAME": "X"},
            "Specified entity type is not supported.",
        ),
        (
            {"ENTITY_ID": "status", "STATUS_ID": "X", "NAME": "X"},
            "Specified entity type is not supported.",
        ),
    ],
)
def test_add_reports_missing_and_unsupported_fields(
    api: Api, fields: dict[str, Any], description: str
) -> None:
    before = _count(api)
    _assert_error(api, "crm.status.add", {"fields": fields}, description)
    assert _count(api) == before


def test_add_without_fields_reports_both_codes(api: Api) -> None:
    _assert_error(
        api,
        "crm.status.add",
        {},
        "The field ENTITY_ID is required.\nThe field STATUS_ID is required.",
    )


@pytest.mark.parametrize("fields", ["SOURCE", 5])
def test_fields_must_be_an_object(api: Api, fields: object) -> None:
    _assert_error(api, "crm.status.add", {"fields": fields}, "Parameter 'fields' must be array.")


def test_a_duplicate_code_is_an_error_core(api: Api) -> None:
    before = _count(api)
    _assert_error(
        api,
        "crm.status.add",
        {"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "CALL", "NAME": "Call again"}},
        "The specified status ID already exists.",
        code="ERROR_CORE",
    )
    assert _count(api) == before
    # The same code in another directory is not a duplicate.
    assert api.call(
        "crm.status.add", {"fields": {"ENTITY_ID": "HONORIFIC", "STATUS_ID": "CALL", "NAME": "X"}}
    )


# -- crm.status.update ------------------------------------------------------------------------


def test_the_documented_update_changes_name_and_colour(api: Api) -> None:
    stage = _by_code(api, "STATUS", "IN_PROCESS")
    doc = {"id": int(stage["ID"]), "fields": {"NAME": "New name", "COLOR": "#00A9F4"}}
    assert api.call("crm.status.update", doc) is True
    item = _by_code(api, "STATUS", "IN_PROCESS")
    assert item["NAME"] == "New name"
    assert item["NAME_INIT"] == "In process"
    assert item["COLOR"] == "#00A9F4"
    assert item["EXTRA"] == {"SEMANTICS": "process", "COLOR": "#00A9F4"}
    assert item["SORT"] == "20"


def test_update_ignores_immutable_and_read_only_fields(api: Api) -> None:
    stage = _by_code(api, "STATUS", "NEW")
    fields = {
        "STATUS_ID": "OTHER",
        "ENTITY_ID": "SOURCE",
        "SEMANTICS": "F",
        "SYSTEM": "N",
        "SORT": 5,
    }
    assert api.call("crm.status.update", {"id": stage["ID"], "fields": fields}) is True
    item = api.call("crm.status.get", {"id": stage["ID"]})
    assert (item["STATUS_ID"], item["ENTITY_ID"], item["SEMANTICS"], item["SYSTEM"]) == (
        "NEW",
        "STATUS",
        None,
        "Y",
    )
    assert item["SORT"] == "5"


def test_the_documented_update_of_a_missing_item_is_not_found(api: Api) -> None:
    doc = {"id": 123, "fields": {"NAME": "New name", "COLOR": "#00A9F4"}}
    _assert_error(api, "crm.status.update", doc, NOT_FOUND)


def test_update_refuses_an_invalid_identifier(api: Api) -> None:
    _assert_error(api, "crm.status.update", {"fields": {"NAME": "X"}}, "Invalid identifier.")


def test_update_may_not_move_a_process_stage_past_the_success_stage(api: Api) -> None:
    stage = _by_code(api, "STATUS", "PROCESSED")
    _assert_error(
        api, "crm.status.update", {"id": stage["ID"], "fields": {"SORT": 45}}, AFTER_FINAL
    )
    assert _by_code(api, "STATUS", "PROCESSED")["SORT"] == "30"


def test_update_refuses_an_empty_name(api: Api) -> None:
    stage = _by_code(api, "SOURCE", "CALL")
    _assert_error(
        api,
        "crm.status.update",
        {"id": stage["ID"], "fields": {"NAME": ""}},
        "The field Title is required.",
    )
    assert _by_code(api, "SOURCE", "CALL")["NAME"] == "Call"


# -- crm.status.delete ------------------------------------------------------------------------


def test_the_documented_delete_of_a_missing_item_is_not_found(api: Api) -> None:
    _assert_error(api, "crm.status.delete", {"id": 123}, NOT_FOUND)


def test_delete_removes_an_item_that_is_not_system(api: Api) -> None:
    new_id = _stage(api, STATUS_ID="TEMP", NAME="Temporary", SORT=15)
    assert api.call("crm.status.delete", {"id": new_id}) is True
    _assert_error(api, "crm.status.get", {"id": new_id}, NOT_FOUND)


def test_a_system_item_needs_forced(api: Api) -> None:
    item = _by_code(api, "SOURCE", "STORE")
    for params in ({}, {"FORCED": "N"}, "Y"):
        _assert_error(api, "crm.status.delete", {"id": item["ID"], "params": params}, SYSTEM_DELETE)
    assert _by_code(api, "SOURCE", "STORE")["ID"] == item["ID"]
    assert api.call("crm.status.delete", {"id": item["ID"], "params": {"FORCED": "Y"}}) is True
    assert "STORE" not in [i["STATUS_ID"] for i in _items(api, "SOURCE")]


def test_an_item_in_use_is_not_deleted(api: Api) -> None:
    new_id = api.call(
        "crm.status.add",
        {"fields": {"ENTITY_ID": "HONORIFIC", "STATUS_ID": IN_USE_HONORIFIC, "NAME": "Sir"}},
    )
    _assert_error(
        api,
        "crm.status.delete",
        {"id": new_id, "params": {"FORCED": "Y"}},
        "There are active items in this status.",
    )
    assert api.call("crm.status.get", {"id": new_id})["STATUS_ID"] == IN_USE_HONORIFIC


def test_the_last_process_stage_is_kept(api: Api) -> None:
    forced = {"FORCED": "Y"}
    for code in ("NEW", "IN_PROCESS"):
        stage = _by_code(api, "STATUS", code)
        assert api.call("crm.status.delete", {"id": stage["ID"], "params": forced}) is True
    last = _by_code(api, "STATUS", "PROCESSED")
    _assert_error(
        api, "crm.status.delete", {"id": last["ID"], "params": forced}, "Error on deleting status."
    )
    info = api.call("crm.status.entity.types")[0]["SEMANTIC_INFO"]
    assert info["START_FIELD"] == "PROCESSED"


@pytest.mark.parametrize("params", [{}, {"id": "x"}, {"id": 0}])
def test_delete_refuses_an_invalid_identifier(api: Api, params: dict[str, Any]) -> None:
    _assert_error(api, "crm.status.delete", params, "Invalid identifier.")


# -- administrators only ----------------------------------------------------------------------


def test_only_administrators_write(api: Api) -> None:
    user = _non_admin(api)
    stage = _by_code(api, "STATUS", "NEW")
    before = _count(api)
    writes: list[tuple[str, dict[str, Any]]] = [
        ("crm.status.add", {"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "X", "NAME": "X"}}),
        ("crm.status.update", {"id": stage["ID"], "fields": {"NAME": "Changed"}}),
        ("crm.status.delete", {"id": stage["ID"], "params": {"FORCED": "Y"}}),
    ]
    for name, params in writes:
        _assert_error(user, name, params, "Access denied.")
    assert _count(api) == before
    assert _by_code(api, "STATUS", "NEW")["NAME"] == "Unprocessed"


# -- crm.status.entity.types / entity.items ---------------------------------------------------


def test_entity_types_lists_the_directories_held(api: Api) -> None:
    assert api.call("crm.status.entity.types", {}) == [
        {
            "ID": "STATUS",
            "NAME": "Lead stages",
            "SEMANTIC_INFO": {
                "START_FIELD": "NEW",
                "FINAL_SUCCESS_FIELD": "CONVERTED",
                "FINAL_UNSUCCESS_FIELD": "JUNK",
                "FINAL_SORT": 0,
            },
            "ENTITY_TYPE_ID": 1,
        },
        {"ID": "SOURCE", "NAME": "Sources"},
        {"ID": "CONTACT_TYPE", "NAME": "Contact type"},
        {"ID": "COMPANY_TYPE", "NAME": "Company type"},
        {"ID": "EMPLOYEES", "NAME": "Number of employees"},
        {"ID": "INDUSTRY", "NAME": "Industry"},
        {"ID": "HONORIFIC", "NAME": "Inquiries"},
    ]


@pytest.mark.parametrize(
    ("entity_id", "codes"),
    [
        ("CONTACT_TYPE", ["CLIENT", "SUPPLIER", "PARTNER", "OTHER"]),
        ("COMPANY_TYPE", ["CUSTOMER", "SUPPLIER", "COMPETITOR", "PARTNER", "OTHER"]),
        ("EMPLOYEES", ["EMPLOYEES_1", "EMPLOYEES_2", "EMPLOYEES_3", "EMPLOYEES_4"]),
        (
            "INDUSTRY",
            [
                "IT",
                "TELECOM",
                "MANUFACTURING",
                "BANKING",
                "CONSULTING",
                "FINANCE",
                "GOVERNMENT",
                "DELIVERY",
                "ENTERTAINMENT",
                "NOTPROFIT",
                "OTHER",
            ],
        ),
    ],
)
def test_client_directories_hold_the_bitrix24_system_items(
    api: Api, entity_id: str, codes: list[str]
) -> None:
    items = api.call("crm.status.list", {"filter": {"ENTITY_ID": entity_id}})
    assert [i["STATUS_ID"] for i in items] == codes
    assert {i["SYSTEM"] for i in items} == {"Y"}
    assert [i["SORT"] for i in items] == [str(10 * (n + 1)) for n in range(len(codes))]
    # Writable like every non-stage directory: an item of one's own, then gone again.
    new_id = api.call(
        "crm.status.add", {"fields": {"ENTITY_ID": entity_id, "STATUS_ID": "MINE", "NAME": "Mine"}}
    )
    assert api.call("crm.status.get", {"id": new_id})["ENTITY_ID"] == entity_id
    assert api.call("crm.status.delete", {"id": new_id}) is True


def test_entity_items_lists_by_sort_with_integer_sort(api: Api) -> None:
    _stage(api, STATUS_ID="CALLED", NAME="Called", SORT=15)
    result = api.call("crm.status.entity.items", {"entityId": "STATUS"})
    assert result == [
        {"NAME": "Unprocessed", "SORT": 10, "STATUS_ID": "NEW"},
        {"NAME": "Called", "SORT": 15, "STATUS_ID": "CALLED"},
        {"NAME": "In process", "SORT": 20, "STATUS_ID": "IN_PROCESS"},
        {"NAME": "Processed", "SORT": 30, "STATUS_ID": "PROCESSED"},
        {"NAME": "High-quality lead", "SORT": 40, "STATUS_ID": "CONVERTED"},
        {"NAME": "Low-quality lead", "SORT": 50, "STATUS_ID": "JUNK"},
    ]
    assert list(result[0]) == ["NAME", "SORT", "STATUS_ID"]
    assert [
        i["STATUS_ID"] for i in api.call("crm.status.entity.items", {"ENTITYID": "SOURCE"})
    ] == [code for code, _ in SOURCES]


@pytest.mark.parametrize("params", [{"entityId": "DEAL_STAGE"}, {}, {"entityId": ""}])
def test_entity_items_refuses_an_unknown_directory(api: Api, params: dict[str, Any]) -> None:
    _assert_error(
        api, "crm.status.entity.items", params, "The parameter entityId is not defined or invalid."
    )


# -- the service the lead package uses --------------------------------------------------------


def test_service_answers_semantics_existence_and_the_first_stage(api: Api) -> None:
    with api.runtime.engine.connect() as conn:
        assert service.status_semantics(conn, entity_id="STATUS", status_id="NEW") == "P"
        assert service.status_semantics(conn, entity_id="STATUS", status_id="CONVERTED") == "S"
        assert service.status_semantics(conn, entity_id="STATUS", status_id="JUNK") == "F"
        assert service.status_semantics(conn, entity_id="STATUS", status_id="CALL") is None
        assert service.status_exists(conn, entity_id="SOURCE", status_id="CALL")
        assert not service.status_exists(conn, entity_id="STATUS", status_id="CALL")
        assert service.first_status(conn, entity_id="STATUS") == "NEW"
    _stage(api, STATUS_ID="INBOX", NAME="Inbox", SORT=5)
    with api.runtime.engine.connect() as conn:
        assert service.first_status(conn, entity_id="STATUS") == "INBOX"
