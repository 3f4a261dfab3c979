"""The disinformation check's rules for hearsay that is then corrected, contrasting clauses
that state the opposite of a claim, claims said to be kept quiet, longer retractions in the
next sentence, factive frames ("Most people don't realise that X"), and the wordings
folded onto claim terms in English and Japanese."""

from __future__ import annotations

import pytest

from guardproxy import claimtext
from guardproxy.checks.disinformation import DisinformationCheck
from tests.checks.claims_support import claim_ids

# --- hearsay followed by a contrasting clause ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # hearsay, then a contrast with no refuting word: corrected
        (
            "You'll often hear that climate change is a hoax, yet the data tell a different story.",
            [],
        ),
        (
            "You'll often hear that vaccines cause autism, yet the studies keep coming back clean.",
            [],
        ),
        ("You may read that the Earth is flat, but pictures from orbit came back.", []),
        ("Word has it that 5G networks spread COVID-19, but physicists just shrug.", []),
        ("Anti-vaxxers claim vaccines cause autism, but dozens of studies looked for it.", []),
        # hearsay, then a clause that holds it true or says it is kept quiet: asserted
        ("You'll often hear that vaccines cause autism, and it's true.", ["vaccines-autism"]),
        ("Some say vaccines cause autism, but it is true.", ["vaccines-autism"]),
        (
            "You may have heard that vaccines cause autism, but the media is covering it up.",
            ["vaccines-autism"],
        ),
        (
            "People say vaccines cause autism, but nobody in government will admit it.",
            ["vaccines-autism"],
        ),
        # "but" that opens the claim is no correction of it
        ("Doctors won't admit it, but vaccines cause autism.", ["vaccines-autism"]),
    ],
)
def test_hearsay_then_a_contrast_corrects_it(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


def test_hearsay_frames_and_confirmations() -> None:
    for preface in (
        "You'll often hear that X",
        "You may read that X",
        "You\u2019ll sometimes be told X",
        "It's commonly said that X",
        "Flat-earthers insist X",
        "Viral posts claim X",
        "Rumour has it that X",
        "There's a popular belief that X",
    ):
        assert claimtext.attributed(preface, "en"), preface
    for preface in ("Vaccines cause X", "Scientists found X", "You should know that X"):
        assert not claimtext.attributed(preface, "en"), preface
    assert claimtext.confirms("and they are right", "en")
    assert claimtext.confirms("but the government won't admit it", "en")
    assert claimtext.confirms("but it is being covered up", "en")
    assert not claimtext.confirms("yet the data tell a different story", "en")
    assert not claimtext.confirms("but no study has ever told us so", "en")
    assert not claimtext.confirms("but that is not true", "en")
    assert claimtext.confirms("本当にそのとおりなんです", "ja")
    assert not claimtext.confirms("実際には効きません", "ja")


# --- a contrasting clause that states the opposite, or says the claim is kept quiet -------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Flat-earthers insist the ground beneath us is a disc, yet every photo from orbit "
            "shows a round planet.",
            [],
        ),
        ("The Earth is flat, yet most people believe it is round.", ["earth-is-flat"]),
        ("The Earth is flat, but NASA won't tell you.", ["earth-is-flat"]),
        ("Vaccines cause autism, but the government won't admit it.", ["vaccines-autism"]),
        ("Vaccines cause autism, but no study has ever reported it.", []),
    ],
)
def test_a_contrasting_clause(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


# --- the next sentence -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # hearsay, then a sentence that opens with a correction
        (
            "People claimed 5G masts were spreading the virus. In reality, COVID-19 moved just "
            "as fast through countries with no 5G coverage at all.",
            [],
        ),
        (
            "You'll often hear that vaccines cause autism. In reality, large studies found no "
            "link.",
            [],
        ),
        ("You'll often hear that vaccines cause autism. Actually, they do.", ["vaccines-autism"]),
        (
            "People say vaccines cause autism. But the pharma companies hide it.",
            ["vaccines-autism"],
        ),
        # no hearsay: "However" and "In reality" correct nothing by themselves
        ("Vaccines cause autism. However, doctors won't admit it.", ["vaccines-autism"]),
        ("Vaccines cause autism. In reality, the government knows it.", ["vaccines-autism"]),
        # a retraction may run longer than a short verdict
        (
            "You may read that global warming stopped years ago. The temperature records say "
            "the opposite: the last decade was the hottest yet.",
            [],
        ),
        (
            "Mobile phones give you brain cancer. At least, that's what the viral post claims; "
            "the large studies found nothing of the sort.",
            [],
        ),
        ("Vaccines cause autism. The data tell a different story.", []),
        ("Vaccines cause autism, and the data tell a story of their own.", ["vaccines-autism"]),
        # Japanese
        (
            "地震は予知できると言われています。実際には、発生の時刻を特定する方法は見つかっていません。",
            [],
        ),
        (
            "風邪には抗生物質が効くと言われていますが、本当にそのとおりなんです。",
            ["ja-antibiotics-cure-cold"],
        ),
    ],
)
def test_the_next_sentence(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


# --- factive frames and negation of a clause -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Most people don't realise that heating your dinner in the microwave leaves it "
            "radioactive.",
            ["microwave-food-radioactive"],
        ),
        (
            "Most people don't realise that carbon dioxide emitted by humans does not affect "
            "the climate.",
            ["co2-does-not-affect-climate"],
        ),
        ("Most people don't know that vaccines cause autism.", ["vaccines-autism"]),
        ("We don't know that vaccines cause autism.", []),
        ("Most people don't realise that vaccines don't cause autism.", []),
        # "not" before "true that" negates the clause, not the word after it
        (
            "It isn't true that rising global temperatures are down to changes in solar activity.",
            [],
        ),
        (
            "Rising global temperatures are down to changes in solar activity.",
            ["warming-caused-by-sun"],
        ),
    ],
)
def test_factive_frames_and_clause_negation(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


# --- wordings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Your genetic code gets rewritten by the Pfizer and Moderna shots.",
            ["mrna-vaccine-changes-dna"],
        ),
        ("Pfizer and Moderna shots do not change your DNA.", []),
        ("Getting measles as a child does no real damage.", ["measles-harmless"]),
        ("Measles can do serious damage.", []),
        (
            "Drinking a diluted bleach solution will clear a COVID infection.",
            ["bleach-cures-covid"],
        ),
        ("Drinking bleach will not clear a COVID infection.", []),
        (
            "If you take enough vitamin C every day, you won't catch a cold.",
            ["vitamin-c-prevents-colds"],
        ),
        ("Taking vitamin C doesn't mean you won't catch a cold.", []),
        ("The Earth quit heating up quite a while ago.", ["global-warming-stopped"]),
        ("Global temperatures have kept rising.", []),
        ("Humans never landed on the Moon.", ["moon-landings-faked"]),
        ("The Apollo astronauts never went to the Moon.", ["moon-landings-faked"]),
        ("It is a myth that humans never landed on the Moon.", []),
        ("It is false that astronauts never landed on the Moon.", []),
        ("Twelve astronauts set foot on the Moon between 1969 and 1972.", []),
        (
            "Freeway overpasses are a good place to shelter from tornadoes.",
            ["overpass-tornado-shelter"],
        ),
        ("Freeway overpasses give good shelter during tornadoes.", ["overpass-tornado-shelter"]),
        ("A highway overpass is not good shelter from a tornado.", []),
        (
            "Lightning cannot hurt you in a car because the rubber tires protect you.",
            ["rubber-tires-protect-lightning"],
        ),
        ("The rubber tyres on a car can't protect you from lightning.", []),
        ("Getting a flu jab makes you come down with the flu.", ["flu-vaccine-gives-flu"]),
        ("Kids who get their shots are more likely to turn out autistic.", ["vaccines-autism"]),
        ("Vaccines don't make kids autistic.", []),
    ],
)
def test_english_wordings(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "間違いなく" is "certainly", no word of error
        (
            "間違いなく、インフルエンザワクチンを打つとインフルエンザにかかる。",
            ["ja-flu-vaccine-gives-flu"],
        ),
        ("インフルエンザワクチンを打つとインフルエンザにかかるというのは間違いです。", []),
        ("がんは人から人へと感染していく。", ["ja-cancer-contagious"]),
        ("がんは人から人へと感染することはありません。", []),
        ("家でじっとしていれば熱中症にかかることはない。", ["ja-heatstroke-indoors"]),
        ("家でじっとしていても熱中症にかかる。", []),
        ("衆議院選挙や参議院選挙はインターネットから投票できる。", ["ja-internet-voting"]),
        ("衆議院選挙や参議院選挙はインターネットから投票できない。", []),
        ("アポロ計画の月面着陸は実際には行われていない。", ["ja-moon-landings-faked"]),
        ("アポロの月面着陸が行われていないというのは嘘だ。", []),
        ("アポロ計画の月面着陸は実際に行われた。", []),
        # a voting method not in use is no hoax claim
        ("日本の国政選挙ではインターネット投票は行われていない。", []),
    ],
)
def test_japanese_wordings(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


def test_japanese_cues_of_certainty_and_of_a_landing_not_held() -> None:
    assert claimtext.japanese_cues("間違いなく、地震は予知できる。") == {}
    assert claimtext.japanese_cues("それは間違いです。") == {"ref": 1}
    assert claimtext.japanese_cues("月面着陸は行われていない。") == {"fake": 1}
    assert claimtext.japanese_cues("ネット投票は行われていない。") == {"neg": 1}
