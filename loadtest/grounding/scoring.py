"""Scoring of risk scores against labels: AUROC, precision and recall, the baseline.

- AUROC is the probability that a randomly chosen positive (hallucinated) answer scores
  higher than a randomly chosen negative (faithful) one, ties counting one half (the
  Mann-Whitney U statistic divided by positives x negatives). It is None when either class
  is empty.
- At a threshold t an answer is flagged when its score is >= t (the check annotates at
  score >= threshold). precision = flagged positives / flagged; recall = flagged
  positives / positives; None when undefined (0/0).
- The shipped threshold is tuned on the dev split by Youden's J (true-positive rate
  minus false-positive rate), which does not depend on the share of hallucinated answers
  in the set; the highest-F1 threshold is reported beside it.
- The baseline is the share of an answer's words (lowercase letter and digit runs) that
  appear nowhere in its sources; 1.0 for an answer without sources.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from loadtest import evalkit
from loadtest.evalkit import f1, ratio

_WORD = re.compile(r"[^\W_]+")


def auroc(scores: Sequence[float], labels: Sequence[int]) -> float | None:
    """Area under the ROC curve of scores for labels (1 positive, 0 negative)."""
    if len(scores) != len(labels):
        raise ValueError("scores and labels differ in length")
    pairs = sorted(zip(scores, labels, strict=True))
    positives = sum(labels)
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        return None
    # average ranks (1-based) over ties, then the rank sum of the positives
    rank_sum = 0.0
    i = 0
    while i < len(pairs):
        j = i
        while j + 1 < len(pairs) and pairs[j + 1][0] == pairs[i][0]:
            j += 1
        average_rank = (i + j) / 2 + 1
        rank_sum += average_rank * sum(label for _, label in pairs[i : j + 1])
        i = j + 1
    u = rank_sum - positives * (positives + 1) / 2
    return u / (positives * negatives)


@dataclass(frozen=True)
class Rates:
    flagged: int
    true_positive: int
    positives: int

    @property
    def precision(self) -> float | None:
        return ratio(self.true_positive, self.flagged)

    @property
    def recall(self) -> float | None:
        return ratio(self.true_positive, self.positives)

    @property
    def f1(self) -> float | None:
        return f1(self.precision, self.recall)


def rates_at(scores: Sequence[float], labels: Sequence[int], threshold: float) -> Rates:
    """Counts of answers flagged at score >= threshold."""
    flagged = [label for score, label in zip(scores, labels, strict=True) if score >= threshold]
    return Rates(len(flagged), sum(flagged), sum(labels))


def best_threshold(scores: Sequence[float], labels: Sequence[int]) -> float:
    """The threshold with the highest F1 (ties: the higher threshold), among the scores."""
    best = (-1.0, 0.0)
    for t in sorted(set(scores)):
        f1 = rates_at(scores, labels, t).f1 or 0.0
        if f1 >= best[0]:
            best = (f1, t)
    return best[1]


def youden_threshold(scores: Sequence[float], labels: Sequence[int]) -> float:
    """The threshold with the highest true-positive rate minus false-positive rate (ties:
    the higher threshold), among the scores. Unlike F1 it does not depend on how many of
    the answers are hallucinated."""
    positives = sum(labels)
    negatives = len(labels) - positives
    if not positives or not negatives:
        raise ValueError("need both labels")
    best = (-2.0, 0.0)
    for t in sorted(set(scores)):
        flagged = [label for score, label in zip(scores, labels, strict=True) if score >= t]
        j = sum(flagged) / positives - (len(flagged) - sum(flagged)) / negatives
        if j >= best[0]:
            best = (j, t)
    return best[1]


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def baseline_score(sources: Sequence[str], answer: str) -> float:
    """Share of the answer's words that appear in none of the sources."""
    answer_words = words(answer)
    if not answer_words:
        return 0.0
    known = {w for s in sources for w in words(s)}
    return sum(1 for w in answer_words if w not in known) / len(answer_words)


def fmt(value: float | None, digits: int = 3) -> str:
    """A score with three decimals unless told otherwise, or n/a."""
    return evalkit.fmt(value, digits)
