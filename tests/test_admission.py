"""Admission control: past max_in_flight a worker sheds with 503 + Retry-After, or queues
for a bounded time; guard and health routes are never refused."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from guardproxy.admission import Admission, Saturated
from tests.conftest import ProxyFactory

CHAT = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
SLOW = {"x-mock-first-byte-delay-ms": "400", "X-Guard-Policy": "passthrough"}


async def test_unlimited_admits_everything() -> None:
    admission = Admission(0)
    async with admission.slot(), admission.slot():
        assert admission.active == 2
    assert admission.active == 0


async def test_shed_refuses_at_the_limit_and_frees_the_slot_after() -> None:
    admission = Admission(1, "shed")
    async with admission.slot():
        with pytest.raises(Saturated, match="limit of 1 requests in flight"):
            async with admission.slot():
                pass
    async with admission.slot():
        assert admission.active == 1


async def test_queue_waits_for_a_freed_slot() -> None:
    admission = Admission(1, "queue", queue_timeout_s=5)
    order: list[str] = []

    async def first() -> None:
        async with admission.slot():
            order.append("first in")
            await asyncio.sleep(0.05)
            order.append("first out")

    async def second() -> None:
        await asyncio.sleep(0.01)
        async with admission.slot():
            order.append("second in")

    await asyncio.gather(first(), second())
    assert order == ["first in", "first out", "second in"]
    assert admission.waiting == 0 and admission.active == 0


async def test_queue_gives_up_after_its_timeout() -> None:
    admission = Admission(1, "queue", queue_timeout_s=0.05)
    async with admission.slot():
        with pytest.raises(Saturated) as caught:
            async with admission.slot():
                pass
    assert caught.value.waited_s >= 0.05
    assert admission.waiting == 0


async def test_a_queued_waiter_that_gives_up_does_not_strand_the_next() -> None:
    admission = Admission(1, "queue", queue_timeout_s=0.05)
    hold = asyncio.Event()

    async def holder() -> None:
        async with admission.slot():
            await hold.wait()

    task = asyncio.create_task(holder())
    await asyncio.sleep(0)
    with pytest.raises(Saturated):
        async with admission.slot():
            pass
    admission.queue_timeout_s = 5
    entered = asyncio.Event()

    async def next_waiter() -> None:
        async with admission.slot():
            entered.set()

    waiter = asyncio.create_task(next_waiter())
    await asyncio.sleep(0.01)
    assert not entered.is_set()
    hold.set()
    await task
    await asyncio.wait_for(waiter, 1)
    assert entered.is_set() and admission.active == 0


async def test_proxy_sheds_with_retry_after_in_the_provider_shape(
    make_proxy: ProxyFactory,
) -> None:
    proxy = await make_proxy(max_in_flight=1, retry_after_s=3)
    async with aiohttp.ClientSession() as session:

        async def call(path: str, body: dict[str, object]) -> aiohttp.ClientResponse:
            async with session.post(proxy.url + path, json=body, headers=SLOW) as resp:
                await resp.read()
                return resp

        slow = asyncio.create_task(call("/v1/chat/completions", CHAT))
        await asyncio.sleep(0.1)
        async with session.post(proxy.url + "/v1/chat/completions", json=CHAT) as resp:
            assert resp.status == 503
            assert resp.headers["Retry-After"] == "3"
            body = await resp.json()
            assert body["error"]["code"] == "overloaded"
            assert "max_in_flight" in body["error"]["message"]
        anthropic = {"model": "m", "max_tokens": 8, "messages": CHAT["messages"]}
        async with session.post(proxy.url + "/v1/messages", json=anthropic) as resp:
            assert resp.status == 503
            assert (await resp.json())["type"] == "error"
        async with session.get(proxy.url + "/healthz") as resp:
            assert resp.status == 200
        async with session.get(proxy.url + "/metrics") as resp:
            assert resp.status == 200
        assert (await slow).status == 200
        async with session.post(proxy.url + "/v1/chat/completions", json=CHAT) as resp:
            assert resp.status == 200
    assert proxy.metric("guardproxy_saturation_rejections_total", {"reason": "shed"}) == 2


async def test_proxy_queue_mode_serves_the_second_request_after_the_first(
    make_proxy: ProxyFactory,
) -> None:
    proxy = await make_proxy(max_in_flight=1, saturation="queue", queue_timeout_s=5)
    async with aiohttp.ClientSession() as session:

        async def call() -> int:
            async with session.post(
                proxy.url + "/v1/chat/completions", json=CHAT, headers=SLOW
            ) as resp:
                await resp.read()
                return resp.status

        assert await asyncio.gather(call(), call()) == [200, 200]
    assert proxy.metric("guardproxy_saturation_rejections_total", {"reason": "shed"}) == 0


async def test_an_open_stream_holds_its_slot_until_it_ends(make_proxy: ProxyFactory) -> None:
    proxy = await make_proxy(max_in_flight=1)
    stream_body = {**CHAT, "stream": True}
    headers = {"x-mock-chunks": "5", "x-mock-chunk-delay-ms": "80"}
    async with aiohttp.ClientSession() as session:
        async with session.post(
            proxy.url + "/v1/chat/completions", json=stream_body, headers=headers
        ) as stream:
            assert stream.status == 200
            await stream.content.readline()
            async with session.post(proxy.url + "/v1/chat/completions", json=CHAT) as resp:
                assert resp.status == 503
            await stream.read()
        async with session.post(proxy.url + "/v1/chat/completions", json=CHAT) as resp:
            assert resp.status == 200


async def test_queued_requests_are_served_in_arrival_order() -> None:
    admission = Admission(1, "queue", queue_timeout_s=5)
    order: list[int] = []
    gate = asyncio.Event()

    async def holder() -> None:
        async with admission.slot():
            await gate.wait()

    async def request(n: int) -> None:
        async with admission.slot():
            order.append(n)
            await asyncio.sleep(0)

    first = asyncio.create_task(holder())
    await asyncio.sleep(0)
    queued = [asyncio.create_task(request(n)) for n in range(5)]
    await asyncio.sleep(0.01)
    assert admission.waiting == 5
    gate.set()
    late = [asyncio.create_task(request(n)) for n in range(5, 8)]  # arrive while handing over
    await asyncio.gather(first, *queued, *late)
    assert order == list(range(8))
    assert admission.active == 0 and admission.waiting == 0


async def test_a_cancelled_waiter_gives_its_turn_to_the_next() -> None:
    admission = Admission(1, "queue", queue_timeout_s=5)
    gate = asyncio.Event()
    served: list[str] = []

    async def holder() -> None:
        async with admission.slot():
            await gate.wait()

    async def request(name: str) -> None:
        async with admission.slot():
            served.append(name)

    first = asyncio.create_task(holder())
    await asyncio.sleep(0)
    doomed = asyncio.create_task(request("doomed"))
    after = asyncio.create_task(request("after"))
    await asyncio.sleep(0.01)
    doomed.cancel()
    gate.set()
    await asyncio.gather(first, after)
    assert served == ["after"] and doomed.cancelled()
    assert admission.active == 0 and admission.waiting == 0
