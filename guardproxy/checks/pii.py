"""The `pii` check: personal data found by presidio, with a redaction per finding.

Analysis runs through the offloader (a pool of worker processes in the server); this
module never imports presidio, so loading a policy stays cheap.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
from typing import Any, Literal

from pydantic import Field, field_validator

from guardproxy.checks.base import (
    Check,
    CheckContext,
    CheckOptions,
    CheckResult,
    Finding,
    Offloader,
    no_blank_items,
)
from guardproxy.errors import CheckError, ConfigError
from guardproxy.nlp.engine import NER_ENTITIES, SUPPORTED_ENTITIES, Detection, validate_entities
from guardproxy.nlp.pool import analyze_text

logger = logging.getLogger(__name__)

DEFAULT_ENTITIES: tuple[str, ...] = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "US_SSN",
    "LOCATION",
)

# Characters a mask keeps in place so the redacted value keeps its familiar shape
# ("****-****-****-1111", "(***) ***-0123").
_MASK_SEPARATORS = frozenset(" \t\n-./()")
# An IBAN (up to 34 characters plus spaces) or an e-mail split across stream chunks.
_LOOKAHEAD_CHARS = 64

DEFAULT_ENTITY_MIN_SCORES: dict[str, float] = {"PHONE_NUMBER": 0.4}
_HASH_HEX_CHARS = 12


_CUSTOM_ENTITY_RE = re.compile(r"^[A-Z][A-Z0-9_]{1,63}$")


def _custom_entity(value: str) -> str:
    name = value.strip().upper()
    if not _CUSTOM_ENTITY_RE.match(name):
        raise ValueError(f"entity name {value!r} must be UPPER_SNAKE_CASE letters, digits and '_'")
    return name


class PatternSpec(CheckOptions):
    """A pattern recognizer declared in the policy, e.g. an employee id format."""

    entity: str = Field(description="Entity type the pattern reports, e.g. EMPLOYEE_ID.")
    regex: str = Field(min_length=1, description="Python regular expression.")
    score: float = Field(0.8, ge=0.0, le=1.0, description="Score of a match before context.")
    context: tuple[str, ...] = Field(
        (), description="Words that raise the score when they stand near a match."
    )

    @field_validator("entity")
    @classmethod
    def _entity_name(cls, value: str) -> str:
        return _custom_entity(value)

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"invalid regular expression: {exc}") from None
        return value


class PiiOptions(CheckOptions):
    """Options of the `pii` check."""

    patterns: tuple[PatternSpec, ...] = Field(
        default=(),
        description="Extra pattern recognizers; their entities are reported like built-in ones.",
    )
    deny_lists: dict[str, tuple[str, ...]] = Field(
        default_factory=dict,
        description="Entity type -> exact terms always reported (whole words, any case), "
        "e.g. internal project code names.",
    )

    entities: tuple[str, ...] = Field(
        default=DEFAULT_ENTITIES,
        min_length=1,
        description=(
            "Entity types to look for, by presidio name (PERSON, EMAIL_ADDRESS, "
            "PHONE_NUMBER, CREDIT_CARD, IBAN_CODE, IP_ADDRESS, US_SSN, LOCATION, ...)."
        ),
    )
    min_score: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description=(
            "Lowest detection confidence reported, in [0, 1]. presidio scores a bare "
            "phone number 0.4 and 0.75 next to a word like 'phone'."
        ),
    )
    entity_min_scores: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_ENTITY_MIN_SCORES),
        description=(
            "Per-entity minimum scores that take the place of min_score. By default "
            "PHONE_NUMBER is reported from 0.4: presidio gives a valid phone number 0.4 "
            "unless a word such as 'phone', 'mobile' or 'called' stands just before it "
            "('call' itself never counts: it is a stop word). Set {} to use min_score alone."
        ),
    )
    operator: Literal["replace", "mask", "hash"] = Field(
        default="replace",
        description=(
            "How a redacted value is replaced: `replace` with the template, `mask` with "
            "mask_char keeping the last characters, `hash` with a keyed HMAC digest."
        ),
    )
    template: str = Field(
        default="<{entity}>",
        description="Replacement for operator `replace`; `{entity}` becomes the entity type.",
    )
    mask_char: str = Field(
        default="*",
        min_length=1,
        max_length=1,
        description="Character that hides a masked value (operator `mask`).",
    )
    mask_keep_last: int = Field(
        default=4,
        ge=0,
        description=(
            "Characters left visible at the end of a masked value, never more than half "
            "of it (operator `mask`). Spaces, dashes, dots, slashes and brackets stay."
        ),
    )
    hash_key_env: str = Field(
        default="GUARDPROXY_REDACTION_KEY",
        min_length=1,
        description="Environment variable holding the HMAC key for operator `hash`.",
    )
    allow_list: tuple[str, ...] = Field(
        default=(),
        description="Exact values never reported (compared case-insensitively).",
    )
    max_text_chars: int = Field(
        default=100_000,
        gt=0,
        description=(
            "Longest text analysed; a longer one is a check error that the policy "
            "entry's on_error handles (analysis cannot be stopped once it has begun)."
        ),
    )

    @field_validator("entities", mode="before")
    @classmethod
    def _normalise_entities(cls, value: object) -> object:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list | tuple):
            return tuple(v.strip().upper() if isinstance(v, str) else v for v in value)
        return value

    @field_validator("entities")
    @classmethod
    def _known_entities(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        try:
            return validate_entities(value)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("deny_lists")
    @classmethod
    def _deny_lists_shape(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for entity, terms in value.items():
            terms = tuple(t for t in terms if t.strip())
            if not terms:
                raise ValueError(f"deny list {entity!r} holds no terms")
            out[_custom_entity(entity)] = terms
        return out

    @property
    def custom_recognizers(self) -> tuple[tuple[Any, ...], ...]:
        """The declared recognizers as plain tuples the worker processes can cache on."""
        specs: list[tuple[Any, ...]] = [
            ("pattern", p.entity, p.regex, p.score, p.context) for p in self.patterns
        ]
        specs += [("deny", entity, terms) for entity, terms in sorted(self.deny_lists.items())]
        return tuple(specs)

    @field_validator("entity_min_scores", mode="before")
    @classmethod
    def _normalise_entity_min_scores(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k.strip().upper() if isinstance(k, str) else k: v for k, v in value.items()}
        return value

    @field_validator("entity_min_scores")
    @classmethod
    def _entity_min_scores_valid(cls, value: dict[str, float]) -> dict[str, float]:
        try:
            validate_entities(value)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        for entity, score in value.items():
            if not 0.0 <= score <= 1.0:
                raise ValueError(f"score for {entity} must be in [0, 1], got {score:g}")
        return value

    def threshold_for(self, entity: str) -> float:
        """The minimum score at which entity is reported."""
        return self.entity_min_scores.get(entity, self.min_score)

    def analysis_threshold(self) -> float:
        """The lowest threshold among the configured entities (what presidio is asked for)."""
        return min(self.threshold_for(entity) for entity in self.entities)

    @field_validator("template")
    @classmethod
    def _template_names_entity(cls, value: str) -> str:
        if "{entity}" not in value:
            raise ValueError("template must contain {entity}, e.g. '<{entity}>'")
        return value

    @field_validator("allow_list")
    @classmethod
    def _allow_list_not_blank(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return no_blank_items(value, "allow_list")


def mask_value(value: str, *, mask_char: str, keep_last: int) -> str:
    """Hide value behind mask_char, keeping separators and at most keep_last characters.

    Never reveals more than half of the value's characters, so a short value is not
    shown whole.
    """
    significant = [i for i, ch in enumerate(value) if ch not in _MASK_SEPARATORS]
    keep = min(keep_last, len(significant) // 2)
    visible = set(significant[len(significant) - keep :]) if keep else set()
    return "".join(
        ch if ch in _MASK_SEPARATORS or i in visible else mask_char for i, ch in enumerate(value)
    )


def hash_value(entity: str, value: str, key: bytes) -> str:
    """`<ENTITY:digest>` with the first hex digits of HMAC-SHA256(key, value)."""
    digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"<{entity}:{digest[:_HASH_HEX_CHARS]}>"


_VALUE_CHARS = frozenset("@._%+-:/#()'")
"""Besides letters and digits, characters inside e-mail addresses, URLs, phone and card
numbers, IBANs, IP addresses and names (O'Brien)."""


_SENTENCE_ENDS = (". ", "? ", "! ", "\n", "\u3002", "\uff01", "\uff1f")


def pii_hold_from(window: str, limit: int, *, ner: bool = False) -> int:
    """Where a value that may still continue past the window's end begins.

    Pattern entities grow at the trailing run of value characters (an e-mail address, a
    number written in groups like "4111 1111", a URL). With NER (ner=True) the unfinished
    last sentence is held too: names are read from their sentence. Without NER, a run of
    capitalised words before the end is held (a deny-listed name may continue). A window
    that ends after a finished sentence, or an ordinary word, holds nothing more. Never
    more than limit characters back.
    """
    lowest = max(0, len(window) - limit)
    i = len(window)
    while i > lowest:
        c = window[i - 1]
        if c.isalnum() or c in _VALUE_CHARS:
            i -= 1
        elif (
            c == " "
            and i >= 2
            and (window[i - 2].isdigit() or window[i - 2] == ")")
            and (i == len(window) or window[i].isdigit() or window[i] == "(")
        ):
            # a space inside a grouped number ("415 555 0132", "DE89 3704"), or after a
            # group at the window's end, where the next group may follow
            i -= 1
        else:
            break
    if ner:
        # NER reads a name from its whole sentence (a window that cuts a sentence can turn
        # a name it would find into one it misses): the unfinished sentence stays held
        ends = [
            found + len(mark)
            for mark in _SENTENCE_ENDS
            if (found := window.rfind(mark, lowest, i)) >= 0
        ]
        return min(i, max(ends)) if ends else lowest
    while i > lowest and window[i - 1] in " \t":
        start = i - 1
        while start > lowest and window[start - 1] in " \t":
            start -= 1
        word = start
        while word > lowest and (window[word - 1].isalpha() or window[word - 1] in "'.-"):
            word -= 1
        if word < start and window[word].isupper():
            i = word  # a capitalised word: the name it may start is held whole
        else:
            break
    return i


def _merge_same_type(detections: list[Detection]) -> list[Detection]:
    """Overlapping detections of one entity type as one detection over their union.

    Two recognizers often see the same name with different edges ("Ping Xiaoling" and
    "Ping Xiaoling Zhou"); keeping only one of them would let the rest of the name
    through. The merged detection keeps the best score and its recognizer.
    """
    merged: list[Detection] = []
    for d in sorted(detections, key=lambda d: (d[0], d[1], d[2])):
        last = merged[-1] if merged else None
        if last is not None and last[0] == d[0] and d[1] < last[2]:
            best = last if last[3] >= d[3] else d
            merged[-1] = (d[0], last[1], max(last[2], d[2]), best[3], *best[4:])
        else:
            merged.append(d)
    return merged


def resolve_overlaps(detections: list[Detection]) -> list[Detection]:
    """Keep non-overlapping detections (overlaps of one type merged first).

    A pattern entity (its format, and often a checksum, was verified) beats an NER guess on
    the same characters: spaCy scores every guess 0.85, which would otherwise turn IP
    addresses into PERSON and phone numbers into DATE_TIME. Then the higher score wins,
    then the longer span.
    """
    ranked = sorted(
        _merge_same_type(detections),
        key=lambda d: (d[0] in NER_ENTITIES, -d[3], -(d[2] - d[1]), d[1], d[0]),
    )
    kept: list[Detection] = []
    for candidate in ranked:
        _, start, end, *_ = candidate
        if all(end <= k[1] or start >= k[2] for k in kept):
            kept.append(candidate)
    kept.sort(key=lambda d: (d[1], d[2]))
    return kept


class PiiCheck(Check[PiiOptions]):
    """Finds personal data (names, e-mail addresses, phone and card numbers, ...)."""

    name = "pii"
    options_model = PiiOptions
    streamable = True
    default_action = "redact"
    uses_offloader = True
    needs_full_text = False

    def __init__(self, options: PiiOptions) -> None:
        super().__init__(options)
        self._allowed = frozenset(value.strip().casefold() for value in options.allow_list)
        self._analysis_threshold = options.analysis_threshold()
        custom = [spec[1] for spec in options.custom_recognizers]
        self._entities = tuple(dict.fromkeys((*options.entities, *custom)))
        self._uses_ner = any(e in NER_ENTITIES for e in self._entities)
        self._offloader: Offloader | None = None
        self._hash_key: bytes | None = None

    @property
    def lookahead_chars(self) -> int:
        return _LOOKAHEAD_CHARS

    dynamic_hold = True

    def hold_from(self, window: str) -> int:
        return pii_hold_from(window, _LOOKAHEAD_CHARS, ner=self._uses_ner)

    async def start(self, offloader: Offloader) -> None:
        if self.options.operator == "hash":
            key = os.environ.get(self.options.hash_key_env, "")
            if not key:
                raise ConfigError(
                    f"pii: operator 'hash' needs a secret key in the environment variable "
                    f"{self.options.hash_key_env}"
                )
            self._hash_key = key.encode("utf-8")
        self._offloader = offloader

    async def run(self, text: str, ctx: CheckContext) -> CheckResult:
        if self._offloader is None:
            raise CheckError("pii: run() called before start()")
        if len(text) > self.options.max_text_chars:
            raise CheckError(
                f"pii: text of {len(text)} characters is over max_text_chars="
                f"{self.options.max_text_chars}"
            )
        if not text.strip():
            return CheckResult()
        try:
            args = (text, self._entities, self._analysis_threshold, "en")
            custom = self.options.custom_recognizers
            batching = getattr(self._offloader, "analyze_text", None)
            if batching is not None:  # the worker pool batches texts while it is busy
                _pid, detections = await batching(*args, custom)
            else:
                _pid, detections = await self._offloader.run(analyze_text, *args, custom)
        except CheckError:
            raise
        except Exception as exc:
            # Not chained: a third-party exception may carry the text it choked on.
            logger.warning(
                "pii analysis failed for request %s: %s", ctx.request_id, type(exc).__name__
            )
            raise CheckError(f"pii: analysis failed ({type(exc).__name__})") from None

        kept = resolve_overlaps(
            [
                d
                for d in detections
                if d[3] >= self.options.threshold_for(d[0])
                and text[d[1] : d[2]].strip().casefold() not in self._allowed
            ]
        )
        findings = tuple(
            self._finding(text, entity, start, end, score, recognizer)
            for entity, start, end, score, recognizer in kept
        )
        score = max((f.score for f in findings), default=0.0)
        return CheckResult(findings=findings, score=score)

    def _finding(
        self, text: str, entity: str, start: int, end: int, score: float, recognizer: str
    ) -> Finding:
        return Finding(
            check=self.name,
            category=entity,
            start=start,
            end=end,
            score=score,
            message=f"{entity} detected by {recognizer}" if recognizer else f"{entity} detected",
            replacement=self._replacement(entity, text[start:end]),
            detector=recognizer or None,
        )

    def _replacement(self, entity: str, value: str) -> str:
        options = self.options
        if options.operator == "mask":
            return mask_value(value, mask_char=options.mask_char, keep_last=options.mask_keep_last)
        if options.operator == "hash":
            if self._hash_key is None:
                raise CheckError("pii: hash key missing; start() was not called")
            return hash_value(entity, value, self._hash_key)
        return options.template.replace("{entity}", entity)


__all__ = ["SUPPORTED_ENTITIES", "PiiCheck", "PiiOptions"]
