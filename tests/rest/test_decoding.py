"""Parameters in every encoding Bitrix24 accepts decode into one structure."""

from __future__ import annotations

import asyncio
import string
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.requests import Request

from leadcrm.rest import decoding
from leadcrm.rest.errors import RestError
from leadcrm.rest.transport import RestEndpoint
from leadcrm.runtime import Runtime
from leadcrm.settings import Settings
from tests.rest.asgi import request_for

# The documented GET/form example (data-encoding.md) and the structure it stands for.
DOC_QUERY = (
    "fields[TITLE]=My%20company&fields[PHONE][0][VALUE]=112233&fields[PHONE][0][VALUE_TYPE]=WORK"
    "&fields[PHONE][1][VALUE]=555888112&fields[PHONE][1][VALUE_TYPE]=OTHER"
)
DOC_STRUCTURE = {
    "fields": {
        "TITLE": "My company",
        "PHONE": [
            {"VALUE": "112233", "VALUE_TYPE": "WORK"},
            {"VALUE": "555888112", "VALUE_TYPE": "OTHER"},
        ],
    }
}
BOUNDARY = "leadcrm-test-boundary-7d1f0c2b"


def endpoint(**overrides: Any) -> RestEndpoint:
    """An endpoint whose database is never opened: decoding needs only the settings."""
    unused = Path(tempfile.gettempdir()) / "leadcrm-decoding-never-opened.db"
    settings = Settings(database_url=f"sqlite:///{unused}", **overrides)
    return RestEndpoint(Runtime.from_settings(settings))


def read(
    method: str,
    *,
    query: bytes = b"",
    headers: Sequence[tuple[str, str]] = (),
    chunks: Sequence[bytes] = (),
    target: RestEndpoint | None = None,
) -> dict[str, Any]:
    """What the endpoint decodes from a real Starlette request."""
    request = request_for(method, "/rest/1/x/m", query=query, headers=headers, chunks=chunks)
    params = asyncio.run((target or endpoint())._read_params(request))
    return params.raw


def read_error(**kwargs: Any) -> tuple[str, int, str]:
    with pytest.raises(RestError) as caught:
        read(**kwargs)
    return caught.value.code, caught.value.status, caught.value.description


# -- encoders, as PHP's http_build_query and the SDKs write them ---------------------------


def flatten(prefix: str, value: Any, push: bool) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield from flatten(f"{prefix}[{key}]", child, push)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            if push and isinstance(child, str):
                yield f"{prefix}[]", child
            else:
                yield from flatten(f"{prefix}[{index}]", child, push)
    else:
        yield prefix, value


def pairs_of(params: dict[str, Any], push: bool) -> list[tuple[str, str]]:
    return [pair for key, value in params.items() for pair in flatten(key, value, push)]


def urlencoded(pairs: list[tuple[str, str]], encode_brackets: bool) -> bytes:
    safe = "" if encode_brackets else "[]"
    text = "&".join(f"{quote(k, safe=safe)}={quote(v, safe='')}" for k, v in pairs)
    return text.encode("ascii")


def multipart(pairs: list[tuple[str, str]]) -> bytes:
    body = b""
    for key, value in pairs:
        body += (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode()
            + value.encode("utf-8")
            + b"\r\n"
        )
    return body + f"--{BOUNDARY}--\r\n".encode()


MULTIPART = ("content-type", f"multipart/form-data; boundary={BOUNDARY}")
FORM = ("content-type", "application/x-www-form-urlencoded")
JSON = ("content-type", "application/json")


# -- unit tests ----------------------------------------------------------------------------


def test_the_documented_query_string_decodes_into_the_json_structure() -> None:
    assert decoding.parse_query(DOC_QUERY) == DOC_STRUCTURE
    assert decoding.parse_json(orjson.dumps(DOC_STRUCTURE)) == DOC_STRUCTURE


def test_the_documented_encodings_all_give_the_same_structure() -> None:
    pairs = [
        ("fields[TITLE]", "My company"),
        ("fields[PHONE][0][VALUE]", "112233"),
        ("fields[PHONE][0][VALUE_TYPE]", "WORK"),
        ("fields[PHONE][1][VALUE]", "555888112"),
        ("fields[PHONE][1][VALUE_TYPE]", "OTHER"),
    ]
    assert read("GET", query=DOC_QUERY.encode()) == DOC_STRUCTURE
    assert read("POST", headers=[FORM], chunks=[DOC_QUERY.encode()]) == DOC_STRUCTURE
    assert read("POST", headers=[MULTIPART], chunks=[multipart(pairs)]) == DOC_STRUCTURE
    assert read("POST", headers=[JSON], chunks=[orjson.dumps(DOC_STRUCTURE)]) == DOC_STRUCTURE


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("select[]=ID&select[]=NAME", {"select": ["ID", "NAME"]}),
        ("FILTER[ACTIVE]=true", {"FILTER": {"ACTIVE": "true"}}),
        ("fields%5BTITLE%5D=John%26Martin", {"fields": {"TITLE": "John&Martin"}}),
        ("fields[TITLE]=John&Martin", {"fields": {"TITLE": "John"}, "Martin": ""}),
        ("a[1]=x&a[0]=y", {"a": ["y", "x"]}),
        ("a[0]=x&a[2]=y", {"a": {"0": "x", "2": "y"}}),
        ("a[01]=x", {"a": {"01": "x"}}),
        ("a[x]=1&a[]=2", {"a": {"x": "1", "0": "2"}}),
        ("a[5]=1&a[]=2", {"a": {"5": "1", "6": "2"}}),
        ("a[-5]=x&a[]=y", {"a": {"-5": "x", "-4": "y"}}),
        ("a[][b]=1&a[][b]=2", {"a": [{"b": "1"}, {"b": "2"}]}),
        ("a=1&a=2", {"a": "2"}),
        ("a[b]=1&a=2", {"a": "2"}),
        ("a=1&a[b]=2", {"a": {"b": "2"}}),
        ("a[%C2%B2]=1", {"a": {"²": "1"}}),
        ("a[b=1", {"a[b": "1"}),
        ("a]=1", {"a]": "1"}),
        ("[x]=1&y=2", {"y": "2"}),
        (
            "cmd[0]=crm.lead.add%3Ffields%5BTITLE%5D%3DJohn%2526Martin",
            {"cmd": ["crm.lead.add?fields[TITLE]=John%26Martin"]},
        ),
        ("empty=&plus=a+b", {"empty": "", "plus": "a b"}),
    ],
)
def test_php_bracket_keys(query: str, expected: dict[str, Any]) -> None:
    assert decoding.parse_query(query) == expected


def test_the_top_level_stays_a_map_even_when_keyed_by_indexes() -> None:
    """The docs' ordered-parameters example (`0=123&1[POST_MESSAGE]=test`)."""
    expected = {"0": "123", "1": {"POST_MESSAGE": "test"}}
    assert decoding.parse_query("0=123&1[POST_MESSAGE]=test") == expected
    assert decoding.parse_json(b'{"0": "123", "1": {"POST_MESSAGE": "test"}}') == expected


def test_json_maps_keyed_by_indexes_become_lists_as_in_forms() -> None:
    body = b'{"fields": {"PHONE": {"1": {"VALUE": "b"}, "0": {"VALUE": "a"}}, "X": {"0": 1}}}'
    assert decoding.parse_json(body) == {
        "fields": {"PHONE": [{"VALUE": "a"}, {"VALUE": "b"}], "X": [1]}
    }
    assert decoding.parse_json(b'{"a": {"\\u00b2": 1, "1": 2}}') == {"a": {"²": 1, "1": 2}}


def test_json_keeps_its_types() -> None:
    body = b'{"id": 5, "flag": true, "none": null, "price": 1.5, "list": [1, "2"]}'
    assert decoding.parse_json(body) == {
        "id": 5,
        "flag": True,
        "none": None,
        "price": 1.5,
        "list": [1, "2"],
    }


@pytest.mark.parametrize(
    ("body", "description"),
    [
        (b"{bad", "The request body is not valid JSON"),
        (b'{"a": 1', "The request body is not valid JSON"),
        (b'{"a": NaN}', "The request body is not valid JSON"),
        (b"\xff\xfe{}", "The request body is not valid JSON"),
        (b"[1, 2]", "The JSON body must be an object"),
        (b'"text"', "The JSON body must be an object"),
        (b"null", "The JSON body must be an object"),
    ],
)
def test_malformed_json_is_invalid_request(body: bytes, description: str) -> None:
    with pytest.raises(RestError) as caught:
        decoding.parse_json(body)
    assert (caught.value.code, caught.value.status) == ("INVALID_REQUEST", 400)
    assert caught.value.description == description


def test_an_empty_json_body_is_no_parameters() -> None:
    assert decoding.parse_json(b"") == {}
    assert decoding.parse_json(b"  \n") == {}


def test_parameters_nested_too_deeply_are_refused_in_every_encoding() -> None:
    assert decoding.parse_query("a" + "[x]" * 31 + "=1")  # 32 levels: accepted
    with pytest.raises(RestError) as caught:
        decoding.parse_query("a" + "[x]" * 32 + "=1")
    assert (caught.value.code, caught.value.description) == (
        "INVALID_REQUEST",
        "Parameters are nested too deeply",
    )
    deep_json = b'{"a": ' + b'{"x": ' * 40 + b"1" + b"}" * 40 + b"}"
    with pytest.raises(RestError) as caught:
        decoding.parse_json(deep_json)
    assert caught.value.description == "Parameters are nested too deeply"


def test_too_many_parameters_are_refused() -> None:
    decoding.parse_query("&".join(f"p{i}=1" for i in range(decoding.MAX_PARAMETERS)))
    with pytest.raises(RestError) as caught:
        decoding.parse_query("&".join(f"p{i}=1" for i in range(decoding.MAX_PARAMETERS + 1)))
    assert (caught.value.code, caught.value.status, caught.value.description) == (
        "INVALID_REQUEST",
        400,
        "Too many parameters",
    )


def test_appending_with_empty_brackets_is_linear() -> None:
    """`a[]=..` repeated 20,000 times took over a minute of CPU when each append rescanned
    the keys; it must stay well under a second."""
    query = "&".join(["a[]=1"] * decoding.MAX_PARAMETERS)
    started = time.perf_counter()
    result = decoding.parse_query(query)
    assert time.perf_counter() - started < 3
    assert result == {"a": ["1"] * decoding.MAX_PARAMETERS}


def test_the_body_overrides_the_query_string_at_the_top_level() -> None:
    params = read(
        "POST",
        query=b"a=query&b[x]=query&only_query=1",
        headers=[JSON],
        chunks=[b'{"a": "body", "b": {"y": "body"}}'],
    )
    assert params == {"a": "body", "b": {"y": "body"}, "only_query": "1"}


def test_a_post_without_content_type_is_json_when_it_looks_like_json() -> None:
    assert read("POST", chunks=[b' {"a": {"0": "x"}}']) == {"a": ["x"]}
    assert read("POST", chunks=[b"a[0]=x"]) == {"a": ["x"]}
    assert read("POST", headers=[FORM], chunks=[b"{x}=1"]) == {"{x}": "1"}


def test_a_get_body_is_ignored() -> None:
    assert read("GET", query=b"a=1", headers=[JSON], chunks=[b'{"a": "2"}']) == {"a": "1"}


def test_multipart_values_and_files_decode_with_bracket_keys() -> None:
    body = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="fields[TITLE]"\r\n\r\n'
        "Lead\r\n"
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="fields[FILE]"; filename="a.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
        "hello\r\n"
        f"--{BOUNDARY}--\r\n"
    ).encode()
    params = read("POST", headers=[MULTIPART], chunks=[body[:40], body[40:]])
    assert params == {
        "fields": {
            "TITLE": "Lead",
            "FILE": decoding.UploadedFile("a.txt", "text/plain", b"hello"),
        }
    }


def test_a_multipart_field_over_one_mebibyte_is_read_under_the_body_cap() -> None:
    big = "x" * (3 * 1024 * 1024)
    params = read("POST", headers=[MULTIPART], chunks=[multipart([("fields[COMMENTS]", big)])])
    assert params == {"fields": {"COMMENTS": big}}


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (f"multipart/form-data; boundary={BOUNDARY}", f"--{BOUNDARY}\r\nbad".encode()),
        (
            f"multipart/form-data; boundary={BOUNDARY}",
            multipart([("a", "1"), ("b", "2")])[: -len(f"--{BOUNDARY}--\r\n")],
        ),
        ("multipart/form-data", multipart([("a", "1")])),
        ("multipart/form-data; boundary=", multipart([("a", "1")])),
        (
            f"multipart/form-data; boundary={BOUNDARY}",
            f"--{BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nx\r\n"
            f"--{BOUNDARY}--\r\n".encode(),
        ),
    ],
    ids=["garbage", "truncated", "no-boundary", "empty-boundary", "part-without-name"],
)
def test_malformed_multipart_is_invalid_request(content_type: str, body: bytes) -> None:
    error = read_error(method="POST", headers=[("content-type", content_type)], chunks=[body])
    assert error == ("INVALID_REQUEST", 400, "The multipart body could not be read")


@pytest.mark.parametrize("content_type", ["application/json", FORM[1], MULTIPART[1], ""])
def test_a_body_over_the_cap_is_refused_with_or_without_a_declared_length(
    content_type: str,
) -> None:
    target = endpoint(max_body_bytes=1000)
    payload = {"fields": {"COMMENTS": "y" * 1200}}
    if content_type == MULTIPART[1]:
        body = multipart([("fields[COMMENTS]", "y" * 1200)])
    elif content_type == "application/json":
        body = orjson.dumps(payload)
    else:
        body = urlencoded([("fields[COMMENTS]", "y" * 1200)], False)
    headers = [("content-type", content_type)] if content_type else []
    too_large = ("INVALID_REQUEST", 413, "The request body is too large")
    declared = [*headers, ("content-length", str(len(body)))]
    assert read_error(method="POST", headers=declared, chunks=[body], target=target) == too_large
    streamed = [body[i : i + 100] for i in range(0, len(body), 100)]
    assert read_error(method="POST", headers=headers, chunks=streamed, target=target) == too_large


def test_a_query_string_over_its_cap_is_refused() -> None:
    target = endpoint(max_query_bytes=4096)
    assert read("GET", query=b"a=" + b"x" * 4000, target=target) == {"a": "x" * 4000}
    error = read_error(method="GET", query=b"a=" + b"x" * 4100, target=target)
    assert error == ("INVALID_REQUEST", 414, "The query string is too long")


# -- every encoding, the same structure (hypothesis) ---------------------------------------

KEYS = st.text(alphabet=string.ascii_letters + string.digits + "_-.", min_size=1, max_size=6)
INDEX_KEYS = st.sampled_from(["0", "1", "2", "10", "01", "-1"])
LEAVES = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
VALUES = st.recursive(
    LEAVES,
    lambda children: (
        st.lists(children, min_size=1, max_size=4)
        | st.dictionaries(KEYS | INDEX_KEYS, children, min_size=1, max_size=4)
    ),
    max_leaves=16,
)
PARAMS = st.dictionaries(KEYS, VALUES, max_size=5)


_SHARED = endpoint()


async def _decode_all(requests: list[Request]) -> list[dict[str, Any]]:
    return [(await _SHARED._read_params(r)).raw for r in requests]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=PARAMS, push=st.booleans(), encode_brackets=st.booleans())
def test_json_form_multipart_and_query_decode_alike(
    params: dict[str, Any], push: bool, encode_brackets: bool
) -> None:
    pairs = pairs_of(params, push)
    path = "/rest/1/x/m"
    as_json, as_form, as_multipart, as_query = asyncio.run(
        _decode_all(
            [
                request_for("POST", path, headers=[JSON], chunks=[orjson.dumps(params)]),
                request_for(
                    "POST", path, headers=[FORM], chunks=[urlencoded(pairs, encode_brackets)]
                ),
                request_for("POST", path, headers=[MULTIPART], chunks=[multipart(pairs)]),
                request_for("GET", path, query=urlencoded(pairs, encode_brackets)),
            ]
        )
    )
    expected = decoding.normalise_top(params)
    assert as_json == expected
    assert as_form == expected
    assert as_multipart == expected
    assert as_query == expected
