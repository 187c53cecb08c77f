"""One method call through the registry, inside its own transaction.

Credentials are checked inside that same transaction, so a call costs one connection and
one round of BEGIN/COMMIT however many checks it makes. A batch command runs in a
savepoint of the batch's transaction instead, with the batch caller's principal.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, OperationalError

from leadcrm.db.transactions import transaction
from leadcrm.rest import registry
from leadcrm.rest.call import Call, Page
from leadcrm.rest.errors import (
    RestError,
    insufficient_scope,
    internal_error,
    method_not_found,
    wrong_auth_type,
)
from leadcrm.rest.params import Params
from leadcrm.rest.principal import Principal
from leadcrm.runtime import Runtime

log = logging.getLogger("leadcrm.rest")

# Finds the caller from the request's credentials, reading the database on the call's connection.
Authenticate = Callable[[Connection], Principal]

# The `auth_connector` parameter of the call being run (offline events' source key, '' for
# none). Any method may carry it: the changes it makes are then kept out of that connector's
# offline queue (leadcrm.events.offline reads it when a change is recorded). `execute` sets it
# around the handler; a batch command that carries none runs under its batch's. The parameter
# stays in the call's params: event.bind and event.offline.* read it as their own argument.
AUTH_CONNECTOR: ContextVar[str] = ContextVar("auth_connector", default="")


def _auth_connector(params: Params) -> str | None:
    value = params.get("auth_connector")
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return str(value).strip()
    return None


@dataclass(slots=True)
class Outcome:
    """What a call produced: a result (maybe a page) or an error, and its own processing time."""

    result: Any = None
    total: int | None = None
    next: int | None = None
    error: RestError | None = None
    processing: float = 0.0
    principal: Principal | None = None


class _Caller:
    """The principal, found once: given, or authenticated on the first connection offered."""

    def __init__(self, who: Principal | Authenticate) -> None:
        self._who = who
        self.principal = who if isinstance(who, Principal) else None

    def on(self, conn: Connection) -> Principal:
        if self.principal is None:
            assert not isinstance(self._who, Principal)
            self.principal = self._who(conn)
        return self.principal


def execute(
    runtime: Runtime,
    name: str,
    params: Params,
    who: Principal | Authenticate,
    *,
    within: Connection | None = None,
) -> Outcome:
    """Run one call; ``within`` runs it in a savepoint of that connection's transaction."""
    started = time.perf_counter()
    caller = _Caller(who)
    connector = _auth_connector(params)
    carried = AUTH_CONNECTOR.set(connector) if connector is not None else None
    try:
        result = _run(runtime, name, params, caller, within)
    except RestError as error:
        outcome = Outcome(error=error)
    except OperationalError:
        log.exception("database error in %s", name)
        outcome = Outcome(error=internal_error())
    except Exception:
        log.exception("unexpected error in %s", name)
        outcome = Outcome(error=internal_error())
    else:
        if isinstance(result, Page):
            items = {result.key: result.items} if result.key else result.items
            outcome = Outcome(items, result.total, result.next)
        else:
            outcome = Outcome(result)
    finally:
        if carried is not None:
            AUTH_CONNECTOR.reset(carried)
    outcome.processing = time.perf_counter() - started
    outcome.principal = caller.principal
    return outcome


@dataclass(slots=True)
class BulkRun:
    """Calls of one method prepared for a bulk handler, waiting for their transaction."""

    size: int
    principal: Principal
    write: registry.BulkWrite | None = None
    refused: RestError | None = None
    preparing: float = 0.0


def prepare_many(
    runtime: Runtime, name: str, calls: list[Params], principal: Principal
) -> BulkRun | None:
    """The database-free half of a bulk run, done before its transaction begins, so that
    SQLite's single writer holds its lock for the writing only. None: run them one by one."""
    handler = registry.find_bulk(name)
    # A call carrying its own auth_connector runs alone, under it (see AUTH_CONNECTOR).
    if handler is None or any(_auth_connector(params) is not None for params in calls):
        return None
    started = time.perf_counter()
    try:
        found = resolve(name, principal)
    except RestError as refused:
        return BulkRun(len(calls), principal, refused=refused)
    try:
        write = handler([Call(found, params, principal, runtime, None) for params in calls])
    except Exception:
        log.info("bulk %s failed to prepare; running its calls one by one", name, exc_info=True)
        return None
    return BulkRun(len(calls), principal, write, preparing=time.perf_counter() - started)


def execute_many(run: BulkRun, *, within: Connection) -> list[Outcome] | None:
    """Finish a prepared bulk run in one savepoint of ``within``'s transaction.

    None when it failed as a whole (and was rolled back): the calls must then run one by one,
    each answering for itself.
    """
    if run.write is None:
        assert run.refused is not None
        return [Outcome(error=run.refused, principal=run.principal) for _ in range(run.size)]
    started = time.perf_counter()
    try:
        with within.begin_nested():
            results = run.write(within)
    except Exception:
        log.info("a bulk run failed as a whole; running its calls one by one", exc_info=True)
        return None
    share = (run.preparing + time.perf_counter() - started) / run.size
    return [
        Outcome(error=result, processing=share, principal=run.principal)
        if isinstance(result, RestError)
        else Outcome(result, processing=share, principal=run.principal)
        for result in results
    ]


def resolve(name: str, principal: Principal) -> registry.Method:
    method = registry.find(name)
    if method is None:
        raise method_not_found()
    if method.app_only and principal.app_id is None:
        raise wrong_auth_type()
    if not principal.may_use(method.scope):
        raise insufficient_scope(app=principal.app_id is not None)
    return method


def _run(
    runtime: Runtime, name: str, params: Params, caller: _Caller, within: Connection | None
) -> Any:
    if within is not None:
        principal = caller.on(within)
        nested = resolve(name, principal)
        with within.begin_nested():
            return nested.handler(Call(nested, params, principal, runtime, within))
    method = registry.find(name)
    if method is None or not method.transactional:
        # Credentials are still checked first: an unknown method does not answer a stranger.
        with runtime.engine.connect() as conn:
            principal = caller.on(conn)
        plain = resolve(name, principal)
        return plain.handler(Call(plain, params, principal, runtime, None))
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            with transaction(runtime.engine, writes=method.writes) as conn:
                principal = caller.on(conn)
                resolve(name, principal)
                return method.handler(Call(method, params, principal, runtime, conn))
        except DBAPIError as error:
            if attempt == _ATTEMPTS or not _must_retry(error):
                raise
            log.info("%s: deadlock or serialization failure, attempt %d", name, attempt)
    raise AssertionError("unreachable")


# PostgreSQL aborts one of two transactions that lock rows in opposite orders (a contact
# deleted while another call binds it); the aborted call, which wrote nothing, runs again.
_ATTEMPTS = 3
_RETRIED_STATES = {"40P01", "40001"}  # deadlock detected, serialization failure


def _must_retry(error: DBAPIError) -> bool:
    return getattr(error.orig, "sqlstate", None) in _RETRIED_STATES
