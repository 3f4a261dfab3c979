"""The audit writer: one hash chain of JSONL records per writer, with rotation and fsync.

Every append links the new record to the previous one (``prev_hash``) and seals it with
its own ``hash``, so an edited, removed or reordered record breaks the chain where it
happened. With a signer, the writer also keeps signed checkpoints of the chain's latest
record in ``audit-{chain}.checkpoints.jsonl``, so that records cut off the end of the
chain are detected too. Appends are serialised, and the file state belongs to one
dedicated I/O thread, which does every fsync, rotation, checkpoint and retention run.

The one exception is the common append: when the writer is idle (nothing queued, no
thread job touching the file), the record is not due to rotate the file or trigger a
checkpoint, and ``fsync`` is not ``always``, the event loop writes the line itself. A
plain write to an open file lands in the page cache, so this costs less than the two
cross-thread wake-ups of a hand-over and never waits for an fsync. Ownership is a
``threading.Lock`` that every thread job holds while it touches the file state; the loop
only ever tries it without blocking, and hands the record over when it is taken.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any, Literal, TypeVar

from guardproxy.audit.checkpoint import (
    RETENTION_TYPE,
    CheckpointSigner,
    checkpoint_file_name,
    make_checkpoint,
)
from guardproxy.audit.files import cut_torn_tail, lines_backwards, try_lock_chain, write_all
from guardproxy.audit.record import (
    GENESIS_HASH,
    RESERVED_FIELDS,
    audit_file_name,
    canonical_json,
    check_chain_id,
    is_hex64,
    parse_audit_file_name,
    record_hash,
)
from guardproxy.audit.retention import RetentionRule, chain_files, plan_prune, remove_files
from guardproxy.durable import fsync_directory
from guardproxy.errors import GuardProxyError

log = logging.getLogger(__name__)

FsyncMode = Literal["always", "interval", "never"]
_FSYNC_MODES: tuple[FsyncMode, ...] = ("always", "interval", "never")
_T = TypeVar("_T")
_MARKER_LOOKBACK = 1000  # lines read back past retention markers for the latest checkpoint


class AuditWriteError(GuardProxyError):
    """An audit record could not be written; the decision it describes is not on disk."""


def _describe(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


class AuditWriter:
    """Appends decision records to ``audit-{chain_id}-{n:06d}.jsonl`` files in ``directory``.

    ``fsync``: ``always`` makes each record durable before ``append`` returns;
    ``interval`` syncs at most ``fsync_interval_s`` after a write (a crash can lose that
    much, never corrupt earlier records); ``never`` leaves it to the operating system.
    A file holds at most ``max_file_bytes`` unless a single record is larger.

    One writer per chain: ``start`` takes an exclusive lock on the chain, so a second
    process configured with the same chain id fails at startup instead of forking it.

    Checkpoints: with ``checkpoint_signer`` (signs bytes, returns the 64-byte Ed25519
    signature) and ``checkpoint_kid`` (the id of the key it signs with), the writer signs
    a checkpoint of the chain's last record after every ``checkpoint_every`` records, at
    most ``checkpoint_interval_s`` after any record not yet covered, when it starts on a
    chain whose last record is not covered, and at ``close``. The record file is synced
    before each checkpoint (whatever ``fsync`` says) so that a checkpoint never names a
    record a crash could still lose. A checkpoint that cannot be signed or written is
    logged and counted in ``checkpoint_errors``; it never fails an append.

    Retention: with ``retention_s`` and/or ``retention_max_files`` (and a signer), the
    writer removes the chain's closed files once they are older than ``retention_s`` or
    the chain has more than ``retention_max_files`` files, oldest first, never the file
    it writes to. Before removing any, it appends a signed retention marker to the
    checkpoint file and syncs it, so that verification can tell retention from
    tampering. It prunes when it starts, after each rotation and every
    ``retention_interval_s``, always in its I/O thread; a failure is logged and counted in
    ``prune_errors`` and never fails an append.
    """

    def __init__(
        self,
        directory: Path,
        *,
        chain_id: str,
        max_file_bytes: int = 64 * 1024 * 1024,
        max_file_age_s: float | None = None,
        fsync: FsyncMode = "interval",
        fsync_interval_s: float = 1.0,
        index_size: int = 10_000,
        checkpoint_signer: CheckpointSigner | None = None,
        checkpoint_kid: str | None = None,
        checkpoint_every: int = 100,
        checkpoint_interval_s: float = 10.0,
        retention_s: float | None = None,
        retention_max_files: int | None = None,
        retention_interval_s: float = 3600.0,
        write_on_loop: bool = True,
    ) -> None:
        self._chain_id = check_chain_id(chain_id)
        # under fsync "always" each record waits for the disk, which the loop must not do
        self._write_on_loop = write_on_loop and fsync != "always"
        if max_file_bytes < 1:
            raise ValueError(f"max_file_bytes must be at least 1, got {max_file_bytes}")
        if fsync not in _FSYNC_MODES:
            raise ValueError(f"fsync must be one of {', '.join(_FSYNC_MODES)}, got {fsync!r}")
        if not fsync_interval_s > 0:
            raise ValueError(f"fsync_interval_s must be positive, got {fsync_interval_s}")
        if index_size < 0:
            raise ValueError(f"index_size must be 0 or more, got {index_size}")
        if (checkpoint_signer is None) != (checkpoint_kid is None):
            raise ValueError(
                "checkpoint_signer and checkpoint_kid go together: give both or neither"
            )
        if checkpoint_kid is not None and not checkpoint_kid:
            raise ValueError("checkpoint_kid must be a non-empty string")
        if checkpoint_every < 1:
            raise ValueError(f"checkpoint_every must be at least 1, got {checkpoint_every}")
        if not checkpoint_interval_s > 0:
            raise ValueError(f"checkpoint_interval_s must be positive, got {checkpoint_interval_s}")
        self._directory = Path(directory)
        self._max_file_bytes = max_file_bytes
        if max_file_age_s is not None and not max_file_age_s > 0:
            raise ValueError(f"max_file_age_s must be positive, got {max_file_age_s}")
        self._max_file_age_s = max_file_age_s
        self._file_opened_at = time.monotonic()
        self._fsync_mode: FsyncMode = fsync
        self._fsync_interval_s = fsync_interval_s
        self._index_size = index_size
        self._signer = checkpoint_signer
        self._kid = checkpoint_kid
        self._checkpoint_every = checkpoint_every
        self._checkpoint_interval_s = checkpoint_interval_s
        self._retention = RetentionRule(max_age_s=retention_s, max_files=retention_max_files)
        if self._retention.enabled and checkpoint_signer is None:
            raise ValueError(
                "retention needs checkpoint_signer and checkpoint_kid: files removed without "
                "a signed retention marker are indistinguishable from tampering"
            )
        if not retention_interval_s > 0:
            raise ValueError(f"retention_interval_s must be positive, got {retention_interval_s}")
        self._retention_interval_s = retention_interval_s

        self.write_errors: int = 0
        """Appends (and background syncs) that failed; exported as a metric."""
        self.checkpoints_written: int = 0
        """Checkpoints signed and written by this writer."""
        self.checkpoint_errors: int = 0
        """Checkpoints that could not be signed or written; exported as a metric."""
        self.files_pruned: int = 0
        """Files this writer removed by retention."""
        self.prune_errors: int = 0
        """Retention runs that could not mark or remove what they should have."""

        # Event-loop side.
        self._executor = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix=f"guardproxy-audit-{self._chain_id}"
        )
        self._append_lock = asyncio.Lock()
        self._queue: collections.deque[tuple[dict[str, Any], asyncio.Future[dict[str, Any]]]] = (
            collections.deque()
        )
        """Records handed over and not yet written: one thread job drains many."""
        self._draining = False
        """A drain job is submitted and has not handed its batch back yet (loop side)."""
        self._idle: asyncio.Future[None] | None = None
        self._started = False
        self._closed = False
        self._sync_timer: asyncio.TimerHandle | None = None
        self._checkpoint_timer: asyncio.TimerHandle | None = None
        self._retention_timer: asyncio.TimerHandle | None = None

        self._io_lock = threading.Lock()
        """Held by whoever touches the state below: every job of the I/O thread, and the
        loop while it writes a record itself (it only ever tries it without blocking)."""

        # Owned by the I/O thread (or the loop while it holds _io_lock); the event loop
        # only reads _path.
        self._file: IO[bytes] | None = None
        self._lock_file: IO[bytes] | None = None
        self._path: Path | None = None
        self._number = 1
        self._size = 0
        self._seq = 0
        self._prev_hash = GENESIS_HASH
        self._dirty = False
        self._damaged = False
        self._io_closed = False
        self._index: OrderedDict[str, tuple[Path, int, int]] = OrderedDict()
        self._last_record_file: str | None = None
        self._cp_file: IO[bytes] | None = None
        self._cp_size = 0
        self._cp_seq: int | None = None  # seq covered by the latest checkpoint on disk
        self._uncovered = 0  # records appended since the latest checkpoint

    @property
    def chain_id(self) -> str:
        return self._chain_id

    @property
    def directory(self) -> Path:
        return self._directory

    @property
    def checkpoint_path(self) -> Path:
        """``audit-{chain_id}.checkpoints.jsonl`` in the directory (used only with a signer)."""
        return self._directory / checkpoint_file_name(self._chain_id)

    @property
    def path(self) -> Path:
        """The file the next record goes to (after ``start``)."""
        if self._path is None:
            raise RuntimeError("the audit writer has not been started")
        return self._path

    # ------------------------------------------------------------------ event loop side

    async def _in_thread(self, fn: Callable[..., _T], *args: Any) -> _T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._owned, fn, *args)

    def _owned(self, fn: Callable[..., _T], *args: Any) -> _T:
        """Run ``fn`` (in the I/O thread) holding the file state."""
        with self._io_lock:
            return fn(*args)

    def _submit(self, fn: Callable[..., object], *args: Any) -> None:
        """Queue a job for the I/O thread, run holding the file state."""
        self._executor.submit(self._owned, fn, *args)

    async def start(self) -> None:
        """Create the directory and continue this chain where its files end, if any."""
        if self._closed:
            raise RuntimeError("the audit writer is closed")
        if self._started:
            raise RuntimeError("the audit writer is already started")
        try:
            await self._in_thread(self._start_sync)
        except OSError as exc:
            raise AuditWriteError(
                f"cannot open audit chain {self._chain_id} in {self._directory}: "
                f"{_describe(exc)}; check that the directory exists and is writable"
            ) from exc
        self._started = True
        if self._retention.enabled:
            self._on_retention_timer()  # prune what expired while the writer was stopped

    async def append(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Add ``chain``, ``seq``, ``prev_hash`` and ``hash``, write one line, return it.

        ``record`` needs a string ``id`` (the decision id) and must not carry the fields
        the writer sets. Once handed over, a record is written even if the caller is
        cancelled. Raises ``AuditWriteError`` when it cannot be written, ``ValueError``
        or ``TypeError`` when it is not a valid record.
        """
        decision_id = record.get("id")
        if not isinstance(decision_id, str) or not decision_id:
            raise ValueError("an audit record needs a non-empty string 'id'")
        reserved = sorted(RESERVED_FIELDS.intersection(record))
        if reserved:
            raise ValueError(f"audit record {decision_id} sets fields the writer owns: {reserved}")
        if not self._started:
            raise RuntimeError("call start() before append()")
        if self._closed:
            self.write_errors += 1
            raise AuditWriteError(f"audit record {decision_id} not written: the writer is closed")
        loop = asyncio.get_running_loop()
        stored = self._append_inline(record)
        if stored is None:
            future: asyncio.Future[dict[str, Any]] = loop.create_future()
            # Once queued, the record is written even if the caller is cancelled meanwhile
            # (cancelling only cancels its future, which the hand-back then skips).
            self._queue.append((dict(record), future))
            if not self._draining:
                self._draining = True
                self._executor.submit(self._drain, loop)
            stored = await future
        if self._fsync_mode == "interval" and self._sync_timer is None and not self._closed:
            self._sync_timer = loop.call_later(self._fsync_interval_s, self._on_sync_timer)
        if self._signer is not None and self._checkpoint_timer is None and not self._closed:
            self._checkpoint_timer = loop.call_later(
                self._checkpoint_interval_s, self._on_checkpoint_timer
            )
        return stored

    def _append_inline(self, record: Mapping[str, Any]) -> dict[str, Any] | None:
        """Write the record on the loop when nothing slow or out of order can happen.

        ``None`` when it must go through the I/O thread instead: ``fsync`` is ``always``
        (each record waits for the disk), records are queued or their batch is not handed
        back yet (they come first), or a thread job holds the file state (an fsync, a
        checkpoint, a retention run, a lookup). ``_append_sync`` also refuses, before
        changing anything, a record that would rotate the file, trigger a checkpoint or
        find the file closed or damaged: those sync the disk.
        """
        if not self._write_on_loop or self._draining or self._queue:
            return None
        if not self._io_lock.acquire(blocking=False):
            return None
        try:
            return self._append_sync(dict(record), inline=True)
        finally:
            self._io_lock.release()

    def _handed_back(self, results: list[tuple[asyncio.Future[dict[str, Any]], Any, bool]]) -> None:
        """On the loop: resolve the futures of one drained batch, then drain what came since."""
        for future, value, failed in results:
            if future.done():
                continue  # its caller was cancelled; the record was written all the same
            if failed:
                future.set_exception(value)
            else:
                future.set_result(value)
        if self._queue:
            self._executor.submit(self._drain, asyncio.get_running_loop())
            return
        self._draining = False
        idle, self._idle = self._idle, None
        if idle is not None and not idle.done():
            idle.set_result(None)

    async def _wait_idle(self) -> None:
        """Until every queued append has been written (or failed) and handed back."""
        while self._draining:
            if self._idle is None:
                self._idle = asyncio.get_running_loop().create_future()
            await asyncio.shield(self._idle)

    def _on_sync_timer(self) -> None:
        self._sync_timer = None
        if self._closed:
            return
        with contextlib.suppress(RuntimeError):  # the executor is shutting down
            self._submit(self._sync_sync)

    def _on_checkpoint_timer(self) -> None:
        self._checkpoint_timer = None
        if self._closed:
            return
        with contextlib.suppress(RuntimeError):  # the executor is shutting down
            self._submit(self._checkpoint_sync)

    def _on_retention_timer(self) -> None:
        self._retention_timer = None
        if self._closed:
            return
        with contextlib.suppress(RuntimeError):  # the executor is shutting down
            self._submit(self._prune_sync)
        loop = asyncio.get_running_loop()
        self._retention_timer = loop.call_later(
            self._retention_interval_s, self._on_retention_timer
        )

    async def prune(self) -> tuple[str, ...]:
        """Apply the retention now, in the writer thread; return the names of removed files.

        The writer also does this by itself (at start, after rotations, on a timer).
        """
        if not self._started:
            raise RuntimeError("call start() before prune()")
        if self._closed:
            return ()
        async with self._append_lock:
            return await self._in_thread(self._prune_sync)

    async def get(self, decision_id: str) -> dict[str, Any] | None:
        """The latest stored record with this decision id, or ``None``.

        Recent records of this writer come from an in-memory index; older ones, and
        those of other chains in the same directory, from a scan in a separate thread so
        that a lookup never holds up appends.
        """
        if self._started and not self._closed:
            with contextlib.suppress(RuntimeError):  # closed meanwhile: fall back to scan
                hit, record = await self._in_thread(self._lookup_sync, decision_id)
                if hit:
                    return record
        return await asyncio.to_thread(
            find_record, self._directory, decision_id, prefer_chain=self._chain_id
        )

    async def close(self) -> None:
        """Wait for pending appends, sync and close the file, stop the thread. Idempotent."""
        if self._closed:
            return
        self._closed = True
        for timer in (self._sync_timer, self._checkpoint_timer, self._retention_timer):
            if timer is not None:
                timer.cancel()
        self._sync_timer = self._checkpoint_timer = self._retention_timer = None
        await self._wait_idle()
        async with self._append_lock:
            if self._started:
                try:
                    await self._in_thread(self._close_sync)
                except OSError as exc:
                    self.write_errors += 1
                    log.error(
                        "audit chain %s: closing %s failed: %s",
                        self._chain_id,
                        self._path,
                        _describe(exc),
                    )
        await asyncio.to_thread(self._executor.shutdown, True)

    # ------------------------------------------------------------------ I/O thread side

    def _start_sync(self) -> None:
        self._directory.mkdir(parents=True, exist_ok=True)
        self._lock_chain()
        try:
            self._resume_chain()
            if self._signer is not None:
                self._open_checkpoints()
        except BaseException:
            self._close_sync(final_checkpoint=False)
            self._io_closed = False
            raise
        if self._signer is not None and self._seq > 0:
            if self._cp_seq is not None and self._cp_seq >= self._seq:
                log.error(
                    "audit chain %s ends at seq %d, but its latest checkpoint is at seq %d: "
                    "records were removed from the end of the chain; run "
                    "`guardproxy audit verify`",
                    self._chain_id,
                    self._seq - 1,
                    self._cp_seq,
                )
                self._cp_seq = None  # the records that will take those seqs are new ones
            elif self._cp_seq != self._seq - 1:
                # The previous run ended without covering its last records (a crash).
                self._checkpoint_sync()

    def _resume_chain(self) -> None:
        numbers = sorted(
            parsed[1]
            for name in os.listdir(self._directory)
            if (parsed := parse_audit_file_name(name)) is not None and parsed[0] == self._chain_id
        )
        if not numbers:
            self._open(1, create=True)
            return
        for number in reversed(numbers):
            path = self._directory / audit_file_name(self._chain_id, number)
            last_line = self._cut_torn_tail(path)
            if last_line is not None:
                self._continue_after(path, last_line)
                break
        self._open(numbers[-1], create=False)

    def _lock_chain(self) -> None:
        lock_file = try_lock_chain(self._directory, self._chain_id)
        if lock_file is None:
            raise AuditWriteError(
                f"audit chain {self._chain_id} in {self._directory} is already being written "
                "by another writer (or pruned by `guardproxy audit prune`); give each worker "
                "process its own chain id"
            )
        self._lock_file = lock_file

    def _cut_torn_tail(self, path: Path) -> bytes | None:
        """Move an incomplete last line aside; return the last complete line, if any."""
        last, torn = cut_torn_tail(path)
        if torn is not None:
            log.warning(
                "audit chain %s: %s ended with %d bytes of an interrupted write; moved "
                "them to %s and continuing after the last complete line",
                self._chain_id,
                path.name,
                torn.size,
                torn.sidecar.name,
            )
        return last

    def _continue_after(self, path: Path, line: bytes) -> None:
        try:
            last = json.loads(line)
        except ValueError:
            last = None
        if (
            not isinstance(last, dict)
            or last.get("chain") != self._chain_id
            or not isinstance(last.get("seq"), int)
            or isinstance(last.get("seq"), bool)
            or not is_hex64(last.get("hash"))
        ):
            raise AuditWriteError(
                f"cannot continue audit chain {self._chain_id}: the last line of {path} is "
                "not a record of this chain; run `guardproxy audit verify` on the directory, "
                "then move the damaged file aside or use another chain id"
            )
        try:
            sealed = record_hash(last) == last["hash"]
        except (TypeError, ValueError):
            sealed = False
        if not sealed:
            # Refusing to start would stop the service; verify still reports this record.
            log.error(
                "audit chain %s: the last record of %s (id %s) does not match its hash; "
                "continuing the chain after it, run `guardproxy audit verify`",
                self._chain_id,
                path.name,
                last.get("id"),
            )
        self._seq = last["seq"] + 1
        self._prev_hash = last["hash"]
        self._last_record_file = path.name

    def _open(self, number: int, *, create: bool) -> None:
        path = self._directory / audit_file_name(self._chain_id, number)
        new_file = open(path, "xb" if create else "ab", buffering=0)  # noqa: SIM115
        try:
            size = os.fstat(new_file.fileno()).st_size
            if create and self._fsync_mode != "never":
                fsync_directory(self._directory)
        except OSError:
            new_file.close()
            raise
        old_file, self._file = self._file, new_file
        self._path, self._number, self._size = path, number, size
        self._file_opened_at = time.monotonic()
        self._dirty = False
        if old_file is not None:
            with contextlib.suppress(OSError):
                old_file.close()

    def _current_file(self) -> IO[bytes]:
        if self._file is None:
            raise OSError(f"{self._path} is not open")
        return self._file

    def _rotate(self) -> None:
        if self._fsync_mode != "never":
            # The previous file is complete on disk before the next one refers to it.
            os.fsync(self._current_file().fileno())
        self._open(self._number + 1, create=True)

    def _write_line(self, data: bytes) -> None:
        """The one place record bytes reach the file."""
        write_all(self._current_file(), data, self._path)

    def _drain(self, loop: asyncio.AbstractEventLoop) -> None:
        """Write every queued record in order, then hand the whole batch back at once.

        One thread job and one wake-up of the loop per batch, instead of one of each per
        record: under load the records of concurrent requests share them.
        """
        results: list[tuple[asyncio.Future[dict[str, Any]], Any, bool]] = []
        queue = self._queue
        with self._io_lock:
            while queue:
                record, future = queue.popleft()
                try:
                    results.append((future, self._append_sync(record), False))
                except BaseException as exc:  # every waiter gets an answer, whatever happened
                    results.append((future, exc, True))
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is waiting
            loop.call_soon_threadsafe(self._handed_back, results)

    def _append_sync(
        self, record: dict[str, Any], *, inline: bool = False
    ) -> dict[str, Any] | None:
        """Write one record and return it as stored; the caller holds ``_io_lock``.

        ``inline`` (on the loop): return ``None``, changing neither the chain nor the
        file, when the append would have to reopen, repair or rotate the file or write a
        checkpoint; and leave the repair after a failed write to the I/O thread.
        """
        decision_id = record["id"]
        if inline and (
            self._io_closed
            or self._damaged
            or self._file is None
            or (self._signer is not None and self._uncovered + 1 >= self._checkpoint_every)
        ):
            return None
        if self._io_closed:
            self.write_errors += 1
            raise AuditWriteError(f"audit record {decision_id} not written: the writer is closed")
        record["chain"] = self._chain_id
        record["seq"] = self._seq
        record["prev_hash"] = self._prev_hash
        digest, line = _seal(record)
        rotate = self._size > 0 and (
            self._size + len(line) > self._max_file_bytes
            or (
                self._max_file_age_s is not None
                and time.monotonic() - self._file_opened_at > self._max_file_age_s
            )
        )
        if inline and rotate:
            return None
        rotated = False
        try:
            if self._damaged or self._file is None:
                self._restore_tail()
            if rotate:
                self._rotate()
                rotated = True
        except OSError as exc:
            self.write_errors += 1
            raise AuditWriteError(
                f"audit record {decision_id} not written: cannot open the next file of "
                f"chain {self._chain_id}: {_describe(exc)}"
            ) from exc
        offset = self._size
        try:
            self._write_line(line)
            if self._fsync_mode == "always":
                os.fsync(self._current_file().fileno())
        except OSError as exc:
            self.write_errors += 1
            # Cut a partial line now so the next record does not start in its middle. On
            # the loop, the I/O thread does it (it syncs): until then _damaged keeps every
            # append off the loop, and the thread repairs the file before it writes again.
            self._damaged = True
            if inline:
                with contextlib.suppress(RuntimeError):  # the executor is shutting down
                    self._submit(self._repair_sync)
            else:
                with contextlib.suppress(OSError):
                    self._restore_tail()
            raise AuditWriteError(
                f"audit record {decision_id} not written to {self._path}: {_describe(exc)}"
            ) from exc
        self._size += len(line)
        self._seq += 1
        self._prev_hash = digest
        self._dirty = self._fsync_mode != "always"
        if self._path is not None:
            self._last_record_file = self._path.name
        if self._index_size and self._path is not None:
            self._index[decision_id] = (self._path, offset, len(line))
            self._index.move_to_end(decision_id)
            if len(self._index) > self._index_size:
                self._index.popitem(last=False)
        stored: dict[str, Any] = json.loads(line)
        if self._signer is not None:
            self._uncovered += 1
            if self._uncovered >= self._checkpoint_every:
                self._checkpoint_sync()
        if rotated and self._retention.enabled:
            # Queued behind this append, so that the record is not held up by the pruning.
            with contextlib.suppress(RuntimeError):  # the executor is shutting down
                self._submit(self._prune_sync)
        return stored

    def _repair_sync(self) -> None:
        if self._damaged and not self._io_closed:
            with contextlib.suppress(OSError):
                self._restore_tail()

    def _restore_tail(self) -> None:
        """Reopen the current file and cut it back to the end of the last good record."""
        if self._path is None:
            raise RuntimeError("the audit writer has not been started")
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None
        f = open(self._path, "ab", buffering=0)  # noqa: SIM115
        try:
            if os.fstat(f.fileno()).st_size != self._size:
                f.truncate(self._size)
                os.fsync(f.fileno())
        except OSError:
            f.close()
            raise
        self._file = f
        self._damaged = False

    def _sync_sync(self) -> None:
        if not self._dirty or self._file is None:
            return
        try:
            os.fsync(self._file.fileno())
        except OSError as exc:
            self.write_errors += 1
            log.error(
                "audit chain %s: fsync of %s failed: %s", self._chain_id, self._path, _describe(exc)
            )
            return
        self._dirty = False

    def _lookup_sync(self, decision_id: str) -> tuple[bool, dict[str, Any] | None]:
        entry = self._index.get(decision_id)
        if entry is None:
            return False, None
        path, offset, length = entry
        try:
            with open(path, "rb") as f:
                f.seek(offset)
                record = json.loads(f.read(length))
        except (OSError, ValueError):
            return False, None  # moved or damaged since: let the scan decide
        if not isinstance(record, dict) or record.get("id") != decision_id:
            return False, None
        return True, record

    # ------------------------------------------------------------------ checkpoints

    def _open_checkpoints(self) -> None:
        """Open the checkpoint file for appending, after cutting a torn last line."""
        path = self.checkpoint_path
        last_line = self._cut_torn_tail(path) if path.exists() else None
        cp_file = open(path, "ab", buffering=0)  # noqa: SIM115 - held until close
        try:
            size = os.fstat(cp_file.fileno()).st_size
            if size == 0 and self._fsync_mode != "never":
                fsync_directory(self._directory)
        except OSError:
            cp_file.close()
            raise
        self._cp_file, self._cp_size = cp_file, size
        if last_line is None:
            return
        last = _parse_line(last_line)
        if last is not None and last.get("type") == RETENTION_TYPE:
            last = self._latest_checkpoint(path, size)
            if last is None:
                return  # markers only: no checkpoint to continue from
        seq = last.get("seq") if last is not None else None
        if isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0:
            self._cp_seq = seq
        else:
            log.error(
                "audit chain %s: the last line of %s is not a checkpoint; run "
                "`guardproxy audit verify`",
                self._chain_id,
                path.name,
            )

    def _latest_checkpoint(self, path: Path, end: int) -> dict[str, Any] | None:
        """The last line of the checkpoint file that is not a retention marker, if any."""
        with open(path, "rb") as f:
            for line_number, line in enumerate(lines_backwards(f, end)):
                if line_number >= _MARKER_LOOKBACK:
                    return None
                parsed = _parse_line(line)
                if parsed is None:
                    return {}  # not JSON: the caller logs that it is not a checkpoint
                if parsed.get("type") != RETENTION_TYPE:
                    return parsed
        return None

    def _checkpoint_sync(self) -> None:
        """Sign and write a checkpoint of the last record, unless it is already covered."""
        if self._signer is None or self._kid is None or self._io_closed:
            return
        seq = self._seq - 1
        if seq < 0 or self._cp_seq == seq or self._last_record_file is None or self._damaged:
            return
        try:
            if self._cp_file is None:
                self._open_checkpoints()
            self._sync_record_file(self._last_record_file)
            checkpoint = make_checkpoint(
                chain_id=self._chain_id,
                seq=seq,
                record_hash=self._prev_hash,
                file=self._last_record_file,
                time=dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
                kid=self._kid,
                sign=self._signer,
            )
            self._write_checkpoint_line(canonical_json(checkpoint) + b"\n")
        except Exception as exc:
            self.checkpoint_errors += 1
            self._uncovered = 0  # retry after the next batch, not on every record
            detail = _describe(exc) if isinstance(exc, OSError) else f"{type(exc).__name__}: {exc}"
            log.error(
                "audit chain %s: checkpoint at seq %d not written: %s",
                self._chain_id,
                seq,
                detail,
            )
            return
        self._cp_seq = seq
        self._uncovered = 0
        self.checkpoints_written += 1

    # ------------------------------------------------------------------ retention

    def _prune_sync(self) -> tuple[str, ...]:
        """Remove what the retention allows, after a signed and synced marker says so."""
        if (
            not self._retention.enabled
            or self._signer is None
            or self._kid is None
            or self._io_closed
            or self._damaged
        ):
            return ()
        try:
            numbers = chain_files(self._directory).get(self._chain_id, [])
            now = time.time()
            plan = plan_prune(
                self._directory,
                self._chain_id,
                numbers,
                self._retention,
                now=now,
                current=self._number,
            )
            if plan is None:
                return ()
            if self._cp_file is None:
                self._open_checkpoints()
            # The marker names the first remaining record: it must be on disk before.
            self._sync_record_file(plan.keep_file)
            marker = plan.marker(now=now, kid=self._kid, sign=self._signer)
            # Synced whatever the fsync setting: an unlink must never outlive its marker.
            self._write_checkpoint_line(canonical_json(marker) + b"\n", sync=True)
        except Exception as exc:
            self.prune_errors += 1
            detail = _describe(exc) if isinstance(exc, OSError) else str(exc)
            log.error("audit chain %s: retention not applied: %s", self._chain_id, detail)
            return ()
        removed, error = remove_files(self._directory, plan)
        self.files_pruned += len(removed)
        if removed:
            gone = {self._directory / name for name in removed}
            for decision_id in [d for d, entry in self._index.items() if entry[0] in gone]:
                del self._index[decision_id]
            log.info(
                "audit chain %s: removed %d file(s) by retention (%s to %s); the chain now "
                "starts at seq %d in %s",
                self._chain_id,
                len(removed),
                removed[0],
                removed[-1],
                plan.seq,
                plan.keep_file,
            )
        if error is not None:
            self.prune_errors += 1
            log.error(
                "audit chain %s: retention marker written, but %s was not removed: %s; "
                "the next run retries",
                self._chain_id,
                error.filename,
                _describe(error),
            )
        return removed

    def _sync_record_file(self, name: str) -> None:
        # A checkpoint must never reach the disk before the record it names.
        if self._file is not None and self._path is not None and self._path.name == name:
            os.fsync(self._file.fileno())
            self._dirty = False
            return
        with open(self._directory / name, "rb") as f:  # the last record is in an older file
            os.fsync(f.fileno())

    def _write_checkpoint_line(self, line: bytes, *, sync: bool = False) -> None:
        """The one place checkpoint and retention marker bytes reach the file."""
        cp_file = self._cp_file
        if cp_file is None:
            raise OSError(f"{self.checkpoint_path} is not open")
        try:
            write_all(cp_file, line, self.checkpoint_path)
            if sync or self._fsync_mode != "never":
                os.fsync(cp_file.fileno())
        except OSError:
            # Cut what was written; failing that, reopening cuts the torn line aside.
            try:
                cp_file.truncate(self._cp_size)
            except OSError:
                with contextlib.suppress(OSError):
                    cp_file.close()
                self._cp_file = None
            raise
        self._cp_size += len(line)

    def _close_sync(self, final_checkpoint: bool = True) -> None:
        if final_checkpoint and not self._io_closed:
            self._checkpoint_sync()
        self._io_closed = True
        try:
            if self._cp_file is not None:
                with contextlib.suppress(OSError):
                    self._cp_file.close()
                self._cp_file = None
            if self._file is not None:
                if self._fsync_mode != "never" and not self._damaged:
                    os.fsync(self._file.fileno())
                self._file.close()
        finally:
            self._file = None
            if self._lock_file is not None:
                self._lock_file.close()  # releases the chain lock
                self._lock_file = None


def _seal(record: dict[str, Any]) -> tuple[str, bytes]:
    """Set ``record["hash"]``; return it and the record's line, encoding the record once.

    The canonical form sorts the top-level keys, so the record's encoding with ``hash`` is
    its encoding without it with ``"hash":"..."`` in between the keys that sort before
    and those that sort after: the two halves are encoded once and serve for both.
    """
    before = {k: v for k, v in record.items() if k < "hash"}
    after = {k: v for k, v in record.items() if k > "hash"}
    head = canonical_json(before)[:-1]  # "{...", without its closing brace
    tail = canonical_json(after)[1:]  # "...}", without its opening brace
    comma_after_head = b"," if len(head) > 1 else b""
    comma_before_tail = b"," if len(tail) > 1 else b""
    body = head + (comma_after_head and comma_before_tail) + tail
    digest = hashlib.sha256(body).hexdigest()
    record["hash"] = digest
    sealed = b'"hash":"' + digest.encode("ascii") + b'"'
    line = head + comma_after_head + sealed + comma_before_tail + tail
    return digest, line + b"\n"


def _parse_line(line: bytes) -> dict[str, Any] | None:
    try:
        parsed = json.loads(line)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def find_record(
    directory: Path, decision_id: str, *, prefer_chain: str | None = None
) -> dict[str, Any] | None:
    """Scan the audit files in ``directory`` for the latest record with ``decision_id``.

    Files of ``prefer_chain`` are searched first, newest first, then every other chain's
    (each worker process writes its own chain, and a lookup may land on any worker).
    Blocking: run it in a thread.
    """
    try:
        names = os.listdir(directory)
    except OSError:
        return None
    own: list[tuple[int, Path]] = []
    others: list[tuple[float, Path]] = []
    for name in names:
        parsed = parse_audit_file_name(name)
        if parsed is None:
            continue
        path = directory / name
        if parsed[0] == prefer_chain:
            own.append((parsed[1], path))
        else:
            with contextlib.suppress(OSError):
                others.append((path.stat().st_mtime, path))
    ordered = [p for _, p in sorted(own, reverse=True)] + [
        p for _, p in sorted(others, reverse=True)
    ]
    # Records are canonical JSON, so the top-level id appears as exactly these bytes.
    needle = b'"id":' + json.dumps(decision_id, ensure_ascii=False).encode("utf-8")
    for path in ordered:
        found = _scan_file(path, needle, decision_id)
        if found is not None:
            return found
    return None


def _scan_file(path: Path, needle: bytes, decision_id: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = None
    try:
        with open(path, "rb") as f:
            for line in f:
                if not line.endswith(b"\n"):
                    break  # a write in progress or a torn tail
                if needle not in line:
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict) and record.get("id") == decision_id:
                    found = record
    except OSError:
        return None
    return found
