"""The list engine on its own: the filter-key grammar, select masks, order, start and paging.

Parsing is checked on a small catalogue of its own and on the lead catalogue; ``run`` is
checked on real databases (the users table, and leads through ``crm.lead.list``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, event, update

from leadcrm.catalogue import Catalogue, Field
from leadcrm.catalogue.kinds import INTEGER, MONEY, STRING, STRUCTURED, Kind
from leadcrm.crm.leads.fields import LEAD_FIELDS
from leadcrm.listing import (
    MAX_START,
    OPERATORS,
    PAGE_SIZE,
    Condition,
    ListQuery,
    ListResult,
    parse_filter,
    parse_list,
    parse_order,
    parse_select,
    parse_start,
    run,
    split_filter_key,
)
from leadcrm.rest.errors import RestError
from leadcrm.runtime import Runtime
from leadcrm.users.fields import USER_FIELDS
from leadcrm.users.service import create_user
from leadcrm.users.tables import users
from tests.support import Api

UTC = ZoneInfo("UTC")


def _field(name: str, kind: Kind = STRING, **options: Any) -> Field:
    options.setdefault("column", name.lower())
    return Field(name=name, type="string", kind=kind, title=name, **options)


# Every shape a select mask has to tell apart.
SAMPLE = Catalogue(
    "SAMPLE",
    [
        _field("ID", INTEGER, read_only=True),
        _field("TITLE"),
        _field("AMOUNT", MONEY),
        _field("HIDDEN", in_star=False),
        _field("PHONE", STRUCTURED, column=None, multiple=True, in_star=False, sortable=False),
        _field("UF_CRM_ONE", dynamic=True),
        _field("UF_CRM_MANY", dynamic=True, multiple=True),
    ],
)


def _error(call: Any, *args: Any, **kwargs: Any) -> str:
    """The description of the 400 a CRM list answers with (its code is empty)."""
    with pytest.raises(RestError) as raised:
        call(*args, **kwargs)
    assert (raised.value.code, raised.value.status) == ("", 400)
    return raised.value.description


# --- filter keys -------------------------------------------------------------------------

DOCUMENTED_PREFIXES = {
    "": "eq",
    "=": "eq",
    "!": "ne",
    "!=": "ne",
    "<": "lt",
    "<=": "le",
    ">": "gt",
    ">=": "ge",
    "%": "contains",
    "!%": "not_contains",
    "=%": "like",
    "%=": "like",
    "!=%": "not_like",
    "!%=": "not_like",
    "@": "in",
    "!@": "not_in",
}


@pytest.mark.parametrize(("prefix", "operation"), DOCUMENTED_PREFIXES.items())
def test_every_documented_prefix_splits_off_its_operation(prefix: str, operation: str) -> None:
    assert split_filter_key(prefix + "TITLE") == (operation, "TITLE")
    assert split_filter_key(prefix + "title") == (operation, "title")


def test_the_operator_table_is_the_documented_one() -> None:
    assert dict(OPERATORS) | {"": "eq"} == DOCUMENTED_PREFIXES
    assert len(OPERATORS) == len(DOCUMENTED_PREFIXES) - 1


def test_longer_prefixes_are_tried_before_the_prefixes_they_start_with() -> None:
    prefixes = [prefix for prefix, _ in OPERATORS]
    for i, shorter in enumerate(prefixes):
        for longer in prefixes[i + 1 :]:
            assert not longer.startswith(shorter), f"{longer!r} is shadowed by {shorter!r}"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("!=%NAME", ("not_like", "NAME")),  # not `!=` on `%NAME`
        ("!%=NAME", ("not_like", "NAME")),  # not `!%` on `=NAME`
        ("%=NAME", ("like", "NAME")),  # not `%` on `=NAME`
        ("=%NAME", ("like", "NAME")),  # not `=` on `%NAME`
        ("!@ID", ("not_in", "ID")),  # not `!` on `@ID`
        (">=ID", ("ge", "ID")),
        ("<=ID", ("le", "ID")),
        ("%%NAME", ("contains", "%NAME")),  # one prefix only: the rest is the field name
        ("", ("eq", "")),
    ],
)
def test_prefixes_are_matched_longest_first(key: str, expected: tuple[str, str]) -> None:
    assert split_filter_key(key) == expected


def _lead(name: str) -> Field:
    field = LEAD_FIELDS.get(name)
    assert field is not None
    return field


def _one(raw: dict[str, Any], catalogue: Catalogue = LEAD_FIELDS) -> Condition:
    (condition,) = parse_filter(catalogue, raw, UTC)
    return condition


def test_like_on_a_field_that_is_not_text_is_equality() -> None:
    for prefix, expected in (("%", "eq"), ("=%", "eq"), ("!%", "ne"), ("!=%", "ne")):
        for name, value in (("STATUS_ID", "NEW"), ("ASSIGNED_BY_ID", "1"), ("OPENED", "Y")):
            condition = _one({prefix + name: value})
            assert condition.operation == expected, (prefix, name)
    assert _one({"%STATUS_ID": ["NEW", "JUNK"]}).operation == "in"
    assert _one({"!%STATUS_ID": ["NEW", "JUNK"]}).operation == "not_in"
    assert _one({"%TITLE": "x"}).operation == "contains"


def test_an_array_is_in_and_with_a_negation_not_in() -> None:
    assert (_one({"STATUS_ID": ["NEW", "JUNK"]}).operation) == "in"
    assert (_one({"!STATUS_ID": ["NEW", "JUNK"]}).operation) == "not_in"
    assert (_one({"!=STATUS_ID": ["NEW", "JUNK"]}).operation) == "not_in"
    assert _one({"@STATUS_ID": "NEW"}) == Condition(_lead("STATUS_ID"), "in", ["NEW"])
    assert _one({"ID": ["7"]}) == Condition(_lead("ID"), "eq", [7])
    # A PHP-style map of values is the same list.
    assert _one({"@ID": {"0": "1", "1": "2"}}).values == [1, 2]


@pytest.mark.parametrize("prefix", [p for p in DOCUMENTED_PREFIXES])
@pytest.mark.parametrize("empty", ["", None])
def test_an_empty_value_means_empty_and_negated_not_empty(prefix: str, empty: object) -> None:
    negated = prefix.startswith("!")
    for name in ("TITLE", "OPPORTUNITY", "DATE_CREATE", "STATUS_ID", "PHONE"):
        condition = _one({prefix + name: empty})
        assert condition.operation == ("not_empty" if negated else "empty"), (prefix, name)


def test_filter_refusals_name_the_field() -> None:
    def refused(raw: object) -> str:
        return _error(parse_filter, LEAD_FIELDS, raw, UTC)

    assert refused(["TITLE"]) == "Parameter 'filter' must be array."
    assert refused("TITLE") == "Parameter 'filter' must be array."
    assert "NOPE" in refused({"NOPE": 1})
    assert "NOPE" in refused({">=NOPE": 1})
    assert "CONTACT_IDS" in refused({"CONTACT_IDS": 1})
    assert "OPPORTUNITY" in refused({">OPPORTUNITY": "a lot"})
    assert "DATE_CREATE" in refused({">DATE_CREATE": "yesterday"})
    assert "ASSIGNED_BY_ID" in refused({"ASSIGNED_BY_ID": [1, "one"]})
    assert "TITLE" in refused({"TITLE": {"nested": ["x"]}})
    # A comparison takes one value, not a list of them.
    for value in ([], [1, 2]):
        assert "OPPORTUNITY" in refused({">OPPORTUNITY": value})
    assert _one({">OPPORTUNITY": [5]}).operation == "gt"
    assert parse_filter(LEAD_FIELDS, None, UTC) == []
    assert parse_filter(LEAD_FIELDS, [], UTC) == []


# --- select ------------------------------------------------------------------------------


def _names(fields: list[Field]) -> list[str]:
    return [f.name for f in fields]


def test_star_is_every_plain_field_and_uf_star_every_single_custom_field() -> None:
    assert _names(parse_select(SAMPLE, ["*"], ())) == ["ID", "TITLE", "AMOUNT"]
    assert _names(parse_select(SAMPLE, ["UF_*"], ())) == ["ID", "UF_CRM_ONE"]
    assert _names(parse_select(SAMPLE, ["uf_*", "*"], ())) == [
        "ID",
        "TITLE",
        "AMOUNT",
        "UF_CRM_ONE",
    ]
    default = parse_select(SAMPLE, None, ("*", "UF_*"))
    assert _names(default) == ["ID", "TITLE", "AMOUNT", "UF_CRM_ONE"]
    assert parse_select(SAMPLE, [], ("*", "UF_*")) == default
    assert parse_select(SAMPLE, "", ("*", "UF_*")) == default


def test_named_fields_come_in_catalogue_order_with_the_id() -> None:
    selected = parse_select(SAMPLE, ["uf_crm_many", "PHONE", "hidden", "title", "NOPE"], ())
    assert _names(selected) == ["ID", "TITLE", "HIDDEN", "PHONE", "UF_CRM_MANY"]
    assert _names(parse_select(SAMPLE, "TITLE", ())) == ["ID", "TITLE"]
    assert _names(parse_select(SAMPLE, {"0": "AMOUNT"}, ())) == ["ID", "AMOUNT"]
    assert _names(parse_select(SAMPLE, ["NOPE"], ())) == ["ID"]


def test_leads_need_multifields_and_contact_ids_named() -> None:
    star = _names(parse_select(LEAD_FIELDS, ["*", "UF_*"], ()))
    assert "TITLE" in star and "DATE_CREATE" in star
    for name in ("PHONE", "EMAIL", "WEB", "IM", "LINK", "CONTACT_IDS"):
        assert name not in star
        assert name in _names(parse_select(LEAD_FIELDS, ["ID", name], ()))


def test_a_select_that_is_no_list_of_names_is_refused() -> None:
    for raw in (5, [1, 2], [["TITLE"]], True):
        assert _error(parse_select, SAMPLE, raw, ()) == "Parameter 'select' must be array."


# --- order -------------------------------------------------------------------------------


def _order(raw: object, catalogue: Catalogue = SAMPLE) -> list[tuple[str, bool]]:
    return [(f.name, descending) for f, descending in parse_order(catalogue, raw)]


def test_order_is_by_id_unless_given_and_id_always_breaks_ties() -> None:
    nothing: tuple[object, ...] = (None, "", [], {})
    for raw in nothing:
        assert _order(raw) == [("ID", False)]
    assert _order({"TITLE": "desc"}) == [("TITLE", True), ("ID", True)]
    assert _order({"TITLE": "asc"}) == [("TITLE", False), ("ID", False)]
    assert _order({"amount": "Asc", "title": "DESC"}) == [
        ("AMOUNT", False),
        ("TITLE", True),
        ("ID", True),
    ]
    assert _order({"ID": "DESC", "TITLE": "ASC"}) == [("ID", True), ("TITLE", False)]


def test_order_refusals() -> None:
    assert _error(parse_order, SAMPLE, ["TITLE"]) == "Parameter 'order' must be array."
    assert _error(parse_order, SAMPLE, "TITLE") == "Parameter 'order' must be array."
    for direction in ("up", "", None, 1, "ASCENDING"):
        assert "TITLE" in _error(parse_order, SAMPLE, {"TITLE": direction})
    assert "NOPE" in _error(parse_order, SAMPLE, {"NOPE": "ASC"})
    # Multiple and filter-only fields have no order.
    assert "PHONE" in _error(parse_order, SAMPLE, {"PHONE": "ASC"})
    assert "CONTACT_IDS" in _error(parse_order, LEAD_FIELDS, {"CONTACT_IDS": "ASC"})


# --- start -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "start"),
    [(None, 0), ("", 0), (0, 0), ("50", 50), (" 100 ", 100), (-1, -1), ("-1", -1)],
)
def test_start_accepts_offsets_and_minus_one(raw: object, start: int) -> None:
    assert parse_start(raw) == start
    assert parse_start(MAX_START) == MAX_START


@pytest.mark.parametrize(
    "raw",
    # Python's int() takes underscores and other scripts' digits; a start does not.
    [
        *("abc", "1.5", 1.5, "5e1", "1_000", "0x10", "\u0663", "\uff15\uff10", "50 0", "- 1"),
        *([50], {"a": 1}, True),
    ],
)
def test_start_that_is_not_an_integer_is_refused(raw: object) -> None:
    assert _error(parse_start, raw) == "Parameter 'start' must be an integer."


@pytest.mark.parametrize("raw", [-2, "-50", MAX_START + 1, str(10**30), "9" * 5000])
def test_start_out_of_range_is_refused(raw: object) -> None:
    assert _error(parse_start, raw) == "Parameter 'start' is out of range."


def test_parse_list_turns_minus_one_into_a_first_page_without_count() -> None:
    def query(start: object) -> ListQuery:
        return parse_list(
            SAMPLE, select_raw=None, filter_raw=None, order_raw=None, start_raw=start, zone=UTC
        )

    assert (query(-1).start, query(-1).count) == (0, False)
    assert (query(100).start, query(100).count) == (100, True)


# --- run on a database -------------------------------------------------------------------


@contextmanager
def _statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The SQL the engine sends, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _parameters(parameters: Any) -> list[Any]:
    return list(parameters.values()) if isinstance(parameters, dict) else list(parameters)


def _add_users(runtime: Runtime, count: int, name: str) -> list[int]:
    with runtime.engine.begin() as conn:
        return [create_user(conn, name=name, zone=runtime.zone) for _ in range(count)]


def _page(
    runtime: Runtime,
    *,
    start: object = None,
    filter_raw: object = None,
    order_raw: object = None,
) -> ListResult:
    query = parse_list(
        USER_FIELDS,
        select_raw=["ID"],
        filter_raw=filter_raw,
        order_raw=order_raw,
        start_raw=start,
        zone=runtime.zone,
    )
    with runtime.engine.connect() as conn:
        return run(conn, users, query)


@pytest.mark.parametrize("rows", [0, 1, 49, 50, 51, 100, 101])
def test_pages_hold_fifty_rows_with_next_and_total_at_every_boundary(
    runtime: Runtime, rows: int
) -> None:
    ids = _add_users(runtime, rows, "pager")
    _add_users(runtime, 3, "other")
    for start in (0, 49, 50, 51, 100, 150):
        page = _page(runtime, start=start, filter_raw={"NAME": "pager"})
        assert [r["id"] for r in page.rows] == ids[start : start + PAGE_SIZE], start
        assert page.total == rows, start
        assert page.next == (start + PAGE_SIZE if start + PAGE_SIZE < rows else None), start
    # Walking the pages by `next` yields every row once, in order.
    walked: list[int] = []
    start_at: int | None = 0
    while start_at is not None:
        page = _page(runtime, start=start_at, filter_raw={"NAME": "pager"})
        walked += [r["id"] for r in page.rows]
        start_at = page.next
    assert walked == ids


@pytest.mark.parametrize("rows", [0, 50, 51, 120])
def test_start_minus_one_returns_the_first_page_and_counts_nothing(
    runtime: Runtime, rows: int
) -> None:
    ids = _add_users(runtime, rows, "fast")
    with _statements(runtime.engine) as seen:
        page = _page(runtime, start=-1, filter_raw={"NAME": "fast"})
    assert [r["id"] for r in page.rows] == ids[:PAGE_SIZE]
    assert (page.total, page.next) == (None, None)
    assert not [s for s, _ in seen if "count(" in s.lower()]


def test_the_page_reads_fifty_one_keys_then_their_rows_and_counts_only_when_needed(
    runtime: Runtime,
) -> None:
    _add_users(runtime, 60, "counted")
    with _statements(runtime.engine) as seen:
        page = _page(runtime, start=0, filter_raw={"NAME": "counted"})
    keys, rows = [(s, p) for s, p in seen if "count(" not in s.lower() and "b_user" in s]
    assert PAGE_SIZE + 1 in _parameters(keys[1]) or f"LIMIT {PAGE_SIZE + 1}" in keys[0]
    assert " ".join(keys[0].split()).startswith("SELECT b_user.id FROM b_user")
    assert "LIMIT" not in rows[0] and len(_parameters(rows[1])) >= PAGE_SIZE + 1
    assert len([s for s, _ in seen if "count(" in s.lower()]) == 1
    assert (len(page.rows), page.total, page.next) == (50, 60, 50)
    # A first page that holds everything is its own count.
    with _statements(runtime.engine) as seen:
        page = _page(runtime, start=0, filter_raw={"NAME": "nobody"})
    assert (page.rows, page.total, page.next) == ([], 0, None)
    assert not [s for s, _ in seen if "count(" in s.lower()]


def test_a_start_past_the_end_is_an_empty_page_with_the_total(runtime: Runtime) -> None:
    _add_users(runtime, 5, "few")
    for start in (5, 50, MAX_START):
        page = _page(runtime, start=start, filter_raw={"NAME": "few"})
        assert (page.rows, page.total, page.next) == ([], 5, None)


def test_order_puts_nulls_first_ascending_last_descending_and_breaks_ties_by_id(
    runtime: Runtime,
) -> None:
    positions = [None, "b", "", "a", None, "b", "a", ""]
    ids = _add_users(runtime, len(positions), "sorted")
    with runtime.engine.begin() as conn:
        for user_id, position in zip(ids, positions, strict=True):
            conn.execute(update(users).where(users.c.id == user_id).values(work_position=position))
    by_position = {p: [i for i, q in zip(ids, positions, strict=True) if q == p] for p in positions}

    def listed(direction: str) -> list[int]:
        page = _page(runtime, filter_raw={"NAME": "sorted"}, order_raw={"WORK_POSITION": direction})
        return [r["id"] for r in page.rows]

    ascending = [None, "", "a", "b"]
    assert listed("asc") == [i for p in ascending for i in by_position[p]]
    # Descending, the id tie-breaker runs descending too.
    assert listed("DESC") == [i for p in reversed(ascending) for i in reversed(by_position[p])]


def test_order_by_a_date_with_nulls(runtime: Runtime) -> None:
    moments = [datetime(2024, 1, 2), None, datetime(2024, 1, 1), None, datetime(2024, 1, 2)]
    ids = _add_users(runtime, len(moments), "dated")
    with runtime.engine.begin() as conn:
        for user_id, moment in zip(ids, moments, strict=True):
            conn.execute(update(users).where(users.c.id == user_id).values(last_login=moment))
    ascending = _page(runtime, filter_raw={"NAME": "dated"}, order_raw={"LAST_LOGIN": "ASC"})
    assert [r["id"] for r in ascending.rows] == [ids[1], ids[3], ids[2], ids[0], ids[4]]
    descending = _page(runtime, filter_raw={"NAME": "dated"}, order_raw={"LAST_LOGIN": "DESC"})
    assert [r["id"] for r in descending.rows] == [ids[4], ids[0], ids[2], ids[3], ids[1]]


# --- paging while rows are added -----------------------------------------------------------


def _add_leads(api: Api, count: int, title: str) -> list[int]:
    ids: list[int] = []
    for first in range(0, count, 50):
        chunk = range(first, min(first + 50, count))
        commands = {f"c{i}": f"crm.lead.add?fields[TITLE]={title}" for i in chunk}
        added = api.call("batch", {"cmd": commands})["result"]
        ids += [int(added[f"c{i}"]) for i in chunk]
    return ids


def test_default_order_pages_never_skip_or_repeat_while_rows_are_added(api: Api) -> None:
    existing = _add_leads(api, 120, "before")
    seen: list[int] = []
    added: list[int] = []
    start: int | None = 0
    requests = 0
    while start is not None:
        body = api.post("crm.lead.list", {"select": ["ID"], "start": start}).json()
        seen += [int(item["ID"]) for item in body["result"]]
        start = body.get("next")
        requests += 1
        if start is not None and requests <= 3:
            # Between page requests: new rows, and the newest row removed again, so an id
            # handed out once is never handed out again.
            added += _add_leads(api, 7 * requests, f"during {requests}")
            newest = added.pop()
            assert api.call("crm.lead.delete", {"id": newest}) is True
    assert len(seen) == len(set(seen)), "a row came twice"
    assert seen == sorted(seen)
    assert seen == existing + added, "a row was skipped"
