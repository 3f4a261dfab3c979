"""scan_tool_calls: tool-call arguments pass the stream-capable output checks, streamed or
not, for both providers; only string values change and the JSON stays valid."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import anthropic
import openai
import pytest

from guardproxy.checks.base import Action
from guardproxy.pipeline import Verdict
from guardproxy.toolscan import scan_arguments
from tests.conftest import Proxy, ProxyFactory

KEY = "AKIA" + "Q7ZT4MNB2WX5RJ3K"
REPLY = f"Use the key {KEY} for the upload."
TOOL = {"x-mock-tool-call": "upload", "x-mock-tool-echo": "1", "x-mock-reply": REPLY}


async def upper_x(text: str) -> Verdict:
    """A judge that redacts every 'x' and blocks 'stop'."""
    if "stop" in text:
        return Verdict(Action.BLOCK, Action.BLOCK, "blocked")
    return Verdict(
        Action.REDACT if "x" in text else Action.ALLOW, Action.ALLOW, text.replace("x", "#")
    )


async def test_only_string_values_change_and_keys_stay() -> None:
    args = json.dumps({"x": "xa", "n": [1, "bx", {"y": "x"}], "ok": True, "none": None})
    scanned = await scan_arguments(args, upper_x)
    assert json.loads(scanned.text) == {
        "x": "#a",
        "n": [1, "b#", {"y": "#"}],
        "ok": True,
        "none": None,
    }
    assert [p for p, _, _ in scanned.values] == ["$.x", "$.n[1]", "$.n[2].y"]
    assert not scanned.blocked


async def test_a_blocked_value_blocks_the_call_and_clean_args_are_untouched() -> None:
    assert (await scan_arguments('{"a": "please stop"}', upper_x)).blocked
    clean = '{"a":  "fine"}'
    scanned = await scan_arguments(clean, upper_x)
    assert scanned.text is clean


async def test_arguments_that_are_not_json_are_checked_as_one_text() -> None:
    scanned = await scan_arguments("x marks", upper_x)
    assert scanned.text == "# marks"
    assert [p for p, _, _ in scanned.values] == ["$"]


def policy_dir(tmp_path: Path, action: str) -> Path:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "default.yaml").write_text(
        "scan_tool_calls: true\n"
        "messages: {output_blocked: WITHHELD}\n"
        f"output:\n  - use: secrets\n    action: {action}\n"
    )
    return policies


_open: list[openai.AsyncOpenAI | anthropic.AsyncAnthropic] = []


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    while _open:
        await _open.pop().close()


def oai(proxy: Proxy, **headers: str) -> openai.AsyncOpenAI:
    sdk = openai.AsyncOpenAI(
        base_url=f"{proxy.url}/v1", api_key="sk-test", default_headers=headers, max_retries=0
    )
    _open.append(sdk)
    return sdk


def ant(proxy: Proxy, **headers: str) -> anthropic.AsyncAnthropic:
    sdk = anthropic.AsyncAnthropic(
        base_url=proxy.url, api_key="sk-ant-test", default_headers=headers, max_retries=0
    )
    _open.append(sdk)
    return sdk


MESSAGES = [{"role": "user", "content": "upload it"}]


def audit_records(proxy: Proxy) -> list[dict[str, object]]:
    return [
        json.loads(line)
        for path in sorted(proxy.audit_dir.glob("audit-*.jsonl"))
        for line in path.read_text("utf-8").splitlines()
    ]


async def test_openai_arguments_are_redacted_and_recorded(
    make_proxy: ProxyFactory, tmp_path: Path
) -> None:
    proxy = await make_proxy(policies=policy_dir(tmp_path, "redact"), client_policies=[])
    completion = await oai(proxy, **TOOL).chat.completions.create(model="m", messages=MESSAGES)  # type: ignore[arg-type]
    calls = completion.choices[0].message.tool_calls or []
    args = json.loads(calls[0].function.arguments)  # type: ignore[union-attr]
    assert KEY not in args["text"] and args["text"].startswith("Use the key <")
    assert KEY not in (completion.choices[0].message.content or "")
    (record,) = audit_records(proxy)
    tools = record["tool_arguments"]
    assert isinstance(tools, list) and tools[0]["key"] == "0.tool[0].text"
    assert tools[0]["action"] == "redact"
    assert KEY not in json.dumps(record)


@pytest.mark.parametrize("chunk_chars", ["3", "11"])
async def test_openai_streamed_arguments_arrive_whole_and_checked(
    make_proxy: ProxyFactory, tmp_path: Path, chunk_chars: str
) -> None:
    proxy = await make_proxy(policies=policy_dir(tmp_path, "redact"), client_policies=[])
    stream = await oai(
        proxy, **TOOL, **{"x-mock-chunk-chars": chunk_chars}
    ).chat.completions.create(
        model="m",
        messages=MESSAGES,
        stream=True,  # type: ignore[arg-type]
    )
    arguments, names, finish = "", [], None
    async for chunk in stream:
        for choice in chunk.choices:
            for call in choice.delta.tool_calls or []:
                if call.function and call.function.name:
                    names.append(call.function.name)
                arguments += (call.function and call.function.arguments) or ""
            finish = choice.finish_reason or finish
    assert names == ["upload"]
    assert KEY not in arguments and json.loads(arguments)["text"].startswith("Use the key <")
    assert finish == "tool_calls"


async def test_openai_blocked_arguments_withhold_the_call(
    make_proxy: ProxyFactory, tmp_path: Path
) -> None:
    proxy = await make_proxy(policies=policy_dir(tmp_path, "block"), client_policies=[])
    completion = await oai(proxy, **{**TOOL, "x-mock-reply": "just text"}).chat.completions.create(
        model="m",
        messages=MESSAGES,  # type: ignore[arg-type]
    )
    assert completion.choices[0].message.tool_calls  # clean arguments pass
    only_args = {**TOOL, "x-mock-reply": "ok", "x-mock-tool-arguments": json.dumps({"k": KEY})}
    completion = await oai(proxy, **only_args).chat.completions.create(model="m", messages=MESSAGES)  # type: ignore[arg-type]
    choice = completion.choices[0]
    assert choice.finish_reason == "content_filter" and not choice.message.tool_calls
    assert choice.message.content == "WITHHELD"


async def test_openai_stream_blocked_arguments_end_with_content_filter(
    make_proxy: ProxyFactory, tmp_path: Path
) -> None:
    proxy = await make_proxy(policies=policy_dir(tmp_path, "block"), client_policies=[])
    headers = {**TOOL, "x-mock-reply": "ok", "x-mock-tool-arguments": json.dumps({"k": KEY})}
    stream = await oai(proxy, **headers).chat.completions.create(
        model="m",
        messages=MESSAGES,
        stream=True,  # type: ignore[arg-type]
    )
    text, arguments, finish = "", "", None
    async for chunk in stream:
        for choice in chunk.choices:
            text += choice.delta.content or ""
            for call in choice.delta.tool_calls or []:
                arguments += (call.function and call.function.arguments) or ""
            finish = choice.finish_reason or finish
    assert finish == "content_filter" and "WITHHELD" in text and KEY not in arguments


async def test_anthropic_tool_input_is_redacted_streamed_or_not(
    make_proxy: ProxyFactory, tmp_path: Path
) -> None:
    proxy = await make_proxy(policies=policy_dir(tmp_path, "redact"), client_policies=[])
    message = await ant(proxy, **TOOL).messages.create(
        model="c",
        max_tokens=100,
        messages=MESSAGES,  # type: ignore[arg-type]
    )
    (tool,) = [b for b in message.content if b.type == "tool_use"]
    assert KEY not in tool.input["text"] and tool.input["text"].startswith("Use the key <")  # type: ignore[index]
    async with ant(proxy, **TOOL, **{"x-mock-chunk-chars": "4"}).messages.stream(
        model="c",
        max_tokens=100,
        messages=MESSAGES,  # type: ignore[arg-type]
    ) as stream:
        final = await stream.get_final_message()
    (tool,) = [b for b in final.content if b.type == "tool_use"]
    assert KEY not in tool.input["text"] and tool.input["text"].startswith("Use the key <")  # type: ignore[index]


async def test_anthropic_blocked_tool_input_is_a_refusal(
    make_proxy: ProxyFactory, tmp_path: Path
) -> None:
    proxy = await make_proxy(policies=policy_dir(tmp_path, "block"), client_policies=[])
    headers = {**TOOL, "x-mock-reply": "ok", "x-mock-tool-arguments": json.dumps({"k": KEY})}
    prompt = MESSAGES
    message = await ant(proxy, **headers).messages.create(
        model="c", max_tokens=100, messages=prompt
    )  # type: ignore[arg-type]
    assert message.stop_reason == "refusal"
    assert [b.type for b in message.content] == ["text"]
    async with ant(proxy, **headers).messages.stream(
        model="c",
        max_tokens=100,
        messages=prompt,  # type: ignore[arg-type]
    ) as stream:
        final = await stream.get_final_message()
    assert final.stop_reason == "refusal"
    assert not [b for b in final.content if b.type == "tool_use" and b.input]
