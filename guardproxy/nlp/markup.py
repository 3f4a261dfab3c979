"""Text as the recognizers should read it: markup hidden, letters recased, offsets kept.

Model answers are markdown. An e-mail address in `_italics_` or an IP address in
`**bold**` has no word boundary before it (`_` is a word character to `re`), so
presidio's patterns miss it; spaCy reads "**Madrid**" worse than "Madrid". Every
function here returns a text of the same length as its input, so the spans found in it
are spans of the original.
"""

from __future__ import annotations

import re

# A run of emphasis marks at the edge of a word: after the start, a space or an opening
# bracket or quote, or before the end, a space, a closing bracket or quote, or sentence
# punctuation. Inside a word the marks belong to the value (first__last@example.org,
# /~jsmith/, anna_@example.org).
_EMPHASIS = re.compile(
    r"(?<![^\s(\[{<\"'])[*_`~]+"
    r"|[*_`~]+(?![^\s)\]}>\"'.,;:!?])"
)


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def hide_markup(text: str) -> str:
    """text with markdown emphasis marks (`*`, `_`, `` ` ``, `~`) at word edges as spaces."""
    return _EMPHASIS.sub(_blank, text)


_SHOUTED_WORD = re.compile(
    r"(?<![\w@.'\u2019/-])([A-ZÀ-Þ])([A-ZÀ-Þ'\u2019-]+)(?![\w@'\u2019-]|\.\w)"
)
_UPPER_SHARE_FOR_SHOUTING = 0.7


def is_shouted(text: str) -> bool:
    """True for a text written mostly in capitals."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 8:
        return False
    upper = sum(1 for c in letters if c.isupper())
    return upper >= _UPPER_SHARE_FOR_SHOUTING * len(letters)


def _title_word(match: re.Match[str]) -> str:
    rest = match.group(2)
    lowered = rest.lower()
    if len(lowered) != len(rest):  # a letter whose lowercase is longer: keep the word
        return match.group(0)
    return match.group(1) + lowered


def recase_for_ner(text: str) -> str:
    """A text written in capitals, with its words in title case; other texts unchanged.

    spaCy's entity recognizer learned from ordinary casing: in "KWAME TANAKA PAID" it
    finds no name, in "Kwame Tanaka Paid" it does. Words glued to `@`, dots or digits
    (addresses, codes, IBANs) keep their capitals.
    """
    if not is_shouted(text):
        return text
    return _SHOUTED_WORD.sub(_title_word, text)


__all__ = ["hide_markup", "is_shouted", "recase_for_ner"]
