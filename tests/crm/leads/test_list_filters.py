"""crm.lead.list's filter grammar, order and paging against a reference written in Python.

About sixty leads are seeded with values chosen to tell operators apart (case variants, ``%``
and ``_`` in text, empty and unset values, codes, amounts, users, dates, phones and e-mails).
Hypothesis then draws filters, orders and page walks; the ids ``crm.lead.list`` answers must
be exactly the ids the reference below computes from the documented semantics and the
policies of docs/compatibility.md ("Lists"). The reference never calls the list engine.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cmp_to_key
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import update
from starlette.testclient import TestClient

from leadcrm.app import create_app
from leadcrm.crm.leads.tables import leads
from leadcrm.runtime import Runtime
from leadcrm.settings import Settings
from leadcrm.users.service import create_user
from tests import databases
from tests.conftest import Template
from tests.support import Api
from tests.test_listing import DOCUMENTED_PREFIXES

# --- the reference --------------------------------------------------------------------------

# The documented prefixes; the reference splits them off longest first on its own.
PREFIXES = DOCUMENTED_PREFIXES
NEGATED = {"ne", "not_in", "not_contains", "not_like"}
LIKES = {"contains", "not_contains", "like", "not_like"}
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}

# How each field is kept: "text" is the only kind LIKE works on; multifields match any value.
KINDS = {
    "ID": "int",
    "TITLE": "text",
    "NAME": "text",
    "STATUS_ID": "code",
    "SOURCE_ID": "code",
    "OPPORTUNITY": "money",
    "ASSIGNED_BY_ID": "int",
    "DATE_CREATE": "datetime",
    "BIRTHDATE": "date",
    "OPENED": "flag",
    "PHONE": "phone",
    "EMAIL": "email",
}
MULTI_KINDS = ("phone", "email")
MULTIFIELDS = ("PHONE", "EMAIL")
SORTABLE = [name for name, kind in KINDS.items() if kind not in MULTI_KINDS]

Lead = dict[str, Any]


def split_key(key: str) -> tuple[str, str]:
    for prefix in sorted(PREFIXES, key=len, reverse=True):
        if prefix and key.startswith(prefix):
            return PREFIXES[prefix], key[len(prefix) :]
    return "eq", key


def is_empty_value(value: object) -> bool:
    return value is None or value == ""


def normalise(kind: str, value: str) -> str:
    """A phone by its digits, an e-mail in any case (compatibility.md, multifield filters)."""
    if kind == "phone":
        return "".join(ch for ch in value if ch in "0123456789")
    return value.strip().lower()


def like(text: str, pattern: str) -> bool:
    """SQL LIKE without case: ``%`` any run, ``_`` one character, nothing else special."""
    regex = "".join(
        ".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern.lower()
    )
    return re.fullmatch(regex, text.lower(), re.DOTALL) is not None


def normalise_pattern(kind: str, pattern: str) -> str:
    if kind == "phone":
        return "".join(ch for ch in pattern if ch in "0123456789%_")
    return pattern.strip().lower()


def matches(lead: Lead, key: str, raw: object) -> bool:
    operation, name = split_key(key)
    kind = KINDS[name.upper()]
    stored = lead[name.upper()]
    items = raw if isinstance(raw, list) else [raw]
    if operation in LIKES and kind != "text" and kind not in MULTI_KINDS:
        operation = "ne" if operation in NEGATED else "eq"
    negated = operation in NEGATED
    empty = not stored if kind in MULTI_KINDS else stored is None or stored == ""
    if items and all(is_empty_value(item) for item in items):
        return empty != negated
    wants_empty = any(is_empty_value(item) for item in items)
    values = [item for item in items if not is_empty_value(item)]
    if kind in MULTI_KINDS:
        found = [normalise(kind, s) for s in stored]
        if operation in ("contains", "not_contains"):
            hit = any(normalise(kind, str(v)) in s for v in values for s in found)
        elif operation in ("like", "not_like"):
            hit = any(like(s, normalise_pattern(kind, str(v))) for v in values for s in found)
        else:
            # "Filters for these fields only work on exact matches."
            hit = any(normalise(kind, str(v)) in found for v in values)
    elif stored is None:
        hit = False
    elif operation in COMPARISONS:
        (value,) = values
        hit = COMPARISONS[operation](stored, value)
    elif operation in ("contains", "not_contains"):
        hit = any(str(v).lower() in stored.lower() for v in values)
    elif operation in ("like", "not_like"):
        hit = any(like(stored, str(v)) for v in values)
    else:
        hit = stored in values
    if negated:
        return not hit and not (wants_empty and empty)
    return hit or (wants_empty and empty)


def sort_key(value: object) -> tuple[int, Any]:
    """NULLs are the smallest values: first ascending, last descending."""
    return (0, 0) if value is None else (1, value)


def ordered(rows: list[Lead], order: dict[str, str]) -> list[int]:
    keys = [(name.upper(), direction.upper() == "DESC") for name, direction in order.items()]
    if all(name != "ID" for name, _ in keys):
        keys.append(("ID", keys[-1][1] if keys else False))

    def compare(a: Lead, b: Lead) -> int:
        for name, descending in keys:
            left, right = sort_key(a[name]), sort_key(b[name])
            if left != right:
                result = -1 if left < right else 1
                return -result if descending else result
        return 0

    return [row["ID"] for row in sorted(rows, key=cmp_to_key(compare))]


def expected_ids(rows: list[Lead], filter_: dict[str, Any], order: dict[str, str]) -> list[int]:
    kept = [row for row in rows if all(matches(row, k, v) for k, v in filter_.items())]
    return ordered(kept, order)


# --- the seeded leads ---------------------------------------------------------------------

TITLES = [
    "Alpha",
    "alpha",
    "ALPHA",
    "Alphabet soup",
    "Beta 50%",
    "beta_50",
    "Beta_50% off",
    "100% sure",
    "x_y",
    "xay",
    "Иван Петров",
    "иван петров",
    "ИВАН",
    "École",
    "école",
    "back\\slash",
    "O'Brien",
    "  spaced  ",
    "Lead #7",
]
NAMES = ["Gleb", "gleb", "GLEB", "", None, "Анна", "анна", "a%b", "a_b", "aXb", "Gleb Jr", "Zoë"]
STATUSES = ["NEW", "IN_PROCESS", "PROCESSED", "CONVERTED", "JUNK"]
SOURCES = ["CALL", "EMAIL", "WEB", "PARTNER", None, "OTHER"]
AMOUNTS = ["0", "100", "100.50", "99.99", "12500", "1000000", "0.01"]
BIRTHDATES = [None, "1990-05-17", "1985-12-31", "2000-02-29", "1990-05-18"]
PHONES: list[list[str]] = [
    [],
    ["+7 (495) 555-88-00"],
    ["555888"],
    ["+1 555 888", "8 800 200 00 00"],
    ["74955558800"],
    [],
    ["555-888"],
]
EMAILS: list[list[str]] = [
    [],
    ["Gleb@Example.com"],
    ["gleb@example.com", "other@mail.ru"],
    [],
    ["Anna@Example.COM"],
    ["иван@пример.рф"],
]
LEAD_COUNT = 60
FIRST_MOMENT = datetime(2024, 3, 10, 9, 0, 0)


def _moment(i: int) -> datetime:
    """Creation moments in an order unlike the ids', each shared by two leads."""
    return FIRST_MOMENT + timedelta(minutes=97 * ((i * 7) % 30))


def _seed(api: Api) -> list[Lead]:
    with api.runtime.engine.begin() as conn:
        others = [create_user(conn, name=n, zone=api.runtime.zone) for n in ("Ann", "Bob")]
    users = [1, *others]
    ids = []
    for i in range(LEAD_COUNT):
        fields: dict[str, Any] = {
            "TITLE": TITLES[i % len(TITLES)],
            "STATUS_ID": STATUSES[(i * 3) % len(STATUSES)],
            "OPPORTUNITY": AMOUNTS[(i * 5) % len(AMOUNTS)],
            "ASSIGNED_BY_ID": users[(i * 2) % len(users)],
            "OPENED": "Y" if i % 3 else "N",
        }
        optional = {
            "NAME": NAMES[(i * 5) % len(NAMES)],
            "SOURCE_ID": SOURCES[i % len(SOURCES)],
            "BIRTHDATE": BIRTHDATES[(i * 3) % len(BIRTHDATES)],
        }
        fields.update({k: v for k, v in optional.items() if v is not None})
        phones = PHONES[(i * 3) % len(PHONES)]
        emails = EMAILS[(i * 5) % len(EMAILS)]
        if phones:
            fields["PHONE"] = [{"VALUE": v, "VALUE_TYPE": "WORK"} for v in phones]
        if emails:
            fields["EMAIL"] = [{"VALUE": v, "VALUE_TYPE": "HOME"} for v in emails]
        ids.append(api.call("crm.lead.add", {"fields": fields}))
    with api.runtime.engine.begin() as conn:
        for i, lead_id in enumerate(ids):
            conn.execute(update(leads).where(leads.c.id == lead_id).values(date_create=_moment(i)))
    return [_as_python(api.call("crm.lead.get", {"id": lead_id})) for lead_id in ids]


def _as_python(lead: dict[str, Any]) -> Lead:
    """What the reference compares: the lead as crm.lead.get shows it, in Python values."""

    def moment(text: str) -> datetime | None:
        return datetime.fromisoformat(text).astimezone(UTC).replace(tzinfo=None) if text else None

    return {
        "ID": int(lead["ID"]),
        "TITLE": lead["TITLE"],
        "NAME": lead["NAME"],
        "STATUS_ID": lead["STATUS_ID"],
        "SOURCE_ID": lead["SOURCE_ID"],
        "OPPORTUNITY": None if lead["OPPORTUNITY"] is None else Decimal(lead["OPPORTUNITY"]),
        "ASSIGNED_BY_ID": None if lead["ASSIGNED_BY_ID"] is None else int(lead["ASSIGNED_BY_ID"]),
        "DATE_CREATE": moment(lead["DATE_CREATE"]),
        "BIRTHDATE": date.fromisoformat(lead["BIRTHDATE"][:10]) if lead["BIRTHDATE"] else None,
        "OPENED": None if lead["OPENED"] is None else lead["OPENED"] == "Y",
        "PHONE": [item["VALUE"] for item in lead.get("PHONE", [])],
        "EMAIL": [item["VALUE"] for item in lead.get("EMAIL", [])],
    }


# --- strategies ---------------------------------------------------------------------------


Draw = Callable[[st.SearchStrategy[Any]], Any]


@dataclass(frozen=True)
class Drawn:
    """A filter value: what the reference compares, and how the client sends it."""

    value: Any
    wire: Any


def _pool(rows: list[Lead], name: str) -> list[Any]:
    if name in MULTIFIELDS:
        found = [v for row in rows for v in row[name]]
    else:
        found = [row[name] for row in rows if row[name] not in (None, "")]
    return sorted(set(found), key=repr)


def _text_variants(text: str) -> st.SearchStrategy[str]:
    cut = st.integers(0, len(text))
    return st.one_of(
        st.just(text),
        st.sampled_from([text.upper(), text.lower(), text.swapcase(), text + "x", "x" + text]),
        st.tuples(cut, cut).map(lambda ij: text[min(ij) : max(ij)]),
    )


def _pattern(text: str) -> st.SearchStrategy[str]:
    """A ``=%`` pattern made from a stored text: wildcards at the ends, ``_`` in the middle."""

    def build(args: tuple[int, int, bool, bool, list[int], bool]) -> str:
        i, j, lead, trail, blanks, upper = args
        core = list(text[min(i, j) : max(i, j)])
        for k in blanks:
            if core:
                core[k % len(core)] = "_"
        pattern = ("%" if lead else "") + "".join(core) + ("%" if trail else "")
        return pattern.upper() if upper else pattern

    cut = st.integers(0, len(text))
    return st.tuples(
        cut,
        cut,
        st.booleans(),
        st.booleans(),
        st.lists(st.integers(0, 50), max_size=2),
        st.booleans(),
    ).map(build)


EXTRA_TEXT = ["%", "_", "\\", "50%", "a_", "иван", "ÉCOLE", "zzz", "Lead #", " ", "Gleb Jr"]


def _value(draw: Draw, rows: list[Lead], name: str, operation: str, zone: ZoneInfo) -> Drawn:
    kind = KINDS[name]
    pool = _pool(rows, name)
    if kind == "text" or kind in MULTI_KINDS:
        base = draw(st.sampled_from(pool + EXTRA_TEXT))
        if operation in ("like", "not_like"):
            text = draw(st.one_of(_pattern(base), st.sampled_from(EXTRA_TEXT)))
        elif kind == "phone":
            digits = normalise("phone", base) or "555"
            text = draw(
                st.sampled_from(
                    [base, digits, f"+{digits}", " ".join(digits), digits[:-1], digits + "0"]
                )
            )
        else:
            text = draw(_text_variants(base))
        return Drawn(text, text)
    if kind == "code":
        code = draw(st.sampled_from([*pool, "new", "UNKNOWN", "NE", "CALL"]))
        return Drawn(code, code)
    if kind == "money":
        amount = draw(st.sampled_from(pool)) + draw(
            st.sampled_from([Decimal(0), Decimal("0.01"), Decimal("-0.01"), Decimal(1)])
        )
        spellings = [f"{amount:.2f}", format(amount.normalize(), "f"), float(amount)]
        wire = draw(st.sampled_from(spellings))
        return Drawn(amount, wire)
    if kind == "int":
        number = draw(st.sampled_from(pool)) + draw(st.sampled_from([0, 0, 1, -1]))
        return Drawn(number, draw(st.sampled_from([number, str(number)])))
    if kind == "datetime":
        moment = draw(st.sampled_from(pool)) + draw(
            st.sampled_from([timedelta(0), timedelta(seconds=1), -timedelta(seconds=1)])
        )
        return Drawn(moment, draw(_moment_text(moment, zone)))
    if kind == "date":
        day = draw(st.sampled_from(pool)) + timedelta(days=draw(st.sampled_from([0, 0, 1, -1])))
        return Drawn(day, draw(st.sampled_from([day.isoformat(), day.strftime("%d.%m.%Y")])))
    assert kind == "flag"
    flag = draw(st.booleans())
    spellings = ["Y", True, "1", "true"] if flag else ["N", False, "0", "false"]
    return Drawn(flag, draw(st.sampled_from(spellings)))


def _moment_text(moment: datetime, zone: ZoneInfo) -> st.SearchStrategy[str]:
    utc = moment.replace(tzinfo=UTC)
    local = utc.astimezone(zone).replace(tzinfo=None)
    return st.sampled_from(
        [
            utc.astimezone(ZoneInfo("Europe/Moscow")).isoformat(),
            utc.isoformat().replace("+00:00", "Z"),
            local.isoformat(),
            local.strftime("%d.%m.%Y %H:%M:%S"),
        ]
    )


@st.composite
def filters(draw: st.DrawFn, rows: list[Lead], zone: ZoneInfo) -> tuple[dict[str, Any], Any]:
    """A filter for the server and the same filter in reference values."""
    sent: dict[str, Any] = {}
    reference: dict[str, Any] = {}
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(sorted(KINDS)))
        prefix = draw(st.sampled_from(sorted(PREFIXES)))
        operation = PREFIXES[prefix]
        key = prefix + draw(st.sampled_from([name, name.lower()]))
        shape = draw(st.sampled_from(["scalar"] * 6 + ["empty", "list"]))
        if operation in ("in", "not_in"):
            shape = draw(st.sampled_from(["list", "list", "scalar", "empty"]))
        if shape == "empty":
            empty = draw(st.sampled_from(["", None, [""]]))
            sent[key], reference[key] = empty, empty
        elif shape == "list" and operation not in COMPARISONS:
            drawn = [
                _value(draw, rows, name, operation, zone) for _ in range(draw(st.integers(0, 3)))
            ]
            if draw(st.integers(0, 2)) == 0:
                drawn.append(Drawn("", ""))
            sent[key] = [d.wire for d in drawn]
            reference[key] = [d.value for d in drawn]
        else:
            one = _value(draw, rows, name, operation, zone)
            sent[key], reference[key] = one.wire, one.value
    return sent, reference


def orders(names: list[str] = SORTABLE) -> st.SearchStrategy[dict[str, str]]:
    directions = st.sampled_from(["asc", "desc", "ASC", "DESC", "Desc"])
    return st.dictionaries(st.sampled_from(names), directions, max_size=2)


def _list(api: Api, params: dict[str, Any]) -> list[int]:
    """Every page of a list, walked by `next`; checks total and next on each page."""
    ids: list[int] = []
    start = 0
    while True:
        body = api.post("crm.lead.list", {**params, "select": ["ID"], "start": start}).json()
        assert "error" not in body, (params, body)
        ids += [int(item["ID"]) for item in body["result"]]
        assert len(body["result"]) <= 50
        if "next" not in body:
            assert body["total"] == len(ids), (params, body["total"], len(ids))
            return ids
        assert body["next"] == start + 50 and body["total"] > body["next"], body
        start = body["next"]


def _explain(rows: list[Lead], got: list[int], want: list[int]) -> str:
    by_id = {row["ID"]: row for row in rows}
    extra = [by_id.get(i, i) for i in got if i not in want]
    missing = [by_id[i] for i in want if i not in got]
    return f"\nextra: {extra}\nmissing: {missing}\ngot: {got}\nwant: {want}"


EMPTIES: list[Any] = ["", None, [""], [None, ""]]
EXAMPLES = settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def seeded(
    template: Template, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Api, list[Lead]]]:
    """One database per backend for the module, seeded once; the tests only read it."""
    workdir = tmp_path_factory.mktemp("list-filters")
    with databases.copy_of(template.backend, template.location, workdir) as url:
        runtime = Runtime.from_settings(Settings(database_url=url, var_dir=workdir))
        try:
            with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
                path = template.admin_webhook.split("://", 1)[1].split("/", 1)[1]
                api = Api(client, "/" + path, runtime)
                yield api, _seed(api)
        finally:
            runtime.engine.dispose()


@pytest.mark.parametrize("prefix", sorted(PREFIXES))
def test_every_operator_on_every_field_agrees_with_the_reference(
    seeded: tuple[Api, list[Lead]], prefix: str
) -> None:
    """The prefix on each field: with a drawn value, and with an empty one."""
    api, rows = seeded
    zone = api.runtime.zone

    # No shrinking: the message names the key and the value, and each step costs requests.
    @settings(max_examples=1, deadline=None, phases=[Phase.explicit, Phase.generate])
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        for i, name in enumerate(KINDS):
            key = prefix + name
            one = _value(data.draw, rows, name, PREFIXES[prefix], zone)
            empty = EMPTIES[i % len(EMPTIES)]
            checks = [(one.wire, one.value), (empty, empty)]
            if PREFIXES[prefix] not in COMPARISONS:
                checks.append(([one.wire, ""], [one.value, ""]))
            for sent, reference in checks:
                got = _list(api, {"filter": {key: sent}})
                want = expected_ids(rows, {key: reference}, {})
                assert got == want, f"{key}={sent!r}" + _explain(rows, got, want)

    check()


# Values that tell case folding in any script, literal and wildcard `%`/`_`, backslashes and
# normalised multifields apart.
PROBES = {
    "TITLE": ["иван", "ÉCOLE", "50%", "_", "\\", "%Alpha%", "x_y", "%\\%", "ALPHA_"],
    "NAME": ["gleb", "анна".upper(), "a%b", "a_b", "%", "Zo_"],
    "PHONE": ["+7 (495) 555-88-00", "555888", "555%", "%888", "5_5888", "+1"],
    "EMAIL": ["GLEB@EXAMPLE.COM", "%@example.com", "ИВАН@ПРИМЕР.РФ", "example", "_leb@%"],
}


@pytest.mark.parametrize("prefix", ["", "!", "%", "!%", "=%", "!=%"])
def test_text_search_folds_case_in_any_script_and_keeps_wildcards_apart(
    seeded: tuple[Api, list[Lead]], prefix: str
) -> None:
    api, rows = seeded
    for name, probes in PROBES.items():
        for probe in probes:
            key = prefix + name
            got = _list(api, {"filter": {key: probe}})
            want = expected_ids(rows, {key: probe}, {})
            assert got == want, f"{key}={probe!r}" + _explain(rows, got, want)


def test_random_filters_orders_and_pages_agree_with_the_reference(
    seeded: tuple[Api, list[Lead]],
) -> None:
    api, rows = seeded
    zone = api.runtime.zone
    sizes: list[int] = []

    @EXAMPLES
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        sent, reference = data.draw(filters(rows, zone), label="filter")
        order = data.draw(orders(), label="order")
        got = _list(api, {"filter": sent, "order": order})
        want = expected_ids(rows, reference, order)
        assert got == want, _explain(rows, got, want)
        sizes.append(len(want))

    check()
    # The examples must have told rows apart, not only matched all or nothing.
    assert sum(1 for n in sizes if 0 < n < LEAD_COUNT) >= len(sizes) // 5, sorted(sizes)


def test_random_orders_agree_with_the_reference(seeded: tuple[Api, list[Lead]]) -> None:
    api, rows = seeded

    @EXAMPLES
    @given(order=orders())
    def check(order: dict[str, str]) -> None:
        got = _list(api, {"order": order})
        assert got == expected_ids(rows, {}, order), order

    check()


def test_a_creation_time_read_from_the_list_filters_back_to_its_lead(api: Api) -> None:
    """DATE_CREATE as the client reads it (whole seconds) finds the lead with =, <= and >=."""
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "now"}})
    (listed,) = api.call("crm.lead.list", {"select": ["DATE_CREATE"]})
    moment = listed["DATE_CREATE"]
    for prefix in ("", "=", "<=", ">="):
        found = api.call("crm.lead.list", {"filter": {prefix + "DATE_CREATE": moment}})
        assert [int(item["ID"]) for item in found] == [lead_id], prefix
    for prefix in ("<", ">", "!"):
        assert api.call("crm.lead.list", {"filter": {prefix + "DATE_CREATE": moment}}) == []
