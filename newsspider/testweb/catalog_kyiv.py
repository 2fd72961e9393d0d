"""Stories of `kyiv-test`, a Ukrainian English-language newspaper with broken feed entries."""

from __future__ import annotations

from newsspider.testweb.spec import ArticleSpec, paras

SITE = "kyiv-test"

ARTICLES: tuple[ArticleSpec, ...] = (
    ArticleSpec(
        site=SITE,
        key="north-korean-troops-attack-ukrainian-positions-kursk-oblast",
        title="North Korean troops attack Ukrainian positions in Kursk Oblast, General Staff says",
        age_hours=4,
        authors=("Olena Hrytsenko",),
        section="War",
        relevant=True,
        captions=(
            "Ukrainian soldiers fire a howitzer toward Russian positions in Kursk Oblast. "
            "(Illustrative photo: General Staff of the Armed Forces of Ukraine)",
        ),
        paragraphs=paras(
            """
North Korean soldiers fighting for Russia launched several assaults on Ukrainian positions in
Russia's Kursk Oblast over the past day, Ukraine's General Staff reported.

According to the General Staff, Ukrainian forces repelled 14 attacks near the village of
Sverdlikovo, where North Korean units are operating alongside Russian airborne troops.

"The enemy is using North Korean infantry in waves, supported by drones and artillery. Our
defenders are holding their positions," the General Staff said in its evening update.

Ukraine's military intelligence agency (HUR) estimates that around 11,000 North Korean troops
remain in the Kursk region, after losing thousands of soldiers killed and wounded since they
entered combat.

North Korea began sending troops to Russia in the fall of 2024, under a mutual defense treaty that
Kim Jong-un and Russian President Vladimir Putin signed in Pyongyang that June.

President Volodymyr Zelensky has repeatedly called on Ukraine's partners to respond to Pyongyang's
involvement, warning that North Korea is gaining combat experience that it could use elsewhere.

"Every North Korean soldier on our front lines is proof that Putin cannot win this war with his own
resources," Zelensky said earlier this week.
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="ukraine-captures-two-north-korean-soldiers-in-kursk-region",
        title="Ukraine captures two more North Korean soldiers in Kursk region, Zelensky says",
        age_hours=36,
        modified_age_hours=34,
        authors=("Dmytro Kovalenko",),
        section="War",
        relevant=True,
        paragraphs=paras(
            """
Ukrainian forces have captured two North Korean soldiers in Russia's Kursk Oblast, President
Volodymyr Zelensky announced, publishing photos of the wounded men.

"Our soldiers captured two military personnel from North Korea. They are wounded but survived and
were taken to Kyiv, where they are now communicating with the Security Service of Ukraine,"
Zelensky wrote on Telegram.

The Security Service of Ukraine (SBU) said one of the men carried a Russian military ID issued in
the name of a resident of Tuva, a practice it said Moscow uses to disguise the presence of North
Korean troops.

Zelensky said Ukraine was ready to hand the prisoners over to North Korean leader Kim Jong-un if he
could arrange their exchange for Ukrainians held in Russian captivity.

"For those North Korean soldiers who do not want to return, there may be other options," he added,
referring to the possibility of the men being sent to South Korea.

South Korea's National Intelligence Service confirmed the capture and said it was cooperating with
Ukrainian intelligence to question the soldiers.
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="hur-north-korean-units-rotated-to-front-after-heavy-losses",
        title="HUR: North Korean units rotated to front after heavy losses in Kursk",
        age_hours=52,
        authors=("Kateryna Tyshchenko", "Olena Hrytsenko"),
        section="War",
        relevant=True,
        paragraphs=paras(
            """
North Korea has rotated fresh units into Russia's Kursk Oblast to replace troops who suffered heavy
losses, Ukraine's military intelligence agency (HUR) said.

"We see the arrival of new North Korean contingents, who have received additional training in drone
warfare," a HUR spokesperson said on national television.

According to HUR, North Korean troops have lost at least 4,000 killed and wounded in Kursk, though
the figure could not be independently verified.

The agency said that Russian commanders were increasingly deploying the North Korean soldiers in
separate units instead of mixing them with Russian forces, after communication problems led to
friendly fire incidents.

North Korean artillery crews and multiple rocket launcher systems have also been observed in the
region, HUR added.
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="russian-drone-attack-on-kyiv-injures-9",
        title="Russian drone attack on Kyiv injures 9, damages apartment blocks",
        age_hours=3,
        authors=("Anna Melnyk",),
        section="Kyiv",
        relevant=False,
        captions=(
            "Firefighters extinguish a fire in an apartment building damaged by a Russian "
            "drone attack in Kyiv. (State Emergency Service of Ukraine)",
        ),
        paragraphs=paras(
            """
A Russian drone attack on Kyiv overnight injured nine people, including a child, and damaged
several apartment buildings, Kyiv Mayor Vitali Klitschko said.

Air defenses were active over the capital for more than five hours as waves of Shahed-type attack
drones approached from several directions, the Kyiv City Military Administration reported.

"Debris fell in the Solomianskyi and Sviatoshynskyi districts. Emergency services are working at
the sites," Klitschko wrote on Telegram.

Ukraine's Air Force said Russia launched 96 drones and two Iskander-M ballistic missiles overnight,
with 71 drones shot down and 20 others lost to electronic warfare.

The attack came as Ukraine's allies met to discuss new air defense deliveries ahead of the winter
heating season.
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="zelensky-presents-resilience-plan-to-parliament",
        title="Zelensky presents winter 'resilience plan' to parliament",
        age_hours=26,
        authors=("Dmytro Kovalenko",),
        section="Politics",
        relevant=False,
        paragraphs=paras(
            """
President Volodymyr Zelensky presented a plan to strengthen Ukraine's resilience over the winter in
a speech to the Verkhovna Rada, pledging new investments in energy protection and support for
front-line communities.

"Russia wants this winter to break us. We will prove once again that Ukrainians do not break,"
Zelensky told lawmakers.

The plan includes the construction of protective structures around energy facilities, distributed
generation for hospitals and schools, and payments for families displaced from front-line regions.

Zelensky also urged parliament to pass legislation on defense procurement reform and to approve
next year's budget without delays.

Opposition lawmakers criticized the plan as lacking detail on funding, while the government said it
would be financed partly by proceeds from frozen Russian assets transferred by Western partners.
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="ukraine-turkey-discuss-black-sea-grain-corridor-security",
        title="Ukraine, Turkey discuss security of Black Sea grain corridor",
        age_hours=47,
        authors=("Kateryna Tyshchenko",),
        section="Business",
        relevant=False,
        paragraphs=paras(
            """
Ukrainian and Turkish officials discussed ways to protect shipping in the Black Sea grain corridor
amid continued Russian strikes on Odesa ports, Ukraine's Infrastructure Ministry said.

More than 60 million tons of cargo, most of it grain, have passed through the corridor since
Ukraine launched it without Russian participation, the ministry said.

"Safe navigation in the Black Sea is important not only for Ukraine, but for global food security,"
the deputy minister said after the talks in Ankara.

Russian drones and missiles have repeatedly hit port infrastructure in Odesa Oblast, damaging
civilian vessels and grain storage facilities.

Turkey, which brokered the original Black Sea Grain Initiative with the United Nations in 2022, has
offered to host talks on a broader maritime ceasefire.
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="north-korean-troops-spotted-near-zaporizhzhia-report",
        title="North Korean troops spotted near Zaporizhzhia front, report claims",
        age_hours=14,
        section="War",
        relevant=True,
        status=404,
        summary="A report claims North Korean troops have been moved from Kursk to the "
        "Zaporizhzhia front.",
        paragraphs=(),
    ),
    ArticleSpec(
        site=SITE,
        key="eu-condemns-north-korean-troop-deployment-to-russia",
        title="EU foreign ministers condemn North Korean troop deployment to Russia",
        age_hours=18,
        section="Europe",
        relevant=True,
        status=500,
        summary="EU foreign ministers condemned the deployment of North Korean troops to fight "
        "for Russia in Kursk.",
        paragraphs=(),
    ),
    ArticleSpec(
        site=SITE,
        key="opinion-what-north-korean-troops-in-kursk-mean-for-europe",
        title="Opinion: What North Korean troops in Kursk mean for Europe",
        age_hours=22,
        section="Opinion",
        relevant=True,
        status=302,
        summary="North Korean soldiers fighting for Russia in Kursk are a warning for Europe's "
        "security.",
        paragraphs=(),
    ),
    ArticleSpec(
        site=SITE,
        key="new-north-korean-brigade-arrives-in-kursk-oblast-hur",
        title="New North Korean brigade arrives in Kursk Oblast, HUR says",
        age_hours=30 * 24,
        authors=("Olena Hrytsenko",),
        section="War",
        relevant=True,
        paragraphs=paras(
            """
A new brigade of North Korean troops has arrived in Russia's Kursk Oblast to reinforce Russian
forces along the border with Ukraine's Sumy Oblast, Ukraine's military intelligence agency (HUR)
said.

"According to our information, around 3,000 soldiers arrived by rail and were deployed to positions
near the border," HUR said in a statement.

The soldiers underwent several weeks of training at Russian ranges in the Far East, where they were
issued Russian uniforms and equipment, the agency added.

North Korea has sent more than 14,000 troops to fight for Russia since the fall of 2024, according
to Ukrainian and South Korean estimates.

Kyiv has warned that Moscow may use North Korean soldiers in offensive operations inside Ukraine,
not only on Russian territory.
"""
        ),
    ),
)
