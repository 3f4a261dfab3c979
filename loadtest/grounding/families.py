"""Template families of the grounding evaluation set: slots, facts, edits, questions.

A family describes one kind of document. `slots` names every value a world of that family
holds and the kind of value (see `generate.Kind`); every slot is used by at least one fact,
so every value of a world appears in its sources. A fact has:

- `src`: how a source document states it (one variant is picked per world);
- `para`: paraphrases an answer may use instead (other words, other order, other formats:
  `{slot:alt}` renders a percent as "18 percent", a date as "14 March 2021", a person by the
  last name only);
- `neg`: the same claim negated or flipped (a negation edit), or None.

`unsupported` sentences relate values of the world in ways the sources never state;
`invented` sentences bring details the sources lack (`new_*` slots are filled with values
absent from the world). `filler` sentences pad the sources and never reach an answer.

The `transit` family is held out: it only appears in the test split.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fact:
    key: str
    src: tuple[str, ...]
    para: tuple[str, ...]
    neg: str | None = None


@dataclass(frozen=True)
class Family:
    name: str
    slots: dict[str, tuple[str, tuple[float, ...]]]
    """slot name -> (kind, parameters of the kind's generator)."""
    facts: tuple[Fact, ...]
    titles: tuple[str, ...]
    questions: tuple[str, ...]
    filler: tuple[str, ...]
    unsupported: tuple[str, ...]
    invented: tuple[str, ...]
    generic: tuple[str, ...] = field(default=())


GENERIC = (
    "Here is a short summary based on the documents you shared.",
    "Let me know if you would like more detail on any of these points.",
    "I hope this overview helps.",
    "The key points from the material are below.",
    "Based on the provided sources, this is what can be said.",
)

COMPANY = Family(
    name="company",
    slots={
        "org": ("org", ()),
        "org2": ("org", ()),
        "org3": ("org", ()),
        "ceo": ("person", ()),
        "cfo": ("person", ()),
        "founder": ("person", ()),
        "city": ("city", ()),
        "city2": ("city", ()),
        "product": ("product", ()),
        "year_founded": ("year", (1952, 1999)),
        "year_ceo": ("year", (2008, 2016)),
        "year_report": ("year", (2021, 2024)),
        "year_product": ("year", (2017, 2020)),
        "year_office": ("year", (2000, 2007)),
        "year_partner": ("year", (2019, 2023)),
        "dividend_year": ("year", (2009, 2015)),
        "year_target": ("year", (2026, 2029)),
        "employees": ("count", (800, 24000)),
        "customers": ("count", (1200, 9000)),
        "countries": ("small", (6, 48)),
        "hires": ("small", (40, 400)),
        "revenue": ("money_m", (12, 950)),
        "growth": ("percent", (3, 38)),
        "date_acq": ("date", (2018, 2023)),
        "acq_price": ("money_m", (5, 240)),
        "quote": ("quote", ()),
    },
    facts=(
        Fact(
            "founded",
            ("{org} was founded in {city} in {year_founded} by {founder}.",),
            (
                "{founder} started {org} in {year_founded}, with its base in {city}.",
                "Founded by {founder} in {year_founded}, {org} is based in {city}.",
            ),
            "{org} was not founded by {founder}.",
        ),
        Fact(
            "ceo",
            ("Its chief executive is {ceo}, who joined the company in {year_ceo}.",),
            (
                "{ceo} has led {org} as chief executive since joining in {year_ceo}.",
                "Since {year_ceo}, the company has been run by {ceo}.",
            ),
            "{ceo} is not the chief executive of {org}.",
        ),
        Fact(
            "employees",
            ("{org} employs {employees} people across its offices.",),
            ("The company has a workforce of {employees} employees.",),
        ),
        Fact(
            "revenue",
            ("In {year_report}, revenue rose by {growth} to {revenue}.",),
            (
                "Revenue reached {revenue} in {year_report}, an increase of {growth:alt}.",
                "Sales grew {growth:alt} in {year_report}, to {revenue}.",
            ),
            "Revenue did not rise in {year_report}.",
        ),
        Fact(
            "acquisition",
            ("On {date_acq}, {org} acquired {org2} for {acq_price}.",),
            (
                "{org2} was bought by {org} on {date_acq:alt} in a deal worth {acq_price}.",
                "{org} paid {acq_price} for {org2}; the purchase closed on {date_acq}.",
            ),
            "{org} has not completed its acquisition of {org2}.",
        ),
        Fact(
            "product",
            ("Its best-selling product is the {product}, launched in {year_product}.",),
            ("The {product}, which came out in {year_product}, is the company's top seller.",),
            "The {product} is not the company's best-selling product.",
        ),
        Fact(
            "cfo",
            ("{cfo} serves as chief financial officer.",),
            ("The company's finances are overseen by chief financial officer {cfo}.",),
            "{cfo} is no longer the chief financial officer.",
        ),
        Fact(
            "office",
            ("In {year_office}, the company opened a second office in {city2}.",),
            ("A second office was opened in {city2} in {year_office}.",),
            "The company did not open a second office in {city2}.",
        ),
        Fact(
            "dividend",
            ("{org} has not paid a dividend since {dividend_year}.",),
            ("No dividend has been paid by {org} since {dividend_year}.",),
            "{org} has paid a dividend every year since {dividend_year}.",
        ),
        Fact(
            "customers",
            ("The company serves about {customers} business customers in {countries} countries.",),
            ("Around {customers} business clients in {countries} countries use its services.",),
        ),
        Fact(
            "partner",
            ("In {year_partner}, {org} signed a supply agreement with {org3}.",),
            ("{org3} and {org} agreed a supply contract in {year_partner}.",),
            "{org} never signed a supply agreement with {org3}.",
        ),
        Fact(
            "hiring",
            (
                "{ceo} said the company plans to hire {hires} engineers in {city2} "
                "by {year_target}.",
            ),
            (
                "According to {ceo:last}, {org} intends to recruit {hires} engineers in {city2} "
                "by {year_target}.",
            ),
            "{ceo} said the company has no plans to hire engineers in {city2}.",
        ),
        Fact(
            "quote",
            ('In a note to staff, {ceo} wrote: "{quote}."',),
            ('"{quote}," {ceo} told employees in a note.',),
        ),
    ),
    titles=("{org} company profile", "{org}: annual overview", "Notes on {org}"),
    questions=(
        "What do the documents say about {org}?",
        "Can you summarise the profile of {org}?",
        "Give me the key facts about {org} from these files.",
    ),
    filler=(
        "The company publishes its annual report each spring.",
        "Analysts follow its quarterly results closely.",
        "The board meets four times a year.",
        "Its shares are traded on a regional exchange.",
    ),
    unsupported=(
        "{cfo} is expected to replace {ceo} as chief executive next year.",
        "{org} is also considering a merger with {org3}.",
        "Most of its revenue now comes from customers in {city2}.",
        "{founder} still chairs the board and approves every major deal.",
        "The {product} was designed together with engineers from {org2}.",
    ),
    invented=(
        "{org} also runs a research centre in {new_city} with {new_count} staff.",
        "In {new_year}, {org} was fined {new_money} by regulators in {new_city}.",
        "{new_person} joined the board of {org} in {new_year}.",
        "The company plans to list its shares in {new_city} on {new_date}.",
        'Chief executive {ceo} has called the results "{new_quote}."',
    ),
)

MUNICIPAL = Family(
    name="municipal",
    slots={
        "city": ("city", ()),
        "city2": ("city", ()),
        "mayor": ("person", ()),
        "deputy": ("person", ()),
        "planner": ("person", ()),
        "contractor": ("org", ()),
        "contractor2": ("org", ()),
        "population": ("count", (90000, 2400000)),
        "year_elected": ("year", (2012, 2020)),
        "budget": ("money_m", (20, 900)),
        "date_vote": ("date", (2021, 2024)),
        "bridge_len": ("count", (180, 2400)),
        "trees": ("count", (1500, 40000)),
        "turnout": ("percent", (31, 74)),
        "homes": ("count", (400, 9000)),
        "year_done": ("year", (2026, 2031)),
        "year_twin": ("year", (1961, 1998)),
        "parks": ("small", (3, 40)),
        "buses": ("small", (12, 160)),
        "quote": ("quote", ()),
    },
    facts=(
        Fact(
            "mayor",
            ("{mayor} has been mayor of {city} since {year_elected}.",),
            ("Since {year_elected}, {city} has been led by mayor {mayor}.",),
            "{mayor} is not the mayor of {city}.",
        ),
        Fact(
            "population",
            ("{city} has a population of about {population}.",),
            ("Roughly {population} people live in {city}.",),
        ),
        Fact(
            "budget",
            ("On {date_vote}, the council approved a budget of {budget} for the coming year.",),
            ("A {budget} budget was passed by the council on {date_vote:alt}.",),
            "The council rejected the proposed budget on {date_vote}.",
        ),
        Fact(
            "bridge",
            ("A new {bridge_len}-metre bridge over the river is being built by {contractor}.",),
            ("{contractor} is the firm building the {bridge_len}-metre river bridge.",),
            "{contractor} is not building the new river bridge.",
        ),
        Fact(
            "trees",
            ("The city planted {trees} trees last year under a programme run by {planner}.",),
            ("Last year {trees} trees were planted in a programme led by {planner}.",),
            "The tree planting programme run by {planner} did not go ahead last year.",
        ),
        Fact(
            "turnout",
            ("Turnout at the last local election was {turnout}.",),
            ("{turnout:alt} of voters took part in the last local election.",),
        ),
        Fact(
            "housing",
            ("{contractor2} will deliver {homes} affordable homes by {year_done}.",),
            ("By {year_done}, {homes} affordable homes are due from {contractor2}.",),
            "{contractor2} has withdrawn from the affordable housing plan.",
        ),
        Fact(
            "twin",
            ("{city} has been twinned with {city2} since {year_twin}.",),
            ("The twinning link between {city} and {city2} dates from {year_twin}.",),
            "{city} is not twinned with {city2}.",
        ),
        Fact(
            "deputy",
            ("{deputy}, the deputy mayor, is in charge of transport.",),
            ("Transport falls to deputy mayor {deputy}.",),
            "{deputy} is no longer responsible for transport.",
        ),
        Fact(
            "parks",
            ("The city maintains {parks} public parks.",),
            ("There are {parks} public parks looked after by the city.",),
        ),
        Fact(
            "buses",
            ("Its fleet includes {buses} electric buses.",),
            ("{buses} of the city's buses are electric.",),
            "The city has not bought any electric buses.",
        ),
        Fact(
            "quote",
            ('Speaking to reporters, {mayor} said: "{quote}."',),
            ('"{quote}," {mayor:last} told reporters.',),
        ),
    ),
    titles=("{city} council bulletin", "City of {city}: facts and figures", "{city} news digest"),
    questions=(
        "What is going on in {city} according to these bulletins?",
        "Summarise the council news for {city}.",
        "What are the main facts about {city} here?",
    ),
    filler=(
        "Council meetings are open to the public.",
        "Minutes are published on the council website within a week.",
        "Residents can comment on plans during a six-week consultation.",
    ),
    unsupported=(
        "{deputy} is widely expected to run for mayor at the next election.",
        "{contractor} was also chosen to build the new housing.",
        "The bridge was paid for by the government of {city2}.",
        "{planner} previously worked for {contractor2}.",
        "Most residents oppose the new bridge.",
    ),
    invented=(
        "The city also plans a tram line to {new_city}, costing {new_money}.",
        "{new_person} was appointed head of the planning office in {new_year}.",
        "A new stadium for {new_count} spectators opens on {new_date}.",
        "In {new_year}, {city} won a national award for its recycling rate.",
        'The mayor described the plan as "{new_quote}."',
    ),
)

PRODUCT = Family(
    name="product",
    slots={
        "org": ("org", ()),
        "org2": ("org", ()),
        "org3": ("org", ()),
        "product": ("product", ()),
        "product2": ("product", ()),
        "designer": ("person", ()),
        "reviewer": ("person", ()),
        "city": ("city", ()),
        "city2": ("city", ()),
        "price": ("money", (99, 1900)),
        "battery": ("small", (6, 72)),
        "weight": ("count", (140, 2600)),
        "date_launch": ("date", (2023, 2025)),
        "units": ("count", (15000, 900000)),
        "share": ("percent", (4, 31)),
        "year_prev": ("year", (2016, 2021)),
        "warranty": ("small", (1, 5)),
        "colours": ("small", (2, 9)),
        "quote": ("quote", ()),
    },
    facts=(
        Fact(
            "launch",
            ("{org} launched the {product} on {date_launch} at an event in {city}.",),
            (
                "The {product} was unveiled by {org} in {city} on {date_launch:alt}.",
                "At an event in {city} on {date_launch}, {org} introduced the {product}.",
            ),
            "{org} has not launched the {product} yet.",
        ),
        Fact(
            "price",
            ("The {product} costs {price}.",),
            ("It sells for {price}.", "The retail price of the {product} is {price}."),
        ),
        Fact(
            "battery",
            ("Its battery lasts up to {battery} hours.",),
            ("A full charge gives as much as {battery} hours of use.",),
        ),
        Fact(
            "weight",
            ("The device weighs {weight} grams.",),
            ("At {weight} grams, the device is light to carry.",),
        ),
        Fact(
            "designer",
            ("It was designed by a team led by {designer}.",),
            ("{designer} led the design team behind the {product}.",),
            "{designer} was not involved in designing the {product}.",
        ),
        Fact(
            "predecessor",
            ("It replaces the {product2}, which was released in {year_prev}.",),
            ("The {product2} from {year_prev} is its predecessor.",),
            "It does not replace the {product2}.",
        ),
        Fact(
            "factory",
            ("The {product} is assembled in {city2} by {org3}.",),
            ("Assembly takes place in {city2}, where {org3} builds the {product}.",),
            "The {product} is not assembled by {org3}.",
        ),
        Fact(
            "retail",
            ("{org2} is the exclusive retail partner for the first six months.",),
            ("For the first six months it is sold only through {org2}.",),
            "{org2} is not an exclusive retail partner.",
        ),
        Fact(
            "units",
            ("{org} expects to sell {units} units in the first year.",),
            ("First-year sales are forecast at {units} units.",),
        ),
        Fact(
            "share",
            ("The company currently holds {share} of the market.",),
            ("Its current market share is {share:alt}.",),
        ),
        Fact(
            "warranty",
            (
                "Every unit comes with a {warranty}-year warranty and is offered in "
                "{colours} colours.",
            ),
            ("Buyers get a {warranty}-year warranty and a choice of {colours} colours.",),
            "The {product} comes without a warranty.",
        ),
        Fact(
            "review",
            ('Reviewer {reviewer} called it "{quote}."',),
            ('"{quote}," wrote reviewer {reviewer}.',),
            "Reviewer {reviewer} did not recommend the {product}.",
        ),
    ),
    titles=("{product} press kit", "{org} launches the {product}", "{product}: product sheet"),
    questions=(
        "What are the details of the {product}?",
        "Summarise what we know about the {product} launch.",
        "Tell me about the new {product} from {org}.",
    ),
    filler=(
        "Pre-orders open on the company website.",
        "Accessories are sold separately.",
        "Software updates are delivered over the air.",
    ),
    unsupported=(
        "The {product} is the first device {designer} designed for {org}.",
        "{org2} also helped fund the development of the {product}.",
        "Demand for the {product} is highest in {city}.",
        "{reviewer} called it the best device of the year.",
        "{org3} will also assemble the next model.",
    ),
    invented=(
        "A cheaper version will follow on {new_date} for {new_money}.",
        "{new_person} will take over as head of product in {new_year}.",
        "The {product} is also being tested by {new_count} schools in {new_city}.",
        "It won a design award in {new_city} in {new_year}.",
        'The launch was described by {org} as "{new_quote}."',
    ),
)

RESEARCH = Family(
    name="research",
    slots={
        "inst": ("org", ()),
        "funder": ("org", ()),
        "partner": ("org", ()),
        "lead": ("person", ()),
        "coauthor": ("person", ()),
        "critic": ("person", ()),
        "city": ("city", ()),
        "city2": ("city", ()),
        "participants": ("count", (120, 9800)),
        "months": ("small", (6, 60)),
        "effect": ("percent", (4, 41)),
        "date_pub": ("date", (2022, 2025)),
        "grant": ("money_m", (1, 28)),
        "year_start": ("year", (2014, 2020)),
        "sites": ("small", (2, 30)),
        "dropout": ("percent", (2, 19)),
        "age_min": ("small", (18, 40)),
        "quote": ("quote", ()),
    },
    facts=(
        Fact(
            "study",
            (
                "A study led by {lead} at {inst} followed {participants} adults for "
                "{months} months.",
            ),
            (
                "{lead} of {inst} led a {months}-month study of {participants} adults.",
                "Over {months} months, a team from {inst} under {lead} followed "
                "{participants} adults.",
            ),
            "The study led by {lead} did not follow participants over time.",
        ),
        Fact(
            "effect",
            ("Those in the programme had {effect} fewer hospital visits.",),
            ("Hospital visits fell by {effect:alt} among participants in the programme.",),
            "The programme made no difference to hospital visits.",
        ),
        Fact(
            "publication",
            ("The results were published on {date_pub}.",),
            ("The findings came out on {date_pub:alt}.",),
        ),
        Fact(
            "funding",
            ("The work was funded by a {grant} grant from {funder}.",),
            ("{funder} paid for the work with a {grant} grant.",),
            "{funder} did not fund the work.",
        ),
        Fact(
            "start",
            ("Recruitment began in {year_start} in {city}.",),
            ("Participants were recruited in {city} from {year_start}.",),
        ),
        Fact(
            "sites",
            ("Data came from {sites} clinics, including one in {city2}.",),
            ("The data were gathered at {sites} clinics, one of them in {city2}.",),
            "No data were gathered in {city2}.",
        ),
        Fact(
            "coauthor",
            ("{coauthor}, a co-author, ran the statistical analysis.",),
            ("The statistics were handled by co-author {coauthor}.",),
            "{coauthor} did not take part in the analysis.",
        ),
        Fact(
            "partner",
            ("{partner} supplied the wearable sensors used in the trial.",),
            ("The trial's wearable sensors came from {partner}.",),
            "{partner} did not supply the sensors.",
        ),
        Fact(
            "dropout",
            ("{dropout} of participants left the study early.",),
            ("The study lost {dropout:alt} of its participants before the end.",),
        ),
        Fact(
            "age",
            ("All participants were at least {age_min} years old.",),
            ("Only adults aged {age_min} or over took part.",),
        ),
        Fact(
            "critic",
            ("{critic}, who was not involved, said the sample was too small.",),
            ("The sample was too small, according to {critic}, who was not involved.",),
            "{critic} said the sample was large enough.",
        ),
        Fact(
            "quote",
            ('"{quote}," said {lead}.',),
            ('{lead:last} summed it up: "{quote}."',),
        ),
    ),
    titles=("Study summary: {inst}", "Research brief from {inst}", "{inst} press release"),
    questions=(
        "What did the study from {inst} find?",
        "Summarise the research described in these documents.",
        "What are the main results and who ran the study?",
    ),
    filler=(
        "The authors declared no conflicts of interest.",
        "The full data set is available on request.",
        "A follow-up study is being planned.",
    ),
    unsupported=(
        "{critic} has criticised earlier work by {lead} as well.",
        "{coauthor} will lead the follow-up study.",
        "The programme is now standard practice in {city2}.",
        "{funder} has already promised money for a larger trial.",
        "The results were better for older participants.",
    ),
    invented=(
        "A second trial with {new_count} participants starts in {new_city} on {new_date}.",
        "{new_person}, a researcher in {new_city}, reproduced the results in {new_year}.",
        "The programme costs about {new_money} per clinic each year.",
        "The study was first presented at a conference in {new_city} in {new_year}.",
        'The journal\'s editor called it "{new_quote}."',
    ),
)

TRANSIT = Family(
    name="transit",
    slots={
        "authority": ("org", ()),
        "operator": ("org", ()),
        "builder": ("org", ()),
        "director": ("person", ()),
        "engineer": ("person", ()),
        "minister": ("person", ()),
        "line": ("line", ()),
        "city": ("city", ()),
        "city2": ("city", ()),
        "city3": ("city", ()),
        "length_km": ("small", (12, 180)),
        "stations": ("small", (5, 38)),
        "cost": ("money_m", (90, 990)),
        "riders": ("count", (8000, 260000)),
        "date_open": ("date", (2022, 2025)),
        "year_start": ("year", (2013, 2019)),
        "ontime": ("percent", (71, 97)),
        "fare": ("money", (2, 9)),
        "trains": ("small", (8, 60)),
        "quote": ("quote", ()),
    },
    facts=(
        Fact(
            "route",
            ("The {line} runs {length_km} kilometres from {city} to {city2}.",),
            (
                "Between {city} and {city2}, the {line} covers {length_km} kilometres.",
                "It is {length_km} kilometres by {line} from {city2} to {city}.",
            ),
            "The {line} does not run to {city2}.",
        ),
        Fact(
            "stations",
            ("It serves {stations} stations, including a stop at {city3}.",),
            ("There are {stations} stations on the route, {city3} among them.",),
            "The line does not stop at {city3}.",
        ),
        Fact(
            "opening",
            ("The line opened to passengers on {date_open}.",),
            ("Passenger service started on {date_open:alt}.",),
            "The line has not opened to passengers yet.",
        ),
        Fact(
            "cost",
            ("Construction cost {cost} and was carried out by {builder}.",),
            ("{builder} built the line at a cost of {cost}.",),
            "{builder} was not the main contractor.",
        ),
        Fact(
            "start",
            ("Work on the line started in {year_start}.",),
            ("Building work began in {year_start}.",),
        ),
        Fact(
            "operator",
            ("Trains are run by {operator} under a contract with {authority}.",),
            ("{authority} contracts {operator} to run the trains.",),
            "{operator} does not run the trains.",
        ),
        Fact(
            "riders",
            ("About {riders} passengers use the line on a typical weekday.",),
            ("Weekday ridership is around {riders} passengers.",),
        ),
        Fact(
            "ontime",
            ("{ontime} of trains arrived on time last month.",),
            ("Punctuality last month was {ontime:alt}.",),
        ),
        Fact(
            "fare",
            ("A single ticket costs {fare}.",),
            ("One-way fares are {fare}.",),
        ),
        Fact(
            "director",
            ("{director} is the director of {authority}.",),
            ("{authority} is headed by director {director}.",),
            "{director} does not lead {authority}.",
        ),
        Fact(
            "fleet",
            ("The fleet has {trains} trains, maintained by a team under {engineer}.",),
            ("{engineer}'s team maintains the {trains} trains in the fleet.",),
            "{engineer} is not responsible for maintaining the fleet.",
        ),
        Fact(
            "minister",
            ('At the opening, transport minister {minister} said: "{quote}."',),
            ('"{quote}," said {minister}, the transport minister, at the opening.',),
            "Transport minister {minister} did not attend the opening.",
        ),
    ),
    titles=("{line} fact sheet", "{authority}: the {line}", "Travel update: {line}"),
    questions=(
        "What should I know about the {line}?",
        "Summarise the information about the {line}.",
        "Who runs the {line} and how is it doing?",
    ),
    filler=(
        "Bicycles are allowed outside peak hours.",
        "Timetables change twice a year.",
        "Tickets can be bought on the app or at machines in every station.",
    ),
    unsupported=(
        "{minister} approved the funding for the line.",
        "{operator} also built the stations.",
        "Trains from {city3} are the most crowded on the route.",
        "{engineer} is expected to become director of {authority}.",
        "Ridership is growing faster than expected.",
    ),
    invented=(
        "An extension to {new_city} costing {new_money} opens on {new_date}.",
        "{new_person} was appointed head of safety in {new_year}.",
        "The line carried {new_count} passengers in its first week.",
        "A night service to {new_city} starts in {new_year}.",
        'Local media called the line "{new_quote}."',
    ),
)

FAMILIES: dict[str, Family] = {f.name: f for f in (COMPANY, MUNICIPAL, PRODUCT, RESEARCH, TRANSIT)}
DEV_FAMILIES = ("company", "municipal", "product", "research")
HELDOUT_FAMILY = "transit"

# fmt: off
ORG_HEADS = (
    "Aldren", "Brightwell", "Corvane", "Dunmore", "Elmstead", "Farrow", "Galvex", "Halden",
    "Irongate", "Juniper", "Kestrel", "Lumora", "Marlowe", "Northvale", "Orrin", "Pellham",
    "Quillon", "Redfern", "Stellan", "Tidewater", "Ulvane", "Veltrix", "Westbrook", "Yarrow",
    "Zephyra", "Ashcombe", "Bramhall", "Caldera", "Dovecote", "Everhart",
)
ORG_TAILS = (
    "Systems", "Labs", "Foods", "Logistics", "Energy", "Robotics", "Holdings", "Analytics",
    "Textiles", "Pharma", "Group", "Works", "Partners", "Institute", "Transit", "Rail",
)
PRODUCT_HEADS = (
    "Orbit", "Nimbus", "Quanta", "Vela", "Pulse", "Aria", "Helix", "Nova", "Strata", "Lumen",
    "Arc", "Cirrus", "Tempo", "Ember", "Polar", "Zenit",
)
LINE_NAMES = (
    "Green Line", "Harbour Line", "Crosstown Line", "Valley Line", "Coastal Express",
    "Northern Link", "River Line", "Airport Link", "Orbital Line", "Lakeside Line",
)
FIRST_NAMES = (
    "James", "Maria", "Robert", "Linda", "Michael", "Sarah", "David", "Emily", "Daniel",
    "Laura", "Thomas", "Anna", "Carlos", "Sofia", "Rahul", "Priya", "Wei", "Mei", "Hiroshi",
    "Yuki", "Ahmed", "Fatima", "Lukas", "Greta", "Pierre", "Camille", "Kwame", "Zanele",
    "Diego", "Lucia", "Omar", "Leila", "Jonas", "Ingrid", "Harold", "Beverly", "Arjun",
    "Kavya", "Matteo", "Francesca", "Declan", "Niamh", "Tariq", "Yasmin",
)
LAST_NAMES = (
    "Smith", "Johnson", "Garcia", "Miller", "Davis", "Lopez", "Wilson", "Anderson", "Taylor",
    "Moore", "Thompson", "Harris", "Sharma", "Patel", "Wang", "Tanaka", "Suzuki", "Hassan",
    "Okafor", "Adeyemi", "Schmidt", "Dubois", "Moreau", "Rossi", "Ivanov", "Mensah",
    "Dlamini", "Silva", "Costa", "Haddad", "Nielsen", "Kowalski", "Whitaker", "Pemberton",
    "Iyer", "Nakamura", "Bianchi", "Lindqvist", "Navarro", "Gallagher", "Boateng", "Nowak",
)
CITIES = (
    "Chicago", "Boston", "Seattle", "Denver", "Austin", "Atlanta", "Portland", "Dallas",
    "Manchester", "Leeds", "Glasgow", "Berlin", "Munich", "Hamburg", "Lyon", "Marseille",
    "Madrid", "Valencia", "Milan", "Turin", "Toronto", "Calgary", "Melbourne", "Brisbane",
    "Osaka", "Kyoto", "Nairobi", "Accra", "Dublin", "Rotterdam", "Lisbon", "Porto", "Krakow",
    "Gothenburg", "Bergen", "Tallinn",
)
QUOTES = (
    "We are building for the long term",
    "Our customers come first in every decision we make",
    "This is only the beginning",
    "The numbers speak for themselves",
    "We listened carefully and changed course",
    "Nobody expected results this strong",
    "It is a careful step rather than a leap",
    "We owe this to the people who use it every day",
    "The hard part is still ahead of us",
    "Quality matters more than speed",
    "Small changes add up over time",
    "We will keep our promises",
    "Good planning saves money later",
    "Reliability is the whole point",
)
NEW_QUOTES = (
    "a turning point for the whole industry",
    "the most important step in a decade",
    "a model for every other region",
    "frankly better than anyone hoped",
    "a bold bet that is already paying off",
    "exactly what the market needed",
)
GENERAL_STATEMENTS = (
    "Regular exercise tends to improve sleep quality.",
    "Most companies review their budgets at least once a year.",
    "Public transport is usually cheaper than driving in large cities.",
    "Clear communication helps teams avoid misunderstandings.",
    "Reading the instructions before assembling furniture saves time.",
    "Many people find it easier to learn with short daily practice.",
    "Good documentation makes software easier to maintain.",
    "Prices often rise when demand grows faster than supply.",
    "It is wise to back up important files.",
    "Drinking enough water matters in hot weather.",
    "Cities often plant trees to provide shade and cleaner air.",
    "Small businesses depend on steady cash flow.",
    "A balanced diet includes fruit and vegetables.",
    "Research results should be checked by independent teams.",
    "New products usually go through several rounds of testing.",
    "Customer feedback can reveal problems early.",
    "Electric vehicles need a reliable charging network.",
    "Meetings work better with a short agenda.",
    "Strong passwords protect online accounts.",
    "Planning ahead reduces stress before a trip.",
    "Local councils are responsible for many everyday services.",
    "Scientific studies often need large samples to be reliable.",
    "Hiring takes longer when skills are scarce.",
    "Trains are generally more energy efficient than cars.",
    "Good design balances cost, comfort and durability.",
    "It can help to compare several offers before buying.",
    "Regular maintenance extends the life of machines.",
    "Teams that share goals usually cooperate better.",
    "Weather can affect travel plans in winter.",
    "Careful reading of contracts avoids surprises later.",
    "Sleep, diet and exercise all affect health.",
    "Mergers are often followed by changes in management.",
    "A clear budget makes spending decisions easier.",
    "Many cities encourage cycling to reduce traffic.",
    "Product reviews vary a great deal between sources.",
    "Recycling works best when sorting is simple.",
)
# fmt: on
