"""Appends the event loop writes itself: only when idle, in order, and failing as queued ones."""

from __future__ import annotations

import asyncio
import errno
import itertools
import json
import os
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from guardproxy.audit import AuditWriteError, AuditWriter, VerifyReport, verify_directory
from tests.audit.test_writer import assert_one_chain, read_records

MakeWriter = Callable[..., Awaitable[AuditWriter]]
CHECKPOINTS = "audit-w1.checkpoints.jsonl"


class BlockingKey:
    """An Ed25519 signer that can hold the writer thread in the middle of a checkpoint."""

    kid = "k1"

    def __init__(self) -> None:
        self.private = Ed25519PrivateKey.generate()
        self.hold = False
        self.signing = threading.Event()
        self.release = threading.Event()

    def sign(self, data: bytes) -> bytes:
        if self.hold:
            self.signing.set()
            assert self.release.wait(5)
        return self.private.sign(data)

    @property
    def public_keys(self) -> dict[str, Any]:
        return {self.kid: self.private.public_key()}


@pytest.fixture
async def make_writer(tmp_path: Path) -> AsyncIterator[MakeWriter]:
    """Started writers on tmp_path (fsync interval unless asked), all closed at the end."""
    writers: list[AuditWriter] = []

    async def make(**kwargs: Any) -> AuditWriter:
        kwargs.setdefault("chain_id", "w1")
        kwargs.setdefault("fsync", "interval")
        key = kwargs.pop("key", None)
        if key is not None:
            kwargs.update(checkpoint_signer=key.sign, checkpoint_kid=key.kid)
        writer = AuditWriter(kwargs.pop("directory", tmp_path), **kwargs)
        writers.append(writer)
        await writer.start()
        return writer

    yield make
    for writer in writers:
        await writer.close()


@pytest.fixture
def write_threads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """(decision id, written on the calling thread of the test's loop) per record line."""
    loop_thread = threading.get_ident()
    seen: list[tuple[str, bool]] = []
    real_write = AuditWriter._write_line

    def spy_write(self: AuditWriter, data: bytes) -> None:
        seen.append((json.loads(data)["id"], threading.get_ident() == loop_thread))
        real_write(self, data)

    monkeypatch.setattr(AuditWriter, "_write_line", spy_write)
    return seen


async def test_an_idle_append_is_on_the_file_when_it_returns(
    make_writer: MakeWriter, write_threads: list[tuple[str, bool]]
) -> None:
    writer = await make_writer()
    first = await writer.append({"id": "d0"})
    assert read_records(writer.path) == [first]
    second = await writer.append({"id": "d1"})
    assert read_records(writer.path) == [first, second]
    assert write_threads == [("d0", True), ("d1", True)]
    # The interval sync and the checkpoint timer are armed as for a queued append.
    assert writer._sync_timer is not None


async def test_the_checkpoint_timer_is_armed_by_an_inline_append(make_writer: MakeWriter) -> None:
    key = BlockingKey()
    writer = await make_writer(key=key, checkpoint_interval_s=0.01)
    await writer.append({"id": "d0"})
    assert writer._checkpoint_timer is not None
    for _ in range(200):
        if writer.checkpoints_written:
            break
        await asyncio.sleep(0.01)
    assert writer.checkpoints_written == 1


async def test_fsync_always_hands_every_record_to_the_thread(
    make_writer: MakeWriter, write_threads: list[tuple[str, bool]]
) -> None:
    writer = await make_writer(fsync="always")
    for i in range(3):
        await writer.append({"id": f"d{i}"})
    assert write_threads == [("d0", False), ("d1", False), ("d2", False)]
    assert_one_chain(read_records(writer.path))


async def test_appends_during_a_checkpoint_are_queued_and_keep_their_order(
    make_writer: MakeWriter, write_threads: list[tuple[str, bool]]
) -> None:
    key = BlockingKey()
    writer = await make_writer(key=key, checkpoint_every=1000)
    await writer.append({"id": "d0"})
    key.hold = True
    writer._on_checkpoint_timer()  # the thread signs a checkpoint of d0, and waits
    await asyncio.to_thread(key.signing.wait, 5)
    # The loop must not write while the thread holds the file: these go to the queue.
    tasks = [asyncio.ensure_future(writer.append({"id": f"d{i}"})) for i in (1, 2, 3)]
    await asyncio.sleep(0.05)
    assert not any(task.done() for task in tasks)
    assert [r["id"] for r in read_records(writer.path)] == ["d0"]
    key.hold = False
    key.release.set()
    stored = await asyncio.gather(*tasks)
    assert [r["seq"] for r in stored] == [1, 2, 3]
    after = await writer.append({"id": "d4"})  # idle again: written on the loop
    assert after["seq"] == 4
    assert write_threads == [
        ("d0", True),
        ("d1", False),
        ("d2", False),
        ("d3", False),
        ("d4", True),
    ]
    checkpoint_lines = (writer.directory / CHECKPOINTS).read_bytes().splitlines()
    checkpoints = [json.loads(line) for line in checkpoint_lines]
    assert [c["seq"] for c in checkpoints] == [0]
    await writer.close()
    assert_one_chain(read_records(writer.path))
    report = verify_directory(writer.directory, public_keys=key.public_keys)
    assert report.ok, report.problems


async def test_an_append_after_queued_ones_waits_its_turn(
    make_writer: MakeWriter, write_threads: list[tuple[str, bool]], monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = await make_writer()
    in_thread = threading.Event()
    release = threading.Event()
    real_sync = AuditWriter._sync_sync

    def slow_sync(self: AuditWriter) -> None:
        in_thread.set()
        assert release.wait(5)
        real_sync(self)

    monkeypatch.setattr(AuditWriter, "_sync_sync", slow_sync)
    await writer.append({"id": "d0"})
    writer._on_sync_timer()  # holds the thread (and the file) in a sync
    await asyncio.to_thread(in_thread.wait, 5)
    queued = asyncio.ensure_future(writer.append({"id": "d1"}))
    await asyncio.sleep(0)
    release.set()
    # d1 is queued behind the sync (or its batch not handed back yet): d2 must not overtake.
    late = asyncio.ensure_future(writer.append({"id": "d2"}))
    stored = await asyncio.gather(queued, late)
    assert [r["seq"] for r in stored] == [1, 2]
    assert [r["id"] for r in read_records(writer.path)] == ["d0", "d1", "d2"]
    assert write_threads[:2] == [("d0", True), ("d1", False)]


async def test_a_free_file_does_not_let_an_append_overtake_queued_ones(
    make_writer: MakeWriter, write_threads: list[tuple[str, bool]]
) -> None:
    writer = await make_writer()
    await writer.append({"id": "d0"})
    gate = threading.Event()
    writer._executor.submit(gate.wait, 5)  # the thread is busy: no drain starts yet
    with writer._io_lock:  # as a thread job holding the file would
        queued = asyncio.ensure_future(writer.append({"id": "d1"}))
        await asyncio.sleep(0)
    # The file is free now, but d1 is still queued: d2 must queue behind it.
    late = asyncio.ensure_future(writer.append({"id": "d2"}))
    await asyncio.sleep(0)
    gate.set()
    stored = await asyncio.gather(queued, late)
    assert [r["seq"] for r in stored] == [1, 2]
    assert [r["id"] for r in read_records(writer.path)] == ["d0", "d1", "d2"]
    assert write_threads == [("d0", True), ("d1", False), ("d2", False)]


async def test_interleaved_appends_keep_the_order_of_the_calls(tmp_path: Path) -> None:
    # Busy thread jobs (frequent syncs and checkpoints) make appends switch between the
    # loop and the queue; the chain must still follow the order in which append was called.
    key = BlockingKey()
    writer = AuditWriter(
        tmp_path,
        chain_id="w1",
        fsync="interval",
        fsync_interval_s=0.001,
        checkpoint_signer=key.sign,
        checkpoint_kid=key.kid,
        checkpoint_every=7,
        checkpoint_interval_s=0.002,
        max_file_bytes=4000,
    )
    await writer.start()
    counter = itertools.count()
    called: list[str] = []

    async def client(n: int) -> None:
        for _ in range(n):
            decision_id = f"d{next(counter)}"
            called.append(decision_id)
            await writer.append({"id": decision_id, "pad": "x" * 40})
            await asyncio.sleep(0.0005 * (len(called) % 3))

    await asyncio.gather(*(client(40) for _ in range(8)))
    await writer.close()
    files = sorted(writer.directory.glob("audit-w1-*.jsonl"))
    assert len(files) > 3
    records = [r for f in files for r in read_records(f)]
    assert [r["id"] for r in records] == called
    assert_one_chain(records)
    report = verify_directory(tmp_path, public_keys=key.public_keys)
    assert report.ok, report.problems
    assert report.records == 320


async def test_a_failed_inline_write_raises_counts_and_is_repaired_in_the_thread(
    make_writer: MakeWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = await make_writer()
    first = await writer.append({"id": "d0"})
    loop_thread = threading.get_ident()
    real_write = AuditWriter._write_line
    repaired_in: list[bool] = []
    real_restore = AuditWriter._restore_tail

    def half_then_full_disk(self: AuditWriter, data: bytes) -> None:
        assert threading.get_ident() == loop_thread
        real_write(self, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    def spy_restore(self: AuditWriter) -> None:
        repaired_in.append(threading.get_ident() == loop_thread)
        real_restore(self)

    monkeypatch.setattr(AuditWriter, "_write_line", half_then_full_disk)
    monkeypatch.setattr(AuditWriter, "_restore_tail", spy_restore)
    with pytest.raises(AuditWriteError, match="No space left"):
        await writer.append({"id": "d1"})
    assert writer.write_errors == 1
    assert repaired_in == []  # not on the loop: restoring the tail syncs the file

    monkeypatch.setattr(AuditWriter, "_write_line", real_write)
    again = await writer.append({"id": "d1"})
    assert repaired_in == [False]
    assert again["seq"] == 1
    assert again["prev_hash"] == first["hash"]
    assert read_records(writer.path) == [first, again]
    assert_one_chain(read_records(writer.path))
    assert verify_directory(writer.directory).ok


async def test_an_invalid_record_fails_on_the_loop_without_counting(
    make_writer: MakeWriter,
) -> None:
    writer = await make_writer()
    with pytest.raises(ValueError):
        await writer.append({"id": "d0", "score": float("nan")})
    with pytest.raises(TypeError):
        await writer.append({"id": "d0", "when": object()})
    assert writer.write_errors == 0
    assert (await writer.append({"id": "d0"}))["seq"] == 0


async def test_rotation_and_checkpoints_stay_in_the_thread(
    make_writer: MakeWriter, write_threads: list[tuple[str, bool]], monkeypatch: pytest.MonkeyPatch
) -> None:
    loop_thread = threading.get_ident()
    slow_work: list[tuple[str, bool]] = []
    real_rotate = AuditWriter._rotate
    real_checkpoint = AuditWriter._checkpoint_sync
    real_fsync = os.fsync

    def spy_rotate(self: AuditWriter) -> None:
        slow_work.append(("rotate", threading.get_ident() == loop_thread))
        real_rotate(self)

    def spy_checkpoint(self: AuditWriter) -> None:
        slow_work.append(("checkpoint", threading.get_ident() == loop_thread))
        real_checkpoint(self)

    def spy_fsync(fd: int) -> None:
        slow_work.append(("fsync", threading.get_ident() == loop_thread))
        real_fsync(fd)

    monkeypatch.setattr(AuditWriter, "_rotate", spy_rotate)
    monkeypatch.setattr(AuditWriter, "_checkpoint_sync", spy_checkpoint)
    monkeypatch.setattr(os, "fsync", spy_fsync)
    key = BlockingKey()
    writer = await make_writer(key=key, checkpoint_every=4, max_file_bytes=700)
    for i in range(20):
        await writer.append({"id": f"d{i}", "pad": "x" * 60})
    await writer.close()
    assert {kind for kind, _ in slow_work} == {"rotate", "checkpoint", "fsync"}
    assert not any(on_loop for _, on_loop in slow_work)
    on_loop = [on for _, on in write_threads]
    assert any(on_loop) and not all(on_loop)
    files = sorted(writer.directory.glob("audit-w1-*.jsonl"))
    assert len(files) > 2
    report = verify_directory(writer.directory, public_keys=key.public_keys)
    assert report == VerifyReport(
        ok=True,
        chains=1,
        files=len(files),
        records=20,
        problems=(),
        notes=(),
        checkpoints=report.checkpoints,
    )
    assert report.checkpoints >= 5


async def test_write_on_loop_off_hands_every_record_to_the_thread(
    make_writer: MakeWriter, write_threads: list[tuple[str, bool]]
) -> None:
    writer = await make_writer(write_on_loop=False)
    for i in range(3):
        await writer.append({"id": f"d{i}"})
    assert write_threads == [("d0", False), ("d1", False), ("d2", False)]
    assert_one_chain(read_records(writer.path))


async def test_an_append_during_a_lookup_in_the_thread_is_queued_behind_it(
    make_writer: MakeWriter, write_threads: list[tuple[str, bool]]
) -> None:
    writer = await make_writer()
    await writer.append({"id": "d0"})
    looking, release = threading.Event(), threading.Event()
    real_lookup = writer._lookup_sync

    def slow_lookup(decision_id: str) -> Any:
        looking.set()
        assert release.wait(5)
        return real_lookup(decision_id)

    writer._lookup_sync = slow_lookup  # type: ignore[method-assign]
    lookup = asyncio.create_task(writer.get("d0"))
    assert await asyncio.to_thread(looking.wait, 5)
    append = asyncio.create_task(writer.append({"id": "d1"}))
    await asyncio.sleep(0.05)
    assert not append.done()  # the thread holds the file state: no write on the loop
    release.set()
    assert (await lookup or {}).get("id") == "d0"
    await append
    assert write_threads == [("d0", True), ("d1", False)]
    assert_one_chain(read_records(writer.path))
