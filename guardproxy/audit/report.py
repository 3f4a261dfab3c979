"""Governance reports over a period of the audit log: a JSON summary and an HTML page.

The summary counts decisions by policy and action, findings by check and category and
over time, outcomes and upstream errors, monitor-mode decisions (what a policy would
have done against what it did), the policy versions in force, and latency percentiles.
Like the log it is built from, it holds no text: only counts, categories, check names,
decision ids, policy names and models.

The HTML page is one self-contained file: inline CSS, charts drawn as inline SVG, no
script and no external assets, so it can be archived and opened anywhere. Every string
that comes from the log is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guardproxy.audit.query import (
    ACTIONS,
    AuditReader,
    Filters,
    categories,
    findings,
    record_time,
    split_policy,
    units,
)

REPORT_VERSION = 1
PERCENTILES: tuple[int, ...] = (50, 90, 99)
LATENCY_MEASURES: dict[str, str] = {
    "total": "total (request to last byte)",
    "upstream": "upstream",
    "overhead": "proxy overhead (non-streamed answers)",
    "checks": "check run time (sum over a decision's checks)",
    "stream_held": "stream held for checks (streamed answers)",
}
"""The ``latency_s`` measures of the summary and how the HTML page names them."""
RECENT_BLOCKS = 20
UPSTREAM_ERROR_OUTCOMES = frozenset({"upstream_error", "upstream_status"})
"""Outcomes of a failed upstream: unreachable or broken (``upstream_error``), or an
error status passed on to the client (``upstream_status``)."""
TIMELINE_CATEGORIES = 7
"""Categories drawn on their own in the findings-over-time chart; the rest are 'other'."""
_MAX_BUCKETS = 1000
_HOUR = dt.timedelta(hours=1)
_DAY = dt.timedelta(days=1)


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of an ascending list (``None`` when empty)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def _summary(values: list[float]) -> dict[str, Any]:
    ordered = sorted(values)
    out: dict[str, Any] = {"count": len(ordered)}
    for p in PERCENTILES:
        out[f"p{p}"] = percentile(ordered, p)
    out["max"] = ordered[-1] if ordered else None
    return out


def _iso(when: dt.datetime | None) -> str | None:
    return when.isoformat(timespec="milliseconds") if when is not None else None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value):
        return None
    return float(value)


def _label(value: object) -> str:
    """A record field as a counting key; missing values count under ``-``."""
    if value is None:
        return "-"
    return value if isinstance(value, str) else str(value)


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 6) if whole else 0.0


def _floor(when: dt.datetime, hourly: bool) -> dt.datetime:
    if hourly:
        return when.replace(minute=0, second=0, microsecond=0)
    return when.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass
class _PolicyVersion:
    decisions: int = 0
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    modes: Counter[str] = field(default_factory=Counter)


@dataclass
class ReportBuilder:
    """Collects records one at a time (``add``) and gives the summary (``result``).

    ``since`` and ``until`` are the period asked for (either may be open); they set the
    span of the findings timeline, which is hourly when the period is under two days and
    daily otherwise.
    """

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    now: dt.datetime | None = None
    """Where an open-ended period (``since`` without ``until``) ends: the report's time."""
    decisions: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    would_actions: Counter[str] = field(default_factory=Counter)
    by_policy: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    would_by_policy: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    versions: dict[str, _PolicyVersion] = field(default_factory=lambda: defaultdict(_PolicyVersion))
    outcomes: Counter[str] = field(default_factory=Counter)
    upstream_status: Counter[str] = field(default_factory=Counter)
    models: Counter[str] = field(default_factory=Counter)
    routes: Counter[str] = field(default_factory=Counter)
    streamed: int = 0
    upstream_errors: int = 0
    findings_by_check: Counter[str] = field(default_factory=Counter)
    findings_by_category: Counter[str] = field(default_factory=Counter)
    findings_by_pair: Counter[tuple[str, str]] = field(default_factory=Counter)
    findings_by_direction: Counter[str] = field(default_factory=Counter)
    findings_enforced: int = 0
    decisions_with_findings: int = 0
    check_errors: Counter[str] = field(default_factory=Counter)
    fail_open: Counter[str] = field(default_factory=Counter)
    monitor: Counter[tuple[str, str]] = field(default_factory=Counter)
    monitor_by_policy: Counter[tuple[str, str]] = field(default_factory=Counter)
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    check_latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    timed: list[tuple[dt.datetime, str, Counter[str]]] = field(default_factory=list)
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    recent_blocks: list[dict[str, Any]] = field(default_factory=list)

    def add(self, record: Mapping[str, Any]) -> None:
        self.decisions += 1
        when = record_time(record)
        if when is not None:
            self.first = when if self.first is None else min(self.first, when)
            self.last = when if self.last is None else max(self.last, when)
        action = _label(record.get("action"))
        would = _label(record.get("would_action"))
        policy_ref = _label(record.get("policy"))
        name, _ = split_policy(policy_ref)
        name = name or "-"
        self.actions[action] += 1
        self.would_actions[would] += 1
        self.by_policy[name][action] += 1
        self.would_by_policy[name][would] += 1
        version = self.versions[policy_ref]
        version.decisions += 1
        version.modes[_label(record.get("policy_mode"))] += 1
        if when is not None:
            version.first = when if version.first is None else min(version.first, when)
            version.last = when if version.last is None else max(version.last, when)
        self.outcomes[_label(record.get("outcome"))] += 1
        self.upstream_status[_label(record.get("upstream_status"))] += 1
        self.models[_label(record.get("model"))] += 1
        self.routes[_label(record.get("route"))] += 1
        if record.get("stream") is True:
            self.streamed += 1
        status = record.get("upstream_status")
        if record.get("outcome") in UPSTREAM_ERROR_OUTCOMES or (
            isinstance(status, int) and not isinstance(status, bool) and status >= 400
        ):
            self.upstream_errors += 1
        if would != action:
            self.monitor[(would, action)] += 1
            self.monitor_by_policy[(name, would)] += 1

        per_category: Counter[str] = Counter()
        for direction, finding in findings(record):
            check = _label(finding.get("check"))
            category = _label(finding.get("category"))
            self.findings_by_check[check] += 1
            self.findings_by_category[category] += 1
            self.findings_by_pair[(check, category)] += 1
            self.findings_by_direction[direction] += 1
            if finding.get("enforced") is True:
                self.findings_enforced += 1
            per_category[category] += 1
        if per_category:
            self.decisions_with_findings += 1
        if when is not None:
            self.timed.append((when, action, per_category))

        check_time = 0.0
        have_check_time = False
        for unit in units(record):
            latencies = unit.get("check_latency_s")
            if isinstance(latencies, Mapping):
                for check, seconds in latencies.items():
                    value = _number(seconds)
                    if value is not None:
                        self.check_latency[str(check)].append(value)
                        check_time += value
                        have_check_time = True
            errors = unit.get("errors")
            if isinstance(errors, Mapping):
                for check in errors:
                    self.check_errors[str(check)] += 1
            opened = unit.get("fail_open")
            if isinstance(opened, list):
                for check in opened:
                    self.fail_open[_label(check)] += 1
        latency = record.get("latency_s")
        if isinstance(latency, Mapping):
            for key in ("total", "upstream", "overhead"):
                value = _number(latency.get(key))
                if value is not None:
                    self.latency[key].append(value)
            held = _number(latency.get("checks"))
            if held is not None:  # streamed: how long the stream was held for checks
                self.latency["stream_held"].append(held)
        if have_check_time:
            self.latency["checks"].append(round(check_time, 6))

        if action == "block":
            self.recent_blocks.append(
                {
                    "time": _iso(when),
                    "id": _label(record.get("id")),
                    "policy": policy_ref,
                    "route": _label(record.get("route")),
                    "model": _label(record.get("model")),
                    "outcome": _label(record.get("outcome")),
                    "categories": categories(record),
                }
            )
            if len(self.recent_blocks) > 4 * RECENT_BLOCKS:
                self._trim_blocks()

    def _trim_blocks(self) -> None:
        self.recent_blocks.sort(key=lambda item: item["time"] or "", reverse=True)
        del self.recent_blocks[RECENT_BLOCKS:]

    def _timeline(self) -> dict[str, Any]:
        start = self.since or self.first
        end = self.until or (self.now if self.since is not None else None) or self.last
        if start is None or end is None:
            return {"bucket": "day", "top_categories": [], "buckets": []}
        hourly = end - start < 2 * _DAY
        step = _HOUR if hourly else _DAY
        first = _floor(start, hourly)
        if self.until is not None:  # exclusive: no bucket that starts at ``until``
            end = max(start, end - dt.timedelta(microseconds=1))
        count = int((end - first) / step) + 1
        if count > _MAX_BUCKETS and self.first is not None and self.last is not None:
            # an open-ended or far-reaching period: draw only where there are records
            first = _floor(self.first, hourly)
            count = int((self.last - first) / step) + 1
        count = max(1, min(count, _MAX_BUCKETS))
        top = [c for c, _ in self.findings_by_category.most_common(TIMELINE_CATEGORIES)]
        rows: list[dict[str, Any]] = [
            {
                "start": _iso(first + i * step),
                "decisions": 0,
                "actions": Counter(),
                "findings": Counter(),
            }
            for i in range(count)
        ]
        for when, action, per_category in self.timed:
            index = int((when - first) / step)
            if not 0 <= index < count:
                continue
            row = rows[index]
            row["decisions"] += 1
            row["actions"][action] += 1
            for category, n in per_category.items():
                row["findings"][category if category in top else "other"] += n
        for row in rows:
            row["actions"] = dict(sorted(row["actions"].items()))
            row["findings"] = dict(sorted(row["findings"].items()))
        return {"bucket": "hour" if hourly else "day", "top_categories": top, "buckets": rows}

    def result(self) -> dict[str, Any]:
        n = self.decisions
        self._trim_blocks()
        versions = [
            {
                "policy": ref,
                "name": split_policy(ref)[0],
                "version": split_policy(ref)[1],
                "modes": dict(sorted(v.modes.items())),
                "decisions": v.decisions,
                "first_seen": _iso(v.first),
                "last_seen": _iso(v.last),
            }
            for ref, v in self.versions.items()
        ]
        versions.sort(key=lambda item: (item["name"], item["first_seen"] or "", item["policy"]))
        findings_total = sum(self.findings_by_check.values())
        return {
            "period": {
                "since": _iso(self.since),
                "until": _iso(self.until),
                "first_record": _iso(self.first),
                "last_record": _iso(self.last),
            },
            "decisions": n,
            "streamed": self.streamed,
            "actions": {a: self.actions.get(a, 0) for a in _ordered(self.actions)},
            "would_actions": {
                a: self.would_actions.get(a, 0) for a in _ordered(self.would_actions)
            },
            "rates": {
                "block": _rate(self.actions["block"], n),
                "redact": _rate(self.actions["redact"], n),
                "annotate": _rate(self.actions["annotate"], n),
                "allow": _rate(self.actions["allow"], n),
                "with_findings": _rate(self.decisions_with_findings, n),
                "upstream_error": _rate(self.upstream_errors, n),
            },
            "by_policy": {
                name: {
                    "decisions": sum(counts.values()),
                    "actions": {a: counts.get(a, 0) for a in _ordered(counts)},
                    "would_actions": {
                        a: self.would_by_policy[name].get(a, 0)
                        for a in _ordered(self.would_by_policy[name])
                    },
                }
                for name, counts in sorted(self.by_policy.items())
            },
            "policy_versions": versions,
            "outcomes": dict(self.outcomes.most_common()),
            "upstream_status": dict(sorted(self.upstream_status.items())),
            "upstream_errors": self.upstream_errors,
            "models": dict(self.models.most_common()),
            "routes": dict(self.routes.most_common()),
            "findings": {
                "total": findings_total,
                "enforced": self.findings_enforced,
                "decisions_with_findings": self.decisions_with_findings,
                "by_direction": dict(sorted(self.findings_by_direction.items())),
                "by_check": dict(self.findings_by_check.most_common()),
                "by_category": dict(self.findings_by_category.most_common()),
                "by_check_category": [
                    {"check": check, "category": category, "count": count}
                    for (check, category), count in sorted(
                        self.findings_by_pair.items(), key=lambda kv: (-kv[1], kv[0])
                    )
                ],
            },
            "timeline": self._timeline(),
            "check_errors": dict(self.check_errors.most_common()),
            "fail_open": dict(self.fail_open.most_common()),
            "monitor": {
                "differing": sum(self.monitor.values()),
                "would_vs_action": [
                    {"would_action": would, "action": action, "count": count}
                    for (would, action), count in sorted(
                        self.monitor.items(), key=lambda kv: (-kv[1], kv[0])
                    )
                ],
                "by_policy": [
                    {"policy": policy, "would_action": would, "count": count}
                    for (policy, would), count in sorted(
                        self.monitor_by_policy.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1])
                    )
                ],
            },
            "latency_s": {key: _summary(self.latency.get(key, [])) for key in LATENCY_MEASURES},
            "check_latency_s": {
                check: _summary(values) for check, values in sorted(self.check_latency.items())
            },
            "recent_blocks": self.recent_blocks,
        }


def _ordered(counts: Mapping[str, int]) -> list[str]:
    """Known actions in strength order (even at zero), then any unknown labels seen."""
    return [*ACTIONS, *sorted(set(counts) - set(ACTIONS))]


def build_report(
    records: Iterable[Mapping[str, Any]],
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    generated_at: dt.datetime | None = None,
    source: str | None = None,
    skipped_lines: int = 0,
) -> dict[str, Any]:
    """The JSON summary of ``records`` (already selected for the period)."""
    now = generated_at or dt.datetime.now(dt.UTC)
    builder = ReportBuilder(since=since, until=until, now=now)
    for record in records:
        builder.add(record)
    body = builder.result()
    return {
        "report": "guardproxy-audit-report",
        "report_version": REPORT_VERSION,
        "generated_at": _iso(now),
        "source": source,
        "skipped_lines": skipped_lines,
        **body,
    }


def report_directory(
    directory: Path,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    generated_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """The summary of the records in ``directory`` with ``since <= time < until``."""
    reader = AuditReader(directory)
    filters = Filters(since=since, until=until)
    summary = build_report(
        (r for r in reader if filters.matches(r)),
        since=since,
        until=until,
        generated_at=generated_at,
        source=str(directory),
    )
    summary["skipped_lines"] = reader.skipped
    summary["chains"] = sorted(reader.chains)
    summary["files"] = reader.files
    return summary


# ---------------------------------------------------------------------------- HTML

ACTION_COLOURS = {
    "allow": "#8fbf8f",
    "annotate": "#6fa8dc",
    "redact": "#f1b04c",
    "block": "#d9534f",
}
_OTHER_ACTION = "#a0a0a0"
CATEGORY_COLOURS = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
)
_OTHER_CATEGORY = "#bab0ac"

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1f2328; background: #f6f7f9; }
main { max-width: 1160px; margin: 0 auto; padding: 24px 28px 48px; }
header h1 { margin: 0 0 4px; font-size: 24px; }
header p { margin: 2px 0; color: #57606a; }
section { background: #fff; border: 1px solid #d8dee4; border-radius: 8px;
  padding: 16px 20px; margin-top: 18px; }
section h2 { margin: 0 0 12px; font-size: 17px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px;
  margin-top: 18px; }
.card { background: #fff; border: 1px solid #d8dee4; border-radius: 8px; padding: 12px 14px; }
.card .v { font-size: 22px; font-weight: 600; }
.card .k { color: #57606a; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
@media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #eaeef2;
  vertical-align: top; }
th { color: #57606a; font-weight: 600; font-size: 12px; background: #f6f8fa; }
td.n, th.n { text-align: right; }
td.id, td.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 12px; word-break: break-all; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 8px 0 0; padding: 0;
  list-style: none; font-size: 12px; color: #57606a; }
.legend span { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 5px; vertical-align: -1px; }
.muted { color: #57606a; }
.empty { color: #57606a; font-style: italic; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: #1f2328; }
svg .axis { fill: #57606a; }
footer { margin-top: 22px; color: #57606a; font-size: 12px; }
"""


def _e(value: object) -> str:
    return html.escape("-" if value is None else str(value), quote=True)


def _fmt_int(n: int) -> str:
    return f"{n:,}"


def _plural(n: int, noun: str) -> str:
    return f"{_fmt_int(n)} {noun}" if n == 1 else f"{_fmt_int(n)} {noun}s"


def _fmt_pct(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def _fmt_ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    ms = seconds * 1000
    return f"{ms:.1f}" if ms < 100 else f"{ms:,.0f}"


def _fmt_time(value: str | None) -> str:
    if not value:
        return "-"
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    return when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _nice_max(value: float) -> tuple[float, float]:
    """A round axis maximum at or above ``value`` and the tick step for it."""
    if value <= 0:
        return 1.0, 1.0
    raw = value / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step >= raw:
            break
    if step < 1:
        step = 1.0
    return step * math.ceil(value / step), step


def _legend(items: Iterable[tuple[str, str]]) -> str:
    entries = "".join(
        f'<li><span style="background:{colour}"></span>{_e(label)}</li>' for label, colour in items
    )
    return f'<ul class="legend">{entries}</ul>'


def svg_actions_by_policy(summary: Mapping[str, Any]) -> str:
    """Horizontal stacked bars: one per policy, split by action, with the count at the end."""
    by_policy: Mapping[str, Any] = summary.get("by_policy", {})
    if not by_policy:
        return '<p class="empty">No decisions in this period.</p>'
    names = list(by_policy)
    label_w, bar_w, right_w, row_h, top = 170, 740, 70, 30, 8
    width = label_w + bar_w + right_w
    axis_h = 24
    height = top + row_h * len(names) + axis_h
    biggest = max(int(by_policy[name]["decisions"]) for name in names)
    axis_max, step = _nice_max(biggest)
    scale = bar_w / axis_max
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="actions-title">'
        '<title id="actions-title">Decisions by policy and action</title>'
    ]
    ticks = round(axis_max / step)
    for i in range(ticks + 1):
        x = label_w + i * step * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - axis_h + 2}" '
            'stroke="#eaeef2"/>'
            f'<text class="axis" x="{x:.1f}" y="{height - 8}" text-anchor="middle">'
            f"{_fmt_int(round(i * step))}</text>"
        )
    seen: list[str] = []
    for row, name in enumerate(names):
        entry = by_policy[name]
        y = top + row * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end">'
            f"{_e(_clip(name, 26))}</text>"
        )
        x = float(label_w)
        for action, count in entry["actions"].items():
            if not count:
                continue
            if action not in seen:
                seen.append(action)
            w = count * scale
            colour = ACTION_COLOURS.get(action, _OTHER_ACTION)
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 5}" width="{max(w, 1):.1f}" height="{row_h - 10}" '
                f'fill="{colour}"><title>{_e(name)}: {_e(action)} {count}</title></rect>'
            )
            x += w
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + row_h / 2 + 4:.1f}">'
            f"{_fmt_int(int(entry['decisions']))}</text>"
        )
    parts.append("</svg>")
    order = [a for a in ACTIONS if a in seen] + [a for a in seen if a not in ACTIONS]
    return "".join(parts) + _legend((a, ACTION_COLOURS.get(a, _OTHER_ACTION)) for a in order)


def svg_findings_over_time(summary: Mapping[str, Any]) -> str:
    """Stacked vertical bars of findings per hour or day, split by category."""
    timeline: Mapping[str, Any] = summary.get("timeline", {})
    buckets: list[Mapping[str, Any]] = list(timeline.get("buckets", []))
    if not buckets:
        return '<p class="empty">No records with a time in this period.</p>'
    top = list(timeline.get("top_categories", []))
    series = [*top, "other"]
    colours = {c: CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)] for i, c in enumerate(top)}
    colours["other"] = _OTHER_CATEGORY
    hourly = timeline.get("bucket") == "hour"
    left, right, top_pad, bottom = 48, 12, 12, 42
    plot_w, plot_h = 1040, 220
    width, height = left + plot_w + right, top_pad + plot_h + bottom
    totals = [sum(int(v) for v in b.get("findings", {}).values()) for b in buckets]
    axis_max, step = _nice_max(max(totals) if totals else 0)
    slot = plot_w / len(buckets)
    bar = min(48.0, max(1.0, slot * 0.72))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="timeline-title">'
        f'<title id="timeline-title">Findings per {"hour" if hourly else "day"} by category'
        "</title>"
    ]
    ticks = round(axis_max / step)
    for i in range(ticks + 1):
        y = top_pad + plot_h - i * step * plot_h / axis_max
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#eaeef2"/>'
            f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_fmt_int(round(i * step))}</text>"
        )
    label_every = max(1, math.ceil(len(buckets) / 12))
    for i, bucket in enumerate(buckets):
        x = left + i * slot + (slot - bar) / 2
        y = float(top_pad + plot_h)
        start = str(bucket.get("start") or "")
        counts: Mapping[str, Any] = bucket.get("findings", {})
        for category in series:
            count = int(counts.get(category, 0))
            if not count:
                continue
            h = count * plot_h / axis_max
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colours[category]}"><title>{_e(_bucket_label(start, hourly, True))}: '
                f"{_e(category)} {count}</title></rect>"
            )
        if i % label_every == 0:
            cx = left + i * slot + slot / 2
            parts.append(
                f'<text class="axis" x="{cx:.1f}" y="{top_pad + plot_h + 16}" '
                f'text-anchor="middle">{_e(_bucket_label(start, hourly, False))}</text>'
            )
    parts.append(
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" '
        f'y2="{top_pad + plot_h}" stroke="#8c959f"/>'
    )
    first_label = _bucket_label(str(buckets[0].get("start") or ""), hourly, True)
    parts.append(
        f'<text class="axis" x="{left}" y="{height - 6}">'
        f"{'hours' if hourly else 'days'} (UTC) from {_e(first_label)}</text>"
    )
    parts.append("</svg>")
    used = [c for c in series if any(int(b.get("findings", {}).get(c, 0)) for b in buckets)]
    if not used:
        return "".join(parts) + '<p class="empty">No findings in this period.</p>'
    return "".join(parts) + _legend((c, colours[c]) for c in used)


def _bucket_label(start: str, hourly: bool, long: bool) -> str:
    try:
        when = dt.datetime.fromisoformat(start).astimezone(dt.UTC)
    except ValueError:
        return start
    if hourly:
        if long:
            return when.strftime("%Y-%m-%d %H:00")
        return when.strftime("%m-%d" if when.hour == 0 else "%H:00")
    return when.strftime("%Y-%m-%d" if long else "%m-%d")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _table(headers: list[tuple[str, bool]], rows: list[list[tuple[str, str]]]) -> str:
    """``headers``: (label, numeric); cells: (already escaped html, css class)."""
    head = "".join(
        f'<th class="n">{_e(h)}</th>' if num else f"<th>{_e(h)}</th>" for h, num in headers
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{cls}">{cell}</td>' if cls else f"<td>{cell}</td>" for cell, cls in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _count_table(title: str, counts: Mapping[str, int], total: int, empty: str) -> str:
    if not counts:
        return f'<p class="empty">{_e(empty)}</p>'
    rows = [
        [(_e(key), ""), (_fmt_int(int(n)), "n"), (_fmt_pct(int(n) / total) if total else "-", "n")]
        for key, n in counts.items()
    ]
    return _table([(title, False), ("count", True), ("share", True)], rows)


def render_html(summary: Mapping[str, Any]) -> str:
    """The report page for a summary from ``build_report`` / ``report_directory``."""
    n = int(summary.get("decisions", 0))
    rates: Mapping[str, float] = summary.get("rates", {})
    findings_info: Mapping[str, Any] = summary.get("findings", {})
    period: Mapping[str, Any] = summary.get("period", {})
    since = period.get("since") or period.get("first_record")
    until = period.get("until") or period.get("last_record")

    cards = [
        ("decisions", _fmt_int(n)),
        ("block rate", _fmt_pct(rates.get("block", 0.0))),
        ("redact rate", _fmt_pct(rates.get("redact", 0.0))),
        ("annotate rate", _fmt_pct(rates.get("annotate", 0.0))),
        ("findings", _fmt_int(int(findings_info.get("total", 0)))),
        ("upstream errors", _fmt_int(int(summary.get("upstream_errors", 0)))),
    ]
    cards_html = "".join(
        f'<div class="card"><div class="v">{value}</div><div class="k">{_e(key)}</div></div>'
        for key, value in cards
    )

    # latency
    latency: Mapping[str, Any] = summary.get("latency_s", {})
    latency_rows = []
    for key, label in LATENCY_MEASURES.items():
        stats = latency.get(key)
        if not stats or not stats.get("count"):
            continue
        latency_rows.append(
            [(_e(label), "")]
            + [(_fmt_int(int(stats["count"])), "n")]
            + [(_fmt_ms(stats.get(f"p{p}")), "n") for p in PERCENTILES]
            + [(_fmt_ms(stats.get("max")), "n")]
        )
    for check, stats in summary.get("check_latency_s", {}).items():
        latency_rows.append(
            [(f'check <span class="mono">{_e(check)}</span>', "")]
            + [(_fmt_int(int(stats["count"])), "n")]
            + [(_fmt_ms(stats.get(f"p{p}")), "n") for p in PERCENTILES]
            + [(_fmt_ms(stats.get("max")), "n")]
        )
    latency_headers = [("measure", False), ("count", True)]
    latency_headers += [(f"p{p} ms", True) for p in PERCENTILES] + [("max ms", True)]
    latency_html = (
        _table(latency_headers, latency_rows)
        if latency_rows
        else '<p class="empty">No latencies recorded in this period.</p>'
    )

    # policy versions
    version_rows = [
        [
            (_e(v["name"]), ""),
            (_e(v["version"]), "mono"),
            (_e(", ".join(v.get("modes", {}))), ""),
            (_fmt_int(int(v["decisions"])), "n"),
            (_e(_fmt_time(v.get("first_seen"))), ""),
            (_e(_fmt_time(v.get("last_seen"))), ""),
        ]
        for v in summary.get("policy_versions", [])
    ]
    versions_html = (
        _table(
            [
                ("policy", False),
                ("version", False),
                ("mode", False),
                ("decisions", True),
                ("first seen", False),
                ("last seen", False),
            ],
            version_rows,
        )
        if version_rows
        else '<p class="empty">No policies in force in this period.</p>'
    )

    # actions by policy table
    policy_rows = []
    for name, entry in summary.get("by_policy", {}).items():
        total = int(entry["decisions"])
        acts = entry["actions"]
        policy_rows.append(
            [(_e(name), ""), (_fmt_int(total), "n")]
            + [(_fmt_int(int(acts.get(a, 0))), "n") for a in ACTIONS]
            + [(_fmt_pct(int(acts.get("block", 0)) / total) if total else "-", "n")]
        )
    policy_table = (
        _table(
            [("policy", False), ("decisions", True)]
            + [(a, True) for a in ACTIONS]
            + [("block rate", True)],
            policy_rows,
        )
        if policy_rows
        else ""
    )

    # findings
    total_findings = int(findings_info.get("total", 0))
    by_check = _count_table(
        "check", findings_info.get("by_check", {}), total_findings, "No findings in this period."
    )
    by_category = _count_table(
        "category",
        findings_info.get("by_category", {}),
        total_findings,
        "No findings in this period.",
    )

    # outcomes
    outcomes_html = _count_table("outcome", summary.get("outcomes", {}), n, "No decisions.")
    status_html = _count_table(
        "upstream status", summary.get("upstream_status", {}), n, "No decisions."
    )

    # monitor
    monitor: Mapping[str, Any] = summary.get("monitor", {})
    monitor_rows = [
        [
            (_e(item["policy"]), ""),
            (_e(item["would_action"]), ""),
            (_fmt_int(int(item["count"])), "n"),
        ]
        for item in monitor.get("by_policy", [])
    ]
    matrix_rows = [
        [
            (_e(item["would_action"]), ""),
            (_e(item["action"]), ""),
            (_fmt_int(int(item["count"])), "n"),
        ]
        for item in monitor.get("would_vs_action", [])
    ]
    if monitor_rows:
        monitor_html = (
            f"<p>{_fmt_int(int(monitor.get('differing', 0)))} decisions would have been "
            "handled differently had their policy been enforced (monitor mode, or actions "
            "a policy only reports).</p>"
            '<div class="grid2"><div>'
            + _table(
                [("policy", False), ("would action", False), ("decisions", True)], monitor_rows
            )
            + "</div><div>"
            + _table(
                [("would action", False), ("action taken", False), ("decisions", True)],
                matrix_rows,
            )
            + "</div></div>"
        )
    else:
        monitor_html = (
            '<p class="empty">Every decision did what its policy would do: '
            "no monitor-mode differences.</p>"
        )

    # errors
    errors: Mapping[str, int] = summary.get("check_errors", {})
    fail_open: Mapping[str, int] = summary.get("fail_open", {})
    if errors or fail_open:
        error_rows = [
            [
                (_e(check), "mono"),
                (_fmt_int(int(errors.get(check, 0))), "n"),
                (_fmt_int(int(fail_open.get(check, 0))), "n"),
            ]
            for check in sorted(set(errors) | set(fail_open))
        ]
        errors_html = _table(
            [("check", False), ("errors", True), ("failed open", True)], error_rows
        )
    else:
        errors_html = '<p class="empty">No check errors in this period.</p>'

    # blocks
    block_rows = [
        [
            (_e(_fmt_time(b.get("time"))), ""),
            (_e(b.get("id")), "id"),
            (_e(b.get("policy")), ""),
            (_e(b.get("model")), ""),
            (_e(b.get("outcome")), ""),
            (_e(", ".join(b.get("categories", [])) or "-"), ""),
        ]
        for b in summary.get("recent_blocks", [])
    ]
    blocks_html = (
        _table(
            [
                ("time", False),
                ("decision id", False),
                ("policy", False),
                ("model", False),
                ("outcome", False),
                ("categories", False),
            ],
            block_rows,
        )
        if block_rows
        else '<p class="empty">No blocked decisions in this period.</p>'
    )

    models_html = _count_table("model", summary.get("models", {}), n, "No decisions.")
    skipped = int(summary.get("skipped_lines", 0))
    skipped_html = (
        f" {_fmt_int(skipped)} unreadable or incomplete lines were skipped; run "
        "<code>guardproxy audit verify</code> on the directory."
        if skipped
        else ""
    )
    chains = summary.get("chains")
    source_html = ""
    if summary.get("source"):
        source_html = f"<p>Audit directory <code>{_e(summary['source'])}</code>"
        if chains is not None:
            source_html += (
                f" ({_plural(len(chains), 'chain')}, "
                f"{_plural(int(summary.get('files', 0)), 'file')})"
            )
        source_html += "</p>"
    bucket = summary.get("timeline", {}).get("bucket", "day")

    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="guardproxy audit report">
<title>guardproxy audit report: {_e(_fmt_time(since))} to {_e(_fmt_time(until))}</title>
<style>{_CSS}</style>
</head>
<body>
<main>
<header>
<h1>guardproxy audit report</h1>
<p>Period: <strong>{_e(_fmt_time(since))}</strong> to <strong>{_e(_fmt_time(until))}</strong>
{"(until now)" if not period.get("until") and period.get("since") else ""}</p>
{source_html}
<p>Generated {_e(_fmt_time(summary.get("generated_at")))}.</p>
</header>
<div class="cards">{cards_html}</div>

<section>
<h2>Decisions by policy and action</h2>
{svg_actions_by_policy(summary)}
{policy_table}
</section>

<section>
<h2>Findings per {_e(bucket)} by category</h2>
{svg_findings_over_time(summary)}
</section>

<section>
<h2>Findings</h2>
<div class="grid2"><div>{by_check}</div><div>{by_category}</div></div>
</section>

<section>
<h2>Latency</h2>
{latency_html}
<p class="muted">Nearest-rank percentiles. Check run time adds up the time of each check of a
decision, input and output; checks that run side by side can add up to more than the
request took.</p>
</section>

<section>
<h2>Policy versions in force</h2>
{versions_html}
</section>

<section>
<h2>Monitor mode: would action against action taken</h2>
{monitor_html}
</section>

<section>
<h2>Outcomes</h2>
<div class="grid2"><div>{outcomes_html}</div><div>{status_html}</div></div>
</section>

<section>
<h2>Check errors</h2>
{errors_html}
</section>

<section>
<h2>Models</h2>
{models_html}
</section>

<section>
<h2>Latest blocked decisions</h2>
{blocks_html}
</section>

<footer>
The audit log holds no prompt or answer text, and neither does this report: it shows
counts, categories, check names, decision ids, policy names and models only. Look a
decision up with <code>GET /guard/decisions/&lt;id&gt;</code>.{skipped_html}
</footer>
</main>
</body>
</html>
"""
