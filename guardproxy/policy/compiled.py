"""A policy after validation: frozen objects with every check built, nothing left to parse."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from guardproxy.checks.base import Action, Check, Offloader
from guardproxy.policy.schema import MessagesSpec, StreamSpec

Mode = Literal["enforce", "monitor"]
OnError = Literal["fail_open", "fail_closed"]


@dataclass(frozen=True, slots=True)
class CompiledCheck:
    """One entry of a policy: a started check plus its envelope."""

    id: str
    check: Check[Any]
    action: Action
    mode: Mode
    on_error: OnError
    timeout_s: float
    location: str
    """Where the entry is declared, e.g. ``policies/default.yaml: output[0]``."""
    restore: bool = False
    """Input only: redacted values become numbered placeholders restored in the answer."""

    @property
    def enforced(self) -> bool:
        return self.mode == "enforce"


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    version: str
    """Content hash of the policy file and every file it references."""
    mode: Mode
    description: str
    stream: StreamSpec
    messages: MessagesSpec
    input_checks: tuple[CompiledCheck, ...]
    output_checks: tuple[CompiledCheck, ...]
    source: Path | None
    scan_tool_calls: bool = False
    """Tool-call arguments pass the stream-capable output checks too."""

    @property
    def ref(self) -> str:
        """name@version, as headers and audit records show it."""
        return f"{self.name}@{self.version}"

    @property
    def stream_checks(self) -> tuple[CompiledCheck, ...]:
        return tuple(c for c in self.output_checks if c.check.streamable)

    @property
    def final_checks(self) -> tuple[CompiledCheck, ...]:
        """Output checks that must see the whole text (run once at the end of a stream)."""
        return tuple(c for c in self.output_checks if not c.check.streamable)

    @property
    def uses_sources(self) -> bool:
        """Some output check reads sources, so documents in the conversation are worth finding."""
        return any(c.check.uses_sources for c in self.output_checks)

    @property
    def holdback_chars(self) -> int:
        """The most a stream holds back: what the stream checks may need, capped by the policy."""
        need = max((c.check.lookahead_chars for c in self.stream_checks), default=0)
        return min(need, self.stream.holdback_chars)

    @property
    def fixed_holdback_chars(self) -> int:
        """What a stream always holds back: the fixed tails of checks without dynamic_hold."""
        need = max(
            (c.check.lookahead_chars for c in self.stream_checks if not c.check.dynamic_hold),
            default=0,
        )
        return min(need, self.stream.holdback_chars)

    async def start(self, offloader: Offloader) -> None:
        for entry in (*self.input_checks, *self.output_checks):
            await entry.check.start(offloader)

    async def close(self) -> None:
        for entry in (*self.input_checks, *self.output_checks):
            await entry.check.close()
