"""One method call through the registry, inside its own transaction."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import OperationalError

from leadcrm.rest import registry
from leadcrm.rest.call import Call, Page
from leadcrm.rest.errors import (
    RestError,
    insufficient_scope,
    internal_error,
    method_not_found,
)
from leadcrm.rest.params import Params
from leadcrm.rest.principal import Principal
from leadcrm.runtime import Runtime

log = logging.getLogger("leadcrm.rest")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a call produced: a result (maybe a page) or an error, and its own processing time."""

    result: Any = None
    total: int | None = None
    next: int | None = None
    error: RestError | None = None
    processing: float = 0.0


def execute(runtime: Runtime, name: str, params: Params, principal: Principal) -> Outcome:
    started = time.perf_counter()
    try:
        result = _run(runtime, name, params, principal)
    except RestError as error:
        return Outcome(error=error, processing=time.perf_counter() - started)
    except OperationalError:
        log.exception("database error in %s", name)
        return Outcome(error=internal_error(), processing=time.perf_counter() - started)
    except Exception:
        log.exception("unexpected error in %s", name)
        return Outcome(error=internal_error(), processing=time.perf_counter() - started)
    processing = time.perf_counter() - started
    if isinstance(result, Page):
        return Outcome(result.items, result.total, result.next, processing=processing)
    return Outcome(result, processing=processing)


def resolve(name: str, principal: Principal) -> registry.Method:
    method = registry.find(name)
    if method is None:
        raise method_not_found()
    if not principal.may_use(method.scope):
        raise insufficient_scope()
    return method


def _run(runtime: Runtime, name: str, params: Params, principal: Principal) -> Any:
    method = resolve(name, principal)
    if not method.transactional:
        return method.handler(Call(method, params, principal, runtime, None))
    with runtime.engine.connect() as conn:
        if method.writes:
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            return method.handler(Call(method, params, principal, runtime, conn))
