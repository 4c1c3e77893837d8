"""Benchmark the register and a document page at growing document counts.

    .venv/bin/python bench/pages.py [--sizes 200,2000] [--repeat 30]

Creates a throwaway test database (SQLite in memory, or test_<name> on the PostgreSQL server that
DATABASE_URL points at), runs setup_styrdok, generates live documents with realistic metadata and
measures, for each size, the median latency of django.test.Client requests and the number of SQL
queries per request for:

* the register (/styrdokument/) on the intranet, logged in as an employee and as an editor, and
  on the public site, anonymous; and filtered to policies, which lists fewer documents than a
  page at 200 and a full page at 2000, so a query per listed document changes the count;
* one document page (a riktlinje with rutiner under it) on both channels.

Exits with status 1 if a page's query count changes between sizes: the number of queries must not
grow with the number of documents. The development database is never touched.
"""

import argparse
import datetime
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

common.setup_django()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

INTRANET_HOST = settings.STYRDOK_INTRANET_HOSTNAME
PUBLIC_HOST = settings.STYRDOK_PUBLIC_HOSTNAME

# One family: a policy, three riktlinjer under it and two rutiner under each riktlinje.
RIKTLINJER_PER_POLICY = 3
RUTINER_PER_RIKTLINJE = 2

FORVALTNINGAR = common.FORVALTNINGAR
TOPICS = [
    "Informationssäkerhet",
    "Informationsklassning",
    "Behörighetshantering",
    "Incidenthantering",
    "Kontinuitetsplanering",
    "Säkerhetskopiering",
    "Molntjänster",
    "Personuppgiftsbehandling",
    "Upphandling av IT-tjänster",
    "Mobila enheter",
    "Loggning och uppföljning",
    "Utbildning i informationssäkerhet",
]
TARGET_GROUPS = ["Alla medarbetare", "Chefer", "Förtroendevalda", "Systemägare"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="200,2000",
        help="Antal dokument att mäta vid, kommaseparerat och stigande (standard: 200,2000).",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=30,
        help="Antal mätta anrop per sida och storlek (standard: 30).",
    )
    args = parser.parse_args()
    try:
        args.sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    except ValueError:
        parser.error("--sizes ska vara heltal, t.ex. 200,2000")
    if not args.sizes or any(s < 30 for s in args.sizes) or args.sizes != sorted(set(args.sizes)):
        parser.error("--sizes ska vara stigande och minst 30 (registret visar 25 per sida)")
    if args.repeat < 1:
        parser.error("--repeat ska vara minst 1")
    return args


class Generator:
    """Adds live documents family by family; deterministic, so every run builds the same tree."""

    def __init__(self):
        from governance.models import DecisionBody, LisArea, Organisation, Role, TargetGroup
        from policies.models import RegisterPage

        User = get_user_model()
        self.today = timezone.localdate()
        self.register = RegisterPage.objects.get()
        self.bodies = {body.code: body for body in DecisionBody.objects.all()}
        self.lis_areas = list(LisArea.objects.order_by("number"))
        self.roles = list(Role.objects.all())
        kommun = Organisation.objects.create(name="Benchkommun", kind="kommun")
        self.organisations = [
            Organisation.objects.create(
                name=name, short_name=short, kind="forvaltning", parent=kommun
            )
            for name, short in FORVALTNINGAR
        ]
        self.target_groups = [TargetGroup.objects.create(name=name) for name in TARGET_GROUPS]
        self.owners = [
            User.objects.create_user(
                f"agare{i}", first_name="Dokument", last_name=f"Ägare {i}", password=None
            )
            for i in range(1, 6)
        ]
        self.count = 0
        self.families = 0
        self.documents = []  # the pages of the current batch, for their adopted versions

    def _metadata(self, rng, document_type, body_code, organisation, publicity):
        decision_date = self.today - datetime.timedelta(days=rng.randint(20, 1000))
        interval = rng.choice([12, 12, 24, 36])
        year = decision_date.year
        central = body_code in ("kf", "ks", "kommundirektor") or organisation is None
        prefix = "KS" if central else organisation.short_name
        return {
            "document_type": document_type,
            "decision_body": self.bodies[body_code],
            "decision_date": decision_date,
            "protocol_paragraph": rng.randint(1, 250) if body_code in ("kf", "ks") else None,
            "diarienummer": f"{prefix}-{year}-{rng.randint(1, 999)}",
            "valid_from": decision_date + datetime.timedelta(days=rng.randint(0, 30)),
            "review_interval_months": interval,
            "publicity": publicity,
            "version": rng.choice(["1.0", "1.1", "2.0", "3.0"]),
            "organisation": organisation,
            "responsible": rng.choice(self.owners),
            "responsible_role": rng.choice(self.roles),
            "contact_name": "Informationssäkerhetsfunktionen",
            "contact_email": "informationssakerhet@benchkommun.se",
            "summary": (
                "Dokumentet beskriver hur kommunen arbetar med området och vilka krav som "
                "gäller för medarbetare, chefer och systemägare."
            ),
        }

    def _body(self, rng, topic):
        blocks = [
            {"type": "heading", "value": {"text": "Syfte", "level": "h2"}},
            {"type": "paragraph", "value": f"<p>Dokumentet reglerar {topic.lower()}.</p>"},
            {"type": "heading", "value": {"text": "Krav", "level": "h2"}},
        ]
        for n in range(rng.randint(3, 8)):
            blocks.append(
                {
                    "type": "requirement",
                    "value": {"reference": "", "text": f"<p>Krav {n + 1} ska följas.</p>"},
                }
            )
        blocks.append(
            {
                "type": "legal_reference",
                "value": {
                    "title": "Dataskyddsförordningen",
                    "designation": "(EU) 2016/679",
                    "url": "",
                },
            }
        )
        return blocks

    def _add(self, parent, cls, title, slug, rng, topic, **metadata):
        page = cls(title=title, slug=slug, body=self._body(rng, topic), live=False, **metadata)
        page.lis_areas = rng.sample(self.lis_areas, rng.randint(1, 3))
        page.target_groups = rng.sample(self.target_groups, rng.randint(1, 2))
        published = timezone.make_aware(
            datetime.datetime.combine(metadata["decision_date"], datetime.time(9))
        )
        parent.add_child(instance=page)
        # Raw benchmark data: flipped live with an update, which the model's decision rule
        # (Styrdokument.save) does not see; the AdoptedVersion rows are bulk-created below.
        type(page).objects.filter(pk=page.pk).update(
            live=True,
            has_unpublished_changes=False,
            first_published_at=published,
            last_published_at=published,
        )
        page.live = True
        page.has_unpublished_changes = False
        page.first_published_at = page.last_published_at = published
        self.count += 1
        self.documents.append(page)
        return page

    def _family(self, limit):
        from policies.models import PolicyPage, RiktlinjePage, RutinPage

        index = self.families
        self.families += 1
        rng = random.Random(index)
        topic = TOPICS[index % len(TOPICS)]
        number = index + 1
        organisation = rng.choice([None, *self.organisations])
        policy = self._add(
            self.register,
            PolicyPage,
            f"Policy för {topic.lower()} {number}",
            f"policy-{number}",
            rng,
            topic,
            **self._metadata(rng, rng.choice(["policy", "program"]), "kf", None, "public"),
        )
        for r in range(1, RIKTLINJER_PER_POLICY + 1):
            if self.count >= limit:
                return
            # The first riktlinje of every family is public, so the measured page exists on
            # both channels.
            publicity = "public" if r == 1 or rng.random() < 0.6 else "internal"
            riktlinje = self._add(
                policy,
                RiktlinjePage,
                f"Riktlinje för {topic.lower()} {number}.{r}",
                f"riktlinje-{number}-{r}",
                rng,
                topic,
                **self._metadata(
                    rng, "riktlinje", rng.choice(["ks", "kommundirektor"]), organisation, publicity
                ),
            )
            for u in range(1, RUTINER_PER_RIKTLINJE + 1):
                if self.count >= limit:
                    return
                self._add(
                    riktlinje,
                    RutinPage,
                    f"Rutin för {topic.lower()} {number}.{r}.{u}",
                    f"rutin-{number}-{r}-{u}",
                    rng,
                    topic,
                    **self._metadata(
                        rng,
                        "rutin",
                        rng.choice(
                            ["kommundirektor", "stabschef", "forvaltningschef", "verksamhetschef"]
                        ),
                        rng.choice(self.organisations),
                        "public" if r == 1 or rng.random() < 0.5 else "internal",
                    ),
                )

    @transaction.atomic
    def grow_to(self, total):
        from policies.models import AdoptedVersion

        self.documents = []
        while self.count < total:
            self._family(total)
        AdoptedVersion.objects.bulk_create(
            AdoptedVersion(
                document=page,
                title=page.title,
                version=page.version,
                decision_body_name=page.decision_body.name,
                decision_date=page.decision_date,
                diarienummer=page.diarienummer,
                protocol_paragraph=page.protocol_paragraph,
                publicity=page.publicity,
                adopted_at=page.first_published_at,
            )
            for page in self.documents
        )


RESULT_COUNT = re.compile(r'class="result-count"[^>]*>\s*(\d+)')


def measure(client, path, host, repeat):
    """Median and spread of `repeat` requests after one warm-up, and the queries of one request."""
    response = client.get(path, HTTP_HOST=host)  # warm-up: site root paths, templates, settings
    if response.status_code != 200:
        raise SystemExit(f"{host}{path} svarade {response.status_code}, inte 200")
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path, HTTP_HOST=host)
        timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{host}{path} svarade {response.status_code}, inte 200")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, HTTP_HOST=host)
    return {
        "median": statistics.median(timings),
        "p90": statistics.quantiles(timings, n=10, method="inclusive")[-1]
        if len(timings) > 1
        else timings[0],
        "queries": len(queries.captured_queries),
        "content": response.content.decode(),
    }


def main():
    args = parse_args()
    from policies.models import RiktlinjePage, Styrdokument

    vendor = connection.vendor
    old_name = common.start_database()
    try:
        generator = Generator()
        User = get_user_model()
        employee = User.objects.create_user("anstalld", first_name="Anna", last_name="Anställd")
        editor = User.objects.create_user("redaktor", first_name="Rut", last_name="Redaktör")
        editor.groups.add(Group.objects.get(name="Redaktörer"))

        intranet = Client()
        intranet.force_login(employee)
        editor_client = Client()
        editor_client.force_login(editor)
        public = Client()

        results = {}
        for size in args.sizes:
            start = time.perf_counter()
            generator.grow_to(size)
            generated = time.perf_counter() - start
            live = Styrdokument.objects.live()
            total, public_total = live.count(), live.filter(publicity="public").count()
            policies = live.filter(document_type="policy").count()
            print(
                f"N={size}: {total} dokument ({public_total} offentliga) "
                f"på {generated:.1f} s; mäter {args.repeat} anrop per sida …",
                flush=True,
            )
            document = RiktlinjePage.objects.live().order_by("path").first()
            document_path = document.url_path.removeprefix(generator.register.get_parent().url_path)
            document_path = "/" + document_path.lstrip("/")
            register = "/styrdokument/"
            cases = [
                ("Registret, intranät (inloggad)", intranet, register, INTRANET_HOST, total),
                ("Registret, intranät (redaktör)", editor_client, register, INTRANET_HOST, total),
                ("Registret, extern (anonym)", public, register, PUBLIC_HOST, public_total),
                # Fewer rows than a page at the smaller size and a full page at the larger one,
                # so a query per listed document would show up as a different count.
                (
                    "Registret, typ=policy, intranät",
                    intranet,
                    register + "?typ=policy",
                    INTRANET_HOST,
                    policies,
                ),
                ("Dokumentsida, intranät (inloggad)", intranet, document_path, INTRANET_HOST, None),
                ("Dokumentsida, extern (anonym)", public, document_path, PUBLIC_HOST, None),
            ]
            for label, client, path, host, expected in cases:
                result = measure(client, path, host, args.repeat)
                if expected is not None:
                    match = RESULT_COUNT.search(result["content"])
                    shown = int(match.group(1)) if match else None
                    if shown != expected:
                        raise SystemExit(
                            f"{label}: registret visar {shown} dokument, väntat {expected}"
                        )
                elif document.title not in result["content"]:
                    raise SystemExit(f"{label}: {path} visar inte {document.title!r}")
                results[(label, size)] = result
        labels = list(dict.fromkeys(label for label, _size in results))
    finally:
        common.drop_database(old_name)

    print_table(labels, args.sizes, results, args.repeat, vendor)
    failures = [
        label
        for label in labels
        if len({results[(label, size)]["queries"] for size in args.sizes}) > 1
    ]
    if failures:
        print("\nFEL: antalet SQL-frågor växer med antalet dokument för:")
        for label in failures:
            counts = ", ".join(f"N={s}: {results[(label, s)]['queries']}" for s in args.sizes)
            print(f"  {label} ({counts})")
        return 1
    print("\nOK: antalet SQL-frågor per sida är detsamma vid alla storlekar.")
    return 0


def print_table(labels, sizes, results, repeat, vendor):
    width = max(len(label) for label in labels)
    print()
    print(f"Median och p90 av {repeat} anrop (ms), SQL-frågor per anrop; databas: {vendor}")
    header = f"{'Sida':<{width}}"
    for size in sizes:
        header += f" | {'N=' + str(size):>8} {'p90':>7} {'frågor':>6}"
    print(header)
    print("-" * len(header))
    for label in labels:
        row = f"{label:<{width}}"
        for size in sizes:
            r = results[(label, size)]
            row += f" | {r['median']:>8.1f} {r['p90']:>7.1f} {r['queries']:>6}"
        print(row)


if __name__ == "__main__":
    sys.exit(main())
