"""guardproxy's own recognizers, run through a real analyzer on the real spaCy pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from guardproxy.checks.pii import resolve_overlaps
from guardproxy.nlp import gazetteers
from guardproxy.nlp.engine import analyze
from guardproxy.nlp.markup import hide_markup, recase_for_ner

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

ENTITIES = ["PERSON", "LOCATION", "EMAIL_ADDRESS", "IP_ADDRESS", "US_SSN", "CREDIT_CARD"]


def found(analyzer: AnalyzerEngine, text: str, min_score: float = 0.5) -> list[tuple[str, str]]:
    detections = resolve_overlaps(analyze(analyzer, text, ENTITIES, min_score))
    return [(entity, text[start:end]) for entity, start, end, *_ in detections]


def detectors(analyzer: AnalyzerEngine, text: str, value: str) -> set[str]:
    """The recognizers that find exactly this value on their own, before presidio keeps
    only the best-scored of equal detections and before any context words."""
    plain = hide_markup(text)
    return {
        recognizer.name
        for recognizer in analyzer.registry.recognizers
        if recognizer.name != "SpacyRecognizer"
        for r in recognizer.analyze(plain, ENTITIES, None)
        if text[r.start : r.end] == value
    }


# --- markup and casing -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail _ana@example.org_ now", "mail  ana@example.org  now"),
        ("**10.0.0.7** and `x`", "  10.0.0.7   and  x "),
        ("first_last@example.org", "first_last@example.org"),
        ("__init__ of ~~old~~", "  init   of   old  "),
    ],
)
def test_markup_becomes_spaces_and_keeps_offsets(text: str, expected: str) -> None:
    assert hide_markup(text) == expected
    assert len(hide_markup(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KWAME TANAKA PAID WITH CARD", "Kwame Tanaka Paid With Card"),
        ("SENT TO K.T@WEB.DE BY DE89370400", "Sent To K.T@WEB.DE By DE89370400"),
        ("Kwame Tanaka paid", "Kwame Tanaka paid"),
        ("GROSSE STRASSE IN KÖLN", "Grosse Strasse In Köln"),
    ],
)
def test_text_in_capitals_is_recased_for_ner_only(text: str, expected: str) -> None:
    assert recase_for_ner(text) == expected
    assert len(recase_for_ner(text)) == len(text)


def test_values_in_markdown_emphasis_are_found(analyzer: AnalyzerEngine) -> None:
    text = "Reach _ana.silva@example.org_ from **10.20.30.40**, card `4111 1111 1111 1111`."
    assert set(found(analyzer, text)) >= {
        ("EMAIL_ADDRESS", "ana.silva@example.org"),
        ("IP_ADDRESS", "10.20.30.40"),
        ("CREDIT_CARD", "4111 1111 1111 1111"),
    }


def test_names_in_a_text_in_capitals_are_found(analyzer: AnalyzerEngine) -> None:
    text = "BOOKING FOR SIOBHAN MOORE CONFIRMED BY THE DESK."
    assert ("PERSON", "SIOBHAN MOORE") in found(analyzer, text)


# --- street addresses --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Ship it to 7211 Maple Drive, Apt 7D, please.", "7211 Maple Drive, Apt 7D"),
        ("SHIP IT TO 4544 CHURCH COURT TODAY", "4544 CHURCH COURT"),
        ("Our office is at 221B Baker Street.", "221B Baker Street"),
        ("Die Adresse ist Hauptstraße 5 in Köln.", "Hauptstraße 5"),
        ("Livraison au 12 rue de la Paix demain.", "12 rue de la Paix"),
        ("my home address is 248 maple court now", "248 maple court"),
    ],
)
def test_street_addresses_are_locations(analyzer: AnalyzerEngine, text: str, address: str) -> None:
    assert ("LOCATION", address) in found(analyzer, text)
    assert "StreetAddressRecognizer" in detectors(analyzer, text, address)


@pytest.mark.parametrize(
    "text",
    [
        "it takes 10 minutes walk from here",
        "we saw 248 maple court records",  # lowercase, no word like "address" nearby
        "version 2 drive firmware",
    ],
)
def test_lowercase_phrases_without_address_words_are_not_addresses(
    analyzer: AnalyzerEngine, text: str
) -> None:
    assert not [v for e, v in found(analyzer, text) if e == "LOCATION" and v[0].isdigit()]


def test_an_address_beats_the_models_person_guess(analyzer: AnalyzerEngine) -> None:
    text = "Billing address for Rahul H. Nielsen: 5788 Mill Boulevard, Madrid."
    result = found(analyzer, text)
    assert ("LOCATION", "5788 Mill Boulevard") in result
    assert ("PERSON", "Mill Boulevard") not in result


# --- names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "recognizer"),
    [
        ("Please call Ms. Quellwater tomorrow.", "Ms. Quellwater", "TitledNameRecognizer"),
        ("CALL DR. QUELLWATER TOMORROW AT NOON", "DR. QUELLWATER", "TitledNameRecognizer"),
        ("Hello, my name is Zorvath Quellin.", "Zorvath Quellin", "TitledNameRecognizer"),
        ("Hi Zorvath, the order shipped.", "Zorvath", "TitledNameRecognizer"),
        ("Follow up with Agnieszka next week.", "Agnieszka", "GivenNameRecognizer"),
        ("Invoice for Siobhan Dlamini attached.", "Siobhan Dlamini", "GivenNameRecognizer"),
    ],
)
def test_names_are_found_by_their_rule(
    analyzer: AnalyzerEngine, text: str, name: str, recognizer: str
) -> None:
    # another recognizer may see a longer name; the two are then redacted as one
    assert any(e == "PERSON" and name in v for e, v in found(analyzer, text))
    assert recognizer in detectors(analyzer, text, name)


def test_a_name_spelled_out_by_an_email_address_is_found_in_any_case(
    analyzer: AnalyzerEngine,
) -> None:
    text = "contact zorvath quellin (zquellin@example.org) about the refund."
    assert ("PERSON", "zorvath quellin") in found(analyzer, text)
    assert "EmailNameRecognizer" in detectors(analyzer, text, "zorvath quellin")


def test_words_inside_urls_and_addresses_are_not_names(analyzer: AnalyzerEngine) -> None:
    text = "Blocked after 40 requests to https://example.org/u/agnieszka12 and agnieszka.dev/x."
    assert not [v for e, v in found(analyzer, text) if e == "PERSON"]


@pytest.mark.parametrize(
    "text",
    [
        "Stellan Partners signed the lease.",
        "The Nova S400 ships with a charger.",
        "Grace under pressure matters.",
        "Deploy 3.7.3 finished; payment A-06883 settled.",
        "the server restarted at noon.",
        "Latency stayed under 5 ms overall.",
    ],
)
def test_organisations_products_and_words_are_not_people(
    analyzer: AnalyzerEngine, text: str
) -> None:
    assert not [v for e, v in found(analyzer, text) if e == "PERSON"]


def test_lowercase_given_names_count_only_in_a_text_without_capitals(
    analyzer: AnalyzerEngine,
) -> None:
    assert ("PERSON", "agnieszka") in found(analyzer, "follow up with agnieszka next week")
    assert ("PERSON", "agnieszka") not in found(analyzer, "Follow up with agnieszka next week")


# --- places ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Flying from Athens to Atlanta tomorrow.", "Atlanta"),
        ("Met her at the Lyon conference.", "Lyon"),
        ("Delivered to 6029 Oak Boulevard, Austin.", "Austin"),
        ("she moved to nairobi last year", "nairobi"),
        ("The team moved from São Paulo last spring.", "São Paulo"),
    ],
)
def test_places_are_locations(analyzer: AnalyzerEngine, text: str, place: str) -> None:
    result = found(analyzer, text)
    assert ("LOCATION", place) in result
    assert ("PERSON", place) not in result


def test_place_names_that_are_ordinary_words_need_a_cue(analyzer: AnalyzerEngine) -> None:
    assert ("LOCATION", "Reading") not in found(analyzer, "Reading the manual helps.")
    assert ("LOCATION", "Reading") in found(analyzer, "She commutes to Reading daily.")


# --- social security numbers -------------------------------------------------------------


def test_nine_digits_are_an_ssn_only_next_to_the_word(analyzer: AnalyzerEngine) -> None:
    assert ("US_SSN", "018160543") in found(analyzer, "Employee SSN 018160543 on file.")
    assert ("US_SSN", "018160543") not in found(analyzer, "Order 018160543 shipped.")
    assert ("US_SSN", "163 93 7948") in found(analyzer, "social security number 163 93 7948")


# --- the shipped lists -------------------------------------------------------------------


def test_shipped_gazetteers_load_with_their_flags() -> None:
    places = gazetteers.places()
    names = gazetteers.given_names()
    assert places.get("lyon") == ""
    assert "g" in (places.get("austin") or "")
    assert "c" in (places.get("france") or "")
    assert names.get("agnieszka") == ""
    assert "w" in (names.get("grace") or "")
    assert places.max_words >= 3


def test_a_broken_gazetteer_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "places.tsv"
    path.write_text("# header\nLyon\t\n\tw\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"places\.tsv:3: empty name"):
        gazetteers._read(path)


def test_a_missing_gazetteer_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="reinstall guardproxy"):
        gazetteers._read(tmp_path / "absent.tsv")


# --- review: values kept whole, no false alarms on ordinary words -----------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Write to john__doe@example.com today.", "john__doe@example.com"),
        ("Write to anna_@example.com today.", "anna_@example.com"),
        ("Key: **anna.smith@example.com**, thanks", "anna.smith@example.com"),
    ],
)
def test_marks_inside_a_value_stay_part_of_it(
    analyzer: AnalyzerEngine, text: str, value: str
) -> None:
    assert hide_markup(text).count(value) == 1
    assert ("EMAIL_ADDRESS", value) in found(analyzer, text)


def test_urls_keep_their_tilde() -> None:
    url = "https://www.cs.uni.edu/~jsmith/index.html"
    assert hide_markup(f"My page: {url}") == f"My page: {url}"


@pytest.mark.parametrize(
    "text",
    [
        "During 2023 our revenue grew by 12%.",
        "Offering 3 plans: basic, pro and team.",
        "For security issues, contact security@acme.com.",
        "Need help? Write to support@acme.com and support will reply.",
        "Open the file in MS WORD and save it.",
        "This is Python code, not a script.",
        "Dear Customer, your order shipped.",
        "Regards, Support Team",
    ],
)
def test_ordinary_words_are_not_people_or_places(analyzer: AnalyzerEngine, text: str) -> None:
    assert not [v for e, v in found(analyzer, text) if e in ("PERSON", "LOCATION")]


def test_a_security_code_is_not_an_ssn(analyzer: AnalyzerEngine) -> None:
    assert not [v for e, v in found(analyzer, "Your security code is 483920175.") if e == "US_SSN"]


def test_names_with_latin_extended_letters_are_whole() -> None:
    text = "Ask Đorđe Petrović: djordje.petrovic@example.rs"
    assert ("PERSON", "Petrović") in [
        (r.entity_type, text[r.start : r.end])
        for r in _recognizer("EmailNameRecognizer").analyze(text, ["PERSON"], None)
    ]


def test_a_person_guess_with_a_number_keeps_its_name_part() -> None:
    from guardproxy.nlp.engine import _plausible_span

    text = "Oluwaseun Adeyemi-2"
    assert _plausible_span("PERSON", text, 0, len(text)) == (0, len("Oluwaseun Adeyemi"))
    assert _plausible_span("PERSON", "Deploy 3.7.3", 0, 12) is None
    assert _plausible_span("LOCATION", "https://x.org", 0, 13) is None


def test_overlapping_names_are_redacted_as_one(analyzer: AnalyzerEngine) -> None:
    text = "Ping Xiaoling Zhou@ops about it."
    assert any(e == "PERSON" and v.endswith("Zhou") for e, v in found(analyzer, text))


def _recognizer(name: str) -> object:
    from guardproxy.nlp.recognizers import _recognizer_classes

    return _recognizer_classes()[name]("en")
