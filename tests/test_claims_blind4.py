"""The fourth blind disinformation split (`blind4`): frozen, complete and kept apart."""

from __future__ import annotations

import re

from loadtest.filters import claims as claims_gen
from loadtest.filters import claims_blind4

EARLIER_SPLITS = ("dev", "dev2", "heldout", "blind", "blind2", "dev3", "blind3")


def _claim_texts() -> set[str]:
    texts: set[str] = set()
    for claim in claims_gen.load_claims():
        texts.add(str(claim["claim"]))
        texts.update(str(v) for v in claim.get("variants", []))
    return texts


def test_blind4_is_registered_and_frozen() -> None:
    assert claims_gen.SPLITS[7] == "blind4"
    assert set(EARLIER_SPLITS) < set(claims_gen.SPLITS)
    blind4 = claims_gen.load_split("blind4")
    assert blind4 == list(claims_gen.records("blind4"))
    assert claims_gen.split_path("blind4").read_text(encoding="utf-8") == claims_gen.render(
        "blind4"
    )


def test_blind4_covers_every_claim_family_and_language() -> None:
    ids = {c["id"] for c in claims_gen.load_claims()}
    assert set(claims_blind4.BLIND4) == ids
    assert set(claims_blind4.ANSWERS_BLIND4) <= ids
    assert set(claims_blind4.COUNTERS_BLIND4) <= ids
    blind4 = claims_gen.load_split("blind4")
    positives = [r for r in blind4 if r["label"] == 1]
    negatives = [r for r in blind4 if r["label"] == 0]
    assert len(positives) + len(negatives) == len(blind4)
    assert {r["claim"] for r in positives} == ids
    for cid in ids:
        families = {r["family"] for r in positives if r["claim"] == cid}
        assert families == {"blind4", "blind4-frame"}, cid
        assert {r["family"] for r in negatives if r["claim"] == cid} == {"counter", "refute"}
    assert {r["family"] for r in positives} == {"blind4", "blind4-frame"}
    assert {r["family"] for r in negatives} == {"counter", "refute", "topical"}
    assert all(r["claim"] is None for r in negatives if r["family"] == "topical")
    assert all(r["claim"] is not None for r in blind4 if r["family"] != "topical")
    assert {r["language"] for r in blind4} == {"en", "ja"}
    for language in ("en", "ja"):
        assert {r["family"] for r in blind4 if r["language"] == language} == {
            "blind4",
            "blind4-frame",
            "counter",
            "refute",
            "topical",
        }
    assert all(not re.search(r"\{\w+\}", str(r["text"])) for r in blind4)
    assert all(str(r["id"]).startswith("blind4-") for r in blind4)
    assert len({str(r["text"]) for r in blind4}) == len(blind4)


def test_blind4_wordings_are_new() -> None:
    blind4 = claims_gen.load_split("blind4")
    earlier = {str(r["text"]) for split in EARLIER_SPLITS for r in claims_gen.load_split(split)}
    claim_texts = _claim_texts()
    texts = {str(r["text"]) for r in blind4}
    assert not texts & earlier
    assert not texts & claim_texts
    written = {
        *(t for rewordings, refutation in claims_blind4.BLIND4.values() for t in rewordings),
        *(refutation for _, refutation in claims_blind4.BLIND4.values()),
        *claims_blind4.ANSWERS_BLIND4.values(),
        *claims_blind4.COUNTERS_BLIND4.values(),
        *(t for group in claims_blind4.TOPICAL_BLIND4.values() for t in group),
    }
    assert not written & earlier
    assert not written & claim_texts
    earlier_frames = {
        frame
        for name in dir(claims_gen)
        if "FRAMES" in name or "HEDGES" in name
        for frame in getattr(claims_gen, name)
    }
    frames = {
        *claims_blind4.FRAMES_BLIND4,
        *claims_blind4.FRAMES_JA_BLIND4,
        *claims_blind4.REFUTING_FRAMES_BLIND4,
        *claims_blind4.REFUTING_FRAMES_JA_BLIND4,
    }
    assert not frames & earlier_frames
