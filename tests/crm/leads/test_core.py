"""The lead's life cycle through crm.lead.add/get/update/delete, as the docs show it."""

from __future__ import annotations

import re

from tests.support import Api

DOC_ADD = {
    "fields": {
        "TITLE": "IP Titov",
        "NAME": "Gleb",
        "SECOND_NAME": "Egorovich",
        "LAST_NAME": "Titov",
        "STATUS_ID": "NEW",
        "OPENED": "Y",
        "ASSIGNED_BY_ID": 1,
        "CURRENCY_ID": "USD",
        "OPPORTUNITY": 12500,
        "PHONE": [{"VALUE": "555888", "VALUE_TYPE": "WORK"}],
        "WEB": [{"VALUE": "www.mysite.com", "VALUE_TYPE": "WORK"}],
    },
    "params": {"REGISTER_SONET_EVENT": "Y"},
}
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def test_the_documented_add_returns_a_number_and_get_renders_strings(api: Api) -> None:
    lead_id = api.call("crm.lead.add", DOC_ADD)
    assert isinstance(lead_id, int) and lead_id > 0
    lead = api.call("crm.lead.get", {"ID": lead_id})
    assert lead["ID"] == str(lead_id)
    assert lead["TITLE"] == "IP Titov"
    assert lead["OPPORTUNITY"] == "12500.00"
    assert lead["ASSIGNED_BY_ID"] == "1"
    assert lead["CREATED_BY_ID"] == "1"
    assert lead["STATUS_SEMANTIC_ID"] == "P"
    assert lead["HAS_PHONE"] == "Y"
    assert lead["HAS_EMAIL"] == "N"
    assert lead["OPENED"] == "Y"
    assert lead["BIRTHDATE"] == ""
    assert lead["DATE_CLOSED"] == ""
    assert lead["POST"] is None
    assert lead["COMPANY_ID"] is None
    assert ISO_WITH_OFFSET.match(lead["DATE_CREATE"])
    assert lead["PHONE"] == [
        {"ID": lead["PHONE"][0]["ID"], "VALUE_TYPE": "WORK", "VALUE": "555888", "TYPE_ID": "PHONE"}
    ]
    assert lead["WEB"][0]["VALUE"] == "www.mysite.com"
    assert "EMAIL" not in lead
    assert "CONTACT_IDS" not in lead


def test_update_moves_the_stage_and_returns_true(api: Api) -> None:
    lead_id = api.call("crm.lead.add", DOC_ADD)
    assert api.call("crm.lead.update", {"id": lead_id, "fields": {"STATUS_ID": "CONVERTED"}})
    lead = api.call("crm.lead.get", {"id": str(lead_id)})
    assert lead["STATUS_ID"] == "CONVERTED"
    assert lead["STATUS_SEMANTIC_ID"] == "S"
    assert ISO_WITH_OFFSET.match(lead["DATE_CLOSED"])
    assert lead["MOVED_BY_ID"] == "1"


def test_delete_then_get_is_not_found(api: Api) -> None:
    lead_id = api.call("crm.lead.add", DOC_ADD)
    assert api.call("crm.lead.delete", {"id": lead_id}) is True
    status, body = api.error("crm.lead.get", {"id": lead_id})
    assert status == 400
    assert body == {"error": "", "error_description": "Not found"}


def test_bad_ids_answer_the_documented_text(api: Api) -> None:
    for bad in (0, -1, "abc", None):
        status, body = api.error("crm.lead.update", {"id": bad, "fields": {"TITLE": "x"}})
        assert (status, body["error_description"]) == (400, "ID is not defined or invalid.")


def test_an_unknown_stage_is_refused_and_nothing_is_written(api: Api) -> None:
    status, body = api.error("crm.lead.add", {"fields": {"TITLE": "x", "STATUS_ID": "NOPE"}})
    assert status == 400
    assert body["error"] == "ERROR_CORE"
    assert "STATUS_ID" in body["error_description"]
    assert api.post("crm.lead.list", {}).json()["total"] == 0


def test_list_pages_by_fifty_with_next_and_total(api: Api) -> None:
    commands = {f"a{i}": f"crm.lead.add?fields[TITLE]=Lead {i}" for i in range(50)}
    api.call("batch", {"cmd": commands})
    api.call("batch", {"cmd": {f"b{i}": "crm.lead.add?fields[TITLE]=more" for i in range(5)}})
    first = api.post("crm.lead.list", {"select": ["ID", "TITLE"]}).json()
    assert (len(first["result"]), first["next"], first["total"]) == (50, 50, 55)
    second = api.post("crm.lead.list", {"select": ["ID"], "start": 50}).json()
    assert len(second["result"]) == 5 and "next" not in second
    ids = [r["ID"] for r in first["result"] + second["result"]]
    assert len(set(ids)) == 55
