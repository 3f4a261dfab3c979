"""The blind disinformation splits written apart from the matcher (`blind4` onwards):
each frozen, complete, and new against every split, claim wording and frame before it."""

from __future__ import annotations

import re
from types import ModuleType
from typing import Any

import pytest

from loadtest.filters import claims as claims_gen
from loadtest.filters import claims_blind4, claims_blind5, claims_blind6

# each split, its module and its place in SPLITS; every split before it is "earlier"
BLIND_SPLITS: tuple[tuple[str, ModuleType], ...] = (
    ("blind4", claims_blind4),
    ("blind5", claims_blind5),
    ("blind6", claims_blind6),
)
FIRST_BLIND = 7  # dev, dev2, heldout, blind, blind2, dev3 and blind3 come first
FAMILIES = ("counter", "refute", "topical")


def _claim_texts() -> set[str]:
    texts: set[str] = set()
    for claim in claims_gen.load_claims():
        texts.add(str(claim["claim"]))
        texts.update(str(v) for v in claim.get("variants", []))
    return texts


def _table(module: ModuleType, split: str, name: str) -> dict[str, Any]:
    """``{NAME}_{SPLIT}`` of the split's module, empty where it has none."""
    table: dict[str, Any] = getattr(module, f"{name}_{split.upper()}", {})
    return table


def _written(module: ModuleType, split: str) -> set[str]:
    """Every text a split's tables hold: rewordings, refutations, answers, topical ones."""
    texts: dict[str, tuple[tuple[str, ...], str]] = getattr(module, split.upper())
    return {
        *(t for rewordings, _ in texts.values() for t in rewordings),
        *(refutation for _, refutation in texts.values()),
        *_table(module, split, "ANSWERS").values(),
        *_table(module, split, "COUNTERS").values(),
        *(t for group in _table(module, split, "TOPICAL").values() for t in group),
    }


def _frames(module: ModuleType) -> set[str]:
    return {
        frame
        for name in dir(module)
        if "FRAMES" in name or "HEDGES" in name
        for frame in getattr(module, name)
    }


@pytest.mark.parametrize(
    ("position", "split", "module"), [(i, *s) for i, s in enumerate(BLIND_SPLITS)]
)
def test_a_blind_split_is_registered_and_frozen(
    position: int, split: str, module: ModuleType
) -> None:
    assert claims_gen.SPLITS[FIRST_BLIND + position] == split
    records = claims_gen.load_split(split)
    assert records == list(claims_gen.records(split))
    assert claims_gen.split_path(split).read_text(encoding="utf-8") == claims_gen.render(split)


@pytest.mark.parametrize(("split", "module"), BLIND_SPLITS)
def test_a_blind_split_covers_every_claim_family_and_language(
    split: str, module: ModuleType
) -> None:
    ids = {c["id"] for c in claims_gen.load_claims()}
    assert set(getattr(module, split.upper())) == ids
    assert set(_table(module, split, "ANSWERS")) <= ids
    assert set(_table(module, split, "COUNTERS")) <= ids
    records = claims_gen.load_split(split)
    positives = [r for r in records if r["label"] == 1]
    negatives = [r for r in records if r["label"] == 0]
    assert len(positives) + len(negatives) == len(records)
    own = {split, f"{split}-frame"}
    assert {r["claim"] for r in positives} == ids
    for cid in ids:
        assert {r["family"] for r in positives if r["claim"] == cid} == own, cid
        assert {r["family"] for r in negatives if r["claim"] == cid} == {"counter", "refute"}
    assert {r["family"] for r in negatives} == set(FAMILIES)
    assert all(r["claim"] is None for r in negatives if r["family"] == "topical")
    assert all(r["claim"] is not None for r in records if r["family"] != "topical")
    for language in ("en", "ja"):
        assert {r["family"] for r in records if r["language"] == language} == own | set(FAMILIES)
    assert all(not re.search(r"\{\w+\}", str(r["text"])) for r in records)
    assert all(str(r["id"]).startswith(f"{split}-") for r in records)
    assert len({str(r["text"]) for r in records}) == len(records)


@pytest.mark.parametrize(
    ("position", "split", "module"), [(i, *s) for i, s in enumerate(BLIND_SPLITS)]
)
def test_a_blind_split_says_nothing_an_earlier_one_said(
    position: int, split: str, module: ModuleType
) -> None:
    earlier_splits = claims_gen.SPLITS[: FIRST_BLIND + position]
    earlier = {str(r["text"]) for name in earlier_splits for r in claims_gen.load_split(name)}
    claim_texts = _claim_texts()
    texts = {str(r["text"]) for r in claims_gen.load_split(split)}
    assert not texts & earlier
    assert not texts & claim_texts
    written = _written(module, split)
    assert not written & earlier
    assert not written & claim_texts
    earlier_frames = {
        frame
        for earlier_module in (claims_gen, *(m for _, m in BLIND_SPLITS[:position]))
        for frame in _frames(earlier_module)
    }
    assert not _frames(module) & earlier_frames
