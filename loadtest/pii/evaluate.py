"""Accuracy of guardproxy's PII analysis and of stock presidio on a frozen split.

    .venv/bin/python -m loadtest.pii.evaluate --split heldout
    .venv/bin/python -m loadtest.pii.evaluate --split dev --limit 500 --errors 5

Entity types and minimum scores come from the `pii` check of policies/default.yaml
(`--entities` overrides the types). Both engines run in this process, one text at a
time; the markdown table goes to stdout, progress and error samples to stderr.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from guardproxy.nlp.engine import limit_blas_threads
from loadtest.pii.engines import DEFAULT_POLICY, ENGINES, Engine, Settings, policy_pii_options
from loadtest.pii.generate import LABELS, load_split
from loadtest.pii.scoring import Counts, Span, fmt, score_corpus

SCORING_RULE = (
    "Scoring by character overlap: a predicted span is a true positive if it shares at "
    "least one character with a gold span of the same type; a gold span is found if a "
    "predicted span of its type overlaps it. P = true-positive predictions / "
    "predictions, R = found gold spans / gold spans, F1 = 2PR/(P+R); micro = counts "
    "summed over the scored types. Cov = share of gold characters inside a predicted "
    "span of the same type. Both engines get the policy's per-entity minimum scores "
    "and guardproxy's overlap resolution (a verified pattern entity beats an NER guess "
    "on the same characters, then the higher score, then the longer span)."
)


def run_engine(
    engine: Engine, records: list[dict[str, object]], progress: bool = True
) -> tuple[list[list[Span]], float]:
    """Predicted spans per record and the seconds taken."""
    started = time.perf_counter()
    predictions: list[list[Span]] = []
    for i, record in enumerate(records):
        text = str(record["text"])
        predictions.append([(s, e, t) for t, s, e, *_ in engine.detect(text)])
        if progress and (i + 1) % 500 == 0:
            print(f"  {engine.name}: {i + 1}/{len(records)}", file=sys.stderr)
    return predictions, time.perf_counter() - started


def gold_spans(record: dict[str, object]) -> list[Span]:
    spans = record["spans"]
    assert isinstance(spans, list)
    return [(int(s), int(e), str(t)) for s, e, t in spans]


def accuracy_table(
    results: dict[str, dict[str, Counts]], types: tuple[str, ...], gold_count: Counter[str]
) -> str:
    engines = list(results)
    head = ["type", "gold spans"]
    for name in engines:
        head += [f"{name} P", f"{name} R", f"{name} F1", f"{name} Cov"]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "--:|" * (len(head) - 1)]
    for t in (*types, "micro"):
        row = [f"**{t}**" if t == "micro" else t, str(results[engines[0]][t].gold)]
        for name in engines:
            c = results[name][t]
            row += [fmt(c.precision), fmt(c.recall), fmt(c.f1), fmt(c.coverage)]
        lines.append("| " + " | ".join(row) + " |")
    for t in LABELS:
        if t not in types and gold_count[t]:
            row = [t, str(gold_count[t])] + ["not asked"] * (4 * len(engines))
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def counts_table(results: dict[str, dict[str, Counts]], types: tuple[str, ...]) -> str:
    lines = [
        "| type | " + " | ".join(f"{n} TP / FP / FN" for n in results) + " |",
        "|---|" + "--:|" * len(results),
    ]
    for t in (*types, "micro"):
        cells = [
            f"{c.true_positive} / {c.false_positive} / {c.false_negative}"
            for c in (results[n][t] for n in results)
        ]
        lines.append(f"| {t} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def noise_table(
    records: list[dict[str, object]],
    predictions: dict[str, list[list[Span]]],
    types: tuple[str, ...],
) -> str:
    lines = ["| texts | count | " + " | ".join(f"{n} micro F1" for n in predictions) + " |"]
    lines.append("|---|--:|" + "--:|" * len(predictions))
    for label, keep in (("clean", False), ("with noise", True)):
        idx = [i for i, r in enumerate(records) if bool(r["noise"]) is keep]
        cells = []
        for preds in predictions.values():
            res = score_corpus(((gold_spans(records[i]), preds[i]) for i in idx), types)
            cells.append(fmt(res["micro"].f1))
        lines.append(f"| {label} | {len(idx)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def print_errors(
    name: str,
    records: list[dict[str, object]],
    preds: list[list[Span]],
    types: tuple[str, ...],
    per_type: int,
) -> None:
    shown: Counter[str] = Counter()
    for record, pred in zip(records, preds, strict=True):
        text = str(record["text"])
        for s, e, t in gold_spans(record):
            if (
                t in types
                and shown[f"FN {t}"] < per_type
                and not any(p[2] == t and p[0] < e and s < p[1] for p in pred)
            ):
                shown[f"FN {t}"] += 1
                others = [(text[p[0] : p[1]], p[2]) for p in pred if p[0] < e and s < p[1]]
                print(f"  [{name}] missed {t} {text[s:e]!r}; got {others}", file=sys.stderr)
        for s, e, t in pred:
            if shown[f"FP {t}"] < per_type and not any(
                g[2] == t and g[0] < e and s < g[1] for g in gold_spans(record)
            ):
                shown[f"FP {t}"] += 1
                print(f"  [{name}] false {t} {text[s:e]!r} in {text!r}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="heldout", help="dev, heldout or a .jsonl path")
    parser.add_argument("--policy", type=Path, default=DEFAULT_POLICY)
    parser.add_argument("--entities", help="comma-separated types (default: the policy's)")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--limit", type=int, default=0, help="only the first N sentences")
    parser.add_argument("--errors", type=int, default=0, help="print N misses per type")
    args = parser.parse_args(argv)
    limit_blas_threads()  # one text at a time, like one of guardproxy's worker processes

    options = policy_pii_options(args.policy)
    entities = [e.strip().upper() for e in args.entities.split(",")] if args.entities else None
    settings = Settings.from_options(options, entities)
    types = settings.entities
    records = load_split(args.split)
    if args.limit:
        records = records[: args.limit]
    gold_count: Counter[str] = Counter(t for r in records for _, _, t in gold_spans(r))

    results: dict[str, dict[str, Counts]] = {}
    predictions: dict[str, list[list[Span]]] = {}
    seconds: dict[str, float] = {}
    for name in args.engines.split(","):
        print(f"loading {name} ...", file=sys.stderr)
        engine = Engine(name, settings)
        predictions[name], seconds[name] = run_engine(engine, records)
        results[name] = score_corpus(
            zip((gold_spans(r) for r in records), predictions[name], strict=True), types
        )
        if args.errors:
            print_errors(name, records, predictions[name], types, args.errors)

    thresholds = ", ".join(
        f"{e} {settings.entity_min_scores[e]:g}" for e in settings.entity_min_scores
    )
    print(
        f"Split `{args.split}`: {len(records)} sentences, "
        f"{sum(gold_count[t] for t in types)} gold spans of the scored types. "
        f"Entities: {', '.join(types)}; min_score {settings.min_score:g}"
        + (f" ({thresholds})" if thresholds else "")
        + ". Time to analyse the split, one process, one text at a time: "
        + ", ".join(f"{n} {s:.1f} s" for n, s in seconds.items())
        + ".\n"
    )
    print(accuracy_table(results, types, gold_count))
    print()
    print(SCORING_RULE)
    print()
    print(counts_table(results, types))
    print()
    print(noise_table(records, predictions, types))
    return 0


if __name__ == "__main__":
    sys.exit(main())
