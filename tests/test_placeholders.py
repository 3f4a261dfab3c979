"""Placeholders: stable tokens per value, restoration in text, JSON and split streams."""

from __future__ import annotations

import json

import pytest

from guardproxy.placeholders import Placeholders


def make() -> Placeholders:
    p = Placeholders()
    assert p.token_for("PERSON", "Ana Silva") == "<PERSON_1>"
    assert p.token_for("EMAIL_ADDRESS", 'ana"x@example.com') == "<EMAIL_ADDRESS_1>"
    assert p.token_for("PERSON", "Bo Li") == "<PERSON_2>"
    return p


def test_same_value_keeps_its_token_and_others_are_numbered_per_type() -> None:
    p = make()
    assert p.token_for("PERSON", "Ana Silva") == "<PERSON_1>"
    assert p.token_for("custom entity-x", "v") == "<CUSTOM_ENTITY_X_1>"
    assert len(p) == 4
    assert "Ana" not in repr(p)


def test_restore_puts_values_back_and_leaves_unknown_tokens() -> None:
    p = make()
    text = "<PERSON_1> wrote to <EMAIL_ADDRESS_1>; <PERSON_3> and <PERSON_2> did not."
    assert p.restore(text) == (
        'Ana Silva wrote to ana"x@example.com; <PERSON_3> and Bo Li did not.'
    )


def test_a_longer_token_is_not_read_as_a_shorter_one() -> None:
    p = Placeholders()
    for i in range(12):
        p.token_for("PERSON", f"name{i}")
    assert p.restore("<PERSON_12>|<PERSON_1>") == "name11|name0"


def test_tool_arguments_stay_valid_json() -> None:
    p = make()
    args = json.dumps({"to": "<EMAIL_ADDRESS_1>", "cc": ["<PERSON_2>"], "n": 1})
    restored = json.loads(p.restore_arguments(args))
    assert restored == {"to": 'ana"x@example.com', "cc": ["Bo Li"], "n": 1}
    untouched = '{"a": "<b>"}'
    assert p.restore_arguments(untouched) is untouched


def test_arguments_that_are_not_json_yet_get_escaped_values() -> None:
    p = make()
    partial = '{"to": "<EMAIL_ADDRESS_1>'
    assert p.restore_arguments(partial) == '{"to": "ana\\"x@example.com'


def test_restore_json_walks_keys_and_nested_values() -> None:
    p = make()
    value = {"<PERSON_1>": [{"x": "hi <PERSON_2>"}, 3, None]}
    assert p.restore_json(value) == {"Ana Silva": [{"x": "hi Bo Li"}, 3, None]}


TEXT = "Dear <PERSON_1>, <PERSON_2> will mail <EMAIL_ADDRESS_1> <not a token> < end <PERSON_"


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 11])
def test_stream_restores_tokens_split_at_any_point(size: int) -> None:
    p = make()
    stream = p.streamer()
    out = [stream.feed(TEXT[i : i + size]) for i in range(0, len(TEXT), size)]
    out.append(stream.flush())
    assert "".join(out) == p.restore(TEXT)
    assert "".join(out).endswith("< end <PERSON_")


def test_stream_holds_only_a_possible_token_start() -> None:
    p = make()
    stream = p.streamer()
    assert stream.feed("a <PER") == "a "
    assert stream.held == "<PER"
    assert stream.feed("HAPS> b <x") == "<PERHAPS> b <x"
    assert stream.held == ""


def test_stream_for_json_strings_escapes_values() -> None:
    p = make()
    stream = p.streamer(json_string=True)
    pieces = ['{"to": "<EMAIL_', 'ADDRESS_1>"}']
    joined = "".join(stream.feed(x) for x in pieces) + stream.flush()
    assert json.loads(joined) == {"to": 'ana"x@example.com'}


def test_no_tokens_means_nothing_held() -> None:
    stream = Placeholders().streamer()
    assert stream.feed("a <PERSON_1") == "a <PERSON_1"
