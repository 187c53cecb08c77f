"""user.current, user.get, user.fields."""

from __future__ import annotations

from leadcrm.listing import parse_list
from leadcrm.rest.call import Call, Page
from leadcrm.rest.errors import RestError
from leadcrm.rest.registry import method
from leadcrm.users.fields import USER_FIELDS
from leadcrm.users.service import get_user_row, list_users, render_all, render_user


@method("user.current", scope="user")
def user_current(call: Call) -> dict[str, object]:
    row = get_user_row(call.conn, user_id=call.user_id)
    if row is None:
        raise RestError("INVALID_CREDENTIALS", "Invalid request credentials", 403)
    return render_all(row, call.zone)


@method("user.fields", scope="user")
def user_fields(call: Call) -> dict[str, str]:
    return {f.name: f.title for f in USER_FIELDS}


@method("user.get", scope="user")
def user_get(call: Call) -> Page:
    params = call.params
    filter_raw = params.get("filter")
    if filter_raw is None:
        # Old clients put filter keys at the top level next to sort/order.
        reserved = {"sort", "order", "select", "start", "admin_mode", "image_resize", "filter"}
        filter_raw = {k: v for k, v in params.raw.items() if k.lower() not in reserved}
    sort = params.get("sort")
    order = params.get("order")
    order_raw = {str(sort): str(order or "ASC")} if sort else None
    query = parse_list(
        USER_FIELDS,
        select_raw=params.get("select"),
        filter_raw=filter_raw,
        order_raw=order_raw,
        start_raw=params.get("start"),
        zone=call.zone,
        default_select=("*",),
    )
    result = list_users(call.conn, query=query)
    items: list[object] = [render_user(row, query.fields, call.zone) for row in result.rows]
    return Page(items, result.total, result.next)
