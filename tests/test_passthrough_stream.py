"""Under a policy with no output checks a stream reaches the client as the upstream wrote
it, byte for byte, while its decision record still names each answer's text."""

from __future__ import annotations

import base64
import json
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from guardproxy.audit.record import text_sha256
from guardproxy.audit.writer import AuditWriteError
from tests.conftest import Proxy, ProxyFactory


def chunk(choices: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
            "choices": choices, **extra}  # fmt: skip


def delta(index: int, content: str, finish: str | None = None) -> dict[str, Any]:
    return {
        "index": index,
        "delta": {"content": content},
        "logprobs": {"content": [{"token": content, "logprob": -0.25, "top_logprobs": []}]},
        "finish_reason": finish,
    }


# two choices, ids, a comment, compact and spaced data lines, logprobs kept
OPENAI_STREAM = (
    b": the upstream says hello\n\n"
    + b"id: e1\ndata: " + json.dumps(chunk([delta(0, "Tokyo is "), delta(1, "Kyoto ")])).encode()
    + b"\n\n"
    + b"data:" + json.dumps(chunk([delta(0, "the capital.")]), separators=(",", ":")).encode()
    + b"\n\n"
    + b"data: " + json.dumps(chunk([delta(1, "was, once.", "stop")])).encode() + b"\n\n"
    + b"data: " + json.dumps(chunk([delta(0, "", "stop")])).encode() + b"\n\n"
    + b"data: [DONE]\n\n"
)  # fmt: skip
OPENAI_TEXTS = {"0": "Tokyo is the capital.", "1": "Kyoto was, once."}


def anthropic_event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


ANTHROPIC_STREAM = b"".join(
    [
        anthropic_event("message_start", {"type": "message_start", "message": {"id": "m1"}}),
        anthropic_event(
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": "Mount "},
            },
        ),
        b": ping as a comment\n\n",
        anthropic_event(
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": "Fuji is 3,776 m."},
            },
        ),
        anthropic_event(
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 1,
                "content_block": {"type": "tool_use", "id": "t1", "name": "f", "input": {}},
            },
        ),
        anthropic_event(
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 1,
                "delta": {"type": "input_json_delta", "partial_json": '{"q": 1}'},
            },
        ),
        anthropic_event("content_block_stop", {"type": "content_block_stop", "index": 0}),
        anthropic_event("message_stop", {"type": "message_stop"}),
    ]
)


async def scripted(request: web.Request) -> web.StreamResponse:
    """Writes the bytes the test gives (base64), in reads of the size it names."""
    raw = base64.b64decode(request.headers["x-test-raw"])
    size = int(request.headers.get("x-test-read", "0")) or len(raw)
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await resp.prepare(request)
    for i in range(0, len(raw), size):
        await resp.write(raw[i : i + size])
    return resp


@pytest.fixture
async def raw_proxy(make_proxy: ProxyFactory, aiohttp_server: Any) -> Proxy:
    app = web.Application()
    app.router.add_post("/v1/chat/completions", scripted)
    app.router.add_post("/v1/messages", scripted)
    upstream = await aiohttp_server(app)
    return await make_proxy(
        upstream=str(upstream.make_url("/v1")),
        anthropic_upstream=str(upstream.make_url("")).rstrip("/"),
    )


async def stream(
    proxy: Proxy, path: str, raw: bytes, read: int = 0, policy: str = "passthrough"
) -> tuple[int, bytes]:
    headers = {
        "x-test-raw": base64.b64encode(raw).decode(),
        "x-test-read": str(read),
        "X-Guard-Policy": policy,
        "anthropic-version": "2023-06-01",
    }
    body = {"model": "m", "max_tokens": 50, "stream": True, "n": 2,
            "messages": [{"role": "user", "content": "which city?"}]}  # fmt: skip
    async with (
        aiohttp.ClientSession() as s,
        s.post(proxy.server.make_url(path), json=body, headers=headers) as r,
    ):
        return r.status, await r.read()


def last_record(proxy: Proxy) -> dict[str, Any]:
    lines = [
        json.loads(line)
        for f in sorted(proxy.audit_dir.glob("audit-*-0*.jsonl"))
        for line in f.read_text().splitlines()
    ]
    return [r for r in lines if r.get("type", "decision") == "decision"][-1]


@pytest.mark.parametrize("read", [0, 1, 7, 61])
async def test_openai_stream_is_relayed_byte_for_byte(raw_proxy: Proxy, read: int) -> None:
    status, got = await stream(raw_proxy, "/v1/chat/completions", OPENAI_STREAM, read)
    assert status == 200
    assert got == OPENAI_STREAM
    record = last_record(raw_proxy)
    assert record["outcome"] == "ok" and record["policy"].startswith("passthrough@")
    units = {u["key"]: u for u in record["choices"]}
    assert set(units) == set(OPENAI_TEXTS)
    for key, text in OPENAI_TEXTS.items():
        assert units[key]["upstream_sha256"] == text_sha256(text)
        assert units[key]["delivered_sha256"] == text_sha256(text)
        assert units[key]["action"] == "allow"


@pytest.mark.parametrize("read", [0, 3, 40])
async def test_anthropic_stream_is_relayed_byte_for_byte(raw_proxy: Proxy, read: int) -> None:
    status, got = await stream(raw_proxy, "/v1/messages", ANTHROPIC_STREAM, read)
    assert status == 200
    assert got == ANTHROPIC_STREAM
    units = {u["key"]: u for u in last_record(raw_proxy)["choices"]}
    assert set(units) == {"0"}  # the tool_use block carries no answer text
    assert units["0"]["upstream_sha256"] == text_sha256("Mount Fuji is 3,776 m.")


async def test_a_checked_policy_still_reads_and_re_encodes_the_stream(raw_proxy: Proxy) -> None:
    status, got = await stream(raw_proxy, "/v1/chat/completions", OPENAI_STREAM, policy="default")
    assert status == 200
    assert got != OPENAI_STREAM
    assert b"top_logprobs" not in got  # logprobs could spell out what a check redacts
    assert b"the capital." in got and got.endswith(b"data: [DONE]\n\n")


async def test_an_unwritable_record_replaces_the_terminal_event(raw_proxy: Proxy) -> None:
    async def failing_append(record: Any) -> Any:
        raise AuditWriteError("disk full")

    raw_proxy.runtime.audit.append = failing_append  # type: ignore[method-assign]
    status, got = await stream(raw_proxy, "/v1/chat/completions", OPENAI_STREAM, read=5)
    assert status == 200
    assert got.startswith(OPENAI_STREAM[: OPENAI_STREAM.index(b"data: [DONE]")])
    assert b"[DONE]" not in got
    assert b'"code":"audit_unavailable"' in got.replace(b" ", b"")


async def test_a_stream_cut_short_ends_with_an_error_after_a_whole_event(
    raw_proxy: Proxy,
) -> None:
    cut = OPENAI_STREAM[: OPENAI_STREAM.index(b"data: [DONE]") - 2]  # no blank line either
    status, got = await stream(raw_proxy, "/v1/chat/completions", cut)
    assert status == 200
    assert got.startswith(cut + b"\n\n")
    error = got[len(cut) + 2 :]
    assert error.startswith(b"data: ") and b"without its final event" in error
    record = last_record(raw_proxy)
    assert record["outcome"] == "upstream_error"
    assert {u["key"] for u in record["choices"]} == {"0", "1"}


async def test_an_upstream_error_event_ends_the_stream_as_sent(raw_proxy: Proxy) -> None:
    error = b'data: {"error": {"message": "overloaded", "type": "server_error"}}\n\n'
    raw = OPENAI_STREAM[: OPENAI_STREAM.index(b"data: [DONE]")] + error + b"data: [DONE]\n\n"
    status, got = await stream(raw_proxy, "/v1/chat/completions", raw, read=9)
    assert status == 200
    assert got.startswith(raw[: raw.index(error)] + error)
    assert last_record(raw_proxy)["outcome"] == "upstream_error"
    assert (
        raw_proxy.metric(
            "guardproxy_upstream_errors_total", {"route": "chat_completions", "kind": "error_event"}
        )
        == 1
    )


async def test_the_openai_sdk_reads_logprobs_through_passthrough(raw_proxy: Proxy) -> None:
    sdk = raw_proxy.openai_sdk(
        **{"x-test-raw": base64.b64encode(OPENAI_STREAM).decode(), "X-Guard-Policy": "passthrough"}
    )
    texts: dict[int, str] = {}
    tokens = 0
    async for part in await sdk.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "which city?"}], stream=True, n=2
    ):
        for choice in part.choices:
            texts[choice.index] = texts.get(choice.index, "") + (choice.delta.content or "")
            tokens += len(choice.logprobs.content) if choice.logprobs else 0
    assert texts == {0: OPENAI_TEXTS["0"], 1: OPENAI_TEXTS["1"]}
    assert tokens == 5


async def test_the_stream_ends_at_its_terminal_event(raw_proxy: Proxy) -> None:
    late = b'data: {"choices": [{"index": 0, "delta": {"content": " late"}}]}\n\n'
    status, got = await stream(raw_proxy, "/v1/chat/completions", OPENAI_STREAM + late)
    assert status == 200
    assert got == OPENAI_STREAM  # nothing after [DONE] is relayed, so nothing unrecorded
    units = {u["key"]: u for u in last_record(raw_proxy)["choices"]}
    assert units["0"]["delivered_sha256"] == text_sha256(OPENAI_TEXTS["0"])


async def test_a_terminal_event_cut_at_the_end_reaches_the_client_whole(
    raw_proxy: Proxy,
) -> None:
    status, got = await stream(raw_proxy, "/v1/chat/completions", OPENAI_STREAM[:-2])
    assert status == 200
    assert got == OPENAI_STREAM
    assert last_record(raw_proxy)["outcome"] == "ok"


async def test_a_choice_without_a_usable_index_is_still_recorded(raw_proxy: Proxy) -> None:
    odd = json.dumps(chunk([{"index": 1.5, "delta": {"content": "odd text"}}])).encode()
    raw = b"data: " + odd + b"\n\ndata: [DONE]\n\n"
    status, got = await stream(raw_proxy, "/v1/chat/completions", raw)
    assert status == 200 and got == raw
    units = {u["key"]: u for u in last_record(raw_proxy)["choices"]}
    assert units["index:1.5"]["delivered_sha256"] == text_sha256("odd text")


async def test_an_event_the_recorder_cannot_read_ends_the_stream_cleanly(
    raw_proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guardproxy.providers import openai as openai_provider

    real_loads = openai_provider.jsonutil.loads

    def loads(data: Any) -> Any:
        if "deep" in str(data):
            raise RecursionError("maximum recursion depth exceeded")
        return real_loads(data)

    monkeypatch.setattr(openai_provider.jsonutil, "loads", loads)
    bad = b'data: {"deep": [[[[]]]]}\n\n'
    raw = OPENAI_STREAM.replace(b"data: [DONE]\n\n", bad + b"data: [DONE]\n\n")
    status, got = await stream(raw_proxy, "/v1/chat/completions", raw)
    assert status == 200
    before = OPENAI_STREAM[: OPENAI_STREAM.index(b"data: [DONE]")]
    assert got.startswith(before)
    assert b"could not read (RecursionError)" in got[len(before) :]
    assert b"[DONE]" not in got
    record = last_record(raw_proxy)
    assert record["outcome"] == "upstream_error" and len(record["choices"]) == 2
