"""Scaling: memory per waiting and per streaming connection, event-loop lag with many slow
streams open, and what happens at saturation (shedding versus queueing).

    python -m loadtest.scale [--streams 1000] [--quick] [--targets passthrough,relay,nginx]

It starts the mock upstream and the targets on 127.0.0.1 like ``loadtest.run`` and, for
each target in turn, opens ``--streams`` concurrent slow streams: the mock first waits
``--wait-ms`` before answering (the request is held open, nothing flows), then sends 50
chunks ``--chunk-delay-ms`` apart. Meanwhile it samples

- the resident memory (VmRSS) of the target's process tree from ``/proc`` every 250 ms:
  idle, with every stream waiting, with every stream streaming, and after they ended;
- the target's event-loop lag from outside: a separate probe process sends
  ``GET /healthz`` on a kept-alive connection every 50 ms and records each latency; the
  target itself is not changed for this. A probe slower than 100 ms counts as a stall.

Then it starts two more passthrough proxies with ``GUARDPROXY_MAX_IN_FLIGHT`` set, one
shedding and one queueing, sends more streams than the limit at once and counts 503s with
``Retry-After`` and the latency of the admitted streams.

The open-file limit of this process (and so of the servers it starts, which inherit it) is
raised to cover every socket: each stream holds a client, a proxy and an upstream socket.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import http.client
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from guardproxy.config import Settings
from loadtest.run import (
    READY_TIMEOUT_S,
    REPO_ROOT,
    Service,
    _commit,
    _free_port,
    _machine,
    _ms,
    _pick,
    _sig,
    guardproxy_service,
    mock_service,
    nginx_service,
    percentile,
    relay_service,
    run_services,
    tree_cpu_seconds,
    tree_pids,
    wait_ready,
)

STREAMS = 1000
CHUNKS = 50
CHUNK_DELAY_MS = 200
WAIT_MS = 5000
RAMP_S = 2.0
ROUNDS = 2
PROBE_INTERVAL_S = 0.05
STALL_MS = 100.0
RSS_INTERVAL_S = 0.25
SAT_LIMIT = 200
SAT_STREAMS = 400
SAT_CHUNKS = 20
SAT_CHUNK_DELAY_MS = 100
SAT_RAMP_S = 0.2
EVENTS = CHUNKS + 3  # role chunk, text chunks, finish chunk, [DONE]
SAT_EVENTS = SAT_CHUNKS + 3
QUEUE_TIMEOUT_S = float(Settings.model_fields["queue_timeout_s"].default)
SCALE_TARGETS = ("direct", "relay", "nginx", "passthrough")
DEFAULT_TARGETS = "passthrough,relay,nginx"
_BODY = json.dumps(
    {
        "model": "gpt-4o-mini",
        "stream": True,
        "messages": [{"role": "user", "content": "Tell me about the quiet valley."}],
    }
).encode()


# --- open-file limit ---------------------------------------------------------------------


def raise_nofile(needed: int) -> tuple[int, int, int]:
    """Raise the soft RLIMIT_NOFILE towards ``needed`` (at most the hard limit).

    Returns (soft before, soft after, hard). Child processes inherit the new limit.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if want > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return soft, max(soft, want), hard


# --- the probe (a separate process, so the load generator's own loop never delays it) ---


def probe_main(url: str, out: Path, interval: float) -> None:
    """Send GET url every ``interval`` seconds until SIGTERM; one line per probe to ``out``:
    ``<monotonic send time> <latency seconds>`` or ``<time> nan <error>``."""
    stop = False

    def on_term(signum: int, frame: Any) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    parts = url.split("/", 3)  # http:, "", host:port, path
    hostport, path = parts[2], "/" + (parts[3] if len(parts) > 3 else "")
    host, _, port = hostport.partition(":")
    conn: http.client.HTTPConnection | None = None
    with out.open("w", encoding="utf-8", buffering=1) as f:
        next_at = time.monotonic()
        while not stop:
            t0 = time.monotonic()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(host, int(port), timeout=5)
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                f.write(f"{t0:.6f} {time.monotonic() - t0:.6f}\n")
            except (OSError, http.client.HTTPException) as exc:
                f.write(f"{t0:.6f} nan {type(exc).__name__}\n")
                if conn is not None:
                    conn.close()
                conn = None
            next_at = max(next_at + interval, time.monotonic())
            with contextlib.suppress(InterruptedError):
                time.sleep(max(0.0, next_at - time.monotonic()))
    if conn is not None:
        conn.close()


class Probe:
    """The probe subprocess for one measurement; read() gives (send time, latency s)."""

    def __init__(self, url: str, out: Path) -> None:
        self.out = out
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "loadtest.scale", "probe", url, str(out)],
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
        )

    def stop(self) -> list[tuple[float, float]]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        samples = []
        for line in self.out.read_text(encoding="utf-8").splitlines():
            fields = line.split()
            if len(fields) >= 2:
                samples.append((float(fields[0]), float(fields[1])))
        return samples


@dataclass(frozen=True)
class Lag:
    probes: int
    failed: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    stalls: int


def lag_in(samples: Sequence[tuple[float, float]], start: float, end: float) -> Lag:
    """Probe statistics for probes sent in [start, end); a failed probe counts as a stall."""
    window = [lat for t, lat in samples if start <= t < end]
    ok = [lat * 1000 for lat in window if lat == lat]
    failed = len(window) - len(ok)
    return Lag(
        len(window),
        failed,
        percentile(ok, 50),
        percentile(ok, 99),
        max(ok, default=float("nan")),
        sum(lat > STALL_MS for lat in ok) + failed,
    )


# --- memory ------------------------------------------------------------------------------


def rss_kib(pids: Sequence[int]) -> int:
    """Sum of VmRSS over pids, in KiB (processes that ended count 0)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError), open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    total += int(line.split()[1])
                    break
    return total


def open_fds(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


@dataclass(slots=True)
class MemSample:
    t: float
    tree_kib: int
    main_kib: int
    fds: int


async def sample_memory(root: int, out: list[MemSample], stop: asyncio.Event) -> None:
    pids = tree_pids(root)
    while not stop.is_set():
        out.append(MemSample(time.monotonic(), rss_kib(pids), rss_kib([root]), open_fds(root)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), RSS_INTERVAL_S)


def _median_in(samples: Sequence[MemSample], start: float, end: float) -> MemSample | None:
    window = sorted((s for s in samples if start <= s.t < end), key=lambda s: s.tree_kib)
    return window[len(window) // 2] if window else None


# --- streams -----------------------------------------------------------------------------


@dataclass(slots=True)
class Stream:
    sent: float
    headers: float | None = None  # response headers received
    first: float | None = None  # first SSE event
    end: float | None = None
    status: int | None = None
    retry_after: str | None = None
    events: int = 0
    done: bool = False
    max_gap: float = 0.0  # longest silence between two events
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


async def open_stream(
    session: aiohttp.ClientSession, url: str, headers: dict[str, str], events: int
) -> Stream:
    s = Stream(time.monotonic())
    try:
        async with session.post(url, data=_BODY, headers=headers) as resp:
            s.headers = time.monotonic()
            s.status = resp.status
            if resp.status != 200:
                s.retry_after = resp.headers.get("Retry-After")
                await resp.read()
                s.end = time.monotonic()
                s.error = f"HTTP {resp.status}"
                return s
            last: float | None = None
            async for line in resp.content:
                if not line.startswith(b"data:"):
                    continue
                now = time.monotonic()
                if last is None:
                    s.first = now
                else:
                    s.max_gap = max(s.max_gap, now - last)
                last = now
                s.events += 1
                s.done = line[5:].strip() == b"[DONE]"
            s.end = time.monotonic()
            if not s.done:
                s.error = "stream ended without [DONE]"
            elif s.events != events:
                s.error = f"{s.events} events instead of {events}"
    except (TimeoutError, aiohttp.ClientError) as exc:
        s.end = time.monotonic()
        s.error = type(exc).__name__
    return s


async def open_many(
    session: aiohttp.ClientSession,
    url: str,
    headers: dict[str, str],
    n: int,
    ramp_s: float,
    events: int,
) -> list[Stream]:
    """Open n streams spread evenly over ramp_s seconds and wait for all of them to end."""
    tasks: list[asyncio.Task[Stream]] = []
    t0 = time.monotonic()
    for i in range(n):
        due = t0 + ramp_s * i / n
        delay = due - time.monotonic()
        if delay > 0.005:
            await asyncio.sleep(delay)
        tasks.append(
            asyncio.create_task(open_stream(session, url, headers, events), name=f"stream-{i}")
        )
    return list(await asyncio.gather(*tasks))


def _client_session(n: int) -> aiohttp.ClientSession:
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=30, sock_read=60)
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=n + 8), timeout=timeout)


# --- one target: memory, lag, timing ------------------------------------------------------


@dataclass
class Round:
    target: str
    index: int
    n: int
    streams: list[Stream]
    mem: list[MemSample]
    probes: list[tuple[float, float]]
    idle_start: float
    cpu_s: float
    wall_s: float
    after: MemSample | None = None
    errors: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.errors.update(s.error for s in self.streams if s.error is not None)

    @property
    def first_sent(self) -> float:
        return min(s.sent for s in self.streams)

    @property
    def last_sent(self) -> float:
        return max(s.sent for s in self.streams)

    @property
    def last_end(self) -> float:
        return max(s.end or s.sent for s in self.streams)

    def windows(self) -> dict[str, tuple[float, float]]:
        """Phases in monotonic time: idle, all waiting, all streaming, any stream open."""
        ok = [s for s in self.streams if s.ok]
        out = {"idle": (self.idle_start, self.first_sent)}
        heads = [s.headers for s in ok if s.headers is not None]
        firsts = [s.first for s in ok if s.first is not None]
        ends = [s.end for s in ok if s.end is not None]
        if heads and firsts:
            # every stream sent and none answered yet / every stream sent its first event
            # and none ended yet; a little margin on each side
            out["waiting"] = (self.last_sent + 0.3, min(heads) - 0.1)
            out["streaming"] = (max(firsts) + 0.3, min(ends) - 0.1)
        out["open"] = (self.first_sent, self.last_end)
        return {k: v for k, v in out.items() if v[1] > v[0]}


async def run_round(
    target: str,
    svc: Service,
    index: int,
    n: int,
    url: str,
    health_url: str,
    tmp: Path,
    *,
    wait_ms: int,
    delay_ms: int,
    ramp_s: float,
    idle_s: float = 2.0,
    after_s: float = 2.0,
) -> Round:
    headers = {
        "Authorization": "Bearer loadtest",
        "x-mock-reply-chars": "1000",
        "x-mock-chunks": str(CHUNKS),
        "x-mock-chunk-delay-ms": str(delay_ms),
        "x-mock-first-byte-delay-ms": str(wait_ms),
    }
    mem: list[MemSample] = []
    stop = asyncio.Event()
    probe = Probe(health_url, tmp / f"probe-{target}-{index}.txt")
    sampler = asyncio.create_task(sample_memory(svc.pid, mem, stop), name="rss-sampler")
    await asyncio.sleep(0.5)  # the probe process starting up is not part of the idle phase
    idle_start = time.monotonic()
    await asyncio.sleep(idle_s)
    cpu0 = sum(tree_cpu_seconds(svc.pid))
    t0 = time.monotonic()
    async with _client_session(n) as session:
        streams = await open_many(session, url, headers, n, ramp_s, EVENTS)
    wall = time.monotonic() - t0
    cpu = sum(tree_cpu_seconds(svc.pid)) - cpu0
    after_from = time.monotonic()
    await asyncio.sleep(after_s)
    stop.set()
    await sampler
    probes = await asyncio.to_thread(probe.stop)
    r = Round(target, index, n, streams, mem, probes, idle_start, cpu, wall)
    r.after = _median_in(mem, after_from + 0.5, float("inf"))
    return r


# --- saturation --------------------------------------------------------------------------


@dataclass
class Saturation:
    mode: str
    limit: int
    streams: list[Stream]
    probes: list[tuple[float, float]]
    rejections: dict[str, float]  # guardproxy_saturation_rejections_total by reason

    def admitted(self) -> list[Stream]:
        return [s for s in self.streams if s.status == 200]

    def rejected(self) -> list[Stream]:
        return [s for s in self.streams if s.status == 503]

    def most_open(self) -> int:
        """Most admitted streams open at once, from the client's view (headers to end)."""
        edges = []
        for s in self.admitted():
            if s.headers is not None and s.end is not None:
                edges += [(s.headers, 1), (s.end, -1)]
        best = cur = 0
        for _, step in sorted(edges):
            cur += step
            best = max(best, cur)
        return best


async def _rejections(base: str) -> dict[str, float]:
    out: dict[str, float] = {}
    async with aiohttp.ClientSession() as session, session.get(base + "/metrics") as resp:
        text = await resp.text()
    for line in text.splitlines():
        if line.startswith("guardproxy_saturation_rejections_total{"):
            labels, _, value = line.rpartition(" ")
            reason = labels.split('reason="', 1)[-1].split('"', 1)[0]
            out[reason] = out.get(reason, 0.0) + float(value)
    return out


async def run_saturation(mode: str, svc: Service, n: int, limit: int, tmp: Path) -> Saturation:
    headers = {
        "Authorization": "Bearer loadtest",
        "x-mock-reply-chars": "1000",
        "x-mock-chunks": str(SAT_CHUNKS),
        "x-mock-chunk-delay-ms": str(SAT_CHUNK_DELAY_MS),
    }
    probe = Probe(svc.base + "/healthz", tmp / f"probe-saturation-{mode}.txt")
    await asyncio.sleep(1.0)
    async with _client_session(n) as session:
        streams = await open_many(
            session, svc.base + "/v1/chat/completions", headers, n, SAT_RAMP_S, SAT_EVENTS
        )
    probes = await asyncio.to_thread(probe.stop)
    return Saturation(mode, limit, streams, probes, await _rejections(svc.base))


# --- rendering ---------------------------------------------------------------------------


def _mib(sample: MemSample | None, main: bool = False) -> str:
    if sample is None:
        return "-"
    return f"{(sample.main_kib if main else sample.tree_kib) / 1024:.1f}"


def _per_stream(m: MemSample | None, idle: MemSample | None, n: int) -> str:
    if m is None or idle is None:
        return "-"
    return f"{(m.tree_kib - idle.tree_kib) / n:.1f}"


def _s(seconds: Sequence[float], q: float) -> str:
    return f"{percentile(seconds, q):.2f}" if seconds else "-"


def render_rounds(rounds: Sequence[Round], *, wait_ms: int, delay_ms: int) -> list[str]:
    mem_rows, lag_rows, time_rows = [], [], []
    ideal = wait_ms / 1000 + (EVENTS - 1) * delay_ms / 1000
    for r in rounds:
        w = r.windows()
        idle = _median_in(r.mem, *w["idle"]) if "idle" in w else None
        waiting = _median_in(r.mem, *w["waiting"]) if "waiting" in w else None
        streaming = _median_in(r.mem, *w["streaming"]) if "streaming" in w else None
        peak = max(r.mem, key=lambda m: m.tree_kib, default=None)

        ok = [s for s in r.streams if s.ok]
        mem_rows.append(
            f"| {r.target} | {r.index} | {r.n} | {len(ok)} | {_mib(idle)} | {_mib(waiting)} "
            f"| {_mib(streaming)} | {_mib(peak)} | {_mib(r.after)} "
            f"| {_per_stream(waiting, idle, r.n)} | {_per_stream(streaming, idle, r.n)} "
            f"| {_mib(streaming, main=True)} | {streaming.fds if streaming else '-'} |"
        )
        for phase in ("idle", "waiting", "streaming", "open"):
            if phase not in w:
                continue
            lag = lag_in(r.probes, *w[phase])
            lag_rows.append(
                f"| {r.target} | {r.index} | {phase} | {w[phase][1] - w[phase][0]:.1f} "
                f"| {lag.probes} | {_ms(lag.p50_ms)} | {_ms(lag.p99_ms)} | {_ms(lag.max_ms)} "
                f"| {lag.stalls} |"
            )
        totals = [s.end - s.sent for s in ok if s.end is not None]
        first_late = [s.headers - s.sent - wait_ms / 1000 for s in ok if s.headers is not None]
        gaps = [s.max_gap * 1000 for s in ok]
        time_rows.append(
            f"| {r.target} | {r.index} | {_s(totals, 50)} / {_s(totals, 99)} / "
            f"{(max(totals) if totals else float('nan')):.2f} "
            f"| {_ms(percentile(first_late, 99) * 1000)} | {_ms(percentile(gaps, 50))} "
            f"| {_ms(percentile(gaps, 99))} | {_ms(max(gaps, default=float('nan')))} "
            f"| {r.cpu_s / r.wall_s:.2f} | {_sig(r.cpu_s * 1000 / (r.n * EVENTS))} "
            f"| {', '.join(f'{c} x {e}' for e, c in r.errors.most_common()) or '-'} |"
        )
    return [
        "### Memory (VmRSS of the target's process tree)",
        "",
        "Medians of the samples taken every 250 ms in each phase: *idle* before the streams, "
        "*waiting* while every stream was sent and none had its first byte, *streaming* while "
        "every stream was receiving chunks, *after* 0.5-2 s after the last stream ended. "
        "Per stream = (phase - idle) / streams. *main* is the proxy's main process alone; "
        "*fds* its open file descriptors while streaming.",
        "",
        "| target | round | streams | complete | idle MiB | waiting MiB | streaming MiB "
        "| peak MiB | after MiB | KiB per waiting stream | KiB per streaming stream "
        "| main MiB streaming | fds |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        *mem_rows,
        "",
        "### Event-loop lag (GET /healthz latency from a separate probe process)",
        "",
        f"One probe every {PROBE_INTERVAL_S * 1000:.0f} ms on a kept-alive connection; a "
        f"stall is a probe slower than {STALL_MS:.0f} ms (or failed). *open* is the whole "
        "time any stream was open, ramp included. The probe shares the machine's CPUs with "
        "everything else, so this is an upper bound on the target's own loop lag.",
        "",
        "| target | round | phase | seconds | probes | p50 ms | p99 ms | max ms | stalls |",
        "|---|--:|---|--:|--:|--:|--:|--:|--:|",
        *lag_rows,
        "",
        "### Stream timing and CPU",
        "",
        f"Ideal stream duration {ideal:.2f} s (the wait plus {EVENTS - 1} gaps). First byte "
        "late = response headers minus send time minus the mock's wait. Gap = the longest "
        "silence between two events of one stream (ideal: the chunk delay). CPUs = CPU "
        "seconds of the target's tree per wall second of the round; CPU ms/event divides by "
        f"streams x {EVENTS} upstream events.",
        "",
        "| target | round | duration p50 / p99 / max s | first byte late p99 ms "
        "| gap p50 ms | gap p99 ms | gap max ms | CPUs | CPU ms/event | errors |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|",
        *time_rows,
        "",
    ]


def render_saturation(results: Sequence[Saturation], queue_timeout_s: float) -> list[str]:
    rows = []
    ideal = (SAT_EVENTS - 1) * SAT_CHUNK_DELAY_MS / 1000
    for sat in results:
        admitted, rejected = sat.admitted(), sat.rejected()
        with_retry = [s for s in rejected if s.retry_after]
        retry_values = sorted({s.retry_after for s in with_retry if s.retry_after})
        complete = [s for s in admitted if s.ok]
        totals = [s.end - s.sent for s in complete if s.end is not None]
        waits = [s.first - s.sent for s in complete if s.first is not None]
        reject_ms = [(s.end - s.sent) * 1000 for s in rejected if s.end is not None]
        other = Counter(s.error for s in sat.streams if s.error and s.status not in (200, 503))
        broken = sum(1 for s in admitted if not s.ok)
        lag = lag_in(sat.probes, min(s.sent for s in sat.streams), float("inf"))
        reasons = ", ".join(f"{k} {v:.0f}" for k, v in sorted(sat.rejections.items())) or "-"
        rows.append(
            f"| {sat.mode} | {sat.limit} | {len(sat.streams)} | {len(admitted)} "
            f"| {len(complete)} | {len(rejected)} | {len(with_retry)} "
            f"({', '.join(retry_values) or '-'}) | {reasons} "
            f"| {_ms(percentile(reject_ms, 50))} / {_ms(max(reject_ms, default=float('nan')))} "
            f"| {_s(waits, 50)} / {_s(waits, 99)} "
            f"| {_s(totals, 50)} / {_s(totals, 99)} / "
            f"{(max(totals) if totals else float('nan')):.2f} | {sat.most_open()} "
            f"| {_ms(lag.p99_ms)} / {_ms(lag.max_ms)} "
            f"| {broken + sum(other.values())} |"
        )
    return [
        "### Saturation: shed versus queue",
        "",
        "Two passthrough proxies with `GUARDPROXY_MAX_IN_FLIGHT` = limit, one with "
        "`GUARDPROXY_SATURATION=shed`, one with `queue` (queue timeout "
        f"{queue_timeout_s:g} s, the default). Each got all its streams within "
        f"{SAT_RAMP_S * 1000:.0f} ms; a stream is {SAT_CHUNKS} chunks {SAT_CHUNK_DELAY_MS} ms "
        f"apart (ideal {ideal:.1f} s). *wait* = time to the first event (queueing shows "
        "here); *most open* = most admitted streams open at once from the client's view; "
        "*rejections* = the proxy's own `guardproxy_saturation_rejections_total` by reason.",
        "",
        "| mode | limit | streams | admitted | complete | 503 | 503 with Retry-After (values) "
        "| rejections | 503 latency p50 / max ms | wait p50 / p99 s "
        "| admitted duration p50 / p99 / max s | most open | healthz p99 / max ms "
        "| other errors |",
        "|---|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|",
        *rows,
        "",
    ]


# --- main --------------------------------------------------------------------------------


def _on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["probe"]:
        probe_main(argv[1], Path(argv[2]), PROBE_INTERVAL_S)
        return 0
    parser = argparse.ArgumentParser(
        prog="python -m loadtest.scale", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--streams", type=int, help=f"concurrent streams (default {STREAMS})")
    parser.add_argument("--rounds", type=int, help=f"rounds per target (default {ROUNDS})")
    parser.add_argument("--wait-ms", type=int, default=WAIT_MS, help="mock's wait before answering")
    parser.add_argument("--chunk-delay-ms", type=int, default=CHUNK_DELAY_MS)
    parser.add_argument("--ramp-s", type=float, default=RAMP_S, help="spread of the stream starts")
    parser.add_argument("--max-in-flight", type=int, help=f"saturation limit (default {SAT_LIMIT})")
    parser.add_argument(
        "--saturation-streams", type=int, help=f"streams at saturation (default {SAT_STREAMS})"
    )
    parser.add_argument(
        "--targets",
        default=DEFAULT_TARGETS,
        help=f"comma-separated, of {', '.join(SCALE_TARGETS)} (default {DEFAULT_TARGETS})",
    )
    parser.add_argument("--no-saturation", action="store_true", help="skip the saturation runs")
    parser.add_argument("--quick", action="store_true", help="1/5 of the streams, one round")
    parser.add_argument("--out", type=Path, help="append the markdown section to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, probes)")
    args = parser.parse_args(argv)
    factor = 5 if args.quick else 1
    n = args.streams or STREAMS // factor
    rounds = args.rounds or (1 if args.quick else ROUNDS)
    limit = args.max_in_flight or SAT_LIMIT // factor
    sat_n = args.saturation_streams or SAT_STREAMS // factor
    names = _pick(args.targets, SCALE_TARGETS, "target")

    # client, proxy and upstream socket per stream, plus headroom for everything else
    before, after, hard = raise_nofile(3 * max(n, sat_n) + 1024)
    if after < 2 * max(n, sat_n) + 256:
        print(
            f"loadtest: open-file limit {after} (hard {hard}) is too low for {n} streams",
            file=sys.stderr,
        )
        return 2
    signal.signal(signal.SIGTERM, _on_sigterm)
    started = dt.datetime.now(dt.UTC)
    t0 = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="guardproxy-scale-"))
    ports = {k: _free_port() for k in ("mock", *names, "shed", "queue")}
    mock = mock_service(tmp, ports["mock"])
    services: dict[str, Service] = {"mock": mock}
    omitted: list[str] = []
    pool = {"GUARDPROXY_UPSTREAM_MAX_CONNECTIONS": str(max(256, max(n, sat_n) + 64))}
    if "relay" in names:
        services["relay"] = relay_service(tmp, ports["relay"], mock.base)
    if "nginx" in names:
        svc = nginx_service(tmp, ports["nginx"], ports["mock"])
        if svc is None:
            omitted.append("nginx (not installed)")
        else:
            services["nginx"] = svc
    if "passthrough" in names:
        services["passthrough"] = guardproxy_service(
            "passthrough", tmp, ports["passthrough"], mock.base, env=pool
        )
    if not args.no_saturation:
        for mode in ("shed", "queue"):
            env = {**pool, "GUARDPROXY_MAX_IN_FLIGHT": str(limit), "GUARDPROXY_SATURATION": mode}
            services[mode] = guardproxy_service("passthrough", tmp, ports[mode], mock.base, env)
            services[mode].name = mode
    rounds_out: list[Round] = []
    sats: list[Saturation] = []

    async def measure() -> None:
        await wait_ready(list(services.values()), READY_TIMEOUT_S)
        print(f"loadtest: ready after {time.monotonic() - t0:.1f}s", file=sys.stderr, flush=True)
        for name in names:
            if name != "direct" and name not in services:
                continue
            svc = mock if name == "direct" else services[name]
            health = svc.base + ("/v1/models" if name == "direct" else "/healthz")
            url = svc.base + "/v1/chat/completions"
            for i in range(1, rounds + 1):
                r = await run_round(
                    name,
                    svc,
                    i,
                    n,
                    url,
                    health,
                    tmp,
                    wait_ms=args.wait_ms,
                    delay_ms=args.chunk_delay_ms,
                    ramp_s=args.ramp_s,
                )
                rounds_out.append(r)
                print(
                    f"loadtest: {name:12s} round {i}: {sum(s.ok for s in r.streams)}/{n} "
                    f"complete in {r.wall_s:.1f}s, errors {dict(r.errors) or 0}",
                    file=sys.stderr,
                    flush=True,
                )
        for mode in ("shed", "queue"):
            if mode in services:
                sat = await run_saturation(mode, services[mode], sat_n, limit, tmp)
                sats.append(sat)
                print(
                    f"loadtest: saturation {mode}: {len(sat.admitted())} admitted, "
                    f"{len(sat.rejected())} x 503",
                    file=sys.stderr,
                    flush=True,
                )

    def work() -> None:
        print(f"loadtest: starting {', '.join(services)}; logs in {tmp}", file=sys.stderr)
        asyncio.run(measure())

    code = run_services(services, tmp, args.keep, work)
    if code is not None:
        return code

    lines = [
        f"## Scaling run of {started:%Y-%m-%d %H:%M} UTC, commit {_commit()}"
        + (" (quick smoke run, 1/5 of the streams)" if args.quick else ""),
        "",
        f"- Machine: {_machine()}",
        f"- {n} concurrent streams per round, started evenly over {args.ramp_s:g} s; each "
        f"waits {args.wait_ms} ms for the mock's first byte, then gets {CHUNKS} chunks "
        f"(~1 KB) {args.chunk_delay_ms} ms apart; {rounds} round(s) per target, one target "
        "at a time.",
        "- Targets: "
        + ", ".join(t for t in names if t == "direct" or t in services)
        + "; guardproxy with the passthrough policy and "
        f"`GUARDPROXY_UPSTREAM_MAX_CONNECTIONS={pool['GUARDPROXY_UPSTREAM_MAX_CONNECTIONS']}` "
        "(the default pool of 256 would queue streams inside the proxy); the relay with an "
        "unlimited upstream pool.",
        *(f"- Not measured: {o}." for o in omitted),
        f"- Open-file limit (RLIMIT_NOFILE, soft) raised from {before} to {after} "
        f"(hard {hard}) in the load generator, inherited by every server it started.",
        f"- Wall time: {time.monotonic() - t0:.0f} s.",
        "",
    ]
    lines += render_rounds(rounds_out, wait_ms=args.wait_ms, delay_ms=args.chunk_delay_ms)
    if sats:
        lines += render_saturation(sats, queue_timeout_s=QUEUE_TIMEOUT_S)
    section = "\n".join(lines)
    print(section)
    if args.out:
        with args.out.open("a", encoding="utf-8") as f:
            f.write("\n" + section)
        print(f"loadtest: appended to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
