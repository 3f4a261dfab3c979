"""The access log: one JSON line per proxied request, with the ids that join it to the
audit record, and nothing of the content."""

from __future__ import annotations

import json
import logging

import aiohttp
import pytest

from guardproxy.accesslog import ACCESS_LOGGER, configure_access_log
from tests.conftest import ProxyFactory

EMAIL = "jane.doe@example.com"


def lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == ACCESS_LOGGER]


async def test_guarded_and_passthrough_requests_are_logged_without_content(
    make_proxy: ProxyFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=ACCESS_LOGGER)
    proxy = await make_proxy()
    body = {"model": "gpt-x", "messages": [{"role": "user", "content": f"mail {EMAIL}"}]}
    async with aiohttp.ClientSession() as session:
        async with session.post(proxy.url + "/v1/chat/completions", json=body) as resp:
            decision = resp.headers["X-Guard-Decision-Id"]
            await resp.read()
        async with session.get(proxy.url + "/v1/models") as resp:
            await resp.read()
        async with session.post(proxy.url + "/v1/chat/completions", data=b"{") as resp:
            assert resp.status == 400
    guarded, passthrough, bad = lines(caplog)
    assert guarded["decision_id"] == decision and guarded["route"] == "chat_completions"
    assert guarded["status"] == 200 and guarded["action"] == "redact"
    assert str(guarded["policy"]).startswith("default@") and guarded["model"] == "gpt-x"
    latency = guarded["latency_ms"]
    assert isinstance(latency, dict) and {"total", "upstream", "overhead"} <= set(latency)
    assert passthrough["status"] == 200 and "decision_id" in passthrough
    assert bad["status"] == 400 and "decision_id" not in bad
    assert all(EMAIL not in json.dumps(line) for line in (guarded, passthrough, bad))
    assert "Jane" not in caplog.text and EMAIL not in caplog.text


def test_off_silences_the_access_log_and_json_restores_it() -> None:
    logger = logging.getLogger(ACCESS_LOGGER)
    try:
        configure_access_log("off")
        assert not logger.isEnabledFor(logging.INFO)
        configure_access_log("json")
        assert logger.isEnabledFor(logging.INFO) and not logger.propagate
        assert logger.handlers[0].formatter is not None
        assert (
            logger.handlers[0].formatter.format(
                logging.LogRecord(ACCESS_LOGGER, logging.INFO, "", 0, '{"a": 1}', None, None)
            )
            == '{"a": 1}'
        )
    finally:
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)
