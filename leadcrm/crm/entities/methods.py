"""crm.{entity}.fields/add/get/update/delete/list: thin handlers over the entity service,
registered once per entity by its package."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Connection

from leadcrm.crm.entities import checks, removal, service
from leadcrm.crm.entities.kind import EntityKind, Writing
from leadcrm.crm.ids import parse_entity_id
from leadcrm.listing import parse_list
from leadcrm.rest.call import Call, Page
from leadcrm.rest.errors import RestError, crm_error
from leadcrm.rest.registry import BulkWrite, bulk, method


def map_param(call: Call, name: str) -> dict[str, Any]:
    """A map parameter; missing, empty or ``[]`` (PHP's empty array) is an empty map."""
    value = call.params.get(name)
    if value is None or value == "" or value == []:
        return {}
    if not isinstance(value, dict):
        raise crm_error(f"Parameter '{name}' must be array.")
    return value


def _fields(call: Call) -> dict[str, Any]:
    fields = map_param(call, "fields")
    map_param(call, "params")
    return fields


def writing(call: Call) -> Writing:
    return Writing(
        user_id=call.user_id,
        zone=call.zone,
        max_file_bytes=call.runtime.settings.max_file_bytes,
    )


def _may_write(call: Call, kind: EntityKind) -> None:
    if kind.admin_writes:
        call.require_admin()


class EntityMethods(NamedTuple):
    """An entity's method names, spelled out where it registers them so that a search for
    a Bitrix24 name finds its registration."""

    fields: str
    add: str
    get: str
    update: str
    delete: str
    list: str


def register_entity_methods(names: EntityMethods, kind: EntityKind) -> None:

    def fields(call: Call) -> dict[str, Any]:
        return kind.owner.fields(call.conn).catalogue.describe()

    def add(call: Call) -> int:
        _may_write(call, kind)
        return service.add_one(call.conn, kind, values=_fields(call), writing=writing(call))

    def add_many(calls: list[Call]) -> BulkWrite:
        first = calls[0]
        sent: list[dict[str, Any] | RestError] = []
        for call in calls:
            try:
                _may_write(call, kind)
                sent.append(_fields(call))
            except RestError as error:
                sent.append(error)
        valid = [f for f in sent if not isinstance(f, RestError)]
        prepared = checks.prepare_many(kind, values=valid, zone=first.zone)

        def write(conn: Connection) -> list[Any]:
            added = iter(
                service.add_prepared(conn, kind, prepared=prepared, writing=writing(first))
            )
            return [f if isinstance(f, RestError) else next(added) for f in sent]

        return write

    def get(call: Call) -> dict[str, Any]:
        return service.get_one(
            call.conn,
            kind,
            entity_id=parse_entity_id(call.params.get("id")),
            zone=call.zone,
            public_url=call.runtime.settings.public_url,
        )

    def update(call: Call) -> bool:
        _may_write(call, kind)
        entity_id = parse_entity_id(call.params.get("id"))
        service.update_one(
            call.conn, kind, entity_id=entity_id, values=_fields(call), writing=writing(call)
        )
        return True

    def delete(call: Call) -> bool:
        _may_write(call, kind)
        entity_id = parse_entity_id(call.params.get("id"))
        removal.delete_one(call.conn, kind, entity_id=entity_id, user_id=call.user_id)
        return True

    def list_(call: Call) -> Page:
        query = parse_list(
            kind.owner.fields(call.conn).catalogue,
            select_raw=call.params.get("select"),
            filter_raw=call.params.get("filter"),
            order_raw=call.params.get("order"),
            start_raw=call.params.get("start"),
            zone=call.zone,
        )
        page = service.list_page(
            call.conn,
            kind,
            query=query,
            zone=call.zone,
            public_url=call.runtime.settings.public_url,
        )
        return Page(list(page.items), page.total, page.next)

    method(names.fields, scope="crm")(fields)
    method(names.add, scope="crm", writes=True)(add)
    bulk(names.add)(add_many)
    method(names.get, scope="crm")(get)
    method(names.update, scope="crm", writes=True)(update)
    method(names.delete, scope="crm", writes=True)(delete)
    method(names.list, scope="crm")(list_)
