"""Running the ASGI app under uvicorn, with secrets kept out of the access log."""

from __future__ import annotations

import contextlib
import copy
import ctypes
import logging
import re
import socket
from typing import Any

import uvicorn
from starlette.applications import Starlette
from uvicorn.config import LOGGING_CONFIG
from uvicorn.supervisors import Multiprocess

from leadcrm.app import create_app
from leadcrm.runtime import Runtime
from leadcrm.settings import Settings

# ``/rest/{user}/{code}/`` and the REST v3 form ``/rest/api/{user}/{code}/``, in any case.
_WEBHOOK_PATH = re.compile(r"(/rest/(?:api/)?\d+/)[^/\s?]+", re.IGNORECASE)
# `auth` on REST calls; the token endpoint's secrets (its GET form puts them in the query).
_AUTH_PARAM = re.compile(
    r"((?:^|[?&])(?:auth|token|refresh_token|client_secret|code|access_token)=)[^&\s\"]*",
    re.IGNORECASE,
)


class RedactSecrets(logging.Filter):
    """Webhook codes travel in the path and tokens in the query: neither reaches a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        record.msg = redact(str(record.msg))
        return True


def redact(text: str) -> str:
    return _AUTH_PARAM.sub(r"\1***", _WEBHOOK_PATH.sub(r"\1***", text))


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, with every handler redacting (worker processes read this too)."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact"] = {"()": "leadcrm.server.RedactSecrets"}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact")
    config["loggers"]["leadcrm"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def app_factory() -> Starlette:
    """Each worker process builds its own engine from the environment."""
    _cap_malloc_arenas()
    settings = Settings()
    return create_app(Runtime.from_settings(settings), deliver_events=settings.events_worker)


MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # glibc's mallopt parameter


def _cap_malloc_arenas() -> None:
    """glibc gives each busy thread of the pool a malloc arena of its own (up to 8 per core),
    and arenas keep what they once held: 26 MiB of a 180 MiB peak in a measured run. Two
    arenas cost no measurable speed here. Only glibc has mallopt; elsewhere nothing changes."""
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(_M_ARENA_MAX, MALLOC_ARENAS)
    except (OSError, AttributeError):
        pass


def run(
    *,
    host: str,
    port: int,
    workers: int,
    ssl_certfile: str | None,
    ssl_keyfile: str | None,
    log_level: str,
) -> None:
    options: dict[str, Any] = {
        "factory": True,
        "host": host,
        "port": port,
        "workers": workers,
        "ssl_certfile": ssl_certfile,
        "ssl_keyfile": ssl_keyfile,
        "log_level": log_level,
        "log_config": _log_config(),
        "proxy_headers": True,
        "server_header": False,
        "timeout_graceful_shutdown": 10,
    }
    if workers < 2 or port == 0 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(APP, **options)
        return
    config = uvicorn.Config(APP, **options)
    try:
        _listener(host, port).close()  # a taken address fails here, once, not in every worker
    except OSError as exc:
        logging.getLogger("uvicorn.error").error("cannot listen on %s:%s: %s", host, port, exc)
        raise SystemExit(1) from exc
    with contextlib.suppress(KeyboardInterrupt):
        Multiprocess(config, sockets=ListenerPerWorker(host, port)).run()


APP = "leadcrm.server:app_factory"


class ListenerPerWorker(list[socket.socket]):
    """The sockets uvicorn hands a worker, bound anew inside each worker that unpickles them.

    With uvicorn's one shared socket, whichever worker wakes first accepts a whole burst of
    connections, and keep-alive clients stay where they landed: measured here, one of two
    workers at 100% CPU and the other idle. A socket of its own per worker, all bound with
    SO_REUSEPORT, lets the kernel spread connections over the workers by address hash.
    """

    def __init__(self, host: str, port: int) -> None:
        super().__init__()
        self.address = (host, port)

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return _listening_list, self.address


def _listening_list(host: str, port: int) -> list[socket.socket]:
    return [_listener(host, port)]


def _listener(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock
