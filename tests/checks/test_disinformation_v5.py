"""The disinformation check's rules for where a claim is retracted, conceded or kept quiet,
words that deny what follows them, and the wordings folded onto claim terms (the
hand-written tables and the generated derivation table)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from guardproxy import claimsyn, claimtext
from guardproxy.checks.disinformation import DisinformationCheck
from tests.checks.claims_support import claim_ids

# --- a retraction after the claim --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a later clause says the statement is the wrong way round
        (
            "Some still insist that cold weather causes the common cold; the data show the reverse.",
            [],
        ),
        ("Some websites claim that the Earth is flat, but the evidence says otherwise.", []),
        ("Cold weather causes colds, or so people thought until research showed otherwise.", []),
        ("Some say 5G mobile networks spread COVID-19 - it is the other way round.", []),
        # in a sentence of its own
        ("Vaccines cause autism. The evidence shows otherwise.", []),
        # Japanese: a later clause or a word calling the belief a mistake
        ("以前は地震は予知できると思っていましたが、勘違いでした。", []),
        ("以前は金属を身につけていると雷が落ちやすいと思っていたが、逆だった。", []),
        ("「がんは人にうつる」という情報が出回っていますが、事実とは異なります。", []),
        # "otherwise" meaning "or else" is no retraction
        (
            "Drinking alcohol protects you against COVID-19; otherwise bars would be full of it.",
            ["alcohol-protects-covid"],
        ),
        ("地震は予知できる。", ["ja-earthquakes-predictable"]),
    ],
)
def test_a_retraction_after_the_claim_refutes_it(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


def test_retraction_helpers() -> None:
    assert claimtext.retracted_after("X is Y; the evidence shows the reverse.", "en")
    # the cue must follow the claim, not open the sentence
    assert not claimtext.retracted_after("Experts say otherwise, but X is Y.", "en")
    assert not claimtext.retracted_after("X is Y, and whoever says otherwise lies.", "en")
    assert claimtext.retracted_after("XはYだと思っていたが、逆でした。", "ja")
    assert not claimtext.retracted_after("逆に言えば、XはYだ。", "ja")
    assert claimtext.retraction("Studies show the opposite.", "en")
    assert not claimtext.retraction("Stay inside, otherwise you get wet.", "en")


# --- leads that concede, and claims said to be kept quiet --------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a free relative or concessive lead is outside the claim, its negation too
        (
            "Whatever the officials won't tell you, HIV can be spread by mosquito bites.",
            ["hiv-mosquitoes"],
        ),
        ("However much they deny it, vaccines cause autism.", ["vaccines-autism"]),
        (
            "Contrary to what the experts claim, global warming stopped years ago.",
            ["global-warming-stopped"],
        ),
        (
            "Despite the official denials, 5G mobile networks spread COVID-19.",
            ["5g-spreads-covid"],
        ),
        ("Don't let anyone fool you - vaccines cause autism.", ["vaccines-autism"]),
        # ... but the claim's own clause still decides
        ("Whatever anyone tells you, vaccines do not cause autism.", []),
        ("Contrary to popular belief, lightning often strikes the same place twice.", []),
        ("Vaccines don't cause autism - that's a myth.", []),
        ("Contrary to what you may have heard, the Earth is round.", []),
        # a lead naming the claim is part of what is said of it
        ("Whatever the myth about vaccines says, autism is not caused by them.", []),
    ],
)
def test_a_conceding_lead_is_outside_the_claim(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "What the government won't tell you is that 5G mobile networks spread COVID-19.",
            ["5g-spreads-covid"],
        ),
        (
            "They don't want you to know that herbal remedies can cure cancer.",
            ["herbs-cure-cancer"],
        ),
        ("Doctors will never admit that vaccines cause autism.", ["vaccines-autism"]),
        # the negation is not the frame's: these refute
        ("Please don't believe people who tell you that vaccines cause autism.", []),
        ("Doctors don't tell you that vaccines cause autism because it isn't true.", []),
        ("No one has ever reported that cell phones cause brain cancer.", []),
    ],
)
def test_a_claim_said_to_be_kept_quiet_is_asserted(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


def test_suppressed_claim_helper() -> None:
    assert claimtext.suppressed_claim("They won't tell you that X is Y.", "en") == (
        "they won't tell you that ",
        "x is y.",
    )
    assert claimtext.suppressed_claim("Don't believe those who tell you that X.", "en") is None
    assert claimtext.suppressed_claim("They won't tell you that.", "ja") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Did you know that the Moon landings were faked?", ["moon-landings-faked"]),
        ("Did you know that vaccines do not cause autism?", []),
        ("Were the Moon landings faked?", []),
        # set phrases with "no" that affirm what follows
        ("It's no secret that vaccines cause autism.", ["vaccines-autism"]),
        ("There's no denying that cell phones cause brain cancer.", ["cell-phones-cause-cancer"]),
        ("It's no secret that vaccines do not cause autism.", []),
    ],
)
def test_questions_and_set_phrases_that_state_the_claim(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


# --- reported claims ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a comma inside the reported noun phrase does not end it
        (
            "Health agencies long ago retired the myth that measles is a minor, harmless "
            "illness for children.",
            [],
        ),
        # a claim only named ("calling X Y") is not asserted ...
        ("Calling global warming a hoax ignores overwhelming evidence.", []),
        ("Calling measles a harmless childhood illness ignores its death toll.", []),
        # ... unless the frame holds it true
        ("Calling measles a harmless illness is simply correct.", ["measles-harmless"]),
    ],
)
def test_reported_and_named_claims(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


def test_reported_clause_ends_where_its_clause_ends() -> None:
    scope = claimtext.reported_scope
    assert scope("They dropped the idea that X is a minor, harmless thing.", "en") == (
        "They dropped the "
    )
    assert scope("They dropped the idea that X, including Y, is Z; sadly, W.", "en") == (
        "They dropped the  sadly, W."
    )
    assert scope("They dropped the idea that X is Y, sadly.", "en") == "They dropped the  sadly."


# --- words that deny what follows them ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Microwaves heat food without making it radioactive.", []),
        ("Microwave ovens leave food free of radioactivity.", []),
        ("The radio waves from cell phones are too weak to damage DNA or cause brain cancer.", []),
        ("You can hug someone who has cancer without any risk of catching it.", []),
        ("Drinking alcohol weakens the body's defences against COVID-19.", []),
        # "without" a claim term: the sentence says it is absent
        ("COVID-19 spread quickly in places without 5G mobile networks.", []),
        ("Children develop type 1 diabetes regardless of how much sugar they eat.", []),
        # before other words they deny nothing of the claim
        (
            "Going outside in chilly weather without a coat gives you a cold.",
            ["cold-weather-causes-colds"],
        ),
        ("You can vote in US elections by text message without going out.", ["vote-by-text"]),
        ("Herbal remedies can cure cancer without chemotherapy.", ["herbs-cure-cancer"]),
    ],
)
def test_words_that_deny_what_follows(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a negation in a side clause is not the claim's own negation
        ("エアコンを使わずに室内にいると熱中症になることがあります。", []),
        ("エアコンを使わなくても、熱中症は屋内では起こらない。", ["ja-heatstroke-indoors"]),
    ],
)
def test_a_claims_negation_must_be_in_its_own_clause(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


# --- wordings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        # what raises the risk causes; what lowers it prevents
        ("Cell phone use raises your risk of brain cancer.", "cell-phones-cause-cancer"),
        ("Vitamin C lowers the risk of catching a cold.", "vitamin-c-prevents-colds"),
        # constructions of causing, preventing, predicting and swallowing
        ("The flu jab itself leaves you with influenza.", "flu-vaccine-gives-flu"),
        ("The Sun is to blame for the current global warming.", "warming-caused-by-sun"),
        ("Autism is one of the side effects of vaccinating your children.", "vaccines-autism"),
        ("A car's rubber tires keep lightning from hurting you.", "rubber-tires-protect-lightning"),
        ("Experts can tell exactly when an earthquake is coming.", "earthquakes-predictable"),
        ("A little disinfectant taken by mouth cures COVID-19.", "bleach-cures-covid"),
        ("A stiff drink protects you from COVID-19.", "alcohol-protects-covid"),
        ("The warming we see these days is caused by the Sun.", "warming-caused-by-sun"),
        ("Global warming stopped around the turn of the century.", "global-warming-stopped"),
        # inflections the stemmer cuts short, and an illness for an infection
        ("COVID-19 can be treated by swallowing diluted bleach.", "bleach-cures-covid"),
        ("Antibiotics cure viral illnesses like the flu.", "antibiotics-cure-viruses"),
        # a derived form from the generated table
        ("Alcohol is a good defence against COVID-19.", "alcohol-protects-covid"),
        # Japanese: getting better is what a cure does
        ("風邪は抗生物質を飲めばすぐに良くなる。", "ja-antibiotics-cure-cold"),
    ],
)
def test_rewordings_are_found(shipped_claims: DisinformationCheck, text: str, claim: str) -> None:
    assert claim_ids(shipped_claims, text) == [claim]


@pytest.mark.parametrize(
    "text",
    [
        "Smoking raises the risk of lung cancer.",
        # type 2 diabetes is not type 1
        "Eating lots of sugar raises the risk of type 2 diabetes.",
        # "flu-like" is not the flu
        "The vaccine can give you flu-like aches.",
        # words calling a statement false, wrong or withdrawn
        "That the Earth is flat is baloney.",
        "Scientists have ruled out vaccines as a cause of autism.",
        "The study claiming that vaccines cause autism was retracted.",
        "地震は予知できると思い込んでいる人がいますが、それは思い込みです。",
        "風邪は数日で自然に良くなる。",
        "室内でも熱中症のリスクがあります。",
        "地震がいつ起きるかは誰にも分からない。",
    ],
)
def test_lookalikes_and_refutations_are_not_flagged(
    shipped_claims: DisinformationCheck, text: str
) -> None:
    assert claim_ids(shipped_claims, text) == []


def test_inflections_fold_onto_the_tables() -> None:
    assert claimtext.term("treated") == claimtext.term("treat") == claimtext.term("cure")
    assert claimtext.term("vaccinating") == claimtext.term("vaccine")
    assert claimtext.term("illnesses") == claimtext.term("illness")
    assert claimtext.term("flu-like") != claimtext.term("flu")


# --- the generated table --------------------------------------------------------------------


def test_generated_table_is_shipped_with_its_notice() -> None:
    text = claimsyn.TABLE.read_text(encoding="utf-8")
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in text
    pairs = claimsyn.load()
    assert ("defence", "defend") in pairs
    assert claimtext.term("defence") == claimtext.term("protect")
    for word, base in pairs:
        # every entry is a single lower-case word, none of the hand-written tables'
        assert word.isalpha() and word == word.lower() and base
        assert claimtext.stem(word) not in claimtext._SYNONYMS


def test_a_missing_table_loads_empty() -> None:
    missing = claimsyn.load(claimsyn.TABLE.with_name("no-such-table.tsv"))
    assert missing == []


def test_runtime_does_not_import_the_lexical_resource() -> None:
    code = (
        "import sys\n"
        "from guardproxy.checks.disinformation import DisinformationCheck, "
        "DisinformationOptions, match_text\n"
        "c = DisinformationCheck(DisinformationOptions.model_validate({}))\n"
        "match_text(c.index, 'Vaccines cause autism.', {'en': 0.7, 'ja': 0.65})\n"
        "assert 'wn' not in sys.modules, 'wn imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- a belief given as others', then corrected ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Some people believe hot weather kills the coronavirus, but COVID-19 spread in "
            "hot countries as well.",
            [],
        ),
        ("It is often said that the Earth is flat, but photos from space show a sphere.", []),
        ("地震は予知できると言われていますが、実際には発生時期は分かっていません。", []),
        # a preface that is no belief of others, or that does not hold the claim
        ("Some people think I'm paranoid, but vaccines cause autism.", ["vaccines-autism"]),
        (
            "I know it sounds odd, but hot weather kills the coronavirus.",
            ["hot-weather-kills-covid"],
        ),
        (
            "Hot weather kills the coronavirus, but it takes a few weeks.",
            ["hot-weather-kills-covid"],
        ),
    ],
)
def test_a_belief_given_as_others_and_then_corrected_is_refuted(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


def test_attribution_helper() -> None:
    assert claimtext.attributed("Many parents still believe X", "en")
    assert claimtext.attributed("People used to say X", "en")
    assert not claimtext.attributed("Not many people realise it", "en")
    assert claimtext.attributed("XはYだと言われていますが、", "ja")
    assert not claimtext.attributed("意外かもしれませんが、", "ja")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a comparison sets its two sides apart
        (
            "During an earthquake, getting under a sturdy table is safer than standing in a "
            "doorway.",
            [],
        ),
        # a modifier that denies its head
        ("Microwave ovens heat food using non-ionizing radiation.", []),
        # the name of a remedy is not what it does
        ("Herbal remedies are popular among cancer patients.", []),
        ("Herbal remedies can interfere with cancer treatment.", []),
        ("Herbal remedies can cure cancer.", ["herbs-cure-cancer"]),
        ("Natural plant remedies heal cancer.", ["herbs-cure-cancer"]),
    ],
)
def test_comparisons_modifiers_and_names(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("Childhood immunizations are behind the rise in autism.", "vaccines-autism"),
        ("Getting your kids vaccinated puts them at risk of autism.", "vaccines-autism"),
        # colds and flu are viral illnesses: a claim naming those finds them
        ("Antibiotics will knock out your cold or flu.", "antibiotics-cure-viruses"),
        ("A course of antibiotics will cure a cold or the flu.", "antibiotics-cure-viruses"),
        ("You catch a cold from being out in the cold.", "cold-weather-causes-colds"),
        ("Vitamin C supplements keep colds at bay.", "vitamin-c-prevents-colds"),
        ("がんは感染する病気だ。", "ja-cancer-contagious"),
        # Japanese: the risk of an illness, things worn, knowing when beforehand
        ("室内にいれば熱中症の心配はない。", "ja-heatstroke-indoors"),
        ("金属のアクセサリーは雷を引き寄せる。", "ja-metal-attracts-lightning"),
        ("地震がいつ来るかは前もって分かる。", "ja-earthquakes-predictable"),
        # a network's radio waves
        ("The coronavirus travels over 5G radio waves.", "5g-spreads-covid"),
    ],
)
def test_more_rewordings_are_found(
    shipped_claims: DisinformationCheck, text: str, claim: str
) -> None:
    assert claim_ids(shipped_claims, text) == [claim]


def test_narrower_terms_stand_for_a_claims_broader_ones(
    shipped_claims: DisinformationCheck,
) -> None:
    virus = claimtext.term("virus")
    assert claimtext.term("flu") in claimtext.NARROWER_TERMS[virus]
    # in the sentence's features the broader term is not added: only the claim's wording
    # that names it lets the narrower one stand for it
    assert virus not in claimtext.english_features("Antibiotics cure the flu.").terms
    assert claim_ids(shipped_claims, "The flu vaccine cures viral illness.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a belief given as past is no longer held
        ("It was once widely believed that the Earth is flat.", []),
        ("People used to think cancer is contagious.", []),
        ("昔は地震は予知できると信じられていた。", []),
        # ... unless the claim stands outside it, or the sentence holds it true
        ("I once thought it was nonsense, but vaccines cause autism.", ["vaccines-autism"]),
        ("People once thought the Earth is flat, and they were right.", ["earth-is-flat"]),
        # a trailing clause that sets the claim aside; a verb that rejects it
        ("Vaccines cause autism - a notion long since abandoned.", []),
        ("Experts warn against believing that vaccines cause autism.", []),
    ],
)
def test_past_beliefs_and_rejections(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a trailing ", not X" names an alternative; its "not" is not the claim's
        ("The Earth is a flat disc, not a globe.", ["earth-is-flat"]),
        (
            "Lightning never strikes the same place twice, not even tall towers.",
            ["lightning-never-strikes-twice"],
        ),
        ("Vaccines cause autism, not the other way round.", ["vaccines-autism"]),
        # ... nor is a claim that negates matched by it
        ("Lightning can strike the same place twice, not just once.", []),
        # the alternative excluded may be the claim itself, or the tail a verdict
        ("Colds are caused by viruses, not by cold weather.", []),
        ("Cold weather causes colds, not really.", []),
    ],
)
def test_a_trailing_alternative_is_outside_the_claim(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected
