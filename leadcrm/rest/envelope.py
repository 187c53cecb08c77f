"""The envelope: ``result``, its ``time`` block and ``total``/``next``, as JSON or XML."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import orjson


@dataclass(slots=True)
class Timer:
    """Times one call; ``processing`` is the method's own work, ``duration`` the whole request."""

    start: float
    processing: float = 0.0

    @classmethod
    def begin(cls) -> Timer:
        return cls(start=time.time())

    def block(self, zone: ZoneInfo, operating: float | None = None) -> dict[str, Any]:
        finish = time.time()
        block: dict[str, Any] = {
            "start": self.start,
            "finish": finish,
            "duration": finish - self.start,
            "processing": self.processing,
            "date_start": _iso(self.start, zone),
            "date_finish": _iso(finish, zone),
        }
        if operating is not None:
            block["operating_reset_at"] = int(self.start) + 600
            block["operating"] = operating
        return block


def _iso(moment: float, zone: ZoneInfo) -> str:
    return _iso_second(int(moment), zone)


@lru_cache(maxsize=64)
def _iso_second(second: int, zone: ZoneInfo) -> str:
    # A batch writes two of these per command, nearly always for the same second.
    return datetime.fromtimestamp(second, UTC).astimezone(zone).isoformat(timespec="seconds")


def success_body(
    result: Any, timing: dict[str, Any], total: int | None = None, next_start: int | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"result": result}
    if next_start is not None:
        body["next"] = next_start
    if total is not None:
        body["total"] = total
    body["time"] = timing
    return body


# A JSON string (skipped whole, so "{}" inside text is left alone) or an empty object.
_STRING_OR_EMPTY_OBJECT = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|\{\}')


def _empty_object_as_list(match: re.Match[bytes]) -> bytes:
    return b"[]" if match.group() == b"{}" else match.group()


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", "replace")
    raise TypeError(type(value).__name__)


def to_json(body: Any) -> bytes:
    """Compact JSON where an empty map, at any depth, is ``[]`` as PHP writes it, and integer
    keys are strings as PHP writes them."""
    try:
        data = orjson.dumps(body, default=_default)
    except TypeError:
        # Non-string keys; the option is twice as slow, so it is taken only when needed.
        data = orjson.dumps(body, default=_default, option=orjson.OPT_NON_STR_KEYS)
    if b"{}" in data:  # rare: walk the text only then
        data = _STRING_OR_EMPTY_OBJECT.sub(_empty_object_as_list, data)
    return data


def to_xml(body: Any) -> bytes:
    parts = ['<?xml version="1.0" encoding="utf-8"?>', "<response>"]
    for key, value in body.items():
        _xml_element(parts, key, value)
    parts.append("</response>")
    return "".join(parts).encode("utf-8")


def _xml_element(parts: list[str], key: Any, value: Any) -> None:
    tag = _tag(key)
    if isinstance(value, dict):
        parts.append(f"<{tag}>")
        for child_key, child in value.items():
            _xml_element(parts, child_key, child)
        parts.append(f"</{tag}>")
    elif isinstance(value, list):
        parts.append(f"<{tag}>")
        for child in value:
            _xml_element(parts, "item", child)
        parts.append(f"</{tag}>")
    elif value is None:
        parts.append(f"<{tag}/>")
    else:
        parts.append(f"<{tag}>{escape(_xml_text(value))}</{tag}>")


def _xml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _tag(key: Any) -> str:
    # XML names cannot start with a digit; numeric keys (batch command indexes) get a prefix.
    text = "".join(ch if ch.isalnum() or ch in "_-." else "_" for ch in str(key))
    return text if text and (text[0].isalpha() or text[0] == "_") else f"item{text}"
