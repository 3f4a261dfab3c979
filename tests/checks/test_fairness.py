"""The fairness check: judgements about people resting on a protected attribute get a
warning; mere mentions, protective advice and other subjects do not."""

from __future__ import annotations

import textwrap

import pytest

from guardproxy.checks.base import Action, CheckContext
from guardproxy.checks.fairness import DEFAULT_JA, FairnessCheck, FairnessOptions
from guardproxy.errors import PolicyError
from guardproxy.pipeline import evaluate
from guardproxy.policy.compiled import Policy
from guardproxy.policy.loader import PolicyLoader
from tests.helpers import make_registry

HIRING = ("Which of the two applicants should we hire for the analyst role?",)


def make_check(**options: object) -> FairnessCheck:
    return FairnessCheck(FairnessOptions.model_validate(options))


def ctx(messages: tuple[str, ...] = HIRING) -> CheckContext:
    return CheckContext(direction="output", request_id="t", messages=messages)


def policy(entry: str) -> Policy:
    registry = make_registry()
    if "fairness" not in registry.names:
        registry.register("fairness", FairnessCheck)
    body = "output:\n" + textwrap.indent(textwrap.dedent(entry).strip(), "  ")
    return PolicyLoader(registry).load_bytes(body.encode(), name="f")


async def categories(text: str, context: CheckContext | None = None, **options: object) -> set[str]:
    result = await make_check(**options).run(text, context or ctx())
    return {f.category for f in result.findings}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I would not hire her because she is a woman.", "gender"),
        ("She is too old to learn a new stack.", "age"),
        ("Candidates from Nigeria are less reliable.", "nationality"),
        ("I'd prefer younger applicants for this role.", "age"),
        ("Her pregnancy makes her a risky hire.", "pregnancy"),
        ("Women are less committed to their careers.", "gender"),
        ("Older workers tend to struggle with new technology.", "age"),
        ("As a mother of two, she may be less committed.", "family_status"),
        ("I would hire a man for this role.", "gender"),
        ("Given his religion, he is not a good fit for the team.", "religion"),
        ("Because he uses a wheelchair, I would pass on him.", "disability"),
        ("Gay applicants are a risk for client-facing roles.", "sexual_orientation"),
        ("I would reject him since he is Black.", "race_ethnicity"),
        ("It is safer to avoid tenants from Syria.", "nationality"),
    ],
)
async def test_judgements_on_attributes_fire(text: str, category: str) -> None:
    assert await categories(text) == {category}


@pytest.mark.parametrize(
    "text",
    [
        "We comply with anti-discrimination law regarding age.",
        "Evaluate every applicant on skills and experience, regardless of gender.",
        "It is illegal to reject a candidate because she is pregnant.",
        "Don't reject him because of his age.",
        "Do not ask applicants about their religion.",
        "Evaluate based on skills, not age.",
        "The 45-year-old applicant has more relevant experience, so I would hire him.",
        "Hire the older candidate, who has ten years of experience.",
        "The applicant uses a wheelchair, so make sure the interview room is accessible.",
        "Last year 14 of the applicants mentioned their nationality in the survey.",
        "The old-fashioned interview format should be replaced by a work sample.",
        "We hire women and men on equal terms.",
        "Judge older and younger applicants on the merits of their work samples.",
    ],
)
async def test_mere_mentions_and_protective_advice_do_not_fire(text: str) -> None:
    assert await categories(text) == set()


async def test_needs_a_decision_about_people() -> None:
    text = "Because she is pregnant, she should avoid alcohol and raw fish."
    health = ctx(("What should my sister eat in the coming months?",))
    assert await categories(text, health) == set()
    assert await categories("I would not hire her because she is pregnant.", ctx(())) == {
        "pregnancy"
    }
    assert await categories("Because she is pregnant, she is a risk.", health) == set()
    assert await categories(
        "Because she is pregnant, she is a risk.", health, require_decision_context=False
    ) == {"pregnancy"}
    assert await categories(
        "Because she is pregnant, she is a risk.", health, decision_terms=["sister"]
    ) == {"pregnancy"}


async def test_attributes_option_limits_categories() -> None:
    text = "Older women are less reliable."
    assert await categories(text) == {"age", "gender"}
    assert await categories(text, attributes=["gender"]) == {"gender"}


async def test_finding_span_and_english_warning() -> None:
    text = "Both are strong. Still, I would not hire her because she is a woman."
    result = await make_check().run(text, ctx())
    (finding,) = result.findings
    assert text[finding.start : finding.end] == "woman"
    assert finding.category == "gender" and "(reason)" in finding.message
    (note,) = result.annotations
    assert note.kind == "fairness_warning"
    assert note.text.startswith(
        "Fairness note: this answer appears to base a judgement about a person on gender."
    )
    assert note.data == {"attributes": ["gender"], "language": "en", "findings": 1}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("女性なので管理職には向いていないと思います。", "gender"),
        ("外国人の応募者は信頼できないので、採用は見送るべきです。", "nationality"),
        ("若い人を優先して採用すべきです。", "age"),
        ("妊娠中という理由で、今回は不採用にしましょう。", "pregnancy"),
    ],
)
async def test_japanese_judgements_fire_with_a_japanese_warning(text: str, category: str) -> None:
    result = await make_check().run(text, ctx(("どの応募者を採用すべきですか",)))
    assert {f.category for f in result.findings} == {category}
    assert result.annotations[0].data["language"] == "ja"
    assert "必要であり" in result.annotations[0].text


@pytest.mark.parametrize(
    "text",
    [
        "年齢に関係なく、スキルで評価してください。",
        "妊娠を理由に不採用にすることは法律で禁止されています。",
        "女性の応募者が今年は10名いました。",
    ],
)
async def test_japanese_mentions_do_not_fire(text: str) -> None:
    assert await categories(text, ctx(("どの応募者を採用すべきですか",))) == set()


async def test_custom_texts_and_language() -> None:
    check = make_check(text_en="Review needed ({attributes}).", language="ja")
    result = await check.run("Older women are less reliable.", ctx())
    assert result.annotations[0].text == DEFAULT_JA.format(attributes="年齢・性別")
    check = make_check(text_en="Review needed ({attributes}).")
    result = await check.run("Older women are less reliable.", ctx())
    assert result.annotations[0].text == "Review needed (age, gender)."


async def test_pipeline_annotates() -> None:
    p = policy("- use: fairness")
    text = "I'd prefer younger applicants."
    v = await evaluate(p, p.output_checks, text, ctx())
    assert v.action is Action.ANNOTATE
    assert v.text.startswith(text + "\n\nFairness note: ")
    v = await evaluate(p, p.output_checks, "Hire the applicant with the best work sample.", ctx())
    assert v.action is Action.ALLOW and v.annotations == []


@pytest.mark.parametrize(
    ("options", "location", "message"),
    [
        ("{text_en: 'Check {who}.'}", r"options\.text_en", "unknown placeholder 'who'"),
        ("{text_ja: 'x {'}", r"options\.text_ja", "bad placeholder"),
        ("{attributes: [height]}", r"options\.attributes\[0\]", "Input should be"),
        ("{attributes: []}", r"options\.attributes", "at least 1"),
        ("{decision_terms: ['']}", r"options\.decision_terms", "must not be blank"),
    ],
)
def test_option_errors(options: str, location: str, message: str) -> None:
    with pytest.raises(PolicyError, match=location) as info:
        policy(f"- {{use: fairness, options: {options}}}")
    assert message in str(info.value)


async def test_upper_case_and_characters_that_grow_when_lower_cased() -> None:
    text = "İ note: I WOULD NOT HIRE HER BECAUSE SHE IS A WOMAN."
    result = await make_check().run(text, ctx())
    (finding,) = result.findings
    assert text[finding.start : finding.end] == "WOMAN"
    assert (
        await categories("This is a nondiscriminatory rule: older workers are less reliable.")
        == set()
    )
