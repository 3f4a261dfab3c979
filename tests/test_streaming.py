"""StreamGuard: a value split anywhere across chunks is still caught; modes behave."""

from __future__ import annotations

import itertools
import textwrap

import pytest

from guardproxy.checks.base import Action, CheckContext
from guardproxy.policy.compiled import Policy
from guardproxy.policy.loader import PolicyLoader
from guardproxy.streaming import StreamGuard
from tests.helpers import make_registry

SECRET = "alice.smith@example.org"
TEXT = f"Hello there. You can write to {SECRET} at any time, we answer within a day."


def policy(mode: str = "incremental", action: str = "redact", extra: str = "") -> Policy:
    body = f"""
        stream: {{mode: {mode}, holdback_chars: 64, min_window_chars: 8}}
        messages: {{output_blocked: BLOCKED}}
        {extra}
        output:
          - use: pattern
            action: {action}
            options: {{pattern: "[\\\\w.]+@[\\\\w.]+\\\\w", replacement: "<EMAIL>", lookahead: 40}}
    """
    return PolicyLoader(make_registry()).load_bytes(textwrap.dedent(body).encode(), name="s")


def ctx(partial: bool) -> CheckContext:
    return CheckContext(direction="output", request_id="t", partial=partial)


async def stream(p: Policy, chunks: list[str]) -> tuple[list[str], StreamGuard]:
    guard = StreamGuard(p, ctx)
    out = []
    for chunk in chunks:
        step = await guard.feed(chunk)
        out.append(step.text)
        if step.blocked:
            return out, guard
    out.append((await guard.finish()).text)
    return out, guard


def split_at(text: str, *cuts: int) -> list[str]:
    points = [0, *cuts, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(points)]


@pytest.mark.parametrize("offset", range(1, len(SECRET)))
async def test_value_split_at_every_offset_is_redacted(offset: int) -> None:
    start = TEXT.index(SECRET)
    out, guard = await stream(policy(), split_at(TEXT, start + offset))
    delivered = "".join(out)
    assert SECRET not in delivered
    assert delivered == TEXT.replace(SECRET, "<EMAIL>")
    assert guard.verdict().action is Action.REDACT


@pytest.mark.parametrize("size", [1, 3, 7])
async def test_small_chunks(size: int) -> None:
    chunks = [TEXT[i : i + size] for i in range(0, len(TEXT), size)]
    out, _guard = await stream(policy(), chunks)
    assert "".join(out) == TEXT.replace(SECRET, "<EMAIL>")
    # no piece of the value is ever released on its own
    assert not any("@" in piece for piece in out)


async def test_text_is_released_before_the_end() -> None:
    long_text = "word " * 60 + SECRET + " tail"
    chunks = [long_text[i : i + 10] for i in range(0, len(long_text), 10)]
    out, guard = await stream(policy(), chunks)
    released_early = "".join(out[:-1])
    assert len(released_early) > 100
    assert guard.max_held <= 64 + 8 + 10 + 40


async def test_block_mid_stream_stops_release() -> None:
    out, guard = await stream(policy(action="block"), split_at(TEXT, 40, 50))
    assert guard.blocked
    assert out[-1].endswith("BLOCKED")
    assert SECRET[:5] not in "".join(out)
    assert guard.verdict().action is Action.BLOCK


async def test_buffered_holds_everything_until_finish() -> None:
    out, _guard = await stream(policy(mode="buffered"), split_at(TEXT, 10, 20, 30))
    assert out[:-1] == ["", "", "", ""]
    assert out[-1] == TEXT.replace(SECRET, "<EMAIL>")


async def test_passthrough_releases_at_once_and_records_would_action() -> None:
    out, guard = await stream(policy(mode="passthrough"), split_at(TEXT, 40))
    assert "".join(out) == TEXT
    v = guard.verdict()
    assert v.action is Action.ALLOW
    assert v.would_action is Action.REDACT
    assert v.findings[0].finding.start == TEXT.index(SECRET)


async def test_monitor_policy_streams_unchanged() -> None:
    out, guard = await stream(policy(extra="mode: monitor"), split_at(TEXT, 33))
    assert "".join(out) == TEXT
    assert guard.verdict().would_action is Action.REDACT
    assert guard.verdict().action is Action.ALLOW


async def test_findings_have_offsets_in_the_whole_text() -> None:
    chunks = [TEXT[i : i + 5] for i in range(0, len(TEXT), 5)]
    _, guard = await stream(policy(), chunks)
    spans = [(f.finding.start, f.finding.end) for f in guard.verdict().findings]
    start = TEXT.index(SECRET)
    assert spans == [(start, start + len(SECRET))]


async def test_deferred_deltas_are_checked_in_one_window() -> None:
    guard = StreamGuard(policy(), ctx)
    words = ("word " * 40).split(" ")
    for w in words:
        assert (await guard.feed(w + " ", defer=True)).text == ""
    assert guard.check_runs == 0
    released = await guard.pump()
    assert guard.check_runs == 1
    assert released.text and len(released.text) >= len("word " * 40) - 64 - 8
    rest = await guard.finish()
    assert released.text + rest.text == "".join(w + " " for w in words)


async def test_text_without_spaces_still_streams_in_bounded_windows() -> None:
    text = "これは長い日本語の回答です" * 40 + "連絡先は " + SECRET + " です。"
    chunks = [text[i : i + 4] for i in range(0, len(text), 4)]
    out, guard = await stream(policy(), chunks)
    assert "".join(out) == text.replace(SECRET, "<EMAIL>")
    assert len("".join(out[:-1])) > 300  # released before the end
    assert guard.max_held <= 64 + 8 + 4 + 64


async def test_value_that_began_in_released_text_is_still_cut_off() -> None:
    # a finding that starts in the left context (already released) and runs into the held
    # text: the held part is redacted rather than released
    from guardproxy.checks.base import CheckResult, Finding

    guard = StreamGuard(policy(), ctx)

    async def fake_run(text: str, c: CheckContext) -> CheckResult:  # shaped like a detector
        i = text.find("Quux")
        if i < 0:
            return CheckResult()
        # the span starts at the window's first character: inside the left context
        return CheckResult((Finding("pattern", "X", 0, i + 4, 1.0, "x", "<N>"),))

    guard.policy.stream_checks[0].check.run = fake_run  # type: ignore[method-assign]
    first = await guard.feed("word " * 40)
    assert first.text  # some text was released, so the next window has left context
    rest = await guard.feed("Quux " + "tail " * 30)
    end = await guard.finish()
    delivered = first.text + rest.text + end.text
    assert "Quux" not in delivered and "<N>" in delivered


def marker_policy(mode: str) -> Policy:
    body = f"""
        stream: {{mode: {mode}, holdback_chars: 64, min_window_chars: 8}}
        output:
          - use: pattern
            options: {{pattern: "[\\\\w.]+@[\\\\w.]+\\\\w", replacement: "<EMAIL>", lookahead: 40}}
          - use: marker
            options: {{after: "[.]", marker: " [1]"}}
    """
    return PolicyLoader(make_registry()).load_bytes(textwrap.dedent(body).encode(), name="m")


async def test_buffered_stream_gets_markers_and_redactions() -> None:
    out, guard = await stream(marker_policy("buffered"), split_at(TEXT, 10, 40))
    assert "".join(out) == (
        "Hello there. [1] You can write to <EMAIL> at any time, we answer within a day. [1]"
    )
    assert guard.verdict().text == "".join(out)


async def test_incremental_stream_leaves_sent_text_unmarked() -> None:
    out, guard = await stream(marker_policy("incremental"), split_at(TEXT, 10, 40))
    assert "".join(out) == TEXT.replace(SECRET, "<EMAIL>")
    assert any(a.finding.check == "marker" for a in guard.verdict().findings)


async def test_a_notice_from_an_early_window_is_appended_once_at_the_end() -> None:
    body = """
        stream: {mode: incremental, holdback_chars: 64, min_window_chars: 8}
        output:
          - use: abuse
            options: {help_resources: ["Helpline 0120-000-000"]}
    """
    p = PolicyLoader(make_registry()).load_bytes(textwrap.dedent(body).encode(), name="a")
    text = "Some days I want to kill myself. " + "The weather report says rain later. " * 12
    out, guard = await stream(p, split_at(text, *range(7, len(text), 7)))
    delivered = "".join(out)
    assert delivered.startswith(text)
    assert delivered.count("Helpline 0120-000-000") == 1
    assert delivered.endswith("Helpline 0120-000-000")
    assert [a.kind for a in guard.verdict().annotations].count(
        guard.verdict().annotations[0].kind
    ) == 1
