"""Definitions change while another client writes leads, against a real ``leadcrm serve``.

Issue 5 ("Storage that scales"): adding or deleting a definition never loses or mixes other
data and works while leads are being written; deleting a definition removes its values (and,
for a single field, its expression index ``ix_crm_lead_uf_<id>``).

Writers run in threads, each over its own leads, against a server of two worker processes (so
definitions also change under a process that cached them). What a write may have seen is
decided by causality only: a write that ended before a definition change was sent cannot have
seen it, one sent after the change answered must have. No assertion depends on timing.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme
from sqlalchemy import Engine, create_engine, text

from leadcrm.db.engine import normalise_url
from tests.e2e.serving import Server, Tls, fresh_database, running_server

WRITERS = 2
# Writes each writer makes before and between definition changes, and after the last one.
WRITES_PER_STEP = 8


@dataclass
class Served:
    server: Server
    database_url: str

    def engine(self) -> Engine:
        return create_engine(normalise_url(self.database_url))


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    directory = tmp_path_factory.mktemp("tls-userfields")
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    paths = Tls(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    ca.cert_pem.write_to_path(str(paths.ca_path))
    paths.cert_path.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
    cert.private_key_pem.write_to_path(str(paths.key_path))
    paths.key_path.chmod(0o600)
    return paths


@pytest.fixture(params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest, tmp_path: Path, tls: Tls) -> Iterator[Served]:
    """A fresh server (two workers) on a fresh database, for one test."""
    backend: str = request.param
    var_dir = tmp_path / "serve"
    with (
        fresh_database(backend) as database_url,
        running_server(
            backend=backend, var_dir=var_dir, database_url=database_url, tls=tls, workers=2
        ) as server,
    ):
        url = database_url or f"sqlite:///{var_dir / 'leadcrm.db'}"
        yield Served(server, url)


# --- Calls, with what each one saw -----------------------------------------------------------


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int
    body: Any
    sent: float  # monotonic, before the request went out
    answered: float  # monotonic, after the answer came back


@dataclass
class Log:
    calls: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)


def call(client: httpx.Client, webhook: str, log: Log, method: str, params: Any) -> Call:
    sent = time.monotonic()
    try:
        response = client.post(webhook + method, json=params)
        status, body = response.status_code, response.json()
    except (httpx.HTTPError, ValueError) as exc:  # a dropped connection counts as a failure
        status, body = 599, repr(exc)
    made = Call(method, params, status, body, sent, time.monotonic())
    log.add(made)
    return made


def result(made: Call) -> Any:
    assert made.status == 200 and "result" in made.body, (made.method, made.params, made.body)
    return made.body["result"]


@dataclass
class Write:
    """One successful add or update of a lead, with the values it sent."""

    lead_id: int
    x: str | None
    y: int
    sent: float
    answered: float


@dataclass
class Writer:
    """Adds leads, updates and deletes its own leads in a loop, sending values for X and Y."""

    index: int
    server: Server
    log: Log
    extra: dict[str, Any] = field(default_factory=dict)  # more fields to send, by name
    writes: list[Write] = field(default_factory=list)
    deleted: set[int] = field(default_factory=set)
    count: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with self.server.http() as client:
            step = 0
            while not self.stop.is_set():
                step += 1
                value_x = f"x-{self.index}-{step}"
                value_y = self.index * 1_000_000 + step
                fields = {"UF_CRM_X": value_x, "UF_CRM_Y": value_y, **self.extra}
                mine = sorted({w.lead_id for w in self.writes} - self.deleted)
                if len(mine) > 2 and step % 7 == 0:
                    # A delete too: it locks the lead's row, then reads the definitions.
                    lead_id = mine[step % len(mine)]
                    made = call(
                        client,
                        self.server.admin_webhook,
                        self.log,
                        "crm.lead.delete",
                        {"id": lead_id},
                    )
                    if made.status == 200:
                        self.deleted.add(lead_id)
                    self.count += 1
                    continue
                if mine and step % 3 == 0:
                    lead_id = mine[step % len(mine)]
                    made = call(
                        client,
                        self.server.admin_webhook,
                        self.log,
                        "crm.lead.update",
                        {"id": lead_id, "fields": fields},
                    )
                else:
                    made = call(
                        client,
                        self.server.admin_webhook,
                        self.log,
                        "crm.lead.add",
                        {"fields": {"TITLE": f"Writer {self.index}", **fields}},
                    )
                    lead_id = made.body.get("result") if isinstance(made.body, dict) else None
                if made.status == 200 and lead_id:
                    self.writes.append(
                        Write(int(lead_id), value_x, value_y, made.sent, made.answered)
                    )
                self.count += 1

    def last_writes(self) -> dict[int, Write]:
        last: dict[int, Write] = {}
        for write in self.writes:
            if write.lead_id not in self.deleted:
                last[write.lead_id] = write
        return last


def wait_for_writes(writers: list[Writer], more: int) -> None:
    """Until every writer has made ``more`` more calls (or stopped)."""
    targets = [w.count + more for w in writers]
    deadline = time.monotonic() + 120
    while any(w.count < t for w, t in zip(writers, targets, strict=True)):
        assert time.monotonic() < deadline, "the writers stopped making progress"
        time.sleep(0.01)


def start(writers: list[Writer]) -> list[threading.Thread]:
    threads = [threading.Thread(target=w.run, daemon=True) for w in writers]
    for thread in threads:
        thread.start()
    return threads


def finish(writers: list[Writer], threads: list[threading.Thread]) -> None:
    for writer in writers:
        writer.stop.set()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive()


def no_server_errors(log: Log, server: Server) -> None:
    failed = [(c.method, c.params, c.status, c.body) for c in log.calls if c.status >= 500]
    errors = [line for line in server.log().splitlines() if "Error" in line or "error" in line]
    assert failed == [], "\n".join(errors[-20:])


def stored_values(engine: Engine) -> dict[int, dict[str, Any]]:
    """Each lead's custom values as stored: the ``uf`` JSON, keyed by field ID as text."""

    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, uf FROM crm_lead")).all()
    values: dict[int, dict[str, Any]] = {}
    for lead_id, raw in rows:
        parsed = json.loads(raw) if isinstance(raw, str) else raw
        values[int(lead_id)] = dict(parsed or {})
    return values


def index_names(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            found = conn.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'crm_lead'"
                )
            )
        else:
            found = conn.execute(
                text("SELECT indexname FROM pg_indexes WHERE tablename = 'crm_lead'")
            )
        return {str(name) for (name,) in found}


def listed_leads(client: httpx.Client, webhook: str, log: Log, select: list[str]) -> list[Any]:
    items: list[Any] = []
    start_at = 0
    while True:
        made = call(
            client,
            webhook,
            log,
            "crm.lead.list",
            {"select": select, "order": {"ID": "ASC"}, "start": start_at},
        )
        items += result(made)
        if "next" not in made.body:
            return items
        start_at = made.body["next"]


def add_field(client: httpx.Client, webhook: str, log: Log, **fields: Any) -> Call:
    return call(client, webhook, log, "crm.lead.userfield.add", {"fields": fields})


# --- The tests --------------------------------------------------------------------------------


def test_a_definition_deleted_and_made_again_while_leads_are_written(served: Served) -> None:
    server = served.server
    webhook = server.admin_webhook
    log = Log()
    with server.http() as client:
        first_x = int(
            result(add_field(client, webhook, log, FIELD_NAME="X", USER_TYPE_ID="string"))
        )
        y_id = int(result(add_field(client, webhook, log, FIELD_NAME="Y", USER_TYPE_ID="integer")))
        writers = [Writer(i + 1, server, log) for i in range(WRITERS)]
        threads = start(writers)
        try:
            # Delete X and make it again, three times, single and multiple in turn; the
            # writers keep sending X values all along.
            deleted: list[int] = []
            made_x: list[tuple[int, Call]] = []
            current = first_x
            for round_number, multiple in enumerate(("Y", "N", "N")):
                wait_for_writes(writers, WRITES_PER_STEP)
                result(call(client, webhook, log, "crm.lead.userfield.delete", {"id": current}))
                deleted.append(current)
                wait_for_writes(writers, WRITES_PER_STEP)
                again = add_field(
                    client,
                    webhook,
                    log,
                    FIELD_NAME="X",
                    USER_TYPE_ID="string",
                    MULTIPLE=multiple,
                    LABEL=f"X again {round_number}",
                )
                current = int(result(again))
                made_x.append((current, again))
            wait_for_writes(writers, WRITES_PER_STEP)
        finally:
            finish(writers, threads)
        no_server_errors(log, server)
        refused = [(c.method, c.params, c.body) for c in log.calls if c.status != 200]
        assert refused == []

        last_x, last_made = made_x[-1]
        assert len({first_x, y_id, *deleted, last_x}) == 2 + len(deleted)
        leads = listed_leads(client, webhook, log, ["ID", "UF_CRM_X", "UF_CRM_Y"])
        by_id = {int(item["ID"]): item for item in leads}
        for writer in writers:
            last = writer.last_writes()
            assert last, "a writer wrote nothing"
            for lead_id, write in last.items():
                lead = by_id[lead_id]
                # Every lead keeps the Y of its last write.
                assert lead["UF_CRM_Y"] == str(write.y), (lead_id, write)
                # The last X (single) holds only what was sent after it was made.
                if write.answered < last_made.sent:
                    assert lead["UF_CRM_X"] is None, (lead_id, write, lead)
                if write.sent > last_made.answered:
                    assert lead["UF_CRM_X"] == write.x, (lead_id, write, lead)
                assert lead["UF_CRM_X"] in (None, write.x), (lead_id, write, lead)
        # Leads written only before the last X existed: there must be some to tell.
        assert any(w.answered < last_made.sent for wr in writers for w in wr.last_writes().values())

        engine = served.engine()
        try:
            stored = stored_values(engine)
            keys = {key for values in stored.values() for key in values}
            for gone in deleted:
                assert str(gone) not in keys, (gone, sorted(keys))
            assert keys <= {str(y_id), str(last_x)}, sorted(keys)
            indexes = index_names(engine)
            for gone in deleted:
                assert f"ix_crm_lead_uf_{gone}" not in indexes, sorted(indexes)
            assert f"ix_crm_lead_uf_{y_id}" in indexes, sorted(indexes)
            assert f"ix_crm_lead_uf_{last_x}" in indexes, sorted(indexes)
            # Each stored Y is the lead's last written one.
            for writer in writers:
                for lead_id, write in writer.last_writes().items():
                    assert stored[lead_id].get(str(y_id)) == write.y, (lead_id, stored[lead_id])
        finally:
            engine.dispose()


def test_definitions_added_while_leads_are_written(served: Served) -> None:
    """New fields (with a default) appear under writers that do not know them: an add sent
    after a field was made gets its default, one answered before it was asked for does not."""
    server = served.server
    webhook = server.admin_webhook
    log = Log()
    with server.http() as client:
        result(add_field(client, webhook, log, FIELD_NAME="X", USER_TYPE_ID="string"))
        y_id = int(result(add_field(client, webhook, log, FIELD_NAME="Y", USER_TYPE_ID="integer")))
        writers = [Writer(i + 1, server, log) for i in range(WRITERS)]
        threads = start(writers)
        made: list[tuple[str, int, Call]] = []
        try:
            for n in range(4):
                wait_for_writes(writers, WRITES_PER_STEP)
                name = f"NEW_{n}"
                answer = add_field(
                    client,
                    webhook,
                    log,
                    FIELD_NAME=name,
                    USER_TYPE_ID="string",
                    MULTIPLE="Y" if n % 2 else "N",
                    SETTINGS={"DEFAULT_VALUE": f"default {n}"},
                )
                made.append(("UF_CRM_" + name, int(result(answer)), answer))
            wait_for_writes(writers, WRITES_PER_STEP)
        finally:
            finish(writers, threads)
        no_server_errors(log, server)
        refused = [(c.method, c.params, c.body) for c in log.calls if c.status != 200]
        assert refused == []

        names = [name for name, _, _ in made]
        leads = listed_leads(client, webhook, log, ["ID", "UF_CRM_Y", *names])
        by_id = {int(item["ID"]): item for item in leads}
        adds = [
            c
            for c in log.calls
            if c.method == "crm.lead.add" and c.status == 200 and "result" in c.body
        ]
        deleted = set().union(*(writer.deleted for writer in writers))
        for add in adds:
            if int(add.body["result"]) in deleted:
                continue
            lead = by_id[int(add.body["result"])]
            for n, (name, _, answer) in enumerate(made):
                default: Any = f"default {n}"
                if n % 2:
                    default = [default]
                empty: Any = [] if n % 2 else None
                if add.answered < answer.sent:
                    assert lead[name] == empty, (name, lead)
                elif add.sent > answer.answered:
                    assert lead[name] == default, (name, lead)
                else:
                    assert lead[name] in (empty, default), (name, lead)
        for writer in writers:
            for lead_id, write in writer.last_writes().items():
                assert by_id[lead_id]["UF_CRM_Y"] == str(write.y), (lead_id, write)
        # Some adds came after every new field: the defaults were really applied.
        assert any(add.sent > made[-1][2].answered for add in adds)

        engine = served.engine()
        try:
            indexes = index_names(engine)
            for n, (_, field_id, _) in enumerate(made):
                if n % 2 == 0:
                    assert f"ix_crm_lead_uf_{field_id}" in indexes, sorted(indexes)
            assert f"ix_crm_lead_uf_{y_id}" in indexes
        finally:
            engine.dispose()


def test_leads_deleted_while_their_definition_is_deleted(served: Served) -> None:
    """Deleting a lead (its row, then the definitions it must read) and deleting a field that
    the lead holds (the definitions, then every row holding the field) at once: both answer."""
    server = served.server
    webhook = server.admin_webhook
    log = Log()
    with server.http() as client:
        for round_number in range(3):
            field_id = int(
                result(add_field(client, webhook, log, FIELD_NAME="X", USER_TYPE_ID="string"))
            )
            commands = {
                f"a{i}": f"crm.lead.add?fields[TITLE]=Doomed&fields[UF_CRM_X]=x{i}"
                for i in range(40)
            }
            answer = result(call(client, webhook, log, "batch", {"cmd": commands}))
            assert not answer["result_error"], answer["result_error"]
            doomed = [int(lead_id) for lead_id in answer["result"].values()]
            assert len(doomed) == 40

            def delete_leads(ids: list[int]) -> None:
                with server.http() as own:
                    for lead_id in ids:
                        call(own, webhook, log, "crm.lead.delete", {"id": lead_id})

            threads = [
                threading.Thread(target=delete_leads, args=(doomed[i::4],), daemon=True)
                for i in range(4)
            ]
            for thread in threads:
                thread.start()
            result(call(client, webhook, log, "crm.lead.userfield.delete", {"id": field_id}))
            for thread in threads:
                thread.join(timeout=120)
                assert not thread.is_alive()
            no_server_errors(log, server)
            refused = [(c.method, c.params, c.body) for c in log.calls if c.status != 200]
            assert refused == [], round_number
        engine = served.engine()
        try:
            assert stored_values(engine) == {}
        finally:
            engine.dispose()
