"""Provenance for recorded decisions: sign a manifest from an audit record, find a record by text.

Manifests are rebuilt from the audit record whenever asked for: Ed25519 signatures are
deterministic, so the same record and key always give the same JWS, and nothing extra
needs storing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from guardproxy.audit.record import normalise_text, text_sha256
from guardproxy.provenance import SigningKey, build_manifest, sign_manifest


def unit_for(record: Mapping[str, Any], choice: str | None) -> Mapping[str, Any] | None:
    """The choice (OpenAI) or text block (Anthropic) a manifest covers; the first by default."""
    units = record.get("choices") or []
    if not units:
        return None
    if choice is None:
        return units[0]  # type: ignore[no-any-return]
    for unit in units:
        if unit.get("key") == choice:
            return unit  # type: ignore[no-any-return]
    return None


def manifest_for(
    record: Mapping[str, Any], key: SigningKey, choice: str | None = None
) -> str | None:
    """The signed manifest of one delivered text of a recorded decision, or None if it has none."""
    unit = unit_for(record, choice)
    if unit is None:
        return None
    manifest = build_manifest(
        decision_id=str(record["id"]),
        model=record.get("model"),
        upstream=str(record.get("upstream") or ""),
        policy=str(record["policy"]),
        text_sha256=str(unit["delivered_sha256"]),
        kid=key.kid,
        issued_at=dt.datetime.fromisoformat(str(record["time"])),
    )
    manifest["choice"] = unit.get("key")
    return sign_manifest(manifest, key)


class TextIndex:
    """Recent delivered texts by sha256 (exact and normalised) -> decision id, bounded."""

    def __init__(self, size: int = 100_000) -> None:
        self.size = size
        self._ids: OrderedDict[str, str] = OrderedDict()

    def remember(self, record: Mapping[str, Any]) -> None:
        for unit in record.get("choices") or []:
            for field in ("delivered_sha256", "delivered_norm_sha256"):
                digest = unit.get(field)
                if isinstance(digest, str):
                    self._ids[f"{field[:-7]}:{digest}"] = str(record["id"])
                    self._ids.move_to_end(f"{field[:-7]}:{digest}")
        while len(self._ids) > self.size:
            self._ids.popitem(last=False)

    def lookup(self, text: str) -> tuple[str, str] | None:
        """(decision id, "exact" | "normalised") for a text, if recently delivered."""
        exact = self._ids.get(f"delivered:{text_sha256(text)}")
        if exact is not None:
            return exact, "exact"
        norm = self._ids.get(f"delivered_norm:{text_sha256(normalise_text(text))}")
        if norm is not None:
            return norm, "normalised"
        return None


def scan_for_text(directory: Path, text: str) -> tuple[str, str] | None:
    """Search every audit file for a delivered text (blocking: run it in a thread)."""
    exact = text_sha256(text)
    norm = text_sha256(normalise_text(text))
    found: tuple[str, str] | None = None
    for path in sorted(directory.glob("audit-*.jsonl")):
        with path.open("rb") as fh:
            for line in fh:
                if exact.encode() not in line and norm.encode() not in line:
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                for unit in record.get("choices") or []:
                    if unit.get("delivered_sha256") == exact:
                        return str(record["id"]), "exact"
                    if unit.get("delivered_norm_sha256") == norm and found is None:
                        found = (str(record["id"]), "normalised")
    return found
