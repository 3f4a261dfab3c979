"""The remote grounding judge against a real mock judge service on loopback."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from pydantic import ValidationError
from pytest_aiohttp import AiohttpServer

from guardproxy.errors import CheckError, ConfigError
from guardproxy.grounding.remote import (
    ANSWER_MARKER,
    DEFAULT_JUDGE_PROMPT,
    SOURCES_MARKER,
    RemoteScorer,
    RemoteScorerOptions,
    combine,
    judge_messages,
    parse_score,
)
from guardproxy.mock_moderation import (
    MODERATION_CONTROL,
    MODERATION_STATS,
    MockControl,
    ModerationStats,
    create_moderation_app,
)
from guardproxy.modelservice import ModelServiceError, ModelServiceTimeout

SOURCES = ["The Eiffel Tower is in Paris and was completed in 1889."]
KEY_ENV = "GUARDPROXY_TEST_JUDGE_KEY"
KEY = "sk-judge-2b8e4f6a0c1d3e5f7a9b"


@pytest.fixture
async def service(aiohttp_server: AiohttpServer) -> TestServer:
    server: TestServer = await aiohttp_server(create_moderation_app())
    return server


def control(server: TestServer) -> MockControl:
    return server.app[MODERATION_CONTROL]


def stats(server: TestServer) -> ModerationStats:
    return server.app[MODERATION_STATS]


MakeScorer = Callable[..., Awaitable[RemoteScorer]]


@pytest.fixture
async def make_scorer(service: TestServer) -> AsyncIterator[MakeScorer]:
    started: list[RemoteScorer] = []

    async def make(**options: Any) -> RemoteScorer:
        values: dict[str, Any] = {
            "base_url": str(service.make_url("/v1")),
            "model": "mock-judge",
        }
        values.update(options)
        scorer = RemoteScorer(RemoteScorerOptions.model_validate(values))
        await scorer.start()
        started.append(scorer)
        return scorer

    yield make
    for scorer in started:
        await scorer.close()


# --- scoring -----------------------------------------------------------------------------


async def test_supported_answer_scores_zero(make_scorer: MakeScorer, service: TestServer) -> None:
    scorer = await make_scorer()
    assert await scorer.score(SOURCES, "The Eiffel Tower is in Paris.") == 0.0
    body = json.loads(stats(service).requests[-1].body)
    assert stats(service).requests[-1].path == "/v1/chat/completions"
    assert body["model"] == "mock-judge"
    assert body["temperature"] == 0 and body["stream"] is False
    assert body["messages"] == judge_messages(
        DEFAULT_JUDGE_PROMPT, SOURCES, "The Eiffel Tower is in Paris."
    )


async def test_unsupported_answer_scores_high(make_scorer: MakeScorer) -> None:
    scorer = await make_scorer()
    score = await scorer.score(SOURCES, "The Eiffel Tower stands in Berlin, painted purple.")
    assert 0.5 < score <= 1.0


async def test_no_sources(make_scorer: MakeScorer, service: TestServer) -> None:
    scorer = await make_scorer()
    assert await scorer.score([], "Some unsupported claim.") == 1.0
    sent = json.loads(stats(service).requests[-1].body)["messages"][1]["content"]
    assert sent == f"{SOURCES_MARKER}\n(none)\n\n{ANSWER_MARKER}\nSome unsupported claim."


def test_judge_messages_number_the_sources() -> None:
    messages = judge_messages("P", ["first", "second"], "the answer")
    assert messages == [
        {"role": "system", "content": "P"},
        {
            "role": "user",
            "content": "SOURCES:\n[1] first\n\n[2] second\n\nANSWER:\nthe answer",
        },
    ]


async def test_custom_prompt_and_scripted_reply(
    make_scorer: MakeScorer, service: TestServer
) -> None:
    control(service).reply = 'Here you go:\n```json\n{"score": 0.35}\n```'
    scorer = await make_scorer(prompt="Rate it.")
    assert await scorer.score(SOURCES, "answer") == 0.35
    assert json.loads(stats(service).requests[-1].body)["messages"][0] == {
        "role": "system",
        "content": "Rate it.",
    }


@pytest.mark.parametrize(
    ("reply", "score"),
    [
        ('{"score": 0.3}', 0.3),
        ('{"score": 1}', 1.0),
        ('{"score": 0}', 0.0),
        ('Sure! ```json\n{"score": 0.7}\n```', 0.7),
        ('{"reason": "the date is wrong", "score": "0.25"}', 0.25),
        ('{"verdict": "x"} then {"score": 0.2}', 0.2),
        ('{"a": {"b": 1}, "score": 0.6}', 0.6),
        ("0.4", 0.4),
        (" 1 \n", 1.0),
        (".5", 0.5),
        ("`0.9`.", 0.9),
        ("score: 0.8", 0.8),
        ("Score = 0.15 because the city is wrong", 0.15),
        ('{"score": 0.45', 0.45),
    ],
)
def test_parse_score(reply: str, score: float) -> None:
    assert parse_score("judge", reply) == score


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("", "no score"),
        ("I am not sure.", "no score"),
        ("The answer has 3 claims.", "no score"),
        ('{"score": true}', "no score"),
        ('{"score": null}', "no score"),
        ('{"score": 1.5}', "outside"),
        ("-0.2", "no score"),
        ("score: 7", "outside"),
        ('{"score": NaN}', "outside"),
    ],
)
def test_parse_score_rejects(reply: str, reason: str) -> None:
    with pytest.raises(ModelServiceError, match=reason):
        parse_score("judge", reply)


# --- combine -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("builtin", "remote", "weight", "expected"),
    [
        (0.2, None, 0.5, 0.2),
        (0.2, None, 1.0, 0.2),
        (0.2, 0.8, 0.5, 0.5),
        (0.2, 0.8, 0.0, 0.2),
        (0.2, 0.8, 1.0, 0.8),
        (0.0, 1.0, 0.25, 0.25),
        (1.0, 1.0, 0.3, 1.0),
    ],
)
def test_combine(builtin: float, remote: float | None, weight: float, expected: float) -> None:
    assert combine(builtin, remote, weight) == pytest.approx(expected)


@pytest.mark.parametrize("weight", [-0.1, 1.1])
def test_combine_rejects_bad_weights(weight: float) -> None:
    with pytest.raises(ValueError, match="weight"):
        combine(0.5, 0.5, weight)


# --- failures ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 404, 500, 502])
async def test_http_errors_raise(make_scorer: MakeScorer, service: TestServer, status: int) -> None:
    control(service).status = status
    scorer = await make_scorer()
    with pytest.raises(ModelServiceError) as info:
        await scorer.score(SOURCES, "a private answer")
    assert info.value.status == status
    assert isinstance(info.value, CheckError)
    assert "private" not in str(info.value)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("<html>oops</html>", "not valid JSON"),
        ('{"choices": []}', "no choices"),
        ('{"choices": [{"message": {}}]}', "no message content"),
        ('{"choices": [{"message": {"content": "no idea"}}]}', "no score"),
    ],
)
async def test_bad_replies_raise(
    make_scorer: MakeScorer, service: TestServer, body: str, reason: str
) -> None:
    control(service).body = body
    scorer = await make_scorer()
    with pytest.raises(ModelServiceError, match=reason):
        await scorer.score(SOURCES, "answer")


async def test_timeout_is_enforced(make_scorer: MakeScorer, service: TestServer) -> None:
    control(service).delay_ms = 1000
    scorer = await make_scorer(timeout_ms=100)
    with pytest.raises(ModelServiceTimeout) as info:
        await scorer.score(SOURCES, "answer")
    assert info.value.phase == "response"
    # a caller degrades to its built-in score
    assert combine(0.3, None, scorer.options.weight) == 0.3


async def test_concurrency_limit_is_honoured(make_scorer: MakeScorer, service: TestServer) -> None:
    control(service).delay_ms = 100
    scorer = await make_scorer(max_concurrency=3, timeout_ms=10_000)
    scores = await asyncio.gather(*(scorer.score(SOURCES, f"answer {i}") for i in range(7)))
    assert scores == [1.0] * 7
    assert len(stats(service).requests) == 7
    assert stats(service).max_in_flight == 3


async def test_input_over_the_limit_raises_without_a_request(
    make_scorer: MakeScorer, service: TestServer
) -> None:
    scorer = await make_scorer(max_input_chars=20)
    with pytest.raises(ModelServiceError, match="max_input_chars=20"):
        await scorer.score(["a" * 15], "b" * 6)
    assert stats(service).requests == []


async def test_score_before_start_raises() -> None:
    scorer = RemoteScorer(RemoteScorerOptions(base_url="http://127.0.0.1:9/v1", model="judge"))
    with pytest.raises(ModelServiceError, match="not started"):
        await scorer.score(SOURCES, "answer")


async def test_close_is_idempotent(make_scorer: MakeScorer) -> None:
    scorer = await make_scorer()
    await scorer.close()
    await scorer.close()


# --- key and options ---------------------------------------------------------------------


async def test_api_key_from_env_is_sent_and_never_logged(
    make_scorer: MakeScorer,
    service: TestServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv(KEY_ENV, KEY)
    scorer = await make_scorer(api_key_env=KEY_ENV)
    await scorer.score(SOURCES, "a classified answer", request_id="req-judge")
    control(service).body = "not json"
    with pytest.raises(ModelServiceError):
        await scorer.score(SOURCES, "a classified answer", request_id="req-judge")
    assert all(r.headers["Authorization"] == f"Bearer {KEY}" for r in stats(service).requests)
    assert "req-judge" in caplog.text
    assert KEY not in caplog.text
    assert "classified" not in caplog.text
    assert "Eiffel" not in caplog.text


async def test_missing_key_fails_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    scorer = RemoteScorer(
        RemoteScorerOptions(base_url="http://127.0.0.1:9/v1", model="judge", api_key_env=KEY_ENV)
    )
    with pytest.raises(ConfigError, match=KEY_ENV):
        await scorer.start()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"weight": 1.5}, "less than or equal to 1"),
        ({"weight": -0.1}, "greater than or equal to 0"),
        ({"api_key_env": "sk-abc-123"}, "never the key itself"),
        ({"base_url": "localhost:8000"}, "http:// or https://"),
        ({"prompt": ""}, "at least 1 character"),
        ({"threshold": 0.5}, "Extra inputs"),
    ],
)
def test_invalid_options(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        RemoteScorerOptions.model_validate(
            {"base_url": "http://127.0.0.1:8000/v1", "model": "judge"} | options
        )


def test_options_defaults() -> None:
    options = RemoteScorerOptions(base_url="https://judge.internal/v1/", model="judge")
    assert options.base_url == "https://judge.internal/v1"
    assert options.weight == 0.5
    assert options.api_key_env is None
    assert options.prompt == DEFAULT_JUDGE_PROMPT
