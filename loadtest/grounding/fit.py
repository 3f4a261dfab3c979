"""Fit the sentence weights of the `hallucination` check on the dev split.

    .venv/bin/python -m loadtest.grounding.fit

Every sentence of a faithful answer is a negative; the edited or inserted sentence of a
hallucinated answer is a positive (its other sentences are left out: they are faithful
but sit in a hallucinated answer). The weights are those of an L2-regularised logistic
regression over `FEATURES` (Newton's method), printed ready to paste as `SENTENCE_BIAS`
and `SENTENCE_WEIGHTS`, with the dev AUROC of the highest sentence risk per answer. A
signal that no dev sentence raises keeps its current, hand-set weight. Only the dev split
is read.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np

from guardproxy.checks.base import Source
from guardproxy.checks.hallucination import (
    FEATURES,
    SENTENCE_WEIGHTS,
    Grounds,
    Statement,
    sentence_features,
)
from guardproxy.grounding.signals import contradicting, is_small_talk
from guardproxy.grounding.text import split_sentences, tokenize
from loadtest.grounding.generate import FAITHFUL, load_split
from loadtest.grounding.scoring import auroc


def sentence_rows(
    cases: list[dict[str, Any]],
) -> tuple[list[list[float]], list[int], list[tuple[int, int]]]:
    """Features, labels and (answer number, answer label) of every usable sentence."""
    features: list[list[float]] = []
    labels: list[int] = []
    owners: list[tuple[int, int]] = []
    answer_no = 0
    for case in cases:
        if not case["sources"]:
            continue
        sources = tuple(Source(s["id"], s["text"], s.get("title")) for s in case["sources"])
        grounds = Grounds.build(sources)
        for answer in case["answers"]:
            answer_no += 1
            sentences = split_sentences(answer["text"])
            if len(sentences) != answer["sentences"]:
                continue
            claims = [
                (i, s)
                for i, s in enumerate(sentences)
                if tokenize(s.text) and not is_small_talk(s.text)
            ]
            statements = [Statement.of(s.start, s.end, s.text, grounds.names) for _, s in claims]
            contradicted = contradicting([(t.terms, t.numbers, t.negated) for t in statements])
            for n, (i, _) in enumerate(claims):
                label = 0 if answer["edit"] == FAITHFUL else int(i == answer["edited"])
                if answer["edit"] != FAITHFUL and not label:
                    continue
                features.append(list(sentence_features(statements[n], grounds, n in contradicted)))
                labels.append(label)
                owners.append((answer_no, answer["label"]))
    return features, labels, owners


def fit(x: np.ndarray, y: np.ndarray, l2: float, steps: int = 50) -> np.ndarray:
    """Weights (bias first) of an L2-regularised logistic regression, by Newton's method."""
    design = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(design.shape[1])
    penalty = np.eye(design.shape[1]) * l2
    penalty[0, 0] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-design @ w))
        grad = design.T @ (p - y) + penalty @ w
        hess = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--l2", type=float, default=1.0)
    args = parser.parse_args(argv)
    features, labels, owners = sentence_rows(load_split("dev"))
    x, y = np.array(features), np.array(labels, dtype=float)
    # a signal the set never raises cannot be fitted: it keeps its hand-set weight
    used = [i for i in range(x.shape[1]) if np.any(x[:, i])]
    w = fit(x[:, used], y, args.l2)
    weights = list(SENTENCE_WEIGHTS)
    for column, i in enumerate(used):
        weights[i] = float(w[column + 1])
    risk = 1 / (1 + np.exp(-(w[0] + x[:, used] @ w[1:])))
    best: dict[int, tuple[float, int]] = {}
    for (answer, label), r in zip(owners, risk, strict=True):
        best[answer] = (max(best.get(answer, (0.0, label))[0], float(r)), label)
    answer_auc = auroc([s for s, _ in best.values()], [lab for _, lab in best.values()])
    print(f"{len(y)} sentences ({int(y.sum())} positive); dev answer AUROC {answer_auc:.4f}")
    print(f"SENTENCE_BIAS = {w[0]:.2f}")
    print("SENTENCE_WEIGHTS = (" + ", ".join(f"{v:.2f}" for v in weights) + ")")
    for i, (name, v) in enumerate(zip(FEATURES, weights, strict=True)):
        note = "" if i in used else "  (not raised in dev: hand-set weight kept)"
        print(f"  {name}: {v:+.2f}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
