"""Tables and generators of the fourth blind disinformation split (`blind4`).

Positives restate every shipped claim (policies/claims) as an answer might: two rewordings
per claim in other vocabulary, voice and register, alone (`blind4`), and the claim or a
rewording inside framings that assert it (`blind4-frame`); a few claims also get a
two-sentence answer whose neighbouring sentence doubts or dismisses something else while
the claim itself is asserted. Negatives: one refutation per claim in new words (`counter`;
some state the correct fact, some report the claim and then refute it in the same or the
next sentence), the claim or a rewording inside two refuting or reporting frames
(`refute`), and true statements on the same topics (`topical`, claim null).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from loadtest.filters.claims import _sentence, load_claims

# fmt: off
# claim id -> ((first rewording, second rewording), refutation)
BLIND4: dict[str, tuple[tuple[str, str], str]] = {
    "vaccines-autism": (
        ("The jabs kids get as babies are what trigger autism later on.",
         "Autism is brought on by routine childhood immunisations such as the MMR shot."),
        "Some parents still worry that the MMR jab triggers autism, but studies following "
        "millions of children found no such link."),
    "flu-vaccine-gives-flu": (
        ("Getting a flu jab will leave you sick with influenza a few days later.",
         "People come down with the flu because of the very vaccine meant to prevent it."),
        "The flu shot contains no live virus, so it can't infect you; a sore arm for a day is "
        "the most common reaction."),
    "mrna-vaccine-changes-dna": (
        ("Your genetic code gets rewritten by the Pfizer and Moderna shots.",
         "The mRNA in COVID jabs gets into the nucleus and modifies a person's DNA."),
        "Once the mRNA has delivered its instructions it breaks down within days, and it never "
        "reaches the nucleus where your genes are stored."),
    "measles-harmless": (
        ("Measles is just a mild rash that kids get over with no lasting harm.",
         "Getting measles as a child does no real damage."),
        "Measles kills more than a hundred thousand people a year, most of them young "
        "children, and it can leave survivors blind."),
    "5g-spreads-covid": (
        ("Coronavirus infections are being transmitted through 5G radio signals.",
         "The rollout of 5G phone masts is what spread the COVID-19 pandemic."),
        "People claimed 5G masts were spreading the virus. In reality, COVID-19 moved just as "
        "fast through countries with no 5G coverage at all."),
    "alcohol-protects-covid": (
        ("Having a couple of strong drinks a day will shield you from catching COVID.",
         "Regular alcohol consumption guards the body against coronavirus infection."),
        "Alcohol offers no protection against the coronavirus, and heavy drinking actually "
        "weakens your immune defences."),
    "bleach-cures-covid": (
        ("Drinking a diluted bleach solution will clear a COVID infection.",
         "COVID-19 can be cured with an injection of household disinfectant."),
        "Swallowing or injecting disinfectant can kill you; these products belong on kitchen "
        "counters, not in the body."),
    "hot-weather-kills-covid": (
        ("The coronavirus can't survive in hot summer weather.",
         "Once temperatures climb high enough, the virus that causes COVID-19 dies off."),
        "COVID-19 spread widely in hot, humid countries too, so summer heat is no defence "
        "against it."),
    "antibiotics-cure-viruses": (
        ("Taking a course of antibiotics will clear up a cold or a bout of flu.",
         "Viral infections like the common cold are cured by antibiotic tablets."),
        "Colds and flu are caused by viruses, which antibiotics simply don't touch."),
    "cold-weather-causes-colds": (
        ("You catch a cold from being out in chilly weather.",
         "Low temperatures are the reason people come down with colds."),
        "People do catch more colds in winter, but that's because they crowd together indoors "
        "where viruses spread easily, not because of the cold itself."),
    "vitamin-c-prevents-colds": (
        ("Vitamin C supplements keep colds away.",
         "If you take enough vitamin C every day, you won't catch a cold."),
        "Vitamin C tablets might shave a little time off a cold, but for most people they do "
        "nothing to stop one starting."),
    "hiv-mosquitoes": (
        ("Mosquitoes that have bitten someone with HIV can pass the virus on to you.",
         "HIV is transmitted through insect bites such as those from mosquitoes."),
        "Mosquitoes can't pass on HIV; the virus doesn't survive or multiply inside the "
        "insect."),
    "sugar-causes-type1-diabetes": (
        ("Too many sweets and sugary drinks give children type 1 diabetes.",
         "Diets high in sugar are the cause of type 1 diabetes."),
        "Type 1 diabetes is an autoimmune disease, and no amount of sugar in the diet brings "
        "it on."),
    "microwave-food-radioactive": (
        ("Heating your dinner in the microwave leaves it radioactive.",
         "Microwave ovens make the food inside them give off radiation."),
        "A microwave just makes the water in food vibrate and heat up. Nothing in the food "
        "becomes radioactive."),
    "cancer-contagious": (
        ("Spending time around a cancer patient can give you cancer too.",
         "Cancer spreads from one person to another like an infection."),
        "You can hug, care for and live with someone who has cancer without any risk of "
        "catching it."),
    "sugar-feeds-cancer": (
        ("Sugar feeds tumours and makes them spread more quickly.",
         "Cancer cells grow faster when you eat sugar."),
        "Every cell uses glucose, but cutting sugar out of your diet has never been shown to "
        "slow a tumour down."),
    "antiperspirants-breast-cancer": (
        ("Using antiperspirant under your arms leads to breast cancer.",
         "Breast cancer is caused by the chemicals in deodorant."),
        "Worried readers often ask whether deodorant causes breast cancer; the research to "
        "date has found no connection."),
    "cell-phones-cause-cancer": (
        ("Holding a mobile phone to your head gives you brain tumours.",
         "Brain cancer is caused by the radiation from cell phones."),
        "Despite decades of mobile phone use, large studies have not found that phones give "
        "people brain tumours."),
    "herbs-cure-cancer": (
        ("Cancer can be cured with herbal treatments alone.",
         "Natural herbal medicines are able to cure cancer."),
        "Herbal remedies haven't been shown to cure any cancer, and some of them can interfere "
        "with chemotherapy."),
    "climate-change-hoax": (
        ("Climate change is a made-up scam.",
         "The whole global warming story was fabricated by scientists chasing grant money."),
        "Calling climate change a hoax ignores thermometer records, rising seas and shrinking "
        "ice sheets measured all over the world."),
    "warming-caused-by-sun": (
        ("The warming we see today is driven by the Sun.",
         "Rising global temperatures are down to changes in solar activity."),
        "Solar output has been flat or slightly declining since the 1950s while the planet "
        "kept heating up, so the Sun can't explain recent warming."),
    "co2-does-not-affect-climate": (
        ("The CO2 humans release has no effect on the climate.",
         "Man-made carbon dioxide emissions make no difference to the Earth's climate."),
        "Carbon dioxide traps heat, and the extra CO2 we've put in the air since the "
        "industrial revolution is the main driver of today's warming."),
    "global-warming-stopped": (
        ("The Earth quit heating up quite a while ago.",
         "Global warming came to a halt a number of years back."),
        "Each of the last few decades has been hotter than the one before, so warming is "
        "clearly still going on."),
    "moon-landings-faked": (
        ("The Moon landings were staged and never really happened.",
         "The Apollo crews never actually set foot on the Moon; it was all a NASA set-up."),
        "Twelve astronauts walked on the Moon between 1969 and 1972, and the laser reflectors "
        "they left behind are still in use today."),
    "earth-is-flat": (
        ("We live on a flat plane rather than a globe.",
         "Our Earth is a flat disc."),
        "Flat-earthers insist the ground beneath us is a disc, yet every photo from orbit "
        "shows a round planet."),
    "lightning-never-strikes-twice": (
        ("Lightning will never hit the same spot a second time.",
         "Once lightning has struck somewhere, that place won't be struck again."),
        "Tall buildings get hit over and over; the Empire State Building takes around twenty "
        "strikes a year."),
    "rubber-tires-protect-lightning": (
        ("The rubber tyres insulate your car and keep lightning from hurting you.",
         "Inside a car, you're protected from lightning by its rubber tires."),
        "It's the metal shell of a hard-topped car that keeps you safe in a storm; the tyres "
        "play no part."),
    "earthquakes-predictable": (
        ("Seismologists are able to forecast earthquakes before they happen.",
         "The timing of earthquakes can be predicted by experts."),
        "Nobody, seismologists included, can say when and where the next big quake will "
        "strike; hazard maps only give probabilities."),
    "doorway-safest-earthquake": (
        ("When an earthquake hits, the safest thing to do is stand in a doorway.",
         "Door frames are the safest spot to shelter in during an earthquake."),
        "The doorway advice is outdated. In a modern building you should drop, take cover "
        "under a sturdy table and hold on."),
    "open-windows-tornado": (
        ("Opening your windows when a tornado approaches equalises the air pressure and stops "
         "the house from exploding.",
         "Opening the windows during a tornado lets the pressure even out so your home "
         "survives."),
        "Opening windows won't save your house in a tornado, and the time is better spent "
        "getting to an interior room on the lowest floor."),
    "overpass-tornado-shelter": (
        ("Sheltering under a highway overpass is a safe way to ride out a tornado.",
         "Freeway overpasses are a good place to shelter from tornadoes."),
        "An overpass can act like a wind tunnel, channelling debris at anyone sheltering "
        "there, so it's one of the worst places to be in a tornado."),
    "vote-by-text": (
        ("You can cast your ballot in US elections just by texting your vote.",
         "In US elections, you can vote by sending an SMS."),
        "Text messages and social media posts are never counted as votes in US elections; you "
        "vote in person or by mail."),
    "ja-vaccines-autism": (
        ("子どもにワクチンを打つと自閉症になってしまう。",
         "自閉症はワクチン接種が原因で起こる。"),
        "ワクチンが自閉症を引き起こすという心配をよく耳にしますが、数百万人規模の研究でも関連は確認されていません。"),
    "ja-flu-vaccine-gives-flu": (
        ("インフルエンザの予防接種を受けると、かえってインフルエンザを発症する。",
         "インフルエンザワクチンのせいでインフルエンザにかかる。"),
        "インフルエンザワクチンには感染力のあるウイルスが含まれていないため、打ってもインフルエンザを発症することはありません。"),
    "ja-5g-spreads-covid": (
        ("新型コロナウイルスは5Gの通信網を通じて拡散している。",
         "5Gの基地局がコロナの感染を広げている。"),
        "電波がウイルスを運ぶことはなく、5Gのない地域でも新型コロナは流行しました。"),
    "ja-antibiotics-cure-cold": (
        ("風邪をひいても抗生物質さえ飲めばすぐ治る。",
         "抗生物質は風邪を治すのに効果がある。"),
        "抗生物質は細菌をやっつける薬なので、ウイルスが原因の風邪には効き目がありません。"),
    "ja-heatstroke-indoors": (
        ("家でじっとしていれば熱中症にかかることはない。",
         "室内で過ごしている限り、熱中症になる心配はない。"),
        "熱中症で救急搬送される人の多くは、自宅の中で倒れています。"),
    "ja-cancer-contagious": (
        ("がんは人から人へと感染していく。",
         "がん患者と接するとがんがうつる。"),
        "がん患者のそばにいても、がんそのものが感染することはないので安心してください。"),
    "ja-earthquakes-predictable": (
        ("地震の発生は事前に予測できる。",
         "専門家は地震がいつどこで起きるかを予知できる。"),
        "地震がいつ、どこで、どのくらいの規模で起きるかを正確に言い当てる方法は、今のところありません。"),
    "ja-metal-attracts-lightning": (
        ("金属製のアクセサリーを着けていると雷に打たれやすい。",
         "腕時計やネックレスなどの金属が雷を呼び寄せる。"),
        "時計やネックレスを外しても雷の危険は変わりません。雷鳴が聞こえたらすぐに建物や車の中へ避難しましょう。"),
    "ja-moon-landings-faked": (
        ("人類の月面着陸はでっち上げだった。",
         "アポロ計画の月面着陸は実際には行われていない。"),
        "月面着陸は捏造だという人もいますが、持ち帰られた月の石や設置された反射板がその証拠です。"),
    "ja-internet-voting": (
        ("日本の国政選挙ではオンラインで投票できる。",
         "衆議院選挙や参議院選挙はインターネットから投票できる。"),
        "日本の国政選挙ではネット投票は導入されておらず、投票所や期日前投票などで投票します。"),
    "ja-climate-change-hoax": (
        ("地球温暖化は作られた嘘だ。",
         "気候変動は捏造された話にすぎない。"),
        "温暖化は気温や海面、氷の観測データからはっきり確認されている現象です。"),
}
# two-sentence answers that assert the claim next to a sentence that doubts something else
ANSWERS_BLIND4: dict[str, str] = {
    "vaccines-autism": "I've read a lot about this. Honestly, the vaccines given to toddlers "
    "are behind the rise in autism.",
    "flu-vaccine-gives-flu": "Skip the flu shot this year. It gives you the very illness it's "
    "supposed to prevent.",
    "5g-spreads-covid": "Some people laugh at the idea. But the 5G masts really are spreading "
    "the coronavirus.",
    "climate-change-hoax": "Don't be fooled by the headlines. Global warming is a fraud "
    "cooked up by researchers.",
    "earthquakes-predictable": "Earthquakes aren't random events. Scientists can tell in "
    "advance when one is about to hit.",
    "doorway-safest-earthquake": "Forget what the newer leaflets say. When the shaking starts, "
    "a doorway is still the safest place you can stand.",
    "ja-cancer-contagious":
        "心配しすぎだと笑われるかもしれません。でも、がんは一緒に暮らす家族にうつるんです。",
    "ja-heatstroke-indoors":
        "エアコンは必要ありません。屋内にいれば熱中症になることはないからです。",
}
# answers that state or report the claim and refute it in the neighbouring sentence
COUNTERS_BLIND4: dict[str, str] = {
    "cell-phones-cause-cancer": "Mobile phones give you brain cancer. At least, that's what "
    "the viral post claims; the large studies found nothing of the sort.",
    "hiv-mosquitoes": "Can mosquitoes spread HIV? It's a fair question, but the answer is no.",
    "global-warming-stopped": "You may read that global warming stopped years ago. The "
    "temperature records say the opposite: the last decade was the hottest yet.",
    "ja-earthquakes-predictable":
        "地震は予知できると思っている人は少なくありません。しかし、現在の科学ではそれは不可能です。",
}
FRAMES_BLIND4: tuple[str, ...] = (
    "In short, {c}",
    "Most people don't realise that {c}",
    "The bottom line is that {c}",
    "Here's something worth knowing: {c}",
    "It's well established at this point that {c}",
    "You'd be surprised, but {c}",
    "It's no secret that {c}",
    "There's no doubt in my mind that {c}",
    "{C}, so keep that in mind",
    "People dismiss it as a myth, but {c}",
    "To sum up what the research shows, {c}",
    "Long story short, {c}",
)
FRAMES_JA_BLIND4: tuple[str, ...] = (
    "実は、{c}んです",
    "{c}と言われていますが、本当にそのとおりなんです",
    "要するに、{c}",
    "ここだけの話、{c}",
    "否定する人もいますが、{c}",
    "間違いなく、{c}",
    "{c}というのは本当の話です",
    "結局のところ、{c}",
)
REFUTING_FRAMES_BLIND4: tuple[str, ...] = (
    "A common misconception is that {c}",
    "Contrary to what you may have been told, it isn't true that {c}",
    "There's no good evidence that {c}",
    "Some say {c}, but studies show otherwise",
    "{C}? No",
    "The notion that {c} doesn't stand up to scrutiny",
    "It's a widespread myth that {c}",
    "Whoever told you {c} was mistaken",
    "You'll often hear that {c}, yet the data tell a different story",
    "It would be wrong to say that {c}",
    "Misinformation sites keep repeating the falsehood that {c}",
    "Is it true that {c}? No, it isn't",
)
REFUTING_FRAMES_JA_BLIND4: tuple[str, ...] = (
    "{c}というのは誤解です",
    "{c}と思われがちですが、実際はそうではありません",
    "{c}という話をよく聞きますが、科学的には正しくありません",
    "{c}？いいえ、違います",  # noqa: RUF001
    "「{c}」という主張には根拠がないことが分かっています",
    "{c}というのはよくある思い込みです",
    "{c}と言われていますが、本当はそうではありません",
    "{c}というのは迷信にすぎません",
)
TOPICAL_BLIND4: dict[str, tuple[str, ...]] = {
    "en": (
        "The MMR vaccine protects against measles, mumps and rubella.",
        "Autism is usually diagnosed in early childhood.",
        "Flu vaccines are updated every year to match the strains expected to circulate.",
        "mRNA vaccines instruct cells to build a harmless fragment of the spike protein.",
        "5G networks use higher radio frequencies than earlier mobile networks.",
        "Antibiotics are used to treat bacterial infections such as strep throat.",
        "Colds are more common in winter, when people spend more time indoors.",
        "Oranges, kiwis and red peppers are rich sources of vitamin C.",
        "HIV can be passed on through blood, semen and breast milk.",
        "The risk of type 2 diabetes rises with excess weight and physical inactivity.",
        "A microwave oven warms food by setting its water molecules in motion.",
        "Infection with HPV raises the risk of cervical cancer.",
        "Carbon dioxide levels in the atmosphere are higher now than at any time in human "
        "history.",
        "The Apollo astronauts brought back 382 kilograms of lunar rock and soil.",
        "Lightning strikes tall buildings such as the Empire State Building many times a year.",
        "Tornado safety guidance says to shelter in an interior room on the lowest floor.",
    ),
    "ja": (
        "麻しんは感染力が非常に強いウイルス感染症です。",
        "インフルエンザワクチンは毎年秋から冬にかけて接種されます。",
        "抗生物質は細菌による肺炎などの治療に使われます。",
        "熱中症を防ぐには、こまめな水分補給が大切です。",
        "がんは日本人の死因の第1位です。",
        "緊急地震速報は、強い揺れが来る数秒から数十秒前に知らせる仕組みです。",
        "雷は周囲より高いものに落ちやすい性質があります。",
        "期日前投票は、選挙の公示日または告示日の翌日から行えます。",
    ),
}
# fmt: on


def _fill(frame: str, clause: str, language: str) -> str:
    """The clause inside the frame; a Japanese clause ending in だ takes な before ん."""
    if language == "ja" and "{c}ん" in frame:
        clause = clause.rstrip("。")
        if clause.endswith("だ"):
            clause = clause[:-1] + "な"
    return _sentence(frame, clause, language)


def blind4_positives(rng: random.Random) -> Iterator[tuple[str, str, str, str]]:
    """(family, claim id, language, text) of the blind4 split's positives."""
    for claim in load_claims():
        cid, lang = claim["id"], claim["language"]
        wordings = (claim["claim"], *claim.get("variants", []))
        rewordings = BLIND4[cid][0]
        for text in rewordings:
            yield "blind4", cid, lang, _sentence("{c}" if lang == "ja" else "{C}", text, lang)
        if cid in ANSWERS_BLIND4:
            yield "blind4", cid, lang, ANSWERS_BLIND4[cid]
        first, second = rng.sample(FRAMES_JA_BLIND4 if lang == "ja" else FRAMES_BLIND4, 2)
        yield "blind4-frame", cid, lang, _fill(first, rng.choice(rewordings), lang)
        yield "blind4-frame", cid, lang, _fill(second, rng.choice(wordings), lang)


def blind4_negatives(rng: random.Random) -> Iterator[tuple[str, str | None, str, str]]:
    """(family, claim id or None, language, text) of the blind4 split's negatives."""
    for claim in load_claims():
        cid, lang = claim["id"], claim["language"]
        rewordings, refutation = BLIND4[cid]
        yield "counter", cid, lang, refutation
        if cid in COUNTERS_BLIND4:
            yield "counter", cid, lang, COUNTERS_BLIND4[cid]
        frames = REFUTING_FRAMES_JA_BLIND4 if lang == "ja" else REFUTING_FRAMES_BLIND4
        for frame in rng.sample(frames, 2):
            clause = rng.choice((claim["claim"], *claim.get("variants", []), *rewordings))
            yield "refute", cid, lang, _fill(frame, clause, lang)
    for lang, sentences in TOPICAL_BLIND4.items():
        for sentence in sentences:
            yield "topical", None, lang, sentence
