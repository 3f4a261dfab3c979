"""Server-Sent Events codec, following the WHATWG event-stream parsing rules.

The decoder is fed raw network reads of any size and returns complete events. It splits
lines on bytes: CR and LF never occur inside a UTF-8 multi-byte sequence, so a character
cut in two by a read is whole again by the time its line is complete and decoded. This
keeps the hot path to a few bytes methods per read and gives exact byte counts for the
size limit.

Two deliberate differences from a browser's ``EventSource``:

- ``id`` and ``retry`` are reported on the event whose lines carried them and are not
  carried forward to later events: the proxy re-emits events as they came.
- ``close()`` dispatches a final event that has data but lacks its blank line, since an
  upstream that ends its stream this way still meant the event.
"""

from __future__ import annotations

from dataclasses import dataclass

from guardproxy.errors import GuardProxyError

__all__ = ["SSEDecoder", "SSEError", "SSEEvent", "encode_data", "encode_event"]

_BOM = b"\xef\xbb\xbf"
_DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024


@dataclass(slots=True)
class SSEEvent:
    """One dispatched event.

    ``data`` is the event's ``data:`` lines joined with ``"\\n"``; ``event`` is the
    ``event:`` field (``None`` when absent or empty, which the spec treats as
    ``"message"``); ``id`` and ``retry`` are those given in this event's own lines.
    """

    data: str
    event: str | None = None
    id: str | None = None
    retry: int | None = None


class SSEError(GuardProxyError):
    """The byte stream is not a usable event stream (event too large, invalid UTF-8)."""


class SSEDecoder:
    """Incremental event-stream decoder; one instance per stream."""

    __slots__ = (
        "_buf",
        "_cr",
        "_data",
        "_event",
        "_id",
        "_max",
        "_retry",
        "_size",
        "_started",
    )

    def __init__(self, max_event_bytes: int = _DEFAULT_MAX_EVENT_BYTES) -> None:
        if max_event_bytes <= 0:
            raise ValueError("max_event_bytes must be positive")
        self._max = max_event_bytes
        self._reset_stream()

    def _reset_stream(self) -> None:
        self._buf = b""  # an unterminated line (or, before _started, a possible BOM prefix)
        self._cr = False  # the last byte seen ended a line with CR; a following LF is ignored
        self._started = False  # the BOM question has been settled
        self._reset_event()

    def _reset_event(self) -> None:
        self._data: list[str] = []
        self._event: str | None = None
        self._id: str | None = None
        self._retry: int | None = None
        self._size = 0  # bytes of the lines of the event being built

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        """Consume one read; return the events it completed, in order."""
        if not chunk:
            return []
        if self._cr:
            self._cr = False
            if chunk[0] == 0x0A:
                chunk = chunk[1:]
                if not chunk:
                    return []
        data = self._buf + chunk if self._buf else chunk
        if not self._started:
            if len(data) < len(_BOM) and _BOM.startswith(data):
                self._buf = data
                return []
            self._started = True
            if data.startswith(_BOM):
                data = data[len(_BOM) :]
        if b"\r" in data:
            self._cr = data[-1] == 0x0D
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = data.split(b"\n")
        self._buf = lines.pop()
        out = self._process(lines) if lines else []
        if len(self._buf) + self._size > self._max:
            raise self._too_big(len(self._buf) + self._size)
        return out

    def close(self) -> list[SSEEvent]:
        """End of stream: return the last event if it lacked its blank line.

        Raises SSEError when the stream ends inside a UTF-8 sequence. The decoder is
        ready for a new stream afterwards.
        """
        tail = self._buf
        truncated = not self._started and bool(tail)
        if not truncated and tail:
            try:
                tail.decode("utf-8")
            except UnicodeDecodeError:
                truncated = True
        if truncated:
            self._reset_stream()
            raise SSEError("event stream ended inside a UTF-8 sequence")
        try:
            out = self._process([tail, b""] if tail else [b""])
        finally:
            self._reset_stream()
        return out

    def _process(self, lines: list[bytes]) -> list[SSEEvent]:
        out: list[SSEEvent] = []
        data = self._data
        size = self._size
        limit = self._max
        for line in lines:
            if not line:
                if data:
                    out.append(SSEEvent("\n".join(data), self._event, self._id, self._retry))
                    data = []
                self._event = self._id = self._retry = None
                size = 0
                continue
            size += len(line) + 1
            if size > limit:
                self._data = data
                self._size = size
                raise self._too_big(size)
            if line.startswith(b"data:"):
                value = line[6:] if line[5:6] == b" " else line[5:]
                data.append(_decode(value))
                continue
            if line[0] == 0x3A:  # ":" starts a comment
                continue
            name, sep, value = line.partition(b":")
            if sep and value[:1] == b" ":
                value = value[1:]
            if name == b"data":  # "data" with no colon: an empty data line
                data.append("")
            elif name == b"event":
                self._event = _decode(value) or None
            elif name == b"id" and b"\x00" not in value:
                self._id = _decode(value)
            elif name == b"retry" and value.isdigit():
                self._retry = int(value)
            # any other field name is ignored, as the spec says
        self._data = data
        self._size = size
        return out

    def _too_big(self, size: int) -> SSEError:
        return SSEError(
            f"SSE event of at least {size} bytes exceeds the limit of {self._max} bytes"
        )


def _decode(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SSEError(f"invalid UTF-8 in event stream at byte {exc.start} of a line") from exc


def encode_event(ev: SSEEvent) -> bytes:
    """Frame one event: optional ``event``/``id``/``retry``, one ``data:`` line per line."""
    parts: list[str] = []
    if ev.event:
        _check_single_line("event", ev.event)
        parts.append(f"event: {ev.event}\n")
    if ev.id is not None:
        _check_single_line("id", ev.id)
        if "\x00" in ev.id:
            raise ValueError("SSE id must not contain NUL")
        parts.append(f"id: {ev.id}\n")
    if ev.retry is not None:
        if ev.retry < 0:
            raise ValueError("SSE retry must not be negative")
        parts.append(f"retry: {ev.retry}\n")
    data = ev.data
    if "\r" in data:
        data = data.replace("\r\n", "\n").replace("\r", "\n")
    for line in data.split("\n"):
        parts.append(f"data: {line}\n")
    parts.append("\n")
    return "".join(parts).encode("utf-8")


def encode_data(data: str, event: str | None = None) -> bytes:
    """Frame a single-line ``data`` (such as compact JSON) with an optional event name."""
    if "\n" in data or "\r" in data or (event and ("\n" in event or "\r" in event)):
        return encode_event(SSEEvent(data, event))
    if event:
        return f"event: {event}\ndata: {data}\n\n".encode()
    return f"data: {data}\n\n".encode()


def _check_single_line(field: str, value: str) -> None:
    if "\n" in value or "\r" in value:
        raise ValueError(f"SSE {field} must be a single line")
