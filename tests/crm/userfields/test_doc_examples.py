"""Custom fields as the documentation shows them: every example request, replayed.

Pages: api-reference/crm/leads/userfield/*.md (add, update, get, list, delete),
api-reference/crm/universal/user-defined-fields/*.md (crm.userfield.*) and the "Array of
fileData Objects" example of api-reference/files/how-to-upload-files.md. Where the pages are
vague, the policies of the "Custom fields" section of docs/compatibility.md are followed.

The cURL bodies are sent byte for byte (only the ids are put in), so their quirks stay: the
add example repeats the key "de" inside its label maps, and the last one wins, as it does in
PHP's json_decode.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support import Api

LANGS = [
    "ar",
    "br",
    "de",
    "en",
    "fr",
    "hi",
    "id",
    "in",
    "it",
    "ja",
    "kz",
    "la",
    "ms",
    "pl",
    "ru",
    "sc",
    "tc",
    "th",
    "tr",
    "ua",
    "vn",
]
LABEL_KEYS = (
    "EDIT_FORM_LABEL",
    "LIST_COLUMN_LABEL",
    "LIST_FILTER_LABEL",
    "ERROR_MESSAGE",
    "HELP_MESSAGE",
)
DEFINITION_KEYS = {
    "ID",
    "ENTITY_ID",
    "FIELD_NAME",
    "USER_TYPE_ID",
    "XML_ID",
    "SORT",
    "MULTIPLE",
    "MANDATORY",
    "SHOW_FILTER",
    "SHOW_IN_LIST",
    "EDIT_IN_LIST",
    "IS_SEARCHABLE",
    "SETTINGS",
    *LABEL_KEYS,
}
TIME_KEYS = {"start", "finish", "duration", "processing", "date_start", "date_finish"}

# -- the example bodies, verbatim from the cURL (Webhook) tabs ------------------------------------

ADD_STRING_BODY = (
    '{"fields":{"LABEL":"Hello, world! Field","USER_TYPE_ID":"string","FIELD_NAME":"HELLO_WORLD",'
    '"MULTIPLE":"Y","MANDATORY":"Y","SHOW_FILTER":"Y","SETTINGS":{"DEFAULT_VALUE":"Hello, world! '
    'Default value","ROWS":3},"SORT":1000,"EDIT_IN_LIST":"Y","LIST_FILTER_LABEL":"Hello, world! '
    'Filter","LIST_COLUMN_LABEL":{"en":"Hello, World! Column","de":"Hello, world! Column","de":'
    '"Hallo, Welt! Spalte"},"EDIT_FORM_LABEL":{"en":"Hello, World! Edit","de":"Hello, world! '
    'Edit","de":"Hallo, Welt! Bearbeiten"},"ERROR_MESSAGE":{"en":"Hello, World! Error","de":'
    '"Hello, world! Error","de":"Hallo, Welt! Fehler"},"HELP_MESSAGE":{"en":"Hello, World! Help",'
    '"de":"Hello, world! Help","de":"Hallo, Welt! Hilfe"}}}'
)
ADD_ENUMERATION_BODY = (
    '{"fields":{"LABEL":"Custom field (list)","USER_TYPE_ID":"enumeration","FIELD_NAME":'
    '"ENUMERATION_EXAMPLE","MULTIPLE":"N","MANDATORY":"N","SHOW_FILTER":"Y","LIST":[{"VALUE":'
    '"List item #1","DEF":"Y","XML_ID":"XML_ID_1","SORT":100},{"VALUE":"List item #2","XML_ID":'
    '"XML_ID_2","SORT":200},{"VALUE":"List item #3","XML_ID":"XML_ID_3","SORT":300},{"VALUE":'
    '"List item #4","XML_ID":"XML_ID_4","SORT":400}],"SETTINGS":{"DISPLAY":"UI","LIST_HEIGHT":2},'
    '"SORT":2000}}'
)
UPDATE_STRING_BODY = (
    '{"id":536,"fields":{"MANDATORY":"N","SHOW_FILTER":"N","SETTINGS":{"DEFAULT_VALUE":"Hello, '
    'World! Default value (changed)","ROWS":10},"SORT":2000,"EDIT_IN_LIST":"N","LIST_FILTER_LABEL"'
    ':"Hello, World! Filter (changed)","LIST_COLUMN_LABEL":{"en":"Hello, World! Column (changed)",'
    '"de":"Hallo, Welt! Spalte (geändert)"},"EDIT_FORM_LABEL":{"en":"Hello, World! Edit (changed)"'
    ',"de":"Hallo, Welt! Bearbeiten (geändert)"},"ERROR_MESSAGE":{"en":"Hello, World! Error '
    '(changed)","de":"Hallo, Welt! Fehler (geändert)"},"HELP_MESSAGE":{"en":"Hello, World! Help '
    '(changed)","de":"Hallo, Welt! Hilfe (geändert)"}}}'
)
GET_BODY = '{"id":399}'
DELETE_BODY = '{"id":432}'
LIST_BODY = (
    '{"filter":{"MULTIPLE":"Y","MANDATORY":"Y","LANG":"de"},'
    '"order":{"USER_TYPE_ID":"ASC","SORT":"ASC"}}'
)
FILE_ADD_BODY = (
    '{"fields":{"TITLE":"Lead example","UF_CRM_1711610801":[{"fileData":["file1.png",'
    '"base64_encoded_content_here"]},{"fileData":["file2.png","base64_encoded_content_here"]}]}}'
)

# -- helpers shared with test_bad_input.py --------------------------------------------------------


def replay(api: Api, method: str, body: str, *, ids: dict[str, int] | None = None) -> Any:
    """Send a documented JSON body as it is written (with real ids); return the payload."""
    for placeholder, real in (ids or {}).items():
        assert placeholder in body
        body = body.replace(placeholder, str(real))
    response = api.client.post(
        api.prefix + method,
        content=body.encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    payload = response.json()
    assert response.status_code == 200, payload
    assert "error" not in payload, payload
    assert set(payload["time"]) >= TIME_KEYS
    return payload


def lang_map(default: str, given: dict[str, str] | None = None) -> dict[str, str]:
    """A label as get returns it: every one of the 21 languages, ``given`` over ``default``."""
    return {lang: (given or {}).get(lang, default) for lang in LANGS}


def add_field(api: Api, **fields: Any) -> int:
    field_id = api.call("crm.lead.userfield.add", {"fields": fields})
    assert isinstance(field_id, int) and not isinstance(field_id, bool) and field_id > 0
    return field_id


def get_field(api: Api, field_id: int) -> dict[str, Any]:
    field: dict[str, Any] = api.call("crm.lead.userfield.get", {"id": field_id})
    return field


def list_fields(api: Api, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    response = api.post("crm.lead.userfield.list", params or {})
    payload = response.json()
    assert response.status_code == 200, payload
    assert payload["total"] == len(payload["result"])
    fields: list[dict[str, Any]] = payload["result"]
    return fields


def get_lead(api: Api, lead_id: int) -> dict[str, Any]:
    lead: dict[str, Any] = api.call("crm.lead.get", {"id": lead_id})
    return lead


def fetch(api: Api, url: str) -> httpx.Response:
    """GET a link the server handed out; an absolute link is reduced to its path and query."""
    parts = urlsplit(url)
    return api.client.get(parts.path + ("?" + parts.query if parts.query else ""))


def assert_settings(settings: Any, expected: dict[str, Any]) -> None:
    """SETTINGS hold at least the documented keys with the documented values."""
    assert isinstance(settings, dict), settings
    assert {k: settings.get(k, "<missing>") for k in expected} == expected


# -- crm.lead.userfield.add / get -----------------------------------------------------------------


def test_the_string_example_adds_a_field_that_get_shows_as_documented(api: Api) -> None:
    payload = replay(api, "crm.lead.userfield.add", ADD_STRING_BODY)
    field_id = payload["result"]
    assert isinstance(field_id, int) and not isinstance(field_id, bool) and field_id > 0
    assert list(payload) == ["result", "time"]

    field = replay(api, "crm.lead.userfield.get", GET_BODY, ids={"399": field_id})["result"]
    assert set(field) == DEFINITION_KEYS
    label = "Hello, world! Field"
    expected = {
        "ID": str(field_id),
        "ENTITY_ID": "CRM_LEAD",
        "FIELD_NAME": "UF_CRM_HELLO_WORLD",
        "USER_TYPE_ID": "string",
        "XML_ID": None,
        "SORT": "1000",
        "MULTIPLE": "Y",
        "MANDATORY": "Y",
        "SHOW_FILTER": "Y",
        "SHOW_IN_LIST": "N",
        "EDIT_IN_LIST": "Y",
        "IS_SEARCHABLE": "N",
        # A language map keeps the languages it names; the others take LABEL.
        "EDIT_FORM_LABEL": lang_map(
            label, {"en": "Hello, World! Edit", "de": "Hallo, Welt! Bearbeiten"}
        ),
        "LIST_COLUMN_LABEL": lang_map(
            label, {"en": "Hello, World! Column", "de": "Hallo, Welt! Spalte"}
        ),
        # A plain string is every language's text.
        "LIST_FILTER_LABEL": lang_map("Hello, world! Filter"),
        "ERROR_MESSAGE": lang_map(
            label, {"en": "Hello, World! Error", "de": "Hallo, Welt! Fehler"}
        ),
        "HELP_MESSAGE": lang_map(label, {"en": "Hello, World! Help", "de": "Hallo, Welt! Hilfe"}),
    }
    assert {k: v for k, v in field.items() if k != "SETTINGS"} == expected
    assert_settings(field["SETTINGS"], {"DEFAULT_VALUE": "Hello, world! Default value", "ROWS": 3})


def test_the_enumeration_example_adds_its_list_items(api: Api) -> None:
    field_id = replay(api, "crm.lead.userfield.add", ADD_ENUMERATION_BODY)["result"]
    assert isinstance(field_id, int) and field_id > 0
    field = get_field(api, field_id)
    assert set(field) == DEFINITION_KEYS | {"LIST"}
    assert (field["FIELD_NAME"], field["USER_TYPE_ID"]) == (
        "UF_CRM_ENUMERATION_EXAMPLE",
        "enumeration",
    )
    assert (field["MULTIPLE"], field["MANDATORY"], field["SHOW_FILTER"]) == ("N", "N", "Y")
    assert field["SORT"] == "2000"
    assert field["EDIT_FORM_LABEL"] == lang_map("Custom field (list)")
    assert_settings(field["SETTINGS"], {"DISPLAY": "UI", "LIST_HEIGHT": 2})
    items = field["LIST"]
    assert [{k: v for k, v in item.items() if k != "ID"} for item in items] == [
        {"SORT": "100", "VALUE": "List item #1", "DEF": "Y", "XML_ID": "XML_ID_1"},
        {"SORT": "200", "VALUE": "List item #2", "DEF": "N", "XML_ID": "XML_ID_2"},
        {"SORT": "300", "VALUE": "List item #3", "DEF": "N", "XML_ID": "XML_ID_3"},
        {"SORT": "400", "VALUE": "List item #4", "DEF": "N", "XML_ID": "XML_ID_4"},
    ]
    ids = [item["ID"] for item in items]
    assert all(isinstance(i, str) and i.isdigit() for i in ids) and len(set(ids)) == 4


# The SETTINGS defaults of the add page's tables, for a field added without SETTINGS.
SETTINGS_DEFAULTS: dict[str, dict[str, Any]] = {
    "string": {"DEFAULT_VALUE": "", "ROWS": 1},
    "integer": {},
    "double": {"PRECISION": 2},
    "boolean": {"DEFAULT_VALUE": 0, "DISPLAY": "CHECKBOX"},
    "date": {"DEFAULT_VALUE": {"VALUE": "", "TYPE": "NONE"}},
    "datetime": {"DEFAULT_VALUE": {"VALUE": "", "TYPE": "NONE"}},
    "money": {},
    "url": {},
    "address": {},
    "enumeration": {"DISPLAY": "LIST", "LIST_HEIGHT": 1},
    "file": {},
    "employee": {},
    "crm_status": {"ENTITY_TYPE": ""},
    "iblock_section": {
        "IBLOCK_TYPE_ID": "",
        "DEFAULT_VALUE": "",
        "DISPLAY": "LIST",
        "LIST_HEIGHT": 1,
        "ACTIVE_FILTER": "N",
    },
    "iblock_element": {
        "IBLOCK_TYPE_ID": "",
        "DEFAULT_VALUE": "",
        "DISPLAY": "LIST",
        "LIST_HEIGHT": 1,
        "ACTIVE_FILTER": "N",
    },
    # "If none of the following options are provided, the link to leads will be enabled".
    "crm": {"LEAD": "Y", "CONTACT": "N", "COMPANY": "N", "DEAL": "N"},
}


@pytest.mark.parametrize("type_id", list(SETTINGS_DEFAULTS))
def test_a_field_of_each_type_gets_the_documented_defaults(api: Api, type_id: str) -> None:
    field = get_field(api, add_field(api, FIELD_NAME=f"T_{type_id}", USER_TYPE_ID=type_id))
    assert set(field) - {"LIST"} == DEFINITION_KEYS
    assert (field["ENTITY_ID"], field["FIELD_NAME"]) == ("CRM_LEAD", f"UF_CRM_T_{type_id.upper()}")
    assert field["USER_TYPE_ID"] == type_id
    # The add page's defaults: SORT 100, EDIT_IN_LIST Y, every other flag N.
    assert field["SORT"] == "100"
    flags = (
        "MULTIPLE",
        "MANDATORY",
        "SHOW_FILTER",
        "SHOW_IN_LIST",
        "EDIT_IN_LIST",
        "IS_SEARCHABLE",
    )
    assert [field[f] for f in flags] == ["N", "N", "N", "N", "Y", "N"]
    if type_id.startswith("iblock_"):
        assert str(field["SETTINGS"].get("IBLOCK_ID")) == "0"  # typed string, default `0`
    settings = field["SETTINGS"]
    assert settings == [] or isinstance(settings, dict)  # an empty map is written []
    if SETTINGS_DEFAULTS[type_id]:
        assert_settings(settings, SETTINGS_DEFAULTS[type_id])


# The SETTINGS keys of the documented get and list answers (string: the get example; the
# others: the list example).
EXAMPLE_SETTINGS_KEYS = {
    "string": {"SIZE", "ROWS", "REGEXP", "MIN_LENGTH", "MAX_LENGTH", "DEFAULT_VALUE"},
    "enumeration": {"DISPLAY", "LIST_HEIGHT", "CAPTION_NO_VALUE", "SHOW_NO_VALUE"},
    "file": {"SIZE", "LIST_WIDTH", "LIST_HEIGHT", "MAX_SHOW_SIZE", "MAX_ALLOWED_SIZE"}
    | {"EXTENSIONS", "TARGET_BLANK"},
    "crm_status": {"ENTITY_TYPE"},
}


@pytest.mark.parametrize("type_id", list(EXAMPLE_SETTINGS_KEYS))
def test_settings_carry_the_keys_of_the_documented_answers(api: Api, type_id: str) -> None:
    field = get_field(api, add_field(api, FIELD_NAME="S", USER_TYPE_ID=type_id))
    assert set(field["SETTINGS"]) >= EXAMPLE_SETTINGS_KEYS[type_id]


@pytest.mark.parametrize(("sent", "stored"), [(5, 1), (1, 1), ("1", 1), (0, 0), (-3, 0)])
def test_a_boolean_default_is_one_or_zero(api: Api, sent: Any, stored: int) -> None:
    settings = {"DEFAULT_VALUE": sent, "DISPLAY": "RADIO"}
    field_id = add_field(api, FIELD_NAME="B", USER_TYPE_ID="boolean", SETTINGS=settings)
    assert_settings(
        get_field(api, field_id)["SETTINGS"], {"DEFAULT_VALUE": stored, "DISPLAY": "RADIO"}
    )


def test_a_boolean_field_is_never_multiple(api: Api) -> None:
    field_id = add_field(api, FIELD_NAME="B", USER_TYPE_ID="boolean", MULTIPLE="Y")
    assert get_field(api, field_id)["MULTIPLE"] == "N"


@pytest.mark.parametrize(
    ("type_id", "settings"),
    [
        ("string", {"DEFAULT_VALUE": "x", "ROWS": 4}),
        ("integer", {"DEFAULT_VALUE": 7}),
        ("double", {"DEFAULT_VALUE": 2.5, "PRECISION": 4}),
        ("boolean", {"DEFAULT_VALUE": 1, "DISPLAY": "DROPDOWN"}),
        ("date", {"DEFAULT_VALUE": {"VALUE": "", "TYPE": "NOW"}}),
        ("datetime", {"DEFAULT_VALUE": {"VALUE": "", "TYPE": "NOW"}}),
        ("enumeration", {"DISPLAY": "CHECKBOX", "LIST_HEIGHT": 5}),
        ("crm_status", {"ENTITY_TYPE": "SOURCE"}),
        ("crm", {"LEAD": "N", "CONTACT": "Y", "COMPANY": "Y", "DEAL": "N"}),
        ("iblock_element", {"IBLOCK_TYPE_ID": "news", "DISPLAY": "DIALOG", "ACTIVE_FILTER": "Y"}),
    ],
)
def test_sent_settings_are_kept(api: Api, type_id: str, settings: dict[str, Any]) -> None:
    field_id = add_field(api, FIELD_NAME="S", USER_TYPE_ID=type_id, SETTINGS=settings)
    assert_settings(get_field(api, field_id)["SETTINGS"], settings)


@pytest.mark.parametrize("show_filter", ["Y", "N", "I", "E", "S"])
def test_show_filter_keeps_the_value_sent(api: Api, show_filter: str) -> None:
    field_id = add_field(api, FIELD_NAME="F", USER_TYPE_ID="string", SHOW_FILTER=show_filter)
    assert get_field(api, field_id)["SHOW_FILTER"] == show_filter


@pytest.mark.parametrize(
    "sent",
    [
        "MANAGER_NOTE",
        "UF_MANAGER_NOTE",
        "UF_CRM_MANAGER_NOTE",
        "manager_note",
        "Manager_Note",
        "uf_manager_note",
        "uf_crm_manager_note",
    ],
)
def test_field_name_is_upper_cased_and_prefixed(api: Api, sent: str) -> None:
    field_id = add_field(api, FIELD_NAME=sent, USER_TYPE_ID="string")
    assert get_field(api, field_id)["FIELD_NAME"] == "UF_CRM_MANAGER_NOTE"
    [listed] = list_fields(api, {"filter": {"ID": field_id}})
    assert listed["FIELD_NAME"] == "UF_CRM_MANAGER_NOTE"


def test_a_code_of_43_characters_makes_a_name_of_50(api: Api) -> None:
    code = "A1_" + "B" * 40
    field_id = add_field(api, FIELD_NAME=code, USER_TYPE_ID="integer")
    name = get_field(api, field_id)["FIELD_NAME"]
    assert (name, len(name)) == ("UF_CRM_" + code, 50)


# -- labels ---------------------------------------------------------------------------------------


def test_label_alone_fills_all_five_labels_in_every_language(api: Api) -> None:
    field = get_field(api, add_field(api, FIELD_NAME="L", USER_TYPE_ID="string", LABEL="Budget"))
    assert {key: field[key] for key in LABEL_KEYS} == dict.fromkeys(LABEL_KEYS, lang_map("Budget"))


def test_a_label_as_a_string_is_every_languages_text(api: Api) -> None:
    labels = {key: f"{key} text" for key in LABEL_KEYS}
    field = get_field(api, add_field(api, FIELD_NAME="L", USER_TYPE_ID="string", **labels))
    assert {key: field[key] for key in LABEL_KEYS} == {
        key: lang_map(text) for key, text in labels.items()
    }


def test_on_add_a_language_missing_from_a_map_takes_label(api: Api) -> None:
    given = {"en": "Edit", "de": "Bearbeiten", "in": "Sunting"}
    field_id = add_field(
        api, FIELD_NAME="L", USER_TYPE_ID="string", LABEL="Fallback", EDIT_FORM_LABEL=given
    )
    field = get_field(api, field_id)
    assert field["EDIT_FORM_LABEL"] == lang_map("Fallback", given)
    assert field["LIST_COLUMN_LABEL"] == lang_map("Fallback")


def test_on_update_a_language_missing_from_a_map_is_empty(api: Api) -> None:
    field_id = add_field(api, FIELD_NAME="L", USER_TYPE_ID="string", LABEL="Before")
    given = {"en": "After", "fr": "Après"}
    assert api.call(
        "crm.lead.userfield.update",
        {"id": field_id, "fields": {"EDIT_FORM_LABEL": given, "HELP_MESSAGE": "Help"}},
    )
    field = get_field(api, field_id)
    assert field["EDIT_FORM_LABEL"] == lang_map("", given)
    assert field["HELP_MESSAGE"] == lang_map("Help")
    # Labels not sent stay as they were.
    assert field["LIST_COLUMN_LABEL"] == field["ERROR_MESSAGE"] == lang_map("Before")


# -- crm.lead.userfield.update --------------------------------------------------------------------


def test_the_update_example_changes_what_it_sends_and_get_shows_the_example(api: Api) -> None:
    field_id = replay(api, "crm.lead.userfield.add", ADD_STRING_BODY)["result"]
    payload = replay(api, "crm.lead.userfield.update", UPDATE_STRING_BODY, ids={"536": field_id})
    assert (list(payload), payload["result"]) == (["result", "time"], True)

    field = replay(api, "crm.lead.userfield.get", GET_BODY, ids={"399": field_id})["result"]
    assert set(field) == DEFINITION_KEYS
    # The get example, except for two points: SHOW_IN_LIST keeps the add page's default N (the
    # example shows Y, which neither request sent), and LIST_FILTER_LABEL holds the filter text
    # the update sent (the example repeats the column text there, a copy-paste slip).
    expected = {
        "ID": str(field_id),
        "ENTITY_ID": "CRM_LEAD",
        "FIELD_NAME": "UF_CRM_HELLO_WORLD",
        "USER_TYPE_ID": "string",
        "XML_ID": None,
        "SORT": "2000",
        "MULTIPLE": "Y",
        "MANDATORY": "N",
        "SHOW_FILTER": "N",
        "SHOW_IN_LIST": "N",
        "EDIT_IN_LIST": "N",
        "IS_SEARCHABLE": "N",
        "EDIT_FORM_LABEL": lang_map(
            "", {"de": "Hallo, Welt! Bearbeiten (geändert)", "en": "Hello, World! Edit (changed)"}
        ),
        "LIST_COLUMN_LABEL": lang_map(
            "", {"de": "Hallo, Welt! Spalte (geändert)", "en": "Hello, World! Column (changed)"}
        ),
        "LIST_FILTER_LABEL": lang_map("Hello, World! Filter (changed)"),
        "ERROR_MESSAGE": lang_map(
            "", {"de": "Hallo, Welt! Fehler (geändert)", "en": "Hello, World! Error (changed)"}
        ),
        "HELP_MESSAGE": lang_map(
            "", {"de": "Hallo, Welt! Hilfe (geändert)", "en": "Hello, World! Help (changed)"}
        ),
    }
    assert {k: v for k, v in field.items() if k != "SETTINGS"} == expected
    assert_settings(
        field["SETTINGS"], {"DEFAULT_VALUE": "Hello, World! Default value (changed)", "ROWS": 10}
    )


def test_update_changes_only_what_is_sent_and_settings_only_the_keys_sent(api: Api) -> None:
    field_id = add_field(
        api,
        FIELD_NAME="U",
        USER_TYPE_ID="double",
        XML_ID="ext",
        SORT=300,
        SETTINGS={"DEFAULT_VALUE": 1.5, "PRECISION": 4},
    )
    before = get_field(api, field_id)
    assert api.call(
        "crm.lead.userfield.update", {"id": field_id, "fields": {"SETTINGS": {"PRECISION": 1}}}
    )
    after = get_field(api, field_id)
    assert after["SETTINGS"]["PRECISION"] == 1
    assert after["SETTINGS"]["DEFAULT_VALUE"] == before["SETTINGS"]["DEFAULT_VALUE"]
    assert {k: v for k, v in after.items() if k != "SETTINGS"} == {
        k: v for k, v in before.items() if k != "SETTINGS"
    }
    changes = {
        "XML_ID": "ext2",
        "SORT": 10,
        "MANDATORY": "Y",
        "SHOW_FILTER": "E",
        "SHOW_IN_LIST": "Y",
        "EDIT_IN_LIST": "N",
        "IS_SEARCHABLE": "Y",
    }
    assert api.call("crm.lead.userfield.update", {"id": field_id, "fields": changes})
    changed = get_field(api, field_id)
    assert {k: changed[k] for k in changes} == {**changes, "SORT": "10"}


def test_field_name_type_and_multiple_cannot_change(api: Api) -> None:
    field_id = add_field(api, FIELD_NAME="KEEP", USER_TYPE_ID="string", MULTIPLE="N", SORT=100)
    before = get_field(api, field_id)
    immutable = {
        "FIELD_NAME": "UF_CRM_OTHER",
        "USER_TYPE_ID": "integer",
        "MULTIPLE": "Y",
        "ENTITY_ID": "CRM_DEAL",
        "ID": field_id + 100,
    }
    assert api.call(
        "crm.lead.userfield.update", {"id": field_id, "fields": {**immutable, "SORT": 500}}
    )
    after = get_field(api, field_id)
    assert {k: v for k, v in after.items() if k != "SORT"} == {
        k: v for k, v in before.items() if k != "SORT"
    }
    assert after["SORT"] == "500"


def test_list_items_are_added_changed_by_id_and_deleted_with_del(api: Api) -> None:
    field_id = add_field(
        api,
        FIELD_NAME="E",
        USER_TYPE_ID="enumeration",
        LIST=[
            {"VALUE": "One", "XML_ID": "ONE", "SORT": 10},
            {"VALUE": "Two", "XML_ID": "TWO", "SORT": 20},
            {"VALUE": "Three", "XML_ID": "THREE", "SORT": 30},
        ],
    )
    one, two, three = (item["ID"] for item in get_field(api, field_id)["LIST"])
    assert api.call(
        "crm.lead.userfield.update",
        {
            "id": field_id,
            "fields": {
                "LIST": [
                    {"ID": one, "VALUE": "One!", "XML_ID": "ONE", "SORT": 10},
                    {"ID": two, "DEL": "Y"},
                    {"VALUE": "Four", "XML_ID": "FOUR", "SORT": 40},
                ]
            },
        },
    )
    items = get_field(api, field_id)["LIST"]
    assert [(i["VALUE"], i["XML_ID"], i["SORT"]) for i in items] == [
        ("One!", "ONE", "10"),
        ("Three", "THREE", "30"),  # not mentioned: kept
        ("Four", "FOUR", "40"),
    ]
    assert [i["ID"] for i in items[:2]] == [one, three]
    assert items[2]["ID"] not in (one, two, three)


def test_list_items_with_an_empty_value_are_skipped_and_missing_xml_ids_generated(
    api: Api,
) -> None:
    field_id = add_field(
        api,
        FIELD_NAME="E",
        USER_TYPE_ID="enumeration",
        LIST=[{"VALUE": "Kept"}, {"VALUE": ""}, {"SORT": 5, "XML_ID": "NOVALUE"}],
    )
    [item] = get_field(api, field_id)["LIST"]
    assert (item["VALUE"], item["SORT"], item["DEF"]) == ("Kept", "0", "N")
    assert isinstance(item["XML_ID"], str) and len(item["XML_ID"]) == 32


@pytest.mark.parametrize(("multiple", "defaults"), [("N", ["Y", "N", "N"]), ("Y", ["Y", "N", "Y"])])
def test_a_single_field_keeps_only_the_first_default_item(
    api: Api, multiple: str, defaults: list[str]
) -> None:
    items = [
        {"VALUE": "A", "DEF": "Y", "SORT": 1},
        {"VALUE": "B", "DEF": "N", "SORT": 2},
        {"VALUE": "C", "DEF": "Y", "SORT": 3},
    ]
    field_id = add_field(
        api, FIELD_NAME="E", USER_TYPE_ID="enumeration", MULTIPLE=multiple, LIST=items
    )
    assert [i["DEF"] for i in get_field(api, field_id)["LIST"]] == defaults


def test_deleting_a_list_item_removes_it_from_the_leads_that_held_it(api: Api) -> None:
    field_id = add_field(
        api,
        FIELD_NAME="E",
        USER_TYPE_ID="enumeration",
        LIST=[{"VALUE": "Keep", "SORT": 1}, {"VALUE": "Drop", "SORT": 2}],
    )
    keep, drop = (item["ID"] for item in get_field(api, field_id)["LIST"])
    single = api.call("crm.lead.add", {"fields": {"UF_CRM_E": drop}})
    other = api.call("crm.lead.add", {"fields": {"UF_CRM_E": keep}})
    assert get_lead(api, single)["UF_CRM_E"] == drop
    update = {"id": field_id, "fields": {"LIST": [{"ID": drop, "DEL": "Y"}]}}
    assert api.call("crm.lead.userfield.update", update)
    assert get_lead(api, single)["UF_CRM_E"] is None
    assert get_lead(api, other)["UF_CRM_E"] == keep


# -- crm.lead.userfield.list ----------------------------------------------------------------------


def test_the_list_example_filters_orders_and_gives_labels_in_the_language(api: Api) -> None:
    hello = replay(api, "crm.lead.userfield.add", ADD_STRING_BODY)["result"]
    replay(api, "crm.lead.userfield.add", ADD_ENUMERATION_BODY)  # single: filtered out
    wanted = {"MULTIPLE": "Y", "MANDATORY": "Y"}
    directory = add_field(
        api,
        FIELD_NAME="DIRECTORY",
        USER_TYPE_ID="crm_status",
        LABEL="Directory",
        SETTINGS={"ENTITY_TYPE": "SOURCE"},
        SHOW_FILTER="I",
        **wanted,
    )
    radio = add_field(
        api,
        FIELD_NAME="RADIO",
        USER_TYPE_ID="enumeration",
        LABEL="Radio",
        SORT=150,
        LIST=[
            {"VALUE": "Children's Radio", "SORT": 10, "XML_ID": "79b4c576f96e65eb40f390e45c0dc802"},
            {"VALUE": "Love Radio", "SORT": 30},
        ],
        **wanted,
    )
    files = add_field(
        api, FIELD_NAME="FILES", USER_TYPE_ID="file", LABEL="Estimate (files)", SORT=150, **wanted
    )
    early = add_field(api, FIELD_NAME="EARLY", USER_TYPE_ID="string", SORT=50, **wanted)
    add_field(api, FIELD_NAME="OPTIONAL", USER_TYPE_ID="string", MULTIPLE="Y")  # not mandatory

    payload = replay(api, "crm.lead.userfield.list", LIST_BODY)
    assert list(payload) == ["result", "total", "time"]
    result = payload["result"]
    assert payload["total"] == 5
    # USER_TYPE_ID ascending, then SORT ascending.
    assert [f["ID"] for f in result] == [str(i) for i in (directory, radio, files, early, hello)]
    for field in result:
        assert set(field) == DEFINITION_KEYS | ({"LIST"} if field["ID"] == str(radio) else set())
        assert (field["ENTITY_ID"], field["MULTIPLE"], field["MANDATORY"]) == ("CRM_LEAD", "Y", "Y")
        assert isinstance(field["SORT"], str)
    # With filter.LANG every label is the string of that language.
    assert {k: result[-1][k] for k in LABEL_KEYS} == {
        "EDIT_FORM_LABEL": "Hallo, Welt! Bearbeiten",
        "LIST_COLUMN_LABEL": "Hallo, Welt! Spalte",
        "LIST_FILTER_LABEL": "Hello, world! Filter",
        "ERROR_MESSAGE": "Hallo, Welt! Fehler",
        "HELP_MESSAGE": "Hallo, Welt! Hilfe",
    }
    assert {k: result[0][k] for k in LABEL_KEYS} == dict.fromkeys(LABEL_KEYS, "Directory")
    assert result[0]["SHOW_FILTER"] == "I"
    assert_settings(result[0]["SETTINGS"], {"ENTITY_TYPE": "SOURCE"})
    items = result[1]["LIST"]
    assert all(set(item) == {"ID", "SORT", "VALUE", "DEF", "XML_ID"} for item in items)
    assert all(isinstance(v, str) for item in items for v in item.values())
    assert [(i["VALUE"], i["SORT"], i["DEF"]) for i in items] == [
        ("Children's Radio", "10", "N"),
        ("Love Radio", "30", "N"),
    ]
    assert items[0]["XML_ID"] == "79b4c576f96e65eb40f390e45c0dc802"


def test_list_orders_by_sort_then_id_by_default_and_without_lang_gives_maps(api: Api) -> None:
    late = add_field(api, FIELD_NAME="LATE", USER_TYPE_ID="string", SORT=300, LABEL="Late")
    first = add_field(api, FIELD_NAME="FIRST", USER_TYPE_ID="integer", SORT=100)
    second = add_field(api, FIELD_NAME="SECOND", USER_TYPE_ID="date", SORT=100)
    result = list_fields(api)
    assert [f["ID"] for f in result] == [str(first), str(second), str(late)]
    assert result[2]["EDIT_FORM_LABEL"] == lang_map("Late")
    assert result[2] == get_field(api, late)


@pytest.mark.parametrize(
    ("flt", "names"),
    [
        ({"USER_TYPE_ID": "integer"}, ["UF_CRM_A"]),
        ({"FIELD_NAME": "UF_CRM_B"}, ["UF_CRM_B"]),
        ({"XML_ID": "x-c"}, ["UF_CRM_C"]),
        ({"SORT": 20}, ["UF_CRM_B"]),
        ({"MULTIPLE": "Y", "USER_TYPE_ID": "string"}, ["UF_CRM_C"]),
        ({"MANDATORY": "Y"}, ["UF_CRM_A"]),
    ],
)
def test_list_filters_on_the_documented_keys(
    api: Api, flt: dict[str, Any], names: list[str]
) -> None:
    add_field(api, FIELD_NAME="A", USER_TYPE_ID="integer", SORT=10, MANDATORY="Y")
    add_field(api, FIELD_NAME="B", USER_TYPE_ID="string", SORT=20)
    add_field(api, FIELD_NAME="C", USER_TYPE_ID="string", SORT=30, XML_ID="x-c", MULTIPLE="Y")
    assert [f["FIELD_NAME"] for f in list_fields(api, {"filter": flt})] == names


@pytest.mark.parametrize(
    ("order", "names"),
    [
        ({"FIELD_NAME": "DESC"}, ["UF_CRM_C", "UF_CRM_B", "UF_CRM_A"]),
        ({"USER_TYPE_ID": "ASC", "ID": "DESC"}, ["UF_CRM_A", "UF_CRM_C", "UF_CRM_B"]),
        ({"XML_ID": "ASC", "ID": "ASC"}, ["UF_CRM_B", "UF_CRM_A", "UF_CRM_C"]),
        ({"SORT": "DESC"}, ["UF_CRM_A", "UF_CRM_C", "UF_CRM_B"]),
        ({"ID": "DESC"}, ["UF_CRM_C", "UF_CRM_B", "UF_CRM_A"]),
    ],
)
def test_list_orders_on_the_documented_keys(
    api: Api, order: dict[str, str], names: list[str]
) -> None:
    add_field(api, FIELD_NAME="A", USER_TYPE_ID="date", SORT=30, XML_ID="m")
    add_field(api, FIELD_NAME="B", USER_TYPE_ID="string", SORT=10, XML_ID="a")
    add_field(api, FIELD_NAME="C", USER_TYPE_ID="string", SORT=20, XML_ID="z")
    assert [f["FIELD_NAME"] for f in list_fields(api, {"order": order})] == names


# -- crm.lead.userfield.delete --------------------------------------------------------------------


def test_the_delete_example_answers_true_and_the_field_is_gone(api: Api) -> None:
    field_id = add_field(api, FIELD_NAME="GONE", USER_TYPE_ID="string")
    kept = add_field(api, FIELD_NAME="KEPT", USER_TYPE_ID="string")
    lead_id = api.call("crm.lead.add", {"fields": {"UF_CRM_GONE": "a", "UF_CRM_KEPT": "b"}})
    payload = replay(api, "crm.lead.userfield.delete", DELETE_BODY, ids={"432": field_id})
    assert (list(payload), payload["result"]) == (["result", "time"], True)

    status, body = api.error("crm.lead.userfield.get", {"id": field_id})
    assert (status, body) == (
        400,
        {
            "error": "ERROR_NOT_FOUND",
            "error_description": f"The entity with ID '{field_id}' is not found.",
        },
    )
    assert [f["ID"] for f in list_fields(api)] == [str(kept)]
    lead = get_lead(api, lead_id)
    assert "UF_CRM_GONE" not in lead
    assert lead["UF_CRM_KEPT"] == "b"
    assert "UF_CRM_GONE" not in api.call("crm.lead.fields")
    # The name is free again.
    again = add_field(api, FIELD_NAME="GONE", USER_TYPE_ID="integer")
    assert get_lead(api, lead_id)["UF_CRM_GONE"] is None
    assert again != field_id


# -- crm.userfield.* ------------------------------------------------------------------------------

TYPES_EXAMPLE = [
    {"ID": "string", "title": "String"},
    {"ID": "integer", "title": "Integer"},
    {"ID": "double", "title": "Number"},
    {"ID": "boolean", "title": "Yes/No"},
    {"ID": "enumeration", "title": "List"},
    {"ID": "datetime", "title": "Date/Time"},
    {"ID": "date", "title": "Date"},
    {"ID": "money", "title": "Money"},
    {"ID": "url", "title": "Link"},
    {"ID": "address", "title": "Google Maps Address"},
    {"ID": "file", "title": "File"},
    {"ID": "employee", "title": "Binding to User"},
    {"ID": "crm_status", "title": "Binding to CRM Directories"},
    {"ID": "iblock_section", "title": "Binding to Information Block Sections"},
    {"ID": "iblock_element", "title": "Binding to Information Block Elements"},
    {"ID": "crm", "title": "Binding to CRM Entities"},
]


def test_types_lists_the_sixteen_documented_types(api: Api) -> None:
    payload = replay(api, "crm.userfield.types", "{}")
    assert payload["result"] == TYPES_EXAMPLE


def test_every_listed_type_can_be_added(api: Api) -> None:
    for n, item in enumerate(api.call("crm.userfield.types")):
        add_field(api, FIELD_NAME=f"T{n}", USER_TYPE_ID=item["ID"])
    assert len(list_fields(api)) == len(TYPES_EXAMPLE)


FIELDS_EXAMPLE = {
    "ID": {"type": "int", "title": "ID", "isReadOnly": True},
    "ENTITY_ID": {"type": "string", "title": "Object", "isImmutable": True},
    "FIELD_NAME": {"type": "string", "title": "Code", "isImmutable": True},
    "USER_TYPE_ID": {"type": "string", "title": "Data Type", "isImmutable": True},
    "XML_ID": {"type": "string", "title": "External ID (XML ID)"},
    "SORT": {"type": "int", "title": "Sorting"},
    "MULTIPLE": {"type": "char", "title": "Multiple"},
    "MANDATORY": {"type": "char", "title": "Mandatory"},
    "SHOW_FILTER": {"type": "char", "title": "Show in list filter"},
    "SHOW_IN_LIST": {"type": "char", "title": "Show in list"},
    "EDIT_IN_LIST": {"type": "char", "title": "Allow user editing"},
    "IS_SEARCHABLE": {"type": "char", "title": "Field values are searchable"},
    "EDIT_FORM_LABEL": {"type": "string", "title": "Label in edit form"},
    "LIST_COLUMN_LABEL": {"type": "string", "title": "Header in list"},
    "LIST_FILTER_LABEL": {"type": "string", "title": "Filter label in list"},
    "ERROR_MESSAGE": {"type": "string", "title": "Error message"},
    "HELP_MESSAGE": {"type": "string", "title": "Help"},
    "LIST": {"type": "uf_enum_element", "title": "List elements", "isMultiple": True},
    "SETTINGS": {"type": "object", "title": "Additional settings (dependent on type)"},
}


def test_userfield_fields_answers_the_documented_descriptors(api: Api) -> None:
    result = replay(api, "crm.userfield.fields", "{}")["result"]
    assert result == FIELDS_EXAMPLE
    assert list(result) == list(FIELDS_EXAMPLE)


def test_enumeration_fields_answers_the_documented_descriptors(api: Api) -> None:
    result = replay(api, "crm.userfield.enumeration.fields", "{}")["result"]
    assert result == {
        "ID": {"type": "int", "title": "ID", "isReadOnly": True},
        "SORT": {"type": "int", "title": "Sorting"},
        "VALUE": {"type": "string", "title": "Value"},
        "DEF": {"type": "string", "title": "Default Value"},
        "DEL": {"type": "string", "title": "Element Deletion Flag"},
    }


def test_the_settings_fields_example_describes_double(api: Api) -> None:
    result = replay(api, "crm.userfield.settings.fields", '{"type":"double"}')["result"]
    assert result == {
        "DEFAULT_VALUE": {"type": "double", "title": "Default Value"},
        "PRECISION": {"type": "int", "title": "Precision"},
    }


# The settings each type supports, from the add page's SETTINGS tables.
SETTINGS_KEYS = {
    "string": {"DEFAULT_VALUE", "ROWS"},
    "integer": {"DEFAULT_VALUE"},
    "double": {"DEFAULT_VALUE", "PRECISION"},
    "boolean": {"DEFAULT_VALUE", "DISPLAY"},
    "date": {"DEFAULT_VALUE"},
    "datetime": {"DEFAULT_VALUE"},
    "money": set(),
    "url": set(),
    "address": set(),
    "enumeration": {"DISPLAY", "LIST_HEIGHT"},
    "file": set(),
    "employee": set(),
    "crm_status": {"ENTITY_TYPE"},
    "iblock_section": {"IBLOCK_TYPE_ID", "IBLOCK_ID", "DEFAULT_VALUE", "DISPLAY"}
    | {"LIST_HEIGHT", "ACTIVE_FILTER"},
    "iblock_element": {"IBLOCK_TYPE_ID", "IBLOCK_ID", "DEFAULT_VALUE", "DISPLAY"}
    | {"LIST_HEIGHT", "ACTIVE_FILTER"},
    "crm": {"LEAD", "CONTACT", "COMPANY", "DEAL"},
}


@pytest.mark.parametrize("type_id", list(SETTINGS_KEYS))
def test_settings_fields_describes_the_settings_of_each_type(api: Api, type_id: str) -> None:
    result = api.call("crm.userfield.settings.fields", {"type": type_id})
    assert result == [] or isinstance(result, dict)  # an empty map is written []
    assert set(result) >= SETTINGS_KEYS[type_id]
    for descriptor in dict(result or {}).values():
        assert isinstance(descriptor["type"], str) and descriptor["type"]
        assert isinstance(descriptor["title"], str) and descriptor["title"]


@pytest.mark.parametrize(
    "method",
    ["crm.userfield.types", "crm.userfield.fields", "crm.userfield.enumeration.fields"],
)
def test_the_helper_methods_answer_any_user(api: Api, method: str) -> None:
    _, prefix = api.new_webhook(scopes=["crm"])
    assert api.as_user(prefix).call(method) == api.call(method)


# -- crm.lead.fields ------------------------------------------------------------------------------


def test_lead_fields_lists_custom_fields_as_dynamic(api: Api) -> None:
    add_field(
        api,
        FIELD_NAME="NOTE",
        USER_TYPE_ID="string",
        MANDATORY="Y",
        EDIT_FORM_LABEL="Form label",
        LIST_COLUMN_LABEL="Column label",
        LIST_FILTER_LABEL="Filter label",
        SETTINGS={"DEFAULT_VALUE": "n/a", "ROWS": 2},
    )
    enum_id = add_field(
        api,
        FIELD_NAME="KIND",
        USER_TYPE_ID="enumeration",
        MULTIPLE="Y",
        LABEL="Kind",
        LIST=[{"VALUE": "Hot", "SORT": 1}, {"VALUE": "Cold", "SORT": 2}],
    )
    fields = api.call("crm.lead.fields")
    note = fields["UF_CRM_NOTE"]
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
    assert_settings(note["settings"], {"DEFAULT_VALUE": "n/a", "ROWS": 2})
    kind = fields["UF_CRM_KIND"]
    assert (kind["type"], kind["isMultiple"], kind["isRequired"]) == ("enumeration", True, False)
    assert (kind["isDynamic"], kind["title"], kind["listLabel"]) == (True, "UF_CRM_KIND", "Kind")
    hot, cold = (item["ID"] for item in get_field(api, enum_id)["LIST"])
    assert kind["items"] == [{"ID": hot, "VALUE": "Hot"}, {"ID": cold, "VALUE": "Cold"}]
    assert all(not f["isDynamic"] for name, f in fields.items() if not name.startswith("UF_"))


# -- values on leads: defaults --------------------------------------------------------------------


def test_defaults_apply_on_add_to_fields_not_sent(api: Api) -> None:
    add_field(api, FIELD_NAME="S", USER_TYPE_ID="string", SETTINGS={"DEFAULT_VALUE": "dflt"})
    add_field(api, FIELD_NAME="B", USER_TYPE_ID="boolean", SETTINGS={"DEFAULT_VALUE": 1})
    add_field(api, FIELD_NAME="I", USER_TYPE_ID="integer", SETTINGS={"DEFAULT_VALUE": 7})
    enum_id = add_field(
        api,
        FIELD_NAME="E",
        USER_TYPE_ID="enumeration",
        LIST=[{"VALUE": "a", "SORT": 1}, {"VALUE": "b", "DEF": "Y", "SORT": 2}],
    )
    default_item = get_field(api, enum_id)["LIST"][1]["ID"]
    lead = get_lead(api, api.call("crm.lead.add", {"fields": {"TITLE": "x"}}))
    assert [lead[n] for n in ("UF_CRM_S", "UF_CRM_B", "UF_CRM_I", "UF_CRM_E")] == [
        "dflt",
        True,
        "7",
        default_item,
    ]
    sent = {"UF_CRM_S": "mine", "UF_CRM_B": "N", "UF_CRM_I": 3}
    lead = get_lead(api, api.call("crm.lead.add", {"fields": sent}))
    assert [lead[n] for n in ("UF_CRM_S", "UF_CRM_B", "UF_CRM_I")] == ["mine", False, "3"]
    # A field sent empty takes no default.
    lead_id = api.call("crm.lead.add", {"fields": {"UF_CRM_S": None}})
    assert get_lead(api, lead_id)["UF_CRM_S"] is None


# -- files (how-to-upload-files.md, "Array of fileData Objects") ----------------------------------

FILE_ONE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
FILE_TWO = b"second file \x00\xff" * 100


def test_the_filedata_example_stores_both_files_and_serves_them(api: Api) -> None:
    add_field(api, FIELD_NAME="1711610801", USER_TYPE_ID="file", MULTIPLE="Y", LABEL="Files")
    body = FILE_ADD_BODY.replace(
        "base64_encoded_content_here", base64.b64encode(FILE_ONE).decode(), 1
    ).replace("base64_encoded_content_here", base64.b64encode(FILE_TWO).decode(), 1)
    lead_id = replay(api, "crm.lead.add", body)["result"]
    assert isinstance(lead_id, int) and lead_id > 0

    lead = get_lead(api, lead_id)
    assert lead["TITLE"] == "Lead example"
    files = lead["UF_CRM_1711610801"]
    assert isinstance(files, list) and len(files) == 2
    for item in files:
        assert set(item) == {"id", "showUrl", "downloadUrl"}
        assert isinstance(item["id"], int) and not isinstance(item["id"], bool)
        assert isinstance(item["showUrl"], str) and isinstance(item["downloadUrl"], str)
        # Signed links: no webhook code in them.
        code = api.prefix.rstrip("/").rsplit("/", 1)[-1]
        assert code not in item["downloadUrl"] and code not in item["showUrl"]
    assert files[0]["id"] != files[1]["id"]
    for item, content in zip(files, (FILE_ONE, FILE_TWO), strict=True):
        response = fetch(api, item["downloadUrl"])
        assert response.status_code == 200
        assert response.content == content
        assert fetch(api, item["showUrl"]).status_code == 200

    listed = api.call(
        "crm.lead.list", {"filter": {"ID": lead_id}, "select": ["ID", "UF_CRM_1711610801"]}
    )
    assert [f["id"] for f in listed[0]["UF_CRM_1711610801"]] == [f["id"] for f in files]


def test_a_single_file_field_holds_one_file_and_the_bare_pair_form_works(api: Api) -> None:
    add_field(api, FIELD_NAME="DOC", USER_TYPE_ID="file")
    pair = ["doc.txt", base64.b64encode(b"hello").decode()]
    lead_id = api.call("crm.lead.add", {"fields": {"UF_CRM_DOC": pair}})
    value = get_lead(api, lead_id)["UF_CRM_DOC"]
    assert isinstance(value, dict) and set(value) == {"id", "showUrl", "downloadUrl"}
    assert fetch(api, value["downloadUrl"]).content == b"hello"
    replacement = {"fileData": ["doc2.txt", base64.b64encode(b"world").decode()]}
    assert api.call("crm.lead.update", {"id": lead_id, "fields": {"UF_CRM_DOC": replacement}})
    new_value = get_lead(api, lead_id)["UF_CRM_DOC"]
    assert new_value["id"] != value["id"]
    assert fetch(api, new_value["downloadUrl"]).content == b"world"
    # The replaced file is held by no field any more, so it is gone.
    assert fetch(api, value["downloadUrl"]).status_code != 200


def test_unset_custom_values_read_back_as_null_or_an_empty_list(api: Api) -> None:
    add_field(api, FIELD_NAME="ONE", USER_TYPE_ID="integer")
    add_field(api, FIELD_NAME="MANY", USER_TYPE_ID="integer", MULTIPLE="Y")
    lead = get_lead(api, api.call("crm.lead.add", {"fields": {"TITLE": "x"}}))
    assert (lead["UF_CRM_ONE"], lead["UF_CRM_MANY"]) == (None, [])
