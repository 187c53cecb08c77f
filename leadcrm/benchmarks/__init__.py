"""Bare endpoints for the benchmark harness (``python -m bench``): one database operation each.

They run on the same stack as the REST methods (Starlette, the same engine, Starlette's thread
pool, orjson) but skip everything else: no authentication, no parameter grammar, no catalogue,
no envelope. ``bench/`` loads each lead method next to its bare counterpart, so the ratio of the
two says how much the REST layer costs on top of the database.

Mounted only when ``LEADCRM_BENCH_ENDPOINTS=1`` (off by default). They are unauthenticated and
write to the database: never enable them on a server that anyone else can reach.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from sqlalchemy import Connection, Engine, func, insert, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from leadcrm.benchmarks.clients import routes as client_routes
from leadcrm.benchmarks.productrows import routes as product_row_routes
from leadcrm.crm.leads.fields import LEAD_FIELDS
from leadcrm.crm.leads.tables import leads
from leadcrm.crm.leads.userfields import LEAD_OWNER
from leadcrm.crm.userfields.storage import VALUES_COLUMN
from leadcrm.db.transactions import transaction
from leadcrm.listing import PAGE_SIZE, ListQuery, page_rows, parse_list, run, where_clause
from leadcrm.runtime import Runtime
from leadcrm.users.service import utcnow

JSON_TYPE = "application/json; charset=utf-8"
# A batch holds at most 50 commands; /bench/insert?count=N stands next to it.
MAX_INSERTS = 50
BENCH_USER_ID = 1
MAX_CUSTOM_QUERIES = 64
# Plain str keys: SQLAlchemy's column names are a str subclass, which orjson refuses as keys.
_KEYS = tuple(str(column.key) for column in leads.c)


def bench_routes(runtime: Runtime) -> list[BaseRoute]:
    endpoints = BareEndpoints(runtime.engine)
    return [
        Route("/bench/read", endpoints.read, methods=["GET"]),
        Route("/bench/insert", endpoints.insert, methods=["POST"]),
        Route("/bench/list", endpoints.list_page, methods=["GET"]),
        Route("/bench/list-custom", endpoints.list_custom, methods=["GET"]),
        *client_routes(runtime.engine),
        *product_row_routes(runtime.engine),
    ]


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body, default=_default), status_code=status, media_type=JSON_TYPE)


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _int(raw: str | None, default: int, *, low: int, high: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        return default
    return min(max(value, low), high)


class BareEndpoints:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # Custom-field list queries, parsed once per distinct request (as _list_query is).
        self._custom_queries: dict[tuple[str, str, str, int], ListQuery] = {}

    async def read(self, request: Request) -> Response:
        """``GET /bench/read?id=N``: one primary-key SELECT of the lead row."""
        lead_id = _int(request.query_params.get("id"), 1, low=1, high=2**31 - 1)
        row = await run_in_threadpool(self._read, lead_id)
        if row is None:
            return _json({"error": "NOT_FOUND"}, 404)
        return _json({"result": row})

    def _read(self, lead_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(leads).where(leads.c.id == lead_id)).first()
        return None if row is None else dict(zip(_KEYS, row, strict=True))

    async def insert(self, request: Request) -> Response:
        """``POST /bench/insert[?count=N]``: N lead rows, each one INSERT in its own transaction.

        The JSON body may carry ``{"title": ..., "uf": {...}}``, parsed with orjson like a REST
        body; ``uf`` is written as it came into the custom values column (stored form: values
        keyed by field ID), unchecked.
        """
        count = _int(request.query_params.get("count"), 1, low=1, high=MAX_INSERTS)
        body = await request.body()
        parsed = orjson.loads(body) if body.strip() else {}
        if not isinstance(parsed, dict):
            parsed = {}
        title = str(parsed.get("title") or "Bench lead")
        custom = parsed.get("uf")
        values = custom if isinstance(custom, dict) and custom else None
        ids = await run_in_threadpool(self._insert, title, count, values)
        return _json({"result": ids[0] if count == 1 else ids})

    def _insert(self, title: str, count: int, values: dict[str, Any] | None = None) -> list[int]:
        ids: list[int] = []
        for _ in range(count):
            now = utcnow()
            row = {
                "title": title,
                "status_id": "NEW",
                "status_semantic_id": "P",
                "currency_id": "USD",
                "opportunity": Decimal("0.00"),
                "is_manual_opportunity": False,
                "opened": True,
                "has_phone": False,
                "has_email": False,
                "has_imol": False,
                "is_return_customer": False,
                "assigned_by_id": BENCH_USER_ID,
                "created_by_id": BENCH_USER_ID,
                "modify_by_id": BENCH_USER_ID,
                "moved_by_id": BENCH_USER_ID,
                "last_activity_by": BENCH_USER_ID,
                "date_create": now,
                "date_modify": now,
                "moved_time": now,
                "last_activity_time": now,
                VALUES_COLUMN: values,
            }
            # As a REST write: its own connection and transaction, taken the same way.
            with transaction(self.engine, writes=True) as conn:
                statement = insert(leads).values(row).returning(leads.c.id)
                ids.append(int(conn.execute(statement).scalar_one()))
        return ids

    async def list_page(self, request: Request) -> Response:
        """``GET /bench/list?status=S&min=AMOUNT&start=N&count=0|1``: one page, selected with
        the list engine's own statements (stage filter, minimum amount, newest first), and its
        total if asked."""
        status = request.query_params.get("status", "NEW")
        minimum = Decimal(_int(request.query_params.get("min"), 0, low=0, high=10**12))
        start = _int(request.query_params.get("start"), 0, low=0, high=2**31 - 1)
        count = request.query_params.get("count", "0") == "1"
        rows, total = await run_in_threadpool(self._list, status, minimum, start, count)
        body: dict[str, Any] = {"result": rows}
        if total is not None:
            body["total"] = total
        return _json(body)

    def _list(
        self, status: str, minimum: Decimal, start: int, count: bool
    ) -> tuple[list[dict[str, Any]], int | None]:
        # The statements the list engine builds for crm.lead.list with this filter and order,
        # run without the REST layer and without rendering.
        query = _list_query(status, minimum, start)
        where = where_clause(leads, query.conditions)
        with self.engine.connect() as conn:
            rows = [
                {key: row[key] for key in _KEYS} for row in page_rows(conn, leads, query, where)
            ]
            total = None
            if count:
                counting = select(func.count()).select_from(leads).where(where)
                total = int(conn.execute(counting).scalar_one())
        return rows[:PAGE_SIZE], total

    async def list_custom(self, request: Request) -> Response:
        """``GET /bench/list-custom?field=UF_CRM_X&value=V[&order=ASC|DESC][&start=N]``: one
        page filtered on a custom field (``field`` = ``value``), ordered by ID, and its total
        unless ``start=-1``: the list engine's own statements for that filter (the field's
        ``value_of`` expression, which its index is built on), without the REST layer and
        without rendering."""
        name = request.query_params.get("field", "")
        value = request.query_params.get("value", "")
        order = "DESC" if request.query_params.get("order", "").upper() == "DESC" else "ASC"
        start = _int(request.query_params.get("start"), 0, low=-1, high=2**31 - 1)
        rows, total = await run_in_threadpool(self._list_custom, name, value, order, start)
        body: dict[str, Any] = {"result": rows}
        if total is not None:
            body["total"] = total
        return _json(body)

    def _list_custom(
        self, name: str, value: str, order: str, start: int
    ) -> tuple[list[dict[str, Any]], int | None]:
        with self.engine.connect() as conn:
            query = self._custom_query(conn, name, value, order, start)
            result = run(conn, leads, query)
            rows = [{key: row[key] for key in _KEYS} for row in result.rows]
        return rows, result.total

    def _custom_query(
        self, conn: Connection, name: str, value: str, order: str, start: int
    ) -> ListQuery:
        """Parsed by the list engine over the catalogue with the custom fields, once: the
        definitions are read on a first request only (the benchmark never changes them)."""
        key = (name, value, order, start)
        query = self._custom_queries.get(key)
        if query is None:
            query = parse_list(
                LEAD_OWNER.fields(conn).catalogue,
                select_raw=None,
                filter_raw={name: value},
                order_raw={"ID": order},
                start_raw=start,
                zone=ZoneInfo("UTC"),
            )
            if len(self._custom_queries) >= MAX_CUSTOM_QUERIES:
                self._custom_queries.clear()
            self._custom_queries[key] = query
        return query


@lru_cache(maxsize=64)
def _list_query(status: str, minimum: Decimal, start: int) -> ListQuery:
    return parse_list(
        LEAD_FIELDS,
        select_raw=None,
        filter_raw={"STATUS_ID": status, ">=OPPORTUNITY": str(minimum)},
        order_raw={"DATE_CREATE": "DESC"},
        start_raw=start,
        zone=ZoneInfo("UTC"),
    )
