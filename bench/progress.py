"""A progress bar on stderr: redrawn in place on a terminal, a line per tenth otherwise."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, label: str, total: int, unit: str) -> None:
        self.label = label
        self.total = max(total, 1)
        self.unit = unit
        self.done = 0
        self.started = time.perf_counter()
        self._drawn = 0.0
        self._tenth = -1
        self._tty = sys.stderr.isatty()

    def advance(self, count: int) -> None:
        self.done += count
        now = time.perf_counter()
        if self._tty and now - self._drawn >= 0.2:
            self._drawn = now
            self._draw(end="\r")
        elif not self._tty and self.done * 10 // self.total > self._tenth:
            self._tenth = self.done * 10 // self.total
            self._draw(end="\n")

    def close(self) -> float:
        elapsed = time.perf_counter() - self.started
        if self._tty or self._tenth < 10:
            self._draw(end="\n")
        return elapsed

    def _draw(self, end: str) -> None:
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        share = min(self.done / self.total, 1.0)
        filled = int(share * 30)
        bar = "#" * filled + "." * (30 - filled)
        rate = self.done / elapsed
        sys.stderr.write(
            f"  {self.label} [{bar}] {share:6.1%} {self.done:,}/{self.total:,} {self.unit} "
            f"{rate:,.0f}/s {elapsed:5.1f}s{end}"
        )
        sys.stderr.flush()
