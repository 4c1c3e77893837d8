"""The register reads a fixed number of rows, whatever it lists (issue 17).

A page of /styrdokument/ is a count and a page of ids from indexed columns, then the rows shown.
Every reader (public visitor, member of staff, redaktör), with each filter and each sort, on the
first page and a later one, gets the same number of queries at 30 and at 80 documents. The
order shown is checked against the documents as built, and the two rewritten rules (the review
status filter and the exclusion of restricted subtrees) against the rules they replace.
"""

import datetime
from itertools import cycle

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth.models import AnonymousUser, Group
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from governance.constants import DocumentType
from policies.channels import INTRANET, PUBLIC
from policies.models import (
    PolicyPage,
    Publicity,
    ReviewStatus,
    RiktlinjePage,
    RutinPage,
    Styrdokument,
)
from policies.models import documents as document_models
from policies.register import SORTS
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    get_body,
    get_lis_area,
    make_live_document,
    make_organisation,
    make_user,
)
from tests.policies.test_review_status import (
    STATUS_VALUES,
    STOCKHOLM,
    build_scenarios,
    expected,
)
from tests.shared import build_once

pytestmark = pytest.mark.django_db

REGISTER = "/styrdokument/"
SMALL, LARGE = 30, 80
TODAY = datetime.date.today()


def listed_titles(response):
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        " ".join(a.get_text(" ").split())
        for a in soup.select("table.register-table tbody td:first-child a")
    ]


# -- the world ---------------------------------------------------------------------------------


class World:
    """Documents added in batches, each spread over types, organs, förvaltningar, LIS areas,
    owners (active, gone, none), review dates and publicity; some under a restricted riktlinje."""

    def __init__(self):
        self.klf = make_organisation("Kommunledningsförvaltningen")
        self.soc = make_organisation("Socialförvaltningen")
        self.owner = make_user("registeragare", first_name="Åsa", last_name="Ägare")
        self.former = make_user("registerslutat", is_active=False)
        self.restricted_group = Group.objects.create(name="Säkerhetsgruppen")
        self.member = make_user("insatt", groups=[self.restricted_group.name])
        self.count = 0
        self.restricted_parent = make_live_document(
            RiktlinjePage,
            title="Zeta begränsad riktlinje",
            publicity=Publicity.INTERNAL,
            restricted_to=[self.restricted_group],
        )
        self.carrier = make_live_document(RiktlinjePage, title="Alfa riktlinje med rutiner")
        self.count += 2

    def grow_to(self, total):
        organs = cycle(["ks", "kommundirektor", "stabschef"])
        while self.count < total:
            n = self.count
            cls = [PolicyPage, RiktlinjePage, RutinPage][n % 3]
            parent = None
            if cls is RutinPage:
                parent = self.restricted_parent if n % 10 == 7 else self.carrier
            make_live_document(
                cls,
                parent=parent,
                title=f"Dokument {n % 17:02d} nr {n:03d}",
                decision_body=get_body("kf" if cls is PolicyPage else next(organs)),
                decision_date=TODAY - datetime.timedelta(days=400 + n * 3),
                next_review=TODAY + datetime.timedelta(days=(n % 9 - 3) * 25),
                organisation=[None, self.klf, self.soc][n % 3],
                responsible=[self.owner, self.owner, self.former, None][n % 4],
                publicity=Publicity.PUBLIC if n % 4 else Publicity.INTERNAL,
                lis_areas=[get_lis_area(1 + n % 3), get_lis_area(5)],
            )
            self.count += 1


def _cases(world, intranet):
    """(params, at least this many rows on the page shown) for every filter, sort and page."""
    cases = [
        ({}, 10),
        ({"sida": "2"}, 1),
        ({"sida": "999"}, 1),  # beyond the last page: the last page, with a notice
        ({"typ": "riktlinje"}, 1),
        ({"organ": "ks"}, 1),
        ({"forvaltning": str(world.soc.pk)}, 1),
        ({"omrade": "2"}, 1),
        ({"omrade": "5", "sida": "2"}, 1),
        ({"status": "forsenad"}, 1),
        ({"status": "snart"}, 1),
        ({"status": "aktuell"}, 1),
        ({"typ": "riktlinje", "sortering": "-beslutsdatum"}, 1),
        ({"typ": "policy", "organ": "kf", "omrade": "5", "sortering": "-titel"}, 1),
    ]
    cases += [({"sortering": sort}, 10) for sort in ("typ", "titel", "-titel")]
    cases += [({"sortering": sort, "sida": "2"}, 1) for sort in ("beslutsdatum", "-beslutsdatum")]
    cases += [({"sortering": sort, "sida": "2"}, 1) for sort in ("revision", "-revision")]
    if intranet:
        cases += [({"status": "saknar-agare"}, 1), ({"status": "saknar-agare", "sida": "2"}, 1)]
    return cases


def _count_queries(client, params):
    client.get(REGISTER, params)  # fills Wagtail's and Django's caches (site root paths, …)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(REGISTER, params)
    # No row is repeated by a join, so nothing needs DISTINCT (over some sixty columns).
    assert not [q["sql"] for q in queries.captured_queries if "DISTINCT" in q["sql"]]
    return len(queries), listed_titles(response)


def _counts(client, cases):
    counts = {}
    for params, at_least in cases:
        count, titles = _count_queries(client, params)
        assert len(titles) >= at_least, params
        counts[str(params)] = count
    return counts


def _client(host, user=None):
    client = Client(HTTP_HOST=host)
    if user is not None:
        client.force_login(user)
    return client


def test_every_reader_filter_sort_and_page_costs_the_same_at_two_sizes(db):
    world = World()
    world.grow_to(SMALL)
    readers = {
        "public": (_client(PUBLIC_HOST), False),
        "staff": (_client(INTRANET_HOST, make_user("medarbetare")), True),
        "redaktor": (_client(INTRANET_HOST, make_user("redaktor", groups=["Redaktörer"])), True),
        "member": (_client(INTRANET_HOST, world.member), True),
    }
    small = {name: _counts(c, _cases(world, intranet)) for name, (c, intranet) in readers.items()}
    world.grow_to(LARGE)
    large = {name: _counts(c, _cases(world, intranet)) for name, (c, intranet) in readers.items()}

    assert large == small
    for reader, counts in small.items():
        # One count for every filter, sort and page: none of them adds a query.
        assert len(set(counts.values())) == 1, (reader, counts)


# -- what is shown -----------------------------------------------------------------------------


def _expected(channel, user=None):
    """The register's documents in Python, from the rows as stored: the public ones or those
    not under a subtree restricted to groups `user` is not in."""
    documents = list(Styrdokument.objects.filter(live=True).prefetch_related("restricted_to"))
    restricted = {
        doc.path: {group.pk for group in doc.restricted_to.all()}
        for doc in documents
        if doc.restricted_to.all()
    }
    groups = set(user.groups.values_list("pk", flat=True)) if user else set()

    def hidden(doc):
        return any(
            doc.path.startswith(path) and not (channel == INTRANET and members & groups)
            for path, members in restricted.items()
        )

    return [
        doc
        for doc in documents
        if not hidden(doc) and (channel == INTRANET or doc.publicity == Publicity.PUBLIC)
    ]


def build_large_world():
    world = World()
    world.grow_to(LARGE)
    return world


@pytest.fixture(scope="class")
def large_world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_large_world)


@pytest.fixture
def world(large_world, db):
    """build_large_world's register, built once for the class that reads it."""
    return large_world


RANK = {DocumentType.POLICY: 1, DocumentType.RIKTLINJE: 3, DocumentType.RUTIN: 4}


def _request(host, user):
    request = RequestFactory().get(REGISTER, HTTP_HOST=host)
    request.user = user
    return request


class TestWhatIsShown:
    """What the register lists, and for whom, against the documents as built (read once)."""

    @pytest.mark.parametrize(
        ("sort", "key", "reverse"),
        [
            ("typ", lambda d: (RANK[d.document_type], d.title, d.pk), False),
            ("titel", lambda d: (d.title, d.pk), False),
            ("-titel", lambda d: (d.title, d.pk), True),
            ("beslutsdatum", lambda d: (d.decision_date, d.title, d.pk), False),
            ("revision", lambda d: (d.next_review, d.title, d.pk), False),
        ],
    )
    def test_the_order_shown_is_the_documents_sorted(
        self, world, public_client, sort, key, reverse
    ):
        expected_titles = [d.title for d in sorted(_expected(PUBLIC), key=key, reverse=reverse)]

        shown = []
        for page in (1, 2, 3):
            shown += listed_titles(public_client.get(REGISTER, {"sortering": sort, "sida": page}))

        assert shown == expected_titles
        assert "Zeta begränsad riktlinje" not in shown

    def test_descending_dates_keep_titles_ascending(self, world, intranet_client):
        shown = listed_titles(intranet_client.get(REGISTER, {"sortering": "-beslutsdatum"}))

        key = lambda d: (-d.decision_date.toordinal(), d.title, d.pk)  # noqa: E731
        assert shown == [d.title for d in sorted(_expected(INTRANET), key=key)][:25]

    def test_staff_see_restricted_subtrees_only_as_members(self, world, intranet_client, client):
        client.defaults["HTTP_HOST"] = INTRANET_HOST
        client.force_login(world.member)
        params = {"sortering": "titel", "typ": "rutin"}

        staff = listed_titles(intranet_client.get(REGISTER, params))
        member = listed_titles(client.get(REGISTER, params))

        hidden = [d.title for d in Styrdokument.objects.child_of(world.restricted_parent)]
        assert hidden
        assert not set(hidden) & set(staff)
        assert set(hidden) <= set(member)
        rutiner = [d for d in _expected(INTRANET, world.member) if d.document_type == "rutin"]
        assert member == sorted(d.title for d in rutiner)[:25]

    @pytest.mark.parametrize("max_roots", [100, 0])
    def test_for_request_is_for_channel(self, world, monkeypatch, max_roots):
        """The prefix match on the hidden roots' paths (and, past MAX_PREFIX_ROOTS, its fallback)
        gives exactly for_channel's set, for every kind of reader."""
        monkeypatch.setattr(document_models, "MAX_PREFIX_ROOTS", max_roots)
        # Read again: the hidden paths are cached on the user object for a request.
        member = type(world.member).objects.get(pk=world.member.pk)
        # A restricted document inside another restricted subtree adds nothing to hide.
        nested = make_live_document(
            RutinPage,
            parent=world.restricted_parent,
            title="Begränsad rutin",
            publicity=Publicity.INTERNAL,
            restricted_to=[Group.objects.create(name="Annan grupp")],
        )
        readers = [
            (PUBLIC_HOST, PUBLIC, AnonymousUser()),
            (PUBLIC_HOST, PUBLIC, member),
            (INTRANET_HOST, INTRANET, make_user("medarbetare")),
            (INTRANET_HOST, INTRANET, member),
            (
                INTRANET_HOST,
                INTRANET,
                make_user("gone", groups=["Säkerhetsgruppen"], is_active=False),
            ),
            (INTRANET_HOST, INTRANET, make_user("chef", superuser=True)),
        ]
        for host, channel, user in readers:
            by_request = Styrdokument.objects.for_request(_request(host, user))
            by_channel = Styrdokument.objects.for_channel(channel, user)
            assert set(by_request.values_list("pk", flat=True)) == set(
                by_channel.values_list("pk", flat=True)
            ), (channel, user)
        member_sees = Styrdokument.objects.for_request(
            _request(INTRANET_HOST, type(member).objects.get(pk=member.pk))
        )
        assert not member_sees.filter(pk=nested.pk).exists()


# -- the stored sort keys ----------------------------------------------------------------------


def test_saving_keeps_the_sort_keys():
    page = make_live_document(PolicyPage, title="Bravo")
    assert (page.sort_title, page.type_rank) == ("Bravo", 1)

    page.title = "Alfa"
    page.save(update_fields=["title"])
    page.document_type = DocumentType.PROGRAM
    page.save(update_fields=["document_type"])

    stored = Styrdokument.objects.values("sort_title", "type_rank").get(pk=page.pk)
    assert stored == {"sort_title": "Alfa", "type_rank": 2}


# -- the status filter agrees with the status annotation -------------------------------------


@pytest.fixture(scope="module")
def scenario_pks(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("register_review")
    with override_settings(STYRDOK_ARCHIVE_ROOT=folder / "arkiv"):
        yield from build_once(django_db_blocker, build_scenarios)


@pytest.mark.parametrize("status", list(ReviewStatus))
def test_the_status_filter_is_the_status_annotation(scenario_pks, db, status):
    """in_review_status, written on indexed columns, selects what with_review_status's CASE
    says, for staff (all five) and the public site (dates only), on the scenario documents of
    tests/policies/test_review_status.py and on the day they were built for."""
    documents = Styrdokument.objects.filter(pk__in=scenario_pks.values())
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=STOCKHOLM), tick=False):
        staff = set(documents.in_review_status(status).values_list("title", flat=True))
        public = set(
            documents.in_review_status(status, date_only=True).values_list("title", flat=True)
        )
        annotated = documents.with_review_status()
        assert staff == set(annotated.filter(review_status=status).values_list("title", flat=True))
        assert public == set(
            annotated.filter(date_review_status=status).values_list("title", flat=True)
        )
    assert staff == {t for t, s in expected("intranet").items() if STATUS_VALUES[s] == status}


# What each filter of the register compares on the listed document's own row (the LIS area is
# a semi-join on its through table, whose index on the area serves it).
FILTER_COLUMNS = {
    "kanal": "publicity",
    "typ": "document_type",
    "organ": "decision_body",
    "forvaltning": "organisation",
    "status": "next_review",
    "agare": "responsible",
}


@pytest.mark.parametrize("sort", list(SORTS))
def test_every_sort_has_an_index_that_also_answers_every_filter(sort):
    """A page of ids is read in sort order from one index alone (PostgreSQL), whichever filters
    apply: the index leads with the sort's columns and carries every filtered column, so no
    wide row of a document that is not shown is read (issue 17, 10,000 documents)."""
    order = [
        ("-" if field.startswith("-") else "")
        + ("page_ptr" if field.lstrip("-") == "pk" else field.lstrip("-"))
        for field in SORTS[sort][1]
    ]
    indexes = Styrdokument._meta.indexes
    # A descending order is read backwards on the ascending index, and the reverse.
    flipped = [name[1:] if name.startswith("-") else "-" + name for name in order]
    matching = [index for index in indexes if list(index.fields) in (order, flipped)]

    assert matching, sort
    carried = set(matching[0].fields) | set(matching[0].include)
    carried = {name.lstrip("-") for name in carried}
    assert set(FILTER_COLUMNS.values()) <= carried
