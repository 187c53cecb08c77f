"""The delivery worker: rounds of claim, send, settle, in lanes that overlap their waits.

``make run`` runs one inside the server process (a thread with its own event loop);
``leadcrm worker`` runs one as a process of its own, any number of them on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator

import httpx

from leadcrm.db.transactions import transaction
from leadcrm.events import delivery
from leadcrm.runtime import Runtime

log = logging.getLogger("leadcrm.events")

IDLE_SECONDS = 0.05
LANES = 4


class Worker:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.tokens = delivery.TokenCache()
        self.allowed = delivery.allowed_networks(runtime)
        settings = runtime.settings
        self.concurrency = settings.events_concurrency
        # Each lane claims a share of the worker's concurrency at a time.
        self.batch = max(1, self.concurrency // LANES)
        self.timeout = httpx.Timeout(settings.events_timeout_seconds)
        # Clients not promised to a claimed delivery; set when one is given back.
        self._free = self.concurrency
        self._freed = asyncio.Event()
        self._flying: set[asyncio.Task[None]] = set()

    async def round(self, clients: asyncio.Queue[httpx.AsyncClient]) -> int:
        """Claim, send and settle one batch, in turn; how many were claimed (``drain``)."""
        claimed = await asyncio.to_thread(self._claim)
        if not claimed:
            return 0
        outcomes = await delivery.send_all(clients, claimed, allowed=self.allowed)
        await asyncio.to_thread(self._settle, claimed, outcomes)
        return len(claimed)

    def _claim(self, limit: int | None = None) -> list[delivery.Claimed]:
        with transaction(self.runtime.engine, writes=False) as conn:
            if not delivery.anything_due(conn):
                return []
        with transaction(self.runtime.engine, writes=True) as conn:
            return delivery.claim(conn, self.runtime, self.tokens, limit=limit or self.batch)

    def _settle(self, claimed: list[delivery.Claimed], outcomes: list[delivery.Outcome]) -> None:
        with transaction(self.runtime.engine, writes=True) as conn:
            delivery.settle(conn, self.runtime, claimed, outcomes)

    @contextlib.asynccontextmanager
    async def clients(self) -> AsyncIterator[asyncio.Queue[httpx.AsyncClient]]:
        """``concurrency`` clients of one connection each, lent out one request at a time.

        One client per connection rather than one pool: httpcore's pool checks every one of
        its connections on every request, which at a few dozen costs more than the sending.
        """
        idle: asyncio.Queue[httpx.AsyncClient] = asyncio.Queue()
        trusted = httpx.create_ssl_context()  # one trust store read, shared by all
        async with contextlib.AsyncExitStack() as stack:
            for _ in range(self.concurrency):
                # No redirects, no proxies from the environment: the handler's address only.
                client = httpx.AsyncClient(
                    timeout=self.timeout,
                    limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                    follow_redirects=False,
                    trust_env=False,
                    verify=trusted,
                )
                idle.put_nowait(await stack.enter_async_context(client))
            yield idle

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop``; what is in flight then is finished and settled.

        A claimed batch is sent and settled on a task of its own while the lanes go on
        claiming for the clients still free: a slow handler holds only the clients it is
        using, never a whole lane.
        """
        async with self.clients() as idle:
            await asyncio.gather(*(self._lane(idle, stop) for _ in range(LANES)))
            await asyncio.gather(*self._flying)

    async def _lane(self, clients: asyncio.Queue[httpx.AsyncClient], stop: asyncio.Event) -> None:
        while not stop.is_set():
            wanted = min(self.batch, self._free)
            claimed: list[delivery.Claimed] = []
            if wanted:
                self._free -= wanted  # reserved before the claim, so lanes never overbook
                try:
                    claimed = await asyncio.to_thread(self._claim, wanted)
                except Exception:
                    log.exception("claiming event deliveries failed")
                self._free += wanted - len(claimed)
            if claimed:
                task = asyncio.create_task(self._deliver(clients, claimed))
                self._flying.add(task)
                task.add_done_callback(self._flying.discard)
                continue
            self._freed.clear()
            waits = [asyncio.ensure_future(stop.wait())]
            if not wanted:
                waits.append(asyncio.ensure_future(self._freed.wait()))
            _, waiting = await asyncio.wait(
                waits, timeout=IDLE_SECONDS, return_when=asyncio.FIRST_COMPLETED
            )
            for future in waiting:
                future.cancel()

    async def _deliver(
        self, clients: asyncio.Queue[httpx.AsyncClient], claimed: list[delivery.Claimed]
    ) -> None:
        try:
            outcomes = await delivery.send_all(
                clients, claimed, allowed=self.allowed, on_sent=self._release
            )
            await asyncio.to_thread(self._settle, claimed, outcomes)
        except Exception:
            # Unsettled, the deliveries keep their lease and are sent again after it.
            log.exception("event delivery failed")

    def _release(self) -> None:
        self._free += 1
        self._freed.set()

    async def drain(self) -> int:
        """Rounds until nothing is due now; how many were claimed (for tests and tools)."""
        total = 0
        async with self.clients() as idle:
            while True:
                claimed = await self.round(idle)
                if not claimed:
                    return total
                total += claimed


def deliver_due(runtime: Runtime) -> int:
    """Send everything due now, in this thread; how many deliveries were claimed."""
    return asyncio.run(Worker(runtime).drain())


class BackgroundWorker:
    """A worker on a thread of its own, for a server process."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()
        self._thread = threading.Thread(target=self._main, name="leadcrm-events", daemon=True)

    def _main(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(Worker(self.runtime).run(self._stop))

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=30)
