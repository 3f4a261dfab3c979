"""A remote judge of grounding: an external model rates how far an answer strays from its
sources.

`RemoteScorer` asks an OpenAI-compatible chat model (an NLI or judge model) for the
probability that the answer holds claims its sources do not support, as ``{"score": x}``,
and reads the reply robustly (a JSON object anywhere in it, ``score: x``, or a bare
number). `combine` blends that score with a built-in one; a failed or absent remote score
leaves the built-in score unchanged.

`score()` raises `ModelServiceError` (a `CheckError`) on every failure, timeouts included
(`ModelServiceTimeout`); a caller that wants to degrade gracefully catches it and passes
``None`` to `combine`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any

from pydantic import Field

from guardproxy.modelservice import (
    ChatMessage,
    ModelServiceClient,
    ModelServiceError,
    ServiceOptions,
)

__all__ = [
    "ANSWER_MARKER",
    "DEFAULT_JUDGE_PROMPT",
    "SOURCES_MARKER",
    "RemoteScorer",
    "RemoteScorerOptions",
    "combine",
    "judge_messages",
    "parse_score",
]

SERVICE = "grounding_judge"
SOURCES_MARKER = "SOURCES:"
ANSWER_MARKER = "ANSWER:"

DEFAULT_JUDGE_PROMPT = (
    "You check whether an answer is supported by its sources. Read the SOURCES and the "
    "ANSWER, then estimate the probability that the ANSWER makes at least one claim the "
    "SOURCES do not support or contradict: 0 means every claim is supported, 1 means the "
    'answer is unsupported. Reply with only a JSON object of the form {"score": x}, '
    "where x is a number between 0 and 1."
)

_JUDGE_MAX_TOKENS = 64
_SCORE_LABELLED = re.compile(
    r"""["']?score["']?\s*[:=]\s*["']?([0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)""", re.IGNORECASE
)
# what may wrap a bare number: whitespace, quotes, code ticks
_WRAPPING = " \t\r\n`'\""
_BARE_NUMBER = re.compile(r"[0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?")


class RemoteScorerOptions(ServiceOptions):
    """Options of the remote grounding judge."""

    weight: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Share of the remote score when combined with the built-in one: 0 "
        "ignores it, 1 uses it alone.",
    )
    prompt: str = Field(
        default=DEFAULT_JUDGE_PROMPT,
        min_length=1,
        description='System prompt of the judge; it must ask for {"score": x} in [0, 1].',
    )
    max_input_chars: int = Field(
        default=48_000,
        ge=1,
        le=1_000_000,
        description="Longest sources plus answer sent; a longer pair is an error.",
    )


def judge_messages(prompt: str, sources: Sequence[str], answer: str) -> list[ChatMessage]:
    """The chat messages sent to the judge: the prompt, then numbered sources and answer."""
    listed = "\n\n".join(f"[{i}] {text}" for i, text in enumerate(sources, start=1))
    user = f"{SOURCES_MARKER}\n{listed or '(none)'}\n\n{ANSWER_MARKER}\n{answer}"
    return [{"role": "system", "content": prompt}, {"role": "user", "content": user}]


def parse_score(service: str, reply: str) -> float:
    """The score in a judge's reply: a JSON object with "score" anywhere in it, a
    ``score: x`` pair, or a reply that is just a number. It must lie in [0, 1]."""
    value = _score_from_json(reply)
    if value is None:
        labelled = _SCORE_LABELLED.search(reply)
        if labelled:
            value = float(labelled.group(1))
    if value is None:
        bare = reply.strip(_WRAPPING).rstrip(".").strip(_WRAPPING)
        if _BARE_NUMBER.fullmatch(bare):
            value = float(bare)
    if value is None:
        raise ModelServiceError(service, "unexpected judge reply: no score found")
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise ModelServiceError(service, "unexpected judge reply: score outside [0, 1]")
    return value


def _score_from_json(reply: str) -> float | None:
    decoder = json.JSONDecoder()
    start = reply.find("{")
    while start != -1:
        try:
            obj, _ = decoder.raw_decode(reply, start)
        except ValueError:
            obj = None
        value = _score_of(obj)
        if value is not None:
            return value
        start = reply.find("{", start + 1)
    return None


def _score_of(obj: Any) -> float | None:
    if not isinstance(obj, dict) or "score" not in obj:
        return None
    raw = obj["score"]
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, str):
        try:
            return float(raw.strip())
        except ValueError:
            return None
    return None


def combine(builtin: float, remote: float | None, weight: float) -> float:
    """Blend a built-in score with a remote one: ``(1 - weight) * builtin + weight * remote``.

    ``remote`` None (the judge failed or is not configured) returns ``builtin`` unchanged.
    """
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"weight must be in [0, 1], got {weight:g}")
    if remote is None:
        return builtin
    return min(1.0, max(0.0, (1.0 - weight) * builtin + weight * remote))


class RemoteScorer:
    """Asks a judge model for a hallucination probability; `start()` once, `close()` at
    unload."""

    def __init__(self, options: RemoteScorerOptions, *, service: str = SERVICE) -> None:
        self.options = options
        self.service = service
        self._client = ModelServiceClient(service, options)

    async def start(self) -> None:
        await self._client.start()

    async def close(self) -> None:
        await self._client.close()

    async def score(
        self, sources: Sequence[str], answer: str, *, request_id: str | None = None
    ) -> float:
        """The probability in [0, 1] that `answer` is not supported by `sources`."""
        size = sum(len(s) for s in sources) + len(answer)
        if size > self.options.max_input_chars:
            raise ModelServiceError(
                self.service,
                f"sources and answer of {size} characters are over "
                f"max_input_chars={self.options.max_input_chars}",
            )
        reply = await self._client.chat(
            judge_messages(self.options.prompt, sources, answer),
            max_tokens=_JUDGE_MAX_TOKENS,
            request_id=request_id,
        )
        return parse_score(self.service, reply)
