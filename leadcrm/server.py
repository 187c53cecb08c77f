"""Running the ASGI app under uvicorn, with secrets kept out of the access log."""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

import uvicorn
from starlette.applications import Starlette
from uvicorn.config import LOGGING_CONFIG

from leadcrm.app import create_app
from leadcrm.runtime import Runtime
from leadcrm.settings import Settings

# ``/rest/{user}/{code}/`` and the REST v3 form ``/rest/api/{user}/{code}/``, in any case.
_WEBHOOK_PATH = re.compile(r"(/rest/(?:api/)?\d+/)[^/\s?]+", re.IGNORECASE)
_AUTH_PARAM = re.compile(r"((?:^|[?&])auth=)[^&\s\"]*", re.IGNORECASE)


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
    return create_app(Runtime.from_settings(Settings()))


def run(
    *,
    host: str,
    port: int,
    workers: int,
    ssl_certfile: str | None,
    ssl_keyfile: str | None,
    log_level: str,
) -> None:
    uvicorn.run(
        "leadcrm.server:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        log_level=log_level,
        log_config=_log_config(),
        proxy_headers=True,
        server_header=False,
        timeout_graceful_shutdown=10,
    )
