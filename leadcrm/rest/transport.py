"""The HTTP side of a REST call: read the request, authenticate, dispatch, write the envelope."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

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
        timer.processing = outcome.processing
        if outcome.error is not None:
            return _render(outcome.error.as_body(), outcome.error.status, fmt)
        timing = timer.block(self.runtime.zone, operating)
        body = success_body(outcome.result, timing, outcome.total, outcome.next)
        return _render(body, 200, fmt)

    def _handle(self, route: Route, params: Params) -> tuple[Outcome, float]:
        principal = self._authenticate(route, params)
        outcome = execute(self.runtime, route.method, params.without("auth"), principal)
        spent = self.operating.add(principal.credential, route.method, outcome.processing)
        return outcome, spent

    def _authenticate(self, route: Route, params: Params) -> Principal:
        with self.runtime.engine.connect() as conn:
            if route.user_id is not None and route.code is not None:
                return webhook_principal(conn, user_id=route.user_id, code=route.code)
            token = params.get("auth")
            if not token:
                raise no_auth_found()
            return token_principal(conn, token=token)

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
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "multipart/form-data":
            return await _read_multipart(request, limit)
        body = bytearray()
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > limit:
                raise _too_large()
        if content_type == "application/json" or (
            content_type != "application/x-www-form-urlencoded" and body.lstrip()[:1] == b"{"
        ):
            return decoding.parse_json(bytes(body))
        return decoding.parse_query(bytes(body))


async def _read_multipart(request: Request, limit: int) -> dict[str, Any]:
    try:
        form = await request.form(max_files=100, max_fields=decoding.MAX_PARAMETERS)
    except Exception as exc:
        raise invalid_request("The multipart body could not be read") from exc
    pairs: list[tuple[str, Any]] = []
    total = 0
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            content = await value.read()
            total += len(content)
            pairs.append(
                (
                    key,
                    decoding.UploadedFile(value.filename or "", value.content_type or "", content),
                )
            )
        else:
            total += len(value)
            pairs.append((key, value))
        if total > limit:
            raise _too_large()
    await form.close()
    return decoding.build_nested(pairs)


def _too_large() -> RestError:
    return RestError("INVALID_REQUEST", "The request body is too large", 413)


async def unexpected_error(request: Request, exc: Exception) -> Response:
    """Whatever escaped: the documented 500, never a traceback."""
    return _render(internal_error().as_body(), 500, "json")


def _render(body: dict[str, Any], status: int, fmt: str) -> Response:
    if fmt == "xml":
        return Response(to_xml(body), status_code=status, media_type=XML_TYPE)
    return Response(to_json(body), status_code=status, media_type=JSON_TYPE)
