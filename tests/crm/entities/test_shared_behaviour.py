"""crm.contact.* and crm.company.*: the behaviour the two share, tested once for each.

Contacts and companies run on one engine (leadcrm/crm/entities), so what their pages say alike
(and what docs/compatibility.md's policies make alike where the pages are silent) is tested
here, for each entity: ``Entity`` (support.py) holds what differs in the calls, ``Tables`` what
each entity's own module documents (its defaults, its fields, its refusals). What only one
entity has (its fields list, its defaults, the documented examples, the rule for its name, the
links between contacts and companies) is tested in tests/crm/contacts and tests/crm/companies.
Readings of a vague or contradictory page are marked ``# POLICY:``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.crm.companies import test_companies as companies
from tests.crm.contacts import test_contacts as contacts
from tests.crm.entities.support import (
    BAD_IDS,
    COMPANY,
    CONTACT,
    FIELDS_NOT_A_MAP,
    ID_INVALID,
    ISO_WITH_OFFSET,
    LATER_TEXT,
    NOT_FOUND,
    PARAMS_NOT_A_MAP,
    UNKNOWN_IDS,
    Entity,
    answered,
    changed,
    core_error,
    database_rows,
    events,
    freeze,
    list_ids,
    new_events,
    php_pairs,
    php_query,
    refused,
    without_item_ids,
)
from tests.support import Api


@dataclass(frozen=True)
class Tables:
    """What an entity's own module documents, and the values its tests below send."""

    defaults: dict[str, Any]  # a record added with only its name, at MOMENT, by user 1
    defaulted: tuple[str, ...]  # the fields that take their default when sent empty
    kept: frozenset[str]  # the fields an update that empties them leaves as they were
    full_fields: dict[str, Any]  # every writable scalar field
    full_record: dict[str, Any]  # what get answers for a record added with full_fields
    read_only: set[str]  # the read-only fields of the fields page
    read_only_attempt: dict[str, Any]  # read-only and unknown fields, sent to be ignored
    invalid_values: list[tuple[dict[str, Any], str]]  # values that do not fit, and the refusal
    flags: tuple[str, ...]  # the writable Y/N fields
    numbers: dict[str, Any]  # integer fields sent, which get renders as digit strings
    partial: dict[str, str]  # an update of a full record that changes only these fields
    write_only: str  # the list of linked records, never read back by get or list


# The fields that take a default when not sent (a first directory item, the base currency, Y,
# the acting user).
CONTACT_DEFAULTED = ("HONORIFIC", "TYPE_ID", "SOURCE_ID", "OPENED", "EXPORT", "ASSIGNED_BY_ID")
COMPANY_DEFAULTED = (
    "COMPANY_TYPE",
    "INDUSTRY",
    "EMPLOYEES",
    "CURRENCY_ID",
    "OPENED",
    "ASSIGNED_BY_ID",
)
TABLES = {
    "contact": Tables(
        defaults=contacts.GLEB,
        defaulted=CONTACT_DEFAULTED,
        # POLICY: fields that always hold a value keep it on an empty update (lead rule).
        kept=frozenset(CONTACT_DEFAULTED),
        full_fields=contacts.FULL_FIELDS,
        full_record=contacts.FULL_CONTACT,
        read_only=contacts.READ_ONLY,
        read_only_attempt=contacts.READ_ONLY_ATTEMPT,
        invalid_values=contacts.INVALID_VALUES,
        flags=("OPENED", "EXPORT"),
        numbers={"ADDRESS_LOC_ADDR_ID": "7"},
        partial={"POST": "CTO", "SECOND_NAME": ""},
        # POLICY: COMPANY_IDS is write-only: "this field is not present" in get and list.
        write_only="COMPANY_IDS",
    ),
    "company": Tables(
        defaults=companies.ACME,
        defaulted=COMPANY_DEFAULTED,
        # POLICY: fields that always hold a value keep it on an empty update (the lead rule,
        # which keeps OPPORTUNITY; REVENUE is the company's amount).
        kept=frozenset({*COMPANY_DEFAULTED, "IS_MY_COMPANY", "REVENUE"}),
        full_fields=companies.FULL_FIELDS,
        full_record=companies.FULL_COMPANY,
        read_only=companies.READ_ONLY,
        read_only_attempt=companies.READ_ONLY_ATTEMPT,
        invalid_values=companies.INVALID_VALUES,
        flags=("OPENED", "IS_MY_COMPANY"),
        numbers={"REG_ADDRESS_LOC_ADDR_ID": 3},
        partial={"COMMENTS": "", "INDUSTRY": "IT"},
        # A company's contacts, as CONTACT_ID (multiple).
        write_only="CONTACT_ID",
    ),
}


@pytest.fixture(params=[CONTACT, COMPANY], ids=["contact", "company"])
def entity(request: pytest.FixtureRequest) -> Entity:
    chosen: Entity = request.param
    return chosen


@pytest.fixture
def tables(entity: Entity) -> Tables:
    return TABLES[entity.name]


# -- fields and add ---------------------------------------------------------------------------


def test_get_answers_every_single_valued_field(api: Api, entity: Entity, tables: Tables) -> None:
    described = api.call(entity.method("fields"))
    record = entity.get(api, entity.add(api))
    # The multiple-valued fields (multifields, write_only) are not in get.
    assert set(record) == {n for n, d in described.items() if not d["isMultiple"]}
    assert {n for n, d in described.items() if d["isReadOnly"]} == tables.read_only


@pytest.mark.parametrize("empty", [None, ""])
def test_empty_values_of_defaulted_fields_take_the_defaults(
    api: Api, entity: Entity, tables: Tables, monkeypatch: pytest.MonkeyPatch, empty: object
) -> None:
    freeze(monkeypatch)
    record_id = entity.add(api, **dict.fromkeys(tables.defaulted, empty))
    assert entity.get(api, record_id) == {**tables.defaults, "ID": str(record_id)}


def test_the_acting_user_creates_and_is_responsible_by_default(
    api: Api, entity: Entity, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    user_id, prefix = api.new_webhook(scopes=["crm"])
    record_id = api.as_user(prefix).call(entity.method("add"), {"fields": entity.named("Mine")})
    record = entity.get(api, record_id)
    by = ("ASSIGNED_BY_ID", "CREATED_BY_ID", "MODIFY_BY_ID", "LAST_ACTIVITY_BY")
    assert {k: record[k] for k in by} == dict.fromkeys(by, str(user_id))
    other = entity.get(api, entity.add(api, ASSIGNED_BY_ID=user_id))
    assert (other["ASSIGNED_BY_ID"], other["CREATED_BY_ID"]) == (str(user_id), "1")
    assert entity.get(api, entity.add(api, ASSIGNED_BY_ID=0))["ASSIGNED_BY_ID"] == "1"


def test_every_writable_field_is_stored_and_read_back_as_the_docs_render_it(
    api: Api, entity: Entity, tables: Tables, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    record_id = api.call(entity.method("add"), {"fields": tables.full_fields})
    assert entity.get(api, record_id) == {**tables.full_record, "ID": str(record_id)}


def test_flags_accept_y_n_true_false_and_one_zero(api: Api, entity: Entity, tables: Tables) -> None:
    for sent, shown in (("Y", "Y"), ("N", "N"), (True, "Y"), (False, "N"), ("1", "Y"), (0, "N")):
        record = entity.get(api, entity.add(api, **dict.fromkeys(tables.flags, sent)))
        assert [record[name] for name in tables.flags] == [shown] * len(tables.flags), sent


def test_read_only_and_unknown_fields_are_silently_ignored(
    api: Api, entity: Entity, tables: Tables, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    api.call("crm.lead.add", {"fields": {"TITLE": "A lead with id 1"}})
    record_id = entity.add(api, **tables.read_only_attempt)
    assert record_id != 999
    assert entity.get(api, record_id) == {**tables.defaults, "ID": str(record_id)}


def test_a_value_that_does_not_fit_is_refused_and_nothing_is_written(
    api: Api, entity: Entity, tables: Tables
) -> None:
    for fields, description in tables.invalid_values:
        params = {"fields": {**entity.named("Refused"), **fields}}
        refused(api, entity.method("add"), params, core_error(description))


def test_fields_and_params_that_are_not_a_map_are_refused(api: Api, entity: Entity) -> None:
    add = entity.method("add")
    for fields in ("text", 5, [entity.names[0]], True):
        refused(api, add, {"fields": fields}, FIELDS_NOT_A_MAP)
    refused(api, add, {"fields": entity.named("x"), "params": "Y"}, PARAMS_NOT_A_MAP)
    assert api.call(add, {"fields": entity.named("x"), "params": []}) > 0


def test_a_form_body_and_a_query_string_add_the_same_record_as_json(
    api: Api, entity: Entity, tables: Tables, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    params = {
        "fields": {
            **tables.full_fields,
            **entity.named("Form & Co"),
            "PHONE": [{"VALUE": "+49 30 1234", "VALUE_TYPE": "MOBILE"}, {"VALUE": "555"}],
            "EMAIL": [{"VALUE": "anna@example.com", "VALUE_TYPE": "HOME"}],
            "WEB": [{"VALUE": "www.example.com"}],
        }
    }
    add = entity.method("add")
    from_json = entity.get(api, api.call(add, params))
    form = api.client.post(api.prefix + add, data=dict(php_pairs(params)))
    query = api.get(add, php_query(params))
    for response in (form, query):
        assert response.status_code == 200, response.json()
        added = entity.get(api, response.json()["result"])
        assert without_item_ids(added) == without_item_ids(from_json)


# -- get, and the id of get, update and delete ----------------------------------------------


def test_get_renders_strings_flags_and_dates_with_an_offset(
    api: Api, entity: Entity, tables: Tables
) -> None:
    record = entity.get(api, entity.add(api, **tables.numbers))
    for name in ("DATE_CREATE", "DATE_MODIFY", "LAST_ACTIVITY_TIME"):
        assert ISO_WITH_OFFSET.match(record[name]), name
    for name in ("ID", "ASSIGNED_BY_ID", "CREATED_BY_ID", "MODIFY_BY_ID", *tables.numbers):
        assert isinstance(record[name], str) and record[name].isdigit(), name
    assert all(record[n] in ("Y", "N") for n in (*tables.flags, "HAS_PHONE", "HAS_EMAIL"))
    assert all(v is None or isinstance(v, str) for v in record.values())
    assert tables.write_only not in record


@pytest.mark.parametrize("spelling", ["id", "ID", "Id"])
def test_the_id_may_be_a_number_or_a_string_in_any_case(
    api: Api, entity: Entity, spelling: str
) -> None:
    record_id = entity.add(api)
    expected = entity.get(api, record_id)
    for value in (record_id, str(record_id)):
        assert api.call(entity.method("get"), {spelling: value}) == expected
    query = api.get(entity.method("get"), f"ID={record_id}")
    assert (query.status_code, query.json()["result"]) == (200, expected)


@pytest.mark.parametrize("action", ["get", "update", "delete"])
def test_a_missing_or_invalid_id_is_refused_and_an_unknown_one_is_not_found(
    api: Api, entity: Entity, action: str
) -> None:
    record_id = entity.add(api)
    method = entity.method(action)
    fields = {"fields": entity.named("x")} if action == "update" else {}
    # POLICY: the company pages list no id error; the contact and lead pages' text applies.
    # An id among the fields is not the id.
    without_id: list[dict[str, Any]] = [{}, {"fields": {"ID": record_id}}]
    if fields:
        without_id.append(fields)
    for params in without_id:
        refused(api, method, params, ID_INVALID)
    for bad in BAD_IDS:
        refused(api, method, {"id": bad, **fields}, ID_INVALID)
    # Each page's own not-found text (see CONTACT and COMPANY in support.py).
    unknown_answer = {
        "get": NOT_FOUND,
        "update": entity.update_missing,
        "delete": entity.delete_missing,
    }[action]
    for unknown in UNKNOWN_IDS:
        refused(api, method, {"id": unknown, **fields}, unknown_answer)
    assert entity.get(api, record_id)[entity.names[0]] == entity.sample


def test_the_id_of_a_lead_or_of_the_other_entity_is_not_found(api: Api, entity: Entity) -> None:
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Lead"}})
    other_id = entity.other.add(api)
    for other in {lead_id, other_id}:
        refused(api, entity.method("get"), {"id": other}, NOT_FOUND)


# -- update -----------------------------------------------------------------------------------


def test_only_the_fields_sent_change(
    api: Api, entity: Entity, tables: Tables, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = freeze(monkeypatch)
    record_id = api.call(entity.method("add"), {"fields": tables.full_fields})
    before = entity.get(api, record_id)
    user_id, prefix = api.new_webhook(scopes=["crm"])
    clock.advance(minutes=10)
    params = {"id": record_id, "fields": tables.partial}
    assert api.as_user(prefix).call(entity.method("update"), params) is True
    assert changed(before, entity.get(api, record_id)) == {
        **tables.partial,
        "DATE_MODIFY": LATER_TEXT,
        "MODIFY_BY_ID": str(user_id),
    }


def test_every_writable_field_can_be_changed_and_cleared(
    api: Api, entity: Entity, tables: Tables, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    record_id = entity.add(api)
    update = entity.method("update")
    assert api.call(update, {"id": record_id, "fields": tables.full_fields}) is True
    assert entity.get(api, record_id) == {**tables.full_record, "ID": str(record_id)}
    cleared = {name: None for name in tables.full_fields if name != entity.names[0]}
    assert api.call(update, {"id": record_id, "fields": cleared}) is True
    record = entity.get(api, record_id)
    # A cleared field reads as on a record that never had it (null, a date ""), but for those
    # that always hold a value.
    for name in cleared:
        expected = tables.full_record[name] if name in tables.kept else tables.defaults[name]
        assert record[name] == expected, name


def test_read_only_and_unknown_fields_are_ignored_on_update(
    api: Api, entity: Entity, tables: Tables, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = freeze(monkeypatch)
    api.call("crm.lead.add", {"fields": {"TITLE": "A lead with id 1"}})
    record_id = entity.add(api)
    before = entity.get(api, record_id)
    clock.advance(minutes=10)
    fields = {**entity.change("After"), **tables.read_only_attempt}
    assert api.call(entity.method("update"), {"id": record_id, "fields": fields}) is True
    assert changed(before, entity.get(api, record_id)) == {
        **entity.change("After"),
        "DATE_MODIFY": LATER_TEXT,
    }


def test_update_refuses_fields_that_are_not_a_map(api: Api, entity: Entity) -> None:
    record_id = entity.add(api)
    # The company update page writes "must be an array"; the add pages' JSON example is followed.
    for fields in ("text", 5, [entity.names[0]], False):
        params = {"id": record_id, "fields": fields}
        refused(api, entity.method("update"), params, FIELDS_NOT_A_MAP)


def test_an_update_with_a_value_that_does_not_fit_writes_nothing(
    api: Api, entity: Entity, tables: Tables
) -> None:
    record_id = entity.add(api, PHONE=[{"VALUE": "555"}])
    before = entity.get(api, record_id)
    for fields, description in tables.invalid_values:
        sent = {entity.note: "Changed", "PHONE": [{"VALUE": "777"}], **fields}
        params = {"id": record_id, "fields": sent}
        refused(api, entity.method("update"), params, core_error(description))
    assert entity.get(api, record_id) == before


# -- multifields ("Working with Multiple Fields" of crm-contact-update.md) --------------------


def four_phones(api: Api, entity: Entity) -> tuple[int, list[str]]:
    """The record of the page's examples: phones 111111, 222222, 333333 and 44444."""
    phones = [{"VALUE": v, "VALUE_TYPE": "WORK"} for v in ("111111", "222222", "333333", "44444")]
    record_id = entity.add(api, PHONE=phones)
    return record_id, [p["ID"] for p in entity.get(api, record_id)["PHONE"]]


def update_phones(api: Api, entity: Entity, record_id: int, phones: list[dict[str, Any]]) -> None:
    params = {"id": record_id, "fields": {"PHONE": phones}}
    assert api.call(entity.method("update"), params) is True


def test_an_item_with_an_id_changes_that_value(api: Api, entity: Entity) -> None:
    record_id, ids = four_phones(api, entity)
    update_phones(
        api, entity, record_id, [{"ID": int(ids[1]), "VALUE": "444444", "VALUE_TYPE": "MOBILE"}]
    )
    phones = entity.get(api, record_id)["PHONE"]
    assert [p["ID"] for p in phones] == ids
    assert [(p["VALUE"], p["VALUE_TYPE"]) for p in phones] == [
        ("111111", "WORK"),
        ("444444", "MOBILE"),
        ("333333", "WORK"),
        ("44444", "WORK"),
    ]


def test_the_three_documented_ways_to_delete_a_value(api: Api, entity: Entity) -> None:
    record_id, ids = four_phones(api, entity)
    update_phones(
        api,
        entity,
        record_id,
        [{"ID": ids[0], "DELETE": "Y"}, {"ID": ids[1], "VALUE": ""}, {"ID": ids[2]}],
    )
    record = entity.get(api, record_id)
    assert record["PHONE"] == [
        {"ID": ids[3], "VALUE_TYPE": "WORK", "VALUE": "44444", "TYPE_ID": "PHONE"}
    ]
    assert record["HAS_PHONE"] == "Y"
    update_phones(api, entity, record_id, [{"ID": ids[3], "DELETE": "Y"}])
    record = entity.get(api, record_id)
    assert ("PHONE" not in record, record["HAS_PHONE"]) == (True, "N")


def test_an_item_without_an_id_is_appended_and_existing_values_are_kept(
    api: Api, entity: Entity
) -> None:
    record_id, ids = four_phones(api, entity)
    update_phones(api, entity, record_id, [{"VALUE": "55555", "VALUE_TYPE": "WORK"}])
    phones = entity.get(api, record_id)["PHONE"]
    assert [p["ID"] for p in phones[:4]] == ids
    assert (phones[-1]["VALUE"], phones[-1]["VALUE_TYPE"]) == ("55555", "WORK")
    assert len(phones) == 5


def test_the_documented_changes_one_after_another(api: Api, entity: Entity) -> None:
    record_id, ids = four_phones(api, entity)
    update_phones(
        api, entity, record_id, [{"ID": int(ids[1]), "VALUE": "444444", "VALUE_TYPE": "MOBILE"}]
    )
    update_phones(
        api,
        entity,
        record_id,
        [{"ID": ids[0], "DELETE": "Y"}, {"ID": ids[2], "VALUE": ""}, {"ID": ids[3]}],
    )
    update_phones(api, entity, record_id, [{"VALUE": "55555", "VALUE_TYPE": "WORK"}])
    record = entity.get(api, record_id)
    assert [(p["ID"], p["VALUE"], p["VALUE_TYPE"]) for p in record["PHONE"][:1]] == [
        (ids[1], "444444", "MOBILE")
    ]
    assert [(p["VALUE"], p["VALUE_TYPE"]) for p in record["PHONE"]] == [
        ("444444", "MOBILE"),
        ("55555", "WORK"),
    ]
    assert record["HAS_PHONE"] == "Y"


def test_an_item_of_another_record_cannot_be_changed_through_this_one(
    api: Api, entity: Entity
) -> None:
    record_id = entity.add(api, PHONE=[{"VALUE": "1"}])
    lead_id = api.call("crm.lead.add", {"fields": {"PHONE": [{"VALUE": "2"}]}})
    lead_phone = api.call("crm.lead.get", {"id": lead_id})["PHONE"][0]["ID"]
    same_kind = entity.get(api, entity.add(api, PHONE=[{"VALUE": "3"}]))["PHONE"][0]["ID"]
    other = entity.other
    other_kind = other.get(api, other.add(api, PHONE=[{"VALUE": "4"}]))["PHONE"][0]["ID"]
    for foreign in (lead_phone, same_kind, other_kind):
        change = {"PHONE": [{"ID": foreign, "VALUE": "9"}]}
        expected = core_error(f"PHONE item {foreign} does not belong to this entity.")
        refused(api, entity.method("update"), {"id": record_id, "fields": change}, expected)
    assert api.call("crm.lead.get", {"id": lead_id})["PHONE"][0]["VALUE"] == "2"


# -- delete -----------------------------------------------------------------------------------


def test_the_delete_example_answers_true_and_the_record_is_gone(api: Api, entity: Entity) -> None:
    kept = entity.add(api, **entity.named("Kept"), PHONE=[{"VALUE": "1"}])
    kept_record = entity.get(api, kept)
    record_id = entity.add(api, PHONE=[{"VALUE": "2"}], EMAIL=[{"VALUE": "g@example.com"}])
    # The example's request: {"ID": 50}.
    body = answered(api.post(entity.method("delete"), {"ID": record_id}))
    assert body["result"] is True
    assert api.error(entity.method("get"), {"id": record_id}) == (400, NOT_FOUND)
    params = {"id": record_id, "fields": entity.named("x")}
    assert api.error(entity.method("update"), params) == (400, entity.update_missing)
    deleted_again = api.error(entity.method("delete"), {"id": record_id})
    assert deleted_again == (400, entity.delete_missing)
    assert list_ids(api, entity.method("list"), {}) == [kept]
    assert entity.get(api, kept) == kept_record
    # The record's multifield rows went with it.
    assert {row[2] for row in database_rows(api)["crm_field_multi"]} == {kept}  # element_id
    assert entity.add(api) == record_id + 1


# -- list -------------------------------------------------------------------------------------


def test_pages_hold_fifty_records_with_next_and_total(api: Api, entity: Entity) -> None:
    add, first_name, last_name = entity.method("add"), entity.names[0], entity.names[-1]
    kind = entity.name.capitalize()
    api.call(
        "batch", {"cmd": {f"a{i}": f"{add}?fields[{first_name}]={kind} {i}" for i in range(50)}}
    )
    api.call("batch", {"cmd": {f"b{i}": f"{add}?fields[{last_name}]=More" for i in range(5)}})
    method = entity.method("list")
    first = api.post(method, {"select": ["ID", first_name]}).json()
    assert (len(first["result"]), first["next"], first["total"]) == (50, 50, 55)
    assert type(first["total"]) is int and type(first["next"]) is int
    second = api.post(method, {"select": ["ID"], "start": 50}).json()
    assert (len(second["result"]), second["total"]) == (5, 55) and "next" not in second
    ids = [int(c["ID"]) for c in first["result"] + second["result"]]
    assert ids == sorted(ids) and len(set(ids)) == 55
    newest = api.post(method, {"order": {"ID": "DESC"}, "select": ["ID"]}).json()
    assert [int(c["ID"]) for c in newest["result"]] == sorted(ids, reverse=True)[:50]
    empty = api.post(method, {"filter": entity.named("Nobody")}).json()
    assert (empty["result"], empty["total"]) == ([], 0) and "next" not in empty


def test_list_refusals_are_the_documented_ones(api: Api, entity: Entity) -> None:
    entity.add(api)
    for params, description in (
        ({"filter": "x"}, "Parameter 'filter' must be array."),
        ({"order": "x"}, "Parameter 'order' must be array."),
        # POLICY: the lead list engine's answers for unknown fields.
        ({"filter": {"NOPE": 1}}, "Filter field 'NOPE' is not supported."),
        ({"order": {"NOPE": "ASC"}}, "Sort field 'NOPE' is not supported."),
    ):
        expected = {"error": "", "error_description": description}
        refused(api, entity.method("list"), params, expected)


# -- the event record -------------------------------------------------------------------------


def test_add_update_and_delete_each_write_one_event_row(api: Api, entity: Entity) -> None:
    before = events(api)
    record_id = entity.add(api)
    assert new_events(api, before) == [entity.event("ADD", record_id)]
    before = events(api)
    params = {"id": record_id, "fields": entity.change("x")}
    assert api.call(entity.method("update"), params) is True
    assert new_events(api, before) == [entity.event("UPDATE", record_id)]
    before = events(api)
    assert api.call(entity.method("delete"), {"id": record_id}) is True
    assert new_events(api, before) == [entity.event("DELETE", record_id)]


def test_event_rows_name_the_acting_user(api: Api, entity: Entity) -> None:
    user_id, prefix = api.new_webhook(scopes=["crm"], name="Seller")
    seller = api.as_user(prefix)
    before = events(api)
    record_id = seller.call(entity.method("add"), {"fields": entity.named("Seller's")})
    params = {"id": record_id, "fields": entity.named("Admin's")}
    api.call(entity.method("update"), params)
    seller.call(entity.method("delete"), {"id": record_id})
    assert new_events(api, before) == [
        entity.event("ADD", record_id, user_id),
        entity.event("UPDATE", record_id, 1),
        entity.event("DELETE", record_id, user_id),
    ]


def test_refused_calls_write_no_event_rows(api: Api, entity: Entity, tables: Tables) -> None:
    record_id = entity.add(api)
    add, update = entity.method("add"), entity.method("update")
    before = events(api)
    api.error(add, {"fields": {}})
    for fields, _ in tables.invalid_values:
        api.error(add, {"fields": {**entity.named("x"), **fields}})
        api.error(update, {"id": record_id, "fields": fields})
    # No name left: the required-field refusal.
    api.error(update, {"id": record_id, "fields": dict.fromkeys(entity.names, "")})
    api.error(update, {"id": 999, "fields": entity.named("x")})
    api.error(entity.method("delete"), {"id": 999})
    assert new_events(api, before) == []
