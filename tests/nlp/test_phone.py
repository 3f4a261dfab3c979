"""guardproxy's phone recognizer: presidio's matches, minus dates, addresses, versions and
identifiers, on real presidio and phonenumbers."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import phonenumbers
import pytest

from guardproxy.nlp.engine import analyze, build_analyzer
from guardproxy.nlp.offline import configure_offline
from guardproxy.nlp.phone import PhoneScreen, min_digits, phone_recognizer

if TYPE_CHECKING:
    from presidio_analyzer import RecognizerResult
    from presidio_analyzer.nlp_engine import NlpEngine

REGIONS = ("US", "GB", "DE", "FR", "IL", "IN", "CA", "BR")
_CYRILLIC_TEL = "\u0442\u0435\u043b"  # "tel" in Cyrillic letters
_GREEK_ABG = "\u0391\u0392\u0393"  # Greek capitals alpha, beta, gamma
_FULLWIDTH_DIGITS = str.maketrans("0123456789", "".join(map(chr, range(0xFF10, 0xFF1A))))


@pytest.fixture(scope="module")
def presidio_phones() -> Any:
    configure_offline()
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer

    return PhoneRecognizer()


@pytest.fixture(scope="module")
def phones() -> Any:
    configure_offline()
    return phone_recognizer()


def _found(recognizer: Any, text: str) -> list[str]:
    return [text[r.start : r.end] for r in sorted(recognizer.analyze(text, []), key=_key)]


def _key(result: RecognizerResult) -> tuple[int, int]:
    return (result.start, result.end)


# --- a corpus of numbers in sentences, with distractors ------------------------------------


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _us(rng: random.Random) -> str:
    area = rng.choice(["212", "415", "312", "617", "206", "303", "404", "512", "702", "800"])
    exchange = rng.choice("23456789") + _digits(rng, 2)
    line = _digits(rng, 4)
    return rng.choice(
        [
            f"({area}) {exchange}-{line}",
            f"{area}-{exchange}-{line}",
            f"{area}.{exchange}.{line}",
            f"+1 {area} {exchange} {line}",
            f"1-{area}-{exchange}-{line}",
            f"+1 ({area}) {exchange}-{line}",
            f"{area}{exchange}{line}",
        ]
    )


def _uk(rng: random.Random) -> str:
    return rng.choice(
        [
            f"020 7{_digits(rng, 3)} {_digits(rng, 4)}",
            f"07{rng.choice('45789')}{_digits(rng, 2)} {_digits(rng, 6)}",
            f"+44 20 7{_digits(rng, 3)} {_digits(rng, 4)}",
            f"+44 7{rng.choice('45789')}{_digits(rng, 2)} {_digits(rng, 6)}",
            f"0161 {_digits(rng, 3)} {_digits(rng, 4)}",
            f"+44 (0)161 {_digits(rng, 3)} {_digits(rng, 4)}",
        ]
    )


def _de(rng: random.Random) -> str:
    mobile = f"01{rng.choice('567')}{rng.choice('0123456789')}"
    return rng.choice(
        [
            f"030 {_digits(rng, 7)}",
            f"+49 30 {_digits(rng, 8)}",
            f"{mobile} {_digits(rng, 7)}",
            f"+49 (0)89 {_digits(rng, 7)}",
            f"089/{_digits(rng, 7)}",
            f"{mobile}-{_digits(rng, 7)}",
            f"+49 {mobile[1:]} {_digits(rng, 7)}",
        ]
    )


def _fr(rng: random.Random) -> str:
    first = rng.choice("1234567")
    pairs = [_digits(rng, 2) for _ in range(4)]
    return rng.choice(
        [
            f"0{first} {' '.join(pairs)}",
            f"0{first}.{'.'.join(pairs)}",
            f"+33 {first} {' '.join(pairs)}",
            f"+33 (0){first} {' '.join(pairs)}",
            f"0{first}{''.join(pairs)}",
        ]
    )


def _in(rng: random.Random) -> str:
    mobile = rng.choice("6789") + _digits(rng, 4)
    return rng.choice(
        [
            f"+91 {mobile} {_digits(rng, 5)}",
            f"0{mobile} {_digits(rng, 5)}",
            f"{mobile}-{_digits(rng, 5)}",
            f"022 {rng.choice('23456')}{_digits(rng, 3)} {_digits(rng, 4)}",
        ]
    )


def _au(rng: random.Random) -> str:
    return rng.choice(
        [
            f"+61 2 {rng.choice('3456789')}{_digits(rng, 3)} {_digits(rng, 4)}",
            f"(02) {rng.choice('3456789')}{_digits(rng, 3)} {_digits(rng, 4)}",
            f"04{_digits(rng, 2)} {_digits(rng, 3)} {_digits(rng, 3)}",
            f"+61 4{_digits(rng, 2)} {_digits(rng, 3)} {_digits(rng, 3)}",
        ]
    )


def _br(rng: random.Random) -> str:
    area = rng.choice(["11", "21", "31", "41", "51", "61", "71", "81"])
    return rng.choice(
        [
            f"+55 {area} 9{_digits(rng, 4)}-{_digits(rng, 4)}",
            f"({area}) 9{_digits(rng, 4)}-{_digits(rng, 4)}",
            f"{area} {rng.choice('2345')}{_digits(rng, 3)}-{_digits(rng, 4)}",
            f"+55 ({area}) {rng.choice('2345')}{_digits(rng, 3)}-{_digits(rng, 4)}",
            f"0{area} 9{_digits(rng, 4)} {_digits(rng, 4)}",
        ]
    )


def _distractor(rng: random.Random) -> str:
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1900, 2099)
    sep = rng.choice("./-")
    return rng.choice(
        [
            f"{day:02d}{sep}{month:02d}{sep}{year}",
            f"{month:02d}/{day:02d}/{year}",
            f"{year}-{month:02d}-{day:02d}",
            f"{day}.{month}.{year}",
            f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            f"({rng.choice(['10', '172', '192'])}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)})",
            f"{rng.randint(1, 12)}.{rng.randint(0, 20)}.{rng.randint(0, 20)}",
            f"{rng.randint(1, 12)}.{rng.randint(0, 9)}.{_digits(rng, 5)}",
            f"ORD-{_digits(rng, 8)}",
            f"A-{_digits(rng, rng.randint(5, 10))}",
            f"#{_digits(rng, rng.randint(6, 10))}",
            f"?id={_digits(rng, rng.randint(6, 10))}",
            f"https://example.org/u/{_digits(rng, rng.randint(6, 11))}",
            f"INV{_digits(rng, 9)}",
            f"{_digits(rng, 9)}x{_digits(rng, 3)}",
            f"${rng.randint(1, 9)},{_digits(rng, 3)}.{_digits(rng, 2)}",
            f"€{rng.randint(1, 9999)}",
            f"{rng.randint(1000, 9999)} Cedar Ave",
            f"4{_digits(rng, 3)} {_digits(rng, 4)} {_digits(rng, 4)} {_digits(rng, 4)}",
            f"{_digits(rng, 3)}-{_digits(rng, 2)}-{_digits(rng, 4)}",
            f"DE89 3704 0044 0532 0130 {_digits(rng, 2)}",
            f"{year}-{month:02d}-{day:02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
            f"pages {_digits(rng, 3)}-{_digits(rng, 3)} ({year})",
            f"{rng.randint(1, 9999)}",
            f"{_digits(rng, rng.randint(4, 12))}",
            f"{_CYRILLIC_TEL}{_digits(rng, 10)}",
        ]
    )


_NUMBERS: tuple[Callable[[random.Random], str], ...] = (_us, _uk, _de, _fr, _in, _au, _br)
_SENTENCES = (
    "Call me at {}.",
    "{} is my number",
    "Reach the office on {} or write to us.",
    "Phone: {}",
    "My mobile: {}, landline {}.",
    "Numbers: {} / {}",
    "{}",
    "Order {} shipped; questions to {}!",
    "Tel+{}",
    "The line\n{}\nis open 9-5.",
    "Fax {}; ext. 12",
    "Seen on {} and again on {}.",
    "Reference {}, contact {}.",
    "({})",
    "Text {} or {} today",
)


def _corpus(count: int, seed: int = 20261126) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        template = rng.choice(_SENTENCES)
        values = [
            rng.choice(_NUMBERS)(rng) if rng.random() < 0.5 else _distractor(rng)
            for _ in range(template.count("{}"))
        ]
        text = template.format(*values)
        if rng.random() < 0.1:  # a number broken over two lines
            text = text.replace(" ", "\n", 2)
        texts.append(text)
    return texts


CORPUS = _corpus(400)
EDGE_CASES = [
    "0301234567 is the office",
    "the office is 0301234567",
    "0301234567",
    "+1 415 555 0132",
    "+0049 30 1234567 and +00 49 30 12345678",
    "+999 12345678",
    "0301234567 ext. 123",
    "0301234567 x 123",
    "651-234-2345/332-445-1234",
    "555-1234/555-9876",
    "Chen Li. VLDB J. 12(3): 211-227 (2003).",
    "2012-01-02 08:00:00",
    "call 020 7946 0958\n020 7946 0959",
    "020 7946\n0958",
    "+44 20\n7946 0958",
    "x" * 50 + "0301234567" + "y",
    "١٢٣٤٥٦٧٨٩٠",
    "030 1234567".translate(_FULLWIDTH_DIGITS),
    "see 3.7.3 then 10.0.19045 and 192.168.4.171:8080",
    "[88.154.14.168] (192.168.198.156) v1.2.10",
    "",
    "no digits here at all",
    # the shortest valid numbers: German pagers, and country codes with four-digit numbers
    "at 1680 Cedar Ave",
    "room 16934 or pager 01680",
    "+49 1641 and +49 16412",
    "+683 4002, +290 22123",
]


def _reference(
    presidio_phones: Any, text: str, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[str, int, int, float, str]]:
    """presidio's results on text with the rejected ones taken out before presidio drops
    duplicates (so that a rejected span does not hide a number inside it)."""
    from presidio_analyzer import EntityRecognizer

    remove_duplicates = EntityRecognizer.remove_duplicates
    matched: list[RecognizerResult] = []

    def keep(results: list[RecognizerResult]) -> list[RecognizerResult]:
        matched.extend(results)
        return results

    with monkeypatch.context() as patch:
        patch.setattr(EntityRecognizer, "remove_duplicates", staticmethod(keep))
        presidio_phones.analyze(text, [])
    screen = PhoneScreen(text)
    kept = [r for r in matched if not screen.rejects(r.start, r.end)]
    return sorted(_summary(r) for r in remove_duplicates(kept))


def _summary(result: RecognizerResult) -> tuple[str, int, int, float, str]:
    name = str(result.recognition_metadata["recognizer_name"])
    return (result.entity_type, result.start, result.end, result.score, name)


def test_matches_presidio_on_a_corpus_less_the_rejections(
    presidio_phones: Any, phones: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    different = [
        text
        for text in [*CORPUS, *EDGE_CASES]
        if sorted(_summary(r) for r in phones.analyze(text, []))
        != _reference(presidio_phones, text, monkeypatch)
    ]

    assert different == []


@pytest.mark.parametrize("regions", [("US",), ("FR", "IN"), ("DE",)])
def test_matches_presidio_with_other_regions(
    phones: Any, monkeypatch: pytest.MonkeyPatch, regions: tuple[str, ...]
) -> None:
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer

    theirs = PhoneRecognizer(supported_regions=regions)
    mine = type(phones)(supported_regions=regions)

    different = [
        text
        for text in [*CORPUS[:150], *EDGE_CASES]
        if sorted(_summary(r) for r in mine.analyze(text, []))
        != _reference(theirs, text, monkeypatch)
    ]

    assert different == []


def test_the_corpus_has_numbers_and_rejections(presidio_phones: Any) -> None:
    """The comparison above means something only if both sides find plenty."""
    found = rejected = 0
    for text in CORPUS:
        screen = PhoneScreen(text)
        for r in presidio_phones.analyze(text, []):
            found += 1
            rejected += screen.rejects(r.start, r.end)
    assert found > 250
    assert rejected > 25


# --- the rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("born 03.04.1969 in Lagos", "03.04.1969"),
        ("DOB 06.12.1988, SSN on file", "06.12.1988"),
        ("ORDER ORD-07826230 shipped", "07826230"),
        ("ticket #069892: printer", "069892"),
        ("https://x.io/profile?id=164887.", "164887"),
        ("see https://x.io/u/0301234567", "0301234567"),
        ("order A-0301234567 is late", "0301234567"),
        ("moved to 192.168.4.171.", "192.168.4.171"),
        ("via 35.163.119.14 today", "35.163.119.14"),
        (f"{_CYRILLIC_TEL}0301234567", "0301234567"),
        (f"0301234567{_GREEK_ABG}", "0301234567"),
    ],
)
def test_presidio_finds_what_is_rejected(
    presidio_phones: Any, phones: Any, text: str, value: str
) -> None:
    assert value in _found(presidio_phones, text)
    assert _found(phones, text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("call +33 6 12 34 56 78", "+33 6 12 34 56 78"),
        ("Call (415) 555-0132 after lunch.", "(415) 555-0132"),
        ("Zentrale +49 (0)89 1234567", "+49 (0)89 1234567"),
        ("mobile 07911 123456", "07911 123456"),
        ("0301234567 is the office", "0301234567"),
        ("the office is 0301234567", "0301234567"),
        ("Tel+49 89 1234567", "+49 89 1234567"),
        ("?phone=+14155550132", "+14155550132"),
        ("Berlin 030/1234567", "030/1234567"),
        ("651-234-2345/332-445-1234", "332-445-1234"),
        ("born in 1969, call 0301234567", "0301234567"),
        ("+33.1.23.45.67.89", "+33.1.23.45.67.89"),
        ("1.800.555.0199", "1.800.555.0199"),
        ("01.23.45.67.89", "01.23.45.67.89"),
        ("_0301234567_", "0301234567"),
    ],
)
def test_numbers_after_words_and_separators_are_kept(
    presidio_phones: Any, phones: Any, text: str, value: str
) -> None:
    assert value in _found(presidio_phones, text)
    assert value in _found(phones, text)


@pytest.mark.parametrize(
    ("text", "value", "rejected"),
    [
        # dates: a valid day and month, a year from 1900 to 2099, one separator
        ("on 03.04.1969", "03.04.1969", True),
        ("on 05/01/2000", "05/01/2000", True),
        ("on 12/31/2000", "12/31/2000", True),
        ("on 1985-06-08", "1985-06-08", True),
        ("on 8.6.1985", "8.6.1985", True),
        ("on 32/04/1969", "32/04/1969", False),
        ("on 13/13/2000", "13/13/2000", False),
        ("on 03.04.1869", "03.04.1869", False),
        ("on 03.04-1969", "03.04-1969", False),
        ("on 1985-13-08", "1985-13-08", False),
        ("on 103.04.1969", "03.04.1969", False),
        ("on 03.04.19690", "03.04.1969", False),
        ("+03.04.1969", "03.04.1969", False),
        # dotted quads without leading zeros, each part at most 255
        ("at 192.168.4.171", "192.168.4.171", True),
        ("at 192.168.4.171", "168.4.171", True),
        ("at (10.0.0.1)", "(10.0.0.1", True),
        ("at 192.168.4.256", "192.168.4.256", False),
        ("at 192.168.04.171", "192.168.04.171", False),
        ("at 1.192.168.4.171", "192.168.4.171", False),
        # versions: parts of one or two digits but the last, no leading zero first
        ("version 3.7.3", "3.7.3", True),
        ("build 10.0.19045", "10.0.19045", True),
        ("version 4.17.7", "4.17.7", True),
        ("call 1.800.555.0199", "1.800.555.0199", False),
        ("call 415.555.0132", "415.555.0132", False),
        ("call 06.12.34.56.78", "06.12.34.56.78", False),
        ("call +33.1.23.45.67.89", "+33.1.23.45.67.89", False),
        # identifiers
        ("order ORD-07826230", "07826230", True),
        ("order ord-07826230", "07826230", True),
        ("order A-28090", "28090", True),
        ("ticket #069892", "069892", True),
        ("ticket \uff03069892", "069892", True),  # fullwidth #
        ("?id=164887", "164887", True),
        ("/u/0301234567", "0301234567", True),
        ("x.io/0301234567", "0301234567", True),
        ("INV0301234567", "0301234567", True),
        ("0301234567abc", "0301234567", True),
        ("Ω0301234567", "0301234567", True),
        ("030/1234567", "1234567", False),
        ("9-0301234567", "0301234567", False),
        ("x - 0301234567", "0301234567", False),
        ("Tel+49 89 1234567", "+49 89 1234567", False),
        ("id=+14155550132", "+14155550132", False),
        ("call: 0301234567.", "0301234567", False),
        ("0301234567", "0301234567", False),
        ("_0301234567_", "0301234567", False),
    ],
)
def test_screen_rules(text: str, value: str, rejected: bool) -> None:
    start = text.index(value)

    assert PhoneScreen(text).rejects(start, start + len(value)) is rejected


# --- presidio's contract -------------------------------------------------------------------


def test_is_presidio_phone_recognizer_with_its_settings(presidio_phones: Any, phones: Any) -> None:
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer

    assert type(phones).__name__ == "PhoneRecognizer"
    assert phones.name == "PhoneRecognizer"
    assert phones.context == presidio_phones.context
    assert tuple(phones.supported_regions) == REGIONS
    assert phones.supported_entities == ["PHONE_NUMBER"]
    assert phones.supported_language == "en"
    # presidio raises scores near its context words for its own recognizers' subclasses
    assert isinstance(phones, PhoneRecognizer)


@pytest.mark.parametrize(
    "text", ["Call +44 20 7946 0958.", "Call (415) 555-0132.", "Ruf 030 1234567 an."]
)
def test_results_carry_presidio_metadata_and_explanation(
    presidio_phones: Any, phones: Any, text: str
) -> None:
    [mine] = phones.analyze(text, [])
    [theirs] = presidio_phones.analyze(text, [])

    assert mine.recognition_metadata == {
        "recognizer_name": "PhoneRecognizer",
        "recognizer_identifier": phones.id,
    }
    assert mine.analysis_explanation.recognizer == theirs.analysis_explanation.recognizer
    assert mine.analysis_explanation.original_score == theirs.analysis_explanation.original_score
    assert (
        mine.analysis_explanation.textual_explanation
        == theirs.analysis_explanation.textual_explanation
    )


def test_each_number_is_explained_with_its_own_region(phones: Any) -> None:
    # presidio names the region of the last number with a country code for every later
    # number in the same pass; each number keeps its own here
    text = "Call +44 20 7946 0958 or (415) 555-0132."

    found = sorted(phones.analyze(text, []), key=_key)

    assert [r.analysis_explanation.textual_explanation[:22] for r in found] == [
        "Recognized as GB regio",
        "Recognized as US regio",
    ]


def test_regions_can_be_chosen_as_in_presidio(phones: Any) -> None:
    cls = type(phones)
    us_only = cls(supported_regions=("US",))

    assert _found(us_only, "Call 030 1234567 or 212-555-0123") == ["212-555-0123"]
    assert _found(phones, "Call 030 1234567 or 212-555-0123") == ["030 1234567", "212-555-0123"]


@pytest.mark.parametrize("region", REGIONS)
def test_no_valid_number_is_shorter_than_the_region_minimum(region: str) -> None:
    minimum = min_digits(region)
    for kind in phonenumbers.PhoneNumberType.values():
        example = phonenumbers.example_number_for_type(region, kind)
        if example is None:
            continue
        national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
        international = phonenumbers.format_number(
            example, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        assert sum(c.isdigit() for c in national) >= minimum
        assert sum(c.isdigit() for c in international) >= minimum
    # the floor the prefilter skips below: phonenumbers 9.0.43's shortest possible numbers
    # (German pager numbers such as "1680" have four digits); a metadata change that moves
    # it must be looked at, since a floor set too high would lose real numbers
    assert minimum == (4 if region == "DE" else 6)


def test_context_words_raise_the_score_through_the_analyzer(nlp_engine: NlpEngine) -> None:
    analyzer = build_analyzer(entities=["PHONE_NUMBER"], nlp_engine=nlp_engine)
    with_context = "My phone number is 212-555-0123."
    without = "Meet me at 212-555-0123 tomorrow."

    [(_, start, end, boosted, recognizer)] = analyze(analyzer, with_context, ["PHONE_NUMBER"], 0.0)
    [(_, _, _, plain, _)] = analyze(analyzer, without, ["PHONE_NUMBER"], 0.0)

    assert with_context[start:end] == "212-555-0123"
    assert recognizer == "PhoneRecognizer"
    assert plain == pytest.approx(0.4)
    assert boosted > plain


def test_the_analyzer_rejects_what_the_screen_rejects(nlp_engine: NlpEngine) -> None:
    analyzer = build_analyzer(entities=["PHONE_NUMBER"], nlp_engine=nlp_engine)
    text = "Phone 0171 1234567; DOB 06.12.1988; ticket #069892; host 192.168.4.171."

    found = analyze(analyzer, text, ["PHONE_NUMBER"], 0.0)

    assert [text[s:e] for _, s, e, *_ in found] == ["0171 1234567"]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("田中さんの電話番号は090-1234-5678です。", "090-1234-5678"),
        ("请拨打+86 138 0013 8000联系王伟", "+86 138 0013 8000"),
    ],
)
def test_numbers_run_into_japanese_or_chinese_words_are_found(text: str, number: str) -> None:
    found = [text[r.start : r.end] for r in phone_recognizer().analyze(text, ["PHONE_NUMBER"])]
    assert number in found


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Call [+44 20 7946 0958 after nine", "+44 20 7946 0958"),
        ("Call {+44 20 7946 0958 after nine", "+44 20 7946 0958"),
        ("Call (020) 7946 0958 after nine", "(020) 7946 0958"),
    ],
)
def test_an_opening_bracket_the_number_never_closes_stays_outside(
    phones: Any, text: str, value: str
) -> None:
    assert _found(phones, text) == [value]
