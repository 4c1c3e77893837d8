"""The search evaluation's corpus: the demo kommun's sixteen documents and sixty more, written
here, on what a kommun governs besides information security.

The generated documents are loaded by the demo's own loader (policies.demo.DemoLoader), so each
goes through the same path as an editor's work: full validation, a revision and a decision
registered for it, publication, and the search index filled by Wagtail's signals; the index is
then topped up model by model as `update_index` would (bench/common.add_to_index). Their keys
are the keys the graded queries use; the demo's documents keep their fixture keys.

Some synonyms are deliberately absent from the text (the distansarbete documents never say
"hemarbete", the säkerhetskopiering documents never say "backup", the e-post documents never
say "mejl"): those queries measure whether the search knows the synonym, not the text.
"""

import json

from policies.demo import DEFAULT_FIXTURE

# Groups the documents below are restricted to: the redaktör of the intranet audience is made a
# member of the first; nobody of either audience is in the second.
GROUP_MEMBERS = "Krisledningsgruppen"
GROUP_OTHERS = "Säkerhetsskydd"

NEW_ORGANISATIONS = [
    {"key": "hr", "name": "HR-avdelningen", "kind": "enhet", "parent": "klf"},
    {"key": "eko", "name": "Ekonomiavdelningen", "kind": "enhet", "parent": "klf"},
    {
        "key": "kff",
        "name": "Kultur- och fritidsförvaltningen",
        "kind": "forvaltning",
        "parent": "kommun",
    },
    {
        "key": "vof",
        "name": "Vård- och omsorgsförvaltningen",
        "kind": "forvaltning",
        "parent": "kommun",
    },
]
DEMO_ORGANISATIONS = {
    "kommun": "Exempelkommun",
    "klf": "Kommunledningsförvaltningen",
    "stab": "Kommunledningsstaben",
    "it": "IT-enheten",
    "soc": "Socialförvaltningen",
    "ifo": "Individ- och familjeomsorgen",
    "bou": "Barn- och utbildningsförvaltningen",
    "sbf": "Samhällsbyggnadsförvaltningen",
}


def doc(key, kind, title, *, body, dnr, date, summary, sections, krav=(), **extra):
    """One document in the demo fixture's format; `sections` are (heading, paragraph) pairs and
    `krav` the requirements listed under a final "Krav" heading."""
    blocks = []
    for heading, text in sections:
        blocks.append({"type": "heading", "value": {"text": heading, "level": "h2"}})
        blocks.append({"type": "paragraph", "value": f"<p>{text}</p>"})
    if krav:
        blocks.append({"type": "heading", "value": {"text": "Krav", "level": "h2"}})
        blocks.extend(
            {"type": "requirement", "value": {"reference": "", "text": f"<p>{text}</p>"}}
            for text in krav
        )
    item = {
        "key": key,
        "type": kind,
        "title": title,
        "slug": key,
        "summary": summary,
        "decision_body": body,
        "decision_date": date,
        "diarienummer": dnr,
        "publicity": extra.pop("publicity", "public"),
        "version": extra.pop("version", "1.0"),
        "body": blocks,
    }
    item.update(extra)
    return item


INTERNAL = {"publicity": "internal"}

DOCUMENTS = [
    # -- HR and the workplace -------------------------------------------------------------------
    doc(
        "hr-policy",
        "policy",
        "Personalpolicy",
        body="kf",
        dnr="KS-2022-118",
        date="2023-02-20",
        organisation="hr",
        summary="Personalpolicyn anger kommunfullmäktiges syn på ledarskap, medarbetarskap, "
        "arbetsmiljö, lön och kompetensutveckling i Exempelkommun som arbetsgivare.",
        sections=[
            (
                "Syfte",
                "Exempelkommun ska vara en attraktiv arbetsgivare som kan rekrytera, utveckla "
                "och behålla kompetenta medarbetare. Policyn beskriver de värderingar som gäller "
                "för alla anställda och chefer.",
            ),
            (
                "Ledarskap och medarbetarskap",
                "Chefer leder genom tydliga mål, återkoppling och delaktighet. Medarbetare tar "
                "ansvar för sitt uppdrag, för arbetsmiljön och för att bemöta invånarna "
                "professionellt och sakligt.",
            ),
            (
                "Arbetsmiljö och hälsa",
                "Arbetsmiljöarbetet bedrivs systematiskt tillsammans med skyddsombuden. "
                "Kommunen erbjuder friskvårdsbidrag och arbetar förebyggande mot ohälsa.",
            ),
            (
                "Lön och kompetens",
                "Lönesättningen är individuell och differentierad och utgår från uppnådda "
                "resultat. Varje medarbetare har en individuell utvecklingsplan som följs upp i "
                "det årliga medarbetarsamtalet.",
            ),
        ],
        krav=[
            "Varje medarbetare ska erbjudas ett medarbetarsamtal minst en gång per år.",
            "Chefer ska genomgå kommunens chefsutbildning under sitt första år.",
        ],
    ),
    doc(
        "hr-distans",
        "riktlinje",
        "Riktlinje för distansarbete",
        body="ks",
        dnr="KS-2023-241",
        date="2023-09-12",
        parent="hr-policy",
        organisation="hr",
        summary="Riktlinjen anger när och hur medarbetare får arbeta på distans, till exempel i "
        "bostaden, och vad som gäller för arbetsmiljö, utrustning och försäkring.",
        sections=[
            (
                "Syfte och omfattning",
                "Distansarbete kan ge bättre balans mellan arbete och fritid och minska "
                "resandet. Riktlinjen gäller tillsvidareanställda vars arbetsuppgifter kan "
                "utföras utanför arbetsplatsen.",
            ),
            (
                "Överenskommelse",
                "Distansarbete bygger på en skriftlig överenskommelse mellan chef och "
                "medarbetare. Överenskommelsen anger vilka dagar medarbetaren arbetar i "
                "bostaden och kan sägas upp av båda parter med en månads varsel. Normalt får "
                "högst två dagar per vecka förläggas utanför arbetsplatsen.",
            ),
            (
                "Arbetsmiljö och utrustning",
                "Arbetsgivaren har arbetsmiljöansvar även när arbetet utförs på distans. "
                "Kommunen tillhandahåller bärbar dator och headset; kontorsmöbler till bostaden "
                "bekostas inte. Arbetsskador under distansarbete anmäls som vanligt.",
            ),
        ],
        krav=[
            "Medarbetaren ska vara nåbar på telefon och i chatten under överenskommen arbetstid.",
            "Sekretessbelagda uppgifter får bara hanteras där obehöriga inte kan ta del av dem.",
        ],
    ),
    doc(
        "hr-distans-rutin",
        "rutin",
        "Rutin för överenskommelse om distansarbete",
        body="kommundirektor",
        dnr="KS-2023-242",
        date="2023-10-02",
        parent="hr-distans",
        organisation="hr",
        summary="Rutinen beskriver hur chef och medarbetare tecknar, följer upp och avslutar en "
        "överenskommelse om distansarbete i HR-systemet.",
        sections=[
            (
                "Ansökan",
                "Medarbetaren ansöker om distansarbete i e-tjänsten i HR-systemet och anger "
                "vilka dagar och arbetsuppgifter det gäller.",
            ),
            (
                "Beslut och uppföljning",
                "Chefen bedömer om verksamheten tillåter distansarbete och fattar beslut inom "
                "två veckor. Överenskommelsen följs upp i medarbetarsamtalet varje år.",
            ),
            (
                "Avslut",
                "Vill någon av parterna avsluta överenskommelsen registreras det i HR-systemet. "
                "Utlånad utrustning som inte längre behövs lämnas tillbaka till IT-enheten.",
            ),
        ],
        **INTERNAL,
    ),
    doc(
        "hr-arbetsmiljo",
        "riktlinje",
        "Riktlinje för systematiskt arbetsmiljöarbete",
        body="ks",
        dnr="KS-2022-301",
        date="2022-11-15",
        parent="hr-policy",
        organisation="hr",
        summary="Riktlinjen beskriver hur chefer, medarbetare och skyddsombud undersöker, "
        "riskbedömer, åtgärdar och följer upp arbetsmiljön enligt AFS om systematiskt "
        "arbetsmiljöarbete.",
        sections=[
            (
                "Fördelning av arbetsmiljöuppgifter",
                "Kommundirektören fördelar arbetsmiljöuppgifter skriftligt till "
                "förvaltningscheferna, som fördelar dem vidare till enhetscheferna. En chef som "
                "saknar befogenheter eller resurser returnerar uppgiften skriftligt.",
            ),
            (
                "Undersökning och riskbedömning",
                "Arbetsmiljön undersöks genom skyddsronder och medarbetarenkäten. Inför "
                "förändringar i verksamheten görs en riskbedömning tillsammans med "
                "skyddsombudet.",
            ),
            (
                "Tillbud och arbetsskador",
                "Tillbud och arbetsskador rapporteras i avvikelsesystemet. Allvarliga olyckor "
                "anmäls till Arbetsmiljöverket samma dag.",
            ),
        ],
        krav=[
            "Varje arbetsplats ska genomföra minst en skyddsrond per år.",
            "Den årliga uppföljningen av arbetsmiljöarbetet ska redovisas för kommunstyrelsen.",
        ],
    ),
    doc(
        "hr-krankande",
        "rutin",
        "Rutin vid kränkande särbehandling och trakasserier",
        body="kommundirektor",
        dnr="KS-2023-077",
        date="2023-04-18",
        parent="hr-arbetsmiljo",
        organisation="hr",
        summary="Rutinen beskriver vad en medarbetare gör som utsätts för eller ser kränkande "
        "särbehandling, trakasserier eller sexuella trakasserier, och hur chefen utreder.",
        sections=[
            (
                "Om du blir utsatt",
                "Berätta för din chef, ditt skyddsombud eller HR-avdelningen. Om det är din "
                "chef som kränker vänder du dig till chefens chef.",
            ),
            (
                "Chefens ansvar",
                "Chefen ska agera så snart hen får kännedom om händelsen, genomföra samtal med "
                "de inblandade och vid behov låta en extern utredare utreda. Åtgärderna "
                "dokumenteras.",
            ),
            (
                "Stöd",
                "Den som är utsatt erbjuds stöd via företagshälsovården. Repressalier mot den "
                "som har anmält är förbjudna.",
            ),
        ],
    ),
    doc(
        "hr-rehab",
        "rutin",
        "Rutin för rehabilitering och återgång i arbete",
        body="forvaltningschef",
        dnr="SN-2024-031",
        date="2024-03-05",
        parent="hr-arbetsmiljo",
        organisation="soc",
        summary="Socialförvaltningens rutin för arbetslivsinriktad rehabilitering: "
        "rehabiliteringssamtal, plan för återgång i arbete och kontakt med "
        "Försäkringskassan vid sjukfrånvaro.",
        sections=[
            (
                "Tidiga signaler",
                "Chefen uppmärksammar upprepad korttidsfrånvaro, sex tillfällen på tolv "
                "månader, och bjuder in till ett hälsosamtal.",
            ),
            (
                "Plan för återgång",
                "Vid sjukskrivning som väntas pågå längre än sextio dagar upprättas en plan för "
                "återgång i arbete inom trettio dagar. Planen tas fram tillsammans med "
                "medarbetaren och vid behov företagshälsovården.",
            ),
            (
                "Dokumentation",
                "Rehabiliteringsärendet dokumenteras i HR-systemets rehabiliteringsmodul, som "
                "bara chefen och HR-konsulten har tillgång till.",
            ),
        ],
        **INTERNAL,
    ),
    doc(
        "hr-bisyssla",
        "riktlinje",
        "Riktlinje för bisysslor",
        body="ks",
        dnr="KS-2021-190",
        date="2021-10-26",
        parent="hr-policy",
        organisation="hr",
        summary="Riktlinjen anger vilka bisysslor som är förbjudna för kommunens anställda och "
        "hur en bisyssla anmäls och prövas.",
        sections=[
            (
                "Vad är en bisyssla",
                "En bisyssla är ett arbete, uppdrag eller företag som en anställd har vid "
                "sidan av sin anställning i kommunen, till exempel eget företag eller "
                "styrelseuppdrag.",
            ),
            (
                "Förbjudna bisysslor",
                "Förtroendeskadliga bisysslor, som kan rubba förtroendet för medarbetarens "
                "opartiskhet i tjänsten, är förbjudna enligt lagen om offentlig anställning. "
                "Även arbetshindrande och konkurrerande bisysslor kan förbjudas.",
            ),
            (
                "Anmälan",
                "Medarbetaren anmäler sin bisyssla till chefen i e-tjänsten, och chefen prövar "
                "den och följer upp anmälan i medarbetarsamtalet varje år.",
            ),
        ],
    ),
    doc(
        "hr-rekrytering",
        "riktlinje",
        "Riktlinje för rekrytering och introduktion",
        body="kommundirektor",
        dnr="KS-2024-055",
        date="2024-02-13",
        parent="hr-policy",
        organisation="hr",
        summary="Riktlinjen beskriver hur kommunen rekryterar kompetensbaserat och fördomsfritt "
        "och hur nyanställda introduceras i arbetet.",
        sections=[
            (
                "Rekrytering",
                "Varje rekrytering börjar med en behovsanalys och en kravprofil. Lediga "
                "tjänster annonseras på kommunens webbplats och Platsbanken under minst två "
                "veckor. Intervjuer genomförs med strukturerade frågor.",
            ),
            (
                "Referenser och utdrag",
                "Minst två referenser tas innan anställning. För arbete med barn begärs utdrag "
                "ur belastningsregistret.",
            ),
            (
                "Introduktion",
                "Nyanställda får en introduktionsplan för de första sex månaderna, en fadder på "
                "arbetsplatsen och kommunens gemensamma introduktionsdag.",
            ),
        ],
    ),
    doc(
        "hr-introduktion",
        "rutin",
        "Rutin för introduktion av nyanställda",
        body="stabschef",
        dnr="KS-2024-056",
        date="2024-03-01",
        parent="hr-rekrytering",
        organisation="hr",
        summary="Rutinen är chefens checklista inför och under en nyanställds första tid: "
        "konton, utrustning, utbildningar och uppföljningssamtal.",
        sections=[
            (
                "Före första dagen",
                "Chefen beställer dator, telefon, passerkort och konton senast två veckor före "
                "tillträdet och utser en fadder.",
            ),
            (
                "Första veckan",
                "Den nyanställde går igenom arbetsmiljö, brandskydd, kommunens värdegrund och "
                "grundutbildningen i informationssäkerhet.",
            ),
            (
                "Uppföljning",
                "Chefen håller uppföljningssamtal efter en och sex månader.",
            ),
        ],
    ),
    doc(
        "hr-alkohol",
        "riktlinje",
        "Riktlinje för alkohol och droger i arbetslivet",
        body="ks",
        dnr="KS-2022-210",
        date="2022-09-27",
        parent="hr-policy",
        organisation="hr",
        summary="Riktlinjen anger att arbetet ska vara fritt från alkohol och droger och hur "
        "chefen agerar vid misstanke om missbruk.",
        sections=[
            (
                "Förhållningssätt",
                "Ingen får vara påverkad av alkohol eller andra droger under arbetstid. Vid "
                "kommunens representation serveras alltid alkoholfria alternativ.",
            ),
            (
                "Vid misstanke",
                "En chef som misstänker att en medarbetare är påverkad skickar hem "
                "medarbetaren och kontaktar HR-avdelningen. Ett samtal hålls nästa arbetsdag.",
            ),
            (
                "Stöd och rehabilitering",
                "Kommunen erbjuder stöd genom företagshälsovården. Ett rehabiliteringskontrakt "
                "kan upprättas.",
            ),
        ],
    ),
    doc(
        "hr-lon",
        "policy",
        "Lönepolicy",
        body="kf",
        dnr="KS-2020-402",
        date="2021-01-25",
        organisation="hr",
        summary="Lönepolicyn anger principerna för lönesättning i Exempelkommun: individuell "
        "lön, lönekriterier, lönesamtal och jämställda löner.",
        sections=[
            (
                "Principer",
                "Lönen sätts individuellt utifrån arbetets svårighet, ansvar och medarbetarens "
                "prestation. Lika arbete ger lika lön oavsett kön.",
            ),
            (
                "Lönesamtal",
                "Chef och medarbetare för ett lönesamtal varje år inför löneöversynen. "
                "Lönekriterierna är kända i förväg.",
            ),
            (
                "Lönekartläggning",
                "En lönekartläggning görs varje år för att upptäcka osakliga löneskillnader "
                "mellan kvinnor och män.",
            ),
        ],
    ),
    # -- bribes, conflicts of interest, representation -----------------------------------------
    doc(
        "mutor-policy",
        "policy",
        "Policy mot mutor och jäv",
        body="kf",
        dnr="KS-2021-333",
        date="2021-12-13",
        organisation="klf",
        summary="Policyn slår fast att anställda och förtroendevalda aldrig får ta emot eller "
        "lämna mutor och att den som är jävig inte får delta i handläggningen av ett "
        "ärende.",
        sections=[
            (
                "Utgångspunkt",
                "Invånarnas förtroende förutsätter att kommunens beslut fattas sakligt och "
                "opartiskt. Ingen får låta sig påverkas av gåvor, förmåner eller personliga "
                "intressen.",
            ),
            (
                "Mutor",
                "Att ta emot, begära eller lämna en otillbörlig förmån är brottsligt enligt "
                "brottsbalken. Förmåner som kan påverka tjänsteutövningen ska alltid avböjas.",
            ),
            (
                "Jäv",
                "Den som är jävig enligt förvaltningslagen eller kommunallagen får inte delta i "
                "handläggningen. Den som känner till en omständighet som kan utgöra jäv ska "
                "självmant anmäla det.",
            ),
        ],
    ),
    doc(
        "mutor-rl",
        "riktlinje",
        "Riktlinje mot mutor och otillbörlig påverkan",
        body="ks",
        dnr="KS-2022-044",
        date="2022-03-22",
        parent="mutor-policy",
        organisation="klf",
        summary="Riktlinjen ger konkreta regler för gåvor, måltider, resor och rabatter från "
        "leverantörer och andra som kommunen har affärer eller ärenden med.",
        sections=[
            (
                "Gåvor",
                "Gåvor från leverantörer eller den som har ett ärende hos kommunen tas aldrig "
                "emot. Enklare gåvor av ringa värde, till exempel en blomma efter en "
                "föreläsning, kan accepteras.",
            ),
            (
                "Måltider och resor",
                "Arbetsmåltider i samband med möten kan accepteras om de är måttliga. Resor och "
                "logi betalas alltid av kommunen.",
            ),
            (
                "Rapportera misstankar",
                "Den som misstänker mutor eller oegentligheter kontaktar sin chef eller "
                "kommunens visselblåsarfunktion.",
            ),
        ],
        krav=[
            "Erbjudanden om förmåner från leverantörer ska avböjas och rapporteras till chefen.",
        ],
    ),
    doc(
        "mutor-jav-stod",
        "stodanvisning",
        "Stödanvisning: är jag jävig?",
        body="kommundirektor",
        dnr="KS-2022-045",
        date="2022-04-05",
        parent="mutor-rl",
        organisation="klf",
        summary="Frågor som hjälper handläggare och chefer att bedöma om de är jäviga i ett "
        "ärende, med exempel på släktskapsjäv, intressejäv och delikatessjäv.",
        sections=[
            (
                "Fråga dig själv",
                "Berör ärendet dig, din familj eller en nära vän? Har du ekonomiska intressen i "
                "utgången? Har du tidigare företrätt någon part i ärendet?",
            ),
            (
                "Exempel",
                "En bygglovshandläggare vars granne söker bygglov, en upphandlare vars svåger "
                "äger ett anbudsföretag eller en chef som ska anställa en vän är exempel på "
                "situationer där jäv kan finnas.",
            ),
            (
                "Så gör du",
                "Anmäl genast till din chef och lämna ärendet till en kollega. Anteckna i "
                "ärendet att du har anmält jäv.",
            ),
        ],
    ),
    doc(
        "representation",
        "riktlinje",
        "Riktlinje för representation och gåvor",
        body="ks",
        dnr="KS-2023-150",
        date="2023-06-13",
        parent="mutor-policy",
        organisation="eko",
        summary="Riktlinjen anger när kommunen får bjuda på måltider, evenemang och gåvor, vilka "
        "beloppsgränser som gäller och hur representation bokförs.",
        sections=[
            (
                "Extern representation",
                "Extern representation riktas till personer utanför kommunen och ska ha ett "
                "direkt samband med kommunens verksamhet. Beloppsgränsen följer "
                "Skatteverkets nivåer för avdragsgill representation.",
            ),
            (
                "Intern representation",
                "Intern representation, som personalfester och avtackningar, får förekomma "
                "högst två gånger per år och arbetsplats.",
            ),
            (
                "Gåvor till anställda",
                "Vid 25 års anställning och vid pension får medarbetaren en gåva enligt "
                "kommunens fastställda belopp.",
            ),
            (
                "Redovisning",
                "Fakturan ska ange syfte, deltagare och kostnad per person och attesteras av "
                "närmast överordnad chef.",
            ),
        ],
    ),
    doc(
        "visselblasare",
        "riktlinje",
        "Riktlinje för visselblåsarfunktionen",
        body="ks",
        dnr="KS-2022-015",
        date="2022-01-24",
        organisation="klf",
        summary="Riktlinjen beskriver hur anställda och andra kan rapportera missförhållanden i "
        "en kanal för visselblåsning och hur rapporterna hanteras enligt "
        "visselblåsarlagen.",
        sections=[
            (
                "Vem kan rapportera",
                "Anställda, praktikanter, konsulter och förtroendevalda kan rapportera "
                "missförhållanden av allmänintresse, till exempel korruption eller "
                "ekonomiska oegentligheter.",
            ),
            (
                "Kanalen",
                "Rapporter lämnas skriftligt i en extern tjänst eller muntligt till "
                "utredningsfunktionen. Den som rapporterar kan vara anonym.",
            ),
            (
                "Skydd",
                "Den som rapporterar i god tro är skyddad mot repressalier. Uppgifterna "
                "omfattas av sekretess.",
            ),
        ],
    ),
    # -- purchasing ----------------------------------------------------------------------------
    doc(
        "inkop-policy",
        "policy",
        "Inköps- och upphandlingspolicy",
        body="kf",
        dnr="KS-2023-012",
        date="2023-03-27",
        organisation="eko",
        summary="Policyn anger kommunfullmäktiges mål för inköp och offentlig upphandling: "
        "affärsmässighet, hållbarhet, konkurrens och lokala företags möjligheter att delta.",
        sections=[
            (
                "Mål",
                "Kommunens inköp ska vara affärsmässiga, rättssäkra och bidra till en hållbar "
                "utveckling. Upphandlingar utformas så att även små och lokala företag kan "
                "lämna anbud.",
            ),
            (
                "Ansvar",
                "Upphandlingsenheten genomför upphandlingar över direktupphandlingsgränsen. "
                "Förvaltningarna ansvarar för att använda de ramavtal som finns.",
            ),
            (
                "Hållbarhet",
                "Miljökrav och sociala krav ställs när det är relevant, till exempel krav på "
                "schyssta arbetsvillkor och fossilfria transporter.",
            ),
        ],
    ),
    doc(
        "inkop-direkt",
        "riktlinje",
        "Riktlinje för direktupphandling",
        body="ks",
        dnr="KS-2023-013",
        date="2023-04-24",
        parent="inkop-policy",
        organisation="eko",
        summary="Riktlinjen anger hur köp under direktupphandlingsgränsen görs, dokumenteras och "
        "vem som får besluta om dem.",
        sections=[
            (
                "När direktupphandling får användas",
                "Direktupphandling får användas när värdet understiger gränsen i lagen om "
                "offentlig upphandling och det inte finns ett ramavtal. Köp av samma slag "
                "under ett år räknas samman.",
            ),
            (
                "Konkurrens",
                "Över 100 000 kronor ska minst tre leverantörer tillfrågas skriftligt. Valet av "
                "leverantör motiveras.",
            ),
            (
                "Dokumentation",
                "Direktupphandlingar över 100 000 kronor dokumenteras i upphandlingssystemet "
                "enligt lagens krav.",
            ),
        ],
    ),
    doc(
        "inkop-attest",
        "rutin",
        "Rutin för beställning och attest av fakturor",
        body="kommundirektor",
        dnr="KS-2023-098",
        date="2023-08-21",
        parent="inkop-direkt",
        organisation="eko",
        summary="Rutinen beskriver hur varor och tjänster beställs i e-handelssystemet och hur "
        "leverantörsfakturor granskas och attesteras.",
        sections=[
            (
                "Beställning",
                "Beställningar görs i e-handelssystemet från avtalade leverantörer. En "
                "beställning kräver en referenskod som anger ansvar och verksamhet.",
            ),
            (
                "Mottagningsattest och beslutsattest",
                "Den som tagit emot varan gör mottagningsattest. Beslutsattest görs av den "
                "budgetansvarige enligt attestförteckningen. Ingen attesterar en utgift till "
                "sig själv.",
            ),
        ],
        **INTERNAL,
    ),
    doc(
        "inkop-avtalsuppfoljning",
        "stodanvisning",
        "Stödanvisning för avtalsuppföljning",
        body="stabschef",
        dnr="KS-2024-120",
        date="2024-05-14",
        parent="inkop-direkt",
        organisation="eko",
        summary="Stöd för avtalsansvariga som följer upp leverantörers åtaganden: "
        "leveranskvalitet, priser, miljökrav och sociala krav.",
        sections=[
            (
                "Planera uppföljningen",
                "Varje avtal har en avtalsansvarig som gör en uppföljningsplan. Avtal med hög "
                "risk följs upp minst en gång per år.",
            ),
            (
                "Genomföra",
                "Uppföljningen kan vara ett leverantörsmöte, en enkät eller en stickprovskontroll "
                "av fakturor. Avvikelser meddelas leverantören skriftligt.",
            ),
        ],
    ),
    # -- archives and public records -----------------------------------------------------------
    doc(
        "arkiv-rl",
        "riktlinje",
        "Riktlinje för arkiv- och informationsförvaltning",
        body="ks",
        dnr="KS-2021-260",
        date="2021-11-30",
        organisation="stab",
        summary="Riktlinjen anger hur kommunens myndigheter bevarar, gallrar och redovisar "
        "allmänna handlingar enligt arkivlagen, och arkivmyndighetens ansvar.",
        sections=[
            (
                "Arkivmyndighet",
                "Kommunstyrelsen är arkivmyndighet och har tillsyn över nämndernas "
                "arkivvård. Kommunarkivet tar emot handlingar för slutarkivering.",
            ),
            (
                "Informationshanteringsplan",
                "Varje nämnd har en informationshanteringsplan som anger vilka handlingar som "
                "bevaras, vilka som gallras och när. Planen revideras vid förändrad "
                "verksamhet.",
            ),
            (
                "Digital arkivering",
                "Handlingar som ska bevaras digitalt överförs till e-arkivet i godkända "
                "filformat, till exempel PDF/A.",
            ),
        ],
        krav=[
            "Varje nämnd ska utse arkivansvarig och arkivredogörare.",
            "Handlingar får gallras först när det finns ett gallringsbeslut.",
        ],
    ),
    doc(
        "arkiv-gallring",
        "rutin",
        "Rutin för gallring av handlingar av tillfällig betydelse",
        body="kommundirektor",
        dnr="KS-2022-270",
        date="2022-10-10",
        parent="arkiv-rl",
        organisation="stab",
        summary="Rutinen beskriver vilka handlingar av ringa eller tillfällig betydelse som får "
        "gallras direkt, till exempel kopior, minnesanteckningar och reklam.",
        sections=[
            (
                "Vad får gallras",
                "Kopior som inte har kompletterats, utkast som inte expedierats och inkommande "
                "reklam får gallras när de inte längre behövs.",
            ),
            (
                "Så gallras handlingar",
                "Pappershandlingar med sekretess förstörs i låsta dokumentförstöringskärl. "
                "Digitala handlingar raderas ur systemet.",
            ),
        ],
    ),
    doc(
        "arkiv-diarie",
        "rutin",
        "Rutin för registrering och diarieföring av allmänna handlingar",
        body="stabschef",
        dnr="KS-2023-330",
        date="2023-11-07",
        parent="arkiv-rl",
        organisation="stab",
        summary="Rutinen beskriver hur inkomna och upprättade allmänna handlingar registreras i "
        "ärendehanteringssystemet och hur diarienummer sätts.",
        sections=[
            (
                "Registrering",
                "Allmänna handlingar registreras utan dröjsmål, normalt samma dag som de kommer "
                "in. Handlingar med sekretess ska alltid registreras.",
            ),
            (
                "Diarienummer",
                "Varje ärende får ett diarienummer med nämndens förkortning, år och löpnummer, "
                "till exempel KS-2023-330.",
            ),
            (
                "E-post",
                "E-post som är en allmän handling registreras eller hålls ordnad så att den kan "
                "hittas. Funktionsbrevlådor kontrolleras varje arbetsdag.",
            ),
        ],
    ),
    doc(
        "arkiv-utlamnande",
        "stodanvisning",
        "Stödanvisning för utlämnande av allmän handling",
        body="stabschef",
        dnr="KS-2023-331",
        date="2023-11-07",
        parent="arkiv-rl",
        organisation="stab",
        summary="Stöd för medarbetare som får en begäran om att ta del av allmänna handlingar: "
        "skyndsamhet, sekretessprövning, anonymitet och avgifter.",
        sections=[
            (
                "Skyndsamt",
                "En begäran om allmän handling ska behandlas skyndsamt, normalt samma dag eller "
                "inom några dagar. Den som begär ut handlingen behöver inte uppge vem hen är.",
            ),
            (
                "Sekretessprövning",
                "Innan en handling lämnas ut prövas om den innehåller uppgifter som omfattas av "
                "sekretess enligt offentlighets- och sekretesslagen. Avslag fattas av den som "
                "har delegation och kan överklagas.",
            ),
            (
                "Avgifter",
                "De första nio sidorna är avgiftsfria. Därefter tas en avgift ut enligt "
                "kommunfullmäktiges taxa.",
            ),
        ],
    ),
    # -- data protection and camera surveillance ----------------------------------------------
    doc(
        "dataskydd-policy",
        "policy",
        "Dataskyddspolicy",
        body="kf",
        dnr="KS-2018-155",
        date="2018-05-21",
        organisation="stab",
        version="2.0",
        summary="Policyn anger hur Exempelkommun skyddar personuppgifter enligt "
        "dataskyddsförordningen (GDPR): ansvar, dataskyddsombud och de registrerades "
        "rättigheter.",
        sections=[
            (
                "Personuppgiftsansvar",
                "Varje nämnd är personuppgiftsansvarig för de behandlingar som sker i dess "
                "verksamhet och utser ett dataskyddsombud.",
            ),
            (
                "Principer",
                "Personuppgifter behandlas bara för uttryckliga ändamål, med stöd av en rättslig "
                "grund, och sparas inte längre än nödvändigt.",
            ),
            (
                "Rättigheter",
                "Den som är registrerad har rätt till information, registerutdrag, rättelse och "
                "i vissa fall radering.",
            ),
        ],
    ),
    doc(
        "dataskydd-rl",
        "riktlinje",
        "Riktlinje för behandling av personuppgifter",
        body="ks",
        dnr="KS-2019-020",
        date="2019-02-25",
        parent="dataskydd-policy",
        organisation="stab",
        summary="Riktlinjen anger hur förvaltningarna dokumenterar behandlingar i "
        "registerförteckningen, gör konsekvensbedömningar och tecknar "
        "personuppgiftsbiträdesavtal.",
        sections=[
            (
                "Registerförteckning",
                "Alla behandlingar av personuppgifter förs in i registerförteckningen med "
                "ändamål, rättslig grund och lagringstid.",
            ),
            (
                "Konsekvensbedömning",
                "Innan en ny behandling med hög risk påbörjas görs en konsekvensbedömning "
                "avseende dataskydd i samråd med dataskyddsombudet.",
            ),
            (
                "Personuppgiftsbiträden",
                "När en leverantör behandlar personuppgifter för kommunens räkning tecknas ett "
                "personuppgiftsbiträdesavtal innan behandlingen börjar.",
            ),
        ],
        krav=[
            "Känsliga personuppgifter får bara skickas krypterat.",
            "Personnummer ska inte användas i onödan.",
        ],
    ),
    doc(
        "dataskydd-registerutdrag",
        "rutin",
        "Rutin för registerutdrag och de registrerades rättigheter",
        body="stabschef",
        dnr="KS-2019-021",
        date="2019-04-08",
        parent="dataskydd-rl",
        organisation="stab",
        summary="Rutinen beskriver hur en begäran om registerutdrag, rättelse eller radering tas "
        "emot, identitetskontrolleras och besvaras inom en månad.",
        sections=[
            (
                "Ta emot begäran",
                "En begäran om registerutdrag lämnas via e-tjänsten med e-legitimation eller på "
                "blankett. Begäran registreras.",
            ),
            (
                "Sammanställ",
                "Dataskyddssamordnaren ber varje förvaltning söka i sina system. Uppgifter som "
                "omfattas av sekretess lämnas inte ut.",
            ),
            (
                "Svara",
                "Svaret skickas inom en månad till folkbokföringsadressen.",
            ),
        ],
    ),
    doc(
        "dataskydd-skyddade",
        "stodanvisning",
        "Stödanvisning för personer med skyddade personuppgifter",
        body="kommundirektor",
        dnr="KS-2024-201",
        date="2024-06-18",
        parent="dataskydd-rl",
        organisation="stab",
        summary="Stöd för medarbetare som handlägger ärenden som rör personer med "
        "sekretessmarkering eller skyddad folkbokföring.",
        sections=[
            (
                "Känn igen skyddet",
                "Skyddad folkbokföring och sekretessmarkering syns i folkbokföringsuppgifterna. "
                "Uppgifter om adress, skola och arbetsplats får aldrig lämnas ut.",
            ),
            (
                "Hantering",
                "Handlingar förvaras inlåsta och skickas via Skatteverkets förmedlingstjänst. "
                "Endast namngivna handläggare får tillgång till ärendet.",
            ),
        ],
        **INTERNAL,
    ),
    doc(
        "kamera-rl",
        "riktlinje",
        "Riktlinje för kameraövervakning",
        body="ks",
        dnr="KS-2020-088",
        date="2020-06-15",
        parent="dataskydd-policy",
        organisation="sbf",
        summary="Riktlinjen anger när kommunen får använda kamerabevakning i och kring sina "
        "lokaler, hur skyltning sker och hur länge inspelat material sparas.",
        sections=[
            (
                "Förutsättningar",
                "Kameraövervakning får användas för att förebygga brott och skadegörelse när "
                "intresset av övervakningen väger tyngre än intrånget i den personliga "
                "integriteten. Kamerabevakningslagen och dataskyddsförordningen gäller.",
            ),
            (
                "Skyltning",
                "Den som övervakas ska informeras genom tydliga skyltar med uppgift om vem som "
                "bevakar och var mer information finns.",
            ),
            (
                "Lagring",
                "Inspelat material sparas högst sju dagar och raderas sedan automatiskt, om det "
                "inte behövs för att utreda ett brott.",
            ),
        ],
    ),
    doc(
        "kamera-rutin",
        "rutin",
        "Rutin för hantering av inspelat material från övervakningskameror",
        body="forvaltningschef",
        dnr="SBN-2021-012",
        date="2021-03-09",
        parent="kamera-rl",
        organisation="sbf",
        summary="Samhällsbyggnadsförvaltningens rutin för vem som får titta på inspelat material, "
        "hur uttag loggas och hur material lämnas till polisen.",
        sections=[
            (
                "Behörighet",
                "Endast säkerhetssamordnaren och fastighetschefen får titta på inspelat "
                "material. Varje uttag loggas.",
            ),
            (
                "Till polisen",
                "Material lämnas till polisen efter en skriftlig begäran i samband med en "
                "brottsutredning.",
            ),
        ],
        **INTERNAL,
    ),
    # -- crisis preparedness -------------------------------------------------------------------
    doc(
        "kris-program",
        "program",
        "Program för trygghet, säkerhet och krisberedskap",
        body="kf",
        dnr="KS-2023-401",
        date="2023-12-11",
        organisation="stab",
        summary="Programmet anger kommunfullmäktiges mål för det trygghetsskapande och "
        "brottsförebyggande arbetet, krisberedskapen och civilt försvar under "
        "mandatperioden.",
        sections=[
            (
                "Krisberedskap",
                "Kommunen ska kunna upprätthålla samhällsviktig verksamhet vid extraordinära "
                "händelser i fredstid och höjd beredskap. En risk- och sårbarhetsanalys görs "
                "varje mandatperiod.",
            ),
            (
                "Civilt försvar",
                "Kommunen planerar för verksamhet under höjd beredskap, bland annat "
                "krigsorganisation, reservkraft och nödvatten.",
            ),
            (
                "Trygghet",
                "Det brottsförebyggande arbetet bedrivs i samverkan med polisen enligt en "
                "gemensam lägesbild.",
            ),
        ],
    ),
    doc(
        "kris-ledning",
        "riktlinje",
        "Riktlinje för krisledning vid extraordinära händelser",
        body="ks",
        dnr="KS-2024-017",
        date="2024-01-30",
        parent="kris-program",
        organisation="stab",
        summary="Riktlinjen beskriver krisledningsnämndens och krisledningsgruppens uppgifter "
        "och hur kommunen leder arbetet vid en allvarlig störning.",
        sections=[
            (
                "Krisledningsnämnden",
                "Krisledningsnämnden kan ta över beslutanderätten från andra nämnder vid en "
                "extraordinär händelse. Nämnden består av kommunstyrelsens presidium.",
            ),
            (
                "Krisledningsgruppen",
                "Krisledningsgruppen leds av kommundirektören och samordnar förvaltningarnas "
                "arbete, kriskommunikationen och samverkan med länsstyrelsen.",
            ),
            (
                "Tjänsteperson i beredskap",
                "Kommunen har en tjänsteperson i beredskap som nås dygnet runt och kan larma "
                "krisledningen.",
            ),
        ],
    ),
    doc(
        "kris-larm",
        "rutin",
        "Rutin för larmning av krisledningsgruppen",
        body="kommundirektor",
        dnr="KS-2024-018",
        date="2024-02-20",
        parent="kris-ledning",
        organisation="stab",
        summary="Rutinen beskriver hur tjänstepersonen i beredskap larmar krisledningsgruppen, "
        "larmlistor och telefonnummer, och var gruppen samlas.",
        sections=[
            (
                "Larmning",
                "Tjänstepersonen i beredskap larmar via det gemensamma larmverktyget. Ledamöter "
                "bekräftar inom femton minuter.",
            ),
            (
                "Samlingsplats",
                "Krisledningsgruppen samlas i stabsrummet i kommunhuset, som har reservkraft. "
                "Reservlokal är räddningstjänstens station.",
            ),
        ],
        restricted_to=GROUP_MEMBERS,
        **INTERNAL,
    ),
    doc(
        "kris-elavbrott",
        "stodanvisning",
        "Stödanvisning vid längre elavbrott",
        body="kommundirektor",
        dnr="KS-2024-019",
        date="2024-02-20",
        parent="kris-ledning",
        organisation="stab",
        summary="Stöd för förvaltningarna när strömmen är borta i mer än några timmar: "
        "prioriteringar, reservkraft, värme och information till invånarna.",
        sections=[
            (
                "De första timmarna",
                "Kontrollera vilka verksamheter som har reservkraft. Prioritera äldreboenden, "
                "vattenverket och hemtjänsten.",
            ),
            (
                "Information",
                "Invånarna informeras via kommunens webbplats, lokalradion och trygghetspunkter "
                "där man kan ladda telefonen och få information.",
            ),
        ],
    ),
    doc(
        "sakerhetsskydd",
        "riktlinje",
        "Riktlinje för säkerhetsskydd",
        body="ks",
        dnr="KS-2023-500",
        date="2023-05-16",
        organisation="stab",
        summary="Riktlinjen beskriver hur kommunen skyddar säkerhetskänslig verksamhet: "
        "säkerhetsskyddsanalys, säkerhetsprövning och säkerhetsskyddsavtal.",
        sections=[
            (
                "Säkerhetsskyddsanalys",
                "Säkerhetsskyddschefen gör en säkerhetsskyddsanalys som pekar ut den "
                "säkerhetskänsliga verksamheten.",
            ),
            (
                "Säkerhetsprövning",
                "Den som ska delta i säkerhetskänslig verksamhet säkerhetsprövas och "
                "placeras i säkerhetsklass.",
            ),
        ],
        restricted_to=GROUP_OTHERS,
        **INTERNAL,
    ),
    # -- IT: equipment, e-mail, passwords, backup ---------------------------------------------
    doc(
        "it-rl",
        "riktlinje",
        "Riktlinje för användning av IT-utrustning",
        body="kommundirektor",
        dnr="KS-2023-060",
        date="2023-03-14",
        organisation="it",
        summary="Riktlinjen anger hur medarbetare får använda kommunens datorer, telefoner och "
        "andra IT-resurser, och vad som gäller för privat användning.",
        sections=[
            (
                "Kommunens utrustning",
                "Datorer, mobiltelefoner och surfplattor ägs av kommunen och hanteras av "
                "IT-enheten. Program installeras bara av IT-enheten eller via kommunens "
                "programkatalog.",
            ),
            (
                "Privat användning",
                "Begränsad privat användning av internet är tillåten om den inte stör arbetet. "
                "Utrustningen får inte lånas ut till familjemedlemmar.",
            ),
            (
                "Förlust och stöld",
                "Förlorad eller stulen utrustning anmäls genast till servicedesk så att den kan "
                "spärras.",
            ),
        ],
        krav=[
            "Datorn ska låsas när den lämnas obevakad.",
            "Uppdateringar ska installeras när datorn uppmanar till det.",
        ],
    ),
    doc(
        "it-epost",
        "rutin",
        "Rutin för e-post och säker e-post",
        body="stabschef",
        dnr="KS-2023-061",
        date="2023-04-03",
        parent="it-rl",
        organisation="it",
        summary="Rutinen beskriver hur kommunens e-post används, när säker e-post krävs för att "
        "skicka känsliga uppgifter och hur funktionsbrevlådor hanteras.",
        sections=[
            (
                "Vanlig e-post",
                "E-post skickas från kommunens e-postkonto, aldrig från privata konton. "
                "Automatisk vidarebefordran till externa adresser är inte tillåten.",
            ),
            (
                "Säker e-post",
                "Sekretessbelagda och känsliga personuppgifter skickas med säker e-post, som "
                "krypterar meddelandet och kräver att mottagaren legitimerar sig med "
                "e-legitimation.",
            ),
            (
                "Funktionsbrevlådor och frånvaro",
                "Varje enhet har en funktionsbrevlåda som bevakas dagligen. Vid frånvaro "
                "används ett frånvaromeddelande som hänvisar till funktionsbrevlådan.",
            ),
        ],
    ),
    doc(
        "it-losenord",
        "rutin",
        "Rutin för lösenord och inloggning",
        body="stabschef",
        dnr="KS-2023-062",
        date="2023-04-03",
        parent="it-rl",
        organisation="it",
        summary="Rutinen anger krav på lösenord, tvåfaktorsinloggning och hur ett glömt "
        "lösenord återställs via servicedesk.",
        sections=[
            (
                "Krav på lösenord",
                "Lösenordet ska vara minst fjorton tecken. Samma lösenord får inte användas i "
                "flera tjänster.",
            ),
            (
                "Tvåfaktorsinloggning",
                "Inloggning utifrån och till system med känsliga uppgifter kräver en andra "
                "faktor, till exempel en kod i autentiseringsappen.",
            ),
            (
                "Glömt lösenord",
                "Servicedesk återställer lösenordet efter kontroll av legitimation. Ett "
                "lösenord som kan ha röjts byts omedelbart.",
            ),
        ],
        **INTERNAL,
    ),
    doc(
        "it-mobil",
        "stodanvisning",
        "Stödanvisning för mobiltelefoner och surfplattor",
        body="kommundirektor",
        dnr="KS-2024-070",
        date="2024-04-09",
        parent="it-rl",
        organisation="it",
        summary="Praktiska råd för tjänstetelefonen och surfplattan: skärmlås, appar, "
        "uppdateringar och vad du gör om telefonen försvinner.",
        sections=[
            (
                "Skärmlås och appar",
                "Använd en pinkod med minst sex siffror. Installera appar bara från kommunens "
                "appkatalog.",
            ),
            (
                "Om telefonen försvinner",
                "Ring servicedesk direkt. Telefonen spärras och raderas på distans.",
            ),
        ],
    ),
    doc(
        "it-utlaning",
        "rutin",
        "Rutin för utlämning och återlämning av datorer och telefoner",
        body="stabschef",
        dnr="KS-2024-071",
        date="2024-04-09",
        parent="it-rl",
        organisation="it",
        summary="Rutinen beskriver hur IT-enheten lämnar ut, byter och tar tillbaka "
        "medarbetares datorer och mobiltelefoner och hur uttjänt utrustning raderas.",
        sections=[
            (
                "Utlämning",
                "Chefen beställer utrustning i IT-portalen. Medarbetaren kvitterar datorn och "
                "telefonen vid utlämning.",
            ),
            (
                "Återlämning",
                "När anställningen upphör lämnas utrustningen tillbaka senast sista "
                "arbetsdagen. Hårddiskar raderas innan utrustningen återanvänds eller "
                "återvinns.",
            ),
        ],
        **INTERNAL,
    ),
    doc(
        "it-sakerhetskopiering",
        "riktlinje",
        "Riktlinje för säkerhetskopiering och återställning av data",
        body="kommundirektor",
        dnr="KS-2022-380",
        date="2022-12-06",
        organisation="it",
        summary="Riktlinjen anger hur ofta kommunens system och filer säkerhetskopieras, hur "
        "länge kopiorna sparas och vem som ansvarar för att återställning fungerar.",
        sections=[
            (
                "Ansvar",
                "Systemägaren beslutar om behovet av säkerhetskopiering utifrån "
                "informationsklassningen. IT-enheten genomför kopieringen för system i egen "
                "drift.",
            ),
            (
                "Frekvens och lagring",
                "Verksamhetskritiska system kopieras dagligen. Kopiorna lagras på en annan "
                "plats än originalet och minst en kopia är frånkopplad från nätverket.",
            ),
            (
                "Filer på datorn",
                "Filer som sparas lokalt på datorn kopieras inte. Spara därför arbetsfiler i "
                "de gemensamma lagringsytorna.",
            ),
        ],
    ),
    doc(
        "molntjanster",
        "riktlinje",
        "Riktlinje för användning av molntjänster",
        body="kommundirektor",
        dnr="KS-2024-090",
        date="2024-05-21",
        organisation="it",
        summary="Riktlinjen anger hur en molntjänst bedöms och godkänns innan kommunens "
        "information får lagras i den, med särskild hänsyn till tredjelandsöverföring.",
        sections=[
            (
                "Bedömning",
                "Innan en molntjänst används gör systemägaren en riskbedömning och en "
                "informationsklassning. Tjänsten godkänns av IT-chefen.",
            ),
            (
                "Tredje land",
                "Om leverantören kan överföra personuppgifter till land utanför EU/EES krävs "
                "en överföringsmekanism och dataskyddsombudets yttrande.",
            ),
        ],
        restricted_to=GROUP_MEMBERS,
        **INTERNAL,
    ),
    # -- communication -------------------------------------------------------------------------
    doc(
        "kommunikation-policy",
        "policy",
        "Kommunikationspolicy",
        body="kf",
        dnr="KS-2021-101",
        date="2021-05-31",
        organisation="klf",
        summary="Kommunikationspolicyn anger hur Exempelkommun kommunicerar med invånare, "
        "företag och medarbetare: öppet, tydligt, tillgängligt och i rätt tid.",
        sections=[
            (
                "Principer",
                "Kommunens kommunikation ska vara öppen, saklig och begriplig. Klarspråk "
                "används i alla texter till invånarna.",
            ),
            (
                "Kanaler",
                "Webbplatsen är kommunens huvudkanal. Sociala medier, pressmeddelanden och "
                "nyhetsbrev kompletterar.",
            ),
            (
                "Medarbetare",
                "Alla medarbetare är kommunens ambassadörer och har yttrandefrihet och "
                "meddelarfrihet.",
            ),
        ],
    ),
    doc(
        "sociala-medier",
        "riktlinje",
        "Riktlinje för sociala medier",
        body="ks",
        dnr="KS-2022-150",
        date="2022-06-20",
        parent="kommunikation-policy",
        organisation="klf",
        summary="Riktlinjen anger hur kommunens konton på Facebook, Instagram, LinkedIn och andra "
        "sociala medier startas, bevakas och avslutas, och hur inlägg och kommentarer "
        "hanteras som allmänna handlingar.",
        sections=[
            (
                "Kommunens konton",
                "Ett konto i sociala medier startas bara efter godkännande av "
                "kommunikationschefen. Varje konto har minst två ansvariga redaktörer.",
            ),
            (
                "Bevakning och kommentarer",
                "Kontot bevakas varje vardag. Kommentarer som är kränkande, hotfulla eller "
                "innehåller personuppgifter tas bort, och borttagna inlägg sparas.",
            ),
            (
                "Allmänna handlingar",
                "Inlägg och kommentarer är allmänna handlingar och diarieförs eller sparas "
                "enligt informationshanteringsplanen.",
            ),
            (
                "Som privatperson",
                "Medarbetare som skriver privat i sociala medier framträder inte som "
                "företrädare för kommunen.",
            ),
        ],
    ),
    doc(
        "sociala-medier-stod",
        "stodanvisning",
        "Stödanvisning för att starta och avsluta konton i sociala medier",
        body="kommundirektor",
        dnr="KS-2022-151",
        date="2022-08-29",
        parent="sociala-medier",
        organisation="klf",
        summary="Checklista för verksamheter som vill starta ett konto i sociala medier eller "
        "avsluta ett konto som inte längre används.",
        sections=[
            (
                "Innan du startar",
                "Beskriv syfte, målgrupp och vem som ska svara på kommentarer. Ett konto som "
                "inte kan bevakas varje vardag ska inte startas.",
            ),
            (
                "Avsluta ett konto",
                "Spara inlägg och kommentarer enligt informationshanteringsplanen innan kontot "
                "raderas.",
            ),
        ],
    ),
    doc(
        "webb-tillganglighet",
        "riktlinje",
        "Riktlinje för tillgänglighet på webben",
        body="kommundirektor",
        dnr="KS-2020-190",
        date="2020-09-22",
        parent="kommunikation-policy",
        organisation="klf",
        summary="Riktlinjen anger hur kommunens webbplatser, e-tjänster och dokument görs "
        "tillgängliga enligt lagen om tillgänglighet till digital offentlig service.",
        sections=[
            (
                "Krav",
                "Webbplatser och e-tjänster ska uppfylla WCAG 2.1 nivå AA. Dokument publiceras "
                "som tillgängliga PDF-filer eller som webbsidor.",
            ),
            (
                "Tillgänglighetsredogörelse",
                "Varje webbplats har en tillgänglighetsredogörelse som anger brister och hur "
                "man kan påtala dem.",
            ),
        ],
    ),
    # -- governance and management -------------------------------------------------------------
    doc(
        "styrning-policy",
        "policy",
        "Policy för styrning och ledning",
        body="kf",
        dnr="KS-2020-011",
        date="2020-03-30",
        organisation="klf",
        summary="Policyn beskriver Exempelkommuns styrmodell: hur kommunfullmäktiges mål bryts "
        "ned i nämndernas planer, hur verksamheten följs upp och hur styrdokument används.",
        sections=[
            (
                "Styrmodell",
                "Kommunfullmäktige beslutar om vision, mål och budget. Nämnderna beslutar om "
                "verksamhetsplaner och förvaltningarna om aktiviteter.",
            ),
            (
                "Uppföljning",
                "Måluppfyllelse och ekonomi följs upp i delårsrapport och årsredovisning. "
                "Avvikelser ska förklaras och åtgärdas.",
            ),
            (
                "Tillitsbaserad ledning",
                "Ledningen bygger på tillit till medarbetarnas kompetens. Detaljstyrning undviks.",
            ),
        ],
    ),
    doc(
        "styrdokument-rl",
        "riktlinje",
        "Riktlinje för kommunens styrdokument",
        body="ks",
        dnr="KS-2020-012",
        date="2020-04-27",
        parent="styrning-policy",
        organisation="klf",
        summary="Riktlinjen definierar dokumenttyperna policy, program, riktlinje, rutin och "
        "stödanvisning, vem som beslutar dem och hur ofta de ska revideras.",
        sections=[
            (
                "Dokumenttyper",
                "En policy anger förhållningssätt och beslutas av kommunfullmäktige. Ett "
                "program anger mål för ett område. En riktlinje anger hur något ska göras och "
                "beslutas av kommunstyrelsen eller kommundirektören. En rutin beskriver ett "
                "arbetssätt steg för steg.",
            ),
            (
                "Revision",
                "Varje styrdokument har en dokumentansvarig och ses över minst vart fjärde år, "
                "eller varje mandatperiod.",
            ),
            (
                "Publicering",
                "Gällande styrdokument publiceras i kommunens register. Interna dokument visas "
                "bara på intranätet.",
            ),
        ],
    ),
    doc(
        "delegation-rutin",
        "rutin",
        "Rutin för anmälan av delegationsbeslut",
        body="stabschef",
        dnr="KS-2021-030",
        date="2021-02-15",
        parent="styrdokument-rl",
        organisation="stab",
        summary="Rutinen beskriver hur beslut som fattats med stöd av delegation anmäls till "
        "nämnden och registreras.",
        sections=[
            (
                "Delegationsordning",
                "Nämnden delegerar beslutanderätt till tjänstepersoner i en "
                "delegationsordning. Beslut fattade på delegation ska anmälas till nämnden.",
            ),
            (
                "Anmälan",
                "Delegationsbeslut registreras i ärendehanteringssystemet och redovisas i en "
                "lista till nästa nämndsammanträde.",
            ),
        ],
    ),
    doc(
        "internkontroll-rl",
        "riktlinje",
        "Riktlinje för intern kontroll",
        body="ks",
        dnr="KS-2019-300",
        date="2019-11-25",
        parent="styrning-policy",
        organisation="eko",
        summary="Riktlinjen anger hur nämnderna årligen gör riskanalys, antar en "
        "internkontrollplan och rapporterar resultatet till kommunstyrelsen.",
        sections=[
            (
                "Riskanalys",
                "Varje nämnd gör varje höst en riskanalys av sin verksamhet och ekonomi.",
            ),
            (
                "Internkontrollplan",
                "Utifrån riskanalysen antas en internkontrollplan med kontrollmoment, metod och "
                "ansvarig.",
            ),
            (
                "Rapportering",
                "Resultatet rapporteras till nämnden och kommunstyrelsen i samband med "
                "årsredovisningen.",
            ),
        ],
    ),
    doc(
        "ekonomistyrning-rl",
        "riktlinje",
        "Riktlinje för budget och ekonomistyrning",
        body="ks",
        dnr="KS-2022-005",
        date="2022-02-21",
        parent="styrning-policy",
        organisation="eko",
        summary="Riktlinjen beskriver budgetprocessen, nämndernas budgetansvar och hur "
        "budgetavvikelser hanteras under året.",
        sections=[
            (
                "Budgetprocess",
                "Kommunfullmäktige fastställer budget i juni för kommande år. Nämnderna "
                "fördelar sin ram i en internbudget.",
            ),
            (
                "Budgetansvar",
                "Nämnden ansvarar för att verksamheten bedrivs inom ramen. Befarade underskott "
                "rapporteras med en åtgärdsplan.",
            ),
        ],
    ),
    # -- the förvaltningar's own documents ------------------------------------------------------
    doc(
        "soc-dokumentation",
        "riktlinje",
        "Riktlinje för dokumentation inom socialtjänsten",
        body="kommundirektor",
        dnr="SN-2023-014",
        date="2023-02-28",
        organisation="soc",
        summary="Riktlinjen anger hur handläggare och utförare dokumenterar utredningar, beslut "
        "och insatser i socialtjänstens verksamhetssystem.",
        sections=[
            (
                "Journalföring",
                "Dokumentationen ska vara saklig, kortfattad och skriven så att den enskilde kan "
                "förstå den. Anteckningar görs utan dröjsmål.",
            ),
            (
                "Den enskildes delaktighet",
                "Den enskilde har rätt att ta del av sin akt och att få en felaktig uppgift "
                "antecknad.",
            ),
        ],
        **INTERNAL,
    ),
    doc(
        "soc-hot-vald",
        "rutin",
        "Rutin vid hot och våld mot medarbetare",
        body="forvaltningschef",
        dnr="SN-2023-015",
        date="2023-03-14",
        parent="hr-arbetsmiljo",
        organisation="soc",
        summary="Socialförvaltningens rutin för att förebygga och hantera hot och våld mot "
        "medarbetare vid hembesök, på kontoret och i sociala medier.",
        sections=[
            (
                "Förebygga",
                "Hembesök där risk för hot finns görs alltid av två medarbetare. Besöksrum har "
                "larm.",
            ),
            (
                "När något har hänt",
                "Medarbetaren får omedelbart stöd av chefen. Händelsen rapporteras i "
                "avvikelsesystemet och polisanmäls vid behov.",
            ),
        ],
        **INTERNAL,
    ),
    doc(
        "bou-digitala",
        "riktlinje",
        "Riktlinje för digitala verktyg i skolan",
        body="kommundirektor",
        dnr="BUN-2023-040",
        date="2023-05-09",
        organisation="bou",
        summary="Riktlinjen anger hur förskolor och skolor väljer och använder digitala "
        "lärverktyg och appar med hänsyn till elevernas personuppgifter.",
        sections=[
            (
                "Val av lärverktyg",
                "Nya digitala lärverktyg godkänns av förvaltningens IT-pedagog efter en "
                "bedömning av dataskydd och tillgänglighet.",
            ),
            (
                "Elevernas personuppgifter",
                "Elevers personuppgifter får bara lämnas till tjänster som förvaltningen har "
                "avtal med.",
            ),
        ],
    ),
    doc(
        "bou-elevdatorer",
        "rutin",
        "Rutin för elevers datorer och lärplattor",
        body="forvaltningschef",
        dnr="BUN-2023-041",
        date="2023-06-01",
        parent="bou-digitala",
        organisation="bou",
        summary="Barn- och utbildningsförvaltningens rutin för utlåning av elevdatorer, "
        "skadeanmälan och återlämning när eleven slutar.",
        sections=[
            (
                "Utlåning",
                "Elever i årskurs 4–9 lånar en dator som kvitteras av vårdnadshavare.",
            ),
            (
                "Skador och återlämning",
                "Skador anmäls till skolans IT-ansvarige. Datorn lämnas tillbaka när eleven "
                "slutar.",
            ),
        ],
    ),
    doc(
        "resor-rl",
        "riktlinje",
        "Riktlinje för tjänsteresor",
        body="ks",
        dnr="KS-2021-077",
        date="2021-04-26",
        organisation="eko",
        summary="Riktlinjen anger hur medarbetare och förtroendevalda reser i tjänsten: val av "
        "färdmedel, bokning, miljöhänsyn och ersättning.",
        sections=[
            (
                "Val av färdmedel",
                "Tåg väljs före flyg för resor kortare än fem timmar. Resfria möten övervägs "
                "alltid först.",
            ),
            (
                "Bokning",
                "Resor bokas via kommunens upphandlade resebyrå. Egen bil i tjänsten kräver "
                "chefens godkännande.",
            ),
        ],
    ),
    doc(
        "resor-bilpool",
        "rutin",
        "Rutin för bokning av bilpoolens fordon",
        body="stabschef",
        dnr="KS-2021-078",
        date="2021-05-10",
        parent="resor-rl",
        organisation="eko",
        summary="Rutinen beskriver hur bilpoolens elbilar bokas, hämtas, laddas och lämnas "
        "tillbaka, och hur skador rapporteras.",
        sections=[
            (
                "Bokning",
                "Bilarna bokas i bokningssystemet senast dagen före. Nyckeln hämtas i receptionen.",
            ),
            (
                "Efter resan",
                "Bilen ställs på laddplatsen. Skador och fel rapporteras i bokningssystemet.",
            ),
        ],
    ),
    doc(
        "miljo-program",
        "program",
        "Miljö- och klimatprogram",
        body="kf",
        dnr="KS-2022-250",
        date="2022-11-28",
        organisation="sbf",
        summary="Programmet anger kommunens miljö- och klimatmål till 2030: minskade utsläpp, "
        "fossilfria transporter, energieffektiva lokaler och hållbar konsumtion.",
        sections=[
            (
                "Klimat",
                "Utsläppen av växthusgaser från kommunens verksamhet ska minska med 70 procent "
                "till 2030. Kommunens fordon ska vara fossilfria.",
            ),
            (
                "Energi",
                "Energianvändningen i kommunens lokaler ska minska med 20 procent. Solceller "
                "installeras på nya byggnader.",
            ),
            (
                "Konsumtion",
                "Matsvinnet i skolor och äldreboenden ska halveras. Miljökrav ställs i "
                "upphandlingar.",
            ),
        ],
    ),
    doc(
        "klagomal-rl",
        "riktlinje",
        "Riktlinje för synpunkter och klagomål",
        body="ks",
        dnr="KS-2020-140",
        date="2020-08-24",
        organisation="klf",
        summary="Riktlinjen anger hur invånarnas synpunkter, klagomål och beröm tas emot, "
        "besvaras och används för att förbättra verksamheten.",
        sections=[
            (
                "Ta emot",
                "Synpunkter kan lämnas via e-tjänsten, telefon, brev eller besök. Den som "
                "lämnar en synpunkt kan vara anonym.",
            ),
            (
                "Besvara",
                "Den som lämnat kontaktuppgifter får en bekräftelse inom två arbetsdagar och "
                "ett svar inom tio arbetsdagar.",
            ),
            (
                "Lärande",
                "Synpunkterna sammanställs varje år och redovisas för nämnderna.",
            ),
        ],
    ),
    doc(
        "kff-lokaler",
        "riktlinje",
        "Riktlinje för uthyrning av kommunens lokaler och idrottsanläggningar",
        body="kommundirektor",
        dnr="KFN-2024-008",
        date="2024-01-16",
        organisation="kff",
        summary="Riktlinjen anger vem som får hyra idrottshallar, samlingslokaler och "
        "konstgräsplaner, prioriteringsordning och taxor för föreningar.",
        sections=[
            (
                "Prioritering",
                "Barn- och ungdomsföreningar prioriteras vid fördelningen av tider. Därefter "
                "kommer övriga föreningar och privatpersoner.",
            ),
            (
                "Taxor",
                "Taxorna beslutas av kommunfullmäktige. Föreningar med verksamhet för barn "
                "hyr till reducerad taxa.",
            ),
        ],
    ),
    doc(
        "vof-delegering",
        "rutin",
        "Rutin för delegering av hälso- och sjukvårdsuppgifter",
        body="kommundirektor",
        dnr="VON-2023-022",
        date="2023-09-19",
        parent="soc-dokumentation",
        organisation="vof",
        summary="Vård- och omsorgsförvaltningens rutin för när sjuksköterskor får delegera "
        "läkemedelshantering och insulingivning till omvårdnadspersonal.",
        sections=[
            (
                "Förutsättningar",
                "Delegering får bara ske till den som har utbildning och bedöms ha reell "
                "kompetens för uppgiften. Delegeringen är personlig och tidsbegränsad till ett "
                "år.",
            ),
            (
                "Uppföljning",
                "Sjuksköterskan följer upp delegeringen och kan återkalla den omedelbart.",
            ),
        ],
        **INTERNAL,
    ),
]


def demo_documents():
    """The demo fixture's documents: [(key, item)] as the fixture has them."""
    with open(DEFAULT_FIXTURE, encoding="utf-8") as handle:
        data = json.load(handle)
    return [(item["key"], item) for item in data["documents"]]


def all_keys():
    """Every document key of the corpus (the demo's and the generated ones)."""
    return [key for key, _item in demo_documents()] + [item["key"] for item in DOCUMENTS]


def corpus_loader_class():
    """The demo's loader, which also reads `restricted_to` (a group name): the restriction is
    then part of the revision that the decision publishes, as an editor's would be."""
    from django.contrib.auth.models import Group

    from policies.demo import DemoLoader

    class CorpusLoader(DemoLoader):
        def references(self):
            return {
                **super().references(),
                "restricted_to": lambda name: [Group.objects.get(name=name)],
            }

    return CorpusLoader


def load_corpus(keys=None):
    """Load the demo and the generated documents into the current (test) database, fill the
    search index and return {key: page} for every document.

    `keys` (generated documents' keys) loads only those and their ancestors, with the demo's
    people, organisation and decision bodies but none of its documents: the suite's quick run.

    Background tasks (each adopted version's archival PDF) are queued in the database as in
    production, not run: with the test settings' immediate backend they would take most of the
    time and have nothing to do with the search."""
    from django.conf import settings
    from django.test.utils import override_settings

    database = {"default": {"BACKEND": settings.TASK_BACKENDS["database"]}}
    with override_settings(TASKS=database):
        return _load_corpus(keys)


def with_ancestors(keys):
    """The generated documents with these keys and every generated document above them."""
    parents = {item["key"]: item.get("parent") for item in DOCUMENTS}
    wanted = set()
    for key in keys:
        while key in parents and key not in wanted:
            wanted.add(key)
            key = parents[key]
    return [item for item in DOCUMENTS if item["key"] in wanted]


def _load_corpus(keys):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from governance.models import Organisation
    from policies.demo import DemoLoader, load_demo
    from policies.models import RegisterPage, Styrdokument

    if keys is None:
        documents, demo = DOCUMENTS, demo_documents()
        load_demo()
    else:
        documents, demo = with_ancestors(keys), []
        with open(DEFAULT_FIXTURE, encoding="utf-8") as handle:
            DemoLoader({**json.load(handle), "documents": []}).load()
    CorpusLoader = corpus_loader_class()
    loader = CorpusLoader({"documents": documents, "organisations": NEW_ORGANISATIONS})
    loader.organisations = {
        key: Organisation.objects.get(name=name) for key, name in DEMO_ORGANISATIONS.items()
    }
    loader.load_organisations()
    members = Group.objects.get_or_create(name=GROUP_MEMBERS)[0]
    Group.objects.get_or_create(name=GROUP_OTHERS)
    get_user_model().objects.get(username="redaktor").groups.add(members)
    loader.load_documents(RegisterPage.objects.get())
    # Demo documents by title (their slugs come from the fixture).
    pages = {}
    by_title = {page.title: page for page in Styrdokument.objects.all()}
    for key, item in demo:
        pages[key] = by_title[item["title"]]
    for item in documents:
        page = Styrdokument.objects.get(pk=loader.pages[item["key"]].pk)
        restricted = set(page.restricted_to.values_list("name", flat=True))
        if restricted != ({item["restricted_to"]} if item.get("restricted_to") else set()):
            raise RuntimeError(f"{item['key']}: begränsningen blev {restricted or 'ingen'}")
        pages[item["key"]] = page
    _top_up_index(pages.values())
    return pages


def _top_up_index(pages):
    """Index every document as `update_index` would, whatever the signals already did."""
    import sys
    from pathlib import Path

    if str(Path(__file__).resolve().parent) not in sys.path:
        sys.path.append(str(Path(__file__).resolve().parent))
    from common import add_to_index

    ids_by_class = {}
    for page in pages:
        specific = page.specific_class
        ids_by_class.setdefault(specific, []).append(page.pk)
    add_to_index(ids_by_class)
