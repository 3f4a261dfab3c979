"""StreamGuard: check one streamed text (a choice or a content block) as it arrives.

In ``incremental`` mode text is released once the stream-capable checks have passed over
it, holding back only the tail they need (cut at a word boundary) so that a PII value split
across chunks is still caught whole. ``buffered`` holds everything until the end;
``passthrough`` releases at once and checks afterwards, for the record only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from guardproxy.checks.base import Action, Annotation, CheckContext
from guardproxy.pipeline import (
    AppliedFinding,
    Verdict,
    annotation_suffix,
    apply_redactions,
    collect,
    effective_annotations,
    finish,
    run_checks,
    select_redactions,
)
from guardproxy.placeholders import StreamRestorer
from guardproxy.policy.compiled import Policy

CONTEXT_CHARS = 64
"""Released text shown again to the checks as left context (presidio's context words)."""


@dataclass(slots=True)
class Release:
    """What the guard lets out after one step."""

    text: str = ""
    """Text to send now; when blocked, ends with the policy's message."""
    blocked: bool = False
    released: str = ""
    """When blocked: the checked text released before the message (sent in the same step)."""

    @property
    def block_message(self) -> str:
        return self.text[len(self.released) :]


@dataclass(slots=True)
class _Totals:
    findings: list[AppliedFinding] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    latencies: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    fail_open: list[str] = field(default_factory=list)
    action: Action = Action.ALLOW
    would_action: Action = Action.ALLOW

    def absorb(self, v: Verdict, findings: list[AppliedFinding]) -> None:
        self.findings.extend(findings)
        for a in v.annotations:
            # a window's tail is checked again in the next window: one notice, not two
            if not any(
                (o.check, o.kind, o.text) == (a.check, a.kind, a.text) for o in self.annotations
            ):
                self.annotations.append(a)
        for k, s in v.scores.items():
            self.scores[k] = max(self.scores.get(k, 0.0), s)
        for k, t in v.latencies.items():
            self.latencies[k] = self.latencies.get(k, 0.0) + t
        self.errors.update(v.errors)
        self.fail_open.extend(x for x in v.fail_open if x not in self.fail_open)
        for f in findings:
            self.would_action = max(self.would_action, f.action)
            if f.enforced:
                self.action = max(self.action, f.action)


_BREAKS = frozenset(" \t\n!?;\u3001\u3002\uff0c\uff0e\uff01\uff1f\uff1b")
"""Characters after which a stream may be cut: spaces, and sentence or clause ends in
scripts without spaces (Japanese, Chinese)."""


def _word_cut(text: str, limit: int) -> int:
    """The largest cut <= limit that falls after a break (space, sentence or clause end).

    Only text with no break at all before the limit is cut at the limit itself, so that
    it still streams and the held tail stays bounded; a token is never split otherwise.
    """
    if limit >= len(text):
        return len(text)
    if limit <= 0:
        return 0
    for i in range(limit, 0, -1):
        if text[i - 1] in _BREAKS:
            return i
    return limit


def _releasable(text: str, limit: int) -> int:
    """limit, unless that would release the start of a word still arriving at the end."""
    if limit >= len(text) and text and text[-1] not in _BREAKS:
        return len(text) - 1
    return limit


class StreamGuard:
    """Incremental checking of one stream of text deltas."""

    def __init__(
        self,
        policy: Policy,
        ctx: Callable[[bool], CheckContext],
        restorer: StreamRestorer | None = None,
    ) -> None:
        self.policy = policy
        self._stream_checks = policy.stream_checks
        """Built once: the policy derives it on every access, and every delta asks."""
        self._restorer = restorer
        """Puts prompt values back in place of their placeholders in what is released."""
        self._ctx = ctx
        self.mode = policy.stream.mode
        self.holdback = policy.holdback_chars
        """The most held back at once (the policy's cap on what the checks ask for)."""
        self._fixed_hold = policy.fixed_holdback_chars
        """What is held whatever the text: checks may ask for more (dynamic holds)."""
        self._held = 0
        """Characters still held after the last release."""
        self.min_window = policy.stream.min_window_chars
        self._monitor = policy.mode == "monitor"
        self._pending = ""
        self._raw: list[str] = []
        self._released_raw = 0
        self._released_tail = ""
        """The last CONTEXT_CHARS characters of released upstream text (left context)."""
        self._delivered: list[str] = []
        self._totals = _Totals()
        self.blocked = False
        self.finished = False
        self.check_runs = 0
        self.max_held = 0

    @property
    def raw_text(self) -> str:
        """Everything the upstream sent for this stream so far."""
        return "".join(self._raw)

    @property
    def delivered_text(self) -> str:
        return "".join(self._delivered)

    @property
    def delivered_any(self) -> bool:
        return bool(self._delivered)

    @property
    def held_chars(self) -> int:
        return len(self._pending)

    def _deliver(self, text: str, *, last: bool = False) -> Release:
        if self._restorer is not None:
            text = self._restorer.feed(text) + (self._restorer.flush() if last else "")
        if text:
            self._delivered.append(text)
        return Release(text)

    def _block(self) -> Release:
        """Stop the stream; Release.text is the policy's message, separated from earlier text."""
        self.blocked = True
        self._pending = ""
        msg = self.policy.messages.output_blocked
        sep = "\n\n" if self.delivered_text.strip() else ""
        self._delivered.append(sep + msg)
        return Release(sep + msg, True)

    def block(self) -> Release:
        """Block for a reason outside this text (a withheld tool call): the message ends it."""
        if self.blocked:
            return Release()
        return self._block()

    async def feed(self, delta: str, *, defer: bool = False) -> Release:
        """Take the next delta; with defer, only gather it (a later pump() checks)."""
        if self.blocked or self.finished or not delta:
            return Release()
        self._raw.append(delta)
        if self.mode == "passthrough":
            self._released_raw += len(delta)
            return self._deliver(delta)
        self._pending += delta
        self.max_held = max(self.max_held, len(self._pending))
        if self.mode == "buffered" or not self._stream_checks:
            if self.mode == "incremental":  # no stream-capable checks: nothing to wait for
                return await self._release_window(final=False, force_all=True)
            return Release()
        if defer or not self._window_ready():
            return Release()
        return await self._release_window(final=False)

    def _window_ready(self) -> bool:
        """Enough new text to be worth a check run: min_window beyond what must stay held."""
        return len(self._pending) >= max(self._held, self._fixed_hold) + self.min_window

    async def pump(self) -> Release:
        """Check what has gathered since the last window, if it is enough to release some.

        The relay feeds every event of one network read with defer=True and pumps once
        after them: text that arrived while the previous check ran is checked in one
        window, so windows grow under load instead of queueing.
        """
        if (
            self.blocked
            or self.finished
            or self.mode != "incremental"
            or not self._stream_checks
            or not self._window_ready()
        ):
            return Release()
        return await self._release_window(final=False)

    async def _release_window(self, *, final: bool, force_all: bool = False) -> Release:
        pending = self._pending
        if force_all:
            self._pending = ""
            self._released_raw += len(pending)
            return self._deliver(pending)
        released_end = self._released_raw
        left = self._released_tail
        window = left + pending
        self.check_runs += 1
        outcomes = await run_checks(self._stream_checks, window, self._ctx(not final))
        applied, verdict = collect(outcomes, policy_monitor=self._monitor)
        offset = len(left)
        local = []
        for a in applied:
            f = a.finding
            if f.start is not None and f.end is not None:
                if f.end <= offset:
                    continue  # wholly inside text already released
                if f.start < offset:
                    # it began in released text: what is still held of it is redacted
                    f = replace(f, start=offset)
            local.append(AppliedFinding(f.shifted(-offset), a.action, a.enforced))
        if final:
            cut = len(pending)
        else:
            cut = _word_cut(pending, self._hold_limit(window, offset))
            redactions = select_redactions(local)
            moved = True
            while moved:
                moved = False
                for f in redactions:
                    assert f.start is not None and f.end is not None
                    if f.start < cut < f.end:
                        cut = f.start
                        moved = True
        committed = [a for a in local if a.finding.start is None or a.finding.start < cut or final]
        self._totals.absorb(
            verdict,
            [
                AppliedFinding(a.finding.shifted(released_end), a.action, a.enforced)
                for a in committed
            ],
        )
        if any(a.enforced and a.action is Action.BLOCK for a in committed):
            return self._block()
        redactions = [f for f in select_redactions(committed) if f.end is not None and f.end <= cut]
        out = apply_redactions(pending[:cut], redactions)
        self._pending = pending[cut:]
        self._held = len(self._pending)
        self._released_raw += cut
        self._released_tail = (left + pending[:cut])[-CONTEXT_CHARS:]
        return self._deliver(out)

    def _hold_limit(self, window: str, offset: int) -> int:
        """How much of the pending text may go: each stream check says where the text it may
        still need begins; never more than the policy's cap is held."""
        pending = len(window) - offset
        need = min(entry.check.hold_from(window) for entry in self._stream_checks)
        limit = max(need - offset, pending - self.holdback)
        return _releasable(window[offset:], min(limit, pending))

    async def finish(self) -> Release:
        """The stream ended: check what is held, run whole-text checks, append annotations."""
        if self.finished or self.blocked:
            self.finished = True
            return Release()
        self.finished = True
        if self.mode == "passthrough":
            outcomes = await run_checks(self.policy.output_checks, self.raw_text, self._ctx(False))
            applied, verdict = collect(outcomes, policy_monitor=True)
            verdict.annotations = []
            self._totals.absorb(verdict, applied)
            return self._deliver("", last=True)
        if self.mode == "buffered":
            text = self._pending
            self._pending = ""
            outcomes = await run_checks(self.policy.output_checks, text, self._ctx(False))
            applied, verdict = collect(outcomes, policy_monitor=self._monitor)
            self._totals.absorb(verdict, applied)
            if verdict.blocked:
                return self._block()
            final = finish(self.policy, text, applied, verdict)
            self._released_raw += len(text)
            return self._deliver(final.text, last=True)
        out = ""
        if self._pending:
            step = await self._release_window(final=True, force_all=not self._stream_checks)
            if step.blocked or self.blocked:
                return step
            out = step.text
        out += self._deliver("", last=True).text
        if self.policy.final_checks:
            outcomes = await run_checks(self.policy.final_checks, self.raw_text, self._ctx(False))
            applied, verdict = collect(outcomes, policy_monitor=self._monitor)
            self._totals.absorb(verdict, applied)
            if verdict.blocked:
                blocked = self._block()
                return Release(out + blocked.text, True, released=out)
        # notices from the stream checks' windows and from the whole-text checks
        suffix = annotation_suffix(self._totals.annotations)
        if suffix:
            self._delivered.append(suffix)
            out += suffix
        return Release(out)

    def verdict(self) -> Verdict:
        t = self._totals
        v = Verdict(
            action=Action.BLOCK if self.blocked else t.action,
            would_action=max(t.would_action, Action.BLOCK if self.blocked else Action.ALLOW),
            text=self.delivered_text,
            findings=t.findings,
            annotations=effective_annotations(t.annotations),
            scores=t.scores,
            latencies=t.latencies,
            errors=t.errors,
            fail_open=t.fail_open,
        )
        if self.mode == "passthrough":
            v.action = Action.ALLOW
        return v
