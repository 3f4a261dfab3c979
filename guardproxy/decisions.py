"""Build audit records from verdicts: categories, spans, scores and keyed hashes, no raw text."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from guardproxy.audit.record import keyed_digest, normalise_text, text_sha256
from guardproxy.checks.base import Action
from guardproxy.pipeline import Verdict


def new_decision_id() -> str:
    """Time-ordered and unique: 12 hex digits of milliseconds, then 20 random hex digits."""
    return f"{time.time_ns() // 1_000_000:012x}{os.urandom(10).hex()}"


def _unit(key: str, original: str, verdict: Verdict, hmac_key: bytes) -> dict[str, Any]:
    findings = []
    for item in verdict.findings:
        f = item.finding
        entry: dict[str, Any] = {
            "check": f.check,
            "category": f.category,
            "start": f.start,
            "end": f.end,
            "score": round(f.score, 4),
            "action": item.action.label,
            "enforced": item.enforced,
        }
        if f.detector is not None:
            entry["detector"] = f.detector
        if f.start is not None and f.end is not None and 0 <= f.start < f.end <= len(original):
            entry["value_hmac"] = keyed_digest(hmac_key, original[f.start : f.end])
        findings.append(entry)
    upstream_sha256 = text_sha256(original)
    delivered = verdict.text
    normalised = normalise_text(delivered)
    return {
        "key": key,
        "action": verdict.action.label,
        "would_action": verdict.would_action.label,
        "upstream_sha256": upstream_sha256,
        # most answers go out as they came: one digest serves for both
        "delivered_sha256": upstream_sha256 if delivered == original else text_sha256(delivered),
        "delivered_norm_sha256": (
            text_sha256(normalised) if normalised != original else upstream_sha256
        ),
        "findings": findings,
        "annotations": [
            {"check": a.check, "kind": a.kind, "data": a.data} for a in verdict.annotations
        ],
        "scores": {k: round(v, 4) for k, v in verdict.scores.items()},
        "check_latency_s": {k: round(v, 6) for k, v in verdict.latencies.items()},
        "errors": dict(verdict.errors),
        "fail_open": list(verdict.fail_open),
    }


@dataclass(slots=True)
class DecisionRecord:
    """Collects what one request decided; `to_record` gives the audit log's dict."""

    id: str
    route: str
    provider: str
    policy_ref: str
    policy_mode: str
    request_id: str
    model: str | None = None
    upstream: str | None = None
    stream: bool = False
    stream_mode: str | None = None
    upstream_status: int | None = None
    outcome: str = "ok"
    direction: str = "output"
    units: list[dict[str, Any]] = field(default_factory=list)
    input_units: list[dict[str, Any]] = field(default_factory=list)
    tool_units: list[dict[str, Any]] = field(default_factory=list)
    """String values of tool-call arguments checked under scan_tool_calls."""
    latency: dict[str, float] = field(default_factory=dict)
    error: str | None = None

    def add(self, key: str, original: str, verdict: Verdict, hmac_key: bytes) -> None:
        self.units.append(_unit(key, original, verdict, hmac_key))

    def add_input(self, key: str, original: str, verdict: Verdict, hmac_key: bytes) -> None:
        self.input_units.append(_unit(key, original, verdict, hmac_key))

    def add_tool(self, key: str, original: str, verdict: Verdict, hmac_key: bytes) -> None:
        self.tool_units.append(_unit(key, original, verdict, hmac_key))

    def actions(self) -> tuple[Action, Action]:
        action = Action.ALLOW
        would = Action.ALLOW
        for unit in (*self.units, *self.input_units, *self.tool_units):
            action = max(action, Action.parse(unit["action"]))
            would = max(would, Action.parse(unit["would_action"]))
        return action, would

    def to_record(self) -> dict[str, Any]:
        action, would = self.actions()
        record: dict[str, Any] = {
            "id": self.id,
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "request_id": self.request_id,
            "route": self.route,
            "provider": self.provider,
            "model": self.model,
            "upstream": self.upstream,
            "policy": self.policy_ref,
            "policy_mode": self.policy_mode,
            "stream": self.stream,
            "stream_mode": self.stream_mode,
            "upstream_status": self.upstream_status,
            "outcome": self.outcome,
            "action": action.label,
            "would_action": would.label,
            "choices": self.units,
            "input": self.input_units,
            "latency_s": {k: round(v, 6) for k, v in self.latency.items()},
        }
        if self.tool_units:
            record["tool_arguments"] = self.tool_units
        if self.error is not None:
            record["error"] = self.error
        return record


def request_id_from(headers: Mapping[str, str]) -> str:
    """A client's X-Request-Id when it is sane, else a fresh one."""
    given = headers.get("X-Request-Id", "")
    if 0 < len(given) <= 128 and given.replace("-", "").replace("_", "").isalnum():
        return given
    # the 32 hex digits of a random (version 4) UUID, without building a UUID object
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    return raw.hex()
