"""Grounding through the proxy: sources from the request object or the conversation,
citations appended (and [n] markers where the text is not streamed incrementally),
fabricated links handled, for both providers, streamed and not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import anthropic
import openai
import pytest

from tests.conftest import Proxy, ProxyFactory

TITLE = "Aurora 3 battery guide"
URL = "https://docs.example-devices.com/aurora3/battery"
DOC = (
    "The Aurora 3 battery lasts 14 hours on a single charge. It charges fully in 90 "
    "minutes with the bundled adapter."
)
SOURCES = [{"id": "kb-7", "title": TITLE, "url": URL, "text": DOC}]
FAKE = "https://aurora-fans.net/tips"
REPLY = (
    "The Aurora 3 battery lasts 14 hours on one charge. A full charge takes 90 minutes "
    f"with the bundled adapter. See {FAKE} for more."
)
LIST = f"Sources:\n[1] {TITLE} - {URL}"


def policy(tmp_path: Path, stream_mode: str = "incremental", links: str = "annotate") -> Path:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "default.yaml").write_text(
        f"stream: {{mode: {stream_mode}}}\n"
        "output:\n"
        "  - use: citations\n"
        "    options: {markers: true}\n"
        "  - use: links\n"
        f"    action: {links}\n"
    )
    return policies


def oai(proxy: Proxy, **headers: str) -> openai.AsyncOpenAI:
    return proxy.openai_sdk(**{"x-mock-reply": REPLY, **headers})


def ant(proxy: Proxy, **headers: str) -> anthropic.AsyncAnthropic:
    return proxy.anthropic_sdk(**{"x-mock-reply": REPLY, **headers})


QUESTION = [{"role": "user", "content": "How long does the battery last?"}]
GUARD: dict[str, Any] = {"guardproxy": {"sources": SOURCES}}


def decision(proxy: Proxy) -> dict[str, Any]:
    lines = [
        line
        for path in sorted(proxy.audit_dir.glob("audit-*.jsonl"))
        for line in path.read_text("utf-8").splitlines()
    ]
    return json.loads(lines[-1])  # type: ignore[no-any-return]


async def test_openai_answer_gets_markers_list_and_link_note(
    make_proxy: ProxyFactory, tmp_path: Path
) -> None:
    proxy = await make_proxy(policies=policy(tmp_path), client_policies=[])
    completion = await oai(proxy).chat.completions.create(
        model="m",
        messages=QUESTION,
        extra_body=GUARD,  # type: ignore[arg-type]
    )
    text = completion.choices[0].message.content or ""
    assert "bundled adapter. [1]" in text
    assert LIST in text
    assert "could not be verified" in text and FAKE in text
    # the guardproxy object never reaches the upstream
    assert "guardproxy" not in json.loads(proxy.upstream_requests()[0].body)
    unit = decision(proxy)["choices"][0]
    kinds = {a["kind"] for a in unit["annotations"]}
    assert "sources" in kinds
    (sources,) = [a for a in unit["annotations"] if a["kind"] == "sources"]
    assert json.dumps(sources["data"]).count("kb-7") >= 1


async def test_sources_found_in_a_tool_result(make_proxy: ProxyFactory, tmp_path: Path) -> None:
    proxy = await make_proxy(policies=policy(tmp_path), client_policies=[])
    tool_output = json.dumps({"title": TITLE, "url": URL, "content": DOC})
    messages = [
        {"role": "user", "content": "How long does the battery last?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "search", "arguments": "{}"},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": tool_output},
    ]
    completion = await oai(proxy).chat.completions.create(model="m", messages=messages)  # type: ignore[arg-type]
    text = completion.choices[0].message.content or ""
    assert LIST in text and "adapter. [1]" in text


async def test_openai_incremental_stream_appends_the_list_without_markers(
    make_proxy: ProxyFactory, tmp_path: Path
) -> None:
    proxy = await make_proxy(policies=policy(tmp_path), client_policies=[])
    stream = await oai(proxy, **{"x-mock-chunk-chars": "6"}).chat.completions.create(
        model="m",
        messages=QUESTION,
        stream=True,
        extra_body=GUARD,  # type: ignore[arg-type]
    )
    deltas: list[str] = []
    finish = None
    async for chunk in stream:
        for choice in chunk.choices:
            deltas.append(choice.delta.content or "")
            finish = choice.finish_reason or finish
    text = "".join(deltas)
    assert text.startswith(REPLY) and "[1]" not in text[: len(REPLY)]
    assert LIST in text and finish == "stop"


async def test_openai_buffered_stream_gets_markers_and_redacted_links(
    make_proxy: ProxyFactory, tmp_path: Path
) -> None:
    proxy = await make_proxy(
        policies=policy(tmp_path, stream_mode="buffered", links="redact"), client_policies=[]
    )
    stream = await oai(proxy, **{"x-mock-chunk-chars": "6"}).chat.completions.create(
        model="m",
        messages=QUESTION,
        stream=True,
        extra_body=GUARD,  # type: ignore[arg-type]
    )
    text = ""
    async for chunk in stream:
        for choice in chunk.choices:
            text += choice.delta.content or ""
    assert "bundled adapter. [1]" in text and LIST in text
    assert FAKE not in text and "[link removed]" in text


async def test_links_can_block(make_proxy: ProxyFactory, tmp_path: Path) -> None:
    proxy = await make_proxy(policies=policy(tmp_path, links="block"), client_policies=[])
    completion = await oai(proxy).chat.completions.create(
        model="m",
        messages=QUESTION,
        extra_body=GUARD,  # type: ignore[arg-type]
    )
    assert completion.choices[0].finish_reason == "content_filter"
    assert FAKE not in (completion.choices[0].message.content or "")


async def test_anthropic_answer_and_stream_get_sources(
    make_proxy: ProxyFactory, tmp_path: Path
) -> None:
    proxy = await make_proxy(policies=policy(tmp_path), client_policies=[])
    message = await ant(proxy).messages.create(
        model="c",
        max_tokens=300,
        messages=QUESTION,
        extra_body=GUARD,  # type: ignore[arg-type]
    )
    text = message.content[0].text  # type: ignore[union-attr]
    assert "bundled adapter. [1]" in text and LIST in text
    async with ant(proxy, **{"x-mock-chunk-chars": "5"}).messages.stream(
        model="c",
        max_tokens=300,
        messages=QUESTION,
        extra_body=GUARD,  # type: ignore[arg-type]
    ) as stream:
        final = await stream.get_final_message()
    streamed = final.content[0].text  # type: ignore[union-attr]
    assert streamed.startswith(REPLY) and streamed.endswith(
        "could not be verified against its sources."
    )
    assert LIST in streamed and final.stop_reason == "end_turn"


async def test_anthropic_documents_in_the_system_prompt_count(
    make_proxy: ProxyFactory, tmp_path: Path
) -> None:
    proxy = await make_proxy(policies=policy(tmp_path), client_policies=[])
    system = f'<doc id="kb-7" title="{TITLE}" url="{URL}">{DOC}</doc>'
    message = await ant(proxy).messages.create(
        model="c",
        max_tokens=300,
        system=system,
        messages=QUESTION,  # type: ignore[arg-type]
    )
    text = message.content[0].text  # type: ignore[union-attr]
    assert LIST in text


async def test_analyze_takes_sources_and_context(make_proxy: ProxyFactory, tmp_path: Path) -> None:
    proxy = await make_proxy(policies=policy(tmp_path), client_policies=[])
    async with aiohttp.ClientSession() as session:
        body = {"text": REPLY, "sources": SOURCES}
        async with session.post(proxy.url + "/guard/analyze", json=body) as resp:
            result = await resp.json()
        assert LIST in result["text"] and "citations" in result["scores"]
        context = [f"[1] {TITLE}\n{URL}\n{DOC}"]
        async with session.post(
            proxy.url + "/guard/analyze", json={"text": REPLY, "context": context}
        ) as resp:
            result = await resp.json()
        assert "Sources:" in result["text"]


def hallucination_policy(tmp_path: Path) -> Path:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "default.yaml").write_text(
        "output:\n  - use: hallucination\n    options: {threshold: 0.15}\n"
    )
    return policies


INVENTED = REPLY.replace(f" See {FAKE} for more.", "") + (
    " The Aurora 3 also ships with a 65 W solar panel made by Helios Works in Oslo."
)


async def test_hallucination_risk_header_and_disclaimer(
    make_proxy: ProxyFactory, tmp_path: Path
) -> None:
    proxy = await make_proxy(policies=hallucination_policy(tmp_path), client_policies=[])
    faithful = REPLY.replace(f" See {FAKE} for more.", "")
    raw = await oai(proxy, **{"x-mock-reply": faithful}).chat.completions.with_raw_response.create(
        model="m",
        messages=QUESTION,
        extra_body=GUARD,  # type: ignore[arg-type]
    )
    low = float(raw.headers["X-Guard-Hallucination-Risk"])
    assert raw.parse().choices[0].message.content == faithful
    raw = await oai(proxy, **{"x-mock-reply": INVENTED}).chat.completions.with_raw_response.create(
        model="m",
        messages=QUESTION,
        extra_body=GUARD,  # type: ignore[arg-type]
    )
    high = float(raw.headers["X-Guard-Hallucination-Risk"])
    text = raw.parse().choices[0].message.content or ""
    assert high >= 0.15 > low
    assert text.startswith(INVENTED) and len(text) > len(INVENTED)
    record = decision(proxy)["choices"][0]
    assert record["scores"]["hallucination"] == pytest.approx(high, abs=0.01)
    (disclaimer,) = [a for a in record["annotations"] if a["kind"] == "disclaimer"]
    assert disclaimer["data"]["unsupported"]


async def test_streamed_answers_get_the_disclaimer_at_the_end(
    make_proxy: ProxyFactory, tmp_path: Path
) -> None:
    proxy = await make_proxy(policies=hallucination_policy(tmp_path), client_policies=[])
    async with ant(proxy, **{"x-mock-reply": INVENTED, "x-mock-chunk-chars": "7"}).messages.stream(
        model="c",
        max_tokens=300,
        messages=QUESTION,
        extra_body=GUARD,  # type: ignore[arg-type]
    ) as stream:
        final = await stream.get_final_message()
    text = final.content[0].text  # type: ignore[union-attr]
    assert text.startswith(INVENTED) and len(text) > len(INVENTED) + 20
