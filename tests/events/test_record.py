"""The event record: every lead and custom field change writes its rows, in its transaction.

Issue 5 ("The event record"): each lead add, update and delete and each userfield add,
update, delete and enumeration change writes a row (event name upper case, entity, ID, acting
user, time) in the same transaction as the change; docs/compatibility.md ("Events") names the
events. A refused call writes nothing, and a batch command that fails leaves no row for itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from leadcrm.crm.entities import removal
from leadcrm.crm.entities import service as lead_service
from leadcrm.crm.userfields import service as userfield_service
from leadcrm.events.tables import event_records
from tests.crm.leads.test_add import database_rows, php_query
from tests.support import Api

Row = tuple[str, str, int, int, Any]


def events(api: Api) -> list[Row]:
    """Every event row, oldest first: (event, entity, entity_id, user_id, fields)."""
    with api.runtime.engine.connect() as conn:
        rows = conn.execute(select(event_records).order_by(event_records.c.id)).mappings()
        return [(r["event"], r["entity"], r["entity_id"], r["user_id"], r["fields"]) for r in rows]


def new_events(api: Api, before: list[Row]) -> list[Row]:
    after = events(api)
    assert after[: len(before)] == before  # rows are only ever added
    return after[len(before) :]


def lead_event(event: str, lead_id: int, user_id: int = 1) -> Row:
    return (event, "LEAD", lead_id, user_id, None)


def field_event(event: str, field_id: int, name: str, user_id: int = 1) -> Row:
    return (event, "USERFIELD", field_id, user_id, {"ENTITY_ID": "CRM_LEAD", "FIELD_NAME": name})


def add_field(api: Api, name: str, type_id: str = "string", **extra: Any) -> int:
    fields = {"FIELD_NAME": name, "USER_TYPE_ID": type_id, **extra}
    return int(api.call("crm.lead.userfield.add", {"fields": fields}))


# --- Leads ----------------------------------------------------------------------------------


def test_a_fresh_portal_has_no_events(api: Api) -> None:
    assert events(api) == []


def test_lead_add_update_and_delete_each_write_one_row(api: Api) -> None:
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Event"}})
    assert events(api) == [lead_event("ONCRMLEADADD", lead_id)]
    before = events(api)
    api.call("crm.lead.update", {"id": lead_id, "fields": {"TITLE": "Changed"}})
    assert new_events(api, before) == [lead_event("ONCRMLEADUPDATE", lead_id)]
    before = events(api)
    api.call("crm.lead.delete", {"id": lead_id})
    assert new_events(api, before) == [lead_event("ONCRMLEADDELETE", lead_id)]


def test_each_row_carries_its_time(api: Api) -> None:
    api.call("crm.lead.add", {"fields": {"TITLE": "Timed"}})
    with api.runtime.engine.connect() as conn:
        (created,) = conn.execute(select(event_records.c.created_at)).scalars()
    assert isinstance(created, datetime)
    assert created.year >= 2024


def test_rows_name_the_acting_user(api: Api) -> None:
    user_id, prefix = api.new_webhook(scopes=["crm"], name="Seller")
    seller = api.as_user(prefix)
    lead_id = seller.call("crm.lead.add", {"fields": {"TITLE": "Seller's"}})
    api.call("crm.lead.update", {"id": lead_id, "fields": {"TITLE": "Admin's"}})
    seller.call("crm.lead.update", {"id": lead_id, "fields": {"TITLE": "Seller's again"}})
    seller.call("crm.lead.delete", {"id": lead_id})
    assert user_id != 1
    assert events(api) == [
        lead_event("ONCRMLEADADD", lead_id, user_id),
        lead_event("ONCRMLEADUPDATE", lead_id, 1),
        lead_event("ONCRMLEADUPDATE", lead_id, user_id),
        lead_event("ONCRMLEADDELETE", lead_id, user_id),
    ]


def test_custom_values_on_a_lead_write_only_its_lead_events(api: Api) -> None:
    field_id = add_field(api, "NOTE")
    before = events(api)
    lead_id = api.call("crm.lead.add", {"fields": {"UF_CRM_NOTE": "x"}})
    api.call("crm.lead.update", {"id": lead_id, "fields": {"UF_CRM_NOTE": "y"}})
    assert new_events(api, before) == [
        lead_event("ONCRMLEADADD", lead_id),
        lead_event("ONCRMLEADUPDATE", lead_id),
    ]
    assert events(api)[0] == field_event("ONCRMLEADUSERFIELDADD", field_id, "UF_CRM_NOTE")


def test_several_adds_in_one_batch_write_a_row_each(api: Api) -> None:
    add_field(api, "SCORE", "integer")
    before = events(api)
    commands = {
        "a": "crm.lead.add?" + php_query({"fields": {"TITLE": "A"}}),
        "b": "crm.lead.add?" + php_query({"fields": {"TITLE": "B", "UF_CRM_SCORE": 2}}),
        "bad": "crm.lead.add?" + php_query({"fields": {"UF_CRM_SCORE": "many"}}),
        "worse": "crm.lead.add?" + php_query({"fields": {"STATUS_ID": "NO_SUCH_STAGE"}}),
        "c": "crm.lead.add?" + php_query({"fields": {"TITLE": "C"}}),
    }
    result = api.call("batch", {"cmd": commands})
    assert set(result["result_error"]) == {"bad", "worse"}
    added = result["result"]
    assert list(added) == ["a", "b", "c"]
    assert new_events(api, before) == [
        lead_event("ONCRMLEADADD", int(added[key])) for key in ("a", "b", "c")
    ]


def test_a_batch_writes_the_events_of_its_successful_commands_only(api: Api) -> None:
    kept = api.call("crm.lead.add", {"fields": {"TITLE": "Kept"}})
    gone = api.call("crm.lead.add", {"fields": {"TITLE": "Gone"}})
    add_field(api, "SCORE", "integer")
    before = events(api)
    commands = {
        "update": f"crm.lead.update?id={kept}&fields[TITLE]=Updated",
        "bad_update": f"crm.lead.update?id={kept}&fields[UF_CRM_SCORE]=many",
        "missing": "crm.lead.update?id=999999&fields[TITLE]=Nobody",
        "delete": f"crm.lead.delete?id={gone}",
        "delete_again": f"crm.lead.delete?id={gone}",
        "add": "crm.lead.add?fields[TITLE]=New",
        "field": "crm.lead.userfield.add?fields[FIELD_NAME]=SCORE&fields[USER_TYPE_ID]=string",
        "new_field": "crm.lead.userfield.add?fields[FIELD_NAME]=FRESH&fields[USER_TYPE_ID]=date",
    }
    result = api.call("batch", {"cmd": commands})
    assert set(result["result_error"]) == {"bad_update", "missing", "delete_again", "field"}
    new_id = int(result["result"]["add"])
    fresh_id = int(result["result"]["new_field"])
    assert new_events(api, before) == [
        lead_event("ONCRMLEADUPDATE", kept),
        lead_event("ONCRMLEADDELETE", gone),
        lead_event("ONCRMLEADADD", new_id),
        field_event("ONCRMLEADUSERFIELDADD", fresh_id, "UF_CRM_FRESH"),
    ]


def test_a_failed_enumeration_add_in_a_batch_leaves_no_row(api: Api) -> None:
    """The definition is written before its LIST is refused: the command's savepoint takes the
    definition back, and no event may outlive it."""
    before = events(api)
    duplicate = {
        "fields": {
            "FIELD_NAME": "KIND",
            "USER_TYPE_ID": "enumeration",
            "LIST": [{"VALUE": "a", "XML_ID": "X"}, {"VALUE": "b", "XML_ID": "X"}],
        }
    }
    result = api.call(
        "batch",
        {
            "cmd": {
                "bad": "crm.lead.userfield.add?" + php_query(duplicate),
                "lead": "crm.lead.add?fields[TITLE]=After",
            }
        },
    )
    assert list(result["result_error"]) == ["bad"]
    assert new_events(api, before) == [lead_event("ONCRMLEADADD", int(result["result"]["lead"]))]
    assert api.call("crm.lead.userfield.list", {}) == []


# --- Custom field definitions ---------------------------------------------------------------


def test_userfield_add_update_and_delete_each_write_one_row(api: Api) -> None:
    field_id = add_field(api, "manager_note")
    assert events(api) == [field_event("ONCRMLEADUSERFIELDADD", field_id, "UF_CRM_MANAGER_NOTE")]
    before = events(api)
    api.call("crm.lead.userfield.update", {"id": field_id, "fields": {"SORT": 50}})
    assert new_events(api, before) == [
        field_event("ONCRMLEADUSERFIELDUPDATE", field_id, "UF_CRM_MANAGER_NOTE")
    ]
    before = events(api)
    api.call("crm.lead.userfield.delete", {"id": field_id})
    assert new_events(api, before) == [
        field_event("ONCRMLEADUSERFIELDDELETE", field_id, "UF_CRM_MANAGER_NOTE")
    ]


def test_enumeration_list_changes_write_their_own_row(api: Api) -> None:
    name = "UF_CRM_KIND"
    plain = add_field(api, "PLAIN", "enumeration")
    assert events(api) == [field_event("ONCRMLEADUSERFIELDADD", plain, "UF_CRM_PLAIN")]
    before = events(api)
    field_id = add_field(
        api, "KIND", "enumeration", LIST=[{"VALUE": "Hot"}, {"VALUE": "Cold", "DEF": "Y"}]
    )
    assert new_events(api, before) == [
        field_event("ONCRMLEADUSERFIELDADD", field_id, name),
        field_event("ONCRMLEADUSERFIELDSETENUMVALUES", field_id, name),
    ]
    items = api.call("crm.lead.userfield.get", {"id": field_id})["LIST"]
    # A change without LIST is an update only.
    before = events(api)
    api.call("crm.lead.userfield.update", {"id": field_id, "fields": {"MANDATORY": "N"}})
    assert new_events(api, before) == [field_event("ONCRMLEADUSERFIELDUPDATE", field_id, name)]
    # Changing, adding and deleting items.
    for change in (
        [{"ID": items[0]["ID"], "VALUE": "Very hot"}],
        [{"VALUE": "Warm"}],
        [{"ID": items[1]["ID"], "DEL": "Y"}],
    ):
        before = events(api)
        api.call("crm.lead.userfield.update", {"id": field_id, "fields": {"LIST": change}})
        assert new_events(api, before) == [
            field_event("ONCRMLEADUSERFIELDUPDATE", field_id, name),
            field_event("ONCRMLEADUSERFIELDSETENUMVALUES", field_id, name),
        ], change
    values = [
        item["VALUE"] for item in api.call("crm.lead.userfield.get", {"id": field_id})["LIST"]
    ]
    assert sorted(values) == ["Very hot", "Warm"]


def test_deleting_an_item_held_by_leads_writes_no_lead_events(api: Api) -> None:
    field_id = add_field(api, "KIND", "enumeration", LIST=[{"VALUE": "Hot"}, {"VALUE": "Cold"}])
    items = api.call("crm.lead.userfield.get", {"id": field_id})["LIST"]
    lead_id = api.call("crm.lead.add", {"fields": {"UF_CRM_KIND": items[0]["ID"]}})
    before = events(api)
    api.call(
        "crm.lead.userfield.update",
        {"id": field_id, "fields": {"LIST": [{"ID": items[0]["ID"], "DEL": "Y"}]}},
    )
    assert new_events(api, before) == [
        field_event("ONCRMLEADUSERFIELDUPDATE", field_id, "UF_CRM_KIND"),
        field_event("ONCRMLEADUSERFIELDSETENUMVALUES", field_id, "UF_CRM_KIND"),
    ]
    assert api.call("crm.lead.get", {"id": lead_id})["UF_CRM_KIND"] is None


def test_deleting_a_field_held_by_leads_writes_one_row(api: Api) -> None:
    field_id = add_field(api, "NOTE")
    api.call("crm.lead.add", {"fields": {"UF_CRM_NOTE": "kept?"}})
    before = events(api)
    api.call("crm.lead.userfield.delete", {"id": field_id})
    assert new_events(api, before) == [
        field_event("ONCRMLEADUSERFIELDDELETE", field_id, "UF_CRM_NOTE")
    ]


def test_a_field_made_again_under_its_old_name_has_its_own_id_in_rows(api: Api) -> None:
    first = add_field(api, "AGAIN")
    api.call("crm.lead.userfield.delete", {"id": first})
    second = add_field(api, "AGAIN", "integer")
    assert first != second
    assert events(api) == [
        field_event("ONCRMLEADUSERFIELDADD", first, "UF_CRM_AGAIN"),
        field_event("ONCRMLEADUSERFIELDDELETE", first, "UF_CRM_AGAIN"),
        field_event("ONCRMLEADUSERFIELDADD", second, "UF_CRM_AGAIN"),
    ]


# --- Refused calls --------------------------------------------------------------------------


def refused_calls(api: Api, lead_id: int, field_id: int, enum_id: int) -> list[tuple[str, Any]]:
    return [
        ("crm.lead.add", {"fields": {"STATUS_ID": "NO_SUCH_STAGE"}}),
        ("crm.lead.add", {"fields": {"UF_CRM_SCORE": "many"}}),
        ("crm.lead.add", {"fields": "not fields"}),
        ("crm.lead.update", {"id": lead_id, "fields": {"UF_CRM_SCORE": "many"}}),
        ("crm.lead.update", {"id": lead_id, "fields": {"EMAIL": [{"VALUE": "not an e-mail"}]}}),
        ("crm.lead.update", {"id": 999999, "fields": {"TITLE": "Nobody"}}),
        ("crm.lead.update", {"id": "x", "fields": {"TITLE": "Nobody"}}),
        ("crm.lead.delete", {"id": 999999}),
        ("crm.lead.delete", {}),
        ("crm.lead.userfield.add", {"fields": {"FIELD_NAME": "SCORE", "USER_TYPE_ID": "string"}}),
        (
            "crm.lead.userfield.add",
            {"fields": {"FIELD_NAME": "bad name", "USER_TYPE_ID": "string"}},
        ),
        ("crm.lead.userfield.add", {"fields": {"FIELD_NAME": "X" * 60, "USER_TYPE_ID": "string"}}),
        ("crm.lead.userfield.add", {"fields": {"FIELD_NAME": "ODD", "USER_TYPE_ID": "no_type"}}),
        (
            "crm.lead.userfield.add",
            {
                "fields": {
                    "FIELD_NAME": "DUP",
                    "USER_TYPE_ID": "enumeration",
                    "LIST": [{"VALUE": "a", "XML_ID": "S"}, {"VALUE": "b", "XML_ID": "S"}],
                }
            },
        ),
        ("crm.lead.userfield.update", {"id": 999999, "fields": {"SORT": 5}}),
        (
            "crm.lead.userfield.update",
            {
                "id": enum_id,
                "fields": {"LIST": [{"VALUE": "c", "XML_ID": "A"}, {"VALUE": "d", "XML_ID": "A"}]},
            },
        ),
        ("crm.lead.userfield.delete", {"id": 999999}),
        ("crm.lead.userfield.delete", {"id": "x"}),
    ]


def test_a_refused_call_writes_no_row(api: Api) -> None:
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Target"}})
    field_id = add_field(api, "SCORE", "integer")
    enum_id = add_field(api, "KIND", "enumeration", LIST=[{"VALUE": "a", "XML_ID": "A"}])
    before = database_rows(api)
    for method, params in refused_calls(api, lead_id, field_id, enum_id):
        response = api.post(method, params)
        body = response.json()
        assert 400 <= response.status_code < 500 and "error" in body, (method, params, body)
        assert database_rows(api) == before, (method, params, body)


def test_a_caller_without_rights_writes_no_row(api: Api) -> None:
    field_id = add_field(api, "SCORE", "integer")
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Target"}})
    _, prefix = api.new_webhook(scopes=["crm"], name="Seller")
    seller = api.as_user(prefix)
    _, outsider_prefix = api.new_webhook(scopes=["user"], name="Outsider")
    outsider = api.as_user(outsider_prefix)
    before = database_rows(api)
    for caller, method, params in (
        (
            seller,
            "crm.lead.userfield.add",
            {"fields": {"FIELD_NAME": "MINE", "USER_TYPE_ID": "string"}},
        ),
        (seller, "crm.lead.userfield.update", {"id": field_id, "fields": {"SORT": 5}}),
        (seller, "crm.lead.userfield.delete", {"id": field_id}),
        (outsider, "crm.lead.add", {"fields": {"TITLE": "No scope"}}),
        (outsider, "crm.lead.update", {"id": lead_id, "fields": {"TITLE": "No scope"}}),
        (outsider, "crm.lead.delete", {"id": lead_id}),
    ):
        response = caller.post(method, params)
        assert response.status_code >= 400, (method, response.json())
        assert database_rows(api) == before, method


# --- One transaction ------------------------------------------------------------------------


class Boom(RuntimeError):
    pass


def _record_then_fail(real: Any) -> Any:
    def record(*args: Any, **kwargs: Any) -> None:
        real(*args, **kwargs)
        raise Boom("after the event was written")

    return record


def _fail(*args: Any, **kwargs: Any) -> None:
    raise Boom("the event could not be written")


@pytest.mark.parametrize("hook", [_record_then_fail, lambda real: _fail])
def test_a_lead_change_and_its_event_stand_or_fall_together(
    api: Api, monkeypatch: pytest.MonkeyPatch, hook: Any
) -> None:
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Before"}})
    before = database_rows(api)
    monkeypatch.setattr(lead_service, "record", hook(lead_service.record))
    monkeypatch.setattr(removal, "record", hook(removal.record))
    for method, params in (
        ("crm.lead.add", {"fields": {"TITLE": "New"}}),
        ("crm.lead.update", {"id": lead_id, "fields": {"TITLE": "After"}}),
        ("crm.lead.delete", {"id": lead_id}),
        (
            "batch",
            {"cmd": {"a": "crm.lead.add?fields[TITLE]=A", "b": "crm.lead.add?fields[TITLE]=B"}},
        ),
    ):
        response = api.post(method, params)
        assert response.status_code >= 400 or response.json()["result"]["result_error"], method
        assert database_rows(api) == before, method


@pytest.mark.parametrize("hook", [_record_then_fail, lambda real: _fail])
def test_a_definition_change_and_its_event_stand_or_fall_together(
    api: Api, monkeypatch: pytest.MonkeyPatch, hook: Any
) -> None:
    field_id = add_field(api, "KIND", "enumeration", LIST=[{"VALUE": "a"}])
    api.call("crm.lead.add", {"fields": {"UF_CRM_KIND": ""}})
    before = database_rows(api)
    monkeypatch.setattr(userfield_service, "record", hook(userfield_service.record))
    for method, params in (
        ("crm.lead.userfield.add", {"fields": {"FIELD_NAME": "NEW", "USER_TYPE_ID": "string"}}),
        ("crm.lead.userfield.update", {"id": field_id, "fields": {"LIST": [{"VALUE": "b"}]}}),
        ("crm.lead.userfield.delete", {"id": field_id}),
    ):
        response = api.post(method, params)
        assert response.status_code >= 400, method
        assert database_rows(api) == before, method
