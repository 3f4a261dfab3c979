"""A mock model service for tests and demos: moderation, a guard model and a judge.

Routes (only under ``/v1``):

``POST /v1/moderations``
    The OpenAI moderation shape. Each input is scored by keyword rules (`KEYWORD_RULES`):
    a label whose keyword occurs in the text scores 0.9, every other label 0.01.
``POST /v1/chat/completions``
    A model whose name contains ``judge`` answers as a grounding judge: ``{"score": x}``,
    x being the share of the answer's words (four letters or more) that appear in none
    of the sources. Any other model answers as a Llama Guard 3 style guard: ``safe``, or
    ``unsafe`` and the codes of the keyword rules that match the last message.

Replies are steered with request headers, as in `guardproxy.mock_llm`, or, for clients that
send fixed headers, with the same settings on the app's `MockControl`
(``app[MODERATION_CONTROL]``); a header wins over the app setting:

``x-mock-first-byte-delay-ms`` (``delay_ms``)
    Sleep before answering (timeouts).
``x-mock-status: CODE`` (``status``)
    Answer CODE (400-599) with an OpenAI error body.
``x-mock-scores`` (``scores``)
    /v1/moderations: a JSON object of label -> score; labels left out score 0.0.
``x-mock-reply`` (``reply``)
    /v1/chat/completions: the assistant text, as is (prefix ``urlenc:`` for
    percent-encoded UTF-8).
``x-mock-body`` (``body``)
    Any route: the raw response body, sent with status 200 as application/json whether
    or not it is JSON (prefix ``urlenc:`` as above).

The app records every request (``app[MODERATION_STATS]``) and the most requests it ever had in
flight at once, so tests can check a client's concurrency limit.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from guardproxy.grounding.remote import ANSWER_MARKER, SOURCES_MARKER
from guardproxy.mock_llm import (
    MockRequestError,
    RecordedRequest,
    decoded,
    int_header,
    json_body,
    serve_app,
)

__all__ = [
    "GUARD_CODES",
    "KEYWORD_RULES",
    "MODERATION_CONTROL",
    "MODERATION_LABELS",
    "MODERATION_STATS",
    "MockControl",
    "ModerationStats",
    "create_moderation_app",
    "guard_reply",
    "judge_score",
    "keyword_labels",
    "serve_mock_moderation",
]

MODERATION_LABELS: tuple[str, ...] = (
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/instructions",
    "self-harm/intent",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
)

KEYWORD_RULES: Mapping[str, tuple[str, ...]] = {
    "harassment": ("idiot", "loser"),
    "harassment/threatening": ("i will hurt you",),
    "hate": ("vermin",),
    "illicit": ("counterfeit", "launder"),
    "illicit/violent": ("pipe bomb",),
    "self-harm": ("hurt myself",),
    "self-harm/instructions": ("how to cut yourself",),
    "sexual": ("explicit sex",),
    "violence": ("stab",),
}
"""Moderation label -> lower-case keywords that flag it (a demo, not a classifier)."""

GUARD_CODES: Mapping[str, str] = {
    "harassment/threatening": "S1",
    "violence": "S1",
    "illicit": "S2",
    "sexual/minors": "S4",
    "illicit/violent": "S9",
    "hate": "S10",
    "self-harm": "S11",
    "self-harm/instructions": "S11",
    "self-harm/intent": "S11",
    "sexual": "S12",
}
"""Moderation label -> the Llama Guard 3 code the mock guard reports for it."""

_FLAGGED_SCORE = 0.9
_BASELINE_SCORE = 0.01
_JUDGE_WORD = re.compile(r"[^\W\d_]{4,}")


@dataclass(slots=True)
class ModerationStats:
    """What the mock saw: every request, and the most it had in flight at once."""

    requests: list[RecordedRequest] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0


@dataclass(slots=True)
class MockControl:
    """App-wide replies for clients that cannot send x-mock-* headers; change at will."""

    delay_ms: int = 0
    status: int | None = None
    scores: dict[str, float] | None = None
    reply: str | None = None
    body: str | None = None


MODERATION_STATS: web.AppKey[ModerationStats] = web.AppKey("guardproxy_mock_moderation_stats")
MODERATION_CONTROL: web.AppKey[MockControl] = web.AppKey("guardproxy_mock_moderation_control")


def create_moderation_app(control: MockControl | None = None) -> web.Application:
    """Build the mock model service."""
    app = web.Application(middlewares=[_stats_middleware, _control_middleware])
    app[MODERATION_STATS] = ModerationStats()
    app[MODERATION_CONTROL] = control or MockControl()
    app.router.add_post("/v1/moderations", _moderations)
    app.router.add_post("/v1/chat/completions", _chat_completions)
    return app


async def serve_mock_moderation(host: str, port: int) -> None:
    """Serve the mock until cancelled."""
    await serve_app(create_moderation_app(), host, port)


# --- middlewares -------------------------------------------------------------------------

_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _stats_middleware(request: web.Request, handler: _Handler) -> web.StreamResponse:
    stats = request.app[MODERATION_STATS]
    body = await request.read()
    stats.requests.append(RecordedRequest(request.method, request.path, request.headers, body))
    stats.in_flight += 1
    stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
    try:
        return await handler(request)
    finally:
        stats.in_flight -= 1


@web.middleware
async def _control_middleware(request: web.Request, handler: _Handler) -> web.StreamResponse:
    headers = request.headers
    control = request.app[MODERATION_CONTROL]
    try:
        delay_ms = int_header(headers, "x-mock-first-byte-delay-ms", minimum=0)
        if delay_ms is None:
            delay_ms = control.delay_ms
        if delay_ms:
            await asyncio.sleep(delay_ms / 1000)
        status = int_header(headers, "x-mock-status", minimum=400, maximum=599)
        if status is None:
            status = control.status
        if status is not None:
            return _error_response(status, f"mock error with status {status}")
        raw = headers.get("x-mock-body", control.body)
        if raw is not None:
            return web.Response(body=decoded(raw).encode("utf-8"), content_type="application/json")
        return await handler(request)
    except MockRequestError as exc:
        return _error_response(exc.status, exc.message)


# --- helpers -----------------------------------------------------------------------------


def _error_response(status: int, message: str) -> web.Response:
    kind = "server_error" if status >= 500 else "invalid_request_error"
    return _json_response(
        {"error": {"message": message, "type": kind, "param": None, "code": None}}, status
    )


def _json_response(body: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        status=status,
        content_type="application/json",
    )


def keyword_labels(text: str) -> list[str]:
    """The moderation labels whose keywords occur in text."""
    lowered = text.lower()
    return [
        label
        for label, keywords in KEYWORD_RULES.items()
        if any(keyword in lowered for keyword in keywords)
    ]


# --- /v1/moderations ---------------------------------------------------------------------


def _scores_from_header(raw: str) -> dict[str, float]:
    try:
        scores = json.loads(decoded(raw))
    except ValueError:
        raise MockRequestError(400, "header x-mock-scores must be a JSON object") from None
    if not isinstance(scores, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in scores.values()
    ):
        raise MockRequestError(400, "header x-mock-scores must map labels to numbers")
    return {str(k): float(v) for k, v in scores.items()}


def _moderation_result(scores: Mapping[str, float]) -> dict[str, Any]:
    return {
        "flagged": any(s >= 0.5 for s in scores.values()),
        "categories": {label: s >= 0.5 for label, s in scores.items()},
        "category_scores": dict(scores),
        "category_applied_input_types": {label: ["text"] for label in scores},
    }


async def _moderations(request: web.Request) -> web.StreamResponse:
    body = await json_body(request)
    raw_input = body.get("input")
    if isinstance(raw_input, str):
        inputs = [raw_input]
    elif isinstance(raw_input, list) and raw_input and all(isinstance(i, str) for i in raw_input):
        inputs = raw_input
    else:
        raise MockRequestError(400, "'input' must be a string or a non-empty list of strings")
    header = request.headers.get("x-mock-scores")
    scripted = (
        _scores_from_header(header)
        if header is not None
        else request.app[MODERATION_CONTROL].scores
    )
    results = []
    for text in inputs:
        if scripted is not None:
            scores = {label: 0.0 for label in MODERATION_LABELS} | scripted
        else:
            hits = set(keyword_labels(text))
            scores = {
                label: _FLAGGED_SCORE if label in hits else _BASELINE_SCORE
                for label in MODERATION_LABELS
            }
        results.append(_moderation_result(scores))
    return _json_response(
        {
            "id": "modr-" + secrets.token_hex(12),
            "model": str(body.get("model") or "omni-moderation-latest"),
            "results": results,
        }
    )


# --- /v1/chat/completions ----------------------------------------------------------------


def _message_texts(body: dict[str, Any]) -> list[tuple[str, str]]:
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise MockRequestError(400, "'messages' must be a non-empty list")
    out: list[tuple[str, str]] = []
    for message in messages:
        if not isinstance(message, dict) or not isinstance(message.get("content"), str):
            raise MockRequestError(400, "each message needs a string 'content'")
        out.append((str(message.get("role")), message["content"]))
    return out


def guard_reply(text: str) -> str:
    """What the mock guard answers for text: 'safe' or 'unsafe' and its codes."""
    codes = dict.fromkeys(
        GUARD_CODES[label] for label in keyword_labels(text) if label in GUARD_CODES
    )
    return "unsafe\n" + ",".join(codes) if codes else "safe"


def judge_score(user_message: str) -> float:
    """Share of the answer's words (four letters or more) found in none of the sources."""
    _, _, rest = user_message.partition(SOURCES_MARKER)
    sources, _, answer = rest.rpartition(ANSWER_MARKER)
    known = {w.lower() for w in _JUDGE_WORD.findall(sources)}
    words = [w.lower() for w in _JUDGE_WORD.findall(answer)]
    if not words:
        return 0.0
    return round(sum(w not in known for w in words) / len(words), 3)


async def _chat_completions(request: web.Request) -> web.StreamResponse:
    body = await json_body(request)
    messages = _message_texts(body)
    model = str(body.get("model") or "llama-guard-3-8b")
    header = request.headers.get("x-mock-reply")
    scripted = decoded(header) if header is not None else request.app[MODERATION_CONTROL].reply
    if scripted is not None:
        reply = scripted
    elif "judge" in model.lower():
        user = next((text for role, text in reversed(messages) if role == "user"), "")
        reply = json.dumps({"score": judge_score(user)})
    else:
        reply = guard_reply(messages[-1][1])
    return _json_response(
        {
            "id": "chatcmpl-" + secrets.token_hex(12),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
    )
