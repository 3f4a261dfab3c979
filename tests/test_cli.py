"""The command line as other tools drive it: exit codes 0 / 1 / 2 and one clear line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import aiohttp

from tests.conftest import Proxy

REPO = Path(__file__).resolve().parent.parent


def gp(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "guardproxy.cli", *args],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=REPO,
        env={**os.environ, **(env or {})},
    )


def test_policy_check_shipped_ok() -> None:
    result = gp("policy", "check")
    assert result.returncode == 0, result.stderr
    assert "ok: default@" in result.stdout and "ok: strict@" in result.stdout


def test_policy_check_invalid_exit_1_with_location(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("output:\n  - use: pii\n    timeout_ms: 0\n")
    result = gp("policy", "check", str(bad))
    assert result.returncode == 1
    assert f"{bad}:3: output[0].timeout_ms" in result.stderr


def test_policy_test_shipped_fixtures_pass() -> None:
    result = gp("policy", "test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 failed" in result.stdout


def test_policy_test_failing_fixture_exit_1(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("name: p\noutput: []\n")
    fixtures = tmp_path / "tests"
    fixtures.mkdir()
    (fixtures / "f.yaml").write_text(
        "policy: p\ncases:\n  - name: wrong on purpose\n    text: hello\n"
        "    expect: {action: block}\n"
    )
    result = gp("policy", "test", str(fixtures))
    assert result.returncode == 1
    assert "FAIL f.yaml [p] wrong on purpose: action allow, expected block" in result.stdout


def test_usage_error_exit_2() -> None:
    result = gp("serve", "--port", "notaport")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1


def test_config_error_exit_2_names_the_source() -> None:
    result = gp("serve", env={"GUARDPROXY_UPSTREAM": "ftp://nowhere"})
    assert result.returncode == 2
    assert "GUARDPROXY_UPSTREAM" in result.stderr and "http://" in result.stderr


def test_config_file_unknown_key(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("portt: 9000\n")
    result = gp("serve", "--config", str(config))
    assert result.returncode == 2
    assert f"config file {config}: portt: unknown setting" in result.stderr


def test_audit_prune_errors_exit_2_with_one_line_naming_the_directory(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = gp("audit", "prune", "--dir", str(missing), "--older-than", "30")
    assert result.returncode == 2
    assert result.stderr == (
        f"guardproxy: config error: audit directory {missing} does not exist\n"
    )
    result = gp("audit", "prune", "--dir", str(tmp_path), "--older-than", "-1")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--older-than must be a positive" in result.stderr


async def test_audit_verify_live_log_then_tampering(proxy: Proxy, tmp_path: Path) -> None:
    async with aiohttp.ClientSession() as s:
        for i in range(5):
            async with s.post(
                proxy.server.make_url("/v1/chat/completions"),
                json={"model": "m", "messages": [{"role": "user", "content": f"q{i}"}]},
            ) as r:
                assert r.status == 200
    files = sorted(proxy.audit_dir.glob("*.jsonl"))
    ok = gp("audit", "verify", str(proxy.audit_dir))
    assert ok.returncode == 0, ok.stdout
    assert "OK" in ok.stdout and "5 records" in ok.stdout

    lines = files[0].read_text().splitlines()
    ids = [json.loads(line)["id"] for line in lines]

    def verify_with(new_lines: list[str]) -> subprocess.CompletedProcess[str]:
        copy = tmp_path / f"case{len(list(tmp_path.iterdir()))}"
        copy.mkdir()
        (copy / files[0].name).write_text("\n".join(new_lines) + "\n")
        return gp("audit", "verify", str(copy))

    edited = json.loads(lines[2])
    edited["action"] = "allow"
    result = verify_with(
        [*lines[:2], json.dumps(edited, sort_keys=True, separators=(",", ":")), *lines[3:]]
    )
    assert result.returncode == 1
    assert f"{files[0].name}:3" in result.stdout and ids[2] in result.stdout

    result = verify_with([*lines[:2], *lines[3:]])
    assert result.returncode == 1
    assert f"{files[0].name}:3" in result.stdout and ids[3] in result.stdout

    result = verify_with([lines[0], lines[2], lines[1], *lines[3:]])
    assert result.returncode == 1
    assert f"{files[0].name}:2" in result.stdout and ids[2] in result.stdout


async def test_audit_verify_catches_a_cut_tail_with_checkpoints(
    proxy: Proxy, tmp_path: Path
) -> None:
    async with aiohttp.ClientSession() as s:
        for i in range(3):
            async with s.post(
                proxy.server.make_url("/v1/chat/completions"),
                json={"model": "m", "messages": [{"role": "user", "content": f"q{i}"}]},
            ) as r:
                assert r.status == 200
        async with s.get(proxy.server.make_url("/guard/provenance/keys")) as r:
            (tmp_path / "keys.json").write_text(await r.text())
    await proxy.runtime.audit.close()  # writes the final checkpoint
    ok = gp("audit", "verify", str(proxy.audit_dir), "--keys", str(tmp_path / "keys.json"))
    assert ok.returncode == 0, ok.stdout
    assert "checkpoint" in ok.stdout
    records = sorted(p for p in proxy.audit_dir.glob("audit-*-0*.jsonl"))
    lines = records[-1].read_text().splitlines()
    records[-1].write_text("\n".join(lines[:-1]) + "\n")  # cut the last record off
    cut = gp("audit", "verify", str(proxy.audit_dir), "--keys", str(tmp_path / "keys.json"))
    assert cut.returncode == 1
    assert "records removed from the tail" in cut.stdout
