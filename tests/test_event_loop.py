"""The event loop never does NER: analysis runs in worker processes, the loop stays free."""

from __future__ import annotations

import asyncio
import os
import time

import aiohttp

from guardproxy.nlp.pool import ProcessOffloader
from tests.conftest import Proxy

LONG_REPLY = (
    "Maria Gonzalez from Madrid wrote to maria.gonzalez@example.com about the invoice, and "
    "Peter Novak in Prague answered from peter.novak@example.org the same afternoon. "
) * 6


async def test_analysis_runs_in_another_process(proxy: Proxy, nlp_pool: ProcessOffloader) -> None:
    nlp_pool.worker_pids_seen.clear()
    async with (
        aiohttp.ClientSession() as s,
        s.post(
            proxy.server.make_url("/v1/chat/completions"),
            json={"model": "m", "messages": [{"role": "user", "content": "hi"}]},
            headers={"x-mock-reply": LONG_REPLY},
        ) as r,
    ):
        body = await r.json()
    assert "maria.gonzalez@example.com" not in body["choices"][0]["message"]["content"]
    assert nlp_pool.worker_pids_seen
    assert os.getpid() not in nlp_pool.worker_pids_seen
    assert nlp_pool.worker_pids_seen <= set(nlp_pool.worker_pids)


async def test_loop_lag_stays_small_under_concurrent_pii_load(proxy: Proxy) -> None:
    """While 24 requests are analysed, the loop keeps ticking: its worst lag is a small
    fraction of the analysis time the workers spent (which would all be lag if the loop
    did the work itself)."""
    lags: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        interval = 0.005
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(interval)
            lags.append(time.perf_counter() - before - interval)

    async def one(session: aiohttp.ClientSession) -> str:
        async with session.post(
            proxy.server.make_url("/v1/chat/completions"),
            json={"model": "m", "messages": [{"role": "user", "content": "hi"}]},
            headers={"x-mock-reply": LONG_REPLY},
        ) as r:
            return r.headers["X-Guard-Decision-Id"]

    tick = asyncio.create_task(ticker())
    async with aiohttp.ClientSession() as s:
        ids = await asyncio.gather(*(one(s) for _ in range(24)))
    stop.set()
    await tick
    check_time = 0.0
    for decision_id in ids:
        record = await proxy.runtime.audit.get(decision_id)
        assert record is not None
        check_time += record["choices"][0]["check_latency_s"]["pii"]
    # workers spent check_time analysing; the loop never stalled for a tenth of it
    assert max(lags) < check_time / 10, (max(lags), check_time)
