# ruff: noqa: E501
# (The data tables below read best one record a line.)
"""The public record 2020–2025 of the Armenia–Azerbaijan talks, added to the article's seeds.

`build(article_document)` imports the article's seeds (every record, uid and correction
kept), adds the public record through the ORM (plain save(), so history rows as usual;
commitments through negotiations.commitments), and returns the negotiation as the app's
own exporter writes it. Run it in a throwaway database: `manage.py build_seeds` does.

Every fact comes from docs/research (public-record.md, sources.md). Each source's notes
name its research record ("[S12]"), whose stored excerpts hold every excerpt cited from it
(tests/test_seeds_2025.py checks). Dates the sources do not state are marked inferred
("?"). Provision texts and summaries are in our words with short quotations; where the
words of an article were not retrieved, its text says so.
"""

import uuid

from django.db import transaction

from negotiations import commitments
from negotiations.exchange.interchange import export_negotiation, import_document
from negotiations.models import (
    Citation,
    Event,
    Issue,
    Negotiation,
    Participation,
    Party,
    Person,
    Position,
    Proposal,
    Provision,
    ReportedContent,
    Source,
    TextParty,
    TextStep,
    date_columns,
)
from negotiations.text.dates import PartialDate

SLUG = "armenia-azerbaijan"
REASON = "Public record 2020–2025 (negotiations/devtools/seeds_2025.py)"
NAMESPACE = uuid.UUID("6f1d3c2a-5b7e-4c1d-9a8e-2025a2025b00")


def uid(key):
    """A stable uid per record, so that rebuilding writes the same file."""
    return uuid.uuid5(NAMESPACE, key)


# --- sources: title, outlet, date, URL, kind, language, grade and its reason ------------
# (key: the research record's number in docs/research/sources.md)

SOURCES = {
    "S2": (
        "Statement by the Prime Minister of the Republic of Armenia, the President of the Republic of Azerbaijan and the President of the Russian Federation",
        "Office of the Prime Minister of Armenia (primeminister.am)",
        "2020-11-10",
        "https://www.primeminister.am/en/press-release/item/2020/11/10/Announcement/%20%20%20%20%20%20%20%20%20statement",
        "treaty_text",
        "en",
        "A",
        "a signatory's official publication of the text",
    ),
    "S3": (
        "Statement by the President of the Republic of Azerbaijan, the Prime Minister of the Republic of Armenia and the President of the Russian Federation (En/Ru)",
        "Embassy of Azerbaijan in Serbia (belgrade.mfa.gov.az)",
        "2020-11-10",
        "https://belgrade.mfa.gov.az/en/news/statement-by-the-president-of-the-republic-of-azerbaijan-the-prime-minister-of-the-republic-of-armenia-and-the-president-of-the-russian-federation-enru",
        "treaty_text",
        "en",
        "A",
        "a signatory's official publication of the text",
    ),
    "S4": (
        "Full text of statement between Azerbaijan and Armenia revealed",
        "News.ru",
        "2020-11-10",
        "https://news.ru/en/cis-countries/full-text-of-statement-between-azerbaijan-and-armenia-revealed/",
        "news_report",
        "en",
        "C",
        "Russian outlet reproducing a text circulated on Telegram; its point 2 differs from the official versions",
    ),
    "S5": (
        "Russian MFA comments on return process of former Azerbaijani IDPs",
        "APA",
        "2021-12-30",
        "https://en.apa.az/foreign-policy/russian-mfa-comments-on-return-process-of-former-azerbaijani-idps-364994",
        "news_report",
        "en",
        "B",
        "news agency quoting the Russian MFA spokesperson on the record",
    ),
    "S6": (
        "Bilan de l'accord trilatéral sur le cessez-le-feu au Haut-Karabakh",
        "Sputnik France",
        "2020-11-12",
        "https://fr.sputniknews.com/infographies/202011121044756657-bilan-de-laccord-trilateral-sur-le-cessez-le-feu-au-haut-karabakh/",
        "news_report",
        "fr",
        "C",
        "Russian state media, consistent with the official texts",
    ),
    "S7": (
        "Autonomous republic becomes a new transit hub",
        "Nakhchivan Today",
        "2021-04-14",
        "https://nakhchivantoday.com/autonomous-republic-becomes-a-new-transit-hub/",
        "news_report",
        "en",
        "C",
        "regional pro-government outlet; quotes an official speech",
    ),
    "S8": (
        "President Aliyev: We take Nakhchivan out of encirclement and at that open a new transport artery",
        "ABC.AZ",
        "2020-12-01?",
        "http://abc.az/en/news/62524",
        "news_report",
        "en",
        "C",
        "Azerbaijani outlet reporting the president's address; date read from its content",
    ),
    "S10": (
        "Lavrov press conference on the Zangezur corridor",
        "News.am",
        "2023-06?/2023-12?",
        "https://news.am/eng/news/802798.html",
        "news_report",
        "en",
        "B",
        "news report of a press conference; date not shown (after June 2023)",
    ),
    "S11": (
        "Mustafayev and Grigorian on Article 9 of the ceasefire statement",
        "Azatutyun (RFE/RL Armenian Service)",
        "2023-06?",
        "https://azatutyun.am/amp/32455665.html",
        "news_report",
        "en",
        "B",
        "RFE/RL, presents both sides; year inferred",
    ),
    "S12": (
        "Azerbaijan is trying to level the November 9, 2020 trilateral statement",
        "TASS",
        "2022-09-13",
        "https://tass.com/world/1506677",
        "news_report",
        "en",
        "C",
        "Russian state agency",
    ),
    "S13": (
        "Sochi Joint Statement: No Mention of Karabakh Status",
        "Hetq",
        "2021-11-26?",
        "https://hetq.am/en/article/138291",
        "official_statement",
        "en",
        "A",
        "reproduces the statement text circulated by the Armenian PM's office",
    ),
    "S14": (
        "Putin holds trilateral talks with Armenia's Pashinyan and Azerbaijan's Aliyev in Sochi",
        "Meduza (via rima.media)",
        "2021-11-26",
        "https://rima.media/document/2021-11-26-meduza-792692-putin-holds-trilateral-talks-with-armenia-s-pashinyan-and",
        "news_report",
        "en",
        "B",
        "established independent outlet",
    ),
    "S15": (
        "Aliyev and Pashinyan met in first meeting held by EU head",
        "Mikroskop Media",
        "2021-12-15",
        "https://mikroskopmedia.com/en/2021/12/15/aliyev-and-pashinyan-met-in-first-meeting-held-by-eu-head/",
        "news_report",
        "en",
        "B",
        "news report quoting both sides and the EU",
    ),
    "S18": (
        "Press Statement By Charles Michel Following Trilateral Meeting With Azerbaijani And Armenian Leaders",
        "AzerNews via MENAFN",
        "2022-05-22",
        "https://menafn.com/1104256087/Press-Statement-By-Charles-Michel-Following-Trilateral-Meeting-With-Azerbaijani-And-Armenian-Leaders-PHOTO",
        "official_statement",
        "en",
        "A",
        "European Council statement as reproduced",
    ),
    "S19": (
        "Statement following quadrilateral meeting between President Aliyev, Prime Minister Pashinyan, President Macron and President Michel, 6 October 2022",
        "Aravot (European Council text)",
        "2022-10-07",
        "https://en.aravot.am/2022/10/07/311878",
        "official_statement",
        "en",
        "A",
        "the European Council's statement as reproduced; also catalogued by PA-X",
    ),
    "S20": (
        "Armenian MFA spokesperson Vahan Hunanyan on the Prague statement",
        "News.am",
        "2022-10?",
        "https://news.am/eng/print/news/724062.html",
        "interview",
        "en",
        "B",
        "reproduces an official interview; date not shown",
    ),
    "S22": (
        "Press remarks by President Charles Michel following trilateral meeting (15 July 2023)",
        "168.am",
        "2023-07-16",
        "https://en.168.am/2023/07/16/45007.html",
        "official_statement",
        "en",
        "A",
        "the European Council President's remarks as reproduced",
    ),
    "S23": (
        "Armenia–Azerbaijan peace negotiations by U.S. Secretary of State Antony J. Blinken",
        "Yonkers Tribune (State Department statement)",
        "2023-05-04",
        "https://www.yonkerstribune.com/2023/05/armenia-azerbaijan-peace-negotiations-by-u-s-secretary-of-state-antony-j-blinken",
        "official_statement",
        "en",
        "A",
        "State Department statement as reproduced",
    ),
    "S25": (
        "Final round of talks between Armenia, Azerbaijan FMs to be held today in Washington",
        "News.am",
        "2023-05-04",
        "https://news.am/eng/news/758163.html",
        "news_report",
        "en",
        "B",
        "news report with official sourcing",
    ),
    "S26": (
        "Aliyev refuses to attend meeting in Granada",
        "Mediamax",
        "2023-10-04",
        "https://mediamax.am/en/news/foreignpolicy/52753/",
        "news_report",
        "en",
        "B",
        "Armenian outlet citing an Azerbaijani diplomatic source",
    ),
    "S27": (
        "Aliyev Cancels Planned Talks With Pashinyan",
        "Massis Post (RFE/RL)",
        "2023-10-05",
        "https://massispost.com/2023/10/aliyev-cancels-planned-talks-with-pashinyan/",
        "news_report",
        "en",
        "B",
        "RFE/RL copy",
    ),
    "S28": (
        "Déclaration de Grenade (Pashinyan, Michel, Macron, Scholz)",
        "Armenpress",
        "2023-10-05",
        "https://armenpress.am/fr/article/1121317",
        "official_statement",
        "fr",
        "A",
        "the Armenian state agency reproducing the declaration's text",
    ),
    "S29": (
        "Nagorno-Karabakh Republic will cease to exist from Jan 1, 2024 – Nagorno-Karabakh authorities",
        "Reuters via The Straits Times",
        "2023-09-28",
        "https://www.straitstimes.com/asia/nagorno-karabakh-republic-will-cease-to-exist-from-jan-1-2024-nagorno-karabakh-authorities",
        "news_report",
        "en",
        "A",
        "wire copy",
    ),
    "S31": (
        "Azerbaijan announced the restoration of sovereignty in Nagorno-Karabakh",
        "Babel.ua",
        "2023-09?",
        "https://babel.ua/en/news/98679-russian-peacekeepers-were-killed-in-nagorno-karabakh-and-azerbaijan-announced-the-restoration-of-sovereignty",
        "news_report",
        "en",
        "B",
        "news outlet; date not shown (late September 2023)",
    ),
    "S32": (
        "Ethnic cleansing completed: government to cover housing and utility costs for 100,520 Artsakh Armenians",
        "Massis Post",
        "2023-10-02",
        "https://massispost.com/2023/10/ethnic-cleansing-completed-government-to-cover-housing-and-utility-costs-for-100520-artsakh-armenians-forcibly-displaced-from-their-homeland/",
        "news_report",
        "en",
        "B",
        "reports the Armenian government's figures; counts differ by date",
    ),
    "S33": (
        "Joint Statement of the Office of the Prime Minister of Armenia and the Presidential Administration of Azerbaijan",
        "AzerNews via MENAFN",
        "2023-12-07",
        "https://menafn.com/1107561409/Azerbaijani-President-Administration-Armenian-PM-Office-Issue-Joint-Statement",
        "treaty_text",
        "en",
        "A",
        "official joint text, reproduced identically by both sides' media",
    ),
    "S36": (
        "Mirzoyan on the Azerbaijani proposals and Armenia's reply",
        "Radar.am",
        "2024-01-10?",
        "https://radar.am/en/news/politics-2609723878",
        "news_report",
        "en",
        "B",
        "news report of the minister's remarks; date not shown",
    ),
    "S37": (
        "Yerevan has received another package of proposals on a peace treaty from Baku",
        "Turan",
        "2024-02?",
        "https://turan.az/en/politics/yerevan-has-received-another-package-of-proposals-on-a-peace-treaty-from-baku-777648",
        "news_report",
        "en",
        "B",
        "independent Azerbaijani agency; date not shown",
    ),
    "S39": (
        "Armenia, Azerbaijan agree that the process of delimitation will be based on 1991 Alma-Ata Declaration",
        "Public Radio of Armenia",
        "2024-04-19",
        "https://en.armradio.am/2024/04/19/armenia-azerbaijan-agree-that-the-process-of-delimitation-will-be-based-on-1991-alma-ata-declaration/",
        "official_statement",
        "en",
        "A",
        "the commissions' joint press release as reproduced",
    ),
    "S41": (
        "Press release of the Office of Deputy Prime Minister Shahin Mustafayev",
        "Xalq qazeti",
        "2024-05-24",
        "https://xalqqazeti.az/en/siyaset/180547-press-release-office-deputy-prime",
        "official_statement",
        "en",
        "A",
        "official statement, for what Azerbaijan states",
    ),
    "S42": (
        "Mher Grigoryan presents the border regulation to parliament",
        "Armenpress",
        "2024-10-21",
        "https://armenpress.am/en/article/1202786/amp",
        "news_report",
        "en",
        "A",
        "Armenian state agency reporting an official presentation",
    ),
    "S43": (
        "Presidents of Armenia and Azerbaijan Sign Ratification Bill on Border Delimitation Into Law",
        "Massis Post",
        "2024-10?",
        "https://massispost.com/2024/10/presidents-of-armenia-and-azerbaijan-sign-ratification-bill-on-border-delimitation-into-law/",
        "news_report",
        "en",
        "B",
        "RFE/RL-derived report; day not shown",
    ),
    "S45": (
        "Azerbaijani Foreign Ministry issues statement on peace agreement",
        "AzerNews",
        "2025-03-13",
        "https://www.azernews.az/karabakh/239032.html",
        "official_statement",
        "en",
        "A",
        "the Azerbaijani MFA's statement, for Azerbaijan's position",
    ),
    "S46": (
        "Erevan et Bakou : projet d'accord de paix (Armenian MFA statement, TASS)",
        "TASS (via multipolarra.com); ARKA",
        "2025-03-13",
        "https://multipolarra.com/erevan-bakou-projet-accord-paix/",
        "news_report",
        "fr",
        "A",
        "reproduces the Armenian MFA's statement",
    ),
    "S47": (
        "Azerbaijan, Armenia conclude negotiations on peace treaty",
        "Caspian News",
        "2025-03-13",
        "https://www.caspiannews.com/news-detail/azerbaijan-armenia-conclude-negotiations-on-peace-treaty-2025-3-13-40/",
        "news_report",
        "en",
        "C",
        "Azerbaijan-focused outlet; one of its dates is doubtful",
    ),
    "S53": (
        "Blinken hosts Mirzoyan and Bayramov at the NATO summit",
        "Azatutyun (RFE/RL)",
        "2024-07?",
        "https://azatutyun.am/amp/33029885.html",
        "news_report",
        "en",
        "B",
        "RFE/RL; date not shown",
    ),
    "S54": (
        "Armenian, Azeri Leaders Vow Peace At White House",
        "Azatutyun (RFE/RL)",
        "2025-08-08",
        "https://d280gayb62sbv.cloudfront.net/amp/33498194.html",
        "news_report",
        "en",
        "B",
        "RFE/RL report of the summit",
    ),
    "S55": (
        "Armenia-Azerbaigian, il testo integrale dell'accordo di pace sottoscritto a Washington",
        "Gazzetta Diplomatica",
        "2025-08?",
        "https://gazzettadiplomatica.it/armenia-azerbaigian-il-testo-integrale-dellaccordo-di-pace-sottoscritto-a-washington",
        "treaty_text",
        "it",
        "B",
        "third-party translation of the declaration; matches the English quotations",
    ),
    "S56": (
        "Nikol Pashinyan: TRIPP opens new opportunities for CIS countries",
        "Massis Post",
        "2025-10-11",
        "https://massispost.com/2025/10/nikol-pashinyan-tripp-opens-new-opportunities-for-cis-countries/",
        "official_statement",
        "en",
        "A",
        "reproduces an official speech quoting the declaration",
    ),
    "S57": (
        "Baku, Yerevan seal initial peace deal, push to end OSCE Minsk process, ministry",
        "AzerNews",
        "2025-08-11?",
        "https://www.azernews.az/nation/245902.html",
        "official_statement",
        "en",
        "A",
        "the Azerbaijani MFA's statement and text as reproduced",
    ),
    "S58": (
        "Armenia publishes the text of the peace agreement",
        "Azatutyun (RFE/RL)",
        "2025-08-11",
        "https://www.azatutyun.am/a/33500159.html",
        "news_report",
        "en",
        "B",
        "RFE/RL, quoting the text the Armenian MFA published",
    ),
    "S59": (
        "Text of the initialed agreement between Armenia and Azerbaijan",
        "Analytic.am",
        "2025-08?",
        "https://www.analytic.am/en/post/text-of-the-initialed-agreement-between-armenia-and-azerbaijan",
        "treaty_text",
        "en",
        "B",
        "reproduction of the MFA text; date shown only as relative",
    ),
    "S60": (
        "Azerbaijan Publishes Text of Peace Agreement Initialed with Armenia",
        "eurofacilitation.eu",
        "2025-08?",
        "https://eurofacilitation.eu/?p=3730",
        "analysis",
        "en",
        "C",
        "secondary site listing the article subjects; used for subjects only",
    ),
    "S64": (
        "Amirbayov interview with NE Global",
        "AzerNews",
        "after 2025-08-08",
        "https://www.azernews.az/nation/245930.html",
        "interview",
        "en",
        "B",
        "Azerbaijani outlet, for Azerbaijan's stated position",
    ),
    "S68": (
        "OSCE Minsk Group closure expected on September 1",
        "Public Radio of Armenia",
        "2025-08-28",
        "https://en.armradio.am/2025/08/28/osce-minsk-group-closure-expected-on-september-1/",
        "news_report",
        "en",
        "B",
        "state broadcaster quoting the OSCE Secretariat",
    ),
    "S77": (
        "Armenia to rewrite Constitution after parliamentary elections, Pashinyan says",
        "Vestnik Kavkaza",
        "2025-11-21",
        "https://en.vestikavkaza.ru/news/Armenia-to-rewrite-Constitution-after-parliamentary-elections-Pashinyan-says.html",
        "news_report",
        "en",
        "B",
        "news report quoting the Prime Minister; its Russian version is dated 14 Nov",
    ),
    "S69": (
        "OSCE Ministerial Council adopts decision to close the Minsk Process",
        "AzerNews",
        "2025-09-01",
        "https://www.azernews.az/nation/246825.html",
        "official_statement",
        "en",
        "A",
        "the Azerbaijani MFA's statement; the fact of adoption is corroborated",
    ),
    "S71": (
        "OSCE finalizes closure of Minsk Process",
        "Mediamax",
        "2025-12-01",
        "https://mediamax.am/en/news/foreignpolicy/59419/",
        "news_report",
        "en",
        "A",
        "quotes an OSCE news release",
    ),
    "S73": (
        "Aliyev Sticks To Key Precondition For Peace Deal With Armenia",
        "Azatutyun (RFE/RL)",
        "2025-08?",
        "https://d37aqvdbfi51q2.cloudfront.net/a/33498675.html",
        "news_report",
        "en",
        "B",
        "RFE/RL; date not shown (after 8 Aug 2025)",
    ),
    "S74": (
        "Aliyev Sees Constitution Change In Armenia",
        "Azatutyun (RFE/RL)",
        "2025-08-27",
        "https://rfe.pangea-cms.com/preview/hy-AM/a/33514746.html",
        "news_report",
        "en",
        "B",
        "RFE/RL; dated by Gazeta.ru's report of the same interview",
    ),
    "S80": (
        "Armenian PM presents the Crossroads of Peace project at Silk Road conference in Tbilisi",
        "Public Radio of Armenia",
        "2023-10-26",
        "https://en.armradio.am/2023/10/26/armenian-pm-presents-the-crossroads-of-peace-project-at-silk-road-conference-in-tbilisi/",
        "official_statement",
        "en",
        "A",
        "summary of an official speech by the state broadcaster",
    ),
    "S81": (
        "Armenia should provide unimpeded passage through Zangezur - I. Aliyev",
        "Turan",
        "2024-01-11",
        "https://turan.az/en/politics/armenia-should-provide-unimpeded-passage-through-zangezur-i-aliyev",
        "news_report",
        "en",
        "B",
        "independent Azerbaijani agency",
    ),
    "S83": (
        "Aliyev and Mirzoyan on the peace treaty, 10 January 2024",
        "Azatutyun (RFE/RL)",
        "2024-01-10?",
        "https://azatutyun.am/a/32769121.html",
        "news_report",
        "en",
        "B",
        "RFE/RL; date inferred from the remarks it reports",
    ),
    "S85": (
        "Azerbaijan refuses the Washington foreign ministers' meeting",
        "Vestnik Kavkaza",
        "2023-11-16",
        "https://en.vestikavkaza.ru/material/164738",
        "news_report",
        "en",
        "B",
        "quotes official statements",
    ),
    "S86": (
        "Hajiyev on US mediation",
        "Azatutyun (RFE/RL)",
        "2024-01-15",
        "https://www.azatutyun.am/a/32775353.html",
        "news_report",
        "en",
        "B",
        "RFE/RL",
    ),
    "S89": (
        "UN court: Azerbaijan should ensure free movement along Lachin corridor in both directions",
        "Public Radio of Armenia",
        "2023-02-22",
        "https://en.armradio.am/2023/02/22/un-court-azerbaijan-should-ensure-free-movement-along-lachin-corridor-in-both-directions/",
        "news_report",
        "en",
        "A",
        "reports the court's order, quoted verbatim",
    ),
    "S91": (
        "TRIPP details after August 2025",
        "Azatutyun (RFE/RL)",
        "2025-08?/2025-09?",
        "https://d51cr5kt4drjg.cloudfront.net/a/33509620.html",
        "news_report",
        "en",
        "B",
        "RFE/RL; dates not shown",
    ),
    "S92": (
        "TRIPP Implementation Framework",
        "Public Radio of Armenia",
        "2026-01-14",
        "https://www.1lurer.am/en/2026/01/14/1/1446632",
        "official_statement",
        "en",
        "A",
        "the framework text as reproduced",
    ),
    "S93": (
        "Azerbaijan lifts all cargo transit restrictions on goods to Armenia",
        "Zartonk Media",
        "2025-10-21",
        "https://zartonkmedia.com/2025/10/21/azerbaijan-lifts-all-cargo-transit-restrictions-on-goods-to-armenia-despite-holding-artsakh-leaders-hostage-and-pushing-for-corridor",
        "news_report",
        "en",
        "B",
        "news report; its characterisations are the outlet's",
    ),
    "S94": (
        "Aliyev and Bayramov on the constitution; the Armenian MFA's reply",
        "Azatutyun (RFE/RL)",
        "2024-06?",
        "https://azatutyun.am/amp/33012106.html",
        "news_report",
        "en",
        "B",
        "RFE/RL; date not shown (June 2024)",
    ),
    "S99": (
        "Brussels trilateral meeting, 6 April 2022",
        "Interfax",
        "2022-04-07",
        "https://interfax.com/newsroom/top-stories/77888/",
        "news_report",
        "en",
        "A",
        "quotes the European Council statement",
    ),
    "S100": (
        "Azerbaijan, Armenia hold peace talks in Almaty",
        "The Astana Times",
        "2024-05-10",
        "https://astanatimes.com/2024/05/azerbaijan-armenia-hold-peace-talks-in-almaty/",
        "news_report",
        "en",
        "B",
        "established news outlet",
    ),
    "S101": (
        "Pashinyan and Aliyev discuss various aspects of the Armenia-Azerbaijan normalization agenda",
        "hyetert.org",
        "2025-07-10",
        "https://hyetert.org/2025/07/10/pashinyan-and-aliyev-discuss-various-aspects-of-the-armenia-azerbaijan-normalization-agenda/",
        "news_report",
        "en",
        "B",
        "news report of the meeting's outcome",
    ),
    "S104": (
        "Second round of Washington talks, June 2023",
        "Panorama.am",
        "2023-06-28",
        "https://panorama.am/en/news/2023/06/28/Диалог-Блинкен-Армения-Азербайджан/2858639",
        "news_report",
        "en",
        "B",
        "news report; also Public Radio of Armenia for September 2022",
    ),
    "S105": (
        "Former PM elected President of the European Council",
        "The Portugal News",
        "2024-06-28",
        "https://cloud.theportugalnews.com/news/2024-06-28/former-pm-elected-president-of-the-european-council/90244",
        "news_report",
        "en",
        "B",
        "news report of a public appointment",
    ),
    "S107": (
        "Sochi leaders affirm commitment to Prague principles",
        "CommonSpace.eu; PA-X",
        "2022-10-31",
        "https://www.commonspace.eu/index.php/news/sochi-leaders-affirm-committment-prague-principles-leave-space-role-russia",
        "official_statement",
        "en",
        "A",
        "the statement as catalogued by PA-X, with news reports",
    ),
    "S109": (
        "Azerbaijan And Armenia: Where Will Peace Agreement Be Signed",
        "Trend via MENAFN",
        "2024-01-06",
        "https://menafn.com/1107690538/Azerbaijan-And-Armenia-Where-Will-Peace-Agreement-Be-Signed",
        "analysis",
        "en",
        "C",
        "state-aligned commentary characterising the other side's position",
    ),
}


# --- parties, roles over time, persons ------------------------------------------------

# New parties: slug, name, short, kind, description, role, order, since, until.
NEW_PARTIES = [
    (
        "france",
        "France",
        "FR",
        "state",
        "Co-host with the EU of the Prague (2022), Chișinău and Granada (2023) meetings.",
        "mediator",
        20,
        "2022-10-06",
        "2023-10-05",
    ),
    (
        "germany",
        "Germany",
        "DE",
        "state",
        "Co-host of the Chișinău and Granada meetings (2023); hosted the foreign ministers in Berlin in February 2024.",
        "facilitator",
        21,
        "2023-06-01",
        "2024-02-29",
    ),
    (
        "kazakhstan",
        "Kazakhstan",
        "KZ",
        "state",
        "Hosted the foreign ministers in Almaty, 10–11 May 2024, \u201cwithout assuming the role of a mediator\u201d.",
        "facilitator",
        22,
        "2024-05-10",
        "2024-05-11",
    ),
    (
        "osce",
        "OSCE",
        "OSCE",
        "organisation",
        "Organization for Security and Co-operation in Europe; its Minsk Group (co-chairs from 1997) was closed by decision MC/1/25 of 1 September 2025.",
        "mediator",
        23,
        "1997-02-14",
        "2025-09-01",
    ),
    (
        "icj",
        "International Court of Justice",
        "ICJ",
        "organisation",
        "Ordered provisional measures on the Lachin corridor (22 February 2023). Named only.",
        None,  # named only: an actor in events, not a participant
        30,
        None,
        None,
    ),
    (
        "georgia",
        "Georgia",
        "GE",
        "state",
        "Tbilisi hosted the forum where Armenia presented the Crossroads of Peace (26 October 2023). Named only.",
        None,  # named only: an actor in events, not a participant
        31,
        None,
        None,
    ),
    (
        "nagorno-karabakh-armenians",
        "Nagorno-Karabakh Armenians",
        "NK",
        "organisation",
        "The Armenian population of Nagorno-Karabakh and its self-declared authorities, dissolved by decree of 28 September 2023. Named only.",
        None,  # named only: an actor in events, not a participant
        32,
        None,
        "2023-12-31",
    ),
]

# Existing mediators' spans, from the first to the last mediation the sources show.
SPANS = {
    "russia": ("2020-11-09", "2023-05-25"),
    "eu": ("2021-11-19", "2023-10-05"),
    "us": ("2022-09-20", None),
}

# key: (party, name, title, since, until, notes)
PERSONS = {
    "aliyev": (
        "azerbaijan",
        "Ilham Aliyev",
        "President of the Republic of Azerbaijan",
        None,
        None,
        "“in power since 2003” (France 24); re-elected 7 Feb 2024.",
    ),
    "bayramov": (
        "azerbaijan",
        "Jeyhun Bayramov",
        "Minister of Foreign Affairs of Azerbaijan",
        None,
        None,
        "In office in the sources from 2022 to 2025; initialled the agreement on 8 Aug 2025.",
    ),
    "hajiyev": (
        "azerbaijan",
        "Hikmet Hajiyev",
        "Assistant to the President of Azerbaijan, Head of the Foreign Policy Affairs Department",
        None,
        None,
        "Aliyev's foreign policy aide, 2022–2025 in the sources.",
    ),
    "amirbayov": (
        "azerbaijan",
        "Elchin Amirbayov",
        "Representative of the President of Azerbaijan for Special Assignments",
        None,
        None,
        "2024–2025 in the sources.",
    ),
    "pashinyan": (
        "armenia",
        "Nikol Pashinyan",
        "Prime Minister of the Republic of Armenia",
        None,
        None,
        "Signatory of the 2020 statement and the 2025 declaration; still Prime Minister in January 2026.",
    ),
    "mirzoyan": (
        "armenia",
        "Ararat Mirzoyan",
        "Minister of Foreign Affairs of Armenia",
        None,
        None,
        "In office in the sources from at least Sept 2022 to Jan 2026 (start date not found); initialled the agreement on 8 Aug 2025.",
    ),
    "hunanyan": (
        "armenia",
        "Vahan Hunanyan",
        "Spokesperson of the Armenian MFA",
        None,
        None,
        "2022 in the sources.",
    ),
    "putin": (
        "russia",
        "Vladimir Putin",
        "President of the Russian Federation",
        None,
        None,
        "Signatory of the 2020 statement; hosted Sochi 2021 and 2022 and Moscow May 2023.",
    ),
    "lavrov": (
        "russia",
        "Sergey Lavrov",
        "Minister of Foreign Affairs of Russia",
        None,
        None,
        "2022–2024 statements in the sources.",
    ),
    "michel": (
        "eu",
        "Charles Michel",
        "President of the European Council",
        None,
        "2024-11-30",
        "“in office since 2019”; António Costa took office on 1 December 2024.",
    ),
    "blinken": (
        "us",
        "Antony Blinken",
        "US Secretary of State",
        None,
        None,
        "Hosted talks from Sept 2022 to July 2024; end of term not searched.",
    ),
    "rubio": (
        "us",
        "Marco Rubio",
        "US Secretary of State",
        None,
        None,
        "March 2025 call; TRIPP framework of January 2026.",
    ),
    "trump": (
        "us",
        "Donald Trump",
        "President of the United States",
        None,
        None,
        "Hosted and witnessed the 8 Aug 2025 declaration.",
    ),
    "macron": (
        "france",
        "Emmanuel Macron",
        "President of France",
        None,
        None,
        "Prague 2022, Chișinău and Granada 2023.",
    ),
    "scholz": (
        "germany",
        "Olaf Scholz",
        "Chancellor of Germany",
        None,
        None,
        "Chișinău and Granada 2023.",
    ),
    "valtonen": (
        "osce",
        "Elina Valtonen",
        "OSCE Chairperson-in-Office (Foreign Minister of Finland)",
        None,
        None,
        "Chairperson-in-Office in 2025.",
    ),
    "shahramanyan": (
        "nagorno-karabakh-armenians",
        "Samvel Shahramanyan",
        "President of the self-declared Nagorno-Karabakh Republic",
        None,
        None,
        "Signed the dissolution decree of 28 Sept 2023.",
    ),
}

# --- issues: new ones and aliases for existing ones ------------------------------------

NEW_ISSUES = [
    (
        "ceasefire",
        "Ceasefire and its monitoring",
        "The end of fighting and the mechanism that monitors it.",
        None,
    ),
    (
        "territory-handover",
        "Handover of districts",
        "The return of districts around Nagorno-Karabakh to Azerbaijan in 2020.",
        None,
    ),
    (
        "peacekeepers",
        "Russian peacekeepers",
        "The Russian peacekeeping contingent of the 2020 statement: where, how many, how long.",
        None,
    ),
    (
        "lachin-corridor",
        "Lachin corridor",
        "The road connecting Nagorno-Karabakh with Armenia under the 2020 statement.",
        None,
    ),
    (
        "minsk-group",
        "OSCE Minsk process",
        "Whether the OSCE Minsk Group, its process and related structures continue.",
        None,
    ),
    (
        "interstate-claims",
        "Withdrawal of interstate claims",
        "Whether each side withdraws and refrains from claims against the other in international bodies.",
        None,
    ),
    (
        "third-party-forces",
        "Third-party forces on the border",
        "Whether forces of a third country may be deployed along the border.",
        "guarantors",
    ),
    (
        "diplomatic-relations",
        "Diplomatic relations",
        "Establishing diplomatic relations after the agreement.",
        None,
    ),
    (
        "extremism-separatism",
        "Intolerance, extremism and separatism",
        "Cooperation against intolerance, extremism, separatism and terrorism.",
        None,
    ),
]

ALIASES = {
    "transit-corridor": [
        "Zangezur corridor",
        "Zangazur corridor",
        "TRIPP",
        "Trump Route for International Peace and Prosperity",
        "Trump route",
        "Peaceful Crossroads",
        "Meghri route",
        # Armenia's word for what it refuses; the seed article's (paras. 5 and 8).
        "extraterritorial corridor",
    ],
    # What the sources call the controls at issue: "no border, passport, or customs
    # controls" (the seed article, para. 8), "no customs checkpoint" (Aliyev, Dec 2021).
    "corridor-border-controls": [
        "customs controls",
        "customs control",
        "customs checkpoint",
        "customs checkpoints",
    ],
    "communications": ["unblocking of transport links"],
    # The words the cited excerpts name these issues by (each is in an excerpt coded to
    # that issue), so that a passage naming one suggests it.
    "armenian-constitution": ["Armenian constitution"],
    "framework-vs-full": ["framework agreement"],
    "guarantors": ["guarantors"],
    "non-interference": ["noninterference"],
    "right-of-return": ["right of return"],
    "western-azerbaijan": ["Western Azerbaijan"],
    "prisoners-of-war": ["prisoners of war"],
    "cop29-bid": ["COP29"],
    "alma-ata-basis": ["Alma-Ata Declaration of 1991", "Almaty Declaration", "mutual recognition"],
    "nagorno-karabakh-status": ["Karabakh", "Artsakh", "Haut-Karabakh"],
    "minsk-group": ["Minsk Group", "Minsk Process", "Minsk Conference"],
}
PARTY_ALIASES = {
    "turkiye": ["Turkey", "Türkiye"],
    "nagorno-karabakh-armenians": ["Karabakh Armenians", "Artsakh"],
}


# --- texts: the 2020 statement, the 2025 declaration and agreement, the regulation -----

# A citation: (source key, locator, excerpt verbatim from the research record).
STATEMENT_2020 = {
    "slug": "trilateral-statement-2020-11-10",
    "title": "Trilateral statement of 9/10 November 2020 (ceasefire)",
    "kind": "joint_statement",
    "availability": "official",
    "date": "2020-11-09",
    "summary": "The statement that ended the 2020 war, signed by Aliyev, Pashinyan and Putin late on 9 November and in effect from 00:00 Moscow time on 10 November 2020. Nine points. The sources name it differently: \u201cNovember 9\u201d (TASS, Sputnik, Sochi 2021) or \u201c10 November\u201d (both governments' websites, Aliyev). The stored official copies stop in point 6: points 7–9 here rest on officials' quotations.",
    "signatories": ["armenia", "azerbaijan", "russia"],
    "citations": [("S4", "lead", "The statement contains nine points")],
    "steps": [
        (
            "signed",
            "2020-11-09",
            "Signed by the three leaders.",
            [
                (
                    "S6",
                    "lead",
                    "Le 9 novembre, le Président azerbaïdjanais Ilham Aliev, le Premier ministre arménien Nikol Pachinian et le Président russe ont signé une déclaration",
                ),
                (
                    "S12",
                    "background",
                    "On November 9, 2020, Vladimir Putin, Ilham Aliyev and Nikol Pashinyan signed a joint statement on the full cessation of hostilities.",
                ),
            ],
        ),
        (
            "in_force",
            "2020-11-10",
            "Ceasefire effective 00:00 Moscow time.",
            [("S3", "point 1", "effective 00:00 Moscow time on 10 November 2020")],
        ),
    ],
    "provisions": [
        (
            "Point 1",
            "Ceasefire",
            ["ceasefire", "use-of-force"],
            "A complete ceasefire and end of all military operations in the Nagorno-Karabakh conflict zone from 00:00 Moscow time on 10 November 2020; the sides stay in the positions they hold.",
            [
                (
                    "S2",
                    "point 1",
                    "a complete ceasefire and cessation of all military operations in Nagorno Karabakh conflict zone is hereby declared",
                )
            ],
        ),
        (
            "Point 2",
            "Aghdam",
            ["territory-handover", "enclaves"],
            "Aghdam district returns to Azerbaijan by 20 November 2020. The sources disagree: the official Armenian and Azerbaijani texts name only Aghdam; the text circulated on Telegram also names territories held by Armenia in Gazakh district.",
            [
                (
                    "S2",
                    "point 2",
                    "Aghdam region shall be returned to the Republic of Azerbaijan by 20 November 2020.",
                ),
                (
                    "S4",
                    "point 2",
                    "Aghdam district and the territories held by the Armenian Party in Gazakh district",
                ),
            ],
        ),
        (
            "Point 3",
            "Russian peacekeepers",
            ["peacekeepers", "guarantors"],
            "A Russian peacekeeping contingent deploys along the line of contact in Nagorno-Karabakh and along the Lachin corridor (1,960 troops with small arms, 90 armoured vehicles, 380 other vehicles).",
            [
                (
                    "S2",
                    "point 3",
                    "Peacekeeping contingent of the Russian Federation shall be deployed along the line of contact in Nagorno Karabakh and along the Lachin corridor",
                )
            ],
        ),
        (
            "Point 4",
            "Peacekeepers' term",
            ["peacekeepers"],
            "The peacekeepers deploy as the Armenian armed forces withdraw and stay five years, \u201cwith further automatic 5-year extensions\u201d unless a party gives six months' notice.",
            [
                (
                    "S2",
                    "point 4",
                    "shall stay for a period of 5 years, with further automatic 5-year extensions",
                )
            ],
        ),
        (
            "Point 5",
            "Peacekeeping centre",
            ["ceasefire"],
            "A peacekeeping centre is deployed to control the ceasefire.",
            [("S2", "point 5", "A peacekeeping center for ceasefire control; shall be deployed")],
        ),
        (
            "Point 6",
            "Kelbajar, Lachin and the Lachin corridor",
            ["lachin-corridor", "territory-handover"],
            "Armenia returns Kelbajar by 15 November and Lachin by 1 December 2020. A 5-km-wide Lachin corridor keeps Nagorno-Karabakh connected with Armenia, under the control of the Russian peacekeepers.",
            [
                (
                    "S2",
                    "point 6",
                    "shall return the Kelbajar region to the Republic of Azerbaijan by 15 November, 2020, and the Lachin region by 1 December 2020.",
                ),
                (
                    "S3",
                    "point 6",
                    "The Lachin corridor (5 km-wide), which will ensure the connection of Nagorno-Karabakh with Armenia",
                ),
            ],
        ),
        (
            "Point 7",
            "Return of displaced persons",
            ["right-of-return"],
            "Internally displaced persons and refugees return to Nagorno-Karabakh and the areas around it under UNHCR supervision. (Wording as quoted by the Russian MFA spokesperson; the official copy of this point was not retrieved.)",
            [
                (
                    "S5",
                    "quoting point 7",
                    "Internally displaced persons and refugees shall return to … Nagorno-Karabakh and adjacent areas under the supervision of the United Nations High Commissioner for Refugees.",
                )
            ],
        ),
        (
            "Point 8",
            "Prisoners and bodies",
            ["prisoners-of-war"],
            "Exchange of prisoners of war, other detainees and bodies. (As summarised by Sputnik; the official copy of this point was not retrieved.)",
            [
                (
                    "S6",
                    "summary of point 8",
                    "Bakou et Erevan procéderont à un échange de prisonniers et de corps de soldats tués pendant les affrontements.",
                )
            ],
        ),
        (
            "Point 9",
            "Unblocking of transport links; Nakhchivan",
            ["transit-corridor", "communications", "corridor-border-controls"],
            "All economic and transport links in the region are unblocked. Armenia guarantees the security of transport links between the western regions of Azerbaijan and Nakhchivan for unhindered movement both ways, with the Border Service of Russia's FSB exercising transport control; new links may be built by agreement. (As quoted by Aliyev in his address of 1 December 2020; the official copy of this point was not retrieved.)",
            [
                (
                    "S7",
                    "quoting point 9",
                    "The Republic of Armenia guarantees the security of transport links between the western regions of the Republic of Azerbaijan and the Nakhchivan Autonomous Republic",
                ),
                (
                    "S7",
                    "quoting point 9",
                    "Transport control is exercised by the Border Service of the Federal Security Service of Russia",
                ),
            ],
        ),
    ],
}

DECLARATION_2025 = {
    "slug": "washington-joint-declaration-2025-08-08",
    "title": "Joint Declaration of Washington, 8 August 2025",
    "kind": "joint_statement",
    "availability": "reported",
    "date": "2025-08-08",
    "summary": "Signed at the White House by Aliyev and Pashinyan, with President Trump signing as witness; described as a seven-point declaration. Only points 1–4 were retrieved (an Italian translation and Pashinyan's English quotations). What became of point 9 of the 2020 statement: point 3 provides for \u201cunimpeded communication\u201d between mainland Azerbaijan and Nakhchivan through Armenia on the basis of sovereignty and jurisdiction, and point 4 for the TRIPP in Armenia, framed with the United States, instead of the 2020 control by Russia's FSB border service.",
    "signatories": ["armenia", "azerbaijan"],
    "witnesses": ["us"],
    "citations": [
        (
            "S54",
            "report",
            "Pashinian and Azerbaijani President Ilham Aliyev signed at the White House a joint declaration … Trump signed it as a witness.",
        )
    ],
    "steps": [
        (
            "signed",
            "2025-08-08",
            "Signed by Aliyev and Pashinyan; witnessed by Trump.",
            [
                (
                    "S54",
                    "report",
                    "Pashinian and Azerbaijani President Ilham Aliyev signed at the White House a joint declaration … Trump signed it as a witness.",
                )
            ],
        )
    ],
    "provisions": [
        (
            "Point 1",
            "Initialling of the agreement",
            ["peace-agreement"],
            "The leaders witnessed the foreign ministers initial the agreed text of the peace agreement and note the need for further steps toward its signing and ratification.",
            [
                (
                    "S55",
                    "point 1",
                    "abbiamo assistito alla parafatura del testo concordato dell’Accordo sull’istituzione della pace e delle relazioni interstatali",
                ),
                (
                    "S55",
                    "point 1",
                    "abbiamo rilevato la necessità di proseguire con ulteriori azioni per giungere alla firma e alla ratifica definitiva dell’Accordo",
                ),
            ],
        ),
        (
            "Point 2",
            "OSCE Minsk process",
            ["minsk-group"],
            "They witnessed the signing of a joint appeal to the OSCE to close the Minsk process and related structures.",
            [
                (
                    "S55",
                    "point 2",
                    "la firma di un appello congiunto all’Organizzazione per la Sicurezza e la Cooperazione in Europa (OSCE) sulla chiusura del Processo di Minsk",
                )
            ],
        ),
        (
            "Point 3",
            "Opening of communications",
            ["transit-corridor", "communications"],
            "Communications open on the basis of sovereignty, territorial integrity and jurisdiction, including \u201cunimpeded communication\u201d between mainland Azerbaijan and Nakhchivan through Armenia, with reciprocal advantages for Armenia.",
            [
                (
                    "S56",
                    "quoting point 3",
                    "unimpeded communication between the main territory of the Republic of Azerbaijan and the Nakhichevan Autonomous Republic through the territory of the Republic of Armenia",
                ),
                (
                    "S56",
                    "quoting point 3",
                    "ensuring reciprocal advantages for Armenia in both international and domestic transportation.",
                ),
            ],
        ),
        (
            "Point 4",
            "TRIPP",
            ["transit-corridor"],
            "Armenia will work with the United States and mutually agreed third parties to define the framework for the \u201cTrump Route for International Peace and Prosperity\u201d (TRIPP) within Armenia's territory.",
            [
                (
                    "S56",
                    "quoting point 4",
                    "to define the framework for implementing the ‘Trump Route for International Peace and Prosperity’ (TRIPP) communication program within the territory of Armenia.",
                ),
                (
                    "S55",
                    "point 4",
                    "La Repubblica di Armenia coopererà con gli Stati Uniti d’America e con terze parti individuate congiuntamente",
                ),
            ],
        ),
    ],
}

REPORTED_ONLY = "The words of this article were not retrieved from a public source; reports of the published text give its subject as: "
NOT_RETRIEVED = "The words of this article were not retrieved from a public source; a secondary listing gives its subject as: "
AGREEMENT_2025 = {
    "slug": "peace-agreement-2025",
    "title": "Agreement on Establishment of Peace and Inter-State Relations (initialled 8 August 2025)",
    "kind": "initialled",
    "availability": "official",
    "date": "2025-08-08",
    "summary": "The 17-article agreement whose text both foreign ministries announced as agreed on 13 March 2025, initialled by the foreign ministers Bayramov and Mirzoyan in Washington on 8 August 2025 with the United States as witness, and published by both ministries on 11 August 2025. Not signed: Azerbaijan makes signing conditional on a change of Armenia's constitution. Its relation to that demand: Article II (no territorial claims) and Article XII (no party may invoke its domestic law to avoid complying) are where the text addresses it; the constitution itself is not named in what was retrieved. Articles VIII–XVII are known here by subject only.",
    "signatories": ["armenia", "azerbaijan"],
    "witnesses": ["us"],
    "citations": [
        (
            "S58",
            "report",
            "consists of 17 articles that the parties had worked on for more than three years",
        )
    ],
    "steps": [
        (
            "drafted",
            "2025-03-13",
            "Both foreign ministries announce that negotiations on the text are concluded.",
            [
                (
                    "S45",
                    "statement",
                    "We are pleased to note the conclusion of negotiations on the text of the draft agreement.",
                )
            ],
        ),
        (
            "initialled",
            "2025-08-08",
            "Initialled in Washington by the foreign ministers Bayramov and Mirzoyan; the US President witnessed it.",
            [
                (
                    "S57",
                    "statement",
                    "the Ministers of Foreign Affairs of Azerbaijan and Armenia have initialed the text of the Agreement on Establishment of Peace and Inter-State relations",
                )
            ],
        ),
    ],
    "provisions": [
        (
            "Art. I",
            "Mutual recognition",
            ["alma-ata-basis"],
            "The former Soviet republics' borders became the international borders of the independent states; each party recognises and will respect the other's \u201csovereignty, territorial integrity, inviolability of international borders and political independence\u201d.",
            [
                (
                    "S59",
                    "Art. I",
                    "the Parties recognize and will respect each other's sovereignty, territorial integrity, inviolability of international borders and political independence.",
                )
            ],
        ),
        (
            "Art. II",
            "No territorial claims",
            ["armenian-constitution", "western-azerbaijan"],
            "The parties confirm they have no territorial claims against each other and will make none in future, and will take no action against the other's territorial integrity or political unity.",
            [
                (
                    "S59",
                    "Art. II",
                    "the Parties confirm that they have no territorial claims against each other and will not make such claims in the future.",
                )
            ],
        ),
        (
            "Art. III",
            "Non-use of force and of territory",
            ["use-of-force", "non-use-of-territory"],
            REPORTED_ONLY
            + "no use or threat of force, and neither party lets a third party use its territory for the use of force against the other.",
            [
                (
                    "S60",
                    "listing",
                    "Seventeen articles in the document address key aspects of rapprochement between the two countries",
                )
            ],
        ),
        (
            "Art. IV",
            "Non-interference",
            ["non-interference"],
            REPORTED_ONLY + "non-interference in each other's internal affairs.",
            [
                (
                    "S60",
                    "listing",
                    "Seventeen articles in the document address key aspects of rapprochement between the two countries",
                )
            ],
        ),
        (
            "Art. V",
            "Diplomatic relations",
            ["diplomatic-relations"],
            "Diplomatic relations are established within a number of days after the instruments of ratification are exchanged; the number is blank in the initialled text.",
            [
                (
                    "S59",
                    "The Levant Files, on Art. V",
                    "Within a specified period after the exchange of instruments of ratification—left blank in the initialed text",
                )
            ],
        ),
        (
            "Art. VI",
            "Border delimitation",
            ["border-delimitation"],
            REPORTED_ONLY
            + "good-faith negotiations in the border commissions, under their agreed regulation, toward a delimitation and demarcation agreement.",
            [
                (
                    "S60",
                    "listing",
                    "Seventeen articles in the document address key aspects of rapprochement between the two countries",
                )
            ],
        ),
        (
            "Art. VII",
            "No third-party forces on the border",
            ["third-party-forces", "guarantors"],
            "The parties \u201cshall not deploy along their mutual border forces of any third party\u201d; pending delimitation, they apply agreed security and confidence-building measures, including military ones.",
            [
                (
                    "S58",
                    "quoting Art. VII",
                    "“shall not deploy along their mutual border forces of any third party.”",
                ),
                (
                    "S58",
                    "quoting Art. VII",
                    "“mutually agreed security and confidence-building measures, including in the military field",
                ),
            ],
        ),
        (
            "Art. VIII",
            "Intolerance, extremism and separatism",
            ["extremism-separatism"],
            NOT_RETRIEVED + "cooperation against intolerance, extremism, separatism and terrorism.",
            [
                (
                    "S60",
                    "listing, item 8",
                    "8. Cooperation against intolerance, extremism, separatism, and terrorism",
                )
            ],
        ),
        (
            "Art. IX",
            "Missing persons",
            ["prisoners-of-war"],
            NOT_RETRIEVED + "missing persons and enforced disappearances from the conflict.",
            [
                (
                    "S60",
                    "listing",
                    "Seventeen articles in the document address key aspects of rapprochement between the two countries",
                )
            ],
        ),
        (
            "Art. X",
            "Cooperation",
            ["communications"],
            NOT_RETRIEVED
            + "cooperation in economic, transit, transport, environmental, humanitarian and cultural fields.",
            [
                (
                    "S60",
                    "listing",
                    "Seventeen articles in the document address key aspects of rapprochement between the two countries",
                )
            ],
        ),
        (
            "Art. XI",
            "Other international obligations",
            ["peace-agreement"],
            NOT_RETRIEVED + "compatibility with existing international obligations.",
            [
                (
                    "S60",
                    "listing",
                    "Seventeen articles in the document address key aspects of rapprochement between the two countries",
                )
            ],
        ),
        (
            "Art. XII",
            "Domestic law",
            ["armenian-constitution"],
            NOT_RETRIEVED
            + "a party may not invoke its domestic law to justify not complying. It matches the Armenian MFA's description (June 2024) of an \u201cagreed provision\u201d.",
            [
                (
                    "S94",
                    "Armenian MFA, June 2024",
                    "one of the “agreed provisions” of a draft accord stipulates that the parties cannot use their domestic legislation for not complying with the document.",
                )
            ],
        ),
        (
            "Art. XIII",
            "Bilateral commission",
            ["peace-agreement"],
            NOT_RETRIEVED + "a bilateral commission to oversee implementation.",
            [
                (
                    "S60",
                    "listing",
                    "Seventeen articles in the document address key aspects of rapprochement between the two countries",
                )
            ],
        ),
        (
            "Art. XIV",
            "Settlement of disputes",
            ["peace-agreement"],
            NOT_RETRIEVED + "peaceful settlement of disputes.",
            [
                (
                    "S60",
                    "listing",
                    "Seventeen articles in the document address key aspects of rapprochement between the two countries",
                )
            ],
        ),
        (
            "Art. XV",
            "Withdrawal of claims",
            ["interstate-claims"],
            NOT_RETRIEVED + "withdrawal of pre-existing legal disputes between the parties.",
            [("S60", "listing, item 15", "15. Withdrawal of pre-existing legal disputes")],
        ),
        (
            "Art. XVI",
            "Entry into force",
            ["peace-agreement"],
            NOT_RETRIEVED + "entry into force.",
            [
                (
                    "S60",
                    "listing",
                    "Seventeen articles in the document address key aspects of rapprochement between the two countries",
                )
            ],
        ),
        (
            "Art. XVII",
            "Languages",
            ["peace-agreement"],
            NOT_RETRIEVED
            + "the Azerbaijani, Armenian and English texts are equally authentic, English prevailing if they diverge.",
            [
                (
                    "S60",
                    "listing, item 17",
                    "17. Equal authenticity of Azerbaijani, Armenian, and English texts, with English prevailing in case of divergence",
                )
            ],
        ),
    ],
}

REGULATION_2024 = {
    "slug": "border-commissions-regulation-2024",
    "title": "Regulation on joint activity of the border commissions (signed 30 August 2024)",
    "kind": "other",
    "availability": "described",
    "date": "2024-08-30",
    "summary": "Signed by the deputy prime ministers Mher Grigoryan and Shahin Mustafayev; ratified in both countries in October 2024. Its text was not retrieved: below is what sources report it contains.",
    "signatories": ["armenia", "azerbaijan"],
    "citations": [
        (
            "S42",
            "report",
            "The regulation was signed by the deputy prime ministers of Armenia and Azerbaijan on August 30.",
        )
    ],
    "steps": [
        (
            "signed",
            "2024-08-30",
            "Signed by the two deputy prime ministers.",
            [
                (
                    "S42",
                    "report",
                    "The regulation was signed by the deputy prime ministers of Armenia and Azerbaijan on August 30.",
                )
            ],
        ),
        (
            "ratified",
            "late 2024-10?",
            "Ratified by Armenia's parliament and signed into law by both presidents (days inferred: the source gives weekdays only).",
            [
                (
                    "S43",
                    "report",
                    "President Vahagn Khachaturyan signed the ratification bill into law late on Thursday.",
                )
            ],
        ),
    ],
    "reported": [
        (
            "border-delimitation",
            "Provides for a future international treaty on the state border.",
            [
                (
                    "S42",
                    "report",
                    "provides for the signing of an international treaty on the state border in the future",
                )
            ],
        ),
        (
            "alma-ata-basis",
            "The process rests, \u201cunless agreed otherwise\u201d, on the 1991 Alma-Ata Declaration.",
            [
                (
                    "S43",
                    "report",
                    "the process will be based, unless agreed otherwise, on the 1991 Alma-Ata Declaration",
                )
            ],
        ),
        (
            "delimitation-maps",
            "Does not say which maps will be used.",
            [
                (
                    "S43",
                    "report",
                    "It does not specify which maps or other legal documents will be used for that purpose.",
                )
            ],
        ),
    ],
}

TEXTS = [STATEMENT_2020, REGULATION_2024, AGREEMENT_2025, DECLARATION_2025]

# --- events: (key, date, kind, title, description, parties, persons, issues, citations)

EVENTS = [
    (
        "moscow-2021",
        "2021-01-11",
        "summit",
        "Moscow trilateral statement on unblocking transport links",
        "Putin, Aliyev and Pashinyan agree on unblocking the region's economic and transport links; a deputy-prime-ministers' working group follows. Text not retrieved.",
        ["russia", "armenia", "azerbaijan"],
        ["putin", "aliyev", "pashinyan"],
        ["communications"],
        [
            (
                "S14",
                "report",
                "Putin last held talks with Azerbaijan’s Aliyev and Armenia’s Pashinyan in Moscow on January 11, 2021.",
            )
        ],
    ),
    (
        "sochi-2021",
        "2021-11-26",
        "summit",
        "Sochi trilateral statement",
        "The leaders reaffirm the 2020 and January 2021 statements and agree to set up a bilateral commission, Russia advising, on delimitation and then demarcation.",
        ["russia", "armenia", "azerbaijan"],
        ["putin", "aliyev", "pashinyan"],
        ["border-delimitation"],
        [
            (
                "S13",
                "statement",
                "establishment of a bilateral commission with the advisory participation of the Russian Federation based on the application of the sides, on delimitation, and afterwards demarcation",
            )
        ],
    ),
    (
        "brussels-2021",
        "2021-12-14",
        "summit",
        "First Brussels meeting hosted by Charles Michel",
        "First meeting of the two leaders hosted by the European Council President, on the margins of the Eastern Partnership summit.",
        ["eu", "armenia", "azerbaijan"],
        ["michel", "aliyev", "pashinyan"],
        ["negotiation-platform"],
        [
            (
                "S15",
                "report",
                "met on the sidelines of the summit in Brussels on December 14 on the invitation of the European Council President Charles Michel",
            )
        ],
    ),
    (
        "brussels-2022-04",
        "2022-04-06",
        "summit",
        "Second Brussels meeting: foreign ministers to prepare a peace treaty",
        "Michel's second trilateral meeting; the foreign ministers are instructed to prepare a peace treaty.",
        ["eu", "armenia", "azerbaijan"],
        ["michel", "aliyev", "pashinyan"],
        ["framework-vs-full"],
        [
            (
                "S99",
                "European Council statement",
                "it was agreed to instruct Ministers of Foreign Affairs to work on the preparation of a future peace treaty, which would address all necessary issues",
            )
        ],
    ),
    (
        "brussels-2022-05",
        "2022-05-22",
        "summit",
        "Third Brussels meeting: transit principles",
        "The leaders agree principles for transit between western Azerbaijan and Nakhchivan and between parts of Armenia via Azerbaijan, including border administration, security, land fees and customs.",
        ["eu", "armenia", "azerbaijan"],
        ["michel", "aliyev", "pashinyan"],
        ["transit-corridor", "corridor-border-controls"],
        [
            (
                "S18",
                "statement",
                "They agreed on the principles governing transit between western Azerbaijan and Nakhichevan, and between different parts of Armenia via Azerbaijan",
            )
        ],
    ),
    (
        "prague-2022",
        "2022-10-06",
        "summit",
        "Prague quadrilateral meeting (European Political Community)",
        "Aliyev and Pashinyan, with Macron and Michel, confirm the UN Charter and the 1991 Alma-Ata Declaration, \u201cthrough which both recognize each other’s territorial integrity and sovereignty\u201d, as the basis for the border commissions; Armenia agrees to a civilian EU mission along the border.",
        ["armenia", "azerbaijan", "eu", "france"],
        ["aliyev", "pashinyan", "macron", "michel"],
        ["alma-ata-basis", "border-delimitation"],
        [
            (
                "S19",
                "statement",
                "confirmed their commitment to the Charter of the United Nations and the Alma Ata 1991 Declaration",
            ),
            (
                "S19",
                "statement",
                "through which both recognize each other’s territorial integrity and sovereignty.",
            ),
        ],
    ),
    (
        "sochi-2022",
        "2022-10-31",
        "summit",
        "Sochi trilateral statement",
        "No use or threat of force; issues to be settled on the basis of mutual recognition of sovereignty, territorial integrity and inviolability of borders under the UN Charter and the Alma-Ata Declaration.",
        ["russia", "armenia", "azerbaijan"],
        ["putin", "aliyev", "pashinyan"],
        ["use-of-force", "alma-ata-basis"],
        [
            (
                "S107",
                "PA-X, para. 4",
                "[We] agreed to refrain from the use of force or the threat of its use",
            )
        ],
    ),
    (
        "icj-2023",
        "2023-02-22",
        "other",
        "ICJ provisional measure on the Lachin corridor",
        "By 13 votes to 2 the Court orders Azerbaijan to ensure unimpeded movement along the Lachin corridor in both directions.",
        ["icj", "azerbaijan"],
        [],
        ["lachin-corridor"],
        [
            (
                "S89",
                "order",
                "take all measures at its disposal to ensure unimpeded movement of persons, vehicles and cargo along the Lachin Corridor in both directions",
            )
        ],
    ),
    (
        "arlington-2023",
        "2023-05-01/2023-05-04",
        "talks",
        "Arlington talks hosted by Blinken",
        "Four days of foreign-minister talks; Blinken says the sides agreed in principle to certain terms.",
        ["us", "armenia", "azerbaijan"],
        ["blinken", "mirzoyan", "bayramov"],
        ["framework-vs-full"],
        [("S23", "statement", "Both Armenia and Azerbaijan agreed in principle to certain terms")],
    ),
    (
        "brussels-2023-07",
        "2023-07-15",
        "summit",
        "Sixth Brussels meeting",
        "Both leaders reconfirm the 1991 Almaty Declaration as the political framework for delimitation, on the basis of Armenia's 29,800 km² and Azerbaijan's 86,600 km².",
        ["eu", "armenia", "azerbaijan"],
        ["michel", "aliyev", "pashinyan"],
        ["alma-ata-basis", "border-delimitation"],
        [
            (
                "S22",
                "remarks",
                "Both leaders reconfirmed their unequivocal commitment to the 1991 Almaty Declaration as a political framework for the delimitation.",
            )
        ],
    ),
    (
        "offensive-2023",
        "2023-09-19/2023-09-20",
        "military",
        "Azerbaijani offensive in Nagorno-Karabakh",
        "Azerbaijan announces an \u201canti-terrorist operation\u201d on 19 September; a ceasefire follows on the afternoon of 20 September and the Karabakh forces disband.",
        ["azerbaijan", "nagorno-karabakh-armenians"],
        ["aliyev"],
        ["nagorno-karabakh-status", "use-of-force"],
        [
            (
                "S31",
                "report",
                'On September 19, 2023, Azerbaijan announced an "anti-terrorist operation" in Nagorno-Karabakh.',
            ),
            (
                "S31",
                "report",
                "On the afternoon of September 20, the authorities of the unrecognized Nagorno-Karabakh Republic (NKR) and the Ministry of Defense of Azerbaijan announced a ceasefire.",
            ),
        ],
    ),
    (
        "dissolution-2023",
        "2023-09-28",
        "statement",
        "Decree dissolving the Nagorno-Karabakh Republic's institutions",
        "Shahramanyan signs a decree dissolving all state institutions from 1 January 2024; more than half of the 120,000 Armenians had fled by then.",
        ["nagorno-karabakh-armenians"],
        ["shahramanyan"],
        ["nagorno-karabakh-status", "right-of-return"],
        [
            (
                "S29",
                "report",
                "Samvel Shahramanyan, has signed a decree to dissolve all state institutions from January 1, 2024",
            ),
            (
                "S29",
                "report",
                "More than half of the 120,000 ethnic Armenians who lived in the enclave have since fled to Armenia.",
            ),
        ],
    ),
    (
        "exodus-2023",
        "2023-10-02",
        "other",
        "Exodus: 100,520 people from Nagorno-Karabakh registered in Armenia",
        "Armenian official count as of 2 October 2023; later counts were 100,632 (19 Oct) and 101,848 (20 Oct).",
        ["armenia", "nagorno-karabakh-armenians"],
        [],
        ["right-of-return"],
        [
            (
                "S32",
                "report",
                "100,520 individuals forcibly displaced from Nagorno Karabakh have been relocated to Armenia",
            )
        ],
    ),
    (
        "granada-2023",
        "2023-10-05",
        "summit",
        "Granada: Aliyev stays away; declaration by Pashinyan, Michel, Macron and Scholz",
        "Aliyev does not attend, citing France's position; the four adopt a declaration on Armenia's territorial integrity and the refugees' right to return.",
        ["armenia", "eu", "france", "germany", "azerbaijan"],
        ["pashinyan", "michel", "macron", "scholz"],
        ["negotiation-platform", "right-of-return"],
        [
            (
                "S26",
                "Azerbaijani source",
                "Azerbaijan will not participate in meetings where France is represented",
            ),
            (
                "S28",
                "declaration",
                "l'intégrité territoriale de l'Arménie (29 800 km2) et de l'Azerbaïdjan (86 600 km2)",
            ),
            (
                "S28",
                "declaration",
                "ces réfugiés devraient être libres d'exercer leur droit au retour dans leurs foyers",
            ),
        ],
    ),
    (
        "crossroads-2023",
        "2023-10-26",
        "statement",
        "Armenia presents the Crossroads of Peace in Tbilisi",
        "Pashinyan presents the project at the Silk Road forum in Georgia: infrastructure under the sovereignty and jurisdiction of the countries it crosses.",
        ["armenia", "georgia"],
        ["pashinyan"],
        ["communications", "corridor-border-controls"],
        [
            (
                "S80",
                "speech",
                "All infrastructures, including roads, railways, airways, pipelines, cables, power lines function under the sovereignty and jurisdiction of the countries they pass through.",
            )
        ],
    ),
    (
        "washington-refused-2023",
        "2023-11-16",
        "statement",
        "Azerbaijan refuses the Washington foreign-minister meeting of 20 November",
        "Baku declines the US-hosted meeting after a US official's testimony.",
        ["azerbaijan", "us"],
        [],
        ["negotiation-platform"],
        [
            (
                "S85",
                "statement",
                "we do not consider possible to hold the proposed meeting … in Washington on November 20, 2023",
            )
        ],
    ),
    (
        "delimitation-2024-04",
        "2024-04-19",
        "talks",
        "Border commissions agree the first sections (four villages)",
        "Eighth meeting: sections between Baghanis, Voskepar, Kirants and Berkaber and their Azerbaijani counterparts are preliminarily agreed, to follow the Soviet inter-republican border; delimitation to rest on the 1991 Alma-Ata Declaration.",
        ["armenia", "azerbaijan"],
        [],
        ["border-delimitation", "enclaves", "alma-ata-basis"],
        [
            (
                "S39",
                "press release",
                "On April 19, 2024, the eighth meeting of the Commission on Delimitation and Border Security … was held on the border",
            )
        ],
    ),
    (
        "delimitation-2024-05",
        "2024-05-24",
        "other",
        "Azerbaijan takes control of the four Gazakh villages",
        "After the protocol of 15 May 2024, a 12.7 km border line is fixed and four villages (6.5 km²) pass to Azerbaijan.",
        ["azerbaijan", "armenia"],
        [],
        ["enclaves", "border-delimitation"],
        [("S41", "press release", "a 12.7 km long border line was determined")],
    ),
    (
        "almaty-2024",
        "2024-05-10/2024-05-11",
        "talks",
        "Foreign-minister talks in Almaty",
        "Kazakhstan hosts the talks without mediating.",
        ["kazakhstan", "armenia", "azerbaijan"],
        ["mirzoyan", "bayramov"],
        ["negotiation-platform"],
        [
            (
                "S100",
                "report",
                "Foreign Minister of Azerbaijan Jeyhun Bayramov and Foreign Minister of Armenia Ararat Mirzoyan began negotiations in Almaty on May 10.",
            )
        ],
    ),
    (
        "text-agreed-2025",
        "2025-03-13",
        "statement",
        "Both foreign ministries announce the text of the peace agreement agreed",
        "Armenia accepts Baku's proposals on the two open articles; Azerbaijan names the amendment of Armenia's constitution as the main condition for signing.",
        ["armenia", "azerbaijan"],
        [],
        ["peace-agreement", "armenian-constitution"],
        [
            (
                "S45",
                "statement",
                "We are pleased to note the conclusion of negotiations on the text of the draft agreement.",
            ),
            ("S46", "TASS", "L’accord de paix est donc prêt à être signé."),
        ],
    ),
    (
        "abu-dhabi-2025",
        "2025-07-10",
        "summit",
        "Aliyev and Pashinyan meet in Abu Dhabi",
        "Both sides call bilateral talks the most effective format.",
        ["armenia", "azerbaijan"],
        ["aliyev", "pashinyan"],
        ["negotiation-platform"],
        [
            (
                "S101",
                "report",
                "Both Yerevan and Baku emphasized that bilateral negotiations are the most effective format and agreed to continue the dialogue.",
            )
        ],
    ),
    (
        "washington-2025",
        "2025-08-08",
        "summit",
        "Washington summit: declaration signed, agreement initialled, TRIPP",
        "Trump hosts Aliyev and Pashinyan; they sign a joint declaration he witnesses, the foreign ministers initial the peace agreement and sign a joint appeal to close the OSCE Minsk process, and Armenia agrees to a US-developed transit route (TRIPP).",
        ["us", "armenia", "azerbaijan"],
        ["trump", "aliyev", "pashinyan", "mirzoyan", "bayramov"],
        ["peace-agreement", "transit-corridor", "minsk-group"],
        [
            (
                "S54",
                "report",
                "Armenia initialed a peace treaty with Azerbaijan and pledged to give the United States exclusive rights to a transit corridor through its territory",
            )
        ],
    ),
    (
        "minsk-decision-2025",
        "2025-09-01",
        "agreement",
        "OSCE decides to close the Minsk process (MC/1/25)",
        "The Ministerial Council decision, by consensus of the 57 participating States, ends the Minsk process and related structures as of 1 September.",
        ["osce"],
        ["valtonen"],
        ["minsk-group"],
        [
            (
                "S69",
                "statement",
                "On September 1, 2025, the OSCE Ministerial Council adopted a decision to close the OSCE Minsk Process and its related structures",
            )
        ],
    ),
    (
        "minsk-closed-2025",
        "2025-11-30",
        "other",
        "Closure of the Minsk process finalised",
        "The OSCE finalises the closure at 23:59 on 30 November 2025 (administrative closure due by 1 December).",
        ["osce"],
        [],
        ["minsk-group"],
        [
            (
                "S71",
                "OSCE release",
                "The OSCE finalized the closure of the Minsk Process and its related structures at 23:59 on 30 November 2025.",
            )
        ],
    ),
    (
        "chisinau-2023",
        "2023-06-01",
        "summit",
        "Chișinău meeting of five leaders",
        "Aliyev and Pashinyan meet Michel, Macron and Scholz on the margins of the European Political Community summit in Moldova.",
        ["eu", "france", "germany", "armenia", "azerbaijan"],
        ["michel", "macron", "scholz", "aliyev", "pashinyan"],
        ["negotiation-platform"],
        [("S27", "report", "The five leaders already met in this format in Moldova on June 1.")],
    ),
    (
        "berlin-2024",
        "2024-02-28/2024-02-29",
        "talks",
        "Foreign-minister talks in Berlin",
        "Hosted by Germany. The sources disagree on the day: one report says 28 February, another 29 February; both are recorded.",
        ["germany", "armenia", "azerbaijan"],
        ["mirzoyan", "bayramov"],
        ["negotiation-platform"],
        [
            (
                "S100",
                "worldwideheadline (German)",
                "Bayramov und Mirzoyan trafen sich zuletzt am 28. Februar in Berlin",
            ),
            (
                "S100",
                "news-pravda (German)",
                "trafen sich die Außenminister der beiden Länder am 29. Februar in Berlin",
            ),
        ],
    ),
    (
        "minsk-silent-2025",
        "2025-08-25",
        "other",
        "OSCE puts the closure of the Minsk process to a silent procedure",
        "After a special Permanent Council meeting, a draft Ministerial Council decision is put to a silent procedure ending on 1 September.",
        ["osce"],
        [],
        ["minsk-group"],
        [
            (
                "S68",
                "OSCE Secretariat",
                "Following a Special Permanent Council Meeting held on 25 August, a draft Ministerial Council decision to close the Minsk Process and related structures was submitted",
            )
        ],
    ),
    (
        "tripp-framework-2026",
        "2026-01-14",
        "agreement",
        "TRIPP Implementation Framework published",
        "Non-binding US–Armenia framework: a TRIPP Development Company, 74% US and 26% Armenia, for an initial 49 years with a possible 50-year extension. Trump had spoken in August 2025 of a partnership of \u201cup to 99 years\u201d: the sources give both terms.",
        ["us", "armenia"],
        ["rubio", "mirzoyan"],
        ["transit-corridor", "corridor-border-controls"],
        [
            (
                "S92",
                "framework",
                "expected to be granted the right to development for an initial term of 49 years.",
            ),
            (
                "S54",
                "quoting Trump",
                "Armenia will establish an “exclusive partnership with the United States to develop this corridor, which could extend for up to 99 years,” he said",
            ),
        ],
    ),
]

# --- positions: (key, party, issue, stance, date, speaker, attribution, summary, citations)

POSITIONS = [
    # The route to Nakhchivan and its controls
    (
        "az-corridor-2020",
        "azerbaijan",
        "corridor-border-controls",
        "demand",
        "2020-12-01?",
        "aliyev",
        "own",
        "Aliyev: point 9 was his insistence; the corridor's security is to be provided \u201cnot by Armenia\u201d but by Russia's FSB border service.",
        [
            (
                "S8",
                "address",
                "the security of this corridor will be provided not by Armenia, but by the Border Service of the Federal Security Service of Russia",
            )
        ],
    ),
    (
        "az-customs-2021",
        "azerbaijan",
        "corridor-border-controls",
        "demand",
        "2021-12-14",
        "aliyev",
        "own",
        "No Armenian customs checkpoint on the route, as there is none at Lachin.",
        [
            (
                "S15",
                "quoting Aliyev",
                "There should be no customs checkpoint [by Armenia] at Zangazur corridor, just like there is none at Lachin corridor",
            )
        ],
    ),
    (
        "az-faces-2025",
        "azerbaijan",
        "corridor-border-controls",
        "demand",
        "2025-07-20",
        "aliyev",
        "own",
        "Travellers to and from Nakhchivan \u201cshould not see the faces of Armenian border guards\u201d.",
        [
            (
                "S91",
                "report",
                "Aliyev said on July 20 that Azerbaijanis travelling to from Nakhichevan “should not see the faces of Armenian border guards or anyone else.”",
            )
        ],
    ),
    (
        "am-article9-2023",
        "armenia",
        "corridor-border-controls",
        "demand",
        "2023-06?",
        None,
        "reported",
        "Armenia's deputy PM's office, citing Article 9: the planned road and rail links will be under full Armenian control.",
        [
            (
                "S11",
                "report",
                "Citing Article 9 of the ceasefire agreement, it said that the planned road and rail links will be under full Armenian control.",
            )
        ],
    ),
    (
        "am-crossroads-2023",
        "armenia",
        "corridor-border-controls",
        "proposes",
        "2023-10-26",
        "pashinyan",
        "own",
        "Crossroads of Peace: each country exercises border and customs control on its own territory.",
        [
            (
                "S80",
                "speech",
                "Every country exercises border and customs control on its territory through its state institutions",
            )
        ],
    ),
    (
        "am-syunik-2025",
        "armenia",
        "transit-corridor",
        "demand",
        "2025-08?/2025-09?",
        "pashinyan",
        "reported",
        "After Washington, Pashinyan's principles for the route include respect for Armenian sovereignty over Syunik.",
        [
            (
                "S91",
                "report",
                "The principles include respect for Armenian sovereignty over the Syunik province",
            )
        ],
    ),
    (
        "am-tripp-2026",
        "armenia",
        "corridor-border-controls",
        "accepts",
        "2026-01-14",
        "mirzoyan",
        "reported",
        "Route framework with the United States (January 2026): Armenian state services operate at all Armenian border and customs checkpoints on the route.",
        [
            (
                "S92",
                "framework",
                "Armenian state services will operate at all of Armenia’s border and customs checkpoints.",
            )
        ],
    ),
    (
        "ru-zangezur",
        "russia",
        "transit-corridor",
        "denies",
        "2023-06?/2023-12?",
        "lavrov",
        "reported",
        "Lavrov: the 2020 statement never mentioned a \u201cZangezur corridor\u201d; countries keep sovereignty and jurisdiction over routes on their territory.",
        [
            (
                "S10",
                "press conference",
                "There was never any mention of the Zangezur corridor within the framework of the agreement",
            )
        ],
    ),
    # The constitution
    (
        "az-constitution-2024",
        "azerbaijan",
        "armenian-constitution",
        "condition",
        "2024-06-06",
        "aliyev",
        "reported",
        "Azerbaijan will not sign unless Armenia changes its constitution.",
        [
            (
                "S94",
                "report",
                "Aliyev likewise stated on June 6 that Azerbaijan will not sign the peace deal unless Armenia changes its constitution.",
            )
        ],
    ),
    (
        "am-constitution-2024",
        "armenia",
        "armenian-constitution",
        "rejects",
        "2024-06?",
        None,
        "reported",
        "Armenian MFA rejects the precondition: an agreed provision already bars invoking domestic law to avoid compliance.",
        [
            (
                "S53",
                "report",
                "The Armenian Foreign Ministry rejected this precondition in a statement issued a month ago.",
            )
        ],
    ),
    (
        "az-constitution-2024-07",
        "azerbaijan",
        "armenian-constitution",
        "condition",
        "2024-07?",
        "bayramov",
        "reported",
        "Bayramov restates that signing depends on Armenia changing its constitution.",
        [
            (
                "S53",
                "report",
                "Bayramov reiterated that the signing of the Armenian-Azerbaijani peace treaty is conditional of Armenia changing its constitution",
            )
        ],
    ),
    (
        "az-constitution-2025-03",
        "azerbaijan",
        "armenian-constitution",
        "condition",
        "2025-03-13",
        None,
        "own",
        "Azerbaijani MFA: the main condition for signing the agreed text is amending Armenia's constitution.",
        [
            (
                "S45",
                "statement",
                "the main condition for signing the negotiated text is the amendment of the Armenian constitution",
            )
        ],
    ),
    (
        "az-constitution-2025-08",
        "azerbaijan",
        "armenian-constitution",
        "condition",
        "after 2025-08-08",
        "aliyev",
        "own",
        "After the initialling: the treaty can be signed once Armenia's constitution is changed.",
        [
            (
                "S73",
                "quoting Aliyev",
                "“After appropriate changes are made to the Armenian constitution, the peace treaty can be signed at any time,” Aliyev told Azerbaijani media.",
            )
        ],
    ),
    (
        "az-constitution-amirbayov",
        "azerbaijan",
        "armenian-constitution",
        "condition",
        "after 2025-08-08",
        "amirbayov",
        "own",
        "Baku expects constitutional amendments in Armenia before signing and ratification.",
        [("S64", "interview", "Specifically, Baku expects constitutional amendments in Armenia")],
    ),
    (
        "az-constitution-2025-08-27",
        "azerbaijan",
        "armenian-constitution",
        "condition",
        "2025-08-27",
        "aliyev",
        "own",
        "Al Arabiya interview: Aliyev expects Armenia to make the change, after which the agreement will be signed.",
        [
            (
                "S74",
                "quoting Aliyev",
                "“As far as we understand, they will make the change,” Aliyev told the Saudi state-owned broadcaster Al Arabiya.",
            )
        ],
    ),
    (
        "am-constitution-2025-08-27",
        "armenia",
        "armenian-constitution",
        "rejects",
        "2025-08-27",
        "mirzoyan",
        "own",
        "The constitution was not discussed in Washington; Armenia has no obligations to third countries on it.",
        [
            (
                "S74",
                "quoting Mirzoyan",
                "“The issue of the constitution was not discussed in Washington,” Mirzoyan told Armenian Public Television.",
            )
        ],
    ),
    # Third-party forces and guarantors; interstate claims
    (
        "am-guarantors-2024",
        "armenia",
        "guarantors",
        "demand",
        "2024-01-06",
        "pashinyan",
        "reported",
        "As characterised by an Azerbaijani agency: Pashinyan wants the US, France or the EU as guarantors of the treaty. Armenia's own words were not found.",
        [
            (
                "S109",
                "commentary",
                "Pashinyan believes that the guarantors of the document he will sign with Baku must be either the US, France, or the European Union.",
            )
        ],
    ),
    (
        "az-third-forces-2025",
        "azerbaijan",
        "third-party-forces",
        "proposes",
        "2025-03-13",
        None,
        "reported",
        "Azerbaijan's wording on excluding third-country forces from the border, one of the two last open articles, is accepted by Armenia.",
        [
            (
                "S46",
                "TASS",
                "le retrait des revendications des instances juridiques internationales et l’exclusion du déploiement de forces de pays tiers à la frontière",
            )
        ],
    ),
    (
        "am-third-forces-2025",
        "armenia",
        "third-party-forces",
        "accepts",
        "2025-03-13",
        None,
        "own",
        "Armenia accepts Baku's proposals on the two open articles (withdrawal of claims, no third-country forces on the border).",
        [
            (
                "S46",
                "TASS",
                "la République d’Arménie accepte les propositions de Bakou sur deux articles non acceptés [précédemment]",
            )
        ],
    ),
    (
        "az-claims-2025",
        "azerbaijan",
        "interstate-claims",
        "proposes",
        "2025-03-13",
        None,
        "reported",
        "Azerbaijan's wording on withdrawing interstate claims from international bodies is accepted by Armenia.",
        [
            (
                "S46",
                "TASS",
                "le retrait des revendications des instances juridiques internationales et l’exclusion du déploiement de forces de pays tiers à la frontière",
            )
        ],
    ),
    (
        "am-claims-2025",
        "armenia",
        "interstate-claims",
        "accepts",
        "2025-03-13",
        None,
        "own",
        "Armenia accepts Baku's proposal on the withdrawal of claims.",
        [
            (
                "S46",
                "TASS",
                "la République d’Arménie accepte les propositions de Bakou sur deux articles non acceptés [précédemment]",
            )
        ],
    ),
    # Mutual recognition
    (
        "az-recognition-2022",
        "azerbaijan",
        "alma-ata-basis",
        "proposes",
        "2022-03",
        None,
        "reported",
        "Azerbaijan's five-point proposal of March 2022, starting with mutual recognition of sovereignty and territorial integrity.",
        [
            (
                "S25",
                "report",
                "In March 2022, Baku conveyed to Yerevan its five-point proposal on the normalization of bilateral relations.",
            )
        ],
    ),
    (
        "am-recognition-2024",
        "armenia",
        "alma-ata-basis",
        "demand",
        "2024-01-10",
        "mirzoyan",
        "own",
        "Territorial integrity must be recognised \u201cwithout any ambiguity\u201d; Armenia sees some regression in Baku's latest proposals.",
        [
            (
                "S36",
                "quoting Mirzoyan",
                "Countries must recognize each other's territorial integrity without any ambiguity.",
            )
        ],
    ),
    (
        "az-almaata-2024",
        "azerbaijan",
        "alma-ata-basis",
        "opposes",
        "2024-10?",
        None,
        "reported",
        "Azerbaijan's MFA downplays the Alma-Ata Declaration's legal weight for where the border lies.",
        [
            (
                "S43",
                "report",
                "the Azerbaijani Foreign Ministry downplayed the legal significance of that declaration",
            )
        ],
    ),
    # Minsk process
    (
        "az-minsk-2025",
        "azerbaijan",
        "minsk-group",
        "demand",
        "2025-03-13",
        None,
        "own",
        "The OSCE Minsk Group and related structures must be officially dissolved.",
        [
            (
                "S45",
                "statement",
                "We emphasize the need to officially dissolve the outdated and dysfunctional OSCE Minsk Group and related structures.",
            )
        ],
    ),
    # Mediation formats
    (
        "az-mediation-2024",
        "azerbaijan",
        "negotiation-platform",
        "rejects",
        "2024-01-15?",
        "hajiyev",
        "reported",
        "Baku and Yerevan do not need third-party mediation to negotiate the treaty.",
        [
            (
                "S86",
                "report",
                "Hajiyev said afterwards that Baku and Yerevan do not need third-party mediation in order to negotiate the peace treaty.",
            )
        ],
    ),
    (
        "am-withdrawal-2022",
        "armenia",
        "troop-withdrawal",
        "demand",
        "2022-10?",
        "hunanyan",
        "own",
        "After Prague: the withdrawal of Azerbaijani forces from Armenia's sovereign territory is imperative.",
        [
            (
                "S20",
                "interview",
                "The withdrawal of the Azerbaijani armed forces from the sovereign territory of Armenia",
            )
        ],
    ),
    (
        "am-new-constitution-2025-11",
        "armenia",
        "armenian-constitution",
        "proposes",
        "2025-11-14/2025-11-21",
        "pashinyan",
        "own",
        "Pashinyan: a new constitution, by referendum after the June 2026 parliamentary elections; Armenia rejects the change as Azerbaijan's precondition (the date differs between the report's Russian and English versions).",
        [
            (
                "S77",
                "quoting Pashinyan",
                "will take place after the elections to the National Assembly, which will take place in June next year",
            ),
            (
                "S74",
                "report",
                "While rejecting the Azerbaijani precondition in public, Pashinian pledged last year to enact a new constitution.",
            ),
        ],
    ),
    (
        "am-minsk-2025",
        "armenia",
        "minsk-group",
        "supports",
        "2025-08-08",
        "mirzoyan",
        "reported",
        "Both foreign ministers sign a joint letter to the OSCE Chairperson-in-Office asking to close the Minsk process.",
        [
            (
                "S64",
                "report",
                "both foreign ministers signed a joint letter to the OSCE Chairperson-in-Office, officially requesting the closure of the OSCE Minsk Process",
            )
        ],
    ),
    (
        "az-minsk-2025-08",
        "azerbaijan",
        "minsk-group",
        "supports",
        "2025-08-08",
        "bayramov",
        "reported",
        "Both foreign ministers sign a joint letter to the OSCE Chairperson-in-Office asking to close the Minsk process.",
        [
            (
                "S64",
                "report",
                "both foreign ministers signed a joint letter to the OSCE Chairperson-in-Office, officially requesting the closure of the OSCE Minsk Process",
            )
        ],
    ),
    (
        "am-recognition-2025",
        "armenia",
        "alma-ata-basis",
        "demand",
        "2025-03-27",
        "mirzoyan",
        "reported",
        "After the text was agreed: mutual recognition of territorial integrity, and delimitation based on the Alma-Ata Declaration.",
        [
            (
                "S46",
                "ARKA, 27 March",
                "recognition of the territorial integrity of both states and the implementation of the delimitation process based on the provisions of the Alma-Ata Declaration",
            )
        ],
    ),
]


# The article's own statements of 10 January 2024, corroborated by public reports:
# (party, issue, day, citations) added to the article's position.
CORROBORATIONS = [
    (
        "azerbaijan",
        "transit-corridor",
        "2024-01-10",
        [
            (
                "S81",
                "TV interview, 10 Jan",
                "should give us unimpeded passage from Zangilan to Ordubad and this is their obligation.",
            ),
            (
                "S83",
                "televised remarks",
                "“Otherwise, Armenia will remain at a dead end forever,” he said in televised remarks.",
            ),
        ],
    ),
    (
        "azerbaijan",
        "corridor-border-controls",
        "2024-01-10",
        [
            (
                "S83",
                "televised remarks",
                '"People and goods should pass from Azerbaijan to Azerbaijan without any checks," added Aliyev.',
            )
        ],
    ),
    (
        "azerbaijan",
        "guarantors",
        "2024-01-10",
        [
            (
                "S83",
                "televised remarks",
                "Aliyev also rejected Yerevan’s insistence on international “guarantors” of the two sides’ compliance with such a deal.",
            )
        ],
    ),
]


# --- the build ------------------------------------------------------------------------


class _Rollback(Exception):
    pass


ARTICLE_TITLE = "Is Azerbaijan interested in peace?"
# (text, step, date as the article gives it, note, locator, excerpt): article para. 10.
ARTICLE_STEPS = [
    (
        "az-proposal-2023-12",
        "sent",
        "late 2023-12",
        "Sent by Azerbaijan to Armenia.",
        "para. 10",
        "Azerbaijan sent its latest version of suggestions for a peace agreement to Armenia "
        "in late December 2023",
    ),
    (
        "am-proposal-2024-01-04",
        "sent",
        "2024-01-04",
        "Armenia's reply, shared with Azerbaijan.",
        "para. 10",
        "Yerevan shared its version with Baku on January 4th, 2024",
    ),
]


def build(article_document):
    """The article's seeds plus the public record, as the exporter writes them. Nothing
    stays in the database: everything is rolled back after the export."""
    result = {}
    try:
        with transaction.atomic():
            import_document(article_document, reason=REASON)
            negotiation = Negotiation.objects.get(slug=SLUG)
            _Builder(negotiation).run()
            result = export_negotiation(negotiation)
            raise _Rollback
    except _Rollback:
        pass
    return result


def issue_slugs(provision):
    """The issues a provision of TEXTS addresses, first the main one."""
    return provision[2]


class _Builder:
    def __init__(self, negotiation):
        self.negotiation = negotiation
        self.sources = {}
        self.persons = {}

    def save(self, obj):
        obj._change_reason = REASON
        obj.full_clean()
        obj.save()
        return obj

    def run(self):
        self.add_parties()
        self.add_issues()
        for key, spec in SOURCES.items():
            self.sources[key] = self.add_source(key, *spec)
        for text in TEXTS:
            self.add_text(text)
        self.add_article_steps()
        for event in EVENTS:
            self.add_event(*event)
        # In date order, so that each statement's movement is suggested against the
        # party's statement before it.
        for position in sorted(
            POSITIONS, key=lambda p: date_columns(PartialDate.parse(p[4]))["date"]
        ):
            self.add_position(*position)
        for party, issue, day, citations in CORROBORATIONS:
            position = Position.objects.get(party__slug=party, issue=self.issue(issue), date=day)
            self.cite(f"corroboration:{party}:{issue}:{day}", citations, position=position)

    def add_parties(self):
        for slug, name, short, kind, description, role, order, since, until in NEW_PARTIES:
            party = self.save(
                Party(slug=slug, name=name, short_name=short, kind=kind, description=description)
            )
            if role is None:
                continue
            self.save(
                Participation(
                    negotiation=self.negotiation,
                    party=party,
                    role=role,
                    order=order,
                    since=since,
                    until=until,
                )
            )
        for slug, (since, until) in SPANS.items():
            participation = self.negotiation.participations.get(party__slug=slug)
            participation.since, participation.until = since, until
            self.save(participation)
        for slug, aliases in PARTY_ALIASES.items():
            party = Party.objects.get(slug=slug)
            party.aliases = "\n".join(dict.fromkeys(party.alias_list + aliases))
            self.save(party)
        for key, (party, name, title, since, until, notes) in PERSONS.items():
            person = Person(
                uid=uid(f"person:{key}"),
                party=Party.objects.get(slug=party),
                name=name,
                title=title,
                since=since,
                until=until,
                notes=notes,
            )
            self.persons[key] = self.save(person)

    def add_issues(self):
        order = self.negotiation.issues.count()
        for n, (slug, title, description, parent) in enumerate(NEW_ISSUES):
            self.save(
                Issue(
                    negotiation=self.negotiation,
                    slug=slug,
                    title=title,
                    description=description,
                    parent=self.issue(parent) if parent else None,
                    order=order + n,
                )
            )
        for slug, aliases in ALIASES.items():
            issue = self.issue(slug)
            # Added to the article's aliases, which stay first.
            issue.aliases = "\n".join(dict.fromkeys(issue.alias_list + aliases))
            self.save(issue)

    def issue(self, slug):
        return Issue.objects.get(negotiation=self.negotiation, slug=slug)

    def party(self, slug):
        return Party.objects.get(slug=slug)

    def add_source(self, key, title, outlet, date, url, kind, language, grade, reason):
        source = Source(
            uid=uid(f"source:{key}"),
            title=title,
            outlet=outlet,
            url=url,
            kind=kind,
            language=language,
            reliability=grade,
            reliability_reason=reason,
            notes=f"Research record: docs/research/sources.md [{key}].",
        )
        source.partial_date = PartialDate.parse(date)
        return self.save(source)

    def cite(self, key, citations, **target):
        made = []
        for n, (source, locator, excerpt) in enumerate(citations):
            citation = Citation(
                uid=uid(f"citation:{key}:{n}"),
                source=self.sources[source],
                locator=locator,
                excerpt=excerpt,
                **target,
            )
            made.append(self.save(citation))
        return made

    def add_text(self, spec):
        slug = spec["slug"]
        proposal = Proposal(
            negotiation=self.negotiation,
            slug=slug,
            title=spec["title"],
            kind=spec["kind"],
            availability=spec["availability"],
            summary=spec["summary"],
        )
        proposal.partial_date = PartialDate.parse(spec["date"])
        self.save(proposal)
        self.cite(f"text:{slug}", spec["citations"], proposal=proposal)
        for role, key in (("signatory", "signatories"), ("witness", "witnesses")):
            for party in spec.get(key, []):
                self.save(TextParty(proposal=proposal, party=self.party(party), role=role))
        for n, (label, heading, issues, text, citations) in enumerate(spec.get("provisions", [])):
            provision = Provision(
                uid=uid(f"provision:{slug}:{label}"),
                proposal=proposal,
                label=label,
                heading=heading,
                text=text,
                order=n + 1,
            )
            provision._change_reason = REASON
            provision.full_clean()
            provision.save_with_issues([self.issue(i) for i in issues])
            self.cite(f"provision:{slug}:{label}", citations, provision=provision)
        for issue, summary, citations in spec.get("reported", []):
            content = ReportedContent(
                uid=uid(f"reported:{slug}:{issue}"),
                proposal=proposal,
                issue=self.issue(issue),
                summary=summary,
            )
            self.save(content)
            self.cite(f"reported:{slug}:{issue}", citations, reported_content=content)
        for kind, date, note, citations in spec["steps"]:
            step = TextStep(uid=uid(f"step:{slug}:{kind}"), proposal=proposal, kind=kind, note=note)
            step.partial_date = PartialDate.parse(date)
            self.save(step)
            made = self.cite(f"step:{slug}:{kind}", citations, step=step)
            if step.commits:
                for position in commitments.record(step, made, REASON):
                    self.stabilise(position, f"commitment:{slug}:{kind}")

    def add_article_steps(self):
        """The article's two drafts are described only; what it does say is when each
        was sent (issue #15 item 1: their dated lifecycle steps)."""
        article = Source.objects.get(title=ARTICLE_TITLE)
        for slug, kind, date, note, locator, excerpt in ARTICLE_STEPS:
            proposal = Proposal.objects.get(negotiation=self.negotiation, slug=slug)
            step = TextStep(uid=uid(f"step:{slug}:{kind}"), proposal=proposal, kind=kind, note=note)
            step.partial_date = PartialDate.parse(date)
            self.save(step)
            citation = Citation(
                uid=uid(f"citation:step:{slug}:{kind}:0"),
                source=article,
                locator=locator,
                excerpt=excerpt,
                step=step,
            )
            self.save(citation)

    def stabilise(self, position, key):
        """Commitments get random uids when made; give them stable ones."""
        key = f"{key}:{position.party.slug}:{position.issue.slug}"
        position.uid = uid(key)
        position._change_reason = REASON
        position.save()
        for n, citation in enumerate(position.citations.order_by("pk")):
            citation.uid = uid(f"citation:{key}:{n}")
            citation.save()

    def add_event(self, key, date, kind, title, description, parties, persons, issues, cites):
        event = Event(
            uid=uid(f"event:{key}"),
            negotiation=self.negotiation,
            title=title,
            kind=kind,
            description=description,
        )
        event.partial_date = PartialDate.parse(date)
        self.save(event)
        event.parties.set([self.party(p) for p in parties])
        event.persons.set([self.persons[p] for p in persons])
        event.issues.set([self.issue(i) for i in issues])
        self.cite(f"event:{key}", cites, event=event)

    def previous(self, position):
        """The party's latest statement on the issue that certainly ended before this one
        began (open-ended dates never count as certainly earlier)."""
        earlier = Position.objects.filter(
            party=position.party, issue=position.issue, date__lt=position.date
        ).order_by("-date", "-date_end", "-pk")
        for candidate in earlier:
            end = candidate.partial_date.end
            if end is not None and end < position.date:
                return candidate
        return None

    def add_position(self, key, party, issue, stance, date, speaker, attribution, summary, cites):
        position = Position(
            uid=uid(f"position:{key}"),
            party=self.party(party),
            issue=self.issue(issue),
            stance=stance,
            summary=summary,
            speaker=self.persons[speaker] if speaker else None,
            attribution=attribution,
        )
        position.partial_date = PartialDate.parse(date)
        position.movement = position.suggest_movement(self.previous(position))
        self.save(position)
        self.cite(f"position:{key}", cites, position=position)
