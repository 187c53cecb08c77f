"""crm.lead.fields against the documented example, and how each kind of value travels."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tests.crm.leads.test_add import TIME_KEYS, freeze, get
from tests.support import Api

# The documented example, field by field: (name, type, R = read-only / M = multiple, title,
# further keys). No field of it is required, immutable or dynamic.
DOC_FIELDS: list[tuple[Any, ...]] = [
    ("ID", "integer", "R", "ID"),
    ("TITLE", "string", "", "Lead Title"),
    ("HONORIFIC", "crm_status", "", "Salutation", {"statusType": "HONORIFIC"}),
    ("NAME", "string", "", "First Name"),
    ("SECOND_NAME", "string", "", "Middle Name"),
    ("LAST_NAME", "string", "", "Last Name"),
    ("BIRTHDATE", "date", "", "Birthdate"),
    ("COMPANY_TITLE", "string", "", "Company Name"),
    ("SOURCE_ID", "crm_status", "", "Source", {"statusType": "SOURCE"}),
    ("SOURCE_DESCRIPTION", "string", "", "Source Description"),
    ("STATUS_ID", "crm_status", "", "Stage", {"statusType": "STATUS"}),
    ("STATUS_DESCRIPTION", "string", "", "Stage Description"),
    ("STATUS_SEMANTIC_ID", "string", "R", "Status Semantic"),
    ("POST", "string", "", "Position"),
    ("ADDRESS", "string", "", "Address"),
    ("ADDRESS_2", "string", "", "Address (Line 2)"),
    ("ADDRESS_CITY", "string", "", "City"),
    ("ADDRESS_POSTAL_CODE", "string", "", "Postal Code"),
    ("ADDRESS_REGION", "string", "", "Region"),
    ("ADDRESS_PROVINCE", "string", "", "Province"),
    ("ADDRESS_COUNTRY", "string", "", "Country"),
    ("ADDRESS_COUNTRY_CODE", "string", "", "Country Code"),
    ("ADDRESS_LOC_ADDR_ID", "integer", "", "Location Address ID"),
    ("CURRENCY_ID", "crm_currency", "", "Currency"),
    ("OPPORTUNITY", "double", "", "Amount"),
    ("IS_MANUAL_OPPORTUNITY", "char", "", "IS_MANUAL_OPPORTUNITY"),
    ("OPENED", "char", "", "Available to All"),
    ("COMMENTS", "string", "", "Comments"),
    ("HAS_PHONE", "char", "R", "Phone Provided"),
    ("HAS_EMAIL", "char", "R", "Email Provided"),
    ("HAS_IMOL", "char", "R", "Open Line Assigned"),
    ("ASSIGNED_BY_ID", "user", "", "Responsible User"),
    ("CREATED_BY_ID", "user", "R", "Created By"),
    ("MODIFY_BY_ID", "user", "R", "Modified By"),
    ("MOVED_BY_ID", "user", "R", "MOVED_BY_ID"),
    ("DATE_CREATE", "datetime", "R", "Creation Date"),
    ("DATE_MODIFY", "datetime", "R", "Modification Date"),
    ("MOVED_TIME", "datetime", "R", "MOVED_TIME"),
    ("COMPANY_ID", "crm_company", "", "Company", {"settings": {"parentEntityTypeId": 4}}),
    ("CONTACT_ID", "crm_contact", "", "Contact", {"isDeprecated": True}),
    ("CONTACT_IDS", "crm_contact", "M", "CONTACT_IDS"),
    ("IS_RETURN_CUSTOMER", "char", "R", "Returning Lead"),
    ("DATE_CLOSED", "datetime", "R", "Closing Date"),
    ("ORIGINATOR_ID", "string", "", "External Source"),
    ("ORIGIN_ID", "string", "", "Identifier in External Source"),
    ("UTM_SOURCE", "string", "", "Advertising System"),
    ("UTM_MEDIUM", "string", "", "Traffic Type"),
    ("UTM_CAMPAIGN", "string", "", "Campaign Identifier"),
    ("UTM_CONTENT", "string", "", "Campaign Content"),
    ("UTM_TERM", "string", "", "Campaign Search Term"),
    ("LAST_ACTIVITY_TIME", "datetime", "R", "LAST_ACTIVITY_TIME"),
    ("LAST_ACTIVITY_BY", "user", "R", "LAST_ACTIVITY_BY"),
    ("PHONE", "crm_multifield", "M", "Phone"),
    ("EMAIL", "crm_multifield", "M", "E-mail"),
    ("WEB", "crm_multifield", "M", "Website"),
    ("IM", "crm_multifield", "M", "Messenger"),
    ("LINK", "crm_multifield", "M", "LINK"),
]
DATETIME_FIELDS = ("DATE_CREATE", "DATE_MODIFY", "DATE_CLOSED", "MOVED_TIME", "LAST_ACTIVITY_TIME")
FLAG_KEYS = ["type", "isRequired", "isReadOnly", "isImmutable", "isMultiple", "isDynamic"]


def _documented(type_: str, flags: str, title: str, extra: dict[str, Any]) -> dict[str, Any]:
    """The descriptor as the example writes it; its keys in the example's order."""
    descriptor: dict[str, Any] = {
        "type": type_,
        "isRequired": False,
        "isReadOnly": "R" in flags,
        "isImmutable": False,
        "isMultiple": "M" in flags,
        "isDynamic": False,
    }
    descriptor.update({k: v for k, v in extra.items() if k in ("isDeprecated", "statusType")})
    descriptor["title"] = title
    descriptor.update({k: v for k, v in extra.items() if k == "settings"})
    return descriptor


DOCUMENTED = {
    row[0]: _documented(row[1], row[2], row[3], (row[4:] or [{}])[0]) for row in DOC_FIELDS
}


def test_the_documented_request_answers_every_documented_field(api: Api) -> None:
    response = api.post("crm.lead.fields", {})
    body = response.json()
    assert (response.status_code, list(body)) == (200, ["result", "time"])
    assert set(body["time"]) >= TIME_KEYS
    result = body["result"]
    assert sorted(result) == sorted(DOCUMENTED)
    for name, descriptor in DOCUMENTED.items():
        assert result[name] == descriptor, name
        assert list(result[name]) == list(descriptor), name
        assert "upperName" not in result[name]


def test_every_descriptor_key_has_the_documented_json_type(api: Api) -> None:
    for name, descriptor in api.call("crm.lead.fields").items():
        assert list(descriptor)[:6] == FLAG_KEYS, name
        assert all(type(descriptor[k]) is bool for k in FLAG_KEYS[1:]), name
        assert isinstance(descriptor["type"], str) and isinstance(descriptor["title"], str)


def test_fields_ignores_parameters_and_answers_the_same_by_get(api: Api) -> None:
    expected = api.call("crm.lead.fields")
    assert api.call("crm.lead.fields", {"id": 5, "fields": "x", "select": ["ID"]}) == expected
    query = api.get("crm.lead.fields", "id=abc")
    assert (query.status_code, query.json()["result"]) == (200, expected)


def test_get_answers_every_single_valued_field_and_the_derived_ones_are_read_only(
    api: Api,
) -> None:
    described = api.call("crm.lead.fields")
    lead = get(api, api.call("crm.lead.add", {}))
    scalar = {n for n, d in described.items() if not d["isMultiple"]}
    assert set(lead) == scalar
    read_only = {n for n, d in described.items() if d["isReadOnly"]}
    assert read_only == {
        "ID",
        "STATUS_SEMANTIC_ID",
        "HAS_PHONE",
        "HAS_EMAIL",
        "HAS_IMOL",
        "CREATED_BY_ID",
        "MODIFY_BY_ID",
        "MOVED_BY_ID",
        "DATE_CREATE",
        "DATE_MODIFY",
        "MOVED_TIME",
        "IS_RETURN_CUSTOMER",
        "DATE_CLOSED",
        "LAST_ACTIVITY_TIME",
        "LAST_ACTIVITY_BY",
    }


# -- values -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("clients")
def test_values_travel_as_the_docs_show_them(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch)
    lead_id = api.call(
        "crm.lead.add",
        {
            "fields": {
                "OPPORTUNITY": "12500",
                "ASSIGNED_BY_ID": 1,
                "COMPANY_ID": "12",
                "ADDRESS_LOC_ADDR_ID": "7",
                "OPENED": "N",
                "NAME": "",
            }
        },
    )
    assert type(lead_id) is int
    lead = get(api, lead_id)
    assert (lead["ID"], lead["ASSIGNED_BY_ID"], lead["COMPANY_ID"]) == (str(lead_id), "1", "12")
    assert (lead["OPPORTUNITY"], lead["ADDRESS_LOC_ADDR_ID"]) == ("12500.00", "7")
    assert (lead["OPENED"], lead["IS_RETURN_CUSTOMER"], lead["HAS_PHONE"]) == ("N", "Y", "N")
    assert (lead["NAME"], lead["POST"], lead["BIRTHDATE"], lead["DATE_CLOSED"]) == (
        "",
        None,
        "",
        "",
    )
    assert lead["DATE_CREATE"] == "2024-05-23T16:18:25+00:00"
    assert not {"PHONE", "EMAIL", "WEB", "IM", "LINK", "CONTACT_IDS"} & set(lead)
    assert api.call("crm.lead.update", {"id": lead_id, "fields": {"TITLE": "x"}}) is True
    assert api.call("crm.lead.delete", {"id": lead_id}) is True


def test_a_birthdate_is_midnight_in_the_portal_zone(api: Api) -> None:
    for sent, shown in (
        ("1990-05-17", "1990-05-17T00:00:00+00:00"),
        ("17.05.1990", "1990-05-17T00:00:00+00:00"),
        ("1990-05-17T00:00:00+03:00", "1990-05-17T00:00:00+00:00"),
        ("", ""),
        (None, ""),
    ):
        lead = get(api, api.call("crm.lead.add", {"fields": {"BIRTHDATE": sent}}))
        assert lead["BIRTHDATE"] == shown, sent


class TestBerlin:
    """A portal in Europe/Berlin: every date carries that zone's offset for its own moment."""

    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {"timezone": "Europe/Berlin"}

    MOMENTS = (
        (datetime(2024, 7, 1, 10, 0, 0), "2024-07-01T12:00:00+02:00"),
        (datetime(2024, 1, 15, 10, 0, 0), "2024-01-15T11:00:00+01:00"),
        # The spring change: 02:00 local does not exist.
        (datetime(2024, 3, 31, 0, 59, 59), "2024-03-31T01:59:59+01:00"),
        (datetime(2024, 3, 31, 1, 0, 0), "2024-03-31T03:00:00+02:00"),
        # The autumn change: 02:30 local happens twice.
        (datetime(2024, 10, 27, 0, 30, 0), "2024-10-27T02:30:00+02:00"),
        (datetime(2024, 10, 27, 1, 30, 0), "2024-10-27T02:30:00+01:00"),
        # Late evening in UTC is already the next day in Berlin.
        (datetime(2024, 12, 31, 23, 30, 0), "2025-01-01T00:30:00+01:00"),
    )

    def test_stored_moments_are_rendered_with_the_offset_of_their_date(
        self, api: Api, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        clock = freeze(monkeypatch)
        for utc, shown in self.MOMENTS:
            clock.now = utc
            lead = get(api, api.call("crm.lead.add", {"fields": {"STATUS_ID": "JUNK"}}))
            for name in DATETIME_FIELDS:
                assert lead[name] == shown, (name, utc)

    def test_a_birthdate_is_midnight_with_that_days_offset(self, api: Api) -> None:
        for sent, shown in (
            ("1990-07-01", "1990-07-01T00:00:00+02:00"),
            ("1990-01-15", "1990-01-15T00:00:00+01:00"),
            ("15.01.1990", "1990-01-15T00:00:00+01:00"),
            ("2024-03-31", "2024-03-31T00:00:00+01:00"),
            ("2024-10-27", "2024-10-27T00:00:00+02:00"),
        ):
            lead = get(api, api.call("crm.lead.add", {"fields": {"BIRTHDATE": sent}}))
            assert lead["BIRTHDATE"] == shown, sent

    def test_an_update_in_winter_of_a_summer_lead_keeps_each_offset(
        self, api: Api, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        clock = freeze(monkeypatch, datetime(2024, 8, 1, 8, 0, 0))
        lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Summer"}})
        clock.now = datetime(2024, 11, 4, 8, 0, 0)
        assert api.call("crm.lead.update", {"id": lead_id, "fields": {"STATUS_ID": "CONVERTED"}})
        lead = get(api, lead_id)
        assert (lead["DATE_CREATE"], lead["DATE_MODIFY"], lead["DATE_CLOSED"]) == (
            "2024-08-01T10:00:00+02:00",
            "2024-11-04T09:00:00+01:00",
            "2024-11-04T09:00:00+01:00",
        )
