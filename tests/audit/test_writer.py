"""AuditWriter: one unbroken chain under concurrency, rotation, restart and crashes."""

from __future__ import annotations

import asyncio
import errno
import itertools
import json
import logging
import os
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from guardproxy.audit import (
    GENESIS_HASH,
    AuditWriteError,
    AuditWriter,
    record_hash,
    verify_directory,
)
from guardproxy.audit import writer as writer_module
from guardproxy.audit.record import canonical_json
from guardproxy.errors import GuardProxyError

MakeWriter = Callable[..., Awaitable[AuditWriter]]


@pytest.fixture
async def make_writer(tmp_path: Path) -> AsyncIterator[MakeWriter]:
    """Started writers on tmp_path (fsync off unless asked), all closed at the end."""
    writers: list[AuditWriter] = []

    async def make(**kwargs: Any) -> AuditWriter:
        kwargs.setdefault("chain_id", "w1")
        kwargs.setdefault("fsync", "never")
        writer = AuditWriter(kwargs.pop("directory", tmp_path), **kwargs)
        writers.append(writer)
        await writer.start()
        return writer

    yield make
    for writer in writers:
        await writer.close()


def read_records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def assert_one_chain(records: list[dict[str, Any]]) -> None:
    prev = GENESIS_HASH
    for seq, record in enumerate(records):
        assert record["seq"] == seq
        assert record["prev_hash"] == prev
        assert record["hash"] == record_hash(record)
        prev = record["hash"]


async def test_append_adds_chain_fields_and_returns_the_stored_record(
    make_writer: MakeWriter,
) -> None:
    writer = await make_writer()
    first = await writer.append({"id": "d0", "action": "allow", "spans": (1, 2)})
    second = await writer.append({"id": "d1", "action": "redact"})
    assert first == {
        "id": "d0",
        "action": "allow",
        "spans": [1, 2],
        "chain": "w1",
        "seq": 0,
        "prev_hash": GENESIS_HASH,
        "hash": record_hash(first),
    }
    assert second["seq"] == 1
    assert second["prev_hash"] == first["hash"]
    assert writer.path.name == "audit-w1-000001.jsonl"
    assert read_records(writer.path) == [first, second]


async def test_the_caller_record_is_not_modified(make_writer: MakeWriter) -> None:
    writer = await make_writer()
    record = {"id": "d0"}
    await writer.append(record)
    assert record == {"id": "d0"}


async def test_200_concurrent_appends_make_one_unbroken_chain(make_writer: MakeWriter) -> None:
    writer = await make_writer(fsync="always")
    stored = await asyncio.gather(*(writer.append({"id": f"d{i}"}) for i in range(200)))
    records = read_records(writer.path)
    assert len(records) == 200
    assert_one_chain(records)
    assert sorted(r["seq"] for r in stored) == list(range(200))
    assert {r["id"] for r in records} == {f"d{i}" for i in range(200)}
    assert verify_directory(writer.directory).ok


async def test_rotation_links_each_file_to_the_previous_one(make_writer: MakeWriter) -> None:
    writer = await make_writer(max_file_bytes=600)
    for i in range(20):
        await writer.append({"id": f"d{i}", "pad": "x" * 50})
    files = sorted(writer.directory.glob("audit-w1-*.jsonl"))
    assert len(files) > 3
    assert writer.path == files[-1]
    per_file = [read_records(f) for f in files]
    for earlier, later in itertools.pairwise(per_file):
        assert later[0]["prev_hash"] == earlier[-1]["hash"]
    for f in files[:-1]:
        assert f.stat().st_size <= 600
    assert_one_chain([r for records in per_file for r in records])
    assert verify_directory(writer.directory).ok


async def test_a_record_larger_than_a_file_gets_a_file_of_its_own(
    make_writer: MakeWriter,
) -> None:
    writer = await make_writer(max_file_bytes=100)
    await writer.append({"id": "small"})
    await writer.append({"id": "big", "pad": "x" * 500})
    await writer.append({"id": "after"})
    names = sorted(p.name for p in writer.directory.glob("*.jsonl"))
    assert names == [f"audit-w1-{n:06d}.jsonl" for n in (1, 2, 3)]
    assert [r["id"] for r in read_records(writer.directory / names[1])] == ["big"]
    assert verify_directory(writer.directory).ok


async def test_a_restart_continues_the_chain(make_writer: MakeWriter, tmp_path: Path) -> None:
    first = await make_writer()
    for i in range(3):
        last = await first.append({"id": f"d{i}"})
    await first.close()

    second = await make_writer()
    assert second.path == first.path
    record = await second.append({"id": "d3"})
    assert record["seq"] == 3
    assert record["prev_hash"] == last["hash"]
    assert_one_chain(read_records(second.path))
    assert verify_directory(tmp_path).ok


async def test_a_restart_after_rotation_continues_in_the_last_file(
    make_writer: MakeWriter, tmp_path: Path
) -> None:
    first = await make_writer(max_file_bytes=300)
    for i in range(10):
        await first.append({"id": f"d{i}"})
    last_path = first.path
    await first.close()

    second = await make_writer(max_file_bytes=300)
    assert second.path == last_path
    record = await second.append({"id": "d10"})
    assert record["seq"] == 10
    assert verify_directory(tmp_path).ok


async def test_a_torn_last_line_is_moved_aside_and_the_chain_continues(
    make_writer: MakeWriter, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = await make_writer()
    for i in range(3):
        last = await first.append({"id": f"d{i}"})
    await first.close()
    path = first.path
    good_size = path.stat().st_size
    torn = b'{"action":"allow","chain":"w1","id":"d3","pre'
    with path.open("ab") as f:
        f.write(torn)

    with caplog.at_level(logging.WARNING, logger="guardproxy.audit.writer"):
        second = await make_writer()
    assert "interrupted write" in caplog.text
    sidecar = tmp_path / f"{path.name}.{good_size}.torn"
    assert sidecar.read_bytes() == torn
    assert path.stat().st_size == good_size

    record = await second.append({"id": "d3"})
    assert record["seq"] == 3
    assert record["prev_hash"] == last["hash"]
    report = verify_directory(tmp_path)
    assert report.ok, report.problems
    assert any(sidecar.name in note for note in report.notes)


async def test_a_file_holding_only_a_torn_line_links_back_to_the_previous_file(
    make_writer: MakeWriter, tmp_path: Path
) -> None:
    first = await make_writer(max_file_bytes=200)
    for i in range(3):
        last = await first.append({"id": f"d{i}"})
    await first.close()
    next_file = tmp_path / f"audit-w1-{int(first.path.name[9:15]) + 1:06d}.jsonl"
    next_file.write_bytes(b'{"id":"d3","cha')

    second = await make_writer(max_file_bytes=200)
    assert second.path == next_file
    record = await second.append({"id": "d3"})
    assert record["prev_hash"] == last["hash"]
    assert (tmp_path / f"{next_file.name}.0.torn").read_bytes() == b'{"id":"d3","cha'
    assert verify_directory(tmp_path).ok


async def test_the_same_offset_torn_twice_keeps_both_tails(
    make_writer: MakeWriter, tmp_path: Path
) -> None:
    writer = await make_writer()
    await writer.append({"id": "d0"})
    await writer.close()
    offset = writer.path.stat().st_size
    for tail in (b"first", b"second"):
        with writer.path.open("ab") as f:
            f.write(tail)
        again = await make_writer()
        await again.close()
    assert (tmp_path / f"{writer.path.name}.{offset}.torn").read_bytes() == b"first"
    assert (tmp_path / f"{writer.path.name}.{offset}.2.torn").read_bytes() == b"second"


async def test_a_damaged_last_line_stops_the_start_with_advice(
    make_writer: MakeWriter, tmp_path: Path
) -> None:
    writer = await make_writer()
    await writer.append({"id": "d0"})
    await writer.close()
    with writer.path.open("ab") as f:
        f.write(b"this is not a record\n")
    with pytest.raises(AuditWriteError, match="guardproxy audit verify"):
        await make_writer()


async def test_get_uses_the_index_then_scans_older_records(
    make_writer: MakeWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = await make_writer(index_size=3, max_file_bytes=400)
    stored = [await writer.append({"id": f"d{i}", "n": i}) for i in range(10)]

    scans: list[str] = []
    real_find = writer_module.find_record

    def counting_find(directory: Path, decision_id: str, **kwargs: Any) -> Any:
        scans.append(decision_id)
        return real_find(directory, decision_id, **kwargs)

    monkeypatch.setattr(writer_module, "find_record", counting_find)

    assert await writer.get("d9") == stored[9]
    assert await writer.get("d7") == stored[7]
    assert scans == []
    assert await writer.get("d0") == stored[0]  # in an older file, beyond the index
    assert await writer.get("d4") == stored[4]
    assert scans == ["d0", "d4"]
    assert await writer.get("nope") is None


async def test_get_finds_the_latest_record_with_an_id(make_writer: MakeWriter) -> None:
    writer = await make_writer(index_size=0)
    await writer.append({"id": "same", "n": 1})
    latest = await writer.append({"id": "same", "n": 2})
    assert await writer.get("same") == latest


async def test_get_finds_records_of_other_chains_in_the_directory(
    make_writer: MakeWriter,
) -> None:
    one = await make_writer(chain_id="w1")
    two = await make_writer(chain_id="w2")
    theirs = await two.append({"id": "from-w2"})
    await one.append({"id": "from-w1"})
    assert await one.get("from-w2") == theirs


async def test_get_ignores_ids_nested_inside_records(make_writer: MakeWriter) -> None:
    writer = await make_writer(index_size=0)
    await writer.append({"id": "d0", "sources": [{"id": "doc-7"}]})
    assert await writer.get("doc-7") is None


async def test_get_works_after_close(make_writer: MakeWriter) -> None:
    writer = await make_writer()
    stored = await writer.append({"id": "d0"})
    await writer.close()
    assert await writer.get("d0") == stored


async def test_file_io_runs_in_the_writer_thread(
    make_writer: MakeWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop_thread = threading.get_ident()
    seen: list[tuple[str, int, str]] = []
    real_write = AuditWriter._write_line
    real_open = AuditWriter._open
    real_fsync = os.fsync

    def spy_write(self: AuditWriter, data: bytes) -> None:
        current = threading.current_thread()
        seen.append(("write", current.ident or 0, current.name))
        real_write(self, data)

    def spy_open(self: AuditWriter, number: int, *, create: bool) -> None:
        current = threading.current_thread()
        seen.append(("open", current.ident or 0, current.name))
        real_open(self, number, create=create)

    def spy_fsync(fd: int) -> None:
        current = threading.current_thread()
        seen.append(("fsync", current.ident or 0, current.name))
        real_fsync(fd)

    monkeypatch.setattr(AuditWriter, "_write_line", spy_write)
    monkeypatch.setattr(AuditWriter, "_open", spy_open)
    monkeypatch.setattr(os, "fsync", spy_fsync)

    writer = await make_writer(fsync="always", max_file_bytes=200)
    await asyncio.gather(*(writer.append({"id": f"d{i}"}) for i in range(10)))
    await writer.close()

    kinds = {kind for kind, _, _ in seen}
    assert kinds == {"write", "open", "fsync"}
    assert all(ident != loop_thread for _, ident, _ in seen)
    assert {name.split("_")[0] for _, _, name in seen} == {"guardproxy-audit-w1"}
    assert len({ident for _, ident, _ in seen}) == 1


async def test_interval_fsync_happens_without_further_appends(
    make_writer: MakeWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced = threading.Event()
    real_fsync = os.fsync

    def spy_fsync(fd: int) -> None:
        real_fsync(fd)
        synced.set()

    monkeypatch.setattr(os, "fsync", spy_fsync)
    writer = await make_writer(fsync="interval", fsync_interval_s=0.01)
    synced.clear()  # creating the first file syncs the directory
    await writer.append({"id": "d0"})
    for _ in range(100):
        if synced.is_set():
            break
        await asyncio.sleep(0.01)
    assert synced.is_set()


async def test_a_failed_write_raises_counts_and_leaves_no_partial_line(
    make_writer: MakeWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = await make_writer()
    first = await writer.append({"id": "d0"})
    real_write = AuditWriter._write_line

    def half_then_full_disk(self: AuditWriter, data: bytes) -> None:
        real_write(self, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(AuditWriter, "_write_line", half_then_full_disk)
    with pytest.raises(AuditWriteError, match="No space left") as info:
        await writer.append({"id": "d1"})
    assert isinstance(info.value, GuardProxyError)
    assert writer.write_errors == 1

    monkeypatch.setattr(AuditWriter, "_write_line", real_write)
    again = await writer.append({"id": "d1"})
    assert again["seq"] == 1
    assert again["prev_hash"] == first["hash"]
    assert_one_chain(read_records(writer.path))
    assert verify_directory(writer.directory).ok


async def test_an_invalid_record_is_rejected_and_the_chain_does_not_advance(
    make_writer: MakeWriter,
) -> None:
    writer = await make_writer()
    with pytest.raises(ValueError, match="non-empty string 'id'"):
        await writer.append({"action": "allow"})
    with pytest.raises(ValueError, match="fields the writer owns"):
        await writer.append({"id": "d0", "seq": 5})
    with pytest.raises(ValueError):
        await writer.append({"id": "d0", "score": float("nan")})
    with pytest.raises(TypeError):
        await writer.append({"id": "d0", "when": object()})
    record = await writer.append({"id": "d0"})
    assert record["seq"] == 0
    assert writer.write_errors == 0


async def test_a_cancelled_caller_does_not_drop_its_record(
    make_writer: MakeWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    # fsync="always" hands every record to the I/O thread, where a caller can be cancelled
    # while its record is written (on the loop, nothing can run in between).
    writer = await make_writer(fsync="always")
    in_thread = threading.Event()
    release = threading.Event()
    real_write = AuditWriter._write_line

    def slow_write(self: AuditWriter, data: bytes) -> None:
        in_thread.set()
        release.wait(5)
        real_write(self, data)

    monkeypatch.setattr(AuditWriter, "_write_line", slow_write)
    task = asyncio.get_running_loop().create_task(writer.append({"id": "d0"}))
    await asyncio.to_thread(in_thread.wait, 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    release.set()
    await writer.close()
    assert [r["id"] for r in read_records(writer.path)] == ["d0"]


async def test_close_is_idempotent_and_later_appends_fail(make_writer: MakeWriter) -> None:
    writer = await make_writer()
    await writer.append({"id": "d0"})
    await writer.close()
    await writer.close()
    with pytest.raises(AuditWriteError, match="closed"):
        await writer.append({"id": "d1"})
    assert writer.write_errors == 1


async def test_a_second_writer_on_the_same_chain_is_refused(
    make_writer: MakeWriter, tmp_path: Path
) -> None:
    await make_writer(chain_id="w1")
    with pytest.raises(AuditWriteError, match="its own chain id"):
        await make_writer(chain_id="w1")
    other = await make_writer(chain_id="w2")
    await other.append({"id": "d0"})


async def test_append_before_start_is_a_programming_error(tmp_path: Path) -> None:
    writer = AuditWriter(tmp_path, chain_id="w1")
    with pytest.raises(RuntimeError, match="start"):
        await writer.append({"id": "d0"})
    with pytest.raises(RuntimeError, match="not been started"):
        _ = writer.path
    await writer.close()


async def test_start_creates_the_directory(tmp_path: Path) -> None:
    writer = AuditWriter(tmp_path / "a" / "b", chain_id="w1", fsync="never")
    await writer.start()
    try:
        assert writer.path == tmp_path / "a" / "b" / "audit-w1-000001.jsonl"
        assert writer.path.exists()
    finally:
        await writer.close()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"chain_id": "a/b"}, "chain id"),
        ({"chain_id": ""}, "chain id"),
        ({"chain_id": "w", "max_file_bytes": 0}, "max_file_bytes"),
        ({"chain_id": "w", "fsync": "sometimes"}, "fsync must be one of"),
        ({"chain_id": "w", "fsync_interval_s": 0}, "fsync_interval_s"),
        ({"chain_id": "w", "index_size": -1}, "index_size"),
    ],
)
def test_bad_settings_are_rejected(tmp_path: Path, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AuditWriter(tmp_path, **kwargs)


async def test_files_rotate_by_age_and_stay_linked(tmp_path: Path) -> None:
    from guardproxy.audit.verify import verify_directory

    writer = AuditWriter(tmp_path, chain_id="age", max_file_age_s=0.05, fsync="never")
    await writer.start()
    await writer.append({"id": "a1"})
    await writer.append({"id": "a2"})
    await asyncio.sleep(0.1)
    await writer.append({"id": "a3"})
    await writer.close()
    files = sorted(p.name for p in tmp_path.glob("audit-age-*.jsonl"))  # noqa: ASYNC240
    assert files == ["audit-age-000001.jsonl", "audit-age-000002.jsonl"]
    report = verify_directory(tmp_path)
    assert report.ok and report.records == 3 and report.files == 2


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"id": "d0"},
        {"action": "allow", "id": "d0", "z": [1, {"b": "é", "a": None}]},
        {"hasg": 1, "hasi": 2.5},
        {"a": '\u2028\x00"\\', "zz": {"y": [True, False]}},
    ],
)
def test_a_sealed_line_is_the_canonical_json_of_the_record_with_its_hash(
    fields: dict[str, Any],
) -> None:
    record = {**fields, "chain": "w1", "seq": 3, "prev_hash": GENESIS_HASH}
    digest, line = writer_module._seal(record)
    assert record["hash"] == digest == record_hash(record)
    assert line == canonical_json(record) + b"\n"
