"""Evaluation of the `hallucination` check on a labeled set of grounded answers.

- `families`: the template families (facts, paraphrases, edits) the set is built from.
- `generate`: a seeded generator of cases; writes the frozen dev and test splits in `data/`.
- `scoring`: AUROC, precision and recall at a threshold, the word-overlap baseline.
- `evaluate`: tunes the threshold on dev and prints the test tables as markdown.
"""
