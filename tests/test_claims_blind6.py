"""The sixth blind disinformation split (`blind6`): frozen, complete and kept apart."""

from __future__ import annotations

import re

from loadtest.filters import claims as claims_gen
from loadtest.filters import claims_blind4, claims_blind5, claims_blind6

EARLIER_SPLITS = (
    "dev",
    "dev2",
    "heldout",
    "blind",
    "blind2",
    "dev3",
    "blind3",
    "blind4",
    "blind5",
)


def _claim_texts() -> set[str]:
    texts: set[str] = set()
    for claim in claims_gen.load_claims():
        texts.add(str(claim["claim"]))
        texts.update(str(v) for v in claim.get("variants", []))
    return texts


def test_blind6_is_registered_and_frozen() -> None:
    assert claims_gen.SPLITS[9] == "blind6"
    assert set(EARLIER_SPLITS) < set(claims_gen.SPLITS)
    blind6 = claims_gen.load_split("blind6")
    assert blind6 == list(claims_gen.records("blind6"))
    assert claims_gen.split_path("blind6").read_text(encoding="utf-8") == claims_gen.render(
        "blind6"
    )


def test_blind6_covers_every_claim_family_and_language() -> None:
    ids = {c["id"] for c in claims_gen.load_claims()}
    assert set(claims_blind6.BLIND6) == ids
    blind6 = claims_gen.load_split("blind6")
    positives = [r for r in blind6 if r["label"] == 1]
    negatives = [r for r in blind6 if r["label"] == 0]
    assert len(positives) + len(negatives) == len(blind6)
    assert {r["claim"] for r in positives} == ids
    for cid in ids:
        families = {r["family"] for r in positives if r["claim"] == cid}
        assert families == {"blind6", "blind6-frame"}, cid
        assert {r["family"] for r in negatives if r["claim"] == cid} == {"counter", "refute"}
    assert {r["family"] for r in positives} == {"blind6", "blind6-frame"}
    assert {r["family"] for r in negatives} == {"counter", "refute", "topical"}
    assert all(r["claim"] is None for r in negatives if r["family"] == "topical")
    assert all(r["claim"] is not None for r in blind6 if r["family"] != "topical")
    assert {r["language"] for r in blind6} == {"en", "ja"}
    for language in ("en", "ja"):
        assert {r["family"] for r in blind6 if r["language"] == language} == {
            "blind6",
            "blind6-frame",
            "counter",
            "refute",
            "topical",
        }
    assert all(not re.search(r"\{\w+\}", str(r["text"])) for r in blind6)
    assert all(str(r["id"]).startswith("blind6-") for r in blind6)
    assert len({str(r["text"]) for r in blind6}) == len(blind6)


def test_blind6_wordings_are_new() -> None:
    blind6 = claims_gen.load_split("blind6")
    earlier = {str(r["text"]) for split in EARLIER_SPLITS for r in claims_gen.load_split(split)}
    claim_texts = _claim_texts()
    texts = {str(r["text"]) for r in blind6}
    assert not texts & earlier
    assert not texts & claim_texts
    blind4 = {str(r["text"]) for r in claims_gen.load_split("blind4")}
    blind5 = {str(r["text"]) for r in claims_gen.load_split("blind5")}
    assert not texts & blind4
    assert not texts & blind5
    written = {
        *(t for rewordings, refutation in claims_blind6.BLIND6.values() for t in rewordings),
        *(refutation for _, refutation in claims_blind6.BLIND6.values()),
        *(t for group in claims_blind6.TOPICAL_BLIND6.values() for t in group),
    }
    assert not written & earlier
    assert not written & claim_texts
    earlier_frames = {
        frame
        for module in (claims_gen, claims_blind4, claims_blind5)
        for name in dir(module)
        if "FRAMES" in name or "HEDGES" in name
        for frame in getattr(module, name)
    }
    frames = {
        *claims_blind6.FRAMES_BLIND6,
        *claims_blind6.FRAMES_JA_BLIND6,
        *claims_blind6.REFUTING_FRAMES_BLIND6,
        *claims_blind6.REFUTING_FRAMES_JA_BLIND6,
    }
    assert not frames & earlier_frames
