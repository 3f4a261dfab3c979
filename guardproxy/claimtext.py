"""Text helpers for the claim and fairness checks: sentences, content terms, negation cues.

Pure Python and cheap: everything here is a handful of compiled regular expressions and
small frozen tables, applied once per answer. English text becomes a sequence of content
terms (lower case, multi-word units joined, stop words and hedges removed, a light suffix
stemmer with irregular forms and British spellings folded, a synonym and hypernym table
that folds common rewordings onto one term); Japanese text becomes character bigrams.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

from guardproxy.lang import HIRAGANA

_HIRAGANA = re.compile(f"[{HIRAGANA}]")
# a word, with an apostrophe part ("don't") or a hyphenated number ("covid-19") kept on
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+|-\d+\b)*", re.UNICODE)
# A sentence ends at . ! ? (and their full-width forms) followed by space or the end, at
# the Japanese full stop, or at a line break.
_SENTENCE_END = re.compile(r"(?:[.!?]+(?=\s|$)|[。\uff01\uff1f]+|\n+)")
_JA_DROP = re.compile(r"[\s\W_]+", re.UNICODE)

# fmt: off
STOP_WORDS: frozenset[str] = frozenset(
    """
a about above actually after again against all also although am an and any are aren as at
be been before being below between both but by can could did do does doing down during each
even ever every few for from further had has have having he her here hers herself him
himself his how however i if in indeed into is it its itself just let like may me might
more most much must my myself of off on once only or other our ours ourselves out over own
per quite rather really same she should so some such than that the their theirs them
themselves then there these they this those though through thus to too under until up upon
us very was we well were what when where whether which while who whom whose why will with
within would yes yet you your yours yourself yourselves
one ones thing things way ways get gets got make makes made
say says said claim claims claimed believe believes believed think thinks know known
people many someone somebody everyone everybody often usually sometimes always simply
true truly fact facts indeed certainly definitely probably possibly perhaps maybe
evidence study studies research show shows shown suggest suggests report reports reported
expert experts scientist scientists official officials
apparently supposedly allegedly reportedly basically literally honestly frankly obviously
clearly surely widely commonly generally totally completely entirely absolutely essentially
seriously seem seems seemed heard hear read told tell mean means guess suppose supposed
assume reckon feel feels felt sure course kind sort bit lot lots little pretty fairly
somewhat largely mostly mainly exactly precisely stuff whole anyway anyhow now nowadays
still already yeah yep okay ok oh answer question reality truth matter idea notion view
opinion belief popular widespread able capable possible likely unlikely worth
researcher researchers seismologist seismologists geologist geologists meteorologist
meteorologists climatologist climatologists virologist virologists doctor doctors
physician physicians friend friends neighbour neighbor neighbours neighbors
""".split()  # noqa: SIM905 - a word list reads better as prose
)
# fmt: on

# Negators flip what a sentence asserts; refuters say the statement in it is wrong.
NEGATORS: frozenset[str] = frozenset(
    {
        "not",
        "no",
        "never",
        "none",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "cannot",
        "nowhere",
        "hardly",
        "barely",
        "scarcely",
        "unable",
        "impossible",
    }
)
_REFUTER_PREFIXES: tuple[str, ...] = (
    "false",
    "untrue",
    "myth",
    "debunk",
    "disprov",
    "refut",
    "wrong",
    "incorrect",
    "mistake",
    "mistaken",
    "misconception",
    "misinformation",
    "disinformation",
    "misleading",
    "baseless",
    "unfounded",
    "unsupported",
    "bogus",
    "contrary",
    "rumor",
    "rumour",
    "discredit",
    "conspiracy",
    "erroneous",
    "inaccurate",
    "nonsens",
    "pseudoscien",
    "fallac",
    "unsubstantiat",
    "unproven",
    "unscientific",
    "dispel",
    "misbelie",
    "misguided",
    "misunderst",
    "misled",
    "misinform",
    "hogwash",
    "superstiti",
    "implausib",
)
# whole words that call a statement wrong but are too short or too common as prefixes
_REFUTER_WORDS: frozenset[str] = frozenset(
    {"legend", "legends", "tale", "tales", "busted", "absurd", "ridiculous", "dubious"}
)
_CONTRACTIONS = {
    "can't": "can not",
    "won't": "will not",
    "shan't": "shall not",
    "cannot": "can not",
}

# Japanese cues: negated verb endings and words that call a statement wrong. A repeated
# claim carries the same cues as the claim itself; a refutation carries more or fewer.
JA_NEGATION = re.compile(
    r"(?:ない|なく|ません|ず(?:に|、|。|$)|ぬ|誤り|誤解|間違い|デマ|否定|迷信|俗説|嘘|うそ|"
    r"誤情報|偽情報|根拠がない|根拠はない|事実ではない|違います)"
)

# Rewordings folded onto one term: every word of a group becomes the term of its first.
# The groups are general paraphrases and hypernyms of the vocabulary that false claims
# about health, vaccines, climate, space, elections, disasters and technology use; a word
# belongs to one group at most.
_SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    (
        "cause",
        "trigger",
        "induce",
        "produce",
        "lead",
        "result",
        "responsible",
        "give",
        "provoke",
        "spark",
        "generate",
        "originate",
    ),
    (
        "spread",
        "transmit",
        "transmission",
        "pass",
        "carry",
        "propagate",
        "infect",
        "transfer",
        "spreader",
    ),
    (
        "cure",
        "heal",
        "treat",
        "treatment",
        "remedy",
        "fix",
        "eliminate",
        "eradicate",
        "beat",
        "reverse",
    ),
    (
        "prevent",
        "protect",
        "protection",
        "ward",
        "guard",
        "shield",
        "immune",
        "immunity",
        "defend",
        "avert",
        "safeguard",
        "preventive",
        "protective",
    ),
    ("stop", "halt", "pause", "cease", "end", "stall"),
    (
        "fake",
        "hoax",
        "fabricate",
        "stage",
        "fraud",
        "scam",
        "lie",
        "invent",
        "sham",
        "forge",
        "phony",
        "phoney",
        "counterfeit",
        "doctored",
        "hoaxed",
        "fakery",
    ),
    (
        "vaccine",
        "jab",
        "shot",
        "immunization",
        "immunisation",
        "inoculation",
        "vaccinate",
        "vaccination",
        "immunize",
        "immunise",
        "inoculate",
        "booster",
    ),
    ("phone", "cellphone", "mobile", "smartphone", "cellular", "handset"),
    (
        "harmless",
        "mild",
        "benign",
        "trivial",
        "innocuous",
        "minor",
        "insignificant",
        "inconsequential",
    ),
    (
        "predict",
        "prediction",
        "forecast",
        "foresee",
        "foretell",
        "anticipate",
        "predictable",
        "forecastable",
        "prophesy",
    ),
    ("safe", "safest", "secure", "safer", "safety"),
    ("dna", "gene", "genetic", "genome", "genetics", "chromosome"),
    (
        "change",
        "alter",
        "modify",
        "rewrite",
        "edit",
        "mutate",
        "transform",
        "reprogram",
        "tamper",
        "modification",
        "alteration",
        "manipulate",
    ),
    ("earth", "planet", "world", "globe"),
    ("sun", "solar"),
    ("human", "mankind", "humanity", "anthropogenic", "manmade", "humankind"),
    ("child", "kid", "children", "infant", "baby", "toddler", "childhood", "youngster", "newborn"),
    ("grow", "feed", "fuel", "accelerate", "worsen", "growth", "hasten", "boost"),
    ("contagious", "catch", "catching", "infectious", "communicable", "transmissible", "contagion"),
    ("kill", "destroy", "neutralize", "neutralise", "inactivate"),
    ("illness", "disease", "sickness", "ailment", "disorder"),
    ("cancer", "tumor", "tumour", "malignancy", "carcinoma"),
    ("cold", "chilly", "freezing", "frigid"),
    ("weather", "temperature"),
    ("bleach", "disinfectant", "chlorine", "hypochlorite"),
    ("drink", "consume", "ingest", "swallow", "eat", "sip", "intake", "consumption"),
    (
        "alcohol",
        "liquor",
        "booze",
        "ethanol",
        "wine",
        "beer",
        "vodka",
        "whisky",
        "whiskey",
        "spirits",
        "alcoholic",
    ),
    ("antibiotic", "antibacterial", "penicillin", "amoxicillin"),
    ("virus", "viral"),
    ("covid", "covid19", "coronavirus", "sarscov2"),
    ("flu", "influenza", "grippe"),
    ("moon", "lunar"),
    ("warm", "heat", "hotter", "hot", "heatwave", "scorching"),
    ("overpass", "bridge", "underpass"),
    ("shelter", "refuge", "hide", "haven"),
    ("doorway", "doorframe", "door"),
    ("vote", "ballot", "cast", "voting"),
    ("text", "sms", "texting"),
    ("sugar", "sweet", "sugary", "sweets", "candy", "sucrose"),
    ("strike", "hit"),
    ("autism", "autistic"),
    ("earthquake", "quake", "tremor", "temblor", "seismic"),
    ("tornado", "twister"),
    ("emit", "emission", "release", "discharge"),
    ("affect", "influence", "impact", "effect"),
    ("fast", "faster", "quick", "quicker", "rapid", "rapidly", "swift", "quickly"),
    ("house", "home"),
    ("place", "spot", "location"),
    ("tire", "tyre", "wheel"),
    ("car", "vehicle", "automobile"),
    ("highway", "motorway", "freeway", "interstate"),
    ("bite", "sting"),
    ("herb", "herbal", "botanical"),
    ("food", "meal", "dinner", "lunch", "breakfast"),
    ("current", "present", "today", "recent", "ongoing", "modern", "contemporary"),
    ("network", "tower", "mast", "antenna"),
    ("land", "landing", "touchdown"),
    ("equalize", "equalise", "balance", "equal"),
    ("radioactive", "radioactivity", "irradiate"),
    ("deodorant", "antiperspirant"),
    ("use", "using", "used", "apply", "wear", "usage"),
    ("election", "poll", "elect"),
)
# Irregular forms the suffix stemmer cannot reach, mapped to their base word.
_IRREGULAR: dict[str, str] = {
    "gave": "give",
    "given": "give",
    "caught": "catch",
    "struck": "strike",
    "stricken": "strike",
    "ate": "eat",
    "eaten": "eat",
    "drank": "drink",
    "drunk": "drink",
    "grew": "grow",
    "grown": "grow",
    "bitten": "bite",
    "brought": "bring",
    "took": "take",
    "taken": "take",
    "led": "lead",
    "kept": "keep",
    "rose": "rise",
    "risen": "rise",
    "wrote": "write",
    "written": "write",
    "hid": "hide",
    "hidden": "hide",
    "froze": "freeze",
    "frozen": "freeze",
    "fell": "fall",
    "fallen": "fall",
    "went": "go",
    "gone": "go",
    "men": "man",
    "women": "woman",
    "held": "hold",
    "stood": "stand",
    "won": "win",
    "begun": "begin",
    "began": "begin",
    "chose": "choose",
    "chosen": "choose",
    "sped": "speed",
    "spoke": "speak",
    "spoken": "speak",
    "tumours": "tumour",
}
# Multi-word units, read over the raw words: each becomes the words on its right (none
# for set phrases that only emphasise, such as "no doubt", whose "no" negates nothing).
_PHRASES: dict[tuple[str, ...], tuple[str, ...]] = {
    **{(v, "about"): ("cause",) for v in ("bring", "brings", "brought", "bringing")},
    **{(v, "rise"): ("cause",) for v in ("give", "gives", "gave", "given", "giving")},
    **{(v, "up"): ("fake",) for v in ("make", "makes", "made", "making", "cook", "cooked")},
    **{(v, "out"): ("kill",) for v in ("wipe", "wipes", "wiped", "wiping")},
    **{(v, "off"): ("prevent",) for v in ("stave", "staves", "fend", "fends", "fight")},
    **{(v, "away"): ("prevent",) for v in ("keep", "keeps", "kept", "keeping")},
    ("carbon", "dioxide"): ("co2",),
    ("greenhouse", "gas"): ("co2",),
    ("greenhouse", "gases"): ("co2",),
    ("climate", "change"): ("globalwarming",),
    ("global", "warming"): ("globalwarming",),
    ("global", "heating"): ("globalwarming",),
    ("climate", "crisis"): ("globalwarming",),
    ("cell", "phone"): ("phone",),
    ("cell", "phones"): ("phone",),
    ("smart", "phone"): ("phone",),
    ("smart", "phones"): ("phone",),
    ("text", "message"): ("sms",),
    ("text", "messages"): ("sms",),
    ("text", "messaging"): ("sms",),
    ("common", "cold"): ("cold",),
    ("common", "colds"): ("cold",),
    ("head", "cold"): ("cold",),
    ("type", "1"): ("type1",),
    ("type", "one"): ("type1",),
    ("type", "i"): ("type1",),
    ("juvenile", "diabetes"): ("type1", "diabetes"),
    ("vitamin", "c"): ("vitaminc",),
    ("ascorbic", "acid"): ("vitaminc",),
    ("two", "times"): ("twice",),
    ("second", "time"): ("twice",),
    ("far", "from"): ("false",),
    ("no", "doubt"): (),
    ("without", "doubt"): (),
    ("without", "a", "doubt"): (),
    ("no", "question"): (),
    ("no", "wonder"): (),
    ("no", "matter"): (),
    ("never", "mind"): (),
    ("not", "surprisingly"): (),
}
_PHRASE_FIRST: frozenset[str] = frozenset(k[0] for k in _PHRASES)
_PHRASE_LENGTHS: tuple[int, ...] = tuple(sorted({len(k) for k in _PHRASES}, reverse=True))


def _units(tokens: list[str]) -> list[str]:
    """Words with the multi-word units of `_PHRASES` replaced."""
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        w = tokens[i]
        if w in _PHRASE_FIRST:
            for size in _PHRASE_LENGTHS:
                key = tuple(tokens[i : i + size])
                if len(key) == size and key in _PHRASES:
                    out.extend(_PHRASES[key])
                    i += size
                    break
            else:
                out.append(w)
                i += 1
            continue
        out.append(w)
        i += 1
    return out


_ISE = re.compile(r"is(e|es|ed|ing|ation|ations|er|ers)$")


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A light English suffix stripper: enough to fold plurals, tenses and -ation forms."""
    w = _IRREGULAR.get(word, word)
    if len(w) <= 3:
        return w
    # British spellings fold onto American ones: -our to -or, -is(e) to -iz(e)
    if len(w) >= 5 and w.endswith(("our", "ours")):
        w = w.replace("our", "or", 1) if w.count("our") == 1 else w
    if len(w) >= 7:
        w = _ISE.sub(r"iz\1", w)
    for suffix, keep in (
        ("ational", "at"),
        ("ization", "iz"),
        ("isation", "is"),
        ("ations", ""),
        ("ation", ""),
        ("ically", "ic"),
        ("ingly", ""),
        ("edly", ""),
        ("ings", ""),
        ("ing", ""),
        ("ies", "y"),
        ("ied", "y"),
        ("ness", ""),
        ("ment", ""),
        ("ers", ""),
        ("ates", ""),
        ("ated", ""),
        ("ate", ""),
        ("ed", ""),
        ("es", ""),
        ("ly", ""),
    ):
        if w.endswith(suffix) and len(w) - len(suffix) + len(keep) >= 3:
            w = w[: len(w) - len(suffix)] + keep
            break
    else:
        if w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "ls":
        w = w[:-1]
    return w


_SYNONYMS: dict[str, str] = {
    stem(member): stem(group[0]) for group in _SYNONYM_GROUPS for member in group
}


def normalize(text: str) -> str:
    """NFKC and case folding, with typographic apostrophes made plain."""
    return unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each non-blank sentence, stripped of surrounding whitespace."""
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end() if m.group()[0] not in "\n" else m.start()
        yield from _stripped(text, start, end)
        start = m.end()
    yield from _stripped(text, start, len(text))


def _stripped(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end


def words(text: str) -> list[str]:
    """Lower-case words with contractions expanded ("don't" gives "do", "not")."""
    out: list[str] = []
    for w in _WORD.findall(normalize(text)):
        if "'" in w:
            out.extend(_split_apostrophe(w))
        else:
            out.append(w)
    return out


@lru_cache(maxsize=4096)
def _split_apostrophe(w: str) -> tuple[str, ...]:
    if w in _CONTRACTIONS:
        return tuple(_CONTRACTIONS[w].split())
    if w.endswith("n't"):
        return (w[:-3], "not")
    return (w.split("'", 1)[0],)


_NEG, _REF, _STOP = "\x00neg", "\x00ref", ""


@lru_cache(maxsize=32768)
def _classify(word: str) -> str:
    """The word's term, or a marker for negators, refuters and words without content."""
    if word in NEGATORS:
        return _NEG
    if word.startswith(_REFUTER_PREFIXES) or word in _REFUTER_WORDS:
        return _REF
    if word in STOP_WORDS or len(word) < 2:
        return _STOP
    return term(word)


def english_features(text: str) -> tuple[list[str], dict[str, int], int]:
    """Content terms in order, negation and refutation cues, and the number of words."""
    terms: list[str] = []
    neg = ref = 0
    tokens = _units(words(text))
    for i, t in enumerate(map(_classify, tokens)):
        if not t:
            continue
        if t == _NEG:
            # "whether or not", "believe it or not", "not only ... but" negate nothing
            if tokens[i] == "not" and (
                (i > 0 and tokens[i - 1] == "or")
                or (i + 1 < len(tokens) and tokens[i + 1] == "only")
            ):
                continue
            neg += 1
        elif t == _REF:
            ref += 1
        else:
            terms.append(t)
    cues: dict[str, int] = {}
    if neg:
        cues["neg"] = neg
    if ref:
        cues["ref"] = ref
    return terms, cues, len(tokens)


@lru_cache(maxsize=16384)
def term(word: str) -> str:
    """The content term of a word: its stem, folded through the synonym table."""
    s = stem(word.replace("-", ""))
    return _SYNONYMS.get(s, s)


# endings that contain ない without negating: "only", "must be", "may", adjectives
_JA_NOT_NEGATION = re.compile(r"(?:にすぎ|に過ぎ|に違い|にちがい|かもしれ|しか|少|危|幼|切|汚)ない")


_JA_NEGATOR_CUES = frozenset({"ない", "なく", "ません", "ぬ"})


def japanese_cues(text: str) -> dict[str, int]:
    """How often a text negates ("neg": plain or polite verb endings alike) and how often
    it calls something wrong ("ref"); absent when zero."""
    text = _JA_NOT_NEGATION.sub("", text)
    cues: Counter[str] = Counter()
    for m in JA_NEGATION.finditer(text):
        cue = m.group()
        cues["neg" if cue in _JA_NEGATOR_CUES or cue.startswith("ず") else "ref"] += 1
    return dict(cues)


def japanese_shingles(text: str) -> list[str]:
    """Character bigrams of the text in order, without spaces and punctuation."""
    compact = _JA_DROP.sub("", normalize(text))
    return [compact[i : i + 2] for i in range(len(compact) - 1)]


def japanese_weight(bigram: str) -> float:
    """How much a bigram says about the topic: kana-only bigrams are mostly particles and
    verb endings, mixed ones straddle a word boundary, the rest are kanji or katakana words."""
    kana = sum(1 for ch in bigram if _HIRAGANA.match(ch))
    return (1.0, 0.5, 0.2)[kana]


_KATAKANA_RUN = re.compile(r"[\u30a0-\u30ff]{4,}")


def japanese_weights(text: str) -> dict[str, float]:
    """Each bigram's weight (`japanese_weight`), with the bigrams inside a long katakana
    word sharing about two bigrams' worth: a loanword like インフルエンザ is one word, not six."""
    compact = _JA_DROP.sub("", normalize(text))
    factor = [1.0] * len(compact)
    for m in _KATAKANA_RUN.finditer(compact):
        share = min(1.0, 2.5 / (m.end() - m.start() - 1))
        for i in range(m.start(), m.end() - 1):
            factor[i] = share
    out: dict[str, float] = {}
    for i in range(len(compact) - 1):
        bigram = compact[i : i + 2]
        out[bigram] = max(out.get(bigram, 0.0), japanese_weight(bigram) * factor[i])
    return out
