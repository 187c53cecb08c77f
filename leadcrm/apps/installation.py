"""Installing an application: record it, then call its install URL with its first tokens.

The install URL gets one form-encoded POST that carries both shapes the documentation gives
for it: the keys an application page receives on opening (``AUTH_ID``, ``REFRESH_ID``,
``DOMAIN`` and ``PROTOCOL`` in the query string...) and the ``ONAPPINSTALL`` event
(``event``, ``data[...]``, ``ts``, ``auth[...]`` with ``application_token``). A handler written
for either reads what it expects.

The installation is committed before the call, because an install handler usually calls
back at once (``placement.bind``, ``event.bind``) with the tokens it was given. If the call
fails, the installation is undone and the operator is told why.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

import httpx

from leadcrm.apps import service
from leadcrm.apps.portal import Portal, portal
from leadcrm.db.transactions import transaction
from leadcrm.runtime import Runtime
from leadcrm.users.service import get_user_row

LANGUAGE_ID = "en"
INSTALL_TIMEOUT = 10.0


class InstallFailed(Exception):
    """The app could not be installed; the message says why (never with a token in it)."""


@dataclass(frozen=True, slots=True)
class Installed:
    installation: service.Installation
    portal: Portal
    called: bool  # whether an install URL was called


def install_app(runtime: Runtime, *, app_id: int, user_id: int) -> Installed:
    with transaction(runtime.engine, writes=True) as conn:
        app = service.get_app(conn, app_id=app_id)
        if app is None:
            raise InstallFailed(f"no application {app_id}")
        user = get_user_row(conn, user_id=user_id)
        if user is None or not user["active"]:
            raise InstallFailed(f"no active user {user_id}")
        if not user["is_admin"]:
            raise InstallFailed(f"user {user_id} is not an administrator")
        if app["installed"]:
            service.uninstall(conn, app_id=app_id)
        done = service.install(conn, app_id=app_id, user_id=user_id)
        here = portal(conn, runtime.settings)
    if not app["install_url"]:
        return Installed(done, here, called=False)
    try:
        _call_install_url(app["install_url"], install_payload(done, here))
    except InstallFailed:
        with transaction(runtime.engine, writes=True) as conn:
            service.uninstall(conn, app_id=app_id)
        raise
    return Installed(done, here, called=True)


def install_payload(
    done: service.Installation, here: Portal
) -> tuple[dict[str, str], dict[str, str]]:
    """The query string and the form body of the install call."""
    pair, scope = done.tokens, ",".join(service.scopes_of(done.app))
    query = {
        "DOMAIN": here.domain,
        "PROTOCOL": here.protocol,
        "LANG": LANGUAGE_ID,
        "APP_SID": secrets.token_hex(16),
    }
    body: dict[str, str] = {
        "AUTH_ID": pair.access_token,
        "AUTH_EXPIRES": str(pair.expires_in),
        "REFRESH_ID": pair.refresh_token,
        "SERVER_ENDPOINT": here.rest_endpoint,
        "APPLICATION_TOKEN": done.application_token,
        "APPLICATION_SCOPE": scope,
        "member_id": here.member_id,
        "status": "L",
        "PLACEMENT": "DEFAULT",
        "PLACEMENT_OPTIONS": "{}",
        "event": "ONAPPINSTALL",
        "data[VERSION]": str(done.app["version"]),
        "data[ACTIVE]": "Y",
        "data[INSTALLED]": "Y",
        "data[LANGUAGE_ID]": LANGUAGE_ID,
        "ts": str(int(time.time())),
    }
    auth: dict[str, Any] = {
        "domain": here.domain,
        "scope": scope,
        "access_token": pair.access_token,
        "refresh_token": pair.refresh_token,
        "expires_in": pair.expires_in,
        "server_endpoint": here.rest_endpoint,
        "status": "L",
        "client_endpoint": here.rest_endpoint,
        "member_id": here.member_id,
        "application_token": done.application_token,
    }
    body.update({f"auth[{key}]": str(value) for key, value in auth.items()})
    return query, body


def _call_install_url(url: str, payload: tuple[dict[str, str], dict[str, str]]) -> None:
    query, body = payload
    try:
        # Redirects are not followed: the tokens go to the address the operator gave, only.
        response = httpx.post(url, params=query, data=body, timeout=INSTALL_TIMEOUT)
    except httpx.HTTPError as exc:
        raise InstallFailed(f"the install URL could not be called: {type(exc).__name__}") from exc
    if not 200 <= response.status_code < 300:
        raise InstallFailed(f"the install URL answered HTTP {response.status_code}")
