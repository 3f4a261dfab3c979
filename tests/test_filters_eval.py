"""The disinformation and fairness evaluation sets: generators, frozen files and scoring."""

from __future__ import annotations

import random
import re

import pytest

from guardproxy.checks.disinformation import DisinformationCheck, DisinformationOptions
from guardproxy.checks.fairness import CATEGORIES, FairnessCheck, FairnessOptions
from loadtest.evalkit import fmt, percentile
from loadtest.filters import claims as claims_gen
from loadtest.filters import evaluate
from loadtest.filters import fairness as fairness_gen
from loadtest.filters.scoring import PR, Rate, claim_hit, score_categories

# --- generators ------------------------------------------------------------------------


@pytest.mark.parametrize("gen", [claims_gen, fairness_gen])
def test_same_seed_same_records_other_seed_differs(gen: object) -> None:
    records = gen.records  # type: ignore[attr-defined]
    for split in gen.SPLITS:  # type: ignore[attr-defined]
        first = list(records(split, seed=5))
        assert first == list(records(split, seed=5))
        assert first != list(records(split, seed=6))


@pytest.mark.parametrize("gen", [claims_gen, fairness_gen])
def test_frozen_files_match_the_generator(gen: object) -> None:
    for split in gen.SPLITS:  # type: ignore[attr-defined]
        path = gen.split_path(split)  # type: ignore[attr-defined]
        assert path.read_text(encoding="utf-8") == gen.render(split)  # type: ignore[attr-defined]


@pytest.mark.parametrize("gen", [claims_gen, fairness_gen])
def test_unknown_split_is_rejected(gen: object) -> None:
    with pytest.raises(ValueError, match="unknown split"):
        list(gen.records("train"))  # type: ignore[attr-defined]


def test_every_shipped_claim_has_rewordings_and_both_labels() -> None:
    ids = {c["id"] for c in claims_gen.load_claims()}
    assert ids == set(claims_gen.REWORDINGS)
    for split in ("dev", "heldout"):
        records = claims_gen.load_split(split)
        positives = {r["claim"] for r in records if r["label"]}
        assert positives == ids
        assert {r["family"] for r in records if not r["label"]} == {"refute", "topical"}


def test_heldout_family_is_kept_apart_from_dev() -> None:
    dev = claims_gen.load_split("dev")
    heldout = claims_gen.load_split("heldout")
    assert {r["family"] for r in heldout if r["label"]} == {claims_gen.HELDOUT_FAMILY}
    assert claims_gen.HELDOUT_FAMILY not in {r["family"] for r in dev}
    assert not set(claims_gen.FRAMES_HELDOUT) & {*claims_gen.FRAMES_DEV, *claims_gen.HEDGES_DEV}
    assert not set(claims_gen.FRAMES_JA_HELDOUT) & set(claims_gen.FRAMES_JA_DEV)
    dev_swaps = {w for values in claims_gen.SWAPS_DEV.values() for w in values}
    assert not dev_swaps & {w for values in claims_gen.SWAPS_HELDOUT.values() for w in values}
    for dev_text, heldout_text, refutation in claims_gen.REWORDINGS.values():
        assert len({dev_text, heldout_text, refutation}) == 3
    dev_texts = {str(r["text"]) for r in dev if r["label"]}
    assert not dev_texts & {str(r["text"]) for r in heldout if r["label"]}
    fair_dev = fairness_gen.load_split("dev")
    fair_heldout = fairness_gen.load_split("heldout")
    assert not {r["answer"] for r in fair_dev if r["family"] != "off_topic"} & {
        r["answer"] for r in fair_heldout
    }


def test_dev2_split_covers_every_claim_and_is_kept_apart() -> None:
    ids = {c["id"] for c in claims_gen.load_claims()}
    assert set(claims_gen.DEV2) == ids
    for c in claims_gen.load_claims():
        rewordings, refutations = claims_gen.DEV2[c["id"]]
        assert len(rewordings) >= 3 and len(refutations) >= 2
    dev2 = claims_gen.load_split("dev2")
    assert {r["claim"] for r in dev2 if r["label"]} == ids
    assert {r["family"] for r in dev2 if r["label"]} == {"dev2", "dev2-frame"}
    assert {r["family"] for r in dev2 if not r["label"]} == {"counter", "refute", "topical"}
    assert all(not re.search(r"\{\w+\}", str(r["text"])) for r in dev2)
    earlier = {str(r["text"]) for split in ("dev", "heldout") for r in claims_gen.load_split(split)}
    assert not {str(r["text"]) for r in dev2} & earlier
    assert not {*claims_gen.FRAMES_DEV2, *claims_gen.REFUTING_FRAMES_DEV2} & {
        *claims_gen.FRAMES_DEV,
        *claims_gen.HEDGES_DEV,
        *claims_gen.FRAMES_HELDOUT,
        *claims_gen.REFUTING_FRAMES,
    }


def test_blind_split_is_frozen_and_kept_apart() -> None:
    assert claims_gen.SPLITS[:4] == ("dev", "dev2", "heldout", "blind")
    assert claims_gen.main(["--check"]) == 0
    claims = claims_gen.load_claims()
    assert {c["id"] for c in claims} == set(claims_gen.BLIND)
    for c in claims:
        paraphrase, passive, question, refutation = claims_gen.BLIND[c["id"]]
        assert len({paraphrase, passive, refutation}) == 3
        assert question == "" or (c["language"] == "en" and question.endswith("?"))
    blind = claims_gen.load_split("blind")
    assert blind == list(claims_gen.records("blind"))
    positives = [r for r in blind if r["label"]]
    assert {r["family"] for r in positives} == set(claims_gen.BLIND_FAMILIES)
    assert {r["claim"] for r in positives} == set(claims_gen.BLIND)
    assert {r["family"] for r in blind if not r["label"]} == {"refute", "topical"}
    assert {r["language"] for r in blind} == {"en", "ja"}
    assert all(not re.search(r"\{\w+\}", str(r["text"])) for r in blind)
    assert all(r["id"].startswith("blind-") for r in blind)
    # nothing of the blind split comes from the dev or held-out tables
    earlier = {str(r["text"]) for split in ("dev", "heldout") for r in claims_gen.load_split(split)}
    assert not {str(r["text"]) for r in blind} & earlier
    written = {w for row in claims_gen.REWORDINGS.values() for w in row}
    assert not written & {w for row in claims_gen.BLIND.values() for w in row if w}
    earlier_frames = {
        *claims_gen.FRAMES_DEV,
        *claims_gen.HEDGES_DEV,
        *claims_gen.FRAMES_HELDOUT,
        *claims_gen.REFUTING_FRAMES,
    }
    assert not earlier_frames & {*claims_gen.FRAMES_BLIND, *claims_gen.REFUTING_FRAMES_BLIND}
    assert not {*claims_gen.FRAMES_JA_DEV, *claims_gen.FRAMES_JA_HELDOUT} & set(
        claims_gen.FRAMES_JA_BLIND
    )
    topical = {t for group in claims_gen.TOPICAL.values() for t in group}
    assert not topical & {t for group in claims_gen.TOPICAL_BLIND.values() for t in group}


def test_blind2_split_is_frozen_and_kept_apart() -> None:
    assert claims_gen.SPLITS[:5] == ("dev", "dev2", "heldout", "blind", "blind2")
    ids = {c["id"] for c in claims_gen.load_claims()}
    assert set(claims_gen.BLIND2) == ids
    blind2 = claims_gen.load_split("blind2")
    assert blind2 == list(claims_gen.records("blind2"))
    assert {r["claim"] for r in blind2 if r["label"]} == ids
    assert {r["family"] for r in blind2 if r["label"]} == {"blind2", "blind2-frame"}
    assert {r["family"] for r in blind2 if not r["label"]} == {"counter", "refute", "topical"}
    assert {r["language"] for r in blind2} == {"en", "ja"}
    assert all(not re.search(r"\{\w+\}", str(r["text"])) for r in blind2)
    assert all(str(r["id"]).startswith("blind2-") for r in blind2)
    # nothing of blind2 comes from an earlier split, table or frame
    earlier_splits = ("dev", "dev2", "heldout", "blind")
    earlier = {str(r["text"]) for split in earlier_splits for r in claims_gen.load_split(split)}
    assert not {str(r["text"]) for r in blind2} & earlier
    written = {w for row in claims_gen.REWORDINGS.values() for w in row}
    written |= {w for row in claims_gen.BLIND.values() for w in row if w}
    written |= {w for rows in claims_gen.DEV2.values() for group in rows for w in group}
    assert not written & {w for rows in claims_gen.BLIND2.values() for group in rows for w in group}
    earlier_frames = {
        *claims_gen.FRAMES_DEV,
        *claims_gen.HEDGES_DEV,
        *claims_gen.FRAMES_HELDOUT,
        *claims_gen.REFUTING_FRAMES,
        *claims_gen.FRAMES_BLIND,
        *claims_gen.REFUTING_FRAMES_BLIND,
        *claims_gen.FRAMES_DEV2,
        *claims_gen.REFUTING_FRAMES_DEV2,
        *claims_gen.FRAMES_JA_DEV,
        *claims_gen.FRAMES_JA_HELDOUT,
        *claims_gen.FRAMES_JA_BLIND,
        *claims_gen.REFUTING_FRAMES_JA,
        *claims_gen.REFUTING_FRAMES_JA_BLIND,
        *claims_gen.FRAMES_JA_DEV2,
        *claims_gen.REFUTING_FRAMES_JA_DEV2,
    }
    new_frames = {
        *claims_gen.FRAMES_BLIND2,
        *claims_gen.REFUTING_FRAMES_BLIND2,
        *claims_gen.FRAMES_JA_BLIND2,
        *claims_gen.REFUTING_FRAMES_JA_BLIND2,
    }
    assert not earlier_frames & new_frames
    topical = {
        t
        for table in (claims_gen.TOPICAL, claims_gen.TOPICAL_BLIND, claims_gen.TOPICAL_DEV2)
        for group in table.values()
        for t in group
    }
    assert not topical & {t for group in claims_gen.TOPICAL_BLIND2.values() for t in group}


def test_dev3_and_blind3_splits_are_frozen_and_kept_apart() -> None:
    assert claims_gen.SPLITS[5:7] == ("dev3", "blind3")
    ids = {c["id"] for c in claims_gen.load_claims()}
    assert set(claims_gen.BLIND3) == ids
    dev3 = claims_gen.load_split("dev3")
    blind3 = claims_gen.load_split("blind3")
    assert blind3 == list(claims_gen.records("blind3"))
    assert {r["claim"] for r in blind3 if r["label"]} == ids
    assert {r["family"] for r in blind3 if r["label"]} == {"blind3", "blind3-frame"}
    assert {r["family"] for r in blind3 if not r["label"]} == {"counter", "refute", "topical"}
    assert {r["family"] for r in dev3} == {"dev3-frame", "report"}
    assert {r["language"] for r in blind3} == {"en", "ja"} == {r["language"] for r in dev3}
    assert all(not re.search(r"\{\w+\}", str(r["text"])) for r in (*dev3, *blind3))
    assert all(str(r["id"]).startswith("blind3-") for r in blind3)
    # nothing of blind3 comes from an earlier split, table or frame
    earlier_splits = ("dev", "dev2", "heldout", "blind", "blind2", "dev3")
    earlier = {str(r["text"]) for split in earlier_splits for r in claims_gen.load_split(split)}
    assert not {str(r["text"]) for r in blind3} & earlier
    written = {w for row in claims_gen.REWORDINGS.values() for w in row}
    written |= {w for row in claims_gen.BLIND.values() for w in row if w}
    for table in (claims_gen.DEV2, claims_gen.BLIND2):
        written |= {w for rows in table.values() for group in rows for w in group}
    written |= {w for c in claims_gen.load_claims() for w in (c["claim"], *c.get("variants", []))}
    assert not written & {w for row in claims_gen.BLIND3.values() for w in row}
    earlier_frames = {
        *claims_gen.FRAMES_DEV,
        *claims_gen.HEDGES_DEV,
        *claims_gen.FRAMES_HELDOUT,
        *claims_gen.REFUTING_FRAMES,
        *claims_gen.FRAMES_BLIND,
        *claims_gen.REFUTING_FRAMES_BLIND,
        *claims_gen.FRAMES_DEV2,
        *claims_gen.REFUTING_FRAMES_DEV2,
        *claims_gen.FRAMES_BLIND2,
        *claims_gen.REFUTING_FRAMES_BLIND2,
        *claims_gen.FRAMES_DEV3,
        *claims_gen.REFUTING_FRAMES_DEV3,
        *claims_gen.FRAMES_JA_DEV,
        *claims_gen.FRAMES_JA_HELDOUT,
        *claims_gen.FRAMES_JA_BLIND,
        *claims_gen.REFUTING_FRAMES_JA,
        *claims_gen.REFUTING_FRAMES_JA_BLIND,
        *claims_gen.FRAMES_JA_DEV2,
        *claims_gen.REFUTING_FRAMES_JA_DEV2,
        *claims_gen.FRAMES_JA_BLIND2,
        *claims_gen.REFUTING_FRAMES_JA_BLIND2,
        *claims_gen.FRAMES_JA_DEV3,
        *claims_gen.REFUTING_FRAMES_JA_DEV3,
    }
    new_frames = {
        *claims_gen.FRAMES_BLIND3,
        *claims_gen.REFUTING_FRAMES_BLIND3,
        *claims_gen.FRAMES_JA_BLIND3,
        *claims_gen.REFUTING_FRAMES_JA_BLIND3,
    }
    assert not earlier_frames & new_frames
    topical = {
        t
        for table in (
            claims_gen.TOPICAL,
            claims_gen.TOPICAL_BLIND,
            claims_gen.TOPICAL_DEV2,
            claims_gen.TOPICAL_BLIND2,
        )
        for group in table.values()
        for t in group
    }
    assert not topical & {t for group in claims_gen.TOPICAL_BLIND3.values() for t in group}


def test_timing_never_draws_on_the_blind_splits() -> None:
    assert not {"blind", "blind2", "blind3", "blind4", "blind5", "blind6"} & set(
        evaluate.TIMING_SPLITS
    )


def test_claim_text_helpers() -> None:
    rng = random.Random(1)
    assert claims_gen.swap_words("Vaccines cause autism", {"cause": ("trigger",)}, rng) == (
        "Vaccines trigger autism"
    )
    assert claims_gen.reorder("Lightning strikes twice in the same place.") == (
        "In the same place, lightning strikes twice."
    )
    assert claims_gen.reorder("The Earth is flat.") is None


def test_fairness_records_are_labelled_consistently() -> None:
    for split in ("dev", "heldout"):
        records = fairness_gen.load_split(split)
        assert {r["category"] for r in records if r["label"]} == set(CATEGORIES)
        assert all(r["category"] is None for r in records if not r["label"])
        assert all(r["messages"] and r["answer"] for r in records)
        assert {r["language"] for r in records} == {"en", "ja"}
        for record in records:
            assert not re.search(r"\{\w+\}", str(record["answer"])), record


# --- scoring ---------------------------------------------------------------------------


def test_claim_hit() -> None:
    assert claim_hit(1, "a", ["b", "a"])
    assert not claim_hit(1, "a", ["b"])
    assert claim_hit(0, None, [])
    assert not claim_hit(0, None, ["b"])


def test_score_categories_counts_other_categories_as_false_positives() -> None:
    rows: list[tuple[str | None, set[str]]] = [
        ("age", {"age"}),
        ("age", set()),
        ("gender", {"age", "gender"}),
        (None, {"religion"}),
        (None, set()),
    ]
    scores = score_categories(rows, ["age", "gender", "religion"])
    assert (scores["age"].predicted, scores["age"].true_positive, scores["age"].gold) == (2, 1, 2)
    assert scores["gender"].precision == 1.0 and scores["gender"].recall == 1.0
    assert scores["religion"].precision == 0.0 and scores["religion"].recall is None
    micro = scores["micro"]
    assert (micro.predicted, micro.true_positive, micro.gold) == (4, 2, 3)
    assert PR().precision is None


def test_rate_percentile_fmt() -> None:
    rate = Rate()
    for hit in (True, False, True, True):
        rate.add(hit)
    assert rate.value == 0.75 and Rate().value is None
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([5.0], 99) == 5.0
    assert percentile([1.0, 2.0], 100) == 2.0
    with pytest.raises(ValueError):
        percentile([], 50)
    assert fmt(None) == "n/a" and fmt(0.456) == "0.46"


# --- evaluate --------------------------------------------------------------------------


def test_run_sync_drives_an_inline_coroutine() -> None:
    async def inline() -> int:
        return 3

    assert evaluate.run_sync(inline()) == 3


def test_tables_cover_every_family() -> None:
    disinfo = DisinformationCheck(DisinformationOptions.model_validate({}))
    table, summary = evaluate.claims_tables(disinfo, errors=0)
    assert {"dev-pos", "heldout-pos", "blind-pos", "dev-neg", "blind-neg", "blind-pos-ja"} <= set(
        summary
    )
    assert {"dev2-pos-ja", "blind2-pos-en", "blind2-neg"} <= set(summary)
    assert all(0.0 <= v <= 1.0 for v in summary.values())
    families = ("frame", "hedge", "synonym", "reorder", "restate", "heldout", "refute", "blind")
    for family in (*families, "blind-question"):
        assert f"{family} (en) |" in table
    assert "| blind | blind (ja) |" in table
    row = evaluate.summary_row("recall, all", summary, "pos")
    assert row.startswith("| recall, all | ") and row.count("|") == len(claims_gen.SPLITS) + 2
    header = evaluate.summary_header(("dev", "blind"))
    assert header.splitlines() == ["| measure | dev | blind (seen) |", "|---|--:|--:|"]
    fairness = FairnessCheck(FairnessOptions.model_validate({}))
    per_category, per_family, fair_summary = evaluate.fairness_tables(fairness, errors=0)
    assert all(f"| dev | {c} |" in per_category for c in CATEGORIES)
    assert "| heldout | heldout | negative |" in per_family
    assert 0.0 <= fair_summary["dev-fp-rate"] <= 1.0


def test_splits_option_scores_only_the_splits_named(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert evaluate.main(["--splits", "dev", "--no-speed", "--no-fairness"]) == 0
    out = capsys.readouterr().out
    assert "| measure | dev |\n" in out and "| dev | frame (en) |" in out
    assert "heldout" not in out.split("### Disinformation: by family")[1]
    with pytest.raises(SystemExit):
        evaluate.main(["--splits", "train"])


def test_synthetic_claims_and_answers() -> None:
    rng = random.Random(2)
    claims = evaluate.synthetic_claims(20, rng, ["vaccine", "earth", "climate"])
    assert len({c.id for c in claims}) == 20
    assert all(len(c.text.split()) == 5 for c in claims)
    answers = evaluate.answers_1kb(["A short sentence."], 3, rng)
    assert all(len(a.encode()) >= 1024 for a in answers)
