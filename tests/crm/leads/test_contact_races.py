"""Contacts deleted while other calls bind them to leads, at the same time, on each database.

Binding locks the lead and then (shared) the contacts; deleting a contact locks the contact
and then its leads. On PostgreSQL the two orders can deadlock; the database then aborts one
call, which wrote nothing and runs again. Whatever the interleaving, no call may fail with
anything but the documented NOT_FOUND, and the bindings must end consistent: only existing
contacts, one primary, the lead's CONTACT_ID naming it.
"""

from __future__ import annotations

import random
import threading

from sqlalchemy import text

from leadcrm.rest.dispatch import execute
from leadcrm.rest.params import Params
from leadcrm.rest.principal import Principal
from tests.support import Api

CONTACTS = 12
LEADS = 3
ROUNDS = 25
ADMIN = Principal(user_id=1, is_admin=True, scopes=frozenset({"crm"}), credential="test")


def _call(api: Api, method: str, params: dict[str, object]) -> tuple[object, str | None]:
    outcome = execute(api.runtime, method, Params(params), ADMIN)
    return outcome.result, outcome.error.code if outcome.error is not None else None


def test_binding_and_deleting_contacts_at_once_leave_consistent_leads(api: Api) -> None:
    contacts = [api.call("crm.contact.add", {"fields": {"NAME": f"C{n}"}}) for n in range(CONTACTS)]
    leads = [api.call("crm.lead.add", {"fields": {"TITLE": f"L{n}"}}) for n in range(LEADS)]
    errors: list[str] = []

    def bind(seed: int) -> None:
        draw = random.Random(seed)
        for _ in range(ROUNDS):
            chosen = draw.sample(contacts, 4)
            items = [{"CONTACT_ID": c, "IS_PRIMARY": "Y" if i == 2 else "N"} for i, c in
                     enumerate(chosen)]  # fmt: skip
            _, code = _call(
                api, "crm.lead.contact.items.set", {"id": draw.choice(leads), "items": items}
            )
            if code not in (None, "NOT_FOUND"):
                errors.append(f"items.set: {code}")

    def delete() -> None:
        for contact_id in contacts[::2]:
            result, code = _call(api, "crm.contact.delete", {"id": contact_id})
            if code is not None or result is not True:
                errors.append(f"contact.delete: {code}")

    threads = [threading.Thread(target=bind, args=(n,)) for n in range(2)]
    threads.append(threading.Thread(target=delete))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    survivors = set(contacts[1::2])
    with api.runtime.engine.connect() as conn:
        bound = conn.execute(
            text("SELECT lead_id, contact_id, is_primary FROM crm_lead_contact")
        ).all()
        mirrors = dict(conn.execute(text("SELECT id, contact_id FROM crm_lead")).all())
    assert {contact for _, contact, _ in bound} <= survivors
    for lead_id in leads:
        primaries = [c for lead, c, primary in bound if lead == lead_id and primary]
        has_any = any(lead == lead_id for lead, _, _ in bound)
        assert len(primaries) == (1 if has_any else 0), bound
        assert mirrors[lead_id] == (primaries[0] if primaries else None)
