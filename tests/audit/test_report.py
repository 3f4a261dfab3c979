"""audit report: the JSON summary of known records, the HTML page, and the CLI."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from guardproxy.audit import AuditWriter
from guardproxy.audit.report import build_report, percentile, render_html, report_directory

REPO = Path(__file__).resolve().parents[2]
GENERATED = dt.datetime(2025, 3, 11, 0, 0, tzinfo=dt.UTC)
HMAC = "hmac-sha256:" + "cd" * 32


def decision(
    decision_id: str,
    time: str,
    *,
    policy: str = "default@v1",
    mode: str = "enforce",
    action: str = "allow",
    would_action: str | None = None,
    outcome: str = "ok",
    status: int | None = 200,
    model: str | None = "gpt-4o",
    found: Sequence[tuple[str, str]] = (),
    input_found: Sequence[tuple[str, str]] = (),
    total: float = 0.1,
    check_latency: Mapping[str, float] | None = None,
    held: float | None = None,
    errors: Mapping[str, str] | None = None,
    fail_open: Sequence[str] = (),
) -> dict[str, Any]:
    def unit(items: Sequence[tuple[str, str]], latencies: Mapping[str, float]) -> dict[str, Any]:
        return {
            "key": "0",
            "action": action,
            "would_action": would_action or action,
            "upstream_sha256": "0" * 64,
            "findings": [
                {
                    "check": check,
                    "category": category,
                    "start": 0,
                    "end": 3,
                    "score": 0.85,
                    "action": action,
                    "enforced": mode == "enforce",
                    "value_hmac": HMAC,
                }
                for check, category in items
            ],
            "scores": {},
            "check_latency_s": dict(latencies),
            "errors": dict(errors or {}),
            "fail_open": list(fail_open),
        }

    latency: dict[str, float] = {"upstream": round(total / 2, 6), "total": total}
    if held is not None:
        latency["checks"] = held
    else:
        latency["overhead"] = round(total / 2, 6)
    record: dict[str, Any] = {
        "id": decision_id,
        "time": time,
        "request_id": f"r-{decision_id}",
        "route": "chat_completions",
        "provider": "openai",
        "model": model,
        "upstream": "http://127.0.0.1:9/v1",
        "policy": policy,
        "policy_mode": mode,
        "stream": held is not None,
        "stream_mode": "incremental" if held is not None else None,
        "upstream_status": status,
        "outcome": outcome,
        "action": action,
        "would_action": would_action or action,
        "choices": [unit(found, check_latency or {})],
        "input": [unit(input_found, {})] if input_found else [],
        "latency_s": latency,
    }
    return record


RECORDS = [
    decision(
        "d01",
        "2025-03-01T09:10:00.000+00:00",
        action="redact",
        found=[("pii", "EMAIL_ADDRESS"), ("pii", "PERSON")],
        total=0.1,
        check_latency={"pii": 0.02},
    ),
    decision(
        "d02",
        "2025-03-01T09:20:00.000+00:00",
        policy="default@v2",
        total=0.2,
        check_latency={"pii": 0.01},
    ),
    decision(
        "d03",
        "2025-03-01T11:00:00.000+00:00",
        policy="strict@s1",
        action="block",
        found=[("secrets", "OPENAI_API_KEY")],
        total=0.3,
        check_latency={"secrets": 0.005, "pii": 0.01},
    ),
    decision(
        "d04",
        "2025-03-02T08:00:00.000+00:00",
        policy="monitor@m1",
        mode="monitor",
        action="allow",
        would_action="redact",
        found=[("pii", "PERSON")],
        total=0.4,
        check_latency={"pii": 0.03},
    ),
    decision(
        "d05",
        "2025-03-02T08:30:00.000+00:00",
        policy="monitor@m1",
        mode="monitor",
        action="allow",
        would_action="block",
        input_found=[("pii", "CREDIT_CARD")],
        total=0.5,
        held=0.05,
    ),
    decision(
        "d06",
        "2025-03-03T10:00:00.000+00:00",
        policy="strict@s1",
        action="block",
        outcome="blocked",
        found=[("pii", "CREDIT_CARD"), ("pii", "CREDIT_CARD")],
        total=0.6,
        check_latency={"pii": 0.04},
    ),
    decision(
        "d07",
        "2025-03-03T12:00:00.000+00:00",
        outcome="upstream_error",
        status=None,
        total=0.7,
        errors={"pii": "timeout"},
        fail_open=["pii"],
    ),
    decision(
        "d08",
        "2025-03-04T00:00:00.000+00:00",
        outcome="upstream_status",
        status=503,
        total=0.8,
        model="claude-3-5-sonnet",
    ),
    decision(
        "d09",
        "2025-03-04T13:00:00.000+00:00",
        policy="transparent@t1",
        action="annotate",
        found=[("notice", "ai_notice")],
        total=0.9,
        check_latency={"notice": 0.001},
    ),
    decision(
        "d10",
        "2025-03-05T23:59:00.000+00:00",
        policy="default@v2",
        action="redact",
        found=[("pii", "PHONE_NUMBER")],
        total=1.0,
        check_latency={"pii": 0.02},
    ),
]


def report(records: Sequence[Mapping[str, Any]] = RECORDS, **kwargs: Any) -> dict[str, Any]:
    return build_report(records, generated_at=GENERATED, **kwargs)


# ---------------------------------------------------------------------------- JSON numbers


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 11)]
    assert percentile(values, 50) == 5.0
    assert percentile(values, 90) == 9.0
    assert percentile(values, 99) == 10.0
    assert percentile(values, 0) == 1.0
    assert percentile([], 50) is None
    assert percentile([7.0], 99) == 7.0


def test_counts_actions_and_rates() -> None:
    summary = report()
    assert summary["report"] == "guardproxy-audit-report"
    assert summary["generated_at"] == "2025-03-11T00:00:00.000+00:00"
    assert summary["decisions"] == 10
    assert summary["streamed"] == 1
    assert summary["actions"] == {"allow": 5, "annotate": 1, "redact": 2, "block": 2}
    assert summary["would_actions"] == {"allow": 3, "annotate": 1, "redact": 3, "block": 3}
    assert summary["rates"] == {
        "block": 0.2,
        "redact": 0.2,
        "annotate": 0.1,
        "allow": 0.5,
        "with_findings": 0.7,
        "upstream_error": 0.2,
    }
    assert summary["by_policy"] == {
        "default": {
            "decisions": 5,
            "actions": {"allow": 3, "annotate": 0, "redact": 2, "block": 0},
            "would_actions": {"allow": 3, "annotate": 0, "redact": 2, "block": 0},
        },
        "monitor": {
            "decisions": 2,
            "actions": {"allow": 2, "annotate": 0, "redact": 0, "block": 0},
            "would_actions": {"allow": 0, "annotate": 0, "redact": 1, "block": 1},
        },
        "strict": {
            "decisions": 2,
            "actions": {"allow": 0, "annotate": 0, "redact": 0, "block": 2},
            "would_actions": {"allow": 0, "annotate": 0, "redact": 0, "block": 2},
        },
        "transparent": {
            "decisions": 1,
            "actions": {"allow": 0, "annotate": 1, "redact": 0, "block": 0},
            "would_actions": {"allow": 0, "annotate": 1, "redact": 0, "block": 0},
        },
    }


def test_outcomes_and_upstream_errors() -> None:
    summary = report()
    assert summary["outcomes"] == {
        "ok": 7,
        "blocked": 1,
        "upstream_error": 1,
        "upstream_status": 1,
    }
    assert summary["upstream_status"] == {"-": 1, "200": 8, "503": 1}
    assert summary["upstream_errors"] == 2
    assert summary["models"] == {"gpt-4o": 9, "claude-3-5-sonnet": 1}
    assert summary["check_errors"] == {"pii": 1}
    assert summary["fail_open"] == {"pii": 1}


def test_findings_by_check_and_category() -> None:
    findings = report()["findings"]
    assert findings["total"] == 9
    assert findings["enforced"] == 7  # the monitor policy's two are not
    assert findings["decisions_with_findings"] == 7
    assert findings["by_direction"] == {"input": 1, "output": 8}
    assert findings["by_check"] == {"pii": 7, "secrets": 1, "notice": 1}
    assert findings["by_category"] == {
        "CREDIT_CARD": 3,
        "PERSON": 2,
        "EMAIL_ADDRESS": 1,
        "OPENAI_API_KEY": 1,
        "PHONE_NUMBER": 1,
        "ai_notice": 1,
    }
    assert findings["by_check_category"][0] == {
        "check": "pii",
        "category": "CREDIT_CARD",
        "count": 3,
    }
    assert sum(item["count"] for item in findings["by_check_category"]) == 9


def test_findings_per_day() -> None:
    timeline = report()["timeline"]
    assert timeline["bucket"] == "day"
    starts = [b["start"] for b in timeline["buckets"]]
    assert starts == [f"2025-03-0{d}T00:00:00.000+00:00" for d in range(1, 6)]
    assert [b["decisions"] for b in timeline["buckets"]] == [3, 2, 2, 2, 1]
    assert [sum(b["findings"].values()) for b in timeline["buckets"]] == [3, 2, 2, 1, 1]
    assert timeline["buckets"][2]["findings"] == {"CREDIT_CARD": 2}
    assert timeline["buckets"][0]["actions"] == {"allow": 1, "block": 1, "redact": 1}


def test_findings_per_hour_under_two_days_with_empty_hours() -> None:
    since = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
    until = dt.datetime(2025, 3, 1, 13, 0, tzinfo=dt.UTC)
    timeline = report(RECORDS[:3], since=since, until=until)["timeline"]
    assert timeline["bucket"] == "hour"
    assert [b["start"][11:16] for b in timeline["buckets"]] == [
        "09:00",
        "10:00",
        "11:00",
        "12:00",
    ]
    assert [b["decisions"] for b in timeline["buckets"]] == [2, 0, 1, 0]
    assert timeline["buckets"][0]["findings"] == {"EMAIL_ADDRESS": 1, "PERSON": 1}


def test_timeline_groups_rare_categories_as_other() -> None:
    records = [
        decision(f"c{i}", "2025-03-01T10:00:00Z", found=[("pii", f"CAT_{i}")] * (20 - i))
        for i in range(10)
    ]
    timeline = report(records)["timeline"]
    assert timeline["top_categories"] == [f"CAT_{i}" for i in range(7)]
    (bucket,) = timeline["buckets"]
    assert bucket["findings"]["other"] == 11 + 12 + 13


def test_latency_percentiles() -> None:
    latency = report()["latency_s"]
    assert latency["total"] == {"count": 10, "p50": 0.5, "p90": 0.9, "p99": 1.0, "max": 1.0}
    assert latency["upstream"]["count"] == 10
    assert latency["upstream"]["p50"] == 0.25
    assert latency["overhead"]["count"] == 9  # the streamed one has none
    assert latency["stream_held"] == {
        "count": 1,
        "p50": 0.05,
        "p90": 0.05,
        "p99": 0.05,
        "max": 0.05,
    }
    # the sum of a decision's check times: 0.02, 0.01, 0.015, 0.03, 0.04, 0.001, 0.02
    assert latency["checks"] == {
        "count": 7,
        "p50": 0.02,
        "p90": 0.04,
        "p99": 0.04,
        "max": 0.04,
    }
    per_check = report()["check_latency_s"]
    assert list(per_check) == ["notice", "pii", "secrets"]
    assert per_check["pii"] == {"count": 6, "p50": 0.02, "p90": 0.04, "p99": 0.04, "max": 0.04}


def test_policy_versions_in_force() -> None:
    versions = report()["policy_versions"]
    assert [(v["policy"], v["decisions"]) for v in versions] == [
        ("default@v1", 3),
        ("default@v2", 2),
        ("monitor@m1", 2),
        ("strict@s1", 2),
        ("transparent@t1", 1),
    ]
    v1, v2 = versions[0], versions[1]
    assert (v1["name"], v1["version"], v1["modes"]) == ("default", "v1", {"enforce": 3})
    assert v1["first_seen"] == "2025-03-01T09:10:00.000+00:00"
    assert v1["last_seen"] == "2025-03-04T00:00:00.000+00:00"
    assert v2["first_seen"] == "2025-03-01T09:20:00.000+00:00"
    assert v2["last_seen"] == "2025-03-05T23:59:00.000+00:00"
    assert versions[2]["modes"] == {"monitor": 2}


def test_monitor_would_action_against_action() -> None:
    monitor = report()["monitor"]
    assert monitor["differing"] == 2
    assert monitor["would_vs_action"] == [
        {"would_action": "block", "action": "allow", "count": 1},
        {"would_action": "redact", "action": "allow", "count": 1},
    ]
    assert monitor["by_policy"] == [
        {"policy": "monitor", "would_action": "block", "count": 1},
        {"policy": "monitor", "would_action": "redact", "count": 1},
    ]


def test_recent_blocks_newest_first_with_ids_and_categories_only() -> None:
    blocks = report()["recent_blocks"]
    assert [b["id"] for b in blocks] == ["d06", "d03"]
    assert blocks[0] == {
        "time": "2025-03-03T10:00:00.000+00:00",
        "id": "d06",
        "policy": "strict@s1",
        "route": "chat_completions",
        "model": "gpt-4o",
        "outcome": "blocked",
        "categories": ["CREDIT_CARD"],
    }


def test_empty_period() -> None:
    summary = report([])
    assert summary["decisions"] == 0
    assert summary["rates"]["block"] == 0.0
    assert summary["timeline"]["buckets"] == []
    assert summary["latency_s"]["total"] == {
        "count": 0,
        "p50": None,
        "p90": None,
        "p99": None,
        "max": None,
    }
    page = render_html(summary)
    assert "No decisions in this period." in page


def test_open_ended_period_runs_to_the_report_time() -> None:
    since = GENERATED - dt.timedelta(hours=3)
    timeline = report([], since=since)["timeline"]
    assert timeline["bucket"] == "hour"
    assert len(timeline["buckets"]) == 4  # 21:00 .. 00:00


def test_records_odd_values_do_not_break_the_summary() -> None:
    odd: list[dict[str, Any]] = [
        {"id": "x1"},
        {"id": "x2", "time": "not a time", "action": "quarantine", "choices": "nope"},
        {"id": "x3", "time": "2025-03-01T00:00:00Z", "latency_s": {"total": True}, "input": [1]},
    ]
    summary = report(odd)
    assert summary["decisions"] == 3
    assert summary["actions"]["quarantine"] == 1
    assert summary["actions"]["-"] == 2
    assert summary["latency_s"]["total"]["count"] == 0
    render_html(summary)


def test_the_summary_holds_no_text_or_digests() -> None:
    text = json.dumps(report()) + render_html(report())
    assert "hmac-sha256" not in text
    assert "value_hmac" not in text and "upstream_sha256" not in text


# ---------------------------------------------------------------------------- HTML


def test_html_is_self_contained_with_svg_charts() -> None:
    page = render_html(report())
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg ") == 2
    assert 'aria-labelledby="actions-title"' in page
    assert 'aria-labelledby="timeline-title"' in page
    assert "<style>" in page
    # no scripts, no external assets or links of any kind
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=""", page, re.IGNORECASE)
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page
    assert "url(" not in page
    assert "@import" not in page
    # the bar chart has one label per policy, the timeline a bar segment per category and day
    for name in ("default", "monitor", "strict", "transparent"):
        assert f'text-anchor="end">{name}</text>' in page
    assert page.count("<rect ") >= 5 + 8
    assert "Findings per day by category" in page
    assert ">v2</td>" in page


HOSTILE = '<script>alert("x")</script>'


def test_html_escapes_strings_from_the_records() -> None:
    records = [
        decision(
            "<img src=x onerror=alert(1)>",
            "2025-03-01T10:00:00Z",
            policy=f"{HOSTILE}@<b>v</b>",
            model="<svg onload=alert(2)>",
            action="block",
            found=[("<i>check</i>", "<u>CAT</u>&amp;")],
            errors={"<em>pii</em>": "x"},
        ),
        decision("ok", "2025-03-01T11:00:00Z", action="</text><script>bad()</script>"),
    ]
    page = render_html(report(records))
    for raw in (
        "<script",
        "<img",
        "<svg onload",
        "<b>v</b>",
        "<i>check",
        "<u>CAT",
        "<em>",
        "</text><script",
    ):
        assert raw not in page, raw
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;svg onload=alert(2)&gt;" in page
    assert "&lt;u&gt;CAT&lt;/u&gt;&amp;amp;" in page
    assert page.count("<svg ") == 2


# ---------------------------------------------------------------------------- directory and CLI


def write_audit_dir(directory: Path, chains: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
    async def run() -> None:
        for chain_id, records in chains.items():
            writer = AuditWriter(directory, chain_id=chain_id, fsync="never")
            await writer.start()
            try:
                for record in records:
                    await writer.append(record)
            finally:
                await writer.close()

    asyncio.run(run())


@pytest.fixture
def audit_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "audit"
    write_audit_dir(directory, {"w1": RECORDS[0::2], "w2": RECORDS[1::2]})
    with open(directory / "audit-w2-000001.jsonl", "ab") as f:
        f.write(b'{"id":"torn')
    return directory


def test_report_directory_selects_the_period(audit_dir: Path) -> None:
    whole = report_directory(audit_dir, generated_at=GENERATED)
    expected = report(RECORDS)
    for key in ("decisions", "actions", "by_policy", "findings", "latency_s", "policy_versions"):
        assert whole[key] == expected[key], key
    assert whole["chains"] == ["w1", "w2"]
    assert whole["files"] == 2
    assert whole["skipped_lines"] == 1
    assert whole["source"] == str(audit_dir)
    part = report_directory(
        audit_dir,
        since=dt.datetime(2025, 3, 2, tzinfo=dt.UTC),
        until=dt.datetime(2025, 3, 4, tzinfo=dt.UTC),
    )
    assert part["decisions"] == 4
    assert part["period"]["since"] == "2025-03-02T00:00:00.000+00:00"
    assert part["timeline"]["bucket"] == "day"
    assert [b["decisions"] for b in part["timeline"]["buckets"]] == [2, 2]


def gp(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "guardproxy.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )


def test_cli_report_writes_html_and_json(audit_dir: Path, tmp_path: Path) -> None:
    out, js = tmp_path / "report.html", tmp_path / "report.json"
    result = gp(
        "audit",
        "report",
        str(audit_dir),
        "--since",
        "2025-03-01",
        "--until",
        "2025-03-06",
        "--out",
        str(out),
        "--json",
        str(js),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("10 decisions (20.0% blocked, 20.0% redacted, 10.0% annotated)")
    assert "1 unreadable or incomplete lines skipped" in result.stderr
    summary = json.loads(js.read_text(encoding="utf-8"))
    assert summary["decisions"] == 10
    assert summary["findings"]["total"] == 9
    assert summary["timeline"]["bucket"] == "day"
    page = out.read_text(encoding="utf-8")
    assert page.count("<svg ") == 2 and "</html>" in page


def test_cli_report_html_only(audit_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "only.html"
    result = gp("audit", "report", str(audit_dir), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.exists() and not (tmp_path / "report.json").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "last week"], "guardproxy: config error: --since: 'last week' is not a time"),
        (["--since", "1d", "--until", "2d"], "guardproxy: config error: --until"),
        ([], "guardproxy: usage error: the following arguments are required: --out"),
    ],
)
def test_cli_report_bad_arguments_exit_2(
    audit_dir: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    out = ["--out", str(tmp_path / "r.html")] if args else []
    result = gp("audit", "report", str(audit_dir), *args, *out)
    assert result.returncode == 2
    assert result.stderr.startswith(message), result.stderr
    assert not (tmp_path / "r.html").exists()


def test_cli_report_unwritable_output_exit_2(audit_dir: Path, tmp_path: Path) -> None:
    result = gp("audit", "report", str(audit_dir), "--out", str(tmp_path / "no" / "r.html"))
    assert result.returncode == 2
    assert result.stderr.startswith("guardproxy: config error: cannot write ")


def test_cli_report_missing_directory_exit_2(tmp_path: Path) -> None:
    result = gp("audit", "report", str(tmp_path / "nowhere"), "--out", str(tmp_path / "r.html"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr
