"""placement.bind / unbind / get / list: an application's widgets in the lead card and list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadcrm.apps.arguments import handler_url, require_admin, text_argument
from leadcrm.catalogue.kinds import FieldValueError, parse_flag
from leadcrm.placements import service
from leadcrm.placements.codes import PLACEMENTS, Placement, available
from leadcrm.rest.call import Call
from leadcrm.rest.errors import RestError
from leadcrm.rest.registry import method

# placement.bind answers its argument errors with HTTP 200, as its page documents.
BIND_STATUS = 200
UNBIND_STATUS = 400
MAX_LABEL = 255


def _app_id(call: Call) -> int:
    assert call.principal.app_id is not None  # app_only methods
    return call.principal.app_id


def _placement(call: Call, status: int) -> Placement:
    code = text_argument(call.params, "PLACEMENT", status=status, required=True).upper()
    found = PLACEMENTS.get(code)
    if found is None or not call.principal.may_use(found.scope):
        raise RestError("ERROR_PLACEMENT_NOT_FOUND", "Placement not found", 400)
    return found


def _label(call: Call, name: str) -> str:
    value = text_argument(call.params, name, status=BIND_STATUS, required=False)
    if len(value) > MAX_LABEL:
        raise _too_long(name)
    return value


def _too_long(name: str) -> RestError:
    return RestError(
        "ERROR_ARGUMENT",
        f"The value of an argument '{name}' is too long",
        BIND_STATUS,
        extra={"argument": name},
    )


def _user_id(call: Call, status: int) -> int | None:
    value = call.params.get("USER_ID")
    if value is None or value == "":
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()):
        raise RestError(
            "ERROR_ARGUMENT",
            "The value of an argument 'USER_ID' must be of type integer",
            status,
            extra={"argument": "USER_ID"},
        )
    return int(text)


@method("placement.bind", scope="placement", writes=True, app_only=True)
def placement_bind(call: Call) -> bool:
    require_admin(call)
    placement = _placement(call, BIND_STATUS)
    handler = handler_url(call.params, status=BIND_STATUS)
    user_id = _user_id(call, BIND_STATUS)
    if user_id:
        raise RestError("ERROR_PLACEMENT_USER_MODE", "User mode is not available", 200)
    title, description = _label(call, "TITLE"), _label(call, "DESCRIPTION")
    group_name = _label(call, "GROUP_NAME")
    languages = service.lang_all(
        call.params.get("LANG_ALL"), title=title, description=description, group_name=group_name
    )
    if any(len(label) > MAX_LABEL for labels in languages.values() for label in labels.values()):
        raise _too_long("LANG_ALL")
    options = call.params.get("OPTIONS")
    kept: dict[str, Any] = (
        dict(options) if placement.keeps_options and isinstance(options, Mapping) else {}
    )
    try:
        service.bind(
            call.conn,
            app_id=_app_id(call),
            placement=placement.code,
            handler=handler,
            title=title or _first_title(languages),
            description=description,
            group_name=group_name,
            languages=languages,
            options=kept,
        )
    except service.AlreadyBound as exc:
        raise RestError(
            "ERROR_CORE", "Unable to set placement handler: Handler already binded", 400
        ) from exc
    return True


def _first_title(languages: dict[str, dict[str, str]]) -> str:
    labels = languages.get("en") or next(iter(languages.values()), {})
    return labels.get("TITLE", "")


@method("placement.unbind", scope="placement", writes=True, app_only=True)
def placement_unbind(call: Call) -> dict[str, int]:
    require_admin(call)
    placement = _placement(call, UNBIND_STATUS)
    # Only compared with the bound ones: a handler that could never be bound matches none.
    handler = text_argument(call.params, "HANDLER", status=UNBIND_STATUS, required=False)
    removed = service.unbind(
        call.conn,
        app_id=_app_id(call),
        placement=placement.code,
        handler=handler,
        user_id=_user_id(call, UNBIND_STATUS),
    )
    # As documented: one for each record found, and one more for each removed.
    return {"count": removed * 2}


@method("placement.get", scope="placement", app_only=True)
def placement_get(call: Call) -> list[dict[str, Any]]:
    require_admin(call)
    return service.handlers_of(call.conn, app_id=_app_id(call))


@method("placement.list", scope="placement", app_only=True)
def placement_list(call: Call) -> list[str]:
    only = call.params.get("SCOPE")
    return available(
        scopes=call.principal.scopes,
        only=only if isinstance(only, str) and only else None,
        full=_flag(call.params.get("FULL")),
    )


def _flag(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    try:
        return parse_flag(value)
    except FieldValueError:
        return False
