"""Verify audit chains: find any edited, removed or reordered record and say which.

Each chain is read in file order and every record is checked for its own hash, its link
to the record before it, its sequence number and its chain field. The first bad record of
a chain is reported by file, line and id; checking then resumes from that record, so
later problems are reported only when they are problems of their own.

Records cut off the end of a chain (the last file shortened or removed) leave a valid,
shorter chain; the chain's signed checkpoints show them. Every checkpoint must be signed
by a known key and name a record that is in the chain with the same hash, and the chain
must not end before its latest checkpoint.

Retention removes a chain's first files on purpose and leaves a signed retention marker
in the checkpoint file. A chain may start after genesis only where a valid marker says
so: its first record must be the marker's first kept record (same ``seq``, and a
``prev_hash`` equal to the marker's), and every file missing before it must be named by
a marker. A marker that names files still present (a prune interrupted between marker and
unlink) is a note, not a failure.
"""

from __future__ import annotations

import itertools
import json
import os
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from guardproxy.audit.checkpoint import (
    CHECKPOINT_TYPE,
    RETENTION_TYPE,
    SIGNATURE_LENGTH,
    b64url_decode,
    parse_checkpoint_file_name,
    signing_input,
)
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
    checkpoints: int = 0
    """Lines read from the chains' checkpoint files (retention markers included)."""
    pruned_files: int = 0
    """Files missing from the start of chains that retention markers account for."""


@dataclass
class _Checkpoint:
    line: int
    seq: int
    hash: str
    file: str
    found: tuple[str, int, str | None] | None = None
    """File, line and hash of the first record of the chain with this seq."""


@dataclass
class _Marker:
    line: int
    seq: int
    prev_hash: str
    file: str
    number: int
    removed: frozenset[int]
    time: str
    found: tuple[str, int, str | None] | None = None
    """File, line and ``prev_hash`` of the first record of the chain with this seq."""
    reported: bool = False
    """A problem about this marker was already reported at the record it names."""


def verify_directory(
    directory: Path, *, public_keys: Mapping[str, Ed25519PublicKey] | None = None
) -> VerifyReport:
    """Check every chain of ``audit-{chain}-{n:06d}.jsonl`` files in ``directory``.

    ``public_keys`` (key id -> Ed25519 public key) check the signatures of the chains'
    checkpoints (``audit-{chain}.checkpoints.jsonl``); a checkpoint signed with a key not
    among them is a problem. Without ``public_keys``, checkpoints still show a cut-off
    tail, but their signatures are not checked (a note says so).
    """
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
    checkpoint_files: dict[str, str] = {}
    notes: list[str] = []
    for name in names:
        if name.endswith(".torn"):
            notes.append(
                f"{_printable(name)}: bytes of an interrupted write, moved aside when the "
                "writer restarted; not part of any chain"
            )
            continue
        checkpoint_chain = parse_checkpoint_file_name(name)
        if checkpoint_chain is not None:
            checkpoint_files[checkpoint_chain] = name
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
    if not chains and not checkpoint_files:
        return _directory_problem(
            directory,
            "no audit files (audit-<chain>-<NNNNNN>.jsonl) in the directory",
            notes=tuple(notes),
        )

    problems: list[Problem] = []
    files = records = checkpoints = pruned_files = 0
    all_chains = sorted(chains.keys() | checkpoint_files.keys())
    for chain_id in all_chains:
        checker = _ChainChecker(directory, chain_id)
        checkpoint_file = checkpoint_files.get(chain_id)
        if checkpoint_file is not None:
            checker.load_checkpoints(checkpoint_file, public_keys)
        ordered = sorted(chains.get(chain_id, []))
        for number, name in ordered:
            checker.check_file(number, name, last=(number, name) == ordered[-1])
        problems.extend(checker.finish())
        notes.extend(checker.notes)
        files += checker.files
        records += checker.records
        checkpoints += checker.checkpoints
        pruned_files += len(checker.pruned)
    if not chains and not problems:  # nothing but empty checkpoint files
        return _directory_problem(
            directory,
            "no audit files (audit-<chain>-<NNNNNN>.jsonl) in the directory",
            notes=tuple(notes),
        )
    return VerifyReport(
        ok=not problems,
        chains=len(all_chains),
        files=files,
        records=records,
        problems=tuple(problems),
        notes=tuple(notes),
        checkpoints=checkpoints,
        pruned_files=pruned_files,
    )


def format_report(report: VerifyReport) -> str:
    """Human-readable lines: one per problem and a summary, then any notes."""
    summary = (
        f"{_count(report.chains, 'chain')}, {_count(report.files, 'file')}, "
        f"{_count(report.records, 'record')}, {_count(report.checkpoints, 'checkpoint')}"
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
        self.checkpoints = 0
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
        self._checkpoint_file: str | None = None
        self._by_seq: dict[int, list[_Checkpoint]] = {}
        self._unchecked_signatures = 0
        self._unchecked_markers = 0
        self._markers: list[_Marker] = []
        self._markers_by_seq: dict[int, list[_Marker]] = {}
        self._covered: set[int] = set()
        """File numbers some valid retention marker removes."""
        self.pruned: list[int] = []
        """Files missing before the first file that markers account for."""
        self._present: set[int] = set()
        self._number = 0
        self._first_seq: int | None = None
        self._first_file: str | None = None
        self._start_by_retention = False

    def load_checkpoints(
        self, name: str, public_keys: Mapping[str, Ed25519PublicKey] | None
    ) -> None:
        """Read the chain's checkpoint file; keep the valid ones to match against records."""
        self._checkpoint_file = name
        try:
            with open(self.directory / name, "rb") as f:
                for line_number, raw in enumerate(f, start=1):
                    if not raw.endswith(b"\n"):
                        # Only the last line can lack its newline: a write a crash cut off.
                        self.notes.append(
                            f"{name}:{line_number}: incomplete last line ({len(raw)} bytes), "
                            "a checkpoint write in progress or interrupted by a crash; "
                            "not checked"
                        )
                        break
                    self.checkpoints += 1
                    entry = self._check_checkpoint(name, line_number, raw, public_keys)
                    if isinstance(entry, _Marker):
                        self._markers.append(entry)
                        self._markers_by_seq.setdefault(entry.seq, []).append(entry)
                        self._covered.update(entry.removed)
                    elif entry is not None:
                        self._by_seq.setdefault(entry.seq, []).append(entry)
        except OSError as exc:
            self._report(name, 0, None, f"cannot read: {exc.strerror or type(exc).__name__}")
        if self._unchecked_signatures or self._unchecked_markers:
            what = " and ".join(
                _count(n, noun)
                for n, noun in (
                    (self._unchecked_signatures, "checkpoint"),
                    (self._unchecked_markers, "retention marker"),
                )
                if n
            )
            self.notes.append(
                f"chain {self.chain_id}: signatures of {what} not checked (no public keys given)"
            )

    def _check_checkpoint(
        self,
        file: str,
        line: int,
        raw: bytes,
        public_keys: Mapping[str, Ed25519PublicKey] | None,
    ) -> _Checkpoint | _Marker | None:
        """Check one line of the checkpoint file: a checkpoint or a retention marker."""
        try:
            entry: Any = json.loads(raw)
        except ValueError:
            reason = "empty line" if not raw.strip() else "not valid JSON"
            self._report(file, line, None, reason)
            return None
        if not isinstance(entry, dict):
            self._report(file, line, None, "not a JSON object")
            return None
        is_marker = entry.get("type") == RETENTION_TYPE
        what = "retention marker" if is_marker else "checkpoint"
        bad = _marker_field_errors(entry) if is_marker else _checkpoint_field_errors(entry)
        if bad:
            self._report(
                file,
                line,
                None,
                f"not a valid {what}: missing or invalid field(s): {', '.join(bad)}",
            )
            return None
        chain = entry["chain"]
        if chain != self.chain_id:
            self._report(
                file,
                line,
                None,
                f"{what} of chain {_printable(chain)!r} in the checkpoint file of chain "
                f"{self.chain_id!r}",
            )
            return None
        try:
            body = signing_input(entry)
            canonical = canonical_json(entry) + b"\n" == raw
        except (TypeError, ValueError):
            body, canonical = b"", False
        if not canonical:
            self._report(
                file,
                line,
                None,
                f"{what} line is not in canonical JSON form (rewritten by another tool, "
                "or it has duplicate keys)",
            )
            return None
        seq: int = entry["seq"]
        kid: str = entry["kid"]
        label = f"{what} at seq {seq}"
        if public_keys is None:
            if is_marker:
                self._unchecked_markers += 1
            else:
                self._unchecked_signatures += 1
        else:
            key = public_keys.get(kid)
            signature = b64url_decode(entry["sig"])
            if key is None:
                self._report(
                    file,
                    line,
                    None,
                    f"{label} is signed with unknown key {_printable(kid)!r} "
                    "(not among the public keys given: add it if it is a retired key of "
                    f"yours, otherwise the {what} is forged)",
                )
                return None
            if signature is None or len(signature) != SIGNATURE_LENGTH:
                self._report(file, line, None, f"{label}: sig is not an Ed25519 signature")
                return None
            try:
                key.verify(signature, body)
            except InvalidSignature:
                self._report(
                    file,
                    line,
                    None,
                    f"{label}: signature does not verify with key "
                    f"{_printable(kid)!r} ({what} edited or forged)",
                )
                return None
        if is_marker:
            parsed = parse_audit_file_name(entry["file"])
            return _Marker(
                line=line,
                seq=seq,
                prev_hash=entry["prev_hash"],
                file=entry["file"],
                number=parsed[1] if parsed is not None else 0,
                removed=frozenset(entry["removed"]),
                time=entry["time"],
            )
        return _Checkpoint(line=line, seq=seq, hash=entry["hash"], file=entry["file"])

    def check_file(self, number: int, name: str, *, last: bool) -> None:
        if self.files == 0:
            # Before the first file, retention markers account for the files they removed.
            self.pruned = [n for n in range(1, number) if n in self._covered]
            missing = [n for n in range(1, number) if n not in self._covered]
        else:
            missing = list(range(self._previous_number + 1, number))
        self._missing.extend(audit_file_name(self.chain_id, n) for n in missing)
        self.files += 1
        self._last_file = name
        self._previous_number = number
        self._number = number
        self._present.add(number)
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
        tail = self._check_checkpoints()
        self._check_markers()
        if self._missing and self._last_file is not None:
            # Only empty files follow the gap, so nothing after it can show a broken link.
            self._report(
                self._last_file,
                0,
                None,
                f"missing file(s) near the end of the chain: {', '.join(self._missing)} "
                "(records may have been removed)",
            )
        if tail is not None:
            # Never hidden behind the cap: a cut-off tail is what checkpoints are for.
            self._problems.append(tail)
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

    def _check_checkpoints(self) -> Problem | None:
        """Match the checkpoints against the records read; return a cut-off-tail problem."""
        if self._checkpoint_file is None or not self.checkpoints:
            if self.files:
                self.notes.append(
                    f"no checkpoints for chain {self.chain_id}; tail truncation cannot be detected"
                )
            return None
        name = self._checkpoint_file
        last_seq = self._prev_seq
        beyond: _Checkpoint | None = None
        for seq in sorted(self._by_seq):
            for checkpoint in self._by_seq[seq]:
                if checkpoint.found is None:
                    if (
                        self._start_by_retention
                        and self._first_seq is not None
                        and seq < self._first_seq
                    ):
                        continue  # its record was in a file that retention removed
                    if last_seq is None or seq > last_seq:
                        beyond = checkpoint
                    else:
                        self._report(
                            name,
                            checkpoint.line,
                            None,
                            f"checkpoint at seq {seq} names a record of {checkpoint.file} "
                            "that is not in the chain (records removed)",
                        )
                    continue
                file, line, digest = checkpoint.found
                if digest != checkpoint.hash:
                    self._report(
                        name,
                        checkpoint.line,
                        None,
                        f"checkpoint at seq {seq} has hash {checkpoint.hash[:16]}…, but the "
                        f"record at {file}:{line} has hash {(digest or '?')[:16]}… "
                        "(records replaced after the checkpoint was signed)",
                    )
                elif file != checkpoint.file:
                    self.notes.append(
                        f"{name}:{checkpoint.line}: the checkpoint names {checkpoint.file}, "
                        f"but the record is in {file} (files renamed)"
                    )
        if beyond is None:
            return None
        if last_seq is None:
            reason = (
                f"chain {self.chain_id} has no records but checkpoint at seq {beyond.seq} "
                f"(records removed from the tail; the checkpoint names {beyond.file})"
            )
        else:
            reason = (
                f"chain ends at seq {last_seq} but checkpoint at seq {beyond.seq} (records "
                f"removed from the tail; the chain ends in {self._prev_file_with_records}, "
                f"the checkpoint names {beyond.file})"
            )
        return Problem(file=name, line=beyond.line, record_id=None, reason=reason)

    def _check_markers(self) -> None:
        """Match the retention markers against the records read; note what they removed."""
        name = self._checkpoint_file or "?"
        last_seq = self._prev_seq
        for marker in self._markers:
            still_there = sorted(self._present & marker.removed)
            if still_there:
                self.notes.append(
                    f"{name}:{marker.line}: the retention marker names "
                    f"{_count(len(still_there), 'file')} still present ("
                    f"{', '.join(audit_file_name(self.chain_id, n) for n in still_there)}): "
                    "a prune was interrupted before removing them; the next prune does"
                )
            if marker.reported:
                continue
            if marker.found is not None:
                file, line, prev_hash = marker.found
                if prev_hash != marker.prev_hash:
                    self._report(
                        name,
                        marker.line,
                        None,
                        f"retention marker at seq {marker.seq} has anchor "
                        f"{marker.prev_hash[:16]}…, but the record at {file}:{line} has "
                        f"prev_hash {(prev_hash or '?')[:16]}… (records replaced after the "
                        "marker was signed)",
                    )
                elif file != marker.file:
                    self.notes.append(
                        f"{name}:{marker.line}: the retention marker names {marker.file}, but "
                        f"the record is in {file} (files renamed)"
                    )
            elif last_seq is None:
                self._report(
                    name,
                    marker.line,
                    None,
                    f"retention marker keeps chain {self.chain_id} from seq {marker.seq} in "
                    f"{marker.file}, but the chain has no records (records removed)",
                )
            elif marker.seq > last_seq:
                self._report(
                    name,
                    marker.line,
                    None,
                    f"retention marker keeps the chain from seq {marker.seq} in {marker.file}, "
                    f"but the chain ends at seq {last_seq} (records removed from the tail)",
                )
            elif self._first_seq is None or marker.seq >= self._first_seq:
                self._report(
                    name,
                    marker.line,
                    None,
                    f"retention marker at seq {marker.seq} names a first kept record of "
                    f"{marker.file} that is not in the chain (records removed)",
                )
            # else: an older marker whose first kept record a later one removed
        if self.pruned:
            times = sorted({m.time for m in self._markers if m.removed & set(self.pruned)})
            when = times[0] if len(times) == 1 else f"{times[0]} to {times[-1]}"
            names = [audit_file_name(self.chain_id, n) for n in (self.pruned[0], self.pruned[-1])]
            span = names[0] if len(self.pruned) == 1 else f"{names[0]} to {names[1]}"
            start = (
                f"; the chain starts at seq {self._first_seq} in {self._first_file}"
                if self._first_seq is not None
                else ""
            )
            self.notes.append(
                f"chain {self.chain_id}: {_count(len(self.pruned), 'file')} removed by "
                f"retention ({span}), marked {_printable(when)}{start}"
            )

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
            if self._first_seq is None:
                self._first_seq, self._first_file = seq, file
            for checkpoint in self._by_seq.get(seq, ()):
                if checkpoint.found is None:
                    checkpoint.found = (file, line, reference)
            prev_hash = record.get("prev_hash")
            for marker in self._markers_by_seq.get(seq, ()):
                if marker.found is None:
                    marker.found = (file, line, prev_hash if is_hex64(prev_hash) else None)
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
        if self._prev_seq is None:
            return self._start_reasons(record, missing)
        reasons: list[str] = []
        prev_hash = record.get("prev_hash")
        if is_hex64(prev_hash) and prev_hash != self._expected_prev:
            if first_in_file:
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
            if seq > self._prev_seq + 1:
                reasons.append(f"seq jumps from {self._prev_seq} to {seq}")
            elif seq <= self._prev_seq:
                reasons.append(f"seq goes back from {self._prev_seq} to {seq}")
        self._note_or_report_missing(reasons, missing, "missing file(s)")
        return reasons

    def _start_reasons(self, record: dict[str, Any], missing: list[str]) -> list[str]:
        """The first record of the chain starts at genesis or where a retention marker says."""
        reasons: list[str] = []
        prev_hash, seq = record.get("prev_hash"), record.get("seq")
        at_genesis = prev_hash == GENESIS_HASH and seq == 0
        if is_hex64(prev_hash) and _is_seq(seq) and not at_genesis:
            anchored = any(m.prev_hash == prev_hash for m in self._markers_by_seq.get(seq, ()))
            # A first file that a marker removes too: a prune stopped before unlinking it.
            if anchored or self._number in self._covered:
                self._start_by_retention = True
            else:
                reasons = self._unexplained_start(seq)
        else:
            if is_hex64(prev_hash) and prev_hash != GENESIS_HASH:
                reasons.append(
                    "first record of the chain does not link to genesis "
                    "(earlier records or files are missing)"
                )
            if _is_seq(seq) and seq != 0:
                reasons.append(f"seq starts at {seq}, not 0")
        if self._markers:
            label = "missing file(s) not covered by a retention marker"
        else:
            label = "missing file(s)"
        if missing and self._start_by_retention:
            reasons.append(f"{label}: {', '.join(missing)}")
        else:
            self._note_or_report_missing(reasons, missing, label)
        return reasons

    def _unexplained_start(self, seq: int) -> list[str]:
        kept = [m for m in self._markers if m.number == self._number]
        if kept:
            marker = kept[-1]
            where = f"{self._checkpoint_file}:{marker.line}"
            if seq > marker.seq:
                marker.reported = True
                return [
                    "records deleted from the start of the first kept file: the chain starts "
                    f"at seq {seq}, but the retention marker at {where} keeps it from seq "
                    f"{marker.seq}"
                ]
            if seq == marker.seq:
                marker.reported = True
                return [
                    f"prev_hash does not match the anchor of the retention marker at {where} "
                    "(the first kept record was replaced, or the marker was signed for other "
                    "records)"
                ]
        target = "genesis or to a retention marker" if self._markers else "genesis"
        reasons = [
            f"first record of the chain does not link to {target} "
            "(earlier records or files are missing)"
        ]
        if seq != 0:
            reasons.append(f"seq starts at {seq}, not 0")
        return reasons

    def _note_or_report_missing(self, reasons: list[str], missing: list[str], label: str) -> None:
        if missing and reasons:
            reasons.append(f"{label}: {', '.join(missing)}")
        elif missing:
            # The links hold across the gap, so no record is missing, only file numbers.
            self.notes.append(
                f"chain {self.chain_id}: file number(s) skipped without a break in the "
                f"chain: {', '.join(missing)}"
            )


def _is_chain_file(name: object, chain: object) -> bool:
    parsed = parse_audit_file_name(name) if isinstance(name, str) else None
    return parsed is not None and parsed[0] == chain


def _checkpoint_field_errors(entry: dict[str, Any]) -> list[str]:
    valid = {
        "type": entry.get("type") == CHECKPOINT_TYPE,
        "chain": isinstance(entry.get("chain"), str),
        "seq": _is_seq(entry.get("seq")),
        "hash": is_hex64(entry.get("hash")),
        "file": _is_chain_file(entry.get("file"), entry.get("chain")),
        **_signature_fields_valid(entry),
    }
    return [field for field, ok in valid.items() if not ok]


def _marker_field_errors(entry: dict[str, Any]) -> list[str]:
    file = entry.get("file")
    parsed = parse_audit_file_name(file) if isinstance(file, str) else None
    kept = parsed[1] if parsed is not None and parsed[0] == entry.get("chain") else 0
    removed = entry.get("removed")
    valid = {
        "chain": isinstance(entry.get("chain"), str),
        "seq": _is_seq(entry.get("seq")),
        "prev_hash": is_hex64(entry.get("prev_hash")),
        "file": kept > 0,
        # file numbers before the first kept file, ascending, each once
        "removed": isinstance(removed, list)
        and bool(removed)
        and all(_is_seq(n) and 0 < n < kept for n in removed)
        and all(a < b for a, b in itertools.pairwise(removed)),
        **_signature_fields_valid(entry),
    }
    return [field for field, ok in valid.items() if not ok]


def _signature_fields_valid(entry: dict[str, Any]) -> dict[str, bool]:
    kid = entry.get("kid")
    return {
        "time": isinstance(entry.get("time"), str),
        "kid": isinstance(kid, str) and bool(kid),
        "sig": isinstance(entry.get("sig"), str),
    }


def _is_seq(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
