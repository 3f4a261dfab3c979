"""Text normalisation for term matching, with offsets back into the original text.

Obfuscated abuse ("K1LL", "k i l l", "kill" with a Cyrillic letter i, "stuuupid", a zero-width
space inside a word) should match the same lexicon entry as the plain word, and whatever
matches must still be reported as a span of the text the check was given. Two layers:

- `Normalizer.normalize` works on characters: Unicode NFKC, case folding, zero-width and
  other invisible characters removed, Cyrillic and Greek look-alikes mapped to Latin
  letters, accents stripped from Latin letters, curly quotes made straight. The result
  keeps, for every normalised character, the original characters it came from.
- `Normalizer.tokenize` works on words: it splits the normalised text into tokens and
  gives each token one or more *keys* (leetspeak undone, apostrophes dropped, letters
  repeated three times or more squeezed), merging letters spaced out with blanks or
  punctuation into one word. Each token carries its span in the original text.

Japanese and Chinese characters are one token each, so a phrase in those scripts is a
sequence of characters to a token matcher. `term_keys` normalises a lexicon word the
same way, so that both sides of a comparison agree.

Pure Python; ASCII text (the common case) takes a fast path with no offset table.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from dataclasses import dataclass

__all__ = [
    "NormalizedText",
    "Normalizer",
    "TokenList",
    "term_keys",
]

# Letters from other scripts that look like Latin letters, mapped before case folding so
# that capitals map by their own shape (Greek capital eta looks like H, its small form
# like n).
_HOMOGLYPHS: dict[str, str] = {
    # Cyrillic capitals
    "А": "a", "В": "b", "Е": "e", "Ё": "e", "К": "k", "М": "m", "Н": "h", "О": "o",  # noqa: RUF001
    "Р": "p", "С": "c", "Т": "t", "У": "y", "Х": "x", "Ѕ": "s", "І": "i", "Ї": "i",  # noqa: RUF001
    "Ј": "j", "Ԛ": "q", "Ԝ": "w", "Ү": "y", "Һ": "h", "Ӏ": "l",  # noqa: RUF001
    # Cyrillic small
    "а": "a", "е": "e", "ё": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x",  # noqa: RUF001
    "к": "k", "м": "m", "т": "t", "в": "b", "н": "h", "і": "i", "ї": "i", "ј": "j",  # noqa: RUF001
    "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ү": "y", "ɡ": "g",  # noqa: RUF001
    # Greek capitals
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m",  # noqa: RUF001
    "Ν": "n", "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x",  # noqa: RUF001
    # Greek small
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",  # noqa: RUF001
    "τ": "t", "υ": "u", "χ": "x", "η": "n", "ϲ": "c", "ϳ": "j",  # noqa: RUF001
    # Latin variants NFKC keeps apart
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŀ": "l",  # noqa: RUF001
}  # fmt: skip

# Apostrophes and quotation marks made ASCII so that a curly and a straight apostrophe agree.
_PUNCT: dict[str, str] = {
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
}  # fmt: skip

# Leetspeak, applied only to tokens that also contain a letter ("k1ll", not "2024").
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                       "@": "a", "$": "s", "!": "i"})  # fmt: skip
_LEET_ONE_AS_L = str.maketrans({"1": "l"})
_LEET_CHARS = frozenset("013457@$!")

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# A Latin word may carry apostrophes and "!" between its characters (don't, k!ll); each
# Japanese or Chinese character is a token of its own; any other script's letters run
# together.
_TOKEN = re.compile(
    r"[a-z0-9@$]+(?:[!'][a-z0-9@$]+)*"
    r"|[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
    r"|[^\W\d_]+"
)
_HAS_LETTER = re.compile(r"[a-z]")
_RUN3 = re.compile(r"([a-z])\1\1+")
_SPACERS = frozenset(" .-_*·/|,+~")
_MAX_SPACER_CHARS = 3
_MIN_SPACED_LETTERS = 3
_MAX_VARIANTS = 8
_MAX_SEGMENT_WORD = 24


def _is_latin_mark_target(text: str) -> bool:
    return all(ord(ch) < 0x0250 for ch in text if not unicodedata.combining(ch))


def _fold_char(ch: str) -> str:
    """What one non-ASCII character becomes (possibly '' or several characters)."""
    if unicodedata.category(ch) == "Cf":
        # format characters are invisible: zero-width spaces and joiners, the soft
        # hyphen, word joiner, BOM, bidi controls - all used to split a word unseen
        return ""
    if ch in _HOMOGLYPHS:
        return _HOMOGLYPHS[ch]
    if ch in _PUNCT:
        return _PUNCT[ch]
    out = unicodedata.normalize("NFKC", ch)
    out = "".join(_HOMOGLYPHS.get(c, c) for c in out).casefold()
    if out and not out.isascii() and _is_latin_mark_target(out):
        # accents on Latin letters ("kíll"); Japanese voicing marks are kept
        stripped = "".join(
            c for c in unicodedata.normalize("NFD", out) if not unicodedata.combining(c)
        )
        out = unicodedata.normalize("NFC", stripped)
    if len(out) == 1 and unicodedata.combining(out) and not ("\u3099" <= out <= "\u309a"):
        return ""  # a lone combining accent after a letter
    return "".join(_PUNCT.get(c, c) for c in out)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A normalised text and the way back to the original's character offsets."""

    text: str
    """The normalised text."""
    original_length: int
    starts: tuple[int, ...] | None = None
    """Original offset of each normalised character; None when offsets are unchanged."""
    ends: tuple[int, ...] | None = None
    """Original end offset of each normalised character (deleted characters that follow
    it are included); None when offsets are unchanged."""

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that normalised text[start:end] came from."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError("span outside the normalised text")
        if self.starts is None or self.ends is None:
            return start, end
        if start == end:
            at = self.starts[start] if start < len(self.starts) else self.original_length
            return at, at
        return self.starts[start], self.ends[end - 1]


@dataclass(frozen=True, slots=True)
class TokenList:
    """Tokens of a text: parallel lists, cheaper than one object per token."""

    keys: list[tuple[str, ...]]
    """Keys of each token, the most likely reading first (e.g. ("kill",) for "K1LL")."""
    starts: list[int]
    """Start of each token in the original text."""
    ends: list[int]
    """End of each token in the original text."""

    def __len__(self) -> int:
        return len(self.keys)


def _squeezed(key: str) -> list[str]:
    """Readings of a word with letters repeated 3+ times: each run kept as 1 or 2."""
    runs = list(_RUN3.finditer(key))
    if not runs:
        return []
    variants = [""]
    pos = 0
    for m in runs[:3]:  # 3 runs give 8 readings; more is noise
        head = key[pos : m.start()]
        letter = m.group(1)
        variants = [v + head + tail for v in variants for tail in (letter, letter * 2)]
        pos = m.end()
    rest = key[pos:]
    return [_RUN3.sub(lambda m: m.group(1), v + rest) for v in variants]


def _word_keys(word: str) -> tuple[str, ...]:
    """Keys of one token of normalised text."""
    if word.isalpha():
        key = word
        one_as_l = None
    else:
        key = word.replace("'", "")
        one_as_l = None
        if _HAS_LETTER.search(key) and not _LEET_CHARS.isdisjoint(key):
            if "1" in key:
                one_as_l = key.translate(_LEET_ONE_AS_L).translate(_LEET)
            key = key.translate(_LEET)
    keys = [key]
    if one_as_l is not None and one_as_l != key:
        keys.append(one_as_l)
    if len(key) >= 3 and _RUN3.search(key):
        for base in list(keys):
            keys.extend(v for v in _squeezed(base) if v not in keys)
    return tuple(keys[:_MAX_VARIANTS])


def term_keys(term: str) -> tuple[str, ...]:
    """The token keys of a lexicon word or phrase, normalised like text (primary keys).

    "Don't" gives ("dont",), "self-harm" gives ("self", "harm"), "死ね" gives ("死", "ね").
    """
    normalized = Normalizer().normalize(term).text
    return tuple(_word_keys(m.group())[0] for m in _TOKEN.finditer(normalized))


def _segment(word: str, vocabulary: Container[str]) -> list[tuple[int, int]] | None:
    """Split word into vocabulary words (fewest pieces); None if it cannot be done."""
    n = len(word)
    best: list[list[tuple[int, int]] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(n):
        path = best[i]
        if path is None:
            continue
        for j in range(min(n, i + _MAX_SEGMENT_WORD), i, -1):
            if word[i:j] in vocabulary:
                candidate = [*path, (i, j)]
                current = best[j]
                if current is None or len(candidate) < len(current):
                    best[j] = candidate
    return best[n]


class Normalizer:
    """Normalises texts for matching; keeps a cache of the non-ASCII characters it saw.

    One instance per check (built at startup); it holds no per-text state.
    """

    def __init__(self) -> None:
        # Single characters only: caching words would keep the texts' words (names,
        # addresses) in memory for the life of the process.
        self._chars: dict[str, str] = {}

    def _fold(self, ch: str) -> str:
        out = self._chars.get(ch)
        if out is None:
            out = _fold_char(ch)
            if len(self._chars) < 65_536:  # bounded: a text full of rare symbols
                self._chars[ch] = out
        return out

    def normalize(self, text: str) -> NormalizedText:
        """NFKC, case folding, invisible characters removed, look-alikes made Latin."""
        if text.isascii():
            return NormalizedText(text.lower(), len(text))
        parts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        for m in _NON_ASCII.finditer(text):
            a, b = m.span()
            if a > pos:
                parts.append(text[pos:a].lower())
                starts.extend(range(pos, a))
                ends.extend(range(pos + 1, a + 1))
            for i in range(a, b):
                out = self._fold(text[i])
                if out:
                    parts.append(out)
                    starts.extend([i] * len(out))
                    ends.extend([i + 1] * len(out))
                elif ends:
                    ends[-1] = i + 1  # a deleted character joins the one before it
            pos = b
        if pos < len(text):
            parts.append(text[pos:].lower())
            starts.extend(range(pos, len(text)))
            ends.extend(range(pos + 1, len(text) + 1))
        return NormalizedText("".join(parts), len(text), tuple(starts), tuple(ends))

    def tokenize(self, text: str, vocabulary: Container[str] | None = None) -> TokenList:
        """Tokens of text with their keys and original spans.

        Three or more single letters separated by at most three blanks or punctuation
        characters ("k i l l", "k.i.l.l") are read as one word; when vocabulary is given
        and that word is not in it, it is split into vocabulary words ("k i l l y o u"
        becomes "kill", "you") where possible.
        """
        norm = self.normalize(text)
        ntext = norm.text
        starts_map, ends_map = norm.starts, norm.ends
        keys: list[tuple[str, ...]] = []
        starts: list[int] = []
        ends: list[int] = []
        run: list[tuple[str, int, int]] = []  # single-character tokens in a row

        def flush() -> None:
            if len(run) >= _MIN_SPACED_LETTERS and sum(c.isalpha() for c, _, _ in run) >= 2:
                _emit_spaced(run, keys, starts, ends, vocabulary)
            else:
                for ch, s, e in run:
                    keys.append(_word_keys(ch))
                    starts.append(s)
                    ends.append(e)
            run.clear()

        prev_end = -1
        # most texts have no letter written three times: skip that test word by word
        plain = _RUN3.search(ntext) is None
        for m in _TOKEN.finditer(ntext):
            ns, ne = m.span()
            if starts_map is None or ends_map is None:
                s, e = ns, ne
            else:
                s, e = starts_map[ns], ends_map[ne - 1]
            if ne - ns == 1 and ntext[ns] < "\x80":
                if run and not (
                    ns - prev_end <= _MAX_SPACER_CHARS
                    and all(c in _SPACERS for c in ntext[prev_end:ns])
                ):
                    flush()
                run.append((ntext[ns], s, e))
                prev_end = ne
                continue
            if run:
                flush()
            word = ntext[ns:ne]
            keys.append((word,) if plain and word.isalpha() else _word_keys(word))
            starts.append(s)
            ends.append(e)
            prev_end = ne
        if run:
            flush()
        return TokenList(keys, starts, ends)


def _emit_spaced(
    run: list[tuple[str, int, int]],
    keys: list[tuple[str, ...]],
    starts: list[int],
    ends: list[int],
    vocabulary: Container[str] | None,
) -> None:
    letters = "".join(c for c, _, _ in run)
    word = letters.translate(_LEET) if _HAS_LETTER.search(letters) else letters
    pieces: list[tuple[int, int]] | None = None
    if vocabulary is not None and word not in vocabulary:
        pieces = _segment(word, vocabulary)
    if not pieces:
        pieces = [(0, len(word))]
    for i, j in pieces:
        keys.append(_word_keys(word[i:j]))
        starts.append(run[i][1])
        ends.append(run[j - 1][2])
