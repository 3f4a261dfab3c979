"""Run a policy's checks on a text, merge their findings, decide, and apply the edits.

The pipeline alone decides what happens to a text: checks only report. All checks see the
original text; where redactions overlap, the strongest action wins, then the longest span.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from guardproxy.checks.base import Action, Annotation, CheckContext, CheckResult, Finding
from guardproxy.placeholders import Placeholders
from guardproxy.policy.compiled import CompiledCheck, Policy

log = logging.getLogger(__name__)

DEFAULT_REPLACEMENT = "[REDACTED]"


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """What one check did on one text: its result, or why it has none."""

    entry: CompiledCheck
    result: CheckResult | None
    latency_s: float
    error: str | None = None
    """Error kind only (exception class or 'timeout'); never the message, which may hold text."""


@dataclass(frozen=True, slots=True)
class AppliedFinding:
    """A finding with what the decision made of it."""

    finding: Finding
    action: Action
    enforced: bool
    restore: bool = False
    """Its entry puts a numbered placeholder in place of the value and restores it later."""


@dataclass(slots=True)
class Verdict:
    """The decision on one text."""

    action: Action
    would_action: Action
    """What would have happened if every check were enforced (monitor mode's answer)."""
    text: str
    findings: list[AppliedFinding] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    latencies: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    fail_open: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return self.action is Action.BLOCK


async def run_one(entry: CompiledCheck, text: str, ctx: CheckContext) -> CheckOutcome:
    started = time.perf_counter()
    try:
        result = await asyncio.wait_for(entry.check.run(text, ctx), entry.timeout_s)
    except TimeoutError:
        return CheckOutcome(entry, None, time.perf_counter() - started, "timeout")
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # one check's failure must not take the request down
        log.warning(
            "check %s failed (request %s): %s", entry.id, ctx.request_id, type(exc).__name__
        )
        return CheckOutcome(entry, None, time.perf_counter() - started, type(exc).__name__)
    return CheckOutcome(entry, result, time.perf_counter() - started)


async def run_checks(
    entries: Sequence[CompiledCheck], text: str, ctx: CheckContext
) -> list[CheckOutcome]:
    if not entries:
        return []
    if len(entries) == 1:
        return [await run_one(entries[0], text, ctx)]
    return list(await asyncio.gather(*(run_one(e, text, ctx) for e in entries)))


def collect(
    outcomes: Sequence[CheckOutcome], *, policy_monitor: bool
) -> tuple[list[AppliedFinding], Verdict]:
    """Findings with their effective action, and a verdict skeleton (action, scores, errors)."""
    applied: list[AppliedFinding] = []
    verdict = Verdict(Action.ALLOW, Action.ALLOW, "")
    for out in outcomes:
        entry = out.entry
        enforced = entry.enforced and not policy_monitor
        verdict.latencies[entry.id] = out.latency_s
        if out.result is None:
            verdict.errors[entry.id] = out.error or "error"
            if entry.on_error == "fail_closed":
                finding = Finding(
                    entry.id, "check_error", None, None, 1.0, f"check {entry.id} {out.error}"
                )
                applied.append(AppliedFinding(finding, Action.BLOCK, enforced))
            else:
                verdict.fail_open.append(entry.id)
            continue
        verdict.scores[entry.id] = out.result.score
        for finding in out.result.findings:
            action = finding.action if finding.action is not None else entry.action
            applied.append(AppliedFinding(finding, action, enforced, entry.restore))
        if enforced:
            verdict.annotations.extend(out.result.annotations)
    for item in applied:
        verdict.would_action = max(verdict.would_action, item.action)
        if item.enforced:
            verdict.action = max(verdict.action, item.action)
    verdict.findings = applied
    return applied, verdict


def select_redactions(applied: Sequence[AppliedFinding], limit: int | None = None) -> list[Finding]:
    """Enforced redactions as sorted, non-overlapping spans.

    Overlapping spans merge into their union, so no part of either value survives; the
    merged span takes the replacement of its longest finding (ties: the earliest).
    """
    spans = sorted(
        (
            a.finding
            for a in applied
            if a.enforced
            and a.action is Action.REDACT
            and a.finding.start is not None
            and a.finding.end is not None
            and a.finding.end > a.finding.start
            and (limit is None or a.finding.start < limit)
        ),
        key=lambda f: (f.start, -(f.end or 0)),
    )
    merged: list[tuple[int, int, Finding]] = []
    for f in spans:
        start, end = f.start or 0, f.end or 0
        if merged and start < merged[-1][1]:
            m_start, m_end, best = merged[-1]
            if end - start > (best.end or 0) - (best.start or 0):
                best = f
            merged[-1] = (m_start, max(m_end, end), best)
        else:
            merged.append((start, end, f))
    return [replace(best, start=s_, end=e_) for s_, e_, best in merged]


def apply_redactions(text: str, redactions: Sequence[Finding]) -> str:
    """Replace each span (sorted, non-overlapping) with its replacement."""
    if not redactions:
        return text
    parts: list[str] = []
    pos = 0
    for f in redactions:
        assert f.start is not None and f.end is not None
        parts.append(text[pos : f.start])
        parts.append(f.replacement if f.replacement is not None else DEFAULT_REPLACEMENT)
        pos = f.end
    parts.append(text[pos:])
    return "".join(parts)


def select_insertions(applied: Sequence[AppliedFinding]) -> list[Finding]:
    """Enforced zero-length findings that carry text to insert (citation markers), in order.

    They are annotations, not redactions: a check that marks a point in the text (after a
    supported sentence) returns start == end and the text to put there as its replacement.
    """
    points = [
        a.finding
        for a in applied
        if a.enforced
        and a.action is Action.ANNOTATE
        and a.finding.replacement
        and a.finding.start is not None
        and a.finding.start == a.finding.end
    ]
    return sorted(points, key=lambda f: f.start or 0)


def apply_edits(text: str, redactions: Sequence[Finding], insertions: Sequence[Finding]) -> str:
    """Apply redactions (sorted, non-overlapping) and insertions in one pass.

    An insertion inside a redacted span is dropped with the text it referred to; one at a
    span's edge goes before (at its start) or after (at its end) the replacement.
    """
    if not insertions:
        return apply_redactions(text, redactions)
    edits: list[tuple[int, int, int, str]] = []
    for f in redactions:
        assert f.start is not None and f.end is not None
        edits.append((f.start, 1, f.end, f.replacement or DEFAULT_REPLACEMENT))
    for f in insertions:
        point = f.start or 0
        if any(
            r.start is not None and r.end is not None and r.start < point < r.end
            for r in redactions
        ):
            continue
        # at the same offset an insertion sorts before a redaction starting there
        edits.append((point, 0, point, f.replacement or ""))
    edits.sort(key=lambda e: (e[0], e[1]))
    parts: list[str] = []
    pos = 0
    for start, _, end, new in edits:
        parts.append(text[pos:start])
        parts.append(new)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def effective_annotations(annotations: Sequence[Annotation]) -> list[Annotation]:
    """Drop annotations that only go along with others when there are no others.

    An annotation without text (machine-readable data only) is not one of those others,
    but it is kept for the record either way.
    """
    others = [a for a in annotations if a.text and not a.data.get("only_with_others")]
    if others:
        return list(annotations)
    return [a for a in annotations if not a.data.get("only_with_others")]


def annotation_suffix(annotations: Sequence[Annotation]) -> str:
    """How annotations are appended to an answer: each on its own paragraph."""
    return "".join(f"\n\n{a.text}" for a in effective_annotations(annotations) if a.text)


def with_placeholders(
    text: str,
    applied: Sequence[AppliedFinding],
    redactions: list[Finding],
    placeholders: Placeholders,
) -> list[Finding]:
    """Redactions whose span holds a restorable finding get the value's numbered token."""
    acting = [
        a
        for a in applied
        if a.enforced
        and a.action is Action.REDACT
        and a.finding.start is not None
        and a.finding.end is not None
    ]
    if not any(a.restore for a in acting):
        return redactions
    out = []
    for r in redactions:
        assert r.start is not None and r.end is not None
        inside = [a for a in acting if r.start <= (a.finding.start or 0) < r.end]
        # a value only comes back if every check that redacted it allows that: a secret
        # overlapping a restorable e-mail address stays redacted
        if inside and all(a.restore for a in inside):
            token = placeholders.token_for(r.category, text[r.start : r.end])
            r = replace(r, replacement=token)
        out.append(r)
    return out


def finish(
    policy: Policy,
    text: str,
    applied: Sequence[AppliedFinding],
    verdict: Verdict,
    placeholders: Placeholders | None = None,
    *,
    annotate: bool = True,
) -> Verdict:
    """Produce the delivered text for a complete (non-streamed) answer.

    Without annotate, annotations are recorded but not appended (tool-call arguments).
    """
    if verdict.action is Action.BLOCK:
        verdict.text = policy.messages.output_blocked
        verdict.annotations = []
        return verdict
    redactions = select_redactions(applied)
    if placeholders is not None:
        redactions = with_placeholders(text, applied, redactions, placeholders)
    delivered = apply_edits(text, redactions, select_insertions(applied))
    verdict.annotations = effective_annotations(verdict.annotations)
    verdict.text = delivered + (annotation_suffix(verdict.annotations) if annotate else "")
    return verdict


async def evaluate(
    policy: Policy,
    entries: Sequence[CompiledCheck],
    text: str,
    ctx: CheckContext,
    placeholders: Placeholders | None = None,
    *,
    annotate: bool = True,
) -> Verdict:
    """Run entries on a complete text and return the decision with the delivered text.

    With placeholders, values that restorable entries redact become numbered tokens.
    """
    outcomes = await run_checks(entries, text, ctx)
    applied, verdict = collect(outcomes, policy_monitor=policy.mode == "monitor")
    return finish(policy, text, applied, verdict, placeholders, annotate=annotate)
