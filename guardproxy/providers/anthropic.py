"""Anthropic Messages: request context, text blocks, refusal semantics, the event sequence."""

from __future__ import annotations

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


def _content_slots(container: Json, key: str, role: str) -> list[TextSlot]:
    content = container.get(key)
    if isinstance(content, str):
        return [TextSlot(container, key, role)]
    slots: list[TextSlot] = []
    if isinstance(content, list):
        for block in content:
            if not isinstance(block, dict):
                continue
            if block.get("type") == "text" and isinstance(block.get("text"), str):
                slots.append(TextSlot(block, "text", role))
            elif block.get("type") == "tool_result":
                slots.extend(_content_slots(block, "content", "tool"))
    return slots


def _event(name: str, payload: Json) -> bytes:
    return encode_data(jsonutil.dumps_str(payload), name)


class AnthropicProvider(Provider):
    name = "anthropic"

    def parse_request(self, body: Json) -> RequestInfo:
        had_guard_object = "guardproxy" in body
        sources = parse_guard_object(body)
        slots: list[TextSlot] = []
        if "system" in body:
            slots.extend(_content_slots(body, "system", "system"))
        for msg in body.get("messages") or []:
            if isinstance(msg, dict):
                slots.extend(_content_slots(msg, "content", str(msg.get("role", "user"))))
        model = body.get("model")
        return RequestInfo(
            model=model if isinstance(model, str) else None,
            stream=body.get("stream") is True,
            messages=tuple(s.text for s in slots),
            sources=sources,
            input_slots=slots,
            prior_answers=count_assistant(body.get("messages")),
            had_guard_object=had_guard_object,
            conversation=body.get("messages"),
            system=body.get("system"),
        )

    def output_texts(self, body: Json) -> list[OutputText]:
        out = []
        for i, block in enumerate(body.get("content") or []):
            if isinstance(block, dict) and block.get("type") == "text":
                out.append(OutputText(str(i), str(block.get("text", ""))))
        return out

    async def scan_tool_calls(self, body: Json, judge: Judge) -> list[ToolScan]:
        found: list[ToolScan] = []
        for i, block in enumerate(body.get("content") or []):
            if not (isinstance(block, dict) and block.get("type") == "tool_use"):
                continue
            scanned = await scan_arguments(
                jsonutil.dumps_str(block.get("input")) if "input" in block else "{}", judge
            )
            if not scanned.blocked and scanned.values:
                block["input"] = jsonutil.loads(scanned.text)
            found.append(ToolScan(str(i), f"{i}.tool", scanned))
        return found

    def restore_tool_calls(self, body: Json, placeholders: Placeholders) -> None:
        for block in body.get("content") or []:
            if isinstance(block, dict) and block.get("type") == "tool_use" and "input" in block:
                block["input"] = placeholders.restore_json(block["input"])

    def apply_output(self, body: Json, verdicts: dict[str, Verdict], block_message: str) -> None:
        if any(v.blocked for v in verdicts.values()):
            body["content"] = [{"type": "text", "text": block_message}]
            body["stop_reason"] = "refusal"
            body["stop_sequence"] = None
            return
        for i, block in enumerate(body.get("content") or []):
            verdict = verdicts.get(str(i))
            if verdict is not None:
                block["text"] = verdict.text
                # citations point at character ranges of the original text
                if verdict.findings and block.get("citations"):
                    block["citations"] = None

    def error_body(self, status: int, message: str, code: str, request_id: str) -> Json:
        kinds = {
            400: "invalid_request_error",
            401: "authentication_error",
            403: "permission_error",
            404: "not_found_error",
            413: "request_too_large",
            429: "rate_limit_error",
            504: "timeout_error",
        }
        kind = kinds.get(status, "api_error" if status >= 500 else "invalid_request_error")
        return {
            "type": "error",
            "error": {"type": kind, "message": f"{message} (request id {request_id})"},
            "request_id": request_id,
        }

    def stream_translator(self, info: RequestInfo, guard_for: GuardFactory) -> StreamTranslator:
        return AnthropicStream(info, guard_for)

    def stream_recorder(self) -> StreamRecorder:
        return AnthropicRecorder()


class AnthropicRecorder(StreamRecorder):
    """Text blocks' text, keyed by content block index as AnthropicStream keys them."""

    def on_event(self, ev: SSEEvent) -> bool:
        name = ev.event
        if name == "message_stop":
            return True
        if name == "error":
            self.upstream_error = "error"
            return True
        if name != "content_block_start" and name != "content_block_delta":
            return False
        try:
            payload = jsonutil.loads(ev.data)
        except jsonutil.JSONDecodeError:
            return False
        if not isinstance(payload, dict):
            return False
        key = unit_key(payload.get("index", 0))
        if name == "content_block_start":
            block = payload.get("content_block")
            if isinstance(block, dict) and block.get("type") == "text":
                self._texts.pop(key, None)  # a block started again starts afresh
                self._add(key, content_text(block.get("text")))
            return False
        delta = payload.get("delta")
        if key in self._texts and isinstance(delta, dict) and delta.get("type") == "text_delta":
            self._add(key, content_text(delta.get("text")))
        return False


class AnthropicStream(StreamTranslator):
    """Guards text blocks' deltas; every other event passes in its original order."""

    def __init__(self, info: RequestInfo, guard_for: GuardFactory) -> None:
        self.info = info
        self._guard_for = guard_for
        self._guards: dict[str, StreamGuard] = {}
        self.tool_scans: list[ToolScan] = []
        self._open: int | None = None
        self._last_index = -1
        self._output_tokens = 0
        self._ended = False
        self._tool_inputs: dict[int, StreamRestorer] = {}
        self._held_inputs: dict[int, str] = {}
        """tool_use input held until the block stops (scan_tool_calls)."""
        """tool_use blocks' partial JSON, when the prompt's values were replaced by tokens."""

    @property
    def guards(self) -> dict[str, StreamGuard]:
        return self._guards

    def _refusal(self, message: str, open_index: int | None) -> list[bytes]:
        out: list[bytes] = []
        if open_index is not None:
            out.append(
                _event("content_block_stop", {"type": "content_block_stop", "index": open_index})
            )
        index = self._last_index + 1
        out += [
            _event(
                "content_block_start",
                {
                    "type": "content_block_start",
                    "index": index,
                    "content_block": {"type": "text", "text": ""},
                },
            ),
            _event(
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": index,
                    "delta": {"type": "text_delta", "text": message},
                },
            ),
            _event("content_block_stop", {"type": "content_block_stop", "index": index}),
        ]
        self.blocked_all = True
        self._open = None
        return out

    def blocked_tail(self) -> list[bytes]:
        if self._ended:
            return []
        self._ended = True
        return [
            _event(
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": "refusal", "stop_sequence": None},
                    "usage": {"output_tokens": self._output_tokens},
                },
            ),
            _event("message_stop", {"type": "message_stop"}),
        ]

    def _delta(self, index: int, text: str) -> bytes:
        return _event(
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": index,
                "delta": {"type": "text_delta", "text": text},
            },
        )

    async def on_event(self, ev: SSEEvent) -> list[bytes]:
        if self.blocked_all:
            return []
        name = ev.event
        if name == "error":
            self.upstream_error = "error"
            return [encode_data(ev.data, name)]
        if name not in (
            "content_block_start",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
        ):
            return [encode_data(ev.data, name)]
        # content events must be understood before they pass: a malformed one raises and
        # the relay ends the stream with an error instead of relaying unchecked text
        payload = jsonutil.loads(ev.data)
        if not isinstance(payload, dict):
            raise ValueError(f"{name} event is not a JSON object")
        if name == "message_delta":
            usage = payload.get("usage") or {}
            if isinstance(usage.get("output_tokens"), int):
                self._output_tokens = usage["output_tokens"]
            return [encode_data(ev.data, name)]
        index = payload.get("index", 0)
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise ValueError(f"{name} event has no usable index")
        key = str(index)
        if name == "content_block_start":
            self._last_index = max(self._last_index, index)
            block = payload.get("content_block") or {}
            if block.get("type") != "text":
                if block.get("type") == "tool_use" and self.tool_judge is not None:
                    self._held_inputs[index] = ""
                elif block.get("type") == "tool_use" and self.info.placeholders:
                    self._tool_inputs[index] = self.info.placeholders.streamer(json_string=True)
                return [encode_data(ev.data, name)]
            self._open = index
            new_guard = self._guards[key] = self._guard_for(key)
            initial = block.get("text") or ""
            if not initial:
                return [encode_data(ev.data, name)]
            block["text"] = ""
            out = [_event(name, payload)]
            step = await new_guard.feed(initial)
            if step.blocked:
                return out + self._refusal(self._message(), index)
            return out + ([self._delta(index, step.text)] if step.text else [])
        guard = self._guards.get(key)
        if guard is None and index in self._held_inputs:
            return await self._held_input_event(name, payload, index, ev)
        if guard is None:
            restorer = self._tool_inputs.get(index)
            if restorer is not None:
                return self._tool_input_event(name, payload, index, restorer, ev)
            return [encode_data(ev.data, name)]
        if name == "content_block_delta":
            delta = payload.get("delta") or {}
            if delta.get("type") != "text_delta":
                return [encode_data(ev.data, name)]
            step = await guard.feed(delta.get("text") or "", defer=self.defer_checks)
            if step.blocked:
                out = [self._delta(index, step.released)] if step.released else []
                return out + self._refusal(self._message(), index)
            return [self._delta(index, step.text)] if step.text else []
        # content_block_stop of a text block: release what is held first
        step = await guard.finish()
        self._open = None
        if step.blocked:
            out = [self._delta(index, step.released)] if step.released else []
            return out + self._refusal(self._message(), index)
        out = [self._delta(index, step.text)] if step.text else []
        return [*out, encode_data(ev.data, name)]

    async def _held_input_event(
        self, name: str, payload: Json, index: int, ev: SSEEvent
    ) -> list[bytes]:
        """scan_tool_calls: gather a tool_use block's input, check it whole at its stop."""
        assert self.tool_judge is not None
        if name == "content_block_delta":
            delta = payload.get("delta") or {}
            partial = delta.get("partial_json")
            if delta.get("type") == "input_json_delta" and isinstance(partial, str):
                self._held_inputs[index] += partial
                return []
            return [encode_data(ev.data, name)]
        held = self._held_inputs.pop(index) or "{}"
        scanned = await scan_arguments(held, self.tool_judge)
        self.tool_scans.append(ToolScan(str(index), f"{index}.tool", scanned))
        if scanned.blocked:
            # the record shows the block on the answer's text, as a block found in it would
            text_guards = [g for g in self._guards.values() if not g.blocked]
            if text_guards:
                text_guards[-1].block()
            return self._refusal(self.block_message, index)
        text = scanned.text
        if self.info.placeholders is not None:
            text = self.info.placeholders.restore_arguments(text)
        return [self._json_delta(index, text), encode_data(ev.data, name)]

    def _tool_input_event(
        self, name: str, payload: Json, index: int, restorer: StreamRestorer, ev: SSEEvent
    ) -> list[bytes]:
        """Put prompt values back into a tool_use block's streamed JSON input."""
        if name == "content_block_stop":
            del self._tool_inputs[index]
            rest = restorer.flush()
            out = [self._json_delta(index, rest)] if rest else []
            return [*out, encode_data(ev.data, name)]
        delta = payload.get("delta") or {}
        partial = delta.get("partial_json")
        if delta.get("type") != "input_json_delta" or not isinstance(partial, str):
            return [encode_data(ev.data, name)]
        restored = restorer.feed(partial)
        if restored == partial:
            return [encode_data(ev.data, name)]
        return [self._json_delta(index, restored)] if restored else []

    def _json_delta(self, index: int, partial: str) -> bytes:
        return _event(
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": index,
                "delta": {"type": "input_json_delta", "partial_json": partial},
            },
        )

    def _message(self) -> str:
        guard = next(iter(self._guards.values()))
        return guard.policy.messages.output_blocked

    async def flush(self) -> list[bytes]:
        out: list[bytes] = []
        if self.blocked_all:
            return out
        for key, guard in self._guards.items():
            if guard.finished or guard.blocked:
                continue
            step = await guard.pump()
            index = int(key)
            if step.blocked:
                if step.released:
                    out.append(self._delta(index, step.released))
                return out + self._refusal(self._message(), index)
            if step.text:
                out.append(self._delta(index, step.text))
        return out

    async def on_end(self) -> list[bytes]:
        out: list[bytes] = []
        for key, guard in self._guards.items():
            if guard.finished:
                continue
            step = await guard.finish()
            if step.blocked:
                return out + self._refusal(self._message(), self._open) + self.blocked_tail()
            if step.text:
                out.append(self._delta(int(key), step.text))
        return out

    def error_event(self, message: str, code: str) -> bytes:
        return _event(
            "error", {"type": "error", "error": {"type": "api_error", "message": message}}
        )
