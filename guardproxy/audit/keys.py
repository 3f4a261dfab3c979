"""The HMAC key that turns PII values into keyed digests in audit records.

Every worker process must use the same key, otherwise the same phone number gets a
different digest per worker and records can no longer be matched. The key therefore
comes from the environment (a secret the deployment manages) or from one shared file,
created once if neither exists.

This runs once at startup and does blocking file I/O: call it before the event loop
starts or through a thread.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from pathlib import Path

from guardproxy.durable import publish_new_file as _publish_new_file
from guardproxy.durable import warn_if_readable_by_others
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
    warn_if_readable_by_others(key_file, "audit key file")
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
