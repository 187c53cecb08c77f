"""crm.lead.get and crm.lead.delete: the documented examples, every id form, every refusal."""

from __future__ import annotations

import pytest

from tests.crm.leads.test_add import TIME_KEYS, database_rows, get, lead_count
from tests.crm.leads.test_core import DOC_ADD, ISO_WITH_OFFSET
from tests.crm.leads.test_update import BAD_IDS, ID_INVALID, NOT_FOUND, UNKNOWN_IDS
from tests.support import Api

# The keys of the documented crm.lead.get answer, in its order.
DOC_GET_KEYS = [
    "ID",
    "TITLE",
    "HONORIFIC",
    "NAME",
    "SECOND_NAME",
    "LAST_NAME",
    "COMPANY_TITLE",
    "COMPANY_ID",
    "CONTACT_ID",
    "IS_RETURN_CUSTOMER",
    "BIRTHDATE",
    "SOURCE_ID",
    "SOURCE_DESCRIPTION",
    "STATUS_ID",
    "STATUS_DESCRIPTION",
    "POST",
    "COMMENTS",
    "CURRENCY_ID",
    "OPPORTUNITY",
    "IS_MANUAL_OPPORTUNITY",
    "HAS_PHONE",
    "HAS_EMAIL",
    "HAS_IMOL",
    "ASSIGNED_BY_ID",
    "CREATED_BY_ID",
    "MODIFY_BY_ID",
    "DATE_CREATE",
    "DATE_MODIFY",
    "DATE_CLOSED",
    "STATUS_SEMANTIC_ID",
    "OPENED",
    "ORIGINATOR_ID",
    "ORIGIN_ID",
    "MOVED_BY_ID",
    "MOVED_TIME",
    "ADDRESS",
    "ADDRESS_2",
    "ADDRESS_CITY",
    "ADDRESS_POSTAL_CODE",
    "ADDRESS_REGION",
    "ADDRESS_PROVINCE",
    "ADDRESS_COUNTRY",
    "ADDRESS_COUNTRY_CODE",
    "ADDRESS_LOC_ADDR_ID",
    "UTM_SOURCE",
    "UTM_MEDIUM",
    "UTM_CAMPAIGN",
    "UTM_CONTENT",
    "UTM_TERM",
    "LAST_ACTIVITY_BY",
    "LAST_ACTIVITY_TIME",
    "PHONE",
    "IM",
]
# The documented example's lead, as far as a client can make it.
DOC_LIKE_LEAD = {
    "NAME": "",
    "SOURCE_ID": "CALL",
    "STATUS_ID": "IN_PROCESS",
    "CURRENCY_ID": "EUR",
    "PHONE": [{"VALUE": "+15454777777", "VALUE_TYPE": "OTHER"}],
    "IM": [{"VALUE": "imol|livechat|1|67|21", "VALUE_TYPE": "OPENLINE"}],
}
DATETIMES = ("DATE_CREATE", "DATE_MODIFY", "MOVED_TIME", "LAST_ACTIVITY_TIME")
NUMBERS = ("ID", "ASSIGNED_BY_ID", "CREATED_BY_ID", "MODIFY_BY_ID", "MOVED_BY_ID")


def test_the_documented_get_answers_the_documented_shape(api: Api) -> None:
    lead_id = api.call("crm.lead.add", {"fields": DOC_LIKE_LEAD})
    response = api.post("crm.lead.get", {"ID": lead_id})
    body = response.json()
    assert (response.status_code, list(body)) == (200, ["result", "time"])
    assert set(body["time"]) >= TIME_KEYS
    lead = body["result"]
    assert list(lead) == DOC_GET_KEYS
    assert lead["TITLE"] == f"Lead #{lead_id}"
    assert (lead["NAME"], lead["SECOND_NAME"], lead["COMPANY_ID"], lead["BIRTHDATE"]) == (
        "",
        None,
        None,
        "",
    )
    assert (lead["OPPORTUNITY"], lead["IS_RETURN_CUSTOMER"], lead["STATUS_SEMANTIC_ID"]) == (
        "0.00",
        "N",
        "P",
    )
    assert (lead["HAS_PHONE"], lead["HAS_EMAIL"], lead["HAS_IMOL"]) == ("Y", "N", "Y")
    assert lead["DATE_CLOSED"] == ""
    for name in DATETIMES:
        assert ISO_WITH_OFFSET.match(lead[name]), name
    for name in NUMBERS:
        assert isinstance(lead[name], str) and lead[name].isdigit(), name
    assert all(v is None or isinstance(v, (str, list)) for v in lead.values())
    assert lead["PHONE"] == [
        {
            "ID": lead["PHONE"][0]["ID"],
            "VALUE_TYPE": "OTHER",
            "VALUE": "+15454777777",
            "TYPE_ID": "PHONE",
        }
    ]
    assert lead["IM"] == [
        {
            "ID": lead["IM"][0]["ID"],
            "VALUE_TYPE": "OPENLINE",
            "VALUE": "imol|livechat|1|67|21",
            "TYPE_ID": "IM",
        }
    ]


def test_get_names_every_multifield_that_has_values_and_only_those(api: Api) -> None:
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Bare"}})
    assert list(get(api, lead_id)) == DOC_GET_KEYS[:-2]
    fields = {
        "EMAIL": [{"VALUE": "a@example.com"}],
        "LINK": [{"VALUE": "42", "VALUE_TYPE": "USER"}],
    }
    assert api.call("crm.lead.update", {"id": lead_id, "fields": fields})
    assert list(get(api, lead_id)) == [*DOC_GET_KEYS[:-2], "EMAIL", "LINK"]


@pytest.mark.parametrize("spelling", ["id", "ID", "Id"])
def test_the_id_may_be_a_number_or_a_string_in_any_case(api: Api, spelling: str) -> None:
    lead_id = api.call("crm.lead.add", DOC_ADD)
    expected = get(api, lead_id)
    for value in (lead_id, str(lead_id), f" {lead_id} "):
        assert api.call("crm.lead.get", {spelling: value}) == expected


def test_a_form_body_and_a_query_string_get_the_same_lead(api: Api) -> None:
    lead_id = api.call("crm.lead.add", DOC_ADD)
    expected = get(api, lead_id)
    form = api.client.post(api.prefix + "crm.lead.get", data={"ID": str(lead_id)})
    assert (form.status_code, form.json()["result"]) == (200, expected)
    query = api.get("crm.lead.get", f"id={lead_id}")
    assert (query.status_code, query.json()["result"]) == (200, expected)
    error = api.get("crm.lead.get", "id=abc")
    assert (error.status_code, error.json()) == (400, ID_INVALID)


def test_get_refuses_an_id_that_is_not_a_positive_integer(api: Api) -> None:
    api.call("crm.lead.add", {})
    for bad in BAD_IDS:
        assert api.error("crm.lead.get", {"id": bad}) == (400, ID_INVALID), bad


def test_get_refuses_a_missing_id(api: Api) -> None:
    api.call("crm.lead.add", {})
    assert api.error("crm.lead.get", {}) == (400, ID_INVALID)
    assert api.error("crm.lead.get", {"fields": {"ID": 1}}) == (400, ID_INVALID)


def test_get_of_an_unknown_lead_is_not_found(api: Api) -> None:
    api.call("crm.lead.add", {})
    for unknown in UNKNOWN_IDS:
        assert api.error("crm.lead.get", {"id": unknown}) == (400, NOT_FOUND), unknown


# -- delete -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("clients")
def test_the_documented_delete_answers_true_and_removes_the_lead_and_its_rows(api: Api) -> None:
    kept = api.call("crm.lead.add", {"fields": {**DOC_ADD["fields"], "CONTACT_IDS": [3, 4]}})
    kept_lead = get(api, kept)
    lead_id = api.call("crm.lead.add", {"fields": {**DOC_ADD["fields"], "CONTACT_IDS": [3, 5]}})
    response = api.post("crm.lead.delete", {"id": str(lead_id)})
    body = response.json()
    assert (response.status_code, list(body), body["result"]) == (200, ["result", "time"], True)
    assert set(body["time"]) >= TIME_KEYS
    assert api.error("crm.lead.get", {"id": lead_id}) == (400, NOT_FOUND)
    rows = database_rows(api)
    assert [row[0] for row in rows["crm_lead"]] == [kept]
    assert {row[2] for row in rows["crm_field_multi"]} == {kept}  # element_id
    assert {row[0] for row in rows["crm_lead_contact"]} == {kept}  # lead_id
    assert get(api, kept) == kept_lead


def test_a_deleted_lead_cannot_be_deleted_updated_or_reused(api: Api) -> None:
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Gone"}})
    assert api.call("crm.lead.delete", {"ID": lead_id}) is True
    assert api.error("crm.lead.delete", {"id": lead_id}) == (400, NOT_FOUND)
    assert api.error("crm.lead.update", {"id": lead_id, "fields": {"TITLE": "x"}}) == (
        400,
        NOT_FOUND,
    )
    assert api.call("crm.lead.add", {}) == lead_id + 1
    assert lead_count(api) == 1


def test_delete_without_an_existing_id_writes_nothing(api: Api) -> None:
    api.call("crm.lead.add", DOC_ADD)
    before = database_rows(api)
    for bad in BAD_IDS:
        assert api.error("crm.lead.delete", {"id": bad}) == (400, ID_INVALID), bad
    assert api.error("crm.lead.delete", {}) == (400, ID_INVALID)
    for unknown in UNKNOWN_IDS:
        assert api.error("crm.lead.delete", {"id": unknown}) == (400, NOT_FOUND), unknown
    assert database_rows(api) == before


def test_a_form_body_and_a_query_string_delete(api: Api) -> None:
    first, second = api.call("crm.lead.add", {}), api.call("crm.lead.add", {})
    form = api.client.post(api.prefix + "crm.lead.delete", data={"id": str(first)})
    assert (form.status_code, form.json()["result"]) == (200, True)
    query = api.get("crm.lead.delete", f"ID={second}")
    assert (query.status_code, query.json()["result"]) == (200, True)
    assert lead_count(api) == 0


# -- the list example on the same pages ---------------------------------------------------------


def test_the_documented_list_request_answers_the_documented_shape(api: Api) -> None:
    commands = {
        f"a{i}": f"crm.lead.add?fields[TITLE]=L{i}&fields[OPPORTUNITY]=15000" for i in range(50)
    }
    api.call("batch", {"cmd": commands})
    extra = {f"b{i}": "crm.lead.add?fields[OPPORTUNITY]=15000" for i in range(3)}
    extra["other"] = "crm.lead.add?fields[OPPORTUNITY]=14999.99"
    api.call("batch", {"cmd": extra})
    response = api.post(
        "crm.lead.list",
        {
            "select": ["*", "UF_*"],
            "start": 50,
            "filter": {"=OPPORTUNITY": 15000},
            "order": {"STATUS_ID": "ASC"},
        },
    )
    body = response.json()
    assert (response.status_code, list(body)) == (200, ["result", "total", "time"])
    assert body["total"] == 53 and type(body["total"]) is int
    assert len(body["result"]) == 3
    for item in body["result"]:
        assert list(item) == DOC_GET_KEYS[:-2]
        assert item["OPPORTUNITY"] == "15000.00"
        assert item == get(api, int(item["ID"]))
