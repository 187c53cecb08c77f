"""crm.lead.userfield.* and the crm.userfield.* helpers: thin handlers over the service."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from leadcrm.crm.ids import parse_entity_id
from leadcrm.crm.leads.userfields import LEAD_OWNER
from leadcrm.crm.userfields import service
from leadcrm.crm.userfields.fields import ENUM_ITEM_FIELDS, USERFIELD_FIELDS, describe_briefly
from leadcrm.crm.userfields.labels import LANGUAGES
from leadcrm.crm.userfields.owners import Owner
from leadcrm.crm.userfields.types import USER_TYPES
from leadcrm.listing import ListQuery, parse_filter, parse_order
from leadcrm.rest.call import Call, Page
from leadcrm.rest.errors import crm_error
from leadcrm.rest.registry import method
from leadcrm.userfieldtypes.service import all_types as all_field_types
from leadcrm.userfieldtypes.service import find_full as find_full_type


def _id(call: Call) -> int:
    # An id past any stored one is valid and simply not found, as the get page reads.
    return parse_entity_id(call.params.get("id"))


def _fields(call: Call) -> Mapping[str, Any]:
    raw = call.params.get("fields")
    if raw is None or raw == "" or raw == []:
        raw = {}
    if not isinstance(raw, Mapping):
        raise crm_error("Parameter 'fields' must be array.")
    return raw


def _add(call: Call, owner: Owner) -> int:
    call.require_admin()
    return service.add_definition(
        call.conn,
        owner=owner,
        fields=_fields(call),
        user_id=call.user_id,
        app_id=call.principal.app_id,
    )


def _update(call: Call, owner: Owner) -> bool:
    call.require_admin()
    field_id = _id(call)
    fields = dict(_fields(call))
    # b24pysdk sends the enumeration items beside ``fields`` rather than inside it.
    beside = call.params.get("LIST")
    if beside is not None and not any(str(key).upper() == "LIST" for key in fields):
        fields["LIST"] = beside
    service.update_definition(
        call.conn, owner=owner, field_id=field_id, fields=fields, user_id=call.user_id
    )
    return True


def _get(call: Call, owner: Owner) -> dict[str, Any]:
    field_id = _id(call)
    return service.render(service.find(call.conn, owner=owner, field_id=field_id))


def _delete(call: Call, owner: Owner) -> bool:
    call.require_admin()
    field_id = _id(call)
    service.delete_definition(call.conn, owner=owner, field_id=field_id, user_id=call.user_id)
    return True


def _list(call: Call, owner: Owner) -> Page:
    raw_filter = call.params.get("filter")
    if raw_filter is None or raw_filter == "" or raw_filter == []:
        raw_filter = {}
    if not isinstance(raw_filter, Mapping):
        raise crm_error("Parameter 'filter' must be array.")
    conditions = {k: v for k, v in raw_filter.items() if str(k).upper() != "LANG"}
    lang = next((v for k, v in raw_filter.items() if str(k).upper() == "LANG"), None)
    raw_order = call.params.get("order")
    if raw_order is None or raw_order == "" or raw_order == []:
        raw_order = {"SORT": "ASC", "ID": "ASC"}
    query = ListQuery(
        fields=list(USERFIELD_FIELDS),
        conditions=parse_filter(USERFIELD_FIELDS, conditions, call.zone),
        order=parse_order(USERFIELD_FIELDS, raw_order),
        start=0,
        count=True,
    )
    found = service.list_definitions(call.conn, owner=owner, query=query)
    language = str(lang).lower() if lang not in (None, "") else None
    if language is not None and language not in LANGUAGES:
        language = "en"
    items: list[object] = [service.render(d, lang=language) for d in found]
    return Page(items, len(items), None)


class UserfieldMethods(NamedTuple):
    """An owner's crm.*.userfield.* names, spelled out where it registers them."""

    add: str
    update: str
    get: str
    list: str
    delete: str


def register_userfield_methods(names: UserfieldMethods, owner: Owner) -> None:
    method(names.add, scope="crm", writes=True)(lambda call: _add(call, owner))
    method(names.update, scope="crm", writes=True)(lambda call: _update(call, owner))
    method(names.get, scope="crm")(lambda call: _get(call, owner))
    method(names.list, scope="crm")(lambda call: _list(call, owner))
    method(names.delete, scope="crm", writes=True)(lambda call: _delete(call, owner))


register_userfield_methods(
    UserfieldMethods(
        add="crm.lead.userfield.add",
        update="crm.lead.userfield.update",
        get="crm.lead.userfield.get",
        list="crm.lead.userfield.list",
        delete="crm.lead.userfield.delete",
    ),
    LEAD_OWNER,
)


@method("crm.userfield.types", scope="crm")
def userfield_types(call: Call) -> list[dict[str, str]]:
    """The built-in types, then those applications registered (rest_{appId}_{code})."""
    builtin = [{"ID": t.id, "title": t.title} for t in USER_TYPES.values()]
    registered = [
        {"ID": t.full_code, "title": t.title or t.full_code} for t in all_field_types(call.conn)
    ]
    return builtin + registered


@method("crm.userfield.fields", scope="crm", transactional=False)
def userfield_fields(call: Call) -> dict[str, dict[str, Any]]:
    return describe_briefly(USERFIELD_FIELDS)


@method("crm.userfield.enumeration.fields", scope="crm", transactional=False)
def userfield_enumeration_fields(call: Call) -> dict[str, dict[str, Any]]:
    return describe_briefly(ENUM_ITEM_FIELDS)


@method("crm.userfield.settings.fields", scope="crm")
def userfield_settings_fields(call: Call) -> dict[str, dict[str, str]]:
    type_id = call.params.get("type")
    if type_id in (None, "") or not isinstance(type_id, str):
        raise crm_error("Parameter 'type' is not specified or empty.")
    user_type = USER_TYPES.get(type_id)
    if user_type is None and find_full_type(call.conn, type_id) is not None:
        return {}  # an application's type has no settings of leadcrm's
    if user_type is None:
        raise crm_error(f"Unknown type '{type_id}'.")
    return user_type.describe_settings()
