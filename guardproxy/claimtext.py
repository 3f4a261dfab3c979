"""Text helpers for the claim and fairness checks: sentences, content terms, negation cues.

Pure Python and cheap: everything here is a handful of compiled regular expressions and
small frozen tables, applied once per answer. English text becomes a sequence of content
terms (lower case, multi-word units and phrasal verbs joined, stop words and hedges
removed, a light suffix stemmer with irregular forms and British spellings folded, a
synonym and hypernym table that folds common rewordings onto one term, and a generated
table of derived forms, `guardproxy.claimsyn`) with its cues: negators, refuters, and
words calling something false (counted, and also the content of hoax claims). Words
stating the opposite of a term ("serious" for harmless, "round" for flat,
"unpredictable") are kept apart so that a claim holding the term can count them as a
negation; so are words that "without" or "free of" say are absent, and "without",
"too ... to" or "weakens" before a relation term count as a negation. Japanese text is
folded (spelling variants, synonyms, verb endings and case particles made one) and
becomes character bigrams plus one-character words. The last part of the module finds
where in a sentence a claim is stated: reported, conceded, kept quiet, or retracted by
a later clause.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from guardproxy import claimsyn
from guardproxy.lang import HIRAGANA

_HIRAGANA = re.compile(f"[{HIRAGANA}]")
# a word, with an apostrophe part ("don't") or a hyphenated number ("covid-19") kept on
# "non-contagious" and "radiation-free" stay one word: the prefix and suffix negate it;
# "flu-like" does too: it is not the flu
_WORD = re.compile(r"(?:non-)?[^\W_]+(?:['\u2019][^\W_]+|-\d+\b|-free\b|-like\b)*", re.UNICODE)
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
        "zero",
        # "incapable of", "useless against": the statement's verb fails to hold
        "incapable",
        "powerless",
        "useless",
        "ineffective",
        "fail",
        "fails",
        "failed",
    }
)
_REFUTER_PREFIXES: tuple[str, ...] = (
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
    "contrary",
    "rumor",
    "rumour",
    "discredit",
    "conspiracy",
    "erroneous",
    "inaccurate",
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
    # verbs of rejecting a statement: "dismissed the idea that ..."
    "reject",
    "dismiss",
    "contradict",
    "disput",
    "folklor",
    "groundless",
    # a withdrawn study or statement: "the paper claiming it was retracted"
    "retract",
    "misapprehen",
)
# Words that call a statement false. They are also what a hoax claim asserts ("climate
# change is a hoax", "... a myth", "... a lie"), so they fold onto the content term `fake`
# and are counted: a sentence with more of them than the claim calls the claim false.
_FALSITY_PREFIXES: tuple[str, ...] = (
    "false",
    "untrue",
    "myth",
    "hoax",
    "fake",
    "fabricat",
    "bogus",
    "fraud",
    "fiction",
    "nonsens",
)
# whole words that call a statement wrong but are too short or too common as prefixes
_REFUTER_WORDS: frozenset[str] = frozenset(
    {
        "legend",
        "legends",
        "tale",
        "tales",
        "busted",
        "absurd",
        "ridiculous",
        "dubious",
        "deny",
        "denies",
        "denied",
        "denying",
        "denial",
        "opposite",
    }
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
    r"(?:ない|なく|ません|ず(?:に|、|。|$)|ぬ|無縁|不可能|無理|無効|難し|困難|誤り|誤解|誤っ|"
    r"間違い|否定|迷信|俗説|都市伝説|事実無根|無関係|乏しい|誤情報|偽情報|根拠がない|根拠はない|"
    r"事実ではない|違います|勘違い|思い違い|見当違い|事実と(?:は)?異な|事実に反|誤認|思い込み|眉唾)"
)
# Japanese words that call a statement false; like their English counterparts they are
# also what a hoax claim asserts, so they are content (one form, 捏造) and counted.
_JA_FALSITY = re.compile(
    r"捏造|ねつ造|でっち上げ|でっちあげ|作り話|作り事|うそっぱち|嘘|うそ|ウソ|デマ|やらせ|ヤラセ|"
    r"フェイク|虚構|偽物|ニセモノ|インチキ|いんちき|偽り"
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
        "reason",
        "link",
        "linked",
        "contribute",
        "drive",
        "driven",
        "driver",
        "blame",
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
        "travel",
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
        "insulate",
        # a safe place or drink is one that protects
        "safe",
        "safest",
        "secure",
        "safer",
        "safety",
    ),
    ("stop", "halt", "pause", "cease", "end", "stall", "plateau", "plateaued", "quit"),
    ("flat", "disc", "disk"),
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
        "myth",
        "false",
        "untrue",
        "bogus",
        "fiction",
        "nonsense",
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
        "beforehand",
    ),
    ("dna", "gene", "genetic", "genome", "genetics", "chromosome"),
    # the mRNA vaccines by maker and brand
    ("mrna", "pfizer", "moderna", "biontech", "comirnaty", "spikevax"),
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
        "integrate",
    ),
    ("earth", "planet", "world", "globe"),
    ("sun", "solar"),
    ("human", "mankind", "humanity", "anthropogenic", "manmade", "humankind"),
    ("child", "kid", "children", "infant", "baby", "toddler", "childhood", "youngster", "newborn"),
    ("grow", "feed", "fuel", "accelerate", "worsen", "growth", "hasten", "boost"),
    ("contagious", "catch", "catching", "infectious", "communicable", "transmissible", "contagion"),
    (
        "kill",
        "destroy",
        "neutralize",
        "neutralise",
        "inactivate",
        "die",
        "dies",
        "died",
        "dying",
    ),
    ("illness", "disease", "sickness", "ailment", "disorder", "infection"),
    ("cancer", "tumor", "tumour", "malignancy", "carcinoma"),
    ("cold", "chilly", "freezing", "frigid", "winter", "wintry"),
    ("weather", "temperature"),
    ("bleach", "disinfectant", "chlorine", "hypochlorite"),
    ("drink", "consume", "ingest", "swallow", "eat", "sip", "intake", "consumption", "orally"),
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
    ("warm", "heat", "hotter", "hot", "heatwave", "scorching", "summer"),
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
    ("affect", "influence", "impact", "effect", "difference", "role"),
    ("fast", "faster", "quick", "quicker", "rapid", "rapidly", "swift", "quickly"),
    ("house", "home"),
    ("year", "decade", "century", "decades", "centuries"),
    ("place", "spot", "location"),
    ("tire", "tyre", "wheel"),
    ("car", "vehicle", "automobile"),
    ("highway", "motorway", "freeway", "interstate"),
    ("bite", "sting"),
    ("herb", "herbal", "botanical", "plant", "plants"),
    ("food", "meal", "dinner", "lunch", "breakfast"),
    ("current", "present", "today", "recent", "ongoing", "modern", "contemporary"),
    ("network", "tower", "mast", "antenna", "signal"),
    ("land", "landing", "touchdown"),
    ("equalize", "equalise", "balance", "equal"),
    # ionizing radiation is what makes something radioactive; "non-ionizing" opposes it
    ("radioactive", "radioactivity", "irradiate", "radiation", "ionizing", "ionising"),
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
    "rewrote": "rewrite",
    "rewritten": "rewrite",
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
    # an act of faking, not a verdict on a statement: folds onto `fake` without its cue
    **{(v, "up"): ("invented",) for v in ("make", "makes", "made", "making", "cook", "cooked")},
    **{(v, "out"): ("kill",) for v in ("wipe", "wipes", "wiped", "wiping")},
    **{(v, "off"): ("prevent",) for v in ("stave", "staves", "fend", "fends", "fight")},
    **{(v, "away"): ("prevent",) for v in ("keep", "keeps", "kept", "keeping")},
    **{(v, "on"): ("cause",) for v in ("bring", "brings", "brought", "bringing")},
    # "X comes from Y", "X is due to Y": Y causes X
    **{(v, "from"): ("cause",) for v in ("come", "comes", "came", "coming", "stem", "stems")},
    **{(v, "from"): ("cause",) for v in ("stemmed", "arise", "arises", "arose")},
    ("because", "of"): ("cause",),
    ("due", "to"): ("cause",),
    ("thanks", "to"): ("cause",),
    ("owing", "to"): ("cause",),
    **{(v, "down", "with"): ("catch",) for v in ("come", "comes", "came", "coming")},
    **{(v, "rid"): ("cure",) for v in ("get", "gets", "got", "getting", "rids")},
    **{(v, "up"): ("fast",) for v in ("speed", "speeds", "sped", "speeding")},
    **{
        (v, o, "from"): ("prevent",)
        for v in ("stop", "stops", "stopped", "keep", "keeps", "kept")
        for o in ("you", "people", "them", "us", "anyone", "kids", "children")
    },
    # passed "from person to person" is what contagious means
    ("person", "to", "person"): ("contagious",),
    ("one", "person", "to", "another"): ("contagious",),
    ("between", "people"): ("contagious",),
    ("in", "advance"): ("predict",),
    ("ahead", "of", "time"): ("predict",),
    ("no", "harm"): ("harmless",),
    ("no", "damage"): ("harmless",),
    # "does no real damage", "with no lasting harm"
    **{
        ("no", a, n): ("harmless",)
        for a in ("real", "lasting", "serious", "permanent", "major", "great", "actual")
        for n in ("harm", "damage")
    },
    # "X is (all) down to Y": Y causes X
    **{
        (v, "down", "to"): ("cause",)
        for v in ("is", "are", "was", "were", "be", "all", "largely", "mostly", "entirely")
    },
    # "you won't catch a cold": what keeps you from catching it prevents it
    **{
        ("will", n, v): ("prevent",)
        for n in ("not", "never")
        for v in ("catch", "get", "develop", "contract")
    },
    # "set foot on the Moon" is landing on it; not landing on it is the hoax claim
    ("set", "foot"): ("land",),
    ("sets", "foot"): ("land",),
    **{
        (n, *a, v): ("faked", "land")
        for n in ("never", "not")
        for a in ((), ("actually",), ("really",), ("even",), ("ever",))
        for v in ("land", "landed", "set")
    },
    # "never went to the Moon"
    **{
        (n, *a, v, "to", "the", "moon"): ("faked", "land", "moon")
        for n in ("never", "not")
        for a in ((), ("actually",), ("really",), ("even",))
        for v in ("went", "go", "been")
    },
    # "lightning can't hurt you": you are safe from it
    **{("can", "not", v): ("safe",) for v in ("hurt", "harm", "injure", "touch")},
    # what makes you ill or makes kids autistic causes it
    **{
        (m, o): ("cause",)
        for m in ("make", "makes", "made", "making")
        for o in ("you", "them", "people", "kids", "children", "us")
    },
    # "more likely to turn out autistic": a raised risk
    ("more", "likely", "to"): ("cause",),
    # "being out in the cold is how you catch a cold": what it is how you get causes it
    **{("how", "you", v): ("cause",) for v in ("get", "catch", "contract", "develop")},
    # "out in the freezing cold": in cold weather
    ("freezing", "cold"): ("cold", "weather"),
    # "your best bet is to stand in a doorway": the safest thing to do
    ("best", "bet"): ("safe", "place"),
    # "has been over for years": has stopped
    ("been", "over"): ("stop",),
    # "curable with herbal medicine": cured by it
    ("curable", "with"): ("cure",),
    # "give good shelter"
    **{
        (g, p): ("safe", p)
        for g in ("good", "great", "ideal", "perfect", "best")
        for p in ("shelter", "shelters", "refuge", "protection", "cover")
    },
    # a good place to shelter is a safe one
    **{
        (g, p): ("safe", "place")
        for g in ("good", "great", "ideal", "perfect", "best")
        for p in ("place", "places", "spot", "spots")
    },
    # "a while ago" names a span of time, as "years ago" does; its "while" contrasts nothing
    ("a", "while"): ("year",),
    # "rising global temperatures": global warming
    ("global", "temperature"): ("globalwarming",),
    ("global", "temperatures"): ("globalwarming",),
    ("nothing", "to", "worry", "about"): ("harmless",),
    ("life", "threatening"): ("deadly",),
    # the statement named after these is set aside, as with "not"
    ("rather", "than"): ("not",),
    ("instead", "of"): ("not",),
    **{(v, "little", "to"): ("not",) for v in ("do", "does", "did")},
    ("immune", "system"): ("immunesystem",),
    **{("immune", w): ("immunesystem",) for w in ("defence", "defences", "defense", "defenses")},
    ("immune", "response"): ("immunesystem",),
    **{(v, "against"): ("cure",) for v in ("work", "works", "worked", "effective")},
    ("effective", "for"): ("cure",),
    **{(v, "off"): ("stop",) for v in ("level", "levels", "leveled", "levelled")},
    ("no", "big", "deal"): ("harmless",),
    ("death", "trap"): ("deadly",),
    ("death", "traps"): ("deadly",),
    # "experts say otherwise": the statement is wrong
    **{(v, "otherwise"): ("wrong",) for v in ("say", "says", "said", "show", "shows", "suggest")},
    # "a vaccine is given": handed over, not a cause
    **{(v, "given"): ("administer",) for v in ("is", "are", "was", "were", "be", "been", "being")},
    ("get", "over"): ("cure",),
    ("clear", "up"): ("cure",),
    ("clears", "up"): ("cure",),
    ("high", "temperature"): ("heat",),
    ("high", "temperatures"): ("heat",),
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
    # taken "by mouth" is swallowed
    ("by", "mouth"): ("drink",),
    # "to blame for": causes; "X is a side effect of Y": Y causes X
    ("to", "blame"): ("cause",),
    ("side", "effect"): ("cause",),
    ("side", "effects"): ("cause",),
    ("these", "days"): ("current",),
    # a network's radio waves are the network's doing
    ("radio", "wave"): ("network",),
    ("radio", "waves"): ("network",),
    # "X is behind Y": X causes Y
    **{(v, "behind"): ("cause",) for v in ("is", "are", "was", "were", "be", "been")},
    ("in", "the", "cold"): ("cold", "weather"),
    # a disease's treatment is the care given for it, not a cure by something else
    **{
        (d, n): (d, "therapy")
        for d in ("cancer", "covid", "flu", "hiv", "diabetes", "autism", "measles")
        for n in ("treatment", "treatments")
    },
    # "herbal remedies" name the herbs; what they do is the relation ("... cure cancer")
    **{
        (a, n): ("herb",)
        for a in ("herbal", "natural", "plant", "botanical")
        for n in ("remedy", "remedies", "medicine", "medicines", "treatment", "treatments")
    },
    # a drink, drinks: alcohol ("a stiff drink", "a few drinks")
    **{
        (d, n): ("drink", "alcohol")
        for d in ("a", "stiff", "strong", "few", "several", "some", "more", "two", "alcoholic")
        for n in ("drink", "drinks")
    },
    # the statement after these is set aside, as after "rather than"
    ("regardless", "of"): ("not",),
    ("irrespective", "of"): ("not",),
    ("second", "time"): ("twice",),
    ("far", "from"): ("false",),
    # "no" in set phrases that affirm what follows: "it's no secret that ..."
    **{("no", w): () for w in ("secret", "surprise", "coincidence", "exaggeration", "denying")},
    ("make", "no", "mistake"): (),
    **{(w, "can", "not", "deny"): () for w in ("you", "one", "nobody", "we", "they")},
    ("no", "one", "can", "deny"): (),
    ("nobody", "can", "deny"): (),
    **{(v, "out"): ("rejected",) for v in ("rule", "rules", "ruled", "ruling")},
    # "experts warn against believing that ...": they reject it
    **{
        (v, "against"): ("rejected",)
        for v in ("warn", "warns", "warned", "warning", "caution", "cautions", "cautioned")
    },
    ("type", "2"): ("type2",),
    ("type", "two"): ("type2",),
    ("type", "ii"): ("type2",),
    ("no", "doubt"): (),
    ("without", "doubt"): (),
    ("without", "a", "doubt"): (),
    ("no", "question"): (),
    ("no", "wonder"): (),
    ("no", "matter"): (),
    ("never", "mind"): (),
    ("not", "surprisingly"): (),
}
_PHRASE_STARTS: frozenset[tuple[str, ...]] = frozenset(k[:2] for k in _PHRASES)
# (verb, particle) -> (verb's term, particle's term), with up to _GAP words between them
_GAP = 3
_GAPPED: dict[tuple[str, str], tuple[str, str]] = {
    **{(v, "away"): ("prevent", "") for v in ("keep", "keeps", "kept", "keeping")},
    **{(v, "out"): ("kill", "") for v in ("wipe", "wipes", "wiped", "wiping")},
    **{(v, "on"): ("cause", "") for v in ("bring", "brings", "brought", "bringing")},
    **{(v, "about"): ("cause", "") for v in ("bring", "brings", "brought", "bringing")},
    **{(v, "out"): ("equalize", "") for v in ("even", "evens", "evened", "evening")},
    # an illness one gets or catches "from" something is caused by it
    **{
        (v, "from"): (v, "cause")
        for v in ("get", "gets", "got", "getting", "catch", "catches", "caught", "contract")
    },
    **{(v, "from"): (v, "cause") for v in ("contracts", "contracted", "develop", "develops")},
    # what raises the risk of something causes it; what lowers the risk prevents it
    **{
        (v, r): ("cause", "")
        for v in ("raise", "raises", "raised", "raising", "increase", "increases", "increased")
        for r in ("risk", "risks", "chance", "chances", "odds", "likelihood")
    },
    **{
        (v, r): ("prevent", "")
        for v in ("lower", "lowers", "lowered", "lowering", "reduce", "reduces", "reduced")
        for r in ("risk", "risks", "chance", "chances", "odds", "likelihood")
    },
    # "keep colds at bay", "knock out a cold", "puts them at risk of"
    **{(v, "bay"): ("prevent", "") for v in ("keep", "keeps", "kept", "keeping")},
    **{(v, "out"): ("cure", "") for v in ("knock", "knocks", "knocked", "knocking")},
    **{(v, "risk"): ("cause", "") for v in ("put", "puts", "putting")},
    # "keeps lightning from hurting you": prevents
    **{(v, "from"): ("prevent", "") for v in ("keep", "keeps", "kept", "keeping", "stops")},
    # "leaves you with the flu": causes it
    **{(v, "with"): ("cause", "") for v in ("leave", "leaves", "left", "leaving")},
    # "tell / know when an earthquake is coming": predicts it
    **{(v, "when"): ("predict", "") for v in ("tell", "tells", "know", "knows")},
    # "clear a COVID infection": cure it
    **{
        (v, o): ("cure", o)
        for v in ("clear", "clears", "cleared", "clearing")
        for o in ("infection", "infections", "covid", "covid-19", "virus", "cold", "colds", "flu")
    },
    # "the Earth quit heating up", "the planet has been warming": global warming
    **{
        (e, w): ("globalwarming", "")
        for e in ("earth", "planet", "world", "globe")
        for w in ("warming", "heating", "warmed", "heated", "warms", "heats")
    },
    # finding a disease early is not catching it
    **{(v, "early"): ("detect", "") for v in ("catch", "catches", "caught", "catching")},
}
_GAPPED_FIRST: frozenset[str] = frozenset(k[0] for k in _GAPPED)
_PHRASE_LENGTHS: tuple[int, ...] = tuple(sorted({len(k) for k in _PHRASES}, reverse=True))


def _units(tokens: list[str]) -> list[str]:
    """Words with the multi-word units of `_PHRASES` replaced."""
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        w = tokens[i]
        if i + 1 < n and (w, tokens[i + 1]) in _PHRASE_STARTS:
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
    return _split_units(out) if _GAPPED_FIRST.intersection(out) else out


def _split_units(tokens: list[str]) -> list[str]:
    """Phrasal verbs with a few words inside them ("keeps colds away", "get HIV from")."""
    out = list(tokens)
    for i, w in enumerate(tokens):
        if w not in _GAPPED_FIRST:
            continue
        for j in range(i + 1, min(i + 2 + _GAP, len(tokens))):
            found = _GAPPED.get((w, tokens[j]))
            if found is not None:
                out[i], out[j] = found
                break
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
        ("ers", "er"),
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


def _base_term(word: str) -> str:
    """A word's term from the hand-written tables alone."""
    s = stem(word.replace("-", ""))
    return _SYNONYMS.get(s, s)


# The generated table (`guardproxy.claimsyn`): forms derived from the words of the claims
# and of the synonym groups, each folded onto its word's term; the hand-written groups win.
_GENERATED: dict[str, str] = {
    stem(word): _base_term(base) for word, base in claimsyn.load() if stem(word) not in _SYNONYMS
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
        if "'" in w or w == "cannot":
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


_NEG, _REF, _FAKE, _STOP = "\x00neg", "\x00ref", "\x00fake", ""
_FALSITY_WORDS: frozenset[str] = frozenset(
    {
        *("lie", "lies", "scam", "scams", "sham", "shams", "phony", "phoney", "rubbish"),
        *("fantasy", "fantasies", "baloney", "bunk", "bunkum", "malarkey", "claptrap"),
        *("poppycock", "twaddle", "codswallop", "humbug", "canard", "canards"),
    }
)

# Words that state the opposite of a claim term: a sentence that says measles is
# "serious" or the Earth "round" speaks of the claim's subject but contradicts it. Each
# maps to the terms it opposes; "not" before it turns it back ("not round" is flat).
_OPPOSITE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "harmless",
        (
            "dangerous",
            "serious",
            "deadly",
            "lethal",
            "harmful",
            "harm",
            "severe",
            "fatal",
            "hazardous",
            "perilous",
            "risky",
            "grave",
        ),
    ),
    (
        "prevent",
        (
            "dangerous",
            "deadly",
            "lethal",
            "hazardous",
            "perilous",
            "risky",
            "vulnerable",
            "susceptible",
            "expose",
        ),
    ),
    ("fake", ("real", "genuine", "authentic", "legitimate", "happen", "happening")),
    ("flat", ("round", "spherical", "sphere", "spheroid", "globular", "curved")),
    ("stop", ("continue", "persist", "grow", "rise", "rising")),
    ("kill", ("survive", "thrive", "flourish")),
    ("change", ("untouched", "intact")),
    # type 2 diabetes is not type 1
    ("type1", ("type2",)),
)
# negating prefixes ("unsafe", "non-contagious"), and words that only look like them
_NEGATING_PREFIXES = ("non", "un")
_NOT_NEGATING = ("under", "uni", "unless", "until", "uncle", "unanim", "none", "nonethe")
# Words that set two clauses against each other. A claim's terms gathered from both sides
# of one state no claim: "caused by greenhouse gases, while the Sun has grown weaker".
# "than" too: "a table is safer than a doorway" says nothing of the doorway being safe
_CONTRASTS = frozenset(
    {"while", "whereas", "but", "although", "though", "however", "unlike", "than"}
)
CLAUSE_BREAK = "|"
# how far "not" may stand before the word it turns ("not at all dangerous")
_TURN_REACH = 3


def _opposites_table() -> dict[str, tuple[str, ...]]:
    """Stem of each opposite word -> the terms it opposes (stems, not synonym groups:
    "deadly" opposes harmless, its group's other words need not)."""
    table: dict[str, list[str]] = {}
    for base, words in _OPPOSITE_GROUPS:
        for word in words:
            bases = table.setdefault(stem(word), [])
            if term(base) not in bases:
                bases.append(term(base))
    return {k: tuple(v) for k, v in table.items()}


@lru_cache(maxsize=32768)
def _classify(word: str) -> str:
    """The word's term, or a marker for negators, refuters, words that call a statement
    false and words without content."""
    if word in NEGATORS:
        return _NEG
    if word.startswith(_FALSITY_PREFIXES) or word in _FALSITY_WORDS:
        return _FAKE
    if word.startswith(_REFUTER_PREFIXES) or word in _REFUTER_WORDS:
        return _REF
    if word in STOP_WORDS or len(word) < 2:
        return _STOP
    return term(word)


@lru_cache(maxsize=32768)
def opposed_terms(word: str) -> tuple[str, ...]:
    """The terms a word states the opposite of: from the table of opposites, or the term
    of what follows a negating prefix ("unpredictable" opposes predict)."""
    found = _OPPOSITES.get(stem(word), ())
    if found:
        return found
    if word.endswith("-free") and len(word) > 7:
        return (term(word[:-5]),)
    for prefix in _NEGATING_PREFIXES:
        rest = word[len(prefix) :].lstrip("-")
        if word.startswith(prefix) and len(rest) >= 4 and not word.startswith(_NOT_NEGATING):
            return (term(rest),)
    return ()


class EnglishFeatures(NamedTuple):
    """What an English sentence reduces to for matching and for the refutation rules."""

    terms: list[str]
    """Content terms in order, with the terms that opposite words oppose."""
    cues: dict[str, int]
    """Negators ("neg"), refuters ("ref") and words calling something false ("fake")."""
    words: int
    opposed: frozenset[str]
    """Terms the sentence states only the opposite of (they are also in `terms`)."""


def english_features(text: str) -> EnglishFeatures:
    """Content terms, cues and opposed terms of an English sentence."""
    terms: list[str] = []
    plain: set[str] = set()
    against: set[str] = set()
    neg = ref = fake = 0
    tokens = _units(words(text))
    kinds = [_classify(t) for t in tokens]
    turned = -1
    absent: set[int] = set()
    # the previous word's opposed terms: "non-ionizing radiation" denies its head
    last = -2
    last_opposite: tuple[str, ...] = ()
    privative = not _PRIVATIVE.isdisjoint(tokens)
    for i, t in enumerate(kinds):
        if privative and tokens[i] in _PRIVATIVE:
            if _privative(tokens, kinds, i):
                # "without making it radioactive", "too weak to cause cancer"
                neg += 1
                continue
            # "in places without 5G networks": the sentence says 5G is absent there
            lacked = _lacked(tokens, kinds, i)
            if lacked >= 0:
                absent.add(lacked)
        if not t:
            if tokens[i] in _CONTRASTS:
                terms.append(CLAUSE_BREAK)
            continue
        if i == turned:
            terms.extend(opposed_terms(tokens[i]))
            plain.update(opposed_terms(tokens[i]))
        elif t == _NEG:
            # "whether or not", "believe it or not", "not only ... but" negate nothing
            if tokens[i] == "not" and (
                (i > 0 and tokens[i - 1] == "or")
                or (i + 1 < len(tokens) and tokens[i + 1] == "only")
            ):
                continue
            # "not round" says what "flat" says: the two cancel
            turned = _turned_word(tokens, kinds, i)
            if turned < 0:
                neg += 1
        elif t == _REF:
            ref += 1
        elif t == _FAKE:
            fake += 1
            terms.append(FAKE_TERM)
            plain.add(FAKE_TERM)
        elif i in absent or (i - 1 == last and t in last_opposite):
            # absent ("without 5G"), or the head of a modifier that denies it
            # ("non-ionizing radiation" is not radioactive)
            terms.append(t)
            against.add(t)
        else:
            terms.append(t)
            plain.add(t)
            opposite = opposed_terms(tokens[i])
            if opposite:
                terms.extend(opposite)
                against.update(opposite)
                last, last_opposite = i, opposite
    cues: dict[str, int] = {}
    if neg:
        cues["neg"] = neg
    if ref:
        cues["ref"] = ref
    if fake:
        cues["fake"] = fake
    return EnglishFeatures(terms, cues, len(tokens), frozenset(against - plain))


# Words that deny what follows them when a relation term comes next: "without causing",
# "free of radioactivity", "too weak to damage", and verbs that deny the relation of
# their object ("weakens the body's defences"). Before other words they negate nothing
# ("vote without leaving home"); the word "without" or "free of" names is then absent.
_WEAKENING = frozenset(
    f"{v}{e}"
    for v in ("weaken", "undermine", "impair", "suppress")
    for e in ("", "s", "d", "ed", "ing")
)
_PRIVATIVE = frozenset({"without", "free", "devoid", "too"}) | _WEAKENING
_PRIVATIVE_REACH = 4
_TOO_REACH = 5
_ADDED = frozenset({"other", "additional", "further", "extra", "more"})
_CHANCE = frozenset({"risk", "chance", "danger", "possibility", "fear", "need", "sign"})


def _privative(tokens: list[str], kinds: list[str], i: int) -> bool:
    """Whether the word at i denies a relation term that follows it."""
    w = tokens[i]
    j = i + 1
    if w in ("free", "devoid"):
        if j >= len(tokens) or tokens[j] != "of":
            return False
        j += 1
    elif w in _WEAKENING:
        reach = range(j, min(j + _PRIVATIVE_REACH, len(tokens)))
        return any(kinds[k] in RELATION_TERMS for k in reach)
    elif w == "too":
        # "too weak to": one word, then "to"; what follows is all denied ("too weak to
        # damage DNA or cause cancer")
        if j + 1 >= len(tokens) or tokens[j + 1] != "to":
            return False
        reach = range(j + 2, min(j + 2 + _TOO_REACH, len(tokens)))
        return any(kinds[k] in RELATION_TERMS for k in reach)
    # the first word with content, or the one after a gerund or a word of chance
    # ("without making it radioactive", "without any risk of catching it")
    for k in range(j, min(j + _PRIVATIVE_REACH, len(tokens))):
        if tokens[k] in _ADDED:
            # "without any other treatment": what is denied is something besides
            return False
        if kinds[k] == _STOP:
            continue
        if kinds[k] in RELATION_TERMS:
            return True
        if not (tokens[k].endswith("ing") or tokens[k] in _CHANCE):
            return False
    return False


def _lacked(tokens: list[str], kinds: list[str], i: int) -> int:
    """Position of the word that "without", "free of" or "devoid of" at i says is absent
    (the next word with content), or -1."""
    j = i + 1
    if tokens[i] in ("free", "devoid"):
        if j >= len(tokens) or tokens[j] != "of":
            return -1
        j += 1
    elif tokens[i] != "without":
        return -1
    for k in range(j, min(j + _PRIVATIVE_REACH, len(tokens))):
        if kinds[k] == _STOP:
            continue
        if kinds[k] in (_NEG, _REF, _FAKE) or tokens[k].endswith("ing") or tokens[k] in _CHANCE:
            return -1
        return k
    return -1


_CLAUSE_OPENERS = frozenset({"that", "true", "whether", "if"})


def _turned_word(tokens: list[str], kinds: list[str], i: int) -> int:
    """Position of an opposite word that the negator at i turns back, or -1: the next
    word with content, if it is one and near."""
    for j in range(i + 1, min(i + 1 + _TURN_REACH, len(tokens))):
        if tokens[j] in _CLAUSE_OPENERS:
            # "it isn't true that rising ...": the negation is of the clause, not the word
            return -1
        if kinds[j] == _STOP:
            continue
        return j if kinds[j] != _NEG and opposed_terms(tokens[j]) else -1
    return -1


@lru_cache(maxsize=16384)
def term(word: str) -> str:
    """The content term of a word: its stem, folded through the synonym table."""
    plain = word.replace("-", "")
    s = stem(plain)
    found = _SYNONYMS.get(s) or _GENERATED.get(s)
    if found:
        return found
    # the stemmer cuts some inflected forms short ("treated" to "tre"); the word with its
    # inflection simply removed, if it is in the tables, is the one meant
    for suffix, ending in _INFLECTIONS:
        if plain.endswith(suffix) and len(plain) - len(suffix) >= 3:
            base = stem(plain[: -len(suffix)] + ending)
            found = _SYNONYMS.get(base) or _GENERATED.get(base)
            if found:
                return found
    return s


_INFLECTIONS = (("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("es", ""), ("s", ""))


FAKE_TERM = term("fake")
# Claim terms that narrower terms in a sentence stand for in full: colds and flu are viral
# illnesses, so "antibiotics cure the flu" says that they cure a viral illness.
NARROWER_TERMS: dict[str, frozenset[str]] = {
    term("virus"): frozenset({term("flu"), term("cold")}),
    term("illness"): frozenset({term("flu"), term("cold")}),
}
# The terms that say what a claim asserts about its subject (causes, cures, is a hoax...).
# A sentence that names the subject without any of them asserts nothing about it:
# "Alcohol raises the risk of COVID-19" is no claim that alcohol protects.
RELATION_TERMS: frozenset[str] = frozenset(
    term(w)
    for w in (
        "cause",
        "spread",
        "cure",
        "prevent",
        "stop",
        "fake",
        "harmless",
        "predict",
        "change",
        "grow",
        "fast",
        "contagious",
        "kill",
        "affect",
        "emit",
        "equalize",
        "radioactive",
    )
)
# Relation terms close enough to stand in for each other, for part of their weight:
# "vitamin C stops colds" says it prevents them; "mosquitoes cause HIV" that they spread it.
RELATED_TERMS: dict[str, frozenset[str]] = {
    term("prevent"): frozenset({term("stop")}),
    term("cause"): frozenset({term("spread")}),
    term("spread"): frozenset({term("cause")}),
}
_OPPOSITES = _opposites_table()


# endings that contain ない without negating: "only", "must be", "may", adjectives
_JA_NOT_NEGATION = re.compile(r"(?:にすぎ|に過ぎ|に違い|にちがい|かもしれ|しか|少|危|幼|切|汚)ない")


# "間違いなく", "間違いありません": certainly; no word of error
_JA_CERTAINLY = re.compile(r"間違い(?:は)?(?:な[いく]|ありません|ございません)")
# a landing that did not take place: "月面着陸は実際には行われていない" says it was faked,
# and negates nothing of that claim
_JA_NOT_HELD = re.compile(
    r"(?<=着陸)[はがも](?:実際に(?:は)?|本当は|一度も)?(?:行われ|実施され)"
    r"(?:ていない|ていません|ていなかった|なかった|ませんでした)|"
    r"(?<=着陸)し(?:ていない|ていません|ていなかった|なかった|ませんでした)"
)
# "人類は月に行っておらず": nobody went to the Moon; it states the hoax claim's content
# (folded onto 捏造) with no negation of it, and calls nothing false
_JA_NOT_WENT = re.compile(
    r"(?<=月)[にへ](?:は)?(?:一度も|実際には)?(?:行っ|降り立っ|到達し)"
    r"(?:ておらず|ていない|ていません|ていなかった|たことがない|たことはない)"
)
_JA_NEGATOR_CUES = (
    *("ない", "なく", "ません", "ぬ", "無縁"),
    *("不可能", "無理", "無効", "難し", "困難"),
)


def japanese_cues(text: str) -> dict[str, int]:
    """How often a text negates ("neg": plain or polite verb endings alike, "impossible",
    "ineffective"), calls something wrong ("ref") or false ("fake"); absent when zero."""
    if "間違い" in text:
        text = _JA_CERTAINLY.sub("", text)
    if "着陸" in text:
        text = _JA_NOT_HELD.sub("捏造", text)
    if "月" in text:
        text = _JA_NOT_WENT.sub("", text)
    text = _JA_NOT_NEGATION.sub("", text)
    cues: Counter[str] = Counter()
    for m in JA_NEGATION.finditer(text):
        cue = m.group()
        cues["neg" if cue in _JA_NEGATOR_CUES or cue.startswith("ず") else "ref"] += 1
    fake = len(_JA_FALSITY.findall(text))
    if fake:
        cues["fake"] = fake
    return dict(cues)


# Japanese spellings and rewordings folded onto one form, in a single pass (earlier
# alternatives win at the same position). A form ending in "\x00" also drops the
# hiragana after it: the verb's ending and particles, which vary with the wording
# ("うつります", "感染するので"); negation is read from the raw text, not from this.
_JA_FORMS: tuple[tuple[str, str], ...] = (
    # spelling variants: kanji, kana and katakana of one word; short forms
    (r"癌|ガン|がん(?![ばぼ])", "癌"),
    (r"子ども|こども|子供", "子供"),
    (r"身に着け|身につけ|身にまとっ|持っ|持ち歩|着用し|着け(?=[てた])", "身につけ\x00"),
    # things worn: "金属のネックレス", "金属のアクセサリー"
    (r"アクセサリー|ネックレス|ピアス|イヤリング|指輪|ブレスレット|腕時計", "身につけ"),
    (r"金属製|金属", "金属"),
    (
        r"新型コロナ(?:ウイルス|ウィルス)?|コロナ(?:ウイルス|ウィルス)?|covid-?19|covid",
        "新型コロナ",
    ),
    (r"風邪|かぜ|カゼ", "風邪"),
    (r"熱中症|熱射病", "熱中症"),
    (r"ウィルス", "ウイルス"),
    (r"インフルエンザ|インフル", "インフルエンザ"),
    (r"抗生物質|抗生剤|抗菌薬|抗菌剤", "抗生物質"),
    (r"地球温暖化|気候変動|温暖化", "地球温暖化"),
    (r"月面着陸|月着陸|月への着陸|月に着陸", "月面着陸"),
    (r"アポロ計画|アポロ(?:\d+号)?", "アポロ"),
    (
        "|".join(
            f"{w}(?:で|から|による|を通じて|経由で)?投票"
            for w in (
                "インターネット",
                "ネット",
                "オンライン",
                "スマートフォン",
                "スマホ",
                "ウェブ",
                "電子",
            )
        ),
        "ネット投票",
    ),
    (r"インターネット|ネット|オンライン|スマートフォン|スマホ|ウェブ", "ネット"),
    (r"5g(?:の)?(?:電波|基地局|通信網)?", "5g電波"),
    (r"基地局|電磁波|通信網", "電波"),
    (r"自閉スペクトラム症|自閉症", "自閉症"),
    (
        r"屋内|室内|家の中|部屋の中|住宅の中|建物の中|自宅|"
        r"家(?=に(?:い|居)|で(?:じっと|過ご|休|大人し|おとなし|待))",
        "屋内",
    ),
    # the national elections by name
    (
        r"衆議院(?:議員)?選挙|参議院(?:議員)?選挙|衆院選|参院選|総選挙|国政選挙",
        "国政選挙",
    ),
    # a landing that did not take place is the hoax claim (see _JA_NOT_HELD)
    (_JA_NOT_HELD.pattern, "の捏造\x00"),
    (_JA_NOT_WENT.pattern, "の捏造\x00"),
    # words that call something false (see _JA_FALSITY)
    (_JA_FALSITY.pattern, "捏造\x00"),
    # getting vaccinated: the vaccine and the verb that gives it
    (
        "|".join(
            f"{w}(?:[をのが]?(?:打|接種|注射|受))?"
            for w in ("ワクチン", "予防接種", "予防注射", "(?<=の)注射")
        ),
        "ワクチン\x00",
    ),
    (r"接種", "ワクチン\x00"),
    # falling ill, catching or passing on a disease, and a disease occurring
    (r"に(?:は)?かか(?=[らりるれろっ])|に(?:は)?な(?=[らりるれろっ])", "の発症\x00"),
    # passing a disease on to others: who receives it goes without saying
    (
        "|".join(
            [
                *(
                    f"{w}[にへ](?:うつ(?=[らりるれろっ])|移(?=[らりるれろっ])|伝染|感染)"
                    for w in ("他人", "周りの人", "そばにいる人", "人から人", "人")
                ),
                # "人から人へと感染していく"
                *(f"{w}へと(?:うつ|移|伝染|感染)" for w in ("人から人", "人")),
                "うつ(?=[らりるれろっ])",
                "移(?=[らりるれろっ])",
                "伝染",
                # "感染する病気", "感染性の病気": an infectious disease
                "感染(?:する|性の)(?:病気|病)",
            ]
        ),
        "伝染\x00",
    ),
    # spreading
    (r"感染拡大|拡散|蔓延|広[がまげめ]|拡[がげ]|ばらま|まき散ら|撒き散ら", "拡散\x00"),
    # the risk of an illness is its occurring: "熱中症の心配はない"
    (r"感染|発症|罹患|起こ(?=[らりるれろっ])|起き|発生|心配|恐れ|おそれ|リスク|危険性", "発症\x00"),
    # "熱中症とは無縁だ": it does not happen to one (the negation is read from the raw text)
    (r"とは無縁|と無縁|には無縁|とは縁がな|とは縁はな", "発症\x00"),
    # causing
    (r"引き起こ[さしすせそ]|のせいで|せいで|が原因で|によって|により|の影響で|引き金", "原因\x00"),
    # working against a disease
    (r"無効", "無効"),
    (
        r"効果(?:が|は)?(?:あ|高)|効果的|有効|効[かきくけいこ]|治[らりるれろっすさしせそ]|"
        # getting better: "飲めばすぐに良くなる"
        r"良くな|よくな|回復",
        "効果\x00",
    ),
    # knowing in advance
    # "地震がいつ来るかを予知する": when something comes is what is predicted of it
    (r"[がは]いつ(?:来る|くる|起きる|起こる|発生する)か[はをが]?", "の"),
    # knowing beforehand is being able to predict: "前もって分かる"
    (
        r"前もって(?:知|わか|分か)(?:る|れる|ります)|事前に(?:知|わか|分か)(?:る|れる|ります)|"
        r"あらかじめ(?:知|わか|分か)(?:る|れる|ります)",
        "予知でき",
    ),
    (r"予知|予測|予報|予見|予想|察知|前もって(?:知|わか|分か)|事前に(?:知|わか|分か)", "予知\x00"),
    # being possible
    (r"することができ|ことができ|ことが出来|出来|可能(?:だ|です|である)?(?!性)", "でき"),
    # lightning striking or being drawn to something
    (
        r"雷(?:が|は)?落ち|雷(?:が|は)?直撃|雷に打たれ|落雷に(?:あ|遭)|雷を(?:呼|招)|"
        r"雷を引き寄せ|引き寄せ|落雷",
        "落雷\x00",
    ),
    # copula and polite endings
    (r"でした|だった|であった|です|である|なのだ|なんです|なのです|んです|のです", "だ"),
    (r"できま(?:す|した)", "できる"),
)


def _leading_chars(pattern: str) -> set[str]:
    """The characters the top-level alternatives of pattern start with. Each must start
    with a literal or a character class, after a lookbehind if any."""
    out: set[str] = set()
    depth = 0
    start = True
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if start and pattern.startswith("(?<=", i):
            i = pattern.index(")", i) + 1
            continue
        if start:
            if ch == "[":
                out.update(pattern[i + 1 : pattern.index("]", i)])
            elif ch in "(\\.?*+|":
                raise ValueError(f"alternative must start with a literal: {pattern[i:]!r}")
            else:
                out.add(ch)
            start = False
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = pattern.index("]", i) + 1
            continue
        depth += {"(": 1, ")": -1}.get(ch, 0)
        start = ch == "|" and depth == 0
        i += 1
    return out


# the alternatives tried only where one of them can start: most characters start none
_JA_FORM = re.compile(
    "(?=[{}])(?:{})".format(
        re.escape("".join(sorted(set().union(*(_leading_chars(p) for p, _ in _JA_FORMS))))),
        "|".join(f"(?P<f{i}>{pattern})" for i, (pattern, _) in enumerate(_JA_FORMS)),
    )
)
_JA_FORM_TO: dict[str, str] = {f"f{i}": form for i, (_, form) in enumerate(_JA_FORMS)}
_JA_DROP_TAIL = re.compile(f"\x00[{HIRAGANA}]*")
# a one-character word between kana ("人", "雷", "癌") is a feature of its own
_JA_LONE = re.compile(f"(?<![^{HIRAGANA}])[^{HIRAGANA}](?![^{HIRAGANA}])")
# a run of case particles between two words ("は", "では", "には"): which one is used
# varies with the wording, so they all read as one
_JA_PARTICLES = re.compile(
    f"(?<=[^{HIRAGANA}])(?:では|には|から|まで|[はがをもでにとへの])+(?=[^{HIRAGANA}])"
)
# the folded forms that say what a Japanese claim asserts (see RELATION_TERMS); "ネッ"
# opens the folded "ネット" (online, by smartphone), the means a claim says a thing is
# done by
JA_RELATION_FORMS: frozenset[str] = frozenset(
    {"捏造", "発症", "伝染", "拡散", "原因", "効果", "予知", "落雷", "ネッ"}
)


def japanese_text(text: str) -> str:
    """The text with spellings and rewordings folded (`_JA_FORMS`), case particles
    made one, and spaces and punctuation removed: what Japanese matching compares."""
    folded = _JA_FORM.sub(lambda m: _JA_FORM_TO[m.lastgroup or ""], normalize(text))
    # a dropped ending leaves the one particle in its place, as a link to the next word
    if "\x00" in folded:
        folded = _JA_DROP_TAIL.sub("の", folded)
    folded = _JA_DROP.sub("", folded).rstrip("の")
    return _JA_PARTICLES.sub("の", folded)


def japanese_shingles(text: str) -> list[str]:
    """Character bigrams of the folded text (`japanese_text`) in order, with each
    one-character word between kana as a feature of its own."""
    compact = japanese_text(text)
    lone = {m.start() for m in _JA_LONE.finditer(compact)}
    out: list[str] = []
    for i in range(len(compact)):
        if i in lone:
            out.append(compact[i])
        if i + 1 < len(compact):
            out.append(compact[i : i + 2])
    return out


@lru_cache(maxsize=65536)
def japanese_weight(bigram: str) -> float:
    """How much a bigram says about the topic: kana-only bigrams are mostly particles and
    verb endings, mixed ones straddle a word boundary, the rest are kanji or katakana words."""
    kana = sum(1 for ch in bigram if _HIRAGANA.match(ch))
    return (1.0, 0.5, 0.2)[kana]


_KATAKANA_RUN = re.compile(r"[\u30a0-\u30ff]{4,}")


def japanese_weights(text: str) -> dict[str, float]:
    """Each bigram's weight (`japanese_weight`), with the bigrams inside a long katakana
    word sharing about two bigrams' worth: a loanword like インフルエンザ is one word, not six."""
    compact = japanese_text(text)
    factor = [1.0] * len(compact)
    for m in _KATAKANA_RUN.finditer(compact):
        share = min(1.0, 2.5 / (m.end() - m.start() - 1))
        for i in range(m.start(), m.end() - 1):
            factor[i] = share
    out: dict[str, float] = {}
    for i in range(len(compact) - 1):
        bigram = compact[i : i + 2]
        out[bigram] = max(out.get(bigram, 0.0), japanese_weight(bigram) * factor[i])
    for m in _JA_LONE.finditer(compact):
        out[m.group()] = 1.0
    return out


# --- where a sentence states its claim --------------------------------------------------
# Three structural rules narrow the part of a sentence compared with the claims, so that
# words around a claim do not decide whether it is asserted.

# "the idea / notion / belief that ...": the clause after it is reported, not asserted
_REPORTING_EN = re.compile(
    r"\b(?:idea|notion|claim|belief|myth|theory|rumou?r|assertion|assumption|suggestion|"
    r"story|contention|misconception|view|premise|narrative|allegation|fear|argument|"
    r"conspiracy theory|old wives' tale)s?,?\s+(?:that|which says that)\s+",
    re.IGNORECASE,
)
# a frame that holds the reported clause true ("confirmed the idea that")
_AFFIRMING_EN = re.compile(
    r"\b(?:confirm\w*|prove[sdn]?|proving|support\w*|backs? up|backed up|verif\w*|"
    r"vindicat\w*|true|correct|right|accurate|demonstrat\w*|establish\w*|reinforc\w*|"
    r"strengthen\w*|bears? out|borne out|agree\w*|endorse\w*)\b",
    re.IGNORECASE,
)
_REPORTING_JA = re.compile(
    r"(?:という|といった|との|って)(?:話|説|考え方|考え|主張|噂|うわさ|ウワサ|見方|俗説|"
    r"通説|言説|イメージ|思い込み|情報|意見|迷信)"
)
_AFFIRMING_JA = re.compile(r"正し|本当|事実|裏付け|裏づけ|確認|証明|実証|確か|その通り")
# a concessive preface: "Not many people realise it, but ...", "意外かもしれませんが、..."
# "but" and "yet" only after a comma: "all but", "have yet to" concede nothing
_CONCESSION_EN = re.compile(r"^(?P<pre>.{3,120}?)[,;]\s*(?:but|yet)\s+(?P<rest>\S.*)$", re.I | re.S)
_CONCESSION_JA = re.compile(
    r"^(?P<pre>.+?(?:(?:ます|です|した|でしょう|ません)が、?|(?:が|けど|けれど|けれども|ものの)、))"
    r"(?P<rest>.+)$",
    re.S,
)
# A leading side clause: English, one opened by a subordinating conjunction ("If you
# can't find a basement, ...") or one that introduces what follows a colon ("I can't
# stress this enough: ..."; a label as short as "Not true:" is a verdict on it);
# Japanese, one closed by a negated connective form ("薬を使わずに、...").
# "No evidence, for example, shows ..." is not one.
_SIDE_CLAUSE = {
    "en": re.compile(
        r"^(?:if|when|whenever|unless|even if|even when|since|because|as long as|once|"
        r"before|after|until|till|whether|wherever|now that|so that|"
        # free relatives and concessive openers: "Whatever the officials won't tell you, X"
        r"whatever|whoever|whichever|however (?:much|many|often|hard|little|you|they)|"
        r"no matter|regardless of|despite|in spite of|although|though|even though|while|"
        r"contrary to)"
        r"\s[^,;:]{2,}?[,;:]\s+|"
        r"^(?:[^,;:\s]+\s+){3,}[^,;:\s]+(?::|\s[-\u2013\u2014]+)\s+",
        re.IGNORECASE,
    ),
    "ja": re.compile(
        r"^[^、\uff0c。]+?(?:(?:ずに|ないで|なくても|なければ|なけりゃ|ないと|ないなら|ないうちに|"
        r"なくて|ないので|ないから|ないまま)[、\uff0c]|(?:ずに|ないで)(?=[^\u3040-\u309f]))"
    ),
}


# Where a reported clause ends: a semicolon, or a comma that is not inside a noun phrase
# ("the myth that measles is a minor, harmless illness") and opens no apposition
# ("vaccines, including MMR, ...").
_REPORTED_BREAK = re.compile(r"[,;]\s+")
_IN_NOUN_PHRASE = re.compile(
    r"\b(?:a|an|the|its|their|his|her|our|your|this|that|such|very|so|too)\s+[^\W\d_]+$",
    re.IGNORECASE,
)
_APPOSITION = re.compile(
    r"(?:including|such as|like|especially|particularly|notably|mostly|mainly)\b", re.IGNORECASE
)


def _reported_rest(clause: str) -> str | None:
    """What follows the end of a reported clause (text after "the idea that"), if any."""
    inside = False
    for m in _REPORTED_BREAK.finditer(clause):
        if m.group()[0] == ",":
            if _APPOSITION.match(clause, m.end()):
                inside = True
                continue
            if inside or _IN_NOUN_PHRASE.search(clause, 0, m.start()):
                # the comma closing an apposition, or one between two modifiers
                inside = False
                continue
        return clause[m.end() :]
    return None


# A retraction after the claim: a clause that follows it (after a comma, semicolon, dash or
# contrasting conjunction) and says the statement is the wrong way round or was
# withdrawn: "Some still insist that X; the evidence shows the reverse." Words that
# refute anywhere ("wrong", "myth") are counted as cues already; these refute only there.
_CLAUSE_AFTER = {
    "en": re.compile(
        r"(?:[;:,]|\s[-\u2013\u2014]+|\s(?:but|yet|however|though|whereas|while|until)\b)\s*", re.I
    ),
    "ja": re.compile(r"(?:が|けど|けれど|けれども|ものの|のに|ところ)[、\uff0c]"),
}
_RETRACTION = {
    "en": re.compile(
        # not "whoever says otherwise": that is someone else contradicting the claim; not
        # "not the other way round": that affirms it
        r"\b(?<!who )(?<!whoever )(?<!anyone )(?<!those )(?<!not )(?<!not the )"
        r"(?:the (?:reverse|opposite|contrary)|"
        r"(?:the )?other way (?:a)?round|(?:says?|said|shows?|showed|shown|suggests?|"
        r"suggested|indicates?|indicated|points?|pointed|proves?|proved|proven|knows?|knew|"
        r"thinks?|thought|finds?|found|argues?|argued|tells?|told|is|are|was|were) otherwise|"
        r"points? the other way|"
        r"nothing of the (?:sort|kind)|retract\w*|backwards?|"
        # "the data tell a different story", "paint another picture"
        r"(?:a (?:very |quite )?different|another|an entirely different) (?:story|picture)|"
        # set aside: "... - a notion long since abandoned"
        r"abandoned|discarded|overturned|outdated|obsolete|(?:put|laid) to rest|"
        r"no longer (?:accepted|believed|held|supported))\b",
        re.I,
    ),
    "ja": re.compile(
        r"逆(?:です|だ|でした|だった|の(?:結果|こと))|反対(?:です|だ|でした|だった)|撤回"
    ),
}


# words one of which every retraction holds: most sentences are ruled out by a substring
# test before the regular expression runs
_RETRACTION_HINTS = {
    "en": (
        *("reverse", "opposite", "contrary", "other way", "otherwise", "nothing of", "retract"),
        *("backward", "abandon", "discard", "overturn", "outdated", "obsolete", " to rest"),
        *("no longer", "different story", "different picture", "another story"),
        "another picture",
    ),
    "ja": ("逆", "反対", "撤回"),
}


def _hinted(text: str, hints: tuple[str, ...]) -> bool:
    return any(map(text.lower().__contains__, hints))


def retracted_after(sentence: str, language: str) -> bool:
    """Whether a clause after the first one retracts what came before it ("...; the
    evidence shows the reverse", "〜と思っていましたが、逆でした")."""
    if not _hinted(sentence, _RETRACTION_HINTS[language]):
        return False
    m = _CLAUSE_AFTER[language].search(sentence)
    return m is not None and _RETRACTION[language].search(sentence, m.end()) is not None


def retraction(text: str, language: str) -> bool:
    """Whether a text says the statement before it is the wrong way round or withdrawn."""
    return (
        _hinted(text, _RETRACTION_HINTS[language])
        and _RETRACTION[language].search(text) is not None
    )


def _english_cues(text: str) -> dict[str, int]:
    return english_features(text).cues


# "Calling measles a harmless illness ignores ...": the claim is named, not asserted
_CALLING_EN = re.compile(
    r"^\W*(?:calling|to call|labell?ing|branding|describing|dismissing)\s", re.IGNORECASE
)


def reported_scope(sentence: str, language: str) -> str | None:
    """The sentence without a claim it only reports ("Research has overturned the idea
    that ..."), or None if it reports none. A claim a frame holds true ("Studies confirmed
    the idea that ...") is asserted, so its sentence is returned whole; so is a frame that
    states the opposite of holding it true ("nothing supports the idea"): those refute."""
    if language == "ja":
        m = _REPORTING_JA.search(sentence)
        if m is None:
            return None
        frame = sentence[m.start() :]
        if _AFFIRMING_JA.search(frame) and not japanese_cues(frame):
            return sentence
        return frame
    if _CALLING_EN.match(sentence):
        if _AFFIRMING_EN.search(sentence) and not _english_cues(sentence):
            return sentence
        return ""
    # every reported clause opens with "that": most sentences are ruled out here
    if "that" not in sentence.lower():
        return None
    m = _REPORTING_EN.search(sentence)
    if m is None:
        return None
    frame = sentence[: m.start()]
    if _AFFIRMING_EN.search(frame) and not _english_cues(frame):
        return sentence
    # the reported clause runs to the next comma or semicolon that ends it
    rest = _reported_rest(sentence[m.end() :])
    return frame + (" " + rest if rest else "")


# A preface that gives a claim as what others believe: "Some people believe X, but ...",
# "〜と言われていますが、...". What follows "but" then corrects it.
_ATTRIBUTED = {
    "en": re.compile(
        r"^\W*(?:(?:(?:some|many|most|a lot of|lots of|plenty of|certain)\s+(?:\w+\s+)?"
        r"(?:people|folks|parents|websites|sites|posts|articles|critics|skeptics|sceptics|"
        r"believers|others)|people|others|they|some|many|"
        # the groups that hold a claim: "Flat-earthers insist ...", "Anti-vaxxers say ..."
        r"(?:the\s+)?(?:flat[- ]?earthers|anti-?vaxx?ers|conspiracy theorists|truthers|"
        r"deniers|skeptics|sceptics|critics|believers|proponents|influencers|"
        r"(?:viral\s+|online\s+)?(?:posts|videos|memes|rumou?rs))|"
        r"(?:(?:some|many)\s+)?(?:websites|sites|blogs|forums|articles|social media))\s+"
        r"(?:\w+\s+){0,2}?"
        r"(?:believe|believed|think|thought|say|said|claim|claimed|assume|assumed|insist|"
        r"insisted|argue|argued|fear|feared|suspect|suspected|are convinced|were convinced|"
        r"maintain|maintained|swear|swore|repeat|repeated|suggest|suggested|blame|blamed)\b|"
        r"it(?:['\u2019]s| is| was| has been)\s+(?:\w+\s+)?"
        r"(?:said|believed|thought|claimed|assumed|rumou?red|argued|suggested)\b|"
        # hearsay: "You'll often hear that ...", "You may read that ...", "Rumour has it ..."
        r"you(?:['\u2019]ll|['\u2019]d| will| would| may| might)?\s+(?:\w+\s+)?"
        r"(?:hear|heard|read|come across|be told|been told|have heard|have read)\b|"
        r"you (?:may|might) (?:think|believe|assume)\b|"
        r"(?:rumou?r|word|legend|folklore) has it\b|the (?:story|saying|myth) goes\b|"
        r"there(?:['\u2019]s| is) (?:a|an)\s+(?:\w+\s+)?"
        r"(?:belief|idea|notion|claim|saying|rumou?r)\b|"
        r"according to (?:some|many|rumou?r|social media|the internet|popular belief)\b)",
        re.IGNORECASE,
    ),
    "ja": re.compile(
        r"(?:と|って)(?:よく)?(?:言われ|いわれ|思われ|考えられ|信じられ|"
        r"(?:言う|いう|思う|考える|信じる|信じている|思っている|主張する)(?:人|声|意見))"
    ),
}


# A belief given as past: "It was once believed that X", "People used to think X",
# "以前は〜と思っていました". It is no longer held, so the claim in it is not asserted.
_PAST_BELIEF = {
    "en": re.compile(
        r"\b(?:once|formerly|previously|used to|at one time)\s+(?:\w+\s+)?"
        r"(?:believed?|thought|think|assumed?|said|say|claimed?|held)\b",
        re.IGNORECASE,
    ),
    "ja": re.compile(
        r"(?:以前|かつて|昔|前)は.{1,80}?(?:と|って)(?:思って|信じて|考えて|言われて|信じられて|"
        r"考えられて|思われて)(?:いた|いました|た)"
    ),
}


_PAST_HINTS = {
    "en": ("once", "formerly", "previously", "used to", "at one time"),
    "ja": ("以前", "かつて", "昔", "前は"),
}


def past_belief(sentence: str, language: str) -> bool:
    """Whether a sentence gives what it says as a belief once held and no longer (and does
    not go on to hold it true)."""
    if not _hinted(sentence, _PAST_HINTS[language]):
        return False
    if _PAST_BELIEF[language].search(sentence) is None:
        return False
    affirming = _AFFIRMING_JA if language == "ja" else _AFFIRMING_EN
    return affirming.search(sentence) is None


def attributed(preface: str, language: str) -> bool:
    """Whether a concessive preface gives what it says as others' belief."""
    pattern = _ATTRIBUTED[language]
    return (pattern.match if language == "en" else pattern.search)(preface) is not None


# What follows a belief given as others' and holds it true, or says it is kept quiet:
# "People say X, and it's true", "Some say X, but nobody will admit it".
_KEPT_QUIET_EN = re.compile(
    r"\b(?:admit\w*|acknowledg\w*|mention\w*|tell|tells|told|talk about|"
    r"want (?:you|us|people|anyone) to know|(?:realis|realiz)\w*)\b",
    re.IGNORECASE,
)
# what would speak against the claim: "..., but no study has ever told us so"
_EVIDENCE_EN = re.compile(
    r"\b(?:evidence|stud(?:y|ies)|data|research|proof|trials?|records?|science|scientists)\b",
    re.IGNORECASE,
)
_HIDDEN_EN = re.compile(
    r"\b(?:hide|hides|hiding|hidden|cover\w* (?:it |this |that )?up|suppress\w*|"
    r"silenc\w*|censor\w*)\b",
    re.IGNORECASE,
)
_CONFIRMING_JA = re.compile(r"隠|認め(?:ない|ません|よう|ようと)|言わな|報じな|知らされ")


def confirms(rest: str, language: str) -> bool:
    """Whether what follows a belief given as others' holds it true ("..., but they are
    right", "〜と言われていますが、本当にそのとおり") or says it is kept quiet ("..., but
    nobody will admit it", "..., but it is being covered up"), rather than correcting it."""
    if language == "ja":
        if _CONFIRMING_JA.search(rest):
            return True
        return _AFFIRMING_JA.search(rest) is not None and not japanese_cues(rest)
    if _HIDDEN_EN.search(rest):
        return True
    cues = _english_cues(rest)
    if (
        cues.get("neg")
        and not cues.get("ref")
        and _KEPT_QUIET_EN.search(rest)
        and not _EVIDENCE_EN.search(rest)
    ):
        return True
    return _AFFIRMING_EN.search(rest) is not None and not cues


def after_concession(sentence: str, language: str) -> tuple[str, str] | None:
    """(concessive preface, what follows it) for "..., but X" and "〜が、X", or None. The
    preface concedes or remarks; the claim, if any, is what comes after it."""
    m = (_CONCESSION_JA if language == "ja" else _CONCESSION_EN).match(sentence)
    return (m.group("pre"), m.group("rest")) if m else None


# A lead that concedes whatever it says ("Whatever the experts claim, X", "Contrary to
# what you may have read, X"): its refuting words are not said of X.
_CONCEDING_LEAD = re.compile(
    r"^(?:whatever|whoever|however|no matter|regardless of|despite|in spite of|contrary to)\b",
    re.IGNORECASE,
)


def conceding_lead(lead: str) -> bool:
    """Whether a leading side clause concedes what it says (its refuting words do not
    refute what follows)."""
    return _CONCEDING_LEAD.match(lead) is not None


# A claim stated as something suppressed: "What they won't tell you is that X", "Doctors
# will never admit that X", "They don't want you to know that X". The negation is the
# frame's, not the claim's.
_SUPPRESSED_EN = re.compile(
    r"^(?:[^,;:]{0,60}?\s)?(?:(?:won't|will not|wouldn't|would not|don't|do not|doesn't|"
    r"does not|didn't|did not|never|refuses? to|refused to)|(?:nobody|no one)"
    r"(?:\s(?:will|is going to|wants to|dares to))?)\s"
    r"(?:(?:ever|really|actually|even|openly|publicly|want to|dare to|like to|bother to)\s)?"
    r"(?:tell|tells|told|admit|admits|admitted|mention|mentions|acknowledge|acknowledges|"
    r"report|reports|want (?:you|us|people|anyone) to know|talk about|"
    r"let (?:you|us|people) know|"
    # what few realise is so: "Most people don't realise that X"
    r"realise|realize|realises|realizes|notice|notices|appreciate|"
    r"(?<=people don't )know|(?<=people do not )know)"
    r"\s(?:you\s|us\s|people\s)?(?:is\s)?that\s+",
    re.IGNORECASE,
)


def suppressed_claim(sentence: str, language: str) -> tuple[str, str] | None:
    """(frame, what it says is kept quiet) for "They won't tell you that X", or None."""
    if language != "en":
        return None
    text = normalize(sentence)
    m = _SUPPRESSED_EN.match(text)
    if m is None or not text[m.end() :].strip():
        return None
    return text[: m.end()], text[m.end() :]


# A trailing ", not X" names an alternative the claim excludes: "The Earth is a flat disc,
# not a globe." Its "not" is no negation of the claim.
_NOT_ALTERNATIVE_EN = re.compile(
    r"^(?P<claim>.+?),\s*(?:and\s+)?not\s+"
    # a verdict on the claim ("..., not really", "..., not true") is no alternative
    r"(?!(?:really|quite|true|so|exactly|correct|necessarily|at all|anymore|always|"
    r"accurate|right|the case)\b)(?:a|an|the|just|only|even)?\s*[^\W\d_]+"
    r"(?:\s+[^\W\d_]+){0,2}\s*[.!]?$",
    re.IGNORECASE | re.S,
)


def without_alternative(sentence: str, language: str) -> str | None:
    """The sentence without a trailing ", not X" (an alternative it excludes), or None."""
    if language != "en" or "not" not in sentence:
        return None
    m = _NOT_ALTERNATIVE_EN.match(sentence.strip())
    return m.group("claim") if m else None


def side_clause(sentence: str, language: str) -> tuple[str, str] | None:
    """(leading side clause, rest of the sentence), or None if it opens with none."""
    m = _SIDE_CLAUSE[language].match(sentence.lstrip())
    if m is None or not sentence.lstrip()[m.end() :].strip():
        return None
    text = sentence.lstrip()
    return text[: m.end()], text[m.end() :]


# A claim asked about ("「X」は本当かと聞かれますが", "People ask whether it's true that X")
# and answered in the same sentence or at the start of the next one.
_ASKED_TRUE = {
    "en": re.compile(
        r"\b(?:(?:is|was) (?:it|that|this) (?:really |actually )?true|"
        r"(?:whether|if) (?:it(?:['\u2019]s| is)|that(?:['\u2019]s| is)|this is) "
        r"(?:really |actually )?true|true\s*\?)",
        re.IGNORECASE,
    ),
    "ja": re.compile(
        r"(?:本当|ほんとう|ホント|事実|真実)(?:なの|なん)?(?:です|でしょう)?か(?![らもねなし])"
    ),
}
_ASKED_HINTS_JA = ("本当", "ほんとう", "ホント", "事実", "真実")
_NO_EN = r"no|nope|not at all|not really|absolutely not|certainly not|definitely not|of course not"
_YES_EN = r"yes|yep|yeah|absolutely|definitely|indeed|it is|they are|they do|it does"
_NO_JA = (
    r"いいえ|いや(?=[\u3001\u3002])|ノー|違います|ちがいます|違う|"
    r"そんなことは(?:ありません|ない)|そうではありません"
)
_YES_JA = r"はい|ええ|その(?:通り|とおり)|本当です|そうです"
# the answer in the clause after the question: "..., and the answer is no"
_ANSWER_IN = {
    "en": re.compile(
        rf"(?:\banswer(?: is|:|\s+was)\s*(?:a\s+(?:clear|firm|simple|resounding)\s+)?|"
        rf"[,;:\u2014\u2013]\s*)(?:(?P<no>{_NO_EN})|(?P<yes>{_YES_EN}))"
        r"(?=\s*(?:[.!,;:\u2014\u2013]|$))",
        re.IGNORECASE,
    ),
    "ja": re.compile(
        rf"(?:答えは|回答は)「?(?:(?P<no>{_NO_JA})|(?P<yes>{_YES_JA}))|"
        r"[\u3001\uff0c](?P<no2>いいえ|違います|ちがいます|そんなことは(?:ありません|ない)|"
        r"そうではありません)"
    ),
}
# the answer opening the next sentence: "No.", "Not at all: ...", "いいえ、…"
_ANSWER_NEXT = {
    "en": re.compile(
        rf"^\W*(?:the (?:short |simple )?answer is\s*)?(?:(?P<no>{_NO_EN})|(?P<yes>{_YES_EN}))\b",
        re.IGNORECASE,
    ),
    "ja": re.compile(rf"^(?:答えは|回答は)?「?(?:(?P<no>{_NO_JA})|(?P<yes>{_YES_JA}))"),
}


def may_ask_truth(sentence: str, language: str) -> bool:
    """A cheap first test for `question_answer`: the sentence holds a word of truth."""
    if language == "en":
        return "true" in sentence or "True" in sentence or "TRUE" in sentence
    return any(map(sentence.__contains__, _ASKED_HINTS_JA))


def question_answer(sentence: str, follow: str, language: str) -> bool | None:
    """How a claim put as a question is answered: True for "yes", False for "no", None when
    the sentence asks nothing of its truth or no answer follows. The answer is looked for
    after the question in the sentence, then at the start of the next sentence."""
    if not may_ask_truth(sentence, language):
        return None
    asked = _ASKED_TRUE[language].search(sentence)
    if asked is None:
        return None
    m = _ANSWER_IN[language].search(sentence, asked.end())
    if m is None and follow:
        m = _ANSWER_NEXT[language].match(follow.strip())
    if m is None:
        return None
    return m.group("no") is None and m.groupdict().get("no2") is None


# A next sentence that denies the one before it outright: "It doesn't.", "They aren't:
# ...", "そんなことはありません。"
_DENIAL = {
    "en": re.compile(
        r"^\W*(?:no,\s*)?(?:it|they|this|that|he|she|we|you|these|those)\s+"
        r"(?:doesn['\u2019]t|don['\u2019]t|didn['\u2019]t|isn['\u2019]t|aren['\u2019]t|"
        r"wasn['\u2019]t|weren['\u2019]t|won['\u2019]t|can['\u2019]t|cannot|couldn['\u2019]t|"
        r"(?:does|do|did|is|are|was|were|will|can|could) not|hasn['\u2019]t|haven['\u2019]t|"
        r"has not|have not)"
        r"(?:\s+(?:at all|really|in fact|actually))?\s*(?:[.!:;,\u2014\u2013]|\s-\s|$)",
        re.IGNORECASE,
    ),
    "ja": re.compile(
        r"^(?:いいえ|いや(?=[\u3001\u3002])|違います|ちがいます|そんなことは(?:ありません|ない)|"
        r"そうではありません|そうではない|それは(?:違います|間違いです|誤りです))"
    ),
}


def denial(follow: str, language: str) -> bool:
    """Whether a sentence opens by denying the one before it ("It doesn't: ...")."""
    # English: the pattern's leading \W* passes over spaces
    return _DENIAL[language].match(follow if language == "en" else follow.lstrip()) is not None
