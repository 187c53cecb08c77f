"""Optional sampling profile of the server under load (``--profile``): py-spy, if installed.

Every thread that is not idle is sampled (py-spy's ``--gil`` mode, which would show only the
GIL's holder, gave almost no samples here). A thread blocked on the GIL counts as busy, so the
shares say where requests spend their time, not only where the GIL is held. py-spy pauses the
server to sample it: rates during a profile are far below the benchmark's.

py-spy is not a project dependency: ``.venv/bin/pip install py-spy`` for a session. The raw
(collapsed) stacks are kept next to the results; the summary gives each function's inclusive
share of the busy samples and each package's share of the innermost (self) frames.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

# Frames every sample of the serving process passes through.
_WRAPPERS = ("leadcrm.cli:", "leadcrm.server:run")
_FRAME = re.compile(r"^(?P<name>.*?) \((?P<path>[^()]*)\)$")


def py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


def start(pid: int, seconds: float, output: Path) -> subprocess.Popen[bytes]:
    command = py_spy()
    if command is None:
        raise SystemExit("--profile needs py-spy: .venv/bin/pip install py-spy")
    return subprocess.Popen(
        [
            command,
            "record",
            "--pid",
            str(pid),
            "--subprocesses",
            "--duration",
            str(max(1, round(seconds))),
            "--rate",
            "200",
            "--nolineno",
            "--format",
            "raw",
            "--output",
            str(output),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _package(path: str) -> str:
    """``leadcrm/rest/transport.py`` -> ``leadcrm.rest.transport``; a library -> its name."""
    module = path.removesuffix(".py").replace("/", ".")
    return module if module.startswith("leadcrm") else module.split(".", 1)[0]


def summarise(raw: Path, top: int = 25) -> str:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        frames = []
        for part in stack.split(";"):
            match = _FRAME.match(part)
            if match and match["path"].endswith(".py"):
                frames.append((match["name"], match["path"]))
        if not frames:
            continue
        total += count
        seen = set()
        for name, path in frames:
            label = f"{_package(path)}:{name}"
            if label not in seen:
                seen.add(label)
                inclusive[label] += count
        own[_package(frames[-1][1])] += count
        leaf[f"{_package(frames[-1][1])}:{frames[-1][0]}"] += count
    if not total:
        return "no samples\n"
    ours = Counter(
        {
            label: n
            for label, n in inclusive.items()
            if label.startswith("leadcrm.") and not label.startswith(_WRAPPERS)
        }
    )
    lines = [f"{total} samples of busy threads", "", "inclusive, leadcrm's functions:"]
    lines += [f"  {n / total:6.1%}  {label}" for label, n in ours.most_common(top)]
    lines += ["", "self (innermost Python frame's package):"]
    lines += [f"  {n / total:6.1%}  {label}" for label, n in own.most_common(top)]
    lines += ["", "self (innermost Python frame; C work counts to its caller):"]
    lines += [f"  {n / total:6.1%}  {label}" for label, n in leaf.most_common(top)]
    return "\n".join(lines) + "\n"
