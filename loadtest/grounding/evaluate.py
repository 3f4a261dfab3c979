"""Accuracy and speed of the `hallucination` check on the frozen grounding splits.

    .venv/bin/python -m loadtest.grounding.evaluate                # tables to stdout
    .venv/bin/python -m loadtest.grounding.evaluate --out /tmp/gp-bench/grounding.md

The threshold is tuned on the dev split only (Youden's J of hallucinated vs faithful
answers with sources; see `scoring`) and compared with the check's default; every figure
is reported on the test split, whose `transit` template family the dev split never
uses. The baseline is the share of answer words absent from the sources. The check runs
with its default options (no remote judge), one answer at a time, in this process.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guardproxy.checks.base import CheckContext, Source
from guardproxy.checks.hallucination import HallucinationCheck, HallucinationOptions
from loadtest.evalkit import commit, percentile, save
from loadtest.grounding.families import HELDOUT_FAMILY
from loadtest.grounding.generate import EDITS, FAITHFUL, load_split
from loadtest.grounding.scoring import (
    auroc,
    baseline_score,
    best_threshold,
    fmt,
    rates_at,
    youden_threshold,
)

MACHINE = "2-core AMD EPYC VM"
LENGTH_BUCKETS = ((1, 1), (2, 3), (4, 6), (7, 9), (10, 14))


@dataclass(frozen=True)
class Scored:
    case: str
    family: str
    edit: str
    label: int
    sentences: int
    chars: int
    score: float
    baseline: float


def sources_of(case: dict[str, Any]) -> tuple[Source, ...]:
    return tuple(Source(id=s["id"], text=s["text"], title=s.get("title")) for s in case["sources"])


def context(case: dict[str, Any], sources: tuple[Source, ...]) -> CheckContext:
    return CheckContext(
        direction="output",
        request_id=case["id"],
        messages=(case["question"],),
        sources=sources,
    )


async def score_split(check: HallucinationCheck, cases: list[dict[str, Any]]) -> list[Scored]:
    out: list[Scored] = []
    for case in cases:
        sources = sources_of(case)
        ctx = context(case, sources)
        texts = [s.text for s in sources]
        for answer in case["answers"]:
            result = await check.run(answer["text"], ctx)
            out.append(
                Scored(
                    case["id"],
                    case["family"],
                    answer["edit"],
                    answer["label"],
                    answer["sentences"],
                    len(answer["text"]),
                    result.score,
                    baseline_score(texts, answer["text"]) if texts else 1.0,
                )
            )
    return out


def with_sources(rows: Sequence[Scored]) -> list[Scored]:
    return [r for r in rows if r.family != "no_sources"]


def pair(rows: Sequence[Scored], edit: str | None) -> list[Scored]:
    """Faithful answers plus the answers of one edit type (all edits when None)."""
    return [r for r in rows if r.edit == FAITHFUL or (edit is None or r.edit == edit)]


def auc_of(rows: Sequence[Scored], attr: str) -> float | None:
    return auroc([getattr(r, attr) for r in rows], [r.label for r in rows])


def edit_table(rows: Sequence[Scored], threshold: float, base_threshold: float) -> str:
    lines = [
        "| answers | n | AUROC check | AUROC baseline | P check | R check | "
        "P baseline | R baseline |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    faithful = sum(1 for r in rows if r.edit == FAITHFUL)
    for edit in (None, *EDITS):
        subset = pair(rows, edit)
        n = len(subset) - faithful
        labels = [r.label for r in subset]
        check = rates_at([r.score for r in subset], labels, threshold)
        base = rates_at([r.baseline for r in subset], labels, base_threshold)
        name = "**all edits**" if edit is None else edit
        lines.append(
            f"| {name} vs faithful | {n} | {fmt(auc_of(subset, 'score'))} | "
            f"{fmt(auc_of(subset, 'baseline'))} | {fmt(check.precision, 2)} | "
            f"{fmt(check.recall, 2)} | {fmt(base.precision, 2)} | {fmt(base.recall, 2)} |"
        )
    lines.append(f"\n{faithful} faithful answers in every row.")
    return "\n".join(lines)


def family_table(rows: Sequence[Scored], threshold: float) -> str:
    lines = [
        "| family | answers | AUROC check | AUROC baseline | false-alarm rate | recall |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for family in sorted({r.family for r in rows}):
        subset = [r for r in rows if r.family == family]
        faithful = [r for r in subset if r.label == 0]
        false_alarms = sum(1 for r in faithful if r.score >= threshold)
        recall = rates_at([r.score for r in subset], [r.label for r in subset], threshold).recall
        name = f"{family} (held out)" if family == HELDOUT_FAMILY else family
        lines.append(
            f"| {name} | {len(subset)} | {fmt(auc_of(subset, 'score'))} | "
            f"{fmt(auc_of(subset, 'baseline'))} | "
            f"{fmt(false_alarms / len(faithful) if faithful else None, 2)} | "
            f"{fmt(recall, 2)} |"
        )
    return "\n".join(lines)


def length_table(rows: Sequence[Scored]) -> str:
    faithful = [r for r in rows if r.edit == FAITHFUL]
    lines = [
        "| faithful answer length (sentences) | n | mean score | max score | mean baseline |",
        "|---|--:|--:|--:|--:|",
    ]
    for lo, hi in LENGTH_BUCKETS:
        subset = [r for r in faithful if lo <= r.sentences <= hi]
        if not subset:
            continue
        label = str(lo) if lo == hi else f"{lo}-{hi}"
        lines.append(
            f"| {label} | {len(subset)} | {statistics.fmean(r.score for r in subset):.3f} | "
            f"{max(r.score for r in subset):.3f} | "
            f"{statistics.fmean(r.baseline for r in subset):.3f} |"
        )
    rho = spearman([r.sentences for r in faithful], [r.score for r in faithful])
    lines.append(f"\nSpearman correlation of score and length among faithful answers: {rho:+.3f}")
    return "\n".join(lines)


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    def ranks(values: Sequence[float]) -> list[float]:
        order = sorted(range(len(values)), key=lambda i: values[i])
        out = [0.0] * len(values)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
                j += 1
            for k in range(i, j + 1):
                out[order[k]] = (i + j) / 2
            i = j + 1
        return out

    rx, ry = ranks(xs), ranks(ys)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    var = (sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5
    return cov / var if var else 0.0


def no_sources_table(rows: Sequence[Scored], threshold: float) -> str:
    subset = [r for r in rows if r.family == "no_sources"]
    if not subset:
        return "(no no-sources answers)"
    labels = [r.label for r in subset]
    scores = [r.score for r in subset]
    rates = rates_at(scores, labels, threshold)
    lines = [
        "| answers without sources | n | mean score | flagged at threshold |",
        "|---|--:|--:|--:|",
    ]
    for edit, name in (("ns_specific", "specific claims"), ("ns_general", "general statements")):
        part = [r for r in subset if r.edit == edit]
        flagged = sum(1 for r in part if r.score >= threshold)
        lines.append(
            f"| {name} | {len(part)} | {statistics.fmean(r.score for r in part):.3f} | "
            f"{flagged} ({flagged / len(part):.0%}) |"
        )
    lines.append(
        f"\nAUROC specific vs general: {fmt(auroc(scores, labels))}; precision "
        f"{fmt(rates.precision, 2)}, recall {fmt(rates.recall, 2)} at the threshold."
    )
    return "\n".join(lines)


def kilobyte_answers(
    cases: list[dict[str, Any]], count: int, extra_sources: int = 0
) -> list[tuple[str, CheckContext]]:
    """About 1 KB answers (answers of one case joined, cut at a sentence end), with their
    context; extra_sources adds the sources of that many following cases, as unrelated
    documents that retrieval must look through."""
    sourced = [c for c in cases if c["sources"]]
    out: list[tuple[str, CheckContext]] = []
    for n, case in enumerate(sourced):
        text = ""
        for answer in case["answers"]:
            if len(text) >= 1000:
                break
            text = f"{text} {answer['text']}".strip()
        if len(text) < 900:
            continue
        cut = text.rfind(". ", 0, 1024)
        text = text[: cut + 1] if cut > 900 else text[:1024]
        sources = sources_of(case)
        for other in sourced[n + 1 : n + 1 + extra_sources]:
            sources += sources_of(other)
        out.append((text, context(case, sources)))
        if len(out) == count:
            break
    return out


async def timing(
    check: HallucinationCheck, samples: list[tuple[str, CheckContext]], rounds: int
) -> tuple[list[float], list[float]]:
    """CPU and wall microseconds per 1 KB of answer, one `check.run` at a time.

    CPU time (of this thread) is the figure that matters on a shared machine: wall time
    also counts the time other processes held the core.
    """
    cpu: list[float] = []
    wall: list[float] = []
    for _ in range(rounds):
        for text, ctx in samples:
            scale = 1e6 * 1024 / len(text.encode("utf-8"))
            started_cpu, started = time.thread_time(), time.perf_counter()
            await check.run(text, ctx)
            cpu.append((time.thread_time() - started_cpu) * scale)
            wall.append((time.perf_counter() - started) * scale)
    return cpu, wall


def _times(cpu: list[float], wall: list[float]) -> str:
    return " | ".join(
        f"{v:.0f}"
        for v in (
            statistics.median(cpu),
            percentile(cpu, 99),
            statistics.median(wall),
            percentile(wall, 99),
        )
    )


async def run(args: argparse.Namespace) -> str:
    check = HallucinationCheck(HallucinationOptions())
    await check.start(None)  # type: ignore[arg-type]  # no offloader: the check runs inline
    try:
        dev_cases = load_split("dev")
        test_cases = load_split("test")
        started = time.perf_counter()
        dev = await score_split(check, dev_cases)
        test = await score_split(check, test_cases)
        scoring_s = time.perf_counter() - started
        samples = kilobyte_answers(test_cases, 200)
        cpu, wall = await timing(check, samples, args.rounds)
        large = kilobyte_answers(test_cases, 200, extra_sources=4)
        cpu_large, wall_large = await timing(check, large, args.rounds)
    finally:
        await check.close()

    dev_sourced, test_sourced = with_sources(dev), with_sources(test)
    dev_labels = [r.label for r in dev_sourced]
    tuned = youden_threshold([r.score for r in dev_sourced], dev_labels)
    tuned_f1 = best_threshold([r.score for r in dev_sourced], dev_labels)
    base_tuned = youden_threshold([r.baseline for r in dev_sourced], dev_labels)
    shipped = HallucinationOptions().threshold
    dev_auc = auc_of(dev_sourced, "score")
    test_auc = auc_of(test_sourced, "score")
    heldout = [r for r in test_sourced if r.family == HELDOUT_FAMILY]
    now = time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime())
    mean_chars = statistics.fmean(len(t) for t, _ in samples)

    def source_kb(rows: list[tuple[str, CheckContext]]) -> float:
        return statistics.fmean(sum(len(s.text) for s in c.sources) for _, c in rows) / 1000

    parts = [
        "## Grounding: the `hallucination` check",
        "",
        f"{now}, commit `{commit()}`, {MACHINE}, Python {sys.version.split()[0]}. "
        f"`python -m loadtest.grounding.evaluate`; default options, no remote judge.",
        "",
        f"Dev split: {len(dev_sourced)} answers with sources ({sum(r.label for r in dev_sourced)}"
        f" hallucinated); test split: {len(test_sourced)} ({sum(r.label for r in test_sourced)}"
        f" hallucinated), {len(heldout)} of them from the held-out `{HELDOUT_FAMILY}` family. "
        f"Scoring both splits took {scoring_s:.1f} s.",
        "",
        f"- AUROC, all edits vs faithful: dev {fmt(dev_auc)}, **test {fmt(test_auc)}**, "
        f"held-out family only {fmt(auc_of(heldout, 'score'))}; baseline on test "
        f"{fmt(auc_of(test_sourced, 'baseline'))}.",
        f"- Threshold: shipped default **{shipped:g}**, from the dev split: Youden-optimal "
        f"{tuned:.3f} (best F1 {tuned_f1:.3f}); the baseline's Youden-optimal threshold on "
        f"dev, {base_tuned:.3f}, gives its P/R below.",
        "",
        f"### Test split, each edit type vs the faithful answers (P/R at threshold {shipped:g})",
        "",
        edit_table(test_sourced, shipped, base_tuned),
        "",
        "### Test split by template family",
        "",
        family_table(test_sourced, shipped),
        "",
        "### Score vs answer length (test, faithful answers)",
        "",
        length_table(test_sourced),
        "",
        "### Answers without sources (test)",
        "",
        no_sources_table(test, shipped),
        "",
        "### Speed",
        "",
        f"{len(samples)} answers of {mean_chars:.0f} characters on average, {args.rounds} "
        "rounds, one core, `check.run` awaited one at a time; the source index is built on "
        "every call, so the time includes it. CPU time of the thread, and wall time (which "
        "also counts time other processes held the core). Goal: ≤ 5000 µs per 1 KB of answer.",
        "",
        "| sources per answer | CPU median µs / KB | CPU p99 | wall median | wall p99 |",
        "|---|--:|--:|--:|--:|",
        f"| the case's own, {source_kb(samples):.1f} KB on average | {_times(cpu, wall)} |",
        f"| plus 4 other cases' documents, {source_kb(large):.1f} KB on average | "
        f"{_times(cpu_large, wall_large)} |",
        "",
    ]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="also write the markdown to this file")
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds over 200 answers")
    args = parser.parse_args(argv)
    report = asyncio.run(run(args))
    print(report)
    save(report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
