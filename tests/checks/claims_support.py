"""What the disinformation check reports for a text: the claim ids, in order."""

from __future__ import annotations

from guardproxy.checks.disinformation import DisinformationCheck, match_text


def claim_ids(check: DisinformationCheck, text: str) -> list[str]:
    thresholds = {"en": check.options.threshold, "ja": check.options.threshold_ja}
    return [m.match.claim.id for m in match_text(check.index, text, thresholds)]
