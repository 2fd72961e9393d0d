"""Stories of `koreatimes-test`, an English newspaper that republishes wire copy."""

from __future__ import annotations

from newsspider.testweb.catalog_yonhap import (
    KURSK_LOSSES_CAPTION,
    KURSK_LOSSES_GROUP,
    KURSK_LOSSES_PARAGRAPHS,
)
from newsspider.testweb.spec import ArticleSpec, paras

SITE = "koreatimes-test"


def _newspaper_edit(wire_paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    """How a newspaper desk edits wire copy: no dateline, house style, cut tail, credit."""
    edited = [p.replace("N. Korean", "North Korean") for p in wire_paragraphs[:-1]]
    edited[0] = edited[0].split(" -- ", 1)[1]
    edited[3] = edited[3].replace("drones and artillery", "drones and artillery fire")
    edited[-1] = edited[-1] + " (Yonhap)"
    return tuple(edited)


ARTICLES: tuple[ArticleSpec, ...] = (
    ArticleSpec(
        site=SITE,
        key="nation/103_386123",
        title="Spy agency says North Korean soldiers in Kursk suffering mounting casualties",
        age_hours=19.5,
        modified_age_hours=17,
        wire="Yonhap",
        section="North Korea",
        relevant=True,
        syndicated_group=KURSK_LOSSES_GROUP,
        captions=(KURSK_LOSSES_CAPTION,),
        paragraphs=_newspaper_edit(KURSK_LOSSES_PARAGRAPHS),
    ),
    ArticleSpec(
        site=SITE,
        key="nation/103_386088",
        title="North Korea gains combat know-how from Russia's war, experts warn",
        age_hours=28,
        authors=("Yoon Seo-yeon",),
        section="North Korea",
        relevant=True,
        captions=(
            "North Korean soldiers march during a military parade in Pyongyang, in this file "
            "photo. Korea Times file",
        ),
        paragraphs=paras(
            """
North Korea's troop deployment to Russia is giving its military something it has lacked for seven
decades: real combat experience, experts here say.

Since North Korean soldiers were first sent to the Kursk region, they have learned to operate
alongside drones, adapt to electronic warfare and coordinate with Russian artillery units,
according to analysts and Ukrainian officials.

"The North Korean army that returns from Russia will not be the same army that left. It has learned
how modern wars are fought, at a terrible price in lives," said Shin Jae-woo, a research fellow at
the Seoul Institute for Security Studies.

Ukrainian military intelligence has said North Korean units initially suffered heavy losses because
they advanced in large groups across open terrain, but changed their tactics after several weeks.

"They are learning fast. They now move in small groups and use drones of their own," a Ukrainian
officer fighting in the Kursk area told reporters earlier this year.

Experts say the lessons could be applied on the Korean Peninsula, where the North's military has
long relied on massed infantry and artillery.

"South Korea and the United States need to update their defense plans based on what North Korea has
learned in Russia," Shin said.

Seoul's defense ministry has set up a task force to analyze the North's combat experience and its
implications for South Korea's security.
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="world/501_386010",
        title="Ukraine says drone strikes killed dozens of North Korean soldiers in Kursk",
        age_hours=55,
        wire="AFP",
        section="World",
        relevant=True,
        paragraphs=paras(
            """
Ukraine's special operations forces said they had killed dozens of North Korean soldiers in drone
strikes in Russia's Kursk region, releasing video footage they said showed the attacks.

"Over the past three days, our units have destroyed more than 30 North Korean servicemen who were
attempting to storm our positions," the special operations forces said in a statement on Telegram.

The footage, which AFP could not independently verify, showed soldiers running across frozen fields
as drones approached.

Kyiv says North Korean troops are fighting in Kursk in units alongside Russian marines and
paratroopers, and that language barriers have hampered their coordination.

Moscow has not commented on the claims. Pyongyang and Moscow have defended their military
cooperation as legitimate under a defense pact signed by Kim Jong-un and Vladimir Putin. (AFP)
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="world/501_386201",
        title="Russian drones, missiles pound Ukraine's energy grid as winter nears",
        age_hours=8,
        wire="Reuters",
        section="World",
        relevant=False,
        captions=(
            "Firefighters work at the site of a Russian strike on an energy facility in the "
            "Kyiv region. Reuters-Yonhap",
        ),
        paragraphs=paras(
            """
Russia launched a massive drone and missile attack on Ukraine's energy infrastructure overnight,
causing power outages in Kyiv and several other regions, Ukrainian officials said.

Ukraine's air force said it shot down 74 of the 112 drones and 9 of the 12 missiles launched by
Russia. Debris fell on residential areas in the capital, injuring at least six people.

"Russia is once again trying to plunge Ukrainians into darkness and cold before winter," Ukraine's
energy minister said in a statement.

State grid operator Ukrenergo introduced emergency blackouts in the Kyiv, Kharkiv and Odesa regions
and asked consumers to limit electricity use during evening peak hours.

President Volodymyr Zelensky renewed his call for Western allies to deliver more air defense
systems. "Every Patriot system means lives saved," he said in his nightly video address.

Russia's defense ministry said it had carried out a "massive strike" with precision weapons on
energy facilities that support Ukraine's military-industrial complex. (Reuters)
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="nation/103_386050",
        title="North Korea blows up roads near border, Seoul fires warning shots",
        age_hours=33,
        authors=("Choi Dong-hyun",),
        section="North Korea",
        relevant=False,
        paragraphs=paras(
            """
North Korea blew up sections of roads connecting the two Koreas north of the military demarcation
line, prompting South Korea's military to fire warning shots, the Joint Chiefs of Staff said.

The explosions took place on the Gyeongui and Donghae lines, which once carried inter-Korean
traffic, and were followed by work with excavators, the JCS said.

"Our military fired warning shots in the area south of the military demarcation line and is closely
monitoring the North's activity," the JCS said.

The North declared two years ago that it would cut off all road and rail links with the South and
fortify the border, as Kim Jong-un abandoned the decades-old goal of unification and defined Seoul
as a hostile state.

The unification ministry called the demolition a "regressive act" and urged Pyongyang to stop
actions that raise tensions on the peninsula.
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="nation/103_386030",
        title="Kim Yo-jong warns Seoul over leaflet launches by activists",
        age_hours=40,
        authors=("Choi Dong-hyun",),
        section="North Korea",
        relevant=False,
        paragraphs=paras(
            """
Kim Yo-jong, the powerful sister of North Korean leader Kim Jong-un, warned South Korea of "dire
consequences" if it fails to stop activists from sending anti-Pyongyang leaflets across the border.

"The ROK authorities will have to pay a dear price for connivance at the despicable leaflet
scattering by human scum," she said in a statement carried by the Korean Central News Agency.

A defector group said earlier in the week that it had floated 20 large balloons carrying 200,000
leaflets, USB sticks with K-dramas and one-dollar bills from the border island of Ganghwa.

Seoul's unification ministry urged activists to refrain from leaflet launches, citing the safety of
residents in border areas, while saying it respected freedom of expression.

Tensions between the two Koreas have been high since the North began sending trash balloons
southward in 2024, prompting the South to resume propaganda loudspeaker broadcasts along the border
for a time.
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="nation/103_385512",
        title="Zelensky says North Korean troops joining new Russian offensive in Kursk",
        age_hours=20 * 24,
        authors=("Yoon Seo-yeon",),
        section="North Korea",
        relevant=True,
        paragraphs=paras(
            """
Ukrainian President Volodymyr Zelensky said that North Korean troops have joined a new Russian
offensive in the Kursk region, calling on allies to respond to what he called a growing threat from
Pyongyang.

"We see an increased number of North Korean soldiers in assaults. Russia is using them as cannon
fodder," Zelensky said in his nightly address.

According to Ukraine's General Staff, North Korean units were spotted near several villages in the
Kursk region, fighting alongside Russian paratroopers.

South Korea's foreign ministry said it was closely monitoring the situation and would consult with
Ukraine and NATO on countermeasures.

Seoul has so far refrained from supplying lethal weapons directly to Ukraine, but officials have
said all options are on the table as North Korea's involvement deepens.
"""
        ),
    ),
)
