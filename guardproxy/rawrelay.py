"""Byte-exact relay of an upstream event stream that no check reads.

A policy without output checks has nothing to change in a stream, so its bytes can reach
the client as the upstream wrote them: ids, comments, ``logprobs`` and field order
included. Two things still need the events themselves: the decision record (each
answer's text, for its digests) and the stream's end, which is held back until the
record is written, so that an answer whose record failed under ``audit_on_error:
fail_closed`` ends in an error event instead of its normal terminal event.

``RawFramer`` keeps the bytes; the ``SSEDecoder`` beside it reads the same bytes into
events. Only whole events are forwarded, so an error event the proxy adds later can
never be glued to half an upstream event.

Streams that use CR line endings (allowed by the event-stream format, used by no
mainstream LLM API) switch to framed mode at their first CR: from there on each event is
re-encoded with ``encode_event``, keeping its ``event``, ``id`` and ``retry`` fields.
"""

from __future__ import annotations

from collections.abc import Sequence

from guardproxy.sse import SSEEvent, encode_event

__all__ = ["RawFramer", "dispatching_start"]

_BOUNDARY = b"\n\n"
_BOM = b"\xef\xbb\xbf"


def _dispatches(segment: bytes) -> bool:
    """Whether the lines of one blank-line-delimited segment dispatch an event.

    An event is dispatched at a blank line when its data buffer is not empty, which is
    exactly when one of its lines is a ``data`` field (``data`` alone or ``data:...``).
    """
    if b"data" not in segment:
        return False
    return any(line == b"data" or line.startswith(b"data:") for line in segment.split(b"\n"))


def dispatching_start(raw: bytes, nth_from_end: int, closed: bool, stream_start: bool) -> int:
    """Offset in ``raw`` (LF line endings) where the ``nth_from_end`` dispatched event starts.

    ``raw`` begins at an event boundary (``stream_start``: at the stream's first byte,
    where a byte order mark is skipped as the decoder skips it). Counting runs from the
    last event (0) backwards over the segments between blank lines; an unterminated last
    segment counts only once the stream is ``closed`` (the decoder dispatches it then).
    Returns -1 when there are fewer events than that.
    """
    end = len(raw)
    if not closed:
        end = raw.rfind(_BOUNDARY)
        if end < 0:
            return -1
    need = nth_from_end + 1
    while True:
        boundary = raw.rfind(_BOUNDARY, 0, end)
        start = 0 if boundary < 0 else boundary + len(_BOUNDARY)
        segment = raw[start:end]
        if start == 0 and stream_start and segment.startswith(_BOM):
            segment = segment[len(_BOM) :]
        if _dispatches(segment):
            need -= 1
            if need == 0:
                return start
        if boundary < 0:
            return -1
        end = boundary


class RawFramer:
    """Splits upstream reads into bytes that may go to the client now and bytes held.

    Feed it each read together with the events the decoder dispatched from that read;
    ``release`` gives the bytes of every whole event so far. ``hold_from(i)`` says the
    ``i``-th event of the last read ends the stream: its bytes are kept for the end, to be
    sent once the decision is recorded, and whatever follows it is dropped (the stream
    ends there, as it does when the events are re-encoded).
    """

    __slots__ = ("_at_start", "_closed", "_count", "_events", "_framed", "_pending", "_scanned")

    def __init__(self) -> None:
        self._pending = bytearray()  # raw bytes read and not yet released
        self._scanned = 0  # _pending[:_scanned] holds no event boundary
        self._at_start = True  # nothing released yet: _pending starts the stream
        self._framed = False  # a CR was seen: events are re-encoded from here on
        self._closed = False  # the stream ended (the last feed was empty)
        self._count = 0  # events dispatched by the last read
        self._events: Sequence[SSEEvent] = ()

    def feed(self, chunk: bytes, events: Sequence[SSEEvent]) -> None:
        """One read (empty at the end of the stream) and the events it dispatched."""
        self._count = len(events)
        self._closed = not chunk
        if not self._framed and b"\r" in chunk:
            # the decoder holds the partial event these bytes began; it is re-encoded
            # when it completes, like every event after it
            self._framed = True
            self._pending.clear()
        if self._framed:
            self._events = events
        else:
            self._pending += chunk

    def release(self) -> bytes:
        """The bytes of the whole events read so far, not yet released."""
        if self._framed:
            out = b"".join(encode_event(ev) for ev in self._events)
            self._events = ()
            return out
        pending = self._pending
        # only the bytes since the last search can hold a new boundary (one byte back, for
        # a boundary split between two reads): a long event costs linear time, not more
        cut = pending.rfind(_BOUNDARY, max(self._scanned - 1, 0))
        if cut < 0:
            self._scanned = len(pending)
            return b""
        cut += len(_BOUNDARY)
        out = bytes(pending[:cut])
        del pending[:cut]
        self._scanned = 0
        self._at_start = False
        return out

    def hold_from(self, index: int) -> tuple[bytes, bytes]:
        """(bytes to send now, the terminal event) when event ``index`` of the last read
        ends the stream. The held event is closed by its blank line even if the stream
        ended without one, so that a client dispatches it.
        """
        if self._framed:
            events, self._events = self._events, ()
            now = b"".join(encode_event(ev) for ev in events[:index])
            return now, encode_event(events[index]) if index < len(events) else b""
        pending = bytes(self._pending)
        self._pending.clear()
        # The terminal event is nearly always the last of its read, so the scan runs from
        # the end. The decoder and this scan read the same bytes, so the counts agree; if
        # they did not, holding everything (and sending it whole) is the safe side.
        after = self._count - 1 - index
        cut = dispatching_start(pending, after, self._closed, self._at_start)
        if cut < 0:
            return b"", _closed_event(pending)
        end = pending.find(_BOUNDARY, cut)
        if end < 0:
            return pending[:cut], _closed_event(pending[cut:])
        return pending[:cut], pending[cut : end + len(_BOUNDARY)]

    def rest(self) -> bytes:
        """At the end of the stream: what is left, closed as a whole event.

        The decoder dispatches a final event that lacks its blank line, so the client
        gets that blank line too; anything the proxy sends after it stays separate.
        """
        if self._framed:
            return self.release()
        pending = bytes(self._pending)
        self._pending.clear()
        if not pending.strip(b"\n"):
            return pending
        return _closed_event(pending)


def _closed_event(raw: bytes) -> bytes:
    """``raw`` ending in a blank line (nothing added when it already does)."""
    if raw.endswith(_BOUNDARY):
        return raw
    return raw + (b"\n" if raw.endswith(b"\n") else _BOUNDARY)
