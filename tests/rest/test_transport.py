"""The HTTP side: every encoding, bad input, size caps, one transaction per call."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import func, select

from leadcrm.users.tables import users
from leadcrm.webhooks.tables import webhooks
from tests.rest import asgi
from tests.support import Api

INVALID_JSON = {
    "error": "INVALID_REQUEST",
    "error_description": "The request body is not valid JSON",
}
BAD_MULTIPART = {
    "error": "INVALID_REQUEST",
    "error_description": "The multipart body could not be read",
}
TOO_LARGE = {"error": "INVALID_REQUEST", "error_description": "The request body is too large"}
TOO_LONG = {"error": "INVALID_REQUEST", "error_description": "The query string is too long"}
BOUNDARY = "b0undary-4c2e"


def counts(api: Api) -> tuple[int, int]:
    """Users and webhooks: what a call could have written."""
    with api.runtime.engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(users)).scalar_one(),
            conn.execute(select(func.count()).select_from(webhooks)).scalar_one(),
        )


def still_serving(api: Api) -> None:
    assert api.call("user.current")["ID"] == "1"
    assert api.client.get("/healthz").text == "ok"


def raw_post(api: Api, method: str, body: bytes, content_type: str | None) -> httpx.Response:
    headers = {"content-type": content_type} if content_type else {}
    return api.client.post(api.prefix + method, content=body, headers=headers)


# -- every encoding reaches the method the same way ----------------------------------------

USER_GET_QUERY = "FILTER[ACTIVE]=true&select[]=ID&select[]=NAME"
USER_GET_RESULT = [{"ID": "1", "NAME": "Administrator"}]


def test_the_documented_get_with_an_array_of_parameters(api: Api) -> None:
    """local-webhooks.md: user.get.json?FILTER[ACTIVE]=true&select[]=ID&select[]=NAME."""
    response = api.client.get(api.prefix + "user.get.json?" + USER_GET_QUERY)
    assert response.status_code == 200
    assert response.json()["result"] == USER_GET_RESULT
    encoded = "FILTER%5BACTIVE%5D=true&select%5B%5D=ID&select%5B%5D=NAME"
    assert api.get("user.get", encoded).json()["result"] == USER_GET_RESULT


def test_post_in_every_content_type(api: Api) -> None:
    url = api.prefix + "user.get"
    fields = [("FILTER[ACTIVE]", "true"), ("select[]", "ID"), ("select[]", "NAME")]
    multipart = (
        b"".join(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields
        )
        + f"--{BOUNDARY}--\r\n".encode()
    )
    responses = {
        "json": api.client.post(url, json={"FILTER": {"ACTIVE": True}, "select": ["ID", "NAME"]}),
        "form": api.client.post(url, data={"FILTER[ACTIVE]": "true", "select[]": ["ID", "NAME"]}),
        "multipart": api.client.post(
            url,
            content=multipart,
            headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"},
        ),
        "query+form": api.client.post(
            url + "?select[]=ID&select[]=NAME", data={"FILTER[ACTIVE]": "Y"}
        ),
    }
    for encoding, response in responses.items():
        assert response.status_code == 200, (encoding, response.json())
        assert response.json()["result"] == USER_GET_RESULT, encoding


def test_parameter_names_match_in_any_case_and_unknown_ones_are_ignored(api: Api) -> None:
    assert api.call("user.get", {"FILTER": {"ID": 1}, "SELECT": ["ID"]}) == [{"ID": "1"}]
    assert api.call("user.get", {"Filter": {"ID": 1}, "Select": ["ID"]}) == [{"ID": "1"}]
    assert api.call("method.get", {"NAME": "user.get"})["isExisting"] is True
    assert "crm" in api.call("scope", {"FULL": "true"})

    # Unknown parameters are ignored.
    assert api.call("server.time", {"nonsense": {"deep": [1]}, "_": 123})
    assert api.call("method.get", {"name": "scope", "extra": "x"})["isExisting"] is True
    assert [u["ID"] for u in api.call("user.get", {"limit": 10, "_": "1"})] == ["1"]


def test_a_get_query_of_64_kib_runs_a_50_command_batch(api: Api) -> None:
    """httpx refuses URLs of 64 KiB, so this goes straight through the ASGI app."""
    padding = "p" * 1300
    commands = [f"method.get?name=user.get&pad={padding}{i}" for i in range(50)]
    query = "&".join(f"cmd[c{i}]={quote(c, safe='')}" for i, c in enumerate(commands))
    assert len(query) >= 64 * 1024
    reply = asgi.call(api.client.app, "GET", api.prefix + "batch", query=query.encode())
    assert reply.status == 200
    result = reply.json()["result"]
    assert result["result_error"] == []
    assert result["result"] == {
        f"c{i}": {"isExisting": True, "isAvailable": True} for i in range(50)
    }
    # The default cap (1 MiB) leaves room for far longer GETs.
    padded = b"pad=" + b"x" * 500_000
    assert asgi.call(api.client.app, "GET", api.prefix + "server.time", query=padded).status == 200


def test_xml_answers_success_and_error_alike(api: Api) -> None:
    ok = api.client.get(api.prefix + "method.get.xml?name=user.get")
    assert ok.headers["content-type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(ok.content)
    assert (root.findtext("result/isExisting"), root.findtext("result/isAvailable")) == (
        "true",
        "true",
    )
    bad = api.client.post(
        api.prefix + "user.get.xml", content=b"{bad", headers={"content-type": "application/json"}
    )
    assert bad.status_code == 400
    assert [c.tag for c in ET.fromstring(bad.content)] == ["error", "error_description"]


# -- bad input: its documented error and status, nothing written, the server keeps serving --


MALFORMED_BODIES: list[tuple[str, bytes, str | None, dict[str, str]]] = [
    ("json-truncated", b'{"name": "X"', "application/json", INVALID_JSON),
    ("json-garbage", b"{bad json}", "application/json", INVALID_JSON),
    ("json-trailing", b'{"name": "X"}}', "application/json; charset=utf-8", INVALID_JSON),
    (
        "json-array",
        b'["name", "X"]',
        "application/json",
        {"error": "INVALID_REQUEST", "error_description": "The JSON body must be an object"},
    ),
    ("json-sniffed", b'{"name": "X"', None, INVALID_JSON),
    (
        "multipart-truncated",
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="name"\r\n\r\nX'.encode(),
        f"multipart/form-data; boundary={BOUNDARY}",
        BAD_MULTIPART,
    ),
    ("multipart-no-boundary", b"name=X", "multipart/form-data", BAD_MULTIPART),
    (
        "form-too-many",
        b"name=X&" + b"&".join(b"p%d=1" % i for i in range(20_001)),
        "application/x-www-form-urlencoded",
        {"error": "INVALID_REQUEST", "error_description": "Too many parameters"},
    ),
    (
        "form-too-deep",
        b"name=X&a" + b"[x]" * 40 + b"=1",
        "application/x-www-form-urlencoded",
        {"error": "INVALID_REQUEST", "error_description": "Parameters are nested too deeply"},
    ),
]


@pytest.mark.usefixtures("test_methods")
def test_malformed_bodies_are_400_and_write_nothing(api: Api) -> None:
    before = counts(api)
    for case, body, content_type, error in MALFORMED_BODIES:
        response = raw_post(api, "test.write", body, content_type)
        assert (response.status_code, response.json()) == (400, error), case
        assert counts(api) == before, case
    still_serving(api)


@pytest.mark.usefixtures("test_methods")
def test_a_form_body_is_read_leniently_as_php_reads_it(api: Api) -> None:
    """Policy: bad percent escapes and bytes that are not UTF-8 do not refuse a form."""
    response = raw_post(
        api, "test.echo", b"a=%ZZ&b=%&c=%E9t%C3%A9&d", "application/x-www-form-urlencoded"
    )
    assert response.json()["result"] == {"a": "%ZZ", "b": "%", "c": "\ufffdt\u00e9", "d": ""}


@pytest.mark.parametrize("settings_overrides", [{"max_body_bytes": 2048}])
@pytest.mark.usefixtures("test_methods")
def test_bodies_over_the_cap_are_413_and_write_nothing(api: Api) -> None:
    before = counts(api)
    name = "N" * 3000
    url = api.prefix + "test.write"
    chunked = api.client.post(
        url,
        content=iter([b'{"name": "', name.encode(), b'"}']),
        headers={"content-type": "application/json"},
    )
    assert "content-length" not in chunked.request.headers
    responses = {
        "json": api.client.post(url, json={"name": name}),
        "form": api.client.post(url, data={"name": name}),
        "multipart": api.client.post(url, files={"name": (None, name)}),
        "chunked": chunked,
    }
    for encoding, response in responses.items():
        assert (response.status_code, response.json()) == (413, TOO_LARGE), encoding
    assert counts(api) == before
    assert api.call("test.write", {"name": "N" * 200}) > 1  # under the cap: accepted
    still_serving(api)


@pytest.mark.parametrize("settings_overrides", [{"max_query_bytes": 200_000}])
def test_absurd_query_strings_are_refused(api: Api) -> None:
    app = api.client.app
    over = b"a=" + b"x" * 200_000
    reply = asgi.call(app, "GET", api.prefix + "user.current", query=over)
    assert (reply.status, reply.json()) == (414, TOO_LONG)
    reply = asgi.call(app, "POST", api.prefix + "user.current", query=over, chunks=[b"{}"])
    assert (reply.status, reply.json()) == (414, TOO_LONG)
    many = "&".join(f"p{i}=1" for i in range(20_001)).encode()
    reply = asgi.call(app, "GET", api.prefix + "user.current", query=many)
    assert (reply.status, reply.json()) == (
        400,
        {"error": "INVALID_REQUEST", "error_description": "Too many parameters"},
    )
    deep = api.get("user.current", "a" + "[x]" * 33 + "=1")
    assert (deep.status_code, deep.json()["error_description"]) == (
        400,
        "Parameters are nested too deeply",
    )
    pushes = "&".join(["a[]=1"] * 20_000).encode()  # linear, not a minute of CPU
    assert asgi.call(app, "GET", api.prefix + "user.current", query=pushes).status == 200
    still_serving(api)


def test_odd_query_strings_never_fail_the_server(api: Api) -> None:
    for query in (
        "a[%C2%B2]=1",
        "a[]=1&a[%C2%B2]=2",
        "%00=1&%FF%FE=2",
        "a[[[[]]]]=1&]]]=2&[=3",
        "cmd=%24result%5B",
    ):
        assert api.get("server.time", query).status_code == 200, query
        body = api.get("batch", query).json()
        assert body.get("error", "INVALID_REQUEST") == "INVALID_REQUEST", query


def test_unknown_methods_and_verbs_and_the_server_keeps_serving(api: Api) -> None:
    for name in ("crm.lead.nothing", "user", "batch.batch", "user.current.x", "%2E%2E"):
        assert api.error(name) == (
            404,
            {"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"},
        ), name
    for verb in ("PUT", "DELETE", "PATCH"):
        assert api.client.request(verb, api.prefix + "user.current").status_code == 405
    still_serving(api)


# -- storage: one transaction per call, rolled back on any error ----------------------------


@pytest.mark.usefixtures("test_methods")
def test_a_failing_call_rolls_back_what_it_wrote(api: Api) -> None:
    before = counts(api)
    for fail, status, body in (
        ("rest", 400, {"error": "", "error_description": "Refused after writing."}),
        (
            "crash",
            500,
            {"error": "INTERNAL_SERVER_ERROR", "error_description": "Internal server error"},
        ),
    ):
        assert api.error("test.write", {"name": "Ghost", "fail": fail}) == (status, body)
        assert counts(api) == before, fail
    assert api.call("user.get", {"filter": {"NAME": "Ghost"}}) == []
    user_id = api.call("test.write", {"name": "Real"})
    assert counts(api) == (before[0] + 1, before[1])
    assert api.call("user.get", {"filter": {"NAME": "Real"}, "select": ["ID"]}) == [
        {"ID": str(user_id)}
    ]
