"""The `hallucination` check: how likely an answer says things its sources do not support.

Every answer gets a risk score in [0, 1] (`CheckResult.score`, whatever the threshold), and
so does every sentence. At or above `threshold` the check reports a `hallucination_risk`
finding and appends a disclaimer (English or Japanese, by the answer's script).

**With sources** (`CheckContext.sources`), each sentence is looked up in a BM25 index of
the sources' passages (`guardproxy.grounding.support`) and compared with the passage and
with the single source sentence it aligns with. Its risk is a logistic function of these
signals (weights in `SENTENCE_WEIGHTS`):

- words of the sentence the passage lacks (idf-weighted), and the passage's support score;
- numbers and names that no source holds;
- numbers and names the sources hold but not in the passage, or in place of another
  number or name of the aligned sentence (a swap);
- the opposite polarity of the aligned source sentence (a negation);
- hedging; a contradiction with another sentence of the answer; URLs the sources do not
  hold or that do not look real.

Assistant small talk ("I hope this helps") asserts nothing and is not scored. The
answer's score comes from its riskiest sentence, whose odds are divided by the number of
sentences scored: one unsupported sentence is enough to flag an answer, while a long
faithful answer, which has more chances of one awkward paraphrase, scores like a short one
(a Bonferroni-style correction; without it the score grows with the length).

**Without sources** nothing can be checked, so the score measures how many specific,
checkable claims the answer makes (numbers, dates, names, quotes, URLs; see
`signals.specificity`): the mean over sentences, times `no_sources_weight` (default
0.3), so that an answer without sources scores lower than a contradicted one and general
statements score 0. With the default threshold such an answer is flagged when its
sentences average a specificity of 0.5 (about a number and a name in every sentence).
Set the weight to 0 to score such answers 0.

**Remote judge** (optional `remote`): an OpenAI-compatible model rates the answer against
its sources; its score is blended with the built-in one by `remote.weight`. If it fails
or times out, the built-in score stands and the annotation data says so. It is not asked
when there are no sources.

**Token log-probabilities**: when the upstream returned them (OpenAI `logprobs: true`,
non-streamed), `guardproxy.grounding.signals.logprob_risk` turns them into a risk that is
blended in by `logprob_weight` (default 0.2); the annotation data records it.

Unsupported sentences (risk >= `sentence_threshold`; without sources, specificity >=
`sentence_threshold`) are reported as `unsupported_sentence` findings with their spans:
with action annotate when the answer is flagged, and with action allow (recorded, no
effect) when it is not. The disclaimer's annotation data holds the score, the built-in
score, the remote judge's outcome, every scored sentence as [start, end, risk], and the
unsupported sentences with the names of their signals. Findings and annotation data hold
scores, spans and signal names, never the text.

The check runs inline on the event loop: about 3 ms of CPU per 1 KB of answer with a
1 KB source, 5 ms with 4 KB of sources (`python -m loadtest.grounding.evaluate`);
`max_sentences` bounds the work on very long answers.
"""

from __future__ import annotations

import math
import string
from collections.abc import Container, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from guardproxy.checks.base import (
    Action,
    Annotation,
    Check,
    CheckContext,
    CheckOptions,
    CheckResult,
    Finding,
    Offloader,
    Source,
)
from guardproxy.grounding.remote import RemoteScorer, RemoteScorerOptions, combine
from guardproxy.grounding.signals import (
    KnownNames,
    contradicting,
    hedged,
    is_small_talk,
    logprob_risk,
    names,
    negated,
    specificity,
    url_risk,
)
from guardproxy.grounding.support import SourceIndex, Support, index_for
from guardproxy.grounding.text import (
    Mention,
    is_japanese,
    normalize_url,
    number_key,
    numbers,
    split_sentences,
    tokenize,
    urls,
)
from guardproxy.lang import pick_language
from guardproxy.modelservice import ModelServiceError, ModelServiceTimeout

DEFAULT_EN = (
    "Parts of this answer may not be supported by the sources provided. Check names, "
    "numbers and dates against the sources before relying on them."
)
DEFAULT_JA = (
    "この回答の一部は、提示された資料で裏付けられていない可能性があります。"
    "名前・数値・日付は資料と照らし合わせてからご利用ください。"
)
DEFAULT_NO_SOURCES_EN = (
    "This answer makes specific claims that no source was provided to check. Verify "
    "names, numbers and dates before relying on them."
)
DEFAULT_NO_SOURCES_JA = (
    "この回答には、確認できる資料のない具体的な記述が含まれています。"
    "名前・数値・日付はご利用の前に確認してください。"
)

FEATURES = (
    "unsupported_words",
    "weak_support",
    "unsourced_numbers",
    "unsourced_names",
    "misplaced_numbers",
    "misplaced_names",
    "loose_details",
    "negation",
    "anchored",
    "hedge",
    "contradiction",
    "url",
)
"""Signals of one sentence, in the order of `SENTENCE_WEIGHTS` (see the module docstring).
Counts are capped at 2; the others are in [0, 1]."""

SENTENCE_BIAS = -3.20
SENTENCE_WEIGHTS = (2.00, 4.37, 4.58, 5.43, 0.80, 7.35, 1.48, 6.02, -3.16, 0.8, 3.0, 5.0)
"""Logistic weights of `FEATURES`: a logistic regression on the sentences of the dev split
of `loadtest/grounding` (`python -m loadtest.grounding.fit`), except hedge, contradiction
and url, which that set does not exercise and are set by hand."""


def _template(value: str) -> str:
    """A disclaimer template: text with at most the placeholder {score}."""
    for _, name, spec, conversion in string.Formatter().parse(value):
        if name is not None and (name != "score" or conversion):
            raise ValueError("the only placeholder allowed is {score}")
        if name == "score" and spec:
            raise ValueError("write {score} without a format spec")
    return value


class HallucinationOptions(CheckOptions):
    threshold: float = Field(
        default=0.15,
        ge=0.0,
        le=1.0,
        description="Answers scoring at or above this get a hallucination_risk finding and "
        "the disclaimer; the score itself is always reported. The default is the threshold "
        "that best separates hallucinated from faithful answers (Youden's J) on the dev "
        "split of loadtest/grounding; faithful answers there score 0.03 on average.",
    )
    sentence_threshold: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="A sentence whose risk is at or above this counts as unsupported: its "
        "span is listed in the annotation data and reported as a finding.",
    )
    sentence_findings: bool = Field(
        default=True, description="Report each unsupported sentence as a finding with its span."
    )
    no_sources_weight: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description="Scale of the score of an answer without sources (the density of its "
        "specific, checkable claims); 0 scores such answers 0.",
    )
    max_sentences: int = Field(
        default=200,
        ge=1,
        le=10_000,
        description="Sentences scored per answer; later ones are not scored (recorded as "
        "truncated in the annotation data).",
    )
    language: Literal["auto", "en", "ja"] = Field(
        default="auto", description="auto picks Japanese when the answer contains Japanese script."
    )
    text_en: str = Field(
        default=DEFAULT_EN,
        min_length=1,
        description="English disclaimer when sources were given; {score} is replaced.",
    )
    text_ja: str = Field(
        default=DEFAULT_JA,
        min_length=1,
        description="Japanese disclaimer when sources were given; {score} is replaced.",
    )
    no_sources_text_en: str = Field(
        default=DEFAULT_NO_SOURCES_EN,
        min_length=1,
        description="English disclaimer for an answer without sources; {score} is replaced.",
    )
    no_sources_text_ja: str = Field(
        default=DEFAULT_NO_SOURCES_JA,
        min_length=1,
        description="Japanese disclaimer for an answer without sources; {score} is replaced.",
    )
    logprob_weight: float = Field(
        default=0.2,
        ge=0.0,
        le=1.0,
        description="Weight of the token log-probability risk when the upstream sent "
        "log-probabilities (0 ignores them).",
    )
    remote: RemoteScorerOptions | None = Field(
        default=None,
        description="An optional external judge model blended in by remote.weight; on "
        "failure the built-in score is used alone.",
    )

    @field_validator("text_en", "text_ja", "no_sources_text_en", "no_sources_text_ja")
    @classmethod
    def _valid_template(cls, value: str) -> str:
        return _template(value)


@dataclass(frozen=True, slots=True)
class SentenceRisk:
    """One sentence of an answer: its span, risk and the signals that raised it."""

    start: int
    end: int
    risk: float
    signals: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Assessment:
    """The built-in scoring of one answer."""

    score: float
    mode: Literal["sources", "no_sources"]
    sentences: tuple[SentenceRisk, ...]
    truncated: bool = False
    scale: float = 1.0
    """The highest risk a sentence can reach (`no_sources_weight` without sources)."""

    def unsupported(self, threshold: float) -> list[SentenceRisk]:
        """Sentences whose risk reaches threshold, on the scale of their mode: without
        sources, those whose specificity does."""
        return [r for r in self.sentences if r.risk > 0.0 and r.risk >= threshold * self.scale]


def _sigmoid(x: float) -> float:
    if x < -700:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))


def _keys(found: Sequence[Mention]) -> set[tuple[int, int]]:
    return {(m.start, m.end) for m in found}


@dataclass(frozen=True, slots=True)
class Statement:
    """A sentence (of an answer or a source) reduced to what is compared."""

    start: int
    end: int
    text: str
    terms: frozenset[str]
    numbers: frozenset[str]
    """Number keys (`text.number_key`)."""
    names: tuple[frozenset[str], ...]
    """The content words of each name."""
    negated: bool
    number_mentions: tuple[Mention, ...]
    name_mentions: tuple[Mention, ...]
    """Names with at least one content word."""

    @classmethod
    def of(cls, start: int, end: int, text: str, known: Container[str]) -> Statement:
        found_numbers = tuple(numbers(text))
        found_names = []
        name_terms = []
        for m in names(text, known):
            terms = frozenset(tokenize(m.norm))
            if terms:
                found_names.append(m)
                name_terms.append(terms)
        return cls(
            start,
            end,
            text,
            frozenset(tokenize(text)),
            frozenset(number_key(m.norm) for m in found_numbers),
            tuple(name_terms),
            negated(text),
            found_numbers,
            tuple(found_names),
        )


class Grounds:
    """What the sentences of one answer are compared with, built once per answer.

    Source sentences are split and reduced only when a passage of their source supports
    some sentence of the answer.
    """

    __slots__ = ("_sentences", "index", "names", "sources", "urls")

    def __init__(self, sources: Sequence[Source], index: SourceIndex | None = None) -> None:
        self.sources = tuple(sources)
        self.index = index if index is not None else SourceIndex.build(self.sources)
        self.names = KnownNames([s.text for s in self.sources] + [s.title or "" for s in sources])
        self.urls = source_urls(self.sources)
        self._sentences: dict[int, list[Statement]] = {}

    @classmethod
    def build(cls, sources: Sequence[Source], index: SourceIndex | None = None) -> Grounds:
        return cls(sources, index)

    def source_sentences(self, source_index: int) -> list[Statement]:
        found = self._sentences.get(source_index)
        if found is None:
            text = self.sources[source_index].text
            found = self._sentences[source_index] = [
                Statement.of(x.start, x.end, x.text, self.names) for x in split_sentences(text)
            ]
        return found

    def aligned(self, support: Support, terms: frozenset[str]) -> Statement | None:
        """The sentence of the supporting passage that shares the most words with terms."""
        best: Statement | None = None
        best_overlap = -1
        for sentence in self.source_sentences(support.source_index):
            if sentence.start < support.start or sentence.end > support.end:
                continue
            overlap = len(terms & sentence.terms)
            if overlap > best_overlap:
                best, best_overlap = sentence, overlap
        return best


def sentence_features(claim: Statement, grounds: Grounds, contradicted: bool) -> tuple[float, ...]:
    """The `FEATURES` of one answer sentence against the grounds of its answer."""
    index = grounds.index
    text = claim.text
    nums = claim.number_mentions
    support = index.support(text)
    aligned: Statement | None = None
    if support is None:
        unsourced_nums, unsourced_names = index.unsourced(text)
        lexical, score = 0.0, 0.0
        passage_missing: set[tuple[int, int]] = set()
    else:
        unsourced_nums, unsourced_names = support.unsourced_numbers, support.unsourced_entities
        lexical, score = support.lexical, support.score
        passage_missing = _keys(support.missing_numbers) | _keys(support.missing_entities)
        aligned = grounds.aligned(support, claim.terms)
    unsourced = _keys(unsourced_nums) | _keys(unsourced_names)
    # compare numbers and names with the source sentence the sentence aligns with: one of
    # ours missing while one of theirs goes unused is a swap; missing alone may be a
    # sentence that merges two source sentences. A name of theirs that shares a word with
    # ours is not unused ("Bianchi" refers to "Thomas Bianchi").
    spare_num = aligned is not None and not aligned.numbers <= claim.numbers
    spare_name = aligned is not None and any(
        claim.terms.isdisjoint(terms) for terms in aligned.names
    )
    misplaced_nums = loose = misplaced_names = 0
    for m in nums:
        span = (m.start, m.end)
        if span in unsourced:
            continue
        held = aligned is None or number_key(m.norm) in aligned.numbers
        if span in passage_missing or (not held and spare_num):
            misplaced_nums += 1
        elif not held:
            loose += 1
    for m, terms in zip(claim.name_mentions, claim.names, strict=True):
        span = (m.start, m.end)
        if span in unsourced:
            continue
        held = aligned is None or terms <= aligned.terms
        if span in passage_missing or (not held and spare_name):
            misplaced_names += 1
        elif not held:
            loose += 1
    anchored = bool(nums) and not (_keys(nums) & (passage_missing | unsourced))
    url_score = max((url_risk(u.text, grounds.urls) for u in urls(text)), default=0.0)
    return (
        1.0 - lexical,
        1.0 - score,
        float(min(len(unsourced_nums), 2)),
        float(min(len(unsourced_names), 2)),
        float(min(misplaced_nums, 2)),
        float(min(misplaced_names, 2)),
        float(min(loose, 2)),
        1.0 if aligned is not None and claim.negated != aligned.negated else 0.0,
        1.0 if anchored else 0.0,
        1.0 if hedged(text) else 0.0,
        1.0 if contradicted else 0.0,
        url_score,
    )


def sentence_logit(features: Sequence[float]) -> float:
    """The log-odds that a sentence with these `FEATURES` is unsupported."""
    return SENTENCE_BIAS + sum(w * x for w, x in zip(SENTENCE_WEIGHTS, features, strict=True))


def sentence_risk(features: Sequence[float]) -> float:
    """The risk in [0, 1] that a sentence with these `FEATURES` is unsupported."""
    return _sigmoid(sentence_logit(features))


def _raised(features: Sequence[float]) -> tuple[str, ...]:
    """Names of the signals that pushed a sentence's risk up the most."""
    parts = [
        (w * x, name)
        for name, w, x in zip(FEATURES, SENTENCE_WEIGHTS, features, strict=True)
        if w * x >= 0.5
    ]
    return tuple(name for _, name in sorted(parts, reverse=True))


def source_urls(sources: Sequence[Source]) -> frozenset[str]:
    found = {normalize_url(u.text) for s in sources for u in urls(s.text)}
    found.update(normalize_url(s.url) for s in sources if s.url)
    return frozenset(found)


def assess(
    text: str,
    sources: Sequence[Source],
    *,
    no_sources_weight: float = 0.3,
    max_sentences: int = 200,
    index: SourceIndex | None = None,
) -> Assessment:
    """Score an answer against its sources (see the module docstring).

    index, when given, is the request's index over these same sources (built once per
    request and shared with the citations check).
    """
    all_sentences = split_sentences(text)
    sentences = all_sentences[:max_sentences]
    truncated = len(all_sentences) > len(sentences)
    claims = [s for s in sentences if tokenize(s.text) and not is_small_talk(s.text)]
    if not any(src.text.strip() or src.title for src in sources):
        risks = tuple(
            SentenceRisk(s.start, s.end, round(no_sources_weight * specificity(s.text), 4), ())
            for s in claims
        )
        density = sum(r.risk for r in risks) / len(sentences) if sentences else 0.0
        return Assessment(round(density, 4), "no_sources", risks, truncated, no_sources_weight)
    grounds = Grounds.build(sources, index)
    statements = [Statement.of(s.start, s.end, s.text, grounds.names) for s in claims]
    contradicted = contradicting([(st.terms, st.numbers, st.negated) for st in statements])
    out = []
    worst = -math.inf
    for i, st in enumerate(statements):
        features = sentence_features(st, grounds, i in contradicted)
        z = sentence_logit(features)
        worst = max(worst, z)
        out.append(SentenceRisk(st.start, st.end, round(_sigmoid(z), 4), _raised(features)))
    # the riskiest sentence, its odds divided by the number of sentences: each sentence is
    # one more chance of a false alarm, so a long faithful answer scores like a short one
    score = round(_sigmoid(worst - math.log(len(out))), 4) if out else 0.0
    return Assessment(score, "sources", tuple(out), truncated)


def _token_risk(logprobs: Sequence[float]) -> float | None:
    """The log-probability risk, or None without (or with unusable) log-probabilities."""
    if not logprobs:
        return None
    try:
        return logprob_risk(logprobs)
    except ValueError:  # an upstream sent values that are not log-probabilities
        return None


class HallucinationCheck(Check[HallucinationOptions]):
    """Scores how far an answer strays from its sources; annotates above the threshold."""

    name: ClassVar[str] = "hallucination"
    options_model = HallucinationOptions
    streamable = False
    needs_full_text = True
    default_action = "annotate"
    uses_sources = True

    def __init__(self, options: HallucinationOptions) -> None:
        super().__init__(options)
        self._remote: RemoteScorer | None = None

    async def start(self, offloader: Offloader) -> None:
        if self.options.remote is not None:
            self._remote = RemoteScorer(self.options.remote)
            await self._remote.start()

    async def close(self) -> None:
        if self._remote is not None:
            remote, self._remote = self._remote, None
            await remote.close()

    async def _remote_score(
        self, text: str, ctx: CheckContext, builtin: float
    ) -> tuple[float, dict[str, Any] | None]:
        remote = self._remote
        if remote is None:
            return builtin, None
        weight = remote.options.weight
        if not ctx.sources:
            return builtin, {"status": "skipped_no_sources", "weight": weight}
        try:
            value = await remote.score(
                [s.text for s in ctx.sources], text, request_id=ctx.request_id
            )
        except ModelServiceError as exc:
            status = "timeout" if isinstance(exc, ModelServiceTimeout) else "error"
            return builtin, {"status": status, "error": type(exc).__name__, "weight": weight}
        return combine(builtin, value, weight), {
            "status": "ok",
            "score": round(value, 4),
            "weight": weight,
        }

    async def run(self, text: str, ctx: CheckContext) -> CheckResult:
        opts = self.options
        result = assess(
            text,
            ctx.sources,
            no_sources_weight=opts.no_sources_weight,
            max_sentences=opts.max_sentences,
            index=index_for(ctx) if ctx.sources else None,
        )
        score, remote = await self._remote_score(text, ctx, result.score)
        token_risk = _token_risk(ctx.logprobs)
        if token_risk is not None and opts.logprob_weight > 0:
            score = combine(score, token_risk, opts.logprob_weight)
        score = round(score, 4)
        flagged = score >= opts.threshold
        unsupported = result.unsupported(opts.sentence_threshold)
        findings: list[Finding] = []
        if flagged:
            findings.append(
                Finding(
                    self.name,
                    "hallucination_risk",
                    None,
                    None,
                    score,
                    f"hallucination risk {score:.2f}, {len(unsupported)} unsupported "
                    f"sentence(s), {result.mode.replace('_', ' ')}",
                )
            )
        if opts.sentence_findings:
            findings.extend(
                Finding(
                    self.name,
                    "unsupported_sentence",
                    r.start,
                    r.end,
                    r.risk,
                    "unsupported sentence: " + (", ".join(r.signals) or "specific claims"),
                    action=Action.ANNOTATE if flagged else Action.ALLOW,
                )
                for r in unsupported
            )
        if not flagged:
            return CheckResult(findings=tuple(findings), score=score)
        language = pick_language(opts.language, text, is_japanese)
        if result.mode == "sources":
            template = opts.text_ja if language == "ja" else opts.text_en
        else:
            template = opts.no_sources_text_ja if language == "ja" else opts.no_sources_text_en
        data: dict[str, Any] = {
            "score": score,
            "builtin_score": result.score,
            "threshold": opts.threshold,
            "mode": result.mode,
            "language": language,
            "sentences_scored": len(result.sentences),
            "truncated": result.truncated,
            "sentences": [[r.start, r.end, r.risk] for r in result.sentences],
            "unsupported": [
                {"start": r.start, "end": r.end, "risk": r.risk, "signals": list(r.signals)}
                for r in unsupported
            ],
        }
        if remote is not None:
            data["remote"] = remote
        if token_risk is not None:
            data["logprob_risk"] = token_risk
        return CheckResult(
            findings=tuple(findings),
            score=score,
            annotations=(
                Annotation(
                    self.name, "disclaimer", template.replace("{score}", f"{score:.2f}"), data
                ),
            ),
        )
