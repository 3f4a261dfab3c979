"""Every Prometheus metric guardproxy exports, defined in one place on an injected registry.

Names use base units; labels come from bounded sets only (route, policy, status class,
action, check, category, phase, outcome), never from a user value.

With several server worker processes (``serve --workers N``) the metrics run in
prometheus_client's multiprocess mode: ``PROMETHEUS_MULTIPROC_DIR`` is set in the
environment every worker starts with, each worker's values go to memory-mapped files there,
and a scrape of any worker merges all of them. That mode is chosen when prometheus_client is
imported and holds for the whole process, so it is only ever switched on by the process
environment, never from inside a running process; :func:`create_metrics` checks the two
agree.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, cast

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import values as prometheus_values
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from guardproxy.errors import ConfigError

MULTIPROC_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"
# How often a worker copies counts kept outside prometheus_client into the shared files.
SYNC_INTERVAL_S = 5.0

LATENCY_BUCKETS = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
    60.0,
    120.0,
)
FAST_BUCKETS = (
    0.0001,
    0.00025,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
)


class Metrics:
    """The metric objects, bound to one registry (tests pass their own).

    ``multiprocess_dir`` is set in multiprocess mode: gauges then say how the workers' values
    combine, and :meth:`render` serves the merge of every worker's files.
    """

    def __init__(
        self, registry: CollectorRegistry, *, multiprocess_dir: Path | None = None
    ) -> None:
        self.registry = registry
        self.multiprocess_dir = multiprocess_dir
        self._retention_counts: Callable[[], tuple[int, int]] | None = None
        self._retention_synced = (0, 0)
        p = "guardproxy_"
        self.requests = Counter(
            p + "requests_total",
            "Requests handled, by route, policy, HTTP status class and decision action.",
            ["route", "policy", "status", "action"],
            registry=registry,
        )
        self.request_seconds = Histogram(
            p + "request_duration_seconds",
            "Time from request received to response complete.",
            ["route", "stream"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.upstream_seconds = Histogram(
            p + "upstream_duration_seconds",
            "Time the upstream took, from request sent to body complete.",
            ["route", "stream"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.overhead_seconds = Histogram(
            p + "overhead_seconds",
            "Time the proxy added: total duration minus upstream duration.",
            ["route", "stream"],
            buckets=FAST_BUCKETS,
            registry=registry,
        )
        self.check_seconds = Histogram(
            p + "check_duration_seconds",
            "Time one check took on one text (summed over stream windows).",
            ["check", "direction"],
            buckets=FAST_BUCKETS,
            registry=registry,
        )
        self.findings = Counter(
            p + "findings_total",
            "Findings by check and category (entity type for PII).",
            ["check", "category"],
            registry=registry,
        )
        self.check_errors = Counter(
            p + "check_errors_total",
            "Checks that raised or timed out, by check and what on_error did.",
            ["check", "outcome"],
            registry=registry,
        )
        self.upstream_ttfb_seconds = Histogram(
            p + "upstream_first_byte_seconds",
            "Streams: time from request sent to the upstream's first body byte.",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.delivered_ttfb_seconds = Histogram(
            p + "delivered_first_byte_seconds",
            "Streams: time from request received to the first text byte sent to the client.",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.holdback_chars = Histogram(
            p + "stream_holdback_chars",
            "Streams: the largest number of characters held back at once, per stream.",
            ["route"],
            buckets=(0, 16, 32, 64, 128, 256, 512, 1024, 4096),
            registry=registry,
        )
        self.in_flight = Gauge(
            p + "in_flight_requests",
            "Requests being handled now.",
            ["route"],
            registry=registry,
            # the sum over the workers alive now; a dead worker's requests are gone
            **self._gauge_mode("livesum"),
        )
        self.unguarded = Counter(
            p + "unguarded_generation_requests_total",
            "Requests to text-generating endpoints that are not guarded, by what happened.",
            ["route", "outcome"],
            registry=registry,
        )
        self.policy_reloads = Counter(
            p + "policy_reloads_total",
            "Policy reload attempts by outcome (success, error).",
            ["outcome"],
            registry=registry,
        )
        for outcome in ("success", "error"):
            # both series exist from the start: the first failure is an increase from 0
            self.policy_reloads.labels(outcome)
        info_type = Gauge if multiprocess_dir is None else _SharedInfoGauge
        self.policy_info = info_type(
            p + "policy_info",
            "Loaded policies; the value is 1, labels give name and version.",
            ["policy", "version"],
            registry=registry,
            # 1 while any live worker runs that version, 0 once none does
            **self._gauge_mode("livemax"),
        )
        self.audit_write_errors = Counter(
            p + "audit_write_errors_total",
            "Audit records that could not be written.",
            registry=registry,
        )
        self.upstream_errors = Counter(
            p + "upstream_errors_total",
            "Upstream failures by kind (connect, timeout_connect, timeout_first_byte, "
            "timeout_idle, protocol, disconnect).",
            ["route", "kind"],
            registry=registry,
        )
        self.client_disconnects = Counter(
            p + "client_disconnects_total",
            "Clients that went away before the response completed.",
            ["route"],
            registry=registry,
        )
        self.saturation_rejections = Counter(
            p + "saturation_rejections_total",
            "Proxied requests answered 503 at max_in_flight, by reason (shed, queue_timeout).",
            ["reason"],
            registry=registry,
        )
        self.bad_requests = Counter(
            p + "bad_requests_total",
            "Requests rejected before reaching the upstream, by reason.",
            ["route", "reason"],
            registry=registry,
        )
        self.audit_files_pruned: Counter | None = None
        self.audit_prune_errors: Counter | None = None
        if multiprocess_dir is not None:
            # A custom collector only sees its own process; plain counters fed from the
            # writer's counts (see sync) add up across the workers.
            self.audit_files_pruned = Counter(
                p + "audit_files_pruned", _PRUNED_HELP, registry=registry
            )
            self.audit_prune_errors = Counter(
                p + "audit_prune_errors", _PRUNE_ERRORS_HELP, registry=registry
            )

    @property
    def multiprocess(self) -> bool:
        return self.multiprocess_dir is not None

    def _gauge_mode(self, mode: str) -> dict[str, Any]:
        return {} if self.multiprocess_dir is None else {"multiprocess_mode": mode}

    def track_audit_retention(self, counts: Callable[[], tuple[int, int]]) -> None:
        """Export the audit writer's retention counts ``(files pruned, prune errors)``."""
        if self.multiprocess_dir is None:
            self.registry.register(AuditRetentionCollector(counts))
        else:
            self._retention_counts = counts

    def sync(self) -> None:
        """Multiprocess mode: add the retention counts gained since the last call."""
        if self._retention_counts is None:
            return
        if self.audit_files_pruned is None or self.audit_prune_errors is None:
            return
        pruned, errors = self._retention_counts()
        done_pruned, done_errors = self._retention_synced
        if pruned > done_pruned:
            self.audit_files_pruned.inc(pruned - done_pruned)
        if errors > done_errors:
            self.audit_prune_errors.inc(errors - done_errors)
        self._retention_synced = (max(pruned, done_pruned), max(errors, done_errors))

    async def sync_forever(self, interval_s: float = SYNC_INTERVAL_S) -> None:
        """Call :meth:`sync` every ``interval_s`` until cancelled (multiprocess mode)."""
        while True:
            await asyncio.sleep(interval_s)
            self.sync()

    def render(self) -> bytes:
        """The exposition text: this registry, or in multiprocess mode every worker's files.

        In multiprocess mode this reads files; call it off the event loop.
        """
        if self.multiprocess_dir is None:
            return generate_latest(self.registry)
        # a fresh registry per scrape, as prometheus_client asks: the metric objects'
        # own registry would export this process's values a second time
        merged = CollectorRegistry()
        MultiProcessCollector(merged, path=str(self.multiprocess_dir))  # type: ignore[no-untyped-call]
        return generate_latest(merged)


class _SharedInfoGauge(Gauge):
    """An info-style gauge for multiprocess mode, where label sets cannot be removed.

    ``clear()`` sets every label set this process has written to 0 instead of dropping it
    (which would leave the old value in the shared file), so a replaced policy version reads
    0 once no live worker runs it.
    """

    def clear(self) -> None:
        with self._lock:
            children = [cast(Gauge, child) for child in self._metrics.values()]
        for child in children:
            child.set(0)


def multiprocess_dir(env: Mapping[str, str] | None = None) -> Path | None:
    """The multiprocess metrics directory from ``PROMETHEUS_MULTIPROC_DIR``, if set."""
    value = (os.environ if env is None else env).get(MULTIPROC_DIR_ENV)
    return Path(value) if value else None


def create_metrics(
    registry: CollectorRegistry | None = None, *, env: Mapping[str, str] | None = None
) -> Metrics:
    """The metrics of this process, in multiprocess mode when ``PROMETHEUS_MULTIPROC_DIR`` is set.

    The check that prometheus_client writes shared files catches a directory set in the
    environment only after prometheus_client was imported: every worker would then export
    its own values alone, silently.
    """
    directory = multiprocess_dir(env)
    if directory is not None:
        if not directory.is_dir():
            raise ConfigError(f"{MULTIPROC_DIR_ENV}={directory} is not a directory")
        if not getattr(prometheus_values.ValueClass, "_multiprocess", False):
            raise ConfigError(
                f"{MULTIPROC_DIR_ENV} is set, but prometheus_client was imported before it "
                "was: set it in the environment the process starts with"
            )
    return Metrics(
        registry if registry is not None else CollectorRegistry(), multiprocess_dir=directory
    )


class AuditRetentionCollector(Collector):
    """Files the audit writer removed by retention, and prune runs that failed.

    Pruning runs in the writer's I/O thread, which keeps plain counts; they are read at
    scrape time instead of being pushed across threads.
    """

    def __init__(self, counts: Callable[[], tuple[int, int]]) -> None:
        self._counts = counts

    def collect(self) -> Iterator[Metric]:
        pruned, errors = self._counts()
        yield CounterMetricFamily("guardproxy_audit_files_pruned", _PRUNED_HELP, value=pruned)
        yield CounterMetricFamily("guardproxy_audit_prune_errors", _PRUNE_ERRORS_HELP, value=errors)


_PRUNED_HELP = "Audit files removed by retention (after a signed retention marker)."
_PRUNE_ERRORS_HELP = "Retention runs that failed (the files stay; see the log)."
