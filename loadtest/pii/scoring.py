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

from loadtest.evalkit import Counts, Span, fmt, overlaps, score_text

__all__ = ["Counts", "Span", "fmt", "overlaps", "score_corpus", "score_text"]


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
