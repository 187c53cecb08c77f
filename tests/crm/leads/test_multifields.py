"""PHONE, EMAIL, WEB, IM and LINK on a lead: append, change, delete, validate, derive.

The update semantics are those of crm-contact-update.md ("Working with Multiple Fields"):
an item without ID is appended, an item with ID changes that row, and ``DELETE: "Y"``, an
empty VALUE or a bare ID deletes it. A property test drives random sequences of updates
against a plain model of those rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.crm.leads.test_add import database_rows, get, lead_count, php_query
from tests.support import Api

MULTIFIELDS = ("PHONE", "EMAIL", "WEB", "IM", "LINK")
VALUE_TYPES = {
    "PHONE": ("WORK", "MOBILE", "FAX", "HOME", "PAGER", "MAILING", "OTHER"),
    "EMAIL": ("WORK", "HOME", "MAILING", "OTHER"),
    "WEB": ("WORK", "HOME", "VK", "LIVEJOURNAL", "TWITTER", "OTHER"),
    "IM": (
        "TELEGRAM",
        "VK",
        "SKYPE",
        "VIBER",
        "BITRIX24",
        "OPENLINE",
        "IMOL",
        "ICQ",
        "MSN",
        "JABBER",
        "OTHER",
    ),
    "LINK": ("USER", "WORK", "HOME", "OTHER"),
}
DEFAULT_TYPE = {"PHONE": "WORK", "EMAIL": "WORK", "WEB": "WORK", "IM": "OTHER", "LINK": "WORK"}
SAMPLE = {
    "PHONE": "+49 30 123456",
    "EMAIL": "gleb@example.com",
    "WEB": "www.mysite.com",
    "IM": "imol|livechat|1|67|21",
    "LINK": "42",
}


def _rows(lead: dict[str, Any], type_id: str) -> list[tuple[str, str]]:
    return [(item["VALUE"], item["VALUE_TYPE"]) for item in lead.get(type_id, [])]


def _update(api: Api, lead_id: int, fields: dict[str, Any]) -> None:
    assert api.call("crm.lead.update", {"id": lead_id, "fields": fields}) is True


def _refused(api: Api, method: str, params: dict[str, Any], description: str) -> None:
    before = database_rows(api)
    assert api.error(method, params) == (
        400,
        {"error": "ERROR_CORE", "error_description": description},
    )
    assert database_rows(api) == before


def _four_phones(api: Api) -> tuple[int, list[str]]:
    """The lead of the documented update examples: phones 111111, 222222, 333333, 44444."""
    phones = [{"VALUE": v, "VALUE_TYPE": "WORK"} for v in ("111111", "222222", "333333", "44444")]
    lead_id = api.call("crm.lead.add", {"fields": {"PHONE": phones}})
    return lead_id, [p["ID"] for p in get(api, lead_id)["PHONE"]]


# -- add and get --------------------------------------------------------------------------------


def test_every_multifield_is_added_and_rendered_as_the_docs_show(api: Api) -> None:
    fields = {name: [{"VALUE": SAMPLE[name]}] for name in MULTIFIELDS}
    lead = get(api, api.call("crm.lead.add", {"fields": fields}))
    for name in MULTIFIELDS:
        (item,) = lead[name]
        assert list(item) == ["ID", "VALUE_TYPE", "VALUE", "TYPE_ID"]
        assert item == {
            "ID": item["ID"],
            "VALUE_TYPE": DEFAULT_TYPE[name],
            "VALUE": SAMPLE[name],
            "TYPE_ID": name,
        }
        assert isinstance(item["ID"], str) and item["ID"].isdigit()
    assert len({lead[name][0]["ID"] for name in MULTIFIELDS}) == 5
    assert (lead["HAS_PHONE"], lead["HAS_EMAIL"], lead["HAS_IMOL"]) == ("Y", "Y", "N")


def test_every_allowed_value_type_is_kept(api: Api) -> None:
    for type_id in MULTIFIELDS:
        _check_every_value_type(api, type_id)


def _check_every_value_type(api: Api, type_id: str) -> None:
    items = [
        {"VALUE": f"{SAMPLE[type_id]}{i}", "VALUE_TYPE": t}
        for i, t in enumerate(VALUE_TYPES[type_id])
    ]
    lead = get(api, api.call("crm.lead.add", {"fields": {type_id: items}}))
    assert _rows(lead, type_id) == [(i["VALUE"], i["VALUE_TYPE"]) for i in items]


def test_values_are_trimmed_and_value_types_read_in_any_case(api: Api) -> None:
    fields = {
        "PHONE": [{"VALUE": " 555 ", "VALUE_TYPE": "mobile"}, {"VALUE": 777, "VALUE_TYPE": ""}],
        "EMAIL": {"n0": {"value": "A@Example.com", "value_type": "Home"}},
    }
    lead = get(api, api.call("crm.lead.add", {"fields": fields}))
    assert _rows(lead, "PHONE") == [("555", "MOBILE"), ("777", "WORK")]
    assert _rows(lead, "EMAIL") == [("A@Example.com", "HOME")]


def test_empty_multifields_add_nothing(api: Api) -> None:
    fields = {"PHONE": [], "EMAIL": "", "WEB": None, "IM": {}}
    lead = get(api, api.call("crm.lead.add", {"fields": fields}))
    assert not set(MULTIFIELDS) & set(lead)
    assert (lead["HAS_PHONE"], lead["HAS_EMAIL"], lead["HAS_IMOL"]) == ("N", "N", "N")
    assert database_rows(api)["crm_field_multi"] == []


# -- the documented update semantics ----------------------------------------------------------


def test_an_item_without_id_is_appended_and_existing_ones_are_kept(api: Api) -> None:
    lead_id, ids = _four_phones(api)
    _update(api, lead_id, {"PHONE": [{"VALUE": "55555", "VALUE_TYPE": "WORK"}]})
    phones = get(api, lead_id)["PHONE"]
    assert [p["ID"] for p in phones[:4]] == ids
    assert [(p["VALUE"], p["VALUE_TYPE"]) for p in phones] == [
        ("111111", "WORK"),
        ("222222", "WORK"),
        ("333333", "WORK"),
        ("44444", "WORK"),
        ("55555", "WORK"),
    ]


def test_an_item_with_id_changes_that_row(api: Api) -> None:
    lead_id, ids = _four_phones(api)
    _update(
        api, lead_id, {"PHONE": [{"ID": int(ids[1]), "VALUE": "444444", "VALUE_TYPE": "MOBILE"}]}
    )
    _update(api, lead_id, {"PHONE": [{"ID": ids[2], "VALUE": "999"}]})
    phones = get(api, lead_id)["PHONE"]
    assert [p["ID"] for p in phones] == ids
    assert [(p["VALUE"], p["VALUE_TYPE"]) for p in phones] == [
        ("111111", "WORK"),
        ("444444", "MOBILE"),
        ("999", "WORK"),
        ("44444", "WORK"),
    ]


def test_the_three_documented_ways_to_delete(api: Api) -> None:
    lead_id, ids = _four_phones(api)
    _update(
        api,
        lead_id,
        {"PHONE": [{"ID": ids[0], "DELETE": "Y"}, {"ID": ids[1], "VALUE": ""}, {"ID": ids[2]}]},
    )
    lead = get(api, lead_id)
    assert lead["PHONE"] == [
        {"ID": ids[3], "VALUE_TYPE": "WORK", "VALUE": "44444", "TYPE_ID": "PHONE"}
    ]
    assert lead["HAS_PHONE"] == "Y"
    _update(api, lead_id, {"PHONE": [{"ID": ids[3], "VALUE": "ignored", "DELETE": "y"}]})
    lead = get(api, lead_id)
    assert ("PHONE" not in lead, lead["HAS_PHONE"]) == (True, "N")
    assert database_rows(api)["crm_field_multi"] == []


def test_sending_back_what_get_answered_changes_nothing(api: Api) -> None:
    fields = {
        name: [{"VALUE": SAMPLE[name]}, {"VALUE": SAMPLE[name] + "2"}] for name in MULTIFIELDS
    }
    fields["IM"][0]["VALUE_TYPE"] = "OPENLINE"
    lead_id = api.call("crm.lead.add", {"fields": fields})
    before = get(api, lead_id)
    _update(api, lead_id, {name: before[name] for name in MULTIFIELDS})
    after = get(api, lead_id)
    assert {name: after[name] for name in MULTIFIELDS} == {
        name: before[name] for name in MULTIFIELDS
    }
    assert (after["HAS_PHONE"], after["HAS_EMAIL"], after["HAS_IMOL"]) == ("Y", "Y", "Y")


def test_sending_back_without_ids_duplicates_every_row(api: Api) -> None:
    lead_id = api.call("crm.lead.add", {"fields": {"PHONE": [{"VALUE": "1"}, {"VALUE": "2"}]}})
    sent = [{k: v for k, v in p.items() if k != "ID"} for p in get(api, lead_id)["PHONE"]]
    _update(api, lead_id, {"PHONE": sent})
    assert _rows(get(api, lead_id), "PHONE") == [
        ("1", "WORK"),
        ("2", "WORK"),
        ("1", "WORK"),
        ("2", "WORK"),
    ]


def test_one_multifield_changes_leave_the_others_alone(api: Api) -> None:
    fields = {name: [{"VALUE": SAMPLE[name]}] for name in MULTIFIELDS}
    lead_id = api.call("crm.lead.add", {"fields": fields})
    before = get(api, lead_id)
    _update(api, lead_id, {"EMAIL": [{"ID": before["EMAIL"][0]["ID"]}], "TITLE": "x"})
    after = get(api, lead_id)
    assert "EMAIL" not in after and after["HAS_EMAIL"] == "N"
    for name in ("PHONE", "WEB", "IM", "LINK"):
        assert after[name] == before[name]


def test_a_form_body_and_a_query_string_edit_multifields_as_json_does(api: Api) -> None:
    lead_id, ids = _four_phones(api)
    change = {
        "PHONE": [{"ID": ids[0], "DELETE": "Y"}, {"ID": ids[1], "VALUE": "x2"}, {"VALUE": "5"}]
    }
    form = {
        "id": str(lead_id),
        "fields[PHONE][0][ID]": ids[0],
        "fields[PHONE][0][DELETE]": "Y",
        "fields[PHONE][1][ID]": ids[1],
        "fields[PHONE][1][VALUE]": "x2",
        "fields[PHONE][2][VALUE]": "5",
    }
    response = api.client.post(api.prefix + "crm.lead.update", data=form)
    assert (response.status_code, response.json()["result"]) == (200, True)
    via_form = _rows(get(api, lead_id), "PHONE")
    other, other_ids = _four_phones(api)
    change["PHONE"][0]["ID"], change["PHONE"][1]["ID"] = other_ids[0], other_ids[1]
    response = api.get("crm.lead.update", php_query({"id": other, "fields": change}))
    assert (response.status_code, response.json()["result"]) == (200, True)
    assert (
        via_form
        == _rows(get(api, other), "PHONE")
        == [
            ("x2", "WORK"),
            ("333333", "WORK"),
            ("44444", "WORK"),
            ("5", "WORK"),
        ]
    )


# -- derived flags ------------------------------------------------------------------------------


def test_the_has_flags_follow_the_rows(api: Api) -> None:
    lead_id = api.call(
        "crm.lead.add", {"fields": {"IM": [{"VALUE": "tg", "VALUE_TYPE": "TELEGRAM"}]}}
    )

    def flags() -> tuple[str, str, str]:
        lead = get(api, lead_id)
        return lead["HAS_PHONE"], lead["HAS_EMAIL"], lead["HAS_IMOL"]

    assert flags() == ("N", "N", "N")
    im_id = get(api, lead_id)["IM"][0]["ID"]
    _update(api, lead_id, {"IM": [{"ID": im_id, "VALUE": "tg", "VALUE_TYPE": "OPENLINE"}]})
    assert flags() == ("N", "N", "Y")
    _update(api, lead_id, {"IM": [{"ID": im_id, "VALUE": "tg", "VALUE_TYPE": "IMOL"}]})
    assert flags() == ("N", "N", "Y")
    _update(api, lead_id, {"IM": [{"ID": im_id, "VALUE": "tg", "VALUE_TYPE": "SKYPE"}]})
    assert flags() == ("N", "N", "N")
    _update(api, lead_id, {"PHONE": [{"VALUE": "1"}], "EMAIL": [{"VALUE": "a@b.de"}]})
    assert flags() == ("Y", "Y", "N")
    lead = get(api, lead_id)
    _update(api, lead_id, {"PHONE": [{"ID": lead["PHONE"][0]["ID"], "VALUE": ""}]})
    assert flags() == ("N", "Y", "N")
    _update(api, lead_id, {"HAS_PHONE": "Y", "HAS_IMOL": "Y", "HAS_EMAIL": "N"})
    assert flags() == ("N", "Y", "N")


# -- refusals -----------------------------------------------------------------------------------

INVALID_ITEMS: list[tuple[str, Any, str]] = [
    (
        "PHONE",
        [{"VALUE": "1", "VALUE_TYPE": "TELEGRAM"}],
        "VALUE_TYPE 'TELEGRAM' is not allowed for PHONE.",
    ),
    (
        "EMAIL",
        [{"VALUE": "a@b.de", "VALUE_TYPE": "MOBILE"}],
        "VALUE_TYPE 'MOBILE' is not allowed for EMAIL.",
    ),
    (
        "WEB",
        [{"VALUE": "a.de", "VALUE_TYPE": "SKYPE"}],
        "VALUE_TYPE 'SKYPE' is not allowed for WEB.",
    ),
    ("IM", [{"VALUE": "x", "VALUE_TYPE": "WORK"}], "VALUE_TYPE 'WORK' is not allowed for IM."),
    (
        "LINK",
        [{"VALUE": "1", "VALUE_TYPE": "MOBILE"}],
        "VALUE_TYPE 'MOBILE' is not allowed for LINK.",
    ),
    (
        "PHONE",
        [{"VALUE": "1", "VALUE_TYPE": ["WORK"]}],
        "VALUE_TYPE '['WORK']' is not allowed for PHONE.",
    ),
    ("EMAIL", [{"VALUE": "not an address"}], "The field E-mail contains an invalid address"),
    ("EMAIL", [{"VALUE": "gleb@"}], "The field E-mail contains an invalid address"),
    ("EMAIL", [{"VALUE": "gleb@example"}], "The field E-mail contains an invalid address"),
    ("EMAIL", [{"VALUE": "a b@example.com"}], "The field E-mail contains an invalid address"),
    ("PHONE", [{"VALUE_TYPE": "WORK"}], "A new PHONE item needs a VALUE."),
    ("PHONE", [{"VALUE": ""}], "A new PHONE item needs a VALUE."),
    ("WEB", [{"VALUE": "   "}], "A new WEB item needs a VALUE."),
    ("PHONE", [{"VALUE": {"x": 1}}], "The VALUE of each PHONE item must be a string."),
    ("PHONE", [{"VALUE": True}], "The VALUE of each PHONE item must be a string."),
    ("PHONE", ["555888"], "Each PHONE item must be an object with VALUE."),
    ("PHONE", "555888", "The field PHONE must be an array of items."),
    (
        "PHONE",
        [{"ID": "abc", "VALUE": "1"}],
        "The ID of each PHONE item must be a positive integer.",
    ),
    ("PHONE", [{"ID": -4, "VALUE": "1"}], "The ID of each PHONE item must be a positive integer."),
    ("PHONE", [{"ID": "²", "VALUE": "1"}], "The ID of each PHONE item must be a positive integer."),
    ("PHONE", [{"VALUE": "1" * 251}], "The PHONE value is longer than 250 characters."),
    ("IM", [{"VALUE": "a\x00b"}], "The IM value must not contain a NUL character."),
]


def test_an_invalid_item_is_refused_on_add_and_update_and_nothing_is_written(api: Api) -> None:
    lead_id = api.call("crm.lead.add", {"fields": {"PHONE": [{"VALUE": "1"}]}})
    before = database_rows(api)
    for type_id, items, description in INVALID_ITEMS:
        fields = {"TITLE": "Refused", "WEB": [{"VALUE": "kept.example"}], type_id: items}
        expected = (400, {"error": "ERROR_CORE", "error_description": description})
        assert api.error("crm.lead.add", {"fields": fields}) == expected, items
        updated = api.error("crm.lead.update", {"id": lead_id, "fields": fields})
        assert updated == expected, items
    assert database_rows(api) == before


def test_odd_but_valid_addresses_are_accepted(api: Api) -> None:
    values = ["first.last+tag@sub.example.co.uk", "x@example.museum", "UPPER@EXAMPLE.COM"]
    lead = get(api, api.call("crm.lead.add", {"fields": {"EMAIL": [{"VALUE": v} for v in values]}}))
    assert [e["VALUE"] for e in lead["EMAIL"]] == values


def test_a_change_to_an_invalid_address_is_refused(api: Api) -> None:
    lead_id = api.call("crm.lead.add", {"fields": {"EMAIL": [{"VALUE": "a@example.com"}]}})
    email_id = get(api, lead_id)["EMAIL"][0]["ID"]
    fields = {"EMAIL": [{"ID": email_id, "VALUE": "broken"}]}
    _refused(
        api,
        "crm.lead.update",
        {"id": lead_id, "fields": fields},
        "The field E-mail contains an invalid address",
    )


def test_an_id_of_another_lead_or_another_type_is_refused(api: Api) -> None:
    mine = api.call(
        "crm.lead.add", {"fields": {"PHONE": [{"VALUE": "1"}], "EMAIL": [{"VALUE": "a@b.de"}]}}
    )
    theirs = api.call("crm.lead.add", {"fields": {"PHONE": [{"VALUE": "2"}]}})
    my_lead, their_lead = get(api, mine), get(api, theirs)
    foreign = their_lead["PHONE"][0]["ID"]
    email = my_lead["EMAIL"][0]["ID"]
    for items, wrong in (
        ([{"ID": foreign, "VALUE": "3"}], foreign),
        ([{"ID": foreign, "DELETE": "Y"}], foreign),
        ([{"ID": foreign}], foreign),
        ([{"VALUE": "4"}, {"ID": email, "VALUE": "5"}], email),
        ([{"ID": "999999", "VALUE": "6"}], "999999"),
    ):
        _refused(
            api,
            "crm.lead.update",
            {"id": mine, "fields": {"TITLE": "x", "PHONE": items}},
            f"PHONE item {wrong} does not belong to this entity.",
        )
    assert get(api, theirs) == their_lead
    assert get(api, mine) == my_lead


def test_an_item_with_an_id_on_add_is_refused(api: Api) -> None:
    lead_id = api.call("crm.lead.add", {"fields": {"PHONE": [{"VALUE": "1"}]}})
    copied = get(api, lead_id)["PHONE"]
    _refused(
        api,
        "crm.lead.add",
        {"fields": {"PHONE": copied}},
        f"PHONE item {copied[0]['ID']} does not belong to this entity.",
    )
    assert lead_count(api) == 1


# -- random update sequences against a model of the documented rules ---------------------------

SAMPLE_VALUES = {
    "PHONE": st.text("0123456789", min_size=1, max_size=6),
    "EMAIL": st.text("abc", min_size=1, max_size=4).map(lambda s: f"{s}@example.com"),
    "WEB": st.text("abc", min_size=1, max_size=4).map(lambda s: f"{s}.example"),
    "IM": st.text("abc", min_size=1, max_size=4),
    "LINK": st.text("123", min_size=1, max_size=3),
}


@dataclass
class Model:
    """A lead's multifield rows as the documentation describes them: (ID, VALUE_TYPE, VALUE)."""

    rows: dict[str, list[list[Any]]] = field(default_factory=lambda: {t: [] for t in MULTIFIELDS})

    def apply(self, type_id: str, operations: list[tuple[Any, ...]]) -> None:
        rows = self.rows[type_id]
        for operation in operations:
            kind, *args = operation
            if kind == "new":
                value, value_type = args
                rows.append([None, value_type or DEFAULT_TYPE[type_id], value])
            elif kind == "change":
                row_id, value, value_type = args
                row = next(r for r in rows if r[0] == row_id)
                row[2] = value
                row[1] = value_type or row[1]
            elif kind in ("delete", "empty", "bare"):
                rows[:] = [r for r in rows if r[0] != args[0]]

    def learn_ids(self, lead: dict[str, Any]) -> None:
        """New rows get their ids in the order they were appended."""
        for type_id, rows in self.rows.items():
            known = {r[0] for r in rows}
            fresh = [item["ID"] for item in lead.get(type_id, []) if item["ID"] not in known]
            unnamed = [r for r in rows if r[0] is None]
            assert len(fresh) == len(unnamed), type_id
            for row, row_id in zip(unnamed, fresh, strict=True):
                row[0] = row_id

    def expected(self, type_id: str) -> list[dict[str, str]]:
        return [
            {"ID": row_id, "VALUE_TYPE": value_type, "VALUE": value, "TYPE_ID": type_id}
            for row_id, value_type, value in self.rows[type_id]
        ]


def _item(type_id: str, operation: tuple[Any, ...], lead: dict[str, Any]) -> dict[str, Any]:
    kind, *args = operation
    if kind == "new":
        value, value_type = args
        return {"VALUE": value, **({"VALUE_TYPE": value_type} if value_type else {})}
    if kind == "change":
        row_id, value, value_type = args
        return {
            "ID": int(row_id),
            "VALUE": value,
            **({"VALUE_TYPE": value_type} if value_type else {}),
        }
    if kind == "delete":
        return {"ID": args[0], "DELETE": "Y"}
    if kind == "empty":
        return {"ID": args[0], "VALUE": ""}
    if kind == "bare":
        return {"ID": args[0]}
    return next(item for item in lead[type_id] if item["ID"] == args[0])  # "echo"


def _operations(data: st.DataObject, type_id: str, ids: list[str], *, adding: bool) -> list[Any]:
    new = st.tuples(
        st.just("new"), SAMPLE_VALUES[type_id], st.none() | st.sampled_from(VALUE_TYPES[type_id])
    )
    operations: list[Any] = data.draw(st.lists(new, max_size=2 if ids else 3))
    if not adding:
        for row_id in data.draw(
            st.lists(st.sampled_from(ids), unique=True) if ids else st.just([])
        ):
            operations.append(
                data.draw(
                    st.tuples(
                        st.just("change"),
                        st.just(row_id),
                        SAMPLE_VALUES[type_id],
                        st.none() | st.sampled_from(VALUE_TYPES[type_id]),
                    )
                    | st.tuples(
                        st.sampled_from(["delete", "empty", "bare", "echo"]), st.just(row_id)
                    )
                )
            )
    return data.draw(st.permutations(operations))


def _check(api: Api, lead_id: int, model: Model) -> dict[str, Any]:
    lead = get(api, lead_id)
    model.learn_ids(lead)
    for type_id in MULTIFIELDS:
        assert lead.get(type_id, []) == model.expected(type_id), type_id
        assert (type_id in lead) == bool(model.rows[type_id])
    imol = any(r[1] in ("OPENLINE", "IMOL") for r in model.rows["IM"])
    assert lead["HAS_PHONE"] == ("Y" if model.rows["PHONE"] else "N")
    assert lead["HAS_EMAIL"] == ("Y" if model.rows["EMAIL"] else "N")
    assert lead["HAS_IMOL"] == ("Y" if imol else "N")
    return lead


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_update_sequences_follow_the_documented_rules(api: Api, data: st.DataObject) -> None:
    model = Model()
    fields: dict[str, Any] = {}
    for type_id in data.draw(st.lists(st.sampled_from(MULTIFIELDS), unique=True, max_size=3)):
        operations = _operations(data, type_id, [], adding=True)
        fields[type_id] = [_item(type_id, op, {}) for op in operations]
        model.apply(type_id, operations)
    lead_id = api.call("crm.lead.add", {"fields": fields})
    lead = _check(api, lead_id, model)
    for _ in range(data.draw(st.integers(1, 4))):
        fields = {}
        for type_id in data.draw(st.lists(st.sampled_from(MULTIFIELDS), unique=True, max_size=3)):
            ids = [row[0] for row in model.rows[type_id]]
            operations = _operations(data, type_id, ids, adding=False)
            fields[type_id] = [_item(type_id, op, lead) for op in operations]
            model.apply(type_id, operations)
        _update(api, lead_id, fields)
        lead = _check(api, lead_id, model)
