"""The citations check: numbered sources list, [n] markers as insertions, machine data."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from guardproxy.checks.base import Action, CheckContext, CheckResult, Finding, Source
from guardproxy.checks.citations import (
    DEFAULT_HEADING_JA,
    CitationsCheck,
    CitationsOptions,
)
from guardproxy.errors import PolicyError
from guardproxy.pipeline import evaluate
from guardproxy.policy.compiled import Policy
from guardproxy.policy.loader import PolicyLoader
from tests.helpers import make_registry

EIFFEL = Source(
    "eiffel",
    "The Eiffel Tower is 330 metres tall. Gustave Eiffel's company built it from 1887 to 1889.",
    title="Eiffel Tower",
    url="https://en.wikipedia.org/wiki/Eiffel_Tower",
)
FUJI = Source(
    "fuji", "Mount Fuji is the highest mountain in Japan at 3,776 metres.", title="Mount Fuji"
)
UNUSED = Source("bananas", "Bananas are a good source of potassium and fibre.", title="Bananas")
SOURCES = (EIFFEL, FUJI, UNUSED)

ANSWER = (
    "Mount Fuji is the highest mountain in Japan at 3,776 metres. "
    "The Eiffel Tower is 330 metres tall. It was built from 1887 to 1889.\n\n"
    "Sure! The weather on Mars is cold and dusty today."
)


def ctx(sources: tuple[Source, ...] = SOURCES) -> CheckContext:
    return CheckContext(direction="output", request_id="t", sources=sources)


async def run(text: str, sources: tuple[Source, ...] = SOURCES, **options: Any) -> CheckResult:
    check = CitationsCheck(CitationsOptions.model_validate(options))
    return await check.run(text, ctx(sources))


def insert(text: str, findings: tuple[Finding, ...]) -> str:
    """Apply zero-length findings as insertions, the way the pipeline does for markers."""
    out = text
    for f in sorted(findings, key=lambda f: f.start or 0, reverse=True):
        if f.start is not None and f.start == f.end and f.replacement is not None:
            out = out[: f.start] + f.replacement + out[f.start :]
    return out


async def test_sources_list_numbers_sources_in_order_of_first_use() -> None:
    result = await run(ANSWER)
    (annotation,) = result.annotations
    assert annotation.kind == "sources"
    assert annotation.text == (
        "Sources:\n[1] Mount Fuji\n[2] Eiffel Tower - https://en.wikipedia.org/wiki/Eiffel_Tower"
    )
    assert [(s["n"], s["id"]) for s in annotation.data["sources"]] == [(1, "fuji"), (2, "eiffel")]
    assert [f.category for f in result.findings] == ["sources"]
    assert result.findings[0].action is Action.ANNOTATE


async def test_score_is_the_unsupported_share() -> None:
    result = await run(ANSWER)
    data = result.annotations[0].data
    assert (data["judged"], data["supported"]) == (4, 3)
    assert result.score == pytest.approx(0.25)


async def test_markers_are_zero_length_insertions_at_sentence_ends() -> None:
    result = await run(ANSWER, markers=True, merge_markers=False)
    markers = [f for f in result.findings if f.category == "citation"]
    first_end = ANSWER.index("metres.") + len("metres.")
    assert (markers[0].start, markers[0].end, markers[0].replacement) == (
        first_end,
        first_end,
        " [1]",
    )
    assert all(f.action is Action.ANNOTATE and f.start == f.end for f in markers)
    assert insert(ANSWER, result.findings) == (
        "Mount Fuji is the highest mountain in Japan at 3,776 metres. [1] "
        "The Eiffel Tower is 330 metres tall. [2] It was built from 1887 to 1889. [2]\n\n"
        "Sure! The weather on Mars is cold and dusty today."
    )


async def test_merged_markers_mark_the_last_sentence_of_a_run() -> None:
    result = await run(ANSWER, markers=True)
    assert insert(ANSWER, result.findings).startswith(
        "Mount Fuji is the highest mountain in Japan at 3,776 metres. [1] "
        "The Eiffel Tower is 330 metres tall. It was built from 1887 to 1889. [2]\n\n"
    )


async def test_marker_goes_before_trailing_whitespace_and_list_text() -> None:
    text = "- The Eiffel Tower is 330 metres tall.   \n- Mars is red and dusty today."
    result = await run(text, markers=True, list=False)
    (marker,) = result.findings
    assert marker.start == text.index("tall.") + len("tall.")
    assert result.annotations[0].text == ""  # the data is still there
    assert result.annotations[0].data["supported"] == 1


async def test_japanese_answer_gets_japanese_heading_and_markers() -> None:
    sources = (
        Source("ja", "富士山は日本で最も高い山です。標高は3776メートルです。", title="富士山"),
    )
    text = "富士山は日本で最も高い山です。標高は3776メートルです。"
    result = await run(text, sources, markers=True, merge_markers=False)
    assert result.annotations[0].text == f"{DEFAULT_HEADING_JA}\n[1] 富士山"
    assert result.annotations[0].data["language"] == "ja"
    assert (
        insert(text, result.findings)
        == "富士山は日本で最も高い山です[1]。標高は3776メートルです[1]。"
    )


async def test_custom_headings() -> None:
    result = await run(ANSWER, heading_en="References")
    assert result.annotations[0].text.startswith("References\n[1] ")


@pytest.mark.parametrize("sources", [(), (Source("blank", "  "),)])
async def test_no_sources_no_findings(sources: tuple[Source, ...]) -> None:
    result = await run(ANSWER, sources, markers=True)
    assert result == CheckResult()
    assert result.score == 0.0


async def test_nothing_supported_gives_score_one_and_no_annotation() -> None:
    result = await run("The weather on Mars is cold and dusty today.", markers=True)
    assert result.findings == () and result.annotations == ()
    assert result.score == 1.0


async def test_code_and_short_sentences_are_not_judged() -> None:
    text = "Sure!\n```\nThe Eiffel Tower is 330 metres tall.\n```\nThe Eiffel Tower is 330 metres tall."
    result = await run(text, markers=True)
    data = result.annotations[0].data
    assert data["judged"] == 1
    (marker,) = [f for f in result.findings if f.category == "citation"]
    assert marker.start == len(text)


async def test_headings_are_not_judged_but_prose_with_inline_code_is() -> None:
    text = "## The Eiffel Tower is 330 metres tall\nThe `Eiffel Tower` is 330 metres tall."
    result = await run(text, markers=True)
    assert result.annotations[0].data["judged"] == 1
    (marker,) = [f for f in result.findings if f.category == "citation"]
    assert marker.start == len(text)


async def test_existing_marker_is_not_doubled() -> None:
    text = "The Eiffel Tower is 330 metres tall [1]."
    result = await run(text, markers=True)
    assert [f.category for f in result.findings] == ["sources"]


async def test_data_per_sentence_has_span_source_and_score() -> None:
    result = await run(ANSWER)
    sentences = result.annotations[0].data["sentences"]
    assert sentences[0] == {"start": 0, "end": 60, "source_id": "fuji", "n": 1, "score": 1.0}
    assert sentences[-1]["source_id"] is None and sentences[-1]["n"] is None


async def test_threshold_option() -> None:
    strict = await run(ANSWER, min_support=1.0)
    assert strict.annotations[0].data["supported"] == 3
    lenient = await run(
        "The Eiffel Tower is very tall and also quite famous worldwide.", min_support=0.1
    )
    assert lenient.annotations[0].data["supported"] == 1


def policy(options: str, stream: str = "incremental") -> Policy:
    body = f"""
        stream: {{mode: {stream}}}
        output:
          - use: citations
            options: {options}
    """
    registry = make_registry()
    if "citations" not in registry.names:
        registry.register("citations", CitationsCheck)
    return PolicyLoader(registry).load_bytes(textwrap.dedent(body).encode(), name="c")


async def test_pipeline_appends_the_list() -> None:
    p = policy("{list: true}")
    answer = "The Eiffel Tower is 330 metres tall."
    verdict = await evaluate(p, p.output_checks, answer, ctx())
    assert verdict.action is Action.ANNOTATE
    assert verdict.text == (
        f"{answer}\n\nSources:\n[1] Eiffel Tower - https://en.wikipedia.org/wiki/Eiffel_Tower"
    )
    assert verdict.scores["citations"] == 0.0


def test_options_are_validated_with_their_yaml_names() -> None:
    with pytest.raises(PolicyError, match=r"output\[0\]\.options\.min_support"):
        policy("{min_support: 1.5}")
    with pytest.raises(PolicyError, match=r"output\[0\]\.options\.heading_ja"):
        policy("{heading_ja: '  '}")
    assert policy("{list: false, markers: true}", stream="buffered").output_checks
