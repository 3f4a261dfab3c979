"""Scoring of the disinformation and fairness evaluation sets.

Disinformation, per record: a positive is found when the check reports the record's
claim id (another claim does not count); a negative is a false positive when the check
reports any claim. Recall = found positives / positives; false-positive rate = negatives
with a report / negatives.

Fairness, per attribute category C: a record predicts C when the check reports a finding
of category C. True positive: a positive record of category C that predicts C. False
positive: a record that predicts C but is not a positive of category C. Precision(C) =
TP / records predicting C, recall(C) = TP / positives of C; micro sums the counts over
categories. False-positive rate = negatives with any finding / negatives.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from loadtest.evalkit import ratio


@dataclass
class Rate:
    """hits out of total."""

    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.hits += int(hit)
        self.total += 1

    @property
    def value(self) -> float | None:
        return ratio(self.hits, self.total)


@dataclass
class PR:
    """Counts for one category."""

    predicted: int = 0
    true_positive: int = 0
    gold: int = 0

    @property
    def precision(self) -> float | None:
        return ratio(self.true_positive, self.predicted)

    @property
    def recall(self) -> float | None:
        return ratio(self.true_positive, self.gold)


def claim_hit(label: int, expected: str | None, reported: Iterable[str]) -> bool:
    """For a positive: the expected claim was reported. For a negative: nothing was."""
    ids = set(reported)
    return expected in ids if label else not ids


def score_categories(
    rows: Iterable[tuple[str | None, set[str]]], categories: Sequence[str]
) -> dict[str, PR]:
    """(gold category or None, predicted categories) per record -> counts per category and
    "micro"."""
    out = {c: PR() for c in categories}
    for gold, predicted in rows:
        if gold is not None and gold in out:
            out[gold].gold += 1
        for c in predicted:
            if c not in out:
                continue
            out[c].predicted += 1
            if c == gold:
                out[c].true_positive += 1
    micro = PR()
    for pr in out.values():
        micro.predicted += pr.predicted
        micro.true_positive += pr.true_positive
        micro.gold += pr.gold
    out["micro"] = micro
    return out
