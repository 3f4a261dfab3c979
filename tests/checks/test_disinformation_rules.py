"""The disinformation check's paraphrase and refutation rules, one table row per form:
Japanese folding (spellings, synonyms, verb endings, particles), English phrasal verbs,
relation terms, opposites, and refutations that carry no negation word."""

from __future__ import annotations

import pytest

from guardproxy import claimtext
from guardproxy.checks.disinformation import DisinformationCheck
from tests.checks.claims_support import claim_ids

# --- English ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        # phrasal verbs and multi-word units
        ("Autism in kids is brought on by vaccination.", "vaccines-autism"),
        ("The common cold comes from cold weather.", "cold-weather-causes-colds"),
        ("Vaccines are linked to autism.", "vaccines-autism"),
        ("Herbs work against cancer.", "herbs-cure-cancer"),
        ("Scientists know in advance when earthquakes will strike.", "earthquakes-predictable"),
        ("Cancer passes from person to person.", "cancer-contagious"),
        # a phrasal verb with words inside it
        ("You get a cold from cold weather.", "cold-weather-causes-colds"),
        ("Vitamin C keeps colds away.", "vitamin-c-prevents-colds"),
        # synonyms
        ("Microwave ovens leave radiation in your food.", "microwave-food-radioactive"),
        ("Rubber tires insulate you from lightning.", "rubber-tires-protect-lightning"),
        # a related relation term stands in for the claim's own
        ("Mosquitoes cause HIV.", "hiv-mosquitoes"),
        # words calling something false are what a hoax claim asserts
        ("Climate change is a myth.", "climate-change-hoax"),
        ("Global warming is untrue.", "climate-change-hoax"),
        # "not" turns an opposite back into the claim term
        ("The Earth is not round.", "earth-is-flat"),
        ("The Apollo Moon landings never happened.", "moon-landings-faked"),
    ],
)
def test_english_rewordings_are_found(
    shipped_claims: DisinformationCheck, text: str, claim: str
) -> None:
    assert claim_ids(shipped_claims, text) == [claim]


@pytest.mark.parametrize(
    "text",
    [
        # verbs and nouns that reject a statement
        "Researchers have dismissed the idea that vaccines cause autism.",
        "Experts reject the suggestion that 5G mobile networks spread COVID-19.",
        "The evidence contradicts the idea that the Earth is flat.",
        "Scientists deny that mRNA COVID-19 vaccines change your DNA.",
        "The story that vaccines cause autism is just folklore.",
        "There is zero evidence that cell phones cause brain cancer.",
        "The injected flu vaccine is incapable of giving you the flu.",
        # the statement after "rather than" or "does little to" is set aside
        "Viruses, rather than cold weather, cause colds.",
        "Vitamin C does little to prevent colds.",
        # a word of falsity where the claim has none
        "It's a lie that vaccines cause autism.",
        "Text messages asking you to vote by text in US elections are a scam.",
        # a counter-fact: a word stating the opposite of a claim term
        "Measles is a serious childhood illness.",
        "Highway overpasses are deadly shelters from tornadoes.",
        "The Apollo Moon landings were genuine.",
        "Cancer is non-contagious.",
        "Drinking alcohol leaves you more vulnerable to COVID-19.",
        # the subject without the claim's relation asserts nothing about it
        "Drinking alcohol raises the risk of severe COVID-19.",
        "Large studies found antiperspirant users had the same breast cancer risk.",
        # a sentence refuting one claim does not assert another it also matches (with
        # "myth" as content, the hoax claim matches this one too)
        "It is a myth that global warming stopped years ago.",
        # the claim's terms gathered from both sides of a contrast
        "Current global warming is caused by greenhouse gases, while the Sun has grown weaker.",
        "The Sun varies a little, but today's global warming is caused by carbon dioxide.",
        # set phrases whose words mean something else here
        "Autism has genetic roots and begins before any vaccine is given.",
        "Breast cancer screening can catch tumours early.",
    ],
)
def test_english_refutations_without_negation_are_not_flagged(
    shipped_claims: DisinformationCheck, text: str
) -> None:
    assert claim_ids(shipped_claims, text) == []


def test_a_claim_stated_within_one_clause_is_still_found(
    shipped_claims: DisinformationCheck,
) -> None:
    text = "I know it sounds odd, but current global warming is caused by the Sun."
    assert claim_ids(shipped_claims, text) == ["warming-caused-by-sun"]
    assert claimtext.CLAUSE_BREAK in claimtext.english_features("A, but B.").terms


def test_opposites_count_as_negation_and_not_turns_them_back() -> None:
    flat = claimtext.term("flat")
    round_ = claimtext.english_features("The Earth is round.")
    assert round_.opposed == {flat} and flat in round_.terms and round_.cues == {}
    not_round = claimtext.english_features("The Earth is not round.")
    assert not_round.opposed == frozenset() and flat in not_round.terms
    assert not_round.cues == {}
    # "not" before a word that opposes nothing still negates
    assert claimtext.english_features("The Earth is not flat.").cues == {"neg": 1}


@pytest.mark.parametrize(
    ("word", "opposes"),
    [
        ("unpredictable", "predict"),
        ("non-contagious", "contagious"),
        ("radiation-free", "radioactive"),
        ("unsafe", "safe"),
        ("dangerous", "harmless"),
        ("genuine", "fake"),
        ("survives", "kill"),
        ("understand", None),
        ("universe", None),
        ("until", None),
    ],
)
def test_opposed_terms(word: str, opposes: str | None) -> None:
    found = claimtext.opposed_terms(word)
    assert (claimtext.term(opposes) in found) if opposes else found == ()


def test_falsity_words_are_content_and_counted() -> None:
    myth = claimtext.english_features("Climate change is a myth.")
    assert claimtext.FAKE_TERM in myth.terms and myth.cues == {"fake": 1}
    # an act of faking is content without the count
    made_up = claimtext.english_features("NASA made up the Moon landing.")
    assert claimtext.FAKE_TERM in made_up.terms and made_up.cues == {}
    assert claimtext.english_features("Experts dismissed it.").cues == {"ref": 1}


def test_phrasal_verbs_with_words_inside() -> None:
    prevent = claimtext.term("prevent")
    assert prevent in claimtext.english_features("Vitamin C keeps colds away.").terms
    assert claimtext.term("cause") in claimtext.english_features("You get HIV from bites.").terms
    assert claimtext.stem("shelters") == claimtext.stem("shelter")
    assert claimtext.stem("towers") == claimtext.stem("tower")


# --- Japanese --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        # the vaccine and the verb that gives it; polite endings
        ("ワクチンを打つと自閉症になります。", "ja-vaccines-autism"),
        ("自閉症の原因はワクチンです。", "ja-vaccines-autism"),
        ("インフルエンザの予防接種でインフルエンザになる。", "ja-flu-vaccine-gives-flu"),
        ("インフルの予防接種をするとインフルになります。", "ja-flu-vaccine-gives-flu"),
        # kanji and katakana spellings; passing on a disease without naming who gets it
        ("癌は人から人へうつります。", "ja-cancer-contagious"),
        ("ガンは伝染する。", "ja-cancer-contagious"),
        # 可能 for できる, 予測 for 予知
        ("地震の予知は可能である。", "ja-earthquakes-predictable"),
        ("地震は前もって予測できる。", "ja-earthquakes-predictable"),
        # short names, によって for causes, 拡散 for spreading
        ("新型コロナは5Gによって拡散されている。", "ja-5g-spreads-covid"),
        # 抗菌薬 for 抗生物質, 治る for 効く
        ("風邪には抗菌薬が効きます。", "ja-antibiotics-cure-cold"),
        ("抗生物質を飲むと風邪が治ります。", "ja-antibiotics-cure-cold"),
        # words of falsity are what a hoax claim asserts
        ("地球温暖化は嘘です。", "ja-climate-change-hoax"),
        ("気候変動なんてでっち上げだ。", "ja-climate-change-hoax"),
        ("アポロの月着陸はやらせだった。", "ja-moon-landings-faked"),
        # 家の中 for 屋内, にはならない for 起こらない
        ("家の中にいれば熱中症にはならない。", "ja-heatstroke-indoors"),
        ("時計などの金属を身に着けていると落雷にあいやすい。", "ja-metal-attracts-lightning"),
        ("日本の国政選挙はオンライン投票ができる。", "ja-internet-voting"),
    ],
)
def test_japanese_rewordings_are_found(
    shipped_claims: DisinformationCheck, text: str, claim: str
) -> None:
    assert claim_ids(shipped_claims, text) == [claim]


@pytest.mark.parametrize(
    "text",
    [
        # more words of falsity than the claim has (嘘 is content now, and counted)
        "地球温暖化がでっち上げだというのは嘘です。",
        # words that call a statement wrong, impossible or ineffective
        "ワクチン接種で自閉症になるというのは事実無根です。",
        "5Gの電波が新型コロナウイルスを広げているというのは都市伝説です。",
        "抗生物質はウイルスが原因の風邪には無効です。",
        "地震を正確に予知することは不可能です。",
        "地震の発生を事前に知るのは困難です。",
        "5Gの電波が新型コロナウイルスを広げているという主張は誤った情報です。",
        # the subject without the claim's relation (the last one is flagged without it
        # since folding made the claim shorter)
        "地球温暖化は観測で確かめられた事実です。",
        "アポロの月面着陸は本物です。",
        "地球温暖化の主な原因は温室効果ガスです。",
    ],
)
def test_japanese_refutations_and_topical_are_not_flagged(
    shipped_claims: DisinformationCheck, text: str
) -> None:
    assert claim_ids(shipped_claims, text) == []


def test_japanese_folding() -> None:
    same = [
        ("がんは人にうつる。", "癌は人から人へうつります。", "ガンは他人に伝染する。"),
        ("地震は予知できる。", "地震の予知は可能である。", "地震は予知することができます。"),
        ("ワクチン接種で自閉症になる。", "ワクチンを打つと自閉症になります。"),
        ("地球温暖化はでっち上げだ。", "温暖化は嘘です。", "気候変動は捏造である。"),
    ]
    for group in same:
        assert len({claimtext.japanese_text(t) for t in group}) == 1, group
    # one-character words are features of their own, whatever particles surround them
    assert "木" in claimtext.japanese_shingles("雷は高い木に落ちやすい。")
    assert claimtext.japanese_cues("地球温暖化は嘘だというのは誤りです。") == {"ref": 1, "fake": 1}
    assert claimtext.japanese_cues("予知は不可能だ。") == {"neg": 1}


def test_japanese_forms_start_with_a_literal() -> None:
    assert claimtext._leading_chars("ab|[cd]e|(?<=x)f(?:g)?") == {"a", "c", "d", "f"}
    with pytest.raises(ValueError, match="must start with a literal"):
        claimtext._leading_chars("(?:a)?b")
    for pattern, _ in claimtext._JA_FORMS:
        assert claimtext._leading_chars(pattern)


# --- structure around a claim ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a claim inside "the idea / notion / belief that ..." is reported, not asserted,
        # whatever verb sets it aside
        ("Research has moved past the notion that vaccines cause autism.", []),
        ("Doctors have set aside the belief that cancer is contagious.", []),
        (
            "The old idea that lightning never strikes the same place twice has been put to rest.",
            [],
        ),
        ("地震は予知できるという考えは最新の研究で覆されました。", []),
        # ... unless the frame holds it true
        ("Studies have confirmed the idea that vaccines cause autism.", ["vaccines-autism"]),
        ("がんは人にうつるという説が正しいことが確認されています。", ["ja-cancer-contagious"]),
        ("がんは人にうつるという説は正しくない。", []),
    ],
)
def test_a_reported_claim_is_not_asserted(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a concessive preface is outside the claim, its negation too
        ("Not many people realise it, but vaccines cause autism.", ["vaccines-autism"]),
        (
            "I don't mean to scare you, but cell phones cause brain cancer.",
            ["cell-phones-cause-cancer"],
        ),
        ("意外かもしれませんが、地震は予知できる。", ["ja-earthquakes-predictable"]),
        ("あまり知られていませんが、がんは人にうつる。", ["ja-cancer-contagious"]),
        # a claim conceded and then refuted is still refuted
        ("People used to say the Earth is flat, but they were wrong.", []),
        ("You may have heard that vaccines cause autism, but that is simply not the case.", []),
        ("地震は予知できると言われていますが、根拠はありません。", []),
    ],
)
def test_a_concessive_preface_is_outside_the_claim(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a negation in a leading side clause that names nothing of the claim
        (
            "If you can't find a basement, highway overpasses are safe shelters from tornadoes.",
            ["overpass-tornado-shelter"],
        ),
        ("I can't stress this enough: the Earth is flat.", ["earth-is-flat"]),
        ("傘を持たずに、金属を身につけていると雷が落ちやすい。", ["ja-metal-attracts-lightning"]),
        # not when the side clause names the claim, is a short verdict, or is no clause
        ("ワクチンを打たなくても、自閉症になる。", []),
        ("Not true: the Earth is flat.", []),
        ("It's not the case, as some say, that vaccines cause autism.", []),
        ("No evidence, for example, shows vaccines cause autism.", []),
    ],
)
def test_negation_counts_only_in_the_claims_clause(
    shipped_claims: DisinformationCheck, text: str, expected: list[str]
) -> None:
    assert claim_ids(shipped_claims, text) == expected


def test_claim_scope_helpers() -> None:
    reported = claimtext.reported_scope("Experts abandoned the idea that X is Y, sadly.", "en")
    assert reported == "Experts abandoned the  sadly."
    assert claimtext.reported_scope("Vaccines cause autism.", "en") is None
    assert claimtext.after_concession("Few know it, but X is Y.", "en") == (
        "Few know it",
        "X is Y.",
    )
    assert claimtext.after_concession("Scientists have yet to find it.", "en") is None
    assert claimtext.side_clause("If it isn't, X is Y.", "en") == ("If it isn't, ", "X is Y.")
    assert claimtext.side_clause("No proof, sadly, shows X.", "en") is None
