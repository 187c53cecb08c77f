"""crm.lead.details.configuration.*: the lead card's layouts, personal and common."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from leadcrm.crm.ids import MAX_ID, whole_number
from leadcrm.crm.layouts import service
from leadcrm.crm.layouts.sections import parse_sections
from leadcrm.crm.layouts.service import COMMON, PERSONAL, LayoutKey, Scope
from leadcrm.crm.leads.card import CUSTOMER_TYPES, LEAD_ENTITY_TYPE_ID, SIMPLE_LEAD, field_namer
from leadcrm.crm.leads.userfields import LEAD_OWNER
from leadcrm.rest.call import Call
from leadcrm.rest.errors import crm_error
from leadcrm.rest.registry import method
from leadcrm.users.service import utcnow
from leadcrm.users.tables import users

# `extras` names the lead card variant as `leadCustomerType` (the set page) or as
# `lead.customer.type` (the get and reset pages); both are read, in any case.
_CUSTOMER_TYPE_KEYS = frozenset({"leadcustomertype", "lead.customer.type", "lead_customer_type"})


def _scope(call: Call) -> Scope:
    raw = call.params.get("scope")
    if raw is None or raw == "":
        return PERSONAL
    scope = raw.upper() if isinstance(raw, str) else None
    if scope == PERSONAL:
        return PERSONAL
    if scope == COMMON:
        return COMMON
    raise crm_error("Parameter 'scope' must be 'P' or 'C'.")


def _user_id(call: Call) -> int:
    raw = call.params.get("userId")
    if raw is None or raw == "":
        return call.user_id
    number = whole_number(raw)
    if number is None or number > MAX_ID:
        raise crm_error("Parameter 'userId' must be a user ID.")
    return number or call.user_id


def _customer_type(call: Call) -> int:
    extras = call.params.get("extras")
    if extras is None or extras == "" or extras == []:
        return SIMPLE_LEAD
    if not isinstance(extras, Mapping):
        raise crm_error("Parameter 'extras' must be array.")
    sent = next((v for k, v in extras.items() if str(k).lower() in _CUSTOMER_TYPE_KEYS), None)
    if sent is None:
        return SIMPLE_LEAD
    customer_type = whole_number(sent)
    if customer_type is None or customer_type not in CUSTOMER_TYPES:
        raise crm_error("The lead customer type must be 1 or 2.")
    return customer_type


def _key(call: Call, *, others_need_admin: bool) -> LayoutKey:
    """The layout the call addresses, once the caller may touch it: their own personal one
    always; the common one to read always, to change as an administrator; another user's
    only as an administrator."""
    scope = _scope(call)
    user_id = _user_id(call) if scope == PERSONAL else 0
    customer_type = _customer_type(call)
    someone_elses = scope == PERSONAL and user_id != call.user_id
    if someone_elses or (scope == COMMON and others_need_admin):
        call.require_admin()
    return LayoutKey.of(
        entity_type_id=LEAD_ENTITY_TYPE_ID, variant=customer_type, scope=scope, user_id=user_id
    )


@method("crm.lead.details.configuration.get", scope="crm")
def configuration_get(call: Call) -> list[dict[str, Any]] | None:
    return service.get_layout(call.conn, key=_key(call, others_need_admin=False))


@method("crm.lead.details.configuration.set", scope="crm", writes=True)
def configuration_set(call: Call) -> bool:
    key = _key(call, others_need_admin=True)
    # Held unchanged until the layout is stored, so a custom field deleted meanwhile is
    # either refused here or taken out of the stored layout by the deletion.
    fields = LEAD_OWNER.fields(call.conn, lock=True)
    sections = parse_sections(call.params.get("data"), field_named=field_namer(fields))
    if key.scope == PERSONAL and key.user_id != call.user_id:
        found = call.conn.execute(select(users.c.id).where(users.c.id == key.user_id)).first()
        if found is None:
            raise crm_error(f"The user {key.user_id} is not found.")
    service.set_layout(call.conn, key=key, sections=sections, user_id=call.user_id, now=utcnow())
    return True


@method("crm.lead.details.configuration.reset", scope="crm", writes=True)
def configuration_reset(call: Call) -> bool:
    service.reset_layout(call.conn, key=_key(call, others_need_admin=True))
    return True


@method("crm.lead.details.configuration.forceCommonScopeForAll", scope="crm", writes=True)
def configuration_force_common(call: Call) -> bool:
    customer_type = _customer_type(call)
    call.require_admin()
    service.remove_personal_layouts(
        call.conn, entity_type_id=LEAD_ENTITY_TYPE_ID, variant=customer_type
    )
    return True
