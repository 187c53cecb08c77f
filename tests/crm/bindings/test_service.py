"""bindings.normalised on its own: the order and the one primary every change stores."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from leadcrm.crm.bindings.service import Binding, normalised


def test_the_first_marked_binding_stays_primary() -> None:
    got = normalised([Binding(3, 20, is_primary=True), Binding(5, 10, is_primary=True)])
    assert [(b.target_id, b.is_primary) for b in got] == [(5, True), (3, False)]


def test_with_none_marked_the_first_in_order_is_primary() -> None:
    got = normalised([Binding(9, 20), Binding(4, 20), Binding(7, 30)])
    assert [(b.target_id, b.is_primary) for b in got] == [(4, True), (9, False), (7, False)]


def test_nothing_stays_nothing() -> None:
    assert normalised([]) == []


BINDINGS = st.lists(
    st.builds(Binding, st.integers(1, 50), st.integers(0, 100), st.just(0), st.booleans()),
    unique_by=lambda b: b.target_id,
    max_size=8,
)


@given(BINDINGS)
def test_any_list_gets_exactly_one_primary_and_a_stable_order(bindings: list[Binding]) -> None:
    got = normalised(bindings)
    assert sorted(b.target_id for b in got) == sorted(b.target_id for b in bindings)
    assert sum(b.is_primary for b in got) == (1 if bindings else 0)
    assert [(b.sort, b.target_id) for b in got] == sorted((b.sort, b.target_id) for b in got)
    assert normalised(got) == got
