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
# How long a lane waits for the rest of its batch before leaving it to finish on its own.
GRACE_SECONDS = 0.5
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
        self._stragglers: set[asyncio.Task[None]] = set()

    async def round(self, clients: asyncio.Queue[httpx.AsyncClient], *, probe: bool = False) -> int:
        """Claim a batch, send it and settle it; how many were claimed.

        The lane waits for its batch only ``GRACE_SECONDS``: deliveries still out then (a
        slow handler's) finish and settle on a task of their own, holding only their
        clients, while the lane goes on.
        """
        claimed = await asyncio.to_thread(self._claim, probe=probe)
        if not claimed:
            return 0
        sending = {
            asyncio.create_task(delivery.send_one(clients, item, allowed=self.allowed)): item
            for item in claimed
        }
        done, late = await asyncio.wait(sending, timeout=GRACE_SECONDS)
        await asyncio.to_thread(self._settle_done, sending, done)
        if late:
            straggler = asyncio.create_task(self._settle_later(sending, late))
            self._stragglers.add(straggler)
            straggler.add_done_callback(self._stragglers.discard)
        return len(claimed)

    async def _settle_later(
        self,
        sending: dict[asyncio.Task[delivery.Outcome], delivery.Claimed],
        late: set[asyncio.Task[delivery.Outcome]],
    ) -> None:
        try:
            await asyncio.wait(late)
            await asyncio.to_thread(self._settle_done, sending, late)
        except Exception:
            # Unsettled, the deliveries keep their lease and are sent again after it.
            log.exception("settling late event deliveries failed")

    def _settle_done(
        self,
        sending: dict[asyncio.Task[delivery.Outcome], delivery.Claimed],
        done: set[asyncio.Task[delivery.Outcome]],
    ) -> None:
        finished = [future for future in sending if future in done]
        if finished:
            with transaction(self.runtime.engine, writes=True) as conn:
                delivery.settle(
                    conn,
                    self.runtime,
                    [sending[future] for future in finished],
                    [future.result() for future in finished],
                )

    def _claim(self, *, probe: bool = False) -> list[delivery.Claimed]:
        """``probe``: look first with a read, as an idle lane does (a busy one just claims)."""
        if probe:
            with transaction(self.runtime.engine, writes=False) as conn:
                if not delivery.anything_due(conn):
                    return []
        with transaction(self.runtime.engine, writes=True) as conn:
            return delivery.claim(conn, self.runtime, self.tokens, limit=self.batch)

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
            try:
                yield idle
            finally:
                # What is still out finishes and is settled before the clients close.
                await asyncio.gather(*self._stragglers)

    async def run(self, stop: asyncio.Event) -> None:
        async with self.clients() as idle:
            await asyncio.gather(*(self._lane(idle, stop) for _ in range(LANES)))

    async def _lane(self, clients: asyncio.Queue[httpx.AsyncClient], stop: asyncio.Event) -> None:
        busy = 1
        while not stop.is_set():
            try:
                busy = await self.round(clients, probe=not busy)
            except Exception:
                log.exception("event delivery round failed")
                busy = 0
            if not busy:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), IDLE_SECONDS)

    async def drain(self) -> int:
        """Rounds until nothing is due now; how many were claimed (for tests and tools)."""
        total = 0
        async with self.clients() as idle:
            while True:
                claimed = await self.round(idle)
                if not claimed:
                    await asyncio.gather(*self._stragglers)
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
