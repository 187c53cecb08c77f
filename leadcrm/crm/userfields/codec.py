"""One custom field value: from the client's form to the stored one, and back to the wire.

Stored values are JSON scalars (text, integers, numbers), one per value; a multiple field
keeps a JSON array of them. Dates are ISO text (``2024-05-01``, ``2024-05-01T08:00:00`` UTC),
which sorts as the moments do.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from leadcrm.catalogue.kinds import (
    DATE,
    BigIntegerKind,
    FieldValueError,
    Kind,
    parse_datetime,
    parse_decimal,
    parse_flag,
    render_datetime,
)
from leadcrm.crm.userfields.storage import sql_type
from leadcrm.crm.userfields.types import APP_TYPE_PREFIX, CRM_TYPES

if TYPE_CHECKING:
    from leadcrm.crm.userfields.definitions import Definition

# The prefixes of CRM entity bindings (`L_12`), by the setting that enables each.
CRM_PREFIXES = {"LEAD": "L", "CONTACT": "C", "COMPANY": "CO", "DEAL": "D"}
_BY_PREFIX = {prefix: entity for entity, prefix in CRM_PREFIXES.items()}
_URL_SCHEMES = ("http", "https", "ftp")
_ID = BigIntegerKind()

FileLinks = Callable[[int], dict[str, object]]


def _text(value: object, limit: int = 65535) -> str:
    if isinstance(value, bool):
        return "Y" if value else "N"
    if not isinstance(value, (str, int, float, Decimal)):
        raise FieldValueError("a string is expected")
    text = str(value)
    if "\x00" in text:
        raise FieldValueError("a NUL character is not allowed")
    if len(text) > limit:
        raise FieldValueError(f"at most {limit} characters are expected")
    return text


def _positive_id(value: object) -> int:
    number = _ID.parse(value, ZoneInfo("UTC"))
    if number is None or number <= 0:
        raise FieldValueError("a positive integer ID is expected")
    return number


def _double(value: object, precision: int) -> float:
    amount = parse_decimal(value)
    if amount is None or not amount.is_finite():
        raise FieldValueError("a number is expected")
    # Half away from zero, as PHP's round() that Bitrix24 applies.
    try:
        exact = amount.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise FieldValueError("a number is expected") from exc
    number = float(exact)
    if math.isinf(number):
        raise FieldValueError("a finite number is expected")
    return number


def _money(value: object) -> str:
    """``100|USD`` or a bare amount; the currency of a bare amount is added later (the base)."""
    text = _text(value, 100).strip()
    amount_text, _, currency = text.partition("|")
    amount = parse_decimal(amount_text)
    if amount is None or not amount.is_finite() or abs(amount) >= Decimal(10) ** 15:
        raise FieldValueError("an amount such as 100|USD is expected")
    currency = currency.strip().upper()
    if currency and not (currency.isascii() and currency.isalnum() and len(currency) <= 3):
        raise FieldValueError("an amount such as 100|USD is expected")
    return f"{format(amount, 'f')}|{currency}"


def _url(value: object) -> str:
    text = _text(value, 2000).strip()
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    if (
        parts.scheme.lower() not in _URL_SCHEMES
        or not parts.netloc
        or any(c.isspace() for c in text)
    ):
        raise FieldValueError("a URL (http, https or ftp) is expected")
    return text


def _crm(value: object, settings: dict[str, Any]) -> str:
    enabled = [t for t in CRM_TYPES if settings.get(t) == "Y"]
    text = _text(value, 50).strip().upper()
    prefix, _, number = text.rpartition("_")
    if not prefix and len(enabled) == 1 and number.isascii() and number.isdigit():
        return str(_positive_id(number))
    entity = _BY_PREFIX.get(prefix)
    if entity is None or entity not in enabled or not (number.isascii() and number.isdigit()):
        allowed = ", ".join(f"{CRM_PREFIXES[t]}_<id>" for t in enabled)
        raise FieldValueError(f"a binding such as {allowed} is expected")
    return f"{prefix}_{_positive_id(number)}"


def parse_one(definition: Definition, value: object, zone: ZoneInfo) -> Any:
    """The stored form of one value, or None for an empty one. Files: their IDs only."""
    if value is None or value == "":
        return None
    if isinstance(value, (dict, list)):
        raise FieldValueError("a single value is expected")
    settings = definition.settings
    match definition.user_type.id:
        case "string":
            return _text(value)
        case "address":
            return _text(value, 2000)
        case "url":
            return _url(value)
        case "integer":
            return _ID.parse(value, zone)
        case "double":
            return _double(value, int(settings.get("PRECISION", 2)))
        case "boolean":
            return 1 if parse_flag(value) else 0
        case "date":
            day = DATE.parse(value, zone)
            return None if day is None else day.isoformat()
        case "datetime":
            return parse_datetime(value, zone).isoformat(timespec="seconds")
        case "money":
            return _money(value)
        case "crm_status":
            return _text(value, 50)
        case "crm":
            return _crm(value, settings)
        case app_type if app_type.startswith(APP_TYPE_PREFIX):
            return _text(value)
        case _:  # enumeration, employee, file, iblock_section, iblock_element
            return _positive_id(value)


def render_one(definition: Definition, stored: Any, zone: ZoneInfo, links: FileLinks) -> object:
    match definition.user_type.id:
        case "boolean":
            return bool(stored)
        case "double":
            number = float(stored)
            return str(int(number)) if number.is_integer() else repr(number)
        case "date":
            return DATE.render(DATE.parse(stored, zone), zone)
        case "datetime":
            return render_datetime(parse_datetime(stored, ZoneInfo("UTC")), zone)
        case "file":
            return links(int(stored))
    return str(stored)


def render_value(definition: Definition, stored: Any, zone: ZoneInfo, links: FileLinks) -> object:
    """A field's wire value: null (or [] when multiple) when unset."""
    if definition.multiple:
        values = stored if isinstance(stored, list) else [] if stored is None else [stored]
        return [render_one(definition, v, zone, links) for v in values]
    if stored is None:
        return None
    if isinstance(stored, list):
        stored = stored[0] if stored else None
        if stored is None:
            return None
    return render_one(definition, stored, zone, links)


class UserFieldKind(Kind):
    """A custom field's values as the list engine parses filter values for it."""

    def __init__(self, definition: Definition, base_currency: str = "") -> None:
        self.definition = definition
        self.base_currency = base_currency
        self.sql_type = sql_type(definition.user_type.storage)
        self.likeable = definition.user_type.storage == "text"

    def parse(self, value: object, zone: ZoneInfo) -> Any:
        parsed = parse_one(self.definition, value, zone)
        if self.definition.user_type.id == "money" and isinstance(parsed, str):
            # A bare amount means the base currency, in a filter as in a value.
            return parsed + self.base_currency if parsed.endswith("|") else parsed
        return parsed
