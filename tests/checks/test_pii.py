"""The pii check on real presidio, run in this process through the inline offloader."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import subprocess
import sys

import pytest
from pydantic import ValidationError

from guardproxy.checks.base import CheckContext, CheckResult
from guardproxy.checks.pii import PiiCheck, PiiOptions, mask_value, pii_hold_from, resolve_overlaps
from guardproxy.errors import CheckError, ConfigError
from guardproxy.nlp.pool import InlineOffloader, worker_pipeline_state


async def run_pii(
    offloader: InlineOffloader, ctx: CheckContext, text: str, **options: object
) -> CheckResult:
    check = PiiCheck(PiiOptions.model_validate(options))
    await check.start(offloader)
    try:
        return await check.run(text, ctx)
    finally:
        await check.close()


def spans(text: str, result: CheckResult) -> list[tuple[str, str]]:
    found = []
    for finding in result.findings:
        assert finding.start is not None and finding.end is not None
        found.append((finding.category, text[finding.start : finding.end]))
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Please write to jane.doe@example.com for details.",
            [("EMAIL_ADDRESS", "jane.doe@example.com")],
        ),
        ("My phone number is 212-555-0123.", [("PHONE_NUMBER", "212-555-0123")]),
        ("The card number is 4111 1111 1111 1111.", [("CREDIT_CARD", "4111 1111 1111 1111")]),
        (
            "Transfer it to DE89 3704 0044 0532 0130 00 please.",
            [("IBAN_CODE", "DE89 3704 0044 0532 0130 00")],
        ),
        ("The server at 192.168.1.20 is down.", [("IP_ADDRESS", "192.168.1.20")]),
        ("Her social security number is 536-90-4399.", [("US_SSN", "536-90-4399")]),
        ("I had lunch with Angela Merkel yesterday.", [("PERSON", "Angela Merkel")]),
        ("She moved to Chicago last year.", [("LOCATION", "Chicago")]),
        (
            "Reach me at jane.doe@example.com, I'm John Smith from Berlin.",
            [
                ("EMAIL_ADDRESS", "jane.doe@example.com"),
                ("PERSON", "John Smith"),
                ("LOCATION", "Berlin"),
            ],
        ),
        ("The weather is nice and nothing here is personal.", []),
        ("", []),
    ],
)
async def test_finds_pii_with_exact_spans(
    inline_offloader: InlineOffloader,
    output_ctx: CheckContext,
    text: str,
    expected: list[tuple[str, str]],
) -> None:
    result = await run_pii(inline_offloader, output_ctx, text)

    assert spans(text, result) == expected
    for finding, (_, value) in zip(result.findings, expected, strict=True):
        assert (finding.start, finding.end) == (text.index(value), text.index(value) + len(value))
        assert finding.check == "pii"
        assert finding.detector and finding.detector.endswith("Recognizer")
        assert finding.message == f"{finding.category} detected by {finding.detector}"
        assert finding.replacement == f"<{finding.category}>"
    assert result.score == max((f.score for f in result.findings), default=0.0)


async def test_never_puts_the_value_in_a_message(
    inline_offloader: InlineOffloader, output_ctx: CheckContext
) -> None:
    text = "Reach me at jane.doe@example.com or on my phone 212-555-0123, John Smith."

    result = await run_pii(inline_offloader, output_ctx, text)

    assert len(result.findings) == 3
    for finding in result.findings:
        assert finding.start is not None and finding.end is not None
        value = text[finding.start : finding.end]
        assert value not in finding.message
        assert value not in (finding.replacement or "")


@pytest.mark.parametrize(
    ("options", "expected", "ner_runs"),
    [
        (
            {"entities": ["EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE"]},
            [("EMAIL_ADDRESS", "jane.doe@example.com")],
            0,
        ),
        (
            {"entities": ["EMAIL_ADDRESS", "PERSON"]},
            [("EMAIL_ADDRESS", "jane.doe@example.com"), ("PERSON", "John Smith")],
            1,
        ),
    ],
)
async def test_entity_recognizer_runs_only_for_ner_entities(
    inline_offloader: InlineOffloader,
    output_ctx: CheckContext,
    options: dict[str, object],
    expected: list[tuple[str, str]],
    ner_runs: int,
) -> None:
    text = "Reach me at jane.doe@example.com, I'm John Smith."
    _, before = await inline_offloader.run(worker_pipeline_state)

    result = await run_pii(inline_offloader, output_ctx, text, **options)

    _, after = await inline_offloader.run(worker_pipeline_state)
    assert spans(text, result) == expected
    assert after.components == ("ner",)
    assert after.texts == before.texts + 1
    assert after.ner_texts == before.ner_texts + ner_runs


async def test_min_score_filters_weak_detections(
    inline_offloader: InlineOffloader, output_ctx: CheckContext
) -> None:
    text = "Call 212-555-0123 after lunch."  # no context word: presidio scores it 0.4
    phones_only = {"entities": ["PHONE_NUMBER"], "entity_min_scores": {}}

    strict = await run_pii(inline_offloader, output_ctx, text, **phones_only)
    loose = await run_pii(inline_offloader, output_ctx, text, min_score=0.3, **phones_only)

    assert strict.findings == ()
    assert strict.score == 0.0
    assert spans(text, loose) == [("PHONE_NUMBER", "212-555-0123")]
    assert loose.score == pytest.approx(0.4)


async def test_phone_numbers_without_context_are_found_by_default(
    inline_offloader: InlineOffloader, output_ctx: CheckContext
) -> None:
    # "call" is a spaCy stop word, so presidio never takes it as context for a phone.
    text = "You can call her directly on +1 415-555-0132 during business hours."

    result = await run_pii(inline_offloader, output_ctx, text)

    assert spans(text, result) == [("PHONE_NUMBER", "+1 415-555-0132")]


async def test_entity_min_scores_override_min_score(
    inline_offloader: InlineOffloader, output_ctx: CheckContext
) -> None:
    text = "Mail jane.doe@example.com or Call 212-555-0123."

    result = await run_pii(
        inline_offloader,
        output_ctx,
        text,
        min_score=0.2,
        entity_min_scores={"phone_number": 0.9},
    )

    assert spans(text, result) == [("EMAIL_ADDRESS", "jane.doe@example.com")]


async def test_allow_list_values_are_never_flagged(
    inline_offloader: InlineOffloader, output_ctx: CheckContext
) -> None:
    text = "Write to support@example.com or jane.doe@example.com."

    result = await run_pii(inline_offloader, output_ctx, text, allow_list=["SUPPORT@Example.com"])

    assert spans(text, result) == [("EMAIL_ADDRESS", "jane.doe@example.com")]


async def test_only_configured_entities_are_reported(
    inline_offloader: InlineOffloader, output_ctx: CheckContext
) -> None:
    text = "Reach me at jane.doe@example.com, I'm John Smith from Berlin."

    result = await run_pii(inline_offloader, output_ctx, text, entities=["person", "LOCATION"])

    assert spans(text, result) == [("PERSON", "John Smith"), ("LOCATION", "Berlin")]


@pytest.mark.parametrize(
    ("options", "text", "replacement"),
    [
        ({}, "Mail jane.doe@example.com now.", "<EMAIL_ADDRESS>"),
        (
            {"template": "[{entity} removed]"},
            "Mail jane.doe@example.com now.",
            "[EMAIL_ADDRESS removed]",
        ),
        ({"operator": "mask"}, "The card number is 4111 1111 1111 1111.", "**** **** **** 1111"),
        ({"operator": "mask"}, "My phone number is 212-555-0123.", "***-***-0123"),
        (
            {"operator": "mask", "mask_char": "#", "mask_keep_last": 2},
            "My phone number is 212-555-0123.",
            "###-###-##23",
        ),
        (
            {"operator": "mask", "mask_keep_last": 0},
            "My phone number is 212-555-0123.",
            "***-***-****",
        ),
    ],
)
async def test_replacement_per_operator(
    inline_offloader: InlineOffloader,
    output_ctx: CheckContext,
    options: dict[str, object],
    text: str,
    replacement: str,
) -> None:
    result = await run_pii(inline_offloader, output_ctx, text, **options)

    [finding] = result.findings
    assert finding.replacement == replacement


async def test_hash_operator_uses_a_keyed_hmac(
    inline_offloader: InlineOffloader, output_ctx: CheckContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PII_TEST_KEY", "s3cret")
    text = "Mail jane.doe@example.com now."

    result = await run_pii(
        inline_offloader, output_ctx, text, operator="hash", hash_key_env="PII_TEST_KEY"
    )

    digest = hmac.new(b"s3cret", b"jane.doe@example.com", hashlib.sha256).hexdigest()
    [finding] = result.findings
    assert finding.replacement == f"<EMAIL_ADDRESS:{digest[:12]}>"
    assert re.fullmatch(r"<EMAIL_ADDRESS:[0-9a-f]{12}>", finding.replacement)


async def test_hash_operator_without_key_fails_at_start(
    inline_offloader: InlineOffloader, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GUARDPROXY_REDACTION_KEY", raising=False)
    check = PiiCheck(PiiOptions(operator="hash"))

    with pytest.raises(ConfigError, match="GUARDPROXY_REDACTION_KEY"):
        await check.start(inline_offloader)


async def test_text_over_the_limit_is_a_check_error(
    inline_offloader: InlineOffloader, output_ctx: CheckContext
) -> None:
    with pytest.raises(CheckError, match="over max_text_chars=10"):
        await run_pii(inline_offloader, output_ctx, "jane.doe@example.com", max_text_chars=10)


async def test_run_before_start_is_a_check_error(output_ctx: CheckContext) -> None:
    with pytest.raises(CheckError, match=r"before start\(\)"):
        await PiiCheck(PiiOptions()).run("text", output_ctx)


def test_declares_streaming_capabilities() -> None:
    check = PiiCheck(PiiOptions())

    assert PiiCheck.name == "pii"
    assert PiiCheck.options_model is PiiOptions
    assert PiiCheck.streamable
    assert not PiiCheck.needs_full_text
    # An IBAN with spaces (up to 42 characters) split across chunks is still whole.
    assert check.lookahead_chars == 64


def test_default_options() -> None:
    options = PiiOptions()

    assert options.entities == (
        "PERSON",
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "CREDIT_CARD",
        "IBAN_CODE",
        "IP_ADDRESS",
        "US_SSN",
        "LOCATION",
    )
    assert (options.min_score, options.operator, options.template) == (0.5, "replace", "<{entity}>")
    assert options.entity_min_scores == {"PHONE_NUMBER": 0.4}
    assert (options.mask_char, options.mask_keep_last) == ("*", 4)
    assert options.hash_key_env == "GUARDPROXY_REDACTION_KEY"
    assert (options.allow_list, options.max_text_chars) == ((), 100_000)
    assert all(field.description for field in PiiOptions.model_fields.values())


def test_unknown_entity_error_lists_the_known_ones() -> None:
    with pytest.raises(ValidationError) as excinfo:
        PiiOptions.model_validate({"entities": ["EMAIL_ADDRESS", "SHOE_SIZE"]})

    [error] = excinfo.value.errors()
    assert error["loc"] == ("entities",)
    assert "unknown PII entities SHOE_SIZE" in error["msg"]
    assert "known entities: CREDIT_CARD, CRYPTO, DATE_TIME, EMAIL_ADDRESS" in error["msg"]


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"min_score": 1.5}, "min_score"),
        ({"min_score": -0.1}, "min_score"),
        ({"operator": "strip"}, "operator"),
        ({"template": "<redacted>"}, "template"),
        ({"mask_char": "**"}, "mask_char"),
        ({"mask_keep_last": -1}, "mask_keep_last"),
        ({"allow_list": [" "]}, "allow_list"),
        ({"max_text_chars": 0}, "max_text_chars"),
        ({"entities": []}, "entities"),
        ({"entitys": ["PERSON"]}, "entitys"),
        ({"entity_min_scores": {"SHOE_SIZE": 0.5}}, "entity_min_scores"),
        ({"entity_min_scores": {"PERSON": 2}}, "entity_min_scores"),
    ],
)
def test_invalid_options_are_rejected(options: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        PiiOptions.model_validate(options)

    assert excinfo.value.errors()[0]["loc"][0] == field


@pytest.mark.parametrize(
    ("value", "keep_last", "masked"),
    [
        ("4111 1111 1111 1111", 4, "**** **** **** 1111"),
        ("(212) 555-0123", 4, "(***) ***-0123"),
        ("DE89370400440532013000", 4, "******************3000"),
        ("jane.doe@example.com", 4, "****.**********e.com"),
        ("1234", 4, "**34"),  # never more than half of a short value
        ("Bob", 4, "**b"),
        ("", 4, ""),
    ],
)
def test_mask_value(value: str, keep_last: int, masked: str) -> None:
    assert mask_value(value, mask_char="*", keep_last=keep_last) == masked


@pytest.mark.parametrize(
    ("detections", "kept"),
    [
        # higher score wins over a longer span
        ([("PHONE_NUMBER", 0, 12, 0.4), ("US_SSN", 2, 11, 0.85)], [("US_SSN", 2, 11, 0.85)]),
        # equal scores: the longer span wins
        ([("LOCATION", 5, 10, 0.85), ("PERSON", 0, 10, 0.85)], [("PERSON", 0, 10, 0.85)]),
        # touching spans do not overlap
        (
            [("PERSON", 5, 10, 0.85), ("LOCATION", 0, 5, 0.85)],
            [("LOCATION", 0, 5, 0.85), ("PERSON", 5, 10, 0.85)],
        ),
        # overlapping detections of one type become their union, with the best score
        (
            [("PERSON", 0, 13, 0.86, "GivenNameRecognizer"), ("PERSON", 0, 18, 0.85, "Spacy")],
            [("PERSON", 0, 18, 0.86, "GivenNameRecognizer")],
        ),
        ([], []),
    ],
)
def test_resolve_overlaps(
    detections: list[tuple[str, int, int, float]], kept: list[tuple[str, int, int, float]]
) -> None:
    assert resolve_overlaps(detections) == kept


def test_importing_the_check_does_not_import_presidio() -> None:
    code = (
        "import json, sys; import guardproxy.checks.pii; "
        "print(json.dumps([m for m in ('presidio_analyzer', 'spacy') if m in sys.modules]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )

    assert json.loads(proc.stdout) == []


@pytest.mark.parametrize(
    ("window", "held"),
    [
        ("The meeting is over. ", ""),
        ("Write to jane.doe@exam", "jane.doe@exam"),
        ("Call me at 415 555", "415 555"),
        ("Card: 4111 1111 1111", "4111 1111 1111"),
        ("My IBAN is DE89 3704", "DE89 3704"),
        ("Yesterday I met John ", "John "),
        ("and then Dr. Maria Garc", "Dr. Maria Garc"),
        ("see https://example.org/a/b", "https://example.org/a/b"),
        ("it is 42. ", ""),
        ("Card number 4111 ", "4111 "),
        ("call (415) ", "(415) "),
    ],
)
def test_the_stream_holds_only_what_may_still_grow(window: str, held: str) -> None:
    assert window[pii_hold_from(window, 64) :] == held


def test_the_hold_never_reaches_back_further_than_its_limit() -> None:
    window = "x" * 200
    assert pii_hold_from(window, 64) == 136


@pytest.mark.parametrize(
    ("window", "held"),
    [
        ("It rained. Yesterday I met John Sm", "Yesterday I met John Sm"),
        ("It rained. We stayed in. ", ""),
        ("One line\nand another", "and another"),
        ("雨でした。田中さんに会", "田中さんに会"),
        ("Maria Garcia wrote", "Maria Garcia wrote"),
    ],
)
def test_with_ner_the_unfinished_sentence_is_held(window: str, held: str) -> None:
    assert window[pii_hold_from(window, 64, ner=True) :] == held
