"""The lead as an ``EntityKind``: what only a lead does on add and update.

A lead's stage has semantics (in progress, converted, junk) that set its closing date; an
untitled lead is named after its id; and a lead given a client on add or update is a repeat
lead (IS_RETURN_CUSTOMER), which binding contacts later through crm.lead.contact.* leaves
alone, as documented.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping

from leadcrm.crm.entities.kind import EntityKind, Link, NewRecord, Writing, named_after_id
from leadcrm.crm.entities.registry import register_kind
from leadcrm.crm.leads.fields import ENTITY_ID, LEAD_FIELDS
from leadcrm.crm.leads.tables import LEAD_CONTACTS, leads
from leadcrm.crm.leads.userfields import LEAD_OWNER
from leadcrm.crm.references import References

STAGES = "STATUS"
FINAL_SEMANTICS = ("S", "F")


def _fill_new(
    row: dict[str, Any], new: NewRecord, references: References, writing: Writing, now: datetime
) -> None:
    semantics = references.status_semantics(STAGES, row["status_id"]) or "P"
    row.update(
        status_semantic_id=semantics,
        date_closed=now if semantics in FINAL_SEMANTICS else None,
        is_return_customer=bool(row.get("company_id") or row.get("contact_id")),
    )


def _fill_update(
    changes: dict[str, Any],
    current: RowMapping,
    sent: Mapping[str, Any],
    references: References,
    writing: Writing,
    now: datetime,
) -> None:
    new_status = changes.get("status_id")
    if new_status is not None and new_status != current["status_id"]:
        semantics = references.status_semantics(STAGES, new_status) or "P"
        changes.update(
            status_semantic_id=semantics,
            moved_by_id=writing.user_id,
            moved_time=now,
            date_closed=now if semantics in FINAL_SEMANTICS else None,
        )
    # Recalculated whenever the lead itself is saved, as documented; binding contacts
    # through crm.lead.contact.* does not save the lead.
    merged = {**current, **changes}
    changes["is_return_customer"] = bool(merged["company_id"] or merged["contact_id"])


LEAD = register_kind(
    EntityKind(
        name=ENTITY_ID,
        catalogue=LEAD_FIELDS,
        table=leads,
        owner=LEAD_OWNER,
        links=(Link(LEAD_CONTACTS, many="CONTACT_IDS", primary="CONTACT_ID"),),
        fill_new=_fill_new,
        fill_update=_fill_update,
        after_add=named_after_id(leads, "title", "Lead #{}"),
    )
)
