"""The tamper-evident audit log: hash-chained JSONL records, their writer and verifier."""

from guardproxy.audit.keys import load_hmac_key
from guardproxy.audit.record import (
    GENESIS_HASH,
    canonical_json,
    keyed_digest,
    normalise_text,
    record_hash,
    text_sha256,
)
from guardproxy.audit.verify import Problem, VerifyReport, format_report, verify_directory
from guardproxy.audit.writer import AuditWriteError, AuditWriter

__all__ = [
    "GENESIS_HASH",
    "AuditWriteError",
    "AuditWriter",
    "Problem",
    "VerifyReport",
    "canonical_json",
    "format_report",
    "keyed_digest",
    "load_hmac_key",
    "normalise_text",
    "record_hash",
    "text_sha256",
    "verify_directory",
]
