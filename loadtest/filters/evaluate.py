"""Accuracy and cost of the `disinformation` and `fairness` checks on the frozen splits.

    .venv/bin/python -m loadtest.filters.evaluate
    .venv/bin/python -m loadtest.filters.evaluate --out /tmp/gp-bench/disinfo-fairness.md
    .venv/bin/python -m loadtest.filters.evaluate --quick --errors 5
    .venv/bin/python -m loadtest.filters.evaluate --splits dev,dev2 --no-speed --no-fairness

Both checks run in this process with their default options, one text at a time. Speed is
the time of one `run` on an answer of about 1 KB (sentences drawn from the splits),
divided by its size in KB; the large-database rows add synthetic claims to the shipped
ones. Markdown goes to stdout (and to --out), error samples to stderr.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from guardproxy.checks.base import CheckContext
from guardproxy.checks.disinformation import (
    VERDICTS,
    Claim,
    ClaimIndex,
    DisinformationCheck,
    DisinformationOptions,
    match_text,
)
from guardproxy.checks.fairness import CATEGORIES, FairnessCheck, FairnessOptions
from guardproxy.mock_llm import filler_text
from loadtest.evalkit import commit, fmt, percentile, save, table
from loadtest.filters import claims as claims_gen
from loadtest.filters import fairness as fairness_gen
from loadtest.filters.scoring import PR, Rate, claim_hit, score_categories
from loadtest.filters.scoring import __doc__ as SCORING_DOC

T = TypeVar("T")
MACHINE = "2-core AMD EPYC VM"
# the answers timed are drawn from these splits only, so that timing never runs the blind one
TIMING_SPLITS = ("dev", "heldout")
SPLIT_LABELS = {
    "dev": "dev",
    "dev2": "dev2 (tuned on)",
    "heldout": "held-out (seen)",
    "blind": "blind (seen)",
    "blind2": "blind2",
    "dev3": "dev3 (tuned on)",
    "blind3": "blind3",
}
SYLLABLES = ("ka", "lo", "mi", "ra", "to", "ne", "su", "vi", "den", "mar", "tel", "zon", "qua")


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Drive a coroutine that never suspends (both checks run inline)."""
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    coro.close()
    raise RuntimeError("the check suspended; it was expected to run inline")


def output_ctx(messages: tuple[str, ...] = ()) -> CheckContext:
    return CheckContext(direction="output", request_id="eval", messages=messages)


# --- disinformation -----------------------------------------------------------------


def reported_claims(check: DisinformationCheck, text: str) -> list[str]:
    result = run_sync(check.run(text, output_ctx()))
    return [str(a.data["claim_id"]) for a in result.annotations if a.kind == "fact_check"]


def claims_tables(
    check: DisinformationCheck, errors: int, splits: tuple[str, ...] = claims_gen.SPLITS
) -> tuple[str, dict[str, float]]:
    rows: list[tuple[object, ...]] = []
    totals: dict[str, Rate] = defaultdict(Rate)
    shown = 0
    for split in splits:
        by_family: dict[tuple[str, str, int], Rate] = defaultdict(Rate)
        for record in claims_gen.load_split(split):
            label = int(str(record["label"]))
            expected = record["claim"]
            ids = reported_claims(check, str(record["text"]))
            hit = claim_hit(label, str(expected) if expected else None, ids)
            key = (str(record["family"]), str(record["language"]), label)
            by_family[key].add(hit)
            group = f"{split}-{'pos' if label else 'neg'}"
            totals[group].add(hit)
            totals[f"{group}-{record['language']}"].add(hit)
            if not hit and shown < errors:
                shown += 1
                kind = "missed" if label else "false positive"
                print(
                    f"  [{split}] {kind} {expected}: {record['text']!r} -> {ids}", file=sys.stderr
                )
        for (family, language, label), rate in sorted(by_family.items()):
            kind = "positive (recall)" if label else "negative (FP rate)"
            flagged = rate.hits if label else rate.total - rate.hits
            value = rate.value if label else 1 - (rate.value or 0.0)
            rows.append((split, f"{family} ({language})", kind, rate.total, flagged, fmt(value)))
    summary: dict[str, float] = {}
    for name, total in totals.items():
        value = total.value or 0.0
        summary[name] = value if "pos" in name else 1 - value
    header = ("split", "family", "kind", "records", "found / flagged", "rate")
    return table(header, rows, left=3), summary


def summary_row(
    measure: str, summary: dict[str, float], key: str, splits: tuple[str, ...] = claims_gen.SPLITS
) -> str:
    """One row of the summary table: the measure on every split."""
    cells = " | ".join(fmt(summary.get(f"{split}-{key}")) for split in splits)
    return f"| {measure} | {cells} |"


def summary_header(splits: tuple[str, ...]) -> str:
    """The summary table's header and alignment rows, one column per split."""
    names = " | ".join(SPLIT_LABELS.get(split, split) for split in splits)
    return f"| measure | {names} |\n|---|{'--:|' * len(splits)}"


def filter_agreement(
    index: ClaimIndex, thresholds: dict[str, float], splits: tuple[str, ...] = claims_gen.SPLITS
) -> tuple[int, int]:
    """Records whose matches differ with and without the MinHash candidate filter."""
    differ = total = 0
    verdicts = frozenset(VERDICTS)
    for split in splits:
        for record in claims_gen.load_split(split):
            text = str(record["text"])
            with_filter = match_text(index, text, thresholds, verdicts, use_filter=True)
            without = match_text(index, text, thresholds, verdicts, use_filter=False)
            total += 1
            differ += [m.match.claim.id for m in with_filter] != [m.match.claim.id for m in without]
    return differ, total


def answers_1kb(texts: list[str], count: int, rng: random.Random) -> list[str]:
    out: list[str] = []
    for _ in range(count):
        parts: list[str] = []
        size = 0
        while size < 1024:
            sentence = rng.choice(texts)
            parts.append(sentence)
            size += len(sentence.encode()) + 1
        out.append(" ".join(parts))
    return out


def time_per_kb(fn: Any, answers: list[str]) -> tuple[float, float]:
    """Median and p99 microseconds per KB of answer."""
    for text in answers[:20]:
        fn(text)
    samples: list[float] = []
    for text in answers:
        started = time.perf_counter_ns()
        fn(text)
        elapsed_us = (time.perf_counter_ns() - started) / 1000
        samples.append(elapsed_us / (len(text.encode()) / 1024))
    return percentile(samples, 50), percentile(samples, 99)


def synthetic_claims(count: int, rng: random.Random, vocabulary: list[str]) -> list[Claim]:
    """Claims of two real words and three made-up ones, as a stand-in for a large database."""
    made_up = sorted(
        {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(8000)}
    )
    out: list[Claim] = []
    for n in range(count):
        words = rng.sample(vocabulary, 2) + rng.sample(made_up, 3)
        rng.shuffle(words)
        text = " ".join(words).capitalize() + "."
        out.append(
            Claim(f"synthetic-{n}", text, (), "false", "x", "https://example.org/", "t", "en", "")
        )
    return out


def dev_recall(index: ClaimIndex, thresholds: dict[str, float]) -> float | None:
    """Recall on the English positives of the dev split."""
    found = Rate()
    for record in claims_gen.load_split("dev"):
        if record["label"] and record["language"] == "en":
            ids = [m.match.claim.id for m in match_text(index, str(record["text"]), thresholds)]
            found.add(record["claim"] in ids)
    return found.value


def speed_table(check: DisinformationCheck, fairness: FairnessCheck, quick: bool) -> str:
    rng = random.Random(7)
    texts = [str(r["text"]) for s in TIMING_SPLITS for r in claims_gen.load_split(s)]
    english = [t for t in texts if not any("\u3040" <= ch <= "\u9fff" for ch in t)]
    answers = answers_1kb(english, 150 if quick else 600, rng)
    thresholds = {"en": check.options.threshold, "ja": check.options.threshold_ja}
    verdicts = frozenset(VERDICTS)
    rows = [
        "| what | claims | build s | index MiB | median µs/KB | p99 µs/KB | dev EN recall |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    median, p99 = time_per_kb(lambda t: run_sync(check.run(t, output_ctx())), answers)
    recall = fmt(dev_recall(check.index, thresholds))
    rows.append(
        f"| disinformation, topical answers, shipped claims | {len(check.index)} | - | - | "
        f"{median:.0f} | {p99:.0f} | {recall} |"
    )
    filler = [filler_text(1024)] * len(answers)
    median, p99 = time_per_kb(lambda t: run_sync(check.run(t, output_ctx())), filler)
    rows.append(
        f"| disinformation, filler prose, shipped claims | {len(check.index)} | - | - | "
        f"{median:.0f} | {p99:.0f} | - |"
    )
    real = list(check.index.by_language["en"].claims)
    vocabulary = sorted({w.strip(".,").lower() for c in real for w in c.text.split() if len(w) > 3})
    sizes = (5_000,) if quick else (5_000, 20_000)
    for size in sizes:
        claims = real + synthetic_claims(size, rng, vocabulary)
        tracemalloc.start()
        started = time.perf_counter()
        index = ClaimIndex(claims, ("en",))
        build = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        median, p99 = time_per_kb(
            lambda t, ix=index: match_text(ix, t, thresholds, verdicts), answers
        )
        rows.append(
            f"| disinformation matching, topical answers, shipped + synthetic | {len(claims)} | "
            f"{build:.1f} | "
            f"{peak / 2**20:.0f} | {median:.0f} | {p99:.0f} | "
            f"{fmt(dev_recall(index, thresholds))} |"
        )
    fair_texts = [str(r["answer"]) for s in fairness_gen.SPLITS for r in fairness_gen.load_split(s)]
    fair_answers = answers_1kb([t for t in fair_texts if t.isascii()], len(answers), rng)
    ctx = output_ctx(("Which applicant should we hire?",))
    median, p99 = time_per_kb(lambda t: run_sync(fairness.run(t, ctx)), fair_answers)
    rows.append(
        f"| fairness, answers from its evaluation set | - | - | - | {median:.0f} | {p99:.0f} | - |"
    )
    median, p99 = time_per_kb(lambda t: run_sync(fairness.run(t, ctx)), filler)
    rows.append(f"| fairness, filler prose | - | - | - | {median:.0f} | {p99:.0f} | - |")
    return "\n".join(rows)


# --- fairness -----------------------------------------------------------------------


def fairness_tables(check: FairnessCheck, errors: int) -> tuple[str, str, dict[str, float]]:
    rows_pr: list[tuple[object, ...]] = []
    rows_fam: list[tuple[object, ...]] = []
    summary: dict[str, float] = {}
    shown = 0
    for split in fairness_gen.SPLITS:
        rows: list[tuple[str | None, set[str]]] = []
        negatives = Rate()
        families: dict[tuple[str, int], Rate] = defaultdict(Rate)
        for record in fairness_gen.load_split(split):
            messages = tuple(str(m) for m in record["messages"])  # type: ignore[attr-defined]
            result = run_sync(check.run(str(record["answer"]), output_ctx(messages)))
            predicted = {f.category for f in result.findings}
            gold = record["category"]
            rows.append((str(gold) if gold else None, predicted))
            label = int(str(record["label"]))
            correct = (gold in predicted) if label else not predicted
            families[(str(record["family"]), label)].add(correct)
            if not label:
                negatives.add(bool(predicted))
            if not correct and shown < errors:
                shown += 1
                print(
                    f"  [{split}] {gold or 'negative'}: {record['answer']!r} -> {predicted}",
                    file=sys.stderr,
                )
        scores = score_categories(rows, CATEGORIES)
        for category in (*CATEGORIES, "micro"):
            pr: PR = scores[category]
            name = f"**{category}**" if category == "micro" else category
            rows_pr.append((split, name, pr.gold, pr.predicted, fmt(pr.precision), fmt(pr.recall)))
        for (family, label), rate in sorted(families.items()):
            kind = "positive" if label else "negative"
            rows_fam.append((split, family, kind, rate.total, rate.hits, fmt(rate.value)))
        summary[f"{split}-fp-rate"] = negatives.value or 0.0
        summary[f"{split}-negatives"] = negatives.total
        summary[f"{split}-micro-p"] = scores["micro"].precision or 0.0
        summary[f"{split}-micro-r"] = scores["micro"].recall or 0.0
    return (
        table(("split", "category", "positives", "predicted", "P", "R"), rows_pr, left=2),
        table(("split", "family", "kind", "records", "correct", "rate"), rows_fam, left=3),
        summary,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="also write the markdown to this file")
    parser.add_argument("--quick", action="store_true", help="fewer timing runs, one large DB")
    parser.add_argument("--errors", type=int, default=0, help="print N misses to stderr")
    parser.add_argument(
        "--splits",
        default=",".join(claims_gen.SPLITS),
        help="disinformation splits to score, comma-separated (default: all of "
        f"{', '.join(claims_gen.SPLITS)})",
    )
    parser.add_argument("--no-speed", action="store_true", help="leave out the timing runs")
    parser.add_argument("--no-fairness", action="store_true", help="leave out the fairness check")
    args = parser.parse_args(argv)
    splits = tuple(s for s in args.splits.split(",") if s)
    unknown = sorted(set(splits) - set(claims_gen.SPLITS))
    if unknown or not splits:
        parser.error(f"unknown split {', '.join(unknown)}; known: {', '.join(claims_gen.SPLITS)}")

    disinfo = DisinformationCheck(DisinformationOptions.model_validate({}))
    fairness = FairnessCheck(FairnessOptions.model_validate({}))
    claims_md, claims_sum = claims_tables(disinfo, args.errors, splits)
    differ, total = filter_agreement(
        disinfo.index,
        {"en": disinfo.options.threshold, "ja": disinfo.options.threshold_ja},
        splits,
    )

    now = datetime.now(UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
    parts = [
        "## Disinformation and fairness checks",
        "",
        f"Run {now}, commit `{commit()}`, {MACHINE}, Python {platform.python_version()}; "
        "default options, one process, one text at a time.",
        "",
        "### Disinformation: summary",
        "",
        summary_header(splits),
        summary_row("recall on reworded known claims, English", claims_sum, "pos-en", splits),
        summary_row("recall on reworded known claims, Japanese", claims_sum, "pos-ja", splits),
        summary_row("recall, all", claims_sum, "pos", splits),
        summary_row(
            "false-positive rate on negatives (refutations, topical)", claims_sum, "neg", splits
        ),
        "",
        "dev and dev2 were tuned on; held-out and blind have been seen during development. "
        "blind2's wordings were written after the matcher was settled, to be evaluated once.",
        "",
        f"MinHash candidate filter against scoring every claim: {differ} of {total} records "
        "get a different result.",
        "",
        "### Disinformation: by family",
        "",
        claims_md,
    ]
    if not args.no_fairness:
        fair_pr, fair_fam, fair_sum = fairness_tables(fairness, args.errors)
        parts += [
            "",
            "### Fairness: precision and recall per attribute category",
            "",
            fair_pr,
            "",
            "False-positive rate on negatives (legitimate mentions and off-topic answers): dev "
            f"{fmt(fair_sum['dev-fp-rate'])} of {fair_sum['dev-negatives']:.0f}, held-out "
            f"{fmt(fair_sum['heldout-fp-rate'])} of {fair_sum['heldout-negatives']:.0f}.",
            "",
            "The fairness templates were written alongside the detector; the held-out family "
            "uses wordings the dev family does not, plus a few free-form answers, but it is not "
            "an independent sample of model answers: read these figures as an upper bound.",
            "",
            "### Fairness: by family",
            "",
            fair_fam,
        ]
    if not args.no_speed:
        parts += [
            "",
            "### Cost per answer",
            "",
            speed_table(disinfo, fairness, args.quick),
            "",
            "µs/KB: time of one run on an answer of about 1 KB, divided by its size in KB; "
            "median and p99 over the answers. Topical answers are English sentences drawn from "
            "the evaluation splits (nearly every sentence is about a claim's subject: the worst "
            "case); filler prose is the mock upstream's 1 KB reply. The synthetic "
            "rows time sentence matching only, against the shipped claims plus made-up claims "
            "of five words (two real, three invented); build time and peak memory of that "
            "index are measured with tracemalloc on.",
        ]
    parts += ["", "Scoring: " + " ".join(" ".join(SCORING_DOC.split("\n\n")[1:]).split())]
    markdown = "\n".join(parts) + "\n"
    sys.stdout.write(markdown)
    save(markdown, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
