"""A small client for tests: call a method the way Bitrix24 integrations do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from starlette.testclient import TestClient

from leadcrm.apps.service import create_app, install
from leadcrm.apps.tokens import issue_pair
from leadcrm.runtime import Runtime
from leadcrm.users.service import create_user
from leadcrm.webhooks.service import create_webhook


def lead_row(moment: datetime, **values: Any) -> dict[str, Any]:
    """A crm_lead row as the service writes one, for tests that load many rows directly."""
    return {
        "title": "Lead",
        "status_id": "NEW",
        "currency_id": "USD",
        "opportunity": 0,
        "opened": True,
        "is_manual_opportunity": False,
        "status_semantic_id": "P",
        "is_return_customer": False,
        "has_phone": False,
        "has_email": False,
        "has_imol": False,
        "assigned_by_id": 1,
        "created_by_id": 1,
        "modify_by_id": 1,
        "moved_by_id": 1,
        "last_activity_by": 1,
        "date_create": moment,
        "date_modify": moment,
        "moved_time": moment,
        "last_activity_time": moment,
        **values,
    }


@dataclass
class Api:
    client: TestClient
    prefix: str  # "/rest/1/<code>/", or "/rest/" with an OAuth token
    runtime: Runtime
    # An application's access token, sent as `auth` with every call.
    token: str | None = None

    def post(self, method: str, params: dict[str, Any] | None = None) -> httpx.Response:
        body = dict(params or {})
        if self.token is not None:
            body["auth"] = self.token
        return self.client.post(self.prefix + method, json=body)

    def get(self, method: str, query: str = "") -> httpx.Response:
        if self.token is not None:
            query = f"auth={self.token}" + ("&" + query if query else "")
        return self.client.get(self.prefix + method + ("?" + query if query else ""))

    def with_token(self, token: str) -> Api:
        """The same client calling as an application, with its access token."""
        return Api(self.client, "/rest/", self.runtime, token)

    def call(self, method: str, params: dict[str, Any] | None = None) -> Any:
        """The ``result`` of a successful call; fails the test on an error answer."""
        response = self.post(method, params)
        body = response.json()
        assert response.status_code == 200, body
        assert "error" not in body, body
        return body["result"]

    def error(
        self, method: str, params: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, Any]]:
        response = self.post(method, params)
        body = response.json()
        assert "result" not in body, body
        return response.status_code, body

    def as_user(self, prefix: str) -> Api:
        return Api(self.client, prefix, self.runtime)

    def install_app(
        self,
        *,
        scopes: str = "crm,placement",
        user_id: int = 1,
        handler_url: str = "https://app.example.com/",
        name: str = "Test app",
    ) -> InstalledApp:
        """A local application, registered and installed by ``user_id`` (no install URL)."""
        with self.runtime.engine.begin() as conn:
            made = create_app(
                conn, name=name, handler_url=handler_url, install_url="", scopes=scopes
            )
            done = install(conn, app_id=made.id, user_id=user_id)
        return InstalledApp(
            made.id,
            made.client_id,
            made.client_secret,
            done.tokens.access_token,
            done.tokens.refresh_token,
            done.application_token,
            self.with_token(done.tokens.access_token),
        )

    def new_webhook(
        self, *, scopes: list[str], user_id: int | None = None, name: str = "Tester"
    ) -> tuple[int, str]:
        """A webhook for a new (or given) user; returns the user id and the path prefix."""
        with self.runtime.engine.begin() as conn:
            if user_id is None:
                user_id = create_user(conn, name=name, zone=self.runtime.zone)
            _, code = create_webhook(conn, user_id=user_id, scopes=scopes)
        return user_id, f"/rest/{user_id}/{code}/"


# Error bodies the application methods share.
WRONG_AUTH = {
    "error": "WRONG_AUTH_TYPE",
    "error_description": "Current authorization type is denied for this method "
    "Application context required",
}
OUT_OF_SCOPE = {
    "error": "insufficient_scope",
    "error_description": "The request requires higher privileges than provided by the access token",
}
ACCESS_DENIED = {"error": "ACCESS_DENIED", "error_description": "Access denied!"}
UNSUPPORTED_PROTOCOL = {
    "error": "ERROR_UNSUPPORTED_PROTOCOL",
    "error_description": "Unsupported event handler protocol",
}


def token_for(api: Api, app_id: int, *, admin: bool) -> Api:
    """A new user (an administrator or not) calling through the app with a token of their own."""
    with api.runtime.engine.begin() as conn:
        user_id = create_user(conn, name="Worker", zone=api.runtime.zone, is_admin=admin)
        pair = issue_pair(conn, app_id=app_id, user_id=user_id)
    return api.with_token(pair.access_token)


@dataclass
class InstalledApp:
    id: int
    client_id: str
    client_secret: str
    access_token: str
    refresh_token: str
    application_token: str
    api: Api  # calls as the app, with its access token


def add_clients(api: Api, *, contacts: int = 0, companies: int = 0) -> None:
    """Contacts 1..``contacts`` and companies 1..``companies`` on a fresh database, for tests
    that bind leads to clients by id (a binding to an entity that does not exist is refused)."""
    commands = {
        **{f"c{n}": f"crm.contact.add?fields[NAME]=Contact+{n}" for n in range(1, contacts + 1)},
        **{f"o{n}": f"crm.company.add?fields[TITLE]=Company+{n}" for n in range(1, companies + 1)},
    }
    if commands:
        result = api.call("batch", {"halt": 1, "cmd": commands})
        assert not result["result_error"], result
        added = result["result"]
        assert [added[f"c{n}"] for n in range(1, contacts + 1)] == list(range(1, contacts + 1))
        assert [added[f"o{n}"] for n in range(1, companies + 1)] == list(range(1, companies + 1))
