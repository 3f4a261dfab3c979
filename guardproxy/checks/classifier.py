"""The `classifier` check: an external moderation model judges the text over HTTP.

Two wire formats:

- ``openai_moderation``: ``POST {base_url}/moderations`` with ``{"model", "input"}``; the
  scores come from ``results[0].category_scores`` (labels such as ``hate/threatening``).
- ``chat_guard``: an OpenAI-compatible ``POST {base_url}/chat/completions`` to a guard
  model in the style of Llama Guard, whose reply is ``safe`` or ``unsafe`` followed by
  category codes (``unsafe\\nS1,S10``); a listed code scores 1.0.

The service's labels (or codes) map onto guardproxy's abuse categories through
`category_map`; labels it does not map pass through under their own name or are ignored.
Each category at or above its threshold becomes one finding over the whole text (no span),
with that category's action when one is configured. The check's score is the highest
category score, reported below the thresholds too.

A service failure (unreachable, HTTP error, bad JSON, a reply of the wrong shape, a
timeout) raises a `ModelServiceError`, and the policy entry's `on_error` decides between
letting the text through and blocking it. Logs carry ids, statuses and durations only.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from guardproxy.checks.base import (
    Action,
    Check,
    CheckContext,
    CheckResult,
    Finding,
    Offloader,
)
from guardproxy.errors import CheckError
from guardproxy.modelservice import (
    ChatMessage,
    ModelServiceClient,
    ModelServiceError,
    ServiceOptions,
)

log = logging.getLogger(__name__)

HATE = "hate"
HARASSMENT = "harassment"
THREATS = "threats"
SEXUAL = "sexual"
SELF_HARM = "self_harm"
DANGEROUS = "dangerous"
ABUSE_CATEGORIES: tuple[str, ...] = (HATE, HARASSMENT, THREATS, SEXUAL, SELF_HARM, DANGEROUS)

OPENAI_MODERATION_MAP: Mapping[str, str] = {
    "hate": HATE,
    "hate/threatening": THREATS,
    "harassment": HARASSMENT,
    "harassment/threatening": THREATS,
    "self-harm": SELF_HARM,
    "self-harm/intent": SELF_HARM,
    "self-harm/instructions": SELF_HARM,
    "sexual": SEXUAL,
    "sexual/minors": SEXUAL,
    "illicit": DANGEROUS,
    "illicit/violent": DANGEROUS,
}
"""OpenAI moderation labels with a counterpart among ours. ``violence`` and
``violence/graphic`` depict harm rather than threaten or enable it, so they are not
mapped: they pass through as ``violence`` and ``violence_graphic`` (or are ignored)."""

LLAMA_GUARD_3_CODES: Mapping[str, str] = {
    "S1": "violent_crimes",
    "S2": "non_violent_crimes",
    "S3": "sex_related_crimes",
    "S4": "child_sexual_exploitation",
    "S5": "defamation",
    "S6": "specialized_advice",
    "S7": "privacy",
    "S8": "intellectual_property",
    "S9": "indiscriminate_weapons",
    "S10": "hate",
    "S11": "suicide_self_harm",
    "S12": "sexual_content",
    "S13": "elections",
    "S14": "code_interpreter_abuse",
}
"""Llama Guard 3's hazard taxonomy: each code's own name, used when it passes through."""

LLAMA_GUARD_3_MAP: Mapping[str, str] = {
    "S1": DANGEROUS,
    "S2": DANGEROUS,
    "S3": SEXUAL,
    "S4": SEXUAL,
    "S9": DANGEROUS,
    "S10": HATE,
    "S11": SELF_HARM,
    "S12": SEXUAL,
}
"""Llama Guard 3 codes with a counterpart among ours; S5-S8, S13 and S14 pass through."""

UNSPECIFIED_CODE = "UNSPECIFIED"
"""The code of an 'unsafe' guard verdict that lists no category."""

_CATEGORY_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_GUARD_CODE = re.compile(r"\b([A-Za-z]\d{1,3})\b")
_GUARD_MAX_TOKENS = 32
# Spaces, '/', '-' and other separators in a service label become '_' when it passes through.
_LABEL_SEPARATORS = re.compile(r"[^a-z0-9]+")


def _category_name(value: str, what: str) -> str:
    if not _CATEGORY_NAME.match(value):
        raise ValueError(f"{what} {value!r} must be snake_case (a-z, 0-9, '_')")
    return value


def passthrough_name(label: str) -> str:
    """A service label as a category name: ``violence/graphic`` -> ``violence_graphic``."""
    return _LABEL_SEPARATORS.sub("_", label.lower()).strip("_") or "unspecified"


class ClassifierOptions(ServiceOptions):
    """Options of the `classifier` check."""

    api: Literal["openai_moderation", "chat_guard"] = Field(
        description="Wire format: openai_moderation (POST /moderations, category scores) "
        "or chat_guard (POST /chat/completions to a Llama Guard style model answering "
        "'safe' or 'unsafe' and category codes)."
    )
    category_map: dict[str, str | None] = Field(
        default_factory=dict,
        description="Service label (openai_moderation, e.g. 'violence') or code "
        "(chat_guard, e.g. 'S6') -> guardproxy category; null ignores the label. Merged "
        "over the built-in map of the chosen api.",
    )
    unmapped: Literal["pass_through", "ignore"] = Field(
        default="pass_through",
        description="Labels the map does not cover: report them under their own name "
        "('violence/graphic' -> violence_graphic, 'S5' -> defamation) or ignore them.",
    )
    threshold: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Lowest score that makes a category a finding (chat_guard scores a "
        "listed code 1.0, an unlisted one 0.0).",
    )
    thresholds: dict[str, float] = Field(
        default_factory=dict,
        description="Per-category thresholds in [0, 1] overriding `threshold`, keyed by "
        "guardproxy category (after mapping).",
    )
    actions: dict[str, Literal["allow", "annotate", "block"]] = Field(
        default_factory=dict,
        description="Per-category action overriding the policy entry's action, keyed by "
        "guardproxy category; 'allow' records the finding without effect. A finding "
        "covers the whole text, so there is nothing to redact.",
    )
    include_prompt: bool = Field(
        default=True,
        description="chat_guard on output: send the conversation's last message as the "
        "user turn before the answer, so the guard judges the answer in context.",
    )
    system_prompt: str | None = Field(
        default=None,
        min_length=1,
        description="chat_guard: a system message sent first, for guard models that need "
        "instructions (Llama Guard's own chat template brings its prompt; leave it out).",
    )
    max_text_chars: int = Field(
        default=32_000,
        ge=1,
        le=1_000_000,
        description="Longest text sent; a longer one is an error that on_error handles.",
    )

    @field_validator("category_map")
    @classmethod
    def _map_targets(cls, value: dict[str, str | None]) -> dict[str, str | None]:
        for label, target in value.items():
            if not label.strip():
                raise ValueError("category_map labels must not be blank")
            if target is not None:
                _category_name(target, f"category_map[{label!r}]")
        return value

    @field_validator("thresholds")
    @classmethod
    def _thresholds_valid(cls, value: dict[str, float]) -> dict[str, float]:
        for category, threshold in value.items():
            _category_name(category, "thresholds key")
            if not 0.0 <= threshold <= 1.0:
                raise ValueError(f"threshold for {category} must be in [0, 1], got {threshold:g}")
        return value

    @field_validator("actions", mode="before")
    @classmethod
    def _no_redact(cls, value: object) -> object:
        if isinstance(value, dict):
            for category, action in value.items():
                if action == "redact":
                    raise ValueError(
                        f"actions[{category!r}]: a classifier finding covers the whole text, "
                        "so it cannot be redacted; use block or annotate"
                    )
        return value

    @field_validator("actions")
    @classmethod
    def _action_keys(cls, value: dict[str, str]) -> dict[str, str]:
        for category in value:
            _category_name(category, "actions key")
        return value

    @model_validator(mode="after")
    def _prompt_only_for_guard(self) -> ClassifierOptions:
        if self.system_prompt is not None and self.api != "chat_guard":
            raise ValueError("system_prompt applies to api: chat_guard only")
        return self

    def effective_map(self) -> dict[str, str | None]:
        """Built-in map of the api with category_map merged over it."""
        if self.api == "openai_moderation":
            return {**OPENAI_MODERATION_MAP, **self.category_map}
        # an 'unsafe' verdict without a code is reported whatever `unmapped` says
        base = {**LLAMA_GUARD_3_MAP, UNSPECIFIED_CODE: "unspecified"}
        return {**base, **{label.upper(): to for label, to in self.category_map.items()}}


class ClassifierCheck(Check[ClassifierOptions]):
    """Scores the whole text with an external moderation or guard model."""

    name: ClassVar[str] = "classifier"
    options_model = ClassifierOptions
    streamable = False
    needs_full_text = True
    default_action = "block"

    def __init__(self, options: ClassifierOptions) -> None:
        super().__init__(options)
        self._map = options.effective_map()
        self._actions = {c: Action.parse(a) for c, a in options.actions.items()}
        self._client = ModelServiceClient(self.name, options)

    async def start(self, offloader: Offloader) -> None:
        await self._client.start()

    async def close(self) -> None:
        await self._client.close()

    async def run(self, text: str, ctx: CheckContext) -> CheckResult:
        opts = self.options
        if len(text) > opts.max_text_chars:
            raise CheckError(
                f"{self.name}: text of {len(text)} characters is over "
                f"max_text_chars={opts.max_text_chars}"
            )
        if not text.strip():
            return CheckResult()
        if opts.api == "openai_moderation":
            labels = await self._moderate(text, ctx)
        else:
            labels = await self._guard(text, ctx)
        return self._result(labels)

    async def _moderate(self, text: str, ctx: CheckContext) -> dict[str, float]:
        body = await self._client.post_json(
            "/moderations",
            {"model": self.options.model, "input": text},
            request_id=ctx.request_id,
        )
        return parse_moderation(self.name, body)

    async def _guard(self, text: str, ctx: CheckContext) -> dict[str, float]:
        messages: list[ChatMessage] = []
        if self.options.system_prompt is not None:
            messages.append({"role": "system", "content": self.options.system_prompt})
        if ctx.direction == "output" and self.options.include_prompt and ctx.messages:
            prompt = ctx.messages[-1][-self.options.max_text_chars :]
            messages.append({"role": "user", "content": prompt})
            messages.append({"role": "assistant", "content": text})
        else:
            messages.append({"role": "user", "content": text})
        reply = await self._client.chat(
            messages, max_tokens=_GUARD_MAX_TOKENS, request_id=ctx.request_id
        )
        return {code: 1.0 for code in parse_guard_reply(self.name, reply)}

    def _category_of(self, label: str) -> str | None:
        if label in self._map:
            return self._map[label]
        if self.options.unmapped == "ignore":
            return None
        if self.options.api == "chat_guard":
            return LLAMA_GUARD_3_CODES.get(label) or passthrough_name(label)
        return passthrough_name(label)

    def _result(self, label_scores: Mapping[str, float]) -> CheckResult:
        scores: dict[str, float] = {}
        sources: dict[str, list[str]] = {}
        for label, score in label_scores.items():
            category = self._category_of(label)
            if category is None:
                continue
            sources.setdefault(category, []).append(label)
            scores[category] = max(scores.get(category, 0.0), score)
        findings: list[Finding] = []
        for category, score in sorted(scores.items(), key=lambda item: (-item[1], item[0])):
            threshold = self.options.thresholds.get(category, self.options.threshold)
            if score < threshold:
                continue
            labels = ", ".join(sorted(sources[category]))
            findings.append(
                Finding(
                    self.name,
                    category,
                    None,
                    None,
                    score,
                    f"{category} scored {score:.2f} (service labels: {labels})",
                    action=self._actions.get(category),
                )
            )
        return CheckResult(tuple(findings), max(scores.values(), default=0.0))


def parse_moderation(service: str, body: Any) -> dict[str, float]:
    """Label -> score from an OpenAI moderation response (results[0].category_scores)."""
    results = body.get("results") if isinstance(body, dict) else None
    if not isinstance(results, list) or not results or not isinstance(results[0], dict):
        raise ModelServiceError(service, "unexpected response shape: no results")
    raw = results[0].get("category_scores")
    if not isinstance(raw, dict):
        raise ModelServiceError(service, "unexpected response shape: no category_scores")
    scores: dict[str, float] = {}
    for label, score in raw.items():
        if (
            not isinstance(score, int | float)
            or isinstance(score, bool)
            or not math.isfinite(score)
            or not 0.0 <= score <= 1.0
        ):
            raise ModelServiceError(
                service, "unexpected response shape: a category score is not a number in [0, 1]"
            )
        scores[str(label)] = float(score)
    return scores


def parse_guard_reply(service: str, reply: str) -> tuple[str, ...]:
    """The category codes of a Llama Guard style verdict: () for safe.

    ``safe`` -> (); ``unsafe\\nS1,S10`` -> ("S1", "S10"); an ``unsafe`` verdict without a
    code yields (UNSPECIFIED_CODE,), reported as ``unspecified``.
    """
    text = reply.strip()
    first, _, rest = text.partition("\n")
    words = first.strip().split(None, 1)
    verdict = words[0].strip(".:,").lower() if words else ""
    if verdict == "safe":
        return ()
    if verdict != "unsafe":
        raise ModelServiceError(service, "unexpected guard reply: neither 'safe' nor 'unsafe'")
    tail = (words[1] if len(words) > 1 else "") + "\n" + rest
    codes = tuple(dict.fromkeys(code.upper() for code in _GUARD_CODE.findall(tail)))
    return codes or (UNSPECIFIED_CODE,)
