"""deploy/grafana/render_panels.py: the dashboard's PromQL, legends and SVG charts (the pure
parts; the script's own run against Prometheus is not part of the suite)."""

from __future__ import annotations

import importlib.util
import itertools
import json
import math
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "deploy/grafana/render_panels.py"
SVG = "{http://www.w3.org/2000/svg}"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("render_panels", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


rp = _load()


def test_every_panel_of_the_shipped_dashboard_is_extracted() -> None:
    dashboard = json.loads(rp.DASHBOARD.read_text())
    panels = rp.panel_queries(dashboard)
    assert [p.title for p in panels] == [p["title"] for p in dashboard["panels"]]
    for panel, raw in zip(panels, dashboard["panels"], strict=True):
        assert [t.expr for t in panel.targets] == [t["expr"] for t in raw["targets"]]
        assert [t.legend_format for t in panel.targets] == [
            t["legendFormat"] for t in raw["targets"]
        ]
        assert panel.unit == raw["fieldConfig"]["defaults"]["unit"]
        assert all("guardproxy_" in t.expr for t in panel.targets)


def test_rows_hidden_and_empty_targets() -> None:
    dashboard: dict[str, Any] = {
        "panels": [
            {"id": 1, "type": "text", "title": "notes"},
            {
                "id": 2,
                "type": "row",
                "title": "collapsed",
                "panels": [
                    {
                        "id": 3,
                        "type": "timeseries",
                        "title": "nested",
                        "targets": [
                            {"refId": "A", "expr": " up ", "legendFormat": "{{job}}"},
                            {"refId": "B", "expr": "down", "hide": True},
                            {"refId": "C", "expr": ""},
                        ],
                    }
                ],
            },
            {
                "id": 4,
                "type": "timeseries",
                "title": "with unit",
                "fieldConfig": {"defaults": {"unit": "s"}},
                "targets": [{"refId": "A", "expr": "x"}],
            },
        ]
    }
    panels = rp.panel_queries(dashboard)
    assert [(p.id, p.title, p.unit) for p in panels] == [
        (3, "nested", "short"),
        (4, "with unit", "s"),
    ]
    assert panels[0].targets == (rp.Target("A", "up", "{{job}}"),)
    assert panels[1].targets == (rp.Target("A", "x", ""),)


@pytest.mark.parametrize(
    ("fmt", "labels", "expected"),
    [
        ("{{route}}", {"route": "messages"}, "messages"),
        ("{{ check }} {{category}}", {"check": "pii", "category": "EMAIL"}, "pii EMAIL"),
        ("reload {{outcome}}", {}, "reload"),
        ("5xx share", {"route": "x"}, "5xx share"),
        ("", {"__name__": "up", "job": "a", "b": "c"}, 'up{b="c", job="a"}'),
        ("", {"job": "a"}, '{job="a"}'),
        ("", {}, "{}"),
        ("__auto", {"__name__": "up"}, "up"),
    ],
)
def test_legend_names(fmt: str, labels: dict[str, str], expected: str) -> None:
    assert rp.legend_name(fmt, labels) == expected


def test_matrix_result_keeps_nan_as_gaps() -> None:
    result = [
        {"metric": {"route": "a"}, "values": [[10, "1"], [20, "NaN"], [30, "2.5"]]},
        {"metric": {"route": "b"}, "values": [[10, "+Inf"]]},
    ]
    series = rp.series_from_matrix(result, "{{route}}")
    assert [s.name for s in series] == ["a", "b"]
    assert series[0].points[0] == (10.0, 1.0)
    assert math.isnan(series[0].points[1][1])
    assert series[0].finite() == [(10.0, 1.0), (30.0, 2.5)]
    assert series[1].finite() == []


@pytest.mark.parametrize(
    ("lo", "hi"), [(0, 1), (0, 0.0123), (0, 7), (-3, 42), (0, 975.2), (5, 5), (0, 1e-7)]
)
def test_ticks_cover_the_range_with_round_steps(lo: float, hi: float) -> None:
    ticks = rp.nice_ticks(lo, hi)
    assert ticks[0] <= lo and ticks[-1] >= hi
    assert 3 <= len(ticks) <= 8
    steps = {round(b - a, 12) for a, b in itertools.pairwise(ticks)}
    assert len({round(s / max(steps), 6) for s in steps}) == 1


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (0.0925, "percentunit", "9.25%"),
        (0.5, "s", "500 ms"),
        (0.000869, "s", "869 µs"),
        (2.5, "s", "2.5 s"),
        (0, "s", "0 s"),
        (0.242, "reqps", "0.242 req/s"),
        (1500, "ops", "1.5k ops/s"),
        (3, "short", "3"),
    ],
)
def test_values_in_the_panel_units(value: float, unit: str, text: str) -> None:
    assert rp.format_value(value, unit) == text


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_chart_draws_each_series_with_legend_and_axes() -> None:
    start, end = 1_700_000_000.0, 1_700_000_300.0
    series = [
        rp.Series("chat_completions", [(start + 30 * i, 0.1 * i) for i in range(11)]),
        # a gap in the middle: two separate lines
        rp.Series(
            "messages",
            [
                (start, 0.2),
                (start + 60, 0.3),
                (start + 120, math.nan),
                (start + 180, 0.1),
                (start + 240, 0.2),
            ],
        ),
        # one finite point: a dot
        rp.Series("rare", [(start + 100, math.nan), (start + 150, 0.4)]),
    ]
    root = _parse(rp.render_chart("Requests <per> second", series, "reqps", start, end))
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert texts[0] == "Requests <per> second"
    assert any(t.startswith("chat_completions") and "last 1 req/s" in t for t in texts)
    assert any(t.startswith("messages") and "last 0.2 req/s" in t for t in texts)
    assert any(t.startswith("rare") for t in texts)
    assert "0 req/s" in texts and "1 req/s" in texts  # y axis from 0 over the highest value
    assert "22:13:20" in texts and "22:18:20" in texts  # UTC clock at both ends
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 3
    assert len(root.findall(f"{SVG}circle")) == 1
    assert lines[1].get("stroke") == lines[2].get("stroke") != lines[0].get("stroke")
    width, height = float(root.get("width", 0)), float(root.get("height", 0))
    for line in lines:
        for point in (line.get("points") or "").split():
            x, y = (float(v) for v in point.split(","))
            assert 0 < x < width and 0 < y < height
    assert "No data" not in texts


def test_chart_of_nothing_says_no_data() -> None:
    for series in ([], [rp.Series("only nan", [(1.0, math.nan), (2.0, math.nan)])]):
        root = _parse(rp.render_chart("Empty", series, "s", 0.0, 60.0))
        texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
        assert "No data" in texts
        assert not root.findall(f"{SVG}polyline")


def test_page_is_self_contained() -> None:
    charts = [rp.render_chart("A", [rp.Series("s", [(0.0, 1.0), (1.0, 2.0)])], "short", 0, 1)]
    page = rp.render_page("guardproxy <dashboard>", "note & more", charts)
    assert page.startswith("<!DOCTYPE html>")
    assert "guardproxy &lt;dashboard&gt;" in page and "note &amp; more" in page
    assert "<script" not in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert charts[0] in page
    assert rp.page_height(charts) > 250
