"""Signed provenance manifests: Ed25519 compact JWS over what was answered, and its keys.

A manifest states which model and upstream produced an answer, under which policy, and
the sha256 of the text that was delivered. It is signed as a standard compact JWS with
``alg: EdDSA`` (RFC 7515, RFC 8037), so anyone holding the public keys (served as a
JWKS) can check a text against it with any JWS library, online or offline.
``docs/provenance.md`` describes the format in language-neutral terms.

Key loading does blocking file I/O: call :func:`load_keyring` before the event loop
starts or through a thread. Signing and verifying are pure and fast (tens of
microseconds).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import hashlib
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

try:
    import orjson
except ImportError:  # pragma: no cover - exercised when the 'fast' extra is absent
    orjson = None  # type: ignore[assignment]

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from guardproxy.audit.record import canonical_json, text_sha256
from guardproxy.durable import publish_new_file as _publish_new_file
from guardproxy.durable import warn_if_readable_by_others
from guardproxy.errors import ConfigError

log = logging.getLogger(__name__)

ENV_VAR: Final = "GUARDPROXY_PROVENANCE_KEY"
ACTIVE_KEY_FILE: Final = "active.pem"
RETIRED_DIR: Final = "retired"

ALG: Final = "EdDSA"
TYP: Final = "gp-provenance+jws"
MANIFEST_VERSION: Final = 1
MANIFEST_ID_PREFIX: Final = "prov_"
MAX_JWS_CHARS: Final = 16_384
"""Longer input is rejected as malformed before any decoding (a manifest is ~600 chars)."""

REASONS: Final = frozenset(
    {"malformed", "unsupported_alg", "unknown_key", "bad_signature", "text_mismatch"}
)
"""Every ``VerifyResult.reason`` other than ``None``; stable strings clients switch on."""

_HOW_TO_MAKE_ONE = "openssl genpkey -algorithm ed25519 -out active.pem"
_B64URL_RE = re.compile(r"[A-Za-z0-9_-]*")
_HEX64_RE = re.compile(r"[0-9a-f]{64}")
_PEM_BLOCK_RE = re.compile(
    rb"-----BEGIN (?P<label>[A-Z0-9 ]+)-----\r?\n.*?-----END (?P=label)-----", re.DOTALL
)


# --- keys -------------------------------------------------------------------------------


def key_id(public: Ed25519PublicKey) -> str:
    """First 16 hex digits of sha256 of the raw 32-byte public key: stable across restarts."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class SigningKey:
    """The private key that signs new manifests, with its key id."""

    kid: str
    private: Ed25519PrivateKey = field(repr=False)

    @classmethod
    def from_private(cls, private: Ed25519PrivateKey) -> SigningKey:
        return cls(kid=key_id(private.public_key()), private=private)

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()


@dataclass(frozen=True)
class KeyRing:
    """The active signing key and every public key a manifest may be verified with."""

    active: SigningKey
    """Signs new manifests."""
    public: Mapping[str, Ed25519PublicKey]
    """kid -> key: the active key first, then retired ones (old manifests stay verifiable)."""
    generated: bool
    """True when a development key was generated just now; the server warns about it."""


def load_keyring(*, env: Mapping[str, str], key_dir: Path) -> KeyRing:
    """The provenance keys.

    The signing key is ``GUARDPROXY_PROVENANCE_KEY`` (a PEM PKCS#8 Ed25519 private key, or
    the path of a file holding one), else ``key_dir/active.pem``, else a new development
    key written to ``key_dir/active.pem`` with mode 0600. Every ``key_dir/retired/*.pem``
    (public or private PEM) adds a verify-only public key. Errors name the source and
    what to do, and never contain key material.
    """
    generated = False
    if ENV_VAR in env:
        active = _signing_key_from_env(env[ENV_VAR])
    else:
        active_file = key_dir / ACTIVE_KEY_FILE
        try:
            data = active_file.read_bytes()
        except FileNotFoundError:
            active, generated = _create_dev_key(active_file)
        except OSError as exc:
            raise ConfigError(
                f"provenance key file {active_file} cannot be read "
                f"({exc.strerror or type(exc).__name__}): fix its permissions, or set {ENV_VAR}"
            ) from None
        else:
            warn_if_readable_by_others(active_file, "provenance key file")
            active = _signing_key_from_pem(data, source=f"provenance key file {active_file}")
    public: dict[str, Ed25519PublicKey] = {active.kid: active.public}
    public.update(_load_retired(key_dir / RETIRED_DIR))
    return KeyRing(active=active, public=MappingProxyType(public), generated=generated)


def _signing_key_from_env(value: str) -> SigningKey:
    # The value may be a secret: messages describe it, never quote it.
    source = f"environment variable {ENV_VAR}"
    text = value.strip()
    if not text:
        raise ConfigError(
            f"{source} is empty: set it to a PEM Ed25519 private key or the path of a file "
            f"holding one (create one with `{_HOW_TO_MAKE_ONE}`), or unset it"
        )
    if "-----BEGIN" in text:
        if "\n" not in text and "\\n" in text:
            # .env files and CI secrets often carry a PEM with its newlines escaped.
            text = text.replace("\\n", "\n")
        return _signing_key_from_pem(text.encode("utf-8", "replace"), source=source)
    path = Path(text).expanduser()
    if not path.is_file():
        raise ConfigError(
            f"{source} is neither a PEM private key (-----BEGIN PRIVATE KEY-----) nor the "
            f"path of an existing file: set it to one of those (create a key with "
            f"`{_HOW_TO_MAKE_ONE}`), or unset it to use the key directory"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"provenance key file {path} (from {source}) cannot be read "
            f"({exc.strerror or type(exc).__name__}): fix its permissions"
        ) from None
    warn_if_readable_by_others(path, "provenance key file")
    return _signing_key_from_pem(data, source=f"provenance key file {path} (from {source})")


def _signing_key_from_pem(data: bytes, *, source: str) -> SigningKey:
    blocks = _pem_blocks(data)
    if len(blocks) != 1:
        found = "no PEM block" if not blocks else f"{len(blocks)} PEM blocks"
        raise ConfigError(
            f"{source} holds {found}: it must hold exactly one PEM PKCS#8 Ed25519 private "
            f"key (-----BEGIN PRIVATE KEY-----), for example from `{_HOW_TO_MAKE_ONE}`"
        )
    label, block = blocks[0]
    if label == "ENCRYPTED PRIVATE KEY":
        raise ConfigError(
            f"{source} is an encrypted private key: provide it unencrypted (protect it "
            f"with file permissions or a secret store), for example "
            f"`openssl pkey -in KEY -out active.pem`"
        )
    if label != "PRIVATE KEY":
        raise ConfigError(
            f"{source} is a PEM '{label}', not a PKCS#8 private key "
            f"(-----BEGIN PRIVATE KEY-----): use an Ed25519 key from `{_HOW_TO_MAKE_ONE}`"
        )
    try:
        private = serialization.load_pem_private_key(block, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise ConfigError(
            f"{source} is not a readable PEM private key: replace it with an Ed25519 key "
            f"from `{_HOW_TO_MAKE_ONE}`"
        ) from None
    if not isinstance(private, Ed25519PrivateKey):
        raise ConfigError(
            f"{source} is a {_key_kind(private)} key; provenance manifests are signed with "
            f"Ed25519: use a key from `{_HOW_TO_MAKE_ONE}`"
        )
    return SigningKey.from_private(private)


def _public_keys_from_pem(data: bytes, *, source: str) -> list[Ed25519PublicKey]:
    """Every key in a PEM file, public or private, as Ed25519 public keys."""
    blocks = _pem_blocks(data)
    if not blocks:
        raise ConfigError(
            f"{source} holds no PEM block: it must hold Ed25519 public keys "
            f"(-----BEGIN PUBLIC KEY-----) or private keys"
        )
    keys = []
    for label, block in blocks:
        loaded: object
        try:
            if label == "PUBLIC KEY":
                loaded = serialization.load_pem_public_key(block)
            elif label == "PRIVATE KEY":
                loaded = serialization.load_pem_private_key(block, password=None).public_key()
            else:
                raise ConfigError(
                    f"{source} holds a PEM '{label}': only PUBLIC KEY and (unencrypted) "
                    f"PRIVATE KEY blocks can be used; export the public key with "
                    f"`openssl pkey -in KEY -pubout`"
                )
        except (ValueError, TypeError, UnsupportedAlgorithm):
            raise ConfigError(
                f"{source} holds a {label} block that cannot be read: replace it with the "
                f"output of `openssl pkey -in KEY -pubout`"
            ) from None
        if not isinstance(loaded, Ed25519PublicKey):
            raise ConfigError(
                f"{source} holds a {_key_kind(loaded)} key; provenance manifests use Ed25519 "
                f"keys only: remove it"
            )
        keys.append(loaded)
    return keys


def _pem_blocks(data: bytes) -> list[tuple[str, bytes]]:
    return [
        (m.group("label").decode("ascii"), m.group(0) + b"\n") for m in _PEM_BLOCK_RE.finditer(data)
    ]


def _key_kind(key: object) -> str:
    # "RSAPrivateKey" -> "RSA"; names the algorithm without touching the key's contents.
    name = type(key).__name__
    for suffix in ("PrivateKey", "PublicKey"):
        name = name.removesuffix(suffix)
    return name.lstrip("_") or "non-Ed25519"


def _load_retired(retired_dir: Path) -> dict[str, Ed25519PublicKey]:
    try:
        files = sorted(p for p in retired_dir.iterdir() if p.suffix == ".pem" and p.is_file())
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(
            f"retired provenance key directory {retired_dir} cannot be listed "
            f"({exc.strerror or type(exc).__name__}): fix its permissions"
        ) from None
    keys: dict[str, Ed25519PublicKey] = {}
    for path in files:
        source = f"retired provenance key file {path}"
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ConfigError(
                f"{source} cannot be read ({exc.strerror or type(exc).__name__}): fix its "
                f"permissions or remove it"
            ) from None
        for key in _public_keys_from_pem(data, source=source):
            keys.setdefault(key_id(key), key)
    return keys


def _create_dev_key(path: Path) -> tuple[SigningKey, bool]:
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        published = _publish_new_file(path, pem)
    except OSError as exc:
        raise ConfigError(
            f"provenance key file {path} does not exist and cannot be created "
            f"({exc.strerror or type(exc).__name__}): make its directory writable, or set "
            f"{ENV_VAR}"
        ) from None
    if not published:
        # Another worker created the file first; every worker must sign with that key.
        data = path.read_bytes()
        return _signing_key_from_pem(data, source=f"provenance key file {path}"), False
    return SigningKey.from_private(private), True


# --- JWKS -------------------------------------------------------------------------------


def jwks(ring: KeyRing) -> dict[str, Any]:
    """The public keys as a JWK Set (RFC 7517, OKP keys per RFC 8037), active key first."""
    return {"keys": [_jwk(kid, key) for kid, key in ring.public.items()]}


def _jwk(kid: str, key: Ed25519PublicKey) -> dict[str, str]:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw), "kid": kid, "alg": ALG, "use": "sig"}


def public_keys_from_jwks(doc: Mapping[str, Any]) -> dict[str, Ed25519PublicKey]:
    """kid -> key for every Ed25519 signing key of a JWK Set (or of a single JWK).

    Keys of other types, curves or uses are skipped, so a mixed set works. A key without
    ``kid`` gets the id guardproxy would give it. Raises ConfigError when an Ed25519 entry
    is broken, two entries share a kid, or no Ed25519 key is left.
    """
    entries: Any = [doc] if "kty" in doc else doc.get("keys")
    if not isinstance(entries, list):
        raise ConfigError('the JWKS has no "keys" list: expected {"keys": [{"kty": "OKP", ...}]}')
    keys: dict[str, Ed25519PublicKey] = {}
    for index, entry in enumerate(entries):
        where = f"JWKS keys[{index}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{where} is not a JSON object")
        if entry.get("kty") != "OKP" or entry.get("crv") != "Ed25519":
            continue
        if entry.get("use", "sig") != "sig" or entry.get("alg", ALG) != ALG:
            continue
        x = entry.get("x")
        raw = _b64url_decode(x) if isinstance(x, str) else None
        if raw is None or len(raw) != 32:
            raise ConfigError(
                f'{where}: "x" must be the 32-byte Ed25519 public key in unpadded base64url'
            )
        key = Ed25519PublicKey.from_public_bytes(raw)
        kid = entry.get("kid", key_id(key))
        if not isinstance(kid, str) or not kid:
            raise ConfigError(f'{where}: "kid" must be a non-empty string')
        if kid in keys and _raw(keys[kid]) != raw:
            raise ConfigError(f'{where}: kid "{kid}" is used by two different keys')
        keys[kid] = key
    if not keys:
        raise ConfigError(
            "the JWKS holds no Ed25519 signing key (kty OKP, crv Ed25519): use the document "
            "served at /guard/provenance/keys"
        )
    return keys


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


# --- manifests --------------------------------------------------------------------------


def build_manifest(
    *,
    decision_id: str,
    model: str | None,
    upstream: str,
    policy: str,
    text_sha256: str,
    kid: str,
    issuer: str = "guardproxy",
    issued_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """The manifest claims for one delivered text.

    ``policy`` is ``name@version``; ``text_sha256`` is the lowercase hex sha256 of the
    delivered text's UTF-8 bytes (the audit record's ``delivered_sha256``). The manifest
    id is ``prov_`` + the decision id, so the same decision always gives the same id.
    ``issued_at`` must be timezone-aware (default: now).
    """
    if not decision_id:
        raise ValueError("decision_id must not be empty")
    if not _HEX64_RE.fullmatch(text_sha256):
        raise ValueError("text_sha256 must be 64 lowercase hex digits")
    if issued_at is None:
        issued_at = dt.datetime.now(dt.UTC)
    elif issued_at.tzinfo is None or issued_at.utcoffset() is None:
        raise ValueError("issued_at must be timezone-aware")
    issued_at = issued_at.astimezone(dt.UTC)
    return {
        "v": MANIFEST_VERSION,
        "id": MANIFEST_ID_PREFIX + decision_id,
        "iss": issuer,
        "iat": int(issued_at.timestamp()),
        "time": issued_at.isoformat(timespec="milliseconds"),
        "decision_id": decision_id,
        "model": model,
        "upstream": upstream,
        "policy": policy,
        "text_sha256": text_sha256,
        "kid": kid,
    }


def sign_manifest(manifest: Mapping[str, Any], key: SigningKey) -> str:
    """The manifest as a compact JWS: ``header.payload.signature``, unpadded base64url.

    The header is ``{"alg":"EdDSA","kid":...,"typ":"gp-provenance+jws"}``; header and
    payload are canonical JSON (sorted keys, no whitespace, UTF-8).
    """
    if manifest.get("kid") != key.kid:
        raise ValueError("the manifest's kid is not the signing key's kid")
    signing_input = f"{_jws_header(key.kid)}.{_b64url(_canonical_claims(manifest))}"
    signature = key.private.sign(signing_input.encode("ascii"))
    return signing_input + "." + _b64url(signature)


@functools.lru_cache(maxsize=16)
def _jws_header(kid: str) -> str:
    """The encoded protected header: the same for every manifest a key signs."""
    return _b64url(canonical_json({"alg": ALG, "kid": kid, "typ": TYP}))


_SCALARS = (str, int, type(None))  # bool is an int; floats are left to canonical_json


def _canonical_claims(manifest: Mapping[str, Any]) -> bytes:
    """canonical_json(manifest), by orjson for the usual flat manifest of strings and ints.

    For ASCII keys and string, integer and null values orjson's sorted compact output is
    byte for byte canonical_json's (UTF-8 unescaped, the same escapes); anything else,
    or a value orjson refuses (an integer beyond 64 bits), takes the general path.
    """
    if (
        orjson is not None
        and type(manifest) is dict
        and all(type(k) is str and k.isascii() for k in manifest)
        and all(isinstance(v, _SCALARS) for v in manifest.values())
    ):
        try:
            return orjson.dumps(manifest, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            pass
    return canonical_json(manifest)


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of checking a manifest (and optionally a text against it).

    ``manifest`` is set only when the signature is valid (also for ``text_mismatch``, so
    the caller can say which decision the manifest belongs to); never unverified claims.
    ``kid`` is the header's key id whenever the header could be read.
    """

    valid: bool
    reason: str | None
    """None when valid, else one of :data:`REASONS`."""
    manifest: dict[str, Any] | None
    kid: str | None


def verify_manifest(
    jws: str, *, text: str | None, keys: Mapping[str, Ed25519PublicKey]
) -> VerifyResult:
    """Check a compact JWS manifest and, when ``text`` is given, that it covers the text.

    Order: structure (``malformed``), ``alg`` must be EdDSA (``unsupported_alg``), ``kid``
    among ``keys`` (``unknown_key``), signature (``bad_signature``), claims
    (``malformed``), then sha256 of ``text`` as UTF-8 equals ``text_sha256``
    (``text_mismatch``).
    """
    parts = _split_jws(jws)
    if parts is None:
        return _fail("malformed")
    header_b64, payload_b64, signature_b64 = parts
    header = _json_object(_b64url_decode(header_b64))
    payload_bytes = _b64url_decode(payload_b64)
    signature = _b64url_decode(signature_b64)
    if header is None or payload_bytes is None or signature is None:
        return _fail("malformed")
    kid = header.get("kid")
    if not isinstance(kid, str):
        kid = None
    if "crit" in header or header.get("typ", TYP) != TYP:
        # Unknown critical extensions must be rejected (RFC 7515 4.1.11); another typ is
        # some other kind of token that must not pass as a manifest.
        return _fail("malformed", kid=kid)
    if header.get("alg") != ALG:
        return _fail("unsupported_alg", kid=kid)
    if kid is None:
        return _fail("unknown_key")
    public = keys.get(kid)
    if public is None:
        return _fail("unknown_key", kid=kid)
    try:
        public.verify(signature, f"{header_b64}.{payload_b64}".encode("ascii"))
    except InvalidSignature:
        return _fail("bad_signature", kid=kid)
    manifest = _json_object(payload_bytes)
    if manifest is None or not _claims_ok(manifest, kid):
        return _fail("malformed", kid=kid)
    if text is not None:
        try:
            digest = text_sha256(text)
        except UnicodeEncodeError:
            # Lone surrogates: no UTF-8 text, so no delivered answer, can have this hash.
            return VerifyResult(valid=False, reason="text_mismatch", manifest=manifest, kid=kid)
        if digest != manifest["text_sha256"]:
            return VerifyResult(valid=False, reason="text_mismatch", manifest=manifest, kid=kid)
    return VerifyResult(valid=True, reason=None, manifest=manifest, kid=kid)


def _fail(reason: str, *, kid: str | None = None) -> VerifyResult:
    return VerifyResult(valid=False, reason=reason, manifest=None, kid=kid)


def _split_jws(jws: str) -> tuple[str, str, str] | None:
    if not isinstance(jws, str) or len(jws) > MAX_JWS_CHARS:
        return None
    parts = jws.split(".")
    if len(parts) != 3 or not all(parts):
        return None
    return parts[0], parts[1], parts[2]


def _claims_ok(manifest: Mapping[str, Any], kid: str) -> bool:
    digest = manifest.get("text_sha256")
    return (
        manifest.get("v") == MANIFEST_VERSION
        and type(manifest.get("v")) is int
        and isinstance(digest, str)
        and _HEX64_RE.fullmatch(digest) is not None
        and manifest.get("kid") == kid
    )


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes | None:
    """Strict unpadded base64url: other alphabets, padding and stray bits give None."""
    if not _B64URL_RE.fullmatch(text) or len(text) % 4 == 1:
        return None
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    # One encoding per value: re-encoding must give the same text.
    return data if _b64url(data) == text else None


def _json_object(data: bytes | None) -> dict[str, Any] | None:
    """A JSON object, or None; duplicate keys count as broken (parsers disagree on them)."""
    if data is None:
        return None
    try:
        value = json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
        )
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# --- offline verification ---------------------------------------------------------------


def verify_files(text_path: Path, manifest_path: Path, keys_path: Path) -> VerifyResult:
    """Verify a text file against a manifest file with a JWKS or PEM keys file.

    The text file's bytes are hashed as they are (no newline translation): they must be
    exactly the delivered text in UTF-8. Whitespace around the manifest is ignored. The
    keys file is a JWKS (as served at ``/guard/provenance/keys``) or PEM public keys.
    Unreadable or unusable files raise ConfigError naming the file.
    """
    raw_text = _read(text_path, "text file")
    try:
        text = raw_text.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(
            f"text file {text_path} is not UTF-8: manifests cover the UTF-8 bytes of the "
            f"delivered text, so save it as UTF-8"
        ) from None
    try:
        jws = _read(manifest_path, "manifest file").decode("ascii").strip()
    except UnicodeDecodeError:
        return _fail("malformed")
    return verify_manifest(jws, text=text, keys=load_public_keys(keys_path))


def load_public_keys(path: Path) -> dict[str, Ed25519PublicKey]:
    """kid -> key from a JWKS JSON file or a PEM file of public (or private) keys."""
    data = _read(path, "keys file")
    if data.lstrip().startswith(b"{"):
        try:
            doc = json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError):
            raise ConfigError(f"keys file {path} is not valid JSON") from None
        if not isinstance(doc, dict):
            raise ConfigError(f"keys file {path} is not a JSON object (a JWKS)")
        try:
            return public_keys_from_jwks(doc)
        except ConfigError as exc:
            raise ConfigError(f"keys file {path}: {exc}") from None
    keys = _public_keys_from_pem(data, source=f"keys file {path}")
    return {key_id(key): key for key in keys}


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"{what} {path} cannot be read ({exc.strerror or type(exc).__name__})"
        ) from None
