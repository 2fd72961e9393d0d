"""Stories of `tass-test`, a Russian state agency's English service (says "DPRK", "Kiev")."""

from __future__ import annotations

from newsspider.testweb.spec import ArticleSpec, paras

SITE = "tass-test"

#: The story whose feed item is malformed XML (its page is fine).
MALFORMED_FEED_KEY = "economy/1867100"

ARTICLES: tuple[ArticleSpec, ...] = (
    ArticleSpec(
        site=SITE,
        key="politics/1867312",
        title="Kremlin says DPRK servicemen's role in Kursk Region complies with treaty",
        age_hours=9,
        wire="TASS",
        section="Politics",
        relevant=True,
        paragraphs=paras(
            """
MOSCOW, {DATE}. /TASS/. The participation of DPRK servicemen in the liberation of the Kursk Region
fully complies with the Treaty on Comprehensive Strategic Partnership between Russia and North
Korea, Kremlin Spokesman Dmitry Peskov told reporters.

"Our Korean friends fulfilled their obligations under the treaty, and we are grateful to them for
their solidarity and courage," Peskov said.

He recalled that Article 4 of the treaty obliges the parties to provide immediate military
assistance to each other in the event of an armed attack.

Asked about Western reports of heavy losses among the North Korean soldiers, Peskov said the
Kremlin does not comment on "unverified claims spread by Kiev and its sponsors."

Earlier, Chief of the General Staff Valery Gerasimov said that servicemen of the Korean People's
Army had "demonstrated high professionalism, fortitude and heroism" during the fighting in the
Kursk Region.
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="military-operations/1866950",
        title="Shoigu thanks DPRK soldiers for help in liberating Kursk Region",
        age_hours=40,
        wire="TASS",
        section="Military operations",
        relevant=True,
        captions=(
            "Russian Security Council Secretary Sergey Shoigu and DPRK leader Kim Jong Un. "
            "© Press service of the Russian Security Council/TASS",
        ),
        paragraphs=paras(
            """
MOSCOW, {DATE}. /TASS/. Russian Security Council Secretary Sergey Shoigu thanked the Korean
People's Army soldiers who took part in the fighting to liberate the Kursk Region during a visit to
Pyongyang.

"The Russian people will never forget the feat of the Korean soldiers who fought shoulder to
shoulder with our servicemen," Shoigu said at a meeting with DPRK leader Kim Jong Un.

According to the Security Council press service, the sides discussed the implementation of the
comprehensive strategic partnership treaty and plans to commemorate the North Korean troops who
died in the Kursk Region.

Kim Jong Un said the DPRK would "continue to unconditionally support" Russia's policy and stressed
that the deployment of the Korean contingent was "a sacred duty under the treaty."

Shoigu also laid a wreath at a memorial to the fallen Korean servicemen in Pyongyang.
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="military-operations/1867350",
        title="Russian air defenses down 30 Ukrainian drones over Belgorod, Bryansk regions",
        age_hours=5,
        wire="TASS",
        section="Military operations",
        relevant=False,
        paragraphs=paras(
            """
MOSCOW, {DATE}. /TASS/. Russian air defense systems intercepted and destroyed 30 Ukrainian
fixed-wing drones over the Belgorod and Bryansk regions overnight, the Russian Defense Ministry
said.

"Air defense forces on duty destroyed 17 drones over the Belgorod Region and 13 over the Bryansk
Region," the ministry said in a statement.

Belgorod Region Governor Vyacheslav Gladkov said on his Telegram channel that a civilian was
injured in a drone attack on a village near the border, and several private houses were damaged.

Kiev has intensified drone attacks on Russian border regions in recent weeks, targeting energy and
transport infrastructure.
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key=MALFORMED_FEED_KEY,
        title="Putin, Erdogan discuss grain exports and Black Sea navigation by phone",
        age_hours=20,
        wire="TASS",
        section="Economy",
        relevant=False,
        paragraphs=paras(
            """
MOSCOW, {DATE}. /TASS/. Russian President Vladimir Putin and Turkish President Recep Tayyip Erdogan
discussed grain and fertilizer exports and the situation in the Black Sea in a telephone
conversation, the Kremlin press service said.

"The presidents exchanged views on ensuring the security of navigation in the Black Sea and on
supplies of Russian grain and fertilizers to countries in need, primarily in Africa," the statement
said.

Putin noted that Russia remains ready to resume the grain deal if the West lifts restrictions on
Russian agricultural exports, the Kremlin said.

The leaders also discussed bilateral trade and the construction of the Akkuyu nuclear power plant
in Turkey.
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="politics/1866800",
        title="Lavrov, DPRK Foreign Minister Choe Son Hui hold talks in Moscow",
        age_hours=56,
        wire="TASS",
        section="Politics",
        relevant=False,
        paragraphs=paras(
            """
MOSCOW, {DATE}. /TASS/. Russian Foreign Minister Sergey Lavrov held talks in Moscow with DPRK
Foreign Minister Choe Son Hui, who arrived in Russia on an official visit, the Russian Foreign
Ministry said.

"Relations between Russia and the DPRK have reached the level of an alliance. We highly appreciate
the principled position of our Korean friends," Lavrov said at the start of the talks.

The ministers discussed expanding trade, tourism and transport links, including more direct flights
between Moscow and Pyongyang and the road bridge across the Tumen River.

Choe Son Hui said Pyongyang "firmly supports all measures taken by the Russian leadership to
protect its sovereignty."
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="private/world/1867400",
        title="Korean People's Army units to remain in Kursk Region for demining — source",
        age_hours=12,
        wire="TASS",
        section="World",
        relevant=True,
        robots_disallowed=True,
        paragraphs=paras(
            """
MOSCOW, {DATE}. /TASS/. Units of the Korean People's Army will remain in the Kursk Region to help
clear mines and restore infrastructure, a source in the Russian Defense Ministry told TASS.

"North Korean sappers and military builders are already working in the border districts. Their
deployment has been extended," the source said.

The source added that the North Korean troops would be rotated every few months.

The Defense Ministry has not officially commented on the information.
"""
        ),
    ),
    ArticleSpec(
        site=SITE,
        key="politics/1864500",
        title="Kremlin declines to comment on reports of new DPRK troop contingent",
        age_hours=25 * 24,
        wire="TASS",
        section="Politics",
        relevant=True,
        paragraphs=paras(
            """
MOSCOW, {DATE}. /TASS/. The Kremlin declined to comment on Western media reports that the DPRK has
sent a new contingent of troops to Russia, Kremlin Spokesman Dmitry Peskov said.

"We have nothing to add to what has already been said. Our cooperation with the DPRK is developing
in all areas, in full accordance with the treaty," Peskov said.

Several Western and South Korean media outlets reported, citing intelligence sources, that
thousands of North Korean soldiers had arrived in the Kursk Region in recent weeks.

Russia and the DPRK signed the Treaty on Comprehensive Strategic Partnership in June 2024. It
entered into force in December of the same year.
"""
        ),
    ),
)
