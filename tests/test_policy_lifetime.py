"""Replaced policies are closed once no request uses them: model-service sessions and
other resources of a reloaded policy do not pile up until shutdown."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import ClassVar

import aiohttp

from guardproxy.checks.base import Check, CheckContext, CheckOptions, CheckResult
from guardproxy.server import reload_policies
from tests.conftest import ProxyFactory
from tests.helpers import make_registry


class SlowCheck(Check[CheckOptions]):
    """Takes its time and remembers whether it was closed."""

    name: ClassVar[str] = "slow"
    needs_full_text = True
    default_action = "annotate"
    instances: ClassVar[list[SlowCheck]] = []

    def __init__(self, options: CheckOptions) -> None:
        super().__init__(options)
        self.closed = False
        self.instances.append(self)

    async def run(self, text: str, ctx: CheckContext) -> CheckResult:
        await asyncio.sleep(0.3)
        return CheckResult()

    async def close(self) -> None:
        self.closed = True


async def test_a_replaced_policy_closes_when_its_last_request_ends(
    make_proxy: ProxyFactory, tmp_path: Path
) -> None:
    SlowCheck.instances.clear()
    registry = make_registry()
    registry.register("slow", SlowCheck)
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "default.yaml").write_text("output:\n  - use: slow\n")
    proxy = await make_proxy(policies=policies, client_policies=[], check_registry=registry)
    (first,) = SlowCheck.instances
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    async with aiohttp.ClientSession() as session:

        async def ask() -> int:
            async with session.post(proxy.url + "/v1/chat/completions", json=body) as resp:
                await resp.read()
                return resp.status

        in_flight = asyncio.create_task(ask())
        await asyncio.sleep(0.1)
        (policies / "default.yaml").write_text("output:\n  - use: slow\n    id: again\n")
        await reload_policies(proxy.runtime)
        assert len(SlowCheck.instances) == 2
        assert not first.closed  # the request in flight still runs its checks
        assert await in_flight == 200
        await asyncio.sleep(0.05)
        assert first.closed
        second = SlowCheck.instances[1]
        (policies / "default.yaml").write_text("output:\n  - use: slow\n    id: third\n")
        await reload_policies(proxy.runtime)
        await asyncio.sleep(0.05)
        assert second.closed  # nothing used it: closed at once
    assert proxy.runtime.retired == []
