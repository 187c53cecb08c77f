"""One transaction per call; on SQLite a writer's takes the database's write lock at BEGIN."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine

from leadcrm.db.engine import is_sqlite

_writers: WeakKeyDictionary[Engine, threading.Lock] = WeakKeyDictionary()
_registering = threading.Lock()


@contextmanager
def transaction(engine: Engine, *, writes: bool) -> Iterator[Connection]:
    """A connection inside a transaction, committed when the block ends, rolled back on error.

    SQLite has one writer at a time, and a writer waiting in busy_timeout sleeps in steps of
    up to 100 ms, which starves a busy server. So this process's writers queue on a lock of
    their own and reach SQLite's lock one at a time; writers of other processes still meet on
    SQLite's lock, which stays the one that decides. PostgreSQL needs neither.
    """
    with engine.connect() as conn:
        if not (writes and is_sqlite(engine)):
            with conn.begin():
                yield conn
            return
        with _writer_lock(engine):
            writer = conn.execution_options(sqlite_begin="IMMEDIATE")
            with writer.begin():
                yield writer


def _writer_lock(engine: Engine) -> threading.Lock:
    with _registering:
        lock = _writers.get(engine)
        if lock is None:
            lock = _writers[engine] = threading.Lock()
        return lock
