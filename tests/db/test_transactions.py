"""One transaction per call, and SQLite's writers queued on a lock that wakes them at once."""

from __future__ import annotations

import fcntl
import os
import threading

import pytest
from sqlalchemy import func, select

from leadcrm.db.transactions import WRITER_LOCK_SUFFIX, transaction
from leadcrm.runtime import Runtime
from leadcrm.users.service import create_user
from leadcrm.users.tables import users
from tests.support import Api


def _user_count(runtime: Runtime) -> int:
    with runtime.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(users)).scalar_one())


def test_a_block_commits_when_it_ends_and_rolls_back_when_it_raises(runtime: Runtime) -> None:
    before = _user_count(runtime)
    with transaction(runtime.engine, writes=True) as conn:
        create_user(conn, name="Kept", zone=runtime.zone)
    with pytest.raises(RuntimeError), transaction(runtime.engine, writes=True) as conn:
        create_user(conn, name="Undone", zone=runtime.zone)
        raise RuntimeError("refused")
    assert _user_count(runtime) == before + 1


@pytest.mark.parametrize("template", ["sqlite"], indirect=True)  # PostgreSQL needs no queue
def test_a_sqlite_writer_waits_for_a_writer_of_another_process(api: Api) -> None:
    """Another process holding the queue's file lock keeps this process's writers waiting,
    readers not; released, the waiting write goes through at once."""
    database = api.runtime.engine.url.database
    assert database
    other_process = os.open(database + WRITER_LOCK_SUFFIX, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(other_process, fcntl.LOCK_EX)
        answers: list[int] = []
        writer = threading.Thread(
            target=lambda: answers.append(api.call("crm.lead.add", {"fields": {"TITLE": "Q"}}))
        )
        writer.start()
        writer.join(0.5)
        assert writer.is_alive() and not answers
        assert api.call("crm.lead.list", {"select": ["ID"]}) == []  # readers go on
        fcntl.flock(other_process, fcntl.LOCK_UN)
        writer.join(10)
        assert not writer.is_alive()
        assert [lead["ID"] for lead in api.call("crm.lead.list")] == [str(answers[0])]
    finally:
        os.close(other_process)
