"""guardproxy's own recognizers, added to presidio's predefined English ones.

Each one covers a way personal data is commonly written that presidio's defaults and a
small spaCy model miss: street addresses, names after a title or an introduction, names
that an e-mail address in the same text spells out, and nine-digit social security
numbers next to the word "SSN". Their scores sit below the default minimum where the
pattern alone is weak, so presidio's context words decide.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from guardproxy.nlp import gazetteers
from guardproxy.nlp.markup import is_shouted as _is_shouted
from guardproxy.nlp.phone import phone_recognizer


def _word_list(words: str) -> tuple[str, ...]:
    """The words of a space-separated list."""
    return tuple(words.split())


# --- street addresses -------------------------------------------------------------------

# Street types as postal services abbreviate them (USPS Publication 28, appendix C1; UK
# and Irish thoroughfare names), in title case.
_STREET_TYPES = _word_list(
    "Street St Avenue Ave Av Road Rd Boulevard Blvd Drive Dr Lane Ln Court Ct Place "
    "Pl Way Terrace Ter Parkway Pkwy Highway Hwy Circle Cir Square Sq Trail Trl Row "
    "Close Crescent Cres Grove Walk Mews Plaza Alley Esplanade Quay Loop Crossing "
    "Xing Pike Path Hill Heights Hts Park Gardens Gdns"
)
# street types that are also ordinary nouns after a number ("10 minutes walk")
_NOUN_STREET_TYPES = frozenset(
    _word_list("Walk Hill Park Path Loop Way Row Close Square Gardens Heights")
)
_UNIT = (
    r"(?:,?\s+(?i:apt|apartment|suite|ste|unit|flat|floor|fl|room|rm|#)"
    r"\.?\s*#?\s*[A-Za-z0-9-]{1,6}\b)?"
)
# Latin-1 capitals and small letters; Latin Extended-A (Ł, ć, Đ, ...) mixes both cases in
# one block and counts as either
_UPPER = "A-ZÀ-ÖØ-Þ\u0100-\u017f"
_LOWER = "a-zß-öø-ÿ\u0100-\u017f"


_ABBREVIATED_TYPES = frozenset(
    _word_list("St Ave Av Rd Blvd Dr Ln Ct Pl Ter Pkwy Hwy Cir Sq Trl Cres Xing Hts Gdns")
)


def _street_pattern(word: str, types: Iterable[str], min_digits: int = 1) -> str:
    types = list(types)
    full = "|".join(
        sorted((t for t in types if t.title() not in _ABBREVIATED_TYPES), key=len, reverse=True)
    )
    short = "|".join(
        sorted((t for t in types if t.title() in _ABBREVIATED_TYPES), key=len, reverse=True)
    )
    number = rf"\d{{{min_digits},6}}"
    # the dot after an abbreviation ("Oak Rd.") is part of the address; a full word's
    # dot ends the sentence
    kinds = rf"(?:(?:{full})\b|(?:{short})\b\.?)"
    return rf"\b{number}[A-Za-z]?\s+(?:{word}\s+){{1,3}}{kinds}{_UNIT}"


_TITLE_WORD = rf"(?:[{_UPPER}][{_LOWER}'\u2019-]+|[{_UPPER}]\.|\d+(?:st|nd|rd|th))"
_CAPS_WORD = rf"(?:[{_UPPER}][{_UPPER}'\u2019-]+|\d+(?:ST|ND|RD|TH))"
_SMALL_WORD = rf"(?:[{_LOWER}][{_LOWER}'\u2019-]+|\d+(?:st|nd|rd|th))"

_ADDRESS_CONTEXT = _word_list(
    "address street live lives living resides ship shipping deliver delivery mail "
    "mailing billing home pick located moved"
)

# --- names --------------------------------------------------------------------------------

_NAME = rf"[{_UPPER}][{_LOWER}'\u2019-]+"
_CAPS_NAME = rf"[{_UPPER}][{_UPPER}'\u2019-]+"
_TITLES = "Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Mme|Mlle|Herr|Frau"
_TITLED_NAME = rf"\b(?:{_TITLES})\.?\s+(?:[{_UPPER}]\.\s+)?{_NAME}(?:\s+{_NAME})?"
# in capitals the word after a surname looks the same as the surname: one word only
_CAPS_TITLED_NAME = rf"\b(?:{_TITLES.upper()})\.?\s+{_CAPS_NAME}"
_SMALL_TITLED_NAME = rf"\b(?:{_TITLES.lower()})\.\s+[{_LOWER}][{_LOWER}'\u2019-]+"
# A name introduced by its owner or addressed in a greeting or sign-off.
_INTRODUCTIONS = ("my name is", "this is", "name:", "dear", "regards,", "sincerely,")
# words after an introduction or greeting that address a role, not a person
_ROLE_WORDS = (
    "The|A|An|All|Everyone|Everybody|Team|Customer|Customers|Client|Clients|User|Users|"
    "Support|Sales|Service|Services|Sir|Madam|Friend|Friends|Colleague|Colleagues|Member|"
    "Members|Partner|Partners|Applicant|Candidate|Reader|Readers|Guest|Guests|Admin|"
    "Administrator|Manager|Hiring|Valued|Dear|Hello|Hi|Thanks"
)
_INTRODUCED_NAME = (
    "(?:" + "|".join(rf"(?<=\b(?i:{cue})\s)" for cue in _INTRODUCTIONS) + ")"
    rf"(?!(?:{_ROLE_WORDS})\b)"
    rf"{_NAME}(?:\s+(?:[{_UPPER}]\.\s+)?{_NAME}){{0,2}}"
    # a name ends its phrase ("This is Ana Ruiz.", "this is Ana from billing"), where a
    # thing goes on ("This is Python code")
    r"(?=\s*(?:[.,;:!?\n]|$)|\s+(?:from|here|speaking|calling|with|at)\b)"
)
_GREETED_NAME = (
    "(?:" + "|".join(rf"(?<=\b{cue}\s)" for cue in ("Hi", "Hello", "Hey")) + ")"
    rf"(?!(?:{_ROLE_WORDS})\b){_NAME}(?:\s+{_NAME})?(?=\s*[,!])"
)

# bounded local part (64 characters, as RFC 5321 allows) that starts where a run starts:
# no rescanning of a long run of dots from every position
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b")
# local parts that name a role or a mailbox, not a person
_ROLE_ACCOUNTS = frozenset(
    _word_list(
        "info support sales security admin administrator team contact contacts hello help "
        "helpdesk noreply reply office jobs careers press media marketing service services "
        "webmaster postmaster hostmaster abuse privacy legal accounts account billing orders "
        "feedback newsletter notifications alerts ops devops dev root mail email enquiries "
        "inquiries hr finance payments invoices booking bookings reservations customer "
        "customers care news events partners community users user test example hi"
    )
)
_WORD = re.compile(rf"[{_UPPER}{_LOWER}][{_UPPER}{_LOWER}'\u2019-]*")
_MIN_PART = 3


def _inside(position: int, starts: list[int], spans: list[tuple[int, int, str]]) -> bool:
    """Whether position falls in one of the sorted, disjoint spans."""
    i = bisect.bisect_right(starts, position) - 1
    return i >= 0 and position < spans[i][1]


def _name_parts(local: str) -> tuple[set[str], set[str], set[str]]:
    """(whole words, words glued to an initial, initials) that an e-mail local part spells
    out."""
    pieces = [p for p in re.split(r"[^a-z]+", local.lower()) if p and p not in _ROLE_ACCOUNTS]
    whole = {p for p in pieces if len(p) >= _MIN_PART}
    glued = {p[1:] for p in pieces if len(p) > _MIN_PART}  # jsmith -> smith
    glued |= {p[:-1] for p in pieces if len(p) > _MIN_PART}  # smithj -> smith
    return whole, glued, {p[0] for p in pieces}


def _ascii_lower(word: str) -> str:
    folded = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in folded if c.isascii() and c.isalpha())


# --- words and their casing, for the gazetteer recognizers -------------------------------

_CONNECTORS = frozenset(
    _word_list("de del della di da do dos das du la le les of upon am an der van von y")
)
_PLACE_CUES = frozenset(
    _word_list(
        "in from to at near via into visiting visit visited around outside across toward "
        "towards between flying flew moved born based"
    )
)
_NOT_SURNAMES = frozenset(
    _word_list(
        "The A An And Or But If In On At To From For With By Of Is Was Has Had Will Would "
        "Can Could Should May Might Must Do Does Did Not No Yes I We You He She They It "
        "This That These Those Here There When Where What Who Why How Hi Hello Dear "
        "Thanks Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
    )
)


# A whole URL, e-mail address, domain name or code mixing letters and digits ("u/anna12"),
# else one word made of letters.
_SKIPPED_OR_WORD = re.compile(
    r"(?<!\S)\S*?(?:[/@]|[^\W\d_]\.[^\W\d_]|[^\W_]\d|\d[^\W\d_])\S*"
    r"|(?P<word>[^\W\d_](?:[^\W\d_]|['\u2019-](?=[^\W\d_]))*)"
)
_last_words: tuple[tuple[int, int, int], list[tuple[int, int]]] = ((0, 0, 0), [])


def _words(text: str) -> list[tuple[int, int]]:
    """Spans of the words made of letters, leaving out the words inside URLs, e-mail
    addresses, domain names and codes mixing letters and digits.

    The place and given-name recognizers both ask for the words of the same text in a
    row, so the last answer is kept.
    """
    global _last_words
    # the text's identity, length and hash: no reference to the text (it may hold personal
    # data) outlives the analysis
    key = (id(text), len(text), hash(text))
    last_key, last_spans = _last_words
    if last_key == key:
        return last_spans
    spans = [m.span() for m in _SKIPPED_OR_WORD.finditer(text) if m.lastgroup == "word"]
    _last_words = (key, spans)
    return spans


def _casing(value: str, shouted: bool) -> str:
    """ "capitalised", "lowercase" or "" (mixed, or capitals in ordinary text)."""
    words = [w for w in value.split() if w.casefold() not in _CONNECTORS] or value.split()
    if all(w[0].isupper() and (not w[1:].isupper() or shouted or len(w) == 1) for w in words):
        return "capitalised"
    if value.islower():
        return "lowercase"
    return ""


def _joined_by_spaces(text: str, end: int, start: int) -> bool:
    gap = text[end:start]
    return 0 < len(gap) <= 2 and gap.strip(" -") == ""


def _longest_entry(
    text: str,
    words: list[tuple[int, int]],
    i: int,
    max_words: int,
    flags: dict[str, str],
) -> tuple[int, str] | None:
    """(index of the last word, flags) of the longest list entry starting at word i."""
    best: tuple[int, str] | None = None
    last = i
    while last < len(words) and last - i < max_words:
        if last > i and not _joined_by_spaces(text, words[last - 1][1], words[last][0]):
            break
        entry = flags.get(gazetteers.lookup_key(text[words[i][0] : words[last][1]]))
        if entry is not None:
            best = (last, entry)
        last += 1
    return best


_OPENERS = " \t\n'\"([<"
_CUE_REACH = 64
_STREET_TYPE_WORDS = frozenset(t.casefold() for t in _STREET_TYPES)


def _place_cue(text: str, words: list[tuple[int, int]], first: int, last: int) -> bool:
    """A word such as "in" or "from" before the name (maybe with "the" between), a comma
    after a street address or a name, or a comma and a country after it."""
    after = first
    before = first - 1
    for _ in range(2):
        if before < 0 or text[words[before][1] : words[after][0]].strip(_OPENERS):
            break
        word = text[words[before][0] : words[before][1]].casefold()
        if word in _PLACE_CUES:
            return True
        if word != "the":
            break
        after, before = before, before - 1
    # only the few words before the name matter: never slice the whole text before it
    head = text[max(0, words[first][0] - _CUE_REACH) : words[first][0]].rstrip(_OPENERS)
    if head.endswith(","):
        prior = head[:-1].rstrip().rstrip(".").split()
        last_word = prior[-1].strip(")]>'\"") if prior else ""
        if (
            any(c.isdigit() for c in last_word)
            or last_word[:1].isupper()
            or last_word.casefold() in _STREET_TYPE_WORDS
        ):
            return True
    if text.startswith(", ", words[last][1]) and last + 1 < len(words):
        country = gazetteers.places().flags.get(
            gazetteers.lookup_key(text[words[last + 1][0] : words[last + 1][1]])
        )
        return country is not None and "c" in country
    return False


# words that make a capitalised pair an organisation or a product, not a person
_ORGANISATION_WORDS = frozenset(
    _word_list(
        "Partners Logistics Transit Energy Analytics Systems Group Holdings Capital Labs "
        "Solutions Technologies Tech Consulting Foundation University College School "
        "Hospital Clinic Bank Airlines Airways Motors Media Studios Games Software "
        "Networks Health Insurance Ventures Industries International Global Corp "
        "Corporation Inc Ltd LLC GmbH Company Co Agency Institute Center Centre Services "
        "Records Pharma Robotics Cloud"
    )
)


def _after_article(text: str, words: list[tuple[int, int]], i: int) -> bool:
    if i == 0 or not _joined_by_spaces(text, words[i - 1][1], words[i][0]):
        return False
    return text[words[i - 1][0] : words[i - 1][1]].casefold() in {"the", "a", "an"}


_MODEL_NUMBER = re.compile(r" \S*\d")


def _surname_after(text: str, words: list[tuple[int, int]], i: int, shouted: bool) -> int | None:
    """Index of the capitalised surname after the given name at word i (maybe after a
    middle initial); i if there is none; None if the next word makes the pair an
    organisation or a product ("Stellan Partners", "Aria Q600")."""
    j = i + 1
    if (
        j < len(words)
        and words[j][1] - words[j][0] == 1
        and text[words[j][1] : words[j][1] + 1] == "."
        and _joined_by_spaces(text, words[i][1], words[j][0])
    ):
        j += 1  # a middle initial: "Rahul H. Nielsen"
    if _MODEL_NUMBER.match(text, words[j - 1][1] + (1 if j > i + 1 else 0)):
        return None  # a model number follows: a product
    if j >= len(words) or not _joined_by_spaces(text, words[j - 1][1] + (j > i + 1), words[j][0]):
        return i
    word = text[words[j][0] : words[j][1]]
    if word.title() in _ORGANISATION_WORDS:
        return None
    title = word[0].isupper() and (shouted or not word.isupper()) and len(word) > 1
    if title and word.title() not in _NOT_SURNAMES:
        return j
    return i


def _recognizer_classes() -> dict[str, type[Any]]:
    """The recognizer classes, built on first use so that presidio is imported late."""
    from presidio_analyzer import (
        EntityRecognizer,
        Pattern,
        PatternRecognizer,
        RecognizerResult,
    )
    from presidio_analyzer.predefined_recognizers import UsSsnRecognizer

    case_sensitive = re.MULTILINE

    def _result(recognizer: Any, entity: str, start: int, end: int, score: float) -> Any:
        return RecognizerResult(
            entity_type=entity,
            start=start,
            end=end,
            score=score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
            },
        )

    class StreetAddressRecognizer(PatternRecognizer):
        """Street addresses: a house number, one to three words and a street type."""

        def __init__(self, language: str) -> None:
            types = _STREET_TYPES
            patterns = [
                Pattern("street address", _street_pattern(_TITLE_WORD, types), 0.9),
                Pattern(
                    "street address (capitals)",
                    _street_pattern(_CAPS_WORD, [t.upper() for t in types]),
                    0.9,
                ),
                # lowercase words are often not an address ("10 minutes walk"): a
                # house number of two digits or more, no street types that are
                # ordinary nouns, and reported only next to a word like "address"
                Pattern(
                    "street address (lowercase)",
                    _street_pattern(
                        _SMALL_WORD,
                        [t.lower() for t in types if t not in _NOUN_STREET_TYPES],
                        min_digits=2,
                    ),
                    0.3,
                ),
                Pattern(
                    "street address (name first)",
                    rf"\b[{_UPPER}][{_LOWER}]+(?:straße|strasse|str\.|weg|platz|gasse|allee|"
                    r"damm)\s+\d{1,4}[a-z]?\b",
                    0.9,
                ),
                Pattern(
                    "street address (French)",
                    r"\b\d{1,4}(?:\s*bis)?,?\s+(?i:rue|avenue|boulevard|bd|place|allée|chemin|"
                    rf"impasse|quai)\s+(?:(?:de|du|des|la|le|l'|d')\s*)*[{_UPPER}][\w'\u2019-]+"
                    rf"(?:\s+[{_UPPER}][\w'\u2019-]+){{0,2}}",
                    0.9,
                ),
            ]
            super().__init__(
                supported_entity="LOCATION",
                name="StreetAddressRecognizer",
                patterns=patterns,
                context=list(_ADDRESS_CONTEXT),
                supported_language=language,
                global_regex_flags=case_sensitive,
            )

    class TitledNameRecognizer(PatternRecognizer):
        """Names after a title (Ms. Rossi), an introduction (my name is) or a greeting."""

        def __init__(self, language: str) -> None:
            patterns = [
                Pattern("name after a title", _TITLED_NAME, 0.9),
                Pattern("name after a title (capitals)", _CAPS_TITLED_NAME, 0.9),
                Pattern("name after a title (lowercase)", _SMALL_TITLED_NAME, 0.6),
                Pattern("introduced name", _INTRODUCED_NAME, 0.6),
                Pattern("greeted name", _GREETED_NAME, 0.6),
            ]
            super().__init__(
                supported_entity="PERSON",
                name="TitledNameRecognizer",
                patterns=patterns,
                context=[],
                supported_language=language,
                global_regex_flags=case_sensitive,
            )

        def analyze(
            self,
            text: str,
            entities: list[str],
            nlp_artifacts: Any = None,
            regex_flags: int | None = None,
        ) -> list[Any]:
            results = super().analyze(text, entities, nlp_artifacts, regex_flags)
            if _is_shouted(text):
                return results
            # a title and a word in capitals in ordinary text is a name of a product or
            # an abbreviation ("MS WORD"), not a person
            return [r for r in results if not text[r.start : r.end].isupper()]

    class EmailNameRecognizer(EntityRecognizer):
        """Words of the text that an e-mail address in it spells out are a name.

        "Write to Kwame Tanaka (ktanaka@example.org)": the local part holds "tanaka" and
        the initial "k", so "Kwame Tanaka" is a person whatever its casing. A word counts
        when it is a whole piece of the local part or the piece minus one initial; the
        word just before it counts too if it starts with that initial.
        """

        SCORE = 0.7

        def __init__(self, language: str) -> None:
            super().__init__(
                supported_entities=["PERSON"],
                name="EmailNameRecognizer",
                supported_language=language,
            )

        def load(self) -> None:
            """Nothing to load."""

        def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[Any]:
            if "@" not in text:
                return []
            emails = [(m.start(), m.end(), m.group(0)) for m in _EMAIL.finditer(text)]
            if not emails:
                return []
            whole: set[str] = set()
            glued: set[str] = set()
            initials: set[str] = set()
            for _, _, address in emails:
                w, g, firsts = _name_parts(address.split("@", 1)[0])
                whole |= w
                glued |= g
                initials |= firsts
            if not (whole or glued):
                return []
            starts = [s for s, _, _ in emails]
            words = [m for m in _WORD.finditer(text) if not _inside(m.start(), starts, emails)]
            results: list[Any] = []
            for i, match in enumerate(words):
                key = _ascii_lower(match.group(0))
                if len(key) < _MIN_PART or not (key in whole or key in glued):
                    continue
                start, end = match.start(), match.end()
                before = words[i - 1] if i else None
                if (
                    before is not None
                    and text[before.end() : start].strip(" .") == ""
                    and "\n" not in text[before.end() : start]
                    and _ascii_lower(before.group(0))[:1] in initials
                    and (before.group(0)[0].isupper() or match.group(0)[0].islower())
                ):
                    start = before.start()
                results.append(_result(self, "PERSON", start, end, self.SCORE))
            return results

    class PlaceNameRecognizer(EntityRecognizer):
        """Cities, countries and US states from the shipped GeoNames list.

        A capitalised place name after a word such as "in", "from" or "to", or after a
        comma that ends a street address, is a location; without such a cue only names
        that are not also ordinary words or given names count ("Reading", "Sofia").
        Lowercase place names count only after a cue.
        """

        def __init__(self, language: str) -> None:
            super().__init__(
                supported_entities=["LOCATION"],
                name="PlaceNameRecognizer",
                supported_language=language,
            )

        def load(self) -> None:
            """The list loads on first use (gazetteers.places)."""

        def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[Any]:
            gazetteer = gazetteers.places()
            words = _words(text)
            shouted = _is_shouted(text)
            results: list[Any] = []
            i = 0
            while i < len(words):
                found = _longest_entry(text, words, i, gazetteer.max_words, gazetteer.flags)
                if found is None:
                    i += 1
                    continue
                last, flags = found
                start, end = words[i][0], words[last][1]
                style = _casing(text[start:end], shouted)
                cue = _place_cue(text, words, i, last)
                score = 0.0
                if style == "capitalised":
                    if cue:
                        score = 0.9
                    elif not set(flags) & {"w", "g"}:
                        score = 0.55
                    else:
                        score = 0.3
                elif style == "lowercase" and cue and "w" not in flags:
                    score = 0.6
                if score:
                    results.append(_result(self, "LOCATION", start, end, score))
                i = last + 1
            return results

    class GivenNameRecognizer(EntityRecognizer):
        """Given names from the shipped list, with the capitalised surname that follows.

        A given name that is also an ordinary word ("Grace", "Will") counts only with a
        surname after it; one that is also a place ("Sofia") is left to the entity
        recognizer and the place cues unless a surname follows. Not a person: a name
        after "the" or before a model number ("the Nova S400") or an organisation word
        ("Stellan Partners"). Lowercase given names count only in a text without
        capitals, where nothing else marks a name.
        """

        def __init__(self, language: str) -> None:
            super().__init__(
                supported_entities=["PERSON"],
                name="GivenNameRecognizer",
                supported_language=language,
            )

        def load(self) -> None:
            """The list loads on first use (gazetteers.given_names)."""

        def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[Any]:
            names = gazetteers.given_names().flags
            words = _words(text)
            shouted = _is_shouted(text)
            lowercase_text = not any(c.isupper() for c in text)
            results: list[Any] = []
            i = 0
            while i < len(words):
                start, end = words[i]
                key = gazetteers.lookup_key(text[start:end])
                flags = names.get(key)
                style = _casing(text[start:end], shouted) if flags is not None else ""
                if flags is None or not style:
                    i += 1
                    continue
                last = _surname_after(text, words, i, shouted)
                if last is None or _after_article(text, words, i):
                    i += 1  # "Stellan Partners", "the Nova S400": not a person
                    continue
                if style == "capitalised" and last > i:
                    results.append(_result(self, "PERSON", start, words[last][1], 0.86))
                elif style == "capitalised" and "w" not in flags:
                    # a listed given name that is no known place is likelier a person
                    # than spaCy's flat 0.85 guess of a location for it
                    score = 0.6 if gazetteers.places().get(key) is not None else 0.86
                    results.append(_result(self, "PERSON", start, end, score))
                elif style == "lowercase" and lowercase_text and "w" not in flags:
                    results.append(_result(self, "PERSON", start, end, 0.5))
                    last = i
                i = last + 1
            return results

    class SocialSecurityRecognizer(UsSsnRecognizer):
        """presidio's SSN patterns, with nine digits in a row enough next to "SSN".

        presidio scores an unbroken nine-digit number 0.05, so even the word "SSN" before
        it (+0.35) leaves it under any useful minimum; here it starts at 0.2 and reaches
        0.55 with such a word, and stays at 0.2 (unreported by default) without one.
        """

        PATTERNS = [
            Pattern(p.name, p.regex, 0.2) if p.name.startswith("SSN4") else p
            for p in UsSsnRecognizer.PATTERNS
        ]

        # "social" and "security" alone are presidio's context words too, but they also
        # stand before security codes and social media ids
        CONTEXT = ["ssn", "ssns", "ssn#"]

        def __init__(self, language: str) -> None:
            super().__init__(
                patterns=self.PATTERNS,
                context=self.CONTEXT,
                supported_language=language,
                name="UsSsnRecognizer",
            )

    return {
        "StreetAddressRecognizer": StreetAddressRecognizer,
        "TitledNameRecognizer": TitledNameRecognizer,
        "EmailNameRecognizer": EmailNameRecognizer,
        "PlaceNameRecognizer": PlaceNameRecognizer,
        "GivenNameRecognizer": GivenNameRecognizer,
        "UsSsnRecognizer": SocialSecurityRecognizer,
    }


_REPLACED = ("PhoneRecognizer", "UsSsnRecognizer")


def install(registry: Any, *, language: str = "en") -> None:
    """Swap presidio's phone and SSN recognizers for guardproxy's and add its own."""
    registry.recognizers = [r for r in registry.recognizers if type(r).__name__ not in _REPLACED]
    registry.add_recognizer(phone_recognizer(language))
    for cls in _recognizer_classes().values():
        registry.add_recognizer(cls(language))


__all__ = ["install"]
