"""Fixtures of the lead tests."""

from __future__ import annotations

import pytest

from tests.support import Api, add_clients


@pytest.fixture
def clients(api: Api) -> None:
    """Contacts and companies 1..12, for leads that name their client by id."""
    add_clients(api, contacts=12, companies=12)
