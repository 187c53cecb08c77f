"""The bare /bench/* endpoints: absent by default, there with LEADCRM_BENCH_ENDPOINTS."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

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
