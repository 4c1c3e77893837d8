"""Benchmark the search page (/sok/) and its suggestions while typing (/sok/forslag/) at 200,
2,000 and 10,000 documents, against plain PostgreSQL full-text search on the same text.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/styrdok_bench \
        .venv/bin/python bench/search.py [--sizes 200,2000,10000] [--repeat 3] [--verbose]

Creates a throwaway test database (test_<name> on the PostgreSQL server that DATABASE_URL points
at, or SQLite in memory without it), runs setup_styrdok and generates live documents in bulk, with
varied Swedish text on a dozen information security topics: families of a riktlinje with rutiner
and stödanvisningar under it, and some policies; about a third internal, and one internal
riktlinje in twelve restricted (with its subtree) to a group the measured employee is not in.
The page rows are written straight into the tables, then added to the search index through the
backend in chunks, as `manage.py update_index` would, and the tables are VACUUMed and ANALYZEd,
as autovacuum would after a bulk load (as in bench/pages.py).

Two baselines (PostgreSQL only), both a table of every live document's title and text searched
with plainto_tsquery() of the same words, ranked by ts_rank() and LIMIT 20, with no visibility, no
compounds and no page to render:
- "uttryck" (expression): a GIN index on to_tsvector('swedish', title || ' ' || body); the vector
  is computed again for every matching row to rank it;
- "lagrad" (stored): the same vector kept in a tsvector column with a GIN index, ranked from the
  column: the fastest plain full-text search on this text, and the issue's "indexed tsquery".
The targets are checked against the stored one.

For each size it sends 25 realistic queries (inflections, compounds, several words, a phrase,
queries without å/ä/ö, a misspelling, a förvaltning, two diarienummer) through django.test.Client
to GET /sok/?q=… on the intranet, logged in as an employee, and on the public website, each
`--repeat` times after one warm-up, in rounds interleaved with the baselines (both baselines,
intranet, public), then 10 prefixes to /sok/forslag/ the same way. It prints p50 and p95 latency
in ms per size, page and channel, the ratio of each to the stored baseline's p50 and p95 at that
size and of p95 to the expression baseline's, the issue's target, and the SQL statements per
request (fewest–most). `--verbose` adds a line per query.

Exits with status 1 if a query that should find something finds nothing, a diarienummer does not
redirect, a prefix suggests nothing, or any request runs one SQL statement twice. The development
database is never touched. About four minutes on PostgreSQL.
"""

import argparse
import datetime
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

common.setup_django()

from bs4 import BeautifulSoup  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

INTRANET_HOST = settings.STYRDOK_INTRANET_HOSTNAME
PUBLIC_HOST = settings.STYRDOK_PUBLIC_HOSTNAME
SEARCH = "/sok/"
AUTOCOMPLETE = "/sok/forslag/"
CHUNK = 1000  # documents generated and indexed per transaction
KNOWN_DIARIENUMMER = "KS-2025-542"  # the first riktlinje's, public: the dnr queries go there

FORVALTNINGAR = common.FORVALTNINGAR

# What the generated documents are about: the subject of a riktlinje, rutiner and stödanvisningar
# under it, and sentences and requirements their bodies are drawn from.
TOPICS = [
    {
        "amne": "informationssäkerhet",
        "policy": "Informationssäkerhetspolicy",
        "riktlinje": ["Riktlinjer för informationssäkerhet", "Informationssäkerhetsriktlinjer"],
        "rutin": [
            "Rutin för årlig uppföljning av informationssäkerheten",
            "Rutin för säkerhetsgranskning av nya system",
        ],
        "stod": ["Stödanvisning för informationssäkerhet i vardagen"],
        "text": [
            "Informationssäkerheten omfattar konfidentialitet, riktighet och tillgänglighet.",
            "Varje förvaltning utser en kontaktperson för informationssäkerhetsfrågor.",
            "Säkerhetsarbetet följs upp årligen och redovisas för kommunstyrelsen.",
            "Riktlinjerna gäller även kommunens helägda bolag.",
        ],
        "krav": [
            "Chefer ska se till att medarbetarna känner till gällande riktlinjer.",
            "Avvikelser från riktlinjen ska beslutas av informationsägaren.",
        ],
    },
    {
        "amne": "incidenthantering",
        "policy": None,
        "riktlinje": ["Riktlinje för incidenthantering", "Riktlinje för hantering av incidenter"],
        "rutin": [
            "Rutin för rapportering av incidenter",
            "Rutin för incidenthantering utanför kontorstid",
            "Rutin för uppföljning efter allvarliga incidenter",
        ],
        "stod": ["Stödanvisning: checklista vid misstänkt dataintrång"],
        "text": [
            "En incident är en oönskad händelse som kan skada informationen eller verksamheten.",
            "Incidenter rapporteras till IT-servicedesk via telefon eller e-tjänsten.",
            "Allvarliga incidenter eskaleras till krisledningen och säkerhetschefen.",
            "Incidentrapporten beskriver förlopp, konsekvenser och vidtagna åtgärder.",
        ],
        "krav": [
            "Den som upptäcker en incident ska rapportera den utan dröjsmål.",
            "Varje allvarlig incident ska följas upp inom en månad.",
        ],
    },
    {
        "amne": "behörighetshantering",
        "policy": None,
        "riktlinje": ["Riktlinje för behörighetshantering", "Riktlinje för åtkomst till system"],
        "rutin": [
            "Rutin för beställning av behörigheter",
            "Rutin för behörighetsgenomgång",
            "Rutin för avslut av konton när anställningen upphör",
        ],
        "stod": ["Stödanvisning för behörighetsroller i verksamhetssystem"],
        "text": [
            "Behörigheter tilldelas efter arbetsuppgifter och aldrig mer än vad som behövs.",
            "Systemägaren beslutar om behörigheter och följer upp dem årligen.",
            "Konton som inte används spärras efter sex månader.",
            "Administratörsbehörighet kräver inloggning med två faktorer.",
        ],
        "krav": [
            "Behörigheter ska tas bort samma dag som anställningen upphör.",
            "Behörighetsgenomgången ska dokumenteras.",
        ],
    },
    {
        "amne": "lösenord",
        "policy": None,
        "riktlinje": ["Riktlinje för lösenord och inloggning"],
        "rutin": [
            "Rutin för återställning av lösenord",
            "Rutin för tvåfaktorsautentisering",
        ],
        "stod": ["Stödanvisning för lösenfraser", "Stödanvisning för lösenordshanterare"],
        "text": [
            "En lösenfras av flera vanliga ord är både säker och lätt att minnas.",
            "Lösenord får aldrig skickas med e-post eller skrivas på lappar.",
            "Servicedesken kontrollerar legitimation innan ett lösenord återställs.",
            "Samma lösenord får inte användas i privata tjänster.",
        ],
        "krav": [
            "Lösenordet ska ha minst fjorton tecken.",
            "Ett lösenord som kan ha röjts ska bytas omedelbart.",
        ],
    },
    {
        "amne": "kontinuitetsplanering",
        "policy": "Säkerhets- och beredskapspolicy",
        "riktlinje": ["Riktlinje för kontinuitetsplanering"],
        "rutin": [
            "Rutin för reservrutiner vid IT-avbrott",
            "Rutin för övning av kontinuitetsplanen",
        ],
        "stod": ["Stödanvisning: mall för kontinuitetsplan"],
        "text": [
            "Kontinuitetsplanen beskriver hur verksamheten fortsätter vid ett längre avbrott.",
            "Samhällsviktig verksamhet prioriteras vid brist på personal eller el.",
            "Reservrutinerna övas minst vartannat år.",
            "Krisledningen samlas när ett avbrott väntas bli långvarigt.",
        ],
        "krav": [
            "Varje verksamhet ska ha en aktuell kontinuitetsplan.",
            "Planen ska prövas efter varje större förändring.",
        ],
    },
    {
        "amne": "säkerhetskopiering",
        "policy": None,
        "riktlinje": ["Riktlinje för säkerhetskopiering och återställning"],
        "rutin": ["Rutin för återläsningstest", "Rutin för säkerhetskopiering av servrar"],
        "stod": ["Stödanvisning för att spara filer på rätt ställe"],
        "text": [
            "Säkerhetskopior tas varje natt och sparas på två platser.",
            "En kopia förvaras frånkopplad så att den inte kan krypteras vid ett angrepp.",
            "Återställning provas kvartalsvis i en separat miljö.",
            "Filer som sparas lokalt på datorn säkerhetskopieras inte.",
        ],
        "krav": [
            "Verksamhetskritiska system ska säkerhetskopieras dagligen.",
            "Misslyckade återläsningar ska rapporteras till systemägaren.",
        ],
    },
    {
        "amne": "molntjänster",
        "policy": None,
        "riktlinje": ["Riktlinje för molntjänster", "Riktlinje för användning av molntjänst"],
        "rutin": ["Rutin för riskbedömning av molntjänster"],
        "stod": ["Stödanvisning för överföring av personuppgifter till tredje land"],
        "text": [
            "Innan en molntjänst används görs en risk- och sårbarhetsanalys.",
            "Personuppgifter får föras till tredje land endast med stöd i lag.",
            "Avtalet reglerar hur data lämnas tillbaka när tjänsten avslutas.",
            "Leverantören redovisar var data lagras och vem som kan läsa den.",
        ],
        "krav": [
            "Varje molntjänst ska godkännas av systemägaren.",
            "Känsliga uppgifter ska krypteras innan de lämnar kommunens nät.",
        ],
    },
    {
        "amne": "personuppgiftsbehandling",
        "policy": "Dataskyddspolicy",
        "riktlinje": ["Riktlinje för behandling av personuppgifter"],
        "rutin": [
            "Rutin för personuppgiftsincidenter",
            "Rutin för registerutdrag",
            "Rutin för gallring av personuppgifter",
        ],
        "stod": ["Stödanvisning för personuppgiftsbiträdesavtal"],
        "text": [
            "Varje behandling av personuppgifter har en dokumenterad rättslig grund.",
            "Personuppgiftsincidenter anmäls till Integritetsskyddsmyndigheten inom 72 timmar.",
            "Den registrerade har rätt att få ett utdrag över sina uppgifter.",
            "Dataskyddsombudet ger råd och kontrollerar att reglerna följs.",
        ],
        "krav": [
            "Behandlingen ska föras in i registerförteckningen.",
            "Uppgifter som inte längre behövs ska gallras.",
        ],
    },
    {
        "amne": "informationsklassning",
        "policy": None,
        "riktlinje": ["Riktlinje för informationsklassning"],
        "rutin": ["Rutin för klassning av information i nya system"],
        "stod": ["Stödanvisning för informationskartläggning"],
        "text": [
            "Klassningen avgör vilken skyddsnivå informationen behöver.",
            "Informationsägaren klassar informationen tillsammans med verksamheten.",
            "Klassningen görs om när systemet eller informationen ändras.",
            "Skyddsnivåerna är låg, betydande och allvarlig skada.",
        ],
        "krav": [
            "All information ska klassas innan den hanteras i ett nytt system.",
            "Klassningen ska dokumenteras i kommunens verktyg.",
        ],
    },
    {
        "amne": "loggning",
        "policy": None,
        "riktlinje": ["Riktlinje för loggning och logguppföljning"],
        "rutin": ["Rutin för granskning av loggar i journalsystem"],
        "stod": ["Stödanvisning för logguppföljning"],
        "text": [
            "Loggarna visar vem som har läst eller ändrat uppgifter och när.",
            "Loggar sparas i två år och skyddas mot ändring.",
            "Enhetschefen granskar loggarna stickprovsvis varje månad.",
            "Misstänkt obehörig läsning utreds av verksamhetschefen.",
        ],
        "krav": [
            "Inloggningar och ändrade behörigheter ska loggas.",
            "Loggarna ska följas upp regelbundet.",
        ],
    },
    {
        "amne": "distansarbete",
        "policy": None,
        "riktlinje": ["Riktlinje för distansarbete och mobila enheter"],
        "rutin": ["Rutin för hantering av borttappade mobiltelefoner"],
        "stod": ["Stödanvisning för arbete på allmän plats"],
        "text": [
            "Den som arbetar hemifrån ansluter till kommunens nät via VPN.",
            "Skärmen låses när datorn lämnas obevakad.",
            "Samtal om enskilda ärenden förs inte där andra kan höra.",
            "Borttappade telefoner spärras och raderas på distans.",
        ],
        "krav": [
            "Mobila enheter ska hanteras i kommunens enhetshanteringssystem.",
            "Tjänstedatorn får inte lånas ut till familjemedlemmar.",
        ],
    },
    {
        "amne": "utbildning i informationssäkerhet",
        "policy": None,
        "riktlinje": ["Riktlinje för utbildning och medvetenhet"],
        "rutin": ["Rutin för nätfiskeövningar", "Rutin för introduktion av nyanställda"],
        "stod": ["Stödanvisning för att känna igen bedrägerimejl"],
        "text": [
            "Alla nyanställda genomgår grundutbildningen under första månaden.",
            "Nätfiskeövningar genomförs två gånger per år.",
            "Övningarna lär medarbetarna att känna igen nätfiske och falska inloggningssidor.",
            "Chefer får en fördjupad utbildning vartannat år.",
            "Korta filmer påminner om hur man känner igen bedrägerier.",
        ],
        "krav": [
            "Utbildningen ska genomföras av alla medarbetare.",
            "Resultaten ska redovisas per förvaltning.",
        ],
    },
    {
        "amne": "fysisk säkerhet",
        "policy": None,
        "riktlinje": ["Riktlinje för skalskydd och tillträde", "Riktlinje för fysisk säkerhet"],
        "rutin": ["Rutin för besökare", "Rutin för passerkort"],
        "stod": ["Stödanvisning för säker förvaring av handlingar"],
        "text": [
            "Fysisk säkerhet handlar om lås, larm och vem som har tillträde till lokalerna.",
            "Serverrum har larm, passerkontroll och brandskydd.",
            "Besökare hämtas i receptionen och följs av sin värd.",
            "Passerkort spärras när anställningen upphör.",
            "Handlingar med känsliga uppgifter låses in efter arbetsdagen.",
        ],
        "krav": [
            "Ytterdörrar ska vara låsta utanför öppettiderna.",
            "Förlorade passerkort ska anmälas samma dag.",
        ],
    },
    {
        "amne": "upphandling av IT-tjänster",
        "policy": "Upphandlingspolicy",
        "riktlinje": ["Riktlinje för krav på leverantörer", "Riktlinje för upphandling"],
        "rutin": ["Rutin för säkerhetskrav i förfrågningsunderlag"],
        "stod": ["Stödanvisning för leverantörsuppföljning"],
        "text": [
            "Säkerhetskraven utgår från informationens klassning.",
            "Leverantören redovisar hur den skyddar kommunens uppgifter.",
            "Avtalet följs upp årligen med leverantören.",
            "Upphandlingen görs i enlighet med lagen om offentlig upphandling.",
        ],
        "krav": [
            "Säkerhetskrav ska ställas i varje upphandling av IT-tjänster.",
            "Leverantörens underleverantörer ska godkännas i förväg.",
        ],
    },
]
COMMON = [
    "Dokumentet gäller alla medarbetare, chefer och förtroendevalda i kommunen.",
    "Frågor besvaras av informationssäkerhetsfunktionen.",
    "Dokumentet ses över årligen av den dokumentansvarige.",
    "Förvaltningen kan komplettera med lokala rutiner.",
]

# query, what it should do: "hits" (at least one result) or "redirect" (a diarienummer).
QUERIES = [
    ("riktlinje säkerhet", "hits"),
    ("informationssäkerhet", "hits"),
    ("riktlinjerna", "hits"),
    ("incidenthantering", "hits"),
    ("hantering av incidenter", "hits"),
    ("incident", "hits"),
    ("lösenfrasen", "hits"),
    ("lösenord", "hits"),
    ("molntjänsterna", "hits"),
    ("kontinuitetsplanen", "hits"),
    ("säkerhetskopiering", "hits"),
    ("sakerhetskopiering", "hits"),
    ("behorigheter", "hits"),
    ("behörigheterna", "hits"),
    ('"fysisk säkerhet"', "hits"),
    ("personuppgiftsincident", "hits"),
    ("arbeta hemifrån", "hits"),
    ("loggarna uppföljning", "hits"),
    ("klassning", "hits"),
    ("krav på leverantörer", "hits"),
    ("nätfiske", "hits"),
    ("informatonssäkerhet", "any"),  # misspelt: may find nothing, but must answer
    ("socialförvaltningen", "hits"),
    (KNOWN_DIARIENUMMER, "redirect"),
    ("KS 2025/542", "redirect"),
]
# What a reader has typed so far into the search box: word beginnings and a diarienummer.
AUTOCOMPLETE_PREFIXES = [
    "riktl",
    "informationss",
    "incid",
    "lösen",
    "rutin för beh",
    "kontinuitet",
    "molntj",
    "säkerhetsk",
    "passerk",
    "KS-2025-542",
]
# Below this many documents a topic may have no public document: "hits" is then not required.
HITS_REQUIRED_FROM = 1000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="200,2000,10000",
        help="Antal dokument att mäta vid, kommaseparerat och stigande (standard: 200,2000,10000).",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="Antal mätta anrop per sökfråga, kanal och storlek (standard: 3).",
    )
    parser.add_argument("--verbose", action="store_true", help="En rad per sökfråga.")
    args = parser.parse_args()
    try:
        args.sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    except ValueError:
        parser.error("--sizes ska vara heltal, t.ex. 200,2000,10000")
    if not args.sizes or any(s < 100 for s in args.sizes) or args.sizes != sorted(set(args.sizes)):
        parser.error("--sizes ska vara stigande och minst 100")
    if args.repeat < 1:
        parser.error("--repeat ska vara minst 1")
    return args


class Generator:
    """Adds live documents in bulk and indexes them; deterministic, so every run is the same.

    A family is a riktlinje directly under the register with two or three rutiner and
    stödanvisningar under it; every fifth family is preceded by a policy of its own.
    """

    def __init__(self):
        from governance.models import DecisionBody, Organisation
        from policies.models import (
            PolicyPage,
            RegisterPage,
            RiktlinjePage,
            RutinPage,
            StodanvisningPage,
        )

        self.rng = random.Random(542)
        self.today = timezone.localdate()
        self.register_id = RegisterPage.objects.get().pk
        self.bodies = {body.code: body for body in DecisionBody.objects.all()}
        kommun = Organisation.objects.create(name="Benchkommun", kind="kommun")
        self.organisations = [
            Organisation.objects.create(
                name=name, short_name=short, kind="forvaltning", parent=kommun
            )
            for name, short in FORVALTNINGAR
        ]
        self.secret = Group.objects.create(name="Sekretess socialtjänst")
        self.classes = {
            "policy": PolicyPage,
            "riktlinje": RiktlinjePage,
            "rutin": RutinPage,
            "stodanvisning": StodanvisningPage,
        }
        self.content_types = {
            name: ContentType.objects.get_for_model(cls) for name, cls in self.classes.items()
        }
        self.count = 0
        self.families = 0
        self.serial = 1000  # diarienummer serials; KNOWN_DIARIENUMMER's 542 is below them
        self.known_assigned = False

    # -- text ---------------------------------------------------------------------------------

    def _body(self, topic, organisation):
        rng = self.rng
        sentences = rng.sample(topic["text"], 3) + rng.sample(COMMON, 1)
        blocks = [
            {"type": "heading", "value": {"text": "Syfte", "level": "h2"}, "id": str(uuid.uuid4())},
            {
                "type": "paragraph",
                "value": f"<p>{' '.join(sentences[:2])}</p>",
                "id": str(uuid.uuid4()),
            },
            {"type": "heading", "value": {"text": "Krav", "level": "h2"}, "id": str(uuid.uuid4())},
        ]
        for text in topic["krav"]:
            blocks.append(
                {
                    "type": "requirement",
                    "value": {"reference": "", "text": f"<p>{text}</p>"},
                    "id": str(uuid.uuid4()),
                }
            )
        where = f" inom {organisation.name}" if organisation else ""
        blocks.append(
            {
                "type": "paragraph",
                "value": f"<p>{sentences[2]} {sentences[3]} Detta gäller{where}.</p>",
                "id": str(uuid.uuid4()),
            }
        )
        return blocks

    def _document(self, kind, title, topic, parent, publicity, body_code, organisation):
        rng = self.rng
        decided = self.today - datetime.timedelta(days=rng.randint(20, 1200))
        if kind == "riktlinje" and not self.known_assigned:
            diarienummer = KNOWN_DIARIENUMMER
            self.known_assigned = True
        else:
            self.serial += 1
            prefix = organisation.short_name if organisation else "KS"
            diarienummer = f"{prefix}-{decided.year}-{self.serial}"
        self.count += 1
        return {
            "kind": kind,
            "title": title,
            "parent": parent,
            "children": [],
            # As bench/common.py's documents: one internal riktlinje in twelve is restricted to
            # a group, which hides its whole subtree.
            "restricted": kind == "riktlinje" and publicity == "internal" and rng.random() < 1 / 12,
            "fields": {
                "document_type": "program" if kind == "policy" and rng.random() < 0.2 else kind,
                "decision_body": self.bodies[body_code],
                "decision_date": decided,
                "diarienummer": diarienummer,
                "valid_from": decided,
                "review_interval_months": 24,
                "next_review": decided + datetime.timedelta(days=730),
                "publicity": publicity,
                "version": rng.choice(["1.0", "1.1", "2.0"]),
                "organisation": organisation,
                "summary": f"{topic['text'][0]} {rng.choice(COMMON)}",
                "body": self._body(topic, organisation),
            },
        }

    def _family(self, limit):
        rng = self.rng
        index = self.families
        self.families += 1
        topic = TOPICS[index % len(TOPICS)]
        organisation = rng.choice([None, None, *self.organisations])
        documents = []
        if topic["policy"] and index % 5 == 0 and self.count + 2 <= limit:
            documents.append(
                self._document("policy", topic["policy"], topic, None, "public", "kf", None)
            )
        title = rng.choice(topic["riktlinje"])
        if organisation and rng.random() < 0.5:
            title = f"{title} inom {organisation.name}"
        # The first riktlinje carries KNOWN_DIARIENUMMER and is public, for the dnr queries.
        publicity = "public" if not self.known_assigned or rng.random() < 0.7 else "internal"
        riktlinje = self._document(
            "riktlinje",
            title,
            topic,
            None,
            publicity,
            rng.choice(["ks", "kommundirektor"]),
            organisation,
        )
        documents.append(riktlinje)
        for _ in range(rng.randint(2, 3)):
            if self.count >= limit:
                break
            kind = "rutin" if rng.random() < 0.7 else "stodanvisning"
            title = rng.choice(topic["rutin"] if kind == "rutin" else topic["stod"])
            child_org = organisation or rng.choice([None, *self.organisations])
            child = self._document(
                kind,
                title,
                topic,
                riktlinje,
                # A public document never sits under an internal one.
                "internal" if publicity == "internal" or rng.random() < 0.3 else "public",
                rng.choice(["kommundirektor", "stabschef", "forvaltningschef", "verksamhetschef"]),
                child_org,
            )
            riktlinje["children"].append(child)
            documents.append(child)
        return documents

    # -- rows -------------------------------------------------------------------------------

    @transaction.atomic
    def _chunk(self, limit):
        from wagtail.models import Page

        from policies.models import Styrdokument

        register = Page.objects.get(pk=self.register_id)
        documents = []
        while self.count < limit and len(documents) < CHUNK:
            documents += self._family(limit)
        top = [doc for doc in documents if doc["parent"] is None]
        published = timezone.now() - datetime.timedelta(days=10)
        pages = []
        for i, doc in enumerate(top):
            doc["path"] = Page._get_path(
                register.path, register.depth + 1, register.numchild + i + 1
            )
            doc["depth"] = register.depth + 1
            doc["url_path"] = register.url_path
            for j, child in enumerate(doc["children"]):
                child["path"] = Page._get_path(doc["path"], doc["depth"] + 1, j + 1)
                child["depth"] = doc["depth"] + 1
        in_order = top + [child for parent in top for child in parent["children"]]
        for n, doc in enumerate(in_order, start=1):
            slug = f"dokument-{self.count}-{n}"
            parent_url = doc["parent"]["url_path"] if doc["parent"] else register.url_path
            doc["url_path"] = f"{parent_url}{slug}/"
            page = Page(
                title=doc["title"],
                draft_title=doc["title"],
                slug=slug,
                content_type=self.content_types[doc["kind"]],
                path=doc["path"],
                depth=doc["depth"],
                numchild=len(doc["children"]),
                url_path=doc["url_path"],
                live=True,
                has_unpublished_changes=False,
                first_published_at=published,
                last_published_at=published,
                locale_id=register.locale_id,
                translation_key=uuid.uuid4(),
            )
            doc["page"] = page
            pages.append(page)
        Page.objects.bulk_create(pages)
        Page.objects.filter(pk=register.pk).update(numchild=models.F("numchild") + len(top))

        by_class = {}
        restricted = []
        for doc in documents:
            cls = self.classes[doc["kind"]]
            pk = doc["page"].pk
            document = cls(page_ptr_id=pk, styrdokument_ptr_id=pk, **doc["fields"])
            common.derive_saved_fields(document, doc["title"])
            by_class.setdefault(cls, []).append(document)
            if doc["restricted"]:
                restricted.append(
                    Styrdokument.restricted_to.through(styrdokument_id=pk, group=self.secret)
                )
        # Styrdokument and its subclasses are multi-table children of Page, which bulk_create
        # refuses; their rows are inserted table by table, as bulk_create would.
        everything = [document for group in by_class.values() for document in group]
        models.QuerySet(Styrdokument)._batched_insert(
            everything, fields=Styrdokument._meta.local_concrete_fields, batch_size=None
        )
        for cls, group in by_class.items():
            models.QuerySet(cls)._batched_insert(
                group, fields=cls._meta.local_concrete_fields, batch_size=None
            )
        Styrdokument.restricted_to.through.objects.bulk_create(restricted)
        return {cls: [document.pk for document in group] for cls, group in by_class.items()}

    def grow_to(self, total):
        while self.count < total:
            common.add_to_index(self._chunk(total))


def result_titles(content):
    soup = BeautifulSoup(content, "html.parser")
    items = soup.select("ol.search-results > li")
    return [li.find("a").get_text(" ", strip=True) for li in items if li.find("a")]


def did_you_mean(content):
    link = BeautifulSoup(content, "html.parser").select_one(".did-you-mean a")
    return link.get_text(" ", strip=True) if link else ""


# -- the baseline: plain PostgreSQL full-text search on the same text -------------------------

BASELINE_TABLE = "bench_search_baseline"
BASELINE_VECTOR = "to_tsvector('swedish', title || ' ' || body)"


def baseline_sql(vector):
    return (
        f"SELECT id, title FROM {BASELINE_TABLE} WHERE {vector} @@ plainto_tsquery('swedish', %s) "
        f"ORDER BY ts_rank({vector}, plainto_tsquery('swedish', %s)) DESC LIMIT 20"
    )


# label → (the row's name in the table, what it is, its SQL)
BASELINES = {
    "expression": (
        "Baslinje, uttryck",
        f"GIN-index på uttrycket {BASELINE_VECTOR}, ts_rank räknar om vektorn per rad",
        baseline_sql(BASELINE_VECTOR),
    ),
    "stored": (
        "Baslinje, lagrad",
        "lagrad tsvector-kolumn (samma vektor) med GIN-index, ts_rank på kolumnen",
        baseline_sql("vector"),
    ),
}
# The "indexed tsquery": the targets are ratios to this one.
TARGET_BASELINE = "stored"


def build_baseline():
    """A table of every live document's title and text (summary and body) with a GIN index
    on to_tsvector('swedish', title || ' ' || body), and the same vector stored in a column with
    a GIN index of its own: what a plain PostgreSQL full-text search needs, without visibility,
    stems of compounds or ranking by title. PostgreSQL only."""
    from policies.models import Styrdokument
    from policies.text import streamfield_text

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {BASELINE_TABLE}")
        cursor.execute(
            f"CREATE TABLE {BASELINE_TABLE} (id bigint PRIMARY KEY, title text, body text)"
        )
        rows = [
            (doc.pk, doc.title, f"{doc.summary or ''} {streamfield_text(doc.body)}")
            for doc in Styrdokument.objects.live().only("title", "summary", "body").iterator(2000)
        ]
        cursor.executemany(f"INSERT INTO {BASELINE_TABLE} VALUES (%s, %s, %s)", rows)
        cursor.execute(
            f"CREATE INDEX {BASELINE_TABLE}_gin ON {BASELINE_TABLE} USING gin ({BASELINE_VECTOR})"
        )
        # The same vector stored, for the second baseline.
        cursor.execute(f"ALTER TABLE {BASELINE_TABLE} ADD COLUMN vector tsvector")
        cursor.execute(f"UPDATE {BASELINE_TABLE} SET vector = {BASELINE_VECTOR}")
        cursor.execute(
            f"CREATE INDEX {BASELINE_TABLE}_vector ON {BASELINE_TABLE} USING gin (vector)"
        )
    # As autovacuum would after a bulk load: the planner's statistics and the visibility map,
    # for every table (the baseline's too), as bench/pages.py and bench/throughput.py do.
    common.vacuum_analyze()


def run_baseline(query, kind):
    with connection.cursor() as cursor:
        cursor.execute(BASELINES[kind][2], [query, query])
        return cursor.fetchall()


# -- the page baselines: the stored baseline served as a page ----------------------------------

BASELINE_PAGE = "/bench/sok/"
BASELINE_AUTOCOMPLETE = "/bench/forslag/"
BASELINE_PAGE_TEMPLATE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Sök: {{ query }}</title></head>
<body><main><h1>Sök</h1><p>{{ titles|length }} träffar för ”{{ query }}”</p>
<ol class="search-results">{% for id, title in titles %}
<li><a href="/dokument/{{ id }}/">{{ title }}</a></li>{% endfor %}</ol>
</main></body></html>
"""
# A prefix query on the stored vector, as /sok/forslag/'s index: every word, the last a prefix.
AUTOCOMPLETE_BASELINE_SQL = (
    f"SELECT id, title FROM {BASELINE_TABLE} WHERE vector @@ to_tsquery('swedish', %s) "
    "ORDER BY title LIMIT 8"
)


def baseline_page(request):
    """The stored baseline's query (ts_rank, LIMIT 20) for ?q=, its titles in a plain template:
    what plain PostgreSQL full-text search costs as a page, through the same middleware and
    client as /sok/ (issue 17's fair baseline for it)."""
    from django.http import HttpResponse
    from django.template import engines

    query = request.GET.get("q", "")
    titles = run_baseline(query, TARGET_BASELINE)
    template = engines["django"].from_string(BASELINE_PAGE_TEMPLATE)
    return HttpResponse(template.render({"query": query, "titles": titles}, request))


def baseline_autocomplete(request):
    """/sok/forslag/'s baseline: a prefix tsquery on the stored vector, titles as JSON."""
    import re

    from django.http import JsonResponse

    words = re.findall(r"[^\W_]+", request.GET.get("q", "").lower())
    if not words:
        return JsonResponse([], safe=False)
    tsquery = " & ".join([*words[:-1], f"{words[-1]}:*"])
    with connection.cursor() as cursor:
        cursor.execute(AUTOCOMPLETE_BASELINE_SQL, [tsquery])
        rows = cursor.fetchall()
    return JsonResponse(
        [{"title": title, "url": f"/dokument/{pk}/"} for pk, title in rows], safe=False
    )


def install_baseline_urls():
    """The project's URLconf with the two baseline views in front (this process only)."""
    import types
    from importlib import import_module

    from django.urls import clear_url_caches, path

    project = import_module(settings.ROOT_URLCONF)
    module = types.ModuleType("bench_search_urls")
    module.urlpatterns = [
        path(BASELINE_PAGE.strip("/") + "/", baseline_page),
        path(BASELINE_AUTOCOMPLETE.strip("/") + "/", baseline_autocomplete),
        *project.urlpatterns,
    ]
    for handler in ("handler400", "handler403", "handler404", "handler500"):
        if hasattr(project, handler):
            setattr(module, handler, getattr(project, handler))
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    clear_url_caches()


# -- measuring --------------------------------------------------------------------------------

TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")


def timed(call):
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


def statements(call):
    """The response of one more call, its SQL statements and how many of them repeat one
    before (transaction control aside)."""
    with CaptureQueriesContext(connection) as queries:
        response = call()
    sql = [q["sql"] for q in queries.captured_queries]
    sql = [s for s in sql if not s.upper().startswith(TRANSACTION_CONTROL)]
    return response, len(sql), len(sql) - len(set(sql))


# A statement of the search itself: it reads the full-text match (PostgreSQL's @@, FTS5's MATCH).
SEARCH_SQL_MARKERS = ("@@", " MATCH ")


class SearchSQLTimer:
    """A database execute wrapper: the time the statements matching the full text take, per
    request (`start()` before each)."""

    def __init__(self):
        self.elapsed = 0.0

    def start(self):
        self.elapsed = 0.0

    def __call__(self, execute, sql, params, many, context):
        if not any(marker in sql for marker in SEARCH_SQL_MARKERS):
            return execute(sql, params, many, context)
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.elapsed += (time.perf_counter() - start) * 1000


def page_label(label):
    return f"sida:{label}"


def measure_query(channels, query, repeat, baseline):
    """Interleaved rounds for one query: the baselines (the bare queries, then the page
    baseline on each channel), then /sok/ on each channel; then the statements and hits of one
    more request per channel. {label: result} plus one per baseline (BASELINES' keys) and one
    per channel's page baseline (page_label()). /sok/'s results carry `sql`, the time its
    full-text statements took in each timed call."""
    calls = {}
    if baseline:
        calls.update({kind: (lambda k=kind: run_baseline(query, k)) for kind in BASELINES})
        calls.update(
            {
                page_label(label): (
                    lambda c=client, h=host: c.get(BASELINE_PAGE, {"q": query}, HTTP_HOST=h)
                )
                for label, client, host in channels
            }
        )
    calls.update(
        {
            label: (lambda c=client, h=host: c.get(SEARCH, {"q": query}, HTTP_HOST=h))
            for label, client, host in channels
        }
    )
    for call in calls.values():
        call()  # warm-up
    timer = SearchSQLTimer()
    timings = {label: [] for label in calls}
    sql_timings = {label: [] for label, _client, _host in channels}
    with connection.execute_wrapper(timer):
        for _ in range(repeat):
            for label, call in calls.items():
                timer.start()
                timings[label].append(timed(call)[0])
                if label in sql_timings:
                    sql_timings[label].append(timer.elapsed)
    results = {kind: {"timings": timings.get(kind, [])} for kind in BASELINES}
    for label, _client, _host in channels:
        results[page_label(label)] = {"timings": timings.get(page_label(label), [])}
        response, count, repeated = statements(calls[label])
        results[label] = {
            "timings": timings[label],
            "sql": sql_timings[label],
            "response": response,
            "queries": count,
            "repeated": repeated,
        }
    return results


def check(result, expect, redirect_to):
    """A Swedish description of what is wrong with a /sok/ answer, or None; and its hits."""
    response = result["response"]
    hits = result_titles(response.content) if response.status_code == 200 else []
    suggestion = did_you_mean(response.content) if response.status_code == 200 else ""
    result["hits"] = len(hits)
    result["status"] = response.status_code
    result["first"] = (
        hits[0]
        if hits
        else response.get("Location", "") or (f"Menade du: {suggestion}" if suggestion else "")
    )
    if expect == "redirect" and response.status_code != 302:
        return f"svarade {response.status_code}, inte en omdirigering"
    if expect == "redirect" and urlsplit(response["Location"]).path != redirect_to:
        return f"ledde till {response['Location']}, inte {redirect_to}"
    if expect != "redirect" and response.status_code != 200:
        return f"svarade {response.status_code}, inte 200"
    if expect == "hits" and not hits:
        return "inga träffar"
    if result["repeated"]:
        return f"{result['repeated']} SQL-frågor ställdes två gånger"
    return None


def measure_autocomplete(channels, prefix, repeat, baseline):
    """As measure_query for /sok/forslag/, interleaved with its baseline page on each channel
    (page_label())."""
    calls = {}
    if baseline:
        calls.update(
            {
                page_label(label): (
                    lambda c=client, h=host: c.get(
                        BASELINE_AUTOCOMPLETE, {"q": prefix}, HTTP_HOST=h
                    )
                )
                for label, client, host in channels
            }
        )
    calls.update(
        {
            label: (lambda c=client, h=host: c.get(AUTOCOMPLETE, {"q": prefix}, HTTP_HOST=h))
            for label, client, host in channels
        }
    )
    for call in calls.values():
        call()
    timings = {label: [] for label in calls}
    for _ in range(repeat):
        for label, call in calls.items():
            timings[label].append(timed(call)[0])
    results = {}
    for label, _client, _host in channels:
        response, count, repeated = statements(calls[label])
        results[label] = {
            "timings": timings[label],
            "queries": count,
            "repeated": repeated,
            "found": len(response.json()) if response.status_code == 200 else -1,
        }
        results[page_label(label)] = {"timings": timings.get(page_label(label), [])}
    return results


def percentile(values, fraction):
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(fraction * 100) - 1]


def measure_size(size, channels, args, known_path, problems):
    """Every query and prefix at one size: {(kind, label): [results]}."""
    baseline = connection.vendor == "postgresql"
    if baseline:
        build_baseline()
    rows = {}
    for query, expect in QUERIES:
        measured = measure_query(channels, query, args.repeat, baseline)
        for kind, (label, _what, _sql) in BASELINES.items():
            if baseline:
                rows.setdefault(("baseline", label), []).append(measured[kind])
        for label, _client, _host in channels:
            if baseline:
                rows.setdefault(("sida", label), []).append(measured[page_label(label)])
            result = measured[label]
            if expect == "hits" and size < HITS_REQUIRED_FROM:
                expect = "any"
            problem = check(result, expect, known_path)
            if problem:
                problems.append(f"N={size}, {label}, {query!r}: {problem}")
            rows.setdefault(("sok", label), []).append(result)
            if args.verbose:
                print(
                    f"  {label:<20} {query:<28} p50 {statistics.median(result['timings']):7.1f} "
                    f"ms {result['queries']:>2} frågor  {result['status']}  "
                    f"{result['hits']:>2} träffar  {result['first'][:60]}",
                    flush=True,
                )
    for prefix in AUTOCOMPLETE_PREFIXES:
        measured = measure_autocomplete(channels, prefix, args.repeat, baseline)
        for label, _client, _host in channels:
            if baseline:
                rows.setdefault(("forslag-sida", label), []).append(measured[page_label(label)])
            result = measured[label]
            if result["found"] < 1:
                problems.append(f"N={size}, {label}, förslag {prefix!r}: inga förslag")
            if result["repeated"]:
                problems.append(
                    f"N={size}, {label}, förslag {prefix!r}: {result['repeated']} SQL-frågor "
                    "ställdes två gånger"
                )
            rows.setdefault(("forslag", label), []).append(result)
    return rows


def main():
    args = parse_args()
    from policies.models import Styrdokument

    vendor = connection.vendor
    install_baseline_urls()
    old_name = common.start_database()
    table = {}
    problems = []
    started = time.perf_counter()
    try:
        generator = Generator()
        employee = get_user_model().objects.create_user(
            "anstalld", first_name="Anna", last_name="Anställd"
        )
        intranet = Client()
        intranet.force_login(employee)
        public = Client()
        channels = [
            ("Intranät (inloggad)", intranet, INTRANET_HOST),
            ("Extern", public, PUBLIC_HOST),
        ]

        for size in args.sizes:
            start = time.perf_counter()
            generator.grow_to(size)
            generated = time.perf_counter() - start
            live = Styrdokument.objects.live()
            total, public_total = live.count(), live.filter(publicity="public").count()
            print(
                f"N={size}: {total} dokument ({public_total} offentliga) genererade och "
                f"indexerade på {generated:.1f} s; mäter {len(QUERIES)} sökfrågor och "
                f"{len(AUTOCOMPLETE_PREFIXES)} förslag × {args.repeat} anrop per kanal …",
                flush=True,
            )
            if total != size:
                raise SystemExit(f"{total} publicerade dokument, väntat {size}")
            known_path = live.get(diarienummer=KNOWN_DIARIENUMMER).get_url_parts()[2]
            table[size] = measure_size(size, channels, args, known_path, problems)
    finally:
        common.drop_database(old_name)

    print_table(args, table, vendor)
    print(f"\nTotal tid: {time.perf_counter() - started:.0f} s")
    if problems:
        print("\nFEL:")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print(
        "\nOK: sökfrågorna gav träffar (felstavningen får sakna), diarienumren ledde till "
        "sitt dokument, varje förslag hittade något och ingen SQL-fråga ställdes två gånger."
    )
    return 0


KINDS = {
    "baseline": "Baslinje",
    "sida": "Sidbaslinje",
    "sok": "/sok/",
    "forslag-sida": "Förslagsbaslinje",
    "forslag": "/sok/forslag/",
}
# issue 17: p95 at most this many times the page baseline's (the same kind of page, channel, N)
TARGETS = {"sok": 3.0, "forslag": 1.5}
PAGE_BASELINE_OF = {"sok": "sida", "forslag": "forslag-sida"}


def print_table(args, table, vendor):
    print()
    print(
        f"/sok/ ({len(QUERIES)} sökfrågor) och /sok/forslag/ ({len(AUTOCOMPLETE_PREFIXES)} "
        f"prefix), {args.repeat} anrop var per storlek och kanal, varvade med baslinjerna; latens "
        f"i ms; databas: {vendor}."
    )
    if vendor != "postgresql":
        print("  Baslinjerna mäts bara på PostgreSQL: inga kvoter.")
    for label, what, sql in BASELINES.values():
        print(f"  {label}: {what}: {sql.replace('%s', '<orden>')}")
    print(
        f"  {KINDS['sida']}: {BASELINE_PAGE}?q=…, en Django-vy genom samma middleware och klient "
        f"som /sok/ som kör {BASELINES[TARGET_BASELINE][0].lower()}s fråga och ritar titlarna i "
        f"en enkel mall. {KINDS['forslag-sida']}: {BASELINE_AUTOCOMPLETE}?q=…, samma för "
        f"prefixfrågan {AUTOCOMPLETE_BASELINE_SQL.replace('%s', '<ord & prefix:*>')}, som JSON."
    )
    print(
        "  ×sida p95: kvoten mot sidbaslinjens p95 i samma kanal (målen gäller den); ×lagr p95 "
        f"och ×uttr p95 mot {BASELINES[TARGET_BASELINE][0].lower()}s och "
        f"{BASELINES['expression'][0].lower()}s p95. Sök-SQL: tiden för /sok/:s "
        "fulltextfrågor (de med @@) per anrop, och dess p95 mot den lagrade baslinjens."
    )
    header = (
        f"{'Sida':<17} {'Kanal':<20} {'N':>6} {'p50':>7} {'p95':>7} {'×sida p95':>9} {'mål':>5} "
        f"{'×lagr p95':>9} {'×uttr p95':>9} {'sök-SQL p50':>11} {'p95':>6} {'×lagr':>6} "
        f"{'SQL/anrop':>9}"
    )
    print(header)
    print("-" * len(header))
    for size, rows in table.items():
        baselines = {}
        for kind, (label, _what, _sql) in BASELINES.items():
            base = [t for row in rows.get(("baseline", label), []) for t in row["timings"]]
            baselines[kind] = (percentile(base, 0.5), percentile(base, 0.95)) if base else None
        for (kind, label), results in rows.items():
            page = rows.get((PAGE_BASELINE_OF.get(kind), label))
            print(table_row(kind, label, size, results, baselines, page))


def sql_range(results):
    counts = [row["queries"] for row in results if "queries" in row]
    if not counts:
        return "–"
    return f"{min(counts)}–{max(counts)}" if min(counts) != max(counts) else str(counts[0])


def table_row(kind, label, size, results, baselines, page=None):
    """One line: p50 and p95, p95's ratio to the page baseline's (same kind, channel and size:
    the target), to the stored and the expression baseline's, the time of /sok/'s full-text
    statements and its p95's ratio to the stored baseline's, and the SQL statements per
    request."""
    timings = [t for row in results for t in row["timings"]]
    p50, p95 = percentile(timings, 0.5), percentile(timings, 0.95)
    page95 = stored95 = expression95 = sql50 = sql95 = sql_ratio = ""
    stored, expression = baselines.get(TARGET_BASELINE), baselines.get("expression")
    page_timings = [t for row in page or [] for t in row["timings"]]
    if page_timings:
        page95 = f"{p95 / percentile(page_timings, 0.95):.1f}"
    if stored and kind not in ("baseline",):
        stored95 = f"{p95 / stored[1]:.1f}"
    if expression and kind not in ("baseline",):
        expression95 = f"{p95 / expression[1]:.1f}"
    sql = [t for row in results for t in row.get("sql", [])]
    if sql:
        sql50, sql95 = f"{percentile(sql, 0.5):.1f}", f"{percentile(sql, 0.95):.1f}"
        if stored:
            sql_ratio = f"{percentile(sql, 0.95) / stored[1]:.1f}"
    target = f"≤{TARGETS[kind]:g}" if kind in TARGETS else ""
    return (
        f"{KINDS[kind]:<17} {label:<20} {size:>6} {p50:>7.1f} {p95:>7.1f} {page95:>9} "
        f"{target:>5} {stored95:>9} {expression95:>9} {sql50:>11} {sql95:>6} {sql_ratio:>6} "
        f"{sql_range(results):>9}"
    )


if __name__ == "__main__":
    sys.exit(main())
