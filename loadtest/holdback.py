"""How much text a stream holds back, with fixed tails and with the checks' own holds.

    python -m loadtest.holdback [--texts 60] [--chunk 20] [--chars-per-s 1000]

Streams ~1 KB texts built from the held-out PII sentences (names, e-mail addresses, phone
and card numbers among ordinary prose) through a StreamGuard with the `pii` and `secrets`
checks (NER in this process), in chunks of --chunk characters. Each text is streamed twice
in the same run: once with every check holding its fixed lookahead (PII 64, secrets 96
characters), once with their dynamic holds (only what may still grow: a value or name
running into the window's end). Reported per mode: characters that had to arrive before
the first release and that time at --chars-per-s, the mean characters held after each
release, check runs per text, time in the checks, and how many labelled values reached the
client: the detectors' own misses count in both modes alike, so the two must be equal (a
value split across chunks must not leak because less was held).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path
from typing import Any

from guardproxy.checks.base import CheckContext
from guardproxy.checks.pii import PiiCheck
from guardproxy.checks.registry import CheckRegistry
from guardproxy.checks.secrets import SecretsCheck
from guardproxy.nlp.pool import InlineOffloader
from guardproxy.policy.compiled import Policy
from guardproxy.policy.loader import PolicyLoader
from guardproxy.streaming import StreamGuard

DATA = Path(__file__).parent / "pii" / "data" / "heldout.jsonl"
ENTITIES = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "US_SSN",
)
POLICY = b"""
stream: {mode: incremental, holdback_chars: 256, min_window_chars: 48}
output:
  - use: pii
    timeout_ms: 10000
    options:
      entities: [PERSON, EMAIL_ADDRESS, PHONE_NUMBER, CREDIT_CARD, IBAN_CODE, IP_ADDRESS, US_SSN]
  - use: secrets
"""


class FixedPii(PiiCheck):
    """The PII check holding its fixed lookahead, for comparison."""

    dynamic_hold = False

    def hold_from(self, window: str) -> int:
        return max(0, len(window) - self.lookahead_chars)


class FixedSecrets(SecretsCheck):
    dynamic_hold = False

    def hold_from(self, window: str) -> int:
        return max(0, len(window) - self.lookahead_chars)


def texts(count: int) -> list[tuple[str, list[str]]]:
    """~1 KB texts and the labelled values in them."""
    records = [json.loads(line) for line in DATA.read_text("utf-8").splitlines()]
    out: list[tuple[str, list[str]]] = []
    text, values = "", []
    for record in records:
        sentence = record["text"]
        values += [sentence[s:e] for s, e, label in record["spans"] if label in ENTITIES]
        text = f"{text} {sentence}".strip()
        if len(text) >= 1000:
            out.append((text, values))
            text, values = "", []
            if len(out) == count:
                break
    return out


async def stream(policy: Policy, text: str, chunk: int) -> dict[str, Any]:
    guard = StreamGuard(policy, lambda partial: CheckContext("output", "holdback", partial=partial))
    received = 0
    first: int | None = None
    held_after: list[int] = []
    delivered: list[str] = []
    started = time.perf_counter()
    for i in range(0, len(text), chunk):
        piece = text[i : i + chunk]
        received += len(piece)
        step = await guard.feed(piece)
        if step.text:
            delivered.append(step.text)
            held_after.append(guard.held_chars)
            if first is None:
                first = received
    delivered.append((await guard.finish()).text)
    return {
        "first": first if first is not None else len(text),
        "held": statistics.fmean(held_after) if held_after else float(len(text)),
        "runs": guard.check_runs,
        "seconds": time.perf_counter() - started,
        "text": "".join(delivered),
    }


async def measure(count: int, chunk: int) -> dict[str, list[dict[str, Any]]]:
    registry = CheckRegistry.discover()
    registry.register("pii_fixed", FixedPii)
    registry.register("secrets_fixed", FixedSecrets)
    loader = PolicyLoader(registry)
    fixed = POLICY.replace(b"use: pii", b"use: pii_fixed").replace(
        b"use: secrets", b"use: secrets_fixed"
    )
    offloader = InlineOffloader()
    policies = {
        "fixed": loader.load_bytes(fixed, name="fixed"),
        "dynamic": loader.load_bytes(POLICY, name="dynamic"),
    }
    for policy in policies.values():
        await policy.start(offloader)
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in policies}
    for text, values in texts(count):
        for name, policy in policies.items():  # the same text, one mode after the other
            result = await stream(policy, text, chunk)
            result["leaked"] = {v for v in values if v in result["text"]}
            results[name].append(result)
    return results


def only_here(rows: list[dict[str, Any]], others: list[dict[str, Any]]) -> int:
    """Labelled values delivered in this mode that the other mode redacted."""
    return sum(len(r["leaked"] - o["leaked"]) for r, o in zip(rows, others, strict=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtest.holdback", description=__doc__)
    parser.add_argument("--texts", type=int, default=60)
    parser.add_argument("--chunk", type=int, default=20)
    parser.add_argument("--chars-per-s", type=float, default=1000.0)
    args = parser.parse_args(argv)
    results = asyncio.run(measure(args.texts, args.chunk))
    print(
        "| holds | texts | first release after (chars, median / p90) | at "
        f"{args.chars_per_s:.0f} chars/s (ms, median) | mean held after a release (chars) "
        "| check runs per text | check time per text (ms, median) | labelled values delivered "
        "| delivered only in this mode |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    other = {"fixed": "dynamic", "dynamic": "fixed"}
    for name, rows in results.items():
        firsts = sorted(r["first"] for r in rows)
        p90 = firsts[min(len(firsts) - 1, int(0.9 * len(firsts)))]
        print(
            f"| {name} | {len(rows)} | {statistics.median(firsts):.0f} / {p90} | "
            f"{1000 * statistics.median(firsts) / args.chars_per_s:.0f} | "
            f"{statistics.fmean(r['held'] for r in rows):.1f} | "
            f"{statistics.fmean(r['runs'] for r in rows):.1f} | "
            f"{1000 * statistics.median(r['seconds'] for r in rows):.1f} | "
            f"{sum(len(r['leaked']) for r in rows)} | "
            f"{only_here(rows, results[other[name]])} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
