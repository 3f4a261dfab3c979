"""The phrase matcher and its pattern language, on plain token keys."""

from __future__ import annotations

import random

import pytest

from guardproxy.matcher import Gap, Match, PatternError, PhraseMatcher, expand_pattern


def toks(text: str) -> list[tuple[str, ...]]:
    return [(word,) for word in text.split()]


def build(patterns: dict[str, str]) -> PhraseMatcher[str]:
    matcher: PhraseMatcher[str] = PhraseMatcher()
    for value, pattern in patterns.items():
        for phrase in expand_pattern(pattern):
            matcher.add(phrase, value)
    return matcher


def found(matcher: PhraseMatcher[str], text: str) -> list[tuple[str, str]]:
    words = text.split()
    return sorted((m.value, " ".join(words[m.start : m.end])) for m in matcher.find(toks(text)))


# --- pattern language ----------------------------------------------------------------------


def test_alternatives_optional_parts_and_gaps_expand() -> None:
    assert expand_pattern("go (home now | away)") == [("go", "home", "now"), ("go", "away")]
    assert expand_pattern("a [big red] dog") == [("a", "big", "red", "dog"), ("a", "dog")]
    assert expand_pattern("i * you") == [("i", Gap(2), "you")]
    assert expand_pattern("i *5 you") == [("i", Gap(5), "you")]


def test_single_token_alternatives_fold_into_one_class() -> None:
    assert expand_pattern("(kill | stab | hurt) you") == [
        (frozenset({"kill", "stab", "hurt"}), "you")
    ]
    # longer alternatives stay phrases of their own
    assert expand_pattern("(kill | beat up) you") == [("kill", "you"), ("beat", "up", "you")]
    assert expand_pattern("[a | the] dog") == [(frozenset({"a", "the"}), "dog"), ("dog",)]


def test_sets_are_used_by_name() -> None:
    sets = {"you": expand_pattern("you | your family")}
    assert expand_pattern("hurt <you>", sets) == [("hurt", "you"), ("hurt", "your", "family")]


def test_gaps_at_the_edges_are_dropped_and_adjacent_gaps_merge() -> None:
    assert expand_pattern("[very] * bad") == [("very", Gap(2), "bad"), ("bad",)]
    assert expand_pattern("a * [b] * c") == [("a", Gap(2), "b", Gap(2), "c"), ("a", Gap(4), "c")]


def test_words_go_through_the_normaliser() -> None:
    def split_hyphens(word: str) -> tuple[str, ...]:
        return tuple(p for p in word.lower().split("-") if p)

    assert expand_pattern("Self-Harm", normalize=split_hyphens) == [("self", "harm")]


@pytest.mark.parametrize(
    ("pattern", "column", "reason"),
    [
        ("kill (you | him", 16, "missing ')'"),
        ("kill [you", 10, "missing ']'"),
        ("kill you)", 9, "unexpected ')'"),
        ("hurt <nobody>", 6, "unknown set <nobody>"),
        ("hurt <you", 6, "missing '>'"),
        ("a *9 b", 3, "a gap spans 1 to 8 tokens"),
        ("a > b", 3, "unexpected '>'"),
        ("   ", 1, "the pattern stands for no phrase"),
    ],
)
def test_pattern_errors_give_the_column_and_never_the_words(
    pattern: str, column: int, reason: str
) -> None:
    with pytest.raises(PatternError) as info:
        expand_pattern(pattern)
    assert info.value.column == column
    assert info.value.reason == reason
    assert "kill" not in str(info.value) and "hurt" not in str(info.value)


def test_too_many_expansions_are_refused() -> None:
    group = "(" + " | ".join(f"a{i} b{i}" for i in range(30)) + ")"
    with pytest.raises(PatternError, match="more than"):
        expand_pattern(f"{group} {group} {group}")


# --- matching ------------------------------------------------------------------------------


def test_finds_phrases_and_reports_every_overlap() -> None:
    matcher = build({"short": "kill", "long": "i will kill you", "other": "kill you"})
    assert found(matcher, "well i will kill you now") == [
        ("long", "i will kill you"),
        ("other", "kill you"),
        ("short", "kill"),
    ]


def test_gaps_skip_up_to_their_width_and_record_what_they_skipped() -> None:
    matcher = build({"threat": "i will * kill you"})
    assert matcher.find(toks("i will kill you")) == [Match(0, 4, "threat", ())]
    assert matcher.find(toks("i will never ever kill you")) == [Match(0, 6, "threat", (2, 3))]
    assert matcher.find(toks("i will not ever really kill you")) == []


def test_classes_match_any_member_in_the_middle_of_a_phrase() -> None:
    matcher = build({"x": "i will (kill | stab | hurt) you"})
    assert found(matcher, "i will stab you") == [("x", "i will stab you")]
    assert found(matcher, "i will hug you") == []


def test_a_class_may_start_a_phrase() -> None:
    matcher = build({"x": "(kill | stab) [them | you] now"})
    assert found(matcher, "stab you now and kill now") == [("x", "kill now"), ("x", "stab you now")]


def test_each_token_may_offer_several_keys() -> None:
    matcher = build({"x": "kill you"})
    tokens = [("klll", "kill"), ("you",)]
    assert matcher.find(tokens) == [Match(0, 2, "x", ())]


def test_the_same_phrase_added_twice_with_one_value_matches_once() -> None:
    matcher: PhraseMatcher[str] = PhraseMatcher()
    matcher.add(("a", "b"), "v")
    matcher.add(("a", "b"), "v")
    matcher.add(("a", "b"), "w")
    assert sorted(m.value for m in matcher.find(toks("a b"))) == ["v", "w"]


@pytest.mark.parametrize(
    "phrase",
    [(), (Gap(1), "a"), ("a", Gap(1)), ("a", Gap(1), Gap(1), "b"), ("a", Gap(9), "b"), ("a", "")],
)
def test_malformed_phrases_are_refused(phrase: tuple[str | Gap, ...]) -> None:
    matcher: PhraseMatcher[str] = PhraseMatcher()
    with pytest.raises(ValueError):
        matcher.add(phrase, "v")


def test_size_vocabulary_and_longest() -> None:
    matcher = build({"a": "go (away | home)", "b": "i * you"})
    assert len(matcher) == 2
    assert matcher.vocabulary == {"go", "away", "home", "i", "you"}
    assert matcher.contains_key("home") and not matcher.contains_key("gone")
    assert matcher.longest == 4


def test_adding_after_matching_is_seen_by_the_next_find() -> None:
    matcher = build({"a": "red dog"})
    matcher.freeze()
    assert found(matcher, "red dog red cat") == [("a", "red dog")]
    for phrase in expand_pattern("red (cat | cow)"):
        matcher.add(phrase, "b")
    assert found(matcher, "red dog red cat") == [("a", "red dog"), ("b", "red cat")]


def test_many_phrases_match_exactly_what_a_brute_force_search_finds() -> None:
    rng = random.Random(11)
    vocabulary = [f"w{i}" for i in range(400)]
    phrases = {
        tuple(rng.choice(vocabulary) for _ in range(rng.randint(1, 4))) for _ in range(20_000)
    }
    matcher: PhraseMatcher[tuple[str, ...]] = PhraseMatcher()
    for phrase in phrases:
        matcher.add(phrase, phrase)
    text = [rng.choice(vocabulary) for _ in range(3000)]

    got = {(m.start, m.end, m.value) for m in matcher.find([(w,) for w in text])}

    expected = {
        (i, i + n, tuple(text[i : i + n]))
        for n in range(1, 5)
        for i in range(len(text) - n + 1)
        if tuple(text[i : i + n]) in phrases
    }
    assert got == expected
    assert len(expected) > 100  # the comparison is not vacuous
