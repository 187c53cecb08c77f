"""Fixtures: every API test runs on SQLite and on PostgreSQL, each on a fresh database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from leadcrm.app import create_app
from leadcrm.bootstrap import prepare
from leadcrm.runtime import Runtime
from leadcrm.settings import Settings
from tests import databases
from tests.support import Api


@dataclass(frozen=True)
class Template:
    backend: str
    location: str
    admin_webhook: str


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Template]:
    """A migrated database with the administrator and its webhook, copied for each test."""
    backend: str = request.param
    workdir = tmp_path_factory.mktemp(f"template-{backend}")
    if backend == "sqlite":
        location = str(workdir / "template.db")
        url = f"sqlite:///{location}"
    else:
        databases.require_postgres()
        location = databases.create_postgres()
        url = databases.postgres_url(location)
    runtime = Runtime.from_settings(Settings(database_url=url, var_dir=workdir))
    webhook = prepare(runtime)
    runtime.engine.dispose()
    yield Template(backend, location, webhook)
    if backend == "postgresql":
        databases.drop_postgres(location)


@pytest.fixture
def backend(template: Template) -> str:
    return template.backend


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Tests override settings (time zone, limits) by redefining this fixture."""
    return {}


@pytest.fixture
def runtime(
    template: Template, tmp_path: Path, settings_overrides: dict[str, Any]
) -> Iterator[Runtime]:
    with databases.copy_of(template.backend, template.location, tmp_path) as url:
        settings = Settings(database_url=url, var_dir=tmp_path, **settings_overrides)
        runtime = Runtime.from_settings(settings)
        yield runtime
        runtime.engine.dispose()


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def api(client: TestClient, template: Template, runtime: Runtime) -> Api:
    """Calls methods as the administrator's webhook."""
    path = template.admin_webhook.split("://", 1)[1].split("/", 1)[1]
    return Api(client, "/" + path, runtime)
