"""``python -m bench.events``: event delivery to a loopback receiver, with 1 and 2 workers.

For each worker count, on a fresh database:
- **throughput**: ``--events`` changes are recorded first, then the workers start; events per
  second is the count over the time from the workers' start to the last receipt;
- **delay**: with the workers running, changes are committed at ``--rate`` per second (in
  transactions of 10) for ``--duration`` seconds; the delay of each event is its receipt time
  minus the time its change was recorded (in the committing transaction), p50 and p99.

The receiver is ``bench.receiver`` (one asyncio process); workers are ``leadcrm worker``.
Results go to bench/results/<stamp>-events-<db>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sqlalchemy import func, select

from bench import databases
from bench.machine import describe
from leadcrm.bootstrap import prepare
from leadcrm.events.delivery import allowed_networks
from leadcrm.events.outgoing import create
from leadcrm.events.record import Change, record
from leadcrm.events.tables import event_deliveries
from leadcrm.runtime import Runtime
from leadcrm.settings import Settings

LEADCRM = Path(sys.executable).with_name("leadcrm")
RESULTS = Path(__file__).parent / "results"


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(args, env=env, stdout=out, stderr=out, start_new_session=True)


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _receipts(out: Path) -> dict[str, float]:
    found: dict[str, float] = {}
    if out.exists():
        for line in out.read_text().splitlines():
            uid, _, moment = line.partition("\t")
            found.setdefault(uid, float(moment))
    return found


def _recorded_at(runtime: Runtime) -> dict[str, float]:
    with runtime.engine.connect() as conn:
        rows = conn.execute(select(event_deliveries.c.uid, event_deliveries.c.created_at))
        return {uid: at.replace(tzinfo=UTC).timestamp() for uid, at in rows}


def _delivered(runtime: Runtime) -> int:
    with runtime.engine.connect() as conn:
        statement = select(func.count()).where(event_deliveries.c.status == "delivered")
        return int(conn.execute(statement).scalar_one())


def _record(runtime: Runtime, first: int, count: int) -> None:
    with runtime.engine.begin() as conn:
        changes = [Change("ONCRMLEADADD", "LEAD", i) for i in range(first, first + count)]
        record(conn, changes=changes, user_id=1)


def _wait(runtime: Runtime, target: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _delivered(runtime) < target:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {_delivered(runtime)} of {target} delivered in time")
        time.sleep(0.05)


def measure(kind: str, workers: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    database = databases.create(kind, workdir)
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEADCRM_")}
        env.update(
            LEADCRM_DATABASE_URL=database.url,
            LEADCRM_VAR_DIR=str(workdir),
            LEADCRM_EVENTS_ALLOW_NETWORKS="127.0.0.0/8",
            LEADCRM_LOG_LEVEL="warning",
        )
        settings = Settings(
            database_url=database.url, var_dir=workdir, events_allow_networks=["127.0.0.0/8"]
        )
        runtime = Runtime.from_settings(settings)
        prepare(runtime)
        port, out = _free_port(), workdir / f"received-{workers}.tsv"
        with runtime.engine.begin() as conn:
            create(
                conn,
                events=["ONCRMLEADADD"],
                url=f"http://127.0.0.1:{port}/events",
                user_id=1,
                title="bench",
                allowed=allowed_networks(runtime),
            )
        receiver = _start(
            [sys.executable, "-m", "bench.receiver", "--port", str(port), "--out", str(out)],
            env,
            workdir / "receiver.log",
        )
        time.sleep(0.5)
        for first in range(1, args.events + 1, 500):
            _record(runtime, first, min(500, args.events + 1 - first))
        started = time.time()
        children = [
            _start([str(LEADCRM), "worker"], env, workdir / f"worker-{n}.log")
            for n in range(workers)
        ]
        try:
            _wait(runtime, args.events, 600)
            time.sleep(0.3)
            receipts = _receipts(out)
            throughput = len(receipts) / (max(receipts.values()) - started)
            # Steady load: transactions of 10 changes, paced to --rate per second.
            produced, begun = 0, time.monotonic()
            total = int(args.rate * args.duration)
            while produced < total:
                _record(runtime, args.events + 1 + produced, 10)
                produced += 10
                ahead = produced / args.rate - (time.monotonic() - begun)
                if ahead > 0:
                    time.sleep(ahead)
            offered = produced / (time.monotonic() - begun)
            _wait(runtime, args.events + produced, 600)
            time.sleep(0.5)
        finally:
            for child in children:
                _stop(child)
            _stop(receiver)
        receipts, recorded = _receipts(out), _recorded_at(runtime)
        steady = sorted(recorded, key=recorded.__getitem__)[args.events :]
        delays = sorted(receipts[uid] - recorded[uid] for uid in steady if uid in receipts)
        runtime.engine.dispose()
        return {
            "database": kind,
            "workers": workers,
            "events": args.events,
            "throughput_per_second": round(throughput, 1),
            "steady_rate_offered": round(offered, 1),
            "steady_events": len(delays),
            "delay_p50_ms": round(statistics.median(delays) * 1000, 1),
            "delay_p99_ms": round(delays[int(len(delays) * 0.99) - 1] * 1000, 1),
            "delay_max_ms": round(delays[-1] * 1000, 1),
        }
    finally:
        database.drop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.events", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--workers", default="1,2", help="worker counts to run (1,2)")
    parser.add_argument("--events", type=int, default=20_000, help="backlog for throughput")
    parser.add_argument("--rate", type=float, default=1000, help="steady events per second")
    parser.add_argument("--duration", type=float, default=10, help="steady seconds")
    args = parser.parse_args()
    results = []
    for workers in [int(n) for n in args.workers.split(",")]:
        with TemporaryDirectory(prefix="leadcrm-bench-events-") as tmp:
            result = measure(args.db, workers, args, Path(tmp))
        print(json.dumps(result), flush=True)
        results.append(result)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{stamp}-events-{args.db}.json"
    path.write_text(json.dumps({"machine": describe(), "results": results}, indent=2) + "\n")
    print(f"results: {path}")


if __name__ == "__main__":
    main()
