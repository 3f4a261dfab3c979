"""Every finding says which recognizer found it, in /guard/analyze and in the audit record,
so an operator can tell what to tune when it is a false positive."""

from __future__ import annotations

import json

import aiohttp

from tests.conftest import ProxyFactory


async def test_findings_name_their_recognizer(make_proxy: ProxyFactory) -> None:
    proxy = await make_proxy()
    text = (
        "Write to Jane Doe at jane.doe@example.com or call 415-555-0132. "
        "She lives at 12 Harbour Road."
    )
    async with (
        aiohttp.ClientSession() as session,
        session.post(proxy.url + "/guard/analyze", json={"text": text}) as resp,
    ):
        result = await resp.json()
    detectors = {f["category"]: f["detector"] for f in result["findings"] if f["check"] == "pii"}
    assert detectors["EMAIL_ADDRESS"] == "EmailRecognizer"
    assert detectors["PHONE_NUMBER"] == "PhoneRecognizer"
    assert detectors["PERSON"] == "GivenNameRecognizer"
    assert detectors["LOCATION"] == "StreetAddressRecognizer"
    for f in result["findings"]:
        assert {"category", "start", "end", "score", "action", "detector"} <= set(f)
    lines = [
        json.loads(line)
        for path in proxy.audit_dir.glob("audit-*.jsonl")
        for line in path.read_text("utf-8").splitlines()
    ]
    recorded = {f["category"]: f.get("detector") for f in lines[-1]["choices"][0]["findings"]}
    assert recorded["EMAIL_ADDRESS"] == "EmailRecognizer"
