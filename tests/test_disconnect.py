"""A client that goes away mid-stream cancels the upstream request; the decision is kept."""

from __future__ import annotations

import asyncio
import json

import aiohttp
from aiohttp import web

from tests.conftest import ProxyFactory


async def test_client_disconnect_cancels_upstream(
    make_proxy: ProxyFactory,
    aiohttp_server,  # type: ignore[no-untyped-def]
) -> None:
    upstream_gone = asyncio.Event()
    sent = 0

    async def slow_stream(request: web.Request) -> web.StreamResponse:
        nonlocal sent
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        try:
            for i in range(400):
                chunk = {
                    "id": "c",
                    "object": "chat.completion.chunk",
                    "created": 1,
                    "model": "m",
                    "choices": [
                        {"index": 0, "delta": {"content": f"word{i} "}, "finish_reason": None}
                    ],
                }
                await resp.write(f"data: {json.dumps(chunk)}\n\n".encode())
                sent += 1
                await asyncio.sleep(0.01)
        except (ConnectionResetError, aiohttp.ClientConnectionResetError):
            upstream_gone.set()
            raise
        except asyncio.CancelledError:
            upstream_gone.set()
            raise
        return resp

    app = web.Application()
    app.router.add_post("/v1/chat/completions", slow_stream)
    upstream = await aiohttp_server(app)
    proxy = await make_proxy(upstream=str(upstream.make_url("/v1")))

    async with aiohttp.ClientSession() as s:
        resp = await s.post(
            proxy.server.make_url("/v1/chat/completions"),
            json={"model": "m", "stream": True, "messages": [{"role": "user", "content": "x"}]},
        )
        decision_id = resp.headers["X-Guard-Decision-Id"]
        got = b""
        while b"word20" not in got:
            got += await resp.content.readany()
        resp.close()  # the client goes away mid-stream

    await asyncio.wait_for(upstream_gone.wait(), timeout=10)
    assert sent < 400
    record = None
    for _ in range(100):
        record = await proxy.runtime.audit.get(decision_id)
        if record is not None:
            break
        await asyncio.sleep(0.05)
    assert record is not None
    assert record["outcome"] == "client_disconnect"
    assert proxy.metric("guardproxy_client_disconnects_total", {"route": "chat_completions"}) == 1


async def test_non_stream_disconnect_is_recorded(proxy) -> None:  # type: ignore[no-untyped-def]
    async with aiohttp.ClientSession() as s:
        task = asyncio.create_task(
            s.post(
                proxy.server.make_url("/v1/chat/completions"),
                json={"model": "m", "messages": [{"role": "user", "content": "x"}]},
                headers={"x-mock-first-byte-delay-ms": "3000"},
            )
        )
        await asyncio.sleep(0.5)
        task.cancel()
    for _ in range(100):
        files = list(proxy.audit_dir.glob("*.jsonl"))
        lines = [json.loads(x) for f in files for x in f.read_text().splitlines()]
        if lines:
            break
        await asyncio.sleep(0.05)
    assert lines[-1]["outcome"] == "client_disconnect"
