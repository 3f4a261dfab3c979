"""The grounding evaluation set: generator, frozen splits, labels, and the scoring maths."""

from __future__ import annotations

import itertools
import random
import re
from typing import Any

import pytest

from guardproxy.grounding.text import numbers, split_sentences
from loadtest.evalkit import percentile
from loadtest.grounding import generate as gen
from loadtest.grounding.families import DEV_FAMILIES, FAMILIES, HELDOUT_FAMILY
from loadtest.grounding.scoring import (
    auroc,
    baseline_score,
    best_threshold,
    rates_at,
    youden_threshold,
)

# --- generator -----------------------------------------------------------------------------


def test_same_seed_gives_same_cases_and_other_seed_differs() -> None:
    first = list(itertools.islice(gen.cases("dev", seed=7), 20))
    again = list(itertools.islice(gen.cases("dev", seed=7), 20))
    other = list(itertools.islice(gen.cases("dev", seed=8), 20))
    assert first == again
    assert [c["sources"] for c in first] != [c["sources"] for c in other]


def test_frozen_files_match_the_generator() -> None:
    for split in gen.SPLITS:
        assert gen.split_path(split).read_text(encoding="utf-8") == gen.render_split(split)
    assert sum(gen.split_path(s).stat().st_size for s in gen.SPLITS) < 2_500_000


def test_unknown_split_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown split"):
        list(gen.cases("train"))


@pytest.fixture(scope="module")
def splits() -> dict[str, list[dict[str, Any]]]:
    return {split: gen.load_split(split) for split in gen.SPLITS}


def test_held_out_family_only_in_test(splits: dict[str, list[dict[str, Any]]]) -> None:
    dev_families = {c["family"] for c in splits["dev"]}
    test_families = {c["family"] for c in splits["test"]}
    assert HELDOUT_FAMILY not in dev_families
    assert HELDOUT_FAMILY in test_families
    assert dev_families == {*DEV_FAMILIES, "no_sources"}
    held_out = FAMILIES[HELDOUT_FAMILY]
    templates = {t for f in DEV_FAMILIES for fact in FAMILIES[f].facts for t in fact.src}
    assert not templates & {t for fact in held_out.facts for t in fact.src}


def test_every_edit_type_is_well_represented(splits: dict[str, list[dict[str, Any]]]) -> None:
    for cases in splits.values():
        counts: dict[str, int] = {}
        for case in cases:
            for answer in case["answers"]:
                counts[answer["edit"]] = counts.get(answer["edit"], 0) + 1
        assert set(counts) == {gen.FAITHFUL, *gen.EDITS, *gen.NO_SOURCE_LABELS}
        assert min(counts.values()) >= 100


def test_labels_agree_with_edit_types(splits: dict[str, list[dict[str, Any]]]) -> None:
    for case in itertools.chain(*splits.values()):
        for answer in case["answers"]:
            edit = answer["edit"]
            if edit in gen.NO_SOURCE_LABELS:
                assert not case["sources"]
                assert answer["label"] == gen.NO_SOURCE_LABELS[edit]
                continue
            assert case["sources"]
            assert answer["label"] == (0 if edit == gen.FAITHFUL else 1)
            assert (answer["edited"] is None) is (edit == gen.FAITHFUL)
            if answer["edited"] is not None:
                assert 0 <= answer["edited"] < answer["sentences"]


def test_sentence_counts_match_the_sentence_splitter(
    splits: dict[str, list[dict[str, Any]]],
) -> None:
    answers = [a for c in itertools.chain(*splits.values()) for a in c["answers"]]
    differ = sum(1 for a in answers if len(split_sentences(a["text"])) != a["sentences"])
    assert differ / len(answers) < 0.01
    lengths = {a["sentences"] for a in answers if a["edit"] == gen.FAITHFUL}
    assert min(lengths) == 1 and max(lengths) >= 10


def _sentences(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def _source_text(case: dict[str, Any]) -> str:
    return "\n".join(f"{s['title']}\n{s['text']}" for s in case["sources"])


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w$%,.'-]+", text)) - {""}


def test_each_edit_changes_one_sentence_of_a_faithful_answer(
    splits: dict[str, list[dict[str, Any]]],
) -> None:
    checked = 0
    for case in itertools.chain(*splits.values()):
        if not case["sources"]:
            continue
        faithful = [_sentences(a["text"]) for a in case["answers"] if a["edit"] == gen.FAITHFUL]
        sources = _source_text(case)
        source_numbers = {m.norm for m in numbers(sources)}
        for answer in case["answers"]:
            edit, at = answer["edit"], answer["edited"]
            edited = _sentences(answer["text"])
            if at is None or len(edited) != answer["sentences"]:
                continue
            checked += 1
            if edit in ("invented_fact", "unsupported"):
                assert edited[:at] + edited[at + 1 :] in faithful, answer["id"]
                assert edited[at] not in sources
                continue
            bases = [
                f[at]
                for f in faithful
                if len(f) == len(edited)
                and f[:at] == edited[:at]
                and f[at + 1 :] == edited[at + 1 :]
            ]
            assert bases and edited[at] not in bases, answer["id"]
            # of two one-sentence faithful answers, the edit starts from the closer one
            base = max(bases, key=lambda b: len(_words(b) & _words(edited[at])))
            new_words = _words(edited[at]) - _words(base)
            if edit == "entity_swap":
                # the swapped-in name is one the sources also use
                assert new_words and all(
                    w.strip(".,").removesuffix("'s") in sources for w in new_words
                ), answer["id"]
            elif edit == "number_change":
                assert {m.norm for m in numbers(edited[at])} - source_numbers, answer["id"]
            elif edit == "date_change":
                assert new_words, answer["id"]
    assert checked > 2000


def test_changed_numbers_differ_and_keep_their_kind() -> None:
    rng = random.Random(3)
    for kind, params in (
        ("count", (1000, 90000)),
        ("small", (2, 40)),
        ("percent", (3, 40)),
        ("money_m", (5, 400)),
        ("money", (99, 999)),
        ("money", (2, 9)),
        ("year", (1990, 2020)),
        ("date", (2020, 2024)),
    ):
        for _ in range(50):
            value = gen.Values(rng).make(kind, params)
            changed = gen.changed_number(rng, value)
            assert changed.kind == value.kind
            assert changed.render() != value.render()


def test_appears_matches_whole_values_only() -> None:
    assert gen.appears("12", "rose by 12% to")
    assert not gen.appears("12", "employs 120 people")
    assert not gen.appears("12", "a $4.12 fee")
    assert gen.appears("$4.2 million", "for $4.2 million.")
    assert not gen.appears("2021", "20210")


def test_round_like_keeps_leading_digits() -> None:
    assert gen._round_like(1234, 2) == 1200
    assert gen._round_like(98765, 2) == 99000
    assert gen._round_like(7, 2) == 7


# --- scoring -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "labels", "expected"),
    [
        ([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1], 1.0),
        ([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1], 0.0),
        ([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1], 0.5),
        ([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], 0.75),
        ([0.3, 0.3, 0.6], [0, 1, 1], 0.75),
        ([0.2, 0.2, 0.2, 0.9, 0.1], [0, 1, 1, 1, 0], 5 / 6),
    ],
)
def test_auroc_known_values(scores: list[float], labels: list[int], expected: float) -> None:
    assert auroc(scores, labels) == pytest.approx(expected)


def test_auroc_matches_pair_counting() -> None:
    rng = random.Random(11)
    scores = [round(rng.random(), 1) for _ in range(60)]
    labels = [rng.randint(0, 1) for _ in range(60)]
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    pairs = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    assert auroc(scores, labels) == pytest.approx(pairs / (len(pos) * len(neg)))


def test_auroc_undefined_and_invalid() -> None:
    assert auroc([0.1, 0.2], [1, 1]) is None
    assert auroc([], []) is None
    with pytest.raises(ValueError, match="length"):
        auroc([0.1], [0, 1])


def test_rates_and_thresholds() -> None:
    scores = [0.1, 0.2, 0.4, 0.5, 0.8]
    labels = [0, 1, 0, 1, 1]
    rates = rates_at(scores, labels, 0.2)
    assert (rates.flagged, rates.true_positive, rates.positives) == (4, 3, 3)
    assert rates.precision == pytest.approx(0.75) and rates.recall == 1.0
    assert rates.f1 == pytest.approx(2 * 0.75 / 1.75)
    assert rates_at(scores, labels, 0.95).precision is None
    # F1: 0.2 -> 0.857, 0.5 -> 0.8; J (TPR - FPR): 0.2 -> 1 - 1/2, 0.5 -> 2/3 - 0
    assert best_threshold(scores, labels) == 0.2
    assert youden_threshold(scores, labels) == 0.5
    with pytest.raises(ValueError, match="both"):
        youden_threshold([0.1], [1])


def test_baseline_is_share_of_words_absent_from_sources() -> None:
    sources = ["The plant in Lyon employs 300 people."]
    assert baseline_score(sources, "The plant employs 300 people.") == 0.0
    assert baseline_score(sources, "The plant in Oslo employs 900 people.") == pytest.approx(2 / 7)
    assert baseline_score(sources, "") == 0.0


def test_percentile_interpolates() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == pytest.approx(2.5)
    assert percentile([5.0], 99) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 100) == 5.0
