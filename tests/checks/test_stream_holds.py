"""The checks' own stream holds: a value split at any offset near it is delivered exactly as
when the text arrives whole, for pattern-only PII and for secrets."""

from __future__ import annotations

import textwrap

import pytest

from guardproxy.checks.base import CheckContext
from guardproxy.checks.registry import CheckRegistry
from guardproxy.nlp.pool import InlineOffloader
from guardproxy.policy.compiled import Policy
from guardproxy.policy.loader import PolicyLoader
from guardproxy.streaming import StreamGuard

PATTERN_PII = """
    stream: {mode: incremental, holdback_chars: 256, min_window_chars: 8}
    output:
      - use: pii
        options: {entities: [EMAIL_ADDRESS, PHONE_NUMBER, CREDIT_CARD, IBAN_CODE, US_SSN], min_score: 0.4}
"""
SECRETS = """
    stream: {mode: incremental, holdback_chars: 256, min_window_chars: 8}
    output:
      - use: secrets
"""
PASSWORD = "correct horse battery staple"
CASES = [
    (
        PATTERN_PII,
        "Here it is. Card number 4111 1111 1111 1111 expires soon, ok.",
        "4111 1111 1111 1111",
    ),
    (
        PATTERN_PII,
        "Here it is. My IBAN is DE89 3704 0044 0532 0130 00 for you.",
        "DE89 3704 0044 0532 0130 00",
    ),
    (
        PATTERN_PII,
        "Here it is. Call the office at (415) 555-0132 any weekday please.",
        "(415) 555-0132",
    ),
    (
        PATTERN_PII,
        "Here it is. Write to maria.lopez@example.com on weekdays.",
        "maria.lopez@example.com",
    ),
    (SECRETS, f'The 27" monitor is nice. Config: password = "{PASSWORD}" then restart.', PASSWORD),
    (SECRETS, f"Config for the service. Use password = `{PASSWORD}` then restart it.", PASSWORD),
    (SECRETS, f"Config for the service. Use password: '{PASSWORD}' then restart it.", PASSWORD),
    (SECRETS, f'Settings: {{"user": "ops", "password": "{PASSWORD}"}} and restart.', PASSWORD),
]


def ctx(partial: bool) -> CheckContext:
    return CheckContext(direction="output", request_id="hold", partial=partial)


async def deliver(policy: Policy, chunks: list[str]) -> str:
    guard = StreamGuard(policy, ctx)
    out = [(await guard.feed(chunk)).text for chunk in chunks]
    out.append((await guard.finish()).text)
    return "".join(out)


@pytest.mark.parametrize(("body", "text", "value"), CASES)
async def test_a_split_near_a_value_changes_nothing(
    inline_offloader: InlineOffloader, body: str, text: str, value: str
) -> None:
    policy = PolicyLoader(CheckRegistry.discover()).load_bytes(
        textwrap.dedent(body).encode(), name="h"
    )
    await policy.start(inline_offloader)
    whole = await deliver(policy, [text])
    assert value not in whole
    start = text.index(value)
    for cut in range(max(1, start - 12), start + len(value)):
        assert await deliver(policy, [text[:cut], text[cut:]]) == whole, cut
