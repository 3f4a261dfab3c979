"""Latency and throughput of guardproxy's PII analysis and of stock presidio, side by side.

    .venv/bin/python -m loadtest.pii.speed            # about 1.5 minutes on 2 cores
    .venv/bin/python -m loadtest.pii.speed --quick    # a smoke run

Each engine gets its own ProcessPoolExecutor of 2 spawned workers that load the spaCy
pipeline in the initializer. A third row, `guardproxy pool`, sends the same texts through
the worker pool the proxy itself runs (`guardproxy.nlp.pool.ProcessOffloader`, 2
workers): one text per call while a worker is free, and texts that wait for a busy pool
batched into one call. Both pools start before anything is measured and stay up
for the whole run; while one is measured the other is idle. The texts are built from
held-out sentences, joined by blank lines up to ~200, ~1,000 and ~4,000 characters; both
engines get the same texts, the same entity types (the default policy's, PERSON and
LOCATION included) and the same post-processing (see engines.py).

For each size the texts are split into rounds (`--rounds`, 4 by default); the engines
take turns round by round, the first engine alternating, so that both see the same
background load on a shared machine. Per size and engine, over all rounds:
- latency: one text in flight at a time; time from submit to result in this process
  (analysis plus the hop to the worker and back), median and p99;
- throughput: each round's share of the batch submitted at once, both workers busy;
  texts per second of wall time from the first submit to the last result, summed over
  the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, wait
from dataclasses import dataclass

from guardproxy.checks.pii import resolve_overlaps
from guardproxy.nlp.engine import DEFAULT_MODEL
from guardproxy.nlp.pool import ProcessOffloader
from loadtest.pii import worker
from loadtest.pii.engines import ENGINES, Settings, policy_pii_options
from loadtest.pii.generate import load_split

SIZES: tuple[int, ...] = (200, 1000, 4000)
# (latency samples, throughput batch) per size; --quick divides them by 5
PLAN: dict[int, tuple[int, int]] = {200: (300, 600), 1000: (200, 300), 4000: (100, 120)}
WORKERS = 2
POOL_ENGINE = "guardproxy pool"
ROWS: tuple[str, ...] = (*ENGINES, POOL_ENGINE)


def build_texts(target: int, count: int, sentences: list[str], offset: int = 0) -> list[str]:
    """count texts of about target characters, each made of consecutive sentences.

    Sentences are joined by blank lines until the text reaches target characters; it is
    then cut at the last space before target (a value may be cut: speed only).
    """
    texts: list[str] = []
    i = offset
    while len(texts) < count:
        text = ""
        while len(text) < target:
            sentence = sentences[i % len(sentences)]
            i += 1
            text = f"{text}\n\n{sentence}" if text else sentence
        cut = text.rfind(" ", 0, target)
        texts.append(text[: cut if cut > target // 2 else target])
    return texts


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in [0, 100])."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass
class Measure:
    engine: str
    size: int
    mean_chars: float
    latencies: list[float]
    worker_seconds: list[float]
    batch: int
    wall: float
    detections: int

    @property
    def throughput(self) -> float:
        return self.batch / self.wall


def start_pool(name: str, settings: Settings, model_name: str) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=WORKERS,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=worker.init_worker,
        initargs=(name, settings, model_name),
    )


def warm_up(pool: ProcessPoolExecutor, texts: list[str]) -> set[int]:
    """Run a few texts on every worker; return the worker pids seen."""
    futures = [pool.submit(worker.detect, t) for t in texts * (WORKERS * 2)]
    wait(futures)
    return {f.result()[0] for f in futures}


def measure(
    pool: ProcessPoolExecutor, name: str, size: int, lat_texts: list[str], batch: list[str]
) -> Measure:
    latencies: list[float] = []
    worker_seconds: list[float] = []
    detections = 0
    for text in lat_texts:
        started = time.perf_counter()
        _, inside, found = pool.submit(worker.detect, text).result()
        latencies.append(time.perf_counter() - started)
        worker_seconds.append(inside)
        detections += found
    started = time.perf_counter()
    futures = [pool.submit(worker.detect, text) for text in batch]
    wait(futures)
    wall = time.perf_counter() - started
    for f in futures:
        f.result()
    mean_chars = statistics.fmean(len(t) for t in lat_texts)
    return Measure(name, size, mean_chars, latencies, worker_seconds, len(batch), wall, detections)


class ProxyPool:
    """guardproxy's own worker pool, driven from a private event loop."""

    def __init__(self, settings: Settings, model_name: str) -> None:
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self.offloader = ProcessOffloader(WORKERS, model_name=model_name)
        self.loop.run_until_complete(self.offloader.start())

    async def _detect(self, text: str) -> tuple[float, int]:
        s = self.settings
        started = time.perf_counter()
        _, found = await self.offloader.analyze_text(text, s.entities, s.analysis_threshold(), "en")
        kept = resolve_overlaps([d for d in found if d[3] >= s.threshold_for(d[0])])
        return time.perf_counter() - started, len(kept)

    async def _detect_all(self, texts: list[str]) -> None:
        await asyncio.gather(*(self._detect(t) for t in texts))

    def measure(self, size: int, lat_texts: list[str], batch: list[str]) -> Measure:
        latencies: list[float] = []
        detections = 0
        for text in lat_texts:
            seconds, found = self.loop.run_until_complete(self._detect(text))
            latencies.append(seconds)
            detections += found
        started = time.perf_counter()
        self.loop.run_until_complete(self._detect_all(batch))
        wall = time.perf_counter() - started
        mean_chars = statistics.fmean(len(t) for t in lat_texts)
        # the pool does not report time inside its workers: the latency stands in
        return Measure(
            POOL_ENGINE, size, mean_chars, latencies, latencies, len(batch), wall, detections
        )

    def close(self) -> None:
        self.loop.run_until_complete(self.offloader.close())
        self.loop.close()


def merge(parts: list[Measure]) -> Measure:
    """One engine's measures of several rounds at one size, as one measure."""
    first = parts[0]
    return Measure(
        first.engine,
        first.size,
        statistics.fmean(m.mean_chars for m in parts),
        [x for m in parts for x in m.latencies],
        [x for m in parts for x in m.worker_seconds],
        sum(m.batch for m in parts),
        sum(m.wall for m in parts),
        sum(m.detections for m in parts),
    )


def split(items: list[str], parts: int) -> list[list[str]]:
    """items in `parts` consecutive slices of (nearly) equal length."""
    bounds = [round(i * len(items) / parts) for i in range(parts + 1)]
    return [items[bounds[i] : bounds[i + 1]] for i in range(parts)]


def table(results: list[Measure]) -> str:
    lines = [
        "| text size | engine | mean chars | latency p50 ms | latency p99 ms "
        "| in-worker p50 ms | throughput texts/s | throughput vs stock | detections |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    stock = {m.size: m for m in results if m.engine == "stock"}
    for m in sorted(results, key=lambda m: (m.size, ROWS.index(m.engine))):
        base = stock.get(m.size)
        ratio = f"{m.throughput / base.throughput:.2f}x" if base else "-"
        lines.append(
            f"| ~{m.size} | {m.engine} | {m.mean_chars:.0f} "
            f"| {statistics.median(m.latencies) * 1000:.1f} "
            f"| {percentile(m.latencies, 99) * 1000:.1f} "
            f"| {statistics.median(m.worker_seconds) * 1000:.1f} "
            f"| {m.throughput:.1f} | {ratio} | {m.detections} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a fifth of the texts")
    parser.add_argument("--split", default="heldout", help="sentences to build texts from")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument(
        "--rounds", type=int, default=4, help="turns each engine takes per text size"
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    settings = Settings.from_options(policy_pii_options())
    sentences = [str(r["text"]) for r in load_split(args.split)]
    run_started = time.perf_counter()
    print(f"starting {WORKERS} workers per engine ...", file=sys.stderr)
    pools = {name: start_pool(name, settings, args.model) for name in ENGINES}
    proxy_pool = ProxyPool(settings, args.model)
    try:
        warm = build_texts(200, 2, sentences, offset=len(sentences) // 2)
        for name, pool in pools.items():
            pids = warm_up(pool, warm)
            print(f"  {name}: workers {sorted(pids)} ready", file=sys.stderr)
        load_seconds = time.perf_counter() - run_started
        results: list[Measure] = []
        for n, size in enumerate(SIZES):
            lat_n, batch_n = PLAN[size]
            if args.quick:
                lat_n, batch_n = max(10, lat_n // 5), max(10, batch_n // 5)
            lat_texts = build_texts(size, lat_n, sentences, offset=0)
            batch = build_texts(size, batch_n, sentences, offset=7)
            parts: dict[str, list[Measure]] = {name: [] for name in ROWS}
            rounds = zip(split(lat_texts, args.rounds), split(batch, args.rounds), strict=True)
            for r, (lat_part, batch_part) in enumerate(rounds):
                order = ENGINES if (n + r) % 2 == 0 else tuple(reversed(ENGINES))
                print(f"  ~{size} chars, round {r + 1}/{args.rounds} ...", file=sys.stderr)
                for name in order:
                    parts[name].append(measure(pools[name], name, size, lat_part, batch_part))
                parts[POOL_ENGINE].append(proxy_pool.measure(size, lat_part, batch_part))
            results += [merge(parts[name]) for name in ROWS]
    finally:
        for pool in pools.values():
            pool.shutdown()
        proxy_pool.close()
    total = time.perf_counter() - run_started

    print(
        f"{WORKERS} spawned worker processes per engine on {os.cpu_count()} CPUs "
        f"({platform.python_implementation()} {platform.python_version()}); "
        f"entities {', '.join(settings.entities)}; texts from the `{args.split}` split. "
        f"Start-up and warm-up of both pools {load_seconds:.0f} s, whole run {total:.0f} s; "
        f"the engines took turns in {args.rounds} rounds per size.\n"
    )
    print(table(results))
    print()
    print(
        "Latency: one text in flight, submit to result (includes the hop to the worker); "
        "p99 is the nearest-rank 99th percentile of "
        + ", ".join(f"{PLAN[s][0] // (5 if args.quick else 1)} (~{s})" for s in SIZES)
        + " samples. In-worker: the analysis alone. Throughput: "
        + ", ".join(f"{PLAN[s][1] // (5 if args.quick else 1)} (~{s})" for s in SIZES)
        + " texts submitted at once to the 2 workers. Detections: spans kept in the "
        "latency texts. `guardproxy pool`: the proxy's own pool (one text per call while a "
        "worker is free, waiting texts batched); its in-worker column repeats its latency."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
