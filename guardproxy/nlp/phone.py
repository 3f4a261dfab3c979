"""guardproxy's PHONE_NUMBER recognizer: presidio's matches for less work, minus non-numbers.

presidio's PhoneRecognizer runs phonenumbers' matcher over the whole text once per region,
and the matcher parses every run of digits it meets (years, prices, order numbers) in every
region, each piece of it again when the whole does not parse. This recognizer runs the same
matcher with the same regions, but:
- a candidate, or a piece of one, with fewer digits than the shortest number valid in the
  region (or anywhere, written with its country code) is not parsed: it could not match;
- the search for candidates runs once for all regions, and a number written with "+" and a
  known country code is parsed once, since the region does not change how it reads;
- matches that are something else (dates, addresses, versions, identifiers: see
  `PhoneScreen`) are dropped, and so are candidates in which every match would be.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Container
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from phonenumbers import PhoneMetadata

# A date with a four-digit year, day and month in either order ("03.04.1969", "05/01/2000",
# "1985-06-08"), the same separator twice; the values are checked in `_is_date`.
_DATE = re.compile(
    r"(?<![\d+])(?<!\d[./-])"
    r"(?:(\d{1,2})([./-])(\d{1,2})\2((?:19|20)\d\d)|((?:19|20)\d\d)([./-])(\d{1,2})\6(\d{1,2}))"
    r"(?![\d]|[./-]\d)"
)
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
# Dotted quads are written without leading zeros; a phone number split by dots has them
# ("01.23.45.67.89") or groups over 255 ("212.555.0132").
_IPV4 = re.compile(rf"(?<![\d+])(?<!\d\.)(?:{_OCTET}\.){{3}}{_OCTET}(?!\d|\.\d)")
# Three or more dotted parts, all but the last of one or two digits and the first without a
# leading zero ("3.7.3", "10.0.19045"); dotted phone numbers have longer groups
# ("1.800.555.0199") or a leading zero ("06.12.34.56.78").
_VERSION = re.compile(r"(?<![\d+])(?<!\d\.)(?:0|[1-9]\d?)(?:\.\d{1,2})+\.\d+(?!\d|\.\d)")
# What sits right before an identifier's digits: "#069892", "?id=164887", ".../orders/1234567".
_ID_MARKS = frozenset("#\uff03=")  # with the fullwidth #
_PLUS_CHARS = "+\uff0b"  # and the fullwidth +


class PhoneScreen:
    """The rules that turn down a phone-number match in one text.

    phonenumbers accepts any digit run that is valid in some numbering plan; these are the
    runs that are valid but never written as phone numbers:
    - dates with a four-digit year (03.04.1969, 05/01/2000, 1985-06-08);
    - parts of dotted IPv4 addresses (192.168.4.171) and version strings (3.7.3);
    - identifiers: digits right after `#`, `=`, a `/` that does not follow a digit (a URL
      path, not "030/1234567"), or letters and a hyphen (ORD-07826230); and digits that touch
      a letter of any script (phonenumbers only turns down Latin ones).
    """

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def _tokens(self) -> list[tuple[int, int]]:
        """Spans of dates, IPv4 addresses and version strings (looked for once, on demand)."""
        text = self.text
        spans = [m.span() for m in _DATE.finditer(text) if _is_date(m)]
        spans += [m.span() for m in _IPV4.finditer(text)]
        spans += [m.span() for m in _VERSION.finditer(text)]
        return spans

    def rejects(self, start: int, end: int) -> bool:
        """True if text[start:end], found as a phone number, is something else."""
        text = self.text
        while start < end and text[start].isspace():  # the matcher keeps " " after a "/"
            start += 1
        return self._attached(start, end) or self._inside_token(start, end)

    def rejects_every_match(self, candidate: str, offset: int) -> bool:
        """True if every match phonenumbers could find in this candidate would be rejected.

        A candidate of digits alone is matched whole or not at all.
        """
        end = offset + len(candidate)
        return self._inside_token(offset, end) or (
            candidate.isdecimal() and self._attached(offset, end)
        )

    def _inside_token(self, start: int, end: int) -> bool:
        text = self.text
        while start < end and not text[start].isalnum():  # "(" or "+" before the digits
            start += 1
        return any(s <= start and end <= e for s, e in self._tokens)

    def _attached(self, start: int, end: int) -> bool:
        text = self.text
        if end < len(text) and _spaced_letter(text[end]):
            return True
        if start == 0 or text[start] in _PLUS_CHARS:  # "+" and a country code: a number
            return False
        before = text[start - 1]
        if before in _ID_MARKS:
            return True
        if _spaced_letter(before):
            return text[start].isalnum()  # "+" or "(" keeps a number apart from a word
        joined_to = text[start - 2] if start > 1 else ""
        if before == "/":
            return not joined_to.isdecimal()
        return before == "-" and joined_to.isalpha()


_UNSPACED_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI", "LAO", "KHMER", "MYANMAR")


def _spaced_letter(ch: str) -> bool:
    """A letter of a script that puts spaces between words: digits glued to it are a code
    ("A123"). Japanese, Chinese, Korean or Thai text runs numbers into the words around
    them ("電話番号は090-1234-5678です"), so their letters do not count."""
    if not ch.isalpha():
        return False
    if ch.isascii():
        return True
    return not unicodedata.name(ch, "").startswith(_UNSPACED_SCRIPTS)


def _is_date(match: re.Match[str]) -> bool:
    """True if a `_DATE` match has a real day and month."""
    if match[1] is not None:
        first, second = int(match[1]), int(match[3])
        return (1 <= first <= 31 and 1 <= second <= 12) or (1 <= first <= 12 and 1 <= second <= 31)
    return 1 <= int(match[7]) <= 12 and 1 <= int(match[8]) <= 31


def _alnum_count(text: str) -> int:
    """How many digits the text can give a number (letters may stand for digits)."""
    return sum(map(str.isalnum, text))


def _shortest(metadata: PhoneMetadata | None) -> int:
    """The fewest digits of a valid national number under this metadata."""
    desc = metadata.general_desc if metadata is not None else None
    lengths = [n for n in desc.possible_length if n > 0] if desc is not None else []
    return min(lengths, default=1)


@functools.cache
def _shortest_international() -> int:
    """The fewest digits of a valid number written with its country code, in any country."""
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

    return min(
        len(str(code)) + _shortest(PhoneMetadata.metadata_for_region_or_calling_code(code, region))
        for code, regions in COUNTRY_CODE_TO_REGION_CODE.items()
        for region in regions
    )


def min_digits(region: str | None) -> int:
    """The fewest digits a match can have when phonenumbers matches in this region.

    A number is national to the region (or to a region sharing its country code) or written
    with a country code; either way it has at least this many digits.
    """
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata, country_code_for_region

    code = country_code_for_region((region or "").upper())
    regions = COUNTRY_CODE_TO_REGION_CODE.get(code, ())
    national = min(
        (_shortest(PhoneMetadata.metadata_for_region(r)) for r in regions),
        default=_shortest_international(),
    )
    return min(national, _shortest_international())


def _country_code_after_plus(candidate: str, country_codes: Container[int]) -> bool:
    """True if phonenumbers reads this candidate as "+", a known country code and the rest.

    Such a candidate parses and verifies the same way whatever the default region, so one
    region's answer serves all of them. Letters (extensions, vanity numbers) and an unknown
    code after the plus (which phonenumbers retries in the default region) are left to each
    region.
    """
    lead = next((i for i, c in enumerate(candidate) if c in _PLUS_CHARS or c.isdecimal()), None)
    if lead is None or candidate[lead] not in _PLUS_CHARS:
        return False
    if any(c.isalpha() for c in candidate):
        return False
    digits = "".join(str(int(c)) for c in candidate[lead:] if c.isdecimal())
    return not digits.startswith("0") and any(
        int(digits[:n]) in country_codes for n in range(1, min(3, len(digits)) + 1)
    )


def _without_open_bracket(text: str, start: int, end: int) -> int:
    """Where a number starts once an opening bracket it never closes is left outside.

    phonenumbers takes "[" as a possible start of a number, so "[+44 20 7946 0958" would
    be redacted with the bracket the text opened before it.
    """
    while start < end and text[start] in "[{":
        if text.find("]" if text[start] == "[" else "}", start, end) >= 0:
            break
        start += 1
    return start


@functools.cache
def _recognizer_class() -> type[Any]:
    """The recognizer class (built on first use, so that importing this module does not
    import presidio)."""
    from phonenumbers import (
        COUNTRY_CODE_TO_REGION_CODE,
        PhoneNumberMatch,
        PhoneNumberMatcher,
        parse,
        region_code_for_number,
    )
    from phonenumbers.phonenumbermatcher import _PATTERN
    from phonenumbers.phonenumberutil import _SECOND_NUMBER_START_PATTERN, NumberParseException
    from presidio_analyzer import EntityRecognizer, RecognizerResult
    from presidio_analyzer.nlp_engine import NlpArtifacts
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer as PresidioPhoneRecognizer

    class _Candidates:
        """The candidates phonenumbers' matcher tries in one text, found once for all regions.

        The matcher searches again from the end of each match, and regions match in
        different places, so candidates are kept by the index the search starts from.
        """

        def __init__(self, text: str, screen: PhoneScreen, fewest_digits: int) -> None:
            self.text = text
            self._screen = screen
            self._fewest_digits = fewest_digits
            self._found: dict[int, tuple[int, str, int] | None] = {}
            self.international: dict[tuple[int, str], PhoneNumberMatch | None] = {}

        def at(self, index: int) -> tuple[int, str, int] | None:
            """(start, candidate, digits) of the first candidate from index; digits is 0 if
            the screen would reject every match in the candidate."""
            if index in self._found:
                return self._found[index]
            match = _PATTERN.search(self.text, index)
            found = None
            if match is not None:
                start, candidate = match.start(), match.group()
                # the matcher's own cut: "/ x" starts a second number
                second = _SECOND_NUMBER_START_PATTERN.search(candidate)
                if second is not None:
                    candidate = candidate[: second.start()]
                digits = _alnum_count(candidate)
                if digits >= self._fewest_digits and self._screen.rejects_every_match(
                    candidate, start
                ):
                    digits = 0
                found = (start, candidate, digits)
            self._found[index] = found
            return found

    class _Matcher(PhoneNumberMatcher):
        """phonenumbers' matcher on shared candidates; it does not parse what could not
        match in its region or would be rejected, nor an international number twice."""

        def __init__(
            self, candidates: _Candidates, region: str, leniency: int, min_digits: int
        ) -> None:
            super().__init__(candidates.text, region, leniency=leniency)
            self._candidates = candidates
            self._min_digits = min_digits

        def _find(self, index: int) -> PhoneNumberMatch | None:
            # phonenumbers' own loop, with the search shared and hopeless candidates
            # skipped. A skipped candidate still counts against max_tries (65,535 failures,
            # after which phonenumbers stops looking) but its pieces do not: in a text that
            # long this finds numbers that presidio's recognizer no longer does.
            while self._max_tries > 0:
                found = self._candidates.at(index)
                if found is None:
                    return None
                start, candidate, digits = found
                if digits >= self._min_digits:
                    match = self._extract_match(candidate, start)
                    if match is not None:
                        return match
                self._max_tries -= 1
                index = start + len(candidate)
            return None

        def _parse_and_verify(self, candidate: str, offset: int) -> PhoneNumberMatch | None:
            if _alnum_count(candidate) < self._min_digits:
                return None
            # an international number parses the same in every region: once per text
            known = self._candidates.international
            key = (offset, candidate)
            if key in known:
                return known[key]
            if not _country_code_after_plus(candidate, COUNTRY_CODE_TO_REGION_CODE):
                return super()._parse_and_verify(candidate, offset)
            known[key] = super()._parse_and_verify(candidate, offset)
            return known[key]

    class PhoneRecognizer(PresidioPhoneRecognizer):
        """presidio's PhoneRecognizer (same regions, score, context words and name) that
        parses only what could match and drops dates, addresses, versions and identifiers."""

        def load(self) -> None:
            if self.leniency is None:
                raise ValueError("PhoneRecognizer needs a leniency (0 to 3)")
            self._leniency: int = self.leniency
            self._min_digits = {region: min_digits(region) for region in self.supported_regions}
            self._fewest_digits = min(self._min_digits.values(), default=0)

        def analyze(
            self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
        ) -> list[RecognizerResult]:
            screen = PhoneScreen(text)
            candidates = _Candidates(text, screen, self._fewest_digits)
            if candidates.at(0) is None:
                return []
            # One result per span, from the first region that matches it: presidio keeps
            # that one of equal results too.
            spans: set[tuple[int, int]] = set()
            results: list[RecognizerResult] = []
            for region in self.supported_regions:
                matcher = _Matcher(candidates, region, self._leniency, self._min_digits[region])
                for match in matcher:
                    span = (match.start, match.end)
                    if span in spans or screen.rejects(*span):
                        continue
                    spans.add(span)
                    region_named = _number_region(match, region)
                    result = self._get_recognizer_result(  # type: ignore[no-untyped-call]
                        match, text, region_named, nlp_artifacts
                    )
                    result.start = _without_open_bracket(text, result.start, result.end)
                    results.append(result)
            return EntityRecognizer.remove_duplicates(results)

    def _number_region(match: PhoneNumberMatch, region: str) -> str | None:
        """The region named in the explanation: the number's own if it has a country code,
        else the region it was matched in (presidio names the last one it parsed)."""
        try:
            return region_code_for_number(parse(match.raw_string))
        except NumberParseException:
            return region

    return PhoneRecognizer


def phone_recognizer(language: str = "en") -> Any:
    """The recognizer that finds PHONE_NUMBER in analyzers built by guardproxy."""
    return _recognizer_class()(supported_language=language)
