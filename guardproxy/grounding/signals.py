"""Signals of an unreliable answer beyond passage support: negation, hedging,
self-contradiction, URLs, specific claims, assistant small talk and token log-probabilities.

All pure, deterministic functions over short strings; they complement `support` (which
finds the passage a sentence rests on) and are combined by the `hallucination` check.

- `negated(text) -> bool`: the text carries an odd number of negation cues ("not",
  "never", "no longer", "n't", "non-", Japanese ない / ません …); two statements about
  the same thing that differ in it say opposite things.
- `names(sentence, KnownNames(source_texts))`: a sentence's names, including a first
  word that the sources use as a name.
- `hedged(text) -> bool`: the sentence hedges ("might", "reportedly", "I think" …).
- `contradictions(sentences) -> set[int]`: indexes of answer sentences that contradict
  another sentence of the same answer (same content words, opposite polarity, or other
  numbers); `contradicting` does the same on sentences already reduced.
- `url_risk(url, known) -> float`: a URL the sources do not hold (0.6), or one that does
  not look real (0.9, `url_looks_real`: a reserved or placeholder host, no dot in the
  host, a host label of random-looking characters).
- `specificity(sentence) -> float`: how many specific, checkable details (numbers, dates,
  names, quotes, URLs) a sentence asserts, in [0, 1].
- `is_small_talk(sentence) -> bool`: assistant phrasing that asserts nothing about the
  world ("I hope this helps", "Here is a summary of the documents").
- `logprob_risk(logprobs) -> float`: risk from an answer's token log-probabilities.
"""

from __future__ import annotations

import math
import re
from collections.abc import Container, Iterable, Sequence
from urllib.parse import urlsplit

from guardproxy.grounding.text import (
    STOP_WORDS,
    Mention,
    entities,
    normalize_url,
    number_key,
    numbers,
    tokenize,
    urls,
)

__all__ = [
    "KnownNames",
    "contradicting",
    "contradictions",
    "hedged",
    "is_small_talk",
    "logprob_risk",
    "names",
    "negated",
    "specificity",
    "url_looks_real",
    "url_risk",
]

# --- negation ------------------------------------------------------------------------------

_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nobody|nothing|neither|nor|without|cannot|no longer)\b"
    r"|\bnon-(?=[a-z])"
    r"|n['\u2019]t\b"
    r"|ない|ません|なかった|ず[、。]|ではなく|無し",
    re.IGNORECASE,
)


def negation_count(text: str) -> int:
    return len(_NEGATION.findall(text))


def negated(text: str) -> bool:
    """An odd number of negation cues: the statement is in the negative."""
    return negation_count(text) % 2 == 1


# --- names ---------------------------------------------------------------------------------


class KnownNames:
    """Recognises a capitalised word the sources use inside a sentence, i.e. as a name.

    Checked on demand and remembered: most answers need a handful of words, and scanning
    every source for every name up front costs more than the whole check.
    """

    __slots__ = ("_seen", "_text")

    def __init__(self, texts: Iterable[str]) -> None:
        self._text = "\n".join(texts)
        self._seen: dict[str, bool] = {}

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        known = self._seen.get(word)
        if known is None:
            known = self._seen[word] = self._used_as_name(word)
        return known

    def _used_as_name(self, word: str) -> bool:
        text = self._text
        for m in re.finditer(rf"(?<![\w'\u2019-]){re.escape(word)}(?![\w-])", text):
            i = m.start() - 1
            while i >= 0 and text[i] in " \t\"'\u201c\u2018(":
                i -= 1
            if i >= 0 and text[i] not in ".!?:;\n\u3002":
                return True
        return False


_FIRST_WORD = re.compile(r"[\s\"'\u201c\u2018(*_#>-]*([A-ZÀ-ÖØ-Þ][\w'\u2019-]*)")
_POSSESSIVE = re.compile(r"['\u2019]s$")


def names(text: str, known: Container[str]) -> list[Mention]:
    """The names of a sentence: `text.entities`, plus a capitalised first word that the
    sources use as a name (`known`, e.g. `KnownNames`): "Gothenburg has ...", which
    `entities` leaves out because every sentence starts with a capital."""
    found = entities(text)
    m = _FIRST_WORD.match(text)
    if m is not None and not any(e.start <= m.start(1) < e.end for e in found):
        word = _POSSESSIVE.sub("", m.group(1))
        if word.lower() not in STOP_WORDS and word in known:
            found.insert(0, Mention(m.start(1), m.start(1) + len(word), word, word.lower()))
    return found


# --- hedging -------------------------------------------------------------------------------

_HEDGE = re.compile(
    r"\b(?:might|may well|possibly|perhaps|probably|presumably|reportedly|allegedly|"
    r"apparently|supposedly|rumou?red|it seems|seems to|appears to|i think|i believe|"
    r"i suspect|i guess|not sure|as far as i know|if i recall|unclear|could be|"
    r"it is (?:believed|thought|said) that)\b"
    r"|かもしれ|と思われ|おそらく|らしい|ようです|と思います",
    re.IGNORECASE,
)


def hedged(text: str) -> bool:
    """The sentence hedges its claim."""
    return _HEDGE.search(text) is not None


# --- self-contradiction --------------------------------------------------------------------


def contradictions(sentences: Sequence[str]) -> set[int]:
    """Indexes of sentences that contradict another one in the same answer.

    Two sentences contradict when they share at least 70% of the content words of the
    shorter one (and at least three) and either differ in polarity or both state numbers
    and share none of them.
    """
    return contradicting(
        [
            (
                frozenset(tokenize(text)),
                frozenset(number_key(m.norm) for m in numbers(text)),
                negated(text),
            )
            for text in sentences
        ]
    )


def contradicting(
    facts: Sequence[tuple[frozenset[str], frozenset[str], bool]],
) -> set[int]:
    """`contradictions` over sentences already reduced to (content words, number keys,
    negated)."""
    reduced = [({t for t in words if not t[0].isdigit()}, nums, neg) for words, nums, neg in facts]
    found: set[int] = set()
    for i, (words_i, nums_i, neg_i) in enumerate(reduced):
        if len(words_i) < 3:
            continue
        for j in range(i + 1, len(reduced)):
            words_j, nums_j, neg_j = reduced[j]
            if len(words_j) < 3:
                continue
            shared = len(words_i & words_j)
            if shared < 3 or shared < 0.7 * min(len(words_i), len(words_j)):
                continue
            if neg_i != neg_j or (nums_i and nums_j and not nums_i & nums_j):
                found.update((i, j))
    return found


# --- URLs ----------------------------------------------------------------------------------

_PLACEHOLDER_HOSTS = re.compile(
    r"(?:^|\.)(?:example\.(?:com|org|net)|localhost|test|invalid|example|local|"
    r"yourdomain\.com|domain\.com|website\.com)$"
)
_VOWELS = set("aeiou")


def _random_looking(label: str) -> bool:
    letters = [c for c in label if c.isalpha()]
    if len(label) >= 12 and sum(c.isdigit() for c in label) >= 4:
        return True
    if len(letters) >= 8 and not _VOWELS.intersection(letters):
        return True
    return len(letters) >= 10 and sum(1 for c in letters if c in _VOWELS) / len(letters) < 0.15


def url_looks_real(url: str) -> bool:
    """A URL with a plausible public host: a dot, a TLD of letters, no placeholder."""
    raw = url if "://" in url else f"http://{url}"
    try:
        host = (urlsplit(raw).hostname or "").lower()
    except ValueError:
        return False
    if "." not in host or _PLACEHOLDER_HOSTS.search(host):
        return False
    labels = host.split(".")
    tld = labels[-1]
    if not (2 <= len(tld) <= 24 and tld.isalpha()):
        return False
    return not any(_random_looking(label) for label in labels[:-1])


def url_risk(url: str, known: frozenset[str]) -> float:
    """Risk of a URL given the normalised URLs the sources hold (see the module docstring)."""
    if normalize_url(url) in known:
        return 0.0
    return 0.6 if url_looks_real(url) else 0.9


# --- specific claims -----------------------------------------------------------------------

_YEAR_OR_MONTH = re.compile(
    r"\b(?:1[5-9]\d\d|20\d\d)\b|\b(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December)\b|\d{4}年|\d{1,2}月",
)


def specificity(sentence: str) -> float:
    """How much checkable detail a sentence asserts, in [0, 1].

    Each number weighs 0.35, each date or month 0.3, each name 0.25, each quote or URL
    0.4, combined as 1 - prod(1 - w): one number makes a sentence fairly specific, a
    number with a name and a date very much so.
    """
    keep = 1.0
    for _ in numbers(sentence):
        keep *= 0.65
    for _ in _YEAR_OR_MONTH.finditer(sentence):
        keep *= 0.7
    for mention in entities(sentence):
        keep *= 0.6 if mention.text.startswith(('"', "“", "「", "『")) else 0.75
    for _ in urls(sentence):
        keep *= 0.6
    return 1.0 - keep


# --- small talk ----------------------------------------------------------------------------

_SMALL_TALK = re.compile(
    r"^(?:(?:here(?:'s| is| are)|below (?:is|are)|the following)\b"
    r"|(?:i hope|hope this|let me know|feel free|please (?:let|ask|note)|if you (?:have|need|"
    r"would|want)|happy to|glad to|i can (?:also|help)|do you want|would you like)\b"
    r"|(?:based on|according to|from) (?:the|these|your) (?:provided |shared |attached )?"
    r"(?:documents?|sources?|material|files?|information|text)\b"
    r"|(?:in (?:short|summary|conclusion)|to summari[sz]e|overall|sure|certainly|of course)\b"
    r"|(?:the )?key (?:points|facts|findings)\b)",
    re.IGNORECASE,
)
_META_WORDS = frozenset(
    tokenize(
        "summary summarise summarize overview document documents source sources provided "
        "shared material information file files point points detail details key help hope "
        "question questions answer below above following said know like want need glad "
        "happy short brief main highlight highlights note"
    )
)


def is_small_talk(sentence: str) -> bool:
    """Phrasing about the conversation rather than the world, with nothing checkable."""
    if numbers(sentence) or urls(sentence):
        return False
    words = tokenize(sentence)
    if not words:
        return True
    if _SMALL_TALK.match(sentence.strip()) is None:
        return False
    return sum(1 for w in words if w not in _META_WORDS) <= 2


# --- token log-probabilities ---------------------------------------------------------------

_CONFIDENT_LOGPROB = -0.25
_UNSURE_LOGPROB = math.log(0.3)


def logprob_risk(logprobs: Sequence[float]) -> float:
    """Risk in [0, 1] from the log-probabilities of an answer's tokens.

    Two parts: the mean log-probability, mapped linearly from -0.25 (a confident answer,
    risk 0) to -1.5 (risk 1), weighs 0.6; the share of tokens the model gave less than
    30% probability weighs 0.4. An empty sequence is no evidence (0.0); a positive or
    non-finite value is invalid.

    This is the hook for upstream log-probabilities (OpenAI ``logprobs: true`` returns
    ``choices[].logprobs.content[].logprob``). CheckContext carries none today, so nothing
    calls it on the request path yet; wiring it takes an optional field on CheckContext
    that the provider adapter fills from the upstream response, and one line in the
    check: ``combine(score, logprob_risk(ctx.logprobs), weight)`` with
    ``guardproxy.grounding.remote.combine`` and a `logprob_weight` option.
    """
    if not logprobs:
        return 0.0
    for value in logprobs:
        if not math.isfinite(value) or value > 0.0:
            raise ValueError("log-probabilities must be finite and <= 0")
    mean = sum(logprobs) / len(logprobs)
    level = min(1.0, max(0.0, (_CONFIDENT_LOGPROB - mean) / (_CONFIDENT_LOGPROB + 1.5)))
    unsure = sum(1 for v in logprobs if v < _UNSURE_LOGPROB) / len(logprobs)
    return round(0.6 * level + 0.4 * unsure, 4)
