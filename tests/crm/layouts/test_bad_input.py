"""Lead card layouts refused: every error of the set page and of the issue 6 contract.

Each error is HTTP 400 with an empty ``error`` code and the text as its description, and
each refusal is checked to have written nothing: every table of the database is the same
before and after (a layout stored beforehand included). Permissions: the ``api`` webhook's
user 1 is an administrator; ``api.new_webhook`` makes an ordinary user, who may read the
common layout and read, set and reset their own personal one, and nothing else.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.crm.layouts.test_doc_examples import (
    FORCE,
    GET,
    RESET,
    SET,
    get_layout,
    reset_layout,
    section,
    set_layout,
)
from tests.crm.leads.test_add import database_rows, php_pairs
from tests.support import Api

DENIED = "Access denied."
SCOPE = "Parameter 'scope' must be 'P' or 'C'."
USER_ID = "Parameter 'userId' must be a user ID."
CUSTOMER_TYPE = "The lead customer type must be 1 or 2."
EXTRAS = "Parameter 'extras' must be array."
DATA = "Parameter 'data' must be array."
INDEXED = "The data must be indexed array."
NO_DATA = "There are no data to write."

GOOD = [section("main", "Main", "TITLE", "NAME")]
STORED = [section("stored", "Stored", "COMMENTS", flags="1")]


def refused(api: Api, method: str, params: dict[str, Any], description: str) -> None:
    """The call answers exactly this error and leaves every table as it was."""
    before = database_rows(api)
    assert api.error(method, params) == (400, {"error": "", "error_description": description})
    assert database_rows(api) == before


def refused_form(api: Api, method: str, params: dict[str, Any], description: str) -> None:
    before = database_rows(api)
    response = api.client.post(api.prefix + method, data=dict(php_pairs(params)))
    assert (response.status_code, response.json()) == (
        400,
        {"error": "", "error_description": description},
    )
    assert database_rows(api) == before


@pytest.fixture
def stored(api: Api) -> Api:
    """Something stored in every layout the refused calls could touch."""
    for extras in ({"leadCustomerType": 1}, {"leadCustomerType": 2}):
        set_layout(api, STORED, scope="P", extras=extras)
        set_layout(api, STORED, scope="C", extras=extras)
    return api


def section_of(*elements: Any, **keys: Any) -> dict[str, Any]:
    return {"name": "s", "title": "S", "type": "section", "elements": list(elements), **keys}


# -- parameters, on every method -----------------------------------------------------------------


BAD_PARAMETERS = [
    *(
        pytest.param({"scope": value}, SCOPE, id=f"scope-{n}")
        for n, value in enumerate(["X", "personal", "PC", " P", 1, ["P"], {"P": 1}])
    ),
    pytest.param({"SCOPE": "common"}, SCOPE, id="scope-upper-key"),
    *(
        pytest.param({"scope": "P", "userId": value}, USER_ID, id=f"user-{n}")
        for n, value in enumerate(["abc", -1, "-1", 1.5, "1.5", "1a", True, [1], {"a": 1}])
    ),
    pytest.param({"USERID": "x"}, USER_ID, id="user-upper-key"),
    pytest.param({"userid": -5}, USER_ID, id="user-lower-key"),
    *(
        pytest.param({"extras": {"leadCustomerType": value}}, CUSTOMER_TYPE, id=f"type-{n}")
        for n, value in enumerate([0, 3, "3", "simple", -1, "1x", [1], {"a": 1}])
    ),
    pytest.param({"extras": {"lead.customer.type": 5}}, CUSTOMER_TYPE, id="type-dotted"),
    pytest.param({"extras": {"LEAD_CUSTOMER_TYPE": "0"}}, CUSTOMER_TYPE, id="type-snake"),
    pytest.param({"extras": {"LEADCUSTOMERTYPE": 9}}, CUSTOMER_TYPE, id="type-upper"),
    *(
        pytest.param({"extras": value}, EXTRAS, id=f"extras-{n}")
        for n, value in enumerate(["x", 5, True, ["x"], [1, 2]])
    ),
    pytest.param({"EXTRAS": "lead"}, EXTRAS, id="extras-upper-key"),
]

# The data that would be accepted, so that only the parameter is wrong.
METHODS_WITH_DATA = [
    pytest.param(GET, None, id="get"),
    pytest.param(SET, GOOD, id="set"),
    pytest.param(RESET, None, id="reset"),
]


@pytest.mark.parametrize(("method", "data"), METHODS_WITH_DATA)
@pytest.mark.parametrize(("params", "description"), BAD_PARAMETERS)
def test_a_bad_parameter_is_refused(
    stored: Api, method: str, data: Any, params: dict[str, Any], description: str
) -> None:
    sent = {**params} if data is None else {**params, "data": data}
    refused(stored, method, sent, description)


@pytest.mark.parametrize(
    ("params", "description"),
    [
        pytest.param({"extras": {"leadCustomerType": 3}}, CUSTOMER_TYPE, id="type"),
        pytest.param({"extras": {"lead.customer.type": "x"}}, CUSTOMER_TYPE, id="type-dotted"),
        pytest.param({"extras": "x"}, EXTRAS, id="extras"),
        pytest.param({"extras": [7]}, EXTRAS, id="extras-list"),
    ],
)
def test_force_common_refuses_bad_extras(
    stored: Api, params: dict[str, Any], description: str
) -> None:
    refused(stored, FORCE, params, description)


def test_a_form_body_with_a_bad_parameter_is_refused_the_same(stored: Api) -> None:
    refused_form(stored, SET, {"scope": "Q", "data": GOOD}, SCOPE)
    refused_form(stored, SET, {"userId": "me", "data": GOOD}, USER_ID)
    refused_form(stored, SET, {"extras": {"leadCustomerType": "4"}, "data": GOOD}, CUSTOMER_TYPE)
    refused_form(stored, SET, {"extras": "simple", "data": GOOD}, EXTRAS)


@pytest.mark.parametrize("user_id", [999, "999"])
def test_set_for_a_user_that_does_not_exist(stored: Api, user_id: Any) -> None:
    refused(
        stored, SET, {"scope": "P", "userId": user_id, "data": GOOD}, "The user 999 is not found."
    )
    # get answers null and reset answers true for such a user.
    assert get_layout(stored, scope="P", userId=user_id) is None
    before = database_rows(stored)
    reset_layout(stored, scope="P", userId=user_id)
    assert database_rows(stored) == before


# -- set: the data, in the order of the contract ---------------------------------------------------


def element_error(j: int, i: int, rest: str) -> str:
    return f"Element at index {j} in section at index {i} {rest}"


BAD_DATA = [
    # 1. not an array
    pytest.param({}, DATA, id="data-absent"),
    *(
        pytest.param({"data": value}, DATA, id=f"data-{n}")
        for n, value in enumerate(["x", "", 5, 0, None, True])
    ),
    pytest.param({"DATA": "x"}, DATA, id="data-upper-key"),
    # 2. not an indexed array
    pytest.param({"data": {"main": GOOD[0]}}, INDEXED, id="object"),
    pytest.param({"data": {"1": GOOD[0]}}, INDEXED, id="object-from-1"),
    pytest.param({"data": {"0": GOOD[0], "2": GOOD[0]}}, INDEXED, id="object-with-a-gap"),
    # 3. empty
    pytest.param({"data": []}, NO_DATA, id="empty"),
    # 4. sections
    *(
        pytest.param({"data": [value]}, "Section at index 0 does not have name.", id=f"sec-{n}")
        for n, value in enumerate(["main", 5, None, [], [GOOD[0]], True])
    ),
    pytest.param(
        {"data": [GOOD[0], {**GOOD[0], "name": "b", "type": "column"}]},
        "Section at index 1 has type 'column'. The expected type is 'section'.",
        id="type",
    ),
    pytest.param(
        {"data": [{**GOOD[0], "type": "Section"}]},
        "Section at index 0 has type 'Section'. The expected type is 'section'.",
        id="type-case",
    ),
    *(
        pytest.param(
            {"data": [GOOD[0], {"title": "T", "type": "section", "name": value}]},
            "Section at index 1 does not have name.",
            id=f"name-{n}",
        )
        for n, value in enumerate(["", "   ", None, [], {"a": "b"}, ["main"], True])
    ),
    pytest.param(
        {"data": [{"title": "T", "type": "section"}]},
        "Section at index 0 does not have name.",
        id="name-absent",
    ),
    *(
        pytest.param(
            {"data": [{"name": "n", "type": "section", "title": value}]},
            "Section at index 0 does not have title.",
            id=f"title-{n}",
        )
        for n, value in enumerate(["", " \t", None, [], {"en": "T"}, False])
    ),
    pytest.param(
        {"data": [{"name": "n", "type": "section"}]},
        "Section at index 0 does not have title.",
        id="title-absent",
    ),
    pytest.param(
        {"data": [{"type": "x"}]},
        "Section at index 0 has type 'x'. The expected type is 'section'.",
        id="type-before-name",
    ),
    pytest.param(
        {"data": [{"type": "section", "title": "T"}, {"type": "x"}]},
        "Section at index 0 does not have name.",
        id="first-section-first",
    ),
    pytest.param(
        {"data": [GOOD[0], section("other", "O"), section("main", "Again")]},
        "Section at index 2 repeats the name 'main'.",
        id="repeated-name",
    ),
    pytest.param(
        {"data": [section("5", "Five"), {"name": 5, "title": "Again", "type": "section"}]},
        "Section at index 1 repeats the name '5'.",
        id="repeated-number-name",
    ),
    *(
        pytest.param(
            {"data": [GOOD[0], section_of(name="x", elements=value)]},
            "Section at index 1 has elements that are not an indexed array.",
            id=f"elements-{n}",
        )
        for n, value in enumerate(["TITLE", 5, True, {"a": {"name": "TITLE"}}])
    ),
    # elements
    *(
        pytest.param(
            {"data": [section_of({"name": "TITLE"}, value)]},
            element_error(1, 0, "does not have name."),
            id=f"element-{n}",
        )
        for n, value in enumerate(
            [
                "NAME",
                5,
                None,
                [],
                ["NAME"],
                {},
                {"name": ""},
                {"name": "  "},
                {"name": None},
                {"optionFlags": 1},
            ]
        )
    ),
    # The set page's own error example.
    pytest.param(
        {"data": [GOOD[0], section_of({"title": "no name"}, name="second")]},
        element_error(0, 1, "does not have name."),
        id="doc-example",
    ),
    *(
        pytest.param(
            {"data": [GOOD[0], section_of({"name": "COMMENTS"}, {"name": value})]},
            element_error(1, 1, f"names the unknown field '{value}'."),
            id=f"unknown-{n}",
        )
        for n, value in enumerate(
            ["NOPE", "UF_CRM_NOPE", "PHONE_WORK", "TITLE_", "ID2", "UTM_X", "CLIENT_ID"]
        )
    ),
    pytest.param(
        {"data": [section_of({"name": "TITLE"}, {"name": "NAME"}, {"name": "TITLE"})]},
        element_error(2, 0, "repeats the field 'TITLE'."),
        id="repeated-field",
    ),
    pytest.param(
        {"data": [GOOD[0], section_of({"name": "COMMENTS"}, {"name": "NAME"})]},
        element_error(1, 1, "repeats the field 'NAME'."),
        id="repeated-field-across-sections",
    ),
    *(
        pytest.param(
            {"data": [section_of({"name": "TITLE", "optionFlags": value})]},
            element_error(0, 0, f"has optionFlags '{shown}'. The expected value is 0 or 1."),
            id=f"flags-{n}",
        )
        for n, (value, shown) in enumerate(
            [(2, "2"), ("2", "2"), (-1, "-1"), ("yes", "yes"), ("Y", "Y"), ("01", "01")]
        )
    ),
    *(
        pytest.param(
            {"data": [section_of({"name": "TITLE"}, {"name": "NAME", "options": value})]},
            element_error(1, 0, "has options that are not an object."),
            id=f"options-{n}",
        )
        for n, value in enumerate(["x", 5, True, [1], ["a", "b"]])
    ),
    # PostgreSQL's JSON cannot hold a NUL, so neither database takes one, anywhere in data.
    *(
        pytest.param({"data": value}, "The data must not contain a NUL character.", id=f"nul-{n}")
        for n, value in enumerate(
            [
                [section("ma\x00in", "About")],
                [section("main", "About\x00")],
                [section_of({"name": "TITLE", "options": {"k\x00": 1}})],
                [section_of({"name": "TITLE", "options": {"k": ["a", {"b": "\x00"}]}})],
            ]
        )
    ),
    # The first error in order wins: element checks of section 0 before section 1's own.
    pytest.param(
        {"data": [section_of({"name": "NOPE"}), {"type": "x"}]},
        element_error(0, 0, "names the unknown field 'NOPE'."),
        id="earlier-element-first",
    ),
    pytest.param(
        {"data": [section_of({"name": "NOPE"}, name="main"), section("main", "Again")]},
        element_error(0, 0, "names the unknown field 'NOPE'."),
        id="element-before-next-section",
    ),
]


@pytest.mark.parametrize(("params", "description"), BAD_DATA)
def test_bad_data_is_refused(stored: Api, params: dict[str, Any], description: str) -> None:
    refused(stored, SET, params, description)
    refused(stored, SET, {**params, "scope": "C", "extras": {"leadCustomerType": 2}}, description)


def test_bad_data_in_a_form_body_is_refused_the_same(stored: Api) -> None:
    refused_form(stored, SET, {"scope": "P"}, DATA)
    refused_form(stored, SET, {"data": "x"}, DATA)
    refused_form(stored, SET, {"data": {"a": GOOD[0]}}, INDEXED)
    refused_form(stored, SET, {"data": {"1": GOOD[0]}}, INDEXED)
    refused_form(
        stored,
        SET,
        {"data": [GOOD[0], section_of({"title": "x"})]},
        element_error(0, 1, "does not have name."),
    )
    refused_form(
        stored,
        SET,
        {"data": [section_of({"name": "TITLE", "optionFlags": "7"})]},
        element_error(0, 0, "has optionFlags '7'. The expected value is 0 or 1."),
    )
    refused_form(
        stored,
        SET,
        {"data": [section_of({"name": "TITLE", "options": "x"})]},
        element_error(0, 0, "has options that are not an object."),
    )


def test_an_object_keyed_zero_to_n_is_an_indexed_array(api: Api) -> None:
    """PHP sees no difference between a list and keys 0..n-1; neither does the contract."""
    set_layout(api, {"0": GOOD[0], "1": section("b", "B", "COMMENTS")})
    assert get_layout(api) == [GOOD[0], section("b", "B", "COMMENTS")]


def test_accepted_edge_values(api: Api) -> None:
    """The values the contract takes as defaults, so that the refusals above are exact."""
    for scope in ("", None, "p", "P"):
        params: dict[str, Any] = {} if scope is None else {"scope": scope}
        set_layout(api, GOOD, **params)
        assert get_layout(api, scope="P", userId=1) == GOOD
        reset_layout(api, **params)
        assert get_layout(api, scope="P", userId=1) is None
    for user_id in ("", 0, "0", "1", 1):
        set_layout(api, GOOD, userId=user_id)
        assert get_layout(api, userId=user_id) == GOOD
        reset_layout(api, userId=user_id)
    for extras in ("", [], {}, {"other": 2}, {"leadCustomerType": "1"}):
        set_layout(api, GOOD, extras=extras)
        assert get_layout(api, extras={"leadCustomerType": 1}) == GOOD
        reset_layout(api, extras=extras)
        assert get_layout(api) is None
    # A section without a type, or with an empty one, is a section.
    set_layout(api, [{"name": "a", "title": "A"}, {"name": "b", "title": "B", "type": ""}])
    assert get_layout(api) == [section("a", "A"), section("b", "B")]
    for elements in (None, "", []):
        set_layout(api, [{"name": "a", "title": "A", "type": "section", "elements": elements}])
        assert get_layout(api) == [section("a", "A")]
    # Names and titles that are numbers come back as text.
    set_layout(api, [{"name": 7, "title": 12, "type": "section"}])
    assert get_layout(api) == [section("7", "12")]
    # Parameter names in any case.
    assert api.call(SET, {"SCOPE": "c", "DATA": GOOD, "EXTRAS": {"LeadCustomerType": 2}})
    assert get_layout(api, scope="C", extras={"leadCustomerType": 2}) == GOOD
    assert api.call(SET, {"Scope": "P", "USERID": "1", "Data": [section("u", "U")]})
    assert get_layout(api, userid=1, SCOPE="p") == [section("u", "U")]
    # The common layout ignores userId, whatever it is.
    set_layout(api, GOOD, scope="c", userId="not a user")
    assert get_layout(api, scope="C", userId=-3) == GOOD


# -- permissions ---------------------------------------------------------------------------------


@pytest.fixture
def employee(stored: Api) -> tuple[int, Api]:
    user_id, prefix = stored.new_webhook(scopes=["crm"])
    return user_id, stored.as_user(prefix)


def test_an_employee_may_not_touch_the_common_layout_or_another_users(
    stored: Api, employee: tuple[int, Api]
) -> None:
    user_id, as_employee = employee
    for extras in ({}, {"extras": {"leadCustomerType": 2}}):
        refused(as_employee, SET, {"scope": "C", "data": GOOD, **extras}, DENIED)
        refused(as_employee, SET, {"scope": "P", "userId": 1, "data": GOOD, **extras}, DENIED)
        refused(as_employee, SET, {"userId": "1", "data": GOOD, **extras}, DENIED)
        refused(as_employee, GET, {"scope": "P", "userId": 1, **extras}, DENIED)
        refused(as_employee, RESET, {"scope": "C", **extras}, DENIED)
        refused(as_employee, RESET, {"scope": "P", "userId": 1, **extras}, DENIED)
        refused(as_employee, FORCE, extras, DENIED)
    # Even another ordinary user's, and one that does not exist.
    other, _ = stored.new_webhook(scopes=["crm"])
    refused(as_employee, GET, {"userId": 999}, DENIED)
    refused(as_employee, GET, {"userId": other}, DENIED)
    refused(as_employee, SET, {"userId": other, "data": GOOD}, DENIED)
    refused(as_employee, RESET, {"userId": other}, DENIED)
    assert user_id != other
    # The administrator's layouts are still there.
    assert get_layout(stored, scope="C") == STORED
    assert get_layout(stored, scope="P", userId=1) == STORED


def test_access_is_checked_after_the_parameters_and_before_the_data(
    stored: Api, employee: tuple[int, Api]
) -> None:
    _, as_employee = employee
    refused(as_employee, SET, {"scope": "C", "data": "x"}, DENIED)
    refused(as_employee, SET, {"scope": "C", "data": []}, DENIED)
    refused(as_employee, SET, {"userId": 1, "data": [{"type": "x"}]}, DENIED)
    refused(as_employee, SET, {"scope": "C"}, DENIED)
    refused(as_employee, SET, {"scope": "Z", "data": GOOD}, SCOPE)
    refused(as_employee, SET, {"scope": "C", "extras": {"leadCustomerType": 7}}, CUSTOMER_TYPE)
    refused(as_employee, GET, {"userId": "abc"}, USER_ID)
    refused(as_employee, RESET, {"scope": "C", "extras": 3}, EXTRAS)
    refused(as_employee, FORCE, {"extras": {"leadCustomerType": 0}}, CUSTOMER_TYPE)


def test_an_employee_may_read_the_common_layout_and_keep_their_own(
    stored: Api, employee: tuple[int, Api]
) -> None:
    user_id, as_employee = employee
    assert get_layout(as_employee, scope="C") == STORED
    assert get_layout(as_employee, scope="C", extras={"leadCustomerType": 2}) == STORED
    assert get_layout(as_employee, scope="C", userId=1) == STORED  # ignored for C
    assert get_layout(as_employee) is None
    assert get_layout(as_employee, scope="P", userId=user_id) is None

    set_layout(as_employee, GOOD)
    assert get_layout(as_employee) == GOOD
    assert get_layout(as_employee, scope="P", userId=user_id) == GOOD
    set_layout(as_employee, [*GOOD, section("x", "X")], scope="P", userId=str(user_id))
    assert get_layout(as_employee, userId=str(user_id)) == [*GOOD, section("x", "X")]
    set_layout(as_employee, STORED, extras={"lead.customer.type": 2})
    assert get_layout(as_employee, extras={"leadCustomerType": 2}) == STORED

    # The administrator reads it too; the common layout and the administrator's stay.
    assert get_layout(stored, scope="P", userId=user_id) == [*GOOD, section("x", "X")]
    assert get_layout(stored, scope="C") == STORED
    assert get_layout(stored) == STORED

    reset_layout(as_employee)
    assert get_layout(as_employee) is None
    reset_layout(as_employee, scope="P", userId=user_id, extras={"leadCustomerType": 2})
    assert get_layout(as_employee, extras={"leadCustomerType": 2}) is None
    assert get_layout(stored, scope="C") == STORED


def test_the_administrator_may_do_it_all_for_anyone(stored: Api, employee: tuple[int, Api]) -> None:
    user_id, as_employee = employee
    set_layout(stored, GOOD, scope="P", userId=user_id)
    assert get_layout(as_employee) == GOOD
    assert get_layout(stored, userId=user_id) == GOOD
    reset_layout(stored, userId=user_id)
    assert get_layout(as_employee) is None
    set_layout(stored, GOOD, scope="C")
    assert get_layout(as_employee, scope="C") == GOOD
    reset_layout(stored, scope="C")
    assert get_layout(as_employee, scope="C") is None
    assert stored.call(FORCE, {}) is True
