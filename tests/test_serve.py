"""The real processes: `guardproxy demo` examples work as printed; `serve` reloads on SIGHUP
and drains on SIGTERM."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(port: int, proc: subprocess.Popen[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"process exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("not ready in time")


def stop(proc: subprocess.Popen[str], sig: int = signal.SIGINT) -> str:
    """Signal the process, wait for it, and return the rest of its output (pipes closed)."""
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out or ""


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "guardproxy.cli",
            "demo",
            "--port",
            str(port),
            "--audit-dir",
            str(tmp_path / "audit"),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_ready(port, proc)
        yield port, proc
    finally:
        stop(proc)


def test_demo_examples_work_as_printed(demo: tuple[int, subprocess.Popen[str]]) -> None:
    _port, proc = demo
    assert proc.stdout is not None
    printed = ""
    while "Ctrl-C stops both." not in printed:
        line = proc.stdout.readline()
        assert line, "demo stopped printing before its examples"
        printed += line
    curl = re.search(r"(curl -s http://\S+/v1/chat/completions.*?\}'\n)", printed, re.S)
    assert curl is not None, printed
    out = subprocess.run(
        curl.group(1).replace("\\\n", " "), shell=True, capture_output=True, text=True, timeout=60
    )
    reply = json.loads(out.stdout)
    content = reply["choices"][0]["message"]["content"]
    assert "<EMAIL_ADDRESS>" in content and "jane.doe@example.com" not in content

    snippet = re.search(r"\.venv/bin/python - <<'PY'\n(.*?)\nPY\n", printed, re.S)
    assert snippet is not None, printed
    sdk = subprocess.run(
        [sys.executable, "-"], input=snippet.group(1), capture_output=True, text=True, timeout=60
    )
    assert sdk.returncode == 0, sdk.stderr
    assert "<EMAIL_ADDRESS>" in sdk.stdout and "jane.doe" not in sdk.stdout


def test_serve_reloads_on_sighup_and_stops_cleanly(tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "default.yaml").write_text("output: []\n")
    port = free_port()
    env = {**os.environ, "GUARDPROXY_WATCH_POLICIES": "false", "GUARDPROXY_NLP_WORKERS": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "guardproxy.cli",
            "serve",
            "--port",
            str(port),
            "--policies",
            str(policies),
            "--audit-dir",
            str(tmp_path / "audit"),
            "--upstream",
            "http://127.0.0.1:9/v1",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        wait_ready(port, proc)

        def metric(line_start: str) -> str:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
                text = r.read().decode()
            return "\n".join(x for x in text.splitlines() if x.startswith(line_start))

        before = metric("guardproxy_policy_info")
        (policies / "default.yaml").write_text("output: []\nmode: monitor\n")
        proc.send_signal(signal.SIGHUP)
        for _ in range(100):
            if metric('guardproxy_policy_reloads_total{outcome="success"}').endswith(" 1.0"):
                break
            time.sleep(0.1)
        after = metric("guardproxy_policy_info")
        assert after != before and 'policy="default"' in after

        (policies / "default.yaml").write_text("output: [{use: nope}]\n")
        proc.send_signal(signal.SIGHUP)
        for _ in range(100):
            if metric('guardproxy_policy_reloads_total{outcome="error"}').endswith(" 1.0"):
                break
            time.sleep(0.1)
        assert metric("guardproxy_policy_info") == after
    finally:
        output = stop(proc, signal.SIGTERM)
    assert proc.returncode == 0, output
    assert "policy reload failed, keeping the running policies" in output
    assert "default.yaml:1: output[0].use: unknown check 'nope'" in output


def test_mock_moderation_command_serves_the_moderation_shape() -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "guardproxy.cli", "mock-moderation", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 60
        body = json.dumps({"model": "m", "input": "a friendly hello"}).encode()
        while True:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/v1/moderations",
                data=body,
                headers={"Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=2) as resp:
                    answer = json.loads(resp.read())
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(stop(proc)) from None
                time.sleep(0.2)
        assert answer["results"][0]["flagged"] is False
        assert "hate" in answer["results"][0]["categories"]
    finally:
        out = stop(proc)
    assert f"mock moderation service on http://127.0.0.1:{port}" in out
