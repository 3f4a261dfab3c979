"""The notice check appends the AI-use notice by policy, in English or Japanese."""

from __future__ import annotations

import textwrap

import pytest

from guardproxy.checks.base import Action, CheckContext
from guardproxy.checks.notice import DEFAULT_EN, DEFAULT_JA
from guardproxy.pipeline import evaluate
from guardproxy.policy.compiled import Policy
from guardproxy.policy.loader import PolicyLoader
from tests.helpers import make_registry


def policy(options: str, extra: str = "") -> Policy:
    body = f"""
        output:
          {extra}
          - use: notice
            options: {options}
    """
    return PolicyLoader(make_registry()).load_bytes(textwrap.dedent(body).encode(), name="n")


def ctx(prior: int = 0) -> CheckContext:
    return CheckContext(direction="output", request_id="t", prior_answers=prior)


async def test_always_appends_english_notice_with_contact() -> None:
    p = policy("{contact: help@example.org}")
    v = await evaluate(p, p.output_checks, "Paris is the capital of France.", ctx())
    assert v.action is Action.ANNOTATE
    assert v.text == f"Paris is the capital of France.\n\n{DEFAULT_EN} Questions: help@example.org"
    assert v.annotations[0].data["language"] == "en"


async def test_japanese_answer_gets_japanese_notice() -> None:
    p = policy("{}")
    v = await evaluate(p, p.output_checks, "東京は日本の首都です。", ctx())
    assert v.text.endswith(DEFAULT_JA)


@pytest.mark.parametrize(("prior", "appended"), [(0, True), (2, False)])
async def test_first_turn_only(prior: int, appended: bool) -> None:
    p = policy("{when: first_turn}")
    v = await evaluate(p, p.output_checks, "Hello.", ctx(prior))
    assert (DEFAULT_EN in v.text) is appended
    assert v.action is (Action.ANNOTATE if appended else Action.ALLOW)


async def test_with_annotations_needs_another_annotation() -> None:
    p = policy("{when: with_annotations}")
    v = await evaluate(p, p.output_checks, "Hello.", ctx())
    assert v.text == "Hello." and v.action is Action.ALLOW and v.annotations == []
    p = policy(
        "{when: with_annotations}",
        extra="- {use: notice, id: other, options: {text_en: 'Other note.'}}",
    )
    v = await evaluate(p, p.output_checks, "Hello.", ctx())
    assert v.text == f"Hello.\n\nOther note.\n\n{DEFAULT_EN}"


def test_blank_contact_is_rejected() -> None:
    from guardproxy.errors import PolicyError

    with pytest.raises(PolicyError, match=r"output\[0\]\.options\.contact"):
        policy("{contact: '  '}")
