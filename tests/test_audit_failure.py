"""When the audit log cannot be written, nothing undocumented is delivered (fail_closed),
or it is delivered and counted (fail_open)."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from guardproxy.audit.writer import AuditWriteError
from tests.conftest import Proxy, ProxyFactory

CHAT = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}


def break_disk(proxy: Proxy) -> None:
    async def failing_append(record: Any) -> Any:
        raise AuditWriteError("disk full")

    proxy.runtime.audit.append = failing_append  # type: ignore[method-assign]


async def post(proxy: Proxy, body: dict[str, Any]) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as s,
        s.post(proxy.server.make_url("/v1/chat/completions"), json=body) as r,
    ):
        return r.status, (await r.read()).decode()


async def test_fail_closed_withholds_the_answer(proxy: Proxy) -> None:
    break_disk(proxy)
    status, body = await post(proxy, CHAT)
    assert status == 503
    assert "audit_on_error=fail_closed" in body and "Thanks for reaching out" not in body
    assert proxy.metric("guardproxy_audit_write_errors_total") == 1


async def test_fail_closed_stream_ends_with_an_error(proxy: Proxy) -> None:
    break_disk(proxy)
    status, body = await post(proxy, {**CHAT, "stream": True})
    assert status == 200
    assert '"code":"audit_unavailable"' in body.replace(" ", "")
    assert "[DONE]" not in body


@pytest.mark.parametrize("path", ["/v1/models"])
async def test_fail_closed_passthrough_is_refused(proxy: Proxy, path: str) -> None:
    break_disk(proxy)
    async with aiohttp.ClientSession() as s, s.get(proxy.server.make_url(path)) as r:
        assert r.status == 503
        assert "audit_on_error=fail_closed" in await r.text()


async def test_fail_open_delivers_and_counts(make_proxy: ProxyFactory) -> None:
    proxy = await make_proxy(audit_on_error="fail_open")
    break_disk(proxy)
    status, body = await post(proxy, CHAT)
    assert status == 200 and "<EMAIL_ADDRESS>" in body
    assert proxy.metric("guardproxy_audit_write_errors_total") == 1
