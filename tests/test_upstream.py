"""Upstream URL mapping, header hygiene and egress proxy resolution."""

from __future__ import annotations

from multidict import CIMultiDict, CIMultiDictProxy

from guardproxy.upstream import (
    _env_proxy,
    anthropic_url,
    openai_url,
    request_headers,
    response_headers,
)


def test_url_mapping() -> None:
    assert openai_url("https://openrouter.ai/api/v1", "/v1/chat/completions", "") == (
        "https://openrouter.ai/api/v1/chat/completions"
    )
    assert (
        openai_url("http://vllm:8000/v1", "/v1/models", "a=1") == "http://vllm:8000/v1/models?a=1"
    )
    assert anthropic_url("https://api.anthropic.com", "/v1/messages", "beta=true") == (
        "https://api.anthropic.com/v1/messages?beta=true"
    )


def test_request_headers_drop_hop_by_hop_and_guard_headers() -> None:
    incoming = CIMultiDictProxy(
        CIMultiDict(
            [
                ("Host", "proxy"),
                ("Content-Length", "10"),
                ("Connection", "keep-alive, X-Hop"),
                ("X-Hop", "1"),
                ("Keep-Alive", "timeout=5"),
                ("TE", "trailers"),
                ("X-Guard-Policy", "strict"),
                ("Authorization", "Bearer k"),
                ("x-api-key", "k2"),
                ("anthropic-version", "2023-06-01"),
                ("Accept-Encoding", "gzip, br"),
                ("traceparent", "00-abc-def-01"),
            ]
        )
    )
    out = request_headers(incoming, identity=True)
    assert dict(out) == {
        "Authorization": "Bearer k",
        "x-api-key": "k2",
        "anthropic-version": "2023-06-01",
        "traceparent": "00-abc-def-01",
        "Accept-Encoding": "identity",
    }
    assert request_headers(incoming, identity=False)["Accept-Encoding"] == "gzip, br"


def test_response_headers_drop_upstream_guard_headers_and_encoding_when_rewritten() -> None:
    upstream = CIMultiDictProxy(
        CIMultiDict(
            [
                ("Content-Type", "application/json"),
                ("Content-Encoding", "gzip"),
                ("Content-Length", "5"),
                ("X-Guard-Action", "forged"),
                ("x-request-id", "u1"),
                ("Transfer-Encoding", "chunked"),
            ]
        )
    )
    out = response_headers(upstream, body_rewritten=True)
    assert dict(out) == {"Content-Type": "application/json", "x-request-id": "u1"}
    assert response_headers(upstream, body_rewritten=False)["Content-Encoding"] == "gzip"


def test_egress_proxy_honours_no_proxy() -> None:
    proxies = {"https": "http://egress:3128", "no": "internal.example,localhost"}
    assert _env_proxy("https://api.openai.com/v1", proxies) == "http://egress:3128"
    assert _env_proxy("https://llm.internal.example/v1", proxies) is None
    assert _env_proxy("http://localhost:8000/v1", proxies) is None
