"""Policy-declared pattern recognizers and deny lists in the pii check."""

from __future__ import annotations

import textwrap

import pytest

from guardproxy.checks.base import CheckContext
from guardproxy.checks.registry import CheckRegistry
from guardproxy.errors import PolicyError
from guardproxy.nlp.pool import InlineOffloader, worker_pipeline_state
from guardproxy.pipeline import evaluate
from guardproxy.policy.compiled import Policy
from guardproxy.policy.loader import PolicyLoader

POLICY = """
    output:
      - use: pii
        options:
          entities: [EMAIL_ADDRESS]
          patterns:
            - {entity: employee_id, regex: '\\bEMP-\\d{6}\\b', score: 0.9}
          deny_lists:
            PROJECT_CODENAME: [Bluebird, Night Owl]
"""


def load(body: str) -> Policy:
    return PolicyLoader(CheckRegistry.discover()).load_bytes(
        textwrap.dedent(body).encode(), name="custom"
    )


async def test_custom_patterns_and_deny_lists_are_redacted(
    inline_offloader: InlineOffloader, output_ctx: CheckContext
) -> None:
    policy = load(POLICY)
    await policy.start(inline_offloader)
    text = "Ask EMP-123456 about project bluebird and Night Owl; mail ops@example.com."
    _, before = await inline_offloader.run(worker_pipeline_state)
    verdict = await evaluate(policy, policy.output_checks, text, output_ctx)
    _, after = await inline_offloader.run(worker_pipeline_state)
    # patterns, deny lists and e-mail addresses need no named-entity recognition
    assert after.texts > before.texts
    assert after.ner_texts == before.ner_texts
    assert verdict.text == (
        "Ask <EMPLOYEE_ID> about project <PROJECT_CODENAME> and <PROJECT_CODENAME>; "
        "mail <EMAIL_ADDRESS>."
    )
    scores = {a.finding.category: a.finding.score for a in verdict.findings}
    assert scores["EMPLOYEE_ID"] == pytest.approx(0.9)
    # a near miss of the pattern and a word containing a deny-listed term stay
    verdict = await evaluate(
        policy, policy.output_checks, "EMP-12345 and Bluebirds are fine.", output_ctx
    )
    assert verdict.text == "EMP-12345 and Bluebirds are fine."


@pytest.mark.parametrize(
    ("options", "location", "message"),
    [
        ("patterns: [{entity: x, regex: 'a'}]", "patterns[0].entity", "UPPER_SNAKE_CASE"),
        (
            "patterns: [{entity: EMP, regex: '(unclosed'}]",
            "patterns[0].regex",
            "invalid regular expression",
        ),
        ("deny_lists: {CODE: []}", "deny_lists", "holds no terms"),
    ],
)
def test_bad_custom_recognizers_name_their_location(
    options: str, location: str, message: str
) -> None:
    with pytest.raises(PolicyError) as info:
        load(f"output:\n  - use: pii\n    options: {{{options}}}\n")
    assert f"output[0].options.{location}" in str(info.value)
    assert message in str(info.value)
