"""Offline events: the queue (one row per object, its latest change), event.offline.get /
list / clear / error, auth_connector echo suppression and ONOFFLINEEVENT notifications.

Pages: api-reference/events/offline-events.md, event-offline-get.md, event-offline-list.md,
event-offline-clear.md, event-offline-error.md, on-offline-event.md, event-bind.md;
spec-checklist 16.4. Every call goes through HTTP with an application's OAuth token; every
refusal is checked to have written nothing (the queue, its processes and the handlers).

leadcrm's own rules where the pages are silent: an unknown process id answers 400
ERROR_PROCESS_NOT_FOUND "Process not found"; a missing one 400 ERROR_ARGUMENT.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, true, update

from leadcrm.apps.service import uninstall
from leadcrm.db.transactions import transaction
from leadcrm.events import offline
from leadcrm.events.tables import (
    event_deliveries,
    event_handlers,
    event_offline,
    event_offline_notices,
    event_offline_processes,
    event_records,
)
from leadcrm.users.service import utcnow
from tests.support import ACCESS_DENIED, WRONG_AUTH, Api, InstalledApp, token_for

HANDLER = "https://www.my-domain.com/handler/"
BIND_DENIED = {
    "error": "ACCESS_DENIED",
    "error_description": "Access denied! Offline events binding requires administrator "
    "access rights",
}
UNKNOWN_PROCESS = {"error": "ERROR_PROCESS_NOT_FOUND", "error_description": "Process not found"}
NO_PROCESS = {
    "error": "ERROR_ARGUMENT",
    "error_description": "Argument 'process_id' is null or empty",
    "argument": "process_id",
}
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
GET_KEYS = ["ID", "TIMESTAMP_X", "EVENT_NAME", "EVENT_DATA", "EVENT_ADDITIONAL", "MESSAGE_ID"]


@pytest.fixture
def app(api: Api) -> InstalledApp:
    return api.install_app(scopes="crm")


def bind_offline(client: Api, event: str = "ONCRMLEADADD", connector: str = "") -> None:
    params: dict[str, Any] = {"event": event, "event_type": "offline"}
    if connector:
        params["auth_connector"] = connector
    assert client.call("event.bind", params) is True


def queue(api: Api) -> list[dict[str, Any]]:
    """Every queued row, oldest first."""
    with api.runtime.engine.connect() as conn:
        rows = conn.execute(select(event_offline).order_by(event_offline.c.id)).mappings()
        return [dict(row) for row in rows]


def state(api: Api) -> tuple[list[dict[str, Any]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """What an offline call may write: the queue, its processes and the handlers."""
    with api.runtime.engine.connect() as conn:
        processes = [tuple(r) for r in conn.execute(select(event_offline_processes))]
        handlers = [tuple(r) for r in conn.execute(select(event_handlers))]
    return queue(api), sorted(processes), sorted(handlers)


def refused(api: Api, client: Api, method: str, params: dict[str, Any]) -> tuple[int, Any]:
    before = state(api)
    status, body = client.error(method, params)
    assert state(api) == before
    return status, body


def add_leads(client: Api, count: int, **params: Any) -> list[int]:
    return [
        int(client.call("crm.lead.add", {"fields": {"TITLE": f"Lead {n}"}, **params}))
        for n in range(count)
    ]


def message_ids(events: list[dict[str, Any]]) -> list[str]:
    return [item["MESSAGE_ID"] for item in events]


def deliveries(api: Api, event: str = "ONOFFLINEEVENT") -> list[dict[str, Any]]:
    with api.runtime.engine.connect() as conn:
        rows = conn.execute(
            select(event_deliveries)
            .where(event_deliveries.c.event == event)
            .order_by(event_deliveries.c.id)
        ).mappings()
        return [dict(row) for row in rows]


# --- Binding ---------------------------------------------------------------------------------


def test_only_an_administrator_binds_offline_events(api: Api, app: InstalledApp) -> None:
    user = token_for(api, app.id, admin=False)
    status, body = refused(
        api, user, "event.bind", {"event": "ONCRMLEADADD", "event_type": "offline"}
    )
    assert (status, body) == (403, BIND_DENIED)
    bind_offline(token_for(api, app.id, admin=True))
    assert app.api.call("event.get") == [
        {
            "event": "ONCRMLEADADD",
            "handler": "",
            "auth_type": "0",
            "offline": 1,
            "connector_id": "",
        }
    ]


def test_nothing_is_queued_without_an_offline_handler(api: Api, app: InstalledApp) -> None:
    assert app.api.call("event.bind", {"event": "ONCRMLEADADD", "handler": HANDLER}) is True
    add_leads(app.api, 2)
    assert queue(api) == []


# --- The queue keeps the latest change per object -------------------------------------------


def test_an_object_changed_many_times_keeps_one_row_with_the_last_change(
    api: Api, app: InstalledApp
) -> None:
    bind_offline(app.api, "ONCRMLEADADD")
    bind_offline(app.api, "ONCRMLEADUPDATE")
    (lead_id,) = add_leads(app.api, 1)
    app.api.call("crm.lead.update", {"id": lead_id, "fields": {"TITLE": "First"}})
    with api.runtime.engine.begin() as conn:
        # As if the first update were long ago: the later ones must move the time on.
        conn.execute(update(event_offline).values(timestamp_x=datetime(2020, 1, 1)))
    for n in range(4):
        app.api.call("crm.lead.update", {"id": lead_id, "fields": {"TITLE": f"Again {n}"}})
    rows = queue(api)
    assert [(r["event_name"], r["message_id"]) for r in rows] == [
        ("ONCRMLEADADD", str(lead_id)),
        ("ONCRMLEADUPDATE", str(lead_id)),
    ]
    with api.runtime.engine.connect() as conn:
        last = conn.execute(
            select(event_records.c.created_at)
            .where(event_records.c.event == "ONCRMLEADUPDATE")
            .order_by(event_records.c.id.desc())
            .limit(1)
        ).scalar_one()
    updated = rows[1]
    assert updated["timestamp_x"] == last
    assert updated["event_data"] == {"FIELDS": {"ID": str(lead_id)}}
    assert updated["event_additional"] == {"user_id": "1"}
    assert (updated["process_id"], updated["error"], updated["connector"]) == (None, False, "")


def test_each_app_and_connector_has_its_own_queue(api: Api, app: InstalledApp) -> None:
    other = api.install_app(scopes="crm", name="Other app")
    bind_offline(app.api)
    bind_offline(app.api, connector="sync")
    bind_offline(other.api)
    (lead_id,) = add_leads(api, 1)
    assert sorted((r["app_id"], r["connector"]) for r in queue(api)) == sorted(
        [(app.id, ""), (app.id, "sync"), (other.id, "")]
    )
    assert message_ids(app.api.call("event.offline.get")["events"]) == [str(lead_id)]
    assert message_ids(other.api.call("event.offline.list")) == [str(lead_id)]
    assert message_ids(app.api.call("event.offline.list", {"auth_connector": "sync"})) == [
        str(lead_id)
    ]


def test_an_unbound_handler_or_an_uninstalled_app_queues_nothing(
    api: Api, app: InstalledApp
) -> None:
    bind_offline(app.api)
    add_leads(api, 1)
    assert len(queue(api)) == 1
    assert app.api.call("event.unbind", {"event": "ONCRMLEADADD", "event_type": "offline"}) == {
        "count": 1
    }
    add_leads(api, 1)
    assert len(queue(api)) == 1  # what was queued stays readable
    bind_offline(app.api)
    with api.runtime.engine.begin() as conn:
        uninstall(conn, app_id=app.id)
    assert queue(api) == []  # the app's queue goes with it
    add_leads(api, 1)
    assert queue(api) == []


# --- event.offline.get -------------------------------------------------------------------------


def test_get_answers_the_page_example_and_deletes_what_it_returns(
    api: Api, app: InstalledApp
) -> None:
    bind_offline(app.api)
    first, second = add_leads(app.api, 2)
    result = app.api.call("event.offline.get")
    assert result["process_id"] is None
    events = result["events"]
    assert [list(item) for item in events] == [GET_KEYS, GET_KEYS]
    assert events[0]["EVENT_NAME"] == "ONCRMLEADADD"
    assert events[0]["MESSAGE_ID"] == str(first)
    assert events[0]["EVENT_DATA"] == {"FIELDS": {"ID": str(first)}}
    assert events[0]["EVENT_ADDITIONAL"] == {"user_id": "1"}
    assert ISO_WITH_OFFSET.match(events[0]["TIMESTAMP_X"])
    assert events[0]["ID"].isdigit()
    assert message_ids(events) == [str(first), str(second)]
    assert queue(api) == []
    assert app.api.call("event.offline.get") == {"process_id": None, "events": []}


def test_get_takes_limit_rows_in_the_order_asked_and_filters(api: Api, app: InstalledApp) -> None:
    bind_offline(app.api)
    leads = add_leads(app.api, 5)
    found = app.api.call("event.offline.get", {"limit": 2, "order": {"ID": "DESC"}, "clear": 0})
    assert message_ids(found["events"]) == [str(leads[4]), str(leads[3])]
    # The checklist's fixture: the operation prefix comes before the field name.
    fixture = {"=MESSAGE_ID": leads[0], "=EVENT_NAME": "ONCRMLEADADD", ">=ID": 1}
    found = app.api.call("event.offline.get", {"filter": fixture})
    assert message_ids(found["events"]) == [str(leads[0])]
    found = app.api.call("event.offline.get", {"filter": {"=EVENT_NAME": "onCrmLeadUpdate"}})
    assert found["events"] == []
    assert message_ids(app.api.call("event.offline.get")["events"]) == [
        str(leads[1]),
        str(leads[2]),
    ]


def test_get_with_clear_0_reserves_the_batch_under_a_process_id(
    api: Api, app: InstalledApp
) -> None:
    bind_offline(app.api)
    leads = add_leads(app.api, 3)
    taken = app.api.call("event.offline.get", {"clear": 0, "limit": 2})
    process_id = taken["process_id"]
    assert isinstance(process_id, str) and len(process_id) == 32
    assert message_ids(taken["events"]) == [str(leads[0]), str(leads[1])]
    # Hidden from other readers: the next get finds only the third.
    other = app.api.call("event.offline.get", {"clear": 0})
    assert message_ids(other["events"]) == [str(leads[2])]
    assert other["process_id"] != process_id
    assert app.api.call("event.offline.get", {"clear": 0})["events"] == []
    # The process re-selects what it still holds.
    again = app.api.call("event.offline.get", {"process_id": process_id, "clear": 0})
    assert again == {"process_id": process_id, "events": taken["events"]}
    listed = app.api.call("event.offline.list")
    assert [item["PROCESS_ID"] for item in listed] == [process_id, process_id, other["process_id"]]


def test_a_reserved_row_that_changes_again_is_queued_anew(api: Api, app: InstalledApp) -> None:
    bind_offline(app.api, "ONCRMLEADUPDATE")
    (lead_id,) = add_leads(app.api, 1)
    app.api.call("crm.lead.update", {"id": lead_id, "fields": {"TITLE": "One"}})
    process_id = app.api.call("event.offline.get", {"clear": 0})["process_id"]
    app.api.call("crm.lead.update", {"id": lead_id, "fields": {"TITLE": "Two"}})
    (row,) = queue(api)
    assert (row["process_id"], row["reserved_at"]) == (None, None)
    # The process's clear leaves the new change, which the next reader gets.
    assert app.api.call("event.offline.clear", {"process_id": process_id}) is True
    assert message_ids(app.api.call("event.offline.get")["events"]) == [str(lead_id)]


def test_get_refuses_an_unknown_process_and_bad_arguments(api: Api, app: InstalledApp) -> None:
    bind_offline(app.api)
    add_leads(app.api, 2)
    app.api.call("event.offline.get", {"clear": 0, "limit": 1})
    assert refused(api, app.api, "event.offline.get", {"process_id": "f" * 32}) == (
        400,
        UNKNOWN_PROCESS,
    )
    status, body = refused(api, app.api, "event.offline.get", {"limit": "many"})
    assert (status, body["error"], body["argument"]) == (400, "ERROR_ARGUMENT", "limit")
    status, body = refused(api, app.api, "event.offline.get", {"clear": "maybe"})
    assert (status, body["error"], body["argument"]) == (400, "ERROR_ARGUMENT", "clear")
    status, body = refused(api, app.api, "event.offline.get", {"filter": {"=PROCESS_ID": "x"}})
    assert (status, body["error_description"]) == (
        400,
        "Filter field 'PROCESS_ID' is not supported.",
    )
    status, body = refused(api, app.api, "event.offline.get", {"order": {"EVENT_DATA": "ASC"}})
    assert status == 400


def test_another_apps_process_is_unknown(api: Api, app: InstalledApp) -> None:
    other = api.install_app(scopes="crm", name="Other app")
    bind_offline(app.api)
    add_leads(app.api, 1)
    process_id = app.api.call("event.offline.get", {"clear": 0})["process_id"]
    for name in ("event.offline.get", "event.offline.clear", "event.offline.error"):
        assert refused(api, other.api, name, {"process_id": process_id}) == (400, UNKNOWN_PROCESS)


# --- event.offline.clear ---------------------------------------------------------------------


def test_clear_deletes_the_process_rows_and_then_forgets_it(api: Api, app: InstalledApp) -> None:
    bind_offline(app.api)
    leads = add_leads(app.api, 3)
    process_id = app.api.call("event.offline.get", {"clear": 0, "limit": 2})["process_id"]
    assert app.api.call("event.offline.clear", {"process_id": process_id}) is True
    assert [r["message_id"] for r in queue(api)] == [str(leads[2])]  # not the process's
    assert refused(api, app.api, "event.offline.clear", {"process_id": process_id}) == (
        400,
        UNKNOWN_PROCESS,
    )


def test_clear_by_id_or_by_message_id(api: Api, app: InstalledApp) -> None:
    bind_offline(app.api)
    leads = add_leads(app.api, 4)
    taken = app.api.call("event.offline.get", {"clear": 0})
    process_id, events = taken["process_id"], taken["events"]
    # id wins over message_id.
    params = {"process_id": process_id, "id": [events[0]["ID"]], "message_id": [str(leads[1])]}
    assert app.api.call("event.offline.clear", params) is True
    assert [r["message_id"] for r in queue(api)] == [str(x) for x in leads[1:]]
    params = {"process_id": process_id, "message_id": [str(leads[1]), str(leads[2])]}
    assert app.api.call("event.offline.clear", params) is True
    assert [r["message_id"] for r in queue(api)] == [str(leads[3])]
    again = app.api.call("event.offline.get", {"process_id": process_id, "clear": 0})
    assert message_ids(again["events"]) == [str(leads[3])]
    # Re-selected with clear=1: the rest goes, and so does the process.
    app.api.call("event.offline.get", {"process_id": process_id})
    assert queue(api) == []
    assert refused(api, app.api, "event.offline.clear", {"process_id": process_id}) == (
        400,
        UNKNOWN_PROCESS,
    )


def test_clear_refuses_a_missing_process_or_bad_ids(api: Api, app: InstalledApp) -> None:
    bind_offline(app.api)
    add_leads(app.api, 1)
    process_id = app.api.call("event.offline.get", {"clear": 0})["process_id"]
    assert refused(api, app.api, "event.offline.clear", {}) == (400, NO_PROCESS)
    assert refused(api, app.api, "event.offline.clear", {"process_id": "nope"}) == (
        400,
        UNKNOWN_PROCESS,
    )
    status, body = refused(
        api, app.api, "event.offline.clear", {"process_id": process_id, "id": ["x"]}
    )
    assert (status, body["error"], body["argument"]) == (400, "ERROR_ARGUMENT", "id")


def test_reserved_batches_are_deleted_after_30_days(api: Api, app: InstalledApp) -> None:
    bind_offline(app.api)
    add_leads(app.api, 2)
    process_id = app.api.call("event.offline.get", {"clear": 0, "limit": 1})["process_id"]
    with api.runtime.engine.begin() as conn:
        long_ago = utcnow() - timedelta(days=31)
        conn.execute(
            update(event_offline)
            .where(event_offline.c.process_id.is_not(None))
            .values(reserved_at=long_ago)
        )
        conn.execute(update(event_offline_processes).values(created_at=long_ago))
    assert len(app.api.call("event.offline.get", {"clear": 0})["events"]) == 1
    assert len(queue(api)) == 1
    assert app.api.error("event.offline.clear", {"process_id": process_id})[1] == UNKNOWN_PROCESS


# --- event.offline.error ---------------------------------------------------------------------


def test_error_marks_rows_and_releases_them_from_the_process(api: Api, app: InstalledApp) -> None:
    bind_offline(app.api)
    leads = add_leads(app.api, 3)
    process_id = app.api.call("event.offline.get", {"clear": 0})["process_id"]
    params = {"process_id": process_id, "message_id": [str(leads[1])]}
    assert app.api.call("event.offline.error", params) is True
    listed = {item["MESSAGE_ID"]: item for item in app.api.call("event.offline.list")}
    assert (listed[str(leads[1])]["ERROR"], listed[str(leads[1])]["PROCESS_ID"]) == ("1", "")
    assert (listed[str(leads[0])]["ERROR"], listed[str(leads[0])]["PROCESS_ID"]) == (
        "0",
        process_id,
    )
    # Confirming the process keeps the erroneous row.
    assert app.api.call("event.offline.clear", {"process_id": process_id}) is True
    assert [r["message_id"] for r in queue(api)] == [str(leads[1])]
    # A reader gets it only when it asks for erroneous rows.
    assert app.api.call("event.offline.get")["events"] == []
    found = app.api.call("event.offline.get", {"error": 1, "clear": 0})
    assert message_ids(found["events"]) == [str(leads[1])]
    # A new change of the object drops the mark.
    app.api.call("event.offline.error", {"process_id": found["process_id"]})
    bind_offline(app.api, "ONCRMLEADUPDATE")
    app.api.call("crm.lead.update", {"id": leads[1], "fields": {"TITLE": "Changed"}})
    assert [(r["event_name"], r["error"]) for r in queue(api)] == [
        ("ONCRMLEADADD", True),
        ("ONCRMLEADUPDATE", False),
    ]


def test_error_refuses_a_missing_or_unknown_process(api: Api, app: InstalledApp) -> None:
    bind_offline(app.api)
    add_leads(app.api, 1)
    app.api.call("event.offline.get", {"clear": 0})
    assert refused(api, app.api, "event.offline.error", {"message_id": ["1"]}) == (
        400,
        NO_PROCESS,
    )
    params = {"process_id": "0" * 32, "message_id": ["1"]}
    assert refused(api, app.api, "event.offline.error", params) == (400, UNKNOWN_PROCESS)


# --- event.offline.list ----------------------------------------------------------------------


def test_list_reads_the_queue_without_changing_it(api: Api, app: InstalledApp) -> None:
    bind_offline(app.api)
    leads = add_leads(app.api, 3)
    before = queue(api)
    response = app.api.post("event.offline.list")
    body = response.json()
    assert body["total"] == 3
    assert "next" not in body
    items = body["result"]
    assert [list(item) for item in items] == [[*GET_KEYS, "PROCESS_ID", "ERROR"]] * 3
    assert message_ids(items) == [str(x) for x in leads]  # ID:ASC by default
    assert (items[0]["PROCESS_ID"], items[0]["ERROR"]) == ("", "0")
    assert queue(api) == before
    ordered = app.api.call("event.offline.list", {"order": {"ID": "DESC"}})
    assert message_ids(ordered) == [str(x) for x in reversed(leads)]
    app.api.call("event.offline.get", {"clear": 0, "limit": 1})
    filtered = app.api.call("event.offline.list", {"filter": {"!PROCESS_ID": ""}})
    assert message_ids(filtered) == [str(leads[0])]
    assert message_ids(app.api.call("event.offline.list", {"filter": {"ERROR": 0}})) == [
        str(x) for x in leads
    ]


def test_list_pages_by_50(api: Api, app: InstalledApp) -> None:
    bind_offline(app.api)
    commands = {f"a{n}": f"crm.lead.add?fields[TITLE]=L{n}" for n in range(50)}
    assert not api.call("batch", {"cmd": commands})["result_error"]
    add_leads(api, 5)
    first = app.api.post("event.offline.list").json()
    assert (len(first["result"]), first["total"], first["next"]) == (50, 55, 50)
    second = app.api.post("event.offline.list", {"start": 50}).json()
    assert (len(second["result"]), second["total"]) == (5, 55)


# --- Who may call ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("event.offline.get", {}),
        ("event.offline.get", {"clear": 0}),
        ("event.offline.list", {}),
        ("event.offline.clear", {"process_id": "PROCESS"}),
        ("event.offline.error", {"process_id": "PROCESS", "message_id": ["1"]}),
    ],
)
def test_only_an_administrator_in_an_app_context_uses_the_queue(
    api: Api, app: InstalledApp, method: str, params: dict[str, Any]
) -> None:
    bind_offline(app.api)
    add_leads(app.api, 2)
    process_id = app.api.call("event.offline.get", {"clear": 0, "limit": 1})["process_id"]
    params = {k: process_id if v == "PROCESS" else v for k, v in params.items()}
    user = token_for(api, app.id, admin=False)
    assert refused(api, user, method, params) == (403, ACCESS_DENIED)
    assert refused(api, api, method, params) == (403, WRONG_AUTH)  # a webhook


# --- auth_connector ------------------------------------------------------------------------


def test_a_change_carrying_the_connector_is_not_queued_for_it(api: Api, app: InstalledApp) -> None:
    bind_offline(app.api, connector="X")
    bind_offline(app.api, connector="Y")
    bind_offline(app.api)
    (lead_id,) = add_leads(app.api, 1, auth_connector="X")
    assert sorted(r["connector"] for r in queue(api)) == ["", "Y"]
    assert app.api.call("event.offline.get", {"auth_connector": "X"})["events"] == []
    found = app.api.call("event.offline.get", {"auth_connector": "Y"})
    assert message_ids(found["events"]) == [str(lead_id)]
    # Without the connector the methods read the queue without one.
    assert message_ids(app.api.call("event.offline.get")["events"]) == [str(lead_id)]
    # The same call without it is queued for X too; an update through X is not.
    (second,) = add_leads(app.api, 1)
    assert sorted(r["connector"] for r in queue(api)) == ["", "X", "Y"]
    bind_offline(app.api, "ONCRMLEADUPDATE", connector="X")
    params = {"id": second, "fields": {"TITLE": "Echo"}, "auth_connector": "X"}
    app.api.call("crm.lead.update", params)
    assert all(r["event_name"] == "ONCRMLEADADD" for r in queue(api))


def test_a_batch_carries_the_connector_to_its_commands(api: Api, app: InstalledApp) -> None:
    bind_offline(app.api, connector="X")
    # The batch's own connector, inherited; two adds run as one bulk run.
    commands = {"a": "crm.lead.add?fields[TITLE]=A", "b": "crm.lead.add?fields[TITLE]=B"}
    result = app.api.call("batch", {"cmd": commands, "auth_connector": "X"})
    assert not result["result_error"]
    assert queue(api) == []
    # A command's own connector, in a batch without one.
    commands = {
        "a": "crm.lead.add?fields[TITLE]=A&auth_connector=X",
        "b": "crm.lead.add?fields[TITLE]=B&auth_connector=X",
        "c": "crm.lead.add?fields[TITLE]=C",
    }
    result = app.api.call("batch", {"cmd": commands})
    assert [r["message_id"] for r in queue(api)] == [str(result["result"]["c"])]


# --- Parallel readers ---------------------------------------------------------------------


def run_threads(*targets: Callable[[], None]) -> None:
    failures: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except BaseException as exc:  # reported to the test below
                failures.append(exc)

        return run

    threads = [threading.Thread(target=guarded(t)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads)
    assert not failures, failures


def test_parallel_readers_over_http_never_get_the_same_row(api: Api, app: InstalledApp) -> None:
    bind_offline(app.api)
    commands = {f"a{n}": f"crm.lead.add?fields[TITLE]=L{n}" for n in range(12)}
    assert not api.call("batch", {"cmd": commands})["result_error"]
    got: list[list[str]] = []
    start = threading.Barrier(4)

    def reader() -> None:
        start.wait(10)
        taken = app.api.call("event.offline.get", {"clear": 0, "limit": 3})
        got.append([item["ID"] for item in taken["events"]])

    run_threads(*[reader] * 4)
    every = [row_id for batch in got for row_id in batch]
    assert sorted(every) == sorted(str(r["id"]) for r in queue(api))
    assert len(set(every)) == 12


def test_a_reader_skips_rows_another_reader_holds(
    api: Api, app: InstalledApp, backend: str
) -> None:
    """PostgreSQL: while the first reader's transaction holds its rows, a second reader takes
    others at once (FOR UPDATE SKIP LOCKED) rather than waiting. SQLite has one writer at a
    time, so there the readers simply take turns."""
    bind_offline(app.api)
    add_leads(app.api, 6)
    engine = api.runtime.engine
    held, done = threading.Event(), threading.Event()
    taken: dict[str, list[int]] = {}

    def take(name: str) -> None:
        with transaction(engine, writes=True) as conn:
            found = offline.take(
                conn,
                app_id=app.id,
                connector="",
                where=true(),
                order=[event_offline.c.id.asc()],
                limit=4,
                clear=False,
                process_id=None,
                errors=False,
                now=utcnow(),
            )
            taken[name] = [row["id"] for row in found.rows]
            if name == "first" and backend == "postgresql":
                held.set()
                assert done.wait(20), "the second reader waited for the first"

    def second() -> None:
        if backend == "postgresql":
            assert held.wait(20)
        take("second")
        done.set()

    run_threads(lambda: take("first"), second)
    assert len(taken["first"]) + len(taken["second"]) == 6
    assert not set(taken["first"]) & set(taken["second"])
    if backend == "postgresql":
        assert len(taken["first"]) == 4  # it went first and kept its rows to the end


# --- ONOFFLINEEVENT -------------------------------------------------------------------------


def bind_notice(client: Api, **options: Any) -> None:
    params: dict[str, Any] = {"event": "ONOFFLINEEVENT", "handler": HANDLER}
    if options:
        params["options"] = options
    assert client.call("event.bind", params) is True


def test_onofflineevent_is_sent_at_most_once_per_min_timeout(api: Api, app: InstalledApp) -> None:
    bind_offline(app.api)
    bind_notice(app.api, minTimeout=60)
    add_leads(app.api, 1)
    (notice,) = deliveries(api)
    assert (notice["data"], notice["user_id"], notice["status"]) == ({}, 1, "pending")
    add_leads(app.api, 3)
    assert len(deliveries(api)) == 1
    with api.runtime.engine.begin() as conn:
        conn.execute(
            update(event_offline_notices).values(notified_at=utcnow() - timedelta(seconds=61))
        )
    add_leads(app.api, 2)
    assert len(deliveries(api)) == 2


def test_onofflineevent_needs_something_queued_for_its_app(api: Api, app: InstalledApp) -> None:
    other = api.install_app(scopes="crm", name="Other app")
    bind_offline(app.api, connector="X")
    bind_notice(app.api)
    bind_notice(other.api)
    add_leads(app.api, 1, auth_connector="X")  # the app's own echo: nothing queued
    assert deliveries(api) == []
    add_leads(api, 1)
    (notice,) = deliveries(api)
    with api.runtime.engine.connect() as conn:
        handler_app = conn.execute(
            select(event_handlers.c.app_id).where(event_handlers.c.id == notice["handler_id"])
        ).scalar_one()
    assert handler_app == app.id


def test_min_timeout_0_sends_one_notice_per_call(api: Api, app: InstalledApp) -> None:
    bind_offline(app.api, "ONCRMLEADADD")
    bind_offline(app.api, "ONCRMLEADUPDATE")
    bind_notice(app.api, minTimeout=0)
    (lead_id,) = add_leads(app.api, 1)
    commands = {
        "add": "crm.lead.add?fields[TITLE]=A",
        "update": f"crm.lead.update?id={lead_id}&fields[TITLE]=B",
        "again": f"crm.lead.update?id={lead_id}&fields[TITLE]=C",
    }
    assert not app.api.call("batch", {"cmd": commands})["result_error"]
    assert len(deliveries(api)) == 2  # the add, then the whole batch
    add_leads(app.api, 1)
    assert len(deliveries(api)) == 3


def test_min_timeout_is_read_from_the_options() -> None:
    assert offline.min_timeout(None) == 1
    assert offline.min_timeout({"minTimeout": 5}) == 5
    assert offline.min_timeout({"MINTIMEOUT": "0"}) == 0
    assert offline.min_timeout({"minTimeout": -3}) == 1
    assert offline.min_timeout({"minTimeout": "soon"}) == 1
    assert offline.min_timeout({"minTimeout": True}) == 1
