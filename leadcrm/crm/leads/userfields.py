"""The lead as an owner of custom fields (CRM_LEAD): its table, catalogue and bindings."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, select

from leadcrm.crm.leads.fields import LEAD_FIELDS, USER_FIELD_ENTITY
from leadcrm.crm.leads.tables import leads
from leadcrm.crm.userfields.owners import Owner, register_owner
from leadcrm.crm.userfields.values import register_binding_check

LEAD_OWNER = register_owner(
    Owner(entity_id=USER_FIELD_ENTITY, table=leads, base=LEAD_FIELDS, event_prefix="ONCRMLEAD")
)


_EXISTING = select(leads.c.id).where(leads.c.id.in_(bindparam("lead_ids", expanding=True)))


def _existing_leads(conn: Connection, ids: set[int]) -> set[int]:
    wanted = sorted(i for i in ids if i < 2**31)
    if not wanted:
        return set()
    return set(conn.execute(_EXISTING, {"lead_ids": wanted}).scalars())


register_binding_check("LEAD", _existing_leads)
