"""Stories of `yonhap-test`, an English wire service; the Kursk-losses story is syndicated."""

from __future__ import annotations

from newsspider.testweb.spec import ArticleSpec, paras

SITE = "yonhap-test"
KURSK_LOSSES_GROUP = "yna-kursk-casualties"

KURSK_LOSSES_PARAGRAPHS = paras(
    """
SEOUL, {DATE} (Yonhap) -- North Korean troops deployed to Russia have suffered heavy casualties in
fighting in the Kursk region, with hundreds estimated to have been killed or wounded since they
were thrown into frontline assaults, South Korea's spy agency told lawmakers.

The National Intelligence Service (NIS) gave the assessment in a closed-door briefing to the
parliamentary intelligence committee, according to lawmakers who attended the session.

"North Korean soldiers are being used in large-scale assault operations, and the number of
casualties has risen sharply over the past few weeks," Rep. Kang Tae-hoon of the ruling party told
reporters after the briefing.

The agency believes the N. Korean troops lack experience with drone warfare and have been exposed
in open fields, making them vulnerable to Ukrainian drones and artillery, Kang said.

The NIS also said Pyongyang appears to be preparing to send additional troops and is expanding the
production of short-range ballistic missiles and artillery shells for Russia.

"There are signs that the North is selecting personnel for a second rotation, including members of
special operations units," Rep. Yoon Min-jae of the main opposition party said, citing the agency.

North Korea and Russia have justified the deployment under their comprehensive strategic
partnership treaty, which took effect in December 2024 and includes a mutual defense clause.

Seoul and Washington estimate that more than 11,000 North Korean soldiers have been sent to Russia,
most of them to Kursk, where Ukrainian forces launched a cross-border incursion in August 2024.

In return, North Korea is believed to be receiving oil, air defense equipment and possibly
sensitive military technology, raising concerns in Seoul about the North's growing weapons
capabilities.
"""
)

KURSK_LOSSES_CAPTION = (
    "A TV screen at Seoul Station shows file images of North Korean soldiers during a news "
    "program about the war in Ukraine. AP-Yonhap"
)

ARTICLES: tuple[ArticleSpec, ...] = (
    ArticleSpec(
        site=SITE,
        key="000351315",
        title="N. Korean troops suffer heavy casualties in Kursk fighting: NIS",
        age_hours=20,
        modified_age_hours=18.5,
        authors=("Kim Eun-jung",),
        wire="Yonhap",
        section="North Korea",
        relevant=True,
        syndicated_group=KURSK_LOSSES_GROUP,
        captions=(KURSK_LOSSES_CAPTION,),
        paragraphs=KURSK_LOSSES_PARAGRAPHS,
    ),
    ArticleSpec(
        site=SITE,
        key="000512315",
        title="S. Korea says N. Korea shipped 3,000 more soldiers to Russia",
        age_hours=6,
        authors=("Lee Min-seo",),
        wire="Yonhap",
        section="North Korea",
        relevant=True,
        paragraphs=paras(
            """
SEOUL, {DATE} (Yonhap) -- North Korea has sent about 3,000 additional soldiers to Russia to
replenish units that suffered losses in the Kursk region, South Korea's Joint Chiefs of Staff (JCS)
said.

The new troops were transported by Russian military aircraft and vessels from the North's eastern
port of Wonsan to Vladivostok over the past two months, a JCS official told reporters on condition
of anonymity.

"We assess that the reinforcements have been moved to the front in western Russia after brief
training in the Far East," the official said.

The JCS estimated that around 4,000 North Korean soldiers have been killed or wounded since the
first units entered combat, a figure roughly in line with earlier assessments by Ukrainian
intelligence.

Pyongyang has also shipped tens of thousands of containers of artillery shells and dozens of KN-23
ballistic missiles to Russia, the official said, adding that the military was closely monitoring
whether Moscow was transferring technology in return.

North Korea publicly acknowledged the deployment for the first time last year, with leader Kim
Jong-un saying his soldiers had fought "heroically" to help Russia recapture Kursk.
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="000790315",
        title="Two N. Korean POWs held by Ukraine want to come to S. Korea: lawmaker",
        age_hours=45,
        modified_age_hours=40,
        authors=("Han Ji-yeon",),
        wire="Yonhap",
        section="North Korea",
        relevant=True,
        captions=(
            "A North Korean soldier captured by Ukrainian forces in Russia's Kursk region "
            "speaks during an interview in Kyiv, in this image released by Ukraine's Security "
            "Service. (Yonhap)",
        ),
        paragraphs=paras(
            """
SEOUL, {DATE} (Yonhap) -- Two North Korean soldiers captured by Ukrainian forces in Russia's Kursk
region have expressed a wish to resettle in South Korea, a lawmaker said after meeting them in
Kyiv.

Rep. Yoon Min-jae said the prisoners of war, who were taken captive during fighting in Kursk, told
him they did not want to be returned to North Korea.

"They said clearly that they want to go to the South. One of them told me he had thought he was
being sent to Russia for training, not for war," Yoon told reporters.

Under the Geneva Conventions, prisoners of war are to be repatriated after hostilities end, but
human rights groups argue that the soldiers would face severe punishment if sent back to the North.

Seoul's foreign ministry said it would accept the soldiers if they wish, noting that North Koreans
are considered citizens of South Korea under its Constitution.

"We are in close consultation with the Ukrainian government so that the two men can come to the
South in line with their free will," a ministry spokesperson said.

Ukraine has said it is willing to hand over the North Korean POWs to South Korea in exchange for
the release of Ukrainian soldiers held by Russia.
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="000655315",
        title="N. Korea fires ballistic missile into East Sea: JCS",
        age_hours=10,
        authors=("Oh Jae-won",),
        wire="Yonhap",
        section="North Korea",
        relevant=False,
        captions=(
            "This photo, released by the Korean Central News Agency, shows a missile launch at "
            "an undisclosed location in North Korea. (For Use Only in the Republic of Korea. "
            "No Redistribution) (Yonhap)",
        ),
        paragraphs=paras(
            """
SEOUL, {DATE} (Yonhap) -- North Korea fired a short-range ballistic missile into the East Sea,
South Korea's Joint Chiefs of Staff (JCS) said, in the latest in a series of weapons tests this
year.

The missile was launched from the Pyongyang area at around 7:50 a.m. and flew some 800 kilometers
before splashing into waters off the North's east coast, the JCS said.

"Our military has strengthened surveillance and vigilance in preparation for additional launches
and is closely sharing information on the North's ballistic missile with the United States and
Japan," the JCS said in a text message to reporters.

Japan's defense ministry said the missile appeared to have fallen outside its exclusive economic
zone and that there were no reports of damage to ships or aircraft.

The launch came days after South Korea and the United States wrapped up a combined air exercise,
which Pyongyang has denounced as a rehearsal for invasion.

Experts said the North may be testing an upgraded version of its solid-fuel Hwasong-11 missile with
an improved guidance system.
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="000420315",
        title="N. Korea floats more trash balloons toward S. Korea",
        age_hours=30,
        authors=("Kim Soo-bin",),
        wire="Yonhap",
        section="North Korea",
        relevant=False,
        paragraphs=paras(
            """
SEOUL, {DATE} (Yonhap) -- North Korea sent balloons carrying trash across the inter-Korean border
again overnight, South Korea's military said, the first such launch in several weeks.

About 100 balloons were detected, and around 40 of them landed in Seoul and northern Gyeonggi
Province, the Joint Chiefs of Staff said, urging citizens not to touch the objects and to report
them to the nearest military unit or police station.

Initial analysis showed the balloons carried paper waste, plastic bottles and cloth scraps, with no
hazardous substances found so far, officials said.

"North Korea's repeated balloon launches are a despicable act that threatens the safety of our
people," the unification ministry said in a statement.

The North began sending trash-filled balloons in 2024 in response to propaganda leaflets floated
northward by activists in the South.
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="000233315",
        title="Kim Jong-un inspects munitions factory, calls for more missile launchers",
        age_hours=50,
        authors=("Lee Min-seo",),
        wire="Yonhap",
        section="North Korea",
        relevant=False,
        paragraphs=paras(
            """
SEOUL, {DATE} (Yonhap) -- North Korean leader Kim Jong-un inspected a major munitions factory and
called for a drastic increase in the production of mobile missile launchers, state media reported.

Kim toured the factory, which produces transporter erector launchers for tactical ballistic
missiles, accompanied by senior officials of the ruling Workers' Party, the Korean Central News
Agency (KCNA) said.

"The munitions industry must make a fresh leap forward to meet the demand of bolstering our nuclear
war deterrent," Kim was quoted as saying.

He set a goal of expanding the factory's production capacity by 2.5 times by the end of next year
and ordered the construction of a new assembly line, according to KCNA.

The visit is the latest in a series of factory inspections by Kim as Pyongyang pushes to complete a
five-year defense development plan announced in 2021.
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="000118315",
        title="N. Korean special forces sent to Russia in new rotation: NIS",
        age_hours=12 * 24,
        authors=("Kim Eun-jung",),
        wire="Yonhap",
        section="North Korea",
        relevant=True,
        paragraphs=paras(
            """
SEOUL, {DATE} (Yonhap) -- North Korea has begun sending a new rotation of special forces troops to
Russia to replace soldiers who were killed or wounded in the Kursk region, South Korea's spy agency
said.

The National Intelligence Service said about 1,500 members of the elite Storm Corps were
transported to Russia's Far East, where they are expected to undergo training before moving to the
front.

"The North appears to be institutionalizing the troop dispatch as a regular rotation, which gives
its army direct combat experience in modern warfare," an NIS official told reporters.

The agency said the North is also sending military engineers and construction workers to Russia to
help rebuild areas of Kursk damaged in the fighting.

The dispatch of North Korean troops to fight for Russia has drawn condemnation from Seoul, Kyiv and
their Western allies, who say it violates U.N. Security Council resolutions.
"""
        ),
    ),
)
