"""The official Python SDK (b24pysdk), unchanged, against ``leadcrm serve`` over TLS.

The SDK builds ``https://{domain}/rest/{user_id}/{code}/{method}.json`` and POSTs JSON through
``requests``. Its only knobs used here are ordinary ones: the portal domain (``localhost:PORT``)
and the trust store ``requests`` reads from ``REQUESTS_CA_BUNDLE``.
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from b24pysdk import BitrixWebhook, Client
from b24pysdk.errors import (
    BitrixAPIBadRequest,
    BitrixAPIError,
    BitrixAPIInsufficientScope,
    BitrixAPINotFound,
)

from tests.e2e.serving import Server, Tls, webhook_parts

LEADS_ON_SEVERAL_PAGES = 120


@pytest.fixture(scope="module")
def trust_test_ca(tls: Tls) -> Iterator[None]:
    """``requests`` (under the SDK) trusts the test CA; loopback bypasses any proxy."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REQUESTS_CA_BUNDLE", str(tls.ca_path))
        no_proxy = ",".join(filter(None, [os.environ.get("NO_PROXY"), "localhost,127.0.0.1"]))
        patch.setenv("NO_PROXY", no_proxy)
        patch.setenv("no_proxy", no_proxy)
        yield


def webhook_client(server: Server, url: str) -> Any:
    user_id, code = webhook_parts(url)
    token = BitrixWebhook(domain=server.domain, webhook_token=f"{user_id}/{code}")
    return Client(token)


@pytest.fixture
def client(server: Server, trust_test_ca: None) -> Any:
    """An SDK client on the administrator's webhook."""
    return webhook_client(server, server.admin_webhook)


# --- basic methods ------------------------------------------------------------------------------


def test_user_current(client: Any) -> None:
    request = client.user.current()
    assert request.result["ID"] == "1"
    assert request.result["ACTIVE"] is True
    assert request.time.duration >= 0
    user = request.value  # the SDK's own user object, its fields parsed from the answer
    assert user.bitrix_id == 1
    assert user.active is True
    assert isinstance(user.date_register, datetime)


def test_server_time(client: Any) -> None:
    moment = client.server.time().value
    assert isinstance(moment, datetime)
    assert moment.tzinfo is not None
    assert abs(moment - datetime.now(UTC)) < timedelta(minutes=5)


def test_scope(client: Any) -> None:
    assert {"basic", "crm", "user"} <= set(client.scope().result)
    assert {"basic", "crm", "user"} <= set(client.scope(full=True).result)


def test_batch(client: Any) -> None:
    batch = client.call_batch(
        {"me": client.user.current(), "now": client.server.time(), "scopes": client.scope()}
    ).result
    assert batch.result["me"]["ID"] == "1"
    assert isinstance(batch.result["now"], str)
    assert "crm" in batch.result["scopes"]
    assert not batch.result_error
    assert set(batch.result_time) == {"me", "now", "scopes"}


def test_batch_with_a_failing_command(client: Any) -> None:
    raw = client.get_token().call_batch(
        {"ok": ("server.time", {}), "bad": ("no.such.method", {"x": 1})}
    )
    assert isinstance(raw["result"]["result"]["ok"], str)
    assert raw["result"]["result_error"]["bad"]["error"] == "ERROR_METHOD_NOT_FOUND"


def test_unknown_method_raises_the_sdk_error(client: Any) -> None:
    with pytest.raises(BitrixAPINotFound) as raised:
        client.get_token().call_method("no.such.method")
    assert isinstance(raised.value, BitrixAPIError)
    assert raised.value.error == "ERROR_METHOD_NOT_FOUND"
    assert raised.value.status_code == 404


def test_wrong_code_and_missing_scope(server: Server, trust_test_ca: None) -> None:
    stranger = webhook_client(server, f"{server.base_url}/rest/1/{'x' * 24}/")
    with pytest.raises(BitrixAPIError) as raised:
        stranger.server.time().call()
    assert raised.value.error == "NO_AUTH_FOUND"
    assert raised.value.status_code == 401

    lines = server.cli("webhook", "create", "--user", "1", "--scope", "user").stdout
    narrow = webhook_client(server, lines.strip().splitlines()[-1])
    assert narrow.user.current().result["ID"] == "1"
    with pytest.raises(BitrixAPIInsufficientScope) as denied:
        narrow.get_token().call_method("crm.settings.mode.get")
    assert denied.value.error == "insufficient_scope"


# --- leads (crm.lead.*) -----------------------------------------------------------------------


def lead_fields(tag: str, number: int = 0) -> dict[str, Any]:
    return {
        "TITLE": f"E2E lead {number}",
        "NAME": tag,
        "LAST_NAME": f"Number {number}",
        "OPPORTUNITY": 12500,
        "PHONE": [{"VALUE": f"+1555010{number:04d}", "VALUE_TYPE": "WORK"}],
        "EMAIL": [{"VALUE": f"lead{number}@e2e.test", "VALUE_TYPE": "HOME"}],
    }


def test_lead_fields_parse_into_the_sdk_schema(client: Any) -> None:
    fields = client.crm.lead.fields().value
    assert (fields["ID"].type, fields["ID"].is_read_only) == ("integer", True)
    assert (fields["TITLE"].type, fields["TITLE"].is_read_only) == ("string", False)
    assert (fields["PHONE"].type, fields["PHONE"].is_multiple) == ("crm_multifield", True)
    assert fields["STATUS_ID"].status_type == "STATUS"


def test_lead_add_get_update_delete(client: Any) -> None:
    tag = f"sdk-{uuid.uuid4().hex[:8]}"
    lead_id = client.crm.lead.add(lead_fields(tag, 7)).result
    assert isinstance(lead_id, int)
    assert lead_id > 0

    lead = client.crm.lead.get(lead_id).result
    assert lead["ID"] == str(lead_id)
    assert lead["TITLE"] == "E2E lead 7"
    assert lead["NAME"] == tag
    assert lead["OPPORTUNITY"] == "12500.00"
    assert lead["HAS_PHONE"] == "Y"
    assert lead["HAS_EMAIL"] == "Y"
    assert lead["ASSIGNED_BY_ID"] == "1"
    (phone,) = lead["PHONE"]
    assert phone.keys() >= {"ID", "VALUE_TYPE", "VALUE", "TYPE_ID"}
    assert phone["ID"].isdigit()
    assert (phone["VALUE_TYPE"], phone["VALUE"], phone["TYPE_ID"]) == (
        "WORK",
        "+15550100007",
        "PHONE",
    )
    (email,) = lead["EMAIL"]
    assert (email["VALUE_TYPE"], email["VALUE"], email["TYPE_ID"]) == (
        "HOME",
        "lead7@e2e.test",
        "EMAIL",
    )

    assert (
        client.crm.lead.update(lead_id, {"TITLE": "Renamed", "OPPORTUNITY": "99.5"}).result is True
    )
    updated = client.crm.lead.get(lead_id).result
    assert (updated["TITLE"], updated["OPPORTUNITY"], updated["NAME"]) == ("Renamed", "99.50", tag)
    assert [p["VALUE"] for p in updated["PHONE"]] == ["+15550100007"]

    assert client.crm.lead.delete(lead_id).result is True
    with pytest.raises(BitrixAPIBadRequest) as raised:
        client.crm.lead.get(lead_id).call()
    assert raised.value.error_description == "Not found"
    assert raised.value.status_code == 400


def test_lead_batch_of_adds(client: Any) -> None:
    tag = f"sdk-{uuid.uuid4().hex[:8]}"
    adds = {f"lead{n}": client.crm.lead.add(lead_fields(tag, n)) for n in range(5)}
    batch = client.call_batch(adds).result
    assert not batch.result_error
    ids = [batch.result[f"lead{n}"] for n in range(5)]
    assert all(isinstance(i, int) for i in ids)
    assert len(set(ids)) == 5
    fetched = client.call_batch([client.crm.lead.get(i) for i in ids]).result.result
    assert [lead["ID"] for lead in fetched] == [str(i) for i in ids]
    assert [lead["PHONE"][0]["VALUE"] for lead in fetched] == [f"+1555010{n:04d}" for n in range(5)]


def test_lead_list_over_several_pages(client: Any) -> None:
    tag = f"sdk-{uuid.uuid4().hex[:8]}"
    adds = [client.crm.lead.add(lead_fields(tag, n)) for n in range(LEADS_ON_SEVERAL_PAGES)]
    added = client.call_batches(adds).result  # three physical batches of at most 50
    assert not added.result_error
    values = added.result.values() if isinstance(added.result, dict) else added.result
    ids = sorted(values)
    assert len(set(ids)) == LEADS_ON_SEVERAL_PAGES

    query = {"filter": {"NAME": tag}, "select": ["ID", "TITLE"], "order": {"ID": "ASC"}}
    page = client.crm.lead.list(**query).response
    assert len(page.result) == 50
    assert page.total == LEADS_ON_SEVERAL_PAGES
    assert page.next == 50
    assert set(page.result[0]) == {"ID", "TITLE"}
    last = client.crm.lead.list(**query, start=100).response
    assert (len(last.result), last.total, last.next) == (20, LEADS_ON_SEVERAL_PAGES, None)

    # The SDK's paging helpers: start offsets through batches, then the moving ID window.
    listed = client.crm.lead.list(**query).as_list().result
    assert [int(lead["ID"]) for lead in listed] == ids

    fast = client.crm.lead.list(filter={"NAME": tag}, select=["ID"]).as_list_fast().result
    assert [int(lead["ID"]) for lead in fast] == ids
    backwards = client.crm.lead.list(filter={"NAME": tag}, select=["ID"]).as_list_fast(
        descending=True
    )
    assert [int(lead["ID"]) for lead in backwards.result] == ids[::-1]


# --- custom fields --------------------------------------------------------------------------


def test_custom_field_definitions_through_the_sdk(client: Any) -> None:
    types = client.crm.userfield.types().result
    assert [t["ID"] for t in types][:3] == ["string", "integer", "double"]
    fields = client.crm.userfield.fields().result
    assert fields["FIELD_NAME"] == {"type": "string", "title": "Code", "isImmutable": True}
    assert client.crm.userfield.settings.fields("double").result["PRECISION"]["type"] == "int"

    code = f"SDK_{uuid.uuid4().hex[:8].upper()}"
    field_id = client.crm.lead.userfield.add(
        {
            "FIELD_NAME": code,
            "USER_TYPE_ID": "enumeration",
            "LABEL": "Priority",
            "LIST": [{"VALUE": "Low", "XML_ID": "LOW"}, {"VALUE": "High", "XML_ID": "HIGH"}],
        }
    ).result
    assert isinstance(field_id, int)
    got = client.crm.lead.userfield.get(field_id).result
    assert got["FIELD_NAME"] == f"UF_CRM_{code}"
    assert got["EDIT_FORM_LABEL"]["en"] == "Priority"
    low, high = got["LIST"]

    # The SDK sends the items beside `fields`; the items not named stay.
    assert client.crm.lead.userfield.update(
        field_id, {"SORT": 300}, list=[{"ID": low["ID"], "DEL": "Y"}, {"VALUE": "Urgent"}]
    ).result
    listed = client.crm.lead.userfield.list(filter={"LANG": "en", "ID": field_id}).result
    (only,) = listed
    assert only["SORT"] == "300"
    assert only["EDIT_FORM_LABEL"] == "Priority"
    assert [item["VALUE"] for item in only["LIST"]] == ["High", "Urgent"]

    lead_id = client.crm.lead.add({"TITLE": "SDK custom", f"UF_CRM_{code}": high["ID"]}).result
    assert client.crm.lead.get(lead_id).result[f"UF_CRM_{code}"] == high["ID"]
    found = client.crm.lead.list(
        filter={f"UF_CRM_{code}": high["ID"]}, select=["ID", f"UF_CRM_{code}"]
    ).result
    assert [lead["ID"] for lead in found] == [str(lead_id)]
    described = client.crm.lead.fields().result[f"UF_CRM_{code}"]
    assert described["isDynamic"] is True
    assert [item["VALUE"] for item in described["items"]] == ["High", "Urgent"]

    assert client.crm.lead.userfield.delete(field_id).result is True
    with pytest.raises(BitrixAPIError) as raised:
        client.crm.lead.userfield.get(field_id).call()
    assert raised.value.error == "ERROR_NOT_FOUND"
    assert f"UF_CRM_{code}" not in client.crm.lead.get(lead_id).result


def test_a_file_value_uploads_and_downloads(client: Any) -> None:
    code = f"SDK_FILE_{uuid.uuid4().hex[:6].upper()}"
    client.crm.lead.userfield.add(
        {"FIELD_NAME": code, "USER_TYPE_ID": "file", "MULTIPLE": "Y", "LABEL": "Files"}
    ).call()
    content = b"%PDF-1.4 leadcrm e2e\n" * 10
    encoded = base64.b64encode(content).decode()
    lead_id = client.crm.lead.add(
        {
            "TITLE": "With files",
            f"UF_CRM_{code}": [
                {"fileData": ["report.pdf", encoded]},
                {"fileData": ["b.txt", "YQ=="]},
            ],
        }
    ).result
    first, second = client.crm.lead.get(lead_id).result[f"UF_CRM_{code}"]
    downloaded = requests.get(first["downloadUrl"], timeout=10)
    assert downloaded.status_code == 200
    assert downloaded.content == content
    assert requests.get(second["downloadUrl"], timeout=10).content == b"a"


# --- lead card layouts (crm.lead.details.configuration.*) ------------------------------------


def test_lead_card_layout_set_and_get_through_the_sdk(client: Any) -> None:
    configuration = client.crm.lead.details.configuration
    data = [
        {
            "name": "main",
            "title": "About the Lead",
            "type": "section",
            "elements": [{"name": "TITLE"}, {"name": "PHONE", "optionFlags": 1}],
        },
        {
            "name": "additional",
            "title": "Additional",
            "type": "section",
            "elements": [{"name": "COMMENTS", "options": {"rows": 3}}],
        },
    ]
    expected = [
        {
            "name": "main",
            "title": "About the Lead",
            "type": "section",
            "elements": [
                {"name": "TITLE", "optionFlags": "0"},
                {"name": "PHONE", "optionFlags": "1"},
            ],
        },
        {
            "name": "additional",
            "title": "Additional",
            "type": "section",
            "elements": [{"name": "COMMENTS", "optionFlags": "0", "options": {"rows": 3}}],
        },
    ]
    # The server is shared by the session: start from no personal layout of user 1.
    assert configuration.reset(scope="P", extras={"leadCustomerType": 1}).result is True
    assert configuration.get().result is None

    assert configuration.set(data, scope="P", extras={"leadCustomerType": 1}).result is True
    assert configuration.get().result == expected
    assert configuration.get(scope="P", user_id=1, extras={"leadCustomerType": 1}).result == (
        expected
    )
    assert configuration.get(scope="P", extras={"leadCustomerType": 2}).result is None
    # The SDK's schemas parse the answer.
    main, additional = configuration.get().values
    assert (main.name, main.title, main.type) == ("main", "About the Lead", "section")
    assert [(e.name, e.option_flags) for e in main.elements] == [
        ("TITLE", False),
        ("PHONE", True),
    ]
    assert additional.elements[0].options == {"rows": 3}

    assert configuration.reset(scope="P", extras={"leadCustomerType": 1}).result is True
    assert configuration.get().result is None

    with pytest.raises(BitrixAPIBadRequest) as raised:
        configuration.set([], scope="P").call()
    assert raised.value.error_description == "There are no data to write."
    assert raised.value.status_code == 400


# --- a lead's client --------------------------------------------------------------------------


def test_contacts_companies_and_a_leads_contacts_through_the_sdk(client: Any) -> None:
    tag = f"sdk-{uuid.uuid4().hex[:8]}"
    company_id = client.crm.company.add({"TITLE": f"{tag} Ltd", "INDUSTRY": "IT"}).result
    contact_ids = [
        client.crm.contact.add(
            {
                "NAME": f"{tag} {n}",
                "LAST_NAME": "Client",
                "COMPANY_ID": company_id,
                "PHONE": [{"VALUE": f"+1555020{n:04d}", "VALUE_TYPE": "WORK"}],
            }
        ).result
        for n in range(3)
    ]
    contact = client.crm.contact.get(contact_ids[0]).result
    assert (contact["NAME"], contact["COMPANY_ID"], contact["HAS_PHONE"]) == (
        f"{tag} 0",
        str(company_id),
        "Y",
    )
    assert contact["TYPE_ID"] == "CLIENT"  # the first contact type
    found = client.crm.contact.list(filter={"%NAME": tag}, select=["ID", "COMPANY_ID"]).result
    assert [c["ID"] for c in found] == [str(i) for i in contact_ids]

    lead_id = client.crm.lead.add({"TITLE": f"{tag} lead"}).result
    links = client.crm.lead.contact
    assert links.add(lead_id, {"CONTACT_ID": contact_ids[1]}).result is True
    assert links.add(lead_id, {"CONTACT_ID": contact_ids[2], "IS_PRIMARY": "Y"}).result is True
    assert client.crm.lead.get(lead_id).result["CONTACT_ID"] == str(contact_ids[2])
    items = [{"CONTACT_ID": i, "SORT": (n + 1) * 10} for n, i in enumerate(contact_ids)]
    assert links.items.set(lead_id, items).result is True
    bound = links.items.get(lead_id).result
    assert [(b["CONTACT_ID"], b["IS_PRIMARY"]) for b in bound] == [
        (contact_ids[0], "Y"),
        (contact_ids[1], "N"),
        (contact_ids[2], "N"),
    ]
    assert client.crm.lead.get(lead_id).result["IS_RETURN_CUSTOMER"] == "N"

    # Deleting the primary contact hands primacy on; deleting the company lets go of it.
    assert client.crm.contact.delete(contact_ids[0]).result is True
    assert client.crm.lead.get(lead_id).result["CONTACT_ID"] == str(contact_ids[1])
    assert client.crm.company.delete(company_id).result is True
    assert client.crm.contact.get(contact_ids[1]).result["COMPANY_ID"] is None
    # The SDK knows the NOT_FOUND code the binding pages document.
    with pytest.raises(BitrixAPINotFound) as raised:
        links.add(lead_id, {"CONTACT_ID": contact_ids[0]}).call()
    assert (raised.value.error, raised.value.error_description) == ("NOT_FOUND", "Not found.")
    assert links.items.delete(lead_id).result is True
    assert links.items.get(lead_id).result == []


# --- a lead's products --------------------------------------------------------------------------


def test_a_leads_product_rows_through_the_sdk(client: Any) -> None:
    tag = f"sdk-{uuid.uuid4().hex[:8]}"
    # The SDK has no crm.product.* wrapper; its token calls any method by name.
    fields = {"NAME": f"{tag} chair", "PRICE": 4900, "CURRENCY_ID": "USD", "MEASURE": 796}
    product_id = client.get_token().call_method("crm.product.add", {"fields": fields})["result"]
    lead_id = client.crm.lead.add({"TITLE": f"{tag} lead", "CURRENCY_ID": "USD"}).result
    rows = [
        {"PRODUCT_ID": product_id, "PRICE": 80000, "TAX_RATE": 20, "DISCOUNT_TYPE_ID": 2,
         "DISCOUNT_RATE": 20, "QUANTITY": 2},
        {"PRODUCT_NAME": "Delivery", "PRICE": 150.5},
    ]  # fmt: skip
    assert client.crm.lead.productrows.set(lead_id, rows).result is True
    first, second = client.crm.lead.productrows.get(lead_id).result
    assert (first["PRODUCT_NAME"], first["MEASURE_NAME"], first["PRICE_EXCLUSIVE"]) == (
        f"{tag} chair",
        "pcs",
        66666.67,
    )
    assert (first["PRICE_NETTO"], first["PRICE_BRUTTO"], first["DISCOUNT_SUM"]) == (
        83333.34,
        100000.01,
        16666.67,
    )
    assert (second["PRODUCT_ID"], second["PRODUCT_NAME"]) == (0, "Delivery")
    assert client.crm.lead.get(lead_id).result["OPPORTUNITY"] == "160150.50"

    item = client.crm.item.productrow
    added = item.add({"ownerType": "L", "ownerId": lead_id, "productName": "Setup", "price": 99})
    row_id = added.result["productRow"]["id"]
    assert item.get(row_id).result["productRow"]["price"] == 99
    listed = item.list(filter={"=ownerType": "L", "=ownerId": lead_id}).result
    assert [r["productName"] for r in listed["productRows"]][-1] == "Setup"
    assert item.delete(row_id).result is None
    assert client.crm.lead.get(lead_id).result["OPPORTUNITY"] == "160150.50"
