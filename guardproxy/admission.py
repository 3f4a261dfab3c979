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
    """Counts requests in flight and admits, queues or sheds new ones."""

    def __init__(
        self, limit: int, mode: SaturationMode = "shed", queue_timeout_s: float = 5.0
    ) -> None:
        self.limit = limit
        """0 means unlimited: every request is admitted at once."""
        self.mode = mode
        self.queue_timeout_s = queue_timeout_s
        self.active = 0
        self.waiting = 0
        self._freed = asyncio.Condition()

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a slot for the body of the block; raises Saturated when none is free."""
        if self.limit and self.active >= self.limit:
            await self._wait_for_slot()
        self.active += 1
        try:
            yield
        finally:
            self.active -= 1
            if self.waiting:
                async with self._freed:
                    self._freed.notify_all()

    async def _wait_for_slot(self) -> None:
        if self.mode == "shed":
            raise Saturated(self.limit, 0.0)
        loop = asyncio.get_running_loop()
        started = loop.time()
        self.waiting += 1
        try:
            async with self._freed:
                await asyncio.wait_for(
                    self._freed.wait_for(lambda: self.active < self.limit),
                    self.queue_timeout_s,
                )
        except TimeoutError:
            raise Saturated(self.limit, loop.time() - started) from None
        finally:
            self.waiting -= 1
