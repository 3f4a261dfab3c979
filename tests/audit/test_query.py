"""audit query: reading every chain of a directory back, filters, time parsing, the CLI."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from guardproxy.audit import AuditWriter, record_hash
from guardproxy.audit.query import (
    AuditReader,
    Filters,
    format_jsonl,
    format_table,
    parse_time,
    query,
    table_row,
)
from guardproxy.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.UTC)


def decision(
    decision_id: str,
    time: str,
    *,
    policy: str = "default@aaa111",
    action: str = "allow",
    would_action: str | None = None,
    outcome: str = "ok",
    model: str | None = "gpt-4o-mini",
    route: str = "chat_completions",
    found: Sequence[tuple[str, str]] = (),
    input_found: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    def unit(items: Sequence[tuple[str, str]]) -> dict[str, Any]:
        return {
            "key": "0",
            "action": action,
            "would_action": would_action or action,
            "findings": [
                {
                    "check": check,
                    "category": category,
                    "start": 0,
                    "end": 4,
                    "score": 0.9,
                    "action": action,
                    "enforced": True,
                    "value_hmac": "hmac-sha256:" + "ab" * 32,
                }
                for check, category in items
            ],
            "scores": {},
            "check_latency_s": {},
            "errors": {},
            "fail_open": [],
        }

    return {
        "id": decision_id,
        "time": time,
        "request_id": f"req-{decision_id}",
        "route": route,
        "provider": "openai",
        "model": model,
        "upstream": "http://127.0.0.1:9/v1",
        "policy": policy,
        "policy_mode": "enforce",
        "stream": False,
        "stream_mode": None,
        "upstream_status": 200,
        "outcome": outcome,
        "action": action,
        "would_action": would_action or action,
        "choices": [unit(found)],
        "input": [unit(input_found)] if input_found else [],
        "latency_s": {"upstream": 0.01, "total": 0.02, "overhead": 0.01},
    }


def write_audit_dir(directory: Path, chains: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
    """Real hash chains: each chain's records appended by an AuditWriter (small files rotate)."""

    async def run() -> None:
        for chain_id, records in chains.items():
            writer = AuditWriter(directory, chain_id=chain_id, fsync="never", max_file_bytes=2500)
            await writer.start()
            try:
                for record in records:
                    await writer.append(record)
            finally:
                await writer.close()

    asyncio.run(run())


RECORDS_W1 = [
    decision(
        "a1", "2025-03-01T10:00:00.000+00:00", found=[("pii", "EMAIL_ADDRESS")], action="redact"
    ),
    decision(
        "a2",
        "2025-03-05T09:30:00.000+00:00",
        policy="strict@bbb222",
        action="block",
        found=[("secrets", "OPENAI_API_KEY")],
    ),
    decision(
        "a3",
        "2025-03-09T23:59:59.999+00:00",
        policy="monitor@ccc333",
        action="allow",
        would_action="redact",
        found=[("pii", "PERSON")],
        model="claude-3-5-sonnet",
        route="messages",
    ),
    decision("a4", "2025-03-10T11:00:00.000+00:00", outcome="upstream_error", model=None),
]
RECORDS_W2 = [
    decision(
        "b1",
        "2025-03-02T08:00:00.000+00:00",
        policy="default@ddd444",
        action="annotate",
        found=[("notice", "ai_notice")],
    ),
    decision(
        "b2",
        "2025-03-09T12:00:00.000+00:00",
        policy="strict@bbb222",
        action="redact",
        input_found=[("pii", "CREDIT_CARD")],
        model="gpt-4o",
    ),
    decision("b3", "2025-03-10T11:30:00.000+09:00", action="allow"),  # 02:30 UTC
]


@pytest.fixture
def audit_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "audit"
    write_audit_dir(directory, {"w1": RECORDS_W1, "worker-2": RECORDS_W2})
    # what sits next to the records and is not one: checkpoints, a torn sidecar, a lock
    (directory / "audit-w1.checkpoints.jsonl").write_text('{"type":"gp-audit-checkpoint"}\n')
    (directory / "audit-w1-000001.jsonl.17.torn").write_bytes(b'{"id":"torn-sidecar"')
    return directory


def ids(records: Any) -> list[str]:
    return [r["id"] for r in records]


def select(directory: Path, **filters: Any) -> list[str]:
    limit = filters.pop("limit", None)
    return ids(query(directory, Filters.parse(now=NOW, **filters), limit=limit))


# ---------------------------------------------------------------------------- time parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h", NOW - dt.timedelta(hours=24)),
        ("7d", NOW - dt.timedelta(days=7)),
        ("30m", NOW - dt.timedelta(minutes=30)),
        ("90s", NOW - dt.timedelta(seconds=90)),
        ("2w", NOW - dt.timedelta(weeks=2)),
        ("1.5h", NOW - dt.timedelta(minutes=90)),
        (" 12h ", NOW - dt.timedelta(hours=12)),
        ("now", NOW),
        ("2025-03-01", dt.datetime(2025, 3, 1, tzinfo=dt.UTC)),
        ("2025-03-01T10:00:00Z", dt.datetime(2025, 3, 1, 10, tzinfo=dt.UTC)),
        ("2025-03-01T10:00:00", dt.datetime(2025, 3, 1, 10, tzinfo=dt.UTC)),
        ("2025-03-01T19:00:00+09:00", dt.datetime(2025, 3, 1, 10, tzinfo=dt.UTC)),
        ("2025-03-01T10:00:00.250+00:00", dt.datetime(2025, 3, 1, 10, 0, 0, 250000, tzinfo=dt.UTC)),
    ],
)
def test_parse_time(text: str, expected: dt.datetime) -> None:
    parsed = parse_time(text, now=NOW)
    assert parsed == expected
    assert parsed.tzinfo is not None and parsed.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize("text", ["", "yesterday", "24", "3x", "-3d", "h", "2025-13-01", "7 days"])
def test_parse_time_rejects_with_a_clear_message(text: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_time(text, now=NOW, option="--since")
    message = str(info.value)
    assert message.startswith("--since: ")
    assert "ISO 8601" in message and "24h" in message


def test_parse_time_too_far_back() -> None:
    with pytest.raises(ConfigError, match="too far"):
        parse_time("99999999d", now=NOW, option="--since")


# ---------------------------------------------------------------------------- bad filters


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (
            {"action": "blok"},
            "--action: 'blok' is not an action; use one of allow, annotate, redact, block",
        ),
        ({"action": "block,"}, "--action: empty value"),
        ({"policy": "@v1"}, "--policy: '@v1' is not a policy; use name or name@version"),
        ({"policy": "default@"}, "--policy: 'default@' is not a policy"),
        ({"category": "EMAIL ADDRESS"}, "--category: 'EMAIL ADDRESS' has characters"),
        ({"check": "pii;rm"}, "--check: 'pii;rm' has characters"),
        ({"model": ""}, "--model: empty value"),
        (
            {"since": "2025-03-05", "until": "2025-03-01"},
            "--until (2025-03-01T00:00:00+00:00) must be later than --since",
        ),
        ({"since": "1d", "until": "1d"}, "must be later than --since"),
        ({"until": "soon"}, "--until: 'soon' is not a time"),
    ],
)
def test_bad_filters_raise_config_error(filters: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        Filters.parse(now=NOW, **filters)
    assert message in str(info.value)


def test_bad_limit_and_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--limit must be at least 1, got 0"):
        query(tmp_path, Filters(), limit=0)
    with pytest.raises(ConfigError, match="does not exist"):
        list(query(tmp_path / "missing", Filters()))
    a_file = tmp_path / "file"
    a_file.write_text("")
    with pytest.raises(ConfigError, match="is not a directory"):
        list(query(a_file, Filters()))


# ---------------------------------------------------------------------------- reading


def test_reads_every_chain_and_file_in_time_order(audit_dir: Path) -> None:
    assert len(list(audit_dir.glob("audit-w1-*.jsonl"))) > 1  # rotated
    reader = AuditReader(audit_dir)
    records = list(reader)
    assert ids(records) == ["a1", "b1", "a2", "b2", "a3", "b3", "a4"]
    assert reader.chains == {"w1", "worker-2"}
    assert reader.skipped == 0
    for record in records:  # returned as written: the chain fields are intact
        assert record["hash"] == record_hash(record)


def test_torn_last_line_and_junk_lines_are_skipped(audit_dir: Path) -> None:
    last = sorted(audit_dir.glob("audit-worker-2-*.jsonl"))[-1]
    with open(last, "ab") as f:
        f.write(b'{"id":"half-written","time":"2025-03-')
    first = sorted(audit_dir.glob("audit-w1-*.jsonl"))[0]
    with open(first, "ab") as f:
        f.write(b"[1,2]\nnot json\n")
    reader = AuditReader(audit_dir)
    assert ids(reader) == ["a1", "b1", "a2", "b2", "a3", "b3", "a4"]
    assert reader.skipped == 3


def test_empty_directory_has_no_records(tmp_path: Path) -> None:
    assert select(tmp_path) == []


# ---------------------------------------------------------------------------- filters


def test_no_filters_select_everything(audit_dir: Path) -> None:
    assert select(audit_dir) == ["a1", "b1", "a2", "b2", "a3", "b3", "a4"]


def test_since_until(audit_dir: Path) -> None:
    assert select(audit_dir, since="2025-03-05T09:30:00Z") == ["a2", "b2", "a3", "b3", "a4"]
    assert select(audit_dir, until="2025-03-05T09:30:00Z") == ["a1", "b1"]  # exclusive
    assert select(audit_dir, since="2025-03-02", until="2025-03-09") == ["b1", "a2"]
    # b3 was written with +09:00: 2025-03-10T02:30Z
    assert select(audit_dir, since="2025-03-10T00:00Z", until="2025-03-10T03:00Z") == ["b3"]
    # relative to NOW (2025-03-10T12:00Z)
    assert select(audit_dir, since="24h") == ["b2", "a3", "b3", "a4"]
    assert select(audit_dir, since="2h") == ["a4"]
    assert select(audit_dir, since="7d", until="12h") == ["a2", "b2", "a3"]


def test_record_without_time_never_matches_a_time_filter(tmp_path: Path) -> None:
    record = decision("t0", "2025-03-01T00:00:00Z")
    del record["time"]
    write_audit_dir(tmp_path, {"w1": [record]})
    assert select(tmp_path) == ["t0"]
    assert select(tmp_path, since="2000-01-01") == []


def test_policy_by_name_or_version(audit_dir: Path) -> None:
    assert select(audit_dir, policy="strict") == ["a2", "b2"]
    assert select(audit_dir, policy="default") == ["a1", "b1", "b3", "a4"]
    assert select(audit_dir, policy="default@ddd444") == ["b1"]
    assert select(audit_dir, policy="default@nope") == []
    assert select(audit_dir, policy="monitor,strict@bbb222") == ["a2", "b2", "a3"]
    assert select(audit_dir, policy="stric") == []


def test_action_and_outcome(audit_dir: Path) -> None:
    assert select(audit_dir, action="block") == ["a2"]
    assert select(audit_dir, action="redact,BLOCK") == ["a1", "a2", "b2"]
    assert select(audit_dir, outcome="upstream_error") == ["a4"]


def test_check_and_category_cover_output_and_input(audit_dir: Path) -> None:
    assert select(audit_dir, check="pii") == ["a1", "b2", "a3"]
    assert select(audit_dir, check="secrets,notice") == ["b1", "a2"]
    assert select(audit_dir, category="credit_card") == ["b2"]  # an input finding, any case
    assert select(audit_dir, category="PERSON,EMAIL_ADDRESS") == ["a1", "a3"]
    assert select(audit_dir, check="pii", category="OPENAI_API_KEY") == []


def test_model_glob_and_route(audit_dir: Path) -> None:
    assert select(audit_dir, model="gpt-4o*") == ["a1", "b1", "a2", "b2", "b3"]
    assert select(audit_dir, model="gpt-4o") == ["b2"]
    assert select(audit_dir, model="claude-*,gpt-4o") == ["b2", "a3"]
    assert select(audit_dir, model="*") == ["a1", "b1", "a2", "b2", "a3", "b3"]  # a4 has none
    assert select(audit_dir, route="messages") == ["a3"]
    assert select(audit_dir, route="chat_*") == ["a1", "b1", "a2", "b2", "b3", "a4"]


def test_filters_combine_and_limit(audit_dir: Path) -> None:
    assert select(audit_dir, policy="strict", action="redact", since="2025-03-06") == ["b2"]
    assert select(audit_dir, limit=2) == ["a1", "b1"]
    assert select(audit_dir, policy="default", limit=3) == ["a1", "b1", "b3"]


# ---------------------------------------------------------------------------- output


def test_table_row_and_layout() -> None:
    record = decision(
        "x1",
        "2025-03-01T10:00:00.123+00:00",
        action="redact",
        would_action="block",
        found=[("pii", "PERSON"), ("pii", "EMAIL_ADDRESS"), ("pii", "PERSON")],
    )
    row = table_row(record)
    assert row == [
        "2025-03-01T10:00:00Z",
        "x1",
        "default@aaa111",
        "chat_completions",
        "gpt-4o-mini",
        "redact",
        "block",
        "EMAIL_ADDRESS,PERSON",
    ]
    lines = list(format_table([row]))
    assert lines[0].split() == [
        "TIME",
        "ID",
        "POLICY",
        "ROUTE",
        "MODEL",
        "ACTION",
        "WOULD_ACTION",
        "CATEGORIES",
    ]
    assert lines[1].split() == row


def test_table_escapes_terminal_control_characters() -> None:
    record = decision("x2", "2025-03-01T10:00:00Z", model="evil\x1b[31mred\n", policy="p\x07@1")
    row = table_row(record)
    assert row[4] == "evil\\x1b[31mred\\x0a"
    assert row[2] == "p\\x07@1"
    assert table_row({"id": "bare"}) == ["-", "bare", "-", "-", "-", "-", "-", "-"]


def test_jsonl_is_the_stored_line(audit_dir: Path) -> None:
    first = sorted(audit_dir.glob("audit-w1-*.jsonl"))[0]
    stored = first.read_text(encoding="utf-8").splitlines()[0]
    record = next(iter(AuditReader(audit_dir)))
    assert format_jsonl(record) == stored


# ---------------------------------------------------------------------------- CLI


def gp(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "guardproxy.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )


def test_cli_query_jsonl(audit_dir: Path) -> None:
    result = gp("audit", "query", str(audit_dir), "--policy", "strict", "--since", "2025-03-01")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert ids(records) == ["a2", "b2"]
    assert all(r["hash"] == record_hash(r) for r in records)
    assert result.stderr == ""


def test_cli_query_table(audit_dir: Path) -> None:
    result = gp(
        "audit",
        "query",
        str(audit_dir),
        "--category",
        "PERSON,CREDIT_CARD",
        "--format",
        "table",
        "--limit",
        "5",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("TIME") and "CATEGORIES" in lines[0]
    assert [line.split()[1] for line in lines[1:]] == ["b2", "a3"]
    assert lines[2].split() == [
        "2025-03-09T23:59:59Z",
        "a3",
        "monitor@ccc333",
        "messages",
        "claude-3-5-sonnet",
        "allow",
        "redact",
        "PERSON",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--since", "3 days ago"],
            "guardproxy: config error: --since: '3 days ago' is not a time",
        ),
        (["--action", "deny"], "guardproxy: config error: --action: 'deny' is not an action"),
        (["--limit", "0"], "guardproxy: config error: --limit must be at least 1, got 0"),
        (["--limit", "many"], "guardproxy: usage error: argument --limit: invalid int value"),
        (["--format", "csv"], "guardproxy: usage error: argument --format: invalid choice"),
    ],
)
def test_cli_query_bad_arguments_exit_2(audit_dir: Path, args: list[str], message: str) -> None:
    result = gp("audit", "query", str(audit_dir), *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_query_missing_directory_exit_2(tmp_path: Path) -> None:
    result = gp("audit", "query", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "audit directory" in result.stderr and "does not exist" in result.stderr
