"""Measure what guardproxy adds: the mock upstream reached directly, through two baseline
relays (a minimal aiohttp relay and nginx) and through guardproxy with the passthrough,
default and strict policies, side by side in one run.

    python -m loadtest.run [--quick] [--only KEYS] [--targets NAMES] [--out BENCHMARKS.md]

It starts the mock upstream and one subprocess per relay or proxy on 127.0.0.1, waits for
them to be ready, runs the scenarios in ``SCENARIOS`` one after the other against every
target, prints a markdown section and, with ``--out``, appends it to a file. The
subprocesses are always stopped, also on Ctrl-C or SIGTERM. Nothing is sent anywhere but
127.0.0.1. nginx is optional: without it that target is left out and the run says so.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import datetime as dt
import json
import math
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import aiohttp

from guardproxy.mock_llm import DEFAULT_REPLY, filler_text
from loadtest import nginx

HOST = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 120.0
REPLY_CHARS = 1000
STREAM_CHUNKS = 50
# SSE events the mock sends per stream: the role chunk, the text chunks, the finish chunk
# and [DONE]; CPU per event divides by this, the work each relay or proxy has to do
UPSTREAM_EVENTS = STREAM_CHUNKS + 3
PACED_CHUNK_DELAY_MS = 20
PII_TAGS = ("<PERSON>", "<EMAIL_ADDRESS>", "<PHONE_NUMBER>")
PII_VALUES = ("Jane Doe", "jane.doe@example.com", "415-555-0132")
# in the order of the table rows; the policies are guardproxy's shipped policies
TARGETS = ("direct", "relay", "nginx", "passthrough", "default", "strict")
POLICIES = ("passthrough", "default", "strict")
CHECKED = ("default", "strict")  # slow targets: fewer requests (Scenario.checked_count)
TARGET_NOTES = {
    "direct": "the mock upstream itself",
    "relay": "`loadtest/relay.py`, a minimal aiohttp relay (the Python floor)",
    "nginx": "nginx from the Debian package, one worker per CPU (the native floor)",
    "passthrough": "guardproxy, `passthrough` policy (no checks; audit log and metrics)",
    "default": "guardproxy, `default` policy (PII redaction and secrets, NER workers)",
    "strict": "guardproxy, `strict` policy (PII both ways, blocking identifiers, secrets)",
}

# --- scenarios ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    stream: bool
    concurrency: int
    warmup: int
    count: int  # measured requests for direct, relay, nginx and passthrough
    checked_count: int  # ... and for the policies that run checks (default, strict)
    headers: dict[str, str]
    expect: str  # "filler": content must equal the filler text; "pii": redaction expected
    reply_chars: int = REPLY_CHARS

    def count_for(self, target: str) -> int:
        return self.checked_count if target in CHECKED else self.count


def _filler(chars: int) -> dict[str, str]:
    return {"x-mock-reply-chars": str(chars)}


_STREAMED = {**_filler(REPLY_CHARS), "x-mock-chunks": str(STREAM_CHUNKS)}
_PACED = {**_STREAMED, "x-mock-chunk-delay-ms": str(PACED_CHUNK_DELAY_MS)}
_PACED_TITLE = (
    f"Streamed, ~1 KB answer in {STREAM_CHUNKS} chunks {PACED_CHUNK_DELAY_MS} ms apart "
    "(a model producing ~1000 chars/s)"
)

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "ns1",
        "Non-streamed, ~1 KB answer (filler, no PII), concurrency 1",
        stream=False,
        concurrency=1,
        warmup=30,
        count=300,
        checked_count=100,
        headers=_filler(REPLY_CHARS),
        expect="filler",
    ),
    Scenario(
        "ns16",
        "Non-streamed, ~1 KB answer (filler, no PII), concurrency 16",
        stream=False,
        concurrency=16,
        warmup=32,
        count=1600,
        checked_count=320,
        headers=_filler(REPLY_CHARS),
        expect="filler",
    ),
    Scenario(
        "ns64",
        "Non-streamed, ~1 KB answer (filler, no PII), concurrency 64",
        stream=False,
        concurrency=64,
        warmup=64,
        count=3200,
        checked_count=384,
        headers=_filler(REPLY_CHARS),
        expect="filler",
    ),
    Scenario(
        "ns4k1",
        "Non-streamed, ~4 KB answer (filler, no PII), concurrency 1",
        stream=False,
        concurrency=1,
        warmup=10,
        count=300,
        checked_count=60,
        headers=_filler(4000),
        expect="filler",
        reply_chars=4000,
    ),
    Scenario(
        "st1",
        f"Streamed, ~1 KB answer in {STREAM_CHUNKS} chunks sent back to back, concurrency 1",
        stream=True,
        concurrency=1,
        warmup=10,
        count=200,
        checked_count=60,
        headers=_STREAMED,
        expect="filler",
    ),
    Scenario(
        "st1paced",
        f"{_PACED_TITLE}, concurrency 1",
        stream=True,
        concurrency=1,
        warmup=2,
        count=20,
        checked_count=20,
        headers=_PACED,
        expect="filler",
    ),
    Scenario(
        "st16paced",
        f"{_PACED_TITLE}, 16 streams at once",
        stream=True,
        concurrency=16,
        warmup=16,
        count=64,
        checked_count=32,
        headers=_PACED,
        expect="filler",
    ),
    Scenario(
        "st64paced",
        f"{_PACED_TITLE}, 64 streams at once",
        stream=True,
        concurrency=64,
        warmup=64,
        count=128,
        checked_count=64,
        headers=_PACED,
        expect="filler",
    ),
    Scenario(
        "pii1",
        f"Non-streamed, mock's default reply ({len(DEFAULT_REPLY)} chars with a name, e-mail "
        "and phone number), concurrency 1",
        stream=False,
        concurrency=1,
        warmup=10,
        count=100,
        checked_count=100,
        headers={},
        expect="pii",
    ),
    Scenario(
        "piist1",
        f"Streamed, mock's default reply in {STREAM_CHUNKS} chunks sent back to back, "
        "concurrency 1",
        stream=True,
        concurrency=1,
        warmup=5,
        count=50,
        checked_count=50,
        headers={"x-mock-chunks": str(STREAM_CHUNKS)},
        expect="pii",
    ),
)


def _scaled(s: Scenario, factor: int) -> Scenario:
    """About 1/factor of the requests, but never fewer than the concurrency."""
    if factor == 1:
        return s
    return replace(
        s,
        warmup=max(2, s.warmup // factor),
        count=max(5, s.concurrency, s.count // factor),
        checked_count=max(5, s.concurrency, s.checked_count // factor),
    )


# --- subprocesses ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM if the load generator dies (Linux only)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _guardproxy_argv() -> list[str]:
    script = Path(sys.executable).with_name("guardproxy")
    if script.exists():
        return [str(script)]
    found = shutil.which("guardproxy")
    return [found] if found else [sys.executable, "-m", "guardproxy.cli"]


class Service:
    """One subprocess in its own session (so it and its children can be stopped together)."""

    def __init__(
        self,
        name: str,
        argv: list[str],
        port: int,
        log_path: Path,
        *,
        ready_path: str = "/readyz",
        env: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.argv = argv
        self.port = port
        self.log_path = log_path
        self.ready_path = ready_path
        self.extra_env = env or {}
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GUARDPROXY_")}
        env["PYTHONUNBUFFERED"] = "1"
        env.update(self.extra_env)
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                self.argv,
                cwd=REPO_ROOT,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 20.0) -> None:
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                print(f"loadtest: {self.name} did not stop in {timeout}s; killing", file=sys.stderr)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        # leftovers of this run only (pool workers, a forkserver), if any survived
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)


async def wait_ready(services: Sequence[Service], limit_s: float) -> None:
    deadline = time.monotonic() + limit_s
    pending = list(services)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        while pending:
            for svc in list(pending):
                assert svc.proc is not None
                if svc.proc.poll() is not None:
                    raise RuntimeError(
                        f"{svc.name} exited with code {svc.proc.returncode}:\n{svc.log_tail()}"
                    )
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    async with session.get(svc.base + svc.ready_path) as resp:
                        if resp.status == 200:
                            pending.remove(svc)
            if pending and time.monotonic() > deadline:
                names = ", ".join(s.name for s in pending)
                raise RuntimeError(f"not ready after {limit_s:.0f}s: {names}")
            if pending:
                await asyncio.sleep(0.25)


# --- CPU time of a process tree (from /proc; no extra dependency) -----------------------

_CLK_TCK = os.sysconf("SC_CLK_TCK")


def _proc_table() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, utime+stime+cutime+cstime in clock ticks), for every readable process."""
    table: dict[int, tuple[int, int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                raw = f.read()
        except OSError:
            continue
        fields = raw[raw.rfind(b")") + 2 :].split()
        # fields[0] is field 3 (state) of proc(5): ppid=4, utime=14, stime=15, cutime=16, cstime=17
        table[int(entry.name)] = (int(fields[1]), sum(int(x) for x in fields[11:15]))
    return table


def _task_cpu_ns(pid: int) -> int | None:
    """CPU time of every live thread of pid, in ns, from /proc/<pid>/task/*/schedstat."""
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    total = 0
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat", "rb") as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue  # the thread ended meanwhile
    return total


_SCHEDSTAT = os.path.exists("/proc/self/schedstat")


def tree_pids(root: int) -> list[int]:
    """root and all its live descendants."""
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    out, stack = [], [root]
    while stack:
        pid = stack.pop()
        if pid in table:
            out.append(pid)
        stack.extend(children.get(pid, ()))
    return out


def tree_cpu_seconds(root: int) -> tuple[float, float]:
    """CPU seconds (user+system) of root itself and of all its live descendants.

    Read in nanoseconds from each thread's schedstat where the kernel has it: the clock-tick
    counters of /proc/<pid>/stat (10 ms) are too coarse for a process as frugal as nginx
    over a short phase. Without schedstat the tick counters are used, children's exited
    descendants included.
    """
    if _SCHEDSTAT:
        own = rest = 0
        for pid in tree_pids(root):
            ns = _task_cpu_ns(pid) or 0
            if pid == root:
                own = ns
            else:
                rest += ns
        return own / 1e9, rest / 1e9
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    own_ticks = table[root][1] if root in table else 0
    rest_ticks, stack = 0, list(children.get(root, ()))
    while stack:
        pid = stack.pop()
        if pid in table:
            rest_ticks += table[pid][1]
        stack.extend(children.get(pid, ()))
    return own_ticks / _CLK_TCK, rest_ticks / _CLK_TCK


def machine_cpu_seconds() -> tuple[float, float]:
    """Whole machine from /proc/stat: (busy CPU seconds, hypervisor steal seconds)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal ...; guest time is inside user
    return (v[0] + v[1] + v[2] + v[5] + v[6]) / _CLK_TCK, v[7] / _CLK_TCK


class LoadMeter:
    """CPUs used by everything else on the machine while a measurement runs.

    Busy time of the whole machine minus the CPU time of this process and all its
    children (load generator, mock, proxies, NER workers), per second of wall time.
    """

    def __enter__(self) -> LoadMeter:
        self.t0 = time.perf_counter()
        self.machine0, self.steal0 = machine_cpu_seconds()
        self.ours0 = sum(tree_cpu_seconds(os.getpid()))
        self.other_cpus = self.steal_cpus = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        wall = time.perf_counter() - self.t0
        machine, steal = machine_cpu_seconds()
        ours = sum(tree_cpu_seconds(os.getpid()))
        if wall > 0:
            other = (machine - self.machine0) - (ours - self.ours0)
            self.other_cpus = max(0.0, other / wall)
            self.steal_cpus = (steal - self.steal0) / wall


def tree_size(root: int) -> int:
    return len(tree_pids(root))


# --- Prometheus text (the proxy's own view of where time goes) --------------------------

_SERVER_METRICS = (
    "guardproxy_request_duration_seconds",
    "guardproxy_upstream_duration_seconds",
    "guardproxy_overhead_seconds",
    "guardproxy_check_duration_seconds",
    "guardproxy_delivered_first_byte_seconds",
)


async def scrape(session: aiohttp.ClientSession, base: str) -> dict[str, float]:
    """Sum of every ``<metric>_sum`` / ``<metric>_count`` series across labels."""
    out: dict[str, float] = {}
    async with session.get(base + "/metrics") as resp:
        text = await resp.text()
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name_part, _, value = line.rpartition(" ")
        name = name_part.split("{", 1)[0]
        if name.endswith(("_sum", "_count")) and name.rsplit("_", 1)[0] in _SERVER_METRICS:
            with contextlib.suppress(ValueError):
                out[name] = out.get(name, 0.0) + float(value)
    return out


# --- requests ----------------------------------------------------------------------------


@dataclass(slots=True)
class Sample:
    latency: float  # seconds from sending the request to the complete body
    ttfb: float | None = None  # streams: seconds to the first non-empty content delta
    error: str | None = None
    content: str = ""
    events: int = 0  # streams: SSE data events received, [DONE] included


def _request_body(stream: bool) -> bytes:
    body: dict[str, Any] = {
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "Tell me about the quiet valley."}],
    }
    if stream:
        body["stream"] = True
    return json.dumps(body).encode()


async def one_request(
    session: aiohttp.ClientSession, url: str, body: bytes, headers: dict[str, str], stream: bool
) -> Sample:
    t0 = time.perf_counter()
    try:
        async with session.post(url, data=body, headers=headers) as resp:
            if not stream:
                raw = await resp.read()
                latency = time.perf_counter() - t0
                if resp.status != 200:
                    return Sample(latency, error=f"HTTP {resp.status}")
                msg = json.loads(raw)["choices"][0]["message"]
                return Sample(latency, content=msg.get("content") or "")
            if resp.status != 200:
                await resp.read()
                return Sample(time.perf_counter() - t0, error=f"HTTP {resp.status}")
            ttfb: float | None = None
            parts: list[str] = []
            error: str | None = None
            done = False
            events = 0
            async for line in resp.content:
                if not line.startswith(b"data:"):
                    continue
                events += 1
                data = line[5:].strip()
                if data == b"[DONE]":
                    done = True
                    continue
                event = json.loads(data)
                if "error" in event:
                    error = "stream error event"
                for choice in event.get("choices") or ():
                    text = (choice.get("delta") or {}).get("content")
                    if text:
                        if ttfb is None:
                            ttfb = time.perf_counter() - t0
                        parts.append(text)
            latency = time.perf_counter() - t0
            if error is None and not done:
                error = "stream ended without [DONE]"
            return Sample(latency, ttfb, error, "".join(parts), events)
    except (TimeoutError, aiohttp.ClientError, ValueError, KeyError, IndexError) as exc:
        return Sample(time.perf_counter() - t0, error=type(exc).__name__)


async def run_load(
    session: aiohttp.ClientSession,
    url: str,
    scenario: Scenario,
    count: int,
    deadline_s: float,
) -> tuple[list[Sample], float]:
    body = _request_body(scenario.stream)
    headers = {"Authorization": "Bearer loadtest", **scenario.headers}
    samples: list[Sample] = []
    issued = 0
    stop_at = time.monotonic() + deadline_s

    async def worker() -> None:
        nonlocal issued
        while issued < count and time.monotonic() < stop_at:
            issued += 1
            samples.append(await one_request(session, url, body, headers, scenario.stream))

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(scenario.concurrency)))
    return samples, time.perf_counter() - t0


# --- results -----------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (q in [0, 100])."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


@dataclass
class Result:
    scenario: Scenario
    target: str
    samples: list[Sample]
    wall_s: float
    proxy_cpu_s: tuple[float, float] | None  # (main process, its children)
    mock_cpu_s: float
    server: dict[str, float]
    stopped_early: bool
    other_cpus: float = 0.0
    steal_cpus: float = 0.0
    errors: Counter[str] = field(default_factory=Counter)
    checks: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> list[Sample]:
        return [s for s in self.samples if s.error is None]

    def lat(self, q: float) -> float:
        return percentile([s.latency for s in self.ok], q) * 1000

    def ttfb(self, q: float) -> float:
        return percentile([s.ttfb for s in self.ok if s.ttfb is not None], q) * 1000

    @property
    def rps(self) -> float:
        return len(self.samples) / self.wall_s if self.wall_s else float("nan")

    def per_request_ms(self, seconds: float | None) -> float | None:
        return None if seconds is None or not self.samples else seconds * 1000 / len(self.samples)

    @property
    def per_event_ms(self) -> float | None:
        """Streams: the proxy tree's CPU per upstream SSE event."""
        per_stream = self.per_request_ms(self.proxy_cpu_total)
        return None if per_stream is None else per_stream / UPSTREAM_EVENTS

    @property
    def proxy_cpu_total(self) -> float | None:
        return None if self.proxy_cpu_s is None else sum(self.proxy_cpu_s)


def judge(result: Result) -> None:
    """Count errors and check that the delivered text is what the policy should deliver."""
    expect_filler = filler_text(result.scenario.reply_chars)
    for s in result.samples:
        if s.error is not None:
            result.errors[s.error] += 1
            continue
        if result.scenario.expect == "filler":
            result.checks["unchanged" if s.content == expect_filler else "changed"] += 1
        else:
            if s.content == DEFAULT_REPLY:
                result.checks["unchanged"] += 1
            elif all(tag in s.content for tag in PII_TAGS) and not any(
                v in s.content for v in PII_VALUES
            ):
                result.checks["redacted"] += 1
            else:
                result.checks["other"] += 1


def _ms(value: float | None) -> str:
    if value is None or value != value:  # None or NaN
        return "-"
    if abs(value) < 10:
        return f"{value:.2f}"
    if abs(value) < 100:
        return f"{value:.1f}"
    return f"{value:.0f}"


def _sig(value: float | None) -> str:
    """Three significant digits, for small figures such as CPU ms per SSE event."""
    if value is None or value != value:
        return "-"
    if value == 0:
        return "0"
    return f"{value:.{max(0, 2 - math.floor(math.log10(abs(value))))}f}"


def _delta(value: float, base: float) -> str:
    if value != value or base != base:
        return "-"
    d = value - base
    return ("+" if d >= 0 else "") + _ms(d)


def _delivered(result: Result) -> str:
    return ", ".join(f"{v} {k}" for k, v in sorted(result.checks.items())) or "-"


def _errors(result: Result) -> str:
    n = sum(result.errors.values())
    return f"{n} ({100 * n / len(result.samples):.1f}%)" if result.samples else "-"


def render_table(results: list[Result]) -> list[str]:
    """One scenario's table; a target that did not run simply has no row."""
    scenario = results[0].scenario
    base = next((r for r in results if r.target == "direct"), None)
    lines = [f"### {scenario.key}: {scenario.title}", ""]
    if not scenario.stream:
        lines += [
            "| target | requests | errors | p50 ms | p90 ms | p99 ms | added p50 ms "
            "| added p99 ms | req/s | proxy CPU ms/req | mock CPU ms/req | delivered text |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
        ]
        for r in results:
            added = (
                (_delta(r.lat(50), base.lat(50)), _delta(r.lat(99), base.lat(99)))
                if base is not None and r is not base
                else ("-", "-")
            )
            lines.append(
                f"| {r.target} | {len(r.samples)} | {_errors(r)} | {_ms(r.lat(50))} "
                f"| {_ms(r.lat(90))} | {_ms(r.lat(99))} | {added[0]} | {added[1]} "
                f"| {r.rps:.0f} | {_ms(r.per_request_ms(r.proxy_cpu_total))} "
                f"| {_ms(r.per_request_ms(r.mock_cpu_s))} | {_delivered(r)} |"
            )
    else:
        lines += [
            "| target | streams | errors | first content p50 ms | p90 ms | p99 ms "
            "| added first content p50 ms | total p50 ms | total p99 ms | added total p50 ms "
            "| added total p99 ms | streams/s | proxy CPU ms/stream | proxy CPU ms/event "
            "| delivered text |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
        ]
        for r in results:
            if base is None or r is base:
                added_first = added_total = added_total99 = "-"
            else:
                added_first = _delta(r.ttfb(50), base.ttfb(50))
                added_total = _delta(r.lat(50), base.lat(50))
                added_total99 = _delta(r.lat(99), base.lat(99))
            lines.append(
                f"| {r.target} | {len(r.samples)} | {_errors(r)} | {_ms(r.ttfb(50))} "
                f"| {_ms(r.ttfb(90))} | {_ms(r.ttfb(99))} | {added_first} "
                f"| {_ms(r.lat(50))} | {_ms(r.lat(99))} | {added_total} | {added_total99} "
                f"| {r.rps:.1f} | {_ms(r.per_request_ms(r.proxy_cpu_total))} "
                f"| {_sig(r.per_event_ms)} | {_delivered(r)} |"
            )
    load = ", ".join(f"{r.target} {r.other_cpus:.2f}" for r in results)
    notes = [f"CPUs used by other processes on the machine meanwhile: {load}"]
    if any(r.steal_cpus >= 0.01 for r in results):
        steal = ", ".join(f"{r.target} {r.steal_cpus:.2f}" for r in results)
        notes.append(f"CPUs taken by the hypervisor (steal) meanwhile: {steal}")
    for r in results:
        if r.errors:
            kinds = ", ".join(f"{n} x {k}" for k, n in r.errors.most_common())
            notes.append(f"{r.target}: errors: {kinds}")
        if r.stopped_early:
            notes.append(f"{r.target}: stopped at the time limit before the planned count")
    if notes:
        lines += ["", *(f"- {n}" for n in notes)]
    lines.append("")
    return lines


def render_summary(results: list[list[Result]]) -> list[str]:
    """One row per relay or proxy: the figures the comparison is about, from the tables."""
    by_key = {(r.scenario.key, r.target): r for group in results for r in group}
    targets = [t for t in TARGETS if t != "direct" and any(k[1] == t for k in by_key)]
    if not targets:
        return []

    def get(key: str, target: str) -> Result | None:
        r = by_key.get((key, target))
        return r if r is not None and r.ok else None

    def added(key: str, target: str, q: float, first: bool = False) -> str:
        r, base = get(key, target), get(key, "direct")
        if r is None or base is None:
            return "-"
        if first:
            return _delta(r.ttfb(q), base.ttfb(q))
        return _delta(r.lat(q), base.lat(q))

    def cpu_req(key: str, target: str) -> str:
        r = get(key, target)
        return "-" if r is None else _ms(r.per_request_ms(r.proxy_cpu_total))

    def cpu_event(key: str, target: str) -> str:
        r = get(key, target)
        return "-" if r is None else _sig(r.per_event_ms)

    def rps(key: str, target: str) -> str:
        r = get(key, target)
        return "-" if r is None else f"{r.rps:.0f}"

    rows = []
    for t in targets:
        rows.append(
            f"| {t} | {added('ns1', t, 50)} / {added('ns1', t, 99)} "
            f"| {added('ns4k1', t, 50)} / {added('ns4k1', t, 99)} "
            f"| {cpu_req('ns1', t)} | {cpu_req('ns64', t)} | {rps('ns64', t)} "
            f"| {cpu_event('st1', t)} "
            f"| {added('st16paced', t, 50, first=True)} / {added('st16paced', t, 99)} "
            f"| {cpu_event('st16paced', t)} "
            f"| {added('st64paced', t, 50, first=True)} / {added('st64paced', t, 99)} "
            f"| {cpu_event('st64paced', t)} |"
        )
    return [
        "### At a glance",
        "",
        "Added = this target's percentile minus the direct percentile of the same scenario. "
        "CPU = user + system time of the target's whole process tree (NER workers "
        f"included) per request, or per upstream SSE event ({UPSTREAM_EVENTS} per stream). "
        "Paced streams: first content p50 and total p99.",
        "",
        "| target | ns1 added p50 / p99 ms | ns4k1 added p50 / p99 ms | ns1 CPU ms/req "
        "| ns64 CPU ms/req | ns64 req/s | st1 CPU ms/event "
        "| st16paced added first / total p99 ms | st16paced CPU ms/event "
        "| st64paced added first / total p99 ms | st64paced CPU ms/event |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        *rows,
        "",
    ]


def render_server_view(results: list[Result]) -> list[str]:
    """Means per request from the proxies' own histograms (deltas around each measurement)."""
    rows = []
    for r in results:
        if r.target not in POLICIES or not r.samples:
            continue
        m = r.server

        def mean(name: str, m: dict[str, float] = m) -> float | None:
            c = m.get(name + "_count", 0.0)
            return m.get(name + "_sum", 0.0) * 1000 / c if c else None

        main_cpu, child_cpu = r.proxy_cpu_s or (None, None)
        check_ms = m.get("guardproxy_check_duration_seconds_sum", 0.0) * 1000 / len(r.samples)
        rows.append(
            f"| {r.scenario.key} | {r.target} | {_ms(mean('guardproxy_request_duration_seconds'))} "
            f"| {_ms(mean('guardproxy_upstream_duration_seconds'))} "
            f"| {_ms(mean('guardproxy_overhead_seconds'))} "
            f"| {_ms(check_ms)} "
            f"| {_ms(mean('guardproxy_delivered_first_byte_seconds'))} "
            f"| {_ms(r.per_request_ms(main_cpu))} | {_ms(r.per_request_ms(child_cpu))} |"
        )
    if not rows:
        return []
    return [
        "### Inside the proxies",
        "",
        "Means per request from each guardproxy's own Prometheus histograms (differences of "
        "`_sum`/`_count` around the measured requests) and the proxy's CPU time split "
        "between its main process and its child processes (the NER workers). Scenario keys "
        "as in `loadtest/README.md`.",
        "",
        "| scenario | proxy | request ms | upstream ms | overhead ms | check time ms/req "
        "| delivered first byte ms | main process CPU ms/req | child processes CPU ms/req |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
        *rows,
        "",
    ]


# --- the run -----------------------------------------------------------------------------


def _machine() -> str:
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout
        cpus = nproc.strip()
    except (OSError, subprocess.CalledProcessError):
        cpus = str(os.cpu_count())
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{cpus} CPUs (nproc), {model}, Linux {platform.release()}, "
        f"Python {platform.python_version()}, aiohttp {aiohttp.__version__}"
    )


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO_ROOT,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


@dataclass(frozen=True)
class Target:
    """Where one column of requests goes, and the process tree whose CPU it costs."""

    name: str
    base: str  # up to and including /v1
    service: Service | None  # None for direct: the mock's CPU is reported on its own
    guardproxy: bool = False  # has /metrics with the guardproxy_* histograms


async def measure(
    mock: Service, targets: Sequence[Target], scenarios: Sequence[Scenario], deadline_s: float
) -> list[list[Result]]:
    all_results: list[list[Result]] = []
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout) as admin:
        for scenario in scenarios:
            results = []
            for target in targets:
                count = scenario.count_for(target.name)
                url = target.base + "/chat/completions"
                svc = target.service
                connector = aiohttp.TCPConnector(limit=scenario.concurrency)
                async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
                    await run_load(session, url, scenario, scenario.warmup, deadline_s)
                    before = await scrape(admin, svc.base) if svc and target.guardproxy else {}
                    cpu0 = tree_cpu_seconds(svc.pid) if svc else None
                    mock0 = sum(tree_cpu_seconds(mock.pid))
                    with LoadMeter() as load:
                        samples, wall = await run_load(session, url, scenario, count, deadline_s)
                    mock1 = sum(tree_cpu_seconds(mock.pid))
                    cpu1 = tree_cpu_seconds(svc.pid) if svc else None
                    after = await scrape(admin, svc.base) if svc and target.guardproxy else {}
                result = Result(
                    scenario,
                    target.name,
                    samples,
                    wall,
                    None
                    if cpu0 is None or cpu1 is None
                    else (cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]),
                    mock1 - mock0,
                    {k: v - before.get(k, 0.0) for k, v in after.items()},
                    stopped_early=len(samples) < count,
                    other_cpus=load.other_cpus,
                    steal_cpus=load.steal_cpus,
                )
                judge(result)
                results.append(result)
                print(
                    f"loadtest: {scenario.key:9s} {target.name:12s} n={len(samples):5d} "
                    f"errors={sum(result.errors.values())} p50={_ms(result.lat(50))} ms "
                    f"p99={_ms(result.lat(99))} ms {result.rps:.0f} req/s",
                    file=sys.stderr,
                    flush=True,
                )
            all_results.append(results)
    return all_results


def render(
    results: list[list[Result]],
    *,
    quick: bool,
    started: dt.datetime,
    elapsed: float,
    tree_sizes: dict[str, int],
    omitted: dict[str, str] | None = None,
) -> str:
    ran = [t for t in TARGETS if any(r.target == t for group in results for r in group)]
    lines = [
        f"## Run of {started:%Y-%m-%d %H:%M} UTC, commit {_commit()}"
        + (" (quick smoke run, about 1/5 of the counts)" if quick else ""),
        "",
        f"- Machine: {_machine()}",
        "- Client, mock upstream, relays and proxies all on this machine over 127.0.0.1.",
        "- Targets: "
        + "; ".join(
            f"**{t}**: {TARGET_NOTES[t]}"
            + (f" ({tree_sizes[t]} processes)" if tree_sizes.get(t, 1) > 1 else "")
            for t in ran
        )
        + ".",
        *(f"- **{t}** not measured: {why}." for t, why in (omitted or {}).items()),
        f"- Wall time of the whole run: {elapsed:.0f} s (including start-up).",
        '- "added" columns are differences of percentiles (target minus direct), not '
        "percentiles of per-request differences. Proxy CPU is the CPU time (user+system) of "
        "the target's process tree during the measured requests divided by their number, or "
        f"by the number of upstream SSE events ({UPSTREAM_EVENTS} per stream); "
        '"delivered text" compares what the client got with what the mock sent.',
        "",
    ]
    lines += render_summary(results)
    for group in results:
        lines += render_table(group)
    lines += render_server_view([r for group in results for r in group])
    return "\n".join(lines)


def _on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _pick(raw: str | None, known: Sequence[str], what: str) -> list[str]:
    """Names from a comma-separated option, in the known order; unknown ones are an error."""
    if not raw:
        return list(known)
    wanted = {k.strip() for k in raw.split(",") if k.strip()}
    unknown = sorted(wanted - set(known))
    if unknown:
        raise SystemExit(
            f"loadtest: unknown {what}: {', '.join(unknown)} (known: {', '.join(known)})"
        )
    return [k for k in known if k in wanted]


def guardproxy_service(
    policy: str, tmp: Path, port: int, mock_base: str, env: dict[str, str] | None = None
) -> Service:
    """``guardproxy serve`` in front of the mock with ``policy`` as its default policy."""
    argv = [
        *_guardproxy_argv(),
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--upstream",
        mock_base + "/v1",
        "--anthropic-upstream",
        mock_base,
        "--audit-dir",
        str(tmp / f"audit-{policy}-{port}"),
        "--default-policy",
        policy,
        "--log-level",
        "warning",
    ]
    return Service(policy, argv, port, tmp / f"{policy}-{port}.log", env=env)


def mock_service(tmp: Path, port: int) -> Service:
    argv = [*_guardproxy_argv(), "mock-upstream", "--host", HOST, "--port", str(port)]
    return Service("mock", argv, port, tmp / "mock.log", ready_path="/v1/models")


def relay_service(tmp: Path, port: int, mock_base: str) -> Service:
    argv = [sys.executable, "-m", "loadtest.relay", "--host", HOST, "--port", str(port)]
    argv += ["--upstream", mock_base]
    return Service("relay", argv, port, tmp / "relay.log", ready_path="/healthz")


def nginx_service(tmp: Path, port: int, mock_port: int) -> Service | None:
    """nginx as a Service, or None (with a note on stderr) when nginx is not installed."""
    binary = nginx.find_nginx()
    if binary is None:
        print(
            f"loadtest: nginx not found ({nginx.DEFAULT_BINARY} or on PATH); "
            "the nginx target is left out (apt-get install nginx-light to include it)",
            file=sys.stderr,
        )
        return None
    argv = nginx.prepare(
        binary, directory=tmp / "nginx", host=HOST, port=port, upstream_port=mock_port
    )
    return Service("nginx", argv, port, tmp / "nginx.log", ready_path="/healthz")


def run_services(
    services: Mapping[str, Service], tmp: Path, keep: bool, work: Callable[[], None]
) -> int | None:
    """Start the services, run work, and always stop them and remove tmp (unless keep).

    Returns the exit code when the run was interrupted (130) or failed (1, its message on
    stderr), None when work finished.
    """
    try:
        for svc in services.values():
            svc.start()
        work()
    except KeyboardInterrupt:
        print("loadtest: interrupted; stopping subprocesses", file=sys.stderr)
        return 130
    except RuntimeError as exc:
        print(f"loadtest: {exc}", file=sys.stderr)
        return 1
    finally:
        for svc in services.values():
            svc.stop()
        if keep:
            print(f"loadtest: kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m loadtest.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="about 1/5 of the counts (smoke run)")
    parser.add_argument("--out", type=Path, help="append the markdown section to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, audit)")
    parser.add_argument(
        "--only",
        help="comma-separated scenario keys to run (default: all): "
        + ", ".join(s.key for s in SCENARIOS),
    )
    parser.add_argument(
        "--targets", help="comma-separated targets (default: all): " + ", ".join(TARGETS)
    )
    args = parser.parse_args(argv)
    keys = _pick(args.only, [s.key for s in SCENARIOS], "scenario")
    names = _pick(args.targets, TARGETS, "target")
    scenarios = [_scaled(s, 5 if args.quick else 1) for s in SCENARIOS if s.key in keys]
    deadline_s = 20.0 if args.quick else 60.0

    signal.signal(signal.SIGTERM, _on_sigterm)
    started = dt.datetime.now(dt.UTC)
    t0 = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="guardproxy-loadtest-"))
    ports = {name: _free_port() for name in ("mock", *names)}
    mock = mock_service(tmp, ports["mock"])
    mock_base = mock.base
    services: dict[str, Service] = {"mock": mock}
    omitted: dict[str, str] = {}
    if "relay" in names:
        services["relay"] = relay_service(tmp, ports["relay"], mock_base)
    if "nginx" in names:
        svc = nginx_service(tmp, ports["nginx"], ports["mock"])
        if svc is None:
            omitted["nginx"] = "not installed"
        else:
            services["nginx"] = svc
    for policy in POLICIES:
        if policy in names:
            services[policy] = guardproxy_service(policy, tmp, ports[policy], mock_base)
    targets = [
        Target(
            name,
            (mock if name == "direct" else services[name]).base + "/v1",
            services.get(name),
            guardproxy=name in POLICIES,
        )
        for name in names
        if name == "direct" or name in services
    ]
    outcome: dict[str, Any] = {}

    def work() -> None:
        print(
            f"loadtest: waiting for {', '.join(services)} (up to {READY_TIMEOUT_S:.0f}s); "
            f"logs in {tmp}",
            file=sys.stderr,
            flush=True,
        )
        asyncio.run(wait_ready(list(services.values()), READY_TIMEOUT_S))
        print(f"loadtest: ready after {time.monotonic() - t0:.1f}s", file=sys.stderr, flush=True)
        outcome["sizes"] = {name: tree_size(svc.pid) for name, svc in services.items()}
        outcome["results"] = asyncio.run(measure(mock, targets, scenarios, deadline_s))
        for svc in services.values():
            assert svc.proc is not None
            if svc.proc.poll() is not None:
                print(
                    f"loadtest: {svc.name} exited during the run:\n{svc.log_tail()}",
                    file=sys.stderr,
                )

    code = run_services(services, tmp, args.keep, work)
    if code is not None:
        return code
    sizes, results = outcome["sizes"], outcome["results"]
    section = render(
        results,
        quick=args.quick,
        started=started,
        elapsed=time.monotonic() - t0,
        tree_sizes=sizes,
        omitted=omitted,
    )
    print(section)
    if args.out:
        with args.out.open("a", encoding="utf-8") as f:
            f.write("\n" + section)
        print(f"loadtest: appended to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
