"""An OpenAI- and Anthropic-compatible mock upstream for the demo, tests and load tests.

Routes (only under ``/v1``): ``POST /v1/chat/completions`` (OpenAI Chat Completions),
``POST /v1/messages`` (Anthropic Messages), ``GET /v1/models``, ``POST /v1/embeddings`` and,
for passthrough tests, any other ``/v1/...`` path answering ``{"path", "method", "echo"}``.

Replies are steered with ordinary request headers, which a proxy forwards unchanged:

``x-mock-reply``
    The reply text; prefix ``urlenc:`` to send percent-encoded UTF-8. Otherwise a last
    user message starting with ``echo: `` is echoed, then ``x-mock-reply-chars: N`` gives
    N characters of plain filler prose, and the app's default reply is the fallback.
``x-mock-chunk-chars`` / ``x-mock-chunks``
    Streaming granularity: characters per text chunk (default 8), or a number of
    near-equal chunks.
``x-mock-chunk-delay-ms`` / ``x-mock-first-byte-delay-ms``
    Sleep between streamed events / before the response starts (any route).
``x-mock-fail-after-chunks: K``
    Close the connection once K text chunks have been sent (or all of them, if fewer),
    without ending the stream.
``x-mock-status: CODE``
    Answer CODE (400-599) with the provider's error body.
``x-mock-tool-call: NAME``
    Add one tool call (OpenAI ``tool_calls``, Anthropic ``tool_use``) after the text.
    With ``x-mock-tool-echo: 1`` its arguments are ``{"text": <the reply text>}``, streamed
    in pieces like the text (so a value can be split across argument chunks);
    ``x-mock-tool-arguments: JSON`` gives them outright.
``x-mock-thinking: TEXT``
    Anthropic only: a signed ``thinking`` block before the text.

Responses are built once per request with plain string templates for stream chunks, so
the mock stays far cheaper than whatever is being measured through it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote

from aiohttp import web
from multidict import CIMultiDictProxy

from guardproxy.sse import encode_data

__all__ = [
    "DEFAULT_REPLY",
    "RECORDED",
    "MockRequestError",
    "RecordedRequest",
    "create_mock_app",
    "decoded",
    "embedding_vector",
    "filler_text",
    "int_header",
    "json_body",
    "serve_app",
    "serve_mock",
]

DEFAULT_REPLY = (
    "Thanks for reaching out! I have looked into your request and everything is on track. "
    "Your account manager, Jane Doe, will follow up with the detailed figures by the end of "
    "the week. If anything is unclear in the meantime, you can write to her at "
    "jane.doe@example.com or call her directly on +1 415-555-0132 during business hours. "
    "Have a great day, and thank you for your patience while we complete the review."
)

_FILLER_SENTENCES = (
    "The quick brown fox jumps over the lazy dog.",
    "A gentle breeze moved through the quiet valley at dawn.",
    "Every good plan starts with a clear and simple goal.",
    "The river carried small leaves past the old stone bridge.",
    "Careful notes make the next step much easier to take.",
    "Bright lanterns lined the path that led to the harbor.",
    "Most questions have an answer if you look patiently.",
    "The library stayed open late during the long winter.",
)
_FILLER_UNIT = " ".join(_FILLER_SENTENCES) + " "

_OPENAI_MODELS = ("gpt-4o-mini", "gpt-4o", "text-embedding-3-small")
_ANTHROPIC_MODELS = ("claude-sonnet-4-6", "claude-haiku-4-5")
_MAX_EMBEDDING_DIMENSIONS = 4096
_DEFAULT_EMBEDDING_DIMENSIONS = 8
_TOOL_ARGUMENTS = '{"arg": 1}'


def _tool_arguments(request: web.Request, text: str) -> str:
    """The tool call's JSON arguments: given, the reply text (x-mock-tool-echo), or fixed."""
    given = request.headers.get("x-mock-tool-arguments")
    if given is not None:
        try:
            json.loads(given)
        except ValueError:
            raise MockRequestError(400, "x-mock-tool-arguments must be JSON") from None
        return given
    if request.headers.get("x-mock-tool-echo"):
        return json.dumps({"text": text}, ensure_ascii=False)
    return _TOOL_ARGUMENTS


Provider = Literal["openai", "anthropic"]


@dataclass(slots=True)
class RecordedRequest:
    """One request as the mock received it."""

    method: str
    path: str
    headers: CIMultiDictProxy[str]
    body: bytes


@dataclass(frozen=True, slots=True)
class _Settings:
    default_reply: str


RECORDED: web.AppKey[list[RecordedRequest]] = web.AppKey("guardproxy_mock_recorded")
_SETTINGS: web.AppKey[_Settings] = web.AppKey("guardproxy_mock_settings")


class MockRequestError(Exception):
    """A request the mock refuses; rendered in the provider's error shape."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def create_mock_app(*, default_reply: str = DEFAULT_REPLY, record: bool = True) -> web.Application:
    """Build the mock upstream.

    With ``record`` (the default) every request is appended to ``app[RECORDED]``; turn it
    off for long-running processes such as load tests, where the list would only grow.
    """
    middlewares = [_record_middleware, _control_middleware] if record else [_control_middleware]
    app = web.Application(middlewares=middlewares)
    app[RECORDED] = []
    app[_SETTINGS] = _Settings(default_reply=default_reply)
    app.router.add_post("/v1/chat/completions", _chat_completions)
    app.router.add_post("/v1/messages", _messages)
    app.router.add_get("/v1/models", _models)
    app.router.add_post("/v1/embeddings", _embeddings)
    app.router.add_route("*", "/v1/{tail:.*}", _echo)
    return app


async def serve_mock(host: str, port: int) -> None:
    """Serve the mock (without request recording) until cancelled."""
    await serve_app(create_mock_app(record=False), host, port)


async def serve_app(app: web.Application, host: str, port: int) -> None:
    """Serve a mock app until cancelled."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


# --- middlewares -------------------------------------------------------------------------

_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _record_middleware(request: web.Request, handler: _Handler) -> web.StreamResponse:
    body = await request.read()
    request.app[RECORDED].append(
        RecordedRequest(request.method, request.path, request.headers, body)
    )
    return await handler(request)


@web.middleware
async def _control_middleware(request: web.Request, handler: _Handler) -> web.StreamResponse:
    headers = request.headers
    provider = _provider_of(request)
    try:
        delay_ms = int_header(headers, "x-mock-first-byte-delay-ms", minimum=0)
        if delay_ms:
            await asyncio.sleep(delay_ms / 1000)
        status = int_header(headers, "x-mock-status", minimum=400, maximum=599)
        if status is not None:
            return _error_response(provider, status, f"mock error with status {status}")
        return await handler(request)
    except MockRequestError as exc:
        return _error_response(provider, exc.status, exc.message)


def _provider_of(request: web.Request) -> Provider:
    if request.path.startswith("/v1/messages") or "anthropic-version" in request.headers:
        return "anthropic"
    return "openai"


# --- errors ------------------------------------------------------------------------------

_OPENAI_ERRORS: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "permission_denied"),
    404: ("invalid_request_error", "model_not_found"),
    429: ("requests", "rate_limit_exceeded"),
}
_ANTHROPIC_ERRORS: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


def _error_response(provider: Provider, status: int, message: str) -> web.Response:
    body: dict[str, Any]
    if provider == "anthropic":
        kind = _ANTHROPIC_ERRORS.get(
            status, "api_error" if status >= 500 else "invalid_request_error"
        )
        body = {"type": "error", "error": {"type": kind, "message": message}}
    else:
        default = ("server_error", None) if status >= 500 else ("invalid_request_error", None)
        kind, code = _OPENAI_ERRORS.get(status, default)
        body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return _json_response(body, status=status)


# --- request helpers ---------------------------------------------------------------------


def decoded(value: str) -> str:
    """A header value, percent-decoded when it starts with ``urlenc:``."""
    return unquote(value[len("urlenc:") :]) if value.startswith("urlenc:") else value


def int_header(
    headers: CIMultiDictProxy[str],
    name: str,
    *,
    minimum: int,
    maximum: int | None = None,
) -> int | None:
    """An integer header within bounds, None when absent; a 400 error otherwise."""
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise MockRequestError(400, f"header {name} must be an integer") from None
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        raise MockRequestError(400, f"header {name} must be {bounds}")
    return value


async def json_body(request: web.Request) -> dict[str, Any]:
    """The request body as a JSON object; a 400 error otherwise."""
    try:
        body = json.loads(await request.read())
    except ValueError:
        raise MockRequestError(400, "request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise MockRequestError(400, "request body must be a JSON object")
    return body


def _messages_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    messages = body.get("messages")
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        raise MockRequestError(400, "'messages' must be a list of objects")
    return messages


def _content_text(content: Any) -> str:
    """Text of a message content: a string, or a list of OpenAI parts / Anthropic blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            part["text"]
            for part in content
            if isinstance(part, dict)
            and part.get("type") == "text"
            and isinstance(part.get("text"), str)
        )
    return ""


def _tokens(chars: int) -> int:
    """A deterministic token estimate (about four characters per token)."""
    return (chars + 3) // 4


def _prompt_tokens(messages: list[dict[str, Any]], system: Any = None) -> int:
    chars = len(_content_text(system))
    for message in messages:
        chars += len(_content_text(message.get("content")))
    return max(1, _tokens(chars))


def _reply_text(request: web.Request, messages: list[dict[str, Any]]) -> str:
    headers = request.headers
    reply = headers.get("x-mock-reply")
    if reply is not None:
        return decoded(reply)
    for message in reversed(messages):
        if message.get("role") == "user":
            text = _content_text(message.get("content"))
            if text.startswith("echo: "):
                return text[len("echo: ") :]
            break
    chars = int_header(headers, "x-mock-reply-chars", minimum=0)
    if chars is not None:
        return filler_text(chars)
    return request.app[_SETTINGS].default_reply


def filler_text(chars: int) -> str:
    """Exactly ``chars`` characters of plain English sentences, the same every time."""
    repeats = chars // len(_FILLER_UNIT) + 1
    return (_FILLER_UNIT * repeats)[:chars]


def _splitter(request: web.Request) -> Callable[[str], list[str]]:
    count = int_header(request.headers, "x-mock-chunks", minimum=1)
    if count is not None:
        return lambda text: _split_even(text, count)
    size = int_header(request.headers, "x-mock-chunk-chars", minimum=1) or 8
    return lambda text: [text[i : i + size] for i in range(0, len(text), size)]


def _split_even(text: str, count: int) -> list[str]:
    quotient, remainder = divmod(len(text), count)
    pieces: list[str] = []
    start = 0
    for i in range(count):
        end = start + quotient + (1 if i < remainder else 0)
        if end > start:
            pieces.append(text[start:end])
        start = end
    return pieces


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_response(body: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=_dumps(body).encode("utf-8"), status=status, content_type="application/json"
    )


def _new_id(prefix: str) -> str:
    return prefix + secrets.token_hex(12)


# --- streaming ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Frame:
    """One SSE event on the wire; ``text`` marks the chunks x-mock-fail-after-chunks counts."""

    payload: bytes
    text: bool = False


async def _send_stream(request: web.Request, frames: list[_Frame]) -> web.StreamResponse:
    fail_after = int_header(request.headers, "x-mock-fail-after-chunks", minimum=0)
    delay_ms = int_header(request.headers, "x-mock-chunk-delay-ms", minimum=0)
    delay = delay_ms / 1000 if delay_ms else 0.0
    if fail_after is not None:
        # a reply with fewer text chunks still breaks, right after its last one
        fail_after = min(fail_after, sum(frame.text for frame in frames))
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    sent_text = 0
    for index, frame in enumerate(frames):
        if fail_after is not None and sent_text >= fail_after:
            # Closing the socket mid-body (no final chunk) is what a client sees when an
            # upstream dies; aiohttp then skips the end of the response quietly.
            if request.transport is not None:
                request.transport.close()
            return response
        if delay and index:
            await asyncio.sleep(delay)
        await response.write(frame.payload)
        sent_text += frame.text
    await response.write_eof()
    return response


# --- OpenAI ------------------------------------------------------------------------------


async def _chat_completions(request: web.Request) -> web.StreamResponse:
    body = await json_body(request)
    messages = _messages_of(body)
    text = _reply_text(request, messages)
    n = body.get("n", 1)
    if n is None:
        n = 1
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 128:
        raise MockRequestError(400, "'n' must be an integer between 1 and 128")
    model = str(body.get("model") or "gpt-4o-mini")
    tool = request.headers.get("x-mock-tool-call")
    completion_id = _new_id("chatcmpl-")
    created = int(time.time())
    prompt_tokens = _prompt_tokens(messages)
    completion_tokens = _tokens(len(text)) * n
    usage = {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }
    finish = "tool_calls" if tool else "stop"

    if not body.get("stream"):
        choices = []
        for i in range(n):
            message: dict[str, Any] = {
                "role": "assistant",
                "content": text if text or not tool else None,
                "refusal": None,
                "annotations": [],
            }
            if tool:
                message["tool_calls"] = [
                    {
                        "id": f"call_{completion_id[-12:]}{i}",
                        "type": "function",
                        "function": {"name": tool, "arguments": _tool_arguments(request, text)},
                    }
                ]
            choices.append(
                {"index": i, "message": message, "logprobs": None, "finish_reason": finish}
            )
        return _json_response(
            {
                "id": completion_id,
                "object": "chat.completion",
                "created": created,
                "model": model,
                "choices": choices,
                "usage": usage,
                "system_fingerprint": "fp_mock",
            }
        )

    options = body.get("stream_options")
    include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
    head = (
        f'{{"id":{_dumps(completion_id)},"object":"chat.completion.chunk","created":{created},'
        f'"model":{_dumps(model)},"system_fingerprint":"fp_mock","choices":['
    )
    tail = '],"usage":null}' if include_usage else "]}"

    def chunk(index: int, delta: str, finish_reason: str = "null") -> bytes:
        return encode_data(
            f'{head}{{"index":{index},"delta":{delta},"logprobs":null,'
            f'"finish_reason":{finish_reason}}}{tail}'
        )

    pieces_of = _splitter(request)
    pieces = pieces_of(text)
    per_choice: list[list[_Frame]] = []
    for i in range(n):
        frames = [_Frame(chunk(i, '{"role":"assistant","content":"","refusal":null}'))]
        frames += [_Frame(chunk(i, f'{{"content":{_dumps(p)}}}'), text=True) for p in pieces]
        if tool:
            call = _dumps(
                {
                    "index": 0,
                    "id": f"call_{completion_id[-12:]}{i}",
                    "type": "function",
                    "function": {"name": tool, "arguments": ""},
                }
            )
            frames.append(_Frame(chunk(i, f'{{"tool_calls":[{call}]}}')))
            arguments = _tool_arguments(request, text)
            parts = pieces_of(arguments) if arguments != _TOOL_ARGUMENTS else ['{"arg"', ": 1}"]
            for part in parts:
                args = _dumps({"index": 0, "function": {"arguments": part}})
                frames.append(_Frame(chunk(i, f'{{"tool_calls":[{args}]}}')))
        frames.append(_Frame(chunk(i, "{}", _dumps(finish))))
        per_choice.append(frames)
    # choices are interleaved the way the API sends them: one chunk per choice in turn
    ordered = [frame for step in zip(*per_choice, strict=True) for frame in step]
    if include_usage:
        ordered.append(_Frame(encode_data(f'{head}],"usage":{_dumps(usage)}}}')))
    ordered.append(_Frame(encode_data("[DONE]")))
    return await _send_stream(request, ordered)


# --- Anthropic ---------------------------------------------------------------------------


async def _messages(request: web.Request) -> web.StreamResponse:
    body = await json_body(request)
    messages = _messages_of(body)
    text = _reply_text(request, messages)
    model = str(body.get("model") or "claude-sonnet-4-6")
    tool = request.headers.get("x-mock-tool-call")
    thinking = request.headers.get("x-mock-thinking")
    message_id = _new_id("msg_")
    input_tokens = _prompt_tokens(messages, body.get("system"))
    output_tokens = _tokens(len(text) + len(thinking or ""))
    stop_reason = "tool_use" if tool else "end_turn"
    signature = (
        base64.b64encode(hashlib.sha256(thinking.encode("utf-8")).digest()).decode("ascii")
        if thinking is not None
        else ""
    )
    tool_id = f"toolu_{message_id[-24:]}"
    with_text = bool(text) or not tool

    if not body.get("stream"):
        content: list[dict[str, Any]] = []
        if thinking is not None:
            content.append({"type": "thinking", "thinking": thinking, "signature": signature})
        if with_text:
            content.append({"type": "text", "text": text})
        if tool:
            content.append(
                {
                    "type": "tool_use",
                    "id": tool_id,
                    "name": tool,
                    "input": json.loads(_tool_arguments(request, text)),
                }
            )
        return _json_response(
            {
                "id": message_id,
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": content,
                "stop_reason": stop_reason,
                "stop_sequence": None,
                "usage": {
                    "input_tokens": input_tokens,
                    "output_tokens": output_tokens,
                    "cache_creation_input_tokens": 0,
                    "cache_read_input_tokens": 0,
                },
            }
        )

    def event(name: str, payload: str) -> bytes:
        return encode_data(payload, name)

    split = _splitter(request)
    frames = [
        _Frame(
            event(
                "message_start",
                _dumps(
                    {
                        "type": "message_start",
                        "message": {
                            "id": message_id,
                            "type": "message",
                            "role": "assistant",
                            "model": model,
                            "content": [],
                            "stop_reason": None,
                            "stop_sequence": None,
                            "usage": {
                                "input_tokens": input_tokens,
                                "output_tokens": 1,
                                "cache_creation_input_tokens": 0,
                                "cache_read_input_tokens": 0,
                            },
                        },
                    }
                ),
            )
        )
    ]
    index = 0

    def start_block(block: dict[str, Any]) -> None:
        frames.append(
            _Frame(
                event(
                    "content_block_start",
                    _dumps({"type": "content_block_start", "index": index, "content_block": block}),
                )
            )
        )
        if index == 0:
            frames.append(_Frame(event("ping", '{"type":"ping"}')))

    def delta(payload: str, is_text: bool = False) -> None:
        frames.append(
            _Frame(
                event(
                    "content_block_delta",
                    f'{{"type":"content_block_delta","index":{index},"delta":{payload}}}',
                ),
                text=is_text,
            )
        )

    def stop_block() -> None:
        frames.append(
            _Frame(event("content_block_stop", f'{{"type":"content_block_stop","index":{index}}}'))
        )

    if thinking is not None:
        start_block({"type": "thinking", "thinking": "", "signature": ""})
        for piece in split(thinking):
            delta(f'{{"type":"thinking_delta","thinking":{_dumps(piece)}}}')
        delta(f'{{"type":"signature_delta","signature":{_dumps(signature)}}}')
        stop_block()
        index += 1
    if with_text:
        start_block({"type": "text", "text": ""})
        for piece in split(text):
            delta(f'{{"type":"text_delta","text":{_dumps(piece)}}}', is_text=True)
        stop_block()
        index += 1
    if tool:
        start_block({"type": "tool_use", "id": tool_id, "name": tool, "input": {}})
        arguments = _tool_arguments(request, text)
        parts = split(arguments) if arguments != _TOOL_ARGUMENTS else ['{"arg": ', "1}"]
        for part in parts:
            delta(f'{{"type":"input_json_delta","partial_json":{_dumps(part)}}}')
        stop_block()
        index += 1
    frames.append(
        _Frame(
            event(
                "message_delta",
                _dumps(
                    {
                        "type": "message_delta",
                        "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                        "usage": {"output_tokens": output_tokens},
                    }
                ),
            )
        )
    )
    frames.append(_Frame(event("message_stop", '{"type":"message_stop"}')))
    return await _send_stream(request, frames)


# --- models, embeddings, echo ------------------------------------------------------------


async def _models(request: web.Request) -> web.StreamResponse:
    if "anthropic-version" in request.headers:
        data = [
            {
                "type": "model",
                "id": model,
                "display_name": model.replace("-", " ").title(),
                "created_at": "2025-01-01T00:00:00Z",
            }
            for model in _ANTHROPIC_MODELS
        ]
        return _json_response(
            {"data": data, "has_more": False, "first_id": data[0]["id"], "last_id": data[-1]["id"]}
        )
    return _json_response(
        {
            "object": "list",
            "data": [
                {"id": model, "object": "model", "created": 1700000000, "owned_by": "mock"}
                for model in _OPENAI_MODELS
            ],
        }
    )


async def _embeddings(request: web.Request) -> web.StreamResponse:
    body = await json_body(request)
    raw_input = body.get("input")
    items: list[Any]
    if isinstance(raw_input, str) or (
        isinstance(raw_input, list) and raw_input and all(isinstance(t, int) for t in raw_input)
    ):
        items = [raw_input]  # one string, or one list of token ids
    elif isinstance(raw_input, list) and raw_input:
        items = raw_input
    else:
        raise MockRequestError(400, "'input' must be a non-empty string or list")
    dimensions = body.get("dimensions") or _DEFAULT_EMBEDDING_DIMENSIONS
    if (
        not isinstance(dimensions, int)
        or isinstance(dimensions, bool)
        or not 1 <= dimensions <= _MAX_EMBEDDING_DIMENSIONS
    ):
        raise MockRequestError(
            400, f"'dimensions' must be an integer between 1 and {_MAX_EMBEDDING_DIMENSIONS}"
        )
    as_base64 = body.get("encoding_format") == "base64"
    data = []
    tokens = 0
    for i, item in enumerate(items):
        key = item if isinstance(item, str) else _dumps(item)
        tokens += max(1, _tokens(len(key)))
        vector = embedding_vector(key, dimensions)
        embedding: Any = (
            base64.b64encode(struct.pack(f"<{dimensions}f", *vector)).decode("ascii")
            if as_base64
            else vector
        )
        data.append({"object": "embedding", "index": i, "embedding": embedding})
    return _json_response(
        {
            "object": "list",
            "data": data,
            "model": str(body.get("model") or "text-embedding-3-small"),
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }
    )


def embedding_vector(text: str, dimensions: int = _DEFAULT_EMBEDDING_DIMENSIONS) -> list[float]:
    """A deterministic vector in [-1, 1) whose values are exact in float32."""
    digest = hashlib.shake_256(text.encode("utf-8")).digest(2 * dimensions)
    return [value / 32768 - 1 for value in struct.unpack(f"<{dimensions}H", digest)]


async def _echo(request: web.Request) -> web.StreamResponse:
    return _json_response({"path": request.path, "method": request.method, "echo": True})
