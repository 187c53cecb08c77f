"""The basic-scope system methods."""

from __future__ import annotations

from datetime import UTC, datetime

from leadcrm.catalogue.kinds import FieldValueError, parse_flag
from leadcrm.rest import registry
from leadcrm.rest.call import Call
from leadcrm.rest.errors import RestError
from leadcrm.rest.principal import SCOPE_ALIASES
from leadcrm.rest.registry import method
from leadcrm.users.service import get_user_row
from leadcrm.webhooks.service import KNOWN_SCOPES


def _flag(value: object) -> bool:
    try:
        return parse_flag(value) if value is not None else False
    except FieldValueError:
        return False


def _all_scopes() -> list[str]:
    """Every scope this server knows: those of its methods and those a webhook can be given."""
    return sorted({"basic", *KNOWN_SCOPES, *(m.scope for m in registry.all_methods())})


@method("scope", scope="basic")
def scope(call: Call) -> list[str]:
    if _flag(call.params.get("full")):
        return _all_scopes()
    return sorted({"basic", *call.principal.scopes})


@method("methods", scope="basic")
def methods(call: Call) -> list[str]:
    wanted = call.params.get("scope")
    available = list(registry.all_methods())
    if _flag(call.params.get("full")):
        return [m.name.lower() for m in available]
    if "scope" in call.params:
        # An empty scope asks for the common (basic) methods.
        target = str(wanted or "basic").lower()
        # user_basic and user_brief reach the `user` methods (with fewer fields).
        target = SCOPE_ALIASES.get(target, target)
        return [m.name.lower() for m in available if m.scope == target]
    return [
        m.name.lower()
        for m in available
        if call.principal.may_call(scope=m.scope, app_only=m.app_only)
    ]


@method("method.get", scope="basic")
def method_get(call: Call) -> dict[str, bool]:
    name = call.params.get("name")
    found = registry.find(name) if isinstance(name, str) and name else None
    return {
        "isExisting": found is not None,
        "isAvailable": found is not None
        and call.principal.may_call(scope=found.scope, app_only=found.app_only),
    }


@method("server.time", scope="basic")
def server_time(call: Call) -> str:
    return datetime.now(UTC).astimezone(call.zone).isoformat(timespec="seconds")


@method("profile", scope="basic")
def profile(call: Call) -> dict[str, object]:
    user = get_user_row(call.conn, user_id=call.user_id)
    if user is None:
        raise RestError("INVALID_CREDENTIALS", "Invalid request credentials", 403)
    offset = datetime.now(call.zone).utcoffset()
    return {
        "ID": str(user["id"]),
        "ADMIN": bool(user["is_admin"]),
        "NAME": user["name"] or "",
        "LAST_NAME": user["last_name"] or "",
        "PERSONAL_GENDER": user["personal_gender"] or "",
        "TIME_ZONE": user["time_zone"] or "",
        "TIME_ZONE_OFFSET": int(offset.total_seconds()) if offset else 0,
    }
