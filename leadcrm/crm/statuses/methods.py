"""crm.status.*: the CRM directories (lead stages, sources, honorifics)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadcrm.catalogue.kinds import parse_flag
from leadcrm.crm.ids import whole_number
from leadcrm.crm.statuses import service
from leadcrm.crm.statuses.fields import STATUS_FIELDS
from leadcrm.listing import parse_list
from leadcrm.rest.call import Call, Page
from leadcrm.rest.errors import crm_error
from leadcrm.rest.registry import method

# crm.status.get shows every field but EXTRA.
_GET_FIELDS = [f for f in STATUS_FIELDS if f.name != "EXTRA"]


@method("crm.status.fields", scope="crm")
def status_fields(call: Call) -> dict[str, Any]:
    return STATUS_FIELDS.describe()


@method("crm.status.list", scope="crm")
def status_list(call: Call) -> Page:
    params = call.params
    query = parse_list(
        STATUS_FIELDS,
        select_raw=params.get("select"),
        filter_raw=params.get("filter"),
        # Without an order, items come in directory order, as crm.status.entity.items has them.
        order_raw=params.get("order") or {"SORT": "ASC"},
        start_raw=params.get("start"),
        zone=call.zone,
        default_select=("*",),
    )
    result = service.list_statuses(call.conn, query=query)
    finals = service.final_failures(call.conn, {str(row["entity_id"]) for row in result.rows})
    items: list[object] = [
        service.render_status(row, query.fields, call.zone, final_failures=finals)
        for row in result.rows
    ]
    return Page(items, result.total, result.next)


@method("crm.status.get", scope="crm")
def status_get(call: Call) -> dict[str, object]:
    row = service.get_status_row(call.conn, id=_id(call))
    if row is None:
        raise crm_error(service.NOT_FOUND)
    return service.render_status(row, _GET_FIELDS, call.zone)


@method("crm.status.add", scope="crm", writes=True)
def status_add(call: Call) -> int:
    call.require_admin()
    values = _fields(call, creating=True)
    missing = [
        f"The field {name} is required."
        for name in ("ENTITY_ID", "STATUS_ID")
        if not str(values.get(name) or "").strip()
    ]
    if missing:
        # Both messages in one answer when both are missing, as the docs describe.
        raise crm_error("\n".join(missing))
    return service.add_status(
        call.conn,
        entity_id=str(values["ENTITY_ID"]),
        status_id=str(values["STATUS_ID"]),
        name=str(values.get("NAME") or ""),
        sort=values.get("SORT"),
        color=values.get("COLOR"),
        semantics=values.get("SEMANTICS"),
    )


@method("crm.status.update", scope="crm", writes=True)
def status_update(call: Call) -> bool:
    call.require_admin()
    status_id = _id(call)
    values = _fields(call, creating=False)
    service.update_status(
        call.conn,
        id=status_id,
        name=None if values.get("NAME") is None else str(values["NAME"]),
        sort=values.get("SORT"),
        color=values.get("COLOR"),
    )
    return True


@method("crm.status.delete", scope="crm", writes=True)
def status_delete(call: Call) -> bool:
    call.require_admin()
    service.delete_status(call.conn, id=_id(call), forced=_forced(call.params.get("params")))
    return True


@method("crm.status.entity.types", scope="crm")
def status_entity_types(call: Call) -> list[dict[str, Any]]:
    return service.entity_types(call.conn)


@method("crm.status.entity.items", scope="crm")
def status_entity_items(call: Call) -> list[dict[str, object]]:
    entity_id = call.params.get("entityId")
    if service.directory(entity_id) is None:
        raise crm_error("The parameter entityId is not defined or invalid.")
    return [
        service.render_item(row) for row in service.entity_items(call.conn, entity_id=entity_id)
    ]


def _id(call: Call) -> int:
    number = whole_number(call.params.get("id"))
    if not number:
        raise crm_error("Invalid identifier.")
    return number


def _fields(call: Call, *, creating: bool) -> dict[str, Any]:
    raw = call.params.get("fields")
    if raw is None or raw == [] or raw == "":
        raw = {}
    if not isinstance(raw, Mapping):
        raise crm_error("Parameter 'fields' must be array.")
    values, errors = STATUS_FIELDS.parse_input(raw, call.zone, creating=creating)
    if errors:
        raise crm_error(" ".join(errors))
    return values


def _forced(raw: object) -> bool:
    """``params`` is typed a string but sent as ``{"FORCED": "Y"}``: the object is honoured."""
    if not isinstance(raw, Mapping):
        return False
    flags = {str(key).upper(): value for key, value in raw.items()}
    try:
        return parse_flag(flags.get("FORCED", "N"))
    except ValueError:
        return False
