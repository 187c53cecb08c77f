"""Filters and orders on single-valued custom fields read an index, over 100,000 leads.

The leads carry values for 20 custom fields; the page statement is built the way
``crm.lead.list`` builds it, and its plan read on SQLite and PostgreSQL (see tests/plans.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from leadcrm.crm.leads.tables import leads
from leadcrm.crm.leads.userfields import LEAD_OWNER
from leadcrm.crm.userfields.definitions import Definition, load
from leadcrm.crm.userfields.service import add_definition
from leadcrm.crm.userfields.storage import index_name
from leadcrm.listing import arms, keys_statement, parse_list, where_clause
from leadcrm.runtime import Runtime
from leadcrm.settings import Settings
from tests import databases
from tests.conftest import Template
from tests.plans import Plan, postgres_plan, sqlite_plan
from tests.support import lead_row

ROWS = 100_000
FIRST = datetime(2024, 1, 1)

DEFINITIONS: list[dict[str, Any]] = [
    {"FIELD_NAME": "CODE", "USER_TYPE_ID": "string"},
    {
        "FIELD_NAME": "STAGE",
        "USER_TYPE_ID": "enumeration",
        "LIST": [{"VALUE": f"Stage {n}", "XML_ID": f"S{n}"} for n in range(8)],
    },
    {"FIELD_NAME": "SCORE", "USER_TYPE_ID": "integer"},
    {"FIELD_NAME": "RATE", "USER_TYPE_ID": "double"},
    {"FIELD_NAME": "VISIT", "USER_TYPE_ID": "date"},
    {"FIELD_NAME": "CALLED", "USER_TYPE_ID": "datetime"},
    {"FIELD_NAME": "TAGS", "USER_TYPE_ID": "string", "MULTIPLE": "Y"},
    *({"FIELD_NAME": f"EXTRA_{n}", "USER_TYPE_ID": "string"} for n in range(13)),
]


@dataclass(frozen=True)
class Seeded:
    runtime: Runtime
    fields: dict[str, Definition]


def _values(i: int, fields: dict[str, Definition]) -> dict[str, Any]:
    """Every lead has most fields; one in a hundred has the rare values the queries seek."""
    rare = i % 100 == 0
    stage = fields["UF_CRM_STAGE"].items
    values: dict[str, Any] = {
        fields["UF_CRM_CODE"].key: f"RARE-{i}" if rare else f"C-{i % 5000:05d}",
        fields["UF_CRM_STAGE"].key: stage[0].id if rare else stage[1 + i % 7].id,
        fields["UF_CRM_SCORE"].key: 10**6 + i if rare else i % 1000,
        fields["UF_CRM_RATE"].key: (i % 977) / 7,
        fields["UF_CRM_VISIT"].key: (date(2024, 1, 1) + timedelta(days=i % 700)).isoformat(),
        fields["UF_CRM_CALLED"].key: (FIRST + timedelta(minutes=7 * i)).isoformat(),
        fields["UF_CRM_TAGS"].key: ["a", f"t{i % 50}"],
    }
    if not rare and i % 10 in (3, 7):
        # A fifth of the leads leave these empty: the list orders them apart (``arms``).
        for name in ("UF_CRM_CODE", "UF_CRM_STAGE", "UF_CRM_RATE", "UF_CRM_VISIT"):
            del values[fields[name].key]
    for n in range(13):
        if (i + n) % 3:
            values[fields[f"UF_CRM_EXTRA_{n}"].key] = f"extra {n} {i % 211}"
    return values


def _lead(i: int, fields: dict[str, Definition]) -> dict[str, Any]:
    return lead_row(FIRST + timedelta(minutes=3 * i), title=f"Lead {i}", uf=_values(i, fields))


@pytest.fixture(scope="module")
def seeded(template: Template, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    workdir: Path = tmp_path_factory.mktemp("uf-indexes")
    with databases.copy_of(template.backend, template.location, workdir) as url:
        runtime = Runtime.from_settings(Settings(database_url=url, var_dir=workdir))
        try:
            with runtime.engine.begin() as conn:
                for definition in DEFINITIONS:
                    add_definition(conn, owner=LEAD_OWNER, fields=definition, user_id=1)
                fields = {d.field_name: d for d in load(conn, entity_id="CRM_LEAD")}
                for start in range(0, ROWS, 10_000):
                    rows = [_lead(i, fields) for i in range(start, start + 10_000)]
                    conn.execute(insert(leads), rows)
            with runtime.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT")
                conn.exec_driver_sql("ANALYZE")
            yield Seeded(runtime, fields)
        finally:
            runtime.engine.dispose()


def _plans(seeded: Seeded, params: dict[str, Any]) -> list[Plan]:
    """The plan of each part crm.lead.list reads a page from, in list order."""
    runtime = seeded.runtime
    with runtime.engine.connect() as conn:
        query = parse_list(
            LEAD_OWNER.fields(conn).catalogue,
            select_raw=["ID"],
            filter_raw=params.get("filter"),
            order_raw=params.get("order"),
            start_raw=0,
            zone=runtime.zone,
        )
        plans = []
        for arm in arms(leads, query, where_clause(leads, query.conditions)):
            statement = keys_statement(conn, leads, arm.order, arm.where).limit(51)
            sql = str(
                statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
            )
            reader = sqlite_plan if conn.dialect.name == "sqlite" else postgres_plan
            plans.append(reader(conn, sql))
        return plans


def _plan(seeded: Seeded, params: dict[str, Any]) -> Plan:
    (plan,) = _plans(seeded, params)
    return plan


def _index(seeded: Seeded, name: str) -> str:
    return index_name(leads, seeded.fields[name].id)


FILTERS: dict[str, tuple[str, Any]] = {
    "string equal": ("UF_CRM_CODE", {"UF_CRM_CODE": "RARE-500"}),
    "enumeration item": ("UF_CRM_STAGE", {"UF_CRM_STAGE": "{rare_item}"}),
    "enumeration items": ("UF_CRM_STAGE", {"@UF_CRM_STAGE": ["{rare_item}"]}),
    "integer range": (
        "UF_CRM_SCORE",
        {">=UF_CRM_SCORE": 10**6 + 50_000, "<UF_CRM_SCORE": 10**6 + 52_000},
    ),
    "date range": (
        "UF_CRM_CALLED",
        {">=UF_CRM_CALLED": "2024-03-01T00:00:00", "<UF_CRM_CALLED": "2024-03-01T02:00:00"},
    ),
}


@pytest.mark.parametrize("case", FILTERS)
def test_a_filter_on_a_custom_field_reads_its_index(seeded: Seeded, case: str) -> None:
    name, raw = FILTERS[case]
    rare_item = str(seeded.fields["UF_CRM_STAGE"].items[0].id)
    wanted = {
        key: [rare_item if v == "{rare_item}" else v for v in value]
        if isinstance(value, list)
        else (rare_item if value == "{rare_item}" else value)
        for key, value in raw.items()
    }
    plan = _plan(seeded, {"filter": wanted})
    assert _index(seeded, name) in plan.indexes, plan.text
    assert "crm_lead" not in plan.full_scans, plan.text


ORDERS = {
    "string ascending": ("UF_CRM_CODE", "ASC"),
    "string descending": ("UF_CRM_CODE", "DESC"),
    "enumeration descending": ("UF_CRM_STAGE", "DESC"),
    "number ascending": ("UF_CRM_RATE", "ASC"),
    "date descending": ("UF_CRM_VISIT", "DESC"),
}


@pytest.mark.parametrize("case", ORDERS)
def test_an_order_on_a_custom_field_reads_its_index_in_order(seeded: Seeded, case: str) -> None:
    """Two runs: the leads with a value from the field's index, the others by ID."""
    name, direction = ORDERS[case]
    empty, filled = _plans(seeded, {"order": {name: direction}})
    if direction == "DESC":
        empty, filled = filled, empty
    assert _index(seeded, name) in filled.indexes, filled.text
    assert not filled.sorts_everything, filled.text
    assert "crm_lead" not in filled.full_scans, filled.text
    assert not empty.sorts_everything, empty.text
    assert not {i for i in empty.indexes if i.startswith("ix_crm_lead_uf_")}, empty.text


def test_a_multiple_field_has_no_index(seeded: Seeded) -> None:
    """The reader can fail the tests above: a filter that no custom index serves reads none."""
    plan = _plan(seeded, {"filter": {"UF_CRM_TAGS": "t7"}})
    assert not {i for i in plan.indexes if i.startswith("ix_crm_lead_uf_")}, plan.text


def test_a_field_added_over_existing_leads_is_indexed_at_once(seeded: Seeded) -> None:
    runtime = seeded.runtime
    with runtime.engine.begin() as conn:
        field_id = add_definition(
            conn,
            owner=LEAD_OWNER,
            fields={"FIELD_NAME": "LATE", "USER_TYPE_ID": "integer"},
            user_id=1,
        )
    with runtime.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("ANALYZE")
    plan = _plan(seeded, {"filter": {"UF_CRM_LATE": 5}})
    assert index_name(leads, field_id) in plan.indexes, plan.text
    assert "crm_lead" not in plan.full_scans, plan.text
