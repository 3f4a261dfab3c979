"""Hostile or broken upstreams and odd requests: nothing unchecked reaches the client, the
response stays well-formed, and the decision is recorded."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.conftest import Proxy, ProxyFactory

SECRET = "ana.silva@example.com"
CHAT = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}


def chunk(content: Any, index: Any = 0, finish: Any = None) -> str:
    body = {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": index, "delta": {"content": content}, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n"


RECEIVED: web.AppKey[list[bytes]] = web.AppKey("received", list)


async def scripted(request: web.Request) -> web.StreamResponse:
    """Sends the raw body parts named in x-test-parts with content type x-test-ctype."""
    request.app[RECEIVED].append(await request.read())
    parts: list[str] = json.loads(request.headers["x-test-parts"])
    ctype = request.headers.get("x-test-ctype", "text/event-stream")
    resp = web.StreamResponse(headers={"Content-Type": ctype})
    await resp.prepare(request)
    for part in parts:
        await resp.write(part.encode())
    if request.headers.get("x-test-cut"):
        assert request.transport is not None
        request.transport.close()
        return resp
    await resp.write_eof()
    return resp


@pytest.fixture
async def hproxy(make_proxy: ProxyFactory, aiohttp_server: Any) -> Proxy:
    app = web.Application()
    app[RECEIVED] = []
    app.router.add_route("*", "/{tail:.*}", scripted)
    upstream = await aiohttp_server(app)
    proxy = await make_proxy(
        upstream=str(upstream.make_url("/v1")),
        anthropic_upstream=str(upstream.make_url("")).rstrip("/"),
        unguarded_generation="pass",
    )
    proxy.upstream = upstream  # requests are recorded in RECEIVED
    return proxy


async def call(
    proxy: Proxy, path: str, parts: list[str], body: Any = None, **headers: str
) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as s,
        s.post(
            proxy.server.make_url(path),
            data=json.dumps(body if body is not None else {**CHAT, "stream": True}),
            headers={
                "Content-Type": "application/json",
                "x-test-parts": json.dumps(parts),
                "anthropic-version": "2023-06-01",
                **headers,
            },
            timeout=aiohttp.ClientTimeout(total=20),
        ) as r,
    ):
        return r.status, (await r.read()).decode()


def records(proxy: Proxy) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for f in sorted(proxy.audit_dir.glob("audit-*-0*.jsonl"))
        for line in f.read_text().splitlines()
    ]


@pytest.mark.parametrize(
    "bad",
    [
        'data: {"id":"x","choices":"abc"}\n\n',
        'data: {"id":"x","choices":[{"index":null,"delta":{"content":"' + SECRET + '"}}]}\n\n',
        'data: {"id":"x","choices":[{"index":0,"delta":{"content":["' + SECRET + '"]}}]}\n\n',
    ],
)
async def test_malformed_openai_chunks_never_break_the_response(hproxy: Proxy, bad: str) -> None:
    status, body = await call(
        hproxy,
        "/v1/chat/completions",
        [chunk("Hello "), bad, chunk("there.", finish="stop"), "data: [DONE]\n\n"],
    )
    assert status == 200
    assert SECRET not in body
    assert body.rstrip().endswith("data: [DONE]") or '"error"' in body
    assert records(hproxy)[-1]["id"]


async def test_malformed_anthropic_text_event_ends_with_error(hproxy: Proxy) -> None:
    parts = [
        'event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"usage":{"input_tokens":1,"output_tokens":1}}}\n\n',
        'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
        f'event: content_block_delta\ndata: {{"type":"content_block_delta","index":"0","delta":{{"type":"text_delta","text":"{SECRET}"}}}}\n\n',
        "event: content_block_delta\ndata: {not json " + SECRET + "\n\n",
    ]
    status, body = await call(
        hproxy, "/v1/messages", parts, {**CHAT, "max_tokens": 5, "stream": True}
    )
    assert status == 200
    assert SECRET not in body
    assert "event: error" in body
    assert records(hproxy)[-1]["outcome"] == "upstream_error"


async def test_non_stream_request_answered_with_sse_is_refused(hproxy: Proxy) -> None:
    status, body = await call(hproxy, "/v1/chat/completions", [chunk(SECRET)], CHAT)
    assert status == 502 and SECRET not in body
    assert "cannot inspect" in json.loads(body)["error"]["message"]


async def test_stream_request_answered_with_json_is_still_checked(hproxy: Proxy) -> None:
    answer = {
        "id": "x",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": f"Mail {SECRET} now."},
            }
        ],
    }
    status, body = await call(
        hproxy,
        "/v1/chat/completions",
        [json.dumps(answer)],
        {**CHAT, "stream": True},
        **{"x-test-ctype": "application/json"},
    )
    assert status == 200 and SECRET not in body and "<EMAIL_ADDRESS>" in body


async def test_stream_given_as_a_string_is_not_a_stream(hproxy: Proxy) -> None:
    status, body = await call(
        hproxy, "/v1/chat/completions", [chunk(SECRET)], {**CHAT, "stream": "false"}
    )
    assert status == 502 and SECRET not in body


@pytest.mark.parametrize("path", ["/v1/chat/completions/", "/v1//chat/completions"])
async def test_path_variants_are_guarded(hproxy: Proxy, path: str) -> None:
    status, body = await call(
        hproxy, path, [chunk(f"Mail {SECRET} now. "), chunk("", finish="stop"), "data: [DONE]\n\n"]
    )
    assert status == 200 and SECRET not in body


async def test_escaped_guardproxy_key_never_reaches_upstream(hproxy: Proxy) -> None:
    raw = (
        '{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}],'
        '"guard\\u0070roxy":{"sources":[{"text":"private source"}]}}'
    )
    seen: list[bytes] = []

    async with (
        aiohttp.ClientSession() as s,
        s.post(
            hproxy.server.make_url("/v1/chat/completions"),
            data=raw,
            headers={
                "Content-Type": "application/json",
                "x-test-parts": json.dumps([chunk("ok", finish="stop"), "data: [DONE]\n\n"]),
            },
        ) as r,
    ):
        seen.append(await r.read())
    assert r.status == 200
    # the upstream got a re-serialised body without the object
    sent = hproxy.upstream.app[RECEIVED][-1]
    assert b"private source" not in sent and b"guard" not in sent
    assert records(hproxy)[-1]["outcome"] == "ok"


async def test_upstream_error_event_ends_the_stream(hproxy: Proxy) -> None:
    parts = [
        chunk("Hello there, "),
        chunk(f"write to {SECRET}"),
        'data: {"error": {"message": "overloaded", "type": "server_error"}}\n\n',
        chunk(" more text", finish="stop"),
        "data: [DONE]\n\n",
    ]
    status, body = await call(hproxy, "/v1/chat/completions", parts)
    assert status == 200
    assert SECRET not in body
    after_error = body.split('"overloaded"', 1)[1]
    assert "more text" not in after_error and "Hello" not in after_error
    assert records(hproxy)[-1]["outcome"] == "upstream_error"


async def test_stream_without_done_ends_with_an_error_event(hproxy: Proxy) -> None:
    status, body = await call(hproxy, "/v1/chat/completions", [chunk("Hello there friend.")])
    assert status == 200
    assert "Hello there friend." in body
    assert "without its final event" in body
    assert records(hproxy)[-1]["outcome"] == "upstream_error"


async def test_passthrough_upstream_break_is_not_a_hang(hproxy: Proxy) -> None:
    with pytest.raises(aiohttp.ClientPayloadError):
        await asyncio.wait_for(
            call(
                hproxy,
                "/v1/responses",
                ['{"partial": '],
                {"model": "m", "input": "x"},
                **{"x-test-ctype": "application/json", "x-test-cut": "1"},
            ),
            timeout=15,
        )
    assert records(hproxy)[-1]["outcome"] == "upstream_error"
