from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import aiohttp
import anthropic
import openai
import pytest
from aiohttp.test_utils import TestClient, TestServer
from anthropic.types import Message, MessageParam
from openai.types.chat import ChatCompletionMessageParam
from pytest_aiohttp import AiohttpClient, AiohttpServer

from guardproxy.mock_llm import DEFAULT_REPLY, RECORDED, create_mock_app
from guardproxy.sse import SSEDecoder, SSEEvent

USER: list[ChatCompletionMessageParam] = [{"role": "user", "content": "Hello there"}]
ANT_USER: list[MessageParam] = [{"role": "user", "content": "Hello there"}]
OPENAI_MODEL = "gpt-4o-mini"
ANTHROPIC_MODEL = "claude-sonnet-4-6"


@pytest.fixture
async def server(aiohttp_server: AiohttpServer) -> TestServer:
    return await aiohttp_server(create_mock_app())


@pytest.fixture
async def http(server: TestServer, aiohttp_client: AiohttpClient) -> TestClient[Any, Any]:
    return await aiohttp_client(server)


@pytest.fixture
async def oai(server: TestServer) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(
        base_url=str(server.make_url("/v1")), api_key="x", max_retries=0
    ) as client:
        yield client


@pytest.fixture
async def ant(server: TestServer) -> AsyncIterator[anthropic.AsyncAnthropic]:
    async with anthropic.AsyncAnthropic(
        base_url=str(server.make_url("")), api_key="x", max_retries=0
    ) as client:
        yield client


async def raw_events(
    http: TestClient[Any, Any], path: str, body: dict[str, Any], headers: dict[str, str]
) -> list[SSEEvent]:
    response = await http.post(path, json=body, headers=headers)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    decoder = SSEDecoder()
    events: list[SSEEvent] = []
    async for chunk in response.content.iter_any():
        events.extend(decoder.feed(chunk))
    events.extend(decoder.close())
    return events


# --- OpenAI ------------------------------------------------------------------------------


async def test_openai_non_stream(oai: openai.AsyncOpenAI) -> None:
    completion = await oai.chat.completions.create(model=OPENAI_MODEL, messages=USER)
    assert completion.object == "chat.completion"
    assert completion.model == OPENAI_MODEL
    [choice] = completion.choices
    assert choice.message.role == "assistant"
    assert choice.message.content == DEFAULT_REPLY
    assert choice.finish_reason == "stop"
    assert completion.usage is not None
    assert completion.usage.total_tokens == (
        completion.usage.prompt_tokens + completion.usage.completion_tokens
    )


async def test_openai_stream(oai: openai.AsyncOpenAI) -> None:
    stream = await oai.chat.completions.create(
        model=OPENAI_MODEL,
        messages=USER,
        stream=True,
    )
    chunks = [chunk async for chunk in stream]
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[0].choices[0].delta.content == ""
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == DEFAULT_REPLY
    assert [c.choices[0].finish_reason for c in chunks][-2:] == [None, "stop"]
    assert all(c.object == "chat.completion.chunk" and c.model == OPENAI_MODEL for c in chunks)
    assert len({c.id for c in chunks}) == 1
    # the default granularity: 8 characters per chunk, plus the role and finish chunks
    assert len(chunks) == -(-len(DEFAULT_REPLY) // 8) + 2


async def test_openai_stream_wire_format(http: TestClient[Any, Any]) -> None:
    events = await raw_events(
        http,
        "/v1/chat/completions",
        {"model": OPENAI_MODEL, "messages": USER, "stream": True},
        {"x-mock-reply": "Hi"},
    )
    assert events[-1] == SSEEvent("[DONE]")
    bodies = [json.loads(e.data) for e in events[:-1]]
    assert [b["choices"][0]["delta"] for b in bodies] == [
        {"role": "assistant", "content": "", "refusal": None},
        {"content": "Hi"},
        {},
    ]
    assert all(e.event is None for e in events)
    assert all(b["choices"][0]["logprobs"] is None for b in bodies)
    assert "usage" not in bodies[0]


@pytest.mark.parametrize("stream", [False, True])
async def test_openai_n_choices(oai: openai.AsyncOpenAI, stream: bool) -> None:
    headers = {"x-mock-reply": "same text for all"}
    if not stream:
        completion = await oai.chat.completions.create(
            model=OPENAI_MODEL,
            messages=USER,
            n=2,
            extra_headers=headers,
        )
        assert [(c.index, c.message.content) for c in completion.choices] == [
            (0, "same text for all"),
            (1, "same text for all"),
        ]
        return
    chunks = [
        c
        async for c in await oai.chat.completions.create(
            model=OPENAI_MODEL,
            messages=USER,
            n=2,
            stream=True,
            extra_headers=headers,
        )
    ]
    indices = [c.choices[0].index for c in chunks]
    assert indices == [0, 1] * (len(chunks) // 2)  # interleaved, one choice per chunk
    for i in (0, 1):
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices[0].index == i)
        assert text == "same text for all"


async def test_openai_include_usage(oai: openai.AsyncOpenAI) -> None:
    chunks = [
        c
        async for c in await oai.chat.completions.create(
            model=OPENAI_MODEL,
            messages=USER,
            stream=True,
            stream_options={"include_usage": True},
        )
    ]
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens > 0
    assert all(c.usage is None for c in chunks[:-1])
    assert chunks[-2].choices[0].finish_reason == "stop"


async def test_openai_tool_call(oai: openai.AsyncOpenAI) -> None:
    headers = {"x-mock-tool-call": "get_weather", "x-mock-reply": "Let me check."}
    completion = await oai.chat.completions.create(
        model=OPENAI_MODEL,
        messages=USER,
        extra_headers=headers,
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content == "Let me check."
    assert choice.message.tool_calls is not None
    [call] = choice.message.tool_calls
    assert call.type == "function"
    assert call.id.startswith("call_")
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"arg": 1}


async def test_openai_tool_call_stream(oai: openai.AsyncOpenAI) -> None:
    headers = {"x-mock-tool-call": "get_weather", "x-mock-reply": "Let me check."}
    chunks = [
        c
        async for c in await oai.chat.completions.create(
            model=OPENAI_MODEL,
            messages=USER,
            stream=True,
            extra_headers=headers,
        )
    ]
    deltas = [c.choices[0].delta for c in chunks]
    first_tool = next(i for i, d in enumerate(deltas) if d.tool_calls)
    assert "".join(d.content or "" for d in deltas[:first_tool]) == "Let me check."
    assert all(d.content is None for d in deltas[first_tool:])
    calls = [tc for d in deltas for tc in d.tool_calls or []]
    assert calls[0].id and calls[0].function and calls[0].function.name == "get_weather"
    arguments = "".join(tc.function.arguments or "" for tc in calls if tc.function)
    assert json.loads(arguments) == {"arg": 1}
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


# --- reply control -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "content", "expected"),
    [
        pytest.param({"x-mock-reply": "plain"}, "echo: ignored", "plain", id="header wins"),
        pytest.param(
            {"x-mock-reply": "urlenc:" + quote("Grüße, 世界 🌍")},
            "hi",
            "Grüße, 世界 🌍",
            id="percent-encoded utf-8",
        ),
        pytest.param({}, "echo: say this back", "say this back", id="echo string"),
        pytest.param(
            {},
            [{"type": "text", "text": "echo: from parts"}],
            "from parts",
            id="echo content parts",
        ),
        pytest.param({}, "echo:no space", DEFAULT_REPLY, id="echo needs the space"),
        pytest.param({"x-mock-reply-chars": "0"}, "hi", "", id="zero filler"),
    ],
)
async def test_reply_text_selection(
    oai: openai.AsyncOpenAI, headers: dict[str, str], content: Any, expected: str
) -> None:
    completion = await oai.chat.completions.create(
        model=OPENAI_MODEL,
        messages=[{"role": "user", "content": content}],
        extra_headers=headers,
    )
    assert completion.choices[0].message.content == expected


async def test_echo_uses_last_user_message(oai: openai.AsyncOpenAI) -> None:
    completion = await oai.chat.completions.create(
        model=OPENAI_MODEL,
        messages=[
            {"role": "user", "content": "echo: first"},
            {"role": "assistant", "content": "first"},
            {"role": "user", "content": "echo: second"},
            {"role": "assistant", "content": "echo: not a user"},
        ],
    )
    assert completion.choices[0].message.content == "second"


@pytest.mark.parametrize("chars", [1, 57, 400, 5000])
async def test_reply_chars_filler(oai: openai.AsyncOpenAI, chars: int) -> None:
    headers = {"x-mock-reply-chars": str(chars)}
    first, second = [
        await oai.chat.completions.create(
            model=OPENAI_MODEL,
            messages=USER,
            extra_headers=headers,
        )
        for _ in range(2)
    ]
    text = first.choices[0].message.content
    assert text is not None
    assert len(text) == chars
    assert text == second.choices[0].message.content
    assert re.fullmatch(r"[A-Za-z .]*", text)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x-mock-chunks": "3"}, ["abcd", "efg", "hij"]),
        ({"x-mock-chunks": "20"}, list("abcdefghij")),
        ({"x-mock-chunk-chars": "4"}, ["abcd", "efgh", "ij"]),
        ({}, ["abcdefgh", "ij"]),
    ],
)
async def test_chunking(
    oai: openai.AsyncOpenAI, headers: dict[str, str], expected: list[str]
) -> None:
    stream = await oai.chat.completions.create(
        model=OPENAI_MODEL,
        messages=USER,
        stream=True,
        extra_headers={"x-mock-reply": "abcdefghij", **headers},
    )
    pieces = [c.choices[0].delta.content async for c in stream]
    assert pieces[1:-1] == expected


async def test_fail_after_chunks_breaks_the_stream(http: TestClient[Any, Any]) -> None:
    response = await http.post(
        "/v1/chat/completions",
        json={"model": OPENAI_MODEL, "messages": USER, "stream": True},
        headers={"x-mock-fail-after-chunks": "3", "x-mock-chunk-chars": "4"},
    )
    assert response.status == 200
    decoder = SSEDecoder()
    events: list[SSEEvent] = []
    with pytest.raises(aiohttp.ClientPayloadError):
        async for chunk in response.content.iter_any():
            events.extend(decoder.feed(chunk))
    texts = [json.loads(e.data)["choices"][0]["delta"].get("content") for e in events]
    assert texts == ["", DEFAULT_REPLY[:4], DEFAULT_REPLY[4:8], DEFAULT_REPLY[8:12]]


async def test_fail_after_chunks_surfaces_in_the_sdk(oai: openai.AsyncOpenAI) -> None:
    stream = await oai.chat.completions.create(
        model=OPENAI_MODEL,
        messages=USER,
        stream=True,
        extra_headers={"x-mock-fail-after-chunks": "2"},
    )
    received: list[str] = []
    with pytest.raises(openai.APIConnectionError):
        async for chunk in stream:
            received.append(chunk.choices[0].delta.content or "")
    assert "".join(received) == DEFAULT_REPLY[:16]


async def test_fail_after_more_chunks_than_the_reply_has(http: TestClient[Any, Any]) -> None:
    response = await http.post(
        "/v1/messages",
        json={"model": ANTHROPIC_MODEL, "messages": USER, "max_tokens": 5, "stream": True},
        headers={"x-mock-fail-after-chunks": "1000", "x-mock-reply": "short"},
    )
    body = b""
    with pytest.raises(aiohttp.ClientPayloadError):
        async for chunk in response.content.iter_any():
            body += chunk
    assert b"text_delta" in body
    assert b"message_stop" not in body


async def test_delays(oai: openai.AsyncOpenAI) -> None:
    start = time.perf_counter()
    await oai.chat.completions.create(
        model=OPENAI_MODEL,
        messages=USER,
        extra_headers={"x-mock-first-byte-delay-ms": "150"},
    )
    assert time.perf_counter() - start >= 0.15

    start = time.perf_counter()
    stream = await oai.chat.completions.create(
        model=OPENAI_MODEL,
        messages=USER,
        stream=True,
        extra_headers={"x-mock-chunk-delay-ms": "30", "x-mock-chunks": "4"},
    )
    chunks = [c async for c in stream]
    assert len(chunks) == 6
    assert time.perf_counter() - start >= 5 * 0.03  # between each of the 7 events


# --- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "exc_type", "error_type"),
    [
        (400, openai.BadRequestError, "invalid_request_error"),
        (401, openai.AuthenticationError, "invalid_request_error"),
        (404, openai.NotFoundError, "invalid_request_error"),
        (429, openai.RateLimitError, "requests"),
        (500, openai.InternalServerError, "server_error"),
        (503, openai.InternalServerError, "server_error"),
    ],
)
@pytest.mark.parametrize("stream", [False, True])
async def test_openai_error_status(
    oai: openai.AsyncOpenAI,
    status: int,
    exc_type: type[openai.APIStatusError],
    error_type: str,
    stream: bool,
) -> None:
    with pytest.raises(exc_type) as info:
        await oai.chat.completions.create(
            model=OPENAI_MODEL,
            messages=USER,
            stream=stream,
            extra_headers={"x-mock-status": str(status)},
        )
    assert info.value.status_code == status
    assert info.value.type == error_type
    assert isinstance(info.value.body, dict)
    assert set(info.value.body) == {"message", "type", "param", "code"}


@pytest.mark.parametrize(
    ("status", "exc_type", "error_type"),
    [
        (400, anthropic.BadRequestError, "invalid_request_error"),
        (401, anthropic.AuthenticationError, "authentication_error"),
        (403, anthropic.PermissionDeniedError, "permission_error"),
        (429, anthropic.RateLimitError, "rate_limit_error"),
        (500, anthropic.InternalServerError, "api_error"),
        (529, anthropic.InternalServerError, "overloaded_error"),
    ],
)
@pytest.mark.parametrize("stream", [False, True])
async def test_anthropic_error_status(
    ant: anthropic.AsyncAnthropic,
    status: int,
    exc_type: type[anthropic.APIStatusError],
    error_type: str,
    stream: bool,
) -> None:
    with pytest.raises(exc_type) as info:
        await ant.messages.create(
            model=ANTHROPIC_MODEL,
            max_tokens=100,
            messages=ANT_USER,
            stream=stream,
            extra_headers={"x-mock-status": str(status)},
        )
    assert info.value.status_code == status
    assert info.value.body == {
        "type": "error",
        "error": {"type": error_type, "message": f"mock error with status {status}"},
    }


@pytest.mark.parametrize(
    ("path", "headers", "expected"),
    [
        (
            "/v1/chat/completions",
            {},
            {
                "error": {
                    "message": "request body is not valid JSON",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": None,
                }
            },
        ),
        (
            "/v1/messages",
            {},
            {
                "type": "error",
                "error": {
                    "type": "invalid_request_error",
                    "message": "request body is not valid JSON",
                },
            },
        ),
        (
            "/v1/embeddings",
            {"anthropic-version": "2023-06-01"},
            {
                "type": "error",
                "error": {
                    "type": "invalid_request_error",
                    "message": "request body is not valid JSON",
                },
            },
        ),
    ],
)
async def test_malformed_json(
    http: TestClient[Any, Any], path: str, headers: dict[str, str], expected: dict[str, Any]
) -> None:
    response = await http.post(
        path, data=b'{"model": "x", "messages": [', headers={**headers, "Content-Type": "x"}
    )
    assert response.status == 400
    assert await response.json() == expected


@pytest.mark.parametrize(
    ("body", "headers", "fragment"),
    [
        ({"messages": "nope"}, {}, "'messages' must be a list"),
        ([1, 2], {}, "must be a JSON object"),
        ({"messages": [], "n": 0}, {}, "'n' must be"),
        ({"messages": [], "stream": True}, {"x-mock-chunks": "0"}, "x-mock-chunks must be >= 1"),
        ({"messages": []}, {"x-mock-status": "abc"}, "x-mock-status must be an integer"),
        ({"messages": []}, {"x-mock-status": "302"}, "between 400 and 599"),
    ],
)
async def test_bad_requests(
    http: TestClient[Any, Any], body: Any, headers: dict[str, str], fragment: str
) -> None:
    response = await http.post(
        "/v1/chat/completions", json=body, headers={"x-mock-reply-chars": "5", **headers}
    )
    assert response.status == 400
    assert fragment in (await response.json())["error"]["message"]


# --- Anthropic ---------------------------------------------------------------------------


async def test_anthropic_non_stream(ant: anthropic.AsyncAnthropic) -> None:
    message = await ant.messages.create(
        model=ANTHROPIC_MODEL,
        max_tokens=100,
        system="be brief",
        messages=ANT_USER,
    )
    assert message.type == "message"
    assert message.role == "assistant"
    assert message.model == ANTHROPIC_MODEL
    assert message.stop_reason == "end_turn"
    assert message.stop_sequence is None
    [block] = message.content
    assert block.type == "text"
    assert block.text == DEFAULT_REPLY
    assert message.usage.input_tokens > 0
    assert message.usage.output_tokens > 0


async def test_anthropic_stream(ant: anthropic.AsyncAnthropic) -> None:
    async with ant.messages.stream(
        model=ANTHROPIC_MODEL,
        max_tokens=100,
        messages=[{"role": "user", "content": [{"type": "text", "text": "echo: Grüße 🌍!"}]}],
        extra_headers={"x-mock-chunk-chars": "3"},
    ) as stream:
        pieces = [text async for text in stream.text_stream]
        final = await stream.get_final_message()
    assert "".join(pieces) == "Grüße 🌍!"
    assert len(pieces) == 3
    assert final.stop_reason == "end_turn"
    assert [b.type for b in final.content] == ["text"]
    assert final.usage.output_tokens > 0


async def test_anthropic_stream_event_sequence(http: TestClient[Any, Any]) -> None:
    events = await raw_events(
        http,
        "/v1/messages",
        {"model": ANTHROPIC_MODEL, "messages": USER, "max_tokens": 10, "stream": True},
        {"x-mock-reply": "Hello world", "x-mock-chunk-chars": "6"},
    )
    assert [e.event for e in events] == [
        "message_start",
        "content_block_start",
        "ping",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    bodies = [json.loads(e.data) for e in events]
    assert all(b["type"] == e.event for b, e in zip(bodies, events, strict=True))
    assert bodies[0]["message"]["content"] == []
    assert bodies[0]["message"]["model"] == ANTHROPIC_MODEL
    assert [b["delta"] for b in bodies[3:5]] == [
        {"type": "text_delta", "text": "Hello "},
        {"type": "text_delta", "text": "world"},
    ]
    assert bodies[6]["delta"] == {"stop_reason": "end_turn", "stop_sequence": None}
    assert bodies[6]["usage"]["output_tokens"] > 0


@pytest.mark.parametrize("stream", [False, True])
async def test_anthropic_thinking_and_tool_use(ant: anthropic.AsyncAnthropic, stream: bool) -> None:
    headers = {
        "x-mock-thinking": "The user wants the weather.",
        "x-mock-tool-call": "get_weather",
        "x-mock-reply": "Checking.",
    }
    message: Message
    if stream:
        async with ant.messages.stream(
            model=ANTHROPIC_MODEL,
            max_tokens=100,
            messages=ANT_USER,
            extra_headers=headers,
        ) as s:
            message = await s.get_final_message()
    else:
        message = await ant.messages.create(
            model=ANTHROPIC_MODEL,
            max_tokens=100,
            messages=ANT_USER,
            extra_headers=headers,
        )
    assert [b.type for b in message.content] == ["thinking", "text", "tool_use"]
    thinking, text, tool = message.content
    assert thinking.type == "thinking" and text.type == "text" and tool.type == "tool_use"
    assert thinking.thinking == "The user wants the weather."
    assert thinking.signature
    assert text.text == "Checking."
    assert tool.name == "get_weather"
    assert tool.input == {"arg": 1}
    assert tool.id.startswith("toolu_")
    assert message.stop_reason == "tool_use"


async def test_anthropic_thinking_stream_deltas(http: TestClient[Any, Any]) -> None:
    events = await raw_events(
        http,
        "/v1/messages",
        {"model": ANTHROPIC_MODEL, "messages": USER, "max_tokens": 10, "stream": True},
        {"x-mock-thinking": "hmm", "x-mock-reply": "ok"},
    )
    deltas = [
        json.loads(e.data)["delta"]["type"] for e in events if e.event == "content_block_delta"
    ]
    assert deltas == ["thinking_delta", "signature_delta", "text_delta"]
    assert [e.event for e in events].count("ping") == 1


async def test_anthropic_tool_use_without_text(ant: anthropic.AsyncAnthropic) -> None:
    message = await ant.messages.create(
        model=ANTHROPIC_MODEL,
        max_tokens=100,
        messages=ANT_USER,
        extra_headers={"x-mock-tool-call": "lookup", "x-mock-reply": ""},
    )
    assert [b.type for b in message.content] == ["tool_use"]


# --- other routes ------------------------------------------------------------------------


async def test_models(oai: openai.AsyncOpenAI, ant: anthropic.AsyncAnthropic) -> None:
    openai_ids = [m.id async for m in oai.models.list()]
    assert OPENAI_MODEL in openai_ids
    anthropic_ids = [m.id async for m in ant.models.list()]
    assert ANTHROPIC_MODEL in anthropic_ids


@pytest.mark.parametrize("encoding_format", ["float", None])
async def test_embeddings(oai: openai.AsyncOpenAI, encoding_format: str | None) -> None:
    kwargs: dict[str, Any] = {"encoding_format": encoding_format} if encoding_format else {}
    first = await oai.embeddings.create(
        model="text-embedding-3-small", input=["a", "b"], dimensions=16, **kwargs
    )
    again = await oai.embeddings.create(model="text-embedding-3-small", input="a", dimensions=16)
    assert [d.index for d in first.data] == [0, 1]
    assert all(len(d.embedding) == 16 for d in first.data)
    assert all(-1 <= x < 1 for d in first.data for x in d.embedding)
    assert first.data[0].embedding == again.data[0].embedding
    assert first.data[0].embedding != first.data[1].embedding
    assert first.usage.prompt_tokens == 2


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
async def test_catch_all_echo(http: TestClient[Any, Any], method: str) -> None:
    response = await http.request(method, "/v1/files/abc", json={"x": 1})
    assert response.status == 200
    assert await response.json() == {"path": "/v1/files/abc", "method": method, "echo": True}


async def test_only_v1_is_served(http: TestClient[Any, Any]) -> None:
    response = await http.post("/chat/completions", json={"messages": []})
    assert response.status == 404


async def test_recorded_requests(server: TestServer, oai: openai.AsyncOpenAI) -> None:
    await oai.chat.completions.create(
        model=OPENAI_MODEL,
        messages=USER,
        extra_headers={"x-custom": "yes"},
    )
    [recorded] = server.app[RECORDED]
    assert recorded.method == "POST"
    assert recorded.path == "/v1/chat/completions"
    assert recorded.headers["X-Custom"] == "yes"
    assert recorded.headers["authorization"] == "Bearer x"
    assert json.loads(recorded.body)["messages"] == USER


async def test_recording_can_be_turned_off(aiohttp_server: AiohttpServer) -> None:
    server = await aiohttp_server(create_mock_app(record=False))
    async with aiohttp.ClientSession() as session, session.get(server.make_url("/v1/models")) as r:
        assert r.status == 200
    assert server.app[RECORDED] == []


async def test_custom_default_reply(aiohttp_server: AiohttpServer) -> None:
    server = await aiohttp_server(create_mock_app(default_reply="Custom."))
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            server.make_url("/v1/messages"),
            json={"model": ANTHROPIC_MODEL, "messages": ANT_USER, "max_tokens": 5},
        ) as response,
    ):
        body = await response.json()
    assert body["content"] == [{"type": "text", "text": "Custom."}]
