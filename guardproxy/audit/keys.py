"""The HMAC key that turns PII values into keyed digests in audit records.

Every worker process must use the same key, otherwise the same phone number gets a
different digest per worker and records can no longer be matched. The key therefore
comes from the environment (a secret the deployment manages) or from one shared file,
created once if neither exists.

This runs once at startup and does blocking file I/O: call it before the event loop
starts or through a thread.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from guardproxy.errors import ConfigError

log = logging.getLogger(__name__)

ENV_VAR = "GUARDPROXY_AUDIT_KEY"
MIN_KEY_BYTES = 32
_HOW_TO_MAKE_ONE = "python -c 'import secrets; print(secrets.token_hex(32))'"


def load_hmac_key(*, env: Mapping[str, str], key_file: Path) -> bytes:
    """The audit HMAC key: ``GUARDPROXY_AUDIT_KEY`` (hex), else ``key_file``, else a new key.

    A new key is 32 random bytes written as hex to ``key_file`` with mode 0600. Error
    messages say what is wrong and what to do, and never contain the key.
    """
    if ENV_VAR in env:
        return _parse_key(env[ENV_VAR], source=f"environment variable {ENV_VAR}")
    try:
        text = key_file.read_text(encoding="ascii")
    except FileNotFoundError:
        return _create_key_file(key_file)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"audit key file {key_file} cannot be read ({type(exc).__name__}): fix its "
            f"permissions or contents, or set {ENV_VAR}"
        ) from None
    _warn_if_readable_by_others(key_file)
    return _parse_key(text, source=f"audit key file {key_file}")


def _parse_key(text: str, *, source: str) -> bytes:
    # Error messages name the source and the rule, never the text: it is a secret.
    stripped = text.strip()
    if not stripped:
        raise ConfigError(
            f"{source} is empty: set it to at least {MIN_KEY_BYTES * 2} hex characters "
            f"({MIN_KEY_BYTES} bytes), for example from `{_HOW_TO_MAKE_ONE}`"
        )
    try:
        key = bytes.fromhex(stripped)
    except ValueError:
        raise ConfigError(
            f"{source} is not valid hex: set it to at least {MIN_KEY_BYTES * 2} hex "
            f"characters ({MIN_KEY_BYTES} bytes), for example from `{_HOW_TO_MAKE_ONE}`"
        ) from None
    if len(key) < MIN_KEY_BYTES:
        raise ConfigError(
            f"{source} is too short ({len(key)} bytes): use at least {MIN_KEY_BYTES} bytes "
            f"({MIN_KEY_BYTES * 2} hex characters), for example from `{_HOW_TO_MAKE_ONE}`"
        )
    return key


def _warn_if_readable_by_others(key_file: Path) -> None:
    with contextlib.suppress(OSError):
        mode = key_file.stat().st_mode
        if mode & 0o077:
            log.warning(
                "audit key file %s can be read by other users (mode %o); run chmod 600 on it",
                key_file,
                mode & 0o777,
            )


def _create_key_file(key_file: Path) -> bytes:
    key = secrets.token_bytes(MIN_KEY_BYTES)
    try:
        key_file.parent.mkdir(parents=True, exist_ok=True)
        published = _publish_new_file(key_file, (key.hex() + "\n").encode("ascii"))
    except OSError as exc:
        raise ConfigError(
            f"audit key file {key_file} does not exist and cannot be created "
            f"({exc.strerror or type(exc).__name__}): make its directory writable, "
            f"or set {ENV_VAR}"
        ) from None
    if not published:
        # Another process created the file first; its key is the one every process uses.
        return load_hmac_key(env={}, key_file=key_file)
    log.warning(
        "generated a new audit HMAC key in %s; keep it (and back it up) for as long as the "
        "audit log is kept, or set %s so that every instance uses the same key",
        key_file,
        ENV_VAR,
    )
    return key


def _publish_new_file(path: Path, data: bytes) -> bool:
    """Write ``data`` to a temporary file and move it into place; False if ``path`` exists.

    A hard link publishes the file atomically without replacing one that another process
    created in the meantime, so two workers starting together agree on one key.
    Filesystems without hard links fall back to ``os.replace``.
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
        _fsync_directory(path.parent)
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _fsync_directory(directory: Path) -> None:
    # Makes the new directory entry durable; not every platform can open a directory.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
