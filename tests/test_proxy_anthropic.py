"""The official anthropic SDK through the proxy, in front of the real mock upstream."""

from __future__ import annotations

import json

import aiohttp
import anthropic
import pytest

from tests.conftest import Proxy

EMAIL = "jane.doe@example.com"
PHONE = "415-555-0132"
QUESTION = [{"role": "user", "content": "How do I reach my account manager?"}]


async def test_non_stream_redacts_pii(proxy: Proxy) -> None:
    raw = await proxy.anthropic_sdk().messages.with_raw_response.create(
        model="claude-test", max_tokens=200, messages=QUESTION
    )
    message = await raw.parse()
    text = "".join(b.text for b in message.content if b.type == "text")
    assert EMAIL not in text and PHONE not in text
    assert "<EMAIL_ADDRESS>" in text
    assert message.stop_reason == "end_turn"
    assert raw.headers["X-Guard-Action"] == "redact"


async def test_stream_redacts_pii(proxy: Proxy) -> None:
    async with proxy.anthropic_sdk(**{"x-mock-chunk-chars": "3"}).messages.stream(
        model="claude-test", max_tokens=200, messages=QUESTION
    ) as stream:
        text = "".join([t async for t in stream.text_stream])
        final = await stream.get_final_message()
    assert EMAIL not in text and PHONE not in text
    assert "<EMAIL_ADDRESS>" in text and "<PHONE_NUMBER>" in text
    assert text.endswith("complete the review.")
    assert final.stop_reason == "end_turn"


async def test_thinking_and_tool_use_pass_through(proxy: Proxy) -> None:
    async with proxy.anthropic_sdk(
        **{"x-mock-thinking": "let me think", "x-mock-tool-call": "lookup"}
    ).messages.stream(model="claude-test", max_tokens=200, messages=QUESTION) as stream:
        final = await stream.get_final_message()
    kinds = [b.type for b in final.content]
    assert kinds == ["thinking", "text", "tool_use"]
    assert final.content[0].thinking == "let me think"  # type: ignore[union-attr]
    assert EMAIL not in final.content[1].text  # type: ignore[union-attr]
    assert final.stop_reason == "tool_use"


async def test_block_mid_stream_sends_refusal_sequence(proxy: Proxy) -> None:
    reply = "A harmless opening sentence that goes on for a while before anything else. " * 3 + (
        "My SSN is 536-22-8475 and that should never be shown."
    )
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            proxy.server.make_url("/v1/messages"),
            json={"model": "m", "max_tokens": 100, "messages": QUESTION, "stream": True},
            headers={
                "X-Guard-Policy": "strict",
                "x-mock-reply": reply,
                "x-mock-chunk-chars": "7",
                "anthropic-version": "2023-06-01",
            },
        ) as resp,
    ):
        body = (await resp.read()).decode()
    assert "078-05" not in body
    names = [line[7:] for line in body.split("\n") if line.startswith("event: ")]
    datas = [json.loads(line[6:]) for line in body.split("\n") if line.startswith("data: ")]
    assert names[-6:] == [
        "content_block_stop",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    assert datas[-2]["delta"]["stop_reason"] == "refusal"
    assert datas[-6]["index"] == 0 and datas[-5]["index"] == 1
    assert "withheld" in datas[-4]["delta"]["text"]


async def test_sdk_sees_refusal(proxy: Proxy) -> None:
    reply = "Short. My SSN is 536-22-8475."
    message = await proxy.anthropic_sdk(
        **{"X-Guard-Policy": "strict", "x-mock-reply": reply}
    ).messages.create(model="m", max_tokens=100, messages=QUESTION)
    assert message.stop_reason == "refusal"
    assert "078-05" not in message.content[0].text  # type: ignore[union-attr]


async def test_error_status_passes_through(proxy: Proxy) -> None:
    with pytest.raises(anthropic.RateLimitError):
        await proxy.anthropic_sdk(**{"x-mock-status": "429"}).messages.create(
            model="m", max_tokens=10, messages=QUESTION
        )


async def test_beta_query_string_reaches_upstream(proxy: Proxy) -> None:
    message = await proxy.anthropic_sdk().beta.messages.create(
        model="claude-test", max_tokens=50, messages=QUESTION
    )
    assert EMAIL not in message.content[0].text  # type: ignore[union-attr]
    assert proxy.upstream_requests()[-1].path == "/v1/messages"
