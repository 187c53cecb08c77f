"""Delivery workers as real processes (``leadcrm worker``) against a fast receiver on loopback:
two workers share 10,000 events without losing or doubling one, and a worker killed with
SIGKILL mid-delivery loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from leadcrm.events.delivery import allowed_networks
from leadcrm.events.outgoing import create
from leadcrm.events.record import Change, record
from leadcrm.events.tables import event_attempts, event_deliveries
from leadcrm.runtime import Runtime
from tests.e2e.serving import free_port

LEADCRM = Path(sys.executable).with_name("leadcrm")


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    return {"events_allow_networks": ["127.0.0.0/8"]}


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        child = subprocess.Popen(args, env=env, stdout=out, stderr=out, start_new_session=True)
    try:
        yield child
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()


def environment(runtime: Runtime, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADCRM_")}
    env.update(
        LEADCRM_DATABASE_URL=runtime.settings.effective_database_url,
        LEADCRM_VAR_DIR=str(tmp_path),
        LEADCRM_EVENTS_ALLOW_NETWORKS="127.0.0.0/8",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def produce(runtime: Runtime, url: str, count: int) -> None:
    """``count`` lead additions recorded through the real record path, for one webhook."""
    with runtime.engine.begin() as conn:
        create(
            conn,
            events=["ONCRMLEADADD"],
            url=url,
            user_id=1,
            title="workers",
            allowed=allowed_networks(runtime),
        )
    for start in range(1, count + 1, 500):
        with runtime.engine.begin() as conn:
            changes = [
                Change("ONCRMLEADADD", "LEAD", i) for i in range(start, min(start + 500, count + 1))
            ]
            record(conn, changes=changes, user_id=1)


def received(out: Path) -> list[str]:
    if not out.exists():
        return []
    return [line.split("\t")[0] for line in out.read_text().splitlines() if line]


def wait_for(predicate: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.2)


def uids(runtime: Runtime) -> set[str]:
    with runtime.engine.connect() as conn:
        return set(conn.execute(select(event_deliveries.c.uid)).scalars())


def statuses(runtime: Runtime) -> dict[str, int]:
    with runtime.engine.connect() as conn:
        rows = conn.execute(
            select(event_deliveries.c.status, func.count()).group_by(event_deliveries.c.status)
        )
        return {status: count for status, count in rows}


def test_two_workers_deliver_ten_thousand_events_once_each(
    runtime: Runtime, tmp_path: Path
) -> None:
    """On PostgreSQL the claims skip each other's locked rows; on SQLite they take turns."""
    port, out = free_port(), tmp_path / "received.tsv"
    produce(runtime, f"http://127.0.0.1:{port}/events", 10_000)
    env = environment(runtime, tmp_path)
    receiver_args = [sys.executable, "-m", "bench.receiver", "--port", str(port), "--out", str(out)]
    with process(receiver_args, env, tmp_path / "receiver.log"):
        time.sleep(0.5)
        with (
            process([str(LEADCRM), "worker"], env, tmp_path / "worker-1.log"),
            process([str(LEADCRM), "worker"], env, tmp_path / "worker-2.log"),
        ):
            wait_for(lambda: statuses(runtime) == {"delivered": 10_000}, 180)
        time.sleep(0.5)  # the receiver flushes every 0.2 s
    got = received(out)
    assert len(got) == 10_000
    assert set(got) == uids(runtime)
    with runtime.engine.connect() as conn:
        attempts = conn.execute(select(func.count()).select_from(event_attempts)).scalar_one()
        most = conn.execute(select(func.max(event_deliveries.c.attempts))).scalar_one()
    assert (attempts, most) == (10_000, 1)
    logs = (tmp_path / "worker-1.log").read_text() + (tmp_path / "worker-2.log").read_text()
    assert "Traceback" not in logs


def test_a_worker_killed_mid_delivery_loses_nothing(
    runtime: Runtime, backend: str, tmp_path: Path
) -> None:
    port, out = free_port(), tmp_path / "received.tsv"
    produce(runtime, f"http://127.0.0.1:{port}/events", 40)
    # A slow receiver and a short lease: the first worker dies holding claimed deliveries.
    env = environment(
        runtime, tmp_path, LEADCRM_EVENTS_LEASE_SECONDS="3", LEADCRM_EVENTS_CONCURRENCY="8"
    )
    receiver_args = [
        sys.executable, "-m", "bench.receiver", "--port", str(port), "--out", str(out),
        "--delay", "0.5",
    ]  # fmt: skip
    with process(receiver_args, env, tmp_path / "receiver.log"):
        time.sleep(0.5)
        with process([str(LEADCRM), "worker"], env, tmp_path / "worker-1.log") as first:
            wait_for(lambda: len(received(out)) >= 1, 60)
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
        assert statuses(runtime).get("pending", 0) > 0
        with process([str(LEADCRM), "worker"], env, tmp_path / "worker-2.log"):
            wait_for(lambda: statuses(runtime) == {"delivered": 40}, 120)
        time.sleep(0.5)
    got = received(out)
    assert set(got) == uids(runtime)  # every event arrived: at least once
    assert len(got) >= 40


def receiver_command(port: int, out: Path, *, delay: float = 0.0) -> list[str]:
    return [
        sys.executable, "-m", "bench.receiver", "--port", str(port), "--out", str(out),
        "--delay", str(delay),
    ]  # fmt: skip


def test_a_slow_handler_holds_up_only_its_own_deliveries(runtime: Runtime, tmp_path: Path) -> None:
    """A worker of 8 clients claims in 4 lanes of 2. Six events for a handler that takes 4 s
    to answer come first, each followed by events for a fast one, so that every early batch
    holds a slow event: the fast ones still all arrive before the first slow answer."""
    slow_port, fast_port = free_port(), free_port()
    slow_out, fast_out = tmp_path / "slow.tsv", tmp_path / "fast.tsv"
    with runtime.engine.begin() as conn:
        for event, port in (("ONCRMLEADADD", slow_port), ("ONCRMLEADUPDATE", fast_port)):
            create(
                conn,
                events=[event],
                url=f"http://127.0.0.1:{port}/",
                user_id=1,
                title=event,
                allowed=allowed_networks(runtime),
            )
        changes = []
        for i in range(60):
            if i < 12 and i % 2 == 0:
                changes.append(Change("ONCRMLEADADD", "LEAD", i))
            changes.append(Change("ONCRMLEADUPDATE", "LEAD", i))
        record(conn, changes=changes, user_id=1)
    env = environment(runtime, tmp_path, LEADCRM_EVENTS_CONCURRENCY="8")
    with (
        process(receiver_command(slow_port, slow_out, delay=4), env, tmp_path / "slow.log"),
        process(receiver_command(fast_port, fast_out), env, tmp_path / "fast.log"),
    ):
        time.sleep(0.5)
        with process([str(LEADCRM), "worker"], env, tmp_path / "worker.log"):
            started = time.monotonic()
            wait_for(lambda: len(received(fast_out)) == 60, 30)
            fast_done = time.monotonic() - started
            wait_for(lambda: statuses(runtime) == {"delivered": 66}, 60)
    assert fast_done < 3.5, fast_done  # before the first slow answer (4 s)
