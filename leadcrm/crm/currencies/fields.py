"""The currency catalogue: what crm.currency.fields describes and crm.currency.get returns.

A currency's own columns (rate, face value, sort, base flag) live in one table; the fields
that depend on a language (name, format) come from its localisation for the portal language.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, TypeDecorator
from sqlalchemy.engine import Dialect

from leadcrm.catalogue import Catalogue, Field
from leadcrm.catalogue.kinds import (
    DATETIME,
    FLAG,
    INTEGER,
    FieldValueError,
    Kind,
    StringKind,
    parse_decimal,
)

RATE_SCALE = Decimal("0.0001")


class Rate(TypeDecorator[Decimal]):
    """Exchange rates with four decimals, kept as integer ten-thousandths on every database."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) / RATE_SCALE).to_integral_value())

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(value) * RATE_SCALE).quantize(RATE_SCALE)


class RateKind(Kind):
    """``AMOUNT``: a rate rendered with four decimals, ``"68.7900"``."""

    sql_type = Rate()

    def parse(self, value: object, zone: ZoneInfo) -> Decimal | None:
        rate = parse_decimal(value)
        if rate is None:
            return None
        if not rate.is_finite() or rate <= 0 or rate >= Decimal(10) ** 14:
            raise FieldValueError("a positive number below 10^14 is expected")
        return rate.quantize(RATE_SCALE)

    def render(self, value: Any, zone: ZoneInfo) -> object:
        return None if value is None else f"{value:.4f}"


class LocalisationKind(Kind):
    """``LANG``: a map of language id to localisation, assembled by the service."""

    def parse(self, value: object, zone: ZoneInfo) -> Any:
        return value


CODE = StringKind(3)
TEXT = StringKind(255)
LID = StringKind(2)


def _f(name: str, type_: str, title: str, kind: Kind, *, stored: bool, **options: Any) -> Field:
    column = name.lower() if stored else None
    return Field(name=name, type=type_, kind=kind, title=title, column=column, **options)


CURRENCY_FIELDS = Catalogue(
    "CURRENCY",
    [
        _f("CURRENCY", "string", "Currency", CODE, stored=True),
        _f("AMOUNT_CNT", "int", "Face value", INTEGER, stored=True),
        _f("AMOUNT", "double", "Exchange rate", RateKind(), stored=True),
        _f("BASE", "char", "Base currency", FLAG, stored=True, read_only=True),
        _f("SORT", "int", "Sorting", INTEGER, stored=True),
        _f("DATE_UPDATE", "datetime", "Date modified", DATETIME, stored=True, read_only=True),
        _f("LID", "string", "Website", LID, stored=False, read_only=True),
        _f(
            "FORMAT_STRING",
            "string",
            "Currency output format string",
            TEXT,
            stored=False,
            read_only=True,
        ),
        _f("FULL_NAME", "string", "Name", TEXT, stored=False, read_only=True),
        _f("DEC_POINT", "string", "Decimal point for output", TEXT, stored=False, read_only=True),
        _f(
            "THOUSANDS_SEP",
            "string",
            "Custom thousands separator for output",
            TEXT,
            stored=False,
            read_only=True,
        ),
        _f("DECIMALS", "int", "Number of decimal places", INTEGER, stored=False, read_only=True),
        _f(
            "LANG",
            "currency_localization",
            "Language binding",
            LocalisationKind(),
            stored=False,
            multiple=True,
        ),
    ],
)
