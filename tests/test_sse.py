from __future__ import annotations

import json

import pytest

from guardproxy.sse import SSEDecoder, SSEError, SSEEvent, encode_data, encode_event


def decode_all(*chunks: bytes, max_event_bytes: int = 8 * 1024 * 1024) -> list[SSEEvent]:
    decoder = SSEDecoder(max_event_bytes=max_event_bytes)
    events: list[SSEEvent] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    events.extend(decoder.close())
    return events


def chunked(raw: bytes, size: int) -> list[bytes]:
    return [raw[i : i + size] for i in range(0, len(raw), size)]


def _openai_stream() -> bytes:
    base = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-4o-mini",
    }
    deltas: list[dict[str, object]] = [
        {"role": "assistant", "content": ""},
        {"content": "Héllo, "},
        {"content": "世界 🌍 "},
        {"content": "Jane Doe, jane.doe@example.com"},
    ]
    out = [
        encode_data(
            json.dumps(
                {**base, "choices": [{"index": 0, "delta": d, "finish_reason": None}]},
                ensure_ascii=False,
            )
        )
        for d in deltas
    ]
    out.append(b": keep-alive\n\n")
    out.append(
        encode_data(
            json.dumps({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        )
    )
    out.append(encode_data("[DONE]"))
    return b"".join(out)


def _anthropic_stream() -> bytes:
    events: list[tuple[str, dict[str, object]]] = [
        (
            "message_start",
            {
                "type": "message_start",
                "message": {"id": "msg_1", "content": [], "usage": {"input_tokens": 3}},
            },
        ),
        ("content_block_start", {"type": "content_block_start", "index": 0}),
        ("ping", {"type": "ping"}),
        (
            "content_block_delta",
            {"type": "content_block_delta", "delta": {"type": "text_delta", "text": "Grüße 🙂"}},
        ),
        (
            "content_block_delta",
            {"type": "content_block_delta", "delta": {"type": "text_delta", "text": " 日本語"}},
        ),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn"}}),
        ("message_stop", {"type": "message_stop"}),
    ]
    return b"".join(
        encode_data(json.dumps(body, ensure_ascii=False), event=name) for name, body in events
    )


OPENAI_STREAM = _openai_stream()
ANTHROPIC_STREAM = _anthropic_stream()
STREAMS = {
    "openai": OPENAI_STREAM,
    "anthropic": ANTHROPIC_STREAM,
    "openai-crlf": OPENAI_STREAM.replace(b"\n", b"\r\n"),
    "anthropic-cr": ANTHROPIC_STREAM.replace(b"\n", b"\r"),
    "anthropic-bom-crlf": b"\xef\xbb\xbf" + ANTHROPIC_STREAM.replace(b"\n", b"\r\n"),
}


def test_realistic_streams_decode() -> None:
    openai_events = decode_all(OPENAI_STREAM)
    assert [e.event for e in openai_events] == [None] * 6
    assert openai_events[-1].data == "[DONE]"
    text = "".join(
        json.loads(e.data)["choices"][0]["delta"].get("content", "") for e in openai_events[:-1]
    )
    assert text == "Héllo, 世界 🌍 Jane Doe, jane.doe@example.com"

    anthropic_events = decode_all(ANTHROPIC_STREAM)
    assert [e.event for e in anthropic_events] == [
        "message_start",
        "content_block_start",
        "ping",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    assert all(json.loads(e.data)["type"] == e.event for e in anthropic_events)


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_split_at_every_offset_gives_identical_events(name: str) -> None:
    raw = STREAMS[name]
    expected = decode_all(raw)
    assert len(expected) in (6, 8)
    for cut in range(len(raw) + 1):
        assert decode_all(raw[:cut], raw[cut:]) == expected, f"cut at byte {cut}"


@pytest.mark.parametrize("name", sorted(STREAMS))
@pytest.mark.parametrize("size", [1, 3, 7])
def test_fixed_size_chunks_give_identical_events(name: str, size: int) -> None:
    raw = STREAMS[name]
    assert decode_all(*chunked(raw, size)) == decode_all(raw)


def test_events_come_out_as_soon_as_complete() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n") == []
    assert decoder.feed(b"\ndata: b\n\ndata: c\n\nda") == [
        SSEEvent("a"),
        SSEEvent("b"),
        SSEEvent("c"),
    ]
    assert decoder.feed(b"ta: d\n\n") == [SSEEvent("d")]
    assert decoder.close() == []


def test_cr_ending_dispatches_without_waiting_for_next_read() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r\r") == [SSEEvent("a")]
    # the LF that completes the CRLF arrives in the next read and is not a blank line
    assert decoder.feed(b"\ndata: b\r") == []
    assert decoder.feed(b"\n") == []
    assert decoder.feed(b"\r\n") == [SSEEvent("b")]


FRAMING_CASES: list[tuple[str, list[bytes], list[SSEEvent]]] = [
    ("lf", [b"data: a\n\n"], [SSEEvent("a")]),
    ("crlf", [b"data: a\r\n\r\n"], [SSEEvent("a")]),
    ("cr", [b"data: a\r\r"], [SSEEvent("a")]),
    ("mixed endings", [b"data: a\r\ndata: b\rdata: c\n\r\n"], [SSEEvent("a\nb\nc")]),
    ("crlf split between reads", [b"data: a\r", b"\n\r", b"\n"], [SSEEvent("a")]),
    ("crlf split twice", [b"data: a\r", b"\n", b"\r", b"\n"], [SSEEvent("a")]),
    ("cr then cr across reads is a blank line", [b"data: a\r", b"\r"], [SSEEvent("a")]),
    (
        "several events in one read",
        [b"data: 1\n\ndata: 2\n\ndata: 3\n\n"],
        [
            SSEEvent("1"),
            SSEEvent("2"),
            SSEEvent("3"),
        ],
    ),
    ("comment ignored", [b": hello\ndata: a\n:\n\n"], [SSEEvent("a")]),
    ("comment-only block not dispatched", [b": ping\n\ndata: a\n\n"], [SSEEvent("a")]),
    ("multi-line data", [b"data: a\ndata: b\ndata:\ndata: c\n\n"], [SSEEvent("a\nb\n\nc")]),
    ("no space after colon", [b"data:a\n\n"], [SSEEvent("a")]),
    ("only one leading space removed", [b"data:  a \n\n"], [SSEEvent(" a ")]),
    ("data without colon is an empty line", [b"data\ndata\n\n"], [SSEEvent("\n")]),
    ("empty data is still an event", [b"data:\n\n"], [SSEEvent("")]),
    ("event without colon is the default", [b"event\ndata: a\n\n"], [SSEEvent("a")]),
    ("event name", [b"event: delta\ndata: a\n\n"], [SSEEvent("a", event="delta")]),
    ("event name without space", [b"event:delta\ndata: a\n\n"], [SSEEvent("a", event="delta")]),
    (
        "event name reset after dispatch",
        [b"event: x\ndata: a\n\ndata: b\n\n"],
        [
            SSEEvent("a", event="x"),
            SSEEvent("b"),
        ],
    ),
    ("event name dropped with a data-less block", [b"event: x\n\ndata: b\n\n"], [SSEEvent("b")]),
    ("unknown field ignored", [b"foo: bar\ndata: a\nbaz\n\n"], [SSEEvent("a")]),
    ("field names are case-sensitive", [b"Data: a\ndata: b\n\n"], [SSEEvent("b")]),
    ("id and retry", [b"id: 7\nretry: 1500\ndata: a\n\n"], [SSEEvent("a", id="7", retry=1500)]),
    ("empty id", [b"id\ndata: a\n\n"], [SSEEvent("a", id="")]),
    ("id with NUL ignored", [b"id: a\x00b\ndata: a\n\n"], [SSEEvent("a")]),
    ("non-numeric retry ignored", [b"retry: 1.5\nretry: -1\nretry\ndata: a\n\n"], [SSEEvent("a")]),
    (
        "id not carried to the next event",
        [b"id: 1\ndata: a\n\ndata: b\n\n"],
        [
            SSEEvent("a", id="1"),
            SSEEvent("b"),
        ],
    ),
    ("no data lines, not dispatched", [b"event: ping\nid: 3\nretry: 9\n\n"], []),
    ("bom stripped", [b"\xef\xbb\xbfdata: a\n\n"], [SSEEvent("a")]),
    ("bom split across reads", [b"\xef", b"\xbb", b"\xbf", b"data: a\n\n"], [SSEEvent("a")]),
    (
        "only the first bom stripped",
        [b"\xef\xbb\xbf\xef\xbb\xbfdata: a\n\ndata: b\n\n"],
        [
            SSEEvent("b"),
        ],
    ),
    ("bom later is data", [b"data: \xef\xbb\xbfa\n\n"], [SSEEvent("\ufeffa")]),
    ("utf-8 split in a 2-byte char", [b"data: \xc3", b"\xa9\n\n"], [SSEEvent("é")]),
    (
        "utf-8 split in a 4-byte char",
        [b"data: \xf0\x9f", b"\x8c", b"\x8d!\n\n"],
        [
            SSEEvent("🌍!"),
        ],
    ),
    (
        "utf-8 in event name",
        [b"event: \xe6\x97", b"\xa5\ndata: a\n\n"],
        [
            SSEEvent("a", event="日"),
        ],
    ),
    ("done marker is an ordinary event", [b"data: [DONE]\n\n"], [SSEEvent("[DONE]")]),
    ("last event without blank line", [b"data: a\n\ndata: b\n"], [SSEEvent("a"), SSEEvent("b")]),
    ("last line without terminator", [b"data: a\n\ndata: b"], [SSEEvent("a"), SSEEvent("b")]),
    ("unterminated comment at end", [b"data: a\n\n: bye"], [SSEEvent("a")]),
    ("empty reads", [b"", b"data: a", b"", b"\n\n", b""], [SSEEvent("a")]),
    (
        "json with unicode line separator",
        ['data: {"t": "a\u2028b"}\n\n'.encode()],
        [
            SSEEvent('{"t": "a\u2028b"}'),
        ],
    ),
]


@pytest.mark.parametrize(
    ("chunks", "expected"),
    [pytest.param(chunks, expected, id=name) for name, chunks, expected in FRAMING_CASES],
)
def test_framing(chunks: list[bytes], expected: list[SSEEvent]) -> None:
    assert decode_all(*chunks) == expected
    joined = b"".join(chunks)
    assert decode_all(joined) == expected
    assert decode_all(*chunked(joined, 1)) == expected


@pytest.mark.parametrize(
    "chunks",
    [
        pytest.param([b"data: \xe6\x97"], id="truncated char in last line"),
        pytest.param([b"data: a\n\ndata: \xf0\x9f\x8c"], id="truncated 4-byte char"),
        pytest.param([b"\xef\xbb"], id="truncated bom"),
    ],
)
def test_close_raises_on_truncated_utf8(chunks: list[bytes]) -> None:
    decoder = SSEDecoder()
    for chunk in chunks:
        decoder.feed(chunk)
    with pytest.raises(SSEError, match="UTF-8"):
        decoder.close()


def test_invalid_utf8_in_a_complete_line_raises() -> None:
    with pytest.raises(SSEError, match="invalid UTF-8"):
        SSEDecoder().feed(b"data: \xff\n\n")


def test_decoder_is_reusable_after_close() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a") == []
    assert decoder.close() == [SSEEvent("a")]
    assert decoder.feed(b"\xef\xbb\xbfdata: b\n\n") == [SSEEvent("b")]


@pytest.mark.parametrize(
    "chunks",
    [
        pytest.param([b"data: " + b"x" * 200], id="one long unterminated line"),
        pytest.param([b"data: " + b"x" * 60 + b"\n"] * 4, id="many lines in one event"),
        pytest.param([b"data: x\n"] * 40, id="many short lines"),
        pytest.param([b"data: " + b"y" * 99, b"y" * 99], id="line growing across reads"),
    ],
)
def test_event_over_limit_raises(chunks: list[bytes]) -> None:
    decoder = SSEDecoder(max_event_bytes=128)
    with pytest.raises(SSEError, match=r"at least \d+ bytes exceeds the limit of 128 bytes"):
        for chunk in chunks:
            decoder.feed(chunk)


def test_limit_applies_per_event_not_per_read() -> None:
    event = b"data: " + b"x" * 90 + b"\n\n"
    events = decode_all(event * 20, max_event_bytes=128)
    assert len(events) == 20


def test_limit_error_does_not_echo_content() -> None:
    with pytest.raises(SSEError) as info:
        SSEDecoder(max_event_bytes=16).feed(b"data: jane.doe@example.com-secret")
    assert "jane" not in str(info.value)


def test_max_event_bytes_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        SSEDecoder(max_event_bytes=0)


ENCODE_CASES: list[tuple[SSEEvent, bytes]] = [
    (SSEEvent("a"), b"data: a\n\n"),
    (SSEEvent(""), b"data: \n\n"),
    (SSEEvent("a", event="x"), b"event: x\ndata: a\n\n"),
    (SSEEvent("a\nb"), b"data: a\ndata: b\n\n"),
    (SSEEvent("a\r\nb\rc"), b"data: a\ndata: b\ndata: c\n\n"),
    (SSEEvent("a", event="x", id="1", retry=10), b"event: x\nid: 1\nretry: 10\ndata: a\n\n"),
    (SSEEvent("é"), "data: é\n\n".encode()),
]


@pytest.mark.parametrize(("event", "wire"), ENCODE_CASES)
def test_encode_event(event: SSEEvent, wire: bytes) -> None:
    assert encode_event(event) == wire


@pytest.mark.parametrize(
    ("data", "event"),
    [("{}", None), ('{"a": 1}', "message_start"), ("[DONE]", None), ("a\nb", "x"), ("", None)],
)
def test_encode_data_matches_encode_event(data: str, event: str | None) -> None:
    assert encode_data(data, event) == encode_event(SSEEvent(data, event=event))


@pytest.mark.parametrize(
    "event",
    [
        SSEEvent("a", event="x\ny"),
        SSEEvent("a", event="x\r"),
        SSEEvent("a", id="1\n2"),
        SSEEvent("a", id="1\x002"),
        SSEEvent("a", retry=-1),
    ],
)
def test_encode_rejects_what_cannot_be_framed(event: SSEEvent) -> None:
    with pytest.raises(ValueError, match="SSE"):
        encode_event(event)
    if event.event is not None:
        with pytest.raises(ValueError, match="SSE"):
            encode_data(event.data, event.event)


ROUND_TRIP_EVENTS = [
    SSEEvent("plain"),
    SSEEvent(""),
    SSEEvent("\n"),
    SSEEvent("line one\nline two\n\nline four"),
    SSEEvent(" leading and trailing space "),
    SSEEvent(": not a comment"),
    SSEEvent("data: nested"),
    SSEEvent("[DONE]"),
    SSEEvent("Grüße 世界 🌍 \u2028", event="content_block_delta"),
    SSEEvent('{"type": "ping"}', event="ping", id="42", retry=3000),
    SSEEvent("x", event=" spaced", id=""),
]


def test_round_trip() -> None:
    wire = b"".join(encode_event(ev) for ev in ROUND_TRIP_EVENTS)
    assert decode_all(wire) == ROUND_TRIP_EVENTS
    assert decode_all(*chunked(wire, 1)) == ROUND_TRIP_EVENTS
    for ev in ROUND_TRIP_EVENTS:
        assert decode_all(encode_event(ev)) == [ev]
