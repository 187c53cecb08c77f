"""Request parameters in every encoding Bitrix24 accepts, decoded into one nested structure.

Query strings, form and multipart bodies use PHP's bracket keys (``fields[PHONE][0][VALUE]``,
``select[]``); JSON carries the structure natively. Both end as the same plain data: dicts,
lists and strings, where a map keyed exactly ``0..n-1`` becomes a list, as PHP clients see it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import orjson

from leadcrm.rest.errors import invalid_request

MAX_PARAMETERS = 20_000
MAX_DEPTH = 32
_INDEX_START = frozenset("-0123456789")


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
    segments = rest[:-1].split("][") if rest[-1:] == "]" else None
    if segments is None or any("[" in s or "]" in s for s in segments):
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
    *parents, last = path
    for index, segment in enumerate(parents):
        segment = _key_in(node, segment, index)
        child = node.get(segment)
        if not isinstance(child, _Node):
            child = _Node()
            node[segment] = child
        node = child
    node[_key_in(node, last, len(parents))] = value


def _key_in(node: _Node, segment: str, depth: int) -> str:
    """The key a path segment names in ``node``: ``[]`` names the next free index."""
    if segment == "" and depth > 0:
        segment = str(node.next_index or 0)
    if segment[:1] in _INDEX_START:
        _note_index(node, segment)
    return segment


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
    # n distinct keys are 0..n-1 exactly when each of "0".."n-1" is among them.
    return "0" in items and all(str(i) in items for i in range(1, len(items)))


def parse_query(query: str | bytes) -> dict[str, Any]:
    text = query.decode("utf-8", "replace") if isinstance(query, bytes) else query
    return build_nested(_pairs(text))


def _pairs(text: str) -> list[tuple[str, str]]:
    """What ``urllib.parse.parse_qsl(text, keep_blank_values=True)`` answers, in a fraction of
    its time: most keys and values need no unquoting at all."""
    if text.count("&") >= MAX_PARAMETERS:
        raise invalid_request("Too many parameters")
    pairs = []
    for chunk in text.split("&"):
        if not chunk:
            continue
        key, _, value = chunk.partition("=")
        pairs.append((_unquote(key), _unquote(value)))
    return pairs


def _unquote(text: str) -> str:
    if "+" in text:
        text = text.replace("+", " ")
    return unquote(text) if "%" in text else text


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
