"""Signed checkpoints: written by the writer thread, and a cut-off tail fails verification."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from guardproxy.audit import (
    AuditWriter,
    Problem,
    VerifyReport,
    canonical_json,
    format_report,
    record_hash,
    verify_directory,
)
from guardproxy.audit.checkpoint import (
    CHECKPOINT_TYPE,
    b64url_decode,
    b64url_encode,
    checkpoint_file_name,
    make_checkpoint,
    parse_checkpoint_file_name,
    signing_input,
)
from guardproxy.provenance import SigningKey

CHECKPOINTS = "audit-w1.checkpoints.jsonl"
FIRST = "audit-w1-000001.jsonl"


class Key:
    """An Ed25519 key with the signer and public-key map the server derives from its ring."""

    def __init__(self, kid: str) -> None:
        self.kid = kid
        self.private = Ed25519PrivateKey.generate()
        self.signed_in: list[str] = []

    def sign(self, data: bytes) -> bytes:
        self.signed_in.append(threading.current_thread().name)
        return self.private.sign(data)

    @property
    def public_keys(self) -> dict[str, Ed25519PublicKey]:
        return {self.kid: self.private.public_key()}


@pytest.fixture
def key() -> Key:
    return Key("k1")


async def write_chain(
    directory: Path, count: int, key: Key, *, start: int = 0, **kwargs: Any
) -> list[dict[str, Any]]:
    kwargs.setdefault("chain_id", "w1")
    kwargs.setdefault("fsync", "never")
    kwargs.setdefault("checkpoint_every", 5)
    writer = AuditWriter(directory, checkpoint_signer=key.sign, checkpoint_kid=key.kid, **kwargs)
    await writer.start()
    try:
        return [
            await writer.append({"id": f"d{i}", "action": "allow"})
            for i in range(start, start + count)
        ]
    finally:
        await writer.close()


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def record_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("audit-w1-*.jsonl"))


def only_problem(report: VerifyReport) -> Problem:
    assert not report.ok
    assert len(report.problems) == 1, report.problems
    return report.problems[0]


# --------------------------------------------------------------------------- the writer


async def test_checkpoints_every_n_records_and_at_close(tmp_path: Path, key: Key) -> None:
    records = await write_chain(tmp_path, 10, key, checkpoint_every=3)
    checkpoints = read_lines(tmp_path / CHECKPOINTS)
    assert [c["seq"] for c in checkpoints] == [2, 5, 8, 9]  # 9: at close
    public = key.private.public_key()
    for checkpoint in checkpoints:
        assert set(checkpoint) == {"type", "chain", "seq", "hash", "file", "time", "kid", "sig"}
        assert checkpoint["type"] == CHECKPOINT_TYPE
        assert checkpoint["chain"] == "w1"
        assert checkpoint["kid"] == "k1"
        assert checkpoint["file"] == FIRST
        assert checkpoint["hash"] == records[checkpoint["seq"]]["hash"]
        signature = b64url_decode(checkpoint["sig"])
        assert signature is not None
        public.verify(signature, signing_input(checkpoint))  # raises if wrong
    raw = lines_of(tmp_path / CHECKPOINTS)
    assert raw == [canonical_json(c) + b"\n" for c in checkpoints]


async def test_close_does_not_repeat_a_checkpoint_of_the_same_record(
    tmp_path: Path, key: Key
) -> None:
    await write_chain(tmp_path, 10, key, checkpoint_every=5)
    assert [c["seq"] for c in read_lines(tmp_path / CHECKPOINTS)] == [4, 9]


async def test_a_checkpoint_names_the_file_of_its_record_across_rotation(
    tmp_path: Path, key: Key
) -> None:
    records = await write_chain(tmp_path, 20, key, checkpoint_every=4, max_file_bytes=600)
    where = {}
    for path in record_files(tmp_path):
        for record in read_lines(path):
            where[record["seq"]] = path.name
    checkpoints = read_lines(tmp_path / CHECKPOINTS)
    assert [c["seq"] for c in checkpoints] == [3, 7, 11, 15, 19]
    assert len({c["file"] for c in checkpoints}) > 1
    for checkpoint in checkpoints:
        assert checkpoint["file"] == where[checkpoint["seq"]]
        assert checkpoint["hash"] == records[checkpoint["seq"]]["hash"]


async def test_a_checkpoint_follows_quiet_activity_after_the_interval(
    tmp_path: Path, key: Key
) -> None:
    writer = AuditWriter(
        tmp_path,
        chain_id="w1",
        fsync="never",
        checkpoint_signer=key.sign,
        checkpoint_kid=key.kid,
        checkpoint_every=1000,
        checkpoint_interval_s=0.01,
    )
    await writer.start()
    try:
        stored = await writer.append({"id": "d0"})
        for _ in range(200):
            if writer.checkpoints_written:
                break
            await asyncio.sleep(0.01)
        assert writer.checkpoints_written == 1
        [checkpoint] = read_lines(writer.checkpoint_path)
        assert (checkpoint["seq"], checkpoint["hash"]) == (0, stored["hash"])
    finally:
        await writer.close()
    assert writer.checkpoints_written == 1  # close found the last record covered


async def test_checkpoint_io_and_signing_run_in_the_writer_thread(
    tmp_path: Path, key: Key, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop_thread = threading.current_thread().name
    written_in: list[str] = []
    real_write = AuditWriter._write_checkpoint_line

    def spy_write(self: AuditWriter, line: bytes) -> None:
        written_in.append(threading.current_thread().name)
        real_write(self, line)

    monkeypatch.setattr(AuditWriter, "_write_checkpoint_line", spy_write)
    await write_chain(tmp_path, 10, key, checkpoint_every=2, fsync="always")

    assert len(written_in) == len(key.signed_in) == 5
    threads = set(written_in) | set(key.signed_in)
    assert loop_thread not in threads
    assert {name.split("_")[0] for name in threads} == {"guardproxy-audit-w1"}
    assert len(threads) == 1


async def test_the_record_file_is_synced_before_each_checkpoint_even_without_fsync(
    tmp_path: Path, key: Key, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync = os.fsync
    real_write = AuditWriter._write_checkpoint_line

    def spy_fsync(fd: int) -> None:
        inode = os.fstat(fd).st_ino
        names = [p.name for p in tmp_path.iterdir() if p.stat().st_ino == inode]
        events.append(f"fsync {' '.join(names)}")
        real_fsync(fd)

    def spy_write(self: AuditWriter, line: bytes) -> None:
        events.append("checkpoint")
        real_write(self, line)

    monkeypatch.setattr(os, "fsync", spy_fsync)
    monkeypatch.setattr(AuditWriter, "_write_checkpoint_line", spy_write)
    await write_chain(tmp_path, 4, key, checkpoint_every=2, fsync="never")
    # fsync="never": no record or checkpoint syncs, except the record before a checkpoint.
    assert events == [f"fsync {FIRST}", "checkpoint"] * 2


async def test_a_restart_covers_the_previous_run_and_continues(tmp_path: Path, key: Key) -> None:
    # A run without checkpoints (or one that crashed) leaves its last records uncovered.
    plain = AuditWriter(tmp_path, chain_id="w1", fsync="never")
    await plain.start()
    for i in range(3):
        await plain.append({"id": f"d{i}"})
    await plain.close()

    writer = AuditWriter(
        tmp_path, chain_id="w1", fsync="never", checkpoint_signer=key.sign, checkpoint_kid="k1"
    )
    await writer.start()
    assert [c["seq"] for c in read_lines(writer.checkpoint_path)] == [2]
    await writer.append({"id": "d3"})
    await writer.close()
    assert [c["seq"] for c in read_lines(writer.checkpoint_path)] == [2, 3]
    report = verify_directory(tmp_path, public_keys=key.public_keys)
    assert report.ok, report.problems
    assert report.checkpoints == 2


async def test_a_torn_checkpoint_line_is_moved_aside_at_restart(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 5, key)
    path = tmp_path / CHECKPOINTS
    intact = path.read_bytes()
    path.write_bytes(intact + b'{"chain":"w1","file":"audit-w1-')  # a crash mid-write

    report = verify_directory(tmp_path, public_keys=key.public_keys)
    assert report.ok
    assert f"{CHECKPOINTS}:2: incomplete last line" in report.notes[0]

    await write_chain(tmp_path, 5, key, start=5)
    assert path.read_bytes().startswith(intact)
    assert [c["seq"] for c in read_lines(path)] == [4, 9]
    assert (tmp_path / f"{CHECKPOINTS}.{len(intact)}.torn").exists()
    report = verify_directory(tmp_path, public_keys=key.public_keys)
    assert report.ok, report.problems


async def test_a_failing_signer_never_fails_an_append(
    tmp_path: Path, key: Key, caplog: pytest.LogCaptureFixture
) -> None:
    calls = 0

    def flaky(data: bytes) -> bytes:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("signing device unavailable")
        return key.private.sign(data)

    writer = AuditWriter(
        tmp_path,
        chain_id="w1",
        fsync="never",
        checkpoint_signer=flaky,
        checkpoint_kid="k1",
        checkpoint_every=2,
    )
    await writer.start()
    with caplog.at_level(logging.ERROR, logger="guardproxy.audit.writer"):
        for i in range(4):
            await writer.append({"id": f"d{i}"})
    await writer.close()
    assert writer.checkpoint_errors == 1
    assert writer.write_errors == 0
    assert "checkpoint at seq 1 not written: RuntimeError: signing device unavailable" in (
        caplog.text
    )
    assert [c["seq"] for c in read_lines(writer.checkpoint_path)] == [3]
    assert verify_directory(tmp_path, public_keys=key.public_keys).ok


async def test_the_server_key_ring_can_sign_checkpoints(tmp_path: Path) -> None:
    active = SigningKey.from_private(Ed25519PrivateKey.generate())
    writer = AuditWriter(
        tmp_path,
        chain_id="w1",
        fsync="never",
        checkpoint_signer=active.private.sign,
        checkpoint_kid=active.kid,
    )
    await writer.start()
    await writer.append({"id": "d0"})
    await writer.close()
    report = verify_directory(tmp_path, public_keys={active.kid: active.public})
    assert report.ok
    assert report.checkpoints == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"checkpoint_kid": "k1"}, "give both or neither"),
        ({"checkpoint_signer": lambda data: b""}, "give both or neither"),
        ({"checkpoint_signer": lambda data: b"", "checkpoint_kid": ""}, "non-empty"),
        ({"checkpoint_every": 0}, "checkpoint_every must be at least 1"),
        ({"checkpoint_interval_s": 0}, "checkpoint_interval_s must be positive"),
    ],
)
def test_bad_checkpoint_settings_are_rejected(
    tmp_path: Path, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        AuditWriter(tmp_path, chain_id="w1", **kwargs)


def test_checkpoint_file_names_never_look_like_record_files() -> None:
    assert checkpoint_file_name("w1") == CHECKPOINTS
    assert parse_checkpoint_file_name(CHECKPOINTS) == "w1"
    assert parse_checkpoint_file_name("audit-a.checkpoints.checkpoints.jsonl") == ("a.checkpoints")
    assert parse_checkpoint_file_name(FIRST) is None
    assert b64url_decode(b64url_encode(b"\xff" * 64)) == b"\xff" * 64
    assert b64url_decode("ab=") is None


# --------------------------------------------------------------------------- verification


async def test_a_checkpointed_log_verifies(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 10, key, checkpoint_every=3)
    report = verify_directory(tmp_path, public_keys=key.public_keys)
    assert report == VerifyReport(
        ok=True, chains=1, files=1, records=10, problems=(), notes=(), checkpoints=4
    )
    assert format_report(report) == "OK: 1 chain, 1 file, 10 records, 4 checkpoints"


async def test_records_cut_off_after_a_checkpoint_are_reported(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 10, key)  # checkpoints at seq 4 and 9
    path = tmp_path / FIRST
    path.write_bytes(b"".join(lines_of(path)[:-3]))  # seq 7, 8, 9 removed

    problem = only_problem(verify_directory(tmp_path, public_keys=key.public_keys))
    assert problem == Problem(
        CHECKPOINTS,
        2,
        None,
        "chain ends at seq 6 but checkpoint at seq 9 (records removed from the tail; the "
        f"chain ends in {FIRST}, the checkpoint names {FIRST})",
    )
    assert format_report(verify_directory(tmp_path, public_keys=key.public_keys)).startswith(
        f"{CHECKPOINTS}:2: chain ends at seq 6 but checkpoint at seq 9 (records removed"
    )


async def test_deleting_the_last_file_of_a_rotated_chain_is_reported(
    tmp_path: Path, key: Key
) -> None:
    await write_chain(tmp_path, 20, key, checkpoint_every=2, max_file_bytes=600)
    files = record_files(tmp_path)
    assert len(files) > 3
    remaining_last_seq = read_lines(files[-2])[-1]["seq"]
    files[-1].unlink()

    problem = only_problem(verify_directory(tmp_path, public_keys=key.public_keys))
    assert problem.file == CHECKPOINTS
    assert problem.reason == (
        f"chain ends at seq {remaining_last_seq} but checkpoint at seq 19 (records removed "
        f"from the tail; the chain ends in {files[-2].name}, the checkpoint names "
        f"{files[-1].name})"
    )


async def test_deleting_every_record_file_is_reported(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 20, key, max_file_bytes=600)
    for path in record_files(tmp_path):
        path.unlink()

    report = verify_directory(tmp_path, public_keys=key.public_keys)
    problem = only_problem(report)
    assert problem.file == CHECKPOINTS
    assert problem.reason.startswith(
        "chain w1 has no records but checkpoint at seq 19 (records removed from the tail"
    )
    assert (report.chains, report.files, report.records) == (1, 0, 0)


async def test_a_cut_after_the_last_checkpoint_is_not_seen(tmp_path: Path, key: Key) -> None:
    # The documented limit: records not yet covered by a checkpoint can go unnoticed.
    writer = AuditWriter(
        tmp_path,
        chain_id="w1",
        fsync="never",
        checkpoint_signer=key.sign,
        checkpoint_kid=key.kid,
        checkpoint_every=5,
        checkpoint_interval_s=60,
    )
    await writer.start()
    try:
        for i in range(8):
            await writer.append({"id": f"d{i}"})
        copy = tmp_path / "copy"
        shutil.copytree(tmp_path, copy, ignore=shutil.ignore_patterns("*.lock", "copy"))
    finally:
        await writer.close()
    path = copy / FIRST
    path.write_bytes(b"".join(lines_of(path)[:6]))  # seq 6 and 7, after the checkpoint at 4
    assert verify_directory(copy, public_keys=key.public_keys).ok


async def test_a_rewritten_chain_with_recomputed_hashes_is_caught(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 10, key)  # checkpoints at seq 4 and 9
    path = tmp_path / FIRST
    records = read_lines(path)
    prev = records[2]["hash"]
    for record in records[3:]:  # rewrite from seq 3 on, re-linking every record
        record["action"] = "block"
        record["prev_hash"] = prev
        record["hash"] = prev = record_hash(record)
    path.write_bytes(b"".join(canonical_json(r) + b"\n" for r in records))

    report = verify_directory(tmp_path, public_keys=key.public_keys)
    assert not report.ok
    assert [(p.file, p.line) for p in report.problems] == [(CHECKPOINTS, 1), (CHECKPOINTS, 2)]
    assert report.problems[0].reason.startswith("checkpoint at seq 4 has hash ")
    assert report.problems[0].reason.endswith(
        f"but the record at {FIRST}:5 has hash {records[4]['hash'][:16]}… (records replaced "
        "after the checkpoint was signed)"
    )


async def test_an_edited_checkpoint_fails(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 10, key)
    path = tmp_path / CHECKPOINTS
    lines = lines_of(path)
    edited = json.loads(lines[1])
    edited["seq"] = 5  # point the last checkpoint at an earlier record to hide a cut
    edited["hash"] = read_lines(tmp_path / FIRST)[5]["hash"]
    lines[1] = canonical_json(edited) + b"\n"
    path.write_bytes(b"".join(lines))

    problem = only_problem(verify_directory(tmp_path, public_keys=key.public_keys))
    assert problem == Problem(
        CHECKPOINTS,
        2,
        None,
        "checkpoint at seq 5: signature does not verify with key 'k1' (checkpoint edited "
        "or forged)",
    )


async def test_a_reformatted_checkpoint_line_fails(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 5, key)
    path = tmp_path / CHECKPOINTS
    path.write_bytes(json.dumps(json.loads(path.read_bytes())).encode() + b"\n")
    problem = only_problem(verify_directory(tmp_path, public_keys=key.public_keys))
    assert (problem.file, problem.line) == (CHECKPOINTS, 1)
    assert "not in canonical JSON form" in problem.reason


async def test_a_checkpoint_with_a_missing_field_fails(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 5, key)
    path = tmp_path / CHECKPOINTS
    checkpoint = json.loads(path.read_bytes())
    del checkpoint["hash"]
    checkpoint["file"] = "audit-w2-000001.jsonl"
    path.write_bytes(canonical_json(checkpoint) + b"\n")
    problem = only_problem(verify_directory(tmp_path, public_keys=key.public_keys))
    assert problem.reason == "not a valid checkpoint: missing or invalid field(s): hash, file"


async def test_a_checkpoint_signed_with_an_unknown_key_fails(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 5, key)
    other = Key("k2")
    report = verify_directory(tmp_path, public_keys=other.public_keys)
    problem = only_problem(report)
    assert (problem.file, problem.line) == (CHECKPOINTS, 1)
    assert problem.reason.startswith("checkpoint at seq 4 is signed with unknown key 'k1'")


async def test_a_forged_checkpoint_under_a_known_key_id_fails(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 5, key)
    impostor = Key("k1")  # same key id, another private key
    await write_chain(tmp_path, 5, impostor, start=5)
    problem = only_problem(verify_directory(tmp_path, public_keys=key.public_keys))
    assert (problem.line, problem.reason) == (
        2,
        "checkpoint at seq 9: signature does not verify with key 'k1' (checkpoint edited "
        "or forged)",
    )


async def test_checkpoints_of_a_rotated_key_verify_with_both_keys(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 5, key)
    new = Key("k2")
    await write_chain(tmp_path, 5, new, start=5)
    assert verify_directory(tmp_path, public_keys=key.public_keys | new.public_keys).ok
    problem = only_problem(verify_directory(tmp_path, public_keys=new.public_keys))
    assert "unknown key 'k1'" in problem.reason


async def test_without_public_keys_signatures_are_a_note_and_the_tail_still_checked(
    tmp_path: Path, key: Key
) -> None:
    await write_chain(tmp_path, 10, key)
    report = verify_directory(tmp_path)
    assert report.ok
    assert report.notes == (
        "chain w1: signatures of 2 checkpoints not checked (no public keys given)",
    )
    assert format_report(report).splitlines() == [
        "OK: 1 chain, 1 file, 10 records, 2 checkpoints",
        "note: chain w1: signatures of 2 checkpoints not checked (no public keys given)",
    ]

    path = tmp_path / FIRST
    path.write_bytes(b"".join(lines_of(path)[:-1]))
    problem = only_problem(verify_directory(tmp_path))
    assert problem.reason.startswith("chain ends at seq 8 but checkpoint at seq 9")


async def test_a_missing_checkpoint_file_is_a_note(tmp_path: Path, key: Key) -> None:
    await write_chain(tmp_path, 10, key)
    (tmp_path / CHECKPOINTS).unlink()
    report = verify_directory(tmp_path, public_keys=key.public_keys)
    assert report.ok
    assert report.checkpoints == 0
    assert report.notes == ("no checkpoints for chain w1; tail truncation cannot be detected",)


async def test_a_checkpoint_of_a_removed_middle_record_is_reported(
    tmp_path: Path, key: Key
) -> None:
    await write_chain(tmp_path, 10, key)  # checkpoints at seq 4 and 9
    path = tmp_path / FIRST
    lines = lines_of(path)
    del lines[4]
    path.write_bytes(b"".join(lines))

    report = verify_directory(tmp_path, public_keys=key.public_keys)
    assert [(p.file, p.line) for p in report.problems] == [(FIRST, 5), (CHECKPOINTS, 1)]
    assert report.problems[1].reason == (
        f"checkpoint at seq 4 names a record of {FIRST} that is not in the chain (records removed)"
    )


async def test_checkpoints_of_several_chains_are_checked_per_chain(
    tmp_path: Path, key: Key
) -> None:
    await write_chain(tmp_path, 10, key, chain_id="w1")
    await write_chain(tmp_path, 10, key, chain_id="w2")
    path = tmp_path / "audit-w2-000001.jsonl"
    path.write_bytes(b"".join(lines_of(path)[:-2]))
    swapped = tmp_path / "audit-w2.checkpoints.jsonl"
    (tmp_path / CHECKPOINTS).write_bytes(swapped.read_bytes())  # w2's checkpoints as w1's

    report = verify_directory(tmp_path, public_keys=key.public_keys)
    assert [(p.file, p.line) for p in report.problems] == [
        (CHECKPOINTS, 1),
        (CHECKPOINTS, 2),
        ("audit-w2.checkpoints.jsonl", 2),
    ]
    assert report.problems[0].reason == (
        "checkpoint of chain 'w2' in the checkpoint file of chain 'w1'"
    )
    assert report.problems[2].reason.startswith("chain ends at seq 7 but checkpoint at seq 9")


async def test_a_restart_after_a_cut_does_not_hide_it(
    tmp_path: Path, key: Key, caplog: pytest.LogCaptureFixture
) -> None:
    await write_chain(tmp_path, 10, key)  # checkpoints at seq 4 and 9
    path = tmp_path / FIRST
    path.write_bytes(b"".join(lines_of(path)[:-3]))

    with caplog.at_level(logging.ERROR, logger="guardproxy.audit.writer"):
        await write_chain(tmp_path, 5, key, start=10)  # seq 7 to 11, checkpoint at 11
    assert "audit chain w1 ends at seq 6, but its latest checkpoint is at seq 9" in caplog.text
    assert [c["seq"] for c in read_lines(tmp_path / CHECKPOINTS)] == [4, 9, 11]

    problem = only_problem(verify_directory(tmp_path, public_keys=key.public_keys))
    assert (problem.file, problem.line) == (CHECKPOINTS, 2)
    assert problem.reason.startswith("checkpoint at seq 9 has hash ")
    assert problem.reason.endswith(
        f"but the record at {FIRST}:10 has hash {read_lines(path)[9]['hash'][:16]}… (records replaced after the checkpoint was signed)"
    )


async def test_an_empty_checkpoint_file_alone_is_not_a_log(tmp_path: Path) -> None:
    (tmp_path / CHECKPOINTS).write_bytes(b"")
    problem = only_problem(verify_directory(tmp_path))
    assert problem.reason.startswith("no audit files")


def test_the_documented_example_checkpoint() -> None:
    # RFC 8032 test 1 key: the example in docs/audit-format.md must stay reproducible.
    private = Ed25519PrivateKey.from_private_bytes(
        bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    )
    checkpoint = make_checkpoint(
        chain_id="w1",
        seq=99,
        record_hash="e4acf5b8a34519b4ea3a0e54dc1213dfb0f1f98667de7d91ac3e056aa55c9869",
        file=FIRST,
        time="2025-01-01T00:00:00.000+00:00",
        kid="rfc8032-test-1",
        sign=private.sign,
    )
    docs = (Path(__file__).parents[2] / "docs" / "audit-format.md").read_text("utf-8")
    assert signing_input(checkpoint).decode() in docs
    assert canonical_json(checkpoint).decode() in docs
    assert checkpoint["sig"] == (
        "ghUBwMf-xRRX86N7txaiMF2SU0AjjFNjxEDttAgwdUlrTX24CiRuSR2IcbpykvrOKDuK7cwXNHY8L6nKykahCQ"
    )
