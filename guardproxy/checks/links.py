"""The `links` check: links in an answer that no source backs, and links that cannot be real.

Every http(s)/ftp URL and bare `www.` link of the answer (see
`guardproxy.grounding.text.urls`) is judged, in this order:

1. it appears in a source (the source's `url`, or a URL in its text) or, with
   `conversation_links` (the default), in the conversation's messages (a link the user
   gave), compared in normalised form (no scheme, no `www.`, no fragment, no trailing
   slash, no tracking parameters): fine;
2. its host is one of `known_domains` or a subdomain of one (the operator's own sites):
   fine;
3. it does not look real: category `malformed_link` (no dot in the host, characters a
   host cannot have, an empty or over-long label, a numeric or unknown top-level domain,
   a bad port or percent-escape, a placeholder domain such as example.com);
4. with `allow_source_domains`, its host is one that a source's links are on: fine;
5. otherwise: category `fabricated_link`. When the request has no sources there is
   nothing to verify against, and `without_sources: skip` (the default) leaves such links
   alone; `flag` flags them.

Only links with a scheme or a `www.` prefix are judged: a bare "python.org" is too easily
confused with a file name such as "setup.py".

Each finding spans the link: a markdown link `[label](url)` (or image `![alt](url)`) as
a whole, an autolink `<url>` with its brackets, a bare URL by itself. Its replacement
(used when the policy entry's action is redact) is `replacement`, after the label for
markdown links, so "[docs](https://made-up.org/x)" becomes "docs [link removed]".
Whether a link is annotated, removed or the answer blocked is the policy entry's action
(default annotate).

The note appended when links are flagged gives only their number, never the links: a URL
can carry personal data in its path or query, and after a redaction the note must not
bring the removed link back. The annotation's data has counts and spans only.
`CheckResult.score` is the share of the answer's links that were flagged.

Registrable domains and public suffixes come from tldextract's bundled snapshot of the
public suffix list; the extractor is built with no list URLs, so it never fetches.
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationInfo, field_validator
from tldextract import TLDExtract

from guardproxy.checks.base import (
    Annotation,
    Check,
    CheckContext,
    CheckOptions,
    CheckResult,
    Finding,
    Offloader,
    no_blank_items,
)
from guardproxy.grounding.text import code_spans, inside, is_japanese, normalize_url, urls
from guardproxy.lang import pick_language

FABRICATED = "fabricated_link"
MALFORMED = "malformed_link"

DEFAULT_PLACEHOLDERS: tuple[str, ...] = (
    "example.com",
    "example.org",
    "example.net",
    "example.edu",
    "domain.com",
    "yourdomain.com",
    "yoursite.com",
    "yourwebsite.com",
    "yourcompany.com",
    "website.com",
    "mysite.com",
    "placeholder.com",
)
DEFAULT_NOTE_EN = "{count} link(s) in this answer could not be verified against its sources."
DEFAULT_NOTE_JA = (
    "\u3053\u306e\u56de\u7b54\u306e\u30ea\u30f3\u30af{count}\u4ef6\u306f\u3001"
    "\u51fa\u5178\u3067\u78ba\u8a8d\u3067\u304d\u307e\u305b\u3093\u3067\u3057\u305f\u3002"
)  # この回答のリンク{count}件は、出典で確認できませんでした。

_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_MD_LINK = re.compile(
    r"\[(?P<label>[^\[\]\n]{0,300})\]\(\s*<?(?P<url>(?:(?:https?|ftp)://|www\.)"
    r"[^\s()<>]*(?:\([^\s()<>]*\)[^\s()<>]*)*)>?(?:\s+\"[^\"\n]*\")?\s*\)",
    re.IGNORECASE,
)


def _domain(value: str) -> str:
    """A known_domains entry as a bare lowercase host (scheme, path, port, www. removed)."""
    host = value.strip().lower()
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", host)
    host = re.split(r"[/?#]", host, maxsplit=1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    return host[4:] if host.startswith("www.") else host


class LinksOptions(CheckOptions):
    known_domains: tuple[str, ...] = Field(
        (),
        description="Domains whose links are always fine (the operator's own sites); "
        "subdomains included. Scheme, path and a leading www. are ignored.",
    )
    replacement: str = Field(
        "[link removed]", description="What a flagged link becomes when the action is redact."
    )
    without_sources: Literal["skip", "flag"] = Field(
        "skip",
        description="When the request has no sources: skip (only malformed links are "
        "flagged) or flag every link not on known_domains.",
    )
    conversation_links: bool = Field(
        True,
        description="Links that appear in the conversation's messages (a link the user "
        "gave) count as backed, like links in sources.",
    )
    allow_source_domains: bool = Field(
        False,
        description="Also accept any link to a host that a source's links are on, not only "
        "the exact URLs the sources hold.",
    )
    malformed: bool = Field(True, description="Flag links that cannot be real.")
    placeholder_domains: tuple[str, ...] = Field(
        DEFAULT_PLACEHOLDERS,
        description="Domains that only stand in for a real one; links to them are malformed "
        "unless a source has them.",
    )
    skip_code: bool = Field(True, description="Leave links inside code blocks and inline code.")
    note: bool = Field(True, description="Append a note saying how many links were flagged.")
    language: Literal["auto", "en", "ja"] = Field(
        "auto", description="auto picks Japanese when the answer contains Japanese script."
    )
    note_en: str = Field(
        DEFAULT_NOTE_EN, min_length=1, description="English note; {count} is the number."
    )
    note_ja: str = Field(
        DEFAULT_NOTE_JA, min_length=1, description="Japanese note; {count} is the number."
    )

    @field_validator("known_domains", "placeholder_domains")
    @classmethod
    def _domains(cls, values: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        field = info.field_name or "domains"
        no_blank_items(values, field)
        hosts = tuple(_domain(v) for v in values)
        for raw, host in zip(values, hosts, strict=True):
            if "." not in host or not all(_LABEL.match(label) for label in host.split(".")):
                raise ValueError(f"{field} entry {raw!r} is not a domain like example.co.jp")
        return hosts


def _snapshot_extractor() -> TLDExtract:
    # no suffix list URLs and no cache directory: the bundled snapshot only, never a fetch
    return TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


class LinksCheck(Check[LinksOptions]):
    """Flags links that no source backs (fabricated) or that cannot be real (malformed)."""

    name: ClassVar[str] = "links"
    options_model = LinksOptions
    streamable = False
    needs_full_text = True
    default_action = "annotate"
    edits_in_place = True
    uses_sources = True

    def __init__(self, options: LinksOptions) -> None:
        super().__init__(options)
        self._extract: TLDExtract | None = None

    async def start(self, offloader: Offloader) -> None:
        self._extractor()

    def _extractor(self) -> TLDExtract:
        if self._extract is None:
            extractor = _snapshot_extractor()
            extractor("example.com")  # parse the snapshot now, not on the first link
            self._extract = extractor
        return self._extract

    async def run(self, text: str, ctx: CheckContext) -> CheckResult:
        mentions = urls(text)
        if not mentions:
            return CheckResult()
        opts = self.options
        code = code_spans(text) if opts.skip_code else []
        sourced, source_hosts = _sourced(ctx, conversation=opts.conversation_links)
        verify = bool(ctx.sources) or opts.without_sources == "flag"

        findings: list[Finding] = []
        covered: list[tuple[int, int]] = []
        total = 0
        for md in _MD_LINK.finditer(text):
            start, end = md.span()
            if code and inside(code, start, end):
                continue
            covered.append((start, end))
            total += 1
            verdict = self._judge(md["url"], sourced, source_hosts, verify)
            if verdict is not None:
                if start > 0 and text[start - 1] == "!":
                    start -= 1  # an image: ![alt](url)
                label = md["label"].strip()
                keep = label and not urls(label)
                replacement = f"{label} {opts.replacement}" if keep else opts.replacement
                findings.append(_finding(self.name, verdict, start, end, replacement))
        for mention in mentions:
            start, end = mention.start, mention.end
            if (covered and inside(covered, start, end)) or (code and inside(code, start, end)):
                continue
            total += 1
            verdict = self._judge(mention.text, sourced, source_hosts, verify)
            if verdict is None:
                continue
            if start > 0 and text[start - 1] == "<" and text[end : end + 1] == ">":
                start, end = start - 1, end + 1
            findings.append(_finding(self.name, verdict, start, end, opts.replacement))
        if not findings:
            return CheckResult()
        findings.sort(key=lambda f: f.start or 0)
        counts = {
            FABRICATED: sum(1 for f in findings if f.category == FABRICATED),
            MALFORMED: sum(1 for f in findings if f.category == MALFORMED),
        }
        annotations: tuple[Annotation, ...] = ()
        if opts.note:
            language = pick_language(opts.language, text, is_japanese)
            template = opts.note_ja if language == "ja" else opts.note_en
            annotations = (
                Annotation(
                    self.name,
                    "links",
                    template.replace("{count}", str(len(findings))),
                    {
                        "language": language,
                        "links": total,
                        "flagged": len(findings),
                        **counts,
                        "spans": [[f.start, f.end] for f in findings],
                    },
                ),
            )
        return CheckResult(
            findings=tuple(findings),
            score=round(len(findings) / total, 4) if total else 0.0,
            annotations=annotations,
        )

    def _judge(
        self, url: str, sourced: frozenset[str], source_hosts: frozenset[str], verify: bool
    ) -> tuple[str, str] | None:
        """(category, reason) for a link that should be flagged, None for a fine one."""
        if normalize_url(url) in sourced:
            return None
        opts = self.options
        host = _host(url)
        if host and any(host == d or host.endswith("." + d) for d in opts.known_domains):
            return None
        reason = self._malformed(url)
        if reason is not None:
            return (MALFORMED, reason) if opts.malformed else None
        if opts.allow_source_domains and host in source_hosts:
            return None
        if not verify:
            return None
        return FABRICATED, "link not found in any source"

    def _malformed(self, url: str) -> str | None:
        """Why a link cannot be real, or None."""
        if _BAD_ESCAPE.search(url):
            return "broken percent-escape"
        raw = url if "://" in url else "http://" + url
        try:
            parts = urlsplit(raw)
            host = parts.hostname or ""
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            return "unparsable link"
        host = host.rstrip(".")
        if not host:
            return "no host"
        if _IPV4.match(host):
            if all(int(part) <= 255 for part in host.split(".")):
                return None
            return "invalid IP address"
        if "." not in host:
            return "no dot in host"
        labels = host.split(".")
        if not all(_LABEL.match(label) for label in labels):
            return "characters a host cannot have"
        if labels[-1].isdigit():
            return "numeric top-level domain"
        ext = self._extractor()(host)
        if not ext.suffix:
            return "unknown top-level domain"
        registrable = ext.top_domain_under_public_suffix
        bare = host[4:] if host.startswith("www.") else host
        for placeholder in self.options.placeholder_domains:
            if placeholder in (registrable, bare) or bare.endswith("." + placeholder):
                return "placeholder domain"
        return None


def _host(url: str) -> str:
    raw = url if "://" in url else "http://" + url
    try:
        host = (urlsplit(raw).hostname or "").rstrip(".")
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def _sourced(ctx: CheckContext, *, conversation: bool) -> tuple[frozenset[str], frozenset[str]]:
    """Normalised URLs that back a link, and the hosts of the sources' URLs."""
    found: set[str] = set()
    for source in ctx.sources:
        if source.url:
            found.add(normalize_url(source.url))
        found.update(m.norm for m in urls(source.text))
    hosts = frozenset(n.split("/", 1)[0].split("?", 1)[0] for n in found)
    if conversation:
        for message in ctx.messages:
            found.update(m.norm for m in urls(message))
    return frozenset(found), hosts


def _finding(check: str, verdict: tuple[str, str], start: int, end: int, repl: str) -> Finding:
    category, reason = verdict
    score = 0.9 if category == MALFORMED else 0.8
    return Finding(check, category, start, end, score, reason, replacement=repl)
