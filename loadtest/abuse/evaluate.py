"""Accuracy and speed of the `abuse` check on the frozen splits, as a markdown report.

    .venv/bin/python -m loadtest.abuse.evaluate                       # both splits
    .venv/bin/python -m loadtest.abuse.evaluate --split dev --errors 5
    .venv/bin/python -m loadtest.abuse.evaluate --out /tmp/gp-bench/abuse.md

The check runs with its default options (shipped lexicons, threshold 0.5 for every
category) in this process, one text at a time. Speed: texts of about 1 KB are built from
the splits' sentences (clean and abusive mixed, and clean only), each analysed once per
round after a warm-up; the time per text is scaled to 1,024 characters and reported as
median and p99 over all rounds. Progress and error samples go to stderr.
"""

from __future__ import annotations

import argparse
import datetime
import math
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from guardproxy.checks.abuse import AbuseCheck, AbuseOptions
from loadtest.abuse.generate import CATEGORIES, CLEAN, load_split
from loadtest.abuse.scoring import Report, Span, score_corpus
from loadtest.evalkit import commit, fmt, save, table

GOALS = (
    "Goals: false positives on clean text ≤ 2%, recall on explicit abuse ≥ 0.85, ≤ 1 ms per 1 KB."
)
KB = 1024


def gold_spans(record: dict[str, object]) -> list[Span]:
    spans = record["spans"]
    assert isinstance(spans, list)
    return [(int(s), int(e), str(t)) for s, e, t in spans]


def predict(check: AbuseCheck, text: str) -> list[Span]:
    result = check.analyse(text)
    return [
        (f.start, f.end, f.category)
        for f in result.findings
        if f.start is not None and f.end is not None
    ]


def accuracy_table(report: Report) -> str:
    rows = []
    for c in (*CATEGORIES, "micro"):
        counts = report.categories[c]
        name = f"**{c}**" if c == "micro" else c
        rows.append((name, counts.gold, fmt(counts.precision), fmt(counts.recall), fmt(counts.f1)))
    return table(("category", "gold", "P", "R", "F1"), rows)


def obfuscation_table(records: list[dict[str, object]], predictions: list[list[Span]]) -> str:
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for record, pred in zip(records, predictions, strict=True):
        if record["label"] == CLEAN:
            continue
        applied = record["obfuscation"]
        assert isinstance(applied, list)
        key = applied[0] if applied else "none"
        for start, end, label in gold_spans(record):
            total[key] += 1
            if any(p[2] == label and p[0] < end and start < p[1] for p in pred):
                found[key] += 1
    keys = sorted(total, key=lambda k: (k != "none", k))
    return table(
        ("obfuscation", "gold", "recall"),
        ((key, total[key], fmt(found[key] / total[key])) for key in keys),
    )


def clean_table(records: list[dict[str, object]], predictions: list[list[Span]]) -> str:
    flagged: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for record, pred in zip(records, predictions, strict=True):
        if record["label"] != CLEAN:
            continue
        family = str(record["family"])
        total[family] += 1
        flagged[family] += bool(pred)
    return table(
        ("clean family", "texts", "flagged", "FP rate"),
        (
            (family, total[family], flagged[family], f"{flagged[family] / total[family]:.1%}")
            for family in sorted(total)
        ),
    )


def print_errors(
    records: list[dict[str, object]], predictions: list[list[Span]], limit: int
) -> None:
    shown: Counter[str] = Counter()
    for record, pred in zip(records, predictions, strict=True):
        text = str(record["text"])
        label = str(record["label"])
        if label == CLEAN:
            if pred and shown["FP"] < limit:
                shown["FP"] += 1
                got = [(text[s:e], c) for s, e, c in pred]
                print(f"  false positive {got} in {text!r}", file=sys.stderr)
            continue
        for start, end, cat in gold_spans(record):
            hit = any(p[2] == cat and p[0] < end and start < p[1] for p in pred)
            if not hit and shown[f"FN {cat}"] < limit:
                shown[f"FN {cat}"] += 1
                print(f"  missed {cat}: {text!r} got {pred}", file=sys.stderr)


def build_texts(sentences: list[str], count: int, offset: int = 0) -> list[str]:
    """count texts of about 1 KB, each of consecutive sentences joined by spaces."""
    texts: list[str] = []
    i = offset
    while len(texts) < count:
        parts: list[str] = []
        size = 0
        while size < KB:
            sentence = sentences[i % len(sentences)]
            i += 1
            parts.append(sentence)
            size += len(sentence) + 1
        text = " ".join(parts)
        cut = text.rfind(" ", 0, KB)
        texts.append(text[: cut if cut > KB // 2 else KB])
    return texts


def measure(check: AbuseCheck, texts: list[str], rounds: int) -> list[float]:
    """Microseconds per 1,024 characters for every text in every round."""
    for text in texts[:50]:
        check.analyse(text)
    out: list[float] = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            check.analyse(text)
            elapsed = time.perf_counter() - started
            out.append(elapsed * 1e6 * KB / len(text))
    return out


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in [0, 100])."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def speed_table(check: AbuseCheck, records: list[dict[str, object]], count: int) -> str:
    all_texts = [str(r["text"]) for r in records]
    clean = [str(r["text"]) for r in records if r["label"] == CLEAN]
    latin = [t for t in clean if t.isascii()]
    sets = {
        "mixed clean and abusive": build_texts(all_texts, count),
        "clean only": build_texts(clean, count, 7),
        "clean ASCII only": build_texts(latin, count, 3),
    }
    lines = [
        "| texts (~1 KB each) | count x rounds | median µs / KB | p99 µs / KB |",
        "|---|--:|--:|--:|",
    ]
    for name, texts in sets.items():
        print(f"  timing {name} ...", file=sys.stderr)
        samples = measure(check, texts, rounds=3)
        lines.append(
            f"| {name} | {len(texts)} x 3 | {statistics.median(samples):.0f} "
            f"| {percentile(samples, 99):.0f} |"
        )
    return "\n".join(lines)


def load_average() -> str:
    """The 1-minute load average (other jobs sharing the cores skew the timings)."""
    try:
        return Path("/proc/loadavg").read_text(encoding="ascii").split()[0]
    except (OSError, IndexError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--split", default="both", help="dev, heldout, both or a .jsonl path")
    parser.add_argument("--errors", type=int, default=0, help="print N misses per category")
    parser.add_argument("--speed-texts", type=int, default=300, help="texts per speed set")
    parser.add_argument("--machine", default="2-core AMD EPYC VM")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)

    load = load_average()
    started = time.perf_counter()
    check = AbuseCheck(AbuseOptions.model_validate({}))
    compile_s = time.perf_counter() - started
    lexicon = check.lexicon
    splits = ["dev", "heldout"] if args.split == "both" else [args.split]
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    out: list[str] = [
        "## abuse check: accuracy and speed",
        "",
        f"{now}, commit `{commit()}`, {args.machine}, Python "
        f"{sys.version.split()[0]}, one process. Default options: shipped lexicons "
        f"({lexicon.entries} entries, {len(lexicon.matcher)} phrases, compiled in "
        f"{compile_s * 1000:.0f} ms), threshold 0.5 for every category. {GOALS}",
        "",
    ]
    all_records: list[dict[str, object]] = []
    for split in splits:
        records = load_split(split)
        all_records.extend(records)
        print(f"scoring {split} ({len(records)} sentences) ...", file=sys.stderr)
        predictions = [predict(check, str(r["text"])) for r in records]
        report = score_corpus(
            ((gold_spans(r), p) for r, p in zip(records, predictions, strict=True)), CATEGORIES
        )
        if args.errors:
            print_errors(records, predictions, args.errors)
        held = (
            " (held-out template family, not tuned on)"
            if split == "heldout"
            else " (templates written alongside the lexicons: a regression check, not an estimate)"
        )
        abusive = sum(1 for r in records if r["label"] != CLEAN)
        out += [
            f"### Split `{split}`{held}: {len(records)} sentences, {abusive} abusive, "
            f"{report.clean_texts} clean",
            "",
            accuracy_table(report),
            "",
            f"False positives on clean text: {report.clean_flagged} / {report.clean_texts} "
            f"= **{(report.false_positive_rate or 0.0):.1%}**. Abuse detected under any "
            f"category: {fmt(report.detected_any_rate)}.",
            "",
            clean_table(records, predictions),
            "",
            obfuscation_table(records, predictions),
            "",
        ]
    out += [
        "### Speed (lexicon matching inline, one core)",
        "",
        speed_table(check, all_records, args.speed_texts),
        "",
        "Scoring: a finding is a true positive when it overlaps a gold span of its "
        "category; a gold span is found when a finding of its category overlaps it. "
        "P and R per category, micro = summed counts; a finding outside the marked span "
        "counts as false even when that part of the sentence is abusive too. A clean "
        "sentence counts as a false positive when the check reports any finding on it. "
        f"Load average when the run started: {load}.",
        "",
    ]
    markdown = "\n".join(out)
    print(markdown)
    save(markdown, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
