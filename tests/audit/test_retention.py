"""Retention: files removed on purpose carry a signed marker; any other removal is reported."""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from guardproxy.audit import AuditWriter, Problem, VerifyReport, format_report, verify_directory
from guardproxy.audit import retention as retention_module
from guardproxy.audit.checkpoint import (
    RETENTION_SIGNED_FIELDS,
    RETENTION_TYPE,
    make_retention_marker,
    signing_input,
)
from guardproxy.audit.record import audit_file_name, canonical_json
from guardproxy.audit.retention import (
    SECONDS_PER_DAY,
    ChainPrune,
    PruneError,
    RetentionRule,
    append_marker,
    chain_files,
    plan_prune,
    prune_directory,
)
from guardproxy.cli import main
from guardproxy.provenance import key_id

CHECKPOINTS = "audit-w1.checkpoints.jsonl"
NOW = 1_800_000_000.0
OLD = NOW - 10 * SECONDS_PER_DAY
TEN_DAYS_AGO = time.time() - 10 * SECONDS_PER_DAY  # for the command, which reads the clock
FIVE_DAYS = RetentionRule(max_age_s=5 * SECONDS_PER_DAY)


def name(number: int) -> str:
    return audit_file_name("w1", number)


class Key:
    """A signing key; without ``kid``, its id is the one the server's key ring gives it."""

    def __init__(self, kid: str | None = "k1") -> None:
        self.private = Ed25519PrivateKey.generate()
        self.kid = kid if kid is not None else key_id(self.private.public_key())

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)

    @property
    def public_keys(self) -> dict[str, Ed25519PublicKey]:
        return {self.kid: self.private.public_key()}

    def pem(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(
            self.private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return path


@pytest.fixture
def key() -> Key:
    return Key()


def writer_for(directory: Path, key: Key, **kwargs: Any) -> AuditWriter:
    kwargs.setdefault("chain_id", "w1")
    kwargs.setdefault("fsync", "never")
    kwargs.setdefault("checkpoint_every", 2)
    kwargs.setdefault("max_file_bytes", 600)
    return AuditWriter(directory, checkpoint_signer=key.sign, checkpoint_kid=key.kid, **kwargs)


async def write_chain(
    directory: Path, count: int, key: Key, *, mtime: float = NOW, **kwargs: Any
) -> list[dict[str, Any]]:
    """Records in several files, each last written at ``mtime``."""
    writer = writer_for(directory, key, **kwargs)
    await writer.start()
    try:
        return [await writer.append({"id": f"d{i}", "action": "allow"}) for i in range(count)]
    finally:
        await writer.close()
        age(directory, numbers_of(directory), mtime)


def age(directory: Path, numbers: range | list[int], mtime: float = OLD) -> None:
    for number in numbers:
        os.utime(directory / name(number), (mtime, mtime))


def numbers_of(directory: Path) -> list[int]:
    return chain_files(directory).get("w1", [])


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def first_record(path: Path) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(lines_of(path)[0])
    return record


def markers(directory: Path) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in lines_of(directory / CHECKPOINTS)]
    return [line for line in lines if line["type"] == RETENTION_TYPE]


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


def prune(directory: Path, key: Key, rule: RetentionRule = FIVE_DAYS) -> list[ChainPrune]:
    return prune_directory(directory, rule, sign=key.sign, kid=key.kid, now=NOW)


def first_problem(report: VerifyReport) -> Problem:
    """The first problem; the others may only be checkpoints naming the removed records."""
    assert not report.ok
    for problem in report.problems[1:]:
        assert (problem.file, problem.reason[:14]) == (CHECKPOINTS, "checkpoint at "), problem
        assert problem.reason.endswith("that is not in the chain (records removed)"), problem
    return report.problems[0]


@pytest.fixture
async def pruned(tmp_path: Path, key: Key) -> Path:
    """A chain of several files whose first three were pruned by retention."""
    await write_chain(tmp_path, 30, key)
    assert len(numbers_of(tmp_path)) >= 6
    age(tmp_path, range(1, 4))
    [result] = prune(tmp_path, key)
    assert result.status == "pruned"
    assert result.removed == (name(1), name(2), name(3))
    return tmp_path


# --------------------------------------------------------------------------- prune, verify


async def test_pruned_files_verify_and_the_report_says_what_retention_removed(
    pruned: Path, key: Key
) -> None:
    assert numbers_of(pruned)[0] == 4
    first_kept = first_record(pruned / name(4))
    [marker] = markers(pruned)
    assert marker == {
        "type": RETENTION_TYPE,
        "chain": "w1",
        "seq": first_kept["seq"],
        "prev_hash": first_kept["prev_hash"],
        "file": name(4),
        "removed": [1, 2, 3],
        "time": "2027-01-15T08:00:00.000+00:00",
        "kid": "k1",
        "sig": marker["sig"],
    }

    checkpoints = [json.loads(line) for line in lines_of(pruned / CHECKPOINTS)]
    assert {c["file"] for c in checkpoints} >= {name(1), name(2), name(3)}

    report = verify_directory(pruned, public_keys=key.public_keys)
    assert report.ok, report.problems
    assert report.pruned_files == 3
    # Checkpoints written while files 1-3 existed name records no longer there: not a problem.
    assert report.notes == (
        f"chain w1: 3 files removed by retention ({name(1)} to {name(3)}), marked "
        f"2027-01-15T08:00:00.000+00:00; the chain starts at seq {first_kept['seq']} in {name(4)}",
    )
    assert format_report(report).splitlines()[1].startswith("note: chain w1: 3 files removed")


async def test_a_second_prune_extends_the_first(pruned: Path, key: Key) -> None:
    age(pruned, [4, 5])
    [result] = prune_directory(
        pruned, FIVE_DAYS, sign=key.sign, kid=key.kid, now=NOW + SECONDS_PER_DAY
    )
    assert result.removed == (name(4), name(5))
    report = verify_directory(pruned, public_keys=key.public_keys)
    assert report.ok, report.problems
    assert report.pruned_files == 5
    assert report.notes[0].startswith(
        f"chain w1: 5 files removed by retention ({name(1)} to {name(5)}), marked "
        "2027-01-15T08:00:00.000+00:00 to 2027-01-16T08:00:00.000+00:00;"
    )


async def test_the_newest_file_always_stays(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 30, key)
    numbers = numbers_of(tmp_path)
    age(tmp_path, numbers)
    [result] = prune(tmp_path, key)
    assert numbers_of(tmp_path) == [numbers[-1]]
    assert result.plan is not None and result.plan.keep_number == numbers[-1]
    assert verify_directory(tmp_path, public_keys=key.public_keys).ok


async def test_only_the_oldest_run_of_expired_files_goes(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 30, key)
    age(tmp_path, [1, 2, 4])  # 3 is recent: 4 stays although it is old, so no gap opens
    prune(tmp_path, key)
    assert numbers_of(tmp_path)[:3] == [3, 4, 5]


async def test_max_files_keeps_the_newest_files(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 30, key)
    numbers = numbers_of(tmp_path)
    prune(tmp_path, key, RetentionRule(max_files=2))
    assert numbers_of(tmp_path) == numbers[-2:]
    assert verify_directory(tmp_path, public_keys=key.public_keys).ok


async def test_nothing_expired_changes_nothing(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 30, key)
    before = snapshot(tmp_path)
    assert [r.status for r in prune(tmp_path, key)] == ["nothing"]
    assert snapshot(tmp_path) == before


async def test_a_dry_run_changes_nothing(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 30, key)
    age(tmp_path, range(1, 4))
    before = snapshot(tmp_path)
    [result] = prune_directory(tmp_path, FIVE_DAYS, sign=None, kid=None, dry_run=True, now=NOW)
    assert result.status == "would_prune"
    assert result.plan is not None and result.plan.remove == (1, 2, 3)
    assert snapshot(tmp_path) == before


async def test_a_chain_a_running_writer_holds_is_left_alone(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 30, key)
    age(tmp_path, range(1, 4))
    writer = writer_for(tmp_path, key)
    await writer.start()
    try:
        before = snapshot(tmp_path)
        [result] = prune(tmp_path, key)
        [dry] = prune_directory(tmp_path, FIVE_DAYS, sign=None, kid=None, dry_run=True, now=NOW)
        assert snapshot(tmp_path) == before
    finally:
        await writer.close()
    assert (result.status, dry.status) == ("busy", "busy")
    assert result.detail is not None and "audit-w1.lock" in result.detail


async def test_a_chain_broken_at_the_cut_is_not_pruned(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 30, key)
    third = tmp_path / name(3)
    third.write_bytes(b"".join(lines_of(third)[:-1]))  # the record 4 links to is gone
    age(tmp_path, range(1, 4))
    before = snapshot(tmp_path)
    [result] = prune(tmp_path, key)
    assert result.status == "failed"
    assert result.detail == (
        f"cannot prune audit chain w1: the first record of {name(4)} does not link to the "
        f"last record of {name(3)}; run `guardproxy audit verify {tmp_path}` and keep the "
        "files until the break is explained"
    )
    assert snapshot(tmp_path) == before
    with pytest.raises(PruneError):
        plan_prune(tmp_path, "w1", numbers_of(tmp_path), FIVE_DAYS, now=NOW)


def test_retention_rules_are_validated() -> None:
    with pytest.raises(ValueError, match="positive"):
        RetentionRule(max_age_s=0)
    with pytest.raises(ValueError, match="at least 1"):
        RetentionRule(max_files=0)
    assert not RetentionRule().enabled


# --------------------------------------------------------------------------- what is caught


async def test_files_deleted_without_a_marker_are_reported(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 30, key)
    for number in (1, 2):
        (tmp_path / name(number)).unlink()
    first = first_record(tmp_path / name(3))

    report = verify_directory(tmp_path, public_keys=key.public_keys)
    assert not report.ok
    problem = report.problems[0]
    assert (problem.file, problem.line, problem.record_id) == (name(3), 1, first["id"])
    assert "first record of the chain does not link to genesis" in problem.reason
    assert f"missing file(s): {name(1)}, {name(2)}" in problem.reason
    assert report.pruned_files == 0


async def test_a_file_deleted_after_the_marked_ones_is_reported(pruned: Path, key: Key) -> None:
    (pruned / name(4)).unlink()
    first = first_record(pruned / name(5))

    problem = first_problem(verify_directory(pruned, public_keys=key.public_keys))
    assert (problem.file, problem.line, problem.record_id) == (name(5), 1, first["id"])
    assert problem.reason.startswith(
        "first record of the chain does not link to genesis or to a retention marker"
    )
    assert f"missing file(s) not covered by a retention marker: {name(4)}" in problem.reason


async def test_a_gap_in_the_middle_is_still_reported(pruned: Path, key: Key) -> None:
    (pruned / name(5)).unlink()
    problem = first_problem(verify_directory(pruned, public_keys=key.public_keys))
    assert (problem.file, problem.line) == (name(6), 1)
    assert problem.reason.startswith(
        f"chain continues in a file whose first record does not link to the previous file "
        f"({name(4)})"
    )
    assert f"missing file(s): {name(5)}" in problem.reason


async def test_records_deleted_from_the_first_kept_file_are_reported(
    pruned: Path, key: Key
) -> None:
    path = pruned / name(4)
    lines = lines_of(path)
    path.write_bytes(b"".join(lines[1:]))
    kept = json.loads(lines[0])
    now_first = json.loads(lines[1])

    problem = first_problem(verify_directory(pruned, public_keys=key.public_keys))
    assert (problem.file, problem.line, problem.record_id) == (name(4), 1, now_first["id"])
    assert problem.reason == (
        "records deleted from the start of the first kept file: the chain starts at seq "
        f"{now_first['seq']}, but the retention marker at {CHECKPOINTS}:"
        f"{len(lines_of(pruned / CHECKPOINTS))} keeps it from seq {kept['seq']}"
    )


async def test_a_marker_whose_anchor_is_not_the_first_kept_record_is_reported(
    tmp_path: Path, key: Key
) -> None:
    await write_chain(tmp_path, 30, key)
    first = first_record(tmp_path / name(3))
    marker = make_retention_marker(
        chain_id="w1",
        seq=first["seq"],
        prev_hash="ab" * 32,  # validly signed, but not what the record links to
        file=name(3),
        removed=[1, 2],
        time="2027-01-15T08:00:00.000+00:00",
        kid=key.kid,
        sign=key.sign,
    )
    append_marker(tmp_path / CHECKPOINTS, canonical_json(marker) + b"\n")
    for number in (1, 2):
        (tmp_path / name(number)).unlink()
    marker_line = len(lines_of(tmp_path / CHECKPOINTS))

    problem = first_problem(verify_directory(tmp_path, public_keys=key.public_keys))
    assert (problem.file, problem.line, problem.record_id) == (name(3), 1, first["id"])
    assert problem.reason.startswith(
        f"prev_hash does not match the anchor of the retention marker at {CHECKPOINTS}:"
        f"{marker_line}"
    )


async def test_a_marker_anchor_that_differs_from_a_present_record_is_reported(
    tmp_path: Path, key: Key
) -> None:
    await write_chain(tmp_path, 30, key)
    first = first_record(tmp_path / name(3))
    marker = make_retention_marker(
        chain_id="w1",
        seq=first["seq"],
        prev_hash="ab" * 32,
        file=name(3),
        removed=[1, 2],
        time="2027-01-15T08:00:00.000+00:00",
        kid=key.kid,
        sign=key.sign,
    )
    append_marker(tmp_path / CHECKPOINTS, canonical_json(marker) + b"\n")
    marker_line = len(lines_of(tmp_path / CHECKPOINTS))

    problem = first_problem(verify_directory(tmp_path, public_keys=key.public_keys))
    assert (problem.file, problem.line) == (CHECKPOINTS, marker_line)
    assert problem.reason == (
        f"retention marker at seq {first['seq']} has anchor {'ab' * 8}…, but the record at "
        f"{name(3)}:1 has prev_hash {first['prev_hash'][:16]}… (records replaced after the "
        "marker was signed)"
    )


async def test_a_forged_marker_is_reported_and_covers_nothing(pruned: Path, key: Key) -> None:
    path = pruned / CHECKPOINTS
    lines = lines_of(path)
    marker = json.loads(lines[-1])
    forged = make_retention_marker(
        chain_id="w1",
        seq=marker["seq"],
        prev_hash=marker["prev_hash"],
        file=marker["file"],
        removed=marker["removed"],
        time=marker["time"],
        kid=key.kid,  # the right key id, the wrong key
        sign=Key().sign,
    )
    path.write_bytes(b"".join(lines[:-1]) + canonical_json(forged) + b"\n")

    report = verify_directory(pruned, public_keys=key.public_keys)
    problems = {(p.file, p.line): p for p in report.problems}
    assert problems[CHECKPOINTS, len(lines)].reason == (
        f"retention marker at seq {marker['seq']}: signature does not verify with key 'k1' "
        "(retention marker edited or forged)"
    )
    start = problems[name(4), 1]
    assert start.record_id == first_record(pruned / name(4))["id"]
    assert f"missing file(s): {name(1)}, {name(2)}, {name(3)}" in start.reason
    assert report.pruned_files == 0


async def test_an_edited_marker_is_reported(pruned: Path, key: Key) -> None:
    path = pruned / CHECKPOINTS
    lines = lines_of(path)
    marker = json.loads(lines[-1])
    marker["removed"] = [1, 2]
    path.write_bytes(b"".join(lines[:-1]) + canonical_json(marker) + b"\n")
    report = verify_directory(pruned, public_keys=key.public_keys)
    assert any(
        p.line == len(lines) and "signature does not verify" in p.reason for p in report.problems
    )


async def test_a_marker_signed_with_an_unknown_key_is_reported(pruned: Path, key: Key) -> None:
    path = pruned / CHECKPOINTS
    lines = lines_of(path)
    marker = json.loads(lines[-1])
    marker.pop("sig")
    marker["kid"] = "k9"
    resigned = make_retention_marker(
        chain_id="w1",
        seq=marker["seq"],
        prev_hash=marker["prev_hash"],
        file=marker["file"],
        removed=marker["removed"],
        time=marker["time"],
        kid="k9",
        sign=Key().sign,
    )
    path.write_bytes(b"".join(lines[:-1]) + canonical_json(resigned) + b"\n")

    report = verify_directory(pruned, public_keys=key.public_keys)
    problems = {(p.file, p.line): p for p in report.problems}
    assert problems[CHECKPOINTS, len(lines)].reason == (
        f"retention marker at seq {marker['seq']} is signed with unknown key 'k9' (not among "
        "the public keys given: add it if it is a retired key of yours, otherwise the "
        "retention marker is forged)"
    )
    assert (name(4), 1) in problems
    assert report.pruned_files == 0


async def test_a_checkpoint_signature_never_passes_for_a_marker(pruned: Path, key: Key) -> None:
    path = pruned / CHECKPOINTS
    lines = lines_of(path)
    checkpoint = json.loads(lines[0])
    marker = markers(pruned)[0]
    relabelled = {**checkpoint, **{k: marker[k] for k in ("type", "prev_hash", "removed")}}
    relabelled.pop("hash")
    relabelled.update(seq=marker["seq"], file=marker["file"])
    path.write_bytes(b"".join(lines[:-1]) + canonical_json(relabelled) + b"\n")
    report = verify_directory(pruned, public_keys=key.public_keys)
    assert any(
        p.line == len(lines) and "(retention marker edited or forged)" in p.reason
        for p in report.problems
    )


async def test_an_invalid_marker_is_reported_by_field(pruned: Path, key: Key) -> None:
    path = pruned / CHECKPOINTS
    marker = markers(pruned)[0]
    marker["removed"] = [4]  # not before the first kept file
    marker.pop("prev_hash")
    path.write_bytes(path.read_bytes() + canonical_json(marker) + b"\n")
    report = verify_directory(pruned, public_keys=key.public_keys)
    assert [p.reason for p in report.problems] == [
        "not a valid retention marker: missing or invalid field(s): prev_hash, removed"
    ]


async def test_without_keys_marker_signatures_are_a_note(pruned: Path) -> None:
    report = verify_directory(pruned)
    assert report.ok
    assert any(
        "checkpoints and 1 retention marker not checked (no public keys given)" in note
        for note in report.notes
    )


# --------------------------------------------------------------------------- crash safety


async def test_a_crash_between_marker_and_unlink_verifies(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 30, key)
    age(tmp_path, range(1, 4))
    plan = plan_prune(tmp_path, "w1", numbers_of(tmp_path), FIVE_DAYS, now=NOW)
    assert plan is not None
    marker = plan.marker(now=NOW, kid=key.kid, sign=key.sign)
    append_marker(tmp_path / CHECKPOINTS, canonical_json(marker) + b"\n")
    marker_line = len(lines_of(tmp_path / CHECKPOINTS))

    # the crash: nothing unlinked
    report = verify_directory(tmp_path, public_keys=key.public_keys)
    assert report.ok, report.problems
    assert report.notes == (
        f"{CHECKPOINTS}:{marker_line}: the retention marker names 3 files still present "
        f"({name(1)}, {name(2)}, {name(3)}): a prune was interrupted before removing them; "
        "the next prune does",
    )

    # the crash after the first unlink
    (tmp_path / name(1)).unlink()
    report = verify_directory(tmp_path, public_keys=key.public_keys)
    assert report.ok, report.problems
    assert report.pruned_files == 1

    # the next prune finishes the job
    [result] = prune(tmp_path, key)
    assert result.removed == (name(2), name(3))
    report = verify_directory(tmp_path, public_keys=key.public_keys)
    assert report.ok, report.problems
    assert report.pruned_files == 3


async def test_the_marker_is_synced_before_any_file_is_removed(
    tmp_path: Path, key: Key, monkeypatch: pytest.MonkeyPatch
) -> None:
    await write_chain(tmp_path, 30, key)
    age(tmp_path, range(1, 4))
    events: list[str] = []
    real_fsync, real_unlink = os.fsync, Path.unlink
    checkpoint_inode = (tmp_path / CHECKPOINTS).stat().st_ino

    def spy_fsync(fd: int) -> None:
        if os.fstat(fd).st_ino == checkpoint_inode:
            events.append("fsync marker")
        real_fsync(fd)

    def spy_unlink(self: Path, missing_ok: bool = False) -> None:
        events.append(f"unlink {self.name}")
        real_unlink(self, missing_ok)

    monkeypatch.setattr(os, "fsync", spy_fsync)
    monkeypatch.setattr(Path, "unlink", spy_unlink)
    prune(tmp_path, key)
    assert events == ["fsync marker", *(f"unlink {name(n)}" for n in (1, 2, 3))]


async def test_a_failed_marker_write_removes_nothing(
    tmp_path: Path, key: Key, monkeypatch: pytest.MonkeyPatch
) -> None:
    await write_chain(tmp_path, 30, key)
    age(tmp_path, range(1, 4))
    before = snapshot(tmp_path)

    def disk_full(file: Any, data: bytes, path: Path | None) -> None:
        file.write(data[:10])
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(retention_module, "write_all", disk_full)
    [result] = prune(tmp_path, key)
    assert result.status == "failed"
    assert result.detail == f"{tmp_path / CHECKPOINTS}: No space left on device"
    assert snapshot(tmp_path) == before


# --------------------------------------------------------------------------- the writer


async def test_the_writer_prunes_after_rotation_and_never_its_current_file(
    tmp_path: Path, key: Key
) -> None:
    writer = writer_for(tmp_path, key, retention_max_files=2)
    await writer.start()
    try:
        for i in range(30):
            await writer.append({"id": f"d{i}", "action": "allow"})
            assert writer.path.exists()
            assert len(numbers_of(tmp_path)) <= 3  # the prune is queued behind the append
        current = writer.path
    finally:
        await writer.close()
    numbers = numbers_of(tmp_path)
    assert len(numbers) == 2 and current.name == name(numbers[-1])
    assert writer.files_pruned == numbers[0] - 1
    assert writer.prune_errors == 0
    report = verify_directory(tmp_path, public_keys=key.public_keys)
    assert report.ok, report.problems
    assert report.pruned_files == numbers[0] - 1


async def test_the_writer_keeps_its_current_file_however_old(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 30, key, mtime=time.time())
    writer = writer_for(tmp_path, key, retention_s=5 * SECONDS_PER_DAY)
    await writer.start()
    try:
        numbers = numbers_of(tmp_path)
        age(tmp_path, numbers, time.time() - 10 * SECONDS_PER_DAY)  # the current file too
        await writer.prune()
        assert numbers_of(tmp_path) == [numbers[-1]]
        assert writer.path.name == name(numbers[-1])
        await writer.append({"id": "after", "action": "allow"})
    finally:
        await writer.close()
    report = verify_directory(tmp_path, public_keys=key.public_keys)
    assert report.ok, report.problems


async def test_the_writer_prunes_when_it_starts(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 30, key, mtime=time.time())
    numbers = numbers_of(tmp_path)
    age(tmp_path, range(1, 4), time.time() - 10 * SECONDS_PER_DAY)
    writer = writer_for(tmp_path, key, retention_s=5 * SECONDS_PER_DAY)
    await writer.start()
    await writer.close()  # runs after the prune queued at start
    assert numbers_of(tmp_path) == numbers[3:]
    assert writer.files_pruned == 3


async def test_a_restart_after_a_marker_continues_from_the_last_checkpoint(
    pruned: Path, key: Key, caplog: pytest.LogCaptureFixture
) -> None:
    before = (pruned / CHECKPOINTS).read_bytes()
    writer = writer_for(pruned, key)
    with caplog.at_level(logging.ERROR, logger="guardproxy.audit.writer"):
        await writer.start()
        await writer.close()
    assert caplog.text == ""
    # the last record was covered before the marker: no new checkpoint was needed
    assert (pruned / CHECKPOINTS).read_bytes() == before


async def test_a_failed_prune_never_fails_an_append(
    tmp_path: Path, key: Key, caplog: pytest.LogCaptureFixture
) -> None:
    await write_chain(tmp_path, 30, key)
    before_last = tmp_path / name(numbers_of(tmp_path)[-2])
    before_last.write_bytes(b"".join(lines_of(before_last)[:-1]))  # at the cut
    writer = writer_for(tmp_path, key, retention_max_files=1, max_file_bytes=10**6)
    with caplog.at_level(logging.ERROR, logger="guardproxy.audit.writer"):
        await writer.start()
        await writer.append({"id": "after", "action": "allow"})
        await writer.close()
    assert writer.prune_errors >= 1 and writer.files_pruned == 0
    assert "retention not applied: cannot prune audit chain w1" in caplog.text
    assert numbers_of(tmp_path)[0] == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"retention_s": 60}, "retention needs checkpoint_signer"),
        ({"retention_max_files": 3}, "retention needs checkpoint_signer"),
        (
            {"retention_s": 0, "checkpoint_signer": Key().sign, "checkpoint_kid": "k"},
            "positive",
        ),
        (
            {
                "retention_max_files": 3,
                "retention_interval_s": 0,
                "checkpoint_signer": Key().sign,
                "checkpoint_kid": "k",
            },
            "retention_interval_s must be positive",
        ),
    ],
)
def test_bad_retention_settings_are_rejected(
    tmp_path: Path, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        AuditWriter(tmp_path, chain_id="w1", **kwargs)


# --------------------------------------------------------------------------- the command


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in list(os.environ):
        if variable.startswith("GUARDPROXY_"):
            monkeypatch.delenv(variable)


@pytest.fixture
def server_key() -> Key:
    return Key(kid=None)


@pytest.fixture
async def old_log(tmp_path: Path, server_key: Key, clean_env: None) -> Path:
    """A log whose first three files are ten days old, and the server's key directory."""
    directory = tmp_path / "audit"
    await write_chain(directory, 30, server_key, mtime=time.time())
    age(directory, range(1, 4), TEN_DAYS_AGO)
    server_key.pem(directory / "provenance-keys" / "active.pem")
    return directory


async def test_prune_command_then_verify(
    old_log: Path, tmp_path: Path, server_key: Key, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "prune", "--dir", str(old_log), "--older-than", "5"]) == 0
    out = capsys.readouterr().out
    first = first_record(old_log / name(4))
    assert out == (
        f"chain w1: removed 3 file(s) ({name(1)} to {name(3)}); the chain now starts at seq "
        f"{first['seq']} in {name(4)}\n"
        f"3 file(s) removed from {old_log}\n"
    )
    keys = server_key.pem(tmp_path / "keys.pem")
    assert main(["audit", "verify", str(old_log), "--keys", str(keys)]) == 0
    assert "3 files removed by retention" in capsys.readouterr().out


async def test_prune_command_dry_run_removes_nothing_and_needs_no_key(
    old_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (old_log / "provenance-keys" / "active.pem").unlink()
    before = snapshot(old_log)
    assert main(["audit", "prune", "--dir", str(old_log), "--older-than", "5", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"chain w1: would remove 3 file(s) ({name(1)} to {name(3)})" in out
    assert f"dry run: 3 file(s) would be removed from {old_log}; nothing changed" in out
    assert snapshot(old_log) == before


async def test_prune_command_takes_its_defaults_from_the_settings(
    old_log: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GUARDPROXY_AUDIT_DIR", str(old_log))
    monkeypatch.setenv("GUARDPROXY_AUDIT_RETENTION_DAYS", "5")
    assert main(["audit", "prune"]) == 0
    assert "3 file(s) removed" in capsys.readouterr().out


async def test_prune_command_reports_a_chain_it_cannot_prune_with_exit_1(
    old_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    third = old_log / name(3)
    third.write_bytes(b"".join(lines_of(third)[:-1]))
    age(old_log, [3], TEN_DAYS_AGO)
    assert main(["audit", "prune", "--dir", str(old_log), "--older-than", "5"]) == 1
    err = capsys.readouterr().err
    assert f"chain w1: FAILED: cannot prune audit chain w1: the first record of {name(4)}" in err
    assert numbers_of(old_log)[0] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--older-than", "0"], "--older-than must be a positive number of days, not 0.0"),
        (["--older-than", "nan"], "--older-than must be a positive number of days"),
        (["--max-files", "0"], "--max-files must be at least 1, not 0"),
        ([], "nothing to prune by: give --older-than DAYS or --max-files N"),
    ],
)
async def test_prune_command_usage_errors_exit_2(
    old_log: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(old_log)
    assert main(["audit", "prune", "--dir", str(old_log), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("guardproxy: config error: ") and message in err
    assert snapshot(old_log) == before


async def test_prune_command_names_a_missing_directory(
    tmp_path: Path, clean_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"
    assert main(["audit", "prune", "--dir", str(missing), "--older-than", "5"]) == 2
    assert f"audit directory {missing} does not exist" in capsys.readouterr().err


async def test_prune_command_never_makes_up_a_signing_key(
    old_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = old_log / "provenance-keys" / "active.pem"
    key_file.unlink()
    before = snapshot(old_log)
    assert main(["audit", "prune", "--dir", str(old_log), "--older-than", "5"]) == 2
    err = capsys.readouterr().err
    assert f"no signing key for retention markers: {key_file} does not exist" in err
    assert snapshot(old_log) == before
    assert not key_file.exists()


def test_prune_command_bad_flag_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["audit", "prune", "--older-than", "soon"])
    assert exited.value.code == 2
    assert "usage error" in capsys.readouterr().err


async def test_prune_command_skips_a_chain_a_server_holds(
    old_log: Path, key: Key, capsys: pytest.CaptureFixture[str]
) -> None:
    writer = writer_for(old_log, key)
    await writer.start()
    try:
        code = main(["audit", "prune", "--dir", str(old_log), "--older-than", "5"])
    finally:
        await writer.close()
    assert code == 0
    captured = capsys.readouterr()
    assert "chain w1: skipped: a running writer holds audit-w1.lock" in captured.err
    assert "0 file(s) removed" in captured.out
    assert numbers_of(old_log)[0] == 1


# --------------------------------------------------------------------------- the format


def test_the_documented_example_retention_marker() -> None:
    # RFC 8032 test 1 key: the example in docs/audit-format.md must stay reproducible.
    private = Ed25519PrivateKey.from_private_bytes(
        bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    )
    marker = make_retention_marker(
        chain_id="w1",
        seq=4200,
        prev_hash="e4acf5b8a34519b4ea3a0e54dc1213dfb0f1f98667de7d91ac3e056aa55c9869",
        file=name(4),
        removed=[1, 2, 3],
        time="2025-03-01T00:00:00.000+00:00",
        kid="rfc8032-test-1",
        sign=private.sign,
    )
    docs = (Path(__file__).parents[2] / "docs" / "audit-format.md").read_text("utf-8")
    assert signing_input(marker).decode() in docs
    assert canonical_json(marker).decode() in docs
    assert set(marker) == {*RETENTION_SIGNED_FIELDS, "sig"}
    assert marker["sig"] == (
        "fQr0VNhsDQMzMMTaCwV5Q_mZ3Ak_8E3R5KmLMS8VLhSRgF6YKL1yc1g_J3DUM96yRbxNNX0lksNxynhWdUylDw"
    )
