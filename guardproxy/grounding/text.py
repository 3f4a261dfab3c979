"""Text primitives for grounding: sentences, content words, numbers, names, URLs.

Everything here is pure Python, deterministic and cheap (a few regular expressions
compiled once at import). Offsets are character offsets into the text given.

- `split_sentences(text) -> list[Sentence]`: sentence spans. A sentence ends at `.`, `!`,
  `?` or `…` followed by whitespace (not after abbreviations such as "e.g." or "Dr.",
  initials, list numbers like "1.", or before a lowercase word), at the Japanese full
  stop and full-width exclamation and question marks, and at every line break (list
  items, headings, paragraphs). Spans exclude surrounding whitespace and leading list
  or heading markers.
- `tokenize(text) -> list[str]`: lowercase content words for retrieval: stop words removed,
  a light suffix stemmer (plural, -ing, -ed, -ly, final e), numbers without thousands
  separators, Japanese kanji runs as bigrams, katakana runs whole, hiragana dropped.
- `numbers(text) -> list[Mention]`: numbers with a canonical `norm` ("1,200" -> "1200",
  "3.5 percent" -> "3.5%", "1.2 million" -> "1200000", "3万" -> "30000"). List markers,
  bracketed citation markers ("[2]") and digits inside URLs or words are not numbers.
- `entities(text) -> list[Mention]`: capitalised names ("Bank of Japan", "Eiffel Tower",
  a capitalised word not at the start of a sentence), quoted strings and katakana names;
  `norm` is lowercase without a possessive "'s".
- `urls(text) -> list[Mention]`: http(s)/ftp URLs and bare `www.` hosts, trailing
  punctuation and unbalanced brackets trimmed; `norm` is `normalize_url` of the URL.
  A URL ends at the first character outside RFC 3986's ASCII set (so a URL followed
  directly by Japanese text ends where the Japanese begins).
- `normalize_url(url) -> str`: the form two URLs are compared in (no scheme, no `www.`,
  lowercase host, no default port, no fragment, no trailing slash, no tracking query
  parameters).
- `code_spans(text) -> list[tuple[int, int]]`: fenced and inline code regions.
- `is_japanese(text) -> bool`: the text contains Japanese script.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl, urlencode, urlsplit

from guardproxy.lang import HIRAGANA, KANJI, KATAKANA


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its span in the text and the text of that span."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A number, name or URL found in a text, with the form it is compared in."""

    start: int
    end: int
    text: str
    norm: str


# --- sentences ---------------------------------------------------------------------------

_BOUNDARY = re.compile(
    # Latin punctuation, then whitespace or the end
    r"""[.!?…]+['"\u2019”)\]»]*(?=\s|$)"""
    # Japanese punctuation needs no following space
    r"""|[。\uff01\uff1f]+[」』\uff09】"\u2019”]*"""
    r"""|\n"""
)
# Never a sentence end when followed by whitespace: titles, Latin shorthands, initials.
_ABBREV_ALWAYS = frozenset(
    """mr mrs ms dr prof sr jr st mt vs e.g i.e cf fig figs approx dept gen gov sen rep
    capt lt col sgt rev hon ca viz est eq nos""".split()  # noqa: SIM905 - reads better as text
)
# A sentence end unless the next word starts lowercase or with a digit.
_ABBREV_WEAK = frozenset(
    """etc inc ltd co corp al no vol pp p jan feb mar apr jun jul aug sep sept oct nov dec
    u.s u.k u.n e.u a.m p.m""".split()  # noqa: SIM905 - reads better as text
)
_MAX_WORD = 64
_LEAD_MARKER = re.compile(r"(?:[-*•+>]|\d{1,3}[.)]|#{1,6}|\[[ xX]\])[ \t]+")
_HAS_WORD = re.compile(r"[^\W_]")


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of text, in order, as spans (see the module docstring for the rules)."""
    sentences: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        punct = m.group()
        if punct == "\n":
            end = m.start()
        else:
            if punct[0] == "." and not _ends_sentence(text, m.start(), m.end()):
                continue
            end = m.end()
        _add_sentence(text, start, end, sentences)
        start = m.end()
    _add_sentence(text, start, len(text), sentences)
    return sentences


def _ends_sentence(text: str, dot: int, after: int) -> bool:
    """Whether the period at `dot` (followed by whitespace at `after`) ends a sentence."""
    # abbreviations are short: look back a bounded distance for the start of the word
    low = max(0, dot - _MAX_WORD)
    word_start = max(
        text.rfind(" ", low, dot), text.rfind("\n", low, dot), text.rfind("\t", low, dot)
    )
    word_start = word_start + 1 if word_start >= 0 else low
    word = text[word_start:dot].lower().lstrip("(\"'“\u2018[")
    nxt = after
    while nxt < len(text) and text[nxt] in " \t":
        nxt += 1
    next_char = text[nxt] if nxt < len(text) else ""
    if not word or next_char == "":
        return True
    if word in _ABBREV_ALWAYS:
        return False
    if len(word) == 1 and word.isalpha() and text[word_start].isupper() and next_char.isupper():
        return False  # an initial: "J. R. R. Tolkien"
    if word.isdigit() and text[dot + 1 : after].strip() == "" and _line_start(text, word_start):
        return False  # a numbered list marker "1. "
    if next_char.islower():
        return False
    if next_char.isdigit():
        return not (word in _ABBREV_WEAK or "." in word)  # "No. 5", "pp. 12-14"
    return True


def _line_start(text: str, pos: int) -> bool:
    """Only spaces or tabs stand between the start of pos's line and pos."""
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] == "\n"


def _add_sentence(text: str, start: int, end: int, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    m = _LEAD_MARKER.match(text, start, end)
    if m is not None:
        start = m.end()
    if start < end and _HAS_WORD.search(text, start, end):
        out.append(Sentence(start, end, text[start:end]))


# --- tokens --------------------------------------------------------------------------------

STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are aren as at be because been
    before being below between both but by can cannot could couldn did didn do does doesn doing
    don down during each few for from further had hadn has hasn have haven having he her here
    hers herself him himself his how however i if in into is isn it its itself just let ll me
    more most much must mustn my myself no nor not now of off on once only or other ought our
    ours ourselves out over own re same shan she should shouldn so some such than that the
    their theirs them themselves then there these they this those through to too under until
    up upon us very was wasn we were weren what when where which while who whom why will with
    won would wouldn ve you your yours yourself yourselves also according per via yes okay ok
    sure may might shall one thus therefore hence within without""".split()  # noqa: SIM905 - reads better as text
)

# wider than lang.KANJI: compatibility ideographs and the iteration marks tokenize as kanji
_CJK_KANJI = KANJI + "\uf900-\ufaff々〆"
_TOKEN = re.compile(
    rf"\d+(?:[.,]\d+)*"
    rf"|[{_CJK_KANJI}]+"
    rf"|[{KATAKANA}]+"
    rf"|[{HIRAGANA}]+"
    rf"|[^\W\d_{_CJK_KANJI}{KATAKANA}{HIRAGANA}]+"
)
_ASCII_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[a-z]+")
_JAPANESE = re.compile(rf"[{HIRAGANA}{KATAKANA}{_CJK_KANJI}]")
_KANJI_CHAR = re.compile(rf"[{_CJK_KANJI}]")
_KATAKANA_CHAR = re.compile(rf"[{KATAKANA}]")
_HIRAGANA_CHAR = re.compile(rf"[{HIRAGANA}]")
_DOUBLED = frozenset("bdgkmnprt")


@functools.lru_cache(maxsize=16384)
def _token_parts(raw: str) -> tuple[str, ...]:
    """The tokens one lowercase regex match becomes (none for stop words and hiragana)."""
    first = raw[0]
    if first.isdigit():
        return (raw.replace(",", ""),)
    if _KANJI_CHAR.match(first):
        if len(raw) == 1:
            return (raw,)
        return tuple(raw[i : i + 2] for i in range(len(raw) - 1))
    if _KATAKANA_CHAR.match(first):
        return (raw,) if len(raw) > 1 else ()
    if _HIRAGANA_CHAR.match(first) or len(raw) < 2 or raw in STOP_WORDS:
        return ()
    return (stem(raw),)


def stem(word: str) -> str:
    """A light, consistent suffix stemmer: both sides of a comparison go through it."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") or word.endswith("ied"):
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) >= 4 and word[-1] == word[-2] and word[-1] in _DOUBLED:
                word = word[:-1]
            break
    if word.endswith("ly") and len(word) >= 6:
        word = word[:-2]
    if word.endswith("e") and len(word) >= 5:
        word = word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Lowercase content words of text (see the module docstring)."""
    # one cached lookup per match keeps this fast: most words repeat across texts
    lowered = text.lower()
    if lowered.isascii():
        matches = _ASCII_TOKEN.findall(lowered)
    else:
        matches = _TOKEN.findall(lowered.translate(_FULLWIDTH))
    return [token for parts in map(_token_parts, matches) for token in parts]


def is_japanese(text: str) -> bool:
    """The text contains hiragana, katakana or kanji."""
    return _JAPANESE.search(text) is not None


# --- numbers -------------------------------------------------------------------------------

# Full-width digits and signs map one to one onto ASCII, so offsets stay valid.
_FULLWIDTH = {0xFF10 + i: 0x30 + i for i in range(10)} | {0xFF0E: 0x2E, 0xFF0C: 0x2C, 0xFF05: 0x25}
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.,\-])(?<!\d-)"
    r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?(?![.,]?\d)"
    r"(?:(?P<pct>[ \t]?(?:%|percent\b|per cent\b))"
    r"|[ \t]?(?P<scale>thousand|million|billion|trillion|万|億|兆))?",
    re.IGNORECASE,
)
_SCALE = {
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
    "万": 10**4,
    "億": 10**8,
    "兆": 10**12,
}
_DIGIT = re.compile(r"[0-9\uff10-\uff19]")
_BRACKET_MARKER = re.compile(r"\[\d{1,3}(?:\s*[,\u2013-]\s*\d{1,3})*\]")


def numbers(text: str) -> list[Mention]:
    """Numbers in text with a canonical form (see the module docstring)."""
    if _DIGIT.search(text) is None:
        return []
    scan = text.translate(_FULLWIDTH)
    skip = [(m.start(), m.end()) for m in _BRACKET_MARKER.finditer(scan)]
    skip.extend((u.start, u.end) for u in urls(scan))
    found: list[Mention] = []
    for m in _NUMBER.finditer(scan):
        start, end = m.span()
        if skip and any(s <= start < e for s, e in skip):
            continue
        if _is_list_marker(scan, start, end):
            continue
        integer, frac, pct, scale = m.group("int", "frac", "pct", "scale")
        if frac is None and scale is None:
            norm: str | None = integer.replace(",", "").lstrip("0") or "0"
        else:
            norm = _number_norm(integer, frac, scale)
        if norm is None:
            continue
        if pct:
            norm += "%"
        found.append(Mention(start, end, text[start:end], norm))
    return found


def _is_list_marker(text: str, start: int, end: int) -> bool:
    if end >= len(text) or text[end] not in ".)":
        return False
    return text[end + 1 : end + 2] in (" ", "\t") and _line_start(text, start)


@functools.lru_cache(maxsize=4096)
def _number_norm(integer: str, frac: str | None, scale: str | None) -> str | None:
    digits = integer.replace(",", "")
    try:
        value = Decimal(f"{digits}.{frac}" if frac else digits)
    except InvalidOperation:
        return None
    if scale:
        value *= _SCALE[scale.lower()]
    return format(value.normalize(), "f")


def number_key(norm: str) -> str:
    """The value part of a number's norm: "3.5%" and "3.5" agree on it."""
    return norm.rstrip("%")


# --- entities ------------------------------------------------------------------------------

_CAP = r"[A-ZÀ-ÖØ-Þ](?:[A-Za-z0-9À-ÖØ-öø-ÿ]|['\u2019\-](?=[A-Za-z0-9]))*"
_CONNECT = r"(?:of|the|de|del|da|di|von|van|der|du|la|le|and|for|on|in)"
_ENTITY = re.compile(
    rf"(?<![A-Za-z0-9À-ÖØ-öø-ÿ'\u2019\-])(?:{_CAP})(?:[ \t]+(?:{_CONNECT}[ \t]+)*(?:{_CAP}))*"
    r"|\"(?P<q1>[^\"\n]{2,80})\""
    r"|“(?P<q2>[^”\n]{2,80})”"
    r"|「(?P<q3>[^」\n]{1,80})」"
    r"|『(?P<q4>[^』\n]{1,80})』"
    rf"|(?P<kata>[{KATAKANA}]{{3,}})"
)
_SENTENCE_STARTERS = STOP_WORDS | frozenset(
    """overall finally first second third today yesterday tomorrow meanwhile moreover
    furthermore additionally instead still yet note please here there in on at while see
    visit check use try consider remember based thanks unlike like since although though
    hello hi welcome great""".split()  # noqa: SIM905 - reads better as text
)
_POSSESSIVE = re.compile(r"['\u2019]s$")


def entities(text: str) -> list[Mention]:
    """Names and quoted strings in text (see the module docstring)."""
    found: list[Mention] = []
    for m in _ENTITY.finditer(text):
        quoted = m.lastgroup
        if quoted is not None:
            start, end = m.span(quoted)
            _add_entity(text, start, end, found)
            continue
        start, end = m.span()
        words = m.group().split()
        at_start = _sentence_initial(text, start)
        if at_start and words[0].lower() in _SENTENCE_STARTERS:
            # "The Eiffel Tower" -> "Eiffel Tower"; "In the Bank of Japan" -> "Bank of Japan"
            rest = 1
            while rest < len(words) and words[rest].islower():
                rest += 1
            if rest == len(words):
                continue
            start = text.index(words[rest], start + len(words[0]))
            words = words[rest:]
            at_start = False
        if len(words) == 1:
            word = words[0]
            if at_start or word.lower() in STOP_WORDS or len(word) == 1:
                continue
        _add_entity(text, start, end, found)
    return found


def _add_entity(text: str, start: int, end: int, out: list[Mention]) -> None:
    raw = text[start:end]
    norm = _POSSESSIVE.sub("", " ".join(raw.lower().split()))
    if norm:
        out.append(Mention(start, end, raw, norm))


def _sentence_initial(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in " \t\"'“\u2018([*_#>-•":
        i -= 1
    if i < 0:
        return True
    ch = text[i]
    if ch == ".":
        word_start = i
        while word_start > 0 and i - word_start < _MAX_WORD and not text[word_start - 1].isspace():
            word_start -= 1
        word = text[word_start:i]
        # not after "Dr." or an initial: "Dr. Smith", "J. Smith"
        return not (word.lower() in _ABBREV_ALWAYS or (len(word) == 1 and word.isupper()))
    if ch in "!?:;\n。\uff01\uff1f…":
        return True
    # a numbered list marker "1. " or "2) "
    return ch in ".)" and i > 0 and text[i - 1].isdigit()


# --- URLs ----------------------------------------------------------------------------------

_URL = re.compile(
    r"(?:(?<![A-Za-z0-9+.-])(?:https?|ftp)://|(?<![\w.@/-])www\.)[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]*",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'*_"
_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref_src)$", re.IGNORECASE)


def urls(text: str) -> list[Mention]:
    """URLs in text, trimmed of trailing punctuation, each with its normalised form."""
    if "://" not in text and "www." not in text and "WWW." not in text:
        return []
    found: list[Mention] = []
    for m in _URL.finditer(text):
        start, end = m.span()
        while end > start:
            ch = text[end - 1]
            if ch in _TRAILING or (ch == ")" and _unbalanced_paren(text[start:end])):
                end -= 1
                continue
            break
        raw = text[start:end]
        found.append(Mention(start, end, raw, normalize_url(raw)))
    return found


def _unbalanced_paren(url: str) -> bool:
    return url.count(")") > url.count("(")


def normalize_url(url: str) -> str:
    """The form in which two URLs are compared (see the module docstring)."""
    raw = url.strip()
    if "://" not in raw:
        raw = "http://" + raw
    try:
        parts = urlsplit(raw)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return raw.lower()
    if host.startswith("www."):
        host = host[4:]
    scheme = parts.scheme.lower()
    if port is not None and not (
        (scheme == "http" and port == 80) or (scheme == "https" and port == 443)
    ):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = parts.query
    if query:
        pairs = [
            (k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _TRACKING.match(k)
        ]
        query = urlencode(sorted(pairs))
    return f"{host}{path}" + (f"?{query}" if query else "")


# --- code ----------------------------------------------------------------------------------

_FENCE = re.compile(r"^[ \t]*(```|~~~).*?(?:^[ \t]*\1[ \t]*$|\Z)", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]+`")


def code_spans(text: str) -> list[tuple[int, int]]:
    """Fenced code blocks and inline code, as sorted (start, end) spans."""
    if "`" not in text and "~~~" not in text:
        return []
    spans = [m.span() for m in _FENCE.finditer(text)]
    for m in _INLINE_CODE.finditer(text):
        if not any(s <= m.start() < e for s, e in spans):
            spans.append(m.span())
    return sorted(spans)


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps any of spans."""
    return any(s < end and start < e for s, e in spans)
