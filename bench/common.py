"""What the benchmarks share: Django on the test settings, a throwaway database, a fast bulk
builder of live documents, a bare Wagtail page to compare against, an interleaved timer and the
printer of "figure | baseline | ratio | queries" rows.

Each script runs as `.venv/bin/python bench/<name>.py`, so this module is importable as
`common`; `setup_django()` must run before anything imports a model.

Timings on a shared machine drift by tens of percent within a minute, so a figure on its own
says little. Every page is therefore timed alternately with the same client's request for a bare
`wagtailcore.Page` on the same site, round after round, and the figure that counts is the median
of the per-round ratios: a slow minute slows both sides of a pair.
"""

import datetime
import gc
import os
import random
import statistics
import sys
import time
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

FORVALTNINGAR = [
    ("Kommunledningsförvaltningen", "KLF"),
    ("Barn- och utbildningsförvaltningen", "BUF"),
    ("Socialförvaltningen", "SOC"),
    ("Samhällsbyggnadsförvaltningen", "SBF"),
    ("Kultur- och fritidsförvaltningen", "KFF"),
    ("Vård- och omsorgsförvaltningen", "VOF"),
]
TOPICS = [
    "informationssäkerhet",
    "informationsklassning",
    "behörighetshantering",
    "incidenthantering",
    "kontinuitetsplanering",
    "säkerhetskopiering",
    "molntjänster",
    "personuppgiftsbehandling",
    "upphandling av IT-tjänster",
    "mobila enheter",
    "loggning och uppföljning",
    "utbildning i informationssäkerhet",
]
TARGET_GROUPS = ["Alla medarbetare", "Chefer", "Förtroendevalda", "Systemägare"]
BARE_SLUG = "bar-sida"


def setup_django():
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "styrdok.settings.test")
    # WhiteNoise warns once per process that STATIC_ROOT has not been collected; irrelevant here.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()


def start_database():
    """A new test database (SQLite in memory, or test_<name> on the server DATABASE_URL names)
    with setup_styrdok's baseline; returns what `drop_database` needs. The development database
    is never touched."""
    from django.core.management import call_command
    from django.db import connection

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"Databas: {connection.vendor} ({connection.settings_dict['NAME']})", flush=True)
    call_command("setup_styrdok", verbosity=0)
    return old_name


def drop_database(old_name):
    from django.db import connection

    connection.creation.destroy_test_db(old_name, verbosity=0)


def parse_sizes(parser, text, minimum):
    """Ascending, distinct document counts from "200,2000,10000"; a usage error otherwise."""
    try:
        sizes = [int(size) for size in text.split(",") if size.strip()]
    except ValueError:
        parser.error("--sizes ska vara heltal, t.ex. 200,2000,10000")
    if not sizes or any(s < minimum for s in sizes) or sizes != sorted(set(sizes)):
        parser.error(f"--sizes ska vara stigande och minst {minimum}")
    return sizes


# -- the bare page ----------------------------------------------------------------------------


def add_bare_page():
    """A plain `wagtailcore.Page` under the home page, so on both sites: Wagtail's own serving
    with nothing of Styrdok's but the middleware. Returns its path."""
    from wagtail.models import Page

    from policies.models import HomePage

    if not Page.objects.filter(slug=BARE_SLUG).exists():
        HomePage.objects.get().add_child(instance=Page(title="Bar sida", slug=BARE_SLUG, live=True))
    return f"/{BARE_SLUG}/"


# -- documents in bulk ------------------------------------------------------------------------


@dataclass
class Node:
    """A document before it has rows: its fields, its children and, once placed, its page."""

    kind: str
    title: str
    fields: dict
    lis_areas: list
    target_groups: list
    restricted: bool = False
    showcase: bool = False
    children: list = field(default_factory=list)
    page: object = None


class DocumentBuilder:
    """Adds live documents with full metadata, thousands per second, deterministically.

    The page rows are written straight into the tables (treebeard paths, depth, numchild and
    url_path computed here), as `add_child` would leave them but without a query per page:
    10,000 documents take seconds on PostgreSQL. A family is a policy (or program) with three
    riktlinjer under it and two rutiner or stödanvisningar under each, or a riktlinje directly
    under the register with three children. About a third of the riktlinjer and rutiner are
    internal, one internal riktlinje in twelve is restricted to a group (its subtree with it), a
    fifth of the documents are overdue or due for revision, one in fifty has no owner, and each
    has an adopted version. The first family's first riktlinje is public with public children:
    `showcase` is it, the document page the benchmarks measure.
    """

    CHUNK = 2000  # documents per transaction

    def __init__(self, seed=17, index=False):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.contrib.contenttypes.models import ContentType

        from governance.models import DecisionBody, LisArea, Organisation, Role, TargetGroup
        from policies.models import (
            PolicyPage,
            RegisterPage,
            RiktlinjePage,
            RutinPage,
            StodanvisningPage,
        )

        User = get_user_model()
        self.rng = random.Random(seed)
        self.index = index
        self.today = datetime.date.today()
        self.register_id = RegisterPage.objects.get().pk
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
        self.target_groups = [
            TargetGroup.objects.get_or_create(name=name)[0] for name in TARGET_GROUPS
        ]
        self.owners = [
            User.objects.create_user(
                f"agare{i}",
                email=f"agare{i}@benchkommun.se",
                first_name="Dokument",
                last_name=f"Ägare {i}",
                password=None,
            )
            for i in range(1, 21)
        ]
        self.secret = Group.objects.get_or_create(name="Sekretess socialtjänst")[0]
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
        self.showcase_id = None
        self.showcase_chosen = False
        self.placed = 0

    @property
    def showcase(self):
        """The measured document page: a public riktlinje with public rutiner under it."""
        from policies.models import RiktlinjePage

        return RiktlinjePage.objects.get(pk=self.showcase_id)

    # -- one family -------------------------------------------------------------------------

    def _body(self, topic):
        rng = self.rng

        def block(kind, value):
            return {"type": kind, "value": value, "id": str(uuid.uuid4())}

        blocks = [
            block("heading", {"text": "Syfte", "level": "h2"}),
            block("paragraph", f"<p>Dokumentet reglerar {topic} i kommunens verksamheter.</p>"),
            block("heading", {"text": "Krav", "level": "h2"}),
        ]
        for n in range(rng.randint(3, 8)):
            blocks.append(
                block("requirement", {"reference": "", "text": f"<p>Krav {n + 1} ska följas.</p>"})
            )
        blocks.append(
            block(
                "legal_reference",
                {"title": "Dataskyddsförordningen", "designation": "(EU) 2016/679", "url": ""},
            )
        )
        return blocks

    def _next_review(self, decided, months):
        """A fifth overdue or due within 60 days, the rest later, whatever the decision date."""
        roll = self.rng.random()
        if roll < 0.1:
            return self.today - datetime.timedelta(days=self.rng.randint(1, 300))
        if roll < 0.2:
            return self.today + datetime.timedelta(days=self.rng.randint(0, 60))
        return max(
            decided + datetime.timedelta(days=months * 30),
            self.today + datetime.timedelta(days=self.rng.randint(61, 900)),
        )

    def _node(self, kind, title, topic, publicity, body_code, organisation, doc_type=None):
        rng = self.rng
        decided = self.today - datetime.timedelta(days=rng.randint(20, 1500))
        months = rng.choice([12, 12, 24, 36])
        central = body_code in ("kf", "ks", "kommundirektor") or organisation is None
        prefix = "KS" if central else organisation.short_name
        self.count += 1
        fields = {
            "document_type": doc_type or kind,
            "decision_body": self.bodies[body_code],
            "decision_date": decided,
            "protocol_paragraph": rng.randint(1, 250) if body_code in ("kf", "ks") else None,
            "diarienummer": f"{prefix}-{decided.year}-{1000 + self.count}",
            "valid_from": decided + datetime.timedelta(days=rng.randint(0, 30)),
            "review_interval_months": months,
            "next_review": self._next_review(decided, months),
            "publicity": publicity,
            "version": rng.choice(["1.0", "1.1", "2.0", "3.0"]),
            "organisation": organisation,
            "responsible": None if rng.random() < 0.02 else rng.choice(self.owners),
            "responsible_role": rng.choice(self.roles) if self.roles else None,
            "contact_name": "Informationssäkerhetsfunktionen",
            "contact_email": "informationssakerhet@benchkommun.se",
            "summary": (
                f"Dokumentet beskriver hur kommunen arbetar med {topic} och vilka krav som "
                "gäller för medarbetare, chefer och systemägare."
            ),
            "body": self._body(topic),
        }
        return Node(
            kind=kind,
            title=title,
            fields=fields,
            lis_areas=rng.sample(self.lis_areas, min(len(self.lis_areas), rng.randint(1, 3))),
            target_groups=rng.sample(self.target_groups, rng.randint(1, 2)),
        )

    def _children(self, riktlinje, limit, topic, number, count):
        rng = self.rng
        parent_public = riktlinje.fields["publicity"] == "public"
        showcase = riktlinje.showcase
        for u in range(1, count + 1):
            if self.count >= limit:
                return
            kind = "rutin" if rng.random() < 0.7 else "stodanvisning"
            public = parent_public and (showcase or rng.random() < 0.6)
            label = "Rutin" if kind == "rutin" else "Stödanvisning"
            riktlinje.children.append(
                self._node(
                    kind,
                    f"{label} för {topic} {number}.{u}",
                    topic,
                    "public" if public else "internal",
                    rng.choice(
                        ["kommundirektor", "stabschef", "forvaltningschef", "verksamhetschef"]
                    ),
                    rng.choice(self.organisations),
                )
            )

    def _riktlinje(self, limit, topic, number, organisation, first):
        rng = self.rng
        public = first or rng.random() < 0.65
        node = self._node(
            "riktlinje",
            f"Riktlinje för {topic} {number}",
            topic,
            "public" if public else "internal",
            rng.choice(["ks", "kommundirektor"]),
            organisation,
        )
        node.restricted = not public and rng.random() < 1 / 12
        return node

    def _family(self, limit):
        """The top document of the next family, with its subtree."""
        rng = self.rng
        index = self.families
        self.families += 1
        topic = TOPICS[index % len(TOPICS)]
        number = index + 1
        organisation = rng.choice([None, *self.organisations])
        if index % 2 == 0:
            top = self._node(
                "policy",
                f"Policy för {topic} {number}",
                topic,
                "public",
                "kf",
                None,
                doc_type=rng.choice(["policy", "policy", "program"]),
            )
            for r in range(1, 4):
                if self.count >= limit:
                    break
                riktlinje = self._riktlinje(limit, topic, f"{number}.{r}", organisation, r == 1)
                if not self.showcase_chosen and r == 1:
                    riktlinje.showcase = self.showcase_chosen = True
                top.children.append(riktlinje)
                self._children(riktlinje, limit, topic, f"{number}.{r}", 2)
            return top
        top = self._riktlinje(limit, topic, str(number), organisation, False)
        self._children(top, limit, topic, str(number), 3)
        return top

    # -- rows -------------------------------------------------------------------------------

    def _place(self, register, tops):
        """Treebeard paths and url_paths for the new subtrees under the register."""
        from wagtail.models import Page

        ordered = []

        def place(node, path, depth, parent_url, n):
            self.placed += 1
            slug = f"dokument-{self.placed}"
            url_path = f"{parent_url}{slug}/"
            node.page = Page(
                title=node.title,
                draft_title=node.title,
                slug=slug,
                content_type=self.content_types[node.kind],
                path=path,
                depth=depth,
                numchild=len(node.children),
                url_path=url_path,
                live=True,
                has_unpublished_changes=False,
                first_published_at=self._published(node),
                last_published_at=self._published(node),
                locale_id=register.locale_id,
                translation_key=uuid.uuid4(),
            )
            ordered.append(node)
            for j, child in enumerate(node.children, start=1):
                place(child, Page._get_path(path, depth + 1, j), depth + 1, url_path, j)

        for i, top in enumerate(tops, start=1):
            path = Page._get_path(register.path, register.depth + 1, register.numchild + i)
            place(top, path, register.depth + 1, register.url_path, i)
        return ordered

    def _published(self, node):
        from django.utils import timezone

        decided = node.fields["decision_date"]
        return timezone.make_aware(datetime.datetime.combine(decided, datetime.time(9)))

    def _chunk(self, limit):
        from django.db import models, transaction
        from wagtail.models import Page

        from policies.models import AdoptedVersion, Styrdokument

        with transaction.atomic():
            register = Page.objects.get(pk=self.register_id)
            tops = []
            start = self.count
            while self.count < limit and self.count - start < self.CHUNK:
                tops.append(self._family(limit))
            nodes = self._place(register, tops)
            Page.objects.bulk_create([node.page for node in nodes])
            Page.objects.filter(pk=register.pk).update(numchild=models.F("numchild") + len(tops))
            by_class = {}
            for node in nodes:
                cls = self.classes[node.kind]
                pk = node.page.pk
                document = cls(page_ptr_id=pk, styrdokument_ptr_id=pk, **node.fields)
                derive_saved_fields(document, node.title)
                by_class.setdefault(cls, []).append(document)
                if node.showcase:
                    self.showcase_id = pk
            # Styrdokument and its subclasses are multi-table children of Page, which
            # bulk_create refuses; their rows are inserted table by table, as it would.
            everything = [document for group in by_class.values() for document in group]
            models.QuerySet(Styrdokument)._batched_insert(
                everything, fields=Styrdokument._meta.local_concrete_fields, batch_size=None
            )
            for cls, group in by_class.items():
                models.QuerySet(cls)._batched_insert(
                    group, fields=cls._meta.local_concrete_fields, batch_size=None
                )
            self._relations(nodes)
            AdoptedVersion.objects.bulk_create(
                AdoptedVersion(
                    document_id=node.page.pk,
                    title=node.title,
                    version=node.fields["version"],
                    decision_body_name=node.fields["decision_body"].name,
                    decision_date=node.fields["decision_date"],
                    diarienummer=node.fields["diarienummer"],
                    protocol_paragraph=node.fields["protocol_paragraph"],
                    publicity=node.fields["publicity"],
                    adopted_at=node.page.first_published_at,
                )
                for node in nodes
            )
        return {cls: [document.pk for document in group] for cls, group in by_class.items()}

    def _relations(self, nodes):
        from policies.models import Styrdokument

        through = Styrdokument.lis_areas.through
        through.objects.bulk_create(
            through(styrdokument_id=node.page.pk, lisarea_id=area.pk)
            for node in nodes
            for area in node.lis_areas
        )
        through = Styrdokument.target_groups.through
        through.objects.bulk_create(
            through(styrdokument_id=node.page.pk, targetgroup_id=group.pk)
            for node in nodes
            for group in node.target_groups
        )
        through = Styrdokument.restricted_to.through
        through.objects.bulk_create(
            through(styrdokument_id=node.page.pk, group_id=self.secret.pk)
            for node in nodes
            if node.restricted
        )

    def grow_to(self, total):
        while self.count < total:
            ids = self._chunk(total)
            if self.index:
                add_to_index(ids)


def add_to_index(ids_by_class):
    """Add bulk-written documents to the search index as `update_index` would, model by model,
    and store their words for the spelling suggestions as their save() would."""
    from wagtail.search.backends import get_search_backend

    from search.vocabulary import store_words

    backend = get_search_backend()
    for cls, ids in ids_by_class.items():
        objects = list(
            cls.objects.filter(pk__in=ids).select_related("decision_body", "organisation")
        )
        backend.add_bulk(cls, objects)
        for document in objects:
            store_words(document)


def add_decisions(documents):
    """One governance.decided entry in the audit log per document, as the workflow writes them
    (bulk); `documents` is an iterable of live Styrdokument with decision_body selected."""
    from django.utils import timezone
    from wagtail.models import PageLogEntry

    PageLogEntry.objects.bulk_create(
        (
            PageLogEntry(
                page_id=page.pk,
                content_type_id=page.content_type_id,
                label=page.title,
                action="governance.decided",
                timestamp=page.first_published_at or timezone.now(),
                data={
                    "decision_date": page.decision_date.isoformat() if page.decision_date else None,
                    "body": page.decision_body.name if page.decision_body_id else "",
                    "paragraph": page.protocol_paragraph,
                    "diarienummer": page.diarienummer,
                },
            )
            for page in documents
        ),
        batch_size=1000,
    )


def vacuum_analyze():
    """VACUUM ANALYZE on PostgreSQL after a bulk load, as autovacuum does within a minute or so
    on a real server: fresh statistics for the planner and the visibility map that lets the
    register's count and page of ids read their covering indexes alone."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def derive_saved_fields(document, title):
    """What Styrdokument.save() derives from other fields (the register's stored sort keys),
    which a bulk insert would otherwise leave at their defaults."""
    from policies.models.choices import DOCUMENT_TYPE_RANK

    names = {f.name for f in type(document)._meta.concrete_fields}
    if "type_rank" in names:
        document.type_rank = DOCUMENT_TYPE_RANK.get(document.document_type, 99)
    if "sort_title" in names:
        document.sort_title = title
    if "ranking_title" in names:
        document.ranking_title = title.lower()
        document.ranking_summary = (document.summary or "").lower()
    if "plain_text" in names:
        from policies.text import document_plain_text

        document.plain_text = document_plain_text(document.summary, document.body)


# -- timing -----------------------------------------------------------------------------------


@dataclass
class Target:
    """One request to measure: who asks (a django.test.Client), where, and what it must show."""

    label: str
    client: object
    path: str
    host: str
    expect: str = ""  # text the response must contain
    status: int = 200
    bare: str = ""  # the baseline's path on the same client and host
    expected_count: int | None = None  # a listing's number of documents, checked on page 1
    page: int = 1  # the listing's page asked for
    cached: bool = False  # whether a cache answered the warm-up

    def get(self, path=None):
        return self.client.get(path or self.path, HTTP_HOST=self.host)


@dataclass
class Result:
    label: str
    p50: float  # ms
    baseline_p50: float  # ms
    ratio: float  # median of per-round ratios
    queries: int
    baseline_queries: int
    notes: list = field(default_factory=list)


def _checked(target, response):
    if response.status_code != target.status:
        raise SystemExit(
            f"{target.label}: {target.host}{target.path} svarade {response.status_code}, "
            f"väntat {target.status}"
        )
    if target.expect and target.expect not in response.content.decode(errors="replace"):
        raise SystemExit(f"{target.label}: {target.path} visar inte {target.expect!r}")
    return response


def count_queries(request):
    """The SQL queries of one call of `request()`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        request()
    return len(queries.captured_queries)


def _timed(request):
    start = time.perf_counter()
    response = request()
    return (time.perf_counter() - start) * 1000, response


# Requests per target (and per bare page) before the rounds. The statements compiled once per
# process are prepared on PostgreSQL (policies.models.routing.CompiledQuery), and PostgreSQL plans
# a prepared statement's first five runs for their values before it keeps one plan for the
# connection (plan_cache_mode = auto): measured after a single request, the first size's pages
# paid that planning in their first rounds (at 200 documents the document page read 1 ms slower
# than at 2,000). A server's connections are past it after their first few requests.
WARM_UP = 6


def interleaved(targets, rounds, inspect=None):
    """Time every target against its bare page, alternately, `rounds` times.

    Each round requests, for every target in turn, the bare page and then the target with the
    same client on the same host; a target's figure is the median of its per-round ratios, its
    p50 and its pair's p50 are reported beside it. Each is first requested WARM_UP times (the
    templates, the site root paths, the settings, the prepared statements' kept plans); the
    first of those checks the status and content and is passed to `inspect(target, response)`.
    The queries are counted on one request after the rounds (the bare page's once per client
    and host).
    """
    samples = {target.label: ([], []) for target in targets}
    pairs = {}
    for target in targets:
        response = _checked(target, target.get())
        if inspect is not None:
            inspect(target, response)
        for _ in range(WARM_UP - 1):
            target.get()
        pair = (id(target.client), target.host, target.bare)
        if pair not in pairs:
            for _ in range(WARM_UP):
                target.get(target.bare)
            pairs[pair] = None
    for _ in range(rounds):
        gc.collect()
        for target in targets:
            bare_ms, _r = _timed(lambda t=target: t.get(t.bare))
            ms, response = _timed(target.get)
            _checked(target, response)
            samples[target.label][0].append(ms)
            samples[target.label][1].append(bare_ms)
    results = {}
    for target in targets:
        pair = (id(target.client), target.host, target.bare)
        if pairs[pair] is None:
            pairs[pair] = count_queries(lambda t=target: t.get(t.bare))
        times, bare_times = samples[target.label]
        results[target.label] = Result(
            label=target.label,
            p50=statistics.median(times),
            baseline_p50=statistics.median(bare_times),
            ratio=statistics.median(t / b for t, b in zip(times, bare_times, strict=True)),
            queries=count_queries(target.get),
            baseline_queries=pairs[pair],
        )
    return results


def percentile(values, fraction):
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(fraction * 100) - 1]


# -- printing ---------------------------------------------------------------------------------


def cache_hit(headers):
    """Whether a cache answered, from the response headers (a mapping with lower-case names):
    X-Cache: HIT, an Age header, or any other *cache* header saying "hit" (Styrdok's page
    cache sends X-Styrdok-Page-Cache: hit)."""
    for name, value in headers.items():
        name = name.lower()
        if name == "age" or (
            "cache" in name and name != "cache-control" and str(value).lower().startswith("hit")
        ):
            return True
    return False


def without_page_cache():
    """Drop every middleware with "cache" in its name from this process's settings, so the
    test client measures rendering rather than a stored copy; returns what was dropped. Call
    it before the first request (a client loads the middleware on its first request)."""
    from django.conf import settings

    dropped = [name for name in settings.MIDDLEWARE if "cache" in name.lower()]
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name not in dropped]
    return dropped


def print_rows(title, rows, unit="ms", extra="frågor"):
    """Rows of (figure label, figure, baseline, ratio, queries, verdict) under one title; figure
    and baseline in `unit`, queries (or what `extra` names) as "n" or "n (baslinjens)", verdict
    "" or e.g. "OK (≤ 1,5×)"."""
    labels = [row[0] for row in rows]
    width = max([len(label) for label in labels] + [5])
    print()
    print(title)
    header = (
        f"{'Mått':<{width}} | {'värde ' + unit:>10} | {'baslinje':>10} | {'kvot':>7} | "
        f"{extra:>12} | mål"
    )
    print(header)
    print("-" * (len(header) + 12))
    for label, figure, baseline, ratio, queries, verdict in rows:
        print(
            f"{label:<{width}} | {figure:>10.1f} | {baseline:>10.1f} | {ratio:>6.2f}× | "
            f"{queries!s:>12} | {verdict}",
            flush=True,
        )
