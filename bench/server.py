"""``leadcrm serve`` started as a user would, and the memory its process tree holds."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from leadcrm.bootstrap import ADMIN_WEBHOOK_FILE

START_TIMEOUT = 120.0
STOP_TIMEOUT = 20.0


def leadcrm_command() -> str:
    """The ``leadcrm`` console script of the interpreter running the bench (the venv's)."""
    beside = Path(sys.executable).parent / "leadcrm"
    if beside.exists():
        return str(beside)
    found = shutil.which("leadcrm")
    if found is None:
        raise SystemExit("the leadcrm command is not installed: run `make install` first")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_environment(database_url: str, var_dir: Path, log_level: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADCRM_")}
    env.update(
        LEADCRM_DATABASE_URL=database_url,
        LEADCRM_VAR_DIR=str(var_dir),
        LEADCRM_LOG_LEVEL=log_level,
        LEADCRM_BENCH_ENDPOINTS="1",
    )
    return env


def migrate(env: dict[str, str], log: IO[str]) -> None:
    subprocess.run(
        [leadcrm_command(), "migrate"], env=env, check=True, stdout=log, stderr=subprocess.STDOUT
    )


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def process_tree(pid: int) -> list[int]:
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending.extend(_children(current))
    return tree


def _status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def cpu_seconds(pids: list[int]) -> float:
    return sum(_cpu(pid) or 0.0 for pid in pids)


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    return {pid: cpu for pid in pids if (cpu := _cpu(pid)) is not None}


def database_backends(name: str) -> list[int]:
    """The PostgreSQL backends serving database ``name`` (their title names it)."""
    found = []
    needle = f" {name} ".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if title.startswith(b"postgres:") and needle in title:
                found.append(int(entry.name))
    return found


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


@dataclass
class MemoryWatch:
    """Samples the server tree's resident memory; keeps the peak sum and each VmHWM."""

    pid: int
    interval: float = 0.25
    peak_rss_kib: int = 0
    hwm_kib: dict[int, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="memory-watch", daemon=True)
        self._thread.start()

    def sample(self) -> None:
        total = 0
        for pid in process_tree(self.pid):
            total += _status_kib(pid, "VmRSS")
            hwm = _status_kib(pid, "VmHWM")
            if hwm:
                self.hwm_kib[pid] = max(self.hwm_kib.get(pid, 0), hwm)
        self.peak_rss_kib = max(self.peak_rss_kib, total)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self.sample()
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    @property
    def peak_mib(self) -> float:
        return self.peak_rss_kib / 1024

    @property
    def hwm_sum_mib(self) -> float:
        return sum(self.hwm_kib.values()) / 1024


class Server:
    """``leadcrm serve --port P --workers N`` with the bench endpoints switched on."""

    def __init__(
        self,
        env: dict[str, str],
        var_dir: Path,
        processes: int,
        log: IO[str],
        postgres_database: str | None = None,
    ) -> None:
        self.env = env
        self.postgres_database = postgres_database
        self.var_dir = var_dir
        self.processes = processes
        self.log = log
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.memory: MemoryWatch | None = None
        self.webhook_path = ""

    def __enter__(self) -> Server:
        command = [leadcrm_command(), "serve", "--port", str(self.port)]
        if self.processes > 1:
            command += ["--workers", str(self.processes)]
        self.proc = subprocess.Popen(
            command, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        try:
            self._wait_ready()
            self.webhook_path = self._webhook_path()
        except BaseException:
            self.stop()
            raise
        self.memory = MemoryWatch(self.proc.pid)
        self.memory.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _wait_ready(self) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"leadcrm serve exited with {self.proc.returncode}; see its log")
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("leadcrm serve did not answer /healthz in time")

    def _webhook_path(self) -> str:
        url = (self.var_dir / ADMIN_WEBHOOK_FILE).read_text().strip()
        path = urlsplit(url).path
        return path if path.endswith("/") else path + "/"

    def wait_idle(self, timeout: float = 300.0, window: float = 0.25) -> float:
        """Wait until the server has finished what the last load left queued (a load stops
        sending, but a server still works through the requests it had accepted): two windows
        in a row in which the process tree used under 10% of a core. Returns the wait."""
        assert self.proc is not None
        started = time.monotonic()
        quiet = 0
        before = cpu_seconds(process_tree(self.proc.pid))
        while quiet < 2 and time.monotonic() - started < timeout:
            time.sleep(window)
            after = cpu_seconds(process_tree(self.proc.pid))
            quiet = quiet + 1 if after - before < 0.1 * window else 0
            before = after
        return time.monotonic() - started

    def cpu_snapshot(self) -> tuple[dict[int, float], dict[int, float]]:
        """CPU seconds so far of each server process and each database backend."""
        assert self.proc is not None
        server = cpu_by_pid(process_tree(self.proc.pid))
        backends = database_backends(self.postgres_database) if self.postgres_database else []
        return server, cpu_by_pid(backends)

    def workers(self) -> list[int]:
        """The processes that serve requests: the workers under a supervisor, or the one."""
        assert self.proc is not None
        tree = process_tree(self.proc.pid)
        if self.processes > 1:
            return [pid for pid in tree if pid != self.proc.pid]
        return [self.proc.pid]

    def stop(self) -> None:
        if self.memory is not None:
            self.memory.stop()
        if self.proc is None or self.proc.poll() is not None:
            return
        tree = process_tree(self.proc.pid)
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for pid in tree[1:]:  # workers a stuck supervisor left behind: ours, by id
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
