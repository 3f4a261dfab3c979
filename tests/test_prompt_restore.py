"""Prompt values replaced by placeholders before the upstream, restored for the client:
through the official SDKs, streamed or not, in text and in tool-call arguments."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from tests.conftest import Proxy, ProxyFactory

NAME = "Maria Garcia"
EMAIL = "maria.garcia@example.org"
PHONE = "415-555-0132"
SENTENCE = f"Please write to {NAME} at {EMAIL} or call {PHONE} about the order."
PROMPT = f"echo: {SENTENCE}"
VALUES = (NAME, EMAIL, PHONE)

POLICY = """
name: default
input:
  - use: pii
    action: redact
    restore: true
    timeout_ms: 10000
    options: {entities: [PERSON, EMAIL_ADDRESS, PHONE_NUMBER], min_score: 0.4}
output:
  - use: pii
    action: redact
    timeout_ms: 10000
    options: {entities: [EMAIL_ADDRESS, PHONE_NUMBER]}
"""


@pytest.fixture
async def proxy(make_proxy: ProxyFactory, tmp_path: Path) -> Proxy:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "default.yaml").write_text(POLICY)
    return await make_proxy(policies=policies, client_policies=[])


def upstream_saw(proxy: Proxy) -> str:
    (request,) = proxy.upstream_requests()
    body = request.body.decode("utf-8")
    for value in VALUES:
        assert value not in body, "a prompt value reached the upstream"
    return body


def assert_nothing_recorded(proxy: Proxy, caplog: pytest.LogCaptureFixture) -> None:
    logged = caplog.text
    stored = "".join(p.read_text("utf-8") for p in proxy.audit_dir.glob("*.jsonl"))
    for value in VALUES:
        assert value not in logged and value not in stored


async def test_openai_answer_gets_the_values_back(
    proxy: Proxy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    completion = await proxy.openai_sdk().chat.completions.create(
        model="m", messages=[{"role": "user", "content": PROMPT}]
    )
    assert completion.choices[0].message.content == SENTENCE
    sent = upstream_saw(proxy)
    assert "<PERSON_1>" in sent and "<EMAIL_ADDRESS_1>" in sent and "<PHONE_NUMBER_1>" in sent
    assert_nothing_recorded(proxy, caplog)


async def test_repeated_value_across_messages_keeps_one_token(proxy: Proxy) -> None:
    messages = [
        {"role": "system", "content": f"The customer is {NAME}."},
        {"role": "user", "content": [{"type": "text", "text": f"echo: Hello {NAME}!"}]},
    ]
    completion = await proxy.openai_sdk().chat.completions.create(model="m", messages=messages)  # type: ignore[arg-type]
    assert completion.choices[0].message.content == f"Hello {NAME}!"
    sent = json.loads(upstream_saw(proxy))
    assert sent["messages"][0]["content"] == "The customer is <PERSON_1>."
    assert sent["messages"][1]["content"][0]["text"] == "echo: Hello <PERSON_1>!"


@pytest.mark.parametrize("chunk_chars", ["1", "3", "7"])
async def test_openai_stream_restores_tokens_split_across_chunks(
    proxy: Proxy, chunk_chars: str
) -> None:
    stream = await proxy.openai_sdk(**{"x-mock-chunk-chars": chunk_chars}).chat.completions.create(
        model="m", messages=[{"role": "user", "content": PROMPT}], stream=True
    )
    text = ""
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            text += chunk.choices[0].delta.content
    assert text == SENTENCE
    upstream_saw(proxy)


async def test_openai_tool_arguments_are_restored_and_stay_json(proxy: Proxy) -> None:
    headers = {"x-mock-tool-call": "send_mail", "x-mock-tool-echo": "1"}
    completion = await proxy.openai_sdk(**headers).chat.completions.create(
        model="m", messages=[{"role": "user", "content": PROMPT}]
    )
    calls = completion.choices[0].message.tool_calls
    assert calls is not None
    assert json.loads(calls[0].function.arguments) == {"text": SENTENCE}  # type: ignore[union-attr]


@pytest.mark.parametrize("chunk_chars", ["2", "5"])
async def test_openai_streamed_tool_arguments_are_restored(proxy: Proxy, chunk_chars: str) -> None:
    headers = {
        "x-mock-tool-call": "send_mail",
        "x-mock-tool-echo": "1",
        "x-mock-chunk-chars": chunk_chars,
    }
    stream = await proxy.openai_sdk(**headers).chat.completions.create(
        model="m", messages=[{"role": "user", "content": PROMPT}], stream=True
    )
    arguments = ""
    finish = None
    async for chunk in stream:
        for choice in chunk.choices:
            for call in choice.delta.tool_calls or []:
                arguments += (call.function and call.function.arguments) or ""
            finish = choice.finish_reason or finish
    assert json.loads(arguments) == {"text": SENTENCE}
    assert finish == "tool_calls"


async def test_anthropic_text_and_tool_input_are_restored(proxy: Proxy) -> None:
    headers = {"x-mock-tool-call": "send_mail", "x-mock-tool-echo": "1"}
    message = await proxy.anthropic_sdk(**headers).messages.create(
        model="claude-test",
        max_tokens=200,
        system=f"Support notes for {NAME}.",
        messages=[{"role": "user", "content": PROMPT}],
    )
    text = [b for b in message.content if b.type == "text"]
    tool = [b for b in message.content if b.type == "tool_use"]
    assert text[0].text == SENTENCE  # type: ignore[union-attr]
    assert tool[0].input == {"text": SENTENCE}  # type: ignore[union-attr]
    sent = json.loads(upstream_saw(proxy))
    assert sent["system"] == "Support notes for <PERSON_1>."


@pytest.mark.parametrize("chunk_chars", ["1", "4"])
async def test_anthropic_stream_restores_text_and_tool_input(
    proxy: Proxy, chunk_chars: str
) -> None:
    headers = {
        "x-mock-tool-call": "send_mail",
        "x-mock-tool-echo": "1",
        "x-mock-chunk-chars": chunk_chars,
    }
    async with proxy.anthropic_sdk(**headers).messages.stream(
        model="claude-test", max_tokens=200, messages=[{"role": "user", "content": PROMPT}]
    ) as stream:
        final = await stream.get_final_message()
    text = [b for b in final.content if b.type == "text"]
    tool = [b for b in final.content if b.type == "tool_use"]
    assert text[0].text == SENTENCE  # type: ignore[union-attr]
    assert tool[0].input == {"text": SENTENCE}  # type: ignore[union-attr]
    upstream_saw(proxy)


async def test_values_the_model_makes_up_are_still_redacted(proxy: Proxy) -> None:
    reply = "Write to <EMAIL_ADDRESS_1> or to someone.else@example.net."
    completion = await proxy.openai_sdk(**{"x-mock-reply": reply}).chat.completions.create(
        model="m", messages=[{"role": "user", "content": f"My address is {EMAIL}."}]
    )
    assert completion.choices[0].message.content == f"Write to {EMAIL} or to <EMAIL_ADDRESS>."
