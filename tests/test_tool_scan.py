"""scan_tool_calls: tool-call arguments pass the stream-capable output checks, streamed or
not, for both providers; only string values change and the JSON stays valid."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

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


MESSAGES = [{"role": "user", "content": "upload it"}]


async def provenance_of(proxy: Proxy, decision: str, delivered: str) -> bool:
    """The decision's signed manifest vouches for exactly the delivered text."""
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{proxy.url}/guard/decisions/{decision}/manifest") as resp:
            manifest = (await resp.text()).strip()
            if resp.content_type == "application/json":
                manifest = json.loads(manifest)["manifest"]
        body = {"text": delivered, "manifest": manifest}
        async with session.post(f"{proxy.url}/guard/provenance/verify", json=body) as resp:
            return bool((await resp.json())["valid"])


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
    completion = await proxy.openai_sdk(**TOOL).chat.completions.create(
        model="m",
        messages=MESSAGES,  # type: ignore[arg-type]
    )
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
    stream = await proxy.openai_sdk(
        **TOOL, **{"x-mock-chunk-chars": chunk_chars}
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
    completion = await proxy.openai_sdk(
        **{**TOOL, "x-mock-reply": "just text"}
    ).chat.completions.create(
        model="m",
        messages=MESSAGES,  # type: ignore[arg-type]
    )
    assert completion.choices[0].message.tool_calls  # clean arguments pass
    only_args = {**TOOL, "x-mock-reply": "ok", "x-mock-tool-arguments": json.dumps({"k": KEY})}
    completion = await proxy.openai_sdk(**only_args).chat.completions.create(
        model="m",
        messages=MESSAGES,  # type: ignore[arg-type]
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "content_filter" and not choice.message.tool_calls
    assert choice.message.content == "WITHHELD"
    record = audit_records(proxy)[-1]
    assert record["outcome"] == "blocked" and record["action"] == "block"
    assert await provenance_of(proxy, str(record["id"]), "WITHHELD")


async def test_openai_stream_blocked_arguments_end_with_content_filter(
    make_proxy: ProxyFactory, tmp_path: Path
) -> None:
    proxy = await make_proxy(policies=policy_dir(tmp_path, "block"), client_policies=[])
    headers = {**TOOL, "x-mock-reply": "ok", "x-mock-tool-arguments": json.dumps({"k": KEY})}
    stream = await proxy.openai_sdk(**headers).chat.completions.create(
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
    assert text == "ok\n\nWITHHELD"
    record = audit_records(proxy)[-1]
    assert record["outcome"] == "blocked" and record["action"] == "block"
    assert await provenance_of(proxy, str(record["id"]), text)


async def test_anthropic_tool_input_is_redacted_streamed_or_not(
    make_proxy: ProxyFactory, tmp_path: Path
) -> None:
    proxy = await make_proxy(policies=policy_dir(tmp_path, "redact"), client_policies=[])
    message = await proxy.anthropic_sdk(**TOOL).messages.create(
        model="c",
        max_tokens=100,
        messages=MESSAGES,  # type: ignore[arg-type]
    )
    (tool,) = [b for b in message.content if b.type == "tool_use"]
    assert KEY not in tool.input["text"] and tool.input["text"].startswith("Use the key <")  # type: ignore[index]
    async with proxy.anthropic_sdk(**TOOL, **{"x-mock-chunk-chars": "4"}).messages.stream(
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
    message = await proxy.anthropic_sdk(**headers).messages.create(
        model="c",
        max_tokens=100,
        messages=prompt,  # type: ignore[arg-type]
    )
    assert message.stop_reason == "refusal"
    assert [b.type for b in message.content] == ["text"]
    record = audit_records(proxy)[-1]
    assert record["outcome"] == "blocked"
    assert await provenance_of(proxy, str(record["id"]), "WITHHELD")
    async with proxy.anthropic_sdk(**headers).messages.stream(
        model="c",
        max_tokens=100,
        messages=prompt,  # type: ignore[arg-type]
    ) as stream:
        final = await stream.get_final_message()
    assert final.stop_reason == "refusal"
    assert not [b for b in final.content if b.type == "tool_use" and b.input]


async def test_a_dotted_key_and_a_nested_key_stay_apart() -> None:
    args = json.dumps({"a.b": "plain", "a": {"b": "has x"}, "c": ["x"]})
    scanned = await scan_arguments(args, upper_x)
    assert json.loads(scanned.text) == {"a.b": "plain", "a": {"b": "has #"}, "c": ["#"]}
    assert [p for p, _, _ in scanned.values] == ['$["a.b"]', "$.a.b", "$.c[0]"]


async def legacy_upstream(request: web.Request) -> web.StreamResponse:
    """An upstream answering with the legacy `function_call` (no tool_calls)."""
    body = await request.json()
    arguments = json.dumps({"k": KEY, "note": "<PERSON_1> asked"})
    if not body.get("stream"):
        message = {
            "role": "assistant",
            "content": None,
            "function_call": {"name": "upload", "arguments": arguments},
        }
        choice = {"index": 0, "message": message, "finish_reason": "function_call"}
        return web.json_response(
            {
                "id": "c",
                "object": "chat.completion",
                "created": 1,
                "model": "m",
                "choices": [choice],
            }
        )
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await resp.prepare(request)

    async def send(delta: dict[str, object], finish: str | None = None) -> None:
        chunk = {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        await resp.write(f"data: {json.dumps(chunk)}\n\n".encode())

    await send({"role": "assistant", "function_call": {"name": "upload", "arguments": ""}})
    for i in range(0, len(arguments), 5):
        await send({"function_call": {"arguments": arguments[i : i + 5]}})
    if not request.headers.get("x-no-finish"):
        await send({}, "function_call")
    await resp.write(b"data: [DONE]\n\n")
    return resp


@pytest.mark.parametrize("stream", [False, True])
async def test_legacy_function_call_arguments_are_scanned(
    make_proxy: ProxyFactory, tmp_path: Path, aiohttp_server: Any, stream: bool
) -> None:
    app = web.Application()
    app.router.add_post("/v1/chat/completions", legacy_upstream)
    upstream = await aiohttp_server(app)
    proxy = await make_proxy(
        policies=policy_dir(tmp_path, "redact"),
        client_policies=[],
        upstream=str(upstream.make_url("/v1")),
    )
    sdk = proxy.openai_sdk()
    if not stream:
        completion = await sdk.chat.completions.create(model="m", messages=MESSAGES)  # type: ignore[arg-type]
        call = completion.choices[0].message.function_call
        assert call is not None
        arguments = call.arguments
    else:
        chunks = await sdk.chat.completions.create(model="m", messages=MESSAGES, stream=True)  # type: ignore[arg-type]
        arguments = ""
        async for chunk in chunks:
            for choice in chunk.choices:
                if choice.delta.function_call and choice.delta.function_call.arguments:
                    arguments += choice.delta.function_call.arguments
    parsed = json.loads(arguments)
    assert KEY not in parsed["k"] and parsed["k"].startswith("<")
    assert parsed["note"] == "<PERSON_1> asked"
    keys = [u["key"] for u in audit_records(proxy)[-1]["tool_arguments"]]  # type: ignore[union-attr]
    assert "0.function_call.k" in keys


async def test_held_arguments_go_out_when_the_upstream_ends_without_a_finish_reason(
    make_proxy: ProxyFactory, tmp_path: Path, aiohttp_server: Any
) -> None:
    app = web.Application()
    app.router.add_post("/v1/chat/completions", legacy_upstream)
    upstream = await aiohttp_server(app)
    proxy = await make_proxy(
        policies=policy_dir(tmp_path, "redact"),
        client_policies=[],
        upstream=str(upstream.make_url("/v1")),
    )
    chunks = await proxy.openai_sdk(**{"x-no-finish": "1"}).chat.completions.create(
        model="m",
        messages=MESSAGES,
        stream=True,  # type: ignore[arg-type]
    )
    arguments = ""
    async for chunk in chunks:
        for choice in chunk.choices:
            if choice.delta.function_call and choice.delta.function_call.arguments:
                arguments += choice.delta.function_call.arguments
    parsed = json.loads(arguments)
    assert KEY not in parsed["k"] and parsed["note"] == "<PERSON_1> asked"
