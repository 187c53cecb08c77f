"""crm.lead.add: the documented example, defaults, derived fields, refusals and encodings.

The small helpers at the top (a frozen clock, a dump of every table, PHP bracket encoding)
are shared by the other lead test modules.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import inspect, text

from leadcrm.crm.entities import service as lead_service
from tests.crm.leads.test_core import DOC_ADD
from tests.support import Api

TIME_KEYS = {"start", "finish", "duration", "processing", "date_start", "date_finish"}
MOMENT = datetime(2024, 5, 23, 16, 18, 25)
MOMENT_TEXT = "2024-05-23T16:18:25+00:00"


@dataclass
class Clock:
    """Stands in for the lead service's clock (naive UTC, as the service stores it)."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def freeze(monkeypatch: pytest.MonkeyPatch, now: datetime = MOMENT) -> Clock:
    clock = Clock(now)
    monkeypatch.setattr(lead_service, "utcnow", clock)
    return clock


def database_rows(api: Api) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: equal before and after a refused call means nothing was written."""
    with api.runtime.engine.connect() as conn:
        names = sorted(n for n in inspect(conn).get_table_names() if n != "alembic_version")
        return {
            name: sorted(
                (tuple(row) for row in conn.execute(text(f'SELECT * FROM "{name}"'))), key=repr
            )
            for name in names
        }


def lead_count(api: Api) -> int:
    with api.runtime.engine.connect() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM crm_lead")).scalar_one())


def php_pairs(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Nested data as PHP bracket keys, the way http_build_query writes them."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from php_pairs(item, f"{prefix}[{key}]" if prefix else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from php_pairs(item, f"{prefix}[{index}]")
    else:
        yield prefix, str(value)


def php_query(params: dict[str, Any]) -> str:
    return urlencode(list(php_pairs(params)))


def get(api: Api, lead_id: int) -> dict[str, Any]:
    lead: dict[str, Any] = api.call("crm.lead.get", {"id": lead_id})
    return lead


# -- the documented example -------------------------------------------------------------------


def test_the_documented_request_answers_an_integer_id_and_the_time_block(api: Api) -> None:
    response = api.post("crm.lead.add", DOC_ADD)
    body = response.json()
    assert response.status_code == 200
    assert list(body) == ["result", "time"]
    assert type(body["result"]) is int and body["result"] > 0
    assert set(body["time"]) >= TIME_KEYS
    assert all(isinstance(body["time"][k], float) for k in ("start", "finish", "duration"))
    assert lead_count(api) == 1


def test_the_documented_request_stores_what_it_sent(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    lead_id = api.call("crm.lead.add", DOC_ADD)
    lead = get(api, lead_id)
    phone_id, web_id = lead["PHONE"][0]["ID"], lead["WEB"][0]["ID"]
    assert lead == {
        **EMPTY_LEAD,
        "ID": str(lead_id),
        "TITLE": "IP Titov",
        "NAME": "Gleb",
        "SECOND_NAME": "Egorovich",
        "LAST_NAME": "Titov",
        "CURRENCY_ID": "USD",
        "OPPORTUNITY": "12500.00",
        "HAS_PHONE": "Y",
        "PHONE": [{"ID": phone_id, "VALUE_TYPE": "WORK", "VALUE": "555888", "TYPE_ID": "PHONE"}],
        "WEB": [{"ID": web_id, "VALUE_TYPE": "WORK", "VALUE": "www.mysite.com", "TYPE_ID": "WEB"}],
    }
    assert phone_id.isdigit() and web_id.isdigit() and phone_id != web_id


# What a lead added with no fields at all looks like at MOMENT, as the administrator (user 1).
EMPTY_LEAD: dict[str, Any] = {
    "ID": None,
    "TITLE": None,
    "HONORIFIC": None,
    "NAME": None,
    "SECOND_NAME": None,
    "LAST_NAME": None,
    "COMPANY_TITLE": None,
    "COMPANY_ID": None,
    "CONTACT_ID": None,
    "IS_RETURN_CUSTOMER": "N",
    "BIRTHDATE": "",
    "SOURCE_ID": None,
    "SOURCE_DESCRIPTION": None,
    "STATUS_ID": "NEW",
    "STATUS_DESCRIPTION": None,
    "POST": None,
    "COMMENTS": None,
    "CURRENCY_ID": "USD",
    "OPPORTUNITY": "0.00",
    "IS_MANUAL_OPPORTUNITY": "N",
    "HAS_PHONE": "N",
    "HAS_EMAIL": "N",
    "HAS_IMOL": "N",
    "ASSIGNED_BY_ID": "1",
    "CREATED_BY_ID": "1",
    "MODIFY_BY_ID": "1",
    "DATE_CREATE": MOMENT_TEXT,
    "DATE_MODIFY": MOMENT_TEXT,
    "DATE_CLOSED": "",
    "STATUS_SEMANTIC_ID": "P",
    "OPENED": "Y",
    "ORIGINATOR_ID": None,
    "ORIGIN_ID": None,
    "MOVED_BY_ID": "1",
    "MOVED_TIME": MOMENT_TEXT,
    "ADDRESS": None,
    "ADDRESS_2": None,
    "ADDRESS_CITY": None,
    "ADDRESS_POSTAL_CODE": None,
    "ADDRESS_REGION": None,
    "ADDRESS_PROVINCE": None,
    "ADDRESS_COUNTRY": None,
    "ADDRESS_COUNTRY_CODE": None,
    "ADDRESS_LOC_ADDR_ID": None,
    "UTM_SOURCE": None,
    "UTM_MEDIUM": None,
    "UTM_CAMPAIGN": None,
    "UTM_CONTENT": None,
    "UTM_TERM": None,
    "LAST_ACTIVITY_BY": "1",
    "LAST_ACTIVITY_TIME": MOMENT_TEXT,
}

# Every writable scalar field, and what crm.lead.get answers for it.
FULL_FIELDS: dict[str, Any] = {
    "TITLE": "Full lead",
    "HONORIFIC": "HNR_EN_1",
    "NAME": "Gleb",
    "SECOND_NAME": "Egorovich",
    "LAST_NAME": "Titov",
    "COMPANY_TITLE": "Titov LLC",
    "COMPANY_ID": 7,
    "CONTACT_ID": "9",
    "BIRTHDATE": "1990-05-17",
    "SOURCE_ID": "CALL",
    "SOURCE_DESCRIPTION": "Called in",
    "STATUS_ID": "IN_PROCESS",
    "STATUS_DESCRIPTION": "Talking",
    "POST": "CEO",
    "COMMENTS": "Line one\nLine two",
    "CURRENCY_ID": "EUR",
    "OPPORTUNITY": 12500.5,
    "IS_MANUAL_OPPORTUNITY": "Y",
    "ASSIGNED_BY_ID": "1",
    "OPENED": "N",
    "ORIGINATOR_ID": "shop",
    "ORIGIN_ID": "order-42",
    "ADDRESS": "Main street 1",
    "ADDRESS_2": "Apartment 2",
    "ADDRESS_CITY": "Berlin",
    "ADDRESS_POSTAL_CODE": "10115",
    "ADDRESS_REGION": "Mitte",
    "ADDRESS_PROVINCE": "Berlin",
    "ADDRESS_COUNTRY": "Germany",
    "ADDRESS_COUNTRY_CODE": "DE",
    "ADDRESS_LOC_ADDR_ID": 15,
    "UTM_SOURCE": "google",
    "UTM_MEDIUM": "cpc",
    "UTM_CAMPAIGN": "spring",
    "UTM_CONTENT": "banner",
    "UTM_TERM": "crm",
}
FULL_LEAD: dict[str, Any] = {
    **EMPTY_LEAD,
    **{k: v for k, v in FULL_FIELDS.items() if isinstance(v, str)},
    "COMPANY_ID": "7",
    "IS_RETURN_CUSTOMER": "Y",
    "BIRTHDATE": "1990-05-17T00:00:00+00:00",
    "OPPORTUNITY": "12500.50",
    "ADDRESS_LOC_ADDR_ID": "15",
}


@pytest.mark.usefixtures("clients")
def test_every_writable_field_is_stored_and_read_back_as_the_docs_render_it(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    lead_id = api.call("crm.lead.add", {"fields": FULL_FIELDS})
    assert get(api, lead_id) == {**FULL_LEAD, "ID": str(lead_id)}


def test_an_empty_add_takes_the_documented_defaults(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    lead_id = api.call("crm.lead.add", {"fields": {}})
    assert get(api, lead_id) == {**EMPTY_LEAD, "ID": str(lead_id), "TITLE": f"Lead #{lead_id}"}
    second = api.call("crm.lead.add", {})
    assert second == lead_id + 1
    assert get(api, second)["TITLE"] == f"Lead #{second}"


@pytest.mark.parametrize("empty", [None, ""])
def test_empty_values_of_always_set_fields_take_the_defaults(
    api: Api, monkeypatch: pytest.MonkeyPatch, empty: object
) -> None:
    freeze(monkeypatch)
    names = ("STATUS_ID", "CURRENCY_ID", "ASSIGNED_BY_ID", "OPPORTUNITY", "TITLE")
    lead_id = api.call("crm.lead.add", {"fields": dict.fromkeys(names, empty)})
    assert get(api, lead_id) == {**EMPTY_LEAD, "ID": str(lead_id), "TITLE": f"Lead #{lead_id}"}
    flags = api.call("crm.lead.add", {"fields": {"OPENED": None, "IS_MANUAL_OPPORTUNITY": None}})
    lead = get(api, flags)
    assert (lead["OPENED"], lead["IS_MANUAL_OPPORTUNITY"]) == ("Y", "N")


def test_responsible_user_zero_means_the_caller(api: Api) -> None:
    user_id, prefix = api.new_webhook(scopes=["crm"])
    lead_id = api.as_user(prefix).call("crm.lead.add", {"fields": {"ASSIGNED_BY_ID": 0}})
    assert get(api, lead_id)["ASSIGNED_BY_ID"] == str(user_id)


def test_flags_accept_y_n_true_false_and_one_zero(api: Api) -> None:
    for sent, shown in (("Y", "Y"), ("N", "N"), (True, "Y"), (False, "N"), ("1", "Y"), (0, "N")):
        lead_id = api.call("crm.lead.add", {"fields": {"OPENED": sent}})
        assert get(api, lead_id)["OPENED"] == shown, sent


def test_an_empty_string_is_stored_as_empty_and_a_missing_one_stays_null(api: Api) -> None:
    lead_id = api.call("crm.lead.add", {"fields": {"NAME": "", "POST": None}})
    lead = get(api, lead_id)
    assert (lead["NAME"], lead["POST"], lead["LAST_NAME"]) == ("", None, None)


def test_amounts_are_stored_exactly_with_two_decimals(api: Api) -> None:
    for sent, shown in (
        (12500, "12500.00"),
        ("0.1", "0.10"),
        ("1234567.891", "1234567.89"),
        ("99,5", "99.50"),
        (0.3, "0.30"),
    ):
        lead_id = api.call("crm.lead.add", {"fields": {"OPPORTUNITY": sent}})
        assert get(api, lead_id)["OPPORTUNITY"] == shown, sent


# -- derived and read-only fields ---------------------------------------------------------------

READ_ONLY_ATTEMPT = {
    "ID": 999,
    "IS_RETURN_CUSTOMER": "Y",
    "HAS_PHONE": "Y",
    "HAS_EMAIL": "Y",
    "HAS_IMOL": "Y",
    "CREATED_BY_ID": 5,
    "MODIFY_BY_ID": 5,
    "MOVED_BY_ID": 5,
    "DATE_CREATE": "2001-01-01T00:00:00+00:00",
    "DATE_MODIFY": "2001-01-01T00:00:00+00:00",
    "DATE_CLOSED": "2001-01-01T00:00:00+00:00",
    "MOVED_TIME": "2001-01-01T00:00:00+00:00",
    "STATUS_SEMANTIC_ID": "S",
    "LAST_ACTIVITY_BY": 5,
    "LAST_ACTIVITY_TIME": "2001-01-01T00:00:00+00:00",
    "NO_SUCH_FIELD": "x",
    "UF_CRM_NOT_THERE": "x",
    "title_lowercase_is_not_a_field_alias": 1,
}


def test_read_only_and_unknown_fields_are_silently_ignored(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Kept", **READ_ONLY_ATTEMPT}})
    assert lead_id != 999
    assert get(api, lead_id) == {**EMPTY_LEAD, "ID": str(lead_id), "TITLE": "Kept"}


@pytest.mark.usefixtures("clients")
def test_a_returning_lead_is_one_added_with_a_company_or_a_contact(api: Api) -> None:
    for fields, returning, company in (
        ({"COMPANY_ID": 3}, "Y", "3"),
        ({"CONTACT_ID": 4}, "Y", None),
        ({"CONTACT_IDS": [4, 5]}, "Y", None),
        # An unset client is null, never "0".
        ({"COMPANY_ID": 0, "CONTACT_ID": 0}, "N", None),
        ({"COMPANY_ID": "", "CONTACT_ID": None}, "N", None),
        ({"COMPANY_TITLE": "Only a name"}, "N", None),
    ):
        lead = get(api, api.call("crm.lead.add", {"fields": fields}))
        assert (lead["IS_RETURN_CUSTOMER"], lead["COMPANY_ID"]) == (returning, company), fields


@pytest.mark.usefixtures("clients")
def test_contact_ids_make_the_first_contact_the_primary_one(api: Api) -> None:
    lead_id = api.call("crm.lead.add", {"fields": {"CONTACT_IDS": [12, "11", 12]}})
    lead = get(api, lead_id)
    assert lead["CONTACT_ID"] == "12"
    assert "CONTACT_IDS" not in lead


def test_the_stage_decides_the_semantic_and_the_closing_date(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    for stage, semantic, closed in (
        ("NEW", "P", ""),
        ("IN_PROCESS", "P", ""),
        ("PROCESSED", "P", ""),
        ("CONVERTED", "S", MOMENT_TEXT),
        ("JUNK", "F", MOMENT_TEXT),
    ):
        lead = get(api, api.call("crm.lead.add", {"fields": {"STATUS_ID": stage}}))
        found = (lead["STATUS_ID"], lead["STATUS_SEMANTIC_ID"], lead["DATE_CLOSED"])
        assert found == (stage, semantic, closed)
        assert (lead["MOVED_BY_ID"], lead["MOVED_TIME"]) == ("1", MOMENT_TEXT)


def test_a_custom_failure_stage_has_the_failure_semantic(api: Api) -> None:
    api.call(
        "crm.status.add",
        {"fields": {"ENTITY_ID": "STATUS", "STATUS_ID": "SPAM", "NAME": "Spam", "SEMANTICS": "F"}},
    )
    api.call(
        "crm.status.add",
        {"fields": {"ENTITY_ID": "STATUS", "STATUS_ID": "CALLED", "NAME": "Called", "SORT": 25}},
    )
    spam = get(api, api.call("crm.lead.add", {"fields": {"STATUS_ID": "SPAM"}}))
    assert (spam["STATUS_SEMANTIC_ID"], spam["DATE_CLOSED"] != "") == ("F", True)
    called = get(api, api.call("crm.lead.add", {"fields": {"STATUS_ID": "CALLED"}}))
    assert (called["STATUS_SEMANTIC_ID"], called["DATE_CLOSED"]) == ("P", "")


def test_the_acting_user_creates_and_is_responsible_by_default(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    user_id, prefix = api.new_webhook(scopes=["crm"])
    lead_id = api.as_user(prefix).call("crm.lead.add", {"fields": {"TITLE": "Mine"}})
    lead = get(api, lead_id)
    who = str(user_id)
    assert {k: lead[k] for k in BY_FIELDS} == dict.fromkeys(BY_FIELDS, who)
    other = get(api, api.call("crm.lead.add", {"fields": {"ASSIGNED_BY_ID": user_id}}))
    assert (other["ASSIGNED_BY_ID"], other["CREATED_BY_ID"]) == (who, "1")


BY_FIELDS = ("ASSIGNED_BY_ID", "CREATED_BY_ID", "MODIFY_BY_ID", "MOVED_BY_ID", "LAST_ACTIVITY_BY")


# -- refusals -----------------------------------------------------------------------------------

INVALID_VALUES = [
    ({"STATUS_ID": "NOPE"}, "The field Stage (STATUS_ID) has an unknown value 'NOPE'."),
    ({"STATUS_ID": "new"}, "The field Stage (STATUS_ID) has an unknown value 'new'."),
    ({"SOURCE_ID": "NOPE"}, "The field Source (SOURCE_ID) has an unknown value 'NOPE'."),
    ({"HONORIFIC": "HNR_X"}, "The field Salutation (HONORIFIC) has an unknown value 'HNR_X'."),
    ({"CURRENCY_ID": "XYZ"}, "The field Currency (CURRENCY_ID) has an unknown value 'XYZ'."),
    (
        {"ASSIGNED_BY_ID": 999},
        "The field Responsible User (ASSIGNED_BY_ID) has an unknown value '999'.",
    ),
    (
        {"ASSIGNED_BY_ID": -1},
        "The field Responsible User (ASSIGNED_BY_ID) has an unknown value '-1'.",
    ),
    (
        {"ASSIGNED_BY_ID": "abc"},
        "The field Responsible User (ASSIGNED_BY_ID) is invalid: an integer is expected.",
    ),
    (
        {"OPPORTUNITY": "a lot"},
        "The field Amount (OPPORTUNITY) is invalid: a number is expected.",
    ),
    (
        {"OPPORTUNITY": True},
        "The field Amount (OPPORTUNITY) is invalid: a number is expected.",
    ),
    (
        {"BIRTHDATE": "yesterday"},
        "The field Birthdate (BIRTHDATE) is invalid: a date (YYYY-MM-DD) is expected.",
    ),
    (
        {"BIRTHDATE": "2024-02-30"},
        "The field Birthdate (BIRTHDATE) is invalid: a date (YYYY-MM-DD) is expected.",
    ),
    ({"OPENED": "maybe"}, "The field Available to All (OPENED) is invalid: Y or N is expected."),
    ({"COMPANY_ID": 1.5}, "The field Company (COMPANY_ID) is invalid: an integer is expected."),
    ({"CONTACT_ID": "x"}, "The field Contact (CONTACT_ID) is invalid: an integer is expected."),
    (
        {"CONTACT_IDS": ["x"]},
        "The field CONTACT_IDS (CONTACT_IDS) is invalid: contact ids are expected.",
    ),
    (
        {"CONTACT_IDS": [2**31]},
        "The field CONTACT_IDS (CONTACT_IDS) is invalid: contact ids are expected.",
    ),
    ({"TITLE": {"a": "b"}}, "The field Lead Title (TITLE) is invalid: a string is expected."),
    ({"NAME": ["Gleb"]}, "The field First Name (NAME) is invalid: a string is expected."),
    (
        {"ADDRESS_LOC_ADDR_ID": "1e3"},
        "The field Location Address ID (ADDRESS_LOC_ADDR_ID) is invalid: an integer is expected.",
    ),
    (
        {"TITLE": "x" * 256},
        "The field Lead Title (TITLE) is invalid: at most 255 characters are expected.",
    ),
    (
        {"COMMENTS": "a\x00b"},
        "The field Comments (COMMENTS) is invalid: a NUL character is not allowed.",
    ),
    (
        {"COMPANY_ID": 2**31},
        "The field Company (COMPANY_ID) is invalid: an integer between -2147483648 and"
        " 2147483647 is expected.",
    ),
    (
        {"ASSIGNED_BY_ID": 2**40},
        "The field Responsible User (ASSIGNED_BY_ID) is invalid: an integer between -2147483648"
        " and 2147483647 is expected.",
    ),
]


def test_a_value_that_does_not_fit_is_refused_and_nothing_is_written(api: Api) -> None:
    before = database_rows(api)
    for fields, description in INVALID_VALUES:
        status, body = api.error("crm.lead.add", {"fields": {"TITLE": "Refused", **fields}})
        expected = {"error": "ERROR_CORE", "error_description": description}
        assert (status, body) == (400, expected), fields
    assert database_rows(api) == before


def test_every_field_that_does_not_fit_is_named_in_one_answer(api: Api) -> None:
    before = database_rows(api)
    status, body = api.error(
        "crm.lead.add",
        {"fields": {"OPPORTUNITY": "x", "OPENED": "x", "PHONE": [{"VALUE": "1"}]}},
    )
    assert (status, body) == (
        400,
        {
            "error": "ERROR_CORE",
            "error_description": "The field Amount (OPPORTUNITY) is invalid: a number is expected."
            " The field Available to All (OPENED) is invalid: Y or N is expected.",
        },
    )
    status, body = api.error(
        "crm.lead.add", {"fields": {"STATUS_ID": "NOPE", "CURRENCY_ID": "XYZ"}}
    )
    assert (status, body["error_description"]) == (
        400,
        "The field Stage (STATUS_ID) has an unknown value 'NOPE'."
        " The field Currency (CURRENCY_ID) has an unknown value 'XYZ'.",
    )
    assert database_rows(api) == before


def test_fields_that_are_not_a_map_are_refused(api: Api) -> None:
    before = database_rows(api)
    for fields in ("text", 5, ["TITLE"], True):
        assert api.error("crm.lead.add", {"fields": fields}) == (
            400,
            {"error": "", "error_description": "Parameter 'fields' must be array."},
        ), fields
    assert database_rows(api) == before


def test_params_that_are_not_a_map_are_refused(api: Api) -> None:
    status, body = api.error("crm.lead.add", {"fields": {"TITLE": "x"}, "params": "Y"})
    assert (status, body) == (
        400,
        {"error": "", "error_description": "Parameter 'params' must be array."},
    )
    assert lead_count(api) == 0


def test_an_empty_php_array_counts_as_an_empty_map(api: Api) -> None:
    """PHP clients encode an empty array as ``[]``, for ``fields`` as for ``params``."""
    lead_id = api.call("crm.lead.add", {"fields": [], "params": []})
    assert get(api, lead_id)["TITLE"] == f"Lead #{lead_id}"
    named = api.call("crm.lead.add", {"fields": {"TITLE": "x"}, "params": []})
    assert get(api, named)["TITLE"] == "x"


# -- parameter names and encodings --------------------------------------------------------------


def _without_ids(lead: dict[str, Any]) -> dict[str, Any]:
    found = {k: v for k, v in lead.items() if k != "ID"}
    for name in ("PHONE", "EMAIL", "WEB", "IM", "LINK"):
        if name in found:
            found[name] = [{**item, "ID": "?"} for item in found[name]]
    return found


ENCODED_ADD = {
    "fields": {
        **FULL_FIELDS,
        "PHONE": [
            {"VALUE": "555888", "VALUE_TYPE": "WORK"},
            {"VALUE": "+1 555", "VALUE_TYPE": "MOBILE"},
        ],
        "EMAIL": [{"VALUE": "gleb@example.com", "VALUE_TYPE": "HOME"}],
        "IM": [{"VALUE": "imol|livechat|1|67|21", "VALUE_TYPE": "OPENLINE"}],
    },
    "params": {"REGISTER_SONET_EVENT": "Y"},
}


@pytest.mark.usefixtures("clients")
def test_upper_case_parameter_names_work_as_lower_case_ones(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    lower = get(api, api.call("crm.lead.add", ENCODED_ADD))
    upper = get(
        api,
        api.call("crm.lead.add", {"FIELDS": ENCODED_ADD["fields"], "PARAMS": {"X": "Y"}}),
    )
    assert _without_ids(upper) == _without_ids(lower)
    assert lower["HAS_IMOL"] == lower["HAS_PHONE"] == lower["HAS_EMAIL"] == "Y"


@pytest.mark.usefixtures("clients")
def test_a_form_body_and_a_query_string_add_the_same_lead_as_json(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    from_json = get(api, api.call("crm.lead.add", ENCODED_ADD))
    form = api.client.post(api.prefix + "crm.lead.add", data=dict(php_pairs(ENCODED_ADD)))
    assert form.status_code == 200
    assert type(form.json()["result"]) is int
    query = api.get("crm.lead.add", php_query(ENCODED_ADD))
    assert query.status_code == 200
    assert type(query.json()["result"]) is int
    for lead_id in (form.json()["result"], query.json()["result"]):
        assert _without_ids(get(api, lead_id)) == _without_ids(from_json)
    assert lead_count(api) == 3


def test_a_form_body_with_bitrix_style_item_keys(api: Api) -> None:
    """The Bitrix24 card posts new multifield items keyed ``n0``, ``n1``."""
    body = {
        "fields[TITLE]": "Form",
        "fields[PHONE][n0][VALUE]": "111",
        "fields[PHONE][n0][VALUE_TYPE]": "MOBILE",
        "fields[PHONE][n1][VALUE]": "222",
    }
    response = api.client.post(api.prefix + "crm.lead.add", data=body)
    lead = get(api, response.json()["result"])
    assert [(p["VALUE"], p["VALUE_TYPE"]) for p in lead["PHONE"]] == [
        ("111", "MOBILE"),
        ("222", "WORK"),
    ]


def test_a_form_body_error_is_the_same_as_a_json_one(api: Api) -> None:
    response = api.client.post(
        api.prefix + "crm.lead.add", data={"fields[TITLE]": "x", "fields[STATUS_ID]": "NOPE"}
    )
    assert (response.status_code, response.json()) == (
        400,
        {
            "error": "ERROR_CORE",
            "error_description": "The field Stage (STATUS_ID) has an unknown value 'NOPE'.",
        },
    )
    response = api.get("crm.lead.add", "fields=abc")
    assert (response.status_code, response.json()) == (
        400,
        {"error": "", "error_description": "Parameter 'fields' must be array."},
    )
    assert lead_count(api) == 0


# -- in a batch -------------------------------------------------------------------------------

BATCH_ADDS: dict[str, dict[str, Any]] = {
    "full": ENCODED_ADD,
    "untitled": {"fields": {"NAME": "Nameless", "EMAIL": [{"VALUE": "n@example.com"}]}},
    "bad_amount": {"fields": {"TITLE": "Refused", "OPPORTUNITY": "x"}},
    "unknown_stage": {"fields": {"TITLE": "Refused", "STATUS_ID": "NOPE", "CURRENCY_ID": "XYZ"}},
    "not_a_map": {"fields": "text"},
    "foreign_item": {"fields": {"TITLE": "Refused", "PHONE": [{"ID": 5, "VALUE": "+1 555"}]}},
    "defaults": {"fields": {}},
    "won": {"fields": {"TITLE": "Won", "STATUS_ID": "CONVERTED", "ASSIGNED_BY_ID": 0}},
}


def test_adds_in_a_batch_answer_each_what_a_single_add_answers(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Consecutive adds run as one bulk add; each still gets its own id or its own error."""
    freeze(monkeypatch)
    singles: dict[str, Any] = {}
    for key, params in BATCH_ADDS.items():
        answer = api.post("crm.lead.add", params).json()
        singles[key] = answer.get(
            "result", {k: answer.get(k) for k in ("error", "error_description")}
        )
    cmd = {key: "crm.lead.add?" + php_query(params) for key, params in BATCH_ADDS.items()}
    response = api.post("batch", {"cmd": cmd})
    assert response.status_code == 200
    result = response.json()["result"]
    refused = {k: v for k, v in singles.items() if isinstance(v, dict)}
    assert result["result_error"] == refused
    added = result["result"]
    assert list(added) == [k for k in BATCH_ADDS if k not in refused]
    for key, lead_id in added.items():
        lead = get(api, lead_id)
        alone = get(api, singles[key])
        if key in ("untitled", "defaults"):
            assert (lead["TITLE"], alone["TITLE"]) == (f"Lead #{lead_id}", f"Lead #{singles[key]}")
            lead.pop("TITLE"), alone.pop("TITLE")
        assert _without_ids(lead) == _without_ids(alone), key
    assert lead_count(api) == 2 * len(added)
