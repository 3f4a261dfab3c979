"""The shipped dashboard and alert rules query metrics that exist, with labels they have."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import CollectorRegistry

from guardproxy.metrics import Metrics

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
SERIES = re.compile(r"\b(guardproxy_[a-z_]+)\b")
BY = re.compile(r"by \(([^)]*)\)")


def known() -> dict[str, set[str]]:
    """Series name -> label names, for every metric the proxy defines."""
    metrics = Metrics(CollectorRegistry())
    out: dict[str, set[str]] = {}
    for value in vars(metrics).values():
        name = getattr(value, "_name", None)
        if name is None:
            continue
        labels = set(getattr(value, "_labelnames", ())) | {"le", "job", "instance"}
        kind = getattr(value, "_type", "")
        suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"]}.get(
            kind, [""]
        )
        for suffix in suffixes:
            out[name + suffix] = labels
    return out


def expressions() -> list[str]:
    dash = json.loads((DEPLOY / "grafana/dashboards/guardproxy.json").read_text())
    exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
    rules = yaml.safe_load((DEPLOY / "prometheus/alerts.yaml").read_text())
    exprs += [r["expr"] for g in rules["groups"] for r in g["rules"]]
    return exprs


def test_every_series_and_label_exists() -> None:
    series = known()
    exprs = expressions()
    assert len(exprs) > 15
    for expr in exprs:
        names = SERIES.findall(expr)
        assert names, expr
        for name in names:
            assert name in series, f"{name} in {expr!r}"
            for group in BY.findall(expr):
                for label in (x.strip() for x in group.split(",")):
                    assert label in series[name], f"label {label} of {name} in {expr!r}"


def test_compose_and_provisioning_parse() -> None:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yaml").read_text())
    assert {"guardproxy", "mock", "prometheus", "grafana"} <= set(compose["services"])
    for path in (DEPLOY / "grafana/provisioning").rglob("*.yaml"):
        assert yaml.safe_load(path.read_text())["apiVersion"] == 1
