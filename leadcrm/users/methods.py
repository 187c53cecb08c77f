"""user.current, user.get, user.fields."""

from __future__ import annotations

from typing import Any

from leadcrm.catalogue import Catalogue
from leadcrm.listing import parse_list, split_filter_key
from leadcrm.rest.call import Call, Page
from leadcrm.rest.errors import RestError
from leadcrm.rest.registry import method
from leadcrm.users.fields import catalogues_for
from leadcrm.users.service import get_user_row, list_users, render_user

# user.get's own parameters; any other top-level name is a filter key when `FILTER` is absent.
_USER_GET_PARAMETERS = {"sort", "order", "select", "start", "admin_mode", "image_resize", "filter"}


@method("user.current", scope="user")
def user_current(call: Call) -> dict[str, object]:
    row = get_user_row(call.conn, user_id=call.user_id)
    if row is None:
        raise RestError("INVALID_CREDENTIALS", "Invalid request credentials", 403)
    readable, _ = catalogues_for(call.principal.scopes)
    return render_user(row, list(readable), call.zone)


@method("user.fields", scope="user")
def user_fields(call: Call) -> dict[str, str]:
    readable, _ = catalogues_for(call.principal.scopes)
    return {f.name: f.title for f in readable}


@method("user.get", scope="user")
def user_get(call: Call) -> Page:
    params = call.params
    _, catalogue = catalogues_for(call.principal.scopes)
    filter_raw = params.get("filter")
    if filter_raw is None:
        filter_raw = _top_level_filter(params.raw, catalogue)
    sort = params.get("sort")
    order = params.get("order")
    order_raw = {str(sort): str(order or "ASC")} if sort else None
    query = parse_list(
        catalogue,
        select_raw=params.get("select"),
        filter_raw=_patterns_as_like(filter_raw, catalogue),
        order_raw=order_raw,
        start_raw=params.get("start"),
        zone=call.zone,
        default_select=("*",),
    )
    result = list_users(call.conn, query=query)
    items: list[object] = [render_user(row, query.fields, call.zone) for row in result.rows]
    return Page(items, result.total, result.next)


def _top_level_filter(raw: dict[str, Any], catalogue: Catalogue) -> dict[str, Any]:
    """Old clients put filter keys at the top level, beside sort/order (the documented
    example). Only names of user fields count; other unknown parameters are ignored."""
    return {
        key: value
        for key, value in raw.items()
        if key.lower() not in _USER_GET_PARAMETERS
        and catalogue.get(split_filter_key(key)[1]) is not None
    }


def _patterns_as_like(filter_raw: object, catalogue: Catalogue) -> object:
    """An unprefixed text value holding ``%`` is a LIKE pattern: the documented example
    ``{"NAME": "Iv%"}`` finds names starting with "Iv". ``=NAME`` stays an exact match."""
    if not isinstance(filter_raw, dict):
        return filter_raw
    rewritten: dict[str, Any] = {}
    for key, value in filter_raw.items():
        operation, name = split_filter_key(str(key))
        field = catalogue.get(name)
        pattern = isinstance(value, str) and "%" in value
        if operation == "eq" and name == key and pattern and field and field.kind.likeable:
            key = f"=%{key}"
        rewritten[key] = value
    return rewritten
