"""Accuracy and speed of the `abuse` check on a labeled, generated set of sentences.

- `generate`: a seeded generator of labeled sentences (explicit abuse per category, some
  obfuscated, and clean text that uses the lexicons' words legitimately); writes the
  frozen dev and held-out splits in `data/`.
- `scoring`: precision and recall per category, false-positive rate on clean text.
- `evaluate`: runs the check on the splits and measures its throughput; prints markdown.
"""
