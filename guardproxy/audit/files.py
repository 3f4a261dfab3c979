"""File primitives shared by the audit writer and the prune tool.

Both write to a chain's files: the writer while it runs, ``guardproxy audit prune`` while
it does not. They share the chain lock (one of them at a time), the way an interrupted
write is cut off the end of a file, and the way whole lines are written. Everything here
is blocking: the writer calls it from its I/O thread.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from guardproxy.audit.record import check_chain_id

if sys.platform != "win32":
    import fcntl

READ_CHUNK = 64 * 1024


def lock_file_name(chain_id: str) -> str:
    """``audit-{chain_id}.lock``: held by whoever writes the chain's files."""
    return f"audit-{check_chain_id(chain_id)}.lock"


def try_lock_chain(directory: Path, chain_id: str) -> IO[bytes] | None:
    """Take the chain's exclusive lock without waiting; ``None`` if someone else holds it.

    The lock lasts until the returned file is closed.
    """
    lock_file = open(directory / lock_file_name(chain_id), "ab")  # noqa: SIM115 - caller closes
    if sys.platform == "win32":  # pragma: no cover - the proxy runs on POSIX systems
        return lock_file
    try:
        fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock_file.close()
        return None
    except OSError:
        lock_file.close()
        raise
    return lock_file


def chain_is_locked(directory: Path, chain_id: str) -> bool:
    """Whether someone holds the chain's lock now; creates nothing."""
    if sys.platform == "win32":  # pragma: no cover - the proxy runs on POSIX systems
        return False
    try:
        lock_file = open(directory / lock_file_name(chain_id), "rb")  # noqa: SIM115
    except FileNotFoundError:
        return False
    with lock_file:
        try:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)
        return False


def write_all(file: IO[bytes], data: bytes, path: Path | None) -> None:
    """Write every byte of ``data`` (an unbuffered file may take fewer in one call)."""
    view = memoryview(data)
    while view:
        written = file.write(view)
        if not written:
            raise OSError(f"short write to {path}")
        view = view[written:]


def after_last_newline(f: IO[bytes], end: int) -> int:
    """The offset just after the last ``\\n`` before ``end``, or 0 if there is none."""
    pos = end
    while pos > 0:
        step = min(READ_CHUNK, pos)
        pos -= step
        f.seek(pos)
        chunk = f.read(step)
        newline = chunk.rfind(b"\n")
        if newline >= 0:
            return pos + newline + 1
    return 0


def lines_backwards(f: IO[bytes], end: int) -> Iterator[bytes]:
    """The complete lines that end at or before ``end`` (a line boundary), last first."""
    while end > 0:
        start = after_last_newline(f, end - 1)
        f.seek(start)
        yield f.read(end - start)
        end = start


@dataclass(frozen=True)
class TornTail:
    """Bytes of an interrupted write, moved from the end of a file to a sidecar."""

    sidecar: Path
    size: int


def cut_torn_tail(path: Path) -> tuple[bytes | None, TornTail | None]:
    """Move an incomplete last line aside; return the last complete line, if any.

    A crash in the middle of a write leaves a line without its newline. Those bytes are
    not part of the chain (or of its checkpoints), but they are evidence, so they go to
    a sidecar file ``{name}.{offset}.torn``.
    """
    torn: TornTail | None = None
    with open(path, "r+b") as f:
        size = f.seek(0, os.SEEK_END)
        end = after_last_newline(f, size)
        if end < size:
            sidecar = torn_sidecar_path(path, end)
            f.seek(end)
            with open(sidecar, "xb") as out:
                shutil.copyfileobj(f, out)
                out.flush()
                os.fsync(out.fileno())
            f.truncate(end)
            f.flush()
            os.fsync(f.fileno())
            torn = TornTail(sidecar=sidecar, size=size - end)
        if end == 0:
            return None, torn
        start = after_last_newline(f, end - 1)
        f.seek(start)
        return f.read(end - start), torn


def torn_sidecar_path(path: Path, offset: int) -> Path:
    # The same offset can be torn twice (the next write starts where the torn one did).
    candidate = path.with_name(f"{path.name}.{offset}.torn")
    attempt = 1
    while candidate.exists():
        attempt += 1
        candidate = path.with_name(f"{path.name}.{offset}.{attempt}.torn")
    return candidate


def first_line(path: Path) -> bytes | None:
    """The first line of ``path`` with its ``\\n``; ``None`` if the file has no complete line."""
    with open(path, "rb") as f:
        line = f.readline()
    return line if line.endswith(b"\n") else None


def last_line(path: Path) -> bytes | None:
    """The last complete line of ``path`` (an incomplete tail is skipped), or ``None``."""
    with open(path, "rb") as f:
        end = after_last_newline(f, f.seek(0, os.SEEK_END))
        return next(lines_backwards(f, end), None)
