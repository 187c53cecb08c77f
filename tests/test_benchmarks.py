"""The bare /bench/* endpoints: absent by default, there with LEADCRM_BENCH_ENDPOINTS."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import event, text
from starlette.testclient import TestClient

from bench.customfields import CODE_FIELD, STAGE_FIELD, SeededFields, Values, filled
from bench.seed import seed
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
