"""Through the proxy with the real PII check: a value split at any offset never reaches the
client's raw bytes, for both wire formats; usage and terminal events are kept."""

from __future__ import annotations

import json

import aiohttp
import pytest
from aiohttp import web

from tests.conftest import Proxy, ProxyFactory

EMAIL = "maria.lopez@example.com"
TEXT = f"Thanks for asking. The coordinator can be reached at {EMAIL} on weekdays only."
START = TEXT.index(EMAIL)


def openai_events(chunks: list[str]) -> list[bytes]:
    base = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    out = [
        {
            **base,
            "choices": [
                {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
            ],
        }
    ]
    out += [
        {**base, "choices": [{"index": 0, "delta": {"content": c}, "finish_reason": None}]}
        for c in chunks
    ]
    out.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    out.append(
        {
            **base,
            "choices": [],
            "usage": {"prompt_tokens": 3, "completion_tokens": 9, "total_tokens": 12},
        }
    )
    return [f"data: {json.dumps(e)}\n\n".encode() for e in out] + [b"data: [DONE]\n\n"]


def anthropic_events(chunks: list[str]) -> list[bytes]:
    def ev(name: str, data: dict) -> bytes:  # type: ignore[type-arg]
        return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()

    msg = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "m",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 3, "output_tokens": 1},
    }
    out = [
        ev("message_start", {"type": "message_start", "message": msg}),
        ev(
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        ),
        ev("ping", {"type": "ping"}),
    ]
    out += [
        ev(
            "content_block_delta",
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": c}},
        )
        for c in chunks
    ]
    out += [
        ev("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ev(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": 9},
            },
        ),
        ev("message_stop", {"type": "message_stop"}),
    ]
    return out


async def scripted(request: web.Request) -> web.StreamResponse:
    """An upstream that streams exactly the chunks the test names, one write per event."""
    chunks = json.loads(request.headers["x-test-chunks"])
    events = anthropic_events(chunks) if request.path == "/v1/messages" else openai_events(chunks)
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await resp.prepare(request)
    for event in events:
        await resp.write(event)
    return resp


@pytest.fixture
async def split_proxy(make_proxy: ProxyFactory, aiohttp_server) -> Proxy:  # type: ignore[no-untyped-def]
    app = web.Application()
    app.router.add_post("/v1/chat/completions", scripted)
    app.router.add_post("/v1/messages", scripted)
    upstream = await aiohttp_server(app)
    return await make_proxy(
        upstream=str(upstream.make_url("/v1")),
        anthropic_upstream=str(upstream.make_url("")).rstrip("/"),
    )


async def fetch(proxy: Proxy, path: str, chunks: list[str]) -> str:
    async with (
        aiohttp.ClientSession() as s,
        s.post(
            proxy.server.make_url(path),
            json={
                "model": "m",
                "max_tokens": 50,
                "stream": True,
                "stream_options": {"include_usage": True},
                "messages": [{"role": "user", "content": "who?"}],
            },
            headers={"x-test-chunks": json.dumps(chunks), "anthropic-version": "2023-06-01"},
        ) as r,
    ):
        assert r.status == 200
        return (await r.read()).decode()


def delivered(raw: str, path: str) -> str:
    text = ""
    for line in raw.split("\n"):
        if not line.startswith("data: ") or line == "data: [DONE]":
            continue
        data = json.loads(line[6:])
        if path == "/v1/messages":
            if data.get("type") == "content_block_delta":
                text += data["delta"]["text"]
        else:
            for choice in data["choices"]:
                text += choice["delta"].get("content") or ""
    return text


def assert_terminal_events_kept(raw: str, path: str) -> None:
    if path == "/v1/messages":
        assert raw.rstrip().endswith('data: {"type": "message_stop"}')
        assert '"stop_reason": "end_turn"' in raw and "event: ping" in raw
    else:
        assert raw.rstrip().endswith("data: [DONE]")
        assert '"total_tokens": 12' in raw


@pytest.mark.parametrize("path", ["/v1/chat/completions", "/v1/messages"])
async def test_value_split_at_every_offset(split_proxy: Proxy, path: str) -> None:
    for offset in range(1, len(EMAIL)):
        cut = START + offset
        raw = await fetch(split_proxy, path, [TEXT[:cut], TEXT[cut:]])
        # neither the whole value nor its local part ever reaches the client's bytes
        assert EMAIL not in raw and "maria.lopez" not in raw, offset
        assert delivered(raw, path) == TEXT.replace(EMAIL, "<EMAIL_ADDRESS>"), offset
        assert_terminal_events_kept(raw, path)


@pytest.mark.parametrize("path", ["/v1/chat/completions", "/v1/messages"])
@pytest.mark.parametrize("size", [1, 3, 7])
async def test_small_chunks(split_proxy: Proxy, path: str, size: int) -> None:
    chunks = [TEXT[i : i + size] for i in range(0, len(TEXT), size)]
    raw = await fetch(split_proxy, path, chunks)
    assert EMAIL not in raw and "maria.lopez" not in raw
    assert delivered(raw, path) == TEXT.replace(EMAIL, "<EMAIL_ADDRESS>")
    assert_terminal_events_kept(raw, path)


API_KEY = "sk-proj-Ab3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5zA7bC9"
KEY_TEXT = f"Export the key like this: OPENAI_API_KEY={API_KEY} and restart the service."


@pytest.mark.parametrize("path", ["/v1/chat/completions", "/v1/messages"])
async def test_api_key_split_across_chunks_is_redacted(split_proxy: Proxy, path: str) -> None:
    start = KEY_TEXT.index(API_KEY)
    for offset in range(1, len(API_KEY), 5):
        cut = start + offset
        raw = await fetch(split_proxy, path, [KEY_TEXT[:cut], KEY_TEXT[cut:]])
        assert API_KEY[:12] not in raw and API_KEY[-12:] not in raw, offset
        assert delivered(raw, path) == KEY_TEXT.replace(API_KEY, "<SECRET:OPENAI_API_KEY>")
