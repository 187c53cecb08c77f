"""``batch``: up to 50 calls in one request, each through the same path as a plain call."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import orjson
from sqlalchemy import Connection

from leadcrm.catalogue.kinds import FieldValueError, parse_flag
from leadcrm.db.transactions import transaction
from leadcrm.rest import decoding
from leadcrm.rest.call import Call
from leadcrm.rest.dispatch import BulkRun, Outcome, execute, execute_many, prepare_many
from leadcrm.rest.envelope import Timer
from leadcrm.rest.errors import (
    RestError,
    batch_length_exceeded,
    batch_method_not_allowed,
    invalid_request,
)
from leadcrm.rest.params import Params
from leadcrm.rest.registry import find, find_bulk, method

MAX_COMMANDS = 50
_REFERENCE = re.compile(r"\$result((?:\[[^\[\]]*\])+)")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


class UnresolvedReference(Exception):
    pass


@method("batch", scope="basic", transactional=False, batchable=False)
def batch(call: Call) -> dict[str, Any]:
    """Commands share one transaction, each in its own savepoint: it fails or succeeds alone,
    and the batch pays for one commit rather than fifty."""
    commands = [(key, _decode(command)) for key, command in _commands(call.params.get("cmd"))]
    halt = _halt(call.params.get("halt"))
    writes = any(
        not isinstance(decoded, RestError) and (m := find(decoded[0])) is not None and m.writes
        for _, decoded in commands
    )
    # With halt, nothing may run after the first error, so every command runs alone.
    groups = [
        (group, _prepare(call, group, name)) for group, name in _groups(commands, together=not halt)
    ]
    with transaction(call.runtime.engine, writes=writes) as conn:
        return _run_all(call, conn, groups, halt)


Decoded = tuple[str, dict[str, Any]] | RestError
Command = tuple[str, Decoded]


def _run_all(
    call: Call, conn: Connection, groups: list[tuple[list[Command], BulkRun | None]], halt: bool
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    totals: dict[str, Any] = {}
    nexts: dict[str, Any] = {}
    times: dict[str, Any] = {}
    for group, bulk_run in groups:
        timer = Timer.begin()
        outcomes = _run_group(call, conn, group, bulk_run, results)
        for (key, _), outcome in zip(group, outcomes, strict=True):
            if outcome.error is not None:
                errors[key] = outcome.error.as_body()
                continue
            results[key] = outcome.result
            times[key] = Timer(timer.start, outcome.processing).block(call.zone)
            if outcome.total is not None:
                totals[key] = outcome.total
            if outcome.next is not None:
                nexts[key] = outcome.next
        if halt and errors:
            break
    return {
        "result": _php_array(results),
        "result_error": _php_array(errors),
        "result_total": _php_array(totals),
        "result_next": _php_array(nexts),
        "result_time": _php_array(times),
    }


def _groups(
    commands: list[Command], *, together: bool
) -> Iterator[tuple[list[Command], str | None]]:
    """Runs of consecutive commands that one bulk handler can take at once, with its method's
    name; other commands alone (and the name None)."""
    group: list[Command] = []
    name: str | None = None
    for command in commands:
        joins = _bulk_name(command) if together else None
        if group and joins is not None and joins == name:
            group.append(command)
            continue
        if group:
            yield group, name
        group, name = [command], joins
    if group:
        yield group, name


def _bulk_name(command: Command) -> str | None:
    """The method's name when the command may join a bulk run: a bulk handler exists, and the
    command reads no earlier result (which an earlier command of the run may not have yet)."""
    decoded = command[1]
    if isinstance(decoded, RestError) or find_bulk(decoded[0]) is None:
        return None
    return None if _refers(decoded[1]) else decoded[0].lower()


def _refers(params: dict[str, Any]) -> bool:
    # One pass in C over the whole structure: a string holding "$result[" anywhere in it.
    return b"$result[" in orjson.dumps(params, default=str)


def _prepare(call: Call, group: list[Command], name: str | None) -> BulkRun | None:
    if len(group) < 2 or name is None:
        return None
    calls = [Params(_params(decoded)).without("auth") for _, decoded in group]
    return prepare_many(call.runtime, name, calls, call.principal)


def _run_group(
    call: Call,
    conn: Connection,
    group: list[Command],
    bulk_run: BulkRun | None,
    results: dict[str, Any],
) -> list[Outcome]:
    if bulk_run is not None:
        outcomes = execute_many(bulk_run, within=conn)
        if outcomes is not None:
            return outcomes
    return [_run_command(call, conn, decoded, results) for _, decoded in group]


def _params(decoded: Decoded) -> dict[str, Any]:
    assert not isinstance(decoded, RestError)
    return decoded[1]


def _commands(raw: object) -> list[tuple[str, Any]]:
    if isinstance(raw, list):
        items = [(str(i), c) for i, c in enumerate(raw)]
    elif isinstance(raw, dict):
        items = [(str(k), c) for k, c in raw.items()]
    else:
        raise invalid_request("Parameter 'cmd' must be an array of commands")
    if len(items) > MAX_COMMANDS:
        raise batch_length_exceeded()
    return items


def _halt(raw: object) -> bool:
    if raw is None:
        return False
    try:
        return parse_flag(raw)
    except FieldValueError:
        return False


def _decode(command: Any) -> Decoded:
    try:
        return _decode_command(command)
    except RestError as error:
        return error


def _run_command(
    call: Call, conn: Connection, decoded: Decoded, results: dict[str, Any]
) -> Outcome:
    if isinstance(decoded, RestError):
        return Outcome(error=decoded)
    name, params = decoded
    try:
        params = _substitute(params, results)
    except UnresolvedReference as missing:
        return Outcome(error=invalid_request(f"Unresolved batch reference: {missing}"))
    target = find(name)
    if target is not None and not target.batchable:
        return Outcome(error=batch_method_not_allowed())
    params_in = Params(params).without("auth")
    return execute(call.runtime, name, params_in, call.principal, within=conn)


def _decode_command(command: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(command, dict) and isinstance(command.get("method"), str):
        params = command.get("params")
        return command["method"], params if isinstance(params, dict) else {}
    if not isinstance(command, str) or not command.strip():
        raise invalid_request("A batch command must be a 'method?parameters' string")
    name, _, query = command.strip().partition("?")
    return unquote(name).strip("/"), decoding.parse_query(query)


def _substitute(value: Any, results: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {k: _substitute(v, results) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, results) for v in value]
    if not isinstance(value, str) or "$result[" not in value:
        return value
    whole = _REFERENCE.fullmatch(value)
    if whole:
        return _lookup(whole.group(1), results)
    return _REFERENCE.sub(lambda m: _as_text(_lookup(m.group(1), results)), value)


def _lookup(path: str, results: dict[str, Any]) -> Any:
    node: Any = results
    for segment in _SEGMENT.findall(path):
        # isascii: str.isdigit() also accepts digits such as "²" that int() refuses.
        index = int(segment) if segment.isascii() and segment.isdigit() else None
        if isinstance(node, dict) and segment in node:
            node = node[segment]
        elif index is not None and _has_index(node, index):
            node = node[index]
        else:
            raise UnresolvedReference(f"$result{path}")
    return node


def _has_index(node: Any, index: int) -> bool:
    """Lists by position; maps whose keys are integers (a handler's own dict) by key."""
    if isinstance(node, list):
        return index < len(node)
    return isinstance(node, dict) and index in node


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else ""
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise UnresolvedReference("a structure cannot be placed inside a string")
    return str(value)


def _php_array(items: dict[str, Any]) -> Any:
    """Keys 0..n-1 make a PHP list; no keys make PHP's empty array ``[]``."""
    if all(key == str(i) for i, key in enumerate(items)):
        return list(items.values())
    return items
