"""What a handler receives: the documented form body, and leadcrm's headers beside it.

``X-Leadcrm-Event-Id`` is the delivery's own id (the same on every retry), and
``X-Leadcrm-Signature`` is ``sha256=`` HMAC-SHA256 with the handler's secret over
``{X-Leadcrm-Timestamp}.{body}``, the timestamp being the moment of sending: a receiver that
checks it knows the body came from leadcrm, unchanged and recently, which
``auth[application_token]`` (sent inside the body) cannot tell.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from leadcrm.apps.portal import Portal


@dataclass(frozen=True, slots=True)
class AppAuth:
    """An application's part of ``auth``: its token and scope, and the user's access token."""

    application_token: str
    scope: str
    access_token: str | None
    refresh_token: str | None = None
    # ONAPPUNINSTALL: only where to find the portal, and the application token.
    bare: bool = False


def flatten(prefix: str, value: Any, into: list[tuple[str, str]]) -> None:
    """PHP's nested form keys: data[FIELDS][ID]=7."""
    if isinstance(value, Mapping):
        for key, inner in value.items():
            flatten(f"{prefix}[{key}]", inner, into)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            flatten(f"{prefix}[{index}]", inner, into)
    else:
        into.append((prefix, "" if value is None else str(value)))


def auth_keys(*, portal: Portal, app: AppAuth | None, webhook_token: str) -> dict[str, str]:
    """``auth``: an app's (tokens only when a user made the change) or an outgoing webhook's."""
    if app is None:
        return {
            "domain": portal.domain,
            "client_endpoint": portal.rest_endpoint,
            "server_endpoint": portal.rest_endpoint,
            "member_id": portal.member_id,
            "application_token": webhook_token,
        }
    if app.bare:
        return {
            "domain": portal.domain,
            "server_endpoint": portal.rest_endpoint,
            "client_endpoint": portal.rest_endpoint,
            "member_id": portal.member_id,
            "application_token": app.application_token,
        }
    keys: dict[str, str] = {}
    if app.access_token is not None:
        keys.update(access_token=app.access_token, expires_in="3600", scope=app.scope)
    keys.update(
        domain=portal.domain,
        server_endpoint=portal.rest_endpoint,
        status="L",
        client_endpoint=portal.rest_endpoint,
        member_id=portal.member_id,
    )
    if app.refresh_token is not None:
        keys["refresh_token"] = app.refresh_token
    keys["application_token"] = app.application_token
    return keys


def form_body(
    *, event: str, handler_id: int, data: Mapping[str, Any], ts: int, auth: Mapping[str, str]
) -> str:
    pairs: list[tuple[str, str]] = [("event", event), ("event_handler_id", str(handler_id))]
    flatten("data", data, pairs)
    pairs.append(("ts", str(ts)))
    flatten("auth", auth, pairs)
    return urlencode(pairs)


def signature(secret: str, ts: int, body: str) -> str:
    digest = hmac.new(secret.encode(), f"{ts}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def headers(*, uid: str, ts: int, secret: str, body: str) -> dict[str, str]:
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": "leadcrm-events",
        "X-Leadcrm-Event-Id": uid,
        "X-Leadcrm-Timestamp": str(ts),
        "X-Leadcrm-Signature": signature(secret, ts, body),
    }
