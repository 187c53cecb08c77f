"""``app.info``: the calling application, as its token names it."""

from __future__ import annotations

from leadcrm.apps import service
from leadcrm.apps.installation import LANGUAGE_ID
from leadcrm.rest.call import Call
from leadcrm.rest.errors import RestError
from leadcrm.rest.registry import method

# A self-hosted server has no plan; these name it where Bitrix24 names a plan.
LICENSE_FAMILY = "selfhosted"


@method("app.info", scope="basic")
def app_info(call: Call) -> dict[str, object]:
    app_id = call.principal.app_id
    app = service.get_app(call.conn, app_id=app_id) if app_id is not None else None
    if app is None:
        raise RestError("ACCESS_DENIED", "Access denied! Application context required", 400)
    return {
        "ID": app["id"],
        "CODE": app["client_id"],
        "VERSION": app["version"],
        "STATUS": "L",
        "INSTALLED": bool(app["installed"]),
        "PAYMENT_EXPIRED": "N",
        "DAYS": None,
        "LANGUAGE_ID": LANGUAGE_ID,
        "LICENSE": f"{LANGUAGE_ID}_{LICENSE_FAMILY}",
        "LICENSE_TYPE": LICENSE_FAMILY,
        "LICENSE_FAMILY": LICENSE_FAMILY,
    }
