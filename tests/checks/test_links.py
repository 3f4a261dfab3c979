"""The links check: links no source backs, links that cannot be real, the operator's domains."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from guardproxy.checks.base import Action, CheckContext, CheckResult, Source
from guardproxy.checks.links import FABRICATED, MALFORMED, LinksCheck, LinksOptions
from guardproxy.errors import PolicyError
from guardproxy.nlp.pool import InlineOffloader
from guardproxy.pipeline import evaluate
from guardproxy.policy.compiled import Policy
from guardproxy.policy.loader import PolicyLoader
from tests.helpers import make_registry

SOURCES = (
    Source(
        "py",
        "Download it from https://www.python.org/downloads/ (see the notes).",
        title="Python",
        url="https://docs.python.org/3/library/re.html",
    ),
)


def ctx(sources: tuple[Source, ...] = SOURCES) -> CheckContext:
    return CheckContext(direction="output", request_id="t", sources=sources)


async def run(text: str, sources: tuple[Source, ...] = SOURCES, **options: Any) -> CheckResult:
    check = LinksCheck(LinksOptions.model_validate(options))
    await check.start(InlineOffloader())
    return await check.run(text, ctx(sources))


def flagged(text: str, result: CheckResult) -> list[tuple[str, str]]:
    return [(f.category, text[f.start or 0 : f.end or 0]) for f in result.findings]


@pytest.mark.parametrize(
    "link",
    [
        "https://docs.python.org/3/library/re.html",
        "http://docs.python.org/3/library/re.html/",
        "https://docs.python.org/3/library/re.html#re.sub",
        "https://python.org/downloads?utm_source=chat",
        "www.python.org/downloads",
    ],
)
async def test_sourced_links_pass(link: str) -> None:
    assert await run(f"See {link} for details.") == CheckResult()


async def test_fabricated_link_is_flagged_with_its_span() -> None:
    text = "The flags are at https://docs.python.org/3/library/regex-flags.html, as documented."
    result = await run(text)
    assert flagged(text, result) == [
        (FABRICATED, "https://docs.python.org/3/library/regex-flags.html")
    ]
    (finding,) = result.findings
    assert finding.replacement == "[link removed]"
    assert finding.action is None  # the policy entry's action decides
    assert result.score == 1.0


@pytest.mark.parametrize(
    "known",
    [("mycorp.co.jp",), ("https://www.mycorp.co.jp/help",), ("help.mycorp.co.jp",)],
)
async def test_known_domains_pass_with_subdomains(known: tuple[str, ...]) -> None:
    text = "Ask us at https://help.mycorp.co.jp/faq or https://mycorp.co.jp.evil.com/x."
    result = await run(text, known_domains=known)
    assert flagged(text, result) == [(FABRICATED, "https://mycorp.co.jp.evil.com/x")]


@pytest.mark.parametrize(
    ("link", "reason"),
    [
        ("http://localhost:8080/admin", "no dot in host"),
        ("https://intranet/page", "no dot in host"),
        ("https://example.com/your-page", "placeholder domain"),
        ("https://docs.example.org/x", "placeholder domain"),
        ("https://yourdomain.com", "placeholder domain"),
        ("https://bad_host.com/x", "characters a host cannot have"),
        ("https://-dash.com/", "characters a host cannot have"),
        ("https://foo..com/", "characters a host cannot have"),
        ("https://news.notarealtld/x", "unknown top-level domain"),
        ("https://site.123/", "numeric top-level domain"),
        ("https://999.1.1.1/", "invalid IP address"),
        ("https://made-up.org:80a/", "unparsable link"),
        ("https://made-up.org/a%zzb", "broken percent-escape"),
    ],
)
async def test_malformed_links(link: str, reason: str) -> None:
    text = f"Go to {link} now."
    result = await run(text, known_domains=("python.org",))
    (finding,) = result.findings
    assert (finding.category, finding.message) == (MALFORMED, reason)
    assert text[finding.start or 0 : finding.end or 0] == link


async def test_known_domain_wins_over_placeholder() -> None:
    assert (
        await run("Try https://docs.example.com/x.", known_domains=("example.com",))
        == CheckResult()
    )


async def test_malformed_can_be_switched_off() -> None:
    assert await run("Go to http://localhost/x now.", malformed=False) == CheckResult()


async def test_placeholder_in_a_source_is_fine() -> None:
    sources = (Source("s", "The API lives at https://api.example.com/v1."),)
    assert await run("Call https://api.example.com/v1 first.", sources) == CheckResult()


async def test_without_sources_only_malformed_links_are_flagged() -> None:
    text = "See https://www.nature.com/articles/made-up and http://localhost/x."
    skip = await run(text, ())
    assert flagged(text, skip) == [(MALFORMED, "http://localhost/x")]
    flag = await run(text, (), without_sources="flag")
    assert [c for c, _ in flagged(text, flag)] == [FABRICATED, MALFORMED]


async def test_links_the_user_gave_count_as_backed() -> None:
    text = "The article at https://blog.made-up.org/post summarises it."
    context = CheckContext(
        direction="output",
        request_id="t",
        sources=SOURCES,
        messages=("Please summarise https://blog.made-up.org/post#top",),
    )
    check = LinksCheck(LinksOptions.model_validate({}))
    assert await check.run(text, context) == CheckResult()
    strict = LinksCheck(LinksOptions.model_validate({"conversation_links": False}))
    assert len((await strict.run(text, context)).findings) == 1


async def test_allow_source_domains() -> None:
    text = "See https://docs.python.org/3/tutorial/ too."
    assert len((await run(text)).findings) == 1
    assert await run(text, allow_source_domains=True) == CheckResult()


async def test_markdown_link_is_replaced_whole_keeping_its_label() -> None:
    text = "Read [the guide](https://guides.python.org/made-up) and <https://invented.org/x>."
    result = await run(text)
    assert [(f.start, f.end, f.replacement) for f in result.findings] == [
        (5, 51, "the guide [link removed]"),
        (56, 80, "[link removed]"),
    ]


async def test_markdown_image_is_replaced_with_its_alt_text() -> None:
    text = "Look: ![a diagram](https://img.made-up.org/d.png)"
    (finding,) = (await run(text)).findings
    assert (finding.start, finding.end) == (6, len(text))
    assert finding.replacement == "a diagram [link removed]"


async def test_markdown_link_whose_label_is_the_url() -> None:
    text = "[https://made.up.org/a](https://made.up.org/a)"
    (finding,) = (await run(text)).findings
    assert (finding.start, finding.end, finding.replacement) == (0, len(text), "[link removed]")


async def test_links_in_code_are_left_alone() -> None:
    text = "Use `https://made.up.org/api` or\n```\ncurl https://other.made.org\n```"
    assert await run(text) == CheckResult()
    result = await run(text, skip_code=False)
    assert len(result.findings) == 2


async def test_note_counts_links_without_echoing_them() -> None:
    text = "See https://made-up.org/user/jane.doe@mail.com and http://localhost/x."
    result = await run(text)
    (note,) = result.annotations
    assert note.kind == "links"
    assert note.text == "2 link(s) in this answer could not be verified against its sources."
    assert "jane" not in note.text and "jane" not in str(note.data)
    assert note.data["fabricated_link"] == 1 and note.data["malformed_link"] == 1
    assert note.data["spans"] == [[f.start, f.end] for f in result.findings]


async def test_japanese_note() -> None:
    result = await run("詳しくは https://made-up.org/x をご覧ください。")
    assert result.annotations[0].text.startswith("この回答のリンク1件は")


async def test_note_can_be_switched_off() -> None:
    result = await run("See https://made-up.org/x.", note=False)
    assert len(result.findings) == 1 and result.annotations == ()


def test_known_domains_must_be_domains() -> None:
    with pytest.raises(ValueError, match="not a domain"):
        LinksOptions.model_validate({"known_domains": ["not a domain"]})
    with pytest.raises(ValueError, match="blank"):
        LinksOptions.model_validate({"known_domains": [" "]})


def policy(entry: str, stream: str = "buffered") -> Policy:
    body = f"""
        stream: {{mode: {stream}}}
        output:
          - {entry}
    """
    registry = make_registry()
    if "links" not in registry.names:
        registry.register("links", LinksCheck)
    return PolicyLoader(registry).load_bytes(textwrap.dedent(body).encode(), name="l")


@pytest.mark.parametrize(
    ("action", "expected_action", "expected_text"),
    [
        (
            "redact",
            Action.REDACT,
            "See [link removed] and [link removed].\n\n"
            "2 link(s) in this answer could not be verified against its sources.",
        ),
        (
            "annotate",
            Action.ANNOTATE,
            "See https://made-up.org/x and http://localhost/y.\n\n"
            "2 link(s) in this answer could not be verified against its sources.",
        ),
    ],
)
async def test_pipeline_actions(action: str, expected_action: Action, expected_text: str) -> None:
    p = policy(f"{{use: links, action: {action}}}")
    await p.output_checks[0].check.start(InlineOffloader())
    verdict = await evaluate(
        p, p.output_checks, "See https://made-up.org/x and http://localhost/y.", ctx()
    )
    assert verdict.action is expected_action
    assert verdict.text == expected_text


async def test_pipeline_block() -> None:
    p = policy("{use: links, action: block}")
    verdict = await evaluate(p, p.output_checks, "See https://made-up.org/x.", ctx())
    assert verdict.blocked


def test_policy_option_errors_name_the_field() -> None:
    with pytest.raises(PolicyError, match=r"output\[0\]\.options\.known_domains"):
        policy("{use: links, options: {known_domains: ['no_dots']}}")
