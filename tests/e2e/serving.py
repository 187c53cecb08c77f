"""Running ``leadcrm serve`` for end-to-end tests: TLS files, the process, its log, its CLI.

Every process started here runs in its own process group and is stopped (SIGTERM, then SIGKILL
of the whole group) by the context manager that started it, whatever the test did.
"""

from __future__ import annotations

import gc
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import databases

LEADCRM = Path(sys.executable).with_name("leadcrm")
STARTUP_SECONDS = 90.0
STOP_SECONDS = 20.0
CLI_SECONDS = 60.0


@dataclass(frozen=True)
class Tls:
    """A private CA and a server certificate for ``localhost`` and ``127.0.0.1``."""

    ca_path: Path
    cert_path: Path
    key_path: Path

    def context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_path))


@dataclass
class Server:
    """A running ``leadcrm serve`` and what a client needs to reach it."""

    backend: str
    port: int
    var_dir: Path
    env: dict[str, str]
    log_path: Path
    tls: Tls
    process: subprocess.Popen[bytes]
    admin_webhook: str = ""

    @property
    def base_url(self) -> str:
        return f"https://localhost:{self.port}"

    @property
    def domain(self) -> str:
        """What a Bitrix24 client calls the portal: host and port."""
        return f"localhost:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def http(self) -> httpx.Client:
        """A client that trusts only the test CA and ignores proxy settings."""
        return httpx.Client(verify=self.tls.context(), trust_env=False, timeout=30.0)

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``leadcrm ARGS`` against this server's database and settings."""
        completed = subprocess.run(
            [str(LEADCRM), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=CLI_SECONDS,
            check=False,
        )
        if check and completed.returncode != 0:
            pytest.fail(
                f"leadcrm {' '.join(args)} exited with {completed.returncode}:\n"
                f"{completed.stdout}\n{completed.stderr}"
            )
        return completed

    def wait_for_log(self, needle: str, timeout: float = 10.0) -> str:
        """The log once it contains ``needle`` (log lines may trail the response a little)."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.log()
            if needle in text:
                return text
            if time.monotonic() > deadline:
                pytest.fail(f"{needle!r} never reached the server log:\n{text[-4000:]}")
            time.sleep(0.05)


def webhook_parts(url: str) -> tuple[int, str]:
    """``https://host/rest/7/abc/`` -> ``(7, "abc")``."""
    user_id, code = url.rstrip("/").split("/rest/", 1)[1].split("/")
    return int(user_id), code


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(var_dir: Path, port: int, database_url: str | None) -> dict[str, str]:
    """The environment of the server and of CLI commands run against it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADCRM_")}
    env.update(
        LEADCRM_VAR_DIR=str(var_dir),
        LEADCRM_PUBLIC_URL=f"https://localhost:{port}",
        # Event handlers in the tests listen on loopback, which production refuses.
        LEADCRM_EVENTS_ALLOW_NETWORKS="127.0.0.0/8",
        PYTHONUNBUFFERED="1",
    )
    if database_url is not None:
        env["LEADCRM_DATABASE_URL"] = database_url
    return env


@contextmanager
def fresh_database(backend: str) -> Iterator[str | None]:
    """A database URL for the server, or None for the default SQLite file in the var dir."""
    if backend == "sqlite":
        yield None
        return
    databases.require_postgres()
    name = databases.create_postgres()
    try:
        yield databases.postgres_url(name)
    finally:
        databases.drop_postgres(name)


def launch(
    *,
    backend: str,
    var_dir: Path,
    database_url: str | None,
    tls: Tls,
    port: int | None = None,
    workers: int = 1,
) -> Server:
    """Start ``leadcrm serve`` without waiting; the caller must ``stop`` it."""
    port = port or free_port()
    var_dir.mkdir(parents=True, exist_ok=True)
    env = server_env(var_dir, port, database_url)
    log_path = var_dir / f"server-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                str(LEADCRM),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--ssl-certfile",
                str(tls.cert_path),
                "--ssl-keyfile",
                str(tls.key_path),
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: workers are stopped with it
        )
    return Server(backend, port, var_dir, env, log_path, tls, process)


def wait_until_serving(server: Server, deadline: float) -> None:
    """Poll /healthz until it answers; fail with the server log if the process dies."""
    url = server.base_url + "/healthz"
    with server.http() as client:
        while True:
            if server.process.poll() is not None:
                pytest.fail(
                    f"leadcrm serve exited with {server.process.returncode}:\n{server.log()}"
                )
            try:
                response = client.get(url, timeout=2.0)
                if response.status_code == 200 and response.text == "ok":
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"leadcrm serve did not answer /healthz in time:\n{server.log()}")
            time.sleep(0.1)
    server.admin_webhook = (server.var_dir / "admin-webhook.url").read_text().strip()


def stop(server: Server) -> None:
    """SIGTERM the server's process group, then SIGKILL whatever is left."""
    process = server.process
    # A finished test may leave a client response in a reference cycle (an exception and its
    # traceback); its keep-alive socket would hold up uvicorn's graceful shutdown. Free it.
    gc.collect()
    if process.poll() is None:
        _signal_group(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_SECONDS)
            return  # uvicorn stops its workers before it exits
        except subprocess.TimeoutExpired:
            pass
    # Hung, or died on its own: workers live in the same group, none may outlive the test.
    _signal_group(process.pid, signal.SIGKILL)
    process.wait(timeout=STOP_SECONDS)


def _signal_group(pgid: int, signum: signal.Signals) -> None:
    with suppress(ProcessLookupError):
        os.killpg(pgid, signum)


@contextmanager
def running_server(
    *, backend: str, var_dir: Path, database_url: str | None, tls: Tls, workers: int = 1
) -> Iterator[Server]:
    """One started, healthy server, always stopped afterwards."""
    server = launch(
        backend=backend, var_dir=var_dir, database_url=database_url, tls=tls, workers=workers
    )
    try:
        wait_until_serving(server, time.monotonic() + STARTUP_SECONDS)
        yield server
    finally:
        stop(server)


@contextmanager
def servers_started_together(
    workers: list[int], *, backend: str, workdir: Path, database_url: str | None, tls: Tls
) -> Iterator[list[Server]]:
    """Servers (with these worker counts) on one database and var dir, launched at once."""
    with ExitStack() as stack:
        ports: set[int] = set()
        while len(ports) < len(workers):
            ports.add(free_port())
        started: list[Server] = []
        for port, count in zip(sorted(ports), workers, strict=True):
            server = launch(
                backend=backend,
                var_dir=workdir,
                database_url=database_url,
                tls=tls,
                port=port,
                workers=count,
            )
            stack.callback(stop, server)
            started.append(server)
        deadline = time.monotonic() + STARTUP_SECONDS
        for server in started:
            wait_until_serving(server, deadline)
        yield started


def rest_call(
    client: httpx.Client, webhook: str, method: str, params: Mapping[str, Any] | None = None
) -> httpx.Response:
    """POST a method to a webhook URL (``https://host/rest/1/code/``) as JSON."""
    return client.post(webhook + method, json=dict(params or {}))
