"""Lead card layouts as the documentation shows them: every example request, replayed.

Pages: api-reference/crm/leads/custom-form/*.md (crm.lead.details.configuration.get, set,
reset and forceCommonScopeForAll). The cURL (Webhook) bodies are sent byte for byte. Where
the pages are vague, the issue 6 contract is followed: get answers null before any set, and
the sections afterwards with every optionFlags a string ("0" unless sent as 1).

Note that the pages' own examples do not line up: the set example writes the repeat-lead
layout (extras leadCustomerType 2) while the get example reads without extras, that is the
simple-lead one. Both are replayed as written, and the layout the set example wrote is then
read with the extras the SDK example of the get page sends.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from tests.crm.leads.test_add import php_pairs, php_query
from tests.support import Api

TIME_KEYS = {"start", "finish", "duration", "processing", "date_start", "date_finish"}

GET = "crm.lead.details.configuration.get"
SET = "crm.lead.details.configuration.set"
RESET = "crm.lead.details.configuration.reset"
FORCE = "crm.lead.details.configuration.forceCommonScopeForAll"

# -- the example bodies, verbatim from the cURL (Webhook) tabs ------------------------------------

SET_BODY = (
    '{"scope":"P","userId":1,"extras":{"leadCustomerType":2},"data":[{"name":"main","title":'
    '"About the Lead","type":"section","elements":[{"name":"TITLE"},{"name":"STATUS_ID"},'
    '{"name":"SOURCE_ID"},{"name":"NAME"},{"name":"PHONE","optionFlags":1}]},{"name":'
    '"additional","title":"Additional Information","type":"section","elements":[{"name":'
    '"ASSIGNED_BY_ID"},{"name":"COMMENTS"}]}]}'
)
GET_PERSONAL_BODY = '{"scope":"P","userId":1}'
GET_COMMON_BODY = '{"scope":"C"}'
RESET_PERSONAL_BODY = '{"scope":"P","userId":1}'
RESET_COMMON_BODY = '{"scope":"C"}'
FORCE_BODY = '{"extras":{"leadCustomerType":2}}'

# What get answers for the set example's data: the shape of the get page's answer.
SET_EXAMPLE_SECTIONS: list[dict[str, Any]] = [
    {
        "name": "main",
        "title": "About the Lead",
        "type": "section",
        "elements": [
            {"name": "TITLE", "optionFlags": "0"},
            {"name": "STATUS_ID", "optionFlags": "0"},
            {"name": "SOURCE_ID", "optionFlags": "0"},
            {"name": "NAME", "optionFlags": "0"},
            {"name": "PHONE", "optionFlags": "1"},
        ],
    },
    {
        "name": "additional",
        "title": "Additional Information",
        "type": "section",
        "elements": [
            {"name": "ASSIGNED_BY_ID", "optionFlags": "0"},
            {"name": "COMMENTS", "optionFlags": "0"},
        ],
    },
]

# The get page's answer, written as a set request (what it shows, set and read back).
GET_EXAMPLE_ANSWER: list[dict[str, Any]] = [
    {
        "name": "main",
        "title": "About the Lead",
        "type": "section",
        "elements": [
            {"name": "TITLE", "optionFlags": "0"},
            {"name": "STATUS_ID", "optionFlags": "0"},
            {"name": "SOURCE_ID", "optionFlags": "0"},
        ],
    },
    {
        "name": "additional",
        "title": "Additional",
        "type": "section",
        "elements": [
            {"name": "ASSIGNED_BY_ID", "optionFlags": "0"},
            {"name": "COMMENTS", "optionFlags": "0"},
        ],
    },
]

# -- helpers shared with the other layout tests ---------------------------------------------------


def replay(api: Api, method: str, body: str) -> dict[str, Any]:
    """Send a documented JSON body as it is written; return the whole payload."""
    response = api.client.post(
        api.prefix + method,
        content=body.encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    payload: dict[str, Any] = response.json()
    assert response.status_code == 200, payload
    assert list(payload) == ["result", "time"], payload
    assert set(payload["time"]) >= TIME_KEYS
    return payload


def get_layout(api: Api, **params: Any) -> list[dict[str, Any]] | None:
    result: list[dict[str, Any]] | None = api.call(GET, params)
    return result


def set_layout(api: Api, data: Any, **params: Any) -> None:
    assert api.call(SET, {**params, "data": data}) is True


def reset_layout(api: Api, **params: Any) -> None:
    assert api.call(RESET, params) is True


def section(name: str, title: str, *names: str, flags: str = "0") -> dict[str, Any]:
    """A section as get answers it, each named field with the same optionFlags."""
    return {
        "name": name,
        "title": title,
        "type": "section",
        "elements": [{"name": n, "optionFlags": flags} for n in names],
    }


def assert_shape(sections: list[dict[str, Any]]) -> None:
    """The keys of every section and element in the order get writes them."""
    for sent in sections:
        assert list(sent) == ["name", "title", "type", "elements"]
        for element in sent["elements"]:
            assert list(element) in (["name", "optionFlags"], ["name", "optionFlags", "options"])
            assert element["optionFlags"] in ("0", "1")


def without_extras(body: str) -> dict[str, Any]:
    params: dict[str, Any] = json.loads(body)
    del params["extras"]
    return params


# -- crm.lead.details.configuration.get ---------------------------------------------------------


def test_get_answers_null_before_any_layout_is_set(api: Api) -> None:
    for body in (GET_PERSONAL_BODY, GET_COMMON_BODY):
        assert replay(api, GET, body)["result"] is None
    for extras in ({"leadCustomerType": 2}, {"lead.customer.type": 1}):
        assert get_layout(api, scope="P", userId=1, extras=extras) is None
        assert get_layout(api, scope="C", extras=extras) is None
    assert get_layout(api) is None


def test_the_get_example_answer_reads_back_as_the_page_shows_it(api: Api) -> None:
    set_layout(api, GET_EXAMPLE_ANSWER, scope="P", userId=1)
    payload = replay(api, GET, GET_PERSONAL_BODY)
    assert payload["result"] == GET_EXAMPLE_ANSWER
    assert_shape(payload["result"])
    # The common one is another layout: still unset.
    assert replay(api, GET, GET_COMMON_BODY)["result"] is None
    set_layout(api, GET_EXAMPLE_ANSWER, scope="C")
    assert replay(api, GET, GET_COMMON_BODY)["result"] == GET_EXAMPLE_ANSWER


# -- crm.lead.details.configuration.set ---------------------------------------------------------


def test_the_set_example_answers_true_and_writes_the_repeat_lead_layout(api: Api) -> None:
    payload = replay(api, SET, SET_BODY)
    assert payload["result"] is True

    # As the get page's SDK example reads it: scope P, user 1, leadCustomerType 2; and the
    # same with the get page's own spelling of the extras key.
    for extras in ({"leadCustomerType": 2}, {"lead.customer.type": 2}):
        got = get_layout(api, scope="P", userId=1, extras=extras)
        assert got == SET_EXAMPLE_SECTIONS
        assert got is not None
        assert_shape(got)

    # The get example (no extras) reads the simple-lead layout, which the example left alone;
    # so is the common one.
    assert replay(api, GET, GET_PERSONAL_BODY)["result"] is None
    assert get_layout(api, scope="C", extras={"leadCustomerType": 2}) is None


def test_the_set_example_without_extras_is_what_the_get_example_reads(api: Api) -> None:
    assert api.call(SET, without_extras(SET_BODY)) is True
    payload = replay(api, GET, GET_PERSONAL_BODY)
    assert payload["result"] == SET_EXAMPLE_SECTIONS
    # user 1 is the caller: the same layout with the scope and the user left out.
    assert get_layout(api) == SET_EXAMPLE_SECTIONS
    assert get_layout(api, extras={"leadCustomerType": 1}) == SET_EXAMPLE_SECTIONS


def test_the_set_example_for_the_common_layout(api: Api) -> None:
    params = json.loads(SET_BODY)
    params["scope"] = "C"
    del params["userId"]
    assert api.call(SET, params) is True
    assert get_layout(api, scope="C", extras={"leadCustomerType": 2}) == SET_EXAMPLE_SECTIONS
    assert get_layout(api, scope="P", userId=1, extras={"leadCustomerType": 2}) is None


def test_set_replaces_the_whole_layout(api: Api) -> None:
    replay(api, SET, SET_BODY)
    params = json.loads(SET_BODY)
    params["data"] = [{"name": "only", "title": "Only", "type": "section", "elements": []}]
    assert api.call(SET, params) is True
    got = get_layout(api, scope="P", userId=1, extras={"leadCustomerType": 2})
    assert got == [{"name": "only", "title": "Only", "type": "section", "elements": []}]


def test_a_form_body_sets_the_same_layout_as_json(api: Api) -> None:
    params = json.loads(SET_BODY)
    response = api.client.post(api.prefix + SET, data=dict(php_pairs(params)))
    assert response.status_code == 200, response.json()
    assert response.json()["result"] is True
    from_form = get_layout(api, scope="P", userId=1, extras={"leadCustomerType": 2})
    assert from_form == SET_EXAMPLE_SECTIONS

    reset_layout(api, scope="P", userId=1, extras={"leadCustomerType": 2})
    replay(api, SET, SET_BODY)
    assert get_layout(api, scope="P", userId=1, extras={"leadCustomerType": 2}) == from_form


def test_a_form_body_with_options_and_the_common_scope(api: Api) -> None:
    """Form values are all strings: optionFlags "1", extras "2", options' values as text."""
    params = {
        "scope": "C",
        "extras": {"lead.customer.type": "2"},
        "data": [
            {
                "name": "main",
                "title": "Main",
                "type": "section",
                "elements": [
                    {"name": "TITLE", "optionFlags": "1", "options": {"defaultAddressType": "6"}},
                    {"name": "NAME"},
                ],
            }
        ],
    }
    response = api.client.post(api.prefix + SET, data=dict(php_pairs(params)))
    assert (response.status_code, response.json()["result"]) == (200, True)
    assert get_layout(api, scope="C", extras={"leadCustomerType": 2}) == [
        {
            "name": "main",
            "title": "Main",
            "type": "section",
            "elements": [
                {"name": "TITLE", "optionFlags": "1", "options": {"defaultAddressType": "6"}},
                {"name": "NAME", "optionFlags": "0"},
            ],
        }
    ]


def test_a_query_string_sets_the_same_layout_as_json(api: Api) -> None:
    response = api.get(SET, php_query(json.loads(SET_BODY)))
    assert (response.status_code, response.json()["result"]) == (200, True)
    got = get_layout(api, scope="P", userId=1, extras={"leadCustomerType": 2})
    assert got == SET_EXAMPLE_SECTIONS


def test_the_set_page_defaults_of_its_tables(api: Api) -> None:
    """optionFlags defaults to 0; options kept as sent; unknown keys dropped."""
    data = [
        {
            "name": "main",
            "title": "Main",
            "type": "section",
            "sort": 10,
            "elements": [
                {"name": "TITLE", "optionFlags": 0, "hidden": True},
                {"name": "NAME", "optionFlags": "1"},
                {"name": "OPPORTUNITY_WITH_CURRENCY", "options": {"b": 1, "a": {"c": "d"}}},
                {"name": "CLIENT", "options": {}},
                {"name": "COMMENTS", "optionFlags": None, "options": None},
                {"name": "POST", "optionFlags": "", "options": []},
            ],
        }
    ]
    set_layout(api, data)
    got = get_layout(api)
    assert got == [
        {
            "name": "main",
            "title": "Main",
            "type": "section",
            "elements": [
                {"name": "TITLE", "optionFlags": "0"},
                {"name": "NAME", "optionFlags": "1"},
                {
                    "name": "OPPORTUNITY_WITH_CURRENCY",
                    "optionFlags": "0",
                    "options": {"b": 1, "a": {"c": "d"}},
                },
                # Kept, and written as every empty map of an answer is (PHP's empty array).
                {"name": "CLIENT", "optionFlags": "0", "options": []},
                {"name": "COMMENTS", "optionFlags": "0"},
                {"name": "POST", "optionFlags": "0"},
            ],
        }
    ]
    assert got is not None
    assert_shape(got)
    # The options' own key order is kept.
    assert list(got[0]["elements"][2]["options"]) == ["b", "a"]


# -- crm.lead.details.configuration.reset -------------------------------------------------------


def test_the_reset_examples_answer_true_and_remove_the_layouts(api: Api) -> None:
    set_layout(api, GET_EXAMPLE_ANSWER, scope="P", userId=1)
    set_layout(api, GET_EXAMPLE_ANSWER, scope="C")

    assert replay(api, RESET, RESET_PERSONAL_BODY)["result"] is True
    assert replay(api, GET, GET_PERSONAL_BODY)["result"] is None
    assert replay(api, GET, GET_COMMON_BODY)["result"] == GET_EXAMPLE_ANSWER

    assert replay(api, RESET, RESET_COMMON_BODY)["result"] is True
    assert replay(api, GET, GET_COMMON_BODY)["result"] is None


def test_the_reset_examples_answer_true_when_nothing_is_stored(api: Api) -> None:
    assert replay(api, RESET, RESET_PERSONAL_BODY)["result"] is True
    assert replay(api, RESET, RESET_COMMON_BODY)["result"] is True
    # Twice is the same.
    assert replay(api, RESET, RESET_PERSONAL_BODY)["result"] is True


def test_the_reset_examples_leave_the_repeat_lead_layout(api: Api) -> None:
    replay(api, SET, SET_BODY)  # the repeat-lead (2) layout of user 1
    replay(api, RESET, RESET_PERSONAL_BODY)  # the simple-lead (1) one
    assert get_layout(api, scope="P", userId=1, extras={"leadCustomerType": 2}) == (
        SET_EXAMPLE_SECTIONS
    )
    reset_layout(api, scope="P", userId=1, extras={"lead.customer.type": 2})
    assert get_layout(api, scope="P", userId=1, extras={"leadCustomerType": 2}) is None


# -- crm.lead.details.configuration.forceCommonScopeForAll ---------------------------------------


def test_the_force_common_example_removes_the_personal_repeat_lead_layouts(api: Api) -> None:
    other, _ = api.new_webhook(scopes=["crm"])
    common = [section("common", "Common", "TITLE")]
    replay(api, SET, SET_BODY)
    as_other = copy.deepcopy(json.loads(SET_BODY))
    as_other["userId"] = other
    assert api.call(SET, as_other) is True
    set_layout(api, common, scope="C", extras={"leadCustomerType": 2})
    simple = [section("simple", "Simple", "NAME")]
    set_layout(api, simple, scope="P", userId=1)

    payload = replay(api, FORCE, FORCE_BODY)
    assert payload["result"] is True

    for user in (1, other):
        assert get_layout(api, scope="P", userId=user, extras={"leadCustomerType": 2}) is None
    assert get_layout(api, scope="C", extras={"leadCustomerType": 2}) == common
    assert get_layout(api, scope="P", userId=1) == simple


def test_the_force_common_example_answers_true_with_nothing_stored(api: Api) -> None:
    assert replay(api, FORCE, FORCE_BODY)["result"] is True
    assert api.call(FORCE, {}) is True
