"""The audit record format: canonical JSON, the record hash, digests and file names.

Everything here is pure and deterministic so that another implementation can recompute
the same bytes; ``docs/audit-format.md`` states the rules in language-neutral terms.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Mapping
from typing import Any, TypeGuard

GENESIS_HASH: str = "0" * 64
"""The ``prev_hash`` of the first record of every chain."""

RESERVED_FIELDS: frozenset[str] = frozenset({"chain", "seq", "prev_hash", "hash"})
"""Fields the writer sets; a caller's record must not carry them."""

CHAIN_ID_RE = re.compile(r"[A-Za-z0-9._-]+")
_FILE_NAME_RE = re.compile(r"audit-(?P<chain>[A-Za-z0-9._-]+)-(?P<number>[0-9]{6,})\.jsonl")
_HEX64_RE = re.compile(r"[0-9a-f]{64}")


def canonical_json(obj: Mapping[str, Any]) -> bytes:
    """The one byte form of a record that is hashed and written.

    Sorted keys, no whitespace, UTF-8 without ``\\u`` escapes for non-ASCII text.
    NaN and infinities are rejected (``ValueError``) because JSON cannot express them;
    values JSON cannot hold raise ``TypeError``; lone surrogates raise
    ``UnicodeEncodeError`` (a ``ValueError``).
    """
    _check_keys(obj)
    text = json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def _check_keys(value: Any) -> None:
    # json.dumps would turn 1 and "1" into the same key; a canonical form cannot allow that.
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"audit record keys must be strings, not {type(key).__name__}")
            _check_keys(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_keys(item)


def record_hash(record: Mapping[str, Any]) -> str:
    """Hex sha256 of the canonical JSON of ``record`` without its ``hash`` field."""
    body = {key: value for key, value in record.items() if key != "hash"}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def text_sha256(text: str) -> str:
    """Hex sha256 of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_text(text: str) -> str:
    """NFKC, every whitespace run collapsed to one space, ends stripped.

    Used to look a text up by a digest that survives re-wrapping and full-width forms.
    """
    return " ".join(unicodedata.normalize("NFKC", text).split())


def keyed_digest(key: bytes, value: str) -> str:
    """``hmac-sha256:<hex>`` of ``value``: how a PII value is stored, never in the clear.

    A plain sha256 of a phone number or an email can be brute-forced; an HMAC cannot
    without the key.
    """
    if not key:
        raise ValueError("keyed_digest needs a non-empty key")
    mac = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"hmac-sha256:{mac}"


def is_hex64(value: object) -> TypeGuard[str]:
    """True for a 64-character lowercase hex string (a sha256 digest)."""
    return isinstance(value, str) and _HEX64_RE.fullmatch(value) is not None


def check_chain_id(chain_id: str) -> str:
    """Return ``chain_id`` if it can be part of a file name, else raise ``ValueError``."""
    if not isinstance(chain_id, str) or CHAIN_ID_RE.fullmatch(chain_id) is None:
        raise ValueError(
            f"chain id {chain_id!r} is not allowed: use letters, digits, '.', '_' or '-'"
        )
    return chain_id


def audit_file_name(chain_id: str, number: int) -> str:
    """``audit-{chain_id}-{number:06d}.jsonl``; files of a chain are numbered from 1."""
    return f"audit-{check_chain_id(chain_id)}-{number:06d}.jsonl"


def parse_audit_file_name(name: str) -> tuple[str, int] | None:
    """``(chain_id, number)`` for an audit file name, ``None`` for any other name.

    The number is the last dash-separated part, so chain ids may contain dashes.
    """
    match = _FILE_NAME_RE.fullmatch(name)
    if match is None:
        return None
    return match["chain"], int(match["number"])
