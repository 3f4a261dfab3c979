"""Metric families that dashboards and alerts read exist before their first event."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from guardproxy.metrics import Metrics


def test_reload_outcomes_start_at_zero() -> None:
    registry = CollectorRegistry()
    Metrics(registry)
    for outcome in ("success", "error"):
        value = registry.get_sample_value("guardproxy_policy_reloads_total", {"outcome": outcome})
        assert value == 0.0
