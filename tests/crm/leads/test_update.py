"""crm.lead.update: the documented example, partial changes, derived fields, refusals."""

from __future__ import annotations

from typing import Any

import pytest

from tests.crm.leads.test_add import (
    FULL_FIELDS,
    FULL_LEAD,
    MOMENT_TEXT,
    READ_ONLY_ATTEMPT,
    TIME_KEYS,
    database_rows,
    freeze,
    get,
    lead_count,
    php_pairs,
    php_query,
)
from tests.crm.leads.test_core import DOC_ADD
from tests.support import Api

LATER_TEXT = "2024-05-23T16:28:25+00:00"  # MOMENT + 10 minutes
DOC_UPDATE_FIELDS = {
    "TITLE": "IP Titov",
    "NAME": "Gleb",
    "SECOND_NAME": "Yegorovich",
    "LAST_NAME": "Titov",
    "STATUS_ID": "NEW",
    "OPENED": "Y",
    "ASSIGNED_BY_ID": 1,
    "CURRENCY_ID": "USD",
    "OPPORTUNITY": 12500,
    "PHONE": [{"VALUE": "555888", "VALUE_TYPE": "WORK"}],
    "WEB": [{"VALUE": "www.mysite.com", "VALUE_TYPE": "WORK"}],
}


def _changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {k: after.get(k) for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def test_the_documented_request_answers_true(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = freeze(monkeypatch)
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Before", "STATUS_ID": "IN_PROCESS"}})
    before = get(api, lead_id)
    clock.advance(minutes=10)
    response = api.post(
        "crm.lead.update",
        {"id": lead_id, "fields": DOC_UPDATE_FIELDS, "params": {"REGISTER_SONET_EVENT": "Y"}},
    )
    body = response.json()
    assert (response.status_code, list(body), body["result"]) == (200, ["result", "time"], True)
    assert set(body["time"]) >= TIME_KEYS
    after = get(api, lead_id)
    phone, web = after["PHONE"][0], after["WEB"][0]
    assert _changed(before, after) == {
        "TITLE": "IP Titov",
        "NAME": "Gleb",
        "SECOND_NAME": "Yegorovich",
        "LAST_NAME": "Titov",
        "STATUS_ID": "NEW",
        "OPPORTUNITY": "12500.00",
        "HAS_PHONE": "Y",
        "DATE_MODIFY": LATER_TEXT,
        "MOVED_TIME": LATER_TEXT,
        "PHONE": [{"ID": phone["ID"], "VALUE_TYPE": "WORK", "VALUE": "555888", "TYPE_ID": "PHONE"}],
        "WEB": [
            {"ID": web["ID"], "VALUE_TYPE": "WORK", "VALUE": "www.mysite.com", "TYPE_ID": "WEB"}
        ],
    }


@pytest.mark.usefixtures("clients")
def test_only_the_fields_sent_change(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = freeze(monkeypatch)
    lead_id = api.call("crm.lead.add", {"fields": FULL_FIELDS})
    before = get(api, lead_id)
    clock.advance(minutes=10)
    assert api.call("crm.lead.update", {"id": lead_id, "fields": {"POST": "CTO", "NAME": ""}})
    assert _changed(before, get(api, lead_id)) == {
        "POST": "CTO",
        "NAME": "",
        "DATE_MODIFY": LATER_TEXT,
    }


@pytest.mark.usefixtures("clients")
def test_every_writable_field_can_be_changed_and_cleared(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    lead_id = api.call("crm.lead.add", {})
    assert api.call("crm.lead.update", {"id": lead_id, "fields": FULL_FIELDS})
    assert get(api, lead_id) == {**FULL_LEAD, "ID": str(lead_id)}
    cleared = {name: None for name in FULL_FIELDS}
    assert api.call("crm.lead.update", {"id": lead_id, "fields": cleared})
    lead = get(api, lead_id)
    # Fields that always hold a value keep it; the rest are unset again.
    kept = {"STATUS_ID", "CURRENCY_ID", "ASSIGNED_BY_ID", "OPENED"}
    kept |= {"IS_MANUAL_OPPORTUNITY", "OPPORTUNITY"}
    for name in FULL_FIELDS:
        expected = FULL_LEAD[name] if name in kept else ("" if name == "BIRTHDATE" else None)
        assert lead[name] == expected, name
    assert lead["IS_RETURN_CUSTOMER"] == "N"


@pytest.mark.usefixtures("clients")
def test_empty_values_keep_the_fields_that_always_hold_one(api: Api) -> None:
    lead_id = api.call("crm.lead.add", {"fields": FULL_FIELDS})
    before = get(api, lead_id)
    for empty in ("", None):
        fields = dict.fromkeys(("STATUS_ID", "CURRENCY_ID", "ASSIGNED_BY_ID", "OPPORTUNITY"), empty)
        assert api.call("crm.lead.update", {"id": lead_id, "fields": fields})
    assert api.call("crm.lead.update", {"id": lead_id, "fields": {"ASSIGNED_BY_ID": 0}})
    assert api.call(
        "crm.lead.update",
        {"id": lead_id, "fields": {"OPENED": None, "IS_MANUAL_OPPORTUNITY": None}},
    )
    after = get(api, lead_id)
    assert {k: v for k, v in _changed(before, after).items() if k != "DATE_MODIFY"} == {}


@pytest.mark.usefixtures("clients")
def test_an_empty_fields_map_only_touches_the_modification(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = freeze(monkeypatch)
    lead_id = api.call("crm.lead.add", {"fields": FULL_FIELDS})
    before = get(api, lead_id)
    user_id, prefix = api.new_webhook(scopes=["crm"])
    clock.advance(minutes=10)
    for params in ({"id": lead_id}, {"id": lead_id, "fields": {}}, {"id": lead_id, "fields": []}):
        assert api.as_user(prefix).call("crm.lead.update", params) is True
    assert _changed(before, get(api, lead_id)) == {
        "DATE_MODIFY": LATER_TEXT,
        "MODIFY_BY_ID": str(user_id),
    }


# -- derived and read-only fields ---------------------------------------------------------------


def test_read_only_and_unknown_fields_are_silently_ignored(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = freeze(monkeypatch)
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Before"}})
    before = get(api, lead_id)
    clock.advance(minutes=10)
    fields = {"TITLE": "After", **READ_ONLY_ATTEMPT}
    assert api.call("crm.lead.update", {"id": lead_id, "fields": fields})
    assert _changed(before, get(api, lead_id)) == {"TITLE": "After", "DATE_MODIFY": LATER_TEXT}
    assert lead_count(api) == 1


def test_the_acting_user_modifies_and_moves(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = freeze(monkeypatch)
    lead_id = api.call("crm.lead.add", DOC_ADD)
    user_id, prefix = api.new_webhook(scopes=["crm"])
    other = api.as_user(prefix)
    before = get(api, lead_id)
    clock.advance(minutes=10)
    assert other.call("crm.lead.update", {"id": lead_id, "fields": {"TITLE": "Renamed"}})
    after_rename = get(api, lead_id)
    assert _changed(before, after_rename) == {
        "TITLE": "Renamed",
        "MODIFY_BY_ID": str(user_id),
        "DATE_MODIFY": LATER_TEXT,
    }
    clock.advance(minutes=10)
    assert other.call("crm.lead.update", {"id": lead_id, "fields": {"STATUS_ID": "IN_PROCESS"}})
    assert _changed(after_rename, get(api, lead_id)) == {
        "STATUS_ID": "IN_PROCESS",
        "MOVED_BY_ID": str(user_id),
        "MOVED_TIME": "2024-05-23T16:38:25+00:00",
        "DATE_MODIFY": "2024-05-23T16:38:25+00:00",
    }


def test_sending_the_current_stage_again_does_not_move_the_lead(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = freeze(monkeypatch)
    lead_id = api.call("crm.lead.add", {"fields": {"STATUS_ID": "CONVERTED"}})
    _, prefix = api.new_webhook(scopes=["crm"])
    clock.advance(minutes=10)
    assert api.as_user(prefix).call(
        "crm.lead.update", {"id": lead_id, "fields": {"STATUS_ID": "CONVERTED"}}
    )
    lead = get(api, lead_id)
    assert (lead["MOVED_BY_ID"], lead["MOVED_TIME"]) == ("1", MOMENT_TEXT)
    assert (lead["DATE_CLOSED"], lead["STATUS_SEMANTIC_ID"]) == (MOMENT_TEXT, "S")


def test_the_semantic_and_the_closing_date_follow_the_stage(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = freeze(monkeypatch)
    api.call(
        "crm.status.add",
        {"fields": {"ENTITY_ID": "STATUS", "STATUS_ID": "SPAM", "NAME": "Spam", "SEMANTICS": "F"}},
    )
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Funnel"}})
    seen = []
    for stage in ("IN_PROCESS", "CONVERTED", "PROCESSED", "JUNK", "SPAM", "NEW"):
        clock.advance(minutes=1)
        assert api.call("crm.lead.update", {"id": lead_id, "fields": {"STATUS_ID": stage}})
        lead = get(api, lead_id)
        assert lead["MOVED_TIME"] == lead["DATE_MODIFY"]
        seen.append((lead["STATUS_ID"], lead["STATUS_SEMANTIC_ID"], lead["DATE_CLOSED"]))
    assert seen == [
        ("IN_PROCESS", "P", ""),
        ("CONVERTED", "S", "2024-05-23T16:20:25+00:00"),
        ("PROCESSED", "P", ""),
        ("JUNK", "F", "2024-05-23T16:22:25+00:00"),
        ("SPAM", "F", "2024-05-23T16:23:25+00:00"),
        ("NEW", "P", ""),
    ]


def test_conversion_is_a_stage_change_that_creates_nothing(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    lead_id = api.call("crm.lead.add", DOC_ADD)
    before = database_rows(api)
    assert api.call("crm.lead.update", {"id": lead_id, "fields": {"STATUS_ID": "CONVERTED"}})
    after = database_rows(api)
    # The lead changes, and the change is recorded; no contact, deal or anything else appears.
    assert {name for name in after if after[name] != before[name]} == {"crm_lead", "event_record"}
    assert len(after["crm_lead"]) == 1
    assert {row[1] for row in after["event_record"]} == {"ONCRMLEADADD", "ONCRMLEADUPDATE"}
    lead = get(api, lead_id)
    assert (lead["STATUS_ID"], lead["STATUS_SEMANTIC_ID"], lead["DATE_CLOSED"]) == (
        "CONVERTED",
        "S",
        MOMENT_TEXT,
    )


@pytest.mark.usefixtures("clients")
def test_an_update_that_sets_a_client_makes_a_returning_lead(api: Api) -> None:
    for fields, returning in (
        ({"COMPANY_ID": 3}, "Y"),
        ({"CONTACT_ID": "4"}, "Y"),
        ({"CONTACT_IDS": [4]}, "Y"),
        ({"TITLE": "no client"}, "N"),
    ):
        lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "First"}})
        assert api.call("crm.lead.update", {"id": lead_id, "fields": fields})
        assert get(api, lead_id)["IS_RETURN_CUSTOMER"] == returning, fields


@pytest.mark.usefixtures("clients")
def test_clearing_every_client_makes_the_lead_new_again(api: Api) -> None:
    lead_id = api.call("crm.lead.add", {"fields": {"COMPANY_ID": 3, "CONTACT_ID": 4}})
    assert get(api, lead_id)["IS_RETURN_CUSTOMER"] == "Y"
    assert api.call("crm.lead.update", {"id": lead_id, "fields": {"COMPANY_ID": 0}})
    lead = get(api, lead_id)
    assert (lead["IS_RETURN_CUSTOMER"], lead["COMPANY_ID"], lead["CONTACT_ID"]) == ("Y", None, "4")
    assert api.call("crm.lead.update", {"id": lead_id, "fields": {"CONTACT_ID": ""}})
    lead = get(api, lead_id)
    assert (lead["IS_RETURN_CUSTOMER"], lead["COMPANY_ID"], lead["CONTACT_ID"]) == ("N", None, None)


# -- refusals -----------------------------------------------------------------------------------

BAD_IDS: list[object] = [0, -1, "abc", None, 1.5, "1.5", "", "-3", True, [1], {"a": 1}, "²"]
ID_INVALID = {"error": "", "error_description": "ID is not defined or invalid."}
NOT_FOUND = {"error": "", "error_description": "Not found"}
UNKNOWN_IDS: list[object] = [999, "999", " 998 ", 2**31, 2**40, "99999999999999999999"]


def test_an_id_that_is_not_a_positive_integer_is_refused(api: Api) -> None:
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Untouched"}})
    before = database_rows(api)
    for bad in BAD_IDS:
        error = api.error("crm.lead.update", {"id": bad, "fields": {"TITLE": "x"}})
        assert error == (400, ID_INVALID), bad
    assert database_rows(api) == before
    assert get(api, lead_id)["TITLE"] == "Untouched"


def test_a_missing_id_is_refused(api: Api) -> None:
    api.call("crm.lead.add", {"fields": {"TITLE": "Untouched"}})
    before = database_rows(api)
    assert api.error("crm.lead.update", {"fields": {"TITLE": "x"}}) == (400, ID_INVALID)
    assert api.error("crm.lead.update", {}) == (400, ID_INVALID)
    assert database_rows(api) == before


def test_an_unknown_id_is_not_found(api: Api) -> None:
    api.call("crm.lead.add", {"fields": {"TITLE": "Untouched"}})
    before = database_rows(api)
    for unknown in UNKNOWN_IDS:
        error = api.error("crm.lead.update", {"id": unknown, "fields": {"TITLE": "x"}})
        assert error == (400, NOT_FOUND), unknown
    assert database_rows(api) == before


def test_fields_that_are_not_a_map_are_refused(api: Api) -> None:
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Untouched"}})
    before = database_rows(api)
    for fields in ("text", 5, ["TITLE"], False):
        assert api.error("crm.lead.update", {"id": lead_id, "fields": fields}) == (
            400,
            {"error": "", "error_description": "Parameter 'fields' must be array."},
        ), fields
    assert database_rows(api) == before


INVALID_UPDATES: list[tuple[dict[str, Any], str]] = [
    ({"STATUS_ID": "NOPE"}, "The field Stage (STATUS_ID) has an unknown value 'NOPE'."),
    ({"SOURCE_ID": "NOPE"}, "The field Source (SOURCE_ID) has an unknown value 'NOPE'."),
    ({"HONORIFIC": "NOPE"}, "The field Salutation (HONORIFIC) has an unknown value 'NOPE'."),
    ({"CURRENCY_ID": "XYZ"}, "The field Currency (CURRENCY_ID) has an unknown value 'XYZ'."),
    (
        {"ASSIGNED_BY_ID": 404},
        "The field Responsible User (ASSIGNED_BY_ID) has an unknown value '404'.",
    ),
    ({"OPPORTUNITY": [1]}, "The field Amount (OPPORTUNITY) is invalid: a number is expected."),
    (
        {"BIRTHDATE": "31/12/1990"},
        "The field Birthdate (BIRTHDATE) is invalid: a date (YYYY-MM-DD) is expected.",
    ),
    ({"OPENED": "yes"}, "The field Available to All (OPENED) is invalid: Y or N is expected."),
    ({"PHONE": [{"VALUE_TYPE": "WORK"}]}, "A new PHONE item needs a VALUE."),
    ({"EMAIL": [{"VALUE": "not an address"}]}, "The field E-mail contains an invalid address"),
]


def test_a_value_that_does_not_fit_is_refused_and_nothing_is_written(api: Api) -> None:
    lead_id = api.call("crm.lead.add", DOC_ADD)
    before_lead = get(api, lead_id)
    before = database_rows(api)
    for fields, description in INVALID_UPDATES:
        sent = {"TITLE": "Changed", "PHONE": [{"VALUE": "777"}], **fields}
        status, body = api.error("crm.lead.update", {"id": lead_id, "fields": sent})
        expected = {"error": "ERROR_CORE", "error_description": description}
        assert (status, body) == (400, expected), fields
    assert database_rows(api) == before
    assert get(api, lead_id) == before_lead


def test_a_refusal_late_in_the_update_leaves_earlier_changes_unwritten(api: Api) -> None:
    """A multifield item of another lead is found only while applying; the whole call is undone."""
    lead_id = api.call("crm.lead.add", DOC_ADD)
    other = get(api, api.call("crm.lead.add", {"fields": {"PHONE": [{"VALUE": "1"}]}}))
    foreign = other["PHONE"][0]["ID"]
    before = database_rows(api)
    fields = {
        "TITLE": "Changed",
        "STATUS_ID": "CONVERTED",
        "WEB": [{"VALUE": "new.example.com"}],
        "PHONE": [{"VALUE": "777"}, {"ID": foreign, "VALUE": "888"}],
    }
    status, body = api.error("crm.lead.update", {"id": lead_id, "fields": fields})
    assert (status, body) == (
        400,
        {
            "error": "ERROR_CORE",
            "error_description": f"PHONE item {foreign} does not belong to this entity.",
        },
    )
    assert database_rows(api) == before


# -- parameter names and encodings --------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"ID": "{id}", "FIELDS": {"TITLE": "New"}},
        {"Id": "{id}", "Fields": {"TITLE": "New"}},
        {"id": "{id}", "FIELDS": {"TITLE": "New"}, "PARAMS": {"REGISTER_SONET_EVENT": "N"}},
    ],
)
def test_parameter_names_match_in_any_case(api: Api, params: dict[str, Any]) -> None:
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Old"}})
    sent = {k: (str(lead_id) if v == "{id}" else v) for k, v in params.items()}
    assert api.call("crm.lead.update", sent) is True
    assert get(api, lead_id)["TITLE"] == "New"


def test_a_form_body_and_a_query_string_update_as_json_does(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    change = {
        "TITLE": "Changed & encoded",
        "STATUS_ID": "JUNK",
        "OPPORTUNITY": "10.5",
        "OPENED": "N",
        "PHONE": [{"VALUE": "+49 30 1234", "VALUE_TYPE": "MOBILE"}],
    }
    ids = [api.call("crm.lead.add", {"fields": {"TITLE": "Same"}}) for _ in range(3)]
    assert api.call("crm.lead.update", {"id": ids[0], "fields": change}) is True
    form = api.client.post(
        api.prefix + "crm.lead.update", data=dict(php_pairs({"id": ids[1], "fields": change}))
    )
    assert (form.status_code, form.json()["result"]) == (200, True)
    query = api.get("crm.lead.update", php_query({"ID": ids[2], "FIELDS": change}))
    assert (query.status_code, query.json()["result"]) == (200, True)
    leads = [get(api, lead_id) for lead_id in ids]
    for lead in leads:
        lead.pop("ID")
        lead["PHONE"] = [{**p, "ID": "?"} for p in lead["PHONE"]]
    assert leads[1] == leads[0] and leads[2] == leads[0]
    assert (leads[0]["TITLE"], leads[0]["OPPORTUNITY"], leads[0]["STATUS_SEMANTIC_ID"]) == (
        "Changed & encoded",
        "10.50",
        "F",
    )


def test_form_and_query_errors_match_json_errors(api: Api) -> None:
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Untouched"}})
    before = database_rows(api)
    form = api.client.post(api.prefix + "crm.lead.update", data={"id": "0", "fields[TITLE]": "x"})
    assert (form.status_code, form.json()) == (400, ID_INVALID)
    query = api.get("crm.lead.update", f"id={lead_id}&fields=x")
    assert (query.status_code, query.json()) == (
        400,
        {"error": "", "error_description": "Parameter 'fields' must be array."},
    )
    query = api.get("crm.lead.update", f"id={lead_id}&fields[CURRENCY_ID]=XYZ")
    assert (query.status_code, query.json()) == (
        400,
        {
            "error": "ERROR_CORE",
            "error_description": "The field Currency (CURRENCY_ID) has an unknown value 'XYZ'.",
        },
    )
    assert database_rows(api) == before
