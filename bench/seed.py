"""Seeding: leads written straight into the real tables, in large executemany chunks.

Each lead gets a phone and an e-mail in ``crm_field_multi``. Stages are spread evenly over the
five seeded stages and amounts evenly over 0..99,999, so the list scenario's filter
(``STATUS_ID`` = one stage and ``>=OPPORTUNITY`` 70,000) hits 1/5 x 3/10 = 6% of the leads.
Creation dates spread over three years and grow with the id, as they do in a real portal.

After the leads, 1,000 contacts (ids 1..1,000), each with a phone and an e-mail, for the lead
contact binding scenario (``crm.lead.contact.items.set``); no lead is bound to any yet. Then
100 products (ids 1..100, ``seeded_product``) for the product row scenario
(``crm.lead.productrows.set``); no lead has rows yet.

Before the leads, 20 custom fields are defined (``bench/customfields.py``) through the service
``crm.lead.userfield.add`` uses, so each single-valued one has its index; the leads then carry
values for them in ``crm_lead.uf``, in the stored form the server writes.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, insert, select, text

from bench import customfields
from bench.customfields import SeededFields, Values
from bench.progress import Progress
from leadcrm.crm.contacts.fields import CONTACT_FIELDS
from leadcrm.crm.contacts.fields import ENTITY_ID as CONTACT_ENTITY_ID
from leadcrm.crm.contacts.tables import contacts
from leadcrm.crm.leads.fields import ENTITY_ID, LEAD_FIELDS
from leadcrm.crm.leads.tables import leads
from leadcrm.crm.multifields.tables import multifields
from leadcrm.crm.multifields.types import TYPES
from leadcrm.crm.products.fields import PRODUCT_FIELDS
from leadcrm.crm.products.tables import products
from leadcrm.crm.statuses.tables import statuses
from leadcrm.crm.userfields.storage import VALUES_COLUMN
from leadcrm.users.service import utcnow

FILTER_STATUS = "IN_PROCESS"
FILTER_MIN_OPPORTUNITY = 70_000
MAX_OPPORTUNITY = 100_000
CHUNK = 10_000  # rows per executemany
TRANSACTION = 250_000  # leads per transaction
SPAN = timedelta(days=3 * 365)
USER_ID = 1  # the administrator the first start makes
CONTACTS = 1_000  # contacts seeded, ids 1..CONTACTS
CONTACT_TYPES = ["CLIENT", "CLIENT", "CLIENT", "PARTNER", "SUPPLIER", "OTHER"]
PRODUCTS = 100  # products seeded, ids 1..PRODUCTS
PRODUCT_MEASURES = [796, 796, 796, 166, 112, 6]  # OKEI codes: pcs, kg, l, m (rows.MEASURES)

FIRST_NAMES = ["Anna", "Boris", "Clara", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Irina"]
LAST_NAMES = ["Ivanova", "Smith", "Novak", "Kowalski", "Garcia", "Müller", "Rossi", "Tanaka"]
COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne"]
SOURCES = ["CALL", "EMAIL", "WEB", "ADVERTISING", "PARTNER", "RECOMMENDATION", "WEBFORM"]
UTM = ["google", "yandex", "facebook", "newsletter", None]


@dataclass
class SeedReport:
    leads: int
    multifield_rows: int
    seconds: float
    analyze_seconds: float
    filter_matches: int
    custom_fields: int = 0
    custom: SeededFields | None = None  # the definitions, their values and filters' matches
    contacts: int = 0  # ids 1..contacts, each with a phone and an e-mail
    contact_seconds: float = 0.0
    products: int = 0  # ids 1..products (seeded_product)
    product_seconds: float = 0.0

    @property
    def leads_per_second(self) -> float:
        return self.leads / self.seconds if self.seconds else 0.0

    @property
    def rows_per_second(self) -> float:
        rows = self.leads + self.multifield_rows
        return rows / self.seconds if self.seconds else 0.0


def _column(name: str) -> str:
    field = LEAD_FIELDS.get(name)
    assert field is not None and field.column is not None, name
    return field.column


# The catalogue's field names, resolved once to the columns they are stored in.
C = {
    name: _column(name)
    for name in (
        "ID",
        "TITLE",
        "NAME",
        "LAST_NAME",
        "COMPANY_TITLE",
        "SOURCE_ID",
        "STATUS_ID",
        "STATUS_SEMANTIC_ID",
        "CURRENCY_ID",
        "OPPORTUNITY",
        "IS_MANUAL_OPPORTUNITY",
        "HAS_PHONE",
        "HAS_EMAIL",
        "HAS_IMOL",
        "IS_RETURN_CUSTOMER",
        "OPENED",
        "ASSIGNED_BY_ID",
        "CREATED_BY_ID",
        "MODIFY_BY_ID",
        "MOVED_BY_ID",
        "LAST_ACTIVITY_BY",
        "DATE_CREATE",
        "DATE_MODIFY",
        "MOVED_TIME",
        "LAST_ACTIVITY_TIME",
        "DATE_CLOSED",
        "UTM_SOURCE",
    )
}


def _contact_column(name: str) -> str:
    field = CONTACT_FIELDS.get(name)
    assert field is not None and field.column is not None, name
    return field.column


# The contact's NOT NULL columns (the catalogue's always-set fields) and a few more.
CC = {
    name: _contact_column(name)
    for name in (
        "ID",
        "NAME",
        "LAST_NAME",
        "TYPE_ID",
        "SOURCE_ID",
        "OPENED",
        "EXPORT",
        "HAS_PHONE",
        "HAS_EMAIL",
        "HAS_IMOL",
        "ASSIGNED_BY_ID",
        "CREATED_BY_ID",
        "MODIFY_BY_ID",
        "DATE_CREATE",
        "DATE_MODIFY",
        "LAST_ACTIVITY_TIME",
        "LAST_ACTIVITY_BY",
    )
}


def _contact_rows(count: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Contacts 1..count, created over the last year, each with a work phone and e-mail."""
    start = utcnow() - timedelta(days=365)
    slot = timedelta(days=365) / count
    c = CC
    contact_rows: list[dict[str, Any]] = []
    multi_rows: list[dict[str, Any]] = []
    for contact_id in range(1, count + 1):
        first_name = FIRST_NAMES[(contact_id * 5) % len(FIRST_NAMES)]
        last_name = LAST_NAMES[(contact_id * 3) % len(LAST_NAMES)]
        created = start + slot * contact_id
        contact_rows.append(
            {
                c["ID"]: contact_id,
                c["NAME"]: first_name,
                c["LAST_NAME"]: last_name,
                c["TYPE_ID"]: CONTACT_TYPES[contact_id % len(CONTACT_TYPES)],
                c["SOURCE_ID"]: SOURCES[contact_id % len(SOURCES)],
                c["OPENED"]: True,
                c["EXPORT"]: True,
                c["HAS_PHONE"]: True,
                c["HAS_EMAIL"]: True,
                c["HAS_IMOL"]: False,
                c["ASSIGNED_BY_ID"]: USER_ID,
                c["CREATED_BY_ID"]: USER_ID,
                c["MODIFY_BY_ID"]: USER_ID,
                c["DATE_CREATE"]: created,
                c["DATE_MODIFY"]: created,
                c["LAST_ACTIVITY_TIME"]: created,
                c["LAST_ACTIVITY_BY"]: USER_ID,
            }
        )
        email = f"{first_name}.{last_name}.c{contact_id}@example.com".lower()
        phone = f"+1 (556) 000-{contact_id:04d}"
        for type_id, value in (("PHONE", phone), ("EMAIL", email)):
            multi_rows.append(
                {
                    "entity_id": CONTACT_ENTITY_ID,
                    "element_id": contact_id,
                    "type_id": type_id,
                    "value_type": "WORK",
                    "value": value,
                    "value_normalized": TYPES[type_id].normalise(value),
                }
            )
    return contact_rows, multi_rows


def _seed_contacts(engine: Engine, count: int) -> float:
    """Write contacts 1..count in one transaction; the seconds it took."""
    started = time.perf_counter()
    contact_rows, multi_rows = _contact_rows(count)
    with engine.begin() as conn:
        for first in range(0, count, CHUNK):
            _insert_many(conn, contacts, contact_rows[first : first + CHUNK])
        for first in range(0, len(multi_rows), CHUNK):
            _insert_many(conn, multifields, multi_rows[first : first + CHUNK])
    return time.perf_counter() - started


@dataclass(frozen=True)
class SeededProduct:
    """What product ``id`` is seeded with; bench/scenarios.py builds the bare product rows
    from it (what crm.lead.productrows.set reads from the product)."""

    id: int
    name: str
    description: str
    measure: int
    price: Decimal


def seeded_product(product_id: int) -> SeededProduct:
    return SeededProduct(
        id=product_id,
        name=f"Bench product {product_id}",
        description=f"Seeded for the product row scenario, number {product_id}",
        measure=PRODUCT_MEASURES[product_id % len(PRODUCT_MEASURES)],
        price=Decimal(5 + (product_id * 37) % 400) + Decimal("0.90"),
    )


def _product_column(name: str) -> str:
    field = PRODUCT_FIELDS.get(name)
    assert field is not None and field.column is not None, name
    return field.column


# Every NOT NULL column of crm_product (the catalogue's always-set fields), and what a
# product added through crm.product.add also holds: name, description, measure, external code.
PC = {
    name: _product_column(name)
    for name in (
        "ID",
        "CATALOG_ID",
        "PRICE",
        "CURRENCY_ID",
        "NAME",
        "DESCRIPTION",
        "DESCRIPTION_TYPE",
        "ACTIVE",
        "SORT",
        "VAT_INCLUDED",
        "MEASURE",
        "XML_ID",
        "DATE_CREATE",
        "TIMESTAMP_X",
        "MODIFIED_BY",
        "CREATED_BY",
    )
}


def _product_rows(count: int) -> list[dict[str, Any]]:
    """Products 1..count as crm.product.add stores them (its defaults: catalogue 1, sort 500,
    plain-text description, active, the id as external code)."""
    now = utcnow()
    c = PC
    found: list[dict[str, Any]] = []
    for product_id in range(1, count + 1):
        product = seeded_product(product_id)
        found.append(
            {
                c["ID"]: product_id,
                c["CATALOG_ID"]: 1,
                c["PRICE"]: product.price,
                c["CURRENCY_ID"]: "USD",
                c["NAME"]: product.name,
                c["DESCRIPTION"]: product.description,
                c["DESCRIPTION_TYPE"]: "text",
                c["ACTIVE"]: True,
                c["SORT"]: 500,
                c["VAT_INCLUDED"]: False,
                c["MEASURE"]: product.measure,
                c["XML_ID"]: str(product_id),
                c["DATE_CREATE"]: now,
                c["TIMESTAMP_X"]: now,
                c["MODIFIED_BY"]: USER_ID,
                c["CREATED_BY"]: USER_ID,
            }
        )
    return found


def _seed_products(engine: Engine, count: int) -> float:
    """Write products 1..count in one transaction; the seconds it took."""
    started = time.perf_counter()
    with engine.begin() as conn:
        _insert_many(conn, products, _product_rows(count))
    return time.perf_counter() - started


def _stages(engine: Engine) -> list[tuple[str, str]]:
    """The lead stages the migration seeded, with their semantics (P, S or F)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(statuses.c.status_id, statuses.c.semantics)
            .where(statuses.c.entity_id == "STATUS")
            .order_by(statuses.c.sort)
        ).all()
    stages = [(str(row.status_id), str(row.semantics or "P")) for row in rows]
    if FILTER_STATUS not in {code for code, _ in stages}:
        raise RuntimeError(f"stage {FILTER_STATUS} is not seeded: {stages}")
    return stages


def _chunk(
    first: int,
    count: int,
    total: int,
    stages: list[tuple[str, str]],
    rng: random.Random,
    custom: Values | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    start = utcnow() - SPAN - timedelta(days=1)
    slot = SPAN.total_seconds() / total
    hour = timedelta(hours=1)
    closing = {code: semantics in ("S", "F") for code, semantics in stages}
    semantic = dict(stages)
    codes = [code for code, _ in stages]
    random_ = rng.random
    lead_rows: list[dict[str, Any]] = []
    multi_rows: list[dict[str, Any]] = []
    c = C
    for lead_id in range(first, first + count):
        first_name = FIRST_NAMES[lead_id % len(FIRST_NAMES)]
        last_name = LAST_NAMES[(lead_id // 7) % len(LAST_NAMES)]
        status = codes[int(random_() * len(codes))]
        created = start + timedelta(seconds=(lead_id - 1 + random_()) * slot)
        modified = created + hour * int(1 + random_() * 240)
        lead_rows.append(
            {
                c["ID"]: lead_id,
                c["TITLE"]: f"Inquiry #{lead_id} from {first_name} {last_name}",
                c["NAME"]: first_name,
                c["LAST_NAME"]: last_name,
                c["COMPANY_TITLE"]: COMPANIES[lead_id % len(COMPANIES)],
                c["SOURCE_ID"]: SOURCES[lead_id % len(SOURCES)],
                c["STATUS_ID"]: status,
                c["STATUS_SEMANTIC_ID"]: semantic[status],
                c["CURRENCY_ID"]: "USD",
                # Whole units: the Money column stores minor units and converts on bind.
                c["OPPORTUNITY"]: int(random_() * MAX_OPPORTUNITY),
                c["IS_MANUAL_OPPORTUNITY"]: False,
                c["HAS_PHONE"]: True,
                c["HAS_EMAIL"]: True,
                c["HAS_IMOL"]: False,
                c["IS_RETURN_CUSTOMER"]: False,
                c["OPENED"]: True,
                c["ASSIGNED_BY_ID"]: USER_ID,
                c["CREATED_BY_ID"]: USER_ID,
                c["MODIFY_BY_ID"]: USER_ID,
                c["MOVED_BY_ID"]: USER_ID,
                c["LAST_ACTIVITY_BY"]: USER_ID,
                c["DATE_CREATE"]: created,
                c["DATE_MODIFY"]: modified,
                c["MOVED_TIME"]: modified,
                c["LAST_ACTIVITY_TIME"]: modified,
                c["DATE_CLOSED"]: modified if closing[status] else None,
                c["UTM_SOURCE"]: UTM[lead_id % len(UTM)],
            }
        )
        if custom is not None:
            lead_rows[-1][VALUES_COLUMN] = custom.stored(lead_id, created, random_)
        block, line = divmod(lead_id, 10000)
        email = f"{first_name}.{last_name}.{lead_id}@example.com".lower()
        multi_rows.append(
            {
                "entity_id": ENTITY_ID,
                "element_id": lead_id,
                "type_id": "PHONE",
                "value_type": "WORK",
                "value": f"+1 (555) {block:03d}-{line:04d}",
                # PHONE's normal form: the digits (types.py), built directly for speed.
                "value_normalized": f"1555{block:03d}{line:04d}",
            }
        )
        multi_rows.append(
            {
                "entity_id": ENTITY_ID,
                "element_id": lead_id,
                "type_id": "EMAIL",
                "value_type": "WORK",
                "value": email,
                "value_normalized": email,
            }
        )
    for row in multi_rows[:2]:  # the shortcut above must agree with the real normal form
        assert row["value_normalized"] == TYPES[row["type_id"]].normalise(row["value"]), row
    return lead_rows, multi_rows


def _insert_many(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany. On PostgreSQL a RETURNING makes SQLAlchemy send multi-row VALUES
    ("insertmanyvalues", 1,000 rows a statement) instead of one statement per row."""
    conn.execute(insert(table), rows)


def filter_matches(engine: Engine) -> int:
    """How many leads the list scenario's filter selects."""
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(leads)
                .where(
                    leads.c.status_id == FILTER_STATUS,
                    leads.c.opportunity >= FILTER_MIN_OPPORTUNITY,
                )
            ).scalar_one()
        )


def seed(
    engine: Engine,
    total: int,
    *,
    custom_fields: int = customfields.DEFAULT_COUNT,
    random_seed: int = 20261126,
) -> SeedReport:
    """Write ``total`` leads with ids 1..total into a migrated, lead-less database, after
    defining ``custom_fields`` custom fields (0, or 20 and more)."""
    with engine.connect() as conn:
        present = conn.execute(select(func.count()).select_from(leads)).scalar_one()
    if present:
        raise RuntimeError(f"the database already holds {present} leads")
    stages = _stages(engine)
    started = time.perf_counter()
    seeded: SeededFields | None = None
    values: Values | None = None
    if custom_fields:
        with engine.begin() as conn:
            definitions = customfields.define(conn, custom_fields)
        seeded = customfields.describe(definitions)
        values = Values(seeded)
        sample_rng = random.Random(random_seed)
        samples = [values.stored(i, utcnow(), sample_rng.random) for i in range(1, 2001)]
        samples.append(customfields.filled(values.wire_as_stored()))
        customfields.check(definitions, samples)
    definitions_seconds = time.perf_counter() - started
    rng = random.Random(random_seed)
    progress = Progress("seeding", total, "leads")
    multi_count = 0
    written = 0
    while written < total:
        with engine.begin() as conn:
            in_transaction = 0
            while written < total and in_transaction < TRANSACTION:
                count = min(CHUNK, total - written, TRANSACTION - in_transaction)
                lead_rows, multi_rows = _chunk(written + 1, count, total, stages, rng, values)
                if seeded is not None:
                    seeded.values += sum(
                        customfields.value_count(row[VALUES_COLUMN]) for row in lead_rows
                    )
                _insert_many(conn, leads, lead_rows)
                _insert_many(conn, multifields, multi_rows)
                written += count
                in_transaction += count
                multi_count += len(multi_rows)
                progress.advance(count)
    seconds = progress.close() + definitions_seconds
    contact_seconds = _seed_contacts(engine, CONTACTS)
    product_seconds = _seed_products(engine, PRODUCTS)
    analyze_started = time.perf_counter()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            # The ids were given explicitly: move the sequences past them for later adds.
            for table, last in (
                ("crm_lead", total),
                ("crm_contact", CONTACTS),
                ("crm_product", PRODUCTS),
            ):
                conn.execute(
                    text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :last)"),
                    {"table": table, "last": last},
                )
        # After a bulk load, as PostgreSQL's documentation advises: statistics for the
        # planner, and the visibility map that lets an index-only scan skip the table
        # (autovacuum would do both, some time later). VACUUM runs outside a transaction.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    analyze_seconds = time.perf_counter() - analyze_started
    if seeded is not None:
        seeded.stage_matches, seeded.code_matches = customfields.count_matches(engine, seeded)
    return SeedReport(
        total,
        multi_count,
        seconds,
        analyze_seconds,
        filter_matches(engine),
        custom_fields=seeded.count if seeded is not None else 0,
        custom=seeded,
        contacts=CONTACTS,
        contact_seconds=contact_seconds,
        products=PRODUCTS,
        product_seconds=product_seconds,
    )
