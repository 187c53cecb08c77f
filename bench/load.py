"""Load from a separate process: wrk (Debian's package) with bench/lua/request.lua."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).parent / "lua" / "request.lua"
INSTALL_HINT = (
    "wrk is not installed. On Debian or Ubuntu: `sudo apt-get install -y wrk` "
    "(`make bench` installs it when run as root)."
)


def require_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(INSTALL_HINT)
    return found


@dataclass(frozen=True)
class Request:
    """One request shape: ``{id}`` becomes a random seeded lead id, each ``{n}`` a fresh number,
    and the ``{contact}``s consecutive seeded contact ids from a random start (request.lua)."""

    method: str
    path: str
    body: str = ""


@dataclass
class Measurement:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    non_2xx: int
    socket_errors: int
    # CPU time per answered request, of the server's processes and of the database's
    # (PostgreSQL backends; SQLite works inside the server): steady however busy the machine.
    server_cpu_ms: float = 0.0
    db_cpu_ms: float = 0.0

    @property
    def cpu_ms(self) -> float:
        return self.server_cpu_ms + self.db_cpu_ms

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_wrk(
    base_url: str,
    request: Request,
    *,
    max_id: int,
    salt: int,
    max_contact: int = 1,
    connections: int,
    duration: float,
    threads: int,
) -> Measurement:
    command = [
        require_wrk(),
        f"--threads={min(threads, connections)}",
        f"--connections={connections}",
        f"--duration={max(1, round(duration))}s",
        "--timeout=30s",
        f"--script={SCRIPT}",
        base_url,
        "--",
        request.method,
        request.path,
        request.body,
        str(max_id),
        str(salt),
        str(max(max_contact, 1)),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            raw = json.loads(line.removeprefix("WRK_JSON "))
            break
    else:
        raise RuntimeError(f"wrk gave no summary (exit {done.returncode}): {done.stderr.strip()}")
    seconds = raw["duration_us"] / 1e6
    return Measurement(
        requests=raw["requests"],
        seconds=seconds,
        rps=raw["requests"] / seconds if seconds else 0.0,
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        mean_ms=raw["mean_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        non_2xx=raw["status"],
        socket_errors=raw["connect"] + raw["read"] + raw["write"] + raw["timeout"],
    )
