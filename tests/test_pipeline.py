"""The pipeline decides: strongest action wins, overlaps resolve, monitor never edits."""

from __future__ import annotations

import textwrap

import pytest

from guardproxy.checks.base import Action, CheckContext
from guardproxy.pipeline import evaluate
from guardproxy.policy.compiled import Policy
from guardproxy.policy.loader import PolicyLoader
from tests.helpers import make_registry

CTX = CheckContext(direction="output", request_id="t")


def policy(body: str) -> Policy:
    return PolicyLoader(make_registry()).load_bytes(textwrap.dedent(body).encode(), name="t")


async def run(p: Policy, text: str):  # type: ignore[no-untyped-def]
    return await evaluate(p, p.output_checks, text, CTX)


async def test_redacts_every_match() -> None:
    p = policy("""
        output:
          - use: pattern
            options: {pattern: "\\\\d{3}", replacement: "<N>"}
    """)
    v = await run(p, "a 123 b 456 c")
    assert v.action is Action.REDACT
    assert v.text == "a <N> b <N> c"
    assert [(f.finding.start, f.finding.end) for f in v.findings] == [(2, 5), (8, 11)]


async def test_overlapping_redactions_keep_the_longest_span() -> None:
    p = policy("""
        output:
          - use: pattern
            id: short
            options: {pattern: "bc", replacement: "<S>"}
          - use: pattern
            id: long
            options: {pattern: "abcd", replacement: "<L>"}
    """)
    v = await run(p, "xx abcd yy")
    assert v.text == "xx <L> yy"


async def test_block_beats_redact_and_uses_policy_message() -> None:
    p = policy("""
        messages: {output_blocked: "nope"}
        output:
          - use: pattern
            id: red
            options: {pattern: "a"}
          - use: pattern
            id: blk
            action: block
            options: {pattern: "z"}
    """)
    v = await run(p, "a z")
    assert v.action is Action.BLOCK
    assert v.text == "nope"


async def test_monitor_policy_records_would_action_only() -> None:
    p = policy("""
        mode: monitor
        output:
          - use: pattern
            action: block
            options: {pattern: "secret"}
    """)
    v = await run(p, "the secret word")
    assert v.action is Action.ALLOW
    assert v.would_action is Action.BLOCK
    assert v.text == "the secret word"


async def test_monitor_on_one_check_overrides_enforce_policy() -> None:
    p = policy("""
        output:
          - use: pattern
            id: watched
            mode: monitor
            options: {pattern: "b"}
          - use: pattern
            id: enforced
            options: {pattern: "a"}
    """)
    v = await run(p, "a b")
    assert v.text == "<X> b"
    assert v.action is Action.REDACT


@pytest.mark.parametrize(
    ("on_error", "action", "text"),
    [("fail_closed", Action.BLOCK, "withheld"), ("fail_open", Action.ALLOW, "hello")],
)
async def test_on_error(on_error: str, action: Action, text: str) -> None:
    p = policy(f"""
        messages: {{output_blocked: withheld}}
        output:
          - use: failing
            on_error: {on_error}
    """)
    v = await run(p, "hello")
    assert v.action is action
    assert v.text == text
    assert v.errors == {"failing": "RuntimeError"}
    if on_error == "fail_closed":
        assert v.findings[0].finding.category == "check_error"
    else:
        assert v.fail_open == ["failing"]


async def test_timeout_follows_on_error() -> None:
    import asyncio

    from guardproxy.checks.base import Check, CheckResult

    class Slow(Check):  # type: ignore[type-arg]
        name = "slow"

        async def run(self, text: str, ctx: CheckContext) -> CheckResult:
            await asyncio.sleep(5)
            return CheckResult()

    registry = make_registry()
    registry.register("slow", Slow)
    p = PolicyLoader(registry).load_bytes(
        b"output:\n  - use: slow\n    timeout_ms: 20\n    on_error: fail_closed\n", name="t"
    )
    v = await evaluate(p, p.output_checks, "x", CTX)
    assert v.action is Action.BLOCK
    assert v.errors == {"slow": "timeout"}


async def test_partly_overlapping_redactions_cover_their_union() -> None:
    p = policy("""
        output:
          - use: pattern
            id: person
            options: {pattern: "Xavier Quux", replacement: "<A>"}
          - use: pattern
            id: place
            options: {pattern: "Quux Street 123 Springfield", replacement: "<B>"}
    """)
    v = await run(p, "to Xavier Quux Street 123 Springfield tomorrow")
    assert v.text == "to <B> tomorrow"


MARKERS = """
    output:
      - use: pattern
        options: {pattern: "\\\\d{3}", replacement: "<N>"}
      - use: marker
        options: {after: "[.!]", marker: " [1]"}
"""


async def test_markers_are_inserted_at_their_points_beside_redactions() -> None:
    v = await run(policy(MARKERS), "Call 555. Or not!")
    assert v.text == "Call <N>. [1] Or not! [1]"
    assert v.action is Action.REDACT


async def test_a_marker_inside_a_redacted_span_goes_with_it() -> None:
    p = policy("""
        output:
          - use: pattern
            options: {pattern: "a[.]b", replacement: "<X>"}
          - use: marker
            options: {after: "[.]", marker: "[m]"}
    """)
    v = await run(p, "a.b c.")
    assert v.text == "<X> c.[m]"


async def test_markers_at_a_redaction_edge_stay_outside_it() -> None:
    p = policy("""
        output:
          - use: pattern
            options: {pattern: "bb", replacement: "<X>"}
          - use: marker
            options: {after: "a", marker: "|"}
          - use: marker
            id: m2
            options: {after: "bb", marker: "^"}
    """)
    v = await run(p, "abbc")
    assert v.text == "a|<X>^c"


async def test_monitor_mode_inserts_no_markers() -> None:
    v = await run(policy("mode: monitor\n" + textwrap.dedent(MARKERS)), "Call 555. Or not!")
    assert v.text == "Call 555. Or not!"
    assert v.would_action is Action.REDACT


async def test_a_data_only_annotation_is_kept_for_the_record() -> None:
    from guardproxy.checks.base import Annotation
    from guardproxy.pipeline import effective_annotations

    data_only = Annotation("citations", "sources", "", {"sentences": [1]})
    companion = Annotation("notice", "notice", "AI", {"only_with_others": True})
    assert effective_annotations([data_only, companion]) == [data_only]
    told = Annotation("hallucination", "disclaimer", "Check this.", {})
    assert effective_annotations([data_only, companion, told]) == [data_only, companion, told]


async def test_a_span_is_restored_only_when_every_redacting_entry_restores() -> None:
    from guardproxy.placeholders import Placeholders

    p = PolicyLoader(make_registry()).load_bytes(
        textwrap.dedent("""
            input:
              - use: pattern
                id: mail
                restore: true
                options: {pattern: "[a-z]+@[a-z.]+", category: EMAIL, replacement: "<E>"}
              - use: pattern
                id: secret
                options: {pattern: "pw=[a-z]+@[a-z.]+", category: SECRET, replacement: "<S>"}
        """).encode(),
        name="r",
    )
    placeholders = Placeholders()
    v = await evaluate(p, p.input_checks, "mail ann@ex.org or pw=bob@ex.org", CTX, placeholders)
    assert v.text == "mail <EMAIL_1> or <S>"
    assert len(placeholders) == 1
