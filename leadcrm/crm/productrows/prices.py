"""A product row's prices, worked out the way Bitrix24's examples show, in decimals.

PRICE is the final unit price, after the discount and with the tax (whatever TAX_INCLUDED
says). Each step rounds to the cent and the next step starts from the rounded value: that is
what makes the add example's 83333.34 and 100000.01 come out (docs/compatibility.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ABSOLUTE = 1
PERCENTAGE = 2


def to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Prices:
    exclusive: Decimal  # after the discount, without the tax
    netto: Decimal  # before the discount, without the tax
    brutto: Decimal  # before the discount, with the tax
    discount_rate: Decimal
    discount_sum: Decimal


def work_out(
    *,
    price: Decimal,
    tax_rate: Decimal | None,
    discount_type: int,
    discount_rate: Decimal,
    discount_sum: Decimal,
) -> Prices:
    """The derived prices; ``discount_sum`` counts for a percentage discount only at 100%,
    where the price alone cannot tell what was discounted."""
    tax = (tax_rate or Decimal(0)) / HUNDRED
    exclusive = to_cents(price / (1 + tax))
    if discount_type == PERCENTAGE and discount_rate != HUNDRED:
        netto = to_cents(exclusive / (1 - discount_rate / HUNDRED))
        discount_sum = to_cents(netto - exclusive)
    else:
        netto = to_cents(exclusive + discount_sum)
        if discount_type == ABSOLUTE:
            discount_rate = to_cents(discount_sum / netto * HUNDRED) if netto else Decimal(0)
    brutto = to_cents(netto * (1 + tax))
    return Prices(exclusive, netto, brutto, discount_rate, discount_sum)


def amount(rows: list[tuple[Decimal, Decimal]]) -> Decimal:
    """A lead's amount from its rows' (price, quantity): each line rounded as money."""
    return sum((to_cents(price * quantity) for price, quantity in rows), Decimal("0.00"))
