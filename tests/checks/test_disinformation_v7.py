"""The disinformation check's rules for claims asked about and answered, next sentences that
deny the one before them, corrections a few words into the next sentence, the terms a
sentence must share with a claim (what the claim says of its subject), and the wordings
folded onto claim terms in English and Japanese."""

from __future__ import annotations

import pytest

from guardproxy import claimtext
from guardproxy.checks.disinformation import DisinformationCheck
from tests.checks.claims_support import claim_ids

# --- a claim asked about and answered ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # answered "no" in the same sentence
        ("「ワクチンは自閉症の原因になる」は本当かとよく聞かれますが、答えはいいえです。", []),
        ("「風邪には抗生物質が効く」は本当ですかという質問には、答えはノーです。", []),
        (
            "People often ask me whether it's true that vaccines cause autism, and the answer is no.",
            [],
        ),
        # answered "no" in the next sentence
        ("「地震は予知できる」は本当なのかと聞かれます。いいえ、違います。", []),
        ("My neighbour asked if it is true that the Earth is flat. Not at all.", []),
        # answered "yes": asserted
        (
            "「がんは人にうつる」は本当かと聞かれますが、答えははいです。",
            ["ja-cancer-contagious"],
        ),
        ("「地震は予知できる」は本当ですか。はい、本当です。", ["ja-earthquakes-predictable"]),
        # a plain question with a "yes" stays a question in Japanese
        ("地震は予知できるのですか。はい。", []),
        (
            "People ask whether it's true that vaccines cause autism, and the answer is yes.",
            ["vaccines-autism"],
        ),
        # a claim asked about with no answer is as it was: the sentence states it
        (
            "「がんは人にうつる」は本当かどうかはともかく、がんは人にうつる。",
            ["ja-cancer-contagious"],
        ),
    ],
)
def test_claim_asked_about_and_answered(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


@pytest.mark.parametrize(
    ("sentence", "follow", "language", "expected"),
    [
        ("「X」は本当かと聞かれますが、答えはいいえです。", "", "ja", False),
        ("「X」は本当ですか。", "はい、本当です。", "ja", True),
        ("「X」は本当かと聞かれます。", "そんなことはありません。", "ja", False),
        ("Is it really true that X?", "Nope.", "en", False),
        ("Is it true that X?", "Yes, absolutely.", "en", True),
        # "no" that opens a phrase is no answer
        ("Is it true that X, no matter what?", "", "en", None),
        # no question of truth asked
        ("「X」という話を聞きました。", "いいえ。", "ja", None),
        ("That story is true to life.", "No.", "en", None),
    ],
)
def test_question_answer(sentence: str, follow: str, language: str, expected: bool | None) -> None:
    assert claimtext.question_answer(sentence, follow, language) is expected


# --- a next sentence that denies the claim ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lots of parents fear that vaccines cause autism. They don't.", []),
        (
            "Many people worry that cell phones cause brain cancer. They don't: large studies "
            "of phone users over decades saw no rise in tumours.",
            [],
        ),
        ("Some say the flu vaccine gives you the flu. It doesn't.", []),
        ("がんは人にうつると思っている人がいます。そんなことはありません。", []),
        ("地震は予知できると考える人もいます。そうではありません。", []),
        # what follows says something else: the claim stands
        ("Vaccines cause autism. They don't tell you that.", ["vaccines-autism"]),
        ("5G towers cause the coronavirus. They can't hide it forever.", ["5g-spreads-covid"]),
    ],
)
def test_next_sentence_denial(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


@pytest.mark.parametrize(
    ("follow", "language", "expected"),
    [
        ("It doesn't.", "en", True),
        ("They aren't: the data say so.", "en", True),
        ("It does not, in any study.", "en", True),
        ("そんなことはありません。", "ja", True),
        ("It doesn't matter much.", "en", False),
        ("They can't stop it.", "en", False),
        ("そうです。", "ja", False),
        ("いやな予感がします。", "ja", False),
    ],
)
def test_denial(follow: str, language: str, expected: bool) -> None:
    assert claimtext.denial(follow, language) is expected


# --- a correction a few words into the next sentence after hearsay ------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Some people blamed 5G towers for the coronavirus. The illness actually spreads "
            "through droplets from infected people.",
            [],
        ),
        (
            "Many people think vaccines cause autism. Autism in fact shows up before most "
            "vaccines are given.",
            [],
        ),
        # the claim stated plainly, then "actually": no hearsay to correct
        (
            "5G towers cause the coronavirus. The government actually knows it.",
            ["5g-spreads-covid"],
        ),
    ],
)
def test_correction_a_few_words_in(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


def test_japanese_hearsay_as_voices(shipped_claims: DisinformationCheck) -> None:
    text = "地震は予知できるという声もありますが、専門家の多くは否定的な立場です。"
    assert claim_ids(shipped_claims, text) == []
    assert claimtext.attributed("地震は予知できるという意見もあります", "ja")
    assert not claimtext.attributed("地震は予知できる", "ja")


# --- terms a sentence must share with a claim ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a claim's subject and relation without what it says of them
        ("Doctors give children the MMR vaccine in two doses.", []),
        ("The MMR vaccine given to children protects them from measles.", []),
        ("日本の国政選挙では郵便で投票できる場合がある。", []),
        # with it
        ("The MMR shot gives children autism.", ["vaccines-autism"]),
        ("日本の国政選挙はスマホで投票できる。", ["ja-internet-voting"]),
    ],
)
def test_required_terms(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


def test_required_terms_are_the_claims_own(shipped_claims: DisinformationCheck) -> None:
    index = shipped_claims.index.by_language["en"]
    autism = [
        f for f in index.forms if index.claims[f.claim].id == "vaccines-autism" and f.required
    ]
    assert autism
    assert all(f.required == frozenset({"autism"}) for f in autism)
    # a term other claims share is never required ("flu" of the flu vaccine claim)
    flu = [f for f in index.forms if index.claims[f.claim].id == "flu-vaccine-gives-flu"]
    assert all(not f.required for f in flu)


# --- wordings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sitting out in the freezing cold is how you get a cold.", ["cold-weather-causes-colds"]),
        ("During an earthquake your best bet is a doorway.", ["doorway-safest-earthquake"]),
        ("Global warming has been over for several years.", ["global-warming-stopped"]),
        ("Most cancers are curable with herbs alone.", ["herbs-cure-cancer"]),
        ("室内で過ごす限り熱中症とは無縁です。", ["ja-heatstroke-indoors"]),
        ("人類は一度も月に行っておらず、月面着陸は捏造だ。", ["ja-moon-landings-faked"]),
        # "without any other treatment" denies something besides the claim's relation
        (
            "Herbal medicine cures cancer without any other treatment.",
            ["herbs-cure-cancer"],
        ),
        ("Herbs cannot cure cancer without other treatment.", []),
        ("Herbs can shrink tumours without curing cancer.", []),
        # the same wordings in refutations and topical statements state nothing
        ("Being out in the freezing cold is not how you catch a cold.", []),
        ("Your best bet in an earthquake is to drop, cover and hold on.", []),
        ("The cold snap has been over for a week.", []),
        ("Many cancers are curable with surgery.", []),
        ("屋内にいても熱中症とは無縁ではありません。", []),
        ("ワクチンと自閉症は無縁です。", []),
        ("人類は月に行っておらず、というのは誤りで、月面着陸は本当に行われた。", []),
    ],
)
def test_wordings(shipped_claims: DisinformationCheck, text: str, expected: list[str]) -> None:
    assert claim_ids(shipped_claims, text) == expected
