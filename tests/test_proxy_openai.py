"""The official openai SDK through the proxy, in front of the real mock upstream."""

from __future__ import annotations

import json

import openai
import pytest

from guardproxy.mock_llm import DEFAULT_REPLY
from tests.conftest import Proxy, ProxyFactory

EMAIL = "jane.doe@example.com"
PHONE = "415-555-0132"
QUESTION = [{"role": "user", "content": "How do I reach my account manager?"}]


async def test_non_stream_redacts_pii(proxy: Proxy) -> None:
    raw = await proxy.openai_sdk().chat.completions.with_raw_response.create(
        model="gpt-test", messages=QUESTION
    )
    completion = raw.parse()
    text = completion.choices[0].message.content or ""
    assert EMAIL not in text and PHONE not in text
    assert "<EMAIL_ADDRESS>" in text and "<PHONE_NUMBER>" in text
    assert "Jane Doe" not in text and "<PERSON>" in text
    assert text.startswith("Thanks for reaching out!")
    assert completion.choices[0].finish_reason == "stop"
    assert raw.headers["X-Guard-Action"] == "redact"
    assert raw.headers["X-Guard-Policy"].startswith("default@")
    assert len(raw.headers["X-Guard-Decision-Id"]) == 32


async def test_stream_redacts_pii(proxy: Proxy) -> None:
    stream = await proxy.openai_sdk(**{"x-mock-chunk-chars": "5"}).chat.completions.create(
        model="gpt-test",
        messages=QUESTION,
        stream=True,
        stream_options={"include_usage": True},
    )
    parts = []
    finish = None
    usage = None
    async for chunk in stream:
        if chunk.usage is not None:
            usage = chunk.usage
        for choice in chunk.choices:
            parts.append(choice.delta.content or "")
            finish = choice.finish_reason or finish
    text = "".join(parts)
    assert EMAIL not in text and PHONE not in text
    assert "<EMAIL_ADDRESS>" in text and "<PHONE_NUMBER>" in text
    assert text.startswith("Thanks for reaching out!")
    assert text.endswith("complete the review.")
    assert finish == "stop"
    assert usage is not None and usage.total_tokens > 0


async def test_n2_choices_are_judged_separately(proxy: Proxy) -> None:
    completion = await proxy.openai_sdk().chat.completions.create(
        model="gpt-test", messages=QUESTION, n=2
    )
    assert len(completion.choices) == 2
    for choice in completion.choices:
        assert EMAIL not in (choice.message.content or "")


async def test_stream_n2(proxy: Proxy) -> None:
    stream = await proxy.openai_sdk().chat.completions.create(
        model="gpt-test", messages=QUESTION, stream=True, n=2
    )
    texts = {0: "", 1: ""}
    async for chunk in stream:
        for choice in chunk.choices:
            texts[choice.index] += choice.delta.content or ""
    for text in texts.values():
        assert EMAIL not in text and "<EMAIL_ADDRESS>" in text


async def test_tool_calls_pass_through(proxy: Proxy) -> None:
    completion = await proxy.openai_sdk(**{"x-mock-tool-call": "lookup"}).chat.completions.create(
        model="gpt-test",
        messages=QUESTION,
        tools=[{"type": "function", "function": {"name": "lookup", "parameters": {}}}],
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.tool_calls and choice.message.tool_calls[0].function.name == "lookup"


async def test_stream_tool_calls_pass_through(proxy: Proxy) -> None:
    stream = await proxy.openai_sdk(**{"x-mock-tool-call": "lookup"}).chat.completions.create(
        model="gpt-test",
        messages=QUESTION,
        stream=True,
        tools=[{"type": "function", "function": {"name": "lookup", "parameters": {}}}],
    )
    names = []
    text = ""
    async for chunk in stream:
        for choice in chunk.choices:
            text += choice.delta.content or ""
            for call in choice.delta.tool_calls or []:
                if call.function and call.function.name:
                    names.append(call.function.name)
    assert names == ["lookup"]
    assert EMAIL not in text


async def test_strict_blocks_non_stream(proxy: Proxy) -> None:
    reply = "Your card 4111 1111 1111 1111 is on file."
    completion = await proxy.openai_sdk(
        **{"X-Guard-Policy": "strict", "x-mock-reply": reply}
    ).chat.completions.create(model="gpt-test", messages=QUESTION)
    choice = completion.choices[0]
    assert choice.finish_reason == "content_filter"
    assert "4111" not in (choice.message.content or "")
    assert "withheld" in (choice.message.content or "")


async def test_strict_blocks_mid_stream(proxy: Proxy) -> None:
    reply = "Here is a fine opening sentence that is long enough to be released early. " * 3 + (
        "Then the card 4111 1111 1111 1111 appears, and more text follows after it."
    )
    http = proxy.server.make_url("/v1/chat/completions")
    import aiohttp

    async with (
        aiohttp.ClientSession() as session,
        session.post(
            http,
            json={
                "model": "m",
                "messages": QUESTION,
                "stream": True,
                "stream_options": {"include_usage": True},
            },
            headers={"X-Guard-Policy": "strict", "x-mock-reply": reply, "x-mock-chunk-chars": "7"},
        ) as resp,
    ):
        raw = await resp.read()
    body = raw.decode()
    assert "4111" not in body
    events = [line[6:] for line in body.split("\n") if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    finishes = [c["choices"][0]["finish_reason"] for c in chunks if c["choices"]]
    assert finishes[-1] == "content_filter"
    # the message is the final delta, then the finish chunk, then usage, then [DONE]
    assert "withheld" in chunks[-3]["choices"][0]["delta"]["content"]
    assert chunks[-1]["choices"] == [] and "usage" in chunks[-1]


async def test_input_block_is_400_content_filter(make_proxy: ProxyFactory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "default.yaml").write_text(
        "input:\n  - use: pii\n    action: block\n    options: {entities: [US_SSN]}\n"
    )
    proxy = await make_proxy(policies=policies, client_policies=[])
    with pytest.raises(openai.BadRequestError) as info:
        await proxy.openai_sdk().chat.completions.create(
            model="m", messages=[{"role": "user", "content": "my ssn is 536-22-8475 ok?"}]
        )
    assert info.value.code == "content_filter"
    assert proxy.upstream_requests() == []


async def test_strict_redacts_prompt_before_upstream(proxy: Proxy) -> None:
    await proxy.openai_sdk(**{"X-Guard-Policy": "strict"}).chat.completions.create(
        model="m",
        messages=[
            {
                "role": "user",
                "content": [{"type": "text", "text": "Mail me at bob.jones@example.net please"}],
            }
        ],
    )
    sent = proxy.upstream_requests()[-1]
    assert b"bob.jones@example.net" not in sent.body
    assert b"<EMAIL_ADDRESS>" in sent.body


async def test_upstream_error_status_passes_through(proxy: Proxy) -> None:
    with pytest.raises(openai.RateLimitError):
        await proxy.openai_sdk(**{"x-mock-status": "429"}).chat.completions.create(
            model="m", messages=QUESTION
        )


async def test_monitor_policy_changes_nothing(proxy: Proxy) -> None:
    completion = await proxy.openai_sdk(**{"X-Guard-Policy": "monitor"}).chat.completions.create(
        model="m", messages=QUESTION
    )
    assert completion.choices[0].message.content == DEFAULT_REPLY


async def test_notice_is_appended_before_the_stream_ends(proxy: Proxy) -> None:
    from guardproxy.checks.notice import DEFAULT_EN

    stream = await proxy.openai_sdk(**{"X-Guard-Policy": "transparent"}).chat.completions.create(
        model="m", messages=QUESTION, stream=True
    )
    text = ""
    finish = None
    async for chunk in stream:
        for choice in chunk.choices:
            text += choice.delta.content or ""
            finish = choice.finish_reason or finish
    assert text.endswith(f"{DEFAULT_EN} Questions: ai-questions@example.com")
    assert EMAIL not in text and finish == "stop"
    second_turn = [
        *QUESTION,
        {"role": "assistant", "content": "Hi"},
        {"role": "user", "content": "And again?"},
    ]
    completion = await proxy.openai_sdk(
        **{"X-Guard-Policy": "transparent"}
    ).chat.completions.create(model="m", messages=second_turn)
    assert DEFAULT_EN not in (completion.choices[0].message.content or "")


def test_token_logprobs_are_read_per_choice() -> None:
    from guardproxy.providers.openai import OpenAIProvider

    body = {
        "choices": [
            {
                "index": 0,
                "message": {"content": "Hi there"},
                "logprobs": {"content": [{"token": "Hi", "logprob": -0.1}, {"logprob": -2}]},
            },
            {"index": 1, "message": {"content": "Yo"}, "logprobs": None},
            {"index": 2, "message": {"content": "Odd"}, "logprobs": {"content": "x"}},
        ]
    }
    texts = OpenAIProvider().output_texts(body)
    assert [t.logprobs for t in texts] == [(-0.1, -2.0), (), ()]
