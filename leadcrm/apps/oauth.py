"""``/oauth/token/``: the authorization server's token endpoint, served by leadcrm itself.

It speaks as ``oauth.bitrix.info`` does: parameters in the query string (or a form body),
a bare JSON object in answer (no ``result`` envelope), and ``{"error", "error_description"}``
with HTTP 400 when it refuses.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from leadcrm.apps import service, tokens
from leadcrm.apps.portal import portal
from leadcrm.db.transactions import transaction
from leadcrm.rest import decoding
from leadcrm.runtime import Runtime

_GRANTS = {"refresh_token": tokens.REFRESH, "authorization_code": tokens.CODE}
_GRANT_PARAMETER = {"refresh_token": "refresh_token", "authorization_code": "code"}


class OAuthError(Exception):
    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


class TokenEndpoint:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def handle(self, request: Request) -> Response:
        params = decoding.parse_query(request.scope.get("query_string", b""))
        if request.method == "POST":
            body = await request.body()
            if len(body) <= 64 * 1024:
                params.update(decoding.parse_query(body))
        try:
            answer = await run_in_threadpool(self._grant, params)
        except OAuthError as refused:
            return JSONResponse(
                {"error": refused.code, "error_description": refused.description}, status_code=400
            )
        return JSONResponse(answer, headers={"Cache-Control": "no-store"})

    def _grant(self, params: dict[str, Any]) -> dict[str, Any]:
        grant_type = _text(params, "grant_type")
        if grant_type not in _GRANTS:
            raise OAuthError("invalid_request", "Unsupported grant_type")
        client_id, client_secret = _text(params, "client_id"), _text(params, "client_secret")
        presented = _text(params, _GRANT_PARAMETER[grant_type])
        if not client_id or not client_secret or not presented:
            raise OAuthError("invalid_request", "Invalid request")
        # The refusal of a spent refresh token revokes its grant; that revocation is kept.
        # A writer from the start (SQLite: BEGIN IMMEDIATE, in the writers' queue): a read
        # that turns into a write could meet another presenter's lock and fail.
        with transaction(self.runtime.engine, writes=True) as conn:
            app = service.authenticate_client(
                conn, client_id=client_id, client_secret=client_secret
            )
            if app is None:
                raise OAuthError("invalid_client", "Invalid client")
            _check_scope(params, service.scopes_of(app))
            try:
                pair = tokens.redeem(
                    conn, app_id=app["id"], kind=_GRANTS[grant_type], token=presented
                )
            except tokens.GrantRefused:
                refused = True
            else:
                refused = False
                answer = token_answer(conn, self.runtime, app=app, pair=pair)
        if refused:
            raise OAuthError("invalid_grant", "Invalid grant")
        return answer


def token_answer(
    conn: Connection, runtime: Runtime, *, app: Any, pair: tokens.TokenPair
) -> dict[str, Any]:
    here = portal(conn, runtime.settings)
    return {
        "access_token": pair.access_token,
        "client_endpoint": here.rest_endpoint,
        "domain": here.domain,
        "expires": int(pair.expires_at.replace(tzinfo=UTC).timestamp()),
        "expires_in": pair.expires_in,
        "member_id": here.member_id,
        "refresh_token": pair.refresh_token,
        "scope": ",".join(service.scopes_of(app)),
        "server_endpoint": here.rest_endpoint,
        "status": "L",
        "user_id": pair.user_id,
    }


def _check_scope(params: dict[str, Any], granted: list[str]) -> None:
    asked = _text(params, "scope")
    wanted = {s.strip().lower() for s in asked.replace(" ", ",").split(",") if s.strip()}
    if wanted - {"basic", *granted}:
        raise OAuthError("invalid_scope", "Requested scope exceeds the application's scope")


def _text(params: dict[str, Any], key: str) -> str:
    value = params.get(key)
    return value.strip() if isinstance(value, str) else ""
