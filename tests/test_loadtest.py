"""The load harness: the baseline relay against a real mock, the nginx configuration, and the
rendering of results when a target or scenario is missing (no timing is asserted)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from pytest_aiohttp import AiohttpServer

from guardproxy.mock_llm import RECORDED, filler_text
from loadtest import nginx, relay, run, scale

CHAT = "/v1/chat/completions"


def _body(stream: bool) -> bytes:
    return json.dumps(
        {"model": "gpt-4o-mini", "stream": stream, "messages": [{"role": "user", "content": "hi"}]}
    ).encode()


@pytest.fixture
async def relayed(mock_upstream: TestServer, aiohttp_server: AiohttpServer) -> TestServer:
    base = str(mock_upstream.make_url("")).rstrip("/")
    return await aiohttp_server(relay.create_app(base))


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


# --- relay -------------------------------------------------------------------------------


async def test_relay_forwards_a_body_and_the_request_headers(
    relayed: TestServer, mock_upstream: TestServer, http: aiohttp.ClientSession
) -> None:
    headers = {
        "x-mock-reply-chars": "4000",
        "Authorization": "Bearer k",
        "Connection": "keep-alive, x-private-hop",
        "x-private-hop": "1",
    }
    async with http.post(relayed.make_url(CHAT + "?a=1"), data=_body(False), headers=headers) as r:
        assert r.status == 200
        assert r.headers["Content-Type"].startswith("application/json")
        answer = await r.json()
    assert answer["choices"][0]["message"]["content"] == filler_text(4000)
    (seen,) = mock_upstream.app[RECORDED]
    assert seen.path == CHAT
    assert seen.body == _body(False)
    assert seen.headers["Authorization"] == "Bearer k"
    assert seen.headers["x-mock-reply-chars"] == "4000"
    assert "x-private-hop" not in seen.headers  # named in Connection: hop-by-hop


async def test_relay_streams_every_event_unchanged(
    relayed: TestServer, mock_upstream: TestServer, http: aiohttp.ClientSession
) -> None:
    headers = {"x-mock-reply-chars": "1000", "x-mock-chunks": "50"}
    async with http.post(mock_upstream.make_url(CHAT), data=_body(True), headers=headers) as r:
        direct = await r.read()
    async with http.post(relayed.make_url(CHAT), data=_body(True), headers=headers) as r:
        assert r.headers["Content-Type"].startswith("text/event-stream")
        through = await r.read()

    def events(raw: bytes) -> list[str]:
        return [line for line in raw.decode().splitlines() if line.startswith("data:")]

    ours, theirs = events(through), events(direct)
    assert len(ours) == len(theirs) == run.UPSTREAM_EVENTS
    assert ours[-1] == "data: [DONE]"
    text = "".join(
        (json.loads(e[5:])["choices"][0]["delta"].get("content") or "") for e in ours[:-1]
    )
    assert text == filler_text(1000)


async def test_relay_passes_each_chunk_before_the_upstream_finishes(
    aiohttp_server: AiohttpServer, http: aiohttp.ClientSession
) -> None:
    release = asyncio.Event()

    async def held(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await response.write(b"data: first\n\n")
        await release.wait()  # the rest only once the client has seen the first event
        await response.write(b"data: second\n\n")
        await response.write_eof()
        return response

    upstream_app = web.Application()
    upstream_app.router.add_post("/v1/held", held)
    upstream = await aiohttp_server(upstream_app)
    server = await aiohttp_server(relay.create_app(str(upstream.make_url("")).rstrip("/")))
    async with http.post(server.make_url("/v1/held"), data=b"{}") as r:
        assert await r.content.readline() == b"data: first\n"
        release.set()
        assert (await r.read()).strip() == b"data: second"


async def test_relay_answers_502_when_the_upstream_is_down(
    aiohttp_server: AiohttpServer, http: aiohttp.ClientSession
) -> None:
    closed_port = run._free_port()
    server = await aiohttp_server(relay.create_app(f"http://127.0.0.1:{closed_port}"))
    async with http.post(server.make_url(CHAT), data=_body(False)) as r:
        assert r.status == 502
    async with http.get(server.make_url("/healthz")) as r:
        assert r.status == 200


def test_forwardable_drops_hop_by_hop_headers() -> None:
    from multidict import CIMultiDict, CIMultiDictProxy

    raw = CIMultiDict(
        [
            ("Host", "a"),
            ("Transfer-Encoding", "chunked"),
            ("Connection", "close, X-Hop"),
            ("X-Hop", "1"),
            ("Accept", "a"),
            ("Accept", "b"),
        ]
    )
    kept = relay.forwardable(CIMultiDictProxy(raw))
    assert list(kept.items()) == [("Accept", "a"), ("Accept", "b")]


# --- nginx -------------------------------------------------------------------------------


def test_nginx_config_uses_the_given_ports_and_keeps_every_file_in_the_directory(
    tmp_path: Path,
) -> None:
    argv = nginx.prepare(
        "/usr/sbin/nginx",
        directory=tmp_path,
        host="127.0.0.1",
        port=4101,
        upstream_port=4102,
        workers=3,
    )
    conf = (tmp_path / "nginx.conf").read_text()
    assert argv == [
        "/usr/sbin/nginx",
        "-p",
        str(tmp_path),
        "-e",
        str(tmp_path / "nginx-error.log"),
        "-c",
        str(tmp_path / "nginx.conf"),
    ]
    assert "listen 127.0.0.1:4101 " in conf
    assert "server 127.0.0.1:4102;" in conf
    assert "worker_processes 3;" in conf
    for directive in ("daemon off;", "proxy_buffering off;", "proxy_http_version 1.1;"):
        assert directive in conf
    assert "keepalive 128;" in conf
    for line in conf.splitlines():
        words = line.split()
        if words[:1] in (["pid"], ["error_log"], ["access_log"]) or "_temp_path" in line:
            assert words[1].startswith(str(tmp_path)), line
    assert (tmp_path / "nginx-tmp").is_dir()


def test_a_missing_nginx_is_left_out_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(nginx, "find_nginx", lambda: None)
    assert run.nginx_service(tmp_path, 4101, 4102) is None
    assert "nginx not found" in capsys.readouterr().err


# --- results and tables ------------------------------------------------------------------


def _result(scenario: run.Scenario, target: str, ms: list[float]) -> run.Result:
    samples = [
        run.Sample(v / 1000, ttfb=v / 2000, content=filler_text(scenario.reply_chars), events=53)
        for v in ms
    ]
    r = run.Result(
        scenario,
        target,
        samples,
        wall_s=1.0,
        proxy_cpu_s=None if target == "direct" else (0.053, 0.0),
        mock_cpu_s=0.01,
        server={},
        stopped_early=False,
    )
    run.judge(r)
    return r


SC = {s.key: s for s in run.SCENARIOS}


def test_a_table_without_some_targets_has_rows_only_for_those_that_ran() -> None:
    results = [_result(SC["ns1"], "direct", [1.0, 2.0]), _result(SC["ns1"], "passthrough", [2, 3])]
    lines = run.render_table(results)
    rows = [line for line in lines if line.startswith("| ")][1:]
    assert [row.split(" | ")[0] for row in rows] == ["| direct", "| passthrough"]
    assert " +1.00 | +1.00 | " in rows[1]  # added p50 and p99 against direct


def test_a_table_without_direct_has_no_added_figures() -> None:
    lines = run.render_table([_result(SC["st1"], "nginx", [4.0, 6.0])])
    (row,) = [line for line in lines if line.startswith("| nginx")]
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[6] == cells[9] == cells[10] == "-"
    assert cells[13] == "0.500"  # 26.5 ms per stream / 53 events
    assert cells[14] == "2 unchanged"


def test_the_summary_and_the_section_mention_what_did_not_run() -> None:
    results = [
        [_result(SC["ns1"], "direct", [1.0]), _result(SC["ns1"], "relay", [1.5])],
        [_result(SC["st16paced"], "relay", [1000.0])],
    ]
    summary = run.render_summary(results)
    (row,) = [line for line in summary if line.startswith("| relay")]
    assert row.startswith("| relay | +0.50 / +0.50 | - / - |")
    section = run.render(
        results,
        quick=True,
        started=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        elapsed=1.0,
        tree_sizes={},
        omitted={"nginx": "not installed"},
    )
    assert "**nginx** not measured: not installed." in section
    assert "### Inside the proxies" not in section  # no guardproxy target ran


def test_pick_keeps_the_known_order_and_rejects_unknown_names() -> None:
    assert run._pick("strict,direct", run.TARGETS, "target") == ["direct", "strict"]
    assert run._pick(None, run.TARGETS, "target") == list(run.TARGETS)
    with pytest.raises(SystemExit, match="unknown target: nope"):
        run._pick("direct,nope", run.TARGETS, "target")


@pytest.mark.parametrize("scenario", run.SCENARIOS, ids=lambda s: s.key)
def test_quick_scenarios_keep_their_concurrency(scenario: run.Scenario) -> None:
    quick = run._scaled(scenario, 5)
    for target in run.TARGETS:
        assert quick.count_for(target) >= scenario.concurrency
        assert quick.count_for(target) <= scenario.count_for(target)


def test_process_tree_cpu_and_pids_include_children() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in run.tree_pids(os.getpid())
        own, rest = run.tree_cpu_seconds(os.getpid())
        assert own > 0 and rest >= 0
    finally:
        child.kill()
        child.wait()


# --- scale -------------------------------------------------------------------------------


def test_lag_counts_slow_and_failed_probes_as_stalls() -> None:
    probes = [(0.0, 0.001), (0.05, 0.150), (0.10, float("nan")), (0.15, 0.002), (9.0, 1.0)]
    lag = scale.lag_in(probes, 0.0, 1.0)
    assert (lag.probes, lag.failed, lag.stalls) == (4, 1, 2)
    assert lag.max_ms == pytest.approx(150.0)


def test_windows_and_most_open_come_from_the_stream_timeline() -> None:
    def stream(sent: float, headers: float, end: float) -> scale.Stream:
        return scale.Stream(sent, headers, headers + 0.01, end, 200, events=53, done=True)

    streams = [stream(0.0, 5.0, 15.0), stream(1.0, 6.0, 16.0), stream(2.0, 7.0, 17.0)]
    r = scale.Round("relay", 1, 3, streams, [], [], -2.0, cpu_s=1.0, wall_s=17.0)
    w = r.windows()
    assert w["idle"] == (-2.0, 0.0)
    assert w["waiting"] == pytest.approx((2.3, 4.9))
    assert w["streaming"] == pytest.approx((7.31, 14.9))
    assert w["open"] == (0.0, 17.0)
    sat = scale.Saturation("queue", 2, streams, [], {})
    assert sat.most_open() == 3


def test_raise_nofile_never_lowers_the_limit() -> None:
    before, after, hard = scale.raise_nofile(16)
    assert after == before
    assert hard >= after
