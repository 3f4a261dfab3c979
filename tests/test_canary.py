"""A canary: known PII goes through the proxy and shows up nowhere it must not."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from tests.conftest import Proxy

EMAIL = "canary.person@example.com"
PHONE = "212-555-7890"
REPLY = f"Sure. Write to {EMAIL} or call (212) 555-7890 and ask for the canary desk."


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("path", ["/v1/chat/completions", "/v1/messages"])
async def test_pii_never_reaches_logs_audit_or_metrics(
    proxy: Proxy, caplog: pytest.LogCaptureFixture, stream: bool, path: str
) -> None:
    caplog.set_level(logging.DEBUG)
    body = {
        "model": "m",
        "max_tokens": 50,
        "stream": stream,
        "messages": [{"role": "user", "content": f"my mail is {EMAIL}, phone {PHONE}"}],
    }
    async with aiohttp.ClientSession() as s:
        for policy in ("default", "monitor", "strict"):
            async with s.post(
                proxy.server.make_url(path),
                json=body,
                headers={
                    "x-mock-reply": REPLY,
                    "x-mock-chunk-chars": "4",
                    "X-Guard-Policy": policy,
                    "anthropic-version": "2023-06-01",
                },
            ) as r:
                delivered = (await r.read()).decode()
                assert r.status == 200
                if policy == "default":
                    assert EMAIL not in delivered
        async with s.post(proxy.server.make_url("/guard/analyze"), json={"text": REPLY}) as r:
            assert r.status == 200
        async with s.get(proxy.server.make_url("/metrics")) as r:
            metrics_text = await r.text()
    audit_text = "".join(f.read_text() for f in proxy.audit_dir.glob("*.jsonl"))
    assert audit_text.count("\n") >= 4
    logs = caplog.text
    for value in (EMAIL, PHONE, "555-7890", "canary.person"):
        assert value not in logs
        assert value not in audit_text
        assert value not in metrics_text
    # the audit log still says what was found, by category and keyed hash
    assert "EMAIL_ADDRESS" in audit_text and "hmac-sha256:" in audit_text
