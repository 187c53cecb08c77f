"""crm.contact.*: the documented examples replayed, defaults, required names, links, lists.

Pages: api-reference/crm/contacts/crm-contact-{fields,add,get,update,delete,list}.md and
events/. A contact runs on the lead's machinery (list engine, multifields, custom fields), so
where the pages are silent the policies of docs/compatibility.md ("Values", "Lists", "Leads")
apply. Every other reading of a vague or contradictory page is marked ``# POLICY:``.

The behaviour contacts share with companies is tested once for both in tests/crm/entities,
with the tables below (GLEB, FULL_FIELDS, READ_ONLY_ATTEMPT, INVALID_VALUES).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.crm.entities.support import (
    ADDRESS,
    BY_ADMIN,
    FULL_ADDRESS,
    IGNORED,
    LATER_TEXT,
    MOMENT,
    MOMENT_TEXT,
    MULTIFIELD_ROWS,
    MULTIFIELDS,
    NOTHING_SET,
    UTM,
    add_company,
    add_contact,
    address_rows,
    answered,
    assert_described,
    changed,
    core_error,
    documented,
    freeze,
    get_contact,
    list_ids,
    refused,
    utm_rows,
)
from tests.support import Api

# POLICY: crm-contact-fields.md marks NAME, SECOND_NAME and LAST_NAME isRequired while the add
# page requires nothing; a contact needs a first or a last name (Bitrix24's classic rule), and
# a middle name is never required. The wording is that of a mandatory custom field.
NAME_REQUIRED = 'The field "First Name" (NAME) or "Last Name" (LAST_NAME) is required.'
DOC_UF = "UF_CRM_1720697698689"


# -- crm.contact.fields -------------------------------------------------------------------------

# The example of crm-contact-fields.md, field by field, without PHOTO (files of contacts are
# out of scope, so the field is absent).
CONTACT_FIELDS: list[tuple[Any, ...]] = [
    ("ID", "integer", "R", "ID"),
    ("HONORIFIC", "crm_status", "", "Salutation", {"statusType": "HONORIFIC"}),
    ("NAME", "string", "Q", "First Name"),
    ("SECOND_NAME", "string", "Q", "Middle Name"),
    ("LAST_NAME", "string", "Q", "Last Name"),
    ("BIRTHDATE", "date", "", "Birthdate"),
    ("TYPE_ID", "crm_status", "", "Contact Type", {"statusType": "CONTACT_TYPE"}),
    ("SOURCE_ID", "crm_status", "", "Source", {"statusType": "SOURCE"}),
    ("SOURCE_DESCRIPTION", "string", "", "Additional Source Information"),
    ("POST", "string", "", "Position"),
    ("ADDRESS", "string", "", "Address"),
    ("ADDRESS_2", "string", "", "Address (Line 2)"),
    *address_rows(),  # City, Postal Code, Region, Province, Country, Country Code
    # The table calls it `location`; the example's JSON says integer.
    ("ADDRESS_LOC_ADDR_ID", "integer", "", "Location Address ID"),
    ("COMMENTS", "string", "", "Comment"),
    ("OPENED", "char", "", "Available to All"),
    ("EXPORT", "char", "", "Participates in Contact Export"),
    ("HAS_PHONE", "char", "R", "Phone Set"),
    ("HAS_EMAIL", "char", "R", "E-mail Set"),
    ("HAS_IMOL", "char", "R", "Open Line Set"),
    ("ASSIGNED_BY_ID", "user", "", "Responsible Person"),
    ("CREATED_BY_ID", "user", "R", "Created By"),
    ("MODIFY_BY_ID", "user", "R", "Modified By"),
    ("DATE_CREATE", "datetime", "R", "Creation Date"),
    ("DATE_MODIFY", "datetime", "R", "Modification Date"),
    ("COMPANY_ID", "crm_company", "", "Company", {"isDeprecated": True}),
    ("COMPANY_IDS", "crm_company", "M", "COMPANY_IDS"),
    ("LEAD_ID", "crm_lead", "R", "Lead", {"settings": {"parentEntityTypeId": 1}}),
    ("ORIGINATOR_ID", "string", "", "External Source"),
    ("ORIGIN_ID", "string", "", "Identifier in External Source"),
    ("ORIGIN_VERSION", "string", "", "Original Version"),
    *utm_rows("Campaign Search Condition"),
    ("LAST_ACTIVITY_TIME", "datetime", "R", "Last Activity"),
    ("LAST_ACTIVITY_BY", "user", "R", "Last Activity By"),
    *MULTIFIELD_ROWS,  # PHONE, EMAIL, WEB, IM, LINK
]
DOCUMENTED = documented(CONTACT_FIELDS)
READ_ONLY = {name for name, _, flags, *_ in CONTACT_FIELDS if "R" in flags}


def test_the_fields_example_answers_every_documented_field(api: Api) -> None:
    result = answered(api.post("crm.contact.fields", {}))["result"]
    assert_described(result, DOCUMENTED)
    # POLICY: out of scope, so absent: the photo, smart-process links, the get example's FACE_ID.
    assert not {"PHOTO", "FACE_ID"} & set(result)
    assert not [name for name in result if name.startswith("PARENT_ID_")]


def test_the_key_flags_are_the_documented_ones(api: Api) -> None:
    fields = api.call("crm.contact.fields")
    assert (fields["ID"]["type"], fields["ID"]["isReadOnly"]) == ("integer", True)
    assert [fields[n]["isRequired"] for n in ("NAME", "SECOND_NAME", "LAST_NAME")] == [True] * 3
    assert fields["TYPE_ID"]["statusType"] == "CONTACT_TYPE"
    assert fields["HONORIFIC"]["statusType"] == "HONORIFIC"
    assert fields["SOURCE_ID"]["statusType"] == "SOURCE"
    assert (fields["COMPANY_ID"]["type"], fields["COMPANY_ID"]["isDeprecated"]) == (
        "crm_company",
        True,
    )
    assert (fields["COMPANY_IDS"]["isMultiple"], fields["COMPANY_IDS"]["title"]) == (
        True,
        "COMPANY_IDS",
    )
    assert fields["LEAD_ID"]["isReadOnly"] is True
    assert fields["LEAD_ID"]["settings"] == {"parentEntityTypeId": 1}
    assert all(fields[n]["isMultiple"] for n in MULTIFIELDS)
    assert all(not f["isDynamic"] and not f["isImmutable"] for f in fields.values())


def test_fields_ignores_parameters_and_answers_the_same_by_get(api: Api) -> None:
    expected = api.call("crm.contact.fields")
    assert api.call("crm.contact.fields", {"id": 5, "select": ["ID"]}) == expected
    query = api.get("crm.contact.fields", "id=abc")
    assert (query.status_code, query.json()["result"]) == (200, expected)


# -- crm.contact.add ----------------------------------------------------------------------------

# What a contact added with only a first name looks like at MOMENT, as the administrator
# (user 1); the keys in the order of crm-contact-get.md's example.
# POLICY: the get example's PHOTO, FACE_ID and PARENT_ID_1224 are out of scope and absent;
# ADDRESS_COUNTRY_CODE, which the example lacks, follows ADDRESS_COUNTRY.
GLEB: dict[str, Any] = {
    "ID": None,
    "POST": None,
    "COMMENTS": None,
    # POLICY: "Default — the first available salutation type" (and contact type, source):
    # the item with the lowest SORT of the seeded directories.
    "HONORIFIC": "HNR_EN_1",
    "NAME": "Gleb",
    "SECOND_NAME": None,
    "LAST_NAME": None,
    "LEAD_ID": None,
    "TYPE_ID": "CLIENT",
    "SOURCE_ID": "CALL",
    "SOURCE_DESCRIPTION": None,
    "COMPANY_ID": None,
    "BIRTHDATE": "",
    "EXPORT": "Y",
    **NOTHING_SET,
    "DATE_CREATE": MOMENT_TEXT,
    "DATE_MODIFY": MOMENT_TEXT,
    **BY_ADMIN,
    "OPENED": "Y",
    "ORIGINATOR_ID": None,
    "ORIGIN_ID": None,
    "ORIGIN_VERSION": None,
    # POLICY: as for leads, the last activity starts as the creation.
    "LAST_ACTIVITY_TIME": MOMENT_TEXT,
    **dict.fromkeys(ADDRESS),
    **dict.fromkeys(UTM),
    "LAST_ACTIVITY_BY": "1",
}
GET_KEYS = list(GLEB)


def doc_setup(api: Api) -> tuple[list[int], int]:
    """What the examples name: companies 12, 13 and 15, user 6 and the custom string field."""
    companies = [add_company(api, f"Company {n}") for n in (12, 13, 15)]
    user_id, _ = api.new_webhook(scopes=["crm"], name="Responsible")
    api.call(
        "crm.contact.userfield.add",
        {"fields": {"FIELD_NAME": DOC_UF.removeprefix("UF_CRM_"), "USER_TYPE_ID": "string"}},
    )
    return companies, user_id


def doc_add_body(companies: list[int], user_id: int) -> dict[str, Any]:
    """The cURL body of crm-contact-add.md (upper-case FIELDS included), with ids that exist."""
    c12, c13, c15 = companies
    return {
        "FIELDS": {
            # POLICY: HNR_RU_1 is not a seeded salutation; HNR_EN_1 stands in for it.
            "HONORIFIC": "HNR_EN_1",
            "NAME": "John",
            "SECOND_NAME": "Doe",
            "LAST_NAME": "Smith",
            # POLICY: PHOTO is out of scope, so an unknown field, ignored as the page says.
            "PHOTO": {"fileData": "**put_photo_data_here**"},
            "BIRTHDATE": "11.11.2001",
            "TYPE_ID": "PARTNER",
            "SOURCE_ID": "WEB",
            "SOURCE_DESCRIPTION": "*Additional information about the source*",
            "POST": "Administrator",
            "COMMENTS": "**put_comment_here**",
            "OPENED": "Y",
            "EXPORT": "N",
            "ASSIGNED_BY_ID": user_id,
            "COMPANY_ID": c12,
            "COMPANY_IDS": [c12, c13, c15],
            "UTM_SOURCE": "google",
            "UTM_MEDIUM": "CPC",
            "UTM_CAMPAIGN": "summer_sale",
            "UTM_CONTENT": "header_banner",
            "UTM_TERM": "discount",
            "PHONE": [
                {"VALUE": "+1333333555", "VALUE_TYPE": "WORK"},
                {"VALUE": "+15599888666", "VALUE_TYPE": "HOME"},
            ],
            "EMAIL": [
                {"VALUE": "john.smith@example.mailing", "VALUE_TYPE": "MAILING"},
                {"VALUE": "john.smith@example.work", "VALUE_TYPE": "WORK"},
            ],
            DOC_UF: 'Example value of a custom field with type "String"',
            # A smart-process link: none exist here, so an unknown field, ignored.
            "PARENT_ID_1224": 12,
        }
    }


def doc_contact(contact: dict[str, Any], contact_id: int, c12: int, user_id: int) -> dict[str, Any]:
    """The get example for the contact the add example makes (item ids taken from ``contact``)."""
    phones = [p["ID"] for p in contact.get("PHONE", [])] + ["?", "?"]
    emails = [e["ID"] for e in contact.get("EMAIL", [])] + ["?", "?"]
    return {
        **GLEB,
        "ID": str(contact_id),
        "POST": "Administrator",
        "COMMENTS": "**put_comment_here**",
        "NAME": "John",
        "SECOND_NAME": "Doe",
        "LAST_NAME": "Smith",
        "TYPE_ID": "PARTNER",
        "SOURCE_ID": "WEB",
        "SOURCE_DESCRIPTION": "*Additional information about the source*",
        "COMPANY_ID": str(c12),
        # POLICY: a date is midnight in the portal's zone (UTC here); the example's T02:00+02:00
        # is midnight UTC seen from its server's zone.
        "BIRTHDATE": "2001-11-11T00:00:00+00:00",
        "EXPORT": "N",
        "HAS_PHONE": "Y",
        "HAS_EMAIL": "Y",
        "ASSIGNED_BY_ID": str(user_id),
        "UTM_SOURCE": "google",
        "UTM_MEDIUM": "CPC",
        "UTM_CAMPAIGN": "summer_sale",
        "UTM_CONTENT": "header_banner",
        "UTM_TERM": "discount",
        DOC_UF: 'Example value of a custom field with type "String"',
        # POLICY: values are kept as sent (the example's "+13333333555" is a typo of the request).
        "PHONE": [
            {"ID": phones[0], "VALUE_TYPE": "WORK", "VALUE": "+1333333555", "TYPE_ID": "PHONE"},
            {"ID": phones[1], "VALUE_TYPE": "HOME", "VALUE": "+15599888666", "TYPE_ID": "PHONE"},
        ],
        "EMAIL": [
            {
                "ID": emails[0],
                "VALUE_TYPE": "MAILING",
                "VALUE": "john.smith@example.mailing",
                "TYPE_ID": "EMAIL",
            },
            {
                "ID": emails[1],
                "VALUE_TYPE": "WORK",
                "VALUE": "john.smith@example.work",
                "TYPE_ID": "EMAIL",
            },
        ],
    }


def test_the_add_example_answers_an_integer_id_and_the_time_block(api: Api) -> None:
    companies, user_id = doc_setup(api)
    body = answered(api.post("crm.contact.add", doc_add_body(companies, user_id)))
    assert type(body["result"]) is int and body["result"] > 0


def test_the_add_example_stores_what_it_sent_and_get_renders_the_documented_shape(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    companies, user_id = doc_setup(api)
    contact_id = api.call("crm.contact.add", doc_add_body(companies, user_id))
    # The get example's request: {"ID": 23}.
    contact = answered(api.post("crm.contact.get", {"ID": contact_id}))["result"]
    assert contact == doc_contact(contact, contact_id, companies[0], user_id)
    # POLICY: the keys in the get example's order; custom fields, then non-empty multifields.
    assert list(contact) == [*GET_KEYS, DOC_UF, "PHONE", "EMAIL"]
    item_ids = [item["ID"] for name in ("PHONE", "EMAIL") for item in contact[name]]
    assert all(i.isdigit() for i in item_ids) and len(set(item_ids)) == 4
    assert all(list(item) == ["ID", "VALUE_TYPE", "VALUE", "TYPE_ID"] for item in contact["PHONE"])


def test_a_contact_with_only_a_name_takes_the_documented_defaults(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    contact_id = add_contact(api)
    assert get_contact(api, contact_id) == {**GLEB, "ID": str(contact_id)}
    assert api.call("crm.contact.add", {"fields": {"LAST_NAME": "Smith"}}) == contact_id + 1


def test_the_first_available_directory_item_is_the_one_with_the_lowest_sort(api: Api) -> None:
    # POLICY: "first available" is read at add time, by SORT.
    for entity_id, code in (("CONTACT_TYPE", "VIP"), ("SOURCE", "FAIR"), ("HONORIFIC", "HNR_X")):
        api.call(
            "crm.status.add",
            {"fields": {"ENTITY_ID": entity_id, "STATUS_ID": code, "NAME": code, "SORT": 1}},
        )
    contact = get_contact(api, add_contact(api))
    assert (contact["TYPE_ID"], contact["SOURCE_ID"], contact["HONORIFIC"]) == (
        "VIP",
        "FAIR",
        "HNR_X",
    )


# Every writable scalar field, and what crm.contact.get answers for it.
FULL_FIELDS: dict[str, Any] = {
    "HONORIFIC": "HNR_EN_2",
    "NAME": "Anna",
    "SECOND_NAME": "Maria",
    "LAST_NAME": "Schmidt",
    "BIRTHDATE": "1990-05-17",
    "TYPE_ID": "SUPPLIER",
    "SOURCE_ID": "PARTNER",
    "SOURCE_DESCRIPTION": "Met at a fair",
    "POST": "CEO",
    "COMMENTS": "[B]Line one[/B]\nLine two",
    "OPENED": "N",
    "EXPORT": "N",
    "ASSIGNED_BY_ID": "1",
    "ORIGINATOR_ID": "shop",
    "ORIGIN_ID": "customer-42",
    "ORIGIN_VERSION": "v3",
    **FULL_ADDRESS,
    "UTM_SOURCE": "google",
    "UTM_MEDIUM": "CPC",
    "UTM_CAMPAIGN": "spring",
    "UTM_CONTENT": "banner",
    "UTM_TERM": "crm",
}
FULL_CONTACT: dict[str, Any] = {
    **GLEB,
    **{k: v for k, v in FULL_FIELDS.items() if isinstance(v, str)},
    "BIRTHDATE": "1990-05-17T00:00:00+00:00",
    "ADDRESS_LOC_ADDR_ID": "15",
}


def test_dates_are_read_in_every_documented_form(api: Api) -> None:
    # The flags' forms: test_flags_accept_y_n_true_false_and_one_zero (tests/crm/entities).
    for sent, shown in (
        ("1990-05-17", "1990-05-17T00:00:00+00:00"),
        ("17.05.1990", "1990-05-17T00:00:00+00:00"),
        ("", ""),
        (None, ""),
    ):
        assert get_contact(api, add_contact(api, BIRTHDATE=sent))["BIRTHDATE"] == shown, sent


# Read-only and unknown fields, all ignored on add and update (tests/crm/entities sends them).
READ_ONLY_ATTEMPT: dict[str, Any] = {
    **IGNORED,
    "LAST_ACTIVITY_BY": 5,
    "LAST_ACTIVITY_TIME": "2001-01-01T00:00:00+00:00",
    "FACE_ID": 7,
    "PHOTO": {"fileData": ["photo.png", "aGVsbG8="]},
    "PARENT_ID_153": 4,
}


@pytest.mark.parametrize(
    "fields",
    [
        None,
        {},
        {"NAME": "", "LAST_NAME": ""},
        {"NAME": None, "LAST_NAME": "   "},
        {"SECOND_NAME": "Only a middle name", "POST": "CEO"},
    ],
)
def test_a_contact_without_a_first_or_last_name_is_refused(
    api: Api, fields: dict[str, Any] | None
) -> None:
    # POLICY: see NAME_REQUIRED. ``None``: no fields parameter at all.
    params = {} if fields is None else {"fields": fields}
    refused(api, "crm.contact.add", params, core_error(NAME_REQUIRED))


def test_a_first_or_a_last_name_alone_is_enough(api: Api) -> None:
    first = get_contact(api, api.call("crm.contact.add", {"fields": {"NAME": "Gleb"}}))
    last = get_contact(api, api.call("crm.contact.add", {"fields": {"LAST_NAME": "Titov"}}))
    assert (first["NAME"], first["LAST_NAME"], last["NAME"], last["LAST_NAME"]) == (
        "Gleb",
        None,
        None,
        "Titov",
    )


INVALID_VALUES: list[tuple[dict[str, Any], str]] = [
    # POLICY: unknown directory codes are refused in the lead's words, with this page's titles.
    ({"TYPE_ID": "NOPE"}, "The field Contact Type (TYPE_ID) has an unknown value 'NOPE'."),
    ({"TYPE_ID": "partner"}, "The field Contact Type (TYPE_ID) has an unknown value 'partner'."),
    # A lead stage is not a contact type.
    ({"TYPE_ID": "NEW"}, "The field Contact Type (TYPE_ID) has an unknown value 'NEW'."),
    ({"SOURCE_ID": "NOPE"}, "The field Source (SOURCE_ID) has an unknown value 'NOPE'."),
    (
        {"HONORIFIC": "HNR_RU_1"},
        "The field Salutation (HONORIFIC) has an unknown value 'HNR_RU_1'.",
    ),
    (
        {"ASSIGNED_BY_ID": 999},
        "The field Responsible Person (ASSIGNED_BY_ID) has an unknown value '999'.",
    ),
    ({"OPENED": "maybe"}, "The field Available to All (OPENED) is invalid: Y or N is expected."),
    (
        {"EXPORT": "maybe"},
        "The field Participates in Contact Export (EXPORT) is invalid: Y or N is expected.",
    ),
    (
        {"BIRTHDATE": "yesterday"},
        "The field Birthdate (BIRTHDATE) is invalid: a date (YYYY-MM-DD) is expected.",
    ),
    ({"NAME": ["Gleb"]}, "The field First Name (NAME) is invalid: a string is expected."),
    ({"COMPANY_ID": "x"}, "The field Company (COMPANY_ID) is invalid: an integer is expected."),
    # POLICY: a company must exist (see also test_a_company_that_does_not_exist_is_refused).
    ({"COMPANY_ID": 999}, "The field Company (COMPANY_ID) has an unknown value '999'."),
    ({"COMPANY_IDS": [999]}, "The field COMPANY_IDS (COMPANY_IDS) has an unknown value '999'."),
    # POLICY: the multifield texts are the lead's (the page words it "Work e-mail").
    ({"EMAIL": [{"VALUE": "not an address"}]}, "The field E-mail contains an invalid address"),
    ({"PHONE": [{"VALUE_TYPE": "WORK"}]}, "A new PHONE item needs a VALUE."),
    (
        {"PHONE": [{"VALUE": "1", "VALUE_TYPE": "TELEGRAM"}]},
        "VALUE_TYPE 'TELEGRAM' is not allowed for PHONE.",
    ),
]


def test_the_documented_params_are_accepted(api: Api) -> None:
    # POLICY: REGISTER_SONET_EVENT and IMPORT are accepted; nothing here depends on them.
    for params in ({"REGISTER_SONET_EVENT": "Y"}, {"IMPORT": "Y"}, {"IMPORT": 0}):
        assert api.call("crm.contact.add", {"fields": {"NAME": "p"}, "params": params}) > 0


# -- crm.contact.get ----------------------------------------------------------------------------


def test_get_names_every_multifield_that_has_values_and_only_those(api: Api) -> None:
    contact_id = add_contact(api)
    assert list(get_contact(api, contact_id)) == GET_KEYS
    fields = {"WEB": [{"VALUE": "www.example.com"}], "IM": [{"VALUE": "tg", "VALUE_TYPE": "VK"}]}
    assert api.call("crm.contact.update", {"id": contact_id, "fields": fields}) is True
    contact = get_contact(api, contact_id)
    assert list(contact) == [*GET_KEYS, "WEB", "IM"]
    assert contact["WEB"] == [
        {
            "ID": contact["WEB"][0]["ID"],
            "VALUE_TYPE": "WORK",
            "VALUE": "www.example.com",
            "TYPE_ID": "WEB",
        }
    ]


# -- crm.contact.update -------------------------------------------------------------------------


def doc_update_body(contact_id: int, companies: list[int], type_id: str) -> dict[str, Any]:
    """The cURL body of crm-contact-update.md with real ids; ``type_id`` replaces its TYPE_ID."""
    c12, c13, c15 = companies
    return {
        "ID": contact_id,
        "FIELDS": {
            "NAME": "John",
            "BIRTHDATE": "11.11.1999",
            "TYPE_ID": type_id,
            "SOURCE_ID": "WEB",
            "POST": "Network Administrator",
            "COMMENTS": "New comment",
            "OPENED": "N",
            "EXPORT": "Y",
            "ASSIGNED_BY_ID": 1,
            "COMPANY_ID": c12,
            "COMPANY_IDS": [c13, c15],
            DOC_UF: 'Example of a new value for a custom field of type "String"',
            "PARENT_ID_1224": 14,
        },
        "PARAMS": {"REGISTER_SONET_EVENT": "N", "REGISTER_HISTORY_EVENT": "N"},
    }


def test_the_update_example_as_written_is_refused_for_its_contact_type(api: Api) -> None:
    companies, user_id = doc_setup(api)
    contact_id = api.call("crm.contact.add", doc_add_body(companies, user_id))
    # POLICY: the example's TYPE_ID "RECOMMENDATION" is a source code, not a contact type.
    expected = core_error("The field Contact Type (TYPE_ID) has an unknown value 'RECOMMENDATION'.")
    refused(
        api,
        "crm.contact.update",
        doc_update_body(contact_id, companies, "RECOMMENDATION"),
        expected,
    )


def test_the_update_example_changes_what_it_sends(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = freeze(monkeypatch)
    companies, user_id = doc_setup(api)
    contact_id = api.call("crm.contact.add", doc_add_body(companies, user_id))
    before = get_contact(api, contact_id)
    clock.advance(minutes=10)
    body = answered(
        api.post("crm.contact.update", doc_update_body(contact_id, companies, "SUPPLIER"))
    )
    assert body["result"] is True
    assert changed(before, get_contact(api, contact_id)) == {
        "BIRTHDATE": "1999-11-11T00:00:00+00:00",
        "TYPE_ID": "SUPPLIER",
        "POST": "Network Administrator",
        "COMMENTS": "New comment",
        "OPENED": "N",
        "EXPORT": "Y",
        "ASSIGNED_BY_ID": "1",
        # POLICY: COMPANY_IDS, when sent, is the company list and its first is COMPANY_ID (as a
        # lead's CONTACT_IDS); the example's COMPANY_ID 12 is not in it.
        "COMPANY_ID": str(companies[1]),
        DOC_UF: 'Example of a new value for a custom field of type "String"',
        "DATE_MODIFY": LATER_TEXT,
    }


def test_an_empty_update_only_touches_the_modification(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = freeze(monkeypatch)
    contact_id = api.call("crm.contact.add", {"fields": FULL_FIELDS})
    before = get_contact(api, contact_id)
    clock.advance(minutes=10)
    for params in ({"id": contact_id}, {"id": contact_id, "fields": {}}):
        assert api.call("crm.contact.update", params) is True
    assert changed(before, get_contact(api, contact_id)) == {"DATE_MODIFY": LATER_TEXT}


def test_an_update_may_clear_one_name_but_not_both(api: Api) -> None:
    contact_id = add_contact(api, LAST_NAME="Titov")
    for fields in (
        {"NAME": "", "LAST_NAME": ""},
        {"NAME": None, "LAST_NAME": None},
        {"NAME": "  ", "LAST_NAME": ""},
    ):
        # POLICY: see NAME_REQUIRED; it holds for the contact an update would leave.
        refused(
            api,
            "crm.contact.update",
            {"id": contact_id, "fields": fields},
            core_error(NAME_REQUIRED),
        )
    assert api.call("crm.contact.update", {"id": contact_id, "fields": {"NAME": ""}}) is True
    refused(
        api,
        "crm.contact.update",
        {"id": contact_id, "fields": {"LAST_NAME": ""}},
        core_error(NAME_REQUIRED),
    )
    assert api.call("crm.contact.update", {"id": contact_id, "fields": {"POST": "x"}}) is True


@pytest.mark.parametrize(
    "params",
    [
        {"ID": "{id}", "FIELDS": {"POST": "New"}},
        {"Id": "{id}", "Fields": {"POST": "New"}},
        {"id": "{id}", "fields": {"POST": "New"}, "PARAMS": {"REGISTER_HISTORY_EVENT": "N"}},
    ],
)
def test_parameter_names_match_in_any_case(api: Api, params: dict[str, Any]) -> None:
    contact_id = add_contact(api)
    sent = {k: (str(contact_id) if v == "{id}" else v) for k, v in params.items()}
    assert api.call("crm.contact.update", sent) is True
    assert get_contact(api, contact_id)["POST"] == "New"


# -- multifields ("Working with Multiple Fields" of crm-contact-update.md) ----------------------

# The page's changes (by id, the three deletions, appending) and foreign items are tested for
# contacts and companies in tests/crm/entities/test_shared_behaviour.py.


def test_sending_back_what_get_answered_changes_nothing(api: Api) -> None:
    fields = {
        "PHONE": [{"VALUE": "1"}, {"VALUE": "2", "VALUE_TYPE": "MOBILE"}],
        "EMAIL": [{"VALUE": "a@example.com"}],
        "IM": [{"VALUE": "imol|1", "VALUE_TYPE": "OPENLINE"}],
    }
    contact_id = add_contact(api, **fields)
    before = get_contact(api, contact_id)
    sent = {name: before[name] for name in fields}
    assert api.call("crm.contact.update", {"id": contact_id, "fields": sent}) is True
    after = get_contact(api, contact_id)
    assert {name: after[name] for name in fields} == sent
    assert (after["HAS_PHONE"], after["HAS_EMAIL"], after["HAS_IMOL"]) == ("Y", "Y", "Y")


def test_contact_and_lead_multifields_are_kept_apart(api: Api) -> None:
    # The lead and the contact may share an id; their rows must not mix.
    lead_id = api.call("crm.lead.add", {"fields": {"PHONE": [{"VALUE": "111"}]}})
    contact_id = add_contact(api, EMAIL=[{"VALUE": "c@example.com"}])
    assert lead_id == contact_id == 1
    contact = get_contact(api, contact_id)
    assert ("PHONE" not in contact, contact["HAS_PHONE"]) == (True, "N")
    lead = api.call("crm.lead.get", {"id": lead_id})
    assert ("EMAIL" not in lead, lead["HAS_EMAIL"]) == (True, "N")
    assert api.call("crm.contact.delete", {"id": contact_id}) is True
    assert api.call("crm.lead.get", {"id": lead_id})["PHONE"][0]["VALUE"] == "111"


# -- crm.contact.delete -------------------------------------------------------------------------


def test_a_form_body_and_a_query_string_delete(api: Api) -> None:
    first, second = add_contact(api), add_contact(api)
    form = api.client.post(api.prefix + "crm.contact.delete", data={"id": str(first)})
    assert (form.status_code, form.json()["result"]) == (200, True)
    query = api.get("crm.contact.delete", f"ID={second}")
    assert (query.status_code, query.json()["result"]) == (200, True)
    assert list_ids(api, "crm.contact.list", {}) == []


# -- links to companies and leads ---------------------------------------------------------------


def test_no_company_is_null_whatever_empty_value_is_sent(api: Api) -> None:
    # An unset company is null, never "0" (docs/compatibility.md, "Values").
    for empty in (0, "0", "", None):
        contact = get_contact(api, add_contact(api, COMPANY_ID=empty))
        unset = (contact["COMPANY_ID"], contact["LEAD_ID"], contact["BIRTHDATE"])
        assert unset == (None, None, ""), empty


def test_company_ids_name_the_companies_and_the_first_is_the_company(api: Api) -> None:
    first, second = add_company(api, "First"), add_company(api, "Second")
    contact_id = add_contact(api, COMPANY_IDS=[second, str(first)])
    contact = get_contact(api, contact_id)
    assert contact["COMPANY_ID"] == str(second)
    # POLICY: COMPANY_IDS is never read back by get or by list's default select.
    assert "COMPANY_IDS" not in contact
    assert "COMPANY_IDS" not in api.call("crm.contact.list", {})[0]
    # COMPANY_ID alone makes a one-company list.
    assert api.call("crm.contact.update", {"id": contact_id, "fields": {"COMPANY_ID": first}})
    assert get_contact(api, contact_id)["COMPANY_ID"] == str(first)
    assert api.call("crm.contact.update", {"id": contact_id, "fields": {"COMPANY_IDS": []}})
    assert get_contact(api, contact_id)["COMPANY_ID"] is None


def test_a_company_that_does_not_exist_is_refused(api: Api) -> None:
    # POLICY: COMPANY_ID and COMPANY_IDS must name existing companies, on add and on update.
    kept = add_company(api, "Kept")
    gone = add_company(api, "Gone")
    assert api.call("crm.company.delete", {"id": gone}) is True
    contact_id = add_contact(api, COMPANY_ID=kept)
    for fields, description in (
        ({"COMPANY_ID": gone}, f"The field Company (COMPANY_ID) has an unknown value '{gone}'."),
        ({"COMPANY_ID": 999}, "The field Company (COMPANY_ID) has an unknown value '999'."),
        (
            {"COMPANY_IDS": [kept, 999]},
            "The field COMPANY_IDS (COMPANY_IDS) has an unknown value '999'.",
        ),
    ):
        refused(
            api, "crm.contact.add", {"fields": {"NAME": "x", **fields}}, core_error(description)
        )
        refused(
            api, "crm.contact.update", {"id": contact_id, "fields": fields}, core_error(description)
        )
    assert get_contact(api, contact_id)["COMPANY_ID"] == str(kept)


def test_a_lead_id_is_not_a_company_id(api: Api) -> None:
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Lead"}})
    description = f"The field Company (COMPANY_ID) has an unknown value '{lead_id}'."
    refused(
        api,
        "crm.contact.add",
        {"fields": {"NAME": "x", "COMPANY_ID": lead_id}},
        core_error(description),
    )


def test_deleting_a_company_unlinks_it_from_its_contacts(api: Api) -> None:
    # POLICY: the binding goes with the company; the next bound company becomes the primary.
    first, second = add_company(api, "First"), add_company(api, "Second")
    only = add_contact(api, COMPANY_ID=first)
    both = add_contact(api, COMPANY_IDS=[first, second])
    assert api.call("crm.company.delete", {"id": first}) is True
    assert get_contact(api, only)["COMPANY_ID"] is None
    assert get_contact(api, both)["COMPANY_ID"] == str(second)


# -- crm.contact.list ---------------------------------------------------------------------------

SPECIAL = [{"VALUE": "special-for@example.com", "VALUE_TYPE": "WORK"}]


def test_the_list_example_filters_orders_and_selects(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = freeze(monkeypatch)
    six, _ = api.new_webhook(scopes=["crm"], name="Six")
    seven, _ = api.new_webhook(scopes=["crm"], name="Seven")
    base = {"SOURCE_ID": "WEBFORM", "EXPORT": "Y", "EMAIL": SPECIAL, "ASSIGNED_BY_ID": 1}

    def seed(name: str | None, last_name: str, **extra: Any) -> int:
        return add_contact(api, **{**base, "NAME": name, "LAST_NAME": last_name, **extra})

    ivan = seed("Ivan", "Ilyin")
    igor = seed("Igor", "Ilyin", ASSIGNED_BY_ID=six)
    inna = seed("Inna", "Isaeva")
    seed("Artem", "Isaev")  # the first name does not start with I
    seed("Ivan", "Petrov")  # nor does the last name
    seed(None, "Ivy")  # no first name
    seed("Ilya", "Ivanov", SOURCE_ID="CALL")
    seed("Irina", "Ignatova", EXPORT="N")
    seed("Ian", "Irwin", EMAIL=[{"VALUE": "other@example.com"}])
    seed("Ida", "Ingram", ASSIGNED_BY_ID=seven)
    clock.now = MOMENT - timedelta(days=200)
    seed("Iris", "Isles")  # created more than six months ago
    clock.now = MOMENT
    six_months_ago = (MOMENT - timedelta(days=183)).isoformat()

    def example(filter_extra: dict[str, Any]) -> dict[str, Any]:
        # POLICY: the example filters SOURCE_ID "CRM_FORM" (the CRM form source is WEBFORM here)
        # and "IMPORT" where its text says "they participate in export".
        return {
            "FILTER": {
                "SOURCE_ID": "WEBFORM",
                "!=NAME": "",
                "!=LAST_NAME": "",
                "=%NAME": "I%",
                "=%LAST_NAME": "I%",
                "EMAIL": "special-for@example.com",
                "@ASSIGNED_BY_ID": [1, six],
                ">=DATE_CREATE": six_months_ago,
                **filter_extra,
            },
            "ORDER": {"LAST_NAME": "ASC", "NAME": "ASC"},
            "SELECT": [
                "ID",
                "NAME",
                "LAST_NAME",
                "EMAIL",
                "EXPORT",
                "ASSIGNED_BY_ID",
                "DATE_CREATE",
            ],
        }

    body = answered(api.post("crm.contact.list", example({"EXPORT": "Y"})), "total")
    assert body["total"] == 3
    # POLICY: the text's "first name or last name starts with I" is an AND of the two filters
    # (the example's answer cannot come from its request; the logic key is not supported).
    assert [int(c["ID"]) for c in body["result"]] == [igor, ivan, inna]
    for contact in body["result"]:
        keys = {"ID", "NAME", "LAST_NAME", "EMAIL", "EXPORT", "ASSIGNED_BY_ID", "DATE_CREATE"}
        assert set(contact) == keys
        assert (contact["EXPORT"], contact["DATE_CREATE"]) == ("Y", MOMENT_TEXT)
        assert contact["EMAIL"] == [
            {
                "ID": contact["EMAIL"][0]["ID"],
                "VALUE_TYPE": "WORK",
                "VALUE": "special-for@example.com",
                "TYPE_ID": "EMAIL",
            }
        ]
    assert body["result"][0]["ASSIGNED_BY_ID"] == str(six)
    # POLICY: verbatim, the example's "IMPORT" is no contact field: the lead list engine's answer.
    status, error = api.error("crm.contact.list", example({"IMPORT": "Y"}))
    assert (status, error) == (
        400,
        {"error": "", "error_description": "Filter field 'IMPORT' is not supported."},
    )


def test_filters_select_and_order_follow_the_lead_list_grammar(api: Api) -> None:
    anna = add_contact(api, NAME="Anna", TYPE_ID="PARTNER", PHONE=[{"VALUE": "+49 30 111"}])
    joanna = add_contact(api, NAME="Joanna", TYPE_ID="CLIENT")
    boris = add_contact(api, NAME="Boris", TYPE_ID="PARTNER", PHONE=[{"VALUE": "555"}])
    for flt, expected in (
        ({"%NAME": "anna"}, [anna, joanna]),
        ({">ID": anna}, [joanna, boris]),
        ({"TYPE_ID": "PARTNER"}, [anna, boris]),
        ({"@TYPE_ID": ["CLIENT", "SUPPLIER"]}, [joanna]),
        ({"!TYPE_ID": "PARTNER"}, [joanna]),
        # POLICY: LIKE on a directory field acts as equality (the pages: it "does not work").
        ({"%TYPE_ID": "PART"}, []),
        ({"%TYPE_ID": "PARTNER"}, [anna, boris]),
        # Multifields match exactly, any of the contact's values.
        ({"PHONE": "555"}, [boris]),
        ({"PHONE": "55"}, []),
    ):
        assert list_ids(api, "crm.contact.list", {"filter": flt}) == expected, flt
    assert list_ids(api, "crm.contact.list", {"order": {"ID": "DESC"}}) == [boris, joanna, anna]
    assert list_ids(api, "crm.contact.list", {"order": {"NAME": "asc"}}) == [anna, boris, joanna]
    selected = api.call(
        "crm.contact.list", {"select": ["ID", "NAME", "PHONE"], "filter": {"ID": anna}}
    )
    (item,) = selected
    assert (item["ID"], item["NAME"]) == (str(anna), "Anna")
    assert item["PHONE"] == [
        {
            "ID": item["PHONE"][0]["ID"],
            "VALUE_TYPE": "WORK",
            "VALUE": "+49 30 111",
            "TYPE_ID": "PHONE",
        }
    ]
    # ID is always returned; the default select is '*' + 'UF_*', without multifields.
    (named,) = api.call("crm.contact.list", {"select": ["NAME"], "filter": {"ID": joanna}})
    assert named == {"ID": str(joanna), "NAME": "Joanna"}
    full = get_contact(api, anna)
    (default,) = api.call("crm.contact.list", {"filter": {"ID": anna}})
    assert default == {k: v for k, v in full.items() if k not in MULTIFIELDS}
    (star,) = api.call("crm.contact.list", {"select": ["*"], "filter": {"ID": anna}})
    assert star == default
