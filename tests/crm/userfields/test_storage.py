"""How custom values are kept: long text, a thousand definitions, and deletion leaving nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text

from leadcrm.crm.leads.tables import leads
from leadcrm.crm.leads.userfields import LEAD_OWNER
from leadcrm.crm.userfields.definitions import MAX_DEFINITIONS
from leadcrm.crm.userfields.service import add_definition
from leadcrm.crm.userfields.storage import INDEXED_PREFIX, index_name
from tests.support import Api


def _add_field(api: Api, **fields: Any) -> int:
    result: int = api.call("crm.lead.userfield.add", {"fields": fields})
    return result


def _ids(api: Api, params: dict[str, Any]) -> list[int]:
    return [int(lead["ID"]) for lead in api.call("crm.lead.list", {**params, "select": ["ID"]})]


def _indexes(api: Api) -> set[str]:
    with api.runtime.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            found = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))
        else:
            found = conn.execute(text("SELECT indexname FROM pg_indexes"))
        return {name for (name,) in found}


def test_long_text_is_kept_found_and_ordered(api: Api) -> None:
    """Values longer than an index entry holds (PostgreSQL's b-tree refuses ~2.7 kB)."""
    _add_field(api, FIELD_NAME="NOTE", USER_TYPE_ID="string")
    common = "Ж" * INDEXED_PREFIX  # two bytes a character in UTF-8
    values = [common + "b" * 3000, common + "a" * 3000, "short", common]
    ids = [api.call("crm.lead.add", {"fields": {"UF_CRM_NOTE": v}}) for v in values]
    for lead_id, value in zip(ids, values, strict=True):
        assert api.call("crm.lead.get", {"id": lead_id})["UF_CRM_NOTE"] == value
        # The index holds only the first characters; equal beginnings are told apart.
        assert _ids(api, {"filter": {"UF_CRM_NOTE": value}}) == [lead_id]
    assert _ids(api, {"filter": {"@UF_CRM_NOTE": [values[0], "short"]}}) == [ids[0], ids[2]]
    assert _ids(api, {"filter": {"!UF_CRM_NOTE": values[1]}}) == [ids[0], ids[2], ids[3]]
    ascending = _ids(api, {"order": {"UF_CRM_NOTE": "ASC"}})
    assert ascending.index(ids[2]) < ascending.index(ids[3])


def test_a_thousand_definitions_and_the_limit(api: Api) -> None:
    with api.runtime.engine.begin() as conn:
        for n in range(MAX_DEFINITIONS - 1):
            kind = ("string", "integer", "enumeration", "date")[n % 4]
            add_definition(
                conn,
                owner=LEAD_OWNER,
                fields={"FIELD_NAME": f"MANY_{n}", "USER_TYPE_ID": kind},
                user_id=1,
            )
    last = _add_field(api, FIELD_NAME="LAST", USER_TYPE_ID="integer")
    status, body = api.error(
        "crm.lead.userfield.add", {"fields": {"FIELD_NAME": "OVER", "USER_TYPE_ID": "string"}}
    )
    assert (status, body["error"]) == (500, "INTERNAL_SERVER_ERROR")
    assert len(api.call("crm.lead.userfield.list", {"filter": {"LANG": "en"}})) == MAX_DEFINITIONS

    values = {f"UF_CRM_MANY_{n}": f"value {n}" for n in range(0, 400, 4)}
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Wide", **values, "UF_CRM_LAST": 7}})
    lead = api.call("crm.lead.get", {"id": lead_id})
    assert {name: lead[name] for name in values} == values
    assert lead["UF_CRM_LAST"] == "7"
    assert lead["UF_CRM_MANY_1"] is None
    assert _ids(api, {"filter": {"UF_CRM_MANY_200": "value 200"}}) == [lead_id]
    assert api.call("crm.lead.userfield.delete", {"id": last})
    assert "UF_CRM_LAST" not in api.call("crm.lead.get", {"id": lead_id})


def test_deleting_a_definition_removes_its_values_index_and_files(api: Api) -> None:
    keep = _add_field(api, FIELD_NAME="KEEP", USER_TYPE_ID="string")
    gone = _add_field(api, FIELD_NAME="GONE", USER_TYPE_ID="integer")
    files = _add_field(api, FIELD_NAME="DOCS", USER_TYPE_ID="file", MULTIPLE="Y")
    lead_id = api.call(
        "crm.lead.add",
        {
            "fields": {
                "UF_CRM_KEEP": "stays",
                "UF_CRM_GONE": 5,
                "UF_CRM_DOCS": [{"fileData": ["a.txt", "YQ=="]}],
            }
        },
    )
    assert index_name(leads, gone) in _indexes(api)
    assert api.call("crm.lead.userfield.delete", {"id": gone})
    assert api.call("crm.lead.userfield.delete", {"id": files})
    with api.runtime.engine.connect() as conn:
        (values,) = conn.execute(select(leads.c.uf).where(leads.c.id == lead_id)).one()
        (file_count,) = conn.execute(text("SELECT count(*) FROM crm_file")).one()
    assert values == {str(keep): "stays"}
    assert file_count == 0
    assert index_name(leads, gone) not in _indexes(api)
    assert index_name(leads, keep) in _indexes(api)

    # A new field under the old name starts empty: values are keyed by field, not by name.
    again = _add_field(api, FIELD_NAME="GONE", USER_TYPE_ID="integer")
    assert again != gone
    assert api.call("crm.lead.get", {"id": lead_id})["UF_CRM_GONE"] is None
    assert _ids(api, {"filter": {"UF_CRM_GONE": 5}}) == []


def test_a_deleted_list_item_leaves_the_leads_that_held_it(api: Api) -> None:
    field_id = _add_field(
        api,
        FIELD_NAME="TAGS",
        USER_TYPE_ID="enumeration",
        MULTIPLE="Y",
        LIST=[{"VALUE": "a"}, {"VALUE": "b"}],
    )
    single_id = _add_field(
        api, FIELD_NAME="ONE", USER_TYPE_ID="enumeration", LIST=[{"VALUE": "x"}, {"VALUE": "y"}]
    )
    a, b = (item["ID"] for item in api.call("crm.lead.userfield.get", {"id": field_id})["LIST"])
    x, y = (item["ID"] for item in api.call("crm.lead.userfield.get", {"id": single_id})["LIST"])
    lead_id = api.call("crm.lead.add", {"fields": {"UF_CRM_TAGS": [a, b], "UF_CRM_ONE": x}})
    api.call(
        "crm.lead.userfield.update", {"id": field_id, "fields": {"LIST": [{"ID": a, "DEL": "Y"}]}}
    )
    api.call(
        "crm.lead.userfield.update", {"id": single_id, "fields": {"LIST": [{"ID": x, "DEL": "Y"}]}}
    )
    lead = api.call("crm.lead.get", {"id": lead_id})
    assert (lead["UF_CRM_TAGS"], lead["UF_CRM_ONE"]) == ([b], None)
    assert _ids(api, {"filter": {"UF_CRM_ONE": y}}) == []
