"""Request parameters in every encoding Bitrix24 accepts, decoded into one nested structure.

Query strings, form and multipart bodies use PHP's bracket keys (``fields[PHONE][0][VALUE]``,
``select[]``); JSON carries the structure natively. Both end as the same plain data: dicts,
lists and strings, where a map keyed exactly ``0..n-1`` becomes a list, as PHP clients see it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson

from leadcrm.rest.errors import invalid_request

MAX_PARAMETERS = 20_000
MAX_DEPTH = 32

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


@dataclass(frozen=True, slots=True)
class UploadedFile:
    filename: str
    content_type: str
    content: bytes


def split_key(key: str) -> list[str] | None:
    """``a[b][]`` -> ``["a", "b", ""]``; a key without brackets -> ``[key]``; None if malformed."""
    head, bracket, rest = key.partition("[")
    if not bracket:
        return [key]
    if not head:
        return None
    rest = "[" + rest
    segments = _SEGMENT.findall(rest)
    if "".join(f"[{s}]" for s in segments) != rest:
        # PHP keeps what precedes a broken bracket; we take the key literally instead.
        return [key]
    return [head, *segments]


class _Node(dict[str, Any]):
    """A map being built from bracket keys; it knows its next free index, as a PHP array does.

    Keeping it here makes ``a[]=..`` repeated n times linear rather than quadratic.
    """

    __slots__ = ("next_index",)

    def __init__(self) -> None:
        super().__init__()
        self.next_index: int | None = None


def build_nested(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    root = _Node()
    count = 0
    for key, value in pairs:
        count += 1
        if count > MAX_PARAMETERS:
            raise invalid_request("Too many parameters")
        path = split_key(key)
        if path is None:
            continue
        if len(path) > MAX_DEPTH:
            raise invalid_request("Parameters are nested too deeply")
        _assign(root, path, value)
    return normalise_top(root)


def _assign(node: _Node, path: list[str], value: Any) -> None:
    for index, segment in enumerate(path):
        last = index == len(path) - 1
        if segment == "" and index > 0:
            segment = str(node.next_index or 0)
        _note_index(node, segment)
        if last:
            node[segment] = value
            return
        child = node.get(segment)
        if not isinstance(child, _Node):
            child = _Node()
            node[segment] = child
        node = child


def _note_index(node: _Node, key: str) -> None:
    """An integer key moves the next free index past it (negative ones too, as PHP 8.3)."""
    if key.isascii() and (key.isdigit() or (key[:1] == "-" and key[1:].isdigit())):
        following = int(key) + 1
        if node.next_index is None or following > node.next_index:
            node.next_index = following


def normalise(value: Any, depth: int = 0) -> Any:
    """Turn maps keyed 0..n-1 into lists, recursively; other values pass through."""
    if depth > MAX_DEPTH:
        raise invalid_request("Parameters are nested too deeply")
    if isinstance(value, dict):
        items = {str(k): normalise(v, depth + 1) for k, v in value.items()}
        if items and _is_sequence_keys(items):
            return [items[str(i)] for i in range(len(items))]
        return items
    if isinstance(value, list):
        return [normalise(v, depth + 1) for v in value]
    return value


def normalise_top(params: dict[str, Any]) -> dict[str, Any]:
    """The top level stays a map of parameter names, whatever its keys."""
    return {str(key): normalise(value, 1) for key, value in params.items()}


def _is_sequence_keys(items: dict[str, Any]) -> bool:
    return all(key == str(i) for i, key in enumerate(sorted(items, key=_index_order)))


def _index_order(key: str) -> tuple[int, str]:
    # isascii: str.isdigit() also accepts digits such as "²" that int() refuses.
    canonical = key.isascii() and key.isdigit() and (key == "0" or key[0] != "0")
    return (int(key), "") if canonical else (-1, key)


def parse_query(query: str | bytes) -> dict[str, Any]:
    text = query.decode("utf-8", "replace") if isinstance(query, bytes) else query
    try:
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_PARAMETERS)
    except ValueError as exc:
        raise invalid_request("Too many parameters") from exc
    return build_nested(pairs)


def parse_json(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise invalid_request("The request body is not valid JSON") from exc
    if not isinstance(data, dict):
        raise invalid_request("The JSON body must be an object")
    return normalise_top(data)


def merge(*layers: dict[str, Any]) -> dict[str, Any]:
    """Later layers win at the top level, as PHP's $_REQUEST lets POST override GET."""
    merged: dict[str, Any] = {}
    for layer in layers:
        merged.update(layer)
    return merged
