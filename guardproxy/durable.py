"""Small file operations that must survive crashes and races: key files, new log files."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import secrets
from pathlib import Path

log = logging.getLogger(__name__)


def publish_new_file(path: Path, data: bytes) -> bool:
    """Write ``data`` (mode 0600) next to ``path`` and link it into place; False if it exists.

    A hard link publishes the file atomically without replacing one that another process
    created meanwhile, so two workers starting together agree on one key, and readers never
    see a partly written file. Filesystems without hard links fall back to ``os.replace``.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            if path.exists():
                return False
            os.replace(tmp, path)
        fsync_directory(path.parent)
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def fsync_directory(directory: Path) -> None:
    """Make a new directory entry durable; not every platform can open a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def warn_if_readable_by_others(path: Path, what: str) -> None:
    """Log a warning when a secret file's mode lets other users read it."""
    with contextlib.suppress(OSError):
        mode = path.stat().st_mode
        if mode & 0o077:
            log.warning(
                "%s %s can be read by other users (mode %o); run chmod 600 on it",
                what,
                path,
                mode & 0o777,
            )
