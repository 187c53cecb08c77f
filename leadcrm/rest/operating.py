"""The ``operating`` figure of the time block: a method's summed processing time per credential.

Kept per process: it is reported, not enforced, so a lost or split counter costs accuracy only.
"""

from __future__ import annotations

import threading
import time

WINDOW_SECONDS = 600


class OperatingClock:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spent: dict[tuple[str, str], tuple[float, float]] = {}

    def add(self, credential: str, method: str, seconds: float) -> float:
        key = (credential, method.lower())
        now = time.time()
        with self._lock:
            window_start, spent = self._spent.get(key, (now, 0.0))
            if now - window_start > WINDOW_SECONDS:
                window_start, spent = now, 0.0
            spent += seconds
            self._spent[key] = (window_start, spent)
            if len(self._spent) > 100_000:
                self._spent.clear()
        return spent
