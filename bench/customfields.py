"""The custom fields the benchmark defines on leads, and the values seeded leads hold.

Twenty fields of the kinds a real CRM carries (issue 5 asks for the lead benchmarks "with 20
custom fields defined"): five strings, a multiple string, two enumerations (one multiple),
integer, double, date, datetime, boolean, money, url, address, employee, crm_status and a
binding to another lead. They are defined through ``leadcrm.crm.userfields.service``, as
``crm.lead.userfield.add`` defines them, so each single-valued one gets its expression index.

Seeded leads hold values in the stored form the server writes (``crm_lead.uf``, JSON keyed by
field ID), not every lead every field. Two fields are what the list scenarios filter on:

- ``UF_CRM_BENCH_STAGE`` (enumeration, 8 items): item ``Qualified`` on about 12% of the leads;
- ``UF_CRM_BENCH_CODE`` (string, a campaign code): ``CMP-2026-042`` on about 1% of the leads
  (80% of leads carry one of 80 codes).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, func, select

from leadcrm.crm.leads.tables import leads
from leadcrm.crm.leads.userfields import LEAD_OWNER
from leadcrm.crm.userfields.codec import parse_one
from leadcrm.crm.userfields.definitions import Definition, load
from leadcrm.crm.userfields.service import add_definition
from leadcrm.crm.userfields.storage import VALUES_COLUMN, value_of

DEFAULT_COUNT = 20
STAGE_FIELD = "UF_CRM_BENCH_STAGE"
CODE_FIELD = "UF_CRM_BENCH_CODE"
FILTER_STAGE = "QUALIFIED"  # the XML_ID of the item the enumeration scenario filters on
CAMPAIGNS = 80
FILTER_CODE = "CMP-2026-042"
EXTRA_PREFIX = "UF_CRM_BENCH_EXTRA_"

# (XML_ID, VALUE, share of the leads); 5% of the leads have no stage.
STAGES = [
    ("NOT_CONTACTED", "Not contacted", 0.22),
    ("CONTACTED", "Contacted", 0.18),
    ("NEEDS_ANALYSIS", "Needs analysis", 0.14),
    ("QUALIFIED", "Qualified", 0.12),
    ("PROPOSAL", "Proposal sent", 0.10),
    ("NEGOTIATION", "Negotiation", 0.08),
    ("NURTURE", "Nurture", 0.06),
    ("DISQUALIFIED", "Disqualified", 0.05),
]
INDUSTRIES = [
    "Retail",
    "Manufacturing",
    "IT services",
    "Construction",
    "Healthcare",
    "Education",
    "Logistics",
    "Finance",
    "Hospitality",
    "Real estate",
    "Agriculture",
    "Public sector",
]
CHANNELS = ["Phone", "E-mail", "WhatsApp", "Telegram", "SMS", "Office visit"]
CITIES = [
    "Berlin",
    "Munich",
    "Hamburg",
    "Vienna",
    "Zurich",
    "Warsaw",
    "Prague",
    "Madrid",
    "Milan",
    "Lyon",
    "London",
    "Dublin",
    "Amsterdam",
    "Oslo",
    "Helsinki",
    "Riga",
    "Almaty",
    "Tashkent",
    "Dubai",
    "Istanbul",
]
NOTES = [
    "Asked for a callback after the trade fair; interested in the annual plan.",
    "Wants a demo for the sales team (12 seats) before the end of the quarter.",
    "Came from the webinar on warehouse automation. Budget to be confirmed.",
    "Existing customer of a partner; prefers e-mail, no calls before 10:00.",
    "Requested a quote for 3 locations, delivery in spring.",
    "Price-sensitive; compare with last year's offer before calling back.",
    "Decision maker is the CFO; send the case studies first.",
    "Left a message on the website chat at night, no phone given.",
]
TAGS = ["vip", "webinar", "trade-fair", "partner", "reseller", "newsletter", "inbound", "urgent"]
SOURCE_CODES = ["CALL", "EMAIL", "WEB", "ADVERTISING", "PARTNER", "RECOMMENDATION", "TRADE_SHOW"]
USER_ID = 1  # the administrator the first start makes: the only user of a bench portal


def _labels(text: str) -> dict[str, str]:
    return {"EDIT_FORM_LABEL": text, "LIST_COLUMN_LABEL": text, "LIST_FILTER_LABEL": text}


def _items(names: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    return [
        {"VALUE": value, "XML_ID": xml_id, "SORT": 10 * (i + 1)}
        for i, (xml_id, value) in enumerate(names)
    ]


def _code(name: str) -> str:
    return name.upper().replace(" ", "_").replace("-", "_")


# What crm.lead.userfield.add would be sent, in order. Single-valued fields get an index each.
DEFINITIONS: list[dict[str, Any]] = [
    {
        "FIELD_NAME": STAGE_FIELD,
        "USER_TYPE_ID": "enumeration",
        "LIST": _items([(xml_id, value) for xml_id, value, _ in STAGES]),
        **_labels("Qualification stage"),
    },
    {
        "FIELD_NAME": CODE_FIELD,
        "USER_TYPE_ID": "string",
        "SETTINGS": {"MAX_LENGTH": 20},
        **_labels("Campaign code"),
    },
    {"FIELD_NAME": "UF_CRM_BENCH_EXT_ID", "USER_TYPE_ID": "string", **_labels("External ID")},
    {
        "FIELD_NAME": "UF_CRM_BENCH_NOTE",
        "USER_TYPE_ID": "string",
        "SETTINGS": {"ROWS": 4},
        **_labels("Manager's note"),
    },
    {"FIELD_NAME": "UF_CRM_BENCH_CITY", "USER_TYPE_ID": "string", **_labels("City")},
    {"FIELD_NAME": "UF_CRM_BENCH_VAT_ID", "USER_TYPE_ID": "string", **_labels("VAT number")},
    {
        "FIELD_NAME": "UF_CRM_BENCH_TAGS",
        "USER_TYPE_ID": "string",
        "MULTIPLE": "Y",
        **_labels("Tags"),
    },
    {
        "FIELD_NAME": "UF_CRM_BENCH_INDUSTRY",
        "USER_TYPE_ID": "enumeration",
        "LIST": _items([(_code(name), name) for name in INDUSTRIES]),
        **_labels("Industry"),
    },
    {
        "FIELD_NAME": "UF_CRM_BENCH_CHANNELS",
        "USER_TYPE_ID": "enumeration",
        "MULTIPLE": "Y",
        "LIST": _items([(_code(name), name) for name in CHANNELS]),
        **_labels("Preferred channels"),
    },
    {"FIELD_NAME": "UF_CRM_BENCH_EMPLOYEES", "USER_TYPE_ID": "integer", **_labels("Employees")},
    {
        "FIELD_NAME": "UF_CRM_BENCH_SCORE",
        "USER_TYPE_ID": "double",
        "SETTINGS": {"PRECISION": 2},
        **_labels("Lead score"),
    },
    {"FIELD_NAME": "UF_CRM_BENCH_NEXT_CALL", "USER_TYPE_ID": "date", **_labels("Next call")},
    {
        "FIELD_NAME": "UF_CRM_BENCH_FIRST_CONTACT",
        "USER_TYPE_ID": "datetime",
        **_labels("First contact"),
    },
    {
        "FIELD_NAME": "UF_CRM_BENCH_CONSENT",
        "USER_TYPE_ID": "boolean",
        **_labels("Marketing consent"),
    },
    {"FIELD_NAME": "UF_CRM_BENCH_BUDGET", "USER_TYPE_ID": "money", **_labels("Budget")},
    {"FIELD_NAME": "UF_CRM_BENCH_WEBSITE", "USER_TYPE_ID": "url", **_labels("Website")},
    {"FIELD_NAME": "UF_CRM_BENCH_ADDRESS", "USER_TYPE_ID": "address", **_labels("Address")},
    {"FIELD_NAME": "UF_CRM_BENCH_MANAGER", "USER_TYPE_ID": "employee", **_labels("Key manager")},
    {
        "FIELD_NAME": "UF_CRM_BENCH_SOURCE_DETAIL",
        "USER_TYPE_ID": "crm_status",
        "SETTINGS": {"ENTITY_TYPE": "SOURCE"},
        **_labels("First source"),
    },
    {
        "FIELD_NAME": "UF_CRM_BENCH_RELATED",
        "USER_TYPE_ID": "crm",
        "SETTINGS": {"LEAD": "Y"},
        **_labels("Duplicate of"),
    },
]
assert len(DEFINITIONS) == DEFAULT_COUNT


def extra_definition(number: int) -> dict[str, Any]:
    """Fields past the twenty: defined, never filled (a portal's forgotten fields)."""
    return {
        "FIELD_NAME": f"{EXTRA_PREFIX}{number}",
        "USER_TYPE_ID": "string",
        **_labels(f"Extra {number}"),
    }


@dataclass
class SeededFields:
    """What the scenarios need to know of the seeded definitions, and what they select."""

    count: int
    ids: dict[str, int]  # FIELD_NAME -> ID (the key of its values in crm_lead.uf)
    items: dict[str, dict[str, int]]  # enumeration FIELD_NAME -> XML_ID -> item ID
    stage_item: int  # the item ID the enumeration scenario filters on
    code: str = FILTER_CODE
    stage_matches: int = 0
    code_matches: int = 0
    values: int = 0  # values stored over all seeded leads (a multiple field's items each)
    types: dict[str, str] = field(default_factory=dict)  # FIELD_NAME -> USER_TYPE_ID


def placeholder() -> SeededFields:
    """Made-up IDs, for building the scenarios without a database (bench.report.regenerate
    needs only their keys and targets)."""
    ids = {str(d["FIELD_NAME"]): n for n, d in enumerate(DEFINITIONS, 1)}
    counter = itertools.count(1)
    items = {
        str(d["FIELD_NAME"]): {str(i["XML_ID"]): next(counter) for i in d["LIST"]}
        for d in DEFINITIONS
        if "LIST" in d
    }
    return SeededFields(len(ids), ids, items, stage_item=items[STAGE_FIELD][FILTER_STAGE])


def define(conn: Connection, count: int = DEFAULT_COUNT) -> list[Definition]:
    """Define ``count`` (0, or 20 and more) lead fields through the service; their indexes
    are made as crm.lead.userfield.add makes them."""
    if count and count < DEFAULT_COUNT:
        raise ValueError(f"custom fields: 0 or at least {DEFAULT_COUNT}, not {count}")
    wanted = DEFINITIONS + [extra_definition(n) for n in range(1, count - DEFAULT_COUNT + 1)]
    for fields in wanted[:count]:
        add_definition(conn, owner=LEAD_OWNER, fields=fields, user_id=USER_ID)
    return load(conn, entity_id=LEAD_OWNER.entity_id)


def describe(definitions: Sequence[Definition]) -> SeededFields:
    by_name = {d.field_name: d for d in definitions}
    items = {
        d.field_name: {item.xml_id: item.id for item in d.items}
        for d in definitions
        if d.user_type.id == "enumeration"
    }
    return SeededFields(
        count=len(definitions),
        ids={d.field_name: d.id for d in definitions},
        items=items,
        stage_item=items[STAGE_FIELD][FILTER_STAGE] if STAGE_FIELD in by_name else 0,
        types={d.field_name: d.user_type.id for d in definitions},
    )


def _chooser(weights: Sequence[float]) -> Callable[[float], int | None]:
    """A draw in [0, 1) to an index by the weights; past their sum, None."""
    bounds = list(itertools.accumulate(weights))

    def choose(draw: float) -> int | None:
        index = bisect.bisect_right(bounds, draw)
        return index if index < len(bounds) else None

    return choose


class Values:
    """Stored values (``crm_lead.uf``) for seeded leads, and one full set for the add scenario.

    The stored forms are built directly, for speed, in the forms ``codec.parse_one`` gives;
    ``check`` asserts that they are (parse_one of a stored value gives it back).
    """

    def __init__(self, seeded: SeededFields) -> None:
        ids, items = seeded.ids, seeded.items
        self.key = {name: str(field_id) for name, field_id in ids.items()}
        self.stages = [items[STAGE_FIELD][xml_id] for xml_id, _, _ in STAGES]
        self.stage_of = _chooser([share for _, _, share in STAGES])
        self.industries = [items["UF_CRM_BENCH_INDUSTRY"][_code(n)] for n in INDUSTRIES]
        self.channels = [items["UF_CRM_BENCH_CHANNELS"][_code(n)] for n in CHANNELS]

    def stored(
        self, lead_id: int, created: datetime, random_: Callable[[], float]
    ) -> dict[str, Any]:
        """One seeded lead's values: most leads have most fields, none has all."""
        k = self.key
        values: dict[str, Any] = {}
        stage = self.stage_of(random_())
        if stage is not None:
            values[k[STAGE_FIELD]] = self.stages[stage]
        if random_() < 0.80:
            values[k[CODE_FIELD]] = f"CMP-2026-{1 + int(random_() * CAMPAIGNS):03d}"
        if random_() < 0.60:
            values[k["UF_CRM_BENCH_EXT_ID"]] = f"SF-{lead_id:08d}"
        if random_() < 0.30:
            values[k["UF_CRM_BENCH_NOTE"]] = NOTES[int(random_() * len(NOTES))]
        city = CITIES[int(random_() * len(CITIES))]
        if random_() < 0.70:
            values[k["UF_CRM_BENCH_CITY"]] = city
        if random_() < 0.20:
            values[k["UF_CRM_BENCH_VAT_ID"]] = f"DE{100_000_000 + lead_id * 7919 % 899_999_999}"
        if random_() < 0.30:
            first = int(random_() * len(TAGS))
            values[k["UF_CRM_BENCH_TAGS"]] = TAGS[first : first + 1 + int(random_() * 3)]
        if random_() < 0.65:
            values[k["UF_CRM_BENCH_INDUSTRY"]] = self.industries[
                int(random_() * len(self.industries))
            ]
        if random_() < 0.50:
            first = int(random_() * len(self.channels))
            values[k["UF_CRM_BENCH_CHANNELS"]] = self.channels[first : first + 1 + lead_id % 3]
        if random_() < 0.55:
            values[k["UF_CRM_BENCH_EMPLOYEES"]] = int(10 ** (random_() * 4.5))
        if random_() < 0.70:
            values[k["UF_CRM_BENCH_SCORE"]] = round(random_() * 100, 2)
        if random_() < 0.35:
            next_call = created.date() + timedelta(days=1 + int(random_() * 30))
            values[k["UF_CRM_BENCH_NEXT_CALL"]] = next_call.isoformat()
        if random_() < 0.80:
            contact = created + timedelta(minutes=5 + int(random_() * 2880))
            values[k["UF_CRM_BENCH_FIRST_CONTACT"]] = contact.replace(microsecond=0).isoformat()
        # A boolean is never unset on a lead leadcrm made: add applies its default (0).
        values[k["UF_CRM_BENCH_CONSENT"]] = 1 if random_() < 0.40 else 0
        if random_() < 0.45:
            currency = "EUR" if random_() < 0.25 else "USD"
            values[k["UF_CRM_BENCH_BUDGET"]] = f"{500 * (1 + int(random_() * 200))}|{currency}"
        if random_() < 0.40:
            company = f"company{lead_id % 5000}"
            values[k["UF_CRM_BENCH_WEBSITE"]] = f"https://www.{company}.example.com"
        if random_() < 0.25:
            values[k["UF_CRM_BENCH_ADDRESS"]] = f"{1 + lead_id % 180} Market Street, {city}"
        if random_() < 0.90:
            values[k["UF_CRM_BENCH_MANAGER"]] = USER_ID
        if random_() < 0.60:
            values[k["UF_CRM_BENCH_SOURCE_DETAIL"]] = SOURCE_CODES[
                int(random_() * len(SOURCE_CODES))
            ]
        if lead_id > 1 and random_() < 0.05:
            values[k["UF_CRM_BENCH_RELATED"]] = f"L_{1 + int(random_() * (lead_id - 1))}"
        return values

    def wire(self) -> dict[str, Any]:
        """Twenty values as an integration sends them to crm.lead.add (``{n}``: a fresh
        number, ``{id}``: a seeded lead)."""
        return {
            STAGE_FIELD: self.stages[1],
            CODE_FIELD: "CMP-2026-017",
            "UF_CRM_BENCH_EXT_ID": "SF-{n}",
            "UF_CRM_BENCH_NOTE": NOTES[0],
            "UF_CRM_BENCH_CITY": "Berlin",
            "UF_CRM_BENCH_VAT_ID": "DE{n}",
            "UF_CRM_BENCH_TAGS": ["webinar", "inbound"],
            "UF_CRM_BENCH_INDUSTRY": self.industries[2],
            "UF_CRM_BENCH_CHANNELS": [self.channels[0], self.channels[2]],
            "UF_CRM_BENCH_EMPLOYEES": 250,
            "UF_CRM_BENCH_SCORE": 72.5,
            "UF_CRM_BENCH_NEXT_CALL": "2026-12-01",
            "UF_CRM_BENCH_FIRST_CONTACT": "2026-11-26T10:15:00+00:00",
            "UF_CRM_BENCH_CONSENT": "Y",
            "UF_CRM_BENCH_BUDGET": "15000|USD",
            "UF_CRM_BENCH_WEBSITE": "https://www.acme.example.com",
            "UF_CRM_BENCH_ADDRESS": "68 Friedrichstrasse, Berlin",
            "UF_CRM_BENCH_MANAGER": USER_ID,
            "UF_CRM_BENCH_SOURCE_DETAIL": "TRADE_SHOW",
            "UF_CRM_BENCH_RELATED": "L_{id}",
        }

    def wire_as_stored(self) -> dict[str, Any]:
        """``wire()`` as the server stores it: what the bare insert writes."""
        k = self.key
        stored: dict[str, Any] = {}
        for name, value in self.wire().items():
            if name == "UF_CRM_BENCH_CONSENT":
                value = 1
            elif name == "UF_CRM_BENCH_FIRST_CONTACT":
                value = "2026-11-26T10:15:00"
            stored[k[name]] = value
        return stored


def filled(values: dict[str, Any], n: int = 4242, lead_id: int = 7) -> dict[str, Any]:
    """``values`` with ``{n}`` and ``{id}`` filled in, as a request of the load would be."""

    def fill(value: Any) -> Any:
        if isinstance(value, list):
            return [fill(v) for v in value]
        if isinstance(value, str):
            return value.replace("{n}", str(n)).replace("{id}", str(lead_id))
        return value

    return {key: fill(value) for key, value in values.items()}


def check(definitions: Sequence[Definition], samples: Sequence[dict[str, Any]]) -> None:
    """The shortcut forms above must be the server's: parse_one gives each one back."""
    utc = ZoneInfo("UTC")
    by_key = {d.key: d for d in definitions}
    for values in samples:
        for key, value in values.items():
            definition = by_key[key]
            for one in value if isinstance(value, list) else [value]:
                assert isinstance(value, list) == definition.multiple, (definition, value)
                parsed = parse_one(definition, one, utc)
                assert parsed == one and type(parsed) is type(one), (definition, one, parsed)


def count_matches(engine: Engine, seeded: SeededFields) -> tuple[int, int]:
    """How many leads each list scenario's filter selects."""
    with engine.connect() as conn:
        dialect = conn.dialect.name
        column = leads.c[VALUES_COLUMN]
        stage = value_of(column, seeded.ids[STAGE_FIELD], "integer", dialect)
        code = value_of(column, seeded.ids[CODE_FIELD], "text", dialect)
        counting = select(func.count()).select_from(leads)
        return (
            int(conn.execute(counting.where(stage == seeded.stage_item)).scalar_one()),
            int(conn.execute(counting.where(code == seeded.code)).scalar_one()),
        )


def value_count(values: dict[str, Any]) -> int:
    return sum(len(v) if isinstance(v, list) else 1 for v in values.values())
