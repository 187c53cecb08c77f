"""End-to-end fixtures: a real ``leadcrm serve`` process over TLS, on SQLite and on PostgreSQL.

Servers are expensive (a process, migrations, TLS), so one server per backend serves the whole
session; the tests that need a fresh database start (and stop) their own.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import trustme

from tests.e2e.serving import Server, Tls, fresh_database, running_server


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    directory = tmp_path_factory.mktemp("tls")
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    paths = Tls(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    ca.cert_pem.write_to_path(str(paths.ca_path))
    cert_chain = b"".join(blob.bytes() for blob in cert.cert_chain_pems)
    paths.cert_path.write_bytes(cert_chain)
    cert.private_key_pem.write_to_path(str(paths.key_path))
    paths.key_path.chmod(0o600)
    return paths


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, tls: Tls
) -> Iterator[Server]:
    """One server per backend for the whole session, on a database of its own."""
    backend: str = request.param
    var_dir = tmp_path_factory.mktemp(f"serve-{backend}")
    with (
        fresh_database(backend) as database_url,
        running_server(backend=backend, var_dir=var_dir, database_url=database_url, tls=tls) as s,
    ):
        yield s


@pytest.fixture
def http(server: Server) -> Iterator[httpx.Client]:
    with server.http() as client:
        yield client
