"""Signed checkpoints: a chain's latest record, signed, kept in a sidecar file per chain.

A hash chain shows an edited, removed or reordered record, but not records cut off its
end. A checkpoint names the last record of the chain at the time it was written (its
``seq``, ``hash`` and file) and is signed with an Ed25519 key, so a chain that ends before
a checkpoint has lost its tail, and a chain whose record differs from the checkpointed
hash was rewritten. ``docs/audit-format.md`` states the format in language-neutral terms.

The same file holds the chain's **retention markers**: a signed statement that the
chain's oldest files were removed on purpose, naming the first record that remains (its
``seq`` and the ``prev_hash`` it carries). A verifier accepts a chain that starts there
instead of at genesis only with such a marker. A marker has its own ``type``, so a
checkpoint signature can never pass for a marker signature or the other way round.

Signing is left to the caller (a callable that signs bytes), so this package does not
depend on where keys come from; verifying needs only the public keys.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from guardproxy.audit.record import canonical_json, check_chain_id

CHECKPOINT_TYPE: Final = "gp-audit-checkpoint"
"""The ``type`` of every checkpoint; it keeps checkpoint signatures apart from anything
else the same key signs."""

SIGNED_FIELDS: Final = ("chain", "file", "hash", "kid", "seq", "time", "type")
"""The fields a checkpoint has besides ``sig``; all of them are signed."""

RETENTION_TYPE: Final = "gp-audit-retention"
"""The ``type`` of every retention marker."""

RETENTION_SIGNED_FIELDS: Final = (
    "chain",
    "file",
    "kid",
    "prev_hash",
    "removed",
    "seq",
    "time",
    "type",
)
"""The fields a retention marker has besides ``sig``; all of them are signed."""

SIGNATURE_LENGTH: Final = 64
"""Bytes of an Ed25519 signature."""

CheckpointSigner = Callable[[bytes], bytes]
"""Signs the canonical JSON of a checkpoint without ``sig`` and returns the signature."""

_FILE_NAME_RE = re.compile(r"audit-(?P<chain>[A-Za-z0-9._-]+)\.checkpoints\.jsonl")
_B64URL_RE = re.compile(r"[A-Za-z0-9_-]*")


def checkpoint_file_name(chain_id: str) -> str:
    """``audit-{chain_id}.checkpoints.jsonl``: the checkpoints of one chain."""
    return f"audit-{check_chain_id(chain_id)}.checkpoints.jsonl"


def parse_checkpoint_file_name(name: str) -> str | None:
    """The chain id of a checkpoint file name, ``None`` for any other name."""
    match = _FILE_NAME_RE.fullmatch(name)
    return None if match is None else match["chain"]


def signing_input(checkpoint: Mapping[str, Any]) -> bytes:
    """The bytes a checkpoint's signature covers: its canonical JSON without ``sig``."""
    return canonical_json({key: value for key, value in checkpoint.items() if key != "sig"})


def make_checkpoint(
    *,
    chain_id: str,
    seq: int,
    record_hash: str,
    file: str,
    time: str,
    kid: str,
    sign: CheckpointSigner,
) -> dict[str, Any]:
    """A signed checkpoint for the record ``seq`` (with ``record_hash``) stored in ``file``."""
    checkpoint: dict[str, Any] = {
        "type": CHECKPOINT_TYPE,
        "chain": chain_id,
        "seq": seq,
        "hash": record_hash,
        "file": file,
        "time": time,
        "kid": kid,
    }
    return _signed(checkpoint, sign, "checkpoint")


def make_retention_marker(
    *,
    chain_id: str,
    seq: int,
    prev_hash: str,
    file: str,
    removed: Sequence[int],
    time: str,
    kid: str,
    sign: CheckpointSigner,
) -> dict[str, Any]:
    """A signed retention marker: the files numbered ``removed`` are being removed on purpose.

    ``file`` is the first file that remains, ``seq`` the first record in it and
    ``prev_hash`` the hash of the record before that one (the ``prev_hash`` the first
    remaining record carries).
    """
    marker: dict[str, Any] = {
        "type": RETENTION_TYPE,
        "chain": chain_id,
        "seq": seq,
        "prev_hash": prev_hash,
        "file": file,
        "removed": sorted(removed),
        "time": time,
        "kid": kid,
    }
    return _signed(marker, sign, "retention marker")


def _signed(body: dict[str, Any], sign: CheckpointSigner, what: str) -> dict[str, Any]:
    signature = sign(signing_input(body))
    if not isinstance(signature, bytes) or len(signature) != SIGNATURE_LENGTH:
        raise ValueError(
            f"the {what} signer returned {type(signature).__name__} of "
            f"{len(signature) if isinstance(signature, bytes) else '?'} bytes, "
            f"not a {SIGNATURE_LENGTH}-byte Ed25519 signature"
        )
    body["sig"] = b64url_encode(signature)
    return body


def b64url_encode(data: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes | None:
    """Strict unpadded base64url: other alphabets, padding and stray bits give ``None``."""
    if not _B64URL_RE.fullmatch(text) or len(text) % 4 == 1:
        return None
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    return data if b64url_encode(data) == text else None
