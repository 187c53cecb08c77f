"""The envelope: result and time, total and next on lists, errors, PHP's empty arrays."""

from __future__ import annotations

import logging
import re
import time
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import pytest
from sqlalchemy import insert

from leadcrm.rest import transport
from leadcrm.rest.envelope import Timer, success_body, to_json, to_xml
from leadcrm.users.service import utcnow
from leadcrm.users.tables import users
from tests.support import Api

ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
TIME_KEYS = [
    "start",
    "finish",
    "duration",
    "processing",
    "date_start",
    "date_finish",
    "operating_reset_at",
    "operating",
]
INTERNAL = {"error": "INTERNAL_SERVER_ERROR", "error_description": "Internal server error"}


def add_users(api: Api, count: int) -> None:
    with api.runtime.engine.begin() as conn:
        conn.execute(
            insert(users),
            [{"name": f"U{i:03}", "active": True, "date_register": utcnow()} for i in range(count)],
        )


def check_time_block(block: dict[str, Any], zone: ZoneInfo, *, operating: bool = True) -> None:
    assert list(block) == (TIME_KEYS if operating else TIME_KEYS[:6])
    for key in ("start", "finish", "duration", "processing"):
        assert type(block[key]) is float, key
    assert block["start"] <= block["finish"] <= time.time()
    assert block["duration"] == pytest.approx(block["finish"] - block["start"], abs=1e-6)
    assert 0 <= block["processing"] <= block["duration"]
    for key, moment in (("date_start", block["start"]), ("date_finish", block["finish"])):
        assert ISO_WITH_OFFSET.match(block[key]), block[key]
        expected = datetime.fromtimestamp(int(moment), zone).isoformat(timespec="seconds")
        assert block[key] == expected
    if operating:
        assert type(block["operating_reset_at"]) is int
        assert block["operating_reset_at"] > block["start"]
        assert isinstance(block["operating"], float)
        assert block["operating"] >= 0


def test_a_success_is_result_then_time_as_json(api: Api) -> None:
    response = api.post("server.time")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    body = response.json()
    assert list(body) == ["result", "time"]
    check_time_block(body["time"], ZoneInfo("UTC"))
    assert body["time"]["date_start"].endswith("+00:00")


@pytest.mark.parametrize("settings_overrides", [{"timezone": "Europe/Berlin"}])
def test_time_block_dates_carry_the_portal_offset(api: Api) -> None:
    body = api.post("profile").json()
    zone = ZoneInfo("Europe/Berlin")
    check_time_block(body["time"], zone)
    assert body["time"]["date_start"][-6:] in ("+01:00", "+02:00")


def test_operating_adds_up_per_method_and_credential(api: Api) -> None:
    first = api.post("user.current").json()["time"]
    second = api.post("user.current").json()["time"]
    other = api.post("server.time").json()["time"]
    assert second["operating"] >= first["operating"] + second["processing"] - 1e-9
    assert second["operating"] > first["operating"]
    assert other["operating"] == pytest.approx(other["processing"])


def test_a_list_has_total_and_no_next_on_its_last_page(api: Api) -> None:
    body = api.post("user.get").json()
    assert list(body) == ["result", "total", "time"]
    assert body["total"] == 1
    assert type(body["total"]) is int


def test_a_list_with_more_pages_has_next_then_total(api: Api) -> None:
    add_users(api, 55)
    body = api.post("user.get").json()
    assert list(body) == ["result", "next", "total", "time"]
    assert (body["next"], body["total"], len(body["result"])) == (50, 56, 50)
    assert type(body["next"]) is int
    body = api.post("user.get", {"start": 50}).json()
    assert list(body) == ["result", "total", "time"]
    assert (body["total"], len(body["result"])) == (56, 6)


def test_errors_are_error_and_description_only(api: Api) -> None:
    response = api.post("no.such.method")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert list(response.json()) == ["error", "error_description"]
    assert response.content == (
        b'{"error":"ERROR_METHOD_NOT_FOUND","error_description":"Method not found!"}'
    )


@pytest.mark.usefixtures("test_methods")
def test_empty_maps_are_written_as_php_writes_them(api: Api) -> None:
    for kind, json_result in (
        ("empty_map", b"[]"),
        ("nested_empty", b'{"a":[],"b":[[],{"c":[]}],"text":"{}","n":0}'),
        ("empty_list", b"[]"),
        ("none", b"null"),
        ("int_keys", b'{"5":"five","7":{"x":"y"}}'),
    ):
        response = api.post("test.value", {"kind": kind})
        assert response.status_code == 200, kind
        assert response.content.startswith(b'{"result":' + json_result + b',"time":{'), kind


def test_to_json_leaves_braces_inside_strings_alone() -> None:
    tricky = {"a": '{}"{}\\', "b": {"{}": {}}, "c": ["\\\\{}", {}], "d": "\u00e9{}"}
    data = to_json(tricky)
    assert data == (b'{"a":"{}\\"{}\\\\","b":{"{}":[]},"c":["\\\\\\\\{}",[]],"d":"\xc3\xa9{}"}')
    assert orjson.loads(data) == {"a": '{}"{}\\', "b": {"{}": []}, "c": ["\\\\{}", []], "d": "é{}"}


def test_xml_mirrors_the_json_envelope() -> None:
    body = success_body(
        {"get_user": {"ID": "1", "ACTIVE": True, "UF_DEPARTMENT": [1], "X": None}, "7": "a&b"},
        {"start": 1.5},
        total=3,
        next_start=50,
    )
    root = ET.fromstring(to_xml(body))
    assert root.tag == "response"
    assert [c.tag for c in root] == ["result", "next", "total", "time"]
    assert root.findtext("result/get_user/ID") == "1"
    assert root.findtext("result/get_user/ACTIVE") == "true"
    assert [i.text for i in root.findall("result/get_user/UF_DEPARTMENT/item")] == ["1"]
    assert root.find("result/get_user/X") is not None
    assert root.findtext("result/item7") == "a&b"
    assert (root.findtext("next"), root.findtext("total"), root.findtext("time/start")) == (
        "50",
        "3",
        "1.5",
    )


def test_timer_block_without_operating_has_the_six_documented_keys() -> None:
    timer = Timer.begin()
    check_time_block(timer.block(ZoneInfo("Asia/Tokyo")), ZoneInfo("Asia/Tokyo"), operating=False)


@pytest.mark.usefixtures("test_methods")
def test_an_unexpected_failure_is_a_bare_500_in_the_requested_format(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="leadcrm"):
        response = api.client.post(api.prefix + "test.write", json={"fail": "crash"})
        xml = api.client.post(api.prefix + "test.write.xml", json={"fail": "crash"})
    assert (response.status_code, response.json()) == (500, INTERNAL)
    assert xml.status_code == 500
    root = ET.fromstring(xml.content)
    assert [c.tag for c in root] == ["error", "error_description"]
    assert root.findtext("error") == "INTERNAL_SERVER_ERROR"
    for secret in (b"boom", b"SELECT", b"/srv/", b"Traceback", b"RuntimeError"):
        assert secret not in response.content + xml.content
    code = api.prefix.rstrip("/").rsplit("/", 1)[1]
    server = [r for r in caplog.records if r.name.startswith("leadcrm")]
    logged = "\n".join(logging.Formatter().format(r) for r in server)
    assert "boom" in logged  # the operator sees what happened ...
    assert code not in logged  # ... but never the credential
    assert api.call("server.time")  # and the server keeps serving


def test_a_failure_outside_the_method_is_a_bare_500_too(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise OSError("database at /var/lib/secret unreachable")

    with monkeypatch.context() as patch:
        patch.setattr(transport, "webhook_principal", broken)
        response = api.client.post(api.prefix + "user.current", json={})
        xml = api.client.post(api.prefix + "user.current.xml", json={})
    assert (response.status_code, response.json()) == (500, INTERNAL)
    assert xml.status_code == 500
    assert ET.fromstring(xml.content).findtext("error") == "INTERNAL_SERVER_ERROR"
    assert b"secret" not in response.content + xml.content
    assert api.call("user.current")["ID"] == "1"
