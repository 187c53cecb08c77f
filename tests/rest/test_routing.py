"""URL forms: /rest/{method}[.json|.xml] and /rest/{user_id}/{code}/{method}[.json|.xml]."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from starlette.testclient import TestClient

from leadcrm.rest.errors import RestError
from leadcrm.rest.routing import Route, parse_rest_path
from tests.rest.conftest import TokenSpy
from tests.support import Api

NOT_FOUND = {"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"}
NO_AUTH = {"error": "NO_AUTH_FOUND", "error_description": "Wrong authorization data"}


@pytest.mark.parametrize(
    ("path", "route"),
    [
        ("user.current", Route("user.current", "json")),
        ("user.current.json", Route("user.current", "json")),
        ("user.current.xml", Route("user.current", "xml")),
        ("user.current.JSON", Route("user.current", "json")),
        ("user.current.Xml", Route("user.current", "xml")),
        ("user.current/", Route("user.current", "json")),
        ("crm.lead.Add", Route("crm.lead.Add", "json")),
        ("1/abc_DEF-9/user.current", Route("user.current", "json", "1", "abc_DEF-9")),
        ("1/abc/user.current.json", Route("user.current", "json", "1", "abc")),
        ("17/abc/batch.xml", Route("batch", "xml", "17", "abc")),
        ("1/abc/profile.json/", Route("profile", "json", "1", "abc")),
    ],
)
def test_every_documented_url_form_is_parsed(path: str, route: Route) -> None:
    assert parse_rest_path(path) == route


@pytest.mark.parametrize(
    "path", ["", "/", ".json", ".xml", "1/abc", "1/abc/", "1/abc/.json", "a/b/c/d", "1/a/b/c.json"]
)
def test_paths_that_name_no_method_are_method_not_found(path: str) -> None:
    with pytest.raises(RestError) as caught:
        parse_rest_path(path)
    assert (caught.value.code, caught.value.status) == ("ERROR_METHOD_NOT_FOUND", 404)
    assert caught.value.description == "Method not found!"


def test_webhook_url_answers_json(api: Api) -> None:
    for suffix in ("", ".json", "/", ".json/"):
        response = api.client.post(api.prefix + "user.current" + suffix, json={})
        assert response.status_code == 200, suffix
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        assert response.json()["result"]["ID"] == "1", suffix


def test_webhook_url_with_xml_suffix_answers_the_documented_xml(api: Api) -> None:
    response = api.client.post(api.prefix + "user.current.xml", json={})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == "response"
    assert [child.tag for child in root] == ["result", "time"]
    assert root.findtext("result/ID") == "1"
    assert root.findtext("result/ACTIVE") == "true"
    assert root.findtext("result/NAME") == "Administrator"
    assert [i.text for i in root.findall("result/UF_DEPARTMENT/item")] == ["1"]
    assert float(root.findtext("time/duration") or "x") >= 0


def test_method_without_credentials_is_no_auth_found(client: TestClient) -> None:
    for suffix in ("", ".json"):
        response = client.post("/rest/user.current" + suffix, json={})
        assert (response.status_code, response.json()) == (401, NO_AUTH), suffix
    response = client.post("/rest/user.current.xml", json={})
    assert response.status_code == 401
    root = ET.fromstring(response.content)
    assert root.findtext("error") == "NO_AUTH_FOUND"
    assert root.findtext("error_description") == "Wrong authorization data"
    assert root.find("result") is None


def test_application_url_forms_take_the_token_in_auth(
    client: TestClient, app_token: TokenSpy
) -> None:
    for suffix in ("", ".json"):
        response = client.get(f"/rest/user.current{suffix}?auth={app_token.token}")
        assert (response.status_code, response.json()["result"]["ID"]) == (200, "1"), suffix
    response = client.get(f"/rest/user.current.xml?auth={app_token.token}")
    assert response.status_code == 200
    assert ET.fromstring(response.content).findtext("result/ID") == "1"
    assert app_token.seen == [app_token.token] * 3


def test_method_names_match_in_any_case(api: Api) -> None:
    for name in ("USER.CURRENT", "User.Current", "user.current"):
        assert api.call(name)["ID"] == "1"
    assert api.call("Method.Get", {"name": "USER.GET"}) == {
        "isExisting": True,
        "isAvailable": True,
    }


def test_an_unknown_method_is_404_with_valid_credentials(api: Api) -> None:
    assert api.error("crm.nothing.here") == (404, NOT_FOUND)
    response = api.client.get(api.prefix + "crm.nothing.here.xml")
    assert response.status_code == 404
    assert ET.fromstring(response.content).findtext("error") == "ERROR_METHOD_NOT_FOUND"


def test_a_webhook_path_without_a_method_is_not_found(api: Api) -> None:
    response = api.client.get(api.prefix)
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_credentials_are_checked_before_the_method_name(client: TestClient) -> None:
    """Policy: without valid credentials nothing about the method list is revealed."""
    response = client.post("/rest/crm.nothing.here", json={})
    assert (response.status_code, response.json()) == (401, NO_AUTH)
    response = client.post("/rest/1/not-a-code/crm.nothing.here", json={})
    assert (response.status_code, response.json()) == (401, NO_AUTH)


def test_no_url_form_redirects(api: Api, client: TestClient) -> None:
    for path in (
        api.prefix + "user.current",
        api.prefix + "user.current/",
        api.prefix + "user.current.json",
        api.prefix + "user.current.xml",
        "/rest/user.current",
        "/rest/user.current.json",
        "/rest/1/x/user.current",
    ):
        for send in (client.get, client.post):
            response = send(path, follow_redirects=False)
            assert response.status_code in (200, 401), (path, response.status_code)
            assert "location" not in response.headers


def test_the_host_header_is_not_checked(api: Api) -> None:
    for host in ("crm.example.com", "10.0.0.7:8443", "evil.invalid"):
        response = api.client.get(api.prefix + "server.time", headers={"Host": host})
        assert response.status_code == 200
        assert isinstance(response.json()["result"], str)


def test_healthz_answers_ok_for_load_balancers(client: TestClient) -> None:
    response = client.get("/healthz", follow_redirects=False)
    assert (response.status_code, response.text) == (200, "ok")
    assert client.head("/healthz").status_code == 200
