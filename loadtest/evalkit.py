"""Shared parts of the evaluation packages (`abuse`, `filters`, `grounding`).

- Frozen splits: records as compact JSON lines (`jsonl`, `read_jsonl`) and the generator
  command line that writes them or checks them against the generator (`generator_main`).
- Scores: `ratio` (None when undefined), `f1`, `percentile` (linear interpolation), `fmt`;
  span scoring by character overlap: `Span`, `overlaps`, `Counts`, `score_text`.
- Reports: `table` (a markdown table), `commit` (the short hash of HEAD), `save` (--out).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


# --- frozen splits ----------------------------------------------------------------------


Span = tuple[int, int, str]
"""(start, end, label): a labelled character range."""


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True if the half-open ranges a and b share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


@dataclass
class Counts:
    """Counts for one entity type (or summed over several)."""

    predicted: int = 0
    true_positive: int = 0
    gold: int = 0
    found: int = 0
    gold_chars: int = 0
    covered_chars: int = 0

    def add(self, other: Counts) -> None:
        self.predicted += other.predicted
        self.true_positive += other.true_positive
        self.gold += other.gold
        self.found += other.found
        self.gold_chars += other.gold_chars
        self.covered_chars += other.covered_chars

    @property
    def false_positive(self) -> int:
        return self.predicted - self.true_positive

    @property
    def false_negative(self) -> int:
        return self.gold - self.found

    @property
    def precision(self) -> float | None:
        return self.true_positive / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def coverage(self) -> float | None:
        return self.covered_chars / self.gold_chars if self.gold_chars else None


def score_text(
    gold: Iterable[Span], predicted: Iterable[Span], types: Sequence[str]
) -> dict[str, Counts]:
    """Counts per label in types for one text (see the rules below); other labels are ignored.

    A prediction is a true positive when it overlaps a gold span of its label; a gold span
    is found when a prediction of its label overlaps it; coverage counts its characters
    that some prediction of its label covers.
    """
    wanted = set(types)
    gold_spans = [g for g in gold if g[2] in wanted]
    pred_spans = [p for p in predicted if p[2] in wanted]
    result = {t: Counts() for t in types}
    for start, end, label in pred_spans:
        counts = result[label]
        counts.predicted += 1
        if any(g[2] == label and overlaps((start, end), (g[0], g[1])) for g in gold_spans):
            counts.true_positive += 1
    for start, end, label in gold_spans:
        counts = result[label]
        same = [(p[0], p[1]) for p in pred_spans if p[2] == label]
        counts.gold += 1
        counts.gold_chars += end - start
        if any(overlaps((start, end), p) for p in same):
            counts.found += 1
        counts.covered_chars += sum(
            1 for i in range(start, end) if any(p[0] <= i < p[1] for p in same)
        )
    return result


def jsonl(records: Iterable[Mapping[str, Any]]) -> str:
    """One compact JSON object a line, non-ASCII characters kept as they are."""
    return "".join(
        json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n" for record in records
    )


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The records of a JSON-lines file; blank lines are skipped."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def generator_main(
    doc: str | None,
    argv: list[str] | None,
    *,
    seed: int,
    splits: Sequence[str],
    split_path: Callable[[str], Path],
    render: Callable[[str, int], str],
    describe: Callable[[str], str],
) -> int:
    """Write every split's frozen file, or with --check only compare; 1 if one differs.

    `describe(content)` says what a written file holds ("2000 sentences").
    """
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=seed)
    parser.add_argument("--check", action="store_true", help="only compare with the frozen files")
    args = parser.parse_args(argv)
    status = 0
    for split in splits:
        content = render(split, args.seed)
        path = split_path(split)
        path.parent.mkdir(parents=True, exist_ok=True)
        if args.check:
            same = path.exists() and path.read_text(encoding="utf-8") == content
            print(f"{path.name}: {'matches' if same else 'DIFFERS'}")
            status |= 0 if same else 1
        else:
            path.write_text(content, encoding="utf-8")
            print(f"wrote {path} ({describe(content)})")
    return status


# --- scores -----------------------------------------------------------------------------


def ratio(part: float, whole: float) -> float | None:
    """part / whole, or None when whole is zero (an undefined rate)."""
    return part / whole if whole else None


def f1(precision: float | None, recall: float | None) -> float | None:
    """The harmonic mean of precision and recall; None when either is undefined."""
    if precision is None or recall is None:
        return None
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between ranks."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def fmt(value: float | None, digits: int = 2) -> str:
    """A score with `digits` decimals, or n/a."""
    return "n/a" if value is None else f"{value:.{digits}f}"


# --- reports ----------------------------------------------------------------------------


def table(header: Sequence[str], rows: Iterable[Sequence[object]], left: int = 1) -> str:
    """A markdown table: the first `left` columns aligned left, the others right."""
    align = ["---"] * left + ["--:"] * (len(header) - left)
    lines = [f"| {' | '.join(header)} |", f"|{'|'.join(align)}|"]
    lines += [f"| {' | '.join(str(cell) for cell in row)} |" for row in rows]
    return "\n".join(lines)


def commit() -> str:
    """The short hash of the checked-out commit, or "unknown"."""
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip()


def save(markdown: str, out: Path | None) -> None:
    """Also write the report to `out` when one was given."""
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(markdown, encoding="utf-8")
