"""PII accuracy and speed benchmarks: guardproxy's analysis against stock presidio.

- `generate`: a seeded generator of labeled sentences; writes the frozen splits in `data/`.
- `scoring`: span-overlap precision, recall and F1 per entity type.
- `engines`: the two analyzers compared (guardproxy's and presidio's default registry).
- `evaluate`: accuracy of both engines on a split, as a markdown table.
- `speed`: latency and throughput of both engines, two worker processes each.
"""
