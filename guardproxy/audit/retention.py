"""Retention: remove a chain's oldest files on purpose, with a signed marker that says so.

Removing files from the start of a chain looks exactly like tampering, unless whoever
removes them first signs a statement of what goes and where the chain now starts. The
marker goes to the chain's checkpoint file and is synced *before* any file is unlinked,
so a crash in between leaves a marker naming files that are still there (which a
verifier accepts), never removed files without a marker.

Only whole, closed files go, oldest first and without gaps, and never the chain's
highest-numbered file (the one a writer writes to, or continues in when it restarts).
Both the writer (in its I/O thread) and ``guardproxy audit prune`` use this module; it
does blocking I/O throughout.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import time as time_module
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from guardproxy.audit.checkpoint import (
    CheckpointSigner,
    checkpoint_file_name,
    make_retention_marker,
    parse_checkpoint_file_name,
)
from guardproxy.audit.files import (
    chain_is_locked,
    cut_torn_tail,
    first_line,
    last_line,
    lock_file_name,
    try_lock_chain,
    write_all,
)
from guardproxy.audit.record import (
    audit_file_name,
    canonical_json,
    is_hex64,
    parse_audit_file_name,
)
from guardproxy.durable import fsync_directory
from guardproxy.errors import GuardProxyError

SECONDS_PER_DAY = 86_400.0


class PruneError(GuardProxyError):
    """A chain cannot be pruned safely; nothing was removed."""


@dataclass(frozen=True)
class RetentionRule:
    """Which closed files of a chain may go: older than ``max_age_s``, or beyond ``max_files``.

    A file goes when either limit says so. The age of a file is the time since it was
    last modified (its last record was written). ``max_files`` counts the file being
    written too. With neither limit, nothing goes.
    """

    max_age_s: float | None = None
    max_files: int | None = None

    def __post_init__(self) -> None:
        if self.max_age_s is not None and not self.max_age_s > 0:
            raise ValueError(f"the retention age must be positive, got {self.max_age_s}")
        if self.max_files is not None and self.max_files < 1:
            raise ValueError(f"the retention file count must be at least 1, got {self.max_files}")

    @property
    def enabled(self) -> bool:
        return self.max_age_s is not None or self.max_files is not None


@dataclass(frozen=True)
class PrunePlan:
    """The files of one chain to remove, and the first record that remains."""

    chain_id: str
    remove: tuple[int, ...]
    """File numbers, ascending, all below ``keep_number``."""
    keep_number: int
    seq: int
    """``seq`` of the first record of the first remaining file."""
    prev_hash: str
    """The ``prev_hash`` of that record: the hash of the last removed record."""

    @property
    def keep_file(self) -> str:
        return audit_file_name(self.chain_id, self.keep_number)

    @property
    def removed_names(self) -> tuple[str, ...]:
        return tuple(audit_file_name(self.chain_id, n) for n in self.remove)

    def marker(self, *, now: float, kid: str, sign: CheckpointSigner) -> dict[str, Any]:
        """The signed retention marker for this plan."""
        return make_retention_marker(
            chain_id=self.chain_id,
            seq=self.seq,
            prev_hash=self.prev_hash,
            file=self.keep_file,
            removed=self.remove,
            time=iso_time(now),
            kid=kid,
            sign=sign,
        )


def iso_time(timestamp: float) -> str:
    """``2025-01-01T00:00:00.000+00:00``: the time format of checkpoints and markers."""
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat(timespec="milliseconds")


def chain_files(directory: Path) -> dict[str, list[int]]:
    """Chain id -> its audit file numbers, ascending."""
    chains: dict[str, list[int]] = {}
    for name in os.listdir(directory):
        parsed = parse_audit_file_name(name)
        if parsed is not None:
            chains.setdefault(parsed[0], []).append(parsed[1])
    return {chain: sorted(numbers) for chain, numbers in chains.items()}


def plan_prune(
    directory: Path,
    chain_id: str,
    numbers: Sequence[int],
    rule: RetentionRule,
    *,
    now: float,
    current: int | None = None,
) -> PrunePlan | None:
    """What to remove from the chain with files ``numbers`` (ascending), or ``None``.

    The highest-numbered file stays, and so does ``current`` (the writer's file) and
    everything after it. Files go oldest first while the rule says so, without gaps.
    The first file that remains must start with a complete record, and that record must
    link to the last removed record: a chain broken at the cut is not pruned
    (``PruneError``), so that retention never hides a break.
    """
    if not rule.enabled:
        return None
    numbers = sorted(n for n in numbers if current is None or n <= current)
    count = 0
    for index, number in enumerate(numbers[:-1]):
        beyond_count = rule.max_files is not None and len(numbers) - index > rule.max_files
        if not beyond_count and not _older_than(
            directory / audit_file_name(chain_id, number), rule.max_age_s, now
        ):
            break
        count += 1
    # The first remaining file must say where the chain continues: an empty one stays too.
    line: bytes | None = None
    while count > 0:
        line = first_line(directory / audit_file_name(chain_id, numbers[count]))
        if line is not None:
            break
        count -= 1
    if count == 0:
        return None
    keep_number = numbers[count]
    keep_name = audit_file_name(chain_id, keep_number)
    first = _record(line, chain_id)
    if first is None:
        raise PruneError(
            f"cannot prune audit chain {chain_id}: the first line of {keep_name} is not a "
            f"record of the chain; run `guardproxy audit verify {directory}`"
        )
    remove = tuple(numbers[:count])
    for number in reversed(remove):
        removed_name = audit_file_name(chain_id, number)
        previous_line = last_line(directory / removed_name)
        if previous_line is None:
            continue  # an empty file: look further back
        previous = _record(previous_line, chain_id)
        if (
            previous is None
            or previous["hash"] != first["prev_hash"]
            or previous["seq"] + 1 != first["seq"]
        ):
            raise PruneError(
                f"cannot prune audit chain {chain_id}: the first record of {keep_name} does "
                f"not link to the last record of {removed_name}; run `guardproxy audit "
                f"verify {directory}` and keep the files until the break is explained"
            )
        break
    return PrunePlan(
        chain_id=chain_id,
        remove=remove,
        keep_number=keep_number,
        seq=first["seq"],
        prev_hash=first["prev_hash"],
    )


def _older_than(path: Path, max_age_s: float | None, now: float) -> bool:
    if max_age_s is None:
        return False
    try:
        return path.stat().st_mtime <= now - max_age_s
    except FileNotFoundError:
        return False


def _record(line: bytes | None, chain_id: str) -> dict[str, Any] | None:
    try:
        record = json.loads(line) if line is not None else None
    except ValueError:
        return None
    if (
        not isinstance(record, dict)
        or record.get("chain") != chain_id
        or not isinstance(record.get("seq"), int)
        or isinstance(record.get("seq"), bool)
        or record["seq"] < 0
        or not is_hex64(record.get("prev_hash"))
        or not is_hex64(record.get("hash"))
    ):
        return None
    return record


def remove_files(directory: Path, plan: PrunePlan) -> tuple[tuple[str, ...], OSError | None]:
    """Unlink the plan's files oldest first, stopping at the first failure.

    Call only once the plan's marker is on disk. Stopping keeps what is left a contiguous
    run of the chain. Returns the names removed and the error that stopped it, if any.
    """
    removed: list[str] = []
    error: OSError | None = None
    for name in plan.removed_names:
        try:
            (directory / name).unlink()
        except FileNotFoundError:
            pass  # already gone: a previous prune was interrupted after its marker
        except OSError as exc:
            error = exc
            break
        removed.append(name)
    if removed:
        fsync_directory(directory)
    return tuple(removed), error


PruneStatus = Literal["pruned", "would_prune", "nothing", "busy", "failed"]


@dataclass(frozen=True)
class ChainPrune:
    """What ``prune_directory`` did with one chain."""

    chain_id: str
    status: PruneStatus
    plan: PrunePlan | None = None
    removed: tuple[str, ...] = ()
    detail: str | None = None
    """Why a chain failed or was skipped."""


def prune_directory(
    directory: Path,
    rule: RetentionRule,
    *,
    sign: CheckpointSigner | None,
    kid: str | None,
    dry_run: bool = False,
    now: float | None = None,
) -> list[ChainPrune]:
    """Prune every chain in ``directory`` that no writer holds; see ``plan_prune``.

    For each chain: take its lock (a chain a running writer holds is ``busy`` and left
    alone: that writer prunes its own chain when given the rule), plan, append the signed
    marker to the chain's checkpoint file and sync it, then remove the files. With
    ``dry_run`` nothing is locked, written or removed; ``sign`` and ``kid`` may be None.
    """
    now = time_module.time() if now is None else now
    chains = chain_files(directory)
    for name in os.listdir(directory):
        chain = parse_checkpoint_file_name(name)
        if chain is not None:
            chains.setdefault(chain, [])
    if dry_run:
        return [
            _dry_run_chain(directory, chain_id, chains[chain_id], rule, now)
            for chain_id in sorted(chains)
        ]
    if sign is None or kid is None:
        raise ValueError("pruning signs a retention marker: give sign and kid")
    results: list[ChainPrune] = []
    for chain_id in sorted(chains):
        lock = try_lock_chain(directory, chain_id)
        if lock is None:
            results.append(ChainPrune(chain_id, "busy", detail=_busy(chain_id)))
            continue
        with lock:
            results.append(_prune_chain(directory, chain_id, rule, now=now, sign=sign, kid=kid))
    return results


def _busy(chain_id: str) -> str:
    return (
        f"a running writer holds {lock_file_name(chain_id)}; it prunes its own chain when "
        "audit retention is configured, or stop it and prune again"
    )


def _dry_run_chain(
    directory: Path, chain_id: str, numbers: list[int], rule: RetentionRule, now: float
) -> ChainPrune:
    if chain_is_locked(directory, chain_id):
        return ChainPrune(chain_id, "busy", detail=_busy(chain_id))
    try:
        plan = plan_prune(directory, chain_id, numbers, rule, now=now)
    except (PruneError, OSError) as exc:
        return ChainPrune(chain_id, "failed", detail=_detail(exc))
    if plan is None:
        return ChainPrune(chain_id, "nothing")
    return ChainPrune(chain_id, "would_prune", plan=plan)


def _prune_chain(
    directory: Path,
    chain_id: str,
    rule: RetentionRule,
    *,
    now: float,
    sign: CheckpointSigner,
    kid: str,
) -> ChainPrune:
    try:
        # Listed again under the lock: a writer may have rotated before it stopped.
        numbers = chain_files(directory).get(chain_id, [])
        plan = plan_prune(directory, chain_id, numbers, rule, now=now)
        if plan is None:
            return ChainPrune(chain_id, "nothing")
        line = canonical_json(plan.marker(now=now, kid=kid, sign=sign)) + b"\n"
        append_marker(directory / checkpoint_file_name(chain_id), line)
    except (PruneError, OSError, ValueError) as exc:
        return ChainPrune(chain_id, "failed", detail=_detail(exc))
    removed, error = remove_files(directory, plan)
    if error is not None:
        return ChainPrune(
            chain_id,
            "failed",
            plan=plan,
            removed=removed,
            detail=f"cannot remove {error.filename or 'a file'}: {_detail(error)} (the "
            "retention marker is written; prune again to remove the rest)",
        )
    return ChainPrune(chain_id, "pruned", plan=plan, removed=removed)


def append_marker(path: Path, line: bytes) -> None:
    """Append one marker line to a checkpoint file no writer holds, and sync it."""
    created = not path.exists()
    if not created:
        cut_torn_tail(path)  # as a restarting writer would: the torn bytes go to a sidecar
    with open(path, "ab", buffering=0) as f:
        size = os.fstat(f.fileno()).st_size
        try:
            write_all(f, line, path)
            os.fsync(f.fileno())
        except OSError:
            with contextlib.suppress(OSError):
                f.truncate(size)
            raise
    if created:
        fsync_directory(path.parent)


def _detail(exc: Exception) -> str:
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return where + (exc.strerror or type(exc).__name__)
    return str(exc)
