"""The bare /bench/* endpoints: absent by default, there with LEADCRM_BENCH_ENDPOINTS."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson
import pytest
from sqlalchemy import event, text
from starlette.testclient import TestClient

from bench import scenarios
from bench.customfields import CODE_FIELD, STAGE_FIELD, SeededFields, Values, filled
from bench.run import _fill
from bench.seed import CONTACTS, PRODUCTS, seed, seeded_product
from leadcrm.app import create_app
from leadcrm.crm.leads.tables import leads
from leadcrm.crm.userfields.storage import index_name
from leadcrm.runtime import Runtime
from leadcrm.settings import Settings
from tests.support import Api


def test_setting_is_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEADCRM_BENCH_ENDPOINTS", raising=False)
    assert Settings().bench_endpoints is False
    monkeypatch.setenv("LEADCRM_BENCH_ENDPOINTS", "1")
    assert Settings().bench_endpoints is True


def test_bare_endpoints_are_not_mounted_by_default(client: TestClient) -> None:
    assert client.get("/bench/read?id=1").status_code == 404
    assert client.post("/bench/insert", json={}).status_code == 404
    assert client.get("/bench/list").status_code == 404
    assert client.get("/bench/list-custom").status_code == 404


class TestEnabled:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {"bench_endpoints": True}

    def test_read_answers_the_lead_row(self, api: Api, client: TestClient) -> None:
        lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Read me", "OPPORTUNITY": 12}})
        body = client.get(f"/bench/read?id={lead_id}").json()
        assert body["result"]["id"] == lead_id
        assert body["result"]["title"] == "Read me"
        assert body["result"]["opportunity"] == "12.00"
        assert client.get("/bench/read?id=999999").status_code == 404

    def test_insert_writes_rows_a_lead_get_can_read(self, api: Api, client: TestClient) -> None:
        one = client.post("/bench/insert", json={"title": "Bare"}).json()["result"]
        assert api.call("crm.lead.get", {"id": one})["TITLE"] == "Bare"
        many = client.post("/bench/insert?count=3", content=b"").json()["result"]
        assert len(many) == 3
        assert min(many) > one

    def test_list_selects_a_page_newest_first(self, api: Api, client: TestClient) -> None:
        ids = [
            api.call("crm.lead.add", {"fields": {"STATUS_ID": "IN_PROCESS", "OPPORTUNITY": n}})
            for n in (10, 500, 900)
        ]
        api.call("crm.lead.add", {"fields": {"STATUS_ID": "NEW", "OPPORTUNITY": 900}})
        body = client.get("/bench/list?status=IN_PROCESS&min=100&count=1").json()
        assert body["total"] == 2
        assert {row["id"] for row in body["result"]} == set(ids[1:])
        later = client.get("/bench/list?status=IN_PROCESS&min=100&start=1").json()
        assert len(later["result"]) == 1
        assert "total" not in later


class TestCustomFields:
    """The bench's custom fields (bench/customfields.py) and the bare endpoints beside the
    custom-field scenarios: the same stored values and the same statements as leadcrm's."""

    LEADS = 120

    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {"bench_endpoints": True}

    @pytest.fixture
    def seeded(self, api: Api, runtime: Runtime) -> SeededFields:
        report = seed(runtime.engine, self.LEADS)
        assert report.custom is not None
        return report.custom

    def test_seeding_defines_twenty_indexed_fields(
        self, api: Api, runtime: Runtime, seeded: SeededFields
    ) -> None:
        assert seeded.count == 20
        listed = api.call("crm.lead.userfield.list", {"filter": {"LANG": "en"}})
        assert {f["FIELD_NAME"] for f in listed} == set(seeded.ids)
        single = [f for f in listed if f["MULTIPLE"] == "N"]
        indexes = _index_names(runtime)
        for definition in single:
            assert index_name(leads, int(definition["ID"])) in indexes
        assert seeded.stage_matches > 0
        assert seeded.values > self.LEADS * 5

    def test_seeded_leads_read_back_through_the_api(self, api: Api, seeded: SeededFields) -> None:
        lead = api.call("crm.lead.get", {"id": 2})
        assert lead["UF_CRM_BENCH_CONSENT"] in (True, False)
        found = api.call(
            "crm.lead.list",
            {"filter": {STAGE_FIELD: seeded.stage_item}, "select": ["ID", STAGE_FIELD]},
        )
        assert found
        assert {row[STAGE_FIELD] for row in found} == {str(seeded.stage_item)}

    def test_bare_insert_stores_what_the_add_stores(
        self, api: Api, client: TestClient, seeded: SeededFields
    ) -> None:
        values = Values(seeded)
        wire = filled(values.wire(), n=77, lead_id=5)
        assert len(wire) == 20
        added = api.call("crm.lead.add", {"fields": {"TITLE": "Rest", **wire}})
        bare = client.post(
            "/bench/insert",
            json={"title": "Bare", "uf": filled(values.wire_as_stored(), n=77, lead_id=5)},
        ).json()["result"]
        ours = client.get(f"/bench/read?id={added}").json()["result"]["uf"]
        theirs = client.get(f"/bench/read?id={bare}").json()["result"]["uf"]
        assert ours == theirs
        assert api.call("crm.lead.get", {"id": bare})["UF_CRM_BENCH_RELATED"] == "L_5"

    @pytest.mark.parametrize(
        ("field", "order"), [(STAGE_FIELD, "DESC"), (CODE_FIELD, "ASC")], ids=["enum", "string"]
    )
    def test_list_custom_runs_the_statements_of_the_list(
        self,
        api: Api,
        client: TestClient,
        runtime: Runtime,
        seeded: SeededFields,
        field: str,
        order: str,
    ) -> None:
        value: int | str = seeded.stage_item if field == STAGE_FIELD else "CMP-2026-007"
        params = {"filter": {field: value}, "order": {"ID": order}}
        with _statements(runtime) as ours:
            body = api.post("crm.lead.list", params).json()
        query = urlencode({"field": field, "value": value, "order": order})
        with _statements(runtime) as theirs:
            bare = client.get(f"/bench/list-custom?{query}").json()
        assert [row["id"] for row in bare["result"]] == [int(r["ID"]) for r in body["result"]]
        assert bare.get("total") == body.get("total")
        lead_statements = [s for s in ours if "FROM crm_lead" in s]
        assert lead_statements == [s for s in theirs if "FROM crm_lead" in s]
        assert lead_statements

    def test_list_custom_pages_and_counts(
        self, client: TestClient, runtime: Runtime, seeded: SeededFields
    ) -> None:
        query = f"field={STAGE_FIELD}&value={seeded.stage_item}&order=DESC"
        first = client.get(f"/bench/list-custom?{query}").json()
        assert first["total"] == seeded.stage_matches
        ids = [row["id"] for row in first["result"]]
        assert ids == sorted(ids, reverse=True)
        later = client.get(f"/bench/list-custom?{query}&start=-1").json()
        assert "total" not in later
        assert [row["id"] for row in later["result"]] == ids


class TestContacts:
    """Issue 7's scenarios: the seeded contacts, and the bare endpoints beside
    crm.contact.add and crm.lead.contact.items.set (leadcrm/benchmarks/clients.py)."""

    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {"bench_endpoints": True}

    @pytest.fixture
    def client(self, runtime: Runtime) -> Iterator[TestClient]:
        app = create_app(runtime)
        with TestClient(app, raise_server_exceptions=False) as test_client:
            yield test_client

    def test_routes_are_mounted_only_with_the_setting(
        self, client: TestClient, tmp_path: Path
    ) -> None:
        assert client.post("/bench/contact-insert", json={}).status_code == 200
        url = f"sqlite:///{tmp_path / 'off.db'}"
        off = Runtime.from_settings(Settings(database_url=url, var_dir=tmp_path))
        try:
            paths = {getattr(r, "path", "") for r in create_app(off).routes}
        finally:
            off.engine.dispose()
        assert not {"/bench/contact-insert", "/bench/lead-contacts-set"} & paths

    def test_seeding_writes_the_contacts_and_moves_their_ids_on(
        self, api: Api, runtime: Runtime
    ) -> None:
        report = seed(runtime.engine, 30, custom_fields=0)
        assert report.contacts == CONTACTS
        contact = api.call("crm.contact.get", {"id": CONTACTS})
        assert contact["PHONE"] and contact["EMAIL"] and contact["HAS_PHONE"] == "Y"
        assert api.call("crm.contact.add", {"fields": {"NAME": "Next"}}) == CONTACTS + 1

    def test_bare_contact_insert_stores_what_the_add_stores(
        self, api: Api, client: TestClient
    ) -> None:
        fields = filled(scenarios.CONTACT_FIELDS)
        ours = api.call("crm.contact.get", {"id": api.call("crm.contact.add", {"fields": fields})})
        bare_id = client.post("/bench/contact-insert", json=scenarios.BARE_CONTACT).json()["result"]
        theirs = api.call("crm.contact.get", {"id": bare_id})
        differ = {"ID", "DATE_CREATE", "DATE_MODIFY", "LAST_ACTIVITY_TIME", "PHONE", "EMAIL"}
        differ |= {"HAS_PHONE", "HAS_EMAIL"}
        assert {k: v for k, v in ours.items() if k not in differ} == {
            k: v for k, v in theirs.items() if k not in differ
        }
        assert theirs["HAS_PHONE"] == "N"

    def test_bare_set_binds_what_items_set_binds(self, api: Api, client: TestClient) -> None:
        contact_ids = [api.call("crm.contact.add", {"fields": {"NAME": f"C{i}"}}) for i in range(4)]
        lead_ids = [api.call("crm.lead.add", {"fields": {"TITLE": f"L{i}"}}) for i in range(2)]
        items = [
            {"CONTACT_ID": c, "SORT": (n + 1) * 10, "IS_PRIMARY": "Y" if n == 0 else "N"}
            for n, c in enumerate(contact_ids[1:])
        ]
        for lead_id in lead_ids:  # something bound before, replaced
            api.call(
                "crm.lead.contact.add", {"id": lead_id, "fields": {"CONTACT_ID": contact_ids[0]}}
            )
        assert api.call("crm.lead.contact.items.set", {"id": lead_ids[0], "items": items})
        answer = client.post(
            "/bench/lead-contacts-set", json={"id": lead_ids[1], "contacts": contact_ids[1:]}
        )
        assert answer.json() == {"result": True}
        ours, theirs = (
            api.call("crm.lead.contact.items.get", {"id": lead_id}) for lead_id in lead_ids
        )
        assert ours == theirs
        assert len(theirs) == 3
        for lead_id in lead_ids:
            assert api.call("crm.lead.get", {"id": lead_id})["CONTACT_ID"] == str(contact_ids[1])
        missing = client.post("/bench/lead-contacts-set", json={"id": 999999, "contacts": [1]})
        assert missing.status_code == 404

    def test_a_set_request_names_ten_distinct_seeded_contacts(self) -> None:
        pair = next(p for p in scenarios.pairs("/rest/1/x/", 32) if p.key == "lead-contacts-set")
        for request in (pair.leadcrm, pair.bare):
            body = orjson.loads(_fill(request.body, 7))
            assert body["id"] == 7
            raw = body.get("items") or body["contacts"]
            ids = [i["CONTACT_ID"] if isinstance(i, dict) else i for i in raw]
            assert len(set(ids)) == scenarios.LEAD_CONTACTS
            assert all(isinstance(i, int) and 1 <= i <= CONTACTS for i in ids)


class TestProductRows:
    """Issue 8's scenario: the seeded products, and the bare endpoint beside
    crm.lead.productrows.set (leadcrm/benchmarks/productrows.py)."""

    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {"bench_endpoints": True}

    @pytest.fixture
    def client(self, runtime: Runtime) -> Iterator[TestClient]:
        app = create_app(runtime)
        with TestClient(app, raise_server_exceptions=False) as test_client:
            yield test_client

    def test_seeding_writes_the_products_and_moves_their_ids_on(
        self, api: Api, runtime: Runtime
    ) -> None:
        report = seed(runtime.engine, 30, custom_fields=0)
        assert report.products == PRODUCTS
        product = api.call("crm.product.get", {"id": PRODUCTS})
        expected = seeded_product(PRODUCTS)
        assert product["NAME"] == expected.name
        assert product["MEASURE"] == str(expected.measure)
        assert product["XML_ID"] == str(PRODUCTS)
        assert api.call("crm.product.add", {"fields": {"NAME": "Next"}}) == PRODUCTS + 1

    def test_bare_set_stores_what_productrows_set_stores(
        self, api: Api, client: TestClient, runtime: Runtime
    ) -> None:
        seed(runtime.engine, 30, custom_fields=0)
        pair = next(p for p in scenarios.pairs("/rest/1/x/", 32) if p.key == "lead-productrows-set")
        for lead_id in (3, 4):  # rows there before, replaced
            api.call(
                "crm.lead.productrows.set",
                {"id": lead_id, "rows": [{"PRODUCT_ID": 2, "PRICE": 5, "QUANTITY": 7}]},
            )
        body = _fill(pair.bare.body.replace("{n}", "3010004242"), 4)
        ours = orjson.loads(_fill(pair.leadcrm.body.replace("{n}", "3010004242"), 3))
        assert ours["id"] == 3
        assert api.call("crm.lead.productrows.set", ours) is True
        answer = client.post("/bench/lead-productrows-set", content=body)
        assert answer.json() == {"result": True}
        mine, theirs = (api.call("crm.lead.productrows.get", {"id": lead_id}) for lead_id in (3, 4))
        assert len(mine) == len(theirs) == scenarios.PRODUCT_ROWS
        differ = {"ID", "OWNER_ID"}
        assert [{k: v for k, v in r.items() if k not in differ} for r in mine] == [
            {k: v for k, v in r.items() if k not in differ} for r in theirs
        ]
        assert mine[0]["PRICE"] == 301000.4242
        amounts = {api.call("crm.lead.get", {"id": i})["OPPORTUNITY"] for i in (3, 4)}
        assert len(amounts) == 1
        missing = client.post("/bench/lead-productrows-set", json={"id": 999999, "rows": []})
        assert missing.status_code == 404

    def test_a_set_request_names_twenty_seeded_products_and_changes_a_price(self) -> None:
        pair = next(p for p in scenarios.pairs("/rest/1/x/", 32) if p.key == "lead-productrows-set")
        first, second = (orjson.loads(_fill(pair.leadcrm.body, 7)) for _ in range(2))
        assert first["id"] == 7
        assert len(first["rows"]) == scenarios.PRODUCT_ROWS
        assert all(1 <= r["PRODUCT_ID"] <= PRODUCTS for r in first["rows"])
        assert first["rows"][0]["PRICE"] != second["rows"][0]["PRICE"]
        assert first["rows"][1:] == second["rows"][1:]


def _index_names(runtime: Runtime) -> set[str]:
    """The lead table's indexes, expression indexes too (which reflection skips)."""
    if runtime.engine.dialect.name == "sqlite":
        statement = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"
    else:
        statement = "SELECT indexname FROM pg_indexes WHERE tablename = :t"
    with runtime.engine.connect() as conn:
        return {str(name) for name in conn.execute(text(statement), {"t": leads.name}).scalars()}


@contextmanager
def _statements(runtime: Runtime) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(runtime.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(runtime.engine, "before_cursor_execute", record)
