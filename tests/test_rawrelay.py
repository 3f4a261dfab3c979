"""RawFramer: whole events go out as their upstream bytes; the end is held back."""

from __future__ import annotations

import pytest

from guardproxy.rawrelay import RawFramer, dispatching_start
from guardproxy.sse import SSEDecoder

STREAM = (
    b": keep-alive comment\n\n"
    b'id: 7\nretry: 3000\ndata:{"a":1,  "logprobs": {"x": [1]}}\n\n'
    b"event: note\ndata: two\ndata: lines\n\n"
    b"data: [DONE]\n\n"
)


def relay(reads: list[bytes], terminal: str = "[DONE]") -> tuple[bytes, bytes]:
    """(bytes released before the terminal event, bytes held from it) over these reads."""
    decoder, framer = SSEDecoder(), RawFramer()
    sent = b""
    for chunk in [*reads, b""]:
        events = decoder.feed(chunk) if chunk else decoder.close()
        framer.feed(chunk, events)
        for i, ev in enumerate(events):
            if ev.data == terminal:
                now, held = framer.hold_from(i)
                return sent + now, held
        sent += framer.release() if chunk else framer.rest()
    return sent, b""


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13, 64, len(STREAM)])
def test_any_read_sizes_give_the_upstream_bytes_and_hold_the_terminal_event(size: int) -> None:
    reads = [STREAM[i : i + size] for i in range(0, len(STREAM), size)]
    sent, held = relay(reads)
    assert sent + held == STREAM
    assert held == b"data: [DONE]\n\n"


def test_only_whole_events_are_released() -> None:
    decoder, framer = SSEDecoder(), RawFramer()
    first = b"data: one\n\ndata: tw"
    framer.feed(first, decoder.feed(first))
    assert framer.release() == b"data: one\n\n"
    rest = b"o\n\n"
    framer.feed(rest, decoder.feed(rest))
    assert framer.release() == b"data: two\n\n"


def test_the_stream_ends_with_its_terminal_event() -> None:
    # what an upstream sends after it in the same read is not relayed (nor recorded)
    sent, held = relay([b"data: a\n\ndata: [DONE]\n\ndata: late\n\n"])
    assert sent == b"data: a\n\n"
    assert held == b"data: [DONE]\n\n"


def test_a_terminal_event_without_its_blank_line_at_the_end_is_closed() -> None:
    assert relay([b"data: a\n\ndata: [DONE]"]) == (b"data: a\n\n", b"data: [DONE]\n\n")
    assert relay([b"data: a\n\ndata: [DONE]\n"]) == (b"data: a\n\n", b"data: [DONE]\n\n")


def test_a_long_event_in_small_reads_is_released_whole_once() -> None:
    event = b"".join(b"data: %d\n" % i for i in range(2000)) + b"\n"
    decoder, framer = SSEDecoder(), RawFramer()
    released = []
    for i in range(0, len(event), 7):
        chunk = event[i : i + 7]
        framer.feed(chunk, decoder.feed(chunk))
        released.append(framer.release())
    assert [r for r in released if r] == [event]


def test_comment_blocks_and_blank_runs_do_not_shift_the_terminal_event() -> None:
    raw = b"data: a\n\n\n\n: ping\n\nevent: x\n\ndata: [DONE]\n\n"
    sent, held = relay([raw])
    assert (sent, held) == (raw[: raw.index(b"data: [DONE]")], b"data: [DONE]\n\n")


def test_a_byte_order_mark_at_the_start_does_not_hide_the_first_event() -> None:
    raw = b"\xef\xbb\xbfdata: [DONE]\n\n"
    assert relay([raw]) == (b"", raw)
    later = b"data: a\n\n" + raw
    # mid-stream the mark makes "\ufeffdata" a field name, which dispatches nothing
    assert dispatching_start(later, 0, closed=False, stream_start=False) == 0
    assert dispatching_start(later, 1, closed=False, stream_start=False) == -1


def test_a_field_named_like_data_does_not_dispatch() -> None:
    raw = b"data: a\n\ndatabase: 1\n\ndata\n\n"
    assert dispatching_start(raw, 0, closed=False, stream_start=False) == len(raw) - 6
    assert dispatching_start(raw, 1, closed=False, stream_start=False) == 0


def test_counting_from_the_end_skips_an_unfinished_event_until_the_stream_closes() -> None:
    raw = b"data: a\n\ndata: b\n\ndata: c"
    assert dispatching_start(raw, 0, closed=False, stream_start=False) == 9
    assert dispatching_start(raw, 0, closed=True, stream_start=False) == 18
    assert dispatching_start(raw, 5, closed=True, stream_start=False) == -1


def test_a_final_event_without_its_blank_line_is_closed_at_the_end() -> None:
    sent, held = relay([b"data: a\n\ndata: b"], terminal="never")
    assert (sent, held) == (b"data: a\n\ndata: b\n\n", b"")
    sent, _ = relay([b"data: a\n\ndata: b\n"], terminal="never")
    assert sent == b"data: a\n\ndata: b\n\n"


def test_cr_line_endings_switch_to_re_encoded_events() -> None:
    raw = b"data: a\r\n\r\nid: 9\r\ndata: b\r\n\r\ndata: [DONE]\r\n\r\n"
    for size in (1, 4, len(raw)):
        sent, held = relay([raw[i : i + size] for i in range(0, len(raw), size)])
        assert sent == b"data: a\n\nid: 9\ndata: b\n\n", size
        assert held == b"data: [DONE]\n\n", size


def test_a_cr_after_raw_events_keeps_the_order() -> None:
    sent, held = relay([b"data: a\n\ndata: b", b"c\r\n\r\ndata: [DONE]\n\n"])
    assert sent == b"data: a\n\ndata: bc\n\n"
    assert held == b"data: [DONE]\n\n"
