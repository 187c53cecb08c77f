"""The ASGI application: the REST transport, health check and CORS."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from leadcrm.rest import registry
from leadcrm.rest.transport import RestEndpoint, unexpected_error
from leadcrm.runtime import Runtime


def create_app(runtime: Runtime) -> Starlette:
    registry.load()
    endpoint = RestEndpoint(runtime)

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    middleware = []
    if runtime.settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=runtime.settings.cors_origins,
                allow_methods=["GET", "POST"],
                allow_headers=["*"],
            )
        )
    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/rest/{path:path}", endpoint.handle, methods=["GET", "POST"]),
    ]
    if runtime.settings.bench_endpoints:
        from leadcrm.benchmarks import bench_routes

        routes += bench_routes(runtime)
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={Exception: unexpected_error},
    )
    # Bitrix24 never redirects; a client that re-POSTs on 307 would be surprised by us.
    app.router.redirect_slashes = False
    app.state.runtime = runtime
    return app
