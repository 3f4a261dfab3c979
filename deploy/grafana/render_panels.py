"""Render the Grafana dashboard's panels from a real Prometheus, without Grafana.

Run from the repository root with the project's virtualenv:

    .venv/bin/python deploy/grafana/render_panels.py --out docs/dashboard-preview.png

It starts the mock upstream, a guardproxy in front of it and a Prometheus scraping that
guardproxy every second (all on 127.0.0.1, everything in a temporary directory), sends a
few requests per second of mixed traffic for --minutes, then runs every panel's PromQL
from ``guardproxy.json`` through ``/api/v1/query_range`` and writes a self-contained HTML
page with one SVG chart per panel, plus a PNG of it taken with headless Chromium.

The functions above ``main`` (PromQL extraction, legends, SVG) are pure and tested in
``tests/test_dashboard_render.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DASHBOARD = HERE / "dashboards" / "guardproxy.json"
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yaml"

COLORS = (
    "#7eb26d",
    "#eab839",
    "#6ed0e0",
    "#ef843c",
    "#e24d42",
    "#1f78c1",
    "#ba43a9",
    "#705da0",
    "#508642",
    "#cca300",
    "#447ebc",
    "#c15c17",
)
_LEGEND_VAR = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


# --- the dashboard ---------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    ref_id: str
    expr: str
    legend_format: str


@dataclass(frozen=True)
class Panel:
    id: int
    title: str
    unit: str
    targets: tuple[Target, ...]


def panel_queries(dashboard: dict[str, Any]) -> list[Panel]:
    """Every panel with PromQL targets, in dashboard order (rows' nested panels included);
    hidden targets and targets without an expression are left out."""
    panels: list[Panel] = []

    def visit(items: list[dict[str, Any]]) -> None:
        for item in items:
            if item.get("type") == "row":
                visit(item.get("panels", []))
                continue
            targets = tuple(
                Target(
                    ref_id=str(t.get("refId", "")),
                    expr=str(t["expr"]).strip(),
                    legend_format=str(t.get("legendFormat", "")),
                )
                for t in item.get("targets", [])
                if str(t.get("expr", "")).strip() and not t.get("hide", False)
            )
            if not targets:
                continue
            unit = item.get("fieldConfig", {}).get("defaults", {}).get("unit", "short")
            panels.append(Panel(int(item.get("id", 0)), str(item.get("title", "")), unit, targets))

    visit(dashboard.get("panels", []))
    return panels


def legend_name(legend_format: str, labels: dict[str, str]) -> str:
    """Grafana's legend: ``{{label}}`` replaced by the series' value (empty if absent);
    without a format, the label set as PromQL writes it."""
    if legend_format and legend_format != "__auto":
        return _LEGEND_VAR.sub(lambda m: labels.get(m.group(1), ""), legend_format).strip()
    name = labels.get("__name__", "")
    rest = ", ".join(f'{k}="{v}"' for k, v in sorted(labels.items()) if k != "__name__")
    return f"{name}{{{rest}}}" if rest or not name else name


# --- series ----------------------------------------------------------------------------


@dataclass
class Series:
    name: str
    points: list[tuple[float, float]] = field(default_factory=list)

    def finite(self) -> list[tuple[float, float]]:
        return [(t, v) for t, v in self.points if math.isfinite(v)]


def series_from_matrix(result: list[dict[str, Any]], legend_format: str) -> list[Series]:
    """A ``query_range`` matrix result as named series; "NaN" and "+Inf" stay in as
    non-finite values, which the chart leaves as gaps."""
    out = []
    for item in result:
        points = [(float(t), float(v)) for t, v in item.get("values", [])]
        out.append(Series(legend_name(legend_format, item.get("metric", {})), points))
    return out


# --- numbers ---------------------------------------------------------------------------


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi], about ``count`` of them."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(lo / step) * step
    ticks = []
    value = first
    while value < hi + step * 0.999:
        ticks.append(round(value, 12))
        value += step
    return ticks


def _trim(value: float) -> str:
    text = f"{value:.3g}"
    return text if "e" not in text else f"{value:.2e}"


def format_value(value: float, unit: str) -> str:
    """A value as Grafana shows it for the few units the dashboard uses."""
    if not math.isfinite(value):
        return str(value)
    if unit == "percentunit":
        return f"{_trim(value * 100)}%"
    if unit == "s":
        if value == 0:
            return "0 s"
        if abs(value) < 1e-3:
            return f"{_trim(value * 1e6)} µs"
        if abs(value) < 1:
            return f"{_trim(value * 1e3)} ms"
        return f"{_trim(value)} s"
    suffix = {"reqps": " req/s", "ops": " ops/s"}.get(unit, "")
    for scale, letter in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= scale:
            return f"{_trim(value / scale)}{letter}{suffix}"
    return f"{_trim(value)}{suffix}"


def _clock(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%H:%M:%S")


# --- SVG -------------------------------------------------------------------------------


def render_chart(
    title: str,
    series: list[Series],
    unit: str,
    start: float,
    end: float,
    width: int = 660,
    height: int = 250,
) -> str:
    """One panel as an inline SVG: title, y axis with unit, UTC time axis, one polyline
    per series (broken at non-finite values) and a legend with each series' last value."""
    esc = html.escape
    left, right, top = 74, 34, 30
    legend_rows = max(1, len(series))
    bottom = 26 + 16 * legend_rows
    total_height = height + 16 * max(0, legend_rows - 1)
    plot_w = width - left - right
    plot_h = total_height - top - bottom
    values = [v for s in series for _, v in s.finite()]
    lo = min([0.0, *values])
    hi = max([0.0, *values])
    ticks = nice_ticks(lo, hi if hi > lo else lo + 1.0)
    y_min, y_max = ticks[0], ticks[-1]
    span_t = max(end - start, 1e-9)

    def x(t: float) -> float:
        return left + (t - start) / span_t * plot_w

    def y(v: float) -> float:
        return top + plot_h - (v - y_min) / (y_max - y_min) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="panel" width="{width}" '
        f'height="{total_height}" viewBox="0 0 {width} {total_height}">',
        f'<rect x="0" y="0" width="{width}" height="{total_height}" fill="#181b1f" '
        'stroke="#2c3235"/>',
        f'<text x="10" y="20" class="title">{esc(title)}</text>',
    ]
    for tick in ticks:
        ty = y(tick)
        parts.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{left + plot_w}" y2="{ty:.1f}" class="grid"/>'
            f'<text x="{left - 6}" y="{ty + 4:.1f}" class="axis" text-anchor="end">'
            f"{esc(format_value(tick, unit))}</text>"
        )
    for i in range(6):
        t = start + span_t * i / 5
        tx = x(t)
        parts.append(
            f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{top + plot_h}" class="grid"/>'
            f'<text x="{tx:.1f}" y="{top + plot_h + 15}" class="axis" text-anchor="middle">'
            f"{_clock(t)}</text>"
        )
    parts.append(
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" '
        'stroke="#464c54"/>'
    )
    if not values:
        parts.append(
            f'<text x="{left + plot_w / 2}" y="{top + plot_h / 2}" class="nodata" '
            'text-anchor="middle">No data</text>'
        )
    for index, s in enumerate(series):
        color = COLORS[index % len(COLORS)]
        run: list[str] = []
        runs: list[list[str]] = []
        for t, v in s.points:
            if math.isfinite(v):
                run.append(f"{x(t):.1f},{y(v):.1f}")
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
        for r in runs:
            if len(r) == 1:
                cx, cy = r[0].split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="2" fill="{color}"/>')
            else:
                parts.append(
                    f'<polyline points="{" ".join(r)}" fill="none" stroke="{color}" '
                    'stroke-width="1.5"/>'
                )
        finite = s.finite()
        last = format_value(finite[-1][1], unit) if finite else "no value"
        ly = top + plot_h + 32 + 16 * index
        parts.append(
            f'<rect x="{left}" y="{ly - 9}" width="14" height="4" fill="{color}"/>'
            f'<text x="{left + 20}" y="{ly}" class="legend">{esc(s.name or "(no labels)")}'
            f' <tspan class="last">last {esc(last)}</tspan></text>'
        )
    parts.append("</svg>")
    return "".join(parts)


PAGE_STYLE = """
body { background: #111217; color: #ccccdc; font-family: "DejaVu Sans", Arial, sans-serif;
       margin: 16px; }
h1 { font-size: 20px; margin: 0 0 4px 0; }
p.note { font-size: 12px; color: #8e8e9e; margin: 0 0 12px 0; }
.grid-2 { display: grid; grid-template-columns: repeat(2, 660px); gap: 12px; }
svg.panel text { font-family: "DejaVu Sans", Arial, sans-serif; }
svg.panel .title { fill: #d8d9da; font-size: 13px; font-weight: bold; }
svg.panel .axis { fill: #9fa7b3; font-size: 10px; }
svg.panel .legend { fill: #ccccdc; font-size: 11px; }
svg.panel .last { fill: #8e8e9e; }
svg.panel .nodata { fill: #8e8e9e; font-size: 14px; }
svg.panel .grid { stroke: #2c3235; stroke-width: 1; }
"""


def render_page(title: str, note: str, charts: list[str]) -> str:
    """The self-contained page: no script, no external resource."""
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{PAGE_STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p class='note'>{html.escape(note)}</p>"
        f"<div class='grid-2'>{''.join(charts)}</div></body></html>\n"
    )


# --- processes -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def http_get(url: str, timeout: float = 5.0) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        body: bytes = response.read()
        return body


def wait_for(url: str, limit: float, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}")
        try:
            http_get(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {limit:.0f} s")


class Children:
    """Subprocesses in their own process groups, stopped in reverse order."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"{name}.log").open("wb")
        proc = subprocess.Popen(
            args, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


PROBE_POLICY = """\
name: probe
description: Answers checked by a moderation service that is down; its errors let text pass.
mode: enforce
output:
  - use: classifier
    action: block
    on_error: fail_open
    timeout_ms: 500
    options:
      api: openai_moderation
      base_url: "http://127.0.0.1:{port}/v1"
      model: omni-moderation-latest
      timeout_ms: 400
"""

PROMETHEUS_CONFIG = """\
global:
  scrape_interval: {interval}s
  evaluation_interval: {interval}s
rule_files:
  - {alerts}
scrape_configs:
  - job_name: guardproxy
    metrics_path: /metrics
    static_configs:
      - targets: ["127.0.0.1:{port}"]
"""


# --- traffic ---------------------------------------------------------------------------

PII_REPLY = (
    "Sure. Write to Maria Schmidt at maria.schmidt@example.org or call +1 415 555 0142; "
    "the office is in Berlin."
)
CARD_REPLY = "The card on file is 4111 1111 1111 1111, expiring 12/29."


async def drive(base: str, seconds: float, rate: float, workdir: Path) -> dict[str, int]:
    """Mixed traffic at about ``rate`` requests per second for ``seconds``; returns the
    count of each scenario sent. Policy files are rewritten along the way so reloads
    (one broken, then fixed) show up too."""
    import aiohttp

    counts: dict[str, int] = {}
    rng = random.Random(7)
    chat = f"{base}/v1/chat/completions"

    def body(stream: bool = False) -> dict[str, Any]:
        return {
            "model": "mock",
            "stream": stream,
            "messages": [{"role": "user", "content": "Say something short."}],
        }

    async def plain(s: aiohttp.ClientSession) -> None:
        async with s.post(chat, json=body(), headers={"x-mock-reply-chars": "300"}) as r:
            await r.read()

    async def streamed(s: aiohttp.ClientSession) -> None:
        headers = {"x-mock-reply-chars": "400", "x-mock-chunk-delay-ms": "15"}
        async with s.post(chat, json=body(True), headers=headers) as r:
            await r.read()

    async def pii(s: aiohttp.ClientSession) -> None:
        stream = rng.random() < 0.5
        headers = {"x-mock-reply": PII_REPLY, "x-mock-chunk-delay-ms": "10"}
        async with s.post(chat, json=body(stream), headers=headers) as r:
            await r.read()

    async def blocked(s: aiohttp.ClientSession) -> None:
        headers = {"x-mock-reply": CARD_REPLY, "X-Guard-Policy": "strict"}
        async with s.post(chat, json=body(), headers=headers) as r:
            await r.read()

    async def anthropic(s: aiohttp.ClientSession) -> None:
        payload = {
            "model": "mock",
            "max_tokens": 200,
            "stream": rng.random() < 0.5,
            "messages": [{"role": "user", "content": "Hello"}],
        }
        headers = {"x-mock-reply-chars": "200", "x-mock-chunk-delay-ms": "10"}
        async with s.post(f"{base}/v1/messages", json=payload, headers=headers) as r:
            await r.read()

    async def upstream_500(s: aiohttp.ClientSession) -> None:
        async with s.post(chat, json=body(), headers={"x-mock-status": "500"}) as r:
            await r.read()

    async def broken_stream(s: aiohttp.ClientSession) -> None:
        headers = {"x-mock-reply-chars": "400", "x-mock-fail-after-chunks": "5"}
        async with s.post(chat, json=body(True), headers=headers) as r:
            await r.read()

    async def disconnect(s: aiohttp.ClientSession) -> None:
        headers = {"x-mock-reply-chars": "2000", "x-mock-chunk-delay-ms": "40"}
        async with s.post(chat, json=body(True), headers=headers) as r:
            await r.content.readany()
            r.close()

    async def bad_json(s: aiohttp.ClientSession) -> None:
        headers = {"Content-Type": "application/json"}
        async with s.post(chat, data=b"{not json", headers=headers) as r:
            await r.read()

    async def unguarded(s: aiohttp.ClientSession) -> None:
        async with s.post(f"{base}/v1/responses", json={"model": "mock", "input": "hi"}) as r:
            await r.read()

    async def probe(s: aiohttp.ClientSession) -> None:
        async with s.post(chat, json=body(), headers={"X-Guard-Policy": "probe"}) as r:
            await r.read()

    scenarios = [
        (plain, 6),
        (streamed, 5),
        (pii, 4),
        (anthropic, 2),
        (blocked, 2),
        (upstream_500, 1),
        (broken_stream, 1),
        (disconnect, 1),
        (bad_json, 1),
        (unguarded, 1),
        (probe, 1),
    ]
    funcs = [f for f, _ in scenarios]
    weights = [w for _, w in scenarios]
    policy_dir = workdir / "policies"
    probe_file = policy_dir / "probe.yaml"
    good_probe = probe_file.read_text()
    edits = {
        # three reloads that succeed, one that fails, and the fix
        0.10: good_probe + "# edit 1\n",
        0.15: good_probe + "# edit 2\n",
        0.20: good_probe + "# edit 3\n",
        0.50: "name: probe\nmode: enforce\noutput:\n  - use: no_such_check\n",
        0.56: good_probe,
    }
    tasks: set[asyncio.Task[None]] = set()
    started = time.monotonic()
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:

        async def run(func: Any) -> None:
            try:
                await func(session)
            except (TimeoutError, aiohttp.ClientError) as exc:
                print(f"{func.__name__}: {exc!r}", file=sys.stderr)

        while (elapsed := time.monotonic() - started) < seconds:
            for at in sorted(edits):
                if elapsed >= at * seconds:
                    probe_file.write_text(edits.pop(at))
            func = rng.choices(funcs, weights)[0]
            counts[func.__name__] = counts.get(func.__name__, 0) + 1
            task = asyncio.create_task(run(func))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            await asyncio.sleep(rng.expovariate(rate))
        if tasks:
            await asyncio.wait(tasks, timeout=30)
    return counts


# --- Prometheus and the page -----------------------------------------------------------


def query_range(prom: str, expr: str, start: float, end: float, step: float) -> Any:
    params = urllib.parse.urlencode({"query": expr, "start": start, "end": end, "step": step})
    reply = json.loads(http_get(f"{prom}/api/v1/query_range?{params}", timeout=30))
    if reply.get("status") != "success":
        raise RuntimeError(f"{expr}: {reply}")
    return reply["data"]["result"]


def collect(
    prom: str, panels: list[Panel], start: float, end: float, step: float
) -> list[tuple[Panel, list[Series]]]:
    out = []
    for panel in panels:
        series: list[Series] = []
        for target in panel.targets:
            result = query_range(prom, target.expr, start, end, step)
            found = series_from_matrix(result, target.legend_format)
            finite = sum(len(s.finite()) for s in found)
            print(
                f"panel {panel.id} {target.ref_id}: {len(found)} series, {finite} finite points"
                f"  {target.expr}",
                file=sys.stderr,
            )
            series += found
        out.append((panel, series))
    return out


def screenshot(page: Path, png: Path, width: int, height: int) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise RuntimeError("chromium not found: apt-get install chromium")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--screenshot={png}",
                f"--window-size={width},{height}",
                page.resolve().as_uri(),
            ],
            check=True,
            timeout=120,
            capture_output=True,
        )


def page_height(charts: list[str]) -> int:
    heights = [int(re.search(r'height="(\d+)"', c).group(1)) for c in charts]  # type: ignore[union-attr]
    rows = [max(heights[i : i + 2]) for i in range(0, len(heights), 2)]
    return 80 + sum(rows) + 12 * len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=6.0, help="traffic duration")
    parser.add_argument("--rate", type=float, default=3.0, help="requests per second")
    parser.add_argument("--scrape-interval", type=int, default=1, choices=(1, 2))
    parser.add_argument(
        "--html",
        type=Path,
        default=Path(tempfile.gettempdir()) / "guardproxy-dashboard.html",
        help="where the HTML page goes",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "dashboard-preview.png")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)

    venv_bin = Path(sys.executable).parent
    guardproxy = str(venv_bin / "guardproxy")
    prometheus = shutil.which("prometheus") or "/usr/bin/prometheus"
    workdir = Path(tempfile.mkdtemp(prefix="render-panels-"))
    children = Children(workdir)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUARDPROXY_")}
    env["GUARDPROXY_NLP_WORKERS"] = "1"
    mock_port, proxy_port, prom_port = free_port(), free_port(), free_port()
    try:
        shutil.copytree(ROOT / "policies", workdir / "policies")
        (workdir / "policies" / "probe.yaml").write_text(PROBE_POLICY.format(port=free_port()))
        mock = children.start(
            "mock",
            [guardproxy, "mock-upstream", "--host", "127.0.0.1", "--port", str(mock_port)],
            env,
        )
        wait_for(f"http://127.0.0.1:{mock_port}/v1/models", 60, mock)
        proxy = children.start(
            "guardproxy",
            [
                guardproxy,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(proxy_port),
                "--upstream",
                f"http://127.0.0.1:{mock_port}/v1",
                "--anthropic-upstream",
                f"http://127.0.0.1:{mock_port}",
                "--policies",
                str(workdir / "policies"),
                "--audit-dir",
                str(workdir / "audit"),
                "--client-policies",
                "strict,default,passthrough,probe",
                "--default-policy",
                "default",
            ],
            env,
        )
        wait_for(f"http://127.0.0.1:{proxy_port}/readyz", 180, proxy)
        config = workdir / "prometheus.yaml"
        config.write_text(
            PROMETHEUS_CONFIG.format(interval=args.scrape_interval, alerts=ALERTS, port=proxy_port)
        )
        prom = children.start(
            "prometheus",
            [
                prometheus,
                f"--config.file={config}",
                f"--storage.tsdb.path={workdir / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{prom_port}",
                "--storage.tsdb.retention.time=1d",
            ],
            env,
        )
        prom_url = f"http://127.0.0.1:{prom_port}"
        wait_for(f"{prom_url}/-/ready", 60, prom)
        time.sleep(3 * args.scrape_interval)
        start = time.time()
        print(f"traffic for {args.minutes} min at ~{args.rate}/s", file=sys.stderr)
        counts = asyncio.run(
            drive(f"http://127.0.0.1:{proxy_port}", args.minutes * 60, args.rate, workdir)
        )
        print(f"sent: {counts}", file=sys.stderr)
        time.sleep(3 * args.scrape_interval)
        end = time.time()
        panels = panel_queries(json.loads(DASHBOARD.read_text()))
        step = max(2.0, (end - start) / 240)
        results = collect(prom_url, panels, start, end, step)
    finally:
        children.stop()
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    charts = [render_chart(p.title, s, p.unit, start, end) for p, s in results]
    total = sum(counts.values())
    note = (
        f"Panels of deploy/grafana/dashboards/guardproxy.json, queried from Prometheus "
        f"(scrape every {args.scrape_interval} s) over {args.minutes:g} min of mixed traffic "
        f"({total} requests) through guardproxy to the mock upstream; "
        f"{datetime.fromtimestamp(start, tz=UTC):%Y-%m-%d %H:%M} UTC. Prometheus started "
        "empty, so the 5-minute rate windows fill up during the first five minutes."
    )
    html_path = args.html
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(render_page("guardproxy dashboard", note, charts))
    width = 2 * 660 + 12 + 40
    screenshot(html_path, args.out, width, page_height(charts))
    print(f"wrote {html_path} and {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
