"""The disinformation check: reworded known claims get a fact-check note; refutations and
topical sentences do not; topic notices; claim files and their errors."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from guardproxy import claimtext
from guardproxy.checks.base import Action, CheckContext
from guardproxy.checks.disinformation import (
    ClaimIndex,
    DisinformationCheck,
    DisinformationOptions,
    MinHasher,
    _nearest,
    _prefix_map,
    _shortest_window,
    _trigram_dice,
    load_claim_file,
    match_text,
    shipped_claims_dir,
)
from guardproxy.errors import PolicyError
from guardproxy.pipeline import evaluate
from guardproxy.policy.compiled import Policy
from guardproxy.policy.loader import PolicyLoader
from tests.helpers import make_registry


@pytest.fixture(scope="module")
def check() -> DisinformationCheck:
    return DisinformationCheck(DisinformationOptions.model_validate({}))


def make_check(**options: object) -> DisinformationCheck:
    return DisinformationCheck(DisinformationOptions.model_validate(options))


def ctx() -> CheckContext:
    return CheckContext(direction="output", request_id="t")


def policy(entry: str) -> Policy:
    registry = make_registry()
    if "disinformation" not in registry.names:
        registry.register("disinformation", DisinformationCheck)
    body = "output:\n" + textwrap.indent(textwrap.dedent(entry).strip(), "  ")
    return PolicyLoader(registry).load_bytes(body.encode(), name="d")


async def claim_ids(check: DisinformationCheck, text: str) -> list[str]:
    result = await check.run(text, ctx())
    return [str(a.data["claim_id"]) for a in result.annotations if a.kind == "fact_check"]


# --- matching --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("Vaccines cause autism.", "vaccines-autism"),
        ("Many people believe that vaccinations trigger autism in kids.", "vaccines-autism"),
        ("Honestly, the moon landing was staged by NASA.", "moon-landings-faked"),
        ("It is possible that COVID-19 is spread by 5G networks.", "5g-spreads-covid"),
        (
            "During an earthquake, the safest place is standing in a doorway.",
            "doorway-safest-earthquake",
        ),
        (
            "Some experts say the common cold is caused by cold weather.",
            "cold-weather-causes-colds",
        ),
        ("Global warming stopped several years ago, as everyone knows.", "global-warming-stopped"),
        ("Human carbon dioxide emissions don't affect the climate.", "co2-does-not-affect-climate"),
        ("Believe it or not, vaccines cause autism.", "vaccines-autism"),
        ("Whether or not you like it, the Earth is flat.", "earth-is-flat"),
        ("Not only is the Earth flat, it is also young.", "earth-is-flat"),
    ],
)
async def test_reworded_claims_are_found(check: DisinformationCheck, text: str, claim: str) -> None:
    assert await claim_ids(check, text) == [claim]


@pytest.mark.parametrize(
    "text",
    [
        "Vaccines do NOT cause autism.",
        "Vaccines don't cause autism; many large studies found no link.",
        "It is a myth that vaccines cause autism.",
        "There is no evidence that 5G mobile networks spread COVID-19.",
        "The claim that the Earth is flat has been debunked.",
        "Some people wrongly believe that the Moon landings were faked.",
        "Contrary to popular belief, lightning can strike the same place twice.",
        # the claim itself says "do not": repeating it needs the negation, dropping it refutes
        "Carbon dioxide emitted by humans affects the climate.",
        "Vaccines cause autism. This is a myth.",
        "Vaccines cause autism? That is not true.",
        "Do vaccines cause autism? No.",
    ],
)
async def test_refutations_are_not_flagged(check: DisinformationCheck, text: str) -> None:
    assert await claim_ids(check, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Vaccines can cause mild side effects such as a sore arm.",
        "The MMR vaccine protects children against measles, mumps and rubella.",
        "Antibiotics treat bacterial infections such as strep throat.",
        "Paris is the capital of France.",
        "",
    ],
)
async def test_topical_and_unrelated_sentences_are_not_flagged(
    check: DisinformationCheck, text: str
) -> None:
    assert await claim_ids(check, text) == []


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        # synonyms and hypernyms
        ("Influenza vaccines give people influenza.", "flu-vaccine-gives-flu"),
        ("Immunisations trigger autism in toddlers.", "vaccines-autism"),
        ("Measles is a mild disease for kids.", "measles-harmless"),
        ("Seismologists are able to forecast quakes.", "earthquakes-predictable"),
        ("The coronavirus is transmitted by 5G towers.", "5g-spreads-covid"),
        # multi-word units
        ("Mobile phones bring about brain tumours.", "cell-phones-cause-cancer"),
        ("Ascorbic acid tablets ward off colds.", "vitamin-c-prevents-colds"),
        ("Today's climate change is caused by the sun.", "warming-caused-by-sun"),
        ("Global warming is a complete fabrication.", "climate-change-hoax"),
        # irregular forms, clause order, hedges, set phrases
        ("Lightning has never struck the same spot twice.", "lightning-never-strikes-twice"),
        ("Faster cancer growth comes from eating sugar.", "sugar-feeds-cancer"),
        ("Apparently the Earth is, basically, flat.", "earth-is-flat"),
        ("Without a doubt, vaccines cause autism.", "vaccines-autism"),
        # a question answered with a plain yes
        ("Do vaccines cause autism? Yes, they do.", "vaccines-autism"),
        ("Is the Earth flat? It is.", "earth-is-flat"),
    ],
)
async def test_rewordings_are_found(check: DisinformationCheck, text: str, claim: str) -> None:
    assert await claim_ids(check, text) == [claim]


@pytest.mark.parametrize(
    "text",
    [
        "Vaccines are unable to cause autism.",
        "Scientists find it impossible to predict earthquakes.",
        "Far from being harmless, measles is a dangerous childhood illness.",
        "The idea that the Earth is flat is an urban legend.",
        "Do vaccines cause autism? Yes, that is a myth.",
        "Do vaccines cause autism? No, they do not.",
        "Is the Earth flat? It is a sphere.",
        "Is the Earth flat? Nonsense.",
        "Influenza vaccines are offered free to people over 65.",
        "Climate change is driven by greenhouse gas emissions.",
        "Cell phone towers are common in cities.",
    ],
)
async def test_new_refutations_and_topical_sentences_are_not_flagged(
    check: DisinformationCheck, text: str
) -> None:
    assert await claim_ids(check, text) == []


def test_terms_fold_rewordings() -> None:
    same = [
        ("flu", "influenza"),
        ("jab", "vaccine"),
        ("shots", "vaccinations"),
        ("transmits", "spreading"),
        ("modified", "alter"),
        ("tumours", "cancer"),
        ("caught", "catch"),
        ("given", "causes"),
        ("equalise", "equalizes"),
    ]
    for a, b in same:
        assert claimtext.term(a) == claimtext.term(b), (a, b)
    assert claimtext.term("flu") != claimtext.term("cold")
    f = claimtext.english_features(
        "No doubt carbon dioxide brings about global warming; cell phones give rise to it."
    )
    assert f.terms == ["co2", "caus", "globalwarm", "phon", "caus"]
    assert f.cues == {}
    assert claimtext.english_features("That is far from the truth.").cues == {"fake": 1}
    assert claimtext.english_features("Nobody is unable to vote.").cues == {"neg": 2}


def test_second_stage_credits_near_spellings(tmp_path: Path) -> None:
    assert _trigram_dice("homeopathic", "homeopathy") > 0.8
    assert _nearest("homeopathic", _prefix_map({"homeopathy", "cancer"}), frozenset()) == (
        pytest.approx(_trigram_dice("homeopathic", "homeopathy")),
        "homeopathy",
    )
    assert _nearest("cancer", _prefix_map({"cancel"}), frozenset()) == (0.0, "")
    assert _nearest("infection", _prefix_map({"infectious"}), frozenset({"infectious"}))[1] == ""
    path = tmp_path / "mine.jsonl"
    entry = claim(id="homeopathy", claim="Homeopathic remedies cure cancer.")
    path.write_text(json.dumps(entry) + "\n", encoding="utf-8")
    mine = make_check(builtin_claims=False, claim_files=[str(path)])
    result = await_ids(mine, "Homeopathy cures cancer.")
    assert result == ["homeopathy"]
    assert await_ids(mine, "Homeopathy does not cure cancer.") == []


def await_ids(check: DisinformationCheck, text: str) -> list[str]:
    thresholds = {"en": check.options.threshold, "ja": check.options.threshold_ja}
    return [m.match.claim.id for m in match_text(check.index, text, thresholds)]


def test_japanese_matching_is_unchanged_by_the_english_stages(check: DisinformationCheck) -> None:
    thresholds = {"en": 0.7, "ja": 0.65}
    assert await_ids(check, "実は、地震は事前に予知できる。") == ["ja-earthquakes-predictable"]
    # a Japanese question followed by はい is still a question
    assert await_ids(check, "地震は予知できるのでしょうか。はい。") == []
    text = "がんは人にうつる。"
    fast = [m.match.claim.id for m in match_text(check.index, text, thresholds)]
    assert fast == ["ja-cancer-contagious"]


async def test_items_under_a_myths_heading_are_refuted(check: DisinformationCheck) -> None:
    text = "Common myths about vaccines:\n- Vaccines cause autism\n- The flu shot gives you the flu\n\nThe Earth is flat."
    assert await claim_ids(check, text) == ["earth-is-flat"]


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("ワクチンを接種すると自閉症になると言われています。", "ja-vaccines-autism"),
        ("実は、地震は事前に予知できる。", "ja-earthquakes-predictable"),
        ("5Gの電波によって新型コロナウイルスが広がった。", "ja-5g-spreads-covid"),
        ("地球温暖化はでっち上げにすぎない。", "ja-climate-change-hoax"),
        # polite negation repeats the plain negation of the claim
        ("熱中症は屋内では起こりません。", "ja-heatstroke-indoors"),
    ],
)
async def test_japanese_claims_are_found(check: DisinformationCheck, text: str, claim: str) -> None:
    assert await claim_ids(check, text) == [claim]


@pytest.mark.parametrize(
    "text",
    [
        "ワクチン接種で自閉症になることはありません。",
        "「地震は予知できる」というのは誤りです。",
        "熱中症は屋内でも起こります。",
        "地震に備えて家具を固定しましょう。",
        "地震は予知できるのでしょうか。",
    ],
)
async def test_japanese_refutations_and_topical_are_not_flagged(
    check: DisinformationCheck, text: str
) -> None:
    assert await claim_ids(check, text) == []


async def test_finding_points_at_the_sentence_and_keeps_the_answer_out(
    check: DisinformationCheck,
) -> None:
    text = "Here is a summary. Vaccines cause autism in children. Ask your doctor."
    result = await check.run(text, ctx())
    (finding,) = result.findings
    assert text[finding.start : finding.end] == "Vaccines cause autism in children."
    assert finding.category == "vaccines" and finding.action is None
    assert "vaccines-autism" in finding.message and "correction:" in finding.message
    assert "children" not in finding.message.split("correction:")[0]
    (note,) = result.annotations
    assert note.text.startswith("Fact-check note: ") and "https://www.nhs.uk/" in note.text
    assert note.data["verdict"] == "false" and 0.7 <= note.data["similarity"] <= 1.0
    assert result.score == pytest.approx(finding.score)


async def test_one_note_per_claim_and_max_notes() -> None:
    check = make_check(max_notes=1)
    text = "Vaccines cause autism. Really, vaccines cause autism. The Earth is flat."
    result = await check.run(text, ctx())
    assert len(result.findings) == 3
    assert [a.data["claim_id"] for a in result.annotations] == ["vaccines-autism"]


async def test_japanese_note_is_in_japanese(check: DisinformationCheck) -> None:
    result = await check.run("地震は予知できる。", ctx())
    assert result.annotations[0].text.startswith("ファクトチェック: ")


async def test_languages_and_verdicts_options() -> None:
    english_only = make_check(languages=["en"])
    assert await claim_ids(english_only, "地震は予知できる。") == []
    assert set(english_only.index.by_language) == {"en"}
    no_misleading = make_check(verdicts=["false"])
    assert await claim_ids(no_misleading, "Cold weather causes the common cold.") == []
    assert await claim_ids(no_misleading, "The Earth is flat.") == ["earth-is-flat"]


async def test_unquoted_false_verdict_in_yaml(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    entry = "\n".join(f"    {k}: {v}" for k, v in claim().items() if k != "verdict")
    path.write_text(f"claims:\n  - verdict: false\n{entry}\n", encoding="utf-8")
    p = policy(
        f"""
        - use: disinformation
          options: {{builtin_claims: false, claim_files: ['{path}'], verdicts: [false]}}
        """
    )
    v = await evaluate(p, p.output_checks, "Office plants block wifi signals.", ctx())
    assert v.annotations[0].data["verdict"] == "false"


async def test_threshold_option() -> None:
    text = "Highway overpasses are safe during tornadoes."  # similarity about 0.8
    assert await claim_ids(make_check(), text) == ["overpass-tornado-shelter"]
    strict = make_check(threshold=0.9)
    assert await claim_ids(strict, text) == []
    assert await claim_ids(strict, "Vaccines cause autism.") == ["vaccines-autism"]


def test_candidate_filter_agrees_with_scoring_everything(check: DisinformationCheck) -> None:
    thresholds = {"en": 0.7, "ja": 0.65}
    texts = [
        "Vaccines cause autism. The Earth is flat, and global warming stopped years ago.",
        "Lightning never strikes the same place twice, and overpasses are safe in tornadoes.",
        "アポロの月面着陸は捏造だった。がんは人にうつる。",
    ]
    for text in texts:
        fast = [m.match.claim.id for m in match_text(check.index, text, thresholds)]
        slow = [
            m.match.claim.id for m in match_text(check.index, text, thresholds, use_filter=False)
        ]
        assert fast == slow and fast


def test_minhash_and_window_helpers() -> None:
    a, b = MinHasher(8, seed=3), MinHasher(8, seed=3)
    assert a.vector("vaccin") == b.vector("vaccin") != MinHasher(8, seed=4).vector("vaccin")
    assert _shortest_window(["a", "x", "b", "y", "y", "a", "b"], frozenset({"a", "b"})) == 2
    assert _shortest_window(["a", "x", "x", "b"], frozenset({"a", "b"})) == 4
    # within one clause only; 0 when no clause holds them all
    assert _shortest_window(["a", "b", "|", "a", "x", "b"], frozenset({"a", "b"})) == 2
    assert _shortest_window(["a", "x", "|", "b"], frozenset({"a", "b"})) == 0


# --- the pipeline ----------------------------------------------------------------------


async def test_annotates_by_default_and_blocks_when_the_entry_says_so() -> None:
    p = policy("- use: disinformation")
    v = await evaluate(p, p.output_checks, "The Earth is flat.", ctx())
    assert v.action is Action.ANNOTATE
    assert v.text.startswith("The Earth is flat.\n\nFact-check note: The Earth is a slightly")
    p = policy("- {use: disinformation, action: block}")
    v = await evaluate(p, p.output_checks, "The Earth is flat.", ctx())
    assert v.blocked
    v = await evaluate(p, p.output_checks, "The Earth is round.", ctx())
    assert v.action is Action.ALLOW and v.text == "The Earth is round."


# --- topic notices ---------------------------------------------------------------------

HEALTH = {
    "name": "health",
    "sources": [{"title": "WHO", "url": "https://www.who.int/"}],
}


async def test_topic_notice_needs_enough_keywords() -> None:
    check = make_check(topics=[HEALTH])
    result = await check.run("Flu symptoms usually pass; see a doctor if the fever lasts.", ctx())
    notices = [a for a in result.annotations if a.kind == "topic_notice"]
    assert notices[0].text == (
        "About health and medicine: for authoritative, up-to-date information, "
        "see WHO (https://www.who.int/)."
    )
    assert result.findings[-1].category == "topic_notice"
    assert result.findings[-1].action is Action.ANNOTATE
    result = await check.run("Take a rest if the flu hits.", ctx())
    assert result.annotations == () and result.findings == ()


async def test_topic_notice_in_japanese_and_custom_topic() -> None:
    floods = {
        "name": "floods",
        "keywords": ["flood", "river", "洪水", "河川"],
        "min_keywords": 1,
        "label_ja": "水害",
        "sources": [{"title": "国土交通省", "url": "https://www.mlit.go.jp/"}],
        "text_ja": "{topic}の情報: {sources}",
    }
    check = make_check(topics=[HEALTH, floods])
    result = await check.run("大雨で河川が増水しています。", ctx())
    (note,) = result.annotations
    assert note.text == "水害の情報: 国土交通省 (https://www.mlit.go.jp/)"
    assert note.data == {
        "topic": "floods",
        "language": "ja",
        "keywords": 1,
        "sources": ["https://www.mlit.go.jp/"],
    }


async def test_topic_notice_does_not_block_with_a_blocking_entry() -> None:
    p = policy(
        """
        - use: disinformation
          action: block
          options:
            topics:
              - {name: elections, sources: [{title: Vote.gov, url: "https://vote.gov/"}]}
        """
    )
    v = await evaluate(p, p.output_checks, "Early voting and mail-in ballots are open.", ctx())
    assert v.action is Action.ANNOTATE
    assert v.text.endswith("see Vote.gov (https://vote.gov/).")


@pytest.mark.parametrize(
    ("options", "location", "message"),
    [
        (
            "{topics: [{name: floods, sources: [{title: X, url: 'https://x.org'}]}]}",
            r"output\[0\]\.options",
            "needs keywords",
        ),
        ("{topics: [{name: health}]}", r"output\[0\]\.options\.topics\[0\]\.sources", "required"),
        (
            "{topics: [{name: health, text_en: '{nope}', sources: [{title: X, url: 'https://x'}]}]}",
            r"text_en",
            "unknown placeholder 'nope'",
        ),
        ("{topics: [{name: health, sources: [{title: X, url: 'x.org'}]}]}", r"url", "pattern"),
        ("{threshold: 0}", r"options\.threshold", "greater than 0"),
        ("{languages: [fr]}", r"options\.languages", "'en' or 'ja'"),
        ("{claim_files: ['  ']}", r"options\.claim_files", "must not be blank"),
    ],
)
def test_option_errors(options: str, location: str, message: str) -> None:
    with pytest.raises(PolicyError, match=location) as info:
        policy(f"- {{use: disinformation, options: {options}}}")
    assert message in str(info.value)


# --- claim files -----------------------------------------------------------------------


def claim(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "office-plants-wifi",
        "claim": "Office plants block wifi signals.",
        "verdict": "false",
        "correction": "Plants absorb very little of a wifi signal.",
        "source": "https://example.org/wifi",
        "topic": "technology",
        "language": "en",
    }
    return base | changes


async def test_extra_files_yaml_and_jsonl(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text(
        "claims:\n" + textwrap.indent(json.dumps([claim()]), "  "), encoding="utf-8"
    )
    (tmp_path / "more.jsonl").write_text(
        json.dumps(claim(id="kettle", claim="Boiling water twice makes it poisonous.")) + "\n\n",
        encoding="utf-8",
    )
    check = make_check(
        builtin_claims=False,
        claim_files=[str(tmp_path / "mine.yaml"), str(tmp_path / "more.jsonl")],
    )
    assert len(check.index) == 2
    assert await claim_ids(check, "Honestly, office plants can block wifi signals.") == [
        "office-plants-wifi"
    ]
    assert await claim_ids(check, "Boiling water twice makes it poisonous.") == ["kettle"]
    assert await claim_ids(check, "Vaccines cause autism.") == []


def test_relative_claim_files_resolve_in_the_shipped_folder() -> None:
    check = make_check(builtin_claims=False, claim_files=["ja.yaml"])
    assert set(check.index.by_language) == {"en", "ja"}
    assert len(check.index.by_language["en"].claims) == 0
    assert len(check.index.by_language["ja"].claims) > 5


def test_shipped_claims_are_valid_and_sourced() -> None:
    folder = shipped_claims_dir()
    claims = [c for path in sorted(folder.glob("*.yaml")) for c in load_claim_file(path)]
    assert 30 <= len(claims) <= 60
    assert {c.language for c in claims} == {"en", "ja"}
    assert len({c.id for c in claims}) == len(claims)
    assert all(c.source.startswith("https://") for c in claims)
    ClaimIndex(claims)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.yaml", "claims:\n  - id: x\n    claim: [", r"bad\.yaml:3: YAML syntax"),
        ("bad.yaml", "- just a list", r"bad\.yaml: a claim file holds a mapping"),
        ("bad.yaml", "claims: []\nextra: 1", r"bad\.yaml: unknown top-level keys: extra"),
        (
            "bad.yaml",
            "claims:\n"
            + textwrap.indent(json.dumps([claim(), claim(id="b", verdict="meh")]), "  "),
            r"bad\.yaml:\d+: claims\[1\]: verdict: Input should be",
        ),
        (
            "bad.yaml",
            "claims:\n  - id: a\n    claim: The sky is green.\n",
            r"bad\.yaml:2: claims\[0\]: verdict: Field required",
        ),
        ("bad.jsonl", json.dumps(claim()) + "\n{not json\n", r"bad\.jsonl:2: not JSON"),
        (
            "bad.jsonl",
            json.dumps(claim(source="ftp://x")) + "\n",
            r"bad\.jsonl:1: source: String should match pattern",
        ),
        ("bad.txt", "", r"bad\.txt: must end in \.yaml, \.yml or \.jsonl"),
        (
            "bad.jsonl",
            json.dumps(claim()) + "\n" + json.dumps(claim()) + "\n",
            r"bad\.jsonl:2: claim id 'office-plants-wifi' is already used at .*bad\.jsonl:1",
        ),
        (
            "bad.jsonl",
            json.dumps(claim(claim="It is what it is.")) + "\n",
            r"bad\.jsonl:1: claim 'office-plants-wifi' has too few content words",
        ),
    ],
)
def test_bad_claim_files_name_file_and_entry(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        make_check(builtin_claims=False, claim_files=[str(path)])


def test_bad_claim_file_in_a_policy_is_a_policy_error(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text(json.dumps(claim(language="de")) + "\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"output\[0\]\.options: .*mine\.jsonl:1: language"):
        policy(f"- {{use: disinformation, options: {{claim_files: ['{path}']}}}}")
    with pytest.raises(PolicyError, match=r"claim file nowhere\.yaml: not found"):
        policy("- {use: disinformation, options: {claim_files: [nowhere.yaml]}}")
