"""The PII evaluation set generator and the span-overlap scoring (no NLP models loaded)."""

from __future__ import annotations

import random
import re

import pytest

from loadtest.pii import generate as gen
from loadtest.pii.scoring import Counts, overlaps, score_corpus, score_text

# --- generator -------------------------------------------------------------------------


def test_same_seed_gives_same_sentences_and_other_seed_differs() -> None:
    first = list(gen.sentences("dev", 200, seed=7))
    again = list(gen.sentences("dev", 200, seed=7))
    other = list(gen.sentences("dev", 200, seed=8))
    assert first == again
    assert [r["text"] for r in first] != [r["text"] for r in other]


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_spans_point_at_the_generated_values(split: str) -> None:
    records = list(gen.sentences(split, 600, seed=3))
    assert any(r["noise"] for r in records) and any(not r["noise"] for r in records)
    seen: set[str] = set()
    for record in records:
        text = record["text"]
        assert isinstance(text, str)
        previous_end = 0
        for start, end, label in record["spans"]:  # type: ignore[attr-defined]
            assert label in gen.LABELS
            assert previous_end <= start < end <= len(text)
            value = text[start:end]
            assert value == value.strip() and value
            previous_end = end
            seen.add(label)
            if label == "CREDIT_CARD":
                assert gen.luhn_valid(value), value
            elif label == "IBAN_CODE":
                assert gen.iban_valid(value), value
            elif label == "US_SSN":
                assert gen.ssn_valid(value), value
            elif label == "EMAIL_ADDRESS":
                assert value.count("@") == 1
    assert seen == set(gen.LABELS)


def test_spans_match_values_filled_without_noise() -> None:
    rng = random.Random(1)
    values = gen.Values(rng, "dev")
    pieces = gen.fill("Mail {EMAIL} or call {PHONE}, {PERSON}.", values)
    text, spans = gen.assemble(pieces)
    assert [text[s:e] for s, e, _ in spans] == [p[0] for p in pieces if p[1] is not None]
    assert [label for _, _, label in spans] == ["EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON"]


def test_frozen_files_match_the_generator() -> None:
    for split in ("dev", "heldout"):
        assert gen.split_path(split).read_text(encoding="utf-8") == gen.render(split)
    total = sum(gen.split_path(s).stat().st_size for s in ("dev", "heldout"))
    assert total < 2_000_000


def test_heldout_split_is_disjoint_in_templates_and_pools() -> None:
    dev = gen.load_split("dev")
    heldout = gen.load_split("heldout")
    assert {r["family"] for r in heldout} == {gen.HELDOUT_FAMILY}
    assert gen.HELDOUT_FAMILY not in {r["family"] for r in dev}
    assert not {r["template"] for r in dev} & {r["template"] for r in heldout}
    dev_texts = set(gen.TEMPLATES[gen.HELDOUT_FAMILY])
    assert not dev_texts & {t for f in gen.DEV_FAMILIES for t in gen.TEMPLATES[f]}
    for pools in (gen.FIRST_NAMES, gen.LAST_NAMES, gen.CITIES, gen.STREET_NAMES):
        assert not set(pools["dev"]) & set(pools["heldout"])
    # no held-out name or city shows up in a dev sentence, nor the reverse
    dev_text = "\n".join(str(r["text"]).casefold() for r in dev)
    heldout_text = "\n".join(str(r["text"]).casefold() for r in heldout)
    for name in (*gen.LAST_NAMES["heldout"], *gen.CITIES["heldout"]):
        assert not re.search(rf"\b{re.escape(name.casefold())}\b", dev_text), name
    for name in (*gen.LAST_NAMES["dev"], *gen.CITIES["dev"]):
        assert not re.search(rf"\b{re.escape(name.casefold())}\b", heldout_text), name


def test_checksums() -> None:
    assert gen.luhn_valid("4111 1111 1111 1111")
    assert not gen.luhn_valid("4111 1111 1111 1112")
    assert gen.luhn_check_digit("7992739871") == "3"
    assert gen.iban_valid("GB82 WEST 1234 5698 7654 32")
    assert not gen.iban_valid("GB82 WEST 1234 5698 7654 33")
    assert gen.iban_check_digits("DE", "370400440532013000") == "89"
    assert gen.ssn_valid("123-45-6789")
    assert not gen.ssn_valid("666-45-6789")
    assert not gen.ssn_valid("900-45-6789")
    assert not gen.ssn_valid("123-00-6789")
    assert not gen.ssn_valid("123-45-0000")


def test_generated_identifiers_are_valid_in_bulk() -> None:
    values = gen.Values(random.Random(5), "heldout")
    for _ in range(500):
        assert gen.luhn_valid(values.credit_card())
        assert gen.iban_valid(values.iban())
        assert gen.ssn_valid(values.us_ssn())


def test_unknown_slot_and_split_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown slot"):
        gen.parse_template("hello {NOPE}")
    with pytest.raises(ValueError, match="unknown split"):
        list(gen.sentences("train", 1))


# --- scoring ---------------------------------------------------------------------------


def test_overlap_is_half_open() -> None:
    assert overlaps((0, 5), (4, 10))
    assert not overlaps((0, 5), (5, 10))
    assert overlaps((3, 4), (0, 10))
    assert not overlaps((0, 0), (0, 5))


def test_partial_overlap_counts_and_type_must_match() -> None:
    gold = [(0, 10, "PERSON"), (20, 30, "EMAIL_ADDRESS")]
    predicted = [(5, 12, "PERSON"), (20, 30, "URL")]
    result = score_text(gold, predicted, ["PERSON", "EMAIL_ADDRESS", "URL"])
    assert (result["PERSON"].true_positive, result["PERSON"].found) == (1, 1)
    assert result["PERSON"].covered_chars == 5 and result["PERSON"].gold_chars == 10
    assert (result["EMAIL_ADDRESS"].found, result["EMAIL_ADDRESS"].gold) == (0, 1)
    assert (result["URL"].predicted, result["URL"].true_positive) == (1, 0)


def test_split_prediction_gives_two_true_positives_and_one_found_span() -> None:
    result = score_text([(0, 11, "PERSON")], [(0, 4, "PERSON"), (5, 11, "PERSON")], ["PERSON"])
    c = result["PERSON"]
    assert (c.predicted, c.true_positive, c.gold, c.found) == (2, 2, 1, 1)
    assert c.covered_chars == 10


def test_types_not_scored_are_ignored() -> None:
    result = score_text([(0, 5, "URL")], [(0, 5, "URL"), (6, 9, "PERSON")], ["PERSON"])
    assert set(result) == {"PERSON"}
    assert result["PERSON"].predicted == 1 and result["PERSON"].gold == 0


def test_precision_recall_f1_arithmetic() -> None:
    c = Counts(predicted=4, true_positive=3, gold=6, found=3, gold_chars=10, covered_chars=4)
    assert c.precision == pytest.approx(0.75)
    assert c.recall == pytest.approx(0.5)
    assert c.f1 == pytest.approx(2 * 0.75 * 0.5 / 1.25)
    assert c.coverage == pytest.approx(0.4)
    assert (c.false_positive, c.false_negative) == (1, 3)
    empty = Counts()
    assert empty.precision is None and empty.recall is None and empty.f1 is None
    assert Counts(predicted=2, gold=3).f1 == 0.0


def test_corpus_micro_sums_counts_over_types() -> None:
    pairs = [
        ([(0, 4, "PERSON")], [(0, 4, "PERSON"), (10, 12, "LOCATION")]),
        ([(0, 6, "LOCATION"), (8, 9, "PERSON")], [(1, 3, "LOCATION")]),
    ]
    result = score_corpus(pairs, ["PERSON", "LOCATION"])
    assert (result["PERSON"].gold, result["PERSON"].found) == (2, 1)
    assert (result["LOCATION"].predicted, result["LOCATION"].true_positive) == (2, 1)
    micro = result["micro"]
    assert (micro.predicted, micro.true_positive, micro.gold, micro.found) == (3, 2, 3, 2)
    assert micro.precision == pytest.approx(2 / 3)
    assert micro.recall == pytest.approx(2 / 3)
