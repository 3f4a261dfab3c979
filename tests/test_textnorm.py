"""Text normalisation: what each trick becomes, and spans back into the original text."""

# Look-alike letters are what these tests are about.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import pytest

from guardproxy.textnorm import NormalizedText, Normalizer, term_keys


@pytest.fixture
def norm() -> Normalizer:
    return Normalizer()


def words(norm: Normalizer, text: str, vocabulary: set[str] | None = None) -> list[tuple[str, str]]:
    """(primary key, original text of the token) for every token."""
    tokens = norm.tokenize(text, vocabulary)
    return [
        (k[0], text[s:e]) for k, s, e in zip(tokens.keys, tokens.starts, tokens.ends, strict=True)
    ]


# --- characters --------------------------------------------------------------------------


def test_ascii_text_is_lowered_and_keeps_its_offsets(norm: Normalizer) -> None:
    result = norm.normalize("Hello WORLD")
    assert result.text == "hello world"
    assert result.starts is None and result.ends is None
    assert result.original_span(6, 11) == (6, 11)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ｋｉｌｌ", "kill"),  # fullwidth, NFKC
        ("k\u200bi\u200cl\u200dl\u2060", "kill"),  # zero-width characters
        ("ki\u00adll", "kill"),  # soft hyphen
        ("k\u202eill", "kill"),  # a bidi control (format character)
        ("kіll", "kill"),  # Cyrillic і
        ("ΗΑΤΕ", "hate"),  # Greek capitals that look Latin
        ("ѕtuріd", "stupid"),  # Cyrillic ѕ, і and р
        ("kíll", "kill"),  # accent on a Latin letter
        ("ki\u0301ll", "kill"),  # combining accent
        ("don’t", "don't"),  # curly apostrophe
        ("“quoted”", '"quoted"'),
        ("ﬁne", "fine"),  # ligature expands to two characters
        ("が", "が"),  # Japanese voicing mark kept
        ("ｶﾀｶﾅ", "カタカナ"),  # halfwidth katakana
        ("STRASSE", "strasse"),
    ],
)
def test_character_normalisation(norm: Normalizer, text: str, expected: str) -> None:
    assert norm.normalize(text).text == expected


def test_offsets_map_back_over_removed_and_expanded_characters(norm: Normalizer) -> None:
    text = "a ﬁ k\u200bill ｘ"
    result = norm.normalize(text)
    assert result.text == "a fi kill x"
    # "fi" came from one character
    assert result.original_span(2, 4) == (2, 3)
    # "kill" covers the zero-width space inside it
    assert text[slice(*result.original_span(5, 9))] == "k\u200bill"
    assert result.original_span(10, 11) == (10, 11)
    assert result.original_span(4, 4) == (3, 3)


def test_original_span_rejects_spans_outside_the_text() -> None:
    result = NormalizedText("abc", 3)
    with pytest.raises(ValueError, match="outside"):
        result.original_span(2, 4)
    with pytest.raises(ValueError, match="outside"):
        result.original_span(2, 1)


# --- tokens ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("K1LL y0u", [("kill", "K1LL"), ("you", "y0u")]),
        ("h4t3 $tupid @ss", [("hate", "h4t3"), ("stupid", "$tupid"), ("ass", "@ss")]),
        ("k!ll", [("kill", "k!ll")]),
        ("I'll don’t", [("ill", "I'll"), ("dont", "don’t")]),
        ("in 2024 at 7", [("in", "in"), ("2024", "2024"), ("at", "at"), ("7", "7")]),
        ("self-harm", [("self", "self"), ("harm", "harm")]),
        ("死ね", [("死", "死"), ("ね", "ね")]),
    ],
)
def test_token_keys_and_spans(norm: Normalizer, text: str, expected: list[tuple[str, str]]) -> None:
    assert words(norm, text) == expected


def test_a_one_in_a_word_is_read_as_i_and_as_l(norm: Normalizer) -> None:
    tokens = norm.tokenize("1oser")
    assert tokens.keys[0][:2] == ("ioser", "loser")


def test_repeated_letters_offer_squeezed_readings(norm: Normalizer) -> None:
    [keys] = norm.tokenize("stuuupid").keys
    assert keys[0] == "stuuupid"
    assert "stupid" in keys and "stuupid" in keys
    [keys] = norm.tokenize("kiiilll").keys
    assert "kill" in keys and "kil" in keys
    # two of a letter is ordinary spelling, not a trick
    assert norm.tokenize("kill").keys == [("kill",)]


@pytest.mark.parametrize(
    ("text", "vocabulary", "expected"),
    [
        ("k i l l", None, [("kill", "k i l l")]),
        ("k.i.l.l", None, [("kill", "k.i.l.l")]),
        ("k - i - l - l", None, [("kill", "k - i - l - l")]),
        ("k i l l y o u", {"kill", "you"}, [("kill", "k i l l"), ("you", "y o u")]),
        ("k i l l y o u", None, [("killyou", "k i l l y o u")]),
        ("k 1 l l", None, [("kill", "k 1 l l")]),
        ("so k i l l now", None, [("so", "so"), ("kill", "k i l l"), ("now", "now")]),
    ],
)
def test_spaced_out_letters_are_one_word(
    norm: Normalizer,
    text: str,
    vocabulary: set[str] | None,
    expected: list[tuple[str, str]],
) -> None:
    assert words(norm, text, vocabulary) == expected


def test_short_runs_of_single_letters_stay_apart(norm: Normalizer) -> None:
    assert words(norm, "a b and I") == [("a", "a"), ("b", "b"), ("and", "and"), ("i", "I")]
    # single letters far apart are not a spaced-out word
    assert [k for k, _ in words(norm, "a    b    c")] == ["a", "b", "c"]


def test_token_spans_point_into_the_original_text(norm: Normalizer) -> None:
    text = "Ｙｏｕ are a ѕtuuupid  i\u200bdiot, k i l l yourself"
    got = words(norm, text, {"kill", "yourself"})
    assert got == [
        ("you", "Ｙｏｕ"),
        ("are", "are"),
        ("a", "a"),
        ("stuuupid", "ѕtuuupid"),
        ("idiot", "i\u200bdiot"),
        ("kill", "k i l l"),
        ("yourself", "yourself"),
    ]


def test_term_keys_normalise_lexicon_words_like_text() -> None:
    assert term_keys("Don't") == ("dont",)
    assert term_keys("self-harm") == ("self", "harm")
    assert term_keys("死ね") == ("死", "ね")
    assert term_keys("Ｋｉｌｌ") == ("kill",)
    assert term_keys("?") == ()
