"""verify_directory finds edited, removed, reordered and damaged records and names them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from guardproxy.audit import (
    AuditWriter,
    Problem,
    VerifyReport,
    canonical_json,
    format_report,
    record_hash,
    verify_directory,
)

FIRST = "audit-w1-000001.jsonl"


async def write_chain(
    directory: Path, count: int, *, chain_id: str = "w1", **kwargs: Any
) -> list[dict[str, Any]]:
    writer = AuditWriter(directory, chain_id=chain_id, fsync="never", **kwargs)
    await writer.start()
    try:
        return [await writer.append({"id": f"d{i}", "action": "allow"}) for i in range(count)]
    finally:
        await writer.close()


def audit_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.jsonl"))


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def only_problem(report: VerifyReport) -> Problem:
    assert not report.ok
    assert len(report.problems) == 1, report.problems
    return report.problems[0]


async def test_a_live_log_verifies(tmp_path: Path) -> None:
    writer = AuditWriter(tmp_path, chain_id="w1", fsync="never")
    await writer.start()
    try:
        for i in range(10):
            await writer.append({"id": f"d{i}", "latency_s": 0.25 * i, "text": "東京"})
        report = verify_directory(tmp_path)
    finally:
        await writer.close()
    no_checkpoints = "no checkpoints for chain w1; tail truncation cannot be detected"
    assert report == VerifyReport(
        ok=True, chains=1, files=1, records=10, problems=(), notes=(no_checkpoints,)
    )
    assert format_report(report) == (
        f"OK: 1 chain, 1 file, 10 records, 0 checkpoints\nnote: {no_checkpoints}"
    )


async def test_several_rotated_chains_verify(tmp_path: Path) -> None:
    await write_chain(tmp_path, 30, chain_id="w1", max_file_bytes=500)
    await write_chain(tmp_path, 5, chain_id="w-2")
    report = verify_directory(tmp_path)
    assert report.ok, report.problems
    assert report.chains == 2
    assert report.records == 35
    assert report.files == len(audit_files(tmp_path))
    assert format_report(report).startswith(f"OK: 2 chains, {report.files} files, 35 records")


async def test_an_edited_field_is_reported_at_its_line(tmp_path: Path) -> None:
    await write_chain(tmp_path, 10)
    path = tmp_path / FIRST
    lines = lines_of(path)
    lines[4] = lines[4].replace(b'"action":"allow"', b'"action":"block"')
    path.write_bytes(b"".join(lines))

    problem = only_problem(verify_directory(tmp_path))
    assert problem == Problem(FIRST, 5, "d4", "hash mismatch (record edited)")
    assert format_report(verify_directory(tmp_path)).splitlines()[0] == (
        f"{FIRST}:5 (id d4): hash mismatch (record edited)"
    )


async def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(tmp_path: Path) -> None:
    await write_chain(tmp_path, 10)
    path = tmp_path / FIRST
    lines = lines_of(path)
    record = json.loads(lines[4])
    record["action"] = "block"
    record["hash"] = record_hash(record)
    lines[4] = canonical_json(record) + b"\n"
    path.write_bytes(b"".join(lines))

    problem = only_problem(verify_directory(tmp_path))
    assert (problem.file, problem.line, problem.record_id) == (FIRST, 6, "d5")
    assert problem.reason.startswith("prev_hash does not match the previous record")


async def test_a_deleted_middle_line_is_reported(tmp_path: Path) -> None:
    await write_chain(tmp_path, 10)
    path = tmp_path / FIRST
    lines = lines_of(path)
    del lines[4]
    path.write_bytes(b"".join(lines))

    problem = only_problem(verify_directory(tmp_path))
    assert (problem.file, problem.line, problem.record_id) == (FIRST, 5, "d5")
    assert problem.reason == (
        "prev_hash does not match the previous record (record removed or reordered); "
        "seq jumps from 3 to 5"
    )


async def test_swapped_lines_are_reported_from_the_first_one(tmp_path: Path) -> None:
    await write_chain(tmp_path, 10)
    path = tmp_path / FIRST
    lines = lines_of(path)
    lines[3], lines[4] = lines[4], lines[3]
    path.write_bytes(b"".join(lines))

    report = verify_directory(tmp_path)
    assert not report.ok
    first = report.problems[0]
    assert (first.file, first.line, first.record_id) == (FIRST, 4, "d4")
    assert "record removed or reordered" in first.reason
    assert "seq jumps from 2 to 4" in first.reason
    second = report.problems[1]
    assert (second.line, second.record_id) == (5, "d3")
    assert "seq goes back from 4 to 3" in second.reason
    assert f"it links to the record at {FIRST}:3" in second.reason


async def test_removing_the_first_file_of_a_rotated_chain_is_reported(tmp_path: Path) -> None:
    stored = await write_chain(tmp_path, 20, max_file_bytes=600)
    (tmp_path / FIRST).unlink()
    second_file = tmp_path / "audit-w1-000002.jsonl"
    first_there = json.loads(lines_of(second_file)[0])

    problem = only_problem(verify_directory(tmp_path))
    assert (problem.file, problem.line, problem.record_id) == (
        second_file.name,
        1,
        first_there["id"],
    )
    assert "first record of the chain does not link to genesis" in problem.reason
    assert f"seq starts at {first_there['seq']}, not 0" in problem.reason
    assert f"missing file(s): {FIRST}" in problem.reason
    assert first_there["seq"] > 0
    assert stored[first_there["seq"]] == first_there


async def test_removing_a_middle_file_is_reported_at_the_next_file(tmp_path: Path) -> None:
    await write_chain(tmp_path, 20, max_file_bytes=600)
    assert (tmp_path / "audit-w1-000003.jsonl").exists()
    (tmp_path / "audit-w1-000002.jsonl").unlink()

    problem = only_problem(verify_directory(tmp_path))
    assert (problem.file, problem.line) == ("audit-w1-000003.jsonl", 1)
    assert problem.reason.startswith(
        f"chain continues in a file whose first record does not link to the previous file ({FIRST})"
    )
    assert "missing file(s): audit-w1-000002.jsonl" in problem.reason


async def test_a_file_whose_first_record_is_replaced_is_reported(tmp_path: Path) -> None:
    await write_chain(tmp_path, 20, max_file_bytes=600)
    second_file = tmp_path / "audit-w1-000002.jsonl"
    lines = lines_of(second_file)
    second_file.write_bytes(b"".join(lines[1:]))

    problem = only_problem(verify_directory(tmp_path))
    assert (problem.file, problem.line) == (second_file.name, 1)
    assert "does not link to the previous file" in problem.reason
    assert "seq jumps" in problem.reason


async def test_a_truncated_middle_line_is_reported_as_not_json(tmp_path: Path) -> None:
    await write_chain(tmp_path, 10)
    path = tmp_path / FIRST
    lines = lines_of(path)
    lines[4] = lines[4][:30] + b"\n"
    path.write_bytes(b"".join(lines))

    problem = only_problem(verify_directory(tmp_path))
    assert problem == Problem(FIRST, 5, None, "not valid JSON")
    assert format_report(verify_directory(tmp_path)).splitlines()[0] == (
        f"{FIRST}:5: not valid JSON"
    )


async def test_an_incomplete_line_inside_the_chain_is_reported(tmp_path: Path) -> None:
    await write_chain(tmp_path, 20, max_file_bytes=600)
    path = tmp_path / FIRST
    path.write_bytes(path.read_bytes()[:-20])

    problem = only_problem(verify_directory(tmp_path))
    assert (problem.file, problem.record_id) == (FIRST, None)
    assert problem.line == len(lines_of(path))
    assert problem.reason.startswith("not valid JSON (the last line has no newline")


async def test_an_incomplete_line_at_the_end_of_the_chain_is_a_note(tmp_path: Path) -> None:
    # What a crash mid-write leaves (until the writer restarts), or a write in progress.
    await write_chain(tmp_path, 5)
    path = tmp_path / FIRST
    path.write_bytes(path.read_bytes()[:-20])

    report = verify_directory(tmp_path)
    assert report.ok
    assert report.records == 4
    assert report.notes[0].startswith(f"{FIRST}:5: incomplete last line")


async def test_a_garbage_line_inserted_is_reported_once(tmp_path: Path) -> None:
    await write_chain(tmp_path, 6)
    path = tmp_path / FIRST
    lines = lines_of(path)
    lines.insert(3, b"\n")
    path.write_bytes(b"".join(lines))
    assert only_problem(verify_directory(tmp_path)) == Problem(FIRST, 4, None, "empty line")


async def test_a_reformatted_line_with_the_same_content_is_reported(tmp_path: Path) -> None:
    await write_chain(tmp_path, 5)
    path = tmp_path / FIRST
    lines = lines_of(path)
    lines[2] = json.dumps(json.loads(lines[2]), indent=None).encode() + b"\n"
    path.write_bytes(b"".join(lines))

    problem = only_problem(verify_directory(tmp_path))
    assert (problem.line, problem.record_id) == (3, "d2")
    assert "not in canonical JSON form" in problem.reason


async def test_a_record_moved_to_another_chain_is_reported(tmp_path: Path) -> None:
    await write_chain(tmp_path, 3, chain_id="w1")
    await write_chain(tmp_path, 3, chain_id="w2")
    ours = tmp_path / FIRST
    theirs = tmp_path / "audit-w2-000001.jsonl"
    ours.write_bytes(ours.read_bytes() + lines_of(theirs)[2])

    problem = only_problem(verify_directory(tmp_path))
    assert (problem.file, problem.line, problem.record_id) == (FIRST, 4, "d2")
    assert "chain field is 'w2', but the file belongs to chain 'w1'" in problem.reason


async def test_problems_per_chain_are_capped(tmp_path: Path) -> None:
    await write_chain(tmp_path, 40)
    path = tmp_path / FIRST
    path.write_bytes(b"".join(line[:10] + b"\n" for line in lines_of(path)))

    report = verify_directory(tmp_path)
    assert len(report.problems) == 21
    assert report.problems[-1].reason == "20 more problems in chain w1 not listed"


async def test_a_removed_tail_file_after_an_empty_one_is_reported(tmp_path: Path) -> None:
    await write_chain(tmp_path, 20, max_file_bytes=600)
    last = audit_files(tmp_path)[-1]
    number = int(last.name[9:15])
    last.unlink()
    (tmp_path / f"audit-w1-{number + 1:06d}.jsonl").write_bytes(b"")

    problem = only_problem(verify_directory(tmp_path))
    assert problem.line == 0
    assert f"missing file(s) near the end of the chain: {last.name}" in problem.reason


async def test_torn_sidecars_are_notes_not_failures(tmp_path: Path) -> None:
    await write_chain(tmp_path, 2)
    (tmp_path / f"{FIRST}.123.torn").write_bytes(b'{"id":"d2"')
    report = verify_directory(tmp_path)
    assert report.ok
    assert report.notes == (
        f"{FIRST}.123.torn: bytes of an interrupted write, moved aside when the writer "
        "restarted; not part of any chain",
        "no checkpoints for chain w1; tail truncation cannot be detected",
    )
    assert format_report(report).splitlines()[1].startswith(f"note: {FIRST}.123.torn")


def test_a_missing_directory_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    problem = only_problem(verify_directory(tmp_path / "nope"))
    assert problem.reason == "the audit directory does not exist"
    assert problem.file == str(tmp_path / "nope")


def test_an_empty_directory_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "audit-w1-1.jsonl").write_text("")
    report = verify_directory(tmp_path)
    problem = only_problem(report)
    assert problem.reason.startswith("no audit files")
    assert report.notes == (
        "audit-w1-1.jsonl: ignored, the name does not follow audit-<chain>-<NNNNNN>.jsonl",
    )
    assert format_report(report).splitlines()[:2] == [
        f"{tmp_path}: no audit files (audit-<chain>-<NNNNNN>.jsonl) in the directory",
        "FAILED: 1 problem in 0 chains, 0 files, 0 records, 0 checkpoints",
    ]


@pytest.mark.parametrize("record_id", ["evil\nOK: 1 chain", "x" * 500])
def test_format_report_does_not_let_ids_forge_lines(record_id: str) -> None:
    report = VerifyReport(
        ok=False,
        chains=1,
        files=1,
        records=1,
        problems=(Problem(FIRST, 1, record_id, "hash mismatch (record edited)"),),
    )
    text = format_report(report)
    assert len(text.splitlines()) == 2
    assert len(text.splitlines()[0]) < 200
