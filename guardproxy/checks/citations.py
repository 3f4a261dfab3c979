"""The `citations` check: show which sources an answer rests on.

Each sentence of the answer is matched against the request's sources (`ctx.sources`) with
`guardproxy.grounding.support.SourceIndex`; a sentence whose best passage scores at least
`min_support` counts as supported by that passage's source. Sentences inside code,
markdown headings, and sentences with fewer than `min_words` content words ("Sure!") are
not judged.

- `list: true` appends a sources list (an Annotation of kind "sources"): the sources
  actually used, numbered in order of first use, each with its title and URL, under a
  heading in the answer's language (Japanese when the answer contains Japanese script).
- `markers: true` puts `[n]` after supported sentences, as zero-length findings
  (start == end == the insertion offset, category "citation", action annotate) whose
  replacement is the marker. The offset is the end of the sentence, after its closing
  punctuation and before any whitespace: "... in 1889. [1]". Japanese sentences take the
  marker before their closing full stop (or full-width ! or ?) and without a space, as
  Japanese text does: "...首都です[1]。". With `merge_markers`, consecutive
  sentences of one paragraph supported by the same source share one marker, after the
  last of them.
  The pipeline applies such insertions only where the text has not been sent yet
  (non-streamed answers and buffered streams); an incremental stream gets the list only.

The annotation's `data` holds the same in machine-readable form: per judged sentence its
span, the supporting source id (None when unsupported), the marker number and the score,
and the numbered sources. It holds no text of the answer or the sources.

`CheckResult.score` is the share of judged sentences that NO source supports (0 when every
sentence is supported, 1 when none is), so that, like other checks' scores, higher means
worse. Without sources, or without any judged sentence, nothing is found and the score is 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import ConfigDict, Field, field_validator

from guardproxy.checks.base import (
    Action,
    Annotation,
    Check,
    CheckContext,
    CheckOptions,
    CheckResult,
    Finding,
    Source,
)
from guardproxy.grounding.support import SourceIndex, Support, index_for
from guardproxy.grounding.text import (
    Sentence,
    code_spans,
    is_japanese,
    split_sentences,
    tokenize,
)
from guardproxy.lang import pick_language

DEFAULT_HEADING_EN = "Sources:"
DEFAULT_HEADING_JA = "\u51fa\u5178\uff1a"  # 出典 and a full-width colon
_HEADING = re.compile(r"[ \t]{0,3}#{1,6}[ \t]")
_EXISTING_MARKER = re.compile(r"\[\d{1,3}\][.!?\u3002\uff01\uff1f]?$")
_JA_CLOSING = "\u3002\uff01\uff1f"  # Japanese full stop, full-width ! and ?


class CitationsOptions(CheckOptions):
    # `list` in YAML; the attribute has another name so it does not shadow the builtin
    model_config = ConfigDict(extra="forbid", frozen=True, validate_by_name=True)

    min_support: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Support score (0-1) from which a sentence counts as backed by a source.",
    )
    show_list: bool = Field(
        True,
        alias="list",
        description="Append a numbered list of the sources the answer used.",
    )
    markers: bool = Field(
        False, description="Insert [n] markers after supported sentences (needs buffered text)."
    )
    merge_markers: bool = Field(
        True,
        description="One marker for consecutive sentences of a paragraph from the same source.",
    )
    min_words: int = Field(
        3, ge=1, description="Content words a sentence needs to be judged at all."
    )
    language: Literal["auto", "en", "ja"] = Field(
        "auto", description="auto picks Japanese when the answer contains Japanese script."
    )
    heading_en: str = Field(
        DEFAULT_HEADING_EN, min_length=1, description="Heading of the English sources list."
    )
    heading_ja: str = Field(
        DEFAULT_HEADING_JA, min_length=1, description="Heading of the Japanese sources list."
    )

    @field_validator("heading_en", "heading_ja")
    @classmethod
    def _heading_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


@dataclass(frozen=True, slots=True)
class _Judged:
    sentence: Sentence
    support: Support | None
    supported: bool


class CitationsCheck(Check[CitationsOptions]):
    """Numbers the sources an answer used; lists them and marks the sentences they back."""

    name: ClassVar[str] = "citations"
    options_model = CitationsOptions
    streamable = False
    needs_full_text = True
    default_action = "annotate"
    edits_in_place = True
    uses_sources = True

    async def run(self, text: str, ctx: CheckContext) -> CheckResult:
        if not ctx.sources:
            return CheckResult()
        index = index_for(ctx)
        if index.empty:
            return CheckResult()
        judged = self._judge(text, index)
        if not judged:
            return CheckResult()
        supported = [j for j in judged if j.supported]
        score = round(1.0 - len(supported) / len(judged), 4)
        if not supported:
            return CheckResult(score=score)

        numbers: dict[int, int] = {}  # source index -> n, in order of first use
        for j in supported:
            if j.support is not None:
                numbers.setdefault(j.support.source_index, len(numbers) + 1)

        opts = self.options
        language = pick_language(opts.language, text, is_japanese)
        findings: list[Finding] = []
        if opts.markers:
            findings.extend(self._markers(text, judged, numbers))
        used = [(n, ctx.sources[i]) for i, n in numbers.items()]
        listing = _listing(self._heading(language), used) if opts.show_list else ""
        if listing:
            findings.append(
                Finding(
                    self.name,
                    "sources",
                    None,
                    None,
                    0.0,
                    f"sources list appended ({len(used)} sources)",
                    action=Action.ANNOTATE,
                )
            )
        data: dict[str, Any] = {
            "language": language,
            "min_support": opts.min_support,
            "judged": len(judged),
            "supported": len(supported),
            "sources": [
                {"n": n, "id": source.id, "title": source.title, "url": source.url}
                for n, source in used
            ],
            "sentences": [
                {
                    "start": j.sentence.start,
                    "end": j.sentence.end,
                    "source_id": j.support.source_id if j.supported and j.support else None,
                    "n": numbers[j.support.source_index] if j.supported and j.support else None,
                    "score": j.support.score if j.support else 0.0,
                }
                for j in judged
            ],
        }
        return CheckResult(
            findings=tuple(findings),
            score=score,
            annotations=(Annotation(self.name, "sources", listing, data),),
        )

    def _judge(self, text: str, index: SourceIndex) -> list[_Judged]:
        code = code_spans(text)
        threshold = self.options.min_support
        judged = []
        for sentence in split_sentences(text):
            if code and _within(code, sentence.start, sentence.end):
                continue
            if _on_heading_line(text, sentence.start):
                continue
            if len(set(tokenize(sentence.text))) < self.options.min_words:
                continue
            support = index.support(sentence.text)
            ok = support is not None and support.score >= threshold
            judged.append(_Judged(sentence, support, ok))
        return judged

    def _markers(self, text: str, judged: list[_Judged], numbers: dict[int, int]) -> list[Finding]:
        findings = []
        for i, j in enumerate(judged):
            if not j.supported or j.support is None:
                continue
            n = numbers[j.support.source_index]
            if self.options.merge_markers and i + 1 < len(judged):
                nxt = judged[i + 1]
                same_paragraph = "\n" not in text[j.sentence.end : nxt.sentence.start]
                if (
                    nxt.supported
                    and nxt.support is not None
                    and numbers[nxt.support.source_index] == n
                    and same_paragraph
                ):
                    continue  # the next sentence carries the marker for both
            if _EXISTING_MARKER.search(j.sentence.text):
                continue
            offset, marker = _marker_at(j.sentence, n)
            findings.append(
                Finding(
                    self.name,
                    "citation",
                    offset,
                    offset,
                    j.support.score,
                    f"sentence supported by source [{n}]",
                    replacement=marker,
                    action=Action.ANNOTATE,
                )
            )
        return findings

    def _heading(self, language: str) -> str:
        return self.options.heading_ja if language == "ja" else self.options.heading_en


def _on_heading_line(text: str, start: int) -> bool:
    """The sentence starts on a markdown heading line (its "#" marker is just before it)."""
    low = max(0, start - 16)  # the marker and its spaces are short
    newline = text.rfind("\n", low, start)
    if newline < 0 and low > 0:
        return False
    return _HEADING.match(text, newline + 1) is not None


def _within(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """The span lies wholly inside one of spans (prose with some inline code is judged)."""
    return any(s <= start and end <= e for s, e in spans)


def _marker_at(sentence: Sentence, n: int) -> tuple[int, str]:
    """Where the marker goes and its text (see the module docstring)."""
    body = sentence.text.rstrip(_JA_CLOSING)
    if len(body) < len(sentence.text) and is_japanese(body[-1:]):
        return sentence.start + len(body), f"[{n}]"
    return sentence.end, f" [{n}]"


def _listing(heading: str, used: list[tuple[int, Source]]) -> str:
    lines = [heading]
    for n, source in used:
        title = " ".join(source.title.split()) if source.title else ""
        url = source.url.strip() if source.url else ""
        label = f"{title} - {url}" if title and url else (title or url or source.id)
        lines.append(f"[{n}] {label}")
    return "\n".join(lines)
