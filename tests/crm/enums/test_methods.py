"""crm.enum.* and crm.multifield.fields: the documented answers, exactly."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import Api


def _item(id_: int, name: str, code: str | None = None, short: str | None = None) -> Any:
    return {"ID": id_, "NAME": name, "SYMBOL_CODE": code, "SYMBOL_CODE_SHORT": short}


def _descriptor(type_: str, title: str, *, read_only: bool = True) -> Any:
    return {
        "type": type_,
        "isRequired": False,
        "isReadOnly": read_only,
        "isImmutable": False,
        "isMultiple": False,
        "isDynamic": False,
        "title": title,
    }


UNDEFINED = _item(0, "")
DOCUMENTED: dict[str, list[Any]] = {
    "crm.enum.ownertype": [
        _item(1, "Lead", "LEAD", "L"),
        _item(2, "Deal", "DEAL", "D"),
        _item(3, "Contact", "CONTACT", "C"),
        _item(4, "Company", "COMPANY", "CO"),
        _item(5, "Invoice (old version)", "INVOICE", "I"),
        _item(31, "Invoice", "SMART_INVOICE", "SI"),
        _item(7, "Quote", "QUOTE", "Q"),
        _item(8, "Billing Details", "REQUISITE", "RQ"),
        _item(36, "Document", "SMART_DOCUMENT", "DO"),
        _item(39, "Company Document", "SMART_B2E_DOC", "SBD"),
    ],
    "crm.enum.settings.mode": [_item(1, "Classic CRM"), _item(2, "Simple CRM")],
    "crm.enum.addresstype": [
        _item(11, "Shipping address"),
        _item(1, "Physical address"),
        _item(6, "Legal address"),
        _item(4, "Registered address"),
        _item(8, "Mailing address"),
        _item(9, "Beneficiary address"),
    ],
    "crm.enum.contenttype": [
        UNDEFINED,
        _item(1, "Plain text"),
        _item(2, "bbCode"),
        _item(3, "HTML"),
    ],
    "crm.enum.activitytype": [
        UNDEFINED,
        _item(1, "Meeting"),
        _item(2, "Call"),
        _item(3, "Task"),
        _item(4, "E-mail"),
        _item(5, "Action"),
        _item(6, "User Action"),
    ],
    "crm.enum.activitystatus": [
        UNDEFINED,
        _item(1, "Pending"),
        _item(2, "Completed"),
        _item(3, "Automatically Completed"),
    ],
    "crm.enum.activitypriority": [
        UNDEFINED,
        _item(1, "low"),
        _item(2, "medium"),
        _item(3, "high"),
    ],
    "crm.enum.activitydirection": [UNDEFINED, _item(1, "Incoming"), _item(2, "Outgoing")],
    "crm.enum.activitynotifytype": [
        UNDEFINED,
        _item(1, "min."),
        _item(2, "h."),
        _item(3, "d."),
    ],
    "crm.enum.getorderownertypes": [{"attribute": "DYN", "code": "DEAL", "id": 2, "name": "Deal"}],
}


@pytest.mark.parametrize("name", list(DOCUMENTED))
def test_enumerations_answer_as_documented(api: Api, name: str) -> None:
    result = api.call(name, {})
    assert result == DOCUMENTED[name]
    for got, expected in zip(result, DOCUMENTED[name], strict=True):
        assert list(got) == list(expected)


def test_enum_fields(api: Api) -> None:
    result = api.call("crm.enum.fields", {})
    expected = {
        "ID": _descriptor("int", "ID"),
        "NAME": _descriptor("string", "Name"),
        "SYMBOL_CODE": _descriptor("string", "Symbol code"),
        "SYMBOL_CODE_SHORT": _descriptor("string", "Short symbol code"),
    }
    assert result == expected
    assert list(result) == list(expected)


def test_multifield_fields(api: Api) -> None:
    result = api.call("crm.multifield.fields", {})
    expected = {
        "ID": _descriptor("int", "ID"),
        "TYPE_ID": _descriptor("string", "Field Type"),
        "VALUE": _descriptor("string", "Value", read_only=False),
        "VALUE_TYPE": _descriptor("string", "Value Type", read_only=False),
    }
    assert result == expected
    assert list(result) == list(expected)


def test_the_mode_enumeration_decodes_crm_settings_mode_get(api: Api) -> None:
    mode = api.call("crm.settings.mode.get")
    names = {item["ID"]: item["NAME"] for item in api.call("crm.enum.settings.mode")}
    assert names[mode] == "Classic CRM"


def test_enumerations_are_open_to_any_crm_user_and_method_names_ignore_case(api: Api) -> None:
    _, prefix = api.new_webhook(scopes=["crm"])
    user = api.as_user(prefix)
    assert user.call("CRM.Enum.OwnerType")[0] == _item(1, "Lead", "LEAD", "L")
