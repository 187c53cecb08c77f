"""One transaction per call; on SQLite a writer's takes the database's write lock at BEGIN."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine

from leadcrm.db.engine import is_sqlite

WRITER_LOCK_SUFFIX = "-writer.lock"


@contextmanager
def transaction(engine: Engine, *, writes: bool) -> Iterator[Connection]:
    """A connection inside a transaction, committed when the block ends, rolled back on error.

    SQLite has one writer at a time, and a writer waiting in busy_timeout sleeps in steps of
    up to 100 ms, which starves a busy server. So writers first queue on a lock that wakes the
    next one the moment it is released: a thread lock within a process, and an flock(2) on a
    file beside the database between processes (``serve --workers N``). SQLite's own lock
    still decides; the queue only spares the sleeping. PostgreSQL needs none of it.
    """
    with engine.connect() as conn:
        if not (writes and is_sqlite(engine)):
            with conn.begin():
                yield conn
            return
        with _queue(engine).turn():
            writer = conn.execution_options(sqlite_begin="IMMEDIATE")
            with writer.begin():
                yield writer


class _WriterQueue:
    def __init__(self, database: str | None) -> None:
        self._threads = threading.Lock()
        self._path = (
            database + WRITER_LOCK_SUFFIX if database not in (None, "", ":memory:") else None
        )
        self._fd: int | None = None

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self._threads:
            fd = self._file()
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fd is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)

    def _file(self) -> int | None:
        # Opened on first use, under the thread lock, once per process.
        if self._fd is None and self._path is not None:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd


_queues: WeakKeyDictionary[Engine, _WriterQueue] = WeakKeyDictionary()
_registering = threading.Lock()


def _queue(engine: Engine) -> _WriterQueue:
    with _registering:
        queue = _queues.get(engine)
        if queue is None:
            queue = _queues[engine] = _WriterQueue(engine.url.database)
        return queue
