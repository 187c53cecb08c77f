"""userfieldtype.add / update / list / delete: an application's own custom field types."""

from __future__ import annotations

from collections.abc import Mapping

from leadcrm.apps import service as apps
from leadcrm.apps.arguments import handler_url, require_admin, text_argument
from leadcrm.apps.urls import host_of
from leadcrm.listing import PAGE_SIZE, parse_start
from leadcrm.rest.call import Call, Page
from leadcrm.rest.errors import RestError
from leadcrm.rest.registry import method
from leadcrm.userfieldtypes import service

STATUS = 400
MAX_LABEL = 255


def _app(call: Call) -> int:
    assert call.principal.app_id is not None  # app_only methods
    return call.principal.app_id


def _code(call: Call) -> str:
    code = text_argument(call.params, "USER_TYPE_ID", status=STATUS, required=True)
    if not service.fits(_app(call), code):
        raise RestError(
            "ERROR_ARGUMENT",
            "Argument 'USER_TYPE_ID' must contain only a-z, 0-9 and _ and make a type code "
            f"of at most {service.MAX_FULL_CODE} characters",
            STATUS,
            extra={"argument": "USER_TYPE_ID"},
        )
    return code


def _handler(call: Call, *, required: bool) -> str:
    url = handler_url(call.params, status=STATUS, required=required)
    app = apps.get_app(call.conn, app_id=_app(call))
    home = host_of(app["handler_url"]) if app is not None else ""
    if url and home and host_of(url) != home:
        raise RestError(
            "ERROR_WRONG_HANDLER_URL", "Handler URL host doesn't match application url", 400
        )
    return url


def _label(call: Call, name: str) -> str:
    value = text_argument(call.params, name, status=STATUS, required=False)
    return value[:MAX_LABEL] if name == "TITLE" else value


def _height(call: Call) -> int | None:
    options = call.params.get("OPTIONS")
    if not isinstance(options, Mapping) or "height" not in options:
        return None
    try:
        height = int(str(options["height"]).strip())
    except ValueError:
        return 0
    return height if height > 0 else 0


def _taken() -> RestError:
    return RestError("ERROR_CORE", "Unable to set placement handler: Handler already binded", 400)


def _not_found() -> RestError:
    return RestError("ERROR_NOT_FOUND", "User Field Type not found", 400)


@method("userfieldtype.add", scope="placement", writes=True, app_only=True)
def userfieldtype_add(call: Call) -> bool:
    require_admin(call)
    code = _code(call)
    handler = _handler(call, required=True)
    try:
        service.add(
            call.conn,
            app_id=_app(call),
            code=code,
            handler=handler,
            title=_label(call, "TITLE"),
            description=_label(call, "DESCRIPTION"),
            height=_height(call) or 0,
        )
    except service.Taken as exc:
        raise _taken() from exc
    return True


@method("userfieldtype.update", scope="placement", writes=True, app_only=True)
def userfieldtype_update(call: Call) -> bool:
    require_admin(call)
    code = text_argument(call.params, "USER_TYPE_ID", status=STATUS, required=True)
    values: dict[str, object] = {}
    if "HANDLER" in call.params:
        values["handler"] = _handler(call, required=True)
    for name in ("TITLE", "DESCRIPTION"):
        if name in call.params:
            values[name.lower()] = _label(call, name)
    height = _height(call)
    if height is not None:
        values["height"] = height
    try:
        changed = service.change(call.conn, app_id=_app(call), code=code, values=values)
    except service.Taken as exc:
        raise _taken() from exc
    if not changed:
        raise _not_found()
    return True


@method("userfieldtype.delete", scope="placement", writes=True, app_only=True)
def userfieldtype_delete(call: Call) -> bool:
    require_admin(call)
    code = text_argument(call.params, "USER_TYPE_ID", status=STATUS, required=True)
    if not service.remove(call.conn, app_id=_app(call), code=code):
        raise _not_found()
    return True


@method("userfieldtype.list", scope="placement", app_only=True)
def userfieldtype_list(call: Call) -> Page:
    require_admin(call)
    start = parse_start(call.params.get("start"))
    found, total = service.page(call.conn, app_id=_app(call), start=start, size=PAGE_SIZE)
    items: list[object] = [
        {
            "USER_TYPE_ID": t.code,
            "HANDLER": t.handler,
            "TITLE": t.title,
            "DESCRIPTION": t.description,
        }
        for t in found
    ]
    following = start + PAGE_SIZE
    return Page(items, total, following if following < total else None)
