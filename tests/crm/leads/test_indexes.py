"""The lead list queries that matter are served by an index, on SQLite and on PostgreSQL.

The statement is built the way ``crm.lead.list`` builds it (``leadcrm.listing`` over the
leads table), compiled for the database with its values inlined, and explained there:
``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN (FORMAT JSON)`` on PostgreSQL. The table holds a
few thousand analysed rows, so the planners choose as they would in production.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, text

from leadcrm.crm.leads.fields import ENTITY_ID, LEAD_FIELDS
from leadcrm.crm.leads.tables import leads
from leadcrm.crm.multifields.tables import multifields
from leadcrm.listing import page_statement, parse_list, where_clause
from leadcrm.runtime import Runtime
from leadcrm.settings import Settings
from tests import databases
from tests.conftest import Template
from tests.plans import Plan, postgres_plan, sqlite_plan
from tests.support import lead_row

ROWS = 5000
FIRST = datetime(2023, 1, 1)
STAGES = ["NEW", "IN_PROCESS", "PROCESSED", "CONVERTED"]
SOURCES = ["CALL", "EMAIL", "WEB", "ADVERTISING", "PARTNER"]


def _lead(i: int) -> dict[str, Any]:
    """Common values everywhere; one row in a hundred has the rare values the queries seek."""
    rare = i % 100 == 0
    return lead_row(
        FIRST + timedelta(minutes=37 * i),
        title=f"Lead {i}",
        status_id="JUNK" if rare else STAGES[i % len(STAGES)],
        source_id="TRADE_SHOW" if rare else SOURCES[i % len(SOURCES)],
        assigned_by_id=7 if rare else 1 + i % 3,
        opportunity=Decimal(10**6 + i) if rare else Decimal(i % 1000),
        status_semantic_id="F" if rare else "P",
    )


@pytest.fixture(scope="module")
def runtime_with_leads(
    template: Template, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Runtime]:
    workdir: Path = tmp_path_factory.mktemp("indexes")
    with databases.copy_of(template.backend, template.location, workdir) as url:
        runtime = Runtime.from_settings(Settings(database_url=url, var_dir=workdir))
        try:
            with runtime.engine.begin() as conn:
                conn.execute(insert(leads), [_lead(i) for i in range(ROWS)])
                phones = [
                    {
                        "entity_id": ENTITY_ID,
                        "element_id": lead_id,
                        "type_id": "PHONE",
                        "value_type": "WORK",
                        "value": f"+1 555 {lead_id:07d}",
                        "value_normalized": f"1555{lead_id:07d}",
                    }
                    for lead_id in range(1, ROWS + 1)
                ]
                conn.execute(insert(multifields), phones)
            with runtime.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT")
                conn.exec_driver_sql("ANALYZE")
            yield runtime
        finally:
            runtime.engine.dispose()


def _plan(runtime: Runtime, params: dict[str, Any]) -> Plan:
    """The plan of the page query crm.lead.list runs for these parameters."""
    query = parse_list(
        LEAD_FIELDS,
        select_raw=["ID"],
        filter_raw=params.get("filter"),
        order_raw=params.get("order"),
        start_raw=0,
        zone=runtime.zone,
    )
    with runtime.engine.connect() as conn:
        statement = page_statement(conn, leads, query, where_clause(leads, query.conditions))
        sql = str(statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        if conn.dialect.name == "sqlite":
            return sqlite_plan(conn, sql)
        return postgres_plan(conn, sql)


# Every index that leads with the stage serves a stage filter.
STAGE_INDEXES = {
    "ix_crm_lead_status_id",
    "ix_crm_lead_status_date_create_id_opportunity",
}
RARE_MOMENT = FIRST + timedelta(minutes=37 * 2500)
CASES: dict[str, tuple[dict[str, Any], set[str]]] = {
    "stage": ({"filter": {"STATUS_ID": "JUNK"}}, STAGE_INDEXES),
    "stages": ({"filter": {"@STATUS_ID": ["JUNK", "NOPE"]}}, STAGE_INDEXES),
    "source": ({"filter": {"SOURCE_ID": "TRADE_SHOW"}}, {"ix_crm_lead_source_id"}),
    "responsible": ({"filter": {"ASSIGNED_BY_ID": 7}}, {"ix_crm_lead_assigned_by_id"}),
    "created between": (
        {
            "filter": {
                ">=DATE_CREATE": RARE_MOMENT.isoformat(),
                "<DATE_CREATE": (RARE_MOMENT + timedelta(hours=3)).isoformat(),
            }
        },
        {"ix_crm_lead_date_create"},
    ),
    "amount range": (
        {"filter": {">OPPORTUNITY": 10**6, "<=OPPORTUNITY": 10**6 + 5000}},
        {"ix_crm_lead_opportunity"},
    ),
    "phone": ({"filter": {"PHONE": "+1 (555) 000-12-34"}}, {"ix_crm_field_multi_search"}),
    "stage by creation": (
        {"filter": {"STATUS_ID": "JUNK"}, "order": {"DATE_CREATE": "DESC"}},
        STAGE_INDEXES,
    ),
}
ORDERS: dict[str, tuple[dict[str, Any], str]] = {
    "newest first": ({"order": {"DATE_CREATE": "DESC"}}, "ix_crm_lead_date_create"),
    "oldest first": ({"order": {"date_create": "asc"}}, "ix_crm_lead_date_create"),
    "by id": ({}, "PRIMARY"),
    "by id descending": ({"order": {"ID": "DESC"}}, "PRIMARY"),
}


def _is_primary(index: str) -> bool:
    return index == "PRIMARY" or index.endswith("_pkey") or index.startswith("pk_")


@pytest.mark.parametrize("case", CASES)
def test_filters_that_matter_read_an_index(runtime_with_leads: Runtime, case: str) -> None:
    params, wanted = CASES[case]
    plan = _plan(runtime_with_leads, params)
    assert plan.indexes & wanted, plan.text
    assert "crm_lead" not in plan.full_scans, plan.text
    assert "crm_field_multi" not in plan.full_scans, plan.text


@pytest.mark.parametrize("case", ORDERS)
def test_orders_that_matter_are_served_by_an_index(runtime_with_leads: Runtime, case: str) -> None:
    params, wanted = ORDERS[case]
    plan = _plan(runtime_with_leads, params)
    used = {("PRIMARY" if _is_primary(i) else i) for i in plan.indexes}
    assert wanted in used, plan.text
    # Read in the index's order, the page ends after 51 rows: nothing is sorted whole.
    assert not plan.sorts_everything, plan.text
    if wanted != "PRIMARY":
        assert "crm_lead" not in plan.full_scans, plan.text


def test_a_stage_above_an_amount_newest_first_is_read_in_index_order(
    runtime_with_leads: Runtime,
) -> None:
    """The benchmarked list: the page is read from the covering index, never sorted whole."""
    params = {
        "filter": {"STATUS_ID": "JUNK", ">=OPPORTUNITY": 10**6},
        "order": {"DATE_CREATE": "DESC"},
    }
    plan = _plan(runtime_with_leads, params)
    assert "ix_crm_lead_status_date_create_id_opportunity" in plan.indexes, plan.text
    assert not plan.sorts_everything, plan.text
    assert "crm_lead" not in plan.full_scans, plan.text


def test_the_plan_reader_sees_a_full_scan_and_a_sort(runtime_with_leads: Runtime) -> None:
    """The assertions above can fail: an unindexed filter and order are reported as such."""
    plan = _plan(runtime_with_leads, {"filter": {"%TITLE": "Lead 1"}, "order": {"TITLE": "ASC"}})
    assert "crm_lead" in plan.full_scans, plan.text
    assert plan.sorts_everything, plan.text
    assert not {i for i in plan.indexes if i.startswith("ix_")}, plan.text


def test_the_compiled_statement_is_the_one_the_server_runs(runtime_with_leads: Runtime) -> None:
    """The inlined statement explained above returns what the bound one returns."""
    query = parse_list(
        LEAD_FIELDS,
        select_raw=["ID"],
        filter_raw={"STATUS_ID": "JUNK", ">OPPORTUNITY": "1000100"},
        order_raw={"DATE_CREATE": "DESC"},
        start_raw=0,
        zone=runtime_with_leads.zone,
    )
    with runtime_with_leads.engine.connect() as conn:
        statement = page_statement(conn, leads, query, where_clause(leads, query.conditions))
        inlined = statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
        bound = [row.id for row in conn.execute(statement)]
        assert bound == [row[0] for row in conn.execute(text(str(inlined)))]
    assert len(bound) == sum(1 for i in range(0, ROWS, 100) if 10**6 + i > 1000100)
