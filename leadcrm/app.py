"""The ASGI application: the REST transport, the OAuth token endpoint, file downloads, health
check and CORS."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from leadcrm.apps.oauth import TokenEndpoint
from leadcrm.events.worker import BackgroundWorker
from leadcrm.files.views import download_file
from leadcrm.rest import registry
from leadcrm.rest.transport import RestEndpoint, unexpected_error
from leadcrm.runtime import Runtime


def create_app(runtime: Runtime, *, deliver_events: bool = False) -> Starlette:
    """``deliver_events``: run an event delivery worker in this process (``serve`` does)."""
    registry.load()
    endpoint = RestEndpoint(runtime)
    tokens = TokenEndpoint(runtime)

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
        # The authorization server's token endpoint, as oauth.bitrix.info serves it.
        Route("/oauth/token/", tokens.handle, methods=["GET", "POST"]),
        Route("/oauth/token", tokens.handle, methods=["GET", "POST"]),
        # Signed links from `file` custom field values; the link itself is the credential.
        Route("/files/{file_id:int}", download_file, methods=["GET"]),
    ]
    if runtime.settings.bench_endpoints:
        from leadcrm.benchmarks import bench_routes

        routes += bench_routes(runtime)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Calls run in the event loop's thread pool. Past a few threads per core, more only
        # contend for the GIL and hold more connections and memory.
        to_thread.current_default_thread_limiter().total_tokens = runtime.settings.threads
        worker = BackgroundWorker(runtime) if deliver_events else None
        if worker is not None:
            worker.start()
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()

    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={Exception: unexpected_error},
        lifespan=lifespan,
    )
    # Bitrix24 never redirects; a client that re-POSTs on 307 would be surprised by us.
    app.router.redirect_slashes = False
    app.state.runtime = runtime
    return app
