"""The HTTP side of a REST call: read the request, authenticate, dispatch, write the envelope."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Message

from leadcrm.rest import decoding
from leadcrm.rest.auth import token_principal, webhook_principal
from leadcrm.rest.dispatch import Outcome, execute
from leadcrm.rest.envelope import Timer, success_body, to_json, to_xml
from leadcrm.rest.errors import RestError, internal_error, invalid_request, no_auth_found
from leadcrm.rest.operating import OperatingClock
from leadcrm.rest.params import Params
from leadcrm.rest.principal import Principal
from leadcrm.rest.routing import Route, parse_rest_path
from leadcrm.runtime import Runtime

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"

log = logging.getLogger("leadcrm.rest")


class RestEndpoint:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.operating = OperatingClock()

    async def handle(self, request: Request) -> Response:
        timer = Timer.begin()
        fmt = "xml" if request.url.path.lower().endswith(".xml") else "json"
        try:
            route = parse_rest_path(request.path_params["path"])
            fmt = route.format
            params = await self._read_params(request)
            outcome, operating = await run_in_threadpool(self._handle, route, params)
        except RestError as error:
            return _render(error.as_body(), error.status, fmt)
        except ClientDisconnect:
            return Response(status_code=400)  # nobody is left to read it
        except Exception:
            # Never the exception's text: it may hold SQL, paths or a credential.
            log.exception("unexpected error in the REST transport")
            return _render(internal_error().as_body(), 500, fmt)
        timer.processing = outcome.processing
        if outcome.error is not None:
            return _render(outcome.error.as_body(), outcome.error.status, fmt)
        timing = timer.block(self.runtime.zone, operating)
        body = success_body(outcome.result, timing, outcome.total, outcome.next)
        return _render(body, 200, fmt)

    def _handle(self, route: Route, params: Params) -> tuple[Outcome, float | None]:
        def authenticate(conn: Connection) -> Principal:
            if route.user_id is not None and route.code is not None:
                return webhook_principal(conn, user_id=route.user_id, code=route.code)
            token = params.get("auth")
            if not token:
                raise no_auth_found()
            return token_principal(conn, token=token)

        outcome = execute(self.runtime, route.method, params.without("auth"), authenticate)
        if outcome.principal is None:
            return outcome, None
        credential = outcome.principal.credential
        return outcome, self.operating.add(credential, route.method, outcome.processing)

    async def _read_params(self, request: Request) -> Params:
        settings = self.runtime.settings
        query = request.scope.get("query_string", b"")
        if len(query) > settings.max_query_bytes:
            raise RestError("INVALID_REQUEST", "The query string is too long", 414)
        layers = [decoding.parse_query(query)]
        if request.method in ("POST", "PUT"):
            layers.append(await self._read_body(request))
        return Params(decoding.merge(*layers))

    async def _read_body(self, request: Request) -> dict[str, Any]:
        limit = self.runtime.settings.max_body_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _too_large()
        # The whole body is read under the cap before any parser sees it, whatever its type
        # and whether or not it declared a length.
        body = bytearray()
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > limit:
                raise _too_large()
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "multipart/form-data":
            return await _read_multipart(request, bytes(body), limit)
        if content_type == "application/json" or (
            content_type != "application/x-www-form-urlencoded" and body.lstrip()[:1] == b"{"
        ):
            return decoding.parse_json(bytes(body))
        return decoding.parse_query(bytes(body))


async def _read_multipart(request: Request, body: bytes, limit: int) -> dict[str, Any]:
    boundary = _boundary(request.headers.get("content-type", ""))
    # A body cut short parses "successfully" as its first parts; running a call on half of
    # its parameters is worse than refusing it, so the closing delimiter must be there.
    if boundary is None or b"--" + boundary + b"--" not in body:
        raise invalid_request("The multipart body could not be read")
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    buffered = Request(request.scope, replay)
    try:
        form = await buffered.form(
            max_files=100, max_fields=decoding.MAX_PARAMETERS, max_part_size=limit
        )
    except Exception as exc:
        raise invalid_request("The multipart body could not be read") from exc
    pairs: list[tuple[str, Any]] = []
    try:
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                content = await value.read()
                name, kind = value.filename or "", value.content_type or ""
                pairs.append((key, decoding.UploadedFile(name, kind, content)))
            else:
                pairs.append((key, value))
    finally:
        await form.close()
    return decoding.build_nested(pairs)


def _boundary(content_type: str) -> bytes | None:
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "boundary" and value.strip().strip('"'):
            return value.strip().strip('"').encode("latin-1", "replace")
    return None


def _too_large() -> RestError:
    return RestError("INVALID_REQUEST", "The request body is too large", 413)


async def unexpected_error(request: Request, exc: Exception) -> Response:
    """Whatever escaped: the documented 500, never a traceback."""
    return _render(internal_error().as_body(), 500, "json")


def _render(body: dict[str, Any], status: int, fmt: str) -> Response:
    if fmt == "xml":
        return Response(to_xml(body), status_code=status, media_type=XML_TYPE)
    return Response(to_json(body), status_code=status, media_type=JSON_TYPE)
