"""A fixed corpus of Swedish styrdokument for the search tests and nothing else.

Thirty-three documents of an imagined kommun's information security work: four policies, the
riktlinjer under them and the rutiner and stödanvisningar under those. Most are public, some
internal, one restricted to the group Beslutsfattare. The texts are written for these tests; what
each relevance query expects rests on them, so change a text only together with the query table
in test_relevance.py.

`load_corpus()` publishes them through Wagtail (tests.factories.make_document), so the search
index is updated as in production, and returns the pages by key.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import Group

from governance.constants import OrganisationKind
from governance.models import Organisation
from policies.models import PolicyPage, Publicity, RiktlinjePage, RutinPage, StodanvisningPage
from tests.factories import get_body, heading, make_document, make_organisation, paragraph
from tests.factories import requirement as req

PUBLIC = Publicity.PUBLIC
INTERNAL = Publicity.INTERNAL

SOCIAL = "Socialförvaltningen"
OMSORG = "Vård- och omsorgsförvaltningen"
BEREDSKAP = "Beslutsfattare"  # the group the restricted document is limited to


@dataclass
class Doc:
    key: str
    page_class: type
    title: str
    diarienummer: str
    summary: str
    body: list
    parent: str | None = None
    publicity: str = PUBLIC
    decision_body: str | None = None  # default: tests.factories.DEFAULT_BODY
    organisation: str | None = None
    restricted_to: tuple = field(default_factory=tuple)


def p(text):
    return paragraph(f"<p>{text}</p>")


def h(text):
    return heading(text)


def k(text):
    return req(f"<p>{text}</p>")


CORPUS = [
    # -- Informationssäkerhet -------------------------------------------------------------------
    Doc(
        "is_policy",
        PolicyPage,
        "Informationssäkerhetspolicy",
        "KS-2023-118",
        "Kommunens övergripande mål för informationssäkerheten och hur ansvaret är fördelat "
        "mellan nämnder, förvaltningar och medarbetare.",
        [
            h("Syfte"),
            p(
                "Kommunen hanterar information som invånare, företag och medarbetare är "
                "beroende av. Policyn anger kommunens ambition: informationen ska vara korrekt, "
                "åtkomlig för den som behöver den och skyddad mot obehörig insyn."
            ),
            h("Mål"),
            k("Varje nämnd ska bedriva ett systematiskt och riskbaserat säkerhetsarbete."),
            k("Allvarliga händelser ska upptäckas tidigt och följas upp så att de inte upprepas."),
            h("Ansvar"),
            p(
                "Kommunstyrelsen leder arbetet och följer upp det årligen. Varje chef ansvarar "
                "för informationen i sin verksamhet."
            ),
        ],
        decision_body="kf",
    ),
    Doc(
        "is_riktlinjer",
        RiktlinjePage,
        "Informationssäkerhetsriktlinjer",
        "KS-2024-77",
        "Riktlinjerna beskriver hur informationssäkerhetspolicyn omsätts i praktiken: "
        "klassning, ansvar, säkerhetsåtgärder och uppföljning av informationssäkerheten.",
        [
            h("Inledning"),
            p(
                "Riktlinjerna gäller alla förvaltningar och bolag och kompletterar "
                "informationssäkerhetspolicyn. De vänder sig till chefer, systemägare och "
                "medarbetare."
            ),
            h("Säkerhetsarbetet"),
            k("Informationssäkerheten ska följas upp varje år av samordnaren."),
            k("All information ska klassas innan den hanteras i ett nytt system."),
            k("Säkerhetsåtgärder ska stå i proportion till informationens skyddsvärde."),
            h("Avvikelser"),
            p(
                "Brister i säkerheten och incidenter rapporteras enligt rutinen för "
                "incidenthantering. Den som är osäker på vad som gäller vänder sig till "
                "informationssäkerhetsfunktionen."
            ),
        ],
        parent="is_policy",
    ),
    Doc(
        "incidenthantering",
        RutinPage,
        "Rutin för incidenthantering",
        "KS-2025-542",
        "Så rapporteras, bedöms och åtgärdas incidenter som rör informationssäkerheten, från "
        "första larmet till uppföljningen efteråt.",
        [
            h("Vad är en incident?"),
            p(
                "En incident är en händelse som har påverkat eller kan påverka informationens "
                "konfidentialitet, riktighet eller tillgänglighet. Exempel är ett borttappat "
                "kort, ett mejl till fel mottagare eller ett system som har slutat fungera."
            ),
            h("Rapportera"),
            k("Den som upptäcker en incident ska rapportera den till IT-servicedesk samma dag."),
            k("Incidenter som kan röra personuppgifter ska dessutom meddelas dataskyddsombudet."),
            h("Bedöma och åtgärda"),
            p(
                "Incidentansvarig bedömer allvarlighetsgraden, begränsar skadan och dokumenterar "
                "varje åtgärd i ärendet. Allvarliga incidenter lyfts till krisledningen."
            ),
            h("Följa upp"),
            p("Efter varje allvarlig incident hålls ett uppföljningsmöte med berörda chefer."),
        ],
        parent="is_riktlinjer",
    ),
    Doc(
        "pu_incidenter",
        RutinPage,
        "Rutin för personuppgiftsincidenter",
        "KS-2025-611",
        "Hur en personuppgiftsincident anmäls till Integritetsskyddsmyndigheten inom 72 timmar "
        "och när de registrerade ska informeras.",
        [
            h("När gäller rutinen?"),
            p(
                "Rutinen gäller när personuppgifter har förstörts, förlorats, ändrats eller "
                "lämnats ut till någon som inte borde ha fått dem."
            ),
            k(
                "Dataskyddsombudet ska underrättas utan dröjsmål när en personuppgiftsincident "
                "har upptäckts."
            ),
            k(
                "Anmälan till Integritetsskyddsmyndigheten ska göras inom 72 timmar om "
                "incidenten inte är osannolik att medföra en risk för de registrerade."
            ),
            h("Dokumentation"),
            p("Varje personuppgiftsincident förs in i kommunens incidentregister."),
        ],
        parent="is_riktlinjer",
        publicity=INTERNAL,
        decision_body="stabschef",
    ),
    Doc(
        "losenfraser",
        StodanvisningPage,
        "Stödanvisning för lösenfraser",
        "KS-2025-203",
        "Tips för att skapa en lösenfras som är lätt att minnas men svår att gissa.",
        [
            h("Varför en fras?"),
            p(
                "En lång fras av fyra eller fem vanliga ord är svårare att knäcka än ett kort "
                "krångligt ord, och den är lättare att komma ihåg."
            ),
            h("Så gör du"),
            p(
                "Välj ord som inte hör ihop, till exempel cykel, moln, kanel och trappa. Undvik "
                "citat, sångtexter och namn på familjemedlemmar."
            ),
            p("Samma fras får aldrig användas i privata tjänster."),
        ],
        parent="is_riktlinjer",
    ),
    # -- Behörigheter ---------------------------------------------------------------------------
    Doc(
        "behorighet",
        RiktlinjePage,
        "Riktlinje för behörighetshantering",
        "KS-2024-310",
        "Hur behörigheter till kommunens system beställs, ändras och tas bort, och vem som "
        "beslutar om dem.",
        [
            h("Principer"),
            k("Behörigheter ska tilldelas efter behov och aldrig mer än arbetet kräver."),
            k("Systemägaren ska besluta om varje ny behörighet till systemet."),
            k("Behörigheter ska tas bort senast den dag en anställning upphör."),
            h("Ändrade arbetsuppgifter"),
            p(
                "När en medarbetare byter tjänst beställer chefen nya behörigheter och ser till "
                "att de gamla avslutas."
            ),
        ],
        parent="is_policy",
    ),
    Doc(
        "behorighetsgenomgang",
        RutinPage,
        "Rutin för behörighetsgenomgång i verksamhetssystem",
        "SOC-2025-48",
        "Den årliga genomgången av vem som har tillgång till verksamhetens system för "
        "individ- och familjeomsorg.",
        [
            h("Genomgången"),
            p(
                "Varje höst tar systemförvaltaren fram en lista över alla konton. Enhetscheferna "
                "går igenom listan och markerar konton som inte längre behövs."
            ),
            k("Konton som inte har använts på sex månader ska spärras."),
            k("Resultatet av genomgången ska arkiveras i ärendet."),
        ],
        parent="behorighet",
        publicity=INTERNAL,
        decision_body="forvaltningschef",
        organisation=SOCIAL,
    ),
    Doc(
        "losenord",
        RutinPage,
        "Rutin för lösenord och tvåfaktorsautentisering",
        "KS-2025-204",
        "Krav på lösenord, byte av lösenord och inloggning med en andra faktor i kommunens system.",
        [
            h("Lösenord"),
            k("Lösenordet ska ha minst fjorton tecken."),
            k("Lösenordet ska bytas omedelbart om någon annan kan ha sett det."),
            h("Tvåfaktorsautentisering"),
            p(
                "Inloggning utifrån kräver en andra faktor, till exempel en kod i en app i "
                "tjänstetelefonen."
            ),
        ],
        parent="behorighet",
    ),
    # -- Klassning --------------------------------------------------------------------------
    Doc(
        "klassning",
        RiktlinjePage,
        "Riktlinje för informationsklassning",
        "KS-2024-312",
        "Hur verksamheten bedömer informationens konfidentialitet, riktighet och tillgänglighet "
        "och väljer skyddsnivå.",
        [
            h("Klassningen"),
            k("Informationsägaren ska klassa informationen i varje system verksamheten använder."),
            k("Klassningen ska göras om när systemet eller informationen ändras väsentligt."),
            h("Skyddsnivåer"),
            p(
                "Klassningen ger en av fyra nivåer: ingen, låg, betydande eller allvarlig skada. "
                "Nivån avgör vilka skyddsåtgärder som krävs."
            ),
        ],
        parent="is_policy",
    ),
    Doc(
        "kartlaggning",
        StodanvisningPage,
        "Stödanvisning för informationskartläggning",
        "KS-2025-319",
        "En arbetsgång för att kartlägga vilken information en verksamhet har och var den "
        "finns, som förberedelse inför klassningen.",
        [
            h("Förberedelser"),
            p("Samla verksamhetens nyckelpersoner och lista processerna."),
            h("Arbetsgång"),
            p("Gå igenom process för process och notera vilka uppgifter som skapas och sparas."),
        ],
        parent="klassning",
    ),
    # -- Loggning ---------------------------------------------------------------------------
    Doc(
        "loggning",
        RiktlinjePage,
        "Riktlinje för loggning och logguppföljning",
        "KS-2024-415",
        "Vilka händelser kommunens system ska registrera och hur registreringen följs upp.",
        [
            h("Vad som registreras"),
            k("Inloggningar, misslyckade inloggningar och ändrade behörigheter ska registreras."),
            k("Registreringen ska sparas i minst två år och skyddas mot ändring."),
            h("Uppföljning"),
            p("Systemägaren stämmer av registreringen stickprovsvis varje månad."),
        ],
        parent="is_policy",
        publicity=INTERNAL,
    ),
    Doc(
        "journalloggar",
        RutinPage,
        "Rutin för granskning av loggar i journalsystemet",
        "VOF-2025-12",
        "Hur enhetschefer inom hemtjänst och särskilt boende granskar vem som har läst "
        "omsorgstagarnas journaler.",
        [
            h("Granskningen"),
            p(
                "Varje månad tar enhetschefen ut loggar för ett urval av journaler och ser efter "
                "att varje läsning hade ett tjänsterelaterat skäl."
            ),
            k("Misstänkt otillåten läsning ska rapporteras till verksamhetschefen."),
        ],
        parent="loggning",
        publicity=INTERNAL,
        decision_body="verksamhetschef",
        organisation=OMSORG,
    ),
    # -- Säkerhetskopiering ------------------------------------------------------------------
    Doc(
        "backup",
        RiktlinjePage,
        "Riktlinje för säkerhetskopiering och återställning",
        "KS-2024-502",
        "Hur ofta kommunens data kopieras, var kopiorna förvaras och hur snabbt ett system ska "
        "kunna återställas.",
        [
            h("Kopiering"),
            k("Verksamhetskritiska system ska kopieras varje natt."),
            k("En kopia ska förvaras frånkopplad och på annan ort."),
            h("Återställning"),
            p("Systemägaren anger hur lång tid en återställning får ta för varje system."),
        ],
        parent="is_policy",
        decision_body="kommundirektor",
    ),
    Doc(
        "aterlasning",
        RutinPage,
        "Rutin för återläsningstest",
        "KS-2025-505",
        "Kvartalsvisa prov på att kopiorna faktiskt går att läsa tillbaka.",
        [
            h("Provet"),
            p(
                "En gång per kvartal läser driftgruppen tillbaka ett slumpvis valt system till en "
                "provmiljö och mäter tiden."
            ),
            k("Misslyckade prov ska rapporteras till systemägaren inom en vecka."),
        ],
        parent="backup",
        publicity=INTERNAL,
    ),
    # -- Distansarbete ---------------------------------------------------------------------
    Doc(
        "distans",
        RiktlinjePage,
        "Riktlinje för distansarbete och mobila enheter",
        "KS-2024-640",
        "Vad som gäller när medarbetare arbetar hemifrån eller på resa med bärbar dator och "
        "tjänstetelefon.",
        [
            h("Arbete utanför kontoret"),
            k("Uppkoppling mot kommunens nät ska ske via kommunens VPN."),
            k("Skärmen ska låsas så snart datorn lämnas obevakad."),
            h("Mobila enheter"),
            p("Tjänstetelefoner och surfplattor hanteras i kommunens enhetshanteringssystem."),
        ],
        parent="is_policy",
    ),
    Doc(
        "allman_plats",
        StodanvisningPage,
        "Stödanvisning för arbete på allmän plats",
        "KS-2025-641",
        "Råd för den som arbetar på tåget, på caféet eller i väntrummet.",
        [
            h("Sekretessbelagt"),
            p("Ta inga samtal om enskilda ärenden där andra kan höra."),
            p("Använd insynsskydd på skärmen när du sitter bland främlingar."),
        ],
        parent="distans",
    ),
    # -- Molntjänster ------------------------------------------------------------------------
    Doc(
        "moln",
        RiktlinjePage,
        "Riktlinje för molntjänster",
        "KS-2024-711",
        "Förutsättningar för att använda en molntjänst, särskilt när personuppgifter kan föras "
        "till tredje land.",
        [
            h("Innan en molntjänst används"),
            k("Varje molntjänst ska riskbedömas innan avtal tecknas."),
            k("Personuppgifter får föras till tredje land bara med stöd i dataskyddsförordningen."),
            h("Avveckling"),
            p("Avtalet ska reglera hur kommunens data lämnas tillbaka när avtalet upphör."),
        ],
        parent="is_policy",
    ),
    Doc(
        "molnavtal",
        StodanvisningPage,
        "Stödanvisning för riskbedömning inför molnavtal",
        "KS-2025-712",
        "Frågor att ställa till leverantören innan kommunen tecknar ett molnavtal.",
        [
            h("Frågor"),
            p("Var lagras data? Vem hos leverantören kan läsa den? Hur krypteras den?"),
        ],
        parent="moln",
        publicity=INTERNAL,
    ),
    # -- Utbildning -------------------------------------------------------------------------
    Doc(
        "utbildning",
        RiktlinjePage,
        "Riktlinje för utbildning och medvetenhet",
        "KS-2024-820",
        "Vilken utbildning medarbetare, chefer och förtroendevalda ska genomgå och hur ofta.",
        [
            h("Grundutbildning"),
            k("Nyanställda ska genomgå grundutbildningen under första månaden."),
            k("Chefer ska genomgå en fördjupad utbildning vartannat år."),
            h("Påminnelser"),
            p("Korta filmer och nyhetsbrev håller kunskapen levande mellan kurstillfällena."),
        ],
        parent="is_policy",
        decision_body="kommundirektor",
    ),
    Doc(
        "natfiske",
        RutinPage,
        "Rutin för nätfiskeövningar",
        "KS-2025-821",
        "Hur kommunen skickar fingerade bedrägerimejl till medarbetarna för att öva dem i att "
        "känna igen nätfiske.",
        [
            h("Övningarna"),
            p("Två gånger per år skickas ett fingerat mejl till ett urval av medarbetarna."),
            k("Resultat ska redovisas per förvaltning, aldrig per person."),
        ],
        parent="utbildning",
        publicity=INTERNAL,
    ),
    # -- Fysisk säkerhet -------------------------------------------------------------------
    Doc(
        "skalskydd",
        RiktlinjePage,
        "Riktlinje för skalskydd och tillträde",
        "KS-2024-905",
        "Fysisk säkerhet i kommunens lokaler: lås, larm, passerkort och tillträde till serverrum.",
        [
            h("Skalskydd"),
            k("Ytterdörrar ska vara låsta utanför öppettiderna."),
            k("Serverrum ska ha larm och passerkontroll."),
            h("Passerkort"),
            p("Passerkort beställs av chefen och spärras när anställningen upphör."),
        ],
        parent="is_policy",
    ),
    Doc(
        "besokare",
        RutinPage,
        "Rutin för besökare i stadshuset",
        "KS-2025-906",
        "Hur besökare tas emot, registreras och följs i stadshusets kontorsdelar.",
        [
            h("Mottagande"),
            p("Besökare anmäler sig i receptionen och får en besöksbricka."),
            k("Besökare ska hämtas och följas av värden hela tiden."),
        ],
        parent="skalskydd",
    ),
    # -- Säkerhet och beredskap --------------------------------------------------------------
    Doc(
        "beredskap_policy",
        PolicyPage,
        "Säkerhets- och beredskapspolicy",
        "KS-2022-305",
        "Kommunens inriktning för krisberedskap, civilt försvar och förmågan att upprätthålla "
        "samhällsviktig verksamhet.",
        [
            h("Inriktning"),
            p(
                "Kommunen ska kunna fortsätta bedriva samhällsviktig verksamhet vid kris och "
                "höjd beredskap."
            ),
        ],
        decision_body="kf",
    ),
    Doc(
        "kontinuitet",
        RiktlinjePage,
        "Riktlinje för kontinuitetsplanering",
        "KS-2024-330",
        "Hur varje verksamhet planerar för att kunna fortsätta arbeta vid avbrott i el, IT, "
        "vatten eller personal.",
        [
            h("Kontinuitetsplan"),
            k("Varje samhällsviktig verksamhet ska ha en kontinuitetsplan som prövas årligen."),
            k("Planen ska ange vilka verksamheter som ska prioriteras vid ett avbrott."),
            h("Övning"),
            p("Planen övas minst vartannat år tillsammans med krisledningen."),
        ],
        parent="beredskap_policy",
    ),
    Doc(
        "it_avbrott",
        RutinPage,
        "Rutin för krisledning vid IT-avbrott",
        "KS-2025-331",
        "Vem som leder arbetet och hur verksamheterna arbetar med papper och penna när "
        "systemen ligger nere.",
        [
            h("Larm"),
            p(
                "IT-servicedesk larmar tjänstgörande krisledare när ett avbrott väntas vara längre "
                "än fyra timmar. Krisledaren bär en gul bricka under hela insatsen."
            ),
            p("Besök i ledningsrummet begränsas till dem som kallats."),
            k("Varje enhet ska ha utskrivna reservblanketter."),
        ],
        parent="kontinuitet",
        publicity=INTERNAL,
    ),
    Doc(
        "sakerhetsskydd",
        RiktlinjePage,
        "Riktlinje för säkerhetsskyddsklassificerade uppgifter",
        "KS-2024-340",
        "Hantering av uppgifter som rör Sveriges säkerhet i kommunens beredskapsarbete.",
        [
            h("Förvaring"),
            k("Säkerhetsskyddsklassificerade handlingar ska förvaras i godkänt säkerhetsskåp."),
            p("Endast placerade och utbildade personer får ta del av uppgifterna."),
        ],
        parent="beredskap_policy",
        publicity=INTERNAL,
        restricted_to=(BEREDSKAP,),
    ),
    # -- Upphandling -----------------------------------------------------------------------------
    Doc(
        "upphandling_policy",
        PolicyPage,
        "Upphandlingspolicy",
        "KS-2023-200",
        "Kommunens principer för affärsmässiga, hållbara och rättssäkra inköp.",
        [
            h("Principer"),
            p(
                "Kommunen köper varor och tjänster i konkurrens och följer lagen om offentlig "
                "upphandling."
            ),
        ],
        decision_body="kf",
    ),
    Doc(
        "leverantorer",
        RiktlinjePage,
        "Riktlinje för krav på leverantörer",
        "KS-2024-210",
        "Vilka krav på informationshantering som ställs i förfrågningsunderlag och avtal när "
        "kommunen köper IT-tjänster.",
        [
            h("Förfrågningsunderlag"),
            k("Upphandlingar av IT-tjänster ska föregås av en klassning av informationen."),
            k("Leverantören ska kunna visa hur den skyddar kommunens data."),
        ],
        parent="upphandling_policy",
    ),
    Doc(
        "bitradesavtal",
        StodanvisningPage,
        "Stödanvisning för personuppgiftsbiträdesavtal",
        "KS-2025-211",
        "När ett biträdesavtal behövs och vad det ska innehålla, med kommunens mall.",
        [
            h("När behövs avtalet?"),
            p("När en leverantör behandlar personuppgifter för kommunens räkning."),
        ],
        parent="leverantorer",
    ),
    # -- Dataskydd --------------------------------------------------------------------------
    Doc(
        "dataskydd_policy",
        PolicyPage,
        "Dataskyddspolicy",
        "KS-2023-150",
        "Kommunens åtagande att behandla personuppgifter lagligt, öppet och med respekt för "
        "den enskildes integritet.",
        [h("Åtagande"), p("Kommunen behandlar bara de personuppgifter som behövs.")],
        decision_body="kf",
    ),
    Doc(
        "personuppgifter",
        RiktlinjePage,
        "Riktlinje för behandling av personuppgifter",
        "KS-2024-151",
        "Rättslig grund, registerförteckning och gallring när kommunen behandlar personuppgifter.",
        [
            h("Rättslig grund"),
            k("Varje behandling ska ha en dokumenterad rättslig grund."),
            k("Behandlingen ska föras in i kommunens registerförteckning."),
        ],
        parent="dataskydd_policy",
    ),
    Doc(
        "registerutdrag",
        RutinPage,
        "Rutin för registerutdrag",
        "KS-2025-152",
        "Hur en begäran om registerutdrag tas emot, sammanställs och lämnas till den enskilde "
        "inom en månad.",
        [
            h("Begäran"),
            p("Den enskilde legitimerar sig med e-legitimation eller i receptionen."),
            k("Utdraget ska lämnas inom en månad från begäran."),
        ],
        parent="personuppgifter",
    ),
]

BY_KEY = {doc.key: doc for doc in CORPUS}
assert len(BY_KEY) == len(CORPUS), "duplicate keys in the corpus"
assert len({doc.title for doc in CORPUS}) == len(CORPUS), "duplicate titles in the corpus"


def title_of(key):
    return BY_KEY[key].title


def _organisation(name):
    found = Organisation.objects.filter(name=name).first()
    return found or make_organisation(name, kind=OrganisationKind.FORVALTNING)


def load_corpus():
    """Publish every document of the corpus (parents first); returns {key: page}."""
    pages = {}
    for doc in CORPUS:
        fields = {
            "title": doc.title,
            "slug": doc.key.replace("_", "-"),
            "summary": doc.summary,
            "body": doc.body,
            "diarienummer": doc.diarienummer,
            "publicity": doc.publicity,
        }
        if doc.decision_body:
            fields["decision_body"] = get_body(doc.decision_body)
        if doc.organisation:
            fields["organisation"] = _organisation(doc.organisation)
        if doc.restricted_to:
            fields["restricted_to"] = [Group.objects.get(name=name) for name in doc.restricted_to]
        parent = pages[doc.parent] if doc.parent else None
        pages[doc.key] = make_document(doc.page_class, parent=parent, **fields)
    return pages
