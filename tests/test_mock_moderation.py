"""The mock model service: keyword moderation, guard and judge replies, steering."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pytest_aiohttp import AiohttpClient, AiohttpServer

from guardproxy.grounding.remote import judge_messages
from guardproxy.mock_moderation import (
    MODERATION_CONTROL,
    MODERATION_LABELS,
    MODERATION_STATS,
    create_moderation_app,
    guard_reply,
    judge_score,
    keyword_labels,
)


@pytest.fixture
async def server(aiohttp_server: AiohttpServer) -> TestServer:
    return await aiohttp_server(create_moderation_app())


@pytest.fixture
async def http(server: TestServer, aiohttp_client: AiohttpClient) -> TestClient[Any, Any]:
    return await aiohttp_client(server)


def chat(content: str, model: str = "llama-guard-3-8b") -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": content}]}


async def test_moderation_scores_keywords(http: TestClient[Any, Any]) -> None:
    resp = await http.post("/v1/moderations", json={"model": "m", "input": "You idiot."})
    assert resp.status == 200
    body = await resp.json()
    result = body["results"][0]
    assert set(result["category_scores"]) == set(MODERATION_LABELS)
    assert result["category_scores"]["harassment"] == 0.9
    assert result["category_scores"]["hate"] == 0.01
    assert result["categories"]["harassment"] is True
    assert result["flagged"] is True
    assert body["model"] == "m"


async def test_moderation_accepts_a_list_of_inputs(http: TestClient[Any, Any]) -> None:
    resp = await http.post("/v1/moderations", json={"input": ["calm", "vermin"]})
    results = (await resp.json())["results"]
    assert [r["flagged"] for r in results] == [False, True]


async def test_scores_header_wins_over_app_control(
    http: TestClient[Any, Any], server: TestServer
) -> None:
    server.app[MODERATION_CONTROL].scores = {"sexual": 0.8}
    resp = await http.post("/v1/moderations", json={"input": "x"})
    assert (await resp.json())["results"][0]["category_scores"]["sexual"] == 0.8
    resp = await http.post(
        "/v1/moderations", json={"input": "x"}, headers={"x-mock-scores": '{"hate": 0.6}'}
    )
    scores = (await resp.json())["results"][0]["category_scores"]
    assert scores["hate"] == 0.6 and scores["sexual"] == 0.0


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"x-mock-status": "503"}, 503),
        ({"x-mock-status": "200"}, 400),
        ({"x-mock-scores": "[1]"}, 400),
        ({"x-mock-first-byte-delay-ms": "soon"}, 400),
    ],
)
async def test_status_and_bad_headers(
    http: TestClient[Any, Any], headers: dict[str, str], status: int
) -> None:
    resp = await http.post("/v1/moderations", json={"input": "x"}, headers=headers)
    assert resp.status == status
    assert "message" in (await resp.json())["error"]


async def test_raw_body(http: TestClient[Any, Any]) -> None:
    resp = await http.post(
        "/v1/chat/completions", json=chat("x"), headers={"x-mock-body": "urlenc:" + quote("{nö")}
    )
    assert resp.status == 200
    assert await resp.text() == "{nö"


async def test_bad_requests(http: TestClient[Any, Any]) -> None:
    assert (await http.post("/v1/moderations", data=b"nope")).status == 400
    assert (await http.post("/v1/moderations", json={"input": 3})).status == 400
    assert (await http.post("/v1/chat/completions", json={"messages": []})).status == 400


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("A calm day.", "safe"),
        ("They are vermin.", "unsafe\nS10"),
        ("I will stab you, I will hurt you", "unsafe\nS1"),
        ("counterfeit money and I want to hurt myself", "unsafe\nS2,S11"),
    ],
)
async def test_guard_replies(http: TestClient[Any, Any], text: str, reply: str) -> None:
    assert guard_reply(text) == reply
    resp = await http.post("/v1/chat/completions", json=chat(text))
    body = await resp.json()
    assert body["choices"][0]["message"] == {"role": "assistant", "content": reply}
    assert body["object"] == "chat.completion"


async def test_judge_replies(http: TestClient[Any, Any]) -> None:
    messages = judge_messages("P", ["Paris is the capital of France."], "Paris is lovely.")
    resp = await http.post("/v1/chat/completions", json={"model": "judge", "messages": messages})
    reply = (await resp.json())["choices"][0]["message"]["content"]
    assert json.loads(reply) == {"score": 0.5}  # "paris" known, "lovely" not


def test_judge_score_and_keywords() -> None:
    assert judge_score("SOURCES:\n[1] alpha beta\n\nANSWER:\nalpha gamma") == 0.5
    assert judge_score("SOURCES:\n(none)\n\nANSWER:\nok") == 0.0
    assert keyword_labels("A PIPE BOMB") == ["illicit/violent"]


async def test_records_max_in_flight(http: TestClient[Any, Any], server: TestServer) -> None:
    headers = {"x-mock-first-byte-delay-ms": "100"}
    await asyncio.gather(
        *(http.post("/v1/moderations", json={"input": "x"}, headers=headers) for _ in range(3))
    )
    stats = server.app[MODERATION_STATS]
    assert stats.max_in_flight == 3
    assert stats.in_flight == 0
    assert [r.path for r in stats.requests] == ["/v1/moderations"] * 3
