"""The abuse evaluation set generator, its frozen splits, and the scoring (no timing)."""

from __future__ import annotations

import random
import re

import pytest

from loadtest.abuse import generate as gen
from loadtest.abuse.evaluate import build_texts, percentile
from loadtest.abuse.scoring import Counts, overlaps, score_corpus, score_text
from loadtest.evalkit import fmt

# --- generator -------------------------------------------------------------------------


def test_same_seed_gives_same_sentences_and_other_seed_differs() -> None:
    first = list(gen.sentences("dev", 300, seed=7))
    again = list(gen.sentences("dev", 300, seed=7))
    other = list(gen.sentences("dev", 300, seed=8))
    assert first == again
    assert [r["text"] for r in first] != [r["text"] for r in other]


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_spans_cover_the_abusive_part_and_clean_text_has_none(split: str) -> None:
    records = list(gen.sentences(split, 800, seed=3))
    labels = {str(r["label"]) for r in records}
    assert labels == {*gen.CATEGORIES, gen.CLEAN}
    for record in records:
        text = str(record["text"])
        spans = record["spans"]
        assert isinstance(spans, list)
        if record["label"] == gen.CLEAN:
            assert spans == [] and record["obfuscation"] == []
            continue
        [(start, end, label)] = spans
        assert label == record["label"]
        assert 0 <= start < end <= len(text)
        assert text[start:end].strip() == text[start:end]


def test_obfuscations_change_the_abusive_part_only() -> None:
    records = [r for r in gen.sentences("dev", 1500, seed=5) if r["obfuscation"]]
    used = {name for r in records for name in r["obfuscation"]}  # type: ignore[attr-defined]
    assert used == set(gen.OBFUSCATIONS)
    for record in records:
        text = str(record["text"])
        spans, applied = record["spans"], record["obfuscation"]
        assert isinstance(spans, list) and isinstance(applied, list)
        [(start, end, _)] = spans
        core = text[start:end]
        [name] = applied
        if name == "zero_width":
            assert "\u200b" in core and "\u200b" not in text[:start] + text[end:]
        elif name == "spaced":
            assert re.search(r"\b\w \w \w\b", core)
        elif name == "dotted":
            assert re.search(r"\w\.\w\.\w", core)
        elif name == "homoglyph":
            assert any("\u0400" <= c <= "\u04ff" for c in core)
        elif name == "leet":
            assert re.search(r"[A-Za-z][0-9]|[0-9][A-Za-z]", core)
        elif name == "fullwidth":
            assert any("\uff01" <= c <= "\uff5e" for c in core)
        elif name == "repeat":
            assert re.search(r"(\w)\1\1", core)
        elif name == "upper":
            assert core == core.upper()


def test_obfuscation_helpers() -> None:
    rng = random.Random(1)
    assert gen.OBFUSCATIONS["spaced"]("kill you", rng) == "k i l l you"
    assert gen.OBFUSCATIONS["dotted"]("kill you", rng) == "k.i.l.l you"
    assert gen.OBFUSCATIONS["upper"]("kill you", rng) == "KILL YOU"
    assert gen.OBFUSCATIONS["fullwidth"]("kill", rng) == "\uff4b\uff49\uff4c\uff4c"
    assert gen.OBFUSCATIONS["leet"]("死ね", rng) is None  # no Latin word to change


def test_frozen_files_match_the_generator() -> None:
    for split in ("dev", "heldout"):
        assert gen.split_path(split).read_text(encoding="utf-8") == gen.render(split)
    total = sum(gen.split_path(s).stat().st_size for s in ("dev", "heldout"))
    assert total < 1_000_000


def test_heldout_split_is_disjoint_in_templates_and_groups() -> None:
    dev = gen.load_split("dev")
    heldout = gen.load_split("heldout")
    assert {r["family"] for r in heldout} == {gen.HELDOUT_FAMILY}
    assert gen.HELDOUT_FAMILY not in {r["family"] for r in dev}
    assert not {r["template"] for r in dev} & {r["template"] for r in heldout}
    assert not set(gen.POOLS["dev"]["GROUP"]) & set(gen.POOLS["heldout"]["GROUP"])
    dev_text = "\n".join(str(r["text"]) for r in dev)
    for group in gen.POOLS["heldout"]["GROUP"]:
        assert not re.search(rf"\b{re.escape(group)}\b", dev_text), group


def test_template_errors() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        gen.split_core("no marked part")
    with pytest.raises(ValueError, match="exactly one"):
        gen.split_core("[[one]] and [[two]]")
    with pytest.raises(ValueError, match="unknown slot"):
        gen.fill("hello {NOPE}", random.Random(1), "dev")
    with pytest.raises(ValueError, match="unknown split"):
        list(gen.sentences("train", 1))


def test_every_template_fills() -> None:
    rng = random.Random(2)
    for family, categories in gen.ABUSIVE.items():
        pool = "heldout" if family == gen.HELDOUT_FAMILY else "dev"
        for templates in categories.values():
            for template in templates:
                pieces = gen.split_core(template)
                assert sum(is_core for _, is_core in pieces) == 1
                assert "{" not in "".join(gen.fill(t, rng, pool) for t, _ in pieces)


# --- scoring ---------------------------------------------------------------------------


def test_overlap_is_half_open() -> None:
    assert overlaps((0, 5), (4, 10))
    assert not overlaps((0, 5), (5, 10))
    assert not overlaps((0, 0), (0, 5))


def test_category_must_match_and_partial_overlap_counts() -> None:
    gold = [(0, 10, "threats")]
    predicted = [(5, 12, "threats"), (0, 4, "harassment"), (20, 25, "threats")]
    result = score_text(gold, predicted, ["threats", "harassment"])
    threats = result["threats"]
    assert (threats.predicted, threats.true_positive, threats.gold, threats.found) == (2, 1, 1, 1)
    harassment = result["harassment"]
    assert (harassment.predicted, harassment.true_positive, harassment.gold) == (1, 0, 0)


def test_corpus_report_false_positive_rate_and_any_category_detection() -> None:
    pairs = [
        ([(0, 5, "hate")], [(1, 3, "threats")]),  # detected, wrong category
        ([(0, 5, "hate")], [(0, 5, "hate")]),
        ([(0, 5, "hate")], []),
        ([], [(2, 4, "sexual"), (6, 8, "sexual")]),  # one flagged clean text
        ([], []),
        ([], []),
        ([], []),
    ]
    report = score_corpus(pairs, ["hate", "threats", "sexual"])
    assert report.clean_texts == 4 and report.clean_flagged == 1
    assert report.false_positive_rate == pytest.approx(0.25)
    assert report.flagged_categories_on_clean == {"sexual": 1}
    assert (report.gold_spans, report.detected_any) == (3, 2)
    assert report.categories["hate"].recall == pytest.approx(1 / 3)
    assert report.categories["hate"].precision == pytest.approx(1.0)
    micro = report.categories["micro"]
    assert (micro.predicted, micro.true_positive, micro.gold, micro.found) == (4, 1, 3, 1)


def test_precision_recall_f1_arithmetic() -> None:
    c = Counts(predicted=4, true_positive=3, gold=6, found=3)
    assert c.precision == pytest.approx(0.75)
    assert c.recall == pytest.approx(0.5)
    assert c.f1 == pytest.approx(0.6)
    assert Counts().precision is None and Counts().recall is None and Counts().f1 is None
    assert Counts(predicted=1, gold=1).f1 == 0.0
    assert fmt(None) == "n/a" and fmt(0.456) == "0.46"


def test_speed_texts_and_percentile() -> None:
    texts = build_texts(["a" * 100, "b b b " * 30], 5)
    assert len(texts) == 5
    assert all(512 < len(t) <= 1024 for t in texts)
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0
    assert percentile([float(i) for i in range(1, 101)], 99) == 99.0
