"""crm.currency.*: the documented examples replayed against the seeded currencies."""

from __future__ import annotations

import re
from typing import Any

import pytest

from leadcrm.crm.currencies import service
from tests.support import Api

ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
ANSWER_KEYS = [
    "CURRENCY",
    "AMOUNT_CNT",
    "AMOUNT",
    "SORT",
    "BASE",
    "FULL_NAME",
    "LID",
    "FORMAT_STRING",
    "DEC_POINT",
    "THOUSANDS_SEP",
    "DECIMALS",
    "DATE_UPDATE",
]
LANG_KEYS = [
    "FORMAT_STRING",
    "FULL_NAME",
    "DEC_POINT",
    "THOUSANDS_SEP",
    "DECIMALS",
    "THOUSANDS_VARIANT",
    "HIDE_ZERO",
]


def _descriptor(type_: str, title: str, *, read_only: bool = False, multiple: bool = False) -> Any:
    return {
        "type": type_,
        "isRequired": False,
        "isReadOnly": read_only,
        "isImmutable": False,
        "isMultiple": multiple,
        "isDynamic": False,
        "title": title,
    }


DOC_FIELDS = {
    "CURRENCY": _descriptor("string", "Currency"),
    "AMOUNT_CNT": _descriptor("int", "Face value"),
    "AMOUNT": _descriptor("double", "Exchange rate"),
    "BASE": _descriptor("char", "Base currency", read_only=True),
    "SORT": _descriptor("int", "Sorting"),
    "DATE_UPDATE": _descriptor("datetime", "Date modified", read_only=True),
    "LID": _descriptor("string", "Website", read_only=True),
    "FORMAT_STRING": _descriptor("string", "Currency output format string", read_only=True),
    "FULL_NAME": _descriptor("string", "Name", read_only=True),
    "DEC_POINT": _descriptor("string", "Decimal point for output", read_only=True),
    "THOUSANDS_SEP": _descriptor("string", "Custom thousands separator for output", read_only=True),
    "DECIMALS": _descriptor("int", "Number of decimal places", read_only=True),
    "LANG": _descriptor("currency_localization", "Language binding", multiple=True),
}


def test_fields_are_the_documented_descriptors_in_order(api: Api) -> None:
    result = api.call("crm.currency.fields", {})
    assert result == DOC_FIELDS
    assert list(result) == list(DOC_FIELDS)


def test_the_documented_list_request(api: Api) -> None:
    response = api.post("crm.currency.list", {"order": {"sort": "asc", "currency": "asc"}})
    body = response.json()
    assert response.status_code == 200
    # "Currently always has a value of 0."
    assert body["total"] == 0
    assert "next" not in body
    items = body["result"]
    assert [item["CURRENCY"] for item in items] == ["USD", "EUR", "RUB"]
    for item in items:
        assert list(item) == ANSWER_KEYS
        assert ISO_WITH_OFFSET.match(item["DATE_UPDATE"])
        assert item["LID"] == "en"
        assert item["DECIMALS"] == "2"
    usd, eur, rub = items
    assert {k: v for k, v in usd.items() if k != "DATE_UPDATE"} == {
        "CURRENCY": "USD",
        "AMOUNT_CNT": "1",
        "AMOUNT": "1.0000",
        "SORT": "100",
        "BASE": "Y",
        "FULL_NAME": "US Dollar",
        "LID": "en",
        "FORMAT_STRING": "$#",
        "DEC_POINT": ".",
        "THOUSANDS_SEP": None,
        "DECIMALS": "2",
    }
    assert (eur["AMOUNT_CNT"], eur["AMOUNT"], eur["BASE"], eur["SORT"]) == (
        "1",
        "1.0800",
        "N",
        "200",
    )
    assert (rub["AMOUNT_CNT"], rub["AMOUNT"], rub["BASE"], rub["FULL_NAME"]) == (
        "100",
        "1.1000",
        "N",
        "Russian Ruble",
    )


def test_list_orders_as_asked(api: Api) -> None:
    items = api.call("crm.currency.list", {"order": {"CURRENCY": "DESC"}})
    assert [item["CURRENCY"] for item in items] == ["USD", "RUB", "EUR"]
    items = api.call("crm.currency.list", {"order": {"SORT": "desc"}})
    assert [item["CURRENCY"] for item in items] == ["RUB", "EUR", "USD"]
    assert [item["CURRENCY"] for item in api.call("crm.currency.list")] == ["USD", "EUR", "RUB"]


def test_list_refuses_an_unknown_order_field(api: Api) -> None:
    status, body = api.error("crm.currency.list", {"order": {"FULL_NAME": "asc"}})
    assert status == 400
    assert body == {"error": "", "error_description": "Sort field 'FULL_NAME' is not supported."}


def test_the_documented_get_shows_every_localisation(api: Api) -> None:
    result = api.call("crm.currency.get", {"id": "USD"})
    assert list(result) == [*ANSWER_KEYS, "LANG"]
    listed = api.call("crm.currency.list")[0]
    assert {k: result[k] for k in ANSWER_KEYS} == listed
    assert result["LANG"] == {
        "de": {
            "FORMAT_STRING": "# $",
            "FULL_NAME": "US-Dollar",
            "DEC_POINT": ",",
            "THOUSANDS_SEP": "&nbsp;",
            "DECIMALS": "2",
            "THOUSANDS_VARIANT": "B",
            "HIDE_ZERO": "Y",
        },
        "en": {
            "FORMAT_STRING": "$#",
            "FULL_NAME": "US Dollar",
            "DEC_POINT": ".",
            "THOUSANDS_SEP": None,
            "DECIMALS": "2",
            "THOUSANDS_VARIANT": "C",
            "HIDE_ZERO": "Y",
        },
    }
    assert all(list(lang) == LANG_KEYS for lang in result["LANG"].values())


def test_get_takes_the_id_in_any_case_of_its_name(api: Api) -> None:
    assert api.call("crm.currency.get", {"ID": "EUR"})["AMOUNT"] == "1.0800"


@pytest.mark.parametrize("params", [{"id": "XXX"}, {"id": "usd"}, {}, {"id": 5}])
def test_get_of_an_unknown_currency_is_not_found(api: Api, params: dict[str, Any]) -> None:
    status, body = api.error("crm.currency.get", params)
    assert status == 400
    assert body == {"error": "", "error_description": "Not found"}


def test_the_documented_base_get(api: Api) -> None:
    assert api.call("crm.currency.base.get", {}) == "USD"


def test_any_crm_user_may_read(api: Api) -> None:
    _, prefix = api.new_webhook(scopes=["crm"])
    user = api.as_user(prefix)
    assert user.call("crm.currency.base.get") == "USD"
    assert len(user.call("crm.currency.list")) == 3
    assert user.call("crm.currency.get", {"id": "RUB"})["CURRENCY"] == "RUB"


def test_service_answers_existence_and_the_base(api: Api) -> None:
    with api.runtime.engine.connect() as conn:
        assert service.currency_exists(conn, currency_id="EUR")
        assert not service.currency_exists(conn, currency_id="GBP")
        assert service.base_currency(conn) == "USD"
