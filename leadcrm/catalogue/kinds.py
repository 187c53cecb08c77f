"""Value kinds: how one kind of Bitrix24 value is read from a request, stored and written back.

Bitrix24 renders almost every scalar as a string (``"ID":"12"``, ``"OPPORTUNITY":"12500.00"``),
flags as ``"Y"``/``"N"``, dates as ISO 8601 with the portal's offset, an unset date as ``""`` and
an unset string as ``null``. Each kind keeps one of those conventions in one place.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Integer, String, Text, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine


class FieldValueError(ValueError):
    """A value that does not fit its field; the message names what was expected."""


class Money(TypeDecorator[Decimal]):
    """Exact amounts with two decimals, kept as integer minor units on every database."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) * 100).to_integral_value())

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(value) / 100).quantize(Decimal("0.01"))


class Scaled(TypeDecorator[Decimal]):
    """Exact decimals with four places (prices and quantities of product rows), kept as
    integers on every database: SQLite has no exact decimal type. A 64-bit integer holds
    magnitudes up to about 9.2 * 10^14."""

    impl = BigInteger
    cache_ok = True
    PLACES = Decimal("0.0001")
    LIMIT = Decimal(9) * Decimal(10) ** 14

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) * 10_000).to_integral_value())

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(value) / 10_000).quantize(self.PLACES).normalize()


class Seconds(TypeDecorator[datetime]):
    """Moments to the second, as Bitrix24 keeps them and as the wire shows them.

    A value read back from the API must find its row again, ``DATE_CREATE`` equal to itself.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(microsecond=0)


class Kind(ABC):
    """Base kind: ``null`` when unset, otherwise as the subclass renders it."""

    sql_type: TypeEngine[Any] = Text()
    likeable = False
    empty: object = None

    @abstractmethod
    def parse(self, value: object, zone: ZoneInfo) -> Any:
        """The stored form of a client's value; FieldValueError when it does not fit."""

    def render(self, value: Any, zone: ZoneInfo) -> object:
        return self.empty if value is None else value


class StringKind(Kind):
    likeable = True

    def __init__(self, length: int | None = 255, empty: object = None) -> None:
        self.length = length
        self.sql_type = String(length) if length else Text()
        self.empty = empty

    def parse(self, value: object, zone: ZoneInfo) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool):
            text = "Y" if value else "N"
        elif isinstance(value, (str, int, float, Decimal)):
            text = str(value)
        else:
            raise FieldValueError("a string is expected")
        # Checked here, not left to the database: PostgreSQL refuses both, SQLite keeps both.
        if "\x00" in text:
            raise FieldValueError("a NUL character is not allowed")
        if self.length is not None and len(text) > self.length:
            raise FieldValueError(f"at most {self.length} characters are expected")
        return text


class CodeKind(StringKind):
    """A directory code (stage, source, currency): a string, compared exactly."""

    likeable = False

    def __init__(self) -> None:
        super().__init__(50)


class ChoiceKind(CodeKind):
    """One of a few fixed codes (a product's DESCRIPTION_TYPE: text or html)."""

    def __init__(self, *choices: str) -> None:
        super().__init__()
        self.choices = choices

    def parse(self, value: object, zone: ZoneInfo) -> str | None:
        text = super().parse(value, zone)
        if text is not None and text not in self.choices:
            raise FieldValueError(f"{' or '.join(self.choices)} is expected")
        return text


class IntegerKind(Kind):
    sql_type = Integer()
    bits = 32

    def parse(self, value: object, zone: ZoneInfo) -> int | None:
        if value is None or value == "":
            return None
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str):
            digits = value.strip().removeprefix("-")
            # isascii: str.isdigit() also accepts digits such as "²" that int() refuses.
            if digits.isascii() and digits.isdigit():
                number = int(value.strip())
        if number is None:
            raise FieldValueError("an integer is expected")
        low, high = -(2 ** (self.bits - 1)), 2 ** (self.bits - 1) - 1
        if not low <= number <= high:
            raise FieldValueError(f"an integer between {low} and {high} is expected")
        return number

    def render(self, value: Any, zone: ZoneInfo) -> object:
        return None if value is None else str(value)


class BigIntegerKind(IntegerKind):
    sql_type = BigInteger()
    bits = 64


def parse_decimal(value: object) -> Decimal | None:
    """A number sent as a number or as text (a decimal comma too); None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise FieldValueError("a number is expected")
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation as exc:
        raise FieldValueError("a number is expected") from exc


class CountKind(IntegerKind):
    """Integers that product rows answer as JSON numbers (``"SORT": 10``), not strings."""

    def render(self, value: Any, zone: ZoneInfo) -> object:
        return value


class MoneyKind(Kind):
    sql_type = Money()

    def __init__(self, *, negative: bool = True) -> None:
        self.negative = negative

    def parse(self, value: object, zone: ZoneInfo) -> Decimal | None:
        amount = parse_decimal(value)
        if amount is None:
            return None
        if not amount.is_finite() or abs(amount) >= Decimal(10) ** 15:
            raise FieldValueError("a finite number below 10^15 is expected")
        if amount < 0 and not self.negative:
            raise FieldValueError("a non-negative number is expected")
        return amount.quantize(Decimal("0.01"))

    def render(self, value: Any, zone: ZoneInfo) -> object:
        return None if value is None else f"{value:.2f}"


class NumberKind(MoneyKind):
    """``double`` amounts written as PHP writes a float: ``0``, ``3000000``, ``1234.5``
    (a company's REVENUE). Stored as money is, to the cent."""

    def render(self, value: Any, zone: ZoneInfo) -> object:
        return None if value is None else f"{value.normalize():f}"


class DecimalKind(Kind):
    """``double`` values of product rows: four places kept exactly, JSON numbers on the wire
    (``10``, ``22175.328``), as the rows' examples show them. ``limit``: the largest
    magnitude accepted."""

    sql_type = Scaled()

    def __init__(self, limit: Decimal, *, negative: bool = True) -> None:
        self.limit = limit
        self.negative = negative

    def parse(self, value: object, zone: ZoneInfo) -> Decimal | None:
        number = parse_decimal(value)
        if number is None:
            return None
        if not number.is_finite() or abs(number) > self.limit or (number < 0 and not self.negative):
            low = -self.limit if self.negative else Decimal(0)
            raise FieldValueError(f"a number from {low:f} to {self.limit:f} is expected")
        return number.quantize(Scaled.PLACES).normalize()

    def render(self, value: Any, zone: ZoneInfo) -> object:
        if value is None:
            return None
        return int(value) if value == value.to_integral_value() else float(value)


_TRUE = {"Y", "y", "1", "true", "TRUE", "True", True}
_FALSE = {"N", "n", "0", "false", "FALSE", "False", "", False}


def parse_flag(value: object) -> bool:
    if isinstance(value, (str, bool, int)) and value in _TRUE:
        return True
    if isinstance(value, (str, bool, int)) and value in _FALSE:
        return False
    raise FieldValueError("Y or N is expected")


class FlagKind(Kind):
    """``char`` flags: ``Y``/``N`` on the wire (also true/false/1/0 in), a boolean stored."""

    sql_type = Boolean()

    def parse(self, value: object, zone: ZoneInfo) -> bool | None:
        if value is None:
            return None
        return parse_flag(value)

    def render(self, value: Any, zone: ZoneInfo) -> object:
        return None if value is None else ("Y" if value else "N")


class BooleanKind(FlagKind):
    """Flags that Bitrix24 renders as JSON booleans (``user.current`` ``ACTIVE``)."""

    def render(self, value: Any, zone: ZoneInfo) -> object:
        return None if value is None else bool(value)


def parse_datetime(value: object, zone: ZoneInfo) -> datetime:
    """ISO 8601 with or without an offset, or the portal's ``DD.MM.YYYY[ HH:MM:SS]``, to UTC."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            moment = _parse_portal_format(text)
    else:
        raise FieldValueError("a date and time in ISO 8601 is expected")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC).replace(tzinfo=None)


def _parse_portal_format(text: str) -> datetime:
    for pattern in ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise FieldValueError("a date and time in ISO 8601 is expected")


def render_datetime(value: datetime, zone: ZoneInfo) -> str:
    return value.replace(tzinfo=UTC).astimezone(zone).isoformat(timespec="seconds")


class DateTimeKind(Kind):
    """Stored as naive UTC; rendered with the portal zone's offset, daylight saving included."""

    sql_type = Seconds()
    empty = ""

    def parse(self, value: object, zone: ZoneInfo) -> datetime | None:
        if value is None or value == "":
            return None
        return parse_datetime(value, zone)

    def render(self, value: Any, zone: ZoneInfo) -> object:
        return "" if value is None else render_datetime(value, zone)


class DateKind(Kind):
    sql_type = Date()
    empty = ""

    def parse(self, value: object, zone: ZoneInfo) -> date | None:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            text = value.strip()
            for parse in (date.fromisoformat, _portal_date):
                try:
                    return parse(text[:10])
                except ValueError:
                    continue
        raise FieldValueError("a date (YYYY-MM-DD) is expected")

    def render(self, value: Any, zone: ZoneInfo) -> object:
        if value is None:
            return ""
        midnight = datetime(value.year, value.month, value.day, tzinfo=zone)
        return midnight.isoformat(timespec="seconds")


def _portal_date(text: str) -> date:
    return datetime.strptime(text, "%d.%m.%Y").date()


STRING = StringKind()
TEXT = StringKind(None)
CODE = CodeKind()
INTEGER = IntegerKind()
COUNT = CountKind()
MONEY = MoneyKind()
PRICE = MoneyKind(negative=False)
NUMBER = NumberKind()
FLAG = FlagKind()
BOOLEAN = BooleanKind()
DATETIME = DateTimeKind()
DATE = DateKind()


class StructuredKind(Kind):
    """Values kept outside the entity's row (multifields, bindings): the owner parses them."""

    likeable = True

    def parse(self, value: object, zone: ZoneInfo) -> object:
        return value


STRUCTURED = StructuredKind()
