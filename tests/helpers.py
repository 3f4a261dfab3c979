"""Small real checks for tests of the pipeline and the stream guard (no models needed)."""

from __future__ import annotations

import re
from typing import ClassVar

from pydantic import Field

from guardproxy.checks.base import Check, CheckContext, CheckOptions, CheckResult, Finding
from guardproxy.checks.registry import CheckRegistry


class PatternOptions(CheckOptions):
    pattern: str = Field(description="Regular expression to flag.")
    category: str = Field("PATTERN", description="Category of each finding.")
    replacement: str = Field("<X>", description="Replacement used when redacting.")
    lookahead: int = Field(32, ge=0, description="Characters held back while streaming.")


class PatternCheck(Check[PatternOptions]):
    """Flags every match of a regex; streamable, so it drives the stream guard in tests."""

    name: ClassVar[str] = "pattern"
    options_model = PatternOptions
    streamable = True
    needs_full_text = False
    default_action = "redact"

    def __init__(self, options: PatternOptions) -> None:
        super().__init__(options)
        self._re = re.compile(options.pattern)
        self.calls = 0

    @property
    def lookahead_chars(self) -> int:
        return self.options.lookahead

    async def run(self, text: str, ctx: CheckContext) -> CheckResult:
        self.calls += 1
        findings = tuple(
            Finding(
                self.name,
                self.options.category,
                m.start(),
                m.end(),
                1.0,
                f"{self.options.category} matched",
                self.options.replacement,
            )
            for m in self._re.finditer(text)
        )
        return CheckResult(findings, 1.0 if findings else 0.0)


class FailingCheck(Check[CheckOptions]):
    """Always raises: exercises on_error."""

    name: ClassVar[str] = "failing"

    async def run(self, text: str, ctx: CheckContext) -> CheckResult:
        raise RuntimeError("boom")


class MarkerOptions(CheckOptions):
    after: str = Field(description="Regular expression; a marker goes right after each match.")
    marker: str = Field(" [*]", description="Text inserted.")


class MarkerCheck(Check[MarkerOptions]):
    """Marks points in the text (like citation markers): zero-length annotate findings."""

    name: ClassVar[str] = "marker"
    options_model = MarkerOptions
    streamable = False
    needs_full_text = True
    default_action = "annotate"
    edits_in_place = True

    def __init__(self, options: MarkerOptions) -> None:
        super().__init__(options)
        self._re = re.compile(options.after)

    async def run(self, text: str, ctx: CheckContext) -> CheckResult:
        findings = tuple(
            Finding(self.name, "marker", m.end(), m.end(), 1.0, "marked", self.options.marker)
            for m in self._re.finditer(text)
        )
        return CheckResult(findings, 1.0 if findings else 0.0)


def make_registry() -> CheckRegistry:
    registry = CheckRegistry.discover()
    registry.register("pattern", PatternCheck)
    registry.register("failing", FailingCheck)
    registry.register("marker", MarkerCheck)
    return registry
