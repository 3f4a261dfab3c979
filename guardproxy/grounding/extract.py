"""Find the documents an answer may rest on inside a conversation.

`sources_from_conversation(messages, system=None) -> tuple[Source, ...]` reads an
OpenAI-style `messages` list (roles system, developer, user, assistant, tool; content a
string or a list of parts) or an Anthropic-style one (`system` a string or a list of text
blocks; user content a list of blocks) and returns, in conversation order:

- tool results: OpenAI `role: "tool"` messages (titled with the called function's name
  when the assistant's tool call is in the conversation) and Anthropic `tool_result`
  blocks (string or list content; `is_error` results are skipped). JSON output is read
  for documents: an object with a text field (`content`, `text`, `snippet`, `body`,
  `page_content`, …) and optional `title` / `url` / `id` (also under `metadata`), or a
  list of them, or a container (`results`, `documents`, `items`, `hits`, …) holding them.
  Other tool output is one source as a whole.
- Anthropic `document` blocks with text content and `search_result` blocks, in user
  messages or tool results, and `web_search_tool_result` blocks (title and URL only).
- documents written into system, developer and user text:
  `<doc id=.. title=.. url=..>…</doc>` and `<document>…</document>` tags (with optional
  `<source>` and `<document_content>` children); markdown headings that are links
  (`## [Title](https://…)` followed by the text up to the next heading); numbered
  documents (`[1] Title` or `Document 1: Title` at the start of a line, each running to
  the next one); a labelled block (`Context:`, `Documents:`, `参考資料`, … with an ASCII or
  full-width colon, or alone on a line) up to a `Question:` / `質問` line or the end.

Ordinary user questions and assistant answers are not sources. Ids are the declared ones
(an `id` attribute or field) or `doc-1`, `doc-2`, … in order; a repeated id gets a suffix.
Titles and URLs are filled in when the layout carries them. Odd shapes are skipped, never
raised on. At most `MAX_SOURCES` sources and `MAX_TOTAL_CHARS` characters are taken.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from guardproxy.checks.base import Source

MAX_SOURCES = 100
MAX_TOTAL_CHARS = 400_000
_MAX_DEPTH = 4

_TEXT_KEYS = (
    "content",
    "text",
    "page_content",
    "snippet",
    "body",
    "extract",
    "summary",
    "description",
    "abstract",
    "chunk",
    "passage",
)
_TITLE_KEYS = ("title", "name", "headline", "heading")
_URL_KEYS = ("url", "link", "href", "source_url", "uri", "source")
_ID_KEYS = ("id", "doc_id", "document_id", "source_id")
_CONTAINER_KEYS = (
    "results",
    "documents",
    "docs",
    "items",
    "hits",
    "data",
    "sources",
    "articles",
    "pages",
    "passages",
    "chunks",
    "organic",
    "organic_results",
    "search_results",
    "references",
)
_URL_VALUE = re.compile(r"^(?:https?|ftp)://\S+$", re.IGNORECASE)


@dataclass(slots=True)
class _Draft:
    text: str
    title: str | None = None
    url: str | None = None
    id: str | None = None


# --- layouts inside free text ---------------------------------------------------------------

_DOC_TAG = re.compile(
    r"<(?P<tag>doc|document)\b(?P<attrs>[^<>]*)>(?P<body>.*?)</(?P=tag)\s*>",
    re.IGNORECASE | re.DOTALL,
)
_ATTR = re.compile(r"""([A-Za-z_][\w\-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_CHILD = re.compile(
    r"<(?P<tag>source|title|url|document_content|content)\b[^<>]*>(?P<body>.*?)</(?P=tag)\s*>",
    re.IGNORECASE | re.DOTALL,
)
_LINK_HEADING = re.compile(
    r"^[ \t]{0,3}(?P<hashes>#{1,6})[ \t]+(?:\d{1,3}[.)][ \t]*)?"
    r"\[(?P<title>[^\]\n]+)\]\((?P<url>[^)\s]+)(?:[ \t]+\"[^\"\n]*\")?\)[ \t]*$",
    re.MULTILINE,
)
_ANY_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]", re.MULTILINE)
_NUMBERED = re.compile(
    r"^[ \t]*(?:\[(?P<n1>\d{1,3})\]|(?:document|doc|source|passage|文書|資料|出典)[ \t]*"
    r"#?(?P<n2>\d{1,3})[ \t]*(?:[:\uff1a.)\]-]|$))[ \t]*(?P<head>[^\n]*)$",
    re.MULTILINE | re.IGNORECASE,
)
_LABEL = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]*)?(?:context|documents?|docs|sources?|references?|reference material|"
    r"retrieved (?:documents|passages|context)|search results|"
    r"参考資料|参考情報|参考文書|コンテキスト|資料|文脈)"
    r"(?:[ \t]*[:\uff1a][ \t]*(?P<rest>[^\n]*)|[ \t]*)$",
    re.MULTILINE | re.IGNORECASE,
)
_QUESTION = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]*)?(?:question|query|user question|task|q|質問|問い)[ \t]*[:\uff1a]",
    re.MULTILINE | re.IGNORECASE,
)
_FIRST_URL = re.compile(r"(?:https?|ftp)://[^\s<>\"')\]]+", re.IGNORECASE)
_URL_LINE = re.compile(
    r"^[ \t]*(?:url|link|source|出典|URL)[ \t]*[:\uff1a][ \t]*(?P<url>(?:https?|ftp)://\S+)[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)


def documents_in_text(text: str, *, labelled: bool = True) -> list[_Draft]:
    """Documents laid out in a text (tags, linked headings, numbered, labelled block)."""
    for finder in (_doc_tags, _linked_headings, _numbered):
        found = finder(text)
        if found:
            return found
    return _labelled(text) if labelled else []


def _doc_tags(text: str) -> list[_Draft]:
    if "<" not in text:
        return []
    drafts = []
    for m in _DOC_TAG.finditer(text):
        attrs = {k.lower(): html.unescape(a or b or c) for k, a, b, c in _ATTR.findall(m["attrs"])}
        body = m["body"]
        children = {c["tag"].lower(): c["body"].strip() for c in _CHILD.finditer(body)}
        content = children.get("document_content") or children.get("content")
        if content is None:
            content = _CHILD.sub("", body) if children else body
        title = attrs.get("title") or children.get("title")
        url = attrs.get("url") or attrs.get("href") or children.get("url")
        source = attrs.get("source") or children.get("source")
        if source:
            if _URL_VALUE.match(source):
                url = url or source
            else:
                title = title or source
        drafts.append(_Draft(content.strip(), title, url, attrs.get("id") or attrs.get("doc_id")))
    return drafts


def _linked_headings(text: str) -> list[_Draft]:
    if "](" not in text:
        return []
    heads = list(_LINK_HEADING.finditer(text))
    drafts = []
    for m in heads:
        nxt = _ANY_HEADING.search(text, m.end())
        body = _before_question(text[m.end() : nxt.start() if nxt else len(text)]).strip()
        drafts.append(_Draft(body, m["title"].strip(), m["url"]))
    return drafts


def _numbered(text: str) -> list[_Draft]:
    heads = list(_NUMBERED.finditer(text))
    drafts = []
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        head = m["head"].strip()
        body = _before_question(text[m.end() : end]).strip()
        title: str | None = None
        url = _first_url(head) or _url_line(body)
        if body and head and len(head) <= 160:
            title = _strip_url(head) or None
            text_ = body
        else:
            text_ = f"{head}\n{body}".strip()
        if text_:
            drafts.append(_Draft(text_, title, url))
    return drafts


def _labelled(text: str) -> list[_Draft]:
    m = _LABEL.search(text)
    if m is None:
        return []
    q = _QUESTION.search(text, m.end())
    body = ((m["rest"] or "") + text[m.end() : q.start() if q else len(text)]).strip()
    return [_Draft(body, None, _url_line(body))] if body else []


def _before_question(text: str) -> str:
    q = _QUESTION.search(text)
    return text[: q.start()] if q else text


def _first_url(text: str) -> str | None:
    m = _FIRST_URL.search(text)
    return m.group().rstrip(".,;:") if m else None


def _url_line(text: str) -> str | None:
    m = _URL_LINE.search(text)
    return m["url"].rstrip(".,;:") if m else None


def _strip_url(head: str) -> str:
    head = _FIRST_URL.sub("", head)
    return head.strip(" \t-\u2013—|:()<>[]")


# --- structured tool output -----------------------------------------------------------------


def _str_field(obj: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, int | float) and not isinstance(value, bool) and key in _ID_KEYS:
            return str(value)
    return None


def _json_documents(value: Any, depth: int = 0) -> list[_Draft]:
    """Documents in parsed JSON; empty when it holds none."""
    if depth > _MAX_DEPTH:
        return []
    if isinstance(value, list):
        return [d for item in value for d in _json_documents(item, depth + 1)]
    if not isinstance(value, dict):
        return []
    text = _str_field(value, _TEXT_KEYS)
    if text is None:
        content = value.get("content")
        if isinstance(content, list):  # Anthropic-like [{"type": "text", "text": ...}]
            text = _joined_text(content) or None
    if text is not None:
        meta = value.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        url = _str_field(value, _URL_KEYS) or _str_field(meta, _URL_KEYS)
        title = _str_field(value, _TITLE_KEYS) or _str_field(meta, _TITLE_KEYS)
        if url is not None and not _URL_VALUE.match(url):
            title = title or url
            url = None
        doc_id = _str_field(value, _ID_KEYS) or _str_field(meta, _ID_KEYS)
        return [_Draft(text, title, url, doc_id)]
    drafts: list[_Draft] = []
    for key in _CONTAINER_KEYS:
        if key in value:
            drafts.extend(_json_documents(value[key], depth + 1))
    return drafts


def _tool_output(text: str, title: str | None) -> list[_Draft]:
    stripped = text.strip()
    if not stripped:
        return []
    if stripped[0] in "[{":
        try:
            parsed = json.loads(stripped)
        except ValueError:
            parsed = None
        if parsed is not None:
            drafts = _json_documents(parsed)
            if drafts:
                return drafts
    drafts = documents_in_text(stripped, labelled=False)
    if drafts:
        return drafts
    return [_Draft(stripped, title, _url_line(stripped))]


# --- conversation shapes --------------------------------------------------------------------


def _joined_text(content: Any) -> str:
    """The text of a content value: a string or a list of text parts/blocks."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    parts = []
    for part in content:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict) and part.get("type") in ("text", "input_text"):
            text = part.get("text")
            if isinstance(text, str):
                parts.append(text)
    return "\n\n".join(parts)


def _block_documents(block: dict[str, Any]) -> list[_Draft]:
    """Anthropic document, search_result and web_search_tool_result blocks."""
    kind = block.get("type")
    if kind == "document":
        src = block.get("source")
        if not isinstance(src, dict):
            return []
        if src.get("type") == "text" and isinstance(src.get("data"), str):
            text = src["data"]
        elif src.get("type") == "content":
            text = _joined_text(src.get("content"))
        else:
            return []  # PDFs and images carry no text we can read here
        title = block.get("title") if isinstance(block.get("title"), str) else None
        return [_Draft(text, title)] if text.strip() else []
    if kind == "search_result":
        text = _joined_text(block.get("content"))
        url = block.get("source") if isinstance(block.get("source"), str) else None
        title = block.get("title") if isinstance(block.get("title"), str) else None
        if url is not None and not _URL_VALUE.match(url):
            title, url = title or url, None
        return [_Draft(text, title, url)] if text.strip() else []
    if kind == "web_search_tool_result":
        results = block.get("content")
        drafts = []
        for item in results if isinstance(results, list) else []:
            if isinstance(item, dict) and isinstance(item.get("url"), str):
                title = item.get("title") if isinstance(item.get("title"), str) else None
                drafts.append(_Draft(title or "", title, item["url"]))
        return drafts
    return []


def _tool_result_block(block: dict[str, Any]) -> list[_Draft]:
    if block.get("is_error") is True:
        return []
    content = block.get("content")
    if isinstance(content, str):
        return _tool_output(content, None)
    if not isinstance(content, list):
        return []
    drafts: list[_Draft] = []
    for part in content:
        if not isinstance(part, dict):
            continue
        if part.get("type") == "text" and isinstance(part.get("text"), str):
            drafts.extend(_tool_output(part["text"], None))
        else:
            drafts.extend(_block_documents(part))
    return drafts


def _tool_names(messages: list[Any]) -> dict[str, str]:
    """OpenAI tool_call_id -> function name, from the assistant's tool calls."""
    names: dict[str, str] = {}
    for message in messages:
        if not isinstance(message, dict) or message.get("role") != "assistant":
            continue
        calls = message.get("tool_calls")
        for call in calls if isinstance(calls, list) else []:
            if not isinstance(call, dict):
                continue
            function = call.get("function")
            name = function.get("name") if isinstance(function, dict) else None
            if isinstance(call.get("id"), str) and isinstance(name, str):
                names[call["id"]] = name
    return names


def _message_documents(message: dict[str, Any], tool_names: dict[str, str]) -> list[_Draft]:
    role = message.get("role")
    content = message.get("content")
    if role in ("tool", "function"):
        call_id = message.get("tool_call_id")
        title = tool_names.get(call_id) if isinstance(call_id, str) else None
        if title is None and isinstance(message.get("name"), str):
            title = message["name"]
        return _tool_output(_joined_text(content), title)
    if role in ("system", "developer"):
        return documents_in_text(_joined_text(content))
    if role == "assistant":
        # answers are never sources, but replayed web search results are retrieved documents
        if not isinstance(content, list):
            return []
        return [
            d
            for block in content
            if isinstance(block, dict) and block.get("type") == "web_search_tool_result"
            for d in _block_documents(block)
        ]
    if role != "user":
        return []
    if isinstance(content, str):
        return documents_in_text(content)
    drafts: list[_Draft] = []
    texts: list[str] = []
    for block in content if isinstance(content, list) else []:
        if isinstance(block, str):
            texts.append(block)
        elif isinstance(block, dict):
            kind = block.get("type")
            if kind == "tool_result":
                drafts.extend(_tool_result_block(block))
            elif kind in ("text", "input_text") and isinstance(block.get("text"), str):
                texts.append(block["text"])
            else:
                drafts.extend(_block_documents(block))
    if texts:
        drafts.extend(documents_in_text("\n\n".join(texts)))
    return drafts


def _drafts(messages: Any, system: Any) -> Iterator[_Draft]:
    # one guard per item, so that one malformed item does not hide the documents of others
    if system is not None:
        try:
            found = documents_in_text(_joined_text(system))
        except Exception:  # odd shapes are skipped, as documented
            found = []
        yield from found
    if not isinstance(messages, list):
        return
    tool_names = _tool_names(messages)
    for message in messages:
        if not isinstance(message, dict):
            continue
        try:
            found = _message_documents(message, tool_names)
        except Exception:  # odd shapes are skipped, as documented
            continue
        yield from found


def sources_from_conversation(messages: Any, system: Any = None) -> tuple[Source, ...]:
    """The documents of a conversation as Sources (see the module docstring)."""
    sources: list[Source] = []
    used: set[str] = set()
    total = 0
    for draft in _drafts(messages, system):
        text = draft.text.strip()
        if not text and not draft.url:
            continue
        if len(sources) >= MAX_SOURCES or total >= MAX_TOTAL_CHARS:
            break
        text = text[: MAX_TOTAL_CHARS - total]
        total += len(text)
        base = (draft.id or "").strip() or f"doc-{len(sources) + 1}"
        doc_id, n = base, 1
        while doc_id in used:
            n += 1
            doc_id = f"{base}-{n}"
        used.add(doc_id)
        sources.append(Source(id=doc_id, text=text, title=draft.title or None, url=draft.url))
    return tuple(sources)
