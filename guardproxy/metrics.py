"""Every Prometheus metric guardproxy exports, defined in one place on an injected registry.

Names use base units; labels come from bounded sets only (route, policy, status class,
action, check, category, phase, outcome), never from a user value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

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
    """The metric objects, bound to one registry (tests pass their own)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
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
        self.policy_info = Gauge(
            p + "policy_info",
            "Loaded policies; the value is 1, labels give name and version.",
            ["policy", "version"],
            registry=registry,
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


class AuditRetentionCollector(Collector):
    """Files the audit writer removed by retention, and prune runs that failed.

    Pruning runs in the writer's I/O thread, which keeps plain counts; they are read at
    scrape time instead of being pushed across threads.
    """

    def __init__(self, counts: Callable[[], tuple[int, int]]) -> None:
        self._counts = counts

    def collect(self) -> Iterator[Metric]:
        pruned, errors = self._counts()
        yield CounterMetricFamily(
            "guardproxy_audit_files_pruned",
            "Audit files removed by retention (after a signed retention marker).",
            value=pruned,
        )
        yield CounterMetricFamily(
            "guardproxy_audit_prune_errors",
            "Retention runs that failed (the files stay; see the log).",
            value=errors,
        )
