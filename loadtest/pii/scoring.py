"""Span-overlap scoring of predicted entities against gold spans.

Rules (per entity type T, spans as half-open character ranges [start, end)):

- Two spans overlap when they share at least one character: a.start < b.end and
  b.start < a.end.
- A predicted span of type T is a true positive if it overlaps at least one gold span of
  type T in the same text; otherwise it is a false positive (also when it overlaps a gold
  span of another type, or no gold span).
- A gold span of type T is found if at least one predicted span of type T overlaps it;
  otherwise it is a false negative.
- precision(T) = true-positive predictions / predictions of T;
  recall(T) = found gold spans / gold spans of T; F1 = 2PR / (P + R).
  One gold name predicted as two pieces gives two true-positive predictions and one
  found gold span. A value that is undefined (0/0) is reported as None.
- Character coverage(T) = characters of gold T spans inside some predicted T span / all
  characters of gold T spans (how much of the value a redaction would hide).
- Micro overall: the counts summed over the scored types, then the same formulas.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from loadtest.evalkit import Span, overlaps

__all__ = ["Counts", "Span", "fmt", "overlaps", "score_corpus", "score_text"]


@dataclass
class Counts:
    """Counts for one entity type (or summed over several)."""

    predicted: int = 0
    true_positive: int = 0
    gold: int = 0
    found: int = 0
    gold_chars: int = 0
    covered_chars: int = 0

    def add(self, other: Counts) -> None:
        self.predicted += other.predicted
        self.true_positive += other.true_positive
        self.gold += other.gold
        self.found += other.found
        self.gold_chars += other.gold_chars
        self.covered_chars += other.covered_chars

    @property
    def false_positive(self) -> int:
        return self.predicted - self.true_positive

    @property
    def false_negative(self) -> int:
        return self.gold - self.found

    @property
    def precision(self) -> float | None:
        return self.true_positive / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def coverage(self) -> float | None:
        return self.covered_chars / self.gold_chars if self.gold_chars else None


def score_text(
    gold: Iterable[Span], predicted: Iterable[Span], types: Sequence[str]
) -> dict[str, Counts]:
    """Counts per type in types for one text; spans of other types are ignored."""
    wanted = set(types)
    gold_spans = [g for g in gold if g[2] in wanted]
    pred_spans = [p for p in predicted if p[2] in wanted]
    result = {t: Counts() for t in types}
    for start, end, label in pred_spans:
        counts = result[label]
        counts.predicted += 1
        if any(g[2] == label and overlaps((start, end), (g[0], g[1])) for g in gold_spans):
            counts.true_positive += 1
    for start, end, label in gold_spans:
        counts = result[label]
        same = [(p[0], p[1]) for p in pred_spans if p[2] == label]
        counts.gold += 1
        counts.gold_chars += end - start
        if any(overlaps((start, end), p) for p in same):
            counts.found += 1
        counts.covered_chars += sum(
            1 for i in range(start, end) if any(p[0] <= i < p[1] for p in same)
        )
    return result


def score_corpus(
    pairs: Iterable[tuple[Iterable[Span], Iterable[Span]]], types: Sequence[str]
) -> dict[str, Counts]:
    """Counts per type summed over (gold, predicted) pairs, plus "micro" over all types."""
    total = {t: Counts() for t in types}
    for gold, predicted in pairs:
        for t, counts in score_text(gold, predicted, types).items():
            total[t].add(counts)
    micro = Counts()
    for counts in total.values():
        micro.add(counts)
    total["micro"] = micro
    return total


def fmt(value: float | None) -> str:
    """A score with two decimals, or n/a."""
    return "n/a" if value is None else f"{value:.2f}"
