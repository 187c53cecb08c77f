"""Random custom field definitions and values round-trip through the API.

A definition of each type (file aside: files have their own tests) is made with random
settings, single or multiple; random values go in through ``crm.lead.add`` and
``crm.lead.update`` and must come back from ``crm.lead.get`` and ``crm.lead.list`` (selected by
name, by ``UF_*`` and by default) in the wire forms of docs/compatibility.md ("Custom fields"),
and find their leads again through filters (``=``, ``!=``, ``@``, empty, ``>``/``<`` where the
values are ordered, ``%`` for text; a multiple field matches when any of its values does) and
orders (NULLs first ascending, last descending, the ID breaking ties the way the key runs).

The portal runs in Europe/Berlin, so dates and date-times show a real offset (and daylight
saving). Every example makes its own definition (a fresh name), so the examples of one test can
share its database; filters are narrowed to the example's own leads with ``@ID``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.support import Api

ZONE_NAME = "Europe/Berlin"
ZONE = ZoneInfo(ZONE_NAME)

# No shrinking: every step costs requests, and a failure names its draws and values.
EXAMPLES = settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_names = itertools.count(1)


def fresh_name(prefix: str) -> str:
    return f"{prefix}_{next(_names)}"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"timezone": ZONE_NAME}


# --- What a test knows about the portal -----------------------------------------------------


@dataclass
class World:
    api: Api
    backend: str
    users: list[int]
    leads: list[int]
    contacts: list[int]
    directories: dict[str, list[str]]
    currencies: list[str]
    base_currency: str


@pytest.fixture
def world(api: Api, backend: str) -> World:
    users = [1] + [api.new_webhook(scopes=["crm"], name=f"Employee {i}")[0] for i in range(2)]
    targets = [api.call("crm.lead.add", {"fields": {"TITLE": f"Target {i}"}}) for i in range(3)]
    people = [api.call("crm.contact.add", {"fields": {"NAME": f"Person {i}"}}) for i in range(3)]
    types = {item["ID"] for item in api.call("crm.status.entity.types")}
    directories = {}
    for entity in ("SOURCE", "STATUS", "INDUSTRY"):
        if entity in types:
            codes = [
                item["STATUS_ID"]
                for item in api.call("crm.status.list", {"filter": {"ENTITY_ID": entity}})
            ]
            if codes:
                directories[entity] = codes
    assert "SOURCE" in directories, types
    currencies = api.call("crm.currency.list")
    base = [c["CURRENCY"] for c in currencies if c["BASE"] == "Y"]
    assert len(base) == 1, currencies
    return World(
        api=api,
        backend=backend,
        users=users,
        leads=targets,
        contacts=people,
        directories=directories,
        currencies=[c["CURRENCY"] for c in currencies],
        base_currency=base[0],
    )


# --- One value: as sent, as read back, and as compared ----------------------------------------


@dataclass(frozen=True)
class Value:
    sent: Any  # what the client sends
    wire: Any  # what get and list answer
    key: Any  # what filters and orders compare (a Python value that orders as the field does)
    # "naive": a date-time sent without an offset; "bare": an amount sent without a currency.
    form: str = ""


@dataclass
class Definition:
    """A definition as made, with what a test needs to predict its values."""

    id: int
    name: str
    type: str
    multiple: bool
    settings: dict[str, Any]
    items: list[int] = field(default_factory=list)  # enumeration item IDs, in list order
    default: list[Value] = field(default_factory=list)  # what an add without the field gets


Draw = Callable[[st.SearchStrategy[Any]], Any]


def _midnight(day: date) -> str:
    return datetime(day.year, day.month, day.day, tzinfo=ZONE).isoformat(timespec="seconds")


def _local(moment_utc: datetime) -> str:
    return moment_utc.replace(tzinfo=UTC).astimezone(ZONE).isoformat(timespec="seconds")


# Letters whose case Python and both databases fold alike, text without case, and the LIKE
# wildcards and escape, which a filter must take literally.
TEXT_ALPHABET = "abcxyzABCXYZ019 .,-'\"%_\\/@#абвёжЯЁЖαβγΔδéÉüÜß中文字😀\t\n"
text_values = st.text(alphabet=TEXT_ALPHABET, min_size=1, max_size=24)
any_text = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
    min_size=1,
    max_size=24,
)


def draw_string(draw: Draw, world: World, definition: Definition) -> Value:
    text = draw(st.one_of(text_values, text_values, any_text))
    return Value(text, text, text)


def draw_address(draw: Draw, world: World, definition: Definition) -> Value:
    text = draw(text_values)
    return Value(text, text, text)


def draw_url(draw: Draw, world: World, definition: Definition) -> Value:
    scheme = draw(st.sampled_from(["", "http://", "https://", "ftp://", "HTTPS://"]))
    host = draw(st.from_regex(r"[a-z][a-z0-9-]{0,10}\.(com|org|ru)", fullmatch=True))
    path = draw(st.from_regex(r"(/[A-Za-z0-9_.~%-]{0,8}){0,3}(\?q=[a-z0-9]{1,5})?", fullmatch=True))
    url = scheme + host + path
    wire = url if scheme else "http://" + url
    return Value(url, wire, wire)


def draw_integer(draw: Draw, world: World, definition: Definition) -> Value:
    number = draw(st.one_of(st.integers(-1000, 1000), st.integers(-(2**63), 2**63 - 1)))
    sent = draw(st.sampled_from([number, str(number)]))
    return Value(sent, str(number), number)


def _double_wire(number: float) -> str:
    return str(int(number)) if number.is_integer() else repr(number)


def draw_double(draw: Draw, world: World, definition: Definition) -> Value:
    precision = int(definition.settings["PRECISION"])
    # Up to two digits beyond the precision, never an exact tie, so that rounding is clear.
    extra = draw(st.integers(0, 2))
    scale = precision + extra
    units = draw(st.integers(-(10**8) * 10**scale, 10**8 * 10**scale))
    if extra and units % 10**extra == 5 * 10 ** (extra - 1):
        units += 1  # a tie: how it rounds has a test of its own
    amount = Decimal(units).scaleb(-scale)
    rounded = float(amount.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP))
    sent = draw(st.sampled_from([str(amount), float(amount)]))
    if isinstance(sent, float) and extra:
        sent = str(amount)  # a float's binary value could fall on the other side
    return Value(sent, _double_wire(rounded), rounded)


def draw_boolean(draw: Draw, world: World, definition: Definition) -> Value:
    flag = draw(st.booleans())
    sent = draw(
        st.sampled_from(["Y", "1", "true", True, 1] if flag else ["N", "0", "false", False, 0])
    )
    return Value(sent, flag, flag)


days = st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31))


def draw_date(draw: Draw, world: World, definition: Definition) -> Value:
    day = draw(days)
    sent = draw(st.sampled_from([day.isoformat(), day.strftime("%d.%m.%Y")]))
    return Value(sent, _midnight(day), day)


OFFSETS = [timedelta(0), timedelta(hours=3), timedelta(hours=-7), timedelta(hours=5, minutes=30)]
moments = st.datetimes(min_value=datetime(1901, 1, 2), max_value=datetime(2099, 12, 30)).map(
    lambda m: m.replace(microsecond=0)
)


def draw_datetime(draw: Draw, world: World, definition: Definition) -> Value:
    moment = draw(moments)
    form = draw(st.sampled_from(["offset", "z", "local", "portal"]))
    if form in ("offset", "z"):
        offset = timezone(draw(st.sampled_from(OFFSETS))) if form == "offset" else UTC
        aware = moment.replace(tzinfo=offset)
        sent = aware.isoformat() if form == "offset" else moment.isoformat() + "Z"
    else:
        aware = moment.replace(tzinfo=ZONE)
        # A local time that does not exist (or exists twice) in the portal zone is left out.
        if aware.astimezone(UTC).astimezone(ZONE).replace(tzinfo=None) != moment or (
            moment.replace(fold=1, tzinfo=ZONE).utcoffset() != aware.utcoffset()
        ):
            aware = moment.replace(tzinfo=UTC)
            sent = moment.isoformat() + "+00:00"
        elif form == "local":
            sent = moment.isoformat()
        else:
            sent = moment.strftime("%d.%m.%Y %H:%M:%S")
    utc = aware.astimezone(UTC).replace(tzinfo=None)
    naive = form in ("local", "portal") and aware.tzinfo is ZONE
    return Value(sent, _local(utc), utc, "naive" if naive else "")


def draw_money(draw: Draw, world: World, definition: Definition) -> Value:
    units = draw(st.integers(-(10**9), 10**9))
    scale = draw(st.sampled_from([0, 1, 2]))
    amount = format(Decimal(units).scaleb(-scale), "f")
    currency = draw(st.sampled_from([None, *world.currencies]))
    if currency is None:
        wire = f"{amount}|{world.base_currency}"
        sent: Any = draw(st.sampled_from([amount, float(amount) if scale == 0 else amount]))
        if isinstance(sent, float):
            sent = int(sent)
        return Value(sent, wire, wire, "bare")
    sent = f"{amount}|{draw(st.sampled_from([currency, currency.lower()]))}"
    wire = f"{amount}|{currency}"
    return Value(sent, wire, wire)


def draw_enumeration(draw: Draw, world: World, definition: Definition) -> Value:
    item = draw(st.sampled_from(definition.items))
    return Value(draw(st.sampled_from([item, str(item)])), str(item), item)


def draw_employee(draw: Draw, world: World, definition: Definition) -> Value:
    user = draw(st.sampled_from(world.users))
    return Value(draw(st.sampled_from([user, str(user)])), str(user), user)


def draw_crm_status(draw: Draw, world: World, definition: Definition) -> Value:
    code = draw(st.sampled_from(world.directories[definition.settings["ENTITY_TYPE"]]))
    return Value(code, code, code)


def draw_crm(draw: Draw, world: World, definition: Definition) -> Value:
    enabled = [t for t in ("LEAD", "CONTACT") if definition.settings.get(t) == "Y"]
    entity = draw(st.sampled_from(enabled))
    if entity == "LEAD":
        number = draw(st.sampled_from(world.leads))
        if enabled == ["LEAD"] and draw(st.booleans()):
            return Value(number, str(number), str(number))
        wire = f"L_{number}"
        return Value(draw(st.sampled_from([wire, wire.lower()])), wire, wire)
    wire = f"C_{draw(st.sampled_from(world.contacts))}"
    return Value(wire, wire, wire)


def draw_iblock_element(draw: Draw, world: World, definition: Definition) -> Value:
    number = draw(st.integers(1, 2**31 - 1))
    return Value(draw(st.sampled_from([number, str(number)])), str(number), number)


@dataclass(frozen=True)
class Type:
    draw_value: Callable[[Draw, World, Definition], Value]
    ordered: bool = False  # `>`/`<` and order compare the keys
    text: bool = False  # `%` finds a piece of the text


TYPES: dict[str, Type] = {
    "string": Type(draw_string, text=True),
    "address": Type(draw_address, text=True),
    "url": Type(draw_url),
    "integer": Type(draw_integer, ordered=True),
    "double": Type(draw_double, ordered=True),
    "boolean": Type(draw_boolean),
    "date": Type(draw_date, ordered=True),
    "datetime": Type(draw_datetime, ordered=True),
    "money": Type(draw_money),
    "enumeration": Type(draw_enumeration),
    "employee": Type(draw_employee),
    "crm_status": Type(draw_crm_status),
    "crm": Type(draw_crm),
    "iblock_element": Type(draw_iblock_element),
}


# --- Definitions ----------------------------------------------------------------------------


def draw_settings(draw: Draw, world: World, type_id: str) -> dict[str, Any]:
    match type_id:
        case "double":
            return {"PRECISION": draw(st.integers(0, 4))}
        case "crm_status":
            return {"ENTITY_TYPE": draw(st.sampled_from(sorted(world.directories)))}
        case "crm":
            return draw(st.sampled_from([{"LEAD": "Y"}, {"LEAD": "Y", "CONTACT": "Y"}]))
        case "string":
            return {"SIZE": draw(st.integers(1, 80)), "ROWS": draw(st.integers(1, 5))}
    return {}


# The types whose DEFAULT_VALUE setting an add without the field takes.
DEFAULTABLE = ("string", "integer", "double", "money", "url", "iblock_element", "date")


def make_definition(draw: Draw, world: World, type_id: str, multiple: bool) -> Definition:
    api = world.api
    settings_sent = draw_settings(draw, world, type_id)
    name = fresh_name(f"RT_{type_id.upper()}")
    fields: dict[str, Any] = {
        "FIELD_NAME": name,
        "USER_TYPE_ID": type_id,
        "MULTIPLE": "Y" if multiple else "N",
        "LABEL": name.title(),
        "SETTINGS": settings_sent,
    }
    sketch = Definition(0, "UF_CRM_" + name, type_id, multiple, dict(settings_sent))
    default: Value | None = None
    if type_id in DEFAULTABLE and draw(st.booleans()):
        default = TYPES[type_id].draw_value(draw, world, sketch)
        sent_default = default.sent
        if type_id == "date":
            sent_default = {"TYPE": "FIXED", "VALUE": str(default.sent)}
        fields["SETTINGS"] = {**settings_sent, "DEFAULT_VALUE": sent_default}
    if type_id == "boolean":
        flag = draw(st.sampled_from([None, 0, 1]))
        if flag is not None:
            fields["SETTINGS"] = {**settings_sent, "DEFAULT_VALUE": flag}
        # A new lead always gets the default flag, which is 0 unless set.
        default = Value(flag, bool(flag), bool(flag))
    marks: list[bool] = []
    if type_id == "enumeration":
        count = draw(st.integers(1, 5))
        marks = [draw(st.booleans()) for _ in range(count)]
        sorts = [draw(st.sampled_from([10, 20, 30])) for _ in range(count)]
        fields["LIST"] = [
            {"VALUE": f"Item {i}", "SORT": sorts[i], "DEF": "Y" if marks[i] else "N"}
            for i in range(count)
        ]
    field_id = api.call("crm.lead.userfield.add", {"fields": fields})
    made = api.call("crm.lead.userfield.get", {"id": field_id})
    assert made["FIELD_NAME"] == "UF_CRM_" + name
    assert made["USER_TYPE_ID"] == type_id
    # A boolean field is never multiple.
    assert made["MULTIPLE"] == ("Y" if multiple and type_id != "boolean" else "N")
    definition = Definition(
        id=int(field_id),
        name="UF_CRM_" + name,
        type=type_id,
        multiple=multiple and type_id != "boolean",
        settings=made["SETTINGS"],
    )
    if type_id == "enumeration":
        listed = made["LIST"]
        assert [item["VALUE"] for item in listed] == [
            f"Item {i}" for i in sorted(range(len(marks)), key=lambda i: (sorts[i], i))
        ]
        definition.items = [int(item["ID"]) for item in listed]
        chosen = [int(item["ID"]) for item in listed if item["DEF"] == "Y"]
        if not definition.multiple:
            chosen = chosen[:1]
        definition.default = [Value(i, str(i), i) for i in chosen]
    elif default is not None:
        definition.default = [default]
    return definition


# --- Leads ----------------------------------------------------------------------------------


@dataclass
class Lead:
    id: int
    values: list[Value]  # one at most for a single field


def draw_values(draw: Draw, world: World, definition: Definition) -> list[Value]:
    kind = TYPES[definition.type]
    if not definition.multiple:
        return [kind.draw_value(draw, world, definition)]
    values: list[Value] = []
    for _ in range(draw(st.integers(1, 3))):
        value = kind.draw_value(draw, world, definition)
        if all(v.key != value.key for v in values):
            values.append(value)
    return values


def draw_input(
    draw: Draw, world: World, definition: Definition, *, adding: bool
) -> tuple[dict[str, Any], list[Value]]:
    """The fields a lead is sent with, and the values it must then hold."""
    form = draw(st.sampled_from(["set", "set", "set", "empty", "absent"]))
    if form == "absent":
        return {}, list(definition.default) if adding else []
    if form == "empty":
        empties: list[Any] = ["", None, []] if definition.multiple else ["", None]
        return {definition.name: draw(st.sampled_from(empties))}, []
    values = draw_values(draw, world, definition)
    if definition.multiple:
        sent: Any = [v.sent for v in values]
        if len(values) == 1 and draw(st.booleans()):
            sent = values[0].sent  # a scalar is a one-item array
    else:
        sent = values[0].sent
    return {definition.name: sent}, values


def expected_wire(definition: Definition, values: list[Value]) -> Any:
    if definition.multiple:
        return [v.wire for v in values]
    return values[0].wire if values else None


def listed(api: Api, params: dict[str, Any]) -> list[dict[str, Any]]:
    response = api.post("crm.lead.list", params)
    body = response.json()
    assert response.status_code == 200, (params, body)
    assert "error" not in body, (params, body)
    items: list[dict[str, Any]] = body["result"]
    return items


def found_ids(api: Api, leads: list[Lead], conditions: dict[str, Any]) -> list[int]:
    items = listed(
        api,
        {"select": ["ID"], "filter": {"@ID": [lead.id for lead in leads], **conditions}},
    )
    return sorted(int(item["ID"]) for item in items)


def check_reads(api: Api, definition: Definition, leads: list[Lead]) -> None:
    """get, and list selecting the field by name, by ``UF_*`` and by default."""
    name = definition.name
    for lead in leads:
        got = api.call("crm.lead.get", {"id": lead.id})
        assert got[name] == expected_wire(definition, lead.values), (lead, got[name])
    ids = [lead.id for lead in leads]
    selects: list[Any] = [["ID", name], [name.lower()]]
    if not definition.multiple:
        # The masks take single fields only ("UF_*": all custom fields but multiple ones).
        selects += [["UF_*"], ["*", "UF_*"], None]
    for select in selects:
        params: dict[str, Any] = {"filter": {"@ID": ids}, "order": {"ID": "ASC"}}
        if select is not None:
            params["select"] = select
        items = listed(api, params)
        assert [int(item["ID"]) for item in items] == sorted(ids), select
        by_id = {int(item["ID"]): item for item in items}
        for lead in leads:
            assert name in by_id[lead.id], (select, by_id[lead.id])
            assert by_id[lead.id][name] == expected_wire(definition, lead.values), (
                select,
                lead,
                by_id[lead.id][name],
            )


def _contains(haystack: str, needle: str) -> bool:
    return needle.lower() in haystack.lower()


def _swap_some_case(draw: Draw, text: str) -> str:
    return "".join(c.swapcase() if draw(st.booleans()) else c for c in text)


def check_filters(draw: Draw, world: World, definition: Definition, leads: list[Lead]) -> None:
    """Each filter finds exactly the leads it should among this example's leads."""
    api = world.api
    name = definition.name
    kind = TYPES[definition.type]
    every = sorted(lead.id for lead in leads)
    held = [v for lead in leads for v in lead.values]

    def expect(conditions: dict[str, Any], matches: Callable[[Lead], bool]) -> None:
        want = sorted(lead.id for lead in leads if matches(lead))
        got = found_ids(api, leads, conditions)
        assert got == want, (conditions, [(lead.id, lead.values) for lead in leads])

    # Empty and not empty.
    expect({name: ""}, lambda lead: not lead.values)
    expect({"!" + name: ""}, lambda lead: bool(lead.values))
    if not held:
        return
    probe = draw(st.sampled_from(held))
    # A value read back finds its leads (any value of a multiple field will do).
    expect({name: probe.wire}, lambda lead: any(v.key == probe.key for v in lead.values))
    expect({"=" + name: probe.wire}, lambda lead: any(v.key == probe.key for v in lead.values))
    # ... and so does the value as it was sent (a bare amount: in the base currency).
    if probe.sent is not None:
        expect({name: probe.sent}, lambda lead: any(v.key == probe.key for v in lead.values))
    expect({"!=" + name: probe.wire}, lambda lead: all(v.key != probe.key for v in lead.values))
    others = draw(st.lists(st.sampled_from(held), max_size=3))
    wanted = {v.key for v in [probe, *others]}
    expect(
        {"@" + name: [v.wire for v in [probe, *others]]},
        lambda lead: any(v.key in wanted for v in lead.values),
    )
    if kind.ordered:
        for prefix, holds in (
            (">", lambda a, b: a > b),
            ("<", lambda a, b: a < b),
            (">=", lambda a, b: a >= b),
            ("<=", lambda a, b: a <= b),
        ):
            expect(
                {prefix + name: probe.wire},
                lambda lead, holds=holds: any(holds(v.key, probe.key) for v in lead.values),
            )
    if kind.text:
        text = probe.key
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        needle = _swap_some_case(draw, text[start:end])
        expect(
            {"%" + name: needle},
            lambda lead: any(_contains(v.key, needle) for v in lead.values),
        )
    assert every  # the example's leads are all in the database


def round_trip(draw: Draw, world: World, type_id: str) -> None:
    api = world.api
    multiple = draw(st.booleans())
    definition = make_definition(draw, world, type_id, multiple)
    leads: list[Lead] = []
    for i in range(draw(st.integers(1, 5))):
        fields, values = draw_input(draw, world, definition, adding=True)
        lead_id = api.call("crm.lead.add", {"fields": {"TITLE": f"RT {i}", **fields}})
        leads.append(Lead(int(lead_id), values))
    check_reads(api, definition, leads)
    check_filters(draw, world, definition, leads)
    # An update replaces (or clears) the values; leaving the field out keeps them.
    changed = draw(st.sampled_from(leads))
    fields, values = draw_input(draw, world, definition, adding=False)
    api.call("crm.lead.update", {"id": changed.id, "fields": {"TITLE": "Changed", **fields}})
    if fields:
        changed.values = values
    check_reads(api, definition, leads)
    check_filters(draw, world, definition, leads)
    # Each example's field goes, so that the next ones read a short catalogue.
    api.call("crm.lead.userfield.delete", {"id": definition.id})


@pytest.mark.parametrize("type_id", sorted(TYPES))
def test_values_round_trip_through_add_get_list_and_filters(world: World, type_id: str) -> None:
    @EXAMPLES
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        round_trip(data.draw, world, type_id)

    check()


def test_a_boolean_field_is_never_multiple(world: World) -> None:
    api = world.api
    api.call(
        "crm.lead.userfield.add",
        {"fields": {"FIELD_NAME": "FLAG", "USER_TYPE_ID": "boolean", "MULTIPLE": "Y"}},
    )
    lead_id = api.call("crm.lead.add", {"fields": {"UF_CRM_FLAG": "Y"}})
    assert api.call("crm.lead.get", {"id": lead_id})["UF_CRM_FLAG"] is True
    other = api.call("crm.lead.add", {"fields": {}})
    assert api.call("crm.lead.get", {"id": other})["UF_CRM_FLAG"] is False
    assert found_ids(api, [Lead(lead_id, []), Lead(other, [])], {"UF_CRM_FLAG": "N"}) == [other]


# --- Order ----------------------------------------------------------------------------------

# Small pools, so that ties and empty values are common; doubles that the field's precision
# keeps as they are.
DOUBLE_POOLS = {
    0: (-3.0, 0.0, 1.0, 2.0, 40.0),
    1: (-2.5, 0.0, 0.5, 3.0, 12.5),
    2: (-2.5, 0.0, 0.25, 3.0, 12.75),
}
ORDER_POOLS: dict[str, Callable[[World, Definition], list[Value]]] = {
    "integer": lambda w, d: [Value(n, str(n), n) for n in (-5, 0, 3, 12, 2**40)],
    "double": lambda w, d: [
        Value(x, _double_wire(x), x) for x in DOUBLE_POOLS[min(int(d.settings["PRECISION"]), 2)]
    ],
    "date": lambda w, d: [
        Value(day.isoformat(), _midnight(day), day)
        for day in (date(1999, 12, 31), date(2024, 3, 31), date(2024, 10, 27), date(2030, 1, 1))
    ],
    "datetime": lambda w, d: [
        Value(m.replace(tzinfo=UTC).isoformat(), _local(m), m)
        for m in (
            datetime(2024, 3, 31, 0, 59, 59),
            datetime(2024, 3, 31, 1, 0, 0),
            datetime(2024, 10, 27, 0, 30, 0),
            datetime(2024, 10, 27, 1, 30, 0),
            datetime(1970, 1, 1),
        )
    ],
    "string": lambda w, d: [Value(t, t, t) for t in ("a", "ab", "b", "ba", "c")],
    "boolean": lambda w, d: [Value(f, f, f) for f in (False, True)],
    "enumeration": lambda w, d: [Value(i, str(i), i) for i in d.items],
    "employee": lambda w, d: [Value(u, str(u), u) for u in w.users],
}


def _order_key(lead: Lead) -> tuple[bool, Any, int]:
    return (bool(lead.values), lead.values[0].key if lead.values else 0, lead.id)


@pytest.mark.parametrize("type_id", sorted(ORDER_POOLS))
def test_order_by_a_custom_field_sorts_like_its_values(world: World, type_id: str) -> None:
    api = world.api

    @EXAMPLES
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        definition = make_definition(data.draw, world, type_id, False)
        pool = ORDER_POOLS[type_id](world, definition)
        picks = data.draw(
            st.lists(st.one_of(st.none(), st.sampled_from(pool)), min_size=1, max_size=8)
        )
        leads = []
        for pick in picks:
            # An empty value is sent as such: a default would fill a field left out.
            value = "" if pick is None else pick.sent
            lead_id = api.call(
                "crm.lead.add", {"fields": {"TITLE": "Order", definition.name: value}}
            )
            leads.append(Lead(int(lead_id), [] if pick is None else [pick]))
        ids = [lead.id for lead in leads]
        ascending = [lead.id for lead in sorted(leads, key=_order_key)]
        for direction, want in (("ASC", ascending), ("DESC", ascending[::-1])):
            items = listed(
                api,
                {
                    "select": ["ID", definition.name],
                    "filter": {"@ID": ids},
                    "order": {definition.name: direction.lower() if len(ids) % 2 else direction},
                },
            )
            got = [int(item["ID"]) for item in items]
            assert got == want, (direction, [(lead.id, lead.values) for lead in leads])
        api.call("crm.lead.userfield.delete", {"id": definition.id})

    check()


# --- Bugs these tests found, a regression test each ----------------------------------------


def _field(api: Api, name: str, type_id: str, **extra: Any) -> str:
    api.call(
        "crm.lead.userfield.add",
        {"fields": {"FIELD_NAME": name, "USER_TYPE_ID": type_id, **extra}},
    )
    return "UF_CRM_" + name


def test_a_naive_date_time_filters_a_multiple_field_in_the_portal_zone(api: Api) -> None:
    """A date-time without an offset is the portal's local time (docs/compatibility.md: "ISO
    8601 (portal zone when no offset)"), in a filter as in a value, single or multiple."""
    single = _field(api, "WHEN", "datetime")
    multiple = _field(api, "WHENS", "datetime", MULTIPLE="Y")
    lead_id = api.call(
        "crm.lead.add",
        {"fields": {single: "2024-05-01T10:00:00", multiple: ["2024-05-01T10:00:00"]}},
    )
    lead = api.call("crm.lead.get", {"id": lead_id})
    assert lead[single] == "2024-05-01T10:00:00+02:00"
    assert lead[multiple] == ["2024-05-01T10:00:00+02:00"]
    for value in ("2024-05-01T10:00:00", "01.05.2024 10:00:00", "2024-05-01T10:00:00+02:00"):
        assert found_ids(api, [Lead(lead_id, [])], {single: value}) == [lead_id], value
        assert found_ids(api, [Lead(lead_id, [])], {multiple: value}) == [lead_id], value


def test_a_bare_amount_filters_in_the_base_currency(world: World) -> None:
    """A bare amount is an amount in the base currency when written; a filter reads it so too
    (the field's values are all "amount|currency", so a bare amount otherwise matches none)."""
    api = world.api
    name = _field(api, "PRICE", "money")
    several = _field(api, "PRICES", "money", MULTIPLE="Y")
    lead_id = api.call("crm.lead.add", {"fields": {name: "100.5", several: ["100.5"]}})
    base = world.base_currency
    lead = api.call("crm.lead.get", {"id": lead_id})
    assert lead[name] == f"100.5|{base}"
    assert lead[several] == [f"100.5|{base}"]
    only = [Lead(lead_id, [])]
    assert found_ids(api, only, {name: f"100.5|{base}"}) == [lead_id]
    assert found_ids(api, only, {name: "100.5"}) == [lead_id]
    assert found_ids(api, only, {several: "100.5"}) == [lead_id]


def test_an_empty_filter_on_a_multiple_field_finds_leads_without_custom_values(
    api: Api,
) -> None:
    """``{"UF_CRM_X": ""}`` means "is empty": a lead with no custom value at all is empty too."""
    name = _field(api, "TAGS", "string", MULTIPLE="Y")
    tagged = api.call("crm.lead.add", {"fields": {name: ["a"]}})
    bare = api.call("crm.lead.add", {"fields": {"TITLE": "no custom values"}})
    cleared = api.call("crm.lead.add", {"fields": {name: ["b"]}})
    api.call("crm.lead.update", {"id": cleared, "fields": {name: []}})
    leads = [Lead(tagged, []), Lead(bare, []), Lead(cleared, [])]
    assert found_ids(api, leads, {name: ""}) == [bare, cleared]
    assert found_ids(api, leads, {"!" + name: ""}) == [tagged]


@pytest.mark.parametrize(
    ("precision", "sent", "wire"),
    [
        (0, "2.5", "3"),
        (0, "-2.5", "-3"),
        (2, "0.125", "0.13"),
        (2, "345.655", "345.66"),
        (2, "1.005", "1.01"),
        (1, "0.05", "0.1"),
    ],
)
def test_double_values_round_half_away_from_zero(
    api: Api, precision: int, sent: str, wire: str
) -> None:
    """PRECISION rounds the decimal number sent, a half away from zero, as Bitrix24 (PHP's
    ``round``) does; not the nearest binary float to it, nor half to even."""
    name = _field(api, "AMOUNT", "double", SETTINGS={"PRECISION": precision})
    lead_id = api.call("crm.lead.add", {"fields": {name: sent}})
    assert api.call("crm.lead.get", {"id": lead_id})[name] == wire


def test_definition_changes_in_a_row_never_fail(api: Api) -> None:
    """Forty adds, updates and deletes of definitions: each answers, none with a 5xx."""
    for i in range(14):
        response = api.post(
            "crm.lead.userfield.add",
            {"fields": {"FIELD_NAME": f"CHURN_{i}", "USER_TYPE_ID": "string"}},
        )
        assert response.status_code == 200, (i, response.json())
        field_id = response.json()["result"]
        response = api.post(
            "crm.lead.userfield.update", {"id": field_id, "fields": {"SORT": 10 + i}}
        )
        assert response.status_code == 200, (i, response.json())
        response = api.post("crm.lead.userfield.delete", {"id": field_id})
        assert response.status_code == 200, (i, response.json())
