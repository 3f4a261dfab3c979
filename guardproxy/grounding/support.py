"""Which passage of which source supports a sentence, and how well.

API:

- `SourceIndex.build(sources: Sequence[Source], *, window: int = 3, stride: int = 2)`
  splits every source into passages (windows of `window` sentences, starting every
  `stride` sentences, so neighbouring sentences always share a passage) and builds a BM25
  index over them. A source's title counts as part of each of its passages. Building is
  pure Python; an index is immutable and may be shared by the checks of one request.
- `index.support(sentence: str) -> Support | None`: the best supporting passage, or None
  when the index is empty or no passage shares a content word with the sentence.
- `index.unsourced(sentence: str) -> tuple[tuple[Mention, ...], tuple[Mention, ...]]`:
  the sentence's numbers and names that appear in no source at all.
- `index.passage_text(support) -> str`: the text of the passage a Support points at.
- `index.empty` (no passage: no source had text) and `index.sources`.

`Support.score` is in [0, 1]:

    score = lexical * numeric * names

- `lexical`: the share of the sentence's content words (`text.tokenize`; the pieces of
  links do not count) found in the passage, each word weighted by 1 + its BM25 idf over
  all passages (a word no source has weighs as much as a word only one passage has), so
  rare, specific words count more than common ones;
- `numeric`: 0.5 + 0.5 * the share of the sentence's numbers whose value the passage
  holds (1 when the sentence has none): a sentence whose only number is wrong scores half;
- `names`: 0.7 + 0.3 * the share of the sentence's names whose words the passage holds
  (1 when it has none).

BM25 (k1 = 1.2, b = 0.75) ranks the passages; the three best are scored as above and the
highest score wins. Mentions in a Support (`missing_*`, `unsourced_*`) carry offsets into
the sentence string that was passed in.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from guardproxy.checks.base import CheckContext, Source
from guardproxy.grounding.text import (
    Mention,
    entities,
    number_key,
    numbers,
    split_sentences,
    tokenize,
    urls,
)

_K1 = 1.2
_B = 0.75
_CANDIDATES = 3


@dataclass(frozen=True, slots=True)
class Support:
    """The passage that best supports a sentence, and what it does not cover."""

    source_index: int
    """Position of the source in the sequence the index was built from."""
    source_id: str
    start: int
    """Span of the passage in its source's text."""
    end: int
    score: float
    """Overall support in [0, 1] (see the module docstring)."""
    lexical: float
    """Weighted share of the sentence's content words found in the passage."""
    missing_numbers: tuple[Mention, ...]
    """Numbers of the sentence that the passage does not hold."""
    unsourced_numbers: tuple[Mention, ...]
    """Numbers of the sentence that no source holds."""
    missing_entities: tuple[Mention, ...]
    """Names of the sentence that the passage does not hold."""
    unsourced_entities: tuple[Mention, ...]
    """Names of the sentence that no source holds."""


@dataclass(frozen=True, slots=True)
class _Passage:
    source_index: int
    start: int
    end: int
    terms: frozenset[str]
    numbers: frozenset[str]
    length: int


@dataclass(frozen=True, slots=True)
class _Facts:
    tokens: tuple[str, ...]
    numbers: tuple[Mention, ...]
    entities: tuple[tuple[Mention, frozenset[str]], ...]


class SourceIndex:
    """A BM25 index over the passages of a set of sources (see the module docstring)."""

    __slots__ = (
        "_all_numbers",
        "_all_terms",
        "_idf",
        "_norms",
        "_passages",
        "_postings",
        "_sources",
        "_unseen_weight",
    )

    def __init__(
        self,
        sources: tuple[Source, ...],
        passages: list[_Passage],
        postings: dict[str, list[tuple[int, int]]],
    ) -> None:
        self._sources = sources
        self._passages = passages
        self._postings = postings
        n = len(passages)
        avg_len = (sum(p.length for p in passages) / n) if n else 0.0
        self._norms = [_K1 * (1 - _B + _B * p.length / (avg_len or 1.0)) for p in passages]
        self._idf = {
            term: math.log(1.0 + (n - len(posts) + 0.5) / (len(posts) + 0.5))
            for term, posts in postings.items()
        }
        self._unseen_weight = 1.0 + math.log(1.0 + (n - 0.5) / 1.5) if n else 1.0
        self._all_terms = frozenset(postings)
        self._all_numbers = frozenset().union(*(p.numbers for p in passages))

    @classmethod
    def build(cls, sources: Sequence[Source], *, window: int = 3, stride: int = 2) -> SourceIndex:
        """Split sources into passages and index them."""
        if window < 1 or not 1 <= stride <= window:
            raise ValueError("window must be >= 1 and 1 <= stride <= window")
        passages: list[_Passage] = []
        postings: dict[str, list[tuple[int, int]]] = {}
        for index, source in enumerate(sources):
            title_tokens = tokenize(source.title) if source.title else []
            sentences = split_sentences(source.text)
            if not sentences:
                if title_tokens:
                    empty: list[_Unit] = [(0, 0, [], frozenset())]
                    _add_passage(index, empty, 0, 1, title_tokens, passages, postings)
                continue
            units: list[_Unit] = []
            found = numbers(source.text)
            at = 0
            for sentence in sentences:
                tokens = tokenize(sentence.text)
                nums: set[str] = set()
                while at < len(found) and found[at].start < sentence.end:
                    if found[at].start >= sentence.start:
                        nums.add(number_key(found[at].norm))
                    at += 1
                units.append((sentence.start, sentence.end, tokens, frozenset(nums)))
            for first in range(0, max(len(units) - window + stride, 1), stride):
                last = min(first + window, len(units))
                _add_passage(index, units, first, last, title_tokens, passages, postings)
        return cls(tuple(sources), passages, postings)

    @property
    def empty(self) -> bool:
        return not self._passages

    @property
    def sources(self) -> tuple[Source, ...]:
        return self._sources

    def passage_text(self, support: Support) -> str:
        return self._sources[support.source_index].text[support.start : support.end]

    def support(self, sentence: str) -> Support | None:
        """The best supporting passage for sentence, or None (see the module docstring)."""
        if not self._passages:
            return None
        facts = _facts(sentence)
        query = set(facts.tokens)
        ranked = self._rank(query)
        if not ranked:
            return None
        weights = {t: 1.0 + self._idf.get(t, self._unseen_weight - 1.0) for t in query}
        total_weight = sum(weights.values())
        candidates = []
        for rank, pid in enumerate(ranked):
            passage = self._passages[pid]
            lexical = sum(w for t, w in weights.items() if t in passage.terms) / total_weight
            missing_numbers = tuple(
                m for m in facts.numbers if number_key(m.norm) not in passage.numbers
            )
            missing_entities = tuple(m for m, terms in facts.entities if not terms <= passage.terms)
            score = lexical
            if facts.numbers:
                score *= 0.5 + 0.5 * (1 - len(missing_numbers) / len(facts.numbers))
            if facts.entities:
                score *= 0.7 + 0.3 * (1 - len(missing_entities) / len(facts.entities))
            candidates.append((score, -rank, pid, lexical, missing_numbers, missing_entities))
        # the highest score wins; on a tie, the better BM25 rank
        score, _, pid, lexical, missing_numbers, missing_entities = max(
            candidates, key=lambda c: (c[0], c[1])
        )
        passage = self._passages[pid]
        unsourced_numbers, unsourced_entities = self._unsourced(facts)
        return Support(
            source_index=passage.source_index,
            source_id=self._sources[passage.source_index].id,
            start=passage.start,
            end=passage.end,
            score=round(min(score, 1.0), 4),
            lexical=round(lexical, 4),
            missing_numbers=missing_numbers,
            unsourced_numbers=unsourced_numbers,
            missing_entities=missing_entities,
            unsourced_entities=unsourced_entities,
        )

    def unsourced(self, sentence: str) -> tuple[tuple[Mention, ...], tuple[Mention, ...]]:
        """The sentence's numbers and names that no source holds."""
        return self._unsourced(_facts(sentence))

    def _unsourced(self, facts: _Facts) -> tuple[tuple[Mention, ...], tuple[Mention, ...]]:
        nums = tuple(m for m in facts.numbers if number_key(m.norm) not in self._all_numbers)
        names = tuple(m for m, terms in facts.entities if not terms <= self._all_terms)
        return nums, names

    def _rank(self, query: set[str]) -> list[int]:
        scores = [0.0] * len(self._passages)
        norms = self._norms
        hit = False
        for term in query:
            posts = self._postings.get(term)
            if posts is None:
                continue
            hit = True
            idf = self._idf[term] * (_K1 + 1)
            for pid, tf in posts:
                scores[pid] += idf * tf / (tf + norms[pid])
        if not hit:
            return []
        return heapq.nlargest(_CANDIDATES, range(len(scores)), key=scores.__getitem__)


_Unit = tuple[int, int, list[str], frozenset[str]]


def _add_passage(
    source_index: int,
    units: list[_Unit],
    first: int,
    last: int,
    title_tokens: list[str],
    passages: list[_Passage],
    postings: dict[str, list[tuple[int, int]]],
) -> None:
    tokens = list(title_tokens)
    nums: set[str] = set()
    for _, _, unit_tokens, unit_nums in units[first:last]:
        tokens += unit_tokens
        nums |= unit_nums
    counts = Counter(tokens)
    pid = len(passages)
    start, end = units[first][0], units[last - 1][1]
    passages.append(
        _Passage(source_index, start, end, frozenset(counts), frozenset(nums), len(tokens))
    )
    for term, tf in counts.items():
        postings.setdefault(term, []).append((pid, tf))


def _facts(sentence: str) -> _Facts:
    names = []
    for mention in entities(sentence):
        terms = frozenset(tokenize(mention.norm))
        if terms:
            names.append((mention, terms))
    words = sentence
    links = urls(sentence)
    if links:
        # a link is judged by the links check; its pieces ("https", "com") are not words
        parts, pos = [], 0
        for link in links:
            parts.append(sentence[pos : link.start])
            pos = link.end
        parts.append(sentence[pos:])
        words = " ".join(parts)
    return _Facts(tuple(tokenize(words)), tuple(numbers(sentence)), tuple(names))


_SHARED_KEY = "guardproxy.grounding.support.index"


def index_for(ctx: CheckContext) -> SourceIndex:
    """The request's index over its sources, built by the first check that asks for it.

    Citations, hallucination scoring and any other grounding check of one request then
    share one index instead of each building its own (about 1 ms per 5 KB of sources).
    """
    cached = ctx.shared.get(_SHARED_KEY)
    if cached is not None and cached[0] is ctx.sources:
        return cast(SourceIndex, cached[1])
    index = SourceIndex.build(ctx.sources)
    ctx.shared[_SHARED_KEY] = (ctx.sources, index)
    return index
