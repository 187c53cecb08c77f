"""prices.work_out and prices.amount on their own: the docs' three worked checks, both
discount types and the amount's per-line rounding, in exact decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from leadcrm.crm.productrows.prices import ABSOLUTE, PERCENTAGE, amount, work_out

D = Decimal


@pytest.mark.parametrize(
    ("price", "tax", "rate", "expected"),
    [
        # (exclusive, netto, brutto, discount sum), checklist 9.3
        ("80000", "20", "20", ("66666.67", "83333.34", "100000.01", "16666.67")),
        ("22175.328", "12", "40", ("19799.40", "32999.00", "36958.88", "13199.60")),
        ("90000", "10", "10", ("81818.18", "90909.09", "100000.00", "9090.91")),
    ],
)
def test_the_documented_examples_come_out_to_the_cent(
    price: str, tax: str, rate: str, expected: tuple[str, str, str, str]
) -> None:
    prices = work_out(
        price=D(price),
        tax_rate=D(tax),
        discount_type=PERCENTAGE,
        discount_rate=D(rate),
        discount_sum=D(0),
    )
    got = (prices.exclusive, prices.netto, prices.brutto, prices.discount_sum)
    assert got == tuple(D(v) for v in expected)
    assert prices.discount_rate == D(rate)


def test_an_absolute_discount_gives_its_rate() -> None:
    prices = work_out(
        price=D("90"), tax_rate=None, discount_type=ABSOLUTE, discount_rate=D(0), discount_sum=D(10)
    )
    assert (prices.exclusive, prices.netto, prices.brutto) == (D("90.00"), D("100.00"), D("100.00"))
    assert (prices.discount_rate, prices.discount_sum) == (D("10.00"), D(10))


def test_a_full_percentage_discount_takes_the_given_sum() -> None:
    # At 100% the price is 0 whatever was discounted: only the given sum can say.
    prices = work_out(
        price=D(0),
        tax_rate=D(10),
        discount_type=PERCENTAGE,
        discount_rate=D(100),
        discount_sum=D(50),
    )
    assert (prices.exclusive, prices.netto, prices.brutto) == (D("0.00"), D("50.00"), D("55.00"))


def test_an_absolute_discount_on_nothing_has_no_rate() -> None:
    prices = work_out(
        price=D(0), tax_rate=None, discount_type=ABSOLUTE, discount_rate=D(0), discount_sum=D(0)
    )
    assert prices.discount_rate == D(0)


def test_the_amount_rounds_each_line_half_up() -> None:
    # 19.99 * 0.5 = 9.995: half up to 10.00 (binary floats give 9.99); 3 * 0.333 = 0.999.
    assert amount([(D("19.99"), D("0.5")), (D("0.333"), D(3))]) == D("11.00")
    assert amount([]) == D("0.00")
