"""The hallucination check: scores, thresholds, disclaimers, no-sources mode, remote judge."""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from pydantic import ValidationError
from pytest_aiohttp import AiohttpServer

from guardproxy.checks.base import Action, CheckContext, CheckResult, Source
from guardproxy.checks.hallucination import (
    DEFAULT_EN,
    DEFAULT_JA,
    DEFAULT_NO_SOURCES_EN,
    FEATURES,
    SENTENCE_WEIGHTS,
    HallucinationCheck,
    HallucinationOptions,
    assess,
)
from guardproxy.grounding.remote import combine
from guardproxy.grounding.signals import (
    contradictions,
    hedged,
    is_small_talk,
    logprob_risk,
    negated,
    specificity,
    url_looks_real,
)
from guardproxy.mock_moderation import MODERATION_CONTROL, create_moderation_app
from guardproxy.pipeline import evaluate
from guardproxy.policy.loader import PolicyLoader
from tests.helpers import make_registry

SOURCES = (
    Source(
        "doc-1",
        "Brightwell Labs was founded in Lyon in 1987 by Camille Dubois. Its chief executive "
        "is Omar Haddad, who joined the company in 2012. The company employs 4,300 people "
        "across its offices. In 2023, revenue rose by 12% to $410 million.",
        title="Brightwell Labs profile",
    ),
    Source(
        "doc-2",
        "On March 3, 2022, Brightwell Labs acquired Tessaly Foods for $85 million. Ingrid "
        "Nielsen serves as chief financial officer. The company has not paid a dividend "
        "since 2015.",
    ),
)
FAITHFUL = (
    "Brightwell Labs was founded in Lyon in 1987 by Camille Dubois. Revenue reached $410 "
    "million in 2023, an increase of 12 percent. Ingrid Nielsen is the chief financial "
    "officer."
)
FAITHFUL_LONG = FAITHFUL + (
    " Omar Haddad has led the company as chief executive since 2012. The company employs "
    "4,300 people. Brightwell Labs bought Tessaly Foods for $85 million on 3 March 2022. "
    "No dividend has been paid since 2015. I hope this helps."
)
EDITED = {
    "entity_swap": FAITHFUL.replace("by Camille Dubois", "by Omar Haddad"),
    "number_change": FAITHFUL.replace("$410 million", "$520 million"),
    "date_change": FAITHFUL.replace("1987", "1994"),
    "negation": FAITHFUL + " Brightwell Labs did not acquire Tessaly Foods.",
    "invented_fact": FAITHFUL
    + " Brightwell Labs also runs a research centre in Oslo with 700 staff.",
    "unsupported": FAITHFUL
    + " Omar Haddad is expected to replace Camille Dubois as chairman next year.",
}
INVENTED = " Brightwell Labs also runs a research centre in Oslo with 700 staff."


def ctx(sources: tuple[Source, ...] = SOURCES) -> CheckContext:
    return CheckContext(direction="output", request_id="req-h", sources=sources)


async def run(text: str, sources: tuple[Source, ...] = SOURCES, **options: Any) -> CheckResult:
    check = HallucinationCheck(HallucinationOptions.model_validate(options))
    return await check.run(text, ctx(sources))


# --- scores --------------------------------------------------------------------------------


@pytest.mark.parametrize("edit", sorted(EDITED))
async def test_each_edit_scores_above_both_faithful_answers(edit: str) -> None:
    faithful = (await run(FAITHFUL)).score
    long_faithful = (await run(FAITHFUL_LONG)).score
    edited = (await run(EDITED[edit])).score
    assert edited > faithful + 0.3
    assert edited > long_faithful + 0.3


@pytest.mark.parametrize("edit", sorted(EDITED))
async def test_default_threshold_flags_edits_and_passes_faithful(edit: str) -> None:
    threshold = HallucinationOptions().threshold
    assert (await run(FAITHFUL)).score < threshold
    assert (await run(FAITHFUL_LONG)).score < threshold
    assert (await run(EDITED[edit])).score >= threshold


async def test_the_edited_sentence_is_the_risky_one() -> None:
    text = FAITHFUL + INVENTED
    result = assess(text, SOURCES)
    worst = max(result.sentences, key=lambda s: s.risk)
    assert text[worst.start : worst.end] == INVENTED.strip()
    assert "unsourced_numbers" in worst.signals and "unsourced_names" in worst.signals
    others = [s.risk for s in result.sentences if s is not worst]
    assert max(others) < 0.1


async def test_score_does_not_grow_with_faithful_length() -> None:
    short = (await run(FAITHFUL)).score
    long = (await run(FAITHFUL_LONG)).score
    assert long <= short + 0.02


async def test_url_not_in_sources_raises_risk_and_a_source_url_does_not() -> None:
    sources = (*SOURCES, Source("doc-3", "Results: https://brightwell.example.org/results"))
    unknown = FAITHFUL + " The full results are at https://brightwell-labs.com/results."
    known = FAITHFUL + " The full results are at https://brightwell.example.org/results."
    unknown_result = assess(unknown, sources)
    known_result = assess(known, sources)
    assert unknown_result.score > 0.5
    assert known_result.score < unknown_result.score - 0.4
    assert "url" in unknown_result.sentences[-1].signals
    assert "url" not in known_result.sentences[-1].signals


async def test_small_talk_is_not_scored() -> None:
    result = assess("I hope this helps. Let me know if you have any other questions.", SOURCES)
    assert result.score == 0.0 and result.sentences == ()


async def test_japanese_answer_against_japanese_source() -> None:
    sources = (Source("d", "東京精機は1987年に大阪で設立された。従業員は4300人である。"),)
    faithful = assess("東京精機は1987年に大阪で設立されました。", sources).score
    changed = assess("東京精機は1995年に名古屋で設立されました。", sources).score
    assert faithful < 0.1 < 0.9 < changed


# --- threshold, findings and annotation ----------------------------------------------------


async def test_below_threshold_only_the_score() -> None:
    result = await run(FAITHFUL)
    assert 0.0 < result.score < HallucinationOptions().threshold
    assert result.annotations == ()
    assert result.findings == ()


async def test_below_threshold_unsupported_sentences_are_recorded_without_effect() -> None:
    text = EDITED["date_change"]
    result = await run(text, threshold=0.99)
    assert 0.5 < result.score < 0.99 and result.annotations == ()
    (finding,) = result.findings
    assert finding.category == "unsupported_sentence" and finding.action is Action.ALLOW
    assert "1994" in text[finding.start : finding.end]


@pytest.mark.parametrize(
    ("threshold", "flagged"), [(0.0, True), (0.15, True), (0.9, True), (0.99, False), (1.0, False)]
)
async def test_threshold_decides_the_finding_and_disclaimer(
    threshold: float, flagged: bool
) -> None:
    result = await run(EDITED["date_change"], threshold=threshold)
    assert 0.9 <= result.score < 0.99
    categories = [f.category for f in result.findings]
    assert ("hallucination_risk" in categories) is flagged
    assert bool(result.annotations) is flagged


async def test_flagged_answer_finding_annotation_and_sentence_spans() -> None:
    text = FAITHFUL + INVENTED
    result = await run(text)
    answer_finding, sentence_finding = result.findings
    assert answer_finding.category == "hallucination_risk"
    assert answer_finding.start is None and answer_finding.end is None
    assert answer_finding.score == result.score and answer_finding.action is None
    assert sentence_finding.category == "unsupported_sentence"
    assert sentence_finding.action is Action.ANNOTATE
    assert text[sentence_finding.start : sentence_finding.end] == INVENTED.strip()
    (annotation,) = result.annotations
    assert annotation.kind == "disclaimer" and annotation.text == DEFAULT_EN
    data = annotation.data
    assert data["score"] == result.score and data["mode"] == "sources"
    scored = [text[s:e] for s, e, _ in data["sentences"]]
    assert " ".join(scored) == text.strip() and len(scored) == 4
    assert data["threshold"] == HallucinationOptions().threshold
    assert data["unsupported"] == [
        {
            "start": sentence_finding.start,
            "end": sentence_finding.end,
            "risk": sentence_finding.score,
            "signals": data["unsupported"][0]["signals"],
        }
    ]
    # spans, scores and signal names only: no word of the answer is recorded
    recorded = json.dumps(data) + " ".join(f.message for f in result.findings)
    for word in ("Oslo", "Brightwell", "700", "research"):
        assert word not in recorded


async def test_sentence_findings_can_be_turned_off() -> None:
    result = await run(FAITHFUL + INVENTED, sentence_findings=False)
    assert [f.category for f in result.findings] == ["hallucination_risk"]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (FAITHFUL + INVENTED, "auto", DEFAULT_EN),
        ("東京精機は1995年に名古屋で設立されました。", "auto", DEFAULT_JA),
        ("東京精機は1995年に名古屋で設立されました。", "en", DEFAULT_EN),
        (FAITHFUL + INVENTED, "ja", DEFAULT_JA),
    ],
)
async def test_disclaimer_language(text: str, language: str, expected: str) -> None:
    sources = (*SOURCES, Source("d", "東京精機は1987年に大阪で設立された。"))
    result = await run(text, sources, language=language)
    assert result.annotations[0].text == expected
    assert result.annotations[0].data["language"] == ("ja" if expected == DEFAULT_JA else "en")


async def test_template_score_placeholder() -> None:
    result = await run(
        EDITED["number_change"], text_en="Unverified (risk {score}).", text_ja="未確認 {score}"
    )
    assert result.annotations[0].text == f"Unverified (risk {result.score:.2f})."


@pytest.mark.parametrize(
    "template", ["Risk {level}.", "Risk {score:.1f}.", "Risk {score!r}.", "{}"]
)
def test_template_placeholders_other_than_score_are_rejected(template: str) -> None:
    with pytest.raises(ValidationError, match="score"):
        HallucinationOptions.model_validate({"text_en": template})


@pytest.mark.parametrize(
    "options", [{"threshold": 1.5}, {"no_sources_weight": -0.1}, {"colour": "red"}]
)
def test_invalid_options(options: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        HallucinationOptions.model_validate(options)


async def test_policy_appends_disclaimer_through_the_pipeline() -> None:
    body = textwrap.dedent(
        """
        output:
          - use: hallucination
            options: {threshold: 0.15}
        """
    )
    policy = PolicyLoader(make_registry()).load_bytes(body.encode(), name="h")
    entry = policy.output_checks[0]
    assert entry.action is Action.ANNOTATE
    verdict = await evaluate(policy, policy.output_checks, EDITED["date_change"], ctx())
    assert verdict.action is Action.ANNOTATE
    assert verdict.text == f"{EDITED['date_change']}\n\n{DEFAULT_EN}"
    assert verdict.scores[entry.id] >= 0.15
    verdict = await evaluate(policy, policy.output_checks, FAITHFUL, ctx())
    assert verdict.action is Action.ALLOW and verdict.text == FAITHFUL
    assert 0.0 < verdict.scores[entry.id] < 0.15


# --- without sources -----------------------------------------------------------------------

SPECIFIC = (
    "Brightwell Labs was founded in Lyon in 1987 by Camille Dubois. In 2023 its revenue "
    'rose 12% to $410 million, and Omar Haddad said "we are building for the long term".'
)
GENERAL = "Exercise is good for health. Most companies review their budgets every year."


async def test_no_sources_scores_specific_claims_and_not_general_statements() -> None:
    specific = await run(SPECIFIC, ())
    general = await run(GENERAL, ())
    assert general.score == 0.0 and general.findings == ()
    assert 0.15 <= specific.score <= HallucinationOptions().no_sources_weight
    (annotation,) = specific.annotations
    assert annotation.text == DEFAULT_NO_SOURCES_EN
    assert annotation.data["mode"] == "no_sources"
    # each sentence is specific enough to count as an unsupported claim
    spans = [(f.start, f.end) for f in specific.findings if f.category == "unsupported_sentence"]
    assert spans == [(s, e) for s, e, _ in annotation.data["sentences"]]
    assert len(spans) == 2 and SPECIFIC[spans[0][0] : spans[0][1]].startswith("Brightwell")


async def test_no_sources_sentence_threshold_is_on_specificity() -> None:
    text = "Brightwell Labs was founded in Lyon in 1987. Exercise is good for health."
    result = await run(text, (), threshold=0.0)
    (finding,) = [f for f in result.findings if f.category == "unsupported_sentence"]
    assert text[finding.start : finding.end] == "Brightwell Labs was founded in Lyon in 1987."
    assert [r for _, _, r in result.annotations[0].data["sentences"]][1] == 0.0


async def test_no_sources_weight_scales_and_zero_disables() -> None:
    half = await run(SPECIFIC, (), no_sources_weight=0.5)
    full = await run(SPECIFIC, (), no_sources_weight=1.0)
    assert half.score == pytest.approx(full.score / 2, abs=1e-3)
    off = await run(SPECIFIC, (), no_sources_weight=0.0)
    assert off.score == 0.0 and off.annotations == () and off.findings == ()


async def test_blank_sources_count_as_none() -> None:
    result = await run(SPECIFIC, (Source("empty", "   "),))
    assert result.annotations[0].data["mode"] == "no_sources"


async def test_empty_answer_scores_zero() -> None:
    for sources in (SOURCES, ()):
        result = await run("", sources)
        assert result.score == 0.0 and result.findings == () and result.annotations == ()


async def test_max_sentences_truncates() -> None:
    result = await run(FAITHFUL + INVENTED, max_sentences=2, threshold=0.0)
    data = result.annotations[0].data
    assert data["truncated"] is True and data["sentences_scored"] == 2
    assert result.score < 0.15


# --- signals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The company did not open an office.", True),
        ("The company never paid a dividend.", True),
        ("The company isn't profitable.", True),
        ("Downloads are non-refundable.", True),
        ("It is not true that it did not grow.", False),
        ("The company opened an office.", False),
        ("会社は配当を支払っていない。", True),
        ("会社は配当を支払った。", False),
    ],
)
def test_negated(text: str, expected: bool) -> None:
    assert negated(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The plant probably closed in 2019.", True),
        ("It reportedly cost $3 million.", True),
        ("I think the office is in Lyon.", True),
        ("工場は2019年に閉鎖されたかもしれません。", True),
        ("The plant closed in 2019.", False),
    ],
)
def test_hedged(text: str, expected: bool) -> None:
    assert hedged(text) is expected


def test_hedging_raises_sentence_risk() -> None:
    plain = assess("Brightwell Labs was founded in Lyon in 1987.", SOURCES).score
    hedge = assess("Brightwell Labs was probably founded in Lyon in 1987.", SOURCES).score
    assert hedge > plain
    assert SENTENCE_WEIGHTS[FEATURES.index("hedge")] > 0


def test_contradictions_within_an_answer() -> None:
    sentences = [
        "The new bridge over the river opened in 2021.",
        "Tickets cost five dollars.",
        "The new bridge over the river did not open in 2021.",
        "The new bridge over the river opened in 2023.",
    ]
    assert contradictions(sentences) == {0, 2, 3}
    assert contradictions(sentences[:2]) == set()


def test_a_self_contradicting_answer_is_flagged() -> None:
    text = FAITHFUL + " Brightwell Labs was not founded in Lyon in 1987 by Camille Dubois."
    result = assess(text, SOURCES)
    assert result.score >= HallucinationOptions().threshold
    assert any("contradiction" in s.signals for s in result.sentences)


@pytest.mark.parametrize(
    ("url", "real"),
    [
        ("https://www.brightwell-labs.com/investors", True),
        ("https://docs.python.org/3/library/re.html", True),
        ("https://example.com/report", False),
        ("http://localhost:8080/x", False),
        ("https://intranet/report", False),
        ("https://xkqzvbtrwp.com/a", False),
        ("https://a8f3k29d7x4q.net/a", False),
        ("https://reports.brightwell.123/a", False),
    ],
)
def test_url_looks_real(url: str, real: bool) -> None:
    assert url_looks_real(url) is real


def test_specificity_counts_checkable_details() -> None:
    assert specificity("Exercise is good for health.") == 0.0
    one = specificity("The plant employs 4,300 people.")
    many = specificity(
        'Camille Dubois founded Brightwell Labs in Lyon in 1987, "for the long term".'
    )
    assert 0.0 < one < many <= 1.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I hope this helps.", True),
        ("Here is a short summary of the documents you shared.", True),
        ("Let me know if you would like more detail.", True),
        ("Here is the revenue: $410 million in 2023.", False),
        ("Brightwell Labs employs 4,300 people.", False),
        ("Overall, Brightwell Labs plans to hire engineers in Lyon and Oslo.", False),
    ],
)
def test_small_talk(text: str, expected: bool) -> None:
    assert is_small_talk(text) is expected


@pytest.mark.parametrize(
    ("logprobs", "expected"),
    [
        ([], 0.0),
        ([-0.01, -0.05, -0.1], 0.0),
        ([-2.0, -3.0, -1.6], 1.0),
        ([-0.25] * 3 + [-2.0], 0.6 * (0.6875 - 0.25) / 1.25 + 0.4 * 0.25),
    ],
)
def test_logprob_risk(logprobs: list[float], expected: float) -> None:
    assert logprob_risk(logprobs) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("bad", [[0.1], [math.nan], [-math.inf]])
def test_logprob_risk_rejects_invalid_values(bad: list[float]) -> None:
    with pytest.raises(ValueError, match="log-probabilities"):
        logprob_risk(bad)


# --- remote judge --------------------------------------------------------------------------


@pytest.fixture
async def judge(aiohttp_server: AiohttpServer) -> TestServer:
    server: TestServer = await aiohttp_server(create_moderation_app())
    return server


MakeCheck = Callable[..., Awaitable[HallucinationCheck]]


@pytest.fixture
async def make_check(judge: TestServer) -> AsyncIterator[MakeCheck]:
    started: list[HallucinationCheck] = []

    async def make(**remote: Any) -> HallucinationCheck:
        options = {
            "threshold": 0.0,
            "remote": {"base_url": str(judge.make_url("/v1")), "model": "judge", **remote},
        }
        check = HallucinationCheck(HallucinationOptions.model_validate(options))
        await check.start(None)  # type: ignore[arg-type]  # the check needs no offloader
        started.append(check)
        return check

    yield make
    for check in started:
        await check.close()


async def test_remote_score_is_blended_by_weight(make_check: MakeCheck, judge: TestServer) -> None:
    judge.app[MODERATION_CONTROL].reply = '{"score": 0.9}'
    check = await make_check(weight=0.25)
    builtin = assess(FAITHFUL, SOURCES).score
    result = await check.run(FAITHFUL, ctx())
    assert result.score == pytest.approx(combine(builtin, 0.9, 0.25), abs=1e-4)
    data = result.annotations[0].data
    assert data["builtin_score"] == builtin
    assert data["remote"] == {"status": "ok", "score": 0.9, "weight": 0.25}


@pytest.mark.parametrize(
    ("setup", "status"),
    [
        ({"status": 500}, "error"),
        ({"reply": "I cannot rate this."}, "error"),
        ({"delay_ms": 1000}, "timeout"),
    ],
)
async def test_remote_failure_falls_back_to_the_builtin_score(
    make_check: MakeCheck, judge: TestServer, setup: dict[str, Any], status: str
) -> None:
    for key, value in setup.items():
        setattr(judge.app[MODERATION_CONTROL], key, value)
    check = await make_check(timeout_ms=200)
    result = await check.run(FAITHFUL, ctx())
    assert result.score == assess(FAITHFUL, SOURCES).score
    remote = result.annotations[0].data["remote"]
    assert remote["status"] == status and remote["error"].startswith("ModelService")


async def test_remote_is_not_asked_without_sources(make_check: MakeCheck) -> None:
    check = await make_check()
    result = await check.run(SPECIFIC, ctx(()))
    assert result.annotations[0].data["remote"]["status"] == "skipped_no_sources"
    assert result.score == assess(SPECIFIC, ()).score


# --- token log-probabilities -------------------------------------------------------------


async def score_with(logprobs: tuple[float, ...], **options: Any) -> CheckResult:
    check = HallucinationCheck(HallucinationOptions.model_validate({"threshold": 0.0, **options}))
    context = CheckContext(
        direction="output", request_id="req-l", sources=SOURCES, logprobs=logprobs
    )
    return await check.run(FAITHFUL, context)


async def test_unsure_tokens_raise_the_score_and_are_recorded() -> None:
    plain = await score_with(())
    confident = await score_with((-0.01,) * 40)
    unsure = await score_with((-2.5,) * 40)
    assert unsure.score > plain.score >= 0
    assert confident.score <= plain.score
    (annotation,) = unsure.annotations
    assert annotation.data["logprob_risk"] == 1.0
    assert "logprob_risk" not in (await score_with(())).annotations[0].data


async def test_logprobs_are_ignored_at_weight_zero_or_when_invalid() -> None:
    plain = await score_with(())
    assert (await score_with((-2.5,) * 40, logprob_weight=0)).score == plain.score
    assert (await score_with((0.5, -1.0))).score == plain.score
