"""Fixtures for the transport tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import Connection

from leadcrm.rest import registry, transport
from leadcrm.rest.call import Call
from leadcrm.rest.errors import RestError
from leadcrm.rest.principal import Principal
from leadcrm.users.service import create_user
from tests.support import Api


@dataclass
class TokenSpy:
    """A real application's access token, and every token the transport asked about."""

    token: str
    seen: list[object]


@pytest.fixture
def app_token(api: Api, monkeypatch: pytest.MonkeyPatch) -> TokenSpy:
    """An installed application (crm and user scopes) acting as the administrator.

    The transport's token check runs unchanged; the spy only records what it was given, to
    prove where the transport read the token.
    """
    installed = api.install_app(scopes="crm,user")
    seen: list[object] = []
    real = transport.token_principal

    def token_principal(conn: Connection, *, token: object) -> Principal:
        seen.append(token)
        return real(conn, token=token)

    monkeypatch.setattr(transport, "token_principal", token_principal)
    return TokenSpy(installed.access_token, seen)


@pytest.fixture
def test_methods(monkeypatch: pytest.MonkeyPatch) -> None:
    """Methods that exist only for these tests, registered as handlers are and removed after:

    - ``test.echo`` (basic) answers its parameters as decoded;
    - ``test.write`` (basic, writes) adds a user named ``name``, then fails if ``fail`` is
      ``rest`` (a Bitrix24 error) or ``crash`` (an unexpected exception);
    - ``test.value`` (basic) answers ``VALUES[kind]``;
    - ``test.bulk`` is ``test.write`` with a bulk handler too, which records its runs in
      ``BULK_RUNS``, refuses ``fail=rest`` calls before writing and crashes as a whole if
      one call has ``fail=crash``.
    """

    def echo(call: Call) -> object:
        return call.params.raw

    def write(call: Call) -> object:
        user_id = create_user(call.conn, name=str(call.params.get("name")), zone=call.zone)
        if call.params.get("fail") == "rest":
            raise RestError("", "Refused after writing.", 400)
        if call.params.get("fail") == "crash":
            raise RuntimeError(f"boom: SELECT secret FROM /srv/leadcrm/{user_id}")
        return user_id

    def value(call: Call) -> object:
        return VALUES[str(call.params.get("kind"))]

    def write_many(calls: list[Call]) -> Callable[[Connection], list[object]]:
        BULK_RUNS.append([str(c.params.get("name")) for c in calls])

        def write(conn: Connection) -> list[object]:
            if any(c.params.get("fail") == "crash" for c in calls):
                raise RuntimeError("boom in a bulk run")
            return [
                RestError("", "Refused before writing.", 400)
                if c.params.get("fail") == "rest"
                else create_user(conn, name=str(c.params.get("name")), zone=c.zone)
                for c in calls
            ]

        return write

    for name, handler, writes in (
        ("test.echo", echo, False),
        ("test.write", write, True),
        ("test.value", value, False),
        ("test.bulk", write, True),
    ):
        entry = registry.Method(name, "basic", handler, writes, True, True)
        monkeypatch.setitem(registry._methods, name, entry)
    monkeypatch.setitem(registry._bulk, "test.bulk", write_many)
    BULK_RUNS.clear()


# The names of each run test.bulk's bulk handler was given, in order.
BULK_RUNS: list[list[str]] = []


VALUES: dict[str, object] = {
    "empty_map": {},
    "nested_empty": {"a": {}, "b": [{}, {"c": {}}], "text": "{}", "n": 0},
    "empty_list": [],
    "none": None,
    "int_keys": {5: "five", 7: {"x": "y"}},
}
