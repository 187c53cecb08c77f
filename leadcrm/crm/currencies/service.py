"""Currencies: plain functions over a connection, knowing nothing of HTTP.

Localisation-dependent fields are answered for the portal language; every language a
currency is localised for is listed under ``LANG`` by crm.currency.get.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, RowMapping, bindparam, or_, select

from leadcrm.catalogue import Field
from leadcrm.crm.currencies.fields import CURRENCY_FIELDS
from leadcrm.crm.currencies.tables import currencies, localisations
from leadcrm.listing import ListQuery, ListResult, run

PORTAL_LANGUAGE = "en"
_LOCALISED = ("FULL_NAME", "LID", "FORMAT_STRING", "DEC_POINT", "THOUSANDS_SEP", "DECIMALS")
# The order of keys in crm.currency.list and crm.currency.get answers.
_ANSWER_ORDER = (
    "CURRENCY",
    "AMOUNT_CNT",
    "AMOUNT",
    "SORT",
    "BASE",
    *_LOCALISED,
    "DATE_UPDATE",
)


def currency_exists(conn: Connection, *, currency_id: str) -> bool:
    found = conn.execute(select(currencies.c.currency).where(currencies.c.currency == currency_id))
    return found.first() is not None


_KNOWN = select(currencies.c.currency, currencies.c.base).where(
    or_(currencies.c.currency.in_(bindparam("codes", expanding=True)), currencies.c.base.is_(True))
)


def known_currencies(conn: Connection, *, codes: Iterable[str]) -> tuple[set[str], str]:
    """In one statement: which of ``codes`` exist, and the base currency."""
    rows = conn.execute(_KNOWN, {"codes": sorted(set(codes))}).all()
    base = next(str(code) for code, is_base in rows if is_base)
    return {str(code) for code, _ in rows}, base


def base_currency(conn: Connection) -> str:
    """The base currency's code; the migration seeds one and nothing unsets it."""
    return str(
        conn.execute(select(currencies.c.currency).where(currencies.c.base.is_(True))).scalar_one()
    )


def get_currency_row(conn: Connection, *, currency_id: str) -> RowMapping | None:
    return (
        conn.execute(select(currencies).where(currencies.c.currency == currency_id))
        .mappings()
        .first()
    )


def list_currencies(conn: Connection, *, query: ListQuery) -> ListResult:
    return run(conn, currencies, query)


def localisations_of(conn: Connection, codes: Sequence[str]) -> dict[str, dict[str, RowMapping]]:
    """Per currency, its localisations keyed by language id."""
    found: dict[str, dict[str, RowMapping]] = {code: {} for code in codes}
    rows = conn.execute(
        select(localisations)
        .where(localisations.c.currency.in_(list(codes)))
        .order_by(localisations.c.currency, localisations.c.lid)
    ).mappings()
    for row in rows:
        found[row["currency"]][row["lid"]] = row
    return found


def render_currency(
    row: RowMapping,
    langs: dict[str, RowMapping],
    zone: ZoneInfo,
    *,
    with_lang: bool,
) -> dict[str, object]:
    own = langs.get(PORTAL_LANGUAGE)
    values: dict[str, object] = {}
    for name in _ANSWER_ORDER:
        field = CURRENCY_FIELDS.get(name)
        assert field is not None
        values[name] = _value(field, row, own, zone)
    if with_lang:
        values["LANG"] = {lid: render_localisation(lang) for lid, lang in langs.items()}
    return values


def _value(field: Field, row: RowMapping, own: RowMapping | None, zone: ZoneInfo) -> object:
    if field.column is not None:
        return field.kind.render(row[field.column], zone)
    if own is None:
        return None
    if field.name == "LID":
        return own["lid"]
    return field.kind.render(own[field.name.lower()], zone)


def render_localisation(lang: RowMapping) -> dict[str, Any]:
    return {
        "FORMAT_STRING": lang["format_string"],
        "FULL_NAME": lang["full_name"],
        "DEC_POINT": lang["dec_point"],
        "THOUSANDS_SEP": lang["thousands_sep"],
        "DECIMALS": str(lang["decimals"]),
        "THOUSANDS_VARIANT": lang["thousands_variant"],
        "HIDE_ZERO": "Y" if lang["hide_zero"] else "N",
    }
