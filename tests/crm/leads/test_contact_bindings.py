"""crm.lead.contact.*: a lead's contact bindings, its primary contact and the fields they drive.

The pages in api-reference/crm/leads/management-communication/ and spec-checklist §8.3, §10 and
§22: the documented examples replayed, the primary rules, CONTACT_ID/CONTACT_IDS kept in step with
the bindings both ways, IS_RETURN_CUSTOMER, contact and company deletion, refusals, the event
record, and random call sequences against a model. Where the docs leave a choice open the test
says which reading it takes in a ``# POLICY:`` comment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.crm.leads.test_add import database_rows, php_pairs, php_query
from tests.events.test_record import events, lead_event
from tests.support import Api

METHODS = (
    "crm.lead.contact.fields",
    "crm.lead.contact.add",
    "crm.lead.contact.delete",
    "crm.lead.contact.items.get",
    "crm.lead.contact.items.set",
    "crm.lead.contact.items.delete",
)

# crm-lead-contact-fields.md, verbatim, in its key order.
DOC_FIELDS: dict[str, Any] = {
    "SORT": {
        "type": "integer",
        "isRequired": False,
        "isReadOnly": False,
        "isImmutable": False,
        "isMultiple": False,
        "isDynamic": False,
        "title": "Sorting",
    },
    "IS_PRIMARY": {
        "type": "char",
        "isRequired": False,
        "isReadOnly": False,
        "isImmutable": False,
        "isMultiple": False,
        "isDynamic": False,
        "title": "Primary",
    },
    "CONTACT_ID": {
        "type": "integer",
        "isRequired": True,
        "isReadOnly": False,
        "isImmutable": False,
        "isMultiple": False,
        "isDynamic": False,
        "title": "Contact",
    },
}
TIME_KEYS = {"start", "finish", "duration", "date_start", "date_finish"}

# The error example of every binding page (HTTP 400).
NOT_FOUND = {"error": "NOT_FOUND", "error_description": "Not found."}
# POLICY: the lead pages give a code (empty) but no text for "required fields not provided"; the
# texts are the sibling binding pages' (contacts/company/*.md; Bitrix24's current lead pages use
# the same), with the full stop of their JSON examples. add/delete quote 'ownerEntityID', the
# items.* methods do not, as those pages show.
OWNER_QUOTED = {
    "error": "",
    "error_description": "The parameter 'ownerEntityID' is invalid or not defined.",
}
OWNER_BARE = {
    "error": "",
    "error_description": "The parameter ownerEntityID is invalid or not defined.",
}
FIELDS_NOT_ARRAY = {"error": "", "error_description": "The parameter 'fields' must be array."}
FIELDS_INVALID = {"error": "", "error_description": "The parameter 'fields' is not valid."}
ITEMS_NOT_ARRAY = {"error": "", "error_description": "The parameter items must be array."}
# POLICY: no page has a text for an items entry without a usable CONTACT_ID (Bitrix24 skips such
# entries) or for a contact listed twice; leadcrm refuses both, worded like 'fields' above.
ITEMS_INVALID = {"error": "", "error_description": "The parameter 'items' is not valid."}
ITEMS_TWICE = {
    "error": "",
    "error_description": "The parameter 'items' is not valid: a contact is listed twice.",
}
INSUFFICIENT_SCOPE = {
    "error": "insufficient_scope",
    "error_description": (
        "The request requires higher privileges than provided by the webhook token"
    ),
}

UNKNOWN = 999999  # an id no lead, contact or company has in these tests
ABSENT = object()  # a parameter left out of the request


# -- helpers ------------------------------------------------------------------------------------


def new_contact(api: Api, name: str = "Contact") -> int:
    return int(api.call("crm.contact.add", {"fields": {"NAME": name}}))


def new_contacts(api: Api, count: int) -> list[int]:
    return [new_contact(api, f"Contact {n}") for n in range(1, count + 1)]


def new_company(api: Api, title: str = "Company") -> int:
    return int(api.call("crm.company.add", {"fields": {"TITLE": title}}))


def new_lead(api: Api, **fields: Any) -> int:
    lead_id: int = api.call("crm.lead.add", {"fields": {"TITLE": "Bound", **fields}})
    return lead_id


def get(api: Api, lead_id: int) -> dict[str, Any]:
    lead: dict[str, Any] = api.call("crm.lead.get", {"id": lead_id})
    return lead


def binding(contact_id: int, sort: int, primary: bool) -> dict[str, Any]:
    """One crm.lead.contact.items.get entry, as the page shows it (ROLE_ID is reserved: 0)."""
    return {
        "CONTACT_ID": contact_id,
        "SORT": sort,
        "ROLE_ID": 0,
        "IS_PRIMARY": "Y" if primary else "N",
    }


def items_get(api: Api, lead_id: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = api.call("crm.lead.contact.items.get", {"id": lead_id})
    return found


def bind(api: Api, lead_id: int, contact_id: int, **fields: Any) -> Any:
    return api.call(
        "crm.lead.contact.add", {"id": lead_id, "fields": {"CONTACT_ID": contact_id, **fields}}
    )


def set_items(api: Api, lead_id: int, items: list[dict[str, Any]]) -> Any:
    return api.call("crm.lead.contact.items.set", {"id": lead_id, "items": items})


def listed(api: Api, lead_id: int) -> dict[str, Any]:
    rows = api.call(
        "crm.lead.list", {"filter": {"=ID": lead_id}, "select": ["CONTACT_ID", "CONTACT_IDS"]}
    )
    assert len(rows) == 1, rows
    row: dict[str, Any] = rows[0]
    return row


def follows(api: Api, lead_id: int, expected: list[dict[str, Any]]) -> None:
    """items.get answers ``expected``, and the lead's CONTACT_ID/CONTACT_IDS agree with it.

    Exactly one binding is primary when there are any; CONTACT_ID is that contact (a string, or
    null when there is none) in get and list; CONTACT_IDS lists the contacts in items.get order.
    """
    found = items_get(api, lead_id)
    assert found == expected
    primaries = [b["CONTACT_ID"] for b in found if b["IS_PRIMARY"] == "Y"]
    assert len(primaries) == (1 if found else 0), found
    primary = str(primaries[0]) if primaries else None
    assert get(api, lead_id)["CONTACT_ID"] == primary
    row = listed(api, lead_id)
    # POLICY: CONTACT_IDS holds JSON integers (Bitrix24 builds it from its binding rows, which
    # are integers, as items.get shows), unlike the string scalars of a list row.
    assert (row["ID"], row["CONTACT_ID"], row["CONTACT_IDS"]) == (
        str(lead_id),
        primary,
        [b["CONTACT_ID"] for b in found],
    )


def without(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not ABSENT}


def refused(api: Api, method: str, params: dict[str, Any], expected: dict[str, str]) -> None:
    """The call answers HTTP 400 with ``expected`` and writes nothing at all."""
    before = database_rows(api)
    assert api.error(method, without(params)) == (400, expected), (method, params)
    assert database_rows(api) == before, (method, params)


def update_events(api: Api, lead_id: int) -> list[tuple[Any, ...]]:
    return [row for row in events(api) if row[:3] == ("ONCRMLEADUPDATE", "LEAD", lead_id)]


# -- the documented examples --------------------------------------------------------------------


def test_fields_answer_the_documented_description(api: Api) -> None:
    response = api.post("crm.lead.contact.fields", {})
    body = response.json()
    assert (response.status_code, list(body)) == (200, ["result", "time"])
    assert set(body["time"]) >= TIME_KEYS
    assert body["result"] == DOC_FIELDS
    assert list(body["result"]) == ["SORT", "IS_PRIMARY", "CONTACT_ID"]
    # ROLE_ID appears in items.get but is not a writable binding field: fields does not list it.
    assert "ROLE_ID" not in body["result"]
    # The OAuth example sends only auth; any other parameter is ignored as well.
    assert api.call("crm.lead.contact.fields", {"id": 1}) == DOC_FIELDS


def test_the_documented_add_binds_the_contact_and_answers_true(api: Api) -> None:
    contact_id = new_contact(api)
    lead_id = new_lead(api)
    params = {"id": lead_id, "fields": {"CONTACT_ID": contact_id, "SORT": 10, "IS_PRIMARY": "Y"}}
    response = api.post("crm.lead.contact.add", params)
    body = response.json()
    assert (response.status_code, list(body), body["result"]) == (200, ["result", "time"], True)
    assert set(body["time"]) >= TIME_KEYS
    follows(api, lead_id, [binding(contact_id, 10, True)])


def test_the_documented_items_set_and_items_get(api: Api) -> None:
    first, second = new_contacts(api, 2)
    lead_id = new_lead(api)
    response = api.post(
        "crm.lead.contact.items.set",
        {
            "id": lead_id,
            "items": [
                {"CONTACT_ID": first, "SORT": 10, "IS_PRIMARY": "Y"},
                {"CONTACT_ID": second, "SORT": 20, "IS_PRIMARY": "N"},
            ],
        },
    )
    body = response.json()
    assert (response.status_code, list(body), body["result"]) == (200, ["result", "time"], True)
    response = api.post("crm.lead.contact.items.get", {"id": lead_id})
    body = response.json()
    assert (response.status_code, list(body)) == (200, ["result", "time"])
    assert body["result"] == [
        {"CONTACT_ID": first, "SORT": 10, "ROLE_ID": 0, "IS_PRIMARY": "Y"},
        {"CONTACT_ID": second, "SORT": 20, "ROLE_ID": 0, "IS_PRIMARY": "N"},
    ]
    # Integers are JSON numbers here (unlike crm.lead.get), and the keys come in the page's order.
    for item in body["result"]:
        assert list(item) == ["CONTACT_ID", "SORT", "ROLE_ID", "IS_PRIMARY"]
        assert all(type(item[k]) is int for k in ("CONTACT_ID", "SORT", "ROLE_ID"))
    follows(api, lead_id, body["result"])


def test_the_documented_delete_and_items_delete(api: Api) -> None:
    first, second = new_contacts(api, 2)
    lead_id = new_lead(api)
    set_items(
        api,
        lead_id,
        [{"CONTACT_ID": first, "SORT": 10, "IS_PRIMARY": "Y"}, {"CONTACT_ID": second, "SORT": 20}],
    )
    response = api.post("crm.lead.contact.delete", {"id": lead_id, "fields": {"CONTACT_ID": first}})
    body = response.json()
    assert (response.status_code, list(body), body["result"]) == (200, ["result", "time"], True)
    follows(api, lead_id, [binding(second, 20, True)])
    response = api.post("crm.lead.contact.items.delete", {"id": lead_id})
    body = response.json()
    assert (response.status_code, list(body), body["result"]) == (200, ["result", "time"], True)
    follows(api, lead_id, [])


def test_a_lead_without_bindings_lists_none(api: Api) -> None:
    lead_id = new_lead(api)
    response = api.post("crm.lead.contact.items.get", {"id": lead_id})
    assert (response.status_code, response.json()["result"]) == (200, [])
    follows(api, lead_id, [])


def test_the_php_and_bx24_examples_sent_as_form_data_and_query_strings(api: Api) -> None:
    """BX24.js, CRest and the PHP SDK send the same parameters PHP-encoded, every value a string."""
    first, second = new_contacts(api, 2)
    lead_id = new_lead(api)
    items = {
        "id": lead_id,
        "items": [
            {"CONTACT_ID": first, "SORT": 10, "IS_PRIMARY": "Y"},
            {"CONTACT_ID": second, "SORT": 20, "IS_PRIMARY": "N"},
        ],
    }
    form = api.client.post(api.prefix + "crm.lead.contact.items.set", data=dict(php_pairs(items)))
    assert (form.status_code, form.json()["result"]) == (200, True)
    follows(api, lead_id, [binding(first, 10, True), binding(second, 20, False)])
    removed = api.get(
        "crm.lead.contact.delete", php_query({"id": lead_id, "fields": {"CONTACT_ID": first}})
    )
    assert (removed.status_code, removed.json()["result"]) == (200, True)
    added = api.client.post(
        api.prefix + "crm.lead.contact.add",
        data=dict(
            php_pairs(
                {"id": lead_id, "fields": {"CONTACT_ID": first, "SORT": 5, "IS_PRIMARY": "Y"}}
            )
        ),
    )
    assert (added.status_code, added.json()["result"]) == (200, True)
    follows(api, lead_id, [binding(first, 5, True), binding(second, 20, False)])
    read = api.get("crm.lead.contact.items.get", f"id={lead_id}")
    assert read.json()["result"] == items_get(api, lead_id)
    cleared = api.client.post(
        api.prefix + "crm.lead.contact.items.delete", data={"id": str(lead_id)}
    )
    assert (cleared.status_code, cleared.json()["result"]) == (200, True)
    follows(api, lead_id, [])


def test_upper_case_parameter_names_work_as_lower_case_ones(api: Api) -> None:
    first, second = new_contacts(api, 2)
    lead_id = new_lead(api)
    assert api.call("crm.lead.contact.add", {"ID": lead_id, "FIELDS": {"CONTACT_ID": first}})
    assert api.call(
        "crm.lead.contact.items.set", {"ID": lead_id, "ITEMS": [{"CONTACT_ID": second}]}
    )
    assert api.call("crm.lead.contact.items.get", {"ID": lead_id}) == [binding(second, 10, True)]
    assert api.call("crm.lead.contact.delete", {"ID": lead_id, "FIELDS": {"CONTACT_ID": second}})
    assert api.call("crm.lead.contact.items.delete", {"ID": lead_id}) is True


def test_the_methods_need_the_crm_scope(api: Api) -> None:
    contact_id = new_contact(api)
    lead_id = new_lead(api)
    _, prefix = api.new_webhook(scopes=["user"], user_id=1)
    outsider = api.as_user(prefix)
    params = {"id": lead_id, "fields": {"CONTACT_ID": contact_id}, "items": []}
    for method in METHODS:
        assert outsider.error(method, params) == (403, INSUFFICIENT_SCOPE), method
    follows(api, lead_id, [])


def test_binding_calls_run_in_a_batch(api: Api) -> None:
    first, second = new_contacts(api, 2)
    lead_id = new_lead(api)
    commands = {
        "add": "crm.lead.contact.add?"
        + php_query({"id": lead_id, "fields": {"CONTACT_ID": first}}),
        "again": "crm.lead.contact.add?"
        + php_query({"id": lead_id, "fields": {"CONTACT_ID": first}}),
        "primary": "crm.lead.contact.add?"
        + php_query({"id": lead_id, "fields": {"CONTACT_ID": second, "IS_PRIMARY": "Y"}}),
        "missing": "crm.lead.contact.items.get?id=" + str(UNKNOWN),
        "get": f"crm.lead.contact.items.get?id={lead_id}",
    }
    result = api.call("batch", {"cmd": commands})
    assert result["result"] == {
        "add": True,
        "again": False,
        "primary": True,
        "get": [binding(first, 10, False), binding(second, 20, True)],
    }
    assert result["result_error"] == {"missing": NOT_FOUND}


# -- primary rules, sort and order --------------------------------------------------------------


def test_the_first_binding_is_primary_whatever_it_asks(api: Api) -> None:
    # index.md: a binding becomes primary "if the lead does not yet have a primary contact".
    for flag in ("N", ABSENT):
        contact_id = new_contact(api)
        lead_id = new_lead(api)
        assert bind(api, lead_id, contact_id, **without({"IS_PRIMARY": flag})) is True
        follows(api, lead_id, [binding(contact_id, 10, True)])


def test_later_bindings_are_primary_only_when_they_ask(api: Api) -> None:
    first, second, third, fourth = new_contacts(api, 4)
    lead_id = new_lead(api)
    bind(api, lead_id, first)
    bind(api, lead_id, second)
    bind(api, lead_id, third, IS_PRIMARY="N")
    follows(
        api,
        lead_id,
        [binding(first, 10, True), binding(second, 20, False), binding(third, 30, False)],
    )
    # IS_PRIMARY=Y moves primacy to the new binding; the old primary becomes N.
    assert bind(api, lead_id, fourth, IS_PRIMARY="Y") is True
    follows(
        api,
        lead_id,
        [
            binding(first, 10, False),
            binding(second, 20, False),
            binding(third, 30, False),
            binding(fourth, 40, True),
        ],
    )


def test_add_sort_defaults_to_ten_past_the_highest_one(api: Api) -> None:
    # POLICY: the lead page says SORT "defaults to 10"; the sibling binding pages (and the current
    # Bitrix24 lead page) say max existing SORT + 10, which is 10 for the first binding. A client
    # adding a contact expects it after the ones already there, so: max + 10.
    first, second, third, fourth = new_contacts(api, 4)
    lead_id = new_lead(api)
    bind(api, lead_id, first)
    bind(api, lead_id, second, SORT=55)
    bind(api, lead_id, third, SORT=5)
    bind(api, lead_id, fourth)
    follows(
        api,
        lead_id,
        [
            binding(third, 5, False),
            binding(first, 10, True),
            binding(second, 55, False),
            binding(fourth, 65, False),
        ],
    )


def test_items_get_orders_by_sort_whatever_the_binding_order(api: Api) -> None:
    first, second, third = new_contacts(api, 3)
    lead_id = new_lead(api)
    bind(api, lead_id, first, SORT=30)
    bind(api, lead_id, second, SORT=10)
    bind(api, lead_id, third, SORT=20)
    follows(
        api,
        lead_id,
        [binding(second, 10, False), binding(third, 20, False), binding(first, 30, True)],
    )


def test_equal_sorts_list_the_lower_contact_id_first(api: Api) -> None:
    # POLICY: the docs order by SORT only. Ties go by CONTACT_ID, ascending: the order Bitrix24's
    # (LEAD_ID, CONTACT_ID) key gives them, and the same whatever order they were bound in.
    low, high = new_contacts(api, 2)
    lead_id = new_lead(api)
    bind(api, lead_id, high, SORT=10)
    bind(api, lead_id, low, SORT=10)
    follows(api, lead_id, [binding(low, 10, False), binding(high, 10, True)])
    other = new_lead(api)
    set_items(api, other, [{"CONTACT_ID": high, "SORT": 7}, {"CONTACT_ID": low, "SORT": 7}])
    follows(api, other, [binding(low, 7, False), binding(high, 7, True)])


def test_adding_a_bound_contact_again_answers_false_and_changes_nothing(api: Api) -> None:
    # POLICY: the sibling pages (and Bitrix24's current lead page) answer false when the contact
    # is already bound; nothing changes, neither its SORT nor IS_PRIMARY.
    first, second = new_contacts(api, 2)
    lead_id = new_lead(api)
    bind(api, lead_id, first)
    bind(api, lead_id, second)
    before = database_rows(api)
    assert bind(api, lead_id, second, SORT=1, IS_PRIMARY="Y") is False
    assert database_rows(api) == before
    follows(api, lead_id, [binding(first, 10, True), binding(second, 20, False)])


def test_deleting_the_primary_makes_the_first_remaining_binding_primary(api: Api) -> None:
    # The sibling pages: "the first available binding will become the new primary binding"; first
    # in items.get order, that is the lowest SORT (not the earliest bound).
    first, second, third = new_contacts(api, 3)
    lead_id = new_lead(api)
    bind(api, lead_id, first, SORT=20)
    bind(api, lead_id, second, SORT=30)
    bind(api, lead_id, third, SORT=10)
    assert api.call("crm.lead.contact.delete", {"id": lead_id, "fields": {"CONTACT_ID": first}})
    follows(api, lead_id, [binding(third, 10, True), binding(second, 30, False)])


def test_deleting_another_binding_keeps_the_primary(api: Api) -> None:
    first, second, third = new_contacts(api, 3)
    lead_id = new_lead(api)
    set_items(
        api,
        lead_id,
        [
            {"CONTACT_ID": first, "SORT": 10},
            {"CONTACT_ID": second, "SORT": 20, "IS_PRIMARY": "Y"},
            {"CONTACT_ID": third, "SORT": 30},
        ],
    )
    assert api.call("crm.lead.contact.delete", {"id": lead_id, "fields": {"CONTACT_ID": first}})
    follows(api, lead_id, [binding(second, 20, True), binding(third, 30, False)])
    assert api.call("crm.lead.contact.delete", {"id": lead_id, "fields": {"CONTACT_ID": second}})
    follows(api, lead_id, [binding(third, 30, True)])
    assert api.call("crm.lead.contact.delete", {"id": lead_id, "fields": {"CONTACT_ID": third}})
    follows(api, lead_id, [])


def test_deleting_an_unbound_contact_answers_false_and_changes_nothing(api: Api) -> None:
    # POLICY: false, as the sibling pages answer for a contact that is not bound; a contact that
    # does not exist is not bound either, so it answers false too rather than an error.
    first, elsewhere = new_contacts(api, 2)
    lead_id = new_lead(api)
    bind(api, lead_id, first)
    before = database_rows(api)
    for contact_id in (elsewhere, UNKNOWN):
        params = {"id": lead_id, "fields": {"CONTACT_ID": contact_id}}
        assert api.call("crm.lead.contact.delete", params) is False, contact_id
    assert database_rows(api) == before
    follows(api, lead_id, [binding(first, 10, True)])


def test_items_set_replaces_the_whole_set(api: Api) -> None:
    first, second, third = new_contacts(api, 3)
    lead_id = new_lead(api)
    set_items(api, lead_id, [{"CONTACT_ID": first}, {"CONTACT_ID": second}])
    assert set_items(api, lead_id, [{"CONTACT_ID": third, "SORT": 40}]) is True
    follows(api, lead_id, [binding(third, 40, True)])


def test_items_set_without_a_primary_makes_the_first_item_primary(api: Api) -> None:
    # POLICY: "first" is the first entry of items (the sibling pages' wording), not the lowest
    # SORT; an explicit N on that entry does not stop it, as the lead must have a primary.
    first, second = new_contacts(api, 2)
    lead_id = new_lead(api)
    set_items(
        api,
        lead_id,
        [
            {"CONTACT_ID": first, "SORT": 30, "IS_PRIMARY": "N"},
            {"CONTACT_ID": second, "SORT": 10, "IS_PRIMARY": "N"},
        ],
    )
    follows(api, lead_id, [binding(second, 10, False), binding(first, 30, True)])


def test_items_set_with_several_primaries_keeps_the_first_one(api: Api) -> None:
    # POLICY: the sibling pages document "the first binding with IS_PRIMARY = Y" for this case, so
    # it is accepted rather than refused.
    first, second, third = new_contacts(api, 3)
    lead_id = new_lead(api)
    set_items(
        api,
        lead_id,
        [
            {"CONTACT_ID": first, "IS_PRIMARY": "N"},
            {"CONTACT_ID": second, "IS_PRIMARY": "Y"},
            {"CONTACT_ID": third, "IS_PRIMARY": "Y"},
        ],
    )
    follows(
        api,
        lead_id,
        [binding(first, 10, False), binding(second, 20, True), binding(third, 30, False)],
    )


def test_items_set_sort_defaults_to_the_position_in_items(api: Api) -> None:
    # POLICY: Bitrix24's current items.set page: a SORT left out (or <= 0) is (n + 1) * 10 for the
    # n-th entry (from 0), also for a contact already bound (its old SORT is not kept).
    first, second, third, fourth = new_contacts(api, 4)
    lead_id = new_lead(api)
    bind(api, lead_id, first, SORT=70)
    set_items(
        api,
        lead_id,
        [
            {"CONTACT_ID": second},
            {"CONTACT_ID": first},
            {"CONTACT_ID": third, "SORT": 0},
            {"CONTACT_ID": fourth, "SORT": 5},
        ],
    )
    follows(
        api,
        lead_id,
        [
            binding(fourth, 5, False),
            binding(second, 10, True),
            binding(first, 20, False),
            binding(third, 30, False),
        ],
    )


def test_items_set_with_an_empty_list_unbinds_every_contact(api: Api) -> None:
    # POLICY: an empty list is an array, so it is accepted and sets the empty set (as Bitrix24's
    # current items.set page says), the same as items.delete.
    first, second = new_contacts(api, 2)
    lead_id = new_lead(api)
    set_items(api, lead_id, [{"CONTACT_ID": first}, {"CONTACT_ID": second}])
    assert set_items(api, lead_id, []) is True
    follows(api, lead_id, [])


def test_items_set_with_a_contact_twice_is_refused(api: Api) -> None:
    # POLICY (open question): no page says what a repeated contact means, and its entries may
    # disagree on SORT and IS_PRIMARY; leadcrm refuses the call rather than guess which one counts.
    # (crm.lead.add's CONTACT_IDS, plain ids with nothing to disagree on, drops repeats instead.)
    first, second = new_contacts(api, 2)
    lead_id = new_lead(api, CONTACT_ID=second)
    for items in (
        [{"CONTACT_ID": first}, {"CONTACT_ID": first}],
        [
            {"CONTACT_ID": first, "SORT": 10, "IS_PRIMARY": "N"},
            {"CONTACT_ID": second, "SORT": 20},
            {"CONTACT_ID": str(first), "SORT": 30, "IS_PRIMARY": "Y"},
        ],
    ):
        refused(api, "crm.lead.contact.items.set", {"id": lead_id, "items": items}, ITEMS_TWICE)
    follows(api, lead_id, [binding(second, 10, True)])


def test_items_delete_on_a_lead_without_bindings_answers_true(api: Api) -> None:
    lead_id = new_lead(api)
    assert api.call("crm.lead.contact.items.delete", {"id": lead_id}) is True
    follows(api, lead_id, [])


def test_bindings_are_per_lead(api: Api) -> None:
    first, second = new_contacts(api, 2)
    one, other = new_lead(api), new_lead(api)
    bind(api, one, first)
    bind(api, other, second)
    bind(api, other, first, IS_PRIMARY="Y")
    api.call("crm.lead.contact.items.delete", {"id": other})
    follows(api, one, [binding(first, 10, True)])
    follows(api, other, [])


# -- the lead's CONTACT_ID and CONTACT_IDS follow the bindings, and the other way ----------------


def test_contact_id_and_contact_ids_follow_every_binding_change(api: Api) -> None:
    first, second, third, fourth = new_contacts(api, 4)
    lead_id = new_lead(api)
    follows(api, lead_id, [])
    bind(api, lead_id, first)
    follows(api, lead_id, [binding(first, 10, True)])
    bind(api, lead_id, second, SORT=5)
    # The primary need not come first: CONTACT_ID is the primary, CONTACT_IDS is in SORT order.
    follows(api, lead_id, [binding(second, 5, False), binding(first, 10, True)])
    bind(api, lead_id, third, IS_PRIMARY="Y")
    follows(
        api,
        lead_id,
        [binding(second, 5, False), binding(first, 10, False), binding(third, 20, True)],
    )
    api.call("crm.lead.contact.delete", {"id": lead_id, "fields": {"CONTACT_ID": third}})
    follows(api, lead_id, [binding(second, 5, True), binding(first, 10, False)])
    set_items(api, lead_id, [{"CONTACT_ID": fourth}, {"CONTACT_ID": first, "SORT": 1}])
    follows(api, lead_id, [binding(first, 1, False), binding(fourth, 10, True)])
    api.call("crm.lead.contact.items.delete", {"id": lead_id})
    follows(api, lead_id, [])


def test_lead_add_with_contact_ids_binds_them_in_the_order_given(api: Api) -> None:
    # POLICY (compatibility.md): CONTACT_IDS on add binds the contacts with SORT 10, 20, ...; the
    # first is primary.
    first, second, third = new_contacts(api, 3)
    lead_id = new_lead(api, CONTACT_IDS=[third, first, second])
    follows(
        api,
        lead_id,
        [binding(third, 10, True), binding(first, 20, False), binding(second, 30, False)],
    )


def test_lead_add_with_contact_id_binds_it_as_primary(api: Api) -> None:
    contact_id = new_contact(api)
    lead_id = new_lead(api, CONTACT_ID=contact_id)
    follows(api, lead_id, [binding(contact_id, 10, True)])


def test_lead_update_with_contact_ids_or_contact_id_replaces_the_bindings(api: Api) -> None:
    # POLICY (compatibility.md): CONTACT_ID or CONTACT_IDS on update rewrites the whole list, the
    # first contact primary, SORT 10, 20, ...
    first, second, third = new_contacts(api, 3)
    lead_id = new_lead(api)
    set_items(api, lead_id, [{"CONTACT_ID": first, "SORT": 50}, {"CONTACT_ID": second}])
    assert api.call("crm.lead.update", {"id": lead_id, "fields": {"CONTACT_IDS": [third, first]}})
    follows(api, lead_id, [binding(third, 10, True), binding(first, 20, False)])
    assert api.call("crm.lead.update", {"id": lead_id, "fields": {"CONTACT_ID": first}})
    follows(api, lead_id, [binding(first, 10, True)])
    assert api.call("crm.lead.update", {"id": lead_id, "fields": {"CONTACT_ID": str(second)}})
    follows(api, lead_id, [binding(second, 10, True)])


def test_lead_update_clearing_the_contacts_unbinds_them_all(api: Api) -> None:
    first, second = new_contacts(api, 2)
    for cleared in ({"CONTACT_ID": ""}, {"CONTACT_ID": 0}, {"CONTACT_IDS": []}):
        lead_id = new_lead(api, CONTACT_IDS=[first, second])
        assert api.call("crm.lead.update", {"id": lead_id, "fields": cleared})
        follows(api, lead_id, [])


def test_lead_update_without_contact_fields_keeps_the_bindings(api: Api) -> None:
    first, second = new_contacts(api, 2)
    lead_id = new_lead(api)
    set_items(api, lead_id, [{"CONTACT_ID": first, "SORT": 50}, {"CONTACT_ID": second, "SORT": 5}])
    expected = [binding(second, 5, False), binding(first, 50, True)]
    assert api.call("crm.lead.update", {"id": lead_id, "fields": {"TITLE": "Renamed"}})
    follows(api, lead_id, expected)
    assert api.call("crm.lead.update", {"id": lead_id, "fields": {"COMPANY_ID": new_company(api)}})
    follows(api, lead_id, expected)


# -- IS_RETURN_CUSTOMER -------------------------------------------------------------------------


def test_a_lead_saved_with_a_company_or_a_contact_is_a_returning_one(api: Api) -> None:
    # index.md's table: crm.lead.add/update with CONTACT_ID (or COMPANY_ID) sets it to Y.
    contact_id = new_contact(api)
    company_id = new_company(api)
    for fields in (
        {"COMPANY_ID": company_id},
        {"CONTACT_ID": contact_id},
        {"CONTACT_IDS": [contact_id]},
    ):
        added = new_lead(api, **fields)
        assert get(api, added)["IS_RETURN_CUSTOMER"] == "Y", fields
        updated = new_lead(api)
        assert get(api, updated)["IS_RETURN_CUSTOMER"] == "N"
        assert api.call("crm.lead.update", {"id": updated, "fields": fields})
        assert get(api, updated)["IS_RETURN_CUSTOMER"] == "Y", fields
    lead = get(api, new_lead(api, COMPANY_ID=company_id))
    assert lead["COMPANY_ID"] == str(company_id)


def test_binding_calls_do_not_make_a_lead_returning(api: Api) -> None:
    # index.md: "The crm.lead.contact.* methods do not change the repeat lead indicator".
    first, second = new_contacts(api, 2)
    added = new_lead(api)
    bind(api, added, first)
    lead = get(api, added)
    assert (lead["CONTACT_ID"], lead["IS_RETURN_CUSTOMER"]) == (str(first), "N")
    listed_row = api.call(
        "crm.lead.list", {"filter": {"=ID": added}, "select": ["IS_RETURN_CUSTOMER"]}
    )
    assert listed_row[0]["IS_RETURN_CUSTOMER"] == "N"
    set_lead = new_lead(api)
    set_items(api, set_lead, [{"CONTACT_ID": first}, {"CONTACT_ID": second}])
    lead = get(api, set_lead)
    assert (lead["CONTACT_ID"], lead["IS_RETURN_CUSTOMER"]) == (str(first), "N")


def test_unbinding_calls_do_not_make_a_returning_lead_new(api: Api) -> None:
    first, second = new_contacts(api, 2)
    deleted = new_lead(api, CONTACT_ID=first)
    api.call("crm.lead.contact.delete", {"id": deleted, "fields": {"CONTACT_ID": first}})
    lead = get(api, deleted)
    assert (lead["CONTACT_ID"], lead["IS_RETURN_CUSTOMER"]) == (None, "Y")
    cleared = new_lead(api, CONTACT_IDS=[first, second])
    api.call("crm.lead.contact.items.delete", {"id": cleared})
    lead = get(api, cleared)
    assert (lead["CONTACT_ID"], lead["IS_RETURN_CUSTOMER"]) == (None, "Y")
    emptied = new_lead(api, CONTACT_ID=second)
    set_items(api, emptied, [])
    assert get(api, emptied)["IS_RETURN_CUSTOMER"] == "Y"


# -- deleting contacts and companies ------------------------------------------------------------


def test_deleting_a_contact_unbinds_it_from_every_lead(api: Api) -> None:
    gone, kept, other = new_contacts(api, 3)
    alone = new_lead(api)
    set_items(api, alone, [{"CONTACT_ID": gone}])
    primary_first = new_lead(api)
    set_items(
        api,
        primary_first,
        [
            {"CONTACT_ID": gone, "SORT": 10, "IS_PRIMARY": "Y"},
            {"CONTACT_ID": kept, "SORT": 20},
            {"CONTACT_ID": other, "SORT": 30},
        ],
    )
    secondary = new_lead(api)
    set_items(api, secondary, [{"CONTACT_ID": kept, "SORT": 10}, {"CONTACT_ID": gone, "SORT": 20}])
    primary_in_the_middle = new_lead(api)
    set_items(
        api,
        primary_in_the_middle,
        [
            {"CONTACT_ID": gone, "SORT": 30, "IS_PRIMARY": "Y"},
            {"CONTACT_ID": kept, "SORT": 40},
            {"CONTACT_ID": other, "SORT": 20},
        ],
    )
    returning = new_lead(api, CONTACT_IDS=[gone, other])
    untouched = new_lead(api)
    set_items(api, untouched, [{"CONTACT_ID": kept}, {"CONTACT_ID": other}])
    untouched_before = items_get(api, untouched)

    assert api.call("crm.contact.delete", {"id": gone}) is True

    follows(api, alone, [])
    follows(api, primary_first, [binding(kept, 20, True), binding(other, 30, False)])
    follows(api, secondary, [binding(kept, 10, True)])
    follows(api, primary_in_the_middle, [binding(other, 20, True), binding(kept, 40, False)])
    follows(api, returning, [binding(other, 20, True)])
    follows(api, untouched, untouched_before)
    # POLICY: as with crm.lead.contact.*, the flag is recalculated only when the lead itself is
    # saved, and a contact's deletion does not save its leads.
    assert get(api, returning)["IS_RETURN_CUSTOMER"] == "Y"
    assert get(api, alone)["IS_RETURN_CUSTOMER"] == "N"
    # The contact is gone for good: binding it again is refused like any unknown contact.
    params = {"id": alone, "fields": {"CONTACT_ID": gone}}
    refused(api, "crm.lead.contact.add", params, NOT_FOUND)


def test_deleting_a_company_clears_it_from_its_leads(api: Api) -> None:
    gone, kept = new_company(api, "Gone"), new_company(api, "Kept")
    contact_id = new_contact(api)
    only_company = new_lead(api, COMPANY_ID=gone)
    with_contact = new_lead(api, COMPANY_ID=gone, CONTACT_ID=contact_id)
    other = new_lead(api, COMPANY_ID=kept)

    assert api.call("crm.company.delete", {"id": gone}) is True

    lead = get(api, only_company)
    # POLICY: IS_RETURN_CUSTOMER stays as it was (the lead is not saved), as for contacts.
    assert (lead["COMPANY_ID"], lead["IS_RETURN_CUSTOMER"]) == (None, "Y")
    lead = get(api, with_contact)
    assert (lead["COMPANY_ID"], lead["CONTACT_ID"]) == (None, str(contact_id))
    follows(api, with_contact, [binding(contact_id, 10, True)])
    assert get(api, other)["COMPANY_ID"] == str(kept)
    rows = api.call("crm.lead.list", {"filter": {"=COMPANY_ID": gone}, "select": ["ID"]})
    assert rows == []


# -- refusals -----------------------------------------------------------------------------------

BAD_LEAD_IDS: list[object] = [ABSENT, 0, -1, "abc", "", None]


def _valid_params(contact_id: int) -> dict[str, dict[str, Any]]:
    """Parameters each method accepts apart from ``id``."""
    return {
        "crm.lead.contact.add": {"fields": {"CONTACT_ID": contact_id}},
        "crm.lead.contact.delete": {"fields": {"CONTACT_ID": contact_id}},
        "crm.lead.contact.items.get": {},
        "crm.lead.contact.items.set": {"items": [{"CONTACT_ID": contact_id}]},
        "crm.lead.contact.items.delete": {},
    }


def test_a_missing_or_invalid_lead_id_is_refused(api: Api) -> None:
    contact_id = new_contact(api)
    lead_id = new_lead(api, CONTACT_ID=contact_id)
    for method, rest in _valid_params(contact_id).items():
        expected = OWNER_QUOTED if method in METHODS[1:3] else OWNER_BARE
        for bad in BAD_LEAD_IDS:
            refused(api, method, {"id": bad, **rest}, expected)
    follows(api, lead_id, [binding(contact_id, 10, True)])


def test_a_lead_that_does_not_exist_is_not_found(api: Api) -> None:
    # POLICY: the lead pages' NOT_FOUND / "Not found." for every method, items.get included
    # (Bitrix24's current items.get page answers [] there; the pages here list NOT_FOUND).
    contact_id = new_contact(api)
    deleted = new_lead(api)
    api.call("crm.lead.delete", {"id": deleted})
    for method, rest in _valid_params(contact_id).items():
        for missing in (UNKNOWN, str(UNKNOWN), deleted, 2**31):
            refused(api, method, {"id": missing, **rest}, NOT_FOUND)


def test_fields_that_are_missing_or_not_a_map_are_refused(api: Api) -> None:
    contact_id = new_contact(api)
    lead_id = new_lead(api, CONTACT_ID=contact_id)
    for method in ("crm.lead.contact.add", "crm.lead.contact.delete"):
        for fields in (ABSENT, None, "x", 5, True):
            refused(api, method, {"id": lead_id, "fields": fields}, FIELDS_NOT_ARRAY)
    follows(api, lead_id, [binding(contact_id, 10, True)])


def test_fields_without_a_usable_contact_id_are_refused(api: Api) -> None:
    contact_id = new_contact(api)
    lead_id = new_lead(api, CONTACT_ID=contact_id)
    # POLICY: an empty PHP array ([]) is an empty map (compatibility.md), so it lacks CONTACT_ID.
    for fields in (
        {},
        [],
        {"SORT": 10, "IS_PRIMARY": "Y"},
        {"CONTACT_ID": 0},
        {"CONTACT_ID": -3},
        {"CONTACT_ID": "abc"},
        {"CONTACT_ID": ""},
        {"CONTACT_ID": None},
    ):
        for method in ("crm.lead.contact.add", "crm.lead.contact.delete"):
            refused(api, method, {"id": lead_id, "fields": fields}, FIELDS_INVALID)
    follows(api, lead_id, [binding(contact_id, 10, True)])


def test_binding_a_contact_that_does_not_exist_is_not_found(api: Api) -> None:
    # POLICY: Bitrix24 does not check (its current pages say it may bind a missing contact);
    # leadcrm answers the lead pages' NOT_FOUND so CONTACT_ID never names a missing contact.
    contact_id = new_contact(api)
    lead_id = new_lead(api)
    refused(
        api,
        "crm.lead.contact.add",
        {"id": lead_id, "fields": {"CONTACT_ID": UNKNOWN, "IS_PRIMARY": "Y"}},
        NOT_FOUND,
    )
    # One missing contact refuses the whole set: the known one is not bound either.
    for items in (
        [{"CONTACT_ID": UNKNOWN}],
        [{"CONTACT_ID": contact_id, "IS_PRIMARY": "Y"}, {"CONTACT_ID": UNKNOWN}],
    ):
        refused(api, "crm.lead.contact.items.set", {"id": lead_id, "items": items}, NOT_FOUND)
    follows(api, lead_id, [])


def test_items_that_are_missing_or_not_a_list_are_refused(api: Api) -> None:
    contact_id = new_contact(api)
    lead_id = new_lead(api, CONTACT_ID=contact_id)
    for items in (ABSENT, None, "x", 5, True):
        refused(api, "crm.lead.contact.items.set", {"id": lead_id, "items": items}, ITEMS_NOT_ARRAY)
    follows(api, lead_id, [binding(contact_id, 10, True)])


def test_items_without_a_usable_contact_id_are_refused(api: Api) -> None:
    # POLICY: Bitrix24's current items.set page says such entries are skipped silently; leadcrm
    # refuses the call (ITEMS_INVALID above) so a client's mistake does not unbind contacts.
    first, second = new_contacts(api, 2)
    lead_id = new_lead(api, CONTACT_ID=first)
    for items in (
        [{"SORT": 10}],
        [{"CONTACT_ID": 0}],
        [{"CONTACT_ID": -1}],
        [{"CONTACT_ID": "abc"}],
        [{"CONTACT_ID": None}],
        ["x"],
        [5],
        [{"CONTACT_ID": second, "IS_PRIMARY": "Y"}, {"IS_PRIMARY": "Y"}],
    ):
        refused(api, "crm.lead.contact.items.set", {"id": lead_id, "items": items}, ITEMS_INVALID)
    follows(api, lead_id, [binding(first, 10, True)])


def test_a_lead_saved_with_a_missing_contact_or_company_is_refused(api: Api) -> None:
    # POLICY: the lead methods check the client exists, in their ERROR_CORE wording for a value
    # that names nothing (see test_add.py's INVALID_VALUES); CONTACT_IDS's title is its code.
    contact_id = new_contact(api)
    lead_id = new_lead(api, CONTACT_ID=contact_id)
    for fields, description in (
        (
            {"CONTACT_ID": UNKNOWN},
            f"The field Contact (CONTACT_ID) has an unknown value '{UNKNOWN}'.",
        ),
        (
            {"CONTACT_IDS": [contact_id, UNKNOWN]},
            f"The field CONTACT_IDS (CONTACT_IDS) has an unknown value '{UNKNOWN}'.",
        ),
        (
            {"COMPANY_ID": UNKNOWN},
            f"The field Company (COMPANY_ID) has an unknown value '{UNKNOWN}'.",
        ),
    ):
        expected = {"error": "ERROR_CORE", "error_description": description}
        refused(api, "crm.lead.add", {"fields": {"TITLE": "Refused", **fields}}, expected)
        refused(api, "crm.lead.update", {"id": lead_id, "fields": fields}, expected)
    follows(api, lead_id, [binding(contact_id, 10, True)])


# -- the event record ---------------------------------------------------------------------------


def test_each_binding_change_writes_one_lead_update_event(api: Api) -> None:
    # POLICY: a binding call that changes the lead's bindings writes exactly one ONCRMLEADUPDATE
    # row for the lead, by the acting user, in its transaction. A call that leaves them as they
    # were (a false answer, items.set with the set already there, items.delete with nothing
    # bound), a read and a refused call write none.
    user_id, prefix = api.new_webhook(scopes=["crm"], name="Seller")
    seller = api.as_user(prefix)
    first, second = new_contacts(api, 2)
    lead_id = seller.call("crm.lead.add", {"fields": {"TITLE": "Seller's"}})
    # (method, params, answer, whether the bindings change)
    steps: list[tuple[str, dict[str, Any], Any, bool]] = [
        ("crm.lead.contact.add", {"id": lead_id, "fields": {"CONTACT_ID": first}}, True, True),
        (
            "crm.lead.contact.add",
            {"id": lead_id, "fields": {"CONTACT_ID": second, "IS_PRIMARY": "Y"}},
            True,
            True,
        ),
        (
            "crm.lead.contact.items.set",
            {
                "id": lead_id,
                "items": [
                    {"CONTACT_ID": second, "SORT": 20, "IS_PRIMARY": "Y"},
                    {"CONTACT_ID": first, "SORT": 10},
                ],
            },
            True,
            False,
        ),
        (
            "crm.lead.contact.add",
            {"id": lead_id, "fields": {"CONTACT_ID": first, "SORT": 1, "IS_PRIMARY": "Y"}},
            False,
            False,
        ),
        (
            "crm.lead.contact.items.set",
            {
                "id": lead_id,
                "items": [
                    {"CONTACT_ID": first, "SORT": 10, "IS_PRIMARY": "Y"},
                    {"CONTACT_ID": second, "SORT": 20},
                ],
            },
            True,
            True,
        ),
        ("crm.lead.contact.delete", {"id": lead_id, "fields": {"CONTACT_ID": second}}, True, True),
        (
            "crm.lead.contact.delete",
            {"id": lead_id, "fields": {"CONTACT_ID": second}},
            False,
            False,
        ),
        ("crm.lead.contact.items.get", {"id": lead_id}, [binding(first, 10, True)], False),
        ("crm.lead.contact.fields", {}, DOC_FIELDS, False),
        ("crm.lead.contact.items.delete", {"id": lead_id}, True, True),
        ("crm.lead.contact.items.delete", {"id": lead_id}, True, False),
    ]
    for method, params, answer, changes in steps:
        before = events(api)
        assert seller.call(method, params) == answer, (method, params)
        written = [lead_event("ONCRMLEADUPDATE", lead_id, user_id)] if changes else []
        assert events(api)[len(before) :] == written, (method, params)
    bind(api, lead_id, first)
    assert update_events(api, lead_id)[-1] == lead_event("ONCRMLEADUPDATE", lead_id, 1)
    before = events(api)
    api.error("crm.lead.contact.add", {"id": lead_id, "fields": {"CONTACT_ID": UNKNOWN}})
    api.error("crm.lead.contact.items.set", {"id": lead_id, "items": "x"})
    assert events(api) == before


# -- random sequences against a model -----------------------------------------------------------

POOL = 5
SORTS = st.one_of(st.none(), st.sampled_from([5, 10, 20, 25, 40]))
FLAGS = st.sampled_from([None, "Y", "N"])
ENTRY = st.tuples(st.integers(0, POOL - 1), SORTS, FLAGS)
STEPS = st.one_of(
    st.tuples(st.just("add"), ENTRY),
    st.tuples(st.just("delete"), st.integers(0, POOL - 1)),
    st.tuples(st.just("set"), st.lists(ENTRY, unique_by=lambda e: e[0], max_size=POOL)),
    st.tuples(st.just("clear"), st.none()),
    # crm.lead.update with CONTACT_IDS: the same bindings, written by saving the lead.
    st.tuples(st.just("update"), st.lists(st.integers(0, POOL - 1), unique=True, max_size=POOL)),
)


@dataclass
class Bindings:
    """A lead's bindings as the rules above make them: contact -> (SORT, primary)."""

    rows: dict[int, tuple[int, bool]] = field(default_factory=dict)

    def order(self) -> list[int]:
        return sorted(self.rows, key=lambda c: (self.rows[c][0], c))

    def listed(self) -> list[dict[str, Any]]:
        return [binding(c, *self.rows[c]) for c in self.order()]

    def add(self, contact: int, sort: int | None, flag: str | None) -> bool:
        if contact in self.rows:
            return False
        if sort is None:
            sort = max((s for s, _ in self.rows.values() if s > 0), default=0) + 10
        primary = flag == "Y" or not self.rows
        if primary:
            self.rows = {c: (s, False) for c, (s, _) in self.rows.items()}
        self.rows[contact] = (sort, primary)
        return True

    def delete(self, contact: int) -> bool:
        if contact not in self.rows:
            return False
        _, was_primary = self.rows.pop(contact)
        if was_primary and self.rows:
            first = self.order()[0]
            self.rows[first] = (self.rows[first][0], True)
        return True

    def set(self, entries: list[tuple[int, int | None, str | None]]) -> bool:
        flagged = [c for c, _, flag in entries if flag == "Y"]
        primary = flagged[0] if flagged else (entries[0][0] if entries else None)
        self.rows = {
            c: (sort if sort else (n + 1) * 10, c == primary)
            for n, (c, sort, _) in enumerate(entries)
        }
        return True

    def clear(self) -> bool:
        self.rows = {}
        return True


def _entry(contact_id: int, sort: int | None, flag: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"CONTACT_ID": contact_id}
    if sort is not None:
        entry["SORT"] = sort
    if flag is not None:
        entry["IS_PRIMARY"] = flag
    return entry


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEPS, min_size=1, max_size=10))
def test_random_binding_sequences_keep_the_lead_consistent(
    api: Api, steps: list[tuple[str, Any]]
) -> None:
    # Each example works on its own new lead and contacts: the database is shared by examples.
    pool = new_contacts(api, POOL)
    lead_id = new_lead(api)
    model = Bindings()
    returning = "N"  # recalculated only when the lead itself is saved
    for name, argument in steps:
        before = len(update_events(api, lead_id))
        previous = model.listed()
        if name == "add":
            index, sort, flag = argument
            params = {"id": lead_id, "fields": _entry(pool[index], sort, flag)}
            answer = api.call("crm.lead.contact.add", params)
            expected = model.add(pool[index], sort, flag)
        elif name == "delete":
            params = {"id": lead_id, "fields": {"CONTACT_ID": pool[argument]}}
            answer = api.call("crm.lead.contact.delete", params)
            expected = model.delete(pool[argument])
        elif name == "set":
            entries = [(pool[index], sort, flag) for index, sort, flag in argument]
            answer = set_items(api, lead_id, [_entry(*entry) for entry in entries])
            expected = model.set(entries)
        elif name == "update":
            ids = [pool[index] for index in argument]
            params = {"id": lead_id, "fields": {"CONTACT_IDS": ids}}
            answer = api.call("crm.lead.update", params)
            expected = model.set([(c, None, None) for c in ids])
            returning = "Y" if ids else "N"
        else:
            answer = api.call("crm.lead.contact.items.delete", {"id": lead_id})
            expected = model.clear()
        assert answer is expected, (name, argument)
        # One event for a call that changed the bindings, none for one that did not; saving
        # the lead records its update whatever changed.
        changed = model.listed() != previous or name == "update"
        assert len(update_events(api, lead_id)) == before + changed, (name, argument)
        follows(api, lead_id, model.listed())
        assert get(api, lead_id)["IS_RETURN_CUSTOMER"] == returning, (name, argument)
