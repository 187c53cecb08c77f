"""The argument errors of the application methods (placement.*, userfieldtype.*).

Their pages disagree on the HTTP status (placement.bind documents 200, the others 400), so
each method passes its own.
"""

from __future__ import annotations

from leadcrm.apps.urls import check_handler_url
from leadcrm.rest.call import Call
from leadcrm.rest.errors import RestError
from leadcrm.rest.params import Params

MAX_URL_LENGTH = 2000


def empty_argument(name: str, status: int) -> RestError:
    return RestError(
        "ERROR_ARGUMENT", f"Argument '{name}' is null or empty", status, extra={"argument": name}
    )


def wrong_type(name: str, status: int) -> RestError:
    return RestError(
        "ERROR_ARGUMENT",
        f"The value of an argument '{name}' must be of type string",
        status,
        extra={"argument": name},
    )


def text_argument(params: Params, name: str, *, status: int, required: bool) -> str:
    """A string parameter, trimmed; "" when absent and not required."""
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise empty_argument(name, status)
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise wrong_type(name, status)
    if required and not value.strip():
        raise empty_argument(name, status)
    return value.strip()


def handler_url(params: Params, *, status: int, required: bool = True) -> str:
    url = text_argument(params, "HANDLER", status=status, required=required)
    if not url:
        return url
    problem = "url" if len(url) > MAX_URL_LENGTH else check_handler_url(url)
    if problem == "scheme":
        raise RestError("ERROR_UNSUPPORTED_PROTOCOL", "Unsupported event handler protocol", 400)
    if problem is not None:
        raise RestError("ERROR_WRONG_HANDLER_URL", "Wrong handler URL", 400)
    return url


def require_admin(call: Call) -> None:
    if not call.principal.is_admin:
        raise RestError("ACCESS_DENIED", "Access denied!", 403)
