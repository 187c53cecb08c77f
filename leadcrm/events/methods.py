"""event.bind / event.unbind / event.get / events / event.test, and leadcrm.event.log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadcrm.apps.arguments import empty_argument, handler_url
from leadcrm.events import catalog, fanout, handlers
from leadcrm.events import log as attempts_log
from leadcrm.events.safety import literal_refused, parse_networks
from leadcrm.rest.call import Call
from leadcrm.rest.errors import RestError
from leadcrm.rest.params import Params
from leadcrm.rest.registry import method
from leadcrm.users.service import utcnow


def _app_id(call: Call) -> int:
    assert call.principal.app_id is not None  # app_only methods
    return call.principal.app_id


def _text(params: Params, name: str) -> str:
    value = params.get(name)
    return str(value).strip() if isinstance(value, (str, int)) and value != "" else ""


def _event(call: Call, *, required: bool) -> str:
    name = _text(call.params, "event").upper()
    if not name:
        if required:
            raise RestError("ERROR_EVENT_NOT_FOUND", "Event not found", 400)
        return ""
    scope = catalog.EVENTS.get(name)
    if scope is None or not call.principal.may_use(scope):
        raise RestError("ERROR_EVENT_NOT_FOUND", "Event not found", 400)
    return name


def _offline(call: Call) -> bool:
    kind = _text(call.params, "event_type").lower() or "online"
    if kind not in ("online", "offline"):
        raise RestError(
            "ERROR_ARGUMENT",
            "Argument 'event_type' must be online or offline",
            400,
            extra={"argument": "event_type"},
        )
    return kind == "offline"


def _auth_type(call: Call, *, empty: int | None = None) -> int | None:
    """``auth_type``: None when not sent; ``empty`` when sent empty (event.unbind reads that
    as 0, "the handlers bound without auth_type", as its page says)."""
    if "auth_type" not in call.params:
        return None
    raw = call.params.get("auth_type")
    if raw is None or raw == "":
        return empty
    text = str(raw).strip()
    if isinstance(raw, bool) or not (text.isascii() and text.isdigit()):
        raise RestError(
            "ERROR_ARGUMENT",
            "The value of an argument 'auth_type' must be of type integer",
            400,
            extra={"argument": "auth_type"},
        )
    return int(text)


def _denied(what: str) -> RestError:
    return RestError(
        "ACCESS_DENIED", f"Access denied! {what} requires administrator access rights", 403
    )


@method("event.bind", scope="basic", writes=True, app_only=True)
def event_bind(call: Call) -> bool:
    event = _event(call, required=True)
    offline = _offline(call)
    auth_type = _auth_type(call)
    admin = call.principal.is_admin
    if offline and not admin:
        raise _denied("Offline events binding")
    if auth_type not in (None, 0, call.user_id) and not admin:
        raise _denied("Event binding with AUTH_TYPE")
    if not admin:
        auth_type = call.user_id  # a user binds on their own behalf
    handler = "" if offline else handler_url(call.params, status=400)
    if not offline and not handler:
        raise empty_argument("handler", 400)
    if handler and literal_refused(
        handler, parse_networks(call.runtime.settings.events_allow_networks)
    ):
        raise RestError(
            "ERROR_WRONG_HANDLER_URL",
            "Handler URL must not point at a private, loopback or link-local address",
            400,
        )
    options = call.params.get("options")
    try:
        handlers.bind(
            call.conn,
            handlers.Binding(
                app_id=_app_id(call),
                event=event,
                handler=handler,
                auth_type=auth_type or 0,
                user_id=call.user_id,
                offline=offline,
                auth_connector=_text(call.params, "auth_connector"),
                options=options if isinstance(options, Mapping) else None,
            ),
        )
    except handlers.AlreadyBound as exc:
        raise RestError("ERROR_HANDLER_ALREADY_EXIST", "Handler already exists!", 400) from exc
    return True


@method("event.unbind", scope="basic", writes=True, app_only=True)
def event_unbind(call: Call) -> dict[str, int]:
    offline = _offline(call)
    auth_type = _auth_type(call, empty=0)
    admin = call.principal.is_admin
    if offline and not admin:
        raise _denied("Offline events unbinding")
    if auth_type not in (None, 0, call.user_id) and not admin:
        raise _denied("Event unbinding with AUTH_TYPE")
    count = handlers.unbind(
        call.conn,
        app_id=_app_id(call),
        event=_event(call, required=False) or None,
        handler=_text(call.params, "handler") or None,
        auth_type=auth_type,
        offline=offline,
        only_user=None if admin else call.user_id,
    )
    return {"count": count}


@method("event.get", scope="basic", app_only=True)
def event_get(call: Call) -> list[dict[str, Any]]:
    rows = handlers.bound(
        call.conn,
        app_id=_app_id(call),
        only_user=None if call.principal.is_admin else call.user_id,
    )
    answer: list[dict[str, Any]] = []
    for row in rows:
        item: dict[str, Any] = {
            "event": row["event"],
            "handler": row["handler"],
            "auth_type": str(row["auth_type"]),
            "offline": 1 if row["offline"] else 0,
        }
        if row["offline"]:
            item["connector_id"] = row["auth_connector"]
        answer.append(item)
    return answer


@method("events", scope="basic", app_only=True)
def events(call: Call) -> list[str]:
    only = call.params.get("SCOPE", call.params.get("scope"))
    full = call.params.get("FULL", call.params.get("full"))
    return catalog.available(
        scopes=call.principal.scopes,
        only=only if isinstance(only, str) and only else None,
        full=str(full).lower() in ("1", "y", "true"),
    )


@method("event.test", scope="basic", writes=True, app_only=True)
def event_test(call: Call) -> int:
    fanout.deliver(
        call.conn,
        handler_ids=handlers.app_handlers_of(call.conn, app_id=_app_id(call), event="ONAPPTEST"),
        event="ONAPPTEST",
        data={"QUERY": dict(call.params.raw), "LANGUAGE_ID": "en"},
        user_id=call.user_id,
        now=utcnow(),
    )
    return 1


@method("leadcrm.event.log", scope="basic")
def event_log(call: Call) -> list[dict[str, Any]]:
    """The delivery attempts, newest first (leadcrm's own method; administrators only)."""
    if not call.principal.is_admin:
        raise RestError("ACCESS_DENIED", "Access denied!", 403)
    limit = _text(call.params, "limit")
    return attempts_log.recent(
        call.conn,
        limit=min(int(limit), 500) if limit.isdigit() else 50,
        handler_id=int(h) if (h := _text(call.params, "handler_id")).isdigit() else None,
    )


@method("leadcrm.event.secrets", scope="basic", app_only=True)
def event_secrets(call: Call) -> list[dict[str, Any]]:
    """The signing secret of each of the app's live handlers (leadcrm's own method, for
    administrators): the key of ``X-Leadcrm-Signature``."""
    if not call.principal.is_admin:
        raise RestError("ACCESS_DENIED", "Access denied!", 403)
    return [
        {
            "event_handler_id": row["id"],
            "event": row["event"],
            "handler": row["handler"],
            "secret": row["secret"],
        }
        for row in handlers.bound(call.conn, app_id=_app_id(call))
        if not row["offline"]
    ]
