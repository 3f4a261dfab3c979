"""A multi-phrase matcher over token sequences, and the small pattern language it reads.

`PhraseMatcher` holds any number of phrases - sequences of token keys with optional
bounded gaps ("i will * kill you") - in a trie keyed by whole tokens. `find` starts a walk
at every token of the text; a walk costs one dictionary lookup per key of the next token,
and almost every walk ends at its first token, so the cost grows with the length of the
text and not with the number of phrases (tens of thousands cost the same as ten).

Tokens are whatever the caller makes them; `guardproxy.textnorm` makes normalised ones
(each text token may offer several keys, e.g. "k1ll" read as "kill").

`expand_pattern` turns one line of the pattern language into the phrases it stands for:

    word            a word (the caller normalises it into token keys)
    (a|b c|)        alternatives; an empty one makes the group optional
    [a b]           optional, the same as (a b|)
    <name>          a named set of alternatives given by the caller
    *  or  *N       a gap of up to 2 (or N, at most 8) arbitrary tokens

Alternatives that are all one token long become one *class* item (a frozenset: any of
these tokens) instead of one phrase each, so that "<verb> <noun>" with 40 verbs and 40
nouns is one phrase, not 1600.

Example::

    matcher: PhraseMatcher[str] = PhraseMatcher()
    for phrase in expand_pattern("i (will|am going to) * kill (you|him)"):
        matcher.add(phrase, "threat")
    matcher.find([("i",), ("will",), ("really",), ("kill",), ("you",)])
    # [Match(start=0, end=5, value='threat', skipped=(2,))]
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = [
    "Gap",
    "Match",
    "PatternError",
    "PhraseMatcher",
    "expand_pattern",
]

V = TypeVar("V")
K = TypeVar("K")

MAX_GAP = 8
DEFAULT_GAP = 2
MAX_EXPANSIONS = 20_000
"""The most phrases one pattern may stand for; more is almost surely a mistake."""


@dataclass(frozen=True, slots=True)
class Gap:
    """Up to max_tokens arbitrary tokens (zero included) between two phrase tokens."""

    max_tokens: int


PhraseItem = str | frozenset[str] | Gap
"""A token key, a class of token keys (any one of them), or a gap."""


@dataclass(frozen=True, slots=True)
class Match(Generic[V]):
    """One phrase found: tokens [start, end) of the text, and the phrase's value."""

    start: int
    end: int
    value: V
    skipped: tuple[int, ...] = ()
    """Indices of the tokens a gap passed over (they are not part of the phrase)."""


class PhraseMatcher(Generic[V]):
    """Finds every occurrence of many phrases in a token sequence.

    Add all phrases first (then `freeze`), then call `find` as often as needed; `find`
    does not change what the matcher finds, so one instance may serve any number of
    concurrent texts.

    The trie is kept in flat tables keyed by (state number, token key) rather than one
    object per node: a large lexicon then adds a few dictionaries to the heap, not
    hundreds of thousands of objects for the garbage collector to walk on the event loop.
    """

    def __init__(self) -> None:
        self._states = 1  # state 0 is the root
        self._edges: dict[tuple[int, str], int] = {}
        self._classes: dict[tuple[int, frozenset[str]], int] = {}
        self._gaps: dict[tuple[int, int], int] = {}
        self._values: dict[int, list[V]] = {}
        self._vocabulary: set[str] = set()
        self._phrases = 0
        self._longest = 0
        # built by _freeze: every state a (state, key) leads to, gaps by state, values
        self._index: dict[tuple[int, str], tuple[int, ...]] = {}
        self._root: dict[str, tuple[int, ...]] = {}
        self._gap_index: dict[int, tuple[tuple[int, int], ...]] = {}
        self._final: dict[int, tuple[V, ...]] = {}
        self._frozen = False

    def __len__(self) -> int:
        """The number of phrases added."""
        return self._phrases

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every token key that some phrase contains."""
        return frozenset(self._vocabulary)

    def contains_key(self, key: str) -> bool:
        """Whether some phrase contains the token key (cheaper than `vocabulary`)."""
        return key in self._vocabulary

    @property
    def longest(self) -> int:
        """The most tokens one match can span, gaps at their widest included."""
        return self._longest

    def add(self, phrase: Sequence[PhraseItem], value: V) -> None:
        """Add a phrase: token keys or classes, with Gap items only between them."""
        items = list(phrase)
        if not items or isinstance(items[0], Gap) or isinstance(items[-1], Gap):
            raise ValueError("a phrase must start and end with a token")
        for item in items:
            if isinstance(item, frozenset) and (not item or not all(item)):
                raise ValueError("a token class must hold non-empty tokens")
            if isinstance(item, str) and not item:
                raise ValueError("a phrase token must not be empty")
        self._frozen = False
        if isinstance(items[0], frozenset):
            # the root is looked up by key alone, so that a text token costs one lookup
            # there however many phrases start with a class
            for key in sorted(items[0]):
                self._insert([key, *items[1:]], value)
        else:
            self._insert(items, value)
        self._phrases += 1

    def _next(self, table: dict[K, int], key: K) -> int:
        state = table.get(key)
        if state is None:
            state = table[key] = self._states
            self._states += 1
        return state

    def _insert(self, items: list[PhraseItem], value: V) -> None:
        state = 0
        span = 0
        previous_gap = False
        for item in items:
            if isinstance(item, Gap):
                if previous_gap:
                    raise ValueError("two gaps in a row; write one wider gap")
                if not 1 <= item.max_tokens <= MAX_GAP:
                    raise ValueError(f"a gap spans 1 to {MAX_GAP} tokens")
                state = self._next(self._gaps, (state, item.max_tokens))
                span += item.max_tokens
                previous_gap = True
                continue
            if isinstance(item, frozenset):
                state = self._next(self._classes, (state, item))
                self._vocabulary.update(item)
            else:
                state = self._next(self._edges, (state, item))
                self._vocabulary.add(item)
            span += 1
            previous_gap = False
        values = self._values.setdefault(state, [])
        if value not in values:
            values.append(value)
        self._longest = max(self._longest, span)

    def freeze(self) -> None:
        """Build the lookup index now; `find` does it on first use after an `add`.

        Call it at startup so that the first text does not pay for it.
        """
        if not self._frozen:
            self._freeze()

    def _freeze(self) -> None:
        """Index edges and classes by (state, key): one lookup per key when matching."""
        index: dict[tuple[int, str], list[int]] = {}
        for edge, target in self._edges.items():
            index.setdefault(edge, []).append(target)
        for (state, members), target in self._classes.items():
            for key in members:
                index.setdefault((state, key), []).append(target)
        gaps: dict[int, list[tuple[int, int]]] = {}
        for (state, width), target in sorted(self._gaps.items()):
            gaps.setdefault(state, []).append((width, target))
        self._index = {edge: tuple(targets) for edge, targets in index.items()}
        # the root is looked up for every token of every text: keyed by the key alone
        self._root = {key: targets for (state, key), targets in self._index.items() if state == 0}
        self._gap_index = {state: tuple(pairs) for state, pairs in gaps.items()}
        self._final = {state: tuple(values) for state, values in self._values.items()}
        self._frozen = True

    def find(self, tokens: Sequence[Sequence[str]]) -> list[Match[V]]:
        """Every match in tokens (each token given as its keys), ordered by start.

        Overlapping and nested matches are all reported; the caller picks.
        """
        if not self._frozen:
            self._freeze()
        out: list[Match[V]] = []
        seen: set[tuple[int, int, int]] = set()
        root = self._root
        for i, keys in enumerate(tokens):
            for key in keys:
                targets = root.get(key)
                if targets is not None:
                    for state in targets:
                        self._walk(state, i, i + 1, (), tokens, out, seen)
        return out

    def _walk(
        self,
        state: int,
        start: int,
        pos: int,
        skipped: tuple[int, ...],
        tokens: Sequence[Sequence[str]],
        out: list[Match[V]],
        seen: set[tuple[int, int, int]],
    ) -> None:
        values = self._final.get(state)
        if values is not None:
            mark = (start, pos, state)
            if mark not in seen:
                seen.add(mark)
                out.extend(Match(start, pos, value, skipped) for value in values)
        size = len(tokens)
        if pos < size:
            self._step(state, start, pos, skipped, tokens, out, seen)
        for width, gap_state in self._gap_index.get(state, ()):
            for skip in range(width + 1):
                at = pos + skip
                if at >= size:
                    break
                passed = skipped + tuple(range(pos, at)) if skip else skipped
                self._step(gap_state, start, at, passed, tokens, out, seen)

    def _step(
        self,
        state: int,
        start: int,
        pos: int,
        skipped: tuple[int, ...],
        tokens: Sequence[Sequence[str]],
        out: list[Match[V]],
        seen: set[tuple[int, int, int]],
    ) -> None:
        index = self._index
        for key in tokens[pos]:
            targets = index.get((state, key))
            if targets is not None:
                for target in targets:
                    self._walk(target, start, pos + 1, skipped, tokens, out, seen)


class PatternError(ValueError):
    """A pattern that cannot be read; column is 1-based. The message never quotes it."""

    def __init__(self, reason: str, column: int) -> None:
        super().__init__(f"column {column}: {reason}")
        self.reason = reason
        self.column = column


_SPECIAL = frozenset("()[]|<>*")

Alternatives = list[tuple[PhraseItem, ...]]


def _as_class(options: Alternatives) -> Alternatives:
    """Single-token alternatives folded into one class item; longer ones kept as they are."""
    singles: set[str] = set()
    rest: Alternatives = []
    for option in options:
        if len(option) == 1 and isinstance(option[0], str):
            singles.add(option[0])
        elif len(option) == 1 and isinstance(option[0], frozenset):
            singles.update(option[0])
        else:
            rest.append(option)
    if len(singles) < 2:
        return options
    return [(frozenset(singles),), *rest]


class _Parser:
    def __init__(
        self,
        pattern: str,
        sets: Mapping[str, Sequence[tuple[PhraseItem, ...]]],
        normalize: Callable[[str], Sequence[str]],
    ) -> None:
        self.text = pattern
        self.pos = 0
        self.sets = sets
        self.normalize = normalize

    def fail(self, reason: str) -> PatternError:
        return PatternError(reason, self.pos + 1)

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def parse_sequence(self) -> Alternatives:
        results: Alternatives = [()]
        while True:
            self.skip_space()
            if self.pos >= len(self.text):
                return results
            ch = self.text[self.pos]
            if ch in "|)]":
                return results
            part: Alternatives
            if ch == "(":
                self.pos += 1
                part = self.parse_alternatives(")")
            elif ch == "[":
                self.pos += 1
                part = _as_class([*self.parse_alternatives("]"), ()])
            elif ch == "<":
                end = self.text.find(">", self.pos)
                if end < 0:
                    raise self.fail("missing '>'")
                name = self.text[self.pos + 1 : end].strip()
                if name not in self.sets:
                    raise self.fail(f"unknown set <{name}>")
                part = list(self.sets[name])
                self.pos = end + 1
            elif ch == "*":
                start = self.pos
                self.pos += 1
                while self.pos < len(self.text) and self.text[self.pos].isdigit():
                    self.pos += 1
                digits = self.text[start + 1 : self.pos]
                width = int(digits) if digits else DEFAULT_GAP
                if not 1 <= width <= MAX_GAP:
                    self.pos = start
                    raise self.fail(f"a gap spans 1 to {MAX_GAP} tokens")
                part = [(Gap(width),)]
            elif ch == ">":
                raise self.fail("unexpected '>'")
            else:
                start = self.pos
                while (
                    self.pos < len(self.text)
                    and not self.text[self.pos].isspace()
                    and self.text[self.pos] not in _SPECIAL
                ):
                    self.pos += 1
                part = [tuple(self.normalize(self.text[start : self.pos]))]
            results = [a + b for a, b in itertools.product(results, part)]
            if len(results) > MAX_EXPANSIONS:
                raise self.fail(f"stands for more than {MAX_EXPANSIONS} phrases")

    def parse_alternatives(self, closing: str | None) -> Alternatives:
        options: Alternatives = list(self.parse_sequence())
        while self.pos < len(self.text) and self.text[self.pos] == "|":
            self.pos += 1
            options.extend(self.parse_sequence())
        self.skip_space()
        if closing is None:
            if self.pos < len(self.text):
                raise self.fail(f"unexpected {self.text[self.pos]!r}")
        elif self.pos >= len(self.text) or self.text[self.pos] != closing:
            raise self.fail(f"missing {closing!r}")
        else:
            self.pos += 1
        if len(options) > MAX_EXPANSIONS:
            raise self.fail(f"stands for more than {MAX_EXPANSIONS} phrases")
        return _as_class(list(dict.fromkeys(options)))


def _tidy(phrase: tuple[PhraseItem, ...]) -> tuple[PhraseItem, ...]:
    """Merge adjacent gaps and drop gaps at either end (an optional word next to a gap)."""
    out: list[PhraseItem] = []
    for item in phrase:
        last = out[-1] if out else None
        if isinstance(item, Gap) and isinstance(last, Gap):
            out[-1] = Gap(min(MAX_GAP, last.max_tokens + item.max_tokens))
        else:
            out.append(item)
    while out and isinstance(out[0], Gap):
        out.pop(0)
    while out and isinstance(out[-1], Gap):
        out.pop()
    return tuple(out)


def _words(word: str) -> tuple[str, ...]:
    return (word,)


def expand_pattern(
    pattern: str,
    sets: Mapping[str, Sequence[tuple[PhraseItem, ...]]] | None = None,
    normalize: Callable[[str], Sequence[str]] = _words,
) -> list[tuple[PhraseItem, ...]]:
    """Every phrase a pattern stands for, in order, without duplicates or empty phrases.

    sets maps a name used as <name> to its phrases (e.g. an earlier expand_pattern
    result). normalize turns each word into token keys (none, one or several); by default
    a word is one key, as written. Raises PatternError for a pattern that cannot be read
    or stands for nothing.
    """
    parser = _Parser(pattern, sets or {}, normalize)
    phrases = [_tidy(p) for p in parser.parse_alternatives(None)]
    unique = [p for p in dict.fromkeys(phrases) if p]
    if not unique:
        raise PatternError("the pattern stands for no phrase", 1)
    return unique
