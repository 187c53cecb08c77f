"""Which layout a call addresses: personal per user, common, simple or repeat lead.

Every layout is a separate thing: one user's personal layout, another's, the common one, each
for simple leads (leadCustomerType 1, the default) and for repeat leads (2). Setting, resetting
or forcing the common layout touches exactly the layouts the issue 6 contract names; deleting
a custom field takes its element out of every stored layout.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.crm.layouts.test_doc_examples import (
    FORCE,
    SET,
    get_layout,
    reset_layout,
    section,
    set_layout,
)
from tests.support import Api

SIMPLE = {"leadCustomerType": 1}
REPEAT = {"leadCustomerType": 2}


def layout(tag: str) -> list[dict[str, Any]]:
    """A layout told apart from the others by its section name and title."""
    return [section(tag, f"Section {tag}", "TITLE"), section(f"{tag}-2", "More", "COMMENTS")]


@pytest.fixture
def users(api: Api) -> tuple[int, int]:
    """Two ordinary users beside the administrator (user 1)."""
    return api.new_webhook(scopes=["crm"])[0], api.new_webhook(scopes=["crm"])[0]


def every_layout(api: Api, user_ids: list[int]) -> dict[tuple[str, int, int], Any]:
    """(scope, user, customer type) -> what get answers; user 0 for the common layout."""
    found: dict[tuple[str, int, int], Any] = {}
    for kind in (1, 2):
        extras = {"leadCustomerType": kind}
        found["C", 0, kind] = get_layout(api, scope="C", extras=extras)
        for user_id in user_ids:
            found["P", user_id, kind] = get_layout(api, scope="P", userId=user_id, extras=extras)
    return found


def fill(api: Api, user_ids: list[int]) -> dict[tuple[str, int, int], Any]:
    """A different layout in every place; returns what each should read."""
    expected: dict[tuple[str, int, int], Any] = {}
    for kind in (1, 2):
        extras = {"leadCustomerType": kind}
        expected["C", 0, kind] = layout(f"c{kind}")
        set_layout(api, expected["C", 0, kind], scope="C", extras=extras)
        for user_id in user_ids:
            expected["P", user_id, kind] = layout(f"p{user_id}-{kind}")
            set_layout(api, expected["P", user_id, kind], scope="P", userId=user_id, extras=extras)
    return expected


def test_every_layout_is_stored_apart(api: Api, users: tuple[int, int]) -> None:
    user_ids = [1, *users]
    assert set(every_layout(api, user_ids).values()) == {None}
    expected = fill(api, user_ids)
    assert every_layout(api, user_ids) == expected
    assert len({repr(v) for v in expected.values()}) == len(expected)


def test_personal_layouts_are_per_user(api: Api, users: tuple[int, int]) -> None:
    first, second = users
    set_layout(api, layout("first"), userId=first)
    assert get_layout(api, userId=first) == layout("first")
    assert get_layout(api, userId=second) is None
    assert get_layout(api) is None  # the administrator's own
    assert get_layout(api, scope="C") is None

    # Each user reads their own, with or without naming themselves.
    _, prefix = api.new_webhook(scopes=["crm"], user_id=first)
    as_first = api.as_user(prefix)
    assert get_layout(as_first) == layout("first")
    assert get_layout(as_first, userId=first) == layout("first")
    _, prefix = api.new_webhook(scopes=["crm"], user_id=second)
    as_second = api.as_user(prefix)
    assert get_layout(as_second) is None
    set_layout(as_second, layout("second"))
    assert get_layout(api, userId=second) == layout("second")
    assert get_layout(api, userId=first) == layout("first")


def test_common_and_personal_are_apart(api: Api) -> None:
    set_layout(api, layout("common"), scope="C")
    assert get_layout(api) is None
    assert get_layout(api, scope="P", userId=1) is None
    set_layout(api, layout("mine"), scope="P")
    assert get_layout(api, scope="C") == layout("common")
    assert get_layout(api, scope="c") == layout("common")
    assert get_layout(api, scope="p") == layout("mine")
    assert get_layout(api, SCOPE="C") == layout("common")


@pytest.mark.parametrize(
    "extras",
    [
        {"leadCustomerType": 2},
        {"leadCustomerType": "2"},
        {"lead.customer.type": 2},
        {"lead.customer.type": "2"},
        {"LEAD_CUSTOMER_TYPE": 2},
        {"leadcustomertype": 2},
        {"LEAD.CUSTOMER.TYPE": "2"},
        {"other": 1, "leadCustomerType": 2},
    ],
)
def test_the_spellings_of_the_customer_type_address_the_same_layout(
    api: Api, extras: dict[str, Any]
) -> None:
    for scope, params in (("P", {"userId": 1}), ("C", {})):
        set_layout(api, layout(f"repeat-{scope}"), scope=scope, extras=extras, **params)
        for read in ({"leadCustomerType": 2}, {"lead.customer.type": 2}, extras):
            assert get_layout(api, scope=scope, extras=read, **params) == layout(f"repeat-{scope}")
        # The simple-lead layout is another one.
        for read in ({}, SIMPLE, {"lead.customer.type": 1}, {"leadCustomerType": "1"}):
            assert get_layout(api, scope=scope, extras=read, **params) is None
        reset_layout(api, scope=scope, extras=extras, **params)
        assert get_layout(api, scope=scope, extras=REPEAT, **params) is None


def test_simple_and_repeat_layouts_are_apart(api: Api) -> None:
    set_layout(api, layout("simple"))
    set_layout(api, layout("repeat"), extras={"lead.customer.type": 2})
    assert get_layout(api) == layout("simple")
    assert get_layout(api, extras=SIMPLE) == layout("simple")
    assert get_layout(api, extras={"lead.customer.type": "1"}) == layout("simple")
    assert get_layout(api, extras=REPEAT) == layout("repeat")


def test_reset_removes_only_the_one_layout(api: Api, users: tuple[int, int]) -> None:
    user_ids = [1, *users]
    expected = fill(api, user_ids)
    for key in [("P", users[0], 2), ("C", 0, 1), ("P", 1, 1), ("C", 0, 2), ("P", users[1], 1)]:
        scope, user_id, kind = key
        params: dict[str, Any] = {"scope": scope, "extras": {"lead.customer.type": kind}}
        if scope == "P":
            params["userId"] = user_id
        reset_layout(api, **params)
        expected[key] = None
        assert every_layout(api, user_ids) == expected
        reset_layout(api, **params)  # again: still true, nothing else goes
        assert every_layout(api, user_ids) == expected


@pytest.mark.parametrize(
    ("extras", "kind"),
    [
        pytest.param(None, 1, id="absent"),
        pytest.param({"leadCustomerType": 1}, 1, id="simple"),
        pytest.param({"leadCustomerType": 2}, 2, id="repeat"),
        pytest.param({"lead.customer.type": "2"}, 2, id="repeat-dotted"),
    ],
)
def test_force_common_removes_every_personal_layout_of_that_type(
    api: Api, users: tuple[int, int], extras: dict[str, Any] | None, kind: int
) -> None:
    user_ids = [1, *users]
    expected = fill(api, user_ids)
    assert api.call(FORCE, {} if extras is None else {"extras": extras}) is True
    for user_id in user_ids:
        expected["P", user_id, kind] = None
    assert every_layout(api, user_ids) == expected


def test_force_common_removes_personal_layouts_even_without_a_common_one(
    api: Api, users: tuple[int, int]
) -> None:
    for user_id in users:
        set_layout(api, layout("mine"), userId=user_id)
    assert api.call(FORCE, {}) is True
    for user_id in users:
        assert get_layout(api, userId=user_id) is None
    assert get_layout(api, scope="C") is None


# -- custom fields --------------------------------------------------------------------------------


def add_field(api: Api, name: str, **fields: Any) -> int:
    field_id = api.call(
        "crm.lead.userfield.add",
        {"fields": {"FIELD_NAME": name, "USER_TYPE_ID": "string", **fields}},
    )
    assert isinstance(field_id, int)
    return field_id


def test_set_accepts_custom_fields_in_any_case_and_stores_them_upper(api: Api) -> None:
    add_field(api, "NOTE")
    add_field(api, "PRIORITY", USER_TYPE_ID="integer")
    set_layout(
        api,
        [
            {
                "name": "main",
                "title": "Main",
                "elements": [
                    {"name": "uf_crm_note", "optionFlags": 1},
                    {"name": "Uf_Crm_Priority"},
                    {"name": "title"},
                    {"name": "Phone"},
                ],
            }
        ],
    )
    assert get_layout(api) == [
        {
            "name": "main",
            "title": "Main",
            "type": "section",
            "elements": [
                {"name": "UF_CRM_NOTE", "optionFlags": "1"},
                {"name": "UF_CRM_PRIORITY", "optionFlags": "0"},
                {"name": "TITLE", "optionFlags": "0"},
                {"name": "PHONE", "optionFlags": "0"},
            ],
        }
    ]
    # Two spellings of one field are one field.
    status, body = api.error(
        SET,
        {"data": [section("a", "A", "UF_CRM_NOTE"), section("b", "B", "uf_crm_note")]},
    )
    assert status == 400
    assert body["error_description"].startswith("Element at index 0 in section at index 1 repeats")


def test_the_card_composites_are_fields_of_the_layout(api: Api) -> None:
    names = ["CLIENT", "OPPORTUNITY_WITH_CURRENCY", "PRODUCT_ROW_SUMMARY", "UTM"]
    set_layout(api, [section("main", "Main", *(n.lower() for n in names))])
    assert get_layout(api) == [section("main", "Main", *names)]


def test_every_field_of_crm_lead_fields_may_be_placed(api: Api) -> None:
    add_field(api, "EXTRA")
    names = list(api.call("crm.lead.fields"))
    assert "UF_CRM_EXTRA" in names
    set_layout(api, [section("all", "All", *names)], scope="C")
    assert get_layout(api, scope="C") == [section("all", "All", *names)]


def test_deleting_a_custom_field_takes_it_out_of_every_stored_layout(
    api: Api, users: tuple[int, int]
) -> None:
    gone = add_field(api, "GONE")
    add_field(api, "KEPT")
    with_field = [
        section("first", "First", "TITLE", "UF_CRM_GONE", "NAME"),
        section("kept", "Kept", "UF_CRM_KEPT", "COMMENTS"),
    ]
    without = [
        section("first", "First", "TITLE", "NAME"),
        section("kept", "Kept", "UF_CRM_KEPT", "COMMENTS"),
    ]
    places: list[dict[str, Any]] = []
    for kind in (1, 2):
        places.append({"scope": "C", "extras": {"leadCustomerType": kind}})
        places += [
            {"scope": "P", "userId": u, "extras": {"leadCustomerType": kind}} for u in (1, *users)
        ]
    for place in places:
        set_layout(api, with_field, **place)
    # A section holding only the field stays, empty.
    emptied = {"scope": "P", "userId": users[1], "extras": REPEAT}
    set_layout(api, [section("only", "Only it", "UF_CRM_GONE"), *with_field[1:]], **emptied)
    # Named like the field, but a section: it stays.
    untouched = [section("UF_CRM_GONE", "UF_CRM_GONE", "UF_CRM_KEPT")]
    set_layout(api, untouched, scope="P", userId=users[0], extras=REPEAT)

    assert api.call("crm.lead.userfield.delete", {"id": gone}) is True

    for place in places:
        if place.get("userId") == users[0] and place["extras"] == REPEAT:
            assert get_layout(api, **place) == untouched
        elif place == emptied:
            assert get_layout(api, **place) == [section("only", "Only it"), without[1]]
        else:
            assert get_layout(api, **place) == without, place
    # The name is no field any more; added again, it is one.
    status, body = api.error(SET, {"data": [section("a", "A", "UF_CRM_GONE")]})
    assert (status, body["error_description"]) == (
        400,
        "Element at index 0 in section at index 0 names the unknown field 'UF_CRM_GONE'.",
    )
    add_field(api, "GONE")
    set_layout(api, [section("a", "A", "UF_CRM_GONE")])
    assert get_layout(api) == [section("a", "A", "UF_CRM_GONE")]


def test_deleting_a_custom_field_keeps_its_options_off_the_others(api: Api) -> None:
    """Only the deleted field's element goes; the others keep their flags and options."""
    gone = add_field(api, "GONE_TOO")
    data = [
        {
            "name": "main",
            "title": "Main",
            "type": "section",
            "elements": [
                {"name": "TITLE", "optionFlags": 1, "options": {"x": "UF_CRM_GONE_TOO"}},
                {"name": "UF_CRM_GONE_TOO", "optionFlags": 1, "options": {"a": 1}},
                {"name": "NAME", "options": {"nested": {"k": [1]}}},
            ],
        }
    ]
    set_layout(api, data, scope="C")
    assert api.call("crm.lead.userfield.delete", {"id": gone}) is True
    assert get_layout(api, scope="C") == [
        {
            "name": "main",
            "title": "Main",
            "type": "section",
            "elements": [
                {"name": "TITLE", "optionFlags": "1", "options": {"x": "UF_CRM_GONE_TOO"}},
                {"name": "NAME", "optionFlags": "0", "options": {"nested": {"k": [1]}}},
            ],
        }
    ]


def test_a_set_through_a_batch(api: Api) -> None:
    """The layouts work inside batch like any other method."""
    result = api.call(
        "batch",
        {
            "halt": 0,
            "cmd": {
                "set": f"{SET}?scope=C&data[0][name]=a&data[0][title]=A"
                "&data[0][elements][0][name]=TITLE",
                "get": "crm.lead.details.configuration.get?scope=C",
            },
        },
    )
    assert result["result"]["set"] is True
    assert result["result"]["get"] == [section("a", "A", "TITLE")]
