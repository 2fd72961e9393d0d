"""Build the labelled syndication set that scores near-duplicate detection.

Why generated: real syndicated copies cannot be redistributed, and a generator lets the
benchmark score a larger set than the test. Deterministic for a seed, so the committed
`syndication_set.jsonl` is exactly `python tests/dedup/data/make_syndication_set.py`.

Each *story* is composed from topic templates with inline alternatives (``{a|b}``) and slots
(``<person>``) filled from a pool shared by every story of that topic, so unrelated stories on
one topic share names, places, organisations and stock phrases (the hard negatives). Each
story is then republished by 1-6 sites, each copy with some of: a rewritten headline, the
site's dateline and boilerplate, local sentences added, sentences or trailing paragraphs
removed, house-style edits, an updated figure, two paragraphs swapped. Every copy of one
story carries the same `story` label; pairs with equal labels must join, all others not.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

OUTPUT = Path(__file__).with_name("syndication_set.jsonl")

TOPICS: dict[str, dict[str, list[str]]] = {
    "wildfire": {
        "person": [
            "Governor Elena Marsh",
            "Fire Chief Daniel Ortega",
            "Mayor Priya Nandakumar",
            "Captain Luis Herrera",
            "resident Tom Whitaker",
            "forecaster Janet Cole",
        ],
        "place": [
            "Redwood Valley",
            "Pine Ridge",
            "Sonora County",
            "Clearwater",
            "Eagle Pass",
            "the Sierra foothills",
        ],
        "org": [
            "the state forestry department",
            "the National Weather Service",
            "the Red Cross",
            "Pacific Gas and Electric",
            "the county sheriff's office",
        ],
        "thing": ["the Ridge Fire", "the Cedar Creek fire", "the Valley Complex fire"],
        "templates": [
            "<thing> had burned {more than|nearly|about} <n> acres {by|as of} <day> "
            "{and was|and remained} <pct> percent contained.",
            "{Evacuation orders|Mandatory evacuations} {were expanded|remained in place} "
            "{for|across} <n> homes in <place> {on <day>|overnight}.",
            "<person> said {crews|firefighters} {were making progress|had gained ground} "
            "{on the northern flank|along the highway} {despite|in spite of} gusty winds.",
            "{Strong|Dry} winds {of up to|gusting to} <n2> miles per hour {were expected|are "
            "forecast} {to return|to pick up} {by|on} <day>, according to <org>.",
            "{At least|More than} <n3> {structures|buildings} {have been|were} destroyed "
            "{and|while} <n3> {more|others} {were damaged|remain threatened}.",
            "{The cause of the fire|What sparked the blaze} {is under investigation|remains "
            "unknown}, <org> said.",
            "Smoke {from the fire|from <thing>} {pushed air quality|sent air quality readings} "
            "{into the unhealthy range|to hazardous levels} in <place>.",
            "<org> {opened|set up} {an evacuation shelter|a shelter} at {a high school|the "
            "fairgrounds} in <place>.",
            "<n> firefighters {from|representing} <n3> agencies {were assigned to|are battling} "
            "<thing>, {officials said|according to fire officials}.",
            '"We {lost everything|got out with the clothes on our backs}," said <person>, '
            "who {fled|left} <place> {late on|early} <day>.",
            "<person> {declared|announced} a state of emergency {for|in} <place> {on <day>|"
            "as the fire grew}.",
            "Power {was cut|was shut off} to <n> customers {as a precaution|to reduce the risk "
            "of new fires}, <org> said.",
        ],
    },
    "election": {
        "person": [
            "President Adrian Kovac",
            "opposition leader Maria Lindqvist",
            "Prime Minister Samuel Osei",
            "election commissioner Ruth Baptiste",
            "analyst Henrik Dahl",
            "candidate Yusuf Demir",
        ],
        "place": [
            "the capital, Novigrad",
            "the northern provinces",
            "Port Amara",
            "the coastal districts",
            "Lake Veren",
        ],
        "org": [
            "the Central Election Commission",
            "the Social Democratic Party",
            "the National Alliance",
            "international observers",
            "the Supreme Court",
        ],
        "thing": ["the presidential runoff", "the parliamentary election", "the referendum"],
        "templates": [
            "<person> {won|secured} <pct> percent of the vote {in|during} <thing>, "
            "{according to|citing} preliminary results from <org>.",
            "Turnout {was|stood at} <pct> percent, {down from|compared with} <pct2> percent "
            "{four years ago|in the previous vote}, <org> said.",
            "<person> {claimed victory|declared victory} {late on|early} <day> {in a speech|"
            "before supporters} in <place>.",
            "<org> {said it would|vowed to} {challenge|contest} the results {in court|before "
            "<org>}, {citing|alleging} irregularities in <place>.",
            "{Observers|Monitors} from <org> {reported|noted} {long queues|delays} at polling "
            "stations in <place> {but|although} {no major incidents|voting was largely calm}.",
            '"{The people have spoken|This is a victory for every citizen}," <person> '
            "{told|said to} {cheering supporters|reporters} in <place>.",
            "The {governing|ruling} coalition {is expected to|could} {lose|keep} its majority "
            "{in|of} <n3> seats in parliament.",
            "<person> {campaigned on|ran on a platform of} {lowering energy prices|fighting "
            "corruption|raising pensions} and {closer ties|new trade deals} with neighbors.",
            "{Final results|Official results} {are due|are expected} {on|by} <day>, "
            "{according to|said} <org>.",
            "<n> {ballots|votes} {were|had been} counted {by|as of} <day> {morning|evening}.",
            "{Markets|The currency} {rose|fell} <pct3> percent {after|as} {the first results|"
            "exit polls} {were published|came in}.",
            "<person> {congratulated|called} <person> {on|after} {the result|the vote} "
            "{late on|on} <day>.",
        ],
    },
    "rates": {
        "person": [
            "Governor Claudia Reyes",
            "Deputy Governor Martin Falk",
            "economist Sarah Okafor",
            "Finance Minister Lukas Brandt",
            "strategist Kenji Morita",
        ],
        "place": ["Frankfurt", "the eurozone", "Ottawa", "London", "the domestic market"],
        "org": [
            "the central bank",
            "the Monetary Policy Committee",
            "the finance ministry",
            "the statistics office",
            "the International Monetary Fund",
        ],
        "thing": ["the benchmark rate", "the deposit rate", "the policy rate"],
        "templates": [
            "<org> {raised|cut|held} <thing> {at|to} <pct3> percent {on|at its meeting on} "
            "<day>, {as expected|surprising some economists}.",
            "Inflation {slowed|accelerated} to <pct3> percent in <month>, {above|below} "
            "<org>'s target of 2 percent.",
            "<person> said {further increases|more cuts} {could not be ruled out|were likely} "
            "{if|should} {price pressures|wage growth} {persist|remain strong}.",
            '"{We will do what is necessary|Our job is not done yet}," <person> {told '
            "reporters|said at a news conference} in <place>.",
            "{The decision|The move} was {backed|supported} by <n3> of {the nine|the seven} "
            "members of <org>, {with|while} <n3> {voting|dissenting} {for|in favor of} "
            "{a larger move|no change}.",
            "{Bond yields|Two-year yields} {fell|rose} <pct3> percentage points {after|following} "
            "the announcement, {and|while} the currency {weakened|strengthened}.",
            "<org> {forecast|now expects} growth of <pct3> percent {this year|next year}, "
            "{down from|up from} <pct3> percent {in its previous projections|in <month>}.",
            "{Economists|Analysts} {polled by|surveyed by} {Reuters|Bloomberg} had {expected|"
            "forecast} {the move|a pause}, <person> said.",
            "{Mortgage rates|Borrowing costs} in <place> {have risen|have fallen} {sharply|"
            "steadily} {since|over} <month>, {squeezing|helping} households.",
            "Unemployment {held|rose} {at|to} <pct3> percent in <month>, <org> said {on|"
            "earlier on} <day>.",
            "<person> {said|warned} that {energy prices|food prices} {remained|were} "
            "{a risk|the biggest uncertainty} for {the outlook|the economy}.",
        ],
    },
    "earthquake": {
        "person": [
            "Interior Minister Ayse Kaplan",
            "rescuer Mehmet Yildiz",
            "seismologist Naoko Sato",
            "Governor Ricardo Paz",
            "survivor Leila Haddad",
        ],
        "place": [
            "Malatya",
            "the mountain town of Ardin",
            "Kahra province",
            "the port city of Selim",
            "villages near the epicenter",
        ],
        "org": [
            "the U.S. Geological Survey",
            "the disaster management agency",
            "the World Health Organization",
            "the Red Crescent",
            "the health ministry",
        ],
        "thing": ["the magnitude <mag> earthquake", "the quake", "the magnitude <mag> tremor"],
        "templates": [
            "<thing> {struck|hit} <place> {shortly after|just before} {midnight|dawn} "
            "{on|local time on} <day>, <org> said.",
            "The death toll {rose|climbed} to <n3> {on|by} <day>, {with|and} <n> people "
            "{injured|hurt}, <person> said.",
            "Rescuers {pulled|dug} <n3> {survivors|people} from {the rubble|collapsed buildings} "
            "in <place> {overnight|on <day>}.",
            "{The epicenter was|It was centered} <n2> kilometers {north|south|east} of <place> "
            "at a depth of <n2> kilometers, according to <org>.",
            "{Aftershocks|Dozens of aftershocks} {rattled|shook} <place>, {sending|forcing} "
            "residents {into the streets|to sleep outdoors}.",
            '"{We heard them calling|We could hear voices} {under the concrete|beneath the '
            'debris}," said <person>.',
            "<org> {sent|dispatched} <n> {rescue workers|emergency personnel} and "
            "{tents|blankets} to <place>.",
            "{Roads|Bridges} {into|leading to} <place> {were damaged|were blocked by "
            "landslides}, {slowing|hampering} {the relief effort|aid deliveries}.",
            "<person> said <n> buildings {had collapsed|were destroyed} and {thousands|many "
            "more} {were unsafe|needed inspection}.",
            "{Hospitals|Clinics} in <place> were {overwhelmed|treating patients in corridors}, "
            "according to <org>.",
            "The region {sits on|lies along} {a major fault line|an active fault} and {has "
            "been|was} {hit by|struck by} {deadly quakes|strong earthquakes} {before|in the past}.",
        ],
    },
    "trial": {
        "person": [
            "Judge Miriam Castellano",
            "prosecutor Owen Fairbanks",
            "defense attorney Grace Liu",
            "defendant Victor Halloran",
            "witness Carla Jensen",
        ],
        "place": [
            "Manhattan federal court",
            "the district court in Harlow",
            "the courthouse in Brenton",
            "the state capital",
        ],
        "org": [
            "the Justice Department",
            "the jury",
            "the appeals court",
            "Halloran Capital",
            "the Securities and Exchange Commission",
        ],
        "thing": ["the fraud trial", "the securities fraud case", "the corruption trial"],
        "templates": [
            "<org> {found|convicted} <person> {guilty|liable} on <n3> counts {of wire fraud|"
            "of conspiracy} {on|late on} <day>.",
            "<person> {faces|could face} up to <n2> years in prison {when|after} {sentenced|"
            "sentencing} in <month>.",
            "{During|Over} <n3> weeks of testimony, <person> {told jurors|argued} that "
            "{investors|clients} {were misled|lost} <money>.",
            '"{This verdict sends a clear message|No one is above the law}," <person> '
            "{said outside|told reporters outside} <place>.",
            "<person> {said|told reporters} {the defense|her client} {would appeal|planned to "
            "appeal} {the verdict|the ruling} to <org>.",
            "{Prosecutors|The government} {called|presented} <n3> witnesses, {including|among "
            "them} <person>, {a former|an ex-} {executive|employee} at <org>.",
            "<person> {ordered|instructed} {the jury|jurors} to {disregard|set aside} "
            "{the remark|the testimony} {on|during} <day>.",
            "<org> {agreed|had agreed} to pay <money> {to settle|resolving} {related|parallel} "
            "civil charges {in|last} <month>.",
            "{The case|The trial} {centered on|focused on} {loans|payments} worth <money> "
            "{made|routed} through {shell companies|offshore accounts}.",
            "<person> {showed no emotion|sat motionless} {as|while} the verdict was "
            "{read|announced} in <place>.",
        ],
    },
    "strike": {
        "person": [
            "union leader Frank Delgado",
            "Transport Minister Anna Weiss",
            "spokeswoman Helen Park",
            "commuter Raj Patel",
            "CEO Martin Sorensen",
        ],
        "place": [
            "the capital's subway",
            "the main rail hub",
            "the port of Eastbridge",
            "regional airports",
            "the city center",
        ],
        "org": [
            "the transport workers' union",
            "the national rail operator",
            "the employers' federation",
            "the labor ministry",
            "the airport authority",
        ],
        "thing": ["the 48-hour strike", "the walkout", "the strike"],
        "templates": [
            "<thing> {halted|disrupted} {service|operations} at <place> {on|from} <day>, "
            "{stranding|affecting} <n> {passengers|commuters}.",
            "<org> {is demanding|wants} a pay rise of <pct3> percent {to offset|to make up for} "
            "{inflation|rising living costs}.",
            "<org> {has offered|offered} <pct3> percent {over two years|this year}, "
            "{which|an offer} <person> {called|described as} {insulting|inadequate}.",
            '"{We have no choice|Our members have had enough}," <person> {told|said to} '
            "{reporters|a rally} {outside|near} <place>.",
            "Talks {between|involving} <org> and <org> {broke down|collapsed} {on|late on} "
            "<day> {after|following} <n2> hours.",
            "<person> {urged|called on} both sides to {return to|resume} {negotiations|talks} "
            "{and warned|warning} of {economic damage|disruption}.",
            "Only <pct> percent of {trains|flights} {ran|operated} {on|during} <day>, <org> said.",
            "{More strikes|Further walkouts} {are planned|were announced} for <month> "
            "{unless|if} {a deal is reached|no agreement is reached}.",
            "{Businesses|Shops} in <place> {reported|said} sales {fell|dropped} <pct> percent "
            "{during|because of} <thing>.",
            "<person> said {the company|the operator} {could not afford|would not accept} "
            "{the demands|a larger increase}.",
        ],
    },
    "storm": {
        "person": [
            "forecaster Miguel Santos",
            "Governor Rebecca Thornton",
            "emergency director Paul Nguyen",
            "resident Alicia Grant",
            "Mayor Joseph Bell",
        ],
        "place": [
            "the Gulf Coast",
            "Port Lavaca",
            "coastal Carolina",
            "the Florida Keys",
            "Galveston Island",
        ],
        "org": [
            "the National Hurricane Center",
            "the Coast Guard",
            "FEMA",
            "the state emergency management agency",
            "the utility",
        ],
        "thing": ["Hurricane Delia", "Tropical Storm Marco", "the storm"],
        "templates": [
            "<thing> {made landfall|came ashore} {near|close to} <place> {on|early on} <day> "
            "with {maximum sustained winds|winds} of <n2> miles per hour.",
            "<org> {warned|said} of {a life-threatening storm surge|dangerous flooding} of up "
            "to <n3> feet {along|in} <place>.",
            "<n> {homes and businesses|customers} were {without power|in the dark} {by|on} "
            "<day>, <org> said.",
            "<person> {ordered|issued} {mandatory evacuations|evacuation orders} for <place> "
            "{ahead of|before} <thing>.",
            "<thing> {was forecast|is expected} to {weaken|strengthen} {as it moves|while "
            "moving} {inland|over warm waters}, <person> said.",
            '"{Do not wait|Leave now} {until it is too late|while you still can}," <person> '
            "{told|urged} residents {of|in} <place>.",
            "<org> {rescued|pulled} <n3> people from {flooded homes|rooftops} in <place>.",
            "{Rainfall totals|Up to} <n3> inches of rain {fell|were recorded} {in|across} "
            "<place> {in 24 hours|overnight}.",
            "{Schools|Airports} {across|in} <place> {were closed|remained closed} {on|through} "
            "<day>.",
            "<org> {positioned|staged} {supplies|water and generators} {in|near} <place> "
            "{before|ahead of} landfall.",
        ],
    },
    "earnings": {
        "person": [
            "chief executive Nora Whitfield",
            "finance chief David Chen",
            "analyst Rachel Stein",
            "founder Arjun Mehta",
            "investor Paul Becker",
        ],
        "place": ["Silicon Valley", "after-hours trading", "China", "Europe", "the Nasdaq"],
        "org": [
            "Helix Systems",
            "Orbital Networks",
            "the company",
            "Wall Street analysts",
            "regulators",
        ],
        "thing": ["the cloud division", "its chip unit", "the advertising business"],
        "templates": [
            "<org> {reported|posted} {quarterly|third-quarter} revenue of <money>, {up|down} "
            "<pct> percent from a year earlier.",
            "Shares {rose|fell|jumped|slid} <pct3> percent in <place> {after|following} "
            "the results.",
            "Revenue {at|from} <thing> {grew|increased} <pct> percent to <money>, "
            "{beating|missing} {estimates|expectations} of <money>.",
            "<person> {said|told analysts} {demand for|spending on} {artificial intelligence|"
            "data centers} {remained strong|was accelerating}.",
            "<org> {forecast|expects} {fourth-quarter|full-year} sales of {between|about} "
            "<money>, {above|below} {what analysts expected|the consensus}.",
            '"{We are still early|This is only the beginning}," <person> {said on a call|'
            "told investors} {with analysts|on <day>}.",
            "<org> {announced|unveiled} a <money> share buyback {and|while} {raising|keeping} "
            "its dividend.",
            "Sales in <place> {fell|declined} <pct> percent {amid|because of} {export "
            "restrictions|weak demand}, <person> said.",
            "<org> {plans to cut|will eliminate} <n> jobs, {or|about} <pct3> percent of its "
            "workforce, {to reduce costs|as it restructures}.",
            "{Net income|Profit} {rose|fell} to <money>, or <cents> cents a share, "
            "{from|compared with} <money> a year {ago|earlier}.",
        ],
    },
}

GENERIC = [
    "<org> did not {immediately|} respond to a request for comment {on|late on} <day>.",
    "<person> {declined to comment|would not comment} {further|on the details}.",
    "{The|This} {news|development} {comes|came} {after|amid} {weeks|months} of "
    "{uncertainty|speculation} in <place>.",
    "{Officials|Authorities} {said|say} {more information|an update} {would be released|"
    "is expected} {on|by} <day>.",
    '"{We are monitoring the situation closely|Our priority is the safety of everyone '
    'involved}," <person> said {in a statement|on <day>}.',
    "<person> {told|said to} <outlet> that {the situation|things} {could change quickly|"
    "remained fluid}.",
    "{It was not clear|It was unclear} {how many people|whether residents} {in <place>|} "
    "{were affected|would be affected}.",
    "{Last year|In <month>}, <org> {faced|drew} {criticism|scrutiny} {over|for} its "
    "{handling|response} {in|to} <place>.",
    "{Local|Regional} media {reported|said} that <n3> {people|residents} {had been|were} "
    "{affected|involved}.",
    "{Critics|Opponents} {say|argued} <org> {moved too slowly|did too little}, {a claim|"
    "an accusation} <person> {rejected|denied}.",
    "<person> {is expected to|will} {visit|travel to} <place> {on|later on} <day>.",
    "{A spokesperson|A spokesman|A spokeswoman} for <org> {confirmed|said} {the figures|the "
    "report} {but gave no further details|without elaborating}.",
]

#: Site name -> (dateline format, boilerplate lines appended to every article of that site).
SITES: dict[str, tuple[str, list[str]]] = {
    "wire": ("{CITY} (Wire) — ", []),
    "dailyherald": (
        "",
        [
            "Sign up for the Daily Herald morning briefing to get the day's top "
            "stories in your inbox.",
            "Copyright 2026 Daily Herald Media. All rights reserved.",
        ],
    ),
    "metrotimes": (
        "By Metro Times staff | ",
        ["Have a news tip? Contact the Metro Times newsroom by email or send us a message."],
    ),
    "coastalpost": (
        "{CITY} — ",
        [
            "This story was originally published by Wire and is republished with permission.",
            "Follow the Coastal Post on social media for live updates.",
        ],
    ),
    "valleynews": (
        "",
        [
            "Related: Read more coverage in our news section.",
            "The Valley News "
            "relies on readers like you. Subscribe today for full access to local "
            "journalism.",
        ],
    ),
    "nationalreview": (
        "{CITY}, <day> — ",
        [
            "Copyright 2026 Wire. All rights reserved. "
            "This material may not be published, broadcast, "
            "rewritten or redistributed."
        ],
    ),
}
CITIES = ["NEW YORK", "LONDON", "WASHINGTON", "PARIS", "TOKYO", "MADRID", "BERLIN", "SYDNEY"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
OUTLETS = ["the Associated Press", "Reuters", "local television", "a radio station"]
HEADLINES = [
    "{Thing} {leaves|brings} {chaos|disruption} {to|in} {Place}",
    "{Person} {says|warns} {worst is over|more to come} {as|after} {thing} {grows|ends}",
    "What we know about {thing} in {Place}",
    "{Thing}: {Person} {responds|speaks out}",
    "{Live updates|Latest}: {thing} {in|and} {Place}",
]
LOCAL_ADDITIONS = [
    "Local officials in {place} said they were following the situation closely.",
    "Readers in {place} can find more information on the county's website.",
    "The {site} contacted several residents of {place}, who described a tense few days.",
    "A vigil is planned for {day} evening in {place}.",
    "Schools in {place} will publish updates on their websites, the district said.",
]
STYLE_EDITS = [
    (r"\bpercent\b", "per cent"),
    (r"\bthe capital\b", "the nation's capital"),
    (r"\bmiles per hour\b", "mph"),
    (r"\bthousands\b", "tens of thousands"),
    (r"\bon (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", r"\1"),
]


def _expand(
    template: str, rng: random.Random, pool: dict[str, list[str]], sentence: bool = True
) -> str:
    """Pick one alternative in each ``{a|b}`` and fill each ``<slot>`` from the topic pool."""
    text = re.sub(r"\{([^{}]*)\}", lambda m: rng.choice(m.group(1).split("|")), template)
    fills = {
        "n": lambda: f"{rng.randint(2, 90) * 1000 + rng.randint(0, 999):,}",
        "n2": lambda: str(rng.randint(12, 140)),
        "n3": lambda: str(rng.randint(2, 60)),
        "pct": lambda: str(rng.randint(5, 95)),
        "pct2": lambda: str(rng.randint(5, 95)),
        "pct3": lambda: f"{rng.randint(0, 9)}.{rng.randint(1, 9)}",
        "mag": lambda: f"{rng.randint(5, 7)}.{rng.randint(0, 9)}",
        "money": lambda: (
            f"${rng.randint(2, 900)}.{rng.randint(1, 9)} {rng.choice(['million', 'billion'])}"
        ),
        "cents": lambda: str(rng.randint(8, 240)),
        "day": lambda: rng.choice(DAYS),
        "month": lambda: rng.choice(MONTHS),
        "outlet": lambda: rng.choice(OUTLETS),
    }

    def fill(match: re.Match) -> str:
        slot = match.group(1)
        if slot in fills:
            return fills[slot]()
        return _expand(rng.choice(pool[slot]), rng, pool, sentence=False)

    text = re.sub(r"<(\w+)>", fill, text)
    text = re.sub(r"\s+", " ", text).replace(" ,", ",").replace(" .", ".").strip()
    return text[0].upper() + text[1:] if sentence else text


def _story(rng: random.Random, topic: str) -> dict:
    """One original story of ~300-700 words: each template once, a few twice, shuffled."""
    pool = TOPICS[topic]
    templates = pool["templates"] + GENERIC
    chosen = rng.sample(templates, rng.randint(16, len(templates)))
    chosen += rng.sample(templates, rng.randint(6, 16))
    rng.shuffle(chosen)
    sentences = [_expand(template, rng, pool) for template in chosen]
    paragraphs, i = [], 0
    while i < len(sentences):
        size = rng.randint(1, 3)
        paragraphs.append(" ".join(sentences[i : i + size]))
        i += size
    title = _headline(rng, pool)
    return {"title": title, "paragraphs": paragraphs, "topic": topic}


def _headline(rng: random.Random, pool: dict[str, list[str]]) -> str:
    words = {
        "Thing": _expand(rng.choice(pool["thing"]), rng, pool),
        "Person": _expand(rng.choice(pool["person"]), rng, pool),
        "Place": _expand(rng.choice(pool["place"]), rng, pool),
    }
    words["thing"] = words["Thing"][0].lower() + words["Thing"][1:]
    text = re.sub(
        r"\{([^{}]*\|[^{}]*)\}", lambda m: rng.choice(m.group(1).split("|")), rng.choice(HEADLINES)
    )
    return text.format(**words)


def _copy(rng: random.Random, story: dict, site: str, pool: dict[str, list[str]]) -> dict:
    """Republish a story on a site, with the edits syndication partners really make."""
    paragraphs = list(story["paragraphs"])
    title = story["title"]
    if site != "wire" and rng.random() < 0.8:
        title = _headline(rng, pool)
    if site != "wire":
        if rng.random() < 0.35 and len(paragraphs) > 4:
            del paragraphs[rng.randint(len(paragraphs) * 3 // 5, len(paragraphs) - 1) :]
        for _ in range(rng.choice([0, 0, 1, 2])):
            if len(paragraphs) > 3:
                del paragraphs[rng.randrange(1, len(paragraphs))]
        for _ in range(rng.choice([0, 1, 1, 2])):
            local = rng.choice(LOCAL_ADDITIONS).format(
                place=_expand(rng.choice(pool["place"]), rng, pool, sentence=False),
                site=site,
                day=rng.choice(DAYS),
            )
            paragraphs.insert(rng.randint(1, len(paragraphs)), local)
        if rng.random() < 0.4:
            pattern, replacement = rng.choice(STYLE_EDITS)
            paragraphs = [re.sub(pattern, replacement, p) for p in paragraphs]
        if rng.random() < 0.3:
            k = rng.randrange(len(paragraphs))
            paragraphs[k] = re.sub(
                r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 5)), paragraphs[k], count=1
            )
        if rng.random() < 0.2 and len(paragraphs) > 3:
            a = rng.randrange(1, len(paragraphs) - 1)
            paragraphs[a], paragraphs[a + 1] = paragraphs[a + 1], paragraphs[a]
    dateline, boilerplate = SITES[site]
    dateline = dateline.replace("{CITY}", rng.choice(CITIES)).replace("<day>", rng.choice(DAYS))
    paragraphs[0] = dateline + paragraphs[0]
    return {"title": title, "body": "\n\n".join(paragraphs + boilerplate)}


def make_syndication_set(groups: int = 60, singles: int = 60, seed: int = 2026) -> list[dict]:
    """`groups` stories republished by 2-6 sites plus `singles` one-off stories, shuffled.

    Each record: ``{"id", "story", "topic", "site", "title", "body"}``.
    """
    rng = random.Random(seed)
    topics = sorted(TOPICS)
    records = []
    for n in range(groups + singles):
        topic = topics[n % len(topics)]
        story = _story(rng, topic)
        if n < groups:
            sites = ["wire", *rng.sample([s for s in SITES if s != "wire"], rng.randint(1, 5))]
        else:
            sites = [rng.choice(list(SITES))]
        for site in sites:
            copy = _copy(rng, story, site, TOPICS[topic])
            records.append({"story": f"s{n:04d}", "topic": topic, "site": site, **copy})
    rng.shuffle(records)
    for i, record in enumerate(records):
        record["id"] = f"d{i:05d}"
    return [{"id": r["id"], **{k: v for k, v in r.items() if k != "id"}} for r in records]


def load_syndication_set(path: Path = OUTPUT) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


if __name__ == "__main__":
    with OUTPUT.open("w", encoding="utf-8") as out:
        for record in make_syndication_set():
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.write(f"wrote {OUTPUT}\n")
