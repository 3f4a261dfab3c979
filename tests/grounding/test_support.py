"""SourceIndex: the passage that supports a sentence, and the facts no passage holds."""

from __future__ import annotations

import pytest

from guardproxy.checks.base import CheckContext, Source
from guardproxy.grounding.support import SourceIndex, index_for

EIFFEL = Source(
    "eiffel",
    "The Eiffel Tower is a wrought-iron lattice tower in Paris, France. It is named after "
    "the engineer Gustave Eiffel, whose company built it from 1887 to 1889. The tower is "
    "330 metres tall. It was the tallest structure in the world until 1930.",
    title="Eiffel Tower",
    url="https://en.wikipedia.org/wiki/Eiffel_Tower",
)
FUJI = Source(
    "fuji",
    "Mount Fuji is the highest mountain in Japan, at 3,776 metres. It last erupted in 1707. "
    "It is about 100 kilometres south-west of Tokyo.",
    title="Mount Fuji",
)
COUNCIL = Source(
    "council",
    "The city council approved a budget of 4.2 million dollars for road repairs in 2023. "
    "Residents asked for more trees and benches in the parks.",
)


@pytest.fixture(scope="module")
def index() -> SourceIndex:
    return SourceIndex.build([EIFFEL, FUJI, COUNCIL])


@pytest.mark.parametrize(
    ("sentence", "source_id"),
    [
        ("The Eiffel Tower is 330 metres tall.", "eiffel"),
        ("Gustave Eiffel's company built the tower between 1887 and 1889.", "eiffel"),
        ("Mount Fuji, at 3,776 metres, is Japan's highest mountain.", "fuji"),
        ("The council set aside 4.2 million dollars for roads in 2023.", "council"),
    ],
)
def test_supported_sentences_find_their_source(
    index: SourceIndex, sentence: str, source_id: str
) -> None:
    support = index.support(sentence)
    assert support is not None
    assert support.source_id == source_id
    assert support.score >= 0.6
    assert support.missing_numbers == () and support.unsourced_numbers == ()


def test_passage_span_points_into_the_source(index: SourceIndex) -> None:
    support = index.support("It last erupted in 1707.")
    assert support is not None and support.source_index == 1
    passage = index.passage_text(support)
    assert passage == FUJI.text[support.start : support.end]
    assert "1707" in passage


def test_links_do_not_count_as_words(index: SourceIndex) -> None:
    plain = index.support("The Eiffel Tower is 330 metres tall.")
    linked = index.support(
        "The Eiffel Tower is 330 metres tall (https://www.toureiffel.paris/en/the-monument)."
    )
    assert plain is not None and linked is not None
    assert linked.score == plain.score


def test_unrelated_sentence_has_no_support(index: SourceIndex) -> None:
    assert index.support("Bananas are rich in potassium.") is None


def test_wrong_number_halves_the_score(index: SourceIndex) -> None:
    right = index.support("The Eiffel Tower is 330 metres tall.")
    wrong = index.support("The Eiffel Tower is 450 metres tall.")
    assert right is not None and wrong is not None
    assert wrong.score < right.score * 0.6
    assert [m.text for m in wrong.missing_numbers] == ["450"]
    assert [m.text for m in wrong.unsourced_numbers] == ["450"]


def test_number_in_another_source_is_missing_but_sourced(index: SourceIndex) -> None:
    support = index.support("The Eiffel Tower was finished in 2023.")
    assert support is not None and support.source_id == "eiffel"
    assert [m.text for m in support.missing_numbers] == ["2023"]
    assert support.unsourced_numbers == ()


def test_unknown_name_is_reported_with_its_span(index: SourceIndex) -> None:
    sentence = "Gustave Eiffel also designed the Statue of Liberty."
    support = index.support(sentence)
    assert support is not None
    (name,) = support.unsourced_entities
    assert sentence[name.start : name.end] == "Statue of Liberty"
    assert name in support.missing_entities


def test_number_forms_agree(index: SourceIndex) -> None:
    support = index.support("The council approved 4,200,000 dollars for road repairs.")
    assert support is not None and support.missing_numbers == ()


def test_unsourced_without_support(index: SourceIndex) -> None:
    nums, names = index.unsourced("Bananas cost 7 dollars in Quito.")
    assert [n.norm for n in nums] == ["7"]
    assert [n.norm for n in names] == ["quito"]


def test_title_counts_for_every_passage() -> None:
    source = Source("t", "It opened in 1889. Visitors climb it daily. " * 4, title="Eiffel Tower")
    index = SourceIndex.build([source])
    support = index.support("The Eiffel Tower opened in 1889.")
    assert support is not None and support.score > 0.9


def test_japanese_sentences() -> None:
    index = SourceIndex.build(
        [Source("ja", "富士山は日本で最も高い山です。標高は3776メートルです。")]
    )
    support = index.support("富士山の標高は3776メートルです。")
    assert support is not None and support.score > 0.8


@pytest.mark.parametrize(
    "sources",
    [[], [Source("empty", "")], [Source("blank", "  \n ")]],
)
def test_empty_index(sources: list[Source]) -> None:
    index = SourceIndex.build(sources)
    assert index.empty
    assert index.support("Anything at all here.") is None


def test_bad_window_is_rejected() -> None:
    with pytest.raises(ValueError, match="window"):
        SourceIndex.build([EIFFEL], window=2, stride=3)


def test_index_for_builds_once_per_request_context() -> None:
    sources = (Source("a", "Lake Biwa is the largest lake in Japan."),)
    shared: dict[str, object] = {}
    first = CheckContext(direction="output", request_id="r", sources=sources, shared=shared)
    second = CheckContext(direction="output", request_id="r", sources=sources, shared=shared)
    assert index_for(first) is index_for(second)
    other = CheckContext(direction="output", request_id="r", sources=(), shared=shared)
    assert index_for(other) is not index_for(first) and index_for(other).empty
