"""Routes, headers, access rules and error shapes of the proxy (external contract)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from guardproxy.mock_llm import create_mock_app
from tests.conftest import Proxy, ProxyFactory

CHAT = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}


async def post(proxy: Proxy, path: str, body: object, **headers: str) -> tuple[int, dict, object]:
    async with (
        aiohttp.ClientSession() as s,
        s.post(
            proxy.server.make_url(path),
            data=body if isinstance(body, bytes) else json.dumps(body),
            headers={"Content-Type": "application/json", **headers},
        ) as r,
    ):
        raw = await r.read()
        try:
            payload: object = json.loads(raw)
        except ValueError:
            payload = raw
        return r.status, dict(r.headers), payload


async def get(proxy: Proxy, path: str, **headers: str) -> tuple[int, object]:
    async with (
        aiohttp.ClientSession() as s,
        s.get(proxy.server.make_url(path), headers=headers) as r,
    ):
        return r.status, (
            await r.json() if r.content_type == "application/json" else await r.text()
        )


async def test_client_policy_not_allowed_is_403_with_names(make_proxy: ProxyFactory) -> None:
    proxy = await make_proxy(client_policies=["monitor"])
    status, _headers, body = await post(
        proxy, "/v1/chat/completions", CHAT, **{"X-Guard-Policy": "strict"}
    )
    assert status == 403
    assert "allowed: monitor" in body["error"]["message"]  # type: ignore[index]
    assert proxy.upstream_requests() == []


async def test_guard_headers_never_reach_upstream(proxy: Proxy) -> None:
    status, headers, _ = await post(
        proxy,
        "/v1/chat/completions",
        {**CHAT, "guardproxy": {"sources": []}},
        **{
            "X-Guard-Policy": "monitor",
            "X-Guard-Debug": "1",
            "Authorization": "Bearer sk-1",
            "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "Connection": "keep-alive, X-Custom-Hop",
            "X-Custom-Hop": "1",
        },
    )
    assert status == 200
    sent = proxy.upstream_requests()[-1]
    names = {k.lower() for k in sent.headers}
    assert not any(n.startswith("x-guard-") for n in names)
    assert "x-custom-hop" not in names
    assert sent.headers["Authorization"] == "Bearer sk-1"
    assert sent.headers["traceparent"].startswith("00-0af7")
    assert sent.headers["Accept-Encoding"] == "identity"
    assert b"guardproxy" not in sent.body
    assert headers["X-Guard-Policy"].startswith("monitor@")


async def test_upstream_guard_headers_are_dropped(
    make_proxy: ProxyFactory,
    aiohttp_server,  # type: ignore[no-untyped-def]
) -> None:
    async def models(request: web.Request) -> web.Response:
        return web.json_response({"data": []}, headers={"X-Guard-Action": "forged"})

    app = web.Application()
    app.router.add_get("/v1/models", models)
    upstream = await aiohttp_server(app)
    proxy = await make_proxy(upstream=str(upstream.make_url("/v1")))
    async with aiohttp.ClientSession() as s, s.get(proxy.server.make_url("/v1/models")) as r:
        assert r.headers["X-Guard-Action"] == "allow"
        assert r.headers.getall("X-Guard-Action") == ["allow"]


async def test_passthrough_paths(proxy: Proxy) -> None:
    status, body = await get(proxy, "/v1/models")
    assert status == 200 and body["object"] == "list"  # type: ignore[index]
    status, headers, body = await post(proxy, "/v1/embeddings", {"model": "e", "input": "x"})
    assert status == 200 and body["data"]  # type: ignore[index]
    assert proxy.upstream_requests()[-1].path == "/v1/embeddings"
    assert headers["X-Guard-Decision-Id"]


async def test_upstream_base_path_is_kept(make_proxy: ProxyFactory, aiohttp_server) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    async def any_path(request: web.Request) -> web.Response:
        seen.append(request.path_qs)
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", any_path)
    upstream = await aiohttp_server(app)
    proxy = await make_proxy(upstream=str(upstream.make_url("/api/openai/v1")))
    await get(proxy, "/v1/models?limit=3")
    assert seen == ["/api/openai/v1/models?limit=3"]


@pytest.mark.parametrize("path", ["/v1/responses", "/v1/completions", "/v1/batches"])
async def test_unguarded_generation_blocked_by_default(proxy: Proxy, path: str) -> None:
    status, _, body = await post(proxy, path, {"model": "m", "input": "x"})
    assert status == 403
    assert "unguarded_generation" in body["error"]["message"]  # type: ignore[index]
    assert proxy.upstream_requests() == []
    assert (
        proxy.metric(
            "guardproxy_unguarded_generation_requests_total",
            {"route": path.split("/")[2], "outcome": "blocked"},
        )
        == 1
    )


async def test_unguarded_generation_pass(make_proxy: ProxyFactory) -> None:
    proxy = await make_proxy(unguarded_generation="pass")
    status, _, body = await post(proxy, "/v1/responses", {"model": "m", "input": "x"})
    assert status == 200 and body["echo"] is True  # type: ignore[index]


async def test_malformed_json_is_400_in_provider_shape(proxy: Proxy) -> None:
    status, _, body = await post(proxy, "/v1/chat/completions", b"{not json")
    assert status == 400
    assert body["error"]["code"] == "invalid_json"  # type: ignore[index]
    assert "request id" in body["error"]["message"]  # type: ignore[index]
    status, _, body = await post(proxy, "/v1/messages", b"[1, 2")
    assert status == 400
    assert body["type"] == "error"  # type: ignore[index]
    assert body["error"]["type"] == "invalid_request_error"  # type: ignore[index]


async def test_body_over_limit_is_413(make_proxy: ProxyFactory) -> None:
    proxy = await make_proxy(max_body_bytes=2048)
    big = {"model": "m", "messages": [{"role": "user", "content": "x" * 4096}]}
    status, _, body = await post(proxy, "/v1/chat/completions", big)
    assert status == 413
    assert "max_body_bytes" in body["error"]["message"]  # type: ignore[index]
    status, _, body = await post(proxy, "/v1/messages", big)
    assert status == 413 and body["type"] == "error"  # type: ignore[index]


async def test_dead_upstream_is_502(make_proxy: ProxyFactory, unused_tcp_port: int) -> None:
    proxy = await make_proxy(upstream=f"http://127.0.0.1:{unused_tcp_port}/v1")
    status, headers, body = await post(proxy, "/v1/chat/completions", CHAT)
    assert status == 502
    assert "unreachable" in body["error"]["message"]  # type: ignore[index]
    assert headers["X-Guard-Decision-Id"]


async def test_first_byte_timeout_is_504(make_proxy: ProxyFactory) -> None:
    proxy = await make_proxy(first_byte_timeout_s=0.2)
    status, _, body = await post(
        proxy, "/v1/chat/completions", CHAT, **{"x-mock-first-byte-delay-ms": "2000"}
    )
    assert status == 504
    assert "first byte" in body["error"]["message"]  # type: ignore[index]


async def test_idle_timeout_mid_stream_sends_error_event(make_proxy: ProxyFactory) -> None:
    proxy = await make_proxy(idle_timeout_s=0.2)
    async with (
        aiohttp.ClientSession() as s,
        s.post(
            proxy.server.make_url("/v1/chat/completions"),
            json={**CHAT, "stream": True},
            headers={"x-mock-chunk-delay-ms": "1000", "X-Guard-Policy": "passthrough"},
        ) as r,
    ):
        body = (await r.read()).decode()
    assert '"error"' in body and "idle timeout" in body
    assert (
        proxy.metric(
            "guardproxy_upstream_errors_total",
            {"route": "chat_completions", "kind": "timeout_idle"},
        )
        == 1
    )


async def test_upstream_breaks_mid_stream(proxy: Proxy) -> None:
    async with (
        aiohttp.ClientSession() as s,
        s.post(
            proxy.server.make_url("/v1/messages"),
            json={**CHAT, "max_tokens": 10, "stream": True},
            headers={"x-mock-fail-after-chunks": "3", "anthropic-version": "2023-06-01"},
        ) as r,
    ):
        body = (await r.read()).decode()
    assert "event: error" in body
    records = [
        json.loads(line)
        for f in proxy.audit_dir.glob("*.jsonl")
        for line in f.read_text().splitlines()
    ]
    assert records[-1]["outcome"] == "upstream_error"


async def test_health_ready_metrics(proxy: Proxy) -> None:
    assert (await get(proxy, "/healthz"))[0] == 200
    status, body = await get(proxy, "/readyz")
    assert status == 200 and "default" in body["policies"]  # type: ignore[index]
    await post(proxy, "/v1/chat/completions", CHAT)
    status, text = await get(proxy, "/metrics")
    assert status == 200
    assert (
        'guardproxy_requests_total{action="redact",policy="default",route="chat_completions",status="2xx"} 1.0'
        in text
    )  # type: ignore[operator]
    assert (
        proxy.metric("guardproxy_findings_total", {"check": "pii", "category": "EMAIL_ADDRESS"})
        == 1
    )


async def test_guard_routes_loopback_only_without_token(proxy: Proxy) -> None:
    status, _ = await get(proxy, "/guard/decisions/nope")
    assert status == 404  # loopback client: allowed, just not found


async def test_guard_routes_need_token_when_set(make_proxy: ProxyFactory) -> None:
    proxy = await make_proxy(admin_token="s3cret")
    status, _ = await get(proxy, "/guard/decisions/x")
    assert status == 401
    status, _ = await get(proxy, "/guard/decisions/x", Authorization="Bearer wrong")
    assert status == 401
    status, _ = await get(proxy, "/guard/decisions/x", Authorization="Bearer s3cret")
    assert status == 404


async def test_analyze_and_decision_lookup(proxy: Proxy) -> None:
    status, _headers, body = await post(
        proxy,
        "/guard/analyze",
        {"text": "Write to jane.doe@example.com today.", "context": ["q"], "sources": []},
    )
    assert status == 200
    assert body["action"] == "redact"  # type: ignore[index]
    assert body["text"] == "Write to <EMAIL_ADDRESS> today."  # type: ignore[index]
    finding = body["findings"][0]  # type: ignore[index]
    assert (finding["check"], finding["category"], finding["start"], finding["end"]) == (
        "pii",
        "EMAIL_ADDRESS",
        9,
        29,
    )
    assert body["scores"]["pii"] == 1.0  # type: ignore[index]
    status, record = await get(proxy, f"/guard/decisions/{body['decision_id']}")  # type: ignore[index]
    assert status == 200
    assert record["policy"].startswith("default@")  # type: ignore[index]
    assert "jane.doe" not in json.dumps(record)


async def test_analyze_rejects_unknown_policy(proxy: Proxy) -> None:
    status, _, body = await post(proxy, "/guard/analyze", {"text": "x", "policy": "nope"})
    assert status == 404 and "loaded:" in body["error"]["message"]  # type: ignore[index]


async def test_reload_keeps_running_policy_on_bad_file(
    make_proxy: ProxyFactory, tmp_path: Path
) -> None:
    from guardproxy.server import reload_policies

    policies = tmp_path / "pol"
    policies.mkdir()
    (policies / "default.yaml").write_text("output: []\n")
    proxy = await make_proxy(policies=policies, client_policies=[])
    before = proxy.runtime.policy_set().policies["default"].ref
    (policies / "default.yaml").write_text("output:\n  - use: nosuch\n")
    assert await reload_policies(proxy.runtime) is False
    assert proxy.runtime.policy_set().policies["default"].ref == before
    assert proxy.metric("guardproxy_policy_reloads_total", {"outcome": "error"}) == 1
    (policies / "default.yaml").write_text("output: []\nmode: monitor\n")
    assert await reload_policies(proxy.runtime) is True
    assert proxy.runtime.policy_set().policies["default"].mode == "monitor"


async def test_file_watch_reloads(make_proxy: ProxyFactory, tmp_path: Path) -> None:
    policies = tmp_path / "pol"
    policies.mkdir()
    (policies / "default.yaml").write_text("output: []\n")
    proxy = await make_proxy(
        policies=policies, client_policies=[], watch_policies=True, watch_interval_s=0.05
    )
    (policies / "default.yaml").write_text("output: []\nmode: monitor\n")
    for _ in range(100):
        await asyncio.sleep(0.05)
        if proxy.runtime.policy_set().policies["default"].mode == "monitor":
            break
    assert proxy.runtime.policy_set().policies["default"].mode == "monitor"


def test_mock_app_factory_is_importable() -> None:
    assert isinstance(create_mock_app(), web.Application)
