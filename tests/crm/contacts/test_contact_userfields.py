"""crm.contact.userfield.* and crm.company.userfield.*: the documented examples, replayed.

Pages: api-reference/crm/contacts/userfield/*.md and api-reference/crm/companies/userfields/
*.md. They describe the lead's custom-field machinery for two more entities, so every test runs
for both, and the policies of docs/compatibility.md ("Custom fields") apply; other readings
are marked ``# POLICY:``. The cURL bodies are sent byte for byte, only ids put in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.crm.entities import support
from tests.crm.entities.support import (
    ID_INVALID,
    MOMENT_TEXT,
    core_error,
    database_rows,
    events,
    freeze,
    list_ids,
    new_events,
    refused,
)
from tests.crm.userfields.test_doc_examples import (
    ADD_ENUMERATION_BODY,
    DEFINITION_KEYS,
    DELETE_BODY,
    GET_BODY,
    LABEL_KEYS,
    LIST_BODY,
    assert_settings,
    lang_map,
    replay,
)
from tests.support import Api

# The contact page's string example. Its cURL line breaks its own shell quoting at the label
# "Field 'Hello, world!'"; the JSON meant (the one the SDK tabs and the get example show) is
# sent.
CONTACT_ADD_STRING_BODY = (
    '{"fields":{"LABEL":"Field \'Hello, world!\'","USER_TYPE_ID":"string",'
    '"FIELD_NAME":"HELLO_WORLD","MULTIPLE":"Y","MANDATORY":"Y","SHOW_FILTER":"Y",'
    '"SETTINGS":{"DEFAULT_VALUE":"Hello, world! Default value","ROWS":3},"SORT":1000,'
    '"EDIT_IN_LIST":"Y","LIST_FILTER_LABEL":"Hello, world! Filter",'
    '"LIST_COLUMN_LABEL":{"en":"Hello, World! Column","ru":"Hello, world! Column",'
    '"de":"Hallo, Welt! Spalte"},"EDIT_FORM_LABEL":{"en":"Hello, World! Edit",'
    '"ru":"Hello, world! Edit","de":"Hallo, Welt! Bearbeiten"},'
    '"ERROR_MESSAGE":{"en":"Hello, World! Error","ru":"Hello, world! Error",'
    '"de":"Hallo, Welt! Fehler"},"HELP_MESSAGE":{"en":"Hello, World! Help",'
    '"ru":"Hello, world! Help","de":"Hallo, Welt! Hilfe"}}}'
)
# The company page's: the lead page's, "de" given twice in each map (the last one wins).
COMPANY_ADD_STRING_BODY = (
    '{"fields":{"LABEL":"Hello, world! Field","USER_TYPE_ID":"string",'
    '"FIELD_NAME":"HELLO_WORLD","MULTIPLE":"Y","MANDATORY":"Y","SHOW_FILTER":"Y",'
    '"SETTINGS":{"DEFAULT_VALUE":"Hello, world! Default value","ROWS":3},"SORT":1000,'
    '"EDIT_IN_LIST":"Y","LIST_FILTER_LABEL":"Hello, world! Filter",'
    '"LIST_COLUMN_LABEL":{"en":"Hello, World! Column","de":"Hello, world! Column",'
    '"de":"Hallo, Welt! Spalte"},"EDIT_FORM_LABEL":{"en":"Hello, World! Edit",'
    '"de":"Hello, world! Edit","de":"Hallo, Welt! Bearbeiten"},'
    '"ERROR_MESSAGE":{"en":"Hello, World! Error","de":"Hello, world! Error",'
    '"de":"Hallo, Welt! Fehler"},"HELP_MESSAGE":{"en":"Hello, World! Help",'
    '"de":"Hello, world! Help","de":"Hallo, Welt! Hilfe"}}}'
)
CONTACT_UPDATE_STRING_BODY = (
    '{"id":536,"fields":{"MANDATORY":"N","SHOW_FILTER":"N",'
    '"SETTINGS":{"DEFAULT_VALUE":"Hello, world! Default value (changed)","ROWS":10},'
    '"SORT":2000,"EDIT_IN_LIST":"N","LIST_FILTER_LABEL":"Hello, world! Filter (changed)",'
    '"LIST_COLUMN_LABEL":{"en":"Hello, World! Column (changed)",'
    '"ru":"Hello, world! Column (changed)","de":"Hallo, Welt! Spalte (geändert)"},'
    '"EDIT_FORM_LABEL":{"en":"Hello, World! Edit (changed)",'
    '"ru":"Hello, world! Edit (changed)","de":"Hallo, Welt! Bearbeiten (geändert)"},'
    '"ERROR_MESSAGE":{"en":"Hello, World! Error (changed)",'
    '"ru":"Hello, world! Error (changed)","de":"Hallo, Welt! Fehler (geändert)"},'
    '"HELP_MESSAGE":{"en":"Hello, World! Help (changed)",'
    '"ru":"Hello, world! Help (changed)","de":"Hallo, Welt! Hilfe (geändert)"}}}'
)
COMPANY_UPDATE_STRING_BODY = (
    '{"id":536,"fields":{"MANDATORY":"N","SHOW_FILTER":"N",'
    '"SETTINGS":{"DEFAULT_VALUE":"Hello, world! Default value (changed)","ROWS":10},'
    '"SORT":2000,"EDIT_IN_LIST":"N","LIST_FILTER_LABEL":"Hello, world! Filter (changed)",'
    '"LIST_COLUMN_LABEL":{"en":"Hello, World! Column (changed)",'
    '"de":"Hello, world! Column (changed)","de":"Hallo, Welt! Spalte (geändert)"},'
    '"EDIT_FORM_LABEL":{"en":"Hello, World! Edit (changed)",'
    '"de":"Hello, world! Edit (changed)","de":"Hallo, Welt! Bearbeiten (geändert)"},'
    '"ERROR_MESSAGE":{"en":"Hello, World! Error (changed)",'
    '"de":"Hello, world! Error (changed)","de":"Hallo, Welt! Fehler (geändert)"},'
    '"HELP_MESSAGE":{"en":"Hello, World! Help (changed)",'
    '"de":"Hello, world! Help (changed)","de":"Hallo, Welt! Hilfe (geändert)"}}}'
)
# The contact page's list-field example, without "id" as the page writes it.
CONTACT_UPDATE_ENUMERATION_BODY = (
    '{"fields":{"MANDATORY":"N","SHOW_FILTER":"Y","LIST":[{"ID":115,"DEL":"Y"},'
    '{"ID":116,"DEL":"Y"},{"ID":117,"VALUE":"List item #3 (changed)","SORT":50},'
    '{"VALUE":"List item #5","XML_ID":"XML_ID_5","SORT":500}],'
    '"SETTINGS":{"DISPLAY":"DIALOG","LIST_HEIGHT":3},"SORT":1000}}'
)
INVALID_CHARACTERS = (
    "Field name contains invalid characters. Allowed characters are: A-Z, 0-9 and _."
)
ACCESS_DENIED = {"error": "", "error_description": "Access denied."}


@dataclass(frozen=True)
class Entity:
    records: support.Entity  # the contacts or the companies the fields are added to
    add_body: str
    update_body: str
    label: str  # the LABEL of the add example
    column: dict[str, str]  # what the add example's label maps keep, by language
    edit: dict[str, str]
    error: dict[str, str]
    help: dict[str, str]

    @property
    def name(self) -> str:  # contact, company
        return self.records.name

    @property
    def entity_id(self) -> str:
        return f"CRM_{self.records.entity_type}"

    def method(self, action: str) -> str:
        return f"crm.{self.name}.userfield.{action}"

    def add_field(self, api: Api, **fields: Any) -> int:
        field_id = api.call(self.method("add"), {"fields": fields})
        assert type(field_id) is int and field_id > 0
        return field_id

    def get_field(self, api: Api, field_id: int) -> dict[str, Any]:
        field: dict[str, Any] = api.call(self.method("get"), {"id": field_id})
        return field

    def list_fields(self, api: Api, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        response = api.post(self.method("list"), params or {})
        body = response.json()
        assert response.status_code == 200, body
        assert body["total"] == len(body["result"])
        fields: list[dict[str, Any]] = body["result"]
        return fields

    def add_record(self, api: Api, **fields: Any) -> int:
        return self.records.add(api, **fields)

    def get_record(self, api: Api, record_id: int) -> dict[str, Any]:
        return self.records.get(api, record_id)

    def other(self) -> Entity:
        return COMPANY if self.name == "contact" else CONTACT


CONTACT = Entity(
    records=support.CONTACT,
    add_body=CONTACT_ADD_STRING_BODY,
    update_body=CONTACT_UPDATE_STRING_BODY,
    label="Field 'Hello, world!'",
    column={
        "en": "Hello, World! Column",
        "ru": "Hello, world! Column",
        "de": "Hallo, Welt! Spalte",
    },
    edit={"en": "Hello, World! Edit", "ru": "Hello, world! Edit", "de": "Hallo, Welt! Bearbeiten"},
    error={"en": "Hello, World! Error", "ru": "Hello, world! Error", "de": "Hallo, Welt! Fehler"},
    help={"en": "Hello, World! Help", "ru": "Hello, world! Help", "de": "Hallo, Welt! Hilfe"},
)
COMPANY = Entity(
    records=support.COMPANY,
    add_body=COMPANY_ADD_STRING_BODY,
    update_body=COMPANY_UPDATE_STRING_BODY,
    label="Hello, world! Field",
    column={"en": "Hello, World! Column", "de": "Hallo, Welt! Spalte"},
    edit={"en": "Hello, World! Edit", "de": "Hallo, Welt! Bearbeiten"},
    error={"en": "Hello, World! Error", "de": "Hallo, Welt! Fehler"},
    help={"en": "Hello, World! Help", "de": "Hallo, Welt! Hilfe"},
)


@pytest.fixture(params=[CONTACT, COMPANY], ids=["contact", "company"])
def entity(request: pytest.FixtureRequest) -> Entity:
    chosen: Entity = request.param
    return chosen


def changed_maps(given: dict[str, str]) -> dict[str, str]:
    """An update example's label map: each language's text with "(changed)"/"(geändert)"."""
    return {
        lang: text + (" (geändert)" if lang == "de" else " (changed)")
        for lang, text in given.items()
    }


def string_example(entity: Entity, field_id: int, **changed: Any) -> dict[str, Any]:
    """The field the string example adds, as get shows it but for SETTINGS, with ``changed``."""
    return {
        "ID": str(field_id),
        "ENTITY_ID": entity.entity_id,
        "FIELD_NAME": "UF_CRM_HELLO_WORLD",
        "USER_TYPE_ID": "string",
        "XML_ID": None,
        "SORT": "1000",
        "MULTIPLE": "Y",
        "MANDATORY": "Y",
        # POLICY: SHOW_FILTER as sent, SHOW_IN_LIST and IS_SEARCHABLE at the add page's
        # defaults, labels over 21 languages; the contact get example's "E", "Y", "Y" and
        # 16-language maps are not followed.
        "SHOW_FILTER": "Y",
        "SHOW_IN_LIST": "N",
        "EDIT_IN_LIST": "Y",
        "IS_SEARCHABLE": "N",
        "EDIT_FORM_LABEL": lang_map(entity.label, entity.edit),
        "LIST_COLUMN_LABEL": lang_map(entity.label, entity.column),
        "LIST_FILTER_LABEL": lang_map("Hello, world! Filter"),
        "ERROR_MESSAGE": lang_map(entity.label, entity.error),
        "HELP_MESSAGE": lang_map(entity.label, entity.help),
        **changed,
    }


# -- add / get ------------------------------------------------------------------------------------


def test_the_string_example_adds_a_field_that_get_shows_as_documented(
    api: Api, entity: Entity
) -> None:
    payload = replay(api, entity.method("add"), entity.add_body)
    field_id = payload["result"]
    assert type(field_id) is int and field_id > 0
    assert list(payload) == ["result", "time"]
    field = replay(api, entity.method("get"), GET_BODY, ids={"399": field_id})["result"]
    assert set(field) == DEFINITION_KEYS
    assert {k: v for k, v in field.items() if k != "SETTINGS"} == string_example(entity, field_id)
    assert_settings(field["SETTINGS"], {"DEFAULT_VALUE": "Hello, world! Default value", "ROWS": 3})


def test_the_enumeration_example_adds_its_list_items(api: Api, entity: Entity) -> None:
    field_id = replay(api, entity.method("add"), ADD_ENUMERATION_BODY)["result"]
    field = entity.get_field(api, field_id)
    assert set(field) == DEFINITION_KEYS | {"LIST"}
    assert (field["ENTITY_ID"], field["FIELD_NAME"], field["USER_TYPE_ID"]) == (
        entity.entity_id,
        "UF_CRM_ENUMERATION_EXAMPLE",
        "enumeration",
    )
    assert (field["MULTIPLE"], field["MANDATORY"], field["SHOW_FILTER"], field["SORT"]) == (
        "N",
        "N",
        "Y",
        "2000",
    )
    assert_settings(field["SETTINGS"], {"DISPLAY": "UI", "LIST_HEIGHT": 2})
    assert [{k: v for k, v in item.items() if k != "ID"} for item in field["LIST"]] == [
        {"SORT": "100", "VALUE": "List item #1", "DEF": "Y", "XML_ID": "XML_ID_1"},
        {"SORT": "200", "VALUE": "List item #2", "DEF": "N", "XML_ID": "XML_ID_2"},
        {"SORT": "300", "VALUE": "List item #3", "DEF": "N", "XML_ID": "XML_ID_3"},
        {"SORT": "400", "VALUE": "List item #4", "DEF": "N", "XML_ID": "XML_ID_4"},
    ]


def test_the_name_is_upper_cased_and_prefixed_and_unique_per_entity(
    api: Api, entity: Entity
) -> None:
    for sent in ("note", "UF_NOTE_2", "UF_CRM_NOTE_3"):
        entity.add_field(api, FIELD_NAME=sent, USER_TYPE_ID="string")
    names = [f["FIELD_NAME"] for f in entity.list_fields(api)]
    assert names == ["UF_CRM_NOTE", "UF_CRM_NOTE_2", "UF_CRM_NOTE_3"]
    refused(
        api,
        entity.method("add"),
        {"fields": {"FIELD_NAME": "Note", "USER_TYPE_ID": "integer"}},
        core_error("A field with the name 'UF_CRM_NOTE' already exists."),
    )
    # POLICY: unique "within contacts" (companies): the lead and the other entity may reuse it.
    entity.other().add_field(api, FIELD_NAME="NOTE", USER_TYPE_ID="integer")
    api.call("crm.lead.userfield.add", {"fields": {"FIELD_NAME": "NOTE", "USER_TYPE_ID": "date"}})
    assert [f["USER_TYPE_ID"] for f in entity.list_fields(api)] == ["string"] * 3


# -- update ---------------------------------------------------------------------------------------


def test_the_update_example_changes_what_it_sends(api: Api, entity: Entity) -> None:
    field_id = replay(api, entity.method("add"), entity.add_body)["result"]
    payload = replay(api, entity.method("update"), entity.update_body, ids={"536": field_id})
    assert (list(payload), payload["result"]) == (["result", "time"], True)
    field = replay(api, entity.method("get"), GET_BODY, ids={"399": field_id})["result"]
    # The company get example, except SHOW_IN_LIST (Y there, though no request sent it).
    assert {k: v for k, v in field.items() if k != "SETTINGS"} == string_example(
        entity,
        field_id,
        SORT="2000",
        MANDATORY="N",
        SHOW_FILTER="N",
        EDIT_IN_LIST="N",
        # On update a language missing from a map is "".
        EDIT_FORM_LABEL=lang_map("", changed_maps(entity.edit)),
        LIST_COLUMN_LABEL=lang_map("", changed_maps(entity.column)),
        LIST_FILTER_LABEL=lang_map("Hello, world! Filter (changed)"),
        ERROR_MESSAGE=lang_map("", changed_maps(entity.error)),
        HELP_MESSAGE=lang_map("", changed_maps(entity.help)),
    )
    assert_settings(
        field["SETTINGS"],
        {
            "SIZE": 20,
            "ROWS": 10,
            "REGEXP": "",
            "MIN_LENGTH": 0,
            "MAX_LENGTH": 0,
            "DEFAULT_VALUE": "Hello, world! Default value (changed)",
        },
    )


def test_the_list_field_update_example_deletes_changes_and_adds_items(api: Api) -> None:
    field_id = replay(api, CONTACT.method("add"), ADD_ENUMERATION_BODY)["result"]
    first, second, third, fourth = (i["ID"] for i in CONTACT.get_field(api, field_id)["LIST"])
    ids = {"115": int(first), "116": int(second), "117": int(third)}
    # POLICY: the example names no field; as written it is refused for its missing id.
    body = CONTACT_UPDATE_ENUMERATION_BODY
    for placeholder, real in ids.items():
        body = body.replace(placeholder, str(real))
    before = database_rows(api)
    response = api.client.post(
        api.prefix + CONTACT.method("update"),
        content=body.encode(),
        headers={"Content-Type": "application/json"},
    )
    assert (response.status_code, response.json()) == (400, ID_INVALID)
    assert database_rows(api) == before
    # With the id put in, it does what the page says.
    with_id = '{"id":536,' + CONTACT_UPDATE_ENUMERATION_BODY[1:]
    payload = replay(api, CONTACT.method("update"), with_id, ids={"536": field_id, **ids})
    assert payload["result"] is True
    field = CONTACT.get_field(api, field_id)
    assert (field["MANDATORY"], field["SHOW_FILTER"], field["SORT"]) == ("N", "Y", "1000")
    assert_settings(field["SETTINGS"], {"DISPLAY": "DIALOG", "LIST_HEIGHT": 3})
    items = sorted(field["LIST"], key=lambda item: int(item["SORT"]))
    assert [(i["VALUE"], i["SORT"], i["DEF"], i["XML_ID"]) for i in items] == [
        ("List item #3 (changed)", "50", "N", "XML_ID_3"),
        ("List item #4", "400", "N", "XML_ID_4"),
        ("List item #5", "500", "N", "XML_ID_5"),
    ]
    assert [i["ID"] for i in items[:2]] == [third, fourth]
    assert items[2]["ID"] not in (first, second, third, fourth)


# -- list -----------------------------------------------------------------------------------------


def test_the_list_example_filters_orders_and_gives_labels_in_the_language(
    api: Api, entity: Entity
) -> None:
    hello = replay(api, entity.method("add"), entity.add_body)["result"]
    replay(api, entity.method("add"), ADD_ENUMERATION_BODY)  # single: filtered out
    directory = entity.add_field(
        api,
        FIELD_NAME="DIRECTORY",
        USER_TYPE_ID="crm_status",
        LABEL="Directory",
        SETTINGS={"ENTITY_TYPE": "INDUSTRY"},
        SHOW_FILTER="I",
        MULTIPLE="Y",
        MANDATORY="Y",
    )
    entity.add_field(api, FIELD_NAME="OPTIONAL", USER_TYPE_ID="string", MULTIPLE="Y")
    payload = replay(api, entity.method("list"), LIST_BODY)
    assert list(payload) == ["result", "total", "time"]
    assert payload["total"] == 2
    result = payload["result"]
    # USER_TYPE_ID ascending: crm_status before string.
    assert [f["ID"] for f in result] == [str(directory), str(hello)]
    assert all(set(f) == DEFINITION_KEYS and f["ENTITY_ID"] == entity.entity_id for f in result)
    assert {k: result[0][k] for k in LABEL_KEYS} == dict.fromkeys(LABEL_KEYS, "Directory")
    assert (result[0]["SHOW_FILTER"], result[0]["SORT"]) == ("I", "100")
    assert_settings(result[0]["SETTINGS"], {"ENTITY_TYPE": "INDUSTRY"})
    assert {k: result[1][k] for k in LABEL_KEYS} == {
        "EDIT_FORM_LABEL": "Hallo, Welt! Bearbeiten",
        "LIST_COLUMN_LABEL": "Hallo, Welt! Spalte",
        "LIST_FILTER_LABEL": "Hello, world! Filter",
        "ERROR_MESSAGE": "Hallo, Welt! Fehler",
        "HELP_MESSAGE": "Hallo, Welt! Hilfe",
    }


def test_each_entity_lists_only_its_own_fields(api: Api, entity: Entity) -> None:
    mine = entity.add_field(api, FIELD_NAME="MINE", USER_TYPE_ID="string")
    entity.other().add_field(api, FIELD_NAME="THEIRS", USER_TYPE_ID="string")
    api.call("crm.lead.userfield.add", {"fields": {"FIELD_NAME": "LEADS", "USER_TYPE_ID": "date"}})
    assert [f["ID"] for f in entity.list_fields(api)] == [str(mine)]
    assert [f["FIELD_NAME"] for f in api.call("crm.lead.userfield.list")] == ["UF_CRM_LEADS"]
    described = api.call(f"crm.{entity.name}.fields")
    assert "UF_CRM_MINE" in described
    assert not {"UF_CRM_THEIRS", "UF_CRM_LEADS"} & set(described)


# -- delete ---------------------------------------------------------------------------------------


def test_the_delete_example_answers_true_and_the_field_is_gone(api: Api, entity: Entity) -> None:
    field_id = entity.add_field(api, FIELD_NAME="GONE", USER_TYPE_ID="string")
    kept = entity.add_field(api, FIELD_NAME="KEPT", USER_TYPE_ID="string")
    record_id = entity.add_record(api, UF_CRM_GONE="a", UF_CRM_KEPT="b")
    payload = replay(api, entity.method("delete"), DELETE_BODY, ids={"432": field_id})
    assert (list(payload), payload["result"]) == (["result", "time"], True)
    refused(
        api,
        entity.method("get"),
        {"id": field_id},
        {
            "error": "ERROR_NOT_FOUND",
            "error_description": f"The entity with ID '{field_id}' is not found.",
        },
    )
    assert [f["ID"] for f in entity.list_fields(api)] == [str(kept)]
    record = entity.get_record(api, record_id)
    assert ("UF_CRM_GONE" not in record, record["UF_CRM_KEPT"]) == (True, "b")
    assert "UF_CRM_GONE" not in api.call(f"crm.{entity.name}.fields")
    # The name is free again, and the old value does not come back.
    entity.add_field(api, FIELD_NAME="GONE", USER_TYPE_ID="integer")
    assert entity.get_record(api, record_id)["UF_CRM_GONE"] is None


# -- refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "error", "description"),
    [
        ({"USER_TYPE_ID": "string"}, "", "The 'FIELD_NAME' field is not found."),
        ({"FIELD_NAME": "", "USER_TYPE_ID": "string"}, "", "The 'FIELD_NAME' field is not found."),
        ({"FIELD_NAME": "NOTE"}, "", "The 'USER_TYPE_ID' field is not found."),
        (
            {"FIELD_NAME": "A" * 44, "USER_TYPE_ID": "string"},
            "ERROR_CORE",
            "Field name is too long (more than 50 characters).",
        ),
        (
            {"FIELD_NAME": "MANAGER-NOTE", "USER_TYPE_ID": "string"},
            "ERROR_CORE",
            INVALID_CHARACTERS,
        ),
        # POLICY: the contact page writes "Incorrect custom type specified"; the company (and
        # lead) pages' text is used for both.
        (
            {"FIELD_NAME": "NOTE", "USER_TYPE_ID": "text"},
            "ERROR_CORE",
            "Invalid custom type specified.",
        ),
        (
            {
                "FIELD_NAME": "E",
                "USER_TYPE_ID": "enumeration",
                "LIST": [{"VALUE": "One", "XML_ID": "SAME"}, {"VALUE": "Two", "XML_ID": "SAME"}],
            },
            "ERROR_CORE",
            "List item with XML_ID=SAME already exists.",
        ),
    ],
    ids=["no-name", "empty-name", "no-type", "too-long", "characters", "type", "xml-id"],
)
def test_add_refuses_a_bad_definition_and_writes_nothing(
    api: Api, entity: Entity, fields: dict[str, Any], error: str, description: str
) -> None:
    expected = {"error": error, "error_description": description}
    refused(api, entity.method("add"), {"fields": fields}, expected)
    assert entity.list_fields(api) == []


def test_a_code_of_43_characters_makes_a_name_of_50(api: Api, entity: Entity) -> None:
    field_id = entity.add_field(api, FIELD_NAME="B" * 43, USER_TYPE_ID="string")
    assert entity.get_field(api, field_id)["FIELD_NAME"] == "UF_CRM_" + "B" * 43


@pytest.mark.parametrize("action", ["get", "update", "delete"])
def test_a_missing_or_invalid_id_is_refused_and_an_unknown_one_is_not_found(
    api: Api, entity: Entity, action: str
) -> None:
    field_id = entity.add_field(api, FIELD_NAME="NOTE", USER_TYPE_ID="string")
    extra = {"fields": {"SORT": 5}} if action == "update" else {}
    for bad in (None, "", 0, -1, "abc"):
        refused(api, entity.method(action), {"id": bad, **extra}, ID_INVALID)
    refused(api, entity.method(action), extra, ID_INVALID)
    unknown = field_id + 1
    refused(
        api,
        entity.method(action),
        {"id": unknown, **extra},
        {
            "error": "ERROR_NOT_FOUND",
            "error_description": f"The entity with ID '{unknown}' is not found.",
        },
    )


@pytest.mark.parametrize("action", ["get", "update", "delete"])
def test_a_field_of_another_entity_is_access_denied(api: Api, entity: Entity, action: str) -> None:
    # POLICY: the pages answer "Access denied" to "a custom field not linked to contacts"
    # (companies); with HTTP 400 and error "" as their JSON examples show.
    lead_field = api.call(
        "crm.lead.userfield.add", {"fields": {"FIELD_NAME": "LEADS", "USER_TYPE_ID": "string"}}
    )
    other_field = entity.other().add_field(api, FIELD_NAME="THEIRS", USER_TYPE_ID="string")
    extra = {"fields": {"SORT": 5}} if action == "update" else {}
    for foreign in (lead_field, other_field):
        refused(api, entity.method(action), {"id": foreign, **extra}, ACCESS_DENIED)
    assert entity.other().get_field(api, other_field)["SORT"] == "100"


def test_update_and_list_refuse_parameters_that_are_not_maps(api: Api, entity: Entity) -> None:
    field_id = entity.add_field(api, FIELD_NAME="NOTE", USER_TYPE_ID="string")
    for params, name in (
        ({"id": field_id, "fields": "x"}, "fields"),
        ({"filter": "x"}, "filter"),
        ({"order": "x"}, "order"),
    ):
        method = entity.method("update" if name == "fields" else "list")
        expected = {"error": "", "error_description": f"Parameter '{name}' must be array."}
        refused(api, method, params, expected)


def test_only_an_administrator_changes_definitions(api: Api, entity: Entity) -> None:
    field_id = entity.add_field(api, FIELD_NAME="NOTE", USER_TYPE_ID="string")
    _, prefix = api.new_webhook(scopes=["crm"])
    user = api.as_user(prefix)
    before = database_rows(api)
    for action, params in (
        ("add", {"fields": {"FIELD_NAME": "MINE", "USER_TYPE_ID": "string"}}),
        ("update", {"id": field_id, "fields": {"SORT": 1}}),
        ("delete", {"id": field_id}),
    ):
        assert user.error(entity.method(action), params) == (400, ACCESS_DENIED), action
    assert database_rows(api) == before
    # Reading needs only the crm scope.
    assert user.call(entity.method("get"), {"id": field_id}) == entity.get_field(api, field_id)
    assert [f["ID"] for f in user.call(entity.method("list"))] == [str(field_id)]


# -- values on contacts and companies --------------------------------------------------------------


def add_value_fields(api: Api, entity: Entity) -> str:
    """String, integer, boolean, enumeration, date and multiple string fields; the id of the
    enumeration's item "Hot"."""
    entity.add_field(api, FIELD_NAME="NOTE", USER_TYPE_ID="string", LABEL="Note")
    entity.add_field(api, FIELD_NAME="SCORE", USER_TYPE_ID="integer")
    entity.add_field(api, FIELD_NAME="VIP", USER_TYPE_ID="boolean")
    kind = entity.add_field(
        api,
        FIELD_NAME="KIND",
        USER_TYPE_ID="enumeration",
        LIST=[{"VALUE": "Hot", "SORT": 1}, {"VALUE": "Cold", "SORT": 2}],
    )
    entity.add_field(api, FIELD_NAME="DAY", USER_TYPE_ID="date")
    entity.add_field(api, FIELD_NAME="TAGS", USER_TYPE_ID="string", MULTIPLE="Y")
    hot: str = entity.get_field(api, kind)["LIST"][0]["ID"]
    return hot


SINGLE = ("UF_CRM_NOTE", "UF_CRM_SCORE", "UF_CRM_VIP", "UF_CRM_KIND", "UF_CRM_DAY")


def test_values_round_trip_through_add_get_update_and_list(
    api: Api, entity: Entity, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    hot = add_value_fields(api, entity)
    sent = {
        "UF_CRM_NOTE": "A note",
        "UF_CRM_SCORE": "7",
        "UF_CRM_VIP": "Y",
        "UF_CRM_KIND": hot,
        "UF_CRM_DAY": "2024-05-17",
        "UF_CRM_TAGS": ["a", "b"],
    }
    shown = {
        "UF_CRM_NOTE": "A note",
        "UF_CRM_SCORE": "7",
        "UF_CRM_VIP": True,
        "UF_CRM_KIND": hot,
        "UF_CRM_DAY": "2024-05-17T00:00:00+00:00",
        "UF_CRM_TAGS": ["a", "b"],
    }
    record_id = entity.add_record(api, **sent)
    bare = entity.add_record(api)
    record = entity.get_record(api, record_id)
    assert {k: record[k] for k in shown} == shown
    assert record["DATE_CREATE"] == MOMENT_TEXT
    unset = entity.get_record(api, bare)
    # A boolean field's DEFAULT_VALUE is 0 unless set, and defaults fill fields not sent.
    assert {k: unset[k] for k in shown} == {
        **dict.fromkeys(SINGLE),
        "UF_CRM_VIP": False,
        "UF_CRM_TAGS": [],
    }

    method = f"crm.{entity.name}.list"
    # The default select and 'UF_*' take every custom field but the multiple ones.
    (default,) = api.call(method, {"filter": {"ID": record_id}})
    assert {k: v for k, v in default.items() if k.startswith("UF_")} == {
        k: shown[k] for k in SINGLE
    }
    (masked,) = api.call(method, {"select": ["UF_*"], "filter": {"ID": record_id}})
    assert masked == {"ID": str(record_id), **{k: shown[k] for k in SINGLE}}
    (named,) = api.call(method, {"select": ["UF_CRM_TAGS"], "filter": {"ID": record_id}})
    assert named == {"ID": str(record_id), "UF_CRM_TAGS": ["a", "b"]}
    for flt in ({"UF_CRM_SCORE": 7}, {"%UF_CRM_NOTE": "note"}, {"UF_CRM_KIND": hot}):
        assert list_ids(api, method, {"filter": flt}) == [record_id], flt

    change = {"UF_CRM_NOTE": "Changed", "UF_CRM_VIP": "N", "UF_CRM_TAGS": ["c"]}
    params = {"id": record_id, "fields": {**change, "UF_CRM_SCORE": None}}
    assert api.call(f"crm.{entity.name}.update", params) is True
    record = entity.get_record(api, record_id)
    assert {k: record[k] for k in shown} == {
        **shown,
        "UF_CRM_NOTE": "Changed",
        "UF_CRM_VIP": False,
        "UF_CRM_TAGS": ["c"],
        "UF_CRM_SCORE": None,
    }


def test_fields_describe_custom_fields_as_dynamic(api: Api, entity: Entity) -> None:
    entity.add_field(
        api,
        FIELD_NAME="NOTE",
        USER_TYPE_ID="string",
        MANDATORY="Y",
        EDIT_FORM_LABEL="Form label",
        LIST_COLUMN_LABEL="Column label",
        LIST_FILTER_LABEL="Filter label",
        SETTINGS={"DEFAULT_VALUE": "n/a"},
    )
    entity.add_field(api, FIELD_NAME="TAGS", USER_TYPE_ID="string", MULTIPLE="Y", LABEL="Tags")
    described = api.call(f"crm.{entity.name}.fields")
    note = described["UF_CRM_NOTE"]
    # The shape of crm-company-fields.md's custom fields.
    assert {k: v for k, v in note.items() if k != "settings"} == {
        "type": "string",
        "isRequired": True,
        "isReadOnly": False,
        "isImmutable": False,
        "isMultiple": False,
        "isDynamic": True,
        "title": "UF_CRM_NOTE",
        "listLabel": "Column label",
        "formLabel": "Form label",
        "filterLabel": "Filter label",
    }
    assert_settings(note["settings"], {"DEFAULT_VALUE": "n/a"})
    tags = described["UF_CRM_TAGS"]
    assert (tags["isMultiple"], tags["isDynamic"], tags["listLabel"]) == (True, True, "Tags")


def test_a_mandatory_field_needs_a_value_and_defaults_fill_fields_not_sent(
    api: Api, entity: Entity
) -> None:
    entity.add_field(
        api, FIELD_NAME="CODE", USER_TYPE_ID="string", MANDATORY="Y", LABEL="Customer code"
    )
    entity.add_field(api, FIELD_NAME="LEVEL", USER_TYPE_ID="integer", SETTINGS={"DEFAULT_VALUE": 3})
    required = core_error('The field "Customer code" (UF_CRM_CODE) is required.')
    base = entity.records.named(entity.records.sample)
    refused(api, f"crm.{entity.name}.add", {"fields": base}, required)
    record_id = entity.add_record(api, UF_CRM_CODE="C-1")
    record = entity.get_record(api, record_id)
    assert (record["UF_CRM_CODE"], record["UF_CRM_LEVEL"]) == ("C-1", "3")
    refused(
        api,
        f"crm.{entity.name}.update",
        {"id": record_id, "fields": {"UF_CRM_CODE": ""}},
        required,
    )


def test_a_value_of_the_wrong_type_is_refused(api: Api, entity: Entity) -> None:
    entity.add_field(api, FIELD_NAME="SCORE", USER_TYPE_ID="integer")
    base = entity.records.named(entity.records.sample)
    before = database_rows(api)
    status, body = api.error(f"crm.{entity.name}.add", {"fields": {**base, "UF_CRM_SCORE": "many"}})
    assert (status, body["error"]) == (400, "ERROR_CORE")
    assert body["error_description"].startswith(
        "The field UF_CRM_SCORE (UF_CRM_SCORE) is invalid: "
    )
    assert database_rows(api) == before


def test_a_field_of_another_entity_is_not_a_field_of_this_one(api: Api, entity: Entity) -> None:
    entity.other().add_field(api, FIELD_NAME="THEIRS", USER_TYPE_ID="string", MANDATORY="Y")
    api.call(
        "crm.lead.userfield.add",
        {"fields": {"FIELD_NAME": "LEADS", "USER_TYPE_ID": "string", "MANDATORY": "Y"}},
    )
    # Their mandatory fields do not apply here, and their values are unknown fields, ignored.
    record = entity.get_record(api, entity.add_record(api, UF_CRM_THEIRS="x", UF_CRM_LEADS="y"))
    assert not {"UF_CRM_THEIRS", "UF_CRM_LEADS"} & set(record)


# -- the event record -----------------------------------------------------------------------------


def field_event(entity: Entity, action: str, field_id: int, name: str) -> tuple[Any, ...]:
    fields = {"ENTITY_ID": entity.entity_id, "FIELD_NAME": name}
    event = f"ONCRM{entity.records.entity_type}USERFIELD{action}"
    return (event, "USERFIELD", field_id, 1, fields)


def test_each_definition_change_writes_its_event_row(api: Api, entity: Entity) -> None:
    before = events(api)
    note = entity.add_field(api, FIELD_NAME="NOTE", USER_TYPE_ID="string")
    kind = entity.add_field(
        api, FIELD_NAME="KIND", USER_TYPE_ID="enumeration", LIST=[{"VALUE": "Hot"}]
    )
    assert api.call(entity.method("update"), {"id": note, "fields": {"SORT": 5}}) is True
    change = {"id": kind, "fields": {"LIST": [{"VALUE": "Cold"}]}}
    assert api.call(entity.method("update"), change) is True
    assert api.call(entity.method("delete"), {"id": note}) is True
    assert new_events(api, before) == [
        field_event(entity, "ADD", note, "UF_CRM_NOTE"),
        field_event(entity, "ADD", kind, "UF_CRM_KIND"),
        field_event(entity, "SETENUMVALUES", kind, "UF_CRM_KIND"),
        field_event(entity, "UPDATE", note, "UF_CRM_NOTE"),
        field_event(entity, "UPDATE", kind, "UF_CRM_KIND"),
        field_event(entity, "SETENUMVALUES", kind, "UF_CRM_KIND"),
        field_event(entity, "DELETE", note, "UF_CRM_NOTE"),
    ]
    before = events(api)
    api.error(entity.method("add"), {"fields": {"FIELD_NAME": "KIND", "USER_TYPE_ID": "date"}})
    api.error(entity.method("delete"), {"id": note})
    assert new_events(api, before) == []
