"""``leadcrm serve`` as operators run it: TLS, the admin webhook, the CLI, concurrent starts."""

from __future__ import annotations

import os
import re
import sqlite3
import ssl
import stat
import time
import urllib.request
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql

from tests.e2e.serving import (
    Server,
    Tls,
    fresh_database,
    launch,
    rest_call,
    servers_started_together,
    stop,
    wait_until_serving,
    webhook_parts,
)

BANNER = re.compile(r"^Administrator webhook: (\S+)$", re.MULTILINE)


def result_of(response: httpx.Response) -> Any:
    body = response.json()
    assert response.status_code == 200, body
    assert "error" not in body, body
    return body["result"]


def error_of(response: httpx.Response) -> tuple[int, str]:
    body = response.json()
    assert "result" not in body, body
    return response.status_code, body["error"]


def create_webhook(server: Server, *args: str) -> tuple[int, str]:
    """``leadcrm webhook create ARGS``: the webhook id and the URL on the last line."""
    lines = server.cli("webhook", "create", *args).stdout.strip().splitlines()
    match = re.match(r"webhook (\d+) for user \d+", lines[0])
    assert match, lines
    return int(match.group(1)), lines[-1].strip()


def add_user(server: Server, *args: str) -> int:
    return int(server.cli("user", "add", *args).stdout.strip().splitlines()[-1])


# --- TLS and the administrator's webhook ------------------------------------------------------


def test_user_current_over_tls(server: Server, http: httpx.Client) -> None:
    result = result_of(rest_call(http, server.admin_webhook, "user.current"))
    assert result["ID"] == "1"
    body = http.post(server.admin_webhook + "user.current.json").json()
    assert body["result"]["ID"] == "1"
    assert {"start", "finish", "duration", "date_start"} <= body["time"].keys()


def test_the_certificate_is_checked(server: Server) -> None:
    """Only clients that trust the test CA get through: this really is TLS."""
    with (
        httpx.Client(trust_env=False) as untrusting,
        pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        untrusting.get(server.base_url + "/healthz")


def test_batch_over_tls(server: Server, http: httpx.Client) -> None:
    body = rest_call(
        http,
        server.admin_webhook,
        "batch",
        {
            "halt": 0,
            "cmd": {
                "me": "user.current",
                "now": "server.time",
                "again": "user.get?ID=$result[me][ID]",
                "bad": "no.such.method",
            },
        },
    ).json()
    batch = body["result"]
    assert batch["result"]["me"]["ID"] == "1"
    assert isinstance(batch["result"]["now"], str)
    assert [user["ID"] for user in batch["result"]["again"]] == ["1"]
    assert batch["result_error"]["bad"]["error"] == "ERROR_METHOD_NOT_FOUND"
    assert batch["result_total"]["again"] == 1
    assert {"me", "now", "again"} <= batch["result_time"].keys()


def test_printed_and_kept_webhook_url_works_with_a_plain_get(server: Server) -> None:
    kept = (server.var_dir / "admin-webhook.url").read_text().strip()
    assert kept == server.admin_webhook
    assert BANNER.findall(server.log()) == [kept]
    assert kept == f"{server.base_url}/rest/1/{webhook_parts(kept)[1]}/"
    # What `curl "$URL/user.current"` does: a bare GET, no body, no client library tricks.
    context = ssl.create_default_context(cafile=str(server.tls.ca_path))
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context)
    )
    with opener.open(kept + "user.current", timeout=30) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("application/json")
        text = response.read().decode()
    assert '"ID":"1"' in text
    with opener.open(kept + "user.get.json?ID=1", timeout=30) as response:
        assert '"total":1' in response.read().decode()


def test_admin_webhook_file_is_private(server: Server) -> None:
    mode = (server.var_dir / "admin-webhook.url").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


# --- the operator's CLI against a running server ----------------------------------------------


def test_cli_user_and_webhook_lifecycle(server: Server, http: httpx.Client) -> None:
    user_id = add_user(server, "--name", "Erin", "--last-name", "Ends", "--email", "erin@e2e.test")
    assert user_id > 1
    listed = server.cli("user", "list").stdout.splitlines()
    assert f"{user_id}\tactive\tuser\tErin Ends\terin@e2e.test" in listed
    assert any(line.startswith("1\tactive\tadmin\t") for line in listed)

    webhook_id, url = create_webhook(server, "--user", str(user_id), "--scope", "user")
    assert url.startswith(f"{server.base_url}/rest/{user_id}/")
    me = result_of(rest_call(http, url, "user.current"))
    assert me["ID"] == str(user_id)
    assert me["NAME"] == "Erin"
    assert sorted(result_of(rest_call(http, url, "scope"))) == ["basic", "user"]

    assert error_of(rest_call(http, url, "crm.settings.mode.get")) == (403, "insufficient_scope")

    webhooks = server.cli("webhook", "list").stdout.splitlines()
    assert any(
        line.startswith(f"{webhook_id}\tuser {user_id}\tactive\t") and "basic,user" in line
        for line in webhooks
    ), webhooks
    assert url.rstrip("/").rsplit("/", 1)[1] not in "\n".join(webhooks)

    server.cli("webhook", "revoke", str(webhook_id))
    assert error_of(rest_call(http, url, "user.current")) == (401, "NO_AUTH_FOUND")
    webhooks = server.cli("webhook", "list").stdout.splitlines()
    assert any(line.startswith(f"{webhook_id}\tuser {user_id}\trevoked\t") for line in webhooks)


def test_cli_webhook_with_crm_scope(server: Server, http: httpx.Client) -> None:
    user_id = add_user(server, "--name", "Casey")
    _, url = create_webhook(server, "--user", str(user_id), "--scope", "crm,user")
    assert result_of(rest_call(http, url, "crm.settings.mode.get")) == 1
    assert sorted(result_of(rest_call(http, url, "scope"))) == ["basic", "crm", "user"]


def test_cli_deactivated_user_gets_invalid_credentials(server: Server, http: httpx.Client) -> None:
    user_id = add_user(server, "--name", "Dana")
    _, url = create_webhook(server, "--user", str(user_id), "--scope", "user")
    assert result_of(rest_call(http, url, "server.time"))
    server.cli("user", "deactivate", str(user_id))
    assert error_of(rest_call(http, url, "user.current")) == (403, "INVALID_CREDENTIALS")
    listed = server.cli("user", "list").stdout.splitlines()
    assert any(line.startswith(f"{user_id}\tinactive\t") for line in listed)


def test_cli_webhook_expiry(server: Server, http: httpx.Client) -> None:
    _, expired = create_webhook(
        server, "--user", "1", "--scope", "user", "--expires", "2001-02-03T04:05:06+00:00"
    )
    assert error_of(rest_call(http, expired, "user.current")) == (401, "NO_AUTH_FOUND")
    _, current = create_webhook(
        server, "--user", "1", "--scope", "user", "--expires", "2999-01-01T00:00:00+00:00"
    )
    me = result_of(rest_call(http, current, "user.current"))
    assert me["ID"] == "1"


def test_cli_refuses_unknown_users_and_scopes(server: Server) -> None:
    assert server.cli("webhook", "create", "--user", "999999", check=False).returncode == 1
    assert server.cli("user", "deactivate", "999999", check=False).returncode == 1
    unknown_scope = server.cli("webhook", "create", "--user", "1", "--scope", "nope", check=False)
    assert unknown_scope.returncode == 2


# --- the log ------------------------------------------------------------------------------------


def test_server_log_never_holds_a_webhook_code(server: Server, http: httpx.Client) -> None:
    _, admin_code = webhook_parts(server.admin_webhook)
    _, url = create_webhook(server, "--user", "1", "--scope", "user")
    user_id, code = webhook_parts(url)
    assert result_of(rest_call(http, url, "user.current"))
    assert error_of(rest_call(http, url, "no.such.method")) == (404, "ERROR_METHOD_NOT_FOUND")
    http.get(url + "user.current.json?select[]=ID")
    http.get(url.removesuffix("/"))  # the webhook URL without a method
    http.get(f"{server.base_url}/rest/api/{user_id}/{code}/user.current")  # the REST v3 form
    http.get(f"{server.base_url}/rest/user.current?auth={code}")  # a token in the query
    # A signed file link: its token downloads the file, so it is a secret too.
    http.get(f"{server.base_url}/files/1?expires=9999999999&token=SIGNED-{code}")
    result_of(rest_call(http, server.admin_webhook, "server.time"))

    log = server.wait_for_log('"GET /rest/user.current?auth=*** HTTP/1.1" 401')
    assert f'"POST /rest/{user_id}/***/user.current HTTP/1.1" 200' in log
    assert f'"POST /rest/{user_id}/***/no.such.method HTTP/1.1" 404' in log
    assert f'"GET /rest/api/{user_id}/***/user.current HTTP/1.1" 404' in log
    assert '"GET /files/1?expires=9999999999&token=*** HTTP/1.1" 403' in log
    assert code not in log
    leaked = [line for line in log.splitlines() if admin_code in line]
    # The one place the administrator's code is meant to appear: the startup banner.
    assert leaked == [f"Administrator webhook: {server.admin_webhook}"]


# --- several processes at once --------------------------------------------------------------


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_three_servers_started_together_share_one_database(
    backend: str, tmp_path: Path, tls: Tls
) -> None:
    """Migrations and the first-start seeding run under a lock: all three come up and agree.

    One of them runs two worker processes, which configure their own (redacting) logging.
    """
    with (
        fresh_database(backend) as database_url,
        servers_started_together(
            [2, 1, 1], backend=backend, workdir=tmp_path, database_url=database_url, tls=tls
        ) as servers,
    ):
        printed = [BANNER.findall(server.log()) for server in servers]
        assert all(len(urls) == 1 for urls in printed), [server.log() for server in servers]
        # Each prints its own public URL, all with the one code the first start created.
        codes = {webhook_parts(urls[0])[1] for urls in printed}
        assert codes == {webhook_parts(servers[0].admin_webhook)[1]}
        for server, (url,) in zip(servers, printed, strict=True):
            assert url.startswith(server.base_url + "/rest/1/")
            with server.http() as http:
                me = result_of(rest_call(http, url, "user.current"))
                assert me["ID"] == "1"
            log = server.wait_for_log('"POST /rest/1/***/user.current HTTP/1.1" 200')
            assert webhook_parts(url)[1] not in log.replace(f"Administrator webhook: {url}", "")
        counts = row_counts(database_url or f"sqlite:///{tmp_path / 'leadcrm.db'}")
    # One schema version, one administrator, one administrator's webhook: nothing done twice.
    assert counts == {"alembic_version": 1, "b_user": 1, "rest_webhook": 1}


def row_counts(url: str) -> dict[str, int]:
    tables = ("alembic_version", "b_user", "rest_webhook")
    if url.startswith("sqlite:///"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as lite:
            return {t: lite.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    with psycopg.connect(url) as conn:
        query = sql.SQL("SELECT count(*) FROM {}")
        rows = {t: conn.execute(query.format(sql.Identifier(t))).fetchone() for t in tables}
    return {t: row[0] for t, row in rows.items() if row is not None}


def test_two_workers_share_out_kept_alive_connections(tmp_path: Path, tls: Tls) -> None:
    """Each worker listens on a socket of its own (SO_REUSEPORT), so a burst of keep-alive
    connections lands on both rather than on whichever worker woke first."""
    server = launch(backend="sqlite", var_dir=tmp_path, database_url=None, tls=tls, workers=2)
    clients: list[httpx.Client] = []
    try:
        wait_until_serving(server, time.monotonic() + 60)
        # A worker receives connections once it listens: wait until both say they do.
        deadline = time.monotonic() + 30
        while server.log().count("Application startup complete") < 2:
            assert time.monotonic() < deadline, server.log()
            time.sleep(0.05)
        clients = [server.http() for _ in range(16)]
        for client in clients:
            assert client.get(server.base_url + "/healthz").text == "ok"
        holders = connection_holders(server.process.pid, server.port)
        # 16 connections hashed over two sockets all land on one with odds of 1 in 32,768.
        assert len(holders) == 2, holders
        assert sum(holders.values()) == 16
    finally:
        for client in clients:
            client.close()
        stop(server)


def connection_holders(root_pid: int, port: int) -> dict[int, int]:
    """Per process under ``root_pid``: how many established connections to ``port`` it holds."""
    owner = {inode: pid for pid in descendants(root_pid) for inode in socket_inodes(pid)}
    held: dict[int, int] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "01" and int(fields[9]) in owner:
                pid = owner[int(fields[9])]
                held[pid] = held.get(pid, 0) + 1
    return held


def descendants(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found.extend(descendants(int(child)))
    return found


def socket_inodes(pid: int) -> set[int]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[len("socket:[") : -1]))
    return inodes
