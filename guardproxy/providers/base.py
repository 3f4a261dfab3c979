"""What every provider adapter offers the server: parse once, extract texts, rewrite, encode."""

from __future__ import annotations

import abc
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from guardproxy import jsonutil
from guardproxy.checks.base import Source
from guardproxy.errors import BadRequest
from guardproxy.grounding.extract import sources_from_conversation
from guardproxy.pipeline import Verdict
from guardproxy.placeholders import Placeholders
from guardproxy.sse import SSEEvent
from guardproxy.streaming import StreamGuard
from guardproxy.toolscan import Judge, ScannedArguments

Json = dict[str, Any]


@dataclass(slots=True)
class TextSlot:
    """Where a text lives inside a body, so it can be read and written back."""

    container: MutableMapping[str, Any]
    key: str
    role: str

    @property
    def text(self) -> str:
        value = self.container.get(self.key)
        return value if isinstance(value, str) else ""

    def set(self, value: str) -> None:
        self.container[self.key] = value


@dataclass(slots=True)
class RequestInfo:
    """What the proxy needs to know about a request, read once from its body."""

    model: str | None
    stream: bool
    n: int = 1
    include_usage: bool = False
    messages: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    input_slots: list[TextSlot] = field(default_factory=list)
    prior_answers: int = 0
    """Assistant messages earlier in the conversation."""
    had_guard_object: bool = False
    """The body carried a `guardproxy` object (removed): it must be re-serialised."""
    conversation: Any = None
    """The request's `messages` as sent, read for documents only when a policy uses sources."""
    system: Any = None
    """Anthropic's top-level `system` as sent (OpenAI keeps it among the messages)."""
    placeholders: Placeholders | None = None
    """Tokens that stand for prompt values in what went upstream, to restore in the answer."""

    def add_conversation_sources(self) -> None:
        """Append the documents found in the conversation to the declared sources."""
        found = sources_from_conversation(self.conversation, self.system)
        if found:
            self.sources = merge_sources(self.sources, found)


@dataclass(slots=True)
class ToolScan:
    """The checks' result on one tool call's arguments."""

    unit: str
    """The unit (OpenAI choice index, Anthropic block index) the call belongs to."""
    key: str
    """Record key of the call, e.g. ``0.tool[1]``."""
    scanned: ScannedArguments


@dataclass(slots=True)
class OutputText:
    """One judged unit of an answer (an OpenAI choice, an Anthropic text block)."""

    key: str
    text: str
    logprobs: tuple[float, ...] = ()
    """Token log-probabilities the upstream sent with this text, if it sent any."""


def count_assistant(messages: Any) -> int:
    """How many earlier answers a conversation holds."""
    if not isinstance(messages, list):
        return 0
    return sum(1 for m in messages if isinstance(m, dict) and m.get("role") == "assistant")


def parse_guard_object(body: Json) -> tuple[Source, ...]:
    """Remove the `guardproxy` object from a request body; return the sources it declared."""
    obj = body.pop("guardproxy", None)
    if obj is None:
        return ()
    if not isinstance(obj, dict):
        raise BadRequest(400, "field 'guardproxy' must be an object like {\"sources\": [...]}")
    return parse_sources(obj.get("sources", []), "guardproxy.sources")


def merge_sources(first: tuple[Source, ...], more: tuple[Source, ...]) -> tuple[Source, ...]:
    """Declared sources first, then found ones; a found text already declared is dropped."""
    seen = {s.text.strip() for s in first}
    ids = {s.id for s in first}
    merged = list(first)
    for source in more:
        if source.text.strip() in seen:
            continue
        if source.id in ids:  # keep ids unique: a found doc-1 beside a declared doc-1
            source = Source(f"conversation-{source.id}", source.text, source.title, source.url)
        seen.add(source.text.strip())
        ids.add(source.id)
        merged.append(source)
    return tuple(merged)


def parse_sources(raw: Any, where: str) -> tuple[Source, ...]:
    """Sources given as [{id, title, url, text}] in a request body (`where` names the field)."""
    if not isinstance(raw, list):
        raise BadRequest(400, f"field '{where}' must be a list of {{id, title, url, text}}")
    sources = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("text", ""), str):
            raise BadRequest(400, f"{where}[{i}] must be an object with a 'text' string")
        sources.append(
            Source(
                id=str(item.get("id", i + 1)),
                text=item.get("text", ""),
                title=item.get("title"),
                url=item.get("url"),
            )
        )
    return tuple(sources)


class StreamTranslator(abc.ABC):
    """Turns upstream SSE events into client SSE bytes, guarding text on the way."""

    blocked_all: bool = False
    """Every judged unit is blocked: the upstream request should be cancelled."""
    upstream_error: str | None = None
    """Set when the upstream sent an error event; the relay ends the stream after it."""
    defer_checks: bool = False
    """Gather text in on_event and check it in flush(), once per network read."""
    block_message: str = "This response was withheld because it did not pass the content policy."
    """The policy's output_blocked message (set by the proxy)."""
    tool_judge: Judge | None = None
    """Set under scan_tool_calls: tool arguments are held until their call is complete,
    checked, and sent whole (or the unit is blocked)."""
    tool_scans: list[ToolScan]
    """What the checks found in tool arguments, for the decision record."""

    @abc.abstractmethod
    async def on_event(self, ev: SSEEvent) -> list[bytes]: ...

    @abc.abstractmethod
    async def flush(self) -> list[bytes]:
        """Check text gathered with defer_checks; events for what it releases."""

    @abc.abstractmethod
    async def on_end(self) -> list[bytes]:
        """Upstream ended cleanly: anything still held."""

    @abc.abstractmethod
    def error_event(self, message: str, code: str) -> bytes:
        """An error in the provider's streaming form (upstream broke mid-stream)."""

    @abc.abstractmethod
    def blocked_tail(self) -> list[bytes]:
        """Events that end the stream after a block when the upstream is cut off."""

    @property
    @abc.abstractmethod
    def guards(self) -> dict[str, StreamGuard]: ...

    @property
    def any_blocked(self) -> bool:
        return any(g.blocked for g in self.guards.values())

    @property
    def delivered_any(self) -> bool:
        """Some text has been released to the client."""
        return any(g.delivered_any for g in self.guards.values())

    @property
    def check_runs(self) -> int:
        """Stream-check windows run so far, over all guards."""
        return sum(g.check_runs for g in self.guards.values())


GuardFactory = Callable[[str], StreamGuard]


def unit_key(index: Any) -> str:
    """The record key of a streamed unit: its index, or that value spelt out as JSON when
    it is not a usable index, so that text a client still receives is never unrecorded."""
    if isinstance(index, int) and not isinstance(index, bool) and index >= 0:
        return str(index)
    return f"index:{jsonutil.dumps_str(index)}"


def content_text(value: Any) -> str:
    """A streamed text field as the record keeps it: a string as is, anything else as JSON."""
    if isinstance(value, str):
        return value
    return "" if value is None else jsonutil.dumps_str(value)


class StreamRecorder(abc.ABC):
    """Reads a stream that no check changes: each unit's text for the record, and its end.

    The relay forwards the upstream's own bytes (``guardproxy.rawrelay``); the recorder
    only watches the events, so it never alters what the client gets.
    """

    upstream_error: str | None = None
    """Set when the upstream sent an error event; the relay ends the stream after it."""
    delivered_any: bool = False
    """Some answer text has been seen (and goes out with the next release)."""

    def __init__(self) -> None:
        self._texts: dict[str, list[str]] = {}

    @abc.abstractmethod
    def on_event(self, ev: SSEEvent) -> bool:
        """Note one event; True when it ends the stream (its terminal or an error event)."""

    def _add(self, key: str, text: str) -> None:
        parts = self._texts.get(key)
        if parts is None:
            parts = self._texts[key] = []
        if text:
            parts.append(text)
            self.delivered_any = True

    def texts(self) -> dict[str, str]:
        """Each unit's text as the client got it, by unit key."""
        return {key: "".join(parts) for key, parts in self._texts.items()}


class Provider(abc.ABC):
    name: str

    @abc.abstractmethod
    def parse_request(self, body: Json) -> RequestInfo: ...

    @abc.abstractmethod
    def output_texts(self, body: Json) -> list[OutputText]: ...

    @abc.abstractmethod
    def apply_output(self, body: Json, verdicts: dict[str, Verdict], block_message: str) -> None:
        """Write delivered texts back; mark blocked units the way clients expect."""

    @abc.abstractmethod
    async def scan_tool_calls(self, body: Json, judge: Judge) -> list[ToolScan]:
        """Check each tool call's arguments, edit them in place, return what was found.

        A blocked call is only reported here; apply_output withholds its unit.
        """

    @abc.abstractmethod
    def restore_tool_calls(self, body: Json, placeholders: Placeholders) -> None:
        """Put prompt values back where the model copied their tokens into tool arguments."""

    @abc.abstractmethod
    def error_body(self, status: int, message: str, code: str, request_id: str) -> Json: ...

    @abc.abstractmethod
    def stream_translator(self, info: RequestInfo, guard_for: GuardFactory) -> StreamTranslator: ...

    @abc.abstractmethod
    def stream_recorder(self) -> StreamRecorder:
        """A recorder for a stream relayed byte for byte (no output checks)."""
