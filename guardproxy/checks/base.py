"""The Check contract: what a check is given, what it returns, what it declares.

A check reads an immutable view of the text and its context and returns typed findings.
It never edits text and never knows HTTP: the pipeline alone decides what a finding does.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

Direction = Literal["input", "output"]


class Action(enum.IntEnum):
    """What a decision does to a text, ordered so that max() picks the strongest."""

    ALLOW = 0
    ANNOTATE = 1
    REDACT = 2
    BLOCK = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Action:
        return cls[value.upper()]


@dataclass(frozen=True, slots=True)
class Source:
    """A document an answer may rest on (from the request or the conversation)."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check may know besides the text itself."""

    direction: Direction
    request_id: str
    model: str | None = None
    messages: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    partial: bool = False
    """True while streaming: the text is a window that more text will follow."""
    prior_answers: int = 0
    """Assistant answers earlier in the conversation (0 on the first turn)."""
    logprobs: tuple[float, ...] = ()
    """Token log-probabilities of the answer when the upstream returned them."""
    shared: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """Per-request scratch space for what several checks derive from the same context
    (an index over the sources); keys are the deriving module's name."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a check found. Spans are character offsets into the text it was given."""

    check: str
    category: str
    start: int | None
    end: int | None
    score: float
    message: str
    replacement: str | None = None
    """Text to put in place of the span when the finding's action is redact."""
    action: Action | None = None
    """Overrides the policy entry's action for this one finding (e.g. per-entity settings)."""
    value_digest: str | None = None
    """Keyed HMAC of the matched value, set by the pipeline; never the value itself."""
    detector: str | None = None
    """Which recognizer or rule found it (e.g. EmailRecognizer, SpacyRecognizer), so an
    operator can tell what to tune when it is a false positive."""

    def shifted(self, offset: int) -> Finding:
        """The same finding with its span moved by offset (windows while streaming)."""
        if self.start is None or self.end is None:
            return self
        return _replace(self, start=self.start + offset, end=self.end + offset)


def _replace(finding: Finding, **changes: Any) -> Finding:
    from dataclasses import replace

    return replace(finding, **changes)


@dataclass(frozen=True, slots=True)
class Annotation:
    """Text appended to an answer (disclaimer, sources, notice) plus its machine form."""

    check: str
    kind: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Everything one run of a check produced."""

    findings: tuple[Finding, ...] = ()
    score: float = 0.0
    """The check's overall score for the text in [0, 1], reported even below threshold."""
    annotations: tuple[Annotation, ...] = ()


class CheckOptions(BaseModel):
    """Base of every check's options model: strict, frozen, documented fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def no_blank_items(values: tuple[str, ...], field: str) -> tuple[str, ...]:
    """For options validators: a list of values (allow lists, terms) with no blank entry."""
    if any(not item.strip() for item in values):
        raise ValueError(f"{field} entries must not be blank")
    return values


class EmptyOptions(CheckOptions):
    """For checks that take no options."""


class Offloader(Protocol):
    """Runs CPU-bound callables away from the event loop (a process pool)."""

    async def run(self, fn: Callable[..., Any], /, *args: Any) -> Any: ...


OptionsT = TypeVar("OptionsT", bound=CheckOptions)


class Check(abc.ABC, Generic[OptionsT]):
    """Base of every check.

    Subclasses set `name` (the stable snake_case name used in YAML), `options_model`,
    and the streaming capabilities; they implement `run`. `start` loads what the check
    needs once per policy load; `close` releases it.
    """

    name: ClassVar[str]
    options_model: ClassVar[type[CheckOptions]] = EmptyOptions
    streamable: ClassVar[bool] = False
    """Can run on partial text while streaming (PII, secrets, abuse)."""
    needs_full_text: ClassVar[bool] = True
    """Needs the whole answer (grounding, citations); runs once at the end of a stream."""
    uses_offloader: ClassVar[bool] = False
    """Runs work in the worker pool; the pool starts only when a loaded check needs it."""
    default_action: ClassVar[Literal["annotate", "redact", "block"]] = "block"
    """The action when a policy entry names none."""
    edits_in_place: ClassVar[bool] = False
    """Its actions edit earlier text (citation markers); redacting needs a buffered stream."""
    uses_sources: ClassVar[bool] = False
    """Reads CheckContext.sources: the proxy then also looks for documents in the conversation."""

    def __init__(self, options: OptionsT) -> None:
        self.options = options

    @property
    def lookahead_chars(self) -> int:
        """How many trailing characters of a stream window this check needs held back (at
        most, for a check with dynamic_hold)."""
        return 0

    dynamic_hold: ClassVar[bool] = False
    """hold_from looks at the window instead of holding a fixed lookahead_chars tail."""

    def hold_from(self, window: str) -> int:
        """Where the text this check may still need begins in a stream window: from here on
        it is held until more text arrives (a value that may continue past the window's end).
        The default holds the last lookahead_chars characters."""
        return max(0, len(window) - self.lookahead_chars)

    def referenced_files(self) -> tuple[Path, ...]:
        """Data files the check loaded (lexicons, claims): part of the policy's version."""
        return ()

    async def start(self, offloader: Offloader) -> None:
        """Load models or compile patterns; called once before the first run."""

    @abc.abstractmethod
    async def run(self, text: str, ctx: CheckContext) -> CheckResult:
        """Inspect text and return findings; never edit, never raise for a clean text."""

    async def close(self) -> None:
        """Release what start acquired."""


CheckFactory = Callable[[CheckOptions], Check[Any]]
RunFn = Callable[[str, CheckContext], Awaitable[CheckResult]]
