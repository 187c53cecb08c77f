"""event.offline.get / list / clear / error: an application reads its offline queue.

Administrators only, in an application's context. The queue itself is leadcrm.events.offline.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, RowMapping, and_

from leadcrm import listing
from leadcrm.apps.arguments import empty_argument, require_admin
from leadcrm.catalogue import Catalogue, Field
from leadcrm.catalogue.kinds import (
    DATETIME,
    FLAG,
    INTEGER,
    CodeKind,
    FieldValueError,
    StringKind,
    parse_flag,
    render_datetime,
)
from leadcrm.events import offline
from leadcrm.events.tables import event_offline
from leadcrm.rest.call import Call, Page
from leadcrm.rest.errors import RestError
from leadcrm.rest.params import Params
from leadcrm.rest.registry import method
from leadcrm.users.service import utcnow

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


class _EventNameKind(CodeKind):
    """An event name, compared upper case as it is stored (``onCrmLeadAdd`` finds it too)."""

    def parse(self, value: object, zone: ZoneInfo) -> str | None:
        text = super().parse(value, zone)
        return None if text is None else text.upper()


def _f(name: str, kind: Any, column: str) -> Field:
    return Field(name=name, type=name.lower(), kind=kind, title=name, column=column)


_GET_FIELDS = [
    _f("ID", INTEGER, "id"),
    _f("TIMESTAMP_X", DATETIME, "timestamp_x"),
    _f("EVENT_NAME", _EventNameKind(), "event_name"),
    _f("MESSAGE_ID", StringKind(100), "message_id"),
]
# event.offline.get filters and orders by these; event.offline.list also by the state.
GET_FIELDS = Catalogue("EVENT_OFFLINE", _GET_FIELDS)
LIST_FIELDS = Catalogue(
    "EVENT_OFFLINE",
    [*_GET_FIELDS, _f("PROCESS_ID", StringKind(255), "process_id"), _f("ERROR", FLAG, "error")],
)


def _app_id(call: Call) -> int:
    assert call.principal.app_id is not None  # app_only methods
    return call.principal.app_id


def _argument_error(name: str, text: str) -> RestError:
    return RestError("ERROR_ARGUMENT", text, 400, extra={"argument": name})


def _text(params: Params, name: str) -> str:
    value = params.get(name)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return ""
    return str(value).strip()


def _flag(params: Params, name: str, default: bool) -> bool:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return parse_flag(value)
    except FieldValueError as exc:
        raise _argument_error(name, f"The value of an argument '{name}' must be 0 or 1") from exc


def _limit(params: Params) -> int:
    value = params.get("limit")
    if value is None or value == "":
        return DEFAULT_LIMIT
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise _argument_error(
            "limit", "The value of an argument 'limit' must be a positive integer"
        )
    return min(int(text), MAX_LIMIT)


def _process_id(params: Params) -> str:
    process_id = _text(params, "process_id")
    if not process_id:
        raise empty_argument("process_id", 400)
    return process_id


def _list_of(params: Params, name: str) -> list[Any] | None:
    """An array parameter (one value alone counts as a list of it); None when absent."""
    value = params.get(name)
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, Mapping):
        value = list(value.values())
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(i, (str, int)) and not isinstance(i, bool) for i in items):
        raise _argument_error(name, f"Argument '{name}' must be an array of values")
    return items


def _ids(params: Params) -> list[int] | None:
    items = _list_of(params, "id")
    if items is None:
        return None
    texts = [str(item).strip() for item in items]
    if not all(text.isascii() and text.isdigit() and len(text) < 12 for text in texts):
        raise _argument_error("id", "Argument 'id' must be an array of integers")
    return [int(text) for text in texts]


def _message_ids(params: Params) -> list[str] | None:
    items = _list_of(params, "message_id")
    return None if items is None else [str(item).strip() for item in items]


def _unknown_process() -> RestError:
    return RestError("ERROR_PROCESS_NOT_FOUND", "Process not found", 400)


def _order(catalogue: Catalogue, raw: object, default: dict[str, str]) -> list[tuple[Field, bool]]:
    if raw is None or raw == "" or raw == []:
        raw = default
    return listing.parse_order(catalogue, raw)


def _item(row: RowMapping, zone: ZoneInfo, *, state: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "ID": str(row["id"]),
        "TIMESTAMP_X": render_datetime(row["timestamp_x"], zone),
        "EVENT_NAME": row["event_name"],
        "EVENT_DATA": row["event_data"] if row["event_data"] is not None else False,
        "EVENT_ADDITIONAL": (
            row["event_additional"] if row["event_additional"] is not None else False
        ),
        "MESSAGE_ID": row["message_id"],
    }
    if state:
        item["PROCESS_ID"] = row["process_id"] or ""
        item["ERROR"] = "1" if row["error"] else "0"
    return item


@method("event.offline.get", scope="basic", writes=True, app_only=True)
def event_offline_get(call: Call) -> dict[str, Any]:
    require_admin(call)
    conditions = listing.parse_filter(GET_FIELDS, call.params.get("filter"), call.zone)
    order = _order(GET_FIELDS, call.params.get("order"), {"TIMESTAMP_X": "ASC"})
    limit = _limit(call.params)
    clear = _flag(call.params, "clear", True)
    errors = _flag(call.params, "error", False)
    columns = event_offline.c
    try:
        taken = offline.take(
            call.conn,
            app_id=_app_id(call),
            connector=_text(call.params, "auth_connector"),
            where=listing.where_clause(event_offline, conditions),
            order=[
                columns[f.column].desc() if descending else columns[f.column].asc()
                for f, descending in order
                if f.column is not None
            ],
            limit=limit,
            clear=clear,
            process_id=_text(call.params, "process_id") or None,
            errors=errors,
            now=utcnow(),
        )
    except offline.UnknownProcess as exc:
        raise _unknown_process() from exc
    return {
        "process_id": taken.process_id,
        "events": [_item(row, call.zone, state=False) for row in taken.rows],
    }


@method("event.offline.list", scope="basic", app_only=True)
def event_offline_list(call: Call) -> Page:
    require_admin(call)
    start = listing.parse_start(call.params.get("start"))
    query = listing.ListQuery(
        fields=list(LIST_FIELDS),
        conditions=listing.parse_filter(LIST_FIELDS, call.params.get("filter"), call.zone),
        order=_order(LIST_FIELDS, call.params.get("order"), {"ID": "ASC"}),
        start=max(start, 0),
        count=start != -1,
    )
    columns = event_offline.c
    scope: ColumnElement[bool] = and_(
        columns.app_id == _app_id(call),
        columns.connector == _text(call.params, "auth_connector"),
    )
    found = listing.run(call.conn, event_offline, query, scope=scope)
    items: list[object] = [_item(row, call.zone, state=True) for row in found.rows]
    return Page(items, found.total, found.next)


@method("event.offline.clear", scope="basic", writes=True, app_only=True)
def event_offline_clear(call: Call) -> bool:
    require_admin(call)
    process_id = _process_id(call.params)
    ids = _ids(call.params)
    message_ids = None if ids else _message_ids(call.params)
    try:
        offline.clear(
            call.conn,
            app_id=_app_id(call),
            process_id=process_id,
            ids=ids,
            message_ids=message_ids,
        )
    except offline.UnknownProcess as exc:
        raise _unknown_process() from exc
    return True


@method("event.offline.error", scope="basic", writes=True, app_only=True)
def event_offline_error(call: Call) -> bool:
    require_admin(call)
    process_id = _process_id(call.params)
    message_ids = _message_ids(call.params)
    try:
        offline.mark_errors(
            call.conn, app_id=_app_id(call), process_id=process_id, message_ids=message_ids
        )
    except offline.UnknownProcess as exc:
        raise _unknown_process() from exc
    return True
