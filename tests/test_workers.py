"""`serve --workers N`: real worker processes sharing one port in front of the mock upstream;
the merged /metrics, a worker restarted after it is killed, a clean stop on SIGTERM, and a
clear end when the workers cannot listen."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from guardproxy.audit.record import parse_audit_file_name
from guardproxy.config import load_settings
from guardproxy.errors import ConfigError
from guardproxy.supervisor import Supervisor
from tests.test_serve import REPO, free_port, stop

WAIT_S = 120.0


class Output:
    """Collects a process's output lines on a thread, so that the test can wait for one."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._proc = proc
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for(self, pattern: str, *, after: int = 0) -> tuple[re.Match[str], int]:
        """The first line from index ``after`` on that matches, and the index after it."""
        deadline = time.monotonic() + WAIT_S
        seen = after
        with self._changed:
            while True:
                for index in range(seen, len(self.lines)):
                    if match := re.search(pattern, self.lines[index]):
                        return match, index + 1
                seen = len(self.lines)
                if not self._thread.is_alive() or time.monotonic() > deadline:
                    raise AssertionError(f"no line matching {pattern!r}:\n{self.text()}")
                self._changed.wait(timeout=1.0)

    def text(self) -> str:
        return "".join(self.lines)

    def stop(self, sig: int = signal.SIGTERM) -> str:
        """Signal the process, wait for it to end, and return all it wrote."""
        if self._proc.poll() is None:
            self._proc.send_signal(sig)
        try:
            self._proc.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._thread.join(timeout=30)
        # the pipe stays open while any process the server started still holds it
        assert not self._thread.is_alive(), f"a child process outlived the server:\n{self.text()}"
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        return self.text()


def guardproxy(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "guardproxy.cli", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


@pytest.fixture
def mock_upstream() -> Iterator[int]:
    port = free_port()
    proc = guardproxy("mock-upstream", "--port", str(port))
    try:
        deadline = time.monotonic() + WAIT_S
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(stop(proc)) from None
                time.sleep(0.2)
        yield port
    finally:
        stop(proc)


def chat(port: int) -> str:
    """One chat completion on a new connection; the decision id the proxy answers with."""
    body = {"model": "m", "messages": [{"role": "user", "content": "hello"}]}
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/v1/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Bearer t"},
    )
    with urllib.request.urlopen(request, timeout=30) as resp:
        assert resp.status == 200
        decision_id = resp.headers["X-Guard-Decision-Id"]
    assert decision_id
    return str(decision_id)


def pids_with_records(audit_dir: Path) -> set[int]:
    """The pids of the workers whose audit chains hold decision records (chain: host-pid)."""
    out = set()
    for path in audit_dir.iterdir():
        parsed = parse_audit_file_name(path.name)
        if parsed is not None and path.stat().st_size > 0:
            out.add(int(parsed[0].rsplit("-", 1)[1]))
    return out


def requests_total(port: int) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
        text = r.read().decode()
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        if family.name == "guardproxy_requests"
        for sample in family.samples
        if sample.name == "guardproxy_requests_total"
    )


def policy_versions(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
        text = r.read().decode()
    return {
        sample.labels["version"]: sample.value
        for family in text_string_to_metric_families(text)
        if family.name == "guardproxy_policy_info"
        for sample in family.samples
    }


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_workers_share_the_port_merge_metrics_restart_and_stop_cleanly(
    tmp_path: Path, mock_upstream: int
) -> None:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "default.yaml").write_text("output: []\n")
    audit_dir = tmp_path / "audit"
    port = free_port()
    env = {
        **os.environ,
        "GUARDPROXY_WATCH_POLICIES": "false",
        "GUARDPROXY_NLP_WORKERS": "1",
        "GUARDPROXY_ACCESS_LOG": "off",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    proc = guardproxy(
        "serve",
        "--workers",
        "2",
        "--port",
        str(port),
        "--policies",
        str(policies),
        "--audit-dir",
        str(audit_dir),
        "--upstream",
        f"http://127.0.0.1:{mock_upstream}/v1",
        env=env,
    )
    output = Output(proc)
    try:
        listening, seen = output.wait_for(r"all 2 workers listening on \S+ \(pids (\d+), (\d+)\)")
        first, second = int(listening[1]), int(listening[2])

        # New connections are spread over both workers: each writes its own audit chain.
        sent = 0
        while pids_with_records(audit_dir) != {first, second}:
            assert sent < 400, f"only workers {pids_with_records(audit_dir)} answered"
            chat(port)
            sent += 1
        for _ in range(3):  # whichever worker answers the scrape, it counts every request
            assert requests_total(port) == sent

        # SIGHUP reaches every worker; a replaced policy version reads 0 once all reloaded
        before = policy_versions(port)
        (policies / "default.yaml").write_text("output: []\nmode: monitor\n")
        proc.send_signal(signal.SIGHUP)
        for pid in (first, second):
            output.wait_for(rf"\[{pid}\]: policies reloaded: default@", after=seen)
        after = policy_versions(port)
        ((old, loaded),) = before.items()
        assert loaded == 1 and after.pop(old) == 0
        assert list(after.values()) == [1]  # the new version, in every live worker

        os.kill(first, signal.SIGKILL)
        died, seen = output.wait_for(
            rf"worker (\d) \(pid {first}\) died unexpectedly \(killed by SIGKILL\)", after=seen
        )
        restarted, seen = output.wait_for(rf"worker {died[1]} ready \(pid (\d+)\)", after=seen)
        replacement = int(restarted[1])
        assert replacement not in (first, second) and alive(replacement)
        while replacement not in pids_with_records(audit_dir):
            assert sent < 800, "the restarted worker never answered"
            chat(port)
            sent += 1
        # the killed worker's counts stay in the merged total
        assert requests_total(port) == sent
    finally:
        text = output.stop(signal.SIGTERM)
    assert proc.returncode == 0, text
    assert "SIGTERM: stopping 2 workers" in text and "all workers stopped" in text
    assert not alive(second) and not alive(replacement)

    verify = subprocess.run(
        [sys.executable, "-m", "guardproxy.cli", "audit", "verify", str(audit_dir)],
        capture_output=True,
        text=True,
        timeout=WAIT_S,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert verify.stdout.startswith("OK: 3 chains"), verify.stdout


def test_workers_that_cannot_listen_end_the_server_with_a_clear_message(tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "default.yaml").write_text("output: []\n")
    with socket.socket() as taken:  # a listener without SO_REUSEPORT keeps the port
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "GUARDPROXY_WATCH_POLICIES": "false", "GUARDPROXY_NLP_WORKERS": "1"}
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        proc = guardproxy(
            "serve",
            "--workers",
            "2",
            "--port",
            str(port),
            "--policies",
            str(policies),
            "--audit-dir",
            str(tmp_path / "audit"),
            env=env,
        )
        output = Output(proc)
        try:
            proc.wait(timeout=WAIT_S)
        finally:
            out = output.stop(signal.SIGTERM)
    assert proc.returncode == 2, out
    last = out.strip().splitlines()[-1]
    assert last.startswith("guardproxy: config error: workers keep failing at start: worker ")
    assert f"cannot listen on 127.0.0.1:{port}" in last
    assert out.count("failed to start (3 of 3)") >= 1


def test_the_workers_setting() -> None:
    assert load_settings(env={}).workers == 1
    assert load_settings(env={"GUARDPROXY_WORKERS": "3"}).workers == 3
    flags_win = load_settings(env={"GUARDPROXY_WORKERS": "3"}, overrides={"workers": 2})
    assert flags_win.workers == 2
    with pytest.raises(ConfigError, match="GUARDPROXY_WORKERS"):
        load_settings(env={"GUARDPROXY_WORKERS": "0"})
    with pytest.raises(ConfigError, match="needs a fixed port"):
        Supervisor(load_settings(env={}, overrides={"workers": 2, "port": 0}))
    # the NER pool size is its own setting, per worker
    assert load_settings(env={"GUARDPROXY_NLP_WORKERS": "2"}).nlp_worker_count == 2
