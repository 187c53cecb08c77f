"""What an event handler receives, field by field, through the whole path: a REST call changes
something, ``deliver_due`` sends what is due, a real HTTP receiver on loopback records it.

Pages: api-reference/events/index.md ("What Comes to the Handler", the app and outgoing
webhook examples), crm/leads/events/*.md, crm/leads/userfield/events/*.md, the contact and
company event pages, common/events/on-app-uninstall.md, local-integrations/local-webhooks.md;
spec-checklist section 16.2. Values that vary (ts, tokens, ids) are checked for form.

Beside the pages, leadcrm signs every delivery (X-Leadcrm-Event-Id, -Timestamp, -Signature; see
leadcrm/events/payload.py) and, unlike Bitrix24 ("No retries"), retries a failed delivery
with backoff; the retry tests make a delivery due again by moving its due_at into the past.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import select, update

from leadcrm.apps.portal import Portal, portal
from leadcrm.apps.service import uninstall
from leadcrm.events import outgoing
from leadcrm.events.delivery import allowed_networks
from leadcrm.events.tables import event_attempts, event_deliveries, event_handlers
from leadcrm.events.worker import deliver_due
from leadcrm.users.service import utcnow
from tests.apps.test_context import token_for
from tests.support import Api, InstalledApp

# The auth keys of an event sent to an application, in the order of index.md's example.
APP_AUTH_KEYS = [
    "access_token",
    "expires_in",
    "scope",
    "domain",
    "server_endpoint",
    "status",
    "client_endpoint",
    "member_id",
    "application_token",
]
# Those of an outgoing webhook (index.md): no tokens, no application data.
WEBHOOK_AUTH_KEYS = [
    "domain",
    "client_endpoint",
    "server_endpoint",
    "member_id",
    "application_token",
]
# Those of ONAPPUNINSTALL (on-app-uninstall.md, its example and its table).
UNINSTALL_AUTH_KEYS = [
    "domain",
    "server_endpoint",
    "client_endpoint",
    "member_id",
    "application_token",
]
# "The set of top-level keys is the same for all events" (index.md).
TOP_KEYS = ["event", "event_handler_id", "data", "ts", "auth"]
TOKEN = re.compile(r"[0-9A-Za-z_\-.]{20,}")


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"events_allow_networks": ["127.0.0.0/8"]}


# --- A receiver that keeps the raw body -----------------------------------------------------


@dataclass
class Hit:
    method: str
    path: str
    body: bytes
    headers: dict[str, str]  # names in lower case

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return parse_qsl(self.body.decode(), keep_blank_values=True, strict_parsing=True)

    @property
    def form(self) -> dict[str, str]:
        form = dict(self.pairs)
        assert len(form) == len(self.pairs), "a key is sent twice"
        return form

    def keys(self, prefix: str) -> list[str]:
        """The keys under ``prefix[...]``, in the order sent: keys("auth") -> ["domain", ...]."""
        return [key[len(prefix) + 1 : -1] for key, _ in self.pairs if key.startswith(prefix + "[")]

    @property
    def top_keys(self) -> list[str]:
        seen: list[str] = []
        for key, _ in self.pairs:
            top = key.split("[", 1)[0]
            if top not in seen:
                seen.append(top)
        return seen


@dataclass
class Target:
    base: str  # http://127.0.0.1:port/
    hits: list[Hit] = field(default_factory=list)
    # The status of each answer, with headers to send beside it.
    answer: Callable[[Hit], int | tuple[int, dict[str, str]]] = lambda hit: 200
    delay: float = 0.0  # seconds before answering

    def url(self, path: str = "hook") -> str:
        return self.base + path

    def posts(self, path: str = "hook") -> list[Hit]:
        return [hit for hit in self.hits if hit.path == "/" + path]


@contextmanager
def listening() -> Iterator[Target]:
    box: list[Target] = []

    class Handler(BaseHTTPRequestHandler):
        def _record(self, method: str) -> None:
            length = int(self.headers.get("content-length") or 0)
            hit = Hit(
                method,
                urlsplit(self.path).path,
                self.rfile.read(length),
                {name.lower(): value for name, value in self.headers.items()},
            )
            target = box[0]
            target.hits.append(hit)
            if target.delay:
                time.sleep(target.delay)
            answer = target.answer(hit)
            status, extra = answer if isinstance(answer, tuple) else (answer, {})
            try:
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except OSError:
                pass  # the sender gave up waiting (a timeout test)

        def do_POST(self) -> None:
            self._record("POST")

        def do_GET(self) -> None:
            self._record("GET")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box.append(Target(f"http://127.0.0.1:{server.server_port}/"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box[0]
    finally:
        server.shutdown()
        server.server_close()


# --- Helpers --------------------------------------------------------------------------------


def bind(client: Api, event: str, handler: str, **params: Any) -> None:
    assert client.call("event.bind", {"event": event, "handler": handler, **params}) is True


def handler_id(api: Api, url: str, event: str) -> int:
    with api.runtime.engine.connect() as conn:
        found: int = conn.execute(
            select(event_handlers.c.id).where(
                event_handlers.c.handler == url, event_handlers.c.event == event
            )
        ).scalar_one()
    return found


def secret_of(api: Api, handler: int) -> str:
    with api.runtime.engine.connect() as conn:
        found: str = conn.execute(
            select(event_handlers.c.secret).where(event_handlers.c.id == handler)
        ).scalar_one()
    return found


def deliveries(api: Api) -> list[dict[str, Any]]:
    with api.runtime.engine.connect() as conn:
        rows = conn.execute(select(event_deliveries).order_by(event_deliveries.c.id)).mappings()
        return [dict(row) for row in rows]


def attempts(api: Api) -> list[dict[str, Any]]:
    with api.runtime.engine.connect() as conn:
        rows = conn.execute(select(event_attempts).order_by(event_attempts.c.id)).mappings()
        return [dict(row) for row in rows]


def make_due(api: Api) -> None:
    """Every pending delivery due now (instead of waiting out its backoff)."""
    with api.runtime.engine.begin() as conn:
        conn.execute(
            update(event_deliveries)
            .where(event_deliveries.c.status == "pending")
            .values(due_at=utcnow() - timedelta(minutes=1))
        )


def here(api: Api) -> Portal:
    with api.runtime.engine.connect() as conn:
        return portal(conn, api.runtime.settings)


def check_ts(hit: Hit) -> None:
    ts = hit.form["ts"]
    assert ts.isdigit(), ts
    assert abs(int(ts) - time.time()) < 120


def check_app_auth(api: Api, hit: Hit, app: InstalledApp, *, scope: str = "crm") -> str:
    """The auth of index.md's application example, key by key; returns the access token."""
    assert hit.keys("auth") == APP_AUTH_KEYS
    form = hit.form
    site = here(api)
    assert TOKEN.fullmatch(form["auth[access_token]"])
    assert form["auth[access_token]"] != app.access_token  # a token of its own
    assert form["auth[expires_in]"] == "3600"
    assert form["auth[scope]"] == scope
    assert form["auth[domain]"] == site.domain == "127.0.0.1:8000"
    assert form["auth[server_endpoint]"] == "http://127.0.0.1:8000/rest/"
    assert form["auth[status]"] == "L"
    assert form["auth[client_endpoint]"] == "http://127.0.0.1:8000/rest/"
    assert form["auth[member_id]"] == site.member_id
    assert re.fullmatch(r"[0-9a-f]{32}", site.member_id)
    assert form["auth[application_token]"] == app.application_token
    return form["auth[access_token]"]


def check_event(hit: Hit, event: str, handler: int, fields: dict[str, str]) -> None:
    assert (hit.method, hit.headers["content-type"]) == (
        "POST",
        "application/x-www-form-urlencoded",
    )
    assert hit.top_keys == TOP_KEYS
    form = hit.form
    assert form["event"] == event
    assert form["event_handler_id"] == str(handler)
    assert [(key, value) for key, value in hit.pairs if key.startswith("data[")] == [
        (f"data[FIELDS][{name}]", value) for name, value in fields.items()
    ]
    check_ts(hit)


def only(target: Target, path: str = "hook") -> Hit:
    hits = target.posts(path)
    assert len(hits) == 1, [hit.form.get("event") for hit in hits]
    return hits[0]


# --- Lead events ----------------------------------------------------------------------------


def test_lead_add_update_and_delete(api: Api) -> None:
    app = api.install_app(scopes="crm")
    with listening() as target:
        handlers = {}
        for event in ("ONCRMLEADADD", "ONCRMLEADUPDATE", "ONCRMLEADDELETE"):
            bind(app.api, event, target.url(event))
            handlers[event] = handler_id(api, target.url(event), event)
        lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Event"}})
        assert deliver_due(api.runtime) == 1
        api.call("crm.lead.update", {"id": lead_id, "fields": {"TITLE": "Changed"}})
        assert deliver_due(api.runtime) == 1
        api.call("crm.lead.delete", {"id": lead_id})
        assert deliver_due(api.runtime) == 1
    assert [hit.path for hit in target.hits] == [
        "/ONCRMLEADADD",
        "/ONCRMLEADUPDATE",
        "/ONCRMLEADDELETE",
    ]
    for event, handler in handlers.items():
        hit = only(target, event)
        check_event(hit, event, handler, {"ID": str(lead_id)})
        check_app_auth(api, hit, app)
    assert [d["status"] for d in deliveries(api)] == ["delivered"] * 3


def test_every_handler_of_an_event_gets_it(api: Api) -> None:
    app = api.install_app(scopes="crm")
    other = api.install_app(scopes="crm", name="Other app")
    with listening() as target:
        bind(app.api, "ONCRMLEADADD", target.url("a"))
        bind(app.api, "ONCRMLEADADD", target.url("b"))
        bind(other.api, "ONCRMLEADADD", target.url("c"))
        bind(app.api, "ONCRMLEADUPDATE", target.url("d"))
        lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Heard"}})
        assert deliver_due(api.runtime) == 3
    assert sorted(hit.path for hit in target.hits) == ["/a", "/b", "/c"]
    assert only(target, "c").form["auth[application_token]"] == other.application_token
    for path in ("a", "b", "c"):
        assert only(target, path).form["data[FIELDS][ID]"] == str(lead_id)


def test_the_token_is_the_acting_users(api: Api) -> None:
    """index.md: the tokens are tied to the user whose action triggered the event."""
    app = api.install_app(scopes="crm,user")
    seller_id, prefix = api.new_webhook(scopes=["crm"], name="Seller")
    seller = api.as_user(prefix)
    with listening() as target:
        bind(app.api, "ONCRMLEADADD", target.url())
        lead_id = seller.call("crm.lead.add", {"fields": {"TITLE": "Seller's"}})
        deliver_due(api.runtime)
    hit = only(target)
    token = check_app_auth(api, hit, app, scope="crm,user")
    as_event = api.with_token(token)
    assert as_event.call("user.current")["ID"] == str(seller_id)
    assert as_event.call("crm.lead.get", {"id": lead_id})["CREATED_BY_ID"] == str(seller_id)


def test_an_auth_type_binding_carries_that_users_token(api: Api) -> None:
    app = api.install_app(scopes="crm,user")
    _, prefix = api.new_webhook(scopes=["crm"], name="Seller")
    seller = api.as_user(prefix)
    with listening() as target:
        bind(app.api, "ONCRMLEADADD", target.url(), auth_type=1)
        seller.call("crm.lead.add", {"fields": {"TITLE": "Seller's"}})
        api.call("crm.lead.add", {"fields": {"TITLE": "Admin's"}})
        deliver_due(api.runtime)
    assert len(target.hits) == 2
    for hit in target.hits:
        token = check_app_auth(api, hit, app, scope="crm,user")
        assert api.with_token(token).call("user.current")["ID"] == "1"


def test_a_users_own_handler_carries_their_token(api: Api) -> None:
    """event-bind.md: a user who is not an administrator binds on their own behalf."""
    app = api.install_app(scopes="crm,user")
    worker = token_for(api, app.id, admin=False)
    worker_id = worker.call("user.current")["ID"]
    with listening() as target:
        bind(worker, "ONCRMLEADADD", target.url())
        api.call("crm.lead.add", {"fields": {"TITLE": "Admin's"}})
        deliver_due(api.runtime)
    token = check_app_auth(api, only(target), app, scope="crm,user")
    assert api.with_token(token).call("user.current")["ID"] == worker_id


def test_custom_field_events(api: Api) -> None:
    """crm/leads/userfield/events/*.md: data[FIELDS] = ID, ENTITY_ID CRM_LEAD, FIELD_NAME."""
    app = api.install_app(scopes="crm")
    events = [
        "ONCRMLEADUSERFIELDADD",
        "ONCRMLEADUSERFIELDUPDATE",
        "ONCRMLEADUSERFIELDDELETE",
        "ONCRMLEADUSERFIELDSETENUMVALUES",
    ]
    with listening() as target:
        for event in events:
            bind(app.api, event, target.url(event))
        fields = {
            "FIELD_NAME": "KIND",
            "USER_TYPE_ID": "enumeration",
            "LIST": [{"VALUE": "Hot"}, {"VALUE": "Cold"}],
        }
        field_id = int(api.call("crm.lead.userfield.add", {"fields": fields}))
        deliver_due(api.runtime)
        api.call("crm.lead.userfield.update", {"id": field_id, "fields": {"MANDATORY": "N"}})
        deliver_due(api.runtime)
        api.call("crm.lead.userfield.delete", {"id": field_id})
        deliver_due(api.runtime)
    assert sorted(hit.path for hit in target.hits) == sorted("/" + e for e in events)
    for event in events:
        hit = only(target, event)
        check_event(
            hit,
            event,
            handler_id(api, target.url(event), event),
            {"ID": str(field_id), "ENTITY_ID": "CRM_LEAD", "FIELD_NAME": "UF_CRM_KIND"},
        )
        check_app_auth(api, hit, app)


def test_contact_and_company_events(api: Api) -> None:
    app = api.install_app(scopes="crm")
    events = [f"ONCRM{e}{a}" for e in ("CONTACT", "COMPANY") for a in ("ADD", "UPDATE", "DELETE")]
    with listening() as target:
        for event in events:
            bind(app.api, event, target.url(event))
        contact_id = api.call("crm.contact.add", {"fields": {"NAME": "Ann"}})
        api.call("crm.contact.update", {"id": contact_id, "fields": {"NAME": "Anna"}})
        company_id = api.call("crm.company.add", {"fields": {"TITLE": "Acme"}})
        api.call("crm.company.update", {"id": company_id, "fields": {"TITLE": "Acme Inc"}})
        deliver_due(api.runtime)
        api.call("crm.contact.delete", {"id": contact_id})
        api.call("crm.company.delete", {"id": company_id})
        deliver_due(api.runtime)
    assert sorted(hit.path for hit in target.hits) == sorted("/" + e for e in events)
    for event in events:
        entity_id = contact_id if "CONTACT" in event else company_id
        hit = only(target, event)
        check_event(hit, event, handler_id(api, target.url(event), event), {"ID": str(entity_id)})
        check_app_auth(api, hit, app)


def test_a_changed_lead_of_a_deleted_contact_is_an_update(api: Api) -> None:
    """docs/compatibility.md: a lead changed by a contact's deletion gets ONCRMLEADUPDATE."""
    app = api.install_app(scopes="crm")
    contact_id = api.call("crm.contact.add", {"fields": {"NAME": "Ann"}})
    lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Hers", "CONTACT_ID": contact_id}})
    with listening() as target:
        bind(app.api, "ONCRMLEADUPDATE", target.url())
        api.call("crm.contact.delete", {"id": contact_id})
        deliver_due(api.runtime)
    assert only(target).form["data[FIELDS][ID]"] == str(lead_id)


# --- Outgoing webhooks ----------------------------------------------------------------------


def test_an_outgoing_webhook_gets_no_tokens(api: Api) -> None:
    with listening() as target:
        with api.runtime.engine.begin() as conn:
            made = outgoing.create(
                conn,
                events=["ONCRMLEADADD", "onCrmLeadUpdate"],
                url=target.url(),
                user_id=1,
                title="Sync",
                allowed=allowed_networks(api.runtime),
            )
        lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Out"}})
        deliver_due(api.runtime)
        api.call("crm.lead.update", {"id": lead_id, "fields": {"TITLE": "Out again"}})
        deliver_due(api.runtime)
    assert len(target.hits) == 2
    site = here(api)
    for hit, event, handler in zip(
        target.hits, ["ONCRMLEADADD", "ONCRMLEADUPDATE"], made.ids, strict=True
    ):
        check_event(hit, event, handler, {"ID": str(lead_id)})
        assert hit.keys("auth") == WEBHOOK_AUTH_KEYS
        form = hit.form
        assert form["auth[domain]"] == site.domain
        assert form["auth[client_endpoint]"] == site.rest_endpoint
        assert form["auth[server_endpoint]"] == site.rest_endpoint
        assert form["auth[member_id]"] == site.member_id
        assert form["auth[application_token]"] == made.application_token
        assert re.fullmatch(r"[0-9a-f]{32}", made.application_token)


# --- Headers and signature ------------------------------------------------------------------


def test_the_headers_and_the_signature(api: Api) -> None:
    app = api.install_app(scopes="crm")
    with listening() as target:
        bind(app.api, "ONCRMLEADADD", target.url())
        api.call("crm.lead.add", {"fields": {"TITLE": "Signed"}})
        deliver_due(api.runtime)
    hit = only(target)
    headers = hit.headers
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert str(uuid.UUID(headers["x-leadcrm-event-id"])) == headers["x-leadcrm-event-id"]
    assert headers["x-leadcrm-event-id"] == deliveries(api)[0]["uid"]
    stamp = headers["x-leadcrm-timestamp"]
    # The moment of sending (the body's ts is the change's).
    assert abs(int(stamp) - time.time()) < 60
    secret = secret_of(api, handler_id(api, target.url(), "ONCRMLEADADD"))
    assert re.fullmatch(r"[0-9a-f]{64}", secret)
    expected = hmac.new(secret.encode(), stamp.encode() + b"." + hit.body, hashlib.sha256)
    assert headers["x-leadcrm-signature"] == "sha256=" + expected.hexdigest()
    # Another handler signs with a secret of its own.
    other = api.install_app(scopes="crm", name="Other")
    bind(other.api, "ONCRMLEADADD", target.url("other"))
    assert secret_of(api, handler_id(api, target.url("other"), "ONCRMLEADADD")) != secret


# --- Which handlers get a change ------------------------------------------------------------


def test_the_handlers_bound_at_the_time_of_the_change_get_it(api: Api) -> None:
    app = api.install_app(scopes="crm")
    with listening() as target:
        bind(app.api, "ONCRMLEADADD", target.url("early"))
        lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "First"}})
        # Bound after the change: nothing of it.
        bind(app.api, "ONCRMLEADADD", target.url("late"))
        # Unbound after the change: it still gets it.
        params = {"event": "ONCRMLEADADD", "handler": target.url("early")}
        assert app.api.call("event.unbind", params) == {"count": 1}
        deliver_due(api.runtime)
        assert [hit.path for hit in target.hits] == ["/early"]
        assert only(target, "early").form["data[FIELDS][ID]"] == str(lead_id)
        # The next change goes to the late one only.
        second = api.call("crm.lead.add", {"fields": {"TITLE": "Second"}})
        deliver_due(api.runtime)
    assert [hit.path for hit in target.hits] == ["/early", "/late"]
    assert only(target, "late").form["data[FIELDS][ID]"] == str(second)


def test_a_refused_change_sends_nothing(api: Api) -> None:
    app = api.install_app(scopes="crm")
    with listening() as target:
        bind(app.api, "ONCRMLEADUPDATE", target.url())
        status, _ = api.error("crm.lead.update", {"id": 999999, "fields": {"TITLE": "Nobody"}})
        assert status == 400
        assert deliver_due(api.runtime) == 0
    assert target.hits == []
    assert deliveries(api) == []


# --- Retries and failures -------------------------------------------------------------------


def test_a_failed_delivery_is_retried_until_it_succeeds(api: Api) -> None:
    app = api.install_app(scopes="crm")
    with listening() as target:
        target.answer = lambda hit: 500 if len(target.hits) <= 3 else 200
        bind(app.api, "ONCRMLEADADD", target.url())
        api.call("crm.lead.add", {"fields": {"TITLE": "Retried"}})
        assert deliver_due(api.runtime) == 1
        for sent in (2, 3, 4):
            # Not due again until its backoff is over.
            assert deliver_due(api.runtime) == 0
            (delivery,) = deliveries(api)
            assert (delivery["status"], delivery["attempts"]) == ("pending", sent - 1)
            assert delivery["due_at"] > utcnow() + timedelta(seconds=1)
            make_due(api)
            assert deliver_due(api.runtime) == 1
            assert len(target.hits) == sent
        make_due(api)
        assert deliver_due(api.runtime) == 0  # delivered: nothing more
    assert len(target.hits) == 4
    # One delivery: the same id, ts and body on every try (but for the access token, which
    # each worker issues anew).
    assert len({hit.headers["x-leadcrm-event-id"] for hit in target.hits}) == 1
    bodies = [[p for p in hit.pairs if p[0] != "auth[access_token]"] for hit in target.hits]
    assert all(body == bodies[0] for body in bodies)
    (delivery,) = deliveries(api)
    assert (delivery["status"], delivery["attempts"]) == ("delivered", 4)
    assert delivery["finished_at"] is not None
    tries = attempts(api)
    assert [(a["attempt"], a["status_code"], a["error"]) for a in tries] == [
        (1, 500, "HTTP 500"),
        (2, 500, "HTTP 500"),
        (3, 500, "HTTP 500"),
        (4, 200, ""),
    ]
    assert {a["delivery_id"] for a in tries} == {delivery["id"]}
    log = api.call("leadcrm.event.log")
    assert [(e["ATTEMPT"], e["STATUS_CODE"]) for e in log] == [
        (4, 200),
        (3, 500),
        (2, 500),
        (1, 500),
    ]
    assert {e["DELIVERY_STATUS"] for e in log} == {"delivered"}
    assert {e["EVENT_ID"] for e in log} == {target.hits[0].headers["x-leadcrm-event-id"]}


def test_a_delivery_is_given_up_past_the_retry_period(api: Api) -> None:
    app = api.install_app(scopes="crm")
    with listening() as target:
        target.answer = lambda hit: 503
        bind(app.api, "ONCRMLEADADD", target.url())
        api.call("crm.lead.add", {"fields": {"TITLE": "Old"}})
        with api.runtime.engine.begin() as conn:
            conn.execute(update(event_deliveries).values(created_at=utcnow() - timedelta(days=2)))
        deliver_due(api.runtime)
        make_due(api)
        assert deliver_due(api.runtime) == 0
    assert len(target.hits) == 1
    (delivery,) = deliveries(api)
    assert delivery["status"] == "failed"


def test_410_gone_disables_the_handler(api: Api) -> None:
    """leadcrm's rule: a handler that answers 410 Gone is disabled. event.get no longer lists
    it, and no change is delivered to it any more (it may be bound again)."""
    app = api.install_app(scopes="crm")
    with listening() as target:
        target.answer = lambda hit: 410
        bind(app.api, "ONCRMLEADADD", target.url())
        bind(app.api, "ONCRMLEADUPDATE", target.url("kept"))
        lead_id = api.call("crm.lead.add", {"fields": {"TITLE": "Gone"}})
        deliver_due(api.runtime)
        assert len(target.hits) == 1
        assert app.api.call("event.get") == [
            {
                "event": "ONCRMLEADUPDATE",
                "handler": target.url("kept"),
                "auth_type": "0",
                "offline": 0,
            }
        ]
        (delivery,) = deliveries(api)
        assert delivery["status"] == "disabled"
        api.call("crm.lead.add", {"fields": {"TITLE": "Next"}})
        make_due(api)
        assert deliver_due(api.runtime) == 0
        assert len(deliveries(api)) == 1
        # The handler's other events go on.
        target.answer = lambda hit: 200
        api.call("crm.lead.update", {"id": lead_id, "fields": {"TITLE": "Kept"}})
        assert deliver_due(api.runtime) == 1
        # Bound again, it hears the next change.
        bind(app.api, "ONCRMLEADADD", target.url())
        api.call("crm.lead.add", {"fields": {"TITLE": "Back"}})
        assert deliver_due(api.runtime) == 1
    assert [hit.path for hit in target.hits] == ["/hook", "/kept", "/hook"]
    (entry,) = [e for e in api.call("leadcrm.event.log") if e["STATUS_CODE"] == 410]
    assert (entry["ERROR"], entry["DELIVERY_STATUS"]) == ("HTTP 410", "disabled")


def test_an_unreachable_handler_is_logged_and_retried(api: Api) -> None:
    app = api.install_app(scopes="crm")
    with listening() as gone:
        url = gone.url()
    bind(app.api, "ONCRMLEADADD", url)  # nobody listens there any more
    api.call("crm.lead.add", {"fields": {"TITLE": "Nowhere"}})
    assert deliver_due(api.runtime) == 1
    (delivery,) = deliveries(api)
    assert delivery["status"] == "pending"
    (attempt,) = attempts(api)
    assert attempt["status_code"] is None
    assert attempt["error"] == "ConnectError"
    make_due(api)
    assert deliver_due(api.runtime) == 1
    assert [a["attempt"] for a in attempts(api)] == [1, 2]
    (entry, _) = api.call("leadcrm.event.log")
    assert (entry["STATUS_CODE"], entry["ERROR"], entry["DELIVERY_STATUS"]) == (
        None,
        "ConnectError",
        "pending",
    )


def test_a_redirect_is_not_followed(api: Api) -> None:
    app = api.install_app(scopes="crm")
    with listening() as target:
        target.answer = lambda hit: (301, {"Location": target.url("elsewhere")})
        bind(app.api, "ONCRMLEADADD", target.url())
        api.call("crm.lead.add", {"fields": {"TITLE": "Moved"}})
        deliver_due(api.runtime)
    assert [(hit.method, hit.path) for hit in target.hits] == [("POST", "/hook")]
    (attempt,) = attempts(api)
    assert (attempt["status_code"], attempt["error"]) == (301, "HTTP 301")
    (delivery,) = deliveries(api)
    assert delivery["status"] == "pending"  # a failure, retried later


class TestTimeout:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {"events_allow_networks": ["127.0.0.0/8"], "events_timeout_seconds": 0.5}

    def test_a_slow_handler_times_out_and_is_retried(self, api: Api) -> None:
        app = api.install_app(scopes="crm")
        with listening() as target:
            target.delay = 2.0
            bind(app.api, "ONCRMLEADADD", target.url())
            api.call("crm.lead.add", {"fields": {"TITLE": "Slow"}})
            started = time.monotonic()
            assert deliver_due(api.runtime) == 1
            assert time.monotonic() - started < 1.9
            (attempt,) = attempts(api)
            assert attempt["status_code"] is None
            assert attempt["error"] == "ReadTimeout"
            assert deliveries(api)[0]["status"] == "pending"
            target.delay = 0.0
            make_due(api)
            assert deliver_due(api.runtime) == 1
        assert len(target.hits) == 2
        first, second = (hit.headers["x-leadcrm-event-id"] for hit in target.hits)
        assert first == second
        assert deliveries(api)[0]["status"] == "delivered"


class TestPrivateAddressAtDelivery:
    """A handler bound by name is checked again when it is sent: every address the name
    resolves to must be allowed. Loopback is not allowed here; the name is made to resolve to
    127.0.0.1 (getaddrinfo patched for that one name)."""

    NAME = "events-loopback.example.com"

    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {}

    def test_a_name_resolving_to_loopback_is_refused_when_sent(
        self, api: Api, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        real = socket.getaddrinfo

        def resolve(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            if host == self.NAME:
                return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
            return real(host, port, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", resolve)
        app = api.install_app(scopes="crm")
        with listening() as target:
            port = urlsplit(target.base).port
            url = f"http://{self.NAME}:{port}/hook"
            bind(app.api, "ONCRMLEADADD", url)  # a name: not refused when bound
            api.call("crm.lead.add", {"fields": {"TITLE": "Inside"}})
            assert deliver_due(api.runtime) == 1
        assert target.hits == []
        (attempt,) = attempts(api)
        assert attempt["status_code"] is None
        assert attempt["error"] == "the handler's address 127.0.0.1 is not allowed"
        (entry,) = api.call("leadcrm.event.log")
        assert (entry["HANDLER"], entry["ERROR"]) == (url, attempt["error"])
        assert deliveries(api)[0]["status"] == "pending"


# --- Uninstallation -------------------------------------------------------------------------


def uninstalled(api: Api, app: InstalledApp) -> None:
    with api.runtime.engine.begin() as conn:
        uninstall(conn, app_id=app.id)


def test_uninstall_sends_onappuninstall(api: Api) -> None:
    app = api.install_app(scopes="crm")
    with listening() as target:
        bind(app.api, "ONAPPUNINSTALL", target.url())
        uninstalled(api, app)
        assert deliver_due(api.runtime) == 1
    hit = only(target)
    form = hit.form
    assert form["event"] == "ONAPPUNINSTALL"
    assert hit.top_keys == TOP_KEYS  # index.md; the page's example shows no event_handler_id
    assert form["event_handler_id"] == str(handler_id(api, target.url(), "ONAPPUNINSTALL"))
    assert [(k, v) for k, v in hit.pairs if k.startswith("data[")] == [
        ("data[LANGUAGE_ID]", "en"),
        ("data[CLEAN]", "0"),
    ]
    check_ts(hit)
    # No tokens: the app's API access is revoked; application_token is the way to trust it.
    assert "auth[access_token]" not in form
    assert "auth[refresh_token]" not in form
    site = here(api)
    assert form["auth[domain]"] == site.domain
    assert form["auth[server_endpoint]"] == site.rest_endpoint
    assert form["auth[client_endpoint]"] == site.rest_endpoint
    assert form["auth[member_id]"] == site.member_id
    assert form["auth[application_token]"] == app.application_token


def test_uninstall_auth_has_the_keys_of_the_page(api: Api) -> None:
    app = api.install_app(scopes="crm")
    with listening() as target:
        bind(app.api, "ONAPPUNINSTALL", target.url())
        uninstalled(api, app)
        deliver_due(api.runtime)
    assert only(target).keys("auth") == UNINSTALL_AUTH_KEYS


def test_an_uninstalled_app_gets_no_more_events(api: Api) -> None:
    app = api.install_app(scopes="crm")
    with listening() as target:
        bind(app.api, "ONAPPUNINSTALL", target.url("uninstall"))
        bind(app.api, "ONCRMLEADADD", target.url("add"))
        api.call("crm.lead.add", {"fields": {"TITLE": "Before"}})  # still pending
        uninstalled(api, app)
        api.call("crm.lead.add", {"fields": {"TITLE": "After"}})
        deliver_due(api.runtime)
        make_due(api)
        deliver_due(api.runtime)
    assert [hit.path for hit in target.hits] == ["/uninstall"]
    statuses = {d["event"]: d["status"] for d in deliveries(api)}
    assert statuses == {"ONCRMLEADADD": "disabled", "ONAPPUNINSTALL": "delivered"}


OFFLINE_NOTICE_AUTH_KEYS = [
    "access_token",
    "expires_in",
    "scope",
    "domain",
    "server_endpoint",
    "status",
    "client_endpoint",
    "member_id",
    "refresh_token",
    "application_token",
]


def test_onofflineevent_carries_a_refresh_token(api: Api) -> None:
    """on-offline-event.md: no data, and an auth with refresh_token, for reading the queue
    later without a user."""
    app = api.install_app(scopes="crm")
    with listening() as target:
        bind(app.api, "ONCRMLEADADD", "", event_type="offline")
        bind(app.api, "ONOFFLINEEVENT", target.url())
        api.call("crm.lead.add", {"fields": {"TITLE": "Queued"}})
        deliver_due(api.runtime)
    hit = only(target)
    assert hit.form["event"] == "ONOFFLINEEVENT"
    assert hit.keys("data") == []
    assert hit.keys("auth") == OFFLINE_NOTICE_AUTH_KEYS
    assert hit.form["auth[application_token]"] == app.application_token
    renewed = api.client.get(
        "/oauth/token/",
        params={
            "grant_type": "refresh_token",
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "refresh_token": hit.form["auth[refresh_token]"],
        },
    )
    assert renewed.status_code == 200
    reader = api.with_token(renewed.json()["access_token"])
    events = reader.call("event.offline.get")["events"]
    assert [e["EVENT_NAME"] for e in events] == ["ONCRMLEADADD"]


def test_an_app_reads_its_signing_secrets_and_verifies_a_delivery(api: Api) -> None:
    app = api.install_app(scopes="crm")
    with listening() as target:
        bind(app.api, "ONCRMLEADADD", target.url())
        (entry,) = app.api.call("leadcrm.event.secrets")
        assert set(entry) == {"event_handler_id", "event", "handler", "secret"}
        api.call("crm.lead.add", {"fields": {"TITLE": "Signed"}})
        deliver_due(api.runtime)
    hit = only(target)
    assert int(hit.form["event_handler_id"]) == entry["event_handler_id"]
    stamp = hit.headers["x-leadcrm-timestamp"].encode()
    mac = hmac.new(entry["secret"].encode(), stamp + b"." + hit.body, hashlib.sha256)
    assert hit.headers["x-leadcrm-signature"] == "sha256=" + mac.hexdigest()
    # Webhooks have no app context; other users of the app are not administrators.
    assert api.error("leadcrm.event.secrets")[0] == 403
