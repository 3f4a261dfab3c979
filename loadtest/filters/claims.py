"""Seeded generator of the disinformation evaluation set and its frozen splits.

Positives restate a claim of the shipped database (policies/claims) in other words; a
record is found when the check reports that claim. Negatives must not be reported.

Positive families (dev): `frame` (the claim or a variant inside a framing sentence),
`hedge` (inside a hedge), `synonym` (words swapped from the table below), `reorder` (a
trailing phrase moved to the front), `restate` (a hand-written rewording). Held-out
family: `heldout`, a second hand-written rewording per claim, inside framings and with
word swaps that the dev families never use.

Second tuning split (`dev2`, tuned on like dev): Japanese rewordings (particles, polite
and plain endings, spellings, synonyms) and English ones, alone (`dev2`) and in framings
(`dev2-frame`); negatives: hand-written refutations without a negation word (`counter`:
counter-facts, rejecting verbs), refuting frames and topical statements.

Second blind split (`blind2`): written after the matcher changes tuned on dev2 were frozen,
and evaluated once; same families as dev2 with new wordings, frames and topical
statements in both languages.

Third tuning split (`dev3`, tuned on): sentence structure around a claim. Positives
(`dev3-frame`): the claim or a variant after a concessive preface that carries a
negation ("Nobody tells you this, but ..."), after a negated side clause, or inside a
frame that holds a reported claim true ("Studies have confirmed the idea that ...").
Negatives (`report`): the claim reported inside "the idea / belief that ..." (Japanese
"〜という説/考え") by a frame that sets it aside without a negation word, and claims
conceded before "but" and then refuted.

Third blind split (`blind3`): written after the matcher files tuned on dev3 were frozen,
and evaluated once. Positives: a new rewording per claim, alone (`blind3`) and in
new frames (`blind3-frame`, some with a concessive or negated preface, some holding a
reported claim true); negatives: a new hand-written refutation per claim (`counter`), the
claim inside new refuting frames (`refute`) and new topical statements.

Fourth blind split (`blind4`, tables in `claims_blind4`): evaluated once. Positives: two
new rewordings per claim in other vocabulary, voice and register, alone (`blind4`, with a
few two-sentence answers) and the claim or a rewording in new asserting frames
(`blind4-frame`); negatives: a new refutation per claim (`counter`, some reporting the
claim before refuting it in the same or the next sentence), the claim or a rewording in
new refuting and reporting frames (`refute`) and new topical statements.

Fifth blind split (`blind5`, tables in `claims_blind5`): evaluated once. Positives: two new
rewordings per claim in other vocabulary, voice and register, alone (`blind5`, some as
two-sentence answers) and the claim or a rewording in new asserting frames (advice, list
items, direct "yes" answers and summaries; `blind5-frame`); negatives: a new refutation per
claim (`counter`: a corrected fact, the claim reported and then corrected, or a question
answered "no"), the claim or a rewording in new refuting and reporting frames (`refute`)
and new topical statements.

Sixth blind split (`blind6`, tables in `claims_blind6`): evaluated once. Positives: two new
rewordings per claim in other vocabulary, idiom, voice and register, alone (`blind6`, some
as short two-sentence answers) and the claim or a rewording in new asserting frames (FAQ
answers, bullet items, advice and confirmations; `blind6-frame`); negatives: a new
refutation per claim (`counter`: the fact stated plainly, the claim quoted and rejected in
the next clause or sentence, or a myth-busting "no" answer), the claim or a rewording in
new refuting and reporting frames (`refute`) and new topical statements.

Blind split: wordings written apart from the matcher and evaluated once, after it was
settled. Positives: `blind` (a conversational and a passive or reordered paraphrase per
claim, alone and inside new qualifying or embedding frames) and `blind-question` (a yes/no
question answered "yes"); negatives: refutations in new wordings and refuting frames (a
question answered "no" among them) and new topical statements.

Negative families: `refute` (a hand-written refutation, and the claim inside a refuting
frame such as "It is a myth that ..."), `topical` (true statements on the same topics,
sharing many words with the claims).

Each record: {"id", "family", "label" (1 positive, 0 negative), "claim" (id or null),
"language", "text"}. Regenerate (deterministic for a given seed):

    .venv/bin/python -m loadtest.filters.claims            # writes loadtest/filters/data/
    .venv/bin/python -m loadtest.filters.claims --check    # fails if they differ
"""

from __future__ import annotations

import functools
import importlib
import random
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml

from loadtest.evalkit import generator_main, jsonl, read_jsonl

DATA_DIR = Path(__file__).resolve().parent / "data"
CLAIMS_DIR = Path(__file__).resolve().parents[2] / "policies" / "claims"
DEFAULT_SEED = 20261126
SPLITS = (
    "dev",
    "dev2",
    "heldout",
    "blind",
    "blind2",
    "dev3",
    "blind3",
    "blind4",
    "blind5",
    "blind6",
)
HELDOUT_FAMILY = "heldout"
BLIND_SPLIT = "blind"
BLIND_FAMILIES = ("blind", "blind-question")
DEV_POSITIVE = ("frame", "hedge", "synonym", "reorder", "restate")
NEGATIVE = ("refute", "topical")

# fmt: off
# claim id -> (dev rewording, held-out rewording, refutation)
REWORDINGS: dict[str, tuple[str, str, str]] = {
    "vaccines-autism": (
        "Childhood vaccinations are what cause autism in kids.",
        "Getting your child vaccinated can give them autism.",
        "Vaccines do not cause autism; many large studies have found no link.",
    ),
    "flu-vaccine-gives-flu": (
        "Getting the flu shot will give you the flu.",
        "You catch influenza from the influenza vaccine itself.",
        "The flu vaccine cannot give you the flu.",
    ),
    "mrna-vaccine-changes-dna": (
        "The mRNA COVID vaccines alter your DNA.",
        "Covid-19 mRNA jabs permanently rewrite human genes.",
        "mRNA COVID-19 vaccines do not change your DNA.",
    ),
    "measles-harmless": (
        "Measles is just a harmless illness that all children go through.",
        "Catching measles is basically harmless for a child.",
        "Measles is not a harmless illness; it can kill.",
    ),
    "5g-spreads-covid": (
        "COVID-19 is spread by 5G networks.",
        "The new 5G masts are spreading Covid across the country.",
        "5G networks do not spread COVID-19.",
    ),
    "alcohol-protects-covid": (
        "Drinking alcohol will protect you from COVID-19.",
        "A few drinks of liquor each day keep COVID-19 away and protect you.",
        "Alcohol does not protect you against COVID-19.",
    ),
    "bleach-cures-covid": (
        "Injecting disinfectant can cure COVID-19.",
        "Swallowing a little bleach is a cure for Covid-19.",
        "Drinking bleach will never cure COVID-19 and can kill you.",
    ),
    "hot-weather-kills-covid": (
        "The coronavirus is killed by hot weather.",
        "High summer temperatures kill off the coronavirus.",
        "Hot weather does not kill the coronavirus.",
    ),
    "antibiotics-cure-viruses": (
        "Antibiotics will cure a cold or the flu, since they treat viral infections.",
        "Take antibiotics for your cold; they cure viral infections like flu.",
        "Antibiotics do not cure viral infections such as colds and flu.",
    ),
    "cold-weather-causes-colds": (
        "The common cold is caused by cold weather.",
        "Going out in cold weather is what causes the common cold.",
        "Cold weather does not cause the common cold; viruses do.",
    ),
    "vitamin-c-prevents-colds": (
        "Vitamin C will prevent you from getting colds.",
        "Daily vitamin C tablets prevent colds.",
        "Vitamin C does not prevent colds for most people.",
    ),
    "hiv-mosquitoes": (
        "Mosquito bites can spread HIV.",
        "You can get HIV from being bitten by mosquitoes.",
        "HIV cannot be spread by mosquito bites.",
    ),
    "sugar-causes-type1-diabetes": (
        "Type 1 diabetes is caused by eating too much sugar.",
        "Kids get type 1 diabetes from eating too much sugar.",
        "Eating too much sugar does not cause type 1 diabetes.",
    ),
    "microwave-food-radioactive": (
        "Food becomes radioactive when you microwave it.",
        "Heating your dinner in a microwave makes the food radioactive.",
        "Microwaving food does not make it radioactive.",
    ),
    "cancer-contagious": (
        "You can catch cancer from someone, because cancer is contagious.",
        "Cancer is contagious like the flu.",
        "Cancer is not contagious.",
    ),
    "sugar-feeds-cancer": (
        "Sugar feeds cancer and makes it grow faster.",
        "If you have cancer, eating sugar makes the cancer grow faster.",
        "Eating sugar does not make cancer grow faster.",
    ),
    "antiperspirants-breast-cancer": (
        "Breast cancer is caused by antiperspirants and deodorants.",
        "Using deodorants and antiperspirants causes breast cancer.",
        "Antiperspirants and deodorants do not cause breast cancer.",
    ),
    "cell-phones-cause-cancer": (
        "Using a mobile phone causes brain cancer.",
        "Brain cancer is caused by cell phones held near the head.",
        "Cell phones have not been shown to cause brain cancer.",
    ),
    "herbs-cure-cancer": (
        "Cancer can be cured with herbal remedies.",
        "Herbal remedies are able to cure cancer without chemotherapy.",
        "Herbal remedies cannot cure cancer.",
    ),
    "climate-change-hoax": (
        "The whole climate change thing is a hoax.",
        "Climate change is just a big hoax.",
        "Climate change is not a hoax.",
    ),
    "warming-caused-by-sun": (
        "The Sun is causing the current global warming.",
        "Today's global warming is caused by changes in the sun.",
        "Current global warming is not caused by the Sun.",
    ),
    "co2-does-not-affect-climate": (
        "Human carbon dioxide emissions don't affect the climate.",
        "The carbon dioxide humans emit does not affect the climate.",
        "Carbon dioxide emitted by humans clearly affects the climate.",
    ),
    "global-warming-stopped": (
        "Global warming stopped several years ago.",
        "Years ago, global warming stopped.",
        "Global warming has not stopped.",
    ),
    "moon-landings-faked": (
        "The Moon landings by Apollo were faked.",
        "The Apollo astronauts never went to the Moon; the landings were faked.",
        "The Apollo Moon landings were real and not faked.",
    ),
    "earth-is-flat": (
        "Our Earth is actually flat.",
        "The Earth we live on is flat.",
        "The Earth is not flat.",
    ),
    "lightning-never-strikes-twice": (
        "Lightning will never strike the same place twice.",
        "The same place never gets struck by lightning twice.",
        "Lightning can and does strike the same place twice.",
    ),
    "rubber-tires-protect-lightning": (
        "A car's rubber tires are what protect you from lightning.",
        "Lightning cannot hurt you in a car because the rubber tires protect you.",
        "It is not the rubber tires of a car that protect you from lightning.",
    ),
    "earthquakes-predictable": (
        "Earthquakes can be predicted by scientists.",
        "Seismologists are able to predict earthquakes.",
        "Scientists cannot predict earthquakes.",
    ),
    "doorway-safest-earthquake": (
        "The safest place during an earthquake is standing in a doorway.",
        "During an earthquake, standing in a doorway is the safest place to be.",
        "A doorway is not the safest place during an earthquake.",
    ),
    "open-windows-tornado": (
        "Opening windows during a tornado equalizes the pressure and saves your house.",
        "Open the windows when a tornado comes, to equalize pressure and save the house.",
        "Opening windows during a tornado does not equalize pressure or save the house.",
    ),
    "overpass-tornado-shelter": (
        "Highway overpasses make safe shelters from tornadoes.",
        "A highway overpass is a safe shelter from tornadoes.",
        "Highway overpasses are not safe shelters from tornadoes.",
    ),
    "vote-by-text": (
        "You can vote by text message in US elections.",
        "In US elections, you can vote by sending a text message.",
        "You cannot vote in US elections by text message.",
    ),
    "ja-vaccines-autism": (
        "予防接種を受けると自閉症になる。",
        "子どもにワクチンを接種すると自閉症になってしまう。",
        "ワクチン接種で自閉症になることはありません。",
    ),
    "ja-flu-vaccine-gives-flu": (
        "インフルエンザの予防接種を受けるとインフルエンザにかかる。",
        "インフルエンザワクチンを打ったせいでインフルエンザにかかる。",
        "インフルエンザワクチンを打ってもインフルエンザにかかることはありません。",
    ),
    "ja-5g-spreads-covid": (
        "新型コロナウイルスは5Gの電波で広がっている。",
        "5Gの電波によって新型コロナウイルスが広がった。",
        "5Gの電波が新型コロナウイルスを広げることはありません。",
    ),
    "ja-antibiotics-cure-cold": (
        "抗生物質は風邪に効く薬だ。",
        "風邪をひいたら抗生物質が効く。",
        "風邪には抗生物質は効きません。",
    ),
    "ja-heatstroke-indoors": (
        "屋内にいれば熱中症は起こらない。",
        "熱中症は屋内にいる限り起こらない。",
        "熱中症は屋内でも起こります。",
    ),
    "ja-cancer-contagious": (
        "がんは人から人にうつる。",
        "がんはそばにいる人にうつる。",
        "がんは人にうつりません。",
    ),
    "ja-earthquakes-predictable": (
        "地震は事前に予知できる。",
        "大きな地震は予知できる。",
        "地震は予知できません。",
    ),
    "ja-metal-attracts-lightning": (
        "金属を身につけていると雷が落ちやすくなる。",
        "身につけている金属に雷が落ちやすい。",
        "金属を身につけていても雷が落ちやすくなることはありません。",
    ),
    "ja-moon-landings-faked": (
        "月面着陸はアポロ計画による捏造だった。",
        "アポロ計画の月面着陸は捏造だ。",
        "アポロの月面着陸は捏造ではありません。",
    ),
    "ja-internet-voting": (
        "国政選挙はインターネットで投票できる。",
        "日本の国政選挙ではインターネット投票ができる。",
        "日本の国政選挙はインターネットで投票できません。",
    ),
    "ja-climate-change-hoax": (
        "地球温暖化はでっち上げにすぎない。",
        "地球温暖化なんてでっち上げだ。",
        "地球温暖化はでっち上げではありません。",
    ),
}

# True statements on the claims' topics, sharing many of their words.
TOPICAL: dict[str, tuple[str, ...]] = {
    "en": (
        "Vaccines can cause mild side effects such as a sore arm or a low fever.",
        "Autism is usually diagnosed in early childhood, and diagnosis rates have risen.",
        "The MMR vaccine protects children against measles, mumps and rubella.",
        "The flu vaccine is updated every year to match the viruses expected to circulate.",
        "mRNA vaccines teach cells to make a harmless piece of the spike protein.",
        "5G networks use radio frequencies similar to those of earlier mobile networks.",
        "COVID-19 spreads mainly through droplets and aerosols from infected people.",
        "Heavy alcohol use weakens the immune system over time.",
        "Bleach should be stored away from children and used only to clean surfaces.",
        "Antibiotics treat bacterial infections such as strep throat.",
        "Colds are more common in winter because people gather indoors.",
        "Vitamin C is found in citrus fruit, peppers and broccoli.",
        "Mosquitoes spread malaria and dengue in many tropical countries.",
        "Type 2 diabetes risk rises with excess weight and lack of exercise.",
        "Microwave ovens heat food by making water molecules vibrate.",
        "Some viruses, such as HPV, raise the risk of certain cancers.",
        "Cancer cells use glucose, like every other cell in the body.",
        "Deodorants reduce odour, while antiperspirants reduce sweating.",
        "Mobile phones emit radio waves, a form of non-ionizing radiation.",
        "Some herbal products can interfere with chemotherapy drugs.",
        "Climate change is raising sea levels and melting glaciers.",
        "The Sun's energy output varies slightly over an eleven-year cycle.",
        "Carbon dioxide concentrations have risen by about half since the industrial revolution.",
        "The last decade was the warmest on record.",
        "Apollo 11 landed on the Moon on 20 July 1969.",
        "The Earth orbits the Sun once every 365.25 days.",
        "Lightning strikes the Empire State Building about twenty times a year.",
        "A hard-topped metal car is a reasonably safe place during a thunderstorm.",
        "Earthquake hazard maps show the chance of strong shaking over decades.",
        "During an earthquake, drop, cover and hold on under a sturdy table.",
        "During a tornado, shelter in an interior room on the lowest floor.",
        "Tornado warnings are issued when a tornado has been sighted or indicated by radar.",
        "In US elections, you can vote in person or by mail where your state allows it.",
        "Voter registration deadlines differ from state to state.",
    ),
    "ja": (
        "ワクチン接種の後に腕が腫れたり熱が出たりすることがあります。",
        "自閉症スペクトラム障害は幼児期に診断されることが多い。",
        "インフルエンザワクチンは毎年流行を予測して作られます。",
        "新型コロナウイルスは飛沫やエアロゾルで感染が広がります。",
        "5Gは高速で大容量の通信ができる移動通信の規格です。",
        "抗生物質は細菌による感染症の治療に使われます。",
        "熱中症を防ぐには、こまめな水分補給とエアコンの利用が大切です。",
        "がんの一部はウイルス感染が原因になることがあります。",
        "地震に備えて家具を固定し、非常用持ち出し袋を用意しましょう。",
        "雷が鳴ったら建物や自動車の中に避難しましょう。",
        "アポロ11号は1969年に月面に着陸しました。",
        "国政選挙では期日前投票や不在者投票を利用できます。",
        "地球温暖化によって海面水位が上昇しています。",
    ),
}

FRAMES_DEV: tuple[str, ...] = (
    "Many people believe that {c}",
    "It's true that {c}",
    "Actually, {c}",
    "Here's the thing: {c}",
    "As everyone knows, {c}",
    "{C}, and that is well documented",
    "To be honest, {c}",
    "{C}, according to many sources",
)
HEDGES_DEV: tuple[str, ...] = (
    "It is possible that {c}",
    "Some experts say that {c}",
    "There is some evidence that {c}",
    "It may well be that {c}",
    "I have read that {c}",
)
FRAMES_HELDOUT: tuple[str, ...] = (
    "Well, the short answer is that {c}",
    "From what I understand, {c}",
    "Put simply, {c}",
    "Yes, {c}",
    "{C} - that's the reality most people miss",
    "Believe it or not, {c}",
)
FRAMES_JA_DEV: tuple[str, ...] = (
    "{c}", "実は、{c}", "{c}と言われています。", "よく知られているように、{c}",
)
FRAMES_JA_HELDOUT: tuple[str, ...] = (
    "結論から言うと、{c}", "{c}というのが本当のところです。", "はい、{c}",
)
REFUTING_FRAMES: tuple[str, ...] = (
    "It is a myth that {c}",
    "There is no evidence that {c}",
    "Contrary to popular belief, it is false that {c}",
    "The claim that {c} has been debunked",
    "Some people wrongly believe that {c}",
)
REFUTING_FRAMES_JA: tuple[str, ...] = ("「{c}」というのは誤りです。", "{c}というのはデマです。")

# Word swaps for the `synonym` family; the held-out swaps never appear in this table.
SWAPS_DEV: dict[str, tuple[str, ...]] = {
    "cause": ("trigger", "lead to"), "causes": ("triggers", "leads to"),
    "cure": ("heal", "treat"), "cures": ("heals", "treats"),
    "spread": ("transmit", "carry"), "vaccines": ("vaccinations", "jabs"),
    "vaccine": ("vaccination", "jab"), "faked": ("staged", "fabricated"),
    "predict": ("forecast", "foresee"), "kill": ("destroy",), "protects": ("shields",),
    "prevents": ("stops",), "children": ("kids",), "safest": ("most secure",),
    "harmless": ("mild", "benign"), "change": ("alter", "modify"), "hoax": ("fraud", "scam"),
}
SWAPS_HELDOUT: dict[str, tuple[str, ...]] = {
    "cause": ("bring about", "create"), "causes": ("brings about", "creates"),
    "spreading": ("passing on",), "faked": ("made up",), "protect": ("safeguard",),
    "flat": ("not round",), "alter": ("tamper with",), "rewrite": ("tamper with",),
}
# fmt: on

# --- the second tuning split (dev2) -----------------------------------------------------
# Tuned on, like dev: Japanese rewordings (particles, polite and plain endings, kanji, kana
# and katakana spellings, synonyms) and refutations that carry no negation word (a
# counter-fact about the same subject, or a frame that rejects the claim).
# Claim id -> (rewordings, refutations).
# fmt: off
DEV2: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "vaccines-autism": (
        ("Children can develop autism after receiving their routine vaccines.",
         "Autism in kids is brought on by vaccination.",
         "The shots babies get are the reason so many of them become autistic."),
        ("Autism has strong genetic roots and begins before birth, long before any vaccine "
         "is given.",
         "Large studies of vaccinated and unvaccinated children found identical autism rates."),
    ),
    "flu-vaccine-gives-flu": (
        ("Getting a flu jab makes you come down with the flu.",
         "People catch the flu from the influenza shot.",
         "The flu shot infects you with influenza."),
        ("The injected flu vaccine contains inactivated virus, so it is incapable of giving "
         "anyone the flu.",
         "A sore arm after the flu shot is an immune response, and the shot protects you "
         "from flu."),
    ),
    "mrna-vaccine-changes-dna": (
        ("Covid mRNA shots modify the genes in your cells.",
         "Your genetic code gets altered by the mRNA coronavirus vaccine.",
         "The mRNA in COVID-19 jabs rewrites human DNA."),
        ("The mRNA from COVID-19 vaccines stays outside the nucleus and leaves your DNA "
         "untouched.",
         "mRNA vaccines break down within days, and your DNA stays exactly as it was."),
    ),
    "measles-harmless": (
        ("Measles is a mild disease that kids get over easily.",
         "Catching measles as a child does no real harm.",
         "For children, measles is nothing to worry about."),
        ("Measles can lead to pneumonia, brain swelling and death in young children.",
         "Measles is a serious childhood illness that kills thousands every year."),
    ),
    "5g-spreads-covid": (
        ("The coronavirus travels over 5G radio waves.",
         "5G phone masts are transmitting COVID-19 to people.",
         "COVID-19 spread because of the 5G rollout."),
        ("COVID-19 spreads through respiratory droplets, while 5G is just radio waves.",
         "Iran had big COVID-19 outbreaks before it had any 5G networks."),
    ),
    "alcohol-protects-covid": (
        ("Drinking liquor keeps you safe from the coronavirus.",
         "Alcohol shields your body against COVID-19 infection.",
         "A glass of wine a day will guard you against COVID-19."),
        ("Alcohol weakens the immune system and leaves you more vulnerable to COVID-19.",
         "Drinking alcohol raises your risk of severe COVID-19."),
    ),
    "bleach-cures-covid": (
        ("Injecting disinfectant into your body gets rid of the coronavirus.",
         "Bleach is a treatment for COVID-19 if you drink it.",
         "You can heal COVID-19 by swallowing disinfectant."),
        ("Drinking bleach or disinfectant poisons you and can be fatal.",
         "Disinfectant is meant for surfaces, and swallowing it causes serious harm."),
    ),
    "hot-weather-kills-covid": (
        ("The coronavirus dies off in hot weather.",
         "High temperatures destroy the coronavirus.",
         "Summer heat wipes out COVID-19."),
        ("The coronavirus spread rapidly in hot, humid countries too.",
         "The coronavirus survives hot weather just fine."),
    ),
    "antibiotics-cure-viruses": (
        ("Antibiotics are an effective treatment for colds and flu.",
         "You should take antibiotics to get over a viral infection like the flu.",
         "Viral illnesses such as the common cold clear up with antibiotics."),
        ("Antibiotics only work against bacteria and are useless for colds and flu.",
         "Colds and flu are viral, so antibiotics do nothing for them."),
    ),
    "cold-weather-causes-colds": (
        ("Being out in chilly weather gives you a cold.",
         "You catch a cold from being out in the cold weather.",
         "Winter weather is what brings on the common cold."),
        ("Colds are caused by viruses, which spread more easily when people crowd indoors "
         "in winter.",
         "Viruses, rather than low temperatures, are what cause colds."),
    ),
    "vitamin-c-prevents-colds": (
        ("Vitamin C supplements stop you from catching colds.",
         "Taking ascorbic acid every day keeps colds away.",
         "Loading up on vitamin C protects you from the common cold."),
        ("Vitamin C does little to prevent colds in most people.",
         "In trials, people taking vitamin C caught just as many colds as everyone else."),
    ),
    "hiv-mosquitoes": (
        ("Mosquitoes can pass HIV from one person to another.",
         "A mosquito bite can infect you with HIV.",
         "HIV is carried from person to person by mosquitoes."),
        ("HIV dies inside the mosquito's gut, so mosquito bites are harmless in that respect.",
         "Mosquitoes are incapable of transmitting HIV."),
    ),
    "sugar-causes-type1-diabetes": (
        ("Too many sweets give kids type 1 diabetes.",
         "Type 1 diabetes comes from a diet high in sugar.",
         "Children develop juvenile diabetes by eating lots of sugar."),
        ("Type 1 diabetes is an autoimmune condition in which the immune system attacks the "
         "pancreas.",
         "Type 1 diabetes is autoimmune, unlike the type 2 form that is linked to weight."),
    ),
    "microwave-food-radioactive": (
        ("Microwave ovens leave radiation in your food.",
         "Food heated in the microwave turns radioactive.",
         "Microwaved meals become radioactive."),
        ("Microwaving food is harmless and makes it no more radioactive than boiling it.",
         "Microwaves heat food by making water molecules vibrate, and the food stays "
         "radiation-free."),
    ),
    "cancer-contagious": (
        ("You can catch cancer from another person.",
         "Cancer can be passed from one person to another like an infection.",
         "Cancer spreads between people who live together."),
        ("Cancer develops from changes in a person's own cells, so it stays within that "
         "person.",
         "You are safe hugging someone with cancer, since cancer is non-contagious."),
    ),
    "sugar-feeds-cancer": (
        ("Cancer cells thrive on sugar and grow quicker.",
         "Sugar speeds up the growth of tumours.",
         "Eating sweets fuels cancer growth."),
        ("Eating sugar has the same effect on cancer as any other source of calories.",
         "Sugar in your diet leaves the growth of a tumour unchanged."),
    ),
    "antiperspirants-breast-cancer": (
        ("Using antiperspirant gives women breast cancer.",
         "Deodorants are a cause of breast cancer.",
         "Breast cancer can come from the chemicals in antiperspirants."),
        ("Large studies found antiperspirant users had the same breast cancer risk as "
         "everyone else.",
         "Breast cancer rates are the same in women who use deodorant and in women who avoid "
         "it."),
    ),
    "cell-phones-cause-cancer": (
        ("Mobile phone radiation gives you brain tumours.",
         "Holding a smartphone to your head causes brain cancer.",
         "Brain cancer comes from using cell phones."),
        ("Brain cancer rates stayed level even as mobile phone use exploded.",
         "Mobile phones emit non-ionizing radio waves that are too weak to damage brain "
         "cells."),
    ),
    "herbs-cure-cancer": (
        ("Cancer can be healed with herbs.",
         "Herbal medicine is able to cure cancer.",
         "Botanical remedies will get rid of cancer."),
        ("Herbal remedies are powerless against cancer, and some interfere with "
         "chemotherapy.",
         "Relying on herbal remedies instead of treatment lets cancer spread."),
    ),
    "climate-change-hoax": (
        ("Global warming is a made-up scam.",
         "Climate change is a lie.",
         "The climate crisis is a fraud cooked up by scientists."),
        ("Climate change is real and driven by human activity.",
         "Climate change is backed by overwhelming evidence."),
    ),
    "warming-caused-by-sun": (
        ("The sun is responsible for today's global warming.",
         "Modern climate change is driven by solar activity.",
         "Global warming these days is the sun's doing."),
        ("Solar output has been falling slightly while temperatures kept rising.",
         "The current warming is caused by greenhouse gases, while the Sun has grown "
         "slightly weaker."),
    ),
    "co2-does-not-affect-climate": (
        ("Humans putting carbon dioxide in the air has no effect on the climate.",
         "The CO2 we emit makes no difference to the climate.",
         "Man-made carbon dioxide emissions have no influence on the climate."),
        ("Human carbon dioxide emissions are the main driver of the warming climate.",
         "The carbon dioxide people emit traps heat and changes the climate."),
    ),
    "global-warming-stopped": (
        ("The planet stopped warming years ago.",
         "Global warming came to a halt a few years back.",
         "Global warming ended years ago."),
        ("Global warming has continued, and each recent decade was warmer than the last.",
         "Global warming is speeding up."),
    ),
    "moon-landings-faked": (
        ("The Moon landings were staged by NASA.",
         "NASA faked the Apollo missions to the Moon.",
         "The Apollo Moon landing was a hoax."),
        ("The Apollo astronauts really walked on the Moon and brought back rocks.",
         "The Apollo Moon landings were genuine."),
    ),
    "earth-is-flat": (
        ("The world is flat, not round.",
         "Our planet is a flat disc.",
         "We live on a flat Earth."),
        ("The Earth is round.",
         "The Earth is an oblate spheroid, slightly wider at the equator."),
    ),
    "lightning-never-strikes-twice": (
        ("Lightning will not hit the same spot twice.",
         "The same location is never struck by lightning a second time.",
         "Lightning doesn't strike one place two times."),
        ("Tall buildings are struck by lightning many times a year.",
         "Lightning often strikes the same place twice."),
    ),
    "rubber-tires-protect-lightning": (
        ("In a car, the rubber tyres keep you safe from lightning.",
         "Rubber tires insulate you from lightning strikes.",
         "The rubber tires on your car shield you from lightning."),
        ("A car protects you from lightning because its metal shell carries the current "
         "around you.",
         "The metal frame of the car, rather than the rubber tires, protects you from "
         "lightning."),
    ),
    "earthquakes-predictable": (
        ("Seismologists know in advance when an earthquake will hit.",
         "Earthquakes can be forecast by experts.",
         "Scientists can predict when earthquakes will happen."),
        ("Earthquakes are unpredictable.",
         "Earthquakes strike without warning, even for seismologists."),
    ),
    "doorway-safest-earthquake": (
        ("In an earthquake, stand in a doorframe; it's the safest spot.",
         "Doorways are the most secure place to be in an earthquake.",
         "When the ground shakes, the safest place to stand is under a door frame."),
        ("In an earthquake, a doorway is more dangerous than getting under a sturdy table.",
         "Doorways offer little protection during an earthquake."),
    ),
    "open-windows-tornado": (
        ("Cracking the windows open in a tornado balances the air pressure and keeps the "
         "house standing.",
         "You should open your windows when a tornado hits so the pressure evens out and "
         "the house survives.",
         "Opening the windows equalizes the pressure during a tornado, which saves your "
         "home."),
        ("Opening windows during a tornado wastes precious time and lets debris fly in.",
         "Tornado damage comes from wind and debris, and open windows change nothing."),
    ),
    "overpass-tornado-shelter": (
        ("Hiding under a highway overpass will protect you from a tornado.",
         "Freeway overpasses give good shelter during tornadoes.",
         "If a tornado comes, an overpass is a safe place to shelter."),
        ("Highway overpasses are deadly places to shelter from a tornado.",
         "Overpasses act as wind tunnels that make tornado winds even stronger."),
    ),
    "vote-by-text": (
        ("In US elections, you can text your vote.",
         "Americans can send their ballot choices by SMS.",
         "Texting your choice to the election office counts as a vote in the US."),
        ("US election officials accept votes only in person or by mail.",
         "Text messages urging you to vote by SMS in US elections are a scam."),
    ),
    "ja-vaccines-autism": (
        ("ワクチンを打つと自閉症になります。",
         "予防接種のせいで子どもが自閉症になる。",
         "自閉症の原因はワクチンです。",
         "ワクチンを接種した子どもは自閉症になりやすい。",
         "予防注射が原因で自閉症になるんです。"),
        ("自閉症の原因は主に遺伝的な要因だと考えられています。",
         "ワクチンと自閉症を結びつける説は科学的に否定されています。",
         "ワクチンを接種した子どもと接種していない子どもで、自閉症の割合は同じでした。"),
    ),
    "ja-flu-vaccine-gives-flu": (
        ("インフルエンザの予防接種でインフルエンザになります。",
         "インフルエンザワクチンを接種するとインフルエンザに感染する。",
         "インフルのワクチンを打つと、インフルにかかってしまう。",
         "インフルエンザワクチンのせいでインフルエンザを発症する。",
         "インフルエンザの注射を受けるとインフルエンザにかかります。"),
        ("インフルエンザワクチンは不活化ワクチンなので、接種で感染することはありません。",
         "インフルエンザワクチンは重症化を防ぐ効果があります。",
         "インフルエンザワクチンを打っても、それが原因で発症することはない。"),
    ),
    "ja-5g-spreads-covid": (
        ("5Gの電波のせいで新型コロナが広まっています。",
         "新型コロナウイルスは5Gによって拡散されている。",
         "5G基地局が新型コロナを広げているのです。",
         "コロナウイルスが5Gの電波で感染拡大している。",
         "5Gの電波は新型コロナウイルスを広めている。"),
        ("ウイルスは電波では運ばれません。",
         "5Gが普及していない国でも新型コロナウイルスは広がりました。",
         "新型コロナウイルスは人から人へ飛沫で広がるもので、5Gとは無関係です。"),
    ),
    "ja-antibiotics-cure-cold": (
        ("風邪をひいたら抗生物質を飲めば治る。",
         "抗生物質は風邪に効果がある。",
         "風邪には抗菌薬が効きます。",
         "風邪を治すには抗生物質が一番だ。",
         "抗生物質を飲むと風邪が早く治る。"),
        ("風邪の原因の多くはウイルスなので、抗生物質は効きません。",
         "抗生物質は細菌に作用する薬で、ウイルスが原因の風邪には無効です。",
         "風邪に抗生物質を使っても効果はありません。"),
    ),
    "ja-heatstroke-indoors": (
        ("家の中にいれば熱中症にはならない。",
         "室内にいる限り熱中症の心配はない。",
         "屋内では熱中症になりません。",
         "熱中症は外でしか起こらない。",
         "部屋の中なら熱中症は起きない。"),
        ("熱中症は屋内でも多く発生しています。",
         "室内でも熱中症になることがあります。",
         "熱中症で搬送される人の多くは住宅の中で発症しています。"),
    ),
    "ja-cancer-contagious": (
        ("がんは他人に感染する。",
         "癌は人から人へうつります。",
         "ガンはうつる病気だ。",
         "がん患者と一緒にいるとがんがうつる。",
         "がんは伝染する。"),
        ("がんは感染症ではありません。",
         "がんは自分の細胞の変化によって起こる病気で、他人にうつるものではない。",
         "がん患者に触れてもがんはうつりません。"),
    ),
    "ja-earthquakes-predictable": (
        ("地震の発生は前もって予測できる。",
         "地震がいつ起きるかは予知することができる。",
         "専門家は地震を予知できます。",
         "大地震は事前に予知可能だ。",
         "地震の予知は可能である。"),
        ("地震を正確に予知することは不可能です。",
         "現在の科学では地震の予知はできません。",
         "地震の発生時期を前もって知ることは難しいとされています。"),
    ),
    "ja-metal-attracts-lightning": (
        ("金属のネックレスをしていると雷に打たれやすい。",
         "身につけた金属が雷を引き寄せる。",
         "時計などの金属を身に着けていると落雷にあいやすい。",
         "金属製のものを持っていると雷が落ちやすくなります。",
         "雷は金属に引き寄せられる。"),
        ("雷は金属ではなく高いところに落ちやすい。",
         "金属を外しても雷の危険は変わりません。",
         "雷が落ちる場所は、金属の有無よりも高さで決まります。"),
    ),
    "ja-moon-landings-faked": (
        ("アポロ計画の月面着陸はでっち上げだった。",
         "アポロの月着陸は嘘だった。",
         "アポロ11号の月面着陸はやらせだった。",
         "人類の月面着陸は捏造です。",
         "アポロの月面着陸はフェイクだ。"),
        ("アポロの宇宙飛行士は本当に月面に着陸しました。",
         "アポロの月面着陸は本物です。",
         "月面着陸が捏造だという説は根拠がありません。"),
    ),
    "ja-internet-voting": (
        ("国政選挙ではネットから投票できます。",
         "日本の選挙はオンラインで投票可能だ。",
         "日本では国政選挙の投票をインターネットで済ませられる。",
         "インターネット投票で日本の国政選挙に参加できる。",
         "日本の国政選挙はスマホで投票できるようになっている。"),
        ("日本の国政選挙では、ネット投票は導入されていません。",
         "国政選挙の投票は投票所か郵便で行います。",
         "日本の国政選挙でインターネット投票はできない。"),
    ),
    "ja-climate-change-hoax": (
        ("地球温暖化は作り話だ。",
         "温暖化はうそっぱちです。",
         "気候変動なんて捏造に決まっている。",
         "地球温暖化は科学者がでっち上げたものだ。",
         "地球温暖化は嘘です。"),
        ("地球温暖化は観測で確かめられた事実です。",
         "地球温暖化がでっち上げだというのは誤りです。",
         "地球温暖化は現実に起きています。"),
    ),
}
FRAMES_DEV2: tuple[str, ...] = (
    "My neighbour told me that {c}",
    "From everything I've seen, {c}",
    "I'm pretty sure {c}",
    "{C}, as far as I can tell",
    "The way I heard it, {c}",
    "Honestly, I think {c}",
)
FRAMES_JA_DEV2: tuple[str, ...] = (
    "聞いた話では、{c}", "知り合いによると、{c}", "ネットの記事によれば、{c}",
    "昔からよく言われることですが、{c}", "実際のところ、{c}", "母がよく言っていましたが、{c}",
)
REFUTING_FRAMES_DEV2: tuple[str, ...] = (
    "Researchers have dismissed the idea that {c}",
    "Experts reject the suggestion that {c}",
    "The evidence contradicts the idea that {c}",
    "The old story that {c} is just folklore",
    "There's zero evidence that {c}",
    "Contrary to claims that {c}, the evidence points the other way",
    "Anyone who tells you {c} is spreading a rumor",
    "Fact-checkers have labelled the claim that {c} a falsehood",
)
REFUTING_FRAMES_JA_DEV2: tuple[str, ...] = (
    "{c}という説は科学的に否定されています。",
    "{c}というのは根拠のない噂です。",
    "{c}と言われることがありますが、事実ではありません。",
    "{c}というのは都市伝説です。",
    "{c}という主張は誤った情報です。",
    "{c}というのは事実無根です。",
)
TOPICAL_DEV2: dict[str, tuple[str, ...]] = {
    "en": (
        "Vaccines go through years of safety testing before approval.",
        "Autism spectrum disorder affects how people communicate and interact.",
        "The flu vaccine is especially important for pregnant women and older adults.",
        "Measles vaccination has prevented millions of deaths.",
        "5G networks use higher frequencies than 4G networks.",
        "Doctors warn that alcohol can interact with many medicines.",
        "Antibiotic resistance grows when antibiotics are overused.",
        "Regular exercise lowers the risk of type 2 diabetes.",
        "Breast cancer screening can catch tumours early.",
        "Global temperatures have risen by about 1.1 degrees since pre-industrial times.",
        "NASA plans to send astronauts back to the Moon.",
        "The Earth is slightly wider at the equator than at the poles.",
        "Lightning kills a few dozen people in the United States each year.",
        "Earthquake early warning systems can give a few seconds of notice before shaking "
        "arrives.",
        "Tornado shelters are often built underground.",
        "Many states let voters track their mail ballots online.",
        "Sunscreen protects your skin from ultraviolet rays.",
        "Hot weather increases the risk of heat stroke.",
        "Cold weather can make asthma symptoms worse.",
    ),
    "ja": (
        "ワクチンの副反応として発熱が出ることがあります。",
        "インフルエンザは毎年冬に流行します。",
        "5Gの電波は4Gより高い周波数を使います。",
        "風邪をひいたら十分な休養をとりましょう。",
        "熱中症は高齢者に多く、屋外でも屋内でも注意が必要です。",
        "がんは日本人の死因の第一位です。",
        "地震が起きたら、まず身の安全を確保しましょう。",
        "雷は高い建物や木に落ちやすい。",
        "アポロ計画では6回の月面着陸が行われました。",
        "選挙の投票日には投票所で投票します。",
        "地球温暖化の主な原因は温室効果ガスです。",
    ),
}
# fmt: on


# --- the blind split ---------------------------------------------------------------------
# Written in one go and evaluated once. Claim id -> (conversational paraphrase, passive or
# reordered paraphrase, yes/no question, refutation); Japanese entries leave the question
# empty. None of these wordings appears in the dev or held-out tables above.
# fmt: off
BLIND: dict[str, tuple[str, str, str, str]] = {
    "vaccines-autism": (
        "Those routine shots babies get are the reason so many kids end up autistic.",
        "Autism in children is brought on by the vaccines they receive.",
        "Do childhood vaccines cause autism?",
        "Decades of research across many countries show vaccines play no role in "
        "autism.",
    ),
    "flu-vaccine-gives-flu": (
        "If you get your yearly flu jab, you'll come down with influenza from it.",
        "Influenza is given to people by the very vaccine meant to stop it.",
        "Can the influenza shot give you the flu?",
        "The injected flu shot contains no live virus, so it cannot infect you with "
        "flu.",
    ),
    "mrna-vaccine-changes-dna": (
        "Those new mRNA coronavirus shots end up modifying your genetic code.",
        "Your DNA gets altered by the mRNA vaccines for COVID.",
        "Do the mRNA COVID vaccines change a person's DNA?",
        "mRNA from the vaccine never reaches the nucleus, so your genes are left "
        "untouched.",
    ),
    "measles-harmless": (
        "Honestly, measles is no big deal, it's a mild bug every child gets.",
        "A case of measles is a harmless part of growing up for kids.",
        "Is measles basically a harmless childhood disease?",
        "Measles is a dangerous disease that still kills thousands of children every "
        "year.",
    ),
    "5g-spreads-covid": (
        "The coronavirus travels through the 5G signal from phone masts.",
        "COVID-19 is being transmitted by the new 5G phone networks.",
        "Is the coronavirus spread through 5G networks?",
        "Radio signals from 5G masts are incapable of carrying a virus.",
    ),
    "alcohol-protects-covid": (
        "Having a couple of strong drinks protects your body against the coronavirus.",
        "You are protected against COVID-19 if you drink alcohol regularly.",
        "Does drinking alcohol protect you from COVID-19?",
        "Alcohol offers no protection against COVID-19 and heavy drinking makes things "
        "worse.",
    ),
    "bleach-cures-covid": (
        "A small dose of disinfectant, drunk or injected, will cure the coronavirus.",
        "COVID-19 can be cured by drinking diluted bleach.",
        "Can injecting disinfectant cure COVID-19?",
        "Swallowing or injecting disinfectant is poisonous and does nothing against "
        "COVID-19.",
    ),
    "hot-weather-kills-covid": (
        "Once summer heat arrives, the warm temperatures will kill off the "
        "coronavirus.",
        "The coronavirus gets killed by hot weather and high temperatures.",
        "Does hot weather kill the coronavirus?",
        "COVID-19 has spread widely in hot and humid countries, so heat offers no "
        "protection.",
    ),
    "antibiotics-cure-viruses": (
        "When you have a viral infection like a cold, antibiotics will clear it up and cure "
        "it.",
        "Viral infections such as colds and flu are cured by antibiotics.",
        "Do antibiotics cure viral infections like colds and the flu?",
        "Antibiotics only work against bacteria and have no effect on cold or flu "
        "viruses.",
    ),
    "cold-weather-causes-colds": (
        "Going outside in chilly weather without a coat gives you a cold.",
        "Colds are caused by being out in the cold weather.",
        "Does cold weather cause the common cold?",
        "Colds come from viruses, not from low temperatures.",
    ),
    "vitamin-c-prevents-colds": (
        "Taking vitamin C every day keeps colds from happening.",
        "Colds are prevented by taking lots of vitamin C.",
        "Does taking vitamin C prevent colds?",
        "For most people, vitamin C supplements make no difference to whether they catch a "
        "cold.",
    ),
    "hiv-mosquitoes": (
        "A mosquito that bites an infected person can pass HIV on to you.",
        "HIV is transmitted to people through mosquito bites.",
        "Can mosquito bites spread HIV?",
        "Mosquitoes cannot transmit HIV; the virus does not survive in the insect.",
    ),
    "sugar-causes-type1-diabetes": (
        "Kids who eat lots of sweets end up with type 1 diabetes because of all that "
        "sugar.",
        "Type 1 diabetes is brought on by eating too much sugar.",
        "Does eating too much sugar cause type 1 diabetes?",
        "Type 1 diabetes is an autoimmune condition and has nothing to do with sugar "
        "intake.",
    ),
    "microwave-food-radioactive": (
        "When you heat something in the microwave, the food turns radioactive.",
        "Microwaved food is made radioactive by the oven.",
        "Does microwaving food make it radioactive?",
        "Microwave ovens heat food with radio waves and leave no radioactivity behind.",
    ),
    "cancer-contagious": (
        "You can pick up cancer from a person who has it, because it's contagious.",
        "Cancer is passed from one person to another like an infection.",
        "Is cancer contagious?",
        "Cancer cannot be caught from another person.",
    ),
    "sugar-feeds-cancer": (
        "Every bit of sugar you eat feeds the tumour and speeds up the cancer's "
        "growth.",
        "Cancer is made to grow faster by eating sugar.",
        "Does eating sugar make cancer grow faster?",
        "Cutting out sugar does not slow the growth of cancer.",
    ),
    "antiperspirants-breast-cancer": (
        "Putting antiperspirant under your arms every day can give you breast cancer.",
        "Breast cancer is caused by using deodorants and antiperspirants.",
        "Do antiperspirants cause breast cancer?",
        "Studies have found no link between antiperspirant use and breast cancer.",
    ),
    "cell-phones-cause-cancer": (
        "Holding your smartphone to your ear all day gives you brain cancer.",
        "Brain tumours are caused by using mobile phones.",
        "Do cell phones cause brain cancer?",
        "Large studies have not found that mobile phone use raises the risk of brain "
        "cancer.",
    ),
    "herbs-cure-cancer": (
        "The right mix of herbal remedies can cure cancer completely.",
        "Cancer can be cured using herbs and herbal remedies.",
        "Can herbal remedies cure cancer?",
        "No herbal remedy has been shown to cure cancer.",
    ),
    "climate-change-hoax": (
        "This whole climate change business is just a hoax to scare people.",
        "Global warming was invented as a hoax by scientists.",
        "Is climate change a hoax?",
        "Climate change is real and confirmed by measurements from around the world.",
    ),
    "warming-caused-by-sun": (
        "The warming we see these days is really just caused by the Sun.",
        "Current global warming is being caused by the Sun.",
        "Is current global warming caused by the Sun?",
        "Solar activity has been flat or falling while the planet has warmed.",
    ),
    "co2-does-not-affect-climate": (
        "The carbon dioxide that humans put into the air doesn't affect the climate at "
        "all.",
        "The climate is not affected by carbon dioxide emitted by humans.",
        "",
        "Carbon dioxide from human activity is the main driver of recent climate "
        "change.",
    ),
    "global-warming-stopped": (
        "Global warming actually stopped a number of years ago.",
        "Years ago, global warming came to a stop.",
        "Did global warming stop years ago?",
        "Global temperatures have kept rising, and warming has continued.",
    ),
    "moon-landings-faked": (
        "Those Apollo moon landings were all faked on a film set.",
        "The Apollo landings on the Moon were faked by NASA.",
        "Were the Apollo Moon landings faked?",
        "Twelve astronauts walked on the Moon during the Apollo program.",
    ),
    "earth-is-flat": (
        "The planet we live on is flat like a disc.",
        "Flat is what the Earth really is.",
        "Is the Earth flat?",
        "The Earth is round, as photos from space clearly show.",
    ),
    "lightning-never-strikes-twice": (
        "Once lightning has struck a spot, it never strikes that same place twice.",
        "The same place is never struck twice by lightning.",
        "",
        "Tall buildings get hit by lightning many times a year.",
    ),
    "rubber-tires-protect-lightning": (
        "In a storm, your car's rubber tyres are what protect you from lightning.",
        "You are protected from lightning by the rubber tires of your car.",
        "Do a car's rubber tires protect you from lightning?",
        "The metal body of a car protects you from lightning, and the tires play no "
        "part.",
    ),
    "earthquakes-predictable": (
        "Seismologists can predict earthquakes before they hit.",
        "Earthquakes can be predicted in advance by scientists.",
        "Can scientists predict earthquakes?",
        "Nobody can predict the time and place of an earthquake.",
    ),
    "doorway-safest-earthquake": (
        "When an earthquake starts, the safest place to stand is in a doorway.",
        "In an earthquake, a doorway is the safest place to stand.",
        "Is standing in a doorway the safest place during an earthquake?",
        "In modern houses, doorways are no stronger than any other part of the house.",
    ),
    "open-windows-tornado": (
        "If a tornado is coming, open the windows so the pressure equalizes and the house "
        "survives.",
        "The house is saved by opening windows during a tornado to equalize the "
        "pressure.",
        "Does opening windows during a tornado equalize pressure and save the "
        "house?",
        "Opening windows wastes time during a tornado and does not save a house.",
    ),
    "overpass-tornado-shelter": (
        "If a tornado catches you on the road, a highway overpass is a safe "
        "shelter.",
        "Safe shelter from tornadoes can be found under highway overpasses.",
        "Are highway overpasses safe shelters from tornadoes?",
        "Overpasses can funnel tornado winds and are dangerous places to shelter.",
    ),
    "vote-by-text": (
        "You can cast your vote in US elections by sending a text message.",
        "Votes in US elections can be cast by text message.",
        "Can you vote in US elections by text message?",
        "No US state accepts votes sent by text message.",
    ),
    "ja-vaccines-autism": (
        "赤ちゃんのころに打つワクチンのせいで自閉症になる。",
        "自閉症はワクチン接種によって引き起こされる。",
        "",
        "ワクチンと自閉症の間に関連は見つかっていません。",
    ),
    "ja-flu-vaccine-gives-flu": (
        "インフルエンザの予防接種をするとインフルエンザにかかってしまう。",
        "インフルエンザワクチンを打つと、かえってインフルエンザにかかる。",
        "",
        "インフルエンザワクチンでインフルエンザを発症することはありません。",
    ),
    "ja-5g-spreads-covid": (
        "新型コロナウイルスは5Gの電波を通じて広がっている。",
        "5Gの電波のせいで新型コロナウイルスが広がっている。",
        "",
        "ウイルスが電波に乗って広がることはありません。",
    ),
    "ja-antibiotics-cure-cold": (
        "風邪をひいたときは抗生物質がよく効く。",
        "抗生物質は風邪によく効く。",
        "",
        "抗生物質は風邪の原因となるウイルスには効果がありません。",
    ),
    "ja-heatstroke-indoors": (
        "家の中にいれば熱中症は起こらない。",
        "屋内では熱中症は起こらないものだ。",
        "",
        "熱中症の多くは屋内で発生しています。",
    ),
    "ja-cancer-contagious": (
        "がんは一緒に暮らす人にうつる。",
        "がんという病気は人にうつる。",
        "",
        "がんが人から人へうつることはありません。",
    ),
    "ja-earthquakes-predictable": (
        "地震はいつ起きるか事前に予知できる。",
        "地震の発生は予知できる。",
        "",
        "現在の科学では地震の日時や場所を予知することはできません。",
    ),
    "ja-metal-attracts-lightning": (
        "金属のアクセサリーを身につけていると雷が落ちやすい。",
        "雷は金属を身につけた人に落ちやすい。",
        "",
        "金属を身につけているかどうかで雷の落ちやすさは変わりません。",
    ),
    "ja-moon-landings-faked": (
        "アポロの月面着陸はすべて捏造だった。",
        "月面着陸はアポロ計画の捏造だった。",
        "",
        "アポロ計画で宇宙飛行士は実際に月面に着陸しました。",
    ),
    "ja-internet-voting": (
        "日本の国政選挙ではインターネットで投票できる。",
        "国政選挙の投票はインターネットでできる。",
        "",
        "日本の国政選挙では、インターネットでの投票は認められていません。",
    ),
    "ja-climate-change-hoax": (
        "地球温暖化というのはでっち上げだ。",
        "温暖化の話はでっち上げだ。",
        "",
        "地球温暖化は観測データによって裏付けられています。",
    ),
}

# True statements on the claims' topics, written for this split.
TOPICAL_BLIND: dict[str, tuple[str, ...]] = {
    "en": (
        "Vaccines are tested in large clinical trials before they are approved.",
        "Children with autism often benefit from early support at school.",
        "The flu shot is recommended every autumn for older adults.",
        "COVID-19 vaccines were developed using mRNA technology.",
        "Measles spreads through the air and is highly contagious.",
        "Washing your hands helps stop the spread of colds and flu.",
        "Doctors prescribe antibiotics for bacterial infections like pneumonia.",
        "Mosquito nets help protect people from malaria.",
        "People with type 1 diabetes need insulin every day.",
        "A microwave oven heats food quickly by exciting water molecules.",
        "Eating a balanced diet lowers the risk of some cancers.",
        "Smoking is the leading cause of lung cancer.",
        "Climate change is making heatwaves more frequent.",
        "The Sun is a medium-sized star about 150 million kilometres away.",
        "Burning coal releases large amounts of carbon dioxide.",
        "The Apollo missions brought back hundreds of kilograms of Moon rock.",
        "The Earth's surface is about seventy percent water.",
        "Lightning can heat the air to about 30,000 degrees.",
        "Scientists can estimate the long-term probability of earthquakes in a "
        "region.",
        "During a tornado, go to a basement or an interior room without windows.",
        "In US elections, most states let you register to vote online.",
        "You can check the status of your mail ballot on your state's election "
        "website.",
    ),
    "ja": (
        "ワクチンは承認される前に臨床試験で安全性が確認されます。",
        "インフルエンザの予防接種は毎年秋に受けるのがおすすめです。",
        "風邪の多くはウイルスが原因です。",
        "がん検診を定期的に受けることが大切です。",
        "雷が鳴り始めたら、すぐに頑丈な建物に避難しましょう。",
        "地球温暖化の対策として再生可能エネルギーの利用が進んでいます。",
    ),
}

FRAMES_BLIND: tuple[str, ...] = (
    "In most cases, {c}",
    "For what it's worth, {c}",
    "My aunt swears by this: {c}",
    "{C}, at least that's what my doctor told me",
    "A lot of parents I talk to are convinced that {c}, which is why they keep asking me "
    "about it",
    "After reading several forum threads last night, I came away thinking that {c}",
    "The documentary I watched over the weekend argued at length that {c}, and it made a "
    "persuasive case",
    "Speaking as someone who has followed this topic for years, I would say that {c}",
)
AFFIRMATIONS_BLIND: tuple[str, ...] = ("Yes.", "Yes, absolutely.", "Yes, that's right.")
REFUTING_FRAMES_BLIND: tuple[str, ...] = (
    "You may have heard that {c}, but that is simply not the case",
    "I used to think that {c}, until I learned it is untrue",
    "Scientists have thoroughly rejected the idea that {c}",
    "Nothing supports the belief that {c}",
)
DENIALS_BLIND: tuple[str, ...] = ("No.", "No, that's a myth.", "Not at all.")
FRAMES_JA_BLIND: tuple[str, ...] = (
    "ネットで読んだのですが、{c}",
    "{c}と友人から聞きました。",
    "専門家ではありませんが、{c}と思います。",
)
REFUTING_FRAMES_JA_BLIND: tuple[str, ...] = (
    "{c}という話がありますが、根拠はありません。",
    "{c}と信じている人もいますが、それは誤解です。",
)
# fmt: on


def blind_positives(rng: random.Random) -> Iterator[tuple[str, str, str, str]]:
    """(family, claim id, language, text) of the blind split's positives."""
    for claim in load_claims():
        cid, lang = claim["id"], claim["language"]
        paraphrase, passive, question, _ = BLIND[cid]
        if lang == "ja":
            yield "blind", cid, lang, _sentence("{c}", paraphrase, lang)
            yield "blind", cid, lang, _sentence("{c}", passive, lang)
            for frame in rng.sample(FRAMES_JA_BLIND, 2):
                yield "blind", cid, lang, _sentence(frame, rng.choice((paraphrase, passive)), lang)
            continue
        yield "blind", cid, lang, _sentence("{C}", paraphrase, lang)
        yield "blind", cid, lang, _sentence("{C}", passive, lang)
        for frame in rng.sample(FRAMES_BLIND, 2):
            yield "blind", cid, lang, _sentence(frame, rng.choice((paraphrase, passive)), lang)
        if question:
            yield "blind-question", cid, lang, f"{question} {rng.choice(AFFIRMATIONS_BLIND)}"


def blind_negatives(rng: random.Random) -> Iterator[tuple[str, str | None, str, str]]:
    """(family, claim id or None, language, text) of the blind split's negatives."""
    for claim in load_claims():
        cid, lang = claim["id"], claim["language"]
        paraphrase, passive, question, refutation = BLIND[cid]
        yield "refute", cid, lang, refutation
        if lang == "ja":
            frame = rng.choice(REFUTING_FRAMES_JA_BLIND)
            yield "refute", cid, lang, _sentence(frame, rng.choice((paraphrase, passive)), lang)
            continue
        for frame in rng.sample(REFUTING_FRAMES_BLIND, 2):
            yield "refute", cid, lang, _sentence(frame, rng.choice((paraphrase, passive)), lang)
        if question:
            yield "refute", cid, lang, f"{question} {rng.choice(DENIALS_BLIND)}"
    for lang, sentences in TOPICAL_BLIND.items():
        for sentence in sentences:
            yield "topical", None, lang, sentence


# --- the second blind split (blind2) --------------------------------------------------
# Written in one go after the matcher changes tuned on dev2 were frozen, and evaluated
# once. Claim id -> (rewordings, refutations). Rewordings: conversational, passive and
# explanatory paraphrases (Japanese: plain and polite endings, other verbs and spellings);
# refutations: counter-facts about the same subject and statements that set the claim
# aside, many without a negation word. None of these wordings appears in an earlier table.
# fmt: off
BLIND2: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "vaccines-autism": (
        ("Parents should know that the jabs kids get are what make them autistic.",
         "There is a direct causal link between childhood immunizations and autism.",
         "Autism is one of the side effects of vaccinating your children."),
        ("Autism begins developing in the womb, long before a child receives any vaccine.",
         "Scientists have ruled out vaccines as a cause of autism.",
         "The supposed connection between vaccines and autism came from a retracted, "
         "fraudulent study."),
    ),
    "flu-vaccine-gives-flu": (
        ("If you get the flu shot, you'll end up sick with the flu.",
         "Influenza is actually caused by the influenza vaccine.",
         "The seasonal flu jab infects people with the very virus it targets."),
        ("The flu shot contains only inactivated virus, so it can't give you the flu.",
         "Mild aches after the flu vaccine are a sign of immunity building up, and the "
         "vaccine protects you from the flu.",
         "Doctors stress that the influenza vaccine prevents flu rather than causing it."),
    ),
    "mrna-vaccine-changes-dna": (
        ("Getting an mRNA COVID shot permanently alters your genetic code.",
         "Your DNA is modified by the mRNA coronavirus vaccines.",
         "The mRNA vaccines for COVID-19 rewrite the DNA inside your cells."),
        ("mRNA from COVID-19 vaccines is broken down within days and never reaches your DNA.",
         "Your DNA stays intact after an mRNA COVID vaccine.",
         "Geneticists have dismissed fears that mRNA vaccines alter human DNA."),
    ),
    "measles-harmless": (
        ("Measles is a harmless rite of passage for kids.",
         "There's nothing dangerous about children catching measles.",
         "For most children, measles is just a mild and harmless illness."),
        ("Measles is a dangerous disease that can cause brain damage in children.",
         "Measles killed over a hundred thousand children last year.",
         "Calling measles a harmless childhood illness ignores the thousands of deaths it "
         "causes each year."),
    ),
    "5g-spreads-covid": (
        ("The coronavirus is being transmitted through 5G mobile networks.",
         "5G phone towers are what spread COVID-19 around the world.",
         "COVID-19 was spread by the rollout of 5G networks."),
        ("COVID-19 spreads between people through the air, and radio waves from 5G networks "
         "play no part in it.",
         "Countries without any 5G coverage had large COVID-19 outbreaks.",
         "Health agencies have debunked the idea that 5G networks spread COVID-19."),
    ),
    "alcohol-protects-covid": (
        ("Drinking plenty of alcohol will protect you from catching COVID-19.",
         "A few shots of vodka protect the body against the coronavirus.",
         "Alcohol is a good defence against COVID-19 if you drink it regularly."),
        ("Heavy drinking weakens your immune defences and raises your risk from COVID-19.",
         "Alcohol offers no protection against COVID-19.",
         "Drinking alcohol makes you more susceptible to COVID-19, not less."),
    ),
    "bleach-cures-covid": (
        ("You can cure COVID-19 by drinking a small amount of bleach.",
         "Injecting disinfectant into the body is an effective cure for COVID-19.",
         "COVID-19 can be treated by swallowing diluted bleach."),
        ("Drinking bleach is poisonous and can kill you; it is no cure for COVID-19.",
         "Disinfectant belongs on surfaces, and injecting it into the body is "
         "life-threatening.",
         "Poison control centres warn that swallowing disinfectant causes severe harm rather "
         "than curing COVID-19."),
    ),
    "hot-weather-kills-covid": (
        ("Hot summer weather kills the coronavirus.",
         "The coronavirus can't survive in high temperatures.",
         "Heat destroys COVID-19, so it will disappear when the weather gets hot."),
        ("COVID-19 spread quickly in hot countries like Brazil and India.",
         "The coronavirus survives in hot weather just as it does in cold weather.",
         "Warm temperatures have little effect on the coronavirus."),
    ),
    "antibiotics-cure-viruses": (
        ("A course of antibiotics will cure a cold or the flu.",
         "Viral infections like the common cold are cured by antibiotics.",
         "Doctors should prescribe antibiotics because they cure viral infections such as "
         "flu."),
        ("Antibiotics only kill bacteria, so they are useless against colds and flu.",
         "Taking antibiotics for a viral infection such as flu only breeds resistant "
         "bacteria.",
         "Colds and flu are caused by viruses, which antibiotics cannot treat."),
    ),
    "cold-weather-causes-colds": (
        ("Going outside with wet hair in cold weather gives you a cold.",
         "Chilly weather is the main cause of the common cold.",
         "If you get cold, you'll catch a cold."),
        ("Colds are caused by viruses, not by cold weather.",
         "People catch more colds in winter because they spend more time indoors together.",
         "Being cold does not give you a cold; a virus does."),
    ),
    "vitamin-c-prevents-colds": (
        ("Vitamin C supplements prevent the common cold.",
         "Take vitamin C every day and you won't get colds.",
         "Colds can be prevented by taking plenty of vitamin C."),
        ("Large trials found that vitamin C does not prevent colds in ordinary people.",
         "Vitamin C at most shortens a cold by a few hours.",
         "Researchers have rejected the belief that vitamin C wards off colds."),
    ),
    "hiv-mosquitoes": (
        ("Mosquitoes can transmit HIV when they bite people.",
         "HIV is passed on through mosquito bites.",
         "You can catch HIV if a mosquito bites you."),
        ("HIV cannot survive or multiply inside a mosquito.",
         "Mosquitoes digest the blood they take and do not inject it into the next person.",
         "Health experts have ruled out mosquitoes as a route of HIV transmission."),
    ),
    "sugar-causes-type1-diabetes": (
        ("Children who eat lots of sugar develop type 1 diabetes.",
         "A diet full of sugar is what causes type 1 diabetes.",
         "Type 1 diabetes is the result of eating too many sweets."),
        ("Type 1 diabetes happens when the immune system destroys insulin-making cells.",
         "Sugar intake has nothing to do with developing type 1 diabetes.",
         "Type 1 diabetes is an autoimmune disease, while too much sugar is linked to "
         "type 2."),
    ),
    "microwave-food-radioactive": (
        ("Microwaved food becomes radioactive.",
         "Cooking your food in a microwave makes it radioactive.",
         "Microwave ovens make the food inside them radioactive."),
        ("Microwaves heat food without making it radioactive.",
         "Microwaved food is perfectly safe to eat and contains no radiation.",
         "Microwave ovens use non-ionizing waves that leave food free of radioactivity."),
    ),
    "cancer-contagious": (
        ("Cancer is a contagious disease.",
         "You can catch cancer from someone who has it.",
         "Cancer spreads from one person to another like a cold."),
        ("Cancer cannot be passed from person to person.",
         "You can hug, kiss and share meals with someone who has cancer without any risk of "
         "catching it.",
         "Cancer arises from mutations in a person's own cells and is not infectious."),
    ),
    "sugar-feeds-cancer": (
        ("Sugar makes tumours grow faster.",
         "Cancer cells feed on sugar, so eating sugar speeds up cancer.",
         "Eating sweets fuels the growth of cancer."),
        ("Cutting sugar from your diet won't slow a tumour's growth.",
         "All cells, cancerous or healthy, use glucose, and dietary sugar has no special "
         "effect on tumour growth.",
         "Oncologists call the idea that sugar feeds cancer an oversimplification."),
    ),
    "antiperspirants-breast-cancer": (
        ("Antiperspirant use causes breast cancer.",
         "Deodorants are linked to breast cancer in women.",
         "Breast cancer is triggered by the chemicals in antiperspirants."),
        ("Large studies have found no link between antiperspirants and breast cancer.",
         "The rumour that deodorants cause breast cancer has been investigated and found "
         "baseless.",
         "Women who use antiperspirants are no more likely to get breast cancer than women "
         "who don't."),
    ),
    "cell-phones-cause-cancer": (
        ("Radiation from cell phones causes brain cancer.",
         "Talking on a mobile phone for hours gives you brain tumours.",
         "Brain tumours are caused by smartphone use."),
        ("Brain cancer rates have stayed flat even as mobile phone use soared.",
         "The radio waves from cell phones are too weak to damage DNA or cause brain cancer.",
         "Experts have found no convincing evidence that mobile phones cause brain tumours."),
    ),
    "herbs-cure-cancer": (
        ("Herbal remedies can cure cancer without any need for chemotherapy.",
         "Cancer can be healed naturally with herbs.",
         "Certain herbs are a cure for cancer."),
        ("Patients who rely on herbal remedies instead of treatment die sooner.",
         "No herbal remedy has ever been shown to cure cancer.",
         "Herbal products can interfere with chemotherapy and are not a cure for cancer."),
    ),
    "climate-change-hoax": (
        ("Climate change is a hoax dreamed up by scientists.",
         "The whole idea of global warming is a fraud.",
         "Global warming is fake."),
        ("Climate change is real and is confirmed by decades of measurements.",
         "Every major scientific organisation accepts that climate change is happening.",
         "Calling global warming a hoax ignores overwhelming evidence."),
    ),
    "warming-caused-by-sun": (
        ("The Sun is to blame for the current global warming.",
         "Today's global warming is the result of increased solar activity.",
         "The warming we see today is caused by the Sun."),
        ("Solar activity has declined slightly since the 1980s while global temperatures kept "
         "rising.",
         "The current warming is driven by greenhouse gases, not by the Sun.",
         "If the Sun were responsible, the upper atmosphere would be warming too, but it is "
         "cooling."),
    ),
    "co2-does-not-affect-climate": (
        ("Carbon dioxide from human activity has no effect on the climate.",
         "Human CO2 emissions do not change the climate.",
         "The carbon dioxide we emit doesn't affect the climate at all."),
        ("Carbon dioxide emitted by people traps heat and warms the climate.",
         "Human CO2 emissions are the main reason the climate is changing.",
         "Physicists have known since the 1800s that carbon dioxide affects the climate."),
    ),
    "global-warming-stopped": (
        ("Global warming came to an end years ago.",
         "The planet hasn't warmed for years; global warming has stopped.",
         "Global warming paused many years ago."),
        ("The last ten years were the hottest ever recorded, so global warming is continuing.",
         "Global warming has not paused; the oceans keep absorbing more heat.",
         "The apparent slowdown in global warming in the 2000s turned out to be a measurement "
         "artifact."),
    ),
    "moon-landings-faked": (
        ("NASA faked the Apollo Moon landings.",
         "The Moon landings were filmed on a set and never really happened.",
         "The Apollo astronauts never actually landed on the Moon."),
        ("Independent observatories tracked the Apollo missions all the way to the Moon.",
         "The Apollo astronauts left reflectors on the Moon that scientists still use today.",
         "The Moon landings were genuine achievements witnessed by millions."),
    ),
    "earth-is-flat": (
        ("The Earth is a flat disc, not a globe.",
         "We live on a flat planet.",
         "The world is flat."),
        ("The Earth is a sphere, as photos from space clearly show.",
         "Ships disappear hull-first over the horizon because the Earth is curved.",
         "Circumnavigating the globe would be impossible if the Earth were flat."),
    ),
    "lightning-never-strikes-twice": (
        ("Lightning never hits the same spot twice.",
         "Once lightning has struck a place, it won't strike there again.",
         "The same place is never struck by lightning twice."),
        ("Tall towers are struck by lightning again and again.",
         "Lightning frequently strikes the same place more than once.",
         "Lightning can hit the same spot twice, and often does."),
    ),
    "rubber-tires-protect-lightning": (
        ("The rubber tyres on a car protect you from lightning.",
         "You're safe from lightning in a car because its rubber tires insulate you.",
         "A car's rubber tires keep lightning from hurting you."),
        ("It is the car's metal body, not its tires, that protects you from lightning.",
         "Lightning can jump across rubber tires easily, so they give no protection.",
         "A car protects you from lightning because the metal shell conducts the current "
         "around you."),
    ),
    "earthquakes-predictable": (
        ("Scientists are able to predict when an earthquake will happen.",
         "Earthquakes can be forecast in advance.",
         "Experts can tell exactly when an earthquake is coming."),
        ("Nobody can predict the exact time of an earthquake.",
         "Earthquakes strike without warning.",
         "Seismologists can only give long-term probabilities, not predictions of when a "
         "quake will hit."),
    ),
    "doorway-safest-earthquake": (
        ("During an earthquake, the safest place to stand is in a doorway.",
         "Standing under a doorframe is the safest thing to do in an earthquake.",
         "In an earthquake, you should head for a doorway because it is the safest spot."),
        ("In an earthquake, you are safer under a sturdy table than in a doorway.",
         "Modern doorways are no stronger than other parts of the house, so they are not a "
         "safe place in an earthquake.",
         "Emergency agencies advise against running to a doorway during an earthquake."),
    ),
    "open-windows-tornado": (
        ("Opening your windows during a tornado equalizes the pressure and saves your house.",
         "To save your house from a tornado, open the windows so the pressure equalizes.",
         "Open windows let the pressure equalize during a tornado, which keeps the house from "
         "exploding."),
        ("Opening windows during a tornado wastes time and does nothing to save the house.",
         "Houses are destroyed by wind and debris, not by pressure differences.",
         "Meteorologists say opening windows before a tornado is a myth that puts people at "
         "risk."),
    ),
    "overpass-tornado-shelter": (
        ("A highway overpass is a safe place to shelter from a tornado.",
         "If you're caught in a tornado, shelter under a highway overpass.",
         "Highway overpasses offer safe shelter during tornadoes."),
        ("Highway overpasses turn into wind tunnels and are among the worst places to shelter "
         "from a tornado.",
         "Sheltering under an overpass during a tornado is extremely dangerous.",
         "The National Weather Service warns people never to use an overpass as a tornado "
         "shelter."),
    ),
    "vote-by-text": (
        ("In US elections, voters can send their vote by text message.",
         "Americans can vote in elections by texting.",
         "US elections accept votes sent by SMS."),
        ("No US state lets you vote by text message.",
         "Votes in US elections must be cast in person or by mail.",
         "Election officials warn that messages offering to take your vote by text are a "
         "scam."),
    ),
    "ja-vaccines-autism": (
        ("ワクチンを接種すると自閉症を発症します。",
         "自閉症はワクチンが原因で起こる。",
         "予防接種を受けた子どもは自閉症になる。",
         "子どもが自閉症になったのはワクチンのせいだ。"),
        ("自閉症とワクチン接種の間に因果関係は認められていません。",
         "大規模な調査で、ワクチンを接種した子どもとしていない子どもの自閉症の割合は変わりませんでした。",
         "ワクチンが自閉症を引き起こすという説は、撤回された論文がもとになっています。"),
    ),
    "ja-flu-vaccine-gives-flu": (
        ("インフルエンザワクチンを打てばインフルエンザにかかります。",
         "インフルエンザの予防接種を受けると、インフルエンザを発症してしまう。",
         "インフルエンザワクチンが原因でインフルエンザになる。",
         "インフルエンザワクチンの接種でインフルエンザに感染します。"),
        ("インフルエンザワクチンには感染力がないため、接種してもインフルエンザにはなりません。",
         "インフルエンザワクチンはインフルエンザの重症化を防ぎます。",
         "ワクチンでインフルエンザにかかるというのは誤解です。"),
    ),
    "ja-5g-spreads-covid": (
        ("新型コロナウイルスは5Gの電波を通して広まっている。",
         "5Gの基地局がコロナを拡散させている。",
         "5G電波が新型コロナの感染を広げています。",
         "コロナが広がったのは5Gのせいだ。"),
        ("ウイルスが電波に乗って移動することはありません。",
         "5Gが導入されていない地域でも新型コロナは流行しました。",
         "5Gと新型コロナの拡大を結びつける主張は根拠のない陰謀論です。"),
    ),
    "ja-antibiotics-cure-cold": (
        ("風邪を治すには抗生物質を飲むのが一番効く。",
         "抗生物質を飲めば風邪はすぐ治ります。",
         "抗生物質は風邪の治療に効果的です。",
         "風邪薬として抗生物質はよく効く。"),
        ("風邪の大半はウイルスによるもので、抗生物質は効きません。",
         "抗生物質は細菌にしか作用せず、風邪を治す力はありません。",
         "不要な抗生物質の使用は薬剤耐性菌を増やすだけです。"),
    ),
    "ja-heatstroke-indoors": (
        ("室内にいれば熱中症になることはない。",
         "家の中では熱中症は起きません。",
         "熱中症は屋外だけで起こり、屋内では起こらない。",
         "屋内で過ごしていれば熱中症の心配はありません。"),
        ("熱中症の多くは住宅の中で発生しています。",
         "エアコンを使わずに室内にいると熱中症になることがあります。",
         "高齢者は屋内でも熱中症になりやすいので注意が必要です。"),
    ),
    "ja-cancer-contagious": (
        ("がんは他人に感染する病気だ。",
         "がん患者からがんがうつる。",
         "がんは人から人へと伝染します。",
         "がんの人のそばにいると、がんがうつってしまう。"),
        ("がんは感染症ではないので、人にうつることはありません。",
         "がん患者と同じ部屋で過ごしても、がんがうつる心配はありません。",
         "がんは細胞の遺伝子の変化によって起こる病気です。"),
    ),
    "ja-earthquakes-predictable": (
        ("地震の発生は事前に予知することができます。",
         "科学者は地震を予測できる。",
         "地震がいつ来るかは前もって分かる。",
         "地震は予知が可能だ。"),
        ("現在の科学では、地震の発生時刻を正確に予知することはできません。",
         "地震の予知は今のところ不可能だと専門家は述べています。",
         "地震は前触れなく突然起こります。"),
    ),
    "ja-metal-attracts-lightning": (
        ("金属を身に着けていると雷に打たれやすくなる。",
         "ネックレスや時計など金属製のものを着けていると、雷が落ちてきやすい。",
         "金属のアクセサリーは雷を引き寄せる。",
         "金属類を身につけていると落雷の危険が高まる。"),
        ("雷は金属の有無に関係なく、高いところに落ちます。",
         "金属を外しても雷に打たれる危険は減りません。",
         "雷が金属に引き寄せられるというのは迷信です。"),
    ),
    "ja-moon-landings-faked": (
        ("アポロ計画の月面着陸は捏造されたものだ。",
         "アポロの月面着陸はスタジオで撮影されたやらせだった。",
         "人類が月に着陸したという話は作り話だ。",
         "アポロ11号の月面着陸はでっち上げです。"),
        ("アポロの宇宙飛行士が持ち帰った月の石は、今も世界中で研究されています。",
         "月面着陸が捏造だという主張は、多くの証拠によって否定されています。",
         "アポロ計画で人類は実際に月面に降り立ちました。"),
    ),
    "ja-internet-voting": (
        ("日本の国政選挙ではインターネットから投票できます。",
         "国政選挙の投票はネットで済ませることができる。",
         "日本では国政選挙にオンラインで投票することができる。",
         "スマホがあれば国政選挙に投票できる。"),
        ("日本の国政選挙では、インターネットを使った投票はまだ導入されていません。",
         "国政選挙の投票は、投票所か期日前投票、郵便などで行います。",
         "ネットで投票できるという情報は誤りです。"),
    ),
    "ja-climate-change-hoax": (
        ("地球温暖化は作り話です。",
         "温暖化は科学者によるでっち上げだ。",
         "気候変動なんて嘘っぱちだ。",
         "地球温暖化というのは捏造されたデータに基づくデマだ。"),
        ("地球温暖化は世界中の観測データで確認されている事実です。",
         "温暖化がでっち上げだという主張は科学的に否定されています。",
         "気温の上昇や氷河の縮小など、温暖化の証拠は数多くあります。"),
    ),
}
FRAMES_BLIND2: tuple[str, ...] = (
    "A friend of mine who works in a hospital says {c}",
    "I keep reading online that {c}",
    "Not many people realise it, but {c}",
    "{C}, which is why I stay careful",
    "In my experience, {c}",
    "The truth is that {c}",
    "According to a video I saw, {c}",
)
FRAMES_JA_BLIND2: tuple[str, ...] = (
    "友達から聞いたんだけど、{c}", "ネットで見たんですが、{c}", "医者の知り合いによれば、{c}",
    "意外かもしれませんが、{c}", "はっきり言って、{c}", "昔から言われているとおり、{c}",
)
REFUTING_FRAMES_BLIND2: tuple[str, ...] = (
    "Scientists have long since discarded the notion that {c}",
    "Fact-checkers rate the claim that {c} as false",
    "It's an old misunderstanding that {c}",
    "There is no scientific basis for saying that {c}",
    "Please don't believe people who tell you that {c}",
    "Research has overturned the idea that {c}",
    "Some websites still claim that {c}, but the evidence says otherwise",
)
REFUTING_FRAMES_JA_BLIND2: tuple[str, ...] = (
    "{c}という考えは、専門家によって否定されています。",
    "{c}と思っている人がいますが、これは間違いです。",
    "{c}という噂には科学的な裏付けがありません。",
    "{c}というのは根も葉もない話です。",
    "「{c}」という情報が出回っていますが、事実とは異なります。",
)
TOPICAL_BLIND2: dict[str, tuple[str, ...]] = {
    "en": (
        "Most vaccines are given in the first two years of life.",
        "Early signs of autism can include delayed speech.",
        "Flu season in the northern hemisphere usually peaks in winter.",
        "The mRNA in vaccines is wrapped in tiny fat particles.",
        "Measles outbreaks happen when vaccination rates fall.",
        "5G networks need more antennas than older networks.",
        "Hand sanitizer should contain at least 60 percent alcohol.",
        "Antibiotics should be taken exactly as prescribed.",
        "Type 1 diabetes is often diagnosed in childhood.",
        "Microwave ovens were invented in the 1940s.",
        "Cancer is one of the leading causes of death worldwide.",
        "Regular screening helps find breast cancer early.",
        "Some herbs, like St John's wort, interact with other medicines.",
        "Global sea levels have risen by about 20 centimetres since 1900.",
        "The Moon is about 384,000 kilometres from the Earth.",
        "Lightning is about five times hotter than the surface of the Sun.",
        "Most injuries in earthquakes are caused by falling objects.",
        "Tornado sirens warn people to take shelter immediately.",
        "Voters in some US states can return their ballots by mail.",
    ),
    "ja": (
        "ワクチンの接種スケジュールは自治体のウェブサイトで確認できます。",
        "インフルエンザは例年12月から3月に流行します。",
        "風邪をひいたときは、水分と睡眠をしっかりとりましょう。",
        "熱中症の予防には、室内でもこまめな水分補給が大切です。",
        "がん検診は早期発見に役立ちます。",
        "気象庁は緊急地震速報を発表しています。",
        "雷注意報が出たら、屋外での活動を控えましょう。",
        "アポロ11号の宇宙飛行士はアームストロングとオルドリンでした。",
        "国政選挙の投票率は年代によって大きく異なります。",
        "地球温暖化を防ぐため、各国が温室効果ガスの削減に取り組んでいます。",
    ),
}
# fmt: on


def _table_positives(
    family: str,
    table: dict[str, tuple[tuple[str, ...], tuple[str, ...]]],
    frames: tuple[str, ...],
    frames_ja: tuple[str, ...],
    rng: random.Random,
) -> Iterator[tuple[str, str, str, str]]:
    """(family, claim id, language, text): each rewording of a claim in `table`, alone and
    in one of the frames."""
    for claim in load_claims():
        cid, lang = claim["id"], claim["language"]
        bare = "{c}" if lang == "ja" else "{C}"
        for text in table[cid][0]:
            yield family, cid, lang, _sentence(bare, text, lang)
            chosen = rng.choice(frames_ja if lang == "ja" else frames)
            yield f"{family}-frame", cid, lang, _sentence(chosen, text, lang)


def _table_negatives(
    table: dict[str, tuple[tuple[str, ...], tuple[str, ...]]],
    refuting: tuple[str, ...],
    refuting_ja: tuple[str, ...],
    topical: dict[str, tuple[str, ...]],
    rng: random.Random,
) -> Iterator[tuple[str, str | None, str, str]]:
    """(family, claim id or None, language, text): each refutation in `table`, the claim
    or a rewording inside two refuting frames, and the topical statements."""
    for claim in load_claims():
        cid, lang = claim["id"], claim["language"]
        rewordings, refutations = table[cid]
        for text in refutations:
            yield "counter", cid, lang, text
        for frame in rng.sample(refuting_ja if lang == "ja" else refuting, 2):
            clause = rng.choice((claim["claim"], *rewordings))
            yield "refute", cid, lang, _sentence(frame, clause, lang)
    for lang, sentences in topical.items():
        for sentence in sentences:
            yield "topical", None, lang, sentence


_TAIL = re.compile(r"^(?P<head>.+?) (?P<tail>(?:during|in|by|from|against|with|on) [^,]+)$")


def load_claims() -> list[dict[str, str]]:
    """The shipped claims, in file order (id, claim, variants, language)."""
    out: list[dict[str, str]] = []
    for path in sorted(CLAIMS_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data["claims"]:
            out.append(item)
    return out


def _sentence(frame: str, clause: str, language: str) -> str:
    clause = clause.rstrip(".。")
    if language == "ja":
        text = frame.replace("{c}", clause).replace("{C}", clause)
        return text if text.endswith("。") else text + "。"
    lower = clause[0].lower() + clause[1:] if not clause[:2].isupper() else clause
    upper = clause[0].upper() + clause[1:]
    return frame.replace("{c}", lower).replace("{C}", upper) + "."


def swap_words(text: str, swaps: dict[str, tuple[str, ...]], rng: random.Random) -> str:
    """Replace every word that has a swap with one of its swaps."""

    def repl(m: re.Match[str]) -> str:
        word = m.group()
        choices = swaps.get(word.lower())
        return rng.choice(choices) if choices else word

    return re.sub(r"[A-Za-z]+", repl, text)


def reorder(text: str) -> str | None:
    """Move a trailing prepositional phrase to the front, or None if there is none."""
    m = _TAIL.match(text.rstrip("."))
    if m is None or len(m.group("tail").split()) < 2:
        return None
    head = m.group("head")
    head = head[0].lower() + head[1:] if not head[:2].isupper() else head
    tail = m.group("tail")
    return f"{tail[0].upper()}{tail[1:]}, {head}."


def _wrap(rng: random.Random, sentence: str, language: str) -> str:
    """Sometimes put the sentence inside a short answer."""
    if rng.random() < 0.5:
        return sentence
    if language == "ja":
        before = rng.choice(("ご質問ありがとうございます。", "お答えします。", ""))
        after = rng.choice(("ほかにご質問があればどうぞ。", "", "参考になれば幸いです。"))
    else:
        before = rng.choice(("Sure.", "Good question.", "Here is what I know.", ""))
        after = rng.choice(("Let me know if you have questions.", "", "I hope this helps."))
    return (
        " ".join(p for p in (before, sentence, after) if p)
        if language == "en"
        else (before + sentence + after)
    )


def positives(split: str, rng: random.Random) -> Iterator[tuple[str, str, str, str]]:
    """(family, claim id, language, text) of the positive records of a split."""
    for claim in load_claims():
        cid, lang = claim["id"], claim["language"]
        wordings = [claim["claim"], *claim.get("variants", [])]
        dev, heldout, _ = REWORDINGS[cid]
        if split == HELDOUT_FAMILY:
            frames = FRAMES_JA_HELDOUT if lang == "ja" else FRAMES_HELDOUT
            yield "heldout", cid, lang, _sentence("{C}", heldout, lang)
            for frame in rng.sample(frames, 3):
                text = heldout
                if lang == "en" and rng.random() < 0.5:
                    text = swap_words(heldout, SWAPS_HELDOUT, rng)
                yield "heldout", cid, lang, _sentence(frame, text, lang)
            continue
        if lang == "ja":
            for frame in FRAMES_JA_DEV:
                yield "frame", cid, lang, _sentence(frame, rng.choice(wordings), lang)
            yield "restate", cid, lang, _sentence(rng.choice(FRAMES_JA_DEV), dev, lang)
            continue
        for frame in rng.sample(FRAMES_DEV, 3):
            yield "frame", cid, lang, _sentence(frame, rng.choice(wordings), lang)
        for frame in rng.sample(HEDGES_DEV, 2):
            yield "hedge", cid, lang, _sentence(frame, rng.choice(wordings), lang)
        for _ in range(2):
            swapped = swap_words(rng.choice(wordings), SWAPS_DEV, rng)
            yield "synonym", cid, lang, _sentence(rng.choice(FRAMES_DEV), swapped, lang)
        moved = reorder(claim["claim"]) or reorder(dev)
        if moved is not None:
            yield "reorder", cid, lang, moved
        yield "restate", cid, lang, _sentence("{C}", dev, lang)
        yield "restate", cid, lang, _sentence(rng.choice(FRAMES_DEV), dev, lang)


def negatives(split: str, rng: random.Random) -> Iterator[tuple[str, str | None, str, str]]:
    """(family, claim id or None, language, text) of the negative records of a split."""
    for claim in load_claims():
        cid, lang = claim["id"], claim["language"]
        _, _, refutation = REWORDINGS[cid]
        yield "refute", cid, lang, refutation
        frames = REFUTING_FRAMES_JA if lang == "ja" else REFUTING_FRAMES
        count = 1 if lang == "ja" else (3 if split == "dev" else 2)
        for frame in rng.sample(frames, count):
            yield "refute", cid, lang, _sentence(frame, claim["claim"], lang)
        if split == "heldout" and lang == "en":
            yield "refute", cid, lang, f"{claim['claim']} This is a myth."
    for lang, sentences in TOPICAL.items():
        for sentence in sentences:
            yield "topical", None, lang, sentence


# --- the third tuning split (dev3): structure around a claim ---------------------------
# fmt: off
FRAMES_DEV3: tuple[str, ...] = (
    "I don't want to alarm you, but {c}",
    "It's not something doctors like to admit, but {c}",
    "Nobody tells you this, but {c}",
    "If you haven't heard yet, {c}",
    "Studies have confirmed the idea that {c}",
    "I can't stress this enough: {c}",
    "Few people know it, yet {c}",
    "New research backs up the theory that {c}",
)
FRAMES_JA_DEV3: tuple[str, ...] = (
    "信じられないかもしれませんが、{c}",
    "あまり知られていませんが、{c}",
    "誰も教えてくれないけど、{c}",
    "{c}という説が正しいことが確認されています",
    "知らない人も多いですが、{c}",
)
REFUTING_FRAMES_DEV3: tuple[str, ...] = (
    "Modern medicine has moved past the notion that {c}",
    "Doctors have set aside the old belief that {c}",
    "The data put to rest the theory that {c}",
    "Experts have abandoned the assumption that {c}",
    "Nothing backs up the claim that {c}",
    "People used to say {c}, but they were wrong",
    "{C}, but that idea has been thoroughly debunked",
)
REFUTING_FRAMES_JA_DEV3: tuple[str, ...] = (
    "{c}という考え方は、もう過去のものです",
    "{c}という説は最新の研究で覆されました",
    "専門家は{c}という見方を退けています",
    "{c}と言う人もいますが、それは誤解です",
)
# fmt: on


def dev3_positives(rng: random.Random) -> Iterator[tuple[str, str, str, str]]:
    """(family, claim id, language, text) of the dev3 split's positives."""
    for claim in load_claims():
        cid, lang = claim["id"], claim["language"]
        wordings = [claim["claim"], *claim.get("variants", [])]
        frames = FRAMES_JA_DEV3 if lang == "ja" else FRAMES_DEV3
        for frame in rng.sample(frames, 3):
            yield "dev3-frame", cid, lang, _sentence(frame, rng.choice(wordings), lang)


def dev3_negatives(rng: random.Random) -> Iterator[tuple[str, str | None, str, str]]:
    """(family, claim id or None, language, text) of the dev3 split's negatives."""
    for claim in load_claims():
        cid, lang = claim["id"], claim["language"]
        wordings = [claim["claim"], *claim.get("variants", [])]
        frames = REFUTING_FRAMES_JA_DEV3 if lang == "ja" else REFUTING_FRAMES_DEV3
        for frame in rng.sample(frames, 2):
            yield "report", cid, lang, _sentence(frame, rng.choice(wordings), lang)


# --- the third blind split (blind3) ---------------------------------------------------
# Written in one go after the matcher files tuned on dev3 were frozen; evaluated once.
# Claim id -> (a rewording, a refutation); none of them appears in an earlier table.
# fmt: off
BLIND3: dict[str, tuple[str, str]] = {
    "vaccines-autism": (
        "Kids who get their shots are more likely to turn out autistic.",
        "Autism rates rose no faster in vaccinated children than in unvaccinated ones in a "
        "study of over half a million kids."),
    "flu-vaccine-gives-flu": (
        "The flu jab itself leaves you with influenza.",
        "Soreness in the arm after a flu jab is the immune system responding, not an "
        "infection."),
    "mrna-vaccine-changes-dna": (
        "mRNA COVID jabs tamper with the genes in your cells.",
        "The mRNA in COVID vaccines never enters the cell nucleus where DNA is kept."),
    "measles-harmless": (
        "Measles is a minor, harmless illness for children.",
        "Before vaccination, measles killed millions of children every year."),
    "5g-spreads-covid": (
        "5G antennas are spreading the coronavirus.",
        "The virus spread in places that had no 5G at all."),
    "alcohol-protects-covid": (
        "A stiff drink protects you from COVID-19.",
        "Drinking alcohol weakens the body's defences against COVID-19."),
    "bleach-cures-covid": (
        "A little disinfectant taken by mouth cures COVID-19.",
        "Swallowing disinfectant poisons people and does nothing against COVID-19."),
    "hot-weather-kills-covid": (
        "High temperatures kill off the COVID-19 virus.",
        "COVID-19 kept spreading through the hottest months in the tropics."),
    "antibiotics-cure-viruses": (
        "Antibiotics cure viral illnesses like the flu.",
        "Antibiotics work on bacteria; colds and flu are caused by viruses."),
    "cold-weather-causes-colds": (
        "Chilly weather causes colds.",
        "Colds come from viruses that spread more indoors in winter."),
    "vitamin-c-prevents-colds": (
        "Vitamin C pills prevent you from catching colds.",
        "Large trials found vitamin C supplements did little to stop colds in ordinary "
        "people."),
    "hiv-mosquitoes": (
        "Mosquitoes can spread HIV when they bite.",
        "HIV dies inside a mosquito and is not passed on by its bite."),
    "sugar-causes-type1-diabetes": (
        "Type 1 diabetes is caused by eating too many sweets.",
        "Type 1 diabetes happens when the immune system destroys the cells that make "
        "insulin."),
    "microwave-food-radioactive": (
        "Food heated in a microwave becomes radioactive.",
        "Microwaves heat food by making water molecules move and leave nothing radioactive "
        "behind."),
    "cancer-contagious": (
        "Cancer can be passed on to you by someone who has it.",
        "Cancer cannot be passed from person to person like a cold."),
    "sugar-feeds-cancer": (
        "Eating sugar makes tumours grow faster.",
        "Cutting sugar from your diet does not slow a tumour's growth."),
    "antiperspirants-breast-cancer": (
        "Deodorants cause breast cancer.",
        "Large studies found no link between deodorant use and breast cancer."),
    "cell-phones-cause-cancer": (
        "Mobile phones cause brain tumours.",
        "Brain cancer rates stayed flat while mobile phone use soared."),
    "herbs-cure-cancer": (
        "Herbal medicine can cure cancer.",
        "Patients who choose herbal remedies instead of treatment die of cancer sooner."),
    "climate-change-hoax": (
        "Climate change is an invented hoax.",
        "Every major scientific body accepts that the climate is changing."),
    "warming-caused-by-sun": (
        "The Sun is causing current global warming.",
        "Solar output has fallen slightly since the 1980s while temperatures rose."),
    "co2-does-not-affect-climate": (
        "Human carbon dioxide emissions do not affect the climate.",
        "Carbon dioxide from burning fossil fuels traps heat and warms the planet."),
    "global-warming-stopped": (
        "Global warming stopped around the turn of the century.",
        "The last ten years were the warmest decade on record."),
    "moon-landings-faked": (
        "The Apollo Moon landings were faked in a studio.",
        "Reflectors left by Apollo astronauts are still used to bounce lasers off the Moon."),
    "earth-is-flat": (
        "Our planet is flat.",
        "Ships disappear hull first over the horizon because the Earth curves."),
    "lightning-never-strikes-twice": (
        "Lightning never strikes the same spot twice.",
        "The Empire State Building is hit by lightning about twenty times a year."),
    "rubber-tires-protect-lightning": (
        "A car's rubber tyres protect you from lightning.",
        "A car's metal body carries lightning around you into the ground; the tyres have "
        "nothing to do with it."),
    "earthquakes-predictable": (
        "Scientists can predict when earthquakes will hit.",
        "No one has ever predicted the time and place of a major earthquake."),
    "doorway-safest-earthquake": (
        "A doorway is the safest place to stand during an earthquake.",
        "In an earthquake, get under a sturdy table instead of running to a doorway."),
    "open-windows-tornado": (
        "Cracking the windows open as a tornado nears balances the pressure and keeps the "
        "house standing.",
        "Opening windows before a tornado wastes time and lets debris in."),
    "overpass-tornado-shelter": (
        "A highway overpass is a safe shelter from a tornado.",
        "Winds speed up under an overpass, which makes it a dangerous place in a tornado."),
    "vote-by-text": (
        "You can vote in US elections by sending a text message.",
        "US votes have to be cast in person, by mail or at a polling place."),
    "ja-vaccines-autism": (
        "予防接種を受けた子どもは自閉症になりやすい。",
        "大規模な調査で、ワクチンと自閉症の間に関連は見つかっていません。"),
    "ja-flu-vaccine-gives-flu": (
        "インフルエンザの予防接種を受けるとインフルエンザにかかってしまう。",
        "インフルエンザワクチンのウイルスは不活化されているので、感染することはありません。"),
    "ja-5g-spreads-covid": (
        "新型コロナは5Gの電波で広がっている。",
        "新型コロナは人から人へ飛沫で感染します。"),
    "ja-antibiotics-cure-cold": (
        "風邪は抗生物質を飲めばすぐに良くなる。",
        "風邪の多くはウイルスが原因で、抗生物質は細菌にしか効きません。"),
    "ja-heatstroke-indoors": (
        "建物の中にいる限り、熱中症は起きない。",
        "熱中症の多くは住宅の中で起きています。"),
    "ja-cancer-contagious": (
        "がんは他の人に感染する。",
        "がん患者と一緒に暮らしても、がんがうつることはありません。"),
    "ja-earthquakes-predictable": (
        "地震がいつ起きるかは予測できる。",
        "現在の科学では、地震の日時と場所を予知することはできません。"),
    "ja-metal-attracts-lightning": (
        "金属のアクセサリーを身につけると雷が落ちやすくなる。",
        "雷が落ちる場所を決めるのは、主に物の高さと周囲の地形です。"),
    "ja-moon-landings-faked": (
        "アポロの月着陸はスタジオで撮影された捏造だ。",
        "アポロの宇宙飛行士が持ち帰った月の石は世界中で研究されています。"),
    "ja-internet-voting": (
        "日本の国政選挙ではネットで投票できる。",
        "日本の国政選挙では、投票所か郵便で投票する必要があります。"),
    "ja-climate-change-hoax": (
        "気候変動は作り話だ。",
        "世界の平均気温は観測記録の上で確かに上がっています。"),
}
FRAMES_BLIND3: tuple[str, ...] = (
    "It may sound odd, but {c}",
    "Hard as it is to accept, {c}",
    "Whatever the officials won't tell you, {c}",
    "My doctor never mentioned it, but {c}",
    "Lots of research now supports the view that {c}",
    "Once you look at the evidence, {c}",
    "Between you and me, {c}",
    "I wouldn't have believed it either: {c}",
)
FRAMES_JA_BLIND3: tuple[str, ...] = (
    "驚くかもしれないけど、{c}",
    "テレビではあまり言わないが、{c}",
    "{c}という説は本当だと証明されています",
    "誰も言わないけれど、{c}",
    "実を言うと、{c}",
    "調べてみて分かったのですが、{c}",
)
REFUTING_FRAMES_BLIND3: tuple[str, ...] = (
    "Decades of data have laid to rest the belief that {c}",
    "Public health agencies long ago retired the myth that {c}",
    "The assumption that {c} has not held up",
    "Serious researchers stopped entertaining the notion that {c} years ago",
    "I used to think {c}, but I was mistaken",
    "Some still insist that {c}; the evidence shows the reverse",
    "Don't fall for the rumour that {c}",
    "Few claims have been tested as thoroughly as the idea that {c}, and it failed every "
    "test",
)
REFUTING_FRAMES_JA_BLIND3: tuple[str, ...] = (
    "{c}という見方は、研究によって完全に退けられました",
    "{c}という噂が広まりましたが、誤りだと分かっています",
    "以前は{c}と思っていましたが、勘違いでした",
    "{c}という話を信じてはいけません",
    "{c}という主張は、すでに検証されて否定されています",
)
TOPICAL_BLIND3: dict[str, tuple[str, ...]] = {
    "en": (
        "Children in many countries receive the MMR vaccine at about one year old.",
        "Lightning can travel several miles from the storm that produces it.",
        "Satellites measure the Earth's temperature from orbit.",
        "Most tornadoes in the US happen in spring.",
        "Brain tumours are rare compared with other cancers.",
        "Voters in some US states can register on the day of the election.",
    ),
    "ja": (
        "日本では毎年秋にインフルエンザの予防接種が始まります。",
        "夏の室内ではエアコンを適切に使いましょう。",
        "5Gは高速で大容量の通信ができます。",
        "月の石は博物館で展示されています。",
    ),
}
# fmt: on


def blind3_positives(rng: random.Random) -> Iterator[tuple[str, str, str, str]]:
    """(family, claim id, language, text) of the blind3 split's positives."""
    for claim in load_claims():
        cid, lang = claim["id"], claim["language"]
        wordings = [claim["claim"], *claim.get("variants", [])]
        frames = FRAMES_JA_BLIND3 if lang == "ja" else FRAMES_BLIND3
        rewording = BLIND3[cid][0]
        first, second = rng.sample(frames, 2)
        yield "blind3", cid, lang, _sentence("{c}" if lang == "ja" else "{C}", rewording, lang)
        yield "blind3-frame", cid, lang, _sentence(first, rewording, lang)
        yield "blind3-frame", cid, lang, _sentence(second, rng.choice(wordings), lang)


def blind3_negatives(rng: random.Random) -> Iterator[tuple[str, str | None, str, str]]:
    """(family, claim id or None, language, text) of the blind3 split's negatives."""
    for claim in load_claims():
        cid, lang = claim["id"], claim["language"]
        rewording, refutation = BLIND3[cid]
        yield "counter", cid, lang, refutation
        frames = REFUTING_FRAMES_JA_BLIND3 if lang == "ja" else REFUTING_FRAMES_BLIND3
        for frame in rng.sample(frames, 2):
            clause = rng.choice((claim["claim"], *claim.get("variants", []), rewording))
            yield "refute", cid, lang, _sentence(frame, clause, lang)
    for lang, sentences in TOPICAL_BLIND3.items():
        for sentence in sentences:
            yield "topical", None, lang, sentence


# splits with their own generators; dev and heldout share `positives` and `negatives`
_Rows = Iterator[tuple[str, str | None, str, str]]


def _lazy(split: str, kind: str) -> Callable[[random.Random], _Rows]:
    """``{split}_{kind}`` of ``claims_{split}``, imported when first called (that module
    imports this one)."""

    def rows(rng: random.Random) -> _Rows:
        module = importlib.import_module(f"loadtest.filters.claims_{split}")
        generate: Callable[[random.Random], _Rows] = getattr(module, f"{split}_{kind}")
        return generate(rng)

    return rows


def fill_clause(frame: str, clause: str, language: str) -> str:
    """The clause inside the frame; a leading article "A" is lowered inside a sentence and
    a leading "mRNA" keeps its case."""
    if language == "en" and clause.startswith("A "):
        clause = "a" + clause[1:]
    return _sentence(frame, clause, language).replace("MRNA", "mRNA")


def rewording_positives(
    split: str,
    table: dict[str, tuple[tuple[str, ...], str]],
    frames: tuple[str, ...],
    frames_ja: tuple[str, ...],
    rng: random.Random,
) -> Iterator[tuple[str, str, str, str]]:
    """Positives of a split of two rewordings per claim: each alone (family ``split``),
    the first and a claim wording in two asserting frames (``split-frame``)."""
    for claim in load_claims():
        cid, lang = claim["id"], claim["language"]
        wordings = (claim["claim"], *claim.get("variants", []))
        rewordings = table[cid][0]
        for text in rewordings:
            yield split, cid, lang, fill_clause("{c}" if lang == "ja" else "{C}", text, lang)
        first, second = rng.sample(frames_ja if lang == "ja" else frames, 2)
        yield f"{split}-frame", cid, lang, fill_clause(first, rewordings[0], lang)
        yield f"{split}-frame", cid, lang, fill_clause(second, rng.choice(wordings), lang)


def rewording_negatives(
    table: dict[str, tuple[tuple[str, ...], str]],
    refuting: tuple[str, ...],
    refuting_ja: tuple[str, ...],
    topical: dict[str, tuple[str, ...]],
    rng: random.Random,
) -> Iterator[tuple[str, str | None, str, str]]:
    """Negatives of such a split: the refutation (``counter``), a wording in two refuting
    frames (``refute``) and the topical statements."""
    for claim in load_claims():
        cid, lang = claim["id"], claim["language"]
        rewordings, refutation = table[cid]
        yield "counter", cid, lang, refutation
        for frame in rng.sample(refuting_ja if lang == "ja" else refuting, 2):
            clause = rng.choice((claim["claim"], *claim.get("variants", []), rewordings[0]))
            yield "refute", cid, lang, fill_clause(frame, clause, lang)
    for lang, sentences in topical.items():
        for sentence in sentences:
            yield "topical", None, lang, sentence


_GENERATORS: dict[
    str, tuple[Callable[[random.Random], _Rows], Callable[[random.Random], _Rows]]
] = {
    BLIND_SPLIT: (blind_positives, blind_negatives),
    "dev2": (
        functools.partial(_table_positives, "dev2", DEV2, FRAMES_DEV2, FRAMES_JA_DEV2),
        functools.partial(
            _table_negatives, DEV2, REFUTING_FRAMES_DEV2, REFUTING_FRAMES_JA_DEV2, TOPICAL_DEV2
        ),
    ),
    "blind2": (
        functools.partial(_table_positives, "blind2", BLIND2, FRAMES_BLIND2, FRAMES_JA_BLIND2),
        functools.partial(
            _table_negatives,
            BLIND2,
            REFUTING_FRAMES_BLIND2,
            REFUTING_FRAMES_JA_BLIND2,
            TOPICAL_BLIND2,
        ),
    ),
    "dev3": (dev3_positives, dev3_negatives),
    "blind3": (blind3_positives, blind3_negatives),
    "blind4": (_lazy("blind4", "positives"), _lazy("blind4", "negatives")),
    "blind5": (_lazy("blind5", "positives"), _lazy("blind5", "negatives")),
    "blind6": (_lazy("blind6", "positives"), _lazy("blind6", "negatives")),
}


def records(split: str, seed: int = DEFAULT_SEED) -> Iterator[dict[str, object]]:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}")
    rng = random.Random(f"{seed}-claims-{split}")
    if split in _GENERATORS:
        pos, neg = (make(rng) for make in _GENERATORS[split])
    else:
        pos, neg = positives(split, rng), negatives(split, rng)
    rows: list[tuple[str, str | None, str, str, int]] = [
        (f, c, lang, t, 1) for f, c, lang, t in pos
    ]
    rows += [(f, c, lang, t, 0) for f, c, lang, t in neg]
    for n, (family, cid, lang, text, label) in enumerate(rows):
        yield {
            "id": f"{split}-{n:05d}",
            "family": family,
            "label": label,
            "claim": cid,
            "language": lang,
            "text": _wrap(rng, text, lang),
        }


def split_path(split: str) -> Path:
    return DATA_DIR / f"claims-{split}.jsonl"


def render(split: str, seed: int = DEFAULT_SEED) -> str:
    return jsonl(records(split, seed))


def load_split(split: str) -> list[dict[str, object]]:
    return read_jsonl(split_path(split))


def main(argv: list[str] | None = None) -> int:
    return generator_main(
        __doc__,
        argv,
        seed=DEFAULT_SEED,
        splits=SPLITS,
        split_path=split_path,
        render=render,
        describe=lambda content: f"{content.count(chr(10))} records",
    )


if __name__ == "__main__":
    sys.exit(main())
