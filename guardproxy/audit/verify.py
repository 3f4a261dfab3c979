"""Verify audit chains: find any edited, removed or reordered record and say which.

Each chain is read in file order and every record is checked for its own hash, its link
to the record before it, its sequence number and its chain field. The first bad record of
a chain is reported by file, line and id; checking then resumes from that record, so
later problems are reported only when they are problems of their own.

What this cannot see on its own: records cut off the end of a chain (the last file
shortened or removed). Signed checkpoints are the answer to that.
"""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from guardproxy.audit.record import (
    GENESIS_HASH,
    audit_file_name,
    canonical_json,
    is_hex64,
    parse_audit_file_name,
    record_hash,
)

_RECENT_HASHES = 4096
_MAX_PROBLEMS_PER_CHAIN = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the log: where it is and what is wrong, never record content."""

    file: str
    """File name inside the directory (or the directory itself for directory problems)."""
    line: int
    """1-based line number; 0 when the problem is about a whole file or directory."""
    record_id: str | None
    """The record's decision id when it could be read."""
    reason: str


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of ``verify_directory``; ``ok`` is true only without problems."""

    ok: bool
    chains: int
    files: int
    records: int
    problems: tuple[Problem, ...]
    notes: tuple[str, ...] = ()
    """Things worth knowing that are not failures, such as torn-write sidecar files."""


def verify_directory(directory: Path) -> VerifyReport:
    """Check every chain of ``audit-{chain}-{n:06d}.jsonl`` files in ``directory``."""
    directory = Path(directory)
    if not directory.exists():
        return _directory_problem(directory, "the audit directory does not exist")
    if not directory.is_dir():
        return _directory_problem(directory, "not a directory")
    try:
        names = sorted(os.listdir(directory))
    except OSError as exc:
        return _directory_problem(
            directory, f"cannot list the directory: {exc.strerror or type(exc).__name__}"
        )

    chains: dict[str, list[tuple[int, str]]] = {}
    notes: list[str] = []
    for name in names:
        if name.endswith(".torn"):
            notes.append(
                f"{_printable(name)}: bytes of an interrupted write, moved aside when the "
                "writer restarted; not part of any chain"
            )
            continue
        parsed = parse_audit_file_name(name)
        if parsed is None:
            if name.startswith("audit-") and name.endswith(".jsonl"):
                notes.append(
                    f"{_printable(name)}: ignored, the name does not follow "
                    "audit-<chain>-<NNNNNN>.jsonl"
                )
            continue
        chains.setdefault(parsed[0], []).append((parsed[1], name))
    if not chains:
        return _directory_problem(
            directory,
            "no audit files (audit-<chain>-<NNNNNN>.jsonl) in the directory",
            notes=tuple(notes),
        )

    problems: list[Problem] = []
    files = records = 0
    for chain_id in sorted(chains):
        checker = _ChainChecker(directory, chain_id)
        ordered = sorted(chains[chain_id])
        for number, name in ordered:
            checker.check_file(number, name, last=(number, name) == ordered[-1])
        problems.extend(checker.finish())
        notes.extend(checker.notes)
        files += checker.files
        records += checker.records
    return VerifyReport(
        ok=not problems,
        chains=len(chains),
        files=files,
        records=records,
        problems=tuple(problems),
        notes=tuple(notes),
    )


def format_report(report: VerifyReport) -> str:
    """Human-readable lines: one per problem and a summary, then any notes."""
    summary = (
        f"{_count(report.chains, 'chain')}, {_count(report.files, 'file')}, "
        f"{_count(report.records, 'record')}"
    )
    lines: list[str] = []
    if report.ok:
        lines.append(f"OK: {summary}")
    else:
        lines.extend(_format_problem(problem) for problem in report.problems)
        lines.append(f"FAILED: {_count(len(report.problems), 'problem')} in {summary}")
    lines.extend(f"note: {note}" for note in report.notes)
    return "\n".join(lines)


def _format_problem(problem: Problem) -> str:
    where = problem.file if problem.line == 0 else f"{problem.file}:{problem.line}"
    if problem.record_id is not None:
        where += f" (id {_printable(problem.record_id)})"
    return f"{where}: {problem.reason}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _printable(text: str, limit: int = 100) -> str:
    # Ids and file names come from the log itself and must not forge report lines.
    if text.isprintable() and len(text) <= limit:
        return text
    return repr(text[:limit])


def _directory_problem(
    directory: Path, reason: str, *, notes: tuple[str, ...] = ()
) -> VerifyReport:
    problem = Problem(file=str(directory), line=0, record_id=None, reason=reason)
    return VerifyReport(ok=False, chains=0, files=0, records=0, problems=(problem,), notes=notes)


class _ChainChecker:
    """Walks one chain's files in order, keeping just enough state to link records."""

    def __init__(self, directory: Path, chain_id: str) -> None:
        self.directory = directory
        self.chain_id = chain_id
        self.files = 0
        self.records = 0
        self.notes: list[str] = []
        self._problems: list[Problem] = []
        self._unlisted = 0
        self._last_file: str | None = None
        self._expected_prev = GENESIS_HASH
        self._prev_seq: int | None = None
        self._prev_file_with_records: str | None = None
        self._previous_number = 0
        self._missing: list[str] = []
        self._after_unreadable = False
        self._first_in_file = False
        # Where recent hashes were seen, to say where a wrong link points.
        self._recent: OrderedDict[str, tuple[str, int]] = OrderedDict()

    def check_file(self, number: int, name: str, *, last: bool) -> None:
        self.files += 1
        self._last_file = name
        self._missing.extend(
            audit_file_name(self.chain_id, n) for n in range(self._previous_number + 1, number)
        )
        self._previous_number = number
        self._first_in_file = True
        try:
            with open(self.directory / name, "rb") as f:
                for line_number, raw in enumerate(f, start=1):
                    if last and not raw.endswith(b"\n"):
                        # The end of the chain: a write in progress, or one a crash
                        # interrupted (the writer moves it aside when it restarts).
                        self.notes.append(
                            f"{name}:{line_number}: incomplete last line ({len(raw)} bytes), "
                            "a write in progress or interrupted by a crash; not checked"
                        )
                        break
                    self._check_line(name, line_number, raw)
        except OSError as exc:
            self._report(name, 0, None, f"cannot read: {exc.strerror or type(exc).__name__}")

    def finish(self) -> list[Problem]:
        if self._missing and self._last_file is not None:
            # Only empty files follow the gap, so nothing after it can show a broken link.
            self._report(
                self._last_file,
                0,
                None,
                f"missing file(s) near the end of the chain: {', '.join(self._missing)} "
                "(records may have been removed)",
            )
        if self._unlisted and self._last_file is not None:
            self._problems.append(
                Problem(
                    file=self._last_file,
                    line=0,
                    record_id=None,
                    reason=f"{self._unlisted} more problems in chain {self.chain_id} not listed",
                )
            )
        return self._problems

    def _report(self, file: str, line: int, record_id: str | None, reason: str) -> None:
        if len(self._problems) < _MAX_PROBLEMS_PER_CHAIN:
            self._problems.append(Problem(file, line, record_id, reason))
        else:
            self._unlisted += 1

    def _remember(self, digest: str, file: str, line: int) -> None:
        self._recent[digest] = (file, line)
        self._recent.move_to_end(digest)
        if len(self._recent) > _RECENT_HASHES:
            self._recent.popitem(last=False)

    def _check_line(self, file: str, line: int, raw: bytes) -> None:
        self.records += 1
        first_in_file, self._first_in_file = self._first_in_file, False
        cut_off = not raw.endswith(b"\n")
        try:
            record: Any = json.loads(raw)
        except ValueError:
            reason = "empty line" if not raw.strip() else "not valid JSON"
            if cut_off:
                reason += " (the last line has no newline: the write was cut off)"
            self._report(file, line, None, reason)
            self._after_unreadable = True
            return
        if not isinstance(record, dict):
            self._report(file, line, None, "not a JSON object")
            self._after_unreadable = True
            return

        record_id = record.get("id") if isinstance(record.get("id"), str) else None
        reasons = self._field_reasons(record)
        stored_hash = record.get("hash")
        try:
            computed: str | None = record_hash(record)
        except (TypeError, ValueError):
            computed = None
        if computed is None or (is_hex64(stored_hash) and computed != stored_hash):
            reasons.append("hash mismatch (record edited)")
        elif cut_off:
            reasons.append("the last line has no newline (the write was cut off)")
        elif canonical_json(record) + b"\n" != raw:
            reasons.append(
                "line is not in canonical JSON form (rewritten by another tool, "
                "or it has duplicate keys)"
            )

        missing, self._missing = self._missing, []
        if not self._after_unreadable:
            reasons.extend(self._link_reasons(record, first_in_file, missing))
        elif missing:
            reasons.append(f"missing file(s): {', '.join(missing)}")

        if reasons:
            self._report(file, line, record_id, "; ".join(reasons))
        # Resume from this record so one break is reported once, not for every later record.
        reference = stored_hash if is_hex64(stored_hash) else computed
        if reference is not None:
            self._expected_prev = reference
            self._remember(reference, file, line)
        seq = record.get("seq")
        if _is_seq(seq):
            self._prev_seq = seq
        elif self._prev_seq is not None:
            self._prev_seq += 1
        else:
            self._prev_seq = 0
        self._prev_file_with_records = file
        self._after_unreadable = False

    def _field_reasons(self, record: dict[str, Any]) -> list[str]:
        bad = [
            field
            for field, valid in (
                ("id", isinstance(record.get("id"), str) and bool(record.get("id"))),
                ("chain", isinstance(record.get("chain"), str)),
                ("seq", _is_seq(record.get("seq"))),
                ("prev_hash", is_hex64(record.get("prev_hash"))),
                ("hash", is_hex64(record.get("hash"))),
            )
            if not valid
        ]
        reasons = [f"missing or invalid field(s): {', '.join(bad)}"] if bad else []
        chain = record.get("chain")
        if isinstance(chain, str) and chain != self.chain_id:
            reasons.append(
                f"chain field is {_printable(chain)!r}, but the file belongs to chain "
                f"{self.chain_id!r}"
            )
        return reasons

    def _link_reasons(
        self, record: dict[str, Any], first_in_file: bool, missing: list[str]
    ) -> list[str]:
        reasons: list[str] = []
        prev_hash = record.get("prev_hash")
        if is_hex64(prev_hash) and prev_hash != self._expected_prev:
            if self._prev_seq is None:
                reason = (
                    "first record of the chain does not link to genesis "
                    "(earlier records or files are missing)"
                )
            elif first_in_file:
                reason = (
                    "chain continues in a file whose first record does not link to the "
                    f"previous file ({self._prev_file_with_records})"
                )
            else:
                reason = (
                    "prev_hash does not match the previous record (record removed or reordered)"
                )
            seen = self._recent.get(prev_hash)
            if seen is not None:
                reason += f"; it links to the record at {seen[0]}:{seen[1]}"
            reasons.append(reason)
        seq = record.get("seq")
        if _is_seq(seq):
            if self._prev_seq is None:
                if seq != 0:
                    reasons.append(f"seq starts at {seq}, not 0")
            elif seq > self._prev_seq + 1:
                reasons.append(f"seq jumps from {self._prev_seq} to {seq}")
            elif seq <= self._prev_seq:
                reasons.append(f"seq goes back from {self._prev_seq} to {seq}")
        if missing and reasons:
            reasons.append(f"missing file(s): {', '.join(missing)}")
        elif missing:
            # The links hold across the gap, so no record is missing, only file numbers.
            self.notes.append(
                f"chain {self.chain_id}: file number(s) skipped without a break in the "
                f"chain: {', '.join(missing)}"
            )
        return reasons


def _is_seq(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
