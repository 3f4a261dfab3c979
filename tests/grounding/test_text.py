"""Sentences, tokens, numbers, names and URLs as grounding sees them."""

from __future__ import annotations

import pytest

from guardproxy.grounding.text import (
    code_spans,
    entities,
    is_japanese,
    normalize_url,
    numbers,
    split_sentences,
    tokenize,
    urls,
)


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three?", ["One.", "Two!", "Three?"]),
        ("Use e.g. a list. Then stop.", ["Use e.g. a list.", "Then stop."]),
        ("Dr. Smith agreed. Prof. Lee did not.", ["Dr. Smith agreed.", "Prof. Lee did not."]),
        ("It grew 3.5% in 2024. Next.", ["It grew 3.5% in 2024.", "Next."]),
        ("J. R. R. Tolkien wrote it. Yes.", ["J. R. R. Tolkien wrote it.", "Yes."]),
        ("Apple Inc. reported sales. Done.", ["Apple Inc. reported sales.", "Done."]),
        (
            "See https://a.example.org/x.html. Then go.",
            ["See https://a.example.org/x.html.", "Then go."],
        ),
        ('He said "stop." Then left.', ['He said "stop."', "Then left."]),
        ("Wait... and see.", ["Wait... and see."]),
        (
            "Items:\n1. First one\n2. Second one\n- Third",
            ["Items:", "First one", "Second one", "Third"],
        ),
        ("## Heading\nBody text here.", ["Heading", "Body text here."]),
        (
            "東京は首都です。人口は多い\uff01本当\uff1f",
            ["東京は首都です。", "人口は多い\uff01", "本当\uff1f"],
        ),
        ("  \n\n ---\n", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_sentence_spans_point_into_the_text() -> None:
    text = "  First one.  Second one.\n- Third one"
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text
    assert [s.start for s in split_sentences(text)] == [2, 14, 28]


def test_tokenize_drops_stop_words_and_stems() -> None:
    assert tokenize("The studies increased quickly") == ["study", "increas", "quick"]
    assert tokenize("increase increasing increased") == ["increas"] * 3
    assert tokenize("It cost 1,200 dollars") == ["cost", "1200", "dollar"]


def test_tokenize_japanese_uses_kanji_bigrams_and_katakana_words() -> None:
    assert tokenize("東京は日本の首都です") == ["東京", "日本", "首都"]
    assert tokenize("日本銀行とトヨタ") == ["日本", "本銀", "銀行", "トヨタ"]


@pytest.mark.parametrize(
    ("text", "norms"),
    [
        ("It sold 1,200 units", ["1200"]),
        ("Growth was 3.5% or 3.50 percent", ["3.5%", "3.5%"]),
        ("In 2024 it reached 1.2 million", ["2024", "1200000"]),
        ("人口は約1400万人", ["14000000"]),
        ("２０２４年に５０\uff05", ["2024", "50%"]),
        ("1. Intro\n2) Next [3] cited", []),
        ("GPT-4 and https://x.example.org/2024/05", []),
    ],
)
def test_numbers(text: str, norms: list[str]) -> None:
    assert [n.norm for n in numbers(text)] == norms


def test_number_spans() -> None:
    text = "Revenue was 4.2 million dollars."
    (n,) = numbers(text)
    assert text[n.start : n.end] == "4.2 million"


def test_entities_names_and_quotes() -> None:
    text = (
        'The Eiffel Tower is in Paris, says the Bank of Japan. Joe Biden\'s plan is "Build Back".'
        " Overall, nothing."
    )
    found = entities(text)
    assert [e.norm for e in found] == [
        "eiffel tower",
        "paris",
        "bank of japan",
        "joe biden",
        "build back",
    ]
    assert all(text[e.start : e.end] == e.text for e in found)


def test_entities_skip_sentence_initial_common_words() -> None:
    assert entities("However the plan failed. Today it works.") == []
    assert [e.norm for e in entities("In the Bank of Japan report.")] == ["bank of japan"]
    assert [e.norm for e in entities("Dr. Smith met Alice.")] == ["smith", "alice"]


def test_entities_katakana_and_brackets() -> None:
    assert [e.norm for e in entities("トヨタは「未来の車」を発表")] == ["トヨタ", "未来の車"]


def test_urls_trim_punctuation_and_brackets() -> None:
    text = "See (https://en.wikipedia.org/wiki/Foo_(bar)), www.python.org. And https://x.org/a?b=1&c=2."
    found = urls(text)
    assert [u.text for u in found] == [
        "https://en.wikipedia.org/wiki/Foo_(bar)",
        "www.python.org",
        "https://x.org/a?b=1&c=2",
    ]
    assert all(text[u.start : u.end] == u.text for u in found)


def test_url_ends_where_japanese_begins() -> None:
    (u,) = urls("詳細はhttps://www.jma.go.jp/jmaをご覧ください")
    assert u.text == "https://www.jma.go.jp/jma"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.Example.org/a/", "http://example.org/a"),
        ("https://example.org/a#section", "example.org/a"),
        ("https://example.org:443/a?utm_source=x&id=3", "https://example.org/a?id=3"),
        ("https://example.org/a?b=2&a=1", "https://example.org/a?a=1&b=2"),
    ],
)
def test_normalize_url_equivalences(a: str, b: str) -> None:
    assert normalize_url(a) == normalize_url(b)


def test_normalize_url_keeps_differences() -> None:
    assert normalize_url("https://example.org/a") != normalize_url("https://example.org/b")
    assert normalize_url("https://example.org:8080/a") != normalize_url("https://example.org/a")


def test_code_spans() -> None:
    text = "Run `pip install x` then:\n```\nhttps://in.code.org\n```\nDone."
    spans = code_spans(text)
    assert [text[s:e] for s, e in spans] == ["`pip install x`", "```\nhttps://in.code.org\n```"]


def test_is_japanese() -> None:
    assert is_japanese("これは日本語")
    assert not is_japanese("plain English")
