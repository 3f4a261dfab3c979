"""Provenance manifests: signing, verification, every rejection reason, keys and rotation."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from guardproxy.errors import ConfigError
from guardproxy.provenance import (
    ENV_VAR,
    REASONS,
    SigningKey,
    build_manifest,
    jwks,
    key_id,
    load_keyring,
    load_public_keys,
    public_keys_from_jwks,
    sign_manifest,
    verify_files,
    verify_manifest,
)

TEXT = "The capital of France is Paris. 東京 — café\n"
ISSUED = dt.datetime(2025, 3, 1, 12, 30, 15, 250_000, tzinfo=dt.UTC)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def manifest_for(key: SigningKey, text: str = TEXT, **overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "decision_id": "0195f0a1b2c3d4e5f60718293a4b5c6d",
        "model": "gpt-4o-mini",
        "upstream": "openai",
        "policy": "default@3",
        "text_sha256": sha256_hex(text),
        "kid": key.kid,
        "issued_at": ISSUED,
    }
    args.update(overrides)
    return build_manifest(**args)


def sign_raw(header: dict[str, Any], payload: dict[str, Any], key: SigningKey) -> str:
    """A JWS built by hand, for headers sign_manifest would never produce."""
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())
    return signing_input + "." + b64url(key.private.sign(signing_input.encode("ascii")))


@pytest.fixture
def key() -> SigningKey:
    return SigningKey.from_private(Ed25519PrivateKey.generate())


@pytest.fixture
def keys(key: SigningKey) -> dict[str, Ed25519PublicKey]:
    return {key.kid: key.public}


# --- manifests and signatures ------------------------------------------------------------


def test_manifest_fields(key: SigningKey) -> None:
    manifest = manifest_for(key)
    assert manifest == {
        "v": 1,
        "id": "prov_0195f0a1b2c3d4e5f60718293a4b5c6d",
        "iss": "guardproxy",
        "iat": 1740832215,
        "time": "2025-03-01T12:30:15.250+00:00",
        "decision_id": "0195f0a1b2c3d4e5f60718293a4b5c6d",
        "model": "gpt-4o-mini",
        "upstream": "openai",
        "policy": "default@3",
        "text_sha256": sha256_hex(TEXT),
        "kid": key.kid,
    }


def test_manifest_time_is_converted_to_utc(key: SigningKey) -> None:
    tokyo = dt.timezone(dt.timedelta(hours=9))
    manifest = manifest_for(key, issued_at=ISSUED.astimezone(tokyo))
    assert manifest["time"] == "2025-03-01T12:30:15.250+00:00"
    assert manifest["iat"] == 1740832215


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"decision_id": ""}, "decision_id"),
        ({"text_sha256": "ABC"}, "text_sha256"),
        ({"text_sha256": "A" * 64}, "text_sha256"),
        ({"issued_at": dt.datetime(2025, 1, 1)}, "timezone-aware"),
    ],
)
def test_manifest_rejects_bad_arguments(
    key: SigningKey, override: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        manifest_for(key, **override)


def test_round_trip(key: SigningKey, keys: dict[str, Ed25519PublicKey]) -> None:
    manifest = manifest_for(key)
    jws = sign_manifest(manifest, key)
    result = verify_manifest(jws, text=TEXT, keys=keys)
    assert result.valid
    assert result.reason is None
    assert result.manifest == manifest
    assert result.kid == key.kid


def test_without_text_only_the_signature_is_checked(
    key: SigningKey, keys: dict[str, Ed25519PublicKey]
) -> None:
    jws = sign_manifest(manifest_for(key), key)
    assert verify_manifest(jws, text=None, keys=keys).valid


def test_is_standard_compact_jws(key: SigningKey) -> None:
    """Checked with cryptography alone, as any JWS library would: RFC 7515 + RFC 8037."""
    manifest = manifest_for(key)
    jws = sign_manifest(manifest, key)
    header_b64, payload_b64, signature_b64 = jws.split(".")
    for part in (header_b64, payload_b64, signature_b64):
        assert "=" not in part and "+" not in part and "/" not in part
    assert json.loads(b64url_decode(header_b64)) == {
        "alg": "EdDSA",
        "kid": key.kid,
        "typ": "gp-provenance+jws",
    }
    payload = b64url_decode(payload_b64)
    assert json.loads(payload) == manifest
    # canonical JSON: sorted keys, no whitespace
    assert payload == json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    signature = b64url_decode(signature_b64)
    assert len(signature) == 64
    public = Ed25519PublicKey.from_public_bytes(
        key.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    public.verify(signature, f"{header_b64}.{payload_b64}".encode("ascii"))


def test_signing_is_deterministic(key: SigningKey) -> None:
    # Ed25519 signatures are deterministic and the JSON is canonical: same input, same JWS.
    assert sign_manifest(manifest_for(key), key) == sign_manifest(manifest_for(key), key)


def test_sign_refuses_a_manifest_for_another_key(key: SigningKey) -> None:
    other = SigningKey.from_private(Ed25519PrivateKey.generate())
    with pytest.raises(ValueError, match="kid"):
        sign_manifest(manifest_for(other), key)


# --- rejections --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        TEXT + " ",
        TEXT.rstrip("\n"),
        TEXT.replace("Paris", "Lyon"),
        TEXT.replace("\n", "\r\n"),
        "",
        "\ud800",  # a lone surrogate cannot be UTF-8 at all
    ],
)
def test_altered_text(key: SigningKey, keys: dict[str, Ed25519PublicKey], text: str) -> None:
    manifest = manifest_for(key)
    result = verify_manifest(sign_manifest(manifest, key), text=text, keys=keys)
    assert (result.valid, result.reason) == (False, "text_mismatch")
    # the signature held, so the caller may still say which decision it belongs to
    assert result.manifest == manifest
    assert result.kid == key.kid


def test_tampered_payload(key: SigningKey, keys: dict[str, Ed25519PublicKey]) -> None:
    header_b64, _, signature_b64 = sign_manifest(manifest_for(key), key).split(".")
    forged = manifest_for(key, text="a different answer")
    payload_b64 = b64url(json.dumps(forged, sort_keys=True, separators=(",", ":")).encode())
    result = verify_manifest(
        f"{header_b64}.{payload_b64}.{signature_b64}", text="a different answer", keys=keys
    )
    assert (result.valid, result.reason, result.manifest) == (False, "bad_signature", None)


def test_tampered_header(key: SigningKey, keys: dict[str, Ed25519PublicKey]) -> None:
    _, payload_b64, signature_b64 = sign_manifest(manifest_for(key), key).split(".")
    header = {"alg": "EdDSA", "kid": key.kid, "typ": "gp-provenance+jws", "x5u": "https://x"}
    header_b64 = b64url(json.dumps(header).encode())
    result = verify_manifest(f"{header_b64}.{payload_b64}.{signature_b64}", text=TEXT, keys=keys)
    assert (result.valid, result.reason) == (False, "bad_signature")


def test_flipped_signature_bit(key: SigningKey, keys: dict[str, Ed25519PublicKey]) -> None:
    header_b64, payload_b64, signature_b64 = sign_manifest(manifest_for(key), key).split(".")
    signature = bytearray(b64url_decode(signature_b64))
    signature[10] ^= 0x01
    jws = f"{header_b64}.{payload_b64}.{b64url(bytes(signature))}"
    assert verify_manifest(jws, text=TEXT, keys=keys).reason == "bad_signature"


def test_truncated_signature(key: SigningKey, keys: dict[str, Ed25519PublicKey]) -> None:
    header_b64, payload_b64, signature_b64 = sign_manifest(manifest_for(key), key).split(".")
    short = b64url(b64url_decode(signature_b64)[:63])
    jws = f"{header_b64}.{payload_b64}.{short}"
    assert verify_manifest(jws, text=TEXT, keys=keys).reason == "bad_signature"


def test_unknown_key(key: SigningKey) -> None:
    other = SigningKey.from_private(Ed25519PrivateKey.generate())
    result = verify_manifest(
        sign_manifest(manifest_for(key), key), text=TEXT, keys={other.kid: other.public}
    )
    assert (result.valid, result.reason, result.kid) == (False, "unknown_key", key.kid)


def test_known_kid_but_other_key(key: SigningKey) -> None:
    # A kid is only a hint: the key behind it decides.
    other = Ed25519PrivateKey.generate().public_key()
    result = verify_manifest(
        sign_manifest(manifest_for(key), key), text=TEXT, keys={key.kid: other}
    )
    assert result.reason == "bad_signature"


def test_header_without_kid(key: SigningKey, keys: dict[str, Ed25519PublicKey]) -> None:
    jws = sign_raw({"alg": "EdDSA"}, manifest_for(key), key)
    result = verify_manifest(jws, text=TEXT, keys=keys)
    assert (result.reason, result.kid) == ("unknown_key", None)


def test_alg_none_rejected(key: SigningKey, keys: dict[str, Ed25519PublicKey]) -> None:
    header_b64 = b64url(json.dumps({"alg": "none", "kid": key.kid}).encode())
    payload_b64 = b64url(json.dumps(manifest_for(key)).encode())
    for jws in (f"{header_b64}.{payload_b64}.", f"{header_b64}.{payload_b64}.AAAA"):
        result = verify_manifest(jws, text=TEXT, keys=keys)
        assert not result.valid
        assert result.reason in {"malformed", "unsupported_alg"}
    # with a signature part present, the alg is what is refused
    assert verify_manifest(f"{header_b64}.{payload_b64}.AAAA", text=TEXT, keys=keys).reason == (
        "unsupported_alg"
    )


def test_hs256_with_the_public_key_as_secret_rejected(
    key: SigningKey, keys: dict[str, Ed25519PublicKey]
) -> None:
    """The classic algorithm confusion: an HMAC keyed with the (public) verification key."""
    raw_public = key.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    header_b64 = b64url(json.dumps({"alg": "HS256", "kid": key.kid}).encode())
    payload_b64 = b64url(json.dumps(manifest_for(key)).encode())
    mac = hmac.HMAC(raw_public, hashes.SHA256())
    mac.update(f"{header_b64}.{payload_b64}".encode("ascii"))
    jws = f"{header_b64}.{payload_b64}.{b64url(mac.finalize())}"
    result = verify_manifest(jws, text=TEXT, keys=keys)
    assert (result.valid, result.reason, result.manifest) == (False, "unsupported_alg", None)


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "EdDSA", "kid": "K", "typ": "JWT-other"},
        {"alg": "EdDSA", "kid": "K", "crit": ["b64"], "b64": False},
    ],
)
def test_other_token_types_and_critical_extensions_rejected(
    key: SigningKey, keys: dict[str, Ed25519PublicKey], header: dict[str, Any]
) -> None:
    header = {**header, "kid": key.kid}
    result = verify_manifest(sign_raw(header, manifest_for(key), key), text=TEXT, keys=keys)
    assert result.reason == "malformed"


@pytest.mark.parametrize(
    "payload_change",
    [
        {"v": 2},
        {"v": True},
        {"text_sha256": "not-a-digest"},
        {"text_sha256": None},
        {"kid": "someone-else"},
    ],
)
def test_signed_but_unusable_claims(
    key: SigningKey, keys: dict[str, Ed25519PublicKey], payload_change: dict[str, Any]
) -> None:
    payload = {**manifest_for(key), **payload_change}
    jws = sign_raw({"alg": "EdDSA", "kid": key.kid}, payload, key)
    result = verify_manifest(jws, text=TEXT, keys=keys)
    assert (result.valid, result.reason, result.manifest) == (False, "malformed", None)


def test_signed_payload_that_is_not_an_object(
    key: SigningKey, keys: dict[str, Ed25519PublicKey]
) -> None:
    header_b64 = b64url(json.dumps({"alg": "EdDSA", "kid": key.kid}).encode())
    payload_b64 = b64url(b"[1, 2]")
    signing_input = f"{header_b64}.{payload_b64}"
    jws = signing_input + "." + b64url(key.private.sign(signing_input.encode()))
    assert verify_manifest(jws, text=TEXT, keys=keys).reason == "malformed"


def _malformed_inputs(jws: str) -> list[str]:
    h, p, s = jws.split(".")
    dup_header = b64url(b'{"alg":"EdDSA","alg":"none","kid":"x"}')
    nan_header = b64url(b'{"alg":"EdDSA","n":NaN}')
    return [
        "",
        "abc",
        f"{h}.{p}",
        f"{h}.{p}.{s}.{s}",
        f"{h}..{s}",
        f".{p}.{s}",
        f"{h}.{p}.{s}=",  # padding
        f"{h}.{p}.{s[:-1]}+",  # standard alphabet, not base64url
        f"{h} .{p}.{s}",
        f"{h}.{p}.{s[:-1]}{'B' if s[-1] != 'B' else 'C'}",  # stray bits: not canonical base64url
        f"{b64url(b'not json')}.{p}.{s}",
        f"{b64url(b'[]')}.{p}.{s}",
        f"{b64url(bytes([0xFF, 0xFE]))}.{p}.{s}",
        f"{dup_header}.{p}.{s}",
        f"{nan_header}.{p}.{s}",
        f"{h}.{p}.{s}" + "A" * 20_000,
    ]


def test_malformed(key: SigningKey, keys: dict[str, Ed25519PublicKey]) -> None:
    jws = sign_manifest(manifest_for(key), key)
    for bad in _malformed_inputs(jws):
        result = verify_manifest(bad, text=TEXT, keys=keys)
        assert (result.valid, result.reason, result.manifest) == (False, "malformed", None), bad


def test_reasons_are_the_documented_set(key: SigningKey) -> None:
    assert {"malformed", "unsupported_alg", "unknown_key", "bad_signature", "text_mismatch"} == (
        REASONS
    )


# --- keys --------------------------------------------------------------------------------


def test_key_id_is_sha256_of_raw_public_key(key: SigningKey) -> None:
    raw = key.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert key.kid == hashlib.sha256(raw).hexdigest()[:16]
    assert key_id(key.public) == key.kid


def test_generated_dev_key(tmp_path: Path) -> None:
    key_dir = tmp_path / "keys"
    ring = load_keyring(env={}, key_dir=key_dir)
    assert ring.generated
    active_file = key_dir / "active.pem"
    assert stat.S_IMODE(active_file.stat().st_mode) == 0o600
    assert active_file.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert list(ring.public) == [ring.active.kid]
    assert [p.name for p in key_dir.iterdir()] == ["active.pem"]  # no temporary left over

    again = load_keyring(env={}, key_dir=key_dir)
    assert not again.generated
    assert again.active.kid == ring.active.kid


def test_existing_active_key_file(tmp_path: Path, key: SigningKey) -> None:
    (tmp_path / "active.pem").write_bytes(private_pem(key.private))
    (tmp_path / "active.pem").chmod(0o600)
    ring = load_keyring(env={}, key_dir=tmp_path)
    assert (ring.active.kid, ring.generated) == (key.kid, False)


def test_readable_key_file_warns(
    tmp_path: Path, key: SigningKey, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "active.pem").write_bytes(private_pem(key.private))
    (tmp_path / "active.pem").chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="guardproxy.provenance"):
        load_keyring(env={}, key_dir=tmp_path)
    assert "chmod 600" in caplog.text


def test_env_key_as_pem_text(tmp_path: Path, key: SigningKey) -> None:
    ring = load_keyring(env={ENV_VAR: private_pem(key.private).decode()}, key_dir=tmp_path)
    assert (ring.active.kid, ring.generated) == (key.kid, False)
    assert not (tmp_path / "active.pem").exists()


def test_env_key_as_pem_with_escaped_newlines(tmp_path: Path, key: SigningKey) -> None:
    escaped = private_pem(key.private).decode().strip().replace("\n", "\\n")
    ring = load_keyring(env={ENV_VAR: escaped}, key_dir=tmp_path)
    assert ring.active.kid == key.kid


def test_env_key_as_path(tmp_path: Path, key: SigningKey) -> None:
    path = tmp_path / "secret" / "signing.pem"
    path.parent.mkdir()
    path.write_bytes(private_pem(key.private))
    path.chmod(0o600)
    ring = load_keyring(env={ENV_VAR: f" {path}\n"}, key_dir=tmp_path / "keys")
    assert (ring.active.kid, ring.generated) == (key.kid, False)


def test_env_key_wins_over_key_dir(tmp_path: Path, key: SigningKey) -> None:
    load_keyring(env={}, key_dir=tmp_path)  # leaves a dev key in active.pem
    ring = load_keyring(env={ENV_VAR: private_pem(key.private).decode()}, key_dir=tmp_path)
    assert ring.active.kid == key.kid
    assert list(ring.public) == [key.kid]


def _rsa_pem() -> str:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return rsa_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _encrypted_pem(key: SigningKey) -> str:
    return key.private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"passphrase"),
    ).decode()


def _public_only_pem(key: SigningKey) -> str:
    return public_pem(key.public).decode()


def _corrupt_pem(key: SigningKey) -> str:
    lines = private_pem(key.private).decode().splitlines()
    lines[1] = lines[1][:10] + "!!!!" + lines[1][14:]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("make_value", "expected"),
    [
        (lambda k: "", "is empty"),
        (lambda k: "   \n", "is empty"),
        (lambda k: "MC4CAQAwBQYDK2VwBCIEIHJx2X9bIn0tSecretLooking0base64Key", "neither a PEM"),
        (lambda k: "/nonexistent/guardproxy/secret-key.pem", "neither a PEM"),
        (lambda k: _rsa_pem(), "is a RSA key"),
        (_encrypted_pem, "encrypted"),
        (_public_only_pem, "not a PKCS#8 private key"),
        (_corrupt_pem, "not a readable PEM private key"),
        (lambda k: private_pem(k.private).decode() * 2, "2 PEM blocks"),
    ],
)
def test_bad_env_value(tmp_path: Path, key: SigningKey, make_value: Any, expected: str) -> None:
    value: str = make_value(key)
    with pytest.raises(ConfigError) as excinfo:
        load_keyring(env={ENV_VAR: value}, key_dir=tmp_path)
    message = str(excinfo.value)
    assert ENV_VAR in message
    assert expected in message
    assert "openssl" in message or "unset" in message  # says what to do
    for line in value.splitlines():
        if len(line.strip()) > 8 and not line.startswith("-----"):
            assert line.strip() not in message
    assert excinfo.value.__cause__ is None
    assert not (tmp_path / "active.pem").exists()


def test_bad_key_file_names_the_file(tmp_path: Path) -> None:
    secret_line = "NotAKeyButCouldBeSecret0123456789"
    (tmp_path / "active.pem").write_text(secret_line + "\n")
    with pytest.raises(ConfigError) as excinfo:
        load_keyring(env={}, key_dir=tmp_path)
    assert str(tmp_path / "active.pem") in str(excinfo.value)
    assert secret_line not in str(excinfo.value)


def test_unwritable_key_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ConfigError) as excinfo:
        load_keyring(env={}, key_dir=blocker / "keys")
    message = str(excinfo.value)
    assert str(blocker / "keys" / "active.pem") in message
    assert ENV_VAR in message


def test_key_file_that_cannot_be_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from guardproxy import provenance

    def read_only_filesystem(path: Path, data: bytes) -> bool:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(provenance, "_publish_new_file", read_only_filesystem)
    with pytest.raises(ConfigError, match=f"cannot be created \\(Permission denied\\).*{ENV_VAR}"):
        load_keyring(env={}, key_dir=tmp_path)


def test_concurrent_generation_keeps_the_first_key(
    tmp_path: Path, key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another worker wins the race: the file appears just before ours would be linked.
    from guardproxy import provenance

    original = provenance._publish_new_file

    def other_worker_first(path: Path, data: bytes) -> bool:
        path.write_bytes(private_pem(key.private))
        return original(path, data)

    monkeypatch.setattr(provenance, "_publish_new_file", other_worker_first)
    ring = load_keyring(env={}, key_dir=tmp_path)
    assert (ring.active.kid, ring.generated) == (key.kid, False)


def test_rotation_keeps_old_manifests_verifiable(tmp_path: Path) -> None:
    old_ring = load_keyring(env={}, key_dir=tmp_path)
    old_jws = sign_manifest(manifest_for(old_ring.active), old_ring.active)

    # rotate: the old key goes to retired/ (as its public half), a new active key is made
    (tmp_path / "retired").mkdir()
    old_private = serialization.load_pem_private_key(
        (tmp_path / "active.pem").read_bytes(), password=None
    )
    assert isinstance(old_private, Ed25519PrivateKey)
    (tmp_path / "retired" / "2025-03.pem").write_bytes(public_pem(old_private.public_key()))
    (tmp_path / "active.pem").unlink()
    new_ring = load_keyring(env={}, key_dir=tmp_path)

    assert new_ring.generated
    assert new_ring.active.kid != old_ring.active.kid
    assert list(new_ring.public) == [new_ring.active.kid, old_ring.active.kid]
    assert verify_manifest(old_jws, text=TEXT, keys=new_ring.public).valid
    new_jws = sign_manifest(manifest_for(new_ring.active), new_ring.active)
    assert verify_manifest(new_jws, text=TEXT, keys=new_ring.public).valid
    # and a verifier holding only the published JWKS checks both
    published = public_keys_from_jwks(json.loads(json.dumps(jwks(new_ring))))
    assert verify_manifest(old_jws, text=TEXT, keys=published).valid
    assert verify_manifest(new_jws, text=TEXT, keys=published).valid


def test_retired_private_keys_and_other_files(tmp_path: Path, key: SigningKey) -> None:
    retired = tmp_path / "retired"
    retired.mkdir()
    (retired / "old.pem").write_bytes(private_pem(key.private))
    (retired / "README.txt").write_text("not a key")
    shutil.copy(retired / "old.pem", retired / "same-again.pem")
    ring = load_keyring(env={}, key_dir=tmp_path)
    assert list(ring.public) == [ring.active.kid, key.kid]


def test_retired_non_ed25519_key_is_an_error(tmp_path: Path) -> None:
    retired = tmp_path / "retired"
    retired.mkdir()
    ec_key = ec.generate_private_key(ec.SECP256R1()).public_key()
    (retired / "p256.pem").write_bytes(
        ec_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    with pytest.raises(ConfigError, match=r"p256\.pem holds a EC key"):
        load_keyring(env={}, key_dir=tmp_path)


def test_keyring_public_keys_are_read_only(tmp_path: Path) -> None:
    ring = load_keyring(env={}, key_dir=tmp_path)
    with pytest.raises(TypeError):
        ring.public["x"] = ring.active.public  # type: ignore[index]


def test_signing_key_repr_has_no_key_material(key: SigningKey) -> None:
    assert repr(key) == f"SigningKey(kid='{key.kid}')"


# --- JWKS --------------------------------------------------------------------------------


def test_jwks_shape(tmp_path: Path) -> None:
    ring = load_keyring(env={}, key_dir=tmp_path)
    raw = ring.active.public.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    assert jwks(ring) == {
        "keys": [
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "x": b64url(raw),
                "kid": ring.active.kid,
                "alg": "EdDSA",
                "use": "sig",
            }
        ]
    }


def test_jwks_round_trip(tmp_path: Path) -> None:
    ring = load_keyring(env={}, key_dir=tmp_path)
    keys = public_keys_from_jwks(json.loads(json.dumps(jwks(ring))))
    assert list(keys) == [ring.active.kid]
    jws = sign_manifest(manifest_for(ring.active), ring.active)
    assert verify_manifest(jws, text=TEXT, keys=keys).valid


def test_jwks_skips_other_keys_and_derives_missing_kid(key: SigningKey) -> None:
    raw = key.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    doc = {
        "keys": [
            {"kty": "RSA", "n": "AQAB", "e": "AQAB", "kid": "rsa-1"},
            {"kty": "OKP", "crv": "X25519", "x": b64url(raw), "kid": "ecdh"},
            {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw), "use": "enc", "kid": "enc"},
            {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)},
        ]
    }
    assert list(public_keys_from_jwks(doc)) == [key.kid]
    # a single JWK works too
    assert list(public_keys_from_jwks({"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)})) == [
        key.kid
    ]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({}, '"keys" list'),
        ({"keys": {}}, '"keys" list'),
        ({"keys": []}, "no Ed25519 signing key"),
        ({"keys": ["x"]}, r"keys\[0\] is not a JSON object"),
        ({"keys": [{"kty": "OKP", "crv": "Ed25519"}]}, '"x" must be'),
        ({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}]}, '"x" must be'),
        ({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "A" * 43 + "="}]}, '"x" must be'),
        ({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "A" * 43, "kid": 5}]}, '"kid" must'),
    ],
)
def test_bad_jwks(doc: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        public_keys_from_jwks(doc)


def test_jwks_duplicate_kid_for_different_keys() -> None:
    a, b = (Ed25519PrivateKey.generate().public_key() for _ in range(2))
    entries = [
        {
            "kty": "OKP",
            "crv": "Ed25519",
            "kid": "same",
            "x": b64url(k.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)),
        }
        for k in (a, b)
    ]
    with pytest.raises(ConfigError, match="two different keys"):
        public_keys_from_jwks({"keys": entries})


# --- verify_files ------------------------------------------------------------------------


@pytest.fixture
def signed_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Text, manifest and key directory as a user would have them after an SDK call."""
    key_dir = tmp_path / "keys"
    ring = load_keyring(env={}, key_dir=key_dir)
    text_file = tmp_path / "answer.txt"
    text_file.write_bytes(TEXT.encode("utf-8"))
    manifest_file = tmp_path / "answer.jws"
    manifest_file.write_text(sign_manifest(manifest_for(ring.active), ring.active) + "\n")
    (tmp_path / "jwks.json").write_text(json.dumps(jwks(ring), indent=2))
    (tmp_path / "public.pem").write_bytes(public_pem(ring.active.public))
    return text_file, manifest_file, tmp_path


@pytest.mark.parametrize("keys_name", ["jwks.json", "public.pem"])
def test_verify_files(signed_files: tuple[Path, Path, Path], keys_name: str) -> None:
    text_file, manifest_file, directory = signed_files
    result = verify_files(text_file, manifest_file, directory / keys_name)
    assert result.valid, result
    assert result.manifest is not None
    assert result.manifest["policy"] == "default@3"


@pytest.mark.parametrize("keys_name", ["jwks.json", "public.pem"])
def test_verify_files_altered_text(signed_files: tuple[Path, Path, Path], keys_name: str) -> None:
    text_file, manifest_file, directory = signed_files
    text_file.write_bytes(TEXT.replace("Paris", "Rome").encode("utf-8"))
    assert verify_files(text_file, manifest_file, directory / keys_name).reason == "text_mismatch"


def test_verify_files_hashes_bytes_as_they_are(signed_files: tuple[Path, Path, Path]) -> None:
    # No newline translation: CRLF is a different text from LF.
    text_file, manifest_file, directory = signed_files
    text_file.write_bytes(TEXT.replace("\n", "\r\n").encode("utf-8"))
    result = verify_files(text_file, manifest_file, directory / "jwks.json")
    assert result.reason == "text_mismatch"


def test_verify_files_with_another_key(
    signed_files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    text_file, manifest_file, _ = signed_files
    other = tmp_path / "other.pem"
    other.write_bytes(public_pem(Ed25519PrivateKey.generate().public_key()))
    assert verify_files(text_file, manifest_file, other).reason == "unknown_key"


def test_verify_files_non_ascii_manifest(signed_files: tuple[Path, Path, Path]) -> None:
    text_file, manifest_file, directory = signed_files
    manifest_file.write_text("é.é.é", encoding="utf-8")
    assert verify_files(text_file, manifest_file, directory / "jwks.json").reason == "malformed"


def test_verify_files_problems_name_the_file(
    signed_files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    text_file, manifest_file, directory = signed_files
    missing = tmp_path / "missing.json"
    with pytest.raises(ConfigError, match=r"missing\.json cannot be read"):
        verify_files(text_file, manifest_file, missing)
    with pytest.raises(ConfigError, match=r"manifest file .*missing\.json cannot be read"):
        verify_files(text_file, missing, directory / "jwks.json")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("café".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"latin1\.txt is not UTF-8"):
        verify_files(latin1, manifest_file, directory / "jwks.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(ConfigError, match=r"broken\.json is not valid JSON"):
        load_public_keys(broken)
    empty_jwks = tmp_path / "empty.json"
    empty_jwks.write_text('{"keys": []}')
    with pytest.raises(ConfigError, match=r"empty\.json: the JWKS holds no Ed25519"):
        load_public_keys(empty_jwks)
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("hello")
    with pytest.raises(ConfigError, match=r"garbage\.pem holds no PEM block"):
        load_public_keys(garbage)
