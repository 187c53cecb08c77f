"""crm.product.*: the documented examples replayed, defaults, values, refusals, lists.

Pages: api-reference/crm/outdated/products/crm-product-{fields,add,get,update,delete,list}.md.
They show requests only: no answer, no error text, no status. The field table of the fields
page gives names, types and titles (its descriptions), NAME alone marked required; the PHP
examples of get and list give the key order. Where the pages are silent the conventions of the
lead and company pages apply (docs/compatibility.md); every such reading is marked ``# POLICY:``
and listed in /tmp/issue8-products-notes.md.

Out of scope, absent from every answer and ignored when sent: PROPERTY_* properties, the
pictures (PREVIEW_PICTURE, DETAIL_PICTURE: files), CODE (not in the field table), catalog.*,
crm.productsection.*.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from leadcrm.users.service import create_user
from tests.crm.entities.support import (
    BAD_IDS,
    FIELDS_NOT_A_MAP,
    ID_INVALID,
    ISO_WITH_OFFSET,
    LATER_TEXT,
    MOMENT_TEXT,
    NOT_FOUND,
    UNKNOWN_IDS,
    answered,
    assert_described,
    changed,
    core_error,
    database_rows,
    freeze,
    list_ids,
    php_query,
    refused,
)
from tests.support import Api

# POLICY: no text on any product page; the sibling pattern "Company is not found" of the
# company's update and delete pages, while get answers "Not found" as every CRM get does.
PRODUCT_MISSING = {"error": "", "error_description": "Product is not found"}
# POLICY: NAME is the one field the fields page marks required; the company's wording.
NAME_REQUIRED = 'The field "Name" (NAME) is required.'
# POLICY: add, update and delete are for "administrator, user with the 'Allow to modify
# settings' access permission"; leadcrm has no CRM settings permission, so administrators.
DENIED = {"error": "", "error_description": "Access denied."}


# -- crm.product.fields -------------------------------------------------------------------------

# The field table of crm-product-fields.md, in the order of the get example (PHP), without the
# pictures. (name, type, flags, title): Q required, R read-only. Titles are the descriptions.
PRODUCT_FIELDS: list[tuple[str, str, str, str]] = [
    # POLICY: the page marks nothing read-only; the id and the four values the server keeps
    # (who and when) are, as the lead's and company's are.
    ("ID", "integer", "R", "Product identifier"),
    ("CATALOG_ID", "integer", "", "Catalog identifier"),
    ("PRICE", "double", "", "Price"),
    # As documented: a string, not crm_currency.
    ("CURRENCY_ID", "string", "", "Currency identifier"),
    ("NAME", "string", "Q", "Name"),
    ("DESCRIPTION", "string", "", "Description"),
    ("DESCRIPTION_TYPE", "string", "", "Description type"),
    ("ACTIVE", "char", "", "Active"),
    ("SECTION_ID", "integer", "", "Section identifier"),
    ("SORT", "integer", "", "Sort order"),
    ("VAT_ID", "integer", "", "VAT rate identifier"),
    ("VAT_INCLUDED", "char", "", "VAT included in price"),
    ("MEASURE", "integer", "", "Unit of measure"),
    ("XML_ID", "string", "", "External code"),
    ("DATE_CREATE", "datetime", "R", "Product creation date"),
    ("TIMESTAMP_X", "datetime", "R", "Product modification date"),
    # As documented: integers, not the user type.
    ("MODIFIED_BY", "integer", "R", "Modified by"),
    ("CREATED_BY", "integer", "R", "Created by"),
]
GET_KEYS = [name for name, *_ in PRODUCT_FIELDS]
READ_ONLY = {name for name, _, flags, _ in PRODUCT_FIELDS if "R" in flags}
OUT_OF_SCOPE = ("CODE", "PREVIEW_PICTURE", "DETAIL_PICTURE")


def descriptor(type_: str, flags: str, title: str) -> dict[str, Any]:
    """A field's description in crm_rest_field_description's key order."""
    return {
        "type": type_,
        "isRequired": "Q" in flags,
        "isReadOnly": "R" in flags,
        "isImmutable": False,
        "isMultiple": False,
        "isDynamic": False,
        "title": title,
    }


DOCUMENTED = {name: descriptor(type_, flags, title) for name, type_, flags, title in PRODUCT_FIELDS}


def test_the_fields_example_answers_every_documented_field(api: Api) -> None:
    result = answered(api.post("crm.product.fields", {}))["result"]
    assert_described(result, DOCUMENTED)
    # POLICY: out of scope, so absent (see the module's docstring).
    assert not [name for name in result if name.startswith("PROPERTY_")]
    assert not set(OUT_OF_SCOPE) & set(result)


def test_the_key_flags_and_json_types_are_the_documented_ones(api: Api) -> None:
    fields = api.call("crm.product.fields")
    assert [name for name, d in fields.items() if d["isRequired"]] == ["NAME"]
    assert {name for name, d in fields.items() if d["isReadOnly"]} == READ_ONLY
    assert (fields["PRICE"]["type"], fields["ACTIVE"]["type"]) == ("double", "char")
    for name, described in fields.items():
        flags = [described[k] for k in ("isRequired", "isReadOnly", "isImmutable", "isMultiple")]
        assert all(type(flag) is bool for flag in [*flags, described["isDynamic"]]), name
        assert "upperName" not in described, name


def test_fields_ignores_parameters_and_answers_the_same_by_get(api: Api) -> None:
    expected = api.call("crm.product.fields")
    assert api.call("crm.product.fields", {"id": 5, "fields": "x"}) == expected
    query = api.get("crm.product.fields", "id=abc")
    assert (query.status_code, query.json()["result"]) == (200, expected)


# -- helpers ------------------------------------------------------------------------------------


def add_product(api: Api, name: str = "Product", **fields: Any) -> int:
    product_id = api.call("crm.product.add", {"fields": {"NAME": name, **fields}})
    assert type(product_id) is int and product_id > 0
    return product_id


def get_product(api: Api, product_id: int) -> dict[str, Any]:
    product: dict[str, Any] = api.call("crm.product.get", {"id": product_id})
    return product


def blank(product_id: int, name: str = "Product") -> dict[str, Any]:
    """A product added with only a name at MOMENT by the administrator, as get answers it."""
    return {
        "ID": str(product_id),
        # POLICY: one catalogue, 1, unless CATALOG_ID is sent (stored as given).
        "CATALOG_ID": "1",
        # POLICY: an amount as the lead's OPPORTUNITY: two decimals; no price is 0.
        "PRICE": "0.00",
        # POLICY: the base currency, as for a lead or a company.
        "CURRENCY_ID": "USD",
        "NAME": name,
        "DESCRIPTION": None,
        # POLICY: Bitrix24's (information block) defaults: plain text, sort 500.
        "DESCRIPTION_TYPE": "text",
        # POLICY: a new product is active.
        "ACTIVE": "Y",
        "SECTION_ID": None,
        "SORT": "500",
        "VAT_ID": None,
        # POLICY: as a product row's TAX_INCLUDED, N.
        "VAT_INCLUDED": "N",
        "MEASURE": None,
        # POLICY: without an external code the product's id is its code, as Bitrix24 does.
        "XML_ID": str(product_id),
        "DATE_CREATE": MOMENT_TEXT,
        "TIMESTAMP_X": MOMENT_TEXT,
        "MODIFIED_BY": "1",
        "CREATED_BY": "1",
    }


def second_admin(api: Api) -> tuple[int, Api]:
    """Another administrator's webhook, whose changes are told apart from user 1's."""
    with api.runtime.engine.begin() as conn:
        user_id = create_user(conn, name="Second", is_admin=True, zone=api.runtime.zone)
    _, prefix = api.new_webhook(scopes=["crm"], user_id=user_id)
    return user_id, api.as_user(prefix)


def employee(api: Api) -> Api:
    """An ordinary user with the crm scope."""
    _, prefix = api.new_webhook(scopes=["crm"], name="Seller")
    return api.as_user(prefix)


# -- crm.product.add ----------------------------------------------------------------------------

# The body of the cURL, JS, BX24.js and CRest examples of crm-product-add.md.
DOC_ADD: dict[str, Any] = {
    "fields": {"NAME": "Plastic Chair", "CURRENCY_ID": "USD", "PRICE": 4900, "SORT": 500}
}
# The Go example: the same chair in euros.
GO_ADD: dict[str, Any] = {"fields": {**DOC_ADD["fields"], "CURRENCY_ID": "EUR"}}
# The PHP example, with fixed moments where it sends "now" (both are read-only).
PHP_ADD: dict[str, Any] = {
    "fields": {
        "NAME": "Sample Product",
        "PRICE": "100.00",
        "CURRENCY_ID": "USD",
        "ACTIVE": "Y",
        "DATE_CREATE": "2001-01-01T00:00:00+00:00",
        "TIMESTAMP_X": "2001-01-01T00:00:00+00:00",
        "CREATED_BY": 1,
        "MODIFIED_BY": 1,
        "CATALOG_ID": 1,
        "DESCRIPTION": "This is a sample product.",
        "VAT_ID": 1,
        "VAT_INCLUDED": "Y",
        "MEASURE": 1,
        "SECTION_ID": 1,
        "SORT": 100,
        "XML_ID": "sample_product_001",
    }
}


def test_the_add_example_answers_an_integer_id_and_the_time_block(api: Api) -> None:
    body = answered(api.post("crm.product.add", DOC_ADD))
    assert type(body["result"]) is int and body["result"] > 0


def test_the_add_example_stores_what_it_sent_and_get_renders_strings(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    product_id = api.call("crm.product.add", DOC_ADD)
    # The get example's request: {"id": "your_product_id"}, the id as a string.
    product = answered(api.post("crm.product.get", {"id": str(product_id)}))["result"]
    assert product == {**blank(product_id, "Plastic Chair"), "PRICE": "4900.00", "SORT": "500"}
    # POLICY: the keys in the order of the get example (PHP), without CODE and the pictures.
    assert list(product) == GET_KEYS


def test_the_go_example_adds_the_chair_in_euros(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch)
    product_id = api.call("crm.product.add", GO_ADD)
    assert get_product(api, product_id) == {
        **blank(product_id, "Plastic Chair"),
        "PRICE": "4900.00",
        "CURRENCY_ID": "EUR",
    }


def test_the_php_example_stores_every_writable_field_and_ignores_the_read_only_ones(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    product_id = api.call("crm.product.add", PHP_ADD)
    assert get_product(api, product_id) == {
        **blank(product_id, "Sample Product"),
        "PRICE": "100.00",
        "DESCRIPTION": "This is a sample product.",
        "SECTION_ID": "1",
        "SORT": "100",
        "VAT_ID": "1",
        "VAT_INCLUDED": "Y",
        "MEASURE": "1",
        "XML_ID": "sample_product_001",
    }


def test_a_product_with_only_a_name_takes_the_defaults(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    product_id = add_product(api, "Chair")
    assert get_product(api, product_id) == blank(product_id, "Chair")
    assert add_product(api, "Second") == product_id + 1


# Every writable field, and what crm.product.get answers for it.
FULL_FIELDS: dict[str, Any] = {
    "NAME": "Oak Table",
    "PRICE": "1234.5",
    "CURRENCY_ID": "EUR",
    # POLICY: stored as given; there is no catalogue, section, VAT rate or measure directory.
    "CATALOG_ID": "7",
    "SECTION_ID": 3,
    "VAT_ID": "2",
    "MEASURE": 5,
    "DESCRIPTION": "<b>Solid</b> oak\nSecond line",
    "DESCRIPTION_TYPE": "html",
    "ACTIVE": "N",
    "SORT": 10,
    "VAT_INCLUDED": "Y",
    "XML_ID": "oak-table",
}
FULL_PRODUCT: dict[str, Any] = {
    "NAME": "Oak Table",
    "PRICE": "1234.50",
    "CURRENCY_ID": "EUR",
    "CATALOG_ID": "7",
    "SECTION_ID": "3",
    "VAT_ID": "2",
    "MEASURE": "5",
    "DESCRIPTION": "<b>Solid</b> oak\nSecond line",
    "DESCRIPTION_TYPE": "html",
    "ACTIVE": "N",
    "SORT": "10",
    "VAT_INCLUDED": "Y",
    "XML_ID": "oak-table",
}


def test_every_writable_field_round_trips_as_a_string(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    product_id = api.call("crm.product.add", {"fields": FULL_FIELDS})
    assert get_product(api, product_id) == {**blank(product_id), **FULL_PRODUCT}


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        (4900, "4900.00"),
        ("100.00", "100.00"),
        (12.5, "12.50"),
        ("0.1", "0.10"),
        ("1234,5", "1234.50"),
        (0, "0.00"),
        ("", "0.00"),
        (None, "0.00"),
        (99999999.99, "99999999.99"),
    ],
)
def test_a_price_is_shown_with_two_decimals(api: Api, sent: Any, shown: str) -> None:
    # POLICY: PRICE is an amount (the lead's OPPORTUNITY): any number or numeric text in
    # (a decimal comma too), two decimals out; an empty price is 0.
    assert get_product(api, add_product(api, PRICE=sent))["PRICE"] == shown


def test_flags_and_integers_take_every_spelling(api: Api) -> None:
    for sent, shown in (("Y", "Y"), ("N", "N"), (True, "Y"), (False, "N"), ("1", "Y"), (0, "N")):
        product = get_product(api, add_product(api, ACTIVE=sent, VAT_INCLUDED=sent))
        assert (product["ACTIVE"], product["VAT_INCLUDED"]) == (shown, shown), sent
    for sent_number, shown_number in ((100, "100"), ("100", "100"), (" 7 ", "7"), (20.0, "20")):
        product = get_product(api, add_product(api, SORT=sent_number, MEASURE=sent_number))
        assert (product["SORT"], product["MEASURE"]) == (shown_number, shown_number), sent_number


def test_section_zero_means_no_section(api: Api) -> None:
    # POLICY: SECTION_ID is stored as given; 0 (the catalogue's root) or empty is no section.
    for sent in (0, "0", "", None):
        assert get_product(api, add_product(api, SECTION_ID=sent))["SECTION_ID"] is None, sent


def test_read_only_unknown_and_out_of_scope_fields_are_ignored(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    ignored: dict[str, Any] = {
        "ID": 999,
        "DATE_CREATE": "2001-01-01T00:00:00+00:00",
        "TIMESTAMP_X": "2001-01-01T00:00:00+00:00",
        "CREATED_BY": 5,
        "MODIFIED_BY": 5,
        "CODE": "my-code",
        "PREVIEW_PICTURE": {"fileData": ["1.png", "aGVsbG8="]},
        "DETAIL_PICTURE": {"fileData": ["2.png", "aGVsbG8="]},
        "PROPERTY_186": [{"valueId": 0, "value": "x"}],
        "NO_SUCH_FIELD": "x",
    }
    product_id = add_product(api, "Chair", **ignored)
    assert product_id != 999
    assert get_product(api, product_id) == blank(product_id, "Chair")


def test_fields_may_arrive_as_a_php_form_body(api: Api) -> None:
    query = php_query({"fields": {"NAME": "Plastic Chair", "PRICE": "4900", "SORT": 500}})
    response = api.client.post(
        api.prefix + "crm.product.add",
        content=query,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    product_id = answered(response)["result"]
    product = get_product(api, product_id)
    shown = (product["NAME"], product["PRICE"], product["SORT"])
    assert shown == ("Plastic Chair", "4900.00", "500")


# -- refusals on add ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [None, {}, [], {"NAME": ""}, {"NAME": "   "}, {"NAME": None}, {"PRICE": 4900}],
)
def test_a_product_without_a_name_is_refused(api: Api, fields: Any) -> None:
    # ``None``: no fields parameter at all; ``[]``: PHP's empty array, an empty map.
    params = {} if fields is None else {"fields": fields}
    refused(api, "crm.product.add", params, core_error(NAME_REQUIRED))


@pytest.mark.parametrize("fields", ["text", 5, ["NAME"], False])
def test_fields_that_are_not_a_map_are_refused(api: Api, fields: Any) -> None:
    refused(api, "crm.product.add", {"fields": fields}, FIELDS_NOT_A_MAP)


INVALID_VALUES: list[tuple[dict[str, Any], str]] = [
    ({"PRICE": "a lot"}, "The field Price (PRICE) is invalid: a number is expected."),
    ({"PRICE": [1]}, "The field Price (PRICE) is invalid: a number is expected."),
    # POLICY: a price may not be negative.
    ({"PRICE": -1}, "The field Price (PRICE) is invalid: a non-negative number is expected."),
    ({"PRICE": "-0.01"}, "The field Price (PRICE) is invalid: a non-negative number is expected."),
    # POLICY: a currency must be one of crm.currency.list, exactly.
    (
        {"CURRENCY_ID": "XYZ"},
        "The field Currency identifier (CURRENCY_ID) has an unknown value 'XYZ'.",
    ),
    (
        {"CURRENCY_ID": "usd"},
        "The field Currency identifier (CURRENCY_ID) has an unknown value 'usd'.",
    ),
    ({"ACTIVE": "maybe"}, "The field Active (ACTIVE) is invalid: Y or N is expected."),
    (
        {"VAT_INCLUDED": "yes"},
        "The field VAT included in price (VAT_INCLUDED) is invalid: Y or N is expected.",
    ),
    ({"SORT": "first"}, "The field Sort order (SORT) is invalid: an integer is expected."),
    (
        {"SECTION_ID": "root"},
        "The field Section identifier (SECTION_ID) is invalid: an integer is expected.",
    ),
    ({"VAT_ID": 1.5}, "The field VAT rate identifier (VAT_ID) is invalid: an integer is expected."),
    ({"MEASURE": "pcs"}, "The field Unit of measure (MEASURE) is invalid: an integer is expected."),
    (
        {"CATALOG_ID": "main"},
        "The field Catalog identifier (CATALOG_ID) is invalid: an integer is expected.",
    ),
    ({"NAME": ["Chair"]}, "The field Name (NAME) is invalid: a string is expected."),
    # POLICY: a description is plain text or HTML, as in Bitrix24.
    (
        {"DESCRIPTION_TYPE": "xml"},
        "The field Description type (DESCRIPTION_TYPE) is invalid: text or html is expected.",
    ),
]


@pytest.mark.parametrize(("fields", "description"), INVALID_VALUES)
def test_a_value_that_does_not_fit_is_refused_on_add(
    api: Api, fields: dict[str, Any], description: str
) -> None:
    sent = {"NAME": "Chair", "CURRENCY_ID": "USD", **fields}
    refused(api, "crm.product.add", {"fields": sent}, core_error(description))


# -- crm.product.get ----------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["id", "ID", "Id"])
def test_the_id_may_be_a_number_or_a_string_in_any_case(api: Api, spelling: str) -> None:
    product_id = add_product(api, "Chair")
    expected = get_product(api, product_id)
    for value in (product_id, str(product_id)):
        assert api.call("crm.product.get", {spelling: value}) == expected
    query = api.get("crm.product.get", f"id={product_id}")
    assert (query.status_code, query.json()["result"]) == (200, expected)


def test_get_refuses_a_bad_or_missing_id_and_an_unknown_product(api: Api) -> None:
    add_product(api, "Chair")
    for bad in BAD_IDS:
        refused(api, "crm.product.get", {"id": bad}, ID_INVALID)
    refused(api, "crm.product.get", {}, ID_INVALID)
    for unknown in UNKNOWN_IDS:
        refused(api, "crm.product.get", {"id": unknown}, NOT_FOUND)


def test_dates_carry_the_portal_offset(api: Api) -> None:
    product = get_product(api, add_product(api))
    assert ISO_WITH_OFFSET.match(product["DATE_CREATE"])
    assert product["TIMESTAMP_X"] == product["DATE_CREATE"]


# -- crm.product.update -------------------------------------------------------------------------


def test_the_update_example_sets_the_price_with_its_currency(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = freeze(monkeypatch)
    product_id = api.call("crm.product.add", DOC_ADD)
    before = get_product(api, product_id)
    clock.advance(minutes=10)
    # Example 1 of crm-product-update.md: the id as a string.
    body = {"id": str(product_id), "fields": {"CURRENCY_ID": "EUR", "PRICE": 5000}}
    assert answered(api.post("crm.product.update", body))["result"] is True
    assert changed(before, get_product(api, product_id)) == {
        "CURRENCY_ID": "EUR",
        "PRICE": "5000.00",
        "TIMESTAMP_X": LATER_TEXT,
    }


def test_a_price_without_its_currency_is_not_set(api: Api) -> None:
    # POLICY: "It is mandatory to specify CURRENCY_ID to set the price": a PRICE alone is
    # ignored (no error), the other fields of the call are set. A CURRENCY_ID alone changes
    # the currency and keeps the amount (nothing is converted).
    product_id = add_product(api, "Chair", PRICE=4900, CURRENCY_ID="USD")
    update = {"id": product_id, "fields": {"PRICE": 5000, "NAME": "Renamed"}}
    assert api.call("crm.product.update", update) is True
    product = get_product(api, product_id)
    assert (product["NAME"], product["PRICE"], product["CURRENCY_ID"]) == (
        "Renamed",
        "4900.00",
        "USD",
    )
    update = {"id": product_id, "fields": {"CURRENCY_ID": "EUR"}}
    assert api.call("crm.product.update", update) is True
    product = get_product(api, product_id)
    assert (product["PRICE"], product["CURRENCY_ID"]) == ("4900.00", "EUR")


def test_the_property_example_changes_nothing_in_scope(api: Api) -> None:
    # Example 2 of crm-product-update.md sets a file property: POLICY: properties are out of
    # scope and ignored, the call answers true.
    product_id = add_product(api, "Chair", PRICE=4900)
    before = get_product(api, product_id)
    fields = {
        "PROPERTY_186": [
            {"valueId": 0, "fileData": ["1.jpg", "/9j/4AAQSkZJRgABAQEAYABgAAD/2wBDAAIBAQIBAQ=="]},
            {"valueId": 124, "value": {"remove": "Y"}},
        ]
    }
    assert api.call("crm.product.update", {"id": product_id, "fields": fields}) is True
    after = get_product(api, product_id)
    assert {k: v for k, v in changed(before, after).items() if k != "TIMESTAMP_X"} == {}


def test_every_writable_field_may_be_updated_and_the_author_is_kept_apart(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = freeze(monkeypatch)
    product_id = add_product(api)
    user_id, other = second_admin(api)
    clock.advance(minutes=10)
    assert other.call("crm.product.update", {"ID": product_id, "FIELDS": FULL_FIELDS}) is True
    # POLICY: an update moves TIMESTAMP_X and MODIFIED_BY, never DATE_CREATE or CREATED_BY.
    assert get_product(api, product_id) == {
        **blank(product_id),
        **FULL_PRODUCT,
        "TIMESTAMP_X": LATER_TEXT,
        "MODIFIED_BY": str(user_id),
    }


def test_an_update_ignores_read_only_and_unknown_fields(api: Api) -> None:
    product_id = add_product(api, "Chair")
    before = get_product(api, product_id)
    sent = {
        "ID": 999,
        "DATE_CREATE": "2001-01-01T00:00:00+00:00",
        "CREATED_BY": 5,
        "CODE": "x",
        "NO_SUCH_FIELD": "x",
    }
    assert api.call("crm.product.update", {"id": product_id, "fields": sent}) is True
    after = get_product(api, product_id)
    assert {k: v for k, v in changed(before, after).items() if k != "TIMESTAMP_X"} == {}
    refused(api, "crm.product.get", {"id": 999}, NOT_FOUND)


def test_an_update_may_not_empty_the_name(api: Api) -> None:
    product_id = add_product(api, "Kept")
    for name in ("", "  ", None):
        params = {"id": product_id, "fields": {"NAME": name}}
        refused(api, "crm.product.update", params, core_error(NAME_REQUIRED))
    assert get_product(api, product_id)["NAME"] == "Kept"


@pytest.mark.parametrize(("fields", "description"), INVALID_VALUES)
def test_a_value_that_does_not_fit_is_refused_on_update(
    api: Api, fields: dict[str, Any], description: str
) -> None:
    product_id = add_product(api, "Kept", PRICE=10)
    # The currency goes with every price (see test_a_price_without_its_currency_is_not_set).
    sent = {"NAME": "Changed", "CURRENCY_ID": "USD", **fields}
    refused(api, "crm.product.update", {"id": product_id, "fields": sent}, core_error(description))
    assert get_product(api, product_id)["NAME"] == "Kept"


def test_update_refuses_bad_ids_unknown_products_and_fields_that_are_not_a_map(api: Api) -> None:
    product_id = add_product(api, "Kept")
    for bad in BAD_IDS:
        refused(api, "crm.product.update", {"id": bad, "fields": {"NAME": "x"}}, ID_INVALID)
    refused(api, "crm.product.update", {"fields": {"NAME": "x"}}, ID_INVALID)
    refused(api, "crm.product.update", {}, ID_INVALID)
    for unknown in UNKNOWN_IDS:
        params = {"id": unknown, "fields": {"NAME": "x"}}
        refused(api, "crm.product.update", params, PRODUCT_MISSING)
    for fields in ("text", 5, ["NAME"], False):
        params = {"id": product_id, "fields": fields}
        refused(api, "crm.product.update", params, FIELDS_NOT_A_MAP)
    assert get_product(api, product_id)["NAME"] == "Kept"


# -- crm.product.delete -------------------------------------------------------------------------


def test_the_delete_example_answers_true_and_the_product_is_gone(api: Api) -> None:
    kept = add_product(api, "Table")
    product_id = add_product(api, "Chair")
    # The example of crm-product-delete.md: the id as a string.
    response = api.post("crm.product.delete", {"id": str(product_id)})
    assert answered(response)["result"] is True
    refused(api, "crm.product.get", {"id": product_id}, NOT_FOUND)
    refused(api, "crm.product.delete", {"id": product_id}, PRODUCT_MISSING)
    params = {"id": product_id, "fields": {"NAME": "x"}}
    refused(api, "crm.product.update", params, PRODUCT_MISSING)
    assert list_ids(api, "crm.product.list", {}) == [kept]
    # The last id is not given again.
    assert add_product(api, "Lamp") == product_id + 1


def test_delete_refuses_bad_ids_and_unknown_products(api: Api) -> None:
    product_id = add_product(api, "Kept")
    for bad in BAD_IDS:
        refused(api, "crm.product.delete", {"id": bad}, ID_INVALID)
    refused(api, "crm.product.delete", {}, ID_INVALID)
    for unknown in UNKNOWN_IDS:
        refused(api, "crm.product.delete", {"id": unknown}, PRODUCT_MISSING)
    assert get_product(api, product_id)["NAME"] == "Kept"


def test_a_product_that_lead_rows_name_may_be_deleted_and_the_rows_keep_it(api: Api) -> None:
    # POLICY: the pages are silent; deleting is allowed, and the rows keep the product's id
    # and the name they took from it when set ("the name will be taken from the product").
    product_id = add_product(api, "Plastic Chair", PRICE=4900, CURRENCY_ID="USD")
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Chairs"}})
    rows = [{"PRODUCT_ID": product_id, "PRICE": 4900, "QUANTITY": 2}]
    response = api.post("crm.lead.productrows.set", {"id": lead_id, "rows": rows})
    assert answered(response)["result"] is True
    (row,) = api.call("crm.lead.productrows.get", {"id": lead_id})
    assert (row["PRODUCT_ID"], row["PRODUCT_NAME"]) == (product_id, "Plastic Chair")
    # Renaming the product later leaves the row's name alone.
    assert api.call("crm.product.update", {"id": product_id, "fields": {"NAME": "Renamed"}})
    assert api.call("crm.product.delete", {"id": product_id}) is True
    refused(api, "crm.product.get", {"id": product_id}, NOT_FOUND)
    assert api.call("crm.lead.productrows.get", {"id": lead_id}) == [row]


# -- crm.product.list ---------------------------------------------------------------------------


def test_the_list_example_filters_orders_and_selects(api: Api) -> None:
    chair = add_product(api, "Plastic Chair", PRICE=4900, CURRENCY_ID="USD")
    add_product(api, "Rug", PRICE=50, CATALOG_ID=2)
    armchair = add_product(api, "Armchair", PRICE=12000, CURRENCY_ID="EUR")
    # The cURL body of crm-product-list.md, the catalogue id as a string.
    response = api.post(
        "crm.product.list",
        {
            "order": {"NAME": "ASC"},
            "filter": {"CATALOG_ID": "1"},
            "select": ["ID", "NAME", "CURRENCY_ID", "PRICE"],
        },
    )
    body = answered(response, "total")
    assert body["total"] == 2
    assert body["result"] == [
        {"ID": str(armchair), "NAME": "Armchair", "CURRENCY_ID": "EUR", "PRICE": "12000.00"},
        {"ID": str(chair), "NAME": "Plastic Chair", "CURRENCY_ID": "USD", "PRICE": "4900.00"},
    ]


def test_the_php_example_selects_every_field(api: Api) -> None:
    product_id = api.call("crm.product.add", PHP_ADD)
    # The select of the PHP example: CODE and the pictures are out of scope and skipped, as
    # any unknown name is.
    select = [
        "ID",
        "CATALOG_ID",
        "PRICE",
        "CURRENCY_ID",
        "NAME",
        "CODE",
        "DESCRIPTION",
        "DESCRIPTION_TYPE",
        "ACTIVE",
        "SECTION_ID",
        "SORT",
        "VAT_ID",
        "VAT_INCLUDED",
        "MEASURE",
        "XML_ID",
        "PREVIEW_PICTURE",
        "DETAIL_PICTURE",
        "DATE_CREATE",
        "TIMESTAMP_X",
        "MODIFIED_BY",
        "CREATED_BY",
    ]
    expected = get_product(api, product_id)
    params = {"order": [], "filter": [], "select": select, "start": 0}
    assert api.call("crm.product.list", params) == [expected]
    # No select is '*', every field; the BX24 note's '*' with PROPERTY_* selects no more.
    assert api.call("crm.product.list", {}) == [expected]
    assert api.call("crm.product.list", {"select": ["*", "PROPERTY_*"]}) == [expected]


@pytest.fixture
def shelf(api: Api) -> dict[str, int]:
    """Four products: a chair, an inactive table in euros, a stool and a lamp at no price."""
    return {
        "chair": add_product(api, "Plastic Chair", PRICE=4900, SORT=500),
        "table": add_product(
            api, "Oak table", PRICE=100, CURRENCY_ID="EUR", SECTION_ID=3, ACTIVE="N", SORT=100
        ),
        "stool": add_product(api, "Bar stool", PRICE=100.5, SECTION_ID=3, SORT=100, XML_ID="s-1"),
        "lamp": add_product(api, "Desk lamp"),
    }


def ids(shelf: dict[str, int], names: str) -> list[int]:
    return [shelf[name] for name in names.split()]


def test_filters_follow_the_lead_list_grammar(api: Api, shelf: dict[str, int]) -> None:
    chair, lamp = shelf["chair"], shelf["lamp"]
    for flt, expected in (
        ({"%NAME": "CHAIR"}, "chair"),
        ({"%NAME": "o"}, "table stool"),
        ({"=%NAME": "Oak%"}, "table"),
        ({"NAME": "Bar stool"}, "stool"),
        ({"ACTIVE": "N"}, "table"),
        ({"ACTIVE": "Y"}, "chair stool lamp"),
        ({">PRICE": 100}, "chair stool"),
        ({"<=PRICE": "100"}, "table lamp"),
        ({"CURRENCY_ID": "EUR"}, "table"),
        ({"!CURRENCY_ID": "EUR"}, "chair stool lamp"),
        ({"SECTION_ID": 3}, "table stool"),
        ({"SECTION_ID": ""}, "chair lamp"),
        ({"@ID": [chair, lamp]}, "chair lamp"),
        ({"!ID": chair}, "table stool lamp"),
        ({"XML_ID": "s-1"}, "stool"),
        ({"XML_ID": str(chair)}, "chair"),
        ({"CATALOG_ID": 1, "SORT": 100}, "table stool"),
        ({">=DATE_CREATE": "2000-01-01"}, "chair table stool lamp"),
    ):
        assert list_ids(api, "crm.product.list", {"filter": flt}) == ids(shelf, expected), flt


def test_order_and_select_follow_the_lead_list_grammar(api: Api, shelf: dict[str, int]) -> None:
    for order, expected in (
        ({}, "chair table stool lamp"),
        ({"ID": "DESC"}, "lamp stool table chair"),
        ({"PRICE": "DESC"}, "chair stool table lamp"),
        ({"NAME": "asc"}, "stool lamp table chair"),
        ({"SORT": "ASC"}, "table stool chair lamp"),
    ):
        assert list_ids(api, "crm.product.list", {"order": order}) == ids(shelf, expected), order
    stool = shelf["stool"]
    (named,) = api.call("crm.product.list", {"select": ["NAME"], "filter": {"ID": stool}})
    assert named == {"ID": str(stool), "NAME": "Bar stool"}
    (priced,) = api.call(
        "crm.product.list", {"SELECT": ["PRICE", "SECTION_ID"], "FILTER": {"ID": stool}}
    )
    assert priced == {"ID": str(stool), "PRICE": "100.50", "SECTION_ID": "3"}


def test_list_pages_by_fifty_with_next_and_total(api: Api) -> None:
    api.call("batch", {"cmd": {f"a{i}": f"crm.product.add?fields[NAME]=P{i}" for i in range(50)}})
    api.call("batch", {"cmd": {f"b{i}": "crm.product.add?fields[NAME]=More" for i in range(5)}})
    first = answered(api.post("crm.product.list", {"select": ["ID"]}), "next", "total")
    assert (len(first["result"]), first["next"], first["total"]) == (50, 50, 55)
    second = answered(api.post("crm.product.list", {"select": ["ID"], "start": 50}), "total")
    assert (len(second["result"]), second["total"]) == (5, 55)
    listed = [int(item["ID"]) for item in first["result"] + second["result"]]
    assert listed == sorted(set(listed)) and len(listed) == 55


def test_list_refuses_unknown_filter_and_sort_fields(api: Api) -> None:
    add_product(api, "Chair")
    for params, description in (
        ({"filter": {"NOPE": 1}}, "Filter field 'NOPE' is not supported."),
        ({"filter": {">CODE": "x"}}, "Filter field 'CODE' is not supported."),
        ({"order": {"NOPE": "ASC"}}, "Sort field 'NOPE' is not supported."),
        ({"order": {"NAME": "UP"}}, "Sort direction for 'NAME' must be ASC or DESC."),
        ({"filter": {">PRICE": "cheap"}}, "Invalid filter value for field 'PRICE': "),
        ({"start": "first"}, "Parameter 'start' must be an integer."),
    ):
        before = database_rows(api)
        status, body = api.error("crm.product.list", params)
        assert (status, body["error"]) == (400, ""), params
        assert body["error_description"].startswith(description), body
        assert database_rows(api) == before


# -- who may call -------------------------------------------------------------------------------


def test_any_crm_user_may_read_and_only_an_administrator_may_write(api: Api) -> None:
    product_id = add_product(api, "Chair")
    user = employee(api)
    assert user.call("crm.product.fields") == api.call("crm.product.fields")
    assert user.call("crm.product.get", {"id": product_id}) == get_product(api, product_id)
    assert list_ids(user, "crm.product.list", {}) == [product_id]
    refused(user, "crm.product.add", {"fields": {"NAME": "Mine"}}, DENIED)
    refused(user, "crm.product.update", {"id": product_id, "fields": {"NAME": "Mine"}}, DENIED)
    refused(user, "crm.product.delete", {"id": product_id}, DENIED)
    # Another administrator may.
    _, admin = second_admin(api)
    assert admin.call("crm.product.delete", {"id": product_id}) is True


def test_a_webhook_without_the_crm_scope_is_refused(api: Api) -> None:
    _, prefix = api.new_webhook(scopes=["user"])
    outsider = api.as_user(prefix)
    for method in ("crm.product.fields", "crm.product.list", "crm.product.add"):
        status, body = outsider.error(method, {"fields": {"NAME": "x"}})
        assert (status, body["error"]) == (403, "insufficient_scope"), method


def test_the_clock_is_frozen_for_products(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    # The service takes its clock from users.service.utcnow, as the other entities do, so the
    # tests above can pin DATE_CREATE and TIMESTAMP_X.
    freeze(monkeypatch, datetime(2025, 1, 10, 9, 0, 0))
    product = get_product(api, add_product(api))
    assert product["DATE_CREATE"] == product["TIMESTAMP_X"] == "2025-01-10T09:00:00+00:00"
