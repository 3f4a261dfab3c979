"""OpenAI Chat Completions: request context, choice texts, block semantics, SSE chunks."""

from __future__ import annotations

from typing import Any

from guardproxy import jsonutil
from guardproxy.pipeline import Verdict
from guardproxy.placeholders import Placeholders, StreamRestorer
from guardproxy.providers.base import (
    GuardFactory,
    Json,
    OutputText,
    Provider,
    RequestInfo,
    StreamRecorder,
    StreamTranslator,
    TextSlot,
    ToolScan,
    content_text,
    count_assistant,
    parse_guard_object,
    unit_key,
)
from guardproxy.sse import SSEEvent, encode_data
from guardproxy.streaming import StreamGuard
from guardproxy.toolscan import Judge, scan_arguments

DONE = encode_data("[DONE]")


def _message_slots(messages: Any) -> list[TextSlot]:
    slots: list[TextSlot] = []
    if not isinstance(messages, list):
        return slots
    for msg in messages:
        if not isinstance(msg, dict):
            continue
        role = str(msg.get("role", "user"))
        content = msg.get("content")
        if isinstance(content, str):
            slots.append(TextSlot(msg, "content", role))
        elif isinstance(content, list):
            for part in content:
                if (
                    isinstance(part, dict)
                    and part.get("type") == "text"
                    and isinstance(part.get("text"), str)
                ):
                    slots.append(TextSlot(part, "text", role))
    return slots


def _token_logprobs(choice: Json) -> tuple[float, ...]:
    """choices[i].logprobs.content[*].logprob, when the request asked for logprobs."""
    logprobs = choice.get("logprobs")
    tokens = logprobs.get("content") if isinstance(logprobs, dict) else None
    if not isinstance(tokens, list):
        return ()
    return tuple(
        float(t["logprob"])
        for t in tokens
        if isinstance(t, dict) and isinstance(t.get("logprob"), int | float)
    )


class OpenAIProvider(Provider):
    name = "openai"

    def parse_request(self, body: Json) -> RequestInfo:
        had_guard_object = "guardproxy" in body
        sources = parse_guard_object(body)
        slots = _message_slots(body.get("messages"))
        n = body.get("n") or 1
        stream_options = body.get("stream_options") or {}
        return RequestInfo(
            model=body.get("model") if isinstance(body.get("model"), str) else None,
            stream=body.get("stream") is True,
            n=n if isinstance(n, int) and n > 0 else 1,
            include_usage=bool(
                isinstance(stream_options, dict) and stream_options.get("include_usage")
            ),
            messages=tuple(s.text for s in slots),
            sources=sources,
            input_slots=slots,
            prior_answers=count_assistant(body.get("messages")),
            had_guard_object=had_guard_object,
            conversation=body.get("messages"),
        )

    def output_texts(self, body: Json) -> list[OutputText]:
        out = []
        for choice in body.get("choices") or []:
            message = choice.get("message") or {}
            content = message.get("content")
            if isinstance(content, str):
                out.append(
                    OutputText(str(choice.get("index", 0)), content, _token_logprobs(choice))
                )
        return out

    async def scan_tool_calls(self, body: Json, judge: Judge) -> list[ToolScan]:
        found: list[ToolScan] = []
        for choice in body.get("choices") or []:
            message = choice.get("message") if isinstance(choice, dict) else None
            if not isinstance(message, dict):
                continue
            calls = message.get("tool_calls")
            unit = str(choice.get("index", 0))
            legacy = message.get("function_call")
            if isinstance(legacy, dict) and isinstance(legacy.get("arguments"), str):
                scanned = await scan_arguments(legacy["arguments"], judge)
                if not scanned.blocked:
                    legacy["arguments"] = scanned.text
                found.append(ToolScan(unit, f"{unit}.function_call", scanned))
            if not isinstance(calls, list):
                continue
            for i, call in enumerate(calls):
                function = call.get("function") if isinstance(call, dict) else None
                if not isinstance(function, dict) or not isinstance(function.get("arguments"), str):
                    continue
                scanned = await scan_arguments(function["arguments"], judge)
                if not scanned.blocked:
                    function["arguments"] = scanned.text
                found.append(ToolScan(unit, f"{unit}.tool[{i}]", scanned))
        return found

    def restore_tool_calls(self, body: Json, placeholders: Placeholders) -> None:
        for choice in body.get("choices") or []:
            message = choice.get("message") if isinstance(choice, dict) else None
            if not isinstance(message, dict):
                continue
            calls = message.get("tool_calls")
            functions = (
                [c.get("function") for c in calls if isinstance(c, dict)]
                if isinstance(calls, list)
                else []
            )
            functions.append(message.get("function_call"))
            for function in functions:
                if isinstance(function, dict) and isinstance(function.get("arguments"), str):
                    function["arguments"] = placeholders.restore_arguments(function["arguments"])

    def apply_output(self, body: Json, verdicts: dict[str, Verdict], block_message: str) -> None:
        for choice in body.get("choices") or []:
            verdict = verdicts.get(str(choice.get("index", 0)))
            if verdict is None:
                continue
            message = choice.setdefault("message", {})
            if verdict.blocked:
                message["content"] = block_message
                message.pop("tool_calls", None)
                message.pop("function_call", None)
                choice["finish_reason"] = "content_filter"
                choice["logprobs"] = None
            elif verdict.text != message.get("content"):
                message["content"] = verdict.text
                # token logprobs spell out the original text, redacted parts included
                choice["logprobs"] = None

    def error_body(self, status: int, message: str, code: str, request_id: str) -> Json:
        kind = "invalid_request_error" if status < 500 else "api_error"
        return {
            "error": {
                "message": f"{message} (request id {request_id})",
                "type": kind,
                "param": None,
                "code": code,
            }
        }

    def stream_translator(self, info: RequestInfo, guard_for: GuardFactory) -> StreamTranslator:
        return OpenAIStream(info, guard_for)

    def stream_recorder(self) -> StreamRecorder:
        return OpenAIRecorder()


class OpenAIRecorder(StreamRecorder):
    """Each choice's content deltas, keyed by choice index as OpenAIStream keys them."""

    def on_event(self, ev: SSEEvent) -> bool:
        data = ev.data
        if data == "[DONE]":
            return True
        try:
            chunk = jsonutil.loads(data)
        except jsonutil.JSONDecodeError:
            return False  # relayed as it came, as the translator relays it
        if not isinstance(chunk, dict):
            return False
        choices = chunk.get("choices")
        if "error" in chunk and not choices:
            self.upstream_error = "error"
            return True
        if not isinstance(choices, list):
            return False
        for choice in choices:
            if not isinstance(choice, dict):
                continue
            delta = choice.get("delta")
            content = delta.get("content") if isinstance(delta, dict) else None
            self._add(unit_key(choice.get("index", 0)), content_text(content))
        return False


def _place_calls(delta: Json, calls: list[Json]) -> None:
    """Put whole-argument deltas in place: tool_calls, or function_call for slot -1."""
    for call in calls:
        if call["index"] == -1:
            legacy = delta.get("function_call")
            legacy = legacy if isinstance(legacy, dict) else {}
            legacy["arguments"] = legacy.get("arguments", "") + call["function"]["arguments"]
            delta["function_call"] = legacy
        else:
            delta["tool_calls"] = [*(delta.get("tool_calls") or []), call]


class OpenAIStream(StreamTranslator):
    """Guards each choice's content deltas; everything else passes in order."""

    def __init__(self, info: RequestInfo, guard_for: GuardFactory) -> None:
        self.info = info
        self._guard_for = guard_for
        self._guards: dict[str, StreamGuard] = {}
        self.tool_scans: list[ToolScan] = []
        self._done: set[str] = set()
        self._envelope: Json = {"object": "chat.completion.chunk"}
        self._usage_seen = False
        self._tail_sent = False
        self._tool_args: dict[tuple[str, int], StreamRestorer] = {}
        self._held_args: dict[tuple[str, int], str] = {}
        """Argument text held until its choice finishes (scan_tool_calls)."""
        """Streamed tool-call arguments, when the prompt's values were replaced by tokens."""

    @property
    def guards(self) -> dict[str, StreamGuard]:
        return self._guards

    def _guard(self, key: str) -> StreamGuard:
        guard = self._guards.get(key)
        if guard is None:
            guard = self._guards[key] = self._guard_for(key)
        return guard

    def _chunk(self, choices: list[Json], usage: Any = None) -> bytes:
        chunk = {**self._envelope, "choices": choices}
        if usage is not None:
            chunk["usage"] = usage
        return encode_data(jsonutil.dumps_str(chunk))

    def _block_events(self, index: int, message: str) -> list[bytes]:
        return [
            self._chunk(
                [
                    {
                        "index": index,
                        "delta": {"content": message},
                        "logprobs": None,
                        "finish_reason": None,
                    }
                ]
            ),
            self._chunk(
                [{"index": index, "delta": {}, "logprobs": None, "finish_reason": "content_filter"}]
            ),
        ]

    def _check_all_blocked(self) -> None:
        """Cancel upstream once a choice is blocked and no choice is still being generated."""
        # checked after every event: the cheap test first (no choice finished yet)
        self.blocked_all = (
            bool(self._done)
            and self.any_blocked
            and len(self._guards) >= self.info.n
            and all(k in self._done for k in self._guards)
        )

    async def on_event(self, ev: SSEEvent) -> list[bytes]:
        data = ev.data
        if data == "[DONE]":
            ending = await self.on_end()
            if self.any_blocked and not self._tail_sent:
                return ending + self.blocked_tail()
            return [*ending, DONE]
        try:
            chunk = jsonutil.loads(data)
        except jsonutil.JSONDecodeError:
            return [encode_data(data, ev.event)]
        if isinstance(chunk, dict) and "error" in chunk and not chunk.get("choices"):
            self.upstream_error = "error"
            return [encode_data(data, ev.event)]
        if not isinstance(chunk, dict) or not isinstance(chunk.get("choices"), list):
            return [encode_data(data, ev.event)]
        for key in ("id", "object", "created", "model", "system_fingerprint", "service_tier"):
            if key in chunk:
                self._envelope[key] = chunk[key]
        if chunk.get("usage") is not None:
            self._usage_seen = True
        out: list[bytes] = []
        kept: list[Json] = []
        changed = False
        for choice in chunk["choices"]:
            if not isinstance(choice, dict):
                changed = True
                continue
            index = choice.get("index", 0)
            if not isinstance(index, int) or isinstance(index, bool) or index < 0:
                changed = True  # a choice we cannot place is not passed on unchecked
                continue
            key = str(index)
            if key in self._done:
                changed = True
                guard = self._guards.get(key)
                late = choice.get("delta")
                if guard is not None and not guard.blocked and isinstance(late, dict):
                    # after the finish: keep metadata (e.g. filter results), never new text
                    late.pop("content", None)
                    choice["logprobs"] = None
                    kept.append(choice)
                continue
            delta = choice.get("delta")
            if not isinstance(delta, dict):
                delta = choice["delta"] = {}
            content = delta.get("content")
            if content is not None and not isinstance(content, str):
                delta.pop("content")
                content = None
                changed = True
            guard = self._guard(key)
            if "logprobs" in choice and choice["logprobs"] is not None:
                choice["logprobs"] = None
                changed = True
            if isinstance(content, str) and content:
                step = await guard.feed(content, defer=self.defer_checks)
                if step.blocked:
                    changed = True
                    self._done.add(key)
                    out_text = step.released
                    if out_text:
                        out.append(
                            self._chunk(
                                [
                                    {
                                        "index": index,
                                        "delta": {"content": out_text},
                                        "logprobs": None,
                                        "finish_reason": None,
                                    }
                                ]
                            )
                        )
                    out.extend(self._block_events(index, step.block_message))
                    continue
                if step.text != content:
                    # released unchanged (passthrough mode, clean text): the upstream bytes
                    # are relayed as they came, without re-encoding the chunk
                    delta["content"] = step.text
                    changed = True
            held_tools = False
            legacy = delta.get("function_call")
            if self.tool_judge is not None and isinstance(delta.get("tool_calls"), list):
                held_tools = self._hold_tool_args(key, delta)
                changed = True
            if self.tool_judge is not None and isinstance(legacy, dict):
                held_tools = self._hold_function_call(key, delta, legacy) or held_tools
                changed = True
            if self.info.placeholders is not None and isinstance(delta.get("tool_calls"), list):
                changed |= self._restore_tool_args(key, delta["tool_calls"])
            if self.info.placeholders is not None and isinstance(delta.get("function_call"), dict):
                # the legacy single function call: slot -1 beside the tool call indices
                changed |= self._restore_tool_args(key, [{"index": -1, "function": legacy}])
            if delta.get("tool_calls") and guard.held_chars:
                step = await guard.finish()
                changed = True
                if step.blocked:
                    self._done.add(key)
                    out.extend(self._block_events(index, step.block_message))
                    continue
                delta["content"] = (delta.get("content") or "") + step.text
            if choice.get("finish_reason") is not None:
                self._done.add(key)
                if self.tool_judge is not None:
                    calls = await self._scan_tool_args(key)
                    changed = True
                    if calls is None:
                        out.extend(self._block_events(index, guard.block().block_message))
                        continue
                    _place_calls(delta, calls)
                rests = self._flush_tool_args(key)
                if rests:
                    changed = True
                    _place_calls(delta, rests)
                step = await guard.finish()
                changed = True
                if step.blocked:
                    if step.released:
                        out.append(
                            self._chunk(
                                [
                                    {
                                        "index": index,
                                        "delta": {"content": step.released},
                                        "logprobs": None,
                                        "finish_reason": None,
                                    }
                                ]
                            )
                        )
                    out.extend(self._block_events(index, step.block_message))
                    continue
                if step.text:
                    delta["content"] = (delta.get("content") or "") + step.text
            if held_tools and not delta and choice.get("finish_reason") is None:
                continue  # only argument text, held until the call is complete
            held = isinstance(content, str) and content and delta.get("content") == ""
            if held and len(delta) == 1 and choice.get("finish_reason") is None:
                continue  # the guard holds this text back and the delta carries nothing else
            kept.append(choice)
        self._check_all_blocked()
        if not changed:
            out.append(encode_data(data, ev.event))
            return out
        if kept or chunk.get("usage") is not None or not chunk.get("choices"):
            chunk["choices"] = kept
            out.append(encode_data(jsonutil.dumps_str(chunk), ev.event))
        return out

    def _restore_tool_args(self, key: str, calls: list[Any]) -> bool:
        """Restore prompt values in argument fragments; a token split across chunks waits."""
        changed = False
        assert self.info.placeholders is not None
        for call in calls:
            function = call.get("function") if isinstance(call, dict) else None
            if not isinstance(function, dict) or not isinstance(function.get("arguments"), str):
                continue
            slot = (key, call.get("index", 0))
            restorer = self._tool_args.get(slot)
            if restorer is None:
                restorer = self._tool_args[slot] = self.info.placeholders.streamer(json_string=True)
            fragment = function["arguments"]
            restored = restorer.feed(fragment)
            if restored != fragment:
                function["arguments"] = restored
                changed = True
        return changed

    def _hold_tool_args(self, key: str, delta: Json) -> bool:
        """Take argument fragments out of a delta (scan_tool_calls); keep ids and names."""
        kept = []
        for call in delta["tool_calls"]:
            function = call.get("function") if isinstance(call, dict) else None
            if isinstance(function, dict) and isinstance(function.get("arguments"), str):
                slot = (key, call.get("index", 0))
                self._held_args[slot] = self._held_args.get(slot, "") + function["arguments"]
                function["arguments"] = ""  # clients expect the key on a call's first delta
            names_something = isinstance(function, dict) and bool(set(function) - {"arguments"})
            if isinstance(call, dict) and (set(call) - {"index", "function"} or names_something):
                kept.append(call)
        if kept:
            delta["tool_calls"] = kept
        else:
            delta.pop("tool_calls")
        return True

    def _hold_function_call(self, key: str, delta: Json, function: Json) -> bool:
        """The legacy `function_call` delta's arguments, held like a tool call's (slot -1)."""
        if isinstance(function.get("arguments"), str):
            slot = (key, -1)
            self._held_args[slot] = self._held_args.get(slot, "") + function["arguments"]
            function["arguments"] = ""
        if set(function) <= {"arguments"}:
            delta.pop("function_call")
        return True

    async def _scan_tool_args(self, key: str) -> list[Json] | None:
        """A choice's held arguments, checked: deltas carrying them whole, None if blocked."""
        assert self.tool_judge is not None
        calls: list[Json] = []
        blocked = False
        for slot in [s for s in self._held_args if s[0] == key]:
            scanned = await scan_arguments(self._held_args.pop(slot), self.tool_judge)
            name = "function_call" if slot[1] == -1 else f"tool[{slot[1]}]"
            self.tool_scans.append(ToolScan(key, f"{key}.{name}", scanned))
            blocked = blocked or scanned.blocked
            text = scanned.text
            if self.info.placeholders is not None:
                text = self.info.placeholders.restore_arguments(text)
            calls.append({"index": slot[1], "function": {"arguments": text}})
        return None if blocked else calls

    def _flush_tool_args(self, key: str) -> list[Json]:
        """Argument text still held for a choice's tool calls, as tool_calls deltas."""
        rests = []
        for slot in [s for s in self._tool_args if s[0] == key]:
            rest = self._tool_args.pop(slot).flush()
            if rest:
                rests.append({"index": slot[1], "function": {"arguments": rest}})
        return rests

    def _content(self, index: int, text: str) -> bytes:
        return self._chunk(
            [{"index": index, "delta": {"content": text}, "logprobs": None, "finish_reason": None}]
        )

    async def flush(self) -> list[bytes]:
        out: list[bytes] = []
        for key, guard in self._guards.items():
            if key in self._done:
                continue
            step = await guard.pump()
            index = int(key)
            if step.blocked:
                self._done.add(key)
                if step.released:
                    out.append(self._content(index, step.released))
                out.extend(self._block_events(index, step.block_message))
            elif step.text:
                out.append(self._content(index, step.text))
        self._check_all_blocked()
        return out

    async def on_end(self) -> list[bytes]:
        out: list[bytes] = []
        for key, guard in self._guards.items():
            if key in self._done:
                continue
            self._done.add(key)
            index = int(key)
            # an upstream that ended without a finish reason: arguments still held go out
            calls = await self._scan_tool_args(key) if self.tool_judge is not None else []
            if calls is None:
                out.extend(self._block_events(index, guard.block().block_message))
                continue
            calls += self._flush_tool_args(key)
            if calls:
                delta: Json = {}
                _place_calls(delta, calls)
                out.append(
                    self._chunk(
                        [{"index": index, "delta": delta, "logprobs": None, "finish_reason": None}]
                    )
                )
            step = await guard.finish()
            if step.blocked:
                if step.released:
                    out.append(
                        self._chunk(
                            [
                                {
                                    "index": index,
                                    "delta": {"content": step.released},
                                    "logprobs": None,
                                    "finish_reason": None,
                                }
                            ]
                        )
                    )
                out.extend(self._block_events(index, step.block_message))
            elif step.text:
                out.append(
                    self._chunk(
                        [
                            {
                                "index": index,
                                "delta": {"content": step.text},
                                "logprobs": None,
                                "finish_reason": None,
                            }
                        ]
                    )
                )
        return out

    def blocked_tail(self) -> list[bytes]:
        if self._tail_sent:
            return []
        self._tail_sent = True
        out: list[bytes] = []
        if self.info.include_usage and not self._usage_seen:
            # the upstream was cut off before it reported usage; say so with zeros
            usage = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
            out.append(self._chunk([], usage))
        out.append(DONE)
        return out

    def error_event(self, message: str, code: str) -> bytes:
        body = {"error": {"message": message, "type": "api_error", "param": None, "code": code}}
        return encode_data(jsonutil.dumps_str(body))
