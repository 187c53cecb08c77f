"""Bare endpoints beside the contact scenarios (issue 7): one database operation each.

Built as the lead scenarios' are (the same engine, Starlette's thread pool, a write
transaction taken as a REST write takes it, orjson), and mounted with them.

- ``POST /bench/contact-insert``: one INSERT of a contact row in its own transaction, as
  ``POST /bench/insert`` is for a lead: no phone and e-mail rows, no event record (the bare
  lead insert writes neither; both stay on ``crm.contact.add``'s side of the ratio, as they
  are on ``crm.lead.add``'s).
- ``POST /bench/lead-contacts-set``: the writes of ``crm.lead.contact.items.set`` in one
  transaction: the lead's row locked (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the
  transaction's ``BEGIN IMMEDIATE`` holds the write lock already), its binding rows deleted,
  the new ones inserted with the same executemany, and ``crm_lead.contact_id`` set to the
  primary. Left to the REST side: the check that the contacts exist, the read of the current
  bindings (to tell whether anything changed) and the event record.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Engine, delete, insert, select, update
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from leadcrm.crm.contacts.tables import contacts
from leadcrm.crm.leads.tables import lead_contacts, leads
from leadcrm.db.transactions import transaction
from leadcrm.users.service import utcnow

JSON_TYPE = "application/json; charset=utf-8"
BENCH_USER_ID = 1
MAX_BINDINGS = 50
# The contact columns a request may set, as crm.contact.add stores them.
CONTACT_COLUMNS = ("honorific", "name", "last_name", "type_id", "source_id")


def routes(engine: Engine) -> list[BaseRoute]:
    endpoints = ContactEndpoints(engine)
    return [
        Route("/bench/contact-insert", endpoints.insert_contact, methods=["POST"]),
        Route("/bench/lead-contacts-set", endpoints.set_lead_contacts, methods=["POST"]),
    ]


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=JSON_TYPE)


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    parsed = orjson.loads(raw) if raw.strip() else {}
    return parsed if isinstance(parsed, dict) else {}


class ContactEndpoints:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def insert_contact(self, request: Request) -> Response:
        """``POST /bench/contact-insert``: ``{"name": ..., "last_name": ..., "type_id": ...,
        "source_id": ..., "honorific": ...}`` (each optional, written as it came), parsed with
        orjson like a REST body; answers the new id."""
        parsed = await _body(request)
        given = {key: str(parsed[key]) for key in CONTACT_COLUMNS if parsed.get(key)}
        contact_id = await run_in_threadpool(self._insert_contact, given)
        return _json({"result": contact_id})

    def _insert_contact(self, given: dict[str, str]) -> int:
        now = utcnow()
        row: dict[str, Any] = {
            **given,
            "opened": True,
            "export": True,
            "has_phone": False,
            "has_email": False,
            "has_imol": False,
            "assigned_by_id": BENCH_USER_ID,
            "created_by_id": BENCH_USER_ID,
            "modify_by_id": BENCH_USER_ID,
            "date_create": now,
            "date_modify": now,
            "last_activity_time": now,
            "last_activity_by": BENCH_USER_ID,
        }
        # As a REST write: its own connection and transaction, taken the same way.
        with transaction(self.engine, writes=True) as conn:
            statement = insert(contacts).values(row).returning(contacts.c.id)
            return int(conn.execute(statement).scalar_one())

    async def set_lead_contacts(self, request: Request) -> Response:
        """``POST /bench/lead-contacts-set``: ``{"id": lead, "contacts": [id, ...]}`` binds
        exactly these contacts to the lead, SORT 10, 20, ... in the order given, the first
        one primary; 404 when the lead does not exist. Contact ids are not checked."""
        parsed = await _body(request)
        try:
            lead_id = int(parsed.get("id") or 0)
            contact_ids = [int(c) for c in parsed.get("contacts") or []][:MAX_BINDINGS]
        except (TypeError, ValueError):
            return _json({"error": "INVALID"}, 400)
        if lead_id <= 0 or len(set(contact_ids)) != len(contact_ids):
            return _json({"error": "INVALID"}, 400)
        found = await run_in_threadpool(self._set_lead_contacts, lead_id, contact_ids)
        if not found:
            return _json({"error": "NOT_FOUND"}, 404)
        return _json({"result": True})

    def _set_lead_contacts(self, lead_id: int, contact_ids: list[int]) -> bool:
        rows = [
            {
                "lead_id": lead_id,
                "contact_id": contact_id,
                "sort": (n + 1) * 10,
                "role_id": 0,
                "is_primary": n == 0,
            }
            for n, contact_id in enumerate(contact_ids)
        ]
        with transaction(self.engine, writes=True) as conn:
            locking = select(leads.c.id).where(leads.c.id == lead_id).with_for_update()
            if conn.execute(locking).first() is None:
                return False
            conn.execute(delete(lead_contacts).where(lead_contacts.c.lead_id == lead_id))
            if rows:
                conn.execute(insert(lead_contacts), rows)
            primary = contact_ids[0] if contact_ids else None
            conn.execute(update(leads).where(leads.c.id == lead_id).values(contact_id=primary))
        return True
