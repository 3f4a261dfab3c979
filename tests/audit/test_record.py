"""The record format (canonical JSON, hashes, digests, file names) and the HMAC key."""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import stat
from pathlib import Path
from typing import Any

import pytest

from guardproxy.audit import (
    GENESIS_HASH,
    canonical_json,
    keyed_digest,
    load_hmac_key,
    normalise_text,
    record_hash,
    text_sha256,
)
from guardproxy.audit.record import audit_file_name, check_chain_id, parse_audit_file_name
from guardproxy.errors import ConfigError

# A record given in scrambled key order, and the exact bytes another implementation
# must produce for it (sorted keys, no whitespace, raw UTF-8).
KNOWN_RECORD: dict[str, Any] = {
    "seq": 0,
    "prev_hash": GENESIS_HASH,
    "note": "café 東京",
    "id": "dec-1",
    "findings": [{"start": 4, "end": 17, "score": 0.95, "category": "EMAIL_ADDRESS"}],
    "chain": "w1",
    "action": "redact",
}
KNOWN_BYTES = (
    b'{"action":"redact","chain":"w1","findings":[{"category":"EMAIL_ADDRESS","end":17,'
    b'"score":0.95,"start":4}],"id":"dec-1","note":"caf\xc3\xa9 \xe6\x9d\xb1\xe4\xba\xac",'
    b'"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000",'
    b'"seq":0}'
)
KNOWN_HASH = "e4acf5b8a34519b4ea3a0e54dc1213dfb0f1f98667de7d91ac3e056aa55c9869"


def test_genesis_hash_is_64_zeros() -> None:
    assert GENESIS_HASH == "0" * 64


def test_canonical_json_of_a_known_record() -> None:
    assert canonical_json(KNOWN_RECORD) == KNOWN_BYTES


def test_record_hash_of_a_known_record() -> None:
    assert hashlib.sha256(KNOWN_BYTES).hexdigest() == KNOWN_HASH
    assert record_hash(KNOWN_RECORD) == KNOWN_HASH


def test_record_hash_leaves_out_the_hash_field() -> None:
    sealed = {**KNOWN_RECORD, "hash": "f" * 64}
    assert record_hash(sealed) == KNOWN_HASH


def test_record_hash_does_not_depend_on_key_order() -> None:
    reordered = dict(reversed(list(KNOWN_RECORD.items())))
    assert record_hash(reordered) == KNOWN_HASH


def test_record_hash_changes_with_any_field() -> None:
    assert record_hash({**KNOWN_RECORD, "action": "block"}) != KNOWN_HASH
    assert record_hash({**KNOWN_RECORD, "seq": 1}) != KNOWN_HASH


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_canonical_json_rejects_values_json_cannot_hold(value: float) -> None:
    with pytest.raises(ValueError):
        canonical_json({"score": value})


@pytest.mark.parametrize("obj", [{"a": {1: "x"}}, {"a": [{2: "y"}]}])
def test_canonical_json_rejects_non_string_keys(obj: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match="keys must be strings"):
        canonical_json(obj)


def test_canonical_json_escapes_control_characters_only() -> None:
    assert canonical_json({"t": 'a"\\\n\u0001é'}) == b'{"t":"a\\"\\\\\\n\\u0001\xc3\xa9"}'


def test_text_sha256_is_sha256_of_utf8() -> None:
    assert text_sha256("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert text_sha256("東京") == hashlib.sha256("東京".encode()).hexdigest()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  hello \t\n world  ", "hello world"),
        ("\uff21\uff22\uff23\uff11\uff12\uff13", "ABC123"),  # full-width forms
        ("\u3000x\u00a0y\u2003z", "x y z"),
        ("\ufb01le", "file"),  # a ligature
        ("line one\r\n\r\nline two", "line one line two"),
        ("", ""),
        (" \n\t ", ""),
    ],
)
def test_normalise_text(text: str, expected: str) -> None:
    assert normalise_text(text) == expected


def test_normalised_forms_share_a_digest() -> None:
    assert text_sha256(normalise_text("Hello\n  \uff37\uff2f\uff32\uff2c\uff24")) == text_sha256(
        normalise_text("Hello WORLD ")
    )


KEY_A = bytes(range(32))
KEY_B = bytes(range(1, 33))


def test_keyed_digest_is_hmac_sha256() -> None:
    value = "alice@example.com"
    expected = hmac.new(KEY_A, value.encode(), hashlib.sha256).hexdigest()
    assert keyed_digest(KEY_A, value) == f"hmac-sha256:{expected}"


def test_keyed_digest_differs_by_key_and_is_stable() -> None:
    value = "+81 90-1234-5678"
    assert keyed_digest(KEY_A, value) == keyed_digest(KEY_A, value)
    assert keyed_digest(KEY_A, value) != keyed_digest(KEY_B, value)
    assert keyed_digest(KEY_A, value) != keyed_digest(KEY_A, value + " ")


@pytest.mark.parametrize("value", ["alice@example.com", "090-1234-5678", "Zed"])
def test_keyed_digest_never_contains_the_value(value: str) -> None:
    digest = keyed_digest(KEY_A, value)
    assert value not in digest
    # Nor the unkeyed hash, which could be brute-forced for short values like phone numbers.
    assert text_sha256(value) not in digest


def test_keyed_digest_needs_a_key() -> None:
    with pytest.raises(ValueError, match="non-empty key"):
        keyed_digest(b"", "x")


@pytest.mark.parametrize("chain_id", ["w1", "host-1.worker_2", "a-000001", "..."])
def test_file_names_round_trip(chain_id: str) -> None:
    name = audit_file_name(chain_id, 7)
    assert name == f"audit-{chain_id}-000007.jsonl"
    assert parse_audit_file_name(name) == (chain_id, 7)


def test_file_numbers_beyond_six_digits_still_parse() -> None:
    assert parse_audit_file_name(audit_file_name("w", 1_234_567)) == ("w", 1_234_567)


@pytest.mark.parametrize(
    "name",
    ["audit-w1-1.jsonl", "audit--000001.jsonl", "audit-w1-000001.jsonl.torn", "w1.jsonl"],
)
def test_other_names_are_not_audit_files(name: str) -> None:
    assert parse_audit_file_name(name) is None


@pytest.mark.parametrize("chain_id", ["", "a/b", "a b", "../x", "é"])
def test_chain_ids_must_be_file_name_safe(chain_id: str) -> None:
    with pytest.raises(ValueError, match="chain id"):
        check_chain_id(chain_id)


# The audit HMAC key ---------------------------------------------------------------

SECRET_HEX = "ab" * 32


def test_key_from_the_environment_wins(tmp_path: Path) -> None:
    key_file = tmp_path / "audit.key"
    key_file.write_text("cd" * 32)
    key = load_hmac_key(env={"GUARDPROXY_AUDIT_KEY": f" {SECRET_HEX}\n"}, key_file=key_file)
    assert key == bytes.fromhex(SECRET_HEX)


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("zz" * 32 + "secretish", "not valid hex"),
        ("ab" * 31, "too short (31 bytes)"),
        ("abc", "not valid hex"),
        ("   ", "is empty"),
    ],
)
def test_a_bad_environment_key_says_what_is_wrong_without_echoing_it(
    tmp_path: Path, value: str, what: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_hmac_key(env={"GUARDPROXY_AUDIT_KEY": value}, key_file=tmp_path / "k")
    message = str(info.value)
    assert "GUARDPROXY_AUDIT_KEY" in message
    assert what in message
    assert "64 hex characters" in message
    if value.strip():
        assert value.strip() not in message
        assert value.strip()[:8] not in message
    assert info.value.__cause__ is None
    assert not (tmp_path / "k").exists()


def test_key_from_an_existing_file(tmp_path: Path) -> None:
    key_file = tmp_path / "audit.key"
    key_file.write_text(SECRET_HEX + "\n")
    key_file.chmod(0o600)
    assert load_hmac_key(env={}, key_file=key_file) == bytes.fromhex(SECRET_HEX)


def test_a_bad_key_file_names_the_file_not_the_content(tmp_path: Path) -> None:
    key_file = tmp_path / "audit.key"
    key_file.write_text("ab" * 8)
    with pytest.raises(ConfigError, match=r"audit\.key is too short") as info:
        load_hmac_key(env={}, key_file=key_file)
    assert "ab" * 8 not in str(info.value)


def test_a_missing_key_file_is_created_once_with_mode_0600(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    key_file = tmp_path / "keys" / "audit.key"
    with caplog.at_level(logging.WARNING, logger="guardproxy.audit.keys"):
        first = load_hmac_key(env={}, key_file=key_file)
        second = load_hmac_key(env={}, key_file=key_file)
    assert len(first) == 32
    assert second == first
    assert key_file.read_text().strip() == first.hex()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    generated = [r for r in caplog.records if "generated a new audit HMAC key" in r.getMessage()]
    assert len(generated) == 1
    assert first.hex() not in caplog.text
    # Written through a temporary file that does not stay behind.
    assert sorted(p.name for p in key_file.parent.iterdir()) == ["audit.key"]


def test_a_key_file_others_can_read_is_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    key_file = tmp_path / "audit.key"
    key_file.write_text(SECRET_HEX)
    key_file.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="guardproxy.audit.keys"):
        load_hmac_key(env={}, key_file=key_file)
    assert "chmod 600" in caplog.text
    assert SECRET_HEX not in caplog.text


def test_an_unwritable_key_location_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    with pytest.raises(ConfigError, match=r"not-a-dir/audit\.key cannot be"):
        load_hmac_key(env={}, key_file=blocker / "audit.key")
