"""Admission control: how many proxied requests one worker handles at once.

Past its capacity a proxy either queues (latency grows for everyone, then clients time
out) or sheds (some clients get a fast 503 with ``Retry-After`` and retry elsewhere).
Shedding keeps latency bounded for the requests it admits; queueing suits a single
client that would rather wait. Both are bounded: a queued request that waits longer than
``queue_timeout_s`` is shed too, so a stalled upstream never builds an unbounded backlog.
A stream holds its slot until it ends.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from collections.abc import AsyncIterator
from typing import Literal

SaturationMode = Literal["shed", "queue"]


class Saturated(Exception):
    """No slot for this request: answer 503 with Retry-After."""

    def __init__(self, limit: int, waited_s: float) -> None:
        self.limit = limit
        self.waited_s = waited_s
        how = f" after waiting {waited_s:.1f} s" if waited_s else ""
        super().__init__(
            f"guardproxy is at its limit of {limit} requests in flight on this worker{how}; "
            "retry after the interval in Retry-After (server setting max_in_flight)"
        )


class Admission:
    """Counts requests in flight and admits, queues (first come, first served) or sheds."""

    def __init__(
        self, limit: int, mode: SaturationMode = "shed", queue_timeout_s: float = 5.0
    ) -> None:
        self.limit = limit
        """0 means unlimited: every request is admitted at once."""
        self.mode = mode
        self.queue_timeout_s = queue_timeout_s
        self.active = 0
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    @property
    def waiting(self) -> int:
        return sum(1 for w in self._waiters if not w.done())

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a slot for the body of the block; raises Saturated when none is free."""
        if self.limit and (self.active >= self.limit or self._waiters):
            # a newcomer never overtakes a request that is already queued
            await self._wait_for_slot()
        else:
            self.active += 1
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        """Hand the slot to the longest waiter, or free it."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot passes on: active stays the same
                return
        self.active -= 1

    async def _wait_for_slot(self) -> None:
        if self.mode == "shed":
            raise Saturated(self.limit, 0.0)
        loop = asyncio.get_running_loop()
        started = loop.time()
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(asyncio.shield(waiter), self.queue_timeout_s)
        except (TimeoutError, asyncio.CancelledError) as exc:
            if waiter.done() and not waiter.cancelled():
                self._release()  # handed a slot just as we gave up: pass it on
            else:
                waiter.cancel()
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)
            if isinstance(exc, asyncio.CancelledError):
                raise
            raise Saturated(self.limit, loop.time() - started) from None
