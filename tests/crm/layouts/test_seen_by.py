"""The layout a user sees on a lead's card (the web UI's service function).

``layout_seen_by`` picks the user's personal layout for the lead's customer type, else the
common one, else the default: a section "main" ("About the lead") with every system field of
crm.lead.fields in catalogue order (a repeat lead's without PHONE, EMAIL, WEB, IM and the
ADDRESS* fields), then, when custom fields exist, "user_fields" ("More") with them in SORT
order. A lead is a repeat one (customer type 2) when IS_RETURN_CUSTOMER is "Y": it has a
company or contacts bound.
"""

from __future__ import annotations

from typing import Any

import pytest

from leadcrm.crm.leads.card import layout_seen_by
from tests.crm.layouts.test_doc_examples import get_layout, section, set_layout
from tests.support import Api, add_clients

REPEAT_HIDDEN = {"PHONE", "EMAIL", "WEB", "IM", "LINK"}


def seen(api: Api, *, user_id: int, lead_id: int) -> Any:
    with api.runtime.engine.connect() as conn:
        return layout_seen_by(conn, user_id=user_id, lead_id=lead_id)


def add_lead(api: Api, **fields: Any) -> int:
    lead_id: int = api.call("crm.lead.add", {"fields": {"TITLE": "Card", **fields}})
    return lead_id


def system_fields(api: Api) -> list[str]:
    return [name for name in api.call("crm.lead.fields") if not name.startswith("UF_")]


def default_main(api: Api, *, repeat: bool) -> dict[str, Any]:
    names = [
        n
        for n in system_fields(api)
        if not (repeat and (n in REPEAT_HIDDEN or n.startswith("ADDRESS")))
    ]
    return section("main", "About the lead", *names)


@pytest.fixture(autouse=True)
def clients(api: Api) -> None:
    """The contacts and companies the leads below name."""
    add_clients(api, contacts=5, companies=9)


@pytest.fixture
def simple_lead(api: Api) -> int:
    lead_id = add_lead(api)
    assert api.call("crm.lead.get", {"id": lead_id})["IS_RETURN_CUSTOMER"] == "N"
    return lead_id


@pytest.fixture
def repeat_lead(api: Api) -> int:
    lead_id = add_lead(api, COMPANY_ID=3)
    assert api.call("crm.lead.get", {"id": lead_id})["IS_RETURN_CUSTOMER"] == "Y"
    return lead_id


def test_the_default_when_nothing_is_stored(api: Api, simple_lead: int) -> None:
    got = seen(api, user_id=1, lead_id=simple_lead)
    assert (got.source, got.customer_type) == ("default", 1)
    assert got.sections == [default_main(api, repeat=False)]
    names = [e["name"] for e in got.sections[0]["elements"]]
    assert names[:2] == ["ID", "TITLE"]
    assert {"PHONE", "EMAIL", "ADDRESS", "ADDRESS_CITY", "COMPANY_ID"} <= set(names)
    assert list(got.sections[0]) == ["name", "title", "type", "elements"]


def test_the_repeat_default_lacks_the_contact_fields(api: Api, repeat_lead: int) -> None:
    got = seen(api, user_id=1, lead_id=repeat_lead)
    assert (got.source, got.customer_type) == ("default", 2)
    assert got.sections == [default_main(api, repeat=True)]
    names = {e["name"] for e in got.sections[0]["elements"]}
    assert not names & {"PHONE", "EMAIL", "WEB", "IM", "ADDRESS", "ADDRESS_2", "ADDRESS_CITY"}
    assert {"TITLE", "COMPANY_ID", "COMMENTS", "UTM_SOURCE"} <= names


@pytest.mark.parametrize(
    "fields", [{"CONTACT_ID": 4}, {"CONTACT_IDS": [4, 5]}, {"COMPANY_ID": "7", "CONTACT_ID": 2}]
)
def test_a_lead_with_contacts_is_a_repeat_lead(api: Api, fields: dict[str, Any]) -> None:
    lead_id = add_lead(api, **fields)
    assert seen(api, user_id=1, lead_id=lead_id).customer_type == 2


def test_the_default_lists_custom_fields_in_sort_order(
    api: Api, simple_lead: int, repeat_lead: int
) -> None:
    for code, sort in (("LATE", 300), ("EARLY", 100), ("MIDDLE", 200)):
        api.call(
            "crm.lead.userfield.add",
            {"fields": {"FIELD_NAME": code, "USER_TYPE_ID": "string", "SORT": sort}},
        )
    more = section("user_fields", "More", "UF_CRM_EARLY", "UF_CRM_MIDDLE", "UF_CRM_LATE")
    got = seen(api, user_id=1, lead_id=simple_lead)
    assert got.sections == [default_main(api, repeat=False), more]
    # (The repeat lead's main section is test_the_repeat_default_lacks_the_contact_fields's.)
    got = seen(api, user_id=1, lead_id=repeat_lead)
    assert (got.sections[0]["name"], got.sections[1:]) == ("main", [more])


def test_the_common_layout_when_only_it_is_stored(
    api: Api, simple_lead: int, repeat_lead: int
) -> None:
    common = [section("c", "Common", "TITLE", "NAME", flags="1")]
    set_layout(api, common, scope="C")
    employee, _ = api.new_webhook(scopes=["crm"])
    for user_id in (1, employee):
        got = seen(api, user_id=user_id, lead_id=simple_lead)
        assert (got.source, got.customer_type, got.sections) == ("common", 1, common)
        # The repeat lead's card has layouts of its own: none stored, so the default.
        got = seen(api, user_id=user_id, lead_id=repeat_lead)
        assert (got.source, got.customer_type) == ("default", 2)
        assert [(s["name"], s["title"]) for s in got.sections] == [("main", "About the lead")]


def test_the_personal_layout_beats_the_common_one(
    api: Api, simple_lead: int, repeat_lead: int
) -> None:
    employee, _ = api.new_webhook(scopes=["crm"])
    common = [section("c", "Common", "TITLE")]
    mine = [section("p", "Mine", "NAME", "COMMENTS")]
    set_layout(api, common, scope="C")
    set_layout(api, mine, scope="P", userId=employee)

    got = seen(api, user_id=employee, lead_id=simple_lead)
    assert (got.source, got.customer_type, got.sections) == ("personal", 1, mine)
    got = seen(api, user_id=1, lead_id=simple_lead)
    assert (got.source, got.sections) == ("common", common)

    # A personal layout without a common one.
    api.call("crm.lead.details.configuration.reset", {"scope": "C"})
    got = seen(api, user_id=employee, lead_id=simple_lead)
    assert (got.source, got.sections) == ("personal", mine)
    assert seen(api, user_id=1, lead_id=simple_lead).source == "default"
    # The sections are what get answers for that layout.
    assert got.sections == get_layout(api, scope="P", userId=employee)


def test_a_repeat_lead_uses_the_repeat_layouts(
    api: Api, simple_lead: int, repeat_lead: int
) -> None:
    simple_common = [section("s", "Simple common", "TITLE")]
    repeat_common = [section("r", "Repeat common", "COMPANY_ID", "TITLE")]
    repeat_mine = [
        {
            "name": "rp",
            "title": "Repeat mine",
            "type": "section",
            "elements": [{"name": "TITLE", "optionFlags": "1", "options": {"a": {"b": 1}}}],
        }
    ]
    set_layout(api, simple_common, scope="C")
    set_layout(api, repeat_common, scope="C", extras={"leadCustomerType": 2})

    got = seen(api, user_id=1, lead_id=repeat_lead)
    assert (got.source, got.customer_type, got.sections) == ("common", 2, repeat_common)
    assert seen(api, user_id=1, lead_id=simple_lead).sections == simple_common

    set_layout(api, repeat_mine, extras={"lead.customer.type": 2})
    got = seen(api, user_id=1, lead_id=repeat_lead)
    assert (got.source, got.customer_type, got.sections) == ("personal", 2, repeat_mine)
    got = seen(api, user_id=1, lead_id=simple_lead)
    assert (got.source, got.sections) == ("common", simple_common)

    # forceCommonScopeForAll for repeat leads: the common one again.
    api.call(
        "crm.lead.details.configuration.forceCommonScopeForAll", {"extras": {"leadCustomerType": 2}}
    )
    assert seen(api, user_id=1, lead_id=repeat_lead).source == "common"


def test_the_customer_type_follows_the_lead(api: Api, simple_lead: int) -> None:
    set_layout(api, [section("r", "Repeat", "TITLE")], scope="C", extras={"leadCustomerType": 2})
    assert seen(api, user_id=1, lead_id=simple_lead).source == "default"
    api.call("crm.lead.update", {"id": simple_lead, "fields": {"COMPANY_ID": 9}})
    got = seen(api, user_id=1, lead_id=simple_lead)
    assert (got.source, got.customer_type) == ("common", 2)
    api.call("crm.lead.update", {"id": simple_lead, "fields": {"COMPANY_ID": 0}})
    assert seen(api, user_id=1, lead_id=simple_lead).customer_type == 1


def test_none_for_a_missing_lead(api: Api, simple_lead: int) -> None:
    set_layout(api, [section("c", "Common", "TITLE")], scope="C")
    assert seen(api, user_id=1, lead_id=simple_lead + 1000) is None
    assert seen(api, user_id=1, lead_id=0) is None
    api.call("crm.lead.delete", {"id": simple_lead})
    assert seen(api, user_id=1, lead_id=simple_lead) is None
