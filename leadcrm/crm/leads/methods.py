"""crm.lead.*: thin handlers over the lead service."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from leadcrm.crm.ids import parse_entity_id
from leadcrm.crm.leads import service
from leadcrm.crm.leads.userfields import LEAD_OWNER
from leadcrm.listing import parse_list
from leadcrm.rest.call import Call, Page
from leadcrm.rest.errors import RestError, crm_error
from leadcrm.rest.registry import BulkWrite, bulk, method


def _map_param(call: Call, name: str) -> dict[str, Any]:
    """A map parameter; missing, empty or ``[]`` (PHP's empty array) is an empty map."""
    value = call.params.get(name)
    if value is None or value == "" or value == []:
        return {}
    if not isinstance(value, dict):
        raise crm_error(f"Parameter '{name}' must be array.")
    return value


def _fields(call: Call) -> dict[str, Any]:
    fields = _map_param(call, "fields")
    _map_param(call, "params")
    return fields


def _writing(call: Call) -> service.Writing:
    return service.Writing(
        user_id=call.user_id,
        zone=call.zone,
        max_file_bytes=call.runtime.settings.max_file_bytes,
    )


@method("crm.lead.fields", scope="crm")
def lead_fields(call: Call) -> dict[str, Any]:
    return LEAD_OWNER.fields(call.conn).catalogue.describe()


@method("crm.lead.add", scope="crm", writes=True)
def lead_add(call: Call) -> int:
    return service.add_lead(call.conn, values=_fields(call), writing=_writing(call))


@bulk("crm.lead.add")
def lead_add_many(calls: list[Call]) -> BulkWrite:
    first = calls[0]
    fields: list[dict[str, Any] | RestError] = []
    for call in calls:
        try:
            fields.append(_fields(call))
        except RestError as error:
            fields.append(error)
    sent = [f for f in fields if not isinstance(f, RestError)]
    prepared = service.prepare_leads(values=sent, zone=first.zone)

    def write(conn: Connection) -> list[Any]:
        added = iter(service.add_prepared(conn, prepared=prepared, writing=_writing(first)))
        return [f if isinstance(f, RestError) else next(added) for f in fields]

    return write


@method("crm.lead.get", scope="crm")
def lead_get(call: Call) -> dict[str, Any]:
    lead_id = parse_entity_id(call.params.get("id"))
    return service.get_lead(
        call.conn, lead_id=lead_id, zone=call.zone, public_url=call.runtime.settings.public_url
    )


@method("crm.lead.update", scope="crm", writes=True)
def lead_update(call: Call) -> bool:
    lead_id = parse_entity_id(call.params.get("id"))
    service.update_lead(call.conn, lead_id=lead_id, values=_fields(call), writing=_writing(call))
    return True


@method("crm.lead.delete", scope="crm", writes=True)
def lead_delete(call: Call) -> bool:
    lead_id = parse_entity_id(call.params.get("id"))
    service.delete_lead(call.conn, lead_id=lead_id, user_id=call.user_id)
    return True


@method("crm.lead.list", scope="crm")
def lead_list(call: Call) -> Page:
    query = parse_list(
        LEAD_OWNER.fields(call.conn).catalogue,
        select_raw=call.params.get("select"),
        filter_raw=call.params.get("filter"),
        order_raw=call.params.get("order"),
        start_raw=call.params.get("start"),
        zone=call.zone,
    )
    page = service.list_leads(
        call.conn, query=query, zone=call.zone, public_url=call.runtime.settings.public_url
    )
    return Page(list(page.items), page.total, page.next)
