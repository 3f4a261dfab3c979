"""The serving proxy applies audit retention: old files go after a signed marker, the
remaining chain still verifies, and the removals are counted on /metrics."""

from __future__ import annotations

import aiohttp

from guardproxy.audit import verify_directory
from tests.conftest import ProxyFactory

CHAT = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}


async def test_retention_by_file_count_keeps_a_verifiable_chain(make_proxy: ProxyFactory) -> None:
    proxy = await make_proxy(audit_max_file_bytes=4096, audit_retention_max_files=2)
    headers = {"X-Guard-Policy": "passthrough", "x-mock-reply-chars": "200"}
    async with aiohttp.ClientSession() as session:
        for _ in range(40):
            async with session.post(
                proxy.url + "/v1/chat/completions", json=CHAT, headers=headers
            ) as resp:
                assert resp.status == 200
    writer = proxy.runtime.audit
    await writer.close()
    files = sorted(proxy.audit_dir.glob("audit-*-0*.jsonl"))
    assert len(files) <= 2
    assert writer.files_pruned >= 1
    public = {proxy.runtime.keyring.active.kid: proxy.runtime.keyring.active.private.public_key()}
    report = verify_directory(proxy.audit_dir, public_keys=public)
    assert report.ok, report.problems
    assert report.pruned_files == writer.files_pruned
    assert proxy.metric("guardproxy_audit_files_pruned_total") == writer.files_pruned
    assert proxy.metric("guardproxy_audit_prune_errors_total") == 0
