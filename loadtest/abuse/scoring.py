"""Scoring of abuse findings against the labeled sentences.

Rules (per category C, spans as half-open character ranges [start, end)):

- A predicted finding of category C is a true positive if it overlaps (shares at least
  one character with) a gold span of category C in the same text; otherwise it is a
  false positive, also when it overlaps a gold span of another category.
- A gold span of category C is found if some predicted finding of category C overlaps it.
- precision(C) = true-positive findings / findings of C; recall(C) = found gold spans /
  gold spans of C; F1 = 2PR / (P + R); an undefined value (0/0) is None.
- Micro: the counts summed over the categories, then the same formulas.
- False-positive rate on clean text = clean sentences with at least one finding (of any
  category) / clean sentences.
- Detected (any category) = gold spans overlapped by a finding of any category / gold
  spans: how much abuse the check stops even when it names the wrong category.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from loadtest.evalkit import Counts, Span, overlaps, ratio, score_text

__all__ = ["Counts", "Report", "Span", "overlaps", "score_corpus", "score_text"]


@dataclass
class Report:
    """Everything scored over a corpus."""

    categories: dict[str, Counts]
    clean_texts: int = 0
    clean_flagged: int = 0
    gold_spans: int = 0
    detected_any: int = 0
    flagged_categories_on_clean: dict[str, int] = field(default_factory=dict)

    @property
    def false_positive_rate(self) -> float | None:
        return ratio(self.clean_flagged, self.clean_texts)

    @property
    def detected_any_rate(self) -> float | None:
        return ratio(self.detected_any, self.gold_spans)


def score_corpus(
    pairs: Iterable[tuple[Sequence[Span], Sequence[Span]]], categories: Sequence[str]
) -> Report:
    """The report over (gold, predicted) pairs; a pair with no gold span is clean text."""
    report = Report({c: Counts() for c in categories})
    for gold, predicted in pairs:
        for c, counts in score_text(gold, predicted, categories).items():
            report.categories[c].add(counts)
        if not gold:
            report.clean_texts += 1
            if predicted:
                report.clean_flagged += 1
                for c in sorted({p[2] for p in predicted}):
                    report.flagged_categories_on_clean[c] = (
                        report.flagged_categories_on_clean.get(c, 0) + 1
                    )
        for start, end, _label in gold:
            report.gold_spans += 1
            if any(overlaps((start, end), (p[0], p[1])) for p in predicted):
                report.detected_any += 1
    micro = Counts()
    for counts in report.categories.values():
        micro.add(counts)
    report.categories["micro"] = micro
    return report
