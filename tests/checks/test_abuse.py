"""The abuse check: categories, obfuscation, context, options, lexicon files, streaming."""

# Look-alike letters are what these tests are about.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import functools
import textwrap
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from guardproxy.checks.abuse import (
    CATEGORIES,
    AbuseCheck,
    AbuseOptions,
    LexiconError,
    cached_lexicons,
    load_lexicons,
    resolve_lexicon_path,
    shipped_lexicon_dir,
)
from guardproxy.checks.base import Action, CheckContext, CheckResult
from guardproxy.errors import PolicyError
from guardproxy.pipeline import evaluate
from guardproxy.policy.compiled import Policy
from guardproxy.policy.loader import PolicyLoader
from guardproxy.streaming import StreamGuard
from tests.helpers import make_registry

CTX = CheckContext(direction="output", request_id="req-abuse")


@pytest.fixture(scope="module")
def check() -> AbuseCheck:
    return AbuseCheck(AbuseOptions.model_validate({}))


def make(**options: Any) -> AbuseCheck:
    return AbuseCheck(AbuseOptions.model_validate(options))


def found(text: str, result: CheckResult) -> list[tuple[str, str]]:
    return [(f.category, text[f.start or 0 : f.end or 0]) for f in result.findings]


# --- what is found -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category", "span"),
    [
        ("I will kill you.", "threats", "I will kill you"),
        (
            "Listen. I'm going to find you and stab you.",
            "threats",
            "I'm going to find you and stab you",
        ),
        ("I know where you live.", "threats", "I know where you live"),
        (
            "I'm going to shoot up the school on Monday.",
            "threats",
            "I'm going to shoot up the school",
        ),
        ("You should kill yourself.", "harassment", "You should kill yourself"),
        (
            "You are such a worthless piece of garbage.",
            "harassment",
            "You are such a worthless piece of garbage",
        ),
        ("Nobody loves you.", "harassment", "Nobody loves you"),
        ("Immigrants are vermin.", "hate", "Immigrants are vermin"),
        ("All refugees should be wiped out.", "hate", "refugees should be wiped out"),
        ("Send me nudes now.", "sexual", "Send me nudes"),
        ("I want to kill myself.", "self_harm", "I want to kill myself"),
        ("I don't want to live anymore.", "self_harm", "I don't want to live anymore"),
        ("How do I make a pipe bomb at home?", "dangerous", "How do I make a pipe bomb"),
        ("Write ransomware that spreads by itself.", "dangerous", "Write ransomware that"),
        ("死ね", "harassment", "死ね"),
        ("もう死にたい。", "self_harm", "死にたい"),
        ("爆弾の作り方を教えて", "dangerous", "爆弾の作り方"),
    ],
)
async def test_explicit_abuse_is_found_with_its_span(
    check: AbuseCheck, text: str, category: str, span: str
) -> None:
    result = await check.run(text, CTX)
    assert (category, span) in found(text, result)
    assert result.score >= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "Use kill -9 to kill the process.",
        "I'll shoot you an email tomorrow.",
        "That concert was the bomb!",
        "You killed it on stage tonight!",
        "We have some time to kill before the movie.",
        "The bomb squad cleared the station.",
        "Patients with suicidal ideation need an assessment.",
        "Our EDR caught the ransomware before it encrypted anything.",
        "Sex education covers consent and contraception.",
        "That was a stupid mistake, but we fixed it.",
        "死ねば終わりという考えは危険です。",
    ],
)
async def test_ambiguous_words_in_ordinary_use_raise_no_finding(
    check: AbuseCheck, text: str
) -> None:
    result = await check.run(text, CTX)
    assert result.findings == ()
    assert result.score < 0.5


async def test_score_is_zero_on_clean_text_and_nonzero_below_the_threshold(
    check: AbuseCheck,
) -> None:
    assert (await check.run("The weather is lovely today.", CTX)).score == 0.0
    assert (await check.run("", CTX)) == CheckResult()
    lone_word = await check.run("The film is about a murder in Venice.", CTX)
    assert lone_word.findings == ()
    assert lone_word.score == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("I w1ll k1ll y0u", "I w1ll k1ll y0u"),
        ("I will K I L L you", "I will K I L L you"),
        ("I will k.i.l.l you", "I will k.i.l.l you"),
        ("I will kіll you", "I will kіll you"),  # Cyrillic і
        ("I will k\u200bill you", "I will k\u200bill you"),
        ("I will kiiiiill you", "I will kiiiiill you"),
        ("I WILL KILL YOU", "I WILL KILL YOU"),
        ("Ｉ ｗｉｌｌ ｋｉｌｌ ｙｏｕ", "Ｉ ｗｉｌｌ ｋｉｌｌ ｙｏｕ"),
        ("k i l l y o u r s e l f", "k i l l y o u r s e l f"),
        ("you are so stuuupid", "you are so stuuupid"),
    ],
)
async def test_obfuscated_abuse_is_found_with_spans_in_the_original_text(
    check: AbuseCheck, text: str, span: str
) -> None:
    prefix = "Well… "
    result = await check.run(prefix + text, CTX)
    spans = [(prefix + text)[f.start or 0 : f.end or 0] for f in result.findings]
    assert span in spans


# --- context ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "score", "note"),
    [
        ("I will kill you.", 0.9, None),
        ('The villain says "I will kill you" in the last scene.', 0.225, "quoted"),
        ("The line “I will kill you” opens the last scene.", 0.45, "quoted"),
        ("「死ね」という言葉", 0.45, "quoted"),
        ("I will kill you, he said.", 0.45, "reported"),
        ("He was charged after he posted that he would shoot up a school.", 0.45, "reported"),
        ("I would never kill you.", None, None),
        ("I will never kill you.", 0.36, "negated"),
        ("Don't kill yourself over a bad exam.", 0.36, "negated"),
        ("Immigrants are not vermin.", 0.36, "negated"),
        ("Never mix bleach and ammonia to make toxic gas.", 0.36, "negated"),
    ],
)
async def test_quoted_reported_and_negated_uses_score_lower(
    check: AbuseCheck, text: str, score: float | None, note: str | None
) -> None:
    result = await check.run(text, CTX)
    if score is None:  # no phrase matched, only the lone word, and that negated
        assert result.findings == ()
        assert result.score < 0.3
        return
    assert result.score == pytest.approx(score)
    if score >= 0.5:
        assert result.findings
    else:
        assert result.findings == ()
    if note is not None:
        lowered = make(categories={c: {"threshold": 0.1} for c in CATEGORIES})
        findings = (await lowered.run(text, CTX)).findings
        assert any(note in f.message for f in findings)


async def test_a_negation_in_an_earlier_clause_does_not_count(check: AbuseCheck) -> None:
    result = await check.run("I don't care, I will kill you.", CTX)
    assert result.score == pytest.approx(0.9)


# --- options ---------------------------------------------------------------------------------


async def test_category_action_and_threshold() -> None:
    check = make(
        categories={
            "threats": {"action": "redact", "threshold": 0.2},
            "harassment": {"enabled": False},
        },
        template="<{category}>",
    )
    text = 'He said "I will kill you". You are such a worthless moron.'
    result = await check.run(text, CTX)
    [finding] = result.findings
    assert (finding.category, finding.action, finding.replacement) == (
        "threats",
        Action.REDACT,
        "<threats>",
    )
    assert finding.score == pytest.approx(0.225)
    assert result.score == pytest.approx(0.225)  # harassment is not looked for at all


async def test_unset_action_leaves_the_policy_entry_to_decide_except_self_harm(
    check: AbuseCheck,
) -> None:
    result = await check.run("I hate all Muslims. I want to die.", CTX)
    actions = {f.category: f.action for f in result.findings}
    assert actions == {"hate": None, "self_harm": Action.ANNOTATE}


async def test_self_harm_is_annotated_with_the_notice_and_help_resources() -> None:
    check = make(help_resources=["Crisis line: call 988", "https://example.org/help"])
    text = "Honestly I want to kill myself."
    result = await check.run(text, CTX)
    assert [f.category for f in result.findings] == ["self_harm"]
    [annotation] = result.annotations
    assert annotation.kind == "support"
    assert "not alone" in annotation.text
    assert "Support: Crisis line: call 988; https://example.org/help" in annotation.text
    assert annotation.data == {
        "category": "self_harm",
        "language": "en",
        "resources": ["Crisis line: call 988", "https://example.org/help"],
    }
    assert "kill myself" not in annotation.text


async def test_self_harm_notice_in_japanese(check: AbuseCheck) -> None:
    result = await check.run("もう死にたい", CTX)
    [annotation] = result.annotations
    assert annotation.data["language"] == "ja"
    assert "一人で抱え込まないで" in annotation.text
    english = make(language="en", support_text_en="We care about you.")
    [annotation] = (await english.run("もう死にたい", CTX)).annotations
    assert annotation.text == "We care about you."


async def test_no_annotation_without_self_harm(check: AbuseCheck) -> None:
    result = await check.run("I will kill you.", CTX)
    assert result.annotations == ()
    below = await check.run('She wrote "I want to die" in the diary of the novel.', CTX)
    assert below.findings == () and below.annotations == ()


async def test_messages_name_the_entry_never_the_text(check: AbuseCheck) -> None:
    text = "You are such a worthless moron and I will kill you."
    result = await check.run(text, CTX)
    assert len(result.findings) == 2
    for finding in result.findings:
        assert finding.message.startswith(f"{finding.category}: lexicon entry ")
        for word in ("worthless", "moron", "kill", "you"):
            assert word not in finding.message.split(": ", 1)[1].replace("entry", "")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"categories": {"violence": {}}}, "Extra inputs are not permitted"),
        ({"categories": {"hate": {"threshold": 1.5}}}, "less than or equal to 1"),
        ({"categories": {"hate": {"threshold": 0}}}, "greater than 0"),
        ({"categories": {"hate": {"action": "delete"}}}, "'annotate', 'redact' or 'block'"),
        ({"lexicons": ["no-such-file.txt"]}, "no-such-file.txt does not exist"),
        ({"lexicons": [" "]}, "lexicons entries must not be blank"),
        ({"help_resources": [""]}, "help_resources entries must not be blank"),
        ({"builtin_lexicons": False}, "no lexicon"),
        ({"categories": {c: {"enabled": False} for c in CATEGORIES}}, "every category is disabled"),
        ({"threshold": 0.5}, "Extra inputs are not permitted"),
        ({"support_text_en": ""}, "at least 1 character"),
    ],
)
def test_invalid_options(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        AbuseOptions.model_validate(options)


def test_relative_lexicon_paths_resolve_in_the_shipped_directory(tmp_path: Path) -> None:
    assert resolve_lexicon_path("extra/site.txt") == shipped_lexicon_dir() / "extra" / "site.txt"
    absolute = tmp_path / "mine.txt"
    assert resolve_lexicon_path(str(absolute)) == absolute
    assert (shipped_lexicon_dir() / "threats.txt").is_file()


def test_declares_streaming_capabilities(check: AbuseCheck) -> None:
    assert check.streamable and not check.needs_full_text and not check.uses_offloader
    assert 64 <= check.lookahead_chars <= 384
    assert check.lookahead_chars >= 2 * len(
        "i swear i will find you and then kill your whole family"
    )


# --- lexicon files ---------------------------------------------------------------------------


async def test_operator_lexicon_adds_terms_and_uses_shipped_sets(tmp_path: Path) -> None:
    extra = tmp_path / "site.txt"
    extra.write_text(
        "# site terms\n@category harassment\nhigh you (absolute | total) gremlin\n"
        "@category threats\nhigh <i_will> feed <target> to the sharks\n",
        encoding="utf-8",
    )
    check = make(lexicons=[str(extra)])
    text = "You total gremlin. I'll feed your family to the sharks."
    result = await check.run(text, CTX)
    assert found(text, result) == [
        ("harassment", "You total gremlin"),
        ("threats", "I'll feed your family to the sharks"),
    ]
    assert result.findings[0].message == "harassment: lexicon entry site:3 (high)"


async def test_only_operator_lexicons(tmp_path: Path) -> None:
    extra = tmp_path / "hate.txt"  # the file stem names the category
    extra.write_text("0.75 purple people eaters\n", encoding="utf-8")
    check = make(builtin_lexicons=False, lexicons=[str(extra)])
    assert (await check.run("I will kill you", CTX)).score == 0.0
    result = await check.run("Purple people eaters!", CTX)
    assert [(f.category, f.score) for f in result.findings] == [("hate", 0.75)]


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("@category threats\nhgih kill you\n", 2, "an entry starts with low, medium, high"),
        ("@category violence\n", 1, "unknown category"),
        ("high kill you\n", 1, "entry before any @category line"),
        ("@category threats\n\n# note\n  high kill (you | him\n", 4, "column 23: missing ')'"),
        ("@category threats\nhigh hurt <nobody>\n", 2, "unknown set <nobody>"),
        ("@set 9x = a\n", 1, "write a set as"),
        ("@include other.txt\n", 1, "unknown directive"),
        ("@category threats\nhigh\n", 2, "entry without a pattern"),
        ("@category threats\n1.5 kill you\n", 2, "an entry starts with"),
        ("@category threats\nhigh ?!\n", 2, "column 6: the pattern stands for no phrase"),
    ],
)
def test_lexicon_errors_name_file_and_line_not_the_pattern(
    tmp_path: Path, content: str, line: int, reason: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_lexicons([path])
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: ")
    assert reason in message
    assert "kill" not in message and "hurt" not in message


def test_unreadable_lexicon_files(tmp_path: Path) -> None:
    binary = tmp_path / "threats.txt"
    binary.write_bytes(b"\xff\xfe high kill\n")
    with pytest.raises(LexiconError, match=r"threats.txt: lexicon file is not UTF-8"):
        load_lexicons([binary])
    with pytest.raises(LexiconError, match=r"gone.txt: cannot read lexicon file"):
        load_lexicons([tmp_path / "gone.txt"])


def test_shipped_lexicons_compile(check: AbuseCheck) -> None:
    assert check.lexicon.entries > 100
    assert len(check.lexicon.matcher) > check.lexicon.entries


# --- policies and streams --------------------------------------------------------------------


@functools.cache
def abuse_policy(options: str = "{}", action: str = "block", holdback: int = 256) -> Policy:
    registry = make_registry()
    if "abuse" not in registry.names:
        registry.register("abuse", AbuseCheck)
    body = f"""
        stream: {{mode: incremental, holdback_chars: {holdback}, min_window_chars: 16}}
        output:
          - use: abuse
            action: {action}
            options: {options}
    """
    return PolicyLoader(registry).load_bytes(textwrap.dedent(body).encode(), name="abuse")


def test_policy_errors_keep_the_location(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"output\[0\]\.options\.categories\.hate\.threshold"):
        abuse_policy("{categories: {hate: {threshold: 2}}}")
    bad = tmp_path / "bad.txt"
    bad.write_text("@category threats\nhigh kill (you\n", encoding="utf-8")  # column 15
    with pytest.raises(PolicyError) as info:
        abuse_policy(f"{{lexicons: ['{bad}']}}")
    assert f"{bad}:2: column" in str(info.value)
    assert "output[0].options" in str(info.value)


async def stream(policy: Policy, text: str, chunk: int) -> tuple[list[str], StreamGuard]:
    guard = StreamGuard(policy, lambda partial: CheckContext("output", "req-s", partial=partial))
    out = []
    for i in range(0, len(text), chunk):
        out.append((await guard.feed(text[i : i + chunk])).text)
    out.append((await guard.finish()).text)
    return out, guard


FILLER = (
    "Thanks for the question about the garden. Tomatoes like sun and regular water, and "
    "the soil should drain well so the roots do not rot over the winter months. "
)


@pytest.mark.parametrize("chunk", [1, 7, 40])
@pytest.mark.parametrize("position", [0, 150, 400])
async def test_a_streamed_threat_is_redacted_whole(chunk: int, position: int) -> None:
    policy = abuse_policy("{categories: {threats: {action: redact}}}", action="block")
    body = (FILLER * 4)[:position]
    body = body[: body.rfind(" ") + 1]  # end on a word boundary
    threat = "I swear I will find you and then k i l l your whole family"
    text = body + threat + ". " + FILLER
    out, guard = await stream(policy, text, chunk)
    delivered = "".join(out)
    assert delivered == body + "[threats removed]. " + FILLER
    assert not any("k i" in piece or "family" in piece for piece in out)
    assert guard.verdict().action is Action.REDACT


@pytest.mark.parametrize("chunk", [3, 50])
async def test_a_streamed_threat_blocks_before_any_of_it_is_released(chunk: int) -> None:
    policy = abuse_policy()
    text = FILLER * 2 + "Listen carefully: I am going to find you and kill you. " + FILLER
    out, guard = await stream(policy, text, chunk)
    delivered = "".join(out)
    assert guard.blocked
    assert "Listen carefully" not in delivered or "kill" not in delivered
    assert "find you" not in delivered
    assert guard.verdict().action is Action.BLOCK


async def test_policy_holdback_covers_the_lookahead() -> None:
    policy = abuse_policy()
    [entry] = policy.output_checks
    assert policy.holdback_chars == min(256, entry.check.lookahead_chars)
    assert policy.holdback_chars >= 64


async def test_self_harm_in_a_blocking_policy_is_answered_with_the_notice_not_blocked() -> None:
    policy = abuse_policy("{help_resources: ['Crisis line: call or text 988']}")
    text = "Some days I want to kill myself. Work has been hard."
    verdict = await evaluate(policy, policy.output_checks, text, CTX)
    assert verdict.action is Action.ANNOTATE
    assert verdict.text.startswith(text + "\n\n")
    assert verdict.text.endswith("Support: Crisis line: call or text 988")
    threat = await evaluate(policy, policy.output_checks, "I will kill you.", CTX)
    assert threat.action is Action.BLOCK


def test_compiled_lexicons_are_shared_until_a_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "threats.txt"
    path.write_text("high you absolute walnut\n", encoding="utf-8")
    first = cached_lexicons([path])
    assert cached_lexicons([path]) is first
    path.write_text("high you absolute turnip, friend\n", encoding="utf-8")
    second = cached_lexicons([path])
    assert second is not first
    with pytest.raises(LexiconError, match=r"gone\.txt: cannot read lexicon file"):
        cached_lexicons([tmp_path / "gone.txt"])
