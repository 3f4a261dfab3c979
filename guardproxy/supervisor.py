"""``serve --workers N``: N server processes on one port, kept running by their parent.

Each worker is a whole server (see ``cli._run_server``): its own event loop, upstream
connection pool, NER pool, audit chain and policy watcher. The workers bind the same
host:port with SO_REUSEPORT, so the kernel hands each new connection to one of them (Linux
spreads connections by a hash of their addresses). The parent serves nothing; it:

- prepares the shared Prometheus directory (multiprocess mode, see ``metrics``);
- starts the workers and waits until each is listening;
- forwards SIGTERM, SIGINT and SIGHUP to them, and on SIGTERM or SIGINT waits for them to
  drain (``shutdown_grace_s``, plus time to close their pools);
- restarts a worker that dies, with a growing pause; a worker that keeps failing before it
  listens (the port in use, a bad setting) ends the whole server with a clear message.

Workers are started with multiprocessing's *spawn*: each is a fresh interpreter, so
nothing of the parent leaks into it (threads, locks, an imported prometheus_client that
decided against multiprocess mode before ``PROMETHEUS_MULTIPROC_DIR`` was set), and a
restarted worker starts from exactly the same state as the first one. Forking would save
the start-up import time, once per worker, and nothing else worth having.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path

from guardproxy.config import Settings
from guardproxy.errors import ConfigError
from guardproxy.metrics import MULTIPROC_DIR_ENV

log = logging.getLogger("guardproxy.supervisor")

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
# A worker failing this many times in a row before it listens ends the server.
START_ATTEMPTS = 3
RESTART_BACKOFF_S = 0.5
MAX_RESTART_BACKOFF_S = 30.0
# A worker that ran this long before dying restarts after the shortest pause again.
STABLE_AFTER_S = 60.0
# Beyond shutdown_grace_s: closing the NER pool and the audit writer after the drain.
CLOSE_MARGIN_S = 15.0
_FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


@dataclass
class _Slot:
    """One worker position; a restarted worker takes over its slot."""

    number: int
    process: BaseProcess | None = None
    conn: Connection | None = None
    ready: bool = False
    started_at: float = 0.0
    failed_starts: int = 0
    quick_deaths: int = 0
    restart_at: float | None = None
    reason: str = ""


class Supervisor:
    """Starts, watches and stops the worker processes of one ``serve --workers N``."""

    def __init__(self, settings: Settings) -> None:
        if settings.port == 0:
            raise ConfigError(
                "workers: more than one worker needs a fixed port (with port 0 each worker "
                "would listen on a port of its own)"
            )
        if not hasattr(socket, "SO_REUSEPORT"):
            raise ConfigError("workers: more than one worker needs SO_REUSEPORT (Linux, BSD)")
        self.settings = settings
        self._ctx = multiprocessing.get_context("spawn")
        self._slots = [_Slot(n) for n in range(1, settings.workers + 1)]
        self._stopping = False
        self._announced = False
        self._own_metrics_dir = False
        self._metrics_dir: Path | None = None

    # --- the parent's main loop ----------------------------------------------------------

    def run(self) -> int:
        """Run until SIGTERM or SIGINT; the exit code (0 when every worker stopped cleanly)."""
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_r, False)
        os.set_blocking(wake_w, False)
        previous = {sig: signal.signal(sig, _note_signal) for sig in _FORWARDED}
        old_wakeup = signal.set_wakeup_fd(wake_w)
        try:
            self._prepare_metrics_dir()
            try:
                for slot in self._slots:
                    self._start(slot)
                failure = self._supervise(wake_r)
            finally:
                # also when the supervisor itself fails: no worker is left behind
                code = self._stop_all(wake_r)
            if failure is not None:
                raise ConfigError(failure)
            return code
        finally:
            signal.set_wakeup_fd(old_wakeup)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            os.close(wake_r)
            os.close(wake_w)
            self._remove_metrics_dir()

    def _supervise(self, wake_r: int) -> str | None:
        """Watch the workers until asked to stop (None) or a worker cannot start (why)."""
        while not self._stopping:
            ready = wait(self._waitables(wake_r), timeout=self._next_timeout())
            if wake_r in ready:
                self._on_signals(wake_r)
            for slot in self._slots:
                failure = self._poll(slot, ready)
                if failure is not None:
                    return failure
            now = time.monotonic()
            for slot in self._slots:
                if not self._stopping and slot.restart_at is not None and now >= slot.restart_at:
                    self._start(slot)
        return None

    def _waitables(self, wake_r: int) -> list[Connection | int]:
        out: list[Connection | int] = [wake_r]
        for slot in self._slots:
            if slot.process is not None:
                out.append(slot.process.sentinel)
            if slot.conn is not None:
                out.append(slot.conn)
        return out

    def _next_timeout(self) -> float | None:
        due = [s.restart_at for s in self._slots if s.restart_at is not None]
        return None if not due else max(0.0, min(due) - time.monotonic())

    def _on_signals(self, wake_r: int) -> None:
        for signum in _drain(wake_r):
            if signum == signal.SIGHUP:
                log.info("SIGHUP: asking the workers to reload their policies")
                self._signal_workers(signal.SIGHUP, ready_only=True)
            elif signum in (signal.SIGTERM, signal.SIGINT):
                if not self._stopping:
                    log.info(
                        "%s: stopping %d workers (draining up to %ss)",
                        signal.Signals(signum).name,
                        sum(s.process is not None for s in self._slots),
                        self.settings.shutdown_grace_s,
                    )
                self._stopping = True
                self._signal_workers(signal.Signals(signum))

    def _poll(self, slot: _Slot, ready: Sequence[object]) -> str | None:
        """Read the slot's messages and notice its death; a reason to give up, or None."""
        if slot.conn is not None and slot.conn in ready:
            self._read(slot)
        process = slot.process
        if process is None or process.sentinel not in ready:
            return None
        process.join()
        code = process.exitcode
        pid = process.pid or 0
        if slot.conn is not None:
            self._read(slot)  # a last message may still be in the pipe
            slot.conn.close()
        slot.process, slot.conn = None, None
        _mark_process_dead(pid, self._metrics_dir)
        if self._stopping:
            return None
        if not slot.ready:
            slot.failed_starts += 1
            reason = slot.reason or _describe_exit(code)
            log.error(
                "worker %d (pid %d) failed to start (%d of %d): %s",
                slot.number,
                pid,
                slot.failed_starts,
                START_ATTEMPTS,
                reason,
            )
            if slot.failed_starts >= START_ATTEMPTS:
                return f"workers keep failing at start: worker {slot.number}: {reason}"
            delay = _backoff(slot.failed_starts - 1)
        else:
            lived = time.monotonic() - slot.started_at
            if lived >= STABLE_AFTER_S:
                slot.quick_deaths = 0
            delay = _backoff(slot.quick_deaths)
            slot.quick_deaths += 1
            log.warning(
                "worker %d (pid %d) died unexpectedly (%s) after %.0fs; restarting it in %.1fs",
                slot.number,
                pid,
                _describe_exit(code),
                lived,
                delay,
            )
        slot.ready = False
        slot.restart_at = time.monotonic() + delay
        return None

    def _read(self, slot: _Slot) -> None:
        conn = slot.conn
        if conn is None:
            return
        while True:
            try:
                if not conn.poll():
                    return
                kind, detail = conn.recv()
            except (EOFError, OSError):
                return
            if kind == "ready":
                slot.ready = True
                slot.failed_starts = 0
                pid = slot.process.pid if slot.process is not None else 0
                log.info("worker %d ready (pid %d)", slot.number, pid)
                self._announce_if_all_ready()
            else:
                slot.reason = str(detail)

    def _announce_if_all_ready(self) -> None:
        if self._announced or self._stopping or not all(s.ready for s in self._slots):
            return
        self._announced = True
        pids = ", ".join(str(s.process.pid) for s in self._slots if s.process is not None)
        log.info(
            "all %d workers listening on http://%s:%s (pids %s)",
            len(self._slots),
            self.settings.host,
            self.settings.port,
            pids,
        )

    # --- starting and stopping -----------------------------------------------------------

    def _start(self, slot: _Slot) -> None:
        receiver, sender = self._ctx.Pipe(duplex=False)
        process = self._ctx.Process(
            target=worker_main,
            args=(self.settings, sender, os.getpid()),
            name=f"guardproxy-worker-{slot.number}",
            # not a daemon: a daemonic process may not start its own NER pool
            daemon=False,
        )
        process.start()
        sender.close()
        slot.process, slot.conn = process, receiver
        slot.ready, slot.reason, slot.restart_at = False, "", None
        slot.started_at = time.monotonic()
        log.info("worker %d started (pid %d)", slot.number, process.pid or 0)

    def _signal_workers(self, sig: signal.Signals, *, ready_only: bool = False) -> None:
        for slot in self._slots:
            if slot.process is None or (ready_only and not slot.ready):
                continue
            if slot.process.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(slot.process.pid, sig)

    def _stop_all(self, wake_r: int) -> int:
        """Stop every worker (SIGTERM unless already signalled) and wait for the drain."""
        for slot in self._slots:
            slot.restart_at = None
        if not self._stopping:
            self._stopping = True
            self._signal_workers(signal.SIGTERM)
        deadline = time.monotonic() + self.settings.shutdown_grace_s + CLOSE_MARGIN_S
        clean = True
        while any(s.process is not None for s in self._slots):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            ready = wait(self._waitables(wake_r), timeout=remaining)
            if wake_r in ready:
                # a second SIGTERM or SIGINT is passed on as well; the drain continues
                self._on_signals(wake_r)
            for slot in self._slots:
                process = slot.process
                if process is not None and process.sentinel in ready:
                    self._poll(slot, ready)
                    if process.exitcode != 0:
                        clean = False
                        log.error(
                            "worker %d (pid %d) stopped with %s",
                            slot.number,
                            process.pid or 0,
                            _describe_exit(process.exitcode),
                        )
                elif slot.conn is not None and slot.conn in ready:
                    self._read(slot)
        for slot in self._slots:
            if slot.process is not None:
                clean = False
                log.error(
                    "worker %d (pid %d) did not stop in time; killing it",
                    slot.number,
                    slot.process.pid or 0,
                )
                slot.process.kill()
                slot.process.join()
                slot.process = None
        if clean:
            log.info("all workers stopped")
        return EXIT_OK if clean else EXIT_INVALID

    # --- the shared metrics directory -----------------------------------------------------

    def _prepare_metrics_dir(self) -> None:
        """A fresh multiprocess directory: the one given in the environment, emptied, or a
        new temporary one. Files left by an earlier run would add its counts to this one."""
        given = os.environ.get(MULTIPROC_DIR_ENV)
        if given:
            directory = Path(given)
            try:
                directory.mkdir(parents=True, exist_ok=True)
                for old in directory.glob("*.db"):
                    old.unlink()
            except OSError as exc:
                raise ConfigError(
                    f"{MULTIPROC_DIR_ENV}={directory}: {exc.strerror or type(exc).__name__}"
                ) from None
        else:
            directory = Path(tempfile.mkdtemp(prefix="guardproxy-metrics-"))
            self._own_metrics_dir = True
            # the workers are spawned with the parent's environment, so they all see it
            os.environ[MULTIPROC_DIR_ENV] = str(directory)
        self._metrics_dir = directory
        log.info("worker metrics are merged through %s", directory)

    def _remove_metrics_dir(self) -> None:
        if self._own_metrics_dir and self._metrics_dir is not None:
            shutil.rmtree(self._metrics_dir, ignore_errors=True)
            os.environ.pop(MULTIPROC_DIR_ENV, None)


def worker_main(settings: Settings, conn: Connection, parent_pid: int) -> None:
    """One worker process: a whole server on the shared port, reporting to its parent."""
    import asyncio

    from guardproxy.accesslog import configure_access_log
    from guardproxy.cli import _install_loop, _run_server, _setup_logging

    # Until the server's own handlers are in place: SIGHUP must not end a starting worker
    # (its policies are fresh anyway), and SIGTERM or SIGINT wait for the end of the start.
    # Interrupting it would leave the NER pool it may be starting without an owner; once
    # listening, the server drains and closes everything it holds.
    early_stop: list[int] = []

    def defer(signum: int, frame: object) -> None:
        early_stop.append(signum)

    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, defer)
    _setup_logging(settings.log_level, with_pid=True)
    configure_access_log(settings.access_log)
    _install_loop()

    def ready(port: int) -> None:
        conn.send(("ready", port))
        if early_stop:
            os.kill(os.getpid(), signal.SIGTERM)  # now handled by the server: a clean stop

    code = EXIT_OK
    try:
        asyncio.run(_run_server(settings, on_ready=ready, reuse_port=True, parent_pid=parent_pid))
    except KeyboardInterrupt:
        pass
    except ConfigError as exc:
        _report(conn, str(exc))
        code = EXIT_USAGE
    except Exception as exc:
        log.exception("worker failed")
        _report(conn, f"{type(exc).__name__} (see the log)")
        code = EXIT_INVALID
    finally:
        conn.close()
    if code:
        sys.exit(code)


def _report(conn: Connection, reason: str) -> None:
    with contextlib.suppress(OSError):
        conn.send(("failed", reason))


def _note_signal(signum: int, frame: object) -> None:
    """The parent's handler: the wakeup fd carries the signal to the main loop."""


def _drain(fd: int) -> list[int]:
    out: list[int] = []
    while True:
        try:
            data = os.read(fd, 512)
        except BlockingIOError:
            return out
        if not data:
            return out
        out.extend(data)


def _backoff(attempt: int) -> float:
    return float(min(RESTART_BACKOFF_S * (2**attempt), MAX_RESTART_BACKOFF_S))


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _mark_process_dead(pid: int, directory: Path | None) -> None:
    """Drop a dead worker's live gauges (in-flight, policy info) from the merged view."""
    if directory is None or not pid:
        return
    from prometheus_client import multiprocess

    with contextlib.suppress(OSError):
        multiprocess.mark_process_dead(pid, str(directory))  # type: ignore[no-untyped-call]
