"""Random valid layouts round-trip: what get answers after set is the normalized layout.

A layout is drawn as the contract allows it: sections with unique names (text or numbers) and
titles, any type spelling taken for 'section', random fields of crm.lead.fields (and the card
composites, and custom fields) in random case without repeats, optionFlags absent, null, "",
0, 1, "0" or "1", options absent, null, "", [] or a JSON object of strings, integers and
nested objects, and extra keys that are dropped. get must answer exactly the normalized form
(keys in order, optionFlags as a string, "0" by default, options only when sent as an object,
its keys in the order sent, an empty map written as ``[]`` as every answer writes one), and
every other layout must be as the model says.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.crm.layouts.test_doc_examples import get_layout, set_layout
from tests.support import Api

# No shrinking: every step costs requests, and a failure names its draws.
EXAMPLES = settings(
    max_examples=15,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

COMPOSITES = ["CLIENT", "OPPORTUNITY_WITH_CURRENCY", "PRODUCT_ROW_SUMMARY", "UTM"]
ABSENT = object()

# Text without surrogates or NUL (which PostgreSQL's JSON text cannot hold).
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() != "")

JSON_KEYS = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
    max_size=8,
)
JSON_LEAVES = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
        max_size=10,
    ),
    st.integers(min_value=-(2**31), max_value=2**31),
)
OPTIONS = st.recursive(
    st.dictionaries(JSON_KEYS, JSON_LEAVES, max_size=4),
    lambda inner: st.dictionaries(JSON_KEYS, st.one_of(JSON_LEAVES, inner), max_size=4),
    max_leaves=8,
)


def as_answered(value: Any) -> Any:
    """A JSON value as answers write it: every empty map, at any depth, is ``[]`` (PHP)."""
    if isinstance(value, dict):
        return {k: as_answered(v) for k, v in value.items()} if value else []
    return value


def random_case(draw: st.DrawFn, name: str) -> str:
    style = draw(st.sampled_from(["same", "lower", "mixed"]))
    if style == "lower":
        return name.lower()
    if style == "mixed":
        flips = draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
        return "".join(c.swapcase() if f else c for c, f in zip(name, flips, strict=True))
    return name


@st.composite
def elements(draw: st.DrawFn, names: list[str]) -> tuple[list[Any], list[Any]]:
    """(sent, expected) elements for the given field names."""
    sent: list[Any] = []
    expected: list[Any] = []
    for name in names:
        element: dict[str, Any] = {"name": random_case(draw, name)}
        flags = draw(st.sampled_from([ABSENT, None, "", 0, 1, "0", "1"]))
        if flags is not ABSENT:
            element["optionFlags"] = flags
        options = draw(st.one_of(st.sampled_from([ABSENT, None, "", []]), OPTIONS))
        if options is not ABSENT:
            element["options"] = options
        if draw(st.booleans()):
            element[draw(st.sampled_from(["id", "title", "extra"]))] = draw(JSON_LEAVES)
        # Keys in any order; get writes its own.
        keys = draw(st.permutations(list(element)))
        sent.append({key: element[key] for key in keys})

        want: dict[str, Any] = {
            "name": name,
            "optionFlags": "0" if flags in (ABSENT, None, "") else str(flags),
        }
        if isinstance(options, dict):
            want["options"] = as_answered(options)
        expected.append(want)
    return sent, expected


@st.composite
def layouts(draw: st.DrawFn, fields: list[str]) -> tuple[list[Any], list[Any]]:
    """A valid layout as sent, and the sections get must answer for it."""
    names = draw(
        st.lists(
            st.one_of(TEXT, st.integers(min_value=-1000, max_value=10**6)),
            min_size=1,
            max_size=4,
            # Told apart however an implementation might compare them.
            unique_by=lambda n: str(n).strip().casefold(),
        )
    )
    chosen = draw(st.lists(st.sampled_from(fields), unique=True, max_size=20))
    cuts = sorted(
        draw(
            st.lists(st.integers(0, len(chosen)), min_size=len(names) - 1, max_size=len(names) - 1)
        )
    )
    bounds = [0, *cuts, len(chosen)]
    sent: list[Any] = []
    expected: list[Any] = []
    for index, name in enumerate(names):
        title = draw(st.one_of(TEXT, st.integers(min_value=0, max_value=99)))
        placed = chosen[bounds[index] : bounds[index + 1]]
        sent_elements, want_elements = draw(elements(placed))
        section: dict[str, Any] = {"name": name, "title": title}
        kind = draw(st.sampled_from([ABSENT, "", "section"]))
        if kind is not ABSENT:
            section["type"] = kind
        if placed or draw(st.booleans()):
            section["elements"] = sent_elements
        else:
            empty = draw(st.sampled_from([ABSENT, None, "", []]))
            if empty is not ABSENT:
                section["elements"] = empty
        if draw(st.booleans()):
            section[draw(st.sampled_from(["sort", "extra", "id"]))] = draw(JSON_LEAVES)
        keys = draw(st.permutations(list(section)))
        sent.append({key: section[key] for key in keys})
        expected.append(
            {"name": str(name), "title": str(title), "type": "section", "elements": want_elements}
        )
    return sent, expected


def place(draw: st.DrawFn, users: list[int]) -> tuple[tuple[str, int, int], dict[str, Any]]:
    """A random layout to write: (scope, user, type) and the parameters that name it."""
    scope = draw(st.sampled_from(["P", "C"]))
    kind = draw(st.sampled_from([1, 2]))
    user_id = draw(st.sampled_from(users)) if scope == "P" else 0
    params: dict[str, Any] = {"scope": draw(st.sampled_from([scope, scope.lower()]))}
    if scope == "P":
        params["userId"] = draw(st.sampled_from([user_id, str(user_id)]))
        if user_id == 1 and draw(st.booleans()):
            del params["userId"]  # the caller
            if draw(st.booleans()):
                del params["scope"]  # P by default
    key = draw(st.sampled_from(["leadCustomerType", "lead.customer.type", "LEAD_CUSTOMER_TYPE"]))
    if kind == 2 or draw(st.booleans()):
        params["extras"] = {key: draw(st.sampled_from([kind, str(kind)]))}
    return (scope, user_id, kind), params


def read_all(api: Api, users: list[int]) -> dict[tuple[str, int, int], Any]:
    found: dict[tuple[str, int, int], Any] = {}
    for kind in (1, 2):
        extras = {"leadCustomerType": kind}
        found["C", 0, kind] = get_layout(api, scope="C", extras=extras)
        for user_id in users:
            found["P", user_id, kind] = get_layout(api, scope="P", userId=user_id, extras=extras)
    return found


def test_random_layouts_round_trip(api: Api) -> None:
    for code, type_id in (("NOTE", "string"), ("SCORE", "integer"), ("WHEN", "date")):
        api.call(
            "crm.lead.userfield.add", {"fields": {"FIELD_NAME": code, "USER_TYPE_ID": type_id}}
        )
    fields = [*api.call("crm.lead.fields"), *COMPOSITES]
    assert {"UF_CRM_NOTE", "UF_CRM_SCORE", "UF_CRM_WHEN", "TITLE", "PHONE"} <= set(fields)
    users = [1, api.new_webhook(scopes=["crm"])[0]]
    model: dict[tuple[str, int, int], Any] = dict.fromkeys(read_all(api, users))
    assert read_all(api, users) == model

    @EXAMPLES
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        key, params = place(data.draw, users)
        sent, expected = data.draw(layouts(fields))
        set_layout(api, sent, **params)
        model[key] = expected
        got = read_all(api, users)
        # Order matters everywhere (options' keys included): compare the JSON text.
        assert json.dumps(got[key], ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)
        assert got == model

    check()
