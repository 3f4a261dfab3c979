"""Accuracy and cost of the `disinformation` and `fairness` checks.

- `claims`: a seeded generator of reworded, refuting and topical sentences built from the
  shipped claim database; writes the frozen splits `data/claims-{dev,heldout}.jsonl`.
- `fairness`: a seeded generator of (question, answer) pairs with biased judgements and
  legitimate mentions of protected attributes; writes `data/fairness-{dev,heldout}.jsonl`.
- `scoring`: recall and false-positive rates, precision and recall per attribute category.
- `evaluate`: runs both checks on the frozen splits and times them; prints markdown.

    .venv/bin/python -m loadtest.filters.claims --check
    .venv/bin/python -m loadtest.filters.fairness --check
    .venv/bin/python -m loadtest.filters.evaluate --out /tmp/gp-bench/disinfo-fairness.md
"""
